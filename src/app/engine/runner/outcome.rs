//! The provider's word on a refund, recorded: paid (credit note, case resolved), failed,
//! pending (asked again), reversed after it was paid, or unknown — a refund that may have
//! been paid is never marked failed.

use super::super::approvals::Direction;
use super::super::work::{refund_words, Work};
use super::super::EngineResult;
use super::{Answered, RunReport, LOOKUP_PACE_SECS, UNKNOWN_ESCALATE_SECS};
use crate::app::l10n::Msg;
use crate::app::ports::{ConnectorError, ProviderRefund, ProviderStatus};
use crate::domain::approvals::{next_attempt, Refund, RefundStatus};
use crate::domain::audit::AuditAction;
use crate::domain::billing::CreditNote;
use crate::domain::tickets::CaseStatus;
use chrono::Duration;

impl Work<'_> {
    /// The provider's answer applied: its word (`provider_says`); a failed lookup or a
    /// lost answer never fails a refund that may have been paid; a refusal fails it; a
    /// transient error is retried on the schedule.
    pub(super) async fn apply_answer(
        &mut self,
        refund: &mut Refund,
        answered: Answered,
        report: &mut RunReport,
    ) -> EngineResult<()> {
        match answered.answer {
            Ok(ProviderRefund { provider_ref, status }) => {
                match &status {
                    ProviderStatus::Succeeded => report.succeeded += 1,
                    ProviderStatus::Failed(_) => report.failed += 1,
                    ProviderStatus::Pending => {}
                }
                self.provider_says(refund, provider_ref, status).await?;
            }
            Err(ConnectorError::Permanent(why) | ConnectorError::Transient(why) | ConnectorError::Ambiguous(why))
                if answered.lookup_failed =>
            {
                // It may have been paid: never failed. Ask again later; leads told once.
                self.outcome_unknown(refund, &why).await?;
            }
            Err(ConnectorError::Permanent(why)) => {
                self.fail(refund, &why).await?;
                report.failed += 1;
            }
            Err(ConnectorError::Ambiguous(why)) if answered.was_lookup => {
                // Asked (nothing was found), called again, and lost the answer again.
                refund.needs_lookup = true;
                self.outcome_unknown(refund, &why).await?;
            }
            Err(ConnectorError::Ambiguous(why)) => {
                // The provider may have made it: look up by key at once, before any retry.
                refund.needs_lookup = true;
                refund.last_error = Some(why.clone());
                refund.next_attempt_at = Some(self.now);
                self.tx.update_refund(refund).await?;
                self.tx.release_refund(refund.id).await?;
                self.audit(
                    "system",
                    Some(refund.case),
                    AuditAction::RefundOutcomeUnknown,
                    format!("{}: {why}; asking the provider before any retry", refund_words(refund)),
                    None,
                )
                .await?;
            }
            Err(ConnectorError::Transient(why)) => {
                self.schedule_retry(refund, &why).await?;
            }
        }
        Ok(())
    }

    /// The provider's word on an executing refund — from the call, a lookup or a
    /// webhook (`provider.rs`): one path for all of them. Paid: credit note, case
    /// resolved, everyone told. Not paid: failed, case escalated. Pending: keep it
    /// executing and ask again (by its reference) every `LOOKUP_PACE_SECS`.
    pub(crate) async fn provider_says(
        &mut self,
        refund: &mut Refund,
        provider_ref: String,
        status: ProviderStatus,
    ) -> EngineResult<()> {
        let known_pending = refund.needs_lookup && refund.provider_ref.as_deref() == Some(provider_ref.as_str());
        refund.provider_ref = Some(provider_ref);
        match status {
            ProviderStatus::Succeeded => self.succeed(refund).await,
            ProviderStatus::Failed(why) => self.fail(refund, &why).await,
            ProviderStatus::Pending => {
                // Accepted; the final word comes by webhook or by the status sync.
                refund.needs_lookup = true;
                refund.next_attempt_at = Some(self.now + Duration::seconds(LOOKUP_PACE_SECS));
                self.tx.update_refund(refund).await?;
                self.tx.release_refund(refund.id).await?;
                self.pending_too_long(refund).await?;
                if known_pending {
                    return Ok(()); // still pending: nothing new to record
                }
                self.audit(
                    "system",
                    Some(refund.case),
                    AuditAction::RefundPending,
                    format!("{} accepted by {}, outcome pending", refund_words(refund), refund.provider),
                    None,
                )
                .await
            }
        }
    }

    async fn schedule_retry(&mut self, refund: &mut Refund, why: &str) -> EngineResult<()> {
        let first = refund.first_attempt_at.unwrap_or(self.now);
        refund.last_error = Some(why.to_string());
        match next_attempt(first, refund.attempts) {
            Some(at) => {
                // When time has jumped past the schedule (a replay's tick, or a process
                // that was down), the attempt is due at once: all of them stay within 30
                // minutes of the first.
                refund.next_attempt_at = Some(at);
                self.tx.update_refund(refund).await?;
                self.tx.release_refund(refund.id).await?;
                self.audit(
                    "system",
                    Some(refund.case),
                    AuditAction::RefundRetryScheduled,
                    format!("{}: {why}; attempt {} at {}", refund_words(refund), refund.attempts + 1, at.to_rfc3339()),
                    None,
                )
                .await
            }
            None if refund.needs_lookup => self.outcome_unknown(refund, why).await,
            None => {
                let msg = format!("gave up after {} attempts in 30 minutes: {why}", refund.attempts);
                self.fail(refund, &msg).await
            }
        }
    }

    /// The provider may have made this refund and has not said so either way: keep it
    /// executing and ask again on a backoff that grows with the time since the first
    /// attempt (1 to 10 minutes). Once 30 minutes have passed, the leads are told — once
    /// — what is known, and the case is escalated. Never `failed`: only the provider's
    /// final status (by lookup or webhook) or a definite "no such refund" ends this.
    pub(crate) async fn outcome_unknown(&mut self, refund: &mut Refund, why: &str) -> EngineResult<()> {
        let first = refund.first_attempt_at.unwrap_or(self.now);
        let elapsed = (self.now - first).num_seconds().max(0);
        refund.needs_lookup = true;
        refund.last_error = Some(why.to_string());
        refund.next_attempt_at = Some(self.now + Duration::seconds((elapsed / 2).clamp(60, LOOKUP_PACE_SECS)));
        self.tx.update_refund(refund).await?;
        self.tx.release_refund(refund.id).await?;
        let words = refund_words(refund);
        let at = refund.next_attempt_at.map(|a| a.to_rfc3339()).unwrap_or_default();
        self.audit(
            "system",
            Some(refund.case),
            AuditAction::RefundOutcomeUnknown,
            format!("{words}: {why}; asking the provider again at {at}"),
            None,
        )
        .await?;
        if elapsed < UNKNOWN_ESCALATE_SECS {
            return Ok(());
        }
        let marker = format!("refund {} ({})", refund.id.0, refund.idempotency_key);
        let warned = self
            .tx
            .audit_of(refund.case)
            .await?
            .iter()
            .any(|a| a.is(AuditAction::RefundMayHaveBeenPaid) && a.detail.contains(&marker));
        if warned {
            return Ok(());
        }
        let pref = refund.provider_ref.as_deref().map(|p| format!(", provider ref {p}")).unwrap_or_default();
        self.audit(
            "system",
            Some(refund.case),
            AuditAction::RefundMayHaveBeenPaid,
            format!("{marker}: {words} through {}{pref}: no answer for 30 minutes ({why})", refund.provider),
            None,
        )
        .await?;
        let approvals = self.engine.cfg.approvals_channel.clone();
        let requester = refund.requested_by.clone();
        self.say(
            &approvals,
            Some(&requester),
            Some(refund.case),
            format!(
                "The {words} for {} may have been paid; do not re-issue it. {} has not confirmed it for 30 minutes (last answer: {why}){pref}; \
                 the bot keeps asking and will record the outcome.",
                refund.case, refund.provider
            ),
        )
        .await?;
        if let Some(mut case) = self.tx.case(refund.case).await? {
            // (`set_status` leaves an already escalated case as it is.)
            self.set_status(&mut case, CaseStatus::Escalated, "system", Some(Msg::new("why-provider-not-confirmed")))
                .await?;
        }
        Ok(())
    }

    /// A refund the provider has kept pending for `pending_escalation` (24 hours by
    /// default) is escalated to the leads, once.
    async fn pending_too_long(&mut self, refund: &Refund) -> EngineResult<()> {
        let since = refund.first_attempt_at.unwrap_or(self.now);
        let limit = self.engine.cfg.pending_escalation;
        if self.now - since < limit {
            return Ok(());
        }
        let marker = format!("refund {} ({})", refund.id.0, refund.idempotency_key);
        if self
            .tx
            .audit_of(refund.case)
            .await?
            .iter()
            .any(|a| a.is(AuditAction::RefundPendingTooLong) && a.detail.contains(&marker))
        {
            return Ok(());
        }
        let words = refund_words(refund);
        let hours = limit.num_hours();
        let pref = refund.provider_ref.clone().unwrap_or_default();
        self.audit(
            "system",
            Some(refund.case),
            AuditAction::RefundPendingTooLong,
            format!("{marker}: {words} pending at {} (ref {pref})", refund.provider),
            None,
        )
        .await?;
        let approvals = self.engine.cfg.approvals_channel.clone();
        self.say(
            &approvals,
            None,
            Some(refund.case),
            format!(
                "The {words} for {} is still pending after {hours} hours at {} (ref {pref}). Check it with the provider; do not re-issue it.",
                refund.case, refund.provider
            ),
        )
        .await?;
        if let Some(mut case) = self.tx.case(refund.case).await? {
            // (`set_status` leaves an already escalated case as it is.)
            self.set_status(&mut case, CaseStatus::Escalated, "system", Some(Msg::new("why-provider-not-finished")))
                .await?;
        }
        Ok(())
    }

    /// Paid: credit note, case resolved, customer and approvers told (Approval 9).
    async fn succeed(&mut self, refund: &mut Refund) -> EngineResult<()> {
        refund.needs_lookup = false;
        refund.last_error = None;
        refund.next_attempt_at = None;
        self.set_refund_status(refund, RefundStatus::Succeeded).await?;
        self.tx.release_refund(refund.id).await?;
        self.tx
            .add_credit_note(&CreditNote {
                charge: refund.charge.clone(),
                amount: refund.amount,
                currency: refund.currency,
                at: self.now,
                issued_by: refund.requested_by.clone(),
            })
            .await?;
        let words = refund_words(refund);
        let pref = refund.provider_ref.clone().unwrap_or_default();
        self.audit(
            "system",
            Some(refund.case),
            AuditAction::RefundSucceeded,
            format!("{words} paid by {} (ref {pref}); credit note issued", refund.provider),
            Some(&refund.rule),
        )
        .await?;
        let approvals = self.engine.cfg.approvals_channel.clone();
        self.say(
            &approvals,
            None,
            Some(refund.case),
            format!("Paid: {words} for {} (provider ref {pref}).", refund.case),
        )
        .await?;
        if let Some(mut case) = self.tx.case(refund.case).await? {
            let sent = match self.tx.charge(&refund.charge).await?.and_then(|c| c.card_last4) {
                Some(last4) => Msg::new("refund-sent-to-card").with("last4", last4),
                None => Msg::new("refund-sent"),
            };
            let sent = sent
                .with("amount", format!("{} {}", refund.currency.format(refund.amount), refund.currency))
                .with("charge", refund.charge.to_string());
            self.tell_customer(&case, sent).await?;
            let others_pending = self.tx.refunds_of_case(refund.case).await?.iter().any(|r| {
                r.id != refund.id
                    && matches!(
                        r.status,
                        RefundStatus::AwaitingApproval | RefundStatus::Approved | RefundStatus::Executing
                    )
            });
            if !others_pending {
                self.set_status(&mut case, CaseStatus::Resolved, "system", None).await?;
            }
        }
        Ok(())
    }

    /// Paid, then reversed or failed by the provider (the money came back): the credit
    /// note is voided by a balancing note, the case reopens escalated, and approvers and
    /// customer are told in plain words.
    pub(crate) async fn reverse(&mut self, refund: &mut Refund, why: &str) -> EngineResult<()> {
        refund.last_error = Some(why.to_string());
        refund.next_attempt_at = None;
        refund.needs_lookup = false;
        self.set_refund_status(refund, RefundStatus::Reversed).await?;
        // The customer did not keep the refund: credits it took back return to the wallet.
        self.move_credits(refund, Direction::GiveBack).await?;
        self.tx
            .add_credit_note(&CreditNote {
                charge: refund.charge.clone(),
                amount: -refund.amount,
                currency: refund.currency,
                at: self.now,
                issued_by: refund.requested_by.clone(),
            })
            .await?;
        let words = refund_words(refund);
        let pref = refund.provider_ref.clone().unwrap_or_default();
        self.audit(
            "system",
            Some(refund.case),
            AuditAction::RefundReversed,
            format!("{words} (ref {pref}) was reversed by {} after it was paid: {why}; credit note voided by a balancing note", refund.provider),
            None,
        )
        .await?;
        let approvals = self.engine.cfg.approvals_channel.clone();
        let requester = refund.requested_by.clone();
        self.say(
            &approvals,
            Some(&requester),
            Some(refund.case),
            format!(
                "The {words} for {} was reversed by {} after it had been paid ({why}). The money went back; the credit note was voided and the case is reopened for a lead.",
                refund.case, refund.provider
            ),
        )
        .await?;
        if let Some(mut case) = self.tx.case(refund.case).await? {
            let returned = Msg::new("refund-returned")
                .with("amount", format!("{} {}", refund.currency.format(refund.amount), refund.currency))
                .with("charge", refund.charge.to_string());
            self.tell_customer(&case, returned).await?;
            self.set_status(&mut case, CaseStatus::Escalated, "system", None).await?;
        }
        Ok(())
    }

    pub(super) async fn fail(&mut self, refund: &mut Refund, why: &str) -> EngineResult<()> {
        refund.last_error = Some(why.to_string());
        refund.next_attempt_at = None;
        self.set_refund_status(refund, RefundStatus::Failed).await?;
        self.tx.release_refund(refund.id).await?;
        self.move_credits(refund, Direction::GiveBack).await?;
        let words = refund_words(refund);
        self.audit("system", Some(refund.case), AuditAction::RefundFailed, format!("{words}: {why}"), None).await?;
        let approvals = self.engine.cfg.approvals_channel.clone();
        let requester = refund.requested_by.clone();
        self.say(
            &approvals,
            Some(&requester),
            Some(refund.case),
            format!("The {words} for {} failed: {why}.", refund.case),
        )
        .await?;
        if let Some(mut case) = self.tx.case(refund.case).await? {
            self.set_status(&mut case, CaseStatus::Escalated, "system", Some(Msg::new("why-refund-not-sent"))).await?;
        }
        Ok(())
    }
}
