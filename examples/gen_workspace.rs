//! Writes a generated workspace (the tests' corpus generator) for the benchmarks:
//!
//!     cargo run --release --example gen_workspace -- OUT DOCS [DEFECTS] [SEED]
#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [out, docs, rest @ ..] = args.as_slice() else {
        eprintln!("usage: gen_workspace OUT DOCS [DEFECTS] [SEED]");
        std::process::exit(2);
    };
    let number = |s: &String| s.parse::<usize>().expect("a number");
    let docs = number(docs);
    let defects = rest.first().map_or(1, number);
    let seed = rest.get(1).map_or(2, number) as u64;
    let corpus = common::corpus::generate(docs, defects, seed);
    corpus.write(std::path::Path::new(out));
    println!("{} documents in {out}", corpus.documents());
}
