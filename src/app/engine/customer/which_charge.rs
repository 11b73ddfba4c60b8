//! Which charge a customer's message is about: picked from the account's charges, or
//! asked for (the case waits for information), and the customer's answer to that question.

use super::super::work::Work;
use super::super::EngineResult;
use crate::app::l10n::{self, Msg};
use crate::app::ports::User;
use crate::domain::audit::AuditAction;
use crate::domain::billing::{Charge, ChargeKind, PaymentMethod};
use crate::domain::ids::AccountId;
use crate::domain::intent::Intent;
use crate::domain::policy::is_duplicate;
use crate::domain::tickets::{Case, CaseStatus};
use crate::nlu::Entities;
use chrono::Duration;
use rust_decimal::Decimal;
use std::str::FromStr;

/// Which charge a customer's message is about.
#[derive(Debug)]
pub(crate) enum Pick {
    Found(Box<Charge>),
    /// They named a charge that is not theirs or does not exist (the same answer for both).
    NotFound(String),
    /// Several charges fit; ask.
    Unclear,
}

/// Finds the charge a message is about among the account's own charges: by id, invoice,
/// then by amount, card digits, description words and what the intent implies.
pub(crate) fn pick_charge(
    charges: &[Charge],
    ents: &Entities,
    intent: Intent,
    text: &str,
    window_minutes: i64,
) -> Pick {
    if let Some(id) = ents.transaction_id.as_deref() {
        return match charges.iter().find(|c| c.id.as_str() == id || c.id.as_str().eq_ignore_ascii_case(id)) {
            Some(c) => Pick::Found(Box::new(c.clone())),
            None => Pick::NotFound(id.to_string()),
        };
    }
    let amount = ents.amount.as_deref().and_then(|a| Decimal::from_str(a).ok());
    let text = text.to_lowercase();
    let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).filter(|w| w.len() >= 4).collect();
    let scored: Vec<(i32, &Charge)> = charges
        .iter()
        .map(|c| {
            let mut s = 0;
            if let Some(a) = amount {
                if c.amount == a {
                    s += 4;
                } else {
                    s -= 2;
                }
            }
            if let (Some(l4), Some(cl4)) = (ents.card_last4.as_deref(), c.card_last4.as_deref()) {
                s += if l4 == cl4 { 2 } else { -2 };
            }
            let desc = c.description.to_lowercase();
            if desc.split(|ch: char| !ch.is_alphanumeric()).filter(|w| w.len() >= 4).any(|w| words.contains(&w)) {
                s += 2;
            }
            match intent {
                Intent::DuplicateCharge if is_duplicate(c, charges, Duration::minutes(window_minutes)) => s += 3,
                Intent::WalletNotApplied if c.wallet_selected && c.method != PaymentMethod::Wallet => s += 3,
                Intent::CancelSubscription if c.kind == ChargeKind::Subscription => s += 3,
                _ => {}
            }
            (s, c)
        })
        .collect();
    let best = scored.iter().map(|(s, _)| *s).max().unwrap_or(0);
    let top: Vec<&Charge> = scored.iter().filter(|(s, _)| *s == best).map(|(_, c)| *c).collect();
    match top.as_slice() {
        [only] if best > 0 || charges.len() == 1 => Pick::Found(Box::new((*only).clone())),
        // Several equal ones after a duplicate: the latest duplicate is the one to refund.
        [.., last] if best > 0 && intent == Intent::DuplicateCharge && top.iter().all(|c| c.amount == last.amount) => {
            Pick::Found(Box::new((*last).clone()))
        }
        _ => Pick::Unclear,
    }
}

