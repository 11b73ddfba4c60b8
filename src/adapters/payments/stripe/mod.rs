//! Stripe: `POST /v1/refunds` (form-encoded, `charge` for `ch_…` or `payment_intent`
//! for `pi_…`, `amount` in minor units, `reason`, `metadata[…]`; never `currency`, which
//! the API refuses next to a charge or payment intent), `Idempotency-Key`
//! header; `GET /v1/refunds/{id}` or `GET /v1/refunds?charge=…` matched on our
//! `metadata[idempotency_key]` for lookups. Errors are `{"error":{type,code,message}}`;
//! `Stripe-Should-Retry` wins over the status code.

#[cfg(test)]
mod tests;
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

/// Stripe's amounts that are not ISO 4217's minor units (docs.stripe.com/currencies,
/// "Minor units in API amounts" and "Special cases").
pub const CURRENCY_EXCEPTIONS: &[Exception] = &[
    Exception {
        code: "ISK",
        digits: 2,
        step: 100,
        why: "Stripe keeps ISK two-decimal in its API but accepts only whole kronur",
        source: "support.stripe.com/questions/deprecation-of-fractional-isk-charges-and-refunds: \"ISK will remain a two-decimal \
                 currency in the Stripe API, and an ISK amount of 100 will continue to represent 1 króna\"; amounts must be \
                 evenly divisible by 100 (docs.stripe.com/currencies#special-cases)",
    },
    Exception {
        code: "BHD",
        digits: 3,
        step: 10,
        why: "the last of the three decimals must be 0",
        source: "docs.stripe.com/currencies#three-decimal: \"these API calls require the least-significant (last) digit to be 0\"",
    },
    Exception {
        code: "JOD",
        digits: 3,
        step: 10,
        why: "the last of the three decimals must be 0",
        source: "docs.stripe.com/currencies#three-decimal",
    },
    Exception {
        code: "KWD",
        digits: 3,
        step: 10,
        why: "the last of the three decimals must be 0",
        source: "docs.stripe.com/currencies#three-decimal",
    },
    Exception {
        code: "OMR",
        digits: 3,
        step: 10,
        why: "the last of the three decimals must be 0",
        source: "docs.stripe.com/currencies#three-decimal",
    },
    Exception {
        code: "TND",
        digits: 3,
        step: 10,
        why: "the last of the three decimals must be 0",
        source: "docs.stripe.com/currencies#three-decimal",
    },
];

/// Stripe saves a 500 under its idempotency key: "Subsequent requests with the same key
/// return the same result, including 500 errors" (docs.stripe.com/api/idempotent_requests).
pub const SAVED_500: &str = "Stripe replays this answer for the same key";

#[derive(Debug, Clone, Default)]
pub struct Stripe;

/// `POST /v1/refunds`, form-encoded, as the API reference lists its parameters
/// (docs.stripe.com/api/refunds/create). There is no `currency` field on purpose: a
/// refund is in the payment's currency, and Stripe answers "400 parameter_unknown:
/// Received unknown parameter: currency" when it comes with `charge`/`payment_intent`
/// (stripe-node issue 1804, stripe-dotnet issue 2786).
#[derive(Debug, serde::Serialize)]
pub struct RefundParams<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charge: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_intent: Option<&'a str>,
    /// In Stripe's units for the currency (`currency::wire_units`).
    pub amount: i64,
    pub reason: &'static str,
    #[serde(rename = "metadata[case]")]
    pub metadata_case: String,
    #[serde(rename = "metadata[refund_id]")]
    pub metadata_refund_id: String,
    /// Our key, for lookups by listing the charge's refunds.
    #[serde(rename = "metadata[idempotency_key]")]
    pub metadata_idempotency_key: &'a str,
}

impl RefundParams<'_> {
    /// The form's pairs, in the struct's order.
    pub fn pairs(&self) -> Result<Vec<(String, String)>, serde_urlencoded::ser::Error> {
        let text = serde_urlencoded::to_string(self)?;
        Ok(serde_urlencoded::from_str(&text).unwrap_or_default())
    }
}

