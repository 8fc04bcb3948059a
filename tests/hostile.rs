//! End-to-end runs of the built `sot` on hostile workspaces and surroundings: special
//! files where documents would be, file names that are not UTF-8, paths that need
//! escaping, closed pipes, symlink loops, files that vanish while `sot` runs, binary and
//! undecodable documents, YAML bombs, deep nesting and documents of 50 MB. Each
//! asserts the exit code, the exact finding or error, and that the rest of the
//! workspace was linted. A run that could hang has a watchdog.

mod common;

use common::{workspace, write, FORMATS};

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn sot_command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sot"));
    cmd.args(args).current_dir(dir).env_remove("SOT_FORMAT");
    cmd
}

/// Waits for `child`, killing it and failing the test when it runs past a limit far
/// above any honest run: a hang must fail, not stall the suite. Its output is read
/// meanwhile, so a report larger than a pipe holds cannot stall it either. Also returns
/// the child's peak resident memory in bytes.
#[allow(unsafe_code)]
fn finish_measured(mut child: Child, what: &str) -> (Output, u64) {
    use std::os::unix::process::ExitStatusExt;
    fn drain(
        stream: Option<impl std::io::Read + Send + 'static>,
    ) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut s) = stream {
                s.read_to_end(&mut bytes).unwrap();
            }
            bytes
        })
    }
    let (stdout, stderr) = (drain(child.stdout.take()), drain(child.stderr.take()));
    let limit = Duration::from_secs(120);
    let start = Instant::now();
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    let (status, usage) = loop {
        let mut status = 0;
        // SAFETY: an all-zero rusage is valid, and wait4 only writes into the two
        // locals it is given.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        match unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) } {
            0 => {}
            p if p == pid => break (std::process::ExitStatus::from_raw(status), usage),
            _ => panic!("{what}: wait4: {}", std::io::Error::last_os_error()),
        }
        if start.elapsed() > limit {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("{what}: still running after {limit:?}, killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    };
    // Linux counts ru_maxrss in kibibytes.
    (output, u64::try_from(usage.ru_maxrss).unwrap() * 1024)
}

fn finish(child: Child, what: &str) -> Output {
    finish_measured(child, what).0
}

/// Runs `sot` with a watchdog, standard input closed; also returns its peak memory.
fn sot_measured(dir: &Path, args: &[&str]) -> (Output, u64) {
    let child = sot_command(dir, args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    finish_measured(child, &format!("sot {args:?}"))
}

fn sot(dir: &Path, args: &[&str]) -> Output {
    sot_measured(dir, args).0
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// The write end of a pipe whose reader has already gone: every write to it fails
/// with a broken pipe, on every run, not only when a reader happens to be quick.
fn closed_pipe() -> Stdio {
    let mut reader = Command::new(env!("CARGO_BIN_EXE_sot"))
        .arg("--version")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let write_end = reader.stdin.take().unwrap();
    reader.wait().unwrap();
    Stdio::from(write_end)
}

#[test]
fn a_closed_pipe_ends_every_command_quietly_with_its_own_exit_code() {
    let dir = workspace(&[
        (
            "deploys.md",
            "# Deploys\n\n## DEP-001: Blue/green\n\n**Status**: Active\n\nSee [RUN-001](runbooks.md#run-001-restart).\n",
        ),
        ("runbooks.md", "# Runbooks\n\n## RUN-001: Restart\n\n**Status**: Active\n\n[gone](gone.md)\n"),
    ]);
    let cases: &[(&[&str], i32)] = &[
        (&["rules"], 0),
        (&["config"], 0),
        (&["explain", "broken-link"], 0),
        (&["completions", "bash"], 0),
        (&["man"], 0),
        (&["registry"], 0),
        (&["registry", "--format", "json"], 0),
        (&["show", "DEP-001"], 0),
        (&["refs", "RUN-001"], 0),
        (&["anchors", "runbooks.md"], 0),
        (&["graph"], 0),
        (&["index", "--check"], 0),
        // The broken link is an error: the code the run would have had anyway.
        (&["lint"], 1),
        (&["lint", "--format", "human"], 1),
        (&["lint", "--format", "sarif"], 1),
        (&["lint", "--statistics"], 1),
    ];
    for &(args, code) in cases {
        let child = sot_command(dir.path(), args)
            .stdin(Stdio::null())
            .stdout(closed_pipe())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let o = finish(child, &format!("sot {args:?}"));
        assert_eq!(
            (o.status.code(), text(&o.stderr)),
            (Some(code), String::new()),
            "sot {args:?}"
        );
    }
}

#[test]
fn a_closed_standard_error_is_no_panic_either() {
    // The note about the detected generator goes to standard error.
    let dir = workspace(&[("docs/index.md", "# Home\n\n[gone](gone.md)\n")]);
    write(dir.path(), "mkdocs.yml", b"site_name: x\n");
    std::fs::remove_file(dir.path().join("sot.toml")).unwrap();
    let child = sot_command(dir.path(), &["lint", "--format", "concise"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(closed_pipe())
        .spawn()
        .unwrap();
    let o = finish(child, "sot lint");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        text(&o.stdout),
        "docs/index.md:3:8: error: link target `gone.md` does not exist [broken-link]\n"
    );
}

fn concise(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let mut all = vec!["lint", "--format", "concise"];
    all.extend(args);
    let o = sot(dir, &all);
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

/// Makes `path` a special file with `tool` (`mkfifo`, `mknod`); `false` when this
/// system or user may not.
fn make_special(tool: &str, args: &[&str]) -> bool {
    Command::new(tool)
        .args(args)
        .status()
        .is_ok_and(|s| s.success())
}

const BROKEN: &str = "ok.md:1:5: error: link target `gone.md` does not exist [broken-link]\n";

#[test]
fn special_files_under_document_names_are_findings_never_read() {
    let dir = workspace(&[("ok.md", "[x](gone.md)\n")]);
    let fifo = dir.path().join("pipe.md");
    if !make_special("mkfifo", &[fifo.to_str().unwrap()]) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let _socket = std::os::unix::net::UnixListener::bind(dir.path().join("socket.md")).unwrap();
    // A character device (/dev/null's numbers: a regression must not read /dev/zero
    // until memory runs out), where the user may make one.
    let device = dir.path().join("tty.md");
    let with_device = make_special("mknod", &[device.to_str().unwrap(), "c", "1", "3"]);
    let mut expected = format!(
        "{BROKEN}\
         pipe.md:1:1: error: cannot read this file: it is not a regular file but a named pipe (FIFO) [unreadable-file]\n\
         socket.md:1:1: error: cannot read this file: it is not a regular file but a socket [unreadable-file]\n"
    );
    if with_device {
        expected.push_str(
            "tty.md:1:1: error: cannot read this file: it is not a regular file but a character device [unreadable-file]\n",
        );
    } else {
        eprintln!("note: mknod is not allowed here; the device case is skipped");
    }
    assert_eq!(concise(dir.path(), &[]), (Some(1), expected));
}

#[test]
fn a_special_file_named_on_the_command_line_is_the_same_finding() {
    let dir = workspace(&[("ok.md", "[x](pipe.md)\n")]);
    if !make_special("mkfifo", &[dir.path().join("pipe.md").to_str().unwrap()]) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    assert_eq!(
        concise(dir.path(), &["pipe.md", "ok.md"]),
        (
            Some(1),
            "pipe.md:1:1: error: cannot read this file: it is not a regular file but a named pipe (FIFO) [unreadable-file]\n"
                .to_string()
        )
    );
}

#[test]
fn configuration_files_that_are_fifos_do_not_block_the_run() {
    // sot.toml as a FIFO is a configuration that cannot be read: exit 2.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok.md", b"[x](gone.md)\n");
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    if !make_special("mkfifo", &[dir.path().join("sot.toml").to_str().unwrap()]) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let o = sot(dir.path(), &["lint", "--format", "concise"]);
    assert_eq!(
        (o.status.code(), text(&o.stderr)),
        (
            Some(2),
            "sot: cannot read sot.toml: it is not a regular file but a named pipe (FIFO)\n"
                .to_string()
        )
    );
    // A generator's configuration (mkdocs.yml) as a FIFO is no configuration: GitHub's
    // rules apply, and the documents are linted.
    std::fs::remove_file(dir.path().join("sot.toml")).unwrap();
    assert!(make_special(
        "mkfifo",
        &[dir.path().join("mkdocs.yml").to_str().unwrap()]
    ));
    assert_eq!(concise(dir.path(), &[]), (Some(1), BROKEN.to_string()));
}

#[test]
fn a_gitignore_that_is_a_fifo_never_blocks_the_walk() {
    // In a folder: the folder is not walked, and the .gitignore is the finding.
    let dir = workspace(&[
        ("ok.md", "[x](gone.md)\n"),
        ("docs/a.md", "[y](nowhere.md)\n"),
    ]);
    if !make_special(
        "mkfifo",
        &[dir.path().join("docs/.gitignore").to_str().unwrap()],
    ) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    assert_eq!(
        concise(dir.path(), &[]),
        (
            Some(1),
            format!(
                "docs/.gitignore:1:1: error: cannot read this file: it is not a regular file but a named pipe (FIFO); its folder was not walked [unreadable-file]\n{BROKEN}"
            )
        )
    );
    // At the root: no ignore file is read, and everything is linted.
    std::fs::remove_file(dir.path().join("docs/.gitignore")).unwrap();
    assert!(make_special(
        "mkfifo",
        &[dir.path().join(".gitignore").to_str().unwrap()]
    ));
    assert_eq!(
        concise(dir.path(), &[]),
        (
            Some(1),
            format!(
                ".gitignore:1:1: error: cannot read this file: it is not a regular file but a named pipe (FIFO); no .gitignore file was read [unreadable-file]\n\
                 docs/a.md:1:5: error: link target `nowhere.md` does not exist [broken-link]\n{BROKEN}"
            )
        )
    );
}

#[test]
fn a_file_name_that_is_not_utf8_is_read_linked_and_shown_lossily() {
    use std::os::unix::ffi::OsStrExt;
    let dir = workspace(&[("ok.md", "# Ok\n\n[cafe](caf%E9.md)\n")]);
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    let folder = std::ffi::OsStr::from_bytes(b"d\xff");
    let created = std::fs::write(dir.path().join(name), "[x](gone.md)\n[y](ok.md#nope)\n")
        .and_then(|()| std::fs::create_dir(dir.path().join(folder)))
        .and_then(|()| {
            std::fs::write(
                dir.path().join(folder).join("a.md"),
                "[up](../ok.md#ok)\n[x](gone.md)\n",
            )
        });
    if created.is_err() {
        eprintln!("skipped: this file system refuses names that are not UTF-8");
        return;
    }
    let findings = "caf\u{fffd}.md:1:5: error: link target `gone.md` does not exist [broken-link]\n\
                    caf\u{fffd}.md:2:5: error: no heading or anchor `#nope` in `ok.md` [broken-anchor]\n\
                    d\u{fffd}/a.md:2:5: error: link target `gone.md` does not exist [broken-link]\n";
    assert_eq!(concise(dir.path(), &[]), (Some(1), findings.to_string()));
    // Named on the command line, by its real name.
    let o = sot_command(dir.path(), &["lint", "--format", "concise"])
        .arg(name)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned()
        ),
        (
            Some(1),
            findings.lines().take(2).map(|l| format!("{l}\n")).collect()
        )
    );
    // Every format prints the name, none fails on it.
    for format in FORMATS {
        let o = sot(
            dir.path(),
            &["lint", "--format", format, "--color", "never"],
        );
        assert_eq!(
            o.status.code(),
            Some(1),
            "{format}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(text(&o.stdout).contains("caf"), "{format}");
    }
}

#[test]
fn symlink_loops_are_neither_followed_nor_fatal() {
    use std::os::unix::fs::symlink;
    let dir = workspace(&[("ok.md", "[x](gone.md)\n\n[loop](self.md)\n")]);
    let p = dir.path();
    symlink("self.md", p.join("self.md")).unwrap();
    symlink("b.md", p.join("a.md")).unwrap();
    symlink("a.md", p.join("b.md")).unwrap();
    std::fs::create_dir(p.join("up")).unwrap();
    symlink("..", p.join("up/root")).unwrap();
    symlink("../up", p.join("up/again")).unwrap();
    // A link through a loop names nothing that exists.
    let expected =
        format!("{BROKEN}ok.md:3:8: error: link target `self.md` does not exist [broken-link]\n");
    assert_eq!(concise(p, &[]), (Some(1), expected));
    // Named on the command line, a loop is a path that cannot be resolved.
    let o = sot(p, &["lint", "a.md"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).starts_with("sot: a.md: Too many levels of symbolic links"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn files_and_folders_vanishing_mid_walk_are_left_out() {
    let dir = workspace(&[("ok.md", "[x](gone.md)\n")]);
    let churn = dir.path().join("churn");
    for round in 0..10 {
        for i in 0..300 {
            write(&churn, &format!("f{i}/doc-{i}.md"), b"# Doc\n");
        }
        let child = sot_command(dir.path(), &["lint", "--format", "concise"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Deleted while the walk lists them and the readers read them.
        std::fs::remove_dir_all(&churn).unwrap();
        let o = finish(child, "sot lint");
        assert_eq!(
            (o.status.code(), text(&o.stdout), text(&o.stderr)),
            (Some(1), BROKEN.to_string(), String::new()),
            "round {round}"
        );
    }
}

/// File names that a URI or XML must escape, and the `uri` SARIF must give each.
const AWKWARD_NAMES: &[(&str, &str)] = &[
    ("a:b.md", "a%3Ab.md"),
    ("amp&<x>\"'.md", "amp%26%3Cx%3E%22%27.md"),
    ("ctl\u{1}.md", "ctl%01.md"),
    ("ha#sh.md", "ha%23sh.md"),
    ("per%cent.md", "per%25cent.md"),
    ("q?x.md", "q%3Fx.md"),
    ("sub dir/with space.md", "sub%20dir/with%20space.md"),
    ("\u{fc}ber.md", "%C3%BCber.md"),
];

fn awkward_workspace() -> tempfile::TempDir {
    let dir = workspace(&[]);
    for (name, _) in AWKWARD_NAMES {
        write(dir.path(), name, b"[x](gone.md)\n");
    }
    dir
}

#[test]
fn sarif_uris_are_percent_encoded_and_valid() {
    let dir = awkward_workspace();
    let o = sot(dir.path(), &["lint", "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let uris: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    let expected: Vec<&str> = AWKWARD_NAMES.iter().map(|(_, uri)| *uri).collect();
    assert_eq!(uris, expected);
    let problems = common::sarif_problems(&log);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
#[ignore = "reads ../shared/data; CI runs it in its own step"]
fn shared_sarif_uris_are_valid_against_the_official_schema() {
    let o = sot(awkward_workspace().path(), &["lint", "--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let problems = common::shared_sarif_problems(&log);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn xml_formats_escape_every_file_name() {
    let dir = awkward_workspace();
    let checkstyle = text(&sot(dir.path(), &["lint", "--format", "checkstyle"]).stdout);
    let names: Vec<&str> = checkstyle
        .lines()
        .filter_map(|l| l.strip_prefix("  <file name=\""))
        .map(|l| l.strip_suffix("\">").unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "a:b.md",
            "amp&amp;&lt;x&gt;&quot;&apos;.md",
            // XML 1.0 has no way to write U+0001, not even as a reference.
            "ctl\u{fffd}.md",
            "ha#sh.md",
            "per%cent.md",
            "q?x.md",
            "sub dir/with space.md",
            "\u{fc}ber.md",
        ]
    );
    let junit = text(&sot(dir.path(), &["lint", "--format", "junit"]).stdout);
    assert!(junit.contains(
        r#"<testcase name="broken-link amp&amp;&lt;x&gt;&quot;&apos;.md:1:5" classname="amp&amp;&lt;x&gt;&quot;&apos;.md" file="amp&amp;&lt;x&gt;&quot;&apos;.md" line="1">"#
    ), "{junit}");
    for xml in [&checkstyle, &junit] {
        assert!(
            !xml.chars().any(|c| c < ' ' && c != '\n'),
            "a control character XML 1.0 forbids:\n{xml}"
        );
    }
    // The JSON and workflow-command formats carry the names as they are.
    let gitlab: serde_json::Value =
        serde_json::from_slice(&sot(dir.path(), &["lint", "--format", "gitlab"]).stdout).unwrap();
    let paths: Vec<&str> = gitlab
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["location"]["path"].as_str().unwrap())
        .collect();
    let names: Vec<&str> = AWKWARD_NAMES.iter().map(|(name, _)| *name).collect();
    assert_eq!(paths, names);
    let github = text(&sot(dir.path(), &["lint", "--format", "github"]).stdout);
    assert!(
        github.starts_with("::error file=a%3Ab.md,line=1,col=5,"),
        "{github}"
    );
}

#[test]
fn stdin_filename_must_name_a_file_inside_the_root() {
    let dir = workspace(&[("ok.md", "[x](gone.md)\n"), ("docs/a.md", "# A\n")]);
    let lint_stdin = |path: &str| {
        let mut child = sot_command(dir.path(), &["lint", "--format", "concise"])
            .args(["--stdin-filename", path])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Refused before standard input is read, or read: either way not an error here.
        let _ = std::io::Write::write_all(&mut child.stdin.take().unwrap(), b"[y](gone.md)\n");
        let o = finish(child, "sot lint --stdin-filename");
        (o.status.code(), text(&o.stdout), text(&o.stderr))
    };
    let root = dir.path().to_str().unwrap().to_string();
    for (path, why) in [
        (".", "it names a folder"),
        ("./", "it names a folder"),
        ("..", "it names a folder"),
        ("docs/", "it names a folder"),
        ("docs/.", "it names a folder"),
        ("new/", "it names a folder"),
        ("docs", "it is a folder"),
        (root.as_str(), "it is a folder"),
    ] {
        assert_eq!(
            lint_stdin(path),
            (
                Some(2),
                String::new(),
                format!(
                    "sot: --stdin-filename {path}: not the path of a file inside the workspace root ({why})\n"
                )
            ),
            "{path}"
        );
    }
    // A file that does not exist yet is fine: an editor's new buffer.
    assert_eq!(
        lint_stdin("docs/new.md"),
        (
            Some(1),
            "docs/new.md:1:5: error: link target `gone.md` does not exist [broken-link]\n"
                .to_string(),
            String::new()
        )
    );
}

/// Peak memory of `sot lint` on a workspace of one small document, measured in the same
/// run as the bounds that add to it.
fn baseline_rss() -> u64 {
    let dir = workspace(&[("notes.md", "# Notes\n\nSee [gone](gone.md).\n")]);
    let (o, peak) = sot_measured(dir.path(), &["lint", "--format", "concise"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    peak
}

fn concise_measured(dir: &Path) -> (Option<i32>, String, u64) {
    let (o, peak) = sot_measured(dir, &["lint", "--format", "concise"]);
    assert_eq!(text(&o.stderr), "");
    (o.status.code(), text(&o.stdout), peak)
}

#[test]
fn undecodable_and_binary_documents_are_findings_and_the_rest_is_linted() {
    let dir = workspace(&[("notes.md", "# Notes\n\nSee [gone](gone.md).\n")]);
    write(dir.path(), "latin1.md", b"# Caf\xe9\n\nText.\n");
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend((0..=255u8).cycle().take(4096));
    write(dir.path(), "logo.md", &png);
    // NUL bytes are valid UTF-8: the document is linted like any other.
    write(dir.path(), "nul.md", b"# Log\0\0\n\nSee [x](missing.md).\n");
    let (code, out, _) = concise_measured(dir.path());
    assert_eq!(code, Some(1));
    assert_eq!(
        out,
        "latin1.md:1:1: error: cannot read this file: it is not valid UTF-8 (first bad byte on line 1) [unreadable-file]\n\
         logo.md:1:1: error: cannot read this file: it is not valid UTF-8 (first bad byte on line 1) [unreadable-file]\n\
         notes.md:3:12: error: link target `gone.md` does not exist [broken-link]\n\
         nul.md:3:9: error: link target `missing.md` does not exist [broken-link]\n"
    );
}

#[test]
fn yaml_bombs_unclosed_frontmatter_and_deep_nesting_are_findings_in_bounded_memory() {
    // A billion laughs: nine levels of nine aliases each.
    let mut bomb = String::from("---\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..9 {
        let aliases = vec![format!("*l{}", level - 1); 9].join(", ");
        bomb.push_str(&format!("l{level}: &l{level} [{aliases}]\n"));
    }
    bomb.push_str("---\n# Bomb\n\nSee [a](gone.md).\n");
    let deep = 10_000;
    let files = [
        ("bomb.md", bomb),
        (
            "yaml.md",
            format!(
                "---\nx: {}{}\n---\n# Deep\n",
                "[".repeat(deep),
                "]".repeat(deep)
            ),
        ),
        (
            "unclosed.md",
            "---\ntitle: Never closed\n# Notes\n\nSee [a](gone.md).\n".to_string(),
        ),
        (
            "quotes.md",
            format!("{}x [a](gone.md)\n", "> ".repeat(deep)),
        ),
        ("lists.md", format!("{}x [a](gone.md)\n", "- ".repeat(deep))),
        (
            "ordered.md",
            format!("{}x [a](gone.md)\n", "1. ".repeat(deep)),
        ),
        (
            "brackets.md",
            format!("{}x{}(gone.md)\n", "[".repeat(deep), "]".repeat(deep)),
        ),
        (
            "emphasis.md",
            format!("{}x{} [a](gone.md)\n", "*".repeat(deep), "*".repeat(deep)),
        ),
        (
            "html.md",
            format!(
                "{}\n\n{}x [a](gone.md)\n",
                "<div>".repeat(deep),
                "<span>".repeat(deep)
            ),
        ),
    ];
    let dir = workspace(&[]);
    for (name, content) in &files {
        write(dir.path(), name, content.as_bytes());
    }
    let base = baseline_rss();
    let (code, out, peak) = concise_measured(dir.path());
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(out);
    let extra = peak.saturating_sub(base);
    assert!(extra < 64 << 20, "{extra} bytes above the baseline");
}

/// A 50 MB document and one of 1 MB lines: every finding at its place (columns past a
/// million) and the memory held linear in the bytes read.
#[test]
fn huge_documents_and_lines_are_linted_in_memory_linear_in_their_size() {
    let paragraph = "Plain words about the rollout, the runbook and the alerts.\n\n";
    let mut big = String::from("# Notes\n\n");
    let paragraphs = 50_000_000 / paragraph.len();
    for _ in 0..paragraphs {
        big.push_str(paragraph);
    }
    big.push_str("See [gone](gone.md).\n");
    let line = "word ".repeat(200_000);
    let mut long = String::from("# Long lines\n\n");
    for i in 0..20 {
        long.push_str(&format!("{line}[l{i}](l{i}.md)\n\n"));
    }
    let bytes = (big.len() + long.len()) as u64;
    let dir = workspace(&[
        ("big.md", &big),
        ("long.md", &long),
        ("notes.md", "# Notes\n\nSee [missing](missing.md).\n"),
    ]);
    let base = baseline_rss();
    let (code, out, peak) = concise_measured(dir.path());
    assert_eq!(code, Some(1));
    let mut expected = format!(
        "big.md:{}:12: error: link target `gone.md` does not exist [broken-link]\n",
        3 + 2 * paragraphs
    );
    for i in 0..20 {
        // The target starts after the million characters of words and `[l{i}](`.
        let column = 1_000_001 + format!("[l{i}](").len();
        expected.push_str(&format!(
            "long.md:{}:{column}: error: link target `l{i}.md` does not exist [broken-link]\n",
            3 + 2 * i
        ));
    }
    expected
        .push_str("notes.md:3:15: error: link target `missing.md` does not exist [broken-link]\n");
    assert_eq!(out, expected);
    // The text itself, its line index and parse: a few bytes held per byte read.
    let extra = peak.saturating_sub(base);
    assert!(extra < 6 * bytes, "{extra} bytes held for {bytes} read");
}
