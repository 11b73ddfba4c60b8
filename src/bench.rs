//! `paydesk bench`: throughput measurements (never timed tests).
//!
//! - `classify`: messages per second on one thread.
//! - `replay`: events per second through the whole bot on a durable SQLite file, next to
//!   the rate of bare durable commits on the same disk (the ceiling), with peak memory.

use crate::adapters::payments::sandbox::Sandbox;
use crate::adapters::store::AnyStore;
use crate::adapters::surfaces::replay::{self, JsonLines, ManualClock};
use crate::app::engine::{Connectors, Engine, EngineConfig};
use anyhow::{Context, Result};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

pub enum Bench {
    Classify { file: Option<PathBuf>, rounds: usize },
    Replay { events: usize, db: Option<String> },
}

/// Peak resident memory of this process (Linux), in KiB.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

const BUNDLED: &str = include_str!("../tests/data/nlu_extra.jsonl");

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
    let mut lines = vec![r#"{"type":"user","id":"bo","roles":["agent"]}"#.to_string(), r#"{"type":"user","id":"kim","roles":["lead"]}"#.to_string()];
    let start = chrono::DateTime::parse_from_rfc3339("2026-05-01T09:00:00Z").expect("fixed time").with_timezone(&chrono::Utc);
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
            format!(r#"{{"type":"message","at":"{}","user":"cust-{i}","text":"I want a refund for ch_{i}, it does not work"}}"#, t(0)),
            format!(r#"{{"type":"message","at":"{}","user":"bo","text":"/refund ch_{i} not working"}}"#, t(10)),
            format!(r#"{{"type":"react","at":"{}","user":"kim","emoji":"✅","on":"approval:{case}"}}"#, t(20)),
            format!(r#"{{"type":"message","at":"{}","user":"cust-{i}","text":"how much credit do I have left?"}}"#, t(30)),
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

pub async fn run(b: Bench) -> Result<()> {
    match b {
        Bench::Classify { file, rounds } => {
            let msgs = corpus(file)?;
            let rate = crate::nlu::bench::bench(&msgs, rounds);
            println!("classify: {} messages x {rounds} rounds on one thread: {:.0} messages/s (target 250000)", msgs.len(), rate);
            if let Some(kib) = peak_rss_kib() {
                println!("peak memory: {} MiB", kib / 1024);
            }
        }
        Bench::Replay { events, db } => {
            let tmp = tempfile::tempdir()?;
            let url = db.unwrap_or_else(|| format!("sqlite:{}", tmp.path().join("bench.db").display()));
            // The ceiling: bare durable commits of one small row on the same kind of store.
            let bare_url = format!("sqlite:{}", tmp.path().join("bare.db").display());
            let bare_store = AnyStore::open(&bare_url).await?;
            let pool = bare_store.sqlite_pool().context("bare commits are measured on SQLite")?.clone();
            sqlx::query("CREATE TABLE IF NOT EXISTS bench_commits (id INTEGER PRIMARY KEY, v TEXT)").execute(&pool).await?;
            let n_bare = 500;
            let t0 = Instant::now();
            for i in 0..n_bare {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                sqlx::query("INSERT INTO bench_commits (v) VALUES ($1)").bind(format!("row {i}")).execute(&mut *tx).await?;
                tx.commit().await?;
            }
            let bare_rate = n_bare as f64 / t0.elapsed().as_secs_f64();

            let text = synthetic_transcript(events);
            let steps = replay::parse(&text).map_err(|e| anyhow::anyhow!("generated transcript: {e}"))?;
            let n_events = steps.iter().filter(|s| matches!(s, replay::Step::Event(..))).count();
            let store = AnyStore::open(&url).await?;
            let clock = Arc::new(ManualClock::default());
            let sandbox = Arc::new(Sandbox::new(store.sandbox_books(), clock.clone()));
            let engine = Engine::new(store.as_store(), Connectors::default().with(sandbox.clone()), EngineConfig::default());
            let sink = JsonLines(std::sync::Mutex::new(std::io::sink()));
            let rss_before = peak_rss_kib();
            let t0 = Instant::now();
            replay::run(steps, &engine, &sandbox, &clock, &sink).await?;
            let secs = t0.elapsed().as_secs_f64();
            let rate = n_events as f64 / secs;
            let paid = sandbox.books().all().await?.len();
            println!("bare durable commits: {bare_rate:.0}/s");
            println!(
                "replay: {n_events} events (+ fixtures) in {secs:.2}s: {rate:.0} events/s = {:.2} of the bare commit rate; {paid} refunds paid",
                rate / bare_rate
            );
            if let (Some(a), Some(b)) = (rss_before, peak_rss_kib()) {
                println!("peak memory: {} MiB before, {} MiB after", a / 1024, b / 1024);
            }
        }
    }
    Ok(())
}
