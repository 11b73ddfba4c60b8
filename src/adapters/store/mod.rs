//! The store adapter: sqlx on SQLite (the embedded default) and on PostgreSQL (what
//! several bot instances share). One body of SQL serves both: `db.rs` runs a statement
//! on either backend, one module per area holds a small function per query (`ledger`,
//! `cases`, `refunds`, `purchases`, `outbox`, `audit`, `overview`), `rows.rs` maps rows
//! to domain values, `sql.rs` implements the `Store`/`StoreTx` ports with them, `books.rs`
//! the sandbox's books and `discord.rs` the Discord surface's tables. Each backend has
//! its own migrations with the same version numbers.

mod audit;
mod books;
mod cases;
mod codec;
mod conversation;
mod db;
mod discord;
mod ledger;
mod lite;
pub use lite::syncs as sqlite_syncs;
mod outbox;
mod overview;
mod purchases;
mod refunds;
mod rows;
mod sql;

use crate::app::ports::discord::DiscordStore;
use crate::app::ports::{SandboxBooks, Store, StoreError, StoreResult};
use db::Pool;
use sql::SqlStore;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// PostgreSQL SQLSTATEs after which the whole transaction is to be run again:
/// 40001 serialization_failure and 40P01 deadlock_detected (PostgreSQL manual, Appendix A
/// "PostgreSQL Error Codes", class 40 — Transaction Rollback).
const RETRY_SQLSTATES: [&str; 2] = ["40001", "40P01"];

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        let conflict =
            matches!(&e, sqlx::Error::Database(db) if db.code().is_some_and(|c| RETRY_SQLSTATES.contains(&c.as_ref())));
        if conflict {
            StoreError::Conflict(Box::new(e))
        } else {
            StoreError::Database(Box::new(e))
        }
    }
}

/// The environment variable holding the audit signing key.
pub const AUDIT_KEY_VAR: &str = "PAYDESK_AUDIT_KEY";
/// The shortest key accepted: 32 bytes, the size of the HMAC-SHA256 output (RFC 2104 §3
/// advises keys no shorter than the hash output).
pub const AUDIT_KEY_MIN: usize = 32;

/// Why the audit key in the environment cannot be used (never quoting it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditKeyError {
    #[error("{AUDIT_KEY_VAR} is {len} bytes long; it must be at least {AUDIT_KEY_MIN}")]
    TooShort { len: usize },
    // `VarError::NotUnicode` carries the value itself, which is a secret: not kept.
    #[error("{AUDIT_KEY_VAR} is not valid UTF-8")]
    NotUtf8,
}

/// The audit key from `PAYDESK_AUDIT_KEY` (its UTF-8 bytes): `Ok(None)` when unset or
/// empty, an error naming the variable when too short.
pub fn audit_key_from_env() -> Result<Option<Vec<u8>>, AuditKeyError> {
    match std::env::var(AUDIT_KEY_VAR) {
        Ok(k) if k.is_empty() => Ok(None),
        Ok(k) if k.len() < AUDIT_KEY_MIN => Err(AuditKeyError::TooShort { len: k.len() }),
        Ok(k) => Ok(Some(k.into_bytes())),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(AuditKeyError::NotUtf8),
    }
}

impl From<AuditKeyError> for StoreError {
    // A leaf error (no cause to keep): the store refuses to open, saying why.
    fn from(e: AuditKeyError) -> Self {
        StoreError::Refused(e.to_string())
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError::Failed { what: "migration failed", source: Box::new(e) }
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static PG_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    CreateAndMigrate,
    NoMigrations,
}

/// The file of a `sqlite:` URL (`sqlite:path`, `sqlite://path`, options after `?`);
/// `None` for other URLs and in-memory databases.
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    if rest.contains(":memory:") || rest.contains("mode=memory") {
        return None;
    }
    let path = rest.strip_prefix("//").unwrap_or(rest);
    let path = path.split('?').next().unwrap_or(path);
    (!path.is_empty()).then(|| std::path::PathBuf::from(path))
}

