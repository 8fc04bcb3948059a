//! Navigation: where an ID or a link leads (`textDocument/definition`), what names an
//! entry or a heading (`textDocument/references`), what an ID stands for
//! (`textDocument/hover`), a document's outline (`textDocument/documentSymbol`) and the
//! workspace's IDs (`workspace/symbol`).
//!
//! Everything is answered from the workspace in memory; a document's text is read only
//! to place the positions returned in it (documents that are not open keep no text).

use std::collections::HashSet;
use std::ops::Range;

use lsp_types::{
    DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, GotoDefinitionParams,
    GotoDefinitionResponse, Hover, HoverContents, HoverParams, Location, MarkupContent, MarkupKind,
    Range as LspRange, ReferenceParams, SymbolInformation, SymbolKind, TextDocumentPositionParams,
    WorkspaceSymbolParams, WorkspaceSymbolResponse,
};
use percent_encoding::percent_decode_str;
use sot_registry::index::entry_title;
use sot_registry::{entry_field, Entry, RefKind, Site, Target};
use sot_syntax::{Document, LinkKind};

use super::state::State;
use super::{Server, Texts};

/// The most IDs one `workspace/symbol` answer lists: an empty query matches them all.
const MAX_WORKSPACE_SYMBOLS: usize = 1000;

