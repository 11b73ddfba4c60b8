use super::*;

fn dev_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/nlu/dev.jsonl")
}
fn extra_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/nlu_extra.jsonl")
}
fn heldout_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/nlu_heldout.jsonl")
}
fn heldout2_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/nlu_heldout2.jsonl")
}

fn report(name: &str, data: &str) -> eval::EvalReport {
    let r = eval::evaluate(data, classifier(), "USD");
    eprintln!("== {name}: {}", r.summary());
    for (t, w, g) in &r.confusions {
        eprintln!("  INTENT want={w} got={g}: {t}");
    }
    for (t, k, w, g) in &r.entity_errors {
        eprintln!("  ENTITY {k} want={w:?} got={g:?}: {t}");
    }
    for (l, why) in &r.bad_lines {
        eprintln!("  BAD line {l}: {why}");
    }
    r
}

fn assert_targets(name: &str, r: &eval::EvalReport) {
    assert!(r.bad_lines.is_empty(), "{name}: bad lines {:?}", r.bad_lines);
    assert!(r.intent_accuracy() >= 0.90, "{name} intent accuracy {}", r.intent_accuracy());
    assert!(r.entity_precision() >= 0.95, "{name} entity precision {}", r.entity_precision());
    assert!(r.entity_recall() >= 0.90, "{name} entity recall {}", r.entity_recall());
    assert_eq!(r.card_leaks, 0, "{name}: card leaks");
}

#[test]
fn accuracy_targets() {
    let extra = std::fs::read_to_string(extra_path()).expect("tests/data/nlu_extra.jsonl");
    let rx = report("extra", &extra);
    // Written before the classifier was tuned for it (see the file's history): the honest check.
    let heldout = std::fs::read_to_string(heldout_path()).expect("tests/data/nlu_heldout.jsonl");
    let rh = report("heldout", &heldout);
    let rd = std::fs::read_to_string(dev_path()).ok().map(|d| report("dev", &d));
    assert!(rx.messages >= 150, "extra set too small: {}", rx.messages);
    assert!(rh.messages >= 300, "heldout set too small: {}", rh.messages);
    assert_targets("extra", &rx);
    assert_targets("heldout", &rh);
    if let Some(rd) = rd {
        assert_targets("dev", &rd);
    }
    // A second, later batch (optional so the module still tests without it).
    if let Ok(d) = std::fs::read_to_string(heldout2_path()) {
        assert_targets("heldout2", &report("heldout2", &d));
    }
}

/// The held-out set (data/nlu/heldout.jsonl) was written before any model existed and is
/// never trained, tuned or calibrated on. These bars are below the targets (0.95
/// accuracy, 0.93 macro-F1, 0.90 per language): they guard against regressions of what
/// the model reaches today; `paydesk classify --eval data/nlu/heldout.jsonl` prints the figures.
#[test]
fn heldout_in_nine_languages() {
    let c = classifier();
    assert!(c.has_model(), "the embedded model (data/nlu/model.bin) did not load");
    let data = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/nlu/heldout.jsonl"))
        .expect("heldout");
    let r = eval::evaluate(&data, c, "USD");
    eprintln!("{}", r.details());
    assert!(r.bad_lines.is_empty());
    assert!(r.messages >= 290);
    assert!(r.intent_accuracy() >= 0.90, "accuracy {}", r.intent_accuracy());
    assert!(r.macro_f1() >= 0.90, "macro-F1 {}", r.macro_f1());
    assert!(r.ece() <= 0.10, "ECE {}", r.ece());
    assert!(r.entity_precision() >= 0.97 && r.entity_recall() >= 0.95);
    assert_eq!(r.card_leaks, 0);
    assert!(r.lang_id.1 as f64 >= 0.97 * r.lang_id.0 as f64, "language-ID {:?}", r.lang_id);
    for (lang, (n, ok)) in &r.by_lang {
        assert!(*ok as f64 >= 0.80 * *n as f64, "{lang}: {ok}/{n}");
    }
    // The learned model beats the rules alone on messages nobody tuned for.
    let rules = eval::evaluate(&data, &Classifier::rules_only(), "USD");
    assert!(
        r.intent_accuracy() > rules.intent_accuracy() + 0.1,
        "model {} vs rules {}",
        r.intent_accuracy(),
        rules.intent_accuracy()
    );
}

