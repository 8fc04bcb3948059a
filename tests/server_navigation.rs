//! `sot server` navigation driven by a scripted client: go to definition, references,
//! hover, the outline of a document and the workspace's IDs, on a copy of
//! `fixtures/clean` and on small workspaces written here.

mod common;

use common::lsp::{clean_workspace, position_of, Client};
use serde_json::{json, Value};

const PLAYBOOK: &str = "SoT.DEPLOYMENT_PLAYBOOK.md";
const RUNBOOK: &str = "docs/runbooks/payments-deploy.md";
const FAILOVER: &str = "docs/runbooks/database-failover.md";

/// The params of a request at the first `needle` of `text`, the file at `rel`'s.
fn at(client: &Client, rel: &str, text: &str, needle: &str) -> Value {
    json!({
        "textDocument": { "uri": client.uri(rel) },
        "position": position_of(text, needle),
    })
}

fn on_disk(client: &Client, rel: &str) -> String {
    std::fs::read_to_string(client.root.join(rel)).unwrap()
}

fn span(range: &Value) -> String {
    let (start, end) = (&range["start"], &range["end"]);
    format!(
        "{}:{}-{}:{}",
        start["line"], start["character"], end["line"], end["character"]
    )
}

/// A location as `path line:character-line:character`, the path relative to the root.
fn place(client: &Client, location: &Value) -> String {
    let uri = location["uri"].as_str().unwrap();
    let root = client.uri("") + "/";
    let rel = uri.strip_prefix(&root).unwrap_or(uri);
    format!("{rel} {}", span(&location["range"]))
}

/// The answer of `method` as places: `[]` for `null`.
fn places(client: &mut Client, method: &str, params: Value) -> Vec<String> {
    let answer = client.request(method, params);
    match &answer {
        Value::Null => Vec::new(),
        Value::Array(all) => all.iter().map(|l| place(client, l)).collect(),
        one => vec![place(client, one)],
    }
}

fn definition(client: &mut Client, rel: &str, text: &str, needle: &str) -> Vec<String> {
    let params = at(client, rel, text, needle);
    places(client, "textDocument/definition", params)
}

fn references(
    client: &mut Client,
    rel: &str,
    text: &str,
    needle: &str,
    declaration: bool,
) -> Vec<String> {
    let mut params = at(client, rel, text, needle);
    params["context"] = json!({ "includeDeclaration": declaration });
    places(client, "textDocument/references", params)
}

/// The hover's Markdown and range, or `None` for no hover.
fn hover(client: &mut Client, rel: &str, text: &str, needle: &str) -> Option<(String, String)> {
    let params = at(client, rel, text, needle);
    let answer = client.request("textDocument/hover", params);
    if answer.is_null() {
        return None;
    }
    assert_eq!(answer["contents"]["kind"], "markdown", "{answer}");
    Some((
        answer["contents"]["value"].as_str().unwrap().to_string(),
        span(&answer["range"]),
    ))
}

