//! Raw HTML written in Markdown: comments, tags with their attributes, and text, each
//! located by byte span, and character references decoded as a browser decodes them.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{Event, Parser};
use regex::Regex;

#[derive(Debug)]
pub(crate) enum Token<'a> {
    Comment(Range<usize>),
    Start {
        name: &'a str,
        attributes: Vec<Attribute<'a>>,
        span: Range<usize>,
    },
    End {
        name: &'a str,
        span: Range<usize>,
    },
    Text(Range<usize>),
}

#[derive(Debug)]
pub(crate) struct Attribute<'a> {
    pub name: &'a str,
    /// As written, between its quotes; empty for an attribute without a value.
    pub value: &'a str,
    pub value_span: Range<usize>,
}

/// The tokens of `text[range]`, in order, with spans into `text`.
pub(crate) fn tokens(text: &str, range: Range<usize>) -> Vec<Token<'_>> {
    let bytes = text.as_bytes();
    let end = range.end;
    let mut out = Vec::new();
    let mut pos = range.start;
    let mut text_from = pos;
    while pos < end {
        if bytes[pos] != b'<' {
            pos += 1;
            continue;
        }
        let token_end;
        let token = if text[pos..end].starts_with("<!--") {
            token_end = text[pos + 4..end]
                .find("-->")
                .map_or(end, |i| pos + 4 + i + 3);
            Some(Token::Comment(pos..token_end))
        } else if let Some((token, after)) = tag(text, pos, end) {
            token_end = after;
            Some(token)
        } else if text[pos..end].starts_with("<!") || text[pos..end].starts_with("<?") {
            // A declaration or processing instruction: neither text nor a tag.
            token_end = text[pos..end].find('>').map_or(end, |i| pos + i + 1);
            None
        } else {
            pos += 1;
            continue;
        };
        if text_from < pos {
            out.push(Token::Text(text_from..pos));
        }
        out.extend(token);
        pos = token_end;
        text_from = pos;
    }
    if text_from < end {
        out.push(Token::Text(text_from..end));
    }
    out
}

/// A start or end tag at `pos` (which holds `<`), and the offset after it.
fn tag(text: &str, pos: usize, end: usize) -> Option<(Token<'_>, usize)> {
    let bytes = &text.as_bytes()[..end];
    let closing = bytes.get(pos + 1) == Some(&b'/');
    let name_start = pos + 1 + usize::from(closing);
    if !bytes.get(name_start)?.is_ascii_alphabetic() {
        return None;
    }
    let name_end = scan(bytes, name_start, |b| {
        b.is_ascii_alphanumeric() || b == b'-'
    });
    let name = &text[name_start..name_end];
    if closing {
        let after = scan(bytes, name_end, |b| b.is_ascii_whitespace());
        return (bytes.get(after) == Some(&b'>')).then(|| {
            let span = pos..after + 1;
            (Token::End { name, span }, after + 1)
        });
    }
    let mut attributes = Vec::new();
    let mut i = name_end;
    loop {
        let spaced = scan(bytes, i, |b| b.is_ascii_whitespace());
        let tag_end = match bytes.get(spaced)? {
            b'>' => Some(spaced + 1),
            b'/' if bytes.get(spaced + 1) == Some(&b'>') => Some(spaced + 2),
            _ if spaced == i => return None,
            _ => None,
        };
        if let Some(tag_end) = tag_end {
            let span = pos..tag_end;
            return Some((
                Token::Start {
                    name,
                    attributes,
                    span,
                },
                tag_end,
            ));
        }
        let attr_start = spaced;
        let attr_end = scan(bytes, attr_start, |b| {
            !(b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'>' | b'/' | b'='))
        });
        if attr_end == attr_start {
            return None;
        }
        let attr_name = &text[attr_start..attr_end];
        let eq = scan(bytes, attr_end, |b| b.is_ascii_whitespace());
        if bytes.get(eq) != Some(&b'=') {
            attributes.push(Attribute {
                name: attr_name,
                value: "",
                value_span: attr_end..attr_end,
            });
            i = attr_end;
            continue;
        }
        let v = scan(bytes, eq + 1, |b| b.is_ascii_whitespace());
        let (value_span, after) = match *bytes.get(v)? {
            quote @ (b'"' | b'\'') => {
                let close = v + 1 + text[v + 1..end].find(quote as char)?;
                (v + 1..close, close + 1)
            }
            _ => {
                let e = scan(bytes, v, |b| {
                    !(b.is_ascii_whitespace()
                        || matches!(b, b'"' | b'\'' | b'=' | b'<' | b'>' | b'`'))
                });
                if e == v {
                    return None;
                }
                (v..e, e)
            }
        };
        attributes.push(Attribute {
            name: attr_name,
            value: &text[value_span.clone()],
            value_span,
        });
        i = after;
    }
}

fn scan(bytes: &[u8], from: usize, keep: impl Fn(u8) -> bool) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| !keep(b))
        .map_or(bytes.len(), |i| from + i)
}

static CHARACTER_REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"&(?:#[xX][0-9A-Fa-f]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});").unwrap()
});

/// `s` with its character references (`&amp;`, `&#x20;`) decoded; unknown names stay.
pub(crate) fn decode_entities(s: &str) -> Cow<'_, str> {
    CHARACTER_REFERENCE.replace_all(s, |c: &regex::Captures| {
        // A reference alone is a paragraph holding its character: the parser's own
        // table (HTML5's) decodes it.
        let reference = &c[0];
        Parser::new(reference)
            .filter_map(|e| match e {
                Event::Text(t) => Some(t.into_string()),
                _ => None,
            })
            .collect::<String>()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_attributes_comments_and_text_are_located() {
        let html = "<a href=\"x.md\" id=b data-x='1>2'>t</a><!-- <img src=\"c\"> --><br/>";
        let toks = tokens(html, 0..html.len());
        let Token::Start {
            name, attributes, ..
        } = &toks[0]
        else {
            panic!("{toks:?}")
        };
        assert_eq!(*name, "a");
        let attrs: Vec<_> = attributes.iter().map(|a| (a.name, a.value)).collect();
        assert_eq!(attrs, [("href", "x.md"), ("id", "b"), ("data-x", "1>2")]);
        assert_eq!(&html[attributes[0].value_span.clone()], "x.md");
        assert!(matches!(toks[1], Token::Text(ref r) if &html[r.clone()] == "t"));
        assert!(matches!(toks[2], Token::End { name: "a", .. }));
        assert!(matches!(toks[3], Token::Comment(_)));
        assert!(matches!(toks[4], Token::Start { name: "br", .. }));
        assert_eq!(toks.len(), 5);
    }

    #[test]
    fn a_lone_angle_bracket_is_text() {
        let html = "a < b <3 <x";
        let toks = tokens(html, 0..html.len());
        assert!(matches!(&toks[..], [Token::Text(r)] if *r == (0..html.len())));
    }

    #[test]
    fn character_references_decode_with_the_html5_table() {
        assert_eq!(
            decode_entities("a&amp;b&#x20;&#32;&nbsp;&copy;&bogus;&#0;"),
            "a&b  \u{a0}©&bogus;\u{fffd}"
        );
    }
}
