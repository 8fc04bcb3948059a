//! `sot`: lint and index Source-of-Truth Markdown documents.

// Every write to the standard streams goes through `output`, which a closed pipe
// cannot make panic.
#![deny(clippy::print_stdout, clippy::print_stderr)]

#[macro_use]
mod output;
mod cache;
mod changes;
mod ci_formats;
mod detect;
mod fix;
mod git;
mod mv;
mod queries;
mod rename;
mod render;
mod server;
mod workspace;
mod write;

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use render::{Format, Summary};
use sot_lint::{Context, Settings, Severity, RULES};
use sot_registry::{allocate, graph, index, Registry, Workspace};

#[derive(Parser)]
#[command(
    name = "sot",
    version,
    propagate_version = true,
    about = "Lint and index Source-of-Truth Markdown documents"
)]
struct Cli {
    /// Read the configuration from FILE instead of sot.toml at the workspace root
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Read no configuration file: every setting at its default
    #[arg(long, global = true, conflicts_with = "config")]
    no_config: bool,
    #[command(subcommand)]
    command: Command,
}

/// Where the settings come from, as the command line says.
enum ConfigSource {
    /// `sot.toml` at the workspace root, when there is one.
    Root,
    /// `--config FILE` (absolute), which must exist.
    File(PathBuf),
    /// `--no-config`.
    Defaults,
}

/// Set once from the command line, before any command reads settings.
static CONFIG_SOURCE: std::sync::OnceLock<ConfigSource> = std::sync::OnceLock::new();

