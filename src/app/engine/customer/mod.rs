//! Customers' chat: classify, then open or join a case, or answer at once (Tickets 1–7).
//! Here: the customer's language, the question back when the reading is unsure, and the
//! routing of a message whose meaning is settled; `cases.rs` (open or join a case, what
//! the policy says about its charge), `which_charge.rs` (finding the charge a message is
//! about, the answer to "which charge?"), `answers.rs` (questions answered at once).

mod answers;
mod cases;
mod which_charge;

use super::work::Work;
use super::EngineResult;
use crate::app::l10n::{self, Msg};
use crate::app::ports::{CustomerLanguage, StoredQuestion, User};
use crate::domain::audit::AuditAction;
use crate::domain::intent::Intent;
use crate::nlu::{Classification, Entities, Lang};

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

#[cfg(test)]
mod tests;
