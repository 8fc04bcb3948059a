//! `sot server` driven by a scripted client over its standard input and output:
//! diagnostics as documents are opened, edited, closed and changed on disk.

mod common;

use common::lsp::{clean_workspace, summary, Client};
use serde_json::json;

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

const POLICY: &str = "docs/policies/testing-workflow.md";
const LINKED: &str = "docs/policies/change-management.md";

#[test]
fn files_changed_on_disk_are_read_again_when_the_client_reports_them() {
    let dir = clean_workspace();
    let caps = json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let mut client = Client::start(dir.path(), caps);
    client.open(POLICY);
    assert_eq!(summary(&client.diagnostics(POLICY)), Vec::<String>::new());
    assert!(
        client
            .server_requests
            .contains(&"client/registerCapability".to_string()),
        "the server asks to watch files: {:?}",
        client.server_requests
    );
    let path = dir.path().join(LINKED);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("## Purpose", "## Aim")).unwrap();
    let uri = client.uri(LINKED);
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri, "type": 2 }] }),
    );
    assert_eq!(
        summary(&client.diagnostics(POLICY)),
        ["20:27 broken-anchor"]
    );

    std::fs::remove_file(&path).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri, "type": 3 }] }),
    );
    assert_eq!(summary(&client.diagnostics(POLICY)), ["20:27 broken-link"]);
    client.shutdown();
}

#[test]
fn a_changed_configuration_is_read_again_and_a_broken_one_keeps_the_last_good() {
    let dir = clean_workspace();
    let mut client = Client::start(dir.path(), json!({}));
    let text = client.open(RUNBOOK);
    client.diagnostics(RUNBOOK);
    let typed = text.replace(
        "## Goal\n",
        "## Goal\n\nSee [the plan](../plan.md) first.\n",
    );
    client.change(RUNBOOK, 2, &typed);
    assert_eq!(summary(&client.diagnostics(RUNBOOK)), ["26:15 broken-link"]);

    let config = dir.path().join("sot.toml");
    let uri = client.uri("sot.toml");
    let changed = json!({ "changes": [{ "uri": uri, "type": 2 }] });
    std::fs::write(&config, "[rules]\nbroken-link = \"warning\"\n").unwrap();
    client.notify("workspace/didChangeWatchedFiles", changed.clone());
    let found = client.diagnostics(RUNBOOK);
    assert_eq!(summary(&found), ["26:15 broken-link"]);
    assert_eq!(found[0]["severity"], 2, "a warning now");

    std::fs::write(&config, "[rules]\nbroken-link = \"sometimes\"\n").unwrap();
    client.notify("workspace/didChangeWatchedFiles", changed.clone());
    let shown = client.wait_for("window/showMessage", |_| true);
    let message = shown["message"].as_str().unwrap();
    assert!(message.contains("sot.toml:2:"), "{message}");
    assert!(message.contains("last good settings stay"), "{message}");

    std::fs::write(&config, "[rules]\nbroken-link = \"off\"\n").unwrap();
    client.notify("workspace/didChangeWatchedFiles", changed);
    assert_eq!(summary(&client.diagnostics(RUNBOOK)), Vec::<String>::new());
    client.shutdown();
}

#[test]
fn a_client_that_pulls_diagnostics_is_asked_to_pull_again_when_a_dependency_changes() {
    let dir = clean_workspace();
    let caps = json!({
        "textDocument": { "diagnostic": { "dynamicRegistration": false } },
        "workspace": { "diagnostic": { "refreshSupport": true } },
    });
    let mut client = Client::start(dir.path(), caps);
    client.open(RUNBOOK);
    let pull = |client: &mut Client| summary(&client.pull(RUNBOOK));
    assert_eq!(pull(&mut client), Vec::<String>::new());
    let playbook = client.open(PLAYBOOK);
    let edited = playbook.replace(
        "## DEP-001: Blue-green rollout",
        "## DEP-001: Blue-green rollouts",
    );
    client.change(PLAYBOOK, 2, &edited);
    // Nothing is pushed to a client that pulls; it is told to pull again.
    let refreshes = |client: &Client| {
        client
            .server_requests
            .iter()
            .filter(|m| *m == "workspace/diagnostic/refresh")
            .count()
    };
    let before = refreshes(&client);
    assert_eq!(pull(&mut client), ["27:10 broken-anchor"]);
    assert!(refreshes(&client) >= before);
    assert!(refreshes(&client) > 0, "{:?}", client.server_requests);
    client.shutdown();
}

