//! Provider exports (`app::reconcile::parse_charges` / `parse_refunds`, CSV or JSON):
//! never panic; every kept charge is positive, within the bot's maximum, whole in its
//! currency's minor unit, storable, with 0 <= fee <= amount, a four-digit card_last4 and
//! no field holding a full card number; every kept refund likewise; refused rows name a
//! line of the file.
#![no_main]
use libfuzzer_sys::fuzz_target;
use paydesk::app::reconcile::{parse_charges, parse_refunds};
use paydesk::domain::money::{to_scaled, MAX_AMOUNT};
use rust_decimal::Decimal;

fn storable(v: Decimal, what: &str) {
    assert!(v <= Decimal::from(MAX_AMOUNT), "{what} {v} is above the bot's maximum");
    assert!(to_scaled(v).is_ok(), "{what} {v} cannot be stored");
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let paydesk::app::reconcile::ParsedCharges { charges, unpaid, bad } = parse_charges(s, "stripe");
    for p in &unpaid {
        assert!(!p.message.is_empty() && p.line >= 1, "{p}");
    }
    for c in &charges {
        assert!(c.amount > Decimal::ZERO, "charge {} amount {}", c.id, c.amount);
        storable(c.amount, "amount");
        storable(c.fee, "fee");
        assert!(c.currency.is_whole_minor(c.amount) && c.currency.is_whole_minor(c.fee));
        assert!(c.fee >= Decimal::ZERO && c.fee <= c.amount);
        assert!(c.card_last4.as_ref().is_none_or(|l| l.len() == 4 && l.bytes().all(|b| b.is_ascii_digit())));
        for f in [c.id.as_str(), c.account.as_str(), c.description.as_str(), c.provider.as_str()] {
            assert!(paydesk_fuzz::leaked_card(f).is_none(), "charge field {f:?} holds a card number");
        }
    }
    for p in &bad {
        assert!(!p.message.is_empty() && p.line >= 1, "{p}");
    }
    let (refunds, bad) = parse_refunds(s);
    for r in &refunds {
        assert!(r.amount >= Decimal::ZERO);
        storable(r.amount, "refund amount");
        assert!(r.currency.is_whole_minor(r.amount));
    }
    for p in &bad {
        assert!(!p.message.is_empty() && p.line >= 1, "{p}");
    }
});
