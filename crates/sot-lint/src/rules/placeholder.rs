//! An unfilled template placeholder.
//!
//! **Why**: templates ship with stand-ins (`{Procedure name}`, `YYYY-MM-DD`,
//! `[staging | production]`, `Active | Deprecated | Planned`) that an author must
//! replace. One left in a production runbook means a step, an owner or a date was
//! never decided.
//!
//! Placeholders come in two tiers, because bracketed words and TODOs are ordinary
//! text in most documentation:
//!
//! - **Strong**, checked in every document: `YYYY-MM-DD`; IDs of a known prefix with
//!   `XXX` (`DEP-XXX`); `{...}` holding a phrase in words (not code, math or GUIDs);
//!   bracketed option lists (`[Blue-Green / Rolling / Canary]`) and `[e.g. ...]`; a
//!   field value listing all its enum's options; template-instruction comments
//!   (`<!-- AI-INSTRUCTION ... -->`, `<!-- Choose: ... -->`); `YOUR_...`/`YOUR/...`.
//! - **Weak**, checked only in SoT documents (frontmatter with `id_prefix` or
//!   `document_type`, a document that defines entries) and in documents that hold a
//!   strong placeholder: `[words in brackets]` that are not links, references,
//!   footnotes or task boxes; `@username`; `TODO`, `TBD`, `FIXME`.
//!
//! In code blocks only `YYYY-MM-DD`, `XXX` IDs and `YOUR_...` tokens count; code spans
//! hold none. `id_prefix` values and `**ID Prefixes**:` fields declare prefixes and
//! are no placeholders.
//!
//! **Example**
//!
//! ```markdown
//! **Owner**: {Team/Person}
//! **Created**: YYYY-MM-DD
//! ```
//!
//! **Fix**: replace the placeholder with the real value.

use std::ops::Range;

use sot_syntax::{id_tokens, Document};

use super::Finding;
use crate::context::{plain, shift};
use crate::placeholders::{
    dedupe, is_instruction_comment, lists_options, scan_code, scan_text, Found, Tier,
};
use crate::Context;

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let mut per_doc: Vec<Vec<Found>> = vec![Vec::new(); ctx.ws.docs.len()];
    for (d, doc) in ctx.targets() {
        // A template's stand-ins are its point; documents made from it are checked.
        if !ctx.is_template(d) {
            per_doc[d] = scan_document(ctx, d, doc);
        }
    }
    for t in &ctx.reg.placeholders {
        if !ctx.is_target(t.doc)
            || ctx.is_template(t.doc)
            || declares_prefixes(ctx.doc(t.doc), t.span.start)
        {
            continue;
        }
        per_doc[t.doc].push(Found {
            span: t.span.clone(),
            kind: "id-xxx",
            tier: Tier::Strong,
            message: format!(
                "`{}` stands in for an ID that was never chosen",
                t.token.id()
            ),
            help: "write the real ID",
        });
    }
    for entry in &ctx.reg.entries {
        if !ctx.is_target(entry.doc) || ctx.is_template(entry.doc) {
            continue;
        }
        let Some(h) = entry.heading else { continue };
        for field in &ctx.doc(entry.doc).headings[h].fields {
            let Some(options) = ctx
                .entry_rule(entry.doc, &entry.prefix, &field.name)
                .and_then(|r| r.one_of)
            else {
                continue;
            };
            if lists_options(&plain(&field.value), &options) {
                per_doc[entry.doc].push(unchosen(&field.value, field.value_span.clone()));
            }
        }
    }
    for (d, mut found) in per_doc.into_iter().enumerate() {
        if found.is_empty() {
            continue;
        }
        found.retain(|f| !ctx.settings.removes(f.kind));
        let weak_applies = is_sot_document(ctx, d) || found.iter().any(|f| f.tier == Tier::Strong);
        let kept = dedupe(
            found
                .into_iter()
                .filter(|f| weak_applies || f.tier == Tier::Strong)
                .collect(),
        );
        out.extend(
            kept.into_iter()
                .map(|f| Finding::new(d, f.span, f.message).help(f.help)),
        );
    }
}

