//! The Discord surface's tables (migrations 0002/0006) behind `app::ports::discord`:
//! Discord ids are kept as text (snowflakes pass `i64`), times as microseconds.

use super::cases::OPEN_CASES;
use super::codec::ts;
use super::db::{sql, sql_owned, Exec, Row};
use super::sql::SqlStore;
use crate::app::ports::discord::{CaseChoice, DiscordStore, InteractionRow, MessageRow, NewMessage, ThreadRow};
use crate::app::ports::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// A snowflake kept as text (0 if the text is not one: never written so by us).
fn snowflake(s: &str) -> u64 {
    s.parse().unwrap_or(0)
}

fn snowflake_at(r: &Row, column: &str) -> StoreResult<u64> {
    Ok(snowflake(&r.text(column)?))
}

fn at(r: &Row) -> StoreResult<DateTime<Utc>> {
    Ok(DateTime::from_timestamp_micros(r.int("at")?).unwrap_or_default())
}

const MESSAGE_COLS: &str = "message_ref, channel_id, message_id, kind, payload, open, at";

fn message_row(r: &Row) -> StoreResult<MessageRow> {
    Ok(MessageRow {
        message_ref: r.text("message_ref")?,
        channel_id: snowflake_at(r, "channel_id")?,
        message_id: snowflake_at(r, "message_id")?,
        kind: r.text("kind")?,
        payload: r.get("payload")?,
        open: r.flag("open")?,
        at: at(r)?,
    })
}

fn case_choice(r: &Row) -> StoreResult<CaseChoice> {
    Ok(CaseChoice {
        number: r.int("number")?,
        status: r.text("status")?,
        intent: r.text("intent")?,
        customer: r.text("customer")?,
        channel: r.text("channel")?,
    })
}

impl SqlStore {
    async fn message_where(&self, filter: &str, key: String) -> StoreResult<Option<MessageRow>> {
        let q = sql_owned(format!("SELECT {MESSAGE_COLS} FROM discord_messages WHERE {filter}"));
        (&self.pool).optional(q.bind(key)).await?.as_ref().map(message_row).transpose()
    }
}

#[async_trait]
impl DiscordStore for SqlStore {
    async fn sent(&self, outbox_id: i64) -> StoreResult<Option<(u64, u64)>> {
        let q = sql("SELECT channel_id, message_id FROM discord_sent WHERE outbox_id = $1");
        let row = (&self.pool).optional(q.bind(outbox_id)).await?;
        row.map(|r| Ok((snowflake_at(&r, "channel_id")?, snowflake_at(&r, "message_id")?))).transpose()
    }

    async fn record_sent(
        &self,
        outbox_id: i64,
        channel_id: u64,
        message_id: u64,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let q = sql("INSERT INTO discord_sent (outbox_id, channel_id, message_id, at) VALUES ($1, $2, $3, $4) ON CONFLICT (outbox_id) DO NOTHING");
        (&self.pool)
            .execute(q.bind(outbox_id).bind(channel_id.to_string()).bind(message_id.to_string()).bind(ts(at)))
            .await?;
        Ok(())
    }

    async fn put_message(&self, m: NewMessage<'_>) -> StoreResult<()> {
        let q = sql(
            "INSERT INTO discord_messages (message_ref, channel_id, message_id, kind, case_number, payload, open, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (message_ref) DO NOTHING",
        )
        .bind(m.message_ref)
        .bind(m.channel_id.to_string())
        .bind(m.message_id.to_string())
        .bind(m.kind)
        .bind(m.case)
        .bind(m.payload)
        .bind(i64::from(m.open))
        .bind(ts(m.at));
        (&self.pool).execute(q).await?;
        Ok(())
    }

    async fn message_by_ref(&self, message_ref: &str) -> StoreResult<Option<MessageRow>> {
        self.message_where("message_ref = $1", message_ref.to_string()).await
    }

    async fn message_by_id(&self, message_id: u64) -> StoreResult<Option<MessageRow>> {
        self.message_where("message_id = $1", message_id.to_string()).await
    }

