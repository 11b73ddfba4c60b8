//! Adyen Checkout v72: `POST /payments/{paymentPspReference}/refunds` with `X-API-Key`
//! and `Idempotency-Key`, `amount {value (minor units), currency}`, `merchantAccount`,
//! `reference` (our key). The answer is always `received`: the outcome arrives by
//! webhook (`REFUND` with `success` true/false, or `REFUND_FAILED`). There is no read
//! API for a refund, so a pending one stays pending until that webhook. Shapes from
//! `adyen-CheckoutService-v72.json`.

pub mod webhook;

use super::api::{
    percent_encode, refund, status_error, str_field, ApiRequest, ApiResponse, Body, ProviderApi, ProviderKind,
};
use super::currency::Exception;
use crate::app::ports::{
    CheckoutLink, ConnectorError, ProviderRefund, ProviderStatus, PurchaseCall, PurchaseState, RefundCall,
};
use serde_json::Value;

/// Adyen's minor units where they differ from ISO 4217 (docs.adyen.com/development-resources/currency-codes:
/// "For CLP, CVE, IDR, and ISK the standard has a different number of decimals than shown
/// in our currency codes table … the decimals in the table on this page are leading").
pub const CURRENCY_EXCEPTIONS: &[Exception] = &[
    Exception {
        code: "CLP",
        digits: 2,
        step: 1,
        why: "Adyen writes CLP with two decimals",
        source: "docs.adyen.com/development-resources/currency-codes (CLP: 2, differs from ISO 4217's 0)",
    },
    Exception {
        code: "ISK",
        digits: 2,
        step: 1,
        why: "Adyen writes ISK with two decimals",
        source: "docs.adyen.com/development-resources/currency-codes (ISK: 2, differs from ISO 4217's 0)",
    },
    Exception {
        code: "CVE",
        digits: 0,
        step: 1,
        why: "Adyen takes CVE without decimals",
        source: "docs.adyen.com/development-resources/currency-codes (CVE: 0, differs from ISO 4217's 2)",
    },
    Exception {
        code: "IDR",
        digits: 0,
        step: 1,
        why: "Adyen takes IDR without decimals",
        source: "docs.adyen.com/development-resources/currency-codes (IDR: 0, differs from ISO 4217's 2)",
    },
];

/// `PaymentRefundRequest` of Adyen's Checkout v72 OpenAPI document (no other
/// properties allowed: `additionalProperties: false`).
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRefundRequest<'a> {
    pub amount: Amount<'a>,
    pub merchant_account: &'a str,
    /// Our key: echoed as `merchantReference` in webhooks.
    pub reference: &'a str,
    /// FRAUD, CUSTOMER REQUEST, RETURN, DUPLICATE or OTHER.
    pub merchant_refund_reason: &'static str,
}

/// `Amount`: `value` in Adyen's minor units for the currency (its currency-codes table).
#[derive(Debug, serde::Serialize)]
pub struct Amount<'a> {
    pub value: i64,
    pub currency: &'a str,
}

/// `PaymentLinkRequest` of the Checkout v72 document (`POST /paymentLinks`,
/// `additionalProperties: false`): `amount`, `merchantAccount` and `reference` are required;
/// `reference` "is used to uniquely identify the payment in future communications about
/// the payment status" (our purchase reference, echoed as `merchantReference`);
/// `returnUrl` "Website URL used for redirection after payment is completed"; `description`
/// "A short description visible on the payment page. Maximum length: 280 characters".
/// No `expiresAt`: "If not provided, the payment link expires 24 hours after it was created".
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentLinkRequest<'a> {
    pub amount: Amount<'a>,
    pub merchant_account: &'a str,
    pub reference: &'a str,
    pub return_url: &'a str,
    pub description: &'a str,
}

/// A payment link's state (`PaymentLinkResponse.status`: active, completed, expired, paid,
/// paymentPending). Only `expired` is final here: a completed link's payment (its
/// pspReference, what a refund is made against) is named only by the `AUTHORISATION`
/// webhook, which credits; until then the purchase stays open.
pub fn link_state(link: &Value) -> PurchaseState {
    match str_field(link, "status") {
        "expired" => PurchaseState::Expired,
        _ => PurchaseState::Open,
    }
}

#[derive(Debug, Clone)]
pub struct Adyen {
    pub merchant_account: String,
}

/// `merchantRefundReason`: FRAUD, CUSTOMER REQUEST, RETURN, DUPLICATE, OTHER.
pub fn reason(ours: &str) -> &'static str {
    let l = ours.to_ascii_lowercase();
    if l.contains("duplicate") {
        "DUPLICATE"
    } else if l.contains("fraud") || l.contains("unauthori") {
        "FRAUD"
    } else {
        "CUSTOMER REQUEST"
    }
}

