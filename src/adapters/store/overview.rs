//! Read-only views over several tables: the replay's final state and the status counts.

use super::codec::*;
use super::db::{sql, sql_owned, Exec};
use super::rows::{self, CASE_COLS, CREDIT_NOTE_COLS, REFUND_COLS};
use crate::app::ports::{Snapshot, StatusCounts, StoreResult, WalletBalance};
use crate::domain::ids::AccountId;

pub async fn snapshot(on: &mut impl Exec) -> StoreResult<Snapshot> {
    let cases = on.rows(sql_owned(format!("SELECT {CASE_COLS} FROM cases ORDER BY number"))).await?;
    let refunds = on.rows(sql_owned(format!("SELECT {REFUND_COLS} FROM refunds ORDER BY id"))).await?;
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
    let notes = on.rows(sql_owned(format!("SELECT {CREDIT_NOTE_COLS} FROM credit_notes ORDER BY id"))).await?;
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
    Ok(Snapshot {
        cases: rows::all(&cases, rows::case)?,
        refunds: rows::all(&refunds, rows::refund)?,
        wallets,
        credit_notes: rows::all(&notes, rows::credit_note)?,
    })
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
