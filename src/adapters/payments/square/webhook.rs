//! Square webhooks: the `x-square-hmacsha256-signature` check (over the notification URL and
//! the body) and the events a delivery carries: pure functions of its bytes, fuzzed by `fuzz/`.

use crate::adapters::payments::api::str_field;
use crate::adapters::payments::webhook::{dispute, hmac_sha256, same, ProviderEvent, Rejected};
use crate::app::engine::{PurchaseUpdate, RefundUpdate};
use crate::config::Secret;
use base64::Engine as _;
use serde_json::Value;

/// Square: base64 HMAC-SHA256 over the notification URL followed by the raw body.
pub fn verify(signature: &str, url: &str, body: &[u8], key: &str) -> Result<(), Rejected> {
    let given = base64::engine::general_purpose::STANDARD.decode(signature.trim()).map_err(|_| Rejected::Malformed)?;
    if same(&given, &hmac_sha256(key.as_bytes(), &[url.as_bytes(), body])) {
        Ok(())
    } else {
        Err(Rejected::Forged)
    }
}

/// Square: `refund.created`/`refund.updated`, `payment.created`/`payment.updated` (credit
/// purchases) and `dispute.created`.
pub fn events(body: &[u8]) -> Result<Vec<ProviderEvent>, Rejected> {
    let v: Value = serde_json::from_slice(body).map_err(|_| Rejected::BadBody)?;
    let id = str_field(&v, "event_id").to_string();
    if id.is_empty() {
        return Err(Rejected::BadBody);
    }
    let obj = v.get("data").and_then(|d| d.get("object")).cloned().unwrap_or(Value::Null);
    let typ = str_field(&v, "type");
    Ok(if let Some(r) = obj.get("refund").filter(|_| typ.starts_with("refund.")) {
        vec![ProviderEvent::Refund(RefundUpdate {
            provider: "square".into(),
            event_id: id,
            provider_ref: str_field(r, "id").to_string(),
            idempotency_key: None,
            status: super::map_status(str_field(r, "status")),
        })]
    } else if let Some(p) = obj.get("payment").filter(|_| typ == "payment.updated" || typ == "payment.created") {
        // A payment of a credit purchase's payment link: known by its `order_id` (the
        // link's order); the engine finds no purchase for other payments and records nothing.
        vec![ProviderEvent::Purchase(PurchaseUpdate {
            provider: "square".into(),
            event_id: id,
            provider_ref: str_field(p, "order_id").to_string(),
            reference: None,
            state: super::payment_state(p),
        })]
    } else if let Some(d) = obj.get("dispute").filter(|_| typ == "dispute.created") {
        let payment = d
            .get("disputed_payment")
            .map(|p| str_field(p, "payment_id"))
            .filter(|p| !p.is_empty())
            .unwrap_or(str_field(d, "payment_id"));
        vec![dispute(id, &[payment])]
    } else {
        vec![]
    })
}

/// Signs a Square payload as Square does (for tests and local tooling).
pub fn signature(key: &Secret, url: &str, body: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(hmac_sha256(key.expose().as_bytes(), &[url.as_bytes(), body]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::ports::ProviderStatus;

    #[test]
    fn signature_and_events() {
        let key = Secret::new("sq-signature-key");
        let url = "https://bot.example.com/webhooks/square";
        let body = br#"{"event_id":"e1","type":"refund.updated","data":{"type":"refund","id":"R1","object":{"refund":{"id":"R1","status":"COMPLETED","payment_id":"P1"}}}}"#;
        let sig = signature(&key, url, body);
        assert_eq!(verify(&sig, url, body, "sq-signature-key"), Ok(()));
        assert_eq!(
            verify(&sig, "https://evil.example.com/webhooks/square", body, "sq-signature-key"),
            Err(Rejected::Forged)
        );
        assert_eq!(verify("not base64!", url, body, "sq-signature-key"), Err(Rejected::Malformed));
        let ev = events(body).unwrap();
        assert!(
            matches!(&ev[0], ProviderEvent::Refund(u) if u.provider_ref == "R1" && u.status == ProviderStatus::Succeeded)
        );
    }
}
