//! What every real provider module is made of: a pure description of an HTTP request
//! (no secrets in it: the executor adds authentication), the answer as data, and the
//! `ProviderApi` trait that turns a `RefundCall` into requests and answers into
//! `ProviderRefund`s or `ConnectorError`s. No I/O here.

use crate::app::ports::{
    CheckoutLink, ConnectorError, ProviderRefund, ProviderStatus, PurchaseCall, PurchaseState, RefundCall, SavedMethod,
    Taken,
};
use crate::domain::money::Currency;
use rust_decimal::Decimal;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(&self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Json(Value),
    /// `application/x-www-form-urlencoded`, in this order.
    Form(Vec<(String, String)>),
    /// JSON sent exactly as these bytes (a document that must not be re-serialised,
    /// like a PayPal event spliced into its verification request).
    RawJson(Vec<u8>),
}

impl Body {
    pub fn content_type(&self) -> &'static str {
        match self {
            Body::Json(_) | Body::RawJson(_) => "application/json",
            Body::Form(_) => "application/x-www-form-urlencoded",
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Body::Json(v) => serde_json::to_vec(v).unwrap_or_default(),
            Body::Form(pairs) => serde_urlencoded::to_string(pairs).unwrap_or_default().into_bytes(),
            Body::RawJson(b) => b.clone(),
        }
    }
}

/// A request as the provider documents it, relative to the configured base URL. It
/// holds no credentials: those are added by the executor, which never logs them.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiRequest {
    pub method: Method,
    /// Path and query, starting with `/`.
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Body>,
    /// True when the request makes a refund (as opposed to reading one).
    pub creates: bool,
}

impl ApiRequest {
    pub fn get(path: impl Into<String>) -> ApiRequest {
        ApiRequest { method: Method::Get, path: path.into(), headers: Vec::new(), body: None, creates: false }
    }

    pub fn post(path: impl Into<String>, body: Body) -> ApiRequest {
        ApiRequest { method: Method::Post, path: path.into(), headers: Vec::new(), body: Some(body), creates: true }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> ApiRequest {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// An answer: status, headers (names lower-cased) and the body as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl ApiResponse {
    pub fn new(status: u16, body: impl Into<String>) -> ApiResponse {
        ApiResponse { status, headers: Vec::new(), body: body.into() }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> ApiResponse {
        self.headers.push((name.to_ascii_lowercase(), value.to_string()));
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// `Retry-After` in seconds (the delta-seconds form; an HTTP date is ignored).
    pub fn retry_after_secs(&self) -> Option<u64> {
        self.header("retry-after").and_then(|v| v.trim().parse::<u64>().ok())
    }
}

/// Every provider paydesk knows: matched exhaustively wherever providers differ (no
/// fallback arm), so a new provider cannot be half added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProviderKind {
    Sandbox,
    Stripe,
    PayPal,
    Adyen,
    Square,
    Braintree,
    Mollie,
    WooCommerce,
    Klarna,
    Chargebee,
    Shopify,
    AmazonPay,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 12] = [
        ProviderKind::Sandbox,
        ProviderKind::Stripe,
        ProviderKind::PayPal,
        ProviderKind::Adyen,
        ProviderKind::Square,
        ProviderKind::Braintree,
        ProviderKind::Mollie,
        ProviderKind::WooCommerce,
        ProviderKind::Klarna,
        ProviderKind::Chargebee,
        ProviderKind::Shopify,
        ProviderKind::AmazonPay,
    ];

    /// What charges name in `provider`, and the `[providers.<name>]` table.
    pub fn name(self) -> &'static str {
        match self {
            ProviderKind::Sandbox => "sandbox",
            ProviderKind::Stripe => "stripe",
            ProviderKind::PayPal => "paypal",
            ProviderKind::Adyen => "adyen",
            ProviderKind::Square => "square",
            ProviderKind::Braintree => "braintree",
            ProviderKind::Mollie => "mollie",
            ProviderKind::WooCommerce => "woocommerce",
            ProviderKind::Klarna => "klarna",
            ProviderKind::Chargebee => "chargebee",
            ProviderKind::Shopify => "shopify",
            ProviderKind::AmazonPay => "amazon_pay",
        }
    }

    /// The name people know it by.
    pub fn display(self) -> &'static str {
        match self {
            ProviderKind::Sandbox => "the sandbox",
            ProviderKind::Stripe => "Stripe",
            ProviderKind::PayPal => "PayPal",
            ProviderKind::Adyen => "Adyen",
            ProviderKind::Square => "Square",
            ProviderKind::Braintree => "Braintree",
            ProviderKind::Mollie => "Mollie",
            ProviderKind::WooCommerce => "WooCommerce",
            ProviderKind::Klarna => "Klarna",
            ProviderKind::Chargebee => "Chargebee",
            ProviderKind::Shopify => "Shopify",
            ProviderKind::AmazonPay => "Amazon Pay",
        }
    }

