//! `paydesk console`: chat with the bot in a terminal, as any user. Console-only
//! commands (`/as`, `/react`, `/usage`, `/tick`) stand in for what a chat platform or the
//! billing system would send; everything else goes to the engine like any chat message.

use super::replay::human;
use crate::app::action::OutboxItem;
use crate::app::engine::{Actor, Engine, Event, ReactTarget};
use crate::app::outbox::pump;
use crate::app::ports::{ChatSink, Clock, SystemClock};
use crate::domain::ids::{AccountId, CaseNumber, UserId};
use anyhow::Result;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use std::io::Write;
use std::sync::atomic::{AtomicI64, Ordering};

/// The console's clock: the system time plus an offset that `/tick 73h` moves forward, so
/// approval expiry and refund retries can be shown without waiting. The engine and the
/// sandbox read this clock; nothing in the console reads the system time directly.
#[derive(Default)]
pub struct ConsoleClock {
    offset_micros: AtomicI64,
}

impl ConsoleClock {
    /// Moves the clock forward by `by` (never backward).
    pub fn advance(&self, by: Duration) {
        let micros = by.num_microseconds().unwrap_or(i64::MAX).max(0);
        let _ = self.offset_micros.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |o| Some(o.saturating_add(micros)));
    }

    /// How far the clock is ahead of the system time.
    pub fn ahead(&self) -> Duration {
        Duration::microseconds(self.offset_micros.load(Ordering::SeqCst))
    }
}

impl Clock for ConsoleClock {
    fn now(&self) -> DateTime<Utc> {
        let now = SystemClock.now();
        now.checked_add_signed(self.ahead()).unwrap_or(now)
    }
}

/// The longest `/tick` step: one year.
const MAX_TICK_HOURS: i64 = 24 * 366;

/// Why a `/tick` duration is refused, in words for the console's user.
#[derive(Debug, thiserror::Error)]
pub enum TickError {
    #[error("`{text}` is not a duration: write 73h, 30m, 2d or 90s")]
    NotADuration {
        text: String,
        /// The number did not parse (no digits, or too many).
        #[source]
        source: Option<std::num::ParseIntError>,
    },
    #[error("`{text}` is too long: at most {}d at a time", MAX_TICK_HOURS / 24)]
    TooLong { text: String },
}

/// `73h`, `30m`, `2d`, `90s` (a bare number is minutes) → a duration of at most a year.
pub fn parse_tick(text: &str) -> Result<Duration, TickError> {
    let t = text.trim().to_ascii_lowercase();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: i64 = digits.parse().map_err(|e| TickError::NotADuration { text: text.to_string(), source: Some(e) })?;
    let d = match unit {
        "s" | "sec" | "secs" => Duration::try_seconds(n),
        "" | "m" | "min" | "mins" => Duration::try_minutes(n),
        "h" | "hour" | "hours" => Duration::try_hours(n),
        "d" | "day" | "days" => Duration::try_days(n),
        _ => return Err(TickError::NotADuration { text: text.to_string(), source: None }),
    };
    match d {
        Some(d) if d <= Duration::hours(MAX_TICK_HOURS) => Ok(d),
        _ => Err(TickError::TooLong { text: text.to_string() }),
    }
}
use tokio::io::{AsyncBufReadExt, BufReader};

/// Prints actions for a person, or as JSON lines with `--json`.
pub struct ConsoleSink {
    pub json: bool,
}

#[async_trait]
impl ChatSink for ConsoleSink {
    async fn deliver(&self, item: &OutboxItem) -> Result<()> {
        let mut out = std::io::stdout().lock();
        if self.json {
            serde_json::to_writer(&mut out, &item.action)?;
            writeln!(out)?;
        } else {
            writeln!(out, "{}", human(&item.action))?;
        }
        out.flush()?;
        Ok(())
    }
}

impl ConsoleSink {
    /// A line from the console itself (not the bot): plain text for a person; with
    /// `--json` a `{"type":"console","text":…}` object, so stdout holds only JSON lines.
    pub fn note(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        if self.json {
            let _ = serde_json::to_writer(&mut out, &serde_json::json!({"type": "console", "text": text}));
            let _ = writeln!(out);
        } else {
            let _ = writeln!(out, "   {text}");
        }
        let _ = out.flush();
    }
}