impl Server<'_> {
    pub(super) fn definition(&mut self, p: GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
        self.state.index();
        let mut places = Places::new(self);
        let (d, offset) = places.cursor(&p.text_document_position_params)?;
        let state = &self.state;
        let location = match spot_at(state, d, offset)? {
            Spot::Id { id, .. } => places.entry(state.reg.canonical(&id)?)?,
            Spot::Link { dest, kind } => places.link_target(d, &dest, kind)?,
            Spot::Heading(_) => return None,
        };
        Some(GotoDefinitionResponse::Scalar(location))
    }

    pub(super) fn references(&mut self, p: ReferenceParams) -> Option<Vec<Location>> {
        self.state.index();
        let mut places = Places::new(self);
        let (d, offset) = places.cursor(&p.text_document_position)?;
        let state = &self.state;
        let declarations = p.context.include_declaration;
        let link_span =
            |(from, l): (usize, usize)| (from, state.ws.docs[from].links[l].span.range());
        let mut found: Vec<(usize, Range<usize>)> = Vec::new();
        match spot_at(state, d, offset)? {
            Spot::Id { id, .. } => {
                let site = state.site();
                let mut by_id = HashSet::new();
                for r in state.reg.references_to(&id) {
                    found.push((r.doc, r.span.clone()));
                    if let RefKind::Link(l) = r.kind {
                        by_id.insert((r.doc, l));
                    }
                }
                for e in state.reg.definitions(&id) {
                    let target = &state.ws.docs[e.doc];
                    // A link to a document-level entry is one to the document itself.
                    let leads_to_entry = |from: &str, fragment: Option<&str>| match e.heading {
                        Some(h) => fragment
                            .is_some_and(|f| heading_named(site, target, from, f) == Some(h)),
                        None => fragment.is_none_or(str::is_empty),
                    };
                    let links = links_into(state, site, e.doc, leads_to_entry);
                    // A link whose text is the ID is there already, by its ID.
                    found.extend(
                        links
                            .into_iter()
                            .filter(|link| !by_id.contains(link))
                            .map(link_span),
                    );
                    if declarations {
                        found.push((e.doc, e.id_span.clone()));
                    }
                }
            }
            Spot::Heading(h) => {
                let site = state.site();
                let target = &state.ws.docs[d];
                let leads_to_heading = |from: &str, fragment: Option<&str>| {
                    fragment.is_some_and(|f| heading_named(site, target, from, f) == Some(h))
                };
                let links = links_into(state, site, d, leads_to_heading);
                found.extend(links.into_iter().map(link_span));
                if declarations {
                    found.push((d, target.headings[h].span.clone()));
                }
            }
            // What a link leads to is its definition; what names that is asked there.
            Spot::Link { .. } => return None,
        }
        // Documents are in path order: by document is by file.
        found.sort_by_key(|(d, span)| (*d, span.start, span.end));
        found.dedup();
        Some(
            found
                .into_iter()
                .filter_map(|(d, span)| places.location(d, &span))
                .collect(),
        )
    }

    pub(super) fn hover(&mut self, p: HoverParams) -> Option<Hover> {
        self.state.index();
        let mut places = Places::new(self);
        let (d, offset) = places.cursor(&p.text_document_position_params)?;
        let Spot::Id { id, span } = spot_at(&self.state, d, offset)? else {
            return None;
        };
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: describe(&self.state, &id),
            }),
            range: places.range(d, &span),
        })
    }

    pub(super) fn document_symbols(
        &mut self,
        p: DocumentSymbolParams,
    ) -> Option<DocumentSymbolResponse> {
        self.state.index();
        let d = self.state.doc(&self.path_of(&p.text_document.uri)?)?;
        let mut places = Places::new(self);
        let state = &self.state;
        let doc = &state.ws.docs[d];
        let mut roots = Vec::new();
        // The headings whose sections are still open, outermost first.
        let mut open: Vec<(u8, DocumentSymbol)> = Vec::new();
        for (h, heading) in doc.headings.iter().enumerate() {
            let end = doc.headings[h + 1..]
                .iter()
                .find(|next| next.level <= heading.level)
                .map_or(doc.lines.text_len(), |next| next.span.start);
            let entry = state.reg.entry_at(d, h);
            let (name, detail, kind, name_span) = match entry {
                Some(e) => (
                    e.id.clone(),
                    Some(entry_title(&state.ws, e)).filter(|t| !t.is_empty()),
                    SymbolKind::KEY,
                    e.id_span.clone(),
                ),
                None => (
                    // A client refuses a symbol without a name: `#` alone is a heading.
                    Some(heading.text.trim())
                        .filter(|t| !t.is_empty())
                        .unwrap_or("(untitled)")
                        .to_string(),
                    None,
                    SymbolKind::STRING,
                    heading.span.clone(),
                ),
            };
            #[allow(deprecated)] // `deprecated` has no default; `tags` replaces it.
            let symbol = DocumentSymbol {
                name,
                detail,
                kind,
                tags: None,
                deprecated: None,
                range: places.range(d, &(heading.span.start..end))?,
                selection_range: places.range(d, &name_span)?,
                children: None,
            };
            close_sections(&mut open, &mut roots, heading.level);
            open.push((heading.level, symbol));
        }
        close_sections(&mut open, &mut roots, 0);
        Some(DocumentSymbolResponse::Nested(roots))
    }

    pub(super) fn workspace_symbols(
        &mut self,
        p: WorkspaceSymbolParams,
    ) -> Option<WorkspaceSymbolResponse> {
        self.state.index();
        let mut places = Places::new(self);
        let state = &self.state;
        let query = p.query.to_lowercase();
        let mut symbols = Vec::new();
        for e in &state.reg.entries {
            if symbols.len() == MAX_WORKSPACE_SYMBOLS {
                break;
            }
            let title = entry_title(&state.ws, e);
            if !(e.id.to_lowercase().contains(&query) || title.to_lowercase().contains(&query)) {
                continue;
            }
            let Some(location) = places.entry(e) else {
                continue;
            };
            // The title is in the name: clients filter the answer by it again.
            let name = match title.is_empty() {
                true => e.id.clone(),
                false => format!("{}: {title}", e.id),
            };
            #[allow(deprecated)] // `deprecated` has no default; `tags` replaces it.
            symbols.push(SymbolInformation {
                name,
                kind: SymbolKind::KEY,
                tags: None,
                deprecated: None,
                location,
                container_name: Some(state.ws.docs[e.doc].path.clone()),
            });
        }
        Some(WorkspaceSymbolResponse::Flat(symbols))
    }
}

