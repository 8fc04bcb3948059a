//! The Markdown walk: pulldown-cmark events with byte offsets turned into the
//! document's headings, links, prose runs, code blocks and HTML pieces.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{BrokenLink, Event, LinkType, Options, Parser, Tag, TagEnd};
use regex::Regex;

use crate::html::{self, decode_entities, Token};
use crate::{
    Definition, Document, Field, Heading, HtmlHeading, Link, LinkKind, ReferenceForm, Slugger,
    TextRun, UnresolvedReference,
};

pub(crate) struct Parsed {
    pub headings: Vec<Heading>,
    pub html_headings: Vec<HtmlHeading>,
    pub html_anchors: Vec<(String, Range<usize>)>,
    pub links: Vec<Link>,
    pub definitions: Vec<Definition>,
    pub prose: Vec<TextRun>,
    pub code_blocks: Vec<Range<usize>>,
    pub html_comments: Vec<Range<usize>>,
    pub html_text: Vec<Range<usize>>,
    pub unresolved_references: Vec<UnresolvedReference>,
}

/// A trailing attribute block: Pandoc's `{#id}`, `{ #id .class }`, Python-Markdown's
/// `{ id="id" }`, kramdown's `{: #id}`.
static ATTRIBUTE_BLOCK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{:?([^{}]*)\}\s*$").unwrap());
/// A kramdown attribute list on the line right after a heading (`{: #id}`).
static ATTRIBUTE_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^ {0,3}\{:([^{}\n]*)\}[ \t]*(?:\r?\n|$)").unwrap());
/// One attribute: `key="value"`, `key='value'`, `key=value` or a word (`#id`, `.class`),
/// read as Python-Markdown's attr_list reads them.
static ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"([^\s=}]+)=(?:"([^"]*)"|'([^']*)'|([^\s=}]+))|[^\s=}]+"#).unwrap()
});
static ATTRIBUTE_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^#([A-Za-z0-9_:.\-]+)$").unwrap());
/// Tags GitHub's tagfilter extension escapes: they show as text.
const FILTERED_TAGS: [&str; 9] = [
    "title",
    "textarea",
    "style",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "script",
    "plaintext",
];

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
}

