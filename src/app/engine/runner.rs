//! Paying approved refunds, exactly once.
//!
//! A refund reaches `executing` in the transaction that approves it. Here each due one is
//! leased to this worker (so no other process works on it at the same time), the
//! provider is called with the refund's idempotency key, and the answer is recorded in a
//! new transaction. A lost answer (timeout) is resolved by asking the provider by key
//! before any retry; transient failures are retried on `next_attempt`'s schedule; a
//! crash leaves the refund `executing` and due, so the next start resumes it.

use super::work::{refund_words, Direction, Payable, Work};
use super::{Engine, EngineResult};
use crate::app::ports::{ConnectorError, ProviderRefund, ProviderStatus, RefundCall};
use crate::domain::approvals::{next_attempt, Refund, RefundStatus};
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
        let call = RefundCall {
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
        if refund.needs_lookup {
            match connector.lookup(&call).await {
                Ok(Some(found)) => answer = Some(Ok(found)),
                Ok(None) => refund.needs_lookup = false, // nothing was made: safe to call again
                Err(e) => answer = Some(Err(e)),
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
        match answer {
            Ok(ProviderRefund { provider_ref, status }) => {
                match &status {
                    ProviderStatus::Succeeded => report.succeeded += 1,
                    ProviderStatus::Failed(_) => report.failed += 1,
                    ProviderStatus::Pending => {}
                }
                w.provider_says(&mut refund, provider_ref, status).await?;
            }
            Err(ConnectorError::Permanent(why)) => {
                w.fail(&mut refund, &why).await?;
                report.failed += 1;
            }
            Err(ConnectorError::Ambiguous(why)) if was_lookup => {
                // Asking did not get an answer either: wait, then ask again.
                refund.needs_lookup = true;
                w.schedule_retry(&mut refund, &why).await?;
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
                    "refund.outcome_unknown",
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
        tracing::warn!(removed = r.card_numbers, "card number(s) removed from a refund reason before it was sent to the provider");
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
    pub(super) async fn provider_says(&mut self, refund: &mut Refund, provider_ref: String, status: ProviderStatus) -> EngineResult<()> {
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
                if known_pending {
                    return Ok(()); // still pending: nothing new to record
                }
                self.audit(
                    "system",
                    Some(refund.case),
                    "refund.pending",
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
                    "refund.retry_scheduled",
                    format!("{}: {why}; attempt {} at {}", refund_words(refund), refund.attempts + 1, at.to_rfc3339()),
                    None,
                )
                .await
            }
            None if refund.needs_lookup => {
                // It may have been paid: never fail it blind. Keep asking, and tell a lead.
                refund.next_attempt_at = Some(self.now + Duration::seconds(LOOKUP_PACE_SECS));
                self.tx.update_refund(refund).await?;
                self.tx.release_refund(refund.id).await?;
                self.audit(
                    "system",
                    Some(refund.case),
                    "refund.outcome_unknown",
                    format!("{}: the provider has not answered for 30 minutes; still asking", refund_words(refund)),
                    None,
                )
                .await?;
                if let Some(mut case) = self.tx.case(refund.case).await? {
                    if case.status != CaseStatus::Escalated {
                        self.set_status(
                            &mut case,
                            CaseStatus::Escalated,
                            "system",
                            "The payment provider has not confirmed the refund yet; a lead is watching it.",
                        )
                        .await?;
                    }
                }
                Ok(())
            }
            None => {
                let msg = format!("gave up after {} attempts in 30 minutes: {why}", refund.attempts);
                self.fail(refund, &msg).await
            }
        }
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
            "refund.succeeded",
            format!("{words} paid by {} (ref {pref}); credit note issued", refund.provider),
            Some(&refund.rule),
        )
        .await?;
        let approvals = self.e.cfg.approvals_channel.clone();
        self.say(&approvals, None, Some(refund.case), format!("Paid: {words} for {} (provider ref {pref}).", refund.case)).await?;
        if let Some(mut case) = self.tx.case(refund.case).await? {
            let card = match self.tx.charge(&refund.charge).await? {
                Some(c) => c.card_last4.map(|l| format!(" to the card ending {l}")).unwrap_or_default(),
                None => String::new(),
            };
            self.tell_customer(&case, format!(
                "Your refund of {} {} for charge {} has been sent{card}. A credit note was issued; card refunds usually show on your statement within 5–10 business days.",
                refund.currency.format(refund.amount), refund.currency, refund.charge
            ))
            .await?;
            let others_pending =
                self.tx.refunds_of_case(refund.case).await?.iter().any(|r| {
                    r.id != refund.id && matches!(r.status, RefundStatus::AwaitingApproval | RefundStatus::Approved | RefundStatus::Executing)
                });
            if !others_pending {
                self.set_status(&mut case, CaseStatus::Resolved, "system", "").await?;
            }
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
        self.audit("system", Some(refund.case), "refund.failed", format!("{words}: {why}"), None).await?;
        let approvals = self.e.cfg.approvals_channel.clone();
        let requester = refund.requested_by.clone();
        self.say(&approvals, Some(&requester), Some(refund.case), format!("The {words} for {} failed: {why}.", refund.case)).await?;
        if let Some(mut case) = self.tx.case(refund.case).await? {
            self.set_status(
                &mut case,
                CaseStatus::Escalated,
                "system",
                "We could not send the refund through the payment provider; a lead is looking into it.",
            )
            .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reasons_sent_to_providers_carry_no_card_number() {
        assert_eq!(super::outgoing_reason("card 4111\t1111\t1111\t1111 charged twice"), "card [card number removed] charged twice");
        assert_eq!(super::outgoing_reason("duplicate of 2026-11-30 12.50 EUR"), "duplicate of 2026-11-30 12.50 EUR");
    }
}
