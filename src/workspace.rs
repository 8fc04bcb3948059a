//! Finding the workspace root, walking it, and reading documents in parallel.

use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use ignore::WalkBuilder;
use rayon::prelude::*;
use sot_lint::{Settings, TextFacts};
use sot_registry::{DocFacts, FileTree, Generator, PageFacts, Site, Workspace};
use sot_syntax::Document;

use crate::cache::{self, Cache, Seen, Stamp};

/// Which documents may come from the cache in their lean form: those no finding is
/// reported on and no check reads whole (a template's).
pub struct Reuse<'a> {
    pub cache: &'a Cache,
    pub needs_text: &'a (dyn Fn(&str) -> bool + Sync),
}

/// The nearest ancestor of `start` holding `sot.toml`; else the git top-level;
/// else `fallback` (the current directory).
pub fn find_root(start: &Path, fallback: &Path) -> PathBuf {
    let ancestors = || start.ancestors();
    ancestors()
        .find(|d| d.join("sot.toml").is_file())
        .or_else(|| ancestors().find(|d| d.join(".git").exists()))
        .unwrap_or(fallback)
        .to_path_buf()
}

/// A root-relative path with `/` separators, or `None` when `path` is outside `root`.
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| match c {
            Component::Normal(p) => Some(p.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    Some(parts.join("/"))
}

/// `*.md` and `*.markdown`, the extension in any case (`README.MD`).
pub fn is_markdown(path: &str) -> bool {
    let Some((_, ext)) = path.rsplit_once('.') else {
        return false;
    };
    ext.eq_ignore_ascii_case("md") || ext.eq_ignore_ascii_case("markdown")
}

/// Documents live outside hidden folders (`.github/`), though links may point there.
pub fn in_hidden_dir(path: &str) -> bool {
    path.split('/')
        .rev()
        .skip(1)
        .any(|part| part.starts_with('.'))
}

/// Walks `root`: every file that git does not ignore goes into the tree, and every
/// Markdown file outside hidden folders that the configuration includes is a document.
/// `named` are files named on the command line, by root-relative path and real path:
/// linted even when git ignores them (you asked for them), never when the
/// configuration excludes them (a hook passes every staged file; ruff's
/// `--force-exclude` does the same).
/// With `reuse`, documents come from its cache where they can, and the returned map
/// says how each document's file was seen, for the cache's next version.
/// With `lean` (which documents are linted), each document drops its text once the
/// facts the rules read of it are found, unless a check reads it whole (a template, a
/// document with index blocks): only the documents being parsed are held whole at
/// once. The facts come back per document of the workspace (`None`: still whole).
pub fn load(
    root: &Path,
    named: &[(String, PathBuf)],
    settings: &Settings,
    reuse: Option<Reuse>,
    lean: Option<&IsTarget<'_>>,
) -> Loaded {
    let mut tree = FileTree::default();
    let mut doc_paths = Vec::new();
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let walk = Walk::of(root);
    let mut unlisted: Vec<Document> = Vec::new();
    if let Some((path, kind)) = &walk.special_above {
        let rel = relative(&canonical_root, path).unwrap_or_else(|| ".gitignore".into());
        unlisted.push(Document::unreadable(
            rel,
            format!("it is not a regular file but {kind}; no .gitignore file was read"),
        ));
    }
    // The filter must be `'static`: it shares the list with the walk.
    let skipped = std::sync::Arc::new(Mutex::new(Vec::new()));
    let skipped_in_walk = skipped.clone();
    let walked = Mutex::new(Vec::new());
    walk.builder(
        |_| true,
        move |gitignore, kind| lock(&skipped_in_walk).push((gitignore, kind)),
    )
    // On every core; what the walk found is sorted after, so the order of the
    // threads never shows.
    .build_parallel()
    .run(|| {
        Box::new(|entry| {
            lock(&walked).push(entry);
            ignore::WalkState::Continue
        })
    });
    let mut walked = walked.into_inner().unwrap_or_else(|e| e.into_inner());
    walked.sort_by(|a, b| match (a, b) {
        (Ok(a), Ok(b)) => a.path().as_os_str().cmp(b.path().as_os_str()),
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        (Err(a), Err(b)) => a.to_string().cmp(&b.to_string()),
    });
    for entry in walked {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                // A folder that cannot be listed hides its documents: say so.
                if let Some((rel, reason)) = unlisted_folder(root, &err) {
                    if !settings.excludes(&rel) {
                        unlisted.push(Document::unreadable(rel, reason));
                    }
                }
                continue;
            }
        };
        let Some(rel) = relative(root, entry.path()) else {
            continue;
        };
        if rel.is_empty() {
            continue;
        }
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_symlink() {
            // Never followed: a target inside the root is walked at its own path, so
            // the symlink is only another name for it. A dangling one names nothing.
            if let Ok(target) = entry.path().canonicalize() {
                tree.add_symlink(&rel, relative(&canonical_root, &target).as_deref());
            }
        } else if file_type.is_dir() {
            tree.add_dir(&rel);
        } else {
            tree.add_file(&rel);
            if is_markdown(&rel) && !in_hidden_dir(&rel) && settings.includes(&rel) {
                // Read by its real name: `rel` is lossy where the name is not UTF-8.
                doc_paths.push((rel, entry.into_path()));
            }
        }
    }
    if settings.config.links.site == Generator::Docfx {
        for source in redirected_sources(root) {
            if !tree.is_file(&source) {
                tree.add_file(&source);
            }
        }
    }
    let walked: std::collections::HashSet<&str> =
        doc_paths.iter().map(|(d, _)| d.as_str()).collect();
    let unwalked: Vec<(String, PathBuf)> = named
        .iter()
        .filter(|(rel, _)| !settings.excludes(rel) && !walked.contains(rel.as_str()))
        .cloned()
        .collect();
    for (rel, path) in unwalked {
        tree.add_file(&rel);
        doc_paths.push((rel, path));
    }
    // In the workspace's order (by path), so documents need not be moved to sort them.
    doc_paths.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
    // A file named twice is one document.
    doc_paths.dedup_by(|(a, _), (b, _)| a == b);
    let site = settings.site();
    // Mapped, not filtered, in parallel, and split as it goes: each part is written
    // straight into its place in its own list, so no document is held twice. A file
    // that vanished after the walk listed it leaves a stand-in without a path, dropped
    // below: the run then sees the workspace as it is now.
    let (mut docs, (mut facts, (mut pages, (mut seen_as, mut text_facts)))): LoadedParts =
        doc_paths
            .into_par_iter()
            .map(|(rel, path)| {
                let cache = reuse.as_ref().map(|r| (r.cache, !(r.needs_text)(&rel)));
                let Some(((mut doc, facts, page), seen)) = load_document(&path, rel, site, cache)
                else {
                    let vanished = Document::unreadable(String::new(), String::new());
                    return (vanished, (DocFacts::default(), (None, (None, None))));
                };
                let text_facts = lean.and_then(|is_target| shed(&mut doc, settings, is_target));
                (doc, (facts, (page, (seen, text_facts))))
            })
            .unzip();
    if docs.iter().any(|d| d.path.is_empty()) {
        let kept: Vec<bool> = docs.iter().map(|d| !d.path.is_empty()).collect();
        keep(&mut docs, &kept);
        keep(&mut facts, &kept);
        keep(&mut pages, &kept);
        keep(&mut seen_as, &kept);
        keep(&mut text_facts, &kept);
    }
    let seen: HashMap<String, Seen> = docs
        .iter()
        .zip(seen_as)
        .filter_map(|(doc, s)| Some((doc.path.clone(), s?)))
        .collect();
    let mut ws = Workspace::from_sorted(docs, facts, pages, tree);
    let mut skipped = std::mem::take(&mut *lock(&skipped));
    skipped.sort();
    let skipped = skipped.into_iter().filter_map(|(path, kind)| {
        let reason = format!("it is not a regular file but {kind}; its folder was not walked");
        Some(Document::unreadable(relative(root, &path)?, reason))
    });
    for doc in skipped.chain(unlisted) {
        let (doc, f, page) = with_facts(doc, site);
        let at = ws.add(doc, f, page);
        text_facts.insert(at, None);
    }
    Loaded {
        ws,
        seen,
        text_facts,
    }
}

