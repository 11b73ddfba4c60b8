//! Tickets 1 and 4: a customer's message opens a case or joins the open one about the same
//! charge (or topic), and the customer learns what the policy says about the charge.

use super::super::work::Work;
use super::super::EngineResult;
use super::which_charge::{pick_charge, Pick};
use crate::app::l10n::{self, Msg};
use crate::app::ports::User;
use crate::domain::audit::AuditAction;
use crate::domain::billing::{Charge, ChargeKind};
use crate::domain::ids::{AccountId, CaseNumber};
use crate::domain::intent::Intent;
use crate::domain::policy::{eligibility, Decision, Eligibility, RefundContext, Refusal};
use crate::domain::tickets::{Case, CaseStatus};
use crate::nlu::Entities;
use rust_decimal::Decimal;
use std::str::FromStr;

impl Work<'_> {
    /// Tickets 1 and 4: open a case or join the open one about the same charge.
    pub(super) async fn case_message(
        &mut self,
        user: &User,
        intent: Intent,
        ents: &Entities,
        text: &str,
        channel: &str,
    ) -> EngineResult<()> {
        let Some(account) = user.account.clone() else {
            return self.case_without_account(user, intent, channel).await;
        };
        let charges = self.tx.charges_of(&account).await?;
        let open = self.tx.open_cases_of(&user.id).await?;
        let pick = pick_charge(&charges, ents, intent, text, self.engine.cfg.policy.duplicate_window_minutes);
        let charge = match &pick {
            Pick::Found(c) => Some((**c).clone()),
            _ => None,
        };
        let mut case = match case_to_join(&open, ents, intent, charge.as_ref()) {
            Some(case) => self.join_case(user, case, intent, charge.as_ref(), text, channel).await?,
            // A case opened waiting for info already tells its status in the question.
            None => self.open_case(user, &account, intent, charge.as_ref(), text, channel).await?,
        };
        self.after_case_update(&mut case, charge.as_ref(), &pick, &charges, user, channel).await
    }

    /// The message joins an open case: its intent made more specific and its charge set
    /// when they were unknown, the words kept in its history, the customer told.
    async fn join_case(
        &mut self,
        user: &User,
        mut case: Case,
        intent: Intent,
        charge: Option<&Charge>,
        text: &str,
        channel: &str,
    ) -> EngineResult<Case> {
        let mut changed = false;
        if case.intent == Intent::RefundRequest && intent != Intent::RefundRequest {
            case.intent = intent; // the more specific cause wins
            changed = true;
        }
        if case.charge.is_none() {
            if let Some(ch) = charge {
                case.charge = Some(ch.id.clone());
                changed = true;
            }
        }
        if changed {
            case.updated_at = self.now;
            self.tx.update_case(&case).await?;
        }
        // The customer's own words (already redacted), so staff read them in /ticket.
        self.audit(
            user.id.as_str(),
            Some(case.number),
            AuditAction::CaseMessage,
            format!("({intent}) {}", clip(text)),
            None,
        )
        .await?;
        let added = Msg::new("case-added").with("case", case.number.to_string());
        self.say_to(channel, &user.id, Some(case.number), added).await?;
        Ok(case)
    }

    /// The message opens a new case for the account: open when its charge is known, else
    /// waiting for the customer to say which.
    async fn open_case(
        &mut self,
        user: &User,
        account: &AccountId,
        intent: Intent,
        charge: Option<&Charge>,
        text: &str,
        channel: &str,
    ) -> EngineResult<Case> {
        let number = self.tx.next_case_number().await?;
        let status = if charge.is_some() { CaseStatus::Open } else { CaseStatus::AwaitingInfo };
        let case = Case {
            number,
            customer: user.id.clone(),
            account: Some(account.clone()),
            charge: charge.map(|c| c.id.clone()),
            intent,
            status,
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
            format!("{intent} for account {account}"),
            None,
        )
        .await?;
        self.audit(
            user.id.as_str(),
            Some(number),
            AuditAction::CaseMessage,
            format!("({intent}) {}", clip(text)),
            None,
        )
        .await?;
        let opened = Msg::new("case-opened").with("case", number.to_string()).with("topic", l10n::topic(intent));
        self.say_to(channel, &user.id, Some(number), opened).await?;
        Ok(case)
    }

    /// What the customer learns once their message is attached to a case: the question for
    /// the missing charge, or what the policy says about the charge.
    pub(super) async fn after_case_update(
        &mut self,
        case: &mut Case,
        charge: Option<&Charge>,
        pick: &Pick,
        charges: &[Charge],
        user: &User,
        channel: &str,
    ) -> EngineResult<()> {
        let Some(charge) = charge.cloned().or(match &case.charge {
            Some(id) => self.tx.charge(id).await?,
            None => None,
        }) else {
            if case.status != CaseStatus::AwaitingInfo {
                self.set_status(case, CaseStatus::AwaitingInfo, "system", None).await?;
            }
            return self.ask_for_charge(case, pick, charges, user, channel).await;
        };
        if case.status == CaseStatus::AwaitingInfo {
            self.set_status(
                case,
                CaseStatus::Open,
                "system",
                Some(Msg::new("case-about-charge").with("charge", charge.id.to_string())),
            )
            .await?;
        }
        let e = self.eligibility_of(&charge, None).await?;
        let text = match (&e.decision, case.intent) {
            (_, Intent::PaymentFailed | Intent::PaymentPending) => {
                Msg::new("charge-payment-check").with("charge", l10n::charge_summary(&charge))
            }
            (Decision::Refused(Refusal::Disputed), _) => {
                self.set_status(case, CaseStatus::Escalated, "system", Some(Msg::new("why-chargeback-open"))).await?;
                Msg::new("charge-disputed")
                    .with("charge", charge.id.to_string())
                    .with("explanation", l10n::eligibility(&e))
            }
            (Decision::Eligible { .. }, _) => Msg::new("charge-eligible")
                .with("charge", l10n::charge_summary(&charge))
                .with("explanation", l10n::eligibility(&e)),
            (Decision::Refused(_), _) => Msg::new("charge-refused")
                .with("charge", l10n::charge_summary(&charge))
                .with("explanation", l10n::eligibility(&e)),
        };
        self.say_to(channel, &user.id, Some(case.number), text).await?;
        if case.intent == Intent::Dispute {
            self.chargeback_threat(case, user, channel).await?;
        }
        Ok(())
    }

    /// A customer who speaks of a chargeback: told at once how it differs from a refund,
    /// and the case goes to a lead.
    pub(super) async fn chargeback_threat(&mut self, case: &mut Case, user: &User, channel: &str) -> EngineResult<()> {
        if case.status == CaseStatus::Escalated {
            return Ok(());
        }
        self.say_to(channel, &user.id, Some(case.number), Msg::new("chargeback-explained")).await?;
        self.set_status(case, CaseStatus::Escalated, "system", None).await
    }

    async fn case_without_account(&mut self, user: &User, intent: Intent, channel: &str) -> EngineResult<()> {
        let open = self.tx.open_cases_of(&user.id).await?;
        if let Some(case) = open.first() {
            self.say_to(
                channel,
                &user.id,
                Some(case.number),
                Msg::new("case-added-unlinked").with("case", case.number.to_string()),
            )
            .await?;
            return Ok(());
        }
        let number = self.tx.next_case_number().await?;
        let case = Case {
            number,
            customer: user.id.clone(),
            account: None,
            charge: None,
            intent,
            status: CaseStatus::AwaitingInfo,
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
            format!("{intent}, no account linked"),
            None,
        )
        .await?;
        let opened =
            Msg::new("case-opened-unlinked").with("case", number.to_string()).with("topic", l10n::topic(intent));
        self.say_to(channel, &user.id, Some(number), opened).await?;
        Ok(())
    }

    /// The policy's answer for a charge now, counting what is refunded or reserved.
    pub async fn eligibility_of(
        &mut self,
        charge: &Charge,
        requested: Option<(Decimal, Option<crate::domain::money::Currency>)>,
    ) -> EngineResult<Eligibility> {
        // Credits bought through the bot are deliberate: neither duplicates nor anchors of one.
        let mut charges = Vec::new();
        for c in self.tx.charges_of(&charge.account).await? {
            if c.kind != ChargeKind::Credits || self.tx.credit_purchase(&c.id).await?.is_none() {
                charges.push(c);
            }
        }
        let deliberate_purchase = self.tx.credit_purchase(&charge.id).await?.is_some();
        let sub = self.tx.subscription_of_charge(&charge.id).await?;
        let refunded = self.on_charge(&charge.id, None).await?;
        let ctx = RefundContext {
            charge,
            subscription: sub.as_ref(),
            account_charges: &charges,
            refunded,
            requested,
            deliberate_purchase,
        };
        Ok(eligibility(&ctx, &self.engine.cfg.policy, self.now))
    }
}

