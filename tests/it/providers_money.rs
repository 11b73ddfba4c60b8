//! The money path against fakes written from each provider's published reference (see
//! `providers_support`): every refund the provider would accept is made, in the amount
//! the customer is told, and nothing that may have been paid is marked failed. Each test
//! runs on SQLite and, when PAYDESK_TEST_PG is set, on PostgreSQL.
use crate::common;
use crate::providers_support;

use crate::providers_support::{approve, engine_on, outbox, request, seed_charge, t, Answer, Fake, Kind};
use paydesk::app::engine::Engine;
use paydesk::domain::approvals::{Refund, RefundStatus};
use paydesk::domain::money::Currency;
use std::sync::Arc;

const START: &str = "2026-04-01T10:00:00Z";

async fn only_refund(engine: &Engine) -> Refund {
    let snap = engine.store().snapshot().await.unwrap();
    assert_eq!(snap.refunds.len(), 1, "one refund requested");
    snap.refunds[0].clone()
}

/// A fake of `kind` holding a charge of `charge` (`minor` in the provider's units) and an
/// engine on `backend` with that charge seeded.
async fn setup(
    backend: &common::Backend,
    kind: Kind,
    script: &[Answer],
    cur: &str,
    charge: &str,
    minor: i64,
) -> (Fake, Arc<Engine>, common::TestDb) {
    let fake = Fake::start(kind, script).await;
    fake.set_charge(cur, minor);
    let db = common::fresh_db(backend).await;
    let (engine, _clock, _p) = engine_on(&fake, &db.url).await;
    seed_charge(&engine, kind, START, Currency::from_code(cur).unwrap(), charge).await;
    (fake, engine, db)
}

/// Defect 1: Stripe refuses `currency` next to `charge`/`payment_intent` ("400
/// parameter_unknown", stripe-node issue 1804), so every refund failed. Paid now, in
/// USD, a zero-decimal (JPY) and a three-decimal currency (KWD), in the right minor units.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stripe_refunds_carry_no_currency_and_are_paid() {
    for backend in common::backends() {
        for (cur, charge, minor, amount, wire) in [
            ("USD", "49.00", 4900, "10.00", 1000),
            ("JPY", "4900", 4900, "1000", 1000),
            ("KWD", "49.000", 49000, "10.250", 10250),
        ] {
            let (fake, engine, _db) = setup(&backend, Kind::Stripe, &[Answer::Ok], cur, charge, minor).await;
            let at = t(START) + chrono::Duration::hours(1);
            request(&engine, Kind::Stripe, amount, at).await;
            approve(&engine, at + chrono::Duration::minutes(1)).await;
            let r = only_refund(&engine).await;
            assert_eq!(r.status, RefundStatus::Succeeded, "{cur}: {:?}", r.last_error);
            assert_eq!(fake.refunded(), wire, "{cur}: what left Stripe");
            let (_, problems) = fake.snapshot();
            assert!(problems.is_empty(), "{problems:?}");
            let told = outbox(&engine).await.join("\n");
            assert!(told.contains(&format!("Your refund of {amount} {cur}")), "{cur}: {told}");
        }
    }
}

