//! `sot rename OLD NEW`: one entry's ID changed everywhere the workspace names it, as
//! one change. In order: the definition (heading, `**ID**` field, or the frontmatter
//! number of a document-level entry), every reference the registry finds (link texts
//! and bare mentions) and the reference labels that spell the ID; then every link
//! fragment that led to a heading whose anchor those edits moved; then the index blocks
//! whose listing changed. Code holds no references, so it is never touched.
//!
//! The language server renames a heading's text the same way (`retitle`): the links
//! to the anchors it moves follow it.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::Range;

use sot_lint::Settings;
use sot_registry::allocate::{self, Taken};
use sot_registry::{id_key, index, Entry, Registry, Site, Target, Workspace};
use sot_syntax::{id_tokens, parse_id, split_id, Document, Edit, Link, LinkKind};

use crate::changes::Changes;
use crate::queries;

/// Why `id` cannot be renamed from or to, if it cannot: it must be one ID, `PREFIX-N`
/// with a number that names an entry (not `DEP-XXX`, not all zeros).
pub fn check_id(id: &str) -> Result<(), String> {
    let numbered = parse_id(id).is_some_and(|t| {
        t.number.bytes().all(|b| b.is_ascii_digit()) && t.number.bytes().any(|b| b != b'0')
    });
    if numbered {
        Ok(())
    } else {
        Err(format!(
            "`{id}` is not an ID: a prefix (DEP, BR-FEA) then `-` and a number, e.g. DEP-014"
        ))
    }
}

/// The changes that give the entry `old` the ID `new` in `ws`, made in `ws`, with the
/// old ID as its definition spells it; or why it cannot be renamed (then nothing may
/// be written). `elsewhere`: the numbers of `new`'s prefix that other branches use.
pub fn rename(
    ws: &mut Workspace,
    settings: &Settings,
    old: &str,
    new: &str,
    elsewhere: &BTreeSet<u64>,
) -> Result<(Changes, String), String> {
    let id_config = settings.id_config();
    let build = |ws: &Workspace| Registry::build(ws, &id_config);
    let reg = build(ws);
    let entry = the_definition(ws, &reg, old, new, elsewhere)?.clone();
    let site_before = settings
        .site()
        .clone()
        .with_pages(&ws.docs, ws.page_facts());
    let listings_before = listings(ws, &reg);

    let mut edits = definition_edits(ws, &reg, &entry, new)?;
    for r in reg.references_to(old) {
        edits
            .entry(r.doc)
            .or_default()
            .push(Edit::new(r.span.clone(), new));
    }
    for (d, doc) in ws.docs.iter().enumerate() {
        let labels = label_edits(doc, old, new);
        if !labels.is_empty() {
            edits.entry(d).or_default().extend(labels);
        }
    }
    let before: BTreeMap<usize, Shape> = edits
        .keys()
        .map(|&d| (d, Shape::of(ws, &site_before, d)))
        .collect();
    let mut changes = Changes::default();
    apply(&mut changes, ws, edits)?;

    let reg = build(ws);
    check_renamed(ws, &reg, &entry, old, new)?;
    let refusal = |path: &str| {
        format!(
            "renaming `{old}` would change how {path} reads (its links or headings); \
             rename it there by hand first"
        )
    };
    follow_anchors(ws, settings, &reg, &mut changes, before, &refusal)?;
    relist(ws, settings, &mut changes, &listings_before);
    Ok((changes, entry.id))
}

