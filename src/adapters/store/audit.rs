//! The audit trail: appends (hash chain, HMAC, the head moved in the same transaction)
//! and reads.

use super::codec::*;
use super::db::{sql, sql_owned, Exec};
use super::rows::{self, AUDIT_COLS};
use crate::app::ports::{AuditHead, StoreError, StoreResult, StoredAudit};
use crate::domain::audit::{head_mac, record_mac, AuditRecord};
use crate::domain::ids::CaseNumber;
use chrono::{DateTime, Utc};

/// Appends a record: reads the head (locked on PostgreSQL, where `begin` took it
/// already), chains the record's hash to it, signs record and head with `key`.
pub async fn append(on: &mut impl Exec, key: Option<&[u8]>, rec: &AuditRecord) -> StoreResult<()> {
    // Last line of defence: no full card number is kept in the audit trail (the hash
    // covers the record as stored).
    let redacted;
    let rec = match crate::nlu::redact::redact_outgoing(&rec.detail) {
        r if r.card_numbers > 0 => {
            tracing::warn!(
                removed = r.card_numbers,
                "card number(s) removed from an audit record before it was stored"
            );
            redacted = AuditRecord { detail: r.text.into_owned(), ..rec.clone() };
            &redacted
        }
        _ => rec,
    };
    // The head (migration 0004) gives the previous hash and the count; its row lock
    // serialises appenders on PostgreSQL.
    let q = on.locking("SELECT count, last_hash FROM audit_head WHERE id = 1");
    let Some(head) = on.optional(q).await? else {
        return Err(StoreError::Corrupt(
            "the audit head is missing (was it deleted?); `paydesk audit` shows the trail".into(),
        ));
    };
    let prev = hash_parse(&head.text("last_hash")?)?;
    let hash = rec.chain_hash(&prev);
    let mac = key.map(|k| hash_hex(&record_mac(k, &hash)));
    let count = head.int("count")? + 1;
    let head_mac = key.map(|k| hash_hex(&head_mac(k, count, &hash)));
    let q = sql("UPDATE audit_head SET count = $1, last_hash = $2, mac = $3 WHERE id = 1");
    on.execute(q.bind(count).bind(hash_hex(&hash)).bind(head_mac)).await?;
    let q = sql("INSERT INTO audit (at, actor, case_number, action, detail, rule, prev_hash, hash, mac) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(ts(rec.at))
        .bind(&rec.actor)
        .bind(rec.case.clone())
        .bind(&rec.action)
        .bind(&rec.detail)
        .bind(rec.rule.clone())
        .bind(hash_hex(&prev))
        .bind(hash_hex(&hash))
        .bind(mac);
    on.execute(q).await?;
    Ok(())
}

/// The trail, of one case or all, in order.
pub async fn trail(on: &mut impl Exec, case: Option<CaseNumber>) -> StoreResult<Vec<StoredAudit>> {
    let rows = match case {
        Some(c) => {
            on.rows(
                sql_owned(format!("SELECT {AUDIT_COLS} FROM audit WHERE case_number = $1 ORDER BY seq"))
                    .bind(c.to_string()),
            )
            .await?
        }
        None => on.rows(sql_owned(format!("SELECT {AUDIT_COLS} FROM audit ORDER BY seq"))).await?,
    };
    rows::all(&rows, rows::audit)
}

pub async fn actions_since(on: &mut impl Exec, since: DateTime<Utc>, action: &str) -> StoreResult<Vec<StoredAudit>> {
    let q = sql_owned(format!("SELECT {AUDIT_COLS} FROM audit WHERE at >= $1 AND action = $2 ORDER BY seq"));
    rows::all(&on.rows(q.bind(ts(since)).bind(action)).await?, rows::audit)
}

pub async fn head(on: &mut impl Exec) -> StoreResult<Option<AuditHead>> {
    let row = on.optional(sql("SELECT count, last_hash, mac FROM audit_head WHERE id = 1")).await?;
    row.map(|r| {
        Ok(AuditHead {
            count: r.int("count")?,
            last_hash: hash_parse(&r.text("last_hash")?)?,
            mac: r.get::<Option<String>>("mac")?.map(|m| hash_parse(&m)).transpose()?,
        })
    })
    .transpose()
}
