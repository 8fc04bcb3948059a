//! `sot server`: the Language Server Protocol over standard input and output, on
//! `lsp-server`'s transport. One thread owns the workspace; each message is handled
//! in order, and the findings of what changed are computed once the messages waiting
//! are handled, so a burst of keystrokes is checked once.

mod complete;
mod convert;
mod edits;
mod navigate;
mod state;

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    ClientCapabilities, DiagnosticOptions, DiagnosticServerCapabilities, DiagnosticSeverity,
    DocumentDiagnosticReport, DocumentDiagnosticReportResult, FullDocumentDiagnosticReport,
    InitializeParams, NumberOrString, PositionEncodingKind, PublishDiagnosticsParams,
    RelatedFullDocumentDiagnosticReport, ServerCapabilities, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, Url,
};
use serde_json::json;

use crate::workspace::Walked;
use convert::{Encoding, Lines};
use sot_lint::Severity;
use state::State;

/// What the client said it can do, as far as the server's answers depend on it.
struct Client {
    encoding: Encoding,
    /// Pulls diagnostics (`textDocument/diagnostic`) rather than waiting for them.
    pulls: bool,
    /// Can be told to pull again (`workspace/diagnostic/refresh`).
    refreshes: bool,
    /// Lets the server register file watchers.
    watches: bool,
    edits: edits::Support,
}

impl Client {
    fn of(caps: &ClientCapabilities) -> Client {
        let utf8 = caps
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|e| e.contains(&PositionEncodingKind::UTF8));
        let workspace = caps.workspace.as_ref();
        Client {
            encoding: if utf8 {
                Encoding::Utf8
            } else {
                Encoding::Utf16
            },
            pulls: caps
                .text_document
                .as_ref()
                .is_some_and(|t| t.diagnostic.is_some()),
            refreshes: workspace
                .and_then(|w| w.diagnostic.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false),
            watches: workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|w| w.dynamic_registration)
                .unwrap_or(false),
            edits: edits::Support::of(caps),
        }
    }
}

/// Runs the server until the client asks it to exit; the error says why it could not.
pub fn serve() -> Result<(), String> {
    let (connection, io_threads) = Connection::stdio();
    let (id, params) = connection
        .initialize_start()
        .map_err(|e| format!("the client did not initialize: {e}"))?;
    let params: InitializeParams = serde_json::from_value(params)
        .map_err(|e| format!("the client's initialize request: {e}"))?;
    let client = Client::of(&params.capabilities);
    let folder = workspace_folder(&params)?;
    let root = crate::workspace::find_root(&folder, &folder);
    let root = root.canonicalize().unwrap_or(root);
    let result = json!({
        "capabilities": capabilities(&client),
        "serverInfo": { "name": "sot", "version": env!("CARGO_PKG_VERSION") },
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| format!("the client did not finish initializing: {e}"))?;
    let mut server = Server::start(&connection, client, &root);
    server.run()?;
    drop(server);
    drop(connection);
    io_threads
        .join()
        .map_err(|e| format!("the connection to the client failed: {e}"))
}

/// The folder the client opened: its first workspace folder, else its root.
fn workspace_folder(params: &InitializeParams) -> Result<PathBuf, String> {
    #[allow(deprecated)] // Older clients send only `rootUri` or `rootPath`.
    let uri = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| f.uri.clone())
        .or_else(|| params.root_uri.clone());
    #[allow(deprecated)]
    let path = match uri {
        Some(uri) => uri.to_file_path().ok(),
        None => params.root_path.as_ref().map(PathBuf::from),
    };
    match path {
        Some(path) => Ok(path),
        None => std::env::current_dir()
            .map_err(|e| format!("no workspace folder, and no current directory: {e}")),
    }
}

fn capabilities(client: &Client) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match client.encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                ..Default::default()
            },
        )),
        definition_provider: Some(lsp_types::OneOf::Left(true)),
        references_provider: Some(lsp_types::OneOf::Left(true)),
        hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
        document_symbol_provider: Some(lsp_types::OneOf::Left(true)),
        workspace_symbol_provider: Some(lsp_types::OneOf::Left(true)),
        completion_provider: Some(complete::options()),
        rename_provider: Some(edits::rename_capability(&client.edits)),
        code_action_provider: Some(edits::code_action_capability(&client.edits)),
        workspace: Some(edits::file_operations_capability()),
        diagnostic_provider: client.pulls.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("sot".into()),
                inter_file_dependencies: true,
                workspace_diagnostics: false,
                ..Default::default()
            })
        }),
        ..Default::default()
    }
}

