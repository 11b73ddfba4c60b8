//! Red-team tests for approvals and eligibility under attack: disputed charges, split
//! refunds, demoted leads and conflicts of interest. Each runs on a real store (a SQLite
//! file; PostgreSQL too when PAYDESK_TEST_PG is set) through the engine, and counts
//! what the sandbox provider itself paid out — the ground truth for "paid".

use crate::common::bot::*;
use crate::common::*;
use paydesk::adapters::payments::sandbox::Fault;
use paydesk::app::action::Action;
use paydesk::app::engine::{Actor, Engine, Event, ReactTarget};
use paydesk::domain::billing::ChargeKind;
use paydesk::domain::ids::{AccountId, CaseNumber, ChargeId, UserId};
use paydesk::domain::roles::Roles;
use rust_decimal::Decimal;

#[tokio::test]
async fn a_dispute_after_the_request_puts_it_on_hold_and_a_later_approval_pays_nothing() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        bot.say("bo", "/refund ch_1 40 customer asked", 0).await;
        assert_eq!(bot.statuses().await, ["awaiting_approval"]);
        let out = bot.engine.charge_disputed("sandbox", "du_1", &ChargeId::new("ch_1"), at(60)).await.unwrap();
        assert_eq!(format!("{out:?}"), "Applied");
        assert_eq!(bot.statuses().await, ["on_hold"]);
        bot.react("kim", 1, true, 120).await;
        bot.say("max", "/approve RF-000001", 130).await;
        bot.engine.handle(Event::Tick, at(3600), None).await.unwrap();
        assert_eq!(bot.paid().await, Decimal::ZERO, "a disputed charge was refunded");
        assert_eq!(bot.statuses().await, ["on_hold"]);
        let said = bot.said().await;
        assert!(
            said.iter().any(|s| s.contains("is on hold and nothing was paid") && s.contains("disputed")),
            "{said:#?}"
        );
        // The approval message is edited from the refund line: it carries the status.
        let held_line =
            bot.outbox().await.into_iter().any(|a| matches!(a, Action::Refund { status, .. } if status == "on_hold"));
        assert!(held_line, "no refund line says on_hold");
        // A lead can call it off.
        bot.say("kim", "/reject RF-000001 chargeback", 200).await;
        assert_eq!(bot.statuses().await, ["rejected"]);
    }
}

#[tokio::test]
async fn a_dispute_between_approval_and_a_retry_holds_the_refund_unpaid() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        bot.sandbox.inject(Fault::parse("error").unwrap(), 1);
        bot.say("bo", "/refund ch_1 40 customer asked", 0).await;
        bot.react("kim", 1, true, 10).await; // approved; the first call fails (5xx), a retry is scheduled
        assert_eq!(bot.statuses().await, ["executing"]);
        assert_eq!(bot.paid().await, Decimal::ZERO);
        bot.engine.charge_disputed("sandbox", "du_1", &ChargeId::new("ch_1"), at(20)).await.unwrap();
        bot.engine.handle(Event::Tick, at(3600), None).await.unwrap();
        assert_eq!(bot.paid().await, Decimal::ZERO, "paid after the dispute");
        assert_eq!(bot.statuses().await, ["on_hold"]);
    }
}

#[tokio::test]
async fn the_worker_checks_for_a_dispute_just_before_it_calls_the_provider() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        bot.sandbox.inject(Fault::parse("error").unwrap(), 1);
        bot.say("bo", "/refund ch_1 40 customer asked", 0).await;
        bot.react("kim", 1, true, 10).await;
        // Another worker holds the lease while the dispute arrives, so the dispute
        // cannot hold it; when the lease lapses, the next worker must not pay.
        let store = bot.engine.store();
        let id = store.snapshot().await.unwrap().refunds[0].id;
        let leased = store.claim_refund(id, "other", at(40), at(400)).await.unwrap();
        assert!(leased.is_some());
        bot.engine.charge_disputed("sandbox", "du_1", &ChargeId::new("ch_1"), at(50)).await.unwrap();
        assert_eq!(bot.statuses().await, ["executing"]);
        bot.engine.handle(Event::Tick, at(3600), None).await.unwrap();
        assert_eq!(bot.paid().await, Decimal::ZERO, "paid after the dispute");
        assert_eq!(bot.statuses().await, ["on_hold"]);
    }
}

