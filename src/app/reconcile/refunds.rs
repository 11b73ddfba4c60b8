//! Refund reconciliation (`paydesk reconcile --provider NAME FILE`): the refunds a
//! provider's export says it paid, compared with ours.

use super::rows::{amount, get};
use super::{export_rows, iso_exponent, Exponent, LineProblem, Row, RowError};
use crate::domain::approvals::{Refund, RefundStatus};
use crate::domain::ids::ChargeId;
use crate::domain::money::Currency;
use rust_decimal::Decimal;
use std::collections::HashSet;

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
