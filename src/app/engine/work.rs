//! One unit of work: a store transaction plus the helpers every handler uses to speak,
//! record and audit. Everything pushed here commits together.

use super::{Actor, Engine, EngineResult};
use crate::app::action::{Action, Destination};
use crate::app::l10n::{self, Msg};
use crate::app::ports::{StoreTx, User};
use crate::domain::approvals::{Refund, RefundStatus};
use crate::domain::audit::{AuditAction, AuditRecord};
use crate::domain::billing::{plan_usage, price_credits, Charge, ChargeKind, EntryKind, PaymentMethod, WalletEntry};
use crate::domain::ids::{AccountId, CaseNumber, UserId};
use crate::domain::roles::{Role, Roles};
use crate::domain::tickets::{Case, CaseStatus};
use crate::nlu::Lang;
use chrono::{DateTime, Utc};

/// One unit of work. Its fields are the engine's own: handlers in `engine/` (one file per
/// use case: `customer.rs`, `staff.rs`, `approvals.rs`, `provider.rs`, `runner.rs`) reach
/// the store only through `tx`, inside this transaction.
pub(crate) struct Work<'e> {
    pub(super) tx: Box<dyn StoreTx>,
    pub(super) now: DateTime<Utc>,
    /// The engine this work runs in: its configuration, policy and connectors.
    pub(super) engine: &'e Engine,
    /// The language of the customer this work speaks to, once known (see `lang_of`).
    pub(super) speaker_lang: Option<(UserId, Lang)>,
}

