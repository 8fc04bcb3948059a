//! Moving a file or folder inside the workspace (`sot mv`): where each path goes, and
//! the link edits that keep every link to and from the moved files reaching what it
//! reached before. Links are judged by the registry's own resolution, so only those
//! that really lead into the moved files change.

use std::collections::BTreeMap;
use std::ops::Range;

use percent_encoding::percent_decode_str;
use sot_syntax::{Document, Edit, LinkKind};

use crate::links::{normalize, relative_path};
use crate::{Registry, Site, Target, Workspace};

/// A file or folder moved from one root-relative path to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub from: String,
    pub to: String,
}

impl Move {
    /// Where `path` is after the move: `None` when it is neither the moved path nor
    /// inside it.
    pub fn destination(&self, path: &str) -> Option<String> {
        if path == self.from {
            return Some(self.to.clone());
        }
        let rest = path.strip_prefix(&self.from)?.strip_prefix('/')?;
        Some(format!("{}/{rest}", self.to))
    }
}

/// What a move changes in the documents' links.
#[derive(Debug, Default)]
pub struct LinkEdits {
    /// Per document (its index in the workspace), the edits to its link targets.
    pub edits: BTreeMap<usize, Vec<Edit>>,
    /// Links the move concerns that are left as written, because they are not file
    /// paths `sot` can write again (a site's page URL, a target a `[links]` rewrite
    /// changes, one spelled with escapes).
    pub left: Vec<LeftLink>,
}

/// A link left as written, though the move may break it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftLink {
    pub doc: usize,
    /// Where its target is written.
    pub span: Range<usize>,
    pub dest: String,
    pub reason: &'static str,
}

/// The edits that keep every link of the workspace reaching the same file, folder or
/// missing path once `mv` is made: links to the moved files (or into a moved folder)
/// get their new place, and relative links inside moved documents are written from
/// their new folder. A link that still reaches its target as written is left alone.
pub fn link_edits(ws: &Workspace, reg: &Registry, site: &Site, mv: &Move) -> LinkEdits {
    let mut out = LinkEdits::default();
    for (d, doc) in ws.docs.iter().enumerate() {
        if doc.unreadable.is_some() {
            continue;
        }
        let mut edits = Vec::new();
        for (dest, span, kind, image) in written_targets(doc) {
            let Some(place) = Place::of(ws, reg, site, doc, dest, kind, mv) else {
                continue;
            };
            match place.rewrite(&doc.text[span.clone()], dest, kind, image) {
                Ok(Some(text)) => edits.push(Edit::new(span, text)),
                Ok(None) => {}
                Err(reason) => out.left.push(LeftLink {
                    doc: d,
                    span,
                    dest: dest.to_string(),
                    reason,
                }),
            }
        }
        if !edits.is_empty() {
            out.edits.insert(d, edits);
        }
    }
    out
}

/// Every target a document writes, once: inline links and images, HTML `href`/`src`,
/// and reference definitions (the reference links that use one share its target).
fn written_targets(doc: &Document) -> impl Iterator<Item = (&str, Range<usize>, LinkKind, bool)> {
    let links = doc
        .links
        .iter()
        .filter(|l| matches!(l.kind, LinkKind::Inline | LinkKind::Html))
        .map(|l| (&*l.dest, l.dest_span.range(), l.kind, l.image));
    let definitions = doc.definitions.iter().map(|d| {
        (
            d.dest.as_str(),
            d.dest_span.clone(),
            LinkKind::Reference,
            false,
        )
    });
    links.chain(definitions)
}

/// A link the move concerns: where it leads, and where that is once the files moved.
struct Place {
    /// The decoded path as written, without query or fragment.
    written: String,
    /// The root-relative path it names as written (before symlinks).
    named: String,
    /// Why it is not simply the file path the registry resolves it to, when it is not.
    not_a_path: Option<&'static str>,
    /// The linking document's path after the move.
    from_after: String,
    /// What it names after the move.
    named_after: String,
    doc_moves: bool,
    target_moves: bool,
}

