//! Renderers: the same diagnostics as miette reports, one-line concise, or JSON.

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::Path;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
};
use serde::Serialize;
use sot_lint::{Diagnostic, Severity};
use sot_registry::Workspace;
use sot_syntax::Document;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// miette reports with the source line and a help line
    Human,
    /// one line each: path:line:col: severity: message [rule]
    Concise,
    /// one JSON object: version, diagnostics, summary
    Json,
    /// SARIF 2.1.0, for GitHub code scanning
    Sarif,
    /// GitHub Actions workflow commands (annotations)
    Github,
    /// GitLab Code Quality JSON
    Gitlab,
    /// JUnit XML, one test case per finding
    Junit,
    /// Checkstyle XML
    Checkstyle,
}

/// Counts for the summary line and the JSON `summary` object.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub files_checked: usize,
    pub files_with_findings: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Summary {
    pub fn new(diags: &[Diagnostic], files_checked: usize) -> Self {
        let count = |s| diags.iter().filter(|d| d.severity == s).count();
        let mut files: Vec<&str> = diags.iter().map(|d| d.file.as_str()).collect();
        files.dedup();
        Summary {
            files_checked,
            files_with_findings: files.len(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            notes: count(Severity::Note),
        }
    }

    /// `3 errors, 1 warning in 2 files (412 checked)` or `no problems in 412 files`.
    pub fn line(&self) -> String {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let mut parts = Vec::new();
        for (n, word) in [
            (self.errors, "error"),
            (self.warnings, "warning"),
            (self.notes, "note"),
        ] {
            if n > 0 {
                parts.push(plural(n, word));
            }
        }
        if parts.is_empty() {
            return format!("no problems in {}", plural(self.files_checked, "file"));
        }
        format!(
            "{} in {} ({} checked)",
            parts.join(", "),
            plural(self.files_with_findings, "file"),
            self.files_checked
        )
    }
}

/// Where snippets come from: the workspace's documents, and the root their dropped
/// texts are read again under.
pub struct Sources<'a> {
    pub ws: &'a Workspace,
    pub root: &'a Path,
}

pub fn render(
    out: &mut dyn Write,
    format: Format,
    diags: &[Diagnostic],
    sources: Sources,
    summary: &Summary,
    color: bool,
    quiet: bool,
) -> io::Result<()> {
    match format {
        Format::Concise => {
            for d in diags {
                writeln!(
                    out,
                    "{}:{}:{}: {}: {} [{}]",
                    d.file, d.line, d.column, d.severity, d.message, d.rule
                )?;
            }
            Ok(())
        }
        Format::Sarif => crate::ci_formats::sarif(out, diags),
        Format::Github => crate::ci_formats::github(out, diags),
        Format::Gitlab => crate::ci_formats::gitlab(out, diags),
        Format::Junit => crate::ci_formats::junit(out, diags, summary.files_checked),
        Format::Checkstyle => crate::ci_formats::checkstyle(out, diags),
        Format::Json => {
            #[derive(Serialize)]
            struct Output<'a> {
                version: u32,
                diagnostics: &'a [Diagnostic],
                summary: &'a Summary,
            }
            let output = Output {
                version: 1,
                diagnostics: diags,
                summary,
            };
            serde_json::to_writer_pretty(&mut *out, &output)?;
            writeln!(out)
        }
        Format::Human => {
            let theme = if color {
                GraphicalTheme::unicode()
            } else {
                GraphicalTheme::unicode_nocolor()
            };
            let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
            // Source lines with every credential masked, once per file.
            let mut masked: std::collections::HashMap<&str, Option<String>> = Default::default();
            for d in diags {
                let mut report = MietteDiagnostic::new(d.message.clone())
                    .with_code(d.rule)
                    .with_severity(match d.severity {
                        Severity::Error => miette::Severity::Error,
                        Severity::Warning => miette::Severity::Warning,
                        Severity::Note => miette::Severity::Advice,
                    });
                if let Some(help) = &d.help {
                    report = report.with_help(help.clone());
                }
                let docs = &sources.ws.docs;
                let source = docs
                    .binary_search_by(|doc| doc.path.as_str().cmp(&d.file))
                    .ok()
                    .map(|i| &docs[i])
                    .filter(|doc| doc.unreadable.is_none())
                    .and_then(|doc| {
                        masked
                            .entry(doc.path.as_str())
                            .or_insert_with(|| {
                                source_text(sources.root, doc)
                                    .map(|text| sot_lint::secrets::mask(&text).into_owned())
                            })
                            .clone()
                    });
                let mut rendered = String::new();
                // A file rewritten since it was parsed may no longer hold the span whole.
                let fits = |text: &String| {
                    text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end)
                };
                match source.filter(fits) {
                    Some(text) => {
                        let len = d.span.end.saturating_sub(d.span.start);
                        report = report
                            .with_label(LabeledSpan::at(d.span.start..d.span.start + len, d.label));
                        let report =
                            Report::new(report).with_source_code(NamedSource::new(&d.file, text));
                        handler
                            .render_report(&mut rendered, report.as_ref())
                            .map_err(io::Error::other)?;
                    }
                    None => {
                        let report = Report::new(report);
                        handler
                            .render_report(&mut rendered, report.as_ref())
                            .map_err(io::Error::other)?;
                        rendered = format!("{}:{}:{}\n{rendered}", d.file, d.line, d.column);
                    }
                }
                writeln!(out, "{}", rendered.trim_end())?;
                for r in &d.related {
                    writeln!(
                        out,
                        "  note: {} at {}:{}:{}",
                        r.message, r.file, r.line, r.column
                    )?;
                }
                writeln!(out)?;
            }
            if quiet {
                return Ok(());
            }
            writeln!(out, "{}", summary.line())
        }
    }
}

