//! The cache of lean documents: a run that reads it gives byte for byte what a run
//! without it gives, whatever changed between runs.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{corpus, write};

fn sot(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sot"))
        .args(args)
        .current_dir(dir)
        .env_remove("SOT_CACHE_DIR")
        .env_remove("SOT_FORMAT")
        .output()
        .unwrap()
}

/// The report and exit code of `sot lint --format json ARGS`, with the cache or without.
fn lint(dir: &Path, cached: bool, args: &[&str]) -> (String, Option<i32>) {
    let mut all = vec!["lint", "--format", "json"];
    if !cached {
        all.push("--no-cache");
    }
    all.extend(args);
    let o = sot(dir, &all);
    assert!(
        o.status.code().unwrap_or(2) < 2,
        "{all:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    (String::from_utf8(o.stdout).unwrap(), o.status.code())
}

/// Lints each of `files` alone and the whole workspace, with the cache and without, and
/// asserts the same report each time. Returns the cached whole-workspace report.
/// The files alone come first: they must see the edits through a cache that the
/// previous step's runs wrote.
fn same_with_and_without(dir: &Path, files: &[&str], step: &str) -> String {
    for file in files {
        let one = lint(dir, true, &[file]);
        assert_eq!(one, lint(dir, false, &[file]), "{step}: {file}");
    }
    let whole = lint(dir, true, &[]);
    assert_eq!(whole, lint(dir, false, &[]), "{step}: whole workspace");
    whole.0
}

fn findings_in(report: &str, file: &str) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_str(report).unwrap();
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == file)
        .map(|d| format!("{}:{} {}", d["line"], d["rule"], d["message"]))
        .collect()
}

const RUNBOOKS: &str = "---\nid_prefix: RUN\ndocument_type: runbooks\n---\n# Runbooks\n\n\
## RUN-001: Restart the API\n\n**Status**: Active\n\nSteps.\n\n\
## RUN-002: Drain a node\n\n**Status**: Deprecated\n\nSteps.\n";

const GUIDE: &str = "# Guide\n\nRestart with [RUN-001](SoT.RUNBOOKS.md#run-001-restart-the-api), \
drain with [RUN-002](SoT.RUNBOOKS.md#run-002-drain-a-node), rotate with \
[RUN-003](SoT.MORE_RUNBOOKS.md#run-003-rotate-keys); see [the notes](notes/old.md).\n";

/// A workspace of the tests' generator: `docs` documents, one defect of every rule.
fn generated(docs: usize, seed: u64) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "sot.toml", b"");
    corpus::generate(docs, 1, seed).write(dir.path());
    dir
}

