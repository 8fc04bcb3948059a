//! Standard output and standard error for every command. A reader that goes away
//! (`sot rules | head -1`) closes the pipe: the rest of the output is dropped, and the
//! command finishes as it would have, with its own exit code, no message and no panic.
//! Rust ignores SIGPIPE, so a write to a closed pipe fails with `BrokenPipe`; `print!`
//! would panic on it, which is why the binary writes only through these.

use std::cell::RefCell;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
static STDERR_CLOSED: AtomicBool = AtomicBool::new(false);

/// One of the two standard streams, silenced for good once its reader has gone.
#[derive(Clone, Copy)]
pub enum Stream {
    Out,
    Err,
}

pub fn stdout() -> Stream {
    Stream::Out
}

pub fn stderr() -> Stream {
    Stream::Err
}

impl Stream {
    fn closed(self) -> &'static AtomicBool {
        match self {
            Stream::Out => &STDOUT_CLOSED,
            Stream::Err => &STDERR_CLOSED,
        }
    }

    /// Runs `op` on the real stream unless its pipe is closed; `BrokenPipe` closes it.
    fn guard<T>(
        self,
        closed_value: T,
        op: impl FnOnce(&mut dyn Write) -> io::Result<T>,
    ) -> io::Result<T> {
        if self.closed().load(Ordering::Relaxed) {
            return Ok(closed_value);
        }
        let result = match self {
            Stream::Out => op(&mut io::stdout()),
            Stream::Err => op(&mut io::stderr()),
        };
        match result {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed().store(true, Ordering::Relaxed);
                Ok(closed_value)
            }
            result => result,
        }
    }
}

thread_local! {
    /// Standard output held back by [`masked`] until it is complete.
    static HELD: RefCell<Option<Vec<u8>>> = const { RefCell::new(None) };
}

/// Runs `run` with its standard output held back, then writes that output with every
/// credential in it masked. The registry commands print titles, fields and body lines
/// of documents, where a pasted token would otherwise reach the terminal; masking the
/// whole output at once sees each value with the name it is assigned to.
pub fn masked<T>(run: impl FnOnce() -> T) -> io::Result<T> {
    HELD.with_borrow_mut(|held| *held = Some(Vec::new()));
    let result = run();
    let held = HELD.with_borrow_mut(Option::take).unwrap_or_default();
    let text = String::from_utf8_lossy(&held);
    stdout().write_all(sot_lint::secrets::mask(&text).as_bytes())?;
    Ok(result)
}

/// Appends `buf` to the held output, when output is being held.
fn hold(buf: &[u8]) -> bool {
    HELD.with_borrow_mut(|held| held.as_mut().map(|h| h.extend_from_slice(buf)))
        .is_some()
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if matches!(self, Stream::Out) && hold(buf) {
            return Ok(buf.len());
        }
        self.guard(buf.len(), |w| w.write(buf))
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        if matches!(self, Stream::Out) && hold(buf) {
            return Ok(());
        }
        self.guard((), |w| w.write_all(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.guard((), |w| w.flush())
    }
}

/// `println!` that a closed pipe cannot make panic. Another write error (a full
/// disk behind `> file`) ends the run with exit 2.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::output::print_or_exit(&mut $crate::output::stdout(), format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!`, likewise.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::print_or_exit(&mut $crate::output::stdout(), format_args!($($arg)*))
    };
}

/// `eprintln!`, likewise.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::output::print_or_exit(&mut $crate::output::stderr(), format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub fn print_or_exit(stream: &mut Stream, args: std::fmt::Arguments) {
    if let Err(e) = stream.write_fmt(args) {
        if matches!(stream, Stream::Out) {
            let _ = writeln!(stderr(), "sot: cannot write to standard output: {e}");
        }
        std::process::exit(2);
    }
}
