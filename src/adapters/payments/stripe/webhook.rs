//! Stripe webhooks: the `Stripe-Signature` check (HMAC-SHA256 of `"{t}.{body}"`, any `v1`,
//! a tolerance on `t`) and the events a delivery carries: pure functions of its bytes, fuzzed
//! by `fuzz/`.

use crate::adapters::payments::api::str_field;
use crate::adapters::payments::webhook::{dispute, hmac_sha256, same, ProviderEvent, Rejected};
use crate::app::engine::{PurchaseUpdate, RefundUpdate};
use crate::config::Secret;
use serde_json::Value;

/// Stripe: `t=…,v1=…[,v1=…]`; valid when some v1 is the hex HMAC-SHA256 of
/// `"{t}.{body}"` and `t` is within `tolerance` seconds of `now`.
pub fn verify(header: &str, body: &[u8], secret: &str, now: i64, tolerance: i64) -> Result<(), Rejected> {
    let mut t = None;
    let mut sigs = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => sigs.push(v.to_string()),
            _ => {}
        }
    }
    let t = t.ok_or(Rejected::Malformed)?;
    if sigs.is_empty() {
        return Err(Rejected::Malformed);
    }
    let expected = hmac_sha256(secret.as_bytes(), &[t.to_string().as_bytes(), b".", body]);
    if !sigs.iter().any(|v| hex::decode(v).is_ok_and(|v| same(&v, &expected))) {
        return Err(Rejected::Forged);
    }
    // In i128: a `t` anywhere in i64 is merely stale, never an overflow.
    if (i128::from(now) - i128::from(t)).abs() > i128::from(tolerance) {
        return Err(Rejected::Stale);
    }
    Ok(())
}

/// Stripe events: refund objects (`refund.*`, `charge.refund.updated`) and disputes.
pub fn events(body: &[u8]) -> Result<Vec<ProviderEvent>, Rejected> {
    let v: Value = serde_json::from_slice(body).map_err(|_| Rejected::BadBody)?;
    let id = str_field(&v, "id").to_string();
    let typ = str_field(&v, "type");
    let obj = v.get("data").and_then(|d| d.get("object")).cloned().unwrap_or(Value::Null);
    if id.is_empty() {
        return Err(Rejected::BadBody);
    }
    Ok(match (typ, str_field(&obj, "object")) {
        (_, "refund") => vec![ProviderEvent::Refund(RefundUpdate {
            provider: "stripe".into(),
            event_id: id,
            provider_ref: str_field(&obj, "id").to_string(),
            idempotency_key: obj
                .get("metadata")
                .map(|m| str_field(m, "idempotency_key").to_string())
                .filter(|k| !k.is_empty()),
            status: super::map_status(str_field(&obj, "status"), str_field(&obj, "failure_reason")),
        })],
        // Checkout Sessions (docs.stripe.com/checkout/fulfillment: fulfil on
        // `checkout.session.completed` when `payment_status` is `paid`, and on
        // `checkout.session.async_payment_succeeded` for delayed methods;
        // `checkout.session.async_payment_failed` and `checkout.session.expired` end it unpaid).
        (t, "checkout.session") if t.starts_with("checkout.session.") => {
            let state = match t {
                "checkout.session.async_payment_failed" => crate::app::ports::PurchaseState::Failed(
                    crate::app::ports::PaymentFailure::ReportedFailed("Stripe".into()),
                ),
                "checkout.session.expired" => crate::app::ports::PurchaseState::Expired,
                _ => super::session_state(&obj),
            };
            vec![ProviderEvent::Purchase(PurchaseUpdate {
                provider: "stripe".into(),
                event_id: id,
                provider_ref: str_field(&obj, "id").to_string(),
                reference: Some(str_field(&obj, "client_reference_id").to_string()).filter(|r| !r.is_empty()),
                state,
            })]
        }
        // A credit purchase's PaymentIntent (its `metadata.purchase` is ours: set through
        // Checkout's `payment_intent_data.metadata`, or by an auto-recharge): paid, with the
        // payment method saved for off-session use; a failed off-session charge
        // (`payment_intent.payment_failed`) ends the recharge unpaid
        // (docs.stripe.com/api/events/types).
        ("payment_intent.succeeded" | "payment_intent.payment_failed", "payment_intent")
            if crate::app::ports::purchase_id(obj.get("metadata").map(|m| str_field(m, "purchase")).unwrap_or(""))
                .is_some() =>
        {
            let state = match super::intent_state(&obj) {
                // Only an auto-recharge's failure is final: on a Checkout page the customer
                // may try another card.
                crate::app::ports::PurchaseState::Open
                    if typ == "payment_intent.payment_failed"
                        && obj.get("metadata").map(|m| str_field(m, "kind")) == Some(super::RECHARGE_KIND) =>
                {
                    crate::app::ports::PurchaseState::Failed(crate::app::ports::PaymentFailure::ReportedFailed(
                        "Stripe".into(),
                    ))
                }
                s => s,
            };
            vec![ProviderEvent::Purchase(PurchaseUpdate {
                provider: "stripe".into(),
                event_id: id,
                provider_ref: String::new(),
                reference: obj.get("metadata").map(|m| str_field(m, "purchase").to_string()),
                state,
            })]
        }
        // The dispute object carries `charge` (ch_…) and `payment_intent` (pi_…)
        // (docs.stripe.com/api/disputes/object); a charge may be stored under either.
        ("charge.dispute.created", "dispute") => {
            vec![dispute(id, &[str_field(&obj, "charge"), str_field(&obj, "payment_intent")])]
        }
        _ => vec![],
    })
}

/// Signs a Stripe payload as Stripe does (for tests and local tooling).
pub fn signature(secret: &Secret, t: i64, body: &[u8]) -> String {
    format!(
        "t={t},v1={}",
        hex::encode(hmac_sha256(secret.expose().as_bytes(), &[t.to_string().as_bytes(), b".", body]))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_vectors() {
        // Vector computed independently:
        // printf '%s' '1700000000.{"id":"evt_1"}' | openssl dgst -sha256 -hmac whsec_test -hex
        let body = br#"{"id":"evt_1"}"#;
        let sig = signature(&Secret::new("whsec_test"), 1_700_000_000, body);
        assert_eq!(sig, "t=1700000000,v1=c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925");
        assert_eq!(verify(&sig, body, "whsec_test", 1_700_000_100, 300), Ok(()));
        // Any v1 may match (secret rotation).
        let two = format!("t=1700000000,v1={},{}", "00".repeat(32), &sig[13..]);
        assert_eq!(verify(&two, body, "whsec_test", 1_700_000_000, 300), Ok(()));
        assert_eq!(verify(&sig, body, "whsec_other", 1_700_000_000, 300), Err(Rejected::Forged));
        assert_eq!(verify(&sig, br#"{"id":"evt_2"}"#, "whsec_test", 1_700_000_000, 300), Err(Rejected::Forged));
        assert_eq!(verify(&sig, body, "whsec_test", 1_700_000_301, 300), Err(Rejected::Stale));
        assert_eq!(verify("v1=abc", body, "whsec_test", 0, 300), Err(Rejected::Malformed));
    }
}