#[test]
fn an_id_leads_to_its_entry_from_a_mention_a_link_by_id_and_a_heading_elsewhere() {
    let dir = clean_workspace();
    // A second definition of DEP-001: the playbook's comes first by path and counts.
    common::write(
        dir.path(),
        "docs/copy.md",
        b"---\nid_prefix: DEP-XXX\n---\n\n# Copy\n\n## DEP-001: Blue-green rollout again\n\n**Status**: Draft\n",
    );
    let mut client = Client::start(dir.path(), json!({}));
    let runbook = client.open(RUNBOOK);
    let dep_001 = vec![format!("{PLAYBOOK} 55:0-55:30")];
    // On the link's text, and on its target: a link whose text is an ID is the ID.
    assert_eq!(
        definition(&mut client, RUNBOOK, &runbook, "EP-001]"),
        dep_001
    );
    assert_eq!(
        definition(&mut client, RUNBOOK, &runbook, "PLAYBOOK.md#dep-001"),
        dep_001
    );
    // Mentions in prose, the cursor at the ID's start and right after its end.
    assert_eq!(
        definition(&mut client, RUNBOOK, &runbook, "RUN-001."),
        [format!("{PLAYBOOK} 252:0-252:36")]
    );
    assert_eq!(
        definition(&mut client, RUNBOOK, &runbook, ".\n\n```bash"),
        [format!("{PLAYBOOK} 252:0-252:36")]
    );
    assert_eq!(
        definition(&mut client, RUNBOOK, &runbook, "MON-002."),
        [format!("{PLAYBOOK} 376:0-376:27")]
    );
    // The ID of the other definition's heading, in a document that is not open.
    let copy = on_disk(&client, "docs/copy.md");
    assert_eq!(
        definition(&mut client, "docs/copy.md", &copy, "DEP-001: Blue"),
        dep_001
    );
    // Range ends name IDs too; an ID in code is no ID, and prose is nothing.
    let playbook = on_disk(&client, PLAYBOOK);
    assert_eq!(
        definition(&mut client, PLAYBOOK, &playbook, "DEP-099):"),
        Vec::<String>::new()
    );
    assert_eq!(
        definition(&mut client, PLAYBOOK, &playbook, "DEP-001 to"),
        dep_001
    );
    assert_eq!(
        definition(&mut client, RUNBOOK, &runbook, "DEP-999](missing.md) with"),
        Vec::<String>::new()
    );
    assert_eq!(
        definition(&mut client, RUNBOOK, &runbook, "Ship payments"),
        Vec::<String>::new()
    );
    client.shutdown();
}

#[test]
fn a_link_leads_to_its_file_and_to_the_heading_or_anchor_its_fragment_names() {
    let dir = clean_workspace();
    let mut client = Client::start(dir.path(), json!({}));
    let runbook = client.open(RUNBOOK);
    let mut go = |needle| definition(&mut client, RUNBOOK, &runbook, needle);
    // A root-relative link by other text.
    assert_eq!(
        go("testing workflow](/docs"),
        ["docs/policies/testing-workflow.md 6:0-6:18"]
    );
    // Another file: its start, without a fragment; the heading the fragment names.
    assert_eq!(
        go("release notes](../Release%20Notes.md)"),
        ["docs/Release%20Notes.md 0:0-0:0"]
    );
    assert_eq!(go("service config"), ["config/app.yaml 0:0-0:0"]);
    assert_eq!(
        go("Cache maintenance]"),
        ["docs/runbooks/cache-maintenance.md 12:0-12:7"]
    );
    // A reference link, and its definition, lead where the definition's target does.
    let freeze = ["docs/policies/change-management.md 14:0-14:17"];
    assert_eq!(go("Handbook]"), freeze);
    assert_eq!(go("[hb]: ../"), freeze);
    // Percent-encoded or not, the fragment names the heading of a document with a BOM.
    let check = [format!("{FAILOVER} 43:0-43:26")];
    assert_eq!(go("Database failover]"), check);
    assert_eq!(go("percent-encoded]"), check);
    // Within the document: a heading, an HTML anchor, and `#top`, which is its start.
    assert_eq!(go("the changes]"), [format!("{RUNBOOK} 69:0-69:19")]);
    assert_eq!(
        go("escalation contacts]"),
        [format!("{RUNBOOK} 65:7-65:17")]
    );
    assert_eq!(go("Back to top"), [format!("{RUNBOOK} 0:0-0:0")]);
    // A named anchor in another document.
    assert_eq!(
        go("contact list]"),
        ["docs/policies/change-management.md 21:9-21:17"]
    );
    // A folder, an e-mail address and a heading lead nowhere.
    assert_eq!(go("policies folder"), Vec::<String>::new());
    assert_eq!(go("the SRE mailbox"), Vec::<String>::new());
    assert_eq!(go("## Goal"), Vec::<String>::new());

    // A link typed into the buffer: broken, then mended.
    let typed = runbook.replace("## Goal\n", "## Goal\n\nSee [the plan](../plan.md).\n");
    client.change(RUNBOOK, 2, &typed);
    assert_eq!(
        definition(&mut client, RUNBOOK, &typed, "the plan"),
        Vec::<String>::new()
    );
    let mended = typed.replace("../plan.md", "../policies/change-management.md#who-to-call");
    client.change(RUNBOOK, 3, &mended);
    assert_eq!(
        definition(&mut client, RUNBOOK, &mended, "the plan"),
        ["docs/policies/change-management.md 19:0-19:14"]
    );
    client.shutdown();
}

