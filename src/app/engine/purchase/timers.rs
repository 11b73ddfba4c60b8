//! Purchases after their event commits: the provider's page made and its link sent, an
//! auto-recharge charged on the saved card, a pending purchase looked up at its expiry, an
//! approved payment captured. Each answer is applied in a transaction of its own.

use super::super::{no_nul, Engine, EngineResult};
use super::credits_word;
use super::display;
use crate::app::l10n::Msg;
use crate::app::ports::{ConnectorError, PaymentFailure, Purchase, PurchaseCall, PurchaseState, PurchaseStatus};
use crate::domain::audit::AuditAction;
use chrono::{DateTime, Utc};

impl Engine {
    /// Timers of purchases: pages to make (then their link is sent privately), and pending
    /// purchases past their page's expiry (asked about once more, then closed).
    pub(crate) async fn run_purchases(&self, now: DateTime<Utc>) -> EngineResult<()> {
        for id in self.store.purchases_to_start(20).await? {
            self.start_purchase(id, now).await?;
        }
        for id in self.store.purchases_past_expiry(now).await? {
            self.expire_purchase(id, now).await?;
        }
        Ok(())
    }

    fn purchase_call(&self, p: &Purchase) -> PurchaseCall {
        PurchaseCall {
            reference: p.reference(),
            amount: p.total,
            currency: p.currency,
            description: format!("{} paydesk {} for {}", p.credits, credits_word(p.credits), p.account),
            return_url: self.cfg.wallet.return_url.clone().unwrap_or_default(),
            webhook_url: self.cfg.wallet.webhook_url.clone(),
        }
    }

    async fn read_purchase(&self, id: i64, now: DateTime<Utc>) -> EngineResult<Option<Purchase>> {
        let mut w = self.work(now).await?;
        let p = w.tx.purchase(id).await?;
        drop(w); // read only: rolled back
        Ok(p)
    }

    /// Makes the provider's page (outside any transaction; idempotent under the
    /// purchase's reference), then records it and sends the link privately.
    async fn start_purchase(&self, id: i64, now: DateTime<Utc>) -> EngineResult<()> {
        let Some(p) = self.read_purchase(id, now).await? else { return Ok(()) };
        if p.off_session {
            return self.charge_recharge(&p, now, "charge").await;
        }
        let answer = match self.connectors.get(&p.provider) {
            Some(c) => c.start_purchase(&self.purchase_call(&p)).await,
            None => Err(crate::app::ports::ConnectorError::Permanent(format!("{} is not configured", p.provider))),
        };
        match answer {
            Ok(link) => {
                let link = crate::app::ports::CheckoutLink {
                    provider_ref: no_nul(&link.provider_ref),
                    url: no_nul(&link.url),
                    expires_at: link.expires_at,
                };
                let (link, p) = (&link, &p);
                self.retrying(|| async move {
                    let mut w = self.work(now).await?;
                    let expires = link.expires_at.unwrap_or(p.expires_at);
                    if !w.tx.set_purchase_link(p.id, &link.provider_ref, &link.url, expires).await? {
                        return w.commit().await;
                    }
                    let cur = p.currency;
                    w.audit(
                        "system",
                        None,
                        AuditAction::WalletPurchaseLink,
                        format!("{} ({}): {} page {}", p.account, p.reference(), p.provider, link.provider_ref),
                        None,
                    )
                    .await?;
                    let link = Msg::new("purchase-link")
                        .with("total", format!("{} {cur}", cur.format(p.total)))
                        .count("credits", u64::from(p.credits))
                        .with("provider", display(&p.provider))
                        .with("url", link.url.as_str())
                        .with("expires", expires.format("%Y-%m-%d %H:%M").to_string());
                    w.say_to("dm", &p.user, None, link).await?;
                    w.commit().await
                })
                .await
            }
            Err(crate::app::ports::ConnectorError::Permanent(why)) => {
                let why = &no_nul(&why);
                self.retrying(|| async move {
                    let mut w = self.work(now).await?;
                    let Some(p) = w.tx.purchase(id).await? else { return w.commit().await };
                    w.settle_purchase(&p, &PurchaseState::Failed(PaymentFailure::PageRefused(why.clone())), "start")
                        .await?;
                    w.commit().await
                })
                .await
            }
            Err(e) => {
                // Nothing known to be made, or made under our reference: asked again at
                // the next timer run with the same reference (the provider replays it).
                tracing::warn!(purchase = id, error = %e, "payment page not made yet; trying again later");
                Ok(())
            }
        }
    }

