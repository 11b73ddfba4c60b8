//! Deferred durability (`paydesk replay` on a SQLite file): commits return before the
//! disk sync, and nothing leaves the process before one covers them: every delivery and
//! every payment provider call finds no commit waiting for the disk. The output is the
//! same as with every commit synced on its own. (PostgreSQL's commits are durable when
//! they return: nothing is deferred there.)

use crate::common::{fresh_db, Backend};
use async_trait::async_trait;
use paydesk::adapters::payments::sandbox::Sandbox;
use paydesk::adapters::store::AnyStore;
use paydesk::adapters::surfaces::replay::{self, ManualClock};
use paydesk::app::action::OutboxItem;
use paydesk::app::engine::{Connectors, EngineConfig};
use paydesk::app::ports::{ChatSink, ConnectorError, PaymentConnector, ProviderRefund, RefundCall};
use paydesk::wiring::App;
use std::sync::{Arc, Mutex};

/// The sandbox, noting how many commits were not yet durable at each refund call.
struct WatchedProvider {
    inner: Arc<Sandbox>,
    store: AnyStore,
    seen: Arc<Mutex<Vec<u64>>>,
}

#[async_trait]
impl PaymentConnector for WatchedProvider {
    fn name(&self) -> &str {
        self.inner.name()
    }
    fn off_session(&self) -> bool {
        self.inner.off_session()
    }
    async fn charge_saved(
        &self,
        call: &paydesk::app::ports::PurchaseCall,
        saved: &paydesk::app::ports::SavedMethod,
    ) -> Result<paydesk::app::ports::PurchaseState, ConnectorError> {
        self.seen.lock().unwrap().push(self.store.undurable_commits());
        self.inner.charge_saved(call, saved).await
    }
    async fn refund(&self, call: &RefundCall) -> Result<ProviderRefund, ConnectorError> {
        self.seen.lock().unwrap().push(self.store.undurable_commits());
        self.inner.refund(call).await
    }
    async fn lookup(&self, call: &RefundCall) -> Result<Option<ProviderRefund>, ConnectorError> {
        self.seen.lock().unwrap().push(self.store.undurable_commits());
        self.inner.lookup(call).await
    }
}

/// Writes each action as a JSON line, noting how many commits were not yet durable.
struct WatchedSink {
    store: AnyStore,
    seen: Mutex<Vec<u64>>,
    out: Mutex<Vec<u8>>,
}

#[async_trait]
impl ChatSink for WatchedSink {
    async fn deliver(&self, item: &OutboxItem) -> anyhow::Result<()> {
        self.seen.lock().unwrap().push(self.store.undurable_commits());
        let mut out = self.out.lock().unwrap();
        serde_json::to_writer(&mut *out, &item.action)?;
        out.push(b'\n');
        Ok(())
    }
}

struct Run {
    output: String,
    state: serde_json::Value,
    delivered_at: Vec<u64>,
    paid_at: Vec<u64>,
}

async fn replay(text: &str, deferred: bool) -> Run {
    let db = fresh_db(&Backend::Sqlite).await;
    let store = AnyStore::open(&db.url).await.expect("open").with_deferred_durability(deferred).expect("deferral");
    let clock = Arc::new(ManualClock::default());
    let paid_at = Arc::new(Mutex::new(Vec::new()));
    let (watch, seen) = (store.clone(), paid_at.clone());
    let App { engine, sandbox, .. } = App::build(store.clone(), clock.clone(), EngineConfig::default(), |sandbox| {
        Connectors::default().with(Arc::new(WatchedProvider { inner: sandbox, store: watch, seen }))
    });
    let sink = WatchedSink { store: store.clone(), seen: Mutex::new(Vec::new()), out: Mutex::new(Vec::new()) };
    replay::run(replay::parse(text).expect("valid"), &engine, &sandbox, &clock, &sink).await.expect("replay");
    assert_eq!(store.undurable_commits(), 0, "the replay ends with everything durable");
    let state = replay::state_line(&engine, &sandbox).await.expect("state");
    let paid_at = paid_at.lock().unwrap().clone();
    Run {
        output: String::from_utf8(sink.out.into_inner().unwrap()).expect("utf8"),
        state,
        delivered_at: sink.seen.into_inner().unwrap(),
        paid_at,
    }
}

#[tokio::test]
async fn a_deferred_replay_delivers_and_pays_only_what_is_on_disk_and_says_the_same() {
    // A realistic load: chatter, refund requests approved and paid, usage with
    // auto-recharges, provider faults.
    let text = paydesk::app::loadgen::transcript(400, 11);
    let deferred = replay(&text, true).await;
    let each = replay(&text, false).await;

    assert!(deferred.delivered_at.len() > 100, "{} deliveries", deferred.delivered_at.len());
    assert!(!deferred.paid_at.is_empty(), "the load pays refunds");
    assert!(deferred.delivered_at.iter().all(|&n| n == 0), "a delivery before its commit was durable");
    assert!(deferred.paid_at.iter().all(|&n| n == 0), "a provider call before the claim was durable");
    assert_eq!(deferred.output, each.output, "deferral changes what the replay says");
    assert_eq!(deferred.state, each.state);
}
