//! Mollie: `POST /v2/payments/{tr_…}/refunds` (Bearer, `Idempotency-Key`, JSON
//! `amount {currency, value}` with a decimal string, `metadata` holding our key),
//! statuses queued/pending/processing/refunded/failed/canceled; lookups read
//! `GET /v2/payments/{tr}/refunds/{re}` or list the payment's refunds and match our key.
//! Errors are `application/hal+json` `{status, title, detail, field}`.

use super::api::{enc, refund, s, status_error, ApiRequest, ApiResponse, Body, ProviderApi, ProviderKind};
use super::currency::Exception;
use crate::app::ports::{ConnectorError, ProviderRefund, ProviderStatus, RefundCall};
use serde_json::Value;

/// None: `amount.value` is "a string containing an exact monetary amount in the given
/// currency", with the currency's ISO 4217 decimals (docs.mollie.com/reference/create-refund).
pub const CURRENCY_EXCEPTIONS: &[Exception] = &[];

#[derive(Debug, Clone, Default)]
pub struct Mollie;

/// `amount`: "An amount object … currency: An ISO 4217 currency code; value: A string
/// containing an exact monetary amount in the given currency"
/// (docs.mollie.com/reference/create-refund, docs.mollie.com/reference/create-payment).
#[derive(Debug, serde::Serialize)]
pub struct Amount<'a> {
    pub currency: &'a str,
    /// With exactly the currency's decimals (`currency::wire_decimal`).
    pub value: String,
}

/// `POST /v2/payments/{paymentId}/refunds` (docs.mollie.com/reference/create-refund):
/// `amount` (required), `description` (optional, up to 255 characters), `metadata`
/// (optional, "any data you like … up to approximately 1kB").
#[derive(Debug, serde::Serialize)]
pub struct RefundRequest<'a> {
    pub amount: Amount<'a>,
    pub description: String,
    pub metadata: RefundMetadata<'a>,
}

/// Ours, echoed back on the refund: lookups match `idempotency_key`.
#[derive(Debug, serde::Serialize)]
pub struct RefundMetadata<'a> {
    pub idempotency_key: &'a str,
    pub case: String,
    pub refund_id: i64,
}

pub fn map_status(status: &str) -> ProviderStatus {
    match status {
        "refunded" => ProviderStatus::Succeeded,
        "failed" | "canceled" => ProviderStatus::Failed(format!("Mollie reports the refund {status}")),
        _ => ProviderStatus::Pending, // queued, pending, processing, anything new
    }
}

fn error(resp: &ApiResponse) -> ConnectorError {
    let v = resp.json().unwrap_or(Value::Null);
    let detail = s(&v, "detail");
    let l = detail.to_ascii_lowercase();
    let words = if l.contains("exceeds") || l.contains("higher than") {
        "the refund is larger than what is left to refund on the payment".to_string()
    } else if l.contains("already") && l.contains("refunded") {
        "the payment has already been refunded in full".to_string()
    } else if resp.status == 404 {
        "Mollie does not know this payment".to_string()
    } else {
        detail.to_string()
    };
    if resp.status == 409 {
        return ConnectorError::Transient(format!("mollie: a request with the same key is in progress (409): {words}"));
    }
    status_error("mollie", resp, &words)
}

fn parse_object(v: &Value) -> Result<ProviderRefund, ConnectorError> {
    let id = s(v, "id");
    if id.is_empty() {
        return Err(ConnectorError::Ambiguous("mollie: the answer has no refund id".into()));
    }
    Ok(refund(id, map_status(s(v, "status"))))
}

