//! A suppression comment that silences nothing.
//!
//! **Why**: suppressions outlive the findings they were written for; one left behind
//! hides the next real problem on that line without anyone noticing. Suppressions
//! are HTML comments, invisible on GitHub:
//!
//! - `<!-- sot-disable-next-line RULE[, RULE] -->`: the line after the comment;
//! - `<!-- sot-disable RULE -->` ... `<!-- sot-enable RULE -->`: the lines between;
//! - `<!-- sot-disable-file RULE -->`: the whole file.
//!
//! Without a rule list they silence every rule. A suppression naming a rule that is
//! not selected for this run (`--select`, `--ignore`) is not judged.
//!
//! **Example**
//!
//! ```markdown
//! <!-- sot-disable-next-line broken-link -->
//! See the [runbook](runbooks/failover.md), which exists now.
//! ```
//!
//! **Fix**: delete the comment (or the rule name that no longer applies).

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use sot_syntax::Document;

use super::Finding;
use crate::{Context, Diagnostic};

static COMMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^<!--\s*sot-(disable-next-line|disable-file|disable|enable)\b([^>]*?)\s*-->$")
        .unwrap()
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    NextLine,
    Region,
    File,
}

#[derive(Debug)]
struct Suppression {
    kind: Kind,
    /// `None`: every rule.
    rules: Option<Vec<String>>,
    /// 1-based lines it covers, inclusive.
    lines: Range<usize>,
    span: Range<usize>,
}

impl Suppression {
    fn covers(&self, rule: &str, line: usize) -> bool {
        self.rules
            .as_ref()
            .is_none_or(|r| r.iter().any(|n| n == rule))
            && (self.kind == Kind::File || (self.lines.start <= line && line <= self.lines.end))
    }
}

fn parse(doc: &Document) -> Vec<Suppression> {
    let mut out = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let last_line = doc.lines.line_count();
    for span in &doc.html_comments {
        let Some(c) = COMMENT.captures(doc.text[span.clone()].trim()) else {
            continue;
        };
        let rules: Vec<String> = c[2]
            .split([',', ' '])
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect();
        let rules = (!rules.is_empty()).then_some(rules);
        let line = doc.position(span.end.saturating_sub(1)).line;
        let kind = match &c[1] {
            "disable-next-line" => Kind::NextLine,
            "disable-file" => Kind::File,
            "disable" => Kind::Region,
            _ => {
                // `sot-enable` closes the latest region it names (or all, without a list).
                open.retain(|&i| {
                    let s: &mut Suppression = &mut out[i];
                    let closes = rules.is_none() || s.rules == rules;
                    if closes {
                        s.lines.end = line;
                    }
                    !closes
                });
                continue;
            }
        };
        let lines = match kind {
            Kind::NextLine => line + 1..line + 1,
            _ => line..last_line,
        };
        if kind == Kind::Region {
            open.push(out.len());
        }
        out.push(Suppression {
            kind,
            rules,
            lines,
            span: span.clone(),
        });
    }
    out
}

/// Drops the diagnostics a suppression covers and returns the suppressions that
/// silenced none of the `selected` rules.
pub(crate) fn apply(
    ctx: &Context,
    diags: &mut Vec<Diagnostic>,
    selected: &dyn Fn(&str) -> bool,
) -> Vec<Finding> {
    let mut by_file: HashMap<&str, (usize, Vec<Suppression>, Vec<bool>)> = HashMap::new();
    for (d, doc) in ctx.targets() {
        let found = parse(doc);
        if !found.is_empty() {
            let used = vec![false; found.len()];
            by_file.insert(doc.path.as_str(), (d, found, used));
        }
    }
    if by_file.is_empty() {
        return Vec::new();
    }
    diags.retain(|diag| {
        let Some((_, found, used)) = by_file.get_mut(diag.file.as_str()) else {
            return true;
        };
        let mut keep = true;
        for (i, s) in found.iter().enumerate() {
            if s.covers(diag.rule, diag.line) {
                used[i] = true;
                keep = false;
            }
        }
        keep
    });
    let mut unused = Vec::new();
    for (d, found, used) in by_file.values() {
        for (s, used) in found.iter().zip(used) {
            let judged = s
                .rules
                .as_ref()
                .is_none_or(|r| r.iter().any(|n| selected(n)));
            if *used || !judged {
                continue;
            }
            let what = match &s.rules {
                Some(r) => format!("`{}`", r.join("`, `")),
                None => "every rule".to_string(),
            };
            unused.push(
                Finding::new(
                    *d,
                    s.span.clone(),
                    format!("this suppression of {what} silences nothing"),
                )
                .help("delete the comment, or the rule names that no longer apply"),
            );
        }
    }
    unused
}
