//! The engine: every chat surface (Discord, console, replay) feeds events here.
//!
//! Each event is one store transaction: the decision, its outbox messages and its audit
//! records commit together or not at all. Approved refunds are paid after the commit by
//! the refund runner (`runner.rs`), which leases each one so it is worked on once.

mod customer;
mod provider;
mod runner;
mod staff;
mod work;

use super::ports::{PaymentConnector, Store, StoreError, User};
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

pub use provider::{Imported, RefundUpdate, WebhookOutcome};
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
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type EngineResult<T> = Result<T, EngineError>;

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
    Message { actor: Actor, text: String, channel: String },
    Reaction { actor: Actor, emoji: String, target: ReactTarget, added: bool },
    Usage { account: AccountId, conversations: u64 },
    Tick,
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
}

pub struct Engine {
    store: Arc<dyn Store>,
    connectors: Connectors,
    cfg: EngineConfig,
}

impl Engine {
    pub fn new(store: Arc<dyn Store>, connectors: Connectors, cfg: EngineConfig) -> Engine {
        Engine { store, connectors, cfg }
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn config(&self) -> &EngineConfig {
        &self.cfg
    }

    async fn work(&self, now: DateTime<Utc>) -> EngineResult<Work<'_>> {
        Ok(Work::new(self.store.begin().await?, now, self))
    }

    /// Handles one event at `at`: timers due by then fire first, then the event in one
    /// transaction, then any refund it approved is paid. `dedupe` is the platform's event
    /// id: a redelivered event changes nothing.
    pub async fn handle(&self, event: Event, at: DateTime<Utc>, dedupe: Option<&str>) -> EngineResult<()> {
        self.run_timers(at).await?;
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
            Event::Usage { account, conversations } => w.usage(&account, conversations).await?,
            Event::Tick => {}
        }
        w.commit().await?;
        self.run_timers(at).await?;
        Ok(())
    }

    /// Fires what is due by `now`: expired approval requests, and refunds to pay or retry.
    pub async fn run_timers(&self, now: DateTime<Utc>) -> EngineResult<RunReport> {
        let mut report = RunReport::default();
        for id in self.store.expired_requests(now).await? {
            let mut w = self.work(now).await?;
            if w.expire(id).await? {
                report.expired += 1;
            }
            w.commit().await?;
        }
        self.run_refunds(now, &mut report).await?;
        Ok(report)
    }

    // ---- fixtures: the billing data the bot starts from (replay, demo, import) ----

    pub async fn seed_account(&self, account: &Account, wallet: Option<Decimal>, at: DateTime<Utc>) -> EngineResult<()> {
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
        let mut w = self.work(at).await?;
        w.tx.put_user(user).await?;
        w.commit().await
    }

    pub async fn seed_charge(&self, charge: &Charge, at: DateTime<Utc>) -> EngineResult<()> {
        let mut w = self.work(at).await?;
        w.tx.put_charge(charge).await?;
        w.commit().await
    }

    pub async fn seed_subscription(&self, sub: &Subscription, at: DateTime<Utc>) -> EngineResult<()> {
        let mut w = self.work(at).await?;
        w.tx.put_subscription(sub).await?;
        w.commit().await
    }
}