#[tokio::test]
async fn splitting_a_large_refund_still_needs_two_leads() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        bot.say("bo", "/refund ch_1 499.99 part one", 0).await;
        bot.react("kim", 1, true, 10).await;
        assert_eq!(bot.paid().await, "499.99".parse::<Decimal>().unwrap());
        // The first case is resolved: the second request opens RF-000002.
        bot.say("bo", "/refund ch_1 499.99 part two", 20).await;
        bot.react("kim", 2, true, 30).await;
        assert_eq!(bot.paid().await, "499.99".parse::<Decimal>().unwrap(), "the second half was paid with one lead");
        bot.react("max", 2, true, 40).await;
        assert_eq!(bot.paid().await, "999.98".parse::<Decimal>().unwrap());
        let approvals = bot.outbox().await.into_iter().filter_map(|a| match a {
            Action::ApprovalRequest { leads_needed, .. } => Some(leads_needed),
            _ => None,
        });
        assert_eq!(approvals.collect::<Vec<_>>(), [1, 2]);
    }
}

#[tokio::test]
async fn a_request_that_reaches_the_threshold_while_waiting_needs_a_second_lead_at_quorum() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        bot.say("bo", "/refund ch_1 300 first", 0).await; // RF-000001, 1 lead
        bot.say("bo", "/refund ch_1 300 second", 10).await; // same case: 600 on the charge, 2 leads
                                                            // The first request was asked for one lead; with the second pending, the charge
                                                            // holds 600 — an approval of either now needs two.
        bot.say("kim", "/approve RF-000001", 20).await;
        assert_eq!(bot.paid().await, Decimal::ZERO, "{:?}", bot.statuses().await);
    }
}

#[tokio::test]
async fn auto_approve_cannot_be_split_into_many_small_refunds() {
    for b in backends() {
        let bot = bot(&b, |p| p.auto_approve_below = Some("25".parse().unwrap())).await;
        for i in 0..10 {
            bot.say("bo", &format!("/refund ch_1 24.99 part {i}"), i * 10).await;
        }
        assert_eq!(bot.paid().await, "24.99".parse::<Decimal>().unwrap(), "{:?}", bot.statuses().await);
        let st = bot.statuses().await;
        assert_eq!(st.iter().filter(|s| *s == "succeeded").count(), 1);
        assert_eq!(st.iter().filter(|s| *s == "awaiting_approval").count(), 9);
    }
}

#[tokio::test]
async fn auto_approve_has_a_daily_limit_per_requester() {
    for b in backends() {
        let bot = bot(&b, |p| {
            p.auto_approve_below = Some("25".parse().unwrap());
            p.auto_approve_daily_limit = Some("50".parse().unwrap());
        })
        .await;
        let at0 = t("2026-05-02T08:00:00Z");
        for i in 2..6 {
            bot.engine.seed_charge(&charge(&format!("ch_{i}"), "20.00", ChargeKind::Product), at0).await.unwrap();
        }
        for i in 2..6 {
            bot.say("bo", &format!("/refund ch_{i} 20 small"), i * 10).await;
        }
        // 20 + 20 fit under 50; the third and fourth wait for a lead.
        assert_eq!(bot.paid().await, "40.00".parse::<Decimal>().unwrap(), "{:?}", bot.statuses().await);
    }
}

