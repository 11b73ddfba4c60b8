//! Commands (the grammar of `transcript.md`): role checks, then the action.

use super::work::{refund_words, Work};
use super::EngineResult;
use crate::app::action::Action;
use crate::app::command::{self, Command, Target};
use crate::app::ports::User;
use crate::domain::approvals::{auto_approves, expiry, idempotency_key, leads_needed, Refund, RefundStatus, Vote};
use crate::domain::billing::{Charge, EntryKind, WalletEntry};
use crate::domain::ids::{CaseNumber, RefundId, UserId};
use crate::domain::intent::Intent;
use crate::domain::money::Currency;
use crate::domain::policy::{Decision, Refusal};
use crate::domain::roles::Role;
use crate::domain::tickets::{Case, CaseAction, CaseStatus};
use rust_decimal::Decimal;

impl Work<'_> {
    pub async fn command(&mut self, user: &User, text: &str, channel: &str) -> EngineResult<()> {
        let cmd = match command::parse(text) {
            Ok(Some(c)) => c,
            Ok(None) => return Ok(()),
            Err(e) => {
                self.say(channel, Some(&user.id), None, e.to_string()).await?;
                return Ok(());
            }
        };
        let staff = user.roles.is_staff();
        let lead = user.roles.has(Role::Lead);
        let denied = |what: &str| {
            format!(
                "{what} is for {}",
                if what.contains("override") || what.starts_with("approv") || what.starts_with("goodwill") { "leads" } else { "agents and leads" }
            )
        };
        match cmd {
            Command::Help => {
                self.say(channel, Some(&user.id), None, format!("Commands:\n{}", command::usage())).await?;
            }
            Command::Refund { is_override: true, .. } if !lead => self.deny(&user.id, channel, denied("a policy override")).await?,
            Command::Refund { .. } if !staff => self.deny(&user.id, channel, denied("requesting a refund")).await?,
            Command::Refund { target, amount, is_override, reason } => {
                self.request_refund(user, target, amount, is_override, reason, channel).await?
            }
            Command::Approve(case) | Command::Reject(case, _) if !lead => {
                self.deny(&user.id, channel, format!("{} ({case})", denied("approving or rejecting refunds"))).await?
            }
            Command::Approve(case) => self.vote_by_command(user, case, Vote::Approve, channel).await?,
            Command::Reject(case, _) => self.vote_by_command(user, case, Vote::Reject, channel).await?,
            Command::Wallet(account) => {
                let own = user.account.clone();
                let target = match (account, staff) {
                    (Some(a), true) => Some(a),
                    (Some(a), false) if own.as_ref() == Some(&a) => Some(a),
                    (Some(_), false) => {
                        self.deny(&user.id, channel, "customers can see only their own wallet").await?;
                        return Ok(());
                    }
                    (None, _) => own,
                };
                let text = match target {
                    Some(a) if self.tx.account(&a).await?.is_some() => self.balance_words(&a).await?,
                    Some(a) => format!("There is no account {a}."),
                    None => format!("No account is linked to you. Usage: {}", command::USAGE_WALLET),
                };
                self.say(channel, Some(&user.id), None, text).await?;
            }
            Command::WalletCredit { .. } if !lead => self.deny(&user.id, channel, denied("goodwill credit")).await?,
            Command::WalletCredit { account, amount: (amount, currency), reason } => {
                let Some(acct) = self.tx.account(&account).await? else {
                    self.say(channel, Some(&user.id), None, format!("There is no account {account}.")).await?;
                    return Ok(());
                };
                let cur = currency.unwrap_or(acct.currency);
                self.tx
                    .add_wallet_entry(&WalletEntry {
                        account: acct.id.clone(),
                        currency: cur,
                        amount,
                        kind: EntryKind::Goodwill,
                        actor: user.id.to_string(),
                        reason: reason.clone(),
                        at: self.now,
                    })
                    .await?;
                let balance = self.tx.wallet_balance(&acct.id, cur).await?;
                self.tx
                    .push(Action::Wallet {
                        account: acct.id.to_string(),
                        balance: cur.format(balance),
                        currency: cur.to_string(),
                        reason: "goodwill".into(),
                    })
                    .await?;
                self.audit(user.id.as_str(), None, "wallet.goodwill", format!("{}: +{} {cur}: {reason}", acct.id, cur.format(amount)), None).await?;
                self.say(
                    channel,
                    Some(&user.id),
                    None,
                    format!("Credited {} {cur} of goodwill to {}; the balance is now {} {cur}.", cur.format(amount), acct.id, cur.format(balance)),
                )
                .await?;
                for u in self.tx.users_of_account(&acct.id).await? {
                    if u.id != user.id {
                        self.say(
                            "dm",
                            Some(&u.id),
                            None,
                            format!(
                                "We added {} {cur} to your wallet as a goodwill credit ({reason}). Your balance is now {} {cur}.",
                                cur.format(amount),
                                cur.format(balance)
                            ),
                        )
                        .await?;
                    }
                }
            }
            Command::WalletBuy(_) if !user.roles.has(Role::Customer) => {
                self.deny(&user.id, channel, "buying credits is for customers, on their own account").await?
            }
            Command::WalletBuy(credits) => match user.account.clone() {
                Some(a) => self.buy_credits(user, &a, credits, channel).await?,
                None => self
                    .say(channel, Some(&user.id), None, "No account is linked to you, so there is no wallet to buy credits for.")
                    .await
                    .map(|_| ())?,
            },
            Command::TicketShow(n) => {
                let case = self.tx.case(n).await?.filter(|c| staff || c.customer == user.id);
                match case {
                    Some(c) => {
                        let text = self.case_card(&c, staff).await?;
                        self.say(channel, Some(&user.id), Some(n), text).await?;
                    }
                    None => self.say(channel, Some(&user.id), None, format!("I can't find a case {n}.")).await.map(|_| ())?,
                }
            }
            Command::TicketAction(..) if !staff => self.deny(&user.id, channel, denied("changing a case")).await?,
            Command::TicketAction(action, n, note) => self.case_action(user, action, n, &note, channel).await?,
            Command::Link(..) if !staff => self.deny(&user.id, channel, denied("linking users to accounts")).await?,
            Command::Link(target, account) => {
                if self.tx.account(&account).await?.is_none() {
                    self.say(channel, Some(&user.id), None, format!("There is no account {account}.")).await?;
                    return Ok(());
                }
                let mut u =
                    self.tx.user(&target).await?.unwrap_or(User { id: target.clone(), roles: crate::domain::roles::Roles::CUSTOMER, account: None });
                u.account = Some(account.clone());
                self.tx.put_user(&u).await?;
                self.audit(user.id.as_str(), None, "user.linked", format!("{target} -> {account}"), None).await?;
                self.say(channel, Some(&user.id), None, format!("Linked {target} to account {account}.")).await?;
                // Cases the user opened before being linked now belong to the account.
                for mut c in self.tx.open_cases_of(&target).await? {
                    if c.account.is_none() {
                        c.account = Some(account.clone());
                        c.updated_at = self.now;
                        self.tx.update_case(&c).await?;
                        self.push_ticket(&c).await?;
                        self.tell_customer(
                            &c,
                            format!(
                                "Your chat user is now linked to account {account}; an agent can now look at your charges for case {}.",
                                c.number
                            ),
                        )
                        .await?;
                    }
                }
            }
        }
        Ok(())
    }

    async fn vote_by_command(&mut self, user: &User, case: CaseNumber, vote: Vote, channel: &str) -> EngineResult<()> {
        match self.tx.refunds_of_case(case).await?.into_iter().next_back() {
            Some(r) => self.vote(user, r, vote, true, channel, true).await,
            None => {
                self.say(channel, Some(&user.id), Some(case), format!("{case} has no refund request.")).await?;
                Ok(())
            }
        }
    }

    /// `/refund`: find the charge and case, check the policy, post the approval request.
    async fn request_refund(
        &mut self,
        user: &User,
        target: Target,
        amount: Option<(Decimal, Option<Currency>)>,
        is_override: bool,
        reason: String,
        channel: &str,
    ) -> EngineResult<()> {
        // The charge and the case it belongs to.
        let (charge, case) = match target {
            Target::Case(n) => {
                let Some(case) = self.tx.case(n).await? else {
                    self.say(channel, Some(&user.id), None, format!("I can't find a case {n}.")).await?;
                    return Ok(());
                };
                let Some(charge_id) = case.charge.clone() else {
                    self.say(channel, Some(&user.id), Some(n), format!("{n} is not linked to a charge yet: use /refund <charge-id> to name it."))
                        .await?;
                    return Ok(());
                };
                let Some(charge) = self.tx.charge(&charge_id).await? else {
                    self.say(channel, Some(&user.id), Some(n), format!("The charge {charge_id} of {n} is not in the billing data.")).await?;
                    return Ok(());
                };
                (charge, Some(case))
            }
            Target::Charge(id) => {
                let Some(charge) = self.tx.charge(&id).await? else {
                    self.say(channel, Some(&user.id), None, format!("I can't find a charge {id}.")).await?;
                    return Ok(());
                };
                (charge, None)
            }
        };
        let e = self.eligibility_of(&charge, amount).await?;
        let (refund_amount, rule) = match (&e.decision, is_override) {
            (Decision::Eligible { amount }, _) => (*amount, e.rule.as_str().to_string()),
            // Never past what was paid, never in another currency, never on a chargeback.
            (Decision::Refused(r @ (Refusal::WrongCurrency { .. } | Refusal::Disputed | Refusal::FinerThanMinorUnit { .. })), true) => {
                let _ = r;
                return self.refuse(user, &charge, case, &e.explain(), e.refusal(), channel).await;
            }
            (Decision::Refused(_), true) => {
                let asked = amount.map(|a| a.0).unwrap_or_default();
                let reserved: Vec<RefundStatus> = RefundStatus::ALL.into_iter().filter(|s| s.reserves_money()).collect();
                let left = charge.amount - self.tx.refunded_sum(&charge.id, &reserved).await?;
                if asked > left {
                    let c = charge.currency;
                    let text = format!("An override cannot refund more than what is left of the charge: {} {c}.", c.format(left.max(Decimal::ZERO)));
                    return self.refuse(user, &charge, case, &text, None, channel).await;
                }
                (asked, "override".to_string())
            }
            (Decision::Refused(_), false) => return self.refuse(user, &charge, case, &e.explain(), e.refusal(), channel).await,
        };
        // An amount the charge's provider cannot write exactly is refused now, before any
        // lead approves (never rounded on the way out).
        if let Some(Err(why)) = self.e.connectors.get(&charge.provider).map(|c| c.representable(refund_amount, charge.currency)) {
            let text = format!("This refund cannot be sent: {why}.");
            return self.refuse(user, &charge, case, &text, None, channel).await;
        }
        // The case: given, or the open one about this charge, or the account's newest open
        // case without a charge, or a new one.
        let mut case = match case {
            Some(c) => c,
            None => {
                let open = self.tx.open_cases_of_account(&charge.account).await?;
                match open.iter().find(|c| c.charge.as_ref() == Some(&charge.id)).or_else(|| open.iter().find(|c| c.charge.is_none())).cloned() {
                    Some(mut c) => {
                        if c.charge.is_none() {
                            c.charge = Some(charge.id.clone());
                            c.updated_at = self.now;
                            self.tx.update_case(&c).await?;
                        }
                        c
                    }
                    None => self.open_case_for_charge(user, &charge, channel).await?,
                }
            }
        };
        let policy = self.e.cfg.policy.clone();
        let leads = leads_needed(refund_amount, is_override, &policy);
        let mut refund = Refund {
            id: RefundId(0),
            case: case.number,
            charge: charge.id.clone(),
            amount: refund_amount,
            currency: charge.currency,
            status: RefundStatus::AwaitingApproval,
            rule: rule.clone(),
            reason: reason.clone(),
            requested_by: user.id.clone(),
            is_override,
            leads_needed: leads,
            requested_at: self.now,
            expires_at: expiry(self.now, &policy),
            approvals: vec![],
            approved_by: vec![],
            idempotency_key: String::new(),
            provider: charge.provider.clone(),
            provider_ref: None,
            message_ref: None,
            attempts: 0,
            first_attempt_at: None,
            next_attempt_at: None,
            needs_lookup: false,
            last_error: None,
        };
        refund.id = self.tx.insert_refund(&refund).await?;
        refund.idempotency_key = idempotency_key(refund.id, case.number, &charge.id, refund.amount, refund.currency);
        let cur = charge.currency;
        let money = format!("{} {cur}", cur.format(refund_amount));
        let why = if is_override { format!("lead override of the policy ({})", e.explain()) } else { e.explain() };
        self.audit(
            user.id.as_str(),
            Some(case.number),
            "refund.requested",
            format!("{} by {}: {why}; reason: {reason}", refund_words(&refund), user.id),
            Some(&rule),
        )
        .await?;
        if auto_approves(refund_amount, is_override, &policy) {
            refund.approved_by = vec![UserId::new("auto")];
            self.tx.update_refund(&refund).await?;
            self.push_refund(&refund).await?;
            self.audit(
                "system",
                Some(case.number),
                "refund.auto_approved",
                format!("eligible and below the auto-approve amount of {} {cur}", cur.format(policy.auto_approve_below.unwrap_or_default())),
                Some(&rule),
            )
            .await?;
            self.approve(&mut refund, "system").await?;
            self.say(
                channel,
                Some(&user.id),
                Some(case.number),
                format!(
                    "Refund of {money} on {} for {} is {why}; it is below the auto-approve amount, so it is being paid now.",
                    charge.id, case.number
                ),
            )
            .await?;
            self.set_status(
                &mut case,
                CaseStatus::AwaitingApproval,
                "system",
                &format!("A refund of {money} was approved automatically and is being paid."),
            )
            .await?;
            return Ok(());
        }
        let approvals = self.e.cfg.approvals_channel.clone();
        let account = case.account.clone().map(|a| a.to_string());
        let req = Action::ApprovalRequest {
            message_ref: None,
            channel: approvals,
            case: case.number.to_string(),
            charge: charge.id.to_string(),
            amount: cur.format(refund_amount),
            currency: cur.to_string(),
            rule: rule.clone(),
            leads_needed: leads,
            refund_id: refund.id.0,
            requested_by: user.id.to_string(),
            account,
            card_last4: charge.card_last4.clone(),
            reason: reason.clone(),
            expires_at: refund.expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            is_override,
        };
        refund.message_ref = self.tx.push(req).await?;
        self.tx.update_refund(&refund).await?;
        self.push_refund(&refund).await?;
        let leads_words = if leads == 1 { "one lead".to_string() } else { format!("{leads} leads") };
        self.say(
            channel,
            Some(&user.id),
            Some(case.number),
            format!(
                "Refund of {money} on {} requested for {} ({why}). It needs the approval of {leads_words} other than you, within {} hours{}.",
                charge.id,
                case.number,
                policy.approval_expiry_hours,
                refund.message_ref.as_ref().map(|r| format!(" (approval request {r})")).unwrap_or_default()
            ),
        )
        .await?;
        self.set_status(&mut case, CaseStatus::AwaitingApproval, user.id.as_str(), &format!("An agent has requested a refund of {money} for you."))
            .await?;
        Ok(())
    }

    /// A refund the policy refuses: the requester is told why and what is left; no refund
    /// is created. A chargeback escalates the case (rule 7).
    async fn refuse(
        &mut self,
        user: &User,
        charge: &Charge,
        case: Option<Case>,
        why: &str,
        refusal: Option<&Refusal>,
        channel: &str,
    ) -> EngineResult<()> {
        let case = match case {
            Some(c) => Some(c),
            None => self.tx.open_cases_of_account(&charge.account).await?.into_iter().find(|c| c.charge.as_ref() == Some(&charge.id)),
        };
        let n = case.as_ref().map(|c| c.number);
        let mut text = format!("No refund requested for {}: {why}.", charge.id);
        if matches!(refusal, Some(Refusal::TooOld { .. })) {
            text.push_str(" A lead can give a goodwill credit with /wallet credit <account> <amount> <reason>.");
        } else if refusal.is_some() && user.roles.has(Role::Lead) {
            text.push_str(" As a lead you can override: /refund <charge> <amount> override <reason> (needs two other leads).");
        }
        self.say(channel, Some(&user.id), n, text).await?;
        self.audit(user.id.as_str(), n, "refund.refused", format!("{}: {why}", charge.id), None).await?;
        if matches!(refusal, Some(Refusal::Disputed)) {
            // Rule 7: the request is refused and the case escalated; a /refund on a
            // charge with no case opens one, so there is a case for the lead to take.
            let mut c = match case {
                Some(c) => c,
                None => self.open_case_for_charge(user, charge, channel).await?,
            };
            self.set_status(
                &mut c,
                CaseStatus::Escalated,
                user.id.as_str(),
                "The charge has an open chargeback with the bank, so a lead takes the case over.",
            )
            .await?;
        }
        Ok(())
    }

    async fn open_case_for_charge(&mut self, user: &User, charge: &Charge, channel: &str) -> EngineResult<Case> {
        let number = self.tx.next_case_number().await?;
        let customer = self.tx.users_of_account(&charge.account).await?.into_iter().find(|u| u.roles.has(Role::Customer)).map(|u| u.id);
        let case = Case {
            number,
            customer: customer.unwrap_or_else(|| user.id.clone()),
            account: Some(charge.account.clone()),
            charge: Some(charge.id.clone()),
            intent: Intent::RefundRequest,
            status: CaseStatus::Open,
            channel: channel.to_string(),
            opened_at: self.now,
            updated_at: self.now,
        };
        self.tx.insert_case(&case).await?;
        self.push_ticket(&case).await?;
        self.audit(user.id.as_str(), Some(number), "case.opened", format!("by {} for charge {}", user.id, charge.id), None).await?;
        Ok(case)
    }

    async fn case_action(&mut self, user: &User, action: CaseAction, n: CaseNumber, note: &str, channel: &str) -> EngineResult<()> {
        let Some(mut case) = self.tx.case(n).await? else {
            self.say(channel, Some(&user.id), None, format!("I can't find a case {n}.")).await?;
            return Ok(());
        };
        let refunds = self.tx.refunds_of_case(n).await?;
        let in_flight = refunds.iter().any(|r| matches!(r.status, RefundStatus::AwaitingApproval | RefundStatus::Approved | RefundStatus::Executing));
        match case.apply(action, in_flight) {
            Ok(status) => {
                let why = if note.is_empty() { String::new() } else { format!("Note from {}: {note}", user.id) };
                self.set_status(&mut case, status, user.id.as_str(), &why).await?;
                self.say(channel, Some(&user.id), Some(n), format!("{n} is now {}.", status.as_str())).await?;
            }
            Err(e) => {
                self.say(channel, Some(&user.id), Some(n), e.to_string()).await?;
            }
        }
        Ok(())
    }

    /// `/ticket`: the case, its refunds and its history.
    async fn case_card(&mut self, c: &Case, staff: bool) -> EngineResult<String> {
        let mut s = format!("{} — {} — {}", c.number, c.intent.as_str(), c.status.as_str());
        if let Some(a) = &c.account {
            s.push_str(&format!("\naccount {a}, customer {}", c.customer));
        }
        if let Some(ch) = &c.charge {
            if let Some(charge) = self.tx.charge(ch).await? {
                s.push_str(&format!("\ncharge {}", charge.summary()));
            }
        }
        for r in self.tx.refunds_of_case(c.number).await? {
            let by = if r.approved_by.is_empty() {
                String::new()
            } else {
                format!(", approved by {}", r.approved_by.iter().map(|u| u.as_str()).collect::<Vec<_>>().join(", "))
            };
            s.push_str(&format!("\nrefund {} {} ({}): {}{by}", r.currency.format(r.amount), r.currency, r.rule, r.status.as_str()));
        }
        s.push_str(&format!("\nopened {}, updated {}", c.opened_at.format("%Y-%m-%d %H:%M"), c.updated_at.format("%Y-%m-%d %H:%M")));
        s.push_str("\nhistory:");
        for a in self.tx.audit_of(c.number).await? {
            // Customers see what happened to their case; staff see every step and who took it.
            if staff || a.action.starts_with("case.") {
                let who = if staff { format!(" {}", a.actor) } else { String::new() };
                s.push_str(&format!("\n  {}{who} {}: {}", a.at.format("%Y-%m-%d %H:%M"), a.action, a.detail));
            }
        }
        Ok(s)
    }
}
