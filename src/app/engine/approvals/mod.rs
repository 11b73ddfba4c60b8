//! Approvals: reactions and `/approve`/`/reject` votes on refund and goodwill requests,
//! the re-checks at quorum and just before paying (roles, conflicts, the threshold with
//! everything on the charge, eligibility, disputes), holds, the credits a refunded
//! purchase takes back, and expiry. One unit of work each, like every handler.
//! Here: reactions, votes and their outcomes, approval, expiry, what the customer hears
//! when a request ends; `quorum.rs` (the re-checks at quorum, holds), `credits.rs` (credits
//! taken back and given back), `goodwill.rs` (votes on goodwill credits).

mod credits;
mod goodwill;
mod quorum;

use super::work::{refund_words, Work};
use super::{Actor, EngineResult, ReactTarget};
use crate::app::l10n::Msg;
use crate::app::ports::{StoreError, User, VoteRow};
use crate::domain::approvals::{Ignored, Outcome, Refund, RefundStatus, Vote};
use crate::domain::audit::AuditAction;
use crate::domain::ids::{CaseNumber, UserId};
use crate::domain::permissions::Act;
use crate::domain::roles::Role;
use crate::domain::tickets::CaseStatus;
use quorum::AtQuorum;
use rust_decimal::Decimal;

pub(crate) use credits::Direction;
pub(crate) use quorum::Payable;

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

    /// Applies one vote: the approver's conflict of interest checked, the outcome decided
    /// on the refund, the voter's stored approval written (compare-and-set), then what the
    /// outcome means done and said.
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
            Outcome::Ignored(why) => self.vote_ignored(user, refund.case, why, added, by_command, channel).await,
            Outcome::Counted { have, need } => {
                refund.standing_approvers.push(user.id.clone());
                let did = "approved the refund for";
                self.approval_moved(user, &refund, AuditAction::RefundApprovalCounted, did, (have, need)).await
            }
            Outcome::Withdrawn { have, need } => {
                refund.standing_approvers.retain(|u| *u != user.id);
                let did = "withdrew their approval for";
                self.approval_moved(user, &refund, AuditAction::RefundApprovalWithdrawn, did, (have, need)).await
            }
            Outcome::Rejected => self.rejected_by_vote(user, &mut refund).await,
            Outcome::Approved { by } => self.approved_by_vote(user, &mut refund, by).await,
        }
    }

    /// A vote that changed nothing: a denial is told and audited; otherwise the voter
    /// learns why when they asked by command or added a reaction that does not just
    /// repeat itself.
    async fn vote_ignored(
        &mut self,
        user: &User,
        case_no: CaseNumber,
        why: Ignored,
        added: bool,
        by_command: bool,
        channel: &str,
    ) -> EngineResult<()> {
        if why.is_denial() {
            self.deny(&user.id, channel, format!("{} ({case_no})", why.explain())).await?;
            self.audit(user.id.as_str(), Some(case_no), AuditAction::RefundVoteRefused, why.explain(), None).await?;
        } else if by_command || (added && why != Ignored::NotCounted) {
            // A repeated ✅, or a vote on a decided request, is answered too: the
            // person learns why nothing happened.
            self.say(channel, Some(&user.id), Some(case_no), format!("Nothing changed: {}.", why.explain())).await?;
        }
        Ok(())
    }

    /// An approval counted or withdrawn before quorum (`refund.standing_approvers` already
    /// changed): stored, audited, announced in the approvals channel.
    async fn approval_moved(
        &mut self,
        user: &User,
        refund: &Refund,
        action: AuditAction,
        did: &str,
        (have, need): (u8, u8),
    ) -> EngineResult<()> {
        let case_no = refund.case;
        self.tx.update_refund(refund).await?;
        self.audit(user.id.as_str(), Some(case_no), action, format!("{have} of {need} leads"), None).await?;
        let approvals = self.engine.cfg.approvals_channel.clone();
        self.say(&approvals, None, Some(case_no), format!("{} {did} {case_no} ({have} of {need} leads).", user.id))
            .await?;
        Ok(())
    }

    /// A lead rejected the request: rejected, credits taken back at approval returned,
    /// said, and the case moved as far as its other requests allow.
    async fn rejected_by_vote(&mut self, user: &User, refund: &mut Refund) -> EngineResult<()> {
        let case_no = refund.case;
        self.audit(user.id.as_str(), Some(case_no), AuditAction::RefundRejected, refund_words(refund), None).await?;
        let was_approved = !refund.approved_by.is_empty();
        self.set_refund_status(refund, RefundStatus::Rejected).await?;
        if was_approved {
            self.move_credits(refund, Direction::GiveBack).await?;
        }
        let approvals = self.engine.cfg.approvals_channel.clone();
        self.say(
            &approvals,
            None,
            Some(case_no),
            format!("{} rejected the {} for {case_no}.", user.id, refund_words(refund)),
        )
        .await?;
        self.after_one_request_ends(case_no, refund, user.id.as_str(), Msg::new("request-not-approved")).await
    }

    /// Quorum reached: re-checked (`at_quorum`), then approved for the runner to pay,
    /// exactly once, after the commit.
    async fn approved_by_vote(&mut self, user: &User, refund: &mut Refund, by: Vec<UserId>) -> EngineResult<()> {
        let by = match self.at_quorum(user, refund, by).await? {
            AtQuorum::Pay(by) => by,
            AtQuorum::Short => return Ok(()),
        };
        refund.standing_approvers = by.clone();
        refund.approved_by = by;
        self.approve(refund, user.id.as_str()).await?;
        let names: Vec<_> = refund.approved_by.iter().map(|u| u.to_string()).collect();
        let approvals = self.engine.cfg.approvals_channel.clone();
        self.say(
            &approvals,
            None,
            Some(refund.case),
            format!("Refund for {} approved by {}; paying it now.", refund.case, names.join(" and ")),
        )
        .await?;
        Ok(())
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
