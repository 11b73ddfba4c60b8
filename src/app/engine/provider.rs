//! What payment providers tell the bot outside a refund call — webhooks (refund
//! outcomes, disputes), reconciliation mismatches — and charge import. Each method is
//! one transaction; webhook events are recorded by (provider, event id) in the same
//! transaction as the change, so a repeated delivery changes nothing.

use super::work::{refund_words, Work};
use super::{no_nul, Engine, EngineResult};
use crate::app::ports::{ProviderStatus, User};
use crate::domain::approvals::{Refund, RefundStatus};
use crate::domain::audit::AuditAction;
use crate::domain::billing::{Account, Charge};
use crate::domain::ids::{ChargeId, UserId};
use crate::domain::intent::Intent;
use crate::domain::roles::Role;
use crate::domain::tickets::{Case, CaseStatus};
use chrono::{DateTime, Utc};

/// A provider's word about one refund, from a verified webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundUpdate {
    pub provider: String,
    /// The provider's event id (or a stable id of this state, where it has none).
    pub event_id: String,
    pub provider_ref: String,
    /// Our key, where the provider echoes it (metadata, reference, custom_id).
    pub idempotency_key: Option<String>,
    pub status: ProviderStatus,
}

/// What a webhook event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookOutcome {
    /// The change was recorded.
    Applied,
    /// This event was seen before: nothing changed.
    Duplicate,
    /// Nothing of ours matches (a refund made elsewhere, an unknown charge): nothing
    /// changed and the event is not recorded, so a later delivery is read again.
    Unknown,
    /// Ours, but already final (or not yet executing): recorded, nothing changed.
    Ignored,
}

/// How an imported charge was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imported {
    Created,
    /// A charge with this id exists: left as it is.
    Existing,
}

impl Engine {
    /// A refund's outcome by webhook: through the same path as the runner's answers.
    pub async fn provider_refund_update(&self, u: &RefundUpdate, at: DateTime<Utc>) -> EngineResult<WebhookOutcome> {
        // Provider text enters the engine here: NUL removed, as for chat text.
        let u = &RefundUpdate {
            provider: no_nul(&u.provider),
            event_id: no_nul(&u.event_id),
            provider_ref: no_nul(&u.provider_ref),
            idempotency_key: u.idempotency_key.as_deref().map(no_nul),
            status: match &u.status {
                ProviderStatus::Failed(why) => ProviderStatus::Failed(no_nul(why)),
                s => s.clone(),
            },
        };
        self.retrying(|| self.provider_refund_update_once(u, at)).await
    }

    async fn provider_refund_update_once(&self, u: &RefundUpdate, at: DateTime<Utc>) -> EngineResult<WebhookOutcome> {
        let mut w = self.work(at).await?;
        let Some(mut refund) = refund_of_update(&mut w, u).await? else {
            drop(w); // rolls back: nothing written
            return Ok(WebhookOutcome::Unknown);
        };
        if !w.tx.first_webhook(&u.provider, &u.event_id, "refund", at).await? {
            w.commit().await?;
            return Ok(WebhookOutcome::Duplicate);
        }
        let outcome = w.refund_update(&mut refund, u).await?;
        w.commit().await?;
        Ok(outcome)
    }

    /// A dispute (chargeback) was opened on a charge: it is marked disputed (policy
    /// rule 7) and its open case escalated, or a case opened for the leads.
    pub async fn charge_disputed(
        &self,
        provider: &str,
        event_id: &str,
        charge_id: &ChargeId,
        at: DateTime<Utc>,
    ) -> EngineResult<WebhookOutcome> {
        let (provider, event_id, charge_id) =
            (&no_nul(provider), &no_nul(event_id), &ChargeId::new(no_nul(charge_id.as_str())));
        self.retrying(|| self.charge_disputed_once(provider, event_id, charge_id, at)).await
    }

