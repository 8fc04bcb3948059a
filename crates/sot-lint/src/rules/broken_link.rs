//! A relative link or image whose target file or directory does not exist.
//!
//! **Why**: a reader who follows the link lands on GitHub's 404 page, and a
//! procedure that sends an on-call engineer to a missing runbook fails when it
//! matters most. Links that climb out of the workspace root (`../../outside.md`)
//! are reported too: they cannot resolve in the repository.
//!
//! Targets are resolved against the linking file's folder; a target starting with
//! `/` is resolved against the workspace root, as GitHub does. Targets are
//! percent-decoded (`Release%20Notes.md`) and may be written in `<...>`.
//! The `href` of an HTML `<a>` and the `src` (or `srcset`) of `<img>` and `<source>`
//! are checked like Markdown links. An empty target (`[runbook]()`) is reported: it
//! goes nowhere. External links (`https:`, `mailto:`, `//host`) are not checked.
//!
//! When the documents are the source of a docs site (`[links]` in `sot.toml`), a
//! link in one of its pages is read as the site publishes it: `install/`,
//! `install.html` and `/guide/install` resolve to the source that publishes that
//! page (`install.md`, `install/index.md`, ...), a relative URL starts from the
//! page's own URL (in MkDocs, `docs/guide/a.md` is at `/guide/a/`), and the help
//! lists the sources that were tried. `[links] ignore` patterns leave targets
//! unchecked (a render hook's pseudo-links), and `[[links.rewrite]]` rules apply the
//! site's link conventions first (`./eip-20.md` to `./erc-20.md`); the help of a
//! broken rewritten target shows what it became.
//!
//! A reference link whose label no definition matches (`[text][label]`, `[label][]`) is
//! broken too: it shows as bracketed text. So is a lone `[label]` that was meant as one,
//! which shows because a definition with a nearly equal label exists (`[reference-level
//! explanation]` beside `[reference-level-explanation]: #...`) or its definition line
//! follows a paragraph line without a blank line, so it is read as paragraph text.
//! Bracket notation is left alone (`a[i][j]`, `[Slow] [Disruptive]` tags), as are dotted
//! labels (`[text][config.site_dir]`) that site plugins resolve and labels defined in a
//! file that holds nothing but definitions (a file included in every page). On a MkDocs
//! page, `[text]` followed by one space or line break and a defined `[label]` is one
//! reference, as Python-Markdown reads it.
//!
//! **Example**
//!
//! ```markdown
//! Approvals follow the [change policy](../policies/change-managment.md).
//! ```
//!
//! **Fix**: correct the path, create the missing file, or remove the link.
//! `sot lint --fix` rewrites a path that differs from an existing file only in letter
//! case (safe: one file is meant, and GitHub would not find it); other broken links
//! need a person.

use sot_registry::{PageLookup, Target};

use super::{link_kind, written_targets, Finding};
use crate::references::References;
use crate::{Context, Fix};

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let references = References::new(ctx);
    for (d, doc) in ctx.targets() {
        for broken in references.broken(ctx.text_facts(d), ctx.renderer(&doc.path)) {
            out.push(
                Finding::new(d, broken.span.clone(), broken.message.clone())
                    .help(broken.help.clone()),
            );
        }
        for (dest, span, link) in written_targets(ctx, d) {
            let image = link.is_some_and(|l| l.image);
            if dest.chars().all(char::is_whitespace) {
                // The target's span is empty; the whole link shows what is meant.
                let span = link.map_or(span, |l| l.span.range());
                let message = if image {
                    "image path is empty"
                } else {
                    "link target is empty"
                };
                out.push(
                    Finding::new(d, span, message)
                        .help("write the path or URL the link should go to, or remove the link"),
                );
                continue;
            }
            let what = if image { "image" } else { "link target" };
            let resolved = ctx.resolve(&doc.path, dest, link_kind(link));
            match resolved.target {
                Target::Missing(path) => {
                    let mut fix = None;
                    let help = match &resolved.page {
                        Some(page) => page_help(ctx, page, &path),
                        None => match ctx.ws.tree.case_variant(&path) {
                            // Written from the linking document, so it can be pasted
                            // over the target as it stands.
                            Some(real) => {
                                let right = format!(
                                    "{}{}",
                                    sot_registry::relative_path(&doc.path, real),
                                    dest.find('#').map_or("", |i| &dest[i..]),
                                );
                                // Not through a rewrite or a query: the written path is
                                // then not the file's.
                                if resolved.rewritten.is_none() && !dest.contains('?') {
                                    fix = ctx
                                        .exact_edit(d, span.clone(), dest, right.clone())
                                        .map(|e| Fix::safe(vec![e]));
                                }
                                format!("did you mean `{right}`? Paths are case-sensitive on GitHub")
                            }
                            None => format!(
                                "no file or folder `{path}` in the workspace; fix the path or create it"
                            ),
                        },
                    };
                    let help = match &resolved.rewritten {
                        Some(target) => {
                            format!("rewritten to `{target}` by [links] rewrite; {help}")
                        }
                        None => help,
                    };
                    out.push(
                        Finding::new(d, span, format!("{what} `{dest}` does not exist"))
                            .help(help)
                            .fix(fix),
                    );
                }
                Target::OutsideRoot => out.push(
                    Finding::new(
                        d,
                        span,
                        format!("{what} `{dest}` leaves the workspace root"),
                    )
                    .help("link to a file inside the repository, or use an absolute URL"),
                ),
                _ => {}
            }
        }
    }
}

/// What was tried for a page URL that no source publishes (at root-relative `path`),
/// after the likely fix.
fn page_help(ctx: &Context, page: &PageLookup, path: &str) -> String {
    let tried: Vec<String> = page.tried.iter().map(|c| format!("`{c}`")).collect();
    let tried = format!(
        "no source publishes `{}` (tried {})",
        page.url,
        tried.join(", ")
    );
    if !path.is_empty() && ctx.ws.tree.is_dir(path) {
        format!("the folder `{path}` has no index page; {tried}")
    } else if let Some(real) = page.tried.iter().find_map(|c| ctx.ws.tree.case_variant(c)) {
        format!("did you mean `{real}`? Paths are case-sensitive; {tried}")
    } else if let Some(link) = &page.suggestion {
        format!(
            "did you mean `{link}`? A relative URL starts from the page's own URL, not its file's folder; {tried}"
        )
    } else {
        tried
    }
}
