//! End-to-end tests of the built `sot` binary: fixture workspaces, exit codes, file
//! arguments, output paths, and generated workspaces with planted defects.

mod common;

use common::{corpus, repo, shared, workspace, write, FORMATS};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    repo().join("fixtures").join(name)
}

fn sot(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sot"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("sot runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

fn json(dir: &Path, args: &[&str]) -> (serde_json::Value, i32) {
    let mut all = vec!["lint", "--format", "json"];
    all.extend(args);
    let o = sot(dir, &all);
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            stdout(&o),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    (v, o.status.code().unwrap())
}

/// `file:line:col rule` of every diagnostic, for exact comparisons.
fn places(v: &serde_json::Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{} {}",
                d["file"].as_str().unwrap(),
                d["line"],
                d["column"],
                d["rule"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn clean_workspace_is_quiet_and_exits_zero() {
    let o = sot(&fixture("clean"), &["lint"]);
    assert_eq!(stdout(&o), "", "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(o.status.code(), Some(0));
    let o = sot(&fixture("clean"), &["lint", "--format", "human"]);
    assert!(
        stdout(&o).ends_with("files\n") && stdout(&o).starts_with("no problems in "),
        "{}",
        stdout(&o)
    );
}

#[test]
fn seeds_concise() {
    let o = sot(&fixture("seeds"), &["lint", "--format", "concise"]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn seeds_human() {
    let o = sot(
        &fixture("seeds"),
        &["lint", "--format", "human", "SoT.DEPLOYMENT_PLAYBOOK.md"],
    );
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&o));
}

/// Every `fixtures/rules/<rule>` workspace: its `fail*` files give only that rule's
/// findings (pinned in a snapshot), its `pass*` files none at all.
#[test]
fn rule_fixtures() {
    let rules_dir = fixture("rules");
    let mut names: Vec<String> = std::fs::read_dir(&rules_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // `sot rules` prints `name  severity  summary` per rule.
    let listing = stdout(&sot(&repo(), &["rules"]));
    let severities: std::collections::BTreeMap<String, String> = listing
        .lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            Some((words.next()?.to_string(), words.next()?.to_string()))
        })
        .collect();
    let listed: Vec<&String> = severities.keys().collect();
    for name in &listed {
        assert!(
            names.contains(*name),
            "no fixture workspace for rule {name}"
        );
    }
    for name in &names {
        let dir = rules_dir.join(name);
        let (v, code) = json(&dir, &[]);
        let diags = v["diagnostics"].as_array().unwrap();
        assert!(
            !diags.is_empty(),
            "{name}: the failing fixture gives no finding"
        );
        let warning = severities[name] == "warning";
        assert_eq!(code, if warning { 0 } else { 1 }, "{name}");
        for d in diags {
            let file = d["file"].as_str().unwrap();
            assert!(
                !file.contains("pass"),
                "{name}: finding in a passing fixture: {d}"
            );
            // `ok.md` beside an unreadable file shows the rest is still linted.
            if name == "unreadable-file" && file == "ok.md" {
                assert_eq!(d["rule"], "broken-link");
                continue;
            }
            assert_eq!(d["rule"], name.as_str(), "{name}: another rule fired: {d}");
        }
        let concise = stdout(&sot(&dir, &["lint", "--format", "concise"]));
        insta::assert_snapshot!(format!("rule_{name}"), concise);
    }
}

/// Every `fixtures/noise/<case>/` workspace is a class of noise once seen on real
/// repositories, cut down to a few lines: `pass*` files must stay silent, and the
/// whole output (concise findings, what went to stderr, the exit code) is pinned, so
/// the class cannot come back unnoticed.
#[test]
fn noise_classes_give_exactly_their_pinned_output() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixture("noise"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    for dir in cases {
        let name = dir.file_name().unwrap().to_str().unwrap().to_string();
        let (v, _) = json(&dir, &[]);
        for d in v["diagnostics"].as_array().unwrap() {
            let file = d["file"].as_str().unwrap();
            assert!(
                !file.rsplit('/').next().unwrap().starts_with("pass"),
                "{name}: finding in a passing fixture: {d}"
            );
        }
        let o = sot(&dir, &["lint", "--format", "concise"]);
        let report = format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            o.status.code().unwrap(),
            stdout(&o),
            String::from_utf8_lossy(&o.stderr)
        );
        insta::assert_snapshot!(format!("noise_{name}"), report);
    }
}

/// `fixtures/README.md` lists, per workspace, every finding expected under the
/// contract, worked out by hand; the output must be exactly that list.
#[test]
fn fixtures_give_exactly_the_documented_findings() {
    let readme = std::fs::read_to_string(fixture("README.md")).unwrap();
    let heading = regex::Regex::new(r"^#+ .*?`?((?:rules|noise)/[a-z-]+|clean)/?`?").unwrap();
    let finding = regex::Regex::new(r"^\s*-?\s*`?(\S+:\d+:\d+ [a-z-]+)`?\s*$").unwrap();
    let mut expected: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let mut current = None;
    for line in readme.lines() {
        if let Some(c) = heading.captures(line) {
            current = Some(c[1].to_string());
        } else if let (Some(c), Some(ws)) = (finding.captures(line), &current) {
            expected
                .entry(ws.clone())
                .or_default()
                .push(c[1].to_string());
        }
    }
    assert!(
        expected.len() >= 12,
        "the README lists findings for every rule workspace"
    );
    for (ws, mut want) in expected {
        let (v, _) = json(&fixture(&ws), &[]);
        let mut got = places(&v);
        want.sort();
        got.sort();
        assert_eq!(got, want, "{ws}");
    }
}

#[test]
fn human_output_gives_suggestions_and_related_places() {
    for rule in ["broken-anchor", "duplicate-id", "hardcoded-secret"] {
        let o = sot(
            &fixture("rules").join(rule),
            &["lint", "--format", "human", "fail.md"],
        );
        insta::assert_snapshot!(format!("human_{rule}"), stdout(&o));
    }
}

/// The made-up credentials of `fixtures/rules/hardcoded-secret/fail.md`, without the
/// prefix that names their kind (which messages may show).
const PLANTED: &[&str] = &[
    "sn05fHNf6f3TbzQFJ45xUfrJbbOEKBNO",
    "TOB7P33TV6J/BHTQ23DI70X/Caodn0u5IIPBZQ9lnWAFPBXZ",
    "TWU0kycve2sSQiRGMnNXrkp2aOJJsg8gli63",
    "duDQCIDagQbnjo69Z6qUZ4zcRpsot5Rdn3Z",
    "2MzT4wEyYcesC0laKMWg",
    "909153094426-9299847395459-GwMYMHwfY6xa2p3ypioEPK77",
    "eyJzdWIiOiAiMDQ1NTc5NjIiLCAiaWF0IjogMTcwNzUzNDUzMn0.-0z9BV0OTCoB_YpGOPeYefWkb2NwL0tcfOMJ7cNnbTU",
    "N7FGPU9SEPIX9T4B",
    "+bLGW9FfwqDl2fZFGUOjmkRgavuZAakqj6cWL0RL",
    "OBLVPZM2HOJ3VTET",
    "Q9VFeJSyQdWdLhsVqgS68BbzETFTPDWFzCw3",
    "uOwqbR!lqBuNNV",
    "GbqtI8f70NOKwt2VGdkpK4Yz7j3lZXeUEqVsxzLy",
    "fQY2U2qm*d0",
    "U5p4SmsYdSsmYX6iTGhqeV_rcxHq7qK6t1KXb4Za105n1SJfeO4nEG2Q2iu6WOwKEz6bQdLdrz9UmYEaEF",
    "C3s/LjEb770Vrk17p6ErFvcchlkjhgCfdOk719Kjp4A+GLzAb4aYOW2jweGja1gX",
    "TnkJp+PNvGRNU8UITx+THncv6hpsOiiRvZ+C6RT6geYB9pYZ2zpwai9+FwY6UTNI",
    "bw5kJ32w6bIVb4rmnFDizUw4ccsC2SsVMMHHExACtMcyHHUaULMSBPSJhtvnW+Hc",
];

/// The first 8-character piece of a planted value that `output` shows, if any.
fn leaked_piece(output: &str) -> Option<&'static str> {
    PLANTED
        .iter()
        .flat_map(|v| (0..=v.len() - 8).map(move |i| &v[i..i + 8]))
        .find(|piece| output.contains(piece))
}

#[test]
fn no_output_format_prints_a_secret() {
    let dir = fixture("rules").join("hardcoded-secret");
    let fail = std::fs::read_to_string(dir.join("fail.md")).unwrap();
    for value in PLANTED {
        assert!(fail.contains(value), "{value} is not in fail.md");
    }
    for format in FORMATS {
        let o = sot(&dir, &["lint", "--format", format, "fail.md"]);
        assert_eq!(o.status.code(), Some(1), "{format}");
        let all = format!("{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
        assert!(all.contains("hardcoded-secret"), "{format}: {all}");
        assert_eq!(leaked_piece(&all), None, "{format} prints a secret");
    }
}

#[test]
fn source_lines_of_other_findings_mask_secrets() {
    let token = "ghs_Q9VFeJSyQdWdLhsVqgS68BbzETFTPDWFzCw3";
    let dir = workspace(&[(
        "notes.md",
        &format!(
            "# Notes

Log in with `{token}`, then follow [the runbook](missing.md).
"
        ),
    )]);
    let o = sot(
        dir.path(),
        &["lint", "--format", "human", "--select", "broken-link"],
    );
    let out = stdout(&o);
    assert!(out.contains("broken-link"), "{out}");
    assert!(
        out.contains("Log in with `ghs_************************************`, then follow"),
        "{out}"
    );
    assert_eq!(leaked_piece(&out), None);
}

#[test]
fn crlf_and_bom_do_not_shift_positions() {
    let dir = workspace(&[]);
    write(
        dir.path(),
        "a.md",
        b"\xef\xbb\xbf# Title\r\n\r\nSee [x](missing.md) and [y](#nope).\r\n",
    );
    let (v, code) = json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        places(&v),
        ["a.md:3:9 broken-link", "a.md:3:29 broken-anchor"]
    );
    assert_eq!(v["diagnostics"][0]["end_column"], 19);
}

#[test]
fn exit_codes() {
    let dir = workspace(&[("a.md", "# A\n")]);
    assert_eq!(sot(dir.path(), &["lint"]).status.code(), Some(0));
    let bad_flag = sot(dir.path(), &["lint", "--format", "nope"]);
    assert_eq!(bad_flag.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_flag.stderr).contains("invalid value 'nope'"));
    let unknown = sot(dir.path(), &["lint", "--bogus"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("Usage: sot lint"));
    let missing = sot(dir.path(), &["lint", "nowhere.md"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nowhere.md"));
    assert_eq!(
        sot(dir.path(), &["explain", "no-such-rule"]).status.code(),
        Some(2)
    );
    write(dir.path(), "b.md", b"RUN-001 is mentioned.\n\n## RUN-001: Old\n\n**ID**: RUN-001\n**Status**: Deprecated\n**Owner**: SRE\n**Category**: Recovery\n**Created**: 2024-01-01\n**Last Tested**: 2024-01-02\n");
    // A warning alone exits 0.
    let (v, code) = json(dir.path(), &[]);
    assert_eq!(places(&v), ["b.md:1:1 deprecated-ref"]);
    assert_eq!(code, 0);
}

#[test]
fn file_arguments_report_only_those_files_but_resolve_everywhere() {
    let dir = workspace(&[
        ("a.md", "See [b](docs/b.md#steps) and [gone](gone.md).\n"),
        ("docs/b.md", "# B\n\n## Steps\n\n[broken](nope.md)\n"),
    ]);
    let (v, _) = json(dir.path(), &["a.md"]);
    assert_eq!(places(&v), ["a.md:1:37 broken-link"]);
    assert_eq!(v["summary"]["files_checked"], 1);
    let (v, _) = json(dir.path(), &[]);
    assert_eq!(
        places(&v),
        ["a.md:1:37 broken-link", "docs/b.md:5:10 broken-link"]
    );
}

#[test]
fn runs_from_a_subdirectory_with_paths_relative_to_the_root() {
    let dir = workspace(&[
        ("docs/runbooks/a.md", "[x](../missing.md)\n"),
        ("top.md", "[y](#nope)\n"),
    ]);
    let sub = dir.path().join("docs/runbooks");
    let (v, _) = json(&sub, &[]);
    assert_eq!(
        places(&v),
        [
            "docs/runbooks/a.md:1:5 broken-link",
            "top.md:1:5 broken-anchor"
        ]
    );
    let (v, _) = json(&sub, &["a.md"]);
    assert_eq!(places(&v), ["docs/runbooks/a.md:1:5 broken-link"]);
}

#[test]
fn gitignored_and_hidden_folders_are_skipped() {
    let dir = workspace(&[
        (".gitignore", "generated/\n"),
        (
            "generated/x.md",
            "[broken](nowhere.md) {Placeholder text}\n",
        ),
        (".github/PULL_REQUEST_TEMPLATE.md", "[broken](nowhere.md)\n"),
        ("a.md", "[ci](.github/PULL_REQUEST_TEMPLATE.md)\n"),
    ]);
    let (v, code) = json(dir.path(), &[]);
    assert_eq!(places(&v), Vec::<String>::new());
    assert_eq!(code, 0);
}

#[test]
fn ignore_files_above_the_repository_do_not_apply() {
    let outer = tempfile::tempdir().unwrap();
    // The folder the repository is checked out in ignores everything.
    write(outer.path(), ".gitignore", b"*\n");
    let repo = outer.path().join("checkout");
    for (path, text) in [
        ("sot.toml", ""),
        (".gitignore", "build/\n"),
        ("a.md", "[x](gone.md)\n"),
        ("build/out.md", "[x](gone.md)\n"),
        ("docs/sot.toml", ""),
        ("docs/b.md", "[x](gone.md)\n"),
        ("docs/build/out.md", "[x](gone.md)\n"),
        ("local.md", "[x](gone.md)\n"),
        ("personal.md", "[x](gone.md)\n"),
    ] {
        write(&repo, path, text.as_bytes());
    }
    let everything = [
        "a.md:1:5 broken-link",
        "docs/b.md:1:5 broken-link",
        "local.md:1:5 broken-link",
        "personal.md:1:5 broken-link",
    ];
    // Not a repository yet: the root's own `.gitignore` applies, the one above not.
    assert_eq!(places(&json(&repo, &[]).0), everything);

    common::git(&repo, &["init", "-q"]);
    write(&repo, ".git/info/exclude", b"local.md\n");
    let home = tempfile::tempdir().unwrap();
    let global = home.path().join("ignore");
    write(home.path(), "ignore", b"personal.md\n");
    let gitconfig = format!("[core]\n\texcludesFile = {}\n", global.display());
    write(home.path(), ".gitconfig", gitconfig.as_bytes());
    let lint = |dir: &Path| {
        let o = Command::new(env!("CARGO_BIN_EXE_sot"))
            .args(["lint", "--format", "json"])
            .current_dir(dir)
            .env("HOME", home.path())
            .env_remove("XDG_CONFIG_HOME")
            .output()
            .unwrap();
        places(&serde_json::from_slice(&o.stdout).unwrap())
    };
    // A repository: what git ignores there, `.git/info/exclude` and the global
    // excludes file included, and nothing from above its top-level.
    assert_eq!(
        lint(&repo),
        ["a.md:1:5 broken-link", "docs/b.md:1:5 broken-link"]
    );
    // A workspace below the top-level keeps the repository's `.gitignore`.
    assert_eq!(lint(&repo.join("docs")), ["b.md:1:5 broken-link"]);
}

#[test]
fn excluded_files_stay_excluded_when_named() {
    let dir = workspace(&[
        ("a.md", "[x](gone.md)\n"),
        ("drafts/wip.md", "[x](gone.md)\n"),
        (".gitignore", "generated/\n"),
        ("generated/out.md", "[x](gone.md)\n"),
    ]);
    write(dir.path(), "sot.toml", b"exclude = [\"drafts/**\"]\n");
    let o = sot(dir.path(), &["lint", "drafts/wip.md"]);
    assert_eq!((stdout(&o).as_str(), o.status.code()), ("", Some(0)));
    // Named files that are all excluded are what the user configured: no warning.
    assert_eq!(String::from_utf8_lossy(&o.stderr), "");
    let o = sot(dir.path(), &["lint", "drafts"]);
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "sot: warning: no Markdown files to check under drafts\n"
    );
    let (v, code) = json(dir.path(), &["drafts/wip.md", "a.md"]);
    assert_eq!((places(&v), code), (vec!["a.md:1:5 broken-link".into()], 1));
    assert_eq!(v["summary"]["files_checked"], 1);
    let o = lint_stdin(dir.path(), "drafts/wip.md", b"[x](gone.md)\n");
    assert_eq!((stdout(&o).as_str(), o.status.code()), ("", Some(0)));
    // A file git ignores is linted when named: hooks pass only tracked files.
    let (v, _) = json(dir.path(), &["generated/out.md"]);
    assert_eq!(places(&v), ["generated/out.md:1:5 broken-link"]);
}

/// Symlinks stay inside the root: one inside is another name for its target (linted
/// once, at the target's path, its links read from the target's folder, and links
/// through it resolve); one that leads outside or nowhere is not read.
#[cfg(unix)]
#[test]
fn symlinks_are_their_targets_and_never_leave_the_root() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "notes.md",
        b"## REL-001: Another rollout\n\n**Status**: Active\n\n[x](gone.md)\n",
    );
    let dir = workspace(&[
        (
            "docs/rollouts.md",
            "# Rollouts\n\n## REL-001: Blue-green rollout\n\n**ID**: REL-001\n\
             **Status**: Active\n**Owner**: platform\n\n\
             Follow the [steps](guides/steps.md#drain), not the [old ones](guides/old.md).\n",
        ),
        ("docs/guides/steps.md", "# Steps\n\n## Drain\n"),
        (
            "index.md",
            "# Index\n\n\
             - [REL-001](README.md#rel-001-blue-green-rollout)\n\
             - [Drain](current/steps.md#drain)\n\
             - [Drain again](docs/home/current/steps.md#drain)\n\
             - [Typo](current/steps.md#drian)\n\
             - [Notes](outside/notes.md)\n\
             - [Gone](gone.md)\n",
        ),
    ]);
    let root = dir.path();
    symlink("docs/rollouts.md", root.join("README.md")).unwrap();
    symlink("docs/guides", root.join("current")).unwrap();
    symlink("..", root.join("docs/home")).unwrap();
    symlink(outside.path(), root.join("outside")).unwrap();
    symlink("missing.md", root.join("gone.md")).unwrap();
    let o = sot(root, &["lint", "--format", "concise"]);
    assert_eq!(
        stdout(&o),
        "docs/rollouts.md:9:63: error: link target `guides/old.md` does not exist [broken-link]\n\
         index.md:6:10: error: no heading or anchor `#drian` in `docs/guides/steps.md` [broken-anchor]\n\
         index.md:7:11: error: link target `outside/notes.md` leaves the workspace root [broken-link]\n\
         index.md:8:10: error: link target `gone.md` does not exist [broken-link]\n"
    );
    let (v, _) = json(root, &[]);
    assert_eq!(v["summary"]["files_checked"], 3);
    // Named by its symlink, a document is reported at its own path.
    let (v, _) = json(root, &["README.md"]);
    assert_eq!(places(&v), ["docs/rollouts.md:9:63 broken-link"]);
    let o = lint_stdin(
        root,
        "README.md",
        b"# Rollouts\n\n[Drain](guides/steps.md#drian)\n",
    );
    assert_eq!(
        stdout(&o),
        "docs/rollouts.md:3:9: error: no heading or anchor `#drian` in `docs/guides/steps.md` [broken-anchor]\n"
    );
}

