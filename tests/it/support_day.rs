//! A support team's day (issue 10): which request `/approve` acts on, truthful customer
//! texts, internal notes and `/reply`, the queue, and customers answering the bot's own
//! question. On a real store (SQLite; PostgreSQL too when PAYDESK_TEST_PG is set).

use crate::common::bot::*;
use crate::common::*;
use paydesk::app::action::Action;
use paydesk::app::engine::{Actor, Event};
use paydesk::domain::billing::ChargeKind;
use rust_decimal::Decimal;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// Texts addressed to `to`.
async fn said_to(bot: &Bot, to: &str) -> Vec<String> {
    bot.outbox()
        .await
        .into_iter()
        .filter_map(|a| match a {
            Action::Say { to: Some(t), text, .. } if t == to => Some(text),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn approve_and_reject_name_the_request_when_a_case_has_several() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        bot.say("bo", "/refund ch_1 5.00 first part", 0).await;
        bot.say("bo", "/refund ch_1 1.00 second part", 10).await;
        bot.say("kim", "/approve RF-000001", 20).await;
        assert_eq!(bot.paid().await, Decimal::ZERO, "an ambiguous /approve paid something");
        let to_kim = said_to(&bot, "kim").await;
        assert!(
            to_kim
                .iter()
                .any(|s| s.contains("2 open refund requests; nothing was changed")
                    && s.contains("RF-000001#1: 5.00 USD")),
            "{to_kim:#?}"
        );
        bot.say("kim", "/reject RF-000001", 30).await;
        assert_eq!(bot.statuses().await, ["awaiting_approval", "awaiting_approval"]);
        bot.say("kim", "/approve RF-000001#1", 40).await;
        assert_eq!(bot.paid().await, dec("5.00"));
        // One left waiting: a bare /reject acts on it.
        bot.say("kim", "/reject RF-000001", 50).await;
        assert_eq!(bot.statuses().await, ["succeeded", "rejected"]);
        bot.say("kim", "/approve RF-000001#3", 60).await;
        assert!(said_to(&bot, "kim").await.iter().any(|s| s.contains("there is no #3")));
    }
}

#[tokio::test]
async fn rejecting_one_partial_refund_tells_the_customer_what_was_refunded() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        bot.say("ana", "I want a refund for ch_1 please", 0).await;
        bot.say("bo", "/refund ch_1 3.50 part one", 10).await;
        bot.say("kim", "/approve RF-000001", 20).await;
        assert_eq!(bot.paid().await, dec("3.50"));
        bot.say("bo", "/refund RF-000001 1.00 part two", 30).await;
        bot.say("kim", "/reject RF-000001#2 not eligible", 40).await;
        let to_ana = said_to(&bot, "ana").await;
        let last = to_ana.last().unwrap();
        assert!(
            last.contains("1.00 USD") && last.contains("was not approved") && last.contains("3.50 USD refunded"),
            "{to_ana:#?}"
        );
        assert!(!to_ana.iter().any(|s| s.contains("decided not to refund this charge")), "{to_ana:#?}");
        let snap = bot.engine.store().snapshot().await.unwrap();
        assert_eq!(snap.cases[0].status.as_str(), "resolved");
    }
}

#[tokio::test]
async fn staff_notes_stay_internal_and_reply_speaks_to_the_customer() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        bot.say("ana", "I want a refund for ch_1 please", 0).await;
        bot.say("bo", "/ticket escalate RF-000001 customer is a known scammer, ignore", 10).await;
        let to_ana = said_to(&bot, "ana").await;
        assert!(!to_ana.iter().any(|s| s.contains("scammer")), "a staff note reached the customer: {to_ana:#?}");
        assert!(to_ana.iter().any(|s| s.contains("RF-000001 is now")), "the status change is still told: {to_ana:#?}");
        let audit = bot.engine.store().audit(None).await.unwrap();
        assert!(audit.iter().any(|a| a.record.action == "case.note" && a.record.detail.contains("scammer")));
        bot.say("bo", "/reply RF-000001 We are looking into it today.", 20).await;
        let to_ana = said_to(&bot, "ana").await;
        assert!(to_ana.last().unwrap().contains("We are looking into it today."), "{to_ana:#?}");
        // Customers cannot use it.
        bot.say("ana", "/reply RF-000001 hello", 30).await;
        assert!(bot
            .said()
            .await
            .iter()
            .any(|s| s.starts_with("DENIED replying to a customer is for agents and leads")));
    }
}

