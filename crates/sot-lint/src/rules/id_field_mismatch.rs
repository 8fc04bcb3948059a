//! An entry whose `**ID**` field differs from the ID in its heading.
//!
//! **Why**: the heading and the field both claim to name the entry; when they
//! disagree (usually after copying an entry and renumbering only one of them),
//! readers and tools cannot tell which ID is real.
//!
//! **Example**
//!
//! ```markdown
//! ## DEP-005: Schema migration
//!
//! **ID**: DEP-004
//! ```
//!
//! **Fix**: make the field match the heading (or renumber both).
//! `sot lint --fix --unsafe-fixes` writes the heading's ID into the field; it is not
//! safe, since the field may be the one that was right.

use super::Finding;
use crate::context::plain;
use crate::placeholders::is_placeholder_value;
use crate::Context;
use crate::Fix;

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for entry in &ctx.reg.entries {
        if !ctx.is_target(entry.doc) {
            continue;
        }
        let Some(field) = ctx.field(entry, "ID") else {
            continue;
        };
        let value = plain(&field.value);
        if value.is_empty() || value == entry.id || is_placeholder_value(&value) {
            continue;
        }
        if sot_syntax::parse_id(&value).is_some_and(|t| t.is_placeholder()) {
            continue;
        }
        out.push(
            Finding::new(
                entry.doc,
                field.value_span.clone(),
                format!(
                    "the **ID** field says `{value}` but the heading defines `{}`",
                    entry.id
                ),
            )
            .help(format!("write `**ID**: {}`", entry.id))
            .fix(value_fix(ctx, entry.doc, field, &value, &entry.id)),
        );
    }
}

/// The field's value `value` (its markup kept around it) replaced by `id`.
fn value_fix(
    ctx: &Context,
    d: usize,
    field: &sot_syntax::Field,
    value: &str,
    id: &str,
) -> Option<Fix> {
    let at = field.value_span.start + field.value.find(value)?;
    let edit = ctx.exact_edit(d, at..at + value.len(), value, id)?;
    Some(Fix::unsafe_(vec![edit]))
}
