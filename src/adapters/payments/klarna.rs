//! Klarna Order Management: the refund is made on the Klarna order, so Klarna's order and
//! its settlements stay true.
//!
//! `POST /ordermanagement/v1/orders/{order_id}/refunds` (HTTP Basic with the API username
//! and password) with `refunded_amount` in minor units ("must be less or equal to the
//! captured amount minus what was refunded"), `description` ("shown to the customer") and
//! `reference` (ours: the idempotency key); header `Klarna-Idempotency-Key` ("Retries of
//! requests are safe … only the key matters"). `201 Created` carries the refund's id in
//! the `Refund-Id` header and its URI in `Location`; the body is empty
//! (docs.klarna.com/payments/after-payments/order-management/manage-orders-with-the-api/
//! refund-orders-and-manage-authorizations; the OpenAPI `refundOrder`). A refund is final
//! when created: Klarna has no pending refund state.
//!
//! Reads: `GET …/orders/{order_id}/refunds/{refund_id}`, or — when the answer was lost
//! before its id arrived — the order (`GET /ordermanagement/v1/orders/{order_id}`), whose
//! `refunds` are matched by our `reference`. Errors are `{error_code, error_messages,
//! correlation_id}`: 403 `REFUND_NOT_ALLOWED` ("Over refund is not allowed"), 404
//! `NO_SUCH_ORDER`, 409 `CONFLICT`, 429 `TOO_MANY_REQUESTS`, 500 `INTERNAL_SERVER_ERROR`,
//! 502/503/504 `TEMPORARILY_UNAVAILABLE` (docs.klarna.com/resources/developer-tools/
//! error-handling/error-codes-and-messages-for-order-management).

use super::api::{
    percent_encode, refund, status_error, str_field, ApiRequest, ApiResponse, Body, ProviderApi, ProviderKind,
};
use super::currency::Exception;
use crate::app::ports::{ConnectorError, ProviderRefund, ProviderStatus, RefundCall};
use serde_json::Value;

/// What the customer reads with the refund (`description` is "shown to the customer"):
/// fixed, customer-safe text, never the agent's note.
pub const CUSTOMER_DESCRIPTION: &str = "Refund from our support team";

/// None: `refunded_amount` is in "minor units" of the order's currency (ISO 4217: 100 =
/// 1.00 EUR; docs.klarna.com/api/ordermanagement/ — Data types, amounts).
pub const CURRENCY_EXCEPTIONS: &[Exception] = &[];

#[derive(Debug, Clone, Default)]
pub struct Klarna;

/// `RefundObject` of the Order Management OpenAPI (the fields paydesk sends).
#[derive(Debug, serde::Serialize)]
pub struct RefundObject<'a> {
    pub refunded_amount: i64,
    pub description: String,
    pub reference: &'a str,
}

fn order(call: &RefundCall) -> Result<String, ConnectorError> {
    let id = call.charge.as_str();
    // Klarna order ids are UUIDs (docs: "order_id … as returned at purchase").
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
        return Err(ConnectorError::Permanent(format!("klarna: `{id}` is not a Klarna order id (a UUID)")));
    }
    Ok(percent_encode(id))
}

/// The refund's id from a `201`: `Refund-Id`, else the last segment of `Location`.
pub fn refund_id(resp: &ApiResponse) -> Option<String> {
    resp.header("refund-id").map(str::trim).filter(|v| !v.is_empty()).map(str::to_string).or_else(|| {
        resp.header("location")
            .and_then(|l| l.trim_end_matches('/').rsplit('/').next())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    })
}

