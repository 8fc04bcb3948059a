//! Writing documents back (`sot index`, `sot new`, `sot rename`, `sot mv`, `sot lint
//! --fix`): one writer at a time per workspace, only files `sot` read whole and the user
//! may write, through to a symlink's target, keeping mode and owner, atomically; and
//! moving a file or folder without ever replacing what is at its destination.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a writer waits for another one in the same workspace before giving up.
const LOCK_PATIENCE: Duration = Duration::from_secs(60);

/// Held while a command reads the workspace and writes to it, so concurrent writers
/// take turns and each sees what the previous one wrote. Released when dropped.
pub struct WorkspaceLock {
    _folder: File,
}

/// Locks the workspace `root` against other `sot` writers: an advisory lock on the
/// root folder itself, so nothing is left behind and every file under the root is
/// covered (numbers are allocated across files, so a lock per file would not do).
pub fn lock_workspace(root: &Path) -> Result<WorkspaceLock, String> {
    let folder = File::open(root).map_err(|e| format!("cannot open {}: {e}", root.display()))?;
    let started = Instant::now();
    loop {
        match folder.try_lock() {
            Ok(()) => return Ok(WorkspaceLock { _folder: folder }),
            Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < LOCK_PATIENCE => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(format!(
                    "another sot has been writing in {} for {}s; try again when it is done",
                    root.display(),
                    LOCK_PATIENCE.as_secs()
                ))
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(format!("cannot lock {}: {e}", root.display()))
            }
        }
    }
}

/// Replaces the file at `path` with `new`, provided it still holds exactly
/// `expected` (what the document was parsed from): a file changed since it was read,
/// or one `sot` could not read, is never overwritten. The caller holds the
/// [`WorkspaceLock`]. A symlink is written through to its target; the new file keeps
/// the old one's mode and owner. The error names what stopped the write; the file is
/// then untouched.
pub fn replace_file(path: &Path, expected: &[u8], new: &[u8]) -> Result<(), String> {
    let (real, meta) = check_replaceable(path, expected)?;
    remove_leftovers(&real);
    write_atomic(&real, &meta, |f| f.write_all(new)).map_err(|e| e.to_string())
}

/// Whether [`replace_file`] could replace `path`: its real path and metadata, or why
/// not. A change to several files checks every one before it writes any.
pub fn check_replaceable(
    path: &Path,
    expected: &[u8],
) -> Result<(PathBuf, std::fs::Metadata), String> {
    let real = path.canonicalize().map_err(|e| e.to_string())?;
    let meta = std::fs::metadata(&real).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("it is not a regular file".into());
    }
    if std::fs::read(&real).map_err(|e| e.to_string())? != expected {
        return Err("it changed while sot was working; run the command again".into());
    }
    // Opening for writing (without truncating) asks the system exactly what writing
    // would: mode bits, ACLs, a read-only mount, an immutable flag.
    if let Err(e) = OpenOptions::new().write(true).open(&real) {
        return Err(match e.kind() {
            ErrorKind::PermissionDenied => "permission denied (the file is read-only)".into(),
            _ => e.to_string(),
        });
    }
    // The new text goes through a temporary file beside it.
    if let Err(e) = real.parent().map_or(Ok(()), writable_folder) {
        return Err(match e.kind() {
            ErrorKind::PermissionDenied => "permission denied (its folder is read-only)".into(),
            _ => format!("its folder cannot be written: {e}"),
        });
    }
    Ok((real, meta))
}

