//! Mollie webhooks: a delivery carries only a payment id; the events are read from the payment
//! as fetched from the API (a pure function of it, fuzzed by `fuzz/`).

use crate::adapters::payments::api::{percent_encode, status_error, str_field, ApiRequest, ApiResponse};
use crate::adapters::payments::webhook::{dispute, ProviderEvent};
use crate::app::engine::{PurchaseUpdate, RefundUpdate};
use crate::app::ports::ConnectorError;
use serde_json::Value;

/// Mollie: the payment as fetched, with its refunds and chargebacks embedded. Each
/// refund's state is one event (`re_…:status`), each chargeback one dispute.
pub fn events(payment: &Value) -> Vec<ProviderEvent> {
    let tr = str_field(payment, "id").to_string();
    let mut out = Vec::new();
    let embedded = payment.get("_embedded").cloned().unwrap_or(Value::Null);
    // An item without an id has no key to be deduplicated by: it is not an event.
    for r in embedded
        .get("refunds")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|r| !str_field(r, "id").is_empty())
    {
        let (id, status) = (str_field(r, "id"), str_field(r, "status"));
        out.push(ProviderEvent::Refund(RefundUpdate {
            provider: "mollie".into(),
            event_id: format!("{id}:{status}"),
            provider_ref: id.to_string(),
            idempotency_key: r
                .get("metadata")
                .map(|m| str_field(m, "idempotency_key").to_string())
                .filter(|k| !k.is_empty()),
            status: super::map_status(status),
        }));
    }
    for c in embedded
        .get("chargebacks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|c| !str_field(c, "id").is_empty())
    {
        out.push(dispute(str_field(c, "id").to_string(), &[&tr]));
    }
    // The payment itself, when it is final: a credit purchase's outcome (the engine
    // finds none for other payments and records nothing). One event per state.
    let state = super::payment_state(payment);
    if state != crate::app::ports::PurchaseState::Open {
        out.push(ProviderEvent::Purchase(PurchaseUpdate {
            provider: "mollie".into(),
            event_id: format!("{tr}:{}", str_field(payment, "status")),
            provider_ref: tr.clone(),
            reference: super::payment_reference(payment),
            state,
        }));
    }
    out
}

/// `GET /v2/payments/{id}` with its refunds and chargebacks embedded: what a delivery naming
/// `id` is about (the delivery itself proves nothing).
pub fn payment_request(id: &str) -> ApiRequest {
    ApiRequest::get(format!("/v2/payments/{}?embed=refunds,chargebacks", percent_encode(id)))
}

/// The payment as `payment_request` read it; `None` when Mollie does not know it (404).
pub fn fetched_payment(resp: &ApiResponse) -> Result<Option<Value>, ConnectorError> {
    match resp.status {
        200 => resp.json().map(Some).ok_or_else(|| ConnectorError::Transient("mollie: the payment is not JSON".into())),
        404 => Ok(None),
        _ => Err(status_error("mollie", resp, "")),
    }
}
