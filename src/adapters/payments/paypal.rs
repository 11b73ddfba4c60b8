//! PayPal Payments v2: `POST /v2/payments/captures/{capture_id}/refund` (JSON, amount
//! as a decimal string with the currency's digits, `custom_id` = our key),
//! `PayPal-Request-Id` (kept by PayPal for 45 days: the same id returns the same
//! refund), `GET /v2/payments/refunds/{id}`. Authentication is an OAuth2
//! client-credentials token, fetched and cached by the executor. Shapes from
//! `paypal-payments_payment_v2.json`.

use super::api::{enc, refund, s, status_error, ApiRequest, ApiResponse, Body, ProviderApi, ProviderKind};
use super::currency::Exception;
use crate::app::ports::{ConnectorError, ProviderRefund, ProviderStatus, RefundCall};
use serde_json::Value;

/// PayPal's currencies without decimals (developer.paypal.com/api/rest/reference/currency-codes:
/// HUF, JPY and TWD — "This currency does not support decimals. If you pass a decimal
/// amount, an error occurs.").
pub const CURRENCY_EXCEPTIONS: &[Exception] = &[
    Exception {
        code: "HUF",
        digits: 0,
        step: 1,
        why: "PayPal does not support decimals in HUF",
        source: "developer.paypal.com/api/rest/reference/currency-codes (HUF: no decimals; ISO 4217 has 2)",
    },
    Exception {
        code: "JPY",
        digits: 0,
        step: 1,
        why: "PayPal does not support decimals in JPY",
        source: "developer.paypal.com/api/rest/reference/currency-codes (JPY: no decimals, as ISO 4217)",
    },
    Exception {
        code: "TWD",
        digits: 0,
        step: 1,
        why: "PayPal does not support decimals in TWD",
        source: "developer.paypal.com/api/rest/reference/currency-codes (TWD: no decimals; ISO 4217 has 2)",
    },
];

/// What the payer reads with the refund.
pub const NOTE_TO_PAYER: &str = "Refund from our support team.";

#[derive(Debug, Clone, Default)]
pub struct PayPal;

/// `refund_request` of PayPal's Payments v2 OpenAPI document (captures refund).
#[derive(Debug, serde::Serialize)]
pub struct RefundRequest<'a> {
    pub amount: Money<'a>,
    /// Our key (1–127 characters): echoed in webhooks and reports.
    pub custom_id: &'a str,
    /// 1–127 characters, unique on the account.
    pub invoice_id: &'a str,
    /// 1–255 characters, shown to the payer.
    pub note_to_payer: &'a str,
}

/// `money`: `value` a decimal string with the currency's PayPal digits.
#[derive(Debug, serde::Serialize)]
pub struct Money<'a> {
    pub value: String,
    pub currency_code: &'a str,
}

/// `refund.status`: COMPLETED, PENDING, FAILED, CANCELLED; anything else is pending.
pub fn map_status(status: &str, reason: &str) -> ProviderStatus {
    match status {
        "COMPLETED" => ProviderStatus::Succeeded,
        "FAILED" | "CANCELLED" => ProviderStatus::Failed(format!(
            "PayPal reports the refund {}{}",
            status.to_ascii_lowercase(),
            if reason.is_empty() { String::new() } else { format!(" ({reason})") }
        )),
        _ => ProviderStatus::Pending,
    }
}

/// Clear words for the 422 issues of `captures.refund-422`.
pub fn issue_words(issue: &str) -> Option<&'static str> {
    Some(match issue {
        "CAPTURE_FULLY_REFUNDED" => "the payment has already been refunded in full",
        "REFUND_AMOUNT_EXCEEDED" => "the refund is larger than what is left to refund on the payment",
        "REFUND_TIME_LIMIT_EXCEEDED" => "the payment is too old to be refunded through PayPal",
        "REFUND_NOT_ALLOWED" => "PayPal does not allow this payment to be refunded",
        "PARTIAL_REFUND_NOT_ALLOWED" => "PayPal allows only a full refund of this payment",
        "REFUND_FAILED_INSUFFICIENT_FUNDS" => "the PayPal balance is too low to cover the refund",
        "REFUND_CAPTURE_CURRENCY_MISMATCH" | "CURRENCY_MISMATCH" => "the refund must be in the payment's currency",
        "REFUND_AMOUNT_TOO_LOW" => "the refund amount is too low after currency conversion",
        "DECIMAL_PRECISION" | "DECIMALS_NOT_SUPPORTED" => "the amount has more decimals than the currency allows",
        "CANNOT_BE_ZERO_OR_NEGATIVE" | "CANNOT_BE_NEGATIVE" => "the refund amount must be positive",
        "PENDING_CAPTURE" => "the payment is not captured yet, so it cannot be refunded",
        "TRANSACTION_DISPUTED" => "the payment has an open dispute, so it cannot be refunded",
        _ => return None,
    })
}

fn error(resp: &ApiResponse) -> ConnectorError {
    let v = resp.json().unwrap_or(Value::Null);
    let issue = v.get("details").and_then(Value::as_array).and_then(|d| d.first()).map(|d| s(d, "issue").to_string()).unwrap_or_default();
    let words = issue_words(&issue).map(str::to_string).unwrap_or_else(|| {
        let m = s(&v, "message");
        if issue.is_empty() {
            m.to_string()
        } else {
            format!("{issue}: {m}")
        }
    });
    if resp.status == 409 {
        return ConnectorError::Transient(format!("paypal: a previous request with the same id is in progress (409) {words}"));
    }
    status_error("paypal", resp, &words)
}