#[test]
fn cached_runs_match_uncached_runs_after_every_kind_of_edit() {
    let dir = generated(40, 11);
    let root = dir.path();
    write(root, "SoT.RUNBOOKS.md", RUNBOOKS.as_bytes());
    write(root, "guide.md", GUIDE.as_bytes());
    write(root, "notes/old.md", b"# Old notes\n");
    let files = ["guide.md", "SoT.RUNBOOKS.md", "notes/old.md"];
    // Files last changed well before the cache was written are trusted by their
    // stamps alone; everything after this is caught by its content.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let report = same_with_and_without(root, &files, "first runs");
    assert!(root.join(".sot_cache/CACHEDIR.TAG").is_file());
    assert_eq!(
        std::fs::read_to_string(root.join(".sot_cache/.gitignore")).unwrap(),
        "# Created by sot.\n*\n"
    );
    let rules = |report: &str| -> Vec<String> {
        let mut rules: Vec<String> = findings_in(report, "guide.md")
            .iter()
            .map(|f| f.split('"').nth(1).unwrap().to_string())
            .collect();
        rules.sort();
        rules.dedup();
        rules
    };
    assert_eq!(rules(&report), ["broken-link", "deprecated-ref"]);

    // A heading renamed in one file breaks the anchor another links to.
    let renamed = RUNBOOKS.replace("Restart the API", "Restart the API server");
    write(root, "SoT.RUNBOOKS.md", renamed.as_bytes());
    let report = same_with_and_without(root, &files, "heading renamed");
    assert_eq!(
        rules(&report),
        ["broken-anchor", "broken-link", "deprecated-ref"]
    );

    // An entry's status changed elsewhere: the deprecation warning goes.
    let revived = renamed.replace("**Status**: Deprecated", "**Status**: Active");
    write(root, "SoT.RUNBOOKS.md", revived.as_bytes());
    let report = same_with_and_without(root, &files, "status changed");
    assert_eq!(rules(&report), ["broken-anchor", "broken-link"]);

    // An edit that keeps the file's size: its stamp still differs.
    let same_size = revived.replace("Drain a node", "Drain a host");
    assert_eq!(same_size.len(), revived.len());
    write(root, "SoT.RUNBOOKS.md", same_size.as_bytes());
    let report = same_with_and_without(root, &files, "same size");
    let anchors = findings_in(&report, "guide.md")
        .iter()
        .filter(|f| f.contains("broken-anchor"))
        .count();
    assert_eq!(anchors, 2, "both runbook anchors are stale now");
    write(root, "SoT.RUNBOOKS.md", revived.as_bytes());

    // A file appears that defines the ID the guide names.
    write(
        root,
        "SoT.MORE_RUNBOOKS.md",
        b"---\nid_prefix: RUN\n---\n# More\n\n## RUN-003: Rotate keys\n\n**Status**: Active\n",
    );
    let report = same_with_and_without(root, &files, "file appeared");
    assert_eq!(rules(&report), ["broken-anchor"]);

    // A file vanishes: the link to it breaks.
    std::fs::remove_file(root.join("notes/old.md")).unwrap();
    let report = same_with_and_without(root, &files[..2], "file vanished");
    assert_eq!(rules(&report), ["broken-anchor", "broken-link"]);

    // A file is renamed: the ID it defines moves with it, the link to the old path
    // breaks, and a second definition of the same ID is a duplicate.
    std::fs::rename(
        root.join("SoT.MORE_RUNBOOKS.md"),
        root.join("SoT.EXTRA_RUNBOOKS.md"),
    )
    .unwrap();
    write(
        root,
        "SoT.ZZ_RUNBOOKS.md",
        b"---\nid_prefix: RUN\n---\n# Later\n\n## RUN-001: Restart twice\n\n**Status**: Active\n",
    );
    let report = same_with_and_without(
        root,
        &["guide.md", "SoT.EXTRA_RUNBOOKS.md", "SoT.ZZ_RUNBOOKS.md"],
        "file renamed",
    );
    assert_eq!(
        findings_in(&report, "guide.md").len(),
        3,
        "the notes and RUN-003's old file are missing"
    );
    assert!(findings_in(&report, "SoT.ZZ_RUNBOOKS.md")
        .iter()
        .any(|f| f.contains("duplicate-id")));

    // An editor's buffer on standard input reads the cache, and never writes it.
    let buffer = |cached: bool| {
        let mut args = vec!["lint", "--format", "json", "--stdin-filename", "guide.md"];
        if !cached {
            args.push("--no-cache");
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_sot"))
            .args(&args)
            .current_dir(root)
            .env_remove("SOT_CACHE_DIR")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let edited = GUIDE.replace("drain-a-node", "drain-a-host");
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), edited.as_bytes()).unwrap();
        String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
    };
    let cache_file = &cache_files(&root.join(".sot_cache"))[0];
    let before = std::fs::read(cache_file).unwrap();
    assert_eq!(buffer(true), buffer(false));
    assert_eq!(std::fs::read(cache_file).unwrap(), before);

    // The same content written again (a new stamp, the same hash) changes nothing.
    write(root, "guide.md", GUIDE.as_bytes());
    same_with_and_without(root, &["guide.md"], "rewritten unchanged");
}

#[test]
fn one_file_runs_from_the_cache_report_what_the_whole_run_reports_for_that_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "sot.toml", b"");
    let corpus = corpus::generate(80, 2, 5);
    corpus.write(root);
    let whole = lint(root, true, &[]).0;
    let mut files: Vec<&str> = corpus
        .files
        .iter()
        .map(|(p, _)| p.as_str())
        .filter(|p| p.ends_with(".md") && !p.starts_with("node_modules/"))
        .collect();
    files.sort();
    for file in files.iter().step_by(7) {
        let one = lint(root, true, &[file]).0;
        assert_eq!(findings_in(&one, file), findings_in(&whole, file), "{file}");
    }
}

