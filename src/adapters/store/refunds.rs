//! Refunds: requests, their approvals (votes), holds, sums, and the work queue the runner
//! and the timers read (due, expired, leases).

use super::codec::*;
use super::db::{sql, sql_owned, Exec};
use super::rows::{self, REFUND_COLS};
use crate::app::ports::{StoreResult, VoteRow};
use crate::domain::approvals::{Refund, RefundStatus};
use crate::domain::ids::{CaseNumber, ChargeId, RefundId, UserId};
use crate::domain::money::Currency;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

fn refund_ids(rows: &[super::db::Row]) -> StoreResult<Vec<RefundId>> {
    rows.iter().map(|r| Ok(RefundId(r.int("id")?))).collect()
}

/// One refund found by `filter` (on `$1`, `$2`), locked on PostgreSQL.
async fn refund_where(
    on: &mut impl Exec,
    filter: &str,
    first: super::db::Arg,
    second: Option<super::db::Arg>,
) -> StoreResult<Option<Refund>> {
    let mut q = on.locking(&format!("SELECT {REFUND_COLS} FROM refunds WHERE {filter}")).bind(first);
    if let Some(arg) = second {
        q = q.bind(arg);
    }
    on.optional(q).await?.as_ref().map(rows::refund).transpose()
}

pub async fn refund(on: &mut impl Exec, id: RefundId) -> StoreResult<Option<Refund>> {
    refund_where(on, "id = $1", id.0.into(), None).await
}

pub async fn refund_by_key(on: &mut impl Exec, key: &str) -> StoreResult<Option<Refund>> {
    refund_where(on, "idempotency_key = $1", key.into(), None).await
}

pub async fn refund_by_message(on: &mut impl Exec, message_ref: &str) -> StoreResult<Option<Refund>> {
    refund_where(on, "message_ref = $1", message_ref.into(), None).await
}

pub async fn refund_by_provider_ref(
    on: &mut impl Exec,
    provider: &str,
    provider_ref: &str,
) -> StoreResult<Option<Refund>> {
    refund_where(
        on,
        "provider = $1 AND provider_ref = $2 ORDER BY id LIMIT 1",
        provider.into(),
        Some(provider_ref.into()),
    )
    .await
}

pub async fn refunds_of_case(on: &mut impl Exec, case: CaseNumber) -> StoreResult<Vec<Refund>> {
    let q = on.locking(&format!("SELECT {REFUND_COLS} FROM refunds WHERE case_number = $1 ORDER BY id"));
    rows::all(&on.rows(q.bind(i64::from(case.get()))).await?, rows::refund)
}

/// Refunds waiting for a lead (awaiting approval or on hold), oldest first.
pub async fn waiting_refunds(on: &mut impl Exec, limit: u32) -> StoreResult<Vec<Refund>> {
    let q =
        sql_owned(format!("SELECT {REFUND_COLS} FROM refunds WHERE status IN ('awaiting_approval', 'on_hold') ORDER BY requested_at, id LIMIT $1"));
    rows::all(&on.rows(q.bind(i64::from(limit))).await?, rows::refund)
}

pub async fn insert_refund(on: &mut impl Exec, r: &Refund) -> StoreResult<RefundId> {
    let q = sql("INSERT INTO refunds (case_number, charge_id, amount, currency, status, rule, reason, requested_by, is_override, leads_needed, \
         requested_at, expires_at, approvals, approved_by, idempotency_key, provider, provider_ref, message_ref, attempts, \
         first_attempt_at, next_attempt_at, needs_lookup, last_error) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, NULL, $15, $16, $17, $18, $19, $20, $21, $22) RETURNING id")
    .bind(i64::from(r.case.get()))
    .bind(r.charge.as_str())
    .bind(money(r.amount)?)
    .bind(r.currency.code())
    .bind(r.status.as_str())
    .bind(&r.rule)
    .bind(&r.reason)
    .bind(r.requested_by.as_str())
    .bind(flag(r.is_override))
    .bind(i64::from(r.leads_needed))
    .bind(ts(r.requested_at))
    .bind(ts(r.expires_at))
    .bind(users_json(&r.standing_approvers))
    .bind(users_json(&r.approved_by))
    .bind(&r.provider)
    .bind(r.provider_ref.clone())
    .bind(r.message_ref.clone())
    .bind(i64::from(r.attempts))
    .bind(r.first_attempt_at.map(ts))
    .bind(r.next_attempt_at.map(ts))
    .bind(flag(r.needs_lookup))
    .bind(r.last_error.clone());
    Ok(RefundId(on.one(q).await?.int("id")?))
}

