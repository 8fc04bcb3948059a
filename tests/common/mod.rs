//! Helpers shared by the end-to-end test files.

// Each test file compiles its own copy of this module and uses only some of it.
#![allow(dead_code)]

pub mod corpus;

use std::path::{Path, PathBuf};
use std::process::Command;

/// Copies the folder `from` into `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Runs git in `dir` with a fixed identity and `main` as the first branch.
pub fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args([
            "-c",
            "user.name=sot tests",
            "-c",
            "user.email=tests@example.com",
        ])
        .args(["-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the git command is needed for these tests");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The root of the checkout.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file of the data kept beside the checkout (`../shared`, or the absolute path in
/// `SOT_SHARED`): the outside corpus generator and scorer, the official SARIF schema.
/// A user's clone has none of it, so only the `shared_` tests read it; they are ignored
/// by default and CI runs them in a step of their own.
pub fn shared(rel: &str) -> PathBuf {
    let root =
        std::env::var_os("SOT_SHARED").map_or_else(|| repo().join("../shared"), PathBuf::from);
    let path = root.join(rel);
    assert!(
        path.exists(),
        "{} is missing: the shared_ tests need the shared data beside the checkout",
        path.display()
    );
    path
}

/// What `schema` (read from `path`, its formats checked) finds wrong in `instance`.
fn schema_errors(path: &Path, instance: &serde_json::Value) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

/// What is wrong with a SARIF log `sot` wrote: against the project's schema of the part
/// of SARIF 2.1.0 it emits, and the constraints between properties no schema states.
pub fn sarif_problems(log: &serde_json::Value) -> Vec<String> {
    let mut problems = schema_errors(&repo().join("tests/data/sarif-subset.schema.json"), log);
    if !problems.is_empty() {
        return problems;
    }
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: std::collections::BTreeSet<&str> =
        rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    if ids.len() != rules.len() {
        problems.push("two rules share an id".to_string());
    }
    for (i, result) in run["results"].as_array().unwrap().iter().enumerate() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        if rules.get(index).map(|r| &r["id"]) != Some(&result["ruleId"]) {
            problems.push(format!(
                "/runs/0/results/{i}: ruleIndex {index} is not rule {}",
                result["ruleId"]
            ));
        }
        let region = &result["locations"][0]["physicalLocation"]["region"];
        let at = |line: &str, column: &str| (region[line].as_u64(), region[column].as_u64());
        if at("endLine", "endColumn") < at("startLine", "startColumn") {
            problems.push(format!(
                "/runs/0/results/{i}: the region ends before it starts"
            ));
        }
    }
    problems
}

/// What the official SARIF 2.1.0 schema, kept beside the checkout, finds wrong in `log`.
pub fn shared_sarif_problems(log: &serde_json::Value) -> Vec<String> {
    schema_errors(&shared("data/sarif/sarif-schema-2.1.0.json"), log)
}

/// Writes `content` at `path` under `dir`, making its folders.
pub fn write(dir: &Path, path: &str, content: &[u8]) {
    let p = dir.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

/// A workspace root (with an empty `sot.toml`) holding `files`.
pub fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "sot.toml", b"");
    for (path, content) in files {
        write(dir.path(), path, content.as_bytes());
    }
    dir
}

/// Every `--format` value of `sot lint`.
pub const FORMATS: [&str; 8] = [
    "human",
    "concise",
    "json",
    "sarif",
    "github",
    "gitlab",
    "junit",
    "checkstyle",
];
