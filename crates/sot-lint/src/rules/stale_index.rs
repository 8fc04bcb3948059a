//! A generated index block that differs from what `sot index` would write.
//!
//! **Why**: navigation tables between `<!-- sot:index start -->` and
//! `<!-- sot:index end -->` are generated from the registry; when entries are added,
//! renamed or retired and nobody reruns `sot index`, the table sends readers to
//! anchors that moved and leaves new entries out. A block changed by hand since
//! `sot index` wrote it (its checksum no longer matches) is reported as such, since
//! the next `sot index` would overwrite the edit. Broken markers and unknown block
//! options are reported here too.
//!
//! **Example**
//!
//! ```markdown
//! <!-- sot:index start prefix=DEP -->
//! - [DEP-001](#dep-001-blue-green-rollout) - Blue/green rollout
//! <!-- sot:index end checksum=1c0a27f3 -->
//! ```
//!
//! after `## DEP-002: Canary release` was added below.
//!
//! **Fix**: run `sot index` (`sot index --check` shows the difference first); move
//! hand-written text outside the markers. `sot lint --fix` regenerates a block that is
//! only out of date (safe: it holds nothing `sot index` did not write); a block edited
//! by hand only with `--unsafe-fixes`, since the hand edit is lost. Broken markers are
//! not fixed.

use sot_registry::index::{blocks, freshness, regenerated, Freshness};

use super::Finding;
use crate::{Context, Fix};

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (d, doc) in ctx.targets() {
        let (found, errors) = blocks(doc);
        for e in errors {
            out.push(
                Finding::new(d, e.span, e.message).help("fix the markers, then run `sot index`"),
            );
        }
        for block in &found {
            let (message, help, fix): (_, _, fn(_) -> _) = match freshness(
                ctx.ws, ctx.reg, d, block,
            ) {
                Freshness::Fresh => continue,
                Freshness::OutOfDate => (
                    "index block is out of date with the registry",
                    "run `sot index` to regenerate it (`sot index --check` shows the difference)",
                    Fix::safe,
                ),
                Freshness::EditedByHand => (
                    "index block was edited by hand since `sot index` wrote it",
                    "move hand-written text outside the markers, then run `sot index`",
                    Fix::unsafe_,
                ),
            };
            let (span, text) = regenerated(ctx.ws, ctx.reg, d, block);
            let edit = sot_syntax::Edit::new(span, text);
            out.push(
                Finding::new(d, block.start.clone(), message)
                    .help(help)
                    .fix(Some(fix(vec![edit]))),
            );
        }
    }
}
