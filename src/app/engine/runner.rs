//! Paying approved refunds, exactly once.
//!
//! A refund reaches `executing` in the transaction that approves it. Here each due one is
//! leased to this worker (so no other process works on it at the same time), the
//! provider is called with the refund's idempotency key, and the answer is recorded in a
//! new transaction. A lost answer (timeout) is resolved by asking the provider by key
//! before any retry; transient failures are retried on `next_attempt`'s schedule; a
//! crash leaves the refund `executing` and due, so the next start resumes it.

use super::approvals::{Direction, Payable};
use super::work::{refund_words, Work};
use super::{Engine, EngineResult};
use crate::app::l10n::Msg;
use crate::app::ports::{ConnectorError, ProviderRefund, ProviderStatus, RefundCall};
use crate::domain::approvals::{next_attempt, Refund, RefundStatus};
use crate::domain::audit::AuditAction;
use crate::domain::billing::CreditNote;
use crate::domain::tickets::CaseStatus;
use chrono::{DateTime, Duration, Utc};

/// What one pass of the timers did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RunReport {
    pub expired: u32,
    pub attempts: u32,
    pub succeeded: u32,
    pub failed: u32,
}

/// When the outcome of a call is unknown and the schedule is used up, keep asking the
/// provider at this pace: a refund that may have been paid is never marked failed.
const LOOKUP_PACE_SECS: i64 = 600;

/// After this long without a final word on a refund that may have been paid, the leads
/// are told (once): "may have been paid; do not re-issue".
const UNKNOWN_ESCALATE_SECS: i64 = 30 * 60;

impl Engine {
    pub(super) async fn run_refunds(&self, now: DateTime<Utc>, report: &mut RunReport) -> EngineResult<()> {
        // Bounded: a pass handles what is due now; each refund at most a few calls.
        for _ in 0..64 {
            let due = self.store.due_refunds(now, 32).await?;
            if due.is_empty() {
                break;
            }
            for id in due {
                let until = now + self.cfg.lease;
                let Some(refund) = self.store.claim_refund(id, &self.cfg.worker, now, until).await? else {
                    continue; // another worker has it, or it is no longer due
                };
                match self.attempt(refund, now, report).await {
                    // Recording the answer collided with another transaction: nothing was
                    // written; the lease lapses and the refund is resumed (same key).
                    Err(super::EngineError::Store(e)) if e.is_conflict() => {
                        tracing::warn!(refund = id.0, error = %e, "recording a refund answer collided; resumed when its lease lapses")
                    }
                    other => other?,
                }
            }
        }
        Ok(())
    }

    async fn attempt(&self, mut refund: Refund, now: DateTime<Utc>, report: &mut RunReport) -> EngineResult<()> {
        // A plain read: no write lock is needed to learn the charge's amount.
        let charge_amount = self.store.charge(&refund.charge).await?.map(|c| c.amount).unwrap_or(refund.amount);
        let mut call = RefundCall {
            idempotency_key: refund.idempotency_key.clone(),
            refund: refund.id,
            case: refund.case,
            charge: refund.charge.clone(),
            charge_amount,
            amount: refund.amount,
            currency: refund.currency,
            reason: outgoing_reason(&refund.reason),
            provider_ref: refund.provider_ref.clone(),
        };
        let Some(connector) = self.connectors.get(&refund.provider).cloned() else {
            let mut w = self.work(now).await?;
            let msg = format!("no payment connector `{}` is configured", refund.provider);
            w.fail(&mut refund, &msg).await?;
            report.failed += 1;
            return w.commit().await;
        };
        report.attempts += 1;
        // 1. A previous answer was lost: ask first.
        let mut answer: Option<Result<ProviderRefund, ConnectorError>> = None;
        let was_lookup = refund.needs_lookup;
        // Asking failed (any error: a rotated key, a 404, a validation error on a replay,
        // a body that is not JSON): the outcome is still unknown, whatever the error says.
        let mut lookup_failed = false;
        let mut rekeyed: Option<String> = None;
        if refund.needs_lookup {
            match connector.lookup(&call).await {
                Ok(Some(found)) => answer = Some(Ok(found)),
                Ok(None) => {
                    // Nothing was made: safe to call again. A provider that replays a saved
                    // error under the old key (Stripe's 500) gets a derived key, recorded.
                    refund.needs_lookup = false;
                    if let Some(k) =
                        refund.last_error.as_deref().and_then(|e| connector.fresh_key(&refund.idempotency_key, e))
                    {
                        rekeyed = Some(std::mem::replace(&mut refund.idempotency_key, k.clone()));
                        call.idempotency_key = k;
                    }
                }
                Err(e) => {
                    lookup_failed = true;
                    answer = Some(Err(e));
                }
            }
        }
        // 2. The call itself (same key every time).
        let answer = match answer {
            Some(a) => a,
            None => {
                // Once more, just before money moves: a dispute may have arrived since
                // the approval (policy rule 7).
                if self.held_before_paying(&refund, now).await? {
                    return Ok(());
                }
                refund.attempts += 1;
                connector.refund(&call).await
            }
        };
        let mut w = self.work(now).await?;
        // Re-read under the transaction: only an executing refund is recorded.
        let Some(current) = w.tx.refund(refund.id).await? else { return w.commit().await };
        if current.status != RefundStatus::Executing {
            w.tx.release_refund(refund.id).await?;
            return w.commit().await;
        }
        if let Some(old) = &rekeyed {
            w.audit(
                "system",
                Some(refund.case),
                AuditAction::RefundNewKey,
                format!(
                    "{}: {} replays a saved error under {old} and a lookup found nothing made; retried under {}",
                    refund_words(&refund),
                    refund.provider,
                    refund.idempotency_key
                ),
                None,
            )
            .await?;
        }
        match answer {
            Ok(ProviderRefund { provider_ref, status }) => {
                match &status {
                    ProviderStatus::Succeeded => report.succeeded += 1,
                    ProviderStatus::Failed(_) => report.failed += 1,
                    ProviderStatus::Pending => {}
                }
                w.provider_says(&mut refund, provider_ref, status).await?;
            }
            Err(ConnectorError::Permanent(why) | ConnectorError::Transient(why) | ConnectorError::Ambiguous(why))
                if lookup_failed =>
            {
                // It may have been paid: never failed. Ask again later; leads told once.
                w.outcome_unknown(&mut refund, &why).await?;
            }
            Err(ConnectorError::Permanent(why)) => {
                w.fail(&mut refund, &why).await?;
                report.failed += 1;
            }
            Err(ConnectorError::Ambiguous(why)) if was_lookup => {
                // Asked (nothing was found), called again, and lost the answer again.
                refund.needs_lookup = true;
                w.outcome_unknown(&mut refund, &why).await?;
            }
            Err(ConnectorError::Ambiguous(why)) => {
                // The provider may have made it: look up by key at once, before any retry.
                refund.needs_lookup = true;
                refund.last_error = Some(why.clone());
                refund.next_attempt_at = Some(now);
                w.tx.update_refund(&refund).await?;
                w.tx.release_refund(refund.id).await?;
                w.audit(
                    "system",
                    Some(refund.case),
                    AuditAction::RefundOutcomeUnknown,
                    format!("{}: {why}; asking the provider before any retry", refund_words(&refund)),
                    None,
                )
                .await?;
            }
            Err(ConnectorError::Transient(why)) => {
                w.schedule_retry(&mut refund, &why).await?;
            }
        }
        w.commit().await
    }
}