/// Whether `from` (a file or folder, not a symlink) could be moved to `to` by
/// [`move_new`]: nothing is at `to`, the folders the rename changes may be written,
/// and both ends are on one file system (a rename cannot cross them). A folder that
/// changes parent must be writable itself: its `..` entry changes. Paths in the error
/// are shown relative to `root`.
pub fn check_movable(root: &Path, from: &Path, to: &Path) -> Result<(), String> {
    let shown = |p: &Path| match p.strip_prefix(root) {
        Ok(rel) if rel.as_os_str().is_empty() => "the workspace root".to_string(),
        Ok(rel) => rel.display().to_string(),
        Err(_) => p.display().to_string(),
    };
    let meta = std::fs::symlink_metadata(from).map_err(|e| e.to_string())?;
    if meta.file_type().is_symlink() {
        return Err("it is a symlink".into());
    }
    match std::fs::symlink_metadata(to) {
        Ok(_) => return Err(format!("{} already exists", shown(to))),
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => return Err(format!("{}: {e}", shown(to))),
    }
    let (Some(from_dir), Some(to_dir)) = (from.parent(), to.parent()) else {
        return Err("the workspace root cannot move".into());
    };
    let existing = to_dir
        .ancestors()
        .find(|a| a.symlink_metadata().is_ok())
        .unwrap_or(to_dir);
    if !existing.is_dir() {
        return Err(format!("{} is not a folder", shown(existing)));
    }
    let mut changed = vec![from_dir, existing];
    if meta.is_dir() && from_dir != to_dir {
        changed.push(from);
    }
    for dir in changed {
        writable_folder(dir).map_err(|e| match e.kind() {
            ErrorKind::PermissionDenied => {
                format!("cannot write in {} (permission denied)", shown(dir))
            }
            _ => format!("cannot write in {}: {e}", shown(dir)),
        })?;
    }
    if !same_file_system(&meta, existing) {
        return Err(format!(
            "{} is on another file system; move it with `mv`, then fix the links",
            shown(existing)
        ));
    }
    Ok(())
}

/// Moves `from` to `to` with one rename, creating the folders `to` needs first; what
/// appeared at `to` since [`check_movable`] is never replaced. A failed move removes
/// the folders it created.
pub fn move_new(from: &Path, to: &Path) -> Result<(), String> {
    let parent = to.parent().unwrap_or(to);
    let mut created: Vec<PathBuf> = parent
        .ancestors()
        .take_while(|a| a.symlink_metadata().is_err())
        .map(Path::to_path_buf)
        .collect();
    created.reverse();
    std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    if let Err(e) = rename_new(from, to) {
        remove_folders(&created);
        return Err(match e.kind() {
            ErrorKind::AlreadyExists => "its destination appeared meanwhile".into(),
            _ => e.to_string(),
        });
    }
    // The rename reaches the disk once both folders are synced.
    for dir in [from.parent(), Some(parent)].into_iter().flatten() {
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(())
}

/// Removes the folders a move created, innermost first, where they are still empty.
fn remove_folders(created: &[PathBuf]) {
    for dir in created.iter().rev() {
        let _ = std::fs::remove_dir(dir);
    }
}

/// `rename`, failing with `AlreadyExists` instead of replacing what is at `to`.
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn rename_new(from: &Path, to: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    use rustix::io::Errno;
    match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
        // A file system without the flag: look, then rename.
        Err(e) if e == Errno::INVAL || e == Errno::NOSYS || e == Errno::NOTSUP => {
            rename_checked(from, to)
        }
        done => done.map_err(Into::into),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn rename_new(from: &Path, to: &Path) -> std::io::Result<()> {
    rename_checked(from, to)
}

fn rename_checked(from: &Path, to: &Path) -> std::io::Result<()> {
    if to.symlink_metadata().is_ok() {
        return Err(ErrorKind::AlreadyExists.into());
    }
    std::fs::rename(from, to)
}

/// Asks the system whether entries may be added to and removed from `dir` (mode bits,
/// ACLs, a read-only mount, an immutable flag), as the user `sot` runs as.
#[cfg(unix)]
fn writable_folder(dir: &Path) -> std::io::Result<()> {
    use rustix::fs::{accessat, Access, AtFlags, CWD};
    accessat(
        CWD,
        dir,
        Access::WRITE_OK | Access::EXEC_OK,
        AtFlags::EACCESS,
    )
    .map_err(Into::into)
}

#[cfg(not(unix))]
fn writable_folder(dir: &Path) -> std::io::Result<()> {
    match std::fs::metadata(dir)?.permissions().readonly() {
        true => Err(ErrorKind::PermissionDenied.into()),
        false => Ok(()),
    }
}

#[cfg(unix)]
fn same_file_system(moved: &std::fs::Metadata, folder: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(folder).is_ok_and(|m| m.dev() == moved.dev())
}

#[cfg(not(unix))]
fn same_file_system(_: &std::fs::Metadata, _: &Path) -> bool {
    true
}

/// The temporary file a write of `path` goes through: hidden, beside it (a rename
/// within one folder is atomic), named after it and this process, so a later run
/// recognises what a killed one left.
fn temporary_path(path: &Path) -> PathBuf {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    path.with_file_name(format!(".{name}.sot-tmp.{}", std::process::id()))
}

/// Removes temporary files beside `path` that earlier runs left when killed
/// mid-write. Every writer holds the workspace lock while its temporary file exists,
/// so under the lock any such file is a leftover.
fn remove_leftovers(path: &Path) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return;
    };
    let stem = format!(".{}.sot-tmp.", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let file = entry.file_name();
        let is_leftover = file
            .to_str()
            .and_then(|f| f.strip_prefix(&stem))
            .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()));
        if is_leftover && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Removes the temporary file unless it was renamed into place.
