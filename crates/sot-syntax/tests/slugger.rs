//! Heading slugs as GitHub makes them, through the slug function and through Markdown
//! headings. The cases are GitHub's own behaviour (github-slugger's test cases), written
//! here as a table: the named cases whole, and for each Unicode general category a
//! sample of its characters, which shows whether GitHub keeps (and lowercases) or drops
//! them. `shared_slugs_match_github_fixture_file` compares with the full case file kept
//! beside the checkout, in CI's step that reads `../shared`.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sot_syntax::{Document, Slugger};

/// Heading text and GitHub's slug for it, in order: one slugger takes them all, so a
/// repeat is numbered after every earlier slug in the table.
const CASES: &[(&str, &str)] = &[
    // Repeats are numbered in the order they come, the names of JavaScript object
    // properties too; a numbered slug is taken as well.
    ("alpha", "alpha"),
    ("alpha", "alpha-1"),
    ("bravoCharlieDelta", "bravocharliedelta"),
    ("__proto__", "__proto__"),
    ("__proto__", "__proto__-1"),
    ("hasOwnProperty", "hasownproperty"),
    ("echo", "echo"),
    ("echo", "echo-1"),
    ("echo 1", "echo-1-1"),
    ("echo-1", "echo-1-2"),
    ("echo", "echo-2"),
    ("foxtrot-1", "foxtrot-1"),
    ("foxtrot", "foxtrot"),
    ("foxtrot", "foxtrot-2"),
    // ASCII: punctuation dropped, each space a hyphen, `-` and `_` kept.
    ("heading with a - dash", "heading-with-a---dash"),
    (
        "heading with an _ underscore",
        "heading-with-an-_-underscore",
    ),
    ("heading with a period.txt", "heading-with-a-periodtxt"),
    (
        "exchange.bind_headers(exchange, routing [, bindCallback])",
        "exchangebind_headersexchange-routing--bindcallback",
    ),
    (" ", "-"),
    (" a", "-a"),
    ("a ", "a-"),
    (" a ", "-a-"),
    ("-a-", "-a--1"),
    (
        "apostrophe’s should be trimmed",
        "apostrophes-should-be-trimmed",
    ),
    // Three of one heading: -1, then -2.
    ("golf", "golf"),
    ("golf", "golf-1"),
    ("golf", "golf-2"),
    // Beyond ASCII: symbols dropped, letters of every script kept and lowercased.
    ("I ♥ unicode", "i--unicode"),
    ("dash-dash", "dash-dash"),
    ("en–dash", "endash"),
    ("em–dash", "emdash"),
    ("😄 unicode emoji", "-unicode-emoji"),
    ("😄-😄 unicode emoji", "--unicode-emoji"),
    ("😄_😄 unicode emoji", "_-unicode-emoji"),
    ("😄 - an emoji", "---an-emoji"),
    (":smile: - a gemoji", "smile---a-gemoji"),
    ("Привет", "привет"),
    ("Профили пользователей", "профили-пользователей"),
    ("Привет non-latin 你好", "привет-non-latin-你好"),
    // Emoji shortcodes keep their words and lose their colons.
    (":ok: No underscore", "ok-no-underscore"),
    (":ok_hand: Single", "ok_hand-single"),
    (
        ":ok_hand::hatched_chick: Two in a row with no spaces",
        "ok_handhatched_chick-two-in-a-row-with-no-spaces",
    ),
    (
        ":ok_hand: :hatched_chick: Two in a row",
        "ok_hand-hatched_chick-two-in-a-row",
    ),
    // A sample of each Unicode general category between `a` and `b`, spaces between.
    // Cased_Letter
    ("aA ǅ ʂ Ս ṹ ⱦ ꮙ 𝐋 𝘓b", "aa-ǆ-ʂ-ս-ṹ-ⱦ-ꮙ-𝐋-𝘓b"),
    // Close_Punctuation
    ("a) ⌉ ❵ ⦈ ⧙ 」 ﴾ ﹄b", "a-------b"),
    // Connector_Punctuation
    ("a_ ‿ ⁀ ⁔ ︳ ︴ ﹍ ﹎b", "a_-‿-⁀-⁔-︳-︴-﹍-﹎b"),
    // Currency_Symbol
    ("a$ ߾ ฿ ₥ € ₳ ₺ ﷼b", "a-------b-1"),
    // Dash_Punctuation
    ("a- ֊ ᠆ ‒ ― ⸺ 〜 ︱b", "a--------b"),
    // Decimal_Number
    ("a0 ૮ ໗ ᪆ ꤅ 𑁩 𑛂 𝟏b", "a0-૮-໗-᪆-꤅-𑁩-𑛂-𝟏b"),
    // Enclosing_Mark
    (
        "a\u{488} \u{489} \u{1ABE} \u{20DD} \u{20DE} \u{20DF} \u{20E0} \u{20E2}b",
        "a\u{488}-\u{489}-\u{1ABE}-\u{20DD}-\u{20DE}-\u{20DF}-\u{20E0}-\u{20E2}b",
    ),
    // Final_Punctuation
    ("a» ’ ” › ⸃ ⸅ ⸊ ⸍b", "a-------b-2"),
    // Format
    (
        "a\u{AD} \u{202D} \u{FFFB} \u{1D177} \u{E002F} \u{E0043} \u{E0057} \u{E006B}b",
        "a-------b-3",
    ),
    // Initial_Punctuation
    ("a« ‘ ‛ “ ‟ ‹ ⸂ ⸄b", "a-------b-4"),
    // Letter
    ("aA 妋 雤 횧 𛅼 𣖮 𧌈 𫂊b", "aa-妋-雤-횧-𛅼-𣖮-𧌈-𫂊b"),
    // Letter_Number
    ("aᛮ Ⅻ ⅺ ꛩ 𐅖 𐅳 𒐔 𒐱 𒑎b", "aᛮ-ⅻ-ⅺ-ꛩ-𐅖-𐅳-𒐔-𒐱-𒑎b"),
    // Line_Separator
    ("a\u{2028}b", "ab"),
    // Lowercase_Letter
    ("aa ʀ է ẟ ⲫ ꮌ 𖹴 𝘣b", "aa-ʀ-է-ẟ-ⲫ-ꮌ-𖹴-𝘣b"),
    // Mark
    (
        "a\u{300} \u{823} \u{E47} \u{1AB3} \u{A824} \u{11236} \u{11D34} \u{1E014}b",
        "a\u{300}-\u{823}-\u{E47}-\u{1AB3}-\u{A824}-\u{11236}-\u{11D34}-\u{1E014}b",
    ),
    // Math_Symbol
    ("a+ ∾ ⊵ ◿ ⥁ ⧍ ⩊ ⫀b", "a-------b-5"),
    // Modifier_Letter
    ("aʰ ˢ ᴮ ᵎ ᶝ ᶽ ヽ ꭜb", "aʰ-ˢ-ᴮ-ᵎ-ᶝ-ᶽ-ヽ-ꭜb"),
    // Modifier_Symbol
    ("a^ ˗ ˫ ˼ ῞ ꜆ ꜕ ﮺b", "a-------b-6"),
    // Nonspacing_Mark
    (
        "a\u{300} \u{737} \u{DD6} \u{1ABB} \u{A826} \u{11366} \u{1BC9D} \u{E010B}b",
        "a\u{300}-\u{737}-\u{DD6}-\u{1ABB}-\u{A826}-\u{11366}-\u{1BC9D}-\u{E010B}b",
    ),
    // Number
    ("a0 4 8 ¼ ١ ٥ ꠳ 𑇥b", "a0-4-8--١-٥--b"),
    // Open_Punctuation
    ("a( ⁽ ❰ ⦃ ⦕ ⹂ 〚 ︿b", "a-------b-7"),
    // Other_Letter
    ("aª 您 鯱 ﲲ 𠂘 𣯠 𧜩 𫊛b", "aª-您-鯱-ﲲ-𠂘-𣯠-𧜩-𫊛b"),
    // Other_Number
    ("a² ⅙ ➋ 𐄨 𐧛 𐹺 𖭜 𞲍b", "a-------b-8"),
    // Other_Punctuation
    ("a! ࠺ ᠄ ⁁ ⹅ ︙ 𐮛 𑙁b", "a-------b-9"),
    // Other_Symbol
    ("a¦ Ⓔ Ⓣ ⓘ ⓨ ㆛ 🂆 🄺b", "a-ⓔ-ⓣ-ⓘ-ⓨ---🄺b"),
    // Paragraph_Separator
    ("a\u{2029}b", "ab-1"),
    // Private_Use
    (
        "a\u{E000} \u{F2A1F} \u{F6D3F} \u{FB05E} \u{FF37E} \u{10369F} \u{1079BF} \u{10BCDE}b",
        "a-------b-10",
    ),
    // Punctuation
    ("a! ⁀ ⁇ ⁔ ︙ ︳ ﹍ ﹏b", "a-⁀--⁔--︳-﹍-﹏b"),
    // Separator
    ("a  \u{A0} \u{1680} \u{2028} \u{2029} \u{3000}b", "a------b"),
    // Space_Separator
    (
        "a \u{A0} \u{2000} \u{2002} \u{2004} \u{2006} \u{2008} \u{200A}b",
        "a-------b-11",
    ),
    // Spacing_Mark
    (
        "a\u{903} \u{C02} \u{103B} \u{1A1A} \u{A8B5} \u{11182} \u{115BE} \u{16F5A}b",
        "a\u{903}-\u{C02}-\u{103B}-\u{1A1A}-\u{A8B5}-\u{11182}-\u{115BE}-\u{16F5A}b",
    ),
    // Symbol
    ("a$ Ⓖ Ⓨ ⓡ ⫆ 𝤜 🄸 🅝b", "a-ⓖ-ⓨ-ⓡ---🄸-🅝b"),
    // Titlecase_Letter
    ("aǅ ǲ ᾊ ᾍ ᾘ ᾛ ᾞ ᾩb", "aǆ-ǳ-ᾂ-ᾅ-ᾐ-ᾓ-ᾖ-ᾡb"),
    // Unassigned
    (
        "a\u{378} 𰛸 𰼤 \u{46647} \u{6817E} \u{89CB6} \u{AB7ED} \u{CD324}b",
        "a-𰛸-𰼤-----b",
    ),
    // Uppercase_Letter
    ("aA İ Ͳ Ղ Ḽ ẞ Ⱐ Ｙ 𝐹 𝘖b", "aa-i\u{307}-ͳ-ղ-ḽ-ß-ⱐ-ｙ-𝐹-𝘖b"),
];

