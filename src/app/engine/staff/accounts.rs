//! Accounts and wallets by command: `/link` and `/unlink`, `/wallet` (a balance),
//! `/wallet credit` (goodwill, a second lead's approval above `goodwill_two_lead_above`)
//! and `/wallet buy`.

use super::super::work::Work;
use super::super::EngineResult;
use crate::app::action::Action;
use crate::app::command;
use crate::app::l10n::{self, Msg};
use crate::app::ports::User;
use crate::domain::approvals::{expiry, GoodwillRequest, GoodwillStatus};
use crate::domain::audit::AuditAction;
use crate::domain::billing::{EntryKind, WalletEntry};
use crate::domain::ids::{AccountId, UserId};
use crate::domain::money::Currency;
use crate::domain::permissions::Act;
use rust_decimal::Decimal;

impl Work<'_> {
    /// `/unlink`: the user no longer speaks for their account; its cases stay with it.
    pub(super) async fn unlink(&mut self, user: &User, target: &UserId, channel: &str) -> EngineResult<()> {
        let Some(mut u) = self.tx.user(target).await?.filter(|u| u.account.is_some()) else {
            self.say(channel, Some(&user.id), None, format!("{target} is not linked to an account.")).await?;
            return Ok(());
        };
        let was = u.account.take().map(|a| a.to_string()).unwrap_or_default();
        self.tx.put_user(&u).await?;
        self.audit(user.id.as_str(), None, AuditAction::UserUnlinked, format!("{target} -x- {was}"), None).await?;
        self.say(
            channel,
            Some(&user.id),
            None,
            format!("{target} is no longer linked to account {was}; their cases stay with the account."),
        )
        .await?;
        Ok(())
    }

    /// `/link`: the user speaks for the account from now on, and the cases they opened
    /// before being linked move to it.
    pub(super) async fn link(
        &mut self,
        user: &User,
        target: &UserId,
        account: &AccountId,
        channel: &str,
    ) -> EngineResult<()> {
        if self.tx.account(account).await?.is_none() {
            self.say(channel, Some(&user.id), None, format!("There is no account {account}.")).await?;
            return Ok(());
        }
        let mut u = self.tx.user(target).await?.unwrap_or(User {
            id: target.clone(),
            roles: crate::domain::roles::Roles::CUSTOMER,
            account: None,
        });
        u.account = Some(account.clone());
        self.tx.put_user(&u).await?;
        self.audit(user.id.as_str(), None, AuditAction::UserLinked, format!("{target} -> {account}"), None).await?;
        self.say(channel, Some(&user.id), None, format!("Linked {target} to account {account}.")).await?;
        // Cases the user opened before being linked now belong to the account.
        for mut c in self.tx.open_cases_of(target).await? {
            if c.account.is_none() {
                c.account = Some(account.clone());
                c.updated_at = self.now;
                self.tx.update_case(&c).await?;
                self.push_ticket(&c).await?;
                let linked =
                    Msg::new("linked-now").with("account", account.to_string()).with("case", c.number.to_string());
                self.tell_customer(&c, linked).await?;
            }
        }
        Ok(())
    }

    /// `/wallet [account]`: a balance — one's own, or (staff) an account's.
    pub(super) async fn show_wallet(
        &mut self,
        user: &User,
        account: Option<AccountId>,
        channel: &str,
    ) -> EngineResult<()> {
        if let Some(a) = &account {
            if !self.authorize(user, Act::ViewWallet, Some(a), channel).await? {
                return Ok(());
            }
        }
        let target = account.or_else(|| user.account.clone());
        let text = match target {
            Some(a) if self.tx.account(&a).await?.is_some() => self.balance_msg(&a).await?,
            Some(a) => Msg::new("no-such-account").with("account", a.to_string()),
            None => Msg::new("wallet-no-account").with("usage", l10n::usage(command::UsageOf::Wallet)),
        };
        self.answer_command(user, channel, None, text).await
    }

    /// `/wallet credit`: a goodwill credit in the account's currency and minor unit,
    /// credited at once up to `goodwill_two_lead_above`, else asked of a second lead.
    pub(super) async fn wallet_credit(
        &mut self,
        user: &User,
        account: &AccountId,
        (amount, currency): (Decimal, Option<Currency>),
        reason: String,
        channel: &str,
    ) -> EngineResult<()> {
        let Some(acct) = self.tx.account(account).await? else {
            self.say(channel, Some(&user.id), None, format!("There is no account {account}.")).await?;
            return Ok(());
        };
        if !self.authorize(user, Act::CreditGoodwill, Some(&acct.id), channel).await? {
            return Ok(());
        }
        let cur = acct.currency;
        if let Some(asked) = currency.filter(|c| *c != cur) {
            let text =
                format!("The wallet of {} is in {cur}: a goodwill credit in {asked} cannot be added to it. Nothing was credited.", acct.id);
            self.say(channel, Some(&user.id), None, text).await?;
            return Ok(());
        }
        if !cur.is_whole_minor(amount) {
            let text = format!(
                "{amount} is finer than the smallest unit of {cur} ({} decimals). Nothing was credited.",
                cur.minor_digits()
            );
            self.say(channel, Some(&user.id), None, text).await?;
            return Ok(());
        }
        let limit = match self.policy_in(cur) {
            Ok(p) => p.goodwill_two_lead_above,
            Err(why) => {
                self.say(channel, Some(&user.id), None, format!("Nothing was credited: {why}.")).await?;
                return Ok(());
            }
        };
        if amount > limit {
            self.request_goodwill(user, &acct.id, cur, amount, reason, channel).await
        } else {
            self.credit_goodwill(&user.id, None, &acct.id, cur, amount, &reason, channel).await
        }
    }

    /// `/wallet buy`: credits for the account linked to the customer.
    pub(super) async fn wallet_buy(&mut self, user: &User, credits: u32, channel: &str) -> EngineResult<()> {
        match user.account.clone() {
            Some(a) => self.buy_credits(user, &a, credits, channel).await,
            None => self.answer_command(user, channel, None, Msg::new("wallet-buy-no-account")).await,
        }
    }

    /// A goodwill credit: the wallet entry, the `wallet` line, the audit record, and
    /// the requester and the account's users told. `second` is the lead who approved it
    /// when it needed a second one.
    #[allow(clippy::too_many_arguments)]
    pub async fn credit_goodwill(
        &mut self,
        by: &UserId,
        second: Option<&UserId>,
        account: &AccountId,
        cur: Currency,
        amount: Decimal,
        reason: &str,
        channel: &str,
    ) -> EngineResult<()> {
        self.tx
            .add_wallet_entry(&WalletEntry {
                account: account.clone(),
                currency: cur,
                amount,
                kind: EntryKind::Goodwill,
                actor: by.to_string(),
                reason: reason.to_string(),
                at: self.now,
            })
            .await?;
        let balance = self.tx.wallet_balance(account, cur).await?;
        self.tx
            .push(Action::Wallet {
                account: account.to_string(),
                balance: cur.format(balance),
                currency: cur.to_string(),
                reason: "goodwill".into(),
            })
            .await?;
        let approved = second.map(|s| format!(", approved by {s}")).unwrap_or_default();
        let actor = second.unwrap_or(by);
        self.audit(
            actor.as_str(),
            None,
            AuditAction::WalletGoodwill,
            format!("{account}: +{} {cur} by {by}{approved}: {reason}", cur.format(amount)),
            None,
        )
        .await?;
        self.say(
            channel,
            Some(by),
            None,
            format!(
                "Credited {} {cur} of goodwill to {account}{approved}; the balance is now {} {cur}.",
                cur.format(amount),
                cur.format(balance)
            ),
        )
        .await?;
        let told = Msg::new("goodwill-credited")
            .with("amount", format!("{} {cur}", cur.format(amount)))
            .with("reason", reason)
            .with("balance", format!("{} {cur}", cur.format(balance)));
        for u in self.tx.users_of_account(account).await? {
            if u.id != *by {
                self.say_to("dm", &u.id, None, told.clone()).await?;
            }
        }
        Ok(())
    }

    /// A goodwill credit above `goodwill_two_lead_above`: posted to the approvals channel
    /// for a second lead's ✅ (or ❌); nothing is credited yet.
    async fn request_goodwill(
        &mut self,
        user: &User,
        account: &AccountId,
        cur: Currency,
        amount: Decimal,
        reason: String,
        channel: &str,
    ) -> EngineResult<()> {
        let policy = self.engine.cfg.policy.in_currency(cur).unwrap_or_else(|_| self.engine.cfg.policy.clone());
        let mut g = GoodwillRequest {
            id: 0,
            account: account.clone(),
            currency: cur,
            amount,
            reason,
            requested_by: user.id.clone(),
            requested_at: self.now,
            expires_at: expiry(self.now, &policy),
            status: GoodwillStatus::Pending,
            message_ref: None,
            decided_by: None,
        };
        g.id = self.tx.insert_goodwill(&g).await?;
        let money = format!("{} {cur}", cur.format(amount));
        let limit = format!("{} {cur}", cur.format(policy.goodwill_two_lead_above));
        let approvals = self.engine.cfg.approvals_channel.clone();
        let text = format!(
            "Goodwill credit of {money} to {account} requested by {} ({}). It is above {limit}, so a second lead must approve: react ✅ to credit it or ❌ to refuse, within {} hours.",
            user.id, g.reason, policy.approval_expiry_hours
        );
        g.message_ref = self.say(&approvals, None, None, text).await?;
        self.tx.update_goodwill(&g).await?;
        self.audit(
            user.id.as_str(),
            None,
            AuditAction::WalletGoodwillRequested,
            format!("{account}: {money}: {}", g.reason),
            None,
        )
        .await?;
        let at = g.message_ref.as_ref().map(|r| format!(" (message {r})")).unwrap_or_default();
        self.say(
            channel,
            Some(&user.id),
            None,
            format!("A goodwill credit of {money} is above {limit}: it waits for a second lead's approval{at}. Nothing is credited yet."),
        )
        .await?;
        Ok(())
    }
}