#[tokio::test]
async fn the_queue_lists_what_waits_oldest_first_with_who_must_act() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        bot.say("kim", "/queue", 0).await;
        assert!(said_to(&bot, "kim").await.last().unwrap().contains("The queue is empty"));
        bot.say("ana", "I want a refund for ch_1 please", 10).await;
        bot.say("bo", "/refund ch_1 600 large", 20).await; // two leads
        bot.say("kim", "/approve RF-000001", 30).await;
        bot.say("bo", "/queue", 7200).await;
        let q = said_to(&bot, "bo").await.last().unwrap().clone();
        assert!(q.contains("RF-000001 600.00 USD on ch_1") && q.contains("needs 1 more lead(s), not bo"), "{q}");
        assert!(q.contains("waiting 1 h") || q.contains("waiting 2 h"), "{q}");
        assert!(q.contains("awaiting approval"), "{q}");
        bot.say("ana", "/queue", 7300).await;
        assert!(bot.said().await.iter().any(|s| s.starts_with("DENIED the queue is for agents and leads")));
    }
}

#[tokio::test]
async fn a_customer_answers_the_bots_question_with_a_charge_id() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        let at0 = t("2026-05-02T08:00:00Z");
        bot.engine.seed_charge(&charge("ch_demo_addon", "19.00", ChargeKind::Product), at0).await.unwrap();
        bot.say("ana", "I was charged for something I did not order", 0).await;
        let snap = bot.engine.store().snapshot().await.unwrap();
        assert_eq!(snap.cases[0].status.as_str(), "awaiting_info", "the bot should ask which charge");
        bot.say("ana", "it is ch_demo_addon", 10).await;
        let snap = bot.engine.store().snapshot().await.unwrap();
        assert_eq!(snap.cases.len(), 1);
        assert_eq!(snap.cases[0].charge.as_ref().map(|c| c.as_str()), Some("ch_demo_addon"), "{:?}", snap.cases[0]);
        assert_eq!(snap.cases[0].status.as_str(), "open");
    }
}

#[tokio::test]
async fn an_unlinked_customer_answers_with_an_account_and_staff_are_asked_to_confirm() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        let ev =
            |text: &str| Event::Message { actor: Actor::known("zoe"), text: text.into(), channel: "support".into() };
        bot.engine.handle(ev("you billed me twice!"), at(0), None).await.unwrap();
        bot.engine.handle(ev("my email is zoe@example.com"), at(10), None).await.unwrap();
        let to_zoe = said_to(&bot, "zoe").await;
        assert!(
            to_zoe.last().unwrap().contains("zoe@example.com") && to_zoe.last().unwrap().contains("agent"),
            "{to_zoe:#?}"
        );
        let all = bot.said().await;
        assert!(all.iter().any(|s| s.contains("/link zoe")), "staff are not asked to confirm: {all:#?}");
    }
}

