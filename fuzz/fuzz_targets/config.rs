//! `sot.toml`: any text is settings or an error with a 1-based position, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sot_lint::Settings;

fuzz_target!(|text: &str| {
    if let Err(e) = Settings::parse(text) {
        assert!(e.line >= 1 && e.column >= 1, "{e:?}");
    }
});
