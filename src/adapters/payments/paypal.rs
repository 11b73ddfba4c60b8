//! PayPal Payments v2: `POST /v2/payments/captures/{capture_id}/refund` (JSON, amount
//! as a decimal string with the currency's digits, `custom_id` = our key),
//! `PayPal-Request-Id` (kept by PayPal for 45 days: the same id returns the same
//! refund), `GET /v2/payments/refunds/{id}`. Authentication is an OAuth2
//! client-credentials token, fetched and cached by the executor. Shapes from
//! `paypal-payments_payment_v2.json`.
//!
//! Credit purchases go through Orders v2 (`checkout_orders_v2.json` of the same
//! repository and commit): `POST /v2/checkout/orders` (intent CAPTURE, one purchase unit
//! whose `custom_id` is our purchase reference, `PayPal-Request-Id` = the reference), the
//! payer approves on PayPal's page (`payer-action` link), then `POST
//! /v2/checkout/orders/{id}/capture` (its own request id) takes the money;
//! `GET /v2/checkout/orders/{id}` reads the order when an answer is lost.

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
    let issue = v
        .get("details")
        .and_then(Value::as_array)
        .and_then(|d| d.first())
        .map(|d| str_field(d, "issue").to_string())
        .unwrap_or_default();
    let words = issue_words(&issue).map(str::to_string).unwrap_or_else(|| {
        let m = str_field(&v, "message");
        if issue.is_empty() {
            m.to_string()
        } else {
            format!("{issue}: {m}")
        }
    });
    if resp.status == 409 {
        return ConnectorError::Transient(format!(
            "paypal: a previous request with the same id is in progress (409) {words}"
        ));
    }
    status_error("paypal", resp, &words)
}

fn parse_refund_object(v: &Value) -> Result<ProviderRefund, ConnectorError> {
    let id = str_field(v, "id");
    if id.is_empty() {
        return Err(ConnectorError::Ambiguous("paypal: the answer has no refund id".into()));
    }
    let reason = v.get("status_details").map(|d| str_field(d, "reason")).unwrap_or("");
    Ok(refund(id, map_status(str_field(v, "status"), reason)))
}

/// `order_request` of Orders v2 (`checkout_orders_v2.json`): `intent` and
/// `purchase_units` are required.
#[derive(Debug, serde::Serialize)]
pub struct OrderRequest<'a> {
    /// `checkout_payment_intent`: CAPTURE — "The merchant intends to capture payment
    /// immediately after the customer makes a payment."
    pub intent: &'static str,
    pub purchase_units: [PurchaseUnit<'a>; 1],
    pub payment_source: PaymentSource<'a>,
}

/// `purchase_unit_request` (only `amount` is required).
#[derive(Debug, serde::Serialize)]
pub struct PurchaseUnit<'a> {
    /// `reference_id` (1–256): our purchase reference.
    pub reference_id: &'a str,
    /// `custom_id` (1–127): our purchase reference again — the capture carries it
    /// (`capture.custom_id`), so `PAYMENT.CAPTURE.*` events name the purchase. No
    /// `invoice_id`: it must be unique on the PayPal account ("DUPLICATE_INVOICE_ID") and a
    /// purchase reference repeats across installations.
    pub custom_id: &'a str,
    /// `description` (1–127).
    pub description: String,
    pub amount: Money<'a>,
}

/// `payment_source.paypal.experience_context` (`paypal_wallet_experience_context`).
#[derive(Debug, serde::Serialize)]
pub struct PaymentSource<'a> {
    pub paypal: PayPalWallet<'a>,
}

#[derive(Debug, serde::Serialize)]
pub struct PayPalWallet<'a> {
    pub experience_context: ExperienceContext<'a>,
}

#[derive(Debug, serde::Serialize)]
pub struct ExperienceContext<'a> {
    /// Where PayPal sends the payer after approving (and after cancelling).
    pub return_url: &'a str,
    pub cancel_url: &'a str,
    /// PAY_NOW: the payer sees "Pay Now"; the capture follows without another step.
    pub user_action: &'static str,
    /// Credits ship nowhere.
    pub shipping_preference: &'static str,
}

/// The PayPal-Request-Id of an order's capture: its own, derived from the purchase's
/// (one capture per order; a retried capture replays it).
pub fn capture_request_id(reference: &str) -> String {
    format!("{reference}-capture")
}

