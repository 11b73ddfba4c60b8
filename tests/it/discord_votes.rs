//! Reaction votes as a compare-and-set in the store (issue 9, defect 3), on SQLite and on
//! PostgreSQL (with PAYDESK_TEST_PG): two engines on one database — two bot instances —
//! are handed a lead's ✅ added, removed and added again, and another lead's ✅ added and
//! removed, in every order and at once. Each reaction is an observation of how it stood
//! on Discord at an instant (`Event::ReactionSeen`); the stored vote of (refund, lead)
//! keeps the newest one. A two-lead refund is paid only at a moment when both leads'
//! newest observations stand, and a withdrawal is never undone by an older add handled
//! after it.

use crate::common::bot::*;
use crate::common::*;
use paydesk::app::engine::{Actor, Engine, Event, ReactTarget};
use paydesk::app::ports::VoteRow;
use paydesk::domain::billing::ChargeKind;
use paydesk::domain::ids::{CaseNumber, RefundId, UserId};
use rust_decimal::Decimal;

/// One observation: `lead`'s ✅ stood (`present`) at instant `seen`.
#[derive(Debug, Clone, Copy)]
struct Obs {
    lead: &'static str,
    present: bool,
    seen: i64,
}

const fn obs(lead: &'static str, present: bool, seen: i64) -> Obs {
    Obs { lead, present, seen }
}

fn event(o: Obs, case: CaseNumber) -> Event {
    Event::ReactionSeen {
        actor: Actor::known(o.lead),
        emoji: "✅".into(),
        target: ReactTarget::ApprovalOf(case),
        present: o.present,
        seen: o.seen,
    }
}

/// What must happen when the observations are applied in `order`: each lead's newest
/// observation stands; the refund is paid the first time both stand.
fn model(order: &[Obs]) -> (bool, Vec<&'static str>) {
    let mut state: Vec<(&str, bool, i64)> = vec![("kim", false, i64::MIN), ("max", false, i64::MIN)];
    for o in order {
        let s = state.iter_mut().find(|s| s.0 == o.lead).unwrap();
        if o.seen > s.2 {
            s.1 = o.present;
            s.2 = o.seen;
        }
        if state.iter().all(|s| s.1) {
            return (true, vec!["kim", "max"]);
        }
    }
    (false, state.iter().filter(|s| s.1).map(|s| s.0).collect())
}

fn permutations(v: &[Obs]) -> Vec<Vec<Obs>> {
    if v.len() <= 1 {
        return vec![v.to_vec()];
    }
    let mut out = Vec::new();
    for i in 0..v.len() {
        let mut rest = v.to_vec();
        let first = rest.remove(i);
        for mut p in permutations(&rest) {
            p.insert(0, first);
            out.push(p);
        }
    }
    out
}

/// A second instance: another engine, on its own connection pool, on the bot's database.
async fn second_instance(bot: &Bot) -> Engine {
    engine_on(&bot._db.url, "w2", |s| s).await.0
}

/// A 600.00 refund request (two leads: the threshold is 500.00) on a fresh 1200.00 charge.
async fn two_lead_request(bot: &Bot, i: usize) -> (RefundId, CaseNumber) {
    let c = format!("ch_v{i}");
    bot.engine.seed_charge(&charge(&c, "1200.00", ChargeKind::Product), at(0)).await.unwrap();
    bot.say("bo", &format!("/refund {c} 600 customer asked"), 1).await;
    let r = bot
        .engine
        .store()
        .snapshot()
        .await
        .unwrap()
        .refunds
        .into_iter()
        .find(|r| r.charge.as_str() == c)
        .expect("request made");
    assert_eq!(r.leads_needed, 2, "{c}: a two-lead request");
    (r.id, r.case)
}

async fn refund_state(bot: &Bot, id: RefundId) -> (String, Vec<String>, Vec<String>) {
    let r = bot.engine.store().snapshot().await.unwrap().refunds.into_iter().find(|r| r.id == id).unwrap();
    let names = |v: &[UserId]| v.iter().map(|u| u.to_string()).collect::<Vec<_>>();
    (r.status.as_str().to_string(), names(&r.standing_approvers), names(&r.approved_by))
}

async fn stored_vote(bot: &Bot, id: RefundId, lead: &str) -> Option<VoteRow> {
    let mut tx = bot.engine.store().begin().await.unwrap();
    let v = tx.vote(id, &UserId::new(lead)).await.unwrap();
    tx.commit().await.unwrap();
    v
}

