//! The intents of `intents.md`: what a customer's message means.

use std::fmt;
use std::str::FromStr;

/// Exactly one intent per message (what each one does for the customer: `docs/policy.md`, "Cases").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Intent {
    RefundRequest,
    WalletNotApplied,
    DuplicateCharge,
    WrongAmount,
    PaymentFailed,
    PaymentPending,
    RefundStatus,
    WalletBalance,
    BuyCredits,
    AutoRecharge,
    TransferCredits,
    Dispute,
    CancelSubscription,
    Escalate,
    TicketStatus,
    UpdatePaymentMethod,
    Other,
}

impl Intent {
    pub const ALL: [Intent; 17] = [
        Intent::RefundRequest,
        Intent::WalletNotApplied,
        Intent::DuplicateCharge,
        Intent::WrongAmount,
        Intent::PaymentFailed,
        Intent::PaymentPending,
        Intent::RefundStatus,
        Intent::WalletBalance,
        Intent::BuyCredits,
        Intent::AutoRecharge,
        Intent::TransferCredits,
        Intent::Dispute,
        Intent::CancelSubscription,
        Intent::Escalate,
        Intent::TicketStatus,
        Intent::UpdatePaymentMethod,
        Intent::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Intent::RefundRequest => "refund_request",
            Intent::WalletNotApplied => "wallet_not_applied",
            Intent::DuplicateCharge => "duplicate_charge",
            Intent::WrongAmount => "wrong_amount",
            Intent::PaymentFailed => "payment_failed",
            Intent::PaymentPending => "payment_pending",
            Intent::RefundStatus => "refund_status",
            Intent::WalletBalance => "wallet_balance",
            Intent::BuyCredits => "buy_credits",
            Intent::AutoRecharge => "auto_recharge",
            Intent::TransferCredits => "transfer_credits",
            Intent::Dispute => "dispute",
            Intent::CancelSubscription => "cancel_subscription",
            Intent::Escalate => "escalate",
            Intent::TicketStatus => "ticket_status",
            Intent::UpdatePaymentMethod => "update_payment_method",
            Intent::Other => "other",
        }
    }

    /// Tickets rule 1: a problem with a charge opens (or joins) a case.
    pub fn opens_case(self) -> bool {
        matches!(
            self,
            Intent::RefundRequest
                | Intent::WalletNotApplied
                | Intent::DuplicateCharge
                | Intent::WrongAmount
                | Intent::PaymentFailed
                | Intent::PaymentPending
                | Intent::Dispute
                | Intent::CancelSubscription
        )
    }
}

impl fmt::Display for Intent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown intent `{0}`")]
pub struct UnknownIntent(pub String);

impl FromStr for Intent {
    type Err = UnknownIntent;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Intent::ALL.iter().copied().find(|i| i.as_str() == s).ok_or_else(|| UnknownIntent(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for i in Intent::ALL {
            assert_eq!(i.as_str().parse::<Intent>().unwrap(), i);
        }
        assert!("refund".parse::<Intent>().is_err());
    }

    #[test]
    fn problem_intents_open_cases() {
        let opening: Vec<_> = Intent::ALL.iter().filter(|i| i.opens_case()).collect();
        assert_eq!(opening.len(), 8);
        assert!(!Intent::WalletBalance.opens_case());
        assert!(!Intent::Escalate.opens_case());
    }
}
