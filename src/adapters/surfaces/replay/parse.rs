//! Reading a transcript: each line checked, in order, one at a time.

use super::{LineError, Step, MAX_FAULTS_PER_LINE, MAX_MONTHS, MAX_RECHARGE_CREDITS, MAX_TEXT_CHARS};
use crate::adapters::payments::sandbox::Fault;
use crate::app::engine::{Actor, Event, ReactTarget};
use crate::app::ports::User;
use crate::domain::billing::{Account, AutoRecharge, Charge, ChargeKind, PaymentMethod, Subscription};
use crate::domain::ids::{AccountId, BadCaseNumber, CaseNumber, ChargeId, SubscriptionId, UserId};
use crate::domain::money::{parse_amount, AmountError, Currency};
use crate::domain::roles::{Role, Roles};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Line {
    Account {
        id: String,
        currency: String,
        wallet: Option<String>,
        auto_recharge: Option<AutoRechargeLine>,
    },
    User {
        id: String,
        #[serde(default)]
        roles: Vec<String>,
        account: Option<String>,
    },
    Charge(ChargeLine),
    Subscription {
        id: String,
        account: String,
        charge: String,
        months: u32,
        start: String,
    },
    Message {
        at: String,
        user: String,
        text: String,
        channel: Option<String>,
    },
    React {
        at: String,
        user: String,
        emoji: String,
        on: String,
    },
    Unreact {
        at: String,
        user: String,
        emoji: String,
        on: String,
    },
    Usage {
        at: String,
        account: String,
        conversations: u64,
    },
    Tick {
        at: String,
    },
    Fault {
        at: String,
        connector: String,
        next: String,
        count: u32,
    },
}

#[derive(Debug, Deserialize)]
struct ChargeLine {
    id: String,
    account: String,
    amount: String,
    currency: String,
    at: String,
    method: String,
    card_last4: Option<String>,
    kind: String,
    description: Option<String>,
    fee: Option<String>,
    #[serde(default)]
    wallet_selected: bool,
    #[serde(default)]
    disputed: bool,
    provider: Option<String>,
}

#[derive(Debug, Deserialize)]
struct AutoRechargeLine {
    below: String,
    credits: u32,
}

/// A field of a transcript line that does not read as what it must be, or a line that
/// breaks a rule of the format.
#[derive(Debug, thiserror::Error)]
enum FieldError {
    #[error("{what} `{text}` is not an RFC 3339 time")]
    Time {
        what: &'static str,
        text: String,
        #[source]
        source: chrono::ParseError,
    },
    // The amount error's text is the message; it is not also the source, so that a chain
    // printed with `{:#}` does not say it twice.
    #[error("{what}: {reason}")]
    Amount { what: &'static str, reason: AmountError },
    #[error("unknown currency `{0}`")]
    Currency(String),
    #[error(transparent)]
    Case(#[from] BadCaseNumber),
    /// A rule of the format (a limit, a name defined before its use, a known value).
    #[error("{0}")]
    Invalid(String),
}

impl FieldError {
    /// The line error naming `line`, keeping this as its source (when it says more than
    /// the message).
    fn on_line(self, line: usize) -> LineError {
        let message = self.to_string();
        let source: Option<Box<dyn std::error::Error + Send + Sync>> = match self {
            FieldError::Invalid(_) => None,
            other => Some(Box::new(other)),
        };
        LineError { line, message, source }
    }
}

fn invalid(message: impl Into<String>) -> FieldError {
    FieldError::Invalid(message.into())
}

fn time(s: &str, what: &'static str) -> Result<DateTime<Utc>, FieldError> {
    DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)).map_err(|source| FieldError::Time {
        what,
        text: s.to_string(),
        source,
    })
}

fn amount(s: &str, what: &'static str) -> Result<Decimal, FieldError> {
    parse_amount(s).map_err(|reason| FieldError::Amount { what, reason })
}

fn currency(s: &str) -> Result<Currency, FieldError> {
    Currency::from_code(s).ok_or_else(|| FieldError::Currency(s.to_string()))
}

fn reaction(user: String, emoji: String, on: &str, at: &str, added: bool) -> Result<Step, FieldError> {
    let target = match on.strip_prefix("approval:") {
        Some(c) => ReactTarget::ApprovalOf(c.parse::<CaseNumber>()?),
        None => ReactTarget::Message(on.to_string()),
    };
    Ok(Step::Event(Event::Reaction { actor: Actor::known(user), emoji, target, added }, time(at, "at")?))
}