/// The changes that write `title` over the text of a heading (at `span` of document
/// `d`) in `ws`, made in `ws`: every link fragment that led to an anchor the new text
/// moves follows it, and the index blocks that list the heading are written again.
/// Refused when the new text would change the document's links or headings.
pub(crate) fn retitle(
    ws: &mut Workspace,
    settings: &Settings,
    d: usize,
    span: Range<usize>,
    title: &str,
) -> Result<Changes, String> {
    let id_config = settings.id_config();
    let reg = Registry::build(ws, &id_config);
    let site_before = settings
        .site()
        .clone()
        .with_pages(&ws.docs, ws.page_facts());
    let listings_before = listings(ws, &reg);
    let before = BTreeMap::from([(d, Shape::of(ws, &site_before, d))]);
    let mut changes = Changes::default();
    apply(
        &mut changes,
        ws,
        BTreeMap::from([(d, vec![Edit::new(span, title)])]),
    )?;
    let reg = Registry::build(ws, &id_config);
    let refusal = |path: &str| {
        format!("`{title}` would change how {path} reads (its links or headings); write it by hand")
    };
    follow_anchors(ws, settings, &reg, &mut changes, before, &refusal)?;
    relist(ws, settings, &mut changes, &listings_before);
    Ok(changes)
}

/// After edits to the documents `before` describes (as they were), with `reg` built
/// on them: refuses edits that changed a document's links or how many headings it
/// has (`refusal` says so for a path), then points every link fragment that led to a
/// heading anchor the edits moved at its new place.
fn follow_anchors(
    ws: &mut Workspace,
    settings: &Settings,
    reg: &Registry,
    changes: &mut Changes,
    before: BTreeMap<usize, Shape>,
    refusal: &dyn Fn(&str) -> String,
) -> Result<(), String> {
    let site = settings
        .site()
        .clone()
        .with_pages(&ws.docs, ws.page_facts());
    let mut moves = Vec::new();
    for (d, shape) in before {
        let after = Shape::of(ws, &site, d);
        if shape.links != after.links || shape.anchors.len() != after.anchors.len() {
            return Err(refusal(&ws.docs[d].path));
        }
        moves.extend(AnchorMoves::between(ws, d, &shape, &after));
    }
    let fragments = fragment_edits(ws, reg, &site, &moves);
    apply(changes, ws, fragments)
}

/// Writes again the index blocks whose listing changed since `listings_before`.
fn relist(
    ws: &mut Workspace,
    settings: &Settings,
    changes: &mut Changes,
    listings_before: &BTreeMap<usize, Vec<String>>,
) {
    let id_config = settings.id_config();
    let build = |ws: &Workspace| Registry::build(ws, &id_config);
    let reg = build(ws);
    let relisted: Vec<usize> = listings(ws, &reg)
        .into_iter()
        .filter(|(d, now)| listings_before.get(d) != Some(now))
        .map(|(d, _)| d)
        .collect();
    changes.absorb(index::rewrite_settled(ws, build, &relisted));
}

/// The one entry `old` names, once `new` is known to be free for it.
fn the_definition<'r>(
    ws: &Workspace,
    reg: &'r Registry,
    old: &str,
    new: &str,
    elsewhere: &BTreeSet<u64>,
) -> Result<&'r Entry, String> {
    let at = |e: &Entry| format!("{}:{}", ws.docs[e.doc].path, e.position.line);
    let definitions: Vec<&Entry> = reg.definitions(old).collect();
    let entry = match definitions.as_slice() {
        [] => return Err(queries::not_found(reg, old)),
        [entry] => *entry,
        many => {
            let places: Vec<String> = many.iter().map(|e| at(e)).collect();
            return Err(format!(
                "`{old}` is defined {} times ({}); give each its own ID, then rename the one you mean",
                many.len(),
                places.join(", ")
            ));
        }
    };
    if id_key(old) == id_key(new) {
        return Err(format!(
            "`{new}` is `{}`: numbers compare as numbers, so there is nothing to rename",
            entry.id
        ));
    }
    let (prefix, _) = split_id(new).unwrap_or_default();
    if !reg.is_known(prefix) {
        let known: Vec<&str> = reg.prefixes().collect();
        return Err(format!(
            "`{prefix}` is not a known prefix (the workspace knows {}); declare it first, \
             e.g. in the id_prefix of the file that will hold it",
            known.join(", ")
        ));
    }
    if let Some(taken) = allocate::taken(reg, new, entry.doc, elsewhere) {
        let position = |d: usize, offset: usize| {
            let p = ws.docs[d].position(offset);
            format!("{}:{}", ws.docs[d].path, p.line)
        };
        return Err(match taken {
            Taken::Defined(e) => format!("`{new}` is already defined at {}", at(e)),
            Taken::Referenced(r) => format!(
                "`{new}` is already in use: nothing defines it, but {} refers to it; \
                 pick another ID, or make that reference name another one",
                position(r.doc, r.span.start)
            ),
            Taken::Reserved(from, to) => format!(
                "`{new}` is in the range {} to {} that {} reserves",
                from.token.id(),
                to.token.id(),
                position(from.doc, from.span.start)
            ),
            Taken::OnAnotherBranch => format!(
                "`{new}` is used on another branch (in a file it changed since it forked); \
                 pick another ID"
            ),
        });
    }
    Ok(entry)
}