/// The second round's held-out set (tests/data/nlu_heldout3.jsonl, 424 messages in nine
/// languages) was written and committed before stems, whatlang and the hand-written
/// training messages existed; nothing is trained or tuned on it. The bars guard what the
/// model reached in the second round (0.925 accuracy; every language ≥ 0.85, Chinese
/// 0.93; 0.941 after the third): the model before it read Chinese at 0.71 and fails them. The targets (0.95, 0.93, 0.90) are higher.
#[test]
fn heldout3_in_nine_languages() {
    let data =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/nlu_heldout3.jsonl"))
            .expect("heldout3");
    let r = eval::evaluate(&data, classifier(), "USD");
    assert!(r.bad_lines.is_empty());
    assert!(r.messages >= 400);
    assert!(r.intent_accuracy() >= 0.91, "accuracy {}", r.intent_accuracy());
    assert!(r.macro_f1() >= 0.91, "macro-F1 {}", r.macro_f1());
    assert!(r.entity_precision() >= 0.97 && r.entity_recall() >= 0.95);
    assert_eq!(r.card_leaks, 0);
    assert_eq!(r.by_lang.len(), 9);
    for (lang, (n, ok)) in &r.by_lang {
        assert!(*n >= 40, "{lang}: only {n} messages");
        assert!(*ok as f64 >= 0.84 * *n as f64, "{lang}: {ok}/{n}");
    }
}

/// The third round's held-out set (tests/data/nlu_heldout4.jsonl, 321 messages in nine
/// languages) was written and committed before that round's training data and code; nothing
/// is trained or tuned on it. The bars guard what the model reaches (0.944 accuracy, 0.947
/// macro-F1, every language ≥ 0.88): the previous model (0.935 / 0.938) fails them. The
/// issue's targets (0.95, 0.93, 0.90) are higher.
#[test]
fn heldout4_in_nine_languages() {
    let data =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/nlu_heldout4.jsonl"))
            .expect("heldout4");
    let r = eval::evaluate(&data, classifier(), "USD");
    assert!(r.bad_lines.is_empty());
    assert!(r.messages >= 300);
    assert!(r.intent_accuracy() >= 0.94, "accuracy {}", r.intent_accuracy());
    assert!(r.macro_f1() >= 0.94, "macro-F1 {}", r.macro_f1());
    assert!(r.entity_precision() >= 0.97 && r.entity_recall() >= 0.95);
    assert_eq!(r.card_leaks, 0);
    assert_eq!(r.by_lang.len(), 9);
    for (lang, (n, ok)) in &r.by_lang {
        assert!(*n >= 25, "{lang}: only {n} messages");
        assert!(*ok as f64 >= 0.87 * *n as f64, "{lang}: {ok}/{n}");
    }
}

#[test]
fn language_and_readings() {
    let x = c("¿Cuánto saldo me queda en la cuenta?");
    assert_eq!(x.lang, Lang::Es);
    assert_eq!(x.intent, Intent::WalletBalance);
    assert_eq!(c("我要取消订阅").lang, Lang::Zh);
    assert_eq!(c("Ich möchte mein Abo kündigen, bitte").lang, Lang::De);
    // The three readings are distinct, ordered, and the first is the answer.
    assert_eq!(x.top[0], (x.intent, x.confidence));
    assert!(x.top[0].1 >= x.top[1].1 && x.top[1].1 >= x.top[2].1);
    assert!(x.top[0].0 != x.top[1].0 && x.top[1].0 != x.top[2].0);
}

