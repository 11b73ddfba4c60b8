//! PayPal webhooks: the body sent to PayPal's verification API and the events of a verified
//! delivery: pure functions, fuzzed by `fuzz/`.

use crate::adapters::payments::api::{status_error, str_field, ApiRequest, ApiResponse, Body};
use crate::adapters::payments::webhook::{dispute, ProviderEvent, Rejected};
use crate::app::engine::{PurchaseUpdate, RefundUpdate};
use crate::app::ports::ConnectorError;
use serde_json::Value;

/// PayPal: refund resources (`PAYMENT.CAPTURE.REFUNDED`, …), credit purchases' orders
/// (`CHECKOUT.ORDER.APPROVED`) and captures (`PAYMENT.CAPTURE.COMPLETED`/`DENIED`/`PENDING`),
/// and `CUSTOMER.DISPUTE.CREATED`.
pub fn events(v: &Value) -> Result<Vec<ProviderEvent>, Rejected> {
    let id = str_field(v, "id").to_string();
    if id.is_empty() {
        return Err(Rejected::BadBody);
    }
    let r = v.get("resource").cloned().unwrap_or(Value::Null);
    let typ = str_field(v, "event_type");
    Ok(
        if str_field(v, "resource_type") == "refund"
            || typ.starts_with("PAYMENT.REFUND")
            || typ == "PAYMENT.CAPTURE.REFUNDED"
        {
            vec![ProviderEvent::Refund(RefundUpdate {
                provider: "paypal".into(),
                event_id: id,
                provider_ref: str_field(&r, "id").to_string(),
                idempotency_key: Some(str_field(&r, "custom_id").to_string()).filter(|k| !k.is_empty()),
                status: super::map_status(str_field(&r, "status"), ""),
            })]
        } else if typ == "CHECKOUT.ORDER.APPROVED" || typ == "CHECKOUT.ORDER.COMPLETED" {
            // The order resource (`order` of checkout_orders_v2.json): approved by the payer,
            // to be captured by us; its first purchase unit carries our reference.
            let unit = r.get("purchase_units").and_then(|u| u.get(0)).cloned().unwrap_or(Value::Null);
            let reference = [str_field(&unit, "custom_id"), str_field(&unit, "reference_id")]
                .into_iter()
                .find(|x| !x.is_empty())
                .map(str::to_string);
            vec![ProviderEvent::Purchase(PurchaseUpdate {
                provider: "paypal".into(),
                event_id: id,
                provider_ref: str_field(&r, "id").to_string(),
                reference,
                state: super::order_state(&r),
            })]
        } else if matches!(
            typ,
            "PAYMENT.CAPTURE.COMPLETED"
                | "PAYMENT.CAPTURE.DENIED"
                | "PAYMENT.CAPTURE.DECLINED"
                | "PAYMENT.CAPTURE.PENDING"
        ) {
            // The capture resource (`capture`): `custom_id` is the purchase unit's (our
            // reference) and `supplementary_data.related_ids.order_id` the order.
            let order = r
                .get("supplementary_data")
                .and_then(|d| d.get("related_ids"))
                .map(|i| str_field(i, "order_id"))
                .unwrap_or("");
            vec![ProviderEvent::Purchase(PurchaseUpdate {
                provider: "paypal".into(),
                event_id: id,
                provider_ref: order.to_string(),
                reference: Some(str_field(&r, "custom_id").to_string()).filter(|c| !c.is_empty()),
                state: super::capture_state(&r),
            })]
        } else if typ == "CUSTOMER.DISPUTE.CREATED" {
            r.get("disputed_transactions")
                .and_then(Value::as_array)
                .map(|txs| {
                    txs.iter()
                        .map(|t| {
                            dispute(
                                format!("{id}:{}", str_field(t, "seller_transaction_id")),
                                &[str_field(t, "seller_transaction_id")],
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        } else {
            vec![]
        },
    )
}

/// The body of `POST /v1/notifications/verify-webhook-signature` with the delivery's
/// bytes spliced in as `webhook_event`, untouched: PayPal checks the signature over the
/// exact original JSON, so a parsed and re-serialised event (keys reordered, numbers
/// rewritten) never verifies (PayPal-Python-SDK issue 196, PayPal-NET-SDK issue 353).
/// `raw` must be one JSON object (the caller parsed it), so the result is valid JSON.
pub fn verification_body(fields: &[(&str, &str)], raw: &[u8]) -> Vec<u8> {
    let mut out = b"{".to_vec();
    for (k, v) in fields {
        out.extend_from_slice(serde_json::to_string(k).unwrap_or_default().as_bytes());
        out.push(b':');
        out.extend_from_slice(serde_json::to_string(v).unwrap_or_default().as_bytes());
        out.push(b',');
    }
    out.extend_from_slice(b"\"webhook_event\":");
    out.extend_from_slice(raw);
    out.push(b'}');
    out
}

/// `POST /v1/notifications/verify-webhook-signature` for a delivery: its transmission
/// headers (`fields`, named as the API names them) and its bytes (`verification_body`).
pub fn verification_request(fields: &[(&str, &str)], raw: &[u8]) -> ApiRequest {
    ApiRequest::post("/v1/notifications/verify-webhook-signature", Body::RawJson(verification_body(fields, raw)))
}

/// PayPal's answer to `verification_request`: whether the delivery verified
/// (`verification_status` is `SUCCESS`).
pub fn verified(resp: &ApiResponse) -> Result<bool, ConnectorError> {
    if !resp.is_success() {
        return Err(status_error("paypal", resp, "signature verification"));
    }
    Ok(resp.json().map(|v| str_field(&v, "verification_status") == "SUCCESS").unwrap_or(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paypal_event_is_spliced_verbatim() {
        let raw = br#"{"id":"WH-1","event_version":"1.0","zeta":1.50,"alpha":"x"}"#;
        let body = verification_body(&[("webhook_id", "WH-TEST"), ("transmission_sig", "a\"b")], raw);
        let text = String::from_utf8(body.clone()).unwrap();
        assert!(text.contains(std::str::from_utf8(raw).unwrap()), "{text}");
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["webhook_id"], "WH-TEST");
        assert_eq!(v["transmission_sig"], "a\"b");
        assert_eq!(v["webhook_event"]["id"], "WH-1");
    }
}
