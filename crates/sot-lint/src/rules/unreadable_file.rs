//! A document that cannot be read, or is not valid UTF-8.
//!
//! **Why**: a file `sot` cannot read is a file nothing is checked in, and one that is
//! not UTF-8 renders as garbage on GitHub. The rest of the workspace is still
//! linted; references into the unreadable file cannot be resolved.
//!
//! **Example**: a runbook saved as Windows-1252 with a `é` in it, or a file the
//! current user has no permission to read. `sot` reads only regular files: a named
//! pipe, socket or device under a document's name (`notes.md`) is reported, never
//! read, since reading it could block or never end. A folder the current user cannot
//! list is reported the same way, at the folder's path, since none of its documents
//! is linted.
//!
//! **Fix**: re-save the file as UTF-8, fix its permissions, or replace the special
//! file with a regular one (or exclude it in `sot.toml`). `sot lint --fix` leaves it to
//! a person.

use super::Finding;
use crate::Context;

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (d, doc) in ctx.targets() {
        let Some(reason) = &doc.unreadable else {
            continue;
        };
        out.push(if ctx.ws.tree.is_dir(&doc.path) {
            Finding::new(
                d,
                0..0,
                format!("cannot list this folder, so its documents are not linted: {reason}"),
            )
            .help("let the current user read it, or exclude it in sot.toml")
        } else {
            Finding::new(d, 0..0, format!("cannot read this file: {reason}"))
                .help("make it a regular file of UTF-8 text that the current user can read")
        });
    }
}