/// A workspace whose lines hold characters that UTF-16 and UTF-8 count differently.
fn wide_workspace() -> tempfile::TempDir {
    common::workspace(&[
        (
            "ids.md",
            "---\nid_prefix: CAF-XXX\n---\n\n# Cafés\n\n## CAF-001: Crème brûlée 🍮 service\n\n**Status**: Active\n",
        ),
        (
            "notes.md",
            "# Notes\n\n🍮 é [CAF-001](ids.md) and 🍮 [the dessert](ids.md#caf-001-crème-brûlée--service).\n",
        ),
    ])
}

#[test]
fn positions_count_in_the_clients_encoding_in_open_documents_and_on_disk() {
    let dir = wide_workspace();
    let notes = std::fs::read_to_string(dir.path().join("notes.md")).unwrap();

    // UTF-16 (the default): 🍮 is two units, é one.
    let mut client = Client::start(dir.path(), json!({}));
    client.open("notes.md");
    let heading = ["ids.md 6:0-6:35"];
    assert_eq!(
        definition(&mut client, "notes.md", &notes, "AF-001]"),
        heading
    );
    assert_eq!(
        definition(&mut client, "notes.md", &notes, "the dessert"),
        heading
    );
    let (_, range) = hover(&mut client, "notes.md", &notes, "AF-001]").unwrap();
    assert_eq!(range, "2:6-2:13");
    client.shutdown();

    // UTF-8: 🍮 is four bytes, é two. The cursor is sent in bytes too.
    let mut client = Client::start(
        dir.path(),
        json!({ "general": { "positionEncodings": ["utf-8"] } }),
    );
    client.open("notes.md");
    let in_bytes = |needle: &str| {
        let at = notes.find(needle).unwrap();
        let line_start = notes[..at].rfind('\n').map_or(0, |i| i + 1);
        json!({
            "textDocument": { "uri": client.uri("notes.md") },
            "position": { "line": notes[..line_start].matches('\n').count(), "character": at - line_start },
        })
    };
    let (link_by_id, link_by_text) = (in_bytes("AF-001]"), in_bytes("the dessert"));
    let heading = ["ids.md 6:0-6:40"];
    assert_eq!(
        places(&mut client, "textDocument/definition", link_by_id.clone()),
        heading
    );
    assert_eq!(
        places(&mut client, "textDocument/definition", link_by_text),
        heading
    );
    let answer = client.request("textDocument/hover", link_by_id);
    assert_eq!(span(&answer["range"]), "2:9-2:16");
    client.shutdown();
}

#[test]
fn references_to_an_entry_are_its_mentions_links_by_id_and_links_to_its_heading() {
    let dir = clean_workspace();
    let mut client = Client::start(dir.path(), json!({}));
    // Asked in a document that is not open: the registry knows its mentions.
    let playbook = on_disk(&client, PLAYBOOK);
    let dep_001 = [
        format!("{PLAYBOOK} 19:3-19:10"),
        format!("{PLAYBOOK} 131:3-131:10"),
        format!("{PLAYBOOK} 167:3-167:10"),
        format!("{PLAYBOOK} 208:96-208:103"),
        format!("{PLAYBOOK} 267:66-267:73"),
        format!("{PLAYBOOK} 444:15-444:22"),
        format!("{RUNBOOK} 27:1-27:8"),
    ];
    assert_eq!(
        references(&mut client, PLAYBOOK, &playbook, "DEP-001: Blue", false),
        dep_001
    );
    // From anywhere on the heading, and with the definition.
    let mut with_definition = dep_001.to_vec();
    with_definition.insert(1, format!("{PLAYBOOK} 55:3-55:10"));
    assert_eq!(
        references(&mut client, PLAYBOOK, &playbook, "rollout\n\n**ID**", true),
        with_definition
    );
    // From a mention in an open document.
    let runbook = client.open(RUNBOOK);
    assert_eq!(
        references(&mut client, RUNBOOK, &runbook, "EP-001]", false),
        dep_001
    );
    // A link by other text to the heading is a reference, whole; a link by ID is
    // listed once, at its ID.
    assert_eq!(
        references(&mut client, PLAYBOOK, &playbook, "DEP-002: Canary", false),
        [
            format!("{PLAYBOOK} 20:3-20:10"),
            format!("{PLAYBOOK} 89:3-89:10"),
            format!("{PLAYBOOK} 267:77-267:84"),
            format!("{PLAYBOOK} 327:75-327:82"),
            format!("{FAILOVER} 29:48-29:143"),
        ]
    );
    // An ID no entry defines: its mentions.
    let typed = runbook.replace("## Goal\n", "## Goal\n\nSee DEP-777.\n");
    client.change(RUNBOOK, 2, &typed);
    assert_eq!(
        references(&mut client, RUNBOOK, &typed, "DEP-777", true),
        [format!("{RUNBOOK} 26:4-26:11")]
    );
    client.shutdown();
}

