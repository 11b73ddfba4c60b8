//! Credits bought through a provider's hosted payment page: the purchase as stored, what a
//! provider is asked for and what it answers.

use crate::domain::ids::{AccountId, ChargeId, UserId};
use crate::domain::money::Currency;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

/// Where a credit purchase through a provider's hosted payment page stands (migration
/// 0007): `pending` until the provider confirms, then `paid`, `expired` or `failed`. A
/// `paid` purchase is final; a late payment of an `expired` or `failed` one still
/// credits (the money was taken).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PurchaseStatus {
    Pending,
    Paid,
    Expired,
    Failed,
}

impl PurchaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PurchaseStatus::Pending => "pending",
            PurchaseStatus::Paid => "paid",
            PurchaseStatus::Expired => "expired",
            PurchaseStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<PurchaseStatus> {
        [PurchaseStatus::Pending, PurchaseStatus::Paid, PurchaseStatus::Expired, PurchaseStatus::Failed]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
}

/// Credits a customer is buying through a provider's hosted payment page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purchase {
    /// Given by the store.
    pub id: i64,
    pub account: AccountId,
    pub user: UserId,
    /// The connector (`stripe`, `mollie`).
    pub provider: String,
    pub credits: u32,
    /// What the wallet gets once paid.
    pub value: Decimal,
    /// What the card is charged: cost plus fee.
    pub total: Decimal,
    pub fee: Decimal,
    pub currency: Currency,
    pub status: PurchaseStatus,
    /// The provider's page (Stripe `cs_…`, Mollie `tr_…`) once it is made.
    pub provider_ref: Option<String>,
    pub url: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When the provider's page stops taking payment.
    pub expires_at: DateTime<Utc>,
    /// The charge recorded once paid (the provider's payment id).
    pub charge: Option<ChargeId>,
    /// An auto-recharge charged to a saved payment method (no page; migration 0009).
    pub off_session: bool,
}

impl Purchase {
    /// Our reference for it at the provider: the idempotency key of the page's creation
    /// and the reference the provider echoes back (`client_reference_id`, `metadata`).
    pub fn reference(&self) -> String {
        purchase_reference(self.id)
    }
}

pub fn purchase_reference(id: i64) -> String {
    format!("pd_pu_{id:08}")
}

/// The id of a purchase from its reference.
pub fn purchase_id(reference: &str) -> Option<i64> {
    reference
        .strip_prefix("pd_pu_")
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse().ok())
}

/// What a provider is asked for: a hosted page taking `amount` for `description`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchaseCall {
    /// `Purchase::reference`: the idempotency key and the reference echoed back.
    pub reference: String,
    pub amount: Decimal,
    pub currency: Currency,
    pub description: String,
    /// Where the customer's browser goes after paying (`[wallet] return_url`).
    pub return_url: String,
    /// Where the provider reports the payment, for providers that take it per payment
    /// (Mollie `webhookUrl`; `[wallet] webhook_url`).
    pub webhook_url: Option<String>,
}

/// A hosted payment page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutLink {
    pub provider_ref: String,
    pub url: String,
    /// As the provider says; `None`: its documented default applies.
    pub expires_at: Option<DateTime<Utc>>,
}

/// What a provider says it took for a purchase: the amount read with the provider's own
/// format for the currency (`adapters::payments::currency`), and the currency code as
/// the provider wrote it (upper-cased).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    pub amount: Decimal,
    pub currency: String,
}

/// A saved card or wallet the provider can charge again without the customer (Stripe: a
/// customer `cus_…` and a payment method `pm_…` saved with `setup_future_usage`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedMethod {
    pub customer: String,
    pub payment_method: String,
}

