//! The workspace a language server holds: every document parsed once from disk (lean,
//! as `sot lint` keeps documents it does not report on), the open buffers parsed
//! whole in their place, and the registry of them all. An edit parses only the edited
//! buffer again; the registry is then rebuilt from what is in memory.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use sot_lint::{Context, Diagnostic, Selection, Settings, TextFacts};
use sot_registry::{DocFacts, Registry, Site, Target, Workspace};
use sot_syntax::Document;

use crate::workspace::{self, Walked};

pub struct State {
    pub root: PathBuf,
    pub settings: Settings,
    /// The configuration file read, if any, to reload it when it changes.
    pub config_file: Option<PathBuf>,
    pub ws: Workspace,
    pub reg: Registry,
    /// What the rules read of each lean document's text, by path, found when it was
    /// read and before it dropped its text; only where there is something to read.
    lean_facts: HashMap<String, TextFacts>,
    /// The open buffers, by root-relative path: their text is what the workspace holds
    /// for them, whatever the disk says.
    pub open: HashMap<String, String>,
    /// Documents whose text changed since the registry was brought up to date.
    edited: BTreeSet<String>,
    /// Whether a document came or went since then: the registry is built again.
    reshaped: bool,
    /// How links resolve, with what the site's pages say of themselves; built when
    /// first needed after a change to what a site reads of a document.
    site: OnceCell<Site>,
}

impl State {
    /// Reads the workspace at `root` and its settings; the error is what is wrong with
    /// the configuration.
    pub fn load(root: &Path) -> Result<State, String> {
        let (settings, _, config_file) = crate::settings_at(root)?;
        Ok(State::read(root, settings, config_file))
    }

    /// The workspace at `root` with every setting at its default (but the links of a
    /// detected site generator), for when the configuration cannot be read.
    pub fn with_defaults(root: &Path) -> State {
        let (settings, _) = crate::with_detected_links(root, Settings::default());
        State::read(root, settings, None)
    }

    fn read(root: &Path, settings: Settings, config_file: Option<PathBuf>) -> State {
        // Read from the files, not from `sot lint`'s cache: a cached document keeps no
        // links, and the server resolves every document's links to find dependents.
        let all = |_: &str| true;
        let loaded = workspace::load(root, &[], &settings, None, Some(&all));
        let lean_facts = loaded
            .ws
            .docs
            .iter()
            .zip(loaded.text_facts)
            // Empty facts are what a lean document gives anyway: only the others are kept.
            .filter_map(|(doc, facts)| Some((doc.path.clone(), facts.filter(|f| !f.is_empty())?)))
            .collect();
        let reg = Registry::build(&loaded.ws, &settings.id_config());
        State {
            root: root.to_path_buf(),
            settings,
            config_file,
            ws: loaded.ws,
            reg,
            lean_facts,
            open: HashMap::new(),
            edited: BTreeSet::new(),
            reshaped: false,
            site: OnceCell::new(),
        }
    }

    /// Reads the workspace again with its settings (after `sot.toml` changed), keeping
    /// the open buffers as they are.
    pub fn reload(&mut self) -> Result<(), String> {
        let mut fresh = State::load(&self.root)?;
        for (path, text) in std::mem::take(&mut self.open) {
            fresh.set_buffer(&path, text);
        }
        *self = fresh;
        Ok(())
    }