/// Ends the open sections at `level` and deeper, each a child of the one around it.
fn close_sections(
    open: &mut Vec<(u8, DocumentSymbol)>,
    roots: &mut Vec<DocumentSymbol>,
    level: u8,
) {
    while open.last().is_some_and(|(l, _)| *l >= level) {
        let Some((_, symbol)) = open.pop() else {
            break;
        };
        match open.last_mut() {
            Some((_, parent)) => parent.children.get_or_insert_with(Vec::new).push(symbol),
            None => roots.push(symbol),
        }
    }
}

/// What the cursor is on.
enum Spot {
    /// An ID: an entry's (its heading), a mention, a range's end, or a link whose text
    /// is the ID; `span` is what the cursor is on that names it.
    Id { id: String, span: Range<usize> },
    /// Any other link, or a reference definition (`[label]: target`).
    Link { dest: String, kind: LinkKind },
    /// A heading that is no entry.
    Heading(usize),
}

/// What is at byte `offset` of document `d`: the registry's IDs first, then links, then
/// headings, so the ID in a heading or a link is the ID.
fn spot_at(state: &State, d: usize, offset: usize) -> Option<Spot> {
    let reg = &state.reg;
    let doc = &state.ws.docs[d];
    // The end counts: a cursor right after a word is on it.
    let on = |span: &Range<usize>| span.start <= offset && offset <= span.end;
    let id = |id: &str, span: &Range<usize>| Spot::Id {
        id: id.to_string(),
        span: span.clone(),
    };
    // A document-level ID written nowhere (a file name's) has an empty span.
    let written = |e: &&Entry| !e.id_span.is_empty() && on(&e.id_span);
    if let Some(e) = reg.entries_in(d).iter().find(written) {
        return Some(id(&e.id, &e.id_span));
    }
    let references = in_doc(&reg.references, d, |r| r.doc);
    if let Some(r) = references.iter().find(|r| on(&r.span)) {
        return Some(id(&r.id, &r.span));
    }
    if let Some(t) = in_doc(&reg.reserved, d, |t| t.doc)
        .iter()
        .find(|t| on(&t.span))
    {
        return Some(id(&t.token.id(), &t.span));
    }
    if let Some((l, link)) = doc
        .links
        .iter()
        .enumerate()
        .find(|(_, link)| on(&link.span.range()))
    {
        if let Some(r) = references.iter().find(|r| r.kind == RefKind::Link(l)) {
            return Some(id(&r.id, &link.span.range()));
        }
        return Some(Spot::Link {
            dest: link.dest.to_string(),
            kind: link.kind,
        });
    }
    if let Some(definition) = doc
        .definitions
        .iter()
        .find(|def| on(&(def.label_span.start.saturating_sub(1)..def.dest_span.end)))
    {
        return Some(Spot::Link {
            dest: definition.dest.clone(),
            kind: LinkKind::Reference,
        });
    }
    // A heading's span holds its line end, which is the next line's start: not on it.
    let h = doc
        .headings
        .iter()
        .position(|h| h.span.start <= offset && offset < h.span.end)?;
    Some(match reg.entry_at(d, h) {
        Some(e) => id(&e.id, &doc.headings[h].span),
        None => Spot::Heading(h),
    })
}

/// The items of document `d` in one of the registry's lists, which it fills document
/// by document in workspace order.
fn in_doc<T>(items: &[T], d: usize, doc_of: impl Fn(&T) -> usize) -> &[T] {
    let start = items.partition_point(|t| doc_of(t) < d);
    let end = start + items[start..].partition_point(|t| doc_of(t) == d);
    &items[start..end]
}

