//! End-to-end runs of the built `sot` on hostile workspaces and surroundings: special
//! files where documents would be, file names that are not UTF-8, paths that need
//! escaping, closed pipes, symlink loops and files that vanish while `sot` runs. Each
//! asserts the exit code, the exact finding or error, and that the rest of the
//! workspace was linted. A run that could hang has a watchdog.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn sot_command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sot"));
    cmd.args(args).current_dir(dir).env_remove("SOT_FORMAT");
    cmd
}

/// Waits for `child`, killing it and failing the test when it runs past a limit far
/// above any honest run: a hang must fail, not stall the suite.
fn finish(mut child: Child, what: &str) -> Output {
    let limit = Duration::from_secs(60);
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("{what}: still running after {limit:?}, killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Runs `sot` with a watchdog, standard input closed.
fn sot(dir: &Path, args: &[&str]) -> Output {
    let child = sot_command(dir, args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    finish(child, &format!("sot {args:?}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

fn write(dir: &Path, path: &str, content: &[u8]) {
    let p = dir.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

/// A workspace root (with `sot.toml`) holding `files`.
fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "sot.toml", b"");
    for (path, content) in files {
        write(dir.path(), path, content.as_bytes());
    }
    dir
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
