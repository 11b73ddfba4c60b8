//! The numbered rules of `docs/policy.md`, as eligibility answers name them.

use std::fmt;

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