    async fn charge_disputed_once(
        &self,
        provider: &str,
        event_id: &str,
        charge_id: &ChargeId,
        at: DateTime<Utc>,
    ) -> EngineResult<WebhookOutcome> {
        let mut w = self.work(at).await?;
        let Some(charge) = w.tx.charge(charge_id).await?.filter(|c| c.provider == provider) else {
            drop(w);
            return Ok(WebhookOutcome::Unknown);
        };
        if !w.tx.first_webhook(provider, event_id, "dispute", at).await? {
            w.commit().await?;
            return Ok(WebhookOutcome::Duplicate);
        }
        if charge.disputed {
            w.commit().await?;
            return Ok(WebhookOutcome::Ignored);
        }
        w.tx.set_disputed(&charge.id, true).await?;
        let open =
            w.tx.open_cases_of_account(&charge.account)
                .await?
                .into_iter()
                .find(|c| c.charge.as_ref() == Some(&charge.id));
        let mut case = match open {
            Some(c) => c,
            None => {
                let c = w.new_case(&charge, Intent::Dispute).await?;
                w.audit(
                    "system",
                    Some(c.number),
                    AuditAction::CaseOpened,
                    format!("{provider} reported a dispute on charge {}", charge.id),
                    None,
                )
                .await?;
                c
            }
        };
        w.audit(
            "system",
            Some(case.number),
            AuditAction::ChargeDisputed,
            format!("{provider} event {event_id}: charge {} disputed", charge.id),
            Some("disputed"),
        )
        .await?;
        w.set_status(&mut case, CaseStatus::Escalated, "system", Some(crate::app::l10n::Msg::new("why-bank-dispute")))
            .await?;
        // Policy rule 7: no refund of a disputed charge. Every request waiting for
        // approval, and every approved one not yet sent, goes on hold; one being sent
        // right now (leased) is re-checked by its worker just before the call.
        for held in w.tx.hold_refunds(&charge.id, at).await? {
            w.push_refund(&held).await?;
            w.announce_hold(
                &held,
                "the charge is disputed (an open chargeback): refunding it too would pay the customer twice",
            )
            .await?;
        }
        let approvals = self.cfg.approvals_channel.clone();
        w.say(
            &approvals,
            None,
            Some(case.number),
            format!("{provider} reports a dispute on charge {}: {} is escalated.", charge.id, case.number),
        )
        .await?;
        w.commit().await?;
        Ok(WebhookOutcome::Applied)
    }

    /// Takes a charge from a provider export; its account is created (in the charge's
    /// currency) if it does not exist. An existing charge is left as it is.
    pub async fn import_charge(&self, charge: &Charge, at: DateTime<Utc>) -> EngineResult<Imported> {
        // Export text enters the engine here: NUL removed, as for chat text.
        let charge = &Charge {
            id: ChargeId::new(no_nul(charge.id.as_str())),
            account: crate::domain::ids::AccountId::new(no_nul(charge.account.as_str())),
            description: no_nul(&charge.description),
            card_last4: charge.card_last4.as_deref().map(super::no_nul),
            provider: no_nul(&charge.provider),
            ..charge.clone()
        };
        self.retrying(|| self.import_charge_once(charge, at)).await
    }

    async fn import_charge_once(&self, charge: &Charge, at: DateTime<Utc>) -> EngineResult<Imported> {
        let mut w = self.work(at).await?;
        if w.tx.charge(&charge.id).await?.is_some() {
            w.commit().await?;
            return Ok(Imported::Existing);
        }
        if w.tx.account(&charge.account).await?.is_none() {
            w.tx.put_account(&Account { id: charge.account.clone(), currency: charge.currency, auto_recharge: None })
                .await?;
        }
        w.tx.put_charge(charge).await?;
        w.audit(
            "system",
            None,
            AuditAction::ChargeImported,
            format!(
                "{} {} {} from {}",
                charge.id,
                charge.currency.format(charge.amount),
                charge.currency,
                charge.provider
            ),
            None,
        )
        .await?;
        w.commit().await?;
        Ok(Imported::Created)
    }