/// The edits that write `new` where the entry defines its ID: its heading and its
/// `**ID**` field, or for a document-level entry the frontmatter value holding its
/// number.
fn definition_edits(
    ws: &Workspace,
    reg: &Registry,
    entry: &Entry,
    new: &str,
) -> Result<BTreeMap<usize, Vec<Edit>>, String> {
    let doc = &ws.docs[entry.doc];
    let mut edits = Vec::new();
    match entry.heading {
        Some(h) => {
            edits.push(Edit::new(entry.id_span.clone(), new));
            if let Some(field) = doc.headings[h].field("ID") {
                edits.extend(id_edits(
                    &doc.text,
                    field.value_span.clone(),
                    &entry.id,
                    new,
                ));
            }
        }
        None => {
            let (old_prefix, number) = split_id(&entry.id).unwrap_or_default();
            let (new_prefix, new_number) = split_id(new).unwrap_or_default();
            let Some(at) = doc.text[entry.id_span.clone()].find(number) else {
                return Err(format!(
                    "`{}` is the name or path of {} ([[documents]] in sot.toml); rename the file",
                    entry.id, doc.path
                ));
            };
            // Blocks reading one number under other prefixes (ERC-20 is EIP-20) would
            // all change.
            let alias = reg
                .entries_in(entry.doc)
                .iter()
                .find(|e| e.heading.is_none() && e.id_span == entry.id_span && e.id != entry.id);
            if let Some(alias) = alias {
                return Err(format!(
                    "the number of `{}` in {} also makes it `{}`; renaming one would rename both",
                    entry.id, doc.path, alias.id
                ));
            }
            if new_prefix != old_prefix {
                return Err(format!(
                    "`{}` is a whole document numbered by its frontmatter: its prefix stays \
                     {old_prefix}",
                    entry.id
                ));
            }
            let start = entry.id_span.start + at;
            edits.push(Edit::new(start..start + number.len(), new_number));
        }
    }
    Ok(BTreeMap::from([(entry.doc, edits)]))
}

/// Edits renaming each ID `old` written in `text[span]` to `new`. Letter case is not
/// compared (reference labels match without it), and a lowercase `dep-003` becomes a
/// lowercase new ID.
fn id_edits(text: &str, span: Range<usize>, old: &str, new: &str) -> Vec<Edit> {
    let written = &text[span.clone()];
    // ASCII uppercasing keeps every offset.
    let upper = written.to_ascii_uppercase();
    id_tokens(&upper)
        .into_iter()
        .filter(|t| id_key(&t.id()) == id_key(old))
        .map(|t| {
            let lowercase = written[t.span.clone()] == upper[t.span.clone()].to_lowercase();
            let text = if lowercase {
                new.to_lowercase()
            } else {
                new.to_string()
            };
            Edit::new(span.start + t.span.start..span.start + t.span.end, text)
        })
        .collect()
}

