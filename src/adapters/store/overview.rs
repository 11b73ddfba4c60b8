//! Read-only views over several tables: the replay's final state and the status counts.

use super::codec::*;
use super::db::{sql, sql_owned, Exec, Row};
use super::rows::{self, CASE_COLS, CREDIT_NOTE_COLS, REFUND_COLS};
use crate::app::ports::{Snapshot, StatusCounts, StoreResult, WalletBalance};
use crate::domain::ids::AccountId;

/// Rows read per query by [`paged`].
const PAGE: usize = 500;

/// Every row of `table` (its `cols`) in `key` order, mapped to a value as each page is
/// read: the raw rows of a large store (each value copied out of SQLite) are never all
/// held at once, only one page of them. `key` is an integer column unique in `table`.
async fn paged<T>(
    on: &mut impl Exec,
    table: &str,
    key: &str,
    cols: &str,
    map: fn(&Row) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let text = format!("SELECT {key} AS page_key, {cols} FROM {table} WHERE {key} > $1 ORDER BY {key} LIMIT {PAGE}");
    let mut out = Vec::new();
    let mut after = i64::MIN;
    loop {
        let rows = on.rows(sql_owned(text.clone()).bind(after)).await?;
        for r in &rows {
            out.push(map(r)?);
        }
        match rows.last() {
            Some(last) if rows.len() == PAGE => after = last.int("page_key")?,
            _ => return Ok(out),
        }
    }
}

pub async fn snapshot(on: &mut impl Exec) -> StoreResult<Snapshot> {
    let cases = paged(on, "cases", "number", CASE_COLS, rows::case).await?;
    let refunds = paged(on, "refunds", "id", REFUND_COLS, rows::refund).await?;
    // Each account's own currency (zero without entries), then every other currency it
    // has entries in.
    let wallets = on
        .rows(sql("SELECT a.id AS account_id, a.currency AS currency, CAST(COALESCE(SUM(w.amount), 0) AS BIGINT) AS balance \
             FROM accounts a LEFT JOIN wallet_entries w ON w.account_id = a.id AND w.currency = a.currency \
             GROUP BY a.id, a.currency \
             UNION ALL \
             SELECT w.account_id, w.currency, CAST(SUM(w.amount) AS BIGINT) FROM wallet_entries w JOIN accounts a ON a.id = w.account_id \
             WHERE w.currency <> a.currency GROUP BY w.account_id, w.currency \
             ORDER BY 1, 2"))
        .await?;
    let credit_notes = paged(on, "credit_notes", "id", CREDIT_NOTE_COLS, rows::credit_note).await?;
    let wallets = wallets
        .iter()
        .map(|r| {
            Ok(WalletBalance {
                account: AccountId::new(r.text("account_id")?),
                currency: currency(&r.text("currency")?)?,
                balance: decimal(r.int("balance")?),
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Snapshot { cases, refunds, wallets, credit_notes })
}

/// How many cases and refunds are in each status.
pub async fn status_counts(on: &mut impl Exec) -> StoreResult<StatusCounts> {
    let mut counts = StatusCounts::default();
    for r in on.rows(sql("SELECT status, COUNT(*) AS n FROM cases GROUP BY status ORDER BY status")).await? {
        counts.cases.push((r.text("status")?, r.int("n")?));
    }
    for r in on.rows(sql("SELECT status, COUNT(*) AS n FROM refunds GROUP BY status ORDER BY status")).await? {
        counts.refunds.push((r.text("status")?, r.int("n")?));
    }
    Ok(counts)
}
