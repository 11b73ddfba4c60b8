//! The classifier (`nlu::Classifier::classify`): never panics; no entity holds a full card
//! number; entities are bounded by the input and have their documented shapes; the
//! confidence is a finite number from 0 to 1 (the contract's range; the learned model may
//! be certain); the same text gives the same answer.
#![no_main]
use libfuzzer_sys::fuzz_target;
use paydesk::domain::intent::Intent;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let c = paydesk::nlu::classifier().classify(s, "USD");
    assert!(c.confidence.is_finite() && (0.0..=1.0).contains(&c.confidence), "confidence {} for {s:?}", c.confidence);
    assert!(Intent::ALL.contains(&c.intent));
    for (name, v) in c.entities.iter() {
        // The classifier's promise is the redactor's definition of a card number (its
        // bounded group shapes); the redact target checks that definition itself.
        assert!(!paydesk::nlu::contains_card_number(v), "entity {name} = {v:?} holds a card number (from {s:?})");
        assert!(!v.is_empty() && v.len() <= s.len() + 3, "entity {name} = {v:?} is not bounded by the input");
    }
    let e = &c.entities;
    if let Some(l4) = &e.card_last4 {
        assert!(l4.len() == 4 && l4.bytes().all(|b| b.is_ascii_digit()), "card_last4 {l4:?}");
    }
    if let Some(cur) = &e.currency {
        assert!(cur.len() == 3 && cur.bytes().all(|b| b.is_ascii_uppercase()), "currency {cur:?}");
    }
    if let Some(case) = &e.case_id {
        assert!(case.starts_with("RF-") && case[3..].bytes().all(|b| b.is_ascii_digit()), "case_id {case:?}");
    }
    if let Some(a) = &e.amount {
        let (int, frac) = a.split_once('.').unwrap_or((a, ""));
        assert!(!int.is_empty() && int.len() <= 12 && (int.bytes().chain(frac.bytes())).all(|b| b.is_ascii_digit()), "amount {a:?}");
    }
    assert_eq!(paydesk::nlu::classifier().classify(s, "USD"), c);
});
