//! GitHub's own slug cases (github-slugger's fixtures, kept in the shared data beside
//! the checkout) must all come out the same, through the slug function and through
//! Markdown headings. Skipped when the shared data is not there (a fresh clone).

use std::fmt::Write;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sot_syntax::{Document, Slugger};

#[derive(Deserialize)]
struct Case {
    name: String,
    input: String,
    expected: String,
}

/// The fixture file, looked for in a `shared/` folder beside any ancestor of the crate;
/// CI sets `SOT_REQUIRE_SHARED` where it must be found.
fn cases() -> Option<Vec<Case>> {
    let relative = Path::new("shared/data/github-slugger/fixtures.json");
    let found = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join(relative))
        .find(|p| p.is_file());
    assert!(
        found.is_some() || std::env::var_os("SOT_REQUIRE_SHARED").is_none(),
        "SOT_REQUIRE_SHARED is set but no {} was found",
        relative.display()
    );
    let path: PathBuf = found?;
    let text = std::fs::read_to_string(&path).unwrap();
    let cases: Vec<Case> = serde_json::from_str(&text).unwrap();
    assert_eq!(cases.len(), 78, "{}", path.display());
    Some(cases)
}

fn check(cases: &[Case], got: impl IntoIterator<Item = String>) {
    let got: Vec<String> = got.into_iter().collect();
    assert_eq!(got.len(), cases.len());
    let failures: Vec<String> = cases
        .iter()
        .zip(&got)
        .filter(|(c, got)| **got != c.expected)
        .map(|(c, got)| format!("{}: got {got:?}, want {:?}", c.name, c.expected))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn slugs_match_github_on_all_fixture_cases() {
    let Some(cases) = cases() else {
        eprintln!("skipped: no shared/data/github-slugger/fixtures.json above the crate");
        return;
    };
    let mut slugger = Slugger::default();
    check(&cases, cases.iter().map(|c| slugger.slug(&c.input)));
}

/// `text` written as ATX heading content that renders back to exactly `text`: ASCII
/// punctuation backslash-escaped, and white space, control and format characters as
/// numeric character references (a literal space at either end would be trimmed).
fn heading_source(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
            out.push(c);
        } else if c.is_whitespace() || c.is_control() || is_format(c) {
            write!(out, "&#x{:X};", c as u32).unwrap();
        } else {
            out.push(c);
        }
    }
    out
}

/// Characters that are invisible in source and could end or shape a line.
fn is_format(c: char) -> bool {
    matches!(c as u32, 0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x8E2 | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB)
        || (0xE0000..=0xE007F).contains(&(c as u32))
}

#[test]
fn markdown_headings_match_github_on_all_fixture_cases() {
    let Some(cases) = cases() else {
        eprintln!("skipped: no shared/data/github-slugger/fixtures.json above the crate");
        return;
    };
    let markdown: String = cases
        .iter()
        .map(|c| format!("## {}\n\n", heading_source(&c.input)))
        .collect();
    let doc = Document::parse("slugs.md", markdown);
    check(&cases, doc.headings.iter().map(|h| h.slug.clone()));
}
