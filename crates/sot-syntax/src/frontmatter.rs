//! YAML frontmatter: finding the block, parsing it, and locating its keys and values.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::Problem;

/// A frontmatter block that was found at the top of a document.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Frontmatter {
    /// From the opening `---` to the end of the closing line.
    pub span: Range<usize>,
    /// The parsed mapping's string keys with their values; `None` when the YAML is
    /// invalid (a [`Problem`] says why).
    pub mapping: Option<Fields>,
    /// Every top-level key with its line, in file order.
    pub keys: Vec<Key>,
    /// Every scalar value written on a line (top-level, nested, list items), comments
    /// stripped and quotes removed, for placeholder checks.
    /// Not in the lean form: only a document being checked is searched for them.
    #[serde(skip)]
    pub values: Vec<Value>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Key {
    pub name: String,
    pub span: Range<usize>,
    /// The value written on the key's line, if any (comment and quotes stripped).
    pub value: Option<Value>,
    /// The YAML comment on the key's line, without `#` (templates mark keys
    /// `# REQUIRED: a | b | c`).
    /// Not in the lean form: only a template, always read whole, is asked for it.
    #[serde(skip)]
    pub comment: Option<String>,
}

/// Top-level keys with their values, in file order.
pub type Fields = Box<[(Box<str>, FieldValue)]>;

/// A top-level value, as much of it as checks read: a scalar as its text, a list by
/// its strings, anything else as being there. Kept instead of the YAML tree, which
/// takes several times the room.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FieldValue {
    Null,
    String(Box<str>),
    /// A number or a boolean, as YAML writes it (`1.0`, `true`).
    Scalar(Box<str>),
    /// A list, by the strings among its items.
    List(Box<[Box<str>]>),
    /// A nested mapping or a tagged value.
    Other,
}

impl FieldValue {
    fn of(value: serde_yaml::Value) -> FieldValue {
        use serde_yaml::Value as Yaml;
        match value {
            Yaml::Null => FieldValue::Null,
            Yaml::String(s) => FieldValue::String(s.into()),
            Yaml::Number(n) => FieldValue::Scalar(n.to_string().into()),
            Yaml::Bool(b) => FieldValue::Scalar(b.to_string().into()),
            Yaml::Sequence(items) => FieldValue::List(
                items
                    .into_iter()
                    .filter_map(|i| match i {
                        Yaml::String(s) => Some(s.into()),
                        _ => None,
                    })
                    .collect(),
            ),
            Yaml::Mapping(_) | Yaml::Tagged(_) => FieldValue::Other,
        }
    }

