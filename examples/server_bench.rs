//! Times `sot server` as an editor meets it: from start to the first diagnostics of
//! an opened document, and from each keystroke (`didChange`) to that document's
//! diagnostics; with the server's peak memory.
//!
//!   cargo run --release --example server_bench -- SOT_BINARY WORKSPACE FILE [KEYSTROKES]
//!
//! FILE is root-relative. Each keystroke types one character at the end of the
//! document's first heading line, then the next removes it, so every other change
//! is back to the text on disk. Prints the median and 95th percentile.

use std::io::{BufReader, BufWriter};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use lsp_server::{Message, Notification, Request, RequestId, Response};
use serde_json::{json, Value};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [binary, root, file, rest @ ..] = args.as_slice() else {
        eprintln!("usage: server_bench SOT_BINARY WORKSPACE FILE [KEYSTROKES]");
        std::process::exit(2);
    };
    let keystrokes: usize = rest.first().map_or(200, |n| n.parse().expect("a number"));
    let root = PathBuf::from(root)
        .canonicalize()
        .expect("the workspace exists");
    let text = std::fs::read_to_string(root.join(file)).expect("FILE is readable");
    let uri = |rel: &str| lsp_types::Url::from_file_path(root.join(rel)).unwrap();

    let started = Instant::now();
    let mut child = Command::new(binary)
        .arg("server")
        .current_dir(&root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("sot server starts");
    let pid = child.id();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        while let Ok(Some(message)) = Message::read(&mut reader) {
            if tx.send(message).is_err() {
                break;
            }
        }
    });
    let mut stdin = BufWriter::new(child.stdin.take().unwrap());
    let mut send = |message: Message| message.write(&mut stdin).unwrap();
    let notify = |method: &str, params: Value| {
        Message::Notification(Notification::new(method.to_string(), params))
    };
    let root_uri = lsp_types::Url::from_file_path(&root).unwrap();
    send(Message::Request(Request::new(
        RequestId::from(1),
        "initialize".into(),
        json!({ "processId": null, "rootUri": root_uri, "capabilities": {} }),
    )));
    let file_uri = uri(file).to_string();
    let diagnostics_of_file = |rx: &mpsc::Receiver<Message>, send: &mut dyn FnMut(Message)| loop {
        match rx
            .recv_timeout(Duration::from_secs(600))
            .expect("an answer")
        {
            Message::Notification(n)
                if n.method == "textDocument/publishDiagnostics"
                    && n.params["uri"] == file_uri.as_str() =>
            {
                return n.params["diagnostics"].as_array().map_or(0, Vec::len);
            }
            Message::Request(r) => send(Message::Response(Response::new_ok(r.id, Value::Null))),
            _ => {}
        }
    };
    send(notify("initialized", json!({})));
    send(notify(
        "textDocument/didOpen",
        json!({ "textDocument": {
            "uri": file_uri, "languageId": "markdown", "version": 1, "text": text,
        }}),
    ));
    let found = diagnostics_of_file(&rx, &mut send);
    let first = started.elapsed();

    // The end of the first heading line (else of the first line).
    let line = text
        .lines()
        .position(|l| l.starts_with('#'))
        .unwrap_or_default();
    let character: usize = text
        .lines()
        .nth(line)
        .unwrap_or_default()
        .chars()
        .map(char::len_utf16)
        .sum();
    let mut latencies = Vec::with_capacity(keystrokes);
    for k in 0..keystrokes {
        let at = json!({ "line": line, "character": character });
        let after = json!({ "line": line, "character": character + 1 });
        let change = if k % 2 == 0 {
            json!({ "range": { "start": at, "end": at }, "text": "x" })
        } else {
            json!({ "range": { "start": at, "end": after }, "text": "" })
        };
        let sent = Instant::now();
        send(notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": file_uri, "version": k + 2 },
                "contentChanges": [change],
            }),
        ));
        diagnostics_of_file(&rx, &mut send);
        latencies.push(sent.elapsed());
    }
    let peak = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        });
    send(Message::Request(Request::new(
        RequestId::from(2),
        "shutdown".into(),
        Value::Null,
    )));
    send(notify("exit", Value::Null));
    let _ = child.wait();

    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    println!(
        "start to first diagnostics: {:.0} ms ({found} findings)",
        ms(first)
    );
    println!(
        "keystroke to diagnostics:   median {:.1} ms, p95 {:.1} ms, max {:.1} ms ({keystrokes} keystrokes)",
        ms(at(0.5)),
        ms(at(0.95)),
        ms(at(1.0))
    );
    if let Some(kib) = peak {
        println!("peak memory:                {} MiB", kib / 1024);
    }
}