#[tokio::test]
async fn unrelated_problems_open_their_own_cases_and_a_chargeback_threat_escalates_at_once() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        let at0 = t("2026-05-02T08:00:00Z");
        bot.engine.seed_charge(&charge("ch_2", "19.00", ChargeKind::Product), at0).await.unwrap();
        bot.say("ana", "my payment failed yesterday", 0).await;
        bot.say("ana", "I'm going to file a chargeback with my bank", 10).await;
        let snap = bot.engine.store().snapshot().await.unwrap();
        assert_eq!(snap.cases.len(), 2, "{:?}", snap.cases);
        let dispute = snap.cases.iter().find(|c| c.intent.as_str() == "dispute").expect("a dispute case");
        assert_eq!(dispute.status.as_str(), "escalated");
        let to_ana = said_to(&bot, "ana").await;
        assert!(to_ana.iter().any(|s| s.contains("A refund from us goes straight back to your card")), "{to_ana:#?}");
    }
}

#[tokio::test]
async fn thanks_gets_a_short_acknowledgement() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        bot.say("ana", "got the money back, thanks!", 0).await;
        let to_ana = said_to(&bot, "ana").await;
        assert!(to_ana.last().unwrap().starts_with("You're welcome"), "{to_ana:#?}");
        assert!(bot.engine.store().snapshot().await.unwrap().cases.is_empty());
    }
}

#[tokio::test]
async fn votes_that_change_nothing_are_answered() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        bot.say("bo", "/refund ch_1 600 large", 0).await; // two leads
        bot.react("kim", 1, true, 10).await;
        bot.react("kim", 1, false, 20).await;
        bot.react("kim", 1, true, 30).await;
        bot.react("kim", 1, true, 35).await; // again: already counted
        assert!(
            said_to(&bot, "kim").await.iter().any(|s| s.contains("your approval is already counted")),
            "{:#?}",
            bot.said().await
        );
        bot.react("max", 1, true, 40).await;
        assert_eq!(bot.paid().await, dec("600"));
        let reject = paydesk::app::engine::Event::Reaction {
            actor: Actor::known("lee"),
            emoji: "❌".into(),
            target: paydesk::app::engine::ReactTarget::ApprovalOf(paydesk::domain::ids::CaseNumber::FIRST),
            added: true,
        };
        bot.engine.handle(reject, at(50), None).await.unwrap();
        assert!(
            said_to(&bot, "lee").await.iter().any(|s| s.contains("this refund has already been paid")),
            "{:#?}",
            bot.said().await
        );
        let on_reply = paydesk::app::engine::Event::Reaction {
            actor: Actor::known("lee"),
            emoji: "✅".into(),
            target: paydesk::app::engine::ReactTarget::Message("m2".into()),
            added: true,
        };
        bot.engine.handle(on_reply, at(60), None).await.unwrap();
        assert!(
            said_to(&bot, "lee").await.iter().any(|s| s.contains("not a refund or goodwill request")),
            "{:#?}",
            bot.said().await
        );
    }
}

#[tokio::test]
async fn where_is_my_refund_lists_paid_refunds_with_their_date() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        bot.say("ana", "I want a refund for ch_1 please", 0).await;
        bot.say("bo", "/refund ch_1 30 sorry", 10).await;
        bot.say("kim", "/approve RF-000001", 20).await;
        bot.say("ana", "where is my refund?", 30).await;
        let last = said_to(&bot, "ana").await.last().unwrap().clone();
        assert!(last.contains("30.00 USD") && last.contains("was sent on 2026-05-03"), "{last}");
    }
}

#[tokio::test]
async fn reopening_a_second_case_on_one_charge_is_refused() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        bot.say("ana", "I want a refund for ch_1 please", 0).await;
        bot.say("bo", "/ticket close RF-000001", 10).await;
        bot.say("ana", "you charged me twice for ch_1", 20).await; // opens RF-000002 on ch_1
        bot.say("bo", "/ticket reopen RF-000001", 30).await;
        let snap = bot.engine.store().snapshot().await.unwrap();
        let open: Vec<_> = snap.cases.iter().filter(|c| c.status.is_open()).collect();
        assert_eq!(open.len(), 1, "{:?}", snap.cases);
        assert!(
            said_to(&bot, "bo").await.iter().any(|s| s.contains("RF-000002 is already open about charge ch_1")),
            "{:#?}",
            bot.said().await
        );
    }
}

