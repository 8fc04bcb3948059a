//! `sot server` completing what is typed in an open document: entry IDs (alone, or as
//! a whole link after `[`), anchors after `#` in a link destination, and files and
//! folders in one.

mod common;

use std::path::Path;

use common::lsp::{clean_workspace, Client};
use serde_json::{json, Value};

const PLAYBOOK: &str = "SoT.DEPLOYMENT_PLAYBOOK.md";
const RUNBOOK: &str = "docs/runbooks/payments-deploy.md";
/// The payments runbook's first paragraph: a line typed before it is line 26.
const GOAL: &str = "## Goal\n\n";

fn write(root: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// One open document, typed in.
struct Editor {
    client: Client,
    rel: &'static str,
    text: String,
    version: i32,
}

impl Editor {
    fn open(mut client: Client, rel: &'static str) -> Editor {
        let text = client.open(rel);
        Editor {
            client,
            rel,
            text,
            version: 1,
        }
    }

    /// Puts `line` and a blank line right after `after` in the document as it is on
    /// disk, and asks for completions where `line` has its `|`.
    fn complete(&mut self, after: &str, line: &str) -> Value {
        let (before_cursor, after_cursor) = line.split_once('|').expect("a cursor");
        let at = self.text.find(after).expect("the place to type") + after.len();
        let edited = format!(
            "{}{before_cursor}{after_cursor}\n\n{}",
            &self.text[..at],
            &self.text[at..]
        );
        self.version += 1;
        self.client.change(self.rel, self.version, &edited);
        let line_number = edited[..at].matches('\n').count();
        let character: usize = before_cursor.chars().map(char::len_utf16).sum();
        self.complete_at(json!({ "line": line_number, "character": character }))
    }

    fn complete_at(&mut self, position: Value) -> Value {
        let uri = self.client.uri(self.rel);
        completion(&mut self.client, &uri, position)
    }
}

fn completion(client: &mut Client, uri: &str, position: Value) -> Value {
    client.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": position }),
    )
}

fn items(list: &Value) -> &Vec<Value> {
    list["items"].as_array().expect("a completion list")
}

fn labels(list: &Value) -> Vec<&str> {
    items(list)
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect()
}

/// Each item's edit as `line:start-end text`.
fn edits(list: &Value) -> Vec<String> {
    items(list)
        .iter()
        .map(|i| {
            let edit = &i["textEdit"];
            let range = &edit["range"];
            assert_eq!(range["start"]["line"], range["end"]["line"], "{i}");
            format!(
                "{}:{}-{} {}",
                range["start"]["line"],
                range["start"]["character"],
                range["end"]["character"],
                edit["newText"].as_str().unwrap()
            )
        })
        .collect()
}

fn details(list: &Value) -> Vec<Option<&str>> {
    items(list).iter().map(|i| i["detail"].as_str()).collect()
}

fn empty() -> Value {
    json!({ "isIncomplete": false, "items": [] })
}

#[test]
fn an_id_after_a_bracket_becomes_a_link_relative_to_the_document() {
    let dir = clean_workspace();
    let mut editor = Editor::open(Client::start(dir.path(), json!({})), RUNBOOK);
    let found = editor.complete(GOAL, "Escalate per [RUN-0|");
    assert_eq!(found["isIncomplete"], false);
    let link = "../../SoT.DEPLOYMENT_PLAYBOOK.md";
    assert_eq!(
        edits(&found),
        [
            format!("26:14-19 RUN-001]({link}#run-001-elevated-5xx-on-checkout)"),
            format!("26:14-19 RUN-002]({link}#run-002-payment-database-failover)"),
            format!("26:14-19 RUN-003]({link}#run-003-certificate-rotation)"),
            format!("26:14-19 RUN-004]({link}#run-004-manual-cache-warmup)"),
        ]
    );
    let first = &items(&found)[0];
    assert_eq!(first["label"], "RUN-001");
    assert_eq!(first["detail"], "Elevated 5xx on checkout");
    assert_eq!(
        first["documentation"],
        "Status: Active\nOwner: SRE\nDefined in SoT.DEPLOYMENT_PLAYBOOK.md, line 253"
    );
    assert_eq!(first.get("tags"), None);
    // RUN-004's Status is Deprecated.
    assert_eq!(items(&found)[3]["tags"], json!([1]));

    // The `]` an editor closed the bracket with is replaced too.
    let found = editor.complete(GOAL, "Escalate per [RUN-|]");
    assert_eq!(
        edits(&found)[1],
        format!("26:14-19 RUN-002]({link}#run-002-payment-database-failover)")
    );

    // In the text of a link that has its destination, only the ID is written, over
    // the digits after the cursor too.
    let found = editor.complete(
        GOAL,
        "Follow [DEP-0|0](../../SoT.DEPLOYMENT_PLAYBOOK.md#dep-001-blue-green-rollout).",
    );
    assert_eq!(
        edits(&found),
        [
            "26:8-14 DEP-001",
            "26:8-14 DEP-002",
            "26:8-14 DEP-003",
            "26:8-14 DEP-004"
        ]
    );
    editor.client.shutdown();
}

