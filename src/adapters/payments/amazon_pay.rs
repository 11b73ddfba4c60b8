//! Amazon Pay (API v2): the refund is made on the Amazon Pay charge, so the merchant's
//! Amazon Pay ledger and settlement reports stay true.
//!
//! `POST /v2/refunds` with `chargeId`, `refundAmount {amount, currencyCode}` (the amount a
//! decimal string in the charge's currency) and `softDescriptor` ("Description shown on
//! the buyer payment instrument statement … Max length: 16 characters"); header
//! `x-amz-pay-idempotency-key` (required). `GET /v2/refunds/{refundId}` reads it back
//! (developer.amazon.com/docs/amazon-pay-api-v2/refund.html). Every request is signed
//! (`signing`: AMZN-PAY-RSASSA-PSS-V2) with the merchant's private key, read from the
//! environment only.
//!
//! Refunds are asynchronous: "Refunds start in a Pending state before moving to a
//! Completed or Declined state" (refund.html); the v2 refund object spells these
//! `statusDetails.state` `RefundInitiated`, `Refunded` and `Declined` (with a
//! `reasonCode`: `AmazonRejected`, `ProcessingFailure`, …). Both spellings are read. A
//! pending refund is never failed: its outcome comes from `GET` or an instant payment
//! notification (`sns`).
//!
//! Idempotency (developer.amazon.com/docs/amazon-pay-api-v2/idempotency.html): "Amazon Pay
//! saves the response to the first request made with an idempotency key. Subsequent
//! requests using the same key will return the saved result"; the key "can have a
//! maximum of 32 characters" of `a-z A-Z 0-9 - _`. Ours is longer, so the header carries
//! a 32-character key derived from it (`amz_key`). There is no way to list refunds by
//! key: when the answer to the create was lost, the lookup **replays the same request
//! with the same key**, which answers the refund it made (or makes it, once, if the first
//! never arrived) — never a second refund.
//!
//! Errors are `{reasonCode, message}` (developer.amazon.com/docs/amazon-pay-api-v2/
//! error-handling.html): 400 `InvalidParameterValue`, `DuplicateIdempotencyKey` ("already
//! used in a different request"), `TransactionAmountExceeded`, 404 `ResourceNotFound`,
//! 429 `TooManyRequests` (throttled: "Requests that are throttled will return a 429 HTTP
//! status code" — amazon-pay-checkout/faqs.html), 500 `InternalServerError`, 503
//! `ServiceUnavailable`.

pub mod signing;
pub mod sns;

use super::api::{
    percent_encode, refund, status_error, str_field, ApiRequest, ApiResponse, Body, ProviderApi, ProviderKind,
};
use super::currency::Exception;
use crate::app::ports::{CannotSend, ConnectorError, ProviderRefund, ProviderStatus, RefundCall};
use crate::domain::money::Currency;
use rust_decimal::Decimal;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// None: amounts are decimal strings with the currency's ISO 4217 decimals (the `price`
/// type: `amount` "Transaction amount", `currencyCode` "Three-digit currency code. In
/// ISO 4217 format" — refund.html); JPY has none.
pub const CURRENCY_EXCEPTIONS: &[Exception] = &[];

/// The soft descriptor's longest form ("Max length: 16 characters", refund.html).
pub const SOFT_DESCRIPTOR_MAX: usize = 16;

/// The Amazon Pay region a merchant account is registered in: it decides the API host,
/// the `x-amz-pay-region` header and the currencies a refund may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    /// United States (`pay-api.amazon.com`).
    Us,
    /// Europe (`pay-api.amazon.eu`).
    Eu,
    /// United Kingdom (`pay-api.amazon.eu`).
    Uk,
    /// Japan (`pay-api.amazon.jp`).
    Jp,
}

impl Region {
    /// From `[providers.amazon_pay] region` (`us`/`na`, `eu`/`de`, `uk`, `jp`, as the
    /// official SDKs take it).
    pub fn parse(s: &str) -> Option<Region> {
        match s.trim().to_ascii_lowercase().as_str() {
            "us" | "na" => Some(Region::Us),
            "eu" | "de" => Some(Region::Eu),
            "uk" | "gb" => Some(Region::Uk),
            "jp" => Some(Region::Jp),
            _ => None,
        }
    }

