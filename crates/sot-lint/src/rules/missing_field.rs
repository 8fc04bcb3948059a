//! A required frontmatter key or entry field that is absent or empty.
//!
//! **Why**: the schema says what every SoT document and entry must record: a file
//! that declares `id_prefix` needs `version`, `purpose` and `last_updated`; a
//! `document_type: deployment-runbook` needs its `author`, `status` and more; every
//! entry needs `**ID**`, `**Status**` and `**Owner**`, and DEP, GTM, RUN and MON
//! entries their category and dates. A key that is present but empty counts as
//! missing. The default schema is in SPEC section 3; `sot.toml` can change it.
//!
//! **Example**
//!
//! ```markdown
//! ## RUN-004: Cache flush
//!
//! **ID**: RUN-004
//! **Status**: Active
//! ```
//!
//! **Fix**: add the field (here `**Owner**: SRE`) with a real value. `sot lint --fix`
//! leaves it to a person: only a person knows the value.

use sot_syntax::{Document, FieldValue};

use super::Finding;
use crate::context::plain;
use crate::Context;

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
        let heading = &ctx.doc(entry.doc).headings[h];
        for name in ctx.entry_required(entry.doc, &entry.prefix) {
            match heading.field(name) {
                None => out.push(
                    Finding::new(
                        entry.doc,
                        entry.id_span.clone(),
                        format!("entry {} lacks the required field **{name}**", entry.id),
                    )
                    .help(format!("add a line `**{name}**: ...` under the heading")),
                ),
                Some(f) if plain(&f.value).trim_matches('"').is_empty() => out.push(
                    Finding::new(
                        entry.doc,
                        f.name_span.clone(),
                        format!("required field **{name}** of {} is empty", entry.id),
                    )
                    .help("fill in the value"),
                ),
                Some(_) => {}
            }
        }
    }
}

fn frontmatter(ctx: &Context, d: usize, doc: &Document, out: &mut Vec<Finding>) {
    let checks = ctx.frontmatter_checks(d);
    let Some(fm) = &doc.frontmatter else {
        // Only a template can require frontmatter of a document that has none.
        if let Some(c) = checks.iter().find(|c| !c.required.is_empty()) {
            out.push(
                Finding::new(
                    d,
                    0..0,
                    format!(
                        "no frontmatter, but {} requires `{}`",
                        c.source,
                        c.required.join("`, `")
                    ),
                )
                .help("start the file with a `---` block holding those keys"),
            );
        }
        return;
    };
    if fm.mapping.is_none() {
        return;
    }
    for schema in &checks {
        for key in schema.required {
            let empty = match fm.get(key) {
                None => true,
                Some(FieldValue::Null) => true,
                Some(FieldValue::String(s)) => s.trim().is_empty(),
                Some(_) => false,
            };
            if !empty {
                continue;
            }
            let span = fm
                .key(key)
                .map_or(fm.span.start..fm.span.start + 3, |k| k.span.clone());
            out.push(
                Finding::new(
                    d,
                    span,
                    format!(
                        "frontmatter lacks required key `{key}` (required with {})",
                        schema.source
                    ),
                )
                .help(format!("add `{key}: ...` to the frontmatter")),
            );
        }
    }
}