/// Every order of: kim ✅ added, removed, added again; max ✅ added, removed — handed to
/// the two instances in turn. The outcome is the model's in every order: an add handled
/// after a newer removal changes nothing, and the refund is paid only when both leads'
/// newest observations stand. (Before the compare-and-set, a removal handled before its
/// add was lost and the add then counted: paid in orders where kim had withdrawn.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_apply_votes_newest_first_in_every_order() {
    let events = [
        obs("kim", true, 10),
        obs("kim", false, 20),
        obs("kim", true, 30),
        obs("max", true, 15),
        obs("max", false, 25),
    ];
    let orders = permutations(&events);
    assert_eq!(orders.len(), 120);
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        let other = second_instance(&bot).await;
        let mut paid_orders = 0;
        for (i, order) in orders.iter().enumerate() {
            let (id, case) = two_lead_request(&bot, i).await;
            for (k, o) in order.iter().enumerate() {
                let engine = if k % 2 == 0 { &bot.engine } else { &other };
                engine.handle(event(*o, case), at(2 + k as i64), None).await.unwrap();
            }
            let (paid, standing) = model(order);
            let (status, approvals, approved_by) = refund_state(&bot, id).await;
            if paid {
                paid_orders += 1;
                assert_eq!(status, "succeeded", "order {order:?}");
                assert_eq!(approved_by.len(), 2, "order {order:?}: paid with {approved_by:?}");
            } else {
                assert_eq!(status, "awaiting_approval", "order {order:?}: paid though both leads never stood at once");
                assert_eq!(approvals, standing, "order {order:?}: the approvals standing");
            }
            // The newest observation of each lead is what is stored.
            assert_eq!(stored_vote(&bot, id, "kim").await.map(|v| v.seq), Some(30), "order {order:?}");
            assert_eq!(stored_vote(&bot, id, "max").await.map(|v| v.seq), Some(25), "order {order:?}");
        }
        assert!(paid_orders > 0 && paid_orders < orders.len(), "both outcomes occur: {paid_orders}");
        assert_eq!(bot.paid().await, Decimal::from(600 * paid_orders), "each paid request paid once");
    }
}

/// The same observations handed to the two instances at once, round after round: no
/// event fails (a lost compare-and-set runs the event again), a withdrawal is never lost
/// (kim's removal is the newest of max's, so max never stands at the end), and whenever
/// the refund is paid both leads stood.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_racing_never_pay_without_two_standing_approvals() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        let other = second_instance(&bot).await;
        for round in 0..20 {
            let (id, case) = two_lead_request(&bot, round).await;
            let (x, y) = (&bot.engine, &other);
            let ev = |o: Obs| event(o, case);
            // kim: added, removed; max: added, removed, added — each pair racing across
            // the two instances.
            let (r1, r2, r3, r4, r5) = tokio::join!(
                x.handle(ev(obs("kim", true, 10)), at(2), None),
                y.handle(ev(obs("kim", false, 20)), at(2), None),
                y.handle(ev(obs("max", true, 11)), at(2), None),
                x.handle(ev(obs("max", false, 21)), at(2), None),
                y.handle(ev(obs("max", true, 31)), at(2), None),
            );
            for r in [r1, r2, r3, r4, r5] {
                r.unwrap_or_else(|e| panic!("round {round}: an instance failed: {e}"));
            }
            let (status, approvals, approved_by) = refund_state(&bot, id).await;
            let kim = stored_vote(&bot, id, "kim").await.unwrap();
            assert_eq!(kim.seq, 20, "round {round}: kim's newest observation (the removal) is stored");
            match status.as_str() {
                "succeeded" => assert_eq!(approved_by.len(), 2, "round {round}: paid with {approved_by:?}"),
                "awaiting_approval" => {
                    assert!(!kim.present, "round {round}: kim's withdrawal was lost");
                    assert!(!approvals.contains(&"kim".to_string()), "round {round}: {approvals:?}");
                    assert_eq!(approvals, ["max"], "round {round}: max's newest observation stands");
                }
                other => panic!("round {round}: {other}"),
            }
        }
    }
}

/// Migration 0010 carries the approvals of requests already waiting (the refund's own
/// list, the only record before it) into `refund_votes`: rerun here on a database where a
/// lead approved, after removing the rows, the approval stands again and a later
/// withdrawal of it counts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approvals_given_before_migration_0010_still_stand_and_can_be_withdrawn() {
    let backfill = |sql: &str| {
        sql.split(';')
            .map(str::trim)
            .filter(|s| s.contains("INSERT INTO refund_votes"))
            .map(|s| s.to_string())
            .next()
            .unwrap()
    };
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        let (id, case) = two_lead_request(&bot, 0).await;
        bot.engine.handle(event(obs("kim", true, 10), case), at(2), None).await.unwrap();
        let sql = match b {
            Backend::Sqlite => backfill(include_str!("../../migrations/sqlite/0010_refund_votes.sql")),
            Backend::Postgres => backfill(include_str!("../../migrations/postgres/0010_refund_votes.sql")),
        };
        for q in ["DELETE FROM refund_votes", sql.as_str()] {
            owner_sql(&bot._db.url, q).await.unwrap();
        }
        assert_eq!(stored_vote(&bot, id, "kim").await, Some(VoteRow { present: true, seq: 0 }));
        bot.engine.handle(event(obs("kim", false, 20), case), at(3), None).await.unwrap();
        bot.engine.handle(event(obs("max", true, 21), case), at(4), None).await.unwrap();
        let (status, approvals, _) = refund_state(&bot, id).await;
        assert_eq!(
            (status.as_str(), approvals),
            ("awaiting_approval", vec!["max".to_string()]),
            "kim's withdrawal counted"
        );
    }
}