/// Order statuses (`order_status`: CREATED, SAVED, APPROVED, VOIDED, COMPLETED,
/// PAYER_ACTION_REQUIRED) and, once completed, the capture's (`capture_status`:
/// COMPLETED, DECLINED, PARTIALLY_REFUNDED, PENDING, REFUNDED, FAILED) as a purchase's state.
/// APPROVED waits for our capture; a PENDING capture waits for `PAYMENT.CAPTURE.COMPLETED`.
pub fn order_state(order: &Value) -> PurchaseState {
    match str_field(order, "status") {
        "APPROVED" => PurchaseState::Approved,
        "VOIDED" => PurchaseState::Failed(PaymentFailure::Cancelled),
        "COMPLETED" => {
            let capture = order
                .get("purchase_units")
                .and_then(|u| u.get(0))
                .and_then(|u| u.get("payments"))
                .and_then(|p| p.get("captures"))
                .and_then(|c| c.get(0))
                .cloned()
                .unwrap_or(Value::Null);
            capture_state(&capture)
        }
        _ => PurchaseState::Open,
    }
}

/// A capture object (`capture`) as a purchase's state.
pub fn capture_state(capture: &Value) -> PurchaseState {
    match str_field(capture, "status") {
        // A capture refunded later was still paid: crediting follows the payment, the
        // refund is the refund path's business.
        "COMPLETED" | "PARTIALLY_REFUNDED" | "REFUNDED" if !str_field(capture, "id").is_empty() => {
            let amount = capture.get("amount").cloned().unwrap_or(Value::Null);
            PurchaseState::Paid {
                payment_ref: str_field(capture, "id").to_string(),
                taken: super::api::taken_decimal(str_field(&amount, "value"), str_field(&amount, "currency_code")),
                saved: None,
            }
        }
        "DECLINED" => PurchaseState::Failed(PaymentFailure::ReportedDeclined("PayPal".into())),
        "FAILED" => PurchaseState::Failed(PaymentFailure::ReportedFailed("PayPal".into())),
        _ => PurchaseState::Open,
    }
}

fn parse_order(resp: &ApiResponse) -> Result<Value, ConnectorError> {
    if !resp.is_success() {
        return Err(error(resp));
    }
    let v = resp.json().ok_or_else(|| ConnectorError::Ambiguous("paypal: the answer is not JSON".into()))?;
    if str_field(&v, "id").is_empty() || str_field(&v, "status").is_empty() {
        return Err(ConnectorError::Ambiguous("paypal: the answer is not an order".into()));
    }
    Ok(v)
}

impl ProviderApi for PayPal {
    fn kind(&self) -> ProviderKind {
        ProviderKind::PayPal
    }

    fn hosted_checkout(&self) -> bool {
        true
    }

    fn checkout_request(&self, call: &PurchaseCall) -> Result<ApiRequest, ConnectorError> {
        let body = OrderRequest {
            intent: "CAPTURE",
            purchase_units: [PurchaseUnit {
                reference_id: &call.reference,
                custom_id: &call.reference,
                description: call.description.chars().take(127).collect(),
                amount: Money {
                    value: super::currency::wire_decimal(ProviderKind::PayPal, call.amount, call.currency)?,
                    currency_code: call.currency.code(),
                },
            }],
            payment_source: PaymentSource {
                paypal: PayPalWallet {
                    experience_context: ExperienceContext {
                        return_url: &call.return_url,
                        cancel_url: &call.return_url,
                        user_action: "PAY_NOW",
                        shipping_preference: "NO_SHIPPING",
                    },
                },
            },
        };
        let body = serde_json::to_value(&body)
            .map_err(|e| ConnectorError::Permanent(format!("paypal: cannot encode the order: {e}")))?;
        // `PayPal-Request-Id`: "The server stores keys for 6 hours" on orders (the
        // `paypal_request_id` parameter of checkout_orders_v2.json): a retried creation
        // returns the same order.
        Ok(ApiRequest::post("/v2/checkout/orders", Body::Json(body))
            .header("PayPal-Request-Id", call.reference.clone())
            .header("Prefer", "return=representation"))
    }