#[test]
fn references_to_a_heading_are_the_links_to_its_anchor_in_any_document() {
    let dir = clean_workspace();
    let mut client = Client::start(dir.path(), json!({}));
    let runbook = client.open(RUNBOOK);
    // `## Rollback` is `#rollback`: linked from another document.
    assert_eq!(
        references(
            &mut client,
            RUNBOOK,
            &runbook,
            "## Rollback\n\nSwitch",
            false
        ),
        [format!("{FAILOVER} 62:2-62:60")]
    );
    // `### Rollback` is `#rollback-1`: linked from its own document.
    assert_eq!(
        references(
            &mut client,
            RUNBOOK,
            &runbook,
            "## Rollback\n\nRepeat",
            true
        ),
        [
            format!("{RUNBOOK} 87:0-87:12"),
            format!("{RUNBOOK} 89:11-89:40"),
        ]
    );
    // A setext heading, linked from its own document.
    assert_eq!(
        references(
            &mut client,
            RUNBOOK,
            &runbook,
            "Database rollback\n---",
            false
        ),
        [format!("{RUNBOOK} 90:0-90:39")]
    );
    // In a document that is not open, the third `Rollback Procedure` is `-2`; the
    // first is not linked.
    let playbook = on_disk(&client, PLAYBOOK);
    assert_eq!(
        references(
            &mut client,
            PLAYBOOK,
            &playbook,
            "### Rollback Procedure",
            false
        ),
        Vec::<String>::new()
    );
    let third = playbook
        .match_indices("### Rollback Procedure")
        .nth(2)
        .unwrap()
        .0;
    let line = playbook[..third].matches('\n').count();
    let params = json!({
        "textDocument": { "uri": client.uri(PLAYBOOK) },
        "position": { "line": line, "character": 5 },
        "context": { "includeDeclaration": false },
    });
    assert_eq!(
        places(&mut client, "textDocument/references", params),
        [format!("{PLAYBOOK} 84:52-84:102")]
    );
    // A heading nothing links to.
    assert_eq!(
        references(&mut client, RUNBOOK, &runbook, "## Preconditions", false),
        Vec::<String>::new()
    );
    client.shutdown();
}