struct Server<'c> {
    connection: &'c Connection,
    client: Client,
    state: State,
    /// Open documents' versions, by root-relative path.
    versions: HashMap<String, i32>,
    /// The URIs the client opened documents by, by root-relative path.
    opened_as: HashMap<String, Url>,
    /// Documents changed since the findings were last computed, with what each was
    /// before the change.
    changed: HashMap<String, Before>,
    /// The findings each file was last given, to clear them when it has none and to
    /// send nothing when they stay the same.
    /// With the URI they were told under.
    published: HashMap<String, (Url, Vec<lsp_types::Diagnostic>)>,
    /// The settings could not be read: the workspace is checked with the last good ones.
    config_error: Option<String>,
    next_request: i32,
    /// The numbers other branches use, by prefix: asked of git once.
    other_branches: HashMap<String, BTreeSet<u64>>,
}

impl<'c> Server<'c> {
    fn start(connection: &'c Connection, client: Client, root: &std::path::Path) -> Self {
        let started = std::time::Instant::now();
        let (state, config_error) = match State::load(root) {
            Ok(state) => (state, None),
            Err(e) => (State::with_defaults(root), Some(e)),
        };
        let mut server = Server {
            connection,
            client,
            state,
            versions: HashMap::new(),
            opened_as: HashMap::new(),
            changed: HashMap::new(),
            published: HashMap::new(),
            config_error: None,
            next_request: 0,
            other_branches: HashMap::new(),
        };
        server.log(format!(
            "sot: {} documents under {} read in {} ms",
            server.state.ws.docs.len(),
            server.state.root.display(),
            started.elapsed().as_millis()
        ));
        if let Some(e) = config_error {
            server.config_failed(e);
        }
        // `initialize_finish` took the client's `initialized`: the server may ask now.
        server.watch_files();
        server
    }

    fn run(&mut self) -> Result<(), String> {
        loop {
            let message = match self.connection.receiver.recv() {
                Ok(message) => message,
                Err(_) => return Ok(()),
            };
            match message {
                Message::Request(request) => {
                    if self
                        .connection
                        .handle_shutdown(&request)
                        .map_err(|e| e.to_string())?
                    {
                        return Ok(());
                    }
                    let response = self.on_request(request);
                    self.send(Message::Response(response));
                }
                Message::Notification(notification) => self.on_notification(notification),
                Message::Response(_) => {}
            }
            if !self.changed.is_empty() && self.connection.receiver.is_empty() {
                self.check_changed();
            }
        }
    }

    fn send(&self, message: Message) {
        // The client went away: the loop ends when the connection closes.
        let _ = self.connection.sender.send(message);
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        self.send(Message::Notification(Notification::new(
            N::METHOD.to_string(),
            params,
        )));
    }

    fn request<R: lsp_types::request::Request>(&mut self, params: R::Params) {
        self.next_request += 1;
        let id = RequestId::from(format!("sot-{}", self.next_request));
        self.send(Message::Request(Request::new(
            id,
            R::METHOD.to_string(),
            params,
        )));
    }

    fn log(&self, message: String) {
        self.notify::<notif::LogMessage>(lsp_types::LogMessageParams {
            typ: lsp_types::MessageType::INFO,
            message,
        });
    }

    fn config_failed(&mut self, error: String) {
        self.notify::<notif::ShowMessage>(lsp_types::ShowMessageParams {
            typ: lsp_types::MessageType::ERROR,
            message: format!(
                "sot: the configuration has an error; the last good settings stay:\n{error}"
            ),
        });
        self.config_error = Some(error);
    }

