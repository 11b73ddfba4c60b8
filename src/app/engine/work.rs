//! One unit of work: a store transaction plus the helpers every handler uses to speak,
//! record and audit. Everything pushed here commits together.

use super::{Actor, Engine, EngineResult};
use crate::app::action::{Action, Destination};
use crate::app::ports::{StoreTx, User};
use crate::domain::approvals::{Refund, RefundStatus};
use crate::domain::audit::{AuditAction, AuditRecord};
use crate::domain::billing::{plan_usage, price_credits, Charge, ChargeKind, EntryKind, PaymentMethod, WalletEntry};
use crate::domain::ids::{AccountId, CaseNumber, UserId};
use crate::domain::roles::{Role, Roles};
use crate::domain::tickets::{Case, CaseStatus};
use chrono::{DateTime, Utc};

/// One unit of work. Its fields are the engine's own: handlers in `engine/` (one file per
/// use case: `customer.rs`, `staff.rs`, `approvals.rs`, `provider.rs`, `runner.rs`) reach
/// the store only through `tx`, inside this transaction.
pub(crate) struct Work<'e> {
    pub(super) tx: Box<dyn StoreTx>,
    pub(super) now: DateTime<Utc>,
    /// The engine this work runs in: its configuration, policy and connectors.
    pub(super) engine: &'e Engine,
}

