//! Braintree webhooks: `verify_braintree` never panics and accepts a `bt_signature`
//! made as Braintree documents it (HMAC-SHA1 of the payload keyed with SHA-1 of the
//! private key, `public_key|hex`), only for that payload and public key;
//! `braintree_events` never panics on any payload (the raw field, and the XML field
//! base64-encoded as Braintree sends it, so the XML reader is reached) and gives
//! well-formed events.
//! Input (NUL-separated): signature, public key, private key, payload, xml.
#![no_main]
use base64::Engine as _;
use hmac::{Hmac, Mac};
use libfuzzer_sys::fuzz_target;
use paydesk::adapters::payments::braintree::webhook::{events as braintree_events, verify as verify_braintree};
use paydesk_fuzz::{fields, text};
use sha1::{Digest, Sha1};

fn sign(payload: &str, public_key: &str, private_key: &str) -> String {
    let key = Sha1::digest(private_key.as_bytes());
    let mut mac = Hmac::<Sha1>::new_from_slice(&key).expect("any key length");
    mac.update(payload.as_bytes());
    format!("{public_key}|{}", hex::encode(mac.finalize().into_bytes()))
}

fuzz_target!(|data: &[u8]| {
    let f = fields(data, 5);
    let (signature, public_key, private_key, payload, xml) = (text(f[0]), text(f[1]), text(f[2]), text(f[3]), f[4]);
    let _ = verify_braintree(&signature, &payload, &public_key, &private_key);
    if !payload.is_empty() && !public_key.contains(['|', '&']) {
        let sig = sign(&payload, &public_key, &private_key);
        assert_eq!(verify_braintree(&sig, &payload, &public_key, &private_key), Ok(()));
        assert!(verify_braintree(&sig, &format!("{payload}x"), &public_key, &private_key).is_err());
        assert!(verify_braintree(&sig, &payload, &format!("{public_key}x"), &private_key).is_err());
    }
    if let Ok(ev) = braintree_events(&payload) {
        paydesk_fuzz::check_events("braintree", &ev, payload.len());
    }
    let b64 = base64::engine::general_purpose::STANDARD.encode(xml);
    if let Ok(ev) = braintree_events(&b64) {
        paydesk_fuzz::check_events("braintree", &ev, b64.len());
    }
});
