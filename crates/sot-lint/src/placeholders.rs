//! Template placeholder patterns, in two tiers (SPEC section 4): strong ones are
//! unmistakable and checked everywhere; weak ones (`[words]`, `TODO`) are ordinary
//! text in most documentation and are checked only in SoT documents.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Strong,
    Weak,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Relative to the scanned text.
    pub span: Range<usize>,
    /// The pattern's name, as `sot.toml` removes it (`[placeholders] remove`).
    pub kind: &'static str,
    pub tier: Tier,
    pub message: String,
    pub help: &'static str,
}

static DATE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\bYYYY-MM-DD\b").unwrap());
static YOUR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\bYOUR(?:[_/][A-Z0-9]+)+\b").unwrap());
static BRACES: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\{([^{}\n]{2,80})\}").unwrap());
static BRACKETS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[([^\[\]\n]{1,120})\]").unwrap());
static GUID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}$").unwrap()
});
/// A `{...}` group, to see the text around it.
static BRACE_GROUP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\{[^{}\n]*\}").unwrap());
/// Braces holding a number or a comma-separated list of plain items: a set or a tuple.
static SET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\{[^\S\n]*(?:\d+|[\w.+-]+(?:[^\S\n]+[\w.+-]+)*(?:[^\S\n]*,[^\S\n]*[\w.+-]+(?:[^\S\n]+[\w.+-]+)*)+)[^\S\n]*\}").unwrap()
});
/// Words after a date pattern that make it a description of the format.
static FORMAT_WORD_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[\s*_`'\x22”’)\]]*(?:formats?|formatted|form|patterns?|notation|style|syntax|conventions?)\b")
        .unwrap()
});
/// Words before a date pattern that make it a description of the format.
static FORMAT_WORDS_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:formats?|formatted|form|patterns?|notation|as|like|such as|e\.g|eg|i\.e|for example)\.?[\s*_`'\x22“‘(:,]*$")
        .unwrap()
});
static OPTION_SEP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s+[|/]\s+").unwrap());
static WEAK_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\w@.])(@(?i:username|user|user[-_]name|handle|github[-_]?(?:user)?(?:name)?|your[-_][a-z]+|someone|name))\b|\b(TODO|TBD|FIXME)\b")
        .unwrap()
});
static INSTRUCTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^<!--\s*(?:AI[-_ ]INSTRUCTION|INSTRUCTIONS?:|Choose\b|Adjust\b|Fill in\b|Replace\b|Delete this\b|Remove this\b)")
        .unwrap()
});

/// The names of the built-in patterns, for `[placeholders] remove` in `sot.toml`.
pub const PATTERNS: &[&str] = &[
    "date",
    "your-token",
    "braces",
    "option-list",
    "example",
    "enum-options",
    "instruction-comment",
    "id-xxx",
    "brackets",
    "at-username",
    "todo",
];

