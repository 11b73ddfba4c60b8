//! `paydesk bench --only scale` (issue 13): events per second through the whole bot on a
//! store that already holds many cases, so that a query whose cost grows with the store
//! (a scan) shows as a rate that falls with the number of cases.
//!
//! The existing cases are written by [`seed`] into a fresh store created and migrated by
//! the store itself: set-based SQL (`INSERT … SELECT` over one generated table of case
//! numbers) in one transaction, so a million rows take seconds, not a million statements.
//! The same generated load is then replayed on top, its case numbers moved past the
//! seeded ones.

use crate::adapters::store::AnyStore;
use crate::adapters::surfaces::replay::{self, JsonLines, ManualClock};
use crate::app::engine::EngineConfig;
use crate::wiring::App;
use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Instant;

/// The last case number there is (`RF-999999`, `CaseNumber`): the seeded cases and every
/// case the load may open must fit below it.
pub const LAST_CASE_NUMBER: u32 = 999_999;

/// How far back the seeded history reaches.
const HISTORY_DAYS: i64 = 365;

/// Seeded cases per customer, on average (customers drawn at random per case: some have
/// one case, some many).
const CASES_PER_CUSTOMER: u32 = 4;

/// What [`seed`] wrote: rows per table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seeded {
    pub cases: i64,
    pub open_cases: i64,
    pub customers: i64,
    pub charges: i64,
    pub refunds: i64,
    pub wallet_entries: i64,
}