#[tokio::test]
async fn per_currency_money_settings_apply_and_an_unconfigured_currency_is_refused() {
    use paydesk::domain::policy::MoneySettings;
    for b in backends() {
        let usd = MoneySettings {
            credit_value: dec("2"),
            credit_price: dec("2"),
            conversation_charge: dec("0.0125"),
            two_lead_threshold: dec("100"),
            auto_approve_below: None,
            auto_approve_daily_limit: None,
            goodwill_two_lead_above: dec("50"),
        };
        let bot = bot(&b, |p| p.currencies = vec![(paydesk::domain::money::Currency::USD, usd)]).await;
        bot.say("bo", "/refund ch_1 150 large in USD terms", 0).await; // 150 ≥ 100: two leads
        let leads: Vec<u8> = bot
            .outbox()
            .await
            .into_iter()
            .filter_map(|a| match a {
                Action::ApprovalRequest { leads_needed, .. } => Some(leads_needed),
                _ => None,
            })
            .collect();
        assert_eq!(leads, [2]);
        // A EUR charge: no EUR table, so nothing is requested, with the reason.
        let mut eur = charge("ch_eur", "80.00", ChargeKind::Product);
        eur.currency = paydesk::domain::money::Currency::from_code("EUR").unwrap();
        bot.engine.seed_charge(&eur, t("2026-05-02T08:00:00Z")).await.unwrap();
        bot.say("bo", "/refund ch_eur 10 sorry", 10).await;
        assert_eq!(bot.statuses().await.len(), 1);
        assert!(
            said_to(&bot, "bo").await.iter().any(|s| s.contains("no money settings for EUR")),
            "{:#?}",
            said_to(&bot, "bo").await
        );
    }
}

#[tokio::test]
async fn help_shows_each_role_its_own_commands_and_unlink_works() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        bot.say("ana", "/help", 0).await;
        let help = said_to(&bot, "ana").await.last().unwrap().clone();
        assert!(help.contains("/wallet buy") && !help.contains("/refund") && !help.contains("/queue"), "{help}");
        bot.say("kim", "/help", 10).await;
        let help = said_to(&bot, "kim").await.last().unwrap().clone();
        assert!(
            help.contains("/refund")
                && help.contains("/approve")
                && help.contains("/queue")
                && !help.contains("/wallet buy"),
            "{help}"
        );
        bot.say("bo", "/unlink ana", 20).await;
        bot.say("ana", "/wallet", 30).await;
        assert!(said_to(&bot, "ana").await.last().unwrap().contains("No account is linked to you"));
    }
}

#[tokio::test]
async fn auto_recharge_tells_the_customer_what_was_charged() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        let acct = paydesk::domain::billing::Account {
            id: paydesk::domain::ids::AccountId::new("acct-1"),
            currency: paydesk::domain::money::Currency::USD,
            auto_recharge: Some(paydesk::domain::billing::AutoRecharge { below: dec("1.00"), credits: 10 }),
        };
        bot.engine.seed_account(&acct, Some(dec("1.00")), t("2026-05-02T08:00:00Z")).await.unwrap();
        let usage = Event::Usage { account: paydesk::domain::ids::AccountId::new("acct-1"), conversations: 8 };
        bot.engine.handle(usage, at(0), None).await.unwrap();
        let to_ana = said_to(&bot, "ana").await;
        assert!(
            to_ana.iter().any(|s| s.contains("auto-recharge bought 10 credits") && s.contains("charged 20.60 USD")),
            "{to_ana:#?}"
        );
    }
}

