//! The outbox's delivery rules (paydesk issue 9, defect 1) on real stores (SQLite; and
//! PostgreSQL when PAYDESK_TEST_PG is set), with a chat sink that fails on command: one
//! undeliverable item never holds back another destination, order is kept per
//! destination, each item has its own retries with backoff, a 429's `retry_after` is
//! waited out, and an item refused for good (or out of attempts) ends `dead`.

use crate::common::{backends, engine_on, fresh_db};
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use paydesk::app::action::{Action, OutboxItem};
use paydesk::app::outbox::{pump_claimed, MAX_ATTEMPTS};
use paydesk::app::ports::{ChatError, ChatSink, Clock, Store, SystemClock};
use std::sync::Mutex;

/// Fails every item addressed to a user in `failing` with the given error kind.
#[derive(Default)]
struct Sink {
    delivered: Mutex<Vec<String>>,
    attempts: Mutex<Vec<String>>,
    failing: Mutex<Vec<(String, &'static str)>>,
}

fn text_of(item: &OutboxItem) -> (String, String) {
    match &item.action {
        Action::Say { to, text, .. } => (to.clone().unwrap_or_default(), text.clone()),
        other => panic!("{other:?}"),
    }
}

#[async_trait]
impl ChatSink for Sink {
    async fn deliver(&self, item: &OutboxItem) -> anyhow::Result<()> {
        let (to, text) = text_of(item);
        self.attempts.lock().unwrap().push(text.clone());
        let fail = self.failing.lock().unwrap().iter().find(|(u, _)| *u == to).map(|(_, k)| *k);
        match fail {
            Some("retry") => Err(ChatError::Retry { reason: "503 from the platform".into(), after: None }.into()),
            Some("429") => {
                Err(ChatError::Retry { reason: "429".into(), after: Some(std::time::Duration::from_secs(60)) }.into())
            }
            Some("refused") => Err(ChatError::Refused { reason: "403 Missing Permissions (50013)".into() }.into()),
            Some("other") => Err(anyhow::anyhow!("connection reset")),
            _ => {
                self.delivered.lock().unwrap().push(text);
                Ok(())
            }
        }
    }
}

async fn say(store: &dyn Store, to: &str, text: &str) {
    let mut tx = store.begin().await.unwrap();
    tx.push(Action::Say {
        message_ref: None,
        channel: "82000000000000001".into(),
        to: Some(to.into()),
        case: None,
        text: text.into(),
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn pass(store: &dyn Store, sink: &Sink, now: DateTime<Utc>) -> paydesk::app::outbox::PumpReport {
    pump_claimed(store, sink, "w1", now, Duration::seconds(30)).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_failing_destination_never_blocks_another_and_keeps_its_own_order() {
    for b in backends() {
        let db = fresh_db(&b).await;
        let (engine, _, _, _) = engine_on(&db.url, "w1", |s| s).await;
        let store = engine.store().as_ref();
        let sink = Sink::default();
        sink.failing.lock().unwrap().push(("ana".into(), "retry"));
        say(store, "ana", "ana 1").await;
        say(store, "ana", "ana 2").await;
        say(store, "cus", "cus 1").await;
        say(store, "cus", "cus 2").await;
        let t0 = SystemClock.now();
        let r = pass(store, &sink, t0).await;
        assert_eq!(*sink.delivered.lock().unwrap(), vec!["cus 1", "cus 2"], "the other destination is answered");
        assert_eq!(r.retried, 1);
        assert!(
            !sink.attempts.lock().unwrap().contains(&"ana 2".to_string()),
            "ana 2 waits behind ana 1 (order per destination)"
        );
        // Not due again at once: the same worker does not spin on it.
        sink.attempts.lock().unwrap().clear();
        pass(store, &sink, t0 + Duration::milliseconds(900)).await;
        assert!(sink.attempts.lock().unwrap().is_empty(), "retried too soon: {:?}", sink.attempts.lock().unwrap());
        // Later (past any jittered backoff of the first failure) it is tried again.
        pass(store, &sink, t0 + Duration::seconds(4)).await;
        assert_eq!(*sink.attempts.lock().unwrap(), vec!["ana 1"]);
        // The destination recovers: both go, in order.
        sink.failing.lock().unwrap().clear();
        pass(store, &sink, t0 + Duration::hours(2)).await;
        assert_eq!(*sink.delivered.lock().unwrap(), vec!["cus 1", "cus 2", "ana 1", "ana 2"]);
        assert_eq!(store.outbox_health().await.unwrap().pending, 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_or_out_of_attempts_items_end_dead_and_release_their_destination() {
    for b in backends() {
        let db = fresh_db(&b).await;
        let (engine, _, _, _) = engine_on(&db.url, "w1", |s| s).await;
        let store = engine.store().as_ref();
        let sink = Sink::default();
        sink.failing.lock().unwrap().push(("bo".into(), "refused"));
        sink.failing.lock().unwrap().push(("kim".into(), "other"));
        say(store, "bo", "bo 1").await;
        say(store, "bo", "bo 2").await;
        say(store, "kim", "kim 1").await;
        let mut now = SystemClock.now();
        let r = pass(store, &sink, now).await;
        assert_eq!(
            r.dead, 2,
            "a refusal for good is dead at once, and the next item of its destination goes on (refused too)"
        );
        assert_eq!(r.retried, 1);
        assert_eq!(store.outbox_health().await.unwrap().dead, 2);
        // kim keeps retrying with backoff, then is given up on.
        for _ in 0..MAX_ATTEMPTS + 2 {
            now += Duration::hours(3);
            pass(store, &sink, now).await;
        }
        let kim_tries = sink.attempts.lock().unwrap().iter().filter(|t| *t == "kim 1").count();
        assert_eq!(kim_tries as u32, MAX_ATTEMPTS, "attempts are bounded");
        let h = store.outbox_health().await.unwrap();
        assert_eq!((h.pending, h.dead), (0, 3));
        // A dead item never comes back.
        sink.failing.lock().unwrap().clear();
        pass(store, &sink, now + Duration::days(1)).await;
        assert!(sink.delivered.lock().unwrap().is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limited_item_waits_out_retry_after() {
    for b in backends() {
        let db = fresh_db(&b).await;
        let (engine, _, _, _) = engine_on(&db.url, "w1", |s| s).await;
        let store = engine.store().as_ref();
        let sink = Sink::default();
        sink.failing.lock().unwrap().push(("ana".into(), "429"));
        say(store, "ana", "ana 1").await;
        let t0 = SystemClock.now();
        pass(store, &sink, t0).await;
        sink.failing.lock().unwrap().clear();
        pass(store, &sink, t0 + Duration::seconds(59)).await;
        assert!(sink.delivered.lock().unwrap().is_empty(), "retried before retry_after");
        pass(store, &sink, t0 + Duration::seconds(61)).await;
        assert_eq!(*sink.delivered.lock().unwrap(), vec!["ana 1"]);
    }
}
