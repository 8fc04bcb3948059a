//! Edits the server proposes and the client applies: an ID or a heading renamed
//! everywhere (`textDocument/rename`), the link edits of files and folders the editor
//! moves (`workspace/willRenameFiles`), and code actions: the fixes of findings, every
//! safe fix at once, the next free ID for an entry, a new entry. The server writes no
//! file: each answer is a `WorkspaceEdit` against the text the client has (the open
//! buffer, else the file on disk).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use lsp_server::ErrorCode;
use lsp_types::{
    ClientCapabilities, CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand,
    CodeActionParams, CodeActionProviderCapability, CodeActionTriggerKind, DocumentChanges,
    FileOperationFilter, FileOperationPattern, FileOperationPatternKind,
    FileOperationRegistrationOptions, FileRename, OneOf, OptionalVersionedTextDocumentIdentifier,
    Position, PrepareRenameResponse, RenameFilesParams, RenameOptions, RenameParams,
    TextDocumentEdit, TextDocumentPositionParams, TextEdit, Url, WorkspaceEdit,
    WorkspaceFileOperationsServerCapabilities, WorkspaceServerCapabilities,
};
use serde::{Deserialize, Serialize};
use similar::{DiffOp, DiffTag};
use sot_lint::{Applicability, Selection};
use sot_registry::moves::{self, Move};
use sot_registry::{allocate, declared_prefixes, entry_heading, index, Entry, Registry, Workspace};
use sot_syntax::{id_tokens, split_id, Document, Edit, Heading};

use super::convert::{Encoding, Lines};
use super::{Failed, Server, Texts};
use crate::changes::Changes;
use crate::workspace::{self, Walked};
use crate::{fix, mv, rename};

/// Every safe fix of a document at once, as `sot lint --fix` makes them.
const FIX_ALL: CodeActionKind = CodeActionKind::new("source.fixAll.sot");
/// A new entry, as `sot new` writes it.
const ADD_ENTRY: CodeActionKind = CodeActionKind::new("source.addEntry.sot");
/// The title `sot new` would be given for the entry a code action adds.
const NEW_ENTRY_TITLE: &str = "New entry";

/// What the client takes of the edits and actions the server proposes.
pub(super) struct Support {
    /// Versioned `documentChanges` rather than `changes` by URI.
    document_changes: bool,
    /// Asks for a code action's edit once it is chosen (`codeAction/resolve`).
    resolves_actions: bool,
    /// Asks whether a place can be renamed before asking for the new name.
    prepares_rename: bool,
}

impl Support {
    pub(super) fn of(caps: &ClientCapabilities) -> Support {
        let text = caps.text_document.as_ref();
        let actions = text.and_then(|t| t.code_action.as_ref());
        Support {
            document_changes: caps
                .workspace
                .as_ref()
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|e| e.document_changes)
                .unwrap_or(false),
            resolves_actions: actions.is_some_and(|a| {
                a.data_support == Some(true)
                    && a.resolve_support
                        .as_ref()
                        .is_some_and(|r| r.properties.iter().any(|p| p == "edit"))
            }),
            prepares_rename: text
                .and_then(|t| t.rename.as_ref())
                .and_then(|r| r.prepare_support)
                .unwrap_or(false),
        }
    }
}

pub(super) fn rename_capability(support: &Support) -> OneOf<bool, RenameOptions> {
    OneOf::Right(RenameOptions {
        prepare_provider: Some(support.prepares_rename),
        work_done_progress_options: Default::default(),
    })
}

pub(super) fn code_action_capability(support: &Support) -> CodeActionProviderCapability {
    CodeActionProviderCapability::Options(CodeActionOptions {
        code_action_kinds: Some(vec![
            CodeActionKind::QUICKFIX,
            CodeActionKind::REFACTOR_REWRITE,
            FIX_ALL,
            ADD_ENTRY,
        ]),
        resolve_provider: Some(support.resolves_actions),
        ..Default::default()
    })
}

/// Every file and folder the editor moves: their links are rewritten before, and the
/// workspace read again after.
pub(super) fn file_operations_capability() -> WorkspaceServerCapabilities {
    let filter = |matches| FileOperationFilter {
        scheme: Some("file".into()),
        pattern: FileOperationPattern {
            glob: "**/*".into(),
            matches: Some(matches),
            options: None,
        },
    };
    let options = FileOperationRegistrationOptions {
        filters: vec![
            filter(FileOperationPatternKind::File),
            filter(FileOperationPatternKind::Folder),
        ],
    };
    WorkspaceServerCapabilities {
        workspace_folders: None,
        file_operations: Some(WorkspaceFileOperationsServerCapabilities {
            will_rename: Some(options.clone()),
            did_rename: Some(options),
            ..Default::default()
        }),
    }
}

/// What a rename at a place renames.
enum Renamed {
    /// An ID: the entry it names gets a new one everywhere.
    Id(String),
    /// A heading's text (after the ID of an entry's): the links to its anchor follow.
    Title,
}

struct RenameTarget {
    rel: String,
    /// The document's text, as the client has it.
    text: String,
    what: Renamed,
    span: Range<usize>,
    placeholder: String,
}

