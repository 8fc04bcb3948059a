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
//! `sot lint --fix` writes the entry's anchor when the fragment names the entry by its
//! ID (`#dep-003`, or `#dep-003-` followed by a stale title): safe, the ID says which
//! entry was meant. With `--unsafe-fixes` it also writes the heading whose anchor ends
//! with the fragment, or the nearest anchor by spelling: likely, not certain. For a
//! plain heading that was renamed, `--fix` does not look at the file's history.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sot_registry::Target;

use super::{link_kind, written_targets, Finding};
use crate::{Applicability, Context, Fix};

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
            let suggested = suggestion(ctx, &doc.path, t, &fragment);
            let fix = suggested.as_ref().and_then(|s| {
                let (anchor, applicability) = s.anchor.as_ref()?;
                fragment_fix(
                    ctx,
                    d,
                    dest,
                    span.clone(),
                    &fragment,
                    anchor,
                    *applicability,
                )
            });
            out.push(
                Finding::new(
                    d,
                    span,
                    format!("no heading or anchor `#{fragment}` in {place}"),
                )
                .fix(fix)
                .help_opt(suggested.map(|s| s.help)),
            );
        }
    }
}

/// What the help says, and the anchor a fix would write (as it is written in a link)
/// with how sure it is.
struct Suggestion {
    help: String,
    anchor: Option<(String, Applicability)>,
}

impl Suggestion {
    fn new(help: String, anchor: String, applicability: Applicability) -> Suggestion {
        Suggestion {
            help,
            anchor: Some((anchor, applicability)),
        }
    }
}

/// The link target `dest` (written at `span`) with its fragment replaced by `anchor`;
/// only when the fragment is written after a `#` and spells `fragment`.
fn fragment_fix(
    ctx: &Context,
    d: usize,
    dest: &str,
    span: std::ops::Range<usize>,
    fragment: &str,
    anchor: &str,
    applicability: Applicability,
) -> Option<Fix> {
    let hash = dest.find('#')?;
    let written = &dest[hash + 1..];
    if percent_decode_str(written).decode_utf8().ok()? != fragment {
        return None;
    }
    let start = span.start + hash + 1;
    let edit = ctx.exact_edit(d, start..span.end, written, anchor)?;
    Some(Fix {
        applicability,
        edits: vec![edit],
    })
}

/// The anchor the author most likely meant: the entry whose ID the fragment starts
/// with, a heading whose slug ends with it, else the closest anchor by edit distance.
fn suggestion(ctx: &Context, from: &str, target: usize, fragment: &str) -> Option<Suggestion> {
    let f = fragment.to_lowercase();
    let doc = ctx.doc(target);
    for h in 0..doc.headings.len() {
        let Some(entry) = ctx.reg.entry_at(target, h) else {
            continue;
        };
        let anchor = ctx.heading_anchor(from, target, h);
        let id = entry.id.to_lowercase();
        let help = if f == id {
            format!(
                "`#{f}` does not navigate on GitHub; the anchor of {} is `#{anchor}`",
                entry.id
            )
        } else if f.starts_with(&format!("{id}-")) {
            format!(
                "did you mean `#{anchor}`? That is the heading of {}",
                entry.id
            )
        } else {
            continue;
        };
        let written = written_anchor(anchor, &f);
        return Some(Suggestion::new(help, written, Applicability::Safe));
    }
    // The heading's title without its ID (`#cache-flush` for `#run-001-cache-flush`).
    let suffix = format!("-{f}");
    if let Some(anchor) = (0..doc.headings.len())
        .map(|h| ctx.heading_anchor(from, target, h))
        .find(|a| a.ends_with(&suffix))
    {
        let written = written_anchor(anchor, &f);
        return Some(Suggestion::new(
            format!("did you mean `#{anchor}`?"),
            written,
            Applicability::Unsafe,
        ));
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
    let written = written_anchor(&anchor, &f);
    let help = match anchor.chars().find(|c| invisible_mark(*c, &f)) {
        Some(mark) => format!(
            "did you mean `#{anchor}`? It holds U+{:04X}, a combining mark you cannot see; \
             write it `#{written}`",
            mark as u32,
        ),
        None => format!("did you mean `#{anchor}`?"),
    };
    Some(Suggestion::new(help, written, Applicability::Unsafe))
}

/// Lowercasing `İ` gives `i` plus U+0307, which GitHub's slug keeps: the two
/// spellings look the same, so such a mark, absent from what was written (`fragment`),
/// is spelled out.
fn invisible_mark(c: char, fragment: &str) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c) && !fragment.contains(c)
}

/// `anchor` as a link should write it: percent-encoded when it holds a combining
/// mark the fragment lacks, as it stands otherwise.
fn written_anchor(anchor: &str, fragment: &str) -> String {
    if anchor.chars().any(|c| invisible_mark(c, fragment)) {
        utf8_percent_encode(anchor, FRAGMENT).to_string()
    } else {
        anchor.to_string()
    }
}

/// What a fragment spells out: everything but letters, digits, `-` and `_`.
const FRAGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_');
