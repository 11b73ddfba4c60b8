//! The loads `paydesk bench` runs through the whole bot: the replay (one event at a time),
//! the burst (every speaker at once, with and without group commit), latency at a steady
//! rate, and the floor of bare durable commits they are measured against.

use crate::adapters::store::AnyStore;
use crate::adapters::surfaces::replay::{self, JsonLines, ManualClock};
use crate::app::engine::EngineConfig;
use crate::wiring::App;
use anyhow::Result;
use std::sync::Arc;
use std::time::Instant;

/// Bare durable commits per second: one small INSERT + COMMIT per transaction through
/// sqlx, on a store opened with the bot's own settings (SQLite: WAL, synchronous=FULL).
pub(super) async fn bare_commits(store: &AnyStore, n: usize) -> Result<f64> {
    let t0 = Instant::now();
    store.bare_commits(n).await?;
    Ok(n as f64 / t0.elapsed().as_secs_f64())
}

/// Replays `text` on `url`; events per second and refunds paid.
/// A replay's rate (events/s), refunds paid, and disk syncs per event. `deferred`: as
/// `paydesk replay` runs (SQLite's deferred durability, actions delivered every
/// `DELIVER_EVERY` events after one sync); otherwise each commit waits for its own sync.
pub(super) async fn replay_rate(url: &str, text: &str, deferred: bool) -> Result<(f64, usize, f64)> {
    let steps = replay::parse(text).map_err(|e| anyhow::anyhow!("generated transcript: {e}"))?;
    let n_events = steps.iter().filter(|s| matches!(s, replay::Step::Event(..))).count();
    let clock = Arc::new(ManualClock::default());
    let store = AnyStore::open(url).await?.with_deferred_durability(deferred)?;
    let App { engine, sandbox, .. } = App::sandbox_only(store, clock.clone(), EngineConfig::default());
    let sink = JsonLines(std::sync::Mutex::new(std::io::sink()));
    let syncs_before = crate::adapters::store::sqlite_syncs();
    let t0 = Instant::now();
    replay::run(steps, &engine, &sandbox, &clock, &sink).await?;
    let rate = n_events as f64 / t0.elapsed().as_secs_f64();
    let syncs = crate::adapters::store::sqlite_syncs() - syncs_before;
    Ok((rate, sandbox.books().all().await?.len(), syncs as f64 / n_events.max(1) as f64))
}

/// What a burst did: events per second, refunds paid (sandbox payouts), payouts that
/// should not exist (a key paid twice, or a payout whose refund the store has as never
/// approved or as failed: must be 0), events per SQLite disk sync (0 on PostgreSQL).
pub(super) struct Burst {
    pub rate: f64,
    pub paid: usize,
    pub wrong: usize,
    pub per_sync: f64,
}

