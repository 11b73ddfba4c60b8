//! Charge import and refund reconciliation against a provider's export — pure parsing
//! and comparison, no I/O (the CLI reads the file and opens the cases through the
//! engine). Every row is validated; bad rows are reported by line and the good ones kept.
//!
//! Charges (`paydesk import charges FILE`): CSV with a header row, or a JSON array of
//! objects, with these columns/keys (case and spacing ignored; Stripe's export names in
//! brackets): `id` (the provider's payment reference: `ch_…`, `pi_…`, a PayPal capture
//! id, an Adyen pspReference, …), `amount` (decimal, e.g. `49.00`; in JSON also an integer
//! number of minor units), `currency`, `created` [`Created (UTC)`, `created_at`, `at`],
//! `customer` [`Customer ID`, `account`] (our account id), and optionally `description`,
//! `card_last4` [`Card Last4`], `fee`, `kind` (product/credits/subscription), `method`,
//! `provider` (default: `--provider`), `status` (rows not `paid`/`succeeded`/`captured`/
//! `completed`/`settled` — failed, pending, refunded… — are skipped and counted, not
//! refused), `disputed`.
//!
//! Refunds (`paydesk reconcile --provider NAME FILE`): CSV or JSON with `id` (the
//! provider's refund reference), `amount`, `currency`, and optionally `charge`
//! [`source_id`, `payment_id`], `status` (only paid ones count: `succeeded`, `completed`,
//! `refunded`, `settled`; default paid), `idempotency_key` [`metadata[idempotency_key]`].

mod amazon_pay;

use crate::domain::approvals::{Refund, RefundStatus};
use crate::domain::billing::{Charge, ChargeKind, PaymentMethod};
use crate::domain::ids::{AccountId, ChargeId};
use crate::domain::money::{parse_amount, AmountError, Currency, MAX_AMOUNT};
use chrono::{DateTime, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

/// A row that could not be taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for LineProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

mod exports;

type Row = BTreeMap<String, String>;
/// Rows by line: the row, or why it cannot be read.
type Rows = Vec<(usize, Result<Row, RowError>)>;

/// Why a row of an export is not taken; its text is the report's line (`line N: …`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowError {
    /// An amount that does not read as one (the reason is the money parser's own words).
    #[error("{what}: {reason}")]
    Amount { what: String, reason: AmountError },
    /// An amount in minor units that is not an integer.
    #[error("{what}: `{text}` is not an integer")]
    MinorUnits {
        what: String,
        text: String,
        #[source]
        source: std::num::ParseIntError,
    },
    /// Anything else about the row, in words (a missing column, a value out of range, a
    /// card number, a format that names no customer).
    #[error("{0}")]
    Refused(String),
}

impl From<String> for RowError {
    fn from(reason: String) -> Self {
        RowError::Refused(reason)
    }
}

impl From<&str> for RowError {
    fn from(reason: &str) -> Self {
        RowError::Refused(reason.to_string())
    }
}

