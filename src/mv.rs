//! `sot mv FROM TO`: moves a file or folder inside the workspace and rewrites every
//! relative link to and from what moved, on the edit engine (`Changes`): the edited
//! documents are written first, where they are, then one rename moves FROM. The
//! language server proposes the same link edits, and refuses the same moves, for files
//! and folders moved in the editor.

use std::path::{Component, Path, PathBuf};

use sot_registry::index;
use sot_registry::moves::{self, Move};

use crate::changes::Changes;
use crate::{fail, load, lock_for_writing, real_folder, workspace, Exit, Loaded};

pub fn mv(from: &Path, to: &Path, dry_run: bool) -> Exit {
    match run(from, to, dry_run) {
        Ok(()) => Exit::Clean,
        Err(exit) => exit,
    }
}

fn run(from: &Path, to: &Path, dry_run: bool) -> Result<(), Exit> {
    let cwd = std::env::current_dir()
        .map_err(|e| fail(format!("cannot read the current directory: {e}")))?;
    let from_abs = existing_path(&cwd.join(from))
        .ok_or_else(|| fail(format!("{}: no such file or folder", from.display())))?;
    // The workspace is found from FROM, as `sot lint` finds it from its first path.
    let is_folder = from_abs.symlink_metadata().is_ok_and(|m| m.is_dir());
    let start = match from_abs.parent().filter(|_| !is_folder) {
        Some(parent) => vec![parent.to_path_buf()],
        None => vec![from_abs.clone()],
    };
    let _lock = (!dry_run).then(|| lock_for_writing(&start)).transpose()?;
    let Loaded {
        root,
        settings,
        mut ws,
        reg,
        ..
    } = load(&start)?;
    let (mv, to_abs) = the_move(&root, &cwd, (from, &from_abs), to)?;
    let (files, inner_symlinks) = match is_folder {
        true => contents(&from_abs),
        false => (1, Vec::new()),
    };
    check_move(&ws.tree, &mv, &from_abs, &to_abs, &inner_symlinks).map_err(fail)?;
    for warning in template_warnings(&settings, &mv) {
        errln!("sot: warning: {warning}");
    }
    let site = settings
        .site()
        .clone()
        .with_pages(&ws.docs, ws.page_facts());
    let plan = moves::link_edits(&ws, &reg, &site, &mv);
    for warning in left_warnings(&ws, &plan, &mv) {
        errln!("sot: warning: {warning}");
    }
    let mut changes = apply_link_edits(&mut ws, plan.edits).map_err(fail)?;
    changes.move_path(mv.clone());
    let moved = match is_folder {
        true => format!("{}/ to {}/ ({files} file{})", mv.from, mv.to, plural(files)),
        false => format!("{} to {}", mv.from, mv.to),
    };
    if dry_run {
        outln!("would move {moved}");
        out!("{}", changes.diff(&ws));
        changes.check(&root, &ws).map_err(fail)?;
        let n = changes.changed(&ws).count();
        outln!(
            "would update links in {n} file{}; nothing changed (--dry-run)",
            plural(n)
        );
        return Ok(());
    }
    let written = changes.write(&root, &ws).map_err(fail)?;
    for path in &written {
        outln!("updated {path}");
    }
    match written.len() {
        0 => outln!("moved {moved}; no links to update"),
        n => outln!("moved {moved}; updated links in {n} file{}", plural(n)),
    }
    Ok(())
}

/// The move FROM (as written, and its absolute path) to TO makes in the workspace at
/// `root`, and its absolute destination; refused when either end is outside the
/// workspace, FROM is the root, or the destination exists.
fn the_move(
    root: &Path,
    cwd: &Path,
    (from, from_abs): (&Path, &Path),
    to: &Path,
) -> Result<(Move, PathBuf), Exit> {
    let outside = |p: &Path| {
        fail(format!(
            "{} is outside the workspace root {}",
            p.display(),
            root.display()
        ))
    };
    let rel_from = workspace::relative(root, from_abs).ok_or_else(|| outside(from))?;
    if rel_from.is_empty() {
        return Err(fail("the workspace root cannot be moved"));
    }
    let to_abs =
        destination(cwd, to, from_abs).map_err(|why| fail(format!("{}: {why}", to.display())))?;
    let rel_to = workspace::relative(root, &to_abs)
        .filter(|rel| !rel.is_empty())
        .ok_or_else(|| outside(to))?;
    if to_abs.symlink_metadata().is_ok() {
        return Err(fail(format!(
            "{rel_to} already exists; sot mv never replaces a file or folder"
        )));
    }
    let mv = Move {
        from: rel_from,
        to: rel_to,
    };
    Ok((mv, to_abs))
}

/// Warnings for the templates `sot.toml` names that `mv` moves: the configuration
/// is not rewritten.
pub(crate) fn template_warnings(settings: &sot_lint::Settings, mv: &Move) -> Vec<String> {
    settings
        .config
        .templates
        .iter()
        .filter_map(|t| {
            let new = mv.destination(&t.path)?;
            Some(format!(
                "sot.toml names the template `{}`; write its new path `{new}` there",
                t.path
            ))
        })
        .collect()
}

