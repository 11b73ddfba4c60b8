//! The outbox (outgoing chat actions, written in the event's transaction and delivered
//! after it) and the dedupe tables of incoming deliveries.

use super::codec::*;
use super::db::{sql, sql_owned, Exec};
use super::ledger::counter;
use super::rows;
use crate::app::action::{Action, OutboxItem};
use crate::app::ports::{Clock, OutboxHealth, StoreError, StoreResult, SystemClock};
use chrono::{DateTime, Utc};

pub async fn pending(on: &mut impl Exec, limit: u32) -> StoreResult<Vec<OutboxItem>> {
    let q = sql("SELECT id, payload, attempts FROM outbox WHERE delivered_at IS NULL AND status = 'pending' ORDER BY id LIMIT $1");
    rows::all(&on.rows(q.bind(i64::from(limit))).await?, rows::outbox_item)
}

/// The condition for an outbox row (aliased `t`) a worker may claim at `$3`.
fn claimable(t: &str) -> String {
    format!(
        "{t}.status = 'pending' AND {t}.delivered_at IS NULL AND ({t}.next_attempt_at IS NULL OR {t}.next_attempt_at <= $3) \
         AND ({t}.claim_until IS NULL OR {t}.claim_until < $3 OR {t}.claimed_by = $1) \
         AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.destination = {t}.destination AND e.status = 'pending' AND e.id < {t}.id)"
    )
}

pub async fn claim(
    on: &mut impl Exec,
    worker: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: u32,
) -> StoreResult<Vec<OutboxItem>> {
    // The outer condition is re-checked on each row as it is updated, so two claimers
    // racing for the same rows cannot both win them. An item waits while an older item
    // of its destination is pending (kept in order).
    let q = sql_owned(format!(
        "UPDATE outbox SET claimed_by = $1, claim_until = $2 \
         WHERE {} AND outbox.id IN (SELECT c.id FROM outbox c WHERE {} ORDER BY c.id LIMIT $4) RETURNING id, payload, attempts",
        claimable("outbox"),
        claimable("c")
    ));
    let rows = on.rows(q.bind(worker).bind(ts(until)).bind(ts(now)).bind(i64::from(limit))).await?;
    let mut items = rows::all(&rows, rows::outbox_item)?;
    items.sort_by_key(|i| i.id);
    Ok(items)
}

pub async fn failed(
    on: &mut impl Exec,
    id: i64,
    attempts: u32,
    next_attempt_at: DateTime<Utc>,
    dead: bool,
    error: &str,
) -> StoreResult<()> {
    let error: String = error.chars().take(500).collect();
    let q = sql("UPDATE outbox SET attempts = $2, next_attempt_at = $3, status = $4, last_error = $5, claimed_by = NULL, claim_until = NULL \
         WHERE id = $1 AND status = 'pending'")
    .bind(id)
    .bind(i64::from(attempts))
    .bind(ts(next_attempt_at))
    .bind(if dead { "dead" } else { "pending" })
    .bind(error);
    on.execute(q).await?;
    Ok(())
}

pub async fn health(on: &mut impl Exec) -> StoreResult<OutboxHealth> {
    let q = sql("SELECT (SELECT COUNT(*) FROM outbox WHERE status = 'pending') AS pending, \
         (SELECT MIN(created_at) FROM outbox WHERE status = 'pending') AS oldest, \
         (SELECT COUNT(*) FROM outbox WHERE status = 'dead') AS dead");
    let r = on.one(q).await?;
    Ok(OutboxHealth {
        pending: r.int("pending")?,
        oldest_pending: r.get::<Option<i64>>("oldest")?.and_then(DateTime::from_timestamp_micros),
        dead: r.int("dead")?,
    })
}

pub async fn delivered(on: &mut impl Exec, ids: &[i64], at: DateTime<Utc>) -> StoreResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    // Ids are integers from the store itself, so they are safe to inline.
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    let q = sql_owned(format!(
        "UPDATE outbox SET delivered_at = $1, status = 'delivered' WHERE delivered_at IS NULL AND id IN ({})",
        list.join(", ")
    ));
    on.execute(q.bind(ts(at))).await?;
    Ok(())
}

/// Queues an outgoing action; messages get their `ref` from the `message` counter.
pub async fn push(on: &mut impl Exec, mut action: Action) -> StoreResult<Option<String>> {
    let message_ref = if action.is_message() {
        let r = format!("m{}", counter(on, "message").await?);
        action.set_ref(r.clone());
        Some(r)
    } else {
        None
    };
    // Last line of defence: no full card number leaves in a message.
    let removed = action.redact_card_numbers();
    if removed > 0 {
        tracing::warn!(removed, "card number(s) removed from an outbox item before it was stored");
    }
    let payload = serde_json::to_string(&action).map_err(|e| StoreError::Corrupt(format!("outbox item: {e}")))?;
    // `created_at` is when the row was written, on the wall clock (the outbox health check
    // compares it with the wall clock), not the event's time, which a replay sets.
    let q = sql("INSERT INTO outbox (message_ref, payload, created_at, destination) VALUES ($1, $2, $3, $4)");
    on.execute(q.bind(message_ref.clone()).bind(payload).bind(ts(SystemClock.now())).bind(action.destination()))
        .await?;
    Ok(message_ref)
}

/// Records a platform event id; false if it was seen before (a redelivery).
pub async fn first_delivery(on: &mut impl Exec, key: &str) -> StoreResult<bool> {
    let q = sql("INSERT INTO seen_events (key, at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING");
    Ok(on.execute(q.bind(key).bind(ts(SystemClock.now()))).await? == 1)
}

/// Records a provider webhook event; false if this provider's event id was seen before.
pub async fn first_webhook(
    on: &mut impl Exec,
    provider: &str,
    event_id: &str,
    kind: &str,
    at: DateTime<Utc>,
) -> StoreResult<bool> {
    let q =
        sql("INSERT INTO webhook_events (provider, event_id, kind, received_at) VALUES ($1, $2, $3, $4) ON CONFLICT (provider, event_id) DO NOTHING");
    Ok(on.execute(q.bind(provider).bind(event_id).bind(kind).bind(ts(at))).await? == 1)
}