/// `3d 1h`-style words for a duration (for the console's clock line).
fn words_of(d: Duration) -> String {
    let m = d.num_minutes();
    match (m / (24 * 60), (m / 60) % 24, m % 60) {
        (0, 0, m) => format!("{m}m"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

/// What a console line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum ConsoleInput {
    SwitchUser(String),
    React {
        target: ReactTarget,
        emoji: String,
        added: bool,
    },
    Usage(AccountId, u64),
    /// Run the timers now, after moving the console clock forward by the duration.
    Tick(Duration),
    Dm(String),
    Quit,
    Chat(String),
    Help(String),
}

pub const CONSOLE_HELP: &str =
    "console: /as USER · /react REF|approval:CASE EMOJI · /unreact REF|approval:CASE EMOJI · /usage ACCOUNT N · /tick [73h|30m|2d] · /dm TEXT · /quit";

/// Reads one console line. Unknown `/` commands go to the engine (which answers with usage).
pub fn parse_console(line: &str) -> ConsoleInput {
    let t = line.trim();
    let mut words = t.split_whitespace();
    let first = words.next().unwrap_or("");
    let rest: Vec<&str> = words.collect();
    match first {
        "/as" => match rest.as_slice() {
            [u] => ConsoleInput::SwitchUser(u.to_string()),
            _ => ConsoleInput::Help("usage: /as USER".into()),
        },
        "/react" | "/unreact" => match rest.as_slice() {
            [on, emoji] => {
                let target = match on.strip_prefix("approval:") {
                    Some(c) => match c.parse::<CaseNumber>() {
                        Ok(n) => ReactTarget::ApprovalOf(n),
                        Err(e) => return ConsoleInput::Help(e.to_string()),
                    },
                    None => ReactTarget::Message(on.to_string()),
                };
                ConsoleInput::React { target, emoji: emoji.to_string(), added: first == "/react" }
            }
            _ => ConsoleInput::Help(format!("usage: {first} REF|approval:CASE EMOJI")),
        },
        "/usage" => match rest.as_slice() {
            [a, n] => match n.parse::<u64>() {
                Ok(n) if n <= 1_000_000 => ConsoleInput::Usage(AccountId::new(*a), n),
                _ => ConsoleInput::Help("usage: /usage ACCOUNT N (N from 0 to 1000000)".into()),
            },
            _ => ConsoleInput::Help("usage: /usage ACCOUNT N".into()),
        },
        "/tick" => match rest.as_slice() {
            [] => ConsoleInput::Tick(Duration::zero()),
            [d] => match parse_tick(d) {
                Ok(d) => ConsoleInput::Tick(d),
                Err(e) => ConsoleInput::Help(format!("{e}. usage: /tick [DURATION]")),
            },
            _ => ConsoleInput::Help("usage: /tick [DURATION], e.g. /tick 73h".into()),
        },
        "/dm" => ConsoleInput::Dm(rest.join(" ")),
        "/quit" | "/exit" => ConsoleInput::Quit,
        _ => ConsoleInput::Chat(t.to_string()),
    }
}

/// A console input line that is not text.
#[derive(Debug, thiserror::Error)]
#[error("line {line} is not valid UTF-8: ignored, nothing was sent")]
pub struct NotUtf8 {
    pub line: usize,
    #[source]
    pub source: std::str::Utf8Error,
}

/// One line of input as text, or why it is ignored (naming the line). NUL characters are
/// removed (as everywhere text enters the bot); CR LF and LF both end a line.
pub fn decode_line(n: usize, bytes: &[u8]) -> Result<String, NotUtf8> {
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(t) => Ok(t.replace('\0', "")),
        Err(source) => Err(NotUtf8 { line: n, source }),
    }
}

/// The interactive loop. Timers (approval expiry, refund retries) run every second, on
/// the console's clock.
pub async fn run(
    engine: &Engine,
    sink: &ConsoleSink,
    clock: &ConsoleClock,
    mut user: String,
    show_prompt: bool,
) -> Result<()> {
    let store = engine.store().clone();
    let mut input = BufReader::new(tokio::io::stdin());
    // Bytes, not `lines()`: one invalid UTF-8 line is answered, not the end of the console.
    // `read_until` keeps what it read in `buf` when `select!` cancels it, and continues on
    // the next call (tokio's `AsyncBufReadExt::read_until`, "Cancel safety"), so `buf` is
    // cleared only once a whole line was handled.
    let mut buf: Vec<u8> = Vec::new();
    let mut line_no = 0usize;
    let mut ticker = tokio::time::interval(std::time::Duration::from_secs(1));
    let prompt = |u: &str| {
        if show_prompt {
            print!("{u}> ");
            let _ = std::io::stdout().flush();
        }
    };
    prompt(&user);
    loop {
        tokio::select! {
            _ = ticker.tick() => {
                let now = clock.now();
                let report = engine.run_timers(now).await?;
                if pump(store.as_ref(), sink, now).await? > 0 || report != Default::default() {
                    prompt(&user);
                }
            }
            read = input.read_until(b'\n', &mut buf) => {
                let n = read?;
                if n == 0 && buf.is_empty() { break; }
                line_no += 1;
                let decoded = decode_line(line_no, &buf);
                buf.clear();
                let line = match decoded {
                    Ok(l) => l,
                    // A diagnostic: on stderr, so that stdout stays what --json promises.
                    Err(why) => { eprintln!("   {why}"); prompt(&user); continue; }
                };
                if line.trim().is_empty() { prompt(&user); continue; }
                let now = clock.now();
                let actor = Actor { id: UserId::new(user.clone()), roles: None };
                match parse_console(&line) {
                    ConsoleInput::Quit => break,
                    ConsoleInput::SwitchUser(u) => { sink.note(&format!("(you are now {u})")); user = u; }
                    ConsoleInput::Help(h) => sink.note(&format!("{h}\n   {CONSOLE_HELP}")),
                    ConsoleInput::Tick(by) => {
                        clock.advance(by);
                        let now = clock.now();
                        let report = engine.run_timers(now).await?;
                        sink.note(&format!(
                            "(clock {} — {} ahead of real time; {} request(s) expired, {} payment attempt(s))",
                            now.format("%Y-%m-%d %H:%M UTC"),
                            words_of(clock.ahead()),
                            report.expired,
                            report.attempts
                        ));
                        pump(store.as_ref(), sink, now).await?;
                        prompt(&user);
                        continue;
                    }
                    ConsoleInput::React { target, emoji, added } => engine.handle(Event::Reaction { actor, emoji, target, added }, now, None).await?,
                    ConsoleInput::Usage(account, n) => engine.handle(Event::Usage { account, conversations: n }, now, None).await?,
                    ConsoleInput::Dm(text) => engine.handle(Event::Message { actor, text, channel: "dm".into() }, now, None).await?,
                    ConsoleInput::Chat(text) => engine.handle(Event::Message { actor, text, channel: "support".into() }, now, None).await?,
                }
                pump(store.as_ref(), sink, now).await?;
                prompt(&user);
            }
        }
    }
    // The last delivery marks (they otherwise wait for the next event's transaction).
    store.flush().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_lines() {
        assert_eq!(parse_console("/as bo"), ConsoleInput::SwitchUser("bo".into()));
        assert_eq!(
            parse_console("/react approval:RF-000001 ✅"),
            ConsoleInput::React {
                target: ReactTarget::ApprovalOf(CaseNumber::FIRST), emoji: "✅".into(), added: true
            }
        );
        assert_eq!(
            parse_console("/unreact m4 ✅"),
            ConsoleInput::React { target: ReactTarget::Message("m4".into()), emoji: "✅".into(), added: false }
        );
        assert_eq!(parse_console("/usage acct-1 3"), ConsoleInput::Usage(AccountId::new("acct-1"), 3));
        assert!(matches!(parse_console("/usage acct-1 -3"), ConsoleInput::Help(_)));
        assert!(matches!(parse_console("/react approval:XX ✅"), ConsoleInput::Help(_)));
        assert_eq!(parse_console("/refund ch_1"), ConsoleInput::Chat("/refund ch_1".into()));
        assert_eq!(parse_console("hello"), ConsoleInput::Chat("hello".into()));
    }

    #[test]
    fn tick_reads_its_duration() {
        assert_eq!(parse_console("/tick"), ConsoleInput::Tick(Duration::zero()));
        assert_eq!(parse_console("/tick 73h"), ConsoleInput::Tick(Duration::hours(73)));
        assert_eq!(parse_console("/tick 2d"), ConsoleInput::Tick(Duration::days(2)));
        assert_eq!(parse_console("/tick 30m"), ConsoleInput::Tick(Duration::minutes(30)));
        assert_eq!(parse_console("/tick 90s"), ConsoleInput::Tick(Duration::seconds(90)));
        for bad in ["/tick soon", "/tick -3h", "/tick 3w", "/tick 99999999999999999999h", "/tick 400d", "/tick 1h 2h"] {
            assert!(matches!(parse_console(bad), ConsoleInput::Help(_)), "{bad}");
        }
        let overflow = parse_tick("99999999999999999999h").unwrap_err();
        assert_eq!(overflow.to_string(), "`99999999999999999999h` is not a duration: write 73h, 30m, 2d or 90s");
        assert!(std::error::Error::source(&overflow).is_some(), "the number's parse error is kept");
        assert_eq!(parse_tick("400d").unwrap_err().to_string(), "`400d` is too long: at most 366d at a time");
        let clock = ConsoleClock::default();
        let before = clock.now();
        clock.advance(Duration::hours(73));
        assert!(clock.now() - before >= Duration::hours(73));
        assert_eq!(words_of(clock.ahead()), "3d 1h");
    }

    #[test]
    fn console_input_bytes() {
        assert_eq!(decode_line(1, b"hi\r\n").unwrap(), "hi");
        assert_eq!(decode_line(2, b"a\0b\n").unwrap(), "ab");
        let bad = decode_line(3, b"bad \xff\n").unwrap_err();
        assert_eq!(bad.to_string(), "line 3 is not valid UTF-8: ignored, nothing was sent");
        let cause = std::error::Error::source(&bad)
            .and_then(|s| s.downcast_ref::<std::str::Utf8Error>())
            .expect("the cause is kept");
        assert_eq!(cause.valid_up_to(), 4, "it says where the text stops being UTF-8");
    }
}