#[tokio::test]
async fn a_demoted_lead_approval_no_longer_counts_at_quorum() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        bot.say("bo", "/refund ch_1 600 large", 0).await; // two leads
        bot.react("kim", 1, true, 10).await;
        // kim loses the lead role (Discord reports the member's roles on their next event).
        let demoted = Actor { id: UserId::new("kim"), roles: Some(Roles::CUSTOMER) };
        let ev = Event::Message { actor: demoted, text: "hello".into(), channel: "dm".into() };
        bot.engine.handle(ev, at(20), None).await.unwrap();
        bot.react("max", 1, true, 30).await;
        assert_eq!(bot.paid().await, Decimal::ZERO, "a demoted lead's approval counted");
        assert!(bot
            .said()
            .await
            .iter()
            .any(|s| s.contains("kim's approval for RF-000001 no longer counts: is no longer a lead")));
        bot.react("lee", 1, true, 40).await;
        assert_eq!(bot.paid().await, "600".parse::<Decimal>().unwrap());
    }
}

#[tokio::test]
async fn staff_never_move_money_toward_their_own_account() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        // lea is a lead and a customer of acct-1.
        bot.say("lea", "/refund ch_1 100 for me", 0).await;
        bot.say("lea", "/wallet credit acct-1 1000000000 goodwill", 10).await;
        bot.say("bo", "/refund ch_1 100 customer asked", 20).await;
        bot.react("lea", 1, true, 30).await;
        bot.say("lea", "/approve RF-000001", 40).await;
        assert_eq!(bot.paid().await, Decimal::ZERO, "{:?}", bot.statuses().await);
        let snap = bot.engine.store().snapshot().await.unwrap();
        assert!(snap.wallets.iter().all(|w| w.balance.is_zero()), "{:?}", snap.wallets);
        let denied: Vec<String> = bot.said().await.into_iter().filter(|s| s.starts_with("DENIED")).collect();
        assert_eq!(denied.len(), 4, "{denied:#?}");
        assert!(denied.iter().all(|d| d.contains("account you are linked to")), "{denied:#?}");
        // The denials are audited.
        let audit = bot.engine.store().audit(None).await.unwrap();
        assert_eq!(audit.iter().filter(|a| a.record.action == "access.denied").count(), 4);
        // Another lead can approve it.
        bot.react("kim", 1, true, 50).await;
        assert_eq!(bot.paid().await, "100".parse::<Decimal>().unwrap());
    }
}

async fn wallet(bot: &Bot) -> Decimal {
    let snap = bot.engine.store().snapshot().await.unwrap();
    snap.wallets.iter().filter(|w| w.account.as_str() == "acct-1").map(|w| w.balance).sum()
}

#[tokio::test]
async fn repeat_credit_purchases_are_deliberate_not_duplicates() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        bot.say("ana", "/wallet buy 25", 0).await;
        bot.say("ana", "/wallet buy 25", 60).await;
        assert_eq!(wallet(&bot).await, "100".parse::<Decimal>().unwrap());
        bot.say("bo", "/refund pd_ch_000002 duplicate?", 120).await;
        bot.say("bo", "/refund pd_ch_000001 duplicate?", 130).await;
        assert!(
            bot.statuses().await.is_empty(),
            "a deliberate purchase was taken for a duplicate: {:?}",
            bot.statuses().await
        );
        let said = bot.said().await;
        assert!(
            said.iter().any(|s| s.contains("No refund requested for pd_ch_000002")
                && s.contains("credits purchases are not refundable")),
            "{said:#?}"
        );
    }
}

#[tokio::test]
async fn refunding_a_credits_purchase_takes_its_credits_back_and_not_once_they_are_spent() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        bot.say("ana", "/wallet buy 25", 0).await; // 50.00 of credits for 51.50
        bot.say("kim", "/refund pd_ch_000001 51.50 override bought by mistake", 10).await;
        bot.react("max", 1, true, 20).await;
        bot.react("lee", 1, true, 30).await;
        assert_eq!(bot.paid().await, "51.50".parse::<Decimal>().unwrap(), "{:?}", bot.statuses().await);
        assert_eq!(wallet(&bot).await, Decimal::ZERO, "the refunded credits were kept");

        // Credits already used: the refund is refused when asked, with the reason.
        bot.say("ana", "/wallet buy 10", 100).await; // 20.00 of credits
        let usage = Event::Usage { account: AccountId::new("acct-1"), conversations: 1000 }; // 12.50 spent
        bot.engine.handle(usage, at(110), None).await.unwrap();
        bot.say("kim", "/refund pd_ch_000002 20.60 override bought by mistake", 120).await;
        assert_eq!(bot.statuses().await, ["succeeded"], "a refund of spent credits was requested");
        let said = bot.said().await;
        assert!(said.iter().any(|s| s.contains("the credits have been used")), "{said:#?}");
        assert_eq!(wallet(&bot).await, "7.5".parse::<Decimal>().unwrap());
    }
}

