//! Mollie webhook events (`mollie_events`, over the payment fetched from Mollie's API):
//! never panics on any JSON, gives well-formed events.
#![no_main]
use libfuzzer_sys::fuzz_target;
use paydesk::adapters::payments::mollie::webhook::events as mollie_events;

fuzz_target!(|data: &[u8]| {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let ev = mollie_events(&v);
    paydesk_fuzz::check_events("mollie", &ev, data.len());
});
