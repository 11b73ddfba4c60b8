use super::*;
use proptest::prelude::*;

/// `s` with its ASCII digits written in the script whose zero is `zero`.
fn script(s: &str, zero: u32) -> String {
    s.chars().map(|c| c.to_digit(10).and_then(|d| char::from_u32(zero + d)).unwrap_or(c)).collect()
}

fn digits_of(s: &str) -> Vec<u8> {
    s.chars().filter_map(nd_digit).collect()
}

fn group(s: &str, sizes: &[usize], sep: &str) -> String {
    let mut out = Vec::new();
    let mut at = 0;
    for &n in sizes {
        out.push(&s[at..at + n]);
        at += n;
    }
    out.join(sep)
}

/// (text, the card digits in it): every one must be caught.
fn card_corpus() -> Vec<(String, &'static str)> {
    let v = "4111111111111111";
    let four = |sep: &str| group(v, &[4, 4, 4, 4], sep);
    let mut c: Vec<(String, &'static str)> = vec![
        (v.to_string(), v),
        (four(" "), v),
        (four("\t"), v),
        (four("  "), v),
        (four("\u{00A0}"), v),
        (four("\n"), v),
        (four("\r\n"), v),
        (four("/"), v),
        (four("_"), v),
        (four(","), v),
        (four("."), v),
        (four("-"), v),
        (four("\u{2013}"), v),
        (four("\u{2014}"), v),
        (four("\u{200B}"), v),
        (four("\u{200C}"), v),
        (four("\u{200D}"), v),
        (four("\u{2060}"), v),
        (four("\u{FEFF}"), v),
        (four("\u{3000}"), v),
        (four(" - "), v),
        (four("\u{200B}\u{200B}\u{200B}\u{200B}\u{200B}"), v),
        ("4111 -1111_1111/1111".into(), v),
        ("4111\u{00A0}\u{2013}\u{00A0}1111\t1111\u{3000}1111".into(), v),
        (script(v, 0x660), v),                                     // Arabic-Indic
        (script(v, 0x6F0), v),                                     // Extended Arabic-Indic (Persian)
        (script(v, 0x966), v),                                     // Devanagari
        (script(v, 0x9E6), v),                                     // Bengali
        (script(v, 0xE50), v),                                     // Thai
        (script(&four(" "), 0xFF10), v),                           // full-width
        ("4١1١ 1111 ۱۱۱۱ ११११".into(), v),                         // mixed scripts
        ("4222222222222".into(), "4222222222222"),                 // Visa, 13 digits
        ("3782 822463 10005".into(), "378282246310005"),           // Amex 4-6-5
        ("371449635398431".into(), "371449635398431"),             // Amex
        ("5555 5555 5555 4444".into(), "5555555555554444"),        // Mastercard
        ("2223-0031-2200-3222".into(), "2223003122003222"),        // Mastercard 2-series
        ("6011 1111 1111 1117".into(), "6011111111111117"),        // Discover
        ("3056 930902 5904".into(), "30569309025904"),             // Diners, 14 digits 4-6-4
        ("3530111333300000".into(), "3530111333300000"),           // JCB
        ("6200 0000 0000 0005".into(), "6200000000000005"),        // UnionPay
        ("6799 9901 0000 0000 019".into(), "6799990100000000019"), // Maestro, 19 digits
        ("4000000000000000006".into(), "4000000000000000006"),     // Visa, 19 digits
        ("4111111111111111 12/27".into(), v),
        ("411111111111111112/27".into(), v),
        ("41111111111111111227".into(), v),
        ("4111 1111 1111 1111 12/27 123".into(), v),
        ("card4111111111111111exp".into(), v),
        ("(4111 1111 1111 1111)".into(), v),
        ("\"4111-1111-1111-1111\"".into(), v),
        ("«4111 1111 1111 1111»".into(), v),
        ("https://pay.example.com/?card=4111111111111111&x=1".into(), v),
        ("my card is 4242-4242-4242-4242, thanks".into(), "4242424242424242"),
        ("ref 994111 1111 1111 1111".into(), v),
        ("4111 1111 1111 1111 3056 930902 5904".into(), "30569309025904"), // Diners beside a Visa
        ("4242 4242 4242 4242INV".into(), "4242424242424242"),
        ("1e54111 1111 1111 111199999999999999999999".into(), v),
        ("4111 1111 1111 1111123".into(), v),
        ("4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1".into(), v),
        ("41111111 11111111".into(), v),
        ("41 11 11 11 11 11 11 11".into(), v),
        ("/wallet buy 4111_1111_1111_1111".into(), v),
        ("/refund ch_1 12 card 4111\t1111\t1111\t1111".into(), v),
        ("/link 4111111111111111 acct-1".into(), v),
        ("/link 6799990100000000019 acct-1".into(), "6799990100000000019"), // 19 digits: not a snowflake
        ("/ticket close RF-000001 card 4012 8888 8888 1881".into(), "4012888888881881"),
    ];
    c.push((group("6759649826438453", &[4, 4, 4, 4], "\u{00A0}"), "6759649826438453")); // Maestro
    c
}

