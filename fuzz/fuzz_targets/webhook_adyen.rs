//! Adyen webhooks: `adyen_events` never panics; a delivery whose every item carries the
//! HMAC that `adyen::notification_hmac` computes (Adyen's documented signing string) is
//! never refused as forged or malformed, and a delivery with a tampered signature is;
//! the events are well formed.
#![no_main]
use libfuzzer_sys::fuzz_target;
use paydesk::adapters::payments::adyen::webhook::events as adyen_events;
use paydesk::adapters::payments::webhook::Rejected;
use paydesk::adapters::payments::adyen::notification_hmac;
use serde_json::{json, Value};

const KEY: &str = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";

/// Signs every well-shaped item in place; false when some item cannot be signed.
fn sign_all(v: &mut Value, tamper: bool) -> bool {
    let Some(items) = v.get_mut("notificationItems").and_then(Value::as_array_mut) else { return false };
    for w in items {
        let Some(item) = w.get_mut("NotificationRequestItem").filter(|i| i.is_object()) else { return false };
        // Adyen's amount.value is an integer (minor units). A number beyond 64 bits or with
        // a fraction does not survive serde_json's parse -> print -> parse unchanged
        // (best-effort float parsing), so it cannot be re-signed and re-read here.
        let value = item.get("amount").and_then(|a| a.get("value"));
        if value.is_some_and(|v| v.is_number() && !v.is_i64() && !v.is_u64()) {
            return false;
        }
        let Some(mut sig) = notification_hmac(item, KEY) else { return false };
        if tamper {
            sig = format!("A{}", &sig[1..]);
            if sig == notification_hmac(item, KEY).unwrap_or_default() {
                sig = format!("B{}", &sig[1..]);
            }
        }
        let Some(obj) = item.as_object_mut() else { return false };
        obj.insert("additionalData".into(), json!({ "hmacSignature": sig }));
    }
    true
}

fuzz_target!(|data: &[u8]| {
    if let Ok(ev) = adyen_events(data, KEY) {
        paydesk_fuzz::check_events("adyen", &ev, data.len());
    }
    let Ok(v) = serde_json::from_slice::<Value>(data) else { return };
    let mut signed = v.clone();
    if sign_all(&mut signed, false) {
        let body = serde_json::to_vec(&signed).expect("a Value serialises");
        match adyen_events(&body, KEY) {
            Ok(ev) => paydesk_fuzz::check_events("adyen", &ev, body.len()),
            Err(e) => assert!(e == Rejected::BadBody, "a correctly signed delivery was refused: {e}: {}", String::from_utf8_lossy(&body)),
        }
        let mut forged = v;
        let any = forged.get("notificationItems").and_then(Value::as_array).is_some_and(|a| !a.is_empty());
        if any && sign_all(&mut forged, true) {
            let body = serde_json::to_vec(&forged).expect("a Value serialises");
            assert!(adyen_events(&body, KEY).is_err(), "a tampered signature was accepted");
        }
    }
});
