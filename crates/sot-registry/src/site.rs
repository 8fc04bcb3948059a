//! Published sites: a docs generator publishes each Markdown source at a URL
//! (`docs/a/b.md` at `/a/b/` in MkDocs), and its pages link to each other by those
//! URLs. `Site` maps such a URL back to the sources that could publish it, so the
//! link is checked against the files instead of being skipped.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use rayon::prelude::*;
use regex::Regex;
use serde::{Deserialize, Serialize};
use sot_syntax::{Document, FieldValue, LinkKind};

use crate::links::{normalize, FileTree};
use crate::page_anchors::{AnchorPattern, AnchorRules, HeadingIds, PageAnchors};

/// What publishes the workspace's Markdown, and so what a link target means.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Generator {
    /// Links are read as GitHub renders the repository: every target is a file path.
    #[default]
    GitHub,
    MkDocs,
    Docusaurus,
    Hugo,
    Jekyll,
    Middleman,
    Docfx,
}

impl Generator {
    /// Extensions of the sources that become pages (`a.md` publishes `a`).
    fn page_extensions(self) -> &'static [&'static str] {
        match self {
            Generator::GitHub => &[],
            Generator::MkDocs | Generator::Hugo => &["md", "markdown"],
            Generator::Docusaurus => &["md", "mdx"],
            Generator::Jekyll => &["md", "markdown", "html"],
            Generator::Middleman => &["html.md", "html.markdown"],
            // YAML landing and hub pages (`index.yml`) are pages too.
            Generator::Docfx => &["md", "yml"],
        }
    }

    /// File names that publish their folder's URL (`a/index.md` at `/a/`).
    fn index_files(self) -> &'static [&'static str] {
        match self {
            Generator::GitHub => &[],
            Generator::MkDocs => &["index.md", "index.markdown", "README.md", "README.markdown"],
            Generator::Docusaurus => &["index.md", "index.mdx", "README.md", "README.mdx"],
            Generator::Hugo => &["_index.md", "_index.markdown", "index.md", "index.markdown"],
            Generator::Jekyll => &["index.md", "index.markdown", "index.html", "README.md"],
            Generator::Middleman => &["index.html.md", "index.html.markdown"],
            Generator::Docfx => &["index.md", "index.yml"],
        }
    }

    /// Whether a page is published as a folder (`a/b.md` at `/a/b/`) unless the
    /// configuration says otherwise.
    pub fn directory_urls(self) -> bool {
        matches!(self, Generator::MkDocs | Generator::Hugo)
    }

    /// Whether a link must match its source's letter case unless the configuration
    /// says otherwise: Hugo lowercases every page URL (`Intersect.md` at `/intersect/`).
    pub fn case_sensitive(self) -> bool {
        self != Generator::Hugo
    }

    /// How the generator makes heading ids unless the configuration says otherwise.
    pub fn heading_ids(self) -> HeadingIds {
        match self {
            Generator::MkDocs => HeadingIds::PythonMarkdown,
            _ => HeadingIds::Github,
        }
    }
}

/// A convention the site's build applies to link targets: the first group-aware
/// regex replacement that matches (`^\./eip-(\d+)\.md` to `./erc-$1.md`).
#[derive(Debug, Clone)]
pub struct Rewrite {
    pub from: Regex,
    pub to: String,
}

/// How links resolve: on GitHub (the default), or on a published site.
#[derive(Debug, Clone, Default)]
pub struct Site {
    generator: Generator,
    /// The folder a target starting with `/` starts from, root-relative; `""` is the
    /// workspace root. For a generator, only documents under it (or under a folder
    /// of `paths`) are pages.
    root: String,
    /// The URL path the site is served under, without its outer slashes (`cpp` for
    /// `/cpp/`); `""` when it is served at the host's root.
    base: String,
    /// Whether each page's URL is a folder, so relative URLs in it start there.
    directory_urls: bool,
    /// Whether paths match in any letter case, as where the site is built or served
    /// on a case-insensitive file system.
    ignore_case: bool,
    /// Root-relative folders whose files the site serves from its root URL (`static/`).
    static_dirs: Vec<String>,
    /// Site paths (below `base`, without outer slashes) served from another folder
    /// than `root`: (`docs`, `website/_docs`).
    paths: Vec<(String, String)>,
    /// Pages that set their own URL in their frontmatter, by page key (see
    /// `page_key`): the document that publishes it.
    permalinks: HashMap<String, String>,
    /// Docusaurus pages whose URL is not their file's path (an `id`, a `slug`, a
    /// number prefix), by document path: the site path of that URL.
    routes: HashMap<String, String>,
    /// Targets that are not checked, matched against the decoded target.
    ignore: Vec<Regex>,
    rewrites: Vec<Rewrite>,
    anchor_rules: AnchorRules,
    /// Patterns whose first group names a file the site includes in a page when it
    /// builds it (Hugo's `{{% include "x.md" %}}`, pymdownx snippets).
    includes: Vec<Regex>,
    /// The anchors of each page, by document path, as the generator makes them.
    page_anchors: HashMap<String, PageAnchors>,
}

/// Where a target leads, before the registry attaches documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Located {
    File(String),
    Dir(String),
    Missing(String),
    /// A file path that climbs above the workspace root.
    OutsideRoot,
    /// Not checkable: a `/` path outside the site's `base` (another site on the same
    /// host), or a URL that a template writes (`{{< ref x >}}`).
    Unchecked,
}

/// How a link to a published page was looked up, for the help of a broken one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLookup {
    /// The URL path the link reaches on the site (`/cpp/build/x`).
    pub url: String,
    /// The sources that would publish that URL, in the order tried.
    pub tried: Vec<String>,
    /// For a relative URL that misses but reaches a page when read from its file's
    /// folder (as on GitHub): the URL that reaches that page from this one.
    pub suggestion: Option<String>,
}

/// How the last segment of a target reads: a folder, a page URL, or a file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `a/`, `.`, `..`: a folder URL.
    Folder,
    /// `a.html`: a page URL with an extension.
    Html,
    /// `a`: a page URL without extension, or an extensionless file.
    Bare,
    /// `a.md`, `a.png`: a file path, resolved as on GitHub.
    File,
}

/// What a site reads of one document's text, derived once when it is parsed; a cached
/// document keeps these instead of its text.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct PageFacts {
    anchors: Option<PageAnchors>,
    /// Names of the files the document includes, as written.
    included: Vec<String>,
}