    /// The `x-amz-pay-region` value (the documented example sends `us`).
    pub fn header(self) -> &'static str {
        match self {
            Region::Us => "us",
            Region::Eu => "eu",
            Region::Uk => "uk",
            Region::Jp => "jp",
        }
    }

    /// The API host (refund.html, supported operations).
    pub fn host(self) -> &'static str {
        match self {
            Region::Us => "https://pay-api.amazon.com",
            Region::Eu | Region::Uk => "https://pay-api.amazon.eu",
            Region::Jp => "https://pay-api.amazon.jp",
        }
    }

    /// The currencies a charge (and so its refund) can be in. US and JP merchants charge
    /// in their ledger currency only; EU and UK merchants may charge in the supported
    /// presentment currencies ("The multi-currency feature is only available for
    /// merchants who have registered for an account with EUR or GBP ledger currency";
    /// "Set Create Charge, Capture, and Refund currencyCode" —
    /// developer.amazon.com/docs/amazon-pay-checkout/multi-currency-integration.html;
    /// the supported list: AUD, GBP, DKK, EUR, HKD, JPY, NZD, NOK, ZAR, SEK, CHF, USD —
    /// developer.amazon.com/docs/eu/amazon-pay-automatic/supported-currencies.html).
    pub fn currencies(self) -> &'static [&'static str] {
        match self {
            Region::Us => &["USD"],
            Region::Jp => &["JPY"],
            Region::Eu | Region::Uk => {
                &["AUD", "GBP", "DKK", "EUR", "HKD", "JPY", "NZD", "NOK", "ZAR", "SEK", "CHF", "USD"]
            }
        }
    }
}

/// The largest single refund: "Maximum value: 150,000 USD/GBP/EUR and 10,000,000 JPY"
/// (refund.html, `refundAmount`). Other currencies have no documented maximum.
pub fn max_refund(currency: &str) -> Option<Decimal> {
    match currency {
        "USD" | "GBP" | "EUR" => Some(Decimal::from(150_000)),
        "JPY" => Some(Decimal::from(10_000_000)),
        _ => None,
    }
}

/// What the IPN route needs: the SNS verifier (certificates cached), the topic IPNs
/// must come from (when configured), and the API to read the object an IPN names.
#[derive(Debug)]
pub struct Ipns {
    pub verifier: sns::SnsVerifier,
    pub topic_arn: Option<String>,
    pub exec: std::sync::Arc<super::executor::Executor>,
}

#[derive(Debug, Clone)]
pub struct AmazonPay {
    pub region: Region,
}

/// The `x-amz-pay-idempotency-key` for our key: ours when it fits the documented form
/// (at most 32 of `a-z A-Z 0-9 - _`), else `pd` and the first 30 hex digits of its
/// SHA-256 — the same for every retry of one refund, distinct between refunds.
pub fn amz_key(key: &str) -> String {
    let ok = |k: &str| {
        !k.is_empty() && k.len() <= 32 && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if ok(key) {
        return key.to_string();
    }
    let h = hex::encode(Sha256::digest(key.as_bytes()));
    format!("pd{}", &h[..30])
}

/// `CreateRefund` body (refund.html).
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateRefund {
    pub charge_id: String,
    pub refund_amount: Price,
    pub soft_descriptor: String,
}

#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Price {
    pub amount: String,
    pub currency_code: String,
}

/// A charge id as Amazon Pay writes it (`S01-5105180-3221187-C056351`: letters, digits
/// and dashes); anything else cannot name an Amazon Pay charge.
fn charge_id(call: &RefundCall) -> Result<&str, ConnectorError> {
    let id = call.charge.as_str();
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(ConnectorError::Permanent(format!("amazon_pay: `{id}` is not an Amazon Pay charge id")));
    }
    Ok(id)
}

/// What the buyer's statement shows after `AMZ* `: the case number, nothing about the
/// buyer ("Do not store sensitive data about the buyer … in this field").
pub fn soft_descriptor(call: &RefundCall) -> String {
    let d = format!("Refund {}", call.case);
    d.chars().take(SOFT_DESCRIPTOR_MAX).collect()
}

