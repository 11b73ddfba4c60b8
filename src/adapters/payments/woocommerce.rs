//! WooCommerce: refunds are made in the store, so its orders stay true.
//!
//! `POST /wp-json/wc/v3/orders/{order_id}/refunds` (Basic auth with the consumer key and
//! secret, over HTTPS) with `amount` as a decimal string, `reason`, `api_refund: true`
//! (the store's payment gateway refunds the money) and `meta_data` holding our key
//! (developer.woocommerce.com/docs/apis/rest-api/v3/order-refunds/: "amount | string",
//! "api_refund | boolean | When true, the payment gateway API is used to generate the
//! refund", "meta_data | array"). The API has **no idempotency key**: before any retry
//! the order's refunds are listed (`GET …/orders/{id}/refunds`) and ours is found by the
//! key kept in its meta data; only a listing without it lets the refund be made again.
//!
//! Errors are WordPress REST errors `{code, message, data: {status}}`. The v3 controller
//! (woocommerce/woocommerce `class-wc-rest-order-refunds-controller.php`) answers
//! `woocommerce_rest_invalid_order_id` (404), `woocommerce_rest_invalid_order_refund`
//! (400) and — when `wc_create_refund` refuses, e.g. "Invalid refund amount" or a gateway
//! that declines — `woocommerce_rest_cannot_create_order_refund` with **status 500**: a
//! 500 is therefore not always "maybe made". The refusal of an amount is final; any other
//! 500 is treated as unknown and asked about before a retry.

pub mod webhook;

use super::api::{
    percent_encode, refund, status_error, str_field, ApiRequest, ApiResponse, Body, ProviderApi, ProviderKind,
};
use super::currency::Exception;
use crate::app::ports::{ConnectorError, ProviderRefund, ProviderStatus, RefundCall};
use serde_json::Value;

/// The meta data key our idempotency key is kept under on the refund. Not prefixed with
/// `_`: WordPress treats `_`-prefixed meta as protected (hidden from listings).
pub const META_KEY: &str = "paydesk_idempotency_key";

/// What the store writes as the refund's reason (shown in the order notes and the
/// customer's refund email): a fixed, customer-safe text, never the agent's note.
pub const CUSTOMER_REASON: &str = "Refund from our support team";

/// None: amounts are decimal strings in the order's currency with its ISO 4217 decimals
/// (the store's price decimals default to 2; "amount | string | Total refund amount",
/// developer.woocommerce.com/docs/apis/rest-api/v3/order-refunds/).
pub const CURRENCY_EXCEPTIONS: &[Exception] = &[];

/// The refund listing's page size: `per_page` is at most 100 in the WordPress REST API
/// collection parameters (developer.wordpress.org/rest-api/using-the-rest-api/pagination/).
pub const PAGE: u32 = 100;

#[derive(Debug, Clone, Default)]
pub struct WooCommerce;

/// `POST /wp-json/wc/v3/orders/{id}/refunds` body (order refund properties).
#[derive(Debug, serde::Serialize)]
pub struct CreateRefund<'a> {
    pub amount: String,
    pub reason: String,
    pub api_refund: bool,
    pub meta_data: [Meta<'a>; 1],
}

#[derive(Debug, serde::Serialize)]
pub struct Meta<'a> {
    pub key: &'static str,
    pub value: &'a str,
}

/// The order id: the route is `orders/(?P<order_id>[\d]+)/refunds` (digits only), so
/// anything else cannot name a WooCommerce order.
pub fn order_id(call: &RefundCall) -> Result<&str, ConnectorError> {
    let id = call.charge.as_str();
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ConnectorError::Permanent(format!(
            "woocommerce: `{id}` is not a WooCommerce order number (digits only)"
        )));
    }
    Ok(id)
}

