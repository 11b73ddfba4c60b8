use super::*;
use crate::adapters::store::db::sql;

fn memory() -> Lite {
    Lite::open("sqlite::memory:", None).expect("open")
}

#[tokio::test]
async fn dollar_parameters_bind_by_number_wherever_they_appear() {
    let db = memory();
    let tx = db.begin().await.expect("begin");
    tx.execute(&sql("CREATE TABLE t (a INTEGER, b TEXT)")).expect("create");
    // $2 appears before $1, and $1 twice.
    let q = sql("INSERT INTO t (b, a) VALUES ($2 || $2, $1 + $1)").bind(21).bind("x");
    assert_eq!(tx.execute(&q).expect("insert"), 1);
    let rows = tx.rows(&sql("SELECT a, b FROM t")).expect("rows");
    assert_eq!(rows[0].value("a").expect("a"), &Value::Integer(42));
    assert_eq!(rows[0].value("b").expect("b"), &Value::Text("xx".into()));
    assert!(rows[0].value("c").is_err());
    tx.commit().await.expect("commit");
}

#[tokio::test]
async fn a_dropped_transaction_rolls_back_and_frees_the_writer() {
    let db = memory();
    {
        let tx = db.begin().await.expect("begin");
        tx.execute(&sql("CREATE TABLE t (a INTEGER)")).expect("create");
        tx.commit().await.expect("commit");
    }
    {
        let tx = db.begin().await.expect("begin");
        tx.execute(&sql("INSERT INTO t (a) VALUES (1)")).expect("insert");
    } // dropped: rolled back
    let n = db.rows(&sql("SELECT COUNT(*) AS n FROM t")).await.expect("count");
    assert_eq!(n[0].value("n").expect("n"), &Value::Integer(0));
}

/// A file database with table `t (a INTEGER)`, with group commit.
fn grouped(dir: &tempfile::TempDir) -> Lite {
    let path = dir.path().join("g.db");
    let c = Connection::open(&path).expect("create");
    c.pragma_update(None, "journal_mode", "WAL").expect("wal");
    c.execute_batch("CREATE TABLE t (a INTEGER)").expect("table");
    let url = format!("sqlite:{}", path.display());
    Lite::open(&url, Some(&path)).expect("open").with_group_commit(true).expect("group commit")
}

fn committed(dir: &tempfile::TempDir) -> Vec<i64> {
    let c = Connection::open(dir.path().join("g.db")).expect("open");
    let mut q = c.prepare("SELECT a FROM t ORDER BY a").expect("prepare");
    q.query_map([], |r| r.get(0)).expect("query").collect::<Result<_, _>>().expect("rows")
}

/// Events that commit while a sync is running wait for the next one, which covers them
/// all: eight commits, one sync; and none returns before its commit is covered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commits_made_during_a_sync_share_the_next_one() {
    let dir = tempfile::tempdir().expect("dir");
    let db = grouped(&dir);
    let group = db.group.clone().expect("group commit is on");
    let busy = group.leader.lock().await; // a sync in progress
    let mut tasks = Vec::new();
    for i in 1..=8i64 {
        let d = db.clone();
        tasks.push(tokio::spawn(async move {
            let tx = d.begin().await.expect("begin");
            tx.execute(&sql("INSERT INTO t (a) VALUES ($1)").bind(i)).expect("insert");
            tx.commit().await.expect("commit");
        }));
    }
    while group.committed.load(Ordering::SeqCst) < 8 {
        tokio::task::yield_now().await;
    }
    assert_eq!(group.synced.load(Ordering::SeqCst), 0, "no commit is durable before a sync");
    assert!(tasks.iter().all(|t| !t.is_finished()), "no commit() returned before its sync");
    let syncs_before = syncs();
    drop(busy);
    for t in tasks {
        t.await.expect("task");
    }
    assert_eq!(group.synced.load(Ordering::SeqCst), 8);
    // Other tests may sync meanwhile (the counter is per process); this group synced once.
    assert!(syncs() - syncs_before < 8);
    assert_eq!(committed(&dir), (1..=8).collect::<Vec<_>>());
}

/// A transaction that rolls back takes no number: the next commit does not wait for it.
#[tokio::test]
async fn a_rollback_takes_no_commit_number() {
    let dir = tempfile::tempdir().expect("dir");
    let db = grouped(&dir);
    let group = db.group.clone().expect("group commit is on");
    {
        let tx = db.begin().await.expect("begin");
        tx.execute(&sql("INSERT INTO t (a) VALUES (1)")).expect("insert");
    }
    assert_eq!(group.committed.load(Ordering::SeqCst), 0);
    let tx = db.begin().await.expect("begin");
    tx.execute(&sql("INSERT INTO t (a) VALUES (2)")).expect("insert");
    tx.commit().await.expect("commit");
    assert_eq!(group.synced.load(Ordering::SeqCst), 1);
    assert_eq!(committed(&dir), vec![2]);
}

/// If the WAL cannot be synced, `commit()` says so instead of claiming durability.
#[tokio::test]
async fn a_failed_sync_is_an_error() {
    let dir = tempfile::tempdir().expect("dir");
    let mut db = grouped(&dir);
    let g = db.group.take().expect("group");
    let missing = Group::new(dir.path().join("missing-wal"));
    missing.committed.store(g.committed.load(Ordering::SeqCst), Ordering::SeqCst);
    db.group = Some(Arc::new(missing));
    let tx = db.begin().await.expect("begin");
    tx.execute(&sql("INSERT INTO t (a) VALUES (1)")).expect("insert");
    let e = tx.commit().await.expect_err("no WAL to sync");
    assert!(e.to_string().contains("cannot sync"), "{e}");
    // Nothing is reported durable after a failed sync, even if a later one would succeed.
    let tx = db.begin().await.expect("begin");
    tx.execute(&sql("INSERT INTO t (a) VALUES (2)")).expect("insert");
    let e = tx.commit().await.expect_err("poisoned");
    assert!(e.to_string().contains("earlier sync"), "{e}");
}

