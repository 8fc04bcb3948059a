//! End-to-end tests of `sot lint --fix`, `--unsafe-fixes` and `--diff` on the clean
//! fixture workspace after the edits people make by hand: a mistyped entry anchor, a
//! path in the wrong letter case, a link whose text names another entry, three of those
//! on one line, a stale index block holding a stale anchor (two fixes that overlap),
//! a misspelled plain anchor (only a likely fix), and a link whose only fix would bring
//! a new finding. The fixture's failover runbook, which gets two of them, is CRLF with
//! a BOM.

mod common;

use common::{contents, sot, stderr, stdout};

use std::path::Path;

/// Replaces the one occurrence of `from` in the file at `path` under `dir`.
fn replace(dir: &Path, path: &str, from: &str, to: &str) {
    let file = dir.join(path);
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.matches(from).count(), 1, "{path}: {from}");
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
}

fn append(dir: &Path, path: &str, text: &str) {
    let file = dir.join(path);
    let mut content = std::fs::read_to_string(&file).unwrap();
    content.push_str(text);
    std::fs::write(file, content).unwrap();
}

const FAILOVER: &str = "docs/runbooks/database-failover.md";
const PAYMENTS: &str = "docs/runbooks/payments-deploy.md";

/// The clean fixture with the hand edits this file is about.
fn edited_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::copy_dir(&common::repo().join("fixtures/clean"), root);
    let _ = std::fs::remove_dir_all(root.join(".sot_cache"));
    let playbook = "../../SoT.DEPLOYMENT_PLAYBOOK.md";
    replace(
        root,
        FAILOVER,
        "#dep-002-canary-release-for-the-api-gateway",
        "#dep-002-canary-releas",
    );
    replace(
        root,
        FAILOVER,
        "payments-deploy.md#rollback)",
        "payments-deploy.md#rollbak)",
    );
    replace(
        root,
        PAYMENTS,
        &format!("[DEP-003]({playbook}#dep-003-database-schema-migration)"),
        &format!(
            "[DEP-003](../../sot.deployment_playbook.md#dep-003-database-schema-migration), \
             [the flag push]({playbook}#dep-004-feature-flag-configuratoin-push) and \
             [DEP-001]({playbook}#dep-004-feature-flag-configuration-push)"
        ),
    );
    append(
        root,
        "SoT.DEPLOYMENT_PLAYBOOK.md",
        "\n## Entry Index\n\n<!-- sot:index start prefix=DEP -->\n\
         - [DEP-002](#dep-002-canary-release) - Canary release\n<!-- sot:index end -->\n",
    );
    // Right in letter case, this link would say DEP-001 and go to DEP-003.
    append(
        root,
        "docs/runbooks/cache-maintenance.md",
        "\nThe rollout itself is \
         [DEP-001](../../sot.deployment_playbook.md#dep-003-database-schema-migration).\n",
    );
    dir
}

const FINDINGS: &str = "\
SoT.DEPLOYMENT_PLAYBOOK.md:450:1: error: index block is out of date with the registry [stale-index]
SoT.DEPLOYMENT_PLAYBOOK.md:451:13: error: no heading or anchor `#dep-002-canary-release` in this file [broken-anchor]
docs/runbooks/cache-maintenance.md:41:33: error: link target `../../sot.deployment_playbook.md#dep-003-database-schema-migration` does not exist [broken-link]
docs/runbooks/database-failover.md:30:68: error: no heading or anchor `#dep-002-canary-releas` in `SoT.DEPLOYMENT_PLAYBOOK.md` [broken-anchor]
docs/runbooks/database-failover.md:63:33: error: no heading or anchor `#rollbak` in `docs/runbooks/payments-deploy.md` [broken-anchor]
docs/runbooks/payments-deploy.md:44:56: error: link target `../../sot.deployment_playbook.md#dep-003-database-schema-migration` does not exist [broken-link]
docs/runbooks/payments-deploy.md:44:141: error: no heading or anchor `#dep-004-feature-flag-configuratoin-push` in `SoT.DEPLOYMENT_PLAYBOOK.md` [broken-anchor]
docs/runbooks/payments-deploy.md:44:229: error: link text says `DEP-001` but the link goes to `SoT.DEPLOYMENT_PLAYBOOK.md#dep-004-feature-flag-configuration-push`, the entry of DEP-004 [id-link-mismatch]
";

/// What neither kind of fix may change.
const LEFT_FOR_A_PERSON: &str = "docs/runbooks/cache-maintenance.md:41:33: error: link target `../../sot.deployment_playbook.md#dep-003-database-schema-migration` does not exist [broken-link]\n";