/// The statements of the seed, in order. `{N}` cases, `{C}` customers, `{END}` the
/// last case's opening time and `{STEP}` the time between two cases (µs) are put in as
/// integers. `seed_case` decides every attribute of a case once, from multiplicative
/// hashes of its number (deterministic; SQLite's `random()` cannot be seeded); the
/// tables are derived from it.
const SEED_SQL: &[&str] = &[
    "CREATE TEMP TABLE seed_case AS \
     WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {N}), \
     mixed AS (SELECT n, ((n * 2654435761) % 4294967296) / 256 AS r1, ((n * 2246822519) % 4294967296) / 256 AS r2, \
        ((n * 3266489917) % 4294967296) / 256 AS r3, ((n * 668265263) % 4294967296) / 256 AS r4, \
        {END} - ({N} - n) * {STEP} AS opened FROM seq), \
     picked AS (SELECT n, r1 % {C} AS cust, opened, r4 % 4 AS kind, (r4 / 4) % 10 AS extra, r2 % 72 AS hours, \
        CASE WHEN r2 % 20 < 10 THEN 'refund_request' WHEN r2 % 20 < 13 THEN 'duplicate_charge' \
             WHEN r2 % 20 < 15 THEN 'wrong_amount' WHEN r2 % 20 = 15 THEN 'payment_failed' \
             WHEN r2 % 20 = 16 THEN 'cancel_subscription' WHEN r2 % 20 = 17 THEN 'wallet_not_applied' \
             WHEN r2 % 20 = 18 THEN 'dispute' ELSE 'payment_pending' END AS intent, \
        CASE WHEN opened > {END} - 14 * 86400000000 THEN \
                CASE WHEN r3 % 100 < 35 THEN 'open' WHEN r3 % 100 < 55 THEN 'awaiting_info' \
                     WHEN r3 % 100 < 65 THEN 'escalated' WHEN r3 % 100 < 90 THEN 'resolved' ELSE 'closed' END \
             ELSE CASE WHEN r3 % 100 < 1 THEN 'open' WHEN r3 % 100 < 2 THEN 'escalated' WHEN r3 % 100 < 60 THEN 'resolved' \
                     WHEN r3 % 100 < 85 THEN 'closed' ELSE 'rejected' END END AS status FROM mixed) \
     SELECT n, cust, opened, kind, extra, hours, intent, \
        CASE WHEN status = 'rejected' AND intent NOT IN ('refund_request', 'duplicate_charge') THEN 'closed' ELSE status END AS status, \
        CASE WHEN intent NOT IN ('refund_request', 'duplicate_charge') THEN NULL \
             WHEN status = 'resolved' AND intent = 'refund_request' THEN 'succeeded' \
             WHEN status IN ('resolved', 'rejected') THEN 'rejected' \
             WHEN status = 'closed' AND extra < 3 THEN 'expired' END AS refund FROM picked",
    "INSERT INTO accounts (id, currency, auto_recharge_below, auto_recharge_credits) \
     SELECT 'seed-acct-' || c, 'USD', CASE WHEN c % 2 = 0 THEN 1000000 END, CASE WHEN c % 2 = 0 THEN 10 END \
     FROM (WITH RECURSIVE k(c) AS (SELECT 0 UNION ALL SELECT c + 1 FROM k WHERE c + 1 < {C}) SELECT c FROM k)",
    "INSERT INTO users (id, roles, account_id) SELECT 'seed-cust-' || substr(id, 11), 'customer', id FROM accounts \
     WHERE id LIKE 'seed-acct-%'",
    "INSERT INTO customer_languages (user_id, lang, fallback_noted) \
     SELECT id, CASE WHEN rowid % 10 = 0 THEN 'es' ELSE 'en' END, 0 FROM users WHERE id LIKE 'seed-cust-%'",
    // Two entries per account: an opening balance and some usage.
    "INSERT INTO wallet_entries (account_id, currency, amount, kind, actor, reason, at) \
     SELECT id, 'USD', 20000000, 'opening', 'system', 'opening balance', {END} - 400 * 86400000000 FROM accounts \
     WHERE id LIKE 'seed-acct-%' \
     UNION ALL SELECT id, 'USD', -1000000 * (1 + rowid % 15), 'usage', 'system', 'usage', {END} - 30 * 86400000000 \
     FROM accounts WHERE id LIKE 'seed-acct-%'",
    // The charge each case is about, of the kinds the load has.
    "INSERT INTO charges (id, account_id, amount, currency, at, method, card_last4, kind, description, fee, wallet_selected, \
        disputed, provider) \
     SELECT 'seed-ch-' || n, 'seed-acct-' || cust, \
        CASE WHEN intent = 'duplicate_charge' THEN 19000000 WHEN kind = 0 THEN 49000000 WHEN kind = 1 THEN 12500000 \
             WHEN kind = 2 THEN 29000000 ELSE 99000000 END, 'USD', opened - (1 + extra % 5) * 86400000000, \
        CASE WHEN intent = 'duplicate_charge' THEN 'paypal' WHEN kind = 2 THEN 'bank' ELSE 'card' END, \
        CASE WHEN intent = 'duplicate_charge' OR kind = 2 THEN NULL WHEN kind = 1 THEN '1881' WHEN kind = 3 THEN '0005' \
             ELSE '4242' END, \
        CASE WHEN intent = 'duplicate_charge' THEN 'credits' WHEN kind = 3 THEN 'subscription' ELSE 'product' END, \
        'Order seed-ch-' || n, 0, 0, CASE WHEN intent = 'dispute' THEN 1 ELSE 0 END, 'stripe' FROM seed_case",
    "INSERT INTO subscriptions (id, account_id, charge_id, months, start_at) \
     SELECT 'seed-sub-' || n, 'seed-acct-' || cust, 'seed-ch-' || n, 12, opened - 10 * 86400000000 FROM seed_case \
     WHERE kind = 3 AND intent <> 'duplicate_charge'",
    "INSERT INTO cases (number, customer, account_id, charge_id, intent, status, channel, opened_at, updated_at) \
     SELECT n, 'seed-cust-' || cust, 'seed-acct-' || cust, 'seed-ch-' || n, intent, status, 'support', opened, \
        opened + CASE WHEN status IN ('open', 'awaiting_info', 'escalated') THEN 3600000000 ELSE (1 + hours) * 3600000000 END \
     FROM seed_case",
    // Refunds asked by the load's own agents and decided by its leads (the same team, a
    // year earlier): their per-requester sums read these rows too. Paid through Stripe,
    // not the sandbox, so the sandbox's books hold only the load's payouts. Message refs
    // are 3n, below the `message` counter set at the end.
    "INSERT INTO refunds (case_number, charge_id, amount, currency, status, rule, reason, requested_by, is_override, \
        leads_needed, requested_at, expires_at, approvals, approved_by, idempotency_key, provider, provider_ref, message_ref, \
        attempts, first_attempt_at, next_attempt_at, needs_lookup, last_error) \
     SELECT s.n, c.id, c.amount, 'USD', s.refund, 'refund_window', 'customer request', \
        CASE s.extra % 3 WHEN 0 THEN 'bo' WHEN 1 THEN 'ines' ELSE 'tom' END, 0, 1, s.opened + 600000000, \
        s.opened + 600000000 + 48 * 3600000000, \
        CASE WHEN s.refund = 'succeeded' THEN CASE s.kind % 2 WHEN 0 THEN '[\"kim\"]' ELSE '[\"raj\"]' END ELSE '[]' END, \
        CASE WHEN s.refund = 'succeeded' THEN CASE s.kind % 2 WHEN 0 THEN '[\"kim\"]' ELSE '[\"raj\"]' END ELSE '[]' END, \
        CASE WHEN s.refund = 'succeeded' THEN 'pd_seed_' || s.n END, 'stripe', \
        CASE WHEN s.refund = 'succeeded' THEN 're_seed_' || s.n END, 'm' || (3 * s.n), \
        CASE WHEN s.refund = 'succeeded' THEN 1 ELSE 0 END, \
        CASE WHEN s.refund = 'succeeded' THEN s.opened + 3600000000 END, NULL, 0, NULL \
     FROM seed_case s JOIN charges c ON c.id = 'seed-ch-' || s.n WHERE s.refund IS NOT NULL ORDER BY s.n",
    "INSERT INTO refund_votes (refund_id, voter, present, seq, ord) \
     SELECT id, json_extract(approvals, '$[0]'), 1, 0, 1 FROM refunds WHERE status = 'succeeded' AND provider_ref LIKE 're_seed_%'",
    "INSERT INTO counters (name, value) VALUES ('case', {N}), ('message', 3 * {N} + 3) \
     ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    "DROP TABLE seed_case",
];

