//! Card redaction (`nlu::redact_card_numbers`): never panics; the output holds no full
//! card number (as the module defines one: a Luhn-valid 13-19 digit run, optionally split
//! by single spaces, dashes or dots); redacting again changes nothing; the count, the
//! borrowed/owned result and `last4` agree with the text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use paydesk::nlu::{redact_card_numbers, CARD_MARKER};
use std::borrow::Cow;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let r = redact_card_numbers(s);
    if let Some(card) = paydesk_fuzz::leaked_card(&r.text) {
        panic!("card {card} left in {:?} (from {s:?})", r.text);
    }
    match &r.text {
        Cow::Borrowed(t) => assert!(r.card_numbers == 0 && *t == s),
        Cow::Owned(t) => {
            assert!(r.card_numbers > 0);
            assert!(t.matches(CARD_MARKER).count() >= r.card_numbers);
        }
    }
    if let Some(l4) = &r.last4 {
        assert!(r.card_numbers > 0 && l4.len() == 4 && l4.bytes().all(|b| b.is_ascii_digit()));
    }
    let again = redact_card_numbers(&r.text);
    assert_eq!(again.text, r.text, "redaction is not idempotent on {s:?}");
    assert_eq!(again.card_numbers, 0);
    assert!(paydesk_fuzz::leaked_card(s).is_none() || r.card_numbers > 0, "a card in {s:?} was not counted");
});