/// Text that must come out byte for byte: (text, why it survives).
fn near_misses() -> Vec<&'static str> {
    vec![
        "1,234,567.89",
        "12.50 EUR",
        "$1,299.00 and €1.234.567,89",
        "2026-11-30",
        "30/11/2026 14:05",
        "2026-11-30 14:05:06",        // 14 digits, Luhn-valid: a date and a time
        "30/11/2026 14:05:06",        // the same, day first
        "30.11.2026, 14:05:06",       // the same with a comma
        "12.50, 13.75, 99.99, 10.02", // 16 digits, Luhn-valid: four amounts
        "12:30:45 13:45:50 14:02",    // 16 digits, Luhn-valid: times
        "+1 (415) 555-0132",
        "+44 20 7946 0958",
        "+44 20 7946 094", // Luhn-valid 11 digits
        "+86 138 0013 8000",
        "+49 30 1234 5678 90",
        "+1-800-555-0199 ext 1234",
        "call 415-555-0132 or 415-555-0199",
        "INV-2026-000123",
        "order #123456789012",
        "order 1234-5678-9012",
        "ch_3MmlLrLkdIwHu7ix0snN0B15",
        "pi_3MtwBwLkdIwHu7ix28a3tqPa",
        "re_3MtwBwLkdIwHu7ix0y7xJ4Bn",
        "8835511210681071", // Adyen pspReference (16 digits, not Luhn-valid)
        "psp 8835511210681071 ok",
        "8MC585209K746392H",         // PayPal capture id
        "bt txn 1j2k3l4m",           // Braintree transaction id
        "sq KkAkhdMsgzn59SM8A5AABA", // Square payment id
        "tr_7UhSN1zuXS",             // Mollie payment id
        "<@175928847299117063>",
        "<@175928847299117062>", // Luhn-valid snowflake
        "<@!175928847299117062>",
        "<#175928847299117062>",
        "<@&175928847299117062>",
        "</refund:175928847299117062>",
        "<:ok:175928847299117062>",
        "<t:1764460800:R>",
        "/link <@175928847299117062> acct-1",
        "/link 175928847299117062 acct-1",
        "!link @175928847299117062 acct-1",
        "1764460800000",         // Unix ms timestamp
        "1764460800006",         // Unix ms timestamp, Luhn-valid
        "1764460800-1764547200", // a range of Unix seconds
        "978-0-306-40615-7",     // ISBN-13
        "9780306406157",
        "DE37 3704 0044 4217 9870 67", // IBAN: 3704004442179870 is Luhn-valid
        "DE37370400444217987067",
        "GB29 NWBK 6016 1331 9268 19",
        "123e4567-e89b-12d3-a456-426614174000",
        "tracking 1Z999AA10123456784",
        "RF-000001 RF-000002 RF-000003",
        "/refund ch_1 12.50 EUR duplicate",
        "/refund ch_1 ١٢ reason",
    ]
}