impl Place {
    /// The link of document `doc` to `dest`, when the move touches it: it leads to a
    /// moved file, into a moved folder, or stands in a moved document. `None` for a
    /// link the move cannot affect (external, to the document itself, unresolved).
    fn of(
        ws: &Workspace,
        reg: &Registry,
        site: &Site,
        doc: &Document,
        dest: &str,
        kind: LinkKind,
        mv: &Move,
    ) -> Option<Place> {
        let written = decode(path_part(dest)).into_owned();
        if written.is_empty() {
            return None;
        }
        let resolved = reg.resolve(&ws.tree, site, &doc.path, dest, kind);
        let target = match resolved.target {
            Target::File { path, .. } => path,
            Target::Dir(path) | Target::Missing(path) => path,
            Target::External | Target::OutsideRoot => return None,
        };
        let base = if written.starts_with('/') {
            ""
        } else {
            parent(&doc.path)
        };
        let named = normalize(base, &written)?;
        let not_a_path = if resolved.rewritten.is_some() {
            Some("a [links] rewrite changes it")
        } else if ws.tree.real_path(&named).is_some_and(|real| real == target) {
            None
        } else {
            Some("it is a page URL of the site, not a file path")
        };
        let doc_after = mv.destination(&doc.path);
        let target_after = mv.destination(&target);
        if doc_after.is_none() && target_after.is_none() && mv.destination(&named).is_none() {
            return None;
        }
        // A link through a symlink follows the symlink's own path when that moves
        // (a symlink inside a moved folder), else the file it reached.
        let named_after = mv
            .destination(&named)
            .or_else(|| target_after.clone().filter(|_| named != target))
            .unwrap_or_else(|| named.clone());
        Some(Place {
            target_moves: target_after.is_some() || named_after != named,
            written,
            named,
            not_a_path,
            doc_moves: doc_after.is_some(),
            from_after: doc_after.unwrap_or_else(|| doc.path.clone()),
            named_after,
        })
    }

    /// The target to write in place of `raw` (the target as it stands in the text,
    /// `dest` as parsed), `None` when it still reaches its target as written, or why
    /// it is left alone.
    fn rewrite(
        &self,
        raw: &str,
        dest: &str,
        kind: LinkKind,
        image: bool,
    ) -> Result<Option<String>, &'static str> {
        let absolute = self.written.starts_with('/');
        if let Some(reason) = self.not_a_path {
            // A site URL from a page that stays, to a page that stays, is unaffected.
            let affected = self.target_moves || (self.doc_moves && !absolute);
            return match affected {
                true => Err(reason),
                false => Ok(None),
            };
        }
        let still = if absolute {
            self.named == self.named_after
        } else {
            normalize(parent(&self.from_after), &self.written).as_deref()
                == Some(self.named_after.as_str())
        };
        if still {
            return Ok(None);
        }
        let spelling = Spelling::of(raw, dest, kind, image)
            .ok_or("its path is spelled with escapes or character references")?;
        let path = if absolute {
            format!("/{}", self.named_after)
        } else {
            self.relative()
        };
        let text = spelling.write(&path);
        Ok((text != raw).then_some(text))
    }

    /// The new relative path, shaped as the old one: a leading `./` and a trailing
    /// `/` kept.
    fn relative(&self) -> String {
        let mut rel = relative_path(&self.from_after, &self.named_after);
        if self.named_after.is_empty() {
            rel.truncate(rel.trim_end_matches('/').len());
        }
        if rel.is_empty() {
            rel.push('.');
        }
        let climbs = rel == "." || rel == ".." || rel.starts_with("../");
        if self.written.starts_with("./") && !climbs {
            rel.insert_str(0, "./");
        }
        if self.written.ends_with('/') && !rel.ends_with('/') {
            rel.push('/');
        }
        rel
    }
}

/// How a target is written in its document, so a new path is written the same way.
struct Spelling<'r> {
    /// Written inside `<...>` (Markdown), where spaces need no escape.
    angle: bool,
    html: Option<Html>,
    /// Spaces were percent-encoded (`%20`).
    percent: bool,
    /// Non-ASCII characters were percent-encoded (`caf%C3%A9.md`).
    non_ascii: bool,
    /// White space around the target (an HTML attribute may hold it).
    lead: &'r str,
    /// The query and fragment as written, kept byte for byte.
    suffix: &'r str,
    trail: &'r str,
}

#[derive(Clone, Copy)]
struct Html {
    /// An image's target may be a `srcset` candidate, where `,` separates URLs.
    image: bool,
}

