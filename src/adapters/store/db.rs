//! The two backends behind one small vocabulary: a statement is an [`Sql`] value (its
//! text and its arguments, each an integer or a text, possibly NULL), run by [`Exec`] on
//! a pool or in a transaction; a result row is a [`Row`] read by column name. Each of
//! these is a plain `match` over SQLite and PostgreSQL, so the queries of the store are
//! ordinary functions that rustfmt formats and clippy lints, written once for both.
//!
//! SQLite's statements run on the calling thread through `lite.rs` (why: see there);
//! PostgreSQL's through sqlx.
//!
//! Why not code generic over `sqlx::Database`: every such function needs a dozen
//! higher-ranked bounds (executor, arguments, encode/decode of each type bound) that a
//! private trait cannot carry for it (only supertraits are implied), and a macro hides
//! the code from rustfmt. Arguments here are only 64-bit integers and text, the two
//! column types the store uses (see `codec.rs`).

use super::lite::{Lite, LiteRow, LiteTx};
use crate::app::ports::{StoreError, StoreResult};
use rusqlite::types::Value;
use sqlx::postgres::PgRow;
use sqlx::{PgPool, Postgres, Transaction};
use std::borrow::Cow;

/// Which database a statement runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// What follows a `SELECT` of rows the transaction reads in order to change them.
    /// SQLite: nothing, `BEGIN IMMEDIATE` already made the transaction the only writer.
    /// PostgreSQL: the rows are locked until commit, in the order the event reaches them
    /// (after the audit head, taken at `begin`; ARCHITECTURE.md, Concurrency).
    fn lock_suffix(self) -> &'static str {
        match self {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        }
    }
}

/// One argument of a statement: the store binds only integers and texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Int(Option<i64>),
    Text(Option<String>),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Arg {
        Arg::Int(Some(v))
    }
}

impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Arg {
        Arg::Int(v)
    }
}

impl From<&str> for Arg {
    fn from(v: &str) -> Arg {
        Arg::Text(Some(v.to_string()))
    }
}

impl From<&String> for Arg {
    fn from(v: &String) -> Arg {
        Arg::Text(Some(v.clone()))
    }
}

impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Text(Some(v))
    }
}

impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Arg {
        Arg::Text(v)
    }
}

impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Arg {
        Arg::Text(v.map(str::to_string))
    }
}

/// A statement with its arguments (`$1`, `$2`, … in order; both backends read them).
#[derive(Debug, Clone)]
pub struct Sql {
    text: Cow<'static, str>,
    args: Vec<Arg>,
}

/// A statement whose text is fixed.
pub fn sql(text: &'static str) -> Sql {
    Sql { text: Cow::Borrowed(text), args: Vec::new() }
}

/// A statement whose text is put together at run time (column lists, fixed words).
pub fn sql_owned(text: String) -> Sql {
    Sql { text: Cow::Owned(text), args: Vec::new() }
}

impl Sql {
    /// The next argument.
    pub fn bind(mut self, arg: impl Into<Arg>) -> Sql {
        self.args.push(arg.into());
        self
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn args(&self) -> &[Arg] {
        &self.args
    }

    fn for_postgres(&self) -> sqlx::query::Query<'_, Postgres, sqlx::postgres::PgArguments> {
        self.args.iter().fold(sqlx::query(&self.text), |q, a| match a {
            Arg::Int(v) => q.bind(*v),
            Arg::Text(v) => q.bind(v.as_deref()),
        })
    }
}

/// A result row of either backend, read by column name.
pub enum Row {
    Sqlite(LiteRow),
    Postgres(PgRow),
}

/// A type a column is read as: the store's columns are 64-bit integers and texts, each
/// possibly NULL (`codec.rs` turns them into domain values).
pub trait Column: Sized + for<'r> sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres> {
    /// The value of a SQLite column (SQLite's types are per value, not per column).
    fn from_sqlite(v: &Value, column: &str) -> StoreResult<Self>;
}

fn wrong_type(column: &str, v: &Value, want: &str) -> StoreError {
    StoreError::Corrupt(format!("column `{column}` holds {:?}, not {want}", v.data_type()))
}

impl Column for i64 {
    fn from_sqlite(v: &Value, column: &str) -> StoreResult<Self> {
        match v {
            Value::Integer(i) => Ok(*i),
            other => Err(wrong_type(column, other, "an integer")),
        }
    }
}

impl Column for String {
    fn from_sqlite(v: &Value, column: &str) -> StoreResult<Self> {
        match v {
            Value::Text(t) => Ok(t.clone()),
            other => Err(wrong_type(column, other, "a text")),
        }
    }
}

impl<T: Column> Column for Option<T>
where
    Option<T>: for<'r> sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>,
{
    fn from_sqlite(v: &Value, column: &str) -> StoreResult<Self> {
        match v {
            Value::Null => Ok(None),
            v => T::from_sqlite(v, column).map(Some),
        }
    }
}

