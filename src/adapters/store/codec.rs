//! Column codecs shared by both backends: money as scaled integers, times as
//! microseconds, enums as their names, id lists as JSON arrays.

use crate::app::ports::{StoreError, StoreResult};
use crate::domain::ids::UserId;
use crate::domain::money::{from_scaled, to_scaled, Currency};
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
