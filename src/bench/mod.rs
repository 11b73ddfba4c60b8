//! `paydesk bench`: throughput measurements (never timed tests).
//!
//! - `classify`: messages per second on one thread.
//! - `replay`: events per second through the whole bot on a durable SQLite file, next to
//!   the rate of bare durable commits on the same disk (the ceiling), with peak memory.
//! - `scale` (in the all-in-one table): the same replay on stores already holding many
//!   cases (`scale.rs`), to show time per event flat as the store grows.

use crate::adapters::store::AnyStore;
use crate::adapters::surfaces::replay::{self, JsonLines, ManualClock};
use crate::app::engine::EngineConfig;
use crate::wiring::App;
use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

mod load;
pub mod scale;
use load::{bare_commits, burst_rate, latency, percentile, replay_rate};

pub enum Bench {
    Classify {
        file: Option<PathBuf>,
        rounds: usize,
    },
    Replay {
        events: usize,
        db: Option<String>,
    },
    /// Everything in one go (`paydesk bench`), floors measured in the same run.
    All(AllOptions),
}

/// Options of `paydesk bench` (all measurements).
#[derive(Debug, Clone)]
pub struct AllOptions {
    /// Events of the generated transcript replayed for throughput.
    pub events: usize,
    /// Bare commits measured for each floor.
    pub bare: usize,
    /// Events replayed by a child `paydesk replay` for peak memory.
    pub memory_events: usize,
    /// Events sent at a steady 100/s for latency.
    pub latency_events: usize,
    pub seed: u64,
    pub json: bool,
    /// A PostgreSQL server URL (`postgres://…/db`): scratch databases are created there.
    pub db: Option<String>,
    /// The parts to measure (`classify`, `sqlite`, `start`, `scale`, `postgres`); empty: all.
    pub only: Vec<String>,
    /// Existing cases seeded before each replay of the `scale` part; the first is the
    /// reference the others are compared with.
    pub scale_cases: Vec<u32>,
}

impl AllOptions {
    fn wants(&self, part: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|p| p == part)
    }
}

/// Peak resident memory of this process (Linux), in KiB.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

const BUNDLED: &str = include_str!("../../tests/data/nlu_extra.jsonl");

fn corpus(file: Option<PathBuf>) -> Result<Vec<String>> {
    let text = match file {
        Some(p) => std::fs::read_to_string(&p).with_context(|| format!("cannot read {}", p.display()))?,
        None => BUNDLED.to_string(),
    };
    Ok(text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| match serde_json::from_str::<serde_json::Value>(l) {
            Ok(v) => v.get("text").and_then(|t| t.as_str()).unwrap_or(l).to_string(),
            Err(_) => l.to_string(),
        })
        .collect())
}