impl ProviderApi for Mollie {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Mollie
    }

    fn refund_request(&self, call: &RefundCall) -> Result<ApiRequest, ConnectorError> {
        let body = RefundRequest {
            amount: Amount {
                currency: call.currency.code(),
                value: super::currency::wire_decimal(ProviderKind::Mollie, call.amount, call.currency)?,
            },
            description: format!("Refund for {}", call.case),
            metadata: RefundMetadata { idempotency_key: &call.idempotency_key, case: call.case.to_string(), refund_id: call.refund.0 },
        };
        let body = serde_json::to_value(&body).map_err(|e| ConnectorError::Permanent(format!("mollie: the refund cannot be written: {e}")))?;
        Ok(ApiRequest::post(format!("/v2/payments/{}/refunds", enc(call.charge.as_str())), Body::Json(body))
            .header("Idempotency-Key", call.idempotency_key.clone()))
    }

    fn parse_refund(&self, _call: &RefundCall, resp: &ApiResponse) -> Result<ProviderRefund, ConnectorError> {
        if !resp.is_success() {
            return Err(error(resp));
        }
        parse_object(&resp.json().ok_or_else(|| ConnectorError::Ambiguous("mollie: the answer is not JSON".into()))?)
    }

    fn lookup_request(&self, call: &RefundCall) -> Result<ApiRequest, ConnectorError> {
        let tr = enc(call.charge.as_str());
        Ok(match &call.provider_ref {
            Some(r) => ApiRequest::get(format!("/v2/payments/{tr}/refunds/{}", enc(r))),
            None => ApiRequest::get(format!("/v2/payments/{tr}/refunds?limit=250")),
        })
    }

    fn parse_lookup(&self, call: &RefundCall, resp: &ApiResponse) -> Result<Option<ProviderRefund>, ConnectorError> {
        if !resp.is_success() {
            return Err(error(resp));
        }
        let v = resp.json().ok_or_else(|| ConnectorError::Ambiguous("mollie: the answer is not JSON".into()))?;
        if let Some(list) = v.get("_embedded").and_then(|e| e.get("refunds")).and_then(Value::as_array) {
            let mine = list.iter().find(|r| r.get("metadata").map(|m| s(m, "idempotency_key")) == Some(call.idempotency_key.as_str()));
            return mine.map(parse_object).transpose();
        }
        parse_object(&v).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::payments::api::test_call;
    use serde_json::json;

    #[test]
    fn request_and_answers() {
        let c = test_call("tr_7UhSN1zuXS", "25", "EUR");
        let r = Mollie.refund_request(&c).unwrap();
        assert_eq!(r.path, "/v2/payments/tr_7UhSN1zuXS/refunds");
        assert_eq!(r.header_value("Idempotency-Key"), Some(c.idempotency_key.as_str()));
        let Some(Body::Json(b)) = r.body else { panic!() };
        assert_eq!(b["amount"], json!({"currency": "EUR", "value": "25.00"}));
        assert_eq!(b["metadata"]["idempotency_key"], c.idempotency_key);
        let st = |x: &str| {
            Mollie.parse_refund(&c, &ApiResponse::new(201, format!(r#"{{"resource":"refund","id":"re_4qqhO89gsT","status":"{x}"}}"#))).unwrap().status
        };
        assert_eq!(st("refunded"), ProviderStatus::Succeeded);
        for p in ["queued", "pending", "processing", "mystery"] {
            assert_eq!(st(p), ProviderStatus::Pending);
        }
        assert!(matches!(st("failed"), ProviderStatus::Failed(_)));
        assert!(matches!(st("canceled"), ProviderStatus::Failed(_)));
        let e = Mollie
            .parse_refund(&c, &ApiResponse::new(422, r#"{"status":422,"title":"Unprocessable Entity","detail":"The refund amount exceeds the amount available for refunding","field":"amount"}"#))
            .unwrap_err();
        assert!(matches!(&e, ConnectorError::Permanent(m) if m.contains("larger than what is left")), "{e:?}");
        let list = format!(
            r#"{{"count":1,"_embedded":{{"refunds":[{{"resource":"refund","id":"re_x","status":"pending","metadata":{{"idempotency_key":"{}"}}}}]}}}}"#,
            c.idempotency_key
        );
        assert_eq!(Mollie.parse_lookup(&c, &ApiResponse::new(200, list)).unwrap().unwrap().provider_ref, "re_x");
        assert_eq!(Mollie.parse_lookup(&c, &ApiResponse::new(200, r#"{"count":0,"_embedded":{"refunds":[]}}"#)).unwrap(), None);
    }
}
