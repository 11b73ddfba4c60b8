//! One unit of work: a store transaction plus the helpers every handler uses to speak,
//! record and audit. Everything pushed here commits together.

use super::{Actor, Engine, EngineResult, ReactTarget};
use crate::app::action::Action;
use crate::app::ports::{StoreTx, User};
use crate::domain::approvals::{leads_needed, GoodwillRequest, GoodwillStatus, Ignored, Outcome, Refund, RefundStatus, Vote};
use crate::domain::audit::AuditRecord;
use crate::domain::billing::{plan_usage, price_credits, Charge, ChargeKind, EntryKind, PaymentMethod, WalletEntry};
use crate::domain::ids::{AccountId, CaseNumber, ChargeId, UserId};
use crate::domain::permissions::{self, Act, Denial, Whose};
use crate::domain::roles::{Role, Roles};
use crate::domain::tickets::{Case, CaseStatus};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

pub(crate) struct Work<'e> {
    pub tx: Box<dyn StoreTx>,
    pub now: DateTime<Utc>,
    pub e: &'e Engine,
}

impl<'e> Work<'e> {
    pub fn new(tx: Box<dyn StoreTx>, now: DateTime<Utc>, e: &'e Engine) -> Work<'e> {
        Work { tx, now, e }
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
                channel: channel.to_string(),
                to: to.map(|u| u.to_string()),
                case: case.map(|c| c.to_string()),
                text: text.into(),
            })
            .await?;
        Ok(r)
    }

    pub async fn deny(&mut self, user: &UserId, channel: &str, reason: impl Into<String>) -> EngineResult<()> {
        self.tx.push(Action::Denied { user: user.to_string(), reason: reason.into(), channel: channel.to_string() }).await?;
        Ok(())
    }

    pub async fn audit(
        &mut self,
        actor: &str,
        case: Option<CaseNumber>,
        action: &str,
        detail: impl Into<String>,
        rule: Option<&str>,
    ) -> EngineResult<()> {
        self.tx
            .append_audit(&AuditRecord {
                at: self.now,
                actor: actor.to_string(),
                case: case.map(|c| c.to_string()),
                action: action.to_string(),
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
            "case.status",
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
            self.audit("system", None, "user.roles", format!("{}: {was} -> {now}", actor.id), None).await?;
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
                "message.card_redacted",
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

    pub async fn reaction(&mut self, actor: &Actor, emoji: &str, target: &ReactTarget, added: bool) -> EngineResult<()> {
        let cfg = &self.e.cfg;
        let vote = if cfg.approve_emojis.iter().any(|e| e == emoji) {
            Vote::Approve
        } else if cfg.reject_emojis.iter().any(|e| e == emoji) {
            Vote::Reject
        } else {
            return Ok(()); // other emojis are conversation, not votes
        };
        let refund = match target {
            ReactTarget::Message(r) => match self.tx.refund_by_message(r).await? {
                Some(refund) => Some(refund),
                None => match self.tx.goodwill_by_message(r).await? {
                    Some(g) if added => {
                        let user = self.user(actor).await?;
                        return self.goodwill_vote(&user, g, vote).await;
                    }
                    _ => None,
                },
            },
            ReactTarget::ApprovalOf(case) => self.tx.refunds_of_case(*case).await?.into_iter().next_back(),
        };
        let Some(refund) = refund else {
            // A vote on a message that is no request: staff are told (customers' reactions
            // on the bot's replies are conversation).
            let user = self.user(actor).await?;
            if added && user.roles.is_staff() {
                let channel = self.e.cfg.approvals_channel.clone();
                self.say(&channel, Some(&user.id), None, "Nothing changed: that message is not a refund or goodwill request waiting for approval.")
                    .await?;
            }
            return Ok(());
        };
        let user = self.user(actor).await?;
        let channel = self.e.cfg.approvals_channel.clone();
        self.vote(&user, refund, vote, added, &channel, false).await
    }

    /// A vote on a refund request, by reaction (`added`/removed) or by `/approve` and
    /// `/reject` (`by_command`, which answers even when nothing changes).
    pub async fn vote(&mut self, user: &User, mut refund: Refund, vote: Vote, added: bool, channel: &str, by_command: bool) -> EngineResult<()> {
        let is_lead = user.roles.has(Role::Lead);
        if added && vote == Vote::Approve && is_lead {
            // Conflict of interest: no approving a refund to one's own account.
            if let Some(charge) = self.tx.charge(&refund.charge).await? {
                if !self.authorize(user, Act::ApproveRefund, Some(&charge.account), channel).await? {
                    return Ok(());
                }
            }
        }
        let outcome = if added { refund.react(&user.id, is_lead, vote, self.now) } else { refund.unreact(&user.id, vote, self.now) };
        let case_no = refund.case;
        let approvals = self.e.cfg.approvals_channel.clone();
        match outcome {
            Outcome::Ignored(why) => {
                if why.is_denial() {
                    self.deny(&user.id, channel, format!("{} ({case_no})", why.explain())).await?;
                    self.audit(user.id.as_str(), Some(case_no), "refund.vote_refused", why.explain(), None).await?;
                } else if by_command || (added && why != Ignored::NotCounted) {
                    // A repeated ✅, or a vote on a decided request, is answered too: the
                    // person learns why nothing happened.
                    self.say(channel, Some(&user.id), Some(case_no), format!("Nothing changed: {}.", why.explain())).await?;
                }
            }
            Outcome::Counted { have, need } => {
                refund.approvals.push(user.id.clone());
                self.tx.update_refund(&refund).await?;
                self.audit(user.id.as_str(), Some(case_no), "refund.approval_counted", format!("{have} of {need} leads"), None).await?;
                self.say(&approvals, None, Some(case_no), format!("{} approved the refund for {case_no} ({have} of {need} leads).", user.id)).await?;
            }
            Outcome::Withdrawn { have, need } => {
                refund.approvals.retain(|u| *u != user.id);
                self.tx.update_refund(&refund).await?;
                self.audit(user.id.as_str(), Some(case_no), "refund.approval_withdrawn", format!("{have} of {need} leads"), None).await?;
                self.say(&approvals, None, Some(case_no), format!("{} withdrew their approval for {case_no} ({have} of {need} leads).", user.id))
                    .await?;
            }
            Outcome::Rejected => {
                self.audit(user.id.as_str(), Some(case_no), "refund.rejected", refund_words(&refund), None).await?;
                let was_approved = !refund.approved_by.is_empty();
                self.set_refund_status(&mut refund, RefundStatus::Rejected).await?;
                if was_approved {
                    self.move_credits(&refund, Direction::GiveBack).await?;
                }
                self.say(&approvals, None, Some(case_no), format!("{} rejected the {} for {case_no}.", user.id, refund_words(&refund))).await?;
                self.after_one_request_ends(case_no, &refund, user.id.as_str(), "was not approved").await?;
            }
            Outcome::Approved { by } => {
                let by = match self.at_quorum(user, &mut refund, by).await? {
                    AtQuorum::Pay(by) => by,
                    AtQuorum::Short => return Ok(()),
                };
                refund.approvals = by.clone();
                refund.approved_by = by;
                self.approve(&mut refund, user.id.as_str()).await?;
                let names: Vec<_> = refund.approved_by.iter().map(|u| u.to_string()).collect();
                self.say(&approvals, None, Some(case_no), format!("Refund for {case_no} approved by {}; paying it now.", names.join(" and ")))
                    .await?;
            }
        }
        Ok(())
    }

    /// A second lead's reaction on a goodwill request: ✅ credits it, ❌ refuses it.
    async fn goodwill_vote(&mut self, user: &User, mut g: GoodwillRequest, vote: Vote) -> EngineResult<()> {
        let approvals = self.e.cfg.approvals_channel.clone();
        if vote == Vote::Approve && user.roles.has(Role::Lead) && !self.authorize(user, Act::CreditGoodwill, Some(&g.account), &approvals).await? {
            return Ok(());
        }
        let cur = g.currency;
        let money = format!("{} {cur}", cur.format(g.amount));
        match g.react(&user.id, user.roles.has(Role::Lead), vote, self.now) {
            Outcome::Approved { .. } => {
                g.status = GoodwillStatus::Credited;
                g.decided_by = Some(user.id.clone());
                self.tx.update_goodwill(&g).await?;
                let by = g.requested_by.clone();
                self.credit_goodwill(&by, Some(&user.id), &g.account, cur, g.amount, &g.reason, &approvals).await
            }
            Outcome::Rejected => {
                g.status = GoodwillStatus::Rejected;
                g.decided_by = Some(user.id.clone());
                self.tx.update_goodwill(&g).await?;
                self.audit(user.id.as_str(), None, "wallet.goodwill_rejected", format!("{}: {money}: {}", g.account, g.reason), None).await?;
                self.say(
                    &approvals,
                    Some(&g.requested_by),
                    None,
                    format!("{} refused the goodwill credit of {money} to {}; nothing was credited.", user.id, g.account),
                )
                .await?;
                Ok(())
            }
            Outcome::Ignored(why) if why.is_denial() => {
                self.deny(&user.id, &approvals, format!("{} (goodwill credit to {})", why.explain(), g.account)).await?;
                self.audit(user.id.as_str(), None, "wallet.goodwill_vote_refused", why.explain(), None).await
            }
            _ => Ok(()),
        }
    }

    /// One refund request of a case ended without money moving (rejected, refused at
    /// quorum): the customer hears about that request and the rest of the case's money
    /// truthfully, and the case moves only as far as the whole case allows.
    pub async fn after_one_request_ends(&mut self, case_no: CaseNumber, ended: &Refund, actor: &str, how: &str) -> EngineResult<()> {
        let Some(mut case) = self.tx.case(case_no).await? else { return Ok(()) };
        let refunds = self.tx.refunds_of_case(case_no).await?;
        let others_open = refunds.iter().any(|r| r.id != ended.id && r.status.is_open());
        let paid = refunds.iter().any(|r| r.status == RefundStatus::Succeeded);
        let this = format!("The refund request of {} {} for charge {} {how}.", ended.currency.format(ended.amount), ended.currency, ended.charge);
        let history = money_so_far(&refunds);
        if others_open {
            self.tell_customer(&case, format!("{this} {history}")).await
        } else if paid {
            self.set_status(&mut case, CaseStatus::Resolved, actor, &format!("{this} {history}")).await
        } else {
            self.set_status(&mut case, CaseStatus::Rejected, actor, &format!("{this} Nothing has been refunded on this case.")).await
        }
    }

    /// Quorum was reached: before anything is paid, check again what may have changed
    /// since the request. Every approver must still be a lead with no stake in the
    /// account (roles as the store knows them now), the two-lead threshold is counted
    /// with everything else on the charge now, and the refund must still be eligible (a
    /// dispute opened meanwhile puts it on hold).
    async fn at_quorum(&mut self, voter: &User, refund: &mut Refund, by: Vec<UserId>) -> EngineResult<AtQuorum> {
        let case_no = refund.case;
        let approvals = self.e.cfg.approvals_channel.clone();
        let charge = self.tx.charge(&refund.charge).await?;
        let mut valid = Vec::new();
        for id in by {
            let current = if id == voter.id { Some(voter.clone()) } else { self.tx.user(&id).await? };
            let verdict = match (&current, &charge) {
                (None, _) => Some("is no longer known to the bot".to_string()),
                (Some(_), _) if id == refund.requested_by => Some("requested this refund".to_string()),
                (Some(u), Some(c)) => {
                    let whose = if u.account.as_ref() == Some(&c.account) { Whose::Own } else { Whose::Other };
                    permissions::check(u.roles, Act::ApproveRefund, whose).err().map(|d| match d {
                        Denial::ConflictOfInterest(_) => "is linked to the account being refunded".to_string(),
                        _ => "is no longer a lead".to_string(),
                    })
                }
                (Some(u), None) => (!u.roles.has(Role::Lead)).then(|| "is no longer a lead".to_string()),
            };
            match verdict {
                None => valid.push(id),
                Some(why) => {
                    self.audit("system", Some(case_no), "refund.approval_dropped", format!("{id}'s approval no longer counts: {why}"), None).await?;
                    self.say(&approvals, None, Some(case_no), format!("{id}'s approval for {case_no} no longer counts: {why}.")).await?;
                }
            }
        }
        let on_charge = self.on_charge(&refund.charge, Some(refund.id)).await?;
        let need = match self.e.cfg.policy.in_currency(refund.currency) {
            Ok(p) => refund.leads_needed.max(leads_needed(refund.amount, on_charge, refund.is_override, &p)),
            Err(_) => refund.leads_needed.max(2), // settings removed since the request: the stricter rule
        };
        let have = u8::try_from(valid.len()).unwrap_or(u8::MAX);
        if have < need {
            refund.approvals = valid;
            let raised = need > refund.leads_needed;
            refund.leads_needed = need;
            self.tx.update_refund(refund).await?;
            let more = if raised { format!(" With the other refunds on {} it now needs {need} leads.", refund.charge) } else { String::new() };
            self.audit(voter.id.as_str(), Some(case_no), "refund.approval_counted", format!("{have} of {need} leads"), None).await?;
            self.say(&approvals, None, Some(case_no), format!("{} approved the refund for {case_no} ({have} of {need} leads).{more}", voter.id))
                .await?;
            return Ok(AtQuorum::Short);
        }
        let payable = match self.still_payable(refund, charge.as_ref(), on_charge) {
            Payable::Yes => match self.credits_short(&refund.charge, refund.amount).await? {
                Some(why) => Payable::No(why),
                None => Payable::Yes,
            },
            other => other,
        };
        match payable {
            Payable::Yes => Ok(AtQuorum::Pay(valid)),
            Payable::Hold(why) => {
                refund.approvals = valid;
                self.hold(refund, &why).await?;
                Ok(AtQuorum::Short)
            }
            Payable::No(why) => {
                refund.approvals = valid;
                self.audit("system", Some(case_no), "refund.rejected", format!("{}: no longer eligible: {why}", refund_words(refund)), None).await?;
                self.set_refund_status(refund, RefundStatus::Rejected).await?;
                self.say(&approvals, None, Some(case_no), format!("The refund for {case_no} was not paid: it is no longer eligible ({why})."))
                    .await?;
                self.after_one_request_ends(case_no, refund, "system", "could not go ahead as asked; an agent will follow up").await?;
                Ok(AtQuorum::Short)
            }
        }
    }

    /// Whether an approved (or about to be approved) refund may still be paid, judged on
    /// the data as it is now. Time-based rules are judged at the request's time, as the
    /// policy says; a dispute or the cap, as they stand now.
    pub fn still_payable(&self, refund: &Refund, charge: Option<&Charge>, on_charge: Decimal) -> Payable {
        let Some(charge) = charge else { return Payable::No(format!("the charge {} is no longer in the billing data", refund.charge)) };
        if charge.disputed {
            return Payable::Hold("the charge is disputed (an open chargeback): refunding it too would pay the customer twice".into());
        }
        let left = charge.amount - on_charge;
        if refund.amount > left {
            let c = charge.currency;
            return Payable::No(format!("only {} {c} of the charge is left to refund", c.format(left.max(Decimal::ZERO))));
        }
        Payable::Yes
    }

    /// Puts a refund on hold (no money moved): stored, approvers and customer told,
    /// the case escalated to a lead.
    pub async fn hold(&mut self, refund: &mut Refund, why: &str) -> EngineResult<()> {
        refund.next_attempt_at = None;
        self.set_refund_status(refund, RefundStatus::OnHold).await?;
        self.tx.release_refund(refund.id).await?;
        self.announce_hold(refund, why).await
    }

    /// What is said and recorded when a refund goes on hold (the status is already stored).
    pub async fn announce_hold(&mut self, refund: &Refund, why: &str) -> EngineResult<()> {
        let case_no = refund.case;
        let words = refund_words(refund);
        self.audit("system", Some(case_no), "refund.on_hold", format!("{words}: {why}"), Some("disputed")).await?;
        let approvals = self.e.cfg.approvals_channel.clone();
        self.say(
            &approvals,
            None,
            Some(case_no),
            format!("The {words} for {case_no} is on hold and nothing was paid: {why}. A lead can call it off with /reject {case_no}."),
        )
        .await?;
        if let Some(mut case) = self.tx.case(case_no).await? {
            self.set_status(
                &mut case,
                CaseStatus::Escalated,
                "system",
                "The charge is disputed with your bank, so the refund is on hold and a lead takes the case over.",
            )
            .await?;
        }
        Ok(())
    }

    /// The wallet value to take back when `refund` is paid: credits bought through the
    /// bot with this charge, in proportion to the part refunded.
    pub async fn credits_of_refund(&mut self, charge: &ChargeId, amount: Decimal) -> EngineResult<Option<(Charge, Decimal)>> {
        let Some(value) = self.tx.credit_purchase(charge).await? else { return Ok(None) };
        let Some(charge) = self.tx.charge(charge).await? else { return Ok(None) };
        if charge.amount.is_zero() {
            return Ok(None);
        }
        let share = charge.currency.round(value * amount / charge.amount);
        Ok(Some((charge, share)))
    }

    /// Why a refund of a credits purchase cannot be paid: its credits were spent.
    pub async fn credits_short(&mut self, charge: &ChargeId, amount: Decimal) -> EngineResult<Option<String>> {
        let Some((charge, share)) = self.credits_of_refund(charge, amount).await? else { return Ok(None) };
        let cur = charge.currency;
        let balance = self.tx.wallet_balance(&charge.account, cur).await?;
        Ok((balance < share).then(|| {
            format!(
                "refunding it takes back the {} {cur} of credits it bought, but the wallet holds only {} {cur}: the credits have been used",
                cur.format(share),
                cur.format(balance)
            )
        }))
    }

    /// Takes a refunded purchase's credits out of the wallet (when it is approved), or
    /// gives them back (when the refund fails or is called off after approval).
    pub async fn move_credits(&mut self, refund: &Refund, dir: Direction) -> EngineResult<()> {
        let Some((charge, share)) = self.credits_of_refund(&refund.charge, refund.amount).await? else { return Ok(()) };
        if share.is_zero() {
            return Ok(());
        }
        let cur = charge.currency;
        let (amount, what) = match dir {
            Direction::TakeBack => (-share, format!("credits of {} taken back: it is being refunded", charge.id)),
            Direction::GiveBack => (share, format!("credits of {} given back: its refund was not paid", charge.id)),
        };
        self.tx
            .add_wallet_entry(&WalletEntry {
                account: charge.account.clone(),
                currency: cur,
                amount,
                kind: EntryKind::Adjustment,
                actor: "system".into(),
                reason: what.clone(),
                at: self.now,
            })
            .await?;
        let balance = self.tx.wallet_balance(&charge.account, cur).await?;
        self.tx
            .push(Action::Wallet {
                account: charge.account.to_string(),
                balance: cur.format(balance),
                currency: cur.to_string(),
                reason: "adjustment".into(),
            })
            .await?;
        self.audit("system", Some(refund.case), "wallet.adjustment", format!("{}: {} {cur} ({what})", charge.account, cur.format(amount)), None).await
    }

    /// Approved: recorded as `executing` with its idempotency key in this same
    /// transaction, so that the runner pays it exactly once after the commit.
    pub async fn approve(&mut self, refund: &mut Refund, actor: &str) -> EngineResult<()> {
        self.set_refund_status(refund, RefundStatus::Approved).await?;
        refund.first_attempt_at = Some(self.now);
        refund.next_attempt_at = Some(self.now);
        refund.attempts = 0;
        self.set_refund_status(refund, RefundStatus::Executing).await?;
        self.move_credits(refund, Direction::TakeBack).await?;
        let by: Vec<_> = refund.approved_by.iter().map(|u| u.to_string()).collect();
        self.audit(actor, Some(refund.case), "refund.approved", format!("{} approved by {}", refund_words(refund), by.join(", ")), Some(&refund.rule))
            .await
    }

    pub async fn usage(&mut self, account_id: &AccountId, conversations: u64) -> EngineResult<()> {
        let Some(account) = self.tx.account(account_id).await? else {
            tracing::warn!(account = %account_id, "usage for an unknown account ignored");
            return Ok(());
        };
        let cur = account.currency;
        let policy = match self.e.cfg.policy.in_currency(cur) {
            Ok(p) => p,
            Err(why) => {
                tracing::warn!(account = %account.id, "usage refused: {why}");
                return self
                    .audit("system", None, "wallet.usage_refused", format!("{}: {conversations} conversation(s): {why}", account.id), None)
                    .await;
            }
        };
        let balance = self.tx.wallet_balance(&account.id, cur).await?;
        let mut plan = plan_usage(balance, conversations, cur, account.auto_recharge.as_ref(), &policy);
        let mut notices = Vec::new();
        if !plan.recharges.is_empty() && self.e.cfg.wallet.provider != "sandbox" {
            // A real provider: the sandbox must not pretend to charge the card, and
            // off-session charging needs a saved customer and payment method the bot does
            // not keep yet. Nothing is bought; the customer is told.
            plan = plan_usage(balance, conversations, cur, None, &policy);
            let provider = super::purchase::display(&self.e.cfg.wallet.provider);
            notices.push(format!(
                "Auto-recharge is on for {}, but paydesk cannot charge your saved card through {provider} yet, so nothing was charged and no credits were bought. Buy credits with /wallet buy <credits>.",
                account.id
            ));
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
            self.audit(
                "system",
                None,
                &format!("wallet.{}", kind.as_str()),
                format!("{}: {} {cur} ({detail})", account.id, cur.format(*amount)),
                None,
            )
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
            self.audit("system", None, "wallet.usage_refused", text.clone(), None).await?;
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

    /// An approval request not approved in time expires (Approval 5).
    pub async fn expire(&mut self, id: crate::domain::ids::RefundId) -> EngineResult<bool> {
        let Some(mut refund) = self.tx.refund(id).await? else { return Ok(false) };
        if !refund.is_expired_at(self.now) {
            return Ok(false);
        }
        self.set_refund_status(&mut refund, RefundStatus::Expired).await?;
        let hours = self.e.cfg.policy.approval_expiry_hours;
        self.audit("system", Some(refund.case), "refund.expired", format!("{} not approved within {hours} hours", refund_words(&refund)), None)
            .await?;
        let approvals = self.e.cfg.approvals_channel.clone();
        self.say(&approvals, None, Some(refund.case), format!("The refund request for {} expired: not approved within {hours} hours.", refund.case))
            .await?;
        if let Some(mut case) = self.tx.case(refund.case).await? {
            if case.status == CaseStatus::AwaitingApproval {
                self.set_status(&mut case, CaseStatus::Open, "system", "The refund request was not approved in time; an agent will follow up.")
                    .await?;
            }
        }
        Ok(true)
    }

    /// Credits bought by a customer for their own account.
    pub async fn buy_credits(&mut self, user: &User, account: &AccountId, credits: u32, channel: &str) -> EngineResult<()> {
        let Some(acct) = self.tx.account(account).await? else { return Ok(()) };
        let cur = acct.currency;
        let policy = match self.e.cfg.policy.in_currency(cur) {
            Ok(p) => p,
            Err(why) => {
                self.say(channel, Some(&user.id), None, format!("No credits were bought: {why}.")).await?;
                return Ok(());
            }
        };
        let p = price_credits(credits, cur, &policy);
        if self.e.cfg.wallet.provider != "sandbox" {
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
            "wallet.purchase",
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

/// Which way a refunded purchase's credits move.
pub(crate) enum Direction {
    TakeBack,
    GiveBack,
}

/// What quorum turned out to mean once re-checked.
enum AtQuorum {
    /// Pay it, approved by these leads.
    Pay(Vec<UserId>),
    /// Not paid now (short of leads, held or refused): already stored and said.
    Short,
}

/// Whether a refund may still be paid.
pub(crate) enum Payable {
    Yes,
    /// Stop without paying and let a lead decide (a dispute).
    Hold(String),
    /// No longer eligible.
    No(String),
}

/// The money of a case in one sentence: what was refunded, what is on its way, what is
/// waiting — never "nothing was refunded" when something was.
pub(crate) fn money_so_far(refunds: &[Refund]) -> String {
    let sum = |pred: &dyn Fn(&Refund) -> bool| -> Vec<String> {
        let mut by_cur: Vec<(crate::domain::money::Currency, Decimal)> = Vec::new();
        for r in refunds.iter().filter(|r| pred(r)) {
            match by_cur.iter_mut().find(|(c, _)| *c == r.currency) {
                Some((_, total)) => *total += r.amount,
                None => by_cur.push((r.currency, r.amount)),
            }
        }
        by_cur.into_iter().map(|(c, a)| format!("{} {c}", c.format(a))).collect()
    };
    let paid = sum(&|r| r.status == RefundStatus::Succeeded);
    let moving = sum(&|r| matches!(r.status, RefundStatus::Approved | RefundStatus::Executing));
    let waiting = sum(&|r| matches!(r.status, RefundStatus::AwaitingApproval | RefundStatus::OnHold));
    let mut parts = Vec::new();
    if !paid.is_empty() {
        parts.push(format!("{} refunded", paid.join(" and ")));
    }
    if !moving.is_empty() {
        parts.push(format!("{} being paid", moving.join(" and ")));
    }
    if !waiting.is_empty() {
        parts.push(format!("{} waiting for approval", waiting.join(" and ")));
    }
    if parts.is_empty() {
        "Nothing has been refunded on this case.".to_string()
    } else {
        format!("So far on this case: {}.", parts.join("; "))
    }
}

/// "49.00 USD on ch_2" — how a refund is named in messages and the audit trail.
pub(crate) fn refund_words(r: &Refund) -> String {
    format!("refund of {} {} on {}", r.currency.format(r.amount), r.currency, r.charge)
}