impl Work<'_> {
    /// The bot asked this customer a question (a case waiting for information): their
    /// next message is read as the answer first — one of their own charges named by its
    /// id in any form, or an amount (and date) that picks exactly one; without a linked
    /// account, an email or account id for staff to confirm. `false`: not an answer.
    pub(super) async fn answer_to_question(
        &mut self,
        user: &User,
        text: &str,
        ents: &Entities,
        channel: &str,
    ) -> EngineResult<bool> {
        let open = self.tx.open_cases_of(&user.id).await?;
        let Some(mut case) = open.into_iter().find(|c| c.status == CaseStatus::AwaitingInfo) else { return Ok(false) };
        let tokens: Vec<&str> = text
            .split(|c: char| c.is_whitespace() || ",;!?()[]\"'`<>".contains(c))
            .map(|t| t.trim_end_matches(['.', ':']))
            .filter(|t| !t.is_empty())
            .collect();
        let Some(account) = case.account.clone() else {
            return self.link_answer(user, &mut case, &tokens).await;
        };
        if case.charge.is_some() {
            return Ok(false);
        }
        let charges = self.tx.charges_of(&account).await?;
        let named = charges.iter().find(|c| tokens.iter().any(|t| t.eq_ignore_ascii_case(c.id.as_str())));
        let found = match named {
            Some(c) => Some(c.clone()),
            None => {
                let amount = ents.amount.as_deref().and_then(|a| Decimal::from_str(a).ok());
                let date = tokens.iter().find_map(|t| chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").ok());
                let fits: Vec<&Charge> = match amount {
                    Some(a) => charges
                        .iter()
                        .filter(|c| c.amount == a && date.is_none_or(|d| c.at.date_naive() == d))
                        .collect(),
                    None => Vec::new(),
                };
                match fits.as_slice() {
                    [one] => Some((*one).clone()),
                    _ => None,
                }
            }
        };
        let Some(charge) = found else { return Ok(false) };
        case.charge = Some(charge.id.clone());
        case.updated_at = self.now;
        self.tx.update_case(&case).await?;
        self.audit(
            user.id.as_str(),
            Some(case.number),
            AuditAction::CaseMessage,
            format!("answered which charge: {}", charge.id),
            None,
        )
        .await?;
        let pick = Pick::Found(Box::new(charge.clone()));
        self.after_case_update(&mut case, Some(&charge), &pick, &charges, user, channel).await?;
        Ok(true)
    }

    /// An unlinked customer answers with an email or account id: staff are asked to
    /// confirm and link (the answer is the same whether such an account exists or not).
    async fn link_answer(&mut self, user: &User, case: &mut Case, tokens: &[&str]) -> EngineResult<bool> {
        let email = tokens
            .iter()
            .find(|t| t.split_once('@').is_some_and(|(name, domain)| !name.is_empty() && domain.contains('.')));
        let mut given = email.map(|e| e.to_string());
        if given.is_none() {
            for t in tokens {
                if self.tx.account(&AccountId::new(*t)).await?.is_some() {
                    given = Some(t.to_string());
                    break;
                }
            }
        }
        let Some(given) = given else { return Ok(false) };
        let n = case.number;
        self.audit(
            user.id.as_str(),
            Some(n),
            AuditAction::CaseLinkRequested,
            format!("{} says their billing account is {given}", user.id),
            None,
        )
        .await?;
        let approvals = self.engine.cfg.approvals_channel.clone();
        let text = format!(
            "{} ({n}) says their billing account is {given}: check it, then link them with /link {} <account>.",
            user.id, user.id
        );
        self.say(&approvals, None, Some(n), text).await?;
        let thanks = Msg::new("link-passed-on").with("given", given);
        self.set_status(case, CaseStatus::Open, user.id.as_str(), Some(thanks)).await?;
        Ok(true)
    }

    pub(super) async fn ask_for_charge(
        &mut self,
        case: &mut Case,
        pick: &Pick,
        charges: &[Charge],
        user: &User,
        channel: &str,
    ) -> EngineResult<()> {
        if case.intent == Intent::Dispute {
            self.chargeback_threat(case, user, channel).await?;
        }
        let mut sentences = Vec::new();
        if let Pick::NotFound(r) = pick {
            sentences.push(Msg::new("charge-not-found").with("reference", r.as_str()));
        }
        sentences.push(Msg::new("which-charge"));
        let recent: Vec<Msg> = charges
            .iter()
            .rev()
            .take(5)
            .map(|c| Msg::new("recent-charge").with("charge", l10n::charge_summary(c)))
            .collect();
        let text = if recent.is_empty() {
            sentences.push(Msg::new("no-charges-yet"));
            Msg::joined(sentences, " ")
        } else {
            sentences.push(Msg::new("recent-charges"));
            let mut lines = vec![Msg::joined(sentences, " ")];
            lines.extend(recent);
            Msg::joined(lines, "\n")
        };
        self.say_to(channel, &user.id, Some(case.number), text).await?;
        Ok(())
    }
}
