//! Link targets: which file, directory or document a link points at, and its fragment.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use percent_encoding::percent_decode_str;
use sot_syntax::LinkKind;

use crate::site::{Located, PageLookup, Site};
use crate::Registry;

/// Every file and directory under the workspace root (root-relative, `/`-separated),
/// so link targets can be checked without touching the disk.
#[derive(Debug, Default)]
pub struct FileTree {
    files: HashSet<String>,
    dirs: HashSet<String>,
    /// Lowercased path to real path, to suggest the right case.
    folded: HashMap<String, String>,
    /// Symlinks to their targets; `None` when the target is outside the root.
    symlinks: HashMap<String, Option<String>>,
}

impl FileTree {
    /// Adds a file and all its parent directories.
    pub fn add_file(&mut self, path: &str) {
        let mut dir = path;
        while let Some((parent, _)) = dir.rsplit_once('/') {
            // Most parents are known already: no copy of the name to find that out.
            if self.dirs.contains(parent) {
                break;
            }
            self.dirs.insert(parent.to_string());
            dir = parent;
        }
        self.folded.insert(path.to_lowercase(), path.to_string());
        self.files.insert(path.to_string());
    }

    /// Forgets a file (its folders stay: an empty folder is still a folder on disk
    /// until the next full walk).
    pub fn remove_file(&mut self, path: &str) {
        self.files.remove(path);
        self.folded.remove(&path.to_lowercase());
    }

    /// The files under the folder `dir`, at any depth.
    pub fn files_under<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.files
            .iter()
            .filter(move |f| {
                f.strip_prefix(dir)
                    .is_some_and(|rest| rest.starts_with('/'))
            })
            .map(String::as_str)
    }

    /// Forgets the folder `dir` and the folders under it (gone from disk); their files
    /// are forgotten one by one.
    pub fn remove_dir(&mut self, dir: &str) {
        self.dirs
            .retain(|d| !(d == dir || d.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))));
    }

    /// The existing path that differs from `path` only in letter case.
    pub fn case_variant(&self, path: &str) -> Option<&str> {
        self.folded.get(&path.to_lowercase()).map(String::as_str)
    }

    pub fn add_dir(&mut self, path: &str) {
        self.dirs.insert(path.to_string());
    }

    pub fn is_file(&self, path: &str) -> bool {
        self.files.contains(path)
    }

    pub fn is_dir(&self, path: &str) -> bool {
        path.is_empty() || self.dirs.contains(path)
    }

    /// The files and folders directly inside folder `dir` (`""`: the root), by name,
    /// in no order; a symlink counts as what it leads to, and one leading outside the
    /// root is left out. One pass over the tree that compares only prefixes: no index
    /// of folders' contents is kept for the few callers that list one.
    pub fn entries_in<'t>(&'t self, dir: &'t str) -> impl Iterator<Item = (&'t str, PathKind)> {
        let child = move |path: &'t str| {
            let name = match dir {
                "" => path,
                _ => path.strip_prefix(dir)?.strip_prefix('/')?,
            };
            (!name.is_empty() && !name.contains('/')).then_some(name)
        };
        let files = self
            .files
            .iter()
            .filter_map(move |p| Some((child(p)?, PathKind::File)));
        let dirs = self
            .dirs
            .iter()
            .filter_map(move |p| Some((child(p)?, PathKind::Dir)));
        let symlinks = self.symlinks.iter().filter_map(move |(p, target)| {
            let name = child(p)?;
            let target = target.as_deref()?;
            match self.is_dir(target) {
                true => Some((name, PathKind::Dir)),
                false => self.is_file(target).then_some((name, PathKind::File)),
            }
        });
        files.chain(dirs).chain(symlinks)
    }

    /// Records a symlink to a file or folder; `target` is `None` when it leads
    /// outside the root.
    pub fn add_symlink(&mut self, path: &str, target: Option<&str>) {
        self.folded.insert(path.to_lowercase(), path.to_string());
        self.symlinks
            .insert(path.to_string(), target.map(str::to_string));
    }

    /// Every symlink the walk found, with its root-relative target (`None`: outside
    /// the root).
    pub fn symlinks(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.symlinks
            .iter()
            .map(|(path, target)| (path.as_str(), target.as_deref()))
    }

    /// `path` with every symlink along it replaced by its target, as the filesystem
    /// resolves it (targets hold no symlinks, so one pass does); `None` when a
    /// symlink leads outside the root.
    pub fn real_path(&self, path: &str) -> Option<String> {
        self.real_path_cow(path).map(Cow::into_owned)
    }

    /// [`FileTree::real_path`], borrowing `path` when no symlink can change it.
    pub(crate) fn real_path_cow<'p>(&self, path: &'p str) -> Option<Cow<'p, str>> {
        if self.symlinks.is_empty() {
            return Some(Cow::Borrowed(path));
        }
        let mut real = String::new();
        for part in path.split('/') {
            if !real.is_empty() {
                real.push('/');
            }
            real.push_str(part);
            if let Some(target) = self.symlinks.get(&real) {
                real.clone_from(target.as_ref()?);
            }
        }
        Some(Cow::Owned(real))
    }
}

