//! A scripted language client: `sot server` started on a workspace, spoken to in
//! JSON-RPC over its standard input and output as an editor would.

use std::collections::VecDeque;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use lsp_server::{Message, Notification, Request, RequestId, Response};
use serde_json::{json, Value};

/// How long any one answer may take before the test fails (the server answers in
/// milliseconds; a debug build on a loaded machine is slower).
const PATIENCE: Duration = Duration::from_secs(60);

pub struct Client {
    child: Child,
    stdin: BufWriter<ChildStdin>,
    incoming: Receiver<Message>,
    /// Notifications that arrived while waiting for something else.
    pending: VecDeque<Notification>,
    /// Requests the server sent (and that were answered), by method.
    pub server_requests: Vec<String>,
    next_id: i32,
    pub root: PathBuf,
}

impl Client {
    /// Starts `sot server` in `root` and initializes it with the client capabilities
    /// `capabilities` (push diagnostics, UTF-16, when `{}`).
    pub fn start(root: &Path, capabilities: Value) -> Client {
        let mut child = Command::new(super::sot_path())
            .arg("server")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("sot server starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Ok(Some(message)) = Message::read(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        let stdin = BufWriter::new(child.stdin.take().unwrap());
        let mut client = Client {
            child,
            stdin,
            incoming,
            pending: VecDeque::new(),
            server_requests: Vec::new(),
            next_id: 0,
            root: root.to_path_buf(),
        };
        let root_uri = client.uri("");
        let init = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "capabilities": capabilities,
                "workspaceFolders": [{ "uri": root_uri, "name": "workspace" }],
            }),
        );
        assert!(init["capabilities"].is_object(), "{init}");
        client.notify("initialized", json!({}));
        client
    }

    /// The `file:` URI of the file at `rel` (the root for `""`).
    pub fn uri(&self, rel: &str) -> String {
        let path = if rel.is_empty() {
            self.root.clone()
        } else {
            self.root.join(rel)
        };
        lsp_types::Url::from_file_path(path).unwrap().to_string()
    }

    fn send(&mut self, message: Message) {
        message
            .write(&mut self.stdin)
            .expect("the server reads its input");
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(Message::Notification(Notification::new(
            method.to_string(),
            params,
        )));
    }

    /// Sends a request and returns its result; an error response fails the test.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        match self.try_request(method, params) {
            Ok(result) => result,
            Err(error) => panic!("{method} failed: {error}"),
        }
    }

    /// Sends a request and returns its result, or the error the server answered.
    pub fn try_request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Message::Request(Request::new(
            id.clone(),
            method.to_string(),
            params,
        )));
        loop {
            match self.receive() {
                Message::Response(Response {
                    id: got,
                    result,
                    error,
                }) if got == id => {
                    return match error {
                        Some(error) => Err(serde_json::to_value(error).unwrap()),
                        None => Ok(result.unwrap_or(Value::Null)),
                    };
                }
                Message::Notification(n) => self.pending.push_back(n),
                _ => {}
            }
        }
    }

    /// The next message, answering the server's own requests on the way.
    fn receive(&mut self) -> Message {
        loop {
            let message = self
                .incoming
                .recv_timeout(PATIENCE)
                .expect("the server answers in time");
            if let Message::Request(request) = &message {
                self.server_requests.push(request.method.clone());
                let answer = Response::new_ok(request.id.clone(), Value::Null);
                self.send(Message::Response(answer));
                continue;
            }
            return message;
        }
    }

    /// The next notification of `method` whose params satisfy `wanted`; the others
    /// that arrive first are dropped.
    pub fn wait_for(&mut self, method: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        while let Some(n) = self.pending.pop_front() {
            if n.method == method && wanted(&n.params) {
                return n.params;
            }
        }
        loop {
            if let Message::Notification(n) = self.receive() {
                if n.method == method && wanted(&n.params) {
                    return n.params;
                }
            }
        }
    }

    /// The next diagnostics published for the file at `rel`.
    pub fn diagnostics(&mut self, rel: &str) -> Vec<Value> {
        let uri = self.uri(rel);
        let params = self.wait_for("textDocument/publishDiagnostics", |p| p["uri"] == uri);
        params["diagnostics"].as_array().unwrap().clone()
    }

    /// The findings the server gives the document at `rel` when asked for them
    /// (`textDocument/diagnostic`, a full report).
    pub fn pull(&mut self, rel: &str) -> Vec<Value> {
        let uri = self.uri(rel);
        let report = self.request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": uri } }),
        );
        assert_eq!(report["kind"], "full");
        report["items"].as_array().unwrap().clone()
    }

    /// Opens the file at `rel` with its text on disk, as version 1.
    pub fn open(&mut self, rel: &str) -> String {
        let text = std::fs::read_to_string(self.root.join(rel)).unwrap();
        self.open_with(rel, &text);
        text
    }

    pub fn open_with(&mut self, rel: &str, text: &str) {
        let uri = self.uri(rel);
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri, "languageId": "markdown", "version": 1, "text": text,
            }}),
        );
    }

    /// Replaces the whole text of the open file at `rel`.
    pub fn change(&mut self, rel: &str, version: i32, text: &str) {
        let uri = self.uri(rel);
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "text": text }],
            }),
        );
    }

    /// Asks the server to shut down and exit, and waits for it.
    pub fn shutdown(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "sot server exited with {status}");
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A copy of `fixtures/clean`, a workspace with no findings, to edit.
pub fn clean_workspace() -> tempfile::TempDir {
    super::fixture_workspace("clean")
}

/// The `(line, character)` of the first `needle` in `text`, in UTF-16 units.
pub fn position_of(text: &str, needle: &str) -> Value {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} in the text"));
    position_at(text, at)
}

/// The `(line, character)` of byte `at` of `text`, in UTF-16 units.
pub fn position_at(text: &str, at: usize) -> Value {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..line_start].matches('\n').count();
    let character: usize = text[line_start..at].chars().map(char::len_utf16).sum();
    json!({ "line": line, "character": character })
}

/// Each diagnostic as `line:character rule`, for short assertions.
pub fn summary(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}:{} {}",
                d["range"]["start"]["line"],
                d["range"]["start"]["character"],
                d["code"].as_str().unwrap_or("")
            )
        })
        .collect()
}
