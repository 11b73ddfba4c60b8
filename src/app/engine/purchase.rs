//! Credits bought through a provider's hosted payment page (`[wallet] provider`): the
//! bot never takes card numbers. `/wallet buy` records a pending purchase (one
//! transaction); after the commit the provider's page is made (idempotent under the
//! purchase's reference) and its link is sent to the customer privately; the wallet is
//! credited only when a verified webhook or a lookup says the payment was made — once:
//! the purchase moves pending → paid in one conditional update in the transaction of the
//! wallet entry, and each webhook event is recorded by (provider, event id). A page that
//! expires or fails credits nothing and the customer is told; a payment that arrives
//! after the bot closed the purchase as expired still credits (the money was taken).

use super::provider::WebhookOutcome;
use super::work::Work;
use super::{no_nul, Engine, EngineResult};
use crate::app::action::Action;
use crate::app::ports::{
    purchase_id, ConnectorError, Purchase, PurchaseCall, PurchaseState, PurchaseStatus, SavedMethod, Taken, User,
};
use crate::domain::audit::AuditAction;
use crate::domain::billing::{Charge, ChargeKind, CreditPurchase, EntryKind, PaymentMethod, WalletEntry};
use crate::domain::ids::{AccountId, ChargeId};
use crate::domain::intent::Intent;
use crate::domain::tickets::{Case, CaseStatus};
use chrono::{DateTime, Duration, Utc};

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