    fn on_request(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            req::DocumentDiagnosticRequest::METHOD => answer(request, |p| self.pull_diagnostics(p)),
            req::GotoDefinition::METHOD => answer(request, |p| self.definition(p)),
            req::References::METHOD => answer(request, |p| self.references(p)),
            req::HoverRequest::METHOD => answer(request, |p| self.hover(p)),
            req::DocumentSymbolRequest::METHOD => answer(request, |p| self.document_symbols(p)),
            req::WorkspaceSymbolRequest::METHOD => answer(request, |p| self.workspace_symbols(p)),
            req::Completion::METHOD => answer(request, |p| self.complete(&p)),
            req::PrepareRenameRequest::METHOD => try_answer(request, |p| self.prepare_rename(p)),
            req::Rename::METHOD => try_answer(request, |p| self.rename(p)),
            req::WillRenameFiles::METHOD => try_answer(request, |p| self.will_rename_files(p)),
            req::CodeActionRequest::METHOD => try_answer(request, |p| self.code_actions(p)),
            req::CodeActionResolveRequest::METHOD => {
                try_answer(request, |a| self.resolve_code_action(a))
            }
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("sot server does not answer {}", request.method),
            )),
        };
        match result {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        }
    }

    fn on_notification(&mut self, notification: Notification) {
        match notification.method.as_str() {
            notif::DidOpenTextDocument::METHOD => {
                if let Some(p) =
                    parse_notification::<lsp_types::DidOpenTextDocumentParams>(notification)
                {
                    let doc = p.text_document;
                    if let Some(rel) = self.path_of(&doc.uri) {
                        self.versions.insert(rel.clone(), doc.version);
                        self.opened_as.insert(rel.clone(), doc.uri);
                        self.change(&rel, |state| state.set_buffer(&rel, doc.text));
                    }
                }
            }
            notif::DidChangeTextDocument::METHOD => {
                if let Some(p) =
                    parse_notification::<lsp_types::DidChangeTextDocumentParams>(notification)
                {
                    let Some(rel) = self.path_of(&p.text_document.uri) else {
                        return;
                    };
                    let Some(mut text) = self.state.open.get(&rel).cloned() else {
                        return;
                    };
                    for change in p.content_changes {
                        convert::apply_change(
                            &mut text,
                            change.range,
                            &change.text,
                            self.client.encoding,
                        );
                    }
                    self.versions.insert(rel.clone(), p.text_document.version);
                    self.change(&rel, |state| state.set_buffer(&rel, text));
                }
            }
            notif::DidCloseTextDocument::METHOD => {
                if let Some(p) =
                    parse_notification::<lsp_types::DidCloseTextDocumentParams>(notification)
                {
                    if let Some(rel) = self.path_of(&p.text_document.uri) {
                        self.versions.remove(&rel);
                        self.opened_as.remove(&rel);
                        self.change(&rel, |state| state.close_buffer(&rel));
                    }
                }
            }
            notif::DidRenameFiles::METHOD => {
                if let Some(p) = parse_notification(notification) {
                    self.files_renamed(p);
                }
            }
            notif::DidChangeWatchedFiles::METHOD => {
                if let Some(p) =
                    parse_notification::<lsp_types::DidChangeWatchedFilesParams>(notification)
                {
                    self.files_changed(&p.changes);
                }
            }
            _ => {}
        }
    }

    /// Asks the client to report every file's changes on disk, which keeps the
    /// workspace in memory as the disk is when no buffer stands for a file.
    fn watch_files(&mut self) {
        if !self.client.watches {
            return;
        }
        let options = lsp_types::DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![lsp_types::FileSystemWatcher {
                glob_pattern: lsp_types::GlobPattern::String("**/*".into()),
                kind: None,
            }],
        };
        self.request::<req::RegisterCapability>(lsp_types::RegistrationParams {
            registrations: vec![lsp_types::Registration {
                id: "sot-watch".into(),
                method: notif::DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        });
    }

    fn files_changed(&mut self, changes: &[lsp_types::FileEvent]) {
        let paths: Vec<PathBuf> = changes
            .iter()
            .filter_map(|c| c.uri.to_file_path().ok())
            .collect();
        let config = self
            .state
            .config_file
            .clone()
            .unwrap_or_else(|| self.state.root.join("sot.toml"));
        if paths.contains(&config) {
            match self.state.reload() {
                Ok(()) => {
                    self.config_error = None;
                    self.log("sot: configuration reloaded".into());
                }
                Err(e) => return self.config_failed(e),
            }
            // Every finding may have changed: every open document is checked again.
            for rel in self.state.open.keys() {
                self.changed.entry(rel.clone()).or_default();
            }
            return;
        }
        let mut walked = Walked::new(&self.state.root);
        for path in paths {
            if let Some(rel) = self.state.relative(&path) {
                self.refresh_at(&rel, &mut walked);
            }
        }
    }

    /// Reads the file or folder at `rel` again (a folder's files one by one, those
    /// gone and those new).
    fn refresh_at(&mut self, rel: &str, walked: &mut Walked) {
        for path in self.state.paths_at(rel, walked) {
            self.change(&path, |state| state.refresh_from_disk(&path, walked));
        }
    }

    /// Makes a change to the document at `rel`, noting what it was before.
    fn change(&mut self, rel: &str, apply: impl FnOnce(&mut State)) {
        if !self.changed.contains_key(rel) {
            let before = match self.state.doc(rel) {
                Some(d) => Before {
                    ids: self.state.ids_in(d),
                    face: Some(self.state.face(d)),
                },
                None => Before::default(),
            };
            self.changed.insert(rel.to_string(), before);
        }
        apply(&mut self.state);
    }

    fn path_of(&self, uri: &Url) -> Option<String> {
        self.state.relative(&uri.to_file_path().ok()?)
    }

    /// The URI of the document at `rel`: the one the client opened it by (a symlink's,
    /// perhaps), else its file's.
    fn uri_of(&self, rel: &str) -> Option<Url> {
        if let Some(uri) = self.opened_as.get(rel) {
            return Some(uri.clone());
        }
        Url::from_file_path(self.state.root.join(rel)).ok()
    }

    /// Checks the changed documents, those that depend on them, and every open one;
    /// pushes their findings, or asks a client that pulls to pull again.
    fn check_changed(&mut self) {
        let changed = std::mem::take(&mut self.changed);
        let mut targets = BTreeSet::new();
        // Buffers opened or edited: they hear how they stand even when nothing changed.
        let mut edited = BTreeSet::new();
        // Whether another document's findings may have changed.
        let mut reaching = false;
        for (rel, before) in changed {
            let Some(d) = self.state.doc(&rel) else {
                reaching = true;
                // Gone: its findings go with it.
                if self.published.contains_key(&rel) {
                    self.publish(&rel, Vec::new());
                }
                continue;
            };
            if before.face != Some(self.state.face(d)) {
                reaching = true;
                let mut ids = before.ids;
                ids.extend(self.state.ids_in(d));
                targets.extend(self.state.dependents(d, &ids));
            }
            if self.state.open.contains_key(&rel) {
                targets.insert(d);
                edited.insert(rel);
            } else if self.published.contains_key(&rel) {
                // Closed: findings are shown for open documents and their dependents.
                self.publish(&rel, Vec::new());
            }
        }
        let open: Vec<usize> = self
            .state
            .open
            .keys()
            .filter_map(|rel| self.state.doc(rel))
            .collect();
        targets.extend(open);
        if self.client.pulls {
            // The client pulls what it edits by itself; the others only if reached.
            if self.client.refreshes && reaching {
                self.request::<req::WorkspaceDiagnosticRefresh>(());
            }
            return;
        }
        let targets: Vec<usize> = targets.into_iter().collect();
        let diagnostics = self.state.lint(&targets);
        let mut by_file: HashMap<&str, Vec<&sot_lint::Diagnostic>> = HashMap::new();
        for d in &diagnostics {
            by_file.entry(d.file.as_str()).or_default().push(d);
        }
        let mut texts = Texts::default();
        let mut batches = Vec::new();
        for &t in &targets {
            let rel = &self.state.ws.docs[t].path;
            let found = by_file.remove(rel.as_str()).unwrap_or_default();
            batches.push((rel.clone(), self.to_lsp(&found, &mut texts)));
        }
        for (rel, batch) in batches {
            let told = self
                .published
                .get(&rel)
                .map_or(&[][..], |(_, d)| d.as_slice());
            if told == batch.as_slice() && !edited.contains(&rel) {
                continue;
            }
            self.publish(&rel, batch);
        }
    }

    fn publish(&mut self, rel: &str, diagnostics: Vec<lsp_types::Diagnostic>) {
        let Some(uri) = self.uri_of(rel) else {
            return;
        };
        // Findings told under another URI (a symlink's the document was opened by, or
        // its file's) are cleared there.
        if let Some((told, _)) = self.published.get(rel).filter(|(told, _)| *told != uri) {
            self.notify::<notif::PublishDiagnostics>(PublishDiagnosticsParams {
                uri: told.clone(),
                diagnostics: Vec::new(),
                version: None,
            });
            if diagnostics.is_empty() {
                // Nothing was told under `uri`: nothing to clear there.
                self.published.remove(rel);
                return;
            }
        }
        let version = self.versions.get(rel).copied();
        self.notify::<notif::PublishDiagnostics>(PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics: diagnostics.clone(),
            version,
        });
        if diagnostics.is_empty() {
            self.published.remove(rel);
        } else {
            self.published.insert(rel.to_string(), (uri, diagnostics));
        }
    }

    fn pull_diagnostics(
        &mut self,
        params: lsp_types::DocumentDiagnosticParams,
    ) -> DocumentDiagnosticReportResult {
        let items = match self
            .path_of(&params.text_document.uri)
            .and_then(|rel| self.state.doc(&rel))
        {
            Some(d) => {
                let found = self.state.lint(&[d]);
                let found: Vec<&sot_lint::Diagnostic> = found.iter().collect();
                self.to_lsp(&found, &mut Texts::default())
            }
            None => Vec::new(),
        };
        DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(
            RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: None,
                    items,
                },
            },
        ))
    }

    fn to_lsp<'s>(
        &'s self,
        found: &[&sot_lint::Diagnostic],
        texts: &mut Texts<'s>,
    ) -> Vec<lsp_types::Diagnostic> {
        let encoding = self.client.encoding;
        found
            .iter()
            .map(|d| {
                let range = texts
                    .with(&self.state, &d.file, |lines| lines.range(&d.span, encoding))
                    .unwrap_or_default();
                let related = d
                    .related
                    .iter()
                    .filter_map(|r| {
                        let position = texts
                            .with(&self.state, &r.file, |lines| {
                                lines.at_line_column(r.line, r.column, encoding)
                            })
                            .unwrap_or_default();
                        Some(lsp_types::DiagnosticRelatedInformation {
                            location: lsp_types::Location::new(
                                self.uri_of(&r.file)?,
                                lsp_types::Range::new(position, position),
                            ),
                            message: r.message.clone(),
                        })
                    })
                    .collect::<Vec<_>>();
                let message = match &d.help {
                    Some(help) => format!("{}\nhelp: {help}", d.message),
                    None => d.message.clone(),
                };
                lsp_types::Diagnostic {
                    range,
                    severity: Some(match d.severity {
                        Severity::Error => DiagnosticSeverity::ERROR,
                        Severity::Warning => DiagnosticSeverity::WARNING,
                        Severity::Note => DiagnosticSeverity::INFORMATION,
                    }),
                    code: Some(NumberOrString::String(d.rule.to_string())),
                    source: Some("sot".into()),
                    message,
                    related_information: (!related.is_empty()).then_some(related),
                    ..Default::default()
                }
            })
            .collect()
    }
}