#[tokio::test]
async fn credits_spent_while_the_refund_waits_stop_it_at_quorum_and_a_failed_refund_gives_them_back() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        bot.say("ana", "/wallet buy 10", 0).await; // 20.00 of credits
        bot.say("kim", "/refund pd_ch_000001 20.60 override mistake", 10).await;
        let usage = Event::Usage { account: AccountId::new("acct-1"), conversations: 80 }; // 1.00 spent
        bot.engine.handle(usage, at(15), None).await.unwrap();
        bot.react("max", 1, true, 20).await;
        bot.react("lee", 1, true, 30).await;
        assert_eq!(bot.paid().await, Decimal::ZERO);
        assert_eq!(bot.statuses().await, ["rejected"]);
        assert_eq!(wallet(&bot).await, "19".parse::<Decimal>().unwrap());

        // A refund the provider declines gives the credits back.
        bot.say("ana", "/wallet buy 10", 100).await;
        bot.sandbox.inject(Fault::parse("decline").unwrap(), 1);
        bot.say("kim", "/refund pd_ch_000002 20.60 override mistake", 110).await;
        bot.react("max", 2, true, 120).await;
        bot.react("lee", 2, true, 130).await;
        assert_eq!(bot.statuses().await, ["rejected", "failed"]);
        assert_eq!(wallet(&bot).await, "39".parse::<Decimal>().unwrap());
    }
}

#[tokio::test]
async fn a_large_goodwill_credit_needs_a_second_lead_with_no_stake() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        bot.say("kim", "/wallet credit acct-1 250 sorry for the outage", 0).await;
        assert_eq!(wallet(&bot).await, Decimal::ZERO, "credited without a second lead");
        let mref = bot
            .outbox()
            .await
            .into_iter()
            .find_map(|a| match a {
                Action::Say { message_ref, text, .. } if text.starts_with("Goodwill credit of 250.00 USD") => {
                    message_ref
                }
                _ => None,
            })
            .expect("the request is posted to the approvals channel");
        let react = |user: &str| Event::Reaction {
            actor: Actor::known(user),
            emoji: "✅".into(),
            target: ReactTarget::Message(mref.clone()),
            added: true,
        };
        bot.engine.handle(react("kim"), at(10), None).await.unwrap(); // own request
        bot.engine.handle(react("lea"), at(20), None).await.unwrap(); // linked to acct-1
        bot.engine.handle(react("bo"), at(25), None).await.unwrap(); // not a lead
        assert_eq!(wallet(&bot).await, Decimal::ZERO);
        bot.engine.handle(react("max"), at(30), None).await.unwrap();
        assert_eq!(wallet(&bot).await, "250".parse::<Decimal>().unwrap());
        bot.engine.handle(react("lee"), at(40), None).await.unwrap(); // already credited: once
        assert_eq!(wallet(&bot).await, "250".parse::<Decimal>().unwrap());
        // Up to the limit, one lead is enough.
        bot.say("kim", "/wallet credit acct-1 100 small", 50).await;
        assert_eq!(wallet(&bot).await, "350".parse::<Decimal>().unwrap());
    }
}

#[tokio::test]
async fn goodwill_in_another_currency_or_finer_than_the_minor_unit_is_refused() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        bot.say("kim", "/wallet credit acct-1 5 EUR wrong currency", 0).await;
        bot.say("kim", "/wallet credit acct-1 0.001 too fine", 10).await;
        assert_eq!(wallet(&bot).await, Decimal::ZERO);
        let said = bot.said().await;
        assert!(said.iter().any(|s| s.contains("is in USD: a goodwill credit in EUR cannot be added")), "{said:#?}");
        assert!(said.iter().any(|s| s.contains("finer than the smallest unit of USD")), "{said:#?}");
    }
}