struct Temporary<'a>(&'a Path, bool);

impl Drop for Temporary<'_> {
    fn drop(&mut self) {
        if !self.1 {
            let _ = std::fs::remove_file(self.0);
        }
    }
}

/// Writes what `write` produces to a temporary file beside `path`, gives it the
/// original's owner and mode (`original`), and renames it over `path`: a failed write
/// leaves the original whole.
pub fn write_atomic(
    path: &Path,
    original: &std::fs::Metadata,
    write: impl FnOnce(&mut File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let tmp_path = temporary_path(path);
    // A file of this name is a leftover of an earlier process with the same id.
    let _ = std::fs::remove_file(&tmp_path);
    let mut tmp = create_private(&tmp_path)?;
    let mut guard = Temporary(&tmp_path, false);
    write(&mut tmp)?;
    tmp.sync_all()?;
    keep_owner(&tmp, &tmp_path, original)?;
    tmp.set_permissions(original.permissions())?;
    drop(tmp);
    std::fs::rename(&tmp_path, path)?;
    guard.1 = true;
    // The rename itself reaches the disk once the folder is synced.
    if let Some(dir) = path.parent() {
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(())
}

#[cfg(unix)]
fn create_private(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(path)
}

/// Gives the temporary file the original's owner and group. Root may give any; another
/// user only a group of theirs, so a file of someone else's is refused rather than
/// taken over.
#[cfg(unix)]
fn keep_owner(tmp: &File, tmp_path: &Path, original: &std::fs::Metadata) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let now = tmp.metadata()?;
    if (now.uid(), now.gid()) == (original.uid(), original.gid()) {
        return Ok(());
    }
    std::os::unix::fs::chown(tmp_path, Some(original.uid()), Some(original.gid())).map_err(|e| {
        std::io::Error::new(
            e.kind(),
            format!(
                "cannot keep its owner {}:{} ({e})",
                original.uid(),
                original.gid()
            ),
        )
    })
}

#[cfg(not(unix))]
fn keep_owner(_: &File, _: &Path, _: &std::fs::Metadata) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_original_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("doc.md");
        std::fs::write(&path, "original\n").unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        let err = write_atomic(&path, &meta, |f| {
            f.write_all(b"half of the new")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "original\n");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file is left"
        );
        write_atomic(&path, &meta, |f| f.write_all(b"new\n")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("doc.md");
        std::fs::write(&path, "edited meanwhile\n").unwrap();
        let err = replace_file(&path, b"as read\n", b"new\n").unwrap_err();
        assert!(err.contains("changed"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "edited meanwhile\n"
        );
    }

    #[test]
    fn a_second_writer_waits_for_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock_workspace(dir.path()).unwrap();
        let other = File::open(dir.path()).unwrap();
        assert!(matches!(
            other.try_lock(),
            Err(std::fs::TryLockError::WouldBlock)
        ));
        drop(first);
        assert!(other.try_lock().is_ok());
    }
}
