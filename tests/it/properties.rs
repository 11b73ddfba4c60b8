//! Property tests through the real engine and store: no order of reactions, faults and
//! ticks pays a refund twice or without its quorum; the wallet never goes below zero and
//! always equals the sum of its entries.

use crate::common::*;
use paydesk::adapters::payments::sandbox::Fault;
use paydesk::app::engine::{Actor, Engine, Event, ReactTarget};
use paydesk::app::ports::{PaymentConnector, User};
use paydesk::domain::billing::{Account, AutoRecharge, Charge};
use paydesk::domain::ids::{AccountId, CaseNumber, UserId};
use paydesk::domain::money::Currency;
use paydesk::domain::roles::{Role, Roles};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::sync::Arc;

const USERS: [(&str, Role); 6] = [
    ("ana", Role::Customer),
    ("bo", Role::Agent),
    ("kim", Role::Lead),
    ("max", Role::Lead),
    ("lin", Role::Lead),
    ("sam", Role::Agent),
];

#[derive(Debug, Clone)]
enum Step {
    React { user: usize, approve: bool, added: bool },
    Command { user: usize, approve: bool },
    Fault(u8, u32),
    Wait(i64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (0..USERS.len(), any::<bool>(), prop::bool::weighted(0.8)).prop_map(|(user, approve, added)| Step::React { user, approve, added }),
        2 => (0..USERS.len(), any::<bool>()).prop_map(|(user, approve)| Step::Command { user, approve }),
        1 => (0u8..3, 1u32..4).prop_map(|(k, n)| Step::Fault(k, n)),
        2 => (1i64..4000).prop_map(Step::Wait),
    ]
}

async fn seed(engine: &Engine, amount: &str) {
    let at = t("2026-05-02T08:00:00Z");
    engine
        .seed_account(&Account { id: AccountId::new("acct-1"), currency: Currency::USD, auto_recharge: None }, None, at)
        .await
        .unwrap();
    for (id, role) in USERS {
        let account = (role == Role::Customer).then(|| AccountId::new("acct-1"));
        engine.seed_user(&User { id: UserId::new(id), roles: Roles::NONE.with(role), account }, at).await.unwrap();
    }
    let charge =
        Charge { description: "Pack".into(), ..card_charge("ch_1", "acct-1", amount, t("2026-05-02T09:00:00Z")) };
    engine.seed_charge(&charge, at).await.unwrap();
}

fn run_approvals(
    amount: &'static str,
    requester: usize,
    override_: bool,
    steps: Vec<Step>,
) -> Result<usize, TestCaseError> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async move {
        let db = fresh_db(&Backend::Sqlite).await;
        let (engine, sandbox, clock, _s) = engine_on(&db.url, "w", |s| s as Arc<dyn PaymentConnector>).await;
        seed(&engine, amount).await;
        let mut now = t("2026-05-02T10:00:00Z");
        clock.set(now);
        let cmd = if override_ {
            format!("/refund ch_1 {amount} override partner deal")
        } else {
            "/refund ch_1 test".to_string()
        };
        engine
            .handle(
                Event::Message { actor: Actor::known(USERS[requester].0), text: cmd, channel: "support".into() },
                now,
                None,
            )
            .await
            .unwrap();
        for s in steps {
            match s {
                Step::React { user, approve, added } => {
                    let emoji = if approve { "✅" } else { "❌" };
                    let ev = Event::Reaction {
                        actor: Actor::known(USERS[user].0),
                        emoji: emoji.into(),
                        target: ReactTarget::ApprovalOf(CaseNumber::FIRST),
                        added,
                    };
                    engine.handle(ev, now, None).await.unwrap();
                }
                Step::Command { user, approve } => {
                    let text = if approve { "/approve RF-000001" } else { "/reject RF-000001 no" };
                    engine
                        .handle(
                            Event::Message {
                                actor: Actor::known(USERS[user].0),
                                text: text.into(),
                                channel: "approvals".into(),
                            },
                            now,
                            None,
                        )
                        .await
                        .unwrap();
                }
                Step::Fault(k, n) => sandbox.inject([Fault::Timeout, Fault::Error, Fault::Decline][k as usize], n),
                Step::Wait(mins) => {
                    now += chrono::Duration::minutes(mins);
                    clock.set(now);
                    engine.run_timers(now).await.unwrap();
                }
            }
        }
        // Let every retry run out.
        for _ in 0..12 {
            now += chrono::Duration::minutes(30);
            clock.set(now);
            engine.run_timers(now).await.unwrap();
        }
        let paid = sandbox.books().all().await.unwrap();
        let snap = engine.store().snapshot().await.unwrap();
        prop_assert!(snap.refunds.len() <= 1);
        prop_assert!(paid.len() <= 1, "paid twice: {paid:?}");
        let total: Decimal = paid.iter().map(|p| p.amount).sum();
        prop_assert!(total <= amount.parse::<Decimal>().unwrap(), "paid more than the charge");
        if let Some(r) = snap.refunds.first() {
            if !paid.is_empty() {
                prop_assert_eq!(r.status.as_str(), "succeeded");
                let requester_id = UserId::new(USERS[requester].0);
                let leads: std::collections::HashSet<_> =
                    r.approved_by.iter().filter(|u| **u != requester_id).collect();
                prop_assert!(leads.len() >= r.leads_needed as usize, "paid without quorum: {:?}", r.approved_by);
                for u in &r.approved_by {
                    let role = USERS.iter().find(|(n, _)| *n == u.as_str()).map(|(_, r)| *r);
                    prop_assert_eq!(role, Some(Role::Lead), "a non-lead counted: {}", u);
                }
                prop_assert_eq!(snap.credit_notes.len(), 1);
            } else {
                prop_assert!(r.status.as_str() != "succeeded");
                prop_assert_eq!(snap.credit_notes.len(), 0);
            }
        }
        Ok(paid.len())
    })
}

