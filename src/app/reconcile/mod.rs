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
//!
//! - this file: the problems reported by line, the rows an export is read into, and which
//!   reader each provider's export goes to;
//! - `rows.rs`: the generic CSV and JSON reader and the field parsers (amounts, times);
//! - `charges.rs`: charge import; `refunds.rs`: paid refunds and their comparison with ours;
//! - `amazon_pay.rs`, `klarna.rs`, `woocommerce.rs`, `exports.rs` (Chargebee, Shopify):
//!   providers' own export formats, rewritten as generic rows.

mod amazon_pay;
mod charges;
mod exports;
mod klarna;
mod refunds;
mod rows;
#[cfg(test)]
mod tests;
mod woocommerce;

pub use charges::{parse_charges, parse_charges_in, ParsedCharges};
pub use refunds::{compare, parse_refunds, parse_refunds_in, Mismatch, PaidRefund};
pub use rows::{iso_exponent, Exponent};

use crate::domain::money::AmountError;
use rows::{csv_records, norm, str_of};
use std::collections::BTreeMap;

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

/// The rows of a provider's export: its own format where it has one, else the generic.
fn export_rows(text: &str, provider: &str, refunds: bool) -> Result<Rows, LineProblem> {
    if provider == "amazon_pay" {
        if let Some(r) = amazon_pay::settlement_rows(text, refunds) {
            return r;
        }
    }
    if provider == "klarna" {
        if let Some(txs) = klarna::transactions(text) {
            return Ok(klarna::rows(&txs, refunds));
        }
    }
    if provider == "woocommerce" {
        if let Some(orders) = woocommerce::orders(text) {
            return Ok(if refunds { woocommerce::refund_rows(&orders) } else { woocommerce::charge_rows(&orders) });
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
    rows::rows(text)
}
