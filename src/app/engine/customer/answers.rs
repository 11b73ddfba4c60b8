//! What a customer asks that is answered at once, without a case: their wallet, credits
//! and auto-recharge, the status of their refunds and cases, escalation, greetings.

use super::super::work::Work;
use super::super::EngineResult;
use crate::app::l10n::{self, Msg};
use crate::app::ports::User;
use crate::domain::approvals::RefundStatus;
use crate::domain::audit::AuditAction;
use crate::domain::billing::price_credits;
use crate::domain::ids::{AccountId, CaseNumber};
use crate::domain::tickets::CaseStatus;
use crate::nlu::Entities;
use rust_decimal::Decimal;
use std::str::FromStr;

impl Work<'_> {
    pub(super) async fn answer_balance(&mut self, user: &User, channel: &str) -> EngineResult<()> {
        let Some(account) = user.account.clone() else {
            return self.no_account(user, channel).await;
        };
        let text = self.balance_msg(&account).await?;
        self.say_to(channel, &user.id, None, text).await?;
        Ok(())
    }

    /// "The wallet balance of acct-1 is 12.00 USD, 3.00 EUR."
    pub async fn balance_msg(&mut self, account: &AccountId) -> EngineResult<Msg> {
        let wallets = self.tx.wallets_of(account).await?;
        let parts: Vec<String> =
            wallets.iter().map(|w| format!("{} {}", w.currency.format(w.balance), w.currency)).collect();
        Ok(Msg::new("wallet-balance").with("account", account.to_string()).with("balances", parts.join(", ")))
    }

    async fn no_account(&mut self, user: &User, channel: &str) -> EngineResult<()> {
        self.say_to(channel, &user.id, None, Msg::new("no-account")).await?;
        Ok(())
    }

    pub(super) async fn answer_buy(&mut self, user: &User, text: &str, channel: &str) -> EngineResult<()> {
        let Some(account) = user.account.clone() else {
            return self.no_account(user, channel).await;
        };
        let Some(acct) = self.tx.account(&account).await? else { return self.no_account(user, channel).await };
        let cur = acct.currency;
        let policy = match self.engine.cfg.policy.in_currency(cur) {
            Ok(p) => p,
            Err(why) => {
                self.say_to(
                    channel,
                    &user.id,
                    None,
                    Msg::new("credits-not-sold")
                        .with("currency", cur.to_string())
                        .with("why", l10n::unconfigured_currency(&why)),
                )
                .await?;
                return Ok(());
            }
        };
        let policy = &policy;
        let n = credits_mentioned(text).filter(|n| *n > 0 && *n <= crate::domain::billing::MAX_CREDITS_PER_PURCHASE);
        let money = |d: Decimal| format!("{} {cur}", cur.format(d));
        let reply = match n {
            Some(n) => {
                let p = price_credits(n, cur, policy);
                Msg::new("credits-price")
                    .count("credits", u64::from(n))
                    .with("value", money(p.value))
                    .with("total", money(p.total))
                    .with("cost", money(p.cost))
                    .with("fee", money(p.fee))
            }
            None => Msg::new("credits-price-each")
                .with("value", money(policy.credit_value))
                .with("price", money(policy.credit_price))
                .with("percent", (policy.fee_rate * Decimal::from(100)).normalize().to_string()),
        };
        self.say_to(channel, &user.id, None, reply).await?;
        Ok(())
    }

    pub(super) async fn answer_auto_recharge(&mut self, user: &User, channel: &str) -> EngineResult<()> {
        let Some(account) = user.account.clone() else {
            return self.no_account(user, channel).await;
        };
        let Some(acct) = self.tx.account(&account).await? else { return self.no_account(user, channel).await };
        let cur = acct.currency;
        let money = |d: Decimal| format!("{} {cur}", cur.format(d));
        let text = match &acct.auto_recharge {
            Some(a) => match self.engine.cfg.policy.in_currency(cur) {
                Ok(policy) => {
                    let p = price_credits(a.credits, cur, &policy);
                    Msg::new("auto-recharge-on")
                        .with("account", account.to_string())
                        .with("below", money(a.below))
                        .count("credits", u64::from(a.credits))
                        .with("total", money(p.total))
                        .with("value", money(p.value))
                }
                Err(why) => Msg::new("auto-recharge-unpriced")
                    .with("account", account.to_string())
                    .with("why", l10n::unconfigured_currency(&why)),
            },
            None => Msg::new("auto-recharge-off").with("account", account.to_string()),
        };
        self.say_to(channel, &user.id, None, text).await?;
        Ok(())
    }

    pub(super) async fn answer_refund_status(
        &mut self,
        user: &User,
        ents: &Entities,
        channel: &str,
    ) -> EngineResult<()> {
        let cases = self.tx.cases_of(&user.id).await?;
        let wanted = ents.case_id.as_deref().and_then(|c| CaseNumber::from_str(c).ok());
        if let Some(n) = wanted {
            if !cases.iter().any(|c| c.number == n) {
                self.say_to(channel, &user.id, None, Msg::new("no-case-found").with("case", n.to_string())).await?;
                return Ok(());
            }
        }
        let mut lines = Vec::new();
        for case in cases.iter().filter(|c| wanted.is_none_or(|n| c.number == n)) {
            for r in self.tx.refunds_of_case(case.number).await?.iter().rev() {
                let amount = format!("{} {}", r.currency.format(r.amount), r.currency);
                let state = match r.status {
                    RefundStatus::AwaitingApproval => Msg::new("refund-state-awaiting_approval"),
                    RefundStatus::Approved | RefundStatus::Executing => Msg::new("refund-state-paying"),
                    RefundStatus::Succeeded => {
                        let notes = self.tx.credit_notes_of(&r.charge).await?;
                        match notes.iter().find(|n| n.amount == r.amount) {
                            Some(n) => Msg::new("refund-state-sent-on")
                                .with("date", n.at.format("%Y-%m-%d %H:%M UTC").to_string()),
                            None => Msg::new("refund-state-sent"),
                        }
                    }
                    RefundStatus::Failed => Msg::new("refund-state-failed"),
                    RefundStatus::Rejected => Msg::new("refund-state-rejected"),
                    RefundStatus::Expired => Msg::new("refund-state-expired"),
                    RefundStatus::OnHold => Msg::new("refund-state-on_hold"),
                    RefundStatus::Reversed => Msg::new("refund-state-reversed"),
                };
                lines.push(
                    Msg::new("refund-status-line")
                        .with("amount", amount)
                        .with("charge", r.charge.to_string())
                        .with("case", case.number.to_string())
                        .with("state", state),
                );
            }
        }
        let text = if lines.is_empty() {
            match cases.iter().find(|c| c.status.is_open()) {
                Some(c) => {
                    Msg::new("no-refund-yet").with("case", c.number.to_string()).with("status", l10n::status(c.status))
                }
                None => Msg::new("no-refund-found"),
            }
        } else {
            lines.truncate(3);
            Msg::joined(lines, "\n")
        };
        self.say_to(channel, &user.id, wanted, text).await?;
        Ok(())
    }

    pub(super) async fn answer_ticket_status(
        &mut self,
        user: &User,
        ents: &Entities,
        channel: &str,
    ) -> EngineResult<()> {
        let cases = self.tx.cases_of(&user.id).await?;
        let wanted = ents.case_id.as_deref().and_then(|c| CaseNumber::from_str(c).ok());
        let case = match wanted {
            Some(n) => cases.iter().find(|c| c.number == n),
            None => cases.iter().find(|c| c.status.is_open()).or(cases.first()),
        };
        let text = match (case, wanted) {
            (Some(c), _) => {
                let status = match &c.charge {
                    Some(ch) => Msg::new("ticket-status-charge").with("charge", ch.to_string()),
                    None => Msg::new("ticket-status"),
                };
                status
                    .with("case", c.number.to_string())
                    .with("topic", l10n::topic(c.intent))
                    .with("status", l10n::status(c.status))
                    .with("updated", c.updated_at.format("%Y-%m-%d %H:%M UTC").to_string())
            }
            (None, Some(n)) => Msg::new("no-case-found").with("case", n.to_string()),
            (None, None) => Msg::new("no-case-yet"),
        };
        self.say_to(channel, &user.id, case.map(|c| c.number), text).await?;
        Ok(())
    }

    pub(super) async fn escalate_latest(&mut self, user: &User, channel: &str) -> EngineResult<()> {
        let open = self.tx.open_cases_of(&user.id).await?;
        match open.into_iter().next() {
            Some(case) if case.status == CaseStatus::Escalated => {
                self.say_to(
                    channel,
                    &user.id,
                    Some(case.number),
                    Msg::new("already-with-lead").with("case", case.number.to_string()),
                )
                .await?;
            }
            Some(mut case) => {
                self.audit(
                    user.id.as_str(),
                    Some(case.number),
                    AuditAction::CaseEscalationAsked,
                    "customer asked for escalation",
                    None,
                )
                .await?;
                self.set_status(&mut case, CaseStatus::Escalated, user.id.as_str(), Some(Msg::new("lead-takes-it")))
                    .await?;
            }
            None => {
                self.say_to(channel, &user.id, None, Msg::new("nothing-to-escalate")).await?;
            }
        }
        Ok(())
    }

    /// Greetings and the like; also the answer to "which charge?" for a case waiting for it.
    pub(super) async fn other_message(
        &mut self,
        user: &User,
        ents: &Entities,
        text: &str,
        channel: &str,
    ) -> EngineResult<()> {
        let has_charge_hint = ents.transaction_id.is_some() || ents.invoice_id.is_some() || ents.amount.is_some();
        if has_charge_hint {
            let waiting =
                self.tx.open_cases_of(&user.id).await?.into_iter().find(|c| c.status == CaseStatus::AwaitingInfo);
            if let Some(case) = waiting {
                return self.case_message(user, case.intent, ents, text, channel).await;
            }
        }
        if ents.case_id.is_some() {
            return self.answer_ticket_status(user, ents, channel).await;
        }
        self.say_to(channel, &user.id, None, Msg::new("greeting")).await?;
        Ok(())
    }
}

/// A number of credits named in a message: "add 50 credits", "50 créditos".
pub(super) fn credits_mentioned(text: &str) -> Option<u32> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    words.windows(2).find_map(|w| {
        let is_credit_word = w[1].starts_with("credit")
            || w[1].starts_with("crédit")
            || w[1].starts_with("crédito")
            || w[1].starts_with("guthaben");
        if is_credit_word {
            w[0].parse().ok()
        } else {
            None
        }
    })
}