#[test]
fn hover_tells_an_ids_title_status_owner_definition_and_references() {
    let dir = clean_workspace();
    common::write(
        dir.path(),
        "docs/copy.md",
        b"---\nid_prefix: DEP-XXX\n---\n\n# Copy\n\n## DEP-003: Schema changes\n\n**Status**: Draft\n",
    );
    let mut client = Client::start(dir.path(), json!({}));
    let runbook = client.open(RUNBOOK);
    assert_eq!(
        hover(&mut client, RUNBOOK, &runbook, "EP-001]"),
        Some((
            "**DEP-001**: Blue-green rollout\n\n\
             Status: Active · Owner: Payments Platform Team\n\n\
             Defined at `SoT.DEPLOYMENT_PLAYBOOK.md:56`\n\n\
             7 references"
                .to_string(),
            "27:1-27:8".to_string()
        ))
    );
    // On a link by ID away from the ID: the whole link.
    assert_eq!(
        hover(&mut client, RUNBOOK, &runbook, "PLAYBOOK.md#mon-001")
            .unwrap()
            .1,
        "45:28-45:99"
    );
    assert_eq!(
        hover(&mut client, RUNBOOK, &runbook, "RUN-001."),
        Some((
            "**RUN-001**: Elevated 5xx on checkout\n\n\
             Status: Active · Owner: SRE\n\n\
             Defined at `SoT.DEPLOYMENT_PLAYBOOK.md:253`\n\n\
             6 references"
                .to_string(),
            "46:45-46:52".to_string()
        ))
    );
    // Defined twice: both places, the first the one that counts.
    assert_eq!(
        hover(&mut client, RUNBOOK, &runbook, "EP-003]"),
        Some((
            "**DEP-003**: Database schema migration\n\n\
             Status: Active · Owner: Data Platform Team\n\n\
             Defined 2 times: `SoT.DEPLOYMENT_PLAYBOOK.md:136`, `docs/copy.md:7` \
             (the first is the one that counts)\n\n\
             2 references"
                .to_string(),
            "43:46-43:53".to_string()
        ))
    );
    // On the ID of an entry's heading, in a document that is not open.
    let playbook = on_disk(&client, PLAYBOOK);
    assert_eq!(
        hover(&mut client, PLAYBOOK, &playbook, "MON-003: Payment")
            .unwrap()
            .0,
        "**MON-003**: Payment success rate\n\n\
         Status: Planned · Owner: Merchant Growth Team\n\n\
         Defined at `SoT.DEPLOYMENT_PLAYBOOK.md:400`\n\n\
         3 references"
    );
    // A known prefix, no definition.
    let typed = runbook.replace("## Goal\n", "## Goal\n\nSee DEP-777.\n");
    client.change(RUNBOOK, 2, &typed);
    assert_eq!(
        hover(&mut client, RUNBOOK, &typed, "DEP-777"),
        Some((
            "**DEP-777** is not defined\n\n1 reference".to_string(),
            "26:4-26:11".to_string()
        ))
    );
    // Prose, an unknown prefix and a plain heading have no hover.
    assert_eq!(hover(&mut client, RUNBOOK, &typed, "Ship payments"), None);
    assert_eq!(hover(&mut client, RUNBOOK, &typed, "SHA-256"), None);
    assert_eq!(hover(&mut client, RUNBOOK, &typed, "## Goal"), None);
    client.shutdown();
}

#[test]
fn a_document_level_entry_is_its_file_with_its_frontmatter_fields() {
    let dir = common::workspace(&[
        (
            "sot.toml",
            "[[documents]]\nprefix = \"ADR\"\nglob = \"adr/*.md\"\nid = 'filename:^(\\d+)-'\n",
        ),
        (
            "adr/0007-use-postgres.md",
            "---\ntitle: Use PostgreSQL\nstatus: Accepted\nowner: Data Team\n---\n\n# Use PostgreSQL\n\nWe store payments in PostgreSQL.\n",
        ),
        (
            "notes.md",
            "# Notes\n\nAs ADR-0007 says, see [the decision](adr/0007-use-postgres.md) and\n[its context](adr/0007-use-postgres.md#use-postgresql).\n",
        ),
    ]);
    let mut client = Client::start(dir.path(), json!({}));
    let notes = client.open("notes.md");
    assert_eq!(
        definition(&mut client, "notes.md", &notes, "ADR-0007"),
        ["adr/0007-use-postgres.md 0:0-0:0"]
    );
    assert_eq!(
        hover(&mut client, "notes.md", &notes, "ADR-0007"),
        Some((
            "**ADR-0007**: Use PostgreSQL\n\n\
             Status: Accepted · Owner: Data Team\n\n\
             Defined at `adr/0007-use-postgres.md:1`\n\n\
             1 reference"
                .to_string(),
            "2:3-2:11".to_string()
        ))
    );
    // Its ID is written nowhere in it: the file's start is no ID.
    let adr = on_disk(&client, "adr/0007-use-postgres.md");
    assert_eq!(
        hover(&mut client, "adr/0007-use-postgres.md", &adr, "---"),
        None
    );
    // The mention, and a link to the file itself; not one to a heading in it.
    assert_eq!(
        references(&mut client, "notes.md", &notes, "ADR-0007", true),
        [
            "adr/0007-use-postgres.md 0:0-0:0",
            "notes.md 2:3-2:11",
            "notes.md 2:22-2:62",
        ]
    );
    client.shutdown();
}