fn unchosen(value: &str, span: Range<usize>) -> Found {
    Found {
        span,
        kind: "enum-options",
        tier: Tier::Strong,
        message: format!("`{}` lists every option; none was chosen", value.trim()),
        help: "keep the one value that applies",
    }
}

fn add(found: &mut Vec<Found>, base: usize, items: Vec<Found>) {
    found.extend(items.into_iter().map(|f| Found {
        span: shift(base, f.span.clone()),
        ..f
    }));
}

/// The placeholder patterns `sot.toml` adds.
fn configured(ctx: &Context, text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    for p in &ctx.settings.extra_placeholders {
        for m in p.regex.find_iter(text).filter(|m| !m.is_empty()) {
            out.push(Found {
                span: m.range(),
                kind: "configured",
                tier: p.tier,
                message: p.message.clone().unwrap_or_else(|| {
                    format!("`{}` matches a configured placeholder pattern", m.as_str())
                }),
                help: "replace it with the real value",
            });
        }
    }
    out
}

/// Built-in and configured patterns in one stretch of prose-like text.
fn scan_prose(ctx: &Context, text: &str) -> Vec<Found> {
    let mut found = scan_text(text);
    found.extend(configured(ctx, text));
    found
}

fn scan_document(ctx: &Context, d: usize, doc: &Document) -> Vec<Found> {
    let mut found = Vec::new();
    for run in &doc.prose {
        add(
            &mut found,
            run.span.start,
            scan_prose(ctx, &doc.text[run.span.clone()]),
        );
    }
    for span in &doc.html_text {
        add(
            &mut found,
            span.start,
            scan_prose(ctx, &doc.text[span.clone()]),
        );
    }
    if let Some(fm) = &doc.frontmatter {
        let declaration = fm
            .key("id_prefix")
            .and_then(|k| k.value.as_ref())
            .map(|v| v.span.clone());
        for value in &fm.values {
            if Some(&value.span) != declaration.as_ref() {
                add(&mut found, value.span.start, scan_prose(ctx, &value.text));
            }
        }
        let checks = if fm.mapping.is_some() {
            ctx.frontmatter_checks(d)
        } else {
            Vec::new()
        };
        for schema in checks {
            for (key, rule) in schema.fields {
                let (Some(options), Some(v)) =
                    (&rule.one_of, fm.key(key).and_then(|k| k.value.as_ref()))
                else {
                    continue;
                };
                if lists_options(&v.text, options) {
                    found.push(unchosen(&v.text, v.span.clone()));
                }
            }
        }
    }
    for block in &doc.code_blocks {
        let text = &doc.text[block.clone()];
        let mut items = Vec::new();
        scan_code(text, &mut items);
        for tok in id_tokens(text) {
            if tok.is_placeholder() && ctx.reg.is_known(&tok.prefix) {
                items.push(Found {
                    kind: "id-xxx",
                    message: format!("`{}` stands in for an ID that was never chosen", tok.id()),
                    span: tok.span,
                    tier: Tier::Strong,
                    help: "write the real ID",
                });
            }
        }
        add(&mut found, block.start, items);
    }
    for comment in &doc.html_comments {
        if is_instruction_comment(&doc.text[comment.clone()]) {
            found.push(Found {
                span: comment.clone(),
                kind: "instruction-comment",
                tier: Tier::Strong,
                message: "template instruction comment left in the document".into(),
                help: "follow the instruction, then delete the comment",
            });
        }
    }
    found
}

fn is_sot_document(ctx: &Context, d: usize) -> bool {
    ctx.reg.is_sot_document(d)
}

/// Whether `offset` lies in a field that declares prefixes (`**ID Prefixes**: DEP-XXX`).
fn declares_prefixes(doc: &Document, offset: usize) -> bool {
    let Some(h) = doc.section_of(offset) else {
        return false;
    };
    doc.headings[h].fields.iter().any(|f| {
        f.name.to_lowercase().contains("prefix")
            && f.value_span.start <= offset
            && offset < f.value_span.end
    })
}
