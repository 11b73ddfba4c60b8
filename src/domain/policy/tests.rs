use super::*;
use crate::domain::billing::{Charge, ChargeKind, PaymentMethod, Subscription};
use crate::domain::ids::{AccountId, ChargeId, SubscriptionId};
use chrono::{DateTime, Duration, Utc};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn charge(id: &str, amount: Decimal, kind: ChargeKind, at: &str) -> Charge {
    Charge {
        id: ChargeId::new(id),
        account: AccountId::new("acct-1"),
        amount,
        currency: Currency::USD,
        at: t(at),
        method: PaymentMethod::Card,
        card_last4: Some("4242".into()),
        kind,
        description: "Pack".into(),
        fee: Decimal::ZERO,
        wallet_selected: false,
        disputed: false,
        provider: "sandbox".into(),
    }
}

fn yearly(start: &str) -> Subscription {
    Subscription {
        id: SubscriptionId::new("sub-1"),
        account: AccountId::new("acct-1"),
        charge: ChargeId::new("ch_s"),
        months: 12,
        start: t(start),
    }
}

fn check(
    c: &Charge,
    sub: Option<&Subscription>,
    others: &[Charge],
    refunded: Decimal,
    requested: Option<(Decimal, Option<Currency>)>,
    now: &str,
) -> Eligibility {
    let ctx = RefundContext {
        charge: c,
        subscription: sub,
        account_charges: others,
        refunded,
        requested,
        deliberate_purchase: false,
    };
    eligibility(&ctx, &Policy::default(), t(now))
}