/// The parts of the loaded documents, each in its own list, in path order.
type LoadedParts = (
    Vec<Document>,
    (
        Vec<DocFacts>,
        (
            Vec<Option<PageFacts>>,
            (Vec<Option<Seen>>, Vec<Option<TextFacts>>),
        ),
    ),
);

/// Keeps the items of `list` whose place in `kept` says so.
fn keep<T>(list: &mut Vec<T>, kept: &[bool]) {
    let mut kept = kept.iter();
    list.retain(|_| kept.next().copied().unwrap_or(true));
}

/// Whether the document at a root-relative path is linted.
pub type IsTarget<'a> = dyn Fn(&str) -> bool + Sync + 'a;

/// A loaded workspace, how its files were seen (with a cache), and the text facts of
/// the documents that dropped their text.
pub struct Loaded {
    pub ws: Workspace,
    pub seen: HashMap<String, Seen>,
    pub text_facts: Vec<Option<TextFacts>>,
}

/// The text facts of `doc`, which then drops its text; `None` when a check reads the
/// document whole: a template (documents made from it are compared with it), or one
/// holding index blocks (compared with the registry).
fn shed(doc: &mut Document, settings: &Settings, is_target: &IsTarget<'_>) -> Option<TextFacts> {
    if settings.is_template(&doc.path) {
        return None;
    }
    let (blocks, errors) = sot_registry::index::blocks(doc);
    if !blocks.is_empty() || !errors.is_empty() {
        return None;
    }
    let facts = match is_target(&doc.path) {
        true => TextFacts::of(doc, settings),
        false => TextFacts::default(),
    };
    doc.drop_text();
    Some(facts)
}

