//! Customers' chat: classify, then open or join a case, or answer at once (Tickets 1–7).

use super::work::Work;
use super::EngineResult;
use crate::app::l10n::{self, Msg};
use crate::app::ports::{CustomerLanguage, StoredQuestion, User};
use crate::domain::approvals::RefundStatus;
use crate::domain::audit::AuditAction;
use crate::domain::billing::{price_credits, Charge, ChargeKind, PaymentMethod};
use crate::domain::ids::{AccountId, CaseNumber};
use crate::domain::intent::Intent;
use crate::domain::policy::{eligibility, is_duplicate, Decision, Eligibility, RefundContext, Refusal};
use crate::domain::tickets::{Case, CaseStatus};
use crate::nlu::{Classification, Entities, Lang};
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

/// The readings worth offering: the likeliest ones with at least this probability.
const OFFER_AT_LEAST: f32 = 0.08;

/// "2", "2.", "(2)", "#2" -> the second choice.
fn chosen(answer: &str, choices: &[Intent]) -> Option<Intent> {
    let t = answer.trim().trim_matches(|c: char| matches!(c, '.' | ')' | '(' | '#' | '!'));
    let n: usize = t.parse().ok()?;
    choices.get(n.checked_sub(1)?).copied()
}

impl Work<'_> {
    /// The language this customer is answered in, settled from their message before any
    /// reply: the detected language when the detection is sure and the message has words
    /// enough to tell ([`l10n::detected_language`]), else the one remembered for them (so "ok" or
    /// "1" keeps it), else English. A language without message files is answered in
    /// English, and the customer is told so once (until their language changes).
    pub async fn settle_language(
        &mut self,
        user: &User,
        text: &str,
        c: &Classification,
        channel: &str,
    ) -> EngineResult<()> {
        let stored = self.tx.customer_language(&user.id).await?;
        let english = CustomerLanguage { lang: Lang::En, fallback_noted: false };
        let remembered = match (l10n::detected_language(text, c), stored) {
            (Some(lang), Some(s)) if s.lang == lang => s,
            // English is what a customer without a row gets: nothing to write.
            (Some(Lang::En), None) => english,
            (Some(lang), _) => {
                let l = CustomerLanguage { lang, fallback_noted: false };
                self.tx.set_customer_language(&user.id, &l).await?;
                l
            }
            (None, Some(s)) => s,
            (None, None) => english,
        };
        self.speaker_lang = Some((user.id.clone(), remembered.lang));
        if !l10n::has_texts(remembered.lang) && !remembered.fallback_noted {
            self.say(channel, Some(&user.id), None, l10n::fallback_note(remembered.lang).english()).await?;
            self.tx.set_customer_language(&user.id, &CustomerLanguage { fallback_noted: true, ..remembered }).await?;
        }
        Ok(())
    }

    pub async fn customer_message(
        &mut self,
        user: &User,
        text: &str,
        c: Classification,
        redacted_last4: Option<&str>,
        channel: &str,
    ) -> EngineResult<()> {
        // The answer to a question back routes the message it was about, while it is fresh.
        let pending =
            self.tx.take_question(&user.id).await?.filter(|q| self.now - q.asked_at <= self.engine.cfg.question_expiry);
        if let Some(q) = pending {
            if let Some(intent) = chosen(text, &q.choices) {
                self.audit(user.id.as_str(), None, AuditAction::MessageClarified, intent.to_string(), None).await?;
                return self.route(user, intent, &q.entities, &q.text, channel).await;
            }
        }
        let mut ents = c.entities;
        if ents.card_last4.is_none() {
            ents.card_last4 = redacted_last4.map(str::to_string);
        }
        let intent = c.intent;
        self.audit(
            user.id.as_str(),
            None,
            AuditAction::MessageClassified,
            format!("{} ({:.2})", intent, c.confidence),
            None,
        )
        .await?;
        if self.answer_to_question(user, text, &ents, channel).await? {
            return Ok(());
        }
        if is_thanks(text) && ents.transaction_id.is_none() && ents.case_id.is_none() {
            self.say_to(channel, &user.id, None, Msg::new("thanks")).await?;
            return Ok(());
        }
        let choices: Vec<Intent> = c.top.iter().filter(|(_, p)| *p >= OFFER_AT_LEAST).map(|(i, _)| *i).collect();
        if c.confidence < crate::nlu::ASK_BELOW && choices.len() >= 2 {
            let mut ask = vec![Msg::new("question-intro")];
            for (n, i) in choices.iter().enumerate() {
                ask.push(
                    Msg::new("question-choice").with("number", (n + 1).to_string()).with("reading", l10n::reading(*i)),
                );
            }
            ask.push(Msg::new("question-outro"));
            self.say_to(channel, &user.id, None, Msg::joined(ask, "\n")).await?;
            let q = StoredQuestion { choices, entities: ents, text: text.to_string(), asked_at: self.now };
            self.tx.put_question(&user.id, &q).await?;
            return Ok(());
        }
        self.route(user, intent, &ents, text, channel).await
    }

    /// Acts on a message whose meaning is settled.
    async fn route(
        &mut self,
        user: &User,
        intent: Intent,
        ents: &Entities,
        text: &str,
        channel: &str,
    ) -> EngineResult<()> {
        let ents = ents.clone();
        if intent.opens_case() {
            return self.case_message(user, intent, &ents, text, channel).await;
        }
        match intent {
            Intent::WalletBalance => self.answer_balance(user, channel).await,
            Intent::BuyCredits => self.answer_buy(user, text, channel).await,
            Intent::AutoRecharge => self.answer_auto_recharge(user, channel).await,
            Intent::TransferCredits => {
                self.say_to(channel, &user.id, None, Msg::new("credits-not-transferable")).await?;
                Ok(())
            }
            Intent::RefundStatus => self.answer_refund_status(user, &ents, channel).await,
            Intent::TicketStatus => self.answer_ticket_status(user, &ents, channel).await,
            Intent::UpdatePaymentMethod => {
                self.say_to(channel, &user.id, None, Msg::new("update-payment-method")).await?;
                Ok(())
            }
            Intent::Escalate => self.escalate_latest(user, channel).await,
            _ => self.other_message(user, &ents, text, channel).await,
        }
    }

    /// The bot asked this customer a question (a case waiting for information): their
    /// next message is read as the answer first — one of their own charges named by its
    /// id in any form, or an amount (and date) that picks exactly one; without a linked
    /// account, an email or account id for staff to confirm. `false`: not an answer.
    async fn answer_to_question(
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

    /// Tickets 1 and 4: open a case or join the open one about the same charge.
    async fn case_message(
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
        // A case named in the message, if it is theirs and open, is the one to join.
        let named = ents
            .case_id
            .as_deref()
            .and_then(|c| CaseNumber::from_str(c).ok())
            .and_then(|n| open.iter().find(|c| c.number == n).cloned());
        let pick = pick_charge(&charges, ents, intent, text, self.engine.cfg.policy.duplicate_window_minutes);
        let charge = match &pick {
            Pick::Found(c) => Some((**c).clone()),
            _ => None,
        };
        // One case per charge, and per topic while the charge is unknown: an unrelated
        // problem opens a case of its own instead of piling into one without a charge.
        let same_topic = |c: &&Case| c.charge.is_none() && same_topic(c.intent, intent);
        let existing = named.or_else(|| match &charge {
            Some(ch) => open
                .iter()
                .find(|c| c.charge.as_ref() == Some(&ch.id))
                .or_else(|| open.iter().find(same_topic))
                .cloned(),
            None => open.iter().find(same_topic).cloned(),
        });
        match existing {
            Some(mut case) => {
                let mut changed = false;
                if case.intent == Intent::RefundRequest && intent != Intent::RefundRequest {
                    case.intent = intent; // the more specific cause wins
                    changed = true;
                }
                if case.charge.is_none() {
                    if let Some(ch) = &charge {
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
                self.say_to(
                    channel,
                    &user.id,
                    Some(case.number),
                    Msg::new("case-added").with("case", case.number.to_string()),
                )
                .await?;
                self.after_case_update(&mut case, charge.as_ref(), &pick, &charges, user, channel).await
            }
            None => {
                let number = self.tx.next_case_number().await?;
                let status = if charge.is_some() { CaseStatus::Open } else { CaseStatus::AwaitingInfo };
                let mut case = Case {
                    number,
                    customer: user.id.clone(),
                    account: Some(account.clone()),
                    charge: charge.as_ref().map(|c| c.id.clone()),
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
                let opened =
                    Msg::new("case-opened").with("case", number.to_string()).with("topic", l10n::topic(intent));
                self.say_to(channel, &user.id, Some(number), opened).await?;
                // A case opened waiting for info already tells its status in the question.
                self.after_case_update(&mut case, charge.as_ref(), &pick, &charges, user, channel).await
            }
        }
    }

    /// What the customer learns once their message is attached to a case: the question for
    /// the missing charge, or what the policy says about the charge.
    async fn after_case_update(
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
    async fn chargeback_threat(&mut self, case: &mut Case, user: &User, channel: &str) -> EngineResult<()> {
        if case.status == CaseStatus::Escalated {
            return Ok(());
        }
        self.say_to(channel, &user.id, Some(case.number), Msg::new("chargeback-explained")).await?;
        self.set_status(case, CaseStatus::Escalated, "system", None).await
    }

    async fn ask_for_charge(
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

    async fn answer_balance(&mut self, user: &User, channel: &str) -> EngineResult<()> {
        let Some(account) = user.account.clone() else {
            return self.no_account(user, channel).await;
        };
        let wallets = self.tx.wallets_of(&account).await?;
        let parts: Vec<String> =
            wallets.iter().map(|w| format!("{} {}", w.currency.format(w.balance), w.currency)).collect();
        let text = Msg::new("wallet-balance").with("account", account.to_string()).with("balances", parts.join(", "));
        self.say_to(channel, &user.id, None, text).await?;
        Ok(())
    }

    pub async fn balance_words(&mut self, account: &AccountId) -> EngineResult<String> {
        let wallets = self.tx.wallets_of(account).await?;
        let parts: Vec<String> =
            wallets.iter().map(|w| format!("{} {}", w.currency.format(w.balance), w.currency)).collect();
        Ok(format!("The wallet balance of {account} is {}.", parts.join(", ")))
    }

    async fn no_account(&mut self, user: &User, channel: &str) -> EngineResult<()> {
        self.say_to(channel, &user.id, None, Msg::new("no-account")).await?;
        Ok(())
    }

    async fn answer_buy(&mut self, user: &User, text: &str, channel: &str) -> EngineResult<()> {
        let Some(account) = user.account.clone() else {
            return self.no_account(user, channel).await;
        };
        let Some(acct) = self.tx.account(&account).await? else { return self.no_account(user, channel).await };
        let cur = acct.currency;
        let policy = match self.engine.cfg.policy.in_currency(cur) {
            Ok(p) => p,
            Err(why) => {
                self.say_to(
                    channel,
                    &user.id,
                    None,
                    Msg::new("credits-not-sold").with("currency", cur.to_string()).with("why", why.to_string()),
                )
                .await?;
                return Ok(());
            }
        };
        let policy = &policy;
        let n = credits_mentioned(text).filter(|n| *n > 0 && *n <= crate::domain::billing::MAX_CREDITS_PER_PURCHASE);
        let money = |d: Decimal| format!("{} {cur}", cur.format(d));
        let reply = match n {
            Some(n) => {
                let p = price_credits(n, cur, policy);
                Msg::new("credits-price")
                    .count("credits", u64::from(n))
                    .with("value", money(p.value))
                    .with("total", money(p.total))
                    .with("cost", money(p.cost))
                    .with("fee", money(p.fee))
            }
            None => Msg::new("credits-price-each")
                .with("value", money(policy.credit_value))
                .with("price", money(policy.credit_price))
                .with("percent", (policy.fee_rate * Decimal::from(100)).normalize().to_string()),
        };
        self.say_to(channel, &user.id, None, reply).await?;
        Ok(())
    }

    async fn answer_auto_recharge(&mut self, user: &User, channel: &str) -> EngineResult<()> {
        let Some(account) = user.account.clone() else {
            return self.no_account(user, channel).await;
        };
        let Some(acct) = self.tx.account(&account).await? else { return self.no_account(user, channel).await };
        let cur = acct.currency;
        let money = |d: Decimal| format!("{} {cur}", cur.format(d));
        let text = match &acct.auto_recharge {
            Some(a) => match self.engine.cfg.policy.in_currency(cur) {
                Ok(policy) => {
                    let p = price_credits(a.credits, cur, &policy);
                    Msg::new("auto-recharge-on")
                        .with("account", account.to_string())
                        .with("below", money(a.below))
                        .count("credits", u64::from(a.credits))
                        .with("total", money(p.total))
                        .with("value", money(p.value))
                }
                Err(why) => {
                    Msg::new("auto-recharge-unpriced").with("account", account.to_string()).with("why", why.to_string())
                }
            },
            None => Msg::new("auto-recharge-off").with("account", account.to_string()),
        };
        self.say_to(channel, &user.id, None, text).await?;
        Ok(())
    }

    async fn answer_refund_status(&mut self, user: &User, ents: &Entities, channel: &str) -> EngineResult<()> {
        let cases = self.tx.cases_of(&user.id).await?;
        let wanted = ents.case_id.as_deref().and_then(|c| CaseNumber::from_str(c).ok());
        if let Some(n) = wanted {
            if !cases.iter().any(|c| c.number == n) {
                self.say_to(channel, &user.id, None, Msg::new("no-case-found").with("case", n.to_string())).await?;
                return Ok(());
            }
        }
        let mut lines = Vec::new();
        for case in cases.iter().filter(|c| wanted.is_none_or(|n| c.number == n)) {
            for r in self.tx.refunds_of_case(case.number).await?.iter().rev() {
                let amount = format!("{} {}", r.currency.format(r.amount), r.currency);
                let state = match r.status {
                    RefundStatus::AwaitingApproval => Msg::new("refund-state-awaiting_approval"),
                    RefundStatus::Approved | RefundStatus::Executing => Msg::new("refund-state-paying"),
                    RefundStatus::Succeeded => {
                        let notes = self.tx.credit_notes_of(&r.charge).await?;
                        match notes.iter().find(|n| n.amount == r.amount) {
                            Some(n) => Msg::new("refund-state-sent-on")
                                .with("date", n.at.format("%Y-%m-%d %H:%M UTC").to_string()),
                            None => Msg::new("refund-state-sent"),
                        }
                    }
                    RefundStatus::Failed => Msg::new("refund-state-failed"),
                    RefundStatus::Rejected => Msg::new("refund-state-rejected"),
                    RefundStatus::Expired => Msg::new("refund-state-expired"),
                    RefundStatus::OnHold => Msg::new("refund-state-on_hold"),
                    RefundStatus::Reversed => Msg::new("refund-state-reversed"),
                };
                lines.push(
                    Msg::new("refund-status-line")
                        .with("amount", amount)
                        .with("charge", r.charge.to_string())
                        .with("case", case.number.to_string())
                        .with("state", state),
                );
            }
        }
        let text = if lines.is_empty() {
            match cases.iter().find(|c| c.status.is_open()) {
                Some(c) => {
                    Msg::new("no-refund-yet").with("case", c.number.to_string()).with("status", l10n::status(c.status))
                }
                None => Msg::new("no-refund-found"),
            }
        } else {
            lines.truncate(3);
            Msg::joined(lines, "\n")
        };
        self.say_to(channel, &user.id, wanted, text).await?;
        Ok(())
    }

    async fn answer_ticket_status(&mut self, user: &User, ents: &Entities, channel: &str) -> EngineResult<()> {
        let cases = self.tx.cases_of(&user.id).await?;
        let wanted = ents.case_id.as_deref().and_then(|c| CaseNumber::from_str(c).ok());
        let case = match wanted {
            Some(n) => cases.iter().find(|c| c.number == n),
            None => cases.iter().find(|c| c.status.is_open()).or(cases.first()),
        };
        let text = match (case, wanted) {
            (Some(c), _) => {
                let status = match &c.charge {
                    Some(ch) => Msg::new("ticket-status-charge").with("charge", ch.to_string()),
                    None => Msg::new("ticket-status"),
                };
                status
                    .with("case", c.number.to_string())
                    .with("topic", l10n::topic(c.intent))
                    .with("status", l10n::status(c.status))
                    .with("updated", c.updated_at.format("%Y-%m-%d %H:%M UTC").to_string())
            }
            (None, Some(n)) => Msg::new("no-case-found").with("case", n.to_string()),
            (None, None) => Msg::new("no-case-yet"),
        };
        self.say_to(channel, &user.id, case.map(|c| c.number), text).await?;
        Ok(())
    }

    async fn escalate_latest(&mut self, user: &User, channel: &str) -> EngineResult<()> {
        let open = self.tx.open_cases_of(&user.id).await?;
        match open.into_iter().next() {
            Some(case) if case.status == CaseStatus::Escalated => {
                self.say_to(
                    channel,
                    &user.id,
                    Some(case.number),
                    Msg::new("already-with-lead").with("case", case.number.to_string()),
                )
                .await?;
            }
            Some(mut case) => {
                self.audit(
                    user.id.as_str(),
                    Some(case.number),
                    AuditAction::CaseEscalationAsked,
                    "customer asked for escalation",
                    None,
                )
                .await?;
                self.set_status(&mut case, CaseStatus::Escalated, user.id.as_str(), Some(Msg::new("lead-takes-it")))
                    .await?;
            }
            None => {
                self.say_to(channel, &user.id, None, Msg::new("nothing-to-escalate")).await?;
            }
        }
        Ok(())
    }

    /// Greetings and the like; also the answer to "which charge?" for a case waiting for it.
    async fn other_message(&mut self, user: &User, ents: &Entities, text: &str, channel: &str) -> EngineResult<()> {
        let has_charge_hint = ents.transaction_id.is_some() || ents.invoice_id.is_some() || ents.amount.is_some();
        if has_charge_hint {
            let waiting =
                self.tx.open_cases_of(&user.id).await?.into_iter().find(|c| c.status == CaseStatus::AwaitingInfo);
            if let Some(case) = waiting {
                return self.case_message(user, case.intent, ents, text, channel).await;
            }
        }
        if ents.case_id.is_some() {
            return self.answer_ticket_status(user, ents, channel).await;
        }
        self.say_to(channel, &user.id, None, Msg::new("greeting")).await?;
        Ok(())
    }
}

/// A message as kept in a case's history: at most 500 characters.
fn clip(text: &str) -> String {
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

/// A short thank-you ("thanks!", "got it, thank you", "gracias"), not a request.
fn is_thanks(text: &str) -> bool {
    const WORDS: [&str; 14] = [
        "thanks",
        "thank",
        "thx",
        "ty",
        "cheers",
        "gracias",
        "obrigado",
        "obrigada",
        "merci",
        "danke",
        "grazie",
        "bedankt",
        "ありがとう",
        "谢谢",
    ];
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    words.len() <= 6 && words.iter().any(|w| WORDS.contains(w))
        || WORDS.iter().any(|w| !w.is_ascii() && lower.contains(w)) && text.chars().count() <= 12
}

/// Whether a new message about `new` belongs with a case about `old` while neither
/// names a charge: the same problem, or a plain refund request about either.
fn same_topic(old: Intent, new: Intent) -> bool {
    old == new || old == Intent::RefundRequest || new == Intent::RefundRequest
}

/// A number of credits named in a message: "add 50 credits", "50 créditos".
fn credits_mentioned(text: &str) -> Option<u32> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    words.windows(2).find_map(|w| {
        let is_credit_word = w[1].starts_with("credit")
            || w[1].starts_with("crédit")
            || w[1].starts_with("crédito")
            || w[1].starts_with("guthaben");
        if is_credit_word {
            w[0].parse().ok()
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::ChargeId;
    use crate::domain::money::Currency;

    #[test]
    fn clipping_never_cuts_a_card_marker_in_half() {
        let text = format!("{}{}", "a".repeat(490), crate::nlu::redact::CARD_MARKER);
        let c = clip(&text);
        assert!(c.ends_with(&format!("{}…", "a".repeat(10))), "{c}");
        assert!(!c.contains("[card num"), "{c}");
        assert_eq!(clip("short"), "short");
    }

    fn ch(id: &str, amount: Decimal, at: &str, desc: &str) -> Charge {
        Charge {
            id: ChargeId::new(id),
            account: AccountId::new("a"),
            amount,
            currency: Currency::USD,
            at: at.parse().unwrap(),
            method: PaymentMethod::Card,
            card_last4: Some("4242".into()),
            kind: ChargeKind::Product,
            description: desc.into(),
            fee: Decimal::ZERO,
            wallet_selected: false,
            disputed: false,
            provider: "sandbox".into(),
        }
    }

    fn found(p: Pick) -> Option<String> {
        match p {
            Pick::Found(c) => Some(c.id.to_string()),
            _ => None,
        }
    }

    #[test]
    fn picking_the_charge() {
        let a = ch("ch_1", dec!(49), "2026-05-02T09:00:00Z", "API credits pack");
        let b = ch("ch_2", dec!(49), "2026-05-02T09:03:00Z", "API credits pack");
        let c = ch("ch_3", dec!(15), "2026-05-01T09:00:00Z", "Report export");
        let all = vec![a, b, c];
        // explicit id, own or not
        let mut e = Entities { transaction_id: Some("ch_3".into()), ..Default::default() };
        assert_eq!(found(pick_charge(&all, &e, Intent::RefundRequest, "", 10)).as_deref(), Some("ch_3"));
        e.transaction_id = Some("ch_999".into());
        assert!(matches!(pick_charge(&all, &e, Intent::RefundRequest, "", 10), Pick::NotFound(_)));
        // amount
        let e = Entities { amount: Some("15".into()), ..Default::default() };
        assert_eq!(found(pick_charge(&all, &e, Intent::RefundRequest, "", 10)).as_deref(), Some("ch_3"));
        // the duplicate, not the first
        let e = Entities::default();
        assert_eq!(found(pick_charge(&all, &e, Intent::DuplicateCharge, "charged twice", 10)).as_deref(), Some("ch_2"));
        // description words
        assert_eq!(
            found(pick_charge(&all, &e, Intent::RefundRequest, "the report export failed", 10)).as_deref(),
            Some("ch_3")
        );
        // nothing to go on
        assert!(matches!(pick_charge(&all, &e, Intent::RefundRequest, "refund please", 10), Pick::Unclear));
        // a single charge is the one
        assert_eq!(
            found(pick_charge(&all[2..], &e, Intent::RefundRequest, "refund please", 10)).as_deref(),
            Some("ch_3")
        );
    }

    #[test]
    fn credits_in_text() {
        assert_eq!(credits_mentioned("I need to add 50 credits"), Some(50));
        assert_eq!(credits_mentioned("quiero 20 créditos"), Some(20));
        assert_eq!(credits_mentioned("how do credits work"), None);
    }
}

#[cfg(test)]
mod question_back_tests {
    use super::*;

    #[test]
    fn an_answer_picks_one_of_the_readings() {
        let choices = [Intent::WrongAmount, Intent::PaymentFailed, Intent::PaymentPending];
        assert_eq!(chosen("2", &choices), Some(Intent::PaymentFailed));
        assert_eq!(chosen(" 1. ", &choices), Some(Intent::WrongAmount));
        assert_eq!(chosen("(3)", &choices), Some(Intent::PaymentPending));
        assert_eq!(chosen("4", &choices), None);
        assert_eq!(chosen("0", &choices), None);
        assert_eq!(chosen("I was charged twice", &choices), None);
    }
}