impl Row {
    /// The value of a column (`i64`, `String` or their `Option`s).
    pub fn get<T: Column>(&self, column: &str) -> StoreResult<T> {
        use sqlx::Row as _;
        match self {
            Row::Sqlite(r) => T::from_sqlite(r.value(column)?, column),
            Row::Postgres(r) => Ok(r.try_get(column)?),
        }
    }

    pub fn int(&self, column: &str) -> StoreResult<i64> {
        self.get(column)
    }

    pub fn text(&self, column: &str) -> StoreResult<String> {
        self.get(column)
    }

    pub fn flag(&self, column: &str) -> StoreResult<bool> {
        Ok(self.int(column)? != 0)
    }
}

/// Where statements run: a pool (one statement, its own implicit transaction) or an
/// open transaction.
pub trait Exec: Send {
    fn backend(&self) -> Backend;
    /// Runs a statement and returns its rows.
    async fn rows(&mut self, q: Sql) -> StoreResult<Vec<Row>>;
    /// Runs a statement and returns how many rows it changed.
    async fn execute(&mut self, q: Sql) -> StoreResult<u64>;

    /// The first row, if any.
    async fn optional(&mut self, q: Sql) -> StoreResult<Option<Row>> {
        Ok(self.rows(q).await?.into_iter().next())
    }

    /// The one row a statement always returns (an aggregate, `RETURNING`).
    async fn one(&mut self, q: Sql) -> StoreResult<Row> {
        self.optional(q).await?.ok_or_else(|| sqlx::Error::RowNotFound.into())
    }

    /// A statement reading rows in order to change them, locked on PostgreSQL: `text`
    /// followed by `FOR UPDATE` there.
    fn locking(&self, text: &str) -> Sql {
        sql_owned(format!("{text}{}", self.backend().lock_suffix()))
    }
}

/// The store's connections.
#[derive(Clone)]
pub enum Pool {
    Sqlite(Lite),
    Postgres(PgPool),
}

/// The first statement of every write transaction on PostgreSQL (lock order, first
/// lock). Nearly every event appends to the one linear audit chain and takes hot counter
/// rows (case, message numbers) in an order that depends on the event; taking the head
/// first makes write transactions queue here instead of deadlocking on those rows later
/// (ARCHITECTURE.md, Concurrency).
const LOCK_AUDIT_HEAD: &str = "SELECT id FROM audit_head WHERE id = 1 FOR UPDATE";

impl Pool {
    /// Begins a write transaction: `BEGIN IMMEDIATE` on SQLite (the write lock up front,
    /// so a read-then-write transaction never fails to upgrade), the audit head locked
    /// first on PostgreSQL.
    pub async fn begin(&self) -> StoreResult<Tx> {
        match self {
            Pool::Sqlite(p) => Ok(Tx::Sqlite(p.begin().await?)),
            Pool::Postgres(p) => {
                let mut tx = p.begin().await?;
                sqlx::query(LOCK_AUDIT_HEAD).execute(&mut *tx).await?;
                Ok(Tx::Postgres(tx))
            }
        }
    }
}

impl Exec for &Pool {
    fn backend(&self) -> Backend {
        match self {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    async fn rows(&mut self, q: Sql) -> StoreResult<Vec<Row>> {
        Ok(match self {
            Pool::Sqlite(p) => p.rows(&q).await?.into_iter().map(Row::Sqlite).collect(),
            Pool::Postgres(p) => q.for_postgres().fetch_all(p).await?.into_iter().map(Row::Postgres).collect(),
        })
    }

    async fn execute(&mut self, q: Sql) -> StoreResult<u64> {
        Ok(match self {
            Pool::Sqlite(p) => p.execute(&q).await?,
            Pool::Postgres(p) => q.for_postgres().execute(p).await?.rows_affected(),
        })
    }
}

/// An open write transaction (see [`Pool::begin`]).
pub enum Tx {
    Sqlite(LiteTx),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub async fn commit(self) -> StoreResult<()> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

impl Exec for Tx {
    fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }

    async fn rows(&mut self, q: Sql) -> StoreResult<Vec<Row>> {
        Ok(match self {
            Tx::Sqlite(tx) => tx.rows(&q)?.into_iter().map(Row::Sqlite).collect(),
            Tx::Postgres(tx) => q.for_postgres().fetch_all(&mut **tx).await?.into_iter().map(Row::Postgres).collect(),
        })
    }

    async fn execute(&mut self, q: Sql) -> StoreResult<u64> {
        Ok(match self {
            Tx::Sqlite(tx) => tx.execute(&q)?,
            Tx::Postgres(tx) => q.for_postgres().execute(&mut **tx).await?.rows_affected(),
        })
    }
}
