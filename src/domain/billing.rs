//! The billing ledger: accounts, charges, subscriptions, the wallet and credit notes.
//!
//! A wallet balance is never stored alone: it is the sum of its entries. The functions
//! here plan entries from a balance and the policy; the store appends them.

use super::ids::{AccountId, ChargeId, SubscriptionId, UserId};
use super::money::Currency;
use super::policy::Policy;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoRecharge {
    /// Recharge when a usage leaves the balance below this.
    pub below: Decimal,
    /// How many credits to buy then.
    pub credits: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: AccountId,
    pub currency: Currency,
    pub auto_recharge: Option<AutoRecharge>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChargeKind {
    Product,
    Credits,
    Subscription,
}

impl ChargeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChargeKind::Product => "product",
            ChargeKind::Credits => "credits",
            ChargeKind::Subscription => "subscription",
        }
    }
    pub fn parse(s: &str) -> Option<ChargeKind> {
        [ChargeKind::Product, ChargeKind::Credits, ChargeKind::Subscription].into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentMethod {
    Card,
    Wallet,
    Paypal,
    Bank,
}

impl PaymentMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Card => "card",
            PaymentMethod::Wallet => "wallet",
            PaymentMethod::Paypal => "paypal",
            PaymentMethod::Bank => "bank",
        }
    }
    pub fn parse(s: &str) -> Option<PaymentMethod> {
        [PaymentMethod::Card, PaymentMethod::Wallet, PaymentMethod::Paypal, PaymentMethod::Bank]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// A payment taken from a customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    pub id: ChargeId,
    pub account: AccountId,
    pub amount: Decimal,
    pub currency: Currency,
    pub at: DateTime<Utc>,
    pub method: PaymentMethod,
    /// Last four digits of the card; a full card number is never kept.
    pub card_last4: Option<String>,
    pub kind: ChargeKind,
    pub description: String,
    /// The non-refundable platform fee included in `amount`.
    pub fee: Decimal,
    /// The customer chose to pay from the wallet (policy rule 4).
    pub wallet_selected: bool,
    /// An open chargeback (policy rule 7).
    pub disputed: bool,
    /// The payment connector that took the charge (`sandbox`, `stripe`, …).
    pub provider: String,
}

impl Charge {
    /// How a customer may read this charge: never more than the last four card digits.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{} — {} {} on {}",
            self.id,
            self.currency.format(self.amount),
            self.currency,
            self.at.format("%Y-%m-%d")
        );
        if !self.description.is_empty() {
            s.push_str(&format!(", {}", self.description));
        }
        match (&self.card_last4, self.method) {
            (Some(l4), _) => s.push_str(&format!(", card ending {l4}")),
            (None, PaymentMethod::Card) => {}
            (None, m) => s.push_str(&format!(", paid by {}", m.as_str())),
        }
        s
    }
}

