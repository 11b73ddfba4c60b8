//! Refund eligibility (`docs/policy.md`, rules 1–9) as a pure function of data and time.

use super::billing::{Charge, ChargeKind, PaymentMethod, Subscription};
use super::money::Currency;
use chrono::{DateTime, Duration, Months, Utc};
use rust_decimal::Decimal;
use std::fmt;

/// Every number of `docs/policy.md`; `bot.toml` can change each one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// What one credit adds to the wallet.
    pub credit_value: Decimal,
    /// What one credit costs.
    pub credit_price: Decimal,
    /// Platform fee on credit purchases (0.03 = 3%).
    pub fee_rate: Decimal,
    /// Deducted from the wallet per outgoing conversation.
    pub conversation_charge: Decimal,
    pub full_refund_days: i64,
    pub duplicate_window_minutes: i64,
    pub max_refund_age_days: i64,
    /// From this amount up, two distinct leads must approve.
    pub two_lead_threshold: Decimal,
    pub approval_expiry_hours: i64,
    /// Eligible refunds below this are executed without a lead (off when `None`).
    pub auto_approve_below: Option<Decimal>,
    /// Most one requester may have auto-approved in 24 hours (default: four times
    /// `auto_approve_below`).
    pub auto_approve_daily_limit: Option<Decimal>,
    /// Goodwill credits above this need a second lead's approval.
    pub goodwill_two_lead_above: Decimal,
    /// Money settings per currency. Empty: the numbers above apply in every currency.
    /// Once any currency is listed, a currency that is not is refused with a reason
    /// (9,167 JPY is not 9,167 USD).
    pub currencies: Vec<(Currency, MoneySettings)>,
}

/// The amounts of a policy that mean something only in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneySettings {
    pub credit_value: Decimal,
    pub credit_price: Decimal,
    pub conversation_charge: Decimal,
    pub two_lead_threshold: Decimal,
    pub auto_approve_below: Option<Decimal>,
    pub auto_approve_daily_limit: Option<Decimal>,
    pub goodwill_two_lead_above: Decimal,
}

/// No money settings for a currency although others are configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("this installation has no money settings for {0} ([policy.currencies.{0}] in bot.toml), so nothing in {0} can be refunded, credited or bought here; a lead can add them")]
pub struct UnconfiguredCurrency(pub Currency);

impl Policy {
    /// The policy with `currency`'s own money settings in place of the general ones.
    pub fn in_currency(&self, currency: Currency) -> Result<Policy, UnconfiguredCurrency> {
        if self.currencies.is_empty() {
            return Ok(self.clone());
        }
        let Some((_, m)) = self.currencies.iter().find(|(c, _)| *c == currency) else {
            return Err(UnconfiguredCurrency(currency));
        };
        Ok(Policy {
            credit_value: m.credit_value,
            credit_price: m.credit_price,
            conversation_charge: m.conversation_charge,
            two_lead_threshold: m.two_lead_threshold,
            auto_approve_below: m.auto_approve_below,
            auto_approve_daily_limit: m.auto_approve_daily_limit,
            goodwill_two_lead_above: m.goodwill_two_lead_above,
            ..self.clone()
        })
    }

    pub fn auto_approve_daily_limit(&self) -> Decimal {
        self.auto_approve_daily_limit
            .or_else(|| self.auto_approve_below.map(|b| b * Decimal::from(4)))
            .unwrap_or(Decimal::ZERO)
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            credit_value: Decimal::new(200, 2),
            credit_price: Decimal::new(200, 2),
            fee_rate: Decimal::new(3, 2),
            conversation_charge: Decimal::new(125, 4),
            full_refund_days: 14,
            duplicate_window_minutes: 10,
            max_refund_age_days: 180,
            two_lead_threshold: Decimal::new(50000, 2),
            approval_expiry_hours: 72,
            auto_approve_below: None,
            auto_approve_daily_limit: None,
            goodwill_two_lead_above: Decimal::new(10000, 2),
            currencies: Vec::new(),
        }
    }
}

