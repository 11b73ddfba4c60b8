//! The eligibility check (`docs/policy.md`, rules 1–9): what one charge allows at a time,
//! and the answer in words.

use super::{Policy, Rule};
use crate::domain::billing::{Charge, ChargeKind, PaymentMethod, Subscription};
use crate::domain::money::Currency;
use chrono::{DateTime, Duration, Months, Utc};
use rust_decimal::Decimal;

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
    if let Some(refusal) = refused_before_any_rule(ctx, policy, now) {
        return refusal;
    }
    let entitlements = entitlements(ctx, policy, now);
    let Some((rule, entitlement)) = most_generous(&entitlements.candidates) else {
        let (rule, r) = entitlements.fallback_refusal.expect("a charge kind with no candidate always refuses");
        return refused(ctx.charge.currency, rule, Decimal::ZERO, r);
    };
    capped(ctx, rule, entitlement)
}

/// A refusal under `rule`, with what is left to refund.
fn refused(currency: Currency, rule: Rule, left: Decimal, refusal: Refusal) -> Eligibility {
    Eligibility { rule, currency, left, decision: Decision::Refused(refusal) }
}

/// Rules 9 (currency), 7 (disputed) and 8 (age limit), which refuse whatever the charge is.
fn refused_before_any_rule(ctx: &RefundContext<'_>, policy: &Policy, now: DateTime<Utc>) -> Option<Eligibility> {
    let charge = ctx.charge;
    let c = charge.currency;
    // 9: currency
    if let Some((_, Some(asked))) = ctx.requested {
        if asked != c {
            return Some(refused(c, Rule::Currency, Decimal::ZERO, Refusal::WrongCurrency { asked }));
        }
    }
    // 7: disputed
    if charge.disputed {
        return Some(refused(c, Rule::Disputed, Decimal::ZERO, Refusal::Disputed));
    }
    // 8: age limit
    let elapsed = now - charge.at;
    if elapsed > Duration::days(policy.max_refund_age_days) {
        return Some(refused(
            c,
            Rule::AgeLimit,
            Decimal::ZERO,
            Refusal::TooOld { age_days: elapsed.num_days(), limit_days: policy.max_refund_age_days },
        ));
    }
    None
}

/// The rules that would allow something, and the refusal that applies when none does.
struct Entitlements {
    /// Each candidate rule with the most it allows in total (before what was refunded),
    /// the more specific causes (5, 4) first.
    candidates: Vec<(Rule, Decimal)>,
    fallback_refusal: Option<(Rule, Refusal)>,
}

/// Rules 5, 4, then 1–3 by the charge's kind: what each allows for this charge.
fn entitlements(ctx: &RefundContext<'_>, policy: &Policy, now: DateTime<Utc>) -> Entitlements {
    let charge = ctx.charge;
    let paid = charge.amount;
    let net = (paid - charge.fee).max(Decimal::ZERO);
    let in_window = now - charge.at <= Duration::days(policy.full_refund_days);
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
        ChargeKind::Subscription => match prorated(ctx, net, now) {
            Some(prorated) => candidates.push((Rule::SubscriptionProration, prorated)),
            None => fallback_refusal = Some((Rule::SubscriptionProration, Refusal::NoMonthsLeft)),
        },
    }
    Entitlements { candidates, fallback_refusal }
}

/// Rule 2: the whole months left of the plan, as a share of `net`; `None` when no whole
/// month is left.
fn prorated(ctx: &RefundContext<'_>, net: Decimal, now: DateTime<Utc>) -> Option<Decimal> {
    let (months, start) = ctx.subscription.map(|s| (s.months, s.start)).unwrap_or((1, ctx.charge.at));
    let months = months.max(1);
    let left_months = months - months_begun(start, months, now);
    if left_months == 0 {
        return None;
    }
    let prorated = net * Decimal::from(left_months) / Decimal::from(months);
    Some(prorated.min(net))
}

/// The most generous rule decides; on a tie the more specific cause (4, 5) wins,
/// since it is listed first.
fn most_generous(candidates: &[(Rule, Decimal)]) -> Option<(Rule, Decimal)> {
    candidates.iter().copied().fold(None::<(Rule, Decimal)>, |best, cand| match best {
        Some(b) if b.1 >= cand.1 => Some(b),
        _ => Some(cand),
    })
}

/// Rule 6 (cap) on the deciding rule's `entitlement`, then the amount asked for.
fn capped(ctx: &RefundContext<'_>, rule: Rule, entitlement: Decimal) -> Eligibility {
    let c = ctx.charge.currency;
    let paid = ctx.charge.amount;
    // 6: cap. Rounding to the minor unit happens here, at the end.
    let left = c.round((entitlement - ctx.refunded).max(Decimal::ZERO)).min((paid - ctx.refunded).max(Decimal::ZERO));
    if left.is_zero() {
        return refused(c, Rule::Cap, left, Refusal::NothingLeft);
    }
    match ctx.requested {
        None => Eligibility { rule, currency: c, left, decision: Decision::Eligible { amount: left } },
        Some((asked, _)) if !c.is_whole_minor(asked) => {
            refused(c, Rule::Currency, left, Refusal::FinerThanMinorUnit { asked })
        }
        Some((asked, _)) if asked > left => refused(c, Rule::Cap, left, Refusal::AboveWhatIsLeft { asked }),
        Some((asked, _)) => Eligibility { rule, currency: c, left, decision: Decision::Eligible { amount: asked } },
    }
}