pub async fn update_refund(on: &mut impl Exec, r: &Refund) -> StoreResult<()> {
    let q = sql("UPDATE refunds SET status = $2, approvals = $3, approved_by = $4, idempotency_key = $5, provider_ref = $6, message_ref = $7, \
         attempts = $8, first_attempt_at = $9, next_attempt_at = $10, needs_lookup = $11, last_error = $12 WHERE id = $1")
    .bind(r.id.0)
    .bind(r.status.as_str())
    .bind(users_json(&r.standing_approvers))
    .bind(users_json(&r.approved_by))
    .bind((!r.idempotency_key.is_empty()).then(|| r.idempotency_key.clone()))
    .bind(r.provider_ref.clone())
    .bind(r.message_ref.clone())
    .bind(i64::from(r.attempts))
    .bind(r.first_attempt_at.map(ts))
    .bind(r.next_attempt_at.map(ts))
    .bind(flag(r.needs_lookup))
    .bind(r.last_error.clone());
    on.execute(q).await?;
    Ok(())
}

/// Sum of a charge's refunds in the given statuses.
pub async fn refunded_sum(on: &mut impl Exec, charge: &ChargeId, statuses: &[RefundStatus]) -> StoreResult<Decimal> {
    if statuses.is_empty() {
        return Ok(Decimal::ZERO);
    }
    let list = word_list(statuses.iter().map(|s| s.as_str()));
    let q = sql_owned(format!("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS total FROM refunds WHERE charge_id = $1 AND status IN {list}"));
    Ok(decimal(on.one(q.bind(charge.as_str())).await?.int("total")?))
}

pub async fn auto_approved_sum(
    on: &mut impl Exec,
    requester: &UserId,
    currency: Currency,
    since: DateTime<Utc>,
) -> StoreResult<Decimal> {
    // `approved_by` is a JSON list; automatic approval records `["auto"]`.
    let q = sql("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS total FROM refunds WHERE requested_by = $1 AND currency = $2 \
         AND requested_at >= $3 AND approved_by = '[\"auto\"]' AND status NOT IN ('failed', 'rejected', 'expired')");
    Ok(decimal(on.one(q.bind(requester.as_str()).bind(currency.code()).bind(ts(since))).await?.int("total")?))
}

pub async fn hold_refunds(on: &mut impl Exec, charge: &ChargeId, now: DateTime<Utc>) -> StoreResult<Vec<Refund>> {
    let q = sql_owned(format!(
        "UPDATE refunds SET status = 'on_hold' WHERE charge_id = $1 AND (status = 'awaiting_approval' \
         OR (status = 'executing' AND needs_lookup = 0 AND provider_ref IS NULL AND (lease_until IS NULL OR lease_until < $2))) \
         RETURNING {REFUND_COLS}"
    ));
    let mut held = rows::all(&on.rows(q.bind(charge.as_str()).bind(ts(now))).await?, rows::refund)?;
    held.sort_by_key(|r| r.id.0);
    Ok(held)
}

pub async fn vote(on: &mut impl Exec, refund: RefundId, voter: &UserId) -> StoreResult<Option<VoteRow>> {
    let q = on.locking("SELECT present, seq FROM refund_votes WHERE refund_id = $1 AND voter = $2");
    let row = on.optional(q.bind(refund.0).bind(voter.as_str())).await?;
    row.map(|r| Ok(VoteRow { present: r.flag("present")?, seq: r.int("seq")? })).transpose()
}

