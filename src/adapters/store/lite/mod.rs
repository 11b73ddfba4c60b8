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
//!   for that statement (in a transaction of its own). While another process on the
//!   same file writes, `BEGIN IMMEDIATE` is tried again after short sleeps, up to 10 s.
//! - the **reader**, for statements outside a transaction that only read (the snapshot,
//!   queues, reports): in WAL mode it never waits for the writer and sees every committed
//!   transaction. An in-memory database has no second connection (it would be another
//!   database): everything runs on the writer.
//!
//! **Group commit** (a file database; off unless [`Lite::with_group_commit`] turns it
//! on): the writer commits with `synchronous=NORMAL` — the transaction is in the WAL, not
//! yet on disk — and hands the writer on at once; the event then waits until the WAL file
//! has been fsynced after its commit. One waiting event (the leader) runs the fsync for
//! everyone whose commit came before it; the others wait for it and, if their commit came
//! later, for the next one. So events that arrive together share one fsync, no event's
//! `commit()` returns before its changes are durable, and no transaction is held open
//! across events (a held transaction would make one event wait for another's locks).
//! Why a separate fsync of the WAL is durable: the commit frames are in that file; a
//! checkpoint that moves them into the database file syncs the WAL before and the
//! database after (SQLite, "PRAGMA synchronous", NORMAL in WAL mode), so a frame is on
//! disk in one of the two. What others may see early: a reader can read a committed
//! transaction up to one fsync before it is durable. Nothing acts outside on such a read
//! alone: delivery and payment first commit a write of their own (a claim, a lease), and
//! a commit's wait covers every commit before it; the console and replays deliver only
//! after the event's own `commit()` returned.
//!
//! **Deferred durability** (on top of group commit; [`Lite::with_deferred_durability`],
//! which `paydesk replay` turns on): a unit of work's `commit()` returns once its
//! changes are in the writer's open transaction (a released savepoint, `batch.rs`), and
//! [`Lite::durable`] commits that transaction and waits until it is on disk. A replay has
//! every event queued in its file, so one commit and one sync can cover many events, as
//! a burst's syncs do; what keeps "durable before anything outside sees it" is that
//! nothing leaves the process without that wait first: the outbox pump calls it before
//! it delivers, every payment-provider call is preceded by it (`engine::DurableFirst`),
//! and the replay calls it before its final state line. A crash before it loses the
//! batch's events and nothing anyone was told of them (a WAL's frames are checksummed in
//! a chain: recovery keeps a prefix of the commits).
//!
//! What can block a thread: a statement itself (microseconds), a read on the reader while
//! another process recovers the file (its busy timeout), and `COMMIT` (its fsync, or a
//! checkpoint's). `COMMIT` runs through [`blocking`], which tells a multi-threaded tokio
//! runtime to move its other tasks off this thread first; the group's WAL sync runs on
//! the blocking pool; `BEGIN IMMEDIATE` waits by sleeping.

use super::db::{Arg, Sql};
use crate::app::ports::{StoreError, StoreResult};
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::OwnedMutexGuard;

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
    writer: Arc<tokio::sync::Mutex<Connection>>,
    reader: Option<Arc<Mutex<Connection>>>,
    /// The `sqlite:` URL, for what still goes through sqlx (migrations, the bench floor).
    url: String,
    /// Group commit: the WAL file whose fsync makes commits durable; `None`: each
    /// `COMMIT` syncs itself (`synchronous=FULL`).
    group: Option<Arc<Group>>,
    /// Deferred durability (see the module comment): the writer's open transaction that
    /// units of work are savepoints in, committed by [`Lite::durable`]. Only with group
    /// commit.
    batch: Option<Arc<batch::Batch>>,
}

/// Disk syncs that made this process's SQLite commits durable (`paydesk bench`: events
/// per sync; with group commit, fewer than the commits).
static SYNCS: AtomicUsize = AtomicUsize::new(0);

