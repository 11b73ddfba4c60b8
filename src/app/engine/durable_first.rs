//! Every payment provider call waits until what the store has committed is durable.
//!
//! Why: a refund is paid exactly once because its claim (the lease, the `executing` row)
//! is on disk before the provider hears of it; a purchase is charged once because its
//! reference is. Where the store's commits are durable when they return (PostgreSQL,
//! SQLite in `paydesk run`) the wait finds nothing to do. Where they are not (SQLite's
//! deferred durability, `paydesk replay`: see `adapters/store/lite`), it is this wait
//! that keeps the rule, for every call, because the engine reaches its connectors only
//! through this wrapper ([`super::Connectors`] wraps each one when the engine is made).

use crate::app::ports::{
    CannotSend, CheckoutLink, ConnectorError, PaymentConnector, ProviderRefund, PurchaseCall, PurchaseState,
    RefundCall, SavedMethod, Store,
};
use crate::domain::money::Currency;
use async_trait::async_trait;
use rust_decimal::Decimal;
use std::sync::Arc;

/// A connector whose every call first waits for the store's commits to be durable.
pub struct DurableFirst {
    inner: Arc<dyn PaymentConnector>,
    store: Arc<dyn Store>,
}

impl DurableFirst {
    pub fn new(inner: Arc<dyn PaymentConnector>, store: Arc<dyn Store>) -> DurableFirst {
        DurableFirst { inner, store }
    }

    /// The wait. If it fails (a disk sync failed, deferred work was lost), nothing is
    /// sent: the call fails as "nothing was made, try again later". The store refuses
    /// every later write after such a failure (`lite/batch.rs`), so no retry count can
    /// run out into a refund marked failed on top of lost records.
    async fn durable(&self) -> Result<(), ConnectorError> {
        self.store.durable().await.map_err(|e| {
            ConnectorError::Transient(format!("not sent: the store could not make its records durable first ({e})"))
        })
    }
}

#[async_trait]
impl PaymentConnector for DurableFirst {
    fn name(&self) -> &str {
        self.inner.name()
    }
    fn hosted_checkout(&self) -> bool {
        self.inner.hosted_checkout()
    }
    async fn start_purchase(&self, call: &PurchaseCall) -> Result<CheckoutLink, ConnectorError> {
        self.durable().await?;
        self.inner.start_purchase(call).await
    }
    async fn purchase_status(&self, call: &PurchaseCall, provider_ref: &str) -> Result<PurchaseState, ConnectorError> {
        self.durable().await?;
        self.inner.purchase_status(call, provider_ref).await
    }
    async fn capture_purchase(&self, call: &PurchaseCall, provider_ref: &str) -> Result<PurchaseState, ConnectorError> {
        self.durable().await?;
        self.inner.capture_purchase(call, provider_ref).await
    }
    async fn charge_saved(&self, call: &PurchaseCall, saved: &SavedMethod) -> Result<PurchaseState, ConnectorError> {
        self.durable().await?;
        self.inner.charge_saved(call, saved).await
    }
    fn off_session(&self) -> bool {
        self.inner.off_session()
    }
    async fn refund(&self, call: &RefundCall) -> Result<ProviderRefund, ConnectorError> {
        self.durable().await?;
        self.inner.refund(call).await
    }
    async fn lookup(&self, call: &RefundCall) -> Result<Option<ProviderRefund>, ConnectorError> {
        self.durable().await?;
        self.inner.lookup(call).await
    }
    fn representable(&self, amount: Decimal, currency: Currency) -> Result<(), CannotSend> {
        self.inner.representable(amount, currency)
    }
    fn fresh_key(&self, key: &str, last_error: &str) -> Option<String> {
        self.inner.fresh_key(key, last_error)
    }
}