/// `POST /v1/checkout/sessions`, form-encoded (docs.stripe.com/api/checkout/sessions/create):
/// one line item priced inline, paid once on Stripe's hosted page.
#[derive(Debug, serde::Serialize)]
pub struct CheckoutSessionParams<'a> {
    /// "The mode of the Checkout Session": `payment` for a one-time payment.
    pub mode: &'static str,
    /// "A unique string to reference the Checkout Session … used to reconcile the Session
    /// with your internal systems": our purchase reference, echoed in every event.
    pub client_reference_id: &'a str,
    /// "The URL to which Stripe should send customers when payment … is complete."
    pub success_url: &'a str,
    /// `line_items[].quantity`.
    #[serde(rename = "line_items[0][quantity]")]
    pub quantity: u32,
    /// `line_items[].price_data.currency`: "Three-letter ISO currency code, in lowercase".
    #[serde(rename = "line_items[0][price_data][currency]")]
    pub currency: String,
    /// `line_items[].price_data.unit_amount`: "A non-negative integer in cents" (the
    /// currency's Stripe units, `currency::wire_units`).
    #[serde(rename = "line_items[0][price_data][unit_amount]")]
    pub unit_amount: i64,
    /// `line_items[].price_data.product_data.name`: shown on the page.
    #[serde(rename = "line_items[0][price_data][product_data][name]")]
    pub product_name: &'a str,
    /// `metadata`: "Set of key-value pairs that you can attach to an object".
    #[serde(rename = "metadata[purchase]")]
    pub metadata_purchase: &'a str,
    /// `payment_intent_data.metadata`: the payment itself carries the reference too.
    #[serde(rename = "payment_intent_data[metadata][purchase]")]
    pub payment_metadata_purchase: &'a str,
    /// `payment_intent_data.setup_future_usage`: `off_session` — "Use off_session if your
    /// customer may or may not be present in your checkout flow"; the payment method is
    /// attached to the customer for auto-recharge
    /// (docs.stripe.com/api/checkout/sessions/create#create_checkout_session-payment_intent_data-setup_future_usage).
    #[serde(rename = "payment_intent_data[setup_future_usage]")]
    pub setup_future_usage: &'static str,
    /// `customer_creation`: `always` — "The Checkout Session will always create a Customer
    /// when a Session confirmation is attempted" (a saved method needs a customer).
    pub customer_creation: &'static str,
}

/// `POST /v1/payment_intents` for auto-recharge, form-encoded
/// (docs.stripe.com/api/payment_intents/create; docs.stripe.com/payments/checkout/save-and-reuse,
/// "Charge the payment method later": "Set customer to the ID of the Customer and
/// payment_method to the ID of the PaymentMethod. Set off_session to true …", with
/// `confirm=true`; stripe.com/docs/payments/cards/charging-saved-cards).
#[derive(Debug, serde::Serialize)]
pub struct OffSessionParams<'a> {
    /// In Stripe's units for the currency (`currency::wire_units`).
    pub amount: i64,
    /// Lower-case ISO code.
    pub currency: String,
    pub customer: &'a str,
    pub payment_method: &'a str,
    /// "Set to true to attempt to confirm this PaymentIntent immediately."
    pub confirm: bool,
    /// "Set to true to indicate that the customer isn't in your checkout flow during this
    /// payment attempt" (only with `confirm=true`).
    pub off_session: bool,
    pub description: &'a str,
    /// The recharge's purchase reference: `payment_intent.succeeded` names it.
    #[serde(rename = "metadata[purchase]")]
    pub metadata_purchase: &'a str,
    /// `RECHARGE_KIND`: tells an auto-recharge's events from a Checkout page's.
    #[serde(rename = "metadata[kind]")]
    pub metadata_kind: &'static str,
}

/// `metadata[kind]` of an auto-recharge's PaymentIntent.
pub const RECHARGE_KIND: &str = "auto_recharge";

/// The Idempotency-Key of an auto-recharge's PaymentIntent, from the recharge (a
/// purchase) id: every retry of the same recharge replays the first answer for 24 hours
/// (docs.stripe.com/api/idempotent_requests), so the card is charged at most once.
pub fn recharge_key(reference: &str) -> String {
    format!("{reference}-recharge")
}

