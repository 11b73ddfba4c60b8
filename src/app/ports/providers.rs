//! The payment provider port: refunds and their lookups, and the hosted payment pages of
//! credit purchases, with how a call failed.

use super::{CheckoutLink, PurchaseCall, PurchaseState, SavedMethod};
use crate::domain::ids::{CaseNumber, ChargeId, RefundId};
use crate::domain::money::Currency;
use async_trait::async_trait;
use rust_decimal::Decimal;

/// The answer of a payment provider about one refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderRefund {
    pub provider_ref: String,
    pub status: ProviderStatus,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderStatus {
    Succeeded,
    /// Accepted, outcome not final yet (the provider tells later).
    Pending,
    Failed(String),
}

/// What the connector is asked to refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundCall {
    pub idempotency_key: String,
    pub refund: RefundId,
    pub case: CaseNumber,
    pub charge: ChargeId,
    pub charge_amount: Decimal,
    pub amount: Decimal,
    pub currency: Currency,
    pub reason: String,
    /// The provider's reference once it answered (a pending refund): lookups use it.
    pub provider_ref: Option<String>,
}

/// How a provider call failed, which decides what happens next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectorError {
    /// Nothing was made: retry later with the same key.
    #[error("temporary provider failure: {0}")]
    Transient(String),
    /// Nothing was made and retrying will not help: the refund fails, the agent is told.
    #[error("the provider refused: {0}")]
    Permanent(String),
    /// The outcome is unknown (a timeout): ask the provider by key before any retry.
    #[error("no answer from the provider: {0}")]
    Ambiguous(String),
}

/// Why a provider cannot send a refund of an amount, in words for staff ("PayPal takes HUF
/// in whole units only, so 10.50 HUF cannot be sent"). A refusal, not a fault: it is asked
/// before any lead approves, and the amount is never rounded to make it fit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct CannotSend {
    pub reason: String,
}

impl CannotSend {
    pub fn new(reason: impl Into<String>) -> CannotSend {
        CannotSend { reason: reason.into() }
    }
}

impl From<CannotSend> for ConnectorError {
    /// Sending it anyway would be refused again: the refund fails with the reason.
    fn from(e: CannotSend) -> Self {
        ConnectorError::Permanent(e.reason)
    }
}

/// A payment provider's refund API.
#[async_trait]
pub trait PaymentConnector: Send + Sync {
    fn name(&self) -> &str;
    /// Whether credit purchases can go through this provider's hosted payment page.
    fn hosted_checkout(&self) -> bool {
        false
    }
    /// Creates the hosted payment page for a purchase (idempotent under `call.reference`).
    async fn start_purchase(&self, _call: &PurchaseCall) -> Result<CheckoutLink, ConnectorError> {
        Err(ConnectorError::Permanent(format!("{} has no hosted payment page in paydesk", self.name())))
    }
    /// Asks the provider about the page `provider_ref`.
    async fn purchase_status(
        &self,
        _call: &PurchaseCall,
        _provider_ref: &str,
    ) -> Result<PurchaseState, ConnectorError> {
        Err(ConnectorError::Permanent(format!("{} has no hosted payment page in paydesk", self.name())))
    }
    /// Takes the payment of an approved page (PayPal: captures the order), idempotent under
    /// a key derived from `call.reference`: the answer is the purchase's new state.
    async fn capture_purchase(
        &self,
        _call: &PurchaseCall,
        _provider_ref: &str,
    ) -> Result<PurchaseState, ConnectorError> {
        Err(ConnectorError::Permanent(format!("{} has no payment to capture in paydesk", self.name())))
    }
    /// Charges a saved payment method without the customer (auto-recharge), idempotent
    /// under `call.reference`.
    async fn charge_saved(&self, _call: &PurchaseCall, _saved: &SavedMethod) -> Result<PurchaseState, ConnectorError> {
        Err(ConnectorError::Permanent(format!("{} cannot charge a saved payment method in paydesk", self.name())))
    }
    /// Whether `charge_saved` works for this provider.
    fn off_session(&self) -> bool {
        false
    }
    async fn refund(&self, call: &RefundCall) -> Result<ProviderRefund, ConnectorError>;
    /// Asks the provider whether a refund with this idempotency key exists.
    async fn lookup(&self, call: &RefundCall) -> Result<Option<ProviderRefund>, ConnectorError>;
    /// Whether the provider can send exactly this amount (its exponent for the currency
    /// may differ from ISO 4217's); if not, why, in words. Asked when a refund is requested.
    fn representable(&self, _amount: Decimal, _currency: Currency) -> Result<(), CannotSend> {
        Ok(())
    }
    /// A new idempotency key to use after a lookup proved nothing was made, when the
    /// provider keeps replaying the saved error of `last_error` under the old key
    /// (Stripe saves a 500 under its key). `None`: keep the key.
    fn fresh_key(&self, _key: &str, _last_error: &str) -> Option<String> {
        None
    }
}