#[derive(Subcommand)]
enum Command {
    /// Check the workspace (or only the named files and folders) for broken links,
    /// anchors and IDs, missing fields and placeholders
    #[command(visible_alias = "check")]
    Lint {
        /// Files or folders to report on; the whole workspace is still indexed
        paths: Vec<PathBuf>,
        #[command(flatten)]
        options: LintOptions,
        /// Run only these rules (comma-separated)
        #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
        select: Option<Vec<String>>,
        /// Skip these rules (comma-separated)
        #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
        ignore: Vec<String>,
        /// Also report IDs this branch defines that REV (e.g. origin/main) defined
        /// differently since the branches forked
        #[arg(long, value_name = "REV")]
        against: Option<String>,
    },
    /// Regenerate the index blocks between `<!-- sot:index start -->` and
    /// `<!-- sot:index end -->` markers
    Index {
        /// Files or folders whose blocks to regenerate (default: the whole workspace)
        paths: Vec<PathBuf>,
        /// Write nothing; print a diff and exit 1 when a block is stale
        #[arg(long)]
        check: bool,
    },
    /// Add an entry with the next free number of a prefix and print its ID
    New {
        /// The ID prefix, e.g. DEP
        prefix: String,
        /// The entry's title
        #[arg(long)]
        title: String,
        /// The file to add it to (default: the file that declares the prefix)
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Move a document or folder inside the workspace, rewriting every relative link
    /// to and from what moved so each still reaches the same file
    #[command(after_help = "\
FROM may be any file or folder of the workspace (a folder moves with everything in it). \
TO is its new path, or an existing folder to move it into, as with `mv`; a TO ending \
in `/` is a folder, created if missing, as are the destination's parent folders.

Links to what moved (inline, images, reference definitions, HTML href/src) and the \
relative links inside the moved documents are rewritten as they were written \
(relative, `./`, percent-encoding, query and fragment kept); links that still work \
are left alone.

Nothing is changed (exit 2) when the destination exists, when FROM or TO is outside \
the workspace, when a folder would move into itself, when FROM is a symlink or a \
symlink would stop leading where it does, or when a file to rewrite or a folder to \
change cannot be written. The edited documents are written first, then FROM moves \
with one rename; docs/behaviour.md (Moving files) says what a run killed midway \
leaves. --dry-run prints the move and the diff, and changes nothing.")]
    Mv {
        /// The file or folder to move
        from: PathBuf,
        /// The new path, or an existing folder to move FROM into
        to: PathBuf,
        /// Print what would move and the diff of the rewritten links; change nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Give an entry a new ID everywhere the workspace names it
    ///
    /// Its heading and `**ID**` field, every link text and bare mention, the reference
    /// labels that spell it, the link fragments that led to a heading the rename moves,
    /// and the index blocks that list it: written together, or not at all. Code spans
    /// and code blocks hold no references and stay as they are.
    Rename {
        /// The entry's ID now, e.g. DEP-003
        #[arg(value_name = "OLD-ID")]
        old: String,
        /// The ID to give it: defined nowhere, referenced nowhere, in no range another
        /// file reserves, and not used on another branch
        #[arg(value_name = "NEW-ID")]
        new: String,
        /// Write nothing; print the diff of what would change
        #[arg(long)]
        dry_run: bool,
    },
    /// Print every ID: where it is defined, its fields and its references
    Registry {
        #[arg(long, value_enum, default_value = "text")]
        format: queries::QueryFormat,
    },
    /// Show one entry: where it is defined, its fields and the start of its body
    Show {
        /// An ID, e.g. DEP-014
        id: String,
        #[arg(long, value_enum, default_value = "text")]
        format: queries::QueryFormat,
    },
    /// List every place that references an ID (its backlinks)
    Refs {
        /// An ID, e.g. RUN-007
        id: String,
        #[arg(long, value_enum, default_value = "text")]
        format: queries::QueryFormat,
    },
    /// List the anchors a file offers, as they must be written in a link
    Anchors {
        /// A Markdown file of the workspace
        file: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: queries::QueryFormat,
    },
    /// Print the reference graph: which files (or entries) refer to which
    Graph {
        #[arg(long, value_enum, default_value = "mermaid")]
        format: GraphFormat,
        /// Nodes are files, or entry IDs
        #[arg(long, value_enum, default_value = "file")]
        by: GraphBy,
    },
    /// Print the resolved configuration (sot.toml with every default filled in)
    Config {
        /// Print the JSON Schema of sot.toml instead, for editor completion
        #[arg(long)]
        schema: bool,
    },
    /// Write a starting sot.toml, with comments, at the workspace root (the nearest
    /// folder up holding .git, else the current one)
    Init,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions { shell: clap_complete::Shell },
    /// Print a manual page (roff): sot(1), or a command's (`sot man lint` is
    /// sot-lint(1)); `--dir DIR` writes them all
    Man {
        /// The command whose page to print
        command: Option<String>,
        /// Write sot.1 and every sot-COMMAND.1 into DIR
        #[arg(long, value_name = "DIR", conflicts_with = "command")]
        dir: Option<PathBuf>,
    },
    /// Run the language server over standard input and output, for editors
    /// (docs/editors.md)
    Server,
    /// List every rule with its default severity and summary
    Rules,
    /// Print the documentation of one rule
    Explain {
        /// A rule name, e.g. broken-anchor
        rule: String,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// How `sot lint` reports and exits.
#[derive(clap::Args)]
struct LintOptions {
    /// Output format [default: human on a terminal, concise otherwise]
    // The last `--format` (and `-o`) wins, as a wrapper that sets one must let the
    // user's own follow it.
    #[arg(long, value_enum, env = "SOT_FORMAT", overrides_with = "format")]
    format: Option<Format>,
    /// Write the report to FILE instead of standard output
    #[arg(short, long, value_name = "FILE", overrides_with = "output")]
    output: Option<PathBuf>,
    /// Print only the findings: no summary line, no notes
    #[arg(short, long)]
    quiet: bool,
    /// Print the number of findings per rule instead of the findings
    #[arg(long)]
    statistics: bool,
    /// Exit 1 on warnings too
    #[arg(long)]
    deny_warnings: bool,
    /// Exit 0 even when there are findings (2 still means sot could not run)
    #[arg(long)]
    exit_zero: bool,
    /// Lint standard input as if it were the file at PATH (an editor's unsaved
    /// buffer), resolved against the workspace on disk
    #[arg(long, value_name = "PATH", conflicts_with = "paths")]
    stdin_filename: Option<PathBuf>,
    /// Colour in human output: auto (a terminal without NO_COLOR), always, never
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    /// Neither read nor write the cache of parsed documents
    #[arg(long)]
    no_cache: bool,
    /// Keep the cache in DIR [default: .sot_cache at the workspace root]
    #[arg(long, value_name = "DIR", env = "SOT_CACHE_DIR")]
    cache_dir: Option<PathBuf>,
    /// Apply the fixes sot is sure of, then report what remains
    #[arg(long, conflicts_with = "stdin_filename")]
    fix: bool,
    /// With --fix or --diff, also apply likely fixes (the nearest anchor by spelling, an
    /// **ID** field set from its heading)
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print the fixes as a unified diff and write nothing; exit 1 when there is one
    #[arg(long, conflicts_with = "stdin_filename")]
    diff: bool,
}

impl LintOptions {
    /// Where the cache lives, unless it is off.
    fn cache(&self) -> Option<CacheDir> {
        if self.no_cache {
            return None;
        }
        Some(match &self.cache_dir {
            Some(dir) => CacheDir::Given(dir.clone()),
            None => CacheDir::AtRoot,
        })
    }
}

enum CacheDir {
    AtRoot,
    Given(PathBuf),
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum GraphFormat {
    /// a Mermaid flowchart (GitHub renders it in a ```mermaid block)
    Mermaid,
    /// Graphviz DOT
    Dot,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum GraphBy {
    File,
    Id,
}

/// Exit codes: 0 clean, 1 findings of error severity, 2 `sot` could not do its job.
#[derive(Clone, Copy)]
enum Exit {
    Clean = 0,
    Findings = 1,
    Failure = 2,
}

#[cfg(unix)]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let source = match (cli.config, cli.no_config) {
        (Some(file), _) => match std::path::absolute(&file) {
            Ok(abs) => ConfigSource::File(abs),
            Err(e) => {
                let exit = fail(format!("--config {}: {e}", file.display()));
                return ExitCode::from(exit as u8);
            }
        },
        (None, true) => ConfigSource::Defaults,
        (None, false) => ConfigSource::Root,
    };
    CONFIG_SOURCE.get_or_init(|| source);
    let exit = match cli.command {
        Command::Lint {
            paths,
            options,
            select,
            ignore,
            against,
        } => match sot_lint::Selection::new(select.as_deref(), &ignore) {
            Ok(selection) => lint(&paths, &options, &selection, against.as_deref()),
            Err(e) => fail(e),
        },
        Command::Index { paths, check } => index(&paths, check),
        Command::Registry { format } => {
            query(&[], |l| queries::registry(&l.ws, &l.reg, format).map(Ok))
        }
        Command::Show { id, format } => query(&[], |l| {
            let found = queries::show(&l.ws, &l.reg, &id, format)?;
            Ok(found
                .then_some(())
                .ok_or_else(|| queries::not_found(&l.reg, &id)))
        }),
        Command::Refs { id, format } => query(&[], |l| {
            let found = queries::refs(&l.ws, &l.reg, &id, format)?;
            Ok(found
                .then_some(())
                .ok_or_else(|| queries::not_found(&l.reg, &id)))
        }),
        Command::Anchors { file, format } => query(std::slice::from_ref(&file), |l| {
            match l.targets.as_deref() {
                Some([d]) => queries::anchors(&l.ws, *d, format).map(Ok),
                _ => Err(std::io::Error::other(format!(
                    "{} is not a Markdown document of the workspace",
                    file.display()
                ))),
            }
        }),
        Command::New {
            prefix,
            title,
            file,
        } => new(&prefix, &title, file.as_deref()),
        Command::Mv { from, to, dry_run } => mv::mv(&from, &to, dry_run),
        Command::Rename { old, new, dry_run } => rename(&old, &new, dry_run),
        Command::Graph { format, by } => query(&[], |l| {
            let by = match by {
                GraphBy::File => graph::By::File,
                GraphBy::Id => graph::By::Id,
            };
            let g = graph::build(&l.ws, &l.reg, by);
            let text = match format {
                GraphFormat::Mermaid => g.mermaid(),
                GraphFormat::Dot => g.dot(),
            };
            output::stdout().write_all(text.as_bytes()).map(Ok)
        }),
        Command::Config { schema: true } => {
            let schema = serde_json::to_string_pretty(&sot_lint::json_schema())
                .expect("a schema serialises");
            outln!("{schema}");
            Exit::Clean
        }
        Command::Config { schema: false } => query(&[], |l| {
            if let Some(note) = &l.note {
                errln!("{note}");
            }
            // A TOML comment, so the output stays a valid sot.toml.
            match &l.config_file {
                Some(file) => outln!("# read from {}", file.display()),
                None => outln!("# no configuration file read: every setting at its default"),
            }
            out!("{}", l.settings.to_toml());
            Ok(Ok(()))
        }),
        Command::Init => init(),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "sot", &mut output::stdout());
            Exit::Clean
        }
        Command::Man { command, dir } => man(command.as_deref(), dir.as_deref()),
        Command::Server => match server::serve() {
            Ok(()) => Exit::Clean,
            Err(e) => fail(e),
        },
        Command::Rules => rules(),
        Command::Explain { rule } => explain(&rule),
    };
    ExitCode::from(exit as u8)
}

fn fail(message: impl std::fmt::Display) -> Exit {
    errln!("sot: {message}");
    Exit::Failure
}

/// A loaded workspace with its registry, and the documents the user named.
struct Loaded {
    root: PathBuf,
    settings: Settings,
    ws: Workspace,
    reg: Registry,
    /// `None`: the whole workspace.
    targets: Option<Vec<usize>>,
    /// What `sot` says about the generator it detected, when `sot.toml` has no `[links]`.
    note: Option<String>,
    /// The configuration file read, if any.
    config_file: Option<PathBuf>,
    /// The cache the documents were loaded with, and how each file was seen.
    cache: Option<(cache::Cache, HashMap<String, cache::Seen>)>,
    /// Per document, what the rules read of the text it dropped (empty: none did).
    text_facts: Vec<Option<sot_lint::TextFacts>>,
}

/// The cache of the workspace at `root` read with `settings`, in `dir`; its records
/// only for a run that takes documents from it (one that does not parse them all).
fn open_cache(
    dir: &CacheDir,
    root: &std::path::Path,
    settings: &Settings,
    records: bool,
) -> cache::Cache {
    let dir = match dir {
        CacheDir::AtRoot => root.join(".sot_cache"),
        CacheDir::Given(dir) => dir.clone(),
    };
    // Everything that shapes the facts of a document is in the effective configuration.
    let key = serde_json::to_string(&settings.config).unwrap_or_default();
    cache::Cache::open(&dir, root, &key, records)
}

/// Loads the workspace around `path` with standard input standing in for that file,
/// which need not exist on disk yet.
fn load_stdin(path: &std::path::Path, cache_dir: Option<&CacheDir>) -> Result<Loaded, Exit> {
    let not_a_file = |why: &str| {
        fail(format!(
            "--stdin-filename {}: not the path of a file inside the workspace root ({why})",
            path.display()
        ))
    };
    // `.`, `..` and a trailing `/` name folders, whatever exists on disk.
    let written = path.to_string_lossy();
    let last = written.rsplit(['/', std::path::MAIN_SEPARATOR]).next();
    if matches!(last, Some("" | "." | "..")) {
        return Err(not_a_file("it names a folder"));
    }
    let cwd = std::env::current_dir()
        .map_err(|e| fail(format!("cannot read the current directory: {e}")))?;
    let abs = cwd.join(path);
    let (Some(parent), Some(name)) = (abs.parent(), abs.file_name()) else {
        return Err(not_a_file("it names a folder"));
    };
    // An editor's new buffer may sit in folders not created yet.
    let parent = real_folder(parent).map_err(|why| not_a_file(&why))?;
    let root = workspace::find_root(&parent, &cwd);
    let root = root.canonicalize().unwrap_or(root);
    // A saved symlink stands for its target, as in the walk.
    let file = abs.canonicalize().unwrap_or_else(|_| parent.join(name));
    if file.is_dir() {
        return Err(not_a_file("it is a folder"));
    }
    let rel = workspace::relative(&root, &file).ok_or_else(|| {
        fail(format!(
            "{} is outside the workspace root {}",
            path.display(),
            root.display()
        ))
    })?;
    let mut text = String::new();
    if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
        return Err(fail(format!("cannot read standard input: {e}")));
    }
    let (settings, note, config_file) = read_settings(&root)?;
    // The buffer is not the file on disk: the cache is read, never written.
    let cache = cache_dir.map(|dir| open_cache(dir, &root, &settings, true));
    let needs_text = |path: &str| path == rel || settings.is_template(path);
    let reuse = cache.as_ref().map(|cache| workspace::Reuse {
        cache,
        needs_text: &needs_text,
    });
    let mut ws = workspace::load(&root, &[], &settings, reuse, None).ws;
    // An excluded file stays excluded when an editor names it.
    if !settings.excludes(&rel) {
        ws.insert(sot_syntax::Document::parse(rel.clone(), text));
        ws.tree.add_file(&rel);
    }
    let reg = Registry::build(&ws, &settings.id_config());
    let targets = reg.doc_index(&rel).into_iter().collect();
    Ok(Loaded {
        root,
        settings,
        ws,
        reg,
        targets: Some(targets),
        note,
        config_file,
        cache: None,
        text_facts: Vec::new(),
    })
}

/// The real path of the folder `dir`, which need not exist yet: its nearest existing
/// ancestor with symlinks resolved, then the missing folders below it as written.
fn real_folder(dir: &std::path::Path) -> Result<PathBuf, String> {
    let existing = dir
        .ancestors()
        .find(|a| a.exists())
        .unwrap_or(std::path::Path::new("/"));
    let missing = dir
        .strip_prefix(existing)
        .unwrap_or(std::path::Path::new(""));
    if missing
        .components()
        .any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        return Err("it goes through a folder that does not exist".into());
    }
    let real = existing
        .canonicalize()
        .map_err(|e| format!("{}: {e}", existing.display()))?;
    Ok(real.join(missing))
}