#[tokio::test]
async fn ticket_shows_staff_the_customers_words_and_customers_no_internal_note() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        bot.say("ana", "I want a refund for ch_1, the pack never worked", 0).await;
        bot.say("bo", "/ticket escalate RF-000001 looks like abuse", 10).await;
        bot.say("bo", "/ticket RF-000001", 20).await;
        let card = said_to(&bot, "bo").await.last().unwrap().clone();
        assert!(
            card.contains("the pack never worked") && card.contains("looks like abuse") && card.contains("UTC"),
            "{card}"
        );
        bot.say("ana", "/ticket RF-000001", 30).await;
        let card = said_to(&bot, "ana").await.last().unwrap().clone();
        assert!(card.contains("the pack never worked") && !card.contains("looks like abuse"), "{card}");
    }
}

#[tokio::test]
async fn the_daily_summary_is_posted_once_a_day_at_its_hour() {
    for b in backends() {
        let bot = bot_with(&b, |c| c.daily_summary_hour = Some(9)).await;
        let tick = |at: &str| (Event::Tick, t(at));
        bot.say("bo", "/refund ch_1 40 sorry", -5400).await; // 08:30 on 2026-05-03
        let (e, at) = tick("2026-05-03T08:59:00Z");
        bot.engine.handle(e, at, None).await.unwrap();
        assert_eq!(summaries(&bot).await, 0, "posted before its hour");
        for at in ["2026-05-03T10:05:00Z", "2026-05-03T23:00:00Z"] {
            let (e, at) = tick(at);
            bot.engine.handle(e, at, None).await.unwrap();
        }
        assert_eq!(summaries(&bot).await, 1);
        let text = bot.said().await.into_iter().find(|s| s.starts_with("Daily summary")).unwrap();
        assert!(text.contains("40.00"), "{text}");
        let (e, at) = tick("2026-05-04T09:00:00Z");
        bot.engine.handle(e, at, None).await.unwrap();
        assert_eq!(summaries(&bot).await, 2);
    }
}

async fn summaries(bot: &Bot) -> usize {
    bot.said().await.iter().filter(|s| s.starts_with("Daily summary")).count()
}

#[tokio::test]
async fn a_customer_who_opened_too_many_cases_this_hour_is_asked_to_wait() {
    for b in backends() {
        let bot = bot_with(&b, |c| c.max_new_cases_per_hour = 2).await;
        bot.say("ana", "I want a refund for ch_1 please", 0).await;
        bot.say("bo", "/ticket close RF-000001", 10).await;
        bot.say("ana", "you charged me twice for ch_1", 20).await;
        bot.say("bo", "/ticket close RF-000002", 30).await;
        // Two cases opened this hour, none open: the third waits, and no case is opened.
        bot.say("ana", "my card was charged without my permission", 40).await;
        let snap = bot.engine.store().snapshot().await.unwrap();
        assert_eq!(snap.cases.len(), 2, "{:?}", snap.cases);
        let last = said_to(&bot, "ana").await.last().cloned().unwrap_or_default();
        assert_eq!(last, "You have opened 2 cases in the last hour; please wait a little before opening another.");
        // Commands and staff are not limited; an hour after the first case, ana is heard.
        bot.say("ana", "/wallet", 50).await;
        assert!(!said_to(&bot, "ana").await.last().unwrap().starts_with("You have opened"));
        bot.say("ana", "my card was charged without my permission", 3601).await;
        assert_eq!(bot.engine.store().snapshot().await.unwrap().cases.len(), 3, "{:#?}", bot.said().await);
    }
}

#[tokio::test]
async fn without_a_limit_every_message_is_heard() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        for (i, text) in [
            "I want a refund for ch_1 please",
            "you charged me twice for ch_1",
            "my card was charged without my permission",
        ]
        .iter()
        .enumerate()
        {
            bot.say("ana", text, i as i64 * 20).await;
            bot.say("bo", &format!("/ticket close RF-00000{}", i + 1), i as i64 * 20 + 10).await;
        }
        assert_eq!(bot.engine.store().snapshot().await.unwrap().cases.len(), 3);
    }
}
