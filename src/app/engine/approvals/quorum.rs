//! Quorum re-checked before anything is paid (approvers, the two-lead threshold with
//! everything on the charge, eligibility, disputes), and holds.

use super::super::work::{refund_words, Work};
use super::super::EngineResult;
use crate::app::l10n::Msg;
use crate::app::ports::{User, VoteRow};
use crate::domain::approvals::{leads_needed, Refund, RefundStatus};
use crate::domain::audit::AuditAction;
use crate::domain::billing::Charge;
use crate::domain::ids::UserId;
use crate::domain::permissions::{self, Act, Denial, Whose};
use crate::domain::roles::Role;
use crate::domain::tickets::CaseStatus;
use rust_decimal::Decimal;

impl Work<'_> {
    /// Quorum was reached: before anything is paid, check again what may have changed
    /// since the request. Every approver must still be a lead with no stake in the
    /// account (roles as the store knows them now), the two-lead threshold is counted
    /// with everything else on the charge now, and the refund must still be eligible (a
    /// dispute opened meanwhile puts it on hold).
    pub(super) async fn at_quorum(
        &mut self,
        voter: &User,
        refund: &mut Refund,
        by: Vec<UserId>,
    ) -> EngineResult<AtQuorum> {
        let charge = self.tx.charge(&refund.charge).await?;
        let valid = self.approvers_still_valid(voter, refund, charge.as_ref(), by).await?;
        let on_charge = self.on_charge(&refund.charge, Some(refund.id)).await?;
        let need = match self.engine.cfg.policy.in_currency(refund.currency) {
            Ok(p) => refund.leads_needed.max(leads_needed(refund.amount, on_charge, refund.is_override, &p)),
            Err(_) => refund.leads_needed.max(2), // settings removed since the request: the stricter rule
        };
        let have = u8::try_from(valid.len()).unwrap_or(u8::MAX);
        if have < need {
            refund.standing_approvers = valid;
            self.short_of_leads(voter, refund, have, need).await?;
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
                self.no_longer_eligible(refund, &why).await?;
                Ok(AtQuorum::Short)
            }
        }
    }

    /// The approvers of `by` who may still approve: each other one's approval is dropped
    /// (its stored vote withdrawn with the compare-and-set), audited and announced.
    async fn approvers_still_valid(
        &mut self,
        voter: &User,
        refund: &Refund,
        charge: Option<&Charge>,
        by: Vec<UserId>,
    ) -> EngineResult<Vec<UserId>> {
        let case_no = refund.case;
        let approvals = self.engine.cfg.approvals_channel.clone();
        let mut valid = Vec::new();
        for id in by {
            let current = if id == voter.id { Some(voter.clone()) } else { self.tx.user(&id).await? };
            match why_approval_lapsed(&id, current.as_ref(), refund, charge) {
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
        Ok(valid)
    }

    /// Fewer valid approvals than leads needed now: the refund waits for more (the
    /// number needed raised when other refunds on the charge count against it).
    async fn short_of_leads(&mut self, voter: &User, refund: &mut Refund, have: u8, need: u8) -> EngineResult<()> {
        let case_no = refund.case;
        let approvals = self.engine.cfg.approvals_channel.clone();
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
        Ok(())
    }

    /// At quorum the refund is no longer eligible: rejected (nothing paid), said, and
    /// the case moved as far as its other requests allow.
    async fn no_longer_eligible(&mut self, refund: &mut Refund, why: &str) -> EngineResult<()> {
        let case_no = refund.case;
        let approvals = self.engine.cfg.approvals_channel.clone();
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
        self.after_one_request_ends(case_no, refund, "system", Msg::new("request-not-as-asked")).await
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
}

/// Why the approval of `id` (`current`: as the store knows them now) no longer counts, or
/// `None` when it still does.
fn why_approval_lapsed(
    id: &UserId,
    current: Option<&User>,
    refund: &Refund,
    charge: Option<&Charge>,
) -> Option<String> {
    match (current, charge) {
        (None, _) => Some("is no longer known to the bot".to_string()),
        (Some(_), _) if *id == refund.requested_by => Some("requested this refund".to_string()),
        (Some(u), Some(c)) => {
            let whose = if u.account.as_ref() == Some(&c.account) { Whose::Own } else { Whose::Other };
            permissions::check(u.roles, Act::ApproveRefund, whose).err().map(|d| match d {
                Denial::ConflictOfInterest(_) => "is linked to the account being refunded".to_string(),
                _ => "is no longer a lead".to_string(),
            })
        }
        (Some(u), None) => (!u.roles.has(Role::Lead)).then(|| "is no longer a lead".to_string()),
    }
}

/// What quorum turned out to mean once re-checked.
pub(super) enum AtQuorum {
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
