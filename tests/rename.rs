//! End-to-end tests of `sot rename`: on the seed templates with an entry filled in and a
//! document that names it every way a document can (link text, fragment, bare mention,
//! reference definition, index block, code), the rename leaves the old ID only in
//! code and lint finds what it found before; every refusal changes nothing.
//! (`tests/writes.rs` covers what any write must keep: BOM, line endings, symlinks,
//! files the user cannot write.)

mod common;

use std::path::Path;

use common::{contents, copy_dir, repo, sot, stderr, stdout, write};

/// The entry the tests rename, filled in so that it adds no finding of its own.
const CANARY: &str = "
---

## DEP-003: Canary release

**ID**: DEP-003
**Category**: Application
**Status**: Active
**Owner**: Platform team
**Created**: 2024-01-10
**Last Updated**: 2024-02-01

Send 5% of traffic to the new version first; fall back with DEP-001.
";

/// A document naming DEP-003 every way: link text, a link whose text holds it,
/// fragments to its heading (inline, reference definitions, HTML), bare mentions
/// (one in a heading, which moves that heading's anchor too), a reference-style link
/// whose label is the ID, an index block listing it, and code that must stay.
const NOTES: &str = "# Canary notes

We ship with [DEP-003](../../SoT.DEPLOYMENT_PLAYBOOK.md#dep-003-canary-release) from now on.
The [DEP-003 procedure](../../SoT.DEPLOYMENT_PLAYBOOK.md#DEP-003-canary-release) replaces the
big-bang rollout; DEP-003 stays with the platform team (see [the steps][canary] and [DEP-003]).
<a href=\"../../SoT.DEPLOYMENT_PLAYBOOK.md#dep-003-canary-release\">Canary</a> on GitHub.

| Procedure | Used since |
| --- | --- |
| DEP-003 | 2024-02 |

Not references: `DEP-003` in a code span, and

```sh
sot show DEP-003
```

## Deployment index

<!-- sot:index start prefix=DEP status=Active -->
<!-- sot:index end -->

## Why DEP-003 replaced big-bang releases

Back to [the reasons](#why-dep-003-replaced-big-bang-releases).

[canary]: ../../SoT.DEPLOYMENT_PLAYBOOK.md#dep-003-canary-release
[DEP-003]: <../../SoT.DEPLOYMENT_PLAYBOOK.md#dep-003-canary-release>
";

const PLAYBOOK: &str = "SoT.DEPLOYMENT_PLAYBOOK.md";
const NOTES_PATH: &str = "docs/notes/canary.md";

/// The seed templates laid out as a repository, DEP-003 added to the playbook, and the
/// notes (their index block generated).
fn seeded() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("fixtures/seeds"), dir.path());
    let playbook = std::fs::read_to_string(dir.path().join(PLAYBOOK)).unwrap();
    write(dir.path(), PLAYBOOK, (playbook + CANARY).as_bytes());
    write(dir.path(), NOTES_PATH, NOTES.as_bytes());
    let o = sot(dir.path(), &["index"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    dir
}

/// Runs `sot` with `args` in `root` and checks that it refuses with `message` (exit 2)
/// and leaves every file as it was.
fn assert_refused(root: &Path, args: &[&str], message: &str) {
    let before = contents(root);
    let o = sot(root, args);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
    assert_eq!(stdout(&o), "", "{args:?}");
    assert!(contents(root) == before, "{args:?} changed a file");
}

/// `text` as it reads once DEP-003 is DEP-010 (its anchors included).
fn as_renamed(text: &str) -> String {
    text.replace("DEP-003", "DEP-010")
        .replace("dep-003", "dep-010")
}

#[test]
fn rename_changes_every_reference_and_nothing_lint_would_notice() {
    let dir = seeded();
    let root = dir.path();
    // The whole workspace's findings; the notes have none.
    let lint = || {
        let notes = sot(root, &["lint", "--no-cache", NOTES_PATH]);
        assert_eq!(notes.status.code(), Some(0), "{}", stdout(&notes));
        sot(root, &["lint", "--no-cache", "--format", "concise"])
    };
    let lint_before = lint();
    let refs_before = sot(root, &["refs", "DEP-003"]);
    assert_eq!(
        refs_before.status.code(),
        Some(0),
        "{}",
        stderr(&refs_before)
    );
    let before = contents(root);

    let o = sot(root, &["rename", "DEP-003", "DEP-010"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!(
            "updated {PLAYBOOK}\nupdated {NOTES_PATH}\nrenamed DEP-003 to DEP-010 in 2 files\n"
        )
    );

    let after = contents(root);
    // Every DEP-003 is DEP-010 but those in code; a fragment written in capitals is
    // written as the new slug, and the index block's checksum follows its content.
    let notes = String::from_utf8_lossy(&before[NOTES_PATH]);
    let expected = as_renamed(&notes)
        .replace("`DEP-010` in a code span", "`DEP-003` in a code span")
        .replace("sot show DEP-010", "sot show DEP-003")
        .replace("#DEP-010-canary-release", "#dep-010-canary-release")
        .replace("checksum=50fcb87a", "checksum=22819fe4");
    assert_eq!(String::from_utf8_lossy(&after[NOTES_PATH]), expected);
    let playbook = String::from_utf8_lossy(&before[PLAYBOOK]);
    assert_eq!(
        String::from_utf8_lossy(&after[PLAYBOOK]),
        as_renamed(&playbook)
    );
    for (path, bytes) in &after {
        if path != PLAYBOOK && path != NOTES_PATH {
            assert_eq!(bytes, &before[path], "{path} changed");
        }
    }
    // The old ID is left in code only.
    let left: Vec<String> = after
        .iter()
        .flat_map(|(path, bytes)| {
            String::from_utf8_lossy(bytes)
                .lines()
                .filter(|l| l.contains("DEP-003"))
                .map(|l| format!("{path}: {l}"))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(
        left,
        [
            format!("{NOTES_PATH}: Not references: `DEP-003` in a code span, and"),
            format!("{NOTES_PATH}: sot show DEP-003"),
        ]
    );

    // Lint finds what it found before, under the new ID (IDs of one length keep every
    // column), and the references are all there.
    let lint_after = lint();
    assert_eq!(lint_after.status.code(), lint_before.status.code());
    assert_eq!(stdout(&lint_after), as_renamed(&stdout(&lint_before)));
    let refs_after = sot(root, &["refs", "DEP-010"]);
    assert_eq!(stdout(&refs_after), stdout(&refs_before));
    assert_eq!(sot(root, &["index", "--check"]).status.code(), Some(0));
    assert_eq!(sot(root, &["show", "DEP-003"]).status.code(), Some(1));
}

#[test]
fn dry_run_prints_the_diff_and_writes_nothing() {
    let dir = seeded();
    let root = dir.path();
    let before = contents(root);
    let o = sot(root, &["rename", "DEP-003", "DEP-010", "--dry-run"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(contents(root), before);
    let diff = stdout(&o);
    let headers: Vec<&str> = diff.lines().filter(|l| l.starts_with("--- ")).collect();
    assert_eq!(
        headers,
        [format!("--- a/{PLAYBOOK}"), format!("--- a/{NOTES_PATH}")]
    );
    for line in [
        "-## DEP-003: Canary release",
        "+## DEP-010: Canary release",
        "-**ID**: DEP-003",
        "+**ID**: DEP-010",
        "+[DEP-010]: <../../SoT.DEPLOYMENT_PLAYBOOK.md#dep-010-canary-release>",
        "+- [DEP-010](../../SoT.DEPLOYMENT_PLAYBOOK.md#dep-010-canary-release) - Canary release",
    ] {
        assert!(diff.lines().any(|l| l == line), "{line} not in\n{diff}");
    }
    // What the diff adds is what the rename writes.
    sot(root, &["rename", "DEP-003", "DEP-010"]);
    let written = String::from_utf8_lossy(&contents(root)[NOTES_PATH]).into_owned();
    let added: Vec<&str> = diff
        .split(&format!("+++ b/{NOTES_PATH}\n"))
        .nth(1)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix('+'))
        .collect();
    assert!(added.iter().all(|l| written.lines().any(|w| w == *l)));
}

#[test]
fn refusals_exit_2_and_change_nothing() {
    let dir = seeded();
    let root = dir.path();
    // A range another file reserves, a number used but not defined, an ID defined twice.
    write(
        root,
        "docs/partners.md",
        b"# Partner numbers\n\nThe partner team holds DEP-100 to DEP-199.\nDEP-042 is theirs too.\n",
    );
    let playbook = std::fs::read_to_string(root.join(PLAYBOOK)).unwrap();
    let twice = "\n## DEP-005: Shadow traffic\n\n**ID**: DEP-005\n";
    write(root, PLAYBOOK, (playbook + twice + twice).as_bytes());
    let cases: &[(&str, &str, &str)] = &[
        (
            "DEP-003",
            "DEP-001",
            "`DEP-001` is already defined at SoT.DEPLOYMENT_PLAYBOOK.md:",
        ),
        ("DEP-003", "DEP-0001", "`DEP-0001` is already defined at"),
        (
            "DEP-003",
            "DEP-3",
            "`DEP-3` is `DEP-003`: numbers compare as numbers",
        ),
        (
            "DEP-003",
            "DEP-150",
            "`DEP-150` is in the range DEP-100 to DEP-199 that docs/partners.md:3 reserves",
        ),
        (
            "DEP-003",
            "DEP-042",
            "`DEP-042` is already in use: nothing defines it, but docs/partners.md:4 refers to it",
        ),
        ("DEP-003", "FOO-010", "`FOO` is not a known prefix"),
        ("DEP-003", "dep-010", "`dep-010` is not an ID"),
        ("DEP-003", "DEP-XXX", "`DEP-XXX` is not an ID"),
        ("DEP-003", "DEP-000", "`DEP-000` is not an ID"),
        ("DEP-003", "DEP", "`DEP` is not an ID"),
        ("DEP-003", "../x", "`../x` is not an ID"),
        ("DEP-003", "DEP-010 ", "`DEP-010 ` is not an ID"),
        ("DEP-999", "DEP-010", "no entry defines `DEP-999`"),
        ("dep-003", "DEP-010", "`dep-003` is not an ID"),
        (
            "DEP-005",
            "DEP-011",
            "`DEP-005` is defined 2 times (SoT.DEPLOYMENT_PLAYBOOK.md:",
        ),
    ];
    for (old, new, message) in cases {
        for dry_run in [false, true] {
            let mut args = vec!["rename", old, new];
            if dry_run {
                args.push("--dry-run");
            }
            assert_refused(root, &args, message);
        }
    }
}

#[test]
fn a_document_numbered_by_its_frontmatter_is_renamed_there() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_dir(&repo().join("fixtures/documents"), root);
    let o = sot(root, &["rename", "EIP-20", "EIP-21"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "updated EIPS/eip-20.md\nupdated EIPS/eip-721.md\nupdated README.md\n\
         renamed EIP-20 to EIP-21 in 3 files\n"
    );
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    assert!(read("EIPS/eip-20.md").starts_with("---\neip: 21\ntitle: Token Standard\n"));
    assert_eq!(
        read("README.md"),
        "# Improvement proposals\n\nStart with [EIP-21](EIPS/eip-20.md) and [EIP-721](EIPS/eip-721.md).\n"
    );
    assert!(read("EIPS/eip-721.md")
        .contains("Builds on [EIP-21](./eip-20.md) and borrows its naming from EIP-21 too."));
    assert_eq!(sot(root, &["show", "EIP-21"]).status.code(), Some(0));

    // A number read from the file's name is the file's to change.
    write(
        root,
        "sot.toml",
        b"[[documents]]\nprefix = \"EIP\"\nglob = \"EIPS/eip-*.md\"\nid = \"filename:^eip-(\\\\d+)\"\n",
    );
    assert_refused(
        root,
        &["rename", "EIP-20", "EIP-22"],
        "`EIP-20` is the name or path of EIPS/eip-20.md",
    );
}

#[test]
fn a_rename_that_would_break_a_document_is_refused() {
    let registry = "---\nid_prefix: DEP-XXX\n---\n# Deployments\n\n## DEP-003: Canary release\n\n**ID**: DEP-003\n";
    // The shortcut's text is code, which is never renamed, but its definition's label
    // would be: the link would be lost.
    let coded =
        "# Notes\n\nSee [`DEP-003`].\n\n[`DEP-003`]: SoT.DEPLOY.md#dep-003-canary-release\n";
    let dir = common::workspace(&[("SoT.DEPLOY.md", registry), ("notes.md", coded)]);
    assert_refused(
        dir.path(),
        &["rename", "DEP-003", "DEP-010"],
        "renaming `DEP-003` would change how notes.md reads",
    );

    // DEP is declared, so a heading of it is an entry anywhere; RUN is only known from
    // a SoT document, so in a plain one `## RUN-002: Canary` would be a heading.
    let dir = common::workspace(&[
        ("notes.md", "# Notes\n\n## DEP-003: Canary\n"),
        (
            "SoT.RUN.md",
            "# Runbooks\n\n## RUN-001: Flush\n\n**ID**: RUN-001\n",
        ),
    ]);
    write(dir.path(), "sot.toml", b"prefixes = [\"DEP\"]\n");
    assert_refused(
        dir.path(),
        &["rename", "DEP-003", "RUN-002"],
        "after renaming, notes.md would not define `RUN-002` as an entry",
    );
}
