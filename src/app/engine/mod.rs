//! The engine: every chat surface (Discord, console, replay) feeds events here.
//!
//! Each event is one store transaction: the decision, its outbox messages and its audit
//! records commit together or not at all. Approved refunds are paid after the commit by
//! the refund runner (`runner.rs`), which leases each one so it is worked on once.

mod approvals;
mod customer;
mod durable_first;
mod provider;
mod purchase;
mod runner;
mod staff;
mod wallet;
mod work;

use super::ports::{PaymentConnector, Store, StoreError, User};
use crate::domain::audit::AuditAction;
use crate::domain::billing::{Account, Charge, EntryKind, Subscription, WalletEntry};
use crate::domain::ids::{AccountId, CaseNumber, UserId};
use crate::domain::money::Currency;
use crate::domain::policy::Policy;
use crate::domain::roles::Roles;
use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::sync::Arc;
use work::Work;

pub use durable_first::DurableFirst;
pub use provider::{Imported, RefundUpdate, WebhookOutcome};
pub use purchase::{PurchaseUpdate, WalletSettings};
pub use runner::RunReport;

/// Settings the engine needs besides the policy.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub policy: Policy,
    pub approve_emojis: Vec<String>,
    pub reject_emojis: Vec<String>,
    /// For ambiguous currency symbols in chat ("$").
    pub default_currency: Currency,
    /// Where approval requests are posted.
    pub approvals_channel: String,
    /// This process's name in work leases.
    pub worker: String,
    /// How long a claimed refund stays leased to this worker.
    pub lease: Duration,
    /// A refund the provider keeps pending this long is escalated to the leads (once).
    pub pending_escalation: Duration,
    /// `[wallet]`: where `/wallet buy` takes payment.
    pub wallet: WalletSettings,
    /// The hour (UTC) at which a summary of the last 24 hours is posted to the approvals
    /// channel each day; `None`: off.
    pub daily_summary_hour: Option<u32>,
    /// How long a question back waits for the customer's answer (`[bot]
    /// question_expiry_hours`, default 24); a later "2" is read as a new message.
    pub question_expiry: Duration,
    /// The anti-spam limit: a customer with no open case who opened this many cases in
    /// the last hour is asked to wait before opening another (0: no limit; `paydesk run`
    /// takes `[discord] max_cases_per_user_per_hour`).
    pub max_new_cases_per_hour: u32,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            policy: Policy::default(),
            approve_emojis: vec!["✅".into()],
            reject_emojis: vec!["❌".into()],
            default_currency: Currency::USD,
            approvals_channel: "approvals".into(),
            worker: format!("paydesk-{}", std::process::id()),
            lease: Duration::minutes(5),
            pending_escalation: Duration::hours(24),
            wallet: WalletSettings::default(),
            daily_summary_hour: None,
            question_expiry: Duration::hours(24),
            max_new_cases_per_hour: 0,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type EngineResult<T> = Result<T, EngineError>;

/// How many times one unit of work is tried when the store reports conflicts.
pub const CONFLICT_ATTEMPTS: u32 = 5;

/// The wait before try `attempt + 1`: 20 ms doubling, times a random factor in [0.5, 1.5).
fn conflict_backoff(attempt: u32) -> std::time::Duration {
    use std::hash::{BuildHasher, Hasher};
    // RandomState is seeded randomly per instance: enough jitter, no extra dependency.
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(attempt);
    let frac = 500 + h.finish() % 1000;
    let base = 20u64 << attempt.saturating_sub(1).min(6);
    std::time::Duration::from_millis(base * frac / 1000)
}

/// Who did something. `roles: None` means "as the store knows them" (console, replay);
/// Discord passes the member's roles read on every event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: UserId,
    pub roles: Option<Roles>,
}

impl Actor {
    pub fn known(id: impl Into<String>) -> Actor {
        Actor { id: UserId::new(id.into()), roles: None }
    }
}