/// A PaymentIntent (docs.stripe.com/api/payment_intents/object) as a purchase's state:
/// `succeeded` paid (`amount_received` in `currency`), with the customer and payment
/// method saved for later when it was set up for off-session use; `processing` and the
/// other in-between statuses wait; `requires_payment_method` after a confirmation (a
/// declined card) and `canceled` end it unpaid.
pub fn intent_state(pi: &Value) -> PurchaseState {
    match str_field(pi, "status") {
        "succeeded" => PurchaseState::Paid {
            payment_ref: str_field(pi, "id").to_string(),
            taken: super::api::taken_units(
                ProviderKind::Stripe,
                pi.get("amount_received").and_then(Value::as_i64),
                str_field(pi, "currency"),
            ),
            saved: saved_method(pi),
        },
        "canceled" => PurchaseState::Failed(PaymentFailure::Cancelled),
        "requires_payment_method" if pi.get("last_payment_error").is_some_and(|e| !e.is_null()) => {
            PurchaseState::Failed(decline_words(pi.get("last_payment_error").unwrap_or(&Value::Null)))
        }
        _ => PurchaseState::Open,
    }
}

/// The customer and payment method a PaymentIntent saved for off-session use.
fn saved_method(pi: &Value) -> Option<crate::app::ports::SavedMethod> {
    let id = |k: &str| match pi.get(k) {
        Some(Value::String(x)) => x.clone(),
        Some(Value::Object(_)) => pi.get(k).map(|o| str_field(o, "id").to_string()).unwrap_or_default(),
        _ => String::new(),
    };
    let (customer, pm) = (id("customer"), id("payment_method"));
    (str_field(pi, "setup_future_usage") == "off_session" && !customer.is_empty() && !pm.is_empty())
        .then_some(crate::app::ports::SavedMethod { customer, payment_method: pm })
}

/// Words for an off-session decline (docs.stripe.com/declines/codes and
/// docs.stripe.com/error-codes): `authentication_required` — "The payment requires
/// authentication to proceed"; `card_declined` with its `decline_code`. Known kinds are
/// typed (a customer reads them in their language); other codes are Stripe's words.
fn decline_words(err: &Value) -> PaymentFailure {
    match (str_field(err, "code"), str_field(err, "decline_code")) {
        ("authentication_required", _) | (_, "authentication_required") => PaymentFailure::AuthenticationRequired,
        ("card_declined", "insufficient_funds") => PaymentFailure::InsufficientFunds,
        ("card_declined", "") => PaymentFailure::CardDeclined,
        ("card_declined", why) => PaymentFailure::CardDeclinedBecause(why.replace('_', " ")),
        ("expired_card", _) => PaymentFailure::ExpiredCard,
        (code, _) if !code.is_empty() => PaymentFailure::ProviderSays(code.replace('_', " ")),
        _ => PaymentFailure::ReportedDeclined("Stripe".into()),
    }
}

/// A Checkout Session's payment as the bot reads it (docs.stripe.com/api/checkout/sessions/object):
/// `status` is `open`, `complete` or `expired`; `payment_status` is `paid`, `unpaid` or
/// `no_payment_required` ("The payment status of the Checkout Session, one of paid,
/// unpaid, or no_payment_required. You can use this value to decide when to fulfill your
/// customer's order"). Only `paid` credits; a complete but unpaid session (a delayed
/// payment method) is still open until `checkout.session.async_payment_succeeded`.
pub fn session_state(session: &Value) -> PurchaseState {
    match (str_field(session, "status"), str_field(session, "payment_status")) {
        // `amount_total`: "Total of all items after discounts and taxes are applied" (Stripe's
        // units for `currency`, lower-case ISO).
        (_, "paid") => PurchaseState::Paid {
            payment_ref: match session.get("payment_intent") {
                Some(Value::Object(_)) => {
                    session.get("payment_intent").map(|pi| str_field(pi, "id").to_string()).unwrap_or_default()
                }
                _ => str_field(session, "payment_intent").to_string(),
            },
            taken: super::api::taken_units(
                ProviderKind::Stripe,
                session.get("amount_total").and_then(Value::as_i64),
                str_field(session, "currency"),
            ),
            // The payment method is on the PaymentIntent (a lookup expands it).
            saved: session.get("payment_intent").filter(|pi| pi.is_object()).and_then(saved_method),
        },
        ("expired", _) => PurchaseState::Expired,
        _ => PurchaseState::Open,
    }
}

