//! Standard output for the subcommands that print a lot (`classify`, `classify --eval`,
//! `replay`, `gen-transcript`, `bench`). When the reader goes away (`… | head`), writing
//! fails with `ErrorKind::BrokenPipe` (the process ignores SIGPIPE, as every Rust program
//! does) and `println!` would panic on it: these commands write here instead, the first
//! broken pipe is remembered, the command stops at the error, and `main` ends quietly
//! with [`BROKEN_PIPE_EXIT`] instead of printing the error.

use std::io::{self, BufWriter, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// The exit code after the reader of standard output went away: 128 + SIGPIPE (13), what a
/// shell reports for a program the signal ended.
pub const BROKEN_PIPE_EXIT: u8 = 141;

static CLOSED: AtomicBool = AtomicBool::new(false);

/// Buffered standard output that notes a closed pipe (see [`closed`]).
pub struct Stdout(BufWriter<io::Stdout>);

/// Standard output, buffered, for a command that prints a lot.
pub fn stdout() -> Stdout {
    Stdout(BufWriter::new(io::stdout()))
}

/// Whether a write to standard output found the pipe closed.
pub fn closed() -> bool {
    CLOSED.load(Ordering::Relaxed)
}

/// `e`, after noting a broken pipe.
fn noted(e: io::Error) -> io::Error {
    if e.kind() == io::ErrorKind::BrokenPipe {
        CLOSED.store(true, Ordering::Relaxed);
    }
    e
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf).map_err(noted)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(noted)
    }
}
