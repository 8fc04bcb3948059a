//! Parsing never fails, and every span it returns lies inside the text, on character
//! boundaries, at a 1-based position.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sot_syntax::Document;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let doc = Document::parse("fuzz.md", text);
    let check = |span: &std::ops::Range<usize>| {
        assert!(
            span.start <= span.end && span.end <= doc.text.len(),
            "{span:?}"
        );
        assert!(doc.text.is_char_boundary(span.start) && doc.text.is_char_boundary(span.end));
        let p = doc.position(span.start);
        assert!(p.line >= 1 && p.column >= 1);
    };
    for h in &doc.headings {
        check(&h.span);
        for f in &h.fields {
            check(&f.name_span);
            check(&f.value_span);
        }
    }
    for l in &doc.links {
        check(&l.span.range());
        check(&l.dest_span.range());
        check(&l.text_span.range());
    }
    for d in &doc.definitions {
        check(&d.dest_span);
    }
    for r in &doc.prose {
        check(&r.span);
    }
    doc.code_blocks.iter().for_each(check);
    doc.html_comments.iter().for_each(check);
    doc.html_text.iter().for_each(check);
    for (_, span) in &doc.html_anchors {
        check(span);
    }
    for p in &doc.problems {
        check(&p.span);
    }
});
