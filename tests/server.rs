//! `sot server` driven by a scripted client over its standard input and output:
//! diagnostics as documents are opened, edited, closed and changed on disk.

mod common;

use common::lsp::{summary, Client};
use serde_json::json;

fn clean_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&common::repo().join("fixtures/clean"), dir.path());
    dir
}

const PLAYBOOK: &str = "SoT.DEPLOYMENT_PLAYBOOK.md";
const RUNBOOK: &str = "docs/runbooks/payments-deploy.md";

#[test]
fn an_edit_that_breaks_a_link_in_another_file_is_reported_there_and_cleared_when_undone() {
    let dir = clean_workspace();
    let mut client = Client::start(dir.path(), json!({}));
    client.open(RUNBOOK);
    assert_eq!(summary(&client.diagnostics(RUNBOOK)), Vec::<String>::new());
    let playbook = client.open(PLAYBOOK);
    // The runbook's findings stay as they were: it is not told again.
    assert_eq!(summary(&client.diagnostics(PLAYBOOK)), Vec::<String>::new());

    // The runbook links to `#dep-001-blue-green-rollout`: renaming the heading breaks it.
    let edited = playbook.replace(
        "## DEP-001: Blue-green rollout",
        "## DEP-001: Blue-green rollouts",
    );
    client.change(PLAYBOOK, 2, &edited);
    let found = client.diagnostics(RUNBOOK);
    assert_eq!(summary(&found), ["27:10 broken-anchor"], "{found:#?}");
    assert!(found[0]["message"]
        .as_str()
        .unwrap()
        .contains("dep-001-blue-green-rollout"));

    client.change(PLAYBOOK, 3, &playbook);
    assert_eq!(summary(&client.diagnostics(RUNBOOK)), Vec::<String>::new());
    client.shutdown();
}

#[test]
fn a_document_that_links_to_the_edited_one_is_checked_even_when_it_is_not_open() {
    let dir = clean_workspace();
    let mut client = Client::start(dir.path(), json!({}));
    let playbook = client.open(PLAYBOOK);
    client.diagnostics(PLAYBOOK);
    let edited = playbook.replace(
        "## DEP-003: Database schema migration",
        "## DEP-003: Schema",
    );
    client.change(PLAYBOOK, 2, &edited);
    let found = client.diagnostics(RUNBOOK);
    assert_eq!(summary(&found), ["43:55 broken-anchor"], "{found:#?}");
    client.shutdown();
}

#[test]
fn typing_a_broken_link_is_reported_with_the_rule_and_range() {
    let dir = clean_workspace();
    let mut client = Client::start(dir.path(), json!({}));
    let text = client.open(RUNBOOK);
    client.diagnostics(RUNBOOK);
    let typed = text.replace(
        "## Goal\n",
        "## Goal\n\nSee [the plan](../plan.md) first.\n",
    );
    client.change(RUNBOOK, 2, &typed);
    let found = client.diagnostics(RUNBOOK);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["code"], "broken-link");
    assert_eq!(found[0]["source"], "sot");
    assert_eq!(found[0]["severity"], 1);
    assert_eq!(
        found[0]["range"],
        json!({"start": {"line": 26, "character": 15}, "end": {"line": 26, "character": 25}})
    );
    client.shutdown();
}
