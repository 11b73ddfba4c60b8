//! Commands (the grammar of `transcript.md`): role checks, then the action.

use super::work::{refund_words, Work};
use super::EngineResult;
use crate::app::action::Action;
use crate::app::command::{self, Command, RequestRef, Target};
use crate::app::l10n::Msg;
use crate::app::ports::User;
use crate::domain::approvals::{
    auto_approves, expiry, idempotency_key, leads_needed, GoodwillRequest, GoodwillStatus, Refund, RefundStatus, Vote,
};
use crate::domain::audit::AuditAction;
use crate::domain::billing::{Charge, EntryKind, WalletEntry};
use crate::domain::ids::{AccountId, CaseNumber, RefundId, UserId};
use crate::domain::intent::Intent;
use crate::domain::money::Currency;
use crate::domain::permissions::{self, Act, Whose};
use crate::domain::policy::{Decision, Refusal, UnconfiguredCurrency};
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
        // The permission table, by role first; the account is checked once it is known.
        if !self.authorize(user, act_of(&cmd), None, channel).await? {
            return Ok(());
        }
        match cmd {
            Command::Help => {
                self.say(channel, Some(&user.id), None, help_for(user.roles)).await?;
            }
            Command::Unlink(target) => {
                let Some(mut u) = self.tx.user(&target).await?.filter(|u| u.account.is_some()) else {
                    self.say(channel, Some(&user.id), None, format!("{target} is not linked to an account.")).await?;
                    return Ok(());
                };
                let was = u.account.take().map(|a| a.to_string()).unwrap_or_default();
                self.tx.put_user(&u).await?;
                self.audit(user.id.as_str(), None, AuditAction::UserUnlinked, format!("{target} -x- {was}"), None)
                    .await?;
                self.say(
                    channel,
                    Some(&user.id),
                    None,
                    format!("{target} is no longer linked to account {was}; their cases stay with the account."),
                )
                .await?;
            }
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
            Command::Wallet(account) => {
                if let Some(a) = &account {
                    if !self.authorize(user, Act::ViewWallet, Some(a), channel).await? {
                        return Ok(());
                    }
                }
                let target = account.or_else(|| user.account.clone());
                let text = match target {
                    Some(a) if self.tx.account(&a).await?.is_some() => self.balance_words(&a).await?,
                    Some(a) => format!("There is no account {a}."),
                    None => format!("No account is linked to you. Usage: {}", command::USAGE_WALLET),
                };
                self.say(channel, Some(&user.id), None, text).await?;
            }
            Command::WalletCredit { account, amount: (amount, currency), reason } => {
                let Some(acct) = self.tx.account(&account).await? else {
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
                    self.request_goodwill(user, &acct.id, cur, amount, reason, channel).await?;
                } else {
                    self.credit_goodwill(&user.id, None, &acct.id, cur, amount, &reason, channel).await?;
                }
            }
            Command::WalletBuy(credits) => match user.account.clone() {
                Some(a) => self.buy_credits(user, &a, credits, channel).await?,
                None => self
                    .say(
                        channel,
                        Some(&user.id),
                        None,
                        "No account is linked to you, so there is no wallet to buy credits for.",
                    )
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
                    None => self
                        .say(channel, Some(&user.id), None, format!("I can't find a case {n}."))
                        .await
                        .map(|_| ())?,
                }
            }
            Command::TicketAction(action, n, note) => self.case_action(user, action, n, &note, channel).await?,
            Command::Link(target, account) => {
                if self.tx.account(&account).await?.is_none() {
                    self.say(channel, Some(&user.id), None, format!("There is no account {account}.")).await?;
                    return Ok(());
                }
                let mut u = self.tx.user(&target).await?.unwrap_or(User {
                    id: target.clone(),
                    roles: crate::domain::roles::Roles::CUSTOMER,
                    account: None,
                });
                u.account = Some(account.clone());
                self.tx.put_user(&u).await?;
                self.audit(user.id.as_str(), None, AuditAction::UserLinked, format!("{target} -> {account}"), None)
                    .await?;
                self.say(channel, Some(&user.id), None, format!("Linked {target} to account {account}.")).await?;
                // Cases the user opened before being linked now belong to the account.
                for mut c in self.tx.open_cases_of(&target).await? {
                    if c.account.is_none() {
                        c.account = Some(account.clone());
                        c.updated_at = self.now;
                        self.tx.update_case(&c).await?;
                        self.push_ticket(&c).await?;
                        let linked = Msg::new("linked-now")
                            .with("account", account.to_string())
                            .with("case", c.number.to_string());
                        self.tell_customer(&c, linked).await?;
                    }
                }
            }
        }
        Ok(())
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
        for u in self.tx.users_of_account(account).await? {
            if u.id != *by {
                let text = format!(
                    "We added {} {cur} to your wallet as a goodwill credit ({reason}). Your balance is now {} {cur}.",
                    cur.format(amount),
                    cur.format(balance)
                );
                self.say("dm", Some(&u.id), None, text).await?;
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
        self.deny(&user.id, channel, why.clone()).await?;
        let on = account.map(|a| format!(" (account {a})")).unwrap_or_default();
        self.audit(user.id.as_str(), None, AuditAction::AccessDenied, format!("{}{on}: {why}", user.id), None).await?;
        Ok(false)
    }

    /// `/approve` and `/reject`: the request named (`RF-000001#2`), or the case's only
    /// waiting one. With several waiting and none named, they are listed and nothing
    /// changes.
    async fn vote_by_command(&mut self, user: &User, req: RequestRef, vote: Vote, channel: &str) -> EngineResult<()> {
        let case = req.case;
        let refunds = self.tx.refunds_of_case(case).await?;
        if refunds.is_empty() {
            self.say(channel, Some(&user.id), Some(case), format!("{case} has no refund request.")).await?;
            return Ok(());
        }
        let chosen = match req.nth {
            Some(n) => match usize::try_from(n).ok().and_then(|n| refunds.get(n - 1)) {
                Some(r) => r.clone(),
                None => {
                    let text = format!("{case} has {} refund request(s); there is no #{n}.", refunds.len());
                    self.say(channel, Some(&user.id), Some(case), text).await?;
                    return Ok(());
                }
            },
            None => {
                let waiting: Vec<(usize, &Refund)> =
                    refunds.iter().enumerate().filter(|(_, r)| r.status.is_open()).collect();
                match waiting.as_slice() {
                    [(_, only)] => (*only).clone(),
                    [] => match refunds.last() {
                        Some(r) => r.clone(),
                        None => return Ok(()),
                    },
                    several => {
                        let list: Vec<String> = several
                            .iter()
                            .map(|(i, r)| {
                                format!(
                                    "\n• {case}#{}: {} {} on {}, {}",
                                    i + 1,
                                    r.currency.format(r.amount),
                                    r.currency,
                                    r.charge,
                                    r.status.as_str().replace('_', " ")
                                )
                            })
                            .collect();
                        let verb = if vote == Vote::Approve { "/approve" } else { "/reject" };
                        let text = format!(
                            "{case} has {} open refund requests; nothing was changed. Say which one, e.g. {verb} {case}#{}:{}",
                            several.len(),
                            several[0].0 + 1,
                            list.concat()
                        );
                        self.say(channel, Some(&user.id), Some(case), text).await?;
                        return Ok(());
                    }
                }
            }
        };
        self.vote(user, chosen, vote, true, channel, true).await
    }

    /// `/reply`: staff speak to the case's customer (notes given with `/ticket …` stay
    /// internal).
    async fn reply(&mut self, user: &User, n: CaseNumber, text: &str, channel: &str) -> EngineResult<()> {
        let Some(case) = self.tx.case(n).await? else {
            self.say(channel, Some(&user.id), None, format!("I can't find a case {n}.")).await?;
            return Ok(());
        };
        self.tell_customer(&case, Msg::new("support-message").with("case", n.to_string()).with("text", text)).await?;
        self.audit(user.id.as_str(), Some(n), AuditAction::CaseReply, format!("to {}: {text}", case.customer), None)
            .await?;
        self.say(channel, Some(&user.id), Some(n), format!("Sent to {} on {n}.", case.customer)).await?;
        Ok(())
    }

    /// `/queue`: what waits for staff, oldest first — refunds waiting for a lead, then
    /// open cases — with their age and who must act.
    pub(crate) async fn queue_words(&mut self) -> EngineResult<String> {
        const MAX: u32 = 25;
        let age = |t: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Utc>| {
            let m = (now - t).num_minutes().max(0);
            if m < 60 {
                format!("{m} min")
            } else if m < 48 * 60 {
                format!("{} h", m / 60)
            } else {
                format!("{} d", m / (24 * 60))
            }
        };
        let mut lines = Vec::new();
        let waiting = self.tx.waiting_refunds(MAX).await?;
        for r in &waiting {
            let who = match r.status {
                RefundStatus::OnHold => "a lead (on hold: the charge is disputed)".to_string(),
                _ => {
                    let have = r.standing_approvers.len();
                    format!("{} more lead(s), not {}", usize::from(r.leads_needed).saturating_sub(have), r.requested_by)
                }
            };
            lines.push(format!(
                "• {} {} {} on {} — waiting {} — needs {who}",
                r.case,
                r.currency.format(r.amount),
                r.currency,
                r.charge,
                age(r.requested_at, self.now)
            ));
        }
        for c in self.tx.open_cases(MAX).await? {
            let who = match c.status {
                CaseStatus::AwaitingInfo => "the customer (asked which charge)",
                CaseStatus::AwaitingApproval => "a lead (refund requested)",
                CaseStatus::Escalated => "a lead (escalated)",
                _ => "an agent",
            };
            let charge = c.charge.as_ref().map(|ch| format!(" on {ch}")).unwrap_or_default();
            lines.push(format!(
                "• {} {} ({}){charge} — {} — idle {} — next: {who}",
                c.number,
                c.intent.as_str().replace('_', " "),
                c.customer,
                c.status.as_str().replace('_', " "),
                age(c.updated_at, self.now)
            ));
        }
        if lines.is_empty() {
            return Ok("The queue is empty: no open case and no refund waiting for a lead.".into());
        }
        Ok(format!("Queue (oldest first, at most {MAX} of each):\n{}", lines.join("\n")))
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
                    self.say(
                        channel,
                        Some(&user.id),
                        Some(n),
                        format!("{n} is not linked to a charge yet: use /refund <charge-id> to name it."),
                    )
                    .await?;
                    return Ok(());
                };
                let Some(charge) = self.tx.charge_for_update(&charge_id).await? else {
                    self.say(
                        channel,
                        Some(&user.id),
                        Some(n),
                        format!("The charge {charge_id} of {n} is not in the billing data."),
                    )
                    .await?;
                    return Ok(());
                };
                (charge, Some(case))
            }
            Target::Charge(id) => {
                // Locked until commit: the cap check below and the refund inserted after it
                // happen with no other reservation against this charge in between.
                let Some(charge) = self.tx.charge_for_update(&id).await? else {
                    self.say(channel, Some(&user.id), None, format!("I can't find a charge {id}.")).await?;
                    return Ok(());
                };
                (charge, None)
            }
        };
        let act = if is_override { Act::OverridePolicy } else { Act::RequestRefund };
        if !self.authorize(user, act, Some(&charge.account), channel).await? {
            return Ok(());
        }
        // The money settings of the charge's currency (thresholds, auto-approve).
        let policy = match self.policy_in(charge.currency) {
            Ok(p) => p,
            Err(why) => return self.refuse(user, &charge, case, &why.to_string(), None, channel).await,
        };
        let e = self.eligibility_of(&charge, amount).await?;
        let (refund_amount, rule) = match (&e.decision, is_override) {
            (Decision::Eligible { amount }, _) => (*amount, e.rule.as_str().to_string()),
            // Never past what was paid, never in another currency, never on a chargeback.
            (
                Decision::Refused(
                    r @ (Refusal::WrongCurrency { .. } | Refusal::Disputed | Refusal::FinerThanMinorUnit { .. }),
                ),
                true,
            ) => {
                let _ = r;
                return self.refuse(user, &charge, case, &e.explain(), e.refusal(), channel).await;
            }
            (Decision::Refused(_), true) => {
                let asked = amount.map(|a| a.0).unwrap_or_default();
                let left = charge.amount - self.on_charge(&charge.id, None).await?;
                if asked > left {
                    let c = charge.currency;
                    let text = format!(
                        "An override cannot refund more than what is left of the charge: {} {c}.",
                        c.format(left.max(Decimal::ZERO))
                    );
                    return self.refuse(user, &charge, case, &text, None, channel).await;
                }
                (asked, "override".to_string())
            }
            (Decision::Refused(_), false) => {
                return self.refuse(user, &charge, case, &e.explain(), e.refusal(), channel).await
            }
        };
        // Refunding credits bought through the bot takes them back: not once they are spent.
        if let Some(why) = self.credits_short(&charge.id, refund_amount).await? {
            return self.refuse(user, &charge, case, &why, None, channel).await;
        }
        // An amount the charge's provider cannot write exactly is refused now, before any
        // lead approves (never rounded on the way out).
        if let Some(Err(why)) =
            self.engine.connectors.get(&charge.provider).map(|c| c.representable(refund_amount, charge.currency))
        {
            let text = format!("This refund cannot be sent: {why}.");
            return self.refuse(user, &charge, case, &text, None, channel).await;
        }
        // The case: given, or the open one about this charge, or the account's newest open
        // case without a charge, or a new one.
        let mut case = match case {
            Some(c) => c,
            None => {
                let open = self.tx.open_cases_of_account(&charge.account).await?;
                match open
                    .iter()
                    .find(|c| c.charge.as_ref() == Some(&charge.id))
                    .or_else(|| open.iter().find(|c| c.charge.is_none()))
                    .cloned()
                {
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
        // Everything else on the charge counts toward the two-lead threshold and the
        // auto-approve amount, so that splitting a refund gains nothing.
        let on_charge = self.on_charge(&charge.id, None).await?;
        let leads = leads_needed(refund_amount, on_charge, is_override, &policy);
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
            standing_approvers: vec![],
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
            AuditAction::RefundRequested,
            format!("{} by {}: {why}; reason: {reason}", refund_words(&refund), user.id),
            Some(&rule),
        )
        .await?;
        let requester_today =
            self.tx.auto_approved_sum(&user.id, charge.currency, self.now - chrono::Duration::hours(24)).await?;
        if auto_approves(refund_amount, on_charge, requester_today, is_override, &policy) {
            refund.approved_by = vec![UserId::new("auto")];
            self.tx.update_refund(&refund).await?;
            self.push_refund(&refund).await?;
            self.audit(
                "system",
                Some(case.number),
                AuditAction::RefundAutoApproved,
                format!(
                    "eligible, and with the {} {cur} already on the charge below the auto-approve amount of {} {cur}",
                    cur.format(on_charge),
                    cur.format(policy.auto_approve_below.unwrap_or_default())
                ),
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
                Some(Msg::new("why-auto-approved").with("amount", money.as_str())),
            )
            .await?;
            return Ok(());
        }
        let approvals = self.engine.cfg.approvals_channel.clone();
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
        let why = Msg::new("why-agent-requested").with("amount", money.as_str());
        self.set_status(&mut case, CaseStatus::AwaitingApproval, user.id.as_str(), Some(why)).await?;
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
            None => self
                .tx
                .open_cases_of_account(&charge.account)
                .await?
                .into_iter()
                .find(|c| c.charge.as_ref() == Some(&charge.id)),
        };
        let n = case.as_ref().map(|c| c.number);
        let why = why.trim_end_matches('.');
        let mut text = format!("No refund requested for {}: {why}.", charge.id);
        if matches!(refusal, Some(Refusal::TooOld { .. })) {
            text.push_str(" A lead can give a goodwill credit with /wallet credit <account> <amount> <reason>.");
        } else if user.roles.has(Role::Lead)
            && refusal.is_some_and(|r| {
                !matches!(r, Refusal::Disputed | Refusal::WrongCurrency { .. } | Refusal::FinerThanMinorUnit { .. })
            })
        {
            text.push_str(
                " As a lead you can override: /refund <charge> <amount> override <reason> (needs two other leads).",
            );
        }
        self.say(channel, Some(&user.id), n, text).await?;
        self.audit(
            user.id.as_str(),
            n,
            AuditAction::RefundRefused,
            format!("{}: {why}", charge.id),
            refusal.map(crate::app::report::refusal_rule),
        )
        .await?;
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
                Some(Msg::new("why-chargeback-with-bank")),
            )
            .await?;
        }
        Ok(())
    }

    async fn open_case_for_charge(&mut self, user: &User, charge: &Charge, channel: &str) -> EngineResult<Case> {
        let number = self.tx.next_case_number().await?;
        let customer = self
            .tx
            .users_of_account(&charge.account)
            .await?
            .into_iter()
            .find(|u| u.roles.has(Role::Customer))
            .map(|u| u.id);
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
        self.audit(
            user.id.as_str(),
            Some(number),
            AuditAction::CaseOpened,
            format!("by {} for charge {}", user.id, charge.id),
            None,
        )
        .await?;
        Ok(case)
    }

    async fn case_action(
        &mut self,
        user: &User,
        action: CaseAction,
        n: CaseNumber,
        note: &str,
        channel: &str,
    ) -> EngineResult<()> {
        let Some(mut case) = self.tx.case(n).await? else {
            self.say(channel, Some(&user.id), None, format!("I can't find a case {n}.")).await?;
            return Ok(());
        };
        if action == CaseAction::Reopen {
            // One open case per charge (Tickets 1): reopening a second one is refused.
            if let (Some(ch), Some(acct)) = (&case.charge, &case.account) {
                let open = self.tx.open_cases_of_account(acct).await?;
                if let Some(other) = open.iter().find(|c| c.number != n && c.charge.as_ref() == Some(ch)) {
                    let text = format!(
                        "{n} was not reopened: {} is already open about charge {ch}; continue there.",
                        other.number
                    );
                    self.say(channel, Some(&user.id), Some(n), text).await?;
                    return Ok(());
                }
            }
        }
        let refunds = self.tx.refunds_of_case(n).await?;
        let in_flight = refunds.iter().any(|r| r.status.is_open());
        match case.apply(action, in_flight) {
            Ok(status) => {
                // A note is internal: it goes to the audit trail, never to the customer
                // (`/reply` speaks to them).
                self.set_status(&mut case, status, user.id.as_str(), None).await?;
                if !note.is_empty() {
                    self.audit(user.id.as_str(), Some(n), AuditAction::CaseNote, note.to_string(), None).await?;
                }
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
            s.push_str(&format!(
                "\nrefund {} {} ({}): {}{by}",
                r.currency.format(r.amount),
                r.currency,
                r.rule,
                r.status.as_str()
            ));
        }
        s.push_str(&format!(
            "\nopened {}, updated {}",
            c.opened_at.format("%Y-%m-%d %H:%M UTC"),
            c.updated_at.format("%Y-%m-%d %H:%M UTC")
        ));
        s.push_str("\nhistory:");
        for a in self.tx.audit_of(c.number).await? {
            // Customers see what happened to their case; staff see every step and who took it.
            // Internal notes and staff-only steps never reach the customer.
            const CUSTOMER_SEES: [AuditAction; 4] =
                [AuditAction::CaseOpened, AuditAction::CaseStatus, AuditAction::CaseMessage, AuditAction::CaseReply];
            if staff || CUSTOMER_SEES.iter().any(|&action| a.is(action)) {
                let who = if staff { format!(" {}", a.actor) } else { String::new() };
                s.push_str(&format!("\n  {}{who} {}: {}", a.at.format("%Y-%m-%d %H:%M UTC"), a.action, a.detail));
            }
        }
        Ok(s)
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

/// `/help`: the commands this person's roles allow, one per line.
fn help_for(roles: crate::domain::roles::Roles) -> String {
    let lines: [(Act, &str); 12] = [
        (Act::RequestRefund, command::USAGE_REFUND),
        (Act::ApproveRefund, command::USAGE_APPROVE),
        (Act::ViewWallet, "/wallet [account]  (customers: their own)"),
        (Act::CreditGoodwill, "/wallet credit <account> <amount> <reason…>"),
        (Act::BuyCredits, "/wallet buy <credits>"),
        (Act::ViewCase, "/ticket <case-id>  (customers: their own)"),
        (Act::ChangeCase, "/ticket close|escalate|reopen <case-id> [note…]  (the note stays internal)"),
        (Act::ReplyToCustomer, command::USAGE_REPLY),
        (Act::SeeQueue, command::USAGE_QUEUE),
        (Act::LinkUser, command::USAGE_LINK),
        (Act::OverridePolicy, "(leads) /refund <charge-id|case-id> <amount> override <reason…>: a policy override, two other leads approve"),
        (Act::Help, "/help"),
    ];
    let mine: Vec<&str> =
        lines.iter().filter(|(act, _)| permissions::check_role(roles, *act).is_ok()).map(|(_, l)| *l).collect();
    format!("Commands:\n{}", mine.join("\n"))
}
