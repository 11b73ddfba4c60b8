//! Every real connector against a local fake of its provider (see `providers_support`):
//! the bot pays exactly once through success, pending, refusal, 429, 503 and no answer
//! at all, on the engine's real runner and a real SQLite store.
use crate::common;
use crate::providers_support;

use crate::providers_support::{engine_on, request_and_approve, t, Answer, Fake, Kind};
use paydesk::domain::approvals::RefundStatus;

async fn refund_status(engine: &paydesk::app::engine::Engine) -> (RefundStatus, Option<String>, Option<String>) {
    let snap = engine.store().snapshot().await.unwrap();
    assert_eq!(snap.refunds.len(), 1, "one refund requested");
    let r = &snap.refunds[0];
    (r.status, r.provider_ref.clone(), r.last_error.clone())
}

/// Runs the scenario for one provider on every backend (SQLite, and PostgreSQL when
/// PAYDESK_TEST_PG is set); returns the final status, which must agree.
async fn scenario(kind: Kind, script: &[Answer], ticks: &[&str]) -> (RefundStatus, Fake) {
    let mut last = None;
    for backend in common::backends() {
        let (status, fake) = scenario_on(&backend, kind, script, ticks).await;
        if let Some((s, _)) = &last {
            assert_eq!(*s, status, "{kind:?}: the backends agree");
        }
        last = Some((status, fake));
    }
    last.expect("at least SQLite")
}

