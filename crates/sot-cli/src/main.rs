//! `sot`: lint and index Source-of-Truth Markdown documents.

mod render;
mod workspace;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use render::{Format, Summary};
use sot_lint::{Context, Schema, Severity, RULES};
use sot_registry::Registry;

#[derive(Parser)]
#[command(
    name = "sot",
    version,
    about = "Lint and index Source-of-Truth Markdown documents"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check the workspace (or only the named files and folders) for broken links,
    /// anchors and IDs, missing fields and placeholders
    Lint {
        /// Files or folders to report on; the whole workspace is still indexed
        paths: Vec<PathBuf>,
        /// Output format [default: human on a terminal, concise otherwise]
        #[arg(long, value_enum)]
        format: Option<Format>,
    },
    /// List every rule with its default severity and summary
    Rules,
    /// Print the documentation of one rule
    Explain {
        /// A rule name, e.g. broken-anchor
        rule: String,
    },
}

/// Exit codes: 0 clean, 1 findings of error severity, 2 `sot` could not do its job.
#[derive(Clone, Copy)]
enum Exit {
    Clean = 0,
    Findings = 1,
    Failure = 2,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let exit = match cli.command {
        Command::Lint { paths, format } => lint(&paths, format),
        Command::Rules => rules(),
        Command::Explain { rule } => explain(&rule),
    };
    ExitCode::from(exit as u8)
}

fn fail(message: impl std::fmt::Display) -> Exit {
    eprintln!("sot: {message}");
    Exit::Failure
}

fn lint(paths: &[PathBuf], format: Option<Format>) -> Exit {
    let cwd = match std::env::current_dir() {
        Ok(d) => d,
        Err(e) => return fail(format!("cannot read the current directory: {e}")),
    };
    let mut absolute = Vec::new();
    for p in paths {
        let abs = cwd.join(p);
        match abs.canonicalize() {
            Ok(a) => absolute.push(a),
            Err(e) => return fail(format!("{}: {e}", p.display())),
        }
    }
    let start = absolute.first().map_or(cwd.clone(), |p| {
        if p.is_dir() {
            p.clone()
        } else {
            p.parent().unwrap_or(p).to_path_buf()
        }
    });
    let root = workspace::find_root(&start, &cwd);
    let root = root.canonicalize().unwrap_or(root);
    let mut named_files = Vec::new();
    let mut named_dirs = Vec::new();
    for (abs, p) in absolute.iter().zip(paths) {
        let Some(rel) = workspace::relative(&root, abs) else {
            return fail(format!(
                "{} is outside the workspace root {}",
                p.display(),
                root.display()
            ));
        };
        if abs.is_dir() {
            named_dirs.push(rel);
        } else {
            named_files.push(rel);
        }
    }
    let ws = workspace::load(&root, &named_files);
    let reg = Registry::build(&ws, &[]);
    let schema = Schema::default();
    let targets: Option<Vec<usize>> = (!paths.is_empty()).then(|| {
        ws.docs
            .iter()
            .enumerate()
            .filter(|(_, d)| {
                named_files.contains(&d.path)
                    || named_dirs
                        .iter()
                        .any(|dir| dir.is_empty() || d.path.starts_with(&format!("{dir}/")))
            })
            .map(|(i, _)| i)
            .collect()
    });
    let checked = targets.as_ref().map_or(ws.docs.len(), Vec::len);
    let ctx = Context::new(&ws, &reg, &schema, targets.as_deref());
    let diags = sot_lint::lint(&ctx);
    let summary = Summary::new(&diags, checked);
    let stdout = std::io::stdout();
    let terminal = stdout.is_terminal();
    let format = format.unwrap_or(if terminal {
        Format::Human
    } else {
        Format::Concise
    });
    let color = terminal && std::env::var_os("NO_COLOR").is_none();
    let mut out = stdout.lock();
    if let Err(e) =
        render::render(&mut out, format, &diags, &ws, &summary, color).and_then(|()| out.flush())
    {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return fail(format!("cannot write the report: {e}"));
        }
    }
    if diags.iter().any(|d| d.severity == Severity::Error) {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

fn rules() -> Exit {
    let width = RULES.iter().map(|r| r.name.len()).max().unwrap_or(0);
    for r in RULES {
        println!(
            "{:width$}  {:7}  {}",
            r.name,
            r.severity.as_str(),
            r.summary()
        );
    }
    Exit::Clean
}

fn explain(name: &str) -> Exit {
    match RULES.iter().find(|r| r.name == name) {
        Some(r) => {
            println!("# {} ({})\n\n{}", r.name, r.severity, r.doc());
            Exit::Clean
        }
        None => fail(format!("no rule named `{name}`; `sot rules` lists them")),
    }
}
