//! Amazon Pay (issue 14) against a fake built from its reference
//! (`providers_support/amazon_pay.rs`), on the engine's real runner, on SQLite and — when
//! PAYDESK_TEST_PG is set — PostgreSQL: every request signed (the fake verifies each
//! signature with the merchant's public key), a refund pending then refunded, partial
//! refunds up to the cap, a lost answer found by replaying the same key (no second
//! refund), a refused lookup (unknown, never failed), Declined, rate limiting (429
//! TooManyRequests), instant payment notifications as SNS messages (right, forged,
//! stale, replayed, wrong certificate host, subscription confirmation), and the
//! settlement report's import and reconcile.
use crate::common;
use crate::providers_support;

use crate::providers_support::amazon_pay as amazon_pay_fake;

use crate::providers_support::t;
use amazon_pay_fake::{
    engine_on, refund_and_approve, seed_charge, seed_order, seed_people, AmzFake, Answer, CHARGE, PUBLIC_KEY_ID,
};
use paydesk::adapters::http::webhooks::{self, WebhookState};
use paydesk::adapters::payments::amazon_pay::{self, sns};
use paydesk::adapters::payments::currency::exponent;
use paydesk::app::reconcile::{compare, parse_charges_in, parse_refunds_in};
use paydesk::domain::approvals::{Refund, RefundStatus};
use sha2::{Digest, Sha256};
use std::sync::Arc;

