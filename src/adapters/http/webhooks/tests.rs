//! Unit tests of the webhook parsers and handlers.

use super::*;
use crate::app::ports::ProviderStatus;

#[test]
fn woocommerce_signature_and_events() {
    // Vector computed independently:
    // printf '%s' '{"id":727}' | openssl dgst -sha256 -hmac wc-secret -binary | base64
    let body = br#"{"id":727}"#;
    let sig = woocommerce_signature(&Secret::new("wc-secret"), body);
    assert_eq!(sig, "XOvG+/mKAKiNfNL5aDmmmrY8ZRtaA96JXvSO3vPAbC8=");
    assert_eq!(verify_woocommerce(&sig, body, "wc-secret"), Ok(()));
    assert_eq!(verify_woocommerce(&sig, br#"{"id":728}"#, "wc-secret"), Err(Rejected::Forged));
    assert_eq!(verify_woocommerce(&sig, body, "other"), Err(Rejected::Forged));
    assert_eq!(verify_woocommerce("not base64!", body, "wc-secret"), Err(Rejected::Malformed));
    let order = br#"{"id":727,"status":"processing","date_modified_gmt":"2026-04-01T11:00:00","refunds":[{"id":726,"reason":"","total":"-10.00"}]}"#;
    assert_eq!(woocommerce_refund_ids("order.updated", order).unwrap(), Some(("727".into(), vec!["726".into()])));
    assert_eq!(woocommerce_modified(order), Some("2026-04-01T11:00:00Z".parse().unwrap()));
    assert_eq!(woocommerce_refund_ids("product.updated", order).unwrap(), None);
    assert_eq!(woocommerce_refund_ids("order.updated", b"nope"), Err(Rejected::BadBody));
    let read = serde_json::json!({"id": 726, "refunded_payment": true, "meta_data": [{"id": 1, "key": woocommerce::META_KEY, "value": "pd_k"}]});
    let ProviderEvent::Refund(u) = woocommerce_event("727", &read).unwrap() else { panic!() };
    assert_eq!(
        (u.event_id.as_str(), u.idempotency_key.as_deref(), u.status),
        ("order:727:refund:726", Some("pd_k"), ProviderStatus::Succeeded)
    );
}

#[test]
fn paypal_event_is_spliced_verbatim() {
    let raw = br#"{"id":"WH-1","event_version":"1.0","zeta":1.50,"alpha":"x"}"#;
    let body = paypal_verification_body(&[("webhook_id", "WH-TEST"), ("transmission_sig", "a\"b")], raw);
    let text = String::from_utf8(body.clone()).unwrap();
    assert!(text.contains(std::str::from_utf8(raw).unwrap()), "{text}");
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["webhook_id"], "WH-TEST");
    assert_eq!(v["transmission_sig"], "a\"b");
    assert_eq!(v["webhook_event"]["id"], "WH-1");
}

#[test]
fn stripe_signature_vectors() {
    // Vector computed independently:
    // printf '%s' '1700000000.{"id":"evt_1"}' | openssl dgst -sha256 -hmac whsec_test -hex
    let body = br#"{"id":"evt_1"}"#;
    let sig = stripe_signature(&Secret::new("whsec_test"), 1_700_000_000, body);
    assert_eq!(sig, "t=1700000000,v1=c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925");
    assert_eq!(verify_stripe(&sig, body, "whsec_test", 1_700_000_100, 300), Ok(()));
    // Any v1 may match (secret rotation).
    let two = format!("t=1700000000,v1={},{}", "00".repeat(32), &sig[13..]);
    assert_eq!(verify_stripe(&two, body, "whsec_test", 1_700_000_000, 300), Ok(()));
    assert_eq!(verify_stripe(&sig, body, "whsec_other", 1_700_000_000, 300), Err(Rejected::Forged));
    assert_eq!(verify_stripe(&sig, br#"{"id":"evt_2"}"#, "whsec_test", 1_700_000_000, 300), Err(Rejected::Forged));
    assert_eq!(verify_stripe(&sig, body, "whsec_test", 1_700_000_301, 300), Err(Rejected::Stale));
    assert_eq!(verify_stripe("v1=abc", body, "whsec_test", 0, 300), Err(Rejected::Malformed));
}

#[test]
fn square_signature_and_events() {
    let key = Secret::new("sq-signature-key");
    let url = "https://bot.example.com/webhooks/square";
    let body = br#"{"event_id":"e1","type":"refund.updated","data":{"type":"refund","id":"R1","object":{"refund":{"id":"R1","status":"COMPLETED","payment_id":"P1"}}}}"#;
    let sig = square_signature(&key, url, body);
    assert_eq!(verify_square(&sig, url, body, "sq-signature-key"), Ok(()));
    assert_eq!(
        verify_square(&sig, "https://evil.example.com/webhooks/square", body, "sq-signature-key"),
        Err(Rejected::Forged)
    );
    assert_eq!(verify_square("not base64!", url, body, "sq-signature-key"), Err(Rejected::Malformed));
    let ev = square_events(body).unwrap();
    assert!(
        matches!(&ev[0], ProviderEvent::Refund(u) if u.provider_ref == "R1" && u.status == ProviderStatus::Succeeded)
    );
}

#[test]
fn braintree_signature_and_events() {
    use sha1::{Digest, Sha1};
    let xml = "<notification><kind>transaction_settled</kind><timestamp type=\"datetime\">2026-05-02T10:00:00Z</timestamp>\
               <subject><transaction><id>abc123</id><status>settled</status><type>credit</type></transaction></subject></notification>";
    let payload = base64::engine::general_purpose::STANDARD.encode(xml);
    // The documented scheme, computed independently: HMAC-SHA1 keyed by SHA-1(private key).
    let key = Sha1::digest(b"priv-key");
    let mut mac = Hmac::<Sha1>::new_from_slice(&key).unwrap();
    mac.update(payload.as_bytes());
    let good = hex::encode(mac.finalize().into_bytes());
    assert_eq!(verify_braintree(&format!("pub-key|{good}"), &payload, "pub-key", "priv-key"), Ok(()));
    assert_eq!(verify_braintree(&format!("other|zz&pub-key|{good}"), &payload, "pub-key", "priv-key"), Ok(()));
    assert_eq!(verify_braintree(&format!("pub-key|{good}"), &payload, "pub-key", "wrong"), Err(Rejected::Forged));
    assert_eq!(verify_braintree(&format!("intruder|{good}"), &payload, "pub-key", "priv-key"), Err(Rejected::Forged));
    let tampered = base64::engine::general_purpose::STANDARD.encode(xml.replace("abc123", "abc124"));
    assert_eq!(verify_braintree(&format!("pub-key|{good}"), &tampered, "pub-key", "priv-key"), Err(Rejected::Forged));
    assert_eq!(verify_braintree("", &payload, "pub-key", "priv-key"), Err(Rejected::Malformed));
    let ev = braintree_events(&payload).unwrap();
    let ProviderEvent::Refund(u) = &ev[0] else { panic!("{ev:?}") };
    assert_eq!(u.provider_ref, "abc123", "the refund's legacy id");
    assert_eq!(u.status, ProviderStatus::Succeeded);
    let declined = base64::engine::general_purpose::STANDARD.encode(
        xml.replace("transaction_settled", "transaction_settlement_declined")
            .replace(">settled<", ">settlement_declined<"),
    );
    let ProviderEvent::Refund(u) = &braintree_events(&declined).unwrap()[0] else { panic!() };
    assert!(matches!(u.status, ProviderStatus::Failed(_)));
    let dispute = "<notification><kind>dispute_opened</kind><timestamp>t</timestamp><subject><dispute><id>dp_1</id><transaction><id>tx_9</id></transaction></dispute></subject></notification>";
    let ev = braintree_events(&base64::engine::general_purpose::STANDARD.encode(dispute)).unwrap();
    assert_eq!(
        ev,
        vec![ProviderEvent::Dispute {
            event_id: "dispute_opened:dp_1:t".into(),
            charges: vec!["tx_9".into(), braintree_graphql_id("tx_9")]
        }]
    );
    assert_eq!(braintree_events("not base64!"), Err(Rejected::BadBody));
}

#[test]
fn adyen_items_must_all_verify() {
    let key = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";
    let mut item = serde_json::json!({"pspReference":"ZC4R4RBFJGXXGN82","originalReference":"QFQTPCQ8HXSKGK82","merchantAccountCode":"PaydeskECOM",
        "merchantReference":"pd_x","amount":{"value":1000,"currency":"EUR"},"eventCode":"REFUND","success":"true","additionalData":{}});
    let sig = adyen::notification_hmac(&item, key).unwrap();
    item["additionalData"]["hmacSignature"] = Value::String(sig);
    let body = serde_json::to_vec(
        &serde_json::json!({"live":"false","notificationItems":[{"NotificationRequestItem": item.clone()}]}),
    )
    .unwrap();
    let ev = adyen_events(&body, key).unwrap();
    assert!(
        matches!(&ev[0], ProviderEvent::Refund(u) if u.status == ProviderStatus::Succeeded && u.idempotency_key.as_deref() == Some("pd_x"))
    );
    let mut forged = item.clone();
    forged["amount"]["value"] = Value::from(999_999);
    let body = serde_json::to_vec(&serde_json::json!({"notificationItems":[{"NotificationRequestItem": item}, {"NotificationRequestItem": forged}]}))
        .unwrap();
    assert_eq!(adyen_events(&body, key), Err(Rejected::Forged));
}
