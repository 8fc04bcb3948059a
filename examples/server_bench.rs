//! Times `sot server` as an editor meets it: from start to the first diagnostics of
//! an opened document, and from each keystroke (`didChange`) to that document's
//! diagnostics; with the server's peak memory.
//!
//!   cargo run --release --example server_bench -- SOT_BINARY WORKSPACE FILE [KEYSTROKES]
//!
//! FILE is root-relative. Each keystroke types one character, then the next removes
//! it: KEYSTROKES at the end of the document's first heading, then KEYSTROKES in a
//! paragraph added at its end. Prints the median and 95th percentile of each.

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

    // Typing in the first heading changes the document's anchors: the documents that
    // link to it are checked again too. Typing in prose (a last line of its own)
    // changes what only this document's findings read.
    let heading = text
        .lines()
        .position(|l| l.starts_with('#'))
        .unwrap_or_default();
    let end_of = |line: usize| -> usize {
        text.lines()
            .nth(line)
            .unwrap_or_default()
            .chars()
            .map(char::len_utf16)
            .sum()
    };
    let prose = text.lines().count();
    let mut version = 1;
    let mut series = Vec::new();
    let did_change = |version: i32, change: Value| {
        notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": file_uri, "version": version },
                "contentChanges": [change],
            }),
        )
    };
    for (what, line, character, opening) in [
        ("in a heading", heading, end_of(heading), ""),
        ("in prose", prose, 0, "\n\n"),
    ] {
        if !opening.is_empty() {
            // A paragraph of its own at the end, typed in below.
            version += 1;
            let end = json!({ "line": prose, "character": 0 });
            let add = json!({ "range": { "start": end, "end": end }, "text": opening });
            send(did_change(version, add));
            diagnostics_of_file(&rx, &mut send);
        }
        let line = if opening.is_empty() { line } else { line + 2 };
        let mut latencies = Vec::with_capacity(keystrokes);
        for k in 0..keystrokes {
            let at = json!({ "line": line, "character": character });
            let after = json!({ "line": line, "character": character + 1 });
            let change = if k % 2 == 0 {
                json!({ "range": { "start": at, "end": at }, "text": "x" })
            } else {
                json!({ "range": { "start": at, "end": after }, "text": "" })
            };
            version += 1;
            let sent = Instant::now();
            send(did_change(version, change));
            diagnostics_of_file(&rx, &mut send);
            latencies.push(sent.elapsed());
        }
        latencies.sort();
        series.push((what, latencies));
    }
    // Peak, and what the server holds once it has settled.
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib = |field: &str| {
        status
            .lines()
            .find(|l| l.starts_with(field))
            .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
    };
    let (peak, held) = (kib("VmHWM:"), kib("VmRSS:"));
    send(Message::Request(Request::new(
        RequestId::from(2),
        "shutdown".into(),
        Value::Null,
    )));
    send(notify("exit", Value::Null));
    let _ = child.wait();

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "start to first diagnostics: {:.0} ms ({found} findings)",
        ms(first)
    );
    for (what, latencies) in &series {
        let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
        println!(
            "keystroke {what:<12} to diagnostics: median {:.1} ms, p95 {:.1} ms, max {:.1} ms ({keystrokes} keystrokes)",
            ms(at(0.5)),
            ms(at(0.95)),
            ms(at(1.0))
        );
    }
    if let (Some(peak), Some(held)) = (peak, held) {
        println!(
            "memory: peak {} MiB, held after the keystrokes {} MiB",
            peak / 1024,
            held / 1024
        );
    }
}