#[test]
fn a_few_changed_documents_are_read_again_until_enough_changed_to_rewrite_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "sot.toml", b"");
    let corpus = corpus::generate(200, 1, 9);
    corpus.write(root);
    let mut docs: Vec<&str> = corpus
        .files
        .iter()
        .map(|(p, _)| p.as_str())
        .filter(|p| p.ends_with(".md") && !p.starts_with("node_modules/"))
        .collect();
    docs.sort();
    assert!(docs.len() >= 128, "{} documents", docs.len());
    let (target, others) = docs.split_first().unwrap();
    // Trusted by their stamps once the whole run has written the cache.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    same_with_and_without(root, &[], "first run");
    let cache_file = &cache_files(&root.join(".sot_cache"))[0];
    let written = std::fs::read(cache_file).unwrap();
    let edit = |path: &str| {
        let mut text = std::fs::read(root.join(path)).unwrap();
        text.extend_from_slice(b"\nA line added later.\n");
        write(root, path, &text);
    };

    // One document changed: a run over another reads it again and keeps the file.
    edit(others[0]);
    let one = lint(root, true, &[target]);
    assert_eq!(one, lint(root, false, &[target]));
    assert_eq!(std::fs::read(cache_file).unwrap(), written, "not rewritten");

    // An eighth changed: rewriting once costs less than reading them in every run.
    for path in others.iter().step_by(8) {
        edit(path);
    }
    let one = lint(root, true, &[target]);
    assert_eq!(one, lint(root, false, &[target]));
    let rewritten = std::fs::read(cache_file).unwrap();
    assert_ne!(rewritten, written, "rewritten");
    same_with_and_without(root, &[target], "after the rewrite");
}

fn cache_files(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "cache"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_corrupt_or_foreign_cache_is_ignored_and_rebuilt() {
    let dir = common::workspace(&[("SoT.RUNBOOKS.md", RUNBOOKS), ("guide.md", GUIDE)]);
    let root = dir.path();
    let expected = lint(root, false, &["guide.md"]);
    assert_eq!(lint(root, true, &["guide.md"]), expected);
    let files = cache_files(&root.join(".sot_cache"));
    assert_eq!(files.len(), 1, "{files:?}");
    let file = &files[0];
    let written = std::fs::read(file).unwrap();
    for garbage in [
        b"not a cache".to_vec(),
        written[..written.len() / 2].to_vec(),
        written.iter().map(|b| b ^ 0x55).collect(),
        Vec::new(),
    ] {
        std::fs::write(file, &garbage).unwrap();
        assert_eq!(lint(root, true, &["guide.md"]), expected);
        assert_eq!(lint(root, true, &["guide.md"]), expected);
        assert_ne!(std::fs::read(file).unwrap(), garbage, "rebuilt");
    }
}

#[test]
fn the_cache_goes_where_it_is_told_or_nowhere() {
    let dir = common::workspace(&[("SoT.RUNBOOKS.md", RUNBOOKS), ("guide.md", GUIDE)]);
    let root = dir.path();
    lint(root, false, &[]);
    assert!(
        !root.join(".sot_cache").exists(),
        "--no-cache writes nothing"
    );
    let elsewhere = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_sot"))
        .args(["lint", "--format", "json"])
        .current_dir(root)
        .env("SOT_CACHE_DIR", elsewhere.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(!root.join(".sot_cache").exists());
    assert_eq!(cache_files(elsewhere.path()).len(), 1);
    let given = root.join("build/cache");
    lint(root, true, &["--cache-dir", given.to_str().unwrap()]);
    assert_eq!(cache_files(&given).len(), 1);
    assert!(given.join("CACHEDIR.TAG").is_file());
}

#[test]
fn concurrent_runs_leave_a_sound_cache() {
    let dir = generated(60, 3);
    let root = dir.path();
    let expected = lint(root, false, &[]);
    let runs: Vec<_> = (0..6)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_sot"))
                .args(["lint", "--format", "json"])
                .current_dir(root)
                .env_remove("SOT_CACHE_DIR")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for run in runs {
        let o = run.wait_with_output().unwrap();
        assert_eq!(
            (String::from_utf8(o.stdout).unwrap(), o.status.code()),
            expected
        );
    }
    assert_eq!(cache_files(&root.join(".sot_cache")).len(), 1);
    assert_eq!(lint(root, true, &[]), expected);
}

/// A file of nothing but reference definitions is included in every page by the site
/// generator; its labels must be known to a run that reads it from the cache.
#[test]
fn labels_of_an_included_definitions_file_survive_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "includes/links.md",
        b"[runbooks]: https://runbooks.example.com/\n[pager]: https://pager.example.com/\n",
    );
    write(
        root,
        "guide.md",
        b"# Guide\n\nPage the on-call through [the pager][pager] and follow the [runbooks].\n\nSee [the status page][status].\n",
    );
    same_with_and_without(root, &["guide.md"], "first runs");
    let report = same_with_and_without(root, &["guide.md"], "from the cache");
    assert_eq!(
        findings_in(&report, "guide.md"),
        ["5:\"broken-link\" \"reference `[status]` has no definition\""]
    );
}
