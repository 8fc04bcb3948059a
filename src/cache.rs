//! The cache of lean documents, which lets a run over a few files (a pre-commit hook's,
//! an editor's) parse only those and the documents that changed since the last run;
//! every other document comes back as what other documents' checks read of it (see
//! `sot_syntax::Document`), with its facts.
//!
//! One file per workspace root, in `.sot_cache/` at the root (or `--cache-dir`), for
//! one `sot` build and configuration: another's is ignored and replaced. A document is
//! reused when its file is the one that was read (same size, times and inode, and last
//! changed well before that run began, so a change within the timestamps' granularity
//! is never missed) or, read again, when its content hashes the same. An index of
//! those stamps and hashes comes first, so a run decides what it reuses before it
//! decodes a record, and decodes only those. The file is replaced atomically; a cache
//! that cannot be read, whose content does not hash as written, or is another version's
//! is ignored and rebuilt. A run that parses every document anyway reads only the
//! index, which is hashed on its own: it decodes no record, so it need not hold them.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use sot_registry::{DocFacts, PageFacts, Workspace};
use sot_syntax::Document;

/// Changes this close before a run began may share a timestamp with a later change.
const TIMESTAMP_SLACK: Duration = Duration::from_secs(2);
/// What the file starts with.
const MAGIC: &[u8; 8] = b"sotcache";
/// Bumped when the file's layout changes; the version of `sot` is checked as well.
const FORMAT: u32 = 3;
/// Magic, format, key, start of the writing run, the index's length and hash, and the
/// records' hash.
const HEADER_LEN: usize = 8 + 4 + 16 + 16 + 8 + 16 + 16;

/// What identifies a file's content without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    size: u64,
    modified_ns: u128,
    changed_ns: u128,
    inode: u64,
}

impl Stamp {
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        let ns = |t: std::io::Result<SystemTime>| {
            t.ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos())
        };
        #[cfg(unix)]
        let (changed_ns, inode) = {
            use std::os::unix::fs::MetadataExt;
            let changed = meta.ctime() as i128 * 1_000_000_000 + meta.ctime_nsec() as i128;
            (u128::try_from(changed).unwrap_or(0), meta.ino())
        };
        #[cfg(not(unix))]
        let (changed_ns, inode) = (0, 0);
        Stamp {
            size: meta.len(),
            modified_ns: ns(meta.modified()),
            changed_ns,
            inode,
        }
    }

    /// When the file last changed, by either time.
    fn last_change_ns(&self) -> u128 {
        self.modified_ns.max(self.changed_ns)
    }
}

/// How a document's file was known in this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub stamp: Stamp,
    pub hash: u128,
}

pub fn hash(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// A document as the cache holds it: lean, with its facts.
pub struct Record {
    pub doc: Document,
    pub facts: DocFacts,
    pub page: Option<PageFacts>,
}

/// The same, borrowed from a workspace for writing.
type RecordRef<'a> = (&'a Document, &'a DocFacts, &'a Option<PageFacts>);

/// One document in the cache's index: where its path lies in the file, how its file
/// was seen, and where its record lies.
pub struct Entry {
    path: Range<usize>,
    pub seen: Seen,
    record: Range<usize>,
}

/// The cache of one workspace under one configuration.
///
/// The file holds an index (path, stamp, content hash, record length per document)
/// ahead of the records, so a run compares stamps without decoding anything and
/// decodes only the records it takes, each on its own.
pub struct Cache {
    file: PathBuf,
    key: u128,
    /// The file as read; records are decoded from it on demand. Without records, only
    /// the header and the index.
    bytes: Vec<u8>,
    /// Whether `bytes` holds the records.
    has_records: bool,
    /// Sorted by path, as written: looked up without a copy of any path.
    index: Vec<Entry>,
    /// Stamps of files changed before this are trusted.
    trusted_before_ns: u128,
    /// When this run began reading.
    began_ns: u128,
    /// Whether a record could not be used: the file is then rewritten in any case.
    broken: AtomicBool,
    /// How many documents this run saw that the file does not describe as they are
    /// (changed, appeared, or to be trusted by their stamps only after a rewrite).
    outdated: AtomicUsize,
    /// How many documents of the index were seen in this run; fewer than it holds means
    /// some vanished.
    matched: AtomicUsize,
}