/// A refund object: its id and what its state means for us.
pub fn parse_object(v: &Value) -> Result<ProviderRefund, ConnectorError> {
    let id = str_field(v, "refundId");
    if id.is_empty() {
        return Err(ConnectorError::Ambiguous("amazon_pay: the answer names no refundId".into()));
    }
    let st = v.get("statusDetails").or_else(|| v.get("statusDetail")).unwrap_or(&Value::Null);
    let state = str_field(st, "state");
    let reason = str_field(st, "reasonCode");
    let status = match state {
        "Refunded" | "Completed" => ProviderStatus::Succeeded,
        "RefundInitiated" | "Pending" => ProviderStatus::Pending,
        "Declined" => ProviderStatus::Failed(declined_words(reason, str_field(st, "reasonDescription"))),
        // A state we do not know: not a refusal, so never "failed" — keep asking.
        _ => ProviderStatus::Pending,
    };
    Ok(refund(id, status))
}

/// The Declined reason codes in words an agent can act on (the refund states and reason
/// codes table: developer.amazon.com/docs/amazon-pay-api/refund-states-and-reason-codes.html).
fn declined_words(reason: &str, description: &str) -> String {
    let words = match reason {
        "AmazonRejected" => "Amazon Pay rejected the refund (possibly a negative balance on the merchant account): refund the buyer another way",
        "ProcessingFailure" => {
            "Amazon Pay could not process the refund (an internal error, or the buyer was already refunded through an A-to-z claim or a chargeback)"
        }
        "MaxAmountRefunded" => "the charge has already been refunded up to its maximum",
        "MaxRefundsProcessed" => "the charge has had as many refunds as Amazon Pay allows",
        _ => "Amazon Pay declined the refund",
    };
    let code = if reason.is_empty() { String::new() } else { format!(" ({reason})") };
    let more = if description.is_empty() { String::new() } else { format!(": {description}") };
    format!("{words}{code}{more}")
}

fn error(resp: &ApiResponse) -> ConnectorError {
    let v = resp.json().unwrap_or(Value::Null);
    let (code, message) = (str_field(&v, "reasonCode"), str_field(&v, "message"));
    let words = match code {
        "TransactionAmountExceeded" => "the refund is larger than what is left to refund on the charge".to_string(),
        "ResourceNotFound" => "Amazon Pay does not know this charge or refund".to_string(),
        "" => message.to_string(),
        c => format!("{c}: {message}"),
    };
    match (resp.status, code) {
        // The key was used for a request with other values: something was made under
        // it. Never a new refund on top: ask what exists.
        (400, "DuplicateIdempotencyKey") => ConnectorError::Ambiguous(format!("amazon_pay: {words}")),
        // 429 TooManyRequests and 503 are transient (nothing made; retry with the same
        // key), 500/502/504 ambiguous, other 4xx permanent.
        _ => status_error("amazon_pay", resp, &words),
    }
}

fn json(resp: &ApiResponse) -> Result<Value, ConnectorError> {
    resp.json().ok_or_else(|| ConnectorError::Ambiguous("amazon_pay: the answer is not JSON".into()))
}

impl ProviderApi for AmazonPay {
    fn kind(&self) -> ProviderKind {
        ProviderKind::AmazonPay
    }

    fn rules(&self, amount: Decimal, currency: Currency) -> Result<(), CannotSend> {
        let code = currency.code();
        if !self.region.currencies().contains(&code) {
            return Err(CannotSend::new(format!(
                "Amazon Pay ({} region) takes refunds in {} only, not {code}",
                self.region.header().to_ascii_uppercase(),
                self.region.currencies().join(", ")
            )));
        }
        if let Some(max) = max_refund(code) {
            if amount > max {
                return Err(CannotSend::new(format!(
                    "Amazon Pay refunds at most {} {code} at once",
                    currency.format(max)
                )));
            }
        }
        Ok(())
    }

