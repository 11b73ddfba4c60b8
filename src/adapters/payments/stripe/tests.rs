//! Unit tests of Stripe's requests and answers.

use super::*;
use crate::app::ports::RefundCall;

fn call(charge: &str, amount: &str) -> RefundCall {
    crate::adapters::payments::api::test_call(charge, amount, "USD")
}

#[test]
fn checkout_session_request_and_states() {
    use std::str::FromStr;
    let call = PurchaseCall {
        reference: "pd_pu_00000001".into(),
        amount: rust_decimal::Decimal::from_str("20.60").unwrap(),
        currency: crate::domain::money::Currency::USD,
        description: "10 paydesk credits for acct-1".into(),
        return_url: "https://example.com/paid".into(),
        webhook_url: None,
    };
    let r = Stripe.checkout_request(&call).unwrap();
    assert_eq!(r.path, "/v1/checkout/sessions");
    assert_eq!(r.header_value("Idempotency-Key"), Some("pd_pu_00000001"));
    let Some(Body::Form(form)) = &r.body else { panic!("{r:?}") };
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("mode"), Some("payment"));
    assert_eq!(get("line_items[0][price_data][unit_amount]"), Some("2060"));
    assert_eq!(get("line_items[0][price_data][currency]"), Some("usd"));
    assert_eq!(get("client_reference_id"), Some("pd_pu_00000001"));
    let ok = ApiResponse::new(
        200,
        r#"{"id":"cs_test_a1","object":"checkout.session","url":"https://checkout.stripe.com/c/pay/cs_test_a1","expires_at":1775124000,"status":"open","payment_status":"unpaid"}"#,
    );
    let link = Stripe.parse_checkout(&call, &ok).unwrap();
    assert_eq!(link.provider_ref, "cs_test_a1");
    assert_eq!(link.expires_at.unwrap().timestamp(), 1775124000);
    assert_eq!(Stripe.parse_purchase_status(&ok).unwrap(), PurchaseState::Open);
    let st = |status: &str, pay: &str| {
        session_state(&serde_json::json!({"status": status, "payment_status": pay, "payment_intent": "pi_1"}))
    };
    assert!(matches!(st("complete", "paid"), PurchaseState::Paid { payment_ref, .. } if payment_ref == "pi_1"));
    assert_eq!(st("complete", "unpaid"), PurchaseState::Open, "a delayed payment method: not paid yet");
    assert_eq!(st("expired", "unpaid"), PurchaseState::Expired);
    assert!(Stripe.parse_checkout(&call, &ApiResponse::new(200, r#"{"id":"re_1","object":"refund"}"#)).is_err());
}

#[test]
fn request_is_form_encoded_with_key_and_minor_units() {
    let r = Stripe.refund_request(&call("ch_3PqX", "49.00")).unwrap();
    assert_eq!(r.path, "/v1/refunds");
    assert_eq!(r.header_value("Idempotency-Key"), Some("pd_0123456789abcdef0123456789abcdef01234567"));
    let body = String::from_utf8(r.body.unwrap().to_bytes()).unwrap();
    assert!(body.starts_with("charge=ch_3PqX&amount=4900&reason=duplicate&metadata%5Bcase%5D=RF-000003"), "{body}");
    assert!(!body.contains("currency"), "{body}");
    let r = Stripe.refund_request(&call("pi_3PqX", "1.5")).unwrap();
    assert!(String::from_utf8(r.body.unwrap().to_bytes()).unwrap().starts_with("payment_intent=pi_3PqX&amount=150&"));
}

#[test]
fn a_saved_500_gets_a_derived_key_a_timeout_does_not() {
    let c = call("ch_1", "1.00");
    let e = Stripe.parse_refund(&c, &ApiResponse::new(500, r#"{"error":{"type":"api_error"}}"#)).unwrap_err();
    let ConnectorError::Ambiguous(why) = e else { panic!("{e:?}") };
    assert_eq!(Stripe.fresh_key("pd_x", &why).as_deref(), Some("pd_x-r1"));
    assert_eq!(Stripe.fresh_key("pd_x-r1", &why).as_deref(), Some("pd_x-r2"));
    assert_eq!(Stripe.fresh_key("pd_x", "stripe: no answer within 15s"), None);
}

#[test]
fn fraud_words_never_make_a_fraudulent_refund() {
    assert_eq!(reason("customer says unauthorized, fraud suspected"), "requested_by_customer");
    assert_eq!(reason("Duplicate charge"), "duplicate");
}

#[test]
fn statuses_and_errors() {
    let c = call("ch_1", "1.00");
    let ok = |st: &str| {
        Stripe
            .parse_refund(&c, &ApiResponse::new(200, format!(r#"{{"id":"re_1","object":"refund","status":"{st}"}}"#)))
            .unwrap()
            .status
    };
    assert_eq!(ok("succeeded"), ProviderStatus::Succeeded);
    assert_eq!(ok("pending"), ProviderStatus::Pending);
    assert_eq!(ok("requires_action"), ProviderStatus::Pending);
    assert_eq!(ok("brand_new_status"), ProviderStatus::Pending);
    assert!(matches!(ok("failed"), ProviderStatus::Failed(_)));
    assert!(matches!(ok("canceled"), ProviderStatus::Failed(_)));
    let err = |status, body: &str| Stripe.parse_refund(&c, &ApiResponse::new(status, body)).unwrap_err();
    match err(
        400,
        r#"{"error":{"type":"invalid_request_error","code":"charge_already_refunded","message":"Charge ch_1 has already been refunded."}}"#,
    ) {
        ConnectorError::Permanent(m) => assert!(m.contains("already been refunded in full"), "{m}"),
        e => panic!("{e:?}"),
    }
    assert!(matches!(
        err(409, r#"{"error":{"type":"idempotency_error","code":"idempotency_key_in_use"}}"#),
        ConnectorError::Transient(_)
    ));
    assert!(matches!(
        err(
            409,
            r#"{"error":{"type":"idempotency_error","message":"Keys for idempotent requests can only be used with the same parameters"}}"#
        ),
        ConnectorError::Permanent(_)
    ));
    assert!(matches!(err(429, r#"{"error":{"type":"rate_limit_error"}}"#), ConnectorError::Transient(_)));
    assert!(matches!(err(503, ""), ConnectorError::Transient(_)));
    assert!(matches!(err(500, r#"{"error":{"type":"api_error"}}"#), ConnectorError::Ambiguous(_)));
    let retry = Stripe.parse_refund(
        &c,
        &ApiResponse::new(400, r#"{"error":{"type":"api_error"}}"#).with_header("Stripe-Should-Retry", "true"),
    );
    assert!(matches!(retry, Err(ConnectorError::Transient(_))));
}

#[test]
fn lookup_by_ref_or_by_key_in_list() {
    let mut c = call("ch_1", "1.00");
    assert_eq!(Stripe.lookup_request(&c).unwrap().path, "/v1/refunds?charge=ch_1&limit=100");
    let list = r#"{"object":"list","data":[{"id":"re_a","object":"refund","status":"succeeded","metadata":{"idempotency_key":"other"}},
        {"id":"re_b","object":"refund","status":"pending","metadata":{"idempotency_key":"pd_0123456789abcdef0123456789abcdef01234567"}}]}"#;
    let found = Stripe.parse_lookup(&c, &ApiResponse::new(200, list)).unwrap().unwrap();
    assert_eq!(found.provider_ref, "re_b");
    assert_eq!(Stripe.parse_lookup(&c, &ApiResponse::new(200, r#"{"object":"list","data":[]}"#)).unwrap(), None);
    // A 404 is not "no such refund": the outcome stays unknown.
    let missing = r#"{"error":{"type":"invalid_request_error","code":"resource_missing"}}"#;
    assert!(Stripe.parse_lookup(&c, &ApiResponse::new(404, missing)).is_err());
    c.provider_ref = Some("re_b".into());
    assert_eq!(Stripe.lookup_request(&c).unwrap().path, "/v1/refunds/re_b");
}