    /// Charges an off-session auto-recharge on the saved payment method (the same key
    /// every time: a retry replays the first answer, never a second charge) and applies
    /// what the provider says. Unknown outcomes leave it pending: asked again at the next
    /// run, then once more at its expiry, and closed unpaid only on the provider's word or
    /// when the expiry passes without one.
    async fn charge_recharge(&self, p: &Purchase, now: DateTime<Utc>, via: &str) -> EngineResult<()> {
        let saved = {
            let mut w = self.work(now).await?;
            let m = w.tx.saved_method(&p.account, &p.provider).await?;
            drop(w);
            m
        };
        let state = match (saved, self.connectors.get(&p.provider)) {
            (Some(m), Some(c)) => match c.charge_saved(&self.purchase_call(p), &m).await {
                Ok(s) => s,
                Err(ConnectorError::Permanent(why)) => PurchaseState::Failed(PaymentFailure::ProviderSays(why)),
                Err(e) if via == "charge" => {
                    tracing::warn!(purchase = p.id, error = %e, "auto-recharge answer lost; asked again with the same key");
                    return Ok(());
                }
                Err(e) => PurchaseState::Failed(PaymentFailure::NoAnswer {
                    provider: display(&p.provider).to_string(),
                    error: e.to_string(),
                }),
            },
            _ => PurchaseState::Failed(PaymentFailure::NoSavedMethod),
        };
        let state = match state {
            PurchaseState::Open | PurchaseState::Approved if via != "charge" => {
                PurchaseState::Failed(PaymentFailure::NotConfirmedInTime(display(&p.provider).to_string()))
            }
            s => s,
        };
        let (state, id) = (&state, p.id);
        self.retrying(|| async move {
            let mut w = self.work(now).await?;
            let Some(p) = w.tx.purchase(id).await? else { return w.commit().await };
            if p.status == PurchaseStatus::Pending || matches!(state, PurchaseState::Paid { .. }) {
                w.settle_purchase(&p, state, via).await?;
            }
            w.commit().await
        })
        .await
    }

    /// A pending purchase past its page's expiry: the provider is asked once more (a
    /// payment may have been made and its webhook lost); unless it says paid, the
    /// purchase is closed as expired and the customer told.
    async fn expire_purchase(&self, id: i64, now: DateTime<Utc>) -> EngineResult<()> {
        let Some(p) = self.read_purchase(id, now).await? else { return Ok(()) };
        if p.off_session {
            return self.charge_recharge(&p, now, "last look at expiry").await;
        }
        let state = match (&p.provider_ref, self.connectors.get(&p.provider)) {
            (Some(r), Some(c)) => match c.purchase_status(&self.purchase_call(&p), r).await {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(purchase = id, error = %e, "cannot ask about an expired payment page; closed as expired");
                    PurchaseState::Expired
                }
            },
            // The page was never made (the provider kept failing): the customer never had
            // a link, so it is not "expired" to them.
            (None, _) => PurchaseState::Failed(PaymentFailure::PageNotMadeInTime(display(&p.provider).to_string())),
            (Some(_), None) => PurchaseState::Expired,
        };
        let state = match state {
            // Approved and never captured (the webhook was lost): taken now, once.
            PurchaseState::Approved => match p.provider_ref.as_deref() {
                Some(r) => self.capture_approved(&p, r).await.unwrap_or(PurchaseState::Open),
                None => PurchaseState::Open,
            },
            s => s,
        };
        let state = match state {
            PurchaseState::Open | PurchaseState::Approved => PurchaseState::Expired,
            s => s,
        };
        let state = &state;
        self.retrying(|| async move {
            let mut w = self.work(now).await?;
            let Some(p) = w.tx.purchase(id).await? else { return w.commit().await };
            if p.status == PurchaseStatus::Pending {
                w.settle_purchase(&p, state, "lookup at expiry").await?;
            }
            w.commit().await
        })
        .await
    }

    /// Takes the money of an approved payment (PayPal: captures the order under its own
    /// request id, so a repeated capture replays the first). A lost answer is followed by
    /// a lookup of the order; `None`: still unknown (nothing is recorded: the capture's
    /// webhook, a redelivery or the lookup at expiry settles it).
    pub(super) async fn capture_approved(&self, p: &Purchase, provider_ref: &str) -> Option<PurchaseState> {
        let c = self.connectors.get(&p.provider)?;
        let call = self.purchase_call(p);
        match c.capture_purchase(&call, provider_ref).await {
            Ok(PurchaseState::Approved) => None,
            Ok(s) => Some(s),
            Err(ConnectorError::Permanent(why)) => Some(PurchaseState::Failed(PaymentFailure::CaptureRefused(why))),
            Err(e) => {
                tracing::warn!(purchase = p.id, error = %e, "capture answer lost; asking about the order");
                match c.purchase_status(&call, provider_ref).await {
                    Ok(PurchaseState::Approved) | Err(_) => None,
                    Ok(s) => Some(s),
                }
            }
        }
    }
}
