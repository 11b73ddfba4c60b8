//! Amount parsing (`domain::money`): never panics; an accepted amount is not negative,
//! at most `MAX_AMOUNT`, keeps exactly the decimals typed (never more than
//! `STORE_SCALE`), stores exactly, and prints back to the same amount. Also case numbers,
//! currency codes and the classifier's amount normaliser.
#![no_main]
use libfuzzer_sys::fuzz_target;
use paydesk::domain::ids::CaseNumber;
use paydesk::domain::money::{
    from_scaled, looks_like_amount, parse_amount, parse_money_token, parse_positive_amount, to_scaled, Currency, MAX_AMOUNT, STORE_SCALE,
};
use rust_decimal::Decimal;

fn typed_decimals(s: &str) -> u32 {
    s.trim().trim_start_matches('+').split_once('.').map_or(0, |(_, f)| f.len() as u32)
}

fn check(v: Decimal, typed: &str) {
    assert!(v >= Decimal::ZERO, "{typed:?} -> negative {v}");
    assert!(v <= Decimal::from(MAX_AMOUNT), "{typed:?} -> {v} above the maximum");
    assert!(v.scale() <= STORE_SCALE, "{typed:?} -> {v} finer than the store");
    let again = parse_amount(&v.to_string()).expect("a printed amount parses");
    assert!(again == v && again.scale() == v.scale(), "{v} does not round-trip: {again}");
    let units = to_scaled(v).expect("an accepted amount is storable");
    assert_eq!(from_scaled(units), v.normalize());
    for code in ["USD", "JPY", "KWD"] {
        let c = Currency::from_code(code).expect("known");
        let f = c.format(v);
        assert_eq!(parse_amount(&f).ok(), Some(v), "{code} format of {v} is {f}");
        assert!(c.round(v).scale() <= c.minor_digits());
        assert_eq!(c.to_minor_units(v).is_some(), c.is_whole_minor(v));
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let _ = looks_like_amount(s);
    if let Ok(v) = parse_amount(s) {
        check(v, s);
        assert_eq!(v.scale(), typed_decimals(s), "{s:?} -> {v}: not the decimals typed");
    }
    if let Ok(v) = parse_positive_amount(s) {
        assert!(v > Decimal::ZERO);
    }
    if let Ok((v, cur)) = parse_money_token(s) {
        check(v, s);
        assert!(v > Decimal::ZERO);
        if let Some(c) = cur {
            assert_eq!(parse_money_token(&format!("{v}{}", c.code())).ok(), Some((v, Some(c))));
        }
    }
    if let Ok(n) = s.parse::<CaseNumber>() {
        assert!((1..=999_999).contains(&n.get()));
        assert_eq!(n.to_string().parse::<CaseNumber>().ok(), Some(n));
    }
    if let Some(c) = Currency::from_code(s) {
        assert_eq!(Currency::from_code(c.code()), Some(c));
        assert!(c.minor_digits() <= 3);
    }
    // The classifier calls it on digit runs with `,`/`.` and apostrophe grouping (its NUM
    // pattern); it also drops space grouping (space, no-break, narrow, thin, figure space).
    let numeric = s.trim().chars().all(|c| {
        c.is_ascii_digit() || matches!(c, ',' | '.' | '\'' | '’' | ' ' | '\u{A0}' | '\u{202F}' | '\u{2009}' | '\u{2007}')
    });
    if let Some(a) = paydesk::nlu::normalize_amount(s).filter(|_| numeric) {
        let (int, frac) = a.split_once('.').unwrap_or((&a, ""));
        assert!(!int.is_empty() && int.len() <= 12 && int.bytes().all(|b| b.is_ascii_digit()), "{s:?} -> {a:?}");
        assert!(frac.bytes().all(|b| b.is_ascii_digit()), "{s:?} -> {a:?}");
        // Never a card number's length of digits, never a grouping's tail ("000").
        assert!(int.len() + frac.len() < 13, "{s:?} -> {a:?}");
        assert!(int == "0" || !int.starts_with('0'), "{s:?} -> {a:?}");
    }
});