/// Warnings for what `plan` leaves as written: links it cannot rewrite, and moved
/// documents whose links could not be read.
pub(crate) fn left_warnings(
    ws: &sot_registry::Workspace,
    plan: &moves::LinkEdits,
    mv: &Move,
) -> Vec<String> {
    let left = plan.left.iter().map(|left| {
        let doc = &ws.docs[left.doc];
        let p = doc.position(left.span.start);
        format!(
            "{}:{}:{}: `{}` left as written ({}); check it with `sot lint` after the move",
            doc.path, p.line, p.column, left.dest, left.reason
        )
    });
    let unread = ws
        .docs
        .iter()
        .filter(|d| mv.destination(&d.path).is_some())
        .filter_map(|doc| {
            let reason = doc.unreadable.as_ref()?;
            Some(format!(
                "the links of {} were not rewritten: {reason}",
                doc.path
            ))
        });
    left.chain(unread).collect()
}

/// Makes the link edits of a move in `ws`, per document; index blocks `sot index`
/// wrote keep a checksum that matches.
pub(crate) fn apply_link_edits(
    ws: &mut sot_registry::Workspace,
    edits: std::collections::BTreeMap<usize, Vec<sot_syntax::Edit>>,
) -> Result<Changes, String> {
    let mut changes = Changes::default();
    for (d, edits) in edits {
        let edited = changes.edit(ws, d, &edits);
        let seal = changes
            .original(d)
            .map(|before| index::reseal(before, &ws.docs[d]))
            .unwrap_or_default();
        edited
            .and_then(|()| changes.edit(ws, d, &seal))
            .map_err(|e| format!("cannot rewrite the links of {}: {e}", ws.docs[d].path))?;
    }
    Ok(changes)
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The absolute path of the file or folder `path` names, its folders' symlinks
/// resolved but not its own last part (a symlink is moved as itself, not followed);
/// `None` when nothing is there.
fn existing_path(path: &Path) -> Option<PathBuf> {
    let abs = match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => parent.canonicalize().ok()?.join(name),
        // `.`, `..`, `/`: a folder named by where it is.
        _ => path.canonicalize().ok()?,
    };
    abs.symlink_metadata().is_ok().then_some(abs)
}

/// Where `to` puts `from`: into `to` when it is an existing folder or ends with `/`
/// (a folder to create), as `mv` does; else at `to`. Symlinked folders on the way are
/// resolved.
fn destination(cwd: &Path, to: &Path, from: &Path) -> Result<PathBuf, String> {
    let abs = cwd.join(to);
    let written = to.to_string_lossy();
    let into =
        written.ends_with('/') || written.ends_with(std::path::MAIN_SEPARATOR) || abs.is_dir();
    let name = from.file_name().ok_or("FROM names no file")?;
    if into {
        return Ok(real_folder(&abs)?.join(name));
    }
    match (abs.parent(), abs.file_name()) {
        (Some(parent), Some(name)) => Ok(real_folder(parent)?.join(name)),
        _ => Err("it names no file or folder".into()),
    }
}

/// How many files (anything but a folder) are in `dir`, and its symlinks.
pub(crate) fn contents(dir: &Path) -> (usize, Vec<PathBuf>) {
    let mut files = 0;
    let mut symlinks = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            match entry.file_type() {
                Ok(t) if t.is_dir() => pending.push(entry.path()),
                Ok(t) => {
                    files += 1;
                    if t.is_symlink() {
                        symlinks.push(entry.path());
                    }
                }
                Err(_) => files += 1,
            }
        }
    }
    (files, symlinks)
}

/// Refuses a move `sot mv` does not make, whoever asks for it: a symlink moved as
/// itself, a folder moved into itself, or a move after which a symlink would no
/// longer lead where it does: one elsewhere in the workspace that leads to the moved
/// files, or one inside a moved folder (`inner`) whose target, read from its new
/// place, is no longer where its target went.
pub(crate) fn check_move(
    tree: &sot_registry::FileTree,
    mv: &Move,
    from: &Path,
    to: &Path,
    inner: &[PathBuf],
) -> Result<(), String> {
    if from.symlink_metadata().is_ok_and(|m| m.is_symlink()) {
        return Err(format!(
            "{} is a symlink; sot mv moves files and folders, not the other names \
             symlinks give them: move it with `mv`",
            mv.from
        ));
    }
    if mv.to.starts_with(&format!("{}/", mv.from)) {
        return Err(format!("cannot move {} into itself ({})", mv.from, mv.to));
    }
    let refuse = |link: &str| {
        format!(
            "{link} is a symlink that would no longer lead where it does once {} moves; \
             move or change it first",
            mv.from
        )
    };
    for (link, target) in tree.symlinks() {
        let moves_along = mv.destination(link).is_some();
        if !moves_along && target.is_some_and(|t| mv.destination(t).is_some()) {
            return Err(refuse(link));
        }
    }
    for link in inner {
        let Ok(raw) = std::fs::read_link(link) else {
            continue;
        };
        let (Ok(rest), Some(parent)) = (link.strip_prefix(from), link.parent()) else {
            continue;
        };
        let reached = lexical(&parent.join(&raw));
        let moved_parent = to.join(rest);
        let reached_after = lexical(&moved_parent.parent().unwrap_or(to).join(&raw));
        let expected = match reached.strip_prefix(from) {
            Ok(inside) => to.join(inside),
            Err(_) => reached,
        };
        if reached_after != expected {
            let shown = format!("{}/{}", mv.from, rest.display());
            return Err(refuse(&shown));
        }
    }
    Ok(())
}

/// `path` with `.` and `..` folded as written, as a symlink's target is read.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}