/// A document with its facts.
pub type WithFacts = (Document, DocFacts, Option<PageFacts>);

/// The document at `path`, shown as `rel`, from `cache` when it holds the file and
/// the lean form will do (the flag); `None` when the file vanished after the walk
/// listed it: the run then sees the workspace as it is now. A file that was read comes
/// with how it was seen, when there is a cache.
fn load_document(
    path: &Path,
    rel: String,
    site: &Site,
    cache: Option<(&Cache, bool)>,
) -> Option<(WithFacts, Option<Seen>)> {
    // Without a cache nothing needs the stamp: no `stat` beside the read.
    let stamp = cache
        .and_then(|_| std::fs::metadata(path).ok())
        .map(|meta| Stamp::of(&meta));
    let entry = cache.and_then(|(c, _)| c.entry(&rel));
    if let (Some((c, true)), Some(stamp), Some(entry)) = (cache, &stamp, entry) {
        if c.trusts(entry, stamp) {
            if let Some(hit) = c.record(&rel, entry) {
                c.note(Some(entry), entry.seen);
                return Some(((hit.doc, hit.facts, hit.page), Some(entry.seen)));
            }
        }
    }
    let bytes = match read_regular(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
        Err(e) => {
            return Some((
                with_facts(Document::unreadable(rel, e.to_string()), site),
                None,
            ))
        }
    };
    let seen = stamp.map(|stamp| Seen {
        stamp,
        hash: cache::hash(&bytes),
    });
    if let (Some((c, lean)), Some(seen)) = (cache, seen) {
        c.note(entry, seen);
        if let Some(entry) = entry.filter(|e| lean && e.seen.hash == seen.hash) {
            if let Some(hit) = c.record(&rel, entry) {
                return Some(((hit.doc, hit.facts, hit.page), Some(seen)));
            }
        }
    }
    Some((with_facts(read_document(bytes, rel), site), seen))
}

/// What `m` holds, also after a thread panicked holding it (a push is whole or not made).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn with_facts(doc: Document, site: &Site) -> WithFacts {
    let facts = DocFacts::of(&doc);
    let page = site.page_facts(&doc);
    (doc, facts, Some(page))
}

/// The root-relative source paths a docfx build redirects (`source_path` in the
/// `.openpublishing.redirection*.json` files at the root): a removed page whose URL
/// still works, so a link to its file is not broken. A file that does not parse names
/// none.
fn redirected_sources(root: &Path) -> Vec<String> {
    #[derive(serde::Deserialize)]
    struct Redirections {
        redirections: Vec<Redirection>,
    }
    #[derive(serde::Deserialize)]
    struct Redirection {
        #[serde(alias = "source_path_from_root")]
        source_path: String,
    }
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with(".openpublishing.redirection") && name.ends_with(".json")
        })
        .filter_map(|e| read_regular(&e.path()).ok())
        .filter_map(|bytes| serde_json::from_slice::<Redirections>(&bytes).ok())
        .flat_map(|r| r.redirections)
        .map(|r| r.source_path.trim_start_matches('/').to_string())
        .collect()
}