/// The longest transcript line read, in bytes: a message of `MAX_TEXT_CHARS` characters
/// written with JSON escapes fits several times over.
pub const MAX_LINE_BYTES: u64 = 1 << 20;

/// Reads a transcript from a file one line at a time, checking each (UTF-8, at most
/// [`MAX_LINE_BYTES`], a valid line after the ones before it). Memory stays flat in the
/// transcript's length: one line and the [`Parser`]'s ids at a time.
pub struct StepReader<R: BufRead> {
    reader: R,
    parser: Parser,
    line: usize,
    buf: Vec<u8>,
}

impl StepReader<BufReader<std::fs::File>> {
    pub fn open(path: &std::path::Path) -> std::io::Result<Self> {
        Ok(StepReader::new(BufReader::new(std::fs::File::open(path)?)))
    }
}

impl<R: BufRead> StepReader<R> {
    pub fn new(reader: R) -> Self {
        StepReader { reader, parser: Parser::default(), line: 0, buf: Vec::new() }
    }

    /// The next step, `None` at the end of the file.
    pub fn next_step(&mut self) -> Result<Option<Step>, LineError> {
        loop {
            self.buf.clear();
            self.line += 1;
            let line = self.line;
            let read = (&mut self.reader)
                .take(MAX_LINE_BYTES + 1)
                .read_until(b'\n', &mut self.buf)
                .map_err(|e| LineError { line, message: format!("cannot read: {e}"), source: Some(Box::new(e)) })?;
            if read == 0 {
                return Ok(None);
            }
            if self.buf.last() == Some(&b'\n') {
                self.buf.pop();
                if self.buf.last() == Some(&b'\r') {
                    self.buf.pop();
                }
            } else if read as u64 > MAX_LINE_BYTES {
                return Err(LineError {
                    line,
                    message: format!("the line is longer than {MAX_LINE_BYTES} bytes"),
                    source: None,
                });
            }
            let text = std::str::from_utf8(&self.buf).map_err(|e| LineError {
                line,
                message: "not valid UTF-8".into(),
                source: Some(Box::new(e)),
            })?;
            if let Some(step) = self.parser.line(line, text)? {
                return Ok(Some(step));
            }
        }
    }

    /// The time of the first event (or fault) read so far.
    pub fn first_event_at(&self) -> Option<DateTime<Utc>> {
        self.parser.first_event_at()
    }
}

/// Removes NUL characters from every string of a parsed line. NUL is never meaningful in
/// chat text or ids, PostgreSQL cannot store it in TEXT and SQLite can: it is removed at
/// the entrance, so both backends see the same text.
fn strip_nul(v: &mut Value) {
    match v {
        Value::String(s) if s.contains('\0') => s.retain(|c| c != '\0'),
        Value::Array(items) => items.iter_mut().for_each(strip_nul),
        Value::Object(map) => map.values_mut().for_each(strip_nul),
        _ => {}
    }
}

/// Checks a whole transcript held in memory; the steps in order. (`paydesk replay` streams
/// the file through [`Parser`] instead, twice: see `cli::chat`.)
pub fn parse(text: &str) -> Result<Vec<Step>, LineError> {
    let mut parser = Parser::default();
    let mut steps = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        steps.extend(parser.line(i + 1, raw)?);
    }
    Ok(steps)
}

/// Checks transcript lines one at a time, remembering what earlier lines defined (a user's
/// account and a charge's account must come before the line that names them). Memory is
/// the ids of accounts and charges, not the lines.
#[derive(Default)]
pub struct Parser {
    accounts: std::collections::HashSet<String>,
    charges: std::collections::HashSet<String>,
    /// The time of the first event (or fault): fixtures are dated at it.
    first_event_at: Option<DateTime<Utc>>,
}

impl Parser {
    /// The step of line number `line` (1-based), or `None` for a blank line.
    pub fn line(&mut self, line: usize, raw: &str) -> Result<Option<Step>, LineError> {
        if raw.trim().is_empty() {
            return Ok(None);
        }
        let err = |message: String| LineError { line, message, source: None };
        let mut value: Value =
            serde_json::from_str(raw).map_err(|e| err(format!("not a valid transcript line: {e}")))?;
        strip_nul(&mut value);
        let parsed: Line =
            serde_json::from_value(value).map_err(|e| err(format!("not a valid transcript line: {e}")))?;
        let step = self.step(parsed).map_err(|e| e.on_line(line))?;
        if let (None, Step::Event(_, at) | Step::Fault(_, _, at)) = (self.first_event_at, &step) {
            self.first_event_at = Some(*at);
        }
        Ok(Some(step))
    }

