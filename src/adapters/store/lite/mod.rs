//! SQLite, run on the calling thread.
//!
//! Why not sqlx for SQLite's statements: sqlx runs every SQLite statement on a worker
//! thread of its own and hands each one over through a channel. Measured on the 2-core
//! machine (README "Performance"), those hand-offs were 60–70 % of a replayed event's time
//! (`SELECT 1`: 10–11 µs through sqlx, 0.05 µs on the connection itself), more than the
//! fsync. Here a statement runs where it is called, on one connection kept open, with
//! its compiled form cached (`prepare_cached`). sqlx still applies the migrations (and
//! measures `paydesk bench`'s floor); PostgreSQL stays on sqlx.
//!
//! The connections:
//! - the **writer**, behind an async mutex: a write transaction holds it from `BEGIN
//!   IMMEDIATE` to `COMMIT`/`ROLLBACK`, so this process has one writer at a time (SQLite's
//!   own rule); statements outside a transaction that write (outbox marks, leases) take it
//!   for that statement. Another process on the same file waits on SQLite's lock
//!   (`busy_timeout`, 10 s), as before.
//! - the **reader**, for statements outside a transaction that only read (the snapshot,
//!   queues, reports): in WAL mode it never waits for the writer and sees every committed
//!   transaction. An in-memory database has no second connection (it would be another
//!   database): everything runs on the writer.
//!
//! **Group commit** (off unless [`Lite::with_group_commit`] turns it on): while other
//! events wait for the writer, a finished event's transaction is not committed alone.
//! Its changes are kept (`RELEASE` of its savepoint inside one open transaction), it
//! hands the writer to the next event and waits; whoever finds nobody waiting (or the
//! group full) commits them all with one fsync and wakes the others with the outcome.
//! An event's `commit()` still returns only once its changes are durable, so nothing it
//! decided (a reply, a payment) happens before that; if the shared `COMMIT` fails, it
//! fails for every event in the group, none of whose outcomes was acted on. An event
//! that fails is rolled back to its own savepoint and leaves the others' changes alone.
//! A statement outside a transaction that writes (an outbox mark, a lease) joins the
//! group the same way.
//!
//! What can block a thread: a statement itself (microseconds), `BEGIN IMMEDIATE` while
//! another process writes (up to the busy timeout) and `COMMIT`'s fsync. Those two run
//! through [`blocking`], which tells a multi-threaded tokio runtime to move its other tasks
//! off this thread first.

use super::db::{Arg, Sql};
use crate::app::ports::{StoreError, StoreResult};
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{oneshot, OwnedMutexGuard};

/// How long a statement waits for another process's lock on the file, and how long this
/// process waits for its own writer (a transaction left open that long is a bug).
const BUSY: Duration = Duration::from_secs(10);

/// Compiled statements kept per connection: the store has about 150 distinct statements.
const STATEMENT_CACHE: usize = 256;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Database(Box::new(e))
    }
}

/// The connections of one SQLite database (see the module comment).
#[derive(Clone)]
pub struct Lite {
    writer: Arc<tokio::sync::Mutex<Writer>>,
    reader: Option<Arc<Mutex<Connection>>>,
    /// The `sqlite:` URL, for what still goes through sqlx (migrations, the bench floor).
    url: String,
    /// Most events sharing one commit; 1: each commits alone.
    group_max: usize,
    /// Tasks waiting for the writer (group commit: a finished event waits for them).
    queued: Arc<AtomicUsize>,
}

/// `COMMIT`s of write transactions run by this process's writer (each one fsync): with
/// group commit, fewer than the events committed.
static COMMITS: AtomicUsize = AtomicUsize::new(0);

/// How many write transactions this process has committed on SQLite (`paydesk bench`).
pub fn commits() -> usize {
    COMMITS.load(Ordering::Relaxed)
}

/// The writer connection and the group of events whose changes it holds uncommitted.
pub struct Writer {
    conn: Connection,
    /// Events whose savepoints were released into the open transaction, waiting for its
    /// `COMMIT`; `None`: no transaction is open.
    group: Option<Vec<oneshot::Sender<Result<(), GroupCommitFailed>>>>,
}