    fn parse_checkout(&self, _call: &PurchaseCall, resp: &ApiResponse) -> Result<CheckoutLink, ConnectorError> {
        let v = parse_order(resp)?;
        // "To complete payer approval, use the approve link to redirect the payer" — with
        // `payment_source.paypal` the link's rel is `payer-action`.
        let links = v.get("links").and_then(Value::as_array).cloned().unwrap_or_default();
        let url = links
            .iter()
            .find(|l| matches!(str_field(l, "rel"), "payer-action" | "approve"))
            .map(|l| str_field(l, "href").to_string())
            .unwrap_or_default();
        if url.is_empty() {
            return Err(ConnectorError::Ambiguous("paypal: the order has no approval link".into()));
        }
        // PayPal names no expiry for an order: the bot's default applies.
        Ok(CheckoutLink { provider_ref: str_field(&v, "id").to_string(), url, expires_at: None })
    }

    fn purchase_status_request(&self, provider_ref: &str) -> Result<ApiRequest, ConnectorError> {
        Ok(ApiRequest::get(format!("/v2/checkout/orders/{}", percent_encode(provider_ref))))
    }

    fn parse_purchase_status(&self, resp: &ApiResponse) -> Result<PurchaseState, ConnectorError> {
        Ok(order_state(&parse_order(resp)?))
    }

    fn capture_request(&self, call: &PurchaseCall, provider_ref: &str) -> Result<ApiRequest, ConnectorError> {
        // `order_capture_request` is optional (a payment source only); `{}` captures the
        // approved PayPal wallet payment.
        Ok(ApiRequest::post(
            format!("/v2/checkout/orders/{}/capture", percent_encode(provider_ref)),
            Body::Json(serde_json::json!({})),
        )
        .header("PayPal-Request-Id", capture_request_id(&call.reference))
        .header("Prefer", "return=representation"))
    }