/// A code action whose edit is made once it is chosen (`codeAction/resolve`), or at
/// once for a client that does not resolve actions.
#[derive(Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "camelCase")]
enum Pending {
    FixAll,
    GiveId { heading: usize, prefix: String },
    AddEntry { prefix: String },
}

/// What a code action to resolve carries: the document's version when it was offered.
#[derive(Serialize, Deserialize)]
struct ActionData {
    uri: Url,
    version: Option<i32>,
    #[serde(flatten)]
    pending: Pending,
}

impl Server<'_> {
    pub(super) fn prepare_rename(
        &mut self,
        at: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>, Failed> {
        let Some(target) = self.rename_target(&at) else {
            return Ok(None);
        };
        let range = Lines::new(target.text.as_str()).range(&target.span, self.client.encoding);
        Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
            range,
            placeholder: target.placeholder,
        }))
    }

    /// The edits of `sot rename OLD NEW` for an ID, or those of a heading's new text
    /// and the links to its anchor; refused as `sot rename` refuses.
    pub(super) fn rename(&mut self, p: RenameParams) -> Result<Option<WorkspaceEdit>, Failed> {
        let Some(target) = self.rename_target(&p.text_document_position) else {
            return Ok(None);
        };
        let refused = |e: String| (ErrorCode::RequestFailed, e);
        let new = p.new_name.trim();
        let (ws, changes) = match target.what {
            Renamed::Id(old) => {
                rename::check_id(new).map_err(refused)?;
                let (prefix, _) = split_id(new).unwrap_or_default();
                let elsewhere = self.numbers_elsewhere(prefix);
                let mut ws = self.full_workspace();
                let (changes, _) =
                    rename::rename(&mut ws, &self.state.settings, &old, new, &elsewhere)
                        .map_err(refused)?;
                (ws, changes)
            }
            Renamed::Title => {
                allocate::check_title(new).map_err(refused)?;
                let mut ws = self.full_workspace();
                // The title was found in the text the server holds: the text read must
                // be the same.
                let d = find(&ws, &target.rel)
                    .filter(|&d| ws.docs[d].text == target.text)
                    .ok_or_else(|| {
                        (
                            ErrorCode::ContentModified,
                            format!("{} changed on disk; try again", target.rel),
                        )
                    })?;
                let changes = rename::retitle(&mut ws, &self.state.settings, d, target.span, new)
                    .map_err(refused)?;
                (ws, changes)
            }
        };
        Ok(Some(self.changes_edit(&ws, &changes)))
    }

    /// The ID or heading text at a place of a document, if there is one to rename.
    fn rename_target(&mut self, at: &TextDocumentPositionParams) -> Option<RenameTarget> {
        let rel = self.path_of(&at.text_document.uri)?;
        let d = self.state.doc(&rel)?;
        self.state.index();
        let text = self.state.text(d)?.into_owned();
        let offset = offset_in(
            &Lines::new(text.as_str()),
            at.position,
            self.client.encoding,
        )?;
        let on = |span: &Range<usize>| span.start <= offset && offset <= span.end;
        let reg = &self.state.reg;
        let defined = reg
            .entries_in(d)
            .iter()
            .find(|e| e.heading.is_some() && on(&e.id_span))
            .map(|e| (e.id.clone(), e.id_span.clone()));
        // References come in document order.
        let from = reg.references.partition_point(|r| r.doc < d);
        let named = || {
            reg.references[from..]
                .iter()
                .take_while(|r| r.doc == d)
                .find(|r| on(&r.span))
                .map(|r| (r.id.clone(), r.span.clone()))
        };
        if let Some((id, span)) = defined.or_else(named) {
            return Some(RenameTarget {
                rel,
                text,
                what: Renamed::Id(id.clone()),
                span,
                placeholder: id,
            });
        }
        let doc = &self.state.ws.docs[d];
        let h = heading_at(&text, doc, offset)?;
        let span = title_span(&text, &doc.headings[h], reg.entry_at(d, h))?;
        Some(RenameTarget {
            placeholder: text[span.clone()].to_string(),
            rel,
            text,
            what: Renamed::Title,
            span,
        })
    }

    /// For each file or folder the client is about to move, the link edits `sot mv`
    /// makes, against the documents where they are before the move. A move `sot mv`
    /// refuses gets no edits (the client moves it all the same); the log says why.
    pub(super) fn will_rename_files(
        &mut self,
        p: RenameFilesParams,
    ) -> Result<Option<WorkspaceEdit>, Failed> {
        let mut planned = Vec::new();
        for file in &p.files {
            match self.file_move(file) {
                Ok(Some(mv)) => planned.push(mv),
                Ok(None) => {}
                Err(why) => self.log(format!("sot: links not rewritten for a move: {why}")),
            }
        }
        if planned.is_empty() {
            return Ok(None);
        }
        let mut ws = self.full_workspace();
        let settings = &self.state.settings;
        let reg = Registry::build(&ws, &settings.id_config());
        let site = settings
            .site()
            .clone()
            .with_pages(&ws.docs, ws.page_facts());
        let mut warnings = Vec::new();
        let mut edits: BTreeMap<usize, Vec<Edit>> = BTreeMap::new();
        for mv in &planned {
            warnings.extend(mv::template_warnings(settings, mv));
            let plan = moves::link_edits(&ws, &reg, &site, mv);
            warnings.extend(mv::left_warnings(&ws, &plan, mv));
            for (d, found) in plan.edits {
                edits.entry(d).or_default().extend(found);
            }
        }
        for (&d, found) in &mut edits {
            warnings.extend(drop_clashes(&ws.docs[d], found));
        }
        for warning in warnings {
            self.log(format!("sot: warning: {warning}"));
        }
        match mv::apply_link_edits(&mut ws, edits) {
            Ok(changes) => Ok(Some(self.changes_edit(&ws, &changes))),
            Err(e) => {
                self.log(format!("sot: links not rewritten for a move: {e}"));
                Ok(None)
            }
        }
    }

    /// The move a client's rename makes in the workspace, when `sot mv` would make
    /// it; `None` when neither end is in the workspace (or one is its root).
    fn file_move(&self, file: &FileRename) -> Result<Option<Move>, String> {
        let rel = |uri: &str| {
            let path = Url::parse(uri).ok()?.to_file_path().ok()?;
            self.state.relative(&path)
        };
        let (from, to) = match (rel(&file.old_uri), rel(&file.new_uri)) {
            (Some(from), Some(to)) => (from, to),
            (None, None) => return Ok(None),
            _ => {
                return Err(format!(
                    "{} to {} leaves or enters the workspace {}",
                    file.old_uri,
                    file.new_uri,
                    self.state.root.display()
                ))
            }
        };
        let (from_abs, to_abs) = (self.state.root.join(&from), self.state.root.join(&to));
        if to_abs.symlink_metadata().is_ok() {
            return Err(format!(
                "{to} already exists; sot mv never replaces a file or folder"
            ));
        }
        let mv = Move { from, to };
        let inner = match from_abs.symlink_metadata() {
            Ok(m) if m.is_dir() => mv::contents(&from_abs).1,
            _ => Vec::new(),
        };
        mv::check_move(&self.state.ws.tree, &mv, &from_abs, &to_abs, &inner)?;
        Ok(Some(mv))
    }

    /// Files and folders the client moved: the old paths are gone, the new ones read.
    pub(super) fn files_renamed(&mut self, p: RenameFilesParams) {
        let mut walked = Walked::new(&self.state.root);
        for file in &p.files {
            for uri in [&file.old_uri, &file.new_uri] {
                if let Some(rel) = Url::parse(uri).ok().and_then(|u| self.path_of(&u)) {
                    self.refresh_at(&rel, &mut walked);
                }
            }
        }
    }

    pub(super) fn code_actions(
        &mut self,
        p: CodeActionParams,
    ) -> Result<Option<Vec<CodeActionOrCommand>>, Failed> {
        let Some(rel) = self.path_of(&p.text_document.uri) else {
            return Ok(None);
        };
        // Rules offer fixes where they have the text: in open documents.
        let (Some(text), Some(d)) = (self.state.open.get(&rel).cloned(), self.state.doc(&rel))
        else {
            return Ok(None);
        };
        let encoding = self.client.encoding;
        let lines = Lines::new(text.as_str());
        let (Some(start), Some(end)) = (
            offset_in(&lines, p.range.start, encoding),
            offset_in(&lines, p.range.end, encoding),
        ) else {
            return Ok(None);
        };
        let range = start..end.max(start);
        let only = p.context.only.as_deref();
        // Asked by the editor on its own (the cursor moved, a lightbulb to show): no
        // source actions, which are chosen from a menu that asks for them.
        let automatic = p.context.trigger_kind == Some(CodeActionTriggerKind::AUTOMATIC);
        let wanted = |kind: &CodeActionKind| match only {
            Some(only) => only.iter().any(|k| {
                let (kind, k) = (kind.as_str(), k.as_str());
                kind == k || kind.strip_prefix(k).is_some_and(|r| r.starts_with('.'))
            }),
            None => !(automatic && kind.as_str().starts_with("source")),
        };
        let found = if wanted(&CodeActionKind::QUICKFIX) || wanted(&FIX_ALL) {
            self.state.lint(&[d])
        } else {
            Vec::new()
        };
        let found: Vec<&sot_lint::Diagnostic> = found.iter().filter(|f| f.file == rel).collect();
        let mut actions = Vec::new();
        if wanted(&CodeActionKind::QUICKFIX) {
            actions.extend(self.quick_fixes(&rel, &text, &found, &range));
        }
        let fixable = found.iter().any(|f| {
            f.fix.as_ref().is_some_and(|fix| {
                fix.applicability == Applicability::Safe && !writes_nothing(&text, &fix.edits)
            })
        });
        if wanted(&FIX_ALL) && fixable {
            let title = "Apply every safe fix (sot lint --fix)".to_string();
            actions.extend(self.offer(&rel, title, FIX_ALL, None, Pending::FixAll));
        }
        for (title, kind, pending, stand_ins) in self.allocations(d, &text, &range, &wanted) {
            // The findings of the stand-ins this action fills in.
            let filled: Vec<&sot_lint::Diagnostic> = found
                .iter()
                .copied()
                .filter(|f| f.rule == "placeholder" && stand_ins.contains(&f.span))
                .collect();
            let diagnostics =
                (!filled.is_empty()).then(|| self.to_lsp(&filled, &mut Texts::default()));
            actions.extend(self.offer(&rel, title, kind, diagnostics, pending));
        }
        Ok(Some(
            actions
                .into_iter()
                .map(CodeActionOrCommand::CodeAction)
                .collect(),
        ))
    }

    /// The edit of a code action offered without one.
    pub(super) fn resolve_code_action(
        &mut self,
        mut action: CodeAction,
    ) -> Result<CodeAction, Failed> {
        let data = action
            .data
            .clone()
            .and_then(|d| serde_json::from_value::<ActionData>(d).ok());
        let Some(data) = data else {
            return Ok(action);
        };
        let rel = self
            .path_of(&data.uri)
            .filter(|rel| self.state.open.contains_key(rel))
            .ok_or_else(|| {
                (
                    ErrorCode::InvalidParams,
                    format!("{} is not an open document of the workspace", data.uri),
                )
            })?;
        if self.versions.get(&rel).copied() != data.version {
            return Err((
                ErrorCode::ContentModified,
                format!("{rel} changed since the action was offered; ask for it again"),
            ));
        }
        let edit = self
            .pending_edit(&rel, &data.pending)
            .map_err(|e| (ErrorCode::RequestFailed, e))?;
        action.edit = Some(edit);
        Ok(action)
    }

    /// The fixes of the findings at `range` of the open document `rel`.
    fn quick_fixes(
        &self,
        rel: &str,
        text: &str,
        found: &[&sot_lint::Diagnostic],
        range: &Range<usize>,
    ) -> Vec<CodeAction> {
        found
            .iter()
            .filter(|f| f.span.start <= range.end && range.start <= f.span.end)
            .filter_map(|f| {
                let fix = f
                    .fix
                    .as_ref()
                    .filter(|fix| !writes_nothing(text, &fix.edits))?;
                Some(CodeAction {
                    title: fix_title(text, f.rule, &fix.edits),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(self.to_lsp(&[f], &mut Texts::default())),
                    edit: Some(self.workspace_edit([(rel, text, fix.edits.clone())])),
                    is_preferred: Some(fix.applicability == Applicability::Safe),
                    ..Default::default()
                })
            })
            .collect()
    }

    /// A code action whose edit is made now, or once chosen when the client resolves
    /// actions; `None` when the edit cannot be made.
    fn offer(
        &mut self,
        rel: &str,
        title: String,
        kind: CodeActionKind,
        diagnostics: Option<Vec<lsp_types::Diagnostic>>,
        pending: Pending,
    ) -> Option<CodeAction> {
        let mut action = CodeAction {
            title,
            kind: Some(kind),
            diagnostics,
            ..Default::default()
        };
        if self.client.edits.resolves_actions {
            let data = ActionData {
                uri: self.uri_of(rel)?,
                version: self.versions.get(rel).copied(),
                pending,
            };
            action.data = serde_json::to_value(data).ok();
        } else {
            match self.pending_edit(rel, &pending) {
                Ok(edit) => action.edit = Some(edit),
                Err(why) => {
                    self.log(format!("sot: {}: {why}", action.title));
                    return None;
                }
            }
        }
        Some(action)
    }

    fn pending_edit(&mut self, rel: &str, pending: &Pending) -> Result<WorkspaceEdit, String> {
        let text = self
            .state
            .open
            .get(rel)
            .cloned()
            .ok_or_else(|| format!("{rel} is not open"))?;
        let edits = match pending {
            Pending::FixAll => changed_regions(&text, &self.fixed(rel, &text)?),
            Pending::GiveId { heading, prefix } => self.id_edits(rel, &text, *heading, prefix)?,
            Pending::AddEntry { prefix } => {
                changed_regions(&text, &self.with_new_entry(rel, prefix)?)
            }
        };
        Ok(self.workspace_edit([(rel, text.as_str(), edits)]))
    }

    /// The open document `rel` (whose buffer is `text`) with every safe fix applied
    /// as `sot lint --fix` applies them, in rounds; the workspace holds the buffer
    /// again afterwards.
    fn fixed(&mut self, rel: &str, text: &str) -> Result<String, String> {
        let d = self
            .state
            .doc(rel)
            .ok_or_else(|| format!("sot does not read {rel}"))?;
        self.state.index();
        let selection = Selection::new(None, &[])?;
        let targets = [d];
        let state = &mut self.state;
        fix::Fixer {
            ws: &mut state.ws,
            reg: &mut state.reg,
            settings: &state.settings,
            targets: Some(&targets),
            selection: &selection,
            allowed: Applicability::Safe,
        }
        .run();
        let now = state.ws.docs[d].text.clone();
        state.set_buffer(rel, text.to_string());
        Ok(now)
    }

    /// What the code actions that allocate IDs offer at `range` of the open document
    /// `d` (its buffer `text`), of the kinds `wanted`: the next free ID for the heading
    /// there, and a new entry of each prefix the document owns. Each with its title,
    /// kind, edit to make and the stand-ins it fills in (in the heading and its
    /// `**ID**` field).
    fn allocations(
        &mut self,
        d: usize,
        text: &str,
        range: &Range<usize>,
        wanted: &dyn Fn(&CodeActionKind) -> bool,
    ) -> Vec<(String, CodeActionKind, Pending, Vec<Range<usize>>)> {
        self.state.index();
        let (ws, reg) = (&self.state.ws, &self.state.reg);
        let doc = &ws.docs[d];
        let mut give = Vec::new();
        if let Some(h) = heading_at(text, doc, range.start) {
            if let Some((prefixes, stand_in)) = id_candidates(text, ws, reg, d, h) {
                let field = doc.headings[h].field("ID").map(|f| f.value_span.clone());
                let stand_ins: Vec<Range<usize>> = match stand_in {
                    Some(span) => std::iter::once(span).chain(field).collect(),
                    None => Vec::new(),
                };
                for prefix in prefixes {
                    give.push((h, prefix, stand_ins.clone()));
                }
            }
        }
        let mut owned = Vec::new();
        if wanted(&ADD_ENTRY) {
            owned = declared_prefixes(doc);
            for e in reg.entries_in(d) {
                if !owned.contains(&e.prefix) {
                    owned.push(e.prefix.clone());
                }
            }
            owned.retain(|p| allocate::owner(ws, reg, p) == Some(d));
        }

        let mut offers = Vec::new();
        for (heading, prefix, stand_ins) in give {
            // Filling in a stand-in fixes its finding.
            let kind = match stand_ins.is_empty() {
                false => CodeActionKind::QUICKFIX,
                true => CodeActionKind::REFACTOR_REWRITE,
            };
            if !wanted(&kind) {
                continue;
            }
            let title = match self.known_next_id(d, &prefix) {
                Some(id) => format!("Give this entry {id}"),
                None => format!("Give this entry the next free {prefix} ID"),
            };
            offers.push((title, kind, Pending::GiveId { heading, prefix }, stand_ins));
        }
        for prefix in owned {
            let title = match self.known_next_id(d, &prefix) {
                Some(id) => format!("Add a new {prefix} entry ({id})"),
                None => format!("Add a new {prefix} entry"),
            };
            offers.push((title, ADD_ENTRY, Pending::AddEntry { prefix }, Vec::new()));
        }
        offers
    }

    /// The next free ID of `prefix` for document `d`, when it can be told without
    /// asking git now: the numbers other branches use are known already, or the
    /// client does not resolve actions (so the edit is made now all the same).
    fn known_next_id(&mut self, d: usize, prefix: &str) -> Option<String> {
        if self.client.edits.resolves_actions && !self.other_branches.contains_key(prefix) {
            return None;
        }
        let elsewhere = self.numbers_elsewhere(prefix);
        self.state.index();
        allocate::next_id(&self.state.reg, prefix, d, &elsewhere).ok()
    }

    /// The edits that give heading `h` of the open document `rel` (its buffer `text`)
    /// the next free ID of `prefix`: in place of its stand-in or before its text, and
    /// in its `**ID**` field if it has one.
    fn id_edits(
        &mut self,
        rel: &str,
        text: &str,
        h: usize,
        prefix: &str,
    ) -> Result<Vec<Edit>, String> {
        let d = self
            .state
            .doc(rel)
            .ok_or_else(|| format!("sot does not read {rel}"))?;
        let elsewhere = self.numbers_elsewhere(prefix);
        self.state.index();
        let (ws, reg) = (&self.state.ws, &self.state.reg);
        let no_id = || format!("heading {} of {rel} takes no {prefix} ID", h + 1);
        let (prefixes, stand_in) = id_candidates(text, ws, reg, d, h).ok_or_else(no_id)?;
        if !prefixes.iter().any(|p| p == prefix) {
            return Err(no_id());
        }
        let heading = &ws.docs[d].headings[h];
        let id = allocate::next_id(reg, prefix, d, &elsewhere).map_err(|e| e.to_string())?;
        let mut edits = vec![match stand_in {
            Some(span) => Edit::new(span, id.clone()),
            None => {
                let at = heading.text_start;
                Edit::new(at..at, format!("{id}: "))
            }
        }];
        if let Some(field) = heading.field("ID") {
            let span = field.value_span.clone();
            let spaced = span.is_empty() && !text[..span.start].ends_with([' ', '\t']);
            let value = if spaced { format!(" {id}") } else { id };
            edits.push(Edit::new(span, value));
        }
        Ok(edits)
    }

    /// The open document `rel` with a new entry of `prefix` inserted as `sot new`
    /// inserts it, its index blocks written again.
    fn with_new_entry(&mut self, rel: &str, prefix: &str) -> Result<String, String> {
        let elsewhere = self.numbers_elsewhere(prefix);
        self.state.index();
        let state = &mut self.state;
        let schema = &state.settings.config.schema;
        let options = |name: &str| schema.entries.rule(prefix, name).and_then(|r| r.one_of);
        let entry = allocate::new_entry(
            &state.ws,
            &state.reg,
            prefix,
            NEW_ENTRY_TITLE,
            Some(rel),
            &elsewhere,
            options,
        )
        .map_err(|e| e.to_string())?;
        if index::blocks(&state.ws.docs[entry.doc]).0.is_empty() {
            return Ok(entry.text);
        }
        // The blocks are written in the workspace, which gets the buffer back after.
        let buffer = state
            .ws
            .replace(entry.doc, Document::parse(rel, entry.text));
        let id_config = state.settings.id_config();
        index::rewrite_settled(
            &mut state.ws,
            |ws| Registry::build(ws, &id_config),
            &[entry.doc],
        );
        let with_entry = state.ws.replace(entry.doc, buffer);
        Ok(with_entry.text)
    }

    /// The numbers of `prefix` other branches use, asked of git once per prefix while
    /// the server runs.
    fn numbers_elsewhere(&mut self, prefix: &str) -> BTreeSet<u64> {
        if let Some(numbers) = self.other_branches.get(prefix) {
            return numbers.clone();
        }
        let numbers =
            crate::git::numbers_on_branches(&self.state.root, prefix).unwrap_or_else(|e| {
                self.log(format!(
                    "sot: numbers of {prefix} on other branches were not checked ({e})"
                ));
                BTreeSet::new()
            });
        self.other_branches
            .insert(prefix.to_string(), numbers.clone());
        numbers
    }

    /// Every document of the workspace with its text, the open ones as their buffers
    /// hold them: what `sot rename` and `sot mv` work on.
    fn full_workspace(&self) -> Workspace {
        let state = &self.state;
        let mut ws = workspace::load(&state.root, &[], &state.settings, None, None).ws;
        for (rel, text) in &state.open {
            if state.covers(rel) {
                if find(&ws, rel).is_none() {
                    ws.tree.add_file(rel);
                }
                ws.insert(Document::parse(rel.clone(), text.clone()));
            }
        }
        ws
    }

    /// Every document `changes` changed in `ws`, edited from the text as it was read.
    fn changes_edit(&self, ws: &Workspace, changes: &Changes) -> WorkspaceEdit {
        self.workspace_edit(changes.changed(ws).map(|(original, now)| {
            let edits = changed_regions(&original.text, now);
            (original.path.as_str(), original.text.as_str(), edits)
        }))
    }

    /// A workspace edit of byte edits to documents, each with its text as the client
    /// has it: versioned document changes when the client takes them.
    fn workspace_edit<'t>(
        &self,
        documents: impl IntoIterator<Item = (&'t str, &'t str, Vec<Edit>)>,
    ) -> WorkspaceEdit {
        let encoding = self.client.encoding;
        let mut edited = Vec::new();
        for (rel, text, edits) in documents {
            let Some(uri) = self.uri_of(rel) else {
                continue;
            };
            let lines = Lines::new(text);
            let edits: Vec<TextEdit> = edits
                .into_iter()
                .map(|e| TextEdit::new(lines.range(&e.span, encoding), e.text))
                .collect();
            edited.push((uri, self.versions.get(rel).copied(), edits));
        }
        if self.client.edits.document_changes {
            let documents = edited
                .into_iter()
                .map(|(uri, version, edits)| TextDocumentEdit {
                    text_document: OptionalVersionedTextDocumentIdentifier { uri, version },
                    edits: edits.into_iter().map(OneOf::Left).collect(),
                })
                .collect();
            WorkspaceEdit {
                document_changes: Some(DocumentChanges::Edits(documents)),
                ..Default::default()
            }
        } else {
            let changes = edited
                .into_iter()
                .map(|(uri, _, edits)| (uri, edits))
                .collect();
            WorkspaceEdit {
                changes: Some(changes),
                ..Default::default()
            }
        }
    }
}