    fn refund_request(&self, call: &RefundCall) -> Result<ApiRequest, ConnectorError> {
        let charge = charge_id(call)?;
        self.rules(call.amount, call.currency)?;
        let body = CreateRefund {
            charge_id: charge.to_string(),
            refund_amount: Price {
                amount: super::currency::wire_decimal(ProviderKind::AmazonPay, call.amount, call.currency)?,
                currency_code: call.currency.code().to_string(),
            },
            soft_descriptor: soft_descriptor(call),
        };
        let body = serde_json::to_value(&body)
            .map_err(|e| ConnectorError::Permanent(format!("amazon_pay: cannot encode the refund: {e}")))?;
        Ok(ApiRequest::post("/v2/refunds", Body::Json(body))
            .header("x-amz-pay-idempotency-key", amz_key(&call.idempotency_key)))
    }

    fn parse_refund(&self, _call: &RefundCall, resp: &ApiResponse) -> Result<ProviderRefund, ConnectorError> {
        if !resp.is_success() {
            return Err(error(resp));
        }
        parse_object(&json(resp)?)
    }

    fn lookup_request(&self, call: &RefundCall) -> Result<ApiRequest, ConnectorError> {
        match &call.provider_ref {
            Some(r) => Ok(ApiRequest::get(format!("/v2/refunds/{}", percent_encode(r)))),
            // No read by key: the same request under the same key answers what it made.
            None => self.refund_request(call),
        }
    }

    fn parse_lookup(&self, call: &RefundCall, resp: &ApiResponse) -> Result<Option<ProviderRefund>, ConnectorError> {
        if !resp.is_success() {
            // A refused lookup proves nothing either way: the outcome stays unknown.
            return Err(match error(resp) {
                ConnectorError::Permanent(m) => {
                    ConnectorError::Transient(format!("{m} (the lookup was refused; the outcome stays unknown)"))
                }
                e => e,
            });
        }
        let r = parse_object(&json(resp)?)?;
        if let Some(known) = &call.provider_ref {
            if &r.provider_ref != known {
                return Err(ConnectorError::Ambiguous(format!(
                    "amazon_pay: asked for refund {known}, got {}",
                    r.provider_ref
                )));
            }
        }
        Ok(Some(r))
    }
}

/// `GET /v2/refunds/{id}`: the refund an instant payment notification names (its state,
/// not the notification's, is the event).
pub fn refund_request(id: &str) -> ApiRequest {
    ApiRequest::get(format!("/v2/refunds/{}", percent_encode(id)))
}

