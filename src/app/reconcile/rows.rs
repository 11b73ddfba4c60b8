//! The generic reader of an export (CSV with a header row, or a JSON array of objects) and
//! the parsers of its fields.

use super::{LineProblem, Row, RowError, Rows};
use crate::domain::money::{parse_amount, Currency, MAX_AMOUNT};
use chrono::{DateTime, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use serde_json::Value;

pub(super) fn norm(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .split('_')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// Splits CSV text into records (RFC 4180 quoting; quoted fields may hold newlines),
/// each with the line it starts on.
pub(super) fn csv_records(text: &str) -> Result<Vec<(usize, Vec<String>)>, LineProblem> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut rec = Vec::new();
    let (mut line, mut start, mut quoted, mut any) = (1usize, 1usize, false, false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' => {
                quoted = true;
                any = true;
            }
            ',' => {
                rec.push(std::mem::take(&mut field));
                any = true;
            }
            '\r' => {}
            '\n' => {
                if any || !field.is_empty() {
                    rec.push(std::mem::take(&mut field));
                    out.push((start, std::mem::take(&mut rec)));
                }
                any = false;
                line += 1;
                start = line;
            }
            _ => {
                field.push(c);
                any = true;
            }
        }
    }
    if quoted {
        return Err(LineProblem { line: start, message: "a quoted field is not closed".into() });
    }
    if any || !field.is_empty() {
        rec.push(field);
        out.push((start, rec));
    }
    Ok(out)
}

/// Rows of a CSV (header first) or a JSON array, keyed by normalised column names.
pub(super) fn rows(text: &str) -> Result<Rows, LineProblem> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('[') {
        let v: Value = serde_json::from_str(trimmed)
            .map_err(|e| LineProblem { line: e.line(), message: format!("not valid JSON: {e}") })?;
        let items = v.as_array().cloned().unwrap_or_default();
        return Ok(items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                let row = match item {
                    Value::Object(m) => m
                        .into_iter()
                        .map(|(k, v)| {
                            let v = match v {
                                Value::String(s) => Ok(s),
                                Value::Number(n) if n.is_i64() || n.is_u64() => Ok(format!("#minor:{n}")),
                                Value::Number(n) => {
                                    Err(format!("`{k}`: {n} is a floating-point number; write amounts as strings")
                                        .into())
                                }
                                Value::Bool(b) => Ok(b.to_string()),
                                Value::Null => Ok(String::new()),
                                other => Ok(other.to_string()),
                            };
                            v.map(|v| (norm(&k), v))
                        })
                        .collect::<Result<Row, RowError>>(),
                    _ => Err("not an object".into()),
                };
                (i + 1, row)
            })
            .collect());
    }
    let recs = csv_records(text)?;
    let Some(((_, header), body)) = recs.split_first() else { return Ok(vec![]) };
    let header: Vec<String> = header.iter().map(|h| norm(h)).collect();
    Ok(body
        .iter()
        .map(|(line, rec)| {
            if rec.len() != header.len() {
                return (*line, Err(format!("{} fields, the header has {}", rec.len(), header.len()).into()));
            }
            (*line, Ok(header.iter().cloned().zip(rec.iter().map(|f| f.trim().to_string())).collect()))
        })
        .collect())
}

pub(super) fn get<'a>(row: &'a Row, names: &[&str]) -> Option<&'a str> {
    names.iter().find_map(|n| row.get(*n)).map(String::as_str).filter(|s| !s.is_empty())
}

/// How many decimals a provider's integer amounts have in a currency (its currency
/// table: Stripe's ISK is two-decimal, Adyen's CLP too). Given by the caller, which knows
/// the providers; `iso_exponent` is ISO 4217's.
pub type Exponent<'a> = &'a dyn Fn(&str, Currency) -> u32;

/// ISO 4217's minor units, whatever the provider.
pub fn iso_exponent(_provider: &str, currency: Currency) -> u32 {
    currency.minor_digits()
}

pub(super) fn amount(raw: &str, currency: Currency, what: &str, digits: u32) -> Result<Decimal, RowError> {
    if let Some(minor) = raw.strip_prefix("#minor:") {
        let n: i64 = minor.parse().map_err(|source| RowError::MinorUnits {
            what: what.to_string(),
            text: minor.to_string(),
            source,
        })?;
        let a = Decimal::new(n, digits);
        // The same maximum as a decimal amount (`parse_amount`), in either sign.
        if a.abs() > Decimal::from(MAX_AMOUNT) {
            return Err(format!(
                "{what}: {minor} minor units of {currency} is too large (the most the bot accepts is {MAX_AMOUNT})"
            )
            .into());
        }
        if !currency.is_whole_minor(a) {
            return Err(
                format!("{what}: {n} in the provider's units is {a} {currency}, finer than {currency} allows").into()
            );
        }
        return Ok(a);
    }
    let a = parse_amount(raw).map_err(|reason| RowError::Amount { what: what.to_string(), reason })?;
    if !currency.is_whole_minor(a) {
        return Err(format!("{what}: {raw} has more decimals than {currency} allows").into());
    }
    Ok(a)
}

pub(super) fn time(raw: &str) -> Result<DateTime<Utc>, RowError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(t.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(raw, f) {
            return Ok(t.and_utc());
        }
    }
    if let Ok(secs) = raw.trim_start_matches("#minor:").parse::<i64>() {
        return DateTime::from_timestamp(secs, 0).ok_or_else(|| format!("`{raw}` is not a time").into());
    }
    Err(format!("`{raw}` is not a time (use RFC 3339, `YYYY-MM-DD HH:MM:SS` in UTC, or Unix seconds)").into())
}

/// Whether a field holds something that looks like a full card number.
pub(super) fn holds_card_number(v: &str) -> bool {
    crate::nlu::redact::contains_card_number(v)
}

/// A JSON field as text: a string as it is, a number as written, anything else empty.
pub(super) fn str_of(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}