fn find(ws: &Workspace, rel: &str) -> Option<usize> {
    ws.docs.binary_search_by(|d| d.path.as_str().cmp(rel)).ok()
}

/// The byte offset of `position`; `None` past a line's end or past the last line.
fn offset_in(lines: &Lines, position: Position, encoding: Encoding) -> Option<usize> {
    let offset = lines.offset(position, encoding);
    (lines.position(offset, encoding) == position).then_some(offset)
}

/// The heading of `doc` (its text `text`) written where `offset` is.
fn heading_at(text: &str, doc: &Document, offset: usize) -> Option<usize> {
    doc.headings.iter().position(|h| {
        let written = text.get(h.span.clone()).unwrap_or_default();
        h.span.start <= offset && offset <= h.span.start + written.trim_end().len()
    })
}

/// Where the text of `heading` is written: after its ID when it is `entry`'s heading,
/// before a closing `#` sequence or an attribute list; `None` when it has none.
fn title_span(text: &str, heading: &Heading, entry: Option<&Entry>) -> Option<Range<usize>> {
    let from = heading.text_start;
    let line_end = text[from..].find('\n').map_or(text.len(), |i| from + i);
    let mut line = text[from..line_end].trim_end();
    if heading.custom_id.is_some() && line.ends_with('}') {
        if let Some(open) = line.rfind('{') {
            line = line[..open].trim_end();
        }
    }
    if text[heading.span.clone()].starts_with('#') {
        let open = line.trim_end_matches('#');
        if open.len() < line.len() && (open.is_empty() || open.ends_with([' ', '\t'])) {
            line = open.trim_end();
        }
    }
    let end = from + line.len();
    let start = match entry {
        // The separator between the ID and the title (`: `, ` - `, ` | `) stays.
        Some(e) => {
            let rest = text.get(e.id_span.end..end)?;
            let title = rest.trim_start_matches([':', '|', '-', '—', '–', ' ', '\t']);
            end - title.len()
        }
        None => from,
    };
    (start < end).then_some(start..end)
}