#[test]
#[ignore]
fn holdout_report() {
    if let Ok(p) = std::env::var("NLU_HOLDOUT") {
        let d = std::fs::read_to_string(p).expect("holdout");
        report("holdout", &d);
    }
}

fn c(text: &str) -> Classification {
    classifier().classify(text, "USD")
}

#[test]
fn luhn() {
    assert!(luhn_valid(&[4, 2, 4, 2, 4, 2, 4, 2, 4, 2, 4, 2, 4, 2, 4, 2]));
    assert!(!luhn_valid(&[4, 2, 4, 2, 4, 2, 4, 2, 4, 2, 4, 2, 4, 2, 4, 1]));
    assert!(!luhn_valid(&[]));
}

#[test]
fn redaction_forms() {
    let r = redact_card_numbers("card 4242424242424242 ok");
    assert_eq!(r.text, "card [card number removed] ok");
    assert_eq!((r.card_numbers, r.last4.as_deref()), (1, Some("4242")));
    let r = redact_card_numbers("on 5105 1051 0510 5100 and 4000-0566-5566-5556.");
    assert_eq!(r.text, "on [card number removed] and [card number removed].");
    assert_eq!((r.card_numbers, r.last4.as_deref()), (2, Some("5556")));
    // Full-width digits.
    let r = redact_card_numbers("ｃａｒｄ ４２４２４２４２４２４２４２４２ x");
    assert_eq!(r.card_numbers, 1);
    assert!(r.text.contains(CARD_MARKER) && !r.text.contains('４'));
    // 13 (old Visa) and 19 digit numbers; 15-digit Amex grouped 4-6-5.
    assert_eq!(redact_card_numbers("4222222222222").card_numbers, 1);
    assert_eq!(redact_card_numbers("6011 0009 9013 9424").card_numbers, 1);
    assert_eq!(redact_card_numbers("3782 822463 10005").text, CARD_MARKER);
    let nineteen = "4000000000000000006"; // 19 digits, Luhn-valid
    assert!(luhn_valid(&nineteen.bytes().map(|b| b - b'0').collect::<Vec<_>>()));
    assert_eq!(redact_card_numbers(nineteen).text, CARD_MARKER);
    // Non-Luhn runs, phone numbers, too short/too long runs stay.
    for keep in [
        "4242424242424241",
        "call +44 20 7946 0958 or 415-555-0132",
        "order 123456789012",
        "id 42424242424242424242424",
        "<@&987654321098765432>",
    ] {
        let r = redact_card_numbers(keep);
        assert_eq!(r.text, keep, "{keep}");
        assert_eq!(r.card_numbers, 0);
        assert!(matches!(r.text, std::borrow::Cow::Borrowed(_)));
    }
    // Double separators are still one number (paydesk issue 7, defect 2).
    assert_eq!(redact_card_numbers("4242 4242  4242 4242").card_numbers, 1);
    // Dots as separators; a card glued to other digits at the front of a split chain.
    assert_eq!(redact_card_numbers("card 4111.1111.1111.1111 ok").text, "card [card number removed] ok");
    let r = redact_card_numbers("１２３4111 1111 1111 1111 x");
    assert!(!r.text.contains("4111 1111 1111 1111"), "{}", r.text);
    assert_eq!(r.card_numbers, 1);
    let r = redact_card_numbers("ref 994111 1111 1111 1111");
    assert_eq!(r.card_numbers, 1);
    assert!(!r.text.contains("4111 1111 1111 1111") && r.text.starts_with("ref "), "{}", r.text);
    let r = redact_card_numbers("4111 1111 1111 1111１２３");
    assert!(!r.text.contains("4111 1111 1111 1111"), "{}", r.text);
}

#[test]
fn card_numbers_never_echoed() {
    let out = c("my card 4111 1111 1111 1111 was charged twice, ending 1111");
    assert_eq!(out.intent, Intent::DuplicateCharge);
    assert_eq!(out.entities.card_last4.as_deref(), Some("1111"));
    for (_, v) in out.entities.iter() {
        assert!(!v.contains("4111111111111111") && !v.contains("4111 1111"));
    }
    let out = c("4111111111111111");
    assert!(out.entities.iter().all(|(k, v)| k == "card_last4" && v == "1111"));
}

