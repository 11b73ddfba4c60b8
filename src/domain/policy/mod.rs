//! Refund eligibility (`docs/policy.md`, rules 1–9) as a pure function of data and time.
//!
//! - this file: [`Policy`], every number of the policy (per currency with `in_currency`);
//! - `rules.rs`: [`Rule`], the numbered rules as they are named and stored;
//! - `check.rs`: [`eligibility`] and its answer ([`Eligibility`], [`Decision`],
//!   [`Refusal`]), with the duplicate (rule 5) and proration (rule 2) helpers.

mod check;
mod rules;
#[cfg(test)]
mod tests;

pub use check::{eligibility, is_duplicate, months_begun, Decision, Eligibility, RefundContext, Refusal};
pub use rules::Rule;

use super::money::Currency;
use rust_decimal::Decimal;

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
