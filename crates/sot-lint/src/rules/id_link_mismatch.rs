//! A link whose text is an ID but whose target is not that ID's entry.
//!
//! **Why**: `[DEP-001](SoT.DEPLOYMENT.md#dep-002-canary-release)` reads as a
//! reference to DEP-001 but takes the reader to DEP-002; it usually comes from
//! copying a neighbouring link. The target must be the file that defines the ID
//! and, when a fragment is given, that entry's heading. A link to any of the
//! definitions of a duplicated ID is accepted. External targets (an issue tracker)
//! are not checked; broken targets are reported by `broken-link`/`broken-anchor`.
//!
//! **Example**
//!
//! ```markdown
//! Related: [DEP-001](SoT.DEPLOYMENT.md#dep-002-canary-release)
//! ```
//!
//! **Fix**: point the link at the entry the help names, or change its text.
//! `sot lint --fix` points the link at the entry when the ID has one definition (safe:
//! the text names it); a duplicated ID needs a person.

use sot_registry::{entry_heading, relative_path, RefKind, Target};

use super::Finding;
use crate::{Context, Fix};

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for r in &ctx.reg.references {
        let RefKind::Link(l) = r.kind else { continue };
        if !ctx.is_target(r.doc) {
            continue;
        }
        let doc = ctx.doc(r.doc);
        let link = &doc.links[l];
        if link.image {
            continue;
        }
        let Some(canonical) = ctx.reg.canonical(&r.id) else {
            continue;
        };
        let resolved = ctx.resolve(&doc.path, &link.dest, link.kind);
        let Target::File { doc: Some(t), path } = resolved.target else {
            continue;
        };
        let fragment = resolved.fragment.filter(|f| !f.is_empty());
        if let Some(f) = &fragment {
            if !ctx.has_anchor(&doc.path, t, f) {
                continue;
            }
        }
        let points_at_entry = ctx.reg.definitions(&r.id).any(|e| {
            e.doc == t
                && fragment.as_deref().is_none_or(|f| {
                    // A document-level entry is the whole file: any anchor in it will do.
                    let (Some(h), Some(i)) = (entry_heading(ctx.ws, e), e.heading) else {
                        return true;
                    };
                    f.eq_ignore_ascii_case(ctx.heading_anchor(&doc.path, t, i))
                        || h.custom_id
                            .as_deref()
                            .is_some_and(|c| f.eq_ignore_ascii_case(c))
                })
        });
        if points_at_entry {
            continue;
        }
        let entry_doc = ctx.doc(canonical.doc);
        let fragment_of_entry = entry_heading(ctx.ws, canonical).map(|h| format!("#{}", h.slug));
        let right = match (canonical.doc == r.doc, fragment_of_entry) {
            (true, Some(f)) => f,
            (false, f) => format!(
                "{}{}",
                relative_path(&doc.path, &entry_doc.path),
                f.unwrap_or_default()
            ),
            (true, None) => doc.path.rsplit('/').next().unwrap_or(&doc.path).to_string(),
        };
        let actual = match &fragment {
            Some(f) => {
                let other = ctx
                    .doc(t)
                    .headings
                    .iter()
                    .enumerate()
                    .find_map(|(h, head)| {
                        (head.slug.eq_ignore_ascii_case(f))
                            .then(|| ctx.reg.entry_at(t, h))
                            .flatten()
                    });
                match other {
                    Some(e) => format!("`{path}#{f}`, the entry of {}", e.id),
                    None => format!("`{path}#{f}`"),
                }
            }
            None => format!("`{path}`"),
        };
        // Only a link written as a path to the file, where the entry's anchor is the
        // one GitHub gives (not a published page's URL, not through a rewrite).
        let as_written = resolved.page.is_none() && resolved.rewritten.is_none();
        let github_anchor = match (entry_heading(ctx.ws, canonical), canonical.heading) {
            (Some(h), Some(i)) => ctx.heading_anchor(&doc.path, canonical.doc, i) == h.slug,
            _ => true,
        };
        let fix = (ctx.reg.definitions(&r.id).count() == 1 && as_written && github_anchor)
            .then(|| ctx.exact_edit(r.doc, link.dest_span.range(), &link.dest, right.clone()))
            .flatten()
            .map(|e| Fix::safe(vec![e]));
        out.push(
            Finding::new(
                r.doc,
                link.dest_span.range(),
                format!("link text says `{}` but the link goes to {actual}", r.id),
            )
            .help(format!("{} is defined at `{right}`", r.id))
            .fix(fix),
        );
    }
}
