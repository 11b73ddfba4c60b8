//! The chat port: where outgoing actions are delivered, and how a delivery failed.

use crate::app::action::OutboxItem;
use async_trait::async_trait;

/// Why a chat sink could not deliver an item, as the outbox acts on it (a sink returns
/// it inside its `anyhow::Error`; any other error is retried with backoff).
#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    /// Worth another try later; never sooner than `after` when the platform said so (a
    /// 429's `retry_after`).
    #[error("{reason}")]
    Retry { reason: String, after: Option<std::time::Duration> },
    /// Refused for good (the same request would be refused again): the item is dead.
    #[error("{reason}")]
    Refused { reason: String },
    /// Nothing can be delivered at all (the bot's token is refused): stop.
    #[error("{reason}")]
    Fatal { reason: String },
}

/// Where outgoing actions are delivered (Discord, the console, a replay's stdout). A
/// message's place is the typed [`Destination`](crate::app::action::Destination) the engine
/// wrote (with whom it is to and its case); sinks match on it, never on the string form.
#[async_trait]
pub trait ChatSink: Send + Sync {
    async fn deliver(&self, item: &OutboxItem) -> anyhow::Result<()>;
}
