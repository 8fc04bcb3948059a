//! `docs/rules/<rule>.md` is generated from each rule's doc comment (the text
//! `sot explain` prints). This test fails when a page is stale or missing; run it with
//! `SOT_UPDATE_DOCS=1` to rewrite the pages.

use std::path::PathBuf;

use sot_lint::RULES;

fn page(name: &str, severity: &str, doc: &str) -> String {
    format!("# `{name}`\n\nDefault severity: **{severity}**. `sot explain {name}` prints this page.\n\n{doc}\n")
}

fn index() -> String {
    let mut out = String::from("# Rules\n\nGenerated from the rules' doc comments; `sot rules` prints the same list.\n\n| rule | severity | what it reports |\n|---|---|---|\n");
    for r in RULES {
        out.push_str(&format!(
            "| [`{0}`]({0}.md) | {1} | {2} |\n",
            r.name,
            r.severity,
            r.summary()
        ));
    }
    out
}

#[test]
fn rule_pages_are_up_to_date() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules");
    let update = std::env::var_os("SOT_UPDATE_DOCS").is_some();
    let mut wanted: Vec<(PathBuf, String)> = RULES
        .iter()
        .map(|r| {
            (
                dir.join(format!("{}.md", r.name)),
                page(r.name, r.severity.as_str(), &r.doc()),
            )
        })
        .collect();
    wanted.push((dir.join("README.md"), index()));
    let mut stale = Vec::new();
    for (path, text) in &wanted {
        if std::fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
            if update {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(path, text).unwrap();
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    let known: Vec<_> = wanted.iter().map(|(p, _)| p.clone()).collect();
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        assert!(
            known.contains(&entry.path()),
            "{} documents no rule",
            entry.path().display()
        );
    }
    assert!(
        stale.is_empty(),
        "stale rule docs (rerun with SOT_UPDATE_DOCS=1): {stale:?}"
    );
}
