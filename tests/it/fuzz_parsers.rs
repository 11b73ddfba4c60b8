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

// Regression tests for what the cargo-fuzz targets (`fuzz/`) found. Each input is the
// (minimised) crashing input of the target named.

/// `fuzz/fuzz_targets/webhook_stripe.rs`: a signed header whose `t` is far from now
/// overflowed `now - t` (a panic with overflow checks, a wrapped age without them).
#[test]
fn fuzz_stripe_timestamp_far_from_now_is_stale_not_a_panic() {
    use paydesk::adapters::payments::stripe::webhook::{signature as stripe_signature, verify as verify_stripe};
    use paydesk::adapters::payments::webhook::Rejected;
    use paydesk::config::Secret;
    let body = b"{}";
    for (t, now) in [(i64::MIN, 1_700_000_000), (i64::MAX, -1), (-1, i64::MAX), (i64::MIN, i64::MAX)] {
        let sig = stripe_signature(&Secret::new("whsec_test"), t, body);
        assert_eq!(verify_stripe(&sig, body, "whsec_test", now, 300), Err(Rejected::Stale), "t={t} now={now}");
    }
}

/// `fuzz/fuzz_targets/classify.rs`: an amount written with thousands separators came out
/// of the classifier as `411111111111.1111` — the test card 4111 1111 1111 1111 split by
/// one dot, which the redactor itself treats as a card number.
#[test]
fn fuzz_classify_never_turns_an_amount_into_a_card_number() {
    for text in ["$411,111,111,111.1111 charged twice", "charged me 411,111,111,111.1111", "411.111.111.111,1111 EUR"] {
        let c = paydesk::nlu::classifier().classify(text, "USD");
        for (name, v) in c.entities.iter() {
            assert_eq!(
                paydesk::nlu::redact_card_numbers(v).card_numbers,
                0,
                "{text:?}: entity {name} = {v:?} holds a card number"
            );
        }
    }
}

/// `fuzz/fuzz_targets/command.rs`: `/link @ a` linked the empty user name to account `a`.
#[test]
fn fuzz_link_needs_a_user_name() {
    for text in ["/link @ a", "/link @@ a", "!link @ acct-1"] {
        assert!(command::parse(text).is_err(), "{text:?} must be refused");
    }
}

/// `fuzz/fuzz_targets/webhook_mollie.rs`: a chargeback (or refund) without an id gave an
/// event with an empty id — the key deliveries are deduplicated by.
#[test]
fn fuzz_mollie_items_without_an_id_give_no_event() {
    use paydesk::adapters::payments::mollie::webhook::events as mollie_events;
    let payment =
        serde_json::json!({"id": "tr_3", "_embedded": {"chargebacks": [{}], "refunds": [{"status": "refunded"}]}});
    assert_eq!(mollie_events(&payment), vec![]);
}

/// `fuzz/fuzz_targets/import_rows.rs` (its property; input written to it): a JSON export's
/// amount in integer minor units skipped the bot's maximum that a decimal amount has, so
/// a charge of 1,000,000,000,000.00 USD was kept (and bigger ones could not be stored).
#[test]
fn fuzz_import_minor_unit_amounts_keep_the_maximum() {
    use paydesk::app::reconcile::{parse_charges, parse_refunds};
    let big = r#"[{"id":"ch_1","amount":100000000000000,"currency":"USD","created":1711965600,"customer":"acct-1"},
                  {"id":"ch_2","amount":9223372036854775807,"currency":"KWD","created":1711965600,"customer":"acct-1"}]"#;
    let paydesk::app::reconcile::ParsedCharges { charges: good, bad, .. } = parse_charges(big, "stripe");
    assert!(good.is_empty(), "kept: {good:?}");
    assert_eq!(bad.len(), 2);
    assert!(bad[0].message.contains("too large"), "{}", bad[0].message);
    let (good, bad) = parse_refunds(r#"[{"id":"re_1","amount":-100000000000000,"currency":"USD"}]"#);
    assert!(good.is_empty() && bad.len() == 1, "{good:?}");
    // The largest allowed amount is still taken, in either form.
    let ok = r#"[{"id":"ch_3","amount":100000000000,"currency":"USD","created":1711965600,"customer":"acct-1"}]"#;
    assert_eq!(parse_charges(ok, "stripe").charges.len(), 1);
}