/// (case, charge, subscription?, refunded, requested, now, want rule, want amount or None when refused)
#[test]
fn the_rules_table() {
    let product = charge("ch_p", dec!(49.00), ChargeKind::Product, "2026-04-01T10:00:00Z");
    let with_fee = Charge { fee: dec!(0.60), amount: dec!(20.60), ..product.clone() };
    let credits = Charge { kind: ChargeKind::Credits, ..with_fee.clone() };
    let wallet_credits = Charge { wallet_selected: true, ..credits.clone() };
    let sub_charge = Charge {
        id: ChargeId::new("ch_s"),
        ..charge("ch_s", dec!(120.00), ChargeKind::Subscription, "2026-04-01T00:00:00Z")
    };
    let monthly = Subscription { months: 1, ..yearly("2026-04-01T00:00:00Z") };
    let disputed = Charge { disputed: true, ..product.clone() };
    let y = yearly("2026-04-01T00:00:00Z");
    let eur = Currency::from_code("EUR");
    let none: Option<(Decimal, Option<Currency>)> = None;
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        &str,
        &Charge,
        Option<&Subscription>,
        Decimal,
        Option<(Decimal, Option<Currency>)>,
        &str,
        Rule,
        Option<Decimal>,
    )> = vec![
        (
            "window, same day",
            &product,
            None,
            dec!(0),
            none,
            "2026-04-01T10:00:00Z",
            Rule::RefundWindow,
            Some(dec!(49.00)),
        ),
        (
            "window, 14 days exactly",
            &product,
            None,
            dec!(0),
            none,
            "2026-04-15T10:00:00Z",
            Rule::RefundWindow,
            Some(dec!(49.00)),
        ),
        (
            "window, 14 days and a second",
            &product,
            None,
            dec!(0),
            none,
            "2026-04-15T10:00:01Z",
            Rule::NotRefundable,
            None,
        ),
        (
            "window minus fee",
            &with_fee,
            None,
            dec!(0),
            none,
            "2026-04-02T10:00:00Z",
            Rule::RefundWindow,
            Some(dec!(20.00)),
        ),
        ("credits inside window", &credits, None, dec!(0), none, "2026-04-02T10:00:00Z", Rule::NotRefundable, None),
        (
            "credits, wallet selected, fee included",
            &wallet_credits,
            None,
            dec!(0),
            none,
            "2026-04-02T10:00:00Z",
            Rule::WalletNotApplied,
            Some(dec!(20.60)),
        ),
        (
            "wallet selected at 170 days",
            &wallet_credits,
            None,
            dec!(0),
            none,
            "2026-09-18T10:00:00Z",
            Rule::WalletNotApplied,
            Some(dec!(20.60)),
        ),
        (
            "yearly on day 11: window",
            &sub_charge,
            Some(&y),
            dec!(0),
            none,
            "2026-04-12T00:00:00Z",
            Rule::RefundWindow,
            Some(dec!(120.00)),
        ),
        (
            "yearly Apr 17: 11/12",
            &sub_charge,
            Some(&y),
            dec!(0),
            none,
            "2026-04-17T15:00:00Z",
            Rule::SubscriptionProration,
            Some(dec!(110.00)),
        ),
        (
            "yearly Jul 20: 8/12",
            &sub_charge,
            Some(&y),
            dec!(0),
            none,
            "2026-07-20T00:00:00Z",
            Rule::SubscriptionProration,
            Some(dec!(80.00)),
        ),
        (
            "yearly, month 2 starts May 1 exactly: 10/12",
            &sub_charge,
            Some(&y),
            dec!(0),
            none,
            "2026-05-01T00:00:00Z",
            Rule::SubscriptionProration,
            Some(dec!(100.00)),
        ),
        (
            "yearly, a second before May 1: 11/12",
            &sub_charge,
            Some(&y),
            dec!(0),
            none,
            "2026-04-30T23:59:59Z",
            Rule::SubscriptionProration,
            Some(dec!(110.00)),
        ),
        (
            "monthly after the window: nothing",
            &sub_charge,
            Some(&monthly),
            dec!(0),
            none,
            "2026-04-20T00:00:00Z",
            Rule::SubscriptionProration,
            None,
        ),
        (
            "proration minus what was refunded",
            &sub_charge,
            Some(&y),
            dec!(30),
            none,
            "2026-04-17T15:00:00Z",
            Rule::SubscriptionProration,
            Some(dec!(80.00)),
        ),
        (
            "partial inside what is left",
            &product,
            None,
            dec!(0),
            Some((dec!(20), None)),
            "2026-04-02T10:00:00Z",
            Rule::RefundWindow,
            Some(dec!(20)),
        ),
        (
            "partials add up: 29 left",
            &product,
            None,
            dec!(20),
            Some((dec!(29), None)),
            "2026-04-02T10:00:00Z",
            Rule::RefundWindow,
            Some(dec!(29)),
        ),
        (
            "partials add up: 30 is above 29 left",
            &product,
            None,
            dec!(20),
            Some((dec!(30), None)),
            "2026-04-02T10:00:00Z",
            Rule::Cap,
            None,
        ),
        ("fully refunded", &product, None, dec!(49), none, "2026-04-02T10:00:00Z", Rule::Cap, None),
        ("disputed", &disputed, None, dec!(0), none, "2026-04-02T10:00:00Z", Rule::Disputed, None),
        (
            "180 days exactly is allowed",
            &wallet_credits,
            None,
            dec!(0),
            none,
            "2026-09-28T10:00:00Z",
            Rule::WalletNotApplied,
            Some(dec!(20.60)),
        ),
        ("older than 180 days", &wallet_credits, None, dec!(0), none, "2026-09-28T10:00:01Z", Rule::AgeLimit, None),
        (
            "other currency",
            &product,
            None,
            dec!(0),
            Some((dec!(10), eur)),
            "2026-04-02T10:00:00Z",
            Rule::Currency,
            None,
        ),
        (
            "same currency named",
            &product,
            None,
            dec!(0),
            Some((dec!(10), Some(Currency::USD))),
            "2026-04-02T10:00:00Z",
            Rule::RefundWindow,
            Some(dec!(10)),
        ),
        (
            "finer than cents",
            &product,
            None,
            dec!(0),
            Some((dec!(10.005), None)),
            "2026-04-02T10:00:00Z",
            Rule::Currency,
            None,
        ),
    ];
    for (name, c, sub, refunded, requested, now, rule, amount) in rows {
        let e = check(c, sub, std::slice::from_ref(c), refunded, requested, now);
        assert_eq!(e.rule, rule, "{name}: {}", e.explain());
        assert_eq!(e.amount(), amount, "{name}: {}", e.explain());
    }
}