pub async fn set_vote(
    on: &mut impl Exec,
    refund: RefundId,
    voter: &UserId,
    from: Option<VoteRow>,
    to: VoteRow,
) -> StoreResult<bool> {
    // A vote that comes to stand goes to the end of the order; one that stays keeps its
    // place.
    const NEXT_ORD: &str = "(SELECT COALESCE(MAX(v.ord), 0) + 1 FROM refund_votes v WHERE v.refund_id = $1)";
    let q = match from {
        None => sql_owned(format!(
            "INSERT INTO refund_votes (refund_id, voter, present, seq, ord) VALUES ($1, $2, $3, $4, {NEXT_ORD}) \
             ON CONFLICT (refund_id, voter) DO NOTHING"
        ))
        .bind(refund.0)
        .bind(voter.as_str())
        .bind(flag(to.present))
        .bind(to.seq),
        Some(old) => sql_owned(format!(
            "UPDATE refund_votes SET present = $3, seq = $4, ord = CASE WHEN present = 0 AND $3 = 1 THEN {NEXT_ORD} ELSE ord END \
             WHERE refund_id = $1 AND voter = $2 AND present = $5 AND seq = $6"
        ))
        .bind(refund.0)
        .bind(voter.as_str())
        .bind(flag(to.present))
        .bind(to.seq)
        .bind(flag(old.present))
        .bind(old.seq),
    };
    Ok(on.execute(q).await? == 1)
}

pub async fn standing_approvals(on: &mut impl Exec, refund: RefundId) -> StoreResult<Vec<UserId>> {
    let q = sql("SELECT voter FROM refund_votes WHERE refund_id = $1 AND present = 1 ORDER BY ord, voter");
    on.rows(q.bind(refund.0)).await?.iter().map(|r| Ok(UserId::new(r.text("voter")?))).collect()
}

pub async fn release_refund(on: &mut impl Exec, id: RefundId) -> StoreResult<()> {
    on.execute(sql("UPDATE refunds SET lease_owner = NULL, lease_until = NULL WHERE id = $1").bind(id.0)).await?;
    Ok(())
}

/// Refunds that are `executing` and due by `now`, not leased by another worker.
pub async fn due_refunds(on: &mut impl Exec, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<RefundId>> {
    let q = sql("SELECT id FROM refunds WHERE status = 'executing' AND next_attempt_at <= $1 \
         AND (lease_until IS NULL OR lease_until < $1) ORDER BY next_attempt_at, id LIMIT $2");
    refund_ids(&on.rows(q.bind(ts(now)).bind(i64::from(limit))).await?)
}

pub async fn expired_requests(on: &mut impl Exec, now: DateTime<Utc>) -> StoreResult<Vec<RefundId>> {
    let q = sql("SELECT id FROM refunds WHERE status = 'awaiting_approval' AND expires_at < $1 ORDER BY id");
    refund_ids(&on.rows(q.bind(ts(now))).await?)
}

/// Leases an executing refund to `worker`. One statement: the row lock (PostgreSQL) or
/// the single writer (SQLite) lets exactly one worker win.
pub async fn claim_refund(
    on: &mut impl Exec,
    id: RefundId,
    worker: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> StoreResult<Option<Refund>> {
    let q = sql_owned(format!(
        "UPDATE refunds SET lease_owner = $1, lease_until = $2 WHERE id = $3 AND status = 'executing' \
         AND next_attempt_at <= $4 AND (lease_until IS NULL OR lease_until < $4) RETURNING {REFUND_COLS}"
    ));
    let row = on.optional(q.bind(worker).bind(ts(until)).bind(id.0).bind(ts(now))).await?;
    row.as_ref().map(rows::refund).transpose()
}

/// The earliest of: an approval request's expiry, a refund's next attempt, a lease's
/// end. Earlier than the true due time at worst (a lease ending before its next
/// attempt), never later. Indexed by status.
pub async fn next_timer_at(on: &mut impl Exec) -> StoreResult<Option<DateTime<Utc>>> {
    let q = sql("SELECT (SELECT MIN(expires_at) FROM refunds WHERE status = 'awaiting_approval') AS e, \
         (SELECT MIN(next_attempt_at) FROM refunds WHERE status = 'executing') AS n, \
         (SELECT MIN(lease_until) FROM refunds WHERE status = 'executing') AS l");
    let row = on.one(q).await?;
    let mut first: Option<i64> = None;
    for col in ["e", "n", "l"] {
        if let Some(v) = row.get::<Option<i64>>(col)? {
            first = Some(first.map_or(v, |f| f.min(v)));
        }
    }
    first.map(time).transpose()
}

/// Refunds requested at or after `since`, oldest first (the report).
pub async fn refunds_requested_since(on: &mut impl Exec, since: DateTime<Utc>) -> StoreResult<Vec<Refund>> {
    let q = sql_owned(format!("SELECT {REFUND_COLS} FROM refunds WHERE requested_at >= $1 ORDER BY requested_at, id"));
    rows::all(&on.rows(q.bind(ts(since))).await?, rows::refund)
}
