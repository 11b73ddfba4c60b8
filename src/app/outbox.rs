//! Delivering the outbox: the one loop every surface uses to send what the engine wrote.

use super::action::OutboxItem;
use super::ports::{ChatSink, Store};
use chrono::{DateTime, Utc};

/// Delivers every pending outbox item in order through `sink`, marking each batch
/// delivered after it was sent. A crash between the two re-sends that batch, which is why
/// chat sinks dedupe by the item id where the platform allows (Discord's nonce).
pub async fn pump(store: &dyn Store, sink: &dyn ChatSink, now: DateTime<Utc>) -> anyhow::Result<usize> {
    const BATCH: u32 = 256;
    let mut sent = 0;
    loop {
        let items = store.outbox_pending(BATCH).await?;
        if items.is_empty() {
            return Ok(sent);
        }
        sent += deliver_batch(store, sink, &items, now).await?;
        // A short batch was everything pending when it was read: no second read is needed
        // (one statement less per event). What is committed later goes with the next pump.
        if items.len() < BATCH as usize {
            return Ok(sent);
        }
    }
}

/// Like `pump`, for surfaces that several instances run at once: each batch is claimed
/// for `worker` for `lease` first, so an item is delivered by one instance. An item that
/// fails stays claimed until the lease lapses, then any instance retries it.
pub async fn pump_claimed(
    store: &dyn Store,
    sink: &dyn ChatSink,
    worker: &str,
    now: DateTime<Utc>,
    lease: chrono::Duration,
) -> anyhow::Result<usize> {
    let mut sent = 0;
    loop {
        let items = store.outbox_claim(worker, now, now + lease, 64).await?;
        if items.is_empty() {
            return Ok(sent);
        }
        sent += deliver_batch(store, sink, &items, now).await?;
    }
}

/// Sends `items` in order, then marks what was sent delivered (also when one fails, so
/// nothing sent is sent again). Returns how many were sent.
async fn deliver_batch(store: &dyn Store, sink: &dyn ChatSink, items: &[OutboxItem], now: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut done = Vec::with_capacity(items.len());
    for item in items {
        if let Err(e) = sink.deliver(item).await {
            store.outbox_delivered(&done, now).await?;
            return Err(e);
        }
        done.push(item.id);
    }
    store.outbox_delivered(&done, now).await?;
    Ok(done.len())
}