#[tokio::test]
async fn a_missing_argument_is_an_error_not_a_null() {
    let db = memory();
    let e = db.rows(&sql("SELECT $1 AS a, $2 AS b").bind(1)).await.expect_err("missing $2");
    assert!(e.to_string().contains("$2"), "{e}");
}

/// A file database: reads outside a transaction go to the reader and see what the
/// writer committed, not what it has not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reader_sees_commits_only() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("l.db");
    {
        let c = Connection::open(&path).expect("create");
        c.pragma_update(None, "journal_mode", "WAL").expect("wal");
        c.execute_batch("CREATE TABLE t (a INTEGER)").expect("table");
    }
    let db = Lite::open("sqlite:l.db", Some(&path)).expect("open");
    let tx = db.begin().await.expect("begin");
    tx.execute(&sql("INSERT INTO t (a) VALUES (7)")).expect("insert");
    let before = db.rows(&sql("SELECT COUNT(*) AS n FROM t")).await.expect("read during the transaction");
    assert_eq!(before[0].value("n").expect("n"), &Value::Integer(0));
    tx.commit().await.expect("commit");
    let after = db.rows(&sql("SELECT COUNT(*) AS n FROM t")).await.expect("read after");
    assert_eq!(after[0].value("n").expect("n"), &Value::Integer(1));
}

/// Deferred durability: units of work commit into the writer's open transaction
/// without a sync, a dropped unit is undone alone, reads outside a unit see the open
/// transaction, and `durable()` commits it with one COMMIT and one sync; without
/// deferral a commit is durable on return.
#[tokio::test]
async fn deferred_units_share_one_commit_and_sync_and_a_dropped_one_is_undone_alone() {
    let dir = tempfile::tempdir().expect("dir");
    let db = grouped(&dir).with_deferred_durability(true).expect("deferral");
    let group = db.group.clone().expect("group commit is on");
    for a in 1..=5 {
        let tx = db.begin().await.expect("begin");
        tx.execute(&sql("INSERT INTO t (a) VALUES ($1)").bind(a)).expect("insert");
        if a == 3 {
            drop(tx); // an event that failed: undone alone
            continue;
        }
        tx.commit().await.expect("commit");
    }
    let seen = db.rows(&sql("SELECT COUNT(*) AS n FROM t")).await.expect("read");
    assert_eq!(seen[0].value("n").expect("n"), &Value::Integer(4), "reads see the open transaction");
    assert_eq!(committed(&dir), Vec::<i64>::new(), "another connection sees nothing before the COMMIT");
    assert_eq!(group.synced.load(Ordering::SeqCst), 0, "no sync before durable()");
    assert_eq!(db.undurable_commits(), 4);
    db.durable().await.expect("durable");
    assert_eq!(group.committed.load(Ordering::SeqCst), 1, "one COMMIT for four units");
    assert_eq!(group.synced.load(Ordering::SeqCst), 1, "one sync");
    assert_eq!(db.undurable_commits(), 0);
    assert_eq!(committed(&dir), vec![1, 2, 4, 5]);
    db.durable().await.expect("nothing left to commit");
    assert_eq!(group.committed.load(Ordering::SeqCst), 1);

    let db = db.with_deferred_durability(false).expect("deferral");
    let tx = db.begin().await.expect("begin");
    tx.execute(&sql("INSERT INTO t (a) VALUES (6)")).expect("insert");
    tx.commit().await.expect("commit");
    assert_eq!(db.undurable_commits(), 0, "without deferral a commit is durable on return");
}

/// Deferral needs group commit (a file): in memory, or with group commit off, every
/// commit stays durable on return.
#[tokio::test]
async fn deferral_without_group_commit_changes_nothing() {
    let db = memory().with_deferred_durability(true).expect("deferral");
    assert!(db.batch.is_none());
    let dir = tempfile::tempdir().expect("dir");
    let db = grouped(&dir).with_group_commit(false).expect("off").with_deferred_durability(true).expect("deferral");
    assert!(db.batch.is_none());
    let tx = db.begin().await.expect("begin");
    tx.execute(&sql("INSERT INTO t (a) VALUES (1)")).expect("insert");
    tx.commit().await.expect("commit");
    db.durable().await.expect("nothing to wait for");
}

/// A batch SQLite ended on its own (here: rolled back behind the store's back, as an I/O
/// error between units would) poisons the store: the next unit and `durable()` are
/// refused, and nothing after the loss is committed (a gap, not a lost suffix, could
/// lose a refund's "ask the provider first" mark and let it be failed later).
#[tokio::test]
async fn a_lost_batch_refuses_every_later_unit_and_commit() {
    let dir = tempfile::tempdir().expect("dir");
    let db = grouped(&dir).with_deferred_durability(true).expect("deferral");
    let tx = db.begin().await.expect("begin");
    tx.execute(&sql("INSERT INTO t (a) VALUES (1)")).expect("insert");
    tx.commit().await.expect("unit released");
    db.writer.lock().await.execute_batch("ROLLBACK").expect("the batch ends behind the store's back");
    assert!(db.begin().await.is_err(), "a unit after the loss");
    assert!(db.durable().await.is_err(), "durable after the loss");
    assert!(db.begin().await.is_err(), "and every unit after that");
    assert_eq!(committed(&dir), Vec::<i64>::new());
}