/// Every pattern needs one of these; most prose runs have none and are skipped.
static TRIGGER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[{\[@]|YYYY|YOUR|TODO|TBD|FIXME").unwrap());

const HELP_FILL: &str = "replace it with the real value";

/// Strong and weak placeholders in a frontmatter value or any stand-alone text.
/// Weak ones are returned too; the caller drops them outside SoT documents.
pub fn scan_text(text: &str) -> Vec<Found> {
    scan_in(text, 0..text.len())
}

/// Strong and weak placeholders in `span` of `text` (prose, or HTML text; never code: a
/// runbook's `<YOUR_SECRET>` is a parameter the operator fills in at run time), with
/// spans relative to `span.start`. Braces and dates are judged by the line around them
/// in `text`: a quoted format string, a path, a table row that writes sets in braces.
pub fn scan_in(text: &str, span: Range<usize>) -> Vec<Found> {
    let base = span.start;
    let run = &text[span];
    let mut out = Vec::new();
    if !TRIGGER.is_match(run) {
        return out;
    }
    for c in BRACES.captures_iter(run) {
        let whole = c.get(0).unwrap();
        let at = base + whole.start()..base + whole.end();
        if let Some(tier) = brace_tier(text, at, &c[1]) {
            out.push(Found {
                span: whole.range(),
                kind: "braces",
                tier,
                message: format!("unfilled template placeholder `{}`", whole.as_str()),
                help: HELP_FILL,
            });
        }
    }
    for c in BRACKETS.captures_iter(run) {
        let whole = c.get(0).unwrap();
        let inner = c[1].trim();
        if let Some(found) = bracket(run, whole.range(), inner) {
            out.push(found);
        }
    }
    for c in WEAK_WORDS.captures_iter(run) {
        let m = c.get(1).or_else(|| c.get(2)).unwrap();
        let (kind, message, help) = if m.as_str().starts_with('@') {
            (
                "at-username",
                format!("`{}` stands in for a person", m.as_str()),
                "name the real owner or team",
            )
        } else {
            (
                "todo",
                format!("`{}` left in the document", m.as_str()),
                "finish it, or track it outside the document",
            )
        };
        out.push(Found {
            span: m.range(),
            kind,
            tier: Tier::Weak,
            message,
            help,
        });
    }
    for m in DATE.find_iter(run) {
        if describes_date_format(text, base + m.start()..base + m.end()) {
            continue;
        }
        out.push(Found {
            span: m.range(),
            kind: "date",
            tier: Tier::Strong,
            message: "template date `YYYY-MM-DD` was never filled in".into(),
            help: "write the real date, e.g. 2024-05-31",
        });
    }
    for m in YOUR.find_iter(run) {
        out.push(Found {
            span: m.range(),
            kind: "your-token",
            tier: Tier::Strong,
            message: format!("template stand-in `{}`", m.as_str()),
            help: HELP_FILL,
        });
    }
    dedupe(out)
}

/// A template-instruction HTML comment (`<!-- AI-INSTRUCTION ... -->`, `<!-- Choose: ... -->`).
pub fn is_instruction_comment(comment: &str) -> bool {
    INSTRUCTION.is_match(comment)
}

/// A field value that lists its enum's options instead of choosing one
/// (`Active | Deprecated | Planned`).
pub fn lists_options(value: &str, options: &[String]) -> bool {
    let parts: Vec<&str> = value.split('|').map(str::trim).collect();
    parts.len() >= 2 && parts.iter().all(|p| options.iter().any(|o| o == p))
}

/// Whether a value holds any strong or weak placeholder: such values are reported as
/// `placeholder` only, never also as invalid.
pub fn is_placeholder_value(value: &str) -> bool {
    !scan_text(value).is_empty()
}

/// `{Procedure name}`, `{Team/Person}`, `{dev-url}`: words, not code, math or GUIDs.
fn is_phrase(inner: &str) -> bool {
    // Padded braces (`{ statement }`) are grammar and code blocks, not templates.
    if inner.starts_with(char::is_whitespace) || inner.ends_with(char::is_whitespace) {
        return false;
    }
    if !inner.starts_with(|c: char| c.is_alphabetic()) || GUID.is_match(inner) {
        return false;
    }
    // An address (`{https://example.com/x}`) is written out, and a member path without
    // spaces (`{chunk.maps.title}`, `{L.search}`) is code.
    if inner.contains("://") || (inner.contains('.') && !inner.contains(char::is_whitespace)) {
        return false;
    }
    let allowed = |c: char| {
        c.is_alphanumeric()
            || matches!(
                c,
                ' ' | '-' | '/' | '&' | '\'' | '’' | '.' | ',' | '(' | ')' | '+' | ':'
            )
    };
    if !inner.chars().all(allowed) {
        return false;
    }
    // A comma-separated list is a set or tuple (`{key, value}`,
    // `{policy, validation expression}`), not one value left to fill in.
    if inner.contains(',') {
        return false;
    }
    let words: Vec<&str> = inner
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    // Math and code: single letters (`{x, y}`) and camelCase identifiers (`{userId}`).
    let long_word = words
        .iter()
        .any(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 3);
    let camel = words.iter().any(|w| {
        w.chars()
            .zip(w.chars().skip(1))
            .any(|(a, b)| a.is_lowercase() && b.is_uppercase())
    });
    long_word && !camel
}

/// How strongly `{inner}` written at `span` of `text` suggests an unfilled slot, if at all.
fn brace_tier(text: &str, span: Range<usize>, inner: &str) -> Option<Tier> {
    if !is_phrase(inner)
        || attached(text, span.clone())
        || in_path(text, span.clone())
        || in_format_string(text, span.clone())
        || among_sets(text, span)
    {
        return None;
    }
    // A word mixing letters and digits (`{ERC20}`, `{IERC721}`) names a contract, type or
    // interface: slot labels are words.
    let one_word = inner.chars().all(char::is_alphanumeric);
    if one_word && inner.contains(|c: char| c.is_ascii_digit()) {
        return None;
    }
    // A single word (`{version}`, `{Wrapper}`) is also how prose and specifications name
    // a thing, and a phrase in lowercase words is how prose writes an aside
    // (`{definition given above}`): weak. Slot labels are written as labels
    // (`{Procedure name}`, `{Metric Name}`) or joined words (`{Team/Person}`, `{dev-url}`).
    let lowercase_words =
        inner.contains(char::is_whitespace) && !inner.chars().any(char::is_uppercase);
    Some(if one_word || lowercase_words {
        Tier::Weak
    } else {
        Tier::Strong
    })
}

/// `${x}`, `{{ x }}`, `\frac{a}{b}`, `foo{bar}`, `{Operation}Option`, `{text}[url]`: braces
/// that are part of a larger token (code, math, a generated name, a mistyped link). Braces
/// after `=` are a value assigned in code or markup (`theme={null}` in MDX, BibTeX's
/// `title = {A study}`).
fn attached(text: &str, span: Range<usize>) -> bool {
    let before = text[..span.start].chars().next_back();
    let after = text[span.end..].chars().next();
    let assigned = text[..span.start]
        .trim_end_matches([' ', '\t'])
        .ends_with('=');
    assigned
        || before.is_some_and(|c| matches!(c, '$' | '{' | '}' | '%' | '_') || c.is_alphanumeric())
        || after.is_some_and(|c| matches!(c, '}' | '[' | '(' | '_') || c.is_alphanumeric())
}

/// `/namespaces/{namespace}/pods`, `https://{host}/health`: a URI template's parameter,
/// filled in each time the path is used, like a parameter in a code block.
fn in_path(text: &str, span: Range<usize>) -> bool {
    let line = line_of(text, span.clone());
    let start = line.start
        + text[line.start..span.start]
            .rfind(char::is_whitespace)
            .map_or(0, |i| i + 1);
    let end = text[span.end..line.end]
        .find(char::is_whitespace)
        .map_or(line.end, |i| span.end + i);
    let literal = BRACE_GROUP.replace_all(&text[start..end], "");
    literal.contains('/') && literal.contains(char::is_alphanumeric)
}

/// `"Send {amount} to {recipient}"`: a format string quoted in prose is talked about, not
/// filled in. Quotes around the braces alone (`"{Procedure name}"`) still hold a slot.
fn in_format_string(text: &str, span: Range<usize>) -> bool {
    quotation_around(text, span).is_some_and(|inside| {
        BRACE_GROUP
            .replace_all(&inside, "")
            .contains(char::is_alphanumeric)
    })
}

/// The rest of the quotation (`"..."` or `“...”`) around `span` on its line, `span` left
/// out; `None` when no quotation holds it.
fn quotation_around(text: &str, span: Range<usize>) -> Option<String> {
    let line = line_of(text, span.clone());
    let before = &text[line.start..span.start];
    let after = &text[span.end..line.end];
    if before.matches('"').count() % 2 == 1 {
        if let (Some(open), Some(close)) = (before.rfind('"'), after.find('"')) {
            return Some(format!("{}{}", &before[open + 1..], &after[..close]));
        }
    }
    let open = before.rfind('“').filter(|&i| !before[i..].contains('”'))?;
    let close = after.find('”')?;
    Some(format!(
        "{}{}",
        &before[open + '“'.len_utf8()..],
        &after[..close]
    ))
}

/// A line that writes sets or tuples in braces (`| {NUMA node 0} | {1, 2, 3} |`) uses
/// braces as notation, not as slots.
fn among_sets(text: &str, span: Range<usize>) -> bool {
    let line = line_of(text, span.clone());
    SET.find_iter(&text[line.clone()])
        .any(|m| line.start + m.start() != span.start)
}

/// The line holding `span`, without its line break.
fn line_of(text: &str, span: Range<usize>) -> Range<usize> {
    let start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[span.end..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| span.end + i);
    start..end
}

/// `YYYY-MM-DD` that says how dates are written, not where one is missing: words around it
/// (`in YYYY-MM-DD format`, `written as YYYY-MM-DD`), parentheses after the words it
/// describes (`Target date (YYYY-MM-DD)`, `ISO 8601 (YYYY-MM-DD)`), or a quotation of
/// the line to write (`add a "Last verified: YYYY-MM-DD" footer`). As a value
/// (`**Created**: YYYY-MM-DD`, `**Created**: (YYYY-MM-DD)`, `"YYYY-MM-DD"`, a table
/// cell) it is a slot.
fn describes_date_format(text: &str, span: Range<usize>) -> bool {
    let line = line_of(text, span.clone());
    let before = &text[line.start..span.start];
    let after = &text[span.end..line.end];
    if FORMAT_WORD_AFTER.is_match(after) || FORMAT_WORDS_BEFORE.is_match(before) {
        return true;
    }
    if quotation_around(text, span).is_some_and(|inside| inside.contains(char::is_alphanumeric)) {
        return true;
    }
    let Some(inside_parens) = before.trim_end().strip_suffix('(') else {
        return false;
    };
    after.trim_start().starts_with(')')
        && inside_parens
            .trim_end()
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
}

fn bracket(text: &str, span: Range<usize>, inner: &str) -> Option<Found> {
    let shown = &text[span.clone()];
    let after = text[span.end..].chars().next();
    let before = text[..span.start].chars().next_back();
    if matches!(after, Some('(' | '[' | ':')) || before == Some('\\') || before == Some(']') {
        return None;
    }
    // `[https://example.com/slo]`: an address is written out, not left to fill in.
    if inner.contains("://") {
        return None;
    }
    let lower = inner.to_lowercase();
    if lower.starts_with("e.g.") || lower.starts_with("eg.") || lower.starts_with("for example") {
        return Some(Found {
            span,
            kind: "example",
            tier: Tier::Strong,
            message: format!("template example `{shown}` left in place"),
            help: HELP_FILL,
        });
    }
    let options: Vec<&str> = OPTION_SEP.split(inner).collect();
    if options.len() >= 2 && options.iter().all(|o| is_option(o)) {
        return Some(Found {
            span,
            kind: "option-list",
            tier: Tier::Strong,
            message: format!("option list `{shown}` left unchosen"),
            help: "keep the one option that applies",
        });
    }
    let words_only = inner.starts_with(|c: char| c.is_alphabetic())
        && inner.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && inner.chars().all(|c| {
            c.is_alphanumeric()
                || matches!(
                    c,
                    ' ' | '-'
                        | '/'
                        | '.'
                        | ','
                        | ':'
                        | '\''
                        | '"'
                        | '('
                        | ')'
                        | '<'
                        | '>'
                        | '%'
                        | '&'
                        | '+'
                        | '~'
                )
        });
    words_only.then(|| Found {
        message: format!("`{shown}` looks like an unfilled placeholder"),
        span,
        kind: "brackets",
        tier: Tier::Weak,
        help: HELP_FILL,
    })
}

fn is_option(o: &str) -> bool {
    let o = o.trim();
    !o.is_empty()
        && o.len() <= 40
        && o.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '+'))
}

