//! Delivering the outbox: the one loop every surface uses to send what the engine wrote.

use super::ports::{ChatError, ChatSink, Store};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// Attempts before an item is given up on (`dead`); with the backoff below the last one
/// comes about 4 hours after the first failure.
pub const MAX_ATTEMPTS: u32 = 12;
const BACKOFF_BASE: Duration = Duration::from_secs(2);
const BACKOFF_CAP: Duration = Duration::from_secs(3600);

/// Delivers every pending outbox item in order through `sink`, marking each batch
/// delivered after it was sent — in the next event's transaction (`outbox_delivered_later`;
/// callers `flush` the store when they end). A crash between the two re-sends that batch,
/// which is why chat sinks dedupe by the item id where the platform allows (Discord's
/// nonce). For the console and replays (one process, in order); stops at the first failure.
pub async fn pump(store: &dyn Store, sink: &dyn ChatSink, now: DateTime<Utc>) -> anyhow::Result<usize> {
    const BATCH: u32 = 256;
    let mut sent = 0;
    loop {
        let items = store.outbox_pending(BATCH).await?;
        if items.is_empty() {
            return Ok(sent);
        }
        // Nothing is delivered before the commits it tells of are on disk.
        store.durable().await?;
        let mut done = Vec::with_capacity(items.len());
        for item in &items {
            if let Err(e) = sink.deliver(item).await {
                store.outbox_delivered(&done, now).await?;
                return Err(e);
            }
            done.push(item.id);
        }
        // A short batch was everything pending: marked with the next event's transaction
        // (one commit per event, not two). A full batch is marked now, so that the next
        // read (`ORDER BY id LIMIT`) moves past it.
        if items.len() < BATCH as usize {
            store.outbox_delivered_later(&done, now).await?;
        } else {
            store.outbox_delivered(&done, now).await?;
        }
        sent += done.len();
        // A short batch was everything pending when it was read: no second read is needed
        // (one statement less per event). What is committed later goes with the next pump.
        if items.len() < BATCH as usize {
            return Ok(sent);
        }
    }
}

/// What one pass of `pump_claimed` did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PumpReport {
    pub sent: usize,
    /// Failed and scheduled again.
    pub retried: usize,
    /// Given up on this pass (refused for good, or out of attempts).
    pub dead: usize,
}

/// When to try an item again after its `attempts`-th failure (at `now`): 2 s doubling up
/// to an hour, times a jitter in [0.5, 1.5); when the platform said how long to wait (a
/// 429's `retry_after`), exactly that: never sooner, and no longer than it asked.
pub fn next_attempt(now: DateTime<Utc>, attempts: u32, after: Option<Duration>, jitter: f64) -> DateTime<Utc> {
    let wait = match after {
        Some(a) => a,
        None => BACKOFF_BASE
            .saturating_mul(1u32 << attempts.saturating_sub(1).min(20))
            .min(BACKOFF_CAP)
            .mul_f64(jitter.clamp(0.5, 1.5)),
    };
    now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1))
}

/// A factor in [0.5, 1.5): RandomState is seeded randomly per instance, enough jitter
/// without another dependency.
fn jitter(id: i64, attempts: u32) -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_i64(id);
    h.write_u32(attempts);
    0.5 + (h.finish() % 1000) as f64 / 1000.0
}

/// Like `pump`, for surfaces that several instances run at once: each batch is claimed
/// for `worker` for `lease` first, so an item is delivered by one instance. Each item has
/// its own fate: one that fails is scheduled again with backoff (or marked dead) and the
/// others go on; order is kept per destination by the claim. Stops only on
/// `ChatError::Fatal` (nothing can be delivered) and store errors.
pub async fn pump_claimed(
    store: &dyn Store,
    sink: &dyn ChatSink,
    worker: &str,
    now: DateTime<Utc>,
    lease: chrono::Duration,
) -> anyhow::Result<PumpReport> {
    let mut report = PumpReport::default();
    // A wait is counted from when the failure was answered, not from the start of the pass.
    let started = std::time::Instant::now();
    loop {
        let items = store.outbox_claim(worker, now, now + lease, 64).await?;
        if items.is_empty() {
            return Ok(report);
        }
        // Nothing is delivered before the commits it tells of are on disk.
        store.durable().await?;
        let mut done = Vec::with_capacity(items.len());
        for item in &items {
            match sink.deliver(item).await {
                Ok(()) => done.push(item.id),
                Err(e) => {
                    let attempts = item.attempts.saturating_add(1);
                    let (dead, after) = match e.downcast_ref::<ChatError>() {
                        Some(ChatError::Fatal { .. }) => {
                            store.outbox_delivered(&done, now).await?;
                            return Err(e);
                        }
                        Some(ChatError::Refused { .. }) => (true, None),
                        Some(ChatError::Retry { after, .. }) => (attempts >= MAX_ATTEMPTS, *after),
                        None => (attempts >= MAX_ATTEMPTS, None),
                    };
                    let jitter = jitter(item.id, attempts);
                    let failed_at = now + chrono::Duration::from_std(started.elapsed()).unwrap_or_default();
                    let next = next_attempt(failed_at, attempts, after, jitter);
                    if dead {
                        tracing::error!(outbox = item.id, attempts, error = %e, "outbox item given up on (dead)");
                        report.dead += 1;
                    } else {
                        tracing::warn!(outbox = item.id, attempts, next = %next, error = %e, "outbox item not delivered; will retry");
                        report.retried += 1;
                    }
                    store.outbox_failed(item.id, attempts, next, dead, &format!("{e:#}")).await?;
                }
            }
        }
        store.outbox_delivered(&done, now).await?;
        report.sent += done.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_up_to_a_cap_and_a_retry_after_is_waited_exactly() {
        let now: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
        let secs = |t: DateTime<Utc>| (t - now).num_milliseconds() as f64 / 1000.0;
        assert_eq!(secs(next_attempt(now, 1, None, 1.0)), 2.0);
        assert_eq!(secs(next_attempt(now, 2, None, 1.0)), 4.0);
        assert_eq!(secs(next_attempt(now, 5, None, 1.0)), 32.0);
        assert_eq!(secs(next_attempt(now, 5, None, 0.5)), 16.0);
        assert_eq!(secs(next_attempt(now, 40, None, 1.0)), 3600.0);
        assert_eq!(
            secs(next_attempt(now, 1, Some(Duration::from_secs(30)), 1.4)),
            30.0,
            "a 429's retry_after is waited out"
        );
        assert_eq!(
            secs(next_attempt(now, 8, Some(Duration::from_secs(30)), 1.0)),
            30.0,
            "exactly as long as asked, not the backoff"
        );
        assert_eq!(secs(next_attempt(now, 1, Some(Duration::from_millis(1234)), 0.5)), 1.234, "to the millisecond");
    }
}