/// The 4xx answers a lookup can get after a lost answer, as the providers send them: a
/// rotated key (401/403), an unknown id (404), a validation error on the replayed
/// request (422), and a body that is not JSON at all (a proxy's error page).
const LOOKUP_ERRORS: [(u16, &str); 7] = [
    (401, r#"{"error":{"type":"invalid_request_error","message":"Invalid API Key provided"}}"#),
    (403, r#"{"name":"PERMISSION_DENIED","message":"You do not have permission"}"#),
    (404, r#"{"error":{"type":"invalid_request_error","code":"resource_missing","message":"No such refund"}}"#),
    (
        422,
        r#"{"name":"UNPROCESSABLE_ENTITY","details":[{"issue":"DUPLICATE_INVOICE_ID"}],"errorCode":"702","message":"Structure validation failed"}"#,
    ),
    (200, "<html>gateway says hello</html>"),
    (404, r#"{"status":404,"title":"Not Found","detail":"No refund exists with token"}"#),
    (422, r#"{"status":422,"errorCode":"167","message":"Original pspReference required for this operation"}"#),
];

/// Defect 2: after a lost answer, an error while asking what happened — 401/403, 404, a
/// validation error on the replay, a non-JSON body — never marks the refund failed: it
/// stays unknown, is asked about again on a backoff, the leads are told once after 30
/// minutes that it may have been paid and must not be re-issued, and the provider's
/// final word (a lookup, or a late webhook) applies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_answer_then_4xx_lookups_is_never_failed() {
    for backend in common::backends() {
        for kind in Kind::ALL {
            let (fake, engine, _db) =
                setup(&backend, kind, &[Answer::Hang], providers_support::currency(kind).code(), "49.00", 4900).await;
            fake.script_lookups(&LOOKUP_ERRORS);
            let at = t(START) + chrono::Duration::hours(1);
            request(&engine, kind, "10.00", at).await;
            approve(&engine, at + chrono::Duration::minutes(1)).await;
            let mut escalated_at = None;
            for tick in ["11:05", "11:15", "11:25", "11:35", "11:45", "11:55", "12:05", "12:15", "12:30"] {
                let now = t(&format!("2026-04-01T{tick}:00Z"));
                engine.run_timers(now).await.unwrap();
                let r = only_refund(&engine).await;
                assert_ne!(r.status, RefundStatus::Failed, "{kind:?} at {tick}: {:?}", r.last_error);
                let told = outbox(&engine).await;
                let warnings =
                    told.iter().filter(|l| l.contains("may have been paid") && l.contains("do not re-issue")).count();
                assert!(warnings <= 1, "{kind:?}: the leads are warned once: {told:#?}");
                if warnings == 1 && escalated_at.is_none() {
                    escalated_at = Some(tick);
                }
            }
            let told = outbox(&engine).await.join("\n");
            assert!(!told.contains("failed"), "{kind:?}: nobody is told it failed: {told}");
            assert!(
                escalated_at.is_some_and(|t| t >= "11:31"),
                "{kind:?}: escalated after 30 minutes, not before: {escalated_at:?}"
            );
            let r = only_refund(&engine).await;
            if kind == Kind::Adyen {
                // Adyen's outcome comes only by webhook: a late success applies.
                assert_eq!(r.status, RefundStatus::Executing);
                let u = paydesk::app::engine::RefundUpdate {
                    provider: "adyen".into(),
                    event_id: "late-1".into(),
                    provider_ref: r.provider_ref.clone().expect("the replay returned the pspReference"),
                    idempotency_key: Some(r.idempotency_key.clone()),
                    status: paydesk::app::ports::ProviderStatus::Succeeded,
                };
                engine.provider_refund_update(&u, t("2026-04-01T13:00:00Z")).await.unwrap();
            }
            let r = only_refund(&engine).await;
            assert_eq!(r.status, RefundStatus::Succeeded, "{kind:?}: {:?}", r.last_error);
            let snap = engine.store().snapshot().await.unwrap();
            assert_eq!(snap.credit_notes.len(), 1, "{kind:?}");
            assert_eq!(fake.snapshot().0.values().sum::<u32>(), 1, "{kind:?}: paid once");
        }
    }
}

/// Defect 2, the webhook side: a refund recorded failed that the provider reports paid
/// is recorded paid (credit note, customer told), not merely logged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn success_webhook_after_failed_applies() {
    for backend in common::backends() {
        let (_fake, engine, _db) = setup(&backend, Kind::Stripe, &[Answer::Refused], "USD", "49.00", 4900).await;
        let at = t(START) + chrono::Duration::hours(1);
        request(&engine, Kind::Stripe, "10.00", at).await;
        approve(&engine, at + chrono::Duration::minutes(1)).await;
        let r = only_refund(&engine).await;
        assert_eq!(r.status, RefundStatus::Failed);
        let u = paydesk::app::engine::RefundUpdate {
            provider: "stripe".into(),
            event_id: "evt_late".into(),
            provider_ref: "re_late".into(),
            idempotency_key: Some(r.idempotency_key.clone()),
            status: paydesk::app::ports::ProviderStatus::Succeeded,
        };
        let out = engine.provider_refund_update(&u, at + chrono::Duration::hours(2)).await.unwrap();
        assert_eq!(out, paydesk::app::engine::WebhookOutcome::Applied);
        let r = only_refund(&engine).await;
        assert_eq!(r.status, RefundStatus::Succeeded);
        assert_eq!(engine.store().snapshot().await.unwrap().credit_notes.len(), 1);
        assert!(outbox(&engine).await.join("\n").contains("Your refund of 10.00 USD"));
    }
}

/// Defect 3: each provider's exponent for a currency, not ISO 4217's. 400 ISK through
/// Stripe is 40000 on the wire (Stripe keeps ISK two-decimal), CLP through Adyen has two
/// decimals, HUF through PayPal none; what leaves is what the customer is told.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_exponents_pay_what_the_customer_is_told() {
    for backend in common::backends() {
        for (kind, cur, charge, minor, amount, wire) in [
            (Kind::Stripe, "ISK", "4900", 490_000, "400", 40_000),
            (Kind::Adyen, "CLP", "49000", 4_900_000, "1000", 100_000),
            (Kind::Adyen, "ISK", "4900", 490_000, "400", 40_000),
            (Kind::Adyen, "CVE", "4900", 4900, "250", 250),
            (Kind::Adyen, "KWD", "49.000", 49_000, "10.250", 10_250),
            (Kind::PayPal, "HUF", "49000", 49_000, "1000", 1000),
            (Kind::PayPal, "JPY", "4900", 4900, "1000", 1000),
            (Kind::PayPal, "USD", "49.00", 4900, "10.00", 1000),
        ] {
            let (fake, engine, _db) = setup(&backend, kind, &[Answer::Ok], cur, charge, minor).await;
            let at = t(START) + chrono::Duration::hours(1);
            request(&engine, kind, amount, at).await;
            approve(&engine, at + chrono::Duration::minutes(1)).await;
            let r = only_refund(&engine).await;
            let (_, problems) = fake.snapshot();
            assert!(problems.is_empty(), "{kind:?} {cur}: {problems:?}");
            assert_ne!(r.status, RefundStatus::Failed, "{kind:?} {cur}: {:?}", r.last_error);
            assert_eq!(fake.refunded(), wire, "{kind:?} {cur}: what left the provider");
        }
    }
}

/// Defect 3: an amount the provider cannot write is refused when the refund is
/// requested — before any lead approves — naming why; nothing is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unrepresentable_amounts_are_refused_at_request() {
    for backend in common::backends() {
        for (kind, cur, charge, minor, amount, why) in [
            (Kind::Stripe, "KWD", "49.000", 49_000, "10.255", "steps of 0.010"),
            (Kind::Stripe, "BHD", "49.000", 49_000, "1.001", "last of the three decimals must be 0"),
            (Kind::Adyen, "CVE", "49.00", 49, "10.50", "Adyen takes CVE without decimals"),
            (Kind::PayPal, "HUF", "490.00", 490, "10.50", "PayPal does not support decimals in HUF"),
            (Kind::PayPal, "TWD", "490.00", 490, "10.50", "whole units"),
        ] {
            let (fake, engine, _db) = setup(&backend, kind, &[Answer::Ok], cur, charge, minor).await;
            let at = t(START) + chrono::Duration::hours(1);
            let out = request(&engine, kind, amount, at).await.join("\n");
            assert!(out.contains(why), "{kind:?} {cur} {amount}: {out}");
            assert!(!out.contains("approval_request"), "{kind:?} {cur}: no lead is asked: {out}");
            assert!(engine.store().snapshot().await.unwrap().refunds.is_empty(), "{kind:?} {cur}");
            assert!(fake.snapshot().0.is_empty());
        }
    }
}

/// Defect 7: a Braintree charge stored under its legacy id (as exports carry it) is
/// refunded through its global id (the mutation's `transactionId: ID!`); the refund's
/// own global id (type REFUND) and legacyId come back, and the refund is paid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn braintree_legacy_charge_ids_are_refunded_by_global_id() {
    for backend in common::backends() {
        let fake = Fake::start(Kind::Braintree, &[Answer::Ok]).await;
        let db = common::fresh_db(&backend).await;
        let (engine, _c, _p) = engine_on(&fake, &db.url).await;
        // Kind::Braintree.charge_id() is base64("transaction_9kj2xq"); stored as "9kj2xq".
        providers_support::seed_charge_as(&engine, Kind::Braintree, "9kj2xq", START, Currency::USD, "49.00").await;
        let at = t(START) + chrono::Duration::hours(1);
        providers_support::request_on(&engine, "9kj2xq", "10.00", at).await;
        approve(&engine, at + chrono::Duration::minutes(1)).await;
        let r = only_refund(&engine).await;
        assert_eq!(r.status, RefundStatus::Succeeded, "{:?}", r.last_error);
        // The refund's legacyId is kept (webhooks and exports name it so); its global id
        // is of type REFUND (the fake answered base64("refund_refake1")).
        assert_eq!(r.provider_ref.as_deref(), Some("refake1"));
        assert_eq!(fake.refunded(), 1000);
        assert!(fake.snapshot().1.is_empty(), "{:?}", fake.snapshot().1);
    }
}

