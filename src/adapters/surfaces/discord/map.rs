//! The Discord side of the store (migration 0002): where our messages, case threads and
//! interactions live on Discord, and reactions as last seen. One body of SQL for SQLite
//! and PostgreSQL, expanded by `map_sql!` (the store's own convention).

use crate::adapters::store::AnyStore;
use chrono::{DateTime, Utc};
use sqlx::{PgPool, Row, SqlitePool};

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadRow {
    pub parent_id: u64,
    pub thread_id: u64,
    pub customer: String,
}

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

#[derive(Clone)]
pub enum DiscordMap {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

pub type MapResult<T> = Result<T, sqlx::Error>;

fn us(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

fn snowflake(s: &str) -> u64 {
    s.parse().unwrap_or(0)
}

const OPEN_CASE: &str = "status IN ('open', 'awaiting_info', 'awaiting_approval', 'escalated')";

macro_rules! map_sql {
    ($self:ident, |$pool:ident| $body:expr) => {
        match $self {
            DiscordMap::Sqlite($pool) => $body,
            DiscordMap::Postgres($pool) => $body,
        }
    };
}

impl DiscordMap {
    pub fn new(store: &AnyStore) -> DiscordMap {
        match (store.sqlite_pool(), store.pg_pool()) {
            (Some(p), _) => DiscordMap::Sqlite(p.clone()),
            (_, Some(p)) => DiscordMap::Postgres(p.clone()),
            _ => unreachable!("a store is SQLite or PostgreSQL"),
        }
    }

    /// Where an outbox item was posted, if it was.
    pub async fn sent(&self, outbox_id: i64) -> MapResult<Option<(u64, u64)>> {
        map_sql!(self, |p| {
            let r = sqlx::query("SELECT channel_id, message_id FROM discord_sent WHERE outbox_id = $1").bind(outbox_id).fetch_optional(p).await?;
            r.map(|r| Ok((snowflake(&r.try_get::<String, _>("channel_id")?), snowflake(&r.try_get::<String, _>("message_id")?)))).transpose()
        })
    }

    pub async fn record_sent(&self, outbox_id: i64, channel_id: u64, message_id: u64, at: DateTime<Utc>) -> MapResult<()> {
        map_sql!(self, |p| {
            sqlx::query(
                "INSERT INTO discord_sent (outbox_id, channel_id, message_id, at) VALUES ($1, $2, $3, $4) ON CONFLICT (outbox_id) DO NOTHING",
            )
            .bind(outbox_id)
            .bind(channel_id.to_string())
            .bind(message_id.to_string())
            .bind(us(at))
            .execute(p)
            .await?;
            Ok(())
        })
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn put_message(
        &self,
        message_ref: &str,
        channel_id: u64,
        message_id: u64,
        kind: &str,
        case: Option<i64>,
        payload: Option<&str>,
        open: bool,
        at: DateTime<Utc>,
    ) -> MapResult<()> {
        map_sql!(self, |p| {
            sqlx::query(
                "INSERT INTO discord_messages (message_ref, channel_id, message_id, kind, case_number, payload, open, at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (message_ref) DO NOTHING",
            )
            .bind(message_ref)
            .bind(channel_id.to_string())
            .bind(message_id.to_string())
            .bind(kind)
            .bind(case)
            .bind(payload)
            .bind(i64::from(open))
            .bind(us(at))
            .execute(p)
            .await?;
            Ok(())
        })
    }

    pub async fn message_by_ref(&self, message_ref: &str) -> MapResult<Option<MessageRow>> {
        map_sql!(self, |p| {
            let r = sqlx::query("SELECT message_ref, channel_id, message_id, kind, payload, open, at FROM discord_messages WHERE message_ref = $1")
                .bind(message_ref)
                .fetch_optional(p)
                .await?;
            r.map(|r| message_row(&r)).transpose()
        })
    }

    pub async fn message_by_id(&self, message_id: u64) -> MapResult<Option<MessageRow>> {
        map_sql!(self, |p| {
            let r = sqlx::query("SELECT message_ref, channel_id, message_id, kind, payload, open, at FROM discord_messages WHERE message_id = $1")
                .bind(message_id.to_string())
                .fetch_optional(p)
                .await?;
            r.map(|r| message_row(&r)).transpose()
        })
    }

    pub async fn set_message_status(&self, message_ref: &str, status: &str, open: bool) -> MapResult<()> {
        map_sql!(self, |p| {
            sqlx::query("UPDATE discord_messages SET status = $2, open = $3 WHERE message_ref = $1")
                .bind(message_ref)
                .bind(status)
                .bind(i64::from(open))
                .execute(p)
                .await?;
            Ok(())
        })
    }

    /// Approval messages still waiting for votes (read back after a reconnect).
    pub async fn open_approvals(&self) -> MapResult<Vec<MessageRow>> {
        map_sql!(self, |p| {
            let rows = sqlx::query(
                "SELECT message_ref, channel_id, message_id, kind, payload, open, at FROM discord_messages WHERE open = 1 AND kind = 'approval' ORDER BY at",
            )
            .fetch_all(p)
            .await?;
            rows.iter().map(message_row).collect()
        })
    }

    /// True for a thread the bot made for a case.
    pub async fn is_case_thread(&self, thread_id: u64) -> MapResult<bool> {
        map_sql!(self, |p| {
            let n: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM discord_threads WHERE thread_id = $1").bind(thread_id.to_string()).fetch_one(p).await?;
            Ok(n > 0)
        })
    }

    /// The case a thread was made for.
    pub async fn case_of_thread(&self, thread_id: u64) -> MapResult<Option<i64>> {
        map_sql!(self, |p| {
            let n: Option<i64> = sqlx::query_scalar("SELECT case_number FROM discord_threads WHERE thread_id = $1")
                .bind(thread_id.to_string())
                .fetch_optional(p)
                .await?;
            Ok(n)
        })
    }

    pub async fn thread(&self, case: i64) -> MapResult<Option<ThreadRow>> {
        map_sql!(self, |p| {
            let r =
                sqlx::query("SELECT parent_id, thread_id, customer FROM discord_threads WHERE case_number = $1").bind(case).fetch_optional(p).await?;
            r.map(|r| {
                Ok(ThreadRow {
                    parent_id: snowflake(&r.try_get::<String, _>("parent_id")?),
                    thread_id: snowflake(&r.try_get::<String, _>("thread_id")?),
                    customer: r.try_get("customer")?,
                })
            })
            .transpose()
        })
    }

    pub async fn put_thread(&self, case: i64, parent_id: u64, thread_id: u64, customer: &str, at: DateTime<Utc>) -> MapResult<()> {
        map_sql!(self, |p| {
            sqlx::query(
                "INSERT INTO discord_threads (case_number, parent_id, thread_id, customer, at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (case_number) DO NOTHING",
            )
            .bind(case)
            .bind(parent_id.to_string())
            .bind(thread_id.to_string())
            .bind(customer)
            .bind(us(at))
            .execute(p)
            .await?;
            Ok(())
        })
    }

    /// Outbox items for one destination (an interaction's `ix:` key): (pending, dead).
    pub async fn outbox_for(&self, destination: &str) -> MapResult<(i64, i64)> {
        map_sql!(self, |p| {
            let r = sqlx::query(
                "SELECT COALESCE(SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), 0) AS pending, \
                 COALESCE(SUM(CASE WHEN status = 'dead' THEN 1 ELSE 0 END), 0) AS dead FROM outbox WHERE destination = $1",
            )
            .bind(destination)
            .fetch_one(p)
            .await?;
            Ok((r.try_get::<i64, _>("pending")?, r.try_get::<i64, _>("dead")?))
        })
    }

    /// Remembers `message_id` as read in `channel_id` (kept at the highest id).
    pub async fn advance_cursor(&self, channel_id: u64, message_id: u64) -> MapResult<()> {
        // Snowflakes grow with time; compared as numbers (text of equal length compares
        // the same, and every snowflake since 2016 has 17 to 20 digits: padded to 20).
        let id = format!("{message_id:020}");
        map_sql!(self, |p| {
            sqlx::query(
                "INSERT INTO discord_cursors (channel_id, message_id) VALUES ($1, $2) \
                 ON CONFLICT (channel_id) DO UPDATE SET message_id = $2 WHERE discord_cursors.message_id < $2",
            )
            .bind(channel_id.to_string())
            .bind(id)
            .execute(p)
            .await?;
            Ok(())
        })
    }

    /// The last message read in a channel, if any.
    pub async fn cursor(&self, channel_id: u64) -> MapResult<Option<u64>> {
        map_sql!(self, |p| {
            let r: Option<String> = sqlx::query_scalar("SELECT message_id FROM discord_cursors WHERE channel_id = $1")
                .bind(channel_id.to_string())
                .fetch_optional(p)
                .await?;
            Ok(r.and_then(|s| s.parse().ok()))
        })
    }

    /// Threads of cases still open (read back after a restart).
    pub async fn open_case_threads(&self) -> MapResult<Vec<u64>> {
        map_sql!(self, |p| {
            let rows: Vec<String> = sqlx::query_scalar(&format!(
                "SELECT t.thread_id FROM discord_threads t JOIN cases c ON c.number = t.case_number WHERE c.{OPEN_CASE}"
            ))
            .fetch_all(p)
            .await?;
            Ok(rows.iter().map(|s| snowflake(s)).collect())
        })
    }

    /// Forgets a case's thread (gone on Discord): the next message makes a new one.
    pub async fn forget_thread(&self, case: i64) -> MapResult<()> {
        map_sql!(self, |p| {
            sqlx::query("DELETE FROM discord_threads WHERE case_number = $1").bind(case).execute(p).await?;
            Ok(())
        })
    }

    /// The case's customer and the channel they opened it in (the engine's own table).
    pub async fn case_info(&self, case: i64) -> MapResult<Option<(String, String)>> {
        map_sql!(self, |p| {
            let r = sqlx::query("SELECT customer, channel FROM cases WHERE number = $1").bind(case).fetch_optional(p).await?;
            r.map(|r| Ok((r.try_get("customer")?, r.try_get("channel")?))).transpose()
        })
    }

    pub async fn put_interaction(&self, key: &str, token: &str, channel_id: u64, user_id: &str, at: DateTime<Utc>) -> MapResult<()> {
        map_sql!(self, |p| {
            sqlx::query(
                "INSERT INTO discord_interactions (key, token, channel_id, user_id, answered, at) VALUES ($1, $2, $3, $4, 0, $5) ON CONFLICT (key) DO NOTHING",
            )
            .bind(key)
            .bind(token)
            .bind(channel_id.to_string())
            .bind(user_id)
            .bind(us(at))
            .execute(p)
            .await?;
            Ok(())
        })
    }

    pub async fn interaction(&self, key: &str) -> MapResult<Option<InteractionRow>> {
        map_sql!(self, |p| {
            let r = sqlx::query("SELECT token, channel_id, user_id, answered, at FROM discord_interactions WHERE key = $1")
                .bind(key)
                .fetch_optional(p)
                .await?;
            r.map(|r| {
                Ok(InteractionRow {
                    token: r.try_get("token")?,
                    channel_id: snowflake(&r.try_get::<String, _>("channel_id")?),
                    user_id: r.try_get("user_id")?,
                    answered: r.try_get::<i64, _>("answered")? != 0,
                    at: DateTime::from_timestamp_micros(r.try_get("at")?).unwrap_or_default(),
                })
            })
            .transpose()
        })
    }

    pub async fn mark_answered(&self, key: &str) -> MapResult<()> {
        map_sql!(self, |p| {
            sqlx::query("UPDATE discord_interactions SET answered = 1 WHERE key = $1").bind(key).execute(p).await?;
            Ok(())
        })
    }

    /// (present, toggles) of one user's reaction as last seen.
    pub async fn reaction(&self, message_id: u64, user_id: u64, emoji: &str) -> MapResult<Option<(bool, i64)>> {
        map_sql!(self, |p| {
            let r = sqlx::query("SELECT present, toggles FROM discord_reactions WHERE message_id = $1 AND user_id = $2 AND emoji = $3")
                .bind(message_id.to_string())
                .bind(user_id.to_string())
                .bind(emoji)
                .fetch_optional(p)
                .await?;
            r.map(|r| Ok((r.try_get::<i64, _>("present")? != 0, r.try_get::<i64, _>("toggles")?))).transpose()
        })
    }

    pub async fn set_reaction(&self, message_id: u64, user_id: u64, emoji: &str, present: bool, toggles: i64) -> MapResult<()> {
        map_sql!(self, |p| {
            sqlx::query(
                "INSERT INTO discord_reactions (message_id, user_id, emoji, present, toggles) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (message_id, user_id, emoji) DO UPDATE SET present = $4, toggles = $5",
            )
            .bind(message_id.to_string())
            .bind(user_id.to_string())
            .bind(emoji)
            .bind(i64::from(present))
            .bind(toggles)
            .execute(p)
            .await?;
            Ok(())
        })
    }

    /// Users whose reaction `emoji` on the message was last seen present.
    pub async fn present_reactors(&self, message_id: u64, emoji: &str) -> MapResult<Vec<u64>> {
        map_sql!(self, |p| {
            let rows = sqlx::query("SELECT user_id FROM discord_reactions WHERE message_id = $1 AND emoji = $2 AND present = 1 ORDER BY user_id")
                .bind(message_id.to_string())
                .bind(emoji)
                .fetch_all(p)
                .await?;
            rows.iter().map(|r| Ok(snowflake(&r.try_get::<String, _>("user_id")?))).collect()
        })
    }

    /// Cases a customer opened since `since` (the anti-spam limit).
    pub async fn cases_opened_since(&self, customer: &str, since: DateTime<Utc>) -> MapResult<i64> {
        map_sql!(self, |p| {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE customer = $1 AND opened_at >= $2")
                .bind(customer)
                .bind(us(since))
                .fetch_one(p)
                .await?;
            Ok(n)
        })
    }

    /// Open cases for autocomplete, newest first: a customer's own, or everyone's for staff.
    pub async fn open_cases(&self, customer: Option<&str>, limit: i64) -> MapResult<Vec<CaseChoice>> {
        map_sql!(self, |p| {
            let rows = match customer {
                Some(c) => {
                    sqlx::query(&format!(
                    "SELECT number, status, intent, customer, channel FROM cases WHERE customer = $1 AND {OPEN_CASE} ORDER BY number DESC LIMIT $2"
                ))
                    .bind(c)
                    .bind(limit)
                    .fetch_all(p)
                    .await?
                }
                None => {
                    sqlx::query(&format!(
                        "SELECT number, status, intent, customer, channel FROM cases WHERE {OPEN_CASE} ORDER BY number DESC LIMIT $1"
                    ))
                    .bind(limit)
                    .fetch_all(p)
                    .await?
                }
            };
            rows.iter()
                .map(|r| {
                    Ok(CaseChoice {
                        number: r.try_get("number")?,
                        status: r.try_get("status")?,
                        intent: r.try_get("intent")?,
                        customer: r.try_get("customer")?,
                        channel: r.try_get("channel")?,
                    })
                })
                .collect()
        })
    }
}

fn message_row<R: Row>(r: &R) -> MapResult<MessageRow>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    Ok(MessageRow {
        message_ref: r.try_get("message_ref")?,
        channel_id: snowflake(&r.try_get::<String, _>("channel_id")?),
        message_id: snowflake(&r.try_get::<String, _>("message_id")?),
        kind: r.try_get("kind")?,
        payload: r.try_get("payload")?,
        open: r.try_get::<i64, _>("open")? != 0,
        at: DateTime::from_timestamp_micros(r.try_get("at")?).unwrap_or_default(),
    })
}
