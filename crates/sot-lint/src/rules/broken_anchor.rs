//! A `#fragment` that matches no heading slug or anchor in the target document.
//!
//! **Why**: GitHub scrolls to a heading only when the fragment equals its slug, so a
//! link with a stale or mistyped fragment silently drops the reader at the top of
//! a long playbook. Slugs follow GitHub: lowercase, punctuation dropped, spaces
//! turned into hyphens (`Release & Communication` -> `#release--communication`),
//! repeats numbered `-1`, `-2`. `<a id>`/`<a name>` anchors, `id="..."` attributes,
//! `{#id}` heading attributes, `#top` and line fragments (`#L10-L20`) count too.
//! Fragments are percent-decoded and compared case-insensitively. In a published
//! site (`[links]` in `sot.toml`), the fragment of a link to a page URL
//! (`/guide/install/#steps`) is checked in the source that publishes the page.
//!
//! A short fragment naming an entry (`SoT.API_CONTRACTS.md#api-001`) is reported as
//! well: GitHub does not navigate to it; the help gives the entry's real slug.
//!
//! **Example**
//!
//! ```markdown
//! See [the canary steps](SoT.DEPLOYMENT.md#dep-003-canary-releas).
//! ```
//!
//! **Fix**: use the slug the help suggests, or add the anchor to the target.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sot_registry::Target;

use super::{link_kind, written_targets, Finding};
use crate::Context;

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    // Without a rewrite to add one, only a target that writes `#` (or `%23`) has a
    // fragment: the others need not be resolved.
    let may_gain_fragment = !ctx.settings.config.links.rewrites.is_empty();
    for (d, doc) in ctx.targets() {
        for (dest, span, link) in written_targets(ctx, d) {
            if !may_gain_fragment && !dest.contains(['#', '%']) {
                continue;
            }
            let resolved = ctx.resolve(&doc.path, dest, link_kind(link));
            let (Some(fragment), Target::File { doc: Some(t), .. }) =
                (resolved.fragment, resolved.target)
            else {
                continue;
            };
            if ctx.has_anchor(&doc.path, t, &fragment) {
                continue;
            }
            let place = if t == d {
                "this file".to_string()
            } else {
                format!("`{}`", ctx.doc(t).path)
            };
            let mut finding = Finding::new(
                d,
                span,
                format!("no heading or anchor `#{fragment}` in {place}"),
            );
            finding.help = suggestion(ctx, &doc.path, t, &fragment);
            out.push(finding);
        }
    }
}

/// The anchor the author most likely meant: the entry whose ID the fragment starts
/// with, a heading whose slug ends with it, else the closest anchor by edit distance.
fn suggestion(ctx: &Context, from: &str, target: usize, fragment: &str) -> Option<String> {
    let f = fragment.to_lowercase();
    let doc = ctx.doc(target);
    for h in 0..doc.headings.len() {
        let Some(entry) = ctx.reg.entry_at(target, h) else {
            continue;
        };
        let anchor = ctx.heading_anchor(from, target, h);
        let id = entry.id.to_lowercase();
        if f == id {
            return Some(format!(
                "`#{f}` does not navigate on GitHub; the anchor of {} is `#{anchor}`",
                entry.id
            ));
        }
        if f.starts_with(&format!("{id}-")) {
            return Some(format!(
                "did you mean `#{anchor}`? That is the heading of {}",
                entry.id
            ));
        }
    }
    // The heading's title without its ID (`#cache-flush` for `#run-001-cache-flush`).
    let suffix = format!("-{f}");
    if let Some(anchor) = (0..doc.headings.len())
        .map(|h| ctx.heading_anchor(from, target, h))
        .find(|a| a.ends_with(&suffix))
    {
        return Some(format!("did you mean `#{anchor}`?"));
    }
    let best = ctx
        .anchors(from, target)
        .into_iter()
        .map(|a| (strsim::levenshtein(&a, &f), a))
        .min()?;
    if best.0 > (f.chars().count() / 4).max(2) {
        return None;
    }
    let anchor = best.1;
    // Lowercasing `İ` gives `i` plus U+0307, which GitHub's slug keeps: the two
    // spellings look the same, so name the invisible character and spell it out.
    let combining = |c: &char| ('\u{300}'..='\u{36f}').contains(c) && !f.contains(*c);
    Some(match anchor.chars().find(combining) {
        Some(mark) => format!(
            "did you mean `#{anchor}`? It holds U+{:04X}, a combining mark you cannot see; \
             write it `#{}`",
            mark as u32,
            utf8_percent_encode(&anchor, FRAGMENT)
        ),
        None => format!("did you mean `#{anchor}`?"),
    })
}

/// What a fragment spells out: everything but letters, digits, `-` and `_`.
const FRAGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_');