impl PageFacts {
    /// The files the document includes, as written.
    pub fn included(&self) -> &[String] {
        &self.included
    }
}

impl Site {
    /// `root` is root-relative and `base` a URL path, both without outer slashes.
    pub fn new(
        generator: Generator,
        root: String,
        base: String,
        directory_urls: bool,
        ignore_case: bool,
    ) -> Site {
        Site {
            generator,
            root,
            base,
            directory_urls,
            ignore_case,
            static_dirs: Vec::new(),
            paths: Vec::new(),
            permalinks: HashMap::new(),
            routes: HashMap::new(),
            ignore: Vec::new(),
            rewrites: Vec::new(),
            anchor_rules: AnchorRules {
                heading_ids: generator.heading_ids(),
                definition_terms: false,
                patterns: Vec::new(),
                tab_ids: false,
            },
            includes: Vec::new(),
            page_anchors: HashMap::new(),
        }
    }

    /// Leaves targets matching `ignore` unchecked and applies the first matching
    /// rewrite to the others.
    pub fn with_target_rules(mut self, ignore: Vec<Regex>, rewrites: Vec<Rewrite>) -> Site {
        self.ignore = ignore;
        self.rewrites = rewrites;
        self
    }

    /// How pages get anchors: the heading-id rules, definition-term ids, and
    /// patterns that find an anchor a plugin makes.
    pub fn with_anchor_rules(
        mut self,
        heading_ids: HeadingIds,
        definition_terms: bool,
        patterns: Vec<AnchorPattern>,
    ) -> Site {
        self.anchor_rules = AnchorRules {
            heading_ids,
            definition_terms,
            patterns,
            tab_ids: false,
        };
        self
    }

    /// Gives pymdownx tabs ids made of the heading above them and their title.
    pub fn with_tab_ids(mut self, tab_ids: bool) -> Site {
        self.anchor_rules.tab_ids = tab_ids;
        self
    }

    /// Patterns whose first group names a file included in the page: its anchors
    /// are the page's too.
    pub fn with_includes(mut self, includes: Vec<Regex>) -> Site {
        self.includes = includes;
        self
    }

    /// Whether the decoded target `target` (fragment included) is left unchecked.
    pub fn ignores(&self, target: &str) -> bool {
        self.ignore.iter().any(|r| r.is_match(target))
    }

    /// The decoded target `target` after the first rewrite that matches it.
    pub fn rewrite(&self, target: &str) -> Option<String> {
        self.rewrites
            .iter()
            .find(|r| r.from.is_match(target))
            .map(|r| r.from.replace(target, r.to.as_str()).into_owned())
    }

    /// The anchors the page at `path` has on the site, when it is a page whose
    /// anchors the generator makes (lowercased).
    pub fn anchors(&self, path: &str) -> Option<&HashSet<String>> {
        self.page_anchors.get(path).map(|p| &p.all)
    }

    /// The id the site gives heading `heading` of the page at `path`.
    pub fn heading_id(&self, path: &str, heading: usize) -> Option<&str> {
        let page = self.page_anchors.get(path)?;
        page.headings.get(heading).map(String::as_str)
    }

    /// Also serves the files of these root-relative folders from the site's root URL.
    pub fn with_static(mut self, dirs: Vec<String>) -> Site {
        self.static_dirs = dirs;
        self
    }

    /// Serves each site path (`docs`) from its folder (`website/_docs`) instead of
    /// from `root`.
    pub fn with_paths(mut self, paths: Vec<(String, String)>) -> Site {
        self.paths = paths;
        self
    }

    /// The folders the site is built from, each with the site path it is served at.
    fn mounts(&self) -> impl Iterator<Item = (&str, &str)> {
        std::iter::once(("", self.root.as_str()))
            .chain(self.paths.iter().map(|(p, f)| (p.as_str(), f.as_str())))
    }

    /// The root-relative path that serves `site_path`: the folder of the longest
    /// matching site path.
    fn to_workspace(&self, site_path: &str) -> String {
        self.mounts()
            .filter_map(|(prefix, folder)| Some((prefix.len(), folder, below(site_path, prefix)?)))
            .max_by_key(|(len, _, _)| *len)
            .map_or_else(
                || site_path.to_string(),
                |(_, folder, rest)| join(folder, rest),
            )
    }

    /// The site path that the root-relative `path` is served at, when the site
    /// serves it: from the innermost folder that holds it.
    fn to_site(&self, path: &str) -> Option<String> {
        self.mounts()
            .filter_map(|(prefix, folder)| Some((folder.len(), prefix, below(path, folder)?)))
            .max_by_key(|(len, _, _)| *len)
            .map(|(_, prefix, rest)| join(prefix, rest))
    }

    /// Learns what the site's pages say of themselves: the URLs they claim in their
    /// frontmatter (Jekyll's `permalink` and `redirect_from`, Hugo's `url` and
    /// `aliases`, Docusaurus's `id` and `slug`) and the anchors the generator gives
    /// them.
    /// What the site reads of document `doc`'s text: the anchors the generator gives
    /// it (for a page, or any document when pages include others) and the names of
    /// the files it includes.
    pub fn page_facts(&self, doc: &Document) -> PageFacts {
        let anchors = (self.publishes(&doc.path) || !self.includes.is_empty())
            .then(|| self.anchor_rules.anchors(doc));
        let included = self
            .includes
            .iter()
            .flat_map(|r| r.captures_iter(&doc.text))
            .filter_map(|c| c.get(1).map(|m| m.as_str().trim().to_string()))
            .collect();
        PageFacts { anchors, included }
    }

