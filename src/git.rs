//! What other branches hold, read with the `git` command.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use sot_lint::{ForeignEntry, OtherBranch};
use sot_registry::{allocate, IdConfig, Registry, Workspace};
use sot_syntax::Document;

fn git(root: &Path, args: &[&str]) -> Result<std::process::Output, String> {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))
}

/// Numbers of `prefix` used (defined or referenced) in the Markdown files that any
/// local or remote-tracking branch changed since it forked from HEAD, so parallel
/// branches do not take the same ID. Files a branch did not change are the ones in
/// the working tree, which the caller has already counted.
pub fn numbers_on_branches(root: &Path, prefix: &str) -> Result<BTreeSet<u64>, String> {
    let refs = git(
        root,
        &[
            "for-each-ref",
            "--format=%(refname)",
            "refs/heads",
            "refs/remotes",
        ],
    )?;
    if !refs.status.success() {
        return Err(String::from_utf8_lossy(&refs.stderr).trim().to_string());
    }
    let mut docs = Vec::new();
    for reference in String::from_utf8_lossy(&refs.stdout).lines() {
        let changed = git(
            root,
            &[
                "diff",
                "--name-only",
                "--diff-filter=AM",
                &format!("HEAD...{reference}"),
                "--",
                ":(icase)*.md",
                ":(icase)*.markdown",
            ],
        )?;
        if !changed.status.success() {
            continue; // no common history with HEAD
        }
        docs.extend(show_docs(
            root,
            reference,
            &String::from_utf8_lossy(&changed.stdout),
        )?);
    }
    let ws = Workspace::new(docs, Default::default());
    let reg = Registry::build(&ws, &IdConfig::with_prefixes(&[prefix.to_string()]));
    allocate::used_numbers(&reg, prefix).map_err(|e| e.to_string())
}

/// The Markdown files named one per line in `paths`, as they are at `rev`.
fn show_docs(root: &Path, rev: &str, paths: &str) -> Result<Vec<Document>, String> {
    let mut docs = Vec::new();
    for path in paths.lines() {
        let shown = git(root, &["show", &format!("{rev}:{path}")])?;
        if !shown.status.success() {
            continue; // not there at that revision
        }
        if let Ok(text) = String::from_utf8(shown.stdout) {
            docs.push(Document::parse(path.to_string(), text));
        }
    }
    Ok(docs)
}

/// The entries `rev` added or changed since it forked from HEAD, in the Markdown files
/// it changed: what a merge would bring in without a textual conflict.
pub fn added_entries(root: &Path, rev: &str, prefixes: &[String]) -> Result<OtherBranch, String> {
    let base = git(root, &["merge-base", "HEAD", rev])?;
    if !base.status.success() {
        let reason = String::from_utf8_lossy(&base.stderr).trim().to_string();
        let shallow = git(root, &["rev-parse", "--is-shallow-repository"])
            .is_ok_and(|o| o.stdout.starts_with(b"true"));
        let reason = if reason.is_empty() {
            "no common ancestor with HEAD".to_string()
        } else {
            reason
        };
        return Err(if shallow {
            format!("{reason}; this is a shallow clone: fetch the history (actions/checkout `fetch-depth: 0`, or `git fetch --unshallow`)")
        } else {
            reason
        });
    }
    let base = String::from_utf8_lossy(&base.stdout).trim().to_string();
    let changed = git(
        root,
        &[
            "diff",
            "--name-only",
            "--diff-filter=AM",
            &base,
            rev,
            "--",
            ":(icase)*.md",
            ":(icase)*.markdown",
        ],
    )?;
    if !changed.status.success() {
        return Err(String::from_utf8_lossy(&changed.stderr).trim().to_string());
    }
    let paths = String::from_utf8_lossy(&changed.stdout).into_owned();
    let theirs = Workspace::new(show_docs(root, rev, &paths)?, Default::default());
    let before = Workspace::new(show_docs(root, &base, &paths)?, Default::default());
    let theirs_reg = Registry::build(&theirs, &IdConfig::with_prefixes(prefixes));
    let before_reg = Registry::build(&before, &IdConfig::with_prefixes(prefixes));
    let heading = |ws: &Workspace, e: &sot_registry::Entry| match sot_registry::entry_heading(ws, e)
    {
        Some(h) => h.text.clone(),
        None => sot_registry::index::entry_title(ws, e),
    };
    let entries = theirs_reg
        .entries
        .iter()
        .filter(|e| {
            !before_reg
                .definitions(&e.id)
                .any(|b| heading(&before, b) == heading(&theirs, e))
        })
        .map(|e| ForeignEntry {
            id: e.id.clone(),
            heading: heading(&theirs, e),
            file: theirs.docs[e.doc].path.clone(),
            line: theirs.docs[e.doc].position(e.id_span.start).line,
        })
        .collect();
    Ok(OtherBranch {
        rev: rev.to_string(),
        entries,
    })
}
