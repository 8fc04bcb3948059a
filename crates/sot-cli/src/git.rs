//! What other branches hold, read with the `git` command.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use sot_registry::{allocate, Registry, Workspace};
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
        let range = format!("HEAD...{reference}");
        let changed = git(
            root,
            &[
                "diff",
                "--name-only",
                "--diff-filter=AM",
                &range,
                "--",
                "*.md",
                "*.markdown",
            ],
        )?;
        if !changed.status.success() {
            continue; // no common history with HEAD
        }
        for path in String::from_utf8_lossy(&changed.stdout).lines() {
            let shown = git(root, &["show", &format!("{reference}:{path}")])?;
            if let Ok(text) = String::from_utf8(shown.stdout) {
                docs.push(Document::parse(format!("{reference}/{path}"), text));
            }
        }
    }
    let ws = Workspace::new(docs, Default::default());
    let reg = Registry::build(&ws, &[prefix.to_string()]);
    Ok(allocate::used_numbers(&reg, prefix))
}