impl Cache {
    /// The cache in `dir` for the workspace at `root` read with `settings_key`
    /// (what shapes the facts), loaded when present and sound. Without `records`, only
    /// its index is read: enough for a run that parses every document, which then writes
    /// every record it stores afresh.
    pub fn open(dir: &Path, root: &Path, settings_key: &str, records: bool) -> Cache {
        let began_ns = now_ns();
        // The executable's own stamp too: a rebuilt `sot` of the same version may
        // derive other facts.
        let build = std::env::current_exe()
            .and_then(std::fs::metadata)
            .map(|m| Stamp::of(&m));
        let key =
            hash(format!("{}\0{build:?}\0{settings_key}", env!("CARGO_PKG_VERSION")).as_bytes());
        // One file per workspace: another version's or configuration's is replaced.
        let name = hash(root.as_os_str().as_encoded_bytes());
        let file = dir.join(format!("sot-{name:032x}.cache"));
        let mut cache = Cache {
            file,
            key,
            bytes: Vec::new(),
            has_records: records,
            index: Vec::new(),
            trusted_before_ns: 0,
            began_ns,
            broken: AtomicBool::new(false),
            outdated: AtomicUsize::new(0),
            matched: AtomicUsize::new(0),
        };
        let read = if records {
            std::fs::read(&cache.file)
        } else {
            read_front(&cache.file)
        };
        if let Some((began_ns, index, bytes)) = read.ok().and_then(|b| read_index(b, key, records))
        {
            cache.trusted_before_ns = began_ns.saturating_sub(TIMESTAMP_SLACK.as_nanos());
            cache.index = index;
            cache.bytes = bytes;
        }
        cache
    }

    /// What the cache holds of the document at `path`.
    pub fn entry(&self, path: &str) -> Option<&Entry> {
        let at = self
            .index
            .binary_search_by(|e| self.bytes[e.path.clone()].cmp(path.as_bytes()));
        at.ok().map(|at| &self.index[at])
    }

    /// Whether the file of `entry`, now seen with `stamp`, is surely the one cached:
    /// the same stamp, and changed long enough before the cache was written.
    pub fn trusts(&self, entry: &Entry, stamp: &Stamp) -> bool {
        entry.seen.stamp == *stamp && stamp.last_change_ns() < self.trusted_before_ns
    }

    /// The lean document `entry` holds for `path`, decoded; `None` (and the cache is
    /// rewritten) when the record is not that document's.
    pub fn record(&self, path: &str, entry: &Entry) -> Option<Record> {
        if !self.has_records {
            return None;
        }
        let record =
            decode_record(&self.bytes[entry.record.clone()]).filter(|r| r.doc.path == path);
        if record.is_none() {
            self.broken.store(true, Ordering::Relaxed);
        }
        record
    }

