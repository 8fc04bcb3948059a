//! Helpers shared by the end-to-end test files.

// Each test file compiles its own copy of this module and uses only some of it.
#![allow(dead_code)]

pub mod corpus;
pub mod lsp;

use std::path::{Path, PathBuf};
use std::process::Command;

/// A temporary workspace holding a copy of `fixtures/<name>`.
pub fn fixture_workspace(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("fixtures").join(name), dir.path());
    dir
}

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

pub fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Runs `sot` as the unprivileged user `nobody` (through `setpriv`) when the tests run
/// as root, else as the current user; `None` when root cannot drop privileges here
/// (or outside an integration test).
pub fn sot_unprivileged(dir: &Path, args: &[&str]) -> Option<std::process::Output> {
    // The examples that share this module are built without the binary.
    let sot = option_env!("CARGO_BIN_EXE_sot")?;
    let mut cmd = if is_root() {
        let nobody = Command::new("setpriv")
            .args([
                "--reuid=nobody",
                "--regid=nogroup",
                "--clear-groups",
                "true",
            ])
            .status()
            .is_ok_and(|s| s.success());
        if !nobody {
            eprintln!("skipped: setpriv cannot run as nobody here");
            return None;
        }
        let mut cmd = Command::new("setpriv");
        cmd.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"])
            .arg(sot);
        cmd
    } else {
        Command::new(sot)
    };
    cmd.args(args).current_dir(dir).env("NO_COLOR", "1");
    Some(cmd.output().expect("sot runs"))
}

/// Hands the workspace to `nobody` when the tests run as root, so that only the
/// permissions a test sets decide what `sot_unprivileged` may write.
pub fn give_to_unprivileged(dir: &Path) {
    if !is_root() {
        return;
    }
    let Some((uid, gid)) = nobody_ids() else {
        return;
    };
    for entry in walk(dir) {
        std::os::unix::fs::lchown(&entry, Some(uid), Some(gid)).unwrap();
    }
}

pub fn nobody_ids() -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    let line = passwd.lines().find(|l| l.starts_with("nobody:"))?;
    let fields: Vec<&str> = line.split(':').collect();
    Some((fields.get(2)?.parse().ok()?, fields.get(3)?.parse().ok()?))
}

/// `dir` and everything below it, symlinks not followed.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() && !path.is_symlink() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The names in `dir`, sorted.
pub fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Runs the built `sot` with `args` in `dir`, without colour or a format from the
/// environment.
/// The built `sot` binary.
pub fn sot_path() -> &'static str {
    // Examples include this module too, and are built without the binary.
    option_env!("CARGO_BIN_EXE_sot").unwrap_or_default()
}

pub fn sot(dir: &Path, args: &[&str]) -> std::process::Output {
    // `option_env!`: examples include this module too; they have no `sot` to run, and
    // an empty program fails to start.
    Command::new(option_env!("CARGO_BIN_EXE_sot").unwrap_or_default())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("SOT_FORMAT")
        .output()
        .expect("sot runs")
}

pub fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every file and symlink under `dir` with its bytes (a symlink: its target), and
/// every folder, to show that a refused move changed nothing at all.
pub fn contents(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walk(dir)
        .into_iter()
        .map(|path| {
            let rel = path.strip_prefix(dir).unwrap().display().to_string();
            let meta = path.symlink_metadata().unwrap();
            let content = if meta.is_symlink() {
                std::fs::read_link(&path)
                    .unwrap()
                    .into_os_string()
                    .into_encoded_bytes()
            } else if meta.is_dir() {
                b"<folder>".to_vec()
            } else {
                std::fs::read(&path).unwrap()
            };
            (rel, content)
        })
        .collect()
}