/// Defect 5: a refund the provider reverses or fails after reporting it paid (Adyen
/// REFUND_FAILED or REFUNDED_REVERSED after REFUND, Braintree settlement declined after
/// settled, Stripe refund.failed, …) is reversed: the credit note is voided by a
/// balancing note, the case reopens escalated, approvers and customer are told.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reversal_after_success_voids_the_credit_note_and_reopens() {
    use paydesk::app::engine::{RefundUpdate, WebhookOutcome};
    use paydesk::app::ports::ProviderStatus;
    use paydesk::domain::tickets::CaseStatus;
    for backend in common::backends() {
        for kind in Kind::ALL {
            let (_fake, engine, _db) =
                setup(&backend, kind, &[Answer::Ok], providers_support::currency(kind).code(), "49.00", 4900).await;
            let at = t(START) + chrono::Duration::hours(1);
            request(&engine, kind, "10.00", at).await;
            approve(&engine, at + chrono::Duration::minutes(1)).await;
            let r = only_refund(&engine).await;
            let pref = r.provider_ref.clone().expect("a reference");
            let update = |event: &str, status: ProviderStatus| RefundUpdate {
                provider: kind.name().into(),
                event_id: event.into(),
                provider_ref: pref.clone(),
                idempotency_key: Some(r.idempotency_key.clone()),
                status,
            };
            if kind == Kind::Adyen {
                engine
                    .provider_refund_update(
                        &update("REFUND:true", ProviderStatus::Succeeded),
                        at + chrono::Duration::minutes(5),
                    )
                    .await
                    .unwrap();
            }
            assert_eq!(only_refund(&engine).await.status, RefundStatus::Succeeded, "{kind:?}");
            let later = at + chrono::Duration::days(2);
            let why = ProviderStatus::Failed("the provider reports the refund reversed (bank account closed)".into());
            let out = engine.provider_refund_update(&update("reversal-1", why.clone()), later).await.unwrap();
            assert_eq!(out, WebhookOutcome::Applied, "{kind:?}");
            let snap = engine.store().snapshot().await.unwrap();
            assert_eq!(snap.refunds[0].status.as_str(), "reversed", "{kind:?}");
            let notes: Vec<_> = snap.credit_notes.iter().map(|n| n.amount).collect();
            assert_eq!(notes.len(), 2, "{kind:?}: the note and its balancing note: {notes:?}");
            assert_eq!(notes.iter().sum::<rust_decimal::Decimal>(), rust_decimal::Decimal::ZERO, "{kind:?}");
            assert_eq!(snap.cases[0].status, CaseStatus::Escalated, "{kind:?}");
            let told = outbox(&engine).await.join("\n");
            assert!(told.contains("did not go through after all"), "{kind:?}: the customer is told: {told}");
            assert!(told.contains("was reversed"), "{kind:?}: the approvers are told: {told}");
            // The same event again changes nothing.
            let n = engine.store().audit(None).await.unwrap().len();
            engine.provider_refund_update(&update("reversal-1", why), later).await.unwrap();
            assert_eq!(engine.store().audit(None).await.unwrap().len(), n);
        }
    }
}