impl Writer {
    /// Commits the open group, if any, and tells its waiting events the outcome.
    fn commit_group(&mut self) -> StoreResult<()> {
        let Some(waiting) = self.group.take() else { return Ok(()) };
        let done = blocking(|| self.conn.execute_batch("COMMIT"));
        COMMITS.fetch_add(1, Ordering::Relaxed);
        if done.is_err() {
            // Nothing of the group is on disk: end the transaction (the drop of a failed
            // COMMIT may leave it open) so the next event starts clean.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        let shared = done.as_ref().map(|_| ()).map_err(|e| GroupCommitFailed(Arc::from(e.to_string())));
        for w in waiting {
            // A waiter that is gone (its task was cancelled) learns nothing; its changes
            // share the group's fate all the same.
            let _ = w.send(shared.clone());
        }
        Ok(done?)
    }
}

/// The shared `COMMIT` of a group failed: nothing of the events in it was written.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the group commit failed, nothing of this event was written: {0}")]
pub struct GroupCommitFailed(Arc<str>);

/// Counts a task as waiting for the writer until it has it (or gives up).
struct Queued<'a> {
    lite: &'a Lite,
    got_it: bool,
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.lite.queued.fetch_sub(1, Ordering::SeqCst);
        if !self.got_it {
            // Gave up waiting (cancelled): an event may have left the writer to it and be
            // waiting for a commit; if the writer is free now, commit that group.
            self.lite.flush_if_idle();
        }
    }
}