    /// The time fixtures are dated at: the first event's (or fault's) among the lines seen.
    pub fn first_event_at(&self) -> Option<DateTime<Utc>> {
        self.first_event_at
    }

    fn step(&mut self, parsed: Line) -> Result<Step, FieldError> {
        Ok(match parsed {
            Line::Account { id, currency: c, wallet, auto_recharge } => {
                let cur = currency(&c)?;
                let auto = match auto_recharge {
                    Some(a) if a.credits > MAX_RECHARGE_CREDITS => {
                        return Err(invalid(format!("auto_recharge.credits must be at most {MAX_RECHARGE_CREDITS}")));
                    }
                    Some(a) => {
                        Some(AutoRecharge { below: amount(&a.below, "auto_recharge.below")?, credits: a.credits })
                    }
                    None => None,
                };
                let wallet = wallet.map(|w| amount(&w, "wallet")).transpose()?;
                self.accounts.insert(id.clone());
                Step::Account(Account { id: AccountId::new(id), currency: cur, auto_recharge: auto }, wallet)
            }
            Line::User { id, roles, account } => {
                let mut set = Roles::NONE;
                for r in &roles {
                    set = set.with(
                        Role::parse(r)
                            .ok_or_else(|| invalid(format!("unknown role `{r}` (customer, agent or lead)")))?,
                    );
                }
                if roles.is_empty() {
                    set = Roles::CUSTOMER;
                }
                if let Some(a) = &account {
                    self.defined_account(a)?;
                }
                Step::User(User { id: UserId::new(id), roles: set, account: account.map(AccountId::new) })
            }
            Line::Charge(c) => Step::Charge(self.charge(c)?),
            Line::Subscription { id, account, charge, months, start } => {
                if !self.charges.contains(&charge) {
                    return Err(invalid(format!("charge `{charge}` is not defined before this line")));
                }
                self.defined_account(&account)?;
                if months == 0 || months > MAX_MONTHS {
                    return Err(invalid(format!("months must be from 1 to {MAX_MONTHS}")));
                }
                Step::Subscription(Subscription {
                    id: SubscriptionId::new(id),
                    account: AccountId::new(account),
                    charge: ChargeId::new(charge),
                    months,
                    start: time(&start, "start")?,
                })
            }
            event => event_step(event)?,
        })
    }

    fn defined_account(&self, account: &str) -> Result<(), FieldError> {
        if self.accounts.contains(account) {
            Ok(())
        } else {
            Err(invalid(format!("account `{account}` is not defined before this line")))
        }
    }

    fn charge(&mut self, c: ChargeLine) -> Result<Charge, FieldError> {
        self.defined_account(&c.account)?;
        if let Some(l4) = &c.card_last4 {
            if l4.len() != 4 || !l4.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid("card_last4 must be exactly 4 digits"));
            }
        }
        let amount_v = amount(&c.amount, "amount")?;
        let fee_v = c.fee.map(|f| amount(&f, "fee")).transpose()?.unwrap_or_default();
        if fee_v > amount_v {
            return Err(invalid("fee is larger than the amount"));
        }
        self.charges.insert(c.id.clone());
        let method = c.method;
        let kind = c.kind;
        Ok(Charge {
            id: ChargeId::new(c.id),
            account: AccountId::new(c.account),
            amount: amount_v,
            currency: currency(&c.currency)?,
            at: time(&c.at, "at")?,
            method: PaymentMethod::parse(&method)
                .ok_or_else(|| invalid(format!("unknown method `{method}` (card, wallet, paypal or bank)")))?,
            card_last4: c.card_last4,
            kind: ChargeKind::parse(&kind)
                .ok_or_else(|| invalid(format!("unknown kind `{kind}` (product, credits or subscription)")))?,
            description: c.description.unwrap_or_default(),
            fee: fee_v,
            wallet_selected: c.wallet_selected,
            disputed: c.disputed,
            provider: c.provider.unwrap_or_else(|| "sandbox".into()),
        })
    }
}