#[test]
fn entity_kinds() {
    let e =
        c("charged me 1,234.50 USD on INV-2026-0042 via ch_3PqX9a2eZvKYlo2C0abc, card ending in 4242, case rf-000012")
            .entities;
    assert_eq!(e.amount.as_deref(), Some("1234.50"));
    assert_eq!(e.currency.as_deref(), Some("USD"));
    assert_eq!(e.invoice_id.as_deref(), Some("INV-2026-0042"));
    assert_eq!(e.transaction_id.as_deref(), Some("ch_3PqX9a2eZvKYlo2C0abc"));
    assert_eq!(e.card_last4.as_deref(), Some("4242"));
    assert_eq!(e.case_id.as_deref(), Some("RF-000012"));
    // Short ids as test and sandbox systems write them; a bare prefix is not an id.
    assert_eq!(c("I was charged twice for ch_2").entities.transaction_id.as_deref(), Some("ch_2"));
    assert_eq!(c("refund pi_123 please").entities.transaction_id.as_deref(), Some("pi_123"));
    assert_eq!(c("what is ch_ anyway").entities.transaction_id, None);
    assert_eq!(c("the src_code broke").entities.transaction_id, None);
    let e = c("12,99 € abgebucht").entities;
    assert_eq!((e.amount.as_deref(), e.currency.as_deref()), (Some("12.99"), Some("EUR")));
    let e = classifier().classify("paid $49 twice", "CAD").entities;
    assert_eq!((e.amount.as_deref(), e.currency.as_deref()), (Some("49"), Some("CAD")));
    let e = c("R$ 89,90 errado").entities;
    assert_eq!((e.amount.as_deref(), e.currency.as_deref()), (Some("89.90"), Some("BRL")));
    let e = c("£18.50 back please").entities;
    assert_eq!((e.amount.as_deref(), e.currency.as_deref()), (Some("18.50"), Some("GBP")));
    let e = c("fee is 0.0125 usd per message").entities;
    assert_eq!(e.amount.as_deref(), Some("0.0125"));
    let e = c("¥5,000 and 200 yen").entities;
    assert_eq!((e.amount.as_deref(), e.currency.as_deref()), (Some("5000"), Some("JPY")));
    let e = c("PayPal 8MC585209K746392H").entities;
    assert_eq!(e.transaction_id.as_deref(), Some("8MC585209K746392H"));
    assert_eq!(c("txn TXN-88123").entities.transaction_id.as_deref(), Some("TXN-88123"));
    // Every provider we support: Adyen pspReference (16 characters, or digits after the
    // name), Square and Braintree ids after the name, Mollie tr_, and the sandbox's own shapes.
    for (t, id) in [
        ("charged twice, Adyen ref FJM726V375BV9D82", "FJM726V375BV9D82"),
        ("adyen psp reference 8815678901234567 please refund", "8815678901234567"),
        ("square payment R2B3Z8WMVt3EAmzYWLZvz7Y69EbZY was wrong", "R2B3Z8WMVt3EAmzYWLZvz7Y69EbZY"),
        ("braintree transaction 6p4p5b2x declined", "6p4p5b2x"),
        ("Mollie tr_WDqYK6vllg never arrived", "tr_WDqYK6vllg"),
        ("refund ch_demo_dup2 please", "ch_demo_dup2"),
        ("pi_3NbT7hLkW2dE9s is pending", "pi_3NbT7hLkW2dE9s"),
    ] {
        assert_eq!(c(t).entities.transaction_id.as_deref(), Some(id), "{t}");
    }
    assert_eq!(c("I moved to square one with this").entities.transaction_id, None);
    assert_eq!(c("the braintree checkout failed").entities.transaction_id, None);
    for (t, amount, cur) in [
        ("€0,00 charged", "0.00", "EUR"),
        ("USD 149.00 plan", "149.00", "USD"),
        ("7,50 € twice", "7.50", "EUR"),
        ("£5 extra", "5", "GBP"),
    ] {
        let e = c(t).entities;
        assert_eq!((e.amount.as_deref(), e.currency.as_deref()), (Some(amount), Some(cur)), "{t}");
    }
    assert_eq!(c("visa •••• 0005").entities.card_last4.as_deref(), Some("0005"));
    assert_eq!(c("mastercard ****4444").entities.card_last4.as_deref(), Some("4444"));
    assert_eq!(c("card x1234 declined").entities.card_last4.as_deref(), Some("1234"));
    // Italian, Japanese and Chinese ways of naming the card's last digits.
    for (t, want) in [
        ("mi hanno addebitato 30 € sulla carta che termina con 4821", "4821"),
        ("la carta finisce con 0077, doppio addebito", "0077"),
        ("末尾1234のカードに二重請求されました", "1234"),
        ("カードの下4桁は5521です", "5521"),
        ("尾号6688的卡被扣了两次", "6688"),
        ("卡的后四位是9012,扣错了", "9012"),
    ] {
        assert_eq!(c(t).entities.card_last4.as_deref(), Some(want), "{t}");
    }
    // Not money: credits, durations, dates, times, phone numbers, years.
    for t in [
        "I need to add 50 credits",
        "nobody replied in 3 days",
        "paid on 14/05 at 09:30, call +44 20 7946 0958",
        "bought in 2026, 3 identical charges",
        "paid 20 minutes ago",
    ] {
        let e = c(t).entities;
        assert_eq!(e.amount, None, "{t}");
        assert_eq!(e.card_last4, None, "{t}");
    }
}

