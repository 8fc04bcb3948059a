//! Findings as plain data, for every renderer to share.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Another place that explains a finding (the first definition of a duplicate ID).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Whether `sot lint --fix` applies a fix by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// The fix says what the document already means (an entry named by its ID, a path
    /// that differs only in letter case): `--fix` applies it.
    Safe,
    /// The fix is a likely guess (the nearest anchor by spelling): only with
    /// `--unsafe-fixes`.
    Unsafe,
}

/// How to fix a finding: edits to the document it is in, applied together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    pub edits: Vec<sot_syntax::Edit>,
}

impl Fix {
    pub fn safe(edits: Vec<sot_syntax::Edit>) -> Fix {
        Fix {
            applicability: Applicability::Safe,
            edits,
        }
    }

    pub fn unsafe_(edits: Vec<sot_syntax::Edit>) -> Fix {
        Fix {
            applicability: Applicability::Unsafe,
            edits,
        }
    }
}

/// One finding: where, which rule, what is wrong and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    /// Exclusive, like `column` counted in characters.
    pub end_column: usize,
    pub severity: Severity,
    pub rule: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    /// Byte span in the document's text (BOM removed), for source snippets.
    #[serde(skip)]
    pub span: Range<usize>,
    /// A few words to show under the span.
    #[serde(skip)]
    pub label: &'static str,
    /// What `--fix` would change, when the rule knows.
    #[serde(skip)]
    pub fix: Option<Fix>,
}
