//! What documents and entries must hold: required keys and fields, enums and formats.
//! The default is data (`default_schema.toml`), so it can be printed and replaced.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use sot_syntax::Frontmatter;

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    #[serde(default)]
    pub frontmatter: Vec<FrontmatterSchema>,
    #[serde(default)]
    pub entries: EntrySchema,
}

/// A frontmatter schema applies to documents whose frontmatter has `when.key`
/// (with value `when.equals`, if given).
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FrontmatterSchema {
    pub when: When,
    #[serde(default)]
    pub required: Vec<String>,
    #[serde(default)]
    pub fields: BTreeMap<String, ValueRule>,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct When {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EntrySchema {
    #[serde(default)]
    pub required: Vec<String>,
    /// Fields holding ISO dates, besides those whose name ends in `date_suffix`.
    #[serde(default)]
    pub date_fields: Vec<String>,
    #[serde(default)]
    pub date_suffix: Option<String>,
    #[serde(default)]
    pub prefix: BTreeMap<String, PrefixSchema>,
    /// For entries of prefixes without a schema of their own.
    #[serde(default)]
    pub other: PrefixSchema,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrefixSchema {
    #[serde(default)]
    pub required: Vec<String>,
    #[serde(default)]
    pub fields: BTreeMap<String, ValueRule>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ValueRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_of: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// `YYYY-MM-DD`, a real calendar date.
    Date,
    /// `MAJOR.MINOR.PATCH` as semver.org defines it.
    Semver,
}

static DEFAULT: LazyLock<Schema> = LazyLock::new(|| {
    toml::from_str(include_str!("default_schema.toml")).expect("the embedded schema is valid")
});

impl Default for Schema {
    fn default() -> Self {
        DEFAULT.clone()
    }
}

impl FrontmatterSchema {
    pub fn applies(&self, fm: &Frontmatter) -> bool {
        match (&self.when.equals, fm.get(&self.when.key)) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(want), Some(_)) => fm.scalar(&self.when.key).as_deref() == Some(want),
        }
    }

    /// How the condition reads in a message: `id_prefix` or `document_type: x`.
    pub fn describe(&self) -> String {
        match &self.when.equals {
            Some(v) => format!("`{}: {v}`", self.when.key),
            None => format!("`{}`", self.when.key),
        }
    }
}

impl EntrySchema {
    pub fn for_prefix(&self, prefix: &str) -> &PrefixSchema {
        self.prefix.get(prefix).unwrap_or(&self.other)
    }

    /// Every field an entry of `prefix` must carry.
    pub fn required(&self, prefix: &str) -> impl Iterator<Item = &str> {
        self.required
            .iter()
            .chain(&self.for_prefix(prefix).required)
            .map(String::as_str)
    }

    /// The rule for field `name` of an entry of `prefix`, dates included.
    pub fn rule(&self, prefix: &str, name: &str) -> Option<ValueRule> {
        if let Some(rule) = self.for_prefix(prefix).fields.get(name) {
            return Some(rule.clone());
        }
        let is_date = self.date_fields.iter().any(|f| f == name)
            || self
                .date_suffix
                .as_deref()
                .is_some_and(|s| name.ends_with(s));
        is_date.then_some(ValueRule {
            one_of: None,
            format: Some(Format::Date),
        })
    }
}

impl ValueRule {
    /// Why `value` breaks this rule, with a hint how to fix it; `None` when it is fine.
    pub fn check(&self, value: &str) -> Option<(String, String)> {
        if let Some(options) = &self.one_of {
            if !options.iter().any(|o| o == value) {
                let hint = match options.iter().find(|o| o.eq_ignore_ascii_case(value)) {
                    Some(o) => format!("did you mean `{o}`? Values are case-sensitive"),
                    None => format!("use one of: {}", options.join(", ")),
                };
                return Some((format!("`{value}` is not one of the allowed values"), hint));
            }
        }
        match self.format {
            Some(Format::Date) if !is_iso_date(value) => Some((
                format!("`{value}` is not an ISO date"),
                "write the date as YYYY-MM-DD, e.g. 2024-05-31".into(),
            )),
            Some(Format::Semver) if semver::Version::parse(value).is_err() => Some((
                format!("`{value}` is not a semantic version"),
                "write MAJOR.MINOR.PATCH, e.g. 1.2.0".into(),
            )),
            _ => None,
        }
    }
}

/// `YYYY-MM-DD` naming a day that exists.
pub fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        s.get(r)
            .filter(|p| p.bytes().all(|c| c.is_ascii_digit()))?
            .parse()
            .ok()
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(is_iso_date("2024-02-29") && !is_iso_date("2023-02-29"));
        assert!(
            !is_iso_date("2024-13-01") && !is_iso_date("05/01/2024") && !is_iso_date("YYYY-MM-DD")
        );
    }

    #[test]
    fn default_schema_loads() {
        let s = Schema::default();
        assert_eq!(s.frontmatter.len(), 2);
        assert!(s.entries.required("DEP").any(|f| f == "Last Updated"));
        assert!(s.entries.rule("GTM", "Target Date").is_some());
    }
}