    /// The strings the value holds: itself, or a list's.
    pub fn strings(&self) -> Vec<&str> {
        match self {
            FieldValue::String(s) => vec![s],
            FieldValue::List(items) => items.iter().map(|i| &**i).collect(),
            _ => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Value {
    /// Not in the lean form: only a document being checked (or a template) reads it;
    /// other documents' checks read where a value is written.
    #[serde(skip)]
    pub text: String,
    pub span: Range<usize>,
}

impl Frontmatter {
    pub fn get(&self, key: &str) -> Option<&FieldValue> {
        let mapping = self.mapping.as_ref()?;
        mapping.iter().find(|(k, _)| &**k == key).map(|(_, v)| v)
    }

    pub fn key(&self, name: &str) -> Option<&Key> {
        self.keys.iter().find(|k| k.name == name)
    }

    /// A key's value as text when it is a scalar (`1.0` gives `"1.0"`).
    pub fn scalar(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            FieldValue::String(s) | FieldValue::Scalar(s) => Some(s.to_string()),
            _ => None,
        }
    }
}

/// Splits off a frontmatter block starting at `start` (after any BOM). Returns the block
/// (if the text opens with `---`) and the offset where the Markdown body begins.
pub(crate) fn split(text: &str, problems: &mut Vec<Problem>) -> (Option<Frontmatter>, usize) {
    let first_end = line_end(text, 0);
    if text[..first_end].trim_end_matches(['\r', '\n']) != "---" {
        return (None, 0);
    }
    let body_start = first_end;
    let mut pos = body_start;
    while pos < text.len() {
        let end = line_end(text, pos);
        let line = text[pos..end].trim_end_matches(['\r', '\n']);
        if line == "---" || line == "..." {
            let fm = parse(text, 0..end, body_start..pos, problems);
            return (Some(fm), end);
        }
        pos = end;
    }
    problems.push(Problem::invalid_frontmatter(
        "frontmatter block is not closed: no line `---` or `...` ends it",
        0..3,
        "end the frontmatter with a line `---`, or remove the opening `---`",
    ));
    (None, 0)
}

fn line_end(text: &str, from: usize) -> usize {
    text[from..].find('\n').map_or(text.len(), |i| from + i + 1)
}

fn parse(
    text: &str,
    span: Range<usize>,
    body: Range<usize>,
    problems: &mut Vec<Problem>,
) -> Frontmatter {
    let yaml = &text[body.clone()];
    let (keys, values) = scan_lines(text, body.clone());
    let mapping = match serde_yaml::from_str::<serde_yaml::Value>(yaml) {
        // Only string keys can be asked for.
        Ok(serde_yaml::Value::Mapping(m)) => Some(
            m.into_iter()
                .filter_map(|(k, v)| match k {
                    serde_yaml::Value::String(k) => Some((k.into(), FieldValue::of(v))),
                    _ => None,
                })
                .collect(),
        ),
        Ok(serde_yaml::Value::Null) => Some(Box::default()),
        Ok(other) => {
            let kind = match other {
                serde_yaml::Value::Sequence(_) => "a list",
                _ => "a single value",
            };
            problems.push(Problem::invalid_frontmatter(
                format!("frontmatter must be a mapping of keys to values, but it is {kind}"),
                body.start..body.end.max(body.start),
                "write the frontmatter as `key: value` lines",
            ));
            None
        }
        // A generator's template (a Hugo archetype: `date: {{ .Date }}`) is filled in
        // when a page is made from it; it is no YAML until then.
        Err(_) if ["{{", "{%"].iter().any(|t| yaml.contains(t)) => None,
        Err(err) => {
            let message = err.to_string();
            let before = problems.len();
            if message.contains("duplicate entry") {
                report_duplicate_keys(&keys, problems);
            }
            if problems.len() == before {
                // "while scanning a quoted scalar at line 2" names where the trouble
                // starts; the error's own location is where the parser gave up.
                let at = scan_start(yaml, &message)
                    .map(|i| body.start + i)
                    .unwrap_or_else(|| {
                        err.location()
                            .map_or(body.start, |l| (body.start + l.index()).min(body.end))
                    });
                problems.push(Problem::invalid_frontmatter(
                    format!("frontmatter is not valid YAML: {}", file_lines(&message)),
                    line_span_at(text, at, &body),
                    "fix the YAML at the marked line (a quote, bracket or indentation)",
                ));
            }
            None
        }
    };
    if mapping.is_some() {
        report_duplicate_keys(&keys, problems);
    }
    Frontmatter {
        span,
        mapping,
        keys,
        values,
    }
}

/// serde_yaml keeps the last of two equal keys silently in some versions; the
/// line scan catches them either way.
fn report_duplicate_keys(keys: &[Key], problems: &mut Vec<Problem>) {
    for (i, key) in keys.iter().enumerate() {
        if keys[..i].iter().any(|k| k.name == key.name) {
            problems.push(Problem::invalid_frontmatter(
                format!("duplicate frontmatter key `{}`", key.name),
                key.span.clone(),
                "keep one of the two values and remove the other key",
            ));
        }
    }
}

/// The offset in `yaml` of the construct a "while scanning ... at line L column C"
/// message names.
fn scan_start(yaml: &str, message: &str) -> Option<usize> {
    static SCANNING: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"while \w+ .*? at line (\d+) column (\d+)").unwrap());
    let c = SCANNING.captures(message)?;
    let line: usize = c[1].parse().ok()?;
    let column: usize = c[2].parse().ok()?;
    let start = yaml
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum::<usize>();
    let rest = yaml.get(start..)?;
    let offset = rest
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(rest.len(), |(i, _)| i);
    Some(start + offset)
}