/// Edits renaming `old` in the reference labels of `doc`: its definitions'
/// (`[DEP-003]: x.md`) and the labels full reference links write (`[see][DEP-003]`).
/// A shortcut `[DEP-003]` is its own label: its text is renamed as a reference.
fn label_edits(doc: &Document, old: &str, new: &str) -> Vec<Edit> {
    let definitions = doc.definitions.iter().map(|d| d.label_span.clone());
    let written = doc
        .links
        .iter()
        .filter(|l| l.kind == LinkKind::Reference)
        .filter_map(|l| explicit_label(&doc.text, l));
    definitions
        .chain(written)
        .flat_map(|span| id_edits(&doc.text, span, old, new))
        .collect()
}

/// Where the label of a full reference link `[text][label]` is written.
fn explicit_label(text: &str, link: &Link) -> Option<Range<usize>> {
    let span = link.span.range();
    let inner = text[span.clone()].strip_suffix(']')?;
    let open = inner.rfind('[')?;
    let full = open > 0 && inner[..open].ends_with(']') && open + 1 < inner.len();
    full.then(|| span.start + open + 1..span.start + inner.len())
}

/// Applies each document's edits (repeats dropped: links share a definition).
fn apply(
    changes: &mut Changes,
    ws: &mut Workspace,
    edits: BTreeMap<usize, Vec<Edit>>,
) -> Result<(), String> {
    for (d, mut edits) in edits {
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        edits.dedup();
        changes
            .edit(ws, d, &edits)
            .map_err(|e| format!("cannot rename in {}: {e}", ws.docs[d].path))?;
    }
    Ok(())
}

/// After the first edits: the renamed heading must still be an entry, the only one of
/// its new ID.
fn check_renamed(
    ws: &Workspace,
    reg: &Registry,
    entry: &Entry,
    old: &str,
    new: &str,
) -> Result<(), String> {
    let found: Vec<&Entry> = reg.definitions(new).collect();
    let same = matches!(found.as_slice(), [e] if e.doc == entry.doc && e.heading == entry.heading);
    if same && reg.canonical(old).is_none() {
        return Ok(());
    }
    Err(format!(
        "after renaming, {} would not define `{new}` as an entry (a heading is one when its \
         prefix is declared, it stands in a SoT document, or fields follow it); declare the \
         prefix there first",
        ws.docs[entry.doc].path
    ))
}

/// What of a document a rename must leave alone (its links and how many headings it
/// has), and the anchors of its headings.
struct Shape {
    links: Vec<(LinkKind, Box<str>)>,
    /// Per heading: GitHub's slug, and the id its site gives it when it is a page.
    anchors: Vec<(String, Option<String>)>,
}

impl Shape {
    fn of(ws: &Workspace, site: &Site, d: usize) -> Shape {
        let doc = &ws.docs[d];
        Shape {
            links: doc.links.iter().map(|l| (l.kind, l.dest.clone())).collect(),
            anchors: doc
                .headings
                .iter()
                .enumerate()
                .map(|(h, heading)| {
                    let on_site = site.heading_id(&doc.path, h).map(str::to_string);
                    (heading.slug.clone(), on_site)
                })
                .collect(),
        }
    }
}

/// The heading anchors of one document that the rename moved, as (old, new) pairs.
struct AnchorMoves {
    doc: usize,
    github: Vec<(String, String)>,
    site: Vec<(String, String)>,
    /// Anchors written by hand (`{#id}`, `<a id>`), lowercased: they did not move, and a
    /// fragment naming one stays.
    kept: HashSet<String>,
}

impl AnchorMoves {
    fn between(ws: &Workspace, d: usize, before: &Shape, after: &Shape) -> Option<AnchorMoves> {
        let mut moves = AnchorMoves {
            doc: d,
            github: Vec::new(),
            site: Vec::new(),
            kept: HashSet::new(),
        };
        for ((slug, id), (new_slug, new_id)) in before.anchors.iter().zip(&after.anchors) {
            if slug != new_slug {
                moves.github.push((slug.to_lowercase(), new_slug.clone()));
            }
            if let (Some(id), Some(new_id)) = (id, new_id) {
                if id != new_id {
                    moves.site.push((id.to_lowercase(), new_id.clone()));
                }
            }
        }
        if moves.github.is_empty() && moves.site.is_empty() {
            return None;
        }
        let doc = &ws.docs[d];
        let custom = doc.headings.iter().filter_map(|h| h.custom_id.as_deref());
        let html = doc.html_anchors.iter().map(|(a, _)| a.as_str());
        moves.kept = custom.chain(html).map(str::to_lowercase).collect();
        Some(moves)
    }

