//! Logs never carry message text with card numbers. serenity logs a gateway dispatch it
//! cannot parse at WARN with the whole payload (`serenity::gateway::ws`: "Err
//! deserializing text: …; text: {payload}"), message content and all: the default filter
//! silences that target below ERROR; every log line, whatever its source, also goes
//! through `crate::logging::Redacting`, which replaces full card numbers.

/// Directives added to the configured filter unless it names these targets itself.
pub const QUIET_TARGETS: &[&str] = &["serenity::gateway::ws=error", "serenity::gateway::shard=error"];

/// The configured filter plus `QUIET_TARGETS` (each unless the filter sets that target).
pub fn filter_directives(configured: &str) -> String {
    let mut out = configured.to_string();
    for d in QUIET_TARGETS {
        let target = d.split('=').next().unwrap_or(d);
        if !configured.contains(target) {
            if !out.is_empty() {
                out.push(',');
            }
            out.push_str(d);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::sync::{Arc, Mutex};
    use tracing_subscriber::fmt::MakeWriter;

    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);

    impl Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Buf {
        type Writer = Buf;
        fn make_writer(&'a self) -> Self::Writer {
            self.clone()
        }
    }

    #[test]
    fn serenity_payload_warnings_are_silenced_and_card_numbers_never_reach_a_log_line() {
        let buf = Buf::default();
        let filter = tracing_subscriber::EnvFilter::new(filter_directives("warn"));
        let sub = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(crate::logging::Redacting(buf.clone()))
            .finish();
        tracing::subscriber::with_default(sub, || {
            tracing::warn!(target: "serenity::gateway::ws", "Err deserializing text: x; text: {{\"content\":\"my card 4111 1111 1111 1111\"}}");
            tracing::warn!(target: "some::library", "echo: card 4111-1111-1111-1111 and 5555 5555 5555 4444");
            tracing::error!(target: "serenity::gateway::ws", "connection lost");
        });
        let out = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        assert!(!out.contains("Err deserializing"), "{out}");
        assert!(out.contains("connection lost"), "errors still logged: {out}");
        assert!(out.contains("echo: card"), "{out}");
        for n in ["4111", "5555 5555"] {
            assert!(!out.contains(n), "{n} in {out}");
        }
        assert_eq!(
            filter_directives("warn,serenity::gateway::ws=debug"),
            "warn,serenity::gateway::ws=debug,serenity::gateway::shard=error"
        );
    }
}