/// What a provider says about a hosted page's payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PurchaseState {
    /// Not paid yet; the page may still take payment.
    Open,
    /// The payer approved the payment and the merchant must now take it (a PayPal order
    /// with intent CAPTURE: `status` APPROVED until `POST …/capture`).
    Approved,
    /// Paid: the provider's payment id (what a refund is made against), what it says it
    /// took (`None`: its answer named no readable amount, so the total cannot be checked
    /// and nothing is credited), and the payment method it saved for later, if any.
    Paid { payment_ref: String, taken: Option<Taken>, saved: Option<SavedMethod> },
    /// The page expired unpaid.
    Expired,
    /// The payment failed or was cancelled; nothing was taken.
    Failed(PaymentFailure),
}

/// Why a payment for credits was not taken. The kinds paydesk knows are variants, so that a
/// customer is told them in their language (`app::l10n::payment_failure`); what a provider
/// says in its own words is kept as it wrote them (quoted to a customer as the provider's).
/// `Display` is the English text (audit records, staff, English-speaking customers).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentFailure {
    #[error("the card was declined")]
    CardDeclined,
    #[error("the card was declined for insufficient funds")]
    InsufficientFunds,
    /// Declined, with the provider's reason code in words ("do not honor").
    #[error("the card was declined ({0})")]
    CardDeclinedBecause(String),
    #[error("the saved card has expired")]
    ExpiredCard,
    /// The bank wants the cardholder to confirm (3-D Secure) and nobody is there to.
    #[error("your bank asks you to confirm the payment yourself")]
    AuthenticationRequired,
    /// The payment (or the order behind it) was cancelled or voided.
    #[error("the payment was cancelled")]
    Cancelled,
    /// The provider (its name as shown) reports the payment failed, saying no more.
    #[error("{0} reports the payment failed")]
    ReportedFailed(String),
    /// The provider (its name as shown) reports the payment declined, saying no more.
    #[error("{0} reports the payment declined")]
    ReportedDeclined(String),
    /// Anything else, in the provider's own words.
    #[error("{0}")]
    ProviderSays(String),
    /// The provider refused to make the payment page, in its own words.
    #[error("the payment page could not be made: {0}")]
    PageRefused(String),
    /// The provider (its name as shown) did not make the page before the purchase expired.
    #[error("{0} could not make the payment page in time")]
    PageNotMadeInTime(String),
    /// The provider refused to take an approved payment, in its own words.
    #[error("the payment could not be taken: {0}")]
    CaptureRefused(String),
    /// No payment method is saved to charge an auto-recharge on.
    #[error("no saved payment method")]
    NoSavedMethod,
    /// The provider gave no answer about an off-session charge by the purchase's expiry
    /// (its error as the bot read it).
    #[error("{provider} gave no answer about the charge ({error})")]
    NoAnswer { provider: String, error: String },
    /// The provider (its name as shown) did not confirm the charge before the expiry.
    #[error("{0} did not confirm the charge in time")]
    NotConfirmedInTime(String),
}

impl PaymentFailure {
    /// The same failure with `f` applied to every text in it (NUL removed where text enters).
    pub fn map_text(self, f: impl Fn(&str) -> String) -> PaymentFailure {
        use PaymentFailure as F;
        match self {
            F::CardDeclinedBecause(s) => F::CardDeclinedBecause(f(&s)),
            F::ReportedFailed(s) => F::ReportedFailed(f(&s)),
            F::ReportedDeclined(s) => F::ReportedDeclined(f(&s)),
            F::ProviderSays(s) => F::ProviderSays(f(&s)),
            F::PageRefused(s) => F::PageRefused(f(&s)),
            F::PageNotMadeInTime(s) => F::PageNotMadeInTime(f(&s)),
            F::CaptureRefused(s) => F::CaptureRefused(f(&s)),
            F::NoAnswer { provider, error } => F::NoAnswer { provider: f(&provider), error: f(&error) },
            F::NotConfirmedInTime(s) => F::NotConfirmedInTime(f(&s)),
            F::CardDeclined
            | F::InsufficientFunds
            | F::ExpiredCard
            | F::AuthenticationRequired
            | F::Cancelled
            | F::NoSavedMethod => self,
        }
    }
}