    pub fn from_name(name: &str) -> Option<ProviderKind> {
        ProviderKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// A payment provider's refund API, as pure functions.
pub trait ProviderApi: Send + Sync + 'static {
    fn kind(&self) -> ProviderKind;
    /// The connector's name (`stripe`, …): what charges name in `provider`.
    fn name(&self) -> &'static str {
        self.kind().name()
    }
    /// The request that makes the refund (with the call's idempotency key).
    fn refund_request(&self, call: &RefundCall) -> Result<ApiRequest, ConnectorError>;
    fn parse_refund(&self, call: &RefundCall, resp: &ApiResponse) -> Result<ProviderRefund, ConnectorError>;
    /// The request that asks for the refund's current state: by its provider reference
    /// when known, else by the idempotency key (a listing filtered by our key, or — for
    /// providers whose only key-addressed read is the idempotent replay — the same
    /// request with the same key, which returns the stored result and never pays twice).
    fn lookup_request(&self, call: &RefundCall) -> Result<ApiRequest, ConnectorError>;
    /// `Ok(None)`: the provider has no refund with this key (nothing was made).
    fn parse_lookup(&self, call: &RefundCall, resp: &ApiResponse) -> Result<Option<ProviderRefund>, ConnectorError>;
    /// An answer known without asking (Adyen has no read API for a refund: its outcome
    /// arrives only by webhook). `None`: ask with `lookup_request`.
    fn lookup_known(&self, _call: &RefundCall) -> Option<ProviderRefund> {
        None
    }
    /// The provider's own rules for a refund of `amount` (beyond its currency format:
    /// the currencies its region takes, its largest refund), checked when the refund is
    /// requested, before any lead is asked; `Err` says why, in words.
    fn rules(&self, _amount: Decimal, _currency: Currency) -> Result<(), crate::app::ports::CannotSend> {
        Ok(())
    }
    /// See `PaymentConnector::fresh_key`.
    fn fresh_key(&self, _key: &str, _last_error: &str) -> Option<String> {
        None
    }
    /// Whether `checkout_request` makes a hosted payment page (credit purchases).
    fn hosted_checkout(&self) -> bool {
        false
    }
    /// The request that makes a hosted payment page for a purchase, idempotent under
    /// `call.reference`.
    fn checkout_request(&self, _call: &PurchaseCall) -> Result<ApiRequest, ConnectorError> {
        Err(ConnectorError::Permanent(format!("{} has no hosted payment page in paydesk", self.name())))
    }
    fn parse_checkout(&self, _call: &PurchaseCall, _resp: &ApiResponse) -> Result<CheckoutLink, ConnectorError> {
        Err(ConnectorError::Permanent(format!("{} has no hosted payment page in paydesk", self.name())))
    }
    /// The request that reads a hosted page's payment.
    fn purchase_status_request(&self, _provider_ref: &str) -> Result<ApiRequest, ConnectorError> {
        Err(ConnectorError::Permanent(format!("{} has no hosted payment page in paydesk", self.name())))
    }
    fn parse_purchase_status(&self, _resp: &ApiResponse) -> Result<PurchaseState, ConnectorError> {
        Err(ConnectorError::Permanent(format!("{} has no hosted payment page in paydesk", self.name())))
    }
    /// The request that takes the payment of an approved page (PayPal's order capture).
    fn capture_request(&self, _call: &PurchaseCall, _provider_ref: &str) -> Result<ApiRequest, ConnectorError> {
        Err(ConnectorError::Permanent(format!("{} has no payment to capture in paydesk", self.name())))
    }
    fn parse_capture(&self, _resp: &ApiResponse) -> Result<PurchaseState, ConnectorError> {
        Err(ConnectorError::Permanent(format!("{} has no payment to capture in paydesk", self.name())))
    }
    /// Whether `off_session_request` charges a saved payment method (auto-recharge).
    fn off_session(&self) -> bool {
        false
    }
    /// The request that charges a saved payment method without the customer.
    fn off_session_request(&self, _call: &PurchaseCall, _saved: &SavedMethod) -> Result<ApiRequest, ConnectorError> {
        Err(ConnectorError::Permanent(format!("{} cannot charge a saved payment method in paydesk", self.name())))
    }
    fn parse_off_session(&self, _resp: &ApiResponse) -> Result<PurchaseState, ConnectorError> {
        Err(ConnectorError::Permanent(format!("{} cannot charge a saved payment method in paydesk", self.name())))
    }
}