fn parse_session(v: &Value) -> Result<&Value, ConnectorError> {
    if str_field(v, "object") != "checkout.session" || str_field(v, "id").is_empty() {
        return Err(ConnectorError::Ambiguous("stripe: the answer is not a Checkout Session".into()));
    }
    Ok(v)
}

/// Stripe's refund reason from ours (it knows `duplicate`, `fraudulent` and
/// `requested_by_customer`). Never `fraudulent` from words in a free-text reason: that
/// value "will add the associated card and email to your block lists"
/// (docs.stripe.com/api/refunds/create), so it takes an agent's explicit fraud mark,
/// which the command grammar does not have yet.
pub fn reason(ours: &str) -> &'static str {
    if ours.to_ascii_lowercase().contains("duplicate") {
        "duplicate"
    } else {
        "requested_by_customer"
    }
}

/// Stripe's refund status, mapped: an unknown status is pending, never success.
pub fn map_status(status: &str, failure_reason: &str) -> ProviderStatus {
    match status {
        "succeeded" => ProviderStatus::Succeeded,
        "failed" | "canceled" => ProviderStatus::Failed(format!(
            "Stripe reports the refund {status}{}",
            if failure_reason.is_empty() { String::new() } else { format!(" ({})", failure_words(failure_reason)) }
        )),
        _ => ProviderStatus::Pending, // pending, requires_action, anything new
    }
}

fn failure_words(code: &str) -> String {
    match code {
        "charge_for_pending_refund_disputed" => "the charge was disputed while the refund was pending".into(),
        "declined" => "the card issuer declined it".into(),
        "expired_or_canceled_card" => "the card has expired or was cancelled".into(),
        "insufficient_funds" => "the Stripe balance is too low to cover it".into(),
        "lost_or_stolen_card" => "the card was reported lost or stolen".into(),
        other => other.replace('_', " "),
    }
}

/// Clear words for Stripe's error codes.
fn error_words(code: &str, message: &str) -> String {
    match code {
        "charge_already_refunded" => "the charge has already been refunded in full".into(),
        "amount_too_large" => "the refund is larger than what is left to refund on the charge".into(),
        "charge_disputed" => "the charge has an open dispute (chargeback), so it cannot be refunded".into(),
        "resource_missing" => "Stripe does not know this charge".into(),
        "charge_expired_for_capture" | "charge_not_refundable" => "Stripe says this charge cannot be refunded".into(),
        _ if !message.is_empty() => message.to_string(),
        _ => code.replace('_', " "),
    }
}

fn parse_refund_object(v: &Value) -> Result<ProviderRefund, ConnectorError> {
    let id = str_field(v, "id");
    if id.is_empty() || str_field(v, "object") != "refund" {
        return Err(ConnectorError::Ambiguous("stripe: the answer is not a refund object".into()));
    }
    Ok(refund(id, map_status(str_field(v, "status"), str_field(v, "failure_reason"))))
}

fn error(resp: &ApiResponse) -> ConnectorError {
    let v = resp.json().unwrap_or(Value::Null);
    let e = v.get("error").cloned().unwrap_or(Value::Null);
    let (code, message, typ) = (str_field(&e, "code"), str_field(&e, "message"), str_field(&e, "type"));
    let words = error_words(code, message);
    match resp.header("stripe-should-retry") {
        Some("true") => return ConnectorError::Transient(format!("stripe: {words} (Stripe asks for a retry)")),
        Some("false") if resp.status < 500 => return ConnectorError::Permanent(format!("stripe: {words}")),
        _ => {}
    }
    if resp.status == 409 {
        // A request with the same key is still in flight: retry with the same key. A key
        // reused with other parameters is a bug on our side: never retried.
        return if typ == "idempotency_error" && code != "idempotency_key_in_use" {
            ConnectorError::Permanent(format!("stripe: {words}"))
        } else {
            ConnectorError::Transient(format!("stripe: {words} (409, a request with the same key is in progress)"))
        };
    }
    if resp.status < 500 && resp.status != 429 {
        return ConnectorError::Permanent(format!("stripe: {words}"));
    }
    if resp.status == 500 {
        return ConnectorError::Ambiguous(format!("stripe: server error (500): {words}; {SAVED_500}"));
    }
    status_error("stripe", resp, &words)
}