/// Reads the settings: `sot.toml` at the root if there is one, the file `--config`
/// names, or none with `--no-config`; a mistake in the file stops the run. Without a
/// `[links]` section, the generator detected at the root gives it; the note says so.
/// Also returns the file read, if any.
fn read_settings(root: &std::path::Path) -> Result<ReadSettings, Exit> {
    settings_at(root).map_err(|e| {
        errln!("{e}");
        Exit::Failure
    })
}

/// The settings, the note on what was detected, and the file read.
type ReadSettings = (Settings, Option<String>, Option<PathBuf>);

/// [`read_settings`], with what went wrong as the lines to show.
fn settings_at(root: &std::path::Path) -> Result<ReadSettings, String> {
    let (path, required) = match CONFIG_SOURCE.get().unwrap_or(&ConfigSource::Root) {
        ConfigSource::Root => (Some(root.join("sot.toml")), false),
        ConfigSource::File(file) => (Some(file.clone()), true),
        ConfigSource::Defaults => (None, false),
    };
    let mut read_from = None;
    let settings = match &path {
        None => Settings::default(),
        Some(path) => {
            let shown =
                workspace::relative(root, path).unwrap_or_else(|| path.display().to_string());
            match workspace::read_text(path) {
                Ok(text) => {
                    read_from = Some(path.clone());
                    Settings::parse(&text).map_err(|e| {
                        let mut lines =
                            format!("{shown}:{}:{}: error: {}", e.line, e.column, e.message);
                        if let Some(help) = e.help {
                            lines.push_str(&format!("\n  help: {help}"));
                        }
                        lines
                    })?
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                    Settings::default()
                }
                Err(e) => return Err(format!("sot: cannot read {shown}: {e}")),
            }
        }
    };
    let (settings, note) = with_detected_links(root, settings);
    Ok((settings, note, read_from))
}