pub(crate) fn parse(text: &str, body_start: usize) -> Parsed {
    let body = &text[body_start..];
    let shift = |r: Range<usize>| r.start + body_start..r.end + body_start;
    // Prose runs and links are the longest lists: sized for a typical document (a run
    // every 32 bytes, a link every 128) they rarely grow, and are shrunk to fit at the
    // end, since every document keeps them for the whole run.
    let mut out = Parsed {
        headings: Vec::new(),
        html_headings: Vec::new(),
        html_anchors: Vec::new(),
        links: Vec::with_capacity(body.len() / 128),
        definitions: Vec::new(),
        prose: Vec::with_capacity(body.len() / 32),
        code_blocks: Vec::new(),
        html_comments: Vec::new(),
        html_text: Vec::new(),
        unresolved_references: Vec::new(),
    };
    let mut heading: Option<usize> = None;
    // The heading whose rendered text is being read: a raw `<h2>` inside a Markdown
    // heading ends it, as an HTML parser reads `<h1>a <h2>b</h2></h1>`.
    let mut heading_text: Option<usize> = None;
    let mut links: Vec<usize> = Vec::new();
    let mut code_depth = 0usize;
    let mut image_depth = 0usize;
    let mut html_block: Option<usize> = None;
    let mut html_heading: Option<HtmlHeading> = None;
    // Footnotes are numbered in the order of their first reference.
    let mut footnotes: Vec<String> = Vec::new();
    let mut reference_labels: Vec<(usize, String)> = Vec::new();

    let mut unresolved = Vec::new();
    let mut record_unresolved = |broken: BrokenLink| {
        unresolved.push(unresolved_reference(
            text,
            shift(broken.span.clone()),
            broken,
        ));
        None
    };
    let normalised = normalise_trailing_tabs(body);
    let mut iter =
        Parser::new_with_broken_link_callback(&normalised, options(), Some(&mut record_unresolved))
            .into_offset_iter();
    for (event, range) in iter.by_ref() {
        let range = shift(range);
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some(out.headings.len());
                heading_text = heading;
                out.headings.push(Heading {
                    level: level as u8,
                    text: String::new(),
                    slug: String::new(),
                    custom_id: None,
                    text_start: range.start,
                    span: range,
                    fields: Vec::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) => {
                heading = None;
                heading_text = None;
            }
            Event::Start(Tag::CodeBlock(_)) => {
                code_depth += 1;
                out.code_blocks.push(range);
            }
            Event::End(TagEnd::CodeBlock) => code_depth -= 1,
            Event::Start(Tag::HtmlBlock) => html_block = Some(range.start),
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(start) = html_block.take() {
                    let end = range.end.max(start);
                    scan_html(text, start..end, true, &mut html_heading, &mut out);
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                id,
                ..
            })
            | Event::Start(Tag::Image {
                link_type,
                dest_url,
                id,
                ..
            }) => {
                let image = text[range.clone()].starts_with('!');
                if image {
                    image_depth += 1;
                }
                let kind = match link_type {
                    LinkType::Autolink | LinkType::Email => LinkKind::Autolink,
                    LinkType::Inline => LinkKind::Inline,
                    _ => LinkKind::Reference,
                };
                if kind == LinkKind::Reference {
                    // Resolved against the definitions once the walk is over.
                    reference_labels.push((out.links.len(), id.to_string()));
                }
                links.push(out.links.len());
                out.links.push(Link {
                    kind,
                    image,
                    dest: dest_url.as_ref().into(),
                    dest_span: range.clone().into(),
                    text: String::new(),
                    text_span: (range.start..range.start).into(),
                    span: range.into(),
                    definition: None,
                });
            }
            Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
                if matches!(event, Event::End(TagEnd::Image)) {
                    image_depth = image_depth.saturating_sub(1);
                }
                if let Some(i) = links.pop() {
                    finish_link(text, &mut out.links[i]);
                }
            }
            Event::Text(t) => {
                if code_depth > 0 {
                    continue;
                }
                // An image's alt text renders as an attribute, not as text.
                if image_depth == 0 {
                    if let Some(h) = heading_text {
                        out.headings[h].text.push_str(&t);
                    }
                    if let Some(open) = &mut html_heading {
                        open.text.push_str(&t);
                    }
                }
                if let Some(&l) = links.last() {
                    push_link_text(&mut out.links[l], &t, &range);
                }
                push_prose(&mut out.prose, range, links.last().copied(), heading);
            }
            Event::Code(t) => {
                if let Some(h) = heading_text {
                    out.headings[h].text.push_str(&t);
                }
                if let Some(open) = &mut html_heading {
                    open.text.push_str(&t);
                }
                if let Some(&l) = links.last() {
                    push_link_text(&mut out.links[l], &t, &range);
                }
            }
            Event::FootnoteReference(label) => {
                let label = label.to_lowercase();
                let number = match footnotes.iter().position(|l| *l == label) {
                    Some(i) => i + 1,
                    None => {
                        footnotes.push(label);
                        footnotes.len()
                    }
                };
                // It renders as its number, which is then part of the heading's text.
                if let Some(h) = heading_text {
                    out.headings[h].text.push_str(&number.to_string());
                }
            }
            Event::InlineHtml(html) | Event::Html(html) if html_block.is_none() => {
                if let Some(h) = heading_text {
                    if is_filtered_tag(&html) {
                        out.headings[h].text.push_str(&html);
                    }
                }
                if scan_html(text, range, false, &mut html_heading, &mut out) {
                    heading_text = None;
                }
            }
            _ => {}
        }
    }
    // An unclosed `<hN>` runs to the end of the document, as a browser reads it.
    out.html_headings.extend(html_heading.map(|mut h| {
        h.span.end = text.len();
        h
    }));
    for (label, def) in iter.reference_definitions().iter() {
        let span = def.span.start + body_start..def.span.end + body_start;
        out.definitions.push(Definition {
            label: label.to_string(),
            label_span: definition_label_span(text, span.clone()),
            dest: def.dest.to_string(),
            dest_span: definition_dest_span(text, span),
        });
    }
    out.definitions.sort_by_key(|d| d.dest_span.start);
    // The first definition of a label is the one that counts.
    let mut by_label: HashMap<String, usize> = HashMap::with_capacity(out.definitions.len());
    for (i, d) in out.definitions.iter().enumerate() {
        by_label.entry(label_key(&d.label)).or_insert(i);
    }
    for (i, label) in reference_labels {
        let link = &mut out.links[i];
        let definition = by_label.get(&label_key(&label)).copied();
        link.definition = definition.map(|d| d as u32);
        if let Some(d) = definition {
            link.dest_span = out.definitions[d].dest_span.clone().into();
        }
    }
    finish_headings(text, &mut out.headings, &mut out.html_headings);
    unresolved.sort_by_key(|r: &UnresolvedReference| r.span.start);
    unresolved.dedup_by_key(|r| r.span.start);
    out.unresolved_references = unresolved;
    out.links.shrink_to_fit();
    out.prose.shrink_to_fit();
    out
}

