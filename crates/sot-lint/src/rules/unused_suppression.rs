//! A suppression comment that silences nothing.
//!
//! **Why**: suppressions outlive the findings they were written for; one left behind
//! hides the next real problem on that line without anyone noticing. Suppressions
//! are HTML comments, invisible on GitHub:
//!
//! - `<!-- sot-disable-next-line RULE[, RULE] -->`: the line after the comment;
//! - `<!-- sot-disable-line RULE -->`: the line the comment is on;
//! - `<!-- sot-disable RULE -->` ... `<!-- sot-enable RULE -->`: the lines between
//!   (`sot-enable RULE` ends only that rule's silence, also in a region of every rule);
//! - `<!-- sot-disable-file RULE -->`: the whole file.
//!
//! Without a rule list they silence every rule. A suppression naming a rule that is
//! not selected for this run (`--select`, `--ignore`) is not judged. Comments in code
//! spans and code blocks are text, not suppressions. A comment that cannot be obeyed
//! (an unknown rule or directive) is `invalid-suppression`.
//!
//! **Example**
//!
//! ```markdown
//! <!-- sot-disable-next-line broken-link -->
//! See the [runbook](runbooks/failover.md), which exists now.
//! ```
//!
//! **Fix**: delete the comment (or the rule name that no longer applies). `sot lint
//! --fix` leaves it to a person.

use std::collections::HashMap;

use super::Finding;
use crate::suppression::Suppression;
use crate::{Context, Diagnostic};

/// Drops the diagnostics a suppression covers and returns the suppressions that
/// silenced none of the `selected` rules.
pub(crate) fn apply(
    ctx: &Context,
    diags: &mut Vec<Diagnostic>,
    selected: &dyn Fn(&str) -> bool,
) -> Vec<Finding> {
    let mut by_file: HashMap<&str, (usize, &[Suppression], Vec<bool>)> = HashMap::new();
    for (d, doc) in ctx.targets() {
        let found = &ctx.text_facts(d).suppression.suppressions;
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
            // A list of only unknown names is `invalid-suppression`'s to report.
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
