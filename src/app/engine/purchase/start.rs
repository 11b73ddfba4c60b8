//! A purchase started: `/wallet buy` through a provider's hosted page, or an auto-recharge
//! on a saved card — pending, nothing credited; the page or the charge is made after the
//! commit (`timers.rs`).

use super::super::work::Work;
use super::super::EngineResult;
use super::{display, DEFAULT_PAGE_LIFE_HOURS, RECHARGE_LIFE_HOURS};
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
    /// is already pending or no method is saved. Returns what to tell the customer (in their
    /// language).
    pub(crate) async fn start_recharge(
        &mut self,
        user: Option<&crate::domain::ids::UserId>,
        account: &AccountId,
        p: &CreditPurchase,
        cur: crate::domain::money::Currency,
        below: &str,
    ) -> EngineResult<Msg> {
        let provider = self.engine.cfg.wallet.provider.clone();
        let name = display(&provider).to_string();
        let on = |id: &'static str| Msg::new(id).with("account", account.to_string()).with("provider", name.as_str());
        let can = self.engine.connectors.get(&provider).is_some_and(|c| c.off_session());
        if !can {
            return Ok(on("auto-recharge-cannot-charge"));
        }
        let saved = self.tx.saved_method(account, &provider).await?;
        let Some(saved) = saved else {
            return Ok(on("auto-recharge-no-card"));
        };
        if self.tx.recharge_pending(account).await? {
            let under_way = Msg::new("auto-recharge-under-way").with("below", format!("{below} {cur}"));
            return Ok(under_way.with("provider", name.as_str()));
        }
        let Some(user) = user.cloned() else {
            return Ok(on("auto-recharge-nobody-linked"));
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
        let money = |d: rust_decimal::Decimal| format!("{} {cur}", cur.format(d));
        Ok(Msg::new("auto-recharge-charging")
            .with("below", format!("{below} {cur}"))
            .with("total", money(p.total))
            .count("credits", u64::from(p.credits))
            .with("cost", money(p.cost))
            .with("fee", money(p.fee))
            .with("value", money(p.value))
            .with("provider", name.as_str()))
    }
}