    fn parse_capture(&self, resp: &ApiResponse) -> Result<PurchaseState, ConnectorError> {
        if resp.status == 422 {
            let v = resp.json().unwrap_or(Value::Null);
            let issue = v
                .get("details")
                .and_then(Value::as_array)
                .and_then(|d| d.first())
                .map(|d| str_field(d, "issue").to_string())
                .unwrap_or_default();
            // `orders.capture-422` issues: already captured (by an earlier, lost capture)
            // or still completing — the order says what happened; the payer must act
            // again (another funding source, approval) — the link stays open.
            return match issue.as_str() {
                "ORDER_ALREADY_CAPTURED" | "ORDER_COMPLETION_IN_PROGRESS" => {
                    Err(ConnectorError::Ambiguous(format!("paypal: {issue}: the order is read again")))
                }
                "INSTRUMENT_DECLINED"
                | "PAYER_ACTION_REQUIRED"
                | "ORDER_NOT_APPROVED"
                | "REDIRECT_PAYER_FOR_ALTERNATE_FUNDING" => Ok(PurchaseState::Open),
                _ => Err(error(resp)),
            };
        }
        Ok(order_state(&parse_order(resp)?))
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
        let body = serde_json::to_value(&body)
            .map_err(|e| ConnectorError::Permanent(format!("paypal: cannot encode the refund: {e}")))?;
        Ok(ApiRequest::post(
            format!("/v2/payments/captures/{}/refund", percent_encode(call.charge.as_str())),
            Body::Json(body),
        )
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
            Some(r) => Ok(ApiRequest::get(format!("/v2/payments/refunds/{}", percent_encode(r)))),
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

    fn purchase(amount: &str, cur: &str) -> PurchaseCall {
        use std::str::FromStr;
        PurchaseCall {
            reference: "pd_pu_00000007".into(),
            amount: rust_decimal::Decimal::from_str(amount).unwrap(),
            currency: crate::domain::money::Currency::from_code(cur).unwrap(),
            description: "10 paydesk credits for acct-1".into(),
            return_url: "https://example.com/paid".into(),
            webhook_url: None,
        }
    }

    #[test]
    fn order_request_capture_and_states() {
        let r = PayPal.checkout_request(&purchase("20.6", "USD")).unwrap();
        assert_eq!(r.path, "/v2/checkout/orders");
        assert_eq!(r.header_value("PayPal-Request-Id"), Some("pd_pu_00000007"));
        let Some(Body::Json(b)) = &r.body else { panic!() };
        assert_eq!(b["intent"], "CAPTURE");
        assert_eq!(b["purchase_units"][0]["amount"], json!({"value": "20.60", "currency_code": "USD"}));
        assert_eq!(b["purchase_units"][0]["custom_id"], "pd_pu_00000007");
        assert!(
            b["purchase_units"][0].get("invoice_id").is_none(),
            "a purchase reference is not unique per PayPal account"
        );
        let Some(Body::Json(b)) = PayPal.checkout_request(&purchase("2100", "JPY")).unwrap().body else { panic!() };
        assert_eq!(b["purchase_units"][0]["amount"]["value"], "2100");
        assert!(PayPal.checkout_request(&purchase("20.5", "HUF")).is_err(), "HUF has no decimals at PayPal");
        let c = PayPal.capture_request(&purchase("20.6", "USD"), "5O190127TN364715T").unwrap();
        assert_eq!(c.path, "/v2/checkout/orders/5O190127TN364715T/capture");
        assert_eq!(c.header_value("PayPal-Request-Id"), Some("pd_pu_00000007-capture"), "its own request id");
        let order = |status: &str, capture: Value| {
            ApiResponse::new(
                200,
                json!({"id": "5O1", "status": status, "purchase_units": [{"payments": {"captures": [capture]}}],
                "links": [{"href": "https://www.paypal.com/checkoutnow?token=5O1", "rel": "payer-action"}]})
                .to_string(),
            )
        };
        let link = PayPal.parse_checkout(&purchase("1", "USD"), &order("PAYER_ACTION_REQUIRED", Value::Null)).unwrap();
        assert_eq!(
            (link.provider_ref.as_str(), link.url.as_str()),
            ("5O1", "https://www.paypal.com/checkoutnow?token=5O1")
        );
        assert_eq!(PayPal.parse_purchase_status(&order("APPROVED", Value::Null)).unwrap(), PurchaseState::Approved);
        assert_eq!(
            PayPal.parse_purchase_status(&order("PAYER_ACTION_REQUIRED", Value::Null)).unwrap(),
            PurchaseState::Open
        );
        let done = PayPal
            .parse_capture(&order(
                "COMPLETED",
                json!({"id": "CAP1", "status": "COMPLETED", "amount": {"value": "20.60", "currency_code": "USD"}}),
            ))
            .unwrap();
        let PurchaseState::Paid { payment_ref, taken, .. } = done else { panic!("{done:?}") };
        assert_eq!(payment_ref, "CAP1");
        assert_eq!(taken.unwrap().amount, rust_decimal::Decimal::new(2060, 2));
        let pending = PayPal.parse_capture(&order("COMPLETED", json!({"id": "CAP1", "status": "PENDING"}))).unwrap();
        assert_eq!(pending, PurchaseState::Open, "a pending capture waits for PAYMENT.CAPTURE.COMPLETED");
        assert!(matches!(
            PayPal.parse_capture(&order("COMPLETED", json!({"id": "CAP1", "status": "DECLINED"}))).unwrap(),
            PurchaseState::Failed(_)
        ));
        let issue = |i: &str| {
            PayPal.parse_capture(&ApiResponse::new(
                422,
                json!({"name": "UNPROCESSABLE_ENTITY", "details": [{"issue": i}]}).to_string(),
            ))
        };
        assert!(matches!(issue("ORDER_ALREADY_CAPTURED"), Err(ConnectorError::Ambiguous(_))), "read the order");
        assert_eq!(
            issue("INSTRUMENT_DECLINED").unwrap(),
            PurchaseState::Open,
            "the payer picks another funding source"
        );
        assert!(matches!(issue("PAYER_CANNOT_PAY"), Err(ConnectorError::Permanent(_))));
    }

    #[test]
    fn statuses_and_issues() {
        let c = test_call("X", "1", "USD");
        let st = |x: &str| {
            PayPal
                .parse_refund(&c, &ApiResponse::new(201, format!(r#"{{"id":"1JU08902781691411","status":"{x}"}}"#)))
                .unwrap()
                .status
        };
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
            ConnectorError::Permanent(
                "paypal: the refund was refused (422): the refund is larger than what is left to refund on the payment"
                    .into()
            )
        );
        let e = PayPal
            .parse_refund(&c, &ApiResponse::new(422, r#"{"details":[{"issue":"CAPTURE_FULLY_REFUNDED"}]}"#))
            .unwrap_err();
        assert!(e.to_string().contains("already been refunded in full"));
        assert!(matches!(PayPal.parse_refund(&c, &ApiResponse::new(409, "{}")), Err(ConnectorError::Transient(_))));
        assert!(matches!(PayPal.parse_refund(&c, &ApiResponse::new(429, "{}")), Err(ConnectorError::Transient(_))));
    }
}