/// The step of an event line (a message, reaction, usage, tick or fault).
fn event_step(event: Line) -> Result<Step, FieldError> {
    Ok(match event {
        Line::Message { text, .. } if text.chars().count() > MAX_TEXT_CHARS => {
            return Err(invalid(format!("the message text is longer than {MAX_TEXT_CHARS} characters")));
        }
        Line::Message { at, user, text, channel } => Step::Event(
            Event::Message { actor: Actor::known(user), text, channel: channel.unwrap_or_else(|| "support".into()) },
            time(&at, "at")?,
        ),
        Line::React { at, user, emoji, on } => reaction(user, emoji, &on, &at, true)?,
        Line::Unreact { at, user, emoji, on } => reaction(user, emoji, &on, &at, false)?,
        Line::Usage { at, account, conversations } => {
            if conversations > 1_000_000 {
                return Err(invalid("at most 1,000,000 conversations per usage line"));
            }
            Step::Event(Event::Usage { account: AccountId::new(account), conversations }, time(&at, "at")?)
        }
        Line::Tick { at } => Step::Event(Event::Tick, time(&at, "at")?),
        Line::Fault { at, connector, next, count } => {
            if connector != "sandbox" {
                return Err(invalid(format!(
                    "faults can only be injected into the sandbox connector, not `{connector}`"
                )));
            }
            if count > MAX_FAULTS_PER_LINE {
                return Err(invalid(format!(
                    "count must be at most {MAX_FAULTS_PER_LINE} faults per line, not {count}"
                )));
            }
            let f = Fault::parse(&next)
                .ok_or_else(|| invalid(format!("unknown fault `{next}` (timeout, error or decline)")))?;
            Step::Fault(f, count, time(&at, "at")?)
        }
        Line::Account { .. } | Line::User { .. } | Line::Charge(_) | Line::Subscription { .. } => {
            return Err(invalid("a fixture line where an event was expected"))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8]) -> Result<Vec<Step>, LineError> {
        let mut reader = StepReader::new(bytes);
        let mut steps = Vec::new();
        while let Some(s) = reader.next_step()? {
            steps.push(s);
        }
        Ok(steps)
    }

    const ACCOUNT: &str = r#"{"type":"account","id":"a1","currency":"USD"}"#;
    const TICK: &str = r#"{"type":"tick","at":"2026-05-01T10:00:00Z"}"#;

    #[test]
    fn a_bad_field_names_its_line_and_keeps_its_cause() {
        let e = parse("{\"type\":\"tick\",\"at\":\"2026-01-01T00:00:00Z\"}\n{\"type\":\"tick\",\"at\":\"yesterday\"}")
            .unwrap_err();
        assert_eq!(e.to_string(), "line 2: at `yesterday` is not an RFC 3339 time");
        let field = std::error::Error::source(&e).expect("the field error is kept");
        assert!(field.source().is_some(), "and the time parser's error behind it");
        let e = parse("{\"type\":\"react\",\"at\":\"2026-01-01T00:00:00Z\",\"user\":\"kim\",\"emoji\":\"x\",\"on\":\"approval:nope\"}").unwrap_err();
        assert_eq!(e.to_string(), "line 1: `nope` is not a case number (they look like RF-000012)");
    }

    #[test]
    fn the_reader_reads_what_parse_reads() {
        let text = format!("{ACCOUNT}\r\n\n  \n{TICK}\n{TICK}");
        let streamed = read_all(text.as_bytes()).expect("valid");
        let whole = parse(&text).expect("valid");
        assert_eq!(format!("{streamed:?}"), format!("{whole:?}"));
        assert_eq!(streamed.len(), 3, "blank lines are skipped, CRLF and a last line without newline read");
    }

    #[test]
    fn errors_name_the_line_the_reader_stopped_at() {
        let bad_utf8 = [ACCOUNT.as_bytes(), b"\n\n", TICK.as_bytes(), b"\n\xff\xfe\n"].concat();
        assert_eq!(read_all(&bad_utf8).expect_err("invalid UTF-8").to_string(), "line 4: not valid UTF-8");
        let undefined = format!("{TICK}\n{}\n", r#"{"type":"user","id":"u","account":"nope"}"#);
        assert_eq!(read_all(undefined.as_bytes()).expect_err("undefined account").line, 2);
    }

    #[test]
    fn a_line_longer_than_the_limit_is_refused_without_reading_it_whole() {
        let long = vec![b'x'; usize::try_from(MAX_LINE_BYTES).expect("fits") + 10];
        let text = [TICK.as_bytes(), b"\n", &long, b"\n"].concat();
        let err = read_all(&text).expect_err("too long");
        assert_eq!(err.line, 2);
        assert!(err.message.contains("longer than"), "{err}");
    }

    #[test]
    fn fixtures_are_dated_at_the_first_event() {
        let text = format!(
            "{ACCOUNT}\n{}\n{TICK}\n",
            r#"{"type":"fault","at":"2026-04-01T09:00:00Z","connector":"sandbox","next":"error","count":1}"#
        );
        let mut reader = StepReader::new(text.as_bytes());
        while reader.next_step().expect("valid").is_some() {}
        assert_eq!(reader.first_event_at(), Some("2026-04-01T09:00:00Z".parse().expect("time")));
    }
}