/// Why a store URL cannot work, in words naming what would: `None` when it can.
pub fn url_problem(url: &str) -> Option<String> {
    let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("sqlite") if sqlite_file(url).is_some() || url.contains(":memory:") || url.contains("mode=memory") => None,
        Some("sqlite") => Some(format!("`{url}` names no database file: use sqlite:FILE, e.g. sqlite:paydesk.db")),
        Some("postgres") | Some("postgresql") if url.contains("://") => None,
        Some("postgres") | Some("postgresql") => Some("a PostgreSQL URL looks like postgres://USER:PASSWORD@HOST:5432/DATABASE".into()),
        Some(s) if s.starts_with("mysql") || s.starts_with("mariadb") => {
            Some(format!("{s} is not supported: paydesk stores its data in SQLite (sqlite:paydesk.db) or PostgreSQL (postgres://USER@HOST/DATABASE)"))
        }
        _ => Some(format!(
            "`{}` is not a database URL: use sqlite:FILE (e.g. sqlite:{}) or postgres://USER@HOST/DATABASE",
            crate::config::redact_url(url),
            if url.trim().is_empty() { "paydesk.db" } else { url.trim() }
        )),
    }
}

/// A store opened from a URL: `sqlite:path.db`, `sqlite::memory:`, `postgres://…`.
#[derive(Clone)]
pub struct AnyStore {
    store: SqlStore,
}

impl AnyStore {
    /// Opens (creating a SQLite file if needed) and applies the migrations; audit records
    /// are signed with the key in `PAYDESK_AUDIT_KEY` when it is set.
    pub async fn open(url: &str) -> Result<AnyStore, StoreError> {
        let key = audit_key_from_env()?;
        Self::open_with_key(url, key).await
    }

    /// [`AnyStore::open`] with the audit key given (tests; `None`: records are not signed).
    pub async fn open_with_key(url: &str, audit_key: Option<Vec<u8>>) -> Result<AnyStore, StoreError> {
        Self::open_as(url, audit_key, Open::CreateAndMigrate).await
    }

    /// Opens a store that must already exist (`audit`, `report`, `queue`): a mistyped
    /// SQLite path is an error naming it, not a new empty database. Migrations that are
    /// missing are applied, as `open` does.
    pub async fn open_existing(url: &str) -> Result<AnyStore, StoreError> {
        let key = audit_key_from_env()?;
        if let Some(path) = sqlite_file(url) {
            if !path.exists() {
                return Err(StoreError::Refused(format!(
                    "the store {url} does not exist (no file {}); check --db or store.url",
                    path.display()
                )));
            }
        }
        Self::open_as(url, key, Open::CreateAndMigrate).await
    }

    /// `paydesk migrate`: opens the store and applies the migrations it lacks, returning
    /// the versions applied now (empty: none were needed).
    pub async fn open_and_migrate(url: &str) -> Result<(AnyStore, Vec<i64>), StoreError> {
        let key = audit_key_from_env()?;
        let store = Self::open_as(url, key, Open::NoMigrations).await?;
        let before = store.applied_versions().await?;
        match &store.store.pool {
            Pool::Sqlite(p) => p.migrate(&SQLITE_MIGRATIONS).await?,
            Pool::Postgres(p) => PG_MIGRATIONS.run(p).await?,
        }
        let after = store.applied_versions().await?;
        Ok((store, after.into_iter().filter(|v| !before.contains(v)).collect()))
    }

