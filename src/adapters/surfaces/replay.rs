//! `paydesk replay`: a transcript (JSON Lines) in, the bot's actions out
//! (`transcript.md`). The chat platform is the file; the clock is the events'.

use crate::adapters::payments::sandbox::{Fault, Sandbox};
use crate::app::action::{Action, OutboxItem};
use crate::app::engine::{Actor, Engine, Event, ReactTarget};
use crate::app::outbox::pump;
use crate::app::ports::{ChatSink, Clock, User};
use crate::domain::billing::{Account, AutoRecharge, Charge, ChargeKind, PaymentMethod, Subscription};
use crate::domain::ids::{AccountId, BadCaseNumber, CaseNumber, ChargeId, SubscriptionId, UserId};
use crate::domain::money::{parse_amount, AmountError, Currency};
use crate::domain::roles::{Role, Roles};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{json, Value};
use std::io::Write;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;

/// The most faults one `fault` line may queue (each is one entry in memory).
pub const MAX_FAULTS_PER_LINE: u32 = 1000;
/// The longest subscription, in months (100 years).
pub const MAX_MONTHS: u32 = 1200;
/// The most credits an auto-recharge may buy at once.
pub const MAX_RECHARGE_CREDITS: u32 = 1_000_000;
/// The longest message text, in characters (Discord allows 4,000).
pub const MAX_TEXT_CHARS: usize = 20_000;

/// A malformed transcript line: its number and what is wrong.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct LineError {
    pub line: usize,
    pub message: String,
    /// What could not be read, when something more specific than the message says it.
    #[source]
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

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
    Charge {
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
    },
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
struct AutoRechargeLine {
    below: String,
    credits: u32,
}

/// A validated transcript step.
#[derive(Debug)]
pub enum Step {
    Account(Account, Option<Decimal>),
    User(User),
    Charge(Charge),
    Subscription(Subscription),
    Event(Event, DateTime<Utc>),
    Fault(Fault, u32, DateTime<Utc>),
}

/// A field of a transcript line that does not read as what it must be.
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
}

impl FieldError {
    /// The line error naming `line`, keeping this as its source.
    fn on_line(self, line: usize) -> LineError {
        LineError { line, message: self.to_string(), source: Some(Box::new(self)) }
    }
}

fn time(s: &str, what: &'static str) -> Result<DateTime<Utc>, FieldError> {
    DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)).map_err(|source| FieldError::Time { what, text: s.to_string(), source })
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

