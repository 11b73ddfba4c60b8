//! What a provider said about a purchase, applied in the transaction of its event: paid is
//! credited once (pending → paid in one conditional update with the wallet entry), and only
//! for exactly the total asked (else an escalated case); expired or failed closes a
//! pending purchase. The customer is told either way.

use super::super::provider::WebhookOutcome;
use super::super::work::Work;
use super::super::EngineResult;
use super::{credits_word, display};
use crate::app::action::Action;
use crate::app::l10n::{self, Msg};
use crate::app::ports::{Purchase, PurchaseState, PurchaseStatus, SavedMethod, Taken};
use crate::domain::audit::AuditAction;
use crate::domain::billing::{Charge, ChargeKind, EntryKind, PaymentMethod, WalletEntry};
use crate::domain::ids::ChargeId;
use crate::domain::intent::Intent;
use crate::domain::tickets::{Case, CaseStatus};

impl Work<'_> {
    /// What the provider said about a purchase, applied: paid credits once (also after the
    /// bot closed it as expired: the money was taken), expired or failed closes a pending
    /// one and says so; anything else changes nothing.
    pub(crate) async fn settle_purchase(
        &mut self,
        purchase: &Purchase,
        state: &PurchaseState,
        via: &str,
    ) -> EngineResult<WebhookOutcome> {
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
                    Some(t) if t.amount == purchase.total && t.currency == purchase.currency.code() => {}
                    other => return self.purchase_amount_mismatch(purchase, payment_ref, other.as_ref(), via).await,
                }
                self.credit_paid_purchase(purchase, payment_ref, via).await
            }
            PurchaseState::Expired | PurchaseState::Failed(_) => self.close_unpaid_purchase(purchase, state, via).await,
            PurchaseState::Open | PurchaseState::Approved => Ok(WebhookOutcome::Ignored),
        }
    }

    /// Paid for exactly the total: booked once (`book_paid_purchase`), audited (late when
    /// the bot had closed it), and the customer told their new balance.
    async fn credit_paid_purchase(
        &mut self,
        purchase: &Purchase,
        payment_ref: &str,
        via: &str,
    ) -> EngineResult<WebhookOutcome> {
        let cur = purchase.currency;
        let reference = purchase.reference();
        let late = purchase.status != PurchaseStatus::Pending;
        let charge_id = self.book_paid_purchase(purchase, payment_ref).await?;
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
        let money = |d: rust_decimal::Decimal| format!("{} {cur}", cur.format(d));
        let paid = Msg::new("purchase-paid")
            .count("credits", u64::from(purchase.credits))
            .with("value", money(purchase.value))
            .with("total", money(purchase.total))
            .with("charge", charge_id.to_string())
            .with("balance", money(balance));
        let told = if late { Msg::joined(vec![Msg::new("purchase-paid-late"), paid], " ") } else { paid };
        self.say_to("dm", &purchase.user, None, told).await?;
        Ok(WebhookOutcome::Applied)
    }

    /// The purchase's charge stored, the purchase moved to paid and its value added to the
    /// wallet, all in this transaction; returns the charge's id.
    async fn book_paid_purchase(&mut self, purchase: &Purchase, payment_ref: &str) -> EngineResult<ChargeId> {
        let cur = purchase.currency;
        let charge_id = if payment_ref.is_empty() {
            ChargeId::new(purchase.reference())
        } else {
            ChargeId::new(payment_ref.to_string())
        };
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
            return Err(
                crate::app::ports::StoreError::Conflict("the purchase changed while it was being paid".into()).into()
            );
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
        Ok(charge_id)
    }

    /// Expired or failed: a pending purchase is closed (nothing credited), audited, and
    /// the customer told what to do; one already closed or paid changes nothing.
    async fn close_unpaid_purchase(
        &mut self,
        purchase: &Purchase,
        state: &PurchaseState,
        via: &str,
    ) -> EngineResult<WebhookOutcome> {
        let reference = purchase.reference();
        let (to, action, why) = match state {
            PurchaseState::Failed(reason) => (
                PurchaseStatus::Failed,
                AuditAction::WalletPurchaseFailed,
                Msg::new("purchase-why-failed").with("reason", l10n::payment_failure(reason)),
            ),
            _ => (PurchaseStatus::Expired, AuditAction::WalletPurchaseExpired, Msg::new("purchase-why-expired")),
        };
        let words = why.english();
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
        let credits = u64::from(purchase.credits);
        let told = if purchase.off_session {
            Msg::new("auto-recharge-not-charged")
                .count("credits", credits)
                .with("why", why)
                .with("provider", display(&purchase.provider))
        } else {
            Msg::new("purchase-not-completed").count("credits", credits).with("why", why)
        };
        self.say_to("dm", &purchase.user, None, told).await?;
        Ok(WebhookOutcome::Applied)
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
        let taken = match taken {
            Some(t) => Msg::verbatim(format!("{} {}", t.amount.normalize(), t.currency)),
            None => Msg::new("purchase-amount-unreadable"),
        };
        let said = taken.english();
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
        let told = Msg::new("purchase-amount-mismatch")
            .count("credits", u64::from(purchase.credits))
            .with("taken", taken)
            .with("total", format!("{} {cur}", cur.format(purchase.total)))
            .with("case", number.to_string());
        self.say_to("dm", &purchase.user, Some(number), told).await?;
        Ok(WebhookOutcome::Applied)
    }
}