    /// Notes that a document (`entry` in the cache, if any) was seen as `now` in this
    /// run and belongs in the cache's next version. Called once per document.
    pub fn note(&self, entry: Option<&Entry>, now: Seen) {
        let current = entry.is_some_and(|e| {
            self.matched.fetch_add(1, Ordering::Relaxed);
            // An entry trusted by its stamp only after a rewrite is worth one: every
            // later run then skips reading the file.
            e.seen == now
                && (self.trusts(e, &now.stamp)
                    || now.stamp.last_change_ns()
                        >= self.began_ns.saturating_sub(TIMESTAMP_SLACK.as_nanos()))
        });
        if !current {
            self.outdated.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Whether to write the cache again after a run that saw the documents it was
    /// given: always when the file no longer says what this run saw and the run read
    /// every document anyway (`whole`); after a run over a few files only once a
    /// sixty-fourth of the documents changed, appeared or vanished, since until then
    /// reading those again costs each run less than rewriting every record would.
    pub fn worth_storing(&self, whole: bool) -> bool {
        let vanished = self
            .index
            .len()
            .saturating_sub(self.matched.load(Ordering::Relaxed));
        let outdated = self.outdated.load(Ordering::Relaxed) + vanished;
        self.broken.load(Ordering::Relaxed)
            || (outdated > 0 && (whole || outdated * 64 >= self.index.len()))
    }

    /// Writes the documents of `ws` seen in this run (`seen`, by path) as the new
    /// cache, atomically. Documents not seen (standard input's) are left out. A
    /// document whose content is the one cached keeps its record as it was written.
    /// Returns why it could not, if so.
    pub fn store(self, ws: &Workspace, seen: &HashMap<String, Seen>) -> std::io::Result<()> {
        let pages = ws.page_facts();
        let broken = self.broken.load(Ordering::Relaxed);
        let records: Vec<(&str, Seen, Cow<[u8]>)> = ws
            .docs
            .par_iter()
            .enumerate()
            .filter_map(|(d, doc)| {
                let seen = *seen.get(&doc.path)?;
                let record = match self.entry(&doc.path) {
                    // The same content under the same key gives the same record, unless
                    // a record was found unusable: then none is copied.
                    Some(e) if e.seen.hash == seen.hash && !broken && self.has_records => {
                        Ok(Cow::Borrowed(&self.bytes[e.record.clone()]))
                    }
                    _ => {
                        let record: RecordRef = (doc, ws.facts(d), &pages[d]);
                        rmp_serde::to_vec(&record).map(Cow::Owned)
                    }
                };
                Some(record.map(|r| (doc.path.as_str(), seen, r)))
            })
            .collect::<Result<_, _>>()
            .map_err(std::io::Error::other)?;
        // The workspace's documents are sorted by path, as the index must be.
        let mut index = Vec::with_capacity(records.len() * 96 + 8);
        index.extend_from_slice(&(records.len() as u64).to_le_bytes());
        for (path, seen, record) in &records {
            index.extend_from_slice(&(path.len() as u64).to_le_bytes());
            index.extend_from_slice(path.as_bytes());
            index.extend_from_slice(&seen.stamp.size.to_le_bytes());
            index.extend_from_slice(&seen.stamp.modified_ns.to_le_bytes());
            index.extend_from_slice(&seen.stamp.changed_ns.to_le_bytes());
            index.extend_from_slice(&seen.stamp.inode.to_le_bytes());
            index.extend_from_slice(&seen.hash.to_le_bytes());
            index.extend_from_slice(&(record.len() as u64).to_le_bytes());
        }
        let mut bodies = Vec::with_capacity(records.iter().map(|(.., r)| r.len()).sum());
        for (_, _, record) in &records {
            bodies.extend_from_slice(record);
        }
        let mut header = Vec::with_capacity(HEADER_LEN);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&FORMAT.to_le_bytes());
        header.extend_from_slice(&self.key.to_le_bytes());
        header.extend_from_slice(&self.began_ns.to_le_bytes());
        header.extend_from_slice(&(index.len() as u64).to_le_bytes());
        header.extend_from_slice(&hash(&index).to_le_bytes());
        header.extend_from_slice(&hash(&bodies).to_le_bytes());
        let dir = self.file.parent().unwrap_or(Path::new("."));
        create_dir(dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        tmp.write_all(&header)?;
        tmp.write_all(&index)?;
        tmp.write_all(&bodies)?;
        tmp.persist(&self.file).map_err(|e| e.error)?;
        Ok(())
    }
}

/// Where the index's length lies in the header.
const INDEX_LEN_AT: usize = 8 + 4 + 16 + 16;

/// The header and index of the cache `file`, without its records.
fn read_front(file: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut f = std::fs::File::open(file)?;
    let mut bytes = vec![0; HEADER_LEN];
    f.read_exact(&mut bytes)?;
    let index_len = u64::from_le_bytes(
        bytes[INDEX_LEN_AT..INDEX_LEN_AT + 8]
            .try_into()
            .unwrap_or_default(),
    );
    // Read up to that length, never allocated ahead: a corrupt length reads what is there.
    f.take(index_len).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The start of the run that wrote the cache, its index and `bytes` (the whole file
/// `with_records`, else its header and index), when they are a whole cache of this
/// format written under `key`; `None` for anything else.
fn read_index(
    bytes: Vec<u8>,
    key: u128,
    with_records: bool,
) -> Option<(u128, Vec<Entry>, Vec<u8>)> {
    let mut r = Reader {
        bytes: &bytes,
        at: 0,
    };
    if r.take(MAGIC.len())? != MAGIC || r.u32()? != FORMAT || r.u128()? != key {
        return None;
    }
    let began_ns = r.u128()?;
    let index_len = usize::try_from(r.u64()?).ok()?;
    let index_hash = r.u128()?;
    let records_hash = r.u128()?;
    let index_end = HEADER_LEN.checked_add(index_len)?;
    // Each part is checked once, as a whole: a record is then trusted to be what was
    // written.
    if hash(bytes.get(HEADER_LEN..index_end)?) != index_hash {
        return None;
    }
    let records = &bytes[index_end..];
    if with_records && hash(records) != records_hash {
        return None;
    }
    let count = usize::try_from(r.u64()?).ok()?;
    // Each entry takes more than 64 bytes: a count the file cannot hold is corrupt.
    let mut index = Vec::with_capacity(count.min(index_len / 64));
    let mut record_start = index_end;
    for _ in 0..count {
        let len = usize::try_from(r.u64()?).ok()?;
        let start = r.at;
        std::str::from_utf8(r.take(len)?).ok()?;
        let path = start..r.at;
        // Strictly in order: no path twice, and each found by a binary search.
        let previous = index.last().map(|last: &Entry| &bytes[last.path.clone()]);
        if previous.is_some_and(|last| last >= &bytes[path.clone()]) {
            return None;
        }
        let stamp = Stamp {
            size: r.u64()?,
            modified_ns: r.u128()?,
            changed_ns: r.u128()?,
            inode: r.u64()?,
        };
        let hash = r.u128()?;
        let record_len = usize::try_from(r.u64()?).ok()?;
        // The records follow the index in its order.
        let record_end = record_start.checked_add(record_len)?;
        index.push(Entry {
            path,
            seen: Seen { stamp, hash },
            record: record_start..record_end,
        });
        record_start = record_end;
    }
    // The index fills its part; the records, when read, the rest of the file.
    let end = if with_records {
        record_start
    } else {
        index_end
    };
    if r.at != index_end || end != bytes.len() {
        return None;
    }
    Some((began_ns, index, bytes))
}

/// Reads little-endian numbers and byte strings off the front of a file.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(len)?;
        let taken = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(taken)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn u128(&mut self) -> Option<u128> {
        Some(u128::from_le_bytes(self.take(16)?.try_into().ok()?))
    }
}

fn decode_record(bytes: &[u8]) -> Option<Record> {
    let (doc, facts, page) = rmp_serde::from_slice(bytes).ok()?;
    Some(Record { doc, facts, page })
}

fn now_ns() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// Creates the cache folder, marked as one: backup tools skip it (`CACHEDIR.TAG`) and
/// git ignores it (`.gitignore` of `*`).
fn create_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(dir)?;
    std::fs::write(
        dir.join("CACHEDIR.TAG"),
        "Signature: 8a477f597d28d172789f06886806bc55\n\
         # This file is a cache directory tag created by sot.\n\
         # For information about cache directory tags see https://bford.info/cachedir/\n",
    )?;
    std::fs::write(dir.join(".gitignore"), "# Created by sot.\n*\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use sot_registry::FileTree;

    fn seen(n: u64) -> Seen {
        Seen {
            stamp: Stamp {
                size: n,
                modified_ns: 1,
                changed_ns: 1,
                inode: n,
            },
            hash: u128::from(n),
        }
    }

    /// A workspace of `a.md` and `b.md`, and how their files were seen.
    fn two_documents() -> (Workspace, HashMap<String, Seen>) {
        let docs = ["a.md", "b.md"]
            .map(|path| Document::parse(path, format!("# {path}\n\nText.\n")))
            .into();
        let ws = Workspace::new(docs, FileTree::default());
        let seen = HashMap::from([("a.md".to_string(), seen(1)), ("b.md".to_string(), seen(2))]);
        (ws, seen)
    }

    /// A cache of [`two_documents`] written to `dir`, and the file's bytes.
    fn written(dir: &Path) -> (PathBuf, Vec<u8>) {
        let (ws, seen) = two_documents();
        Cache::open(dir, dir, "settings", true)
            .store(&ws, &seen)
            .unwrap();
        let file = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "cache"))
            .unwrap();
        let bytes = std::fs::read(&file).unwrap();
        (file, bytes)
    }

    /// Writes `bytes` to `file` with the body's hash made right again, so the cache
    /// looks whole whatever was changed in it.
    fn write_rehashed(file: &Path, bytes: &mut [u8]) {
        let index_len =
            u64::from_le_bytes(bytes[INDEX_LEN_AT..INDEX_LEN_AT + 8].try_into().unwrap());
        let index_end = HEADER_LEN + index_len as usize;
        let index_hash = hash(&bytes[HEADER_LEN..index_end]);
        let records_hash = hash(&bytes[index_end..]);
        bytes[HEADER_LEN - 32..HEADER_LEN - 16].copy_from_slice(&index_hash.to_le_bytes());
        bytes[HEADER_LEN - 16..HEADER_LEN].copy_from_slice(&records_hash.to_le_bytes());
        std::fs::write(file, bytes).unwrap();
    }

    #[test]
    fn records_come_back_under_their_paths() {
        let dir = tempfile::tempdir().unwrap();
        written(dir.path());
        let cache = Cache::open(dir.path(), dir.path(), "settings", true);
        for (path, n) in [("a.md", 1), ("b.md", 2)] {
            let entry = cache.entry(path).unwrap();
            assert_eq!(entry.seen, seen(n));
            let record = cache.record(path, entry).unwrap();
            assert_eq!(record.doc.path, path);
            assert_eq!(record.doc.headings[0].text, path);
            cache.note(Some(entry), entry.seen);
        }
        assert!(!cache.worth_storing(true));
        // Another configuration's cache is not read.
        assert!(Cache::open(dir.path(), dir.path(), "other", true)
            .entry("a.md")
            .is_none());
    }

    #[test]
    fn an_index_that_disagrees_with_its_records_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let (file, mut bytes) = written(dir.path());
        // Swap the two records (of the same length), so each entry points at the other
        // document's record.
        let key = Cache::open(dir.path(), dir.path(), "settings", true).key;
        let (_, index, _) = read_index(bytes.clone(), key, true).unwrap();
        let (a, b) = (index[0].record.clone(), index[1].record.clone());
        assert_eq!(a.len(), b.len());
        let record_a = bytes[a.clone()].to_vec();
        bytes.copy_within(b.clone(), a.start);
        bytes[b].copy_from_slice(&record_a);
        write_rehashed(&file, &mut bytes);
        let cache = Cache::open(dir.path(), dir.path(), "settings", true);
        let entry = cache.entry("a.md").unwrap();
        assert!(cache.record("a.md", entry).is_none());
        assert!(cache.worth_storing(false), "rewritten");
        // Rewritten from the documents, not by copying the records that disagreed.
        let (ws, seen) = two_documents();
        cache.store(&ws, &seen).unwrap();
        let cache = Cache::open(dir.path(), dir.path(), "settings", true);
        let entry = cache.entry("a.md").unwrap();
        assert_eq!(cache.record("a.md", entry).unwrap().doc.path, "a.md");
        // An index out of order (each path found by a binary search) is no index.
        let mut bytes = std::fs::read(&file).unwrap();
        let at =
            |bytes: &[u8], name: &[u8]| bytes.windows(name.len()).position(|w| w == name).unwrap();
        let (a, b) = (at(&bytes, b"a.md"), at(&bytes, b"b.md"));
        bytes[a..a + 4].copy_from_slice(b"b.md");
        bytes[b..b + 4].copy_from_slice(b"a.md");
        write_rehashed(&file, &mut bytes);
        assert!(Cache::open(dir.path(), dir.path(), "settings", true)
            .entry("a.md")
            .is_none());
        // A body that does not hash as written is no cache at all.
        let mut bytes = std::fs::read(&file).unwrap();
        bytes[HEADER_LEN + 10] ^= 1;
        std::fs::write(&file, &bytes).unwrap();
        assert!(Cache::open(dir.path(), dir.path(), "settings", true)
            .entry("a.md")
            .is_none());
    }