/// Defect 8: a refund the provider keeps pending longer than the configured time
/// (default 24 hours) is escalated to the leads once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_too_long_is_escalated_once() {
    for backend in common::backends() {
        let (_fake, engine, _db) = setup(&backend, Kind::Adyen, &[Answer::Ok], "EUR", "49.00", 4900).await;
        let at = t(START) + chrono::Duration::hours(1);
        request(&engine, Kind::Adyen, "10.00", at).await;
        approve(&engine, at + chrono::Duration::minutes(1)).await;
        let warned = |out: &[String]| out.iter().filter(|l| l.contains("still pending after 24 hours")).count();
        engine.run_timers(at + chrono::Duration::hours(23)).await.unwrap();
        assert_eq!(warned(&outbox(&engine).await), 0, "not before 24 hours");
        engine.run_timers(at + chrono::Duration::hours(25)).await.unwrap();
        assert_eq!(warned(&outbox(&engine).await), 1, "{:#?}", outbox(&engine).await);
        engine.run_timers(at + chrono::Duration::hours(26)).await.unwrap();
        engine.run_timers(at + chrono::Duration::hours(30)).await.unwrap();
        assert_eq!(warned(&outbox(&engine).await), 1, "once");
        let snap = engine.store().snapshot().await.unwrap();
        assert_eq!(snap.cases[0].status, paydesk::domain::tickets::CaseStatus::Escalated);
        assert_eq!(snap.refunds[0].status, RefundStatus::Executing, "still waiting for the provider");
    }
}

