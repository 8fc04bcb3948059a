//! The registry commands: `sot registry`, `sot show`, `sot refs`, `sot anchors`.

use std::io::Write;

use crate::output;

use serde::Serialize;
use sot_registry::export::{export, id_record, reference_record};
use sot_registry::{Registry, Workspace};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum QueryFormat {
    /// lines for people
    Text,
    /// JSON for tools
    Json,
}

fn json(value: &impl Serialize) -> std::io::Result<()> {
    let mut out = output::stdout();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)
}

/// Every ID: the whole export, or one line per ID.
pub fn registry(ws: &Workspace, reg: &Registry, format: QueryFormat) -> std::io::Result<()> {
    let data = export(ws, reg);
    if format == QueryFormat::Json {
        return json(&data);
    }
    let mut out = output::stdout();
    for r in &data.ids {
        writeln!(
            out,
            "{}\t{}\t{}:{}\t{}\t{} reference{}",
            r.id,
            r.status.as_deref().unwrap_or("-"),
            r.file,
            r.line,
            r.title,
            r.references.len(),
            if r.references.len() == 1 { "" } else { "s" }
        )?;
    }
    Ok(())
}

/// One entry: where it is defined, its fields and the start of its body. `false`
/// when no entry defines `id`.
pub fn show(
    ws: &Workspace,
    reg: &Registry,
    id: &str,
    format: QueryFormat,
) -> std::io::Result<bool> {
    let Some(entry) = reg.canonical(id) else {
        return Ok(false);
    };
    let record = id_record(ws, reg, entry);
    if format == QueryFormat::Json {
        json(&record)?;
        return Ok(true);
    }
    let mut out = output::stdout();
    writeln!(out, "{}: {}", record.id, record.title)?;
    let anchor = if record.anchor.is_empty() {
        String::new()
    } else {
        format!(" (#{})", record.anchor)
    };
    writeln!(out, "  defined at {}:{}{anchor}", record.file, record.line)?;
    for other in reg.definitions(id).skip(1) {
        let d = &ws.docs[other.doc];
        writeln!(
            out,
            "  also defined at {}:{}",
            d.path,
            d.position(other.id_span.start).line
        )?;
    }
    for (name, value) in sot_registry::entry_fields(ws, entry) {
        writeln!(out, "  {name}: {value}")?;
    }
    let excerpt = body_excerpt(ws, entry, 6);
    if !excerpt.is_empty() {
        writeln!(out)?;
        for line in excerpt {
            writeln!(out, "  {line}")?;
        }
    }
    writeln!(
        out,
        "\n  {} reference{} (sot refs {})",
        record.references.len(),
        if record.references.len() == 1 {
            ""
        } else {
            "s"
        },
        record.id
    )?;
    Ok(true)
}

/// The first non-blank lines of an entry's body that are not fields.
fn body_excerpt(ws: &Workspace, entry: &sot_registry::Entry, lines: usize) -> Vec<String> {
    let doc = &ws.docs[entry.doc];
    // A document-level entry's body is the document after its frontmatter.
    let (start, end) = match entry.heading {
        Some(h) => {
            let heading = &doc.headings[h];
            let end = doc.headings[h + 1..]
                .iter()
                .find(|next| next.level <= heading.level)
                .map_or(doc.text.len(), |next| next.span.start);
            (heading.span.end.min(end), end)
        }
        None => (
            doc.frontmatter.as_ref().map_or(0, |f| f.span.end),
            doc.text.len(),
        ),
    };
    // Masked before it is cut, so a key block cut short is still seen whole.
    sot_lint::secrets::mask(&doc.text)[start..end]
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with("**") && *l != "---")
        .take(lines)
        .map(str::to_string)
        .collect()
}

/// Every place that references `id`. `false` when nothing does and no entry defines it.
pub fn refs(
    ws: &Workspace,
    reg: &Registry,
    id: &str,
    format: QueryFormat,
) -> std::io::Result<bool> {
    let mut records: Vec<_> = reg
        .references_to(id)
        .map(|r| reference_record(ws, r))
        .collect();
    records.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    if format == QueryFormat::Json {
        json(&records)?;
    } else {
        let mut out = output::stdout();
        for r in &records {
            writeln!(out, "{}:{}:{}: {}", r.file, r.line, r.column, r.kind)?;
        }
    }
    Ok(!records.is_empty() || reg.canonical(id).is_some())
}

#[derive(Serialize)]
struct Anchor {
    /// As written in a link: `#dep-001-blue-green-rollout`.
    anchor: String,
    line: usize,
    /// `heading` (Markdown or HTML `<h1>`-`<h6>`), `html` (an `id`/`name` attribute)
    /// or `attribute` (`{#id}`).
    kind: &'static str,
    text: String,
}

/// The anchors document `d` offers, as they must be written in a link.
pub fn anchors(ws: &Workspace, d: usize, format: QueryFormat) -> std::io::Result<()> {
    let doc = &ws.docs[d];
    let mut list = Vec::new();
    for h in &doc.headings {
        let line = doc.position(h.span.start).line;
        list.push(Anchor {
            anchor: format!("#{}", h.slug),
            line,
            kind: "heading",
            text: h.text.clone(),
        });
        if let Some(id) = &h.custom_id {
            list.push(Anchor {
                anchor: format!("#{id}"),
                line,
                kind: "attribute",
                text: h.text.clone(),
            });
        }
    }
    for h in &doc.html_headings {
        list.push(Anchor {
            anchor: format!("#{}", h.slug),
            line: doc.position(h.span.start).line,
            kind: "heading",
            text: h.text.clone(),
        });
    }
    for (id, span) in &doc.html_anchors {
        list.push(Anchor {
            anchor: format!("#{id}"),
            line: doc.position(span.start).line,
            kind: "html",
            text: String::new(),
        });
    }
    list.sort_by_key(|a| a.line);
    if format == QueryFormat::Json {
        return json(&list);
    }
    let mut out = output::stdout();
    let width = list
        .iter()
        .map(|a| a.anchor.chars().count())
        .max()
        .unwrap_or(0);
    for a in &list {
        writeln!(out, "{:width$}  line {}  {}", a.anchor, a.line, a.text)?;
    }
    Ok(())
}

/// Why `id` has no entry, and what was probably meant: the ID in its own case
/// (`dep-001` is `DEP-001`), one a typo away, or the references that name it though no
/// entry defines it.
pub fn not_found(reg: &Registry, id: &str) -> String {
    let ids = || reg.entries.iter().map(|e| e.id.as_str());
    if let Some(same) = ids().find(|known| known.eq_ignore_ascii_case(id)) {
        return format!("no entry defines `{id}`; did you mean `{same}`? IDs are case-sensitive");
    }
    let referenced = reg.references_to(id).count();
    if referenced > 0 {
        return format!(
            "no entry defines `{id}`, though {referenced} place{} reference{} it: `sot refs {id}` lists them",
            if referenced == 1 { "" } else { "s" },
            if referenced == 1 { "s" } else { "" },
        );
    }
    let nearest = ids()
        .map(|known| (strsim::levenshtein(known, id), known))
        .min()
        .filter(|(distance, _)| *distance <= 2);
    match nearest {
        Some((_, known)) => format!("no entry defines `{id}`; did you mean `{known}`?"),
        None => format!("no entry defines `{id}`; `sot registry` lists every ID"),
    }
}
