//! The `scale` part of `paydesk bench` (issue 13): the seed writes the cases asked for as
//! rows the engine reads, and the generated load replayed over them decides what it
//! decides on an empty store. Correctness only; the timing is the bench's (docs/style.md).
//! SQLite only: the seed's SQL is SQLite's.

use crate::common::{engine_on, fresh_db, Backend};
use paydesk::adapters::store::AnyStore;
use paydesk::adapters::surfaces::replay::{self, JsonLines};
use paydesk::bench::scale;
use paydesk::domain::tickets::CaseStatus;

fn load_start() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-05-01T10:00:00Z").expect("fixed time").with_timezone(&chrono::Utc)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_writes_the_cases_asked_for_as_rows_the_engine_reads() {
    let db = fresh_db(&Backend::Sqlite).await;
    let seeded = scale::seed(&db.url, 500, load_start()).await.expect("seed");
    assert_eq!(seeded.cases, 500);
    assert_eq!(seeded.charges, 500, "one charge per case");
    assert!(seeded.customers >= 100 && seeded.open_cases > 0 && seeded.refunds > 50, "{seeded:?}");

    // Every row parses as a domain value (the snapshot reads each case and refund).
    let store = AnyStore::open(&db.url).await.expect("open").as_store();
    let snapshot = store.snapshot().await.expect("snapshot");
    let numbers: Vec<u32> = snapshot.cases.iter().map(|c| c.number.get()).collect();
    assert_eq!(numbers, (1..=500).collect::<Vec<_>>());
    assert_eq!(snapshot.refunds.len() as i64, seeded.refunds);
    assert!(snapshot.cases.iter().any(|c| c.status == CaseStatus::Closed));
    assert!(snapshot.cases.iter().any(|c| c.status.is_open()));
    assert!(snapshot.refunds.iter().all(|r| r.requested_at < load_start() - chrono::Duration::days(1)));

    // A seeded customer asking about their case is answered from the seeded rows, and the
    // next case opened is numbered after them.
    let case = snapshot.cases.iter().find(|c| c.status.is_open()).expect("an open case");
    let text = format!(
        "{}\n{}\n",
        format_args!(
            r#"{{"type":"message","at":"2026-05-01T10:00:00Z","user":"{}","text":"what is the status of my case?"}}"#,
            case.customer
        ),
        r#"{"type":"message","at":"2026-05-01T10:01:00Z","user":"seed-cust-0","text":"I was charged twice for seed-ch-1, please refund"}"#
    );
    let (engine, sandbox, clock, _) = engine_on(&db.url, "w1", |s| s).await;
    let out = JsonLines(std::sync::Mutex::new(Vec::new()));
    replay::run(replay::parse(&text).expect("valid"), &engine, &sandbox, &clock, &out).await.expect("replay");
    let out = String::from_utf8(out.0.into_inner().expect("lock")).expect("utf8");
    assert!(out.contains(&case.number.to_string()), "{out}");
    let after = store.snapshot().await.expect("snapshot").cases;
    assert!(after.len() <= 501 && after.iter().all(|c| c.number.get() <= 501), "{}", after.len());
}

