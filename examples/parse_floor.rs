//! The floor a linter of Markdown cannot go below: read every document under ROOT and
//! run one pulldown-cmark pass over it, on every core. With `--frontmatter`, also the
//! floor of one that reads YAML frontmatter: each document's leading `---` block parsed
//! with serde_yaml, as every frontmatter-aware linter must. The benchmarks measure
//! `sot` against both in the same run.
//!
//!     cargo run --release --example parse_floor -- [--frontmatter] ROOT
use rayon::prelude::*;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let frontmatter = args.iter().any(|a| a == "--frontmatter");
    args.retain(|a| a != "--frontmatter");
    let root = args.first().cloned().unwrap_or_else(|| ".".into());
    let files: Vec<std::path::PathBuf> = ignore::WalkBuilder::new(&root)
        .build()
        .filter_map(Result::ok)
        .map(ignore::DirEntry::into_path)
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("md")))
        .collect();
    let (events, yaml): (usize, usize) = files
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let events =
                pulldown_cmark::Parser::new_ext(&text, pulldown_cmark::Options::all()).count();
            let yaml = frontmatter
                .then(|| front_block(&text))
                .flatten()
                .is_some_and(|block| serde_yaml::from_str::<serde_yaml::Value>(block).is_ok());
            (events, usize::from(yaml))
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!(
        "{} documents, {events} events, {yaml} frontmatter blocks",
        files.len()
    );
}

/// The YAML between a first line `---` and the next line `---`.
fn front_block(text: &str) -> Option<&str> {
    let body = text.strip_prefix("---\n")?;
    let end = body.find("\n---\n")?;
    Some(&body[..end])
}
