//! Transcript lines (`surfaces::replay::parse`): never panics; a refusal names a line
//! that exists; an accepted file gives at most one step per non-blank line, and the
//! charges in it have a fee between zero and the amount and a four-digit card_last4.
#![no_main]
use libfuzzer_sys::fuzz_target;
use paydesk::adapters::surfaces::replay::{parse, Step};
use rust_decimal::Decimal;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    match parse(s) {
        Ok(steps) => {
            assert!(steps.len() <= s.lines().filter(|l| !l.trim().is_empty()).count());
            for st in &steps {
                if let Step::Charge(c) = st {
                    assert!(c.fee >= Decimal::ZERO && c.fee <= c.amount);
                    assert!(c.card_last4.as_ref().is_none_or(|l| l.len() == 4 && l.bytes().all(|b| b.is_ascii_digit())));
                }
            }
        }
        Err(e) => {
            assert!(e.line >= 1 && e.line <= s.lines().count(), "line {} of {}", e.line, s.lines().count());
            assert!(!e.message.is_empty());
        }
    }
});