fn error(resp: &ApiResponse) -> ConnectorError {
    let v = resp.json().unwrap_or(Value::Null);
    let (code, msg) = (
        v.get("errorCode").map(|c| c.to_string().trim_matches('"').to_string()).unwrap_or_default(),
        str_field(&v, "message"),
    );
    let words = match (code.as_str(), msg) {
        ("", m) => m.to_string(),
        (c, m) => format!("{m} (Adyen error {c})"),
    };
    if resp.status == 409 || (resp.status == 422 && msg.to_ascii_lowercase().contains("in progress")) {
        return ConnectorError::Transient(format!("adyen: a request with the same key is in progress: {words}"));
    }
    status_error("adyen", resp, &words)
}

impl ProviderApi for Adyen {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Adyen
    }

    fn refund_request(&self, call: &RefundCall) -> Result<ApiRequest, ConnectorError> {
        let body = PaymentRefundRequest {
            amount: Amount {
                value: super::currency::wire_units(ProviderKind::Adyen, call.amount, call.currency)?,
                currency: call.currency.code(),
            },
            merchant_account: &self.merchant_account,
            reference: &call.idempotency_key,
            merchant_refund_reason: reason(&call.reason),
        };
        let body = serde_json::to_value(&body)
            .map_err(|e| ConnectorError::Permanent(format!("adyen: cannot encode the refund: {e}")))?;
        Ok(ApiRequest::post(format!("/payments/{}/refunds", percent_encode(call.charge.as_str())), Body::Json(body))
            .header("Idempotency-Key", call.idempotency_key.clone()))
    }

    fn parse_refund(&self, _call: &RefundCall, resp: &ApiResponse) -> Result<ProviderRefund, ConnectorError> {
        if !resp.is_success() {
            return Err(error(resp));
        }
        let v = resp.json().ok_or_else(|| ConnectorError::Ambiguous("adyen: the answer is not JSON".into()))?;
        let psp = str_field(&v, "pspReference");
        if psp.is_empty() {
            return Err(ConnectorError::Ambiguous("adyen: the answer has no pspReference".into()));
        }
        // `received` is all Adyen ever says here; the outcome comes by webhook.
        Ok(refund(psp, ProviderStatus::Pending))
    }

    fn hosted_checkout(&self) -> bool {
        true
    }

    fn checkout_request(&self, call: &PurchaseCall) -> Result<ApiRequest, ConnectorError> {
        let body = PaymentLinkRequest {
            amount: Amount {
                value: super::currency::wire_units(ProviderKind::Adyen, call.amount, call.currency)?,
                currency: call.currency.code(),
            },
            merchant_account: &self.merchant_account,
            reference: &call.reference,
            return_url: &call.return_url,
            description: &call.description,
        };
        let body = serde_json::to_value(&body)
            .map_err(|e| ConnectorError::Permanent(format!("adyen: cannot encode the payment link: {e}")))?;
        // `/paymentLinks` takes the `Idempotency-Key` parameter (Checkout v72 document).
        Ok(ApiRequest::post("/paymentLinks", Body::Json(body)).header("Idempotency-Key", call.reference.clone()))
    }

    fn parse_checkout(&self, _call: &PurchaseCall, resp: &ApiResponse) -> Result<CheckoutLink, ConnectorError> {
        if !resp.is_success() {
            return Err(error(resp));
        }
        let v = resp.json().ok_or_else(|| ConnectorError::Ambiguous("adyen: the answer is not JSON".into()))?;
        // `PaymentLinkResponse` requires `id` and `url` ("The URL at which the shopper can
        // complete the payment"); `expiresAt` is ISO 8601.
        let (id, url) = (str_field(&v, "id"), str_field(&v, "url"));
        if id.is_empty() || url.is_empty() {
            return Err(ConnectorError::Ambiguous("adyen: the payment link has no id or url".into()));
        }
        let expires_at = chrono::DateTime::parse_from_rfc3339(str_field(&v, "expiresAt"))
            .ok()
            .map(|t| t.with_timezone(&chrono::Utc));
        Ok(CheckoutLink { provider_ref: id.to_string(), url: url.to_string(), expires_at })
    }

    fn purchase_status_request(&self, provider_ref: &str) -> Result<ApiRequest, ConnectorError> {
        Ok(ApiRequest::get(format!("/paymentLinks/{}", percent_encode(provider_ref))))
    }

    fn parse_purchase_status(&self, resp: &ApiResponse) -> Result<PurchaseState, ConnectorError> {
        if !resp.is_success() {
            return Err(error(resp));
        }
        let v = resp.json().ok_or_else(|| ConnectorError::Ambiguous("adyen: the answer is not JSON".into()))?;
        Ok(link_state(&v))
    }

    fn lookup_request(&self, call: &RefundCall) -> Result<ApiRequest, ConnectorError> {
        // The same Idempotency-Key returns the stored answer (kept at least 7 days).
        self.refund_request(call)
    }

    fn parse_lookup(&self, call: &RefundCall, resp: &ApiResponse) -> Result<Option<ProviderRefund>, ConnectorError> {
        self.parse_refund(call, resp).map(Some)
    }

    fn lookup_known(&self, call: &RefundCall) -> Option<ProviderRefund> {
        call.provider_ref.as_ref().map(|r| refund(r.clone(), ProviderStatus::Pending))
    }
}

