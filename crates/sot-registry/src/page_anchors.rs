//! The anchors a docs generator gives a page: heading ids by its own slug rules,
//! footnote ids, definition-term ids, and ids a site's macros write (declared by
//! patterns). GitHub's anchors are the registry's; these replace them for links
//! read on a published site.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use sot_syntax::Document;

/// How a generator turns a heading's text into its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum HeadingIds {
    /// GitHub's (github-slugger): Docusaurus, Hugo's default `autoHeadingIDType`,
    /// kramdown's GFM parser, docfx.
    Github,
    /// Python-Markdown's `toc` extension (MkDocs): accents folded, other non-word
    /// characters dropped, runs of spaces and hyphens made one `-`, repeats `_1`.
    PythonMarkdown,
}

/// What a site's pages offer as anchors beside their headings.
#[derive(Debug, Clone)]
pub(crate) struct AnchorRules {
    pub heading_ids: HeadingIds,
    /// Definition-list terms get ids (Hugo's `autoDefinitionTermID`).
    pub definition_terms: bool,
    /// Patterns found in a page's source that give an anchor the site's plugins
    /// make (`<!-- md:setting (\S+) -->`).
    pub patterns: Vec<AnchorPattern>,
    /// pymdownx `tabbed` with a `slugify` and `combine_header_slug`: a tab's id is
    /// the id of the heading above it, `-`, and the slug of its title (which keeps
    /// the space before `... or me`: `#install--or-me`).
    pub tab_ids: bool,
}

/// A pattern searched in a page's source, and the anchor each match makes.
#[derive(Debug, Clone)]
pub struct AnchorPattern {
    pub regex: Regex,
    /// The anchor in the regex replacement syntax (`+$1`); without it, the first
    /// group (or the whole match) is the anchor.
    pub anchor: Option<String>,
}

/// A page's anchors (lowercased) and its headings' ids in order.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct PageAnchors {
    pub all: HashSet<String>,
    pub headings: Vec<String>,
}

/// A trailing attribute list (`{ #id .class key=value }`), which is no part of the
/// heading's text on a site.
static ATTRIBUTES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*\{:?\s*[#.]?[\w-][^{}]*\}\s*$").unwrap());
static FOOTNOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^ {0,3}\[\^([^\]\s]+)\]:").unwrap());
/// `Term` on one line, `: definition` on a following one (a blank line between
/// is allowed).
static DEFINITION_TERM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^ {0,3}([^\s:>#\-*+|][^\n]*?)[ \t]*\n(?:[ \t]*\n)?: ").unwrap()
});
/// A pymdownx tab: `=== "Title"`, `===! "Title"`, `===+ "Title"`.
static TAB: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?m)^[ \t]*===[!+]{0,2}[ \t]+"([^"\n]*)""#).unwrap());
static INLINE_LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"!?\[([^\]]*)\]\([^)]*\)").unwrap());

impl Default for AnchorRules {
    fn default() -> Self {
        AnchorRules {
            heading_ids: HeadingIds::Github,
            definition_terms: false,
            patterns: Vec::new(),
            tab_ids: false,
        }
    }
}

impl AnchorRules {
    pub(crate) fn anchors(&self, doc: &Document) -> PageAnchors {
        let mut page = PageAnchors::default();
        let mut used: HashMap<String, usize> = HashMap::new();
        // Ids written by hand are taken first; generated ones avoid them.
        let custom: HashSet<String> = doc
            .headings
            .iter()
            .filter_map(|h| h.custom_id.clone())
            .collect();
        for h in &doc.headings {
            let id = match &h.custom_id {
                Some(id) => id.clone(),
                None => {
                    let text = ATTRIBUTES.replace(&h.text, "");
                    self.unique(self.slug(&text), &mut used, &custom)
                }
            };
            page.all.insert(id.to_lowercase());
            page.headings.push(id);
        }
        page.all
            .extend(doc.html_anchors.iter().map(|(a, _)| a.to_lowercase()));
        let outside_code = outside_code(doc);
        // Footnotes: `#fn:label` (Python-Markdown, kramdown) or `#fn:1`, numbered in
        // order (goldmark, markdig); `#fn-label` as remark writes them.
        let labels: Vec<String> = FOOTNOTE
            .captures_iter(&outside_code)
            .map(|c| c[1].to_lowercase())
            .collect();
        for (n, label) in labels.iter().enumerate() {
            for name in [label.clone(), (n + 1).to_string()] {
                for kind in ["fn:", "fnref:", "fn-", "fnref-"] {
                    page.all.insert(format!("{kind}{name}"));
                }
            }
        }
        if self.definition_terms {
            for c in DEFINITION_TERM.captures_iter(&outside_code) {
                let text = INLINE_LINK.replace_all(&c[1], "$1");
                let text: String = text.chars().filter(|c| !matches!(c, '`' | '*')).collect();
                let id = self.unique(self.slug(text.trim()), &mut used, &custom);
                page.all.insert(id.to_lowercase());
            }
        }
        if self.tab_ids {
            for c in TAB.captures_iter(&outside_code) {
                let at = c.get(0).map_or(0, |m| m.start());
                let heading = doc.headings.iter().rposition(|h| h.span.start < at);
                let title = sot_syntax::slug(&c[1]);
                let id = match heading.and_then(|i| page.headings.get(i)) {
                    Some(heading) => format!("{heading}-{title}"),
                    None => title,
                };
                page.all.insert(id.to_lowercase());
            }
        }
        for pattern in &self.patterns {
            for c in pattern.regex.captures_iter(&doc.text) {
                let anchor = match &pattern.anchor {
                    Some(template) => {
                        let mut anchor = String::new();
                        c.expand(template, &mut anchor);
                        anchor
                    }
                    None => c.get(1).map_or(&c[0], |m| m.as_str()).to_string(),
                };
                page.all.insert(anchor.to_lowercase());
            }
        }
        page
    }