/// The folder (root-relative) and the reason, when `err` is a folder the walk could
/// not list.
fn unlisted_folder(root: &Path, err: &ignore::Error) -> Option<(String, String)> {
    match err {
        ignore::Error::WithPath { path, err } if path.is_dir() => {
            // The kind alone: the message the walk wraps it in holds the absolute path.
            let reason = err.io_error()?.kind().to_string();
            Some((relative(root, path)?, reason))
        }
        ignore::Error::WithDepth { err, .. } => unlisted_folder(root, err),
        _ => None,
    }
}

/// The document at `rel` as it is on disk now, lean when no check reads it whole, with
/// its facts and the text facts it dropped; `None` when no regular file is there.
pub fn read_one(
    root: &Path,
    rel: &str,
    settings: &Settings,
) -> Option<(WithFacts, Option<TextFacts>)> {
    let bytes = read_regular(&root.join(rel)).ok()?;
    let (mut doc, facts, page) = with_facts(read_document(bytes, rel.to_string()), settings.site());
    let text_facts = shed(&mut doc, settings, &|_| true);
    Some(((doc, facts, page), text_facts))
}

/// Git's data and sot's own cache are no part of the documents' workspace.
fn is_unwalked_folder(name: &std::ffi::OsStr) -> bool {
    name == ".git" || name == ".sot_cache"
}

/// How a root is walked: what git ignores there stays out, as do git's data, sot's
/// cache and folders whose `.gitignore` is no regular file (opening it could block).
struct Walk {
    root: PathBuf,
    in_repository: bool,
    /// A `.gitignore` at the root (or above it, inside the repository) that is no
    /// regular file: then no ignore file is read.
    special_above: Option<(PathBuf, &'static str)>,
}

impl Walk {
    fn of(root: &Path) -> Walk {
        let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        // In a repository, what git ignores there: `.gitignore` files from its
        // top-level down, `.git/info/exclude` and the global excludes file, never an
        // ignore file above the top-level. Elsewhere, the `.gitignore` files under the
        // root.
        let in_repository = canonical_root.ancestors().any(|d| d.join(".git").exists());
        let special_above = canonical_root
            .ancestors()
            .take_while(|d| in_repository && !d.join(".git").exists())
            .chain(std::iter::once(canonical_root.as_path()))
            .find_map(|d| special_gitignore(d).map(|kind| (d.join(".gitignore"), kind)));
        Walk {
            root: root.to_path_buf(),
            in_repository,
            special_above,
        }
    }

    /// The walk through what `keep` keeps; `skipped` hears of every folder left out
    /// for its `.gitignore` (the file, and what it is).
    fn builder(
        &self,
        keep: impl Fn(&ignore::DirEntry) -> bool + Send + Sync + 'static,
        skipped: impl Fn(PathBuf, &'static str) + Send + Sync + 'static,
    ) -> WalkBuilder {
        let mut builder = WalkBuilder::new(&self.root);
        builder
            .hidden(false)
            .ignore(false)
            .git_ignore(self.special_above.is_none())
            .require_git(self.in_repository)
            .parents(self.in_repository)
            .git_global(self.in_repository)
            .filter_entry(move |e| {
                if is_unwalked_folder(e.file_name()) {
                    return false;
                }
                // Only a folder's `.gitignore` is looked at: one `stat` per folder.
                if e.file_type().is_some_and(|t| t.is_dir()) {
                    if let Some(kind) = special_gitignore(e.path()) {
                        skipped(e.path().join(".gitignore"), kind);
                        return false;
                    }
                }
                keep(e)
            });
        builder
    }

    /// The root-relative paths the walk takes in under the folder `rel`, to `depth`
    /// levels below it (every level when `None`).
    fn under(&self, rel: &str, depth: Option<usize>) -> Vec<String> {
        let folder = self.root.join(rel);
        let levels = rel.split('/').filter(|p| !p.is_empty()).count();
        let on_the_way = folder.clone();
        let mut builder = self.builder(
            move |e| on_the_way.starts_with(e.path()) || e.path().starts_with(&on_the_way),
            |_, _| {},
        );
        builder.max_depth(depth.map(|d| levels + d));
        builder
            .build()
            .filter_map(Result::ok)
            .filter(|e| e.path() != folder && e.path().starts_with(&folder))
            .filter_map(|e| relative(&self.root, e.path()))
            .collect()
    }
}

/// Which paths the walk of a root takes in, asked path by path as files appear and
/// go: each folder is listed once, by the walk itself, so the same ignore files rule.
/// Good for one batch of changes; the disk may differ after it.
pub struct Walked {
    walk: Walk,
    /// The paths the walk lists in a folder, or `None` when it leaves the folder out.
    listed: HashMap<String, Option<std::collections::HashSet<String>>>,
}

impl Walked {
    pub fn new(root: &Path) -> Walked {
        Walked {
            walk: Walk::of(root),
            listed: HashMap::new(),
        }
    }

