//! PayPal webhook events (`paypal_events`, after PayPal's API verified the delivery):
//! never panics on any JSON, gives well-formed events.
#![no_main]
use libfuzzer_sys::fuzz_target;
use paydesk::adapters::payments::paypal::webhook::events as paypal_events;

fuzz_target!(|data: &[u8]| {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    if let Ok(ev) = paypal_events(&v) {
        paydesk_fuzz::check_events("paypal", &ev, data.len());
    }
});
