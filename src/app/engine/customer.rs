//! Customers' chat: classify, then open or join a case, or answer at once (Tickets 1–7).

use super::work::Work;
use super::EngineResult;
use crate::app::ports::User;
use crate::domain::approvals::RefundStatus;
use crate::domain::audit::AuditAction;
use crate::domain::billing::{price_credits, Charge, ChargeKind, PaymentMethod};
use crate::domain::ids::{AccountId, CaseNumber};
use crate::domain::intent::Intent;
use crate::domain::policy::{eligibility, is_duplicate, Decision, Eligibility, RefundContext, Refusal};
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
pub(crate) fn pick_charge(charges: &[Charge], ents: &Entities, intent: Intent, text: &str, window_minutes: i64) -> Pick {
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

/// A question back waiting for the customer's answer: the readings offered and the message
/// they are about. Kept in memory: after a restart (or on another instance) the answer is
/// read as a new message.
#[derive(Debug, Clone)]
pub(crate) struct PendingQuestion {
    choices: Vec<Intent>,
    ents: Entities,
    text: String,
}

pub(crate) type PendingQuestions = std::sync::Mutex<std::collections::HashMap<String, PendingQuestion>>;

/// The readings worth offering: the likeliest ones with at least this probability.
const OFFER_AT_LEAST: f32 = 0.08;

/// "2", "2.", "(2)", "#2" -> the second choice.
fn chosen(answer: &str, choices: &[Intent]) -> Option<Intent> {
    let t = answer.trim().trim_matches(|c: char| matches!(c, '.' | ')' | '(' | '#' | '!'));
    let n: usize = t.parse().ok()?;
    choices.get(n.checked_sub(1)?).copied()
}

/// What a reading means, as the question back offers it.
fn reading(i: Intent) -> &'static str {
    match i {
        Intent::RefundRequest => "you want a refund",
        Intent::WalletNotApplied => "you chose to pay with wallet credit but your card was charged",
        Intent::DuplicateCharge => "you were charged more than once for one purchase",
        Intent::WrongAmount => "you were charged a different amount than the price",
        Intent::PaymentFailed => "a payment was declined or did not go through",
        Intent::PaymentPending => "you paid but the payment is still pending",
        Intent::RefundStatus => "you are asking where a refund is",
        Intent::WalletBalance => "you want to know your wallet balance",
        Intent::BuyCredits => "you want to buy credits",
        Intent::AutoRecharge => "you want to set up, change or stop automatic top-up",
        Intent::TransferCredits => "you want credits moved to another account",
        Intent::Dispute => "you did not authorise a charge",
        Intent::CancelSubscription => "you want to cancel a subscription",
        Intent::Escalate => "you want someone senior to look at this",
        Intent::TicketStatus => "you are asking about an open case",
        Intent::UpdatePaymentMethod => "you want to change your payment method",
        Intent::Other => "something else",
    }
}