/// The prefixes heading `h` of document `d` (its text `text`) could take the next ID
/// of, and the stand-in it is written with. A heading starting with a stand-in of a
/// known prefix (`## DEP-XXX: Title`) takes that prefix; in a SoT document, a heading
/// without an ID takes each prefix the document declares or holds entries of, when
/// it stands at the level of those entries (below the title when there are none).
fn id_candidates(
    text: &str,
    ws: &Workspace,
    reg: &Registry,
    d: usize,
    h: usize,
) -> Option<(Vec<String>, Option<Range<usize>>)> {
    if reg.entry_at(d, h).is_some() {
        return None;
    }
    let doc = &ws.docs[d];
    let heading = doc.headings.get(h)?;
    let title = title_span(text, heading, None)?;
    match id_tokens(&text[title.clone()]).into_iter().next() {
        Some(t) if t.span.start == 0 => {
            (t.is_placeholder() && reg.is_known(&t.prefix)).then(|| {
                let span = title.start + t.span.start..title.start + t.span.end;
                (vec![t.prefix], Some(span))
            })
        }
        _ if reg.is_sot_document(d) => {
            let entries = reg.entries_in(d);
            let mut prefixes = declared_prefixes(doc);
            for e in entries {
                if !prefixes.contains(&e.prefix) {
                    prefixes.push(e.prefix.clone());
                }
            }
            prefixes.retain(|p| {
                let model = entries
                    .iter()
                    .find(|e| &e.prefix == p)
                    .and_then(|e| entry_heading(ws, e));
                match model {
                    Some(model) => model.level == heading.level,
                    None => heading.level >= 2,
                }
            });
            (!prefixes.is_empty()).then_some((prefixes, None))
        }
        _ => None,
    }
}

