//! `docs/sot.schema.json` is the JSON Schema of `sot.toml` that `sot config --schema`
//! prints, for editors. This test fails when the file is stale (run it with
//! `SOT_UPDATE_DOCS=1` to rewrite it), and checks that the schema accepts every
//! configuration the fixtures use and rejects what the parser rejects.

use std::path::{Path, PathBuf};

use sot_lint::{json_schema, Settings};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn written() -> String {
    format!(
        "{}\n",
        serde_json::to_string_pretty(&json_schema()).unwrap()
    )
}

#[test]
fn the_published_schema_is_up_to_date() {
    let path = repo().join("docs/sot.schema.json");
    if std::env::var_os("SOT_UPDATE_DOCS").is_some() {
        std::fs::write(&path, written()).unwrap();
    }
    assert!(
        std::fs::read_to_string(&path).ok() == Some(written()),
        "{} is stale; run `SOT_UPDATE_DOCS=1 cargo test -p sot-lint --test config_schema`",
        path.display()
    );
}

fn sot_tomls(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sot_tomls(&path, out);
        } else if path.file_name().is_some_and(|n| n == "sot.toml") {
            out.push(path);
        }
    }
}

/// Validates `text` as TOML against the schema: the errors, empty when it holds.
fn schema_errors(text: &str) -> Vec<String> {
    let value: toml::Value = toml::from_str(text).expect("TOML");
    let instance = serde_json::to_value(value).unwrap();
    let validator = jsonschema::validator_for(&json_schema()).expect("a valid schema");
    validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn the_schema_agrees_with_the_parser() {
    let mut files = Vec::new();
    sot_tomls(&repo().join("fixtures"), &mut files);
    assert!(files.len() >= 10, "{files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        if Settings::parse(&text).is_ok() {
            assert_eq!(
                schema_errors(&text),
                Vec::<String>::new(),
                "{}",
                file.display()
            );
        }
    }
    // What `sot config` prints is valid too, defaults and the whole schema included.
    let resolved = Settings::default().to_toml();
    assert_eq!(schema_errors(&resolved), Vec::<String>::new(), "{resolved}");
    for mistake in [
        "[rules]\nbroken-links = \"error\"\n",
        "[rules]\nbroken-link = \"loud\"\n",
        "[[overrides]]\npaths = [\"a/**\"]\nrules = { placeholders = \"off\" }\n",
        "exclude = \"docs/**\"\n",
        "[links]\nsite = \"gitbook\"\n",
        "unknown = 1\n",
    ] {
        assert!(Settings::parse(mistake).is_err(), "{mistake}");
        assert!(
            !schema_errors(mistake).is_empty(),
            "the schema accepts {mistake}"
        );
    }
}
