use super::*;
use crate::domain::billing::{Charge, PaymentMethod};
use crate::domain::intent::Intent;
use crate::domain::money::Currency;
use crate::domain::policy::{Decision, Eligibility, Refusal, Rule};
use crate::domain::tickets::CaseStatus;
use rust_decimal::Decimal;
use std::collections::BTreeSet;

/// The message ids of a message file (`id = …` at the start of a line).
fn ids(ftl: &str) -> BTreeSet<String> {
    ftl.lines()
        .filter_map(|l| l.split_once(" ="))
        .map(|(id, _)| id)
        .filter(|id| {
            id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .map(str::to_string)
        .collect()
}

fn file(lang: Lang) -> &'static str {
    FILES.iter().find(|(l, _)| *l == lang).map(|(_, f)| *f).unwrap()
}

/// Every `$name` a message file uses, with a sample value: counts for plural forms.
fn sample_args(ftl: &str) -> Vec<(&'static str, Arg)> {
    let mut names: BTreeSet<String> = BTreeSet::new();
    for part in ftl.split('$').skip(1) {
        let name: String = part.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        names.insert(name);
    }
    names
        .into_iter()
        .map(|n| {
            let name: &'static str = Box::leak(n.into_boxed_str());
            let value = if name == "credits" { Arg::Count(2) } else { Arg::Text(format!("<{name}>")) };
            (name, value)
        })
        .collect()
}

#[test]
fn every_english_id_exists_in_every_other_language() {
    let en = ids(file(Lang::En));
    assert!(en.len() > 100, "{} ids: the id scan is broken", en.len());
    for (lang, ftl) in FILES {
        let theirs = ids(ftl);
        let missing: Vec<&String> = en.difference(&theirs).collect();
        assert!(missing.is_empty(), "locales/{}/paydesk.ftl lacks {missing:?}", lang.code());
        let extra: Vec<String> = ids(ftl).difference(&en).cloned().collect();
        assert!(extra.is_empty(), "locales/{}/paydesk.ftl has ids English does not: {extra:?}", lang.code());
    }
}

#[test]
fn every_message_file_parses_and_every_id_formats_without_errors() {
    for (lang, ftl) in FILES {
        assert!(
            FluentResource::try_new(ftl.to_string()).is_ok(),
            "locales/{}/paydesk.ftl has syntax errors",
            lang.code()
        );
        let b = bundle(lang, ftl);
        let mut args = FluentArgs::new();
        for (name, value) in sample_args(ftl) {
            match value {
                Arg::Count(n) => args.set(name, FluentValue::from(n)),
                Arg::Text(s) => args.set(name, FluentValue::from(s)),
                Arg::Msg(_) => unreachable!(),
            }
        }
        for id in ids(ftl) {
            let pattern = b
                .get_message(&id)
                .and_then(|m| m.value())
                .unwrap_or_else(|| panic!("{}: {id} has no value", lang.code()));
            let mut errors = Vec::new();
            let text = b.format_pattern(pattern, Some(&args), &mut errors);
            assert!(errors.is_empty(), "{}: {id}: {errors:?}", lang.code());
            assert!(!text.trim().is_empty() && !text.contains('{'), "{}: {id} formats as {text:?}", lang.code());
            assert!(
                !text.contains('\u{2068}') && !text.contains('\u{2069}'),
                "{}: {id} has isolation marks",
                lang.code()
            );
        }
    }
}

/// The engine's source files (every `.rs` under `src/app/engine/`, test files left out), so
/// that a file added to the engine or split from one is scanned too.
fn engine_sources() -> Vec<String> {
    fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("tests.rs") {
                out.push(std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut out = Vec::new();
    walk(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src/app/engine")), &mut out);
    assert!(out.len() >= 6, "{} engine files found: the walk is broken", out.len());
    out
}

/// Every id the code names (`Msg::new("…")` and the ids in this module's tables) is in the
/// English file, so no customer ever reads a bare id.
#[test]
fn every_id_the_code_uses_is_in_the_english_file() {
    let en = ids(file(Lang::En));
    // The engine names ids in `Msg::new("…")`; this module also in its tables (`X => "…"`).
    let engine = engine_sources();
    let mut sources =
        vec![(include_str!("mod.rs"), true), (include_str!("phrases.rs"), true), (include_str!("refusals.rs"), true)];
    sources.extend(engine.iter().map(|s| (s.as_str(), false)));
    let mut used = BTreeSet::new();
    for (file, tables) in sources {
        // Production code only (this module's tests name an id that does not exist).
        let src = file.split("#[cfg(test)]").next().unwrap_or(file);
        for (i, _) in src.match_indices('"') {
            let rest = &src[i + 1..];
            let Some(end) = rest.find('"') else { continue };
            let lit = &rest[..end];
            let before = &src[..i];
            let is_id = lit.contains('-')
                && lit.chars().all(|c| c.is_ascii_lowercase() || c == '-' || c == '_')
                && (before.ends_with("Msg::new(") || tables && before.ends_with("=> "));
            if is_id {
                used.insert(lit.to_string());
            }
        }
    }
    assert!(used.len() > 60, "{} ids found: the scan is broken", used.len());
    let missing: Vec<&String> = used.difference(&en).collect();
    assert!(missing.is_empty(), "ids used in code but not in locales/en/paydesk.ftl: {missing:?}");
}

#[test]
fn english_texts_are_the_ones_paydesk_always_sent() {
    for s in CaseStatus::ALL {
        assert_eq!(status(s).english(), s.describe());
    }
    for i in Intent::ALL {
        // What the engine said before message files: the intent's name with spaces.
        assert_eq!(topic(i).english(), i.as_str().replace('_', " "));
    }
    let money = |s: &str| Decimal::from_str_exact(s).unwrap();
    for (card, method, description) in [
        (Some("4242"), PaymentMethod::Card, "API pack"),
        (None, PaymentMethod::Card, ""),
        (None, PaymentMethod::Wallet, "x"),
    ] {
        let charge = Charge {
            id: crate::domain::ids::ChargeId::new("ch_1"),
            account: crate::domain::ids::AccountId::new("a"),
            amount: money("49.5"),
            currency: Currency::USD,
            at: "2026-05-02T09:00:00Z".parse().unwrap(),
            method,
            card_last4: card.map(str::to_string),
            kind: crate::domain::billing::ChargeKind::Product,
            description: description.into(),
            fee: Decimal::ZERO,
            wallet_selected: false,
            disputed: false,
            provider: "sandbox".into(),
        };
        assert_eq!(charge_summary(&charge).english(), charge.summary());
    }
    let cases = [
        (Rule::RefundWindow, Decision::Eligible { amount: money("47.53") }),
        (Rule::SubscriptionProration, Decision::Eligible { amount: money("100") }),
        (Rule::WalletNotApplied, Decision::Eligible { amount: money("49") }),
        (Rule::DuplicateCharge, Decision::Eligible { amount: money("49") }),
        (Rule::Cap, Decision::Eligible { amount: money("1") }),
        (Rule::Currency, Decision::Refused(Refusal::WrongCurrency { asked: Currency::from_code("EUR").unwrap() })),
        (Rule::Disputed, Decision::Refused(Refusal::Disputed)),
        (Rule::AgeLimit, Decision::Refused(Refusal::TooOld { age_days: 200, limit_days: 180 })),
        (Rule::NotRefundable, Decision::Refused(Refusal::CreditsNotRefundable)),
        (Rule::RefundWindow, Decision::Refused(Refusal::ProductOutsideWindow { window_days: 14 })),
        (Rule::SubscriptionProration, Decision::Refused(Refusal::NoMonthsLeft)),
        (Rule::Cap, Decision::Refused(Refusal::NothingLeft)),
        (Rule::Cap, Decision::Refused(Refusal::AboveWhatIsLeft { asked: money("30") })),
        (Rule::Currency, Decision::Refused(Refusal::FinerThanMinorUnit { asked: money("1.005") })),
    ];
    for (rule, decision) in cases {
        let e = Eligibility { rule, currency: Currency::USD, left: money("12.5"), decision };
        assert_eq!(eligibility(&e).english(), e.explain());
        assert_ne!(eligibility(&e).render(Lang::Es), e.explain(), "no Spanish for {e:?}");
    }
}

#[test]
fn spanish_has_its_own_texts_and_other_languages_get_english() {
    let m = Msg::new("case-status").with("case", "RF-000001").with("status", status(CaseStatus::Open));
    assert_eq!(m.english(), "Your case RF-000001 is now open and being looked at.");
    assert_eq!(m.render(Lang::Es), "Tu caso RF-000001 ahora está abierto y en revisión.");
    assert_eq!(m.render(Lang::Fr), m.english());
    assert!(has_texts(Lang::En) && has_texts(Lang::Es) && !has_texts(Lang::Fr) && !has_texts(Lang::De));
    assert_eq!(fallback_note(Lang::Fr).render(Lang::Fr), "(We can't answer in French yet, so here it is in English.)");
}

#[test]
fn counts_choose_the_plural_form() {
    let bought = |n: u64| {
        Msg::new("credits-bought")
            .count("credits", n)
            .with("value", "1.00 USD")
            .with("total", "1.25 USD")
            .with("cost", "1.00 USD")
            .with("fee", "0.25 USD")
            .with("charge", "ch_9")
            .with("balance", "1.00 USD")
    };
    assert!(bought(1).english().starts_with("Bought 1 credit: 1.00 USD added"), "{}", bought(1).english());
    assert!(bought(12).english().starts_with("Bought 12 credits: "), "{}", bought(12).english());
    assert!(bought(1).render(Lang::Es).starts_with("Has comprado 1 crédito: "), "{}", bought(1).render(Lang::Es));
    assert!(bought(3).render(Lang::Es).starts_with("Has comprado 3 créditos: "), "{}", bought(3).render(Lang::Es));
}

#[test]
fn wallet_notices_read_as_before_in_english_and_count_in_spanish() {
    let refused = |n: u64| {
        Msg::new("usage-refused").count("conversations", n).with("account", "acct-1").with("balance", "0.40 USD")
    };
    assert_eq!(
        refused(3).english(),
        "3 conversation(s) were not charged: the wallet of acct-1 holds 0.40 USD, and it may not go below zero. Buy credits with /wallet buy <credits>."
    );
    assert!(
        refused(1).render(Lang::Es).starts_with("1 conversación no se cobró: el monedero de acct-1 tiene 0.40 USD"),
        "{}",
        refused(1).render(Lang::Es)
    );
    assert!(
        refused(3).render(Lang::Es).starts_with("3 conversaciones no se cobraron: "),
        "{}",
        refused(3).render(Lang::Es)
    );
}

#[test]
fn an_id_missing_in_spanish_falls_back_to_english() {
    let bundles = [(Lang::En, bundle(Lang::En, file(Lang::En))), (Lang::Es, bundle(Lang::Es, "thanks = ¡De nada!\n"))];
    assert_eq!(Msg::new("thanks").render_from(&bundles, Lang::Es), "¡De nada!");
    let greeting = Msg::new("greeting").render_from(&bundles, Lang::Es);
    assert!(greeting.starts_with("I'm the payment-support bot."), "{greeting}");
    // Nested messages fall back one by one.
    let status = Msg::new("case-status").with("case", "RF-000002").with("status", status(CaseStatus::Closed));
    assert_eq!(status.render_from(&bundles, Lang::Es), "Your case RF-000002 is now closed.");
    // An id no file has renders as itself (the code-id test keeps that from happening).
    assert_eq!(Msg::new("no-such-id").render(Lang::Es), "no-such-id");
    assert_eq!(
        Msg::joined(vec![Msg::new("recent-charges"), Msg::new("recent-charge").with("charge", "ch_1")], "\n").english(),
        "Your recent charges:\n• ch_1"
    );
}

/// Every refusal a customer can meet reads in English exactly as its `Display` (what staff,
/// the audit trail and the transcripts always had), and has Spanish of its own.
#[test]
fn refusals_read_as_before_in_english_and_have_spanish() {
    use crate::app::command::{parse, UsageOf};
    use crate::app::ports::PaymentFailure;
    use crate::domain::money::{AmountError, UnknownCurrency};
    use crate::domain::permissions::{Act, Denial};
    use crate::domain::policy::UnconfiguredCurrency;
    let check = |msg: Msg, english: String| {
        assert_eq!(msg.english(), english);
        assert_ne!(msg.render(Lang::Es), english, "no Spanish for {english:?}");
    };
    let mistyped = [
        "/",
        "/frobnicate",
        "/approve",
        "/approve RF-1#x",
        "/approve ch_1",
        "/reply RF-1",
        "/link ana",
        "/unlink",
        "/refund",
        "/refund RF-12x",
        "/refund ch_1 1e5",
        "/refund ch_1 -3",
        "/refund ch_1 1.2345678",
        "/refund ch_1 99999999999",
        "/refund ch_1 0",
        "/refund ch_1 12.5.6",
        "/refund ch_1 override x",
        "/refund ch_1 5 override",
        "/wallet credit a 5",
        "/wallet credit a",
        "/wallet buy x",
        "/wallet buy",
        "/wallet a b",
        "/ticket",
        "/ticket foo bar",
    ];
    let mut problems = std::collections::HashSet::new();
    for text in mistyped {
        let e = parse(text).unwrap_err();
        problems.insert(std::mem::discriminant(&e.problem));
        check(command_error(&e), e.to_string());
    }
    assert_eq!(problems.len(), 19, "a mistyped command for every kind of problem");
    for u in UsageOf::ALL {
        assert_eq!(usage(u).english(), u.words());
    }
    for e in [
        AmountError::Empty,
        AmountError::Malformed("x".into()),
        AmountError::Negative("-1".into()),
        AmountError::Exponent("1e5".into()),
        AmountError::TooManyDecimals("1.1234567".into(), 6),
        AmountError::TooLarge("1e99".into()),
        AmountError::Zero,
        AmountError::Currency(UnknownCurrency("XYZ".into())),
    ] {
        check(amount_error(&e), e.to_string());
    }
    for act in Act::ALL {
        for d in [Denial::Role(act), Denial::ConflictOfInterest(act), Denial::OwnAccountOnly(act)] {
            check(denial(d), d.to_string());
        }
    }
    let eur = UnconfiguredCurrency(Currency::from_code("EUR").unwrap());
    check(unconfigured_currency(&eur), eur.to_string());
    let words = || "do not honor".to_string();
    for f in [
        PaymentFailure::CardDeclined,
        PaymentFailure::InsufficientFunds,
        PaymentFailure::CardDeclinedBecause(words()),
        PaymentFailure::ExpiredCard,
        PaymentFailure::AuthenticationRequired,
        PaymentFailure::Cancelled,
        PaymentFailure::ReportedFailed("Mollie".into()),
        PaymentFailure::ReportedDeclined("PayPal".into()),
        PaymentFailure::ProviderSays(words()),
        PaymentFailure::PageRefused(words()),
        PaymentFailure::PageNotMadeInTime("Stripe".into()),
        PaymentFailure::CaptureRefused(words()),
        PaymentFailure::NoSavedMethod,
        PaymentFailure::NoAnswer { provider: "Stripe".into(), error: "timed out".into() },
        PaymentFailure::NotConfirmedInTime("Stripe".into()),
    ] {
        check(payment_failure(&f), f.to_string());
    }
    check(store_refused("the wallet is full"), "Nothing was changed: the wallet is full.".into());
}

/// The provider's own words reach a Spanish customer quoted as the provider's, never as
/// paydesk's Spanish.
#[test]
fn a_providers_own_words_are_quoted_as_theirs_in_spanish() {
    use crate::app::ports::PaymentFailure;
    let said = payment_failure(&PaymentFailure::ProviderSays("card velocity exceeded".into())).render(Lang::Es);
    assert_eq!(said, "el proveedor de pagos lo explica así, en inglés: «card velocity exceeded»");
    let known = payment_failure(&PaymentFailure::InsufficientFunds).render(Lang::Es);
    assert_eq!(known, "la tarjeta fue rechazada por fondos insuficientes");
}
