//! ID-shaped tokens (`DEP-014`, `BR-FEA-001`, `DEP-XXX`) in text. Whether a token is
//! an ID depends on the workspace's known prefixes, which the registry decides.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

static TOKEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:[A-Z][A-Z0-9]{1,9}-){1,2}(?:[0-9]+|X+|N+)").unwrap());
static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:\b[a-z][a-z0-9+.\-]*://|\bwww\.|\bmailto:)[^\s<>\[\]]*").unwrap()
});
static RANGE_JOIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\s*(?:to|through|thru)\s+|\s*(?:–|—|\.\.\.?|-)\s*)$").unwrap()
});

/// An ID-shaped token found in text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IdToken {
    /// Offsets relative to the scanned text.
    pub span: Range<usize>,
    pub prefix: String,
    pub number: String,
    /// Whether the token is one end of a range (`DEP-001 to DEP-099`).
    pub in_range: bool,
}

impl IdToken {
    pub fn id(&self) -> String {
        format!("{}-{}", self.prefix, self.number)
    }

    /// `DEP-XXX`, `DEP-NNN`: a template's stand-in, never a reference.
    pub fn is_placeholder(&self) -> bool {
        !self.number.starts_with(|c: char| c.is_ascii_digit())
    }
}

/// Splits `DEP-014` into (`DEP`, `014`); the prefix may be compound (`BR-FEA`).
pub fn split_id(id: &str) -> Option<(&str, &str)> {
    let (prefix, number) = id.rsplit_once('-')?;
    Some((prefix, number))
}

/// Parses text that is exactly one ID-shaped token.
pub fn parse_id(text: &str) -> Option<IdToken> {
    let m = TOKEN.find(text)?;
    (m.start() == 0 && m.end() == text.len())
        .then(|| token(text, m.range()))
        .flatten()
}

fn token(text: &str, span: Range<usize>) -> Option<IdToken> {
    let (prefix, number) = split_id(&text[span.clone()])?;
    Some(IdToken {
        prefix: prefix.to_string(),
        number: number.to_string(),
        span,
        in_range: false,
    })
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Every ID-shaped token in `text` that stands on its own: not part of a longer word,
/// path or URL.
pub fn id_tokens(text: &str) -> Vec<IdToken> {
    let mut out: Vec<IdToken> = Vec::new();
    if !text.contains('-') {
        return out;
    }
    let mut urls: Option<Vec<Range<usize>>> = None;
    for m in TOKEN.find_iter(text) {
        let before = text[..m.start()].chars().next_back();
        let after = text[m.end()..].chars().next();
        if before.is_some_and(|c| is_word(c) || matches!(c, '-' | '/' | '#' | '@')) {
            continue;
        }
        if after.is_some_and(is_word) {
            continue;
        }
        if after == Some('-') && text[m.end() + 1..].starts_with(|c: char| c.is_alphanumeric()) {
            continue;
        }
        let urls = urls.get_or_insert_with(|| URL.find_iter(text).map(|m| m.range()).collect());
        if urls
            .iter()
            .any(|u| u.start <= m.start() && m.end() <= u.end)
        {
            continue;
        }
        let Some(mut tok) = token(text, m.range()) else {
            continue;
        };
        if let Some(prev) = out.last_mut() {
            if prev.prefix == tok.prefix && RANGE_JOIN.is_match(&text[prev.span.end..m.start()]) {
                prev.in_range = true;
                tok.in_range = true;
            }
        }
        out.push(tok);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<(String, bool)> {
        id_tokens(text)
            .into_iter()
            .map(|t| (t.id(), t.in_range))
            .collect()
    }

    #[test]
    fn finds_ids_and_ranges() {
        assert_eq!(
            ids("see RUN-007, BR-FEA-001 and DEP-001 to DEP-099."),
            [
                ("RUN-007".into(), false),
                ("BR-FEA-001".into(), false),
                ("DEP-001".into(), true),
                ("DEP-099".into(), true)
            ]
        );
        assert_eq!(ids("DEP-001–DEP-009 DEP-001..DEP-002").len(), 4);
        assert!(ids("DEP-001–DEP-009").iter().all(|(_, r)| *r));
    }

    #[test]
    fn skips_urls_paths_and_words() {
        assert!(ids("https://x.example/DEP-001 docs/DEP-002.md xDEP-003 DEP-004-style").is_empty());
        assert_eq!(ids("(DEP-005)"), [("DEP-005".into(), false)]);
    }
}
