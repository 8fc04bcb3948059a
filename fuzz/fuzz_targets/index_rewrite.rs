//! Index blocks: a second rewrite after a first changes nothing, and the rewritten
//! text's blocks are all well formed (what `sot index --check` then agrees with).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sot_registry::{index, FileTree, IdConfig, Registry, Workspace};
use sot_syntax::Document;

fn rewritten(text: String) -> (String, usize) {
    let ws = Workspace::new(vec![Document::parse("SoT.FUZZ.md", text)], FileTree::default());
    let reg = Registry::build(&ws, &IdConfig::default());
    let errors = index::blocks(&ws.docs[0]).1.len();
    let doc = &ws.docs[0];
    let text = index::rewrite(&ws, &reg, 0).unwrap_or_else(|| doc.text.clone());
    // `sot index` writes the BOM back, as the file had it.
    let bom = if doc.bom { "\u{feff}" } else { "" };
    (format!("{bom}{text}"), errors)
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let (once, errors) = rewritten(text);
    // `sot index` leaves a file with broken markers alone.
    if errors > 0 {
        return;
    }
    let (twice, errors_after) = rewritten(once.clone());
    assert_eq!(errors_after, 0, "the rewrite made a broken marker:\n{once}");
    assert_eq!(once, twice, "a second rewrite changed the text");
});
