//! Exactly-once refunds through crashes, restarts and competing workers, on a real store
//! (a SQLite file; PostgreSQL too when PAYDESK_TEST_PG is set).

use crate::common::*;
use async_trait::async_trait;
use paydesk::adapters::payments::sandbox::Sandbox;
use paydesk::app::engine::{Actor, Engine, Event, ReactTarget};
use paydesk::app::ports::{ConnectorError, PaymentConnector, ProviderRefund, RefundCall, User};
use paydesk::domain::billing::{Account, Charge};
use paydesk::domain::ids::{AccountId, CaseNumber, UserId};
use paydesk::domain::money::Currency;
use paydesk::domain::roles::{Role, Roles};
use std::sync::Arc;
use std::time::Duration;

async fn seed(engine: &Engine) {
    let at = t("2026-05-02T08:00:00Z");
    engine
        .seed_account(&Account { id: AccountId::new("acct-1"), currency: Currency::USD, auto_recharge: None }, None, at)
        .await
        .unwrap();
    for (id, role, acct) in
        [("ana", Role::Customer, Some("acct-1")), ("bo", Role::Agent, None), ("kim", Role::Lead, None)]
    {
        engine
            .seed_user(
                &User { id: UserId::new(id), roles: Roles::NONE.with(role), account: acct.map(AccountId::new) },
                at,
            )
            .await
            .unwrap();
    }
    engine
        .seed_charge(
            &Charge { description: "Pack".into(), ..card_charge("ch_1", "acct-1", "49.00", t("2026-05-02T09:00:00Z")) },
            at,
        )
        .await
        .unwrap();
}

fn msg(user: &str, text: &str) -> Event {
    Event::Message { actor: Actor::known(user), text: text.into(), channel: "support".into() }
}

fn approve(user: &str) -> Event {
    Event::Reaction {
        actor: Actor::known(user),
        emoji: "✅".into(),
        target: ReactTarget::ApprovalOf(CaseNumber::FIRST),
        added: true,
    }
}

/// A provider that never answers (the process "dies" while waiting).
struct Hang;

#[async_trait]
impl PaymentConnector for Hang {
    fn name(&self) -> &str {
        "sandbox"
    }
    async fn refund(&self, _: &RefundCall) -> Result<ProviderRefund, ConnectorError> {
        std::future::pending().await
    }
    async fn lookup(&self, _: &RefundCall) -> Result<Option<ProviderRefund>, ConnectorError> {
        std::future::pending().await
    }
}

/// Makes the refund, then "crashes" before the answer is recorded.
struct PayThenHang(Arc<Sandbox>);

#[async_trait]
impl PaymentConnector for PayThenHang {
    fn name(&self) -> &str {
        "sandbox"
    }
    async fn refund(&self, call: &RefundCall) -> Result<ProviderRefund, ConnectorError> {
        let _ = self.0.refund(call).await;
        std::future::pending().await
    }
    async fn lookup(&self, _: &RefundCall) -> Result<Option<ProviderRefund>, ConnectorError> {
        std::future::pending().await
    }
}

async fn state(engine: &Engine) -> (Vec<String>, usize) {
    let s = engine.store().snapshot().await.unwrap();
    (s.refunds.iter().map(|r| r.status.as_str().to_string()).collect(), s.credit_notes.len())
}

#[tokio::test]
async fn a_crash_after_paying_is_resumed_at_start_and_pays_once() {
    for backend in backends() {
        let db = fresh_db(&backend).await;
        let now = t("2026-05-02T10:10:00Z");
        {
            let (engine, _sb, _clock, _store) =
                engine_on(&db.url, "worker-a", |s| Arc::new(PayThenHang(s)) as Arc<dyn PaymentConnector>).await;
            seed(&engine).await;
            engine.handle(msg("bo", "/refund ch_1 broken"), t("2026-05-02T10:05:00Z"), None).await.unwrap();
            // The lead approves; the worker pays and dies before it can record the answer.
            let crashed =
                tokio::time::timeout(Duration::from_millis(300), engine.handle(approve("kim"), now, None)).await;
            assert!(crashed.is_err(), "the first process hangs in the provider call");
            let (statuses, notes) = state(&engine).await;
            assert_eq!(statuses, vec!["executing"], "approved and executing was committed before the call");
            assert_eq!(notes, 0);
        }
        // Restart: another process on the same store. The lease of the dead worker holds
        // for its duration; after it, the refund is resumed, the key looked up or reused,
        // and the sandbox has paid exactly once.
        let (engine, sandbox, clock, _store) = engine_on(&db.url, "worker-b", |s| s as Arc<dyn PaymentConnector>).await;
        clock.set(now);
        let early = engine.run_timers(now + chrono::Duration::minutes(1)).await.unwrap();
        assert_eq!(early.attempts, 0, "the lease of the crashed worker is respected");
        let later = now + chrono::Duration::minutes(6);
        let report = engine.run_timers(later).await.unwrap();
        assert_eq!(report.succeeded, 1);
        let (statuses, notes) = state(&engine).await;
        assert_eq!(statuses, vec!["succeeded"]);
        assert_eq!(notes, 1);
        assert_eq!(sandbox.books().all().await.unwrap().len(), 1, "paid exactly once");
        // Running again changes nothing.
        let again = engine.run_timers(later + chrono::Duration::hours(1)).await.unwrap();
        assert_eq!(again.attempts, 0);
    }
}

