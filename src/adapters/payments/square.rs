//! Square: `POST /v2/refunds` (Bearer, `Square-Version`, `idempotency_key` ≤ 45 chars in
//! the body, `amount_money {amount (minor units), currency}`, `payment_id`), statuses
//! PENDING/COMPLETED/REJECTED/FAILED, `GET /v2/refunds/{id}`; errors are
//! `{"errors":[{category, code, detail, field}]}`.
//!
//! Credit purchases: a quick pay payment link (`POST /v2/online-checkout/payment-links`,
//! developer.squareup.com/docs/checkout-api/quick-pay-checkout: "The CreatePaymentLink
//! request requires only the item name, price, and seller location"), known by the order
//! Square makes for it; paid when `payment.updated` reports a COMPLETED payment of that
//! order, or when `GET /v2/orders/{order_id}` shows its tender.

pub mod webhook;

use super::api::{
    percent_encode, refund, status_error, str_field, ApiRequest, ApiResponse, Body, ProviderApi, ProviderKind,
};
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
use crate::app::ports::{
    CheckoutLink, ConnectorError, PaymentFailure, ProviderRefund, ProviderStatus, PurchaseCall, PurchaseState,
    RefundCall,
};
use serde_json::Value;

/// None: `Money.amount` is "in the smallest denomination of the currency indicated by
/// currency" — ISO 4217's minor unit (developer.squareup.com/reference/square/objects/Money).
pub const CURRENCY_EXCEPTIONS: &[Exception] = &[];

pub const DEFAULT_VERSION: &str = "2024-06-04";

#[derive(Debug, Clone)]
pub struct Square {
    /// The `Square-Version` header.
    pub version: String,
    /// The seller location payment links are made for (`[providers.square] location_id`;
    /// `QuickPay.location_id` is required). `None`: no credit purchases through Square.
    pub location_id: Option<String>,
}

/// `CreatePaymentLinkRequest` (api.json): `idempotency_key` at most 192 characters.
#[derive(Debug, serde::Serialize)]
pub struct CreatePaymentLinkRequest<'a> {
    pub idempotency_key: &'a str,
    /// "A description of the payment link … not used anywhere": our reference, for people.
    pub description: &'a str,
    pub quick_pay: QuickPay<'a>,
    pub checkout_options: CheckoutOptions<'a>,
}

/// `QuickPay`: `name` (1–255), `price_money`, `location_id` — all required.
#[derive(Debug, serde::Serialize)]
pub struct QuickPay<'a> {
    pub name: String,
    pub price_money: Money<'a>,
    pub location_id: &'a str,
}

/// `CheckoutOptions`: where the buyer goes after paying; no tipping (the purchase's total
/// is what is checked when it is credited).
#[derive(Debug, serde::Serialize)]
pub struct CheckoutOptions<'a> {
    #[serde(skip_serializing_if = "str::is_empty")]
    pub redirect_url: &'a str,
    pub allow_tipping: bool,
}

/// A payment (`Payment`: status APPROVED, PENDING, COMPLETED, CANCELED or FAILED) as a
/// purchase's state. Only COMPLETED pays; a failed or cancelled card attempt leaves the
/// link open for another try. `amount_money` is "The amount processed for this payment,
/// not including tip_money".
pub fn payment_state(payment: &Value) -> PurchaseState {
    match str_field(payment, "status") {
        "COMPLETED" if !str_field(payment, "id").is_empty() => {
            let m = payment.get("amount_money").cloned().unwrap_or(Value::Null);
            PurchaseState::Paid {
                payment_ref: str_field(payment, "id").to_string(),
                taken: super::api::taken_units(
                    ProviderKind::Square,
                    m.get("amount").and_then(Value::as_i64),
                    str_field(&m, "currency"),
                ),
                saved: None,
            }
        }
        _ => PurchaseState::Open,
    }
}

/// An order (`Order`, state DRAFT until paid, then OPEN or COMPLETED; CANCELED) as a
/// purchase's state: paid once it carries a tender with a payment (`Tender.payment_id`,
/// `amount_money`).
pub fn order_state(order: &Value) -> PurchaseState {
    let tender = order
        .get("tenders")
        .and_then(Value::as_array)
        .and_then(|t| t.iter().find(|t| !str_field(t, "payment_id").is_empty()));
    match (str_field(order, "state"), tender) {
        ("OPEN" | "COMPLETED", Some(t)) => {
            let m = t.get("amount_money").cloned().unwrap_or(Value::Null);
            PurchaseState::Paid {
                payment_ref: str_field(t, "payment_id").to_string(),
                taken: super::api::taken_units(
                    ProviderKind::Square,
                    m.get("amount").and_then(Value::as_i64),
                    str_field(&m, "currency"),
                ),
                saved: None,
            }
        }
        ("CANCELED", _) => PurchaseState::Failed(PaymentFailure::Cancelled),
        _ => PurchaseState::Open,
    }
}