/// A changed document as it was: the IDs it defined, and its face (`State::face`), or
/// `None` when it was not there or may have changed in every way (new settings).
#[derive(Default)]
struct Before {
    ids: BTreeSet<String>,
    face: Option<u64>,
}

/// The lines of documents, each read at most once while answering one message.
#[derive(Default)]
struct Texts<'s> {
    read: HashMap<String, Option<Lines<'s>>>,
}

impl<'s> Texts<'s> {
    fn with<T>(&mut self, state: &'s State, rel: &str, f: impl FnOnce(&Lines) -> T) -> Option<T> {
        let lines = self
            .read
            .entry(rel.to_string())
            .or_insert_with(|| state.text(state.doc(rel)?).map(Lines::new));
        lines.as_ref().map(f)
    }
}

type Failed = (ErrorCode, String);

fn parse<P: serde::de::DeserializeOwned>(request: Request) -> Result<P, Failed> {
    serde_json::from_value(request.params).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

/// The result of `handle` for a request's params, as the protocol carries it.
fn answer<P: serde::de::DeserializeOwned, R: serde::Serialize>(
    request: Request,
    handle: impl FnOnce(P) -> R,
) -> Result<serde_json::Value, Failed> {
    parse(request).map(handle).and_then(to_value)
}

/// [`answer`], for a handler that may refuse.
fn try_answer<P: serde::de::DeserializeOwned, R: serde::Serialize>(
    request: Request,
    handle: impl FnOnce(P) -> Result<R, Failed>,
) -> Result<serde_json::Value, Failed> {
    parse(request).and_then(handle).and_then(to_value)
}

fn to_value(value: impl serde::Serialize) -> Result<serde_json::Value, Failed> {
    serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

fn parse_notification<P: serde::de::DeserializeOwned>(notification: Notification) -> Option<P> {
    serde_json::from_value(notification.params).ok()
}
