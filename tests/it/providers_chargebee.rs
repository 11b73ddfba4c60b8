//! The Chargebee connector (issue 14) against a fake built from Chargebee's reference
//! (`providers_support::chargebee`), on the engine's real runner, on SQLite and — when
//! PAYDESK_TEST_PG is set — PostgreSQL: success, partial refunds up to the cap, a lost
//! answer then lookup (inside the idempotency window by replay, past it through the
//! invoice's comments: never a second refund), a 4xx on lookup (the outcome stays unknown),
//! rate limiting (429 `api_request_limit_exceeded`), webhooks right/forged/stale/replayed,
//! and import + reconcile of the transactions export.
use crate::common;
use crate::providers_support;

use crate::providers_support::chargebee::{
    engine_on, engine_past_window, refund_and_approve, seed_invoice, Answer, CbFake, HOOK_PASS, HOOK_USER, INVOICE,
};
use crate::providers_support::t;
use paydesk::adapters::http::webhooks::{self, WebhookState};
use paydesk::adapters::payments::currency::exponent;
use paydesk::app::reconcile::{compare, parse_charges_in, parse_refunds_in, ParsedCharges};
use paydesk::domain::approvals::{Refund, RefundStatus};

async fn refunds(engine: &paydesk::app::engine::Engine) -> Vec<Refund> {
    engine.store().snapshot().await.unwrap().refunds
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chargebee_success_and_partial_refunds_up_to_the_cap() {
    for backend in common::backends() {
        let fake = CbFake::start(&[]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, _c, _p) = engine_on(&fake, &db.url).await;
        seed_invoice(&engine, "2026-04-01T10:00:00Z").await;
        refund_and_approve(&engine, "30.00", "2026-04-01T11:00:00Z").await;
        let r = refunds(&engine).await.remove(0);
        assert_eq!(r.status, RefundStatus::Succeeded, "{:?}", r.last_error);
        assert_eq!(r.provider_ref.as_deref(), Some("txn_r1"), "the refund transaction is kept");
        assert_eq!(fake.state.lock().unwrap().refunds[0].minor, 3000, "refund_amount in cents");
        // Someone refunded 15.00 in Chargebee's app: 4.00 is left there.
        fake.refund_in_app(1500);
        let out = providers_support::request_on(&engine, INVOICE, "19.00", t("2026-04-01T12:00:00Z")).await;
        assert!(out.iter().any(|l| l.contains("approval")), "{out:?}");
        let case = out.iter().find_map(|l| l.split("RF-").nth(1).map(|s| format!("RF-{}", &s[..6]))).unwrap();
        for lead in ["kim", "max"] {
            let ev = paydesk::app::engine::Event::Message {
                actor: paydesk::app::engine::Actor::known(lead),
                text: format!("/approve {case}"),
                channel: "support".into(),
            };
            engine.handle(ev, t("2026-04-01T12:01:00Z"), None).await.unwrap();
        }
        let all = refunds(&engine).await;
        assert_eq!(all[1].status, RefundStatus::Failed, "refused, nothing made: {:?}", all[1].last_error);
        assert!(
            all[1].last_error.clone().unwrap_or_default().contains("larger than what is left"),
            "{:?}",
            all[1].last_error
        );
        // Beyond paydesk's own cap (49.00 - 30.00): refused before any lead is asked.
        let out = providers_support::request_on(&engine, INVOICE, "20.00", t("2026-04-01T13:00:00Z")).await;
        assert!(!out.iter().any(|l| l.contains("\"approval")), "{out:?}");
        // Finer than a cent: refused before any lead is asked, with the reason.
        let out = providers_support::request_on(&engine, INVOICE, "1.005", t("2026-04-01T13:05:00Z")).await;
        assert!(!out.iter().any(|l| l.contains("\"approval")), "{out:?}");
        assert_eq!(fake.creations(), 1);
        assert!(fake.problems().is_empty(), "{:?}", fake.problems());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chargebee_lost_answer_is_replayed_inside_the_window_and_never_refunded_twice() {
    for backend in common::backends() {
        let fake = CbFake::start(&[Answer::Hang]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, _c, _p) = engine_on(&fake, &db.url).await;
        seed_invoice(&engine, "2026-04-01T10:00:00Z").await;
        refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
        for at in ["2026-04-01T11:05:00Z", "2026-04-01T11:20:00Z"] {
            engine.run_timers(t(at)).await.unwrap();
        }
        let r = refunds(&engine).await.remove(0);
        assert_eq!(r.status, RefundStatus::Succeeded, "{:?}", r.last_error);
        assert_eq!(r.provider_ref.as_deref(), Some("txn_r1"));
        assert_eq!(fake.creations(), 1);
        assert!(fake.problems().is_empty(), "{:?}", fake.problems());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chargebee_past_the_window_looks_up_the_comments_before_any_retry() {
    for backend in common::backends() {
        // Made, answer lost, and Chargebee no longer remembers the key: a replay would
        // refund again. The invoice's comments show ours: the outcome stays unknown.
        let fake = CbFake::start(&[Answer::Hang]).await;
        let db = common::fresh_db(&backend).await;
        let engine = engine_past_window(&fake, &db.url).await;
        seed_invoice(&engine, "2026-04-01T10:00:00Z").await;
        refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
        fake.forget_keys();
        for at in ["2026-04-01T11:05:00Z", "2026-04-01T11:20:00Z", "2026-04-01T11:40:00Z"] {
            engine.run_timers(t(at)).await.unwrap();
        }
        let r = refunds(&engine).await.remove(0);
        assert_eq!(
            r.status,
            RefundStatus::Executing,
            "made but not named: never failed, never sent again: {:?}",
            r.last_error
        );
        assert!(r.needs_lookup);
        assert_eq!(fake.creations(), 1, "no second refund past the idempotency window");
        let reqs = fake.state.lock().unwrap().requests.clone();
        assert!(reqs.iter().any(|q| q == "GET /api/v2/comments"), "{reqs:?}");
        assert_eq!(reqs.iter().filter(|q| q.starts_with("POST")).count(), 1, "{reqs:?}");
        // Nothing made (a 500 before anything): the comments show nothing; then retried once.
        let fake = CbFake::start(&[Answer::ServerError]).await;
        let db = common::fresh_db(&backend).await;
        let engine = engine_past_window(&fake, &db.url).await;
        seed_invoice(&engine, "2026-04-01T10:00:00Z").await;
        refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
        engine.run_timers(t("2026-04-01T11:05:00Z")).await.unwrap();
        let r = refunds(&engine).await.remove(0);
        assert_eq!(r.status, RefundStatus::Succeeded, "{:?}", r.last_error);
        assert_eq!(fake.creations(), 1);
        assert!(fake.problems().is_empty(), "{:?}", fake.problems());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chargebee_lookup_refused_keeps_the_outcome_unknown() {
    for backend in common::backends() {
        let fake = CbFake::start(&[Answer::Hang]).await;
        let db = common::fresh_db(&backend).await;
        let engine = engine_past_window(&fake, &db.url).await;
        seed_invoice(&engine, "2026-04-01T10:00:00Z").await;
        let denied = r#"{"message":"Sorry, authentication failed.","type":"invalid_request","api_error_code":"api_authentication_failed"}"#;
        fake.script_lookups(&[(401, denied), (401, denied), (404, r#"{"api_error_code":"resource_not_found"}"#)]);
        refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
        for at in ["2026-04-01T11:05:00Z", "2026-04-01T11:20:00Z", "2026-04-01T11:40:00Z"] {
            engine.run_timers(t(at)).await.unwrap();
        }
        let r = refunds(&engine).await.remove(0);
        assert_eq!(r.status, RefundStatus::Executing, "a refused lookup proves nothing: {:?}", r.last_error);
        assert!(r.needs_lookup);
        assert_eq!(fake.creations(), 1, "nothing sent again");
        assert!(fake.problems().is_empty(), "{:?}", fake.problems());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chargebee_rate_limit_is_retried_with_the_same_key() {
    for backend in common::backends() {
        let fake = CbFake::start(&[Answer::RateLimited, Answer::RateLimited, Answer::Ok]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, _c, _p) = engine_on(&fake, &db.url).await;
        seed_invoice(&engine, "2026-04-01T10:00:00Z").await;
        refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
        let r = refunds(&engine).await.remove(0);
        assert_eq!(r.status, RefundStatus::Succeeded, "{:?}", r.last_error);
        assert_eq!(fake.creations(), 1);
        assert_eq!(fake.state.lock().unwrap().requests.iter().filter(|q| q.starts_with("POST")).count(), 3);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chargebee_webhook_basic_auth_right_forged_stale_replayed() {
    for backend in common::backends() {
        let fake = CbFake::start(&[Answer::Pending]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, clock, providers) = engine_on(&fake, &db.url).await;
        seed_invoice(&engine, "2026-04-01T10:00:00Z").await;
        refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
        assert_eq!(refunds(&engine).await[0].status, RefundStatus::Executing, "in_progress: pending");
        fake.settle("txn_r1", "success");
        let now = t("2026-04-01T11:03:00Z");
        clock.set(now);
        let state = WebhookState { engine: engine.clone(), keys: providers.webhooks.clone(), clock };
        let addr = paydesk::adapters::http::serve(
            "127.0.0.1:0".parse().unwrap(),
            webhooks::routes(state),
            std::future::pending(),
        )
        .await
        .unwrap();
        let http = reqwest::Client::new();
        let post = |auth: Option<(&str, &str)>, body: Vec<u8>| {
            let mut r = http
                .post(format!("http://{addr}/webhooks/chargebee"))
                .header("content-type", "application/json")
                .body(body);
            if let Some((u, p)) = auth {
                r = r.basic_auth(u, Some(p));
            }
            async move { r.send().await.unwrap().status().as_u16() }
        };
        let body = serde_json::to_vec(&fake.event("ev_16BPgETyVrQbiGhA", "credit_note_created", now.timestamp() - 60))
            .unwrap();
        let audit = || async { engine.store().audit(None).await.unwrap().len() };
        let before = audit().await;
        assert_eq!(post(None, body.clone()).await, 401, "no auth");
        assert_eq!(post(Some((HOOK_USER, "guess")), body.clone()).await, 401, "forged");
        let stale = serde_json::to_vec(&fake.event("ev_old", "credit_note_created", now.timestamp() - 3600)).unwrap();
        assert_eq!(post(Some((HOOK_USER, HOOK_PASS)), stale).await, 401, "stale");
        assert_eq!(audit().await, before);
        assert_eq!(refunds(&engine).await[0].status, RefundStatus::Executing);
        assert_eq!(post(Some((HOOK_USER, HOOK_PASS)), body.clone()).await, 200);
        let r = refunds(&engine).await.remove(0);
        assert_eq!(r.status, RefundStatus::Succeeded, "{:?}", r.last_error);
        let after = audit().await;
        assert_eq!(post(Some((HOOK_USER, HOOK_PASS)), body.clone()).await, 200, "replayed");
        assert_eq!(audit().await, after, "the same event changes nothing twice");
        assert_eq!(engine.store().snapshot().await.unwrap().credit_notes.len(), 1);
        assert_eq!(fake.creations(), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chargebee_transactions_export_imports_and_reconciles() {
    for backend in common::backends() {
        let fake = CbFake::start(&[]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, _c, _p) = engine_on(&fake, &db.url).await;
        seed_invoice(&engine, "2026-04-01T10:00:00Z").await;
        let ParsedCharges { charges, bad, .. } = parse_charges_in(&fake.export_csv(), "chargebee", &exponent);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(charges.len(), 1);
        assert_eq!(
            (charges[0].id.to_string(), charges[0].account.to_string()),
            ("txn_pay1".to_string(), "cb-AzZ1".to_string())
        );
        for c in &charges {
            engine.import_charge(c, t("2026-04-01T10:30:00Z")).await.unwrap();
        }
        assert!(engine
            .store()
            .charge(&paydesk::domain::ids::ChargeId::new("txn_pay1".to_string()))
            .await
            .unwrap()
            .is_some());
        // The imported payment is refunded as a payment (`amount`, no credit note).
        providers_support::request_on(&engine, "txn_pay1", "4.00", t("2026-04-01T10:40:00Z")).await;
        providers_support::approve(&engine, t("2026-04-01T10:41:00Z")).await;
        let r = refunds(&engine).await.remove(0);
        assert_eq!(
            (r.status, r.provider_ref.as_deref()),
            (RefundStatus::Succeeded, Some("txn_r1")),
            "{:?}",
            r.last_error
        );
        assert_eq!(fake.state.lock().unwrap().refunds[0].minor, 400);
        let out = providers_support::request_on(&engine, INVOICE, "10.00", t("2026-04-01T11:00:00Z")).await;
        let case = out.iter().find_map(|l| l.split("RF-").nth(1).map(|s| format!("RF-{}", &s[..6]))).unwrap();
        for lead in ["kim", "max"] {
            let ev = paydesk::app::engine::Event::Message {
                actor: paydesk::app::engine::Actor::known(lead),
                text: format!("/approve {case}"),
                channel: "support".into(),
            };
            engine.handle(ev, t("2026-04-01T11:01:00Z"), None).await.unwrap();
        }
        assert!(refunds(&engine).await.iter().all(|r| r.status == RefundStatus::Succeeded));
        let app = fake.refund_in_app(500);
        let (theirs, bad) = parse_refunds_in(&fake.export_csv(), "chargebee", &exponent);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(theirs.len(), 3, "two by paydesk, one in the app");
        let m = compare("chargebee", &theirs, &refunds(&engine).await);
        assert_eq!(m.len(), 1, "{m:#?}");
        assert!(m[0].describe().contains(&format!("refund {app} of 5.00 EUR")), "{}", m[0].describe());
        let now = t("2026-04-01T12:30:00Z");
        assert!(engine
            .reconcile_mismatch("chargebee", &m[0].fingerprint(), m[0].charge().as_ref(), &m[0].describe(), now)
            .await
            .unwrap()
            .is_some());
        assert!(engine
            .reconcile_mismatch("chargebee", &m[0].fingerprint(), m[0].charge().as_ref(), &m[0].describe(), now)
            .await
            .unwrap()
            .is_none());
    }
}