/// pulldown-cmark reports `[label][]` without its `[]`; the span here is the whole reference.
fn unresolved_reference(text: &str, span: Range<usize>, broken: BrokenLink) -> UnresolvedReference {
    let form = match broken.link_type {
        LinkType::Reference => ReferenceForm::Full,
        LinkType::Collapsed => ReferenceForm::Collapsed,
        _ => ReferenceForm::Shortcut,
    };
    let end = if form == ReferenceForm::Collapsed && text[span.end..].starts_with("[]") {
        span.end + 2
    } else {
        span.end
    };
    UnresolvedReference {
        span: span.start..end,
        label: broken.reference.to_string(),
        form,
    }
}

/// pulldown-cmark ends a closing code fence, and an ATX heading's closing `#`s, only at
/// spaces, where CommonMark (and GitHub's cmark-gfm) also accept tabs: a fence closed
/// by "```\t" would run to the end of the file. Tabs at the end of such lines become
/// spaces, one byte for one, so every offset stays put.
fn normalise_trailing_tabs(body: &str) -> Cow<'_, str> {
    if !body.contains('\t') {
        return Cow::Borrowed(body);
    }
    let mut bytes = body.as_bytes().to_vec();
    let mut start = 0;
    while start < bytes.len() {
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| start + i);
        normalise_line(&mut bytes[start..end]);
        start = end + 1;
    }
    Cow::Owned(String::from_utf8(bytes).expect("tabs replaced by spaces keep UTF-8 valid"))
}

fn normalise_line(line: &mut [u8]) {
    let is_blank = |b: u8| b == b' ' || b == b'\t';
    // Skip block quote and list markers: the fence or heading may sit in a container.
    let content = line
        .iter()
        .position(|&b| !(is_blank(b) || b"\r>-+*.)".contains(&b) || b.is_ascii_digit()))
        .unwrap_or(line.len());
    let rest = &line[content..];
    let heading = rest.starts_with(b"#");
    if !(heading || rest.starts_with(b"```") || rest.starts_with(b"~~~")) {
        return;
    }
    let mut end = line.len();
    if line.last() == Some(&b'\r') {
        end -= 1;
    }
    let blank_run = |line: &mut [u8], mut i: usize| {
        while i > content && is_blank(line[i - 1]) {
            line[i - 1] = b' ';
            i -= 1;
        }
        i
    };
    let text_end = blank_run(line, end);
    if heading {
        // The white space before a closing sequence of `#`s.
        let hashes = line[content..text_end]
            .iter()
            .rposition(|&b| b != b'#')
            .map_or(content, |i| content + i + 1);
        if hashes < text_end {
            blank_run(line, hashes);
        }
    }
}