#[test]
fn duplicates_within_ten_minutes_of_the_first() {
    let first = charge("ch_1", dec!(49), ChargeKind::Product, "2026-05-02T09:00:00Z");
    let second = charge("ch_2", dec!(49), ChargeKind::Product, "2026-05-02T09:03:00Z");
    let third = charge("ch_3", dec!(49), ChargeKind::Product, "2026-05-02T09:10:00Z");
    let fourth = charge("ch_4", dec!(49), ChargeKind::Product, "2026-05-02T09:10:01Z");
    let other_desc =
        Charge { description: "Other".into(), ..charge("ch_5", dec!(49), ChargeKind::Product, "2026-05-02T09:01:00Z") };
    let all = vec![first.clone(), second.clone(), third.clone(), fourth.clone(), other_desc.clone()];
    let w = Duration::minutes(10);
    assert!(!is_duplicate(&first, &all, w));
    assert!(is_duplicate(&second, &all, w));
    assert!(is_duplicate(&third, &all, w), "10 minutes exactly is inside");
    assert!(!is_duplicate(&fourth, &all, w), "past the window of the first it starts anew");
    assert!(!is_duplicate(&other_desc, &all, w));
    // a duplicate credits purchase is refundable in full, fee included, long after
    let dup_credits = |id: &str, at: &str| Charge {
        fee: dec!(0.60),
        amount: dec!(20.60),
        ..charge(id, dec!(20.60), ChargeKind::Credits, at)
    };
    let a = dup_credits("ch_a", "2026-05-02T09:00:00Z");
    let b = dup_credits("ch_b", "2026-05-02T09:09:00Z");
    let e = check(&b, None, &[a.clone(), b.clone()], dec!(0), None, "2026-08-01T00:00:00Z");
    assert_eq!((e.rule, e.amount()), (Rule::DuplicateCharge, Some(dec!(20.60))));
    let e = check(&a, None, &[a.clone(), b.clone()], dec!(0), None, "2026-08-01T00:00:00Z");
    assert_eq!(e.rule, Rule::NotRefundable);
}

#[test]
fn duplicate_wins_a_tie_with_the_window() {
    let first = charge("ch_1", dec!(49), ChargeKind::Product, "2026-05-02T09:00:00Z");
    let second = charge("ch_2", dec!(49), ChargeKind::Product, "2026-05-02T09:03:00Z");
    let e = check(&second, None, &[first, second.clone()], dec!(0), None, "2026-05-02T10:00:00Z");
    assert_eq!((e.rule, e.amount()), (Rule::DuplicateCharge, Some(dec!(49))));
}

#[test]
fn proration_rounds_half_even_at_the_end() {
    // 100.00 over 12 months with 11 left: 91.666… -> 91.67
    let c = charge("ch_s", dec!(100.00), ChargeKind::Subscription, "2026-01-31T00:00:00Z");
    let s = Subscription { start: t("2026-01-31T00:00:00Z"), ..yearly("2026-01-31T00:00:00Z") };
    let e = check(&c, Some(&s), std::slice::from_ref(&c), dec!(0), None, "2026-02-20T00:00:00Z");
    assert_eq!(e.amount(), Some(dec!(91.67)));
    // month edge: Jan 31 + 1 month is Feb 28, so on Feb 28 month 2 has begun
    assert_eq!(months_begun(t("2026-01-31T00:00:00Z"), 12, t("2026-02-27T23:59:59Z")), 1);
    assert_eq!(months_begun(t("2026-01-31T00:00:00Z"), 12, t("2026-02-28T00:00:00Z")), 2);
    assert_eq!(months_begun(t("2026-01-31T00:00:00Z"), 12, t("2025-12-01T00:00:00Z")), 0);
    assert_eq!(months_begun(t("2026-01-31T00:00:00Z"), 12, t("2030-01-01T00:00:00Z")), 12);
}