/// The rule that decided an eligibility answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// 1: inside the refund window, in full minus the fee.
    RefundWindow,
    /// 2: a subscription after the window, the whole months left.
    SubscriptionProration,
    /// 3: credits purchases, and product charges after the window, are not refundable.
    NotRefundable,
    /// 4: a card charge made while the wallet was selected.
    WalletNotApplied,
    /// 5: a duplicate of an earlier charge.
    DuplicateCharge,
    /// 6: never more than what is left.
    Cap,
    /// 7: an open chargeback.
    Disputed,
    /// 8: older than the age limit.
    AgeLimit,
    /// 9: asked in another currency than the charge's.
    Currency,
}

impl Rule {
    pub fn number(self) -> u8 {
        match self {
            Rule::RefundWindow => 1,
            Rule::SubscriptionProration => 2,
            Rule::NotRefundable => 3,
            Rule::WalletNotApplied => 4,
            Rule::DuplicateCharge => 5,
            Rule::Cap => 6,
            Rule::Disputed => 7,
            Rule::AgeLimit => 8,
            Rule::Currency => 9,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::RefundWindow => "refund_window",
            Rule::SubscriptionProration => "subscription_proration",
            Rule::NotRefundable => "not_refundable",
            Rule::WalletNotApplied => "wallet_not_applied",
            Rule::DuplicateCharge => "duplicate_charge",
            Rule::Cap => "cap",
            Rule::Disputed => "disputed",
            Rule::AgeLimit => "age_limit",
            Rule::Currency => "currency",
        }
    }

    pub fn parse(s: &str) -> Option<Rule> {
        [
            Rule::RefundWindow,
            Rule::SubscriptionProration,
            Rule::NotRefundable,
            Rule::WalletNotApplied,
            Rule::DuplicateCharge,
            Rule::Cap,
            Rule::Disputed,
            Rule::AgeLimit,
            Rule::Currency,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rule {} ({})", self.number(), self.as_str())
    }
}

/// What the eligibility check needs to know about one charge.
#[derive(Debug, Clone)]
pub struct RefundContext<'a> {
    pub charge: &'a Charge,
    /// The plan the charge paid for, if it is a subscription charge.
    pub subscription: Option<&'a Subscription>,
    /// Every charge of the same account (the charge itself may be among them).
    pub account_charges: &'a [Charge],
    /// Already refunded, or reserved by refunds awaiting approval or in flight.
    pub refunded: Decimal,
    /// The amount asked for, with the currency it was asked in (if said); `None` asks for
    /// everything the policy allows.
    pub requested: Option<(Decimal, Option<Currency>)>,
    /// The charge is a purchase the customer made on purpose through the bot (`/wallet
    /// buy`, auto-recharge): a repeat of it is deliberate, never a duplicate (rule 5).
    /// `account_charges` should leave such purchases out, so they anchor no duplicate.
    pub deliberate_purchase: bool,
}

/// The answer: a decision, the rule that decided it and the amounts, so people can read why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligibility {
    pub rule: Rule,
    pub currency: Currency,
    /// What is left to refund under the deciding rule (0 when refused before a rule gave any).
    pub left: Decimal,
    pub decision: Decision,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Eligible { amount: Decimal },
    Refused(Refusal),
}

/// Why a refund is refused. A refusal is a value, not an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    WrongCurrency { asked: Currency },
    Disputed,
    TooOld { age_days: i64, limit_days: i64 },
    CreditsNotRefundable,
    ProductOutsideWindow { window_days: i64 },
    NoMonthsLeft,
    NothingLeft,
    AboveWhatIsLeft { asked: Decimal },
    FinerThanMinorUnit { asked: Decimal },
}

impl Eligibility {
    pub fn amount(&self) -> Option<Decimal> {
        match self.decision {
            Decision::Eligible { amount } => Some(amount),
            Decision::Refused(_) => None,
        }
    }

    pub fn refusal(&self) -> Option<&Refusal> {
        match &self.decision {
            Decision::Refused(r) => Some(r),
            Decision::Eligible { .. } => None,
        }
    }

