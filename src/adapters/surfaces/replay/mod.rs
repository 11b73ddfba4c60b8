//! `paydesk replay`: a transcript (JSON Lines) in, the bot's actions out
//! (`transcript.md`). The chat platform is the file; the clock is the events'.

mod parse;
mod state;

pub use parse::{parse, Parser, StepReader, MAX_LINE_BYTES};
pub use state::{state_line, write_state_line};

use crate::adapters::payments::sandbox::{Fault, Sandbox};
use crate::app::action::{Action, OutboxItem};
use crate::app::engine::{Engine, Event};
use crate::app::outbox::pump;
use crate::app::ports::{ChatSink, Clock, User};
use crate::domain::billing::{Account, Charge, Subscription};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use std::io::Write;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
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

/// When a transcript's fixtures are dated: at its first event (or fault); the epoch
/// when it has none.
pub fn fixtures_at(steps: &[Step]) -> DateTime<Utc> {
    steps
        .iter()
        .find_map(|s| match s {
            Step::Event(_, at) | Step::Fault(_, _, at) => Some(*at),
            _ => None,
        })
        .unwrap_or_default()
}

/// Runs the steps through the engine, writing actions to `sink` as they happen.
pub async fn run(
    steps: Vec<Step>,
    engine: &Engine,
    sandbox: &Sandbox,
    clock: &ManualClock,
    sink: &dyn ChatSink,
) -> anyhow::Result<()> {
    let start = fixtures_at(&steps);
    clock.set(start);
    let replayer = Replayer::new(engine, sandbox, clock, sink, start);
    for step in steps {
        replayer.step(step).await?;
    }
    replayer.finish().await
}

/// Events whose actions may wait to be delivered together: their commits then share one
/// disk sync, taken before the delivery (with the store's deferred durability, which
/// `paydesk replay` turns on; elsewhere each commit was durable already).
pub const DELIVER_EVERY: usize = 64;

/// Runs steps one at a time (a transcript streamed from a file): fixtures are dated at
/// `start`, the first event's time, which the caller learned by checking the file first.
///
/// Actions are delivered after every [`DELIVER_EVERY`] events and at [`Replayer::finish`]
/// (or when a step fails), in the order they were written: the output is the same as
/// delivering after each event, and every event is durable before its actions are out.
pub struct Replayer<'a> {
    pub engine: &'a Engine,
    pub sandbox: &'a Sandbox,
    pub clock: &'a ManualClock,
    pub sink: &'a dyn ChatSink,
    pub start: DateTime<Utc>,
    /// Events run since the last delivery.
    undelivered: AtomicUsize,
}

impl<'a> Replayer<'a> {
    pub fn new(
        engine: &'a Engine,
        sandbox: &'a Sandbox,
        clock: &'a ManualClock,
        sink: &'a dyn ChatSink,
        start: DateTime<Utc>,
    ) -> Replayer<'a> {
        Replayer { engine, sandbox, clock, sink, start, undelivered: AtomicUsize::new(0) }
    }

    /// One step through the engine; its actions are delivered to the sink now or with
    /// the next batch (see [`Replayer`]).
    pub async fn step(&self, step: Step) -> anyhow::Result<()> {
        let event = matches!(step, Step::Event(..) | Step::Fault(..));
        if let Err(e) = self.run(step).await {
            // What the earlier events said still goes out; then the error.
            let _ = self.deliver().await;
            return Err(e);
        }
        if event && self.undelivered.fetch_add(1, Ordering::Relaxed) + 1 >= DELIVER_EVERY {
            self.deliver().await?;
        }
        Ok(())
    }

    async fn run(&self, step: Step) -> anyhow::Result<()> {
        let (engine, start) = (self.engine, self.start);
        match step {
            Step::Account(a, wallet) => engine.seed_account(&a, wallet, start).await?,
            Step::User(u) => engine.seed_user(&u, start).await?,
            Step::Charge(c) => engine.seed_charge(&c, start).await?,
            Step::Subscription(s) => engine.seed_subscription(&s, start).await?,
            Step::Fault(f, count, at) => {
                self.clock.set(at);
                engine.run_timers(at).await?;
                self.sandbox.inject(f, count);
            }
            Step::Event(e, at) => {
                self.clock.set(at);
                engine.handle(e, at, None).await?;
            }
        }
        Ok(())
    }

    /// Delivers every pending action (`pump` first waits until their commits are durable),
    /// and makes every commit so far durable.
    async fn deliver(&self) -> anyhow::Result<()> {
        self.undelivered.store(0, Ordering::Relaxed);
        pump(self.engine.store().as_ref(), self.sink, self.clock.now()).await?;
        // Also when nothing was pending (events that say nothing): a batch never grows
        // past DELIVER_EVERY events.
        Ok(self.engine.store().durable().await?)
    }

    /// After the last step: the actions not yet delivered, then the last delivery marks
    /// (they otherwise wait for the next event's transaction), then the wait until all of
    /// it is durable (the caller's final state line is read after this).
    pub async fn finish(&self) -> anyhow::Result<()> {
        self.deliver().await?;
        let store = self.engine.store();
        store.flush().await?;
        Ok(store.durable().await?)
    }
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
        Action::Wallet { account, balance, currency, reason } => {
            format!("   · wallet {account}: {balance} {currency} ({reason})")
        }
        Action::Denied { user, reason, .. } => format!("   ✗ denied {user}: {reason}"),
    }
}