    /// The migration versions recorded in the store (sqlx's `_sqlx_migrations` table;
    /// none before the first migration).
    pub async fn applied_versions(&self) -> Result<Vec<i64>, StoreError> {
        use db::Exec;
        let q = db::sql("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version");
        match (&self.store.pool).rows(q).await {
            Ok(rows) => rows.iter().map(|r| r.int("version")).collect(),
            // The table does not exist yet: nothing was applied.
            Err(e) if e.to_string().contains("_sqlx_migrations") => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    async fn open_as(url: &str, audit_key: Option<Vec<u8>>, how: Open) -> Result<AnyStore, StoreError> {
        let key: Option<Arc<[u8]>> = audit_key.map(Arc::from);
        let migrate = how == Open::CreateAndMigrate;
        let pool = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let opts = PgConnectOptions::from_str(url)?;
            // One plain connection first: an unreachable server or a refused login is
            // reported as such, where the pool would only say "pool timed out".
            {
                use sqlx::{ConnectOptions, Connection};
                match tokio::time::timeout(Duration::from_secs(10), opts.connect()).await {
                    Ok(Ok(c)) => c.close().await?,
                    Ok(Err(e)) => {
                        return Err(StoreError::Failed { what: "cannot connect to PostgreSQL", source: Box::new(e) })
                    }
                    Err(_) => {
                        return Err(StoreError::Backend("cannot connect to PostgreSQL: no answer within 10 s".into()))
                    }
                }
            }
            let pool = PgPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await?;
            if migrate {
                PG_MIGRATIONS.run(&pool).await?;
            }
            Pool::Postgres(pool)
        } else if url.starts_with("sqlite:") {
            use sqlx::{ConnectOptions, Connection};
            let base = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let memory = url.contains(":memory:") || url.contains("mode=memory");
            let file = sqlite_file(url);
            if !memory {
                // Switching to WAL takes an exclusive lock that a busy timeout cannot wait
                // for, so it is done once, on one connection, before the others open. WAL is
                // then a property of the file. sqlx creates the file and migrates it.
                let mut first = base.clone().journal_mode(SqliteJournalMode::Wal).connect().await?;
                if migrate {
                    SQLITE_MIGRATIONS.run(&mut first).await?;
                }
                first.close().await?;
            }
            // Group commit on a file (events committing together share one disk sync).
            let lite =
                lite::Lite::open(url, if memory { None } else { file.as_deref() })?.with_group_commit(!memory)?;
            if memory && migrate {
                lite.migrate(&SQLITE_MIGRATIONS).await?;
            }
            Pool::Sqlite(lite)
        } else {
            return Err(StoreError::Backend(format!(
                "unsupported database URL `{}`: use sqlite:FILE or postgres://…",
                url.split('@').next_back().unwrap_or(url)
            )));
        };
        Ok(AnyStore { store: SqlStore::new(pool, key) })
    }

    /// Lets events that commit together share one disk sync on a SQLite file (group
    /// commit; `lite/mod.rs`); no effect on PostgreSQL or in memory. Set before the ports
    /// are handed out.
    pub fn with_group_commit(mut self, on: bool) -> Result<AnyStore, StoreError> {
        if let Pool::Sqlite(lite) = self.store.pool {
            self.store.pool = Pool::Sqlite(lite.with_group_commit(on)?);
        }
        Ok(self)
    }

    /// Deferred durability (SQLite file with group commit; `lite/mod.rs`): commits return
    /// before the disk sync and `Store::durable` waits for it. For `paydesk replay`, where
    /// every event is queued in the file. No effect on PostgreSQL or in memory. Set before
    /// the ports are handed out.
    pub fn with_deferred_durability(mut self, on: bool) -> Result<AnyStore, StoreError> {
        if let Pool::Sqlite(lite) = self.store.pool {
            self.store.pool = Pool::Sqlite(lite.with_deferred_durability(on)?);
        }
        Ok(self)
    }

    /// Commits of this process not yet known to be on disk (SQLite's deferred
    /// durability; 0 elsewhere): for tests and the bench.
    pub fn undurable_commits(&self) -> u64 {
        match &self.store.pool {
            Pool::Sqlite(lite) => lite.undurable_commits(),
            Pool::Postgres(_) => 0,
        }
    }

    /// The engine's port.
    pub fn as_store(&self) -> Arc<dyn Store> {
        Arc::new(self.store.clone())
    }

    /// The sandbox provider's books.
    pub fn sandbox_books(&self) -> Arc<dyn SandboxBooks> {
        Arc::new(self.store.clone())
    }

    /// The Discord surface's tables.
    pub fn discord_store(&self) -> Arc<dyn DiscordStore> {
        Arc::new(self.store.clone())
    }

    /// `paydesk bench`'s floor: `n` bare durable commits of one small row each, in a table
    /// of their own (`bench_commits`), begun as SQLite's write transactions are (`BEGIN
    /// IMMEDIATE`) and plainly on PostgreSQL.
    pub async fn bare_commits(&self, n: usize) -> StoreResult<()> {
        const INSERT: &str = "INSERT INTO bench_commits (v) VALUES ($1)";
        match &self.store.pool {
            Pool::Sqlite(lite) => {
                use sqlx::{ConnectOptions, Connection};
                // Through sqlx, as the issue defines the floor: the bot's settings, one
                // connection (a file; an in-memory database has no floor to measure).
                let mut c = SqliteConnectOptions::from_str(lite.url())?
                    .synchronous(SqliteSynchronous::Full)
                    .busy_timeout(Duration::from_secs(10))
                    .connect()
                    .await?;
                sqlx::query("CREATE TABLE IF NOT EXISTS bench_commits (id INTEGER PRIMARY KEY, v TEXT)")
                    .execute(&mut c)
                    .await?;
                for i in 0..n {
                    let mut tx = c.begin_with("BEGIN IMMEDIATE").await?;
                    sqlx::query(INSERT).bind(format!("row {i}")).execute(&mut *tx).await?;
                    tx.commit().await?;
                }
                c.close().await?;
            }
            Pool::Postgres(p) => {
                sqlx::query("CREATE TABLE IF NOT EXISTS bench_commits (id BIGSERIAL PRIMARY KEY, v TEXT)")
                    .execute(p)
                    .await?;
                for i in 0..n {
                    let mut tx = p.begin().await?;
                    sqlx::query(INSERT).bind(format!("row {i}")).execute(&mut *tx).await?;
                    tx.commit().await?;
                }
            }
        }
        Ok(())
    }

    /// PostgreSQL's `synchronous_commit` setting (what a commit waits for); `None` on SQLite.
    pub async fn synchronous_commit(&self) -> StoreResult<Option<String>> {
        match &self.store.pool {
            Pool::Sqlite(_) => Ok(None),
            Pool::Postgres(p) => Ok(Some(sqlx::query_scalar("SHOW synchronous_commit").fetch_one(p).await?)),
        }
    }

    /// Whether this is a PostgreSQL store.
    pub fn is_postgres(&self) -> bool {
        matches!(self.store.pool, Pool::Postgres(_))
    }
}

#[cfg(test)]
mod tests {
    use super::AnyStore;

