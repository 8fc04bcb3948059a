//! `sot server` proposing edits the client applies: renames of IDs and headings, the
//! link edits of files and folders moved in the editor, and code actions (the fixes
//! of findings, every safe fix at once, the next free ID, a new entry). Each edit is
//! checked applied to the text the client has, and against what the command line
//! makes of the same change.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::lsp::{clean_workspace, position_of, summary, Client};
use serde_json::{json, Value};

const PLAYBOOK: &str = "SoT.DEPLOYMENT_PLAYBOOK.md";
const RUNBOOK: &str = "docs/runbooks/payments-deploy.md";
const FAILOVER: &str = "docs/runbooks/database-failover.md";

/// A client that takes versioned document changes, prepares renames and resolves
/// code actions' edits.
fn full_client() -> Value {
    json!({
        "workspace": { "workspaceEdit": { "documentChanges": true } },
        "textDocument": {
            "rename": { "prepareSupport": true },
            "codeAction": {
                "dataSupport": true,
                "resolveSupport": { "properties": ["edit"] },
            },
        },
    })
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap()
}

/// Every Markdown file under `root`, by root-relative path, with its text.
fn markdown_files(root: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy();
                files.insert(
                    rel.replace('\\', "/"),
                    std::fs::read_to_string(&path).unwrap(),
                );
            }
        }
    }
    files
}