    /// The root-relative path of an absolute one inside the workspace.
    pub fn relative(&self, path: &Path) -> Option<String> {
        // A symlink stands for its target, as in the walk: a buffer opened through one
        // is the target's document.
        let target = path
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink())
            .then(|| path.canonicalize().ok())
            .flatten();
        let path = target.as_deref().unwrap_or(path);
        workspace::relative(&self.root, path)
            .or_else(|| {
                // The client may name the root through a symlink the root was resolved
                // from: resolve the folder, which exists even for a new buffer.
                let real = path.parent()?.canonicalize().ok()?.join(path.file_name()?);
                workspace::relative(&self.root, &real)
            })
            .filter(|rel| !rel.is_empty())
    }

    /// Whether `sot` reads the document at `rel` (Markdown, not excluded).
    pub fn covers(&self, rel: &str) -> bool {
        workspace::is_markdown(rel) && self.settings.includes(rel)
    }

    /// Puts the buffer's text in place of the document at `rel`.
    pub fn set_buffer(&mut self, rel: &str, text: String) {
        if self.covers(rel) {
            let doc = Document::parse(rel, text.clone());
            let facts = DocFacts::of(&doc);
            self.put((doc, facts, None), None);
        }
        self.open.insert(rel.to_string(), text);
    }

    /// The buffer at `rel` was closed: the document is what the disk holds again.
    pub fn close_buffer(&mut self, rel: &str) {
        self.open.remove(rel);
        self.refresh_from_disk(rel, &mut Walked::new(&self.root));
    }

    /// The file at `rel` changed on disk (or appeared, or went away); an open buffer
    /// stands for it until it is closed.
    pub fn refresh_from_disk(&mut self, rel: &str, walked: &mut Walked) {
        if self.open.contains_key(rel) {
            return;
        }
        let on_disk = self.root.join(rel);
        // What the walk leaves out (what git ignores: build output, `node_modules`)
        // stays out as it changes, as if it were not there.
        let meta = on_disk
            .symlink_metadata()
            .ok()
            .filter(|_| walked.contains(rel));
        match &meta {
            Some(m) if m.is_dir() => self.ws.tree.add_dir(rel),
            Some(_) => self.ws.tree.add_file(rel),
            None if self.ws.tree.is_dir(rel) => self.ws.tree.remove_dir(rel),
            None => self.ws.tree.remove_file(rel),
        }
        if !self.covers(rel) || workspace::in_hidden_dir(rel) {
            return;
        }
        let read = meta.and_then(|_| workspace::read_one(&self.root, rel, &self.settings));
        match read {
            Some((doc, text_facts)) => self.put(doc, text_facts),
            None => {
                if let Some(d) = self.find(rel) {
                    self.ws.remove(d);
                    self.lean_facts.remove(rel);
                    self.reshaped = true;
                    self.site = OnceCell::new();
                }
            }
        }
    }

    /// The path `rel` and, when it is or was a folder, every file under it that the
    /// workspace knows and everything under it the walk takes in now: what to read
    /// again once a file or folder moved, appeared or went away.
    pub fn paths_at(&self, rel: &str, walked: &mut Walked) -> Vec<String> {
        if !self.ws.tree.is_dir(rel) && !self.root.join(rel).is_dir() {
            return vec![rel.to_string()];
        }
        let mut paths: BTreeSet<String> =
            self.ws.tree.files_under(rel).map(str::to_string).collect();
        let folder = format!("{rel}/");
        let from = self.ws.docs.partition_point(|d| d.path < folder);
        paths.extend(
            self.ws.docs[from..]
                .iter()
                .take_while(|d| d.path.starts_with(&folder))
                .map(|d| d.path.clone()),
        );
        paths.extend(walked.under(rel));
        paths.insert(rel.to_string());
        paths.into_iter().collect()
    }

    fn find(&self, rel: &str) -> Option<usize> {
        self.ws
            .docs
            .binary_search_by(|d| d.path.as_str().cmp(rel))
            .ok()
    }

    fn put(&mut self, (doc, facts, page): workspace::WithFacts, text_facts: Option<TextFacts>) {
        let path = doc.path.clone();
        let before = self.find(&path).map(|d| self.page_face(d));
        if before.is_none() {
            self.ws.tree.add_file(&path);
            self.reshaped = true;
        }
        self.ws.insert_with(doc, facts, page);
        if before != self.find(&path).map(|d| self.page_face(d)) {
            self.site = OnceCell::new();
        }
        match text_facts.filter(|f| !f.is_empty()) {
            Some(facts) => self.lean_facts.insert(path.clone(), facts),
            None => self.lean_facts.remove(&path),
        };
        self.edited.insert(path);
    }

    /// Brings the registry up to the documents, once after any number of changes:
    /// document by document where the registry can take them in, else built anew.
    pub fn index(&mut self) {
        if self.edited.is_empty() && !self.reshaped {
            return;
        }
        let edited = std::mem::take(&mut self.edited);
        let config = self.settings.id_config();
        let (ws, reg) = (&self.ws, &mut self.reg);
        let updated = !std::mem::take(&mut self.reshaped)
            && edited.iter().all(|path| {
                ws.docs
                    .binary_search_by(|d| d.path.cmp(path))
                    .is_ok_and(|d| reg.update(ws, &config, d))
            });
        if !updated {
            self.reg = Registry::build(&self.ws, &config);
        }
    }

    /// The document at `rel`, as the workspace holds it.
    pub fn doc(&self, rel: &str) -> Option<usize> {
        self.find(rel)
    }

    /// The findings in the documents `targets`, with every rule on.
    pub fn lint(&mut self, targets: &[usize]) -> Vec<Diagnostic> {
        self.index();
        let known = (0..self.ws.docs.len())
            .map(|d| {
                targets
                    .contains(&d)
                    .then(|| self.lean_facts.get(&self.ws.docs[d].path).cloned())
                    .flatten()
            })
            .collect();
        let site = Cow::Borrowed(self.site());
        let ctx = Context::with_site(
            &self.ws,
            &self.reg,
            &self.settings,
            Some(targets),
            known,
            site,
        );
        sot_lint::lint(
            &ctx,
            &Selection::new(None, &[]).unwrap_or_else(|_| unreachable!()),
        )
    }

    /// The documents whose findings may change when document `d` does: those that link
    /// to it, those that name an ID in `ids` (what it defined before and defines now),
    /// and, for a template, those made from it.
    pub fn dependents(&mut self, d: usize, ids: &BTreeSet<String>) -> BTreeSet<usize> {
        self.index();
        let mut found: BTreeSet<usize> = ids
            .iter()
            .flat_map(|id| self.reg.references_to(id).map(|r| r.doc))
            .collect();
        let path = &self.ws.docs[d].path;
        // Documents made from a template are compared with it.
        if self.settings.is_template(path) {
            for (i, doc) in self.ws.docs.iter().enumerate() {
                let document_type = doc
                    .frontmatter
                    .as_ref()
                    .and_then(|f| f.scalar("document_type"));
                let made_from = self
                    .settings
                    .template_for(&doc.path, document_type.as_deref())
                    .is_some_and(|t| self.settings.config.templates[t].path == *path);
                if made_from {
                    found.insert(i);
                }
            }
        }
        let stem = path
            .rsplit('/')
            .next()
            .and_then(|name| name.rsplit_once('.').map(|(stem, _)| stem))
            .unwrap_or(path);
        let site = self.site();
        for (from, doc) in self.ws.docs.iter().enumerate() {
            // Only links that could name the file are resolved.
            let leads_here = doc.links.iter().any(|link| {
                link.dest.contains(stem)
                    && matches!(
                        self.reg.resolve(&self.ws.tree, site, &doc.path, &link.dest, link.kind).target,
                        Target::File { doc: Some(t), .. } if t == d
                    )
            });
            if leads_here {
                found.insert(from);
            }
        }
        found.remove(&d);
        found
    }

    /// What other documents' findings read of document `d`, hashed: what a site reads
    /// of it, its fields, the reference labels it lends other pages, where its entries
    /// are, and all of a template; not its prose, nor where the rest is. An edit that keeps it affects no other
    /// document's findings.
    pub fn face(&mut self, d: usize) -> u64 {
        self.index();
        let doc = &self.ws.docs[d];
        let mut h = std::hash::DefaultHasher::new();
        self.page_face(d).hash(&mut h);
        for heading in &doc.headings {
            for field in &heading.fields {
                (&field.name, &field.value).hash(&mut h);
            }
        }
        doc.unreadable.hash(&mut h);
        // Labels a site includes in every page, and a template, which documents made
        // from it are compared with, reach further than the headings.
        self.ws.facts(d).included_labels().hash(&mut h);
        if self.settings.is_template(&doc.path) {
            doc.text.hash(&mut h);
        }
        self.reg.is_sot_document(d).hash(&mut h);
        for entry in self.reg.entries_in(d) {
            (&entry.id, entry.position.line, entry.position.column).hash(&mut h);
        }
        h.finish()
    }

    /// What a site reads of document `d`, hashed: its headings and HTML anchors, its
    /// frontmatter (URLs a page claims), and the files it includes.
    fn page_face(&self, d: usize) -> u64 {
        let doc = &self.ws.docs[d];
        let mut h = std::hash::DefaultHasher::new();
        for heading in &doc.headings {
            let named = (&heading.text, &heading.slug, &heading.custom_id);
            (heading.level, named).hash(&mut h);
        }
        for heading in &doc.html_headings {
            (&heading.text, &heading.slug).hash(&mut h);
        }
        for (anchor, _) in &doc.html_anchors {
            anchor.hash(&mut h);
        }
        if let Some(fm) = &doc.frontmatter {
            format!("{:?}", fm.mapping).hash(&mut h);
        }
        match &self.ws.page_facts()[d] {
            Some(page) => page.included().hash(&mut h),
            None => self.settings.site().page_facts(doc).included().hash(&mut h),
        }
        h.finish()
    }

    /// How links resolve, with what the site's pages say of themselves.
    pub fn site(&self) -> &Site {
        self.site.get_or_init(|| {
            self.settings
                .site()
                .clone()
                .with_pages(&self.ws.docs, self.ws.page_facts())
        })
    }

    /// The IDs the entries of document `d` carry.
    pub fn ids_in(&mut self, d: usize) -> BTreeSet<String> {
        self.index();
        self.reg
            .entries_in(d)
            .iter()
            .map(|e| e.id.clone())
            .collect()
    }

    /// The text of document `d`: the buffer's or what was parsed, else the file's.
    pub fn text(&self, d: usize) -> Option<std::borrow::Cow<'_, str>> {
        let doc = &self.ws.docs[d];
        if !doc.text_dropped {
            return Some(std::borrow::Cow::Borrowed(&doc.text));
        }
        let text = workspace::read_text(&self.root.join(&doc.path)).ok()?;
        Some(std::borrow::Cow::Owned(
            text.strip_prefix('\u{feff}').unwrap_or(&text).to_string(),
        ))
    }
}