    pub fn with_pages(mut self, docs: &[Document], known: &[Option<PageFacts>]) -> Site {
        let keys: &[&str] = match self.generator {
            Generator::Jekyll => &["permalink", "redirect_from"],
            Generator::Hugo => &["url", "aliases"],
            _ => &[],
        };
        let facts: Vec<PageFacts> = docs
            .par_iter()
            .enumerate()
            .map(|(i, doc)| match known.get(i) {
                Some(Some(facts)) => facts.clone(),
                _ => self.page_facts(doc),
            })
            .collect();
        for (doc, f) in docs.iter().zip(&facts) {
            if let Some(anchors) = f.anchors.as_ref().filter(|_| self.publishes(&doc.path)) {
                self.page_anchors.insert(doc.path.clone(), anchors.clone());
            }
        }
        for doc in docs {
            if !self.publishes(&doc.path) {
                continue;
            }
            if self.generator == Generator::Docusaurus {
                let route = self.docusaurus_route(doc);
                self.permalinks
                    .entry(page_key(&route))
                    .or_insert_with(|| doc.path.clone());
                self.routes.insert(doc.path.clone(), route);
            }
            let Some(fm) = doc.frontmatter.as_ref() else {
                continue;
            };
            let urls = keys
                .iter()
                .filter_map(|k| fm.get(k))
                .flat_map(FieldValue::strings);
            // `/:year/:title/` is a pattern, not one URL.
            for url in urls.filter(|u| !u.contains(':')) {
                self.permalinks
                    .entry(page_key(url))
                    .or_insert_with(|| doc.path.clone());
            }
        }
        if !self.includes.is_empty() {
            self.add_included_anchors(docs, &facts);
        }
        self
    }