#[test]
fn every_card_format_is_caught() {
    let corpus = card_corpus();
    let mut missed = Vec::new();
    for (text, card) in &corpus {
        let r = redact_card_numbers(text);
        let out_digits: String = digits_of(&r.text).iter().map(|d| char::from(b'0' + d)).collect();
        if r.card_numbers == 0 || out_digits.contains(card) || r.last4.as_deref() != Some(&card[card.len() - 4..]) {
            missed.push(format!("{text:?} -> {:?} ({:?})", r.text, r.last4));
        }
        assert!(contains_card_number(text), "{text:?}");
        assert_eq!(redact_outgoing(text).card_numbers, r.card_numbers, "{text:?}");
        assert!(!contains_card_from(text, &r.text), "{text:?}");
    }
    eprintln!("card formats caught: {}/{}", corpus.len() - missed.len(), corpus.len());
    assert!(corpus.len() >= 40);
    assert!(missed.is_empty(), "missed:\n{}", missed.join("\n"));
}

#[test]
fn near_misses_survive_byte_for_byte() {
    let corpus = near_misses();
    let mut changed = Vec::new();
    for text in &corpus {
        for r in [redact_card_numbers(text), redact_outgoing(text)] {
            if r.text != *text || r.card_numbers != 0 || !matches!(r.text, Cow::Borrowed(_)) {
                changed.push(format!("{text:?} -> {:?}", r.text));
            }
        }
        assert!(!contains_card_number(text), "{text:?}");
    }
    eprintln!("near-misses kept: {}/{}", corpus.len() - changed.len() / 2, corpus.len());
    assert!(corpus.len() >= 40);
    assert!(changed.is_empty(), "changed:\n{}", changed.join("\n"));
    // They survive by their shape, not by luck: these digit strings are Luhn-valid.
    for digits in [
        "20261130140506",
        "30112026140506",
        "1250137599991002",
        "1230451345501402",
        "175928847299117062",
        "1764460800006",
        "3704004442179870",
    ] {
        assert!(luhn_valid(&digits.bytes().map(|b| b - b'0').collect::<Vec<_>>()), "{digits}");
    }
}

#[test]
fn placeholder_and_last4() {
    let r = redact_card_numbers("a 4111 1111 1111 1111 b 5555-5555-5555-4444 c");
    assert_eq!(r.text, format!("a {CARD_MARKER} b {CARD_MARKER} c"));
    assert_eq!((r.card_numbers, r.last4.as_deref()), (2, Some("4444")));
    // The span includes inner separators only; the expiry after it stays readable.
    assert_eq!(redact_card_numbers("x 4111111111111111 12/27").text, format!("x {CARD_MARKER} 12/27"));
    // Idempotent.
    let once = redact_card_numbers("4111\t1111\t1111\t1111").text.into_owned();
    assert_eq!(redact_card_numbers(&once).text, once);
}

#[test]
fn long_separators_break_the_chain() {
    // More than three visible separators between groups: not one number.
    for s in ["4111    1111    1111    1111", "4111 -- 1111 -- 1111 -- 1111"] {
        assert_eq!(redact_card_numbers(s).card_numbers, 0, "{s:?}");
    }
}

#[test]
fn outgoing_text_keeps_bare_snowflakes() {
    let s = "175928847299117062 approved the refund for RF-000001";
    assert_eq!(redact_outgoing(s).text, s);
    // A person's message is stricter: a bare Luhn-valid run is a card.
    assert_eq!(redact_card_numbers(s).card_numbers, 1);
    // Snowflake-like but far in the future (a 19-digit Maestro number): a card.
    assert_eq!(redact_outgoing("6799990100000000019").card_numbers, 1);
}