    /// A reconciliation mismatch: a case for the leads (escalated, not announced to the
    /// customer), audited. `fingerprint` identifies the mismatch: reconciling the same
    /// export again opens nothing new. Returns the case number, or `None` when it was
    /// already reported.
    pub async fn reconcile_mismatch(
        &self,
        provider: &str,
        fingerprint: &str,
        charge: Option<&ChargeId>,
        what: &str,
        at: DateTime<Utc>,
    ) -> EngineResult<Option<crate::domain::ids::CaseNumber>> {
        let (provider, fingerprint, what) = (&no_nul(provider), &no_nul(fingerprint), &no_nul(what));
        let charge = charge.map(|c| ChargeId::new(no_nul(c.as_str())));
        self.retrying(|| self.reconcile_mismatch_once(provider, fingerprint, charge.as_ref(), what, at)).await
    }

    async fn reconcile_mismatch_once(
        &self,
        provider: &str,
        fingerprint: &str,
        charge: Option<&ChargeId>,
        what: &str,
        at: DateTime<Utc>,
    ) -> EngineResult<Option<crate::domain::ids::CaseNumber>> {
        let mut w = self.work(at).await?;
        if !w.tx.first_webhook(provider, &format!("reconcile:{fingerprint}"), "reconcile", at).await? {
            w.commit().await?;
            return Ok(None);
        }
        let known = match charge {
            Some(id) => w.tx.charge(id).await?,
            None => None,
        };
        let case = match &known {
            // A charge with an open case gets the mismatch there: one open case per charge.
            Some(c) => match w
                .tx
                .open_cases_of_account(&c.account)
                .await?
                .into_iter()
                .find(|k| k.charge.as_ref() == Some(&c.id))
            {
                Some(open) => open,
                None => w.new_case(c, Intent::RefundStatus).await?,
            },
            None => {
                let number = w.tx.next_case_number().await?;
                let case = Case {
                    number,
                    customer: UserId::new("reconciliation".to_string()),
                    account: None,
                    charge: None,
                    intent: Intent::RefundStatus,
                    status: CaseStatus::Open,
                    channel: self.cfg.approvals_channel.clone(),
                    opened_at: at,
                    updated_at: at,
                };
                w.tx.insert_case(&case).await?;
                w.push_ticket(&case).await?;
                case
            }
        };
        let mut case = case;
        case.status = CaseStatus::Escalated;
        case.updated_at = at;
        w.tx.update_case(&case).await?;
        w.push_ticket(&case).await?;
        w.audit("system", Some(case.number), AuditAction::ReconcileMismatch, format!("{provider}: {what}"), None)
            .await?;
        let approvals = self.cfg.approvals_channel.clone();
        w.say(
            &approvals,
            None,
            Some(case.number),
            format!("Reconciliation with {provider}: {what} ({}).", case.number),
        )
        .await?;
        w.commit().await?;
        Ok(Some(case.number))
    }
}

/// The refund a webhook is about: by the provider's reference, else by our key (of the
/// same provider).
async fn refund_of_update(w: &mut Work<'_>, u: &RefundUpdate) -> EngineResult<Option<Refund>> {
    Ok(match w.tx.refund_by_provider_ref(&u.provider, &u.provider_ref).await? {
        Some(r) => Some(r),
        None => match &u.idempotency_key {
            Some(k) => w.tx.refund_by_key(k).await?.filter(|r| r.provider == u.provider),
            None => None,
        },
    })
}

