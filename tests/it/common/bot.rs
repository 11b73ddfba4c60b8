//! A bot on a fresh store with a cast of people and a charge, driven event by event
//! through the engine (shared by the red-team and support-day tests).

use super::*;
use paydesk::adapters::payments::sandbox::Sandbox;
use paydesk::app::action::Action;
use paydesk::app::engine::{Actor, Engine, Event, ReactTarget};
use paydesk::app::ports::User;
use paydesk::domain::billing::{Account, Charge, ChargeKind};
use paydesk::domain::ids::{AccountId, CaseNumber, UserId};
use paydesk::domain::money::Currency;
use paydesk::domain::roles::{Role, Roles};
use paydesk::wiring::App;
use rust_decimal::Decimal;
use std::sync::Arc;

pub struct Bot {
    pub engine: Engine,
    pub sandbox: Arc<Sandbox>,
    pub _db: TestDb,
}

pub fn roles(rs: &[Role]) -> Roles {
    rs.iter().copied().collect()
}

pub fn charge(id: &str, amount: &str, kind: ChargeKind) -> Charge {
    Charge { kind, ..card_charge(id, "acct-1", amount, t("2026-05-02T09:00:00Z")) }
}

/// ana (customer of acct-1), bo (agent), kim, max, lee (leads), lea (a lead who is also a
/// customer of acct-1), and a 1200.00 product charge `ch_1` bought the day before.
pub async fn bot(backend: &Backend, policy: impl FnOnce(&mut paydesk::domain::policy::Policy)) -> Bot {
    bot_with(backend, |c| policy(&mut c.policy)).await
}

/// `bot` with any engine setting changed.
pub async fn bot_with(backend: &Backend, change: impl FnOnce(&mut paydesk::app::engine::EngineConfig)) -> Bot {
    let db = fresh_db(backend).await;
    let mut cfg = paydesk::app::engine::EngineConfig { worker: "w1".to_string(), ..Default::default() };
    change(&mut cfg);
    let store = paydesk::adapters::store::AnyStore::open(&db.url).await.expect("open store");
    let clock = Arc::new(paydesk::adapters::surfaces::replay::ManualClock::default());
    let App { engine, sandbox, .. } = App::sandbox_only(store, clock, cfg);
    let at = t("2026-05-02T08:00:00Z");
    engine
        .seed_account(&Account { id: AccountId::new("acct-1"), currency: Currency::USD, auto_recharge: None }, None, at)
        .await
        .unwrap();
    let people: [(&str, Roles, Option<&str>); 6] = [
        ("ana", Roles::CUSTOMER, Some("acct-1")),
        ("bo", roles(&[Role::Agent]), None),
        ("kim", roles(&[Role::Lead]), None),
        ("max", roles(&[Role::Lead]), None),
        ("lee", roles(&[Role::Lead]), None),
        ("lea", roles(&[Role::Lead, Role::Customer]), Some("acct-1")),
    ];
    for (id, r, acct) in people {
        engine.seed_user(&User { id: UserId::new(id), roles: r, account: acct.map(AccountId::new) }, at).await.unwrap();
    }
    engine.seed_charge(&charge("ch_1", "1200.00", ChargeKind::Product), at).await.unwrap();
    Bot { engine, sandbox, _db: db }
}

pub const NOW: &str = "2026-05-03T10:00:00Z";

pub fn at(offset_secs: i64) -> chrono::DateTime<chrono::Utc> {
    t(NOW) + chrono::Duration::seconds(offset_secs)
}

impl Bot {
    pub async fn say(&self, user: &str, text: &str, secs: i64) {
        let ev = Event::Message { actor: Actor::known(user), text: text.into(), channel: "support".into() };
        self.engine.handle(ev, at(secs), None).await.unwrap();
    }

    pub async fn react(&self, user: &str, case: u32, added: bool, secs: i64) {
        let target = ReactTarget::ApprovalOf(CaseNumber::new(case).unwrap());
        let ev = Event::Reaction { actor: Actor::known(user), emoji: "✅".into(), target, added };
        self.engine.handle(ev, at(secs), None).await.unwrap();
    }

    pub async fn statuses(&self) -> Vec<String> {
        self.engine.store().snapshot().await.unwrap().refunds.iter().map(|r| r.status.as_str().to_string()).collect()
    }

    /// What the provider itself paid out.
    pub async fn paid(&self) -> Decimal {
        self.sandbox.books().all().await.unwrap().iter().map(|r| r.amount).sum()
    }

    pub async fn outbox(&self) -> Vec<Action> {
        self.engine.store().outbox_pending(10_000).await.unwrap().into_iter().map(|i| i.action).collect()
    }

    pub async fn said(&self) -> Vec<String> {
        self.outbox()
            .await
            .into_iter()
            .filter_map(|a| match a {
                Action::Say { text, .. } => Some(text),
                Action::Denied { reason, .. } => Some(format!("DENIED {reason}")),
                _ => None,
            })
            .collect()
    }
}
