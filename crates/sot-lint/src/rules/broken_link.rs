//! A relative link or image whose target file or directory does not exist.
//!
//! **Why**: a reader who follows the link lands on GitHub's 404 page, and a
//! procedure that sends an on-call engineer to a missing runbook fails when it
//! matters most. Links that climb out of the workspace root (`../../outside.md`)
//! are reported too: they cannot resolve in the repository.
//!
//! Targets are resolved against the linking file's folder; a target starting with
//! `/` is resolved against the workspace root, as GitHub does. Targets are
//! percent-decoded (`Release%20Notes.md`) and may be written in `<...>`.
//! The `href` of an HTML `<a>` and the `src` (or `srcset`) of `<img>` and `<source>`
//! are checked like Markdown links. An empty target (`[runbook]()`) is reported: it
//! goes nowhere. External links (`https:`, `mailto:`, `//host`) are not checked.
//!
//! **Example**
//!
//! ```markdown
//! Approvals follow the [change policy](../policies/change-managment.md).
//! ```
//!
//! **Fix**: correct the path, create the missing file, or remove the link.

use sot_registry::Target;

use super::{written_targets, Finding};
use crate::Context;

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (d, doc) in ctx.targets() {
        for (dest, span, link) in written_targets(doc) {
            let image = link.is_some_and(|l| l.image);
            if dest.trim().is_empty() {
                // The target's span is empty; the whole link shows what is meant.
                let span = link.map_or(span, |l| l.span.clone());
                let message = if image {
                    "image path is empty"
                } else {
                    "link target is empty"
                };
                out.push(
                    Finding::new(d, span, message)
                        .help("write the path or URL the link should go to, or remove the link"),
                );
                continue;
            }
            let what = if image { "image" } else { "link target" };
            match ctx.reg.resolve(&ctx.ws.tree, &doc.path, dest).target {
                Target::Missing(path) => {
                    let help = match ctx.ws.tree.case_variant(&path) {
                        Some(real) => {
                            format!("did you mean `{real}`? Paths are case-sensitive on GitHub")
                        }
                        None => format!(
                            "no file or folder `{path}` in the workspace; fix the path or create it"
                        ),
                    };
                    out.push(
                        Finding::new(d, span, format!("{what} `{dest}` does not exist")).help(help),
                    );
                }
                Target::OutsideRoot => out.push(
                    Finding::new(
                        d,
                        span,
                        format!("{what} `{dest}` leaves the workspace root"),
                    )
                    .help("link to a file inside the repository, or use an absolute URL"),
                ),
                _ => {}
            }
        }
    }
}
