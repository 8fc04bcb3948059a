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
//! - **Strong**, checked in every document: `YYYY-MM-DD` where a date belongs (not where
//!   it describes the format: `in YYYY-MM-DD format`, `ISO 8601 (YYYY-MM-DD)`); IDs of a
//!   known prefix with `XXX` or `NNN` (`DEP-XXX`) where they stand for one entry (below);
//!   `{...}` holding a slot label (`{Procedure name}`, `{Team/Person}`, `{dev-url}`);
//!   bracketed option lists (`[Blue-Green / Rolling / Canary]`) and `[e.g. ...]`; a field
//!   value listing all its enum's options; template-instruction comments
//!   (`<!-- AI-INSTRUCTION ... -->`, `<!-- Choose: ... -->`); `YOUR_...`/`YOUR/...`.
//! - **Weak**, checked only in SoT documents (frontmatter with `id_prefix` or
//!   `document_type`, a document a configured template applies to, or one holding a
//!   registry entry with fields) and in documents that hold a strong placeholder:
//!   `[words in brackets]` that are not links, references, footnotes, task boxes or URLs;
//!   a single word in braces (`{value}`) or a phrase in lowercase words
//!   (`{definition given above}`); `@username`; `TODO`, `TBD`, `FIXME`.
//!
//! Braces are no placeholder when they hold code, math, a GUID, an identifier mixing
//! letters and digits (`{ERC20}`), a member path (`{chunk.maps.title}`), an address or a
//! comma-separated tuple (`{policy, validation expression}`); when they are joined to a
//! word, other braces or a bracket (`{Operation}Option`, `\frac{a}{b}`), or follow `=`
//! (`theme={null}`, `title = {A study}`); when they are a parameter in a path
//! or URL (`/namespaces/{namespace}/pods`); when they sit in a quoted format string
//! (`"Send {amount} to {recipient}"`); or when their line writes sets in braces
//! (`| {NUMA node 0} | {1, 2, 3} |`).
//!
//! Code blocks and code spans hold no placeholders: in a runbook,
//! `kubectl get secret <YOUR_SECRET>` and `curl .../YOUR/WEBHOOK/URL` are parameters
//! the operator fills in at run time. Brackets inside a link's text belong to the link
//! (`[[Groth16]](url)`, `[Beta [COMPLETED]](#beta)`). A `[label]` plainly meant as a
//! reference link (a definition with a nearly equal label exists, or its definition line
//! is read as paragraph text) is a `broken-link`, not a placeholder.
//!
//! An `XXX` ID stands for one entry (`[DEP-XXX](#dep-xxx)`, `**Related**: RUN-XXX`, a
//! table cell, `Smoke tests follow TEST-XXX until the suite exists`) unless the text
//! speaks of its family:
//!
//! - it lies in a field whose name mentions prefixes (`**ID Prefixes**: DEP-XXX`), under
//!   a heading about prefixes, numbering or the ID format, or in a table column or row
//!   labelled prefix, format, pattern, scheme, convention or numbering;
//! - a word right after it says so (`the LL-XXX prefix`, `DEP-XXX entries`,
//!   `use DEP-XXX format`, and `pattern`, `style`, `series`, `family`, `IDs`,
//!   `numbering`, `scheme`, `convention`, `etc.`), or words right before it
//!   (`IDs look like DEP-XXX`, `such as`, `e.g.`, `for example`, `prefix`, `format`,
//!   `pattern`, `of the form`, `named`);
//! - it is one of a list of stand-ins with different prefixes (`BR-XXX, UJ-XXX`).
//!
//! A link whose text is a stand-in of a known prefix is reported here, not also as a
//! broken link or anchor; one of an unknown prefix is an ordinary link. `id_prefix`
//! values declare prefixes and are no placeholders.
//!
//! A template's stand-ins are its point: a configured template is not checked, nor is
//! a file that names itself one (a word of its name is `template`: `adr-template.md`,
//! `PULL_REQUEST_TEMPLATE.md`, or of the folder's name for its `README.md` or
//! `index.md`: `0000-template/README.md`).
//!
//! **Example**
//!
//! ```markdown
//! **Owner**: {Team/Person}
//! **Created**: YYYY-MM-DD
//! ```
//!
//! **Fix**: replace the placeholder with the real value. `sot lint --fix` leaves it to
//! a person: only a person knows the value.