#[test]
fn a_link_to_an_entry_of_the_same_document_is_its_anchor() {
    let dir = clean_workspace();
    let mut editor = Editor::open(Client::start(dir.path(), json!({})), PLAYBOOK);
    let found = editor.complete("## Environments\n\n", "Watch [MON-|");
    assert_eq!(
        edits(&found),
        [
            "47:7-11 MON-001](#mon-001-checkout-error-rate)",
            "47:7-11 MON-002](#mon-002-api-p95-latency)",
            "47:7-11 MON-003](#mon-003-payment-success-rate)",
        ]
    );
    assert_eq!(
        items(&found)[2]["documentation"],
        "Status: Planned\nOwner: Merchant Growth Team\nDefined in this document, line 402"
    );
    editor.client.shutdown();
}

#[test]
fn an_id_in_prose_completes_to_the_id() {
    let dir = clean_workspace();
    let mut editor = Editor::open(Client::start(dir.path(), json!({})), RUNBOOK);
    let found = editor.complete(GOAL, "As in DEP-| the colours switch.");
    assert_eq!(labels(&found), ["DEP-001", "DEP-002", "DEP-003", "DEP-004"]);
    assert_eq!(
        details(&found),
        [
            Some("Blue-green rollout"),
            Some("Canary release for the API gateway"),
            Some("Database schema migration"),
            Some("Feature flag configuration push"),
        ]
    );
    assert_eq!(edits(&found)[0], "26:6-10 DEP-001");

    // Digits typed so far and after the cursor are replaced; the client narrows the list.
    let found = editor.complete(GOAL, "Launch (GTM-0|02) first.");
    assert_eq!(edits(&found), ["26:8-15 GTM-001", "26:8-15 GTM-002"]);

    // In a link's text after other words, it is a mention: the ID alone.
    let found = editor.complete(GOAL, "[after MON-|");
    assert_eq!(
        edits(&found),
        ["26:7-11 MON-001", "26:7-11 MON-002", "26:7-11 MON-003"]
    );
    editor.client.shutdown();
}

#[test]
fn nothing_is_offered_for_unknown_prefixes_code_or_an_id_inside_a_word() {
    let dir = clean_workspace();
    let mut editor = Editor::open(Client::start(dir.path(), json!({})), RUNBOOK);
    for line in [
        "See ABC-|",
        "See DEP|",
        "Run `deploy --ticket DEP-|` first.",
        "Run ``a ` DEP-|`` first.",
        "See x-DEP-|",
        "See payments/DEP-|",
        "See [|",
        "(see|",
        // A new entry's heading.
        "## DEP-|",
    ] {
        assert_eq!(editor.complete(GOAL, line), empty(), "{line}");
    }
    // A closed code span before the cursor leaves it in prose.
    let found = editor.complete(GOAL, "Run `deploy` after RUN-|");
    assert_eq!(labels(&found).len(), 4);
    // Inside a fenced code block.
    let found = editor.complete("```bash\n", "# follow DEP-|");
    assert_eq!(found, empty());
    editor.client.shutdown();
}

