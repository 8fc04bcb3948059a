//! The cache of lean documents, which lets a run over a few files (a pre-commit hook's,
//! an editor's) parse only those and the documents that changed since the last run;
//! every other document comes back as what other documents' checks read of it (see
//! `sot_syntax::Document`), with its facts.
//!
//! One file per workspace root, in `.sot_cache/` at the root (or `--cache-dir`), for
//! one `sot` build and configuration: another's is ignored and replaced. A document is reused when its file is the one that was read
//! (same size, times and inode, and last changed well before that run began, so a
//! change within the timestamps' granularity is never missed) or, read again, when its
//! content hashes the same. The file is replaced atomically; a cache that cannot be
//! read, decoded, or is another version's is ignored and rebuilt.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sot_registry::{DocFacts, PageFacts, Workspace};
use sot_syntax::Document;

/// Changes this close before a run began may share a timestamp with a later change.
const TIMESTAMP_SLACK: Duration = Duration::from_secs(2);
/// Bumped when the file's layout changes; the version of `sot` is checked as well.
const FORMAT: u32 = 1;
/// Records are written in this many pieces, decoded in parallel.
const CHUNKS: usize = 64;

/// What identifies a file's content without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
}

/// How a document's file was known in this run.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Seen {
    pub stamp: Stamp,
    pub hash: u128,
}

pub fn hash(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// A document as the cache holds it: lean, with its facts and how its file was seen.
#[derive(Deserialize)]
pub struct Record {
    pub seen: Seen,
    pub doc: Document,
    pub facts: DocFacts,
    pub page: Option<PageFacts>,
}

/// The same, borrowed from a workspace for writing.
#[derive(Serialize)]
struct RecordRef<'a> {
    seen: Seen,
    doc: &'a Document,
    facts: &'a DocFacts,
    page: &'a Option<PageFacts>,
}

#[derive(Serialize, Deserialize)]
struct Header {
    format: u32,
    /// The hash of the `sot` build and the configuration the facts were derived with.
    key: u128,
    /// Nanoseconds since the epoch when the run that wrote the file began reading.
    began_ns: u128,
}

/// The cache of one workspace under one configuration.
pub struct Cache {
    file: PathBuf,
    key: u128,
    records: HashMap<String, Record>,
    /// Stamps of files changed before this are trusted.
    trusted_before_ns: u128,
    /// When this run began reading.
    began_ns: u128,
    /// Whether a document was found changed or new.
    stale: bool,
}

impl Cache {
    /// The cache in `dir` for the workspace at `root` read with `settings_key`
    /// (what shapes the facts), loaded when present and sound.
    pub fn open(dir: &Path, root: &Path, settings_key: &str) -> Cache {
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
            records: HashMap::new(),
            trusted_before_ns: 0,
            began_ns,
            stale: false,
        };
        if let Some((header, records)) = std::fs::read(&cache.file)
            .ok()
            .and_then(|bytes| decode(&bytes))
        {
            if header.key == key {
                cache.trusted_before_ns =
                    header.began_ns.saturating_sub(TIMESTAMP_SLACK.as_nanos());
                cache.records = records
                    .into_iter()
                    .map(|r| (r.doc.path.clone(), r))
                    .collect();
            }
        }
        cache
    }

    /// The lean document at `path` when its file, by `stamp`, is the one cached.
    pub fn by_stamp(&mut self, path: &str, stamp: &Stamp) -> Option<Record> {
        let trusted = self
            .records
            .get(path)
            .is_some_and(|r| self.trusts(r, stamp));
        trusted.then(|| self.records.remove(path)).flatten()
    }

    /// The lean document at `path` when its content, read again, hashes the same.
    pub fn by_hash(&mut self, path: &str, seen: Seen) -> Option<Record> {
        let same = self
            .records
            .get(path)
            .is_some_and(|r| r.seen.hash == seen.hash);
        let record = same.then(|| self.records.remove(path)).flatten()?;
        self.stale |= record.seen.stamp != seen.stamp;
        Some(Record { seen, ..record })
    }

    /// Notes that the document at `path` was read and parsed whole in this run.
    pub fn parsed(&mut self, path: &str, seen: Seen) {
        let current = self
            .records
            .remove(path)
            .is_some_and(|r| r.seen.hash == seen.hash && self.trusts(&r, &seen.stamp));
        self.stale |= !current;
    }

    fn trusts(&self, record: &Record, stamp: &Stamp) -> bool {
        record.seen.stamp == *stamp
            && stamp.modified_ns.max(stamp.changed_ns) < self.trusted_before_ns
    }

    /// Whether the file on disk no longer says what this run saw: a document
    /// changed, appeared or vanished.
    pub fn is_stale(&self) -> bool {
        self.stale || !self.records.is_empty()
    }

    /// Writes the documents of `ws` seen in this run (`seen`, by path) as the new
    /// cache, atomically. Documents not seen (standard input's) are left out. Returns
    /// why it could not, if so.
    pub fn store(self, ws: &Workspace, seen: &HashMap<String, Seen>) -> std::io::Result<()> {
        let header = Header {
            format: FORMAT,
            key: self.key,
            began_ns: self.began_ns,
        };
        let pages = ws.page_facts();
        let records: Vec<RecordRef> = ws
            .docs
            .iter()
            .enumerate()
            .filter_map(|(d, doc)| {
                Some(RecordRef {
                    seen: *seen.get(&doc.path)?,
                    doc,
                    facts: ws.facts(d),
                    page: &pages[d],
                })
            })
            .collect();
        // Records in chunks, each encoded on its own so they decode on every core.
        let size = records.len().div_ceil(CHUNKS).max(1);
        let chunks: Vec<Vec<u8>> = records
            .par_chunks(size)
            .map(rmp_serde::to_vec)
            .collect::<Result<_, _>>()
            .map_err(std::io::Error::other)?;
        let mut bytes = rmp_serde::to_vec(&header).map_err(std::io::Error::other)?;
        for chunk in &chunks {
            bytes.extend_from_slice(&(chunk.len() as u64).to_le_bytes());
            bytes.extend_from_slice(chunk);
        }
        let dir = self.file.parent().unwrap_or(Path::new("."));
        create_dir(dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        tmp.write_all(&bytes)?;
        tmp.persist(&self.file).map_err(|e| e.error)?;
        Ok(())
    }
}

/// The header and records, or `None` for a file that is not a whole cache.
fn decode(bytes: &[u8]) -> Option<(Header, Vec<Record>)> {
    let mut reader = bytes;
    let header: Header = rmp_serde::from_read(&mut reader).ok()?;
    if header.format != FORMAT {
        return None;
    }
    let mut chunks = Vec::new();
    while !reader.is_empty() {
        let (len, rest) = reader.split_first_chunk::<8>()?;
        let len = usize::try_from(u64::from_le_bytes(*len)).ok()?;
        chunks.push(rest.get(..len)?);
        reader = &rest[len..];
    }
    let records: Vec<Vec<Record>> = chunks
        .par_iter()
        .map(|chunk| rmp_serde::from_slice(chunk).ok())
        .collect::<Option<_>>()?;
    Some((header, records.into_iter().flatten().collect()))
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