/// Compares slugs got, in order, with those expected; `label(i)` names case `i`.
fn check(expected: &[&str], got: &[String], label: impl Fn(usize) -> String) {
    assert_eq!(got.len(), expected.len());
    let failures: Vec<String> = expected
        .iter()
        .zip(got)
        .enumerate()
        .filter(|(_, (want, got))| *want != got)
        .map(|(i, (want, got))| format!("{}: got {got:?}, want {want:?}", label(i)))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn slugs_of(inputs: &[&str]) -> Vec<String> {
    let mut slugger = Slugger::default();
    inputs.iter().map(|text| slugger.slug(text)).collect()
}

/// The slugs of `inputs` written as one document's `##` headings.
fn heading_slugs_of(inputs: &[&str]) -> Vec<String> {
    let markdown: String = inputs
        .iter()
        .map(|text| format!("## {}\n\n", heading_source(text)))
        .collect();
    let doc = Document::parse("slugs.md", markdown);
    doc.headings.iter().map(|h| h.slug.clone()).collect()
}

/// `text` written as ATX heading content that renders back to exactly `text`: ASCII
/// punctuation backslash-escaped, and white space, control and format characters as
/// numeric character references (a literal space at either end would be trimmed).
fn heading_source(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
            out.push(c);
        } else if c.is_whitespace() || c.is_control() || is_format(c) {
            write!(out, "&#x{:X};", c as u32).unwrap();
        } else {
            out.push(c);
        }
    }
    out
}

