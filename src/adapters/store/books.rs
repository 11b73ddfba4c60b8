//! The sandbox provider's books (`app::ports::SandboxBooks`), kept in `sandbox_refunds`
//! and written outside the bot's transactions, as a real provider's would be.

use super::codec::*;
use super::db::{sql, sql_owned, Exec};
use super::rows::{self, SANDBOX_COLS};
use super::sql::SqlStore;
use crate::app::ports::{SandboxBooks, SandboxRecord, StoreError, StoreResult};
use crate::domain::ids::ChargeId;
use async_trait::async_trait;
use rust_decimal::Decimal;

#[async_trait]
impl SandboxBooks for SqlStore {
    async fn record(&self, rec: &SandboxRecord) -> StoreResult<SandboxRecord> {
        let q = sql("INSERT INTO sandbox_refunds (idempotency_key, charge_id, amount, currency, provider_ref, at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING")
        .bind(&rec.idempotency_key)
        .bind(rec.charge.as_str())
        .bind(money(rec.amount)?)
        .bind(rec.currency.code())
        .bind(&rec.provider_ref)
        .bind(ts(rec.at));
        (&self.pool).execute(q).await?;
        self.find(&rec.idempotency_key).await?.ok_or_else(|| StoreError::Corrupt("sandbox record vanished".into()))
    }

    async fn find(&self, key: &str) -> StoreResult<Option<SandboxRecord>> {
        let q = sql_owned(format!("SELECT {SANDBOX_COLS} FROM sandbox_refunds WHERE idempotency_key = $1"));
        (&self.pool).optional(q.bind(key)).await?.as_ref().map(rows::sandbox).transpose()
    }

    async fn refunded(&self, charge: &ChargeId) -> StoreResult<Decimal> {
        let q =
            sql("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS total FROM sandbox_refunds WHERE charge_id = $1");
        Ok(decimal((&self.pool).one(q.bind(charge.as_str())).await?.int("total")?))
    }

    async fn all(&self) -> StoreResult<Vec<SandboxRecord>> {
        let q = sql_owned(format!("SELECT {SANDBOX_COLS} FROM sandbox_refunds ORDER BY at, idempotency_key"));
        rows::all(&(&self.pool).rows(q).await?, rows::sandbox)
    }
}