    async fn set_message_status(&self, message_ref: &str, status: &str, open: bool) -> StoreResult<()> {
        let q = sql("UPDATE discord_messages SET status = $2, open = $3 WHERE message_ref = $1");
        (&self.pool).execute(q.bind(message_ref).bind(status).bind(i64::from(open))).await?;
        Ok(())
    }

    async fn open_approvals(&self) -> StoreResult<Vec<MessageRow>> {
        let q = sql_owned(format!(
            "SELECT {MESSAGE_COLS} FROM discord_messages WHERE open = 1 AND kind = 'approval' ORDER BY at"
        ));
        (&self.pool).rows(q).await?.iter().map(message_row).collect()
    }

    async fn is_case_thread(&self, thread_id: u64) -> StoreResult<bool> {
        let q = sql("SELECT COUNT(*) AS n FROM discord_threads WHERE thread_id = $1");
        Ok((&self.pool).one(q.bind(thread_id.to_string())).await?.int("n")? > 0)
    }

    async fn case_of_thread(&self, thread_id: u64) -> StoreResult<Option<i64>> {
        let q = sql("SELECT case_number FROM discord_threads WHERE thread_id = $1");
        (&self.pool).optional(q.bind(thread_id.to_string())).await?.map(|r| r.int("case_number")).transpose()
    }

    async fn thread(&self, case: i64) -> StoreResult<Option<ThreadRow>> {
        let q = sql("SELECT parent_id, thread_id, customer FROM discord_threads WHERE case_number = $1");
        let row = (&self.pool).optional(q.bind(case)).await?;
        row.map(|r| {
            Ok(ThreadRow {
                parent_id: snowflake_at(&r, "parent_id")?,
                thread_id: snowflake_at(&r, "thread_id")?,
                customer: r.text("customer")?,
            })
        })
        .transpose()
    }

    async fn put_thread(
        &self,
        case: i64,
        parent_id: u64,
        thread_id: u64,
        customer: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let q = sql("INSERT INTO discord_threads (case_number, parent_id, thread_id, customer, at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (case_number) DO NOTHING");
        (&self.pool)
            .execute(q.bind(case).bind(parent_id.to_string()).bind(thread_id.to_string()).bind(customer).bind(ts(at)))
            .await?;
        Ok(())
    }

    async fn forget_thread(&self, case: i64) -> StoreResult<()> {
        (&self.pool).execute(sql("DELETE FROM discord_threads WHERE case_number = $1").bind(case)).await?;
        Ok(())
    }

    async fn open_case_threads(&self) -> StoreResult<Vec<u64>> {
        let q = sql_owned(format!(
            "SELECT t.thread_id FROM discord_threads t JOIN cases c ON c.number = t.case_number WHERE c.status IN {}",
            *OPEN_CASES
        ));
        (&self.pool).rows(q).await?.iter().map(|r| snowflake_at(r, "thread_id")).collect()
    }

    async fn outbox_for(&self, destination: &str) -> StoreResult<(i64, i64)> {
        let q = sql("SELECT COALESCE(SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), 0) AS pending, \
             COALESCE(SUM(CASE WHEN status = 'dead' THEN 1 ELSE 0 END), 0) AS dead FROM outbox WHERE destination = $1");
        let r = (&self.pool).one(q.bind(destination)).await?;
        Ok((r.int("pending")?, r.int("dead")?))
    }

    async fn advance_cursor(&self, channel_id: u64, message_id: u64) -> StoreResult<()> {
        // Snowflakes grow with time; compared as numbers (text of equal length compares
        // the same, and every snowflake since 2016 has 17 to 20 digits: padded to 20).
        let q = sql("INSERT INTO discord_cursors (channel_id, message_id) VALUES ($1, $2) \
             ON CONFLICT (channel_id) DO UPDATE SET message_id = $2 WHERE discord_cursors.message_id < $2");
        (&self.pool).execute(q.bind(channel_id.to_string()).bind(format!("{message_id:020}"))).await?;
        Ok(())
    }

    async fn cursor(&self, channel_id: u64) -> StoreResult<Option<u64>> {
        let q = sql("SELECT message_id FROM discord_cursors WHERE channel_id = $1");
        let row = (&self.pool).optional(q.bind(channel_id.to_string())).await?;
        Ok(row.map(|r| r.text("message_id")).transpose()?.and_then(|s| s.parse().ok()))
    }