    #[test]
    fn a_run_that_parses_everything_reads_only_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let (file, bytes) = written(dir.path());
        let cache = Cache::open(dir.path(), dir.path(), "settings", false);
        assert!(cache.bytes.len() < bytes.len(), "the records were not read");
        let entry = cache.entry("b.md").unwrap();
        assert_eq!(entry.seen, seen(2));
        assert!(cache.record("b.md", entry).is_none());
        assert!(!cache.broken.load(Ordering::Relaxed));
        // What it stores is written from the documents, records and all.
        let (ws, mut seen_now) = two_documents();
        seen_now.insert("a.md".into(), seen(3));
        cache.note(None, seen(3));
        assert!(cache.worth_storing(true));
        cache.store(&ws, &seen_now).unwrap();
        let cache = Cache::open(dir.path(), dir.path(), "settings", true);
        for path in ["a.md", "b.md"] {
            let entry = cache.entry(path).unwrap();
            assert_eq!(cache.record(path, entry).unwrap().doc.path, path);
        }
        // A flipped bit in a record spoils the whole file for a run that reads records,
        // not the index for one that does not.
        let mut bytes = std::fs::read(&file).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&file, &bytes).unwrap();
        assert!(Cache::open(dir.path(), dir.path(), "settings", true)
            .entry("a.md")
            .is_none());
        assert!(Cache::open(dir.path(), dir.path(), "settings", false)
            .entry("a.md")
            .is_some());
        // A file cut short within its index is no cache for either.
        std::fs::write(&file, &bytes[..HEADER_LEN + 20]).unwrap();
        for records in [true, false] {
            assert!(Cache::open(dir.path(), dir.path(), "settings", records)
                .entry("a.md")
                .is_none());
        }
    }
}