/// Defect 9: the agent's free-text reason never reaches the payer (PayPal
/// `note_to_payer`, Square `reason`) and never turns a Stripe refund into
/// `reason=fraudulent` (which block-lists the card); PayPal's `invoice_id` is unique per
/// installation (from the idempotency key), so an invoice id another installation used
/// on the same account (`RF-000001-1`) does not collide.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agent_notes_stay_internal_and_paypal_invoice_ids_are_unique() {
    for backend in common::backends() {
        for kind in [Kind::Stripe, Kind::PayPal, Kind::Square] {
            let (fake, engine, _db) = setup(&backend, kind, &[Answer::Ok], "USD", "49.00", 4900).await;
            fake.state.lock().unwrap().paypal_invoices.push("RF-000001-1".into());
            let at = t(START) + chrono::Duration::hours(1);
            providers_support::request_with_reason(
                &engine,
                kind.charge_id(),
                "10.00",
                providers_support::AGENT_NOTE,
                at,
            )
            .await;
            approve(&engine, at + chrono::Duration::minutes(1)).await;
            let r = only_refund(&engine).await;
            assert!(fake.snapshot().1.is_empty(), "{kind:?}: {:?}", fake.snapshot().1);
            assert_eq!(r.status, RefundStatus::Succeeded, "{kind:?}: {:?}", r.last_error);
        }
    }
}