/// `key-r<n+1>` from `key` or `key-r<n>`: a key derived from the refund's own, so it
/// stays recognisable and unique.
pub fn derived_key(key: &str) -> String {
    match key.rsplit_once("-r") {
        Some((base, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{base}-r{}", n.parse::<u32>().unwrap_or(0).saturating_add(1))
        }
        _ => format!("{key}-r1"),
    }
}

/// Minor units for APIs that take integers (Stripe, Adyen, Square).
pub fn minor_units(amount: Decimal, currency: Currency) -> Result<i64, ConnectorError> {
    currency.to_minor_units(amount).filter(|v| *v > 0).ok_or_else(|| {
        ConnectorError::Permanent(format!(
            "{amount} {currency} is not a positive whole number of {currency}'s minor unit ({} decimals)",
            currency.minor_digits()
        ))
    })
}

/// A decimal string with exactly the currency's minor digits (PayPal, Braintree, Mollie):
/// 49 USD -> "49.00", 1200 JPY -> "1200". Finer amounts are refused, never rounded.
pub fn decimal_string(amount: Decimal, currency: Currency) -> Result<String, ConnectorError> {
    if !currency.is_whole_minor(amount) || amount <= Decimal::ZERO {
        return Err(ConnectorError::Permanent(format!(
            "{amount} {currency} cannot be sent: it must be positive with at most {} decimals",
            currency.minor_digits()
        )));
    }
    let mut a = amount.normalize();
    a.rescale(currency.minor_digits());
    let s = a.to_string();
    debug_assert_eq!(s, currency.format(amount));
    Ok(s)
}

/// The generic part of error classification, by HTTP status: 429 and 503 are transient
/// (nothing was made; retry with the same key); 500, 502 and 504 are ambiguous (the
/// provider may have made it: ask before retrying); other 4xx are permanent.
pub fn status_error(provider: &str, resp: &ApiResponse, detail: &str) -> ConnectorError {
    let what = if detail.is_empty() { String::new() } else { format!(": {detail}") };
    match resp.status {
        429 => ConnectorError::Transient(format!("{provider}: rate limited (429){what}")),
        503 => ConnectorError::Transient(format!("{provider}: service unavailable (503){what}")),
        500 | 502 | 504 => ConnectorError::Ambiguous(format!("{provider}: server error ({}){what}", resp.status)),
        s if s >= 500 => ConnectorError::Transient(format!("{provider}: server error ({s}){what}")),
        401 | 403 => {
            ConnectorError::Permanent(format!("{provider}: the credentials were refused ({}){what}", resp.status))
        }
        404 => ConnectorError::Permanent(format!("{provider}: the payment was not found (404){what}")),
        s => ConnectorError::Permanent(format!("{provider}: the refund was refused ({s}){what}")),
    }
}

/// What a provider says it took, from its integer units (Stripe, Adyen, Square) read with
/// its own format for the currency; `None` when the currency is not one paydesk knows.
pub fn taken_units(kind: ProviderKind, units: Option<i64>, currency: &str) -> Option<Taken> {
    let code = currency.to_ascii_uppercase();
    let cur = Currency::from_code(&code)?;
    Some(Taken { amount: super::currency::from_wire_units(kind, units?, cur), currency: code })
}

/// What a provider says it took, from its decimal string (PayPal, Mollie); `None` when it
/// is not a plain decimal.
pub fn taken_decimal(value: &str, currency: &str) -> Option<Taken> {
    let ok = !value.is_empty()
        && value.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && value.bytes().filter(|b| *b == b'.').count() <= 1;
    let amount: Decimal = if ok { value.parse().ok()? } else { return None };
    Some(Taken { amount, currency: currency.to_ascii_uppercase() })
}

/// A refund the provider reported, from an id and a mapped status.
pub fn refund(provider_ref: impl Into<String>, status: ProviderStatus) -> ProviderRefund {
    ProviderRefund { provider_ref: provider_ref.into(), status }
}

/// Percent-encodes one path segment or query value (ids are alphanumeric in practice;
/// this keeps a hostile id from changing the path).
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A string field of a JSON object, or "" when it is missing or not a string.
pub fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// A refund call for the provider modules' unit tests.
#[cfg(test)]
pub(crate) fn test_call(charge: &str, amount: &str, currency: &str) -> RefundCall {
    use crate::domain::ids::{CaseNumber, ChargeId, RefundId};
    use std::str::FromStr;
    RefundCall {
        idempotency_key: "pd_0123456789abcdef0123456789abcdef01234567".into(),
        refund: RefundId(7),
        case: CaseNumber::new(3).expect("case"),
        charge: ChargeId::new(charge.to_string()),
        charge_amount: Decimal::from_str("100000").expect("amount"),
        amount: Decimal::from_str(amount).expect("amount"),
        currency: Currency::from_code(currency).expect("currency"),
        reason: "duplicate charge".into(),
        provider_ref: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn amounts_exact_digits() {
        let usd = Currency::USD;
        let jpy = Currency::from_code("JPY").unwrap();
        assert_eq!(decimal_string(Decimal::from_str("49").unwrap(), usd).unwrap(), "49.00");
        assert_eq!(decimal_string(Decimal::from_str("12.5").unwrap(), usd).unwrap(), "12.50");
        assert_eq!(decimal_string(Decimal::from_str("1200").unwrap(), jpy).unwrap(), "1200");
        assert!(decimal_string(Decimal::from_str("0.125").unwrap(), usd).is_err());
        assert!(decimal_string(Decimal::from_str("0").unwrap(), usd).is_err());
        assert_eq!(minor_units(Decimal::from_str("49.00").unwrap(), usd).unwrap(), 4900);
        assert_eq!(minor_units(Decimal::from_str("1200").unwrap(), jpy).unwrap(), 1200);
        assert!(minor_units(Decimal::from_str("3.9875").unwrap(), usd).is_err());
    }

    #[test]
    fn status_classes() {
        let r = |s| ApiResponse::new(s, "");
        assert!(matches!(status_error("x", &r(429), ""), ConnectorError::Transient(_)));
        assert!(matches!(status_error("x", &r(503), ""), ConnectorError::Transient(_)));
        assert!(matches!(status_error("x", &r(500), ""), ConnectorError::Ambiguous(_)));
        assert!(matches!(status_error("x", &r(400), ""), ConnectorError::Permanent(_)));
        assert_eq!(ApiResponse::new(429, "").with_header("Retry-After", "3").retry_after_secs(), Some(3));
        assert_eq!(percent_encode("ch_1/../x"), "ch_1%2F..%2Fx");
    }
}