/// The transcript's bytes as text; invalid UTF-8 is a [`LineError`] naming its line.
pub fn decode(bytes: Vec<u8>) -> Result<String, LineError> {
    String::from_utf8(bytes).map_err(|e| {
        let line = e.as_bytes()[..e.utf8_error().valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
        LineError { line, message: "not valid UTF-8".into(), source: Some(Box::new(e)) }
    })
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

/// The whole file is checked before anything runs, so a bad line changes nothing.
pub fn parse(text: &str) -> Result<Vec<Step>, LineError> {
    let mut steps = Vec::new();
    let mut accounts = std::collections::HashSet::new();
    let mut charges = std::collections::HashSet::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let err = |message: String| LineError { line, message, source: None };
        let field = |e: FieldError| e.on_line(line);
        let mut value: Value = serde_json::from_str(raw).map_err(|e| err(format!("not a valid transcript line: {e}")))?;
        strip_nul(&mut value);
        let parsed: Line = serde_json::from_value(value).map_err(|e| err(format!("not a valid transcript line: {e}")))?;
        let step = match parsed {
            Line::Account { id, currency: c, wallet, auto_recharge } => {
                let cur = currency(&c).map_err(field)?;
                let auto = match auto_recharge {
                    Some(a) if a.credits > MAX_RECHARGE_CREDITS => {
                        return Err(err(format!("auto_recharge.credits must be at most {MAX_RECHARGE_CREDITS}")));
                    }
                    Some(a) => Some(AutoRecharge { below: amount(&a.below, "auto_recharge.below").map_err(field)?, credits: a.credits }),
                    None => None,
                };
                let wallet = wallet.map(|w| amount(&w, "wallet")).transpose().map_err(field)?;
                accounts.insert(id.clone());
                Step::Account(Account { id: AccountId::new(id), currency: cur, auto_recharge: auto }, wallet)
            }
            Line::User { id, roles, account } => {
                let mut set = Roles::NONE;
                for r in &roles {
                    set = set.with(Role::parse(r).ok_or_else(|| err(format!("unknown role `{r}` (customer, agent or lead)")))?);
                }
                if roles.is_empty() {
                    set = Roles::CUSTOMER;
                }
                if let Some(a) = &account {
                    if !accounts.contains(a) {
                        return Err(err(format!("account `{a}` is not defined before this line")));
                    }
                }
                Step::User(User { id: UserId::new(id), roles: set, account: account.map(AccountId::new) })
            }
            Line::Charge {
                id,
                account,
                amount: a,
                currency: c,
                at,
                method,
                card_last4,
                kind,
                description,
                fee,
                wallet_selected,
                disputed,
                provider,
            } => {
                if !accounts.contains(&account) {
                    return Err(err(format!("account `{account}` is not defined before this line")));
                }
                if let Some(l4) = &card_last4 {
                    if l4.len() != 4 || !l4.bytes().all(|b| b.is_ascii_digit()) {
                        return Err(err("card_last4 must be exactly 4 digits".into()));
                    }
                }
                let amount_v = amount(&a, "amount").map_err(field)?;
                let fee_v = fee.map(|f| amount(&f, "fee")).transpose().map_err(field)?.unwrap_or_default();
                if fee_v > amount_v {
                    return Err(err("fee is larger than the amount".into()));
                }
                charges.insert(id.clone());
                Step::Charge(Charge {
                    id: ChargeId::new(id),
                    account: AccountId::new(account),
                    amount: amount_v,
                    currency: currency(&c).map_err(field)?,
                    at: time(&at, "at").map_err(field)?,
                    method: PaymentMethod::parse(&method).ok_or_else(|| err(format!("unknown method `{method}` (card, wallet, paypal or bank)")))?,
                    card_last4,
                    kind: ChargeKind::parse(&kind).ok_or_else(|| err(format!("unknown kind `{kind}` (product, credits or subscription)")))?,
                    description: description.unwrap_or_default(),
                    fee: fee_v,
                    wallet_selected,
                    disputed,
                    provider: provider.unwrap_or_else(|| "sandbox".into()),
                })
            }
            Line::Subscription { id, account, charge, months, start } => {
                if !charges.contains(&charge) {
                    return Err(err(format!("charge `{charge}` is not defined before this line")));
                }
                if !accounts.contains(&account) {
                    return Err(err(format!("account `{account}` is not defined before this line")));
                }
                if months == 0 || months > MAX_MONTHS {
                    return Err(err(format!("months must be from 1 to {MAX_MONTHS}")));
                }
                Step::Subscription(Subscription {
                    id: SubscriptionId::new(id),
                    account: AccountId::new(account),
                    charge: ChargeId::new(charge),
                    months,
                    start: time(&start, "start").map_err(field)?,
                })
            }
            Line::Message { text, .. } if text.chars().count() > MAX_TEXT_CHARS => {
                return Err(err(format!("the message text is longer than {MAX_TEXT_CHARS} characters")));
            }
            Line::Message { at, user, text, channel } => Step::Event(
                Event::Message { actor: Actor::known(user), text, channel: channel.unwrap_or_else(|| "support".into()) },
                time(&at, "at").map_err(field)?,
            ),
            Line::React { at, user, emoji, on } => reaction(user, emoji, &on, &at, true).map_err(field)?,
            Line::Unreact { at, user, emoji, on } => reaction(user, emoji, &on, &at, false).map_err(field)?,
            Line::Usage { at, account, conversations } => {
                if conversations > 1_000_000 {
                    return Err(err("at most 1,000,000 conversations per usage line".into()));
                }
                Step::Event(Event::Usage { account: AccountId::new(account), conversations }, time(&at, "at").map_err(field)?)
            }
            Line::Tick { at } => Step::Event(Event::Tick, time(&at, "at").map_err(field)?),
            Line::Fault { at, connector, next, count } => {
                if connector != "sandbox" {
                    return Err(err(format!("faults can only be injected into the sandbox connector, not `{connector}`")));
                }
                if count > MAX_FAULTS_PER_LINE {
                    return Err(err(format!("count must be at most {MAX_FAULTS_PER_LINE} faults per line, not {count}")));
                }
                let f = Fault::parse(&next).ok_or_else(|| err(format!("unknown fault `{next}` (timeout, error or decline)")))?;
                Step::Fault(f, count, time(&at, "at").map_err(field)?)
            }
        };
        steps.push(step);
    }
    Ok(steps)
}

/// The events' clock.
#[derive(Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn set(&self, t: DateTime<Utc>) {
        self.0.store(t.timestamp_micros(), Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_micros(self.0.load(Ordering::SeqCst)).unwrap_or_default()
    }
}

