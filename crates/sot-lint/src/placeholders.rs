//! Template placeholder patterns, in two tiers (SPEC section 4): strong ones are
//! unmistakable and checked everywhere; weak ones (`[words]`, `TODO`) are ordinary
//! text in most documentation and are checked only in SoT documents.

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

/// Strong and weak placeholders in prose, frontmatter values or HTML text (never in
/// code: a runbook's `<YOUR_SECRET>` is a parameter the operator fills in at run time).
/// Weak ones are returned too; the caller drops them outside SoT documents.
pub fn scan_text(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    if !TRIGGER.is_match(text) {
        return out;
    }
    for c in BRACES.captures_iter(text) {
        let whole = c.get(0).unwrap();
        if is_phrase(&c[1]) && !code_context(text, whole.range()) {
            // A lone word (`{version}`) is also how prose writes "any version";
            // phrases and joined words (`{Team/Person}`, `{dev-url}`) are templates.
            let lone_word = c[1].chars().all(char::is_alphabetic);
            out.push(Found {
                span: whole.range(),
                kind: "braces",
                tier: if lone_word { Tier::Weak } else { Tier::Strong },
                message: format!("unfilled template placeholder `{}`", whole.as_str()),
                help: HELP_FILL,
            });
        }
    }
    for c in BRACKETS.captures_iter(text) {
        let whole = c.get(0).unwrap();
        let inner = c[1].trim();
        if let Some(found) = bracket(text, whole.range(), inner) {
            out.push(found);
        }
    }
    for c in WEAK_WORDS.captures_iter(text) {
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
    for m in DATE.find_iter(text) {
        out.push(Found {
            span: m.range(),
            kind: "date",
            tier: Tier::Strong,
            message: "template date `YYYY-MM-DD` was never filled in".into(),
            help: "write the real date, e.g. 2024-05-31",
        });
    }
    for m in YOUR.find_iter(text) {
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

/// `${x}`, `{{ x }}`, `foo{bar}`: braces that belong to code.
fn code_context(text: &str, span: Range<usize>) -> bool {
    let before = text[..span.start].chars().next_back();
    let after = text[span.end..].chars().next();
    before.is_some_and(|c| c == '$' || c == '{' || c == '%' || c.is_alphanumeric() || c == '_')
        || after == Some('}')
}

fn bracket(text: &str, span: Range<usize>, inner: &str) -> Option<Found> {
    let shown = &text[span.clone()];
    let after = text[span.end..].chars().next();
    let before = text[..span.start].chars().next_back();
    if matches!(after, Some('(' | '[' | ':')) || before == Some('\\') || before == Some(']') {
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
    let mut kept: Vec<Found> = Vec::new();
    for f in found {
        if !kept
            .iter()
            .any(|k| k.span.start < f.span.end && f.span.start < k.span.end)
        {
            kept.push(f);
        }
    }
    kept.sort_by_key(|f| f.span.start);
    kept
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
        ] {
            assert!(found(text).is_empty(), "{text}: {:?}", found(text));
        }
    }
}
