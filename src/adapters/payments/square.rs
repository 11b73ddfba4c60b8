//! Square: `POST /v2/refunds` (Bearer, `Square-Version`, `idempotency_key` ≤ 45 chars in
//! the body, `amount_money {amount (minor units), currency}`, `payment_id`), statuses
//! PENDING/COMPLETED/REJECTED/FAILED, `GET /v2/refunds/{id}`; errors are
//! `{"errors":[{category, code, detail, field}]}`.

use super::api::{enc, refund, s, status_error, ApiRequest, ApiResponse, Body, ProviderApi, ProviderKind};
use super::currency::Exception;

/// What the buyer reads with the refund.
pub const BUYER_REASON: &str = "Refund from our support team";

/// `RefundPaymentRequest` of Square's OpenAPI document (`idempotency_key` at most 45
/// characters, `reason` at most 192).
#[derive(Debug, serde::Serialize)]
pub struct RefundPaymentRequest<'a> {
    pub idempotency_key: &'a str,
    pub amount_money: Money<'a>,
    pub payment_id: &'a str,
    pub reason: &'static str,
}

/// `Money`: `amount` in the currency's smallest denomination.
#[derive(Debug, serde::Serialize)]
pub struct Money<'a> {
    pub amount: i64,
    pub currency: &'a str,
}
use crate::app::ports::{ConnectorError, ProviderRefund, ProviderStatus, RefundCall};
use serde_json::Value;

/// None: `Money.amount` is "in the smallest denomination of the currency indicated by
/// currency" — ISO 4217's minor unit (developer.squareup.com/reference/square/objects/Money).
pub const CURRENCY_EXCEPTIONS: &[Exception] = &[];

pub const DEFAULT_VERSION: &str = "2024-06-04";

#[derive(Debug, Clone)]
pub struct Square {
    /// The `Square-Version` header.
    pub version: String,
}

pub fn map_status(status: &str) -> ProviderStatus {
    match status {
        "COMPLETED" => ProviderStatus::Succeeded,
        "REJECTED" | "FAILED" => ProviderStatus::Failed(format!("Square reports the refund {}", status.to_ascii_lowercase())),
        _ => ProviderStatus::Pending,
    }
}

fn code_words(code: &str) -> Option<&'static str> {
    Some(match code {
        "REFUND_AMOUNT_INVALID" => "the refund is larger than what is left to refund on the payment",
        "PAYMENT_NOT_REFUNDABLE" => "Square does not allow this payment to be refunded",
        "REFUND_ALREADY_PENDING" => "a refund of this payment is already pending",
        "INSUFFICIENT_FUNDS" => "the Square balance is too low to cover the refund",
        "REFUND_DECLINED" => "the card issuer declined the refund",
        "CURRENCY_MISMATCH" | "INVALID_CURRENCY" => "the refund must be in the payment's currency",
        "NOT_FOUND" => "Square does not know this payment",
        "IDEMPOTENCY_KEY_REUSED" => "the idempotency key was reused with other parameters",
        _ => return None,
    })
}

fn error(resp: &ApiResponse) -> ConnectorError {
    let v = resp.json().unwrap_or(Value::Null);
    let first = v.get("errors").and_then(Value::as_array).and_then(|e| e.first()).cloned().unwrap_or(Value::Null);
    let code = s(&first, "code");
    let words = code_words(code).map(str::to_string).unwrap_or_else(|| format!("{code} {}", s(&first, "detail")).trim().to_string());
    if code == "RATE_LIMITED" {
        return ConnectorError::Transient(format!("square: rate limited: {words}"));
    }
    if resp.status == 409 {
        return ConnectorError::Transient(format!("square: a request with the same key is in progress (409): {words}"));
    }
    status_error("square", resp, &words)
}

fn parse_object(resp: &ApiResponse) -> Result<ProviderRefund, ConnectorError> {
    if !resp.is_success() {
        return Err(error(resp));
    }
    let v = resp.json().ok_or_else(|| ConnectorError::Ambiguous("square: the answer is not JSON".into()))?;
    let r = v.get("refund").cloned().unwrap_or(Value::Null);
    let id = s(&r, "id");
    if id.is_empty() {
        return Err(ConnectorError::Ambiguous("square: the answer has no refund".into()));
    }
    Ok(refund(id, map_status(s(&r, "status"))))
}