fn parse_refund_object(v: &Value) -> Result<ProviderRefund, ConnectorError> {
    let id = s(v, "id");
    if id.is_empty() {
        return Err(ConnectorError::Ambiguous("paypal: the answer has no refund id".into()));
    }
    let reason = v.get("status_details").map(|d| s(d, "reason")).unwrap_or("");
    Ok(refund(id, map_status(s(v, "status"), reason)))
}

impl ProviderApi for PayPal {
    fn kind(&self) -> ProviderKind {
        ProviderKind::PayPal
    }

    fn refund_request(&self, call: &RefundCall) -> Result<ApiRequest, ConnectorError> {
        let body = RefundRequest {
            amount: Money {
                value: super::currency::wire_decimal(ProviderKind::PayPal, call.amount, call.currency)?,
                currency_code: call.currency.code(),
            },
            custom_id: &call.idempotency_key,
            // Unique per installation (the key is derived from the charge and the
            // request); a case number repeats across installations on one account.
            invoice_id: &call.idempotency_key,
            // Shown to the payer (transaction history and emails): a fixed, customer-safe
            // text, never the agent's note.
            note_to_payer: NOTE_TO_PAYER,
        };
        let body = serde_json::to_value(&body).map_err(|e| ConnectorError::Permanent(format!("paypal: cannot encode the refund: {e}")))?;
        Ok(ApiRequest::post(format!("/v2/payments/captures/{}/refund", enc(call.charge.as_str())), Body::Json(body))
            .header("PayPal-Request-Id", call.idempotency_key.clone())
            .header("Prefer", "return=representation"))
    }

    fn parse_refund(&self, _call: &RefundCall, resp: &ApiResponse) -> Result<ProviderRefund, ConnectorError> {
        if !resp.is_success() {
            return Err(error(resp));
        }
        let v = resp.json().ok_or_else(|| ConnectorError::Ambiguous("paypal: the answer is not JSON".into()))?;
        parse_refund_object(&v)
    }

    fn lookup_request(&self, call: &RefundCall) -> Result<ApiRequest, ConnectorError> {
        match &call.provider_ref {
            Some(r) => Ok(ApiRequest::get(format!("/v2/payments/refunds/{}", enc(r)))),
            // PayPal reads refunds only by their id: the same PayPal-Request-Id returns
            // the refund made under it (45 days), or makes it now — once either way.
            None => self.refund_request(call),
        }
    }

    fn parse_lookup(&self, call: &RefundCall, resp: &ApiResponse) -> Result<Option<ProviderRefund>, ConnectorError> {
        self.parse_refund(call, resp).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::payments::api::test_call;
    use serde_json::json;

    #[test]
    fn request_shape() {
        let r = PayPal.refund_request(&test_call("8MC585209K746392H", "10", "USD")).unwrap();
        assert_eq!(r.path, "/v2/payments/captures/8MC585209K746392H/refund");
        assert_eq!(r.header_value("PayPal-Request-Id"), Some("pd_0123456789abcdef0123456789abcdef01234567"));
        let Some(Body::Json(b)) = r.body else { panic!() };
        assert_eq!(b["amount"], json!({"value": "10.00", "currency_code": "USD"}));
        assert_eq!(b["custom_id"], "pd_0123456789abcdef0123456789abcdef01234567");
        assert_eq!(b["invoice_id"], "pd_0123456789abcdef0123456789abcdef01234567");
        assert_eq!(b["note_to_payer"], NOTE_TO_PAYER, "never the agent's reason");
        let r = PayPal.refund_request(&test_call("X", "1200", "JPY")).unwrap();
        let Some(Body::Json(b)) = r.body else { panic!() };
        assert_eq!(b["amount"]["value"], "1200");
    }

    #[test]
    fn statuses_and_issues() {
        let c = test_call("X", "1", "USD");
        let st = |x: &str| PayPal.parse_refund(&c, &ApiResponse::new(201, format!(r#"{{"id":"1JU08902781691411","status":"{x}"}}"#))).unwrap().status;
        assert_eq!(st("COMPLETED"), ProviderStatus::Succeeded);
        assert_eq!(st("PENDING"), ProviderStatus::Pending);
        assert_eq!(st("SOMETHING_NEW"), ProviderStatus::Pending);
        assert!(matches!(st("FAILED"), ProviderStatus::Failed(_)));
        assert!(matches!(st("CANCELLED"), ProviderStatus::Failed(_)));
        let e = PayPal
            .parse_refund(
                &c,
                &ApiResponse::new(
                    422,
                    r#"{"name":"UNPROCESSABLE_ENTITY","details":[{"issue":"REFUND_AMOUNT_EXCEEDED","description":"…"}],"debug_id":"x"}"#,
                ),
            )
            .unwrap_err();
        assert_eq!(
            e,
            ConnectorError::Permanent("paypal: the refund was refused (422): the refund is larger than what is left to refund on the payment".into())
        );
        let e = PayPal.parse_refund(&c, &ApiResponse::new(422, r#"{"details":[{"issue":"CAPTURE_FULLY_REFUNDED"}]}"#)).unwrap_err();
        assert!(e.to_string().contains("already been refunded in full"));
        assert!(matches!(PayPal.parse_refund(&c, &ApiResponse::new(409, "{}")), Err(ConnectorError::Transient(_))));
        assert!(matches!(PayPal.parse_refund(&c, &ApiResponse::new(429, "{}")), Err(ConnectorError::Transient(_))));
    }
}
