//! Commands (the grammar of `transcript.md`): role checks, then the action.
//! Here: parsing and the permission table, then each command's use case: `accounts.rs`
//! (`/link`, `/unlink`, `/wallet`, goodwill credits), `refund_request.rs` (`/refund`),
//! `cases.rs` (`/approve`, `/reject`, `/reply`, `/queue`, `/ticket`).

mod accounts;
mod cases;
mod refund_request;

use super::work::Work;
use super::EngineResult;
use crate::app::command::{self, Command};
use crate::app::l10n::{self, Msg};
use crate::app::ports::User;
use crate::domain::approvals::{RefundStatus, Vote};
use crate::domain::audit::AuditAction;
use crate::domain::ids::{AccountId, RefundId};
use crate::domain::money::Currency;
use crate::domain::permissions::{self, Act, Whose};
use crate::domain::policy::UnconfiguredCurrency;
use rust_decimal::Decimal;

impl Work<'_> {
    /// A command (`/…` or `!…`): parsed, allowed by role, then handed to its use case.
    pub async fn command(&mut self, user: &User, text: &str, channel: &str) -> EngineResult<()> {
        let cmd = match command::parse(text) {
            Ok(Some(c)) => c,
            Ok(None) => return Ok(()),
            Err(e) => {
                self.answer_command(user, channel, None, l10n::command_error(&e)).await?;
                return Ok(());
            }
        };
        // The permission table, by role first; the account is checked once it is known.
        if !self.authorize(user, act_of(&cmd), None, channel).await? {
            return Ok(());
        }
        match cmd {
            Command::Help => self.answer_command(user, channel, None, help_for(user.roles)).await?,
            Command::Unlink(target) => self.unlink(user, &target, channel).await?,
            Command::Refund { target, amount, is_override, reason } => {
                self.request_refund(user, target, amount, is_override, reason, channel).await?
            }
            Command::Approve(req) => self.vote_by_command(user, req, Vote::Approve, channel).await?,
            Command::Reject(req, _) => self.vote_by_command(user, req, Vote::Reject, channel).await?,
            Command::Reply(n, text) => self.reply(user, n, &text, channel).await?,
            Command::Queue => {
                let text = self.queue_words().await?;
                self.say(channel, Some(&user.id), None, text).await?;
            }
            Command::Wallet(account) => self.show_wallet(user, account, channel).await?,
            Command::WalletCredit { account, amount, reason } => {
                self.wallet_credit(user, &account, amount, reason, channel).await?
            }
            Command::WalletBuy(credits) => self.wallet_buy(user, credits, channel).await?,
            Command::TicketShow(n) => self.show_ticket(user, n, channel).await?,
            Command::TicketAction(action, n, note) => self.case_action(user, action, n, &note, channel).await?,
            Command::Link(target, account) => self.link(user, &target, &account, channel).await?,
        }
        Ok(())
    }

    /// The policy with `cur`'s money settings; `Err` says why there are none.
    pub fn policy_in(&self, cur: Currency) -> Result<crate::domain::policy::Policy, UnconfiguredCurrency> {
        self.engine.cfg.policy.in_currency(cur)
    }

    /// What a charge has refunded, being paid, held or waiting for approval, besides
    /// the refund `except`.
    pub async fn on_charge(
        &mut self,
        charge: &crate::domain::ids::ChargeId,
        except: Option<RefundId>,
    ) -> EngineResult<Decimal> {
        let reserved: Vec<RefundStatus> = RefundStatus::ALL.into_iter().filter(|s| s.reserves_money()).collect();
        let all = self.tx.refunded_sum(charge, &reserved).await?;
        let mine = match except {
            Some(id) => {
                self.tx.refund(id).await?.filter(|r| r.status.reserves_money()).map(|r| r.amount).unwrap_or_default()
            }
            None => Decimal::ZERO,
        };
        Ok(all - mine)
    }

    /// The permission table's answer for `act` (on `account`, or by role alone when
    /// `None`); a denial is told to the person and audited.
    pub async fn authorize(
        &mut self,
        user: &User,
        act: Act,
        account: Option<&AccountId>,
        channel: &str,
    ) -> EngineResult<bool> {
        let verdict = match account {
            None => permissions::check_role(user.roles, act),
            Some(a) => {
                let whose = if user.account.as_ref() == Some(a) { Whose::Own } else { Whose::Other };
                permissions::check(user.roles, act, whose)
            }
        };
        let Err(denial) = verdict else { return Ok(true) };
        let why = denial.to_string();
        let told = self.words_for(user, &l10n::denial(denial)).await?;
        self.deny(&user.id, channel, told).await?;
        let on = account.map(|a| format!(" (account {a})")).unwrap_or_default();
        self.audit(user.id.as_str(), None, AuditAction::AccessDenied, format!("{}{on}: {why}", user.id), None).await?;
        Ok(false)
    }
}

/// The permission-table action a command asks for.
fn act_of(cmd: &Command) -> Act {
    match cmd {
        Command::Refund { is_override: true, .. } => Act::OverridePolicy,
        Command::Refund { .. } => Act::RequestRefund,
        Command::Approve(_) => Act::ApproveRefund,
        Command::Reject(..) => Act::RejectRefund,
        Command::Reply(..) => Act::ReplyToCustomer,
        Command::Queue => Act::SeeQueue,
        Command::Wallet(_) => Act::ViewWallet,
        Command::WalletCredit { .. } => Act::CreditGoodwill,
        Command::WalletBuy(_) => Act::BuyCredits,
        Command::TicketShow(_) => Act::ViewCase,
        Command::TicketAction(..) => Act::ChangeCase,
        Command::Link(..) | Command::Unlink(_) => Act::LinkUser,
        Command::Help => Act::Help,
    }
}

/// `/help`: the commands this person's roles allow, one per line (what a customer may
/// type is a message, in their language; staff-only lines are the commands' own usage).
fn help_for(roles: crate::domain::roles::Roles) -> Msg {
    let lines: [(Act, Msg); 12] = [
        (Act::RequestRefund, Msg::verbatim(command::USAGE_REFUND)),
        (Act::ApproveRefund, Msg::verbatim(command::USAGE_APPROVE)),
        (Act::ViewWallet, Msg::new("help-view-wallet")),
        (Act::CreditGoodwill, Msg::verbatim("/wallet credit <account> <amount> <reason…>")),
        (Act::BuyCredits, Msg::new("help-buy-credits")),
        (Act::ViewCase, Msg::new("help-view-case")),
        (Act::ChangeCase, Msg::verbatim("/ticket close|escalate|reopen <case-id> [note…]  (the note stays internal)")),
        (Act::ReplyToCustomer, Msg::verbatim(command::USAGE_REPLY)),
        (Act::SeeQueue, Msg::verbatim(command::USAGE_QUEUE)),
        (Act::LinkUser, Msg::verbatim(command::USAGE_LINK)),
        (Act::OverridePolicy, Msg::verbatim("(leads) /refund <charge-id|case-id> <amount> override <reason…>: a policy override, two other leads approve")),
        (Act::Help, Msg::new("help-help")),
    ];
    let mine: Vec<Msg> =
        lines.into_iter().filter(|(act, _)| permissions::check_role(roles, *act).is_ok()).map(|(_, l)| l).collect();
    Msg::joined(vec![Msg::new("help-commands"), Msg::joined(mine, "\n")], "\n")
}
