//! End-to-end tests of `sot mv`: on a workspace made of the seed documents, every link
//! to and from what moved keeps working (`sot lint` finds no broken link or anchor it
//! did not find before), and a move that cannot be made changes nothing at all.

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::{
    contents, copy_dir, give_to_unprivileged, repo, sot, sot_unprivileged, stderr, stdout, write,
};

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The runbook that moves: links to a sibling (with an anchor), to parent folders, to
/// the root, to an anchor in itself, to itself by name, and an image beside it.
const RUNBOOK_A: &str = "\
# Runbook A

Before you start, read the [deployment runbook](deployment-runbook.md#rollback-procedure)
and the [template](../deployment/deployment-template.md). Entries live in the
[playbook](../../SoT.DEPLOYMENT_PLAYBOOK.md#environments); steps are [below](#steps)
and [here](./a.md#steps).

![Traffic chart](chart.png)

## Steps

1. Drain the node.

## RUN-007: Cache flush

**ID**: RUN-007
**Status**: Active

Flush the cache.
";

/// Links to the runbook in every form a link takes.
const GUIDE: &str = "\
# Guide

Read [runbook A](runbooks/a.md), its [steps](./runbooks/a.md#steps), the
[cache flush][flush] and the <a href=\"runbooks/a.md#run-007-cache-flush\">entry</a>.

![Traffic chart](runbooks/chart.png)

[flush]: runbooks/a.md#run-007-cache-flush \"Cache flush\"
";

const INDEX: &str = "\
# Runbooks

<!-- sot:index start prefix=RUN -->
<!-- sot:index end -->
";

/// The seed documents laid out as a repository, plus the runbook, a guide linking to
/// it, and an index block listing its entry (written by `sot index`).
fn seeded() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("fixtures/seeds"), dir.path());
    write(dir.path(), "docs/runbooks/a.md", RUNBOOK_A.as_bytes());
    write(dir.path(), "docs/runbooks/chart.png", b"\x89PNG\r\n");
    write(dir.path(), "docs/guide.md", GUIDE.as_bytes());
    write(dir.path(), "docs/INDEX.md", INDEX.as_bytes());
    let o = sot(dir.path(), &["index"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    dir
}

/// The broken-link and broken-anchor findings of `sot lint`, counted by file (as
/// `rename` maps it), rule and what they name: the root-relative path a broken link
/// misses (its help), or the anchor missing in its target (the message). What the
/// link says as written is left out: a rewritten link still misses the same path.
fn broken(
    dir: &Path,
    rename: impl Fn(&str) -> String,
) -> BTreeMap<(String, String, String), usize> {
    let o = sot(dir, &["lint", "--format", "json", "--no-cache"]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut out = BTreeMap::new();
    for d in report["diagnostics"].as_array().unwrap() {
        let rule = d["rule"].as_str().unwrap();
        let what = match rule {
            "broken-link" => d["help"].as_str().unwrap_or_default(),
            "broken-anchor" => d["message"].as_str().unwrap(),
            _ => continue,
        };
        let file = rename(d["file"].as_str().unwrap());
        *out.entry((file, rule.to_string(), what.to_string()))
            .or_default() += 1;
    }
    out
}

/// Asserts that `dir` holds exactly what `before` recorded after `case`.
fn unchanged(dir: &Path, before: &BTreeMap<String, Vec<u8>>, case: &str) {
    let now = contents(dir);
    let differ: Vec<&String> = before
        .keys()
        .chain(now.keys())
        .filter(|k| before.get(*k) != now.get(*k))
        .collect();
    assert!(differ.is_empty(), "{case} changed {differ:?}");
}

/// Runs `sot mv ARGS`, which must be refused: exit 2, nothing on standard output,
/// nothing changed. Returns what it said on standard error.
fn refused(dir: &Path, args: &[&str]) -> String {
    let before = contents(dir);
    let o = sot(dir, &[&["mv"], args].concat());
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    assert_eq!(stdout(&o), "", "{args:?}");
    unchanged(dir, &before, &format!("{args:?}"));
    stderr(&o)
}

fn moved_file(path: &str) -> String {
    match path {
        "docs/runbooks/a.md" => "ops/a.md".into(),
        other => other.into(),
    }
}

#[test]
fn moving_a_runbook_keeps_every_link_to_and_from_it() {
    let dir = seeded();
    let before = broken(dir.path(), moved_file);
    assert!(
        !before.is_empty(),
        "the seeds hold broken links of their own"
    );

    let o = sot(dir.path(), &["mv", "docs/runbooks/a.md", "ops/a.md"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "updated docs/INDEX.md\nupdated docs/guide.md\nupdated ops/a.md\n\
         moved docs/runbooks/a.md to ops/a.md; updated links in 3 files\n"
    );
    assert_eq!(stderr(&o), "");
    assert!(!dir.path().join("docs/runbooks/a.md").exists());
    assert!(
        dir.path().join("docs/runbooks/chart.png").exists(),
        "the image stays"
    );
    assert_eq!(
        read(dir.path(), "ops/a.md"),
        RUNBOOK_A
            .replace(
                "(deployment-runbook.md",
                "(../docs/runbooks/deployment-runbook.md"
            )
            .replace("(../deployment/", "(../docs/deployment/")
            .replace("(../../SoT.", "(../SoT.")
            .replace("(chart.png)", "(../docs/runbooks/chart.png)")
    );
    assert_eq!(
        read(dir.path(), "docs/guide.md"),
        GUIDE
            .replace("(runbooks/a.md)", "(../ops/a.md)")
            .replace("(./runbooks/a.md#steps)", "(../ops/a.md#steps)")
            .replace("\"runbooks/a.md#", "\"../ops/a.md#")
            .replace("]: runbooks/a.md#", "]: ../ops/a.md#")
    );
    assert_eq!(broken(dir.path(), str::to_string), before);
    // The index block lists the entry at its new place and still reads as written by
    // `sot index`, not as edited by hand.
    assert!(read(dir.path(), "docs/INDEX.md")
        .contains("- [RUN-007](../ops/a.md#run-007-cache-flush) - Cache flush"));
    let o = sot(dir.path(), &["index", "--check"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn moving_a_folder_keeps_links_inside_it_and_from_outside() {
    let dir = seeded();
    write(
        dir.path(),
        "README.md",
        b"# Repo\n\nThe [runbooks](docs/runbooks/) and [runbook A](docs/runbooks/a.md#steps).\n",
    );
    write(
        dir.path(),
        "docs/runbooks/deep/b.md",
        b"# B\n\nBack to [A](../a.md#steps), the [guide](../../guide.md) and [C](c%20d.md).\n",
    );
    write(dir.path(), "docs/runbooks/deep/c d.md", b"# C\n");
    let rename = |path: &str| match path.strip_prefix("docs/runbooks/") {
        Some(rest) => format!("ops/runbooks/{rest}"),
        None => path.to_string(),
    };
    // A missing file a link names inside the moved folder is missed in its new place.
    let before: BTreeMap<_, _> = broken(dir.path(), rename)
        .into_iter()
        .map(|((file, rule, what), n)| {
            (
                (
                    file,
                    rule,
                    what.replace("`docs/runbooks/", "`ops/runbooks/"),
                ),
                n,
            )
        })
        .collect();
    std::fs::create_dir(dir.path().join("ops")).unwrap();

    // An existing folder as TO: the folder goes into it, as with `mv`.
    let o = sot(dir.path(), &["mv", "docs/runbooks", "ops"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "updated README.md\nupdated docs/INDEX.md\nupdated docs/guide.md\n\
         updated ops/runbooks/a.md\nupdated ops/runbooks/deep/b.md\n\
         updated ops/runbooks/deployment-runbook.md\n\
         moved docs/runbooks/ to ops/runbooks/ (5 files); updated links in 6 files\n"
    );
    assert_eq!(
        common::names(&dir.path().join("docs")),
        ["INDEX.md", "deployment", "guide.md", "steering"]
    );
    assert_eq!(
        common::names(&dir.path().join("ops/runbooks")),
        ["a.md", "chart.png", "deep", "deployment-runbook.md"]
    );
    assert_eq!(
        read(dir.path(), "README.md"),
        "# Repo\n\nThe [runbooks](ops/runbooks/) and [runbook A](ops/runbooks/a.md#steps).\n"
    );
    // Links between the moved documents were right and are left alone; links out of
    // the folder are written from its new place.
    assert_eq!(
        read(dir.path(), "ops/runbooks/deep/b.md"),
        "# B\n\nBack to [A](../a.md#steps), the [guide](../../../docs/guide.md) and [C](c%20d.md).\n"
    );
    let a = read(dir.path(), "ops/runbooks/a.md");
    assert!(
        a.contains("[deployment runbook](deployment-runbook.md#rollback-procedure)"),
        "{a}"
    );
    assert!(a.contains("![Traffic chart](chart.png)"), "{a}");
    assert!(
        a.contains("[template](../../docs/deployment/deployment-template.md)"),
        "{a}"
    );
    assert_eq!(broken(dir.path(), str::to_string), before);
    assert_eq!(
        sot(dir.path(), &["index", "--check"]).status.code(),
        Some(0)
    );
}

#[test]
fn a_move_that_cannot_be_made_changes_nothing() {
    let dir = seeded();
    write(dir.path(), "ops/a.md", b"# Someone else's runbook\n");
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "elsewhere.md", b"# Elsewhere\n");
    let outside_file = outside.path().join("elsewhere.md").display().to_string();
    let outside_dir = outside.path().join("x.md").display().to_string();
    let cases: &[(&[&str], &str)] = &[
        (
            &["docs/runbooks/a.md", "ops/a.md"],
            "sot: ops/a.md already exists; sot mv never replaces a file or folder\n",
        ),
        (
            &["docs/runbooks/a.md", "ops"],
            "sot: ops/a.md already exists; sot mv never replaces a file or folder\n",
        ),
        (
            &["docs/runbooks/a.md", "docs/runbooks/deployment-runbook.md"],
            "sot: docs/runbooks/deployment-runbook.md already exists; sot mv never replaces a file or folder\n",
        ),
        (
            &["docs/runbooks/gone.md", "ops/gone.md"],
            "sot: docs/runbooks/gone.md: no such file or folder\n",
        ),
        (
            &["docs/runbooks", "docs/runbooks/old"],
            "sot: cannot move docs/runbooks into itself (docs/runbooks/old)\n",
        ),
        (&[".", "moved"], "sot: the workspace root cannot be moved\n"),
        (&["docs/runbooks/a.md", &outside_dir], ""),
        (&[&outside_file, "docs/elsewhere.md"], ""),
    ];
    for (args, message) in cases {
        let said = refused(dir.path(), args);
        match message.is_empty() {
            true => assert!(
                said.contains("is outside the workspace root"),
                "{args:?}: {said}"
            ),
            false => assert_eq!(said, *message, "{args:?}"),
        }
    }
}

#[test]
fn dry_run_prints_the_move_and_the_diff_and_changes_nothing() {
    let dir = seeded();
    let before = contents(dir.path());
    let o = sot(
        dir.path(),
        &["mv", "--dry-run", "docs/runbooks/a.md", "ops/"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with(
            "would move docs/runbooks/a.md to ops/a.md\n--- a/docs/INDEX.md\n+++ b/docs/INDEX.md\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("--- a/docs/runbooks/a.md\n+++ b/ops/a.md\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "-![Traffic chart](chart.png)\n+![Traffic chart](../docs/runbooks/chart.png)\n"
        ),
        "{out}"
    );
    assert!(
        out.ends_with("would update links in 3 files; nothing changed (--dry-run)\n"),
        "{out}"
    );
    unchanged(dir.path(), &before, "the dry run");
}

#[test]
fn line_endings_bom_and_mode_are_kept() {
    let dir = seeded();
    let crlf = |s: &str| format!("\u{feff}{}", s.replace('\n', "\r\n"));
    write(dir.path(), "docs/runbooks/a.md", crlf(RUNBOOK_A).as_bytes());
    write(dir.path(), "docs/guide.md", crlf(GUIDE).as_bytes());
    let mode = std::fs::Permissions::from_mode(0o640);
    std::fs::set_permissions(dir.path().join("docs/runbooks/a.md"), mode).unwrap();
    let o = sot(dir.path(), &["mv", "docs/runbooks/a.md", "a.md"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        read(dir.path(), "docs/guide.md"),
        crlf(
            &GUIDE
                .replace("runbooks/a.md", "../a.md")
                .replace("./../a.md", "../a.md")
        )
    );
    let a = read(dir.path(), "a.md");
    assert!(a.starts_with("\u{feff}# Runbook A\r\n"), "{a:?}");
    assert!(
        a.contains("[template](docs/deployment/deployment-template.md)"),
        "{a}"
    );
    assert_eq!(a.matches('\n').count(), a.matches("\r\n").count());
    let meta = std::fs::metadata(dir.path().join("a.md")).unwrap();
    assert_eq!(
        meta.permissions().mode() & 0o7777,
        0o640,
        "the mode is kept"
    );
}

#[test]
fn a_read_only_document_to_rewrite_stops_the_move_before_anything_changes() {
    let dir = seeded();
    let guide = dir.path().join("docs/guide.md");
    std::fs::create_dir(dir.path().join("ops")).unwrap();
    give_to_unprivileged(dir.path());
    std::fs::set_permissions(&guide, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = contents(dir.path());
    let Some(o) = sot_unprivileged(dir.path(), &["mv", "docs/runbooks/a.md", "ops/a.md"]) else {
        return;
    };
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "sot: cannot write docs/guide.md: permission denied (the file is read-only)\n"
    );
    unchanged(dir.path(), &before, "a read-only document");

    // So does a folder the move would change that cannot be written.
    std::fs::set_permissions(&guide, std::fs::Permissions::from_mode(0o644)).unwrap();
    let ops = dir.path().join("ops");
    std::fs::set_permissions(&ops, std::fs::Permissions::from_mode(0o555)).unwrap();
    let before = contents(dir.path());
    let o = sot_unprivileged(dir.path(), &["mv", "docs/runbooks/a.md", "ops/a.md"]).unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "sot: cannot move docs/runbooks/a.md to ops/a.md: cannot write in ops (permission denied)\n"
    );
    unchanged(dir.path(), &before, "a read-only folder");
}

#[test]
fn symlinks_are_never_left_dangling() {
    use std::os::unix::fs::symlink;
    let dir = seeded();
    // A link through a symlinked folder reaches the file at its new real path.
    symlink("docs/runbooks", dir.path().join("latest")).unwrap();
    write(
        dir.path(),
        "notes.md",
        b"# Notes\n\nSee [A](latest/a.md#steps) and [B](latest/deployment-runbook.md).\n",
    );
    let o = sot(dir.path(), &["mv", "docs/runbooks/a.md", "ops/a.md"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        read(dir.path(), "notes.md"),
        "# Notes\n\nSee [A](ops/a.md#steps) and [B](latest/deployment-runbook.md).\n"
    );

    // The folder a symlink leads to, or a file one names, would leave it dangling.
    assert_eq!(
        refused(dir.path(), &["docs/runbooks", "ops/runbooks"]),
        "sot: latest is a symlink that would no longer lead where it does once docs/runbooks moves; move or change it first\n"
    );
    // FROM itself a symlink: it is another name for a file, not a file to move.
    let said = refused(dir.path(), &["latest", "newest"]);
    assert!(said.contains("latest is a symlink;"), "{said}");

    // Inside a moved folder, a relative symlink that stays inside moves along; one
    // that leaves the folder would lead elsewhere from a new depth.
    std::fs::remove_file(dir.path().join("latest")).unwrap();
    symlink(
        "deployment-runbook.md",
        dir.path().join("docs/runbooks/current.md"),
    )
    .unwrap();
    let o = sot(dir.path(), &["mv", "docs/runbooks", "ops/runbooks"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        read(dir.path(), "ops/runbooks/current.md"),
        read(dir.path(), "ops/runbooks/deployment-runbook.md")
    );
    symlink(
        "../../SoT.DEPLOYMENT_PLAYBOOK.md",
        dir.path().join("ops/runbooks/playbook.md"),
    )
    .unwrap();
    let said = refused(dir.path(), &["ops/runbooks", "ops/all/runbooks"]);
    assert!(
        said.contains("ops/runbooks/playbook.md is a symlink that would no longer lead"),
        "{said}"
    );
}

#[test]
fn page_urls_of_a_docs_site_are_left_as_written_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("fixtures/sites/mkdocs"), dir.path());
    let o = sot(
        dir.path(),
        &["mv", "docs/guide/install.md", "docs/setup/install.md"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A file path is rewritten, as on GitHub.
    assert!(
        read(dir.path(), "README.md")
            .contains("[installation guide](docs/setup/install.md#requirements)"),
        "{}",
        read(dir.path(), "README.md")
    );
    // A page URL is not a path sot writes again: each one the move concerns is named.
    let said = stderr(&o);
    assert!(
        said.contains(
            "sot: warning: docs/index.md:7:20: `guide/install/` left as written (it is a page \
             URL of the site, not a file path); check it with `sot lint` after the move\n"
        ),
        "{said}"
    );
    assert_eq!(said.matches("sot: warning: ").count(), 7, "{said}");
    assert!(read(dir.path(), "docs/index.md").contains("[Install Ledger](guide/install/)"));
}
