//! Customers are answered in their language (issue 11): Spanish from the message files,
//! other languages in English with one note saying so; and the question back is kept in
//! the store, so an answer after a restart or on another instance routes the message.

use crate::common::bot::{at, bot, Bot};
use crate::common::*;
use paydesk::app::engine::{Actor, Event};
use paydesk::domain::intent::Intent;

/// The readings the bot offers for `text` (as `customer.rs` picks them), and the question.
const UNSURE: &str = "my charge";

fn offered(text: &str) -> Vec<Intent> {
    let c = paydesk::nlu::classifier().classify(text, "USD");
    assert!(
        c.confidence < paydesk::nlu::ASK_BELOW,
        "{text:?} is read with confidence {}: pick a vaguer text",
        c.confidence
    );
    c.top.iter().filter(|(_, p)| *p >= 0.08).map(|(i, _)| *i).collect()
}

async fn clarified(bot: &Bot) -> Vec<String> {
    let audit = bot.engine.store().audit(None).await.unwrap();
    audit.into_iter().filter(|a| a.record.action == "message.clarified").map(|a| a.record.detail).collect()
}

async fn say_on(engine: &paydesk::app::engine::Engine, user: &str, text: &str, secs: i64) {
    let ev = Event::Message { actor: Actor::known(user), text: text.into(), channel: "support".into() };
    engine.handle(ev, at(secs), None).await.unwrap();
}

#[tokio::test]
async fn a_question_back_is_answered_after_a_restart_on_a_new_engine() {
    let choices = offered(UNSURE);
    assert!(choices.len() >= 2, "{choices:?}");
    for backend in backends() {
        let bot = bot(&backend, |_| {}).await;
        bot.say("ana", UNSURE, 0).await;
        let said = bot.said().await;
        assert!(
            said.iter().any(|s| s.contains("Do you mean that\n1. ") && s.ends_with("Reply with the number.")),
            "{said:?}"
        );
        // A new engine on the same store, as after a restart (or another instance).
        let (restarted, _sandbox, _clock, _store) = engine_on(&bot._db.url, "w2", |s| s).await;
        say_on(&restarted, "ana", "2", 60).await;
        assert_eq!(clarified(&bot).await, vec![choices[1].to_string()], "the answer routes the second reading");
        // Taken once: a second "2" is a new message, not another answer.
        say_on(&restarted, "ana", "2", 120).await;
        assert_eq!(clarified(&bot).await.len(), 1);
    }
}

#[tokio::test]
async fn a_question_back_expires() {
    for backend in backends() {
        let bot = crate::common::bot::bot_with(&backend, |c| c.question_expiry = chrono::Duration::hours(2)).await;
        bot.say("ana", UNSURE, 0).await;
        bot.say("ana", "1", 2 * 3600 + 1).await;
        assert!(clarified(&bot).await.is_empty(), "an answer after the expiry is a new message");
        bot.say("ana", UNSURE, 3 * 3600).await;
        bot.say("ana", "1", 5 * 3600).await;
        assert_eq!(clarified(&bot).await.len(), 1, "an answer within the expiry routes");
    }
}

#[tokio::test]
async fn spanish_is_answered_in_spanish_and_a_short_follow_up_keeps_it() {
    for backend in backends() {
        let bot = bot(&backend, |_| {}).await;
        bot.say("ana", "Hola", 0).await;
        bot.say("ana", "ok", 30).await;
        let said = bot.said().await;
        assert_eq!(said.len(), 2, "{said:?}");
        for s in &said {
            assert!(s.starts_with("Soy el bot de soporte de pagos."), "{said:?}");
        }
        // The language is remembered in the store: a new engine answers "ok" in Spanish too.
        let (restarted, _sandbox, _clock, _store) = engine_on(&bot._db.url, "w2", |s| s).await;
        say_on(&restarted, "ana", "ok", 60).await;
        let said = bot.said().await;
        assert!(said[2].starts_with("Soy el bot de soporte de pagos."), "{said:?}");
        // And English again when the customer writes English.
        bot.say("ana", "hello", 90).await;
        let said = bot.said().await;
        assert!(said[3].starts_with("I'm the payment-support bot."), "{said:?}");
    }
}

/// The anti-spam limit (main's, in the engine) speaks the customer's language too.
#[tokio::test]
async fn the_case_limit_is_told_in_spanish() {
    for backend in backends() {
        let bot = crate::common::bot::bot_with(&backend, |c| c.max_new_cases_per_hour = 1).await;
        bot.say("ana", "Quiero un reembolso del cargo ch_1, por favor", 0).await;
        bot.say("bo", "/ticket close RF-000001", 10).await;
        bot.say("ana", "Me cobraron dos veces el cargo ch_1, quiero mi dinero", 20).await;
        assert_eq!(bot.engine.store().snapshot().await.unwrap().cases.len(), 1, "{:#?}", bot.said().await);
        let said = bot.said().await;
        assert_eq!(
            said.last().map(String::as_str),
            Some("Has abierto 1 caso en la última hora; espera un poco antes de abrir otro."),
            "{said:#?}"
        );
    }
}

#[tokio::test]
async fn french_gets_english_with_one_note_per_language() {
    const NOTE: &str = "(We can't answer in French yet, so here it is in English.)";
    for backend in backends() {
        let bot = bot(&backend, |_| {}).await;
        bot.say("ana", "Bonjour, je voudrais savoir où en est mon remboursement, s'il vous plaît.", 0).await;
        bot.say("ana", "Merci, et est-ce que je peux parler à quelqu'un de l'équipe ?", 30).await;
        let said = bot.said().await;
        assert_eq!(said.iter().filter(|s| *s == NOTE).count(), 1, "the note once, not on every message: {said:?}");
        assert_eq!(
            said,
            vec![
                NOTE.to_string(),
                "I can't find a refund request for you. If you'd like one, tell me which charge and why.".to_string(),
                "You have no open case to escalate. Tell me what happened with your payment and I'll open one right away.".to_string(),
            ],
            "the note first, then the answers in English"
        );
    }
}

/// The language replies are given in is never a wrong one on the labelled held-out messages,
/// and most Spanish ones get Spanish (the rest stay in the customer's earlier language).
#[test]
fn the_reply_language_is_right_on_the_held_out_messages() {
    let data = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/nlu_heldout3.jsonl")).unwrap();
    let (mut total, mut picked, mut wrong, mut spanish, mut spanish_picked) = (0, 0, Vec::new(), 0, 0);
    for line in data.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let (Some(text), Some(lang)) = (v["text"].as_str(), v["lang"].as_str()) else { continue };
        total += 1;
        let c = paydesk::nlu::classifier().classify(text, "USD");
        let got = paydesk::app::l10n::detected_language(text, &c);
        spanish += usize::from(lang == "es");
        if let Some(got) = got {
            picked += 1;
            spanish_picked += usize::from(lang == "es" && got.code() == "es");
            if got.code() != lang {
                wrong.push(format!("{lang} read as {}: {text}", got.code()));
            }
        }
    }
    assert!(total >= 400, "{total} labelled messages");
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(picked * 100 >= total * 95, "a language was picked for {picked} of {total}");
    assert!(spanish_picked * 100 >= spanish * 90, "Spanish picked for {spanish_picked} of {spanish}");
}