/// Writes each action as one JSON line.
pub struct JsonLines<W: Write + Send>(pub Mutex<W>);

#[async_trait]
impl<W: Write + Send> ChatSink for JsonLines<W> {
    async fn deliver(&self, item: &OutboxItem) -> anyhow::Result<()> {
        let mut w = self.0.lock().unwrap_or_else(|p| p.into_inner());
        serde_json::to_writer(&mut *w, &item.action)?;
        w.write_all(b"\n")?;
        Ok(())
    }
}

/// Runs the steps through the engine, writing actions to `sink` as they happen.
pub async fn run(steps: Vec<Step>, engine: &Engine, sandbox: &Sandbox, clock: &ManualClock, sink: &dyn ChatSink) -> anyhow::Result<()> {
    let store = engine.store().clone();
    // Fixtures are dated at the first event (or the first charge) of the transcript.
    let start = steps
        .iter()
        .find_map(|s| match s {
            Step::Event(_, at) | Step::Fault(_, _, at) => Some(*at),
            _ => None,
        })
        .unwrap_or_default();
    clock.set(start);
    for step in steps {
        match step {
            Step::Account(a, wallet) => engine.seed_account(&a, wallet, start).await?,
            Step::User(u) => engine.seed_user(&u, start).await?,
            Step::Charge(c) => engine.seed_charge(&c, start).await?,
            Step::Subscription(s) => engine.seed_subscription(&s, start).await?,
            Step::Fault(f, count, at) => {
                clock.set(at);
                engine.run_timers(at).await?;
                sandbox.inject(f, count);
            }
            Step::Event(e, at) => {
                clock.set(at);
                engine.handle(e, at, None).await?;
            }
        }
        pump(store.as_ref(), sink, clock.now()).await?;
    }
    Ok(())
}

