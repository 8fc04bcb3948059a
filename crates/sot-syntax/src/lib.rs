//! Parsing of one Source-of-Truth document: YAML frontmatter and Markdown, with every
//! piece the rules need located by byte span.
//!
//! Parsing never fails: a document with broken frontmatter still yields its headings,
//! links and text, plus a [`Problem`] that says what is wrong.

pub mod edit;
mod frontmatter;
mod html;
mod ids;
mod lines;
mod markdown;
mod slug;

use std::ops::Range;

use serde::{Deserialize, Serialize};

pub use edit::{Edit, EditError};
pub use frontmatter::{FieldValue, Frontmatter, Key, Value};
pub use ids::{id_tokens, parse_id, split_id, IdToken};
pub use lines::{LineIndex, Position};
pub use markdown::label_key;
pub use slug::{slug, Slugger};

/// One parsed Markdown document.
///
/// Serialized, it is the document's lean form: what other documents' checks read of it
/// (its path, frontmatter, headings with their fields, and anchors). The text and what
/// is located in it are left out; only a document being checked needs those.
#[derive(Debug, Serialize, Deserialize)]
pub struct Document {
    /// Path relative to the workspace root, with `/` separators.
    pub path: String,
    /// The text with any UTF-8 BOM removed; every span indexes into it.
    #[serde(skip)]
    pub text: String,
    /// Whether the file starts with a UTF-8 BOM (kept when the file is rewritten).
    pub bom: bool,
    #[serde(skip)]
    pub lines: LineIndex,
    pub frontmatter: Option<Frontmatter>,
    pub headings: Vec<Heading>,
    /// Raw HTML `<h1>`-`<h6>` elements: anchors on GitHub, but no sections or entries.
    pub html_headings: Vec<HtmlHeading>,
    /// `id`/`name` attributes in HTML (`<a id="x">`), in document order.
    pub html_anchors: Vec<(String, Range<usize>)>,
    #[serde(skip)]
    pub links: Vec<Link>,
    /// Reference definitions (`[label]: target`), each checked once however often used.
    #[serde(skip)]
    pub definitions: Vec<Definition>,
    /// Prose text (not code), merged into runs of contiguous source.
    #[serde(skip)]
    pub prose: Vec<TextRun>,
    /// Contents of fenced and indented code blocks.
    #[serde(skip)]
    pub code_blocks: Vec<Range<usize>>,
    /// HTML comments (`<!-- ... -->`), whole.
    #[serde(skip)]
    pub html_comments: Vec<Range<usize>>,
    /// Visible text inside HTML blocks (tags and comments left out).
    #[serde(skip)]
    pub html_text: Vec<Range<usize>>,
    /// Reference-shaped text whose label no definition matches, in document order.
    #[serde(skip)]
    pub unresolved_references: Vec<UnresolvedReference>,
    /// What is wrong with the document's syntax (so far: its frontmatter).
    #[serde(skip)]
    pub problems: Vec<Problem>,
    /// Why the file could not be read or decoded; the document is then empty.
    pub unreadable: Option<String>,
    /// Whether [`Document::drop_text`] let go of the text: it is then read again from
    /// the file when a snippet is shown.
    #[serde(skip)]
    pub text_dropped: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Heading {
    pub level: u8,
    /// The rendered text: markup, inline HTML and images dropped, code spans kept.
    pub text: String,
    /// GitHub's slug, numbered for repeats.
    pub slug: String,
    /// An explicit id from an attribute list (`{#id}`, `{ id="id" }`, `{: #id}`) at the
    /// end of the heading or, in kramdown's form, on the line right after it.
    pub custom_id: Option<String>,
    /// The whole heading, from its first marker to its end.
    pub span: Range<usize>,
    /// Where the heading's text starts in the source.
    pub text_start: usize,
    /// `**Name**: value` lines between this heading and the next one.
    pub fields: Vec<Field>,
}

/// A heading written as HTML (`<h2 align="center">Install</h2>`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HtmlHeading {
    pub level: u8,
    /// The element's text content, tags dropped and character references decoded.
    pub text: String,
    /// GitHub's slug, numbered together with the Markdown headings.
    pub slug: String,
    /// From the start tag to the end tag.
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub name_span: Range<usize>,
    pub value_span: Range<usize>,
}