/// The refund reason as sent to a provider: never with a full card number in it (the
/// last line of defence; reasons are redacted when typed).
fn outgoing_reason(reason: &str) -> String {
    let r = crate::nlu::redact::redact_outgoing(reason);
    if r.card_numbers > 0 {
        tracing::warn!(
            removed = r.card_numbers,
            "card number(s) removed from a refund reason before it was sent to the provider"
        );
    }
    r.text.into_owned()
}

impl Engine {
    /// Checks, in a transaction of its own, that a leased refund may still be paid; if
    /// not, it is put on hold (nothing has been sent for it) and `true` is returned.
    async fn held_before_paying(&self, refund: &Refund, now: DateTime<Utc>) -> EngineResult<bool> {
        let mut w = self.work(now).await?;
        let Some(mut current) = w.tx.refund(refund.id).await? else { return w.commit().await.map(|_| true) };
        if current.status != RefundStatus::Executing {
            w.tx.release_refund(refund.id).await?;
            return w.commit().await.map(|_| true);
        }
        let charge = w.tx.charge(&refund.charge).await?;
        let on_charge = w.on_charge(&refund.charge, Some(refund.id)).await?;
        match w.still_payable(&current, charge.as_ref(), on_charge) {
            Payable::Yes => Ok(false), // dropped: rolls back, nothing written
            Payable::Hold(why) | Payable::No(why) => {
                w.hold(&mut current, &why).await?;
                w.commit().await?;
                Ok(true)
            }
        }
    }
}

impl Work<'_> {
    /// The provider's word on an executing refund — from the call, a lookup or a
    /// webhook (`provider.rs`): one path for all of them. Paid: credit note, case
    /// resolved, everyone told. Not paid: failed, case escalated. Pending: keep it
    /// executing and ask again (by its reference) every `LOOKUP_PACE_SECS`.
    pub(super) async fn provider_says(
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
    pub(super) async fn outcome_unknown(&mut self, refund: &mut Refund, why: &str) -> EngineResult<()> {
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
            if case.status != CaseStatus::Escalated {
                self.set_status(
                    &mut case,
                    CaseStatus::Escalated,
                    "system",
                    Some(Msg::new("why-provider-not-confirmed")),
                )
                .await?;
            }
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
            if case.status != CaseStatus::Escalated {
                self.set_status(
                    &mut case,
                    CaseStatus::Escalated,
                    "system",
                    Some(Msg::new("why-provider-not-finished")),
                )
                .await?;
            }
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
    pub(super) async fn reverse(&mut self, refund: &mut Refund, why: &str) -> EngineResult<()> {
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

    async fn fail(&mut self, refund: &mut Refund, why: &str) -> EngineResult<()> {
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

#[cfg(test)]
mod tests {
    #[test]
    fn reasons_sent_to_providers_carry_no_card_number() {
        assert_eq!(
            super::outgoing_reason("card 4111\t1111\t1111\t1111 charged twice"),
            "card [card number removed] charged twice"
        );
        assert_eq!(super::outgoing_reason("duplicate of 2026-11-30 12.50 EUR"), "duplicate of 2026-11-30 12.50 EUR");
    }
}