/// A plan paid for `months` months up front by `charge`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub id: SubscriptionId,
    pub account: AccountId,
    pub charge: ChargeId,
    pub months: u32,
    pub start: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// The balance an account was created with.
    Opening,
    Purchase,
    Usage,
    RefundToWallet,
    Goodwill,
    Adjustment,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Opening => "opening",
            EntryKind::Purchase => "purchase",
            EntryKind::Usage => "usage",
            EntryKind::RefundToWallet => "refund_to_wallet",
            EntryKind::Goodwill => "goodwill",
            EntryKind::Adjustment => "adjustment",
        }
    }
    pub fn parse(s: &str) -> Option<EntryKind> {
        [
            EntryKind::Opening,
            EntryKind::Purchase,
            EntryKind::Usage,
            EntryKind::RefundToWallet,
            EntryKind::Goodwill,
            EntryKind::Adjustment,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One change of a wallet. The balance is the sum of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletEntry {
    pub account: AccountId,
    pub currency: Currency,
    /// Signed: purchases and credits are positive, usage negative.
    pub amount: Decimal,
    pub kind: EntryKind,
    /// Who caused it (a user id, or `system`).
    pub actor: String,
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// The price of `credits` credits: what the wallet gains and what the card is charged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditPurchase {
    pub credits: u32,
    /// Added to the wallet: `credits * credit_value`.
    pub value: Decimal,
    /// `credits * credit_price`.
    pub cost: Decimal,
    /// `fee_rate` of the cost, rounded half-even to the minor unit.
    pub fee: Decimal,
    /// What the card is charged: cost + fee.
    pub total: Decimal,
}

/// Buying credits: 10 credits -> wallet +20.00, card charged 20.60 (fee 0.60).
pub fn price_credits(credits: u32, currency: Currency, policy: &Policy) -> CreditPurchase {
    let n = Decimal::from(credits);
    let value = n * policy.credit_value;
    let cost = n * policy.credit_price;
    let fee = currency.round(cost * policy.fee_rate);
    CreditPurchase { credits, value, cost, fee, total: cost + fee }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LedgerRefusal {
    /// A usage would take the balance below zero.
    InsufficientBalance {
        balance: Decimal,
        needed: Decimal,
    },
    /// Credits are not transferable between accounts.
    NotTransferable,
    ZeroCredits,
    TooManyCredits {
        max: u32,
    },
}

impl LedgerRefusal {
    pub fn explain(&self, currency: Currency) -> String {
        match self {
            LedgerRefusal::InsufficientBalance { balance, needed } => format!(
                "the wallet holds {} {currency}, not enough for {} {currency}; it may not go below zero",
                currency.format(*balance),
                currency.format(*needed)
            ),
            LedgerRefusal::NotTransferable => "credits are not transferable between accounts".into(),
            LedgerRefusal::ZeroCredits => "buy at least one credit".into(),
            LedgerRefusal::TooManyCredits { max } => format!("at most {max} credits can be bought at once"),
        }
    }
}

/// The most credits one purchase may buy (a typo guard).
pub const MAX_CREDITS_PER_PURCHASE: u32 = 100_000;

/// What happens to a wallet when `conversations` outgoing conversations are charged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsagePlan {
    /// Entries to append, in order (usage runs, interleaved with auto-recharge purchases).
    pub entries: Vec<(EntryKind, Decimal)>,
    /// Auto-recharge purchases to record as card charges, in order.
    pub recharges: Vec<CreditPurchase>,
    /// Conversations charged.
    pub charged: u64,
    /// Conversations refused because the balance would have gone below zero.
    pub refused: u64,
    pub balance_after: Decimal,
}

/// Charges `conversations` conversations against `balance`, one at a time in effect:
/// each takes `conversation_charge`; one that would go below zero is refused (and so are
/// the rest); when a usage leaves the balance below the auto-recharge threshold, credits
/// are bought at once. Consecutive conversations are merged into one entry.
pub fn plan_usage(
    balance: Decimal,
    conversations: u64,
    currency: Currency,
    auto: Option<&AutoRecharge>,
    policy: &Policy,
) -> UsagePlan {
    let unit = policy.conversation_charge;
    let mut plan =
        UsagePlan { entries: Vec::new(), recharges: Vec::new(), charged: 0, refused: 0, balance_after: balance };
    let mut left = conversations;
    let mut recharged_without_usage = false;
    while left > 0 {
        // How many fit before the balance would go below zero.
        let affordable = if unit.is_zero() {
            left
        } else {
            let n = (plan.balance_after / unit).floor();
            u64::try_from(n.mantissa() / 10i128.pow(n.scale())).unwrap_or(u64::MAX).min(left)
        };
        // How many until the balance first drops below the recharge threshold.
        let run = match auto.filter(|a| a.credits > 0 && !unit.is_zero()) {
            Some(a) if affordable > 0 => {
                // smallest m >= 1 with balance - m*unit < below
                let gap = plan.balance_after - a.below;
                let m = if gap < Decimal::ZERO {
                    1
                } else {
                    let q = (gap / unit).floor() + Decimal::ONE;
                    u64::try_from(q.mantissa() / 10i128.pow(q.scale())).unwrap_or(u64::MAX)
                };
                m.min(affordable)
            }
            _ => affordable,
        };
        if run == 0 {
            // Nothing fits. An account with auto-recharge that is already below its
            // threshold (it was set up after the balance fell) recharges first.
            match auto.filter(|a| a.credits > 0 && plan.balance_after < a.below) {
                Some(a) if !recharged_without_usage => {
                    recharged_without_usage = true;
                    recharge(&mut plan, a, currency, policy);
                    continue;
                }
                _ => {
                    plan.refused = left;
                    break;
                }
            }
        }
        recharged_without_usage = false;
        let cost = unit * Decimal::from(run);
        plan.balance_after -= cost;
        plan.charged += run;
        left -= run;
        match plan.entries.last_mut() {
            Some((EntryKind::Usage, total)) => *total -= cost,
            _ => plan.entries.push((EntryKind::Usage, -cost)),
        }
        if let Some(a) = auto.filter(|a| a.credits > 0 && plan.balance_after < a.below) {
            recharge(&mut plan, a, currency, policy);
        }
    }
    plan
}

fn recharge(plan: &mut UsagePlan, a: &AutoRecharge, currency: Currency, policy: &Policy) {
    let p = price_credits(a.credits, currency, policy);
    plan.balance_after += p.value;
    plan.entries.push((EntryKind::Purchase, p.value));
    plan.recharges.push(p);
}

/// A credit note issued against a charge for a refund (approval rule 9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditNote {
    pub charge: ChargeId,
    pub amount: Decimal,
    pub currency: Currency,
    pub at: DateTime<Utc>,
    pub issued_by: UserId,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd() -> Currency {
        Currency::USD
    }

    #[test]
    fn buying_ten_credits_matches_the_policy_example() {
        let p = price_credits(10, usd(), &Policy::default());
        assert_eq!(p.value, dec!(20.00));
        assert_eq!(p.cost, dec!(20.00));
        assert_eq!(p.fee, dec!(0.60));
        assert_eq!(p.total, dec!(20.60));
    }

    #[test]
    fn fee_is_rounded_half_even_in_the_currency() {
        let policy = Policy::default();
        // 1 credit: cost 2.00, fee 0.06
        assert_eq!(price_credits(1, usd(), &policy).fee, dec!(0.06));
        let jpy = Currency::from_code("JPY").unwrap();
        let yen = Policy { credit_price: dec!(150), credit_value: dec!(150), ..Policy::default() };
        // 1 credit at 150 JPY: fee 4.5 -> 4 (half-even)
        assert_eq!(price_credits(1, jpy, &yen).fee, dec!(4));
        // 3 credits: 450 * 0.03 = 13.5 -> 14
        assert_eq!(price_credits(3, jpy, &yen).fee, dec!(14));
    }

    #[test]
    fn one_conversation_from_four_dollars() {
        let plan = plan_usage(dec!(4.00), 1, usd(), None, &Policy::default());
        assert_eq!(plan.balance_after, dec!(3.9875));
        assert_eq!(plan.entries, vec![(EntryKind::Usage, dec!(-0.0125))]);
        assert_eq!((plan.charged, plan.refused), (1, 0));
    }

    #[test]
    fn usage_below_zero_is_refused() {
        let plan = plan_usage(dec!(0.03), 4, usd(), None, &Policy::default());
        assert_eq!(plan.charged, 2);
        assert_eq!(plan.refused, 2);
        assert_eq!(plan.balance_after, dec!(0.005));
        let empty = plan_usage(dec!(0), 1, usd(), None, &Policy::default());
        assert_eq!((empty.charged, empty.refused), (0, 1));
        assert!(empty.entries.is_empty());
    }

    #[test]
    fn auto_recharge_fires_when_usage_leaves_balance_below_threshold() {
        let auto = AutoRecharge { below: dec!(3.95), credits: 10 };
        let p = Policy::default();
        let first = plan_usage(dec!(4.00), 1, usd(), Some(&auto), &p);
        assert_eq!(first.balance_after, dec!(3.9875));
        assert!(first.recharges.is_empty());
        let second = plan_usage(dec!(3.9875), 4, usd(), Some(&auto), &p);
        assert_eq!(second.balance_after, dec!(23.9375));
        assert_eq!(second.recharges.len(), 1);
        assert_eq!(second.recharges[0].total, dec!(20.60));
        // three conversations reach 3.95 exactly (not below); the fourth crosses it
        assert_eq!(second.entries, vec![(EntryKind::Usage, dec!(-0.05)), (EntryKind::Purchase, dec!(20.00))]);
        let third = plan_usage(dec!(3.9875), 5, usd(), Some(&auto), &p);
        assert_eq!(third.entries[2], (EntryKind::Usage, dec!(-0.0125)));
        assert_eq!(third.balance_after, dec!(23.925));
    }

    #[test]
    fn auto_recharge_rescues_a_wallet_already_below_its_threshold() {
        // Auto-recharge switched on after the balance fell: it recharges before refusing.
        let auto = AutoRecharge { below: dec!(1.00), credits: 5 };
        let plan = plan_usage(dec!(0.01), 3, usd(), Some(&auto), &Policy::default());
        assert_eq!((plan.charged, plan.refused), (3, 0));
        assert_eq!(plan.recharges.len(), 1);
        assert_eq!(plan.balance_after, dec!(9.9725));
        // A recharge of zero value cannot help: the conversations are refused, no loop.
        let useless = Policy { credit_value: Decimal::ZERO, ..Policy::default() };
        let plan = plan_usage(dec!(0.01), 3, usd(), Some(&auto), &useless);
        assert_eq!((plan.charged, plan.refused), (0, 3));
    }

    #[test]
    fn summary_never_shows_more_than_last_four() {
        let c = Charge {
            id: ChargeId::new("ch_1"),
            account: AccountId::new("a"),
            amount: dec!(49),
            currency: usd(),
            at: "2026-05-02T09:00:00Z".parse().unwrap(),
            method: PaymentMethod::Card,
            card_last4: Some("4242".into()),
            kind: ChargeKind::Product,
            description: "Pack".into(),
            fee: Decimal::ZERO,
            wallet_selected: false,
            disputed: false,
            provider: "sandbox".into(),
        };
        assert_eq!(c.summary(), "ch_1 — 49.00 USD on 2026-05-02, Pack, card ending 4242");
    }
}