/// The byte offset of an LSP position (UTF-16 characters) in `text`.
fn offset(text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().unwrap() as usize;
    let character = position["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// Each document a workspace edit changes, by root-relative path, with its edits as
/// `(range, new text)` and its version when the edit names one.
fn edits_by_file(client: &Client, edit: &Value) -> BTreeMap<String, (Value, Vec<Value>)> {
    let root = client.uri("");
    let rel = |uri: &str| {
        let rel = uri.strip_prefix(&root).unwrap().trim_start_matches('/');
        percent_decode(rel)
    };
    let mut files = BTreeMap::new();
    if let Some(changes) = edit["changes"].as_object() {
        for (uri, edits) in changes {
            files.insert(rel(uri), (Value::Null, edits.as_array().unwrap().clone()));
        }
    }
    if let Some(documents) = edit["documentChanges"].as_array() {
        for d in documents {
            let id = &d["textDocument"];
            let edits = d["edits"].as_array().unwrap().clone();
            files.insert(
                rel(id["uri"].as_str().unwrap()),
                (id["version"].clone(), edits),
            );
        }
    }
    files
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The texts a workspace edit makes, applied as a client applies it to `texts` (the
/// buffers and files it has), by root-relative path.
fn apply(
    client: &Client,
    edit: &Value,
    texts: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut out = texts.clone();
    for (rel, (_, edits)) in edits_by_file(client, edit) {
        let before = &texts[&rel];
        let mut spans: Vec<(usize, usize, &str)> = edits
            .iter()
            .map(|e| {
                (
                    offset(before, &e["range"]["start"]),
                    offset(before, &e["range"]["end"]),
                    e["newText"].as_str().unwrap(),
                )
            })
            .collect();
        spans.sort();
        let mut text = String::new();
        let mut at = 0;
        for (start, end, new) in spans {
            assert!(start >= at, "overlapping edits in {rel}: {edits:#?}");
            text.push_str(&before[at..start]);
            text.push_str(new);
            at = end;
        }
        text.push_str(&before[at..]);
        out.insert(rel, text);
    }
    out
}

/// Each edit as `line:character-line:character new text`, for short assertions.
fn edit_summary(edits: &[Value]) -> Vec<String> {
    edits
        .iter()
        .map(|e| {
            let r = &e["range"];
            format!(
                "{}:{}-{}:{} {}",
                r["start"]["line"],
                r["start"]["character"],
                r["end"]["line"],
                r["end"]["character"],
                e["newText"].as_str().unwrap()
            )
        })
        .collect()
}

fn at(client: &Client, rel: &str, position: Value) -> Value {
    json!({ "textDocument": { "uri": client.uri(rel) }, "position": position })
}

fn rename_params(client: &Client, rel: &str, position: Value, new_name: &str) -> Value {
    let mut params = at(client, rel, position);
    params["newName"] = json!(new_name);
    params
}

#[test]
fn renaming_an_id_at_a_link_text_is_the_change_sot_rename_makes() {
    let dir = clean_workspace();
    let mut client = Client::start(dir.path(), full_client());
    let runbook = client.open(RUNBOOK);
    let position = position_of(&runbook, "DEP-003](");
    let prepared = client.request(
        "textDocument/prepareRename",
        at(&client, RUNBOOK, position.clone()),
    );
    assert_eq!(
        prepared,
        json!({
            "range": {"start": {"line": 43, "character": 46}, "end": {"line": 43, "character": 53}},
            "placeholder": "DEP-003",
        })
    );
    let edit = client.request(
        "textDocument/rename",
        rename_params(&client, RUNBOOK, position, "DEP-010"),
    );
    let files = edits_by_file(&client, &edit);
    // Versioned for the open document, not for the others.
    assert_eq!(files[RUNBOOK].0, json!(1));
    assert_eq!(files[PLAYBOOK].0, Value::Null);
    assert_eq!(
        edit_summary(&files[RUNBOOK].1),
        ["43:50-43:53 010", "43:92-43:95 010"],
        "{edit:#}"
    );
    let before = markdown_files(dir.path());
    let after = apply(&client, &edit, &before);
    // The server wrote nothing.
    assert_eq!(markdown_files(dir.path()), before);

    let cli = clean_workspace();
    let out = common::sot(cli.path(), &["rename", "DEP-003", "DEP-010"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(after, markdown_files(cli.path()));
    client.shutdown();
}

#[test]
fn a_rename_sot_rename_refuses_is_an_error_with_its_message() {
    let dir = clean_workspace();
    let mut client = Client::start(dir.path(), json!({}));
    let playbook = client.open(PLAYBOOK);
    let heading = position_of(&playbook, "DEP-003: Database");
    let refused = |client: &mut Client, new_name: &str| {
        let params = rename_params(client, PLAYBOOK, heading.clone(), new_name);
        let error = client
            .try_request("textDocument/rename", params)
            .unwrap_err();
        assert_eq!(error["code"], -32803, "{error}");
        error["message"].as_str().unwrap().to_string()
    };
    assert_eq!(
        refused(&mut client, "DEP-001"),
        "`DEP-001` is already defined at SoT.DEPLOYMENT_PLAYBOOK.md:56"
    );
    assert_eq!(
        refused(&mut client, "DEP-XXX"),
        "`DEP-XXX` is not an ID: a prefix (DEP, BR-FEA) then `-` and a number, e.g. DEP-014"
    );
    assert_eq!(
        refused(&mut client, "ZZZ-001"),
        "`ZZZ` is not a known prefix (the workspace knows DEP, GTM, MON, RUN); declare it \
         first, e.g. in the id_prefix of the file that will hold it"
    );
    client.shutdown();
}

#[test]
fn places_with_nothing_to_rename_and_unknown_documents_get_null() {
    let dir = clean_workspace();
    let mut client = Client::start(dir.path(), json!({}));
    let runbook = client.open(RUNBOOK);
    let goal = position_of(&runbook, "## Goal");
    let line_end = json!({ "line": goal["line"], "character": 99 });
    let places = [
        (
            client.uri(RUNBOOK),
            position_of(&runbook, "Ship payments-api"),
        ),
        (client.uri(RUNBOOK), line_end),
        (client.uri(RUNBOOK), json!({ "line": 5000, "character": 0 })),
        (
            client.uri("docs/none.md"),
            json!({ "line": 0, "character": 0 }),
        ),
        (
            "file:///nowhere/else.md".to_string(),
            json!({ "line": 0, "character": 0 }),
        ),
        (
            "untitled:Untitled-1".to_string(),
            json!({ "line": 0, "character": 0 }),
        ),
    ];
    for (uri, position) in places {
        let params = json!({ "textDocument": { "uri": uri }, "position": position });
        let prepared = client.request("textDocument/prepareRename", params.clone());
        assert_eq!(prepared, Value::Null, "{params}");
        let mut params = params;
        params["newName"] = json!("DEP-010");
        assert_eq!(
            client.request("textDocument/rename", params.clone()),
            Value::Null,
            "{params}"
        );
    }
    client.shutdown();
}

#[test]
fn renaming_a_heading_moves_the_links_to_its_anchor_and_to_the_headings_it_renumbers() {
    let dir = clean_workspace();
    let mut client = Client::start(dir.path(), json!({}));
    let runbook = client.open(RUNBOOK);
    let position = position_of(&runbook, "## Rollback\n");
    let prepared = client.request(
        "textDocument/prepareRename",
        at(&client, RUNBOOK, position.clone()),
    );
    assert_eq!(
        prepared,
        json!({
            "range": {"start": {"line": 83, "character": 3}, "end": {"line": 83, "character": 11}},
            "placeholder": "Rollback",
        })
    );
    // `### Rollback` was `#rollback-1`; it becomes `#rollback`, and the heading renamed
    // is `#roll-back`.
    let edit = client.request(
        "textDocument/rename",
        rename_params(&client, RUNBOOK, position, "Roll back"),
    );
    let files = edits_by_file(&client, &edit);
    assert_eq!(
        files.keys().collect::<Vec<_>>(),
        [FAILOVER, RUNBOOK],
        "{edit:#}"
    );
    assert_eq!(
        edit_summary(&files[RUNBOOK].1),
        ["83:3-83:11 Roll back", "89:37-89:39 "]
    );
    assert_eq!(edit_summary(&files[FAILOVER].1), ["62:51-62:59 roll-back"]);

    let before = markdown_files(dir.path());
    let after = apply(&client, &edit, &before);
    assert!(after[RUNBOOK].contains("\n## Roll back\n"));
    assert!(after[RUNBOOK].contains("Repeat the [rollback steps](#rollback) for"));
    assert!(after[FAILOVER].contains("(payments-deploy.md#roll-back)"));
    // Every link still leads where it did.
    for (rel, text) in &after {
        std::fs::write(dir.path().join(rel), text).unwrap();
    }
    let lint = common::sot(dir.path(), &["lint"]);
    assert!(lint.status.success(), "{}", common::stdout(&lint));
    client.shutdown();
}

#[test]
fn renaming_an_entry_title_keeps_its_id_and_follows_links_in_other_files() {
    let dir = clean_workspace();
    let mut client = Client::start(dir.path(), full_client());
    let playbook = client.open(PLAYBOOK);
    let heading = position_of(&playbook, "## DEP-001: Blue-green rollout");
    let on_title = json!({ "line": heading["line"], "character": 20 });
    let prepared = client.request(
        "textDocument/prepareRename",
        at(&client, PLAYBOOK, on_title.clone()),
    );
    assert_eq!(
        prepared,
        json!({
            "range": {"start": {"line": 55, "character": 12}, "end": {"line": 55, "character": 30}},
            "placeholder": "Blue-green rollout",
        })
    );
    let on_id = json!({ "line": heading["line"], "character": 5 });
    let prepared = client.request("textDocument/prepareRename", at(&client, PLAYBOOK, on_id));
    assert_eq!(prepared["placeholder"], "DEP-001");

    let edit = client.request(
        "textDocument/rename",
        rename_params(&client, PLAYBOOK, on_title, "Blue-green deployment"),
    );
    let files = edits_by_file(&client, &edit);
    assert_eq!(files[PLAYBOOK].0, json!(1));
    assert_eq!(
        edit_summary(&files[PLAYBOOK].1),
        [
            "19:32-19:39 deployment",
            "55:23-55:30 deployment",
            "131:32-131:39 deployment",
            "167:32-167:39 deployment",
        ]
    );
    assert_eq!(edit_summary(&files[RUNBOOK].1), ["27:62-27:69 deployment"]);
    let after = apply(&client, &edit, &markdown_files(dir.path()));
    for (rel, text) in &after {
        std::fs::write(dir.path().join(rel), text).unwrap();
    }
    let lint = common::sot(dir.path(), &["lint"]);
    assert!(lint.status.success(), "{}", common::stdout(&lint));
    client.shutdown();
}

#[test]
fn a_rename_edits_the_open_buffer_as_the_client_has_it() {
    let dir = clean_workspace();
    let mut client = Client::start(dir.path(), full_client());
    let runbook = client.open(RUNBOOK);
    let typed = runbook.replace("## Goal\n\n", "## Goal\n\nCheck DEP-003 first.\n\n");
    client.change(RUNBOOK, 2, &typed);
    // The playbook is not open: its text is read from disk.
    let playbook = read(dir.path(), PLAYBOOK);
    let position = position_of(&playbook, "DEP-003: Database");
    let edit = client.request(
        "textDocument/rename",
        rename_params(&client, PLAYBOOK, position, "DEP-010"),
    );
    let files = edits_by_file(&client, &edit);
    assert_eq!(files[RUNBOOK].0, json!(2));
    assert_eq!(
        edit_summary(&files[RUNBOOK].1),
        ["26:10-26:13 010", "45:50-45:53 010", "45:92-45:95 010"]
    );
    let mut texts = markdown_files(dir.path());
    texts.insert(RUNBOOK.into(), typed.clone());
    let after = apply(&client, &edit, &texts);
    assert_eq!(
        after[RUNBOOK],
        typed
            .replace("DEP-003", "DEP-010")
            .replace("#dep-003-", "#dep-010-")
    );
    client.shutdown();
}

/// The parameters of `workspace/willRenameFiles` and `workspace/didRenameFiles` for
/// moves between root-relative paths.
fn file_renames(client: &Client, moves: &[(&str, &str)]) -> Value {
    let files: Vec<Value> = moves
        .iter()
        .map(|(from, to)| json!({ "oldUri": client.uri(from), "newUri": client.uri(to) }))
        .collect();
    json!({ "files": files })
}

/// What the client has after applying `edit` to the files and making the moves.
fn edited_and_moved(
    client: &Client,
    edit: &Value,
    moves: &[(&str, &str)],
) -> BTreeMap<String, String> {
    let applied = apply(client, edit, &markdown_files(&client.root));
    applied
        .into_iter()
        .map(|(rel, text)| {
            let moved = moves.iter().find_map(|(from, to)| {
                let rest = rel.strip_prefix(from)?;
                (rest.is_empty() || rest.starts_with('/')).then(|| format!("{to}{rest}"))
            });
            (moved.unwrap_or(rel), text)
        })
        .collect()
}

#[test]
fn moving_a_file_or_folder_in_the_editor_rewrites_the_links_sot_mv_rewrites() {
    for (from, to) in [
        (RUNBOOK, "docs/payments-deploy.md"),
        ("docs/runbooks", "runbooks"),
    ] {
        let dir = clean_workspace();
        let mut client = Client::start(dir.path(), full_client());
        let moves = [(from, to)];
        let edit = client.request("workspace/willRenameFiles", file_renames(&client, &moves));
        let files = edits_by_file(&client, &edit);
        // The edits address the files where they are before the move.
        assert!(files.contains_key(PLAYBOOK), "{edit:#}");
        let after = edited_and_moved(&client, &edit, &moves);

        let cli = clean_workspace();
        let out = common::sot(cli.path(), &["mv", from, to]);
        assert!(out.status.success(), "{out:?}");
        assert_eq!(after, markdown_files(cli.path()), "{from} to {to}");
        client.shutdown();
    }
}

#[test]
fn the_link_edits_of_a_file_move_are_exact_and_the_server_writes_nothing() {
    let dir = clean_workspace();
    let mut client = Client::start(dir.path(), json!({}));
    let before = markdown_files(dir.path());
    let moves = [(FAILOVER, "docs/failover.md")];
    let edit = client.request("workspace/willRenameFiles", file_renames(&client, &moves));
    let files: BTreeMap<String, Vec<String>> = edits_by_file(&client, &edit)
        .into_iter()
        .map(|(rel, (_, edits))| (rel, edit_summary(&edits)))
        .collect();
    assert_eq!(
        files.keys().collect::<Vec<_>>(),
        ["README.md", PLAYBOOK, FAILOVER, RUNBOOK],
        "{edit:#}"
    );
    assert_eq!(files["README.md"], ["8:27-8:45 "]);
    assert_eq!(files[PLAYBOOK], ["307:59-307:77 "]);
    // The moved document's own links, written from its new folder.
    assert_eq!(
        files[FAILOVER],
        [
            "22:13-22:16 ",
            "29:70-29:73 ",
            "58:27-58:30 ",
            "62:32-62:32 runbooks/",
            "63:18-63:21 ",
        ]
    );
    assert_eq!(files[RUNBOOK], ["99:22-99:31 ../", "100:20-100:29 ../"]);
    assert_eq!(markdown_files(dir.path()), before);
    client.shutdown();
}

#[cfg(unix)]
#[test]
fn a_move_sot_mv_refuses_gets_no_edits_and_a_log_message() {
    let dir = clean_workspace();
    std::os::unix::fs::symlink(
        "runbooks/payments-deploy.md",
        dir.path().join("docs/current.md"),
    )
    .unwrap();
    let mut client = Client::start(dir.path(), json!({}));
    let moves = [(RUNBOOK, "docs/payments-deploy.md")];
    let edit = client.request("workspace/willRenameFiles", file_renames(&client, &moves));
    assert_eq!(edit, Value::Null);
    let log = client.wait_for("window/logMessage", |p| {
        p["message"]
            .as_str()
            .unwrap()
            .contains("links not rewritten")
    });
    assert_eq!(
        log["message"],
        "sot: links not rewritten for a move: docs/current.md is a symlink that would no \
         longer lead where it does once docs/runbooks/payments-deploy.md moves; move or \
         change it first"
    );
    // Moving the symlink itself is refused too; a move outside the workspace is not ours.
    let moves = [("docs/current.md", "docs/now.md")];
    let edit = client.request("workspace/willRenameFiles", file_renames(&client, &moves));
    assert_eq!(edit, Value::Null);
    let outside = json!({ "files": [{
        "oldUri": "file:///elsewhere/a.md", "newUri": "file:///elsewhere/b.md",
    }]});
    assert_eq!(
        client.request("workspace/willRenameFiles", outside),
        Value::Null
    );
    client.shutdown();
}

#[test]
fn files_moved_by_the_client_leave_the_workspace_and_come_back_where_they_went() {
    let dir = clean_workspace();
    let mut client = Client::start(dir.path(), json!({}));
    client.open(RUNBOOK);
    assert_eq!(summary(&client.diagnostics(RUNBOOK)), Vec::<String>::new());

    // Moved without its links rewritten: the runbook's links into it break.
    let moves = [("docs/policies", "docs/rules")];
    std::fs::rename(
        dir.path().join("docs/policies"),
        dir.path().join("docs/rules"),
    )
    .unwrap();
    client.notify("workspace/didRenameFiles", file_renames(&client, &moves));
    let found = client.diagnostics(RUNBOOK);
    assert_eq!(
        summary(&found),
        [
            "33:60 broken-link",
            "34:49 broken-link",
            "37:54 broken-link",
            "63:58 broken-link",
            "102:36 broken-link",
            "107:6 broken-link",
            "108:20 broken-link",
        ],
        "{found:#?}"
    );

    let back = [("docs/rules", "docs/policies")];
    std::fs::rename(
        dir.path().join("docs/rules"),
        dir.path().join("docs/policies"),
    )
    .unwrap();
    client.notify("workspace/didRenameFiles", file_renames(&client, &back));
    assert_eq!(summary(&client.diagnostics(RUNBOOK)), Vec::<String>::new());
    client.shutdown();
}

#[test]
fn files_moved_together_keep_the_links_between_them_as_written() {
    let dir = clean_workspace();
    let mut client = Client::start(dir.path(), json!({}));
    let moves = [
        (RUNBOOK, "docs/payments-deploy.md"),
        (FAILOVER, "docs/database-failover.md"),
    ];
    let edit = client.request("workspace/willRenameFiles", file_renames(&client, &moves));
    let log = client.wait_for("window/logMessage", |p| {
        p["message"].as_str().unwrap().contains("moved together")
    });
    assert_eq!(
        log["message"],
        "sot: warning: docs/runbooks/database-failover.md:63:33: `payments-deploy.md#rollback` \
         left as written (it links files moved together); check it with `sot lint` after the move"
    );
    let after = edited_and_moved(&client, &edit, &moves);

    // The same as moving one, then the other.
    let cli = clean_workspace();
    for (from, to) in moves {
        let out = common::sot(cli.path(), &["mv", from, to]);
        assert!(out.status.success(), "{out:?}");
    }
    assert_eq!(after, markdown_files(cli.path()));
    client.shutdown();
}

fn code_actions(
    client: &mut Client,
    rel: &str,
    start: Value,
    end: Value,
    only: Option<&[&str]>,
) -> Value {
    let mut context = json!({ "diagnostics": [] });
    if let Some(only) = only {
        context["only"] = json!(only);
    }
    let params = json!({
        "textDocument": { "uri": client.uri(rel) },
        "range": { "start": start, "end": end },
        "context": context,
    });
    client.request("textDocument/codeAction", params)
}

/// The runbook with a path in the wrong letter case (a safe fix) and a misspelt
/// anchor (a fix by the closest spelling, unsafe).
fn runbook_with_mistakes(runbook: &str) -> String {
    runbook
        .replace(
            "[Change-Management Policy](../policies/change-management.md)",
            "[Change-Management Policy](../policies/Change-Management.md)",
        )
        .replace("#database-rollback)", "#database-rolback)")
}

#[test]
fn quick_fixes_are_the_fixes_of_the_findings_at_the_cursor() {
    let dir = clean_workspace();
    let mut client = Client::start(dir.path(), json!({}));
    let typed = runbook_with_mistakes(&read(dir.path(), RUNBOOK));
    client.open_with(RUNBOOK, &typed);
    let found = client.diagnostics(RUNBOOK);
    assert_eq!(
        summary(&found),
        ["33:60 broken-link", "90:20 broken-anchor"],
        "{found:#?}"
    );

    // On the link with the wrong case: its safe fix, preferred, and every safe fix.
    let cursor = position_of(&typed, "Change-Management.md");
    let actions = code_actions(&mut client, RUNBOOK, cursor.clone(), cursor, None);
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 2, "{actions:#?}");
    let fix = &actions[0];
    assert_eq!(
        fix["title"],
        "Change `../policies/Change-Management.md` to `../policies/change-management.md`"
    );
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    assert_eq!(fix["diagnostics"], json!([found[0]]));
    let files = edits_by_file(&client, &fix["edit"]);
    assert_eq!(
        edit_summary(&files[RUNBOOK].1),
        ["33:60-33:92 ../policies/change-management.md"]
    );
    assert_eq!(actions[1]["kind"], "source.fixAll.sot");
    assert_eq!(actions[1]["title"], "Apply every safe fix (sot lint --fix)");

    // On the misspelt anchor: the closest spelling, not preferred (`--unsafe-fixes`).
    let cursor = position_of(&typed, "rolback");
    let actions = code_actions(
        &mut client,
        RUNBOOK,
        cursor.clone(),
        cursor,
        Some(&["quickfix"]),
    );
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:#?}");
    assert_eq!(
        actions[0]["title"],
        "Change `database-rolback` to `database-rollback`"
    );
    assert_eq!(actions[0]["isPreferred"], false);
    assert_eq!(actions[0]["diagnostics"], json!([found[1]]));
    let files = edits_by_file(&client, &actions[0]["edit"]);
    assert_eq!(
        edit_summary(&files[RUNBOOK].1),
        ["90:21-90:37 database-rollback"]
    );

    // Nowhere near a finding: no quick fix.
    let cursor = position_of(&typed, "## Goal");
    let actions = code_actions(
        &mut client,
        RUNBOOK,
        cursor.clone(),
        cursor,
        Some(&["quickfix"]),
    );
    assert_eq!(actions, json!([]));
    client.shutdown();
}

#[test]
fn fixing_all_makes_the_safe_fixes_sot_lint_fix_makes() {
    let dir = clean_workspace();
    let typed = runbook_with_mistakes(&read(dir.path(), RUNBOOK));
    for caps in [json!({}), full_client()] {
        let mut client = Client::start(dir.path(), caps.clone());
        client.open_with(RUNBOOK, &typed);
        let start = json!({ "line": 0, "character": 0 });
        let actions = code_actions(
            &mut client,
            RUNBOOK,
            start.clone(),
            start,
            Some(&["source.fixAll"]),
        );
        let actions = actions.as_array().unwrap();
        assert_eq!(actions.len(), 1, "{actions:#?}");
        let action = if caps == json!({}) {
            actions[0].clone()
        } else {
            // Made once chosen.
            assert_eq!(actions[0]["edit"], Value::Null);
            client.request("codeAction/resolve", actions[0].clone())
        };
        assert_eq!(action["kind"], "source.fixAll.sot");
        let texts = BTreeMap::from([(RUNBOOK.to_string(), typed.clone())]);
        let fixed = apply(&client, &action["edit"], &texts);

        let cli = clean_workspace();
        std::fs::write(cli.path().join(RUNBOOK), &typed).unwrap();
        common::sot(cli.path(), &["lint", "--fix"]);
        assert_eq!(fixed[RUNBOOK], read(cli.path(), RUNBOOK));
        assert!(fixed[RUNBOOK].contains("#database-rolback)"));
        // The server still holds the buffer as the client has it.
        let cursor = position_of(&typed, "Change-Management.md");
        let actions = code_actions(
            &mut client,
            RUNBOOK,
            cursor.clone(),
            cursor,
            Some(&["quickfix"]),
        );
        assert_eq!(actions.as_array().unwrap().len(), 1, "{actions:#}");
        client.shutdown();
    }
    // The server wrote nothing.
    assert_eq!(
        read(dir.path(), RUNBOOK),
        read(&common::repo().join("fixtures/clean"), RUNBOOK)
    );
}

const DECISIONS: &str = "SoT.DECISIONS.md";

/// A small workspace: a SoT document of decisions (one numbered, one written with a
/// stand-in, a section without an ID) and notes that name DEC-002, still unwritten.
fn decisions_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let decisions = "---
version: 1.0
purpose: Architecture decisions of the payments platform.
id_prefix: DEC-XXX
last_updated: 2024-11-18
---

# Decisions

## DEC-001: Use Postgres

**ID**: DEC-001
**Status**: Active
**Owner**: Data Team

## DEC-XXX: Cache sessions in Redis

**ID**: DEC-XXX
**Status**: Planned
**Owner**: Platform Team

## Open questions

Whether sessions expire after a day.
";
    std::fs::write(dir.path().join(DECISIONS), decisions).unwrap();
    std::fs::write(
        dir.path().join("notes.md"),
        "# Notes\n\nDEC-002 will cover the queue.\n",
    )
    .unwrap();
    dir
}

fn titles(actions: &Value) -> Vec<(String, String)> {
    actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["kind"].as_str().unwrap().to_string(),
                a["title"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn an_entry_written_with_a_stand_in_or_without_an_id_is_given_the_next_free_one() {
    let dir = decisions_workspace();
    let mut client = Client::start(dir.path(), json!({}));
    let text = client.open(DECISIONS);
    let found = client.diagnostics(DECISIONS);
    assert_eq!(summary(&found), ["15:3 placeholder", "17:8 placeholder"]);

    let cursor = position_of(&text, "Cache sessions");
    let actions = code_actions(&mut client, DECISIONS, cursor.clone(), cursor, None);
    assert_eq!(
        titles(&actions),
        [
            ("quickfix".into(), "Give this entry DEC-003".into()),
            (
                "source.addEntry.sot".into(),
                "Add a new DEC entry (DEC-003)".into()
            ),
        ],
        "{actions:#}"
    );
    let give = &actions[0];
    assert_eq!(give["diagnostics"], json!(found));
    let edits = &edits_by_file(&client, &give["edit"])[DECISIONS].1;
    assert_eq!(
        edit_summary(edits),
        ["15:3-15:10 DEC-003", "17:8-17:15 DEC-003"]
    );

    let cursor = position_of(&text, "Open questions");
    let actions = code_actions(
        &mut client,
        DECISIONS,
        cursor.clone(),
        cursor,
        Some(&["refactor"]),
    );
    assert_eq!(
        titles(&actions),
        [("refactor.rewrite".into(), "Give this entry DEC-003".into())]
    );
    let edits = &edits_by_file(&client, &actions[0]["edit"])[DECISIONS].1;
    assert_eq!(edit_summary(edits), ["21:3-21:3 DEC-003: "]);

    // The document title and the fields are no entries.
    for needle in ["# Decisions", "**Status**: Planned"] {
        let cursor = position_of(&text, needle);
        let actions = code_actions(
            &mut client,
            DECISIONS,
            cursor.clone(),
            cursor,
            Some(&["quickfix", "refactor"]),
        );
        assert_eq!(actions, json!([]), "{needle}");
    }
    client.shutdown();
}

#[test]
fn a_new_entry_is_the_one_sot_new_adds() {
    let dir = decisions_workspace();
    let mut client = Client::start(dir.path(), json!({}));
    let text = client.open(DECISIONS);
    let cursor = position_of(&text, "sessions expire");
    let actions = code_actions(
        &mut client,
        DECISIONS,
        cursor.clone(),
        cursor,
        Some(&["source"]),
    );
    assert_eq!(
        titles(&actions),
        [(
            "source.addEntry.sot".into(),
            "Add a new DEC entry (DEC-003)".into()
        )]
    );
    // The editor asking on its own, as the cursor moves, is offered no source action.
    let automatic = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": client.uri(DECISIONS) },
            "range": { "start": position_of(&text, "sessions expire"), "end": position_of(&text, "sessions expire") },
            "context": { "diagnostics": [], "triggerKind": 2 },
        }),
    );
    assert_eq!(automatic, json!([]));
    let texts = BTreeMap::from([(DECISIONS.to_string(), text)]);
    let added = apply(&client, &actions[0]["edit"], &texts);

    let cli = decisions_workspace();
    let out = common::sot(cli.path(), &["new", "DEC", "--title", "New entry"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(added[DECISIONS], read(cli.path(), DECISIONS));
    // Notes declare no prefix and hold no entry: nothing to add there.
    let notes = client.open("notes.md");
    let cursor = position_of(&notes, "DEC-002");
    let actions = code_actions(
        &mut client,
        "notes.md",
        cursor.clone(),
        cursor,
        Some(&["source"]),
    );
    assert_eq!(actions, json!([]));
    client.shutdown();
}

#[test]
fn numbers_other_branches_use_are_skipped_and_asked_of_git_once_the_action_is_chosen() {
    let dir = decisions_workspace();
    let root = dir.path();
    common::git(root, &["init", "-q"]);
    common::git(root, &["add", "."]);
    common::git(root, &["commit", "-qm", "decisions"]);
    common::git(root, &["checkout", "-qb", "queue"]);
    let text = read(root, DECISIONS);
    std::fs::write(root.join(DECISIONS), text.replace("DEC-XXX", "DEC-004")).unwrap();
    common::git(root, &["commit", "-qam", "queue"]);
    common::git(root, &["checkout", "-q", "main"]);

    let mut client = Client::start(root, full_client());
    client.open(DECISIONS);
    let cursor = position_of(&text, "Cache sessions");
    let actions = code_actions(
        &mut client,
        DECISIONS,
        cursor.clone(),
        cursor.clone(),
        Some(&["quickfix"]),
    );
    // Git is not asked while the cursor moves: the number is not known yet.
    assert_eq!(
        titles(&actions),
        [(
            "quickfix".into(),
            "Give this entry the next free DEC ID".into()
        )]
    );
    let offered = actions[0].clone();
    assert_eq!(offered["edit"], Value::Null);
    let resolved = client.request("codeAction/resolve", offered.clone());
    let files = edits_by_file(&client, &resolved["edit"]);
    assert_eq!(files[DECISIONS].0, json!(1));
    // DEC-004 is taken on the branch `queue`.
    assert_eq!(
        edit_summary(&files[DECISIONS].1),
        ["15:3-15:10 DEC-005", "17:8-17:15 DEC-005"]
    );
    // Known from now on.
    let actions = code_actions(&mut client, DECISIONS, cursor.clone(), cursor, None);
    assert_eq!(
        titles(&actions),
        [
            ("quickfix".into(), "Give this entry DEC-005".into()),
            (
                "source.addEntry.sot".into(),
                "Add a new DEC entry (DEC-005)".into()
            ),
        ]
    );

    // An action offered for a version the buffer has left is not made.
    client.change(DECISIONS, 2, &text.replace("Open questions", "Questions"));
    let error = client
        .try_request("codeAction/resolve", offered)
        .unwrap_err();
    assert_eq!(error["code"], -32801, "{error}");
    client.shutdown();
}

#[test]
fn code_actions_for_unknown_closed_or_out_of_range_places_are_null() {
    let dir = clean_workspace();
    let mut client = Client::start(dir.path(), full_client());
    let runbook = client.open(RUNBOOK);
    let start = json!({ "line": 0, "character": 0 });
    let lines = runbook.lines().count();
    let places = [
        (RUNBOOK, json!({ "line": lines + 3, "character": 0 })),
        (RUNBOOK, json!({ "line": 0, "character": 200 })),
        (PLAYBOOK, start.clone()),
        ("docs/none.md", start.clone()),
    ];
    for (rel, end) in places {
        let actions = code_actions(&mut client, rel, start.clone(), end.clone(), None);
        assert_eq!(actions, Value::Null, "{rel} {end}");
    }
    let elsewhere = json!({
        "textDocument": { "uri": "file:///nowhere/else.md" },
        "range": { "start": start, "end": start },
        "context": { "diagnostics": [] },
    });
    assert_eq!(
        client.request("textDocument/codeAction", elsewhere),
        Value::Null
    );
    // An action the server did not offer comes back as it is.
    let foreign = json!({ "title": "Something else", "data": { "other": 1 } });
    assert_eq!(
        client.request("codeAction/resolve", foreign.clone()),
        foreign
    );
    let closed = json!({
        "title": "Apply every safe fix (sot lint --fix)",
        "data": { "uri": client.uri(PLAYBOOK), "version": 1, "action": "fixAll" },
    });
    let error = client
        .try_request("codeAction/resolve", closed)
        .unwrap_err();
    assert_eq!(error["code"], -32602, "{error}");
    client.shutdown();
}
