//! The built-in `sandbox` provider: deterministic, keeps its own books of what it paid
//! (by idempotency key), honours keys like a real provider, refuses to refund more than
//! the charge, and takes injected faults (`timeout`, `error`, `decline`).

use crate::app::ports::{Clock, ConnectorError, PaymentConnector, ProviderRefund, ProviderStatus, RefundCall};
use async_trait::async_trait;
use sha2::{Digest, Sha256};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

pub use crate::app::ports::{SandboxBooks, SandboxRecord};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The refund is made but the answer is lost.
    Timeout,
    /// A 5xx: nothing made, try again.
    Error,
    /// Refused for good: nothing made.
    Decline,
}

impl Fault {
    pub fn parse(s: &str) -> Option<Fault> {
        match s {
            "timeout" => Some(Fault::Timeout),
            "error" => Some(Fault::Error),
            "decline" => Some(Fault::Decline),
            _ => None,
        }
    }
}

pub struct Sandbox {
    books: Arc<dyn SandboxBooks>,
    clock: Arc<dyn Clock>,
    faults: Mutex<VecDeque<Fault>>,
}

impl Sandbox {
    pub fn new(books: Arc<dyn SandboxBooks>, clock: Arc<dyn Clock>) -> Sandbox {
        Sandbox { books, clock, faults: Mutex::new(VecDeque::new()) }
    }

    /// The next `count` calls fail with `fault`.
    pub fn inject(&self, fault: Fault, count: u32) {
        let mut q = self.faults.lock().unwrap_or_else(|p| p.into_inner());
        q.extend(std::iter::repeat_n(fault, count as usize));
    }

    fn next_fault(&self) -> Option<Fault> {
        self.faults.lock().unwrap_or_else(|p| p.into_inner()).pop_front()
    }

    pub fn books(&self) -> &Arc<dyn SandboxBooks> {
        &self.books
    }

    fn provider_ref(key: &str) -> String {
        let h = Sha256::digest(format!("sandbox|{key}").as_bytes());
        format!("re_sbx_{}", &hex::encode(h)[..20])
    }

    async fn make(&self, call: &RefundCall) -> Result<ProviderRefund, ConnectorError> {
        let store_err =
            |e: crate::app::ports::StoreError| ConnectorError::Transient(format!("sandbox books unavailable: {e}"));
        if let Some(existing) = self.books.find(&call.idempotency_key).await.map_err(store_err)? {
            if existing.charge != call.charge || existing.amount != call.amount || existing.currency != call.currency {
                return Err(ConnectorError::Permanent("idempotency key reused with different parameters".into()));
            }
            return Ok(ProviderRefund { provider_ref: existing.provider_ref, status: ProviderStatus::Succeeded });
        }
        let already = self.books.refunded(&call.charge).await.map_err(store_err)?;
        if already + call.amount > call.charge_amount {
            return Err(ConnectorError::Permanent(format!(
                "the refund would exceed the charge: {} {} of {} {} already refunded",
                call.currency.format(already),
                call.currency,
                call.currency.format(call.charge_amount),
                call.currency
            )));
        }
        let rec = SandboxRecord {
            idempotency_key: call.idempotency_key.clone(),
            charge: call.charge.clone(),
            amount: call.amount,
            currency: call.currency,
            provider_ref: Sandbox::provider_ref(&call.idempotency_key),
            at: self.clock.now(),
        };
        let stored = self.books.record(&rec).await.map_err(store_err)?;
        Ok(ProviderRefund { provider_ref: stored.provider_ref, status: ProviderStatus::Succeeded })
    }
}

#[async_trait]
impl PaymentConnector for Sandbox {
    fn name(&self) -> &str {
        "sandbox"
    }

    async fn refund(&self, call: &RefundCall) -> Result<ProviderRefund, ConnectorError> {
        match self.next_fault() {
            Some(Fault::Timeout) => {
                // The payout happens; only the answer is lost.
                let _ = self.make(call).await;
                Err(ConnectorError::Ambiguous("sandbox: the request timed out".into()))
            }
            Some(Fault::Error) => Err(ConnectorError::Transient("sandbox: 503 service unavailable".into())),
            Some(Fault::Decline) => Err(ConnectorError::Permanent("sandbox: the refund was declined".into())),
            None => self.make(call).await,
        }
    }

    async fn lookup(&self, call: &RefundCall) -> Result<Option<ProviderRefund>, ConnectorError> {
        match self.next_fault() {
            Some(Fault::Timeout) => return Err(ConnectorError::Ambiguous("sandbox: the lookup timed out".into())),
            Some(Fault::Error | Fault::Decline) => {
                return Err(ConnectorError::Transient("sandbox: 503 service unavailable".into()))
            }
            None => {}
        }
        let found = self
            .books
            .find(&call.idempotency_key)
            .await
            .map_err(|e| ConnectorError::Transient(format!("sandbox books unavailable: {e}")))?;
        Ok(found.map(|r| ProviderRefund { provider_ref: r.provider_ref, status: ProviderStatus::Succeeded }))
    }
}