/// The closing `state` line: the store's view, and what the sandbox itself paid.
pub async fn state_line(engine: &Engine, sandbox: &Sandbox) -> anyhow::Result<Value> {
    let s = engine.store().snapshot().await?;
    let tickets: Vec<Value> = s
        .cases
        .iter()
        .map(|c| json!({"case": c.number.to_string(), "status": c.status.as_str(), "intent": c.intent.as_str(), "account": c.account.as_ref().map(|a| a.to_string()), "charge": c.charge.as_ref().map(|a| a.to_string())}))
        .collect();
    let refunds: Vec<Value> = s
        .refunds
        .iter()
        .map(|r| {
            json!({"case": r.case.to_string(), "charge": r.charge.to_string(), "amount": r.currency.format(r.amount), "currency": r.currency.code(),
                   "status": r.status.as_str(), "approved_by": r.approved_by.iter().map(|u| u.to_string()).collect::<Vec<_>>(),
                   "rule": r.rule, "provider_ref": r.provider_ref})
        })
        .collect();
    let wallets: Vec<Value> = s
        .wallets
        .iter()
        .map(|w| json!({"account": w.account.to_string(), "currency": w.currency.code(), "balance": w.currency.format(w.balance)}))
        .collect();
    let notes: Vec<Value> = s
        .credit_notes
        .iter()
        .map(|n| json!({"charge": n.charge.to_string(), "amount": n.currency.format(n.amount), "currency": n.currency.code()}))
        .collect();
    let paid: Vec<Value> = sandbox
        .books()
        .all()
        .await?
        .iter()
        .map(|r| json!({"charge": r.charge.to_string(), "amount": r.currency.format(r.amount), "currency": r.currency.code(), "idempotency_key": r.idempotency_key, "provider_ref": r.provider_ref}))
        .collect();
    Ok(json!({"type": "state", "tickets": tickets, "refunds": refunds, "wallets": wallets, "credit_notes": notes, "provider_refunds": paid}))
}

/// The text of an action for people (the console's default view).
pub fn human(action: &Action) -> String {
    match action {
        Action::Say { message_ref, channel, to, case, text } => {
            let to = to.as_ref().map(|t| format!(" → {t}")).unwrap_or_default();
            let case = case.as_ref().map(|c| format!(" [{c}]")).unwrap_or_default();
            let r = message_ref.as_ref().map(|r| format!("{r} ")).unwrap_or_default();
            format!("{r}#{channel}{to}{case}: {text}")
        }
        Action::ApprovalRequest {
            message_ref,
            channel,
            case,
            charge,
            amount,
            currency,
            rule,
            leads_needed,
            requested_by,
            card_last4,
            expires_at,
            is_override,
            ..
        } => {
            let r = message_ref.as_deref().unwrap_or("?");
            let card = card_last4.as_ref().map(|l| format!(", card ending {l}")).unwrap_or_default();
            let kind = if *is_override { "OVERRIDE " } else { "" };
            format!(
                "{r} #{channel}: {kind}APPROVAL REQUEST {case}: refund {amount} {currency} on {charge}{card} — {rule}, asked by {requested_by}, needs {leads_needed} lead(s), expires {expires_at}\n     react with /react {r} ✅ (or ❌)"
            )
        }
        Action::Ticket { case, status, .. } => format!("   · {case} is now {status}"),
        Action::Refund { case, amount, currency, status, provider_ref, .. } => {
            let pref = provider_ref.as_ref().map(|p| format!(" ({p})")).unwrap_or_default();
            format!("   · refund {amount} {currency} for {case}: {status}{pref}")
        }
        Action::Wallet { account, balance, currency, reason } => format!("   · wallet {account}: {balance} {currency} ({reason})"),
        Action::Denied { user, reason, .. } => format!("   ✗ denied {user}: {reason}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_field_names_its_line_and_keeps_its_cause() {
        let e = parse("{\"type\":\"tick\",\"at\":\"2026-01-01T00:00:00Z\"}\n{\"type\":\"tick\",\"at\":\"yesterday\"}").unwrap_err();
        assert_eq!(e.to_string(), "line 2: at `yesterday` is not an RFC 3339 time");
        let field = std::error::Error::source(&e).expect("the field error is kept");
        assert!(field.source().is_some(), "and the time parser's error behind it");
        let e = parse("{\"type\":\"react\",\"at\":\"2026-01-01T00:00:00Z\",\"user\":\"kim\",\"emoji\":\"x\",\"on\":\"approval:nope\"}").unwrap_err();
        assert_eq!(e.to_string(), "line 1: `nope` is not a case number (they look like RF-000012)");
    }
}