#[test]
fn negation_and_specificity() {
    assert_eq!(c("refund me, I was charged twice").intent, Intent::DuplicateCharge);
    assert_eq!(c("I don't want a refund, just tell me my balance").intent, Intent::WalletBalance);
    assert_eq!(
        c("I don't want to buy more credits, I want back the €25 that went on my card when I chose wallet payment")
            .intent,
        Intent::WalletNotApplied
    );
    assert_eq!(c("Not a double charge, just the wrong amount").intent, Intent::WrongAmount);
    assert_eq!(c("Don't cancel anything, I just want to buy more credits").intent, Intent::BuyCredits);
    assert_eq!(c("The card wasn't declined but the invoice still shows pending").intent, Intent::PaymentPending);
    assert_eq!(c("any news on RF-000012?").intent, Intent::TicketStatus);
    assert_eq!(c("any news on my refund RF-000012?").intent, Intent::RefundStatus);
    assert_eq!(c("I can not cancel my subscription, the button is gone").intent, Intent::CancelSubscription);
    assert_eq!(c("refund please").intent, Intent::RefundRequest);
}

#[test]
fn five_languages() {
    let cases = [
        ("I want my money back", Intent::RefundRequest),
        ("Quiero cancelar mi suscripción", Intent::CancelSubscription),
        ("Mon paiement a été refusé", Intent::PaymentFailed),
        ("Wie viel Guthaben habe ich noch?", Intent::WalletBalance),
        ("Fui cobrado duas vezes", Intent::DuplicateCharge),
        ("¿Dónde está mi reembolso?", Intent::RefundStatus),
        ("Je veux parler à un responsable", Intent::Escalate),
        ("Ich möchte meine Zahlungsmethode ändern", Intent::UpdatePaymentMethod),
        ("Quero transferir meus créditos para outra conta", Intent::TransferCredits),
    ];
    for (t, want) in cases {
        assert_eq!(c(t).intent, want, "{t}");
    }
}

#[test]
fn empty_and_whitespace() {
    for t in ["", "   ", "\n\t "] {
        let out = c(t);
        assert_eq!(out.intent, Intent::Other);
        assert_eq!(out.confidence, 1.0);
        assert!(out.entities.is_empty());
    }
    let out = c("thanks, have a nice day");
    assert_eq!(out.intent, Intent::Other);
    assert!((0.0..=1.0).contains(&out.confidence));
}