/// Whether `edits` would write what `text` holds already.
fn writes_nothing(text: &str, edits: &[Edit]) -> bool {
    edits
        .iter()
        .all(|e| text.get(e.span.clone()) == Some(e.text.as_str()))
}

/// What a fix does, in a few words.
fn fix_title(text: &str, rule: &str, edits: &[Edit]) -> String {
    if rule == "stale-index" {
        return "Write the index block again as `sot index` does".into();
    }
    let short = |s: &str| s.len() <= 80 && !s.contains('\n');
    if let [e] = edits {
        let old = text.get(e.span.clone()).unwrap_or_default();
        if short(old) && short(&e.text) {
            return match (old.is_empty(), e.text.is_empty()) {
                (true, _) => format!("Insert `{}`", e.text),
                (_, true) => format!("Delete `{old}`"),
                _ => format!("Change `{old}` to `{}`", e.text),
            };
        }
    }
    format!("Apply the {rule} fix")
}

/// Leaves as written every link target two moves would both rewrite (a link between
/// files moved together: each move reads it as if the other file stayed); says which.
fn drop_clashes(doc: &Document, edits: &mut Vec<Edit>) -> Vec<String> {
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let clashes = |i: usize| {
        (i > 0 && edits[i - 1].overlaps(&edits[i]))
            || edits
                .get(i + 1)
                .is_some_and(|next| next.overlaps(&edits[i]))
    };
    let clashing: Vec<bool> = (0..edits.len()).map(clashes).collect();
    let mut warnings = Vec::new();
    let mut kept = Vec::new();
    let mut last_warned: Option<Range<usize>> = None;
    for (edit, clash) in edits.drain(..).zip(clashing) {
        if !clash {
            kept.push(edit);
            continue;
        }
        if last_warned
            .as_ref()
            .is_some_and(|s| s.end > edit.span.start)
        {
            continue;
        }
        let p = doc.position(edit.span.start);
        warnings.push(format!(
            "{}:{}:{}: `{}` left as written (it links files moved together); check it \
             with `sot lint` after the move",
            doc.path,
            p.line,
            p.column,
            doc.text.get(edit.span.clone()).unwrap_or_default()
        ));
        last_warned = Some(edit.span);
    }
    *edits = kept;
    warnings
}

