//! Ports: what the application needs from the outside world, as traits. Adapters
//! (`crate::adapters`) implement them; the engine only sees these. `books` holds the
//! sandbox provider's books, `discord` the Discord surface's own tables: ports the
//! store adapter implements for other adapters, so that none of them sees SQL.
//!
//! - `store.rs`: [`Store`] and [`StoreTx`] (one transaction per event), [`StoreError`];
//! - `records.rs`: what the store hands back besides domain values (users, audit rows,
//!   balances, votes, a customer's language and waiting question, outbox health);
//! - `providers.rs`: [`PaymentConnector`] (refunds, hosted pages), [`ConnectorError`],
//!   [`CannotSend`];
//! - `purchases.rs`: credits bought through a provider's hosted page ([`Purchase`]);
//! - `chat.rs`: [`ChatSink`] and [`ChatError`]; this file: [`Clock`].

mod books;
mod chat;
pub mod discord;
mod providers;
mod purchases;
mod records;
mod store;

pub use books::{SandboxBooks, SandboxRecord};
pub use chat::{ChatError, ChatSink};
pub use providers::{CannotSend, ConnectorError, PaymentConnector, ProviderRefund, ProviderStatus, RefundCall};
pub use purchases::{
    purchase_id, purchase_reference, CheckoutLink, PaymentFailure, Purchase, PurchaseCall, PurchaseState,
    PurchaseStatus, SavedMethod, Taken,
};
pub use records::{
    AuditHead, CustomerLanguage, OutboxHealth, Snapshot, StatusCounts, StoredAudit, StoredQuestion, User, VoteRow,
    WalletBalance,
};
pub use store::{Store, StoreError, StoreResult, StoreTx};

use chrono::{DateTime, Utc};

/// The time, as a port: the system clock in production, the events' clock in a replay.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The wall clock. The one place that reads it: `clippy.toml` disallows `Utc::now()` and
/// `SystemTime::now()` everywhere else, so that every reading of the time goes through a
/// [`Clock`] a test or a replay can replace.
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // the clock adapter
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