/// How many disk syncs have made SQLite commits durable in this process.
pub fn syncs() -> usize {
    SYNCS.load(Ordering::Relaxed)
}

/// Group commit's state: commits are numbered in order under the writer; `synced` is the
/// last number known durable.
pub struct Group {
    wal: PathBuf,
    committed: AtomicU64,
    synced: AtomicU64,
    /// Held by the leader while it syncs.
    leader: tokio::sync::Mutex<()>,
    /// The WAL's directory was synced once.
    dir_synced: AtomicBool,
    /// A sync failed, or a batch of deferred work was lost before its COMMIT
    /// (`batch.rs`): nothing is reported durable after it.
    failed: AtomicBool,
}

impl Group {
    fn new(wal: PathBuf) -> Group {
        Group {
            wal,
            committed: AtomicU64::new(0),
            synced: AtomicU64::new(0),
            leader: tokio::sync::Mutex::new(()),
            dir_synced: AtomicBool::new(false),
            failed: AtomicBool::new(false),
        }
    }

    /// Returns once commit number `n` is on disk: syncs the WAL itself if no one else is,
    /// covering every commit made so far.
    ///
    /// After one failed sync every later wait fails too: on Linux a failed writeback can
    /// leave the pages marked clean and report the error once, so a second fsync could
    /// succeed over lost commits (PostgreSQL stops on the first fsync failure for this
    /// reason). The store must be reopened.
    async fn durable(&self, n: u64) -> StoreResult<()> {
        loop {
            if self.failed.load(Ordering::SeqCst) {
                return Err(StoreError::Backend(
                    "an earlier sync of the SQLite WAL (or commit of deferred work) failed: commits since then may not be on disk; restart the bot"
                        .into(),
                ));
            }
            if self.synced.load(Ordering::SeqCst) >= n {
                return Ok(());
            }
            let _lead = self.leader.lock().await;
            if self.synced.load(Ordering::SeqCst) >= n {
                return Ok(()); // the leader before us synced it
            }
            let upto = self.committed.load(Ordering::SeqCst);
            let (wal, dir) = (self.wal.clone(), !self.dir_synced.load(Ordering::SeqCst));
            let done = tokio::task::spawn_blocking(move || sync_wal(&wal, dir))
                .await
                .map_err(|e| StoreError::Failed { what: "the WAL sync task failed", source: Box::new(e) })?;
            if let Err(e) = done {
                self.failed.store(true, Ordering::SeqCst);
                return Err(StoreError::Failed { what: "cannot sync the SQLite WAL file", source: Box::new(e) });
            }
            self.dir_synced.store(true, Ordering::SeqCst);
            SYNCS.fetch_add(1, Ordering::Relaxed);
            self.synced.fetch_max(upto, Ordering::SeqCst);
        }
    }
}