impl Heading {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkKind {
    Inline,
    /// `[text][label]`, `[label][]`, `[label]`: the target is the definition's.
    Reference,
    /// `<https://...>` and `<mail@example.com>`.
    Autolink,
    /// The `href` of an HTML `<a>`, the `src` (or a `srcset` URL) of `<img>` or
    /// `<source>`. Its `text` is empty: the words of an HTML link are plain prose.
    Html,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Link {
    pub kind: LinkKind,
    pub image: bool,
    /// The target as written (escapes and character references resolved, `<>`
    /// removed, percent-encoding kept).
    pub dest: Box<str>,
    /// Where the target is written: in the link itself or in its definition.
    pub dest_span: Span,
    /// The link's rendered text; empty once the document dropped its text.
    pub text: String,
    pub text_span: Span,
    pub span: Span,
    /// Index into [`Document::definitions`] for reference links.
    pub definition: Option<u32>,
}

/// A byte range of a document in half the room of a `Range<usize>`, for what a
/// document keeps many of (a document is at most [`MAX_LEN`] bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl From<Range<usize>> for Span {
    /// Offsets of a document fit: [`Document::parse`] reads none longer than [`MAX_LEN`].
    fn from(r: Range<usize>) -> Span {
        Span {
            start: r.start as u32,
            end: r.end as u32,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Definition {
    pub label: String,
    /// Where the label is written, between its brackets.
    pub label_span: Range<usize>,
    pub dest: String,
    pub dest_span: Range<usize>,
}

/// `[text][label]`, `[label][]` or `[label]` with no definition for `label`: CommonMark
/// renders it as the plain text it is written as.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnresolvedReference {
    /// The whole reference, brackets included.
    pub span: Range<usize>,
    /// The label as written.
    pub label: String,
    pub form: ReferenceForm,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReferenceForm {
    /// `[text][label]`
    Full,
    /// `[label][]`
    Collapsed,
    /// `[label]`: also how ordinary bracketed words are written.
    Shortcut,
}

/// A stretch of prose text. Runs inside a link carry its index.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TextRun {
    pub span: Range<usize>,
    pub link: Option<usize>,
    pub heading: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Problem {
    pub kind: ProblemKind,
    pub message: String,
    pub span: Range<usize>,
    /// How to fix it.
    pub help: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    InvalidFrontmatter,
}

impl Problem {
    fn invalid_frontmatter(
        message: impl Into<String>,
        span: Range<usize>,
        help: &'static str,
    ) -> Self {
        Problem {
            kind: ProblemKind::InvalidFrontmatter,
            message: message.into(),
            span,
            help,
        }
    }
}

/// The largest document `sot` reads: offsets are kept in 32 bits.
pub const MAX_LEN: usize = u32::MAX as usize;

impl Document {
    /// Parses `text` (the whole file, BOM allowed) as the document at `path`; a text
    /// longer than [`MAX_LEN`] is not read.
    pub fn parse(path: impl Into<String>, mut text: String) -> Document {
        if text.len() > MAX_LEN {
            return Document::unreadable(path, "it is larger than 4 GiB, more than sot reads");
        }
        let bom = text.starts_with('\u{feff}');
        if bom {
            text.drain(..'\u{feff}'.len_utf8());
        }
        let mut problems = Vec::new();
        let (frontmatter, body_start) = frontmatter::split(&text, &mut problems);
        let parsed = markdown::parse(&text, body_start);
        let lines = LineIndex::new(&text);
        let mut doc = Document {
            path: path.into(),
            lines,
            frontmatter,
            headings: parsed.headings,
            html_headings: parsed.html_headings,
            html_anchors: parsed.html_anchors,
            links: parsed.links,
            definitions: parsed.definitions,
            prose: parsed.prose,
            code_blocks: parsed.code_blocks,
            html_comments: parsed.html_comments,
            html_text: parsed.html_text,
            unresolved_references: parsed.unresolved_references,
            problems,
            unreadable: None,
            text_dropped: false,
            bom,
            text,
        };
        markdown::attach_fields(&mut doc);
        doc
    }

    /// An empty document standing for a file that could not be read.
    pub fn unreadable(path: impl Into<String>, reason: impl Into<String>) -> Document {
        let mut doc = Document::parse(path, String::new());
        doc.unreadable = Some(reason.into());
        doc
    }

    /// Lets go of the text and of what is located only in it (prose runs, code blocks,
    /// HTML comments and text, unresolved references, links' rendered text, frontmatter
    /// scalars and key comments), once everything read of them is kept elsewhere.
    /// Spans, positions, headings, links and definitions stay.
    pub fn drop_text(&mut self) {
        self.text = String::new();
        self.prose = Vec::new();
        self.code_blocks = Vec::new();
        self.html_comments = Vec::new();
        self.html_text = Vec::new();
        self.unresolved_references = Vec::new();
        self.text_dropped = true;
        // What stays is kept for the whole run: without the room left for growth.
        self.lines.shrink_to_fit();
        // What rules read of a link's text was found before (stand-ins, IDs).
        for link in &mut self.links {
            link.text = String::new();
        }
        self.links.shrink_to_fit();
        self.definitions.shrink_to_fit();
        self.headings.shrink_to_fit();
        for heading in &mut self.headings {
            heading.fields.shrink_to_fit();
        }
        self.html_headings.shrink_to_fit();
        self.html_anchors.shrink_to_fit();
        // Every scalar's text was scanned for placeholders; key comments matter in
        // templates only, which keep their text.
        if let Some(fm) = &mut self.frontmatter {
            fm.values = Vec::new();
            for key in &mut fm.keys {
                key.comment = None;
            }
            fm.keys.shrink_to_fit();
        }
    }

    pub fn position(&self, offset: usize) -> Position {
        self.lines.position(offset)
    }

    /// Whether `offset` lies inside a code block.
    pub fn in_code_block(&self, offset: usize) -> bool {
        let i = self.code_blocks.partition_point(|r| r.end <= offset);
        self.code_blocks.get(i).is_some_and(|r| r.start <= offset)
    }

    /// The index of the heading whose section holds `offset`, if any.
    pub fn section_of(&self, offset: usize) -> Option<usize> {
        let i = self.headings.partition_point(|h| h.span.start <= offset);
        i.checked_sub(1)
    }
}
