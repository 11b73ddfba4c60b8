//! Mollie: `POST /v2/payments/{tr_…}/refunds` (Bearer, `Idempotency-Key`, JSON
//! `amount {currency, value}` with a decimal string, `metadata` holding our key),
//! statuses queued/pending/processing/refunded/failed/canceled; lookups read
//! `GET /v2/payments/{tr}/refunds/{re}` or list the payment's refunds and match our key.
//! Errors are `application/hal+json` `{status, title, detail, field}`.

pub mod webhook;

use super::api::{
    percent_encode, refund, status_error, str_field, ApiRequest, ApiResponse, Body, ProviderApi, ProviderKind,
};
use super::currency::Exception;
use crate::app::ports::{
    CheckoutLink, ConnectorError, PaymentFailure, ProviderRefund, ProviderStatus, PurchaseCall, PurchaseState,
    RefundCall,
};
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

/// `POST /v2/payments` (docs.mollie.com/reference/create-payment): `amount` and
/// `description` are required, `redirectUrl` is "The URL your customer will be redirected
/// to after the payment process", `webhookUrl` is "Set the webhook URL, where we will
/// send payment status updates to", `metadata` is echoed back on the payment.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRequest<'a> {
    pub amount: Amount<'a>,
    pub description: &'a str,
    pub redirect_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_url: Option<&'a str>,
    pub metadata: PaymentMetadata<'a>,
}

#[derive(Debug, serde::Serialize)]
pub struct PaymentMetadata<'a> {
    /// Our purchase reference.
    pub purchase: &'a str,
}

/// A payment's state as the bot reads it (docs.mollie.com/docs/status-change, "Every
/// possible payment status"): `paid` ("Your customer successfully completed the payment")
/// credits; `expired`, `failed` and `canceled` are definitive and credit nothing; `open`,
/// `pending` and `authorized` are not final.
pub fn payment_state(payment: &Value) -> PurchaseState {
    match str_field(payment, "status") {
        // `amount`: "The amount that you want to charge" — {currency, value as a string}.
        "paid" => PurchaseState::Paid {
            payment_ref: str_field(payment, "id").to_string(),
            taken: payment
                .get("amount")
                .and_then(|a| super::api::taken_decimal(str_field(a, "value"), str_field(a, "currency"))),
            saved: None,
        },
        "expired" => PurchaseState::Expired,
        "failed" => PurchaseState::Failed(PaymentFailure::ReportedFailed("Mollie".into())),
        "canceled" => PurchaseState::Failed(PaymentFailure::Cancelled),
        _ => PurchaseState::Open,
    }
}