    /// Gives each page the anchors of the files it includes, and of what those
    /// include in turn.
    fn add_included_anchors(&mut self, docs: &[Document], facts: &[PageFacts]) {
        let by_path: HashMap<String, usize> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| (self.path_key(&d.path), i))
            .collect();
        let mut own: HashMap<String, HashSet<String>> = HashMap::new();
        let mut added = Vec::new();
        for (i, doc) in docs.iter().enumerate() {
            if !self.page_anchors.contains_key(&doc.path) {
                continue;
            }
            let mut seen = HashSet::from([self.path_key(&doc.path)]);
            let mut pending = vec![i];
            let mut found = HashSet::new();
            while let Some(including) = pending.pop() {
                let from = &docs[including].path;
                for included in self.included_files(from, &facts[including], &by_path) {
                    if !seen.insert(self.path_key(&docs[included].path)) {
                        continue;
                    }
                    let anchors = own.entry(docs[included].path.clone()).or_insert_with(|| {
                        facts[included]
                            .anchors
                            .as_ref()
                            .map(|a| a.all.clone())
                            .unwrap_or_default()
                    });
                    found.extend(anchors.iter().cloned());
                    pending.push(included);
                }
            }
            added.push((doc.path.clone(), found));
        }
        for (path, found) in added {
            if let Some(page) = self.page_anchors.get_mut(&path) {
                page.all.extend(found);
            }
        }
    }

    /// The documents that `doc` includes. A name with a leading `/` starts from
    /// `root`; another is looked for beside `doc`, then in `root`, then at the
    /// workspace root (Hugo's `include` looks a page up from the page, then from the
    /// content root; pymdownx snippets from `base_path`, the folder of `mkdocs.yml`).
    /// A name without an extension is tried with `.md` too.
    fn included_files(
        &self,
        from: &str,
        facts: &PageFacts,
        by_path: &HashMap<String, usize>,
    ) -> Vec<usize> {
        let mut files = Vec::new();
        for name in &facts.included {
            let bases: Vec<&str> = if name.starts_with('/') {
                vec![self.root.as_str()]
            } else {
                vec![parent(from), self.root.as_str(), ""]
            };
            let relative = name.trim_start_matches('/');
            let with_md = (shape(relative) != Shape::File).then(|| format!("{relative}.md"));
            let found = bases
                .iter()
                .flat_map(|base| {
                    std::iter::once(relative)
                        .chain(with_md.as_deref())
                        .filter_map(move |n| normalize(base, n))
                })
                .find_map(|path| by_path.get(&self.path_key(&path)).copied());
            files.extend(found);
        }
        files
    }

    /// A path as the site matches it: lowercased where case does not matter.
    fn path_key(&self, path: &str) -> String {
        match self.ignore_case {
            true => path.to_lowercase(),
            false => path.to_string(),
        }
    }

    /// The site path Docusaurus publishes a page at: its folders and file name
    /// without number prefixes (`01-guides/02-deploy.md` at `guides/deploy`), the
    /// file name replaced by a frontmatter `id`, or the whole by a `slug` (relative
    /// to the page's folder, or with a leading `/` to the folder the docs are served
    /// from: `root` or its `paths` entry).
    fn docusaurus_route(&self, doc: &Document) -> String {
        let site_path = self.to_site(&doc.path).unwrap_or_default();
        let (dir, name) = site_path.rsplit_once('/').unwrap_or(("", &site_path));
        let dir = dir
            .split('/')
            .map(strip_number_prefix)
            .collect::<Vec<_>>()
            .join("/");
        let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
        let fm = |key: &str| {
            doc.frontmatter
                .as_ref()
                .and_then(|f| f.scalar(key))
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        if let Some(slug) = fm("slug") {
            return match slug.strip_prefix('/') {
                Some(absolute) => join(self.mount_prefix(&doc.path), absolute.trim_matches('/')),
                None => url_path(&dir, slug.trim_end_matches('/')),
            };
        }
        let folder_named = dir.rsplit('/').next() == Some(stem);
        if self.generator.index_files().contains(&name) || folder_named {
            return dir;
        }
        match fm("id") {
            Some(id) => join(&dir, &id),
            None => join(&dir, strip_number_prefix(stem)),
        }
    }

    /// The site path of the folder that serves `path`: `""` for `root`, else its
    /// `paths` entry.
    fn mount_prefix(&self, path: &str) -> &str {
        self.mounts()
            .filter(|(_, folder)| below(path, folder).is_some())
            .max_by_key(|(_, folder)| folder.len())
            .map_or("", |(prefix, _)| prefix)
    }

    /// The folder that serves `path`: `root` or a `paths` folder.
    fn mount_folder(&self, path: &str) -> &str {
        self.mounts()
            .filter(|(_, folder)| below(path, folder).is_some())
            .max_by_key(|(_, folder)| folder.len())
            .map_or(self.root.as_str(), |(_, folder)| folder)
    }

    /// Whether the document at `path` is a page of the site, whose links are URLs.
    pub fn publishes(&self, path: &str) -> bool {
        self.generator != Generator::GitHub && self.to_site(path).is_some()
    }

    /// Resolves the decoded target `target` (no fragment or query) written in `from`
    /// as a link of `kind`.
    pub(crate) fn locate(
        &self,
        tree: &FileTree,
        from: &str,
        target: &str,
        kind: LinkKind,
    ) -> (Located, Option<PageLookup>) {
        let page = self.publishes(from);
        // Generators rewrite Markdown links to files into page URLs, never raw HTML:
        // in a page, `<img src="../x.png">` starts from the page's own URL.
        let url_only = page && kind == LinkKind::Html;
        // Jekyll's `{{ site.baseurl }}` aside (below), a URL that a template writes
        // when the site is built (`{{< ref x >}}`, `{% link x %}`, `<%= x %>`) is no
        // path yet, in any document.
        // So is an HTML attribute that is a JSX expression as a whole (MDX's
        // `<a href={chunk.uri}>`).
        let written_by_template = |t: &str| {
            t.as_bytes()
                .windows(2)
                .any(|w| matches!(w, [b'{', b'{' | b'%'] | [b'<', b'%']))
                || (kind == LinkKind::Html && t.starts_with('{') && t.ends_with('}'))
        };
        if !page && written_by_template(target) {
            return (Located::Unchecked, None);
        }
        // A document outside the site reads as on GitHub, where a path that does not
        // start at the root starts from the document's folder.
        if !page && (self.generator != Generator::GitHub || !target.starts_with('/')) {
            return (self.plain(tree, normalize(parent(from), target)), None);
        }
        // docfx reads `~/` as the folder that holds `docfx.json`.
        if let Some(rest) = target
            .strip_prefix("~/")
            .filter(|_| self.generator == Generator::Docfx)
        {
            return (self.plain(tree, normalize(&self.root, rest)), None);
        }
        // Jekyll pages write site-root URLs as `{{ site.baseurl }}/x`.
        let liquid_base = ["{{site.baseurl}}", "{{ site.baseurl }}"]
            .iter()
            .find_map(|b| target.strip_prefix(b))
            .filter(|_| page && self.generator == Generator::Jekyll);
        let with_base;
        let target = match liquid_base {
            Some(rest) => {
                with_base = format!("/{}/{}", self.base, rest.trim_start_matches('/'));
                with_base.as_str()
            }
            None => target,
        };
        if written_by_template(target) {
            return (Located::Unchecked, None);
        }
        let shape = shape(target);
        if target.starts_with('/') {
            let url = if page {
                url_path("", target)
            } else {
                match normalize("", target) {
                    Some(url) => url,
                    None => return (Located::OutsideRoot, None),
                }
            };
            let Some(site_path) = self.strip_base(&url) else {
                return (Located::Unchecked, None);
            };
            if page && shape == Shape::File {
                // Docusaurus reads `/x.md` in the docs folder that holds the page.
                let in_docs = (self.generator == Generator::Docusaurus)
                    .then(|| normalize(self.mount_folder(from), target))
                    .flatten()
                    .and_then(|p| self.file(tree, &p));
                if let Some(file) = in_docs.or_else(|| self.served(tree, &site_path)) {
                    return (Located::File(file), None);
                }
            }
            if !page || shape == Shape::File {
                return (self.plain(tree, Some(self.to_workspace(&site_path))), None);
            }
            return self.find_page(tree, &site_path, shape, None);
        }
        let from_file_folder = normalize(parent(from), target);
        // Docusaurus tries a file path that does not start with `./` or `../` from
        // the docs folder too.
        if page
            && shape == Shape::File
            && self.generator == Generator::Docusaurus
            && !target.starts_with("./")
            && !target.starts_with("../")
            && from_file_folder
                .as_deref()
                .is_none_or(|p| self.file(tree, p).is_none())
        {
            let in_docs = normalize(self.mount_folder(from), target);
            if let Some(file) = in_docs.as_deref().and_then(|p| self.file(tree, p)) {
                return (Located::File(file), None);
            }
        }
        if !page || (shape == Shape::File && !url_only) {
            return (self.plain(tree, from_file_folder), None);
        }
        if let Some(p) = from_file_folder
            .as_deref()
            .filter(|_| !url_only)
            .and_then(|p| self.file(tree, p))
        {
            return (Located::File(p), None);
        }
        // A URL: the browser resolves it against the page's own URL.
        let url_dir = self.url_dir(from);
        let url = url_path(&join(&self.base, &url_dir), target);
        let Some(site_path) = self.strip_base(&url) else {
            return (Located::Unchecked, None);
        };
        let suggestion = from_file_folder
            .as_deref()
            .and_then(|p| self.to_site(p))
            .filter(|p| *p != site_path)
            .filter(|p| matches!(self.find_page(tree, p, shape, None).0, Located::File(_)))
            .map(|p| {
                let mut link = relative_url(&url_dir, &p);
                if shape == Shape::Folder {
                    link.push('/');
                }
                link
            });
        let (located, lookup) = self.find_page(tree, &site_path, shape, suggestion);
        match lookup {
            Some(mut missed) if self.looks_up_from_root(target) => {
                match self.find_page(tree, &url_path("", target), shape, None) {
                    (_, Some(from_root)) => {
                        missed.tried.extend(from_root.tried);
                        (located, Some(missed))
                    }
                    found => found,
                }
            }
            lookup => (located, lookup),
        }
    }

    /// Whether a relative page target that no page answers from the file's folder
    /// is looked up from `root` too. Hugo's `GetPage`, which link render hooks call
    /// (those that make relative links start from the file's folder: no
    /// `directory_urls`), tries the page's folder and then the content root, except
    /// for a path starting with `.` (`./x`, `../x`), which is page-relative only.
    fn looks_up_from_root(&self, target: &str) -> bool {
        self.generator == Generator::Hugo && !self.directory_urls && !target.starts_with('.')
    }

    /// A file path resolved as on GitHub: a file, a folder, or nothing.
    fn plain(&self, tree: &FileTree, path: Option<String>) -> Located {
        let Some(path) = path else {
            return Located::OutsideRoot;
        };
        let (real, as_written) = match tree.real_path_cow(&path) {
            None => return Located::OutsideRoot,
            Some(Cow::Owned(real)) => (Some(real), false),
            Some(Cow::Borrowed(_)) => (None, true),
        };
        let path = real.unwrap_or(path);
        // A path no symlink changes is the file itself when there is one: no copy.
        if as_written && tree.is_file(&path) {
            return Located::File(path);
        }
        match self.file(tree, &path) {
            Some(file) => Located::File(file),
            None if tree.is_dir(&path) => Located::Dir(path),
            None => Located::Missing(path),
        }
    }

    /// The file the site serves at `site_path`: from `root`, else from a static folder.
    fn served(&self, tree: &FileTree, site_path: &str) -> Option<String> {
        self.served_from(site_path)
            .iter()
            .find_map(|path| self.file(tree, path))
    }

    /// Where a file served at `site_path` may come from, in the order tried.
    fn served_from(&self, site_path: &str) -> Vec<String> {
        std::iter::once(self.to_workspace(site_path))
            .chain(self.static_dirs.iter().map(|dir| join(dir, site_path)))
            .collect()
    }

    /// The file at `path` (through symlinks), in the case it is written in the
    /// workspace.
    fn file(&self, tree: &FileTree, path: &str) -> Option<String> {
        let real = tree.real_path_cow(path)?;
        if tree.is_file(&real) {
            return Some(real.into_owned());
        }
        self.ignore_case
            .then(|| tree.case_variant(path).map(str::to_string))
            .flatten()
    }

    /// The site path (below `base`) of the root-relative URL path `url`; `None` when
    /// the URL lies outside the site.
    fn strip_base(&self, url: &str) -> Option<String> {
        if self.base.is_empty() {
            return Some(url.to_string());
        }
        match url.strip_prefix(&self.base) {
            Some("") => Some(String::new()),
            Some(rest) if rest.starts_with('/') => Some(rest[1..].to_string()),
            // Docusaurus adds `baseUrl` to links that lack it.
            _ if self.generator == Generator::Docusaurus => Some(url.to_string()),
            _ => None,
        }
    }

    /// The source that publishes `site_path` (below `root`), trying each candidate.
    fn find_page(
        &self,
        tree: &FileTree,
        site_path: &str,
        shape: Shape,
        suggestion: Option<String>,
    ) -> (Located, Option<PageLookup>) {
        let path = self.to_workspace(site_path);
        if let Some(file) = self
            .served(tree, site_path)
            .filter(|_| shape != Shape::Folder)
        {
            return (Located::File(file), None);
        }
        if let Some(source) = self.permalinks.get(&page_key(site_path)) {
            return (Located::File(source.clone()), None);
        }
        let tried = match shape {
            Shape::File => self.served_from(site_path),
            _ => self.candidates(&path, shape),
        };
        if let Some(found) = tried.iter().find_map(|c| self.file(tree, c)) {
            return (Located::File(found), None);
        }
        // Hugo lists every top-level section, with or without an `_index.md`.
        if self.generator == Generator::Hugo
            && !site_path.is_empty()
            && !site_path.contains('/')
            && tree.is_dir(&path)
        {
            return (Located::Dir(path), None);
        }
        let mut url = format!("/{}", join(&self.base, site_path));
        if shape == Shape::Folder && !site_path.is_empty() {
            url.push('/');
        }
        let lookup = PageLookup {
            url,
            tried,
            suggestion,
        };
        (Located::Missing(path), Some(lookup))
    }

    /// The sources that would publish the page at root-relative `path`.
    fn candidates(&self, path: &str, shape: Shape) -> Vec<String> {
        let page = |stem: &str| -> Vec<String> {
            if self.mounts().any(|(_, folder)| folder == stem) {
                return Vec::new();
            }
            self.generator
                .page_extensions()
                .iter()
                .map(|ext| format!("{stem}.{ext}"))
                .collect()
        };
        let index = |dir: &str| -> Vec<String> {
            let mut files: Vec<String> = self
                .generator
                .index_files()
                .iter()
                .map(|name| join(dir, name))
                .collect();
            // Docusaurus: `guides/guides.md` is the index of `guides/` too.
            if let Some(name) = dir.rsplit('/').next().filter(|n| !n.is_empty()) {
                if self.generator == Generator::Docusaurus {
                    files.extend(page(&join(dir, name)));
                }
            }
            files
        };
        match shape {
            Shape::Html => {
                let stem = path.rsplit_once('.').map_or(path, |(stem, _)| stem);
                match stem.rsplit_once('/') {
                    Some((dir, "index")) => index(dir),
                    None if stem == "index" => index(""),
                    _ => [page(stem), self.dated_posts(stem)].concat(),
                }
            }
            _ => [page(path), index(path), self.dated_posts(path)].concat(),
        }
    }

    /// The sources of a blog post at `.../2024/05/01/launch` (root-relative), named by
    /// their date: `blog/2024-05-01-launch.md` beside the URL's folder in Docusaurus,
    /// `_posts/2024-05-01-launch.md` in Jekyll (whatever categories the URL holds).
    fn dated_posts(&self, path: &str) -> Vec<String> {
        let mut parts = path.rsplitn(5, '/');
        let (Some(slug), Some(day), Some(month), Some(year)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Vec::new();
        };
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if slug.is_empty() || !(digits(year, 4) && digits(month, 2) && digits(day, 2)) {
            return Vec::new();
        }
        let name = format!("{year}-{month}-{day}-{slug}");
        let folder = parts.next().unwrap_or("");
        match self.generator {
            Generator::Docusaurus => ["md", "mdx"]
                .iter()
                .flat_map(|ext| {
                    [
                        join(folder, &format!("{name}.{ext}")),
                        join(folder, &format!("{name}/index.{ext}")),
                    ]
                })
                .collect(),
            Generator::Jekyll => ["md", "markdown"]
                .iter()
                .map(|ext| join(&self.root, &format!("_posts/{name}.{ext}")))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The root-relative folder the URL of the page at `from` is in: where its
    /// relative URLs start.
    fn url_dir(&self, from: &str) -> String {
        if let Some(route) = self.routes.get(from) {
            return match self.directory_urls {
                true => route.clone(),
                false => parent(route).to_string(),
            };
        }
        let site_path = self.to_site(from).unwrap_or_default();
        let (dir, name) = site_path.rsplit_once('/').unwrap_or(("", &site_path));
        let stem = self
            .generator
            .page_extensions()
            .iter()
            .find_map(|ext| name.strip_suffix(&format!(".{ext}")))
            .unwrap_or_else(|| name.rsplit_once('.').map_or(name, |(stem, _)| stem));
        let folder_named =
            self.generator == Generator::Docusaurus && dir.rsplit('/').next() == Some(stem);
        if self.generator.index_files().contains(&name) || folder_named {
            // Docusaurus publishes `a/index.md` at `/a`, whose folder is the parent.
            if self.generator == Generator::Docusaurus && !self.directory_urls {
                return parent(dir).to_string();
            }
            return dir.to_string();
        }
        if self.directory_urls {
            join(dir, stem)
        } else {
            dir.to_string()
        }
    }
}

/// A Docusaurus file or folder name without its number prefix (`01-intro` is
/// `intro`); a date or version (`2024-05`, `1.2`) keeps it.
fn strip_number_prefix(name: &str) -> &str {
    static PREFIX: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\d+\s*[-_.]+\s*([^-_.\s].*)$").unwrap());
    static KEPT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d+[-_.]\d+").unwrap());
    if KEPT.is_match(name) {
        return name;
    }
    PREFIX
        .captures(name)
        .and_then(|c| c.get(1))
        .map_or(name, |m| m.as_str())
}

/// A page URL without what varies between its spellings: the outer slashes, `.html`
/// and a trailing `index` (`/a/b/`, `a/b.html` and `/a/b/index.html` are `a/b`).
fn page_key(url: &str) -> String {
    let url = url.trim_matches('/');
    let url = url.strip_suffix(".html").unwrap_or(url);
    let url = match url {
        "index" => "",
        _ => url.strip_suffix("/index").unwrap_or(url),
    };
    url.to_string()
}

fn shape(target: &str) -> Shape {
    let last = target.rsplit('/').next().unwrap_or(target);
    if matches!(last, "" | "." | "..") {
        return Shape::Folder;
    }
    // An extension holds a letter, so `v1.2` stays a page name.
    match last.rsplit_once('.') {
        Some((name, ext))
            if !name.is_empty()
                && ext.bytes().all(|b| b.is_ascii_alphanumeric())
                && ext.bytes().any(|b| b.is_ascii_alphabetic()) =>
        {
            if ext.eq_ignore_ascii_case("html") || ext.eq_ignore_ascii_case("htm") {
                Shape::Html
            } else {
                Shape::File
            }
        }
        _ => Shape::Bare,
    }
}

/// `path` relative to `folder`, when it lies inside (or is) that folder.
fn below<'a>(path: &'a str, folder: &str) -> Option<&'a str> {
    if folder.is_empty() {
        return Some(path);
    }
    match path.strip_prefix(folder)? {
        "" => Some(""),
        rest => rest.strip_prefix('/'),
    }
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn join(dir: &str, rest: &str) -> String {
    match (dir.is_empty(), rest.is_empty()) {
        (true, _) => rest.to_string(),
        (_, true) => dir.to_string(),
        _ => format!("{dir}/{rest}"),
    }
}

/// Resolves the URL `rel` against the folder `dir` as a browser does: `..` above
/// the host's root stays there.
fn url_path(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = if rel.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|p| !p.is_empty()).collect()
    };
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The relative URL from folder `from_dir` to `to` (both site paths).
fn relative_url(from_dir: &str, to: &str) -> String {
    let from: Vec<&str> = from_dir.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = to.split('/').filter(|s| !s.is_empty()).collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts = vec![".."; from.len() - common];
    parts.extend(&to[common..]);
    if parts.is_empty() {
        return ".".to_string();
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[&str]) -> FileTree {
        let mut tree = FileTree::default();
        for f in files {
            tree.add_file(f);
        }
        tree
    }

    fn site(generator: Generator, root: &str, base: &str) -> Site {
        Site::new(
            generator,
            root.into(),
            base.into(),
            generator.directory_urls(),
            false,
        )
    }

    /// The file a target reaches, or `missing <path>`, `outside`, `unchecked`.
    fn reach(site: &Site, tree: &FileTree, from: &str, target: &str) -> String {
        match site.locate(tree, from, target, LinkKind::Inline).0 {
            Located::File(p) => p,
            Located::Dir(p) => format!("dir {p}"),
            Located::Missing(p) => format!("missing {p}"),
            Located::OutsideRoot => "outside".into(),
            Located::Unchecked => "unchecked".into(),
        }
    }

    const MKDOCS: &[&str] = &[
        "README.md",
        "docs/index.md",
        "docs/guide/README.md",
        "docs/guide/install.md",
        "docs/guide/upgrade.md",
        "docs/reference/cli.md",
        "docs/img/logo.png",
    ];

    #[test]
    fn mkdocs_relative_urls_start_from_the_page_folder_url() {
        let (t, s) = (tree(MKDOCS), site(Generator::MkDocs, "docs", ""));
        let from = "docs/guide/install.md";
        assert_eq!(reach(&s, &t, from, "../upgrade/"), "docs/guide/upgrade.md");
        assert_eq!(reach(&s, &t, from, "../"), "docs/guide/README.md");
        assert_eq!(
            reach(&s, &t, from, "../../reference/cli/"),
            "docs/reference/cli.md"
        );
        assert_eq!(reach(&s, &t, from, "/"), "docs/index.md");
        // File paths resolve from the file's folder, as MkDocs rewrites them.
        assert_eq!(reach(&s, &t, from, "upgrade.md"), "docs/guide/upgrade.md");
        assert_eq!(reach(&s, &t, from, "../img/logo.png"), "docs/img/logo.png");
        // An index page's URL is its folder.
        let from_index = "docs/guide/README.md";
        assert_eq!(
            reach(&s, &t, from_index, "install/"),
            "docs/guide/install.md"
        );
        let (missing, lookup) = s.locate(&t, from, "upgrade/", LinkKind::Inline);
        assert_eq!(
            missing,
            Located::Missing("docs/guide/install/upgrade".into())
        );
        let lookup = lookup.unwrap();
        assert_eq!(lookup.url, "/guide/install/upgrade/");
        assert_eq!(
            lookup.tried,
            [
                "docs/guide/install/upgrade.md",
                "docs/guide/install/upgrade.markdown",
                "docs/guide/install/upgrade/index.md",
                "docs/guide/install/upgrade/index.markdown",
                "docs/guide/install/upgrade/README.md",
                "docs/guide/install/upgrade/README.markdown",
            ]
        );
        assert_eq!(lookup.suggestion.as_deref(), Some("../upgrade/"));
        // A folder with no index page is no page.
        assert_eq!(reach(&s, &t, from, "/img/"), "missing docs/img");
        // Outside the site, links read as on GitHub.
        assert_eq!(reach(&s, &t, "README.md", "docs/guide/"), "dir docs/guide");
        assert_eq!(reach(&s, &t, "README.md", "/guide/"), "missing guide");
    }

    #[test]
    fn without_directory_urls_a_page_url_is_in_its_file_folder() {
        let t = tree(MKDOCS);
        let s = Site::new(Generator::MkDocs, "docs".into(), "".into(), false, false);
        let from = "docs/guide/install.md";
        assert_eq!(reach(&s, &t, from, "upgrade.html"), "docs/guide/upgrade.md");
        assert_eq!(reach(&s, &t, from, "index.html"), "docs/guide/README.md");
        assert_eq!(
            reach(&s, &t, from, "../reference/cli/"),
            "docs/reference/cli.md"
        );
    }

    #[test]
    fn docusaurus_index_pages_have_no_trailing_slash() {
        let t = tree(&[
            "docs/intro.md",
            "docs/guides/index.md",
            "docs/guides/deploy.md",
            "docs/guides/rollback.mdx",
            "docs/api/api.md",
            "blog/2024-05-01-launch.md",
            "static/img/logo.svg",
        ]);
        let s = site(Generator::Docusaurus, "", "handbook").with_static(vec!["static".into()]);
        // `docs/guides/index.md` is at `/docs/guides`, so `./x` is `/docs/x`.
        let from = "docs/guides/index.md";
        assert_eq!(
            reach(&s, &t, from, "guides/deploy"),
            "docs/guides/deploy.md"
        );
        let (_, lookup) = s.locate(&t, from, "./deploy", LinkKind::Inline);
        let lookup = lookup.unwrap();
        assert_eq!(lookup.url, "/handbook/docs/deploy");
        assert_eq!(lookup.suggestion.as_deref(), Some("guides/deploy"));
        let from = "docs/guides/deploy.md";
        assert_eq!(
            reach(&s, &t, from, "./rollback"),
            "docs/guides/rollback.mdx"
        );
        assert_eq!(reach(&s, &t, from, "../intro"), "docs/intro.md");
        assert_eq!(reach(&s, &t, from, "/docs/api"), "docs/api/api.md");
        // Docusaurus adds `baseUrl` to links that lack it.
        assert_eq!(reach(&s, &t, from, "/handbook/docs/intro"), "docs/intro.md");
        assert_eq!(reach(&s, &t, from, "/docs/intro"), "docs/intro.md");
        assert_eq!(reach(&s, &t, from, "/img/logo.svg"), "static/img/logo.svg");
        assert_eq!(
            reach(&s, &t, from, "/blog/2024/05/01/launch"),
            "blog/2024-05-01-launch.md"
        );
        let trailing = Site::new(Generator::Docusaurus, "".into(), "".into(), true, false);
        assert_eq!(
            reach(&trailing, &t, "docs/guides/index.md", "./deploy"),
            "docs/guides/deploy.md"
        );
    }

    #[test]
    fn hugo_bundles_sections_and_frontmatter_urls() {
        let t = tree(&[
            "content/_index.md",
            "content/posts/_index.md",
            "content/posts/first/index.md",
            "content/notes/a.md",
            "content/about.md",
        ]);
        let about = Document::parse(
            "content/about.md",
            "---\nurl: /team/\naliases: [/about-us/]\n---\n# About\n".into(),
        );
        let s = site(Generator::Hugo, "content", "").with_pages(&[about], &[]);
        let from = "content/posts/_index.md";
        assert_eq!(
            reach(&s, &t, from, "first/"),
            "content/posts/first/index.md"
        );
        assert_eq!(reach(&s, &t, from, "/"), "content/_index.md");
        assert_eq!(reach(&s, &t, from, "/notes/"), "dir content/notes");
        assert_eq!(reach(&s, &t, from, "/notes/b/"), "missing content/notes/b");
        assert_eq!(reach(&s, &t, from, "/team/"), "content/about.md");
        assert_eq!(reach(&s, &t, from, "/about-us"), "content/about.md");
        assert_eq!(reach(&s, &t, from, "{{< ref \"about\" >}}"), "unchecked");
    }

    #[test]
    fn hugo_render_hook_looks_pages_up_from_the_file_then_the_content_root() {
        let t = tree(&[
            "content/templates/intro.md",
            "content/templates/lookup.md",
            "content/methods/page/date.md",
        ]);
        let hook = Site::new(Generator::Hugo, "content".into(), "".into(), false, true);
        let from = "content/templates/intro.md";
        assert_eq!(
            reach(&hook, &t, from, "lookup/"),
            "content/templates/lookup.md"
        );
        assert_eq!(
            reach(&hook, &t, from, "methods/page/date/"),
            "content/methods/page/date.md"
        );
        // `./` and `../` are page-relative only.
        assert_eq!(
            reach(&hook, &t, from, "./methods/page/date/"),
            "missing content/templates/methods/page/date"
        );
        let (_, lookup) = hook.locate(&t, from, "methods/page/time/", LinkKind::Inline);
        let tried = lookup.unwrap().tried;
        assert_eq!(tried[0], "content/templates/methods/page/time.md");
        assert!(tried.contains(&"content/methods/page/time.md".to_string()));
        // Without a render hook the browser resolves from the page's URL alone.
        let browser = site(Generator::Hugo, "content", "");
        assert_eq!(
            reach(&browser, &t, from, "methods/page/date/"),
            "missing content/templates/intro/methods/page/date"
        );
    }

    #[test]
    fn included_files_lend_their_anchors_to_the_page() {
        let docs: Vec<Document> = [
            (
                "content/guide.md",
                "# Guide\n\n{{% include \"/_common/scope.md\" %}}\n",
            ),
            (
                "content/_common/scope.md",
                "## Scope\n\n{{< include \"nested\" >}}\n",
            ),
            (
                "content/_common/nested.md",
                "## Nested\n\n{{% include \"scope.md\" %}}\n",
            ),
            ("content/other.md", "# Other\n"),
        ]
        .into_iter()
        .map(|(path, text)| Document::parse(path, text.into()))
        .collect();
        let include = Regex::new(r#"\{\{[%<]\s*include\s+"([^"]+)"\s*[%>]\}\}"#).unwrap();
        let s = site(Generator::Hugo, "content", "")
            .with_includes(vec![include])
            .with_pages(&docs, &[]);
        let guide = s.anchors("content/guide.md").unwrap();
        for a in ["guide", "scope", "nested"] {
            assert!(guide.contains(a), "{a}");
        }
        assert!(!s.anchors("content/other.md").unwrap().contains("scope"));
    }

    #[test]
    fn jekyll_pages_html_urls_permalinks_and_baseurl() {
        let t = tree(&[
            "docs/index.md",
            "docs/setup.md",
            "docs/guides/README.md",
            "docs/guides/backup.markdown",
            "docs/faq.md",
            "docs/_posts/2024-05-01-launch.md",
        ]);
        let faq = Document::parse(
            "docs/faq.md",
            "---\npermalink: /help/faq/\n---\n# FAQ\n".into(),
        );
        let s = site(Generator::Jekyll, "docs", "widget").with_pages(&[faq], &[]);
        let from = "docs/setup.md";
        assert_eq!(
            reach(&s, &t, from, "guides/backup.html"),
            "docs/guides/backup.markdown"
        );
        assert_eq!(reach(&s, &t, from, "guides/"), "docs/guides/README.md");
        assert_eq!(reach(&s, &t, from, "/widget/setup"), "docs/setup.md");
        assert_eq!(reach(&s, &t, from, "/widget/help/faq/"), "docs/faq.md");
        assert_eq!(
            reach(&s, &t, from, "{{site.baseurl}}/setup.html"),
            "docs/setup.md"
        );
        assert_eq!(reach(&s, &t, from, "/setup.html"), "unchecked");
        assert_eq!(
            reach(&s, &t, from, "/widget/news/2024/05/01/launch.html"),
            "docs/_posts/2024-05-01-launch.md"
        );
    }

    #[test]
    fn paths_serve_a_url_prefix_from_another_folder() {
        let t = tree(&[
            "docs/index.md",
            "docs/_docs/index.md",
            "docs/_docs/installation.md",
            "docs/_docs/usage.md",
        ]);
        let s = Site::new(Generator::Jekyll, "docs".into(), "".into(), true, false)
            .with_paths(vec![("docs".into(), "docs/_docs".into())]);
        let from = "docs/_docs/installation.md";
        assert!(s.publishes(from));
        assert_eq!(reach(&s, &t, from, "../usage/"), "docs/_docs/usage.md");
        assert_eq!(reach(&s, &t, from, "/docs/"), "docs/_docs/index.md");
        assert_eq!(reach(&s, &t, from, "../../"), "docs/index.md");
        assert_eq!(
            reach(&s, &t, "docs/index.md", "docs/installation/"),
            "docs/_docs/installation.md"
        );
    }

    #[test]
    fn middleman_and_docfx_sources() {
        let t = tree(&["source/index.html.md", "source/guides/deploy.html.markdown"]);
        let s = site(Generator::Middleman, "source", "");
        let from = "source/index.html.md";
        assert_eq!(
            reach(&s, &t, from, "guides/deploy.html"),
            "source/guides/deploy.html.markdown"
        );
        assert_eq!(reach(&s, &t, from, "/"), "source/index.html.md");

        let t = tree(&["docs/index.yml", "docs/build/x.md", "docs/build/CPP/a.cpp"]);
        let s = site(Generator::Docfx, "docs", "cpp");
        let from = "docs/build/x.md";
        assert_eq!(reach(&s, &t, from, "/cpp/"), "docs/index.yml");
        assert_eq!(reach(&s, &t, from, "/cpp/build/x"), "docs/build/x.md");
        assert_eq!(reach(&s, &t, from, "/windows/win32/api"), "unchecked");
        assert_eq!(reach(&s, &t, from, "../../windows/win32/api"), "unchecked");
        assert_eq!(reach(&s, &t, from, "~/build/x.md"), "docs/build/x.md");
        assert_eq!(
            reach(&s, &t, from, "cpp/a.cpp"),
            "missing docs/build/cpp/a.cpp"
        );
        let any_case = Site::new(Generator::Docfx, "docs".into(), "cpp".into(), false, true);
        assert_eq!(
            reach(&any_case, &t, from, "cpp/a.cpp"),
            "docs/build/CPP/a.cpp"
        );
    }

    #[test]
    fn github_reads_every_target_as_a_file_path() {
        let t = tree(MKDOCS);
        let s = Site::default();
        let from = "docs/guide/install.md";
        assert_eq!(reach(&s, &t, from, "../upgrade/"), "missing docs/upgrade");
        assert_eq!(reach(&s, &t, from, "upgrade.md"), "docs/guide/upgrade.md");
        assert_eq!(reach(&s, &t, from, "/docs/guide"), "dir docs/guide");
        assert_eq!(reach(&s, &t, from, "/../x.md"), "outside");
        // `root` and `base` move what `/` means.
        let moved = Site::new(
            Generator::GitHub,
            "docs".into(),
            "project".into(),
            false,
            false,
        );
        assert_eq!(
            reach(&moved, &t, from, "/project/index.md"),
            "docs/index.md"
        );
        assert_eq!(reach(&moved, &t, from, "/index.md"), "unchecked");
    }

    #[test]
    fn shapes_and_keys() {
        assert_eq!(shape("a/"), Shape::Folder);
        assert_eq!(shape(".."), Shape::Folder);
        assert_eq!(shape("a/b.HTML"), Shape::Html);
        assert_eq!(shape("v1.2"), Shape::Bare);
        assert_eq!(shape("a.png"), Shape::File);
        assert_eq!(shape(".github"), Shape::Bare);
        assert_eq!(page_key("/a/b/index.html"), "a/b");
        assert_eq!(page_key("/reindex/"), "reindex");
        assert_eq!(url_path("a/b", "../../../c"), "c");
        assert_eq!(relative_url("a/b", "a/c"), "../c");
        assert_eq!(strip_number_prefix("01-intro"), "intro");
        assert_eq!(strip_number_prefix("2_ guides"), "guides");
        assert_eq!(
            strip_number_prefix("2024-05-01-launch"),
            "2024-05-01-launch"
        );
        assert_eq!(strip_number_prefix("1.2-notes"), "1.2-notes");
        assert_eq!(strip_number_prefix("404"), "404");
    }
}
