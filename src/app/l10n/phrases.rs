//! Messages built from domain values: a case's status, what a case is about, the readings a
//! question back offers, a charge, the policy's verdict, and the note about a language
//! without texts.

use super::Msg;
use crate::domain::billing::{Charge, PaymentMethod};
use crate::domain::intent::Intent;
use crate::domain::policy::{Decision, Eligibility, Refusal, Rule};
use crate::domain::tickets::CaseStatus;
use crate::nlu::Lang;

/// The one line told (in English) to a customer writing in a language without texts.
pub fn fallback_note(lang: Lang) -> Msg {
    Msg::new("fallback-note").with("language", Msg::new(language_id(lang)))
}

fn language_id(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "language-en",
        Lang::Es => "language-es",
        Lang::Pt => "language-pt",
        Lang::Fr => "language-fr",
        Lang::De => "language-de",
        Lang::It => "language-it",
        Lang::Nl => "language-nl",
        Lang::Zh => "language-zh",
        Lang::Ja => "language-ja",
    }
}

/// "open and being looked at", as "Your case … is now …".
pub fn status(s: CaseStatus) -> Msg {
    Msg::new(match s {
        CaseStatus::Open => "status-open",
        CaseStatus::AwaitingInfo => "status-awaiting_info",
        CaseStatus::AwaitingApproval => "status-awaiting_approval",
        CaseStatus::Resolved => "status-resolved",
        CaseStatus::Rejected => "status-rejected",
        CaseStatus::Escalated => "status-escalated",
        CaseStatus::Closed => "status-closed",
    })
}

/// "duplicate charge": what a case is about.
pub fn topic(i: Intent) -> Msg {
    Msg::new(match i {
        Intent::RefundRequest => "topic-refund_request",
        Intent::WalletNotApplied => "topic-wallet_not_applied",
        Intent::DuplicateCharge => "topic-duplicate_charge",
        Intent::WrongAmount => "topic-wrong_amount",
        Intent::PaymentFailed => "topic-payment_failed",
        Intent::PaymentPending => "topic-payment_pending",
        Intent::RefundStatus => "topic-refund_status",
        Intent::WalletBalance => "topic-wallet_balance",
        Intent::BuyCredits => "topic-buy_credits",
        Intent::AutoRecharge => "topic-auto_recharge",
        Intent::TransferCredits => "topic-transfer_credits",
        Intent::Dispute => "topic-dispute",
        Intent::CancelSubscription => "topic-cancel_subscription",
        Intent::Escalate => "topic-escalate",
        Intent::TicketStatus => "topic-ticket_status",
        Intent::UpdatePaymentMethod => "topic-update_payment_method",
        Intent::Other => "topic-other",
    })
}

/// What a reading means, as the question back offers it.
pub fn reading(i: Intent) -> Msg {
    Msg::new(match i {
        Intent::RefundRequest => "reading-refund_request",
        Intent::WalletNotApplied => "reading-wallet_not_applied",
        Intent::DuplicateCharge => "reading-duplicate_charge",
        Intent::WrongAmount => "reading-wrong_amount",
        Intent::PaymentFailed => "reading-payment_failed",
        Intent::PaymentPending => "reading-payment_pending",
        Intent::RefundStatus => "reading-refund_status",
        Intent::WalletBalance => "reading-wallet_balance",
        Intent::BuyCredits => "reading-buy_credits",
        Intent::AutoRecharge => "reading-auto_recharge",
        Intent::TransferCredits => "reading-transfer_credits",
        Intent::Dispute => "reading-dispute",
        Intent::CancelSubscription => "reading-cancel_subscription",
        Intent::Escalate => "reading-escalate",
        Intent::TicketStatus => "reading-ticket_status",
        Intent::UpdatePaymentMethod => "reading-update_payment_method",
        Intent::Other => "reading-other",
    })
}

/// A charge as a customer reads it (the English rendering is [`Charge::summary`], word for
/// word): never more than the last four card digits.
pub fn charge_summary(c: &Charge) -> Msg {
    let mut parts = vec![Msg::new("charge-summary")
        .with("id", c.id.to_string())
        .with("amount", format!("{} {}", c.currency.format(c.amount), c.currency))
        .with("date", c.at.format("%Y-%m-%d").to_string())];
    if !c.description.is_empty() {
        parts.push(Msg::new("charge-description").with("description", c.description.as_str()));
    }
    match (&c.card_last4, c.method) {
        (Some(l4), _) => parts.push(Msg::new("charge-card").with("last4", l4.as_str())),
        (None, PaymentMethod::Card) => {}
        (None, m) => parts.push(Msg::new("charge-paid-by").with("method", m.as_str())),
    }
    Msg::joined(parts, ", ")
}

/// The policy's answer as a customer reads it (the English rendering is
/// [`Eligibility::explain`], word for word).
pub fn eligibility(e: &Eligibility) -> Msg {
    let c = e.currency;
    let money = |d: rust_decimal::Decimal| format!("{} {c}", c.format(d));
    let rule = Msg::new("rule").with("number", e.rule.number().to_string()).with("name", e.rule.as_str());
    match &e.decision {
        Decision::Eligible { amount } => {
            let why = match e.rule {
                Rule::RefundWindow => "eligible-in-window",
                Rule::SubscriptionProration => "eligible-months-left",
                Rule::WalletNotApplied => "eligible-wallet-not-applied",
                Rule::DuplicateCharge => "eligible-duplicate",
                Rule::NotRefundable | Rule::Cap | Rule::Disputed | Rule::AgeLimit | Rule::Currency => {
                    "eligible-allowed"
                }
            };
            Msg::new("eligible").with("amount", money(*amount)).with("rule", rule).with("why", Msg::new(why))
        }
        Decision::Refused(r) => {
            let why = match r {
                Refusal::WrongCurrency { asked } => {
                    Msg::new("refusal-wrong-currency").with("currency", c.to_string()).with("asked", asked.to_string())
                }
                Refusal::Disputed => Msg::new("refusal-disputed"),
                Refusal::TooOld { age_days, limit_days } => {
                    Msg::new("refusal-too-old").with("age", age_days.to_string()).with("limit", limit_days.to_string())
                }
                Refusal::CreditsNotRefundable => Msg::new("refusal-credits"),
                Refusal::ProductOutsideWindow { window_days } => {
                    Msg::new("refusal-outside-window").with("days", window_days.to_string())
                }
                Refusal::NoMonthsLeft => Msg::new("refusal-no-months-left"),
                Refusal::NothingLeft => Msg::new("refusal-nothing-left"),
                Refusal::AboveWhatIsLeft { asked } => {
                    Msg::new("refusal-above-left").with("asked", money(*asked)).with("left", money(e.left))
                }
                Refusal::FinerThanMinorUnit { asked } => Msg::new("refusal-finer-than-unit")
                    .with("asked", asked.to_string())
                    .with("currency", c.to_string())
                    .with("decimals", c.minor_digits().to_string()),
            };
            Msg::new("not-refundable").with("rule", rule).with("why", why)
        }
    }
}
