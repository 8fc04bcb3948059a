//! A reference to an ID with a known prefix that no entry defines.
//!
//! **Why**: a runbook step that says "follow RUN-042" when no RUN-042 exists leaves
//! the reader with nothing to follow; usually the ID was mistyped, renumbered, or
//! its entry was deleted. A prefix is known when a file's frontmatter declares it
//! (`id_prefix: DEP-XXX, RUN-XXX`) or an entry heading uses it, so `SHA-256` or
//! `UTF-8` stay plain text. Code spans, code blocks, URLs, the ends of a range
//! (`DEP-001 to DEP-099`) and `DEP-XXX` stand-ins are not references.
//!
//! **Example**
//!
//! ```markdown
//! If the canary fails, follow RUN-042.
//! ```
//!
//! **Fix**: correct the ID, or add the entry (`## RUN-042: Title`) it refers to.

use super::Finding;
use crate::Context;

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for r in &ctx.reg.references {
        if !ctx.is_target(r.doc) || ctx.reg.canonical(&r.id).is_some() {
            continue;
        }
        let (prefix, _) = sot_syntax::split_id(&r.id).unwrap_or_default();
        out.push(
            Finding::new(
                r.doc,
                r.span.clone(),
                format!("`{}` is not defined by any entry", r.id),
            )
            .help(format!(
                "correct the ID, or define it with a heading `## {}: Title` (prefix {prefix})",
                r.id
            )),
        );
    }
}