#[tokio::test]
async fn a_crash_before_paying_is_resumed_and_pays_once() {
    for backend in backends() {
        let db = fresh_db(&backend).await;
        let now = t("2026-05-02T10:10:00Z");
        {
            let (engine, _sb, _c, _s) =
                engine_on(&db.url, "worker-a", |_| Arc::new(Hang) as Arc<dyn PaymentConnector>).await;
            seed(&engine).await;
            engine.handle(msg("bo", "/refund ch_1"), t("2026-05-02T10:05:00Z"), None).await.unwrap();
            assert!(tokio::time::timeout(Duration::from_millis(300), engine.handle(approve("kim"), now, None))
                .await
                .is_err());
        }
        let (engine, sandbox, clock, _s) = engine_on(&db.url, "worker-b", |s| s as Arc<dyn PaymentConnector>).await;
        clock.set(now);
        engine.run_timers(now + chrono::Duration::minutes(6)).await.unwrap();
        assert_eq!(state(&engine).await.0, vec!["succeeded"]);
        assert_eq!(sandbox.books().all().await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn competing_workers_pay_once() {
    for backend in backends() {
        let db = fresh_db(&backend).await;
        let now = t("2026-05-02T10:10:00Z");
        let (a, sandbox, clock, _s1) = engine_on(&db.url, "worker-a", |s| s as Arc<dyn PaymentConnector>).await;
        clock.set(now);
        seed(&a).await;
        a.handle(msg("bo", "/refund ch_1"), t("2026-05-02T10:05:00Z"), None).await.unwrap();
        // Approve without letting this worker pay: commit the approval through a worker
        // whose provider hangs, then race two live workers on the same store.
        {
            let (h, _sb, _c, _s) =
                engine_on(&db.url, "worker-h", |_| Arc::new(Hang) as Arc<dyn PaymentConnector>).await;
            let _ = tokio::time::timeout(Duration::from_millis(300), h.handle(approve("kim"), now, None)).await;
        }
        let (b, _sb2, clock_b, _s2) =
            engine_on(&db.url, "worker-b", |_| sandbox.clone() as Arc<dyn PaymentConnector>).await;
        clock_b.set(now);
        let later = now + chrono::Duration::minutes(6);
        let (ra, rb) = tokio::join!(a.run_timers(later), b.run_timers(later));
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert_eq!(ra.succeeded + rb.succeeded, 1, "exactly one worker records the payment: {ra:?} {rb:?}");
        assert_eq!(sandbox.books().all().await.unwrap().len(), 1);
        assert_eq!(state(&a).await, (vec!["succeeded".to_string()], 1));
    }
}

#[tokio::test]
async fn redelivered_chat_events_change_nothing() {
    for backend in backends() {
        let db = fresh_db(&backend).await;
        let (engine, sandbox, clock, _s) = engine_on(&db.url, "w", |s| s as Arc<dyn PaymentConnector>).await;
        clock.set(t("2026-05-02T10:00:00Z"));
        seed(&engine).await;
        for _ in 0..3 {
            engine.handle(msg("bo", "/refund ch_1"), t("2026-05-02T10:05:00Z"), Some("discord:msg:1")).await.unwrap();
        }
        for _ in 0..3 {
            engine.handle(approve("kim"), t("2026-05-02T10:06:00Z"), Some("discord:react:2")).await.unwrap();
        }
        let s = engine.store().snapshot().await.unwrap();
        assert_eq!(s.refunds.len(), 1, "one request despite three deliveries");
        assert_eq!(sandbox.books().all().await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn wallet_balance_is_the_exact_sum_of_entries_in_sql() {
    for backend in backends() {
        let db = fresh_db(&backend).await;
        let (engine, _sb, _c, _s) = engine_on(&db.url, "w", |s| s as Arc<dyn PaymentConnector>).await;
        seed(&engine).await;
        // 7,777 conversations at 0.0125 from a goodwill credit of 100: exact, no float drift.
        engine.handle(msg("kim", "/wallet credit acct-1 100 welcome"), t("2026-05-02T10:00:00Z"), None).await.unwrap();
        engine
            .handle(
                Event::Usage { account: AccountId::new("acct-1"), conversations: 7777 },
                t("2026-05-02T10:01:00Z"),
                None,
            )
            .await
            .unwrap();
        let s = engine.store().snapshot().await.unwrap();
        let w = s.wallets.iter().find(|w| w.account.as_str() == "acct-1").unwrap();
        assert_eq!(w.balance, "2.7875".parse().unwrap());
        // and it never goes below zero
        engine
            .handle(
                Event::Usage { account: AccountId::new("acct-1"), conversations: 1000 },
                t("2026-05-02T10:02:00Z"),
                None,
            )
            .await
            .unwrap();
        let s = engine.store().snapshot().await.unwrap();
        let w = s.wallets.iter().find(|w| w.account.as_str() == "acct-1").unwrap();
        // 2.7875 is 223 conversations exactly: the 224th would go below zero and is refused.
        assert_eq!(w.balance, rust_decimal::Decimal::ZERO);
    }
}