/// A refund object as the store shows it. `refunded_payment` is "If the payment was
/// refunded via the API": with `api_refund: true` the gateway refunded it before the
/// refund was created (`wc_create_refund` deletes the refund when the gateway declines),
/// so there is no "pending" in WooCommerce: a refund that exists is final.
pub fn parse_object(v: &Value) -> Result<ProviderRefund, ConnectorError> {
    let id = match v.get("id") {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        _ => return Err(ConnectorError::Ambiguous("woocommerce: the answer has no refund id".into())),
    };
    let status = if v.get("refunded_payment") == Some(&Value::Bool(true)) {
        ProviderStatus::Succeeded
    } else {
        ProviderStatus::Failed(
            "WooCommerce recorded the refund but its payment gateway did not refund the money (refunded_payment is false): refund it in the gateway or the store"
                .into(),
        )
    };
    Ok(refund(id, status))
}

/// Our key, from a refund's `meta_data` (`[{id, key, value}]`).
pub fn meta_key(v: &Value) -> Option<&str> {
    v.get("meta_data")?
        .as_array()?
        .iter()
        .find(|m| str_field(m, "key") == META_KEY)
        .map(|m| str_field(m, "value"))
        .filter(|k| !k.is_empty())
}

fn error(resp: &ApiResponse) -> ConnectorError {
    let v = resp.json().unwrap_or(Value::Null);
    let (code, message) = (str_field(&v, "code"), str_field(&v, "message"));
    let l = message.to_ascii_lowercase();
    let words = if l.contains("invalid refund amount") {
        "the refund is larger than what is left to refund on the order".to_string()
    } else if code == "woocommerce_rest_invalid_order_id" {
        "WooCommerce does not know this order".to_string()
    } else if code.is_empty() {
        String::new()
    } else {
        format!("{code}: {message}")
    };
    match (resp.status, code) {
        // `wc_create_refund` checks the amount against what is left before it creates
        // anything: refused, nothing made.
        (500, "woocommerce_rest_cannot_create_order_refund") if l.contains("invalid refund amount") => {
            ConnectorError::Permanent(format!("woocommerce: the refund was refused: {words}"))
        }
        _ => status_error("woocommerce", resp, &words),
    }
}

fn json(resp: &ApiResponse) -> Result<Value, ConnectorError> {
    resp.json().ok_or_else(|| ConnectorError::Ambiguous("woocommerce: the answer is not JSON".into()))
}

impl ProviderApi for WooCommerce {
    fn kind(&self) -> ProviderKind {
        ProviderKind::WooCommerce
    }

    fn refund_request(&self, call: &RefundCall) -> Result<ApiRequest, ConnectorError> {
        let order = order_id(call)?;
        let body = CreateRefund {
            amount: super::currency::wire_decimal(ProviderKind::WooCommerce, call.amount, call.currency)?,
            reason: format!("{CUSTOMER_REASON} ({})", call.case),
            api_refund: true,
            meta_data: [Meta { key: META_KEY, value: &call.idempotency_key }],
        };
        let body = serde_json::to_value(&body)
            .map_err(|e| ConnectorError::Permanent(format!("woocommerce: cannot encode the refund: {e}")))?;
        Ok(ApiRequest::post(format!("/wp-json/wc/v3/orders/{}/refunds", percent_encode(order)), Body::Json(body)))
    }

    fn parse_refund(&self, _call: &RefundCall, resp: &ApiResponse) -> Result<ProviderRefund, ConnectorError> {
        if !resp.is_success() {
            return Err(error(resp));
        }
        parse_object(&json(resp)?)
    }

    fn lookup_request(&self, call: &RefundCall) -> Result<ApiRequest, ConnectorError> {
        let order = percent_encode(order_id(call)?);
        Ok(match &call.provider_ref {
            Some(r) => ApiRequest::get(format!("/wp-json/wc/v3/orders/{order}/refunds/{}", percent_encode(r))),
            None => ApiRequest::get(format!("/wp-json/wc/v3/orders/{order}/refunds?per_page={PAGE}")),
        })
    }