/// What a path of the tree names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PathKind {
    File,
    Dir,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `https:`, `mailto:`, `//host`, or on a published site a `/` path outside its base
    /// or a URL a template writes: not checked.
    External,
    /// A path that climbs above the workspace root.
    OutsideRoot,
    /// Nothing at that path.
    Missing(String),
    Dir(String),
    /// A file; `doc` is set when it is a document of the workspace.
    File {
        path: String,
        doc: Option<usize>,
    },
}

#[derive(Debug, Clone)]
pub struct Resolved {
    pub target: Target,
    /// The percent-decoded fragment, without `#`.
    pub fragment: Option<String>,
    /// How a link to a published page was looked up, when it was one.
    pub page: Option<PageLookup>,
    /// The target after a `[links]` rewrite, when one applied.
    pub rewritten: Option<String>,
}

impl Registry {
    /// Resolves a link target of `kind` written in document `from`, read as `site`
    /// publishes it.
    pub fn resolve(
        &self,
        tree: &FileTree,
        site: &Site,
        from: &str,
        dest: &str,
        kind: LinkKind,
    ) -> Resolved {
        let decoded = decode(dest);
        if site.ignores(&decoded) {
            return Resolved {
                target: Target::External,
                fragment: None,
                page: None,
                rewritten: None,
            };
        }
        let as_written = self.resolve_decoded(tree, site, from, &decoded, kind, None);
        // A rewrite states the site's convention for links that do not resolve as
        // written; a target that exists is left as it is.
        match site.rewrite(&decoded) {
            Some(rewritten) if matches!(as_written.target, Target::Missing(_)) => {
                self.resolve_decoded(tree, site, from, &rewritten, kind, Some(rewritten.clone()))
            }
            _ => as_written,
        }
    }

    /// Resolves the percent-decoded `target`; `rewritten` is what a rewrite made of it.
    fn resolve_decoded(
        &self,
        tree: &FileTree,
        site: &Site,
        from: &str,
        target: &str,
        kind: LinkKind,
        rewritten: Option<String>,
    ) -> Resolved {
        let unchecked = |rewritten| Resolved {
            target: Target::External,
            fragment: None,
            page: None,
            rewritten,
        };
        let (path, fragment) = match target.split_once('#') {
            Some((p, f)) => (p, Some(f.to_string())),
            None => (target, None),
        };
        if is_external(path) {
            return Resolved {
                fragment,
                ..unchecked(rewritten)
            };
        }
        let path = path.split_once('?').map_or(path, |(p, _)| p);
        if path.is_empty() {
            return Resolved {
                target: Target::File {
                    path: from.to_string(),
                    doc: self.doc_index(from),
                },
                fragment,
                page: None,
                rewritten,
            };
        }
        let (located, page) = site.locate(tree, from, path, kind);
        let target = match located {
            Located::File(p) => Target::File {
                doc: self.doc_index(&p),
                path: p,
            },
            Located::Dir(p) => Target::Dir(p),
            Located::Missing(p) => Target::Missing(p),
            Located::OutsideRoot => Target::OutsideRoot,
            Located::Unchecked => Target::External,
        };
        Resolved {
            target,
            fragment,
            page,
            rewritten,
        }
    }
}

/// The path to write in a link from document `from` to file `to`.
pub fn relative_path(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = match from.rsplit_once('/') {
        Some((dir, _)) => dir.split('/').collect(),
        None => Vec::new(),
    };
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<&str> = vec![".."; from_dir.len() - common];
    parts.extend(&to_parts[common..]);
    parts.join("/")
}

