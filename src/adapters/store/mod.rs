//! The store adapters: sqlx on SQLite (the embedded default) and on PostgreSQL (what
//! several bot instances share). One body of SQL serves both (`sql.rs`); each backend
//! has its own migrations with the same version numbers.

mod codec;
mod sql;

use crate::app::ports::{Store, StoreError};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

pub use sql::{PgStore, SqliteStore};

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Backend(e.to_string())
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError::Backend(format!("migration failed: {e}"))
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static PG_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// A store opened from a URL: `sqlite:path.db`, `sqlite::memory:`, `postgres://…`.
#[derive(Clone)]
pub enum AnyStore {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

impl AnyStore {
    /// Opens (creating a SQLite file if needed) and applies the migrations.
    pub async fn open(url: &str) -> Result<AnyStore, StoreError> {
        let store = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let opts = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new().max_connections(8).acquire_timeout(Duration::from_secs(10)).connect_with(opts).await?;
            PG_MIGRATIONS.run(&pool).await?;
            AnyStore::Postgres(PgStore::new(pool))
        } else if url.starts_with("sqlite:") {
            use sqlx::{ConnectOptions, Connection};
            let base = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let memory = url.contains(":memory:") || url.contains("mode=memory");
            if !memory {
                // Switching to WAL takes an exclusive lock that a busy timeout cannot wait
                // for, so it is done once, on one connection, before the pool opens. WAL is
                // then a property of the file.
                let mut first = base.clone().journal_mode(SqliteJournalMode::Wal).connect().await?;
                SQLITE_MIGRATIONS.run(&mut first).await?;
                first.close().await?;
            }
            // One writer at a time is SQLite's rule; one connection keeps an in-memory
            // database alive.
            let pool = SqlitePoolOptions::new()
                .max_connections(if memory { 1 } else { 4 })
                .min_connections(if memory { 1 } else { 0 })
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(base)
                .await?;
            if memory {
                SQLITE_MIGRATIONS.run(&pool).await?;
            }
            AnyStore::Sqlite(SqliteStore::new(pool))
        } else {
            return Err(StoreError::Backend(format!(
                "unsupported database URL `{}`: use sqlite:FILE or postgres://…",
                url.split('@').next_back().unwrap_or(url)
            )));
        };
        Ok(store)
    }

    pub fn as_store(&self) -> Arc<dyn Store> {
        match self {
            AnyStore::Sqlite(s) => Arc::new(s.clone()),
            AnyStore::Postgres(s) => Arc::new(s.clone()),
        }
    }

    pub fn sandbox_books(&self) -> Arc<dyn crate::adapters::payments::sandbox::SandboxBooks> {
        match self {
            AnyStore::Sqlite(s) => Arc::new(s.clone()),
            AnyStore::Postgres(s) => Arc::new(s.clone()),
        }
    }

    pub fn sqlite_pool(&self) -> Option<&SqlitePool> {
        match self {
            AnyStore::Sqlite(s) => Some(&s.pool),
            AnyStore::Postgres(_) => None,
        }
    }

    pub fn pg_pool(&self) -> Option<&PgPool> {
        match self {
            AnyStore::Postgres(s) => Some(&s.pool),
            AnyStore::Sqlite(_) => None,
        }
    }
}