/// What a reaction was put on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReactTarget {
    /// A bot message's ref (`m4`).
    Message(String),
    /// The newest approval request of a case.
    ApprovalOf(CaseNumber),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Message {
        actor: Actor,
        text: String,
        channel: String,
    },
    Reaction {
        actor: Actor,
        emoji: String,
        target: ReactTarget,
        added: bool,
    },
    /// A reaction as the chat platform has it now (`present`), observed at `seen`
    /// (microseconds since the epoch): observations of one voter apply newest first,
    /// whatever order they are handled in (Discord: read back under the message's lock).
    ReactionSeen {
        actor: Actor,
        emoji: String,
        target: ReactTarget,
        present: bool,
        seen: i64,
    },
    Usage {
        account: AccountId,
        conversations: u64,
    },
    /// The chat platform says a member's roles changed (or they left): stored at once,
    /// so that an approval given before a demotion no longer counts at quorum.
    Roles {
        actor: Actor,
    },
    Tick,
}

/// Text without NUL characters. NUL is never meaningful in chat; PostgreSQL cannot store
/// it in TEXT while SQLite can, so it is removed where text enters the engine and both
/// backends keep the same thing.
pub(crate) fn no_nul(s: &str) -> String {
    s.replace('\0', "")
}

impl Event {
    /// The event with NUL removed from every text in it (see `no_nul`).
    pub fn without_nul(self) -> Event {
        let actor = |a: Actor| Actor { id: UserId::new(no_nul(a.id.as_str())), roles: a.roles };
        match self {
            Event::Message { actor: a, text, channel } => {
                Event::Message { actor: actor(a), text: no_nul(&text), channel: no_nul(&channel) }
            }
            Event::Reaction { actor: a, emoji, target, added } => Event::Reaction {
                actor: actor(a),
                emoji: no_nul(&emoji),
                target: match target {
                    ReactTarget::Message(r) => ReactTarget::Message(no_nul(&r)),
                    t => t,
                },
                added,
            },
            Event::ReactionSeen { actor: a, emoji, target, present, seen } => Event::ReactionSeen {
                actor: actor(a),
                emoji: no_nul(&emoji),
                target: match target {
                    ReactTarget::Message(r) => ReactTarget::Message(no_nul(&r)),
                    t => t,
                },
                present,
                seen,
            },
            Event::Usage { account, conversations } => {
                Event::Usage { account: AccountId::new(no_nul(account.as_str())), conversations }
            }
            Event::Roles { actor: a } => Event::Roles { actor: actor(a) },
            Event::Tick => Event::Tick,
        }
    }
}

/// The payment connectors by name (`sandbox`, `stripe`, …).
#[derive(Clone, Default)]
pub struct Connectors(HashMap<String, Arc<dyn PaymentConnector>>);

impl Connectors {
    pub fn with(mut self, c: Arc<dyn PaymentConnector>) -> Self {
        self.0.insert(c.name().to_string(), c);
        self
    }
    pub fn get(&self, name: &str) -> Option<&Arc<dyn PaymentConnector>> {
        self.0.get(name)
    }
    /// Each connector behind [`durable_first::DurableFirst`]: its calls wait for the
    /// store's commits to be durable.
    fn durable_first(self, store: &Arc<dyn Store>) -> Connectors {
        let wrap = |c: Arc<dyn PaymentConnector>| -> Arc<dyn PaymentConnector> {
            Arc::new(durable_first::DurableFirst::new(c, store.clone()))
        };
        Connectors(self.0.into_iter().map(|(name, c)| (name, wrap(c))).collect())
    }
}

pub struct Engine {
    store: Arc<dyn Store>,
    connectors: Connectors,
    cfg: EngineConfig,
    /// The last day this process saw the daily summary posted (by it or another
    /// instance), so that the store is asked at most once a day.
    summary_day: std::sync::Mutex<Option<chrono::NaiveDate>>,
    /// When no timer can be due, as last read from the store (see [`TimerHint`]).
    timer_hint: std::sync::Mutex<Option<TimerHint>>,
    /// Full timer passes run (their queries), for benchmarks and tests.
    timer_passes: std::sync::atomic::AtomicU64,
}

