//! `/refund`: the charge and case found, the policy checked (or a lead's override), the
//! refund recorded, then approved at once below the auto-approve amount or posted to the
//! approvals channel for the leads.

use super::super::work::{refund_words, Work};
use super::super::EngineResult;
use crate::app::action::Action;
use crate::app::command::Target;
use crate::app::l10n::Msg;
use crate::app::ports::User;
use crate::domain::approvals::{auto_approves, expiry, idempotency_key, leads_needed, Refund, RefundStatus};
use crate::domain::audit::AuditAction;
use crate::domain::billing::Charge;
use crate::domain::ids::{RefundId, UserId};
use crate::domain::intent::Intent;
use crate::domain::money::Currency;
use crate::domain::permissions::Act;
use crate::domain::policy::{Decision, Eligibility, Policy, Refusal};
use crate::domain::roles::Role;
use crate::domain::tickets::{Case, CaseStatus};
use rust_decimal::Decimal;

/// What the policy, or a lead's override, allows a refund request.
enum Allowed {
    /// This amount, under this rule.
    Refund(Decimal, String),
    /// Refused: why, and the policy's refusal when it is one.
    Refused(String, Option<Refusal>),
}

/// A refund request that passed every check, on its way to being recorded.
struct Asked {
    charge: Charge,
    amount: Decimal,
    rule: String,
    reason: String,
    is_override: bool,
    /// The policy's verdict in words (a lead override says so).
    why: String,
    /// The policy in the charge's currency.
    policy: Policy,
}

impl Asked {
    /// "49.00 USD".
    fn money(&self) -> String {
        let cur = self.charge.currency;
        format!("{} {cur}", cur.format(self.amount))
    }
}