/// An opening or closing tag that GitHub's tagfilter escapes (`<script>`), which then
/// reads as text.
fn is_filtered_tag(html: &str) -> bool {
    let name = html.strip_prefix('<').unwrap_or("");
    let name = name.strip_prefix('/').unwrap_or(name);
    FILTERED_TAGS.iter().any(|tag| {
        name.get(..tag.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(tag))
            && name[tag.len()..]
                .starts_with(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
    })
}

/// A reference label as CommonMark matches it: case-insensitive, runs of white space
/// as one space.
pub fn label_key(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn push_link_text(link: &mut Link, t: &str, range: &Range<usize>) {
    link.text.push_str(t);
    if link.text_span.start == link.text_span.end {
        link.text_span = range.clone().into();
    } else {
        link.text_span.end = link.text_span.end.max(range.end as u32);
    }
}

fn push_prose(
    prose: &mut Vec<TextRun>,
    span: Range<usize>,
    link: Option<usize>,
    heading: Option<usize>,
) {
    if let Some(last) = prose.last_mut() {
        if last.span.end == span.start && last.link == link && last.heading == heading {
            last.span.end = span.end;
            return;
        }
    }
    prose.push(TextRun {
        span,
        link,
        heading,
    });
}

/// Locates the written target of an inline link: after the `](` that follows its text.
fn finish_link(text: &str, link: &mut Link) {
    if link.kind != LinkKind::Inline {
        return;
    }
    let span = link.span.range();
    let from = (link.text_span.end as usize).max(span.start);
    let Some(open) = text[from..span.end].find("](") else {
        return;
    };
    let start = from + open + 2;
    link.dest_span = dest_span(text, start, span.end).into();
}

/// The target's span from `start`: `<...>` whole, or up to white space or the closing paren.
fn dest_span(text: &str, start: usize, limit: usize) -> Range<usize> {
    let s = &text[start..limit];
    let lead = s.len() - s.trim_start().len();
    let start = start + lead;
    let s = &text[start..limit];
    if s.starts_with('<') {
        let end = s.find('>').map_or(s.len(), |i| i + 1);
        return start..start + end;
    }
    let mut depth = 0i32;
    let mut end = s.len();
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => {
                end = i;
                break;
            }
            ')' => depth -= 1,
            c if c.is_whitespace() => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    start..start + end
}

/// The label of a definition `[label]: target`, between its brackets (a label holds no
/// unescaped `]`).
fn definition_label_span(text: &str, span: Range<usize>) -> Range<usize> {
    let s = &text[span.clone()];
    let open = s.find('[').map_or(0, |i| i + 1);
    let close = s.find("]:").unwrap_or(open).max(open);
    span.start + open..span.start + close
}

fn definition_dest_span(text: &str, span: Range<usize>) -> Range<usize> {
    let s = &text[span.clone()];
    match s.find("]:") {
        Some(i) => dest_span(text, span.start + i + 2, span.end),
        None => span,
    }
}

/// Records comments, `id`/`name` anchors, links (`<a href>`, `<img src>`), raw
/// `<h1>`-`<h6>` headings and, for HTML blocks, the visible text. Whether a raw
/// heading starts here.
fn scan_html(
    text: &str,
    range: Range<usize>,
    block: bool,
    html_heading: &mut Option<HtmlHeading>,
    out: &mut Parsed,
) -> bool {
    let mut opened = false;
    let mut visible_from = range.start;
    for token in html::tokens(text, range.clone()) {
        match token {
            Token::Comment(span) => {
                if block {
                    visible_text(text, visible_from..span.start, out);
                }
                visible_from = span.end;
                out.html_comments.push(span);
            }
            Token::Text(span) => {
                if let Some(open) = html_heading {
                    open.text.push_str(&decode_entities(&text[span]));
                }
            }
            Token::Start { span, .. } | Token::End { span, .. }
                if html_heading.is_some() && is_filtered_tag(&text[span.clone()]) =>
            {
                if let Some(open) = html_heading {
                    open.text.push_str(&text[span]);
                }
            }
            Token::Start {
                name,
                attributes,
                span,
            } => {
                if let Some(level) = heading_level(name) {
                    opened = true;
                    // A new heading closes the open one, as in a browser.
                    out.html_headings.extend(html_heading.take());
                    *html_heading = Some(HtmlHeading {
                        level,
                        text: String::new(),
                        slug: String::new(),
                        span: span.clone(),
                    });
                }
                html_attributes(name, &attributes, span, out);
            }
            Token::End { name, span } => {
                if heading_level(name).is_some() {
                    if let Some(mut open) = html_heading.take() {
                        open.span.end = span.end;
                        out.html_headings.push(open);
                    }
                }
            }
        }
    }
    if block {
        visible_text(text, visible_from..range.end, out);
    }
    opened
}

fn heading_level(name: &str) -> Option<u8> {
    match name.as_bytes() {
        [b'h' | b'H', n @ b'1'..=b'6'] => Some(n - b'0'),
        _ => None,
    }
}

/// Anchors (`id` on any element, `name` on `<a>`) and link targets (`<a href>`,
/// `<img src>`, `<source src>`, and the URLs of a `srcset`) of one start tag.
fn html_attributes(
    tag: &str,
    attributes: &[html::Attribute],
    span: Range<usize>,
    out: &mut Parsed,
) {
    let is = |name: &str| tag.eq_ignore_ascii_case(name);
    for a in attributes {
        let name = a.name.to_ascii_lowercase();
        let anchor = name == "id" || (name == "name" && is("a"));
        if anchor {
            out.html_anchors
                .push((decode_entities(a.value).into_owned(), a.value_span.clone()));
        }
        let image = is("img") || is("source");
        let target = match name.as_str() {
            "href" => is("a"),
            "src" => image,
            _ => false,
        };
        if target {
            out.links
                .push(html_link(a.value, a.value_span.clone(), image, &span));
        }
        if name == "srcset" && image {
            // `url 2x, url 640w`: each candidate's URL, up to white space.
            let mut offset = a.value_span.start;
            for candidate in a.value.split(',') {
                let lead = candidate.len() - candidate.trim_start().len();
                let url = candidate.split_whitespace().next().unwrap_or("");
                let start = offset + lead;
                if !url.is_empty() {
                    out.links
                        .push(html_link(url, start..start + url.len(), true, &span));
                }
                offset += candidate.len() + 1;
            }
        }
    }
}

fn html_link(value: &str, value_span: Range<usize>, image: bool, tag: &Range<usize>) -> Link {
    Link {
        kind: LinkKind::Html,
        image,
        // A browser strips the white space around a URL.
        dest: decode_entities(value).trim().into(),
        dest_span: value_span.into(),
        text: String::new(),
        text_span: (tag.end..tag.end).into(),
        span: tag.clone().into(),
        definition: None,
    }
}

/// The text between tags of an HTML block, split at every tag.
fn visible_text(text: &str, range: Range<usize>, out: &mut Parsed) {
    let s = &text[range.clone()];
    let mut pos = 0;
    while pos < s.len() {
        let next_tag = s[pos..].find('<').map_or(s.len(), |i| pos + i);
        if !s[pos..next_tag].trim().is_empty() {
            out.html_text
                .push(range.start + pos..range.start + next_tag);
        }
        pos = s[next_tag..]
            .find('>')
            .map_or(s.len(), |i| next_tag + i + 1);
    }
}

/// Locates each heading's text, reads its `{#id}` and slugs it; Markdown and raw HTML
/// headings are numbered together, in document order, as GitHub numbers them.
fn finish_headings(text: &str, headings: &mut [Heading], html_headings: &mut [HtmlHeading]) {
    let mut slugger = Slugger::default();
    let mut raw = html_headings.iter_mut().peekable();
    for h in headings.iter_mut() {
        while let Some(r) = raw.next_if(|r| r.span.start < h.span.start) {
            r.slug = slugger.slug(&r.text);
            r.text = r.text.trim().to_string();
        }
        let raw = &text[h.span.clone()];
        let marker = raw.len() - raw.trim_start_matches([' ', '#']).len();
        if raw.trim_start().starts_with('#') {
            h.text_start = h.span.start + marker;
        }
        // Most headings have no attribute list: look for its braces before its pattern.
        h.custom_id = Some(&h.text)
            .filter(|t| t.contains('}'))
            .and_then(|t| ATTRIBUTE_BLOCK.captures(t))
            .and_then(|c| attribute_id(&c[1]))
            .or_else(|| {
                let rest = &text[h.span.end..];
                let next_line = if text[..h.span.end].ends_with('\n') {
                    rest
                } else {
                    rest.trim_start_matches('\r').strip_prefix('\n')?
                };
                if !next_line.trim_start_matches(' ').starts_with("{:") {
                    return None;
                }
                attribute_id(&ATTRIBUTE_LINE.captures(next_line)?[1])
            });
        // The parser has dropped the white space written around the text; what is
        // left (`&#x20;`, `&nbsp;`) is part of the text and of its slug, as on GitHub.
        h.slug = slugger.slug(&h.text);
        let trimmed = h.text.trim().to_string();
        h.text = trimmed;
    }
    for r in raw {
        r.slug = slugger.slug(&r.text);
        r.text = r.text.trim().to_string();
    }
}

/// The id an attribute list declares, as `#id` or `id=` in any quoting.
fn attribute_id(list: &str) -> Option<String> {
    ATTRIBUTE.captures_iter(list).find_map(|a| match a.get(1) {
        Some(key) if key.as_str() == "id" => (2..=4)
            .find_map(|i| a.get(i))
            .map(|v| v.as_str().to_string())
            .filter(|v| !v.is_empty()),
        Some(_) => None,
        None => ATTRIBUTE_ID.captures(&a[0]).map(|id| id[1].to_string()),
    })
}

static FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[ \t]*(?:>[ \t]*)?(?:[-*+][ \t]+)?\*\*([^*\n]+?)(?::\*\*|\*\*[ \t]*:)[ \t]*(.*?)[ \t]*\r?$").unwrap()
});