/// xorshift64*: deterministic pseudo-random numbers without a dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn never_panics_on_random_input() {
    let pieces = [
        "refund",
        "$",
        "€",
        "£",
        "R$",
        "US$",
        "¥",
        "₹",
        "CHF",
        "1,234.50",
        "12,99",
        "0.0125",
        "99999999999999999999999999",
        "4242 4242 4242 4242",
        "４２４２４２４２４２４２４２４２",
        "-",
        " ",
        "  ",
        ".",
        ",",
        "RF-",
        "rf-0",
        "INV-",
        "ch_",
        "pi_x",
        "TXN-",
        "ending in ",
        "****",
        "•••• ",
        "x",
        "don't",
        "not ",
        "twice",
        "wallet",
        "🙂",
        "\u{200b}",
        "\u{0301}",
        "é",
        "ß",
        "İ",
        "ﬁ",
        "\u{FFFD}",
        "\0",
        "\n",
        "😀😀",
        "'",
        "’",
        "¿",
        "<@&",
        ">",
        "0",
        "9",
        "00000000000000000",
        "1.",
        ".5",
        ",,",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let cl = classifier();
    for round in 0..4000 {
        let s = match round % 3 {
            0 => {
                let n = rng.below(40);
                (0..n).map(|_| pieces[rng.below(pieces.len())]).collect::<String>()
            }
            1 => {
                let n = rng.below(200);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                String::from_utf8_lossy(&bytes).into_owned()
            }
            _ => {
                let n = rng.below(60);
                (0..n).filter_map(|_| char::from_u32(rng.below(0x11_0000) as u32)).collect::<String>()
            }
        };
        let out = cl.classify(&s, if round % 2 == 0 { "USD" } else { "" });
        assert!((0.0..=1.0).contains(&out.confidence), "{s:?}");
        let red = redact_card_numbers(&s);
        for (_, v) in out.entities.iter() {
            assert!(!redact::contains_card_from(&s, v), "leak in {s:?}");
        }
        assert!(!redact::contains_card_from(&s, &red.text), "leak in {s:?}");
    }
    // Huge inputs.
    let big = "9".repeat(100_000) + &" refund $1".repeat(10_000);
    let _ = cl.classify(&big, "USD");
    let _ = eval::evaluate(&big, cl, "USD");
}

#[test]
#[ignore]
fn throughput() {
    let dev = std::fs::read_to_string(dev_path()).unwrap_or_default();
    let extra = std::fs::read_to_string(extra_path()).unwrap_or_default();
    let msgs: Vec<String> = dev
        .lines()
        .chain(extra.lines())
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_string))
        .collect();
    let mps = bench::bench(&msgs, 200);
    eprintln!("classify throughput: {mps:.0} messages/second ({} messages x 200)", msgs.len());
    assert!(mps >= 250_000.0, "too slow: {mps:.0} msg/s");
}

/// Found by the `classify` fuzz target: the same text must give the same answer, however
/// many texts the thread classified before it (per-thread caches must not change results).
#[test]
fn the_same_text_gives_the_same_answer_twice() {
    let s = "  \r\rt`n_0o _aainvtxn__ti\r\rtaa in_avtxn_t`n_1o _aain~txn_tin 2***n_1o _aainvtxn_tina{ 2    0o0a1_xn_txn_ti\r\rt`n_0o _aainvtxn_txn_ti\r\rtia in_avtxn_t`n_1o _aainvtxn_tin 2*****11ea";
    let c = super::classifier();
    let first = c.classify(s, "USD");
    assert_eq!(c.classify(s, "USD"), first);
    assert_eq!(c.classify(s, "USD"), first);
}