impl<'r> Spelling<'r> {
    /// How `raw` is written, `dest` being what it was parsed to; `None` when its path
    /// holds escapes or character references (`\_`, `&amp;`), whose spelling a
    /// rewrite could not keep.
    fn of(raw: &'r str, dest: &str, kind: LinkKind, image: bool) -> Option<Spelling<'r>> {
        let html = (kind == LinkKind::Html).then_some(Html { image });
        let inner = raw.trim();
        let (lead, trail) = (
            &raw[..raw.len() - raw.trim_start().len()],
            &raw[raw.trim_end().len()..],
        );
        let angle = html.is_none() && inner.starts_with('<') && inner.ends_with('>');
        let inner = if angle {
            &inner[1..inner.len() - 1]
        } else {
            inner
        };
        let path = path_part(inner);
        if path != path_part(dest) {
            return None;
        }
        let encoded: Vec<u8> = path
            .match_indices('%')
            .filter_map(|(i, _)| u8::from_str_radix(path.get(i + 1..i + 3)?, 16).ok())
            .collect();
        let suffix = &inner[path.len()..];
        Some(Spelling {
            angle,
            html,
            percent: encoded.contains(&b' '),
            non_ascii: encoded.iter().any(|b| *b >= 0x80),
            lead,
            suffix,
            trail,
        })
    }

    /// `path` written as the old target was, with its query and fragment.
    fn write(&self, path: &str) -> String {
        let balanced = parens_balance(path);
        let mut out = String::with_capacity(path.len() + self.suffix.len() + 4);
        out.push_str(self.lead);
        if self.angle {
            out.push('<');
        }
        for c in path.chars() {
            if self.escapes(c, balanced) {
                let mut bytes = [0; 4];
                for b in c.encode_utf8(&mut bytes).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            } else {
                out.push(c);
            }
        }
        out.push_str(self.suffix);
        if self.angle {
            out.push('>');
        }
        out.push_str(self.trail);
        out
    }

    /// Whether `c` is percent-encoded: what would end or change the target where it
    /// is written, and what the old target encoded.
    fn escapes(&self, c: char, parens_balance: bool) -> bool {
        match c {
            '%' | '#' | '?' | '\\' | '<' | '>' => true,
            c if c.is_control() => true,
            ' ' => self.percent || !self.angle,
            '(' | ')' => self.html.is_none() && !self.angle && !parens_balance,
            '"' | '\'' | '&' => self.html.is_some(),
            ',' => self.html.is_some_and(|h| h.image),
            c if !c.is_ascii() => self.non_ascii,
            _ => false,
        }
    }
}

/// Whether every `(` in `path` is closed by a later `)`: a bare Markdown target may
/// hold such parentheses as they are.
fn parens_balance(path: &str) -> bool {
    let mut depth = 0usize;
    for c in path.chars() {
        match c {
            '(' => depth += 1,
            ')' => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            _ => {}
        }
    }
    depth == 0
}

/// The path of a target, before its query (`?`) or fragment (`#`).
fn path_part(target: &str) -> &str {
    let end = target.find(['?', '#']).unwrap_or(target.len());
    &target[..end]
}

fn decode(s: &str) -> std::borrow::Cow<'_, str> {
    percent_decode_str(s).decode_utf8_lossy()
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FileTree, IdConfig};

    /// The workspace of `docs` (path, text) plus the plain files `files`, and the
    /// text of each document after `from` moves to `to`.
    fn moved(docs: &[(&str, &str)], files: &[&str], from: &str, to: &str) -> Vec<(String, String)> {
        let mut tree = FileTree::default();
        for path in docs.iter().map(|(p, _)| *p).chain(files.iter().copied()) {
            tree.add_file(path);
        }
        let parsed = docs
            .iter()
            .map(|(p, t)| Document::parse(*p, t.to_string()))
            .collect();
        let ws = Workspace::new(parsed, tree);
        let reg = Registry::build(&ws, &IdConfig::default());
        let mv = Move {
            from: from.into(),
            to: to.into(),
        };
        let edits = link_edits(&ws, &reg, &Site::default(), &mv);
        assert!(edits.left.is_empty(), "{:?}", edits.left);
        ws.docs
            .iter()
            .enumerate()
            .map(|(d, doc)| {
                let text = match edits.edits.get(&d) {
                    Some(e) => sot_syntax::edit::apply(&doc.text, e).unwrap(),
                    None => doc.text.clone(),
                };
                let path = mv.destination(&doc.path).unwrap_or(doc.path.clone());
                (path, text)
            })
            .collect()
    }

    fn text_of<'a>(after: &'a [(String, String)], path: &str) -> &'a str {
        &after.iter().find(|(p, _)| p == path).unwrap().1
    }

    #[test]
    fn links_to_a_moved_file_follow_it_in_their_own_spelling() {
        let guide = "[a](runbooks/a.md#step-2) [b](./runbooks/a.md?plain=1)\n\
                     ![chart](<runbooks/a.md>) [c][ref] <a href=\"/docs/runbooks/a.md\">a</a>\n\n\
                     [ref]: runbooks/a.md \"Title\"\n";
        let after = moved(
            &[("docs/guide.md", guide), ("docs/runbooks/a.md", "# A\n")],
            &[],
            "docs/runbooks/a.md",
            "ops/on call/a.md",
        );
        assert_eq!(
            text_of(&after, "docs/guide.md"),
            "[a](../ops/on%20call/a.md#step-2) [b](../ops/on%20call/a.md?plain=1)\n\
             ![chart](<../ops/on call/a.md>) [c][ref] <a href=\"/ops/on%20call/a.md\">a</a>\n\n\
             [ref]: ../ops/on%20call/a.md \"Title\"\n"
        );
    }

    #[test]
    fn links_in_a_moved_document_are_written_from_its_new_folder() {
        let a = "[sib](b.md) [up](../guide.md#top) [self](#a) [me](a.md#a) [dir](./) \
                 [missing](ghost.md) [web](https://x.org/a.md) [img](logo%20v2.png)\n";
        let after = moved(
            &[
                ("docs/runbooks/a.md", a),
                ("docs/runbooks/b.md", "# B\n"),
                ("docs/guide.md", "# Guide\n"),
            ],
            &["docs/runbooks/logo v2.png"],
            "docs/runbooks/a.md",
            "a.md",
        );
        assert_eq!(
            text_of(&after, "a.md"),
            "[sib](docs/runbooks/b.md) [up](docs/guide.md#top) [self](#a) [me](a.md#a) \
             [dir](./docs/runbooks/) [missing](docs/runbooks/ghost.md) [web](https://x.org/a.md) \
             [img](docs/runbooks/logo%20v2.png)\n"
        );
    }

    #[test]
    fn a_moved_folder_keeps_links_between_its_documents_and_from_outside() {
        let a = "[b](b.md) [deep](sub/c.md) [out](../guide.md) [back](../runbooks/b.md)\n";
        let guide = "[a](runbooks/a.md) [folder](runbooks/) [c](runbooks/sub/c.md#x)\n";
        let after = moved(
            &[
                ("docs/runbooks/a.md", a),
                ("docs/runbooks/b.md", "# B\n"),
                ("docs/runbooks/sub/c.md", "[a](../a.md)\n"),
                ("docs/guide.md", guide),
            ],
            &[],
            "docs/runbooks",
            "ops/runbooks",
        );
        assert_eq!(
            text_of(&after, "ops/runbooks/a.md"),
            "[b](b.md) [deep](sub/c.md) [out](../../docs/guide.md) [back](../runbooks/b.md)\n"
        );
        assert_eq!(text_of(&after, "ops/runbooks/sub/c.md"), "[a](../a.md)\n");
        assert_eq!(
            text_of(&after, "docs/guide.md"),
            "[a](../ops/runbooks/a.md) [folder](../ops/runbooks/) [c](../ops/runbooks/sub/c.md#x)\n"
        );
    }

    #[test]
    fn links_to_other_files_are_left_alone() {
        let guide = "[a](runbooks/ab.md) [b](runbooks-old/a.md) [c](a.md)\n";
        let after = moved(
            &[
                ("docs/guide.md", guide),
                ("docs/runbooks/a.md", "# A\n"),
                ("docs/runbooks/ab.md", "# AB\n"),
            ],
            &[],
            "docs/runbooks/a.md",
            "ops/a.md",
        );
        assert_eq!(text_of(&after, "docs/guide.md"), guide);
    }

    #[test]
    fn spelling_keeps_encoding_and_escapes_what_the_syntax_needs() {
        let cases = [
            (
                "caf%C3%A9.md#x",
                "caf%C3%A9.md#x",
                LinkKind::Inline,
                "a/café.md",
                "a/caf%C3%A9.md#x",
            ),
            (
                "café.md",
                "café.md",
                LinkKind::Inline,
                "a/café b.md",
                "a/café%20b.md",
            ),
            (
                "<a b.md>",
                "a b.md",
                LinkKind::Inline,
                "c d (1).md",
                "<c d (1).md>",
            ),
            ("x.md", "x.md", LinkKind::Inline, "c(1.md", "c%281.md"),
            ("R&D.md", "R&D.md", LinkKind::Reference, "a&b.md", "a&b.md"),
            (
                " x.md ",
                "x.md",
                LinkKind::Html,
                "a&b \"c\".md",
                " a%26b%20%22c%22.md ",
            ),
            (
                "x.md",
                "x.md",
                LinkKind::Inline,
                "50%#?.md",
                "50%25%23%3F.md",
            ),
        ];
        for (raw, dest, kind, path, written) in cases {
            let spelling = Spelling::of(raw, dest, kind, false).unwrap();
            assert_eq!(spelling.write(path), written, "{raw} {path}");
        }
        assert!(Spelling::of(r"a\_b.md", "a_b.md", LinkKind::Inline, false).is_none());
        assert!(Spelling::of("R&amp;D.md", "R&D.md", LinkKind::Html, false).is_none());
    }
}