#[test]
fn log_lines_with_escaped_separators() {
    for line in [
        r#"{"fields":{"text":"card 4111\t1111\t1111\t1111"}}"#,
        r#"text="4111\u00a01111\u00a01111\u00a01111""#,
        r#"text="4111\u{200b}1111\u{200b}1111\u{200b}1111""#,
        r#"text="4111\n1111\r\n1111\n1111 ok""#,
    ] {
        let r = redact_log_line(line);
        assert_eq!(r.card_numbers, 1, "{line}");
        assert!(!r.text.contains("1111"), "{}", r.text);
    }
    let keep = r#"user=175928847299117062 at 2026-11-30\t14:05:06 \u{200b} ok"#;
    assert_eq!(redact_log_line(keep).text, keep);
}

#[test]
fn every_nd_digit_is_known() {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    let mut missing = Vec::new();
    for cp in 0..=0x10FFFFu32 {
        let Some(c) = char::from_u32(cp) else { continue };
        let nd = c.general_category() == GeneralCategory::DecimalNumber;
        if nd != nd_digit(c).is_some() {
            missing.push(format!("U+{cp:04X}"));
        }
    }
    assert!(missing.is_empty(), "Nd table mismatch: {}", missing.join(" "));
    assert_eq!(nd_digit('٣'), Some(3));
    assert_eq!(nd_digit('９'), Some(9));
    assert_eq!(nd_digit('a'), None);
}

/// Candidate pieces for generated text: digits of several scripts, separators, letters.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[0-9]{1,6}",
        1 => "[٠-٩]{1,4}",
        1 => "[０-９]{1,4}",
        3 => prop::sample::select(vec![" ", "  ", "\t", "\n", "-", "–", "—", "/", "_", ",", ".", "\u{00A0}", "\u{200B}", "\u{3000}", ":", "+", "(", ")"])
            .prop_map(str::to_string),
        1 => "[a-zA-Z]{1,3}",
        1 => prop::sample::select(vec!["4111111111111111", "378282246310005", "4222222222222", "6799990100000000019", "<@175928847299117062>"])
            .prop_map(str::to_string),
    ]
}