/// The heading of `doc` whose anchor `fragment` (percent-decoded) names, for a link in
/// the document at `from`: the site's heading ids between pages of a site, else
/// GitHub's slugs and explicit ids.
fn heading_named(site: &Site, doc: &Document, from: &str, fragment: &str) -> Option<usize> {
    let fragment = fragment.to_lowercase();
    let wanted = fragment.strip_prefix("user-content-").unwrap_or(&fragment);
    let on_site = site.publishes(from);
    doc.headings.iter().enumerate().position(|(h, heading)| {
        match site.heading_id(&doc.path, h).filter(|_| on_site) {
            Some(id) => id.to_lowercase() == wanted,
            None => {
                heading.slug == wanted
                    || heading
                        .custom_id
                        .as_ref()
                        .is_some_and(|id| id.to_lowercase() == wanted)
            }
        }
    })
}

/// Where in `doc` the anchor `fragment` is: a heading, an HTML heading, or an element
/// with that `id` or `name`.
fn anchor_span(site: &Site, doc: &Document, from: &str, fragment: &str) -> Option<Range<usize>> {
    if let Some(h) = heading_named(site, doc, from, fragment) {
        return Some(doc.headings[h].span.clone());
    }
    let wanted = fragment.to_lowercase();
    doc.html_headings
        .iter()
        .find(|h| h.slug == wanted)
        .map(|h| h.span.clone())
        .or_else(|| {
            doc.html_anchors
                .iter()
                .find(|(id, _)| id.to_lowercase() == wanted)
                .map(|(_, span)| span.clone())
        })
}

/// Every link of the workspace that leads to document `target` with a fragment that
/// `accepts` (given the linking document's path), as (document, link).
fn links_into(
    state: &State,
    site: &Site,
    target: usize,
    accepts: impl Fn(&str, Option<&str>) -> bool,
) -> Vec<(usize, usize)> {
    let path = &state.ws.docs[target].path;
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name
        .rsplit_once('.')
        .map_or(name, |(stem, _)| stem)
        .to_ascii_lowercase();
    // A site serves these at their folder's URL, which does not name them.
    let by_folder = matches!(stem.as_str(), "index" | "_index" | "readme");
    let mut found = Vec::new();
    for (from, doc) in state.ws.docs.iter().enumerate() {
        for (l, link) in doc.links.iter().enumerate() {
            let dest = &*link.dest;
            // Only links that could lead to the file are resolved.
            let may_lead_here =
                by_folder || (from == target && dest.starts_with('#')) || names(dest, &stem);
            if !may_lead_here {
                continue;
            }
            let resolved = state
                .reg
                .resolve(&state.ws.tree, site, &doc.path, dest, link.kind);
            let here = matches!(resolved.target, Target::File { doc: Some(t), .. } if t == target);
            if here && accepts(&doc.path, resolved.fragment.as_deref()) {
                found.push((from, l));
            }
        }
    }
    found
}

/// Whether the link target `dest` holds `stem` (lowercase), percent-encoded or not.
fn names(dest: &str, stem: &str) -> bool {
    let dest = match dest.contains('%') {
        true => percent_decode_str(dest).decode_utf8_lossy(),
        false => dest.into(),
    };
    dest.to_ascii_lowercase().contains(stem)
}

/// What `id` stands for, in Markdown: its title, status and owner, where it is
/// defined, and how often it is referenced.
fn describe(state: &State, id: &str) -> String {
    let ws = &state.ws;
    let definitions: Vec<&Entry> = state.reg.definitions(id).collect();
    let references = match state.reg.references_to(id).count() {
        1 => "1 reference".to_string(),
        n => format!("{n} references"),
    };
    let Some(canonical) = definitions.first() else {
        return format!("**{id}** is not defined\n\n{references}");
    };
    let title = entry_title(ws, canonical);
    let mut parts = vec![match title.is_empty() {
        true => format!("**{}**", canonical.id),
        false => format!("**{}**: {title}", canonical.id),
    }];
    let fields: Vec<String> = ["Status", "Owner"]
        .into_iter()
        .filter_map(|name| Some(format!("{name}: {}", entry_field(ws, canonical, name)?)))
        .collect();
    if !fields.is_empty() {
        parts.push(fields.join(" · "));
    }
    let place = |e: &&Entry| format!("`{}:{}`", ws.docs[e.doc].path, e.position.line);
    parts.push(match definitions.as_slice() {
        [one] => format!("Defined at {}", place(one)),
        all => format!(
            "Defined {} times: {} (the first is the one that counts)",
            all.len(),
            all.iter().map(place).collect::<Vec<_>>().join(", ")
        ),
    });
    parts.push(references);
    parts.join("\n\n")
}