/// Collects `**Name**: value` lines under each heading, up to the next heading.
pub(crate) fn attach_fields(doc: &mut Document) {
    let text = &doc.text;
    let ends: Vec<usize> = doc
        .headings
        .iter()
        .skip(1)
        .map(|h| h.span.start)
        .chain(std::iter::once(text.len()))
        .collect();
    let mut all = Vec::new();
    for (i, h) in doc.headings.iter().enumerate() {
        let section = h.span.end.min(ends[i])..ends[i];
        let body = &text[section.clone()];
        let mut fields = Vec::new();
        // Only lines holding `**` can be fields: go from one to the next.
        let mut from = 0;
        while let Some(at) = body[from..].find("**").map(|i| from + i) {
            let line_start = body[..at].rfind('\n').map_or(0, |i| i + 1);
            let line_end = body[at..].find('\n').map_or(body.len(), |i| at + i);
            from = (line_end + 1).min(body.len());
            let line = &body[line_start..line_end];
            let start = section.start + line_start;
            if doc.in_code_block(start) {
                continue;
            }
            let Some(c) = FIELD.captures(line) else {
                continue;
            };
            let name = c.get(1).unwrap();
            let value = c.get(2).unwrap();
            fields.push(Field {
                name: name.as_str().trim().to_string(),
                value: value.as_str().to_string(),
                name_span: start + name.start()..start + name.end(),
                value_span: start + value.start()..start + value.end(),
            });
        }
        all.push(fields);
    }
    for (h, fields) in doc.headings.iter_mut().zip(all) {
        h.fields = fields;
    }
}

