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
    Failed(String),
}
