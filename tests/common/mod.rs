//! Helpers shared by the end-to-end test files.

// Each test file compiles its own copy of this module and uses only some of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Copies the folder `from` into `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Runs git in `dir` with a fixed identity and `main` as the first branch.
pub fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args([
            "-c",
            "user.name=sot tests",
            "-c",
            "user.email=tests@example.com",
        ])
        .args(["-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the git command is needed for these tests");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A file of the data kept beside the checkout (`../shared`: the corpus generator, the
/// SARIF schema), which a user's clone does not have. Without it the test that needs it
/// is skipped, with a note, unless `SOT_REQUIRE_SHARED` is set (CI sets it).
pub fn shared(rel: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(rel);
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var_os("SOT_REQUIRE_SHARED").is_none(),
        "SOT_REQUIRE_SHARED is set but {} is missing",
        path.display()
    );
    eprintln!("skipped: {} is not beside the checkout", path.display());
    None
}

/// Writes `content` at `path` under `dir`, making its folders.
pub fn write(dir: &Path, path: &str, content: &[u8]) {
    let p = dir.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

/// A workspace root (with an empty `sot.toml`) holding `files`.
pub fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "sot.toml", b"");
    for (path, content) in files {
        write(dir.path(), path, content.as_bytes());
    }
    dir
}

/// Every `--format` value of `sot lint`.
pub const FORMATS: [&str; 8] = [
    "human",
    "concise",
    "json",
    "sarif",
    "github",
    "gitlab",
    "junit",
    "checkstyle",
];
