//! The floor a linter of Markdown cannot go below: read every document under ROOT and
//! run one pulldown-cmark pass over it, on every core. The benchmarks measure `sot`
//! against it in the same run.
//!
//!     cargo run --release --example parse_floor -- ROOT
use rayon::prelude::*;

fn main() {
    let root = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let files: Vec<std::path::PathBuf> = ignore::WalkBuilder::new(&root)
        .build()
        .filter_map(Result::ok)
        .map(ignore::DirEntry::into_path)
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("md")))
        .collect();
    let events: usize = files
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            pulldown_cmark::Parser::new_ext(&text, pulldown_cmark::Options::all()).count()
        })
        .sum();
    println!("{} documents, {events} events", files.len());
}
