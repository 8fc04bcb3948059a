//! Any YAML between `---` lines parses into frontmatter or a problem with a span inside
//! the block, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sot_syntax::Document;

fuzz_target!(|data: &[u8]| {
    let yaml = String::from_utf8_lossy(data);
    let doc = Document::parse("fuzz.md", format!("---\n{yaml}\n---\n# Title\n"));
    for p in &doc.problems {
        assert!(p.span.end <= doc.text.len());
        assert!(doc.text.is_char_boundary(p.span.start) && doc.text.is_char_boundary(p.span.end));
    }
});