/// Each finding as `line:column-end_line:end_column severity rule`, 1-based.
fn spots(diagnostics: impl Iterator<Item = (u64, u64, u64, u64, String, String)>) -> Vec<String> {
    let mut spots: Vec<String> = diagnostics
        .map(|(l, c, el, ec, severity, rule)| format!("{l}:{c}-{el}:{ec} {severity} {rule}"))
        .collect();
    spots.sort();
    spots
}

/// What `sot lint FILE` finds in the file at `rel` of the workspace `dir`, as [`spots`].
fn lint_spots(dir: &std::path::Path, rel: &str) -> Vec<String> {
    let lint = common::sot(dir, &["lint", "--no-cache", "--format", "json", rel]);
    let report: serde_json::Value = serde_json::from_slice(&lint.stdout).unwrap();
    spots(
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(json_spot),
    )
}

/// A finding of `sot lint --format json`, taken apart for [`spots`].
fn json_spot(d: &serde_json::Value) -> (u64, u64, u64, u64, String, String) {
    let n = |k: &str| d[k].as_u64().unwrap();
    let s = |k: &str| d[k].as_str().unwrap().to_string();
    let (line, column) = (n("line"), n("column"));
    (
        line,
        column,
        n("end_line"),
        n("end_column"),
        s("severity"),
        s("rule"),
    )
}

/// The server's findings, as [`spots`] (columns in UTF-16 units, which are characters
/// outside the astral planes).
fn server_spots(found: &[serde_json::Value]) -> Vec<String> {
    spots(found.iter().map(|d| {
        let at = |end: &str, k: &str| d["range"][end][k].as_u64().unwrap() + 1;
        let severity = match d["severity"].as_u64() {
            Some(1) => "error",
            Some(2) => "warning",
            _ => "note",
        };
        (
            at("start", "line"),
            at("start", "character"),
            at("end", "line"),
            at("end", "character"),
            severity.to_string(),
            d["code"].as_str().unwrap().to_string(),
        )
    }))
}

