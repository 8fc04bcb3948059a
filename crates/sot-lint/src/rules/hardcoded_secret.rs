//! A credential pasted into a document.
//!
//! **Why**: a runbook is read by everyone who can read the repository, copied into
//! tickets and chat, and kept forever in its history. A token, key or password written
//! into it is leaked; removing it later does not unleak it.
//!
//! Every part of a document is searched (prose, code blocks, code spans, link targets,
//! HTML and frontmatter) for:
//!
//! - AWS access key IDs (`AKIA`/`ASIA` and 16 capitals or digits) and secret access
//!   keys (40 base64 characters assigned to a name such as `aws_secret_access_key`);
//! - GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`), GitLab
//!   personal access tokens (`glpat-`), Slack tokens (`xoxb-`, `xoxp-`, …) and Slack
//!   webhook URLs (`hooks.slack.com/services/T…/B…/…`);
//! - private key blocks (`-----BEGIN … PRIVATE KEY-----` followed by key material:
//!   lines of base64 alone, in a quote, an indented block or a JSON string too);
//! - passwords in connection URLs (`postgres://app:s3cr3t@db.internal`);
//! - JSON Web Tokens (three base64url parts whose header names an `alg`);
//! - Google API keys (`AIza` and 35 characters);
//! - values assigned to a credential's name (`*_TOKEN`, `*_SECRET`, `*_KEY`, `apiKey`,
//!   `password=`, `password:`) that look drawn at random: 16 characters or more with a
//!   Shannon entropy of at least 3.5 bits per character, or for a password 8 characters
//!   or more of three character classes and 3 bits per character.
//!
//! A value that has no vendor's shape and is known only by its name (`apiKey: "…"`)
//! is not reported where the document shows it as an illustration: in a section whose
//! heading says `Example` or `Sample`, or in a code block (or line) that also names a
//! host reserved for documentation (`https://example.com/rpc`, `localhost`).
//!
//! Stand-ins and values that are no credentials are never reported: `<token>`,
//! `YOUR_...`, `${{ secrets.X }}`, `$VAR` and `${VAR}`, AWS's documented example keys
//! and anything else holding `EXAMPLE`, `xxxx`, `****`, `...`, `changeme`, runs of one
//! character, values counting up (`123456`), references to a secret kept elsewhere
//! (`process.env.API_TOKEN`, `process.env.API_KEY!`), tokens that page through a
//! listing (`nextPageToken`, `NextToken`, `ContinuationToken`), public and publishable
//! keys, and URLs whose password is a word such as `password` or whose host is
//! `localhost` or a name reserved for documentation (`example.com`, `*.test`).
//!
//! The message names the kind of credential and shows at most the prefix that names
//! it and the last four characters (`ghp_…3f9a`). No output format prints the value:
//! the source lines shown with any finding, of any rule, have every credential masked.
//!
//! **Example**
//!
//! ```markdown
//! Post alerts with `curl -H "Authorization: token ghp_…"` (the full token pasted).
//! ```
//!
//! **Fix**: delete the value, revoke it where it was issued (it is in the history now),
//! and have the runbook say where the operator gets it (a vault path, an environment
//! variable, a `<TOKEN>` slot). `sot lint --fix` leaves it to a person: the credential
//! must be rotated, not only removed.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use sot_syntax::Document;

use super::Finding;
use crate::secrets::{self, Kind};
use crate::Context;

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (d, _) in ctx.targets() {
        for (span, message) in &ctx.text_facts(d).secrets {
            out.push(
                Finding::new(d, span.clone(), message.clone()).help(
                    "revoke it, then write where to get it (a vault path, a variable) instead",
                ),
            );
        }
    }
}

/// The credentials in `doc` this rule reports, each with its message; and the hidden
/// bytes of every credential, reported or not.
pub(crate) fn found(doc: &Document) -> (Vec<(Range<usize>, String)>, Vec<String>) {
    let mut reported = Vec::new();
    let mut values = Vec::new();
    for s in secrets::find(&doc.text) {
        values.push(doc.text[s.hidden.clone()].to_string());
        if s.kind == Kind::Assigned && illustrative(doc, &s.span) {
            continue;
        }
        let shown = s.masked(&doc.text);
        let message = match &s.name {
            Some(name) => format!("`{name}` holds a hardcoded secret (`{shown}`)"),
            None => format!("hardcoded {} (`{shown}`)", s.kind.describe()),
        };
        reported.push((s.span, message));
    }
    (reported, values)
}

/// Whether the text around `span` shows a format rather than a live value: its section
/// is an example, or its code block (else its line) names a documentation host.
fn illustrative(doc: &Document, span: &Range<usize>) -> bool {
    static WORDS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)\b(?:examples?|samples?)\b").unwrap());
    static HOST: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(?:[a-z][a-z0-9+.-]*://|@)([a-z0-9.-]+)|\b([a-z0-9.-]*example\.(?:com|org|net))\b")
            .unwrap()
    });
    let section = doc
        .headings
        .iter()
        .take_while(|h| h.span.start < span.start)
        .last();
    if section.is_some_and(|h| WORDS.is_match(&h.text)) {
        return true;
    }
    let around = doc
        .code_blocks
        .iter()
        .find(|b| b.start <= span.start && span.end <= b.end)
        .cloned()
        .unwrap_or_else(|| {
            let start = doc.text[..span.start].rfind('\n').map_or(0, |i| i + 1);
            let end = doc.text[span.end..]
                .find('\n')
                .map_or(doc.text.len(), |i| span.end + i);
            start..end
        });
    HOST.captures_iter(&doc.text[around]).any(|c| {
        c.get(1)
            .or_else(|| c.get(2))
            .is_some_and(|h| secrets::is_documentation_host(h.as_str()))
    })
}
