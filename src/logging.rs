//! Log output that never carries a full card number: every formatted line passes the
//! card-number detector (`nlu::redact::redact_log_line`) before it is written. The last
//! line of defence for logs; what is logged is redacted text in the first place.

use std::io::{self, Write};
use tracing_subscriber::fmt::MakeWriter;

/// Wraps a [`MakeWriter`] (stderr, a file): each event's line is redacted as a whole.
#[derive(Debug, Clone)]
pub struct Redacting<M>(pub M);

/// One event's writer: collects the formatted line, writes it redacted on flush or drop.
pub struct RedactingWriter<W: Write> {
    inner: W,
    buf: Vec<u8>,
}

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Redacting<M> {
    type Writer = RedactingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter { inner: self.0.make_writer(), buf: Vec::new() }
    }
}

impl<W: Write> RedactingWriter<W> {
    fn emit(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let line = String::from_utf8_lossy(&self.buf);
        let r = crate::nlu::redact::redact_log_line(&line);
        let res = if r.card_numbers > 0 {
            // Counted without any digit: the count and the fact only.
            let note = format!(" [{} card number(s) removed from this log line]", r.card_numbers);
            let text = r.text.trim_end_matches('\n');
            self.inner
                .write_all(text.as_bytes())
                .and_then(|_| self.inner.write_all(note.as_bytes()))
                .and_then(|_| self.inner.write_all(b"\n"))
        } else {
            self.inner.write_all(r.text.as_bytes())
        };
        self.buf.clear();
        res
    }
}

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(b);
        Ok(b.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.emit()?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for RedactingWriter<W> {
    fn drop(&mut self) {
        let _ = self.emit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.lock().map_err(|_| io::Error::other("poisoned"))?.extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn logged(json: bool) -> String {
        let sink = Sink::default();
        let out = sink.0.clone();
        let make = Redacting(move || sink.clone());
        let builder = tracing_subscriber::fmt().with_writer(make).with_ansi(false);
        let emit = || {
            tracing::warn!(text = ?"card 4111\t1111\t1111\t1111", user = "175928847299117062", "a message: 5555 5555 5555 4444");
            tracing::warn!("paid 12.50 EUR on 2026-11-30 14:05:06");
        };
        if json {
            tracing::subscriber::with_default(builder.json().finish(), emit);
        } else {
            tracing::subscriber::with_default(builder.finish(), emit);
        }
        let bytes = out.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn log_lines_never_carry_a_card_number() {
        for json in [false, true] {
            let text = logged(json);
            assert!(!text.contains("1111") && !text.contains("4444"), "{text}");
            assert!(text.contains("175928847299117062"), "user ids stay: {text}");
            assert!(text.contains("12.50 EUR on 2026-11-30 14:05:06"), "{text}");
            assert!(text.contains("2 card number(s) removed"), "{text}");
            assert_eq!(text.lines().count(), 2, "{text}");
        }
    }
}
