//! Credit purchases through a provider's hosted page (migration 0007), saved payment
//! methods for auto-recharge (0009), and goodwill requests.

use super::codec::*;
use super::db::{sql, sql_owned, Exec};
use super::rows::{self, GOODWILL_COLS, PURCHASE_COLS};
use crate::app::ports::{Purchase, PurchaseStatus, SavedMethod, StoreResult};
use crate::domain::approvals::GoodwillRequest;
use crate::domain::ids::{AccountId, ChargeId};
use chrono::{DateTime, Utc};

pub async fn insert_purchase(on: &mut impl Exec, p: &Purchase) -> StoreResult<i64> {
    let q = sql("INSERT INTO purchases (account_id, user_id, provider, credits, value, total, fee, currency, status, provider_ref, url, \
         created_at, expires_at, charge_id, off_session) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id")
    .bind(p.account.as_str())
    .bind(p.user.as_str())
    .bind(&p.provider)
    .bind(i64::from(p.credits))
    .bind(money(p.value)?)
    .bind(money(p.total)?)
    .bind(money(p.fee)?)
    .bind(p.currency.code())
    .bind(p.status.as_str())
    .bind(p.provider_ref.clone())
    .bind(p.url.clone())
    .bind(ts(p.created_at))
    .bind(ts(p.expires_at))
    .bind(p.charge.as_ref().map(ChargeId::as_str))
    .bind(flag(p.off_session));
    on.one(q).await?.int("id")
}

/// A purchase, locked until commit (PostgreSQL).
pub async fn purchase(on: &mut impl Exec, id: i64) -> StoreResult<Option<Purchase>> {
    let q = on.locking(&format!("SELECT {PURCHASE_COLS} FROM purchases WHERE id = $1"));
    on.optional(q.bind(id)).await?.as_ref().map(rows::purchase).transpose()
}

pub async fn purchase_by_provider_ref(
    on: &mut impl Exec,
    provider: &str,
    provider_ref: &str,
) -> StoreResult<Option<Purchase>> {
    let q = on.locking(&format!("SELECT {PURCHASE_COLS} FROM purchases WHERE provider = $1 AND provider_ref = $2"));
    on.optional(q.bind(provider).bind(provider_ref)).await?.as_ref().map(rows::purchase).transpose()
}

pub async fn set_purchase_link(
    on: &mut impl Exec,
    id: i64,
    provider_ref: &str,
    url: &str,
    expires_at: DateTime<Utc>,
) -> StoreResult<bool> {
    let q = sql("UPDATE purchases SET provider_ref = $2, url = $3, expires_at = $4 WHERE id = $1 AND status = 'pending' AND url IS NULL");
    Ok(on.execute(q.bind(id).bind(provider_ref).bind(url).bind(ts(expires_at))).await? == 1)
}

pub async fn move_purchase(
    on: &mut impl Exec,
    id: i64,
    from: &[PurchaseStatus],
    to: PurchaseStatus,
    charge: Option<&ChargeId>,
) -> StoreResult<bool> {
    if from.is_empty() {
        return Ok(false);
    }
    let list = word_list(from.iter().map(|f| f.as_str()));
    let q = sql_owned(format!(
        "UPDATE purchases SET status = $2, charge_id = COALESCE($3, charge_id) WHERE id = $1 AND status IN {list}"
    ));
    Ok(on.execute(q.bind(id).bind(to.as_str()).bind(charge.map(ChargeId::as_str))).await? == 1)
}

pub async fn recharge_pending(on: &mut impl Exec, account: &AccountId) -> StoreResult<bool> {
    let q = sql("SELECT COUNT(*) AS n FROM purchases WHERE account_id = $1 AND off_session = 1 AND status = 'pending'");
    Ok(on.one(q.bind(account.as_str())).await?.int("n")? > 0)
}

pub async fn purchases_to_start(on: &mut impl Exec, limit: u32) -> StoreResult<Vec<i64>> {
    let q = sql("SELECT id FROM purchases WHERE status = 'pending' AND url IS NULL ORDER BY id LIMIT $1");
    on.rows(q.bind(i64::from(limit))).await?.iter().map(|r| r.int("id")).collect()
}

pub async fn purchases_past_expiry(on: &mut impl Exec, now: DateTime<Utc>) -> StoreResult<Vec<i64>> {
    let q = sql("SELECT id FROM purchases WHERE status = 'pending' AND expires_at < $1 ORDER BY id");
    on.rows(q.bind(ts(now))).await?.iter().map(|r| r.int("id")).collect()
}

pub async fn saved_method(on: &mut impl Exec, account: &AccountId, provider: &str) -> StoreResult<Option<SavedMethod>> {
    let q = sql("SELECT customer, payment_method FROM saved_payment_methods WHERE account_id = $1 AND provider = $2");
    let row = on.optional(q.bind(account.as_str()).bind(provider)).await?;
    row.map(|r| Ok(SavedMethod { customer: r.text("customer")?, payment_method: r.text("payment_method")? }))
        .transpose()
}

pub async fn save_method(
    on: &mut impl Exec,
    account: &AccountId,
    provider: &str,
    m: &SavedMethod,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let q = sql("INSERT INTO saved_payment_methods (account_id, provider, customer, payment_method, saved_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (account_id, provider) DO UPDATE SET customer = excluded.customer, payment_method = excluded.payment_method, \
         saved_at = excluded.saved_at");
    on.execute(q.bind(account.as_str()).bind(provider).bind(&m.customer).bind(&m.payment_method).bind(ts(at))).await?;
    Ok(())
}

pub async fn insert_goodwill(on: &mut impl Exec, g: &GoodwillRequest) -> StoreResult<i64> {
    let q = sql("INSERT INTO goodwill_requests (account_id, currency, amount, reason, requested_by, requested_at, expires_at, status, message_ref, \
         decided_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
    .bind(g.account.as_str())
    .bind(g.currency.code())
    .bind(money(g.amount)?)
    .bind(&g.reason)
    .bind(g.requested_by.as_str())
    .bind(ts(g.requested_at))
    .bind(ts(g.expires_at))
    .bind(g.status.as_str())
    .bind(g.message_ref.clone())
    .bind(g.decided_by.as_ref().map(|u| u.as_str()));
    on.one(q).await?.int("id")
}

pub async fn update_goodwill(on: &mut impl Exec, g: &GoodwillRequest) -> StoreResult<()> {
    let q = sql("UPDATE goodwill_requests SET status = $2, message_ref = $3, decided_by = $4 WHERE id = $1");
    on.execute(
        q.bind(g.id)
            .bind(g.status.as_str())
            .bind(g.message_ref.clone())
            .bind(g.decided_by.as_ref().map(|u| u.as_str())),
    )
    .await?;
    Ok(())
}

pub async fn goodwill_by_message(on: &mut impl Exec, message_ref: &str) -> StoreResult<Option<GoodwillRequest>> {
    let q = on.locking(&format!("SELECT {GOODWILL_COLS} FROM goodwill_requests WHERE message_ref = $1"));
    on.optional(q.bind(message_ref)).await?.as_ref().map(rows::goodwill).transpose()
}
