//! Demo data for the console: accounts, staff and charges that exercise every policy
//! rule, dated relative to now so the windows are always live.

use crate::app::engine::{Engine, EngineResult};
use crate::app::ports::User;
use crate::domain::billing::{Account, AutoRecharge, Charge, ChargeKind, PaymentMethod, Subscription};
use crate::domain::ids::{AccountId, ChargeId, SubscriptionId, UserId};
use crate::domain::money::Currency;
use crate::domain::roles::{Role, Roles};
use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;

/// The demo's amounts are literals (checked by the test below); never a panic.
fn d(s: &str) -> Decimal {
    s.parse().unwrap_or(Decimal::ZERO)
}

/// The demo's currencies are literals (checked by the test below).
fn cur(code: &str) -> Currency {
    Currency::from_code(code).unwrap_or(Currency::USD)
}

#[allow(clippy::too_many_arguments)]
fn charge(
    id: &str,
    account: &str,
    amount: &str,
    currency: &str,
    at: DateTime<Utc>,
    kind: ChargeKind,
    desc: &str,
    fee: &str,
    last4: &str,
) -> Charge {
    Charge {
        id: ChargeId::new(id),
        account: AccountId::new(account),
        amount: d(amount),
        currency: cur(currency),
        at,
        method: PaymentMethod::Card,
        card_last4: Some(last4.to_string()),
        kind,
        description: desc.to_string(),
        fee: d(fee),
        wallet_selected: false,
        disputed: false,
        provider: "sandbox".into(),
    }
}

/// What the demo holds, for the console's banner.
pub const DEMO_GUIDE: &str = "\
Demo users: customers ana (acct-ana, USD), raj (acct-raj, USD), eve (acct-eve, EUR), ken (acct-ken, JPY);
            agent bo; leads kim, max and lee (three: an override or a 500+ refund needs two leads
            other than the one who asks).
Try, as ana:  you charged my card twice for the API credits pack
              I chose wallet credit but my card was charged 20.60
              how much credit do I have left?
then /as bo:  /refund ch_demo_dup2 duplicate charge
then /as kim: /react approval:RF-000001 ✅
Other charges: ch_demo_addon (in the 14-day window), ch_demo_pack (after it), ch_demo_old (over 180 days),
ch_demo_yearly (yearly plan, prorated), ch_demo_monthly (monthly plan), ch_demo_disputed (chargeback),
ch_demo_big (600 EUR: two leads), ch_demo_yen (JPY yearly plan).
Console commands: /as USER, /react REF|approval:CASE EMOJI, /unreact …, /usage ACCOUNT N,
/tick [73h] (move the console clock on: approvals expire after 72h), /dm TEXT, /quit";

/// Seeds the demo's accounts, users, charges and subscriptions, dated relative to `now`.
pub async fn seed(engine: &Engine, now: DateTime<Utc>) -> EngineResult<()> {
    seed_accounts(engine, now).await?;
    seed_users(engine, now).await?;
    for c in &demo_charges(now) {
        engine.seed_charge(c, now).await?;
    }
    seed_subscriptions(engine, now).await
}

/// The customers' accounts, with their wallets and auto-recharge.
async fn seed_accounts(engine: &Engine, now: DateTime<Utc>) -> EngineResult<()> {
    let accounts = [
        ("acct-ana", "USD", Some("4.00"), Some(AutoRecharge { below: d("1.00"), credits: 10 })),
        ("acct-raj", "USD", None, None),
        ("acct-eve", "EUR", Some("10.00"), None),
        ("acct-ken", "JPY", None, None),
    ];
    for (id, code, wallet, auto) in accounts {
        let a = Account { id: AccountId::new(id), currency: cur(code), auto_recharge: auto };
        engine.seed_account(&a, wallet.map(d), now).await?;
    }
    Ok(())
}

/// The customers and the staff (one agent, three leads).
async fn seed_users(engine: &Engine, now: DateTime<Utc>) -> EngineResult<()> {
    let users: [(&str, &[Role], Option<&str>); 8] = [
        ("ana", &[Role::Customer], Some("acct-ana")),
        ("raj", &[Role::Customer], Some("acct-raj")),
        ("eve", &[Role::Customer], Some("acct-eve")),
        ("ken", &[Role::Customer], Some("acct-ken")),
        ("bo", &[Role::Agent], None),
        ("kim", &[Role::Lead], None),
        ("max", &[Role::Lead], None),
        ("lee", &[Role::Lead], None),
    ];
    for (id, roles, account) in users {
        let roles: Roles = roles.iter().copied().collect();
        engine.seed_user(&User { id: UserId::new(id), roles, account: account.map(AccountId::new) }, now).await?;
    }
    Ok(())
}