    /// Whether the walk takes in the file or folder at `rel` (which exists).
    pub fn contains(&mut self, rel: &str) -> bool {
        let folder = rel.rsplit_once('/').map_or("", |(folder, _)| folder);
        if !self.listed.contains_key(folder) {
            let listed = (folder.is_empty() || self.contains(folder))
                .then(|| self.walk.under(folder, Some(1)).into_iter().collect());
            self.listed.insert(folder.to_string(), listed);
        }
        self.listed[folder]
            .as_ref()
            .is_some_and(|paths| paths.contains(rel))
    }

    /// Every file and folder the walk takes in under the folder `rel`.
    pub fn under(&mut self, rel: &str) -> Vec<String> {
        if !self.contains(rel) {
            return Vec::new();
        }
        self.walk.under(rel, None)
    }
}

/// The document in `bytes`, shown as `rel`.
fn read_document(bytes: Vec<u8>, rel: String) -> Document {
    match String::from_utf8(bytes) {
        Ok(text) => Document::parse(rel, text),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
            Document::unreadable(
                rel,
                format!("it is not valid UTF-8 (first bad byte on line {line})"),
            )
        }
    }
}

/// The bytes of the regular file at `path` (through symlinks), never of anything
/// else: opening a FIFO blocks until a writer comes, and a device (`/dev/zero` under
/// a document's name) is read until memory runs out. The file is opened without
/// blocking and checked again once open, so one swapped for a FIFO after it was
/// looked at is refused as well; it is read up to the size it had when opened, so a
/// file that grows while it is read cannot hold the run.
pub fn read_regular(path: &Path) -> io::Result<Vec<u8>> {
    check_regular(&std::fs::metadata(path)?)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path)?;
    let meta = file.metadata()?;
    check_regular(&meta)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(meta.len()).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// [`read_regular`], as UTF-8 text.
pub fn read_text(path: &Path) -> io::Result<String> {
    String::from_utf8(read_regular(path)?)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// What the `.gitignore` in folder `dir` is, when it exists and is no regular file.
fn special_gitignore(dir: &Path) -> Option<&'static str> {
    let meta = std::fs::metadata(dir.join(".gitignore")).ok()?;
    (!meta.is_file()).then(|| special_kind(&meta.file_type()))
}

fn check_regular(meta: &std::fs::Metadata) -> io::Result<()> {
    if meta.is_file() {
        return Ok(());
    }
    let kind = special_kind(&meta.file_type());
    Err(io::Error::other(format!(
        "it is not a regular file but {kind}"
    )))
}

#[cfg(unix)]
fn special_kind(t: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(t: &std::fs::FileType) -> &'static str {
    if t.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_extensions_match_in_any_case() {
        for doc in ["README.md", "docs/README.MD", "a/Guide.Markdown", "x.mD"] {
            assert!(is_markdown(doc), "{doc}");
        }
        for other in ["notes.txt", "md", "docs/.md.bak", "a.mdx", "markdown"] {
            assert!(!is_markdown(other), "{other}");
        }
    }
}