    /// Every lookup by charge done once per refund uses an index, not a scan of its table
    /// (which grows with every refund paid: quadratic over a long run).
    #[tokio::test]
    async fn lookups_by_charge_use_an_index() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = AnyStore::open(&format!("sqlite:{}", dir.path().join("p.db").display())).await.expect("store");
        use super::db::Exec;
        let pool = &store.store.pool;
        for q in [
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM sandbox_refunds WHERE charge_id = 'c'",
            "SELECT charge_id, amount, currency, at, issued_by FROM credit_notes WHERE charge_id = 'c' ORDER BY id",
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM refunds WHERE charge_id = 'c' AND status IN ('succeeded')",
            "SELECT id FROM refunds WHERE status = 'awaiting_approval' AND expires_at < 5 ORDER BY id",
            "SELECT MIN(next_attempt_at) FROM refunds WHERE status = 'executing'",
        ] {
            let rows = (&mut &*pool).rows(super::db::sql_owned(format!("EXPLAIN QUERY PLAN {q}"))).await.expect("plan");
            let text: Vec<String> = rows.iter().map(|r| r.text("detail").expect("detail")).collect();
            assert!(text.iter().all(|l| !l.starts_with("SCAN")), "{q}: {text:?}");
        }
    }

    /// An in-memory store is migrated on its one connection and recorded as a file is.
    #[tokio::test]
    async fn an_in_memory_store_is_migrated_and_usable() {
        let store = AnyStore::open("sqlite::memory:").await.expect("store");
        let versions = store.applied_versions().await.expect("versions");
        let all: Vec<i64> = super::SQLITE_MIGRATIONS.iter().map(|m| m.version).collect();
        assert_eq!(versions, all);
        let (_, again) = AnyStore::open_and_migrate("sqlite::memory:").await.expect("migrate");
        assert_eq!(again, all, "a new in-memory database lacks every migration");
        let s = store.as_store();
        let tx = s.begin().await.expect("begin");
        tx.commit().await.expect("commit");
        assert!(s.snapshot().await.expect("snapshot").cases.is_empty());
    }