    fn slug(&self, text: &str) -> String {
        match self.heading_ids {
            HeadingIds::Github => sot_syntax::slug(text),
            HeadingIds::PythonMarkdown => python_markdown_slug(text),
        }
    }

    /// Numbers a repeated id as the generator does: `x-1` (GitHub), `x_1`
    /// (Python-Markdown).
    fn unique(
        &self,
        id: String,
        used: &mut HashMap<String, usize>,
        custom: &HashSet<String>,
    ) -> String {
        let taken =
            |id: &str, used: &HashMap<String, usize>| used.contains_key(id) || custom.contains(id);
        let mut result = id.clone();
        let mut n = 0;
        while taken(&result, used) || (result.is_empty() && self.heading_ids != HeadingIds::Github)
        {
            n += 1;
            result = match self.heading_ids {
                HeadingIds::Github => format!("{id}-{n}"),
                HeadingIds::PythonMarkdown => format!("{id}_{n}"),
            };
        }
        used.insert(result.clone(), 0);
        result
    }
}

/// The document's text with its code blocks blanked, so lines in them are not read
/// as footnotes or terms.
fn outside_code(doc: &Document) -> String {
    let mut text = doc.text.clone();
    for range in &doc.code_blocks {
        if let Some(slice) = text.get(range.clone()) {
            // Byte for byte, so the ranges after it stay where they are.
            let blank: String = slice
                .bytes()
                .map(|b| if b == b'\n' { '\n' } else { ' ' })
                .collect();
            text.replace_range(range.clone(), &blank);
        }
    }
    text
}

/// Python-Markdown's default `toc` slugify: NFKD folded to ASCII (accented Latin
/// letters keep their base letter), `[^\w\s-]` dropped, trimmed, lowercased, and
/// every run of whitespace and hyphens made one `-`.
pub fn python_markdown_slug(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter_map(fold_to_ascii)
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-') || c.is_ascii_whitespace())
        .collect();
    let mut slug = String::new();
    let mut in_run = false;
    for c in kept.trim().chars() {
        if c == '-' || c.is_ascii_whitespace() {
            if !in_run {
                slug.push('-');
            }
            in_run = true;
        } else {
            slug.push(c.to_ascii_lowercase());
            in_run = false;
        }
    }
    slug
}

/// The ASCII letter an NFKD decomposition leaves of `c` (`é` -> `e`), `c` itself when
/// ASCII, `None` when nothing ASCII is left (`ß`, `æ`, CJK).
fn fold_to_ascii(c: char) -> Option<char> {
    const LATIN1: &[u8; 64] = b"AAAAAA?CEEEEIIII?NOOOOO??UUUUY??aaaaaa?ceeeeiiii?nooooo??uuuuy?y";
    match c as u32 {
        0..=0x7f => Some(c),
        code @ 0xc0..=0xff => Some(LATIN1[(code - 0xc0) as usize] as char).filter(|c| *c != '?'),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(heading_ids: HeadingIds) -> AnchorRules {
        AnchorRules {
            heading_ids,
            definition_terms: true,
            patterns: vec![
                AnchorPattern {
                    regex: Regex::new(r"<!-- md:setting (\S+) -->").unwrap(),
                    anchor: None,
                },
                AnchorPattern {
                    regex: Regex::new(r"<!-- md:option (\S+) -->").unwrap(),
                    anchor: Some("+$1".into()),
                },
            ],
            tab_ids: true,
        }
    }

    #[test]
    fn python_markdown_collapses_runs_and_folds_accents() {
        assert_eq!(
            python_markdown_slug("Caret, Mark & Tilde"),
            "caret-mark-tilde"
        );
        assert_eq!(python_markdown_slug("  Café -- au lait "), "cafe-au-lait");
        assert_eq!(
            python_markdown_slug("`mkdocs.yml` options"),
            "mkdocsyml-options"
        );
        assert_eq!(python_markdown_slug("snake_case"), "snake_case");
        assert_eq!(python_markdown_slug("日本語"), "");
    }

    #[test]
    fn page_anchors_by_generator() {
        let doc = Document::parse(
            "docs/a.md",
            "# Setup\n\n## Setup\n\n## Caret, Mark & Tilde\n\n## Custom {#mine}\n\n\
             === \"With pip\"\n\n    pip install\n\n#### <!-- md:setting config.draft -->\n\n\
             #### <!-- md:option toc.permalink -->\n\nText[^note].\n\n[^note]: A note.\n\n\
             `staticDir`\n: (string) The folder.\n\n```\n[^code]: not a footnote\n```\n"
                .into(),
        );
        let mkdocs = rules(HeadingIds::PythonMarkdown).anchors(&doc);
        assert_eq!(
            mkdocs.headings[..4],
            ["setup", "setup_1", "caret-mark-tilde", "mine"]
        );
        for a in [
            "fn:note",
            "fnref:note",
            "fn:1",
            "staticdir",
            "config.draft",
            "+toc.permalink",
            "mine-with-pip",
        ] {
            assert!(mkdocs.all.contains(a), "{a}");
        }
        for a in ["fn:code", "toc.permalink", "with-pip"] {
            assert!(!mkdocs.all.contains(a), "{a}");
        }
        let github = rules(HeadingIds::Github).anchors(&doc);
        assert_eq!(
            github.headings[..3],
            ["setup", "setup-1", "caret-mark--tilde"]
        );
    }
}
