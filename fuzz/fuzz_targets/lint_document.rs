//! The whole pipeline on one document (suppression comments, placeholders, links, IDs):
//! no panic, every diagnostic points inside the document, and every fix offered applies
//! to it (its edits fit the text and do not overlap) and leaves a document that parses.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sot_lint::{lint, Context, Selection, Settings};
use sot_registry::{FileTree, Registry, Workspace};
use sot_syntax::Document;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let lines = text.lines().count().max(1);
    let mut tree = FileTree::default();
    tree.add_file("SoT.FUZZ.md");
    let ws = Workspace::new(vec![Document::parse("SoT.FUZZ.md", text.clone())], tree);
    let settings = Settings::default();
    let reg = Registry::build(&ws, &settings.id_config());
    let ctx = Context::new(&ws, &reg, &settings, None);
    let selection = Selection::new(None, &[]).expect("no names to check");
    for d in lint(&ctx, &selection) {
        assert!(d.line >= 1 && d.column >= 1 && d.line <= lines + 1, "{d:?}");
        assert!((d.end_line, d.end_column) >= (d.line, d.column), "{d:?}");
        if let Some(fix) = &d.fix {
            let body = ws.docs[0].text.as_str();
            let fixed = sot_syntax::edit::apply(body, &fix.edits).expect("a fix applies");
            Document::parse("SoT.FUZZ.md", fixed);
        }
    }
});
