//! The Shopify connector (issue 14) against a fake built from Shopify's reference
//! (`providers_support::shopify`), on the engine's real runner, on SQLite and — when
//! PAYDESK_TEST_PG is set — PostgreSQL: success through `suggestedRefund` + `refundCreate`,
//! partial refunds up to the cap, a lost answer then lookup (with `@idempotent` on 2026-01,
//! and without it on 2025-10: found by the key in the refund's note, never refunded twice),
//! a 4xx on lookup (the outcome stays unknown), THROTTLED with its query cost honoured,
//! webhooks right/forged/stale/replayed plus a dispute, and import + reconcile of the orders
//! listing.
use crate::common;
use crate::providers_support;

use crate::providers_support::shopify::{
    engine_on, refund_and_approve, seed_order, seed_people, Answer, ShopFake, ORDER, WEBHOOK_SECRET,
};
use crate::providers_support::t;
use paydesk::adapters::http::webhooks::{self, WebhookState};
use paydesk::adapters::payments::currency::exponent;
use paydesk::adapters::payments::shopify::sign;
use paydesk::app::reconcile::{compare, parse_charges_in, parse_refunds_in, ParsedCharges};
use paydesk::domain::approvals::{Refund, RefundStatus};

async fn refunds(engine: &paydesk::app::engine::Engine) -> Vec<Refund> {
    engine.store().snapshot().await.unwrap().refunds
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shopify_success_and_partial_refunds_up_to_the_cap() {
    for backend in common::backends() {
        let fake = ShopFake::start("2026-01", &[]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, _c, _p) = engine_on(&fake, &db.url).await;
        seed_order(&engine, "2026-04-01T10:00:00Z").await;
        refund_and_approve(&engine, "30.00", "2026-04-01T11:00:00Z").await;
        let r = refunds(&engine).await.remove(0);
        assert_eq!(r.status, RefundStatus::Succeeded, "{:?}", r.last_error);
        assert_eq!(r.provider_ref.as_deref(), Some("902"), "the refund transaction's id is kept");
        {
            let st = fake.state.lock().unwrap();
            assert_eq!(st.refunds[0].minor, 3000);
            assert_eq!(st.requests[..2], ["paydeskSuggestedRefund".to_string(), "paydeskRefund".to_string()]);
        }
        // Refunded 15.00 in the Shopify admin meanwhile: 4.00 is left there.
        fake.refund_in_admin(1500);
        let out = providers_support::request_on(&engine, ORDER, "19.00", t("2026-04-01T12:00:00Z")).await;
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
        assert_eq!(all[1].status, RefundStatus::Failed, "{:?}", all[1].last_error);
        assert!(
            all[1].last_error.clone().unwrap_or_default().contains("larger than what is left"),
            "{:?}",
            all[1].last_error
        );
        // Beyond paydesk's own cap, and finer than a cent: refused before any lead is asked.
        for amount in ["20.00", "0.001"] {
            let out = providers_support::request_on(&engine, ORDER, amount, t("2026-04-01T13:00:00Z")).await;
            assert!(!out.iter().any(|l| l.contains("\"approval")), "{amount}: {out:?}");
        }
        assert_eq!(fake.creations(), 1);
        assert!(fake.problems().is_empty(), "{:?}", fake.problems());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shopify_lost_answer_is_found_by_its_note_with_and_without_idempotent() {
    for backend in common::backends() {
        for version in ["2026-01", "2025-10", "2026-04"] {
            let fake = ShopFake::start(version, &[Answer::Hang]).await;
            let db = common::fresh_db(&backend).await;
            let (engine, _c, _p) = engine_on(&fake, &db.url).await;
            seed_order(&engine, "2026-04-01T10:00:00Z").await;
            refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
            for at in ["2026-04-01T11:05:00Z", "2026-04-01T11:20:00Z"] {
                engine.run_timers(t(at)).await.unwrap();
            }
            let r = refunds(&engine).await.remove(0);
            assert_eq!(r.status, RefundStatus::Succeeded, "{version}: {:?}", r.last_error);
            assert_eq!(r.provider_ref.as_deref(), Some("902"));
            assert_eq!(fake.creations(), 1, "{version}");
            let reqs = fake.state.lock().unwrap().requests.clone();
            assert!(reqs.iter().any(|q| q == "paydeskOrderRefunds"), "{reqs:?}");
            assert_eq!(reqs.iter().filter(|q| *q == "paydeskRefund").count(), 1, "{version}: {reqs:?}");
            assert!(fake.problems().is_empty(), "{version}: {:?}", fake.problems());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shopify_lookup_refused_keeps_the_outcome_unknown() {
    for backend in common::backends() {
        // 2025-10: no idempotency key, so only the lookup stands between a retry and a
        // second refund.
        let fake = ShopFake::start("2025-10", &[Answer::Hang]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, _c, _p) = engine_on(&fake, &db.url).await;
        seed_order(&engine, "2026-04-01T10:00:00Z").await;
        let denied = r#"{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}"#;
        fake.script_lookups(&[(401, denied), (401, denied), (403, r#"{"errors":"Forbidden"}"#), (401, denied)]);
        refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
        for at in ["2026-04-01T11:05:00Z", "2026-04-01T11:20:00Z", "2026-04-01T11:40:00Z"] {
            engine.run_timers(t(at)).await.unwrap();
        }
        let r = refunds(&engine).await.remove(0);
        assert_eq!(r.status, RefundStatus::Executing, "a refused lookup proves nothing: {:?}", r.last_error);
        assert!(r.needs_lookup);
        assert_eq!(fake.creations(), 1, "nothing sent again");
        engine.run_timers(t("2026-04-01T12:00:00Z")).await.unwrap();
        engine.run_timers(t("2026-04-01T12:30:00Z")).await.unwrap();
        let r = refunds(&engine).await.remove(0);
        assert_eq!(r.status, RefundStatus::Succeeded, "{:?}", r.last_error);
        assert_eq!(fake.creations(), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shopify_throttled_waits_for_the_query_cost_to_restore() {
    for backend in common::backends() {
        let fake = ShopFake::start("2026-01", &[Answer::Throttled, Answer::Ok]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, _c, _p) = engine_on(&fake, &db.url).await;
        seed_order(&engine, "2026-04-01T10:00:00Z").await;
        let started = std::time::Instant::now();
        refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
        let r = refunds(&engine).await.remove(0);
        assert_eq!(r.status, RefundStatus::Succeeded, "{:?}", r.last_error);
        // (20 requested - 10 available) / 10 restored per second = 1 s.
        assert!(
            started.elapsed() >= std::time::Duration::from_millis(950),
            "the cost's restore time was waited: {:?}",
            started.elapsed()
        );
        assert_eq!(fake.creations(), 1);
        assert_eq!(fake.state.lock().unwrap().requests.iter().filter(|q| *q == "paydeskRefund").count(), 2);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shopify_webhook_signed_forged_stale_replayed_and_a_dispute() {
    for backend in common::backends() {
        let fake = ShopFake::start("2026-01", &[Answer::Pending]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, clock, providers) = engine_on(&fake, &db.url).await;
        seed_order(&engine, "2026-04-01T10:00:00Z").await;
        refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
        assert_eq!(refunds(&engine).await[0].status, RefundStatus::Executing, "PENDING");
        fake.settle("SUCCESS");
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
        let post = |topic: &'static str, sig: Option<String>, body: Vec<u8>| {
            let mut r =
                http.post(format!("http://{addr}/webhooks/shopify")).header("x-shopify-topic", topic).body(body);
            if let Some(s) = sig {
                r = r.header("x-shopify-hmac-sha256", s);
            }
            async move { r.send().await.unwrap().status().as_u16() }
        };
        let body = serde_json::to_vec(&fake.refund_webhook("2026-04-01T07:02:00-04:00")).unwrap();
        let audit = || async { engine.store().audit(None).await.unwrap().len() };
        let before = audit().await;
        assert_eq!(post("refunds/create", Some(sign("other-secret", &body)), body.clone()).await, 401, "forged");
        let mut tampered = body.clone();
        tampered.pop();
        assert_eq!(post("refunds/create", Some(sign(WEBHOOK_SECRET, &body)), tampered).await, 401, "tampered");
        assert_eq!(post("refunds/create", None, body.clone()).await, 401, "unsigned");
        let old = serde_json::to_vec(&fake.refund_webhook("2026-04-01T06:02:00-04:00")).unwrap();
        assert_eq!(post("refunds/create", Some(sign(WEBHOOK_SECRET, &old)), old.clone()).await, 401, "stale");
        assert_eq!(audit().await, before);
        assert_eq!(post("refunds/create", Some(sign(WEBHOOK_SECRET, &body)), body.clone()).await, 200);
        let r = refunds(&engine).await.remove(0);
        assert_eq!(r.status, RefundStatus::Succeeded, "{:?}", r.last_error);
        let after = audit().await;
        assert_eq!(post("refunds/create", Some(sign(WEBHOOK_SECRET, &body)), body.clone()).await, 200, "replayed");
        assert_eq!(audit().await, after, "the same delivery changes nothing twice");
        assert_eq!(engine.store().snapshot().await.unwrap().credit_notes.len(), 1);
        // A chargeback on the order marks the charge disputed.
        let dispute = serde_json::to_vec(&serde_json::json!({"id": 1052608616u64, "order_id": ORDER.parse::<u64>().unwrap(), "type": "chargeback",
            "amount": "49.00", "currency": "USD", "reason": "fraudulent", "status": "needs_response", "initiated_at": "2026-04-01T07:01:00-04:00"}))
        .unwrap();
        assert_eq!(post("disputes/create", Some(sign(WEBHOOK_SECRET, &dispute)), dispute.clone()).await, 200);
        let c = engine.store().charge(&paydesk::domain::ids::ChargeId::new(ORDER.to_string())).await.unwrap().unwrap();
        assert!(c.disputed);
        assert_eq!(fake.creations(), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shopify_orders_listing_imports_and_reconciles() {
    for backend in common::backends() {
        let fake = ShopFake::start("2026-01", &[]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, _c, _p) = engine_on(&fake, &db.url).await;
        seed_people(&engine, "2026-04-01T09:00:00Z").await;
        let export = fake.orders_json().to_string();
        let ParsedCharges { charges, unpaid, bad } = parse_charges_in(&export, "shopify", &exponent);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(unpaid.len(), 1, "the pending order is skipped");
        assert_eq!(charges.len(), 1);
        assert_eq!(charges[0].at, t("2026-04-01T10:00:00Z"));
        for c in &charges {
            engine.import_charge(c, t("2026-04-01T10:30:00Z")).await.unwrap();
        }
        let c = engine
            .store()
            .charge(&paydesk::domain::ids::ChargeId::new(ORDER.to_string()))
            .await
            .unwrap()
            .expect("imported");
        assert_eq!((c.provider.as_str(), c.account.to_string()), ("shopify", "shopify-207119551".to_string()));
        refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
        assert_eq!(refunds(&engine).await[0].status, RefundStatus::Succeeded);
        let admin = fake.refund_in_admin(500);
        let (theirs, bad) = parse_refunds_in(&fake.orders_json().to_string(), "shopify", &exponent);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(theirs.len(), 2);
        assert!(
            theirs[0].idempotency_key.as_deref().is_some_and(|k| k.starts_with("pd_")),
            "our key from the note: {theirs:?}"
        );
        let m = compare("shopify", &theirs, &refunds(&engine).await);
        assert_eq!(m.len(), 1, "{m:#?}");
        assert!(m[0].describe().contains(&format!("refund {admin} of 5.00 USD")), "{}", m[0].describe());
        let now = t("2026-04-01T12:30:00Z");
        assert!(engine
            .reconcile_mismatch("shopify", &m[0].fingerprint(), m[0].charge().as_ref(), &m[0].describe(), now)
            .await
            .unwrap()
            .is_some());
        assert!(engine
            .reconcile_mismatch("shopify", &m[0].fingerprint(), m[0].charge().as_ref(), &m[0].describe(), now)
            .await
            .unwrap()
            .is_none());
    }
}
