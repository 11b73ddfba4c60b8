//! Credits bought through a provider's hosted payment page (`[wallet] provider`): the
//! bot never takes card numbers. `/wallet buy` records a pending purchase (one
//! transaction); after the commit the provider's page is made (idempotent under the
//! purchase's reference) and its link is sent to the customer privately; the wallet is
//! credited only when a verified webhook or a lookup says the payment was made — once:
//! the purchase moves pending → paid in one conditional update in the transaction of the
//! wallet entry, and each webhook event is recorded by (provider, event id). A page that
//! expires or fails credits nothing and the customer is told; a payment that arrives
//! after the bot closed the purchase as expired still credits (the money was taken).

//!
//! Here: the settings, the webhook's entry (`Engine::purchase_update`); `start.rs` (a
//! pending purchase: `/wallet buy`, auto-recharge), `settle.rs` (what the provider said,
//! applied: credited once, or closed), `timers.rs` (pages made after the commit, charges
//! on a saved card, lookups at expiry, PayPal captures).

mod settle;
mod start;
mod timers;

use super::provider::WebhookOutcome;
use super::work::Work;
use super::{no_nul, Engine, EngineResult};
use crate::app::ports::{purchase_id, Purchase, PurchaseState, PurchaseStatus, SavedMethod, Taken};
use chrono::{DateTime, Utc};

/// `[wallet]`: where `/wallet buy` takes payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletSettings {
    /// `sandbox` (credits at once, nobody is charged) or a provider with a hosted page.
    pub provider: String,
    /// Where the customer's browser goes after paying.
    pub return_url: Option<String>,
    /// Where providers that take a webhook per payment report it (Mollie).
    pub webhook_url: Option<String>,
}

impl Default for WalletSettings {
    fn default() -> Self {
        WalletSettings { provider: "sandbox".into(), return_url: None, webhook_url: None }
    }
}

/// How long a page lives before its provider says: Stripe Checkout "If you don't specify
/// expires_at, the default value is 24 hours after the current time"
/// (docs.stripe.com/payments/checkout/managing-limited-inventory). Providers answer with
/// the page's own expiry, which replaces this.
pub const DEFAULT_PAGE_LIFE_HOURS: i64 = 24;

/// How long an off-session auto-recharge is retried (under the same idempotency key)
/// before it is closed unpaid: inside Stripe's 24 hours of keeping a key
/// (docs.stripe.com/api/idempotent_requests: "keys … are eligible to be removed
/// automatically after they're at least 24 hours old").
pub const RECHARGE_LIFE_HOURS: i64 = 1;

/// A provider's word about a purchase, from a verified webhook or a lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchaseUpdate {
    pub provider: String,
    /// The provider's event id (or a stable id of this state, where it has none).
    pub event_id: String,
    /// The hosted page (Stripe `cs_…`, Mollie `tr_…`).
    pub provider_ref: String,
    /// Our reference, where the provider echoes it.
    pub reference: Option<String>,
    pub state: PurchaseState,
}

fn credits_word(n: u32) -> &'static str {
    if n == 1 {
        "credit"
    } else {
        "credits"
    }
}

pub(crate) fn display(provider: &str) -> &str {
    match provider {
        "stripe" => "Stripe",
        "mollie" => "Mollie",
        "paypal" => "PayPal",
        "adyen" => "Adyen",
        "square" => "Square",
        other => other,
    }
}

impl Engine {
    /// A purchase's outcome by webhook (verified) or by a fetch the webhook asked for.
    /// An approved payment is taken first (outside any transaction), and what that says
    /// is applied.
    pub async fn purchase_update(&self, u: &PurchaseUpdate, at: DateTime<Utc>) -> EngineResult<WebhookOutcome> {
        let mut u = PurchaseUpdate {
            provider: no_nul(&u.provider),
            event_id: no_nul(&u.event_id),
            provider_ref: no_nul(&u.provider_ref),
            reference: u.reference.as_deref().map(no_nul),
            state: clean_state(&u.state),
        };
        if u.state == PurchaseState::Approved {
            let mut w = self.work(at).await?;
            let found = find_purchase(&mut w, &u).await?;
            drop(w); // read only
            let Some(p) = found else { return Ok(WebhookOutcome::Unknown) };
            if p.status == PurchaseStatus::Paid {
                return Ok(WebhookOutcome::Ignored);
            }
            match self.capture_approved(&p, &u.provider_ref).await {
                Some(s) => u.state = clean_state(&s),
                None => return Ok(WebhookOutcome::Unknown),
            }
        }
        let u = &u;
        self.retrying(|| self.purchase_update_once(u, at)).await
    }

    async fn purchase_update_once(&self, u: &PurchaseUpdate, at: DateTime<Utc>) -> EngineResult<WebhookOutcome> {
        let mut w = self.work(at).await?;
        let found = find_purchase(&mut w, u).await?;
        let Some(p) = found else {
            drop(w); // nothing of ours: not recorded, a later delivery is read again
            return Ok(WebhookOutcome::Unknown);
        };
        if !w.tx.first_webhook(&u.provider, &u.event_id, "purchase", at).await? {
            w.commit().await?;
            return Ok(WebhookOutcome::Duplicate);
        }
        let outcome = w.settle_purchase(&p, &u.state, &format!("event {}", u.event_id)).await?;
        w.commit().await?;
        Ok(outcome)
    }
}

/// The purchase an update is about: by the provider's page, else by our reference (of
/// the same provider).
async fn find_purchase(w: &mut Work<'_>, u: &PurchaseUpdate) -> EngineResult<Option<Purchase>> {
    if !u.provider_ref.is_empty() {
        if let Some(p) = w.tx.purchase_by_provider_ref(&u.provider, &u.provider_ref).await? {
            return Ok(Some(p));
        }
    }
    Ok(match u.reference.as_deref().and_then(purchase_id) {
        Some(id) => w.tx.purchase(id).await?.filter(|p| p.provider == u.provider),
        None => None,
    })
}

/// A provider's state with no NUL in its texts (PostgreSQL refuses them).
fn clean_state(s: &PurchaseState) -> PurchaseState {
    match s {
        PurchaseState::Paid { payment_ref, taken, saved } => PurchaseState::Paid {
            payment_ref: no_nul(payment_ref),
            taken: taken.as_ref().map(|t| Taken { amount: t.amount, currency: no_nul(&t.currency) }),
            saved: saved
                .as_ref()
                .map(|m| SavedMethod { customer: no_nul(&m.customer), payment_method: no_nul(&m.payment_method) }),
        },
        PurchaseState::Failed(why) => PurchaseState::Failed(why.clone().map_text(no_nul)),
        s => s.clone(),
    }
}
