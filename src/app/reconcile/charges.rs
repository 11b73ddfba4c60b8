//! Charge import (`paydesk import charges FILE`): each row checked, paid charges kept,
//! others skipped and counted, bad rows reported by line.

use super::rows::{amount, get, holds_card_number, time};
use super::{export_rows, iso_exponent, Exponent, LineProblem, Row, RowError};
use crate::domain::billing::{Charge, ChargeKind, PaymentMethod};
use crate::domain::ids::{AccountId, ChargeId};
use crate::domain::money::Currency;
use rust_decimal::Decimal;
use std::collections::HashSet;

/// A well-formed charge row: paid (to import) or in another status (to skip and count).
enum ChargeRow {
    Paid(Charge),
    Unpaid(String),
}

fn charge_row(row: &Row, default_provider: &str, exp: Exponent) -> Result<ChargeRow, RowError> {
    if let Some((k, _)) = row.iter().find(|(_, v)| holds_card_number(v)) {
        return Err(format!("`{k}` holds a full card number: the row is refused and not kept").into());
    }
    let id = get(row, &["id", "charge", "charge_id", "payment_id"]).ok_or("no `id`")?;
    let cur_raw = get(row, &["currency"]).ok_or("no `currency`")?;
    let currency = Currency::from_code(cur_raw).ok_or_else(|| format!("unknown currency `{cur_raw}`"))?;
    let provider = get(row, &["provider"]).unwrap_or(default_provider).to_string();
    let digits = exp(&provider, currency);
    let amt = amount(get(row, &["amount", "amount_minor"]).ok_or("no `amount`")?, currency, "amount", digits)?;
    if amt <= Decimal::ZERO {
        return Err("amount must be positive".into());
    }
    let fee = match get(row, &["fee"]) {
        Some(f) => amount(f, currency, "fee", digits)?,
        None => Decimal::ZERO,
    };
    if fee < Decimal::ZERO || fee > amt {
        return Err("fee must be between 0 and the amount".into());
    }
    let at = time(get(row, &["created_utc", "created", "created_at", "at", "date"]).ok_or("no `created` time")?)?;
    let account = get(row, &["customer", "customer_id", "account", "account_id"]).ok_or("no `customer`/`account`")?;
    if let Some(st) = get(row, &["status"]) {
        if !matches!(st.to_ascii_lowercase().as_str(), "paid" | "succeeded" | "captured" | "completed" | "settled") {
            return Ok(ChargeRow::Unpaid(st.to_string()));
        }
    }
    let card_last4 = match get(row, &["card_last4", "last4", "card_last_4"]) {
        Some(l) if l.len() == 4 && l.bytes().all(|b| b.is_ascii_digit()) => Some(l.to_string()),
        Some(l) => return Err(format!("card_last4 `{l}` is not four digits").into()),
        None => None,
    };
    let kind = match get(row, &["kind"]) {
        Some(k) => ChargeKind::parse(k).ok_or_else(|| format!("kind `{k}` is not product, credits or subscription"))?,
        None => ChargeKind::parse("product").ok_or("product kind")?,
    };
    let method = match get(row, &["method", "payment_method"]) {
        Some(m) => {
            PaymentMethod::parse(m).ok_or_else(|| format!("method `{m}` is not card, wallet, paypal or bank"))?
        }
        None => {
            PaymentMethod::parse(if default_provider == "paypal" { "paypal" } else { "card" }).ok_or("card method")?
        }
    };
    let flag = |names: &[&str]| {
        get(row, names).is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes"))
    };
    Ok(ChargeRow::Paid(Charge {
        id: ChargeId::new(id.to_string()),
        account: AccountId::new(account.to_string()),
        amount: amt,
        currency,
        at,
        method,
        card_last4,
        kind,
        description: get(row, &["description"]).unwrap_or("").to_string(),
        fee,
        wallet_selected: flag(&["wallet_selected"]),
        disputed: flag(&["disputed"]),
        provider,
    }))
}

/// A charge export read: the paid charges, the well-formed rows in another status
/// (skipped, by line, with their status), and the malformed rows by line.
#[derive(Debug, Default)]
pub struct ParsedCharges {
    pub charges: Vec<Charge>,
    pub unpaid: Vec<LineProblem>,
    pub bad: Vec<LineProblem>,
}

/// Charges from a provider export (integer amounts in ISO 4217 minor units): the paid
/// rows, the unpaid ones, and the bad ones by line.
pub fn parse_charges(text: &str, default_provider: &str) -> ParsedCharges {
    parse_charges_in(text, default_provider, &iso_exponent)
}

/// `parse_charges` with integer amounts read in each provider's own units.
pub fn parse_charges_in(text: &str, default_provider: &str, exp: Exponent) -> ParsedCharges {
    let mut out = ParsedCharges::default();
    let mut seen = HashSet::new();
    match export_rows(text, default_provider, false) {
        Err(p) => out.bad.push(p),
        Ok(rows) => {
            for (line, row) in rows {
                match row.and_then(|r| charge_row(&r, default_provider, exp)) {
                    Ok(ChargeRow::Paid(c)) if !seen.insert(c.id.to_string()) => {
                        out.bad.push(LineProblem { line, message: format!("charge {} appears twice", c.id) })
                    }
                    Ok(ChargeRow::Paid(c)) => out.charges.push(c),
                    Ok(ChargeRow::Unpaid(status)) => out
                        .unpaid
                        .push(LineProblem { line, message: format!("status `{status}`: not a paid charge, skipped") }),
                    Err(why) => out.bad.push(LineProblem { line, message: why.to_string() }),
                }
            }
        }
    }
    out
}