#[test]
fn an_open_document_gets_the_findings_sot_lint_gives_that_file() {
    let mut compared = 0;
    let mut workspaces: Vec<_> = std::fs::read_dir(common::repo().join("fixtures/rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    workspaces.push(common::repo().join("fixtures/seeds"));
    workspaces.sort();
    for fixture in workspaces {
        let dir = tempfile::tempdir().unwrap();
        common::copy_dir(&fixture, dir.path());
        let mut files: Vec<String> = common::walk(dir.path())
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .map(|p| p.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        files.sort();
        let mut client = Client::start(dir.path(), json!({}));
        for file in files {
            let Ok(text) = std::fs::read_to_string(dir.path().join(&file)) else {
                continue; // Not UTF-8: no editor buffer holds it as it is.
            };
            let expected = lint_spots(dir.path(), &file);
            client.open_with(&file, &text);
            let found = server_spots(&client.diagnostics(&file));
            assert_eq!(found, expected, "{}: {file}", fixture.display());
            compared += 1;
        }
        client.shutdown();
    }
    assert!(compared >= 60, "{compared} documents compared");
}

#[test]
fn documents_made_from_an_edited_template_are_checked_again() {
    let dir = common::fixture_workspace("templates");
    let mut client = Client::start(dir.path(), json!({}));
    let template = "templates/deployment-runbook.md";
    let text = client.open(template);
    client.diagnostics(template);
    // A section the template no longer has is no longer required of its runbooks.
    let without = text.replace("Rollback Procedure", "Backout Procedure");
    client.change(template, 2, &without);
    let found = client.diagnostics("docs/runbooks/payments.md");
    assert_eq!(
        summary(&found),
        [
            "0:0 missing-field",
            "0:0 missing-section",
            "3:9 invalid-field"
        ]
    );
    assert!(
        found[1]["message"]
            .as_str()
            .unwrap()
            .contains("Backout Procedure"),
        "{found:#?}"
    );
    client.shutdown();
}

#[test]
fn on_a_published_site_links_follow_the_sites_anchors_of_the_edited_page() {
    let dir = common::fixture_workspace("sites/mkdocs");
    let mut client = Client::start(dir.path(), json!({}));
    let install = "docs/guide/install.md";
    let text = client.open(install);
    client.diagnostics(install);
    // Pages link to `../install/#steps`, a URL of the site, not a file path.
    client.change(install, 2, &text.replace("## Steps", "## Procedure"));
    let upgrade = client.diagnostics("docs/guide/upgrade.md");
    let steps: Vec<_> = upgrade
        .iter()
        .filter(|d| d["message"].as_str().unwrap().contains("#steps"))
        .collect();
    assert_eq!(
        summary(&steps.into_iter().cloned().collect::<Vec<_>>()),
        ["4:78 broken-anchor"]
    );
    client.change(install, 3, &text);
    let upgrade = client.diagnostics("docs/guide/upgrade.md");
    assert!(
        upgrade
            .iter()
            .all(|d| !d["message"].as_str().unwrap().contains("#steps")),
        "{upgrade:#?}"
    );
    client.shutdown();
}

#[cfg(unix)]
#[test]
fn a_buffer_opened_through_a_symlink_is_its_targets_document() {
    let dir = common::workspace(&[
        ("guide/index.md", "# Guide\n\nSee [the plan](plan.md).\n"),
        (
            "other.md",
            "# Other\n\nRead [the guide](guide/index.md#guide).\n",
        ),
    ]);
    std::os::unix::fs::symlink("index.md", dir.path().join("guide/README.md")).unwrap();
    let mut client = Client::start(dir.path(), json!({}));
    let text = client.open("guide/README.md");
    // As `sot lint` reports it on the target, but told under the name it was opened by.
    assert_eq!(
        summary(&client.diagnostics("guide/README.md")),
        ["2:15 broken-link"]
    );
    client.change("guide/README.md", 2, &text.replace("# Guide", "# Handbook"));
    assert_eq!(
        summary(&client.diagnostics("other.md")),
        ["2:17 broken-anchor"]
    );
    let uri = client.uri("guide/README.md");
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert_eq!(
        summary(&client.diagnostics("guide/README.md")),
        Vec::<String>::new()
    );
    client.shutdown();
}

#[test]
fn a_dependent_that_is_not_open_is_checked_with_what_its_text_held() {
    let dir = common::workspace(&[
        ("guide.md", "# Guide\n\n## Rollback\n\nUndo the release.\n"),
        (
            "notes.md",
            "# Notes\n\nOwner: {Team name}\n\nSee [rollback](guide.md#rollback).\n\n\
             <!-- sot-disable-next-line placeholder -->\nEscalate to {Manager name}.\n",
        ),
    ]);
    let mut client = Client::start(dir.path(), json!({}));
    let guide = client.open("guide.md");
    assert_eq!(
        summary(&client.diagnostics("guide.md")),
        Vec::<String>::new()
    );
    client.change("guide.md", 2, &guide.replace("## Rollback", "## Roll back"));
    // The placeholder and the suppression were found before notes.md dropped its text.
    assert_eq!(
        summary(&client.diagnostics("notes.md")),
        ["2:7 placeholder", "4:15 broken-anchor"]
    );
    client.shutdown();
}

#[test]
fn a_configuration_with_an_error_at_start_is_reported_and_the_defaults_apply() {
    let dir = common::workspace(&[
        ("sot.toml", "[rules]\nbroken-link = \"sometimes\"\n"),
        ("guide.md", "# Guide\n\nSee [the plan](plan.md).\n"),
    ]);
    let mut client = Client::start(dir.path(), json!({}));
    let shown = client.wait_for("window/showMessage", |_| true);
    assert!(
        shown["message"].as_str().unwrap().contains("sot.toml:2:"),
        "{shown}"
    );
    client.open("guide.md");
    assert_eq!(
        summary(&client.diagnostics("guide.md")),
        ["2:15 broken-link"]
    );
    client.shutdown();
}

#[test]
fn any_sequence_of_edits_ends_with_the_findings_sot_lint_gives_the_final_text() {
    let dir = clean_workspace();
    let mut client = Client::start(dir.path(), json!({}));
    let mut text = client.open(PLAYBOOK);
    client.diagnostics(PLAYBOOK);
    // Pieces that make and break entries, IDs, links, anchors and fields.
    let pieces = [
        "x",
        "\n",
        "\n\n",
        "## DEP-099: Hotfix\n\n**Status**: Active\n",
        "DEP-002",
        "[DEP-001](#dep-001-blue-green-rollout)",
        "](",
        "#",
        "**Owner**: ",
        "é",
        "{Name}",
        "RUN-0",
        "## ",
        "`",
        "DEP-001 to DEP-099",
        "",
    ];
    let mut rng = fastrand::Rng::with_seed(13);
    for version in 2..300 {
        let boundary = |rng: &mut fastrand::Rng, text: &str| loop {
            let at = rng.usize(0..=text.len());
            if text.is_char_boundary(at) {
                return at;
            }
        };
        let a = boundary(&mut rng, &text);
        let b = (a + rng.usize(0..40)).min(text.len());
        let b = (b..=text.len())
            .find(|&b| text.is_char_boundary(b))
            .unwrap();
        let piece = pieces[rng.usize(0..pieces.len())];
        let range = json!({
            "start": common::lsp::position_at(&text, a),
            "end": common::lsp::position_at(&text, b),
        });
        text.replace_range(a..b, piece);
        let uri = client.uri(PLAYBOOK);
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "range": range, "text": piece }],
            }),
        );
    }
    let uri = client.uri(PLAYBOOK);
    let last = client.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri && p["version"] == 299
    });
    let found = server_spots(last["diagnostics"].as_array().unwrap());
    // The same text on disk, linted by the command line.
    std::fs::write(dir.path().join(PLAYBOOK), &text).unwrap();
    assert_eq!(found, lint_spots(dir.path(), PLAYBOOK));
    // Every other document, as the registry kept up to date in memory sees it, against
    // a whole run of the command line (which leaves out what .gitignore ignores).
    let whole = common::sot(dir.path(), &["lint", "--no-cache", "--format", "json"]);
    let whole: serde_json::Value = serde_json::from_slice(&whole.stdout).unwrap();
    for path in common::walk(dir.path()) {
        let rel = path.strip_prefix(dir.path()).unwrap().display().to_string();
        if !rel.ends_with(".md") || rel == PLAYBOOK {
            continue;
        }
        let expected = spots(
            whole["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["file"] == rel.as_str())
                .map(json_spot),
        );
        assert_eq!(server_spots(&client.pull(&rel)), expected, "{rel}");
    }
    client.shutdown();
}

