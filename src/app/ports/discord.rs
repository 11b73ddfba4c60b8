//! What the Discord surface keeps beside the engine's tables (migrations 0002/0006):
//! where our messages, case threads and interactions live on Discord, reactions as last
//! seen, read cursors, and the few facts about cases it shows. A port, so that the
//! Discord adapter never sees SQL or a database pool; the store adapter implements it.

use super::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// One of our messages on Discord.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRow {
    pub message_ref: String,
    pub channel_id: u64,
    pub message_id: u64,
    pub kind: String,
    pub payload: Option<String>,
    pub open: bool,
    pub at: DateTime<Utc>,
}

/// A message to remember (see [`DiscordStore::put_message`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewMessage<'a> {
    pub message_ref: &'a str,
    pub channel_id: u64,
    pub message_id: u64,
    /// `say` or `approval`.
    pub kind: &'a str,
    pub case: Option<i64>,
    pub payload: Option<&'a str>,
    /// An approval message still waiting for votes.
    pub open: bool,
    pub at: DateTime<Utc>,
}

/// The thread the bot made for a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadRow {
    pub parent_id: u64,
    pub thread_id: u64,
    pub customer: String,
}

/// A slash-command interaction waiting for (or given) its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InteractionRow {
    pub token: String,
    pub channel_id: u64,
    pub user_id: String,
    pub answered: bool,
    pub at: DateTime<Utc>,
}

/// A case as autocomplete shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseChoice {
    pub number: i64,
    pub status: String,
    pub intent: String,
    pub customer: String,
    pub channel: String,
}

/// The Discord surface's own tables. Each call is one statement outside the engine's
/// transactions (the outbox item it belongs to was committed before).
#[async_trait]
pub trait DiscordStore: Send + Sync {
    /// Where an outbox item was posted, if it was.
    async fn sent(&self, outbox_id: i64) -> StoreResult<Option<(u64, u64)>>;
    /// Records where an outbox item was posted (the first record stands).
    async fn record_sent(&self, outbox_id: i64, channel_id: u64, message_id: u64, at: DateTime<Utc>)
        -> StoreResult<()>;
    /// Remembers one of our messages (the first record of a ref stands).
    async fn put_message(&self, message: NewMessage<'_>) -> StoreResult<()>;
    async fn message_by_ref(&self, message_ref: &str) -> StoreResult<Option<MessageRow>>;
    async fn message_by_id(&self, message_id: u64) -> StoreResult<Option<MessageRow>>;
    async fn set_message_status(&self, message_ref: &str, status: &str, open: bool) -> StoreResult<()>;
    /// Approval messages still waiting for votes (read back after a reconnect).
    async fn open_approvals(&self) -> StoreResult<Vec<MessageRow>>;

    /// True for a thread the bot made for a case.
    async fn is_case_thread(&self, thread_id: u64) -> StoreResult<bool>;
    /// The case a thread was made for.
    async fn case_of_thread(&self, thread_id: u64) -> StoreResult<Option<i64>>;
    async fn thread(&self, case: i64) -> StoreResult<Option<ThreadRow>>;
    /// Remembers a case's thread (the first record stands).
    async fn put_thread(
        &self,
        case: i64,
        parent_id: u64,
        thread_id: u64,
        customer: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Forgets a case's thread (gone on Discord): the next message makes a new one.
    async fn forget_thread(&self, case: i64) -> StoreResult<()>;
    /// Threads of cases still open (read back after a restart).
    async fn open_case_threads(&self) -> StoreResult<Vec<u64>>;

    /// Outbox items for one destination (an interaction's `ix:` key): (pending, dead).
    async fn outbox_for(&self, destination: &str) -> StoreResult<(i64, i64)>;
    /// Remembers `message_id` as read in `channel_id` (kept at the highest id).
    async fn advance_cursor(&self, channel_id: u64, message_id: u64) -> StoreResult<()>;
    /// The last message read in a channel, if any.
    async fn cursor(&self, channel_id: u64) -> StoreResult<Option<u64>>;

    /// The case's customer and the channel they opened it in.
    async fn case_info(&self, case: i64) -> StoreResult<Option<(String, String)>>;
    /// Open cases for autocomplete, newest first: a customer's own, or everyone's for staff.
    async fn open_cases(&self, customer: Option<&str>, limit: i64) -> StoreResult<Vec<CaseChoice>>;

    async fn put_interaction(
        &self,
        key: &str,
        token: &str,
        channel_id: u64,
        user_id: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    async fn interaction(&self, key: &str) -> StoreResult<Option<InteractionRow>>;
    async fn mark_answered(&self, key: &str) -> StoreResult<()>;

    /// (present, toggles) of one user's reaction as last seen.
    async fn reaction(&self, message_id: u64, user_id: u64, emoji: &str) -> StoreResult<Option<(bool, i64)>>;
    async fn set_reaction(
        &self,
        message_id: u64,
        user_id: u64,
        emoji: &str,
        present: bool,
        toggles: i64,
    ) -> StoreResult<()>;
    /// Users whose reaction `emoji` on the message was last seen present.
    async fn present_reactors(&self, message_id: u64, emoji: &str) -> StoreResult<Vec<u64>>;
}