#[test]
fn anchors_after_a_hash_are_those_of_the_file_the_link_names() {
    let dir = clean_workspace();
    let mut editor = Editor::open(Client::start(dir.path(), json!({})), RUNBOOK);
    let found = editor.complete(GOAL, "See [below](#|)");
    assert_eq!(
        labels(&found),
        [
            "deployment-runbook-payments-api",
            "goal",
            "preconditions",
            "deployment-steps",
            "release--communication",
            "whats-new-v2",
            "run-kubectl-rollout-undo-safely",
            "rollback",
            "rollback-1",
            "database-rollback",
            "related-documents",
            "escalation",
        ]
    );
    assert_eq!(
        details(&found)[4..7],
        [
            Some("Release & Communication"),
            Some("What's new? (v2)"),
            Some("Run kubectl rollout undo safely"),
        ]
    );
    // An HTML anchor has no heading.
    assert_eq!(details(&found)[11], None);
    assert_eq!(edits(&found)[1], "26:13-13 goal");

    // In another file, the fragment typed is replaced up to the `)`.
    let found = editor.complete(
        GOAL,
        "See [DEP-001](../../SoT.DEPLOYMENT_PLAYBOOK.md#dep|-00).",
    );
    assert_eq!(labels(&found).len(), 59);
    assert_eq!(
        labels(&found)[..5],
        [
            "deployment-playbook-sot-file",
            "navigation-by-category",
            "environments",
            "dep-001-blue-green-rollout",
            "overview"
        ]
    );
    assert_eq!(details(&found)[3], Some("DEP-001: Blue-green rollout"));
    assert_eq!(edits(&found)[3], "26:47-53 dep-001-blue-green-rollout");

    let found = editor.complete(GOAL, "[Prüfung](database-failover.md#|");
    assert_eq!(
        labels(&found),
        [
            "database-failover-runbook-eu-central-1",
            "goal",
            "preconditions",
            "failover-steps",
            "überprüfung-der-dienste",
            "rollback",
            "related-documents",
        ]
    );
    assert_eq!(details(&found)[4], Some("Überprüfung der Dienste"));

    // The path is read as links are: percent-encoded, or in `<>`.
    let notes = ["release-notes", "november-2024", "september-2024"];
    let found = editor.complete(GOAL, "[notes](../Release%20Notes.md#|");
    assert_eq!(labels(&found), notes);
    let found = editor.complete(GOAL, "[notes](<../Release Notes.md#|>)");
    assert_eq!(labels(&found), notes);
    assert_eq!(edits(&found)[1], "26:29-29 november-2024");

    // No such file, or a file that is no document.
    assert_eq!(editor.complete(GOAL, "[x](missing.md#|"), empty());
    assert_eq!(
        editor.complete(GOAL, "[x](../../config/app.yaml#|"),
        empty()
    );
    editor.client.shutdown();
}

#[test]
fn paths_in_a_destination_list_the_folder_typed_so_far() {
    let dir = clean_workspace();
    let mut editor = Editor::open(Client::start(dir.path(), json!({})), RUNBOOK);
    let found = editor.complete(GOAL, "See [the failover](|)");
    assert_eq!(
        labels(&found),
        [
            "cache-maintenance.md",
            "database-failover.md",
            "payments-deploy.md"
        ]
    );
    assert_eq!(
        details(&found),
        [
            Some("Cache Maintenance Runbook"),
            Some("Database Failover Runbook (eu-central-1)"),
            Some("Deployment Runbook: Payments API"),
        ]
    );
    assert_eq!(
        items(&found).iter().map(|i| &i["kind"]).collect::<Vec<_>>(),
        [17, 17, 17]
    );

    // Markdown first, then folders; a name is written as a destination needs it.
    let found = editor.complete(GOAL, "See [notes](../|)");
    assert_eq!(
        labels(&found),
        ["Release Notes.md", "policies/", "runbooks/"]
    );
    assert_eq!(
        edits(&found),
        [
            "26:15-15 Release%20Notes.md",
            "26:15-15 policies/",
            "26:15-15 runbooks/"
        ]
    );
    assert_eq!(items(&found)[0]["filterText"], "Release%20Notes.md");
    assert_eq!(items(&found)[1]["kind"], 19);
    assert_eq!(items(&found)[1].get("filterText"), None);

    // In `<>`, as it is; the name typed so far is replaced.
    let found = editor.complete(GOAL, "See [notes](<../Rel|>)");
    assert_eq!(edits(&found)[0], "26:16-19 Release Notes.md");

    let found = editor.complete(GOAL, "[top](../../|");
    assert_eq!(
        labels(&found),
        [
            "README.md",
            "SoT.DEPLOYMENT_PLAYBOOK.md",
            "config/",
            "docs/",
            ".gitignore",
            "sot.toml"
        ]
    );
    // From the root with `/`, and in a reference definition.
    let found = editor.complete(GOAL, "[p](/docs/policies/|");
    assert_eq!(
        labels(&found),
        ["change-management.md", "testing-workflow.md"]
    );
    let found = editor.complete(GOAL, "[policy]: ../policies/t|");
    assert_eq!(
        edits(&found),
        [
            "26:22-23 change-management.md",
            "26:22-23 testing-workflow.md"
        ]
    );
    // A folder that is not there, a URL.
    assert_eq!(editor.complete(GOAL, "[x](../nowhere/|"), empty());
    assert_eq!(editor.complete(GOAL, "[x](https://|"), empty());
    editor.client.shutdown();

    let mut editor = Editor::open(Client::start(dir.path(), json!({})), "README.md");
    let found = editor.complete("## Runbooks\n\n", "- [Cache](docs/run|books/)");
    assert_eq!(
        edits(&found),
        [
            "7:15-23 Release%20Notes.md",
            "7:15-23 policies/",
            "7:15-23 runbooks/"
        ]
    );
    editor.client.shutdown();
}

