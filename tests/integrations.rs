//! The integration snippets users copy (problem matchers, VS Code, Vim, GitLab CI,
//! the GitHub Action, pre-commit) run against real `sot` output here, read from the
//! files and docs that ship them so they cannot drift.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

use regex::Regex;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_sot"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn concise_seed_output() -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_sot"))
        .args(["lint", "--format", "concise"])
        .current_dir(repo().join("fixtures/seeds"))
        .output()
        .unwrap();
    String::from_utf8(o.stdout).unwrap()
}

/// Every line of real output matches a problem-matcher pattern, and its numbered
/// groups give file, line, column and severity.
fn check_matcher(pattern: &serde_json::Value) {
    let group = |k: &str| pattern[k].as_u64().unwrap() as usize;
    let re = Regex::new(pattern["regexp"].as_str().unwrap()).unwrap();
    let output = concise_seed_output();
    assert!(output.lines().count() > 100);
    for line in output.lines() {
        let c = re
            .captures(line)
            .unwrap_or_else(|| panic!("{re} does not match {line}"));
        let file = &c[group("file")];
        assert!(repo().join("fixtures/seeds").join(file).is_file(), "{file}");
        assert!(c[group("line")].parse::<usize>().unwrap() >= 1);
        assert!(c[group("column")].parse::<usize>().unwrap() >= 1);
        assert!(["error", "warning", "note"].contains(&&c[group("severity")]));
    }
}

fn docs() -> String {
    std::fs::read_to_string(repo().join("docs/integrations.md")).unwrap()
}

/// The body of the first fenced block of `lang` after `heading` in the docs.
fn block(heading: &str, lang: &str) -> String {
    let text = docs();
    let from = text
        .find(heading)
        .unwrap_or_else(|| panic!("no section {heading}"));
    let start = text[from..].find(&format!("```{lang}\n")).unwrap() + from + lang.len() + 4;
    let end = text[start..].find("```").unwrap() + start;
    text[start..end].to_string()
}

#[test]
fn github_problem_matcher_reads_concise_output() {
    let text = std::fs::read_to_string(repo().join("sot-problem-matcher.json")).unwrap();
    let matcher: serde_json::Value = serde_json::from_str(&text).unwrap();
    let pattern = &matcher["problemMatcher"][0]["pattern"][0];
    check_matcher(pattern);
    // The docs show the same pattern.
    assert_eq!(
        block("## GitHub Actions", "regex").trim(),
        pattern["regexp"].as_str().unwrap()
    );
}

#[test]
fn vscode_task_and_gcc_matcher_read_concise_output() {
    let tasks: serde_json::Value = serde_json::from_str(&block("## VS Code", "json")).unwrap();
    let pattern = &tasks["tasks"][0]["problemMatcher"]["pattern"];
    check_matcher(pattern);
    // VS Code's built-in $gcc pattern, as VS Code defines it.
    let gcc = Regex::new(r"^(.*?):(\d+):(\d*):?\s+(?:fatal\s+)?(warning|error):\s+(.*)$").unwrap();
    for line in concise_seed_output().lines() {
        let c = gcc
            .captures(line)
            .unwrap_or_else(|| panic!("$gcc does not match {line}"));
        assert!(c[5].ends_with(']'));
    }
}

/// Vim's errorformat, translated item by item for the items the snippet uses.
#[test]
fn vim_errorformat_reads_concise_output() {
    let vim = block("## Vim and Neovim", "vim");
    let format = vim
        .lines()
        .find_map(|l| l.strip_prefix("set errorformat="))
        .unwrap();
    let mut regexp = String::from("^");
    let mut rest = format.replace("\\ ", " ");
    let mut groups = Vec::new();
    while !rest.is_empty() {
        let (piece, len) = if let Some(r) = rest.strip_prefix("%*[a-z]") {
            let _ = r;
            ("[a-z]*".to_string(), 7)
        } else if rest.starts_with('%') {
            let item = &rest[1..2];
            groups.push(item.to_string());
            let piece = match item {
                "f" => "(.+?)",
                "l" | "c" => r"(\d+)",
                "t" => "([a-z])",
                "m" => "(.+)",
                other => panic!("errorformat item %{other} is not translated here"),
            };
            (piece.to_string(), 2)
        } else {
            let c = rest.chars().next().unwrap();
            (regex::escape(&c.to_string()), c.len_utf8())
        };
        regexp.push_str(&piece);
        rest = rest[len..].to_string();
    }
    regexp.push('$');
    assert_eq!(groups, ["f", "l", "c", "t", "m"]);
    let re = Regex::new(&regexp).unwrap();
    for line in concise_seed_output().lines() {
        let c = re
            .captures(line)
            .unwrap_or_else(|| panic!("{regexp} does not match {line}"));
        assert!(["e", "w", "n"].contains(&&c[4]));
    }
}

#[test]
fn gitlab_ci_snippet_writes_a_code_quality_report() {
    let yaml: serde_yaml::Value = serde_yaml::from_str(&block("## GitLab CI", "yaml")).unwrap();
    let script = yaml["sot"]["script"].as_sequence().unwrap();
    let command = script
        .iter()
        .filter_map(|s| s.as_str())
        .find(|s| s.starts_with("sot lint"))
        .unwrap();
    let report = yaml["sot"]["artifacts"]["reports"]["codequality"]
        .as_str()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&repo().join("fixtures/rules/broken-link"), dir.path());
    let o = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(dir.path())
        .env("PATH", path_with_sot())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let issues: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(report)).unwrap()).unwrap();
    for issue in issues.as_array().unwrap() {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(issue[key].is_string(), "{key} in {issue}");
        }
        assert!(issue["location"]["lines"]["begin"].is_u64());
    }
}

