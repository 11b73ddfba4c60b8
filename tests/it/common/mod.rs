//! Shared set-up for integration tests: a real store per test (a SQLite file in a temp
//! dir, or a fresh PostgreSQL database when PAYDESK_TEST_PG is set), and engines on it.

pub mod bot;
pub mod fixtures;

pub use fixtures::card_charge;

use paydesk::adapters::payments::sandbox::Sandbox;
use paydesk::adapters::store::AnyStore;
use paydesk::adapters::surfaces::replay::ManualClock;
use paydesk::app::engine::{Connectors, Engine, EngineConfig};
use paydesk::app::ports::{Clock, PaymentConnector, SystemClock};
use paydesk::wiring::App;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where a test's data lives; dropping it removes the database.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_admin: Option<(String, String)>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.pg_admin.take() {
            // Best effort, on a fresh runtime (we may be inside a finished one).
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
                rt.block_on(async {
                    use sqlx::Connection;
                    let mut c = sqlx::PgConnection::connect(&admin).await.ok()?;
                    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut c).await.ok()
                })
            })
            .join();
        }
    }
}

static SEQ: AtomicU64 = AtomicU64::new(0);

/// The backends to run a test on: SQLite always, PostgreSQL when PAYDESK_TEST_PG is set.
pub fn backends() -> Vec<Backend> {
    let mut v = vec![Backend::Sqlite];
    if std::env::var("PAYDESK_TEST_PG").is_ok_and(|u| !u.is_empty()) {
        v.push(Backend::Postgres);
    }
    v
}

pub async fn fresh_db(backend: &Backend) -> TestDb {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite:{}", dir.path().join("test.db").display());
            TestDb { url, _dir: Some(dir), pg_admin: None }
        }
        Backend::Postgres => {
            use sqlx::Connection;
            let admin = std::env::var("PAYDESK_TEST_PG").expect("PAYDESK_TEST_PG");
            let name = format!(
                "paydesk_t{}_{}_{}",
                std::process::id(),
                SEQ.fetch_add(1, Ordering::SeqCst),
                SystemClock.now().timestamp_micros() % 1_000_000
            );
            let mut c = sqlx::PgConnection::connect(&admin).await.expect("connect to PAYDESK_TEST_PG");
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut c).await.expect("create test database");
            let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin.clone());
            TestDb { url: format!("{base}/{name}"), _dir: None, pg_admin: Some((admin, name)) }
        }
    }
}

/// Runs SQL on the test database on a connection of its own, as the database's owner
/// can (going around the bot and its store): for tampering, and for reading rows behind
/// the store's back.
pub async fn owner_sql(url: &str, sql: &str) -> Result<(), sqlx::Error> {
    use sqlx::Connection;
    if url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(url).await?;
        sqlx::query(sql).execute(&mut c).await?;
        c.close().await
    } else {
        let mut c = sqlx::PgConnection::connect(url).await?;
        sqlx::query(sql).execute(&mut c).await?;
        c.close().await
    }
}

/// The integers a query returns (first column), read as [`owner_sql`] runs SQL.
pub async fn owner_i64s(url: &str, sql: &str) -> Result<Vec<i64>, sqlx::Error> {
    use sqlx::Connection;
    if url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(url).await?;
        let v = sqlx::query_scalar(sql).fetch_all(&mut c).await?;
        c.close().await?;
        Ok(v)
    } else {
        let mut c = sqlx::PgConnection::connect(url).await?;
        let v = sqlx::query_scalar(sql).fetch_all(&mut c).await?;
        c.close().await?;
        Ok(v)
    }
}

/// An engine on `url` with the sandbox (optionally wrapped) as its connector, built as the
/// binary builds it (`paydesk::wiring::App`).
pub async fn engine_on(
    url: &str,
    worker: &str,
    wrap: impl FnOnce(Arc<Sandbox>) -> Arc<dyn PaymentConnector>,
) -> (Engine, Arc<Sandbox>, Arc<ManualClock>, AnyStore) {
    let store = AnyStore::open(url).await.expect("open store");
    let clock = Arc::new(ManualClock::default());
    let cfg = EngineConfig { worker: worker.to_string(), ..EngineConfig::default() };
    let App { store, engine, sandbox } =
        App::build(store, clock.clone(), cfg, |sandbox| Connectors::default().with(wrap(sandbox)));
    (engine, sandbox, clock, store)
}

pub fn t(s: &str) -> chrono::DateTime<chrono::Utc> {
    s.parse().expect("test time")
}