/// Writes `cases` existing cases, numbered from RF-000001, into the fresh SQLite store at
/// `url` (created and migrated here by [`AnyStore::open`]), with their customers,
/// accounts, wallets, charges, subscriptions, refunds and approvals; the last case opens
/// two days before `before` (the load's first event), so no seeded refund falls in a
/// 24-hour window the load's decisions read (a requester's auto-approved sum), and none
/// is waiting or due (no timer fires for the seed during the load).
///
/// Not seeded: audit records (every record is hashed into one chain, which only the
/// engine's appends build, one SHA-256 at a time; the hot path reads only the chain's
/// head row, so `paydesk audit` verifies the load's records from the genesis), and
/// delivered outbox items (never read again: pending items are found through partial
/// indexes).
pub async fn seed(url: &str, cases: u32, before: DateTime<Utc>) -> Result<Seeded> {
    use sqlx::{ConnectOptions, Connection};
    anyhow::ensure!(
        (1..=LAST_CASE_NUMBER).contains(&cases),
        "cannot seed {cases} cases: case numbers run from RF-000001 to RF-{LAST_CASE_NUMBER}"
    );
    drop(AnyStore::open(url).await.context("creating the store to seed")?);
    let step = chrono::Duration::days(HISTORY_DAYS).num_microseconds().unwrap_or(i64::MAX) / i64::from(cases);
    let end = (before - chrono::Duration::days(2)).timestamp_micros();
    let customers = (cases / CASES_PER_CUSTOMER).max(1);
    let fill = |s: &str| {
        s.replace("{N}", &cases.to_string())
            .replace("{C}", &customers.to_string())
            .replace("{END}", &end.to_string())
            .replace("{STEP}", &step.to_string())
    };
    let options = <sqlx::sqlite::SqliteConnectOptions as std::str::FromStr>::from_str(url)?;
    let mut c = options.connect().await.context("opening the store to seed")?;
    // A scratch file written once: the bulk write skips the WAL and its syncs (a crash
    // leaves a bench file to throw away), and the store's own settings come back after.
    for pragma in ["PRAGMA journal_mode = DELETE", "PRAGMA synchronous = OFF", "PRAGMA cache_size = -131072"] {
        sqlx::query(pragma).execute(&mut c).await?;
    }
    let mut tx = c.begin().await?;
    for statement in SEED_SQL {
        sqlx::query(&fill(statement)).execute(&mut *tx).await.with_context(|| format!("seeding: {statement}"))?;
    }
    tx.commit().await?;
    sqlx::query("PRAGMA journal_mode = WAL").execute(&mut c).await?;
    let counts = count(&mut c).await?;
    c.close().await?;
    Ok(counts)
}