impl ProviderApi for Stripe {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Stripe
    }

    fn refund_request(&self, call: &RefundCall) -> Result<ApiRequest, ConnectorError> {
        let charge = call.charge.as_str();
        let pi = charge.starts_with("pi_");
        let params = RefundParams {
            charge: (!pi).then_some(charge),
            payment_intent: pi.then_some(charge),
            amount: super::currency::wire_units(ProviderKind::Stripe, call.amount, call.currency)?,
            reason: reason(&call.reason),
            metadata_case: call.case.to_string(),
            metadata_refund_id: call.refund.0.to_string(),
            metadata_idempotency_key: &call.idempotency_key,
        };
        let form =
            params.pairs().map_err(|e| ConnectorError::Permanent(format!("stripe: cannot encode the refund: {e}")))?;
        Ok(ApiRequest::post("/v1/refunds", Body::Form(form)).header("Idempotency-Key", call.idempotency_key.clone()))
    }

    fn parse_refund(&self, _call: &RefundCall, resp: &ApiResponse) -> Result<ProviderRefund, ConnectorError> {
        if !resp.is_success() {
            return Err(error(resp));
        }
        let v = resp.json().ok_or_else(|| ConnectorError::Ambiguous("stripe: the answer is not JSON".into()))?;
        parse_refund_object(&v)
    }

    fn fresh_key(&self, key: &str, last_error: &str) -> Option<String> {
        // Only a 500 is saved and replayed; a timeout may still be running under the
        // old key, so it keeps it.
        last_error.contains(SAVED_500).then(|| super::api::derived_key(key))
    }

    fn hosted_checkout(&self) -> bool {
        true
    }

    fn checkout_request(&self, call: &PurchaseCall) -> Result<ApiRequest, ConnectorError> {
        let params = CheckoutSessionParams {
            mode: "payment",
            client_reference_id: &call.reference,
            success_url: &call.return_url,
            quantity: 1,
            currency: call.currency.code().to_ascii_lowercase(),
            unit_amount: super::currency::wire_units(ProviderKind::Stripe, call.amount, call.currency)?,
            product_name: &call.description,
            metadata_purchase: &call.reference,
            payment_metadata_purchase: &call.reference,
            setup_future_usage: "off_session",
            customer_creation: "always",
        };
        let text = serde_urlencoded::to_string(&params)
            .map_err(|e| ConnectorError::Permanent(format!("stripe: cannot encode the session: {e}")))?;
        let form: Vec<(String, String)> = serde_urlencoded::from_str(&text).unwrap_or_default();
        // "Idempotency-Key" on every POST (docs.stripe.com/api/idempotent_requests): a
        // retried creation returns the same session.
        Ok(ApiRequest::post("/v1/checkout/sessions", Body::Form(form))
            .header("Idempotency-Key", call.reference.clone()))
    }

    fn parse_checkout(&self, _call: &PurchaseCall, resp: &ApiResponse) -> Result<CheckoutLink, ConnectorError> {
        if !resp.is_success() {
            return Err(error(resp));
        }
        let v = resp.json().ok_or_else(|| ConnectorError::Ambiguous("stripe: the answer is not JSON".into()))?;
        let v = parse_session(&v)?;
        let url = str_field(v, "url");
        if url.is_empty() {
            return Err(ConnectorError::Ambiguous("stripe: the Checkout Session has no url".into()));
        }
        // `expires_at`: "The timestamp at which the Checkout Session will expire" (Unix seconds).
        let expires_at =
            v.get("expires_at").and_then(Value::as_i64).and_then(|t| chrono::DateTime::from_timestamp(t, 0));
        Ok(CheckoutLink { provider_ref: str_field(v, "id").to_string(), url: url.to_string(), expires_at })
    }

    fn purchase_status_request(&self, provider_ref: &str) -> Result<ApiRequest, ConnectorError> {
        // "Retrieves a Checkout Session object": GET /v1/checkout/sessions/:id, with its
        // PaymentIntent expanded (docs.stripe.com/expand) for the saved payment method.
        Ok(ApiRequest::get(format!("/v1/checkout/sessions/{}?expand[]=payment_intent", percent_encode(provider_ref))))
    }

    fn off_session(&self) -> bool {
        true
    }

    fn off_session_request(
        &self,
        call: &PurchaseCall,
        saved: &crate::app::ports::SavedMethod,
    ) -> Result<ApiRequest, ConnectorError> {
        let params = OffSessionParams {
            amount: super::currency::wire_units(ProviderKind::Stripe, call.amount, call.currency)?,
            currency: call.currency.code().to_ascii_lowercase(),
            customer: &saved.customer,
            payment_method: &saved.payment_method,
            confirm: true,
            off_session: true,
            description: &call.description,
            metadata_purchase: &call.reference,
            metadata_kind: RECHARGE_KIND,
        };
        let text = serde_urlencoded::to_string(&params)
            .map_err(|e| ConnectorError::Permanent(format!("stripe: cannot encode the payment: {e}")))?;
        let form: Vec<(String, String)> = serde_urlencoded::from_str(&text).unwrap_or_default();
        Ok(ApiRequest::post("/v1/payment_intents", Body::Form(form))
            .header("Idempotency-Key", recharge_key(&call.reference)))
    }

    fn parse_off_session(&self, resp: &ApiResponse) -> Result<PurchaseState, ConnectorError> {
        // A decline is "402 Request Failed" with a `card_error` whose `payment_intent` is the
        // failed PaymentIntent (docs.stripe.com/api/errors). Off-session, "If authentication
        // is required, your customer needs to return to your application to complete the
        // payment" (stripe.com/docs/payments/cards/charging-saved-cards;
        // stripe.com/docs/payments/payment-intents/off-session): nothing was taken.
        if resp.status == 402 {
            let v = resp.json().unwrap_or(Value::Null);
            let e = v.get("error").cloned().unwrap_or(Value::Null);
            if str_field(&e, "type") == "card_error" {
                return Ok(PurchaseState::Failed(decline_words(&e)));
            }
        }
        if !resp.is_success() {
            return Err(error(resp));
        }
        let v = resp.json().ok_or_else(|| ConnectorError::Ambiguous("stripe: the answer is not JSON".into()))?;
        if str_field(&v, "object") != "payment_intent" || str_field(&v, "id").is_empty() {
            return Err(ConnectorError::Ambiguous("stripe: the answer is not a PaymentIntent".into()));
        }
        Ok(intent_state(&v))
    }

    fn parse_purchase_status(&self, resp: &ApiResponse) -> Result<PurchaseState, ConnectorError> {
        if !resp.is_success() {
            return Err(error(resp));
        }
        let v = resp.json().ok_or_else(|| ConnectorError::Ambiguous("stripe: the answer is not JSON".into()))?;
        Ok(session_state(parse_session(&v)?))
    }

    fn lookup_request(&self, call: &RefundCall) -> Result<ApiRequest, ConnectorError> {
        if let Some(r) = &call.provider_ref {
            return Ok(ApiRequest::get(format!("/v1/refunds/{}", percent_encode(r))));
        }
        let charge = call.charge.as_str();
        let target = if charge.starts_with("pi_") { "payment_intent" } else { "charge" };
        Ok(ApiRequest::get(format!("/v1/refunds?{target}={}&limit=100", percent_encode(charge))))
    }

    fn parse_lookup(&self, call: &RefundCall, resp: &ApiResponse) -> Result<Option<ProviderRefund>, ConnectorError> {
        // Only a listing of the charge's refunds without ours is a definite "none made";
        // any error (a 404 included: the charge or the list not found) leaves it unknown.
        if !resp.is_success() {
            return Err(error(resp));
        }
        let v = resp.json().ok_or_else(|| ConnectorError::Ambiguous("stripe: the answer is not JSON".into()))?;
        if str_field(&v, "object") == "list" {
            let items = v.get("data").and_then(Value::as_array).cloned().unwrap_or_default();
            let mine = items.iter().find(|r| {
                r.get("metadata").map(|m| str_field(m, "idempotency_key")) == Some(call.idempotency_key.as_str())
            });
            return mine.map(parse_refund_object).transpose();
        }
        parse_refund_object(&v).map(Some)
    }
}
