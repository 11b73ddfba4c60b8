//! Commerce connectors (issue 14) against fakes built from each system's reference
//! (`providers_support::<system>`), on the engine's real runner, on SQLite and — when
//! PAYDESK_TEST_PG is set — PostgreSQL. WooCommerce: success, partial refunds up to the
//! cap, a lost answer then lookup (no second refund: the API has no idempotency key), a
//! 4xx on lookup (the outcome stays unknown), rate limiting with `RateLimit-Retry-After`,
//! webhooks right/forged/stale/replayed, and import + reconcile of its orders export.
use crate::common;
use crate::providers_support;

use crate::providers_support::t;
use crate::providers_support::woocommerce::{
    engine_on, refund_and_approve, seed_order, seed_people, Answer, WooFake, ORDER, WEBHOOK_SECRET,
};
use paydesk::adapters::http::webhooks::{self, WebhookState};
use paydesk::adapters::payments::currency::exponent;
use paydesk::adapters::payments::woocommerce::webhook::signature as woocommerce_signature;
use paydesk::app::reconcile::{compare, parse_charges_in, parse_refunds_in};
use paydesk::config::Secret;
use paydesk::domain::approvals::{Refund, RefundStatus};

async fn refunds(engine: &paydesk::app::engine::Engine) -> Vec<Refund> {
    engine.store().snapshot().await.unwrap().refunds
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn woocommerce_success_pays_once_through_the_gateway() {
    for backend in common::backends() {
        let fake = WooFake::start(&[Answer::Ok]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, _c, _p) = engine_on(&fake, &db.url).await;
        seed_order(&engine, "2026-04-01T10:00:00Z").await;
        refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
        let r = refunds(&engine).await.remove(0);
        assert_eq!(r.status, RefundStatus::Succeeded, "{:?}", r.last_error);
        assert_eq!(r.provider_ref.as_deref(), Some("801"), "the store's refund id is kept");
        assert_eq!(fake.creations(), 1);
        assert!(fake.problems().is_empty(), "{:?}", fake.problems());
        let st = fake.state.lock().unwrap();
        assert_eq!(st.refunds[0].minor, 1000);
        assert!(st.refunds[0].reason.contains("RF-000001"), "{}", st.refunds[0].reason);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn woocommerce_partial_refunds_up_to_the_cap_and_the_store_refuses_beyond_what_is_left() {
    for backend in common::backends() {
        let fake = WooFake::start(&[]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, _c, _p) = engine_on(&fake, &db.url).await;
        seed_order(&engine, "2026-04-01T10:00:00Z").await;
        refund_and_approve(&engine, "30.00", "2026-04-01T11:00:00Z").await;
        // The store's own staff refunded 15.00 at the till meanwhile: 4.00 is left there.
        fake.refund_in_store(1500);
        // 19.00 is within paydesk's cap (49 - 30) but more than the store has left:
        // WooCommerce answers 500 "Invalid refund amount." — refused, nothing made, and
        // never "maybe paid".
        let out = providers_support::request_on(&engine, &ORDER.to_string(), "19.00", t("2026-04-01T12:00:00Z")).await;
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
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].status, RefundStatus::Succeeded);
        assert_eq!(all[1].status, RefundStatus::Failed, "{:?}", all[1].last_error);
        let why = all[1].last_error.clone().unwrap_or_default();
        assert!(why.contains("larger than what is left"), "{why}");
        // Beyond paydesk's own cap (49.00 - 30.00 paid): refused before a lead is asked.
        let out = providers_support::request_on(&engine, &ORDER.to_string(), "20.00", t("2026-04-01T13:00:00Z")).await;
        assert!(!out.iter().any(|l| l.contains("\"approval")), "{out:?}");
        assert_eq!(fake.creations(), 1);
        assert!(fake.problems().is_empty(), "{:?}", fake.problems());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn woocommerce_lost_answer_is_looked_up_by_meta_key_and_never_refunded_twice() {
    for backend in common::backends() {
        let fake = WooFake::start(&[Answer::Hang, Answer::Ok]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, _c, _p) = engine_on(&fake, &db.url).await;
        seed_order(&engine, "2026-04-01T10:00:00Z").await;
        refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
        // No answer: the runner asks the store (the order's refunds, by our meta key)
        // before anything else, finds the refund the lost request made, and stops there.
        for at in ["2026-04-01T11:05:00Z", "2026-04-01T11:20:00Z"] {
            engine.run_timers(t(at)).await.unwrap();
        }
        let r = refunds(&engine).await.remove(0);
        assert_eq!(r.status, RefundStatus::Succeeded, "{:?}", r.last_error);
        assert_eq!(r.provider_ref.as_deref(), Some("801"));
        assert_eq!(fake.creations(), 1, "the store has no idempotency key: a blind retry would have refunded twice");
        let reqs = fake.state.lock().unwrap().requests.clone();
        assert!(reqs.iter().any(|q| q.starts_with("GET /wp-json/wc/v3/orders/727/refunds")), "{reqs:?}");
        assert_eq!(reqs.iter().filter(|q| q.starts_with("POST")).count(), 1, "{reqs:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn woocommerce_lookup_refused_keeps_the_outcome_unknown() {
    for backend in common::backends() {
        let fake = WooFake::start(&[Answer::Hang]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, _c, _p) = engine_on(&fake, &db.url).await;
        seed_order(&engine, "2026-04-01T10:00:00Z").await;
        // The consumer key was revoked after the refund was sent: 401 on every read.
        let denied = r#"{"code":"woocommerce_rest_cannot_view","message":"Sorry, you cannot list resources.","data":{"status":401}}"#;
        fake.script_lookups(&[(401, denied), (401, denied), (401, denied), (404, r#"{"code":"rest_no_route"}"#)]);
        refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
        for at in ["2026-04-01T11:05:00Z", "2026-04-01T11:20:00Z", "2026-04-01T11:40:00Z"] {
            engine.run_timers(t(at)).await.unwrap();
        }
        let r = refunds(&engine).await.remove(0);
        assert_eq!(r.status, RefundStatus::Executing, "a refused lookup proves nothing: {:?}", r.last_error);
        assert!(r.needs_lookup, "still to be asked");
        assert_eq!(fake.creations(), 1, "nothing was sent again");
        // Once the store answers, the refund made under our key is found.
        engine.run_timers(t("2026-04-01T12:00:00Z")).await.unwrap();
        engine.run_timers(t("2026-04-01T12:30:00Z")).await.unwrap();
        let r = refunds(&engine).await.remove(0);
        assert_eq!(r.status, RefundStatus::Succeeded, "{:?}", r.last_error);
        assert_eq!(fake.creations(), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn woocommerce_fatal_error_page_is_not_a_failure_and_is_looked_up_before_a_retry() {
    for backend in common::backends() {
        // A 500 with WordPress's HTML "critical error" page instead of the REST error body:
        // the refund may or may not have been made, so it is never marked failed, and the
        // store is asked (by our meta key) before anything is sent again.
        let fake = WooFake::start(&[Answer::ServerError, Answer::Ok]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, _c, _p) = engine_on(&fake, &db.url).await;
        seed_order(&engine, "2026-04-01T10:00:00Z").await;
        refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
        let r = refunds(&engine).await.remove(0);
        assert_ne!(r.status, RefundStatus::Failed, "a 500 proves nothing: {:?}", r.last_error);
        for at in ["2026-04-01T11:05:00Z", "2026-04-01T11:20:00Z", "2026-04-01T11:40:00Z"] {
            engine.run_timers(t(at)).await.unwrap();
        }
        let r = refunds(&engine).await.remove(0);
        assert_eq!(r.status, RefundStatus::Succeeded, "{:?}", r.last_error);
        assert_eq!(fake.creations(), 1, "paid exactly once");
        let reqs = fake.state.lock().unwrap().requests.clone();
        let lookup = reqs.iter().position(|q| q.starts_with("GET /wp-json/wc/v3/orders/727/refunds"));
        let second_post = reqs.iter().enumerate().filter(|(_, q)| q.starts_with("POST")).nth(1).map(|(i, _)| i);
        if let Some(second) = second_post {
            assert!(lookup.is_some_and(|l| l < second), "looked up before it was sent again: {reqs:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn woocommerce_rate_limit_honours_ratelimit_retry_after() {
    for backend in common::backends() {
        let fake = WooFake::start(&[Answer::RateLimited, Answer::Ok]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, _c, _p) = engine_on(&fake, &db.url).await;
        seed_order(&engine, "2026-04-01T10:00:00Z").await;
        let started = std::time::Instant::now();
        refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
        let r = refunds(&engine).await.remove(0);
        assert_eq!(r.status, RefundStatus::Succeeded, "{:?}", r.last_error);
        assert!(
            started.elapsed() >= std::time::Duration::from_millis(950),
            "RateLimit-Retry-After: 1 was honoured: {:?}",
            started.elapsed()
        );
        assert_eq!(fake.creations(), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn woocommerce_webhook_signed_forged_stale_replayed() {
    for backend in common::backends() {
        let fake = WooFake::start(&[Answer::Hang]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, clock, providers) = engine_on(&fake, &db.url).await;
        seed_order(&engine, "2026-04-01T10:00:00Z").await;
        // The lost answer cannot be looked up yet (the listing is refused): unknown.
        fake.script_lookups(&[(401, r#"{"code":"woocommerce_rest_cannot_view"}"#)]);
        refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
        assert_eq!(refunds(&engine).await[0].status, RefundStatus::Executing);
        clock.set(t("2026-04-01T11:03:00Z"));
        let state = WebhookState { engine: engine.clone(), keys: providers.webhooks.clone(), clock };
        let addr = paydesk::adapters::http::serve(
            "127.0.0.1:0".parse().unwrap(),
            webhooks::routes(state),
            std::future::pending(),
        )
        .await
        .unwrap();
        let http = reqwest::Client::new();
        let post = |headers: Vec<(&'static str, String)>, body: Vec<u8>| {
            let mut r = http.post(format!("http://{addr}/webhooks/woocommerce")).body(body);
            for (k, v) in headers {
                r = r.header(k, v);
            }
            async move { r.send().await.unwrap().status().as_u16() }
        };
        let secret = Secret::new(WEBHOOK_SECRET);
        let body = serde_json::to_vec(&fake.order_json("2026-04-01T11:02:00")).unwrap();
        let signed = |b: &[u8], s: &Secret| {
            vec![
                ("x-wc-webhook-topic", "order.updated".to_string()),
                ("x-wc-webhook-delivery-id", "d-1".to_string()),
                ("x-wc-webhook-signature", woocommerce_signature(s, b)),
            ]
        };
        let audit = || async { engine.store().audit(None).await.unwrap().len() };
        let before = audit().await;
        // Forged (other secret), tampered, unsigned: refused, nothing read or changed.
        assert_eq!(post(signed(&body, &Secret::new("evil")), body.clone()).await, 401);
        let mut tampered = body.clone();
        tampered.pop();
        assert_eq!(post(signed(&body, &secret), tampered).await, 401);
        assert_eq!(post(vec![("x-wc-webhook-topic", "order.updated".into())], body.clone()).await, 401);
        // Stale: the same order as it was an hour earlier, correctly signed.
        let old = serde_json::to_vec(&fake.order_json("2026-04-01T10:02:00")).unwrap();
        assert_eq!(post(signed(&old, &secret), old.clone()).await, 401);
        assert_eq!(audit().await, before);
        assert_eq!(refunds(&engine).await[0].status, RefundStatus::Executing);
        // The save-time ping (unsigned `webhook_id=…`) is answered and changes nothing.
        assert_eq!(post(vec![], b"webhook_id=14".to_vec()).await, 200);
        // Right: the refund it names is read back, found under our key, and applied.
        assert_eq!(post(signed(&body, &secret), body.clone()).await, 200);
        let r = refunds(&engine).await.remove(0);
        assert_eq!(r.status, RefundStatus::Succeeded, "{:?}", r.last_error);
        assert_eq!(r.provider_ref.as_deref(), Some("801"));
        let after = audit().await;
        // Replayed: the same delivery again changes nothing.
        assert_eq!(post(signed(&body, &secret), body.clone()).await, 200);
        assert_eq!(audit().await, after);
        let snap = engine.store().snapshot().await.unwrap();
        assert_eq!(snap.credit_notes.len(), 1, "one credit note");
        assert_eq!(fake.creations(), 1);
        assert!(fake.problems().is_empty(), "{:?}", fake.problems());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn woocommerce_orders_export_imports_charges_and_reconciles_refunds() {
    for backend in common::backends() {
        let fake = WooFake::start(&[Answer::Ok]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, _c, _p) = engine_on(&fake, &db.url).await;
        seed_people(&engine, "2026-04-01T09:00:00Z").await;
        // The store's own export: GET /wp-json/wc/v3/orders.
        let export = serde_json::to_string(&vec![fake.order_json("2026-04-01T10:00:00")]).unwrap();
        let paydesk::app::reconcile::ParsedCharges { charges, bad, .. } =
            parse_charges_in(&export, "woocommerce", &exponent);
        assert!(bad.is_empty(), "{bad:?}");
        for c in &charges {
            engine.import_charge(c, t("2026-04-01T10:30:00Z")).await.unwrap();
        }
        let c = engine
            .store()
            .charge(&paydesk::domain::ids::ChargeId::new("727".to_string()))
            .await
            .unwrap()
            .expect("order 727 imported");
        assert_eq!((c.provider.as_str(), c.amount), ("woocommerce", "49.00".parse().unwrap()));
        // A refund through paydesk, and one made in the store directly.
        refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
        assert_eq!(refunds(&engine).await[0].status, RefundStatus::Succeeded);
        let till = fake.refund_in_store(500);
        let export = serde_json::to_string(&vec![fake.order_json("2026-04-01T12:00:00")]).unwrap();
        let (theirs, bad) = parse_refunds_in(&export, "woocommerce", &exponent);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(theirs.len(), 2);
        let mismatches = compare("woocommerce", &theirs, &refunds(&engine).await);
        assert_eq!(mismatches.len(), 1, "{mismatches:#?}");
        let m = &mismatches[0];
        assert!(m.describe().contains(&format!("refund {till} of 5.00 USD")), "{}", m.describe());
        let now = t("2026-04-01T12:30:00Z");
        let first = engine
            .reconcile_mismatch("woocommerce", &m.fingerprint(), m.charge().as_ref(), &m.describe(), now)
            .await
            .unwrap();
        assert!(first.is_some(), "a case for the leads");
        let again = engine
            .reconcile_mismatch("woocommerce", &m.fingerprint(), m.charge().as_ref(), &m.describe(), now)
            .await
            .unwrap();
        assert!(again.is_none(), "reconciling the same export again opens nothing new");
    }
}

mod klarna {
    use super::{common, refunds};
    use paydesk::adapters::payments::currency::exponent;
    use paydesk::app::reconcile::{compare, parse_refunds_in};
    use paydesk::domain::approvals::RefundStatus;
    use providers_support_klarna::{engine_on, refund_and_approve, seed_order, Answer, KlarnaFake};

    use super::providers_support::klarna as providers_support_klarna;
    use super::providers_support::t;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn klarna_success_and_partial_refunds_up_to_the_captured_amount() {
        for backend in common::backends() {
            let fake = KlarnaFake::start(&[]).await;
            let db = common::fresh_db(&backend).await;
            let (engine, _c, _p) = engine_on(&fake, &db.url).await;
            seed_order(&engine, "2026-04-01T10:00:00Z").await;
            refund_and_approve(&engine, "30.00", "2026-04-01T11:00:00Z").await;
            let r = refunds(&engine).await.remove(0);
            assert_eq!(r.status, RefundStatus::Succeeded, "{:?}", r.last_error);
            assert_eq!(r.provider_ref.as_deref(), Some("b2cb4f5c-0001"), "the id from Refund-Id");
            // Someone refunded 15.00 in the Merchant Portal: 4.00 is left at Klarna.
            fake.refund_in_portal(1500);
            refund_and_approve(&engine, "19.00", "2026-04-01T12:00:00Z").await;
            let all = refunds(&engine).await;
            assert_eq!(all.len(), 2);
            assert_eq!(all[1].status, RefundStatus::Failed);
            let why = all[1].last_error.clone().unwrap_or_default();
            assert!(why.contains("larger than what is left"), "{why}");
            // Beyond paydesk's own cap: refused before any lead is asked.
            let out = super::providers_support::request_on(
                &engine,
                providers_support_klarna::ORDER,
                "20.00",
                t("2026-04-01T13:00:00Z"),
            )
            .await;
            assert!(!out.iter().any(|l| l.contains("\"approval")), "{out:?}");
            assert_eq!(fake.creations(), 1);
            assert_eq!(fake.state.lock().unwrap().refunds[0].minor, 3000, "minor units");
            assert!(fake.problems().is_empty(), "{:?}", fake.problems());
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn klarna_lost_answer_is_found_through_the_order_and_never_refunded_twice() {
        for backend in common::backends() {
            let fake = KlarnaFake::start(&[Answer::Hang, Answer::Ok]).await;
            let db = common::fresh_db(&backend).await;
            let (engine, _c, _p) = engine_on(&fake, &db.url).await;
            seed_order(&engine, "2026-04-01T10:00:00Z").await;
            refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
            for at in ["2026-04-01T11:05:00Z", "2026-04-01T11:20:00Z"] {
                engine.run_timers(t(at)).await.unwrap();
            }
            let r = refunds(&engine).await.remove(0);
            assert_eq!(r.status, RefundStatus::Succeeded, "{:?}", r.last_error);
            assert_eq!(r.provider_ref.as_deref(), Some("b2cb4f5c-0001"));
            assert_eq!(fake.creations(), 1);
            let reqs = fake.state.lock().unwrap().requests.clone();
            assert!(
                reqs.iter()
                    .any(|q| q == &format!("GET /ordermanagement/v1/orders/{}", providers_support_klarna::ORDER)),
                "{reqs:?}"
            );
            assert_eq!(
                reqs.iter().filter(|q| q.starts_with("POST")).count(),
                1,
                "found by its reference, not by sending again: {reqs:?}"
            );
            assert!(fake.problems().is_empty(), "{:?}", fake.problems());
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn klarna_lookup_refused_keeps_the_outcome_unknown() {
        for backend in common::backends() {
            let fake = KlarnaFake::start(&[Answer::Hang]).await;
            let db = common::fresh_db(&backend).await;
            let (engine, _c, _p) = engine_on(&fake, &db.url).await;
            seed_order(&engine, "2026-04-01T10:00:00Z").await;
            let denied =
                r#"{"error_code":"UNAUTHORIZED","error_messages":["Invalid credentials"],"correlation_id":"c"}"#;
            fake.script_lookups(&[(401, denied), (401, denied), (403, denied), (401, denied)]);
            refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
            for at in ["2026-04-01T11:05:00Z", "2026-04-01T11:20:00Z", "2026-04-01T11:40:00Z"] {
                engine.run_timers(t(at)).await.unwrap();
            }
            let r = refunds(&engine).await.remove(0);
            assert_eq!(r.status, RefundStatus::Executing, "{:?}", r.last_error);
            assert!(r.needs_lookup);
            assert_eq!(fake.creations(), 1);
            engine.run_timers(t("2026-04-01T12:00:00Z")).await.unwrap();
            engine.run_timers(t("2026-04-01T12:30:00Z")).await.unwrap();
            let r = refunds(&engine).await.remove(0);
            assert_eq!(r.status, RefundStatus::Succeeded, "{:?}", r.last_error);
            assert_eq!(fake.creations(), 1);
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn klarna_rate_limited_and_unavailable_are_retried_with_the_same_key() {
        for backend in common::backends() {
            let fake = KlarnaFake::start(&[Answer::RateLimited, Answer::Unavailable, Answer::Ok]).await;
            let db = common::fresh_db(&backend).await;
            let (engine, _c, _p) = engine_on(&fake, &db.url).await;
            seed_order(&engine, "2026-04-01T10:00:00Z").await;
            refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
            let r = refunds(&engine).await.remove(0);
            assert_eq!(r.status, RefundStatus::Succeeded, "{:?}", r.last_error);
            assert_eq!(fake.creations(), 1);
            assert_eq!(fake.state.lock().unwrap().requests.iter().filter(|q| q.starts_with("POST")).count(), 3);
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn klarna_settlements_reconcile() {
        for backend in common::backends() {
            let fake = KlarnaFake::start(&[]).await;
            let db = common::fresh_db(&backend).await;
            let (engine, _c, _p) = engine_on(&fake, &db.url).await;
            seed_order(&engine, "2026-04-01T10:00:00Z").await;
            refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
            let portal = fake.refund_in_portal(500);
            let export = fake.settlement_json().to_string();
            let (theirs, bad) = parse_refunds_in(&export, "klarna", &exponent);
            assert!(bad.is_empty(), "{bad:?}");
            assert_eq!(theirs.len(), 2);
            let m = compare("klarna", &theirs, &refunds(&engine).await);
            assert_eq!(m.len(), 1, "{m:#?}");
            assert!(m[0].describe().contains(&format!("refund {portal} of 5.00 EUR")), "{}", m[0].describe());
            let now = t("2026-04-01T12:30:00Z");
            assert!(engine
                .reconcile_mismatch("klarna", &m[0].fingerprint(), m[0].charge().as_ref(), &m[0].describe(), now)
                .await
                .unwrap()
                .is_some());
            assert!(engine
                .reconcile_mismatch("klarna", &m[0].fingerprint(), m[0].charge().as_ref(), &m[0].describe(), now)
                .await
                .unwrap()
                .is_none());
        }
    }
}