/// Opens one connection with the bot's settings: WAL (a property of the file, set when
/// it was created), `synchronous=FULL` (a commit is on disk before it returns), foreign
/// keys on, and how long a statement waits for another process's lock (the writer: not
/// at all, its `BEGIN IMMEDIATE` waits without blocking a thread, see [`begin_immediate`]).
fn connect(path: Option<&Path>, busy: Duration) -> StoreResult<Connection> {
    let conn = match path {
        Some(p) => Connection::open_with_flags(
            p,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?,
        None => Connection::open_in_memory()?,
    };
    conn.busy_timeout(busy)?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

impl Lite {
    /// The connections of the database file `path` (already created and in WAL mode), or
    /// of a new, empty in-memory database (`None`).
    pub fn open(url: &str, path: Option<&Path>) -> StoreResult<Lite> {
        let writer = connect(path, Duration::ZERO)?;
        let reader = path.map(|p| connect(Some(p), BUSY).map(|c| Arc::new(Mutex::new(c)))).transpose()?;
        Ok(Lite {
            writer: Arc::new(tokio::sync::Mutex::new(Writer { conn: writer, group: None })),
            reader,
            url: url.to_string(),
            group_max: 32,
            queued: Arc::default(),
        })
    }

    /// Lets up to `max` events share one commit (see the module comment); 0 or 1: off.
    pub fn with_group_commit(mut self, max: usize) -> Lite {
        self.group_max = max.max(1);
        self
    }

    /// Commits the open group if no task holds the writer.
    fn flush_if_idle(&self) {
        if let Ok(mut w) = self.writer.try_lock() {
            if let Err(e) = w.commit_group() {
                tracing::warn!(error = %e, "SQLite group commit failed");
            }
        }
    }

    /// Applies the migrations the database lacks: through sqlx on a file (its own
    /// connection; sqlx records them in `_sqlx_migrations`), here on an in-memory one.
    pub async fn migrate(&self, migrator: &sqlx::migrate::Migrator) -> StoreResult<()> {
        if self.in_memory() {
            let mut w = self.writer().await?;
            w.commit_group()?;
            return migrate_in_memory(&w.conn, migrator);
        }
        use sqlx::{ConnectOptions, Connection};
        let mut c = sqlx::sqlite::SqliteConnectOptions::from_str(&self.url)?.busy_timeout(BUSY).connect().await?;
        migrator.run(&mut c).await?;
        c.close().await?;
        Ok(())
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Whether the database lives only in this process (no file).
    pub fn in_memory(&self) -> bool {
        self.reader.is_none()
    }

    /// The writer, waited for at most [`BUSY`].
    async fn writer(&self) -> StoreResult<OwnedMutexGuard<Writer>> {
        self.queued.fetch_add(1, Ordering::SeqCst);
        let mut queued = Queued { lite: self, got_it: false };
        let w = tokio::time::timeout(BUSY, self.writer.clone().lock_owned())
            .await
            .map_err(|_| StoreError::Backend("the SQLite database is busy: no write finished within 10 s".into()))?;
        queued.got_it = true;
        Ok(w)
    }

    /// Begins a write transaction: `BEGIN IMMEDIATE` takes SQLite's write lock up front,
    /// so a transaction that reads and then writes never fails to upgrade its lock. With
    /// group commit, a savepoint in the group's transaction (begun if none is open).
    pub async fn begin(&self) -> StoreResult<LiteTx> {
        let mut w = self.writer().await?;
        if self.group_max <= 1 {
            begin_immediate(&mut w.conn).await?;
            return Ok(LiteTx { w: Some(w), lite: self.clone(), grouped: false });
        }
        if w.group.is_none() {
            begin_immediate(&mut w.conn).await?;
            w.group = Some(Vec::new());
        }
        w.conn.execute_batch("SAVEPOINT event")?;
        Ok(LiteTx { w: Some(w), lite: self.clone(), grouped: true })
    }

    /// A statement outside a transaction: a read on the reader, anything else on the writer.
    pub async fn rows(&self, q: &Sql) -> StoreResult<Vec<LiteRow>> {
        if let Some(reader) = &self.reader {
            let conn = reader.lock().map_err(|_| StoreError::Backend("the SQLite reader was poisoned".into()))?;
            if conn.prepare_cached(q.text())?.readonly() {
                return rows(&conn, q);
            }
        }
        self.alone(q, rows).await
    }

    /// A statement outside a transaction that changes rows: on the writer.
    pub async fn execute(&self, q: &Sql) -> StoreResult<u64> {
        self.alone(q, execute).await
    }

    /// A statement on the writer outside a transaction: its own transaction (begun as
    /// every write is, so it waits for another process without blocking a thread), durable
    /// when this returns; with group commit, a member of the group like any event.
    async fn alone<T>(&self, q: &Sql, run: fn(&Connection, &Sql) -> StoreResult<T>) -> StoreResult<T> {
        let tx = self.begin().await?;
        let out = run(tx.conn()?, q)?;
        tx.commit().await?;
        Ok(out)
    }
}

/// A write transaction on the writer: committed by [`LiteTx::commit`], rolled back when
/// dropped before that (an error, a panic, a cancelled task).
pub struct LiteTx {
    w: Option<OwnedMutexGuard<Writer>>,
    lite: Lite,
    /// A savepoint in a group's transaction.
    grouped: bool,
}

impl LiteTx {
    fn conn(&self) -> StoreResult<&Connection> {
        self.w.as_deref().map(|w| &w.conn).ok_or_else(|| StoreError::Backend("the transaction has ended".into()))
    }

    pub fn rows(&self, q: &Sql) -> StoreResult<Vec<LiteRow>> {
        rows(self.conn()?, q)
    }

    pub fn execute(&self, q: &Sql) -> StoreResult<u64> {
        execute(self.conn()?, q)
    }

    /// Returns once the transaction is durable (`synchronous=FULL`): its own `COMMIT`, or
    /// its group's. If it fails, nothing of it was written.
    pub async fn commit(mut self) -> StoreResult<()> {
        let Some(mut w) = self.w.take() else { return Err(StoreError::Backend("the transaction has ended".into())) };
        if !self.grouped {
            let done = blocking(|| w.conn.execute_batch("COMMIT"));
            COMMITS.fetch_add(1, Ordering::Relaxed);
            if done.is_err() {
                let _ = w.conn.execute_batch("ROLLBACK");
            }
            return Ok(done?);
        }
        if let Err(e) = w.conn.execute_batch("RELEASE event") {
            self.w = Some(w); // the drop rolls this event back
            return Err(e.into());
        }
        // Let events that are ready to run reach the writer's queue before deciding (on
        // a busy server they are already there; in one task of several futures, they get
        // their turn only now).
        tokio::task::yield_now().await;
        let waiting = w.group.as_ref().map_or(0, Vec::len);
        if self.lite.queued.load(Ordering::SeqCst) == 0 || waiting + 1 >= self.lite.group_max {
            // Nobody else is ready to join, or the group is full: commit it now.
            return w.commit_group();
        }
        let (tx, mut rx) = oneshot::channel();
        if let Some(g) = w.group.as_mut() {
            g.push(tx);
        }
        drop(w); // the next event in the queue takes the writer
        loop {
            // The last event of a group commits it; if that one was cancelled while
            // waiting, whoever finds the writer free does (checked every few ms).
            match tokio::time::timeout(Duration::from_millis(5), &mut rx).await {
                Ok(Ok(outcome)) => return outcome.map_err(|e| StoreError::Database(Box::new(e))),
                Ok(Err(_)) => {
                    return Err(StoreError::Backend("the group commit ended without an outcome".into()));
                }
                Err(_) => self.lite.flush_if_idle(),
            }
        }
    }
}

impl Drop for LiteTx {
    fn drop(&mut self) {
        let Some(mut w) = self.w.take() else { return };
        if !self.grouped {
            // Nothing of this transaction was committed; if the rollback itself fails the
            // connection is unusable and SQLite rolls back when the file is next opened.
            if let Err(e) = w.conn.execute_batch("ROLLBACK") {
                tracing::warn!(error = %e, "SQLite rollback failed");
            }
            return;
        }
        // Undo this event only; the group's other events keep their changes.
        if let Err(e) = w.conn.execute_batch("ROLLBACK TO event; RELEASE event") {
            tracing::warn!(error = %e, "SQLite rollback to the event's savepoint failed: the group is rolled back");
            let _ = w.conn.execute_batch("ROLLBACK");
            for waiter in w.group.take().unwrap_or_default() {
                let _ = waiter.send(Err(GroupCommitFailed(Arc::from(e.to_string()))));
            }
            return;
        }
        if self.lite.queued.load(Ordering::SeqCst) == 0 {
            if let Err(e) = w.commit_group() {
                tracing::warn!(error = %e, "SQLite group commit failed");
            }
        }
    }
}

/// A result row: the statement's column names and this row's values.
#[derive(Debug, Clone)]
pub struct LiteRow {
    columns: Arc<[String]>,
    values: Vec<Value>,
}

impl LiteRow {
    pub fn value(&self, column: &str) -> StoreResult<&Value> {
        self.columns
            .iter()
            .position(|c| c == column)
            .and_then(|i| self.values.get(i))
            .ok_or_else(|| StoreError::Corrupt(format!("no column `{column}` in the result")))
    }
}

/// `BEGIN IMMEDIATE`, waiting while another process holds the file's write lock: tried
/// again after a short sleep (1 ms doubling to 20 ms) for up to [`BUSY`], so the wait
/// never blocks a runtime thread (a blocked thread could be the one the other writer, in
/// this process, needs to finish: two stores on one file in one process, as in tests).
/// (`&mut`: a shared reference to a connection cannot cross an `.await` in a `Send` future.)
async fn begin_immediate(conn: &mut Connection) -> StoreResult<()> {
    let start = std::time::Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        match conn.execute_batch("BEGIN IMMEDIATE") {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy && start.elapsed() < BUSY =>
            {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_millis(20));
            }
            other => return Ok(other?),
        }
    }
}

/// Binds the arguments: `$n` is the n-th argument wherever it appears (as sqlx and
/// PostgreSQL read it); a parameter of another form takes the argument at its position.
fn bind(stmt: &mut rusqlite::Statement<'_>, args: &[Arg]) -> StoreResult<()> {
    for i in 1..=stmt.parameter_count() {
        let n = stmt.parameter_name(i).and_then(|p| p.strip_prefix('$')).and_then(|d| d.parse::<usize>().ok());
        let n = n.unwrap_or(i);
        let arg = args
            .get(n.wrapping_sub(1))
            .ok_or_else(|| StoreError::Backend(format!("statement parameter ${n} has no argument")))?;
        match arg {
            Arg::Int(v) => stmt.raw_bind_parameter(i, v)?,
            Arg::Text(v) => stmt.raw_bind_parameter(i, v.as_deref())?,
        }
    }
    Ok(())
}

fn rows(conn: &Connection, q: &Sql) -> StoreResult<Vec<LiteRow>> {
    let mut stmt = conn.prepare_cached(q.text())?;
    bind(&mut stmt, q.args())?;
    let columns: Arc<[String]> = stmt.column_names().into_iter().map(str::to_string).collect();
    let mut out = Vec::new();
    let mut rows = stmt.raw_query();
    while let Some(r) = rows.next()? {
        let values = (0..columns.len()).map(|i| r.get_ref(i).map(Value::from)).collect::<Result<_, _>>()?;
        out.push(LiteRow { columns: columns.clone(), values });
    }
    Ok(out)
}

/// Runs a statement to its end (rows it returns, e.g. by `RETURNING`, are dropped) and
/// returns how many rows it changed.
fn execute(conn: &Connection, q: &Sql) -> StoreResult<u64> {
    let mut stmt = conn.prepare_cached(q.text())?;
    bind(&mut stmt, q.args())?;
    let mut rows = stmt.raw_query();
    while rows.next()?.is_some() {}
    drop(rows);
    Ok(conn.changes())
}

/// Runs `f`, which may wait (for a lock, for the disk), letting a multi-threaded tokio
/// runtime move its other tasks to another thread first; inline on any other runtime
/// (a current-thread runtime has no other thread to give them to).
fn blocking<R>(f: impl FnOnce() -> R) -> R {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => tokio::task::block_in_place(f),
        _ => f(),
    }
}

/// The migrations an in-memory database lacks, each applied in its transaction and
/// recorded in sqlx's `_sqlx_migrations` table as sqlx records them, so that
/// `applied_versions` reads the same on every store.
fn migrate_in_memory(conn: &Connection, migrator: &sqlx::migrate::Migrator) -> StoreResult<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, \
         installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, success BOOLEAN NOT NULL, \
         checksum BLOB NOT NULL, execution_time BIGINT NOT NULL)",
    )?;
    let applied: Vec<i64> = conn
        .prepare("SELECT version FROM _sqlx_migrations")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for m in migrator.iter().filter(|m| m.migration_type.is_up_migration() && !applied.contains(&m.version)) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(&m.sql)?;
        tx.execute(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (?1, ?2, 1, ?3, 0)",
            rusqlite::params![m.version, m.description.as_ref(), m.checksum.as_ref()],
        )?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