/// The symbols as indented lines: `name [kind] range selection (detail)`.
fn outline(symbols: &Value, depth: usize, out: &mut Vec<String>) {
    for s in symbols.as_array().unwrap() {
        let detail = s["detail"]
            .as_str()
            .map_or(String::new(), |d| format!(" ({d})"));
        out.push(format!(
            "{}{} [{}] {} {}{detail}",
            "  ".repeat(depth),
            s["name"].as_str().unwrap(),
            s["kind"],
            span(&s["range"]),
            span(&s["selectionRange"]),
        ));
        if let Some(children) = s.get("children") {
            outline(children, depth + 1, out);
        }
    }
}

fn document_symbols(client: &mut Client, rel: &str) -> Vec<String> {
    let uri = client.uri(rel);
    let answer = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    let mut lines = Vec::new();
    outline(&answer, 0, &mut lines);
    lines
}

#[test]
fn the_outline_nests_headings_by_level_and_names_entries_by_id() {
    let dir = clean_workspace();
    let mut client = Client::start(dir.path(), json!({}));
    client.open(RUNBOOK);
    assert_eq!(
        document_symbols(&mut client, RUNBOOK),
        [
            "Deployment Runbook: Payments API [15] 22:0-109:50 22:0-22:34",
            "  Goal [15] 24:0-28:43 24:0-24:7",
            "  Preconditions [15] 30:0-38:72 30:0-30:16",
            "  Deployment Steps [15] 40:0-57:42 40:0-40:19",
            "  Release & Communication [15] 59:0-67:93 59:0-59:26",
            "  What's new? (v2) [15] 69:0-73:40 69:0-69:19",
            "  Run kubectl rollout undo safely [15] 75:0-81:63 75:0-75:36",
            "  Rollback [15] 83:0-90:59 83:0-83:11",
            "    Rollback [15] 87:0-90:59 87:0-87:12",
            "  Database rollback [15] 92:0-95:81 92:0-93:17",
            "  Related Documents [15] 97:0-109:50 97:0-97:20",
        ]
    );
    // Not open: entries are named by ID, with their title beside.
    let playbook = document_symbols(&mut client, PLAYBOOK);
    assert_eq!(
        playbook[..8],
        [
            "Deployment Playbook (SoT File) [15] 8:0-445:83 8:0-8:32",
            "  Navigation by Category [15] 15:0-43:3 15:0-15:25",
            "  Environments [15] 45:0-53:3 45:0-45:15",
            "  DEP-001 [20] 55:0-91:3 55:3-55:10 (Blue-green rollout)",
            "    Overview [15] 64:0-66:153 64:0-64:12",
            "    Prerequisites [15] 68:0-72:76 68:0-68:17",
            "    Deployment Steps [15] 74:0-79:64 74:0-74:20",
            "    Rollback Procedure [15] 81:0-84:111 81:0-81:22",
        ]
    );
    let entries: Vec<&str> = playbook
        .iter()
        .filter(|s| s.contains("[20]"))
        .map(|s| s.trim_start().split(' ').next().unwrap())
        .collect();
    assert_eq!(
        entries,
        [
            "DEP-001", "DEP-002", "DEP-003", "DEP-004", "GTM-001", "GTM-002", "RUN-001", "RUN-002",
            "RUN-003", "RUN-004", "MON-001", "MON-002", "MON-003"
        ]
    );
    client.shutdown();
}

/// The workspace symbols for `query` as `name container range`.
fn workspace_symbols(client: &mut Client, query: &str) -> Vec<String> {
    let answer = client.request("workspace/symbol", json!({ "query": query }));
    answer
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            assert_eq!(s["kind"], 20, "{s}");
            format!(
                "{} | {} | {}",
                s["name"].as_str().unwrap(),
                s["containerName"].as_str().unwrap(),
                place(client, &s["location"])
            )
        })
        .collect()
}