use std::ops::Range;

use sot_syntax::Document;

use super::Finding;
use crate::context::{plain, shift};
use crate::placeholders::{dedupe, is_instruction_comment, lists_options, scan_in, Found, Tier};
use crate::references::References;
use crate::{Context, Settings};

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let mut per_doc: Vec<Vec<Found>> = vec![Vec::new(); ctx.ws.docs.len()];
    let references = References::new(ctx);
    for (d, doc) in ctx.targets() {
        // A template's stand-ins are its point; documents made from it are checked.
        if !ctx.is_template(d) {
            let mut found = scan_document(ctx, d, doc);
            // A `[label]` meant as a reference link is `broken-link`'s to report.
            let broken = references.broken(ctx.text_facts(d), ctx.renderer(&doc.path));
            found.retain(|f| !broken.iter().any(|b| b.span == f.span));
            per_doc[d] = found;
        }
    }
    for t in &ctx.reg.placeholders {
        if !ctx.is_target(t.doc)
            || ctx.is_template(t.doc)
            || ctx.text_facts(t.doc).names_family(&t.span)
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
        let weak_applies = ctx.is_sot_document(d) || found.iter().any(|f| f.tier == Tier::Strong);
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
fn configured(settings: &Settings, text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    for p in &settings.extra_placeholders {
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

/// Built-in and configured patterns in `span` of `text`, a stretch of prose-like text;
/// spans come back relative to `span.start`.
fn scan_prose(settings: &Settings, text: &str, span: Range<usize>) -> Vec<Found> {
    let mut found = scan_in(text, span.clone());
    found.extend(configured(settings, &text[span]));
    found
}

/// What the scan of document `d` finds: in its text, then in its frontmatter's values
/// against the options its schema lists, then its instruction comments.
fn scan_document(ctx: &Context, d: usize, doc: &Document) -> Vec<Found> {
    let facts = ctx.text_facts(d);
    let mut found = facts.placeholders.clone();
    if let Some(fm) = doc.frontmatter.as_ref().filter(|fm| fm.mapping.is_some()) {
        for schema in ctx.frontmatter_checks(d) {
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
    found.extend(facts.instruction_comments.iter().cloned());
    found
}

/// The placeholders in `doc`'s prose, visible HTML text and frontmatter values, and
/// its template instruction comments.
pub(crate) fn scan_text(settings: &Settings, doc: &Document) -> (Vec<Found>, Vec<Found>) {
    let mut found = Vec::new();
    for run in &doc.prose {
        let mut items = scan_prose(settings, &doc.text, run.span.clone());
        // Brackets inside a link's text belong to the link (`[[Groth16]](url)`).
        if run.link.is_some() {
            items.retain(|f| f.kind != "brackets");
        }
        add(&mut found, run.span.start, items);
    }
    for span in &doc.html_text {
        add(
            &mut found,
            span.start,
            scan_prose(settings, &doc.text, span.clone()),
        );
    }
    if let Some(fm) = &doc.frontmatter {
        let declaration = fm
            .key("id_prefix")
            .and_then(|k| k.value.as_ref())
            .map(|v| v.span.clone());
        for value in &fm.values {
            if Some(&value.span) != declaration.as_ref() {
                let items = scan_prose(settings, &value.text, 0..value.text.len());
                add(&mut found, value.span.start, items);
            }
        }
    }
    let comments = doc
        .html_comments
        .iter()
        .filter(|comment| is_instruction_comment(&doc.text[(*comment).clone()]))
        .map(|comment| Found {
            span: comment.clone(),
            kind: "instruction-comment",
            tier: Tier::Strong,
            message: "template instruction comment left in the document".into(),
            help: "follow the instruction, then delete the comment",
        })
        .collect();
    (found, comments)
}