    /// The new anchor for `fragment` (percent-decoded) in a link from the document at
    /// `from`, read with the site's anchors when both documents are its pages.
    fn moved(&self, site: &Site, from: &str, path: &str, fragment: &str) -> Option<&str> {
        let key = fragment.to_lowercase();
        let key = key.strip_prefix("user-content-").unwrap_or(&key);
        if self.kept.contains(key) {
            return None;
        }
        let on_site = site.publishes(from) && site.anchors(path).is_some();
        let moves = if on_site { &self.site } else { &self.github };
        moves
            .iter()
            .find(|(old, _)| old == key)
            .map(|(_, new)| new.as_str())
    }
}

/// Edits pointing every link target (inline, HTML, reference definition) that resolves
/// to a moved anchor at its new place.
fn fragment_edits(
    ws: &Workspace,
    reg: &Registry,
    site: &Site,
    moves: &[AnchorMoves],
) -> BTreeMap<usize, Vec<Edit>> {
    let mut edits: BTreeMap<usize, Vec<Edit>> = BTreeMap::new();
    if moves.is_empty() {
        return edits;
    }
    for (d, doc) in ws.docs.iter().enumerate() {
        // A reference link's target is its definition's, visited once.
        let inline = doc
            .links
            .iter()
            .filter(|l| l.kind != LinkKind::Reference)
            .map(|l| (&*l.dest, l.dest_span.range(), l.kind));
        let defined = doc.definitions.iter().map(|def| {
            (
                def.dest.as_str(),
                def.dest_span.clone(),
                LinkKind::Reference,
            )
        });
        for (dest, span, kind) in inline.chain(defined) {
            let resolved = reg.resolve(&ws.tree, site, &doc.path, dest, kind);
            let (Target::File { doc: Some(t), path }, Some(fragment)) =
                (resolved.target, resolved.fragment)
            else {
                continue;
            };
            let moved = moves
                .iter()
                .find(|m| m.doc == t)
                .and_then(|m| m.moved(site, &doc.path, &path, &fragment));
            if let Some(edit) = moved.and_then(|to| fragment_edit(&doc.text, span, to)) {
                edits.entry(d).or_default().push(edit);
            }
        }
    }
    edits
}

/// The edit writing `anchor` as the fragment of the target written at `span` (a
/// `user-content-` prefix kept).
fn fragment_edit(text: &str, span: Range<usize>, anchor: &str) -> Option<Edit> {
    let written = &text[span.clone()];
    let end = match written.strip_prefix('<') {
        Some(inner) if inner.ends_with('>') => written.len() - 1,
        _ => written.len(),
    };
    let start = written.find('#')? + 1;
    let fragment = written.get(start..end)?;
    let prefix = "user-content-";
    let kept = match fragment.get(..prefix.len()) {
        Some(p) if p.eq_ignore_ascii_case(prefix) => p,
        _ => "",
    };
    Some(Edit::new(
        span.start + start..span.start + end,
        format!("{kept}{anchor}"),
    ))
}

/// Each document's index blocks as `sot index` would write them now, for the
/// documents that have any.
fn listings(ws: &Workspace, reg: &Registry) -> BTreeMap<usize, Vec<String>> {
    ws.docs
        .iter()
        .enumerate()
        .filter_map(|(d, doc)| {
            let (blocks, _) = index::blocks(doc);
            let rendered: Vec<String> = blocks
                .iter()
                .map(|b| index::render(ws, reg, d, b))
                .collect();
            (!rendered.is_empty()).then_some((d, rendered))
        })
        .collect()
}