#[test]
fn files_git_ignores_stay_out_of_the_workspace_when_they_appear() {
    let dir = clean_workspace();
    let mut client = Client::start(dir.path(), json!({}));
    client.open(RUNBOOK);
    client.diagnostics(RUNBOOK);
    let copy = "## DEP-001: Blue-green rollout\n\n**Status**: Active\n";
    // `generated/` is in the fixture's .gitignore: its new file is no document.
    let ignored = "generated/copy.md";
    std::fs::write(dir.path().join(ignored), copy).unwrap();
    let uri = client.uri(ignored);
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri, "type": 1 }] }),
    );
    let kept = "docs/copy.md";
    std::fs::write(dir.path().join(kept), copy).unwrap();
    let uri = client.uri(kept);
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri, "type": 1 }] }),
    );
    // Only the copy the walk takes in defines DEP-001 a second time.
    let mut pull = |rel: &str| summary(&client.pull(rel));
    let duplicates = |found: Vec<String>| -> Vec<String> {
        found
            .into_iter()
            .filter(|f| f.ends_with("duplicate-id"))
            .collect()
    };
    assert_eq!(duplicates(pull(kept)), ["0:3 duplicate-id"]);
    assert_eq!(pull(ignored), Vec::<String>::new());
    assert_eq!(pull("SoT.DEPLOYMENT_PLAYBOOK.md"), Vec::<String>::new());
    client.shutdown();
}

#[test]
#[cfg(unix)]
fn a_folder_that_appears_is_read_as_the_walk_reads_it() {
    let dir = clean_workspace();
    let mut client = Client::start(dir.path(), json!({}));
    client.open(RUNBOOK);
    client.diagnostics(RUNBOOK);
    // A folder copied in whole, with its own .gitignore: one event names the folder.
    let copy = "## DEP-001: Blue-green rollout\n\n**Status**: Active\n";
    let vendor = dir.path().join("vendor");
    std::fs::create_dir_all(vendor.join("drafts")).unwrap();
    std::fs::write(vendor.join(".gitignore"), "drafts/\n").unwrap();
    std::fs::write(vendor.join("copy.md"), copy).unwrap();
    std::fs::write(vendor.join("drafts/copy.md"), copy).unwrap();
    // A folder whose .gitignore is a FIFO is left out, as the walk leaves it out:
    // opening the FIFO would block the server.
    std::fs::create_dir(vendor.join("pipe")).unwrap();
    std::fs::write(vendor.join("pipe/copy.md"), copy).unwrap();
    let fifo = vendor.join("pipe/.gitignore");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let uri = client.uri("vendor");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri, "type": 1 }] }),
    );
    let mut pull = |rel: &str| summary(&client.pull(rel));
    let found = pull("vendor/copy.md");
    assert!(found.contains(&"0:3 duplicate-id".to_string()), "{found:?}");
    assert_eq!(pull("vendor/drafts/copy.md"), Vec::<String>::new());
    assert_eq!(pull("vendor/pipe/copy.md"), Vec::<String>::new());
    // The command line sees the same: one copy of DEP-001 more, not two or three.
    let whole = common::sot(dir.path(), &["lint", "--no-cache", "--format", "concise"]);
    let whole = String::from_utf8(whole.stdout).unwrap();
    assert!(whole.contains("vendor/copy.md:1:4"), "{whole}");
    assert!(!whole.contains("vendor/drafts"), "{whole}");
    assert!(!whole.contains("vendor/pipe/copy.md"), "{whole}");
    client.shutdown();
}