fn norm(h: &str) -> String {
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
fn csv_records(text: &str) -> Result<Vec<(usize, Vec<String>)>, LineProblem> {
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
fn rows(text: &str) -> Result<Rows, LineProblem> {
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

fn get<'a>(row: &'a Row, names: &[&str]) -> Option<&'a str> {
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

fn amount(raw: &str, currency: Currency, what: &str, digits: u32) -> Result<Decimal, RowError> {
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

fn time(raw: &str) -> Result<DateTime<Utc>, RowError> {
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
fn holds_card_number(v: &str) -> bool {
    crate::nlu::redact::contains_card_number(v)
}

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

/// WooCommerce's own export: the orders as `GET /wp-json/wc/v3/orders` lists them (a JSON
/// array of order objects: `id` and `customer_id` integers, `total` a decimal string,
/// `currency`, `status`, `date_paid_gmt`/`date_created_gmt` without a zone (GMT),
/// `refunds: [{id, reason, total}]` with negative totals —
/// developer.woocommerce.com/docs/apis/rest-api/v3/orders/), rewritten as the generic
/// rows. `None`: not that format (the generic reader takes it).
fn woocommerce_orders(text: &str) -> Option<Vec<Value>> {
    let v: Value = serde_json::from_str(text.trim_start_matches('\u{feff}').trim_start()).ok()?;
    let orders = v.as_array()?;
    let is_order = |o: &Value| {
        o.get("id").is_some_and(Value::is_u64)
            && o.get("total").is_some_and(Value::is_string)
            && o.get("order_key").is_some()
    };
    if orders.is_empty() || !orders.iter().all(is_order) {
        return None;
    }
    Some(orders.clone())
}

fn str_of(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// A WooCommerce time (`2017-03-22T16:28:08`, GMT) in RFC 3339.
fn gmt(raw: &str) -> String {
    if raw.is_empty() || raw.ends_with('Z') || raw.contains('+') {
        raw.to_string()
    } else {
        format!("{raw}Z")
    }
}

/// Charges from WooCommerce orders: a paid order ("processing", "completed", or since
/// refunded) is a charge under its order number, an unpaid one is skipped; a guest order
/// (`customer_id` 0) has no account to keep it under and is refused with that reason.
fn woocommerce_charge_rows(orders: &[Value]) -> Rows {
    orders
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let status = str_of(o, "status");
            let customer = str_of(o, "customer_id");
            // Paid orders are "processing", "completed" or since "refunded"; the others
            // ("pending", "on-hold", "failed", "cancelled", …) keep their status and are
            // skipped and counted like any unpaid row.
            let paid = matches!(status.as_str(), "processing" | "completed" | "refunded");
            let row = if customer.is_empty() || customer == "0" {
                Err(format!(
                    "order {} is a guest order (customer_id 0): no customer account to import it under",
                    str_of(o, "id")
                )
                .into())
            } else {
                let created = [str_of(o, "date_paid_gmt"), str_of(o, "date_created_gmt")]
                    .into_iter()
                    .find(|s| !s.is_empty())
                    .unwrap_or_default();
                Ok([
                    ("id", str_of(o, "id")),
                    ("amount", str_of(o, "total")),
                    ("currency", str_of(o, "currency")),
                    ("created", gmt(&created)),
                    ("customer", format!("wc-{customer}")),
                    ("description", format!("WooCommerce order #{}", str_of(o, "number"))),
                    ("provider", "woocommerce".to_string()),
                    ("status", if paid { "paid".to_string() } else { status.clone() }),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect())
            };
            (i + 1, row)
        })
        .collect()
}

/// Refunds from WooCommerce orders: every entry of each order's `refunds` (its `total` is
/// negative), in the order's currency, with the order as the charge.
fn woocommerce_refund_rows(orders: &[Value]) -> Rows {
    let mut out = Vec::new();
    for (i, o) in orders.iter().enumerate() {
        for r in o.get("refunds").and_then(Value::as_array).into_iter().flatten() {
            let row: Row = [
                ("id", str_of(r, "id")),
                ("charge", str_of(o, "id")),
                ("amount", str_of(r, "total").trim_start_matches('-').to_string()),
                ("currency", str_of(o, "currency")),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            out.push((i + 1, Ok(row)));
        }
    }
    out
}

/// Klarna's own export: the Settlements API's transactions (`{"transactions": [...]}` or
/// the bare array; `amount` in minor units, `type` SALE/RETURN/FEE/…, `currency_code`,
/// `order_id`, `refund_id`, `merchant_refund_reference`). Refunds are the `RETURN` rows
/// (their amounts are negative), our key being the refund's reference. Settlements name
/// no customer, so charges cannot be imported from them (each SALE row is refused so).
fn klarna_transactions(text: &str) -> Option<Vec<Value>> {
    let v: Value = serde_json::from_str(text.trim_start_matches('\u{feff}').trim_start()).ok()?;
    let list = match &v {
        Value::Object(m) => m.get("transactions")?.as_array()?.clone(),
        Value::Array(a) => a.clone(),
        _ => return None,
    };
    let is_tx = |x: &Value| {
        x.get("type").is_some_and(Value::is_string) && x.get("currency_code").is_some() && x.get("order_id").is_some()
    };
    (!list.is_empty() && list.iter().all(is_tx)).then_some(list)
}

fn klarna_rows(txs: &[Value], refunds: bool) -> Rows {
    let mut out = Vec::new();
    for (i, x) in txs.iter().enumerate() {
        let typ = str_of(x, "type");
        if refunds && typ == "RETURN" {
            let row: Row = [
                ("id", str_of(x, "refund_id")),
                ("charge", str_of(x, "order_id")),
                ("amount", format!("#minor:{}", str_of(x, "amount"))),
                ("currency", str_of(x, "currency_code")),
                ("idempotency_key", str_of(x, "merchant_refund_reference")),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            out.push((i + 1, Ok(row)));
        } else if !refunds && typ == "SALE" {
            out.push((
                i + 1,
                Err(format!(
                    "Klarna settlements name no customer: order {} cannot be imported from them",
                    str_of(x, "order_id")
                )
                .into()),
            ));
        }
    }
    out
}

/// The rows of a provider's export: its own format where it has one, else the generic.
fn export_rows(text: &str, provider: &str, refunds: bool) -> Result<Rows, LineProblem> {
    if provider == "amazon_pay" {
        if let Some(r) = amazon_pay::settlement_rows(text, refunds) {
            return r;
        }
    }
    if provider == "klarna" {
        if let Some(txs) = klarna_transactions(text) {
            return Ok(klarna_rows(&txs, refunds));
        }
    }
    if provider == "woocommerce" {
        if let Some(orders) = woocommerce_orders(text) {
            return Ok(if refunds { woocommerce_refund_rows(&orders) } else { woocommerce_charge_rows(&orders) });
        }
    }
    if provider == "chargebee" {
        if let Some(rows) = exports::chargebee_transactions(text, refunds) {
            return Ok(rows);
        }
    }
    if provider == "shopify" {
        if let Some(rows) = exports::shopify_orders(text, refunds) {
            return Ok(rows);
        }
    }
    rows(text)
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

/// One refund the provider's export says it paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidRefund {
    pub line: usize,
    pub provider_ref: String,
    pub charge: Option<String>,
    pub amount: Decimal,
    pub currency: Currency,
    pub idempotency_key: Option<String>,
}

/// Paid refunds from a provider export (rows in other statuses are skipped silently).
pub fn parse_refunds(text: &str) -> (Vec<PaidRefund>, Vec<LineProblem>) {
    parse_refunds_in(text, "", &iso_exponent)
}

/// `parse_refunds` with integer amounts read in `provider`'s own units.
pub fn parse_refunds_in(text: &str, provider: &str, exp: Exponent) -> (Vec<PaidRefund>, Vec<LineProblem>) {
    let mut good = Vec::new();
    let mut bad = Vec::new();
    let one = |line: usize, row: &Row| -> Result<Option<PaidRefund>, RowError> {
        let id = get(row, &["id", "refund_id", "psp_reference", "pspreference"]).ok_or("no `id`")?;
        if let Some(st) = get(row, &["status"]) {
            if !matches!(st.to_ascii_lowercase().as_str(), "succeeded" | "completed" | "refunded" | "settled" | "paid")
            {
                return Ok(None);
            }
        }
        let cur_raw = get(row, &["currency"]).ok_or("no `currency`")?;
        let currency = Currency::from_code(cur_raw).ok_or_else(|| format!("unknown currency `{cur_raw}`"))?;
        let amt = amount(get(row, &["amount"]).ok_or("no `amount`")?, currency, "amount", exp(provider, currency))?;
        Ok(Some(PaidRefund {
            line,
            provider_ref: id.to_string(),
            charge: get(row, &["charge", "charge_id", "source_id", "payment_id", "payment"]).map(str::to_string),
            amount: amt.abs(),
            currency,
            idempotency_key: get(row, &["idempotency_key", "metadata_idempotency_key", "reference", "custom_id"])
                .map(str::to_string),
        }))
    };
    match export_rows(text, provider, true) {
        Err(p) => bad.push(p),
        Ok(rows) => {
            for (line, row) in rows {
                match row.and_then(|r| one(line, &r)) {
                    Ok(Some(r)) => good.push(r),
                    Ok(None) => {}
                    Err(why) => bad.push(LineProblem { line, message: why.to_string() }),
                }
            }
        }
    }
    (good, bad)
}

/// A difference between the provider's books and ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    /// The provider paid a refund we have no record of.
    PaidNotRecorded(PaidRefund),
    /// We recorded a refund as paid; the export does not have it.
    RecordedNotPaid(Refund),
    AmountDiffers {
        ours: Refund,
        theirs: PaidRefund,
    },
    CurrencyDiffers {
        ours: Refund,
        theirs: PaidRefund,
    },
}

impl Mismatch {
    /// A stable identity: reconciling the same export again reports nothing new.
    pub fn fingerprint(&self) -> String {
        match self {
            Mismatch::PaidNotRecorded(p) => {
                format!("paid-not-recorded:{}:{}:{}", p.provider_ref, p.amount.normalize(), p.currency)
            }
            Mismatch::RecordedNotPaid(r) => format!("recorded-not-paid:{}", r.id.0),
            Mismatch::AmountDiffers { ours, theirs } => {
                format!("amount:{}:{}:{}", ours.id.0, theirs.provider_ref, theirs.amount.normalize())
            }
            Mismatch::CurrencyDiffers { ours, theirs } => {
                format!("currency:{}:{}:{}", ours.id.0, theirs.provider_ref, theirs.currency)
            }
        }
    }

    /// The charge it concerns, where known.
    pub fn charge(&self) -> Option<ChargeId> {
        match self {
            Mismatch::PaidNotRecorded(p) => p.charge.clone().map(ChargeId::new),
            Mismatch::RecordedNotPaid(r)
            | Mismatch::AmountDiffers { ours: r, .. }
            | Mismatch::CurrencyDiffers { ours: r, .. } => Some(r.charge.clone()),
        }
    }

    pub fn describe(&self) -> String {
        let m = |a: Decimal, c: Currency| format!("{} {c}", c.format(a));
        match self {
            Mismatch::PaidNotRecorded(p) => format!(
                "refund {} of {} paid by the provider{} is not recorded here (export line {})",
                p.provider_ref,
                m(p.amount, p.currency),
                p.charge.as_ref().map(|c| format!(" on charge {c}")).unwrap_or_default(),
                p.line
            ),
            Mismatch::RecordedNotPaid(r) => format!(
                "refund of {} on charge {} ({}, ref {}) is recorded as paid but is not in the provider's export",
                m(r.amount, r.currency),
                r.charge,
                r.case,
                r.provider_ref.as_deref().unwrap_or("none")
            ),
            Mismatch::AmountDiffers { ours, theirs } => format!(
                "refund {} on charge {} ({}): recorded {}, the provider paid {} (export line {})",
                theirs.provider_ref,
                ours.charge,
                ours.case,
                m(ours.amount, ours.currency),
                m(theirs.amount, theirs.currency),
                theirs.line
            ),
            Mismatch::CurrencyDiffers { ours, theirs } => format!(
                "refund {} on charge {} ({}): recorded in {}, the provider paid in {} (export line {})",
                theirs.provider_ref, ours.charge, ours.case, ours.currency, theirs.currency, theirs.line
            ),
        }
    }
}

/// Compares the provider's paid refunds with our refunds through that provider.
/// Ours count as paid when `succeeded`; a row matches ours by provider reference, else
/// by our idempotency key.
pub fn compare(provider: &str, theirs: &[PaidRefund], ours: &[Refund]) -> Vec<Mismatch> {
    let ours: Vec<&Refund> = ours.iter().filter(|r| r.provider == provider).collect();
    let mut matched = HashSet::new();
    let mut out = Vec::new();
    for t in theirs {
        let found = ours
            .iter()
            .find(|r| r.provider_ref.as_deref() == Some(t.provider_ref.as_str()))
            .or_else(|| t.idempotency_key.as_ref().and_then(|k| ours.iter().find(|r| &r.idempotency_key == k)));
        match found {
            Some(r) if r.status == RefundStatus::Succeeded => {
                matched.insert(r.id);
                if r.currency != t.currency {
                    out.push(Mismatch::CurrencyDiffers { ours: (*r).clone(), theirs: t.clone() });
                } else if r.amount != t.amount {
                    out.push(Mismatch::AmountDiffers { ours: (*r).clone(), theirs: t.clone() });
                }
            }
            // Ours but not recorded as paid (failed, still executing…): paid, not recorded.
            _ => out.push(Mismatch::PaidNotRecorded(t.clone())),
        }
    }
    for r in ours {
        if r.status == RefundStatus::Succeeded && !matched.contains(&r.id) {
            out.push(Mismatch::RecordedNotPaid(r.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn a_bad_amount_keeps_what_was_wrong_with_it() {
        let minor = amount("#minor:12x", Currency::USD, "amount", 2).unwrap_err();
        assert_eq!(minor.to_string(), "amount: `12x` is not an integer");
        assert!(std::error::Error::source(&minor).is_some(), "the integer parse error is kept");
        let decimal = amount("1e5", Currency::USD, "fee", 2).unwrap_err();
        assert!(
            matches!(&decimal, RowError::Amount { what, reason: AmountError::Exponent(_) } if what == "fee"),
            "{decimal:?}"
        );
        assert!(decimal.to_string().starts_with("fee: `1e5` is not an amount"), "{decimal}");
    }

    #[test]
    fn charges_csv_good_and_bad_rows() {
        let csv = "id,Amount,Currency,Created (UTC),Customer ID,Description,Card Last4,Status\n\
                   ch_1,49.00,usd,2026-04-01 10:00:00,acct-1,\"API credits, pack\",4242,Paid\n\
                   ch_2,12.345,USD,2026-04-01 10:00:00,acct-1,x,4242,Paid\n\
                   ch_3,10.00,USD,2026-04-01 10:00:00,acct-1,x,4242,Failed\n\
                   ch_4,10.00,USD,yesterday,acct-1,x,4242,Paid\n\
                   ch_5,10.00,USD,2026-04-01T10:00:00Z,,x,4242,Paid\n\
                   ch_6,10.00,USD,2026-04-01T10:00:00Z,acct-2,card 4242 4242 4242 4242,4242,Paid\n\
                   ch_7,1.00,EUR,2026-04-02T10:00:00Z,acct-2,,,succeeded\n";
        let ParsedCharges { charges: good, unpaid, bad } = parse_charges(csv, "stripe");
        assert_eq!(good.iter().map(|c| c.id.to_string()).collect::<Vec<_>>(), ["ch_1", "ch_7"]);
        assert_eq!(good[0].description, "API credits, pack");
        assert_eq!(good[0].amount, Decimal::from_str("49.00").unwrap());
        assert_eq!(good[0].provider, "stripe");
        // A failed charge is well formed: skipped and counted, not refused.
        assert_eq!(unpaid.iter().map(|b| b.line).collect::<Vec<_>>(), [4]);
        assert!(unpaid[0].message.contains("Failed"), "{:?}", unpaid[0]);
        assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), [3, 5, 6, 7]);
        assert!(bad[3].message.contains("full card number") && !bad[3].message.contains("4242 4242"));
    }

    #[test]
    fn charges_json_minor_units_and_floats_refused() {
        let json = r#"[{"id":"pi_1","amount":4900,"currency":"usd","created":1775037600,"customer":"acct-1"},
                       {"id":"pi_2","amount":49.5,"currency":"usd","created":"2026-04-01T10:00:00Z","customer":"acct-1"},
                       {"id":"pi_3","amount":"1200","currency":"JPY","created":"2026-04-01T10:00:00Z","account":"acct-3","provider":"adyen"}]"#;
        let ParsedCharges { charges: good, bad, .. } = parse_charges(json, "stripe");
        assert_eq!(good.len(), 2);
        assert_eq!(good[0].amount, Decimal::from_str("49.00").unwrap());
        assert_eq!(good[1].provider, "adyen");
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].line, 2);
    }

    #[test]
    fn woocommerce_orders_export() {
        // Shaped as GET /wp-json/wc/v3/orders answers (developer.woocommerce.com/docs/apis/rest-api/v3/orders/).
        let json = r#"[
          {"id":727,"number":"727","order_key":"wc_order_58d2d042d1d","status":"completed","currency":"USD","total":"49.00",
           "customer_id":12,"date_created_gmt":"2026-04-01T10:00:00","date_paid_gmt":"2026-04-01T10:01:00",
           "refunds":[{"id":726,"reason":"","total":"-10.00"}]},
          {"id":728,"number":"728","order_key":"wc_order_x","status":"pending","currency":"USD","total":"5.00","customer_id":12,
           "date_created_gmt":"2026-04-01T10:00:00","refunds":[]},
          {"id":729,"number":"729","order_key":"wc_order_y","status":"processing","currency":"EUR","total":"5.00","customer_id":0,
           "date_created_gmt":"2026-04-01T10:00:00","refunds":[]}
        ]"#;
        let ParsedCharges { charges: good, unpaid, bad } = parse_charges_in(json, "woocommerce", &iso_exponent);
        assert_eq!(good.len(), 1, "{bad:?}");
        assert_eq!((good[0].id.to_string(), good[0].amount), ("727".to_string(), Decimal::from_str("49.00").unwrap()));
        assert_eq!(good[0].at, time("2026-04-01T10:01:00Z").unwrap(), "paid time, GMT");
        assert_eq!(good[0].account.to_string(), "wc-12");
        assert_eq!(good[0].provider, "woocommerce");
        assert_eq!(unpaid.iter().map(|b| b.line).collect::<Vec<_>>(), [2], "a pending order is skipped");
        assert!(unpaid[0].message.contains("pending"), "{unpaid:?}");
        assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), [3]);
        assert!(bad[0].message.contains("guest"), "{bad:?}");
        let (refunds, bad) = parse_refunds_in(json, "woocommerce", &iso_exponent);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(refunds.len(), 1);
        assert_eq!((refunds[0].provider_ref.as_str(), refunds[0].charge.as_deref()), ("726", Some("727")));
        assert_eq!(refunds[0].amount, Decimal::from_str("10.00").unwrap());
        // Elsewhere the same text is read generically (and its integer ids are not amounts).
        assert!(!parse_charges_in(json, "stripe", &iso_exponent).bad.is_empty());
    }

    #[test]
    fn klarna_settlement_transactions() {
        // Shaped as the Settlements API's transactions (amount in minor units, RETURN negative).
        let json = r#"{"transactions":[
          {"type":"SALE","amount":4900,"currency_code":"EUR","order_id":"o-1","capture_id":"c-1","sale_date":"2026-04-01T10:00:00Z","refund_id":""},
          {"type":"RETURN","amount":-1000,"currency_code":"EUR","order_id":"o-1","capture_id":"","refund_id":"r-1","merchant_refund_reference":"pd_k"},
          {"type":"FEE","amount":-29,"currency_code":"EUR","order_id":"o-1","capture_id":"c-1","refund_id":""}],"pagination":{"count":3}}"#;
        let (refunds, bad) = parse_refunds_in(json, "klarna", &iso_exponent);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(refunds.len(), 1);
        assert_eq!((refunds[0].provider_ref.as_str(), refunds[0].charge.as_deref()), ("r-1", Some("o-1")));
        assert_eq!(
            (refunds[0].amount, refunds[0].idempotency_key.as_deref()),
            (Decimal::from_str("10.00").unwrap(), Some("pd_k"))
        );
        let ParsedCharges { charges, bad, .. } = parse_charges_in(json, "klarna", &iso_exponent);
        assert!(charges.is_empty());
        assert!(bad[0].message.contains("no customer"), "{bad:?}");
    }

    #[test]
    fn compare_finds_every_kind_of_mismatch() {
        let r = |id: i64, pref: &str, amount: &str, status: RefundStatus| {
            let at = time("2026-04-01T10:00:00Z").unwrap();
            Refund {
                id: crate::domain::ids::RefundId(id),
                case: crate::domain::ids::CaseNumber::new(1).unwrap(),
                charge: ChargeId::new("ch_1".to_string()),
                amount: Decimal::from_str(amount).unwrap(),
                currency: Currency::USD,
                status,
                rule: "refund_window".into(),
                reason: String::new(),
                requested_by: crate::domain::ids::UserId::new("bo".to_string()),
                is_override: false,
                leads_needed: 1,
                requested_at: at,
                expires_at: at,
                standing_approvers: vec![],
                approved_by: vec![],
                idempotency_key: format!("pd_{id}"),
                provider: "stripe".into(),
                provider_ref: Some(pref.into()),
                message_ref: None,
                attempts: 1,
                first_attempt_at: None,
                next_attempt_at: None,
                needs_lookup: false,
                last_error: None,
            }
        };
        let ours = vec![
            r(1, "re_1", "10.00", RefundStatus::Succeeded),
            r(2, "re_2", "5.00", RefundStatus::Succeeded),
            r(3, "re_3", "7.00", RefundStatus::Succeeded),
        ];
        let csv = "id,charge,amount,currency,status\nre_1,ch_1,10.00,USD,succeeded\nre_2,ch_1,4.00,USD,succeeded\nre_9,ch_9,3.00,USD,succeeded\nre_8,ch_9,3.00,USD,failed\n";
        let (theirs, bad) = parse_refunds(csv);
        assert!(bad.is_empty());
        let m = compare("stripe", &theirs, &ours);
        assert_eq!(m.len(), 3, "{m:#?}");
        assert!(matches!(&m[0], Mismatch::AmountDiffers { ours, .. } if ours.id.0 == 2));
        assert!(matches!(&m[1], Mismatch::PaidNotRecorded(p) if p.provider_ref == "re_9"));
        assert!(matches!(&m[2], Mismatch::RecordedNotPaid(r) if r.id.0 == 3));
        assert_ne!(m[0].fingerprint(), m[1].fingerprint());
    }
}