fn error(resp: &ApiResponse) -> ConnectorError {
    let v = resp.json().unwrap_or(Value::Null);
    let code = str_field(&v, "error_code");
    let messages: Vec<&str> = v
        .get("error_messages")
        .and_then(Value::as_array)
        .map(|m| m.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let said = messages.join("; ");
    let words = match code {
        "REFUND_NOT_ALLOWED" if said.to_ascii_lowercase().contains("over refund") => {
            "the refund is larger than what is left to refund on the order".to_string()
        }
        "REFUND_NOT_ALLOWED" => format!("Klarna does not allow this refund ({said})"),
        "NO_SUCH_ORDER" | "NOT_FOUND" => "Klarna does not know this order".to_string(),
        "" => said,
        c => format!("{c} {said}").trim().to_string(),
    };
    if resp.status == 409 {
        // The same key is being worked on: nothing new made yet; retry with the same key.
        return ConnectorError::Transient(format!("klarna: a request with the same key is in progress (409): {words}"));
    }
    status_error("klarna", resp, &words)
}

fn json(resp: &ApiResponse) -> Result<Value, ConnectorError> {
    resp.json().ok_or_else(|| ConnectorError::Ambiguous("klarna: the answer is not JSON".into()))
}

impl ProviderApi for Klarna {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Klarna
    }

    fn refund_request(&self, call: &RefundCall) -> Result<ApiRequest, ConnectorError> {
        let order = order(call)?;
        let body = RefundObject {
            refunded_amount: super::currency::wire_units(ProviderKind::Klarna, call.amount, call.currency)?,
            description: format!("{CUSTOMER_DESCRIPTION} ({})", call.case),
            reference: &call.idempotency_key,
        };
        let body = serde_json::to_value(&body)
            .map_err(|e| ConnectorError::Permanent(format!("klarna: cannot encode the refund: {e}")))?;
        Ok(ApiRequest::post(format!("/ordermanagement/v1/orders/{order}/refunds"), Body::Json(body))
            .header("Klarna-Idempotency-Key", call.idempotency_key.clone()))
    }

    fn parse_refund(&self, _call: &RefundCall, resp: &ApiResponse) -> Result<ProviderRefund, ConnectorError> {
        if !resp.is_success() {
            return Err(error(resp));
        }
        // Made; without its id it can only be found again by our reference.
        let id = refund_id(resp).ok_or_else(|| {
            ConnectorError::Ambiguous("klarna: the answer names no refund (no Refund-Id or Location)".into())
        })?;
        Ok(refund(id, ProviderStatus::Succeeded))
    }

    fn lookup_request(&self, call: &RefundCall) -> Result<ApiRequest, ConnectorError> {
        let order = order(call)?;
        Ok(match &call.provider_ref {
            Some(r) => ApiRequest::get(format!("/ordermanagement/v1/orders/{order}/refunds/{}", percent_encode(r))),
            None => ApiRequest::get(format!("/ordermanagement/v1/orders/{order}")),
        })
    }

    fn parse_lookup(&self, call: &RefundCall, resp: &ApiResponse) -> Result<Option<ProviderRefund>, ConnectorError> {
        if !resp.is_success() {
            return Err(error(resp));
        }
        let v = json(resp)?;
        let one = |r: &Value| -> Result<ProviderRefund, ConnectorError> {
            let id = str_field(r, "refund_id");
            if id.is_empty() {
                return Err(ConnectorError::Ambiguous("klarna: the refund has no refund_id".into()));
            }
            Ok(refund(id, ProviderStatus::Succeeded))
        };
        match v.get("refunds") {
            // The order: its refunds, ours by `reference`.
            Some(list) => {
                let list = list
                    .as_array()
                    .ok_or_else(|| ConnectorError::Ambiguous("klarna: the order's refunds are not a list".into()))?;
                list.iter().find(|r| str_field(r, "reference") == call.idempotency_key).map(one).transpose()
            }
            None if v.get("order_id").is_some() && v.get("refund_id").is_none() => Ok(None),
            None => one(&v).map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::payments::api::test_call;
    use serde_json::json;

    const ORDER: &str = "f3392f8b-6116-4073-ab96-e330819e2c07";

    #[test]
    fn request_in_minor_units_with_the_key_twice() {
        let c = test_call(ORDER, "10.50", "EUR");
        let r = Klarna.refund_request(&c).unwrap();
        assert_eq!(r.path, format!("/ordermanagement/v1/orders/{ORDER}/refunds"));
        assert_eq!(r.header_value("Klarna-Idempotency-Key"), Some(c.idempotency_key.as_str()));
        let Some(Body::Json(b)) = r.body else { panic!() };
        assert_eq!(b["refunded_amount"], 1050);
        assert_eq!(b["reference"], c.idempotency_key);
        assert!(!b["description"].as_str().unwrap().contains("duplicate charge"));
        assert!(Klarna.refund_request(&test_call("../x", "1", "EUR")).is_err());
        assert!(Klarna.refund_request(&test_call(ORDER, "1.005", "EUR")).is_err());
    }

    #[test]
    fn answers() {
        let c = test_call(ORDER, "10", "EUR");
        let made = ApiResponse::new(201, "")
            .with_header(
                "Location",
                &format!("https://api.klarna.com/ordermanagement/v1/orders/{ORDER}/refunds/b2cb4f5c"),
            )
            .with_header("Refund-Id", "b2cb4f5c");
        assert_eq!(Klarna.parse_refund(&c, &made).unwrap(), refund("b2cb4f5c", ProviderStatus::Succeeded));
        let by_location =
            ApiResponse::new(201, "").with_header("Location", "https://x/ordermanagement/v1/orders/o/refunds/r9");
        assert_eq!(Klarna.parse_refund(&c, &by_location).unwrap().provider_ref, "r9");
        assert!(matches!(Klarna.parse_refund(&c, &ApiResponse::new(201, "")), Err(ConnectorError::Ambiguous(_))));
        let over = ApiResponse::new(
            403,
            r#"{"error_code":"REFUND_NOT_ALLOWED","error_messages":["Over refund is not allowed. Refund not possible."],"correlation_id":"c1"}"#,
        );
        assert!(
            matches!(Klarna.parse_refund(&c, &over), Err(ConnectorError::Permanent(m)) if m.contains("larger than what is left"))
        );
        assert!(matches!(
            Klarna.parse_refund(&c, &ApiResponse::new(409, r#"{"error_code":"CONFLICT"}"#)),
            Err(ConnectorError::Transient(_))
        ));
        assert!(matches!(
            Klarna.parse_refund(&c, &ApiResponse::new(500, r#"{"error_code":"INTERNAL_SERVER_ERROR"}"#)),
            Err(ConnectorError::Ambiguous(_))
        ));
        let order = json!({"order_id": ORDER, "refunds": [{"refund_id": "r1", "reference": "other"}, {"refund_id": "r2", "reference": c.idempotency_key}]});
        assert_eq!(
            Klarna.parse_lookup(&c, &ApiResponse::new(200, order.to_string())).unwrap().unwrap().provider_ref,
            "r2"
        );
        let none = json!({"order_id": ORDER, "refunds": []});
        assert_eq!(Klarna.parse_lookup(&c, &ApiResponse::new(200, none.to_string())).unwrap(), None);
        assert_eq!(Klarna.lookup_request(&c).unwrap().path, format!("/ordermanagement/v1/orders/{ORDER}"));
    }
}