/// Turns byte spans of documents into the client's positions, reading each document's
/// text at most once.
struct Places<'s, 'c> {
    server: &'s Server<'c>,
    texts: Texts<'s>,
}

impl<'s, 'c> Places<'s, 'c> {
    fn new(server: &'s Server<'c>) -> Self {
        Places {
            server,
            texts: Texts::default(),
        }
    }

    /// The document and byte offset a request points at; `None` for a file outside the
    /// workspace's documents or a line past the end.
    fn cursor(&mut self, at: &TextDocumentPositionParams) -> Option<(usize, usize)> {
        let state = &self.server.state;
        let rel = self.server.path_of(&at.text_document.uri)?;
        let d = state.doc(&rel)?;
        let encoding = self.server.client.encoding;
        let offset = self.texts.with(state, &rel, |lines| {
            let last_line = lines.position(usize::MAX, encoding).line;
            (at.position.line <= last_line).then(|| lines.offset(at.position, encoding))
        })??;
        Some((d, offset))
    }

    /// The range of `span` in document `d`, trailing whitespace (a heading's line end)
    /// left out.
    fn range(&mut self, d: usize, span: &Range<usize>) -> Option<LspRange> {
        let state = &self.server.state;
        let encoding = self.server.client.encoding;
        self.texts.with(state, &state.ws.docs[d].path, |lines| {
            let trimmed = lines
                .text()
                .get(span.clone())
                .map_or(span.end, |text| span.start + text.trim_end().len());
            lines.range(&(span.start..trimmed), encoding)
        })
    }

    fn location(&mut self, d: usize, span: &Range<usize>) -> Option<Location> {
        let range = self.range(d, span)?;
        let uri = self.server.uri_of(&self.server.state.ws.docs[d].path)?;
        Some(Location::new(uri, range))
    }

    /// Where entry `e` is: its heading, or the start of a document-level entry's file.
    fn entry(&mut self, e: &Entry) -> Option<Location> {
        let ws = &self.server.state.ws;
        match e.heading {
            Some(h) => self.location(e.doc, &ws.docs[e.doc].headings[h].span),
            None => self.file_start(&ws.docs[e.doc].path),
        }
    }

    fn file_start(&self, rel: &str) -> Option<Location> {
        Some(Location::new(self.server.uri_of(rel)?, LspRange::default()))
    }

    /// Where a link of `kind` to `dest` in document `d` leads: the heading (or other
    /// anchor) its fragment names, else the file's start; `None` when it leads to no
    /// file of the workspace.
    fn link_target(&mut self, d: usize, dest: &str, kind: LinkKind) -> Option<Location> {
        let state = &self.server.state;
        let site = state.site();
        let from = &state.ws.docs[d].path;
        let resolved = state.reg.resolve(&state.ws.tree, site, from, dest, kind);
        let Target::File { path, doc } = resolved.target else {
            return None;
        };
        let anchor = doc.zip(resolved.fragment).and_then(|(t, fragment)| {
            Some((t, anchor_span(site, &state.ws.docs[t], from, &fragment)?))
        });
        match anchor {
            Some((t, span)) => self.location(t, &span),
            None => self.file_start(&path),
        }
    }
}
