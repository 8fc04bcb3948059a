//! Index blocks: `sot index` (regenerating until settled) leaves text whose blocks are
//! all well formed and that a further regeneration leaves unchanged, which is what
//! `sot index --check` and the `stale-index` rule then agree with.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sot_registry::{index, FileTree, IdConfig, Registry, Workspace};
use sot_syntax::Document;

fn workspace(text: String) -> Workspace {
    Workspace::new(
        vec![Document::parse("SoT.FUZZ.md", text)],
        FileTree::default(),
    )
}

/// The file's text as read back: `sot index` writes the BOM back, as the file had it.
fn file_text(doc: &Document) -> String {
    let bom = if doc.bom { "\u{feff}" } else { "" };
    format!("{bom}{}", doc.text)
}

fn build(ws: &Workspace) -> Registry {
    Registry::build(ws, &IdConfig::default())
}

fuzz_target!(|data: &[u8]| {
    let mut ws = workspace(String::from_utf8_lossy(data).into_owned());
    // `sot index` leaves a file with broken markers alone.
    if !index::blocks(&ws.docs[0]).1.is_empty() {
        return;
    }
    index::rewrite_settled(&mut ws, build, &[0]);
    let once = file_text(&ws.docs[0]);
    let again = workspace(once.clone());
    let errors = index::blocks(&again.docs[0]).1;
    assert!(
        errors.is_empty(),
        "the rewrite made a broken marker:\n{once}"
    );
    // One more pass leaving the text as it is is what a second `sot index` (which
    // regenerates until nothing changes), `--check` and `stale-index` all rest on.
    let reg = build(&again);
    assert_eq!(
        index::rewrite(&again, &reg, 0),
        None,
        "a second `sot index` changes:\n{once}"
    );
});
