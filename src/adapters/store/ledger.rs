//! Users, accounts, charges, subscriptions, credit purchases and notes, wallets, and the
//! counters that number cases, charges and messages.

use super::codec::*;
use super::db::{sql, sql_owned, Exec};
use super::rows::{self, CHARGE_COLS, CREDIT_NOTE_COLS};
use crate::app::ports::{StoreError, StoreResult, User, WalletBalance};
use crate::domain::billing::{Account, AutoRecharge, Charge, CreditNote, Subscription, WalletEntry};
use crate::domain::ids::{AccountId, ChargeId, SubscriptionId, UserId};
use crate::domain::money::Currency;
use rust_decimal::Decimal;

/// The largest wallet balance the store keeps, in scaled units (10^12 currency units):
/// sums of entries stay far inside `i64` on both backends (SQLite's SUM fails on an
/// overflow, PostgreSQL's cast back to BIGINT too).
const MAX_BALANCE_SCALED: i64 = 1_000_000_000_000_000_000;

/// The next value of a named counter (`case`, `charge`, `message`).
pub async fn counter(on: &mut impl Exec, name: &str) -> StoreResult<i64> {
    let q = sql("INSERT INTO counters (name, value) VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value");
    on.one(q.bind(name)).await?.int("value")
}

pub async fn put_account(on: &mut impl Exec, a: &Account) -> StoreResult<()> {
    let below = a.auto_recharge.as_ref().map(|r| money(r.below)).transpose()?;
    let q = sql("INSERT INTO accounts (id, currency, auto_recharge_below, auto_recharge_credits) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (id) DO UPDATE SET currency = excluded.currency, auto_recharge_below = excluded.auto_recharge_below, \
         auto_recharge_credits = excluded.auto_recharge_credits");
    let credits = a.auto_recharge.as_ref().map(|r| i64::from(r.credits));
    on.execute(q.bind(a.id.as_str()).bind(a.currency.code()).bind(below).bind(credits)).await?;
    Ok(())
}

pub async fn account(on: &mut impl Exec, id: &AccountId) -> StoreResult<Option<Account>> {
    let q = on.locking("SELECT id, currency, auto_recharge_below, auto_recharge_credits FROM accounts WHERE id = $1");
    let Some(r) = on.optional(q.bind(id.as_str())).await? else { return Ok(None) };
    let below: Option<i64> = r.get("auto_recharge_below")?;
    let credits: Option<i64> = r.get("auto_recharge_credits")?;
    Ok(Some(Account {
        id: AccountId::new(r.text("id")?),
        currency: currency(&r.text("currency")?)?,
        auto_recharge: match (below, credits) {
            (Some(b), Some(c)) => Some(AutoRecharge { below: decimal(b), credits: u32::try_from(c).unwrap_or(0) }),
            _ => None,
        },
    }))
}

pub async fn put_user(on: &mut impl Exec, u: &User) -> StoreResult<()> {
    let q = sql("INSERT INTO users (id, roles, account_id) VALUES ($1, $2, $3) \
         ON CONFLICT (id) DO UPDATE SET roles = excluded.roles, account_id = excluded.account_id");
    on.execute(q.bind(u.id.as_str()).bind(roles_text(u.roles)).bind(u.account.as_ref().map(AccountId::as_str))).await?;
    Ok(())
}

pub async fn user(on: &mut impl Exec, id: &UserId) -> StoreResult<Option<User>> {
    let q = on.locking("SELECT id, roles, account_id FROM users WHERE id = $1");
    on.optional(q.bind(id.as_str())).await?.as_ref().map(rows::user).transpose()
}

pub async fn users_of_account(on: &mut impl Exec, account: &AccountId) -> StoreResult<Vec<User>> {
    let q = sql("SELECT id, roles, account_id FROM users WHERE account_id = $1 ORDER BY id");
    rows::all(&on.rows(q.bind(account.as_str())).await?, rows::user)
}