/// The purchase reference a payment carries in `metadata.purchase`.
pub fn payment_reference(payment: &Value) -> Option<String> {
    payment.get("metadata").map(|m| str_field(m, "purchase").to_string()).filter(|r| !r.is_empty())
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
    let detail = str_field(&v, "detail");
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
    let id = str_field(v, "id");
    if id.is_empty() {
        return Err(ConnectorError::Ambiguous("mollie: the answer has no refund id".into()));
    }
    Ok(refund(id, map_status(str_field(v, "status"))))
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
            metadata: RefundMetadata {
                idempotency_key: &call.idempotency_key,
                case: call.case.to_string(),
                refund_id: call.refund.0,
            },
        };
        let body = serde_json::to_value(&body)
            .map_err(|e| ConnectorError::Permanent(format!("mollie: the refund cannot be written: {e}")))?;
        Ok(ApiRequest::post(format!("/v2/payments/{}/refunds", percent_encode(call.charge.as_str())), Body::Json(body))
            .header("Idempotency-Key", call.idempotency_key.clone()))
    }

    fn parse_refund(&self, _call: &RefundCall, resp: &ApiResponse) -> Result<ProviderRefund, ConnectorError> {
        if !resp.is_success() {
            return Err(error(resp));
        }
        parse_object(&resp.json().ok_or_else(|| ConnectorError::Ambiguous("mollie: the answer is not JSON".into()))?)
    }

    fn hosted_checkout(&self) -> bool {
        true
    }

    fn checkout_request(&self, call: &PurchaseCall) -> Result<ApiRequest, ConnectorError> {
        let body = PaymentRequest {
            amount: Amount {
                currency: call.currency.code(),
                value: super::currency::wire_decimal(ProviderKind::Mollie, call.amount, call.currency)?,
            },
            description: &call.description,
            redirect_url: &call.return_url,
            webhook_url: call.webhook_url.as_deref(),
            metadata: PaymentMetadata { purchase: &call.reference },
        };
        let body = serde_json::to_value(&body)
            .map_err(|e| ConnectorError::Permanent(format!("mollie: the payment cannot be written: {e}")))?;
        // Mollie takes an `Idempotency-Key` header on POST (docs.mollie.com/reference/api-idempotency):
        // a retried creation returns the same payment.
        Ok(ApiRequest::post("/v2/payments", Body::Json(body)).header("Idempotency-Key", call.reference.clone()))
    }

    fn parse_checkout(&self, _call: &PurchaseCall, resp: &ApiResponse) -> Result<CheckoutLink, ConnectorError> {
        if !resp.is_success() {
            return Err(error(resp));
        }
        let v = resp.json().ok_or_else(|| ConnectorError::Ambiguous("mollie: the answer is not JSON".into()))?;
        // `_links.checkout.href`: "The URL your customer should visit to make the payment.
        // This is where you should redirect the consumer to" (create-payment response).
        let url = v.get("_links").and_then(|l| l.get("checkout")).map(|c| str_field(c, "href")).unwrap_or("");
        let id = str_field(&v, "id");
        if id.is_empty() || url.is_empty() {
            return Err(ConnectorError::Ambiguous("mollie: the payment has no id or checkout link".into()));
        }
        // `expiresAt`: "The date and time the payment will expire, in ISO 8601 format".
        let expires_at = chrono::DateTime::parse_from_rfc3339(str_field(&v, "expiresAt"))
            .ok()
            .map(|t| t.with_timezone(&chrono::Utc));
        Ok(CheckoutLink { provider_ref: id.to_string(), url: url.to_string(), expires_at })
    }

    fn purchase_status_request(&self, provider_ref: &str) -> Result<ApiRequest, ConnectorError> {
        Ok(ApiRequest::get(format!("/v2/payments/{}", percent_encode(provider_ref))))
    }

    fn parse_purchase_status(&self, resp: &ApiResponse) -> Result<PurchaseState, ConnectorError> {
        if !resp.is_success() {
            return Err(error(resp));
        }
        let v = resp.json().ok_or_else(|| ConnectorError::Ambiguous("mollie: the answer is not JSON".into()))?;
        if str_field(&v, "id").is_empty() {
            return Err(ConnectorError::Ambiguous("mollie: the answer is not a payment".into()));
        }
        Ok(payment_state(&v))
    }

    fn lookup_request(&self, call: &RefundCall) -> Result<ApiRequest, ConnectorError> {
        let tr = percent_encode(call.charge.as_str());
        Ok(match &call.provider_ref {
            Some(r) => ApiRequest::get(format!("/v2/payments/{tr}/refunds/{}", percent_encode(r))),
            None => ApiRequest::get(format!("/v2/payments/{tr}/refunds?limit=250")),
        })
    }

    fn parse_lookup(&self, call: &RefundCall, resp: &ApiResponse) -> Result<Option<ProviderRefund>, ConnectorError> {
        if !resp.is_success() {
            return Err(error(resp));
        }
        let v = resp.json().ok_or_else(|| ConnectorError::Ambiguous("mollie: the answer is not JSON".into()))?;
        if let Some(list) = v.get("_embedded").and_then(|e| e.get("refunds")).and_then(Value::as_array) {
            let mine = list.iter().find(|r| {
                r.get("metadata").map(|m| str_field(m, "idempotency_key")) == Some(call.idempotency_key.as_str())
            });
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
    fn payment_request_and_states() {
        use std::str::FromStr;
        let call = PurchaseCall {
            reference: "pd_pu_00000002".into(),
            amount: rust_decimal::Decimal::from_str("20.6").unwrap(),
            currency: crate::domain::money::Currency::from_code("EUR").unwrap(),
            description: "10 paydesk credits for acct-1".into(),
            return_url: "https://example.com/paid".into(),
            webhook_url: Some("https://bot.example.com/webhooks/mollie".into()),
        };
        let r = Mollie.checkout_request(&call).unwrap();
        assert_eq!((r.path.as_str(), r.header_value("Idempotency-Key")), ("/v2/payments", Some("pd_pu_00000002")));
        let Some(Body::Json(b)) = &r.body else { panic!() };
        assert_eq!(b["amount"], json!({"currency": "EUR", "value": "20.60"}));
        assert_eq!(b["redirectUrl"], "https://example.com/paid");
        assert_eq!(b["webhookUrl"], "https://bot.example.com/webhooks/mollie");
        assert_eq!(b["metadata"]["purchase"], "pd_pu_00000002");
        let answer = ApiResponse::new(
            201,
            r#"{"resource":"payment","id":"tr_WDqYK6vllg","status":"open","expiresAt":"2026-04-01T10:15:00+00:00","metadata":{"purchase":"pd_pu_00000002"},"_links":{"checkout":{"href":"https://www.mollie.com/checkout/select-method/WDqYK6vllg","type":"text/html"}}}"#,
        );
        let link = Mollie.parse_checkout(&call, &answer).unwrap();
        assert_eq!(link.provider_ref, "tr_WDqYK6vllg");
        assert_eq!(link.expires_at.unwrap().to_rfc3339(), "2026-04-01T10:15:00+00:00");
        assert_eq!(Mollie.parse_purchase_status(&answer).unwrap(), PurchaseState::Open);
        let st = |x: &str| payment_state(&json!({"id": "tr_1", "status": x}));
        assert!(matches!(st("paid"), PurchaseState::Paid { payment_ref, .. } if payment_ref == "tr_1"));
        assert_eq!(st("expired"), PurchaseState::Expired);
        assert!(matches!(st("failed"), PurchaseState::Failed(_)) && matches!(st("canceled"), PurchaseState::Failed(_)));
        for open in ["open", "pending", "authorized"] {
            assert_eq!(st(open), PurchaseState::Open);
        }
    }

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
            Mollie
                .parse_refund(
                    &c,
                    &ApiResponse::new(201, format!(r#"{{"resource":"refund","id":"re_4qqhO89gsT","status":"{x}"}}"#)),
                )
                .unwrap()
                .status
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
        assert_eq!(
            Mollie.parse_lookup(&c, &ApiResponse::new(200, r#"{"count":0,"_embedded":{"refunds":[]}}"#)).unwrap(),
            None
        );
    }
}