impl ProviderApi for Square {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Square
    }

    fn refund_request(&self, call: &RefundCall) -> Result<ApiRequest, ConnectorError> {
        if call.idempotency_key.len() > 45 {
            return Err(ConnectorError::Permanent("square: the idempotency key is longer than 45 characters".into()));
        }
        let body = RefundPaymentRequest {
            idempotency_key: &call.idempotency_key,
            amount_money: Money {
                amount: super::currency::wire_units(ProviderKind::Square, call.amount, call.currency)?,
                currency: call.currency.code(),
            },
            payment_id: call.charge.as_str(),
            // Shown to the buyer: a fixed, customer-safe text, never the agent's note.
            reason: BUYER_REASON,
        };
        let body = serde_json::to_value(&body).map_err(|e| ConnectorError::Permanent(format!("square: cannot encode the refund: {e}")))?;
        Ok(ApiRequest::post("/v2/refunds", Body::Json(body)).header("Square-Version", self.version.clone()))
    }

    fn parse_refund(&self, _call: &RefundCall, resp: &ApiResponse) -> Result<ProviderRefund, ConnectorError> {
        parse_object(resp)
    }

    fn lookup_request(&self, call: &RefundCall) -> Result<ApiRequest, ConnectorError> {
        match &call.provider_ref {
            Some(r) => Ok(ApiRequest::get(format!("/v2/refunds/{}", enc(r))).header("Square-Version", self.version.clone())),
            // Square lists refunds without a key filter; the same idempotency_key returns
            // the refund made under it, or makes it now — once either way.
            None => self.refund_request(call),
        }
    }

    fn parse_lookup(&self, _call: &RefundCall, resp: &ApiResponse) -> Result<Option<ProviderRefund>, ConnectorError> {
        parse_object(resp).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::payments::api::test_call;
    use serde_json::json;

    #[test]
    fn request_and_answers() {
        let sq = Square { version: DEFAULT_VERSION.into() };
        let c = test_call("R2B3Z8WMVt3EAmzYWLZvz7Y69EbZY", "10.00", "USD");
        let r = sq.refund_request(&c).unwrap();
        assert_eq!(r.path, "/v2/refunds");
        assert_eq!(r.header_value("Square-Version"), Some(DEFAULT_VERSION));
        let Some(Body::Json(b)) = r.body else { panic!() };
        assert_eq!(b["idempotency_key"], c.idempotency_key);
        assert!(c.idempotency_key.len() <= 45);
        assert_eq!(b["amount_money"], json!({"amount": 1000, "currency": "USD"}));
        assert_eq!(b["payment_id"], "R2B3Z8WMVt3EAmzYWLZvz7Y69EbZY");
        let st = |x: &str| sq.parse_refund(&c, &ApiResponse::new(200, format!(r#"{{"refund":{{"id":"R1","status":"{x}"}}}}"#))).unwrap().status;
        assert_eq!(st("COMPLETED"), ProviderStatus::Succeeded);
        assert_eq!(st("PENDING"), ProviderStatus::Pending);
        assert_eq!(st("NEW_THING"), ProviderStatus::Pending);
        assert!(matches!(st("REJECTED"), ProviderStatus::Failed(_)));
        assert!(matches!(st("FAILED"), ProviderStatus::Failed(_)));
        let e = sq
            .parse_refund(
                &c,
                &ApiResponse::new(400, r#"{"errors":[{"category":"INVALID_REQUEST_ERROR","code":"REFUND_AMOUNT_INVALID","detail":"…"}]}"#),
            )
            .unwrap_err();
        assert!(matches!(&e, ConnectorError::Permanent(m) if m.contains("larger than what is left")), "{e:?}");
        assert!(matches!(
            sq.parse_refund(&c, &ApiResponse::new(429, r#"{"errors":[{"category":"RATE_LIMIT_ERROR","code":"RATE_LIMITED"}]}"#)),
            Err(ConnectorError::Transient(_))
        ));
        let mut c2 = c.clone();
        c2.provider_ref = Some("R1".into());
        assert_eq!(sq.lookup_request(&c2).unwrap().path, "/v2/refunds/R1");
    }
}
