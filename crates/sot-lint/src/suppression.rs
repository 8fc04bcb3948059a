//! Suppression comments: which findings each one silences, and which comments are
//! mistaken. Every HTML comment that starts with `sot-` is meant for `sot`, so one
//! that cannot be obeyed is reported (`invalid-suppression`), never ignored.

use std::ops::{Range, RangeInclusive};
use std::sync::LazyLock;

use regex::Regex;
use sot_syntax::Document;

use crate::rules::{closest, unknown_rule_help, Finding, RULES};

static COMMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?is)^<!--\s*(sot-[a-z0-9_-]*)(.*?)-->$").unwrap());
static RULE_NAME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[^,\s]+").unwrap());

/// The directives, after `sot-`.
const DIRECTIVES: [&str; 5] = [
    "disable-next-line",
    "disable-line",
    "disable-file",
    "disable",
    "enable",
];

/// One comment that silences findings.
#[derive(Debug, Clone)]
pub(crate) struct Suppression {
    /// The rules it names, `None` for every rule. Unknown names are left out, so a
    /// list of only unknown names silences nothing.
    pub rules: Option<Vec<&'static str>>,
    /// The whole comment.
    pub span: Range<usize>,
    /// The 1-based lines it silences, each with the rules it silences there
    /// (`sot-enable RULE` narrows a region from that line on).
    reach: Vec<(RangeInclusive<usize>, Option<Vec<&'static str>>)>,
}

impl Suppression {
    pub fn covers(&self, rule: &str, line: usize) -> bool {
        self.reach.iter().any(|(lines, rules)| {
            lines.contains(&line) && rules.as_ref().is_none_or(|r| r.contains(&rule))
        })
    }
}

/// A document's suppressions, and the findings about its mistaken comments.
#[derive(Debug, Default, Clone)]
pub(crate) struct Parsed {
    pub suppressions: Vec<Suppression>,
    pub mistakes: Vec<Finding>,
}

/// Reads the suppression comments of document `d`.
pub(crate) fn parse(d: usize, doc: &Document) -> Parsed {
    let mut parsed = Parsed {
        suppressions: Vec::new(),
        mistakes: Vec::new(),
    };
    // Open `sot-disable` regions: which suppression, from which line, which rules.
    let mut open: Vec<(usize, usize, Option<Vec<&'static str>>)> = Vec::new();
    for span in &doc.html_comments {
        let Some(c) = COMMENT.captures(&doc.text[span.clone()]) else {
            continue;
        };
        let name = c.get(1).unwrap();
        let name_span = span.start + name.start()..span.start + name.end();
        let Some(directive) = DIRECTIVES
            .into_iter()
            .find(|known| name.as_str().strip_prefix("sot-") == Some(*known))
        else {
            parsed.mistakes.push(
                Finding::new(
                    d,
                    name_span,
                    format!("`{}` is not a suppression comment", name.as_str()),
                )
                .help(format!(
                    "did you mean `sot-{}`? As written it silences nothing",
                    closest_directive(name.as_str())
                )),
            );
            continue;
        };
        let list = c.get(2).unwrap();
        let mut names = Vec::new();
        for token in RULE_NAME.find_iter(list.as_str()) {
            match RULES.iter().find(|r| r.name == token.as_str()) {
                Some(rule) => names.push(rule.name),
                None => {
                    let at = span.start + list.start();
                    parsed.mistakes.push(unknown_rule(
                        d,
                        at + token.start()..at + token.end(),
                        token.as_str(),
                    ));
                }
            }
        }
        let rules = (!list.as_str().trim().is_empty()).then_some(names);
        let first = doc.position(span.start).line;
        let last = doc.position(span.end.saturating_sub(1)).line;
        let reach = match directive {
            "disable-next-line" => last + 1..=last + 1,
            "disable-line" => first..=last,
            "disable-file" => 1..=usize::MAX,
            "disable" => {
                open.push((parsed.suppressions.len(), last, rules.clone()));
                parsed.suppressions.push(Suppression {
                    rules,
                    span: span.clone(),
                    reach: Vec::new(),
                });
                continue;
            }
            _ => {
                enable(&mut open, &mut parsed.suppressions, rules.as_deref(), last);
                continue;
            }
        };
        parsed.suppressions.push(Suppression {
            reach: vec![(reach, rules.clone())],
            rules,
            span: span.clone(),
        });
    }
    for (s, from, rules) in open {
        parsed.suppressions[s]
            .reach
            .push((from..=usize::MAX, rules));
    }
    parsed
}

/// `sot-enable` on `line`: the open regions stop silencing the rules it names (all of
/// them without a list), so a region of every rule can be narrowed to the rest.
fn enable(
    open: &mut Vec<(usize, usize, Option<Vec<&'static str>>)>,
    suppressions: &mut [Suppression],
    names: Option<&[&'static str]>,
    line: usize,
) {
    if names.is_some_and(<[_]>::is_empty) {
        return;
    }
    open.retain_mut(|(s, from, rules)| {
        let still = match (names, &rules) {
            (None, _) => Vec::new(),
            (Some(names), Some(r)) if !r.iter().any(|x| names.contains(x)) => return true,
            (Some(names), _) => {
                let all: Vec<&'static str> = RULES.iter().map(|r| r.name).collect();
                let before = rules.as_deref().unwrap_or(&all);
                before
                    .iter()
                    .copied()
                    .filter(|x| !names.contains(x))
                    .collect()
            }
        };
        suppressions[*s].reach.push((*from..=line, rules.take()));
        *from = line + 1;
        *rules = Some(still);
        rules.as_ref().is_some_and(|r| !r.is_empty())
    });
}

fn unknown_rule(d: usize, span: Range<usize>, name: &str) -> Finding {
    let help = unknown_rule_help(name);
    Finding::new(
        d,
        span,
        format!("`{name}` is not a rule name, so it silences nothing"),
    )
    .help(help)
}

/// The directive a mistaken `sot-NAME` most likely meant: a near spelling
/// (`sot-disable-lines`), else its scope with `disable` or `enable` for the verb
/// (`sot-ignore-next-line` is `sot-disable-next-line`, `sot-ignore` is `sot-disable`).
fn closest_directive(name: &str) -> &'static str {
    let name = name["sot-".len()..].to_lowercase().replace('_', "-");
    if let Some(d) = closest(&name, DIRECTIVES.into_iter(), 2) {
        return d;
    }
    let (verb, scope) = name.split_once('-').unwrap_or((&name, ""));
    if matches!(verb, "enable" | "on") {
        return "enable";
    }
    if scope.is_empty() {
        return "disable";
    }
    let scoped = ["disable-next-line", "disable-line", "disable-file"];
    let scope_of = |d: &'static str| &d["disable-".len()..];
    scoped
        .into_iter()
        .find(|d| scope.ends_with(scope_of(d)) || scope_of(d).starts_with(scope))
        .or_else(|| {
            let (distance, d) = scoped
                .into_iter()
                .map(|d| (strsim::levenshtein(scope_of(d), scope), d))
                .min()?;
            (distance <= 2).then_some(d)
        })
        .unwrap_or("disable")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mistaken_directives_suggest_the_one_meant() {
        let meant = |name: &str| closest_directive(name);
        assert_eq!(meant("sot-disable-lines"), "disable-line");
        assert_eq!(meant("sot-disable-nextline"), "disable-next-line");
        assert_eq!(meant("sot-disable_next_line"), "disable-next-line");
        assert_eq!(meant("sot-DISABLE"), "disable");
        assert_eq!(meant("sot-ignore"), "disable");
        assert_eq!(meant("sot-ignore-next-line"), "disable-next-line");
        assert_eq!(meant("sot-ignore-next"), "disable-next-line");
        assert_eq!(meant("sot-skip-file"), "disable-file");
        assert_eq!(meant("sot-disable-all"), "disable");
        assert_eq!(meant("sot-on"), "enable");
    }

    #[test]
    fn rule_names_suggest_the_nearest_rule() {
        let d = 0;
        let suggestion = |name: &str| unknown_rule(d, 0..0, name).help.unwrap();
        assert_eq!(suggestion("broken-links"), "did you mean `broken-link`?");
        assert_eq!(suggestion("undefined_id"), "did you mean `undefined-id`?");
        assert_eq!(suggestion("Placeholders"), "did you mean `placeholder`?");
        assert_eq!(
            suggestion("deprecated-reference"),
            "did you mean `deprecated-ref`?"
        );
        assert_eq!(suggestion("MD013"), "`sot rules` lists the rule names");
    }

    fn covered(text: &str) -> Vec<(usize, &'static str)> {
        let doc = Document::parse("a.md", text.to_string());
        let parsed = parse(0, &doc);
        let mut out = Vec::new();
        for line in 1..=doc.lines.line_count() {
            for rule in ["broken-link", "placeholder"] {
                if parsed.suppressions.iter().any(|s| s.covers(rule, line)) {
                    out.push((line, rule));
                }
            }
        }
        out
    }

    #[test]
    fn each_directive_reaches_its_lines() {
        let text = "a\n<!-- sot-disable-next-line broken-link -->\nb\nc <!-- sot-disable-line placeholder -->\nd\n";
        assert_eq!(covered(text), [(3, "broken-link"), (4, "placeholder")]);
        let text = "a\n<!-- sot-disable -->\nb\n<!-- sot-enable placeholder -->\nc\n<!-- sot-enable -->\nd\n";
        assert_eq!(
            covered(text),
            [
                (2, "broken-link"),
                (2, "placeholder"),
                (3, "broken-link"),
                (3, "placeholder"),
                (4, "broken-link"),
                (4, "placeholder"),
                (5, "broken-link"),
                (6, "broken-link"),
            ]
        );
        let text = "a\n<!-- sot-disable broken-link, placeholder -->\nb\n<!-- sot-enable broken-link -->\nc\n";
        assert_eq!(
            covered(text),
            [
                (2, "broken-link"),
                (2, "placeholder"),
                (3, "broken-link"),
                (3, "placeholder"),
                (4, "broken-link"),
                (4, "placeholder"),
                (5, "placeholder"),
                (6, "placeholder"),
            ]
        );
    }

    #[test]
    fn unknown_names_silence_nothing() {
        let text = "<!-- sot-disable-file broken-links -->\n<!-- sot-ignore -->\na\n";
        assert_eq!(covered(text), []);
        let doc = Document::parse("a.md", text.to_string());
        let mistakes: Vec<_> = parse(0, &doc)
            .mistakes
            .into_iter()
            .map(|f| (doc.text[f.span].to_string(), f.help.unwrap()))
            .collect();
        assert_eq!(
            mistakes,
            [
                ("broken-links".into(), "did you mean `broken-link`?".into()),
                (
                    "sot-ignore".into(),
                    "did you mean `sot-disable`? As written it silences nothing".into()
                ),
            ]
        );
    }
}