/// Runs the Action's lint step as GitHub would: its script, with its `env` and the
/// inputs given, in a copy of `fixture` with `files` added.
fn run_action_lint(
    fixture: &str,
    files: &[(&str, &str)],
    args: &str,
    sarif: &str,
) -> (tempfile::TempDir, Output) {
    let action: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(repo().join("action.yml")).unwrap()).unwrap();
    assert_eq!(action["runs"]["using"], "composite");
    let lint = action["runs"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Lint")
        .unwrap();
    let script = lint["run"].as_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&repo().join(fixture), dir.path());
    for (path, text) in files {
        std::fs::write(dir.path().join(path), text).unwrap();
    }
    let mut cmd = Command::new("bash");
    // GitHub runs `shell: bash` steps as `bash --noprofile --norc -eo pipefail`.
    cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .current_dir(dir.path())
        .env("PATH", path_with_sot())
        .env_remove("SOT_FORMAT");
    for (key, value) in lint["env"].as_mapping().unwrap() {
        let value = match value.as_str().unwrap() {
            "${{ inputs.args }}" => args,
            "${{ inputs.sarif }}" => sarif,
            literal => literal,
        };
        cmd.env(key.as_str().unwrap(), value);
    }
    let o = cmd.output().unwrap();
    (dir, o)
}

#[test]
fn github_action_annotates_and_writes_sarif() {
    let (dir, o) = run_action_lint("fixtures/rules/broken-anchor", &[], "fail.md", "sot.sarif");
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stdout = String::from_utf8(o.stdout).unwrap();
    assert!(
        stdout
            .lines()
            .all(|l| l.starts_with("::error file=fail.md,")),
        "{stdout}"
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("sot.sarif")).unwrap())
            .unwrap();
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        stdout.lines().count()
    );
}

/// `args` may choose the format (the Action's own is only a default) and quote a path
/// with a space, as a shell would read it; nothing in it is run.
#[test]
fn github_action_args_choose_the_format_and_keep_quoted_paths() {
    let spaced = [("with space.md", "# Notes\n\n[x](#nowhere)\n")];
    let fixture = "fixtures/rules/broken-anchor";
    let (dir, o) = run_action_lint(fixture, &spaced, "'with space.md' $(touch ran)", "");
    let stderr = String::from_utf8_lossy(&o.stderr);
    // `$(touch ran)` is read as two words naming paths that do not exist: exit 2, and
    // nothing ran.
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("$(touch"), "{stderr}");
    assert!(!dir.path().join("ran").exists());
    let args = "--format concise 'with space.md' \"fail.md\"";
    let (dir, o) = run_action_lint(fixture, &spaced, args, "sot.sarif");
    let stdout = String::from_utf8(o.stdout).unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout.starts_with("fail.md:"), "{stdout}");
    assert!(stdout.contains("\nwith space.md:3:5: error: "), "{stdout}");
    let sarif = std::fs::read_to_string(dir.path().join("sot.sarif")).unwrap();
    assert!(sarif.contains("\"version\": \"2.1.0\""), "{sarif}");
}

/// The real pre-commit framework: a commit with a broken link is blocked, a clean
/// one passes. It builds the hook with `cargo install`, so it is opt-in locally;
/// CI installs pre-commit and runs it with `--include-ignored`.
#[test]
#[ignore = "needs pre-commit (pip install pre-commit); run with --include-ignored"]
fn pre_commit_blocks_a_broken_link_and_passes_a_clean_commit() {
    let version = Command::new("pre-commit").arg("--version").output();
    assert!(
        version.is_ok_and(|o| o.status.success()),
        "pre-commit is not installed: pip install pre-commit"
    );
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| common::git(dir.path(), args);
    git(&["init", "-q"]);
    std::fs::write(
        dir.path().join("guide.md"),
        "# Guide\n\n## Steps\n\nDo it.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("runbook.md"),
        "# Runbook\n\nSee [the guide](guide.md#stepz).\n",
    )
    .unwrap();
    git(&["add", "-A"]);
    // One target directory for both hook builds, so the second one is quick.
    let target = tempfile::tempdir().unwrap();
    let try_repo = || {
        Command::new("pre-commit")
            .args(["try-repo", repo().to_str().unwrap(), "sot"])
            .current_dir(dir.path())
            .env("CARGO_TARGET_DIR", target.path())
            .env("PRE_COMMIT_HOME", target.path().join("pre-commit"))
            .output()
            .unwrap()
    };
    let blocked = try_repo();
    let report = String::from_utf8_lossy(&blocked.stdout).into_owned();
    assert_eq!(
        blocked.status.code(),
        Some(1),
        "{report}{}",
        String::from_utf8_lossy(&blocked.stderr)
    );
    assert!(
        report.contains(
            "runbook.md:3:17: error: no heading or anchor `#stepz` in `guide.md` [broken-anchor]"
        ),
        "{report}"
    );
    std::fs::write(
        dir.path().join("runbook.md"),
        "# Runbook\n\nSee [the guide](guide.md#steps).\n",
    )
    .unwrap();
    git(&["add", "-A"]);
    let passed = try_repo();
    assert_eq!(
        passed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&passed.stdout)
    );
    git(&["commit", "-qm", "clean runbook"]);
}

fn path_with_sot() -> String {
    format!(
        "{}:{}",
        sot_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    )
}