/// fsyncs the WAL file's data and, the first time (`dir`), its directory: the WAL is
/// created by this process (the last connection before it deleted it), and a new file's
/// directory entry is not made durable by syncing the file (fsync(2)); SQLite would do
/// it at its own first sync of the file, which with `synchronous=NORMAL` is the first
/// checkpoint.
fn sync_wal(wal: &Path, dir: bool) -> std::io::Result<()> {
    std::fs::File::open(wal)?.sync_data()?;
    if dir {
        if let Some(parent) = wal.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::File::open(parent)?.sync_all()?;
        }
    }
    Ok(())
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
            writer: Arc::new(tokio::sync::Mutex::new(writer)),
            reader,
            url: url.to_string(),
            group: None,
            batch: None,
        })
    }

    /// Group commit (see the module comment), for a file database; an in-memory one has
    /// nothing to sync.
    pub fn with_group_commit(mut self, on: bool) -> StoreResult<Lite> {
        let w = self.writer.try_lock().map_err(|_| StoreError::Backend("the SQLite writer is in use".into()))?;
        // The file as SQLite resolved it (symbolic links followed): its WAL is beside it.
        let path = w.path().filter(|p| on && !p.is_empty() && !self.in_memory()).map(PathBuf::from);
        // Set while no one else holds the writer (before the store is shared).
        w.pragma_update(None, "synchronous", if path.is_some() { "NORMAL" } else { "FULL" })?;
        drop(w);
        let Some(path) = path else {
            self.group = None;
            self.batch = None;
            return Ok(self);
        };
        let mut wal = path.into_os_string();
        wal.push("-wal");
        self.group = Some(Arc::new(Group::new(PathBuf::from(wal))));
        Ok(self)
    }

    /// Deferred durability (see the module comment): `commit()` returns once the
    /// transaction is committed, before it is on disk, and [`Lite::durable`] is the wait.
    /// Only where group commit is on (a file); otherwise every commit stays durable on
    /// return and this changes nothing.
    pub fn with_deferred_durability(mut self, on: bool) -> StoreResult<Lite> {
        self.batch = (on && self.group.is_some()).then(Default::default);
        let w = self.writer.try_lock().map_err(|_| StoreError::Backend("the SQLite writer is in use".into()))?;
        // A unit's savepoint keeps the pages it changed in a sub-journal, which SQLite
        // otherwise spills to a new file in /var/tmp past 64 KiB (one per batch: a
        // replay of 2,000 events made 327 and wrote 35,000 pages to them): in memory
        // it is as large as one unit's pages.
        w.pragma_update(None, "temp_store", if self.batch.is_some() { "MEMORY" } else { "DEFAULT" })?;
        drop(w);
        Ok(self)
    }

    /// With deferred durability: commits the writer's open transaction and returns once
    /// every unit of work committed so far in this process is on disk.
    ///
    /// Without it there is nothing to wait for: each `commit()` returned only once its
    /// transaction was durable, and so did every earlier one. What a read shows of another
    /// task's commit may be up to one sync early, but nothing acts outside on such a read
    /// alone: the Discord pump claims its items and the runner leases its refunds first,
    /// and that write's own wait covers every commit before it; the plain `pump` delivers
    /// what its own task committed (console). (Waiting here anyway made a burst of
    /// concurrent events sync twice per event: 904 events/s against 2,405 without.)
    pub async fn durable(&self) -> StoreResult<()> {
        let (Some(group), Some(batch)) = (&self.group, &self.batch) else { return Ok(()) };
        let w = self.writer().await?;
        batch.commit(&w, group)?;
        drop(w);
        group.durable(group.committed.load(Ordering::SeqCst)).await
    }

    /// Units of work of this process not yet known to be on disk (0 unless durability is
    /// deferred and no wait has covered them yet).
    pub fn undurable_commits(&self) -> u64 {
        let open = self.batch.as_ref().map_or(0, |b| b.units());
        let Some(g) = &self.group else { return open };
        open + g.committed.load(Ordering::SeqCst).saturating_sub(g.synced.load(Ordering::SeqCst))
    }

    /// Applies the migrations the database lacks: through sqlx on a file (its own
    /// connection; sqlx records them in `_sqlx_migrations`), here on an in-memory one.
    pub async fn migrate(&self, migrator: &sqlx::migrate::Migrator) -> StoreResult<()> {
        if self.in_memory() {
            let w = self.writer().await?;
            return migrate_in_memory(&w, migrator);
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
    async fn writer(&self) -> StoreResult<OwnedMutexGuard<Connection>> {
        tokio::time::timeout(BUSY, self.writer.clone().lock_owned())
            .await
            .map_err(|_| StoreError::Backend("the SQLite database is busy: no write finished within 10 s".into()))
    }

    /// Begins a write transaction: `BEGIN IMMEDIATE` takes SQLite's write lock up front,
    /// so a transaction that reads and then writes never fails to upgrade its lock. With
    /// deferred durability, a savepoint in the writer's open transaction (begun so first
    /// if none is open).
    pub async fn begin(&self) -> StoreResult<LiteTx> {
        let mut w = self.writer().await?;
        if let (Some(batch), Some(group)) = (&self.batch, &self.group) {
            batch.check(&w, group)?;
            if w.is_autocommit() {
                begin_immediate(&mut w).await?;
            }
            batch::Batch::begin_unit(&w)?;
            return Ok(LiteTx { w: Some(w), group: self.group.clone(), batch: Some(batch.clone()) });
        }
        begin_immediate(&mut w).await?;
        Ok(LiteTx { w: Some(w), group: self.group.clone(), batch: None })
    }

    /// A statement outside a transaction: a read on the reader, anything else on the writer.
    pub async fn rows(&self, q: &Sql) -> StoreResult<Vec<LiteRow>> {
        if self.batch.is_some() {
            // The reader would not see the writer's open transaction: read on the writer.
            let w = self.writer().await?;
            if w.prepare_cached(q.text())?.readonly() {
                return rows(&w, q);
            }
        } else if let Some(reader) = &self.reader {
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
    /// every write is, so it waits for another process without blocking a thread),
    /// durable when this returns (with deferred durability: a unit, durable at the next
    /// [`Lite::durable`]).
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
    w: Option<OwnedMutexGuard<Connection>>,
    group: Option<Arc<Group>>,
    /// Deferred durability: this is a unit (a savepoint) in the writer's open transaction.
    batch: Option<Arc<batch::Batch>>,
}

impl LiteTx {
    fn conn(&self) -> StoreResult<&Connection> {
        self.w.as_deref().ok_or_else(|| StoreError::Backend("the transaction has ended".into()))
    }

    pub fn rows(&self, q: &Sql) -> StoreResult<Vec<LiteRow>> {
        rows(self.conn()?, q)
    }

    pub fn execute(&self, q: &Sql) -> StoreResult<u64> {
        execute(self.conn()?, q)
    }

    /// Returns once the transaction is durable: its own `COMMIT` synced it
    /// (`synchronous=FULL`), or, with group commit, a sync of the WAL after it; with
    /// deferred durability, once it is committed (a later [`Lite::durable`] covers it). If
    /// the `COMMIT` fails, nothing of it was written.
    pub async fn commit(mut self) -> StoreResult<()> {
        let Some(w) = self.w.take() else { return Err(StoreError::Backend("the transaction has ended".into())) };
        if let Some(batch) = &self.batch {
            return batch.release_unit(&w, self.group.as_deref());
        }
        // Blocking either way: with `synchronous=FULL` the fsync; with NORMAL an automatic
        // checkpoint inside COMMIT syncs twice.
        let done = blocking(|| w.execute_batch("COMMIT"));
        if let Err(e) = done {
            // SQLite may have rolled back already; if the transaction is still open after
            // this, the connection would refuse every later BEGIN: say so.
            let _ = w.execute_batch("ROLLBACK");
            if !w.is_autocommit() {
                tracing::error!("SQLite left a transaction open after a failed COMMIT and ROLLBACK");
            }
            return Err(e.into());
        }
        let Some(group) = &self.group else {
            SYNCS.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        };
        // Numbered while the writer is still held: numbers follow the WAL's order.
        let n = group.committed.fetch_add(1, Ordering::SeqCst) + 1;
        drop(w); // the next event may write while this one waits for the disk
        group.durable(n).await
    }
}

impl Drop for LiteTx {
    fn drop(&mut self) {
        if let Some(w) = self.w.take() {
            if let Some(batch) = &self.batch {
                return batch.roll_back_unit(&w, self.group.as_deref());
            }
            // Nothing of this transaction was committed; if the rollback itself fails the
            // connection is unusable and SQLite rolls back when the file is next opened.
            if let Err(e) = w.execute_batch("ROLLBACK") {
                tracing::warn!(error = %e, "SQLite rollback failed");
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
    let applied: Vec<i64> =
        conn.prepare("SELECT version FROM _sqlx_migrations")?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
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

mod batch;
#[cfg(test)]
mod tests;