/// Keeps one finding per stretch of text: strong before weak, then the outermost.
pub(crate) fn dedupe(mut found: Vec<Found>) -> Vec<Found> {
    found.sort_by_key(|f| {
        (
            f.tier == Tier::Weak,
            f.span.start,
            std::cmp::Reverse(f.span.end),
        )
    });
    // Kept stretches never overlap, so ordered by start they are ordered by end too:
    // only the last one starting before a stretch ends can overlap it.
    let mut kept: BTreeMap<usize, Found> = BTreeMap::new();
    for f in found {
        let overlaps = kept
            .range(..f.span.end)
            .next_back()
            .is_some_and(|(_, k)| f.span.start < k.span.end);
        if !overlaps && !kept.contains_key(&f.span.start) {
            kept.insert(f.span.start, f);
        }
    }
    kept.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(&str, Tier)> {
        scan_text(text)
            .into_iter()
            .map(|f| (&text[f.span], f.tier))
            .collect()
    }

    #[test]
    fn strong_patterns() {
        assert_eq!(
            found("Owner: {Team/Person}"),
            [("{Team/Person}", Tier::Strong)]
        );
        assert_eq!(
            found("[staging | production]"),
            [("[staging | production]", Tier::Strong)]
        );
        assert_eq!(
            found("[Blue-Green / Rolling / Canary]"),
            [("[Blue-Green / Rolling / Canary]", Tier::Strong)]
        );
        assert_eq!(
            found("**Last Updated**: [YYYY-MM-DD]"),
            [("YYYY-MM-DD", Tier::Strong)]
        );
        assert_eq!(
            found("curl https://hooks.example/YOUR/WEBHOOK/URL").len(),
            1
        );
        assert_eq!(found(r#"[e.g. "Payments backend"]"#).len(), 1);
    }

    #[test]
    fn weak_patterns() {
        assert_eq!(
            found("Deploy to [target environment]"),
            [("[target environment]", Tier::Weak)]
        );
        assert_eq!(
            found("ask @username, not @oncall; TODO"),
            [("@username", Tier::Weak), ("TODO", Tier::Weak)]
        );
    }

    #[test]
    fn not_placeholders() {
        for text in [
            "{0}",
            "{x, y}",
            "{policy, validation expression}",
            "{Team A, Team B, on-call}",
            "${HOME}",
            "{{ secrets.TOKEN }}",
            "{8A5E1B2C-1234-4abc-9def-0123456789ab}",
            "{userId}",
            "[x]",
            "[1]",
            "a[i]",
            "mail a@username.example",
            "[!NOTE]",
            "[https://example.com/slo]",
        ] {
            assert!(found(text).is_empty(), "{text}: {:?}", found(text));
        }
    }

    #[test]
    fn braces_that_are_no_slots() {
        for text in [
            "Ephemeral containers: /api/v1/namespaces/{namespace}/pods/{name}/ephemeralcontainers",
            "Delete the pod (DELETE /api/v1/namespaces/{Namespace name}/pods).",
            "Probe https://{Service host}.example.com/healthz first.",
            r#"A token name could make "Send {amount} to {recipient}" misleading."#,
            r#"The prompt reads “Deploy {Service name} now”."#,
            "| Current | {NUMA node 0} | Container 1: {1, 2, 3} <br> Container 2: {4} |",
            "The {Wrapper} MAY inherit from {ERC20} or {ERC721Receiver}.",
            "### Passing {Operation}Option to Webhook",
            "{Pod startup latency}[https://example.com/slo] holds.",
            r"$\frac{HQLA}{Total Outflows}$",
        ] {
            let strong: Vec<_> = found(text)
                .into_iter()
                .filter(|(_, tier)| *tier == Tier::Strong)
                .collect();
            assert!(strong.is_empty(), "{text}: {strong:?}");
        }
        // Values assigned in markup or code, addresses and member paths: not even weak.
        for text in [
            "  ```python Python theme={null}",
            "<Tabs groupId={platform}>",
            "title = {Measuring the Persuasiveness of Language Models},",
            "<a href={chunk.maps.uri}>{chunk.maps.title}</a>",
            "url = {https://www.anthropic.com/news/measuring-model-persuasiveness},",
            "Open {https://status.example.com} first.",
        ] {
            assert_eq!(found(text), [], "{text}");
        }
        // Lone words and lowercase asides are weak: quiet outside SoT documents.
        assert_eq!(
            found("> A type is local when {definition given above}."),
            [("{definition given above}", Tier::Weak)]
        );
        assert_eq!(
            found("The {Wrapper} holds the pool."),
            [("{Wrapper}", Tier::Weak)]
        );
    }

    #[test]
    fn braces_that_are_slots() {
        for (text, slot) in [
            (
                "Procedure: {Procedure name}, owned by {Team/Person}.",
                "{Procedure name}",
            ),
            ("| Development | {dev-url} | Active |", "{dev-url}"),
            ("## MON-001: {Metric Name}", "{Metric Name}"),
            (r#"**Title**: "{Procedure name}""#, "{Procedure name}"),
            (
                "Runbook for {Service name}: see /runbooks/index.md",
                "{Service name}",
            ),
            ("- [ ] {Prerequisite 1}", "{Prerequisite 1}"),
            (
                "{e.g. We are developing a new feature that needs...}",
                "{e.g. We are developing a new feature that needs...}",
            ),
        ] {
            assert_eq!(found(text)[0], (slot, Tier::Strong), "{text}");
        }
    }

    #[test]
    fn dates_that_describe_the_format() {
        for text in [
            "Set this to today's date in YYYY-MM-DD format.",
            "Date is an ISO 8601 (YYYY-MM-DD) string.",
            "日付は ISO 8601(YYYY-MM-DD) 形式です。",
            "| Target date (YYYY-MM-DD) | Owner |",
            "Dates are written as YYYY-MM-DD.",
            "Render the date in ISO 8601 form `YYYY-MM-DD`.",
            "**Date format**: YYYY-MM-DD",
            "Recommend a \"Last verified: YYYY-MM-DD; verified by: …\" footer per runbook.",
            "Each entry ends with “Reviewed YYYY-MM-DD”.",
        ] {
            assert!(found(text).is_empty(), "{text}: {:?}", found(text));
        }
        for text in [
            "**Created**: YYYY-MM-DD",
            "last_updated: YYYY-MM-DD",
            "**Created**: (YYYY-MM-DD)",
            "| YYYY-MM-DD | 1.0.0 | Initial runbook |",
            "- Start Date: (fill me in with today's date, YYYY-MM-DD)",
            "Released on YYYY-MM-DD to all regions.",
            "**Created**: \"YYYY-MM-DD\"",
        ] {
            assert_eq!(found(text), [("YYYY-MM-DD", Tier::Strong)], "{text}");
        }
    }
}