/// The refund as `refund_request` read it.
pub fn fetched_refund(resp: &ApiResponse) -> Result<ProviderRefund, ConnectorError> {
    if resp.is_success() {
        resp.json()
            .ok_or_else(|| ConnectorError::Transient("amazon_pay: the refund is not JSON".into()))
            .and_then(|v| parse_object(&v))
    } else {
        Err(status_error("amazon_pay", resp, ""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::payments::api::test_call;
    use serde_json::json;

    const CHARGE: &str = "S01-5105180-3221187-C056351";

    #[test]
    fn request_as_documented_with_a_short_key() {
        let c = test_call(CHARGE, "14", "USD");
        let r = AmazonPay { region: Region::Us }.refund_request(&c).unwrap();
        assert_eq!(r.path, "/v2/refunds");
        let key = r.header_value("x-amz-pay-idempotency-key").unwrap();
        assert!(key.len() <= 32 && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{key}");
        assert_eq!(key, amz_key(&c.idempotency_key), "the same key every time");
        assert_ne!(amz_key("pd_a"), amz_key(&c.idempotency_key));
        let Some(Body::Json(b)) = r.body else { panic!() };
        assert_eq!(
            b,
            json!({"chargeId": CHARGE, "refundAmount": {"amount": "14.00", "currencyCode": "USD"}, "softDescriptor": "Refund RF-000003"})
        );
        assert!(b["softDescriptor"].as_str().unwrap().len() <= 16);
        let jpy = AmazonPay { region: Region::Jp }.refund_request(&test_call(CHARGE, "1200", "JPY")).unwrap();
        let Some(Body::Json(b)) = jpy.body else { panic!() };
        assert_eq!(b["refundAmount"]["amount"], "1200");
        assert!(AmazonPay { region: Region::Us }.refund_request(&test_call("../x", "1", "USD")).is_err());
    }

    #[test]
    fn region_rules_before_anyone_approves() {
        let us = AmazonPay { region: Region::Us };
        let eur = Currency::from_code("EUR").unwrap();
        let e = us.rules(Decimal::from(10), eur).unwrap_err();
        assert!(e.reason.contains("USD only"), "{e}");
        assert!(AmazonPay { region: Region::Eu }.rules(Decimal::from(10), eur).is_ok());
        assert!(AmazonPay { region: Region::Eu }.rules(Decimal::from(10), Currency::from_code("CHF").unwrap()).is_ok());
        assert!(AmazonPay { region: Region::Eu }
            .rules(Decimal::from(10), Currency::from_code("PLN").unwrap())
            .is_err());
        let e = us.rules(Decimal::from(150_001), Currency::USD).unwrap_err();
        assert!(e.reason.contains("at most 150,000") || e.reason.contains("at most 150000"), "{e}");
        assert!(us.rules(Decimal::from(150_000), Currency::USD).is_ok());
        assert_eq!(Region::parse("NA"), Some(Region::Us));
        assert_eq!(Region::parse("mars"), None);
    }

    #[test]
    fn states_and_errors() {
        let a = AmazonPay { region: Region::Us };
        let c = test_call(CHARGE, "14", "USD");
        let obj = |state: &str, reason: &str| {
            json!({"refundId": "S01-5105180-3221187-R022311", "chargeId": CHARGE, "refundAmount": {"amount": "14.00", "currencyCode": "USD"},
                "statusDetails": {"state": state, "reasonCode": reason, "reasonDescription": null}})
            .to_string()
        };
        assert_eq!(
            a.parse_refund(&c, &ApiResponse::new(201, obj("RefundInitiated", ""))).unwrap().status,
            ProviderStatus::Pending
        );
        assert_eq!(
            a.parse_refund(&c, &ApiResponse::new(201, obj("Pending", ""))).unwrap().status,
            ProviderStatus::Pending
        );
        assert_eq!(
            a.parse_refund(&c, &ApiResponse::new(200, obj("Refunded", ""))).unwrap().status,
            ProviderStatus::Succeeded
        );
        assert_eq!(
            a.parse_refund(&c, &ApiResponse::new(200, obj("Completed", ""))).unwrap().status,
            ProviderStatus::Succeeded
        );
        let ProviderStatus::Failed(why) =
            a.parse_refund(&c, &ApiResponse::new(200, obj("Declined", "AmazonRejected"))).unwrap().status
        else {
            panic!()
        };
        assert!(why.contains("AmazonRejected") && why.contains("another way"), "{why}");
        assert_eq!(
            a.parse_refund(&c, &ApiResponse::new(200, obj("SomethingNew", ""))).unwrap().status,
            ProviderStatus::Pending
        );
        let err =
            |status, code: &str| ApiResponse::new(status, json!({"reasonCode": code, "message": "m"}).to_string());
        assert!(matches!(a.parse_refund(&c, &err(429, "TooManyRequests")), Err(ConnectorError::Transient(_))));
        assert!(matches!(a.parse_refund(&c, &err(400, "DuplicateIdempotencyKey")), Err(ConnectorError::Ambiguous(_))));
        assert!(
            matches!(a.parse_refund(&c, &err(400, "TransactionAmountExceeded")), Err(ConnectorError::Permanent(m)) if m.contains("larger than what is left"))
        );
        assert!(matches!(a.parse_refund(&c, &err(500, "InternalServerError")), Err(ConnectorError::Ambiguous(_))));
        // A refused lookup is never a refusal of the refund.
        let mut known = c.clone();
        known.provider_ref = Some("S01-5105180-3221187-R022311".into());
        assert_eq!(a.lookup_request(&known).unwrap().path, "/v2/refunds/S01-5105180-3221187-R022311");
        assert!(matches!(a.parse_lookup(&known, &err(403, "UnauthorizedAccess")), Err(ConnectorError::Transient(_))));
        assert!(matches!(a.parse_lookup(&known, &err(404, "ResourceNotFound")), Err(ConnectorError::Transient(_))));
        // Without the id: the same request, same key.
        let replay = a.lookup_request(&c).unwrap();
        assert_eq!(replay, a.refund_request(&c).unwrap());
    }
}