pub async fn put_charge(on: &mut impl Exec, c: &Charge) -> StoreResult<()> {
    let q = sql_owned(format!(
        "INSERT INTO charges ({CHARGE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
         ON CONFLICT (id) DO UPDATE SET account_id = excluded.account_id, amount = excluded.amount, currency = excluded.currency, \
         at = excluded.at, method = excluded.method, card_last4 = excluded.card_last4, kind = excluded.kind, \
         description = excluded.description, fee = excluded.fee, wallet_selected = excluded.wallet_selected, \
         disputed = excluded.disputed, provider = excluded.provider"
    ))
    .bind(c.id.as_str())
    .bind(c.account.as_str())
    .bind(money(c.amount)?)
    .bind(c.currency.code())
    .bind(ts(c.at))
    .bind(c.method.as_str())
    .bind(c.card_last4.clone())
    .bind(c.kind.as_str())
    .bind(&c.description)
    .bind(money(c.fee)?)
    .bind(flag(c.wallet_selected))
    .bind(flag(c.disputed))
    .bind(&c.provider);
    on.execute(q).await?;
    Ok(())
}

/// A charge; `lock`: locked until commit (PostgreSQL), for the refund cap.
pub async fn charge(on: &mut impl Exec, id: &ChargeId, lock: bool) -> StoreResult<Option<Charge>> {
    let text = format!("SELECT {CHARGE_COLS} FROM charges WHERE id = $1");
    let q = if lock { on.locking(&text) } else { sql_owned(text) };
    on.optional(q.bind(id.as_str())).await?.as_ref().map(rows::charge).transpose()
}

pub async fn charges_of(on: &mut impl Exec, account: &AccountId) -> StoreResult<Vec<Charge>> {
    let q = sql_owned(format!("SELECT {CHARGE_COLS} FROM charges WHERE account_id = $1 ORDER BY at, id"));
    rows::all(&on.rows(q.bind(account.as_str())).await?, rows::charge)
}

pub async fn set_disputed(on: &mut impl Exec, charge: &ChargeId, disputed: bool) -> StoreResult<()> {
    on.execute(sql("UPDATE charges SET disputed = $1 WHERE id = $2").bind(flag(disputed)).bind(charge.as_str()))
        .await?;
    Ok(())
}

pub async fn next_charge_id(on: &mut impl Exec) -> StoreResult<ChargeId> {
    let n = counter(on, "charge").await?;
    Ok(ChargeId::new(format!("pd_ch_{n:06}")))
}

pub async fn put_subscription(on: &mut impl Exec, s: &Subscription) -> StoreResult<()> {
    let q = sql("INSERT INTO subscriptions (id, account_id, charge_id, months, start_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (id) DO UPDATE SET account_id = excluded.account_id, charge_id = excluded.charge_id, \
         months = excluded.months, start_at = excluded.start_at");
    on.execute(
        q.bind(s.id.as_str())
            .bind(s.account.as_str())
            .bind(s.charge.as_str())
            .bind(i64::from(s.months))
            .bind(ts(s.start)),
    )
    .await?;
    Ok(())
}

pub async fn subscription_of_charge(on: &mut impl Exec, charge: &ChargeId) -> StoreResult<Option<Subscription>> {
    let q = sql("SELECT id, account_id, charge_id, months, start_at FROM subscriptions WHERE charge_id = $1 ORDER BY id LIMIT 1");
    let Some(r) = on.optional(q.bind(charge.as_str())).await? else { return Ok(None) };
    Ok(Some(Subscription {
        id: SubscriptionId::new(r.text("id")?),
        account: AccountId::new(r.text("account_id")?),
        charge: ChargeId::new(r.text("charge_id")?),
        months: u32::try_from(r.int("months")?).unwrap_or(1),
        start: time(r.int("start_at")?)?,
    }))
}

pub async fn put_credit_purchase(
    on: &mut impl Exec,
    charge: &ChargeId,
    value: Decimal,
    origin: &str,
) -> StoreResult<()> {
    let q = sql("INSERT INTO credit_purchases (charge_id, value, origin) VALUES ($1, $2, $3)");
    on.execute(q.bind(charge.as_str()).bind(money(value)?).bind(origin)).await?;
    Ok(())
}

