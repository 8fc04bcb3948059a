//! A reference to an ID with a known prefix that no entry defines.
//!
//! **Why**: a runbook step that says "follow RUN-042" when no RUN-042 exists leaves
//! the reader with nothing to follow; usually the ID was mistyped, renumbered, or
//! its entry was deleted. A prefix is known when it is declared (a frontmatter
//! `id_prefix: DEP-XXX, RUN-XXX`, an `**ID Prefixes**` field, `prefixes` or
//! `[[documents]]` in `sot.toml`) or a registry entry uses it, so `SHA-256`, `UTF-8`
//! or `EIP-1559` beside a notes file's title `# EIP-7701: ...` stay plain text. Code
//! spans, code blocks, URLs, the ends of a range (`DEP-001 to DEP-099`) and `DEP-XXX`
//! stand-ins are not references. A `[[documents]]` block with `complete = false`
//! holds only part of its registry (the rest lives in another repository), so its
//! numbers with no file here are not reported.
//!
//! **Example**
//!
//! ```markdown
//! If the canary fails, follow RUN-042.
//! ```
//!
//! **Fix**: correct the ID, or add the entry (`## RUN-042: Title`) it refers to. `sot
//! lint --fix` leaves it to a person.

use super::Finding;
use crate::Context;

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for r in &ctx.reg.references {
        if !ctx.is_target(r.doc) || ctx.reg.canonical(&r.id).is_some() {
            continue;
        }
        let (prefix, _) = sot_syntax::split_id(&r.id).unwrap_or_default();
        let documents = ctx
            .settings
            .config
            .documents
            .iter()
            .find(|d| d.prefix == prefix);
        if documents.is_some_and(|d| !d.complete) {
            continue;
        }
        let help = match documents {
            Some(d) => format!(
                "correct the ID, or add its file (`{}` files are the {prefix} entries)",
                d.glob
            ),
            None => format!(
                "correct the ID, or define it with a heading `## {}: Title` (prefix {prefix})",
                r.id
            ),
        };
        out.push(
            Finding::new(
                r.doc,
                r.span.clone(),
                format!("`{}` is not defined by any entry", r.id),
            )
            .help(help),
        );
    }
}