#[test]
fn workspace_symbols_are_the_ids_whose_id_or_title_holds_the_query() {
    let dir = clean_workspace();
    let mut client = Client::start(dir.path(), json!({}));
    assert_eq!(
        workspace_symbols(&mut client, "ROLLOUT"),
        [format!(
            "DEP-001: Blue-green rollout | {PLAYBOOK} | {PLAYBOOK} 55:0-55:30"
        )]
    );
    assert_eq!(
        workspace_symbols(&mut client, "run-00"),
        [
            format!("RUN-001: Elevated 5xx on checkout | {PLAYBOOK} | {PLAYBOOK} 252:0-252:36"),
            format!("RUN-002: Payment database failover | {PLAYBOOK} | {PLAYBOOK} 287:0-287:37"),
            format!("RUN-003: Certificate rotation | {PLAYBOOK} | {PLAYBOOK} 311:0-311:32"),
            format!("RUN-004: Manual cache warmup | {PLAYBOOK} | {PLAYBOOK} 333:0-333:31"),
        ]
    );
    assert_eq!(workspace_symbols(&mut client, "").len(), 13);
    assert_eq!(
        workspace_symbols(&mut client, "no such thing"),
        Vec::<String>::new()
    );
    client.shutdown();

    // At most 1000, in workspace order.
    let mut many = String::from("---\nid_prefix: BIG-XXX\n---\n\n# Many\n");
    for n in 1..=1005 {
        many.push_str(&format!("\n## BIG-{n:04}: Item {n}\n"));
    }
    let dir = common::workspace(&[("many.md", &many)]);
    let mut client = Client::start(dir.path(), json!({}));
    let all = workspace_symbols(&mut client, "big");
    assert_eq!(all.len(), 1000);
    assert_eq!(
        all[999],
        "BIG-1000: Item 1000 | many.md | many.md 2004:0-2004:22"
    );
    client.shutdown();
}

#[test]
fn questions_about_nothing_get_empty_answers() {
    let dir = clean_workspace();
    let mut client = Client::start(dir.path(), json!({}));
    let runbook = client.open(RUNBOOK);
    let outside = tempfile::tempdir().unwrap();
    common::write(outside.path(), "a.md", b"# A\n\nDEP-001\n");
    let outside_uri = lsp_types::Url::from_file_path(outside.path().join("a.md"))
        .unwrap()
        .to_string();
    let document = |uri: &str| json!({ "uri": uri });
    // A file outside the workspace, one that does not exist, one that is no document,
    // and one that is no file.
    let documents = [
        document(&outside_uri),
        document(&client.uri("nothing.md")),
        document(&client.uri("config/app.yaml")),
        document("untitled:Untitled-1"),
    ];
    let mut questions: Vec<Value> = documents
        .iter()
        .map(|d| json!({ "textDocument": d, "position": { "line": 0, "character": 0 } }))
        .collect();
    // Past the last line, and far past a line's end (at that line's end: nothing there).
    for (line, character) in [(5000, 0), (28, 9999)] {
        questions.push(json!({
            "textDocument": document(&client.uri(RUNBOOK)),
            "position": { "line": line, "character": character },
        }));
    }
    for question in questions {
        for method in ["textDocument/definition", "textDocument/hover"] {
            let answer = client.request(method, question.clone());
            assert_eq!(answer, Value::Null, "{method} {question}");
        }
        let mut with_context = question.clone();
        with_context["context"] = json!({ "includeDeclaration": true });
        let answer = client.request("textDocument/references", with_context);
        assert_eq!(answer, Value::Null, "{question}");
    }
    for d in documents {
        let answer = client.request("textDocument/documentSymbol", json!({ "textDocument": d }));
        assert_eq!(answer, Value::Null, "{d}");
    }
    // References from a link that names no ID or heading: nothing to list.
    let mut on_link = at(&client, RUNBOOK, &runbook, "service config");
    on_link["context"] = json!({ "includeDeclaration": true });
    assert_eq!(
        client.request("textDocument/references", on_link),
        Value::Null
    );
    // Params of the wrong shape are the client's error.
    let error = client
        .try_request("textDocument/definition", json!({ "textDocument": 1 }))
        .unwrap_err();
    assert_eq!(error["code"], -32602, "{error}");
    // The server still answers.
    assert_eq!(
        definition(&mut client, RUNBOOK, &runbook, "RUN-001."),
        [format!("{PLAYBOOK} 252:0-252:36")]
    );
    client.shutdown();
}