#[test]
fn suppression_comments_silence_exactly_what_they_name() {
    let dir = workspace(&[(
        "notes.md",
        "# Notes\n\n\
         [one](gone-1.md) <!-- sot-disable-line broken-link -->\n\
         [two](gone-2.md)\n\
         <!-- sot-disable-next-line broken-links -->\n\
         [three](gone-3.md)\n\
         <!-- sot-disable-lines -->\n\
         [four](gone-4.md)\n\n\
         In code, `<!-- sot-disable-file -->` is text:\n\n\
         ```markdown\n<!-- sot-disable-file -->\n```\n\n\
         <!-- sot-disable -->\n\
         [five](gone-5.md) {Service owner}\n\
         <!-- sot-enable broken-link -->\n\
         [six](gone-6.md) {Team name}\n\
         <!-- sot-enable -->\n\
         [seven](#nowhere)\n",
    )]);
    let o = sot(dir.path(), &["lint", "--format", "concise"]);
    assert_eq!(
        stdout(&o),
        "notes.md:4:7: error: link target `gone-2.md` does not exist [broken-link]\n\
         notes.md:5:28: warning: `broken-links` is not a rule name, so it silences nothing [invalid-suppression]\n\
         notes.md:6:9: error: link target `gone-3.md` does not exist [broken-link]\n\
         notes.md:7:6: warning: `sot-disable-lines` is not a suppression comment [invalid-suppression]\n\
         notes.md:8:8: error: link target `gone-4.md` does not exist [broken-link]\n\
         notes.md:19:7: error: link target `gone-6.md` does not exist [broken-link]\n\
         notes.md:21:9: error: no heading or anchor `#nowhere` in this file [broken-anchor]\n"
    );
    let (v, _) = json(dir.path(), &["--select", "invalid-suppression"]);
    let helps: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["help"].as_str().unwrap())
        .collect();
    assert_eq!(
        helps,
        [
            "did you mean `broken-link`?",
            "did you mean `sot-disable-line`? As written it silences nothing"
        ]
    );
}