impl<'e> Work<'e> {
    pub fn new(tx: Box<dyn StoreTx>, now: DateTime<Utc>, engine: &'e Engine) -> Work<'e> {
        Work { tx, now, engine, speaker_lang: None }
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

    /// The language a customer is answered in: the one remembered for them (English when
    /// none is, or when paydesk has no texts for it).
    pub async fn lang_of(&mut self, user: &UserId) -> EngineResult<Lang> {
        if let Some((u, lang)) = &self.speaker_lang {
            if u == user {
                return Ok(*lang);
            }
        }
        let lang = self.tx.customer_language(user).await?.map_or(Lang::En, |l| l.lang);
        self.speaker_lang = Some((user.clone(), lang));
        Ok(lang)
    }

    /// Says a message to a customer in their language.
    pub async fn say_to(&mut self, channel: &str, to: &UserId, case: Option<CaseNumber>, msg: Msg) -> EngineResult<()> {
        let text = msg.render(self.lang_of(to).await?);
        self.say(channel, Some(to), case, text).await?;
        Ok(())
    }

    /// Tells the case's customer something about their case, where they wrote, in their
    /// language.
    pub async fn tell_customer(&mut self, case: &Case, msg: Msg) -> EngineResult<()> {
        let to = case.customer.clone();
        self.say_to(&case.channel, &to, Some(case.number), msg).await
    }

    /// Changes a case's status: stored, a `ticket` line, the customer told (Tickets 5) in
    /// their language with `why` after it, audited (in English).
    pub async fn set_status(
        &mut self,
        case: &mut Case,
        status: CaseStatus,
        actor: &str,
        why: Option<Msg>,
    ) -> EngineResult<()> {
        if case.status == status {
            return Ok(());
        }
        let from = case.status;
        case.status = status;
        case.updated_at = self.now;
        self.tx.update_case(case).await?;
        self.push_ticket(case).await?;
        let told = Msg::new("case-status").with("case", case.number.to_string()).with("status", l10n::status(status));
        let audit_why = why.as_ref().map(|w| format!(": {}", w.english())).unwrap_or_default();
        let parts = match why {
            Some(why) => vec![told, why],
            None => vec![told],
        };
        self.tell_customer(case, Msg::joined(parts, " ")).await?;
        self.audit(
            actor,
            Some(case.number),
            AuditAction::CaseStatus,
            format!("{} -> {}{audit_why}", from.as_str(), status.as_str()),
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
        let is_command = crate::app::command::is_command(&text);
        // A customer's message is read first, so that every reply to it (the card notice
        // too) is in their language.
        let reading = if !is_command && user.roles.has(Role::Customer) {
            let c = crate::nlu::classifier().classify(&text, self.engine.cfg.default_currency.code());
            self.settle_language(&user, &text, &c, channel).await?;
            Some(c)
        } else {
            None
        };
        if redacted.card_numbers > 0 {
            self.say_to(channel, &user.id, None, Msg::new("card-number-removed")).await?;
            self.audit(
                user.id.as_str(),
                None,
                AuditAction::MessageCardRedacted,
                format!("{} card number(s) removed from a message", redacted.card_numbers),
                None,
            )
            .await?;
        }
        if is_command {
            return self.command(&user, &text, channel).await;
        }
        if !user.roles.has(Role::Customer) {
            // Staff talking among themselves in a support channel is not a request.
            let first = text.split_whitespace().next().unwrap_or_default().to_lowercase();
            const NAMES: [&str; 9] =
                ["refund", "approve", "reject", "wallet", "ticket", "link", "reply", "queue", "help"];
            if NAMES.contains(&first.as_str()) {
                self.say(
                    channel,
                    Some(&user.id),
                    None,
                    format!("Did you mean /{first}? Commands start with / or !; type /help for the list."),
                )
                .await?;
            } else if channel == "dm" {
                self.say(
                    channel,
                    Some(&user.id),
                    None,
                    "I read customer messages and staff commands; type /help for the commands.",
                )
                .await?;
            }
            return Ok(());
        }
        let Some(reading) = reading else { return Ok(()) };
        if self.held_back_by_case_limit(&user, channel).await? {
            return Ok(());
        }
        self.customer_message(&user, &text, reading, redacted.last4.as_deref(), channel).await
    }

    /// The anti-spam limit (`EngineConfig::max_new_cases_per_hour`, Discord's
    /// `max_cases_per_user_per_hour`): true when the customer was told to wait instead.
    async fn held_back_by_case_limit(&mut self, user: &User, channel: &str) -> EngineResult<bool> {
        let limit = self.engine.cfg.max_new_cases_per_hour;
        if limit == 0 {
            return Ok(false);
        }
        let cases = self.tx.cases_of(&user.id).await?;
        let Some(opened) = crate::domain::tickets::new_case_limit(&cases, self.now, limit) else {
            return Ok(false);
        };
        self.say_to(channel, &user.id, None, Msg::new("case-limit").count("opened", u64::from(opened))).await?;
        Ok(true)
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
            let below = account.auto_recharge.as_ref().map(|a| cur.format(a.below)).unwrap_or_default();
            let user = self
                .tx
                .users_of_account(&account.id)
                .await?
                .into_iter()
                .find(|u| u.roles.has(crate::domain::roles::Role::Customer))
                .map(|u| u.id);
            // Not in the customer's language yet: the provider's recharge texts (`purchase.rs`).
            notices.push(Msg::verbatim(self.start_recharge(user.as_ref(), &account.id, &first, cur, &below).await?));
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
                    detail =
                        format!("auto-recharge: {} credits, charge {id} of {} {cur}", p.credits, cur.format(p.total));
                    let below = account.auto_recharge.as_ref().map(|a| cur.format(a.below)).unwrap_or_default();
                    let money = |d: rust_decimal::Decimal| format!("{} {cur}", cur.format(d));
                    notices.push(
                        Msg::new("auto-recharge-bought")
                            .with("below", format!("{below} {cur}"))
                            .count("credits", u64::from(p.credits))
                            .with("total", money(p.total))
                            .with("cost", money(p.cost))
                            .with("fee", money(p.fee))
                            .with("charge", id.to_string())
                            .with("value", money(*amount))
                            .with("balance", money(running)),
                    );
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
            self.audit(
                "system",
                None,
                AuditAction::wallet_entry(*kind),
                format!("{}: {} {cur} ({detail})", account.id, cur.format(*amount)),
                None,
            )
            .await?;
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
        let money = |d: rust_decimal::Decimal| format!("{} {cur}", cur.format(d));
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
}

/// "49.00 USD on ch_2" — how a refund is named in messages and the audit trail.
pub(crate) fn refund_words(r: &Refund) -> String {
    format!("refund of {} {} on {}", r.currency.format(r.amount), r.currency, r.charge)
}