    /// One sentence a customer can read, naming the rule and the amount.
    pub fn explain(&self) -> String {
        let c = self.currency;
        let money = |d: Decimal| format!("{} {c}", c.format(d));
        let rule = self.rule;
        match &self.decision {
            Decision::Eligible { amount } => {
                let why = match rule {
                    Rule::RefundWindow => "it is inside the refund window (the platform fee is not refunded)",
                    Rule::SubscriptionProration => {
                        "the whole months left of the plan are refunded; months already begun are not"
                    }
                    Rule::WalletNotApplied => {
                        "the card was charged although the wallet was selected, so it is refunded in full, fee included"
                    }
                    Rule::DuplicateCharge => "it duplicates an earlier charge, so it is refunded in full, fee included",
                    _ => "the policy allows it",
                };
                format!("eligible for a refund of {} under {rule}: {why}", money(*amount))
            }
            Decision::Refused(r) => {
                let why = match r {
                    Refusal::WrongCurrency { asked } => {
                        format!("the charge was made in {c}, so a refund cannot be asked in {asked}")
                    }
                    Refusal::Disputed => {
                        "this charge has an open chargeback with the bank, so it cannot be refunded here; the case goes to a lead".into()
                    }
                    Refusal::TooOld { age_days, limit_days } => format!(
                        "the charge is {age_days} days old and refunds to the card stop after {limit_days} days; a wallet goodwill credit is the alternative"
                    ),
                    Refusal::CreditsNotRefundable => {
                        "credits purchases are not refundable once bought (unless the wallet was not applied or the charge was a duplicate)".into()
                    }
                    Refusal::ProductOutsideWindow { window_days } => {
                        format!("product charges are refundable only within {window_days} days")
                    }
                    Refusal::NoMonthsLeft => "no whole month of the plan is left to refund".into(),
                    Refusal::NothingLeft => "it has already been refunded in full (or the rest is awaiting approval)".into(),
                    Refusal::AboveWhatIsLeft { asked } => {
                        format!("{} is more than what is left to refund, {}", money(*asked), money(self.left))
                    }
                    Refusal::FinerThanMinorUnit { asked } => format!(
                        "{} is finer than the smallest unit of {c} ({} decimals)",
                        asked,
                        c.minor_digits()
                    ),
                };
                format!("not refundable under {rule}: {why}")
            }
        }
    }
}

/// Months of a plan already begun at `now` (month k runs from start + (k-1) months to
/// start + k months), at most `months`.
pub fn months_begun(start: DateTime<Utc>, months: u32, now: DateTime<Utc>) -> u32 {
    let mut begun = 0;
    while begun < months {
        match start.checked_add_months(Months::new(begun)) {
            Some(t) if t <= now => begun += 1,
            _ => break,
        }
    }
    begun
}

/// True when `charge` repeats an earlier charge of the account (same amount, currency and
/// description) within `window` of the first of them (rule 5).
pub fn is_duplicate(charge: &Charge, account_charges: &[Charge], window: Duration) -> bool {
    let mut same: Vec<&Charge> = account_charges
        .iter()
        .filter(|c| {
            c.account == charge.account
                && c.amount == charge.amount
                && c.currency == charge.currency
                && c.description == charge.description
        })
        .collect();
    if !same.iter().any(|c| c.id == charge.id) {
        same.push(charge);
    }
    same.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id)));
    // Each cluster is anchored at its first charge; later ones within the window repeat it.
    let mut anchor: Option<&Charge> = None;
    for c in same {
        match anchor {
            Some(first) if c.at - first.at <= window => {
                if c.id == charge.id {
                    return true;
                }
            }
            _ => {
                if c.id == charge.id {
                    return false;
                }
                anchor = Some(c);
            }
        }
    }
    false
}

