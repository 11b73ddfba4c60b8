//! Paying approved refunds, exactly once.
//!
//! A refund reaches `executing` in the transaction that approves it. Here each due one is
//! leased to this worker (so no other process works on it at the same time), the
//! provider is called with the refund's idempotency key, and the answer is recorded in a
//! new transaction. A lost answer (timeout) is resolved by asking the provider by key
//! before any retry; transient failures are retried on `next_attempt`'s schedule; a
//! crash leaves the refund `executing` and due, so the next start resumes it.
//! `outcome.rs` records what the provider said.

mod outcome;

use super::approvals::Payable;
use super::work::refund_words;
use super::{Engine, EngineResult};
use crate::app::ports::{ConnectorError, PaymentConnector, ProviderRefund, RefundCall};
use crate::domain::approvals::{Refund, RefundStatus};
use crate::domain::audit::AuditAction;
use chrono::{DateTime, Utc};

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

    /// One try at paying a leased refund: a lost answer is looked up first, else the
    /// provider is called (same key every time); the answer is recorded in a new
    /// transaction.
    async fn attempt(&self, mut refund: Refund, now: DateTime<Utc>, report: &mut RunReport) -> EngineResult<()> {
        let mut call = self.refund_call(&refund).await?;
        let Some(connector) = self.connectors.get(&refund.provider).cloned() else {
            let mut w = self.work(now).await?;
            let msg = format!("no payment connector `{}` is configured", refund.provider);
            w.fail(&mut refund, &msg).await?;
            report.failed += 1;
            return w.commit().await;
        };
        report.attempts += 1;
        // 1. A previous answer was lost: ask first.
        let was_lookup = refund.needs_lookup;
        let lookup = if refund.needs_lookup {
            look_up(connector.as_ref(), &mut refund, &mut call).await
        } else {
            Lookup::default()
        };
        // 2. The call itself (same key every time).
        let answer = match lookup.answer {
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
        let answered = Answered { answer, was_lookup, lookup_failed: lookup.failed, rekeyed: lookup.rekeyed };
        self.record_answer(refund, answered, now, report).await
    }

    /// What the provider is sent for a refund.
    async fn refund_call(&self, refund: &Refund) -> EngineResult<RefundCall> {
        // A plain read: no write lock is needed to learn the charge's amount.
        let charge_amount = self.store.charge(&refund.charge).await?.map(|c| c.amount).unwrap_or(refund.amount);
        Ok(RefundCall {
            idempotency_key: refund.idempotency_key.clone(),
            refund: refund.id,
            case: refund.case,
            charge: refund.charge.clone(),
            charge_amount,
            amount: refund.amount,
            currency: refund.currency,
            reason: outgoing_reason(&refund.reason),
            provider_ref: refund.provider_ref.clone(),
        })
    }

    /// The provider's answer recorded, in a transaction of its own, if the refund is
    /// still executing (re-read under the transaction).
    async fn record_answer(
        &self,
        mut refund: Refund,
        answered: Answered,
        now: DateTime<Utc>,
        report: &mut RunReport,
    ) -> EngineResult<()> {
        let mut w = self.work(now).await?;
        // Re-read under the transaction: only an executing refund is recorded.
        let Some(current) = w.tx.refund(refund.id).await? else { return w.commit().await };
        if current.status != RefundStatus::Executing {
            w.tx.release_refund(refund.id).await?;
            return w.commit().await;
        }
        if let Some(old) = &answered.rekeyed {
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
        w.apply_answer(&mut refund, answered, report).await?;
        w.commit().await
    }
}

/// What asking the provider about a lost answer found.
#[derive(Default)]
struct Lookup {
    /// The provider's word (or the error asking gave); `None`: nothing was made, call.
    answer: Option<Result<ProviderRefund, ConnectorError>>,
    /// Asking failed (any error: a rotated key, a 404, a validation error on a replay,
    /// a body that is not JSON): the outcome is still unknown, whatever the error says.
    failed: bool,
    /// The old key, when the call goes out under a derived one.
    rekeyed: Option<String>,
}

/// The provider's answer on a refund, and how it was got.
struct Answered {
    answer: Result<ProviderRefund, ConnectorError>,
    /// A previous answer was lost and the refund was looked up first.
    was_lookup: bool,
    /// The lookup itself failed (see [`Lookup::failed`]).
    lookup_failed: bool,
    /// The old key, when the call went out under a derived one.
    rekeyed: Option<String>,
}

/// Asks the provider, by key, about a refund whose answer was lost.
async fn look_up(connector: &dyn PaymentConnector, refund: &mut Refund, call: &mut RefundCall) -> Lookup {
    let mut lookup = Lookup::default();
    match connector.lookup(call).await {
        Ok(Some(found)) => lookup.answer = Some(Ok(found)),
        Ok(None) => {
            // Nothing was made: safe to call again. A provider that replays a saved
            // error under the old key (Stripe's 500) gets a derived key, recorded.
            refund.needs_lookup = false;
            if let Some(k) = refund.last_error.as_deref().and_then(|e| connector.fresh_key(&refund.idempotency_key, e))
            {
                lookup.rekeyed = Some(std::mem::replace(&mut refund.idempotency_key, k.clone()));
                call.idempotency_key = k;
            }
        }
        Err(e) => {
            lookup.failed = true;
            lookup.answer = Some(Err(e));
        }
    }
    lookup
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