async fn scenario_on(backend: &common::Backend, kind: Kind, script: &[Answer], ticks: &[&str]) -> (RefundStatus, Fake) {
    let fake = Fake::start(kind, script).await;
    let db = common::fresh_db(backend).await;
    let (engine, _clock, _p) = engine_on(&fake, &db.url).await;
    request_and_approve(&engine, kind, "2026-04-01T10:00:00Z").await;
    for at in ticks {
        engine.run_timers(t(at)).await.unwrap();
    }
    let (status, _, err) = refund_status(&engine).await;
    let (creations, problems) = fake.snapshot();
    assert!(problems.is_empty(), "{kind:?}: the fake saw malformed requests: {problems:#?}");
    for (key, n) in &creations {
        assert_eq!(*n, 1, "{kind:?}: key {key} paid {n} times");
    }
    let _ = err;
    (status, fake)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn success_first_time() {
    for kind in Kind::ALL {
        let (status, fake) = scenario(kind, &[Answer::Ok], &[]).await;
        let (creations, _) = fake.snapshot();
        assert_eq!(creations.len(), 1, "{kind:?}");
        if kind == Kind::Adyen {
            // Adyen only ever says `received`: the outcome comes by webhook.
            assert_eq!(status, RefundStatus::Executing, "{kind:?}");
        } else {
            assert_eq!(status, RefundStatus::Succeeded, "{kind:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_and_unavailable_are_retried_with_the_same_key() {
    for kind in Kind::ALL {
        let started = std::time::Instant::now();
        let (status, fake) = scenario(kind, &[Answer::RateLimited, Answer::Unavailable, Answer::Ok], &[]).await;
        let (creations, _) = fake.snapshot();
        assert_eq!(creations.len(), 1, "{kind:?}");
        assert!(status == RefundStatus::Succeeded || kind == Kind::Adyen, "{kind:?}: {status:?}");
        // Retry-After: 1 was honoured inside the executor's attempt.
        assert!(started.elapsed() >= std::time::Duration::from_millis(950), "{kind:?}: {:?}", started.elapsed());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unavailable_beyond_the_attempt_goes_to_the_runner_schedule() {
    for kind in [Kind::Stripe, Kind::Square, Kind::Mollie] {
        let script = [Answer::Unavailable; 4];
        // 3 exchanges in the first attempt; the runner's next attempt (1 minute later) pays.
        let (status, fake) = scenario(kind, &script, &["2026-04-01T11:05:00Z"]).await;
        assert_eq!(status, RefundStatus::Succeeded, "{kind:?}");
        assert_eq!(fake.snapshot().0.len(), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_answer_is_looked_up_before_any_retry_and_never_pays_twice() {
    for kind in Kind::ALL {
        let (status, fake) = scenario(kind, &[Answer::Hang], &["2026-04-01T11:05:00Z", "2026-04-01T11:20:00Z"]).await;
        let (creations, _) = fake.snapshot();
        assert_eq!(creations.values().sum::<u32>(), 1, "{kind:?}: the hung request made it; nothing else may");
        assert!(status == RefundStatus::Succeeded || kind == Kind::Adyen, "{kind:?}: {status:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_is_synced_until_final() {
    for backend in common::backends() {
        for kind in [Kind::Stripe, Kind::PayPal, Kind::Square, Kind::Braintree, Kind::Mollie] {
            let fake = Fake::start(kind, &[Answer::Pending]).await;
            let db = common::fresh_db(&backend).await;
            let (engine, _clock, _p) = engine_on(&fake, &db.url).await;
            request_and_approve(&engine, kind, "2026-04-01T10:00:00Z").await;
            let (status, pref, _) = refund_status(&engine).await;
            assert_eq!(status, RefundStatus::Executing, "{kind:?}: pending stays executing");
            assert!(pref.is_some(), "{kind:?}: the provider's reference is kept");
            // Before the re-check is due nothing is asked.
            let before = fake.state.lock().unwrap().requests.len();
            engine.run_timers(t("2026-04-01T11:05:00Z")).await.unwrap();
            assert_eq!(fake.state.lock().unwrap().requests.len(), before, "{kind:?}");
            // Each re-check reads the provider's current status, until final.
            for at in ["2026-04-01T11:12:00Z", "2026-04-01T11:23:00Z", "2026-04-01T11:34:00Z"] {
                engine.run_timers(t(at)).await.unwrap();
            }
            let (status, _, _) = refund_status(&engine).await;
            assert_eq!(status, RefundStatus::Succeeded, "{kind:?}");
            assert_eq!(fake.snapshot().0.values().sum::<u32>(), 1, "{kind:?}");
            let snap = engine.store().snapshot().await.unwrap();
            assert_eq!(snap.credit_notes.len(), 1, "{kind:?}: one credit note");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documented_refusals_fail_with_a_clear_reason_and_pay_nothing() {
    for backend in common::backends() {
        for kind in Kind::ALL {
            let fake = Fake::start(kind, &[Answer::Refused]).await;
            let db = common::fresh_db(&backend).await;
            let (engine, _c, _p) = engine_on(&fake, &db.url).await;
            request_and_approve(&engine, kind, "2026-04-01T10:00:00Z").await;
            let (status, _, err) = refund_status(&engine).await;
            assert_eq!(status, RefundStatus::Failed, "{kind:?}");
            let err = err.unwrap_or_default();
            assert!(err.contains("larger than what is left") || err.contains("Invalid amount"), "{kind:?}: {err}");
            assert!(!err.contains(providers_support::API_KEY) && !err.contains(providers_support::TOKEN));
            assert!(fake.snapshot().0.is_empty(), "{kind:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paypal_token_is_fetched_once_and_cached() {
    let fake = Fake::start(Kind::PayPal, &[Answer::Ok, Answer::Ok]).await;
    let db = common::fresh_db(&common::Backend::Sqlite).await;
    let (engine, _c, providers) = engine_on(&fake, &db.url).await;
    request_and_approve(&engine, Kind::PayPal, "2026-04-01T10:00:00Z").await;
    let c = providers.connectors.iter().find(|c| c.name() == "paypal").unwrap().clone();
    let mut call = paydesk::app::ports::RefundCall {
        idempotency_key: "pd_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
        refund: paydesk::domain::ids::RefundId(99),
        case: paydesk::domain::ids::CaseNumber::new(1).unwrap(),
        charge: paydesk::domain::ids::ChargeId::new(Kind::PayPal.charge_id().to_string()),
        charge_amount: "49".parse().unwrap(),
        amount: "10".parse().unwrap(),
        currency: paydesk::domain::money::Currency::USD,
        reason: "test".into(),
        provider_ref: None,
    };
    let r = c.refund(&call).await.unwrap();
    call.provider_ref = Some(r.provider_ref);
    c.lookup(&call).await.unwrap().unwrap();
    assert_eq!(fake.state.lock().unwrap().token_fetches, 1);
}