#[cfg(test)]
mod tests {
    use crate::{Document, LinkKind};

    fn doc(text: &str) -> Document {
        Document::parse("doc.md", text.to_string())
    }

    fn slugs(doc: &Document) -> Vec<&str> {
        doc.headings.iter().map(|h| h.slug.as_str()).collect()
    }

    #[test]
    fn a_fence_closed_by_a_tab_ends_the_code_block() {
        let text = "```sh\n# not a heading\n```\t\n\n# After\n\n~~~\nx\n~~~ \t\n\n## Also after\n";
        let d = doc(text);
        assert_eq!(slugs(&d), ["after", "also-after"]);
        assert_eq!(
            &d.text[d.code_blocks[0].clone()],
            "```sh\n# not a heading\n```\t"
        );
        // Offsets are those of the file as written.
        assert_eq!(d.headings[0].span.start, text.find("# After").unwrap());
    }

    #[test]
    fn a_tab_around_closing_hashes_ends_the_heading() {
        let d = doc("## Done #\t\n\n## Tab\t#\n\n> ## Quoted ##\t\n\n## C#\t\n");
        assert_eq!(slugs(&d), ["done", "tab", "quoted", "c"]);
    }

    #[test]
    fn character_references_keep_their_spaces_in_the_slug() {
        let d = doc("# &#x20;a\n\n# b&#32;\n\n#   c  \n\nSetext&nbsp;\n===\n");
        assert_eq!(slugs(&d), ["-a", "b-", "c", "setext"]);
        assert_eq!(d.headings[0].text, "a");
    }

