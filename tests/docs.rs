//! Every `sot` command README.md and docs/ show, in code blocks and in code spans, is
//! run against the real binary, so the examples cannot drift from the command line:
//! a literal command must run (exit 0 or 1) in a workspace holding what the examples
//! name; a synopsis (`sot show ID [--format text|json]`) must name a command that
//! exists and only options that command accepts.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A command as the docs show it, and where.
struct Shown {
    place: String,
    command: String,
    /// In a code span of prose, where `sot new` may name the command rather than run it.
    in_prose: bool,
}

/// The documents whose commands are checked.
fn documents() -> Vec<PathBuf> {
    let mut out = vec![repo().join("README.md")];
    for dir in ["docs", "docs/rules"] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(repo().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        found.sort();
        out.extend(found);
    }
    out
}

/// `sot ...` lines of shell and console blocks (after a `$ ` prompt in console ones)
/// and `sot ...` code spans elsewhere, each cut before a pipe, a redirection or a
/// trailing comment.
fn shown_commands() -> Vec<Shown> {
    let span = regex::Regex::new(r"`(sot [^`]+)`").unwrap();
    let mut out = Vec::new();
    for path in documents() {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.strip_prefix(repo()).unwrap().display().to_string();
        let mut block: Option<String> = None;
        for (i, line) in text.lines().enumerate() {
            let place = format!("{name}:{}", i + 1);
            let trimmed = line.trim_start();
            if let Some(info) = trimmed.strip_prefix("```") {
                block = match block {
                    Some(_) => None,
                    None => Some(info.trim().to_string()),
                };
                continue;
            }
            let command = match block.as_deref() {
                Some("sh" | "bash" | "shell" | "console" | "") => trimmed
                    .strip_prefix("$ ")
                    .unwrap_or(trimmed)
                    .starts_with("sot ")
                    .then(|| trimmed.strip_prefix("$ ").unwrap_or(trimmed).to_string()),
                Some(_) => None,
                None => {
                    for c in span.captures_iter(line) {
                        out.push(Shown {
                            place: place.clone(),
                            command: c[1].to_string(),
                            in_prose: true,
                        });
                    }
                    None
                }
            };
            if let Some(command) = command {
                out.push(Shown {
                    place,
                    command,
                    in_prose: false,
                });
            }
        }
    }
    for shown in &mut out {
        let mut c = shown.command.as_str();
        for cut in ["  #", " # ", " | ", " > "] {
            if let Some(i) = c.find(cut) {
                c = &c[..i];
            }
        }
        shown.command = c.trim().to_string();
    }
    out
}

/// Whether a command is a synopsis: placeholders in capitals, optional parts in
/// brackets, alternatives, or `...`.
fn is_synopsis(words: &[String]) -> bool {
    words.iter().any(|w| {
        w.contains(['[', ']', '|'])
            || w.contains("...")
            || (w.len() <= 12
                && w.starts_with(|c: char| c.is_ascii_uppercase())
                && w.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
    })
}

fn sot(dir: &Path, args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sot"))
        .args(args)
        .current_dir(dir)
        .env_remove("SOT_FORMAT")
        .output()
        .unwrap()
}

/// A repository holding what the examples name: the index fixture's registry and
/// runbooks, the files and IDs the README uses, a stricter CI configuration, and an
/// `origin/main` to compare against.
fn example_repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::copy_dir(&repo().join("fixtures/index"), root);
    // The root is the repository's top; without a sot.toml `sot init` has one to write.
    std::fs::remove_file(root.join("sot.toml")).unwrap();
    common::write(
        root,
        "SoT.PLAYBOOK.md",
        b"---\nid_prefix: DEP\n---\n# Playbook\n\n## DEP-014: Blue/green rollout\n\n**ID**: DEP-014\n**Status**: Active\n\nFollow RUN-007 when it fails.\n",
    );
    common::write(root, "docs/runbooks/a.md", b"# A\n\nSee DEP-014.\n");
    common::write(root, "path/of/the/file.md", b"# File\n");
    common::write(
        root,
        "ci/strict.toml",
        b"[rules]\nplaceholder = \"error\"\n",
    );
    common::git(root, &["init", "-q"]);
    common::git(root, &["add", "-A"]);
    common::git(root, &["commit", "-qm", "examples"]);
    common::git(root, &["update-ref", "refs/remotes/origin/main", "HEAD"]);
    dir
}

#[test]
fn every_command_the_docs_show_runs() {
    let shown = shown_commands();
    assert!(shown.len() >= 50, "{} commands found", shown.len());
    let mut problems = Vec::new();
    let mut ran = 0;
    for Shown {
        place,
        command,
        in_prose,
    } in &shown
    {
        let words = match shell_words::split(command) {
            Ok(words) => words,
            Err(e) => {
                problems.push(format!("{place}: `{command}`: {e}"));
                continue;
            }
        };
        let args = &words[1..];
        // The language server waits for an editor on its input: it is named, not run.
        let serves = args.iter().any(|a| a == "server");
        if !is_synopsis(args) && !serves {
            let dir = example_repository();
            let o = sot(dir.path(), args);
            let stderr = String::from_utf8_lossy(&o.stderr);
            // Prose names a command (`sot new`) without the arguments it needs to run.
            let named_only = *in_prose && stderr.contains("required arguments were not provided");
            if !named_only {
                ran += 1;
                if !matches!(o.status.code(), Some(0 | 1)) {
                    problems.push(format!(
                        "{place}: `{command}` exited {:?}: {}",
                        o.status.code(),
                        stderr.trim()
                    ));
                }
                continue;
            }
        }
        let Some(sub) = args.first().filter(|a| !a.starts_with('-')) else {
            continue;
        };
        let help = sot(&repo(), &[sub.clone(), "--help".into()]);
        if !help.status.success() {
            problems.push(format!("{place}: `{command}`: no command `{sub}`"));
            continue;
        }
        let help = String::from_utf8_lossy(&help.stdout).into_owned();
        for option in args.iter().flat_map(|a| a.split(['[', ']', '|', '='])) {
            if option.starts_with("--") && !help.contains(option) {
                problems.push(format!("{place}: `{command}`: `{sub}` has no {option}"));
            }
        }
    }
    assert!(ran >= 30, "only {ran} commands ran");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