/// A message as kept in a case's history: at most 500 characters.
pub(super) fn clip(text: &str) -> String {
    let t = text.trim();
    match t.char_indices().nth(500) {
        Some((mut i, _)) => {
            // Never cut a redaction marker in half.
            let marker = crate::nlu::redact::CARD_MARKER;
            if let Some(start) = t.match_indices(marker).map(|(s, _)| s).find(|s| *s < i && i < s + marker.len()) {
                i = start;
            }
            format!("{}…", &t[..i])
        }
        None => t.to_string(),
    }
}

/// Whether a new message about `new` belongs with a case about `old` while neither
/// names a charge: the same problem, or a plain refund request about either.
fn same_topic(old: Intent, new: Intent) -> bool {
    old == new || old == Intent::RefundRequest || new == Intent::RefundRequest
}

/// The open case a message joins: one it names, else the one about its charge, else one
/// about the same topic whose charge is unknown; `None`: a new case.
fn case_to_join(open: &[Case], ents: &Entities, intent: Intent, charge: Option<&Charge>) -> Option<Case> {
    // A case named in the message, if it is theirs and open, is the one to join.
    let named = ents
        .case_id
        .as_deref()
        .and_then(|c| CaseNumber::from_str(c).ok())
        .and_then(|n| open.iter().find(|c| c.number == n).cloned());
    // One case per charge, and per topic while the charge is unknown: an unrelated
    // problem opens a case of its own instead of piling into one without a charge.
    let same_topic = |c: &&Case| c.charge.is_none() && same_topic(c.intent, intent);
    named.or_else(|| match charge {
        Some(ch) => {
            open.iter().find(|c| c.charge.as_ref() == Some(&ch.id)).or_else(|| open.iter().find(same_topic)).cloned()
        }
        None => open.iter().find(same_topic).cloned(),
    })
}