/// One standard webhook notification item's HMAC, as Adyen computes it: the values of
/// pspReference, originalReference, merchantAccountCode, merchantReference,
/// amount.value, amount.currency, eventCode and success joined by `:`, HMAC-SHA256 with
/// the hex-decoded key, base64.
pub fn notification_hmac(item: &Value, hex_key: &str) -> Option<String> {
    use base64::Engine as _;
    use hmac::{Hmac, Mac};
    let key = hex::decode(hex_key.trim()).ok()?;
    let amount = item.get("amount").cloned().unwrap_or(Value::Null);
    let value = match amount.get("value") {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(x)) => x.clone(),
        _ => String::new(),
    };
    let success = match item.get("success") {
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::String(x)) => x.clone(),
        _ => String::new(),
    };
    let payload = [
        str_field(item, "pspReference"),
        str_field(item, "originalReference"),
        str_field(item, "merchantAccountCode"),
        str_field(item, "merchantReference"),
        &value,
        str_field(&amount, "currency"),
        str_field(item, "eventCode"),
        &success,
    ]
    .join(":");
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).ok()?;
    mac.update(payload.as_bytes());
    Some(base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::payments::api::test_call;
    use serde_json::json;

    #[test]
    fn request_shape_and_received() {
        let a = Adyen { merchant_account: "PaydeskECOM".into() };
        let c = test_call("QFQTPCQ8HXSKGK82", "10.00", "EUR");
        let r = a.refund_request(&c).unwrap();
        assert_eq!(r.path, "/payments/QFQTPCQ8HXSKGK82/refunds");
        assert_eq!(r.header_value("Idempotency-Key"), Some(c.idempotency_key.as_str()));
        let Some(Body::Json(b)) = r.body else { panic!() };
        assert_eq!(b["amount"], json!({"value": 1000, "currency": "EUR"}));
        assert_eq!(b["merchantAccount"], "PaydeskECOM");
        assert_eq!(b["reference"], c.idempotency_key);
        let ok = a
            .parse_refund(&c, &ApiResponse::new(201, r#"{"merchantAccount":"PaydeskECOM","paymentPspReference":"QFQTPCQ8HXSKGK82","pspReference":"ZC4R4RBFJGXXGN82","reference":"x","status":"received","amount":{"currency":"EUR","value":1000}}"#))
            .unwrap();
        assert_eq!(ok, refund("ZC4R4RBFJGXXGN82", ProviderStatus::Pending));
        let e = a
            .parse_refund(
                &c,
                &ApiResponse::new(
                    422,
                    r#"{"status":422,"errorCode":"137","message":"Invalid amount specified","errorType":"validation"}"#,
                ),
            )
            .unwrap_err();
        assert_eq!(
            e,
            ConnectorError::Permanent(
                "adyen: the refund was refused (422): Invalid amount specified (Adyen error 137)".into()
            )
        );
        assert!(matches!(a.parse_refund(&c, &ApiResponse::new(500, "{}")), Err(ConnectorError::Ambiguous(_))));
        let mut c2 = c.clone();
        c2.provider_ref = Some("ZC4R".into());
        assert_eq!(a.lookup_known(&c2), Some(refund("ZC4R", ProviderStatus::Pending)));
        assert_eq!(a.lookup_known(&c), None);
    }

    #[test]
    fn hmac_of_a_notification_item() {
        // Computed independently: printf '%s' '7914073381342284::TestMerchant:TestPayment-1407325143704:1130:EUR:AUTHORISATION:true'
        //   | openssl dgst -sha256 -mac HMAC -macopt hexkey:44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056 -binary | base64
        let item = json!({"pspReference":"7914073381342284","merchantAccountCode":"TestMerchant","merchantReference":"TestPayment-1407325143704",
            "amount":{"value":1130,"currency":"EUR"},"eventCode":"AUTHORISATION","success":"true"});
        let sig = notification_hmac(&item, "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056").unwrap();
        assert_eq!(sig, "coqCmt/IZ4E3CzPvMY8zTjQVL5hYJUiBRg8UU+iCWo0=");
    }
}