/// `settings` with the `[links]` of the generator detected at the root, when they have
/// none, and the note that says so.
fn with_detected_links(root: &std::path::Path, settings: Settings) -> (Settings, Option<String>) {
    if settings.writes_links() {
        return (settings, None);
    }
    let Some(detected) = detect::detect(root) else {
        return (settings, None);
    };
    match settings.clone().with_links(detected.links.clone()) {
        Ok(settings) => {
            let note = detected.note(&settings.config.links);
            (settings, Some(note))
        }
        Err(reason) => {
            let note = format!(
                "note: {}: links are checked as on GitHub: {reason}; write [links] in sot.toml",
                detected.source
            );
            (settings, Some(note))
        }
    }
}

/// The workspace root (found from the first path, else the current directory) and
/// `paths` made absolute.
fn locate(paths: &[PathBuf]) -> Result<(PathBuf, Vec<PathBuf>), Exit> {
    let cwd = std::env::current_dir()
        .map_err(|e| fail(format!("cannot read the current directory: {e}")))?;
    let mut absolute = Vec::new();
    for p in paths {
        let abs = cwd
            .join(p)
            .canonicalize()
            .map_err(|e| fail(format!("{}: {e}", p.display())))?;
        absolute.push(abs);
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
    Ok((root, absolute))
}

/// Locks the workspace `paths` lie in against other writers, for as long as the
/// returned lock lives; taken before the workspace is read.
fn lock_for_writing(paths: &[PathBuf]) -> Result<write::WorkspaceLock, Exit> {
    let (root, _) = locate(paths)?;
    write::lock_workspace(&root).map_err(fail)
}

/// [`load`], after locking the workspace against other writers when the command
/// `writes`; the lock is held while the returned guard lives.
fn load_to_write(
    paths: &[PathBuf],
    writes: bool,
) -> Result<(Option<write::WorkspaceLock>, Loaded), Exit> {
    let lock = writes.then(|| lock_for_writing(paths)).transpose()?;
    Ok((lock, load(paths)?))
}

/// The numbers of `prefix` that other branches use; none, with a note, when git
/// cannot tell.
fn numbers_on_other_branches(
    root: &std::path::Path,
    prefix: &str,
) -> std::collections::BTreeSet<u64> {
    git::numbers_on_branches(root, prefix).unwrap_or_else(|e| {
        errln!("sot: note: numbers on other branches were not checked ({e})");
        Default::default()
    })
}

/// Finds the root from the first path (or the current directory), loads and indexes
/// the whole workspace, and resolves `paths` to the documents to work on.
fn load(paths: &[PathBuf]) -> Result<Loaded, Exit> {
    load_cached(paths, None, false)
}

/// [`load`], with documents no finding is reported on from the cache in `cache_dir`.
fn load_cached(
    paths: &[PathBuf],
    cache_dir: Option<&CacheDir>,
    lean: bool,
) -> Result<Loaded, Exit> {
    let (root, absolute) = locate(paths)?;
    let mut named_files = Vec::new();
    let mut named_dirs = Vec::new();
    for (abs, p) in absolute.iter().zip(paths) {
        let rel = workspace::relative(&root, abs).ok_or_else(|| {
            fail(format!(
                "{} is outside the workspace root {}",
                p.display(),
                root.display()
            ))
        })?;
        if abs.is_dir() {
            named_dirs.push(rel);
        } else {
            named_files.push((rel, abs.clone()));
        }
    }
    let (settings, note, config_file) = read_settings(&root)?;
    // A run over the whole workspace parses every document: it decodes no record.
    let cache = cache_dir.map(|dir| open_cache(dir, &root, &settings, !paths.is_empty()));
    // Asked once per document: a hook may name thousands of staged files.
    let file_set: std::collections::HashSet<&str> =
        named_files.iter().map(|(rel, _)| rel.as_str()).collect();
    let dir_prefixes: Vec<String> = named_dirs.iter().map(|dir| format!("{dir}/")).collect();
    let is_target = |path: &str| {
        paths.is_empty()
            || file_set.contains(path)
            || dir_prefixes
                .iter()
                .any(|dir| dir == "/" || path.starts_with(dir.as_str()))
    };
    let needs_text = |path: &str| is_target(path) || settings.is_template(path);
    let reuse = cache.as_ref().map(|cache| workspace::Reuse {
        cache,
        needs_text: &needs_text,
    });
    let workspace::Loaded {
        ws,
        seen,
        text_facts,
    } = workspace::load(
        &root,
        &named_files,
        &settings,
        reuse,
        lean.then_some(&is_target as &workspace::IsTarget<'_>),
    );
    let reg = Registry::build(&ws, &settings.id_config());
    for t in &settings.config.templates {
        if reg.doc_index(&t.path).is_none() {
            return Err(fail(format!(
                "sot.toml: template `{}` is not a Markdown document of the workspace",
                t.path
            )));
        }
    }
    for d in settings.documents_matching_nothing(ws.docs.iter().map(|d| d.path.as_str())) {
        errln!(
            "warning: sot.toml: the [[documents]] block for `{}` matches no document (glob `{}`)",
            d.prefix,
            d.glob
        );
    }
    let targets: Option<Vec<usize>> = (!paths.is_empty()).then(|| {
        ws.docs
            .iter()
            .enumerate()
            .filter(|(_, d)| is_target(&d.path))
            .map(|(i, _)| i)
            .collect()
    });
    Ok(Loaded {
        root,
        settings,
        ws,
        reg,
        targets,
        note,
        config_file,
        cache: cache.map(|cache| (cache, seen)),
        text_facts,
    })
}

fn lint(
    paths: &[PathBuf],
    options: &LintOptions,
    selection: &sot_lint::Selection,
    against: Option<&str>,
) -> Exit {
    let fixing = options.fix || options.diff;
    let _lock = match (options.fix && !options.diff)
        .then(|| lock_for_writing(paths))
        .transpose()
    {
        Ok(lock) => lock,
        Err(exit) => return exit,
    };
    // Fixes edit documents whole, and the documents they change are parsed again: no
    // lean documents, no cache.
    let cache_dir = options.cache().filter(|_| !fixing);
    let loaded = match &options.stdin_filename {
        Some(path) => load_stdin(path, cache_dir.as_ref()),
        None => load_cached(paths, cache_dir.as_ref(), !fixing),
    };
    let Loaded {
        root,
        settings,
        mut ws,
        mut reg,
        targets,
        note,
        cache,
        mut text_facts,
        ..
    } = match loaded {
        Ok(l) => l,
        Err(exit) => return exit,
    };
    if let Some(note) = note.filter(|_| !options.quiet) {
        errln!("{note}");
    }
    let checked = targets.as_ref().map_or(ws.docs.len(), Vec::len);
    // As ruff does: a run that checked nothing passes, but says so, since a wrong path
    // or an `include` that matches nothing would otherwise look like a clean workspace.
    // Files named one by one (a hook's staged files, an editor's buffer) that are all
    // excluded are what the user configured: no warning.
    let folders_only = options.stdin_filename.is_none() && paths.iter().all(|p| p.is_dir());
    if checked == 0 && folders_only && !options.quiet {
        let under = if paths.is_empty() {
            root.display().to_string()
        } else {
            let named: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            named.join(", ")
        };
        errln!("sot: warning: no Markdown files to check under {under}");
    }
    let prefixes: Vec<String> = reg.prefixes().map(str::to_string).collect();
    // Asked to compare and unable to: an error, as a shallow CI checkout must not lose
    // the collision check without a word.
    let other = match against.map(|rev| (rev, git::added_entries(&root, rev, &prefixes))) {
        Some((rev, Err(e))) => return fail(format!("--against {rev}: {e}")),
        Some((_, Ok(other))) => Some(other),
        None => None,
    };
    let mut fixed_line = None;
    if fixing {
        let allowed = if options.unsafe_fixes {
            sot_lint::Applicability::Unsafe
        } else {
            sot_lint::Applicability::Safe
        };
        let fixed = fix::Fixer {
            ws: &mut ws,
            reg: &mut reg,
            settings: &settings,
            targets: targets.as_deref(),
            selection,
            allowed,
        }
        .run();
        let files = fixed.changes.changed(&ws).count();
        if options.diff {
            let diff = fixed.changes.diff(&ws);
            out!("{diff}");
            if let Some(line) = fix_summary(&fixed, files, true).filter(|_| !options.quiet) {
                errln!("{line}");
            }
            return if diff.is_empty() {
                Exit::Clean
            } else {
                Exit::Findings
            };
        }
        if let Err(e) = fixed.changes.write(&root, &ws) {
            return fail(e);
        }
        fixed_line = fix_summary(&fixed, files, false);
        text_facts = Vec::new();
    }
    let mut ctx = Context::with_text_facts(&ws, &reg, &settings, targets.as_deref(), text_facts);
    if let Some(other) = &other {
        ctx = ctx.with_other_branch(other);
    }
    let diags = sot_lint::lint(&ctx, selection);
    let summary = Summary::new(&diags, checked);
    let to_terminal = options.output.is_none() && std::io::stdout().is_terminal();
    let format = options.format.unwrap_or(if to_terminal {
        Format::Human
    } else {
        Format::Concise
    });
    let color = match options.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    let mut report = Vec::new();
    let rendered = if options.statistics {
        match format {
            Format::Json => render::statistics_json(&mut report, &diags),
            Format::Human | Format::Concise => render::statistics(&mut report, &diags),
            _ => return fail("--statistics prints text, or JSON with --format json"),
        }
    } else {
        render::render(
            &mut report,
            format,
            &diags,
            render::Sources {
                ws: &ws,
                root: &root,
            },
            &summary,
            color,
            options.quiet,
        )
    };
    if let Err(e) = rendered {
        return fail(format!("cannot render the report: {e}"));
    }
    // Concise lines are for tools; on a terminal a person reads them, and gets the count.
    if format == Format::Concise && to_terminal && !options.quiet && !options.statistics {
        report.extend_from_slice(format!("{}\n", summary.line()).as_bytes());
    }
    let written = match &options.output {
        Some(path) => std::fs::write(path, &report)
            .map_err(|e| format!("cannot write the report to {}: {e}", path.display())),
        None => {
            let mut out = output::stdout();
            out.write_all(&report)
                .and_then(|()| out.flush())
                .map_err(|e| format!("cannot write the report: {e}"))
        }
    };
    if let Err(e) = written {
        return fail(e);
    }
    if let Some(line) = fixed_line.filter(|_| !options.quiet) {
        errln!("{line}");
    }
    let failing = diags.iter().any(|d| {
        d.severity == Severity::Error || (options.deny_warnings && d.severity == Severity::Warning)
    });
    // A cache that cannot be written only makes the next run slower.
    let whole = targets.is_none();
    if let Some((cache, seen)) = cache.filter(|(cache, _)| cache.worth_storing(whole)) {
        let _ = cache.store(&ws, &seen);
    }
    // The process ends with this command: freeing every document, entry and finding one
    // by one would only cost time (4% of a whole-workspace run).
    std::mem::forget(ctx);
    std::mem::forget((diags, reg, ws));
    if failing && !options.exit_zero {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

/// What `--fix` did (`would`: what `--diff` shows), in a line: `Fixed 12 of 15 findings
/// in 4 files; 3 need a person`. Nothing when there was nothing to fix.
fn fix_summary(fixed: &fix::Fixed, files: usize, would: bool) -> Option<String> {
    if fixed.before == 0 {
        return None;
    }
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let left = fixed.remaining.len();
    let done = fixed.before.saturating_sub(left);
    let verb = if would { "Would fix" } else { "Fixed" };
    let mut line = if done == 0 {
        "No fix applied".to_string()
    } else {
        format!(
            "{verb} {done} of {} in {}",
            plural(fixed.before, "finding", "findings"),
            plural(files, "file", "files")
        )
    };
    if left > 0 {
        let need = if left == 1 { "needs" } else { "need" };
        line.push_str(&format!("; {left} {need} a person"));
    }
    Some(line)
}

/// `sot index`: regenerates every index block, or with `check` prints what would
/// change and exits 1.
fn index(paths: &[PathBuf], check: bool) -> Exit {
    let (_lock, loaded) = match load_to_write(paths, !check) {
        Ok(locked) => locked,
        Err(exit) => return exit,
    };
    let Loaded {
        root,
        settings,
        mut ws,
        targets,
        ..
    } = loaded;
    let docs: Vec<usize> = targets.unwrap_or_else(|| (0..ws.docs.len()).collect());
    let mut broken = false;
    for &d in &docs {
        let doc = &ws.docs[d];
        for e in &index::blocks(doc).1 {
            let p = doc.position(e.span.start);
            errln!("{}:{}:{}: error: {}", doc.path, p.line, p.column, e.message);
            broken = true;
        }
    }
    let id_config = settings.id_config();
    let mut changes = changes::Changes::default();
    changes.absorb(index::rewrite_settled(
        &mut ws,
        |ws| Registry::build(ws, &id_config),
        &docs,
    ));
    let changed = changes.changed(&ws).count();
    if check {
        out!("{}", changes.diff(&ws));
    } else {
        match changes.write(&root, &ws) {
            Ok(written) => {
                for path in written {
                    outln!("updated {path}");
                }
            }
            Err(e) => return fail(e),
        }
    }
    if broken {
        return Exit::Failure;
    }
    match (check, changed) {
        (true, 0) | (false, _) => Exit::Clean,
        (true, n) => {
            errln!(
                "{n} file{} with stale index blocks; run `sot index`",
                if n == 1 { "" } else { "s" }
            );
            Exit::Findings
        }
    }
}

/// `sot new`: allocates the next free number (never one in use anywhere, on another
/// branch, or in another file's reserved range), inserts the entry, refreshes the
/// file's index blocks and prints the new ID.
fn new(prefix: &str, title: &str, file: Option<&std::path::Path>) -> Exit {
    if let Err(e) = allocate::check_prefix(prefix).and_then(|()| allocate::check_title(title)) {
        return fail(e);
    }
    let (_lock, loaded) = match load_to_write(&[], true) {
        Ok(locked) => locked,
        Err(exit) => return exit,
    };
    let Loaded {
        root,
        settings,
        mut ws,
        reg,
        ..
    } = loaded;
    let file = match file {
        Some(f) => match std::env::current_dir()
            .ok()
            .and_then(|cwd| cwd.join(f).canonicalize().ok())
            .and_then(|abs| workspace::relative(&root, &abs))
        {
            Some(rel) => Some(rel),
            None => return fail(format!("{}: no such file in the workspace", f.display())),
        },
        None => None,
    };
    let elsewhere = numbers_on_other_branches(&root, prefix);
    let schema = &settings.config.schema;
    let options = |name: &str| schema.entries.rule(prefix, name).and_then(|r| r.one_of);
    let entry = match allocate::new_entry(
        &ws,
        &reg,
        prefix,
        title,
        file.as_deref(),
        &elsewhere,
        options,
    ) {
        Ok(e) => e,
        Err(e) => return fail(e),
    };
    let path = ws.docs[entry.doc].path.clone();
    let original = ws.replace(
        entry.doc,
        sot_syntax::Document::parse(path.clone(), entry.text),
    );
    let id_config = settings.id_config();
    index::rewrite_settled(&mut ws, |ws| Registry::build(ws, &id_config), &[entry.doc]);
    if let Err(e) = changes::write_document(&root, &original, &ws.docs[entry.doc].text) {
        return fail(e);
    }
    outln!("{}", entry.id);
    errln!("added {} to {path}", entry.id);
    Exit::Clean
}

/// `sot rename`: gives an entry a new ID everywhere the workspace names it, writing
/// every changed file or none; with `dry_run`, prints the diff instead.
fn rename(old: &str, new: &str, dry_run: bool) -> Exit {
    if let Err(e) = rename::check_id(old).and_then(|()| rename::check_id(new)) {
        return fail(e);
    }
    let (_lock, loaded) = match load_to_write(&[], !dry_run) {
        Ok(locked) => locked,
        Err(exit) => return exit,
    };
    let Loaded {
        root,
        settings,
        mut ws,
        ..
    } = loaded;
    let (prefix, _) = sot_syntax::split_id(new).unwrap_or_default();
    let elsewhere = numbers_on_other_branches(&root, prefix);
    let (changes, old) = match rename::rename(&mut ws, &settings, old, new, &elsewhere) {
        Ok(renamed) => renamed,
        Err(e) => return fail(e),
    };
    if dry_run {
        out!("{}", changes.diff(&ws));
        return Exit::Clean;
    }
    match changes.write(&root, &ws) {
        Ok(written) => {
            for path in &written {
                outln!("updated {path}");
            }
            let n = written.len();
            outln!(
                "renamed {old} to {new} in {n} file{}",
                if n == 1 { "" } else { "s" }
            );
            Exit::Clean
        }
        Err(e) => fail(e),
    }
}

/// Runs a registry query: exit 0 when it found something, 1 when not, 2 on failure.
/// Runs a read-only command on the loaded workspace. `Ok(Err(message))`: what was
/// asked for is not there (exit 1).
fn query(
    paths: &[PathBuf],
    run: impl FnOnce(&Loaded) -> std::io::Result<Result<(), String>>,
) -> Exit {
    let loaded = match load(paths) {
        Ok(l) => l,
        Err(exit) => return exit,
    };
    match output::masked(|| run(&loaded)).and_then(|ran| ran) {
        Ok(Ok(())) => Exit::Clean,
        Ok(Err(missing)) => {
            errln!("sot: {missing}");
            Exit::Findings
        }
        Err(e) => fail(e),
    }
}

/// `sot init`: a commented starting `sot.toml` at the workspace root (the nearest
/// folder up from here holding `.git`, else here), where every command then finds it.
fn init() -> Exit {
    let cwd = match std::env::current_dir() {
        Ok(cwd) => cwd,
        Err(e) => return fail(format!("cannot read the current directory: {e}")),
    };
    let root = workspace::find_root(&cwd, &cwd);
    let path = root.join("sot.toml");
    // The root is the current folder or one of its ancestors: name it as `../..`.
    let up = cwd
        .strip_prefix(&root)
        .map_or(0, |rel| rel.components().count());
    let shown = format!("{}sot.toml", "../".repeat(up));
    if path.exists() {
        return fail(format!(
            "{shown} already exists; `sot config` prints what it resolves to"
        ));
    }
    // create_new: a file that appeared since the check is never overwritten.
    let written = std::fs::File::options()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| f.write_all(include_str!("init.toml").as_bytes()));
    match written {
        Ok(()) => {
            outln!("wrote {shown}");
            Exit::Clean
        }
        Err(e) => fail(format!("cannot write {shown}: {e}")),
    }
}

/// `sot man`: the manual pages clap_mangen writes from the command line's definition,
/// so every page sot(1) names in SEE ALSO exists.
fn man(command: Option<&str>, dir: Option<&std::path::Path>) -> Exit {
    let mut cmd = <Cli as clap::CommandFactory>::command().disable_help_subcommand(true);
    // Building names each command's page as sot(1) lists it: `sot-lint`.
    cmd.build();
    if let Some(dir) = dir {
        return match std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(cmd, dir))
        {
            Ok(()) => Exit::Clean,
            Err(e) => fail(format!(
                "cannot write the manual pages to {}: {e}",
                dir.display()
            )),
        };
    }
    let page = match command {
        None => cmd,
        Some(name) => match cmd.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => {
                let names: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
                return fail(format!(
                    "no command named `{name}`; the commands are {}",
                    names.join(", ")
                ));
            }
        },
    };
    match clap_mangen::Man::new(page).render(&mut output::stdout()) {
        Err(e) => fail(format!("cannot write the manual page: {e}")),
        Ok(()) => Exit::Clean,
    }
}

fn rules() -> Exit {
    let width = RULES.iter().map(|r| r.name.len()).max().unwrap_or(0);
    for r in RULES {
        outln!(
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
            outln!("# {} ({})\n\n{}", r.name, r.severity, r.doc());
            Exit::Clean
        }
        None => fail(format!(
            "no rule named `{name}`; {}",
            sot_lint::unknown_rule_help(name)
        )),
    }
}