/// Rules 1–9 for one charge at `now`.
pub fn eligibility(ctx: &RefundContext<'_>, policy: &Policy, now: DateTime<Utc>) -> Eligibility {
    let charge = ctx.charge;
    let c = charge.currency;
    let refused =
        |rule: Rule, left: Decimal, r: Refusal| Eligibility { rule, currency: c, left, decision: Decision::Refused(r) };

    // 9: currency
    if let Some((_, Some(asked))) = ctx.requested {
        if asked != c {
            return refused(Rule::Currency, Decimal::ZERO, Refusal::WrongCurrency { asked });
        }
    }
    // 7: disputed
    if charge.disputed {
        return refused(Rule::Disputed, Decimal::ZERO, Refusal::Disputed);
    }
    // 8: age limit
    let elapsed = now - charge.at;
    if elapsed > Duration::days(policy.max_refund_age_days) {
        return refused(
            Rule::AgeLimit,
            Decimal::ZERO,
            Refusal::TooOld { age_days: elapsed.num_days(), limit_days: policy.max_refund_age_days },
        );
    }

    // Candidate rules, each with the most it allows in total (before what was refunded).
    let paid = charge.amount;
    let net = (paid - charge.fee).max(Decimal::ZERO);
    let in_window = elapsed <= Duration::days(policy.full_refund_days);
    let mut candidates: Vec<(Rule, Decimal)> = Vec::new();
    if !ctx.deliberate_purchase
        && is_duplicate(charge, ctx.account_charges, Duration::minutes(policy.duplicate_window_minutes))
    {
        candidates.push((Rule::DuplicateCharge, paid));
    }
    if charge.wallet_selected && charge.method != PaymentMethod::Wallet {
        candidates.push((Rule::WalletNotApplied, paid));
    }
    let mut fallback_refusal = None;
    match charge.kind {
        ChargeKind::Credits => fallback_refusal = Some((Rule::NotRefundable, Refusal::CreditsNotRefundable)),
        ChargeKind::Product if in_window => candidates.push((Rule::RefundWindow, net)),
        ChargeKind::Product => {
            fallback_refusal =
                Some((Rule::NotRefundable, Refusal::ProductOutsideWindow { window_days: policy.full_refund_days }))
        }
        ChargeKind::Subscription if in_window => candidates.push((Rule::RefundWindow, net)),
        ChargeKind::Subscription => {
            let (months, start) = ctx.subscription.map(|s| (s.months, s.start)).unwrap_or((1, charge.at));
            let months = months.max(1);
            let left_months = months - months_begun(start, months, now);
            if left_months == 0 {
                fallback_refusal = Some((Rule::SubscriptionProration, Refusal::NoMonthsLeft));
            } else {
                let prorated = net * Decimal::from(left_months) / Decimal::from(months);
                candidates.push((Rule::SubscriptionProration, prorated.min(net)));
            }
        }
    }

    // The most generous rule decides; on a tie the more specific cause (4, 5) wins,
    // since it is listed first.
    let best = candidates.iter().copied().fold(None::<(Rule, Decimal)>, |best, cand| match best {
        Some(b) if b.1 >= cand.1 => Some(b),
        _ => Some(cand),
    });
    let Some((rule, entitlement)) = best else {
        let (rule, r) = fallback_refusal.expect("a charge kind with no candidate always refuses");
        return refused(rule, Decimal::ZERO, r);
    };

    // 6: cap. Rounding to the minor unit happens here, at the end.
    let left = c.round((entitlement - ctx.refunded).max(Decimal::ZERO)).min((paid - ctx.refunded).max(Decimal::ZERO));
    if left.is_zero() {
        return refused(Rule::Cap, left, Refusal::NothingLeft);
    }
    match ctx.requested {
        None => Eligibility { rule, currency: c, left, decision: Decision::Eligible { amount: left } },
        Some((asked, _)) if !c.is_whole_minor(asked) => {
            refused(Rule::Currency, left, Refusal::FinerThanMinorUnit { asked })
        }
        Some((asked, _)) if asked > left => refused(Rule::Cap, left, Refusal::AboveWhatIsLeft { asked }),
        Some((asked, _)) => Eligibility { rule, currency: c, left, decision: Decision::Eligible { amount: asked } },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::{AccountId, ChargeId, SubscriptionId};

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
        let other_desc = Charge {
            description: "Other".into(),
            ..charge("ch_5", dec!(49), ChargeKind::Product, "2026-05-02T09:01:00Z")
        };
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
        let e =
            check(&c, Some(&s), std::slice::from_ref(&c), dec!(0), Some((dec!(1.0005), None)), "2026-01-20T00:00:00Z");
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
}