/// The charges `DEMO_GUIDE` names: one per policy rule (a duplicate, in and out of the
/// refund windows, credits, plans, a chargeback, a two-lead amount, yen, a wallet top-up).
fn demo_charges(now: DateTime<Utc>) -> Vec<Charge> {
    use ChargeKind::{Credits, Product, Subscription};
    let (h, m, days) = (Duration::hours, Duration::minutes, Duration::days);
    // (id, account, amount, currency, how long ago, kind, description, fee, card's last 4)
    let table = [
        ("ch_demo_dup1", "acct-ana", "49.00", "USD", h(2), Product, "Campaign API credits pack", "0", "4242"),
        ("ch_demo_dup2", "acct-ana", "49.00", "USD", h(2) - m(3), Product, "Campaign API credits pack", "0", "4242"),
        ("ch_demo_addon", "acct-ana", "30.00", "USD", days(5), Product, "Templates add-on", "0", "4242"),
        ("ch_demo_pack", "acct-ana", "12.00", "USD", days(40), Product, "Report export", "0", "4242"),
        ("ch_demo_old", "acct-ana", "15.00", "USD", days(200), Product, "Extra seats", "0", "4242"),
        ("ch_demo_credits", "acct-ana", "10.30", "USD", days(3), Credits, "5 IM credits", "0.30", "4242"),
        ("ch_demo_yearly", "acct-raj", "120.00", "USD", days(40), Subscription, "SIP trunk, yearly", "0", "5100"),
        ("ch_demo_monthly", "acct-raj", "9.00", "USD", days(20), Subscription, "Inbox, monthly", "0", "5100"),
        ("ch_demo_disputed", "acct-raj", "25.00", "USD", days(6), Product, "Number porting", "0", "5100"),
        ("ch_demo_big", "acct-eve", "600.00", "EUR", days(2), Product, "Annual onboarding package", "0", "1881"),
        ("ch_demo_yen", "acct-ken", "10000", "JPY", days(20), Subscription, "Voice plan, yearly", "0", "0005"),
        ("ch_demo_wallet", "acct-ana", "20.60", "USD", days(20), Credits, "10 IM credits", "0.60", "0005"),
    ];
    let mut charges: Vec<Charge> = table
        .into_iter()
        .map(|(id, account, amount, currency, ago, kind, desc, fee, last4)| {
            charge(id, account, amount, currency, now - ago, kind, desc, fee, last4)
        })
        .collect();
    for c in &mut charges {
        c.wallet_selected = c.id.as_str() == "ch_demo_wallet";
        c.disputed = c.id.as_str() == "ch_demo_disputed";
    }
    charges
}

/// The plans: Raj's yearly and monthly, Ken's yearly in yen.
async fn seed_subscriptions(engine: &Engine, now: DateTime<Utc>) -> EngineResult<()> {
    let days = Duration::days;
    let subs = [
        ("sub-raj-yearly", "acct-raj", "ch_demo_yearly", 12, days(40)),
        ("sub-raj-monthly", "acct-raj", "ch_demo_monthly", 1, days(20)),
        ("sub-ken", "acct-ken", "ch_demo_yen", 12, days(20)),
    ];
    for (id, account, charge, months, ago) in subs {
        engine
            .seed_subscription(
                &Subscription {
                    id: SubscriptionId::new(id),
                    account: AccountId::new(account),
                    charge: ChargeId::new(charge),
                    months,
                    start: now - ago,
                },
                now,
            )
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_literals_are_valid() {
        for a in [
            "4.00", "1.00", "10.00", "49.00", "30.00", "12.00", "15.00", "10.30", "0.30", "120.00", "9.00", "25.00",
            "600.00", "10000", "20.60", "0.60", "0",
        ] {
            assert_eq!(d(a), a.parse::<Decimal>().unwrap());
        }
        for c in ["USD", "EUR", "JPY"] {
            assert_eq!(cur(c).code(), c);
        }
    }
}
