//! Random bytes and strings into every parser the outside world reaches: none may panic,
//! and none may let a full card number through.

use paydesk::adapters::surfaces::replay;
use paydesk::app::command;
use paydesk::config::Config;
use paydesk::domain::ids::CaseNumber;
use paydesk::domain::money::{parse_amount, parse_money_token, Currency};
use proptest::prelude::*;

fn no_env(_: &str) -> Option<String> {
    None
}

/// Text that looks a little like what the parsers expect, plus raw noise.
fn texty() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("/refund ".to_string()),
        Just("!wallet credit ".to_string()),
        Just("/ticket close ".to_string()),
        Just("RF-".to_string()),
        Just("ch_".to_string()),
        Just(" override ".to_string()),
        Just("€".to_string()),
        Just("$".to_string()),
        Just("1e5".to_string()),
        Just("-3".to_string()),
        Just("12.345.6".to_string()),
        Just("NaN".to_string()),
        Just("99999999999999999999".to_string()),
        Just("4111 1111 1111 1111".to_string()),
        Just("{\"type\":\"message\",\"at\":\"2026-01-01T00:00:00Z\",\"user\":\"a\",\"text\":\"".to_string()),
        Just("\"}\n".to_string()),
        Just("[policy]\nfee_rate = ".to_string()),
        Just("\u{0}".to_string()),
        Just("１２３".to_string()),
        "[a-z0-9 ._-]{0,12}".prop_map(|s| s),
        any::<String>(),
    ];
    prop::collection::vec(pieces, 0..12).prop_map(|v| v.concat())
}

fn bytes_as_text() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<u8>(), 0..300).prop_map(|b| String::from_utf8_lossy(&b).into_owned())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn commands_never_panic(s in prop_oneof![texty(), bytes_as_text()]) {
        let _ = command::parse(&s);
        let _ = command::parse(&format!("/{s}"));
        let _ = command::parse(&format!("/refund {s}"));
        let _ = command::parse(&format!("/wallet credit a {s}"));
    }

    #[test]
    fn amounts_never_panic_and_never_go_negative(s in prop_oneof![texty(), bytes_as_text()]) {
        if let Ok(v) = parse_amount(&s) {
            prop_assert!(v >= rust_decimal::Decimal::ZERO);
        }
        if let Ok((v, _)) = parse_money_token(&s) {
            prop_assert!(v > rust_decimal::Decimal::ZERO);
        }
        let _ = s.parse::<CaseNumber>();
        let _ = Currency::from_code(&s);
    }

    #[test]
    fn transcripts_never_panic(s in prop_oneof![texty(), bytes_as_text()]) {
        let _ = replay::parse(&s);
    }

    #[test]
    fn configs_never_panic(s in prop_oneof![texty(), bytes_as_text()]) {
        let _ = Config::from_parts(&s, "fuzz.toml", &no_env);
    }

    #[test]
    fn classify_never_panics_nor_echoes_cards(s in prop_oneof![texty(), bytes_as_text()]) {
        let c = paydesk::nlu::classifier().classify(&s, "USD");
        let r = paydesk::nlu::redact_card_numbers(&s);
        for (_, v) in c.entities.iter() {
            prop_assert!(!v.contains("4111111111111111") && !v.contains("4111 1111 1111 1111"));
        }
        prop_assert!(!r.text.contains("4111 1111 1111 1111"));
    }
}
