//! Templates as schemas: a team's template document already says what documents made
//! from it must hold. Its frontmatter keys marked `REQUIRED` in their comments are
//! required; `a | b | c` option lists (in comments or values) become enums;
//! `YYYY-MM-DD` values become ISO dates and `1.0.0` values semantic versions; its
//! `**Field**: ...` lines, per ID prefix, become required entry fields with their
//! enums; its `##` headings become required sections.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use sot_registry::{Registry, Workspace};
use sot_syntax::Document;

use crate::context::plain;
use crate::{Format, PrefixSchema, ValueRule};

static SEMVER_LIKE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d+\.\d+\.\d+$").unwrap());
static OPTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z0-9][A-Za-z0-9 _.-]*$").unwrap());
static NUMBERING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:\d+(?:\.\d+)*\.?|[A-Z]\.)\s+").unwrap());

/// The schema a template document implies.
#[derive(Debug, Clone, Default)]
pub struct Template {
    /// The template document itself.
    pub doc: usize,
    pub path: String,
    pub required_keys: Vec<String>,
    pub keys: BTreeMap<String, ValueRule>,
    pub entries: BTreeMap<String, PrefixSchema>,
    /// `##` headings, as written, that every document made from it must have.
    pub sections: Vec<String>,
}

/// `a | b | c` (quotes allowed), the options; `None` unless two or more.
fn options(text: &str) -> Option<Vec<String>> {
    let parts: Vec<String> = text
        .split('|')
        .map(|p| p.trim().trim_matches(['"', '\'']).trim().to_string())
        .collect();
    (parts.len() >= 2 && parts.iter().all(|p| OPTION.is_match(p))).then_some(parts)
}

/// The rule a template value (and its comment) implies.
fn value_rule(value: &str, comment: Option<&str>) -> Option<ValueRule> {
    let from_comment = comment.and_then(|c| options(c.rsplit(':').next().unwrap_or(c)));
    let one_of = from_comment.or_else(|| options(value));
    let format = if value == "YYYY-MM-DD" {
        Some(Format::Date)
    } else if SEMVER_LIKE.is_match(value) {
        Some(Format::Semver)
    } else {
        None
    };
    (one_of.is_some() || format.is_some()).then_some(ValueRule { one_of, format })
}

/// A heading's text as sections are compared: numbering, case and punctuation aside.
pub fn section_key(text: &str) -> String {
    let text = NUMBERING.replace(text.trim(), "");
    sot_syntax::slug(&text)
}

pub fn derive(ws: &Workspace, reg: &Registry, d: usize) -> Template {
    let doc: &Document = &ws.docs[d];
    let mut t = Template {
        doc: d,
        path: doc.path.clone(),
        ..Template::default()
    };
    if let Some(fm) = &doc.frontmatter {
        for key in &fm.keys {
            let comment = key.comment.as_deref();
            if comment.is_some_and(|c| c.contains("REQUIRED")) {
                t.required_keys.push(key.name.clone());
            }
            let value = key.value.as_ref().map_or("", |v| v.text.as_str());
            if let Some(rule) = value_rule(value, comment) {
                t.keys.insert(key.name.clone(), rule);
            }
        }
    }
    for e in reg.entries_in(d) {
        let schema = t.entries.entry(e.prefix.clone()).or_default();
        let Some(h) = e.heading else { continue };
        for field in &doc.headings[h].fields {
            if !schema.required.contains(&field.name) {
                schema.required.push(field.name.clone());
            }
            if let Some(rule) = value_rule(&plain(&field.value), None) {
                schema.fields.insert(field.name.clone(), rule);
            }
        }
    }
    for (h, heading) in doc.headings.iter().enumerate() {
        if heading.level == 2 && reg.entry_at(d, h).is_none() {
            t.sections.push(heading.text.clone());
        }
    }
    t
}

/// Whether the file at `path` names itself a template: a word of its name is
/// `template`, in any case (`adr-template.md`, `PULL_REQUEST_TEMPLATE.md`,
/// `template_runbook.md`), or, for a folder's index page, a word of the folder's name
/// (`NNNN-kep-template/README.md`). `templates` names a page about templates.
pub fn named_as_template(path: &str) -> bool {
    let mut parts = path.rsplit('/');
    let file = parts.next().unwrap_or(path);
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let index_page = ["index", "_index", "readme"]
        .iter()
        .any(|page| stem.eq_ignore_ascii_case(page));
    let name = if index_page { parts.next() } else { Some(stem) };
    name.is_some_and(|name| {
        name.split(|c: char| !c.is_alphanumeric())
            .any(|word| word.eq_ignore_ascii_case("template"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_named_as_templates() {
        for path in [
            "templates/adr-template.md",
            "ODH-ADR-0000-template.md",
            "text/0000-template.md",
            ".github/PULL_REQUEST_TEMPLATE.md",
            "doc/templates/template.md",
            "keps/NNNN-kep-template/README.md",
            "runbooks/service_template/index.md",
            "TEMPLATE-runbook.md",
            "locales/en/templates/decision-record-template-by-edgex/index.md",
        ] {
            assert!(named_as_template(path), "{path}");
        }
        for path in [
            "docs/templates.md",
            "docs/templates/introduction.md",
            "README.md",
            "templated-pages.md",
            "docs/mytemplate.md",
        ] {
            assert!(!named_as_template(path), "{path}");
        }
    }

    #[test]
    fn rules_from_values_and_comments() {
        let r = value_rule(
            "approved",
            Some("REQUIRED: draft | in-review | approved | deprecated"),
        )
        .unwrap();
        assert_eq!(r.one_of.unwrap().len(), 4);
        assert_eq!(
            value_rule(
                "1.0.0",
                Some("REQUIRED: Semantic versioning (Major.Minor.Patch)")
            )
            .unwrap()
            .format,
            Some(Format::Semver)
        );
        assert_eq!(
            value_rule("YYYY-MM-DD", None).unwrap().format,
            Some(Format::Date)
        );
        assert!(value_rule(
            "[module-name]",
            Some("REQUIRED: e.g., \"backend\", \"frontend\"")
        )
        .is_none());
        assert_eq!(section_key("4. Rollback Procedure"), "rollback-procedure");
        assert_eq!(
            section_key("Appendix A: Change Log"),
            "appendix-a-change-log"
        );
    }
}