    #[test]
    fn padded_attribute_blocks_give_an_id() {
        let d =
            doc("## Setup { #setup }\n\n## Run {#run .wide}\n\n## Map {.wide #map}\n\n## f() {}\n");
        let ids: Vec<_> = d.headings.iter().map(|h| h.custom_id.as_deref()).collect();
        assert_eq!(ids, [Some("setup"), Some("run"), Some("map"), None]);
        assert_eq!(d.headings[0].slug, "setup--setup-");
    }

    #[test]
    fn id_attributes_in_any_quoting_give_an_id() {
        let d = doc(concat!(
            "### 9.7.0 <small>May 2025</small> { id=\"9.7.0\" }\n\n",
            "## Navigation { id=navigation-path }\n\n",
            "## Quoted { .wide id='quoted-id' }\n\n",
            "## Titled { title=\"see #other\" }\n\n",
            "## Empty { id=\"\" }\n\n",
            "## Kramdown {: #kramdown}\n\n",
            "## Joined {:#joined}\n",
        ));
        let ids: Vec<_> = d.headings.iter().map(|h| h.custom_id.as_deref()).collect();
        assert_eq!(
            ids,
            [
                Some("9.7.0"),
                Some("navigation-path"),
                Some("quoted-id"),
                None,
                None,
                Some("kramdown"),
                Some("joined"),
            ]
        );
        // GitHub does not read attributes: the slug keeps their text.
        assert_eq!(d.headings[0].slug, "970-may-2025--id970-");
        assert_eq!(d.headings[1].slug, "navigation--idnavigation-path-");
    }

    #[test]
    fn a_kramdown_attribute_line_right_after_a_heading_gives_an_id() {
        let d = doc(concat!(
            "## Setup\n{: #setup-steps}\n\n",
            "Setext\n======\r\n{: .wide id=\"setext-id\"}\n\n",
            "## Apart\n\n{: #not-attached}\n\n",
            "## Code\n    {: #indented}\n",
        ));
        let ids: Vec<_> = d.headings.iter().map(|h| h.custom_id.as_deref()).collect();
        assert_eq!(ids, [Some("setup-steps"), Some("setext-id"), None, None]);
        assert_eq!(d.headings[0].slug, "setup");
    }

