//! Reference-shaped text whose label nothing defines is recorded with its form, so the
//! linter can tell a broken `[text][label]` from ordinary `[bracketed words]`.

use sot_syntax::{Document, ReferenceForm};

fn unresolved(markdown: &str) -> Vec<(&str, String, ReferenceForm)> {
    let doc = Document::parse("t.md", markdown.to_string());
    doc.unresolved_references
        .iter()
        .map(|r| (&markdown[r.span.clone()], r.label.clone(), r.form))
        .collect()
}

#[test]
fn each_form_is_recorded_with_its_whole_span() {
    let text = "See [the runbook][run-book], [Rollback][] and [Escalation].\n\n\
                [runbook]: runbooks.md\n";
    assert_eq!(
        unresolved(text),
        [
            (
                "[the runbook][run-book]",
                "run-book".to_string(),
                ReferenceForm::Full
            ),
            (
                "[Rollback][]",
                "Rollback".to_string(),
                ReferenceForm::Collapsed
            ),
            (
                "[Escalation]",
                "Escalation".to_string(),
                ReferenceForm::Shortcut
            ),
        ]
    );
}

#[test]
fn defined_labels_code_footnotes_and_task_boxes_are_not_recorded() {
    let text = "- [ ] check [runbook] and [Runbook][] and [it][RUNBOOK]\n\
                - `[in][code]` and a footnote[^1]\n\n\
                ```\n[fenced][code]\n```\n\n\
                [runbook]: runbooks.md\n[^1]: A note.\n";
    assert_eq!(unresolved(text), []);
}

#[test]
fn spans_count_from_the_start_of_the_file_after_frontmatter() {
    let text = "---\ntitle: x\n---\n\nSee [Escalation].\n";
    let doc = Document::parse("t.md", text.to_string());
    let span = doc.unresolved_references[0].span.clone();
    assert_eq!(&text[span], "[Escalation]");
}