impl<'e> Work<'e> {
    pub fn new(tx: Box<dyn StoreTx>, now: DateTime<Utc>, engine: &'e Engine) -> Work<'e> {
        Work { tx, now, engine }
    }

    pub async fn commit(self) -> EngineResult<()> {
        self.tx.commit().await?;
        Ok(())
    }

    // ---- speaking ----

    pub async fn say(
        &mut self,
        channel: &str,
        to: Option<&UserId>,
        case: Option<CaseNumber>,
        text: impl Into<String>,
    ) -> EngineResult<Option<String>> {
        let r = self
            .tx
            .push(Action::Say {
                message_ref: None,
                channel: Destination::parse(channel).resolve(&self.engine.cfg.approvals_channel),
                to: to.map(|u| u.to_string()),
                case: case.map(|c| c.to_string()),
                text: text.into(),
            })
            .await?;
        Ok(r)
    }

    pub async fn deny(&mut self, user: &UserId, channel: &str, reason: impl Into<String>) -> EngineResult<()> {
        let channel = Destination::parse(channel).resolve(&self.engine.cfg.approvals_channel);
        self.tx.push(Action::Denied { user: user.to_string(), reason: reason.into(), channel }).await?;
        Ok(())
    }

    pub async fn audit(
        &mut self,
        actor: &str,
        case: Option<CaseNumber>,
        action: AuditAction,
        detail: impl Into<String>,
        rule: Option<&str>,
    ) -> EngineResult<()> {
        self.tx
            .append_audit(&AuditRecord {
                at: self.now,
                actor: actor.to_string(),
                case: case.map(|c| c.to_string()),
                action: action.as_str().to_string(),
                detail: detail.into(),
                rule: rule.map(str::to_string),
            })
            .await?;
        Ok(())
    }

    pub async fn push_ticket(&mut self, case: &Case) -> EngineResult<()> {
        self.tx
            .push(Action::Ticket {
                case: case.number.to_string(),
                status: case.status.as_str().to_string(),
                intent: case.intent.as_str().to_string(),
                account: case.account.as_ref().map(|a| a.to_string()),
                charge: case.charge.as_ref().map(|c| c.to_string()),
            })
            .await?;
        Ok(())
    }

    pub async fn push_refund(&mut self, r: &Refund) -> EngineResult<()> {
        self.tx
            .push(Action::Refund {
                case: r.case.to_string(),
                charge: r.charge.to_string(),
                amount: r.currency.format(r.amount),
                currency: r.currency.to_string(),
                status: r.status.as_str().to_string(),
                approved_by: r.approved_by.iter().map(|u| u.to_string()).collect(),
                provider_ref: r.provider_ref.clone(),
                refund_id: r.id.0,
                message_ref: r.message_ref.clone(),
            })
            .await?;
        Ok(())
    }

    /// Tells the case's customer something about their case, where they wrote.
    pub async fn tell_customer(&mut self, case: &Case, text: impl Into<String>) -> EngineResult<()> {
        let to = case.customer.clone();
        self.say(&case.channel, Some(&to), Some(case.number), text).await?;
        Ok(())
    }

    /// Changes a case's status: stored, a `ticket` line, the customer told (Tickets 5),
    /// audited.
    pub async fn set_status(&mut self, case: &mut Case, status: CaseStatus, actor: &str, why: &str) -> EngineResult<()> {
        if case.status == status {
            return Ok(());
        }
        let from = case.status;
        case.status = status;
        case.updated_at = self.now;
        self.tx.update_case(case).await?;
        self.push_ticket(case).await?;
        let mut text = format!("Your case {} is now {}.", case.number, status.describe());
        if !why.is_empty() {
            text.push(' ');
            text.push_str(why);
        }
        self.tell_customer(case, text).await?;
        self.audit(
            actor,
            Some(case.number),
            AuditAction::CaseStatus,
            format!("{} -> {}{}", from.as_str(), status.as_str(), if why.is_empty() { String::new() } else { format!(": {why}") }),
            None,
        )
        .await
    }

    /// Sets a refund's status, stores it and writes its `refund` line.
    pub async fn set_refund_status(&mut self, r: &mut Refund, status: RefundStatus) -> EngineResult<()> {
        r.status = status;
        self.tx.update_refund(r).await?;
        self.push_refund(r).await
    }

    // ---- who is speaking ----

    /// The stored user, with roles as the surface reports them (Discord reads them on
    /// every event), or a new customer without account the first time they are met.
    pub async fn user(&mut self, actor: &Actor) -> EngineResult<User> {
        let stored = self.tx.user(&actor.id).await?;
        let user = match (stored, actor.roles) {
            (Some(mut u), Some(roles)) => {
                if u.roles != roles {
                    u.roles = roles;
                    self.tx.put_user(&u).await?;
                }
                u
            }
            (Some(u), None) => u,
            (None, roles) => {
                let u = User { id: actor.id.clone(), roles: roles.unwrap_or(Roles::CUSTOMER), account: None };
                self.tx.put_user(&u).await?;
                u
            }
        };
        Ok(user)
    }

    /// Stores a member's roles as the platform reports them now; audited when they change.
    pub async fn roles_changed(&mut self, actor: &Actor) -> EngineResult<()> {
        let before = self.tx.user(&actor.id).await?.map(|u| u.roles);
        let now = self.user(actor).await?.roles;
        if before.is_some_and(|b| b != now) {
            let was = before.map(|b| b.to_string()).unwrap_or_default();
            self.audit("system", None, AuditAction::UserRoles, format!("{}: {was} -> {now}", actor.id), None).await?;
        }
        Ok(())
    }

    // ---- events ----

    pub async fn message(&mut self, actor: &Actor, raw: &str, channel: &str) -> EngineResult<()> {
        // Tickets 7: a full card number is removed before anything is stored or echoed.
        let redacted = crate::nlu::redact_card_numbers(raw);
        let text = redacted.text.into_owned();
        let user = self.user(actor).await?;
        if redacted.card_numbers > 0 {
            self.say(
                channel,
                Some(&user.id),
                None,
                "Please never post a full card number in chat: I removed it from your message and did not keep it. \
                 The last four digits are all we ever need.",
            )
            .await?;
            self.audit(
                user.id.as_str(),
                None,
                AuditAction::MessageCardRedacted,
                format!("{} card number(s) removed from a message", redacted.card_numbers),
                None,
            )
            .await?;
        }
        if crate::app::command::is_command(&text) {
            return self.command(&user, &text, channel).await;
        }
        if !user.roles.has(Role::Customer) {
            // Staff talking among themselves in a support channel is not a request.
            let first = text.split_whitespace().next().unwrap_or_default().to_lowercase();
            const NAMES: [&str; 9] = ["refund", "approve", "reject", "wallet", "ticket", "link", "reply", "queue", "help"];
            if NAMES.contains(&first.as_str()) {
                self.say(channel, Some(&user.id), None, format!("Did you mean /{first}? Commands start with / or !; type /help for the list."))
                    .await?;
            } else if channel == "dm" {
                self.say(channel, Some(&user.id), None, "I read customer messages and staff commands; type /help for the commands.").await?;
            }
            return Ok(());
        }
        self.customer_message(&user, &text, redacted.last4.as_deref(), channel).await
    }

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
                    .audit("system", None, AuditAction::WalletUsageRefused, format!("{}: {conversations} conversation(s): {why}", account.id), None)
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
            let below = account.auto_recharge.as_ref().map(|a| cur.format(a.below)).unwrap_or_default();
            let user =
                self.tx.users_of_account(&account.id).await?.into_iter().find(|u| u.roles.has(crate::domain::roles::Role::Customer)).map(|u| u.id);
            notices.push(self.start_recharge(user.as_ref(), &account.id, &first, cur, &below).await?);
        }
        let mut running = balance;
        let mut recharges = plan.recharges.iter();
        for (kind, amount) in &plan.entries {
            running += *amount;
            let reason = match kind {
                EntryKind::Purchase => "auto_recharge",
                _ => "usage",
            };
            let mut detail = match kind {
                EntryKind::Purchase => "auto-recharge".to_string(),
                _ => format!("{} conversation(s)", (-*amount / policy.conversation_charge).normalize()),
            };
            if *kind == EntryKind::Purchase {
                if let Some(p) = recharges.next() {
                    let id = self.tx.next_charge_id().await?;
                    self.tx
                        .put_charge(&Charge {
                            id: id.clone(),
                            account: account.id.clone(),
                            amount: p.total,
                            currency: cur,
                            at: self.now,
                            method: PaymentMethod::Card,
                            card_last4: None,
                            kind: ChargeKind::Credits,
                            description: format!("{} credits (auto-recharge)", p.credits),
                            fee: p.fee,
                            wallet_selected: false,
                            disputed: false,
                            provider: "sandbox".into(),
                        })
                        .await?;
                    self.tx.put_credit_purchase(&id, *amount, "auto_recharge").await?;
                    detail = format!("auto-recharge: {} credits, charge {id} of {} {cur}", p.credits, cur.format(p.total));
                    let below = account.auto_recharge.as_ref().map(|a| cur.format(a.below)).unwrap_or_default();
                    notices.push(format!(
                        "Your wallet fell below {below} {cur}, so auto-recharge bought {} credits: your card was charged {} {cur} ({} {cur} plus a {} {cur} platform fee, charge {id}) and {} {cur} was added. Your balance is now {} {cur}.",
                        p.credits,
                        cur.format(p.total),
                        cur.format(p.cost),
                        cur.format(p.fee),
                        cur.format(*amount),
                        cur.format(running)
                    ));
                }
            }
            self.tx
                .add_wallet_entry(&WalletEntry {
                    account: account.id.clone(),
                    currency: cur,
                    amount: *amount,
                    kind: *kind,
                    actor: "system".into(),
                    reason: detail.clone(),
                    at: self.now,
                })
                .await?;
            self.tx
                .push(Action::Wallet {
                    account: account.id.to_string(),
                    balance: cur.format(running),
                    currency: cur.to_string(),
                    reason: reason.into(),
                })
                .await?;
            self.audit("system", None, AuditAction::wallet_entry(*kind), format!("{}: {} {cur} ({detail})", account.id, cur.format(*amount)), None)
                .await?;
        }
        // The customer is told of every auto-recharge: what was charged and why.
        if !notices.is_empty() {
            for u in self.tx.users_of_account(&account.id).await? {
                for text in &notices {
                    self.say("dm", Some(&u.id), None, text.clone()).await?;
                }
            }
        }
        if plan.refused > 0 {
            let text = format!(
                "{} conversation(s) were not charged: the wallet of {} holds {} {cur}, and it may not go below zero. Buy credits with /wallet buy <credits>.",
                plan.refused,
                account.id,
                cur.format(plan.balance_after)
            );
            self.audit("system", None, AuditAction::WalletUsageRefused, text.clone(), None).await?;
            self.tx
                .push(Action::Wallet {
                    account: account.id.to_string(),
                    balance: cur.format(plan.balance_after),
                    currency: cur.to_string(),
                    reason: "usage_refused".into(),
                })
                .await?;
            for u in self.tx.users_of_account(&account.id).await? {
                self.say("dm", Some(&u.id), None, text.clone()).await?;
            }
        }
        Ok(())
    }

    /// Credits bought by a customer for their own account.
    pub async fn buy_credits(&mut self, user: &User, account: &AccountId, credits: u32, channel: &str) -> EngineResult<()> {
        let Some(acct) = self.tx.account(account).await? else { return Ok(()) };
        let cur = acct.currency;
        let policy = match self.engine.cfg.policy.in_currency(cur) {
            Ok(p) => p,
            Err(why) => {
                self.say(channel, Some(&user.id), None, format!("No credits were bought: {why}.")).await?;
                return Ok(());
            }
        };
        let p = price_credits(credits, cur, &policy);
        if self.engine.cfg.wallet.provider != "sandbox" {
            // A real provider: its hosted page takes the payment; nothing is credited now.
            return self.start_hosted_purchase(user, &acct.id, &p, cur, channel).await;
        }
        let id = self.tx.next_charge_id().await?;
        self.tx
            .put_charge(&Charge {
                id: id.clone(),
                account: acct.id.clone(),
                amount: p.total,
                currency: cur,
                at: self.now,
                method: PaymentMethod::Card,
                card_last4: None,
                kind: ChargeKind::Credits,
                description: format!("{credits} credits"),
                fee: p.fee,
                wallet_selected: false,
                disputed: false,
                provider: "sandbox".into(),
            })
            .await?;
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
            .push(Action::Wallet { account: acct.id.to_string(), balance: cur.format(balance), currency: cur.to_string(), reason: "purchase".into() })
            .await?;
        self.audit(
            user.id.as_str(),
            None,
            AuditAction::WalletPurchase,
            format!("{}: {credits} credits, +{} {cur}, charge {id} of {} {cur}", acct.id, cur.format(p.value), cur.format(p.total)),
            None,
        )
        .await?;
        self.say(
            channel,
            Some(&user.id),
            None,
            format!(
                "Bought {credits} {}: {} {cur} added to your wallet, your card was charged {} {cur} ({} {cur} plus a {} {cur} platform fee, charge {id}). Your balance is now {} {cur}.",
                if credits == 1 { "credit" } else { "credits" },
                cur.format(p.value),
                cur.format(p.total),
                cur.format(p.cost),
                cur.format(p.fee),
                cur.format(balance)
            ),
        )
        .await?;
        Ok(())
    }
}

/// "49.00 USD on ch_2" — how a refund is named in messages and the audit trail.
pub(crate) fn refund_words(r: &Refund) -> String {
    format!("refund of {} {} on {}", r.currency.format(r.amount), r.currency, r.charge)
}