pub async fn credit_purchase(on: &mut impl Exec, charge: &ChargeId) -> StoreResult<Option<Decimal>> {
    let row = on.optional(sql("SELECT value FROM credit_purchases WHERE charge_id = $1").bind(charge.as_str())).await?;
    row.map(|r| Ok(decimal(r.int("value")?))).transpose()
}

pub async fn add_credit_note(on: &mut impl Exec, n: &CreditNote) -> StoreResult<()> {
    let q = sql("INSERT INTO credit_notes (charge_id, amount, currency, at, issued_by) VALUES ($1, $2, $3, $4, $5)");
    on.execute(
        q.bind(n.charge.as_str())
            .bind(money(n.amount)?)
            .bind(n.currency.code())
            .bind(ts(n.at))
            .bind(n.issued_by.as_str()),
    )
    .await?;
    Ok(())
}

pub async fn credit_notes_of(on: &mut impl Exec, charge: &ChargeId) -> StoreResult<Vec<CreditNote>> {
    let q = sql_owned(format!("SELECT {CREDIT_NOTE_COLS} FROM credit_notes WHERE charge_id = $1 ORDER BY id"));
    rows::all(&on.rows(q.bind(charge.as_str())).await?, rows::credit_note)
}

/// Sum of the entries (exact, in SQL), in scaled units.
async fn wallet_sum(on: &mut impl Exec, account: &AccountId, cur: Currency) -> StoreResult<i64> {
    let q = sql("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS balance FROM wallet_entries WHERE account_id = $1 AND currency = $2");
    on.one(q.bind(account.as_str()).bind(cur.code())).await?.int("balance")
}

pub async fn wallet_balance(on: &mut impl Exec, account: &AccountId, cur: Currency) -> StoreResult<Decimal> {
    Ok(decimal(wallet_sum(on, account, cur).await?))
}

pub async fn add_wallet_entry(on: &mut impl Exec, e: &WalletEntry) -> StoreResult<()> {
    // The sum is checked before the write: a balance the store cannot sum exactly is
    // refused with a reason, not left to overflow in SQL.
    let amount = money(e.amount)?;
    let now = wallet_sum(on, &e.account, e.currency).await?;
    match now.checked_add(amount) {
        Some(v) if v.unsigned_abs() <= MAX_BALANCE_SCALED.unsigned_abs() => {}
        _ => {
            return Err(StoreError::Refused(format!(
                "the wallet of {} would go past {} {}, the largest balance the bot keeps",
                e.account,
                e.currency.format(decimal(MAX_BALANCE_SCALED)),
                e.currency
            )))
        }
    }
    let q = sql("INSERT INTO wallet_entries (account_id, currency, amount, kind, actor, reason, at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(e.account.as_str())
        .bind(e.currency.code())
        .bind(amount)
        .bind(e.kind.as_str())
        .bind(&e.actor)
        .bind(&e.reason)
        .bind(ts(e.at));
    on.execute(q).await?;
    Ok(())
}

/// Every currency the account has entries in, plus its own currency (first when it has
/// no entries).
pub async fn wallets_of(on: &mut impl Exec, account: &AccountId) -> StoreResult<Vec<WalletBalance>> {
    let own = self::account(on, account).await?;
    let q =
        sql("SELECT currency, CAST(SUM(amount) AS BIGINT) AS balance FROM wallet_entries WHERE account_id = $1 GROUP BY currency ORDER BY currency");
    let mut out: Vec<WalletBalance> = Vec::new();
    for r in on.rows(q.bind(account.as_str())).await? {
        out.push(WalletBalance {
            account: account.clone(),
            currency: currency(&r.text("currency")?)?,
            balance: decimal(r.int("balance")?),
        });
    }
    if let Some(a) = own {
        if !out.iter().any(|w| w.currency == a.currency) {
            out.insert(0, WalletBalance { account: account.clone(), currency: a.currency, balance: Decimal::ZERO });
        }
    }
    Ok(out)
}
