//! GitHub slugs: no panic, only letters, marks, numbers, `_` and `-`, and repeats
//! numbered to stay unique.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sot_syntax::Slugger;

fuzz_target!(|text: &str| {
    let mut slugger = Slugger::default();
    let first = slugger.slug(text);
    let second = slugger.slug(text);
    assert_ne!(first, second, "a repeated heading gets a new slug");
    assert!(!first.chars().any(char::is_whitespace), "{first:?}");
});