/// A burst: the transcript's events replayed with every speaker's events in order but
/// all speakers at once (as a busy Discord server delivers them), spread over `instances`
/// bots sharing the database (speaker k on instance k mod n), with SQLite group commit
/// on or off. Fixtures are seeded first, one at a time, and are not counted. Across
/// speakers the order is not the transcript's (an approval may come before the request
/// it answers and be refused), so the work differs a little from the replay's.
pub(super) async fn burst_rate(url: &str, text: &str, group: bool, instances: usize) -> Result<Burst> {
    use crate::app::engine::Event;
    let steps = replay::parse(text).map_err(|e| anyhow::anyhow!("generated transcript: {e}"))?;
    let clock = Arc::new(ManualClock::default());
    let mut apps = Vec::new();
    for _ in 0..instances.max(1) {
        let store = AnyStore::open(url).await?.with_group_commit(group)?;
        apps.push(App::sandbox_only(store, clock.clone(), EngineConfig::default()));
    }
    let sink = JsonLines(std::sync::Mutex::new(std::io::sink()));
    let mut streams: std::collections::BTreeMap<String, Vec<(Event, chrono::DateTime<chrono::Utc>)>> =
        Default::default();
    // Fixtures (and faults) go through the replay's own step, dated at the first event as
    // a replay dates them; only events are gathered per speaker.
    let start = replay::fixtures_at(&steps);
    clock.set(start);
    let (engine, sandbox) = (&apps[0].engine, &apps[0].sandbox);
    let fixtures = replay::Replayer::new(engine, sandbox, &clock, &sink, start);
    let mut last = start;
    for step in steps {
        match step {
            replay::Step::Event(e, at) => {
                let who = match &e {
                    Event::Message { actor, .. }
                    | Event::Reaction { actor, .. }
                    | Event::ReactionSeen { actor, .. } => actor.id.as_str().to_string(),
                    Event::Roles { actor } => actor.id.as_str().to_string(),
                    Event::Usage { account, .. } => account.as_str().to_string(),
                    Event::Tick => String::new(),
                };
                last = last.max(at);
                streams.entry(who).or_default().push((e, at));
            }
            other => fixtures.step(other).await?,
        }
    }
    clock.set(last);
    let n_events: usize = streams.values().map(Vec::len).sum();
    let syncs_before = crate::adapters::store::sqlite_syncs();
    let t0 = Instant::now();
    let runs = streams.into_values().enumerate().map(|(k, events)| {
        let (engine, sink, clock) = (&apps[k % apps.len()].engine, &sink, &clock);
        async move {
            // Every event at the same moment (the last event's time): bots running at
            // once share one clock, and a lease taken at one time must not look lapsed to
            // a worker whose event is dated hours later (that would be this load's fault).
            // (A plain `pump` shared by concurrent workers may deliver another worker's
            // item up to one sync before it is durable — the Discord pump claims items
            // first for that reason; this sink discards what it is given.)
            for (e, _) in events {
                engine.handle(e, last, None).await?;
                let now = crate::app::ports::Clock::now(clock.as_ref());
                crate::app::outbox::pump(engine.store().as_ref(), sink, now).await?;
            }
            anyhow::Ok(())
        }
    });
    for r in futures_util::future::join_all(runs).await {
        r?;
    }
    let rate = n_events as f64 / t0.elapsed().as_secs_f64();
    let syncs = crate::adapters::store::sqlite_syncs() - syncs_before;
    let refunds = engine.store().snapshot().await?.refunds;
    let books = sandbox.books().all().await?;
    let keys: std::collections::BTreeSet<&str> = books.iter().map(|b| b.idempotency_key.as_str()).collect();
    let unapproved = books
        .iter()
        .filter(|b| {
            !refunds.iter().any(|r| {
                r.idempotency_key == b.idempotency_key
                    && matches!(r.status.as_str(), "approved" | "executing" | "succeeded" | "reversed")
            })
        })
        .count();
    Ok(Burst {
        rate,
        paid: books.len(),
        wrong: books.len() - keys.len() + unapproved,
        per_sync: if syncs == 0 { 0.0 } else { n_events as f64 / syncs as f64 },
    })
}

pub(super) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Latency at a steady 100 events/s: per message, the time from the event to its reply
/// committed (the engine's transaction holds the outbox row); per approving reaction, to
/// the refund paid by the sandbox and recorded (an upper bound of "to the provider call").
pub(super) async fn latency(url: &str, text: &str) -> Result<(Vec<f64>, Vec<f64>)> {
    let steps = replay::parse(text).map_err(|e| anyhow::anyhow!("generated transcript: {e}"))?;
    let clock = Arc::new(ManualClock::default());
    let App { engine, sandbox, .. } =
        App::sandbox_only(AnyStore::open(url).await?, clock.clone(), EngineConfig::default());
    let sink = JsonLines(std::sync::Mutex::new(std::io::sink()));
    let (mut msgs, mut reacts) = (Vec::new(), Vec::new());
    let start = steps
        .iter()
        .find_map(|s| match s {
            replay::Step::Event(_, at) => Some(*at),
            _ => None,
        })
        .unwrap_or_default();
    clock.set(start);
    let t0 = Instant::now();
    let mut sent = 0u32;
    for step in steps {
        match step {
            replay::Step::Account(a, w) => engine.seed_account(&a, w, start).await?,
            replay::Step::User(u) => engine.seed_user(&u, start).await?,
            replay::Step::Charge(c) => engine.seed_charge(&c, start).await?,
            replay::Step::Subscription(s) => engine.seed_subscription(&s, start).await?,
            replay::Step::Fault(f, count, at) => {
                clock.set(at);
                sandbox.inject(f, count);
            }
            replay::Step::Event(e, at) => {
                // The schedule: event k is sent at k × 10 ms after the first.
                let due = t0 + std::time::Duration::from_millis(10 * u64::from(sent));
                sent += 1;
                tokio::time::sleep_until(due.into()).await;
                clock.set(at);
                let approving = matches!(&e, crate::app::engine::Event::Reaction { emoji, .. } if emoji == "✅");
                let is_msg = matches!(&e, crate::app::engine::Event::Message { .. });
                let t = Instant::now();
                engine.handle(e, at, None).await?;
                let ms = t.elapsed().as_secs_f64() * 1000.0;
                if approving {
                    reacts.push(ms);
                } else if is_msg {
                    msgs.push(ms);
                }
            }
        }
        crate::app::outbox::pump(engine.store().as_ref(), &sink, crate::app::ports::Clock::now(clock.as_ref())).await?;
    }
    msgs.sort_by(f64::total_cmp);
    reacts.sort_by(f64::total_cmp);
    Ok((msgs, reacts))
}