    async fn case_info(&self, case: i64) -> StoreResult<Option<(String, String)>> {
        let row =
            (&self.pool).optional(sql("SELECT customer, channel FROM cases WHERE number = $1").bind(case)).await?;
        row.map(|r| Ok((r.text("customer")?, r.text("channel")?))).transpose()
    }

    async fn open_cases(&self, customer: Option<&str>, limit: i64) -> StoreResult<Vec<CaseChoice>> {
        const COLS: &str = "number, status, intent, customer, channel";
        let open = &*OPEN_CASES;
        let q = match customer {
            Some(c) => sql_owned(format!(
                "SELECT {COLS} FROM cases WHERE customer = $1 AND status IN {open} ORDER BY number DESC LIMIT $2"
            ))
            .bind(c),
            None => sql_owned(format!("SELECT {COLS} FROM cases WHERE status IN {open} ORDER BY number DESC LIMIT $1")),
        };
        (&self.pool).rows(q.bind(limit)).await?.iter().map(case_choice).collect()
    }

    async fn put_interaction(
        &self,
        key: &str,
        token: &str,
        channel_id: u64,
        user_id: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let q = sql(
            "INSERT INTO discord_interactions (key, token, channel_id, user_id, answered, at) VALUES ($1, $2, $3, $4, 0, $5) ON CONFLICT (key) DO NOTHING",
        );
        (&self.pool).execute(q.bind(key).bind(token).bind(channel_id.to_string()).bind(user_id).bind(ts(at))).await?;
        Ok(())
    }

    async fn interaction(&self, key: &str) -> StoreResult<Option<InteractionRow>> {
        let q = sql("SELECT token, channel_id, user_id, answered, at FROM discord_interactions WHERE key = $1");
        let row = (&self.pool).optional(q.bind(key)).await?;
        row.map(|r| {
            Ok(InteractionRow {
                token: r.text("token")?,
                channel_id: snowflake_at(&r, "channel_id")?,
                user_id: r.text("user_id")?,
                answered: r.flag("answered")?,
                at: at(&r)?,
            })
        })
        .transpose()
    }

    async fn mark_answered(&self, key: &str) -> StoreResult<()> {
        (&self.pool).execute(sql("UPDATE discord_interactions SET answered = 1 WHERE key = $1").bind(key)).await?;
        Ok(())
    }

    async fn reaction(&self, message_id: u64, user_id: u64, emoji: &str) -> StoreResult<Option<(bool, i64)>> {
        let q =
            sql("SELECT present, toggles FROM discord_reactions WHERE message_id = $1 AND user_id = $2 AND emoji = $3");
        let row = (&self.pool).optional(q.bind(message_id.to_string()).bind(user_id.to_string()).bind(emoji)).await?;
        row.map(|r| Ok((r.flag("present")?, r.int("toggles")?))).transpose()
    }

    async fn set_reaction(
        &self,
        message_id: u64,
        user_id: u64,
        emoji: &str,
        present: bool,
        toggles: i64,
    ) -> StoreResult<()> {
        let q = sql(
            "INSERT INTO discord_reactions (message_id, user_id, emoji, present, toggles) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (message_id, user_id, emoji) DO UPDATE SET present = $4, toggles = $5",
        );
        (&self.pool)
            .execute(
                q.bind(message_id.to_string())
                    .bind(user_id.to_string())
                    .bind(emoji)
                    .bind(i64::from(present))
                    .bind(toggles),
            )
            .await?;
        Ok(())
    }

    async fn present_reactors(&self, message_id: u64, emoji: &str) -> StoreResult<Vec<u64>> {
        let q = sql("SELECT user_id FROM discord_reactions WHERE message_id = $1 AND emoji = $2 AND present = 1 ORDER BY user_id");
        (&self.pool)
            .rows(q.bind(message_id.to_string()).bind(emoji))
            .await?
            .iter()
            .map(|r| snowflake_at(r, "user_id"))
            .collect()
    }
}
