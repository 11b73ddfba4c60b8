//! The wallet by events: usage charged conversation by conversation (auto-recharge where
//! the account has it, the rest refused), and credits a customer buys with `/wallet buy`
//! in the sandbox (a real provider's hosted page: `purchase/`).

use super::work::Work;
use super::EngineResult;
use crate::app::action::Action;
use crate::app::l10n::{self, Msg};
use crate::app::ports::User;
use crate::domain::audit::AuditAction;
use crate::domain::billing::{
    plan_usage, price_credits, Account, Charge, ChargeKind, CreditPurchase, EntryKind, PaymentMethod, UsagePlan,
    WalletEntry,
};
use crate::domain::ids::{AccountId, ChargeId};
use rust_decimal::Decimal;

impl Work<'_> {
    /// Conversations used by an account: charged to its wallet as the plan says
    /// (`plan_usage`: auto-recharge when it runs low, the rest refused), and its users
    /// told of every recharge and refusal.
    pub async fn usage(&mut self, account_id: &AccountId, conversations: u64) -> EngineResult<()> {
        let Some(account) = self.tx.account(account_id).await? else {
            tracing::warn!(account = %account_id, "usage for an unknown account ignored");
            return Ok(());
        };
        let cur = account.currency;
        let policy = match self.engine.cfg.policy.in_currency(cur) {
            Ok(p) => p,
            Err(why) => {
                tracing::warn!(account = %account.id, "usage refused: {why}");
                return self
                    .audit(
                        "system",
                        None,
                        AuditAction::WalletUsageRefused,
                        format!("{}: {conversations} conversation(s): {why}", account.id),
                        None,
                    )
                    .await;
            }
        };
        let balance = self.tx.wallet_balance(&account.id, cur).await?;
        let mut plan = plan_usage(balance, conversations, cur, account.auto_recharge.as_ref(), &policy);
        let mut notices = Vec::new();
        if !plan.recharges.is_empty() && self.engine.cfg.wallet.provider != "sandbox" {
            // A real provider: the sandbox must not pretend to charge the card. The saved
            // payment method is charged off-session after this commits (one recharge at a
            // time, credited once the provider confirms); without one nothing is bought.
            // Either way the customer is told.
            let first = plan.recharges[0].clone();
            plan = plan_usage(balance, conversations, cur, None, &policy);
            notices.push(self.provider_recharge(&account, &first).await?);
        }
        let mut running = balance;
        let mut recharges = plan.recharges.iter();
        for (kind, amount) in &plan.entries {
            running += *amount;
            let recharge = if *kind == EntryKind::Purchase { recharges.next() } else { None };
            let detail = match recharge {
                Some(p) => {
                    let (detail, notice) = self.sandbox_recharge(&account, p, *amount, running).await?;
                    notices.push(notice);
                    detail
                }
                None => match kind {
                    EntryKind::Purchase => "auto-recharge".to_string(),
                    _ => format!("{} conversation(s)", (-*amount / policy.conversation_charge).normalize()),
                },
            };
            self.book_usage_entry(&account, *kind, *amount, running, &detail).await?;
        }
        // The customer is told of every auto-recharge: what was charged and why.
        if !notices.is_empty() {
            for u in self.tx.users_of_account(&account.id).await? {
                for notice in &notices {
                    self.say_to("dm", &u.id, None, notice.clone()).await?;
                }
            }
        }
        if plan.refused > 0 {
            self.usage_refused(&account, &plan).await?;
        }
        Ok(())
    }

    /// Auto-recharge through a real provider: the saved card charged after the commit
    /// (`start_recharge`); what the customer is told about it.
    async fn provider_recharge(&mut self, account: &Account, first: &CreditPurchase) -> EngineResult<Msg> {
        let cur = account.currency;
        let below = account.auto_recharge.as_ref().map(|a| cur.format(a.below)).unwrap_or_default();
        let user = self
            .tx
            .users_of_account(&account.id)
            .await?
            .into_iter()
            .find(|u| u.roles.has(crate::domain::roles::Role::Customer))
            .map(|u| u.id);
        self.start_recharge(user.as_ref(), &account.id, first, cur, &below).await
    }

    /// An auto-recharge in the sandbox: its card charge and credit purchase recorded;
    /// returns the wallet entry's detail and what the customer is told.
    async fn sandbox_recharge(
        &mut self,
        account: &Account,
        p: &CreditPurchase,
        amount: Decimal,
        running: Decimal,
    ) -> EngineResult<(String, Msg)> {
        let cur = account.currency;
        let id = self.tx.next_charge_id().await?;
        self.tx
            .put_charge(&credits_charge(&id, account, p, format!("{} credits (auto-recharge)", p.credits), self.now))
            .await?;
        self.tx.put_credit_purchase(&id, amount, "auto_recharge").await?;
        let detail = format!("auto-recharge: {} credits, charge {id} of {} {cur}", p.credits, cur.format(p.total));
        let below = account.auto_recharge.as_ref().map(|a| cur.format(a.below)).unwrap_or_default();
        let money = |d: Decimal| format!("{} {cur}", cur.format(d));
        let notice = Msg::new("auto-recharge-bought")
            .with("below", format!("{below} {cur}"))
            .count("credits", u64::from(p.credits))
            .with("total", money(p.total))
            .with("cost", money(p.cost))
            .with("fee", money(p.fee))
            .with("charge", id.to_string())
            .with("value", money(amount))
            .with("balance", money(running));
        Ok((detail, notice))
    }

    /// One entry of the usage plan: the wallet entry, its `wallet` line (`balance`: the
    /// balance after it) and its audit record.
    async fn book_usage_entry(
        &mut self,
        account: &Account,
        kind: EntryKind,
        amount: Decimal,
        balance: Decimal,
        detail: &str,
    ) -> EngineResult<()> {
        let cur = account.currency;
        let reason = match kind {
            EntryKind::Purchase => "auto_recharge",
            _ => "usage",
        };
        self.tx
            .add_wallet_entry(&WalletEntry {
                account: account.id.clone(),
                currency: cur,
                amount,
                kind,
                actor: "system".into(),
                reason: detail.to_string(),
                at: self.now,
            })
            .await?;
        self.tx
            .push(Action::Wallet {
                account: account.id.to_string(),
                balance: cur.format(balance),
                currency: cur.to_string(),
                reason: reason.into(),
            })
            .await?;
        self.audit(
            "system",
            None,
            AuditAction::wallet_entry(kind),
            format!("{}: {} {cur} ({detail})", account.id, cur.format(amount)),
            None,
        )
        .await
    }

    /// Conversations the balance could not pay for: refused, audited, the account's users
    /// told.
    async fn usage_refused(&mut self, account: &Account, plan: &UsagePlan) -> EngineResult<()> {
        let cur = account.currency;
        let refused = Msg::new("usage-refused")
            .count("conversations", plan.refused)
            .with("account", account.id.to_string())
            .with("balance", format!("{} {cur}", cur.format(plan.balance_after)));
        self.audit("system", None, AuditAction::WalletUsageRefused, refused.english(), None).await?;
        self.tx
            .push(Action::Wallet {
                account: account.id.to_string(),
                balance: cur.format(plan.balance_after),
                currency: cur.to_string(),
                reason: "usage_refused".into(),
            })
            .await?;
        for u in self.tx.users_of_account(&account.id).await? {
            self.say_to("dm", &u.id, None, refused.clone()).await?;
        }
        Ok(())
    }

    /// Credits bought by a customer for their own account.
    pub async fn buy_credits(
        &mut self,
        user: &User,
        account: &AccountId,
        credits: u32,
        channel: &str,
    ) -> EngineResult<()> {
        let Some(acct) = self.tx.account(account).await? else { return Ok(()) };
        let cur = acct.currency;
        let policy = match self.engine.cfg.policy.in_currency(cur) {
            Ok(p) => p,
            Err(why) => {
                let not_bought = Msg::new("credits-not-bought").with("why", l10n::unconfigured_currency(&why));
                return self.answer_command(user, channel, None, not_bought).await;
            }
        };
        let p = price_credits(credits, cur, &policy);
        if self.engine.cfg.wallet.provider != "sandbox" {
            // A real provider: its hosted page takes the payment; nothing is credited now.
            return self.start_hosted_purchase(user, &acct.id, &p, cur, channel).await;
        }
        let (id, balance) = self.book_sandbox_purchase(user, &acct, &p).await?;
        let money = |d: Decimal| format!("{} {cur}", cur.format(d));
        let bought = Msg::new("credits-bought")
            .count("credits", u64::from(credits))
            .with("value", money(p.value))
            .with("total", money(p.total))
            .with("cost", money(p.cost))
            .with("fee", money(p.fee))
            .with("charge", id.to_string())
            .with("balance", money(balance));
        self.say_to(channel, &user.id, None, bought).await?;
        Ok(())
    }

    /// A sandbox purchase (nobody is charged): the charge, the credit purchase, the
    /// wallet entry, its `wallet` line and audit record; returns the charge and the new
    /// balance.
    async fn book_sandbox_purchase(
        &mut self,
        user: &User,
        acct: &Account,
        p: &CreditPurchase,
    ) -> EngineResult<(ChargeId, Decimal)> {
        let cur = acct.currency;
        let credits = p.credits;
        let id = self.tx.next_charge_id().await?;
        self.tx.put_charge(&credits_charge(&id, acct, p, format!("{credits} credits"), self.now)).await?;
        self.tx.put_credit_purchase(&id, p.value, "wallet_buy").await?;
        self.tx
            .add_wallet_entry(&WalletEntry {
                account: acct.id.clone(),
                currency: cur,
                amount: p.value,
                kind: EntryKind::Purchase,
                actor: user.id.to_string(),
                reason: format!("{credits} credits, charge {id}"),
                at: self.now,
            })
            .await?;
        let balance = self.tx.wallet_balance(&acct.id, cur).await?;
        self.tx
            .push(Action::Wallet {
                account: acct.id.to_string(),
                balance: cur.format(balance),
                currency: cur.to_string(),
                reason: "purchase".into(),
            })
            .await?;
        self.audit(
            user.id.as_str(),
            None,
            AuditAction::WalletPurchase,
            format!(
                "{}: {credits} credits, +{} {cur}, charge {id} of {} {cur}",
                acct.id,
                cur.format(p.value),
                cur.format(p.total)
            ),
            None,
        )
        .await?;
        Ok((id, balance))
    }
}

/// The sandbox's card charge for credits (nobody is charged).
fn credits_charge(
    id: &ChargeId,
    account: &Account,
    p: &CreditPurchase,
    description: String,
    at: chrono::DateTime<chrono::Utc>,
) -> Charge {
    Charge {
        id: id.clone(),
        account: account.id.clone(),
        amount: p.total,
        currency: account.currency,
        at,
        method: PaymentMethod::Card,
        card_last4: None,
        kind: ChargeKind::Credits,
        description,
        fee: p.fee,
        wallet_selected: false,
        disputed: false,
        provider: "sandbox".into(),
    }
}