/// Rows of each seeded table.
async fn count(c: &mut sqlx::SqliteConnection) -> Result<Seeded> {
    async fn n(c: &mut sqlx::SqliteConnection, q: &str) -> Result<i64> {
        Ok(sqlx::query_scalar::<_, i64>(q).fetch_one(c).await?)
    }
    Ok(Seeded {
        cases: n(c, "SELECT COUNT(*) FROM cases").await?,
        open_cases: n(c, "SELECT COUNT(*) FROM cases WHERE status IN ('open', 'awaiting_info', 'escalated')").await?,
        customers: n(c, "SELECT COUNT(*) FROM users WHERE id LIKE 'seed-cust-%'").await?,
        charges: n(c, "SELECT COUNT(*) FROM charges").await?,
        refunds: n(c, "SELECT COUNT(*) FROM refunds").await?,
        wallet_entries: n(c, "SELECT COUNT(*) FROM wallet_entries").await?,
    })
}

/// `text` (a generated transcript) with the case numbers it reacts on moved up by `by`:
/// on a store holding `by` cases, the load's first complaint opens RF-`by + 1`.
pub fn shift_cases(text: &str, by: u32) -> String {
    const MARK: &str = "\"on\":\"approval:RF-";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(MARK) {
        let (head, tail) = rest.split_at(at + MARK.len());
        out.push_str(head);
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        match tail[..digits].parse::<u32>() {
            // RF-999999 is the generator's "no such case" (a reaction whose complaint was
            // cut off): it stays one.
            Ok(n) if n < LAST_CASE_NUMBER => {
                out.push_str(&format!("{:06}", n.saturating_add(by).min(LAST_CASE_NUMBER)))
            }
            _ => out.push_str(&tail[..digits]),
        }
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

/// One size measured: what was seeded, how long the seed took, and the replay on top.
pub struct ScaleRun {
    pub seeded: Seeded,
    pub seed_secs: f64,
    /// Events per second of the load's events (its fixtures before them not timed).
    pub rate: f64,
    pub events: usize,
    /// CPU time of this process per event (user + system, all threads), in ms: on a
    /// shared machine the disk's syncs make events/s swing between runs, the CPU a scan
    /// burns does not.
    pub cpu_ms_per_event: Option<f64>,
    pub paid: usize,
    /// The SQLite file's size after the replay.
    pub file_mib: f64,
}

/// Seeds `cases` cases into a new SQLite file in `dir`, replays `text` (a generated
/// transcript, case numbers as on an empty store) on it and removes the file. `out`
/// receives the replay's actions (JSON lines).
pub async fn scale_run<W: std::io::Write + Send>(
    dir: &std::path::Path,
    cases: u32,
    text: &str,
    out: W,
) -> Result<(ScaleRun, W)> {
    let steps = replay::parse(&shift_cases(text, cases)).map_err(|e| anyhow::anyhow!("generated transcript: {e}"))?;
    let n_events = steps.iter().filter(|s| matches!(s, replay::Step::Event(..))).count();
    anyhow::ensure!(
        u64::from(cases) + n_events as u64 <= u64::from(LAST_CASE_NUMBER),
        "{cases} existing cases and {n_events} events could need case numbers past RF-{LAST_CASE_NUMBER}"
    );
    let start = replay::fixtures_at(&steps);
    let path = dir.join(format!("scale-{cases}.db"));
    let url = format!("sqlite:{}", path.display());
    let t = Instant::now();
    let seeded = seed(&url, cases, start).await?;
    let seed_secs = t.elapsed().as_secs_f64();
    let clock = Arc::new(ManualClock::default());
    clock.set(start);
    let App { engine, sandbox, .. } =
        App::sandbox_only(AnyStore::open(&url).await?, clock.clone(), EngineConfig::default());
    let sink = JsonLines(std::sync::Mutex::new(out));
    let replayer = replay::Replayer::new(&engine, &sandbox, &clock, &sink, start);
    // The fixtures (people, charges) come before the first event and are not timed.
    let (mut timer, mut cpu_before) = (None, None);
    for step in steps {
        if timer.is_none() && matches!(step, replay::Step::Event(..)) {
            (timer, cpu_before) = (Some(Instant::now()), cpu_ticks());
        }
        replayer.step(step).await?;
    }
    replayer.finish().await?;
    let secs = timer.map(|t| t.elapsed().as_secs_f64()).unwrap_or_default();
    let cpu_ms_per_event = match (cpu_before, cpu_ticks()) {
        (Some(a), Some(b)) if n_events > 0 => {
            Some(b.saturating_sub(a) as f64 * 1000.0 / TICKS_PER_SEC / n_events as f64)
        }
        _ => None,
    };
    let paid = sandbox.books().all().await?.len();
    // The store's connections closed before its files are removed.
    drop(engine);
    let file_mib = std::fs::metadata(&path).map(|m| m.len() as f64 / (1024.0 * 1024.0)).unwrap_or(0.0);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let out = sink.0.into_inner().unwrap_or_else(|p| p.into_inner());
    let rate = if secs > 0.0 { n_events as f64 / secs } else { 0.0 };
    Ok((ScaleRun { seeded, seed_secs, rate, events: n_events, cpu_ms_per_event, paid, file_mib }, out))
}

/// The clock ticks of /proc/PID/stat: USER_HZ, 100 on Linux (proc(5)).
const TICKS_PER_SEC: f64 = 100.0;

/// CPU time used by this process so far (user + system, all threads), in clock ticks
/// (Linux; `None` elsewhere). proc(5): fields 14 and 15 of /proc/self/stat, counted after
/// the command name, which is in parentheses and may hold spaces.
fn cpu_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // After the name, field 3 (state) is index 0: utime (14) is index 11, stime (15) 12.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

#[cfg(test)]
mod tests {
    use super::shift_cases;

    #[test]
    fn reactions_move_past_the_seeded_cases_and_nothing_else_changes() {
        let text = concat!(
            r#"{"type":"message","at":"2026-05-01T10:00:00Z","user":"c","text":"RF-000002 please"}"#,
            "\n",
            r#"{"type":"react","at":"2026-05-01T10:00:00Z","user":"kim","emoji":"✅","on":"approval:RF-000002"}"#,
            "\n",
            r#"{"type":"react","at":"2026-05-01T10:00:00Z","user":"kim","emoji":"✅","on":"approval:RF-999999"}"#,
        );
        let shifted = shift_cases(text, 500);
        assert!(shifted.contains(r#""text":"RF-000002 please""#), "{shifted}");
        assert!(shifted.contains(r#""on":"approval:RF-000502""#), "{shifted}");
        assert!(shifted.contains(r#""on":"approval:RF-999999""#), "{shifted}");
        assert_eq!(shift_cases(text, 0), text);
    }
}
