//! Stripe webhooks: `verify_stripe` never panics, accepts what `stripe_signature` signs
//! exactly when the timestamp is within the tolerance, and refuses a signature over other
//! bytes; `stripe_events` never panics and gives well-formed events.
//! Input (NUL-separated): header, secret, t, now, tolerance, body.
#![no_main]
use libfuzzer_sys::fuzz_target;
use paydesk::adapters::payments::stripe::webhook::{
    events as stripe_events, signature as stripe_signature, verify as verify_stripe,
};
use paydesk::adapters::payments::webhook::Rejected;
use paydesk::config::Secret;
use paydesk_fuzz::{fields, number, text};

fuzz_target!(|data: &[u8]| {
    let f = fields(data, 6);
    let (header, secret, t, now, tol, body) = (text(f[0]), text(f[1]), number(f[2]), number(f[3]), number(f[4]).rem_euclid(100_000), f[5]);
    let _ = verify_stripe(&header, body, &secret, now, tol);
    let signed = stripe_signature(&Secret::new(secret.clone()), t, body);
    let within = (i128::from(now) - i128::from(t)).abs() <= i128::from(tol);
    let got = verify_stripe(&signed, body, &secret, now, tol);
    assert_eq!(got, if within { Ok(()) } else { Err(Rejected::Stale) }, "t={t} now={now} tol={tol}");
    let mut other = body.to_vec();
    other.push(b' ');
    assert_eq!(verify_stripe(&signed, &other, &secret, t, tol), Err(Rejected::Forged));
    if let Ok(ev) = stripe_events(body) {
        paydesk_fuzz::check_events("stripe", &ev, body.len());
    }
});