/// Characters that are invisible in source and could end or shape a line.
fn is_format(c: char) -> bool {
    matches!(c as u32, 0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x8E2 | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB)
        || (0xE0000..=0xE007F).contains(&(c as u32))
}

fn case_label(i: usize) -> String {
    format!("case {i} ({:?})", CASES[i].0)
}

#[test]
fn slugs_match_github() {
    let inputs: Vec<&str> = CASES.iter().map(|c| c.0).collect();
    let expected: Vec<&str> = CASES.iter().map(|c| c.1).collect();
    check(&expected, &slugs_of(&inputs), case_label);
}

#[test]
fn markdown_headings_match_github() {
    let inputs: Vec<&str> = CASES.iter().map(|c| c.0).collect();
    let expected: Vec<&str> = CASES.iter().map(|c| c.1).collect();
    check(&expected, &heading_slugs_of(&inputs), case_label);
}

#[derive(Deserialize)]
struct FixtureCase {
    name: String,
    input: String,
    expected: String,
}

#[test]
#[ignore = "reads ../shared/data; CI runs it in its own step"]
fn shared_slugs_match_github_fixture_file() {
    // The data beside the checkout, or where `SOT_SHARED` (an absolute path) says.
    let shared = std::env::var_os("SOT_SHARED").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
        PathBuf::from,
    );
    let path = shared.join("data/github-slugger/fixtures.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let cases: Vec<FixtureCase> = serde_json::from_str(&text).unwrap();
    assert_eq!(cases.len(), 78, "{}", path.display());
    let inputs: Vec<&str> = cases.iter().map(|c| c.input.as_str()).collect();
    let expected: Vec<&str> = cases.iter().map(|c| c.expected.as_str()).collect();
    let label = |i: usize| cases[i].name.clone();
    check(&expected, &slugs_of(&inputs), label);
    check(&expected, &heading_slugs_of(&inputs), label);
}