pub fn map_status(status: &str) -> ProviderStatus {
    match status {
        "COMPLETED" => ProviderStatus::Succeeded,
        "REJECTED" | "FAILED" => {
            ProviderStatus::Failed(format!("Square reports the refund {}", status.to_ascii_lowercase()))
        }
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
    let code = str_field(&first, "code");
    let words = code_words(code)
        .map(str::to_string)
        .unwrap_or_else(|| format!("{code} {}", str_field(&first, "detail")).trim().to_string());
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
    let id = str_field(&r, "id");
    if id.is_empty() {
        return Err(ConnectorError::Ambiguous("square: the answer has no refund".into()));
    }
    Ok(refund(id, map_status(str_field(&r, "status"))))
}

impl ProviderApi for Square {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Square
    }

    fn hosted_checkout(&self) -> bool {
        self.location_id.is_some()
    }

    fn checkout_request(&self, call: &PurchaseCall) -> Result<ApiRequest, ConnectorError> {
        let Some(location) = self.location_id.as_deref() else {
            return Err(ConnectorError::Permanent(
                "square: [providers.square] location_id is needed for payment links".into(),
            ));
        };
        let body = CreatePaymentLinkRequest {
            idempotency_key: &call.reference,
            description: &call.reference,
            quick_pay: QuickPay {
                name: call.description.chars().take(255).collect(),
                price_money: Money {
                    amount: super::currency::wire_units(ProviderKind::Square, call.amount, call.currency)?,
                    currency: call.currency.code(),
                },
                location_id: location,
            },
            checkout_options: CheckoutOptions { redirect_url: &call.return_url, allow_tipping: false },
        };
        let body = serde_json::to_value(&body)
            .map_err(|e| ConnectorError::Permanent(format!("square: cannot encode the payment link: {e}")))?;
        Ok(ApiRequest::post("/v2/online-checkout/payment-links", Body::Json(body))
            .header("Square-Version", self.version.clone()))
    }

    fn parse_checkout(&self, _call: &PurchaseCall, resp: &ApiResponse) -> Result<CheckoutLink, ConnectorError> {
        if !resp.is_success() {
            return Err(error(resp));
        }
        let v = resp.json().ok_or_else(|| ConnectorError::Ambiguous("square: the answer is not JSON".into()))?;
        let link = v.get("payment_link").cloned().unwrap_or(Value::Null);
        let (order, url) = (str_field(&link, "order_id"), str_field(&link, "url"));
        if order.is_empty() || url.is_empty() {
            return Err(ConnectorError::Ambiguous("square: the answer has no payment link".into()));
        }
        // Known by its order: payments name it (`Payment.order_id`). A link has no expiry.
        Ok(CheckoutLink { provider_ref: order.to_string(), url: url.to_string(), expires_at: None })
    }

    fn purchase_status_request(&self, provider_ref: &str) -> Result<ApiRequest, ConnectorError> {
        Ok(ApiRequest::get(format!("/v2/orders/{}", percent_encode(provider_ref)))
            .header("Square-Version", self.version.clone()))
    }

    fn parse_purchase_status(&self, resp: &ApiResponse) -> Result<PurchaseState, ConnectorError> {
        if !resp.is_success() {
            return Err(error(resp));
        }
        let v = resp.json().ok_or_else(|| ConnectorError::Ambiguous("square: the answer is not JSON".into()))?;
        let order = v
            .get("order")
            .filter(|o| !str_field(o, "id").is_empty())
            .ok_or_else(|| ConnectorError::Ambiguous("square: the answer has no order".into()))?;
        Ok(order_state(order))
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
        let body = serde_json::to_value(&body)
            .map_err(|e| ConnectorError::Permanent(format!("square: cannot encode the refund: {e}")))?;
        Ok(ApiRequest::post("/v2/refunds", Body::Json(body)).header("Square-Version", self.version.clone()))
    }

    fn parse_refund(&self, _call: &RefundCall, resp: &ApiResponse) -> Result<ProviderRefund, ConnectorError> {
        parse_object(resp)
    }

    fn lookup_request(&self, call: &RefundCall) -> Result<ApiRequest, ConnectorError> {
        match &call.provider_ref {
            Some(r) => Ok(ApiRequest::get(format!("/v2/refunds/{}", percent_encode(r)))
                .header("Square-Version", self.version.clone())),
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
    fn payment_link_request_and_states() {
        use std::str::FromStr;
        let call = |amount: &str, cur: &str| PurchaseCall {
            reference: "pd_pu_00000007".into(),
            amount: rust_decimal::Decimal::from_str(amount).unwrap(),
            currency: crate::domain::money::Currency::from_code(cur).unwrap(),
            description: "10 paydesk credits for acct-1".into(),
            return_url: "https://example.com/paid".into(),
            webhook_url: None,
        };
        assert!(
            !Square { version: DEFAULT_VERSION.into(), location_id: None }.hosted_checkout(),
            "no location, no links"
        );
        let sq = Square { version: DEFAULT_VERSION.into(), location_id: Some("L1".into()) };
        let r = sq.checkout_request(&call("20.60", "USD")).unwrap();
        assert_eq!(r.path, "/v2/online-checkout/payment-links");
        let Some(Body::Json(b)) = &r.body else { panic!() };
        assert_eq!(b["idempotency_key"], "pd_pu_00000007");
        assert_eq!(b["quick_pay"]["price_money"], json!({"amount": 2060, "currency": "USD"}));
        assert_eq!(b["quick_pay"]["location_id"], "L1");
        let Some(Body::Json(b)) = sq.checkout_request(&call("2100", "JPY")).unwrap().body else { panic!() };
        assert_eq!(b["quick_pay"]["price_money"]["amount"], 2100);
        let link = sq
            .parse_checkout(
                &call("1", "USD"),
                &ApiResponse::new(
                    200,
                    r#"{"payment_link":{"id":"FWT","order_id":"ORD1","url":"https://square.link/u/x"}}"#,
                ),
            )
            .unwrap();
        assert_eq!((link.provider_ref.as_str(), link.url.as_str()), ("ORD1", "https://square.link/u/x"));
        let paid = payment_state(
            &json!({"id": "P1", "status": "COMPLETED", "order_id": "ORD1", "amount_money": {"amount": 2060, "currency": "USD"}}),
        );
        let PurchaseState::Paid { payment_ref, taken, .. } = paid else { panic!("{paid:?}") };
        assert_eq!((payment_ref.as_str(), taken.unwrap().amount), ("P1", rust_decimal::Decimal::new(2060, 2)));
        assert_eq!(
            payment_state(&json!({"id": "P1", "status": "FAILED"})),
            PurchaseState::Open,
            "the buyer may try again on the link"
        );
        assert_eq!(order_state(&json!({"id": "ORD1", "state": "DRAFT"})), PurchaseState::Open);
        let order = json!({"id": "ORD1", "state": "OPEN", "tenders": [{"payment_id": "P1", "amount_money": {"amount": 2100, "currency": "JPY"}}]});
        let PurchaseState::Paid { taken, .. } = order_state(&order) else { panic!() };
        assert_eq!(taken.unwrap().amount, rust_decimal::Decimal::from(2100));
    }

    #[test]
    fn request_and_answers() {
        let sq = Square { version: DEFAULT_VERSION.into(), location_id: None };
        let c = test_call("R2B3Z8WMVt3EAmzYWLZvz7Y69EbZY", "10.00", "USD");
        let r = sq.refund_request(&c).unwrap();
        assert_eq!(r.path, "/v2/refunds");
        assert_eq!(r.header_value("Square-Version"), Some(DEFAULT_VERSION));
        let Some(Body::Json(b)) = r.body else { panic!() };
        assert_eq!(b["idempotency_key"], c.idempotency_key);
        assert!(c.idempotency_key.len() <= 45);
        assert_eq!(b["amount_money"], json!({"amount": 1000, "currency": "USD"}));
        assert_eq!(b["payment_id"], "R2B3Z8WMVt3EAmzYWLZvz7Y69EbZY");
        let st = |x: &str| {
            sq.parse_refund(&c, &ApiResponse::new(200, format!(r#"{{"refund":{{"id":"R1","status":"{x}"}}}}"#)))
                .unwrap()
                .status
        };
        assert_eq!(st("COMPLETED"), ProviderStatus::Succeeded);
        assert_eq!(st("PENDING"), ProviderStatus::Pending);
        assert_eq!(st("NEW_THING"), ProviderStatus::Pending);
        assert!(matches!(st("REJECTED"), ProviderStatus::Failed(_)));
        assert!(matches!(st("FAILED"), ProviderStatus::Failed(_)));
        let e = sq
            .parse_refund(
                &c,
                &ApiResponse::new(
                    400,
                    r#"{"errors":[{"category":"INVALID_REQUEST_ERROR","code":"REFUND_AMOUNT_INVALID","detail":"…"}]}"#,
                ),
            )
            .unwrap_err();
        assert!(matches!(&e, ConnectorError::Permanent(m) if m.contains("larger than what is left")), "{e:?}");
        assert!(matches!(
            sq.parse_refund(
                &c,
                &ApiResponse::new(429, r#"{"errors":[{"category":"RATE_LIMIT_ERROR","code":"RATE_LIMITED"}]}"#)
            ),
            Err(ConnectorError::Transient(_))
        ));
        let mut c2 = c.clone();
        c2.provider_ref = Some("R1".into());
        assert_eq!(sq.lookup_request(&c2).unwrap().path, "/v2/refunds/R1");
    }
}