#[test]
fn jpy_and_kwd_round_to_their_minor_units() {
    let jpy = Currency::from_code("JPY").unwrap();
    let kwd = Currency::from_code("KWD").unwrap();
    let mut c = charge("ch_s", dec!(10000), ChargeKind::Subscription, "2026-01-01T00:00:00Z");
    c.currency = jpy;
    let s = Subscription { start: c.at, ..yearly("2026-01-01T00:00:00Z") };
    // 10000 * 11/12 = 9166.67 -> 9167
    let e = check(&c, Some(&s), std::slice::from_ref(&c), dec!(0), None, "2026-01-20T00:00:00Z");
    assert_eq!(e.amount(), Some(dec!(9167)));
    c.currency = kwd;
    c.amount = dec!(10.000);
    // 10 * 11/12 = 9.16666… -> 9.167
    let e = check(&c, Some(&s), std::slice::from_ref(&c), dec!(0), None, "2026-01-20T00:00:00Z");
    assert_eq!(e.amount(), Some(dec!(9.167)));
    let e = check(&c, Some(&s), std::slice::from_ref(&c), dec!(0), Some((dec!(1.0005), None)), "2026-01-20T00:00:00Z");
    assert!(e.amount().is_none());
}

#[test]
fn explanations_name_rule_and_amount() {
    let p = charge("ch_p", dec!(49.00), ChargeKind::Product, "2026-04-01T10:00:00Z");
    let e = check(&p, None, std::slice::from_ref(&p), dec!(20), Some((dec!(30), None)), "2026-04-02T10:00:00Z");
    let text = e.explain();
    assert!(text.contains("rule 6"), "{text}");
    assert!(text.contains("29.00 USD"), "{text}");
    let e = check(&p, None, std::slice::from_ref(&p), dec!(0), None, "2026-12-02T10:00:00Z");
    assert!(e.explain().contains("goodwill"), "{}", e.explain());
}

#[test]
fn money_settings_per_currency() {
    let p = Policy::default();
    assert_eq!(
        p.in_currency(Currency::from_code("JPY").unwrap()).unwrap(),
        p,
        "without a table the general numbers apply everywhere"
    );
    let jpy = MoneySettings {
        credit_value: dec!(300),
        credit_price: dec!(300),
        conversation_charge: dec!(2),
        two_lead_threshold: dec!(75000),
        auto_approve_below: None,
        auto_approve_daily_limit: None,
        goodwill_two_lead_above: dec!(15000),
    };
    let usd = MoneySettings {
        credit_value: dec!(2),
        credit_price: dec!(2),
        conversation_charge: dec!(0.0125),
        two_lead_threshold: dec!(500),
        auto_approve_below: Some(dec!(25)),
        auto_approve_daily_limit: None,
        goodwill_two_lead_above: dec!(100),
    };
    let yen = Currency::from_code("JPY").unwrap();
    let p = Policy { currencies: vec![(yen, jpy), (Currency::USD, usd)], ..Policy::default() };
    assert_eq!(p.in_currency(Currency::from_code("JPY").unwrap()).unwrap().two_lead_threshold, dec!(75000));
    assert_eq!(p.in_currency(Currency::USD).unwrap().auto_approve_below, Some(dec!(25)));
    let e = p.in_currency(Currency::from_code("EUR").unwrap()).unwrap_err();
    assert!(e.to_string().contains("no money settings for EUR"), "{e}");
}