fn decode(s: &str) -> Cow<'_, str> {
    // Most targets hold no escape: skip the decoder's byte-by-byte scan.
    if !s.as_bytes().contains(&b'%') {
        return Cow::Borrowed(s);
    }
    percent_decode_str(s).decode_utf8_lossy()
}

/// `scheme:` (two letters or more, so a Windows drive stays a path) or `//host`.
fn is_external(path: &str) -> bool {
    if path.starts_with("//") {
        return true;
    }
    match path.split_once(':') {
        Some((scheme, _)) => {
            scheme.len() > 1
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// The parts of `path` between `/` and `\\` separators, found byte by byte (both are
/// ASCII) rather than by decoding every character.
fn path_parts(path: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(path);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.bytes().position(|b| b == b'/' || b == b'\\') {
            Some(i) => {
                rest = Some(&current[i + 1..]);
                Some(&current[..i])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// Joins `rel` onto `base` and folds `.` and `..`; `None` when it leaves the root.
pub(crate) fn normalize(base: &str, rel: &str) -> Option<String> {
    // Built in place: parts are never empty and hold no `/`, so the last one starts
    // after the last `/`, and there are none left when the path is empty.
    let mut path = String::with_capacity(base.len() + rel.len() + 1);
    let push = |path: &mut String, part: &str| {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str(part);
    };
    if !rel.starts_with('/') {
        for part in base.split('/').filter(|p| !p.is_empty()) {
            push(&mut path, part);
        }
    }
    for part in path_parts(rel) {
        match part {
            "" | "." => {}
            ".." => {
                if path.is_empty() {
                    return None;
                }
                path.truncate(path.rfind('/').unwrap_or(0));
            }
            p => push(&mut path, p),
        }
    }
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(relative_path("a/b/c.md", "a/x.md"), "../x.md");
        assert_eq!(relative_path("c.md", "a/x.md"), "a/x.md");
        assert_eq!(relative_path("a/c.md", "a/x.md"), "x.md");
    }

    #[test]
    fn normalizes_and_detects_escapes() {
        assert_eq!(normalize("a/b", "../c.md").as_deref(), Some("a/c.md"));
        assert_eq!(normalize("a", "/x/./y/").as_deref(), Some("x/y"));
        assert_eq!(normalize("a", "../../x"), None);
        assert!(is_external("https://x") && is_external("mailto:a@b") && is_external("//cdn"));
        assert!(!is_external("C:\\\\x") && !is_external("docs/a.md"));
    }

    #[test]
    fn lists_a_folders_own_files_and_folders() {
        let mut tree = FileTree::default();
        for path in ["README.md", "docs/a.md", "docs/b/c.md", "docs-old/d.md"] {
            tree.add_file(path);
        }
        tree.add_dir("docs/empty");
        tree.add_symlink("docs/latest", Some("docs/b"));
        tree.add_symlink("docs/outside", None);
        let listed = |dir| {
            let mut found: Vec<_> = tree.entries_in(dir).collect();
            found.sort();
            found
        };
        assert_eq!(
            listed("docs"),
            [
                ("a.md", PathKind::File),
                ("b", PathKind::Dir),
                ("empty", PathKind::Dir),
                ("latest", PathKind::Dir),
            ]
        );
        assert_eq!(
            listed(""),
            [
                ("README.md", PathKind::File),
                ("docs", PathKind::Dir),
                ("docs-old", PathKind::Dir),
            ]
        );
        assert_eq!(listed("nowhere"), []);
    }

    #[test]
    fn symlinks_resolve_to_their_targets() {
        let mut tree = FileTree::default();
        tree.add_symlink("latest", Some("releases/v2"));
        tree.add_symlink("releases/v2/notes.md", Some("shared/notes.md"));
        tree.add_symlink("home", Some(""));
        tree.add_symlink("elsewhere", None);
        let real = |p: &str| tree.real_path(p);
        assert_eq!(real("latest/a.md").as_deref(), Some("releases/v2/a.md"));
        assert_eq!(real("latest/notes.md").as_deref(), Some("shared/notes.md"));
        assert_eq!(real("home/home/a.md").as_deref(), Some("a.md"));
        assert_eq!(real("home").as_deref(), Some(""));
        assert_eq!(real("elsewhere/a.md"), None);
        assert_eq!(real("latest-notes.md").as_deref(), Some("latest-notes.md"));
    }
}