/// Two bot instances sharing one PostgreSQL database (each its own pool and worker) see
/// the two leads' reactions on a two-lead refund at the same moment, round after round:
/// every refund is paid exactly once and only with both approvals.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_approving_at_once_pay_each_refund_once() {
    if !backends().iter().any(|b| matches!(b, Backend::Postgres)) {
        return; // needs a shared database: PostgreSQL
    }
    let bot = bot(&Backend::Postgres, |_| {}).await;
    let db_url = bot._db.url.clone();
    let (other, _s2, _c2, _st2) = engine_on(&db_url, "w2", |s| s).await;
    let other =
        Engine::new(other.store().clone(), paydesk::app::engine::Connectors::default().with(bot.sandbox.clone()), {
            let mut c = bot.engine.config().clone();
            c.worker = "w2".into();
            c
        });
    let rounds = 12u32;
    let seed_at = t("2026-05-02T08:00:00Z");
    for i in 0..rounds {
        bot.engine.seed_charge(&charge(&format!("ch_r{i}"), "700.00", ChargeKind::Product), seed_at).await.unwrap();
    }
    for i in 0..rounds {
        let secs = i64::from(i) * 100;
        bot.say("bo", &format!("/refund ch_r{i} 600 round {i}"), secs).await;
        let case = i + 1;
        let react = |user: &str| Event::Reaction {
            actor: Actor::known(user),
            emoji: "✅".into(),
            target: ReactTarget::ApprovalOf(CaseNumber::new(case).unwrap()),
            added: true,
        };
        let (a, b) = tokio::join!(
            bot.engine.handle(react("kim"), at(secs + 10), None),
            other.handle(react("max"), at(secs + 10), None)
        );
        a.unwrap();
        b.unwrap();
        // Both instances run their timers: the refund is paid by one of them, once.
        let (a, b) = tokio::join!(
            bot.engine.handle(Event::Tick, at(secs + 20), None),
            other.handle(Event::Tick, at(secs + 20), None)
        );
        a.unwrap();
        b.unwrap();
    }
    let records = bot.sandbox.books().all().await.unwrap();
    assert_eq!(records.len(), rounds as usize, "{:?}", bot.statuses().await);
    let mut charges: Vec<String> = records.iter().map(|r| r.charge.to_string()).collect();
    charges.sort();
    charges.dedup();
    assert_eq!(charges.len(), rounds as usize, "a refund was paid twice");
    assert!(bot.statuses().await.iter().all(|s| s == "succeeded"));
}

#[tokio::test]
async fn a_reversed_credits_refund_gives_the_credits_back() {
    use paydesk::app::engine::RefundUpdate;
    use paydesk::app::ports::ProviderStatus;
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        bot.say("ana", "/wallet buy 25", 0).await; // 50.00 of credits for 51.50
        bot.say("kim", "/refund pd_ch_000001 51.50 override bought by mistake", 10).await;
        bot.react("max", 1, true, 20).await;
        bot.react("lee", 1, true, 30).await;
        assert_eq!(wallet(&bot).await, Decimal::ZERO);
        let r = bot.engine.store().snapshot().await.unwrap().refunds[0].clone();
        let update = RefundUpdate {
            provider: "sandbox".into(),
            event_id: "evt_reversed".into(),
            provider_ref: r.provider_ref.clone().unwrap(),
            idempotency_key: Some(r.idempotency_key.clone()),
            status: ProviderStatus::Failed("returned by the bank".into()),
        };
        bot.engine.provider_refund_update(&update, at(40)).await.unwrap();
        assert_eq!(bot.statuses().await, ["reversed"]);
        assert_eq!(
            wallet(&bot).await,
            "50".parse::<Decimal>().unwrap(),
            "the customer lost both the refund and the credits"
        );
    }
}
