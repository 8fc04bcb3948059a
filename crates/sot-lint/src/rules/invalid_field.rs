//! A field value outside its enum, a bad ISO date, or a bad semantic version.
//!
//! **Why**: registries are filtered and sorted by these values: an entry whose
//! Status is `Retired` when the choices are Active, Deprecated and Planned drops out
//! of every status view, and `05/01/2024` sorts nowhere. Enums are case-sensitive.
//! Dates are `YYYY-MM-DD` and must exist; versions follow semver.org. A value that
//! is still a template placeholder is reported by `placeholder` instead.
//!
//! **Example**
//!
//! ```markdown
//! **Status**: Retired
//! **Created**: 2024-13-01
//! ```
//!
//! **Fix**: use one of the allowed values the help lists, or a valid date/version. `sot
//! lint --fix` leaves it to a person: which allowed value is meant is for a person to
//! say.

use sot_syntax::Document;

use super::Finding;
use crate::context::plain;
use crate::placeholders::{is_placeholder_value, lists_options};
use crate::{Context, ValueRule};

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (d, doc) in ctx.targets() {
        frontmatter(ctx, d, doc, out);
    }
    for entry in &ctx.reg.entries {
        if !ctx.is_target(entry.doc) {
            continue;
        }
        // A document-level entry's fields are its frontmatter, checked above.
        let Some(h) = entry.heading else { continue };
        for field in &ctx.doc(entry.doc).headings[h].fields {
            let Some(rule) = ctx.entry_rule(entry.doc, &entry.prefix, &field.name) else {
                continue;
            };
            let value = plain(&field.value);
            if let Some(f) = judge(&rule, &value, entry.doc, field.value_span.clone()) {
                let mut f = f;
                f.message = format!("{} for **{}** of {}", f.message, field.name, entry.id);
                out.push(f);
            }
        }
    }
}

fn frontmatter(ctx: &Context, d: usize, doc: &Document, out: &mut Vec<Finding>) {
    let Some(fm) = &doc.frontmatter else { return };
    if fm.mapping.is_none() {
        return;
    }
    for schema in ctx.frontmatter_checks(d) {
        for (key, rule) in schema.fields {
            let (Some(value), Some(k)) = (fm.scalar(key), fm.key(key)) else {
                continue;
            };
            let span = k.value.as_ref().map_or(k.span.clone(), |v| v.span.clone());
            if let Some(mut f) = judge(rule, value.trim(), d, span) {
                f.message = format!("{} for frontmatter key `{key}`", f.message);
                out.push(f);
            }
        }
    }
}

fn judge(
    rule: &ValueRule,
    value: &str,
    doc: usize,
    span: std::ops::Range<usize>,
) -> Option<Finding> {
    if value.is_empty() || is_placeholder_value(value) {
        return None;
    }
    if rule
        .one_of
        .as_deref()
        .is_some_and(|o| lists_options(value, o))
    {
        return None;
    }
    let (message, help) = rule.check(value)?;
    Some(Finding::new(doc, span, message).help(help))
}
