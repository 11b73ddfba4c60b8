//! WooCommerce webhooks: the `X-WC-Webhook-Signature` check, the order's signed time, the
//! refund ids an `order.*` delivery names and the event of each refund as read back from the
//! API: pure functions.

use crate::adapters::payments::api::{percent_encode, status_error, str_field, ApiRequest, ApiResponse};
use crate::adapters::payments::webhook::{hmac_sha256, same, ProviderEvent, Rejected};
use crate::app::engine::RefundUpdate;
use crate::app::ports::ConnectorError;
use crate::config::Secret;
use base64::Engine as _;
use serde_json::Value;

/// WooCommerce: `X-WC-Webhook-Signature` is the base64 HMAC-SHA256 of the raw body keyed
/// with the webhook's secret (WooCommerce `WC_Webhook::generate_signature`; the webhooks
/// reference: "secret: … used to generate a HMAC-SHA256 hash of the request body").
pub fn verify(signature: &str, body: &[u8], secret: &str) -> Result<(), Rejected> {
    let given = base64::engine::general_purpose::STANDARD.decode(signature.trim()).map_err(|_| Rejected::Malformed)?;
    if same(&given, &hmac_sha256(secret.as_bytes(), &[body])) {
        Ok(())
    } else {
        Err(Rejected::Forged)
    }
}

/// Signs a WooCommerce payload as WooCommerce does (for tests and local tooling).
pub fn signature(secret: &Secret, body: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(hmac_sha256(secret.expose().as_bytes(), &[body]))
}

/// When the order was last changed (`date_modified_gmt`, no zone: GMT), the only signed
/// time a WooCommerce delivery carries (its headers hold none).
pub fn modified(body: &[u8]) -> Option<chrono::DateTime<chrono::Utc>> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let raw = str_field(&v, "date_modified_gmt");
    chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S").ok().map(|t| t.and_utc())
}

/// WooCommerce `order.*` deliveries (topic in `X-WC-Webhook-Topic`): the order id and the
/// ids of its `refunds` (`[{id, reason, total}]`, developer.woocommerce.com/docs/apis/
/// rest-api/v3/orders/). Core WooCommerce has no refund or dispute topic, and the order's
/// refund entries carry neither our key nor whether the gateway refunded: each refund is
/// then read from the API (`event`). Other topics carry nothing for us.
pub fn refund_ids(topic: &str, body: &[u8]) -> Result<Option<(String, Vec<String>)>, Rejected> {
    let v: Value = serde_json::from_slice(body).map_err(|_| Rejected::BadBody)?;
    if !topic.starts_with("order.") {
        return Ok(None);
    }
    let order = match v.get("id") {
        Some(Value::Number(n)) if n.is_u64() => n.to_string(),
        _ => return Err(Rejected::BadBody),
    };
    let refunds = v.get("refunds").and_then(Value::as_array).cloned().unwrap_or_default();
    Ok(Some((
        order,
        refunds.iter().filter_map(|r| r.get("id").and_then(Value::as_u64)).map(|id| id.to_string()).collect(),
    )))
}

/// One refund as `GET /wp-json/wc/v3/orders/{order}/refunds/{id}` shows it: with our key
/// (its meta data) and its outcome. A refund exists only once made, so each is one event.
pub fn event(order: &str, refund: &Value) -> Result<ProviderEvent, Rejected> {
    let r = super::parse_object(refund).map_err(|_| Rejected::BadBody)?;
    Ok(ProviderEvent::Refund(RefundUpdate {
        provider: "woocommerce".into(),
        event_id: format!("order:{order}:refund:{}", r.provider_ref),
        provider_ref: r.provider_ref,
        idempotency_key: super::meta_key(refund).map(str::to_string),
        status: r.status,
    }))
}

/// `GET /wp-json/wc/v3/orders/{order}/refunds/{id}`: one refund an order delivery names.
pub fn refund_request(order: &str, id: &str) -> ApiRequest {
    ApiRequest::get(format!("/wp-json/wc/v3/orders/{}/refunds/{}", percent_encode(order), percent_encode(id)))
}

/// The refund as `refund_request` read it; `None` when it is not there (404).
pub fn fetched_refund(resp: &ApiResponse) -> Result<Option<Value>, ConnectorError> {
    match resp.status {
        200 => {
            resp.json().map(Some).ok_or_else(|| ConnectorError::Transient("woocommerce: the refund is not JSON".into()))
        }
        404 => Ok(None),
        _ => Err(status_error("woocommerce", resp, "")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::ports::ProviderStatus;

    #[test]
    fn signature_and_events() {
        // Vector computed independently:
        // printf '%s' '{"id":727}' | openssl dgst -sha256 -hmac wc-secret -binary | base64
        let body = br#"{"id":727}"#;
        let sig = signature(&Secret::new("wc-secret"), body);
        assert_eq!(sig, "XOvG+/mKAKiNfNL5aDmmmrY8ZRtaA96JXvSO3vPAbC8=");
        assert_eq!(verify(&sig, body, "wc-secret"), Ok(()));
        assert_eq!(verify(&sig, br#"{"id":728}"#, "wc-secret"), Err(Rejected::Forged));
        assert_eq!(verify(&sig, body, "other"), Err(Rejected::Forged));
        assert_eq!(verify("not base64!", body, "wc-secret"), Err(Rejected::Malformed));
        let order = br#"{"id":727,"status":"processing","date_modified_gmt":"2026-04-01T11:00:00","refunds":[{"id":726,"reason":"","total":"-10.00"}]}"#;
        assert_eq!(refund_ids("order.updated", order).unwrap(), Some(("727".into(), vec!["726".into()])));
        assert_eq!(modified(order), Some("2026-04-01T11:00:00Z".parse().unwrap()));
        assert_eq!(refund_ids("product.updated", order).unwrap(), None);
        assert_eq!(refund_ids("order.updated", b"nope"), Err(Rejected::BadBody));
        let read = serde_json::json!({"id": 726, "refunded_payment": true, "meta_data": [{"id": 1, "key": super::super::META_KEY, "value": "pd_k"}]});
        let ProviderEvent::Refund(u) = event("727", &read).unwrap() else { panic!() };
        assert_eq!(
            (u.event_id.as_str(), u.idempotency_key.as_deref(), u.status),
            ("order:727:refund:726", Some("pd_k"), ProviderStatus::Succeeded)
        );
    }
}