async fn refunds(engine: &paydesk::app::engine::Engine) -> Vec<Refund> {
    engine.store().snapshot().await.unwrap().refunds
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amazon_pay_signed_refund_pending_then_refunded() {
    for backend in common::backends() {
        let fake = AmzFake::start(&[Answer::Ok]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, _c, _p) = engine_on(&fake, &db.url).await;
        seed_order(&engine, "2026-04-01T10:00:00Z").await;
        refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
        let r = refunds(&engine).await.remove(0);
        // Accepted, not final: "Refunds start in a Pending state".
        assert_eq!(r.status, RefundStatus::Executing, "{:?}", r.last_error);
        let id = r.provider_ref.clone().expect("the refund id is kept");
        assert!(id.ends_with("-R000001"), "{id}");
        // Amazon Pay processes it; the status sync reads it back by its id.
        fake.process_all();
        engine.run_timers(t("2026-04-01T11:12:00Z")).await.unwrap();
        let r = refunds(&engine).await.remove(0);
        assert_eq!(r.status, RefundStatus::Succeeded, "{:?}", r.last_error);
        assert_eq!(fake.creations(), 1);
        assert!(fake.problems().is_empty(), "{:?}", fake.problems());
        let st = fake.state.lock().unwrap();
        assert_eq!(
            (st.refunds[0].amount.as_str(), st.refunds[0].soft_descriptor.as_str()),
            ("10.00", "Refund RF-000001")
        );
        assert!(st.requests.iter().any(|q| q == &format!("GET /sandbox/v2/refunds/{id}")), "{:?}", st.requests);
        assert!(st.seen.len() >= 2, "every request was signed and checked");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amazon_pay_signature_matches_a_canonical_request_built_by_hand() {
    let fake = AmzFake::start(&[Answer::Ok]).await;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("a.db").display());
    let (engine, _c, _p) = engine_on(&fake, &url).await;
    seed_order(&engine, "2026-04-01T10:00:00Z").await;
    refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
    let r = refunds(&engine).await.remove(0);
    assert!(fake.problems().is_empty(), "{:?}", fake.problems());
    let seen = fake.state.lock().unwrap().seen[0].clone();
    // The canonical request for this POST, written out by hand from the documented
    // example (signing-requests.html, Step 1): method, URI, empty query, the signed
    // headers sorted `name:value`, an empty line, their names, the body's SHA-256.
    let key = amazon_pay::amz_key(&r.idempotency_key);
    let body = format!(
        r#"{{"chargeId":"{CHARGE}","refundAmount":{{"amount":"10.00","currencyCode":"USD"}},"softDescriptor":"Refund RF-000001"}}"#
    );
    let by_hand = format!(
        "POST\n/sandbox/v2/refunds\n\naccept:application/json\ncontent-type:application/json\nx-amz-pay-date:{}\nx-amz-pay-host:127.0.0.1\n\
         x-amz-pay-idempotency-key:{key}\nx-amz-pay-region:us\n\n\
         accept;content-type;x-amz-pay-date;x-amz-pay-host;x-amz-pay-idempotency-key;x-amz-pay-region\n{}",
        seen.date,
        hex::encode(Sha256::digest(body.as_bytes()))
    );
    assert_eq!(seen.canonical, by_hand);
    // The signature, checked here with the public key alone: RSASSA-PSS, SHA-256, salt 32,
    // over "AMZN-PAY-RSASSA-PSS-V2\n" + hex(SHA-256(canonical request)).
    let prefix = format!("AMZN-PAY-RSASSA-PSS-V2 PublicKeyId={PUBLIC_KEY_ID}, SignedHeaders=");
    assert!(seen.authorization.starts_with(&prefix), "{}", seen.authorization);
    let sig_b64 = seen.authorization.split("Signature=").nth(1).unwrap();
    let sig = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, sig_b64).unwrap();
    let to_sign = format!("AMZN-PAY-RSASSA-PSS-V2\n{}", hex::encode(Sha256::digest(by_hand.as_bytes())));
    let public = amazon_pay_fake::merchant_key().to_public_key();
    use rsa::signature::Verifier;
    let v32 = rsa::pss::VerifyingKey::<Sha256>::new_with_salt_len(public.clone(), 32);
    let sig = rsa::pss::Signature::try_from(sig.as_slice()).unwrap();
    assert!(v32.verify(to_sign.as_bytes(), &sig).is_ok(), "verifies with salt 32");
    assert!(v32.verify(b"AMZN-PAY-RSASSA-PSS-V2\n00", &sig).is_err(), "and only over that string");
    let v20 = rsa::pss::VerifyingKey::<Sha256>::new_with_salt_len(public, 20);
    assert!(v20.verify(to_sign.as_bytes(), &sig).is_err(), "the first algorithm's 20-byte salt is not what was used");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amazon_pay_partial_refunds_up_to_the_cap_and_region_rules_before_approval() {
    for backend in common::backends() {
        let fake = AmzFake::start(&[]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, _c, _p) = engine_on(&fake, &db.url).await;
        seed_order(&engine, "2026-04-01T10:00:00Z").await;
        refund_and_approve(&engine, "30.00", "2026-04-01T11:00:00Z").await;
        fake.process_all();
        engine.run_timers(t("2026-04-01T11:12:00Z")).await.unwrap();
        assert_eq!(refunds(&engine).await[0].status, RefundStatus::Succeeded);
        // 15.00 refunded in Seller Central meanwhile: Amazon Pay takes at most 49.00 +
        // 7.35 (15%) in all, so 19.00 more (within paydesk's 49 - 30) is refused there.
        fake.refund_in_seller_central(1500);
        refund_and_approve(&engine, "19.00", "2026-04-01T12:00:00Z").await;
        let all = refunds(&engine).await;
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].status, RefundStatus::Failed, "{:?}", all[1].last_error);
        let why = all[1].last_error.clone().unwrap_or_default();
        assert!(why.contains("larger than what is left"), "{why}");
        // Beyond paydesk's own cap: refused before any lead is asked.
        let out = providers_support::request_on(&engine, CHARGE, "20.00", t("2026-04-01T13:00:00Z")).await;
        assert!(!out.iter().any(|l| l.contains("\"approval")), "{out:?}");
        // A EUR charge on a US merchant account: Amazon Pay US takes USD only — said
        // before a lead is asked, never sent.
        seed_charge(&engine, "S01-5105180-3221187-C000009", "20.00", "EUR", "2026-04-01T13:00:00Z").await;
        let out =
            providers_support::request_on(&engine, "S01-5105180-3221187-C000009", "5.00", t("2026-04-01T13:10:00Z"))
                .await;
        assert!(!out.iter().any(|l| l.contains("\"approval")), "{out:?}");
        assert!(out.iter().any(|l| l.contains("USD only")), "the reason is given: {out:?}");
        assert_eq!(fake.creations(), 1);
        assert!(fake.problems().is_empty(), "{:?}", fake.problems());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amazon_pay_lost_answer_is_replayed_under_the_same_key_and_never_refunded_twice() {
    for backend in common::backends() {
        let fake = AmzFake::start(&[Answer::Hang, Answer::Ok]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, _c, _p) = engine_on(&fake, &db.url).await;
        seed_order(&engine, "2026-04-01T10:00:00Z").await;
        // The answer is lost; the runner asks at once, before any retry: Amazon Pay has no
        // read by key, so it sends the same request under the same key, which answers the
        // refund the lost request made.
        refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
        engine.run_timers(t("2026-04-01T11:05:00Z")).await.unwrap();
        let r = refunds(&engine).await.remove(0);
        assert_eq!(r.status, RefundStatus::Executing, "{:?}", r.last_error);
        assert!(r.provider_ref.as_deref().is_some_and(|p| p.ends_with("-R000001")), "found: {:?}", r.provider_ref);
        assert_eq!(fake.posts(), 2, "the lost request and its replay");
        assert_eq!(fake.creations(), 1, "the replay answered the saved refund");
        fake.process_all();
        engine.run_timers(t("2026-04-01T11:20:00Z")).await.unwrap();
        assert_eq!(refunds(&engine).await[0].status, RefundStatus::Succeeded);
        assert_eq!(fake.creations(), 1);
        assert_eq!(fake.state.lock().unwrap().saved.len(), 1, "one key for both sends");
        assert!(fake.problems().is_empty(), "{:?}", fake.problems());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amazon_pay_refused_lookup_keeps_the_outcome_unknown() {
    for backend in common::backends() {
        let fake = AmzFake::start(&[Answer::Ok]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, _c, _p) = engine_on(&fake, &db.url).await;
        seed_order(&engine, "2026-04-01T10:00:00Z").await;
        refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
        fake.process_all();
        let denied = r#"{"reasonCode":"UnauthorizedAccess","message":"Unauthorized"}"#;
        let gone = r#"{"reasonCode":"ResourceNotFound","message":"not found"}"#;
        fake.script_lookups(&[(401, denied), (401, denied), (403, denied), (404, gone), (404, gone), (404, gone)]);
        for at in ["2026-04-01T11:12:00Z", "2026-04-01T11:24:00Z"] {
            engine.run_timers(t(at)).await.unwrap();
        }
        let r = refunds(&engine).await.remove(0);
        assert_eq!(r.status, RefundStatus::Executing, "a refused lookup proves nothing: {:?}", r.last_error);
        assert!(r.needs_lookup);
        assert_eq!(fake.creations(), 1);
        engine.run_timers(t("2026-04-01T11:40:00Z")).await.unwrap();
        engine.run_timers(t("2026-04-01T12:00:00Z")).await.unwrap();
        let r = refunds(&engine).await.remove(0);
        assert_eq!(r.status, RefundStatus::Succeeded, "{:?}", r.last_error);
        assert_eq!(fake.creations(), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amazon_pay_declined_is_failed_with_its_reason() {
    for backend in common::backends() {
        let fake = AmzFake::start(&[Answer::Ok]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, _c, _p) = engine_on(&fake, &db.url).await;
        seed_order(&engine, "2026-04-01T10:00:00Z").await;
        fake.decline_with("AmazonRejected");
        refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
        // Still pending: not failed until Amazon Pay says Declined.
        engine.run_timers(t("2026-04-01T11:12:00Z")).await.unwrap();
        assert_eq!(refunds(&engine).await[0].status, RefundStatus::Executing);
        fake.process_all();
        engine.run_timers(t("2026-04-01T11:24:00Z")).await.unwrap();
        let r = refunds(&engine).await.remove(0);
        assert_eq!(r.status, RefundStatus::Failed);
        let why = r.last_error.unwrap_or_default();
        assert!(why.contains("AmazonRejected") && why.contains("another way"), "{why}");
        assert_eq!(fake.creations(), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amazon_pay_rate_limited_is_retried_with_the_same_key() {
    for backend in common::backends() {
        let fake = AmzFake::start(&[Answer::RateLimited, Answer::RateLimited, Answer::Ok]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, _c, _p) = engine_on(&fake, &db.url).await;
        seed_order(&engine, "2026-04-01T10:00:00Z").await;
        refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
        let r = refunds(&engine).await.remove(0);
        assert_eq!(r.status, RefundStatus::Executing, "{:?}", r.last_error);
        assert!(r.provider_ref.is_some());
        assert_eq!(fake.posts(), 3, "two 429 TooManyRequests, then made");
        assert_eq!(fake.creations(), 1);
        assert!(fake.problems().is_empty(), "{:?}", fake.problems());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amazon_pay_ipn_signed_forged_stale_replayed_and_wrong_certificate_host() {
    for backend in common::backends() {
        let fake = AmzFake::start(&[Answer::Ok]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, clock, mut providers) = engine_on(&fake, &db.url).await;
        seed_order(&engine, "2026-04-01T10:00:00Z").await;
        refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
        let refund_id = refunds(&engine).await[0].provider_ref.clone().unwrap();
        fake.process_all();
        clock.set(t("2026-04-01T11:03:00Z"));
        // Production's verifier first: the fake's certificate is on this machine, not on
        // sns.<region>.amazonaws.com — refused before it is fetched.
        let prod = providers.webhooks.clone();
        let http = reqwest::Client::new();
        let serve = |keys| {
            let state = WebhookState { engine: engine.clone(), keys, clock: clock.clone() };
            paydesk::adapters::http::serve(
                "127.0.0.1:0".parse().unwrap(),
                webhooks::routes(state),
                std::future::pending(),
            )
        };
        let prod_addr = serve(prod).await.unwrap();
        let ipn = AmzFake::refund_ipn(&refund_id, "n-1");
        let good =
            serde_json::to_vec(&fake.sns_message("Notification", &ipn, "m-1", "2026-04-01T11:02:30.000Z", 2, None))
                .unwrap();
        let post = |addr: std::net::SocketAddr, body: Vec<u8>| {
            let r =
                http.post(format!("http://{addr}/webhooks/amazon_pay")).header("content-type", "text/plain").body(body);
            async move { r.send().await.unwrap().status().as_u16() }
        };
        assert_eq!(
            post(prod_addr, good.clone()).await,
            401,
            "a certificate host other than sns.<region>.amazonaws.com is refused"
        );
        assert_eq!(fake.state.lock().unwrap().cert_fetches, 0, "and never fetched");
        // The test's verifier also admits this machine's fake SNS.
        let old = providers.webhooks.amazon_pay.take().unwrap();
        providers.webhooks.amazon_pay = Some(Arc::new(amazon_pay::Ipns {
            verifier: sns::SnsVerifier::new().allow_loopback_for_tests(),
            topic_arn: old.topic_arn.clone(),
            exec: old.exec.clone(),
        }));
        let addr = serve(providers.webhooks.clone()).await.unwrap();
        let audit = || async { engine.store().audit(None).await.unwrap().len() };
        let before = audit().await;
        // Forged: signed with another key; tampered: the message changed after signing.
        let forged = serde_json::to_vec(&fake.sns_message(
            "Notification",
            &ipn,
            "m-1",
            "2026-04-01T11:02:30.000Z",
            2,
            Some(amazon_pay_fake::merchant_key()),
        ))
        .unwrap();
        assert_eq!(post(addr, forged).await, 401);
        let mut tampered: serde_json::Value = serde_json::from_slice(&good).unwrap();
        tampered["Message"] = serde_json::json!(AmzFake::refund_ipn("S01-5105180-3221187-R999999", "n-1"));
        assert_eq!(post(addr, serde_json::to_vec(&tampered).unwrap()).await, 401);
        // Another host in a correctly signed message: refused before any fetch.
        let mut elsewhere: serde_json::Value = serde_json::from_slice(&good).unwrap();
        elsewhere["SigningCertURL"] = serde_json::json!("https://sns.us-east-1.amazonaws.com.evil.example/cert.pem");
        assert_eq!(post(addr, serde_json::to_vec(&elsewhere).unwrap()).await, 401);
        // Stale: correctly signed, an hour old.
        let stale =
            serde_json::to_vec(&fake.sns_message("Notification", &ipn, "m-0", "2026-04-01T10:02:30.000Z", 2, None))
                .unwrap();
        assert_eq!(post(addr, stale).await, 401);
        assert_eq!(post(addr, b"not json".to_vec()).await, 400);
        assert_eq!(audit().await, before);
        assert_eq!(refunds(&engine).await[0].status, RefundStatus::Executing);
        // Right: the refund it names is read back (Refunded) and applied.
        assert_eq!(post(addr, good.clone()).await, 200);
        let r = refunds(&engine).await.remove(0);
        assert_eq!(r.status, RefundStatus::Succeeded, "{:?}", r.last_error);
        let after = audit().await;
        // Replayed: the same message again changes nothing.
        assert_eq!(post(addr, good.clone()).await, 200);
        assert_eq!(audit().await, after);
        // SignatureVersion 1 (SHA1withRSA) verifies too; the certificate was fetched once.
        let v1 =
            serde_json::to_vec(&fake.sns_message("Notification", &ipn, "m-2", "2026-04-01T11:02:40.000Z", 1, None))
                .unwrap();
        assert_eq!(post(addr, v1).await, 200);
        assert_eq!(fake.state.lock().unwrap().cert_fetches, 1, "cached");
        // The subscription confirmation for the configured topic is confirmed.
        let confirm = serde_json::to_vec(&fake.sns_message(
            "SubscriptionConfirmation",
            "You have chosen to subscribe",
            "m-3",
            "2026-04-01T11:02:50.000Z",
            2,
            None,
        ))
        .unwrap();
        assert_eq!(post(addr, confirm).await, 200);
        assert_eq!(fake.state.lock().unwrap().confirmed.len(), 1);
        let snap = engine.store().snapshot().await.unwrap();
        assert_eq!(snap.credit_notes.len(), 1, "one credit note");
        assert_eq!(fake.creations(), 1);
        assert!(fake.problems().is_empty(), "{:?}", fake.problems());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amazon_pay_settlement_report_reconciles_and_names_no_customer_for_import() {
    for backend in common::backends() {
        let fake = AmzFake::start(&[]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, _c, _p) = engine_on(&fake, &db.url).await;
        seed_people(&engine, "2026-04-01T09:00:00Z").await;
        // Import: the report has the capture but no customer to keep it under.
        let parsed = parse_charges_in(&fake.settlement_report(), "amazon_pay", &exponent);
        assert!(parsed.charges.is_empty());
        assert_eq!(parsed.bad.len(), 1);
        assert!(parsed.bad[0].message.contains("name no customer"), "{:?}", parsed.bad);
        seed_charge(&engine, CHARGE, "49.00", "USD", "2026-04-01T10:00:00Z").await;
        refund_and_approve(&engine, "10.00", "2026-04-01T11:00:00Z").await;
        fake.process_all();
        engine.run_timers(t("2026-04-01T11:12:00Z")).await.unwrap();
        assert_eq!(refunds(&engine).await[0].status, RefundStatus::Succeeded);
        let central = fake.refund_in_seller_central(500);
        let (theirs, bad) = parse_refunds_in(&fake.settlement_report(), "amazon_pay", &exponent);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(theirs.len(), 2);
        let m = compare("amazon_pay", &theirs, &refunds(&engine).await);
        assert_eq!(m.len(), 1, "{m:#?}");
        assert!(m[0].describe().contains(&format!("refund {central} of 5.00 USD")), "{}", m[0].describe());
        let now = t("2026-04-01T12:30:00Z");
        assert!(engine
            .reconcile_mismatch("amazon_pay", &m[0].fingerprint(), m[0].charge().as_ref(), &m[0].describe(), now)
            .await
            .unwrap()
            .is_some());
        assert!(engine
            .reconcile_mismatch("amazon_pay", &m[0].fingerprint(), m[0].charge().as_ref(), &m[0].describe(), now)
            .await
            .unwrap()
            .is_none());
    }
}