#[test]
fn a_folder_lists_markdown_then_folders_then_other_files() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("guide/index.md", "# Guide\n\nSee [setup]().\n"),
            ("guide/setup.md", "# Setting up\n"),
            ("guide/Zebra.markdown", "no heading\n"),
            ("guide/diagram.png", "png"),
            ("guide/a-notes.txt", "notes"),
            ("guide/images/logo.svg", "svg"),
            ("guide/api/index.md", "# API\n"),
        ],
    );
    let mut editor = Editor::open(Client::start(dir.path(), json!({})), "guide/index.md");
    let found = editor.complete_at(json!({ "line": 2, "character": 12 }));
    assert_eq!(
        labels(&found),
        [
            "Zebra.markdown",
            "index.md",
            "setup.md",
            "api/",
            "images/",
            "a-notes.txt",
            "diagram.png"
        ]
    );
    assert_eq!(
        details(&found),
        [
            None,
            Some("Guide"),
            Some("Setting up"),
            None,
            None,
            None,
            None
        ]
    );
    editor.client.shutdown();
}

#[test]
fn on_a_mkdocs_site_folders_anchors_and_links_are_the_sites() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("sot.toml", "[links]\nsite = \"mkdocs\"\nroot = \"docs\"\n"),
            (
                "docs/index.md",
                "# Home\n\n## Über die Dienste\n\n## ADR-001: Use Postgres\n\n**ID**: ADR-001\n**Status**: Accepted\n",
            ),
            ("docs/guide/setup.md", "# Setup\n\nText.\n"),
            ("docs/guide/img/a.png", "png"),
        ],
    );
    let mut editor = Editor::open(Client::start(dir.path(), json!({})), "docs/guide/setup.md");
    // On a page, `../` is a URL; the files are still linked as files.
    let found = editor.complete("Text.\n", "[home](../|");
    assert_eq!(labels(&found), ["index.md", "guide/"]);
    // `/` is the site's root.
    let found = editor.complete("Text.\n", "[home](/|");
    assert_eq!(labels(&found), ["index.md", "guide/"]);
    let found = editor.complete("Text.\n", "[home](./|");
    assert_eq!(labels(&found), ["setup.md", "img/"]);
    // Anchors as MkDocs makes them.
    let found = editor.complete("Text.\n", "[home](../index.md#|");
    assert_eq!(
        labels(&found),
        ["home", "uber-die-dienste", "adr-001-use-postgres"]
    );
    let found = editor.complete("Text.\n", "Per [ADR-|");
    assert_eq!(
        edits(&found),
        ["3:5-9 ADR-001](../index.md#adr-001-use-postgres)"]
    );
    assert_eq!(
        items(&found)[0]["documentation"],
        "Status: Accepted\nDefined in docs/index.md, line 5"
    );
    editor.client.shutdown();
}