/// The edits that turn `before` into `after`, each a run of changed words: the lines
/// are compared first, then the words (and single other characters) of the lines
/// that differ.
fn changed_regions(before: &str, after: &str) -> Vec<Edit> {
    let lines = similar::TextDiff::from_lines(before, after);
    let old_at = starts(lines.old_slices());
    let new_at = starts(lines.new_slices());
    let mut edits = Vec::new();
    for (old, new) in changed_runs(lines.ops()) {
        let old = old_at[old.start]..old_at[old.end];
        let new = new_at[new.start]..new_at[new.end];
        let old_words = words(&before[old.clone()]);
        let new_words = words(&after[new.clone()]);
        let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &old_words, &new_words);
        let (word_old_at, word_new_at) = (starts(&old_words), starts(&new_words));
        for (o, n) in changed_runs(&ops) {
            let span = old.start + word_old_at[o.start]..old.start + word_old_at[o.end];
            let written = &after[new.start + word_new_at[n.start]..new.start + word_new_at[n.end]];
            edits.push(Edit::new(span, written));
        }
    }
    edits
}

/// Where each piece starts in the text they make up, and where the last one ends.
fn starts(pieces: &[&str]) -> Vec<usize> {
    std::iter::once(0)
        .chain(pieces.iter().scan(0, |at, piece| {
            *at += piece.len();
            Some(*at)
        }))
        .collect()
}