/// Defect 9: a 500, then the replay. Stripe saves a 500 under its key and replays it
/// forever; once a lookup proves nothing was made, the refund is retried under a key
/// derived from the first, recorded on the refund. The others answer the replay afresh.
/// Every provider pays exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_error_then_replay_pays_once() {
    for backend in common::backends() {
        for kind in Kind::ALL {
            let (fake, engine, _db) =
                setup(&backend, kind, &[Answer::ServerError], providers_support::currency(kind).code(), "49.00", 4900)
                    .await;
            let at = t(START) + chrono::Duration::hours(1);
            request(&engine, kind, "10.00", at).await;
            approve(&engine, at + chrono::Duration::minutes(1)).await;
            for tick in ["11:05", "11:15", "11:30", "11:45"] {
                engine.run_timers(t(&format!("2026-04-01T{tick}:00Z"))).await.unwrap();
            }
            let r = only_refund(&engine).await;
            let (creations, problems) = fake.snapshot();
            assert!(problems.is_empty(), "{kind:?}: {problems:?}");
            assert_eq!(creations.values().sum::<u32>(), 1, "{kind:?}: paid once ({:?} {:?})", r.status, r.last_error);
            if kind == Kind::Adyen {
                assert_eq!(r.status, RefundStatus::Executing);
            } else {
                assert_eq!(r.status, RefundStatus::Succeeded, "{kind:?}: {:?}", r.last_error);
            }
            if kind == Kind::Stripe {
                let first_key =
                    r.idempotency_key.strip_suffix("-r1").expect("the derived key is recorded on the refund");
                assert_eq!(first_key.len(), 43);
                let audit = engine.store().audit(None).await.unwrap();
                assert!(audit
                    .iter()
                    .any(|a| a.record.action == "refund.new_key" && a.record.detail.contains(first_key)));
            }
        }
    }
}

/// The fakes' schema checks can fail: requests the published schemas refuse are refused.
#[test]
fn published_schemas_refuse_what_the_providers_refuse() {
    use providers_support::schema::{load, validate};
    use serde_json::json;
    let paypal = load("paypal-refund-request.schema.json");
    assert!(validate(
        &paypal,
        "refund_request",
        &json!({"amount": {"value": "10.00", "currency_code": "USD"}, "invoice_id": "pd_x"})
    )
    .is_empty());
    assert!(
        !validate(&paypal, "refund_request", &json!({"amount": {"value": "10.0.0", "currency_code": "USD"}}))
            .is_empty(),
        "pattern"
    );
    assert!(
        !validate(&paypal, "refund_request", &json!({"amount": {"value": 10, "currency_code": "USD"}})).is_empty(),
        "a number, not a string"
    );
    assert!(
        !validate(&paypal, "refund_request", &json!({"note_to_payer": "x".repeat(256)})).is_empty(),
        "maxLength 255"
    );
    let adyen = load("adyen-refund-request.schema.json");
    let ok = json!({"amount": {"value": 1000, "currency": "EUR"}, "merchantAccount": "M", "reference": "pd_x", "merchantRefundReason": "DUPLICATE"});
    assert!(validate(&adyen, "PaymentRefundRequest", &ok).is_empty());
    assert!(
        !validate(
            &adyen,
            "PaymentRefundRequest",
            &json!({"amount": {"value": 1000, "currency": "EUR"}, "merchantAccount": "M", "currencyCode": "EUR"})
        )
        .is_empty(),
        "additionalProperties: false"
    );
    assert!(
        !validate(
            &adyen,
            "PaymentRefundRequest",
            &json!({"amount": {"value": "1000", "currency": "EUR"}, "merchantAccount": "M"})
        )
        .is_empty(),
        "value is an integer"
    );
    assert!(
        !validate(
            &adyen,
            "PaymentRefundRequest",
            &json!({"amount": {"value": 1, "currency": "EUR"}, "merchantAccount": "M", "merchantRefundReason": "ANGRY"})
        )
        .is_empty(),
        "enum"
    );
    let square = load("square-refund-payment-request.schema.json");
    assert!(
        !validate(&square, "RefundPaymentRequest", &json!({"idempotency_key": "k"})).is_empty(),
        "amount_money is required"
    );
    assert!(
        !validate(
            &square,
            "RefundPaymentRequest",
            &json!({"idempotency_key": "k", "amount_money": {"amount": 1, "currency": "USD"}, "reason": "x".repeat(193)})
        )
        .is_empty(),
        "reason maxLength 192"
    );
}