impl Work<'_> {
    /// `/wallet buy` with a real provider: a pending purchase, nothing credited. The page
    /// is made after the commit (`Engine::start_purchases`).
    pub(crate) async fn start_hosted_purchase(
        &mut self,
        user: &User,
        account: &AccountId,
        p: &CreditPurchase,
        cur: crate::domain::money::Currency,
        channel: &str,
    ) -> EngineResult<()> {
        let provider = self.engine.cfg.wallet.provider.clone();
        let purchase = Purchase {
            id: 0,
            account: account.clone(),
            user: user.id.clone(),
            provider: provider.clone(),
            credits: p.credits,
            value: p.value,
            total: p.total,
            fee: p.fee,
            currency: cur,
            status: PurchaseStatus::Pending,
            provider_ref: None,
            url: None,
            created_at: self.now,
            expires_at: self.now + Duration::hours(DEFAULT_PAGE_LIFE_HOURS),
            charge: None,
            off_session: false,
        };
        let id = self.tx.insert_purchase(&purchase).await?;
        let reference = crate::app::ports::purchase_reference(id);
        self.audit(
            user.id.as_str(),
            None,
            AuditAction::WalletPurchaseStarted,
            format!(
                "{account}: {} credits for {} {cur} through {provider} ({reference}); nothing credited until paid",
                p.credits,
                cur.format(p.total)
            ),
            None,
        )
        .await?;
        self.say(
            channel,
            Some(&user.id),
            None,
            format!(
                "To buy {} {} ({} {cur} plus a {} {cur} platform fee: {} {cur}) you pay on {}'s own payment page; I never take card numbers. \
                 I am sending you the link in a private message. Your wallet is credited {} {cur} once {} confirms the payment.",
                p.credits,
                credits_word(p.credits),
                cur.format(p.cost),
                cur.format(p.fee),
                cur.format(p.total),
                display(&provider),
                cur.format(p.value),
                display(&provider),
            ),
        )
        .await?;
        Ok(())
    }

    /// What the provider said about a purchase, applied: paid credits once (also after the
    /// bot closed it as expired: the money was taken), expired or failed closes a pending
    /// one and says so; anything else changes nothing.
    pub(crate) async fn settle_purchase(
        &mut self,
        purchase: &Purchase,
        state: &PurchaseState,
        via: &str,
    ) -> EngineResult<WebhookOutcome> {
        let cur = purchase.currency;
        let reference = purchase.reference();
        match state {
            PurchaseState::Paid { payment_ref, taken, saved } => {
                if let Some(saved) = saved {
                    self.save_method(purchase, saved).await?;
                }
                if purchase.status == PurchaseStatus::Paid {
                    return Ok(WebhookOutcome::Ignored);
                }
                // Credited only for exactly what the purchase asked: the provider's word on
                // the amount and currency taken must match the total.
                match taken {
                    Some(t) if t.amount == purchase.total && t.currency == cur.code() => {}
                    other => return self.purchase_amount_mismatch(purchase, payment_ref, other.as_ref(), via).await,
                }
                let charge_id = if payment_ref.is_empty() {
                    ChargeId::new(reference.clone())
                } else {
                    ChargeId::new(payment_ref.clone())
                };
                let late = purchase.status != PurchaseStatus::Pending;
                self.tx
                    .put_charge(&Charge {
                        id: charge_id.clone(),
                        account: purchase.account.clone(),
                        amount: purchase.total,
                        currency: cur,
                        at: self.now,
                        method: PaymentMethod::Card,
                        card_last4: None,
                        kind: ChargeKind::Credits,
                        description: format!("{} credits", purchase.credits),
                        fee: purchase.fee,
                        wallet_selected: false,
                        disputed: false,
                        provider: purchase.provider.clone(),
                    })
                    .await?;
                // The one winner: pending (or closed unpaid) → paid, in this transaction.
                let from = [PurchaseStatus::Pending, PurchaseStatus::Expired, PurchaseStatus::Failed];
                if !self.tx.move_purchase(purchase.id, &from, PurchaseStatus::Paid, Some(&charge_id)).await? {
                    // Moved by someone else since it was read (it is read locked, so this
                    // is not expected): run the whole transaction again on fresh data.
                    return Err(crate::app::ports::StoreError::Conflict(
                        "the purchase changed while it was being paid".into(),
                    )
                    .into());
                }
                self.tx.put_credit_purchase(&charge_id, purchase.value, "wallet_buy").await?;
                self.tx
                    .add_wallet_entry(&WalletEntry {
                        account: purchase.account.clone(),
                        currency: cur,
                        amount: purchase.value,
                        kind: EntryKind::Purchase,
                        actor: purchase.user.to_string(),
                        reason: format!("{} credits, charge {charge_id}", purchase.credits),
                        at: self.now,
                    })
                    .await?;
                let balance = self.tx.wallet_balance(&purchase.account, cur).await?;
                self.tx
                    .push(Action::Wallet {
                        account: purchase.account.to_string(),
                        balance: cur.format(balance),
                        currency: cur.to_string(),
                        reason: "purchase".into(),
                    })
                    .await?;
                self.audit(
                    "system",
                    None,
                    if late { AuditAction::WalletPurchasePaidLate } else { AuditAction::WalletPurchase },
                    format!(
                        "{}: {} credits, +{} {cur}, charge {charge_id} of {} {cur} ({reference}, {} {via}{})",
                        purchase.account,
                        purchase.credits,
                        cur.format(purchase.value),
                        cur.format(purchase.total),
                        purchase.provider,
                        if late {
                            format!("; it was {} — the payment came after", purchase.status.as_str())
                        } else {
                            String::new()
                        }
                    ),
                    None,
                )
                .await?;
                let text = format!(
                    "{}Payment received: {} {} bought, {} {cur} added to your wallet; your card was charged {} {cur} (charge {charge_id}). Your balance is now {} {cur}.",
                    if late { "Your payment arrived after the link had expired, and it was taken, so it counts. " } else { "" },
                    purchase.credits,
                    credits_word(purchase.credits),
                    cur.format(purchase.value),
                    cur.format(purchase.total),
                    cur.format(balance)
                );
                self.say("dm", Some(&purchase.user), None, text).await?;
                Ok(WebhookOutcome::Applied)
            }
            PurchaseState::Expired | PurchaseState::Failed(_) => {
                let (to, action, words) = match state {
                    PurchaseState::Failed(why) => (
                        PurchaseStatus::Failed,
                        AuditAction::WalletPurchaseFailed,
                        format!("the payment did not go through ({why})"),
                    ),
                    _ => (
                        PurchaseStatus::Expired,
                        AuditAction::WalletPurchaseExpired,
                        "the payment link expired before it was paid".to_string(),
                    ),
                };
                if !self.tx.move_purchase(purchase.id, &[PurchaseStatus::Pending], to, None).await? {
                    return Ok(WebhookOutcome::Ignored);
                }
                self.audit(
                    "system",
                    None,
                    action,
                    format!(
                        "{}: {} credits ({reference}, {} {via}): {words}; nothing credited",
                        purchase.account, purchase.credits, purchase.provider
                    ),
                    None,
                )
                .await?;
                let text = if purchase.off_session {
                    format!(
                        "Auto-recharge could not charge your saved card for {} {}: {words}. Nothing was charged and nothing was added to your wallet. \
                         Buy credits with /wallet buy {} and pay on {}'s page.",
                        purchase.credits,
                        credits_word(purchase.credits),
                        purchase.credits,
                        display(&purchase.provider)
                    )
                } else {
                    format!(
                        "Your purchase of {} {} was not completed: {words}. Nothing was charged and nothing was added to your wallet. Buy again with /wallet buy {}.",
                        purchase.credits,
                        credits_word(purchase.credits),
                        purchase.credits
                    )
                };
                self.say("dm", Some(&purchase.user), None, text).await?;
                Ok(WebhookOutcome::Applied)
            }
            PurchaseState::Open | PurchaseState::Approved => Ok(WebhookOutcome::Ignored),
        }
    }

    /// Keeps the payment method the provider saved with a purchase, for auto-recharge.
    async fn save_method(&mut self, purchase: &Purchase, saved: &SavedMethod) -> EngineResult<()> {
        if self.tx.saved_method(&purchase.account, &purchase.provider).await?.as_ref() == Some(saved) {
            return Ok(());
        }
        self.tx.save_method(&purchase.account, &purchase.provider, saved, self.now).await?;
        self.audit(
            "system",
            None,
            AuditAction::WalletPaymentMethodSaved,
            format!(
                "{}: {} customer {}, payment method {} kept for auto-recharge ({})",
                purchase.account,
                display(&purchase.provider),
                saved.customer,
                saved.payment_method,
                purchase.reference()
            ),
            None,
        )
        .await
    }

    /// Auto-recharge through a provider that charges a saved payment method: a pending
    /// off-session purchase (charged after the commit, `Engine::start_purchase`), unless one
    /// is already pending or no method is saved. Returns what to tell the customer.
    pub(crate) async fn start_recharge(
        &mut self,
        user: Option<&crate::domain::ids::UserId>,
        account: &AccountId,
        p: &CreditPurchase,
        cur: crate::domain::money::Currency,
        below: &str,
    ) -> EngineResult<String> {
        let provider = self.engine.cfg.wallet.provider.clone();
        let name = display(&provider).to_string();
        let can = self.engine.connectors.get(&provider).is_some_and(|c| c.off_session());
        if !can {
            return Ok(format!(
                "Auto-recharge is on for {account}, but paydesk cannot charge a saved card through {name}, so nothing was charged and no credits were bought. \
                 Buy credits with /wallet buy <credits>."
            ));
        }
        let saved = self.tx.saved_method(account, &provider).await?;
        let Some(saved) = saved else {
            return Ok(format!(
                "Auto-recharge is on for {account}, but there is no card saved with {name} to charge, so nothing was charged and no credits were bought. \
                 Buy credits once with /wallet buy <credits> and pay on {name}'s page: the card is then saved for auto-recharge."
            ));
        };
        if self.tx.recharge_pending(account).await? {
            return Ok(format!(
                "Your wallet is below {below} {cur}; the auto-recharge already under way will add the credits once {name} confirms the payment."
            ));
        }
        let Some(user) = user.cloned() else {
            return Ok(format!(
                "Auto-recharge is on for {account}, but nobody is linked to the account to tell about the charge, so nothing was charged."
            ));
        };
        let purchase = Purchase {
            id: 0,
            account: account.clone(),
            user,
            provider: provider.clone(),
            credits: p.credits,
            value: p.value,
            total: p.total,
            fee: p.fee,
            currency: cur,
            status: PurchaseStatus::Pending,
            provider_ref: None,
            url: None,
            created_at: self.now,
            // Stripe keeps an idempotency key 24 hours: retries and the last look at
            // expiry stay well inside it.
            expires_at: self.now + Duration::hours(RECHARGE_LIFE_HOURS),
            charge: None,
            off_session: true,
        };
        let id = self.tx.insert_purchase(&purchase).await?;
        let reference = crate::app::ports::purchase_reference(id);
        self.audit(
            "system",
            None,
            AuditAction::WalletRechargeStarted,
            format!(
                "{account}: {} credits for {} {cur} on the saved {name} payment method {} ({reference})",
                p.credits,
                cur.format(p.total),
                saved.payment_method
            ),
            None,
        )
        .await?;
        Ok(format!(
            "Your wallet fell below {below} {cur}, so auto-recharge is charging your saved card {} {cur} for {} {} ({} {cur} plus a {} {cur} platform fee). \
             {} {cur} is added to your wallet once {name} confirms the payment.",
            cur.format(p.total),
            p.credits,
            credits_word(p.credits),
            cur.format(p.cost),
            cur.format(p.fee),
            cur.format(p.value),
        ))
    }

    /// The provider took another amount or currency than the purchase asked (or named
    /// none): nothing is credited, the purchase is closed, the leads get an escalated case
    /// with what is known and the customer is told in plain words. Once per purchase.
    async fn purchase_amount_mismatch(
        &mut self,
        purchase: &Purchase,
        payment_ref: &str,
        taken: Option<&Taken>,
        via: &str,
    ) -> EngineResult<WebhookOutcome> {
        let cur = purchase.currency;
        let reference = purchase.reference();
        if !self
            .tx
            .first_webhook(&purchase.provider, &format!("amount-mismatch:{reference}"), "purchase", self.now)
            .await?
        {
            return Ok(WebhookOutcome::Ignored);
        }
        self.tx
            .move_purchase(
                purchase.id,
                &[PurchaseStatus::Pending, PurchaseStatus::Expired],
                PurchaseStatus::Failed,
                None,
            )
            .await?;
        let said = match taken {
            Some(t) => format!("{} {}", t.amount.normalize(), t.currency),
            None => "no amount paydesk can read".to_string(),
        };
        let number = self.tx.next_case_number().await?;
        let case = Case {
            number,
            customer: purchase.user.clone(),
            account: Some(purchase.account.clone()),
            charge: None,
            intent: Intent::WrongAmount,
            status: CaseStatus::Escalated,
            channel: "dm".into(),
            opened_at: self.now,
            updated_at: self.now,
        };
        self.tx.insert_case(&case).await?;
        self.push_ticket(&case).await?;
        let what = format!(
            "{}: {} reports {said} taken for {reference} (payment {}), but the purchase of {} {} asked {} {cur}; nothing was credited",
            purchase.account,
            display(&purchase.provider),
            if payment_ref.is_empty() { "unnamed" } else { payment_ref },
            purchase.credits,
            credits_word(purchase.credits),
            cur.format(purchase.total),
        );
        self.audit("system", Some(number), AuditAction::WalletPurchaseAmountMismatch, format!("{what} ({via})"), None)
            .await?;
        let approvals = self.engine.cfg.approvals_channel.clone();
        self.say(
            &approvals,
            None,
            Some(number),
            format!(
                "{what}. Check the payment at {} and refund it or credit the wallet by hand ({number}).",
                display(&purchase.provider)
            ),
        )
        .await?;
        let text = format!(
            "Your payment for {} {} came through as {said}, but the purchase was for {} {cur}, so nothing was added to your wallet. \
             Our staff have been told and will refund the payment or add the credits ({number}); please do not pay again.",
            purchase.credits,
            credits_word(purchase.credits),
            cur.format(purchase.total),
        );
        self.say("dm", Some(&purchase.user), Some(number), text).await?;
        Ok(WebhookOutcome::Applied)
    }
}

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
                    w.audit("system", None, AuditAction::WalletPurchaseLink, format!("{} ({}): {} page {}", p.account, p.reference(), p.provider, link.provider_ref), None)
                        .await?;
                    let text = format!(
                        "Pay {} {cur} for {} {} on {}'s page: {} — the link works until {} UTC. Your wallet is credited once {} confirms the payment; nothing is charged if you do not pay.",
                        cur.format(p.total),
                        p.credits,
                        credits_word(p.credits),
                        display(&p.provider),
                        link.url,
                        expires.format("%Y-%m-%d %H:%M"),
                        display(&p.provider)
                    );
                    w.say("dm", Some(&p.user), None, text).await?;
                    w.commit().await
                })
                .await
            }
            Err(crate::app::ports::ConnectorError::Permanent(why)) => {
                let why = &no_nul(&why);
                self.retrying(|| async move {
                    let mut w = self.work(now).await?;
                    let Some(p) = w.tx.purchase(id).await? else { return w.commit().await };
                    w.settle_purchase(
                        &p,
                        &PurchaseState::Failed(format!("the payment page could not be made: {why}")),
                        "start",
                    )
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
                Err(ConnectorError::Permanent(why)) => PurchaseState::Failed(why),
                Err(e) if via == "charge" => {
                    tracing::warn!(purchase = p.id, error = %e, "auto-recharge answer lost; asked again with the same key");
                    return Ok(());
                }
                Err(e) => {
                    PurchaseState::Failed(format!("{} gave no answer about the charge ({e})", display(&p.provider)))
                }
            },
            _ => PurchaseState::Failed("no saved payment method".into()),
        };
        let state = match state {
            PurchaseState::Open | PurchaseState::Approved if via != "charge" => {
                PurchaseState::Failed(format!("{} did not confirm the charge in time", display(&p.provider)))
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
            (None, _) => {
                PurchaseState::Failed(format!("{} could not make the payment page in time", display(&p.provider)))
            }
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
    async fn capture_approved(&self, p: &Purchase, provider_ref: &str) -> Option<PurchaseState> {
        let c = self.connectors.get(&p.provider)?;
        let call = self.purchase_call(p);
        match c.capture_purchase(&call, provider_ref).await {
            Ok(PurchaseState::Approved) => None,
            Ok(s) => Some(s),
            Err(ConnectorError::Permanent(why)) => {
                Some(PurchaseState::Failed(format!("the payment could not be taken: {why}")))
            }
            Err(e) => {
                tracing::warn!(purchase = p.id, error = %e, "capture answer lost; asking about the order");
                match c.purchase_status(&call, provider_ref).await {
                    Ok(PurchaseState::Approved) | Err(_) => None,
                    Ok(s) => Some(s),
                }
            }
        }
    }

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
        PurchaseState::Failed(why) => PurchaseState::Failed(no_nul(why)),
        s => s.clone(),
    }
}