/// The text of `doc` that its spans index: read again from its file when the document
/// dropped it (a whole-workspace lint keeps no text); `None` when that file can no
/// longer be read, or was changed to another length since it was parsed (its spans
/// would no longer fit it).
fn source_text<'d>(root: &Path, doc: &'d Document) -> Option<Cow<'d, str>> {
    if !doc.text_dropped {
        return Some(Cow::Borrowed(&doc.text));
    }
    let text = crate::workspace::read_text(&root.join(&doc.path)).ok()?;
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    (text.len() == doc.lines.text_len()).then_some(Cow::Owned(text))
}

/// One line of `--statistics`.
#[derive(Serialize)]
struct RuleCount {
    rule: &'static str,
    severity: Severity,
    count: usize,
}

/// The number of findings per rule, most first.
fn rule_counts(diags: &[Diagnostic]) -> Vec<RuleCount> {
    let mut counts: Vec<RuleCount> = Vec::new();
    for d in diags {
        match counts.iter_mut().find(|c| c.rule == d.rule) {
            Some(c) => c.count += 1,
            None => counts.push(RuleCount {
                rule: d.rule,
                severity: d.severity,
                count: 1,
            }),
        }
    }
    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.rule.cmp(b.rule)));
    counts
}

/// `--statistics`: the number of findings per rule, most first.
pub fn statistics(out: &mut dyn Write, diags: &[Diagnostic]) -> io::Result<()> {
    for c in rule_counts(diags) {
        writeln!(out, "{:6}  {:20} {}", c.count, c.rule, c.severity)?;
    }
    Ok(())
}

/// `--statistics --format json`: the same counts as a JSON array.
pub fn statistics_json(out: &mut dyn Write, diags: &[Diagnostic]) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &rule_counts(diags))?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_text_is_read_again_only_while_its_spans_fit() {
        let dir = tempfile::tempdir().unwrap();
        let text = "\u{feff}# Title\n\nSee [x](y.md).\n";
        std::fs::write(dir.path().join("a.md"), text).unwrap();
        let mut doc = Document::parse("a.md", text.to_string());
        let parsed = doc.text.clone();
        doc.drop_text();
        assert_eq!(
            source_text(dir.path(), &doc).as_deref(),
            Some(parsed.as_str())
        );
        std::fs::write(dir.path().join("a.md"), "# Title\n").unwrap();
        assert_eq!(source_text(dir.path(), &doc), None);
        std::fs::remove_file(dir.path().join("a.md")).unwrap();
        assert_eq!(source_text(dir.path(), &doc), None);
    }
}
