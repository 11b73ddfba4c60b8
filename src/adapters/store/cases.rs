//! Cases: numbering, writes, and the lists of open ones.

use super::codec::*;
use super::db::{sql, sql_owned, Exec};
use super::ledger::counter;
use super::rows::{self, CASE_COLS};
use crate::app::ports::{StoreError, StoreResult};
use crate::domain::ids::{AccountId, CaseNumber, UserId};
use crate::domain::tickets::{Case, CaseStatus};
use chrono::{DateTime, Utc};
use std::sync::LazyLock;

/// The case statuses that count as open, as an SQL list (`('open', …)`): built once from
/// the domain's `CaseStatus::is_open`, the one place that says which statuses are open.
pub static OPEN_CASES: LazyLock<String> =
    LazyLock::new(|| word_list(CaseStatus::ALL.iter().filter(|s| s.is_open()).map(|s| s.as_str())));

pub async fn next_case_number(on: &mut impl Exec) -> StoreResult<CaseNumber> {
    let n = counter(on, "case").await?;
    u32::try_from(n)
        .ok()
        .and_then(CaseNumber::new)
        .ok_or_else(|| StoreError::Corrupt("case numbers are used up (RF-999999)".into()))
}

pub async fn insert_case(on: &mut impl Exec, c: &Case) -> StoreResult<()> {
    let q = sql_owned(format!("INSERT INTO cases ({CASE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"))
        .bind(i64::from(c.number.get()))
        .bind(c.customer.as_str())
        .bind(c.account.as_ref().map(AccountId::as_str))
        .bind(c.charge.as_ref().map(|a| a.as_str()))
        .bind(c.intent.as_str())
        .bind(c.status.as_str())
        .bind(&c.channel)
        .bind(ts(c.opened_at))
        .bind(ts(c.updated_at));
    on.execute(q).await?;
    Ok(())
}

pub async fn update_case(on: &mut impl Exec, c: &Case) -> StoreResult<()> {
    let q = sql(
        "UPDATE cases SET customer = $2, account_id = $3, charge_id = $4, intent = $5, status = $6, channel = $7, updated_at = $8 WHERE number = $1",
    )
    .bind(i64::from(c.number.get()))
    .bind(c.customer.as_str())
    .bind(c.account.as_ref().map(AccountId::as_str))
    .bind(c.charge.as_ref().map(|a| a.as_str()))
    .bind(c.intent.as_str())
    .bind(c.status.as_str())
    .bind(&c.channel)
    .bind(ts(c.updated_at));
    on.execute(q).await?;
    Ok(())
}

pub async fn case(on: &mut impl Exec, number: CaseNumber) -> StoreResult<Option<Case>> {
    let q = on.locking(&format!("SELECT {CASE_COLS} FROM cases WHERE number = $1"));
    on.optional(q.bind(i64::from(number.get()))).await?.as_ref().map(rows::case).transpose()
}

/// Cases matching `filter` (on `$1` = `key`), newest first.
async fn cases_where(on: &mut impl Exec, filter: &str, key: &str) -> StoreResult<Vec<Case>> {
    let q = sql_owned(format!("SELECT {CASE_COLS} FROM cases WHERE {filter} ORDER BY number DESC"));
    rows::all(&on.rows(q.bind(key)).await?, rows::case)
}

pub async fn open_cases_of(on: &mut impl Exec, customer: &UserId) -> StoreResult<Vec<Case>> {
    cases_where(on, &format!("customer = $1 AND status IN {}", *OPEN_CASES), customer.as_str()).await
}

pub async fn open_cases_of_account(on: &mut impl Exec, account: &AccountId) -> StoreResult<Vec<Case>> {
    cases_where(on, &format!("account_id = $1 AND status IN {}", *OPEN_CASES), account.as_str()).await
}

pub async fn cases_of(on: &mut impl Exec, customer: &UserId) -> StoreResult<Vec<Case>> {
    cases_where(on, "customer = $1", customer.as_str()).await
}

/// Open cases of everyone, least recently updated first (the queue).
pub async fn open_cases(on: &mut impl Exec, limit: u32) -> StoreResult<Vec<Case>> {
    let q = sql_owned(format!(
        "SELECT {CASE_COLS} FROM cases WHERE status IN {} ORDER BY updated_at, number LIMIT $1",
        *OPEN_CASES
    ));
    rows::all(&on.rows(q.bind(i64::from(limit))).await?, rows::case)
}

pub async fn cases_opened_since(on: &mut impl Exec, since: DateTime<Utc>) -> StoreResult<Vec<Case>> {
    let q = sql_owned(format!("SELECT {CASE_COLS} FROM cases WHERE opened_at >= $1 ORDER BY opened_at, number"));
    rows::all(&on.rows(q.bind(ts(since))).await?, rows::case)
}

pub async fn open_cases_oldest_first(on: &mut impl Exec) -> StoreResult<Vec<Case>> {
    let q =
        sql_owned(format!("SELECT {CASE_COLS} FROM cases WHERE status IN {} ORDER BY opened_at, number", *OPEN_CASES));
    rows::all(&on.rows(q).await?, rows::case)
}

#[cfg(test)]
mod tests {
    use super::OPEN_CASES;

    #[test]
    fn the_open_case_list_is_the_domains() {
        assert_eq!(*OPEN_CASES, "('open', 'awaiting_info', 'awaiting_approval', 'escalated')");
    }
}