impl Work<'_> {
    /// A first delivery of a refund's webhook, applied through the runner's path
    /// (`provider_says`): a paid refund reversed, a failed one paid after all, one already
    /// final (or not yet executing) left as it is, or an executing one settled.
    async fn refund_update(&mut self, refund: &mut Refund, u: &RefundUpdate) -> EngineResult<WebhookOutcome> {
        if let (RefundStatus::Succeeded, ProviderStatus::Failed(why)) = (refund.status, &u.status) {
            // Paid, then reversed or failed by the provider: the money came back.
            self.audit(
                "system",
                Some(refund.case),
                AuditAction::RefundWebhook,
                format!("{} event {} for {}", u.provider, u.event_id, refund_words(refund)),
                None,
            )
            .await?;
            self.reverse(refund, why).await?;
            return Ok(WebhookOutcome::Applied);
        }
        if refund.status == RefundStatus::Failed && matches!(u.status, ProviderStatus::Succeeded) {
            self.paid_after_failed(refund, u).await?;
            return Ok(WebhookOutcome::Applied);
        }
        if refund.status != RefundStatus::Executing {
            self.webhook_on_settled_refund(refund, u).await?;
            return Ok(WebhookOutcome::Ignored);
        }
        if matches!(u.status, ProviderStatus::Pending)
            && refund.needs_lookup
            && refund.provider_ref.as_deref() == Some(u.provider_ref.as_str())
        {
            return Ok(WebhookOutcome::Ignored); // still pending, as we knew
        }
        self.audit(
            "system",
            Some(refund.case),
            AuditAction::RefundWebhook,
            format!("{} event {} for {}", u.provider, u.event_id, refund_words(refund)),
            None,
        )
        .await?;
        self.provider_says(refund, u.provider_ref.clone(), u.status.clone()).await?;
        Ok(WebhookOutcome::Applied)
    }

    /// Marked failed (before lookups were never allowed to fail a refund, or by a
    /// refusal the provider later overturned), yet the provider paid it: record
    /// what happened — credit note, case resolved, everyone told.
    async fn paid_after_failed(&mut self, refund: &mut Refund, u: &RefundUpdate) -> EngineResult<()> {
        self.audit(
            "system",
            Some(refund.case),
            AuditAction::RefundPaidAfterFailed,
            format!(
                "{} was recorded failed; {} event {} says it was paid",
                refund_words(refund),
                u.provider,
                u.event_id
            ),
            None,
        )
        .await?;
        refund.status = RefundStatus::Executing;
        // Credits given back when it failed go out again: the refund was paid after all.
        self.move_credits(refund, super::approvals::Direction::TakeBack).await?;
        self.provider_says(refund, u.provider_ref.clone(), u.status.clone()).await
    }

    /// A webhook about a refund that is final or not yet executing changes nothing; it is
    /// audited unless it confirms a refund already paid.
    async fn webhook_on_settled_refund(&mut self, refund: &Refund, u: &RefundUpdate) -> EngineResult<()> {
        let said = match &u.status {
            ProviderStatus::Succeeded => "succeeded".to_string(),
            ProviderStatus::Pending => "pending".to_string(),
            ProviderStatus::Failed(why) => format!("failed: {why}"),
        };
        if refund.status != RefundStatus::Succeeded || !matches!(u.status, ProviderStatus::Succeeded) {
            self.audit(
                "system",
                Some(refund.case),
                AuditAction::RefundWebhookIgnored,
                format!(
                    "{} is {}; {} says {said} (event {})",
                    refund_words(refund),
                    refund.status.as_str(),
                    u.provider,
                    u.event_id
                ),
                None,
            )
            .await?;
        }
        Ok(())
    }

    /// A new open case about `charge`, for the account's customer.
    async fn new_case(&mut self, charge: &Charge, intent: Intent) -> EngineResult<Case> {
        let number = self.tx.next_case_number().await?;
        let users: Vec<User> = self.tx.users_of_account(&charge.account).await?;
        let customer = users
            .into_iter()
            .find(|u| u.roles.has(Role::Customer))
            .map(|u| u.id)
            .unwrap_or_else(|| UserId::new(format!("account:{}", charge.account)));
        let case = Case {
            number,
            customer,
            account: Some(charge.account.clone()),
            charge: Some(charge.id.clone()),
            intent,
            status: CaseStatus::Open,
            channel: "support".to_string(),
            opened_at: self.now,
            updated_at: self.now,
        };
        self.tx.insert_case(&case).await?;
        self.push_ticket(&case).await?;
        Ok(case)
    }
}
