//! GitHub's own slug cases (github-slugger's fixtures, kept in the shared data beside
//! the checkout) must all come out the same.

use std::path::PathBuf;

use serde::Deserialize;
use sot_syntax::Slugger;

#[derive(Deserialize)]
struct Case {
    name: String,
    input: String,
    expected: String,
}

#[test]
fn slugs_match_github_on_all_fixture_cases() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/github-slugger/fixtures.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the shared slug fixtures are needed at {}: {e}",
            path.display()
        )
    });
    let cases: Vec<Case> = serde_json::from_str(&text).unwrap();
    assert_eq!(cases.len(), 78);
    let mut slugger = Slugger::default();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            let got = slugger.slug(&c.input);
            (got != c.expected).then(|| format!("{}: got {got:?}, want {:?}", c.name, c.expected))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