/// serde_yaml counts lines from the first line of YAML; readers count from the top of
/// the file, where the opening `---` is line 1.
fn file_lines(message: &str) -> String {
    static LINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"line (\d+)").unwrap());
    LINE.replace_all(message, |c: &regex::Captures| {
        format!("line {}", c[1].parse::<usize>().map_or(0, |n| n + 1))
    })
    .into_owned()
}

/// From the error's mark to the end of its line; an error at the very end of the
/// block (an unclosed quote) marks the last line with text instead.
fn line_span_at(text: &str, at: usize, body: &Range<usize>) -> Range<usize> {
    let mut at = at.clamp(body.start, body.end.max(body.start));
    if at < body.end && !text[at..].starts_with(char::is_whitespace) {
        let end = text[at..].find(['\r', '\n']).map_or(text.len(), |i| at + i);
        return at..end;
    }
    // An error at the very end (an unclosed quote) belongs to the last line with text.
    while at > body.start && text[..at].ends_with(['\n', '\r', ' ']) {
        at -= 1;
    }
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1).max(body.start);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let line = &text[start..end];
    let trimmed_start = start + (line.len() - line.trim_start().len());
    let trimmed_end = start + line.trim_end().len();
    if trimmed_end > trimmed_start {
        trimmed_start..trimmed_end
    } else {
        start..start
    }
}

/// Finds top-level keys and every value written on a line, with spans. YAML itself
/// keeps no positions, so this reads the lines the way a person does.
fn scan_lines(text: &str, body: Range<usize>) -> (Vec<Key>, Vec<Value>) {
    let mut keys = Vec::new();
    let mut values = Vec::new();
    let mut pos = body.start;
    while pos < body.end {
        let end = line_end(text, pos).min(body.end);
        let line = text[pos..end].trim_end_matches(['\r', '\n']);
        let indent = line.len() - line.trim_start().len();
        let rest = &line[indent..];
        if rest.is_empty() || rest.starts_with('#') {
            pos = end;
            continue;
        }
        let mut cursor = indent;
        let item = rest
            .strip_prefix("- ")
            .or_else(|| (rest == "-").then_some(""));
        if let Some(item) = item {
            cursor += rest.len() - item.len();
        }
        let after_dash = &line[cursor..];
        let mut key_name = None;
        if let Some(colon) = key_colon(after_dash) {
            let name = after_dash[..colon].trim();
            let name = name.trim_matches(['"', '\'']);
            if indent == 0 && item.is_none() {
                key_name = Some((name.to_string(), pos + cursor..pos + cursor + colon));
            }
            cursor += colon + 1;
        }
        let items = flow_items(text, pos + cursor, pos + line.len());
        let value = match items.as_slice() {
            [] => None,
            [one] if !text[one.span.clone()].is_empty() => {
                value_at(text, one.span.start, one.span.end)
            }
            _ => None,
        };
        if let Some((name, span)) = key_name {
            keys.push(Key {
                name,
                span,
                value: value.clone(),
                comment: comment_of(line),
            });
        }
        match value {
            Some(v) => values.push(v),
            None => values.extend(
                items
                    .iter()
                    .filter_map(|i| value_at(text, i.span.start, i.span.end)),
            ),
        }
        pos = end;
    }
    (keys, values)
}

/// The comment of a YAML line: from a `#` outside quotes that starts the line or
/// follows white space.
fn comment_of(line: &str) -> Option<String> {
    let mut quote = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            // A quote opens a scalar only where one can start (`team's` is no quote).
            (None, '"' | '\'') if i == 0 || line[..i].ends_with([' ', ':', '[', ',']) => {
                quote = Some(c)
            }
            (Some(q), c) if c == q => quote = None,
            (None, '#') if i == 0 || line[..i].ends_with([' ', '\t']) => {
                return Some(line[i + 1..].trim().to_string());
            }
            _ => {}
        }
    }
    None
}