/// "No timer is due before `quiet_until`", read from the store when its count of refund
/// changes was `writes`. It stays true while that count is unchanged: only a change to a
/// refund row (insert, update, lease) can create or advance a due time, and every such
/// change in this process moves the count. Changes by other processes are not counted:
/// they are found by the periodic full pass ([`Engine::run_timers`], every second in
/// `paydesk run`), which never uses the hint.
#[derive(Debug, Clone, Copy)]
struct TimerHint {
    writes: u64,
    /// `None`: nothing is waiting at all.
    quiet_until: Option<DateTime<Utc>>,
}

impl Engine {
    pub fn new(store: Arc<dyn Store>, connectors: Connectors, cfg: EngineConfig) -> Engine {
        Engine {
            // Every provider call is preceded by the store's durability wait (payment
            // after its claim is on disk, whatever the store's commit mode).
            connectors: connectors.durable_first(&store),
            store,
            cfg,
            summary_day: std::sync::Mutex::new(None),
            timer_hint: std::sync::Mutex::new(None),
            timer_passes: Default::default(),
        }
    }

    /// Posts the summary of the last 24 hours to the approvals channel once a day, at
    /// `daily_summary_hour` (UTC) or at the first event after it. Once across instances:
    /// the day's key is recorded in the same transaction as the post.
    async fn daily_summary(&self, now: DateTime<Utc>) -> EngineResult<()> {
        use chrono::Timelike;
        let Some(hour) = self.cfg.daily_summary_hour else { return Ok(()) };
        let today = now.date_naive();
        if now.hour() < hour || self.summary_day.lock().map(|d| *d == Some(today)).unwrap_or(false) {
            return Ok(());
        }
        let text = crate::app::report::daily_summary(self.store.as_ref(), now).await?;
        let key = format!("daily-summary:{today}");
        self.retrying(|| {
            let (key, text) = (key.clone(), text.clone());
            async move {
                let mut w = self.work(now).await?;
                if w.tx.first_delivery(&key).await? {
                    let approvals = self.cfg.approvals_channel.clone();
                    w.say(
                        &approvals,
                        None,
                        None,
                        format!("Daily summary for the 24 hours up to {}:\n{text}", now.format("%Y-%m-%d %H:%M UTC")),
                    )
                    .await?;
                }
                w.commit().await
            }
        })
        .await?;
        if let Ok(mut d) = self.summary_day.lock() {
            *d = Some(today);
        }
        Ok(())
    }

