//! A purchase started: `/wallet buy` through a provider's hosted page, or an auto-recharge
//! on a saved card — pending, nothing credited; the page or the charge is made after the
//! commit (`timers.rs`).

use super::super::work::Work;
use super::super::EngineResult;
use super::{credits_word, display, DEFAULT_PAGE_LIFE_HOURS, RECHARGE_LIFE_HOURS};
use crate::app::l10n::Msg;
use crate::app::ports::{Purchase, PurchaseStatus, User};
use crate::domain::audit::AuditAction;
use crate::domain::billing::CreditPurchase;
use crate::domain::ids::AccountId;
use chrono::Duration;

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
        let money = |d: rust_decimal::Decimal| format!("{} {cur}", cur.format(d));
        let pay_there = Msg::new("purchase-pay-on-page")
            .count("credits", u64::from(p.credits))
            .with("cost", money(p.cost))
            .with("fee", money(p.fee))
            .with("total", money(p.total))
            .with("provider", display(&provider))
            .with("value", money(p.value));
        self.answer_command(user, channel, None, pay_there).await?;
        Ok(())
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
}
