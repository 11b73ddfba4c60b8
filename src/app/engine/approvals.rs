//! Approvals: reactions and `/approve`/`/reject` votes on refund and goodwill requests,
//! the re-checks at quorum and just before paying (roles, conflicts, the threshold with
//! everything on the charge, eligibility, disputes), holds, the credits a refunded
//! purchase takes back, and expiry. One unit of work each, like every handler.

use super::work::{refund_words, Work};
use super::{Actor, EngineResult, ReactTarget};
use crate::app::action::Action;
use crate::app::l10n::Msg;
use crate::app::ports::{StoreError, User, VoteRow};
use crate::domain::approvals::{
    leads_needed, GoodwillRequest, GoodwillStatus, Ignored, Outcome, Refund, RefundStatus, Vote,
};
use crate::domain::audit::AuditAction;
use crate::domain::billing::{Charge, EntryKind, WalletEntry};
use crate::domain::ids::{CaseNumber, ChargeId, UserId};
use crate::domain::permissions::{self, Act, Denial, Whose};
use crate::domain::roles::Role;
use crate::domain::tickets::CaseStatus;
use rust_decimal::Decimal;

impl Work<'_> {
    pub async fn reaction(
        &mut self,
        actor: &Actor,
        emoji: &str,
        target: &ReactTarget,
        added: bool,
    ) -> EngineResult<()> {
        self.reaction_seen(actor, emoji, target, added, None).await
    }

    /// A reaction as the chat platform has it (`present`), observed at `seen` (µs; `None`:
    /// a toggle event applied now). Observations of one voter apply newest first: one that
    /// arrives after a newer one was applied changes nothing (see [`Work::vote_at`]).
    pub async fn reaction_seen(
        &mut self,
        actor: &Actor,
        emoji: &str,
        target: &ReactTarget,
        added: bool,
        seen: Option<i64>,
    ) -> EngineResult<()> {
        let cfg = &self.engine.cfg;
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
                let channel = self.engine.cfg.approvals_channel.clone();
                self.say(
                    &channel,
                    Some(&user.id),
                    None,
                    "Nothing changed: that message is not a refund or goodwill request waiting for approval.",
                )
                .await?;
            }
            return Ok(());
        };
        let user = self.user(actor).await?;
        let channel = self.engine.cfg.approvals_channel.clone();
        self.vote_at(&user, refund, vote, added, &channel, false, seen).await
    }

    /// A vote on a refund request, by reaction (`added`/removed) or by `/approve` and
    /// `/reject` (`by_command`, which answers even when nothing changes).
    pub async fn vote(
        &mut self,
        user: &User,
        refund: Refund,
        vote: Vote,
        added: bool,
        channel: &str,
        by_command: bool,
    ) -> EngineResult<()> {
        self.vote_at(user, refund, vote, added, channel, by_command, None).await
    }

    /// A vote, applied as a compare-and-set on the stored approval of (refund, voter)
    /// in this transaction, which also evaluates quorum from the approvals stored as
    /// standing: the row is read, the outcome decided, and the new state written only if
    /// the row is still as read (else `StoreError::Conflict`: the whole event runs again).
    /// With `seen` (an observation of the reaction, µs), an observation not newer than the
    /// stored one changes nothing, so an add handled after a later removal (events run
    /// out of order, or by two instances) never brings a withdrawn approval back; and an
    /// observation that repeats the stored state is silent.
    #[allow(clippy::too_many_arguments)]
    pub async fn vote_at(
        &mut self,
        user: &User,
        mut refund: Refund,
        vote: Vote,
        added: bool,
        channel: &str,
        by_command: bool,
        seen: Option<i64>,
    ) -> EngineResult<()> {
        let stored = self.tx.vote(refund.id, &user.id).await?;
        if let (Some(s), Some(row)) = (seen, stored) {
            if s <= row.seq {
                tracing::debug!(refund = refund.id.0, voter = %user.id, "an older observation of a vote arrived late; ignored");
                return Ok(());
            }
        }
        let seq = seen.unwrap_or_else(|| stored.map_or(0, |r| r.seq + 1).max(self.now.timestamp_micros()));
        let was = stored.is_some_and(|r| r.present);
        if vote == Vote::Approve {
            // The stored rows are the truth about who approved (the refund's copy may be
            // older than another process's commit).
            refund.standing_approvers = self.tx.standing_approvals(refund.id).await?;
            if seen.is_some() && was == added {
                // The reaction stands as already recorded: remember the newer observation.
                return self.cas_vote(&refund, &user.id, stored, VoteRow { present: was, seq }).await;
            }
        }
        self.vote_once(user, refund, vote, added, channel, by_command, stored, seq).await
    }

    /// Writes one voter's approval with the compare-and-set; a lost race is a conflict.
    async fn cas_vote(
        &mut self,
        refund: &Refund,
        voter: &UserId,
        from: Option<VoteRow>,
        to: VoteRow,
    ) -> EngineResult<()> {
        if self.tx.set_vote(refund.id, voter, from, to).await? {
            Ok(())
        } else {
            Err(StoreError::Conflict(format!("the vote of {voter} on refund {} changed meanwhile", refund.id.0).into())
                .into())
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn vote_once(
        &mut self,
        user: &User,
        mut refund: Refund,
        vote: Vote,
        added: bool,
        channel: &str,
        by_command: bool,
        stored: Option<VoteRow>,
        seq: i64,
    ) -> EngineResult<()> {
        let is_lead = user.roles.has(Role::Lead);
        if added && vote == Vote::Approve && is_lead {
            // Conflict of interest: no approving a refund to one's own account.
            if let Some(charge) = self.tx.charge(&refund.charge).await? {
                if !self.authorize(user, Act::ApproveRefund, Some(&charge.account), channel).await? {
                    return Ok(());
                }
            }
        }
        let outcome = if added {
            refund.react(&user.id, is_lead, vote, self.now)
        } else {
            refund.unreact(&user.id, vote, self.now)
        };
        let case_no = refund.case;
        let approvals = self.engine.cfg.approvals_channel.clone();
        let was = stored.is_some_and(|r| r.present);
        if vote == Vote::Approve {
            // Every observation is recorded (an older one arriving later changes nothing);
            // the approval stands after a count, not after a withdrawal.
            let present = match outcome {
                Outcome::Counted { .. } | Outcome::Approved { .. } => true,
                Outcome::Withdrawn { .. } => false,
                _ => was,
            };
            self.cas_vote(&refund, &user.id, stored, VoteRow { present, seq }).await?;
        }
        match outcome {
            Outcome::Ignored(why) => {
                if why.is_denial() {
                    self.deny(&user.id, channel, format!("{} ({case_no})", why.explain())).await?;
                    self.audit(user.id.as_str(), Some(case_no), AuditAction::RefundVoteRefused, why.explain(), None)
                        .await?;
                } else if by_command || (added && why != Ignored::NotCounted) {
                    // A repeated ✅, or a vote on a decided request, is answered too: the
                    // person learns why nothing happened.
                    self.say(channel, Some(&user.id), Some(case_no), format!("Nothing changed: {}.", why.explain()))
                        .await?;
                }
            }
            Outcome::Counted { have, need } => {
                refund.standing_approvers.push(user.id.clone());
                self.tx.update_refund(&refund).await?;
                self.audit(
                    user.id.as_str(),
                    Some(case_no),
                    AuditAction::RefundApprovalCounted,
                    format!("{have} of {need} leads"),
                    None,
                )
                .await?;
                self.say(
                    &approvals,
                    None,
                    Some(case_no),
                    format!("{} approved the refund for {case_no} ({have} of {need} leads).", user.id),
                )
                .await?;
            }
            Outcome::Withdrawn { have, need } => {
                refund.standing_approvers.retain(|u| *u != user.id);
                self.tx.update_refund(&refund).await?;
                self.audit(
                    user.id.as_str(),
                    Some(case_no),
                    AuditAction::RefundApprovalWithdrawn,
                    format!("{have} of {need} leads"),
                    None,
                )
                .await?;
                self.say(
                    &approvals,
                    None,
                    Some(case_no),
                    format!("{} withdrew their approval for {case_no} ({have} of {need} leads).", user.id),
                )
                .await?;
            }
            Outcome::Rejected => {
                self.audit(user.id.as_str(), Some(case_no), AuditAction::RefundRejected, refund_words(&refund), None)
                    .await?;
                let was_approved = !refund.approved_by.is_empty();
                self.set_refund_status(&mut refund, RefundStatus::Rejected).await?;
                if was_approved {
                    self.move_credits(&refund, Direction::GiveBack).await?;
                }
                self.say(
                    &approvals,
                    None,
                    Some(case_no),
                    format!("{} rejected the {} for {case_no}.", user.id, refund_words(&refund)),
                )
                .await?;
                self.after_one_request_ends(case_no, &refund, user.id.as_str(), Msg::new("request-not-approved"))
                    .await?;
            }
            Outcome::Approved { by } => {
                let by = match self.at_quorum(user, &mut refund, by).await? {
                    AtQuorum::Pay(by) => by,
                    AtQuorum::Short => return Ok(()),
                };
                refund.standing_approvers = by.clone();
                refund.approved_by = by;
                self.approve(&mut refund, user.id.as_str()).await?;
                let names: Vec<_> = refund.approved_by.iter().map(|u| u.to_string()).collect();
                self.say(
                    &approvals,
                    None,
                    Some(case_no),
                    format!("Refund for {case_no} approved by {}; paying it now.", names.join(" and ")),
                )
                .await?;
            }
        }
        Ok(())
    }

    /// A second lead's reaction on a goodwill request: ✅ credits it, ❌ refuses it.
    async fn goodwill_vote(&mut self, user: &User, mut g: GoodwillRequest, vote: Vote) -> EngineResult<()> {
        let approvals = self.engine.cfg.approvals_channel.clone();
        if vote == Vote::Approve
            && user.roles.has(Role::Lead)
            && !self.authorize(user, Act::CreditGoodwill, Some(&g.account), &approvals).await?
        {
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
                self.audit(
                    user.id.as_str(),
                    None,
                    AuditAction::WalletGoodwillRejected,
                    format!("{}: {money}: {}", g.account, g.reason),
                    None,
                )
                .await?;
                self.say(
                    &approvals,
                    Some(&g.requested_by),
                    None,
                    format!(
                        "{} refused the goodwill credit of {money} to {}; nothing was credited.",
                        user.id, g.account
                    ),
                )
                .await?;
                Ok(())
            }
            Outcome::Ignored(why) if why.is_denial() => {
                self.deny(&user.id, &approvals, format!("{} (goodwill credit to {})", why.explain(), g.account))
                    .await?;
                self.audit(user.id.as_str(), None, AuditAction::WalletGoodwillVoteRefused, why.explain(), None).await
            }
            _ => Ok(()),
        }
    }

    /// One refund request of a case ended without money moving (rejected, refused at
    /// quorum): the customer hears about that request and the rest of the case's money
    /// truthfully, and the case moves only as far as the whole case allows.
    pub async fn after_one_request_ends(
        &mut self,
        case_no: CaseNumber,
        ended: &Refund,
        actor: &str,
        how: Msg,
    ) -> EngineResult<()> {
        let Some(mut case) = self.tx.case(case_no).await? else { return Ok(()) };
        let refunds = self.tx.refunds_of_case(case_no).await?;
        let others_open = refunds.iter().any(|r| r.id != ended.id && r.status.is_open());
        let paid = refunds.iter().any(|r| r.status == RefundStatus::Succeeded);
        let this = Msg::new("request-ended")
            .with("amount", format!("{} {}", ended.currency.format(ended.amount), ended.currency))
            .with("charge", ended.charge.to_string())
            .with("how", how);
        let history = money_so_far(&refunds);
        if others_open {
            self.tell_customer(&case, Msg::joined(vec![this, history], " ")).await
        } else if paid {
            self.set_status(&mut case, CaseStatus::Resolved, actor, Some(Msg::joined(vec![this, history], " "))).await
        } else {
            self.set_status(
                &mut case,
                CaseStatus::Rejected,
                actor,
                Some(Msg::joined(vec![this, Msg::new("nothing-refunded")], " ")),
            )
            .await
        }
    }

    /// Quorum was reached: before anything is paid, check again what may have changed
    /// since the request. Every approver must still be a lead with no stake in the
    /// account (roles as the store knows them now), the two-lead threshold is counted
    /// with everything else on the charge now, and the refund must still be eligible (a
    /// dispute opened meanwhile puts it on hold).
    async fn at_quorum(&mut self, voter: &User, refund: &mut Refund, by: Vec<UserId>) -> EngineResult<AtQuorum> {
        let case_no = refund.case;
        let approvals = self.engine.cfg.approvals_channel.clone();
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
                    if let Some(row) = self.tx.vote(refund.id, &id).await? {
                        self.cas_vote(refund, &id, Some(row), VoteRow { present: false, seq: row.seq }).await?;
                    }
                    self.audit(
                        "system",
                        Some(case_no),
                        AuditAction::RefundApprovalDropped,
                        format!("{id}'s approval no longer counts: {why}"),
                        None,
                    )
                    .await?;
                    self.say(
                        &approvals,
                        None,
                        Some(case_no),
                        format!("{id}'s approval for {case_no} no longer counts: {why}."),
                    )
                    .await?;
                }
            }
        }
        let on_charge = self.on_charge(&refund.charge, Some(refund.id)).await?;
        let need = match self.engine.cfg.policy.in_currency(refund.currency) {
            Ok(p) => refund.leads_needed.max(leads_needed(refund.amount, on_charge, refund.is_override, &p)),
            Err(_) => refund.leads_needed.max(2), // settings removed since the request: the stricter rule
        };
        let have = u8::try_from(valid.len()).unwrap_or(u8::MAX);
        if have < need {
            refund.standing_approvers = valid;
            let raised = need > refund.leads_needed;
            refund.leads_needed = need;
            self.tx.update_refund(refund).await?;
            let more = if raised {
                format!(" With the other refunds on {} it now needs {need} leads.", refund.charge)
            } else {
                String::new()
            };
            self.audit(
                voter.id.as_str(),
                Some(case_no),
                AuditAction::RefundApprovalCounted,
                format!("{have} of {need} leads"),
                None,
            )
            .await?;
            self.say(
                &approvals,
                None,
                Some(case_no),
                format!("{} approved the refund for {case_no} ({have} of {need} leads).{more}", voter.id),
            )
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
                refund.standing_approvers = valid;
                self.hold(refund, &why).await?;
                Ok(AtQuorum::Short)
            }
            Payable::No(why) => {
                refund.standing_approvers = valid;
                self.audit(
                    "system",
                    Some(case_no),
                    AuditAction::RefundRejected,
                    format!("{}: no longer eligible: {why}", refund_words(refund)),
                    None,
                )
                .await?;
                self.set_refund_status(refund, RefundStatus::Rejected).await?;
                self.say(
                    &approvals,
                    None,
                    Some(case_no),
                    format!("The refund for {case_no} was not paid: it is no longer eligible ({why})."),
                )
                .await?;
                self.after_one_request_ends(case_no, refund, "system", Msg::new("request-not-as-asked")).await?;
                Ok(AtQuorum::Short)
            }
        }
    }

    /// Whether an approved (or about to be approved) refund may still be paid, judged on
    /// the data as it is now. Time-based rules are judged at the request's time, as the
    /// policy says; a dispute or the cap, as they stand now.
    pub fn still_payable(&self, refund: &Refund, charge: Option<&Charge>, on_charge: Decimal) -> Payable {
        let Some(charge) = charge else {
            return Payable::No(format!("the charge {} is no longer in the billing data", refund.charge));
        };
        if charge.disputed {
            return Payable::Hold(
                "the charge is disputed (an open chargeback): refunding it too would pay the customer twice".into(),
            );
        }
        let left = charge.amount - on_charge;
        if refund.amount > left {
            let c = charge.currency;
            return Payable::No(format!(
                "only {} {c} of the charge is left to refund",
                c.format(left.max(Decimal::ZERO))
            ));
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
        self.audit("system", Some(case_no), AuditAction::RefundOnHold, format!("{words}: {why}"), Some("disputed"))
            .await?;
        let approvals = self.engine.cfg.approvals_channel.clone();
        self.say(
            &approvals,
            None,
            Some(case_no),
            format!("The {words} for {case_no} is on hold and nothing was paid: {why}. A lead can call it off with /reject {case_no}."),
        )
        .await?;
        if let Some(mut case) = self.tx.case(case_no).await? {
            self.set_status(&mut case, CaseStatus::Escalated, "system", Some(Msg::new("why-refund-on-hold"))).await?;
        }
        Ok(())
    }

    /// The wallet value to take back when `refund` is paid: credits bought through the
    /// bot with this charge, in proportion to the part refunded.
    pub async fn credits_of_refund(
        &mut self,
        charge: &ChargeId,
        amount: Decimal,
    ) -> EngineResult<Option<(Charge, Decimal)>> {
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
        self.audit(
            "system",
            Some(refund.case),
            AuditAction::WalletAdjustment,
            format!("{}: {} {cur} ({what})", charge.account, cur.format(amount)),
            None,
        )
        .await
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
        self.audit(
            actor,
            Some(refund.case),
            AuditAction::RefundApproved,
            format!("{} approved by {}", refund_words(refund), by.join(", ")),
            Some(&refund.rule),
        )
        .await
    }

    /// An approval request not approved in time expires (Approval 5).
    pub async fn expire(&mut self, id: crate::domain::ids::RefundId) -> EngineResult<bool> {
        let Some(mut refund) = self.tx.refund(id).await? else { return Ok(false) };
        if !refund.is_expired_at(self.now) {
            return Ok(false);
        }
        self.set_refund_status(&mut refund, RefundStatus::Expired).await?;
        let hours = self.engine.cfg.policy.approval_expiry_hours;
        self.audit(
            "system",
            Some(refund.case),
            AuditAction::RefundExpired,
            format!("{} not approved within {hours} hours", refund_words(&refund)),
            None,
        )
        .await?;
        let approvals = self.engine.cfg.approvals_channel.clone();
        self.say(
            &approvals,
            None,
            Some(refund.case),
            format!("The refund request for {} expired: not approved within {hours} hours.", refund.case),
        )
        .await?;
        if let Some(mut case) = self.tx.case(refund.case).await? {
            if case.status == CaseStatus::AwaitingApproval {
                self.set_status(&mut case, CaseStatus::Open, "system", Some(Msg::new("why-approval-timed-out")))
                    .await?;
            }
        }
        Ok(true)
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
pub(crate) fn money_so_far(refunds: &[Refund]) -> Msg {
    let sum = |pred: &dyn Fn(&Refund) -> bool| -> Option<Msg> {
        let mut by_cur: Vec<(crate::domain::money::Currency, Decimal)> = Vec::new();
        for r in refunds.iter().filter(|r| pred(r)) {
            match by_cur.iter_mut().find(|(c, _)| *c == r.currency) {
                Some((_, total)) => *total += r.amount,
                None => by_cur.push((r.currency, r.amount)),
            }
        }
        // "10.00 USD and 5.00 EUR": amounts per currency, joined by the language's "and".
        by_cur
            .into_iter()
            .map(|(c, a)| Msg::verbatim(format!("{} {c}", c.format(a))))
            .reduce(|first, second| Msg::new("and").with("first", first).with("second", second))
    };
    let paid = sum(&|r| r.status == RefundStatus::Succeeded);
    let moving = sum(&|r| matches!(r.status, RefundStatus::Approved | RefundStatus::Executing));
    let waiting = sum(&|r| matches!(r.status, RefundStatus::AwaitingApproval | RefundStatus::OnHold));
    let parts: Vec<Msg> = [(paid, "so-far-refunded"), (moving, "so-far-paying"), (waiting, "so-far-waiting")]
        .into_iter()
        .filter_map(|(amounts, id)| amounts.map(|a| Msg::new(id).with("amounts", a)))
        .collect();
    if parts.is_empty() {
        Msg::new("nothing-refunded")
    } else {
        Msg::new("so-far").with("parts", Msg::joined(parts, "; "))
    }
}