impl Work<'_> {
    /// `/refund`: find the charge and case, check the policy, post the approval request.
    pub(super) async fn request_refund(
        &mut self,
        user: &User,
        target: Target,
        amount: Option<(Decimal, Option<Currency>)>,
        is_override: bool,
        reason: String,
        channel: &str,
    ) -> EngineResult<()> {
        let Some((charge, case)) = self.refund_target(user, target, channel).await? else { return Ok(()) };
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
        let (refund_amount, rule) = match self.allowed(&charge, &e, amount, is_override).await? {
            Allowed::Refund(amount, rule) => (amount, rule),
            Allowed::Refused(why, refusal) => {
                return self.refuse(user, &charge, case, &why, refusal.as_ref(), channel).await
            }
        };
        if let Some(why) = self.cannot_be_sent(&charge, refund_amount).await? {
            return self.refuse(user, &charge, case, &why, None, channel).await;
        }
        let mut case = self.case_for_refund(user, &charge, case, channel).await?;
        let why = if is_override { format!("lead override of the policy ({})", e.explain()) } else { e.explain() };
        let asked = Asked { charge, amount: refund_amount, rule, reason, is_override, why, policy };
        // Everything else on the charge counts toward the two-lead threshold and the
        // auto-approve amount, so that splitting a refund gains nothing.
        let on_charge = self.on_charge(&asked.charge.id, None).await?;
        let mut refund = self.record_refund_request(user, &asked, &case, on_charge).await?;
        let requester_today =
            self.tx.auto_approved_sum(&user.id, asked.charge.currency, self.now - chrono::Duration::hours(24)).await?;
        if auto_approves(asked.amount, on_charge, requester_today, asked.is_override, &asked.policy) {
            return self.auto_approve(user, &asked, &mut refund, &mut case, on_charge, channel).await;
        }
        self.post_approval_request(user, &asked, &mut refund, &mut case, channel).await
    }

    /// The charge and the case it belongs to: the charge named, or the case's charge
    /// (locked until commit); `None` when there is none (the requester was told why).
    async fn refund_target(
        &mut self,
        user: &User,
        target: Target,
        channel: &str,
    ) -> EngineResult<Option<(Charge, Option<Case>)>> {
        match target {
            Target::Case(n) => {
                let Some(case) = self.tx.case(n).await? else {
                    self.say(channel, Some(&user.id), None, format!("I can't find a case {n}.")).await?;
                    return Ok(None);
                };
                let Some(charge_id) = case.charge.clone() else {
                    self.say(
                        channel,
                        Some(&user.id),
                        Some(n),
                        format!("{n} is not linked to a charge yet: use /refund <charge-id> to name it."),
                    )
                    .await?;
                    return Ok(None);
                };
                let Some(charge) = self.tx.charge_for_update(&charge_id).await? else {
                    self.say(
                        channel,
                        Some(&user.id),
                        Some(n),
                        format!("The charge {charge_id} of {n} is not in the billing data."),
                    )
                    .await?;
                    return Ok(None);
                };
                Ok(Some((charge, Some(case))))
            }
            Target::Charge(id) => {
                // Locked until commit: the cap check below and the refund inserted after it
                // happen with no other reservation against this charge in between.
                let Some(charge) = self.tx.charge_for_update(&id).await? else {
                    self.say(channel, Some(&user.id), None, format!("I can't find a charge {id}.")).await?;
                    return Ok(None);
                };
                Ok(Some((charge, None)))
            }
        }
    }

    /// The amount and rule the policy allows, or a lead's override of a refusal — which
    /// still never refunds past what was paid, in another currency or on a chargeback.
    async fn allowed(
        &mut self,
        charge: &Charge,
        e: &Eligibility,
        amount: Option<(Decimal, Option<Currency>)>,
        is_override: bool,
    ) -> EngineResult<Allowed> {
        Ok(match (&e.decision, is_override) {
            (Decision::Eligible { amount }, _) => Allowed::Refund(*amount, e.rule.as_str().to_string()),
            // Never past what was paid, never in another currency, never on a chargeback.
            (
                Decision::Refused(
                    Refusal::WrongCurrency { .. } | Refusal::Disputed | Refusal::FinerThanMinorUnit { .. },
                ),
                true,
            ) => Allowed::Refused(e.explain(), e.refusal().cloned()),
            (Decision::Refused(_), true) => {
                let asked = amount.map(|a| a.0).unwrap_or_default();
                let left = charge.amount - self.on_charge(&charge.id, None).await?;
                if asked > left {
                    let c = charge.currency;
                    let text = format!(
                        "An override cannot refund more than what is left of the charge: {} {c}.",
                        c.format(left.max(Decimal::ZERO))
                    );
                    Allowed::Refused(text, None)
                } else {
                    Allowed::Refund(asked, "override".to_string())
                }
            }
            (Decision::Refused(_), false) => Allowed::Refused(e.explain(), e.refusal().cloned()),
        })
    }

    /// Why a refund the policy allows still cannot be sent: the credits it would take
    /// back are spent, or the provider cannot write the amount.
    async fn cannot_be_sent(&mut self, charge: &Charge, amount: Decimal) -> EngineResult<Option<String>> {
        // Refunding credits bought through the bot takes them back: not once they are spent.
        if let Some(why) = self.credits_short(&charge.id, amount).await? {
            return Ok(Some(why));
        }
        // An amount the charge's provider cannot write exactly is refused now, before any
        // lead approves (never rounded on the way out).
        if let Some(Err(why)) =
            self.engine.connectors.get(&charge.provider).map(|c| c.representable(amount, charge.currency))
        {
            return Ok(Some(format!("This refund cannot be sent: {why}.")));
        }
        Ok(None)
    }

    /// The case: given, or the open one about this charge, or the account's newest open
    /// case without a charge, or a new one.
    async fn case_for_refund(
        &mut self,
        user: &User,
        charge: &Charge,
        case: Option<Case>,
        channel: &str,
    ) -> EngineResult<Case> {
        if let Some(c) = case {
            return Ok(c);
        }
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
                Ok(c)
            }
            None => self.open_case_for_charge(user, charge, channel).await,
        }
    }

    /// The refund, stored awaiting approval with the leads it needs and its idempotency
    /// key, and the request audited.
    async fn record_refund_request(
        &mut self,
        user: &User,
        asked: &Asked,
        case: &Case,
        on_charge: Decimal,
    ) -> EngineResult<Refund> {
        let charge = &asked.charge;
        let leads = leads_needed(asked.amount, on_charge, asked.is_override, &asked.policy);
        let mut refund = Refund {
            id: RefundId(0),
            case: case.number,
            charge: charge.id.clone(),
            amount: asked.amount,
            currency: charge.currency,
            status: RefundStatus::AwaitingApproval,
            rule: asked.rule.clone(),
            reason: asked.reason.clone(),
            requested_by: user.id.clone(),
            is_override: asked.is_override,
            leads_needed: leads,
            requested_at: self.now,
            expires_at: expiry(self.now, &asked.policy),
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
        self.audit(
            user.id.as_str(),
            Some(case.number),
            AuditAction::RefundRequested,
            format!("{} by {}: {}; reason: {}", refund_words(&refund), user.id, asked.why, asked.reason),
            Some(&asked.rule),
        )
        .await?;
        Ok(refund)
    }

    /// Below the auto-approve amount (with everything on the charge, and the requester's
    /// auto-approved refunds of the last 24 hours): approved now, for the runner to pay.
    async fn auto_approve(
        &mut self,
        user: &User,
        asked: &Asked,
        refund: &mut Refund,
        case: &mut Case,
        on_charge: Decimal,
        channel: &str,
    ) -> EngineResult<()> {
        let cur = asked.charge.currency;
        let money = asked.money();
        refund.approved_by = vec![UserId::new("auto")];
        self.tx.update_refund(refund).await?;
        self.push_refund(refund).await?;
        self.audit(
            "system",
            Some(case.number),
            AuditAction::RefundAutoApproved,
            format!(
                "eligible, and with the {} {cur} already on the charge below the auto-approve amount of {} {cur}",
                cur.format(on_charge),
                cur.format(asked.policy.auto_approve_below.unwrap_or_default())
            ),
            Some(&asked.rule),
        )
        .await?;
        self.approve(refund, "system").await?;
        self.say(
            channel,
            Some(&user.id),
            Some(case.number),
            format!(
                "Refund of {money} on {} for {} is {}; it is below the auto-approve amount, so it is being paid now.",
                asked.charge.id, case.number, asked.why
            ),
        )
        .await?;
        self.set_status(
            case,
            CaseStatus::AwaitingApproval,
            "system",
            Some(Msg::new("why-auto-approved").with("amount", money.as_str())),
        )
        .await
    }

    /// The approval request posted to the approvals channel (its message remembered on
    /// the refund), the requester told what it needs, the case awaiting approval.
    async fn post_approval_request(
        &mut self,
        user: &User,
        asked: &Asked,
        refund: &mut Refund,
        case: &mut Case,
        channel: &str,
    ) -> EngineResult<()> {
        let charge = &asked.charge;
        let cur = charge.currency;
        let money = asked.money();
        let leads = refund.leads_needed;
        let approvals = self.engine.cfg.approvals_channel.clone();
        let account = case.account.clone().map(|a| a.to_string());
        let req = Action::ApprovalRequest {
            message_ref: None,
            channel: approvals,
            case: case.number.to_string(),
            charge: charge.id.to_string(),
            amount: cur.format(asked.amount),
            currency: cur.to_string(),
            rule: asked.rule.clone(),
            leads_needed: leads,
            refund_id: refund.id.0,
            requested_by: user.id.to_string(),
            account,
            card_last4: charge.card_last4.clone(),
            reason: asked.reason.clone(),
            expires_at: refund.expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            is_override: asked.is_override,
        };
        refund.message_ref = self.tx.push(req).await?;
        self.tx.update_refund(refund).await?;
        self.push_refund(refund).await?;
        let leads_words = if leads == 1 { "one lead".to_string() } else { format!("{leads} leads") };
        self.say(
            channel,
            Some(&user.id),
            Some(case.number),
            format!(
                "Refund of {money} on {} requested for {} ({}). It needs the approval of {leads_words} other than you, within {} hours{}.",
                charge.id,
                case.number,
                asked.why,
                asked.policy.approval_expiry_hours,
                refund.message_ref.as_ref().map(|r| format!(" (approval request {r})")).unwrap_or_default()
            ),
        )
        .await?;
        let why = Msg::new("why-agent-requested").with("amount", money.as_str());
        self.set_status(case, CaseStatus::AwaitingApproval, user.id.as_str(), Some(why)).await
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
}