/// The harness itself: a plain approval pays, a non-lead's does not.
#[test]
fn the_harness_sees_payments_and_refusals() {
    let approve = |user| Step::React { user, approve: true, added: true };
    assert_eq!(run_approvals("49.00", 1, false, vec![approve(2)]).unwrap(), 1);
    assert_eq!(run_approvals("49.00", 1, false, vec![approve(5), approve(0)]).unwrap(), 0);
    assert_eq!(run_approvals("500.00", 1, false, vec![approve(2)]).unwrap(), 0, "500 needs two leads");
    assert_eq!(run_approvals("500.00", 1, false, vec![approve(2), approve(3)]).unwrap(), 1);
    assert_eq!(
        run_approvals("49.00", 2, true, vec![approve(2), approve(3)]).unwrap(),
        0,
        "the requester does not count"
    );
    assert_eq!(run_approvals("49.00", 2, true, vec![approve(3), approve(4)]).unwrap(), 1);
    // a timeout then a transient error: still paid once
    assert_eq!(run_approvals("49.00", 1, false, vec![Step::Fault(0, 2), Step::Fault(1, 2), approve(2)]).unwrap(), 1);
    assert_eq!(run_approvals("49.00", 1, false, vec![Step::Fault(2, 1), approve(2)]).unwrap(), 0, "declined");
    assert_eq!(run_approvals("49.00", 1, false, vec![Step::Wait(73 * 60), approve(2)]).unwrap(), 0, "expired");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_event_order_pays_twice_or_without_quorum(
        amount in prop_oneof![Just("49.00"), Just("500.00"), Just("750.00")],
        requester in prop_oneof![Just(1usize), Just(2usize)],
        steps in prop::collection::vec(step(), 0..24),
    ) {
        run_approvals(amount, requester, false, steps)?;
    }

    #[test]
    fn overrides_need_two_other_leads(steps in prop::collection::vec(step(), 0..24)) {
        // kim (a lead) overrides a refund the policy refuses (the charge is 49.00, asked 49.00
        // after the window would be refused; here inside the window it is still an override).
        run_approvals("49.00", 2, true, steps)?;
    }

    #[test]
    fn wallet_never_below_zero_and_equals_its_entries(
        opening in 0u32..2000,
        auto in prop::option::of((0u32..500, 0u32..20)),
        ops in prop::collection::vec(prop_oneof![(0u64..400).prop_map(Ok), (1u32..50).prop_map(Err)], 1..12),
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let db = fresh_db(&Backend::Sqlite).await;
            let (engine, _sb, _c, _store) = engine_on(&db.url, "w", |s| s as Arc<dyn PaymentConnector>).await;
            let at = t("2026-05-02T08:00:00Z");
            let auto = auto.map(|(below, credits)| AutoRecharge { below: Decimal::new(below.into(), 2), credits });
            engine.seed_account(&Account { id: AccountId::new("acct-1"), currency: Currency::USD, auto_recharge: auto }, Some(Decimal::new(opening.into(), 2)), at).await.unwrap();
            engine.seed_user(&User { id: UserId::new("ana"), roles: Roles::CUSTOMER, account: Some(AccountId::new("acct-1")) }, at).await.unwrap();
            for (i, op) in ops.into_iter().enumerate() {
                let now = at + chrono::Duration::minutes(i as i64 + 1);
                let ev = match op {
                    Ok(n) => Event::Usage { account: AccountId::new("acct-1"), conversations: n },
                    Err(credits) => Event::Message { actor: Actor::known("ana"), text: format!("/wallet buy {credits}"), channel: "support".into() },
                };
                engine.handle(ev, now, None).await.unwrap();
                let snap = engine.store().snapshot().await.unwrap();
                let balance = snap.wallets[0].balance;
                prop_assert!(balance >= Decimal::ZERO, "below zero: {balance}");
                // the same balance, summed independently from the rows
                let rows = owner_i64s(&db.url, "SELECT amount FROM wallet_entries WHERE account_id = 'acct-1'").await.unwrap();
                let sum: Decimal = rows.iter().map(|v| Decimal::new(*v, 6)).sum();
                prop_assert_eq!(sum, balance);
            }
            Ok(())
        })?;
    }
}