/// A folder the walk cannot list hides its documents: it is reported, not skipped.
#[cfg(unix)]
#[test]
fn a_folder_that_cannot_be_listed_is_an_unreadable_file_finding() {
    use std::os::unix::fs::PermissionsExt;
    let dir = workspace(&[
        ("secret/a.md", "[x](gone.md)\n"),
        ("b.md", "[x](gone.md)\n"),
    ]);
    let secret = dir.path().join("secret");
    let mode = |m| std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(m));
    mode(0o000).unwrap();
    let listable = std::fs::read_dir(&secret).is_ok();
    let o = sot(dir.path(), &["lint", "--format", "concise"]);
    mode(0o755).unwrap();
    if listable {
        eprintln!("skipped: this user can list any folder");
        return;
    }
    assert_eq!(
        stdout(&o),
        "b.md:1:5: error: link target `gone.md` does not exist [broken-link]\n\
         secret:1:1: error: cannot list this folder, so its documents are not linted: \
         permission denied [unreadable-file]\n"
    );
}

#[test]
fn unreadable_file_is_a_finding_and_the_rest_is_linted() {
    let dir = workspace(&[("ok.md", "[x](gone.md)\n")]);
    write(dir.path(), "bad.md", b"# Title\n\nCaf\xe9 au lait\n");
    let (v, code) = json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        places(&v),
        ["bad.md:1:1 unreadable-file", "ok.md:1:5 broken-link"]
    );
    assert!(v["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("line 3"));
}

#[test]
fn hostile_input_never_panics() {
    let dir = workspace(&[
        ("empty.md", ""),
        ("dashes.md", "---\n"),
        ("only-fm.md", "---\na: 1\n---"),
        ("list.md", "---\n- a\n- b\n---\n"),
        ("tabs.md", "---\n\tkey: [unclosed\n---\n# T\n"),
        (
            "weird.md",
            "# \u{0}\n\n[](<>)\n[a]: <\n\n<a id=>\n## DEP-001:\n**ID**:\n\n```\nDEP-XXX\n",
        ),
        ("deep.md", &"> ".repeat(500)),
        ("brackets.md", &"[".repeat(2000)),
    ]);
    let o = sot(dir.path(), &["lint", "--format", "human"]);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The findings of `sot lint` in `dir`, where the generated workspace `corpus` was
/// written, against the planted ones: recall, precision, and every difference.
fn score_corpus(corpus: &corpus::Corpus, dir: &Path) -> (f64, f64, Vec<String>) {
    let (v, _) = json(dir, &[]);
    let found = v["diagnostics"].as_array().unwrap();
    let mut missed: Vec<&corpus::Expected> = corpus.expected.iter().collect();
    let mut differences = Vec::new();
    for d in found {
        let (file, line, rule) = (&d["file"], d["line"].as_u64(), &d["rule"]);
        let planted = missed
            .iter()
            .position(|e| *file == e.file && line == Some(e.line as u64) && *rule == e.rule);
        match planted {
            Some(i) => {
                missed.remove(i);
            }
            None => differences.push(format!(
                "unexpected: {}:{} {}: {}",
                file.as_str().unwrap(),
                d["line"],
                rule.as_str().unwrap(),
                d["message"]
            )),
        }
    }
    let planted = corpus.expected.len();
    let recall = (planted - missed.len()) as f64 / planted.max(1) as f64;
    let precision = (found.len() - differences.len()) as f64 / found.len().max(1) as f64;
    differences.extend(
        missed
            .iter()
            .map(|e| format!("missed: {}:{} {}", e.file, e.line, e.rule)),
    );
    (recall, precision, differences)
}

/// Defects of every rule planted in generated workspaces (three each in 200 documents,
/// and ten each in 400): each found where it was planted, and nothing else.
#[test]
fn generated_workspace_gives_exactly_the_planted_findings() {
    let rules: Vec<String> = stdout(&sot(&repo(), &["rules"]))
        .lines()
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect();
    for (docs, defects, seed) in [(200, 3, 7), (400, 10, 2)] {
        let corpus = corpus::generate(docs, defects, seed);
        assert!(
            corpus.documents() >= docs,
            "{} documents",
            corpus.documents()
        );
        for rule in &rules {
            let planted = corpus.expected.iter().filter(|e| e.rule == rule).count();
            assert_eq!(planted, defects, "{rule}: {planted} planted");
        }
        let dir = tempfile::tempdir().unwrap();
        corpus.write(dir.path());
        let (recall, precision, differences) = score_corpus(&corpus, dir.path());
        assert!(
            differences.is_empty(),
            "seed {seed}: recall {recall:.3}, precision {precision:.3}:\n{}",
            differences.join("\n")
        );
        let o = sot(dir.path(), &["lint", "--format", "concise"]);
        assert_eq!(o.status.code(), Some(1));
    }
}

#[test]
fn clean_generated_workspace_exits_zero_and_prints_nothing() {
    let corpus = corpus::generate(200, 0, 7);
    assert!(corpus.expected.is_empty());
    let dir = tempfile::tempdir().unwrap();
    corpus.write(dir.path());
    let o = sot(dir.path(), &["lint", "--format", "concise"]);
    assert_eq!((stdout(&o).as_str(), o.status.code()), ("", Some(0)));
}

#[test]
fn generated_workspaces_differ_by_seed_only() {
    let files = |seed| corpus::generate(60, 1, seed).files;
    assert!(files(1) == files(1));
    assert!(files(1) != files(2));
}

/// Runs the shared corpus generator into `out` (`out/ws`, `out/expected.json`).
fn generate(out: &Path, defects: &str) {
    let script = shared("bench/gen_corpus.py");
    let gen = Command::new("python3")
        .arg(script)
        .args([
            out.to_str().unwrap(),
            "--docs",
            "300",
            "--defects",
            defects,
            "--seed",
            "7",
        ])
        .output()
        .expect("python3 runs the generator");
    assert!(
        gen.status.success(),
        "{}",
        String::from_utf8_lossy(&gen.stderr)
    );
}

/// The shared generator plants defects of every rule; all must be found, nothing else:
/// without the cache, by a whole run that writes it, and by runs over a few files each
/// that take every other document from it.
#[test]
#[ignore = "reads ../shared/bench; CI runs it in its own step"]
fn shared_generated_workspace_scores_perfectly() {
    let out = tempfile::tempdir().unwrap();
    generate(out.path(), "3");
    let ws = out.path().join("ws");
    let scored = |label: &str, findings: &[u8]| {
        let file = out.path().join("findings.json");
        std::fs::write(&file, findings).unwrap();
        let score = Command::new("python3")
            .arg(shared("bench/score.py"))
            .arg(out.path().join("expected.json"))
            .arg(&file)
            .output()
            .unwrap();
        assert!(score.status.success(), "{label}: {}", stdout(&score));
    };
    scored(
        "--no-cache",
        &sot(&ws, &["lint", "--format", "json", "--no-cache"]).stdout,
    );
    scored(
        "cache written",
        &sot(&ws, &["lint", "--format", "json"]).stdout,
    );
    let files = staged_markdown(&ws);
    let mut merged: Option<serde_json::Value> = None;
    for group in files.chunks(files.len().div_ceil(8)) {
        let mut args = vec!["lint", "--format", "json"];
        args.extend(group.iter().map(String::as_str));
        let report: serde_json::Value = serde_json::from_slice(&sot(&ws, &args).stdout).unwrap();
        match &mut merged {
            None => merged = Some(report),
            Some(all) => {
                let found = report["diagnostics"].as_array().unwrap().clone();
                all["diagnostics"].as_array_mut().unwrap().extend(found);
            }
        }
    }
    scored(
        "cached, a few files a run",
        &serde_json::to_vec(&merged.unwrap()).unwrap(),
    );
}

/// The Markdown files git would hand a pre-commit hook in `root`: it is made a
/// repository and everything is staged.
fn staged_markdown(root: &Path) -> Vec<String> {
    let git = |args: &[&str]| {
        let o = Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .expect("git runs");
        assert!(
            o.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        o.stdout
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    String::from_utf8(git(&["ls-files", "-z", "--", "*.md"]))
        .unwrap()
        .split_terminator('\0')
        .map(str::to_string)
        .collect()
}

#[test]
#[ignore = "reads ../shared/bench; CI runs it in its own step"]
fn shared_clean_generated_workspace_exits_zero_and_prints_nothing() {
    let out = tempfile::tempdir().unwrap();
    generate(out.path(), "0");
    let o = sot(&out.path().join("ws"), &["lint", "--format", "concise"]);
    assert_eq!((stdout(&o).as_str(), o.status.code()), ("", Some(0)));
}

/// Copies a fixture workspace into a temporary folder, so a test may write to it.
fn scratch_copy(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&fixture(name), dir.path());
    dir
}

fn read(dir: &Path, path: &str) -> String {
    String::from_utf8(std::fs::read(dir.join(path)).unwrap()).unwrap()
}

#[test]
fn index_check_prints_a_diff_then_index_writes_and_is_idempotent() {
    let dir = scratch_copy("index");
    let before = read(dir.path(), "SoT.REGISTRY.md");
    let check = sot(dir.path(), &["index", "--check"]);
    assert_eq!(check.status.code(), Some(1));
    insta::assert_snapshot!("index_check_diff", stdout(&check));
    assert_eq!(
        read(dir.path(), "SoT.REGISTRY.md"),
        before,
        "--check writes nothing"
    );

    let (v, _) = json(dir.path(), &[]);
    assert_eq!(
        places(&v),
        [
            "SoT.REGISTRY.md:12:1 stale-index",
            "SoT.REGISTRY.md:23:1 stale-index",
            "docs/runbooks/checkout.md:5:1 stale-index"
        ]
    );

    let write = sot(dir.path(), &["index"]);
    assert_eq!(write.status.code(), Some(0));
    assert_eq!(
        stdout(&write),
        "updated SoT.REGISTRY.md\nupdated docs/runbooks/checkout.md\n"
    );
    insta::assert_snapshot!("index_list_and_table", read(dir.path(), "SoT.REGISTRY.md"));

    let again = sot(dir.path(), &["index"]);
    assert_eq!(
        (stdout(&again).as_str(), again.status.code()),
        ("", Some(0))
    );
    let check = sot(dir.path(), &["index", "--check"]);
    assert_eq!(
        (stdout(&check).as_str(), check.status.code()),
        ("", Some(0))
    );
    let (v, code) = json(dir.path(), &[]);
    assert_eq!((places(&v), code), (Vec::<String>::new(), 0));
}

#[test]
fn index_keeps_bom_crlf_and_final_newline() {
    let dir = scratch_copy("index");
    sot(dir.path(), &["index"]);
    let bytes = std::fs::read(dir.path().join("docs/runbooks/checkout.md")).unwrap();
    assert!(bytes.starts_with(b"\xef\xbb\xbf"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.ends_with("generated.\r\n"));
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
    assert!(
        text.contains("- [RUN-001](../../SoT.REGISTRY.md#run-001-cache-flush) - Cache flush\r\n")
    );
}

#[test]
fn hand_edited_block_is_told_apart_from_an_out_of_date_one() {
    let dir = scratch_copy("index");
    sot(dir.path(), &["index"]);
    let path = dir.path().join("SoT.REGISTRY.md");
    let text = read(dir.path(), "SoT.REGISTRY.md");
    std::fs::write(
        &path,
        text.replace("- Canary release", "- Canary release (fast)"),
    )
    .unwrap();
    let (v, _) = json(dir.path(), &["SoT.REGISTRY.md"]);
    assert_eq!(
        v["diagnostics"][0]["message"],
        "index block was edited by hand since `sot index` wrote it"
    );

    std::fs::write(
        &path,
        format!("{text}\n## DEP-004: Feature flags\n\n**ID**: DEP-004\n"),
    )
    .unwrap();
    let (v, _) = json(dir.path(), &["SoT.REGISTRY.md"]);
    let stale: Vec<_> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "stale-index")
        .collect();
    assert_eq!(
        stale[0]["message"],
        "index block is out of date with the registry"
    );
}

/// Wrapping the seed playbook's navigation in markers gives its style back, corrected.
#[test]
fn seed_navigation_regenerates_in_the_seed_style() {
    let dir = scratch_copy("seeds");
    let path = dir.path().join("SoT.DEPLOYMENT_PLAYBOOK.md");
    let text = read(dir.path(), "SoT.DEPLOYMENT_PLAYBOOK.md")
        .replacen(
            "## Navigation by Category\n\n",
            "## Navigation by Category\n\n<!-- sot:index start -->\n",
            1,
        )
        .replacen(
            "{Metric name}\n",
            "{Metric name}\n<!-- sot:index end -->\n",
            1,
        );
    std::fs::write(&path, text).unwrap();
    assert_eq!(sot(dir.path(), &["index"]).status.code(), Some(0));
    let after = read(dir.path(), "SoT.DEPLOYMENT_PLAYBOOK.md");
    let start = after.find("## Navigation by Category").unwrap();
    let end = after.find("## Environments").unwrap();
    insta::assert_snapshot!("seed_navigation", &after[start..end]);
    let check = sot(dir.path(), &["index", "--check"]);
    assert_eq!(check.status.code(), Some(0));
    let (v, _) = json(dir.path(), &["SoT.DEPLOYMENT_PLAYBOOK.md"]);
    let rules: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(
        !rules.contains(&"stale-index") && !rules.contains(&"broken-anchor"),
        "{rules:?}"
    );
}

#[test]
fn broken_markers_stop_index_with_exit_two() {
    let dir = workspace(&[(
        "a.md",
        "<!-- sot:index start style=fancy -->\n<!-- sot:index end -->\n",
    )]);
    let o = sot(dir.path(), &["index"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("a.md:1:1: error: index style `fancy`"));
    assert_eq!(
        read(dir.path(), "a.md"),
        "<!-- sot:index start style=fancy -->\n<!-- sot:index end -->\n"
    );
}

/// `sot registry --format json` in `ws`, checked against its published schema and for
/// the same bytes on a second run; with the number of references each ID has in it
/// (dangling ones included).
fn registry_export(ws: &Path) -> BTreeMap<String, usize> {
    let o = sot(ws, &["registry", "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let export: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("docs/registry.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&export)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert_eq!(sot(ws, &["registry", "--format", "json"]).stdout, o.stdout);
    let mut exported: BTreeMap<String, usize> = BTreeMap::new();
    for record in export["ids"].as_array().unwrap() {
        let n = record["references"].as_array().unwrap().len();
        if n > 0 {
            exported.insert(record["id"].as_str().unwrap().to_string(), n);
        }
    }
    for r in export["dangling"].as_array().unwrap() {
        *exported
            .entry(r["id"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    exported
}

/// The IDs on which two reference counts differ, with both counts.
fn count_differences(
    counted: &BTreeMap<String, usize>,
    exported: &BTreeMap<String, usize>,
) -> Vec<String> {
    let ids: std::collections::BTreeSet<&String> = counted.keys().chain(exported.keys()).collect();
    ids.into_iter()
        .filter(|id| counted.get(*id) != exported.get(*id))
        .map(|id| {
            format!(
                "{id}: counted {:?}, exported {:?}",
                counted.get(id),
                exported.get(id)
            )
        })
        .collect()
}

#[test]
fn registry_export_matches_its_schema_and_the_references_written() {
    let corpus = corpus::generate(200, 2, 11);
    let dir = tempfile::tempdir().unwrap();
    corpus.write(dir.path());
    let exported = registry_export(dir.path());
    assert!(corpus.references.len() > 50);
    let differences = count_differences(&corpus.references, &exported);
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

#[test]
#[ignore = "reads ../shared/bench; CI runs it in its own step"]
fn shared_registry_export_matches_its_schema_and_an_independent_reference_count() {
    let out = tempfile::tempdir().unwrap();
    generate(out.path(), "2");
    let ws = out.path().join("ws");
    let exported = registry_export(&ws);
    // Count references the simple way: ID-shaped words in the runbooks, outside code spans.
    let id = regex::Regex::new(r"(?:^|[^\w-])([A-Z]{2,4}-\d{3})\b").unwrap();
    let code = regex::Regex::new(r"`[^`]*`").unwrap();
    let mut counted: BTreeMap<String, usize> = BTreeMap::new();
    let declared = regex::Regex::new(r"(?m)^id_prefix: (.*)$").unwrap();
    let mut prefixes = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(ws.join("sot")).unwrap() {
        let dir = entry.unwrap().path();
        for file in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
            for c in declared.captures_iter(&text) {
                prefixes.extend(
                    c[1].split(", ")
                        .map(|p| p.trim_end_matches("-XXX").to_string()),
                );
            }
        }
    }
    let mut stack = vec![ws.join("services")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for c in id.captures_iter(&code.replace_all(&text, "")) {
                if prefixes.contains(c[1].split('-').next().unwrap()) {
                    *counted.entry(c[1].to_string()).or_default() += 1;
                }
            }
        }
    }
    assert!(counted.len() > 100);
    let differences = count_differences(&counted, &exported);
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

#[test]
fn queries_show_refs_and_anchors() {
    let dir = fixture("rules").join("deprecated-ref");
    let show = sot(&dir, &["show", "RUN-002"]);
    assert_eq!(show.status.code(), Some(0));
    insta::assert_snapshot!("show_run_002", stdout(&show));
    let refs = sot(&dir, &["refs", "RUN-002"]);
    assert_eq!(
        stdout(&refs),
        "fail.md:3:21: mention\nfail.md:4:6: link\nfail.md:9:10: mention\n"
    );
    let anchors = sot(&dir, &["anchors", "SoT.REGISTRY.md", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_slice(&anchors.stdout).unwrap();
    assert_eq!(list[1]["anchor"], "#dep-001-blue-green-rollout");
    assert_eq!(list[1]["line"], 12);
    assert_eq!(sot(&dir, &["show", "RUN-999"]).status.code(), Some(1));
    assert_eq!(sot(&dir, &["anchors", "nope.md"]).status.code(), Some(2));
}

#[test]
fn new_skips_numbers_referenced_or_taken_on_another_branch() {
    let dir = scratch_copy("index");
    let root = dir.path();
    common::git(root, &["init", "-q"]);
    common::git(root, &["add", "-A"]);
    common::git(root, &["commit", "-qm", "registry"]);
    common::git(root, &["checkout", "-qb", "feature"]);
    let runbook = root.join("docs/runbooks/checkout.md");
    let mut text = std::fs::read(&runbook).unwrap();
    text.extend_from_slice(b"\r\nThe feature branch plans DEP-007.\r\n");
    std::fs::write(&runbook, text).unwrap();
    common::git(root, &["commit", "-qam", "plan DEP-007"]);
    common::git(root, &["checkout", "-q", "main"]);
    let registry = root.join("SoT.REGISTRY.md");
    let text = read(root, "SoT.REGISTRY.md");
    std::fs::write(
        &registry,
        format!("{text}\nDEP-004 is referenced before it exists.\n"),
    )
    .unwrap();

    let o = sot(root, &["new", "DEP", "--title", "Feature flags"]);
    assert_eq!(
        (stdout(&o).as_str(), o.status.code()),
        ("DEP-008\n", Some(0)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let after = read(root, "SoT.REGISTRY.md");
    let start = after.find("## DEP-008").unwrap();
    insta::assert_snapshot!(
        "new_entry",
        &after[start..start + after[start..].find("## RUN-002").unwrap()]
    );
    assert!(
        after.contains("- [DEP-008](#dep-008-feature-flags) - Feature flags\n"),
        "index blocks refreshed"
    );
    // What is left to fill in is exactly what lint reports.
    let (v, _) = json(root, &["SoT.REGISTRY.md"]);
    let placeholders = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "placeholder")
        .count();
    assert_eq!(placeholders, 5);
    assert_eq!(
        sot(root, &["index", "--check", "SoT.REGISTRY.md"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn new_without_git_says_so_and_carries_on() {
    let dir = scratch_copy("index");
    let o = sot(dir.path(), &["new", "RUN", "--title", "Queue drain"]);
    assert_eq!(stdout(&o), "RUN-003\n");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("numbers on other branches were not checked")
    );
    let o = sot(dir.path(), &["new", "ZZZ", "--title", "Nothing owns this"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn graph_by_file_and_by_id() {
    let dir = scratch_copy("index");
    sot(dir.path(), &["index"]);
    let runbook = dir.path().join("docs/runbooks/checkout.md");
    let mut text = std::fs::read(&runbook).unwrap();
    text.extend_from_slice(b"\r\nFlush per RUN-001, then roll out with [DEP-002](../../SoT.REGISTRY.md#dep-002-canary-release).\r\n");
    std::fs::write(&runbook, text).unwrap();
    let registry = dir.path().join("SoT.REGISTRY.md");
    let text = read(dir.path(), "SoT.REGISTRY.md").replace(
        "Send a small share of traffic first.",
        "Send a small share of traffic first; flush caches with RUN-001.",
    );
    std::fs::write(&registry, text).unwrap();
    let mermaid = sot(dir.path(), &["graph"]);
    assert_eq!(mermaid.status.code(), Some(0));
    assert_eq!(
        stdout(&mermaid),
        "graph LR\n  n0[\"SoT.REGISTRY.md\"]\n  n1[\"docs/runbooks/checkout.md\"]\n  n1 -->|2| n0\n"
    );
    let dot = sot(dir.path(), &["graph", "--by", "id", "--format", "dot"]);
    insta::assert_snapshot!("graph_by_id_dot", stdout(&dot));
}

#[test]
fn against_reports_ids_another_branch_added_differently() {
    let dir = scratch_copy("index");
    let root = dir.path();
    sot(root, &["index"]);
    common::git(root, &["init", "-q"]);
    common::git(root, &["add", "-A"]);
    common::git(root, &["commit", "-qm", "registry"]);
    let append = |heading: &str| {
        let text = read(root, "SoT.REGISTRY.md");
        let entry = format!("\n## {heading}\n\n**ID**: DEP-004\n**Category**: Application\n**Status**: Planned\n**Owner**: Platform Team\n**Created**: 2026-10-01\n**Last Updated**: 2026-10-01\n");
        std::fs::write(root.join("SoT.REGISTRY.md"), text + &entry).unwrap();
    };
    common::git(root, &["checkout", "-qb", "feature"]);
    append("DEP-004: Shadow traffic");
    // A document's extension matches in any case on the other branch too.
    let notes = "# Notes\n\n## DEP-005: Traffic mirroring\n\n**ID**: DEP-005\n**Status**: Planned\n**Owner**: Platform Team\n";
    std::fs::write(root.join("NOTES.MD"), notes).unwrap();
    common::git(root, &["add", "NOTES.MD"]);
    common::git(root, &["commit", "-qam", "DEP-004 and DEP-005 on feature"]);
    common::git(root, &["checkout", "-q", "main"]);
    append("DEP-004: Dark launch");
    let text = read(root, "SoT.REGISTRY.md");
    std::fs::write(
        root.join("SoT.REGISTRY.md"),
        text.replace("## DEP-004: Dark launch", "## DEP-005: Request replay\n\n**ID**: DEP-005\n**Category**: Application\n**Status**: Planned\n**Owner**: Platform Team\n**Created**: 2026-10-01\n**Last Updated**: 2026-10-01\n\n## DEP-004: Dark launch"),
    )
    .unwrap();
    let (v, code) = json(root, &["--against", "feature"]);
    let collisions: Vec<_> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "duplicate-id")
        .collect();
    assert_eq!(code, 1);
    let messages: Vec<&str> = collisions
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "`DEP-005` is also defined on feature as \"DEP-005: Traffic mirroring\" (NOTES.MD:3), added since the branches forked",
            "`DEP-004` is also defined on feature as \"DEP-004: Shadow traffic\" (SoT.REGISTRY.md:101), added since the branches forked",
        ]
    );
    // The same entry on both branches is no collision.
    common::git(root, &["commit", "-qam", "DEP-004 on main"]);
    let (v, _) = json(root, &["--against", "main"]);
    assert!(v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["rule"] != "duplicate-id"));
    // A revision that cannot be compared is an error, never a pass without the check.
    let o = sot(root, &["lint", "--against", "no-such-branch"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.starts_with("sot: --against no-such-branch: "), "{err}");
    // A shallow clone (CI's default) holds no common ancestor: the error says how to
    // fetch one.
    let shallow = tempfile::tempdir().unwrap();
    let url = format!("file://{}", root.display());
    common::git(
        shallow.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            "--no-single-branch",
            &url,
            "clone",
        ],
    );
    let clone = shallow.path().join("clone");
    let o = sot(&clone, &["lint", "--against", "origin/feature"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("this is a shallow clone"), "{err}");
    assert!(err.contains("fetch-depth: 0"), "{err}");
}

#[test]
fn select_and_ignore_narrow_the_rules() {
    let dir = fixture("seeds");
    let (v, _) = json(&dir, &["--select", "broken-link,broken-anchor"]);
    let rules: std::collections::BTreeSet<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        rules.into_iter().collect::<Vec<_>>(),
        ["broken-anchor", "broken-link"]
    );
    let (v, _) = json(&dir, &["--ignore", "placeholder"]);
    assert!(v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["rule"] != "placeholder"));
    let o = sot(&dir, &["lint", "--ignore", "no-such-rule"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn configuration_changes_severities_prefixes_patterns_and_paths() {
    let dir = fixture("config");
    let o = sot(&dir, &["lint", "--format", "concise"]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!("config_lint", stdout(&o));
    let config = sot(&dir, &["config"]);
    // The first line names the file read, by its absolute path on this machine.
    let resolved = stdout(&config);
    let (first, rest) = resolved.split_once('\n').unwrap();
    let file = dir.canonicalize().unwrap().join("sot.toml");
    assert_eq!(first, format!("# read from {}", file.display()));
    insta::assert_snapshot!("config_resolved", rest);
}

/// `fixtures/sites/<generator>`: docs sites whose pages link to each other as the site
/// publishes them. Every finding, with the help that says what was tried, is pinned;
/// every other link resolves to its source.
#[test]
fn published_sites_check_page_links_against_their_sources() {
    for site in ["docusaurus", "hugo", "jekyll", "mkdocs", "rewrite"] {
        let (v, code) = json(&fixture("sites").join(site), &[]);
        assert_eq!(code, 1, "{site}");
        let report: String = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "{}:{}:{} {} [{}]\n  help: {}\n",
                    d["file"].as_str().unwrap(),
                    d["line"],
                    d["column"],
                    d["message"].as_str().unwrap(),
                    d["rule"].as_str().unwrap(),
                    d["help"].as_str().unwrap_or("-"),
                )
            })
            .collect();
        insta::assert_snapshot!(format!("site_{site}"), report);
    }
}

/// `fixtures/detect/<generator>`: docs sites whose `sot.toml` has no `[links]`. The
/// generator's own configuration file gives the section (`sot config` shows it), one
/// note on stderr says so, and every page link resolves but the one planted broken.
/// In `explicit/`, `site = "github"` in `sot.toml` wins over its `mkdocs.yml`.
#[test]
fn generators_are_detected_when_sot_toml_has_no_links() {
    for site in [
        "docfx",
        "docusaurus",
        "explicit",
        "hugo",
        "jekyll",
        "mkdocs",
    ] {
        let dir = fixture("detect").join(site);
        let lint = sot(&dir, &["lint", "--format", "concise"]);
        assert_eq!(lint.status.code(), Some(1), "{site}");
        let config = stdout(&sot(&dir, &["config"]));
        let links: String = config
            .lines()
            .skip_while(|l| *l != "[links]")
            .take_while(|l| !l.starts_with('[') || l.starts_with("[links"))
            .filter(|l| !l.is_empty())
            .map(|l| format!("{l}\n"))
            .collect();
        let report = format!(
            "stderr:\n{}\nstdout:\n{}\nsot config:\n{links}",
            String::from_utf8_lossy(&lint.stderr),
            stdout(&lint)
        );
        insta::assert_snapshot!(format!("detect_{site}"), report);
        // `--quiet` drops the note; a machine format's stdout holds only its report.
        let quiet = sot(&dir, &["lint", "--quiet"]);
        assert_eq!(String::from_utf8_lossy(&quiet.stderr), "", "{site}");
        let (v, _) = json(&dir, &[]);
        assert_eq!(v["diagnostics"].as_array().unwrap().len(), 1, "{site}");
    }
}

/// A workspace with no generator's configuration gets no note.
#[test]
fn no_note_without_a_generator() {
    let dir = workspace(&[("a.md", "# A\n\n[b](b.md)\n"), ("b.md", "# B\n")]);
    let o = sot(dir.path(), &["lint"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&o.stderr), "");
}

/// With `site = "github"`, the same pages read as on GitHub: their page URLs break
/// (the folder `guide/` exists, so that one holds), and `sot config` shows what the
/// section resolves to.
#[test]
fn links_section_is_what_makes_page_urls_resolve() {
    let dir = scratch_copy("sites/mkdocs");
    let config = stdout(&sot(dir.path(), &["config"]));
    assert!(
        config.contains(
            "[links]\nsite = \"mkdocs\"\nroot = \"docs\"\nbase = \"/\"\ndirectory_urls = true\n"
        ),
        "{config}"
    );
    std::fs::write(dir.path().join("sot.toml"), "[links]\nsite = \"github\"\n").unwrap();
    let (v, _) = json(dir.path(), &["--select", "broken-link", "docs/index.md"]);
    assert_eq!(
        places(&v),
        [
            "docs/index.md:7:20 broken-link",
            "docs/index.md:8:13 broken-link",
            "docs/index.md:10:31 broken-link",
        ]
    );
}

#[test]
fn printed_configuration_reads_back_unchanged() {
    let dir = workspace(&[]);
    let defaults = stdout(&sot(dir.path(), &["config"]));
    assert!(defaults.contains("[schema.entries.prefix.DEP.fields.Category]"));
    std::fs::write(dir.path().join("sot.toml"), &defaults).unwrap();
    assert_eq!(stdout(&sot(dir.path(), &["config"])), defaults);
}

#[test]
fn config_mistakes_name_their_line_and_exit_two() {
    let dir = workspace(&[("a.md", "# A\n")]);
    let mut report = String::new();
    for toml in [
        "colour = \"red\"\n",
        "[rules]\nbroken-links = \"off\"\n",
        "[rules]\nplaceholder = \"loud\"\n",
        "exclude = [\"docs/[*\"]\n",
        "[placeholders]\nremove = [\"dates\"]\n",
        "[links]\nsite = \"mkdoc\"\n",
        "[links]\nsite = \"mkdocs\"\nroot = \"../site\"\n",
        "[links]\nbase = \"https://example.com/docs/\"\n",
        "[links]\ndirectory_urls = true\n",
        "[links]\nsite = \"mkdocs\"\nanchors = [{ pattern = '<!-- md:option (\\S+) -->' }]\n",
    ] {
        std::fs::write(dir.path().join("sot.toml"), toml).unwrap();
        let o = sot(dir.path(), &["lint"]);
        assert_eq!(o.status.code(), Some(2), "{toml}");
        report.push_str(&format!(
            "{toml}---\n{}\n",
            String::from_utf8_lossy(&o.stderr)
        ));
    }
    insta::assert_snapshot!("config_errors", report);
}

#[test]
fn init_writes_a_commented_config_that_parses() {
    let dir = tempfile::tempdir().unwrap();
    let o = sot(dir.path(), &["init"]);
    assert_eq!(
        (stdout(&o).as_str(), o.status.code()),
        ("wrote sot.toml\n", Some(0))
    );
    let text = read(dir.path(), "sot.toml");
    assert!(text.starts_with("# sot.toml"));
    assert_eq!(sot(dir.path(), &["config"]).status.code(), Some(0));
    assert_eq!(
        sot(dir.path(), &["init"]).status.code(),
        Some(2),
        "never overwrites"
    );
}

/// From a subfolder of a repository, `sot init` writes at the repository's top, where
/// every command run anywhere in it finds the file; a second run names the file there.
#[test]
fn init_in_a_subfolder_writes_at_the_workspace_root() {
    let repo = tempfile::tempdir().unwrap();
    common::git(repo.path(), &["init", "-q"]);
    let sub = repo.path().join("docs/runbooks");
    std::fs::create_dir_all(&sub).unwrap();
    let o = sot(&sub, &["init"]);
    assert_eq!(
        (stdout(&o).as_str(), o.status.code()),
        ("wrote ../../sot.toml\n", Some(0)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(repo.path().join("sot.toml").is_file());
    assert!(!sub.join("sot.toml").exists());
    let again = sot(&sub, &["init"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("../../sot.toml already exists"));
}

/// Seed 002 as a runbook template and seed 000 as a playbook template: a runbook that
/// drops a required key, uses a status outside the comment's options and lacks the
/// Rollback section gets exactly those three findings; a conforming one none.
#[test]
fn templates_are_schemas() {
    let dir = fixture("templates");
    let (v, code) = json(&dir, &[]);
    assert_eq!(code, 1);
    let runbooks: Vec<String> = places(&v)
        .into_iter()
        .filter(|p| p.starts_with("docs/"))
        .collect();
    assert_eq!(
        runbooks,
        [
            "docs/runbooks/payments.md:1:1 missing-field",
            "docs/runbooks/payments.md:1:1 missing-section",
            "docs/runbooks/payments.md:4:10 invalid-field"
        ]
    );
    insta::assert_snapshot!(
        "templates",
        stdout(&sot(&dir, &["lint", "--format", "concise"]))
    );
}

/// EIP-style registries: each `EIPS/eip-N.md` is the entry EIP-N by its frontmatter.
#[test]
fn document_level_ids() {
    let dir = fixture("documents");
    let (v, code) = json(&dir, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        places(&v),
        [
            "EIPS/eip-721.md:2:6 duplicate-id",
            "EIPS/eip-721.md:11:29 undefined-id"
        ]
    );
    assert_eq!(
        v["diagnostics"][1]["message"],
        "`EIP-1155` is not defined by any entry"
    );
    let refs = sot(&dir, &["refs", "EIP-20"]);
    assert_eq!(
        stdout(&refs),
        "EIPS/eip-721.md:10:12: link\nEIPS/eip-721.md:10:61: mention\nREADME.md:3:13: link\n"
    );
    // A missing required key and a status outside the list, from the [[documents]] schema.
    let scratch = scratch_copy("documents");
    let eip = scratch.path().join("EIPS/eip-20.md");
    let text = read(scratch.path(), "EIPS/eip-20.md")
        .replace("status: Final\n", "status: Done\n")
        .replace("author: Fabian Vogelsteller, Vitalik Buterin\n", "");
    std::fs::write(&eip, text).unwrap();
    let (v, _) = json(scratch.path(), &["EIPS/eip-20.md"]);
    assert_eq!(
        places(&v),
        [
            "EIPS/eip-20.md:1:1 missing-field",
            "EIPS/eip-20.md:4:9 invalid-field"
        ]
    );
}

#[test]
fn rules_listing_and_explain() {
    let rules = sot(&repo(), &["rules"]);
    insta::assert_snapshot!("rules", stdout(&rules));
    let explain = stdout(&sot(&repo(), &["explain", "broken-anchor"]));
    assert!(explain.starts_with("# broken-anchor (error)\n\nA `#fragment` that matches no heading"));
    assert!(explain.contains("**Fix**"));
}

#[test]
fn file_name_ids_and_templates_chosen_by_document_type() {
    let dir = workspace(&[
        (
            "sot.toml",
            "[[documents]]\nprefix = \"ADR\"\nglob = \"adr/*.md\"\nid = \"filename:^(\\\\d+)-\"\n\n[[template]]\npath = \"templates/adr.md\"\ndocument_type = \"adr\"\n",
        ),
        ("templates/adr.md", "---\ndocument_type: adr # REQUIRED\nstatus: proposed # REQUIRED: proposed | accepted | superseded\n---\n\n# ADR: {Title}\n\n## Context\n\n## Decision\n"),
        ("adr/0007-use-postgres.md", "---\ndocument_type: adr\nstatus: accepted\n---\n\n# Use Postgres\n\n## Context\n\nWe need a database.\n\n## Decision\n\nPostgres. Supersedes ADR-3.\n"),
        ("adr/0008-use-redis.md", "---\ndocument_type: adr\nstatus: maybe\n---\n\n# Use Redis\n\n## Context\n\nSee [ADR-7](0007-use-postgres.md).\n"),
    ]);
    let (v, _) = json(dir.path(), &[]);
    assert_eq!(
        places(&v),
        [
            "adr/0007-use-postgres.md:14:22 undefined-id",
            "adr/0008-use-redis.md:1:1 missing-section",
            "adr/0008-use-redis.md:3:9 invalid-field"
        ]
    );
}

/// `sot lint --format sarif` in `dir`, which has findings.
fn sarif_log(dir: &Path) -> serde_json::Value {
    let o = sot(dir, &["lint", "--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        !log["runs"][0]["results"].as_array().unwrap().is_empty(),
        "{}: no results",
        dir.display()
    );
    log
}

/// The SARIF logs the tests validate: the seeds', then each rule fixture's, so every
/// rule's results appear.
fn sarif_logs() -> Vec<(PathBuf, serde_json::Value)> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixture("rules"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    dirs.sort();
    dirs.insert(0, fixture("seeds"));
    dirs.into_iter()
        .map(|dir| {
            let log = sarif_log(&dir);
            (dir, log)
        })
        .collect()
}

#[test]
fn sarif_is_valid_for_the_part_of_sarif_sot_emits() {
    let logs = sarif_logs();
    for (dir, log) in &logs {
        let problems = common::sarif_problems(log);
        assert!(
            problems.is_empty(),
            "{}:\n{}",
            dir.display(),
            problems.join("\n")
        );
    }
    let run = &logs[0].1["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["tool"]["driver"]["name"], "sot");
    assert!(
        run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with(".md")
    );
}

/// The project's SARIF schema is no formality: each thing SARIF 2.1.0 forbids, done to a
/// valid log, is caught.
#[test]
fn sarif_schema_rejects_what_sarif_forbids() {
    let log = &sarif_log(&fixture("seeds"));
    assert_eq!(common::sarif_problems(log), Vec::<String>::new());
    let result = "/runs/0/results/0";
    let region = "/runs/0/results/0/locations/0/physicalLocation/region";
    let uri = "/runs/0/results/0/locations/0/physicalLocation/artifactLocation/uri";
    let broken: [(&str, serde_json::Value); 14] = [
        ("/version", "2.0.0".into()),
        ("/$schema", "not a uri".into()),
        ("/runs/0/columnKind", "bytes".into()),
        (
            "/runs/0/tool/driver/rules/0/helpUri",
            "docs/rules/x.md".into(),
        ),
        (
            "/runs/0/tool/driver/rules/0/shortDescription",
            serde_json::json!({}),
        ),
        (
            "/runs/0/tool/driver/rules/0/defaultConfiguration/level",
            "fatal".into(),
        ),
        (&format!("{result}/level"), "critical".into()),
        (&format!("{result}/ruleIndex"), (-2).into()),
        (
            &format!("{result}/message"),
            serde_json::json!({ "markdown": "x" }),
        ),
        (
            &format!("{result}/partialFingerprints"),
            serde_json::json!({ "sot": "1" }),
        ),
        (&format!("{result}/suppressed"), true.into()),
        (&format!("{region}/startColumn"), 0.into()),
        (&format!("{region}/endLine"), 0.into()),
        (uri, "with space.md".into()),
    ];
    for (pointer, value) in broken {
        let mut bad = log.clone();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        bad.pointer_mut(parent).unwrap()[key] = value.clone();
        assert!(
            !common::sarif_problems(&bad).is_empty(),
            "{pointer} = {value} was accepted"
        );
    }
    // Constraints between properties.
    let mut bad = log.clone();
    bad.pointer_mut(result).unwrap()["ruleIndex"] = 0.into();
    bad.pointer_mut(result).unwrap()["ruleId"] = "broken-anchor".into();
    assert_eq!(
        common::sarif_problems(&bad),
        [format!(
            "{result}: ruleIndex 0 is not rule \"broken-anchor\""
        )]
    );
    let mut bad = log.clone();
    bad.pointer_mut(region).unwrap()["endLine"] = 1.into();
    bad.pointer_mut(region).unwrap()["startLine"] = 2.into();
    assert_eq!(
        common::sarif_problems(&bad),
        [format!("{result}: the region ends before it starts")]
    );
}

#[test]
#[ignore = "reads ../shared/data; CI runs it in its own step"]
fn shared_sarif_is_valid_against_the_official_schema() {
    for (dir, log) in sarif_logs() {
        let problems = common::shared_sarif_problems(&log);
        assert!(
            problems.is_empty(),
            "{}:\n{}",
            dir.display(),
            problems.join("\n")
        );
    }
}

#[test]
fn fingerprints_do_not_change_when_a_finding_moves() {
    let dir = workspace(&[("a.md", "# A\n\nSee [x](gone.md).\n")]);
    let before: serde_json::Value =
        serde_json::from_slice(&sot(dir.path(), &["lint", "--format", "gitlab"]).stdout).unwrap();
    std::fs::write(
        dir.path().join("a.md"),
        "# A\n\nIntro.\n\nMore intro.\n\nSee [x](gone.md).\n",
    )
    .unwrap();
    let after: serde_json::Value =
        serde_json::from_slice(&sot(dir.path(), &["lint", "--format", "gitlab"]).stdout).unwrap();
    assert_eq!(before[0]["location"]["lines"]["begin"], 3);
    assert_eq!(after[0]["location"]["lines"]["begin"], 7);
    assert_eq!(before[0]["fingerprint"], after[0]["fingerprint"]);
    let sarif = |dir: &Path| -> serde_json::Value {
        serde_json::from_slice(&sot(dir, &["lint", "--format", "sarif"]).stdout).unwrap()
    };
    std::fs::write(dir.path().join("a.md"), "# A\n\nSee [x](gone.md).\n").unwrap();
    let first = sarif(dir.path())["runs"][0]["results"][0]["partialFingerprints"].clone();
    std::fs::write(dir.path().join("a.md"), "# A\n\n\n\nSee [x](gone.md).\n").unwrap();
    assert_eq!(
        sarif(dir.path())["runs"][0]["results"][0]["partialFingerprints"],
        first
    );
}

#[test]
fn ci_formats() {
    let dir = fixture("rules").join("broken-anchor");
    for format in ["github", "gitlab", "junit", "checkstyle"] {
        let o = sot(&dir, &["lint", "--format", format, "fail.md"]);
        assert_eq!(o.status.code(), Some(1));
        insta::assert_snapshot!(format!("format_{format}"), stdout(&o));
    }
}

#[test]
fn github_commands_escape_percent_newlines_colons_and_commas() {
    let dir = workspace(&[("dir,with:odd/100% sure.md", "[x](missing,file:1%25.md)\n")]);
    let o = sot(dir.path(), &["lint", "--format", "github"]);
    assert_eq!(
        stdout(&o),
        "::error file=dir%2Cwith%3Aodd/100%25 sure.md,line=1,col=5,endLine=1,endColumn=25,title=broken-link::link target `missing,file:1%2525.md` does not exist%0Ano file or folder `dir,with:odd/missing,file:1%25.md` in the workspace; fix the path or create it\n"
    );
}

#[test]
fn output_flags() {
    let dir = fixture("rules").join("deprecated-ref");
    assert_eq!(sot(&dir, &["lint"]).status.code(), Some(0));
    assert_eq!(
        sot(&dir, &["lint", "--deny-warnings"]).status.code(),
        Some(1)
    );
    let seeds = fixture("seeds");
    assert_eq!(sot(&seeds, &["lint", "--exit-zero"]).status.code(), Some(0));
    let stats = stdout(&sot(&seeds, &["lint", "--statistics"]));
    assert!(
        stats
            .lines()
            .next()
            .unwrap()
            .ends_with("placeholder          error"),
        "{stats}"
    );
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("report.json");
    let o = sot(
        &seeds,
        &["lint", "--format", "json", "-o", file.to_str().unwrap()],
    );
    assert_eq!((stdout(&o).as_str(), o.status.code()), ("", Some(1)));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(report["version"], 1);
    let quiet = stdout(&sot(
        &fixture("clean"),
        &["lint", "--format", "human", "--quiet"],
    ));
    assert_eq!(quiet, "");
    let env = Command::new(env!("CARGO_BIN_EXE_sot"))
        .args(["lint", "fail.md"])
        .current_dir(&dir)
        .env("SOT_FORMAT", "github")
        .output()
        .unwrap();
    assert!(stdout(&env).starts_with("::warning file=fail.md,"));
    let colored = stdout(&sot(
        &dir,
        &["lint", "--format", "human", "--color", "always", "fail.md"],
    ));
    assert!(colored.contains('\u{1b}'));
    let plain = stdout(&sot(
        &dir,
        &["lint", "--format", "human", "--color", "never", "fail.md"],
    ));
    assert!(!plain.contains('\u{1b}'));
}

/// `sot lint --format concise --stdin-filename PATH` with `input` on standard input.
fn lint_stdin(dir: &Path, path: &str, input: &[u8]) -> Output {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_sot"))
        .args(["lint", "--format", "concise", "--stdin-filename", path])
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn stdin_filename_lints_an_unsaved_buffer_against_the_workspace() {
    let o = lint_stdin(
        &fixture("rules").join("broken-link"),
        "docs/new-note.md",
        b"# Draft\n\nSee [the registry](../SoT.REGISTRY.md#dep-001-blue-green-rollout) and [x](missing.md).\n",
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        "docs/new-note.md:3:75: error: link target `missing.md` does not exist [broken-link]\n"
    );
    // A buffer in folders not created yet resolves its links from where it will be.
    let o = lint_stdin(
        &fixture("rules").join("broken-link"),
        "docs/drafts/2026/new-note.md",
        b"# Draft\n\nSee [the registry](../../../SoT.REGISTRY.md#dep-001-blue-green-rollout) and [x](missing.md).\n",
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        stdout(&o),
        "docs/drafts/2026/new-note.md:3:81: error: link target `missing.md` does not exist [broken-link]\n"
    );
}

#[test]
fn completions_and_manual_page() {
    let bash = stdout(&sot(&repo(), &["completions", "bash"]));
    assert!(bash.contains("_sot()") && bash.contains("--stdin-filename"));
    let man = stdout(&sot(&repo(), &["man"]));
    assert!(man.contains(".TH sot 1") && man.contains("lint"));
}

/// GitHub lowercases `İ` to `i` plus U+0307 and keeps the mark in the slug, so `#ilgili`
/// misses the heading `İlgili`; the help names the invisible mark and spells it out.
#[test]
fn anchor_help_names_an_invisible_combining_mark() {
    let dir = workspace(&[("tr.md", "# Karar\n\n## İlgili\n\nBkz. [ilgili](#ilgili).\n")]);
    let (v, _) = json(dir.path(), &[]);
    assert_eq!(
        v["diagnostics"][0]["help"],
        "did you mean `#i\u{307}lgili`? It holds U+0307, a combining mark you cannot see; \
         write it `#i%CC%87lgili`"
    );
}

/// The registry commands print titles, fields and body lines, and `sot index --check`
/// prints document lines: none of them shows a credential written there.
#[test]
fn registry_commands_and_index_diffs_mask_secrets() {
    let dir = workspace(&[
        (
            "SoT.RUNBOOKS.md",
            "---
id_prefix: RUN
---
# Runbooks

<!-- sot:index start -->
<!-- sot:index end -->

## RUN-001: Rotate ghs_Q9VFeJSyQdWdLhsVqgS68BbzETFTPDWFzCw3

**ID**: RUN-001
**Status**: Active
**API Token**: GbqtI8f70NOKwt2VGdkpK4Yz7j3lZXeUEqVsxzLy

The replica's key:

-----BEGIN OPENSSH PRIVATE KEY-----
C3s/LjEb770Vrk17p6ErFvcchlkjhgCfdOk719Kjp4A+GLzAb4aYOW2jweGja1gX
TnkJp+PNvGRNU8UITx+THncv6hpsOiiRvZ+C6RT6geYB9pYZ2zpwai9+FwY6UTNI
bw5kJ32w6bIVb4rmnFDizUw4ccsC2SsVMMHHExACtMcyHHUaULMSBPSJhtvnW+Hc
-----END OPENSSH PRIVATE KEY-----
",
        ),
        (
            "notes.md",
            "# Notes\n\nSee [RUN-001](SoT.RUNBOOKS.md#run-001).\n",
        ),
    ]);
    let runs: &[&[&str]] = &[
        &["registry"],
        &["registry", "--format", "json"],
        &["show", "RUN-001"],
        &["show", "RUN-001", "--format", "json"],
        &["refs", "RUN-001"],
        &["anchors", "SoT.RUNBOOKS.md"],
        &["anchors", "SoT.RUNBOOKS.md", "--format", "json"],
        &["graph", "--by", "id"],
        &["index", "--check"],
    ];
    for args in runs {
        let o = sot(dir.path(), args);
        let out = stdout(&o);
        assert!(
            out.contains("RUN-001") || out.contains("notes.md:3:6"),
            "{args:?}: {out}"
        );
        assert_eq!(leaked_piece(&out), None, "{args:?} prints a secret:\n{out}");
    }
    let show = stdout(&sot(dir.path(), &["show", "RUN-001"]));
    assert!(show.contains("API Token: ****"), "{show}");
    assert!(
        show.contains("-----BEGIN OPENSSH PRIVATE KEY-----"),
        "{show}"
    );
}

/// A mistyped rule name, an ID in the wrong case or an ID only referenced: every
/// command says what was probably meant.
#[test]
fn mistyped_names_and_ids_get_a_did_you_mean() {
    let dir = workspace(&[
        (
            "SoT.RUNBOOKS.md",
            "---\nid_prefix: RUN\n---\n# Runbooks\n\n## RUN-001: Cache flush\n\n**ID**: RUN-001\n**Status**: Active\n",
        ),
        (
            "notes.md",
            "# Notes\n\nAfter [RUN-001](SoT.RUNBOOKS.md#run-001-cache-flush), run RUN-003.\n",
        ),
    ]);
    let err = |args: &[&str]| {
        let o = sot(dir.path(), args);
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let rule_typo = "sot: no rule named `broken-links`; did you mean `broken-link`?\n";
    assert_eq!(
        err(&["lint", "--select", "broken-links"]),
        (Some(2), rule_typo.into())
    );
    assert!(err(&["lint", "--ignore", "Broken_Link"])
        .1
        .contains("did you mean `broken-link`?"));
    assert_eq!(
        err(&["explain", "broken-links"]),
        (Some(2), rule_typo.into())
    );
    assert_eq!(
        err(&["show", "run-001"]),
        (
            Some(1),
            "sot: no entry defines `run-001`; did you mean `RUN-001`? IDs are case-sensitive\n"
                .into()
        )
    );
    assert_eq!(
        err(&["show", "RUN-003"]),
        (
            Some(1),
            "sot: no entry defines `RUN-003`, though 1 place references it: `sot refs RUN-003` lists them\n".into()
        )
    );
    assert_eq!(
        err(&["show", "RUN-010"]),
        (
            Some(1),
            "sot: no entry defines `RUN-010`; did you mean `RUN-001`?\n".into()
        )
    );
    assert_eq!(
        stdout(&sot(dir.path(), &["refs", "RUN-003"])),
        "notes.md:3:59: mention\n"
    );
    std::fs::write(
        dir.path().join("sot.toml"),
        "[rules]\nbroken-links = \"warn\"\n",
    )
    .unwrap();
    let (code, config_err) = err(&["lint"]);
    assert_eq!(code, Some(2));
    assert!(
        config_err.contains("unknown rule `broken-links`"),
        "{config_err}"
    );
    assert!(
        config_err.contains("did you mean `broken-link`?"),
        "{config_err}"
    );
}

/// What users of ruff and rumdl expect: `sot check` is `sot lint`, a run that checked
/// nothing says so, statistics come as JSON when asked, a report file that cannot be
/// written is named, and concise output on a terminal ends with the count.
#[test]
fn conventions_of_other_linters_hold() {
    let seeds = fixture("seeds");
    let lint = sot(&seeds, &["lint", "--format", "concise"]);
    let check = sot(&seeds, &["check", "--format", "concise"]);
    assert_eq!(
        (check.status.code(), check.stdout),
        (lint.status.code(), lint.stdout)
    );

    let empty = workspace(&[]);
    let o = sot(empty.path(), &["lint", "--format", "concise"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "");
    let root = empty.path().canonicalize().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!(
            "sot: warning: no Markdown files to check under {}\n",
            root.display()
        )
    );
    let quiet = sot(empty.path(), &["lint", "--quiet"]);
    assert_eq!(quiet.stderr, b"");

    let o = sot(&seeds, &["lint", "--statistics", "--format", "json"]);
    let counts: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let text = stdout(&sot(&seeds, &["lint", "--statistics"]));
    assert_eq!(counts.as_array().unwrap().len(), text.lines().count());
    assert_eq!(counts[0]["rule"], "placeholder");
    assert_eq!(counts[0]["severity"], "error");
    assert!(counts[0]["count"].as_u64().unwrap() > 0);
    let sarif = sot(&seeds, &["lint", "--statistics", "--format", "sarif"]);
    assert_eq!(sarif.status.code(), Some(2));

    let o = sot(&seeds, &["lint", "-o", "no-such-folder/report.txt"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "sot: cannot write the report to no-such-folder/report.txt: No such file or directory (os error 2)\n"
    );

    // `script` gives sot a terminal for standard output.
    let tty = Command::new("script")
        .args([
            "-qec",
            &format!("{} lint --format concise", env!("CARGO_BIN_EXE_sot")),
            "/dev/null",
        ])
        .current_dir(fixture("rules").join("broken-link"))
        .output()
        .expect("script (util-linux) runs");
    let shown = String::from_utf8_lossy(&tty.stdout).replace("\r\n", "\n");
    let last = shown.lines().last().unwrap_or_default().to_string();
    assert!(last.ends_with("checked)"), "{shown}");
    assert!(last.contains("error"), "{shown}");
}

/// `--config FILE` reads another file, `--no-config` none, and `sot config` says which
/// file it read, as a comment that keeps its output a valid `sot.toml`.
#[test]
fn config_and_no_config_choose_the_settings_file() {
    let dir = workspace(&[("notes.md", "# Notes\n\nSee [gone](gone.md).\n")]);
    write(dir.path(), "sot.toml", b"[rules]\nbroken-link = \"off\"\n");
    write(
        dir.path(),
        "ci/strict.toml",
        b"[rules]\nbroken-link = \"warning\"\n",
    );
    write(
        dir.path(),
        "ci/broken.toml",
        b"[rules]\nbroken-link = \"loud\"\n",
    );
    let concise = |args: &[&str]| {
        let o = sot(dir.path(), args);
        (
            o.status.code(),
            stdout(&o),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    assert_eq!(
        concise(&["lint", "--format", "concise"]),
        (Some(0), String::new(), String::new())
    );
    let warned = "notes.md:3:12: warning: link target `gone.md` does not exist [broken-link]\n";
    assert_eq!(
        concise(&["lint", "--format", "concise", "--config", "ci/strict.toml"]),
        (Some(0), warned.to_string(), String::new())
    );
    let errored = "notes.md:3:12: error: link target `gone.md` does not exist [broken-link]\n";
    assert_eq!(
        concise(&["--no-config", "lint", "--format", "concise"]),
        (Some(1), errored.to_string(), String::new())
    );
    let (code, _, err) = concise(&["lint", "--config", "ci/broken.toml"]);
    assert_eq!(code, Some(2));
    assert!(
        err.starts_with("ci/broken.toml:2:15: error: unknown variant `loud`"),
        "{err}"
    );
    let (code, _, err) = concise(&["lint", "--config", "ci/missing.toml"]);
    assert_eq!(code, Some(2));
    assert!(
        err.starts_with("sot: cannot read ci/missing.toml: "),
        "{err}"
    );
    let (code, _, err) = concise(&["lint", "--config", "ci/strict.toml", "--no-config"]);
    assert_eq!(code, Some(2), "{err}");

    let root = dir.path().canonicalize().unwrap();
    let (_, printed, _) = concise(&["config"]);
    assert_eq!(
        printed.lines().next().unwrap(),
        format!("# read from {}", root.join("sot.toml").display())
    );
    assert!(printed.contains("broken-link = \"off\""), "{printed}");
    let (_, printed, _) = concise(&["config", "--config", "ci/strict.toml"]);
    assert!(printed.contains("broken-link = \"warning\""), "{printed}");
    let (_, printed, _) = concise(&["config", "--no-config"]);
    assert_eq!(
        printed.lines().next().unwrap(),
        "# no configuration file read: every setting at its default"
    );
    // What `sot config` prints is a configuration `--config` reads back.
    write(dir.path(), "printed.toml", printed.as_bytes());
    assert_eq!(concise(&["config", "--config", "printed.toml"]).0, Some(0));
}

/// Every page sot(1) names exists: `sot man --dir` writes them all, and `sot man
/// COMMAND` prints the same page.
#[test]
fn man_writes_every_page_sot_1_names() {
    let dir = tempfile::tempdir().unwrap();
    let o = sot(dir.path(), &["man", "--dir", "."]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let main_page = read(dir.path(), "sot.1");
    assert_eq!(stdout(&sot(dir.path(), &["man"])), main_page);
    let named = regex::Regex::new(r"(?m)^sot\\-([a-z]+)\(1\)$").unwrap();
    let commands: Vec<&str> = named
        .captures_iter(&main_page)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    assert!(
        commands.contains(&"lint") && commands.contains(&"index"),
        "{main_page}"
    );
    for command in commands {
        let page = read(dir.path(), &format!("sot-{command}.1"));
        assert!(page.contains(&format!(".TH sot-{command} 1")), "{page}");
        assert!(page.contains(env!("CARGO_PKG_VERSION")), "{page}");
        assert_eq!(stdout(&sot(dir.path(), &["man", command])), page);
    }
    let o = sot(dir.path(), &["man", "lnt"]);
    assert_eq!(o.status.code(), Some(2));
}

/// A link that differs from a file only in letter case gets a target that can be
/// pasted over it: relative to the linking document, its fragment kept.
#[test]
fn case_mismatch_help_is_a_target_to_paste() {
    let dir = workspace(&[
        ("docs/guides/Rollout.md", "# Rollout\n\n## Steps\n"),
        (
            "docs/runbooks/cache.md",
            "# Cache\n\nSee [the rollout](../guides/rollout.md#steps).\n",
        ),
    ]);
    let (v, code) = json(dir.path(), &[]);
    assert_eq!(code, 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["rule"], "broken-link");
    assert_eq!(
        d["help"],
        "did you mean `../guides/Rollout.md#steps`? Paths are case-sensitive on GitHub"
    );
}