    /// How many full timer passes (store queries for due work) this engine has run.
    pub fn timer_passes(&self) -> u64 {
        self.timer_passes.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Runs the timers unless the hint proves nothing can be due by `now`.
    async fn run_timers_if_due(&self, now: DateTime<Utc>) -> EngineResult<()> {
        let hint = *self.timer_hint.lock().unwrap_or_else(|p| p.into_inner());
        if let (Some(h), Some(writes)) = (hint, self.store.refund_writes()) {
            if h.writes == writes && h.quiet_until.is_none_or(|q| now < q) {
                // No refund timer can be due. Purchases through a hosted page (started
                // after their event commits, expired by time) and the daily summary keep
                // their own clocks, so they are looked at anyway.
                if self.cfg.wallet.provider != "sandbox" {
                    self.run_purchases(now).await?;
                }
                return self.daily_summary(now).await;
            }
        }
        self.run_timers(now).await.map(|_| ())
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn config(&self) -> &EngineConfig {
        &self.cfg
    }

    /// `paydesk queue`: what `/queue` shows staff, read in one unit of work.
    pub async fn queue(&self, now: DateTime<Utc>) -> EngineResult<String> {
        let mut w = self.work(now).await?;
        let words = w.queue_words().await?;
        w.commit().await?;
        Ok(words)
    }

    async fn work(&self, now: DateTime<Utc>) -> EngineResult<Work<'_>> {
        Ok(Work::new(self.store.begin().await?, now, self))
    }

    /// Handles one event at `at`: timers due by then fire first, then the event in one
    /// transaction, then any refund it approved is paid. `dedupe` is the platform's event
    /// id: a redelivered event changes nothing.
    /// A transaction the database rolls back for a conflict with another process
    /// (deadlock, serialization failure) is run again, whole, a few times.
    /// Timers are run only when something can be due (see `TimerHint`).
    pub async fn handle(&self, event: Event, at: DateTime<Utc>, dedupe: Option<&str>) -> EngineResult<()> {
        self.run_timers_if_due(at).await?;
        let event = event.without_nul();
        match self.retrying(|| self.handle_once(event.clone(), at, dedupe)).await {
            // A write the store refused (a value out of its range): nothing of the event
            // was written; the speaker is told why, the refusal is audited.
            Err(EngineError::Store(StoreError::Refused(why))) => {
                self.retrying(|| self.refused(&event, at, dedupe, &why)).await?
            }
            other => other?,
        }
        self.run_timers_if_due(at).await?;
        Ok(())
    }

    async fn refused(&self, event: &Event, at: DateTime<Utc>, dedupe: Option<&str>, why: &str) -> EngineResult<()> {
        tracing::warn!(reason = why, "event refused by the store");
        let mut w = self.work(at).await?;
        if let Some(key) = dedupe {
            if !w.tx.first_delivery(key).await? {
                return w.commit().await;
            }
        }
        let (actor, channel) = match event {
            Event::Message { actor, channel, .. } => (Some(&actor.id), channel.clone()),
            Event::Reaction { actor, .. } | Event::ReactionSeen { actor, .. } => {
                (Some(&actor.id), self.cfg.approvals_channel.clone())
            }
            Event::Usage { .. } | Event::Roles { .. } | Event::Tick => (None, String::new()),
        };
        if let Some(to) = actor {
            let told = crate::app::l10n::store_refused(why);
            // Staff (and anyone the store does not know) read English; customers their language.
            let text = match w.tx.user(to).await? {
                Some(user) => w.words_for(&user, &told).await?,
                None => told.english(),
            };
            w.say(&channel, Some(to), None, text).await?;
        }
        w.audit(actor.map(|a| a.as_str()).unwrap_or("system"), None, AuditAction::EventRefused, why, None).await?;
        w.commit().await
    }

    /// Runs `unit` — one whole store transaction, with everything it decides — and runs
    /// it again when the store reports a conflict (`StoreError::Conflict`: nothing of it
    /// was written), at most `CONFLICT_ATTEMPTS` times, with a short jittered backoff so
    /// that the colliding processes do not meet again. Any other error ends at once.
    pub(crate) async fn retrying<T, F, Fut>(&self, mut unit: F) -> EngineResult<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = EngineResult<T>>,
    {
        let mut attempt = 1;
        loop {
            match unit().await {
                Err(EngineError::Store(e)) if e.is_conflict() && attempt < CONFLICT_ATTEMPTS => {
                    let wait = conflict_backoff(attempt);
                    tracing::warn!(attempt, wait_ms = wait.as_millis() as u64, error = %e, "transaction conflict: running it again");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn handle_once(&self, event: Event, at: DateTime<Utc>, dedupe: Option<&str>) -> EngineResult<()> {
        let mut w = self.work(at).await?;
        if let Some(key) = dedupe {
            if !w.tx.first_delivery(key).await? {
                w.commit().await?;
                return Ok(());
            }
        }
        match event {
            Event::Message { actor, text, channel } => w.message(&actor, &text, &channel).await?,
            Event::Reaction { actor, emoji, target, added } => w.reaction(&actor, &emoji, &target, added).await?,
            Event::ReactionSeen { actor, emoji, target, present, seen } => {
                w.reaction_seen(&actor, &emoji, &target, present, Some(seen)).await?
            }
            Event::Usage { account, conversations } => w.usage(&account, conversations).await?,
            Event::Roles { actor } => w.roles_changed(&actor).await?,
            Event::Tick => {}
        }
        w.commit().await
    }

    /// Fires what is due by `now`: expired approval requests, and refunds to pay or retry.
    /// Always queries the store (the periodic pass); it also refreshes the hint that lets
    /// [`Engine::handle`] skip these queries.
    pub async fn run_timers(&self, now: DateTime<Utc>) -> EngineResult<RunReport> {
        self.timer_passes.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut report = RunReport::default();
        for id in self.store.expired_requests(now).await? {
            let expired = self
                .retrying(|| async move {
                    let mut w = self.work(now).await?;
                    let expired = w.expire(id).await?;
                    w.commit().await?;
                    Ok(expired)
                })
                .await?;
            if expired {
                report.expired += 1;
            }
        }
        self.run_refunds(now, &mut report).await?;
        self.run_purchases(now).await?;
        self.daily_summary(now).await?;
        // The count is read before the due times: a refund change committed after this
        // read moves the count (the hint is then ignored); one committed before it is
        // seen by the query below.
        if let Some(writes) = self.store.refund_writes() {
            let quiet_until = self.store.next_timer_at().await?;
            *self.timer_hint.lock().unwrap_or_else(|p| p.into_inner()) = Some(TimerHint { writes, quiet_until });
        }
        Ok(report)
    }

    // ---- fixtures: the billing data the bot starts from (replay, demo, import) ----

    pub async fn seed_account(
        &self,
        account: &Account,
        wallet: Option<Decimal>,
        at: DateTime<Utc>,
    ) -> EngineResult<()> {
        self.retrying(|| self.seed_account_once(account, wallet, at)).await
    }

    async fn seed_account_once(
        &self,
        account: &Account,
        wallet: Option<Decimal>,
        at: DateTime<Utc>,
    ) -> EngineResult<()> {
        let mut w = self.work(at).await?;
        w.tx.put_account(account).await?;
        if let Some(amount) = wallet.filter(|a| !a.is_zero()) {
            w.tx.add_wallet_entry(&WalletEntry {
                account: account.id.clone(),
                currency: account.currency,
                amount,
                kind: EntryKind::Opening,
                actor: "system".into(),
                reason: "opening balance".into(),
                at,
            })
            .await?;
        }
        w.commit().await
    }

    pub async fn seed_user(&self, user: &User, at: DateTime<Utc>) -> EngineResult<()> {
        self.retrying(|| async move {
            let mut w = self.work(at).await?;
            w.tx.put_user(user).await?;
            w.commit().await
        })
        .await
    }

    pub async fn seed_charge(&self, charge: &Charge, at: DateTime<Utc>) -> EngineResult<()> {
        self.retrying(|| async move {
            let mut w = self.work(at).await?;
            w.tx.put_charge(charge).await?;
            w.commit().await
        })
        .await
    }

    pub async fn seed_subscription(&self, sub: &Subscription, at: DateTime<Utc>) -> EngineResult<()> {
        self.retrying(|| async move {
            let mut w = self.work(at).await?;
            w.tx.put_subscription(sub).await?;
            w.commit().await
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflict_backoff_doubles_with_jitter() {
        for attempt in 1..CONFLICT_ATTEMPTS {
            let base = 20u64 << (attempt - 1);
            for _ in 0..50 {
                let ms = conflict_backoff(attempt).as_millis() as u64;
                assert!(ms >= base / 2 && ms < base * 3 / 2, "attempt {attempt}: {ms} ms");
            }
        }
        let waits: std::collections::HashSet<_> = (0..50).map(|_| conflict_backoff(3)).collect();
        assert!(waits.len() > 1, "jittered");
    }

    #[test]
    fn nul_is_removed_from_every_text_of_an_event() {
        let e = Event::Message { actor: Actor::known("an\0a"), text: "hi\0 there".into(), channel: "sup\0port".into() };
        assert_eq!(
            e.without_nul(),
            Event::Message { actor: Actor::known("ana"), text: "hi there".into(), channel: "support".into() }
        );
        let r = Event::Reaction {
            actor: Actor::known("kim"),
            emoji: "✅\0".into(),
            target: ReactTarget::Message("m\0\u{34}".into()),
            added: true,
        };
        assert_eq!(
            r.without_nul(),
            Event::Reaction {
                actor: Actor::known("kim"),
                emoji: "✅".into(),
                target: ReactTarget::Message("m4".into()),
                added: true
            }
        );
        let u = Event::Usage { account: AccountId::new("acct\0-1"), conversations: 3 };
        assert_eq!(u.without_nul(), Event::Usage { account: AccountId::new("acct-1"), conversations: 3 });
    }
}