/// Many texts, then the same texts again: every answer is the same (the per-thread stem
/// cache must never change a result; hash-only cache keys once did).
#[test]
fn answers_do_not_depend_on_what_was_classified_before() {
    let c = super::classifier();
    let corpus = include_str!("../../data/nlu/train_hand.jsonl");
    let texts: Vec<String> = corpus
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_string))
        .flat_map(|t| [t.clone(), format!("{t} {t}"), t.to_uppercase()])
        .collect();
    assert!(texts.len() > 1000);
    let first: Vec<_> = texts.iter().map(|t| c.classify(t, "USD")).collect();
    for (t, f) in texts.iter().rev().zip(first.iter().rev()) {
        assert_eq!(&c.classify(t, "USD"), f, "{t:?}");
    }
}

/// The byte scan for full-width digits answers as the char test it replaced.
#[test]
fn fullwidth_digits_are_found_by_their_bytes() {
    let by_chars = |t: &str| t.contains(|c: char| ('\u{FF10}'..='\u{FF19}').contains(&c));
    for t in ["", "abc 123", "金额５０", "０", "９x", "\u{FF0F}\u{FF1A}", "ｚ", "charged ＄4", "\u{EFBC}", "€ é 字"]
    {
        assert_eq!(super::rules::has_fullwidth_digit(t), by_chars(t), "{t:?}");
    }
    let c = super::classifier();
    assert_eq!(c.classify("charged ４９ EUR twice", "USD").entities.amount.as_deref(), Some("49"));
}

/// The top three are those of a stable descending sort, ties included.
#[test]
fn top_three_is_the_head_of_a_stable_sort() {
    let mut rng = Rng(11);
    for round in 0..2_000 {
        let p: [f32; model::NC] = std::array::from_fn(|_| {
            if round % 3 == 0 {
                (rng.below(4) as f32) / 4.0
            } else {
                rng.below(1_000) as f32 / 1_000.0
            }
        });
        let mut order: [usize; model::NC] = std::array::from_fn(|i| i);
        order.sort_by(|&a, &b| p[b].total_cmp(&p[a]));
        assert_eq!(super::top_three(&p), [order[0], order[1], order[2]], "{p:?}");
    }
}

/// A customer unsure about a charge, or who only names it ("my charge"), and names no
/// problem is asked which one it is; one who names it ("charged twice") is not.
#[test]
fn doubt_without_a_named_problem_is_asked_about() {
    for t in
        ["no estoy seguro de este cobro", "not sure about this charge", "ich bin nicht sicher, was diese Abbuchung ist"]
    {
        assert!(c(t).confidence < super::ASK_BELOW, "{t}: {:?}", c(t));
    }
    let twice = c("I'm not sure why I was charged twice for the same order");
    assert_eq!(twice.intent, Intent::DuplicateCharge);
    assert!(twice.confidence >= super::ASK_BELOW, "{twice:?}");
    // Only naming a charge names no problem either; a short message that names one does.
    // Nor does a message that only points at one, however sure the model is.
    for t in [
        "my charge",
        "este cobro",
        "不确定这笔扣款是什么",
        "questo addebito",
        "这笔扣款",
        "deze afschrijving",
        "この請求は何？",
        "What is this charge?",
        "esta cobrança",
    ] {
        assert!(c(t).confidence < super::ASK_BELOW, "{t}: {:?}", c(t));
    }
    // A short message the model is sure of has named its problem, whatever the rules saw.
    for t in [
        "card declined",
        "charged twice",
        "wrong amount",
        "重复扣款",
        "cobro doble",
        "where is my refund",
        "addebito doppio",
        "pago doble",
        "Rechnung falsch",
    ] {
        assert!(c(t).confidence >= super::ASK_BELOW, "{t}: {:?}", c(t));
    }
    // The doubt's own negation does not hide the refund it names; no charge, no rule.
    for t in ["No estoy seguro de si me llegó el reembolso", "not sure what to do now"] {
        assert!(c(t).confidence >= super::ASK_BELOW, "{t}: {:?}", c(t));
    }
}