    fn parse_lookup(&self, call: &RefundCall, resp: &ApiResponse) -> Result<Option<ProviderRefund>, ConnectorError> {
        if !resp.is_success() {
            return Err(error(resp));
        }
        let v = json(resp)?;
        match v.as_array() {
            Some(list) => {
                if list.len() >= PAGE as usize {
                    // A full page may hide ours on the next one: not a proof of absence.
                    if let Some(mine) = list.iter().find(|r| meta_key(r) == Some(call.idempotency_key.as_str())) {
                        return parse_object(mine).map(Some);
                    }
                    return Err(ConnectorError::Ambiguous(format!(
                        "woocommerce: the order has {PAGE} or more refunds; ours is not on the first page"
                    )));
                }
                list.iter().find(|r| meta_key(r) == Some(call.idempotency_key.as_str())).map(parse_object).transpose()
            }
            None => parse_object(&v).map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::payments::api::test_call;
    use serde_json::json;

    #[test]
    fn request_carries_the_key_in_meta_and_a_decimal_amount() {
        let c = test_call("727", "10.5", "USD");
        let r = WooCommerce.refund_request(&c).unwrap();
        assert_eq!(r.path, "/wp-json/wc/v3/orders/727/refunds");
        assert!(r.creates);
        let Some(Body::Json(b)) = r.body else { panic!() };
        assert_eq!(b["amount"], "10.50");
        assert_eq!(b["api_refund"], true);
        assert_eq!(b["meta_data"], json!([{"key": META_KEY, "value": c.idempotency_key}]));
        assert!(!b["reason"].as_str().unwrap().contains("duplicate charge"), "the agent's note stays internal");
        assert!(WooCommerce.refund_request(&test_call("ch_1", "1", "USD")).is_err());
        assert!(WooCommerce.refund_request(&test_call("727", "1.005", "USD")).is_err());
    }

    #[test]
    fn answers_lookups_and_errors() {
        let c = test_call("727", "10", "USD");
        let ok = WooCommerce
            .parse_refund(&c, &ApiResponse::new(201, r#"{"id":726,"amount":"10.00","refunded_payment":true}"#))
            .unwrap();
        assert_eq!((ok.provider_ref.as_str(), ok.status), ("726", ProviderStatus::Succeeded));
        let manual =
            WooCommerce.parse_refund(&c, &ApiResponse::new(201, r#"{"id":726,"refunded_payment":false}"#)).unwrap();
        assert!(matches!(manual.status, ProviderStatus::Failed(_)));
        let too_much = ApiResponse::new(
            500,
            r#"{"code":"woocommerce_rest_cannot_create_order_refund","message":"Invalid refund amount.","data":{"status":500}}"#,
        );
        let e = WooCommerce.parse_refund(&c, &too_much).unwrap_err();
        assert!(matches!(&e, ConnectorError::Permanent(m) if m.contains("larger than what is left")), "{e:?}");
        let gateway = ApiResponse::new(
            500,
            r#"{"code":"woocommerce_rest_cannot_create_order_refund","message":"Gateway timeout","data":{"status":500}}"#,
        );
        assert!(matches!(WooCommerce.parse_refund(&c, &gateway), Err(ConnectorError::Ambiguous(_))));
        assert!(matches!(
            WooCommerce.parse_refund(&c, &ApiResponse::new(500, "<html>fatal</html>")),
            Err(ConnectorError::Ambiguous(_))
        ));
        let list = json!([{"id": 1, "refunded_payment": true, "meta_data": []},
            {"id": 2, "refunded_payment": true, "meta_data": [{"id": 9, "key": META_KEY, "value": c.idempotency_key}]}]);
        let found = WooCommerce.parse_lookup(&c, &ApiResponse::new(200, list.to_string())).unwrap().unwrap();
        assert_eq!(found.provider_ref, "2");
        assert_eq!(WooCommerce.parse_lookup(&c, &ApiResponse::new(200, "[]")).unwrap(), None);
        assert!(WooCommerce
            .parse_lookup(&c, &ApiResponse::new(401, r#"{"code":"woocommerce_rest_cannot_view"}"#))
            .is_err());
        let full: Vec<Value> = (0..PAGE).map(|i| json!({"id": i, "meta_data": []})).collect();
        assert!(
            WooCommerce.parse_lookup(&c, &ApiResponse::new(200, Value::from(full).to_string())).is_err(),
            "a full page proves nothing"
        );
        assert_eq!(WooCommerce.lookup_request(&c).unwrap().path, "/wp-json/wc/v3/orders/727/refunds?per_page=100");
    }
}
