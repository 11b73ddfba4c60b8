//! The books of the built-in sandbox provider: what it paid, by idempotency key. A port
//! so that the provider keeps them in the store without the store knowing the provider.

use super::StoreResult;
use crate::domain::ids::ChargeId;
use crate::domain::money::Currency;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

/// One refund the sandbox paid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxRecord {
    pub idempotency_key: String,
    pub charge: ChargeId,
    pub amount: Decimal,
    pub currency: Currency,
    pub provider_ref: String,
    pub at: DateTime<Utc>,
}

/// Where the sandbox keeps its books (a table beside the bot's, written outside the
/// bot's transactions, as a real provider's would be).
#[async_trait]
pub trait SandboxBooks: Send + Sync {
    /// Records a payout unless one with the same key exists; returns the stored one.
    async fn record(&self, rec: &SandboxRecord) -> StoreResult<SandboxRecord>;
    async fn find(&self, key: &str) -> StoreResult<Option<SandboxRecord>>;
    async fn refunded(&self, charge: &ChargeId) -> StoreResult<Decimal>;
    async fn all(&self) -> StoreResult<Vec<SandboxRecord>>;
}