impl Work<'_> {
    pub async fn customer_message(&mut self, user: &User, text: &str, redacted_last4: Option<&str>, channel: &str) -> EngineResult<()> {
        // The answer to a question back routes the message it was about.
        let pending = self.engine.pending.lock().ok().and_then(|mut m| m.remove(user.id.as_str()));
        if let Some(q) = pending {
            if let Some(intent) = chosen(text, &q.choices) {
                self.audit(user.id.as_str(), None, AuditAction::MessageClarified, intent.to_string(), None).await?;
                return self.route(user, intent, &q.ents, &q.text, channel).await;
            }
        }
        let cfg = &self.engine.cfg;
        let c = crate::nlu::classifier().classify(text, cfg.default_currency.code());
        let mut ents = c.entities;
        if ents.card_last4.is_none() {
            ents.card_last4 = redacted_last4.map(str::to_string);
        }
        let intent = c.intent;
        self.audit(user.id.as_str(), None, AuditAction::MessageClassified, format!("{} ({:.2})", intent, c.confidence), None).await?;
        if self.answer_to_question(user, text, &ents, channel).await? {
            return Ok(());
        }
        if is_thanks(text) && ents.transaction_id.is_none() && ents.case_id.is_none() {
            self.say(channel, Some(&user.id), None, "You're welcome! I'm here if anything else comes up with a charge, a refund or your wallet.")
                .await?;
            return Ok(());
        }
        let choices: Vec<Intent> = c.top.iter().filter(|(_, p)| *p >= OFFER_AT_LEAST).map(|(i, _)| *i).collect();
        if c.confidence < crate::nlu::ASK_BELOW && choices.len() >= 2 {
            let mut ask = String::from("I want to be sure I understand. Do you mean that");
            for (n, i) in choices.iter().enumerate() {
                ask.push_str(&format!("\n{}. {}", n + 1, reading(*i)));
            }
            ask.push_str("\nReply with the number.");
            self.say(channel, Some(&user.id), None, &ask).await?;
            let q = PendingQuestion { choices, ents, text: text.to_string() };
            if let Ok(mut m) = self.engine.pending.lock() {
                m.insert(user.id.as_str().to_string(), q);
            }
            return Ok(());
        }
        self.route(user, intent, &ents, text, channel).await
    }

    /// Acts on a message whose meaning is settled.
    async fn route(&mut self, user: &User, intent: Intent, ents: &Entities, text: &str, channel: &str) -> EngineResult<()> {
        let ents = ents.clone();
        if intent.opens_case() {
            return self.case_message(user, intent, &ents, text, channel).await;
        }
        match intent {
            Intent::WalletBalance => self.answer_balance(user, channel).await,
            Intent::BuyCredits => self.answer_buy(user, text, channel).await,
            Intent::AutoRecharge => self.answer_auto_recharge(user, channel).await,
            Intent::TransferCredits => {
                self.say(channel, Some(&user.id), None,
                    "Credits are not transferable between accounts, so I can't move them. If credits were bought on the wrong account by mistake, tell me which charge and an agent will look at it.").await?;
                Ok(())
            }
            Intent::RefundStatus => self.answer_refund_status(user, &ents, channel).await,
            Intent::TicketStatus => self.answer_ticket_status(user, &ents, channel).await,
            Intent::UpdatePaymentMethod => {
                self.say(channel, Some(&user.id), None,
                    "You can replace the card on file under Billing → Payment methods in your dashboard; the new card is used from the next charge on. Please never post card numbers here.").await?;
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
    async fn answer_to_question(&mut self, user: &User, text: &str, ents: &Entities, channel: &str) -> EngineResult<bool> {
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
                    Some(a) => charges.iter().filter(|c| c.amount == a && date.is_none_or(|d| c.at.date_naive() == d)).collect(),
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
        self.audit(user.id.as_str(), Some(case.number), AuditAction::CaseMessage, format!("answered which charge: {}", charge.id), None).await?;
        let pick = Pick::Found(Box::new(charge.clone()));
        self.after_case_update(&mut case, Some(&charge), &pick, &charges, user, channel).await?;
        Ok(true)
    }

    /// An unlinked customer answers with an email or account id: staff are asked to
    /// confirm and link (the answer is the same whether such an account exists or not).
    async fn link_answer(&mut self, user: &User, case: &mut Case, tokens: &[&str]) -> EngineResult<bool> {
        let email = tokens.iter().find(|t| t.split_once('@').is_some_and(|(name, domain)| !name.is_empty() && domain.contains('.')));
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
        self.audit(user.id.as_str(), Some(n), AuditAction::CaseLinkRequested, format!("{} says their billing account is {given}", user.id), None)
            .await?;
        let approvals = self.engine.cfg.approvals_channel.clone();
        let text = format!("{} ({n}) says their billing account is {given}: check it, then link them with /link {} <account>.", user.id, user.id);
        self.say(&approvals, None, Some(n), text).await?;
        let thanks = format!(
            "Thanks: I've passed {given} to an agent, who will check it and link your chat user to your billing account. You'll hear back here."
        );
        self.set_status(case, CaseStatus::Open, user.id.as_str(), &thanks).await?;
        Ok(true)
    }

    /// Tickets 1 and 4: open a case or join the open one about the same charge.
    async fn case_message(&mut self, user: &User, intent: Intent, ents: &Entities, text: &str, channel: &str) -> EngineResult<()> {
        let Some(account) = user.account.clone() else {
            return self.case_without_account(user, intent, channel).await;
        };
        let charges = self.tx.charges_of(&account).await?;
        let open = self.tx.open_cases_of(&user.id).await?;
        // A case named in the message, if it is theirs and open, is the one to join.
        let named = ents.case_id.as_deref().and_then(|c| CaseNumber::from_str(c).ok()).and_then(|n| open.iter().find(|c| c.number == n).cloned());
        let pick = pick_charge(&charges, ents, intent, text, self.engine.cfg.policy.duplicate_window_minutes);
        let charge = match &pick {
            Pick::Found(c) => Some((**c).clone()),
            _ => None,
        };
        // One case per charge, and per topic while the charge is unknown: an unrelated
        // problem opens a case of its own instead of piling into one without a charge.
        let same_topic = |c: &&Case| c.charge.is_none() && same_topic(c.intent, intent);
        let existing = named.or_else(|| match &charge {
            Some(ch) => open.iter().find(|c| c.charge.as_ref() == Some(&ch.id)).or_else(|| open.iter().find(same_topic)).cloned(),
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
                self.audit(user.id.as_str(), Some(case.number), AuditAction::CaseMessage, format!("({intent}) {}", clip(text)), None).await?;
                self.say(channel, Some(&user.id), Some(case.number), format!("I've added this to your case {}.", case.number)).await?;
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
                self.audit(user.id.as_str(), Some(number), AuditAction::CaseOpened, format!("{intent} for account {account}"), None).await?;
                self.audit(user.id.as_str(), Some(number), AuditAction::CaseMessage, format!("({intent}) {}", clip(text)), None).await?;
                self.say(channel, Some(&user.id), Some(number), format!("I've opened case {number} for you ({}).", intent_words(intent))).await?;
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
                self.set_status(case, CaseStatus::AwaitingInfo, "system", "").await?;
            }
            return self.ask_for_charge(case, pick, charges, user, channel).await;
        };
        if case.status == CaseStatus::AwaitingInfo {
            self.set_status(case, CaseStatus::Open, "system", &format!("It is about charge {}.", charge.id)).await?;
        }
        let e = self.eligibility_of(&charge, None).await?;
        let text = match (&e.decision, case.intent) {
            (_, Intent::PaymentFailed | Intent::PaymentPending) => {
                format!("I found charge {}. An agent will check its payment status with the provider and get back to you here.", charge.summary())
            }
            (Decision::Refused(Refusal::Disputed), _) => {
                let why = e.explain();
                self.set_status(case, CaseStatus::Escalated, "system", "The charge has an open chargeback, so a lead takes it over.").await?;
                format!("Charge {}: {why}.", charge.id)
            }
            (Decision::Eligible { .. }, _) => format!(
                "Charge {}: under our policy it is {}. An agent will review it; you'll be told of every step here.",
                charge.summary(),
                e.explain()
            ),
            (Decision::Refused(_), _) => {
                format!("Charge {}: under our policy it is {}. An agent will still read your case and reply here.", charge.summary(), e.explain())
            }
        };
        self.say(channel, Some(&user.id), Some(case.number), text).await?;
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
        self.say(
            channel,
            Some(&user.id),
            Some(case.number),
            "About a chargeback: it is a dispute you open with your bank. The bank holds the money while it investigates, which usually takes weeks, \
             and while it is open we cannot refund that charge here. A refund from us goes straight back to your card, usually within 5–10 business days. \
             If you have not filed a dispute yet, we can look at a refund first. A lead is taking over your case now.",
        )
        .await?;
        self.set_status(case, CaseStatus::Escalated, "system", "").await
    }

    async fn ask_for_charge(&mut self, case: &mut Case, pick: &Pick, charges: &[Charge], user: &User, channel: &str) -> EngineResult<()> {
        if case.intent == Intent::Dispute {
            self.chargeback_threat(case, user, channel).await?;
        }
        let mut text = match pick {
            Pick::NotFound(r) => format!("I couldn't find a charge {r} on your account. "),
            _ => String::new(),
        };
        text.push_str("Which charge is this about? Please reply with its transaction id, the invoice number, or its date and amount.");
        let recent: Vec<String> = charges.iter().rev().take(5).map(|c| format!("\n• {}", c.summary())).collect();
        if recent.is_empty() {
            text.push_str(" I see no charges on your account yet.");
        } else {
            text.push_str(" Your recent charges:");
            text.extend(recent);
        }
        self.say(channel, Some(&user.id), Some(case.number), text).await?;
        Ok(())
    }

    async fn case_without_account(&mut self, user: &User, intent: Intent, channel: &str) -> EngineResult<()> {
        let open = self.tx.open_cases_of(&user.id).await?;
        if let Some(case) = open.first() {
            self.say(
                channel,
                Some(&user.id),
                Some(case.number),
                format!("I've added this to your case {}. An agent still has to link your chat user to your billing account.", case.number),
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
        self.audit(user.id.as_str(), Some(number), AuditAction::CaseOpened, format!("{intent}, no account linked"), None).await?;
        self.say(
            channel,
            Some(&user.id),
            Some(number),
            format!("I've opened case {number} ({}). I can't see a billing account linked to you yet: please tell me the email or account id you signed up with, and an agent will link it.", intent_words(intent)),
        )
        .await?;
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
        let ctx = RefundContext { charge, subscription: sub.as_ref(), account_charges: &charges, refunded, requested, deliberate_purchase };
        Ok(eligibility(&ctx, &self.engine.cfg.policy, self.now))
    }

    async fn answer_balance(&mut self, user: &User, channel: &str) -> EngineResult<()> {
        let Some(account) = user.account.clone() else {
            return self.no_account(user, channel).await;
        };
        let text = self.balance_words(&account).await?;
        self.say(channel, Some(&user.id), None, text).await?;
        Ok(())
    }

    pub async fn balance_words(&mut self, account: &AccountId) -> EngineResult<String> {
        let wallets = self.tx.wallets_of(account).await?;
        let parts: Vec<String> = wallets.iter().map(|w| format!("{} {}", w.currency.format(w.balance), w.currency)).collect();
        Ok(format!("The wallet balance of {account} is {}.", parts.join(", ")))
    }

    async fn no_account(&mut self, user: &User, channel: &str) -> EngineResult<()> {
        self.say(
            channel,
            Some(&user.id),
            None,
            "I can't see a billing account linked to you yet. Tell me the email or account id you signed up with and an agent will link it.",
        )
        .await?;
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
                self.say(channel, Some(&user.id), None, format!("I can't sell credits in {cur} yet: {why}.")).await?;
                return Ok(());
            }
        };
        let policy = &policy;
        let n = credits_mentioned(text).filter(|n| *n > 0 && *n <= crate::domain::billing::MAX_CREDITS_PER_PURCHASE);
        let reply = match n {
            Some(n) => {
                let p = price_credits(n, cur, policy);
                format!(
                    "{n} credits add {} {cur} to your wallet and cost {} {cur} ({} {cur} plus a {} {cur} platform fee). To buy them, type /wallet buy {n}.",
                    cur.format(p.value),
                    cur.format(p.total),
                    cur.format(p.cost),
                    cur.format(p.fee)
                )
            }
            None => format!(
                "Each credit adds {} {cur} to your wallet and costs {} {cur}, plus a {}% platform fee. Type /wallet buy <credits> to buy, e.g. /wallet buy 10.",
                cur.format(policy.credit_value),
                cur.format(policy.credit_price),
                (policy.fee_rate * Decimal::from(100)).normalize()
            ),
        };
        self.say(channel, Some(&user.id), None, reply).await?;
        Ok(())
    }

    async fn answer_auto_recharge(&mut self, user: &User, channel: &str) -> EngineResult<()> {
        let Some(account) = user.account.clone() else {
            return self.no_account(user, channel).await;
        };
        let Some(acct) = self.tx.account(&account).await? else { return self.no_account(user, channel).await };
        let cur = acct.currency;
        let text = match &acct.auto_recharge {
            Some(a) => match self.engine.cfg.policy.in_currency(cur) {
                Ok(policy) => {
                    let p = price_credits(a.credits, cur, &policy);
                    format!(
                        "Auto-recharge is on for {account}: when usage leaves your balance below {} {cur}, {} credits are bought at once ({} {cur} charged, {} {cur} added). An agent can change or stop it for you: just say so here.",
                        cur.format(a.below), a.credits, cur.format(p.total), cur.format(p.value)
                    )
                }
                Err(why) => format!("Auto-recharge is set up for {account}, but {why}."),
            },
            None => format!(
                "Auto-recharge is off for {account}. It can buy credits automatically when your balance drops below a threshold you choose; tell me the threshold and how many credits, and an agent will set it up."
            ),
        };
        self.say(channel, Some(&user.id), None, text).await?;
        Ok(())
    }

    async fn answer_refund_status(&mut self, user: &User, ents: &Entities, channel: &str) -> EngineResult<()> {
        let cases = self.tx.cases_of(&user.id).await?;
        let wanted = ents.case_id.as_deref().and_then(|c| CaseNumber::from_str(c).ok());
        if let Some(n) = wanted {
            if !cases.iter().any(|c| c.number == n) {
                self.say(channel, Some(&user.id), None, format!("I can't find a case {n} on your account.")).await?;
                return Ok(());
            }
        }
        let mut lines = Vec::new();
        for case in cases.iter().filter(|c| wanted.is_none_or(|n| c.number == n)) {
            for r in self.tx.refunds_of_case(case.number).await?.iter().rev() {
                let amount = format!("{} {}", r.currency.format(r.amount), r.currency);
                let state = match r.status {
                    RefundStatus::AwaitingApproval => "is waiting for a lead's approval".to_string(),
                    RefundStatus::Approved | RefundStatus::Executing => "is approved and being paid".to_string(),
                    RefundStatus::Succeeded => {
                        let notes = self.tx.credit_notes_of(&r.charge).await?;
                        let when = notes
                            .iter()
                            .find(|n| n.amount == r.amount)
                            .map(|n| format!(" on {}", n.at.format("%Y-%m-%d %H:%M UTC")))
                            .unwrap_or_default();
                        format!("was sent{when}; card refunds usually show on your statement within 5–10 business days")
                    }
                    RefundStatus::Failed => "could not be paid; an agent is looking into it".to_string(),
                    RefundStatus::Rejected => "was not approved".to_string(),
                    RefundStatus::Expired => "expired before approval; an agent will follow up".to_string(),
                    RefundStatus::OnHold => "is on hold because the charge is disputed with your bank; a lead is handling it".to_string(),
                    RefundStatus::Reversed => "was sent but then returned by the payment provider; a lead is looking into it".to_string(),
                };
                lines.push(format!("The refund of {amount} for {} ({}) {state}.", r.charge, case.number));
            }
        }
        let text = if lines.is_empty() {
            match cases.iter().find(|c| c.status.is_open()) {
                Some(c) => format!("No refund has been requested yet on your case {}, which is {}.", c.number, c.status.describe()),
                None => "I can't find a refund request for you. If you'd like one, tell me which charge and why.".to_string(),
            }
        } else {
            lines.truncate(3);
            lines.join("\n")
        };
        self.say(channel, Some(&user.id), wanted, text).await?;
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
            (Some(c), _) => format!(
                "Your case {} ({}) is {}{}. Last update {}.",
                c.number,
                intent_words(c.intent),
                c.status.describe(),
                c.charge.as_ref().map(|ch| format!(", about charge {ch}")).unwrap_or_default(),
                c.updated_at.format("%Y-%m-%d %H:%M UTC")
            ),
            (None, Some(n)) => format!("I can't find a case {n} on your account."),
            (None, None) => "You have no case with us yet. Tell me what happened with your payment and I'll open one.".into(),
        };
        self.say(channel, Some(&user.id), case.map(|c| c.number), text).await?;
        Ok(())
    }

    async fn escalate_latest(&mut self, user: &User, channel: &str) -> EngineResult<()> {
        let open = self.tx.open_cases_of(&user.id).await?;
        match open.into_iter().next() {
            Some(mut case) if case.status == CaseStatus::Escalated => {
                self.say(
                    channel,
                    Some(&user.id),
                    Some(case.number),
                    format!("Your case {} is already with a lead; they will reply here.", case.number),
                )
                .await?;
                let _ = &mut case;
            }
            Some(mut case) => {
                self.audit(user.id.as_str(), Some(case.number), AuditAction::CaseEscalationAsked, "customer asked for escalation", None).await?;
                self.set_status(&mut case, CaseStatus::Escalated, user.id.as_str(), "A lead will take it from here.").await?;
            }
            None => {
                self.say(
                    channel,
                    Some(&user.id),
                    None,
                    "You have no open case to escalate. Tell me what happened with your payment and I'll open one right away.",
                )
                .await?;
            }
        }
        Ok(())
    }

    /// Greetings and the like; also the answer to "which charge?" for a case waiting for it.
    async fn other_message(&mut self, user: &User, ents: &Entities, text: &str, channel: &str) -> EngineResult<()> {
        let has_charge_hint = ents.transaction_id.is_some() || ents.invoice_id.is_some() || ents.amount.is_some();
        if has_charge_hint {
            let waiting = self.tx.open_cases_of(&user.id).await?.into_iter().find(|c| c.status == CaseStatus::AwaitingInfo);
            if let Some(case) = waiting {
                return self.case_message(user, case.intent, ents, text, channel).await;
            }
        }
        if ents.case_id.is_some() {
            return self.answer_ticket_status(user, ents, channel).await;
        }
        self.say(
            channel,
            Some(&user.id),
            None,
            "I'm the payment-support bot. Tell me what happened with a charge (for example \"I was charged twice for invoice INV-…\") and I'll open a case, or ask about your wallet balance, credits or a refund.",
        )
        .await?;
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
    const WORDS: [&str; 14] =
        ["thanks", "thank", "thx", "ty", "cheers", "gracias", "obrigado", "obrigada", "merci", "danke", "grazie", "bedankt", "ありがとう", "谢谢"];
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

/// "refund request" for `refund_request`.
pub(crate) fn intent_words(i: Intent) -> String {
    i.as_str().replace('_', " ")
}

/// A number of credits named in a message: "add 50 credits", "50 créditos".
fn credits_mentioned(text: &str) -> Option<u32> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    words.windows(2).find_map(|w| {
        let is_credit_word = w[1].starts_with("credit") || w[1].starts_with("crédit") || w[1].starts_with("crédito") || w[1].starts_with("guthaben");
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
        assert_eq!(found(pick_charge(&all, &e, Intent::RefundRequest, "the report export failed", 10)).as_deref(), Some("ch_3"));
        // nothing to go on
        assert!(matches!(pick_charge(&all, &e, Intent::RefundRequest, "refund please", 10), Pick::Unclear));
        // a single charge is the one
        assert_eq!(found(pick_charge(&all[2..], &e, Intent::RefundRequest, "refund please", 10)).as_deref(), Some("ch_3"));
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