/// Numbers people write that are not card numbers: dates, times, amounts, phone
/// numbers in international form, invoice and order references, ids.
fn benign() -> impl Strategy<Value = String> {
    prop_oneof![
        (2000u32..2100, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
        (2000u32..2100, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{d:02}/{m:02}/{y}")),
        (2000u32..2100, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{d}.{m}.{y}")),
        (0u32..24, 0u32..60, 0u32..60).prop_map(|(h, m, s)| format!("{h:02}:{m:02}:{s:02}")),
        (0u32..24, 0u32..60).prop_map(|(h, m)| format!("{h}:{m:02}")),
        (0u64..10_000_000, 0u32..100).prop_map(|(a, c)| format!("{a}.{c:02}")),
        (1u64..1000, 0u64..1000, 0u64..1000, 0u32..100).prop_map(|(a, b, c, d)| format!("{a},{b:03},{c:03}.{d:02}")),
        (1u64..1000, 0u64..1000, 0u32..100).prop_map(|(a, b, d)| format!("€{a}.{b:03},{d:02}")),
        (1u32..100, 10u32..1000, 100u32..10_000, 1000u32..10_000)
            .prop_map(|(cc, a, b, c)| format!("+{cc} {a} {b} {c}")),
        (200u32..1000, 200u32..1000, 0u32..10_000).prop_map(|(a, b, c)| format!("({a}) {b}-{c:04}")),
        (2000u32..2100, 0u32..1_000_000).prop_map(|(y, n)| format!("INV-{y}-{n:06}")),
        "ch_[0-9A-Za-z]{24}",
        // Provider ids mix letters and digits; a run of 13+ digits in one is a card's
        // length and is treated as one (`912115909017405A` would be removed).
        "[0-9A-Z]{16}".prop_filter("letters and digits mixed", |s| s
            .split(|c: char| c.is_ascii_alphabetic())
            .all(|run| run.len() < 13)),
        (1u32..1_000_000).prop_map(|n| format!("RF-{n:06}")),
        (0u64..1_000_000_000_000).prop_map(|n| format!("#{n}")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn benign_numbers_survive(items in prop::collection::vec(benign(), 1..6),
                              sep in prop::sample::select(vec![" ", ", ", "\n", " - ", " and ", "; ", " / "])) {
        let text = items.join(sep);
        let r = redact_card_numbers(&text);
        prop_assert_eq!(r.card_numbers, 0, "{:?} -> {:?}", text, r.text);
    }

    #[test]
    fn no_card_survives_redaction(parts in prop::collection::vec(piece(), 0..24)) {
        let text: String = parts.concat();
        let r = redact_card_numbers(&text);
        prop_assert!(scan(&r.text, Mode::Inbound).is_empty(), "{:?} -> {:?}", text, r.text);
        prop_assert_eq!(r.card_numbers == 0, r.text == text);
    }

    #[test]
    fn text_without_digits_is_unchanged(text in "[^0-9٠-٩０-９]{0,80}") {
        let clean: String = text.chars().filter(|c| nd_digit(*c).is_none()).collect();
        let r = redact_card_numbers(&clean);
        prop_assert!(matches!(r.text, Cow::Borrowed(_)));
        prop_assert_eq!(r.text, clean.as_str());
    }

    #[test]
    fn a_card_with_any_separators_is_caught(seps in prop::collection::vec(prop::sample::select(vec![
        " ", "  ", "\t", "\n", "\r\n", "-", " - ", "–", "—", "/", "_", ",", ".", "\u{00A0}", "\u{200B}", "\u{2060}", "\u{FEFF}", "\u{3000}", ""]), 3),
        zero in prop::sample::select(vec![0x30u32, 0x660, 0x6F0, 0x966, 0xFF10, 0xE50])) {
        let v = script("5555555555554444", zero);
        let g: Vec<String> = v.chars().collect::<Vec<_>>().chunks(4).map(|c| c.iter().collect()).collect();
        // Gaps left out (an empty separator) only with one kind of separator: mixing both
        // is not a grouping people use (see `card_shape`).
        let one = seps.iter().find(|s| !s.is_empty()).copied().unwrap_or(" ");
        let seps: Vec<&str> = if seps.contains(&"") { seps.iter().map(|s| if s.is_empty() { "" } else { one }).collect() } else { seps };
        let text = format!("card: {}{}{}{}{}{}{} thanks", g[0], seps[0], g[1], seps[1], g[2], seps[2], g[3]);
        let r = redact_card_numbers(&text);
        prop_assert_eq!(r.card_numbers, 1, "{:?}", text);
        prop_assert_eq!(r.last4.as_deref(), Some("4444"));
    }
}

/// Found by the `redact` fuzz target: nine chained numbers, each removal leaving a
/// neighbour that now reads as a card; eight rounds of `settle` were not enough.
#[test]
fn every_round_of_a_long_chain_is_settled() {
    let s = "!la\0r40fyyy5555 5 4111 1111 1111 55  ycad/<D&65,\u{aff15}4111 1111 1111 55 5555 5555 45555  \u{aff15}4111 1111 1111 55 5555 5555 44277 4111 1111 1111 55 5555 5555 44111.4111 1111 1111 55 5555 5555 44277 4111 1111 1111 55\u{16}5555 5555 44111.\u{1f}a 4441ffVVVVV32 4";
    let r = redact_card_numbers(s);
    assert!(!contains_card_number(&r.text), "{:?}", r.text);
    assert_eq!(redact_card_numbers(&r.text).text, r.text);
}