/// The old and new ranges of each run of diff operations that are not equal.
fn changed_runs(ops: &[DiffOp]) -> Vec<(Range<usize>, Range<usize>)> {
    let mut runs = Vec::new();
    let mut run: Option<(Range<usize>, Range<usize>)> = None;
    for op in ops {
        if op.tag() == DiffTag::Equal {
            runs.extend(run.take());
            continue;
        }
        let (old, new) = (op.old_range(), op.new_range());
        run = Some(match run {
            Some((o, n)) => (o.start..old.end, n.start..new.end),
            None => (old, new),
        });
    }
    runs.extend(run);
    runs
}

/// Runs of letters and digits, and every other character on its own.
fn words(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut in_word = false;
    for (i, c) in text.char_indices() {
        let word = c.is_alphanumeric();
        if i > start && !(word && in_word) {
            pieces.push(&text[start..i]);
            start = i;
        }
        in_word = word;
    }
    if start < text.len() {
        pieces.push(&text[start..]);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(before: &str, edits: &[Edit]) -> String {
        sot_syntax::edit::apply(before, edits).unwrap()
    }

    #[test]
    fn changed_regions_are_the_words_that_differ() {
        let before = "# DEP-001: Title\n\nSee [DEP-001](#dep-001-title) and DEP-001.\nSame.\n";
        let after = "# DEP-014: Title\n\nSee [DEP-014](#dep-014-title) and DEP-014.\nSame.\n";
        let edits = changed_regions(before, after);
        let spans: Vec<(&str, &str)> = edits
            .iter()
            .map(|e| (&before[e.span.clone()], e.text.as_str()))
            .collect();
        assert_eq!(
            spans,
            [
                ("001", "014"),
                ("001", "014"),
                ("001", "014"),
                ("001", "014")
            ]
        );
        assert_eq!(apply(before, &edits), after);
    }

    #[test]
    fn changed_regions_insert_and_delete_lines_and_keep_crlf() {
        let before = "a\r\nb\r\nc\r\n";
        let after = "a\r\nnew line\r\nb\r\n";
        let edits = changed_regions(before, after);
        assert_eq!(apply(before, &edits), after);
        assert_eq!(
            edits,
            [Edit::new(3..3, "new line\r\n"), Edit::new(6..9, "")]
        );
        assert_eq!(changed_regions("same", "same"), []);
        assert_eq!(apply("", &changed_regions("", "añb\n")), "añb\n");
    }

    #[test]
    fn a_heading_title_leaves_out_markers_ids_and_attributes() {
        let text = "# DEP-001: Blue-green ##\n\n## Plain {#kept}\n\nSetext\n======\n\n## DEP-002\n";
        let doc = Document::parse("a.md", text.to_string());
        let titles: Vec<Option<&str>> = doc
            .headings
            .iter()
            .map(|h| title_span(text, h, None).map(|s| &text[s]))
            .collect();
        assert_eq!(
            titles,
            [
                Some("DEP-001: Blue-green"),
                Some("Plain"),
                Some("Setext"),
                Some("DEP-002")
            ]
        );
        let ws = Workspace::new(vec![doc], Default::default());
        let reg = Registry::build(&ws, &sot_registry::IdConfig::with_prefixes(&["DEP".into()]));
        let doc = &ws.docs[0];
        let after_id =
            |h: usize| title_span(text, &doc.headings[h], reg.entry_at(0, h)).map(|s| &text[s]);
        assert_eq!(after_id(0), Some("Blue-green"));
        assert_eq!(after_id(3), None);
    }

    #[test]
    fn words_split_runs_of_letters_and_digits() {
        assert_eq!(
            words("[DEP-001](#x) añb"),
            ["[", "DEP", "-", "001", "]", "(", "#", "x", ")", " ", "añb"]
        );
    }
}
