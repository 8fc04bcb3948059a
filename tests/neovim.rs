//! `sot server` under a real editor: Neovim's built-in LSP client, headless, runs
//! tests/editors/neovim.lua against a copy of the clean fixture. Needs `nvim` (0.7 or
//! later, Debian's `neovim` package), so it is ignored by default; `.ci/run` installs
//! Neovim and runs it in a step of its own (`cargo test --test neovim -- --ignored`).

mod common;

use serde_json::{json, Value};

#[test]
#[ignore = "needs Neovim (nvim on the PATH); run by .ci/run"]
fn neovim_sees_findings_goes_to_definitions_and_renames_ids() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("workspace");
    common::copy_dir(&common::repo().join("fixtures/clean"), &root);
    let root = root.canonicalize().unwrap();
    let out = dir.path().join("results.json");
    let script = common::repo().join("tests/editors/neovim.lua");
    let status = std::process::Command::new("nvim")
        .args(["--headless", "--clean", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("SOT_BIN", common::sot_path())
        .env("SOT_ROOT", &root)
        .env("SOT_NVIM_OUT", &out)
        .status()
        .expect("nvim runs");
    assert!(status.success(), "nvim exited with {status}");
    let results: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(results.get("error"), None, "{results:#}");

    // Neovim counts lines from 0: line 26 is the line typed under `## Goal`.
    let typed = &results["typed"];
    assert_eq!(typed[0]["code"], "broken-link", "{typed:#}");
    assert_eq!(
        (&typed[0]["line"], &typed[0]["col"]),
        (&json!(26), &json!(15))
    );
    assert_eq!(typed.as_array().unwrap().len(), 1);
    let elsewhere = &results["elsewhere"];
    assert_eq!(elsewhere[0]["code"], "broken-anchor", "{elsewhere:#}");
    assert_eq!(
        (&elsewhere[0]["line"], &elsewhere[0]["col"]),
        (&json!(27), &json!(10))
    );
    assert_eq!(
        results["definition"],
        json!({ "file": "SoT.DEPLOYMENT_PLAYBOOK.md", "line": 55 })
    );

    // The rename reached every file that names the entry, and nothing broke.
    assert_eq!(results["renamed"], true);
    assert!(
        results["runbook_line"]
            .as_str()
            .unwrap()
            .starts_with("[DEP-010](../../SoT.DEPLOYMENT_PLAYBOOK.md#dep-010-blue-green-rollout)"),
        "{results:#}"
    );
    let playbook = std::fs::read_to_string(root.join("SoT.DEPLOYMENT_PLAYBOOK.md")).unwrap();
    assert!(playbook.contains("## DEP-010: Blue-green rollout"));
    // The reserved range `DEP-001 to DEP-099` names no entry: it stays.
    assert_eq!(
        playbook.matches("DEP-001").count(),
        1,
        "every reference was renamed"
    );
    let lint = common::sot(&root, &["lint", "--format", "concise"]);
    assert_eq!(common::stdout(&lint), "", "{}", common::stderr(&lint));
}