#[test]
fn an_id_is_offered_once_in_number_order_and_a_long_list_is_narrowed() {
    let dir = tempfile::tempdir().unwrap();
    let many: String = (1..=600)
        .map(|n| format!("## TK-{n}: Task {n}\n\n**ID**: TK-{n}\n\n"))
        .collect();
    write(
        dir.path(),
        &[
            (
                "a.md",
                "# Decisions\n\n## ADR-10: Ten\n\n**ID**: ADR-10\n\n## ADR-2: Two\n\n**ID**: ADR-2\n**Owner**: Alice\n",
            ),
            ("b.md", "# Copy\n\n## ADR-2: Two again\n\n**ID**: ADR-2\n"),
            ("c.md", "# Notes\n\nText.\n"),
            ("tasks.md", &format!("# Tasks\n\n{many}")),
        ],
    );
    let mut editor = Editor::open(Client::start(dir.path(), json!({})), "c.md");
    let found = editor.complete("# Notes\n\n", "See ADR-|");
    assert_eq!(labels(&found), ["ADR-2", "ADR-10"]);
    // The canonical definition of the ID defined twice: the first in path order.
    assert_eq!(details(&found), [Some("Two"), Some("Ten")]);
    assert_eq!(
        items(&found)[0]["documentation"],
        "Owner: Alice\nDefined in a.md, line 7"
    );

    let found = editor.complete("# Notes\n\n", "See TK-|");
    assert_eq!(found["isIncomplete"], true);
    let listed = labels(&found);
    assert_eq!(listed.len(), 500);
    assert_eq!(
        (listed[0], listed[9], listed[499]),
        ("TK-1", "TK-10", "TK-500")
    );
    // Narrowed to what starts with the text typed: TK-5, TK-50 to TK-59, TK-500 to TK-599.
    let found = editor.complete("# Notes\n\n", "See TK-5|");
    assert_eq!(found["isIncomplete"], true);
    let listed = labels(&found);
    assert_eq!(listed.len(), 111);
    assert_eq!(
        (listed[0], listed[1], listed[110]),
        ("TK-5", "TK-50", "TK-599")
    );
    editor.client.shutdown();
}

#[test]
fn positions_are_in_the_clients_encoding() {
    let dir = clean_workspace();
    let line = "Über 😀 [Prüfung](database-failover.md#|";
    let mut editor = Editor::open(Client::start(dir.path(), json!({})), RUNBOOK);
    let found = editor.complete(GOAL, line);
    assert_eq!(edits(&found)[1], "26:39-39 goal");
    editor.client.shutdown();

    let utf8 = json!({ "general": { "positionEncodings": ["utf-8"] } });
    let mut editor = Editor::open(Client::start(dir.path(), utf8), RUNBOOK);
    let before = &line[..line.find('|').unwrap()];
    editor.version += 1;
    let text = editor
        .text
        .replacen(GOAL, &format!("{GOAL}{before}\n\n"), 1);
    editor.client.change(RUNBOOK, editor.version, &text);
    let found = editor.complete_at(json!({ "line": 26, "character": before.len() }));
    assert_eq!(edits(&found)[1], "26:43-43 goal");
    editor.client.shutdown();
}

#[test]
fn bad_input_gets_an_empty_list() {
    let dir = clean_workspace();
    let mut editor = Editor::open(Client::start(dir.path(), json!({})), RUNBOOK);
    editor.complete(GOAL, "See DEP-|");
    // Past the last line, past the end of a line.
    assert_eq!(
        editor.complete_at(json!({ "line": 900, "character": 0 })),
        empty()
    );
    assert_eq!(
        editor.complete_at(json!({ "line": 26, "character": 9 })),
        empty()
    );
    let client = &mut editor.client;
    // A document that is not open, a file that is no document, a file outside the
    // workspace, another scheme.
    for uri in [
        client.uri(PLAYBOOK),
        client.uri("config/app.yaml"),
        client.uri("docs/missing.md"),
        "file:///elsewhere/notes.md".to_string(),
        "untitled:Untitled-1".to_string(),
    ] {
        let found = completion(client, &uri, json!({ "line": 0, "character": 0 }));
        assert_eq!(found, empty(), "{uri}");
    }
    // Parameters that are no completion request's: an error, and the server goes on.
    let error = client
        .try_request("textDocument/completion", json!({ "position": 3 }))
        .unwrap_err();
    assert_eq!(error["code"], -32602);
    assert_eq!(labels(&editor.complete(GOAL, "See DEP-|")).len(), 4);
    editor.client.shutdown();
}
