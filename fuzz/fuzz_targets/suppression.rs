//! Suppression comments: whatever `sot-` comments a document carries, they only take
//! findings away (never add or move one), and every finding about a comment points at
//! a line that holds one.
//!
//! The input picks, byte by byte, the words of comments (directives, rule names, their
//! misspellings, separators) placed on the blank lines of a registry with a finding of
//! most rules and at the ends of its prose lines; line numbers stay the same, so the
//! findings with and without the comments compare as they are.
#![no_main]

use std::collections::BTreeSet;

use libfuzzer_sys::fuzz_target;
use sot_lint::{lint, Context, Diagnostic, Selection, Settings, RULES};
use sot_registry::{FileTree, Registry, Workspace};
use sot_syntax::Document;

const REGISTRY: &str = "---
title: Deployments
id_prefix: DEP
---
# Deployments

## DEP-001: {Procedure name}

**ID**: DEP-001
**Status**: Active

See [RUN-404](SoT.RUNBOOKS.md#run-404) and DEP-999, due YYYY-MM-DD.

## DEP-001: Twin

**ID**: DEP-002

Read [the guide](missing.md), [this](#nowhere) and DEP-001.

token: ghp_4N7qX2vLm9PzR8sT1wY6uK3jH5gF0dCbA2eE
";

const WORDS: &[&str] = &[
    "sot-disable-next-line",
    "sot-disable-line",
    "sot-disable-file",
    "sot-disable",
    "sot-enable",
    "sot-disabel",
    "sot-",
    "SOT-DISABLE",
    " ",
    ",",
    ", ",
    "\t",
    "--",
    "-",
    "all",
    "broken-lnk",
    "Placeholder",
];

/// The comment the input's bytes spell, one word per byte.
fn comment(bytes: &[u8]) -> String {
    let words = WORDS.len() + RULES.len();
    let body: String = bytes
        .iter()
        .map(|&b| match usize::from(b) % words {
            i if i < WORDS.len() => WORDS[i],
            i => RULES[i - WORDS.len()].name,
        })
        .collect();
    format!("<!-- {body} -->")
}

fn findings(text: String) -> Vec<Diagnostic> {
    let mut tree = FileTree::default();
    tree.add_file("SoT.DEPLOY.md");
    let ws = Workspace::new(vec![Document::parse("SoT.DEPLOY.md", text)], tree);
    let settings = Settings::default();
    let reg = Registry::build(&ws, &settings.id_config());
    let ctx = Context::new(&ws, &reg, &settings, None);
    let selection = Selection::new(None, &[]).expect("no names to check");
    lint(&ctx, &selection)
}

type Place = (&'static str, usize, usize, usize, usize, String);

fn place(d: &Diagnostic) -> Place {
    let at = (d.line, d.column, d.end_line, d.end_column);
    (d.rule, at.0, at.1, at.2, at.3, d.message.clone())
}

fn about_comments(rule: &str) -> bool {
    matches!(rule, "invalid-suppression" | "unused-suppression")
}

fuzz_target!(|data: &[u8]| {
    let mut comments = data.split(|&b| b == 0xff).map(comment);
    let mut lines_with_comments = BTreeSet::new();
    let mut text = String::new();
    let body_start = REGISTRY
        .match_indices("---\n")
        .nth(1)
        .map_or(0, |(i, _)| i + 4);
    let mut offset = 0;
    for (i, line) in REGISTRY.lines().enumerate() {
        let prose = offset >= body_start && !line.is_empty() && !line.starts_with(['#', '*']);
        offset += line.len() + 1;
        text.push_str(line);
        if offset > body_start && (line.is_empty() || prose) {
            if let Some(c) = comments.next() {
                if prose {
                    text.push(' ');
                }
                text.push_str(&c);
                lines_with_comments.insert(i + 1);
            }
        }
        text.push('\n');
    }
    let before: BTreeSet<Place> = findings(REGISTRY.to_string()).iter().map(place).collect();
    for d in findings(text.clone()) {
        if about_comments(d.rule) {
            assert!(lines_with_comments.contains(&d.line), "{d:?}\n{text}");
        } else {
            assert!(before.contains(&place(&d)), "a comment added {d:?}\n{text}");
        }
    }
});