#[test]
fn diff_shows_the_fixes_and_writes_nothing() {
    let dir = edited_workspace();
    let root = dir.path();
    let o = sot(root, &["lint", "--format", "concise"]);
    assert_eq!(stdout(&o), FINDINGS);
    let before = contents(root);
    let o = sot(root, &["lint", "--diff"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "Would fix 6 of 8 findings in 3 files; 2 need a person\n"
    );
    insta::assert_snapshot!(stdout(&o));
    assert_eq!(contents(root), before, "--diff wrote nothing");
    // --unsafe-fixes widens what the diff shows.
    let o = sot(root, &["lint", "--diff", "--unsafe-fixes"]);
    assert!(stdout(&o).contains("+- [Payments deployment runbook](payments-deploy.md#rollback)"));
    assert_eq!(contents(root), before);
}

#[test]
fn fix_applies_safe_fixes_then_a_second_fix_changes_nothing() {
    let dir = edited_workspace();
    let root = dir.path();
    let diff = stdout(&sot(root, &["lint", "--diff"]));
    let o = sot(root, &["lint", "--fix", "--format", "concise"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "Fixed 6 of 8 findings in 3 files; 2 need a person\n"
    );
    assert_eq!(
        stdout(&o),
        format!(
            "{LEFT_FOR_A_PERSON}docs/runbooks/database-failover.md:63:33: error: no heading or \
             anchor `#rollbak` in `docs/runbooks/payments-deploy.md` [broken-anchor]\n"
        )
    );
    // What --fix wrote is what --diff showed.
    let payments = std::fs::read_to_string(root.join(PAYMENTS)).unwrap();
    assert!(payments.contains(
        "[DEP-003](../../SoT.DEPLOYMENT_PLAYBOOK.md#dep-003-database-schema-migration), \
         [the flag push](../../SoT.DEPLOYMENT_PLAYBOOK.md#dep-004-feature-flag-configuration-push) \
         and [DEP-001](../../SoT.DEPLOYMENT_PLAYBOOK.md#dep-001-blue-green-rollout)."
    ));
    assert!(diff.contains(&format!(
        "+2. Apply pending migrations first, following {}",
        &payments[payments.find("[DEP-003]").unwrap()..payments.find(" and [DEP-001]").unwrap()]
    )));
    // The CRLF file with a BOM keeps both.
    let failover = std::fs::read(root.join(FAILOVER)).unwrap();
    assert!(failover.starts_with("\u{feff}".as_bytes()));
    let text = String::from_utf8(failover).unwrap();
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
    assert!(text.contains("#dep-002-canary-release-for-the-api-gateway)).\r\n"));
    // The stale block was regenerated whole; the anchor inside it with it.
    let playbook = std::fs::read_to_string(root.join("SoT.DEPLOYMENT_PLAYBOOK.md")).unwrap();
    assert!(playbook.contains("- [DEP-004](#dep-004-feature-flag-configuration-push)"));
    assert!(!playbook.contains("#dep-002-canary-release)"));

    let after = contents(root);
    let o = sot(root, &["lint", "--fix", "--format", "concise"]);
    assert_eq!(stderr(&o), "No fix applied; 2 need a person\n");
    assert_eq!(contents(root), after, "a second --fix changes nothing");
    let o = sot(root, &["lint", "--diff"]);
    assert_eq!((o.status.code(), stdout(&o)), (Some(0), String::new()));

    let o = sot(
        root,
        &["lint", "--fix", "--unsafe-fixes", "--format", "concise"],
    );
    assert_eq!(
        stderr(&o),
        "Fixed 1 of 2 findings in 1 file; 1 needs a person\n"
    );
    assert_eq!(stdout(&o), LEFT_FOR_A_PERSON);
    let text = std::fs::read_to_string(root.join(FAILOVER)).unwrap();
    assert!(text.contains("- [Payments deployment runbook](payments-deploy.md#rollback)\r\n"));
}

#[test]
fn fix_only_touches_the_named_files() {
    let dir = edited_workspace();
    let root = dir.path();
    let before = contents(root);
    let o = sot(root, &["lint", "--fix", "--format", "concise", PAYMENTS]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "Fixed 3 of 3 findings in 1 file\n");
    let after = contents(root);
    let changed: Vec<&String> = after.keys().filter(|k| after[*k] != before[*k]).collect();
    assert_eq!(changed, [PAYMENTS]);
}

#[test]
fn fix_refuses_standard_input() {
    let dir = edited_workspace();
    let o = sot(dir.path(), &["lint", "--fix", "--stdin-filename", PAYMENTS]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--stdin-filename"), "{}", stderr(&o));
}
