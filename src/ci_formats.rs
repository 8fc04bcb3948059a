//! The formats CI systems read: SARIF 2.1.0 (GitHub code scanning), GitHub workflow
//! commands, GitLab Code Quality, JUnit XML and Checkstyle XML. All are built from
//! the same diagnostics as the other renderers.

use std::collections::HashMap;
use std::io::{self, Write};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::json;
use sot_lint::{Diagnostic, Severity, RULES};

/// A fingerprint that survives a finding moving to another line: the rule, the file,
/// the message, and which of several identical findings in that file it is.
fn fingerprints(diags: &[Diagnostic]) -> Vec<String> {
    let mut seen: HashMap<(&str, &str, &str), usize> = HashMap::new();
    diags
        .iter()
        .map(|d| {
            let n = seen
                .entry((d.rule, d.file.as_str(), d.message.as_str()))
                .or_default();
            let key = format!("{}\u{0}{}\u{0}{}\u{0}{n}", d.rule, d.file, d.message);
            *n += 1;
            // Two CRC-32s over different orders make 64 bits.
            let reversed: String = key.chars().rev().collect();
            format!(
                "{:08x}{:08x}",
                crc32fast::hash(key.as_bytes()),
                crc32fast::hash(reversed.as_bytes())
            )
        })
        .collect()
}

/// What stays as written in a SARIF `uri`: RFC 3986's unreserved characters and the
/// `/` between segments. Everything else (` `, `#`, `?`, `%`, `:`, non-ASCII) is
/// percent-encoded, as SARIF requires a valid URI reference; a `:` left in the first
/// segment would read as a scheme.
const URI_PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

fn sarif_uri(path: &str) -> String {
    utf8_percent_encode(path, URI_PATH).to_string()
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

pub fn sarif(out: &mut dyn Write, diags: &[Diagnostic]) -> io::Result<()> {
    let rules: Vec<_> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.name,
                "name": r.name,
                "shortDescription": { "text": r.summary() },
                "fullDescription": { "text": r.doc() },
                "help": { "text": r.doc(), "markdown": r.doc() },
                "helpUri": format!("{}/blob/main/docs/rules/{}.md", env!("CARGO_PKG_REPOSITORY"), r.name),
                "defaultConfiguration": { "level": sarif_level(r.severity) },
            })
        })
        .collect();
    let results: Vec<_> = diags
        .iter()
        .zip(fingerprints(diags))
        .map(|(d, fingerprint)| {
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message = format!("{message}\n{help}");
            }
            json!({
                "ruleId": d.rule,
                "ruleIndex": RULES.iter().position(|r| r.name == d.rule),
                "level": sarif_level(d.severity),
                "message": { "text": message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": sarif_uri(&d.file), "uriBaseId": "%SRCROOT%" },
                        "region": {
                            "startLine": d.line,
                            "startColumn": d.column,
                            "endLine": d.end_line,
                            "endColumn": d.end_column,
                        }
                    }
                }],
                "partialFingerprints": { "sot/v1": fingerprint },
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "sot",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// GitHub's escaping of a workflow command's message.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// … and of its properties, where `:` and `,` separate.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn github(out: &mut dyn Write, diags: &[Diagnostic]) -> io::Result<()> {
    for d in diags {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let message = match &d.help {
            Some(help) => format!("{}\n{help}", d.message),
            None => d.message.clone(),
        };
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&d.file),
            d.line,
            d.column,
            d.end_line,
            d.end_column,
            escape_property(d.rule),
            escape_data(&message)
        )?;
    }
    Ok(())
}

pub fn gitlab(out: &mut dyn Write, diags: &[Diagnostic]) -> io::Result<()> {
    let issues: Vec<_> = diags
        .iter()
        .zip(fingerprints(diags))
        .map(|(d, fingerprint)| {
            json!({
                "description": d.message,
                "check_name": d.rule,
                "fingerprint": fingerprint,
                "severity": match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Note => "info",
                },
                "location": { "path": d.file, "lines": { "begin": d.line } },
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

/// Text for an XML 1.0 attribute or element. Line breaks and tabs are character
/// references, which an attribute keeps (a literal one is read as a space); the
/// other control characters cannot appear in XML 1.0 at all, even as references,
/// and become U+FFFD.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c if c < ' ' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

pub fn junit(out: &mut dyn Write, diags: &[Diagnostic], files_checked: usize) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="sot" tests="{0}" failures="{0}">"#,
        diags.len()
    )?;
    writeln!(
        out,
        r#"  <testsuite name="sot lint" tests="{}" failures="{}" files="{files_checked}">"#,
        diags.len(),
        diags.len()
    )?;
    for d in diags {
        writeln!(
            out,
            r#"    <testcase name="{} {}:{}:{}" classname="{}" file="{}" line="{}">"#,
            xml(d.rule),
            xml(&d.file),
            d.line,
            d.column,
            xml(&d.file),
            xml(&d.file),
            d.line
        )?;
        writeln!(
            out,
            r#"      <failure type="{}" message="{}">{}:{}:{}: {}{}</failure>"#,
            d.severity,
            xml(&d.message),
            xml(&d.file),
            d.line,
            d.column,
            xml(&d.message),
            d.help
                .as_deref()
                .map(|h| format!("\n{}", xml(h)))
                .unwrap_or_default()
        )?;
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

pub fn checkstyle(out: &mut dyn Write, diags: &[Diagnostic]) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<checkstyle version="4.3">"#)?;
    let mut i = 0;
    while i < diags.len() {
        let file = &diags[i].file;
        writeln!(out, r#"  <file name="{}">"#, xml(file))?;
        while i < diags.len() && &diags[i].file == file {
            let d = &diags[i];
            writeln!(
                out,
                r#"    <error line="{}" column="{}" severity="{}" message="{}" source="sot.{}"/>"#,
                d.line,
                d.column,
                match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Note => "info",
                },
                xml(&d.message),
                d.rule
            )?;
            i += 1;
        }
        writeln!(out, "  </file>")?;
    }
    writeln!(out, "</checkstyle>")
}