/// The position of the colon ending a `key:` (followed by space or end of line).
fn key_colon(s: &str) -> Option<usize> {
    if s.starts_with(['"', '\'', '[', '{', '|', '>']) {
        return None;
    }
    let bytes = s.as_bytes();
    (0..bytes.len()).find(|&i| {
        bytes[i] == b':' && (i + 1 == bytes.len() || bytes[i + 1] == b' ' || bytes[i + 1] == b'\t')
    })
}

/// The pieces of a value: the items of a one-line flow list (`["a", "b"]`), else the
/// value itself. Quotes and comments are handled per item by [`value_at`].
fn flow_items(text: &str, from: usize, to: usize) -> Vec<Value> {
    let raw = &text[from..to];
    let lead = raw.len() - raw.trim_start().len();
    let start = from + lead;
    let body = raw.trim();
    let whole = vec![Value {
        text: String::new(),
        span: from..to,
    }];
    let Some(inner) = body.strip_prefix('[') else {
        return whole;
    };
    let Some(close) = closing_bracket(inner) else {
        return whole;
    };
    let mut items = Vec::new();
    let mut item_start = start + 1;
    let mut quote = None;
    for (i, c) in inner[..close].char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ',') => {
                items.push(Value {
                    text: String::new(),
                    span: item_start..start + 1 + i,
                });
                item_start = start + 1 + i + 1;
            }
            _ => {}
        }
    }
    items.push(Value {
        text: String::new(),
        span: item_start..start + 1 + close,
    });
    items
}

/// The index of the `]` closing a flow list, skipping quoted text.
fn closing_bracket(inner: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in inner.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ']') => return Some(i),
            _ => {}
        }
    }
    None
}

/// The scalar written between `from` and `to`, comment stripped and unquoted.
fn value_at(text: &str, from: usize, to: usize) -> Option<Value> {
    let raw = &text[from..to];
    let lead = raw.len() - raw.trim_start().len();
    let raw = &raw[lead..];
    let start = from + lead;
    let mut end = raw.len();
    let mut quote = None;
    for (i, c) in raw.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') if i == 0 => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if i == 0 || raw[..i].ends_with([' ', '\t']) => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let mut value = raw[..end].trim_end();
    let mut offset = start;
    if value.len() >= 2
        && ((value.starts_with('"') && value.ends_with('"'))
            || (value.starts_with('\'') && value.ends_with('\'')))
    {
        value = &value[1..value.len() - 1];
        offset += 1;
    }
    if value.is_empty() || value == "|" || value == ">" {
        return None;
    }
    Some(Value {
        text: value.to_string(),
        span: offset..offset + value.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keep_what_checks_read() {
        let text = "---\nowner: \"Team A\"\nversion: 1.0\nlive: true\nempty:\n\
                    id_prefix: [DEP-XXX, 7, RUN-XXX]\nnested: {a: 1}\n3: three\n---\n# T\n";
        let (fm, _) = split(text, &mut Vec::new());
        let fm = fm.unwrap();
        assert_eq!(fm.scalar("owner").as_deref(), Some("Team A"));
        assert_eq!(fm.scalar("version").as_deref(), Some("1.0"));
        assert_eq!(fm.scalar("live").as_deref(), Some("true"));
        assert_eq!(fm.get("empty"), Some(&FieldValue::Null));
        assert_eq!(
            fm.get("id_prefix").unwrap().strings(),
            ["DEP-XXX", "RUN-XXX"]
        );
        assert_eq!(fm.get("nested"), Some(&FieldValue::Other));
        assert_eq!(fm.scalar("nested"), None);
        // Only string keys can be asked for.
        assert_eq!(fm.get("3"), None);
        assert_eq!(fm.get("missing"), None);
    }
}