    /// `pump` delivers every pending item once, across more than one batch, with the
    /// marks of the last batch waiting for the next transaction; `flush` writes them.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn pump_delivers_every_item_once_across_batches() {
        use crate::app::action::{Action, Destination, OutboxItem};
        use crate::app::ports::ChatSink;
        struct Count(std::sync::Mutex<Vec<i64>>);
        #[async_trait::async_trait]
        impl ChatSink for Count {
            async fn deliver(&self, item: &OutboxItem) -> anyhow::Result<()> {
                self.0.lock().expect("lock").push(item.id);
                Ok(())
            }
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let store =
            AnyStore::open(&format!("sqlite:{}", dir.path().join("p.db").display())).await.expect("store").as_store();
        let mut tx = store.begin().await.expect("begin");
        for i in 0..300 {
            let text = format!("message {i}");
            let say =
                Action::Say { message_ref: None, channel: Destination::Dm, to: Some("u".into()), case: None, text };
            tx.push(say).await.expect("push");
        }
        tx.commit().await.expect("commit");
        let sink = Count(std::sync::Mutex::default());
        let at = chrono::DateTime::from_timestamp(1_780_000_000, 0).expect("time");
        assert_eq!(crate::app::outbox::pump(store.as_ref(), &sink, at).await.expect("pump"), 300);
        assert_eq!(crate::app::outbox::pump(store.as_ref(), &sink, at).await.expect("again"), 0, "none twice");
        let mut ids = sink.0.lock().expect("lock").clone();
        ids.dedup();
        assert_eq!(ids.len(), 300);
        assert!(store.outbox_health().await.expect("health").pending > 0, "the last batch's marks wait");
        store.flush().await.expect("flush");
        assert_eq!(store.outbox_health().await.expect("health").pending, 0);
    }

    /// The snapshot reads its tables a page at a time: across page boundaries no row is
    /// lost, repeated or out of order.
    #[tokio::test]
    async fn the_snapshot_reads_every_row_across_pages() {
        use crate::domain::ids::{CaseNumber, UserId};
        use crate::domain::intent::Intent;
        use crate::domain::tickets::{Case, CaseStatus};
        let dir = tempfile::tempdir().expect("tempdir");
        let store =
            AnyStore::open(&format!("sqlite:{}", dir.path().join("p.db").display())).await.expect("store").as_store();
        let at = chrono::DateTime::from_timestamp(1_780_000_000, 0).expect("time");
        let n = 2 * 500 + 7;
        let mut tx = store.begin().await.expect("begin");
        for i in (1..=n).rev() {
            let number = CaseNumber::new(i).expect("number");
            let case = Case {
                number,
                customer: UserId::new(format!("u{i}")),
                account: None,
                charge: None,
                intent: Intent::Other,
                status: CaseStatus::Open,
                channel: "support".into(),
                opened_at: at,
                updated_at: at,
            };
            tx.insert_case(&case).await.expect("insert");
        }
        tx.commit().await.expect("commit");
        let numbers: Vec<u32> =
            store.snapshot().await.expect("snapshot").cases.iter().map(|c| c.number.get()).collect();
        assert_eq!(numbers, (1..=n).collect::<Vec<_>>());
    }
}