/// Replay output with what differs only by the store's earlier content made equal: case
/// numbers and message refs counted from where the seed left them, and the keys and
/// references derived from refund ids.
fn normalised(out: &str, cases: u32, messages: u64) -> String {
    let re = regex::Regex::new(r#"RF-(\d{6})|\bm(\d+)\b|pd_[0-9a-f]{40}|sbx_[0-9a-f]+|refund #\d+|"refund_id":\d+"#)
        .expect("regex");
    re.replace_all(out, |c: &regex::Captures| {
        if let Some(n) = c.get(1).and_then(|n| n.as_str().parse::<u32>().ok()) {
            format!("RF-{:06}", n.saturating_sub(cases))
        } else if let Some(n) = c.get(2).and_then(|n| n.as_str().parse::<u64>().ok()) {
            format!("m{}", n.saturating_sub(messages))
        } else {
            "<derived>".to_string()
        }
    })
    .into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_load_over_seeded_cases_decides_what_it_decides_on_an_empty_store() {
    let text = paydesk::app::loadgen::transcript(300, 4);
    let db = fresh_db(&Backend::Sqlite).await;
    let (engine, sandbox, clock, _) = engine_on(&db.url, "w1", |s| s).await;
    let out = JsonLines(std::sync::Mutex::new(Vec::new()));
    replay::run(replay::parse(&text).expect("valid"), &engine, &sandbox, &clock, &out).await.expect("replay");
    let empty = String::from_utf8(out.0.into_inner().expect("lock")).expect("utf8");
    let paid_empty = sandbox.books().all().await.expect("books").len();

    let dir = tempfile::tempdir().expect("tempdir");
    let (run, seeded) = scale::scale_run(dir.path(), 500, &text, Vec::new()).await.expect("scale run");
    let seeded = String::from_utf8(seeded).expect("utf8");
    assert_eq!(run.seeded.cases, 500);
    assert_eq!(run.events, 300);
    assert!(paid_empty > 5, "{paid_empty} refunds paid");
    assert_eq!(run.paid, paid_empty, "the same refunds are paid over the seeded cases");
    assert!(seeded.contains("RF-000501"), "the load's first case follows the seeded ones");
    let (seeded, empty) = (normalised(&seeded, 500, 3 * 500 + 3), normalised(&empty, 0, 0));
    for (k, (a, b)) in seeded.lines().zip(empty.lines()).enumerate() {
        assert_eq!(a, b, "line {} of the replay's output", k + 1);
    }
    assert_eq!(seeded.lines().count(), empty.lines().count());
}

/// The lookups of an event, /queue and the daily summary use an index on a seeded store,
/// not a scan of a table that grows with every case (the `scale` bench found the
/// requester's auto-approved sum scanning every refund: migration 0013).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookups_that_grow_with_the_store_use_an_index() {
    use sqlx::{ConnectOptions, Connection};
    let db = fresh_db(&Backend::Sqlite).await;
    scale::seed(&db.url, 500, load_start()).await.expect("seed");
    let open = "('open', 'awaiting_info', 'awaiting_approval', 'escalated')";
    let queries = [
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS total FROM refunds WHERE requested_by = 'bo' AND currency = 'USD' \
         AND requested_at >= 5 AND approved_by = '[\"auto\"]' AND status NOT IN ('failed', 'rejected', 'expired')"
            .to_string(),
        format!("SELECT * FROM cases WHERE status IN {open} ORDER BY updated_at, number LIMIT 20"),
        format!("SELECT * FROM cases WHERE status IN {open} ORDER BY opened_at, number"),
        "SELECT * FROM cases WHERE opened_at >= 5 ORDER BY opened_at, number".to_string(),
        "SELECT * FROM refunds WHERE requested_at >= 5 ORDER BY requested_at, id".to_string(),
        "SELECT COUNT(*) FROM outbox WHERE status = 'dead'".to_string(),
        format!("SELECT * FROM cases WHERE customer = 'seed-cust-1' AND status IN {open} ORDER BY number DESC"),
        format!("SELECT * FROM cases WHERE account_id = 'seed-acct-1' AND status IN {open} ORDER BY number DESC"),
        "SELECT * FROM refunds WHERE case_number = 7 ORDER BY id".to_string(),
    ];
    let options: sqlx::sqlite::SqliteConnectOptions = db.url.parse().expect("url");
    let mut c = options.connect().await.expect("connect");
    for q in queries {
        let rows: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(&format!("EXPLAIN QUERY PLAN {q}")).fetch_all(&mut c).await.expect("plan");
        let plan: Vec<String> = rows.into_iter().map(|r| r.3).collect();
        // A scan of a partial index holds only the rows it names (here: dead items).
        let scans: Vec<&String> =
            plan.iter().filter(|l| l.starts_with("SCAN") && !l.contains("INDEX outbox_dead")).collect();
        assert!(scans.is_empty(), "{q}: {plan:?}");
    }
    c.close().await.expect("close");
}