/// A conversation of `events` events over many accounts: complaints, refund requests,
/// approvals, balance questions and usage, cycling.
pub fn synthetic_transcript(events: usize) -> String {
    let mut lines = vec![
        r#"{"type":"user","id":"bo","roles":["agent"]}"#.to_string(),
        r#"{"type":"user","id":"kim","roles":["lead"]}"#.to_string(),
    ];
    let start =
        chrono::DateTime::parse_from_rfc3339("2026-05-01T09:00:00Z").expect("fixed time").with_timezone(&chrono::Utc);
    let per_account = 5;
    let accounts = events.div_ceil(per_account).max(1);
    for i in 0..accounts {
        let at = start + chrono::Duration::minutes(i as i64);
        lines.push(format!(
            r#"{{"type":"account","id":"acct-{i}","currency":"USD","wallet":"10.00","auto_recharge":{{"below":"1.00","credits":10}}}}"#
        ));
        lines.push(format!(r#"{{"type":"user","id":"cust-{i}","roles":["customer"],"account":"acct-{i}"}}"#));
        lines.push(format!(
            r#"{{"type":"charge","id":"ch_{i}","account":"acct-{i}","amount":"49.00","currency":"USD","at":"{}","method":"card","card_last4":"4242","kind":"product","description":"Pack {i}"}}"#,
            at.to_rfc3339()
        ));
    }
    let mut n = 0;
    'outer: for i in 0..accounts {
        let at = start + chrono::Duration::hours(1) + chrono::Duration::minutes(i as i64);
        let t = |m: i64| (at + chrono::Duration::seconds(m)).to_rfc3339();
        let case = format!("RF-{:06}", i + 1);
        let evs = [
            format!(
                r#"{{"type":"message","at":"{}","user":"cust-{i}","text":"I want a refund for ch_{i}, it does not work"}}"#,
                t(0)
            ),
            format!(r#"{{"type":"message","at":"{}","user":"bo","text":"/refund ch_{i} not working"}}"#, t(10)),
            format!(r#"{{"type":"react","at":"{}","user":"kim","emoji":"✅","on":"approval:{case}"}}"#, t(20)),
            format!(
                r#"{{"type":"message","at":"{}","user":"cust-{i}","text":"how much credit do I have left?"}}"#,
                t(30)
            ),
            format!(r#"{{"type":"usage","at":"{}","account":"acct-{i}","conversations":3}}"#, t(40)),
        ];
        for e in evs {
            if n == events {
                break 'outer;
            }
            lines.push(e);
            n += 1;
        }
    }
    lines.join("\n")
}

/// Runs the measurement; returns its report, the lines for standard output.
pub async fn run(b: Bench) -> Result<String> {
    let mut report = String::new();
    match b {
        Bench::All(o) => {
            let json = o.json;
            let rows = all(o).await?;
            if json {
                writeln!(report, "{}", serde_json::to_string_pretty(&rows)?)?;
            } else {
                writeln!(report, "{}", table(&rows))?;
            }
        }
        Bench::Classify { file, rounds } => {
            let msgs = corpus(file)?;
            let rate = crate::nlu::bench::bench(&msgs, rounds);
            writeln!(
                report,
                "classify: {} messages x {rounds} rounds on one thread: {:.0} messages/s (target 250000)",
                msgs.len(),
                rate
            )?;
            if let Some(kib) = peak_rss_kib() {
                writeln!(report, "peak memory: {} MiB", kib / 1024)?;
            }
        }
        Bench::Replay { events, db } => {
            let tmp = tempfile::tempdir()?;
            let url = db.unwrap_or_else(|| format!("sqlite:{}", tmp.path().join("bench.db").display()));
            // The ceiling: bare durable commits of one small row on the same kind of store.
            let bare_url = format!("sqlite:{}", tmp.path().join("bare.db").display());
            let bare_store = AnyStore::open(&bare_url).await?;
            let n_bare: u32 = 500;
            let t0 = Instant::now();
            bare_store.bare_commits(n_bare as usize).await?;
            let bare_rate = f64::from(n_bare) / t0.elapsed().as_secs_f64();

            let text = synthetic_transcript(events);
            let steps = replay::parse(&text).map_err(|e| anyhow::anyhow!("generated transcript: {e}"))?;
            let n_events = steps.iter().filter(|s| matches!(s, replay::Step::Event(..))).count();
            let clock = Arc::new(ManualClock::default());
            // As `paydesk replay` runs it: deferred durability (see the SQLite store).
            let store = AnyStore::open(&url).await?.with_deferred_durability(true)?;
            let App { engine, sandbox, .. } = App::sandbox_only(store, clock.clone(), EngineConfig::default());
            let sink = JsonLines(std::sync::Mutex::new(std::io::sink()));
            let rss_before = peak_rss_kib();
            let t0 = Instant::now();
            replay::run(steps, &engine, &sandbox, &clock, &sink).await?;
            let secs = t0.elapsed().as_secs_f64();
            let rate = n_events as f64 / secs;
            let paid = sandbox.books().all().await?.len();
            writeln!(report, "bare durable commits: {bare_rate:.0}/s")?;
            writeln!(
                report,
                "replay: {n_events} events (+ fixtures) in {secs:.2}s: {rate:.0} events/s = {:.2} of the bare commit rate; {paid} refunds paid",
                rate / bare_rate
            )?;
            if let (Some(a), Some(b)) = (rss_before, peak_rss_kib()) {
                writeln!(report, "peak memory: {} MiB before, {} MiB after", a / 1024, b / 1024)?;
            }
        }
    }
    Ok(report)
}

/// The cold-start transcript: an account, its customer, one question.
const THREE_LINES: &str = concat!(
    r#"{"type":"account","id":"a1","currency":"USD","wallet":"10.00"}"#,
    "\n",
    r#"{"type":"user","id":"c1","roles":["customer"],"account":"a1"}"#,
    "\n",
    r#"{"type":"message","at":"2026-05-01T10:00:00Z","user":"c1","text":"how much credit do I have left?"}"#,
    "\n"
);

/// One line of the `paydesk bench` table.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Row {
    pub measure: String,
    pub value: f64,
    pub unit: String,
    /// The floor or peer measured in the same run, and its name.
    pub floor: Option<f64>,
    pub floor_name: Option<String>,
    pub ratio: Option<f64>,
    pub target: String,
    pub note: String,
}

impl Row {
    fn new(measure: &str, value: f64, unit: &str, target: &str) -> Row {
        Row {
            measure: measure.into(),
            value,
            unit: unit.into(),
            floor: None,
            floor_name: None,
            ratio: None,
            target: target.into(),
            note: String::new(),
        }
    }
    fn against(mut self, name: &str, floor: f64) -> Row {
        self.floor = Some(floor);
        self.floor_name = Some(name.into());
        self.ratio = (floor > 0.0).then(|| self.value / floor);
        self
    }
    fn note(mut self, n: impl Into<String>) -> Row {
        self.note = n.into();
        self
    }
}

/// Wall time of a child `paydesk` run, median of `runs`, in ms.
fn cold_start(args: &[&str], stdin: &[u8], runs: usize) -> Result<f64> {
    use std::io::Write as _;
    let exe = std::env::current_exe()?;
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let mut child = std::process::Command::new(&exe)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()?;
        if let Some(mut i) = child.stdin.take() {
            i.write_all(stdin)?;
        }
        let status = child.wait()?;
        anyhow::ensure!(status.success(), "paydesk {args:?} failed: {status}");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok(percentile(&times, 0.5))
}

/// Peak resident memory (MiB) of a child `paydesk replay FILE`, read from its
/// `/proc/PID/status` high-water mark every few milliseconds until it exits.
fn child_peak_rss(file: &std::path::Path) -> Result<f64> {
    let exe = std::env::current_exe()?;
    let mut child = std::process::Command::new(&exe)
        .arg("replay")
        .arg(file)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    loop {
        if let Ok(s) = std::fs::read_to_string(&status_path) {
            if let Some(k) = s
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            {
                peak_kib = peak_kib.max(k);
            }
        }
        if let Some(status) = child.try_wait()? {
            anyhow::ensure!(status.success(), "paydesk replay failed: {status}");
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    Ok(peak_kib as f64 / 1024.0)
}

/// A scratch PostgreSQL database on the server of `admin`; dropped by [`drop_pg`].
async fn scratch_pg(admin: &str, tag: &str) -> Result<String> {
    use sqlx::Connection;
    let name = format!("paydesk_bench_{tag}_{}", std::process::id());
    let mut c = sqlx::PgConnection::connect(admin).await?;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}")).execute(&mut c).await?;
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut c).await?;
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or_else(|| admin.to_string());
    Ok(format!("{base}/{name}"))
}

async fn drop_pg(admin: &str, url: &str) -> Result<()> {
    use sqlx::Connection;
    if let Some((_, name)) = url.rsplit_once('/') {
        let mut c = sqlx::PgConnection::connect(admin).await?;
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut c).await?;
    }
    Ok(())
}

/// `paydesk bench`: every figure next to its floor, measured in this run (printed by [`run`]).
pub async fn all(o: AllOptions) -> Result<Vec<Row>> {
    let tmp = tempfile::tempdir()?;
    let mut rows = Rows { rows: Vec::new(), quiet: o.json };
    if o.wants("classify") {
        let msgs = corpus(None)?;
        rows.add(
            Row::new(
                "classify (one thread)",
                crate::nlu::bench::bench(&msgs, 200),
                "messages/s",
                ">= 250000 messages/s",
            )
            .note("no TF-IDF + logistic-regression peer is built into this binary"),
        );
    }
    let text = crate::app::loadgen::transcript(o.events, o.seed);
    if o.wants("sqlite") {
        sqlite_rows(&o, tmp.path(), &text, &mut rows).await?;
    }
    if o.wants("start") {
        start_rows(&o, tmp.path(), &mut rows).await?;
    }
    if o.wants("scale") {
        scale_rows(&o, tmp.path(), &text, &mut rows).await?;
    }
    match &o.db {
        Some(admin) if o.wants("postgres") => postgres_rows(&o, admin, &text, &mut rows).await?,
        _ => {}
    }
    Ok(rows.rows)
}

/// The table being measured; each measured row is logged to stderr as it comes (not with `--json`).
struct Rows {
    rows: Vec<Row>,
    quiet: bool,
}

impl Rows {
    fn add(&mut self, r: Row) {
        if !self.quiet {
            eprintln!("measured: {} = {:.1} {}", r.measure, r.value, r.unit);
        }
        self.rows.push(r);
    }
}

fn sqlite_url(dir: &std::path::Path, name: &str) -> String {
    format!("sqlite:{}", dir.join(name).display())
}

/// Throughput and latency on SQLite files, next to the floor of bare commits on the same disk.
async fn sqlite_rows(o: &AllOptions, dir: &std::path::Path, text: &str, rows: &mut Rows) -> Result<()> {
    // The SQLite floor, measured before and after the replay: the disk is shared.
    let bare_store = AnyStore::open(&sqlite_url(dir, "bare.db")).await?;
    let floor_a = bare_commits(&bare_store, o.bare).await?;
    let (each, each_paid, each_syncs) = replay_rate(&sqlite_url(dir, "replay-each.db"), text, false).await?;
    let (rate, paid, syncs) = replay_rate(&sqlite_url(dir, "replay.db"), text, true).await?;
    let floor_b = bare_commits(&bare_store, o.bare).await?;
    let floor = (floor_a + floor_b) / 2.0;
    rows.add(
        Row::new("SQLite bare durable commits", floor, "commits/s", "the floor")
            .note(format!("WAL, synchronous=FULL; {floor_a:.0} before and {floor_b:.0} after the replay")),
    );
    rows.add(
        Row::new(
            &format!("replay on SQLite ({} events, one at a time, each durable before the next)", o.events),
            each,
            "events/s",
            "report",
        )
        .against("SQLite bare commits", floor)
        .note(format!("{each_syncs:.2} disk syncs per event; {each_paid} refunds paid")),
    );
    rows.add(
        Row::new(
            &format!("replay on SQLite ({} events, as `paydesk replay`: one sync per delivery)", o.events),
            rate,
            "events/s",
            ">= 0.7x the floor",
        )
        .against("SQLite bare commits", floor)
        .note(format!("{syncs:.2} disk syncs per event; {paid} refunds paid")),
    );
    for (group, what) in [(false, "one sync per commit"), (true, "group commit")] {
        let b = burst_rate(&sqlite_url(dir, &format!("burst-{group}.db")), text, group, 1).await?;
        rows.add(
            Row::new(
                &format!("burst on SQLite ({} events, every speaker at once), {what}", o.events),
                b.rate,
                "events/s",
                "report",
            )
            .against("SQLite bare commits", floor)
            .note(format!("{:.1} events per disk sync; {} refunds paid, {} wrongly", b.per_sync, b.paid, b.wrong)),
        );
    }

    let lat_text = crate::app::loadgen::transcript(o.latency_events, o.seed.wrapping_add(1));
    let (m, a) = latency(&sqlite_url(dir, "latency.db"), &lat_text).await?;
    for (what, v) in [("message -> reply committed", &m), ("approving reaction -> refund paid (sandbox)", &a)] {
        rows.add(Row::new(&format!("latency p50, {what}, 100 events/s"), percentile(v, 0.5), "ms", "report"));
        rows.add(
            Row::new(&format!("latency p99, {what}, 100 events/s"), percentile(v, 0.99), "ms", "<= 10 ms")
                .note(format!("{} samples", v.len())),
        );
    }
    Ok(())
}

/// Peak memory of a replay, cold starts of child processes, and opening a fresh store.
async fn start_rows(o: &AllOptions, dir: &std::path::Path, rows: &mut Rows) -> Result<()> {
    let mem_file = dir.join("memory.jsonl");
    std::fs::write(&mem_file, crate::app::loadgen::transcript(o.memory_events, o.seed.wrapping_add(2)))?;
    rows.add(
        Row::new(
            &format!("peak RSS of `paydesk replay` of {} events", o.memory_events),
            child_peak_rss(&mem_file)?,
            "MiB",
            "<= 100 MB at 100k events",
        )
        .note("sampled from /proc every 5 ms"),
    );
    rows.add(
        Row::new(
            "cold start: `paydesk classify` of one line",
            cold_start(&["classify"], b"refund ch_1 please\n", 5)?,
            "ms",
            "<= 50 ms",
        )
        .note("median of 5 child processes"),
    );
    let three = dir.join("three.jsonl");
    std::fs::write(&three, THREE_LINES)?;
    let three_s = three.display().to_string();
    rows.add(
        Row::new(
            "cold start: `paydesk replay` of a 3-line transcript",
            cold_start(&["replay", &three_s], b"", 5)?,
            "ms",
            "<= 50 ms",
        )
        .note("median of 5 child processes"),
    );
    let t = Instant::now();
    let fresh = AnyStore::open(&sqlite_url(dir, "fresh.db")).await?;
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    drop(fresh);
    rows.add(
        Row::new("store open + migrations (fresh SQLite), part of `paydesk run` ready", ms, "ms", "<= 300 ms")
            .note("in-process; Discord not included"),
    );
    Ok(())
}

/// The replay of `text` on stores already holding each of `o.scale_cases` cases (seeded
/// in a new file each time), every rate next to the first size's.
async fn scale_rows(o: &AllOptions, dir: &std::path::Path, text: &str, rows: &mut Rows) -> Result<()> {
    let mut reference: Option<(u32, f64)> = None;
    for &cases in &o.scale_cases {
        let (run, _) = scale::scale_run(dir, cases, text, std::io::sink()).await?;
        let s = &run.seeded;
        let mut row = Row::new(
            &format!("replay on SQLite ({} events) over {cases} existing cases", run.events),
            run.rate,
            "events/s",
            "flat (issue 13)",
        )
        .note(format!(
            "CPU {}/event; seeded in {:.1}s: {} customers, {} open cases, {} charges, {} refunds, {} wallet entries; {:.0} MiB file; {} refunds paid",
            run.cpu_ms_per_event.map(|ms| format!("{ms:.2} ms")).unwrap_or_else(|| "?".into()),
            run.seed_secs, s.customers, s.open_cases, s.charges, s.refunds, s.wallet_entries, run.file_mib, run.paid
        ));
        match reference {
            Some((n, rate)) => row = row.against(&format!("{n} existing cases"), rate),
            None => reference = Some((cases, run.rate)),
        }
        rows.add(row);
    }
    Ok(())
}

/// The floor and the replay on scratch databases of the PostgreSQL server `admin` (dropped after).
async fn postgres_rows(o: &AllOptions, admin: &str, text: &str, rows: &mut Rows) -> Result<()> {
    let bare_url = scratch_pg(admin, "bare").await?;
    let replay_url = scratch_pg(admin, "replay").await?;
    let result: Result<()> = async {
        let bare = AnyStore::open(&bare_url).await?;
        let floor = bare_commits(&bare, o.bare).await?;
        let sync = bare.synchronous_commit().await?.unwrap_or_default();
        drop(bare);
        rows.add(
            Row::new("PostgreSQL bare durable commits", floor, "commits/s", "the floor")
                .note(format!("synchronous_commit={sync}")),
        );
        let (rate, paid, _) = replay_rate(&replay_url, text, true).await?;
        rows.add(
            Row::new(
                &format!("replay on PostgreSQL ({} events, 1 instance)", o.events),
                rate,
                "events/s",
                ">= 0.5x the floor",
            )
            .against("PostgreSQL bare commits", floor)
            .note(format!("{paid} refunds paid")),
        );
        // Every speaker at once, on one bot and then on two bots sharing the database
        // (each a fresh scratch database): throughput, and payouts against refunds that
        // succeeded (more payouts than that would be a refund paid twice).
        for n in [1, 2] {
            let url = scratch_pg(admin, &format!("burst{n}")).await?;
            let b = burst_rate(&url, text, false, n).await;
            drop_pg(admin, &url).await?;
            let b = b?;
            rows.add(
                Row::new(
                    &format!("burst on PostgreSQL ({} events, every speaker at once), {n} instance(s)", o.events),
                    b.rate,
                    "events/s",
                    if n == 1 { "report" } else { "scales" },
                )
                .against("PostgreSQL bare commits", floor)
                .note(format!("{} refunds paid, {} wrongly (twice, or without approval)", b.paid, b.wrong)),
            );
        }
        Ok(())
    }
    .await;
    drop_pg(admin, &bare_url).await?;
    drop_pg(admin, &replay_url).await?;
    result
}

/// The rows as a Markdown table.
pub fn table(rows: &[Row]) -> String {
    let mut s = String::from(
        "| measure | value | floor / peer (same run) | ratio | target | note |\n|---|---:|---:|---:|---|---|\n",
    );
    for r in rows {
        let value = if r.value == 0.0 && r.note.starts_with("not ") {
            "—".to_string()
        } else {
            format!("{:.1} {}", r.value, r.unit)
        };
        let floor = match (&r.floor_name, r.floor) {
            (Some(n), Some(f)) => format!("{f:.0}/s ({n})"),
            _ => String::new(),
        };
        let ratio = r.ratio.map(|x| format!("{x:.2}×")).unwrap_or_default();
        s.push_str(&format!("| {} | {value} | {floor} | {ratio} | {} | {} |\n", r.measure, r.target, r.note));
    }
    s
}
