//! Square webhooks: `verify_square` never panics, accepts what `square_signature` signs
//! and refuses it over other bytes; `square_events` gives well-formed events.
//! Input (NUL-separated): signature, url, key, body.
#![no_main]
use libfuzzer_sys::fuzz_target;
use paydesk::adapters::payments::square::webhook::{
    events as square_events, signature as square_signature, verify as verify_square,
};
use paydesk::adapters::payments::webhook::Rejected;
use paydesk::config::Secret;
use paydesk_fuzz::{fields, text};

fuzz_target!(|data: &[u8]| {
    let f = fields(data, 4);
    let (signature, url, key, body) = (text(f[0]), text(f[1]), text(f[2]), f[3]);
    let _ = verify_square(&signature, &url, body, &key);
    let signed = square_signature(&Secret::new(key.clone()), &url, body);
    assert_eq!(verify_square(&signed, &url, body, &key), Ok(()));
    let mut other = body.to_vec();
    other.push(b' ');
    assert_eq!(verify_square(&signed, &url, &other, &key), Err(Rejected::Forged));
    if let Ok(ev) = square_events(body) {
        paydesk_fuzz::check_events("square", &ev, body.len());
    }
});
