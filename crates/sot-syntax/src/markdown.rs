//! The Markdown walk: pulldown-cmark events with byte offsets turned into the
//! document's headings, links, prose runs, code blocks and HTML pieces.

use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{BrokenLink, Event, LinkType, Options, Parser, Tag, TagEnd};
use regex::Regex;

use crate::{
    Definition, Document, Field, Heading, Link, LinkKind, ReferenceForm, Slugger, TextRun,
    UnresolvedReference,
};

pub(crate) struct Parsed {
    pub headings: Vec<Heading>,
    pub html_anchors: Vec<(String, Range<usize>)>,
    pub links: Vec<Link>,
    pub definitions: Vec<Definition>,
    pub prose: Vec<TextRun>,
    pub code_blocks: Vec<Range<usize>>,
    pub html_comments: Vec<Range<usize>>,
    pub html_text: Vec<Range<usize>>,
    pub unresolved_references: Vec<UnresolvedReference>,
}

static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<([A-Za-z][A-Za-z0-9-]*)\b[^>]*>").unwrap());
static ANCHOR_ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\s(id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))"#).unwrap()
});
static CUSTOM_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*\{#([A-Za-z0-9_:.\-]+)[^}]*\}\s*$").unwrap());

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
    let mut out = Parsed {
        headings: Vec::new(),
        html_anchors: Vec::new(),
        links: Vec::new(),
        definitions: Vec::new(),
        prose: Vec::new(),
        code_blocks: Vec::new(),
        html_comments: Vec::new(),
        html_text: Vec::new(),
        unresolved_references: Vec::new(),
    };
    let mut heading: Option<usize> = None;
    let mut links: Vec<usize> = Vec::new();
    let mut code_depth = 0usize;
    let mut image_depth = 0usize;
    let mut html_block: Option<usize> = None;
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
    let mut iter =
        Parser::new_with_broken_link_callback(body, options(), Some(&mut record_unresolved))
            .into_offset_iter();
    for (event, range) in iter.by_ref() {
        let range = shift(range);
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some(out.headings.len());
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
            Event::End(TagEnd::Heading(_)) => heading = None,
            Event::Start(Tag::CodeBlock(_)) => {
                code_depth += 1;
                out.code_blocks.push(range);
            }
            Event::End(TagEnd::CodeBlock) => code_depth -= 1,
            Event::Start(Tag::HtmlBlock) => html_block = Some(range.start),
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(start) = html_block.take() {
                    let end = range.end.max(start);
                    scan_html(text, start..end, true, &mut out);
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
                    dest: dest_url.to_string(),
                    dest_span: range.clone(),
                    text: String::new(),
                    text_span: range.start..range.start,
                    span: range,
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
                if let Some(h) = heading {
                    if image_depth == 0 {
                        out.headings[h].text.push_str(&t);
                    }
                }
                if let Some(&l) = links.last() {
                    push_link_text(&mut out.links[l], &t, &range);
                }
                push_prose(&mut out.prose, range, links.last().copied(), heading);
            }
            Event::Code(t) => {
                if let Some(h) = heading {
                    out.headings[h].text.push_str(&t);
                }
                if let Some(&l) = links.last() {
                    push_link_text(&mut out.links[l], &t, &range);
                }
            }
            Event::InlineHtml(_) | Event::Html(_) if html_block.is_none() => {
                scan_html(text, range, false, &mut out);
            }
            _ => {}
        }
    }
    for (label, def) in iter.reference_definitions().iter() {
        let span = def.span.start + body_start..def.span.end + body_start;
        out.definitions.push(Definition {
            label: label.to_string(),
            dest: def.dest.to_string(),
            dest_span: definition_dest_span(text, span),
        });
    }
    out.definitions.sort_by_key(|d| d.dest_span.start);
    for (i, label) in reference_labels {
        let link = &mut out.links[i];
        link.definition = out
            .definitions
            .iter()
            .position(|d| unicase_eq(&d.label, &label));
        if let Some(d) = link.definition {
            link.dest_span = out.definitions[d].dest_span.clone();
        }
    }
    finish_headings(text, &mut out.headings);
    unresolved.sort_by_key(|r: &UnresolvedReference| r.span.start);
    unresolved.dedup_by_key(|r| r.span.start);
    out.unresolved_references = unresolved;
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

fn unicase_eq(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

fn push_link_text(link: &mut Link, t: &str, range: &Range<usize>) {
    link.text.push_str(t);
    if link.text_span.is_empty() {
        link.text_span = range.clone();
    } else {
        link.text_span.end = link.text_span.end.max(range.end);
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
    let from = link.text_span.end.max(link.span.start);
    let Some(open) = text[from..link.span.end].find("](") else {
        return;
    };
    let start = from + open + 2;
    link.dest_span = dest_span(text, start, link.span.end);
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

fn definition_dest_span(text: &str, span: Range<usize>) -> Range<usize> {
    let s = &text[span.clone()];
    match s.find("]:") {
        Some(i) => dest_span(text, span.start + i + 2, span.end),
        None => span,
    }
}

/// Records comments, `id`/`name` anchors and, for HTML blocks, the visible text.
fn scan_html(text: &str, range: Range<usize>, block: bool, out: &mut Parsed) {
    let html = &text[range.clone()];
    let mut visible_from = 0;
    let mut pos = 0;
    while let Some(open) = html[pos..].find("<!--") {
        let start = pos + open;
        let end = html[start + 4..]
            .find("-->")
            .map_or(html.len(), |i| start + 4 + i + 3);
        out.html_comments
            .push(range.start + start..range.start + end);
        if block {
            visible_text(text, range.start + visible_from..range.start + start, out);
        }
        visible_from = end;
        pos = end;
    }
    if block {
        visible_text(text, range.start + visible_from..range.end, out);
    }
    // `id` makes an anchor on any element, `name` only on `<a>`.
    for tag in TAG.captures_iter(html) {
        let is_a = tag[1].eq_ignore_ascii_case("a");
        let whole = tag.get(0).unwrap();
        for attr in ANCHOR_ATTR.captures_iter(whole.as_str()) {
            if !is_a && attr[1].eq_ignore_ascii_case("name") {
                continue;
            }
            let value = (2..=4).find_map(|g| attr.get(g)).unwrap();
            let start = range.start + whole.start() + value.start();
            out.html_anchors
                .push((value.as_str().to_string(), start..start + value.len()));
        }
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

fn finish_headings(text: &str, headings: &mut [Heading]) {
    let mut slugger = Slugger::default();
    for h in headings.iter_mut() {
        let raw = &text[h.span.clone()];
        let marker = raw.len() - raw.trim_start_matches([' ', '#']).len();
        if raw.trim_start().starts_with('#') {
            h.text_start = h.span.start + marker;
        }
        if h.text.contains("{#") {
            h.custom_id = CUSTOM_ID.captures(&h.text).map(|c| c[1].to_string());
        }
        let trimmed = h.text.trim().to_string();
        h.text = trimmed;
        h.slug = slugger.slug(&h.text);
    }
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
        let mut fields = Vec::new();
        let mut line_start = section.start;
        for line in text[section.clone()].split_inclusive('\n') {
            let start = line_start;
            line_start += line.len();
            let line = line.strip_suffix('\n').unwrap_or(line);
            if !line.contains("**") || doc.in_code_block(start) {
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