    #[test]
    fn footnote_references_and_filtered_tags_read_as_github_renders_them() {
        let d = doc("# Limits[^b] and [^a]\n\n# Run <script> safely\n\n[^a]: A.\n[^b]: B.\n");
        assert_eq!(slugs(&d), ["limits1-and-2", "run-script-safely"]);
    }

    #[test]
    fn raw_html_headings_are_numbered_with_markdown_headings() {
        let text = "# Install\n\n<h2 align=\"center\">Install</h2>\n\n<H3>Q&amp;A <em>now</em></H3>\n\n## Install\n\n## Q&A now\n";
        let d = doc(text);
        assert_eq!(slugs(&d), ["install", "install-2", "qa-now-1"]);
        let raw: Vec<_> = d
            .html_headings
            .iter()
            .map(|h| (h.level, h.slug.as_str(), h.text.as_str()))
            .collect();
        assert_eq!(raw, [(2, "install-1", "Install"), (3, "qa-now", "Q&A now")]);
        assert_eq!(
            &text[d.html_headings[1].span.clone()],
            "<H3>Q&amp;A <em>now</em></H3>"
        );
    }

    #[test]
    fn raw_headings_read_filtered_tags_as_text_and_skip_alt_text() {
        let d = doc("<h2>Run <script>x</script></h2>\n\n<h3>\n\n![logo](l.png) Name\n\n</h3>\n");
        let raw: Vec<_> = d.html_headings.iter().map(|h| h.slug.as_str()).collect();
        assert_eq!(raw, ["run-scriptxscript", "-name"]);
    }

    #[test]
    fn a_raw_heading_tag_inside_a_heading_ends_it() {
        let d = doc("## Intro <h3>Inner</h3> tail\n");
        assert_eq!(slugs(&d), ["intro-"]);
        assert_eq!(d.html_headings[0].slug, "inner");
    }

    #[test]
    fn html_href_and_src_are_links_located_at_their_values() {
        let text = "See <a href=\"a.md#x\">DEP-001</a>.\n\n<p>\n  <img src='i&amp;j.png'>\n  <!-- <img src=\"old.png\"> -->\n  <source srcset=\"d.png 2x, e.png\">\n</p>\n";
        let d = doc(text);
        let links: Vec<_> = d
            .links
            .iter()
            .map(|l| (l.kind, l.image, &*l.dest, &text[l.dest_span.range()]))
            .collect();
        assert_eq!(
            links,
            [
                (LinkKind::Html, false, "a.md#x", "a.md#x"),
                (LinkKind::Html, true, "i&j.png", "i&amp;j.png"),
                (LinkKind::Html, true, "d.png", "d.png"),
                (LinkKind::Html, true, "e.png", "e.png"),
            ]
        );
        // The words of an HTML link are prose, not the text of a link.
        assert!(d.links[0].text.is_empty());
        assert!(d.prose.iter().all(|r| r.link.is_none()));
    }

    #[test]
    fn definitions_are_located_at_their_label_and_target() {
        let text = "See [DEP-1][a].\n\n> [a]: x.md#y\n   [B\nc]: <z.md>\n";
        let d = doc(text);
        let located: Vec<_> = d
            .definitions
            .iter()
            .map(|def| (&text[def.label_span.clone()], &text[def.dest_span.clone()]))
            .collect();
        assert_eq!(located, [("a", "x.md#y"), ("B\nc", "<z.md>")]);
    }

    #[test]
    fn html_anchors_skip_comments_and_decode_references() {
        let d = doc("<a name=\"q&amp;a\"></a> <!-- <a id=\"old\"> --> <span id=x></span>\n");
        let anchors: Vec<_> = d.html_anchors.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(anchors, ["q&a", "x"]);
    }
}
