//! End-to-end tests of what `sot` writes (`sot new`, `sot index`, `sot rename`, `sot lint
//! --fix`): it never writes a file it could not read, never loses a concurrent writer's
//! entry, keeps the file's mode, owner, symlink, BOM and line endings, refuses files the
//! user cannot write (and then writes none of a change), rewrites index blocks
//! idempotently and cleans up after a killed run.

mod common;

use common::{give_to_unprivileged, is_root, names, nobody_ids, sot_unprivileged};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn sot_command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sot"));
    cmd.args(args).current_dir(dir).env("NO_COLOR", "1");
    cmd
}

fn sot(dir: &Path, args: &[&str]) -> Output {
    sot_command(dir, args).output().expect("sot runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const REGISTRY: &str = "---
id_prefix: DEP-XXX
---
# Deployments

<!-- sot:index start -->
<!-- sot:index end -->

## DEP-001: Blue/green rollout

**ID**: DEP-001
**Status**: Active
";

/// A workspace root (it holds `sot.toml`) with `files` written into it.
fn workspace(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sot.toml"), "").unwrap();
    for (path, bytes) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    dir
}

#[test]
fn new_never_replaces_a_file_that_is_not_utf8() {
    let notes: &[u8] = b"# Notes\n\nCaf\xe9 opening hours.\n";
    let dir = workspace(&[("SoT.DEPLOY.md", REGISTRY.as_bytes()), ("notes.md", notes)]);
    let o = sot(
        dir.path(),
        &["new", "DEP", "--title", "Canary", "--file", "notes.md"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("notes.md") && stderr(&o).contains("not valid UTF-8"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(dir.path().join("notes.md")).unwrap(), notes);
    assert_eq!(o.stdout, b"", "no ID is announced");
}

#[test]
fn concurrent_new_gives_each_writer_its_own_number() {
    let dir = workspace(&[("SoT.DEPLOY.md", REGISTRY.as_bytes())]);
    let children: Vec<_> = (0..6)
        .map(|i| {
            sot_command(dir.path(), &["new", "DEP", "--title", &format!("Step {i}")])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut ids: Vec<String> = children
        .into_iter()
        .map(|c| {
            let o = c.wait_with_output().unwrap();
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            String::from_utf8(o.stdout).unwrap().trim().to_string()
        })
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        ["DEP-002", "DEP-003", "DEP-004", "DEP-005", "DEP-006", "DEP-007"]
    );
    let text = std::fs::read_to_string(dir.path().join("SoT.DEPLOY.md")).unwrap();
    for id in &ids {
        assert_eq!(
            text.matches(&format!("## {id}: Step ")).count(),
            1,
            "{text}"
        );
    }
    assert_eq!(
        sot(dir.path(), &["index", "--check"]).status.code(),
        Some(0)
    );
}

#[test]
fn index_refuses_a_read_only_file_and_leaves_it_untouched() {
    let dir = workspace(&[("SoT.DEPLOY.md", REGISTRY.as_bytes())]);
    let doc = dir.path().join("SoT.DEPLOY.md");
    give_to_unprivileged(dir.path());
    std::fs::set_permissions(&doc, std::fs::Permissions::from_mode(0o444)).unwrap();
    let Some(o) = sot_unprivileged(dir.path(), &["index"]) else {
        return;
    };
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("SoT.DEPLOY.md") && stderr(&o).contains("permission denied"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&doc).unwrap(), REGISTRY);
    assert_eq!(names(dir.path()), ["SoT.DEPLOY.md", "sot.toml"]);
    let Some(o) = sot_unprivileged(dir.path(), &["new", "DEP", "--title", "Canary"]) else {
        return;
    };
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&doc).unwrap(), REGISTRY);
}

#[test]
fn index_keeps_mode_bom_and_line_endings() {
    let crlf = format!("\u{feff}{}", REGISTRY.replace('\n', "\r\n"));
    let dir = workspace(&[("SoT.DEPLOY.md", crlf.as_bytes())]);
    let doc = dir.path().join("SoT.DEPLOY.md");
    std::fs::set_permissions(&doc, std::fs::Permissions::from_mode(0o640)).unwrap();
    let o = sot(dir.path(), &["index"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let after = std::fs::read_to_string(&doc).unwrap();
    assert!(after.starts_with('\u{feff}'));
    assert!(after.contains("- [DEP-001](#dep-001-bluegreen-rollout) - Blue/green rollout\r\n"));
    assert_eq!(after.matches('\n').count(), after.matches("\r\n").count());
    let meta = std::fs::metadata(&doc).unwrap();
    assert_eq!(meta.permissions().mode() & 0o7777, 0o640);
    assert_eq!(names(dir.path()), ["SoT.DEPLOY.md", "sot.toml"]);
}

#[test]
fn root_keeps_the_owner_of_the_files_it_rewrites() {
    if !is_root() {
        eprintln!("skipped: needs root");
        return;
    }
    let Some((uid, gid)) = nobody_ids() else {
        return;
    };
    let dir = workspace(&[("SoT.DEPLOY.md", REGISTRY.as_bytes())]);
    let doc = dir.path().join("SoT.DEPLOY.md");
    std::os::unix::fs::chown(&doc, Some(uid), Some(gid)).unwrap();
    std::fs::set_permissions(&doc, std::fs::Permissions::from_mode(0o604)).unwrap();
    let o = sot(dir.path(), &["index"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let meta = std::fs::metadata(&doc).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (uid, gid));
    assert_eq!(meta.permissions().mode() & 0o7777, 0o604);
    assert!(std::fs::read_to_string(&doc)
        .unwrap()
        .contains("- [DEP-001]"));
}

#[test]
fn writes_go_through_a_symlink_to_its_target() {
    let dir = workspace(&[("docs/SoT.DEPLOY.md", REGISTRY.as_bytes())]);
    let link = dir.path().join("DEPLOY.md");
    std::os::unix::fs::symlink("docs/SoT.DEPLOY.md", &link).unwrap();
    let target = dir.path().join("docs/SoT.DEPLOY.md");

    let o = sot(dir.path(), &["index", "DEPLOY.md"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert!(std::fs::read_to_string(&target)
        .unwrap()
        .contains("- [DEP-001]"));

    let o = sot(
        dir.path(),
        &["new", "DEP", "--title", "Canary", "--file", "DEPLOY.md"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    let text = std::fs::read_to_string(&target).unwrap();
    assert!(text.contains("## DEP-002: Canary"), "{text}");
    assert!(
        text.contains("- [DEP-002](#dep-002-canary) - Canary"),
        "{text}"
    );
    assert_eq!(names(dir.path()), ["DEPLOY.md", "docs", "sot.toml"]);
    assert_eq!(names(&dir.path().join("docs")), ["SoT.DEPLOY.md"]);
}

/// A document that names DEP-001 of `REGISTRY` (at `SoT.DEPLOY.md`) by link and mention.
const NOTES: &str =
    "# Notes\n\nRoll out with [DEP-001](SoT.DEPLOY.md#dep-001-bluegreen-rollout); DEP-001 is the default.\n";

#[test]
fn rename_keeps_each_files_bom_and_line_endings() {
    let crlf = REGISTRY.replace('\n', "\r\n");
    let bom = format!("\u{feff}{NOTES}");
    let dir = workspace(&[
        ("SoT.DEPLOY.md", crlf.as_bytes()),
        ("notes.md", bom.as_bytes()),
    ]);
    let o = sot(dir.path(), &["rename", "DEP-001", "DEP-002"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let registry = std::fs::read_to_string(dir.path().join("SoT.DEPLOY.md")).unwrap();
    assert!(!registry.starts_with('\u{feff}'));
    assert_eq!(
        registry.matches('\n').count(),
        registry.matches("\r\n").count()
    );
    assert!(
        registry.contains("## DEP-002: Blue/green rollout\r\n\r\n**ID**: DEP-002\r\n"),
        "{registry}"
    );
    assert!(
        registry.contains("- [DEP-002](#dep-002-bluegreen-rollout) - Blue/green rollout\r\n"),
        "{registry}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.md")).unwrap(),
        "\u{feff}# Notes\n\nRoll out with [DEP-002](SoT.DEPLOY.md#dep-002-bluegreen-rollout); DEP-002 is the default.\n"
    );
    assert_eq!(names(dir.path()), ["SoT.DEPLOY.md", "notes.md", "sot.toml"]);
    assert_eq!(
        sot(dir.path(), &["index", "--check"]).status.code(),
        Some(0)
    );
}

#[test]
fn rename_writes_no_file_when_one_cannot_be_written() {
    let dir = workspace(&[
        ("SoT.DEPLOY.md", REGISTRY.as_bytes()),
        ("notes.md", NOTES.as_bytes()),
    ]);
    // The file that cannot be written comes after one that can, in the order written.
    let notes = dir.path().join("notes.md");
    give_to_unprivileged(dir.path());
    std::fs::set_permissions(&notes, std::fs::Permissions::from_mode(0o444)).unwrap();
    let Some(o) = sot_unprivileged(dir.path(), &["rename", "DEP-001", "DEP-002"]) else {
        return;
    };
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot write notes.md: permission denied"),
        "{}",
        stderr(&o)
    );
    assert_eq!(o.stdout, b"", "no file is announced");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("SoT.DEPLOY.md")).unwrap(),
        REGISTRY
    );
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), NOTES);
    assert_eq!(names(dir.path()), ["SoT.DEPLOY.md", "notes.md", "sot.toml"]);
}

#[test]
fn rename_writes_through_a_symlink_to_its_target() {
    let notes = "# Notes\n\nSee [DEP-001](DEPLOY.md#dep-001-bluegreen-rollout).\n";
    let dir = workspace(&[
        ("docs/SoT.DEPLOY.md", REGISTRY.as_bytes()),
        ("notes.md", notes.as_bytes()),
    ]);
    let link = dir.path().join("DEPLOY.md");
    std::os::unix::fs::symlink("docs/SoT.DEPLOY.md", &link).unwrap();
    let o = sot(dir.path(), &["rename", "DEP-001", "DEP-002"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "updated docs/SoT.DEPLOY.md\nupdated notes.md\nrenamed DEP-001 to DEP-002 in 2 files\n"
    );
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    let target = std::fs::read_to_string(dir.path().join("docs/SoT.DEPLOY.md")).unwrap();
    assert!(
        target.contains("## DEP-002: Blue/green rollout"),
        "{target}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.md")).unwrap(),
        "# Notes\n\nSee [DEP-002](DEPLOY.md#dep-002-bluegreen-rollout).\n"
    );
    assert_eq!(
        names(dir.path()),
        ["DEPLOY.md", "docs", "notes.md", "sot.toml"]
    );
    assert_eq!(names(&dir.path().join("docs")), ["SoT.DEPLOY.md"]);
}

#[test]
fn a_later_run_removes_what_a_killed_write_left_behind() {
    let dir = workspace(&[("docs/SoT.DEPLOY.md", REGISTRY.as_bytes())]);
    // What a run killed between writing its temporary file and renaming it leaves.
    let leftover = dir.path().join("docs/.SoT.DEPLOY.md.sot-tmp.4194305");
    std::fs::write(&leftover, REGISTRY.repeat(100)).unwrap();
    let unrelated = dir.path().join("docs/.notes.sot-tmp");
    std::fs::write(&unrelated, "not ours").unwrap();
    let o = sot(dir.path(), &["index"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        names(&dir.path().join("docs")),
        [".notes.sot-tmp", "SoT.DEPLOY.md"]
    );
}

#[test]
fn new_rejects_titles_and_prefixes_it_cannot_write() {
    let dir = workspace(&[("SoT.DEPLOY.md", REGISTRY.as_bytes())]);
    let cases: &[(&str, &str, &str)] = &[
        ("DEP", "Canary\n## DEP-999: Injected", "title"),
        ("DEP", "Canary\rrelease", "title"),
        ("DEP", "Tab\there", "title"),
        ("DEP", "   ", "title"),
        ("../x", "Canary", "prefix"),
        ("dep", "Canary", "prefix"),
        ("DEP-1", "Canary", "prefix"),
        ("", "Canary", "prefix"),
        ("D", "Canary", "prefix"),
        ("DEP-", "Canary", "prefix"),
    ];
    for (prefix, title, named) in cases {
        let o = sot(dir.path(), &["new", prefix, "--title", title]);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{prefix:?} {title:?}: {}",
            stderr(&o)
        );
        assert!(
            stderr(&o).contains(named),
            "{prefix:?} {title:?}: {}",
            stderr(&o)
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("SoT.DEPLOY.md")).unwrap(),
            REGISTRY
        );
    }
}

/// Waits for `sot` at most `limit`; a run still going then is killed and is a failure.
fn sot_within(dir: &Path, args: &[&str], limit: Duration) -> Output {
    let mut child = sot_command(dir, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            child.kill().unwrap();
            panic!("sot {args:?} still runs after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn new_skips_a_huge_reserved_range_at_once() {
    let elsewhere =
        "# Partner numbers\n\nThe partner team holds DEP-100 to DEP-99999999999999999.\n";
    let registry = REGISTRY.replace("DEP-001", "DEP-099");
    let dir = workspace(&[
        ("SoT.DEPLOY.md", registry.as_bytes()),
        ("partners.md", elsewhere.as_bytes()),
    ]);
    let o = sot_within(
        dir.path(),
        &["new", "DEP", "--title", "Canary"],
        Duration::from_secs(60),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "DEP-100000000000000000\n"
    );
}

#[test]
fn new_past_the_largest_number_is_an_error() {
    for largest in ["18446744073709551615", "99999999999999999999999"] {
        let registry = REGISTRY.replace("DEP-001", &format!("DEP-{largest}"));
        let dir = workspace(&[("SoT.DEPLOY.md", registry.as_bytes())]);
        let o = sot(dir.path(), &["new", "DEP", "--title", "Canary"]);
        assert_eq!(o.status.code(), Some(2), "{largest}: {}", stderr(&o));
        assert!(stderr(&o).contains(largest), "{}", stderr(&o));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("SoT.DEPLOY.md")).unwrap(),
            registry
        );
    }
}

/// Marker layouts: where a block stands (top level, list item, block quote, indented),
/// how its markers are laid out (one line, empty, stale content, text after the end
/// marker, no final newline) and what stands beside it (another block).
fn marker_layouts() -> Vec<String> {
    let blocks = [
        "<!-- sot:index start --><!-- sot:index end -->",
        "<!-- sot:index start -->\n<!-- sot:index end -->",
        "<!-- sot:index start -->   \n\nStale text.\n\n<!-- sot:index end -->",
        "<!-- sot:index start prefix=DEP style=table --><!-- sot:index end --> after",
        "<!-- sot:index start -->\n- [DEP-001](#x) - Old\n<!-- sot:index end checksum=00000000 -->",
        "<!-- sot:index start -->\n<!-- sot:index end -->\n<!-- sot:index start prefix=DEP -->\n<!-- sot:index end -->",
        "<!-- sot:index start --><!-- sot:index end --><!-- sot:index start --><!-- sot:index end -->",
        "<!-- sot:index start status=Active -->\n\n\n<!-- sot:index end -->",
        // Found by the index_rewrite fuzz target: markers written without spaces, and
        // an entry heading inside a block (the rewrite removes it: it is no entry).
        "<!--sot:index start--><!-- sot:index end-->",
        "<!--sot:index start -->\n# DEP-0\n**ID**:\n<!-- sot:index end -->",
        "<!--sot:index start-->\n# DEP-00<!--sot:index end-->\n\n**ID**:",
        // A heading inside a block numbers the slug of its twin after the block until
        // the rewrite removes it: the links must point where the settled text has it.
        "<!-- sot:index start -->\n## DEP-002: Canary\n<!-- sot:index end -->",
    ];
    let containers = ["", "- ", "> ", "1. ", "  ", "> - ", "- > "];
    let mut out = Vec::new();
    for block in blocks {
        for container in containers {
            // The container's marker on the first line, its continuation on the others.
            let continuation: String = container
                .chars()
                .map(|c| if c == '>' { '>' } else { ' ' })
                .collect();
            let lines: Vec<String> = block
                .lines()
                .enumerate()
                .map(|(i, l)| {
                    let lead = if i == 0 { container } else { &continuation };
                    format!("{lead}{l}")
                })
                .collect();
            let block = lines.join("\n");
            for tail in [
                "\n\n## DEP-002: Canary\n\n**ID**: DEP-002\n**Status**: Draft\n",
                "\n",
                "",
            ] {
                out.push(
                    REGISTRY.replace("<!-- sot:index start -->\n<!-- sot:index end -->\n", "")
                        + "\n"
                        + &block
                        + tail,
                );
            }
        }
    }
    out
}

/// Runs `sot index` on one layout and checks the property; `false` when the linter
/// rejects the layout (and `sot index` then leaves the file alone).
fn index_twice_changes_nothing(layout: &str, eol: &str, bom: &str) -> bool {
    let text = format!("{bom}{}", layout.replace('\n', eol));
    let dir = workspace(&[("SoT.DEPLOY.md", text.as_bytes())]);
    let doc = dir.path().join("SoT.DEPLOY.md");
    let case = format!("{eol:?} bom={}:\n{layout}", !bom.is_empty());
    let first = sot(dir.path(), &["index"]);
    if first.status.code() == Some(2) {
        // Only a layout the linter rejects may stop `sot index`, untouched.
        let lint = sot(
            dir.path(),
            &["lint", "--select", "stale-index", "--format", "json"],
        );
        let rejected = String::from_utf8_lossy(&lint.stdout).contains("fix the markers");
        assert!(rejected, "{case}\n{}", stderr(&first));
        assert_eq!(std::fs::read_to_string(&doc).unwrap(), text, "{case}");
        return false;
    }
    assert_eq!(first.status.code(), Some(0), "{case}\n{}", stderr(&first));
    let once = std::fs::read_to_string(&doc).unwrap();
    assert!(once.starts_with(bom), "{case}");
    if eol == "\r\n" {
        assert_eq!(
            once.matches('\n').count(),
            once.matches("\r\n").count(),
            "{case}\n{once}"
        );
    }
    assert!(once.contains("[DEP-001]"), "{case}\n{once}");
    let second = sot(dir.path(), &["index"]);
    assert_eq!(
        second.status.code(),
        Some(0),
        "{case}\n{once}\n{}",
        stderr(&second)
    );
    assert_eq!(std::fs::read_to_string(&doc).unwrap(), once, "{case}");
    assert_eq!(second.stdout, b"", "{case}");
    let check = sot(dir.path(), &["index", "--check"]);
    assert_eq!(check.status.code(), Some(0), "{case}\n{once}");
    let lint = sot(dir.path(), &["lint", "--select", "stale-index"]);
    assert_eq!(
        lint.status.code(),
        Some(0),
        "{case}\n{once}\n{}",
        String::from_utf8_lossy(&lint.stdout)
    );
    true
}

#[test]
fn index_is_idempotent_for_every_marker_layout_lint_accepts() {
    let layouts = marker_layouts();
    let variants = [
        ("\n", ""),
        ("\r\n", ""),
        ("\n", "\u{feff}"),
        ("\r\n", "\u{feff}"),
    ];
    // Each layout with one of the line-ending and BOM variants, in turn; two at a time.
    let cases: Vec<(&String, (&str, &str))> = layouts
        .iter()
        .enumerate()
        .map(|(i, layout)| (layout, variants[i % variants.len()]))
        .collect();
    let rewritten: usize = std::thread::scope(|scope| {
        let halves: Vec<_> = cases
            .chunks(cases.len().div_ceil(2))
            .map(|half| {
                scope.spawn(move || {
                    half.iter()
                        .filter(|(layout, (eol, bom))| {
                            index_twice_changes_nothing(layout, eol, bom)
                        })
                        .count()
                })
            })
            .collect();
        halves.into_iter().map(|h| h.join().unwrap()).sum()
    });
    // One-line adjacent blocks are the one layout rejected (in every container).
    assert_eq!(rewritten, layouts.len() - 7 * 3);
}

/// A runbook that names DEP-001 by its ID under a stale title: `--fix` rewrites it.
const RUNBOOK: &str = "# Rollout runbook\n\nFollow [DEP-001](SoT.DEPLOY.md#dep-001-blue-green).\n";

#[test]
fn fix_changes_no_file_when_one_it_would_change_is_read_only() {
    let dir = workspace(&[
        ("SoT.DEPLOY.md", REGISTRY.as_bytes()),
        ("runbook.md", RUNBOOK.as_bytes()),
    ]);
    let runbook = dir.path().join("runbook.md");
    give_to_unprivileged(dir.path());
    std::fs::set_permissions(&runbook, std::fs::Permissions::from_mode(0o444)).unwrap();
    let Some(o) = sot_unprivileged(dir.path(), &["lint", "--fix"]) else {
        return;
    };
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("runbook.md") && stderr(&o).contains("permission denied"),
        "{}",
        stderr(&o)
    );
    // The registry's stale index block would have been fixed too: it was not written.
    assert_eq!(std::fs::read_to_string(&runbook).unwrap(), RUNBOOK);
    let registry = std::fs::read_to_string(dir.path().join("SoT.DEPLOY.md")).unwrap();
    assert_eq!(registry, REGISTRY);
    assert_eq!(
        names(dir.path()),
        ["SoT.DEPLOY.md", "runbook.md", "sot.toml"]
    );
}

#[test]
fn fix_writes_through_a_symlink_and_keeps_mode() {
    let dir = workspace(&[
        ("docs/SoT.DEPLOY.md", REGISTRY.as_bytes()),
        ("docs/runbook.md", RUNBOOK.as_bytes()),
    ]);
    let link = dir.path().join("docs/ROLLOUT.md");
    std::os::unix::fs::symlink("runbook.md", &link).unwrap();
    let target = dir.path().join("docs/runbook.md");
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
    // Named by the symlink: the fix is written to the file it points at.
    let o = sot(dir.path(), &["lint", "--fix", "docs/ROLLOUT.md"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        RUNBOOK.replace("#dep-001-blue-green)", "#dep-001-bluegreen-rollout)")
    );
    let mode = std::fs::metadata(&target).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
    assert_eq!(
        names(&dir.path().join("docs")),
        ["ROLLOUT.md", "SoT.DEPLOY.md", "runbook.md"]
    );
}
