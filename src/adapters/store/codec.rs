//! Column codecs shared by both backends: money as scaled integers, times as
//! microseconds, enums as their names, id lists as JSON arrays.

use crate::app::ports::{StoreError, StoreResult};
use crate::domain::ids::{CaseNumber, UserId};
use crate::domain::money::{from_scaled, to_scaled, Currency};
use crate::domain::roles::{Role, Roles};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

pub fn money(d: Decimal) -> StoreResult<i64> {
    to_scaled(d).map_err(|e| StoreError::Refused(format!("the store cannot keep the amount {d}: {e}")))
}

pub fn decimal(v: i64) -> Decimal {
    from_scaled(v)
}

pub fn ts(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

pub fn time(v: i64) -> StoreResult<DateTime<Utc>> {
    DateTime::from_timestamp_micros(v).ok_or_else(|| StoreError::Corrupt(format!("bad timestamp {v}")))
}

pub fn opt_time(v: Option<i64>) -> StoreResult<Option<DateTime<Utc>>> {
    v.map(time).transpose()
}

pub fn currency(s: &str) -> StoreResult<Currency> {
    Currency::from_code(s).ok_or_else(|| StoreError::Corrupt(format!("unknown currency {s}")))
}

pub fn parsed<T>(what: &str, s: &str, f: impl Fn(&str) -> Option<T>) -> StoreResult<T> {
    f(s).ok_or_else(|| StoreError::Corrupt(format!("bad {what} `{s}`")))
}

pub fn users_json(u: &[UserId]) -> String {
    serde_json::to_string(&u.iter().map(|u| u.as_str()).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into())
}

pub fn users_from_json(s: &str) -> StoreResult<Vec<UserId>> {
    let v: Vec<String> = serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("bad user list: {e}")))?;
    Ok(v.into_iter().map(UserId::new).collect())
}

pub fn flag(b: bool) -> i64 {
    i64::from(b)
}

pub fn roles_text(r: Roles) -> String {
    r.to_string()
}

pub fn roles_parse(s: &str) -> Roles {
    s.split(',').filter_map(|p| Role::parse(p.trim())).collect()
}

pub fn hash_hex(h: &[u8; 32]) -> String {
    hex::encode(h)
}

pub fn hash_parse(s: &str) -> StoreResult<[u8; 32]> {
    let v = hex::decode(s).map_err(|e| StoreError::Corrupt(format!("bad audit hash: {e}")))?;
    v.try_into().map_err(|_| StoreError::Corrupt("audit hash is not 32 bytes".into()))
}

/// A case number as stored (an integer), checked.
pub fn case_number(n: i64) -> StoreResult<CaseNumber> {
    u32::try_from(n).ok().and_then(CaseNumber::new).ok_or_else(|| StoreError::Corrupt(format!("bad case number {n}")))
}

/// A list of fixed words (statuses of ours, never user text) as an SQL list: `('a', 'b')`.
pub fn word_list<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = words.into_iter().map(|w| format!("'{w}'")).collect();
    format!("({})", quoted.join(", "))
}
