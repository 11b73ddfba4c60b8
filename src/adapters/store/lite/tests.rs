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

/// A file database with table `t (a INTEGER)`, events sharing commits up to `max`.
fn grouped(dir: &tempfile::TempDir, max: usize) -> Lite {
    let path = dir.path().join("g.db");
    let c = Connection::open(&path).expect("create");
    c.pragma_update(None, "journal_mode", "WAL").expect("wal");
    c.execute_batch("CREATE TABLE t (a INTEGER)").expect("table");
    Lite::open("sqlite:g.db", Some(&path)).expect("open").with_group_commit(max)
}

async fn queued_reaches(db: &Lite, n: usize) {
    while db.queued.load(Ordering::SeqCst) < n {
        tokio::task::yield_now().await;
    }
}

fn committed(dir: &tempfile::TempDir) -> Vec<i64> {
    let c = Connection::open(dir.path().join("g.db")).expect("open");
    let mut q = c.prepare("SELECT a FROM t ORDER BY a").expect("prepare");
    q.query_map([], |r| r.get(0)).expect("query").collect::<Result<_, _>>().expect("rows")
}

/// Events that queue behind one another share one COMMIT, and each `commit()`
/// returns only once its rows are on disk (read through another connection).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_events_share_one_commit_and_return_when_durable() {
    let dir = tempfile::tempdir().expect("dir");
    let db = grouped(&dir, 64);
    let first = db.begin().await.expect("begin");
    first.execute(&sql("INSERT INTO t (a) VALUES (0)")).expect("insert");
    let mut tasks = Vec::new();
    for i in 1..=8i64 {
        let d = db.clone();
        tasks.push(tokio::spawn(async move {
            let tx = d.begin().await.expect("begin");
            tx.execute(&sql("INSERT INTO t (a) VALUES ($1)").bind(i)).expect("insert");
            tx.commit().await.expect("commit");
        }));
        queued_reaches(&db, usize::try_from(i).expect("small")).await;
    }
    let before = commits();
    first.commit().await.expect("first commit");
    assert_eq!(committed(&dir), (0..=8).collect::<Vec<_>>(), "durable when commit() returned");
    for t in tasks {
        t.await.expect("task");
    }
    // Other tests may commit meanwhile: at most a few COMMITs, never nine.
    assert!(commits() - before < 9, "nine events, {} commits", commits() - before);
}

/// An event that fails inside a group is rolled back alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_event_in_a_group_leaves_the_others() {
    let dir = tempfile::tempdir().expect("dir");
    let db = grouped(&dir, 64);
    let first = db.begin().await.expect("begin");
    first.execute(&sql("INSERT INTO t (a) VALUES (1)")).expect("insert");
    let failing = {
        let db = db.clone();
        tokio::spawn(async move {
            let tx = db.begin().await.expect("begin");
            tx.execute(&sql("INSERT INTO t (a) VALUES (2)")).expect("insert");
            // dropped without commit: an error in the event
        })
    };
    queued_reaches(&db, 1).await;
    let last = {
        let db = db.clone();
        tokio::spawn(async move {
            let tx = db.begin().await.expect("begin");
            tx.execute(&sql("INSERT INTO t (a) VALUES (3)")).expect("insert");
            tx.commit().await.expect("commit");
        })
    };
    queued_reaches(&db, 2).await;
    first.commit().await.expect("first commit");
    failing.await.expect("failing task");
    last.await.expect("last task");
    assert_eq!(committed(&dir), vec![1, 3]);
}

/// A waiting event's group is committed by the next event's rollback when nobody
/// else is queued (no one is left waiting forever).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollback_that_ends_the_queue_commits_the_group() {
    let dir = tempfile::tempdir().expect("dir");
    let db = grouped(&dir, 64);
    let first = db.begin().await.expect("begin");
    first.execute(&sql("INSERT INTO t (a) VALUES (1)")).expect("insert");
    let second = {
        let db = db.clone();
        tokio::spawn(async move {
            let tx = db.begin().await.expect("begin");
            tx.execute(&sql("INSERT INTO t (a) VALUES (2)")).expect("insert");
            tokio::time::sleep(Duration::from_millis(20)).await;
            drop(tx);
        })
    };
    queued_reaches(&db, 1).await;
    first.commit().await.expect("committed by the rollback's end of the queue");
    second.await.expect("task");
    assert_eq!(committed(&dir), vec![1]);
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
