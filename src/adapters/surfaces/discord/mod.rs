//! The Discord surface (serenity): the third chat surface, as thin as the console and
//! replay. `handler/` translates gateway events into engine events; `sink/` delivers
//! the outbox to Discord; `commands.rs` maps slash commands onto the text grammar;
//! our refs, case threads and interactions against Discord's ids are kept through the
//! `app::ports::discord::DiscordStore` port (the store adapter implements it); `startup.rs`
//! checks channels, roles and permissions before connecting.
//!
//! Channel names the engine sees: `dm`, a channel id (support channels and case
//! threads), `ix:<interaction id>` for slash commands, and its approvals channel name.

pub mod commands;
pub mod config;
pub mod handler;
pub mod logging;
pub mod sink;
mod startup;
#[cfg(test)]
mod tests;

use crate::adapters::store::AnyStore;
use crate::app::engine::Engine;
use crate::app::metrics::Metrics;
use crate::app::outbox::pump_claimed;
use crate::app::ports::discord::DiscordStore;
use crate::app::ports::Clock;
use crate::config::Secret;
use anyhow::{anyhow, Context as _, Result};
use config::{DiscordConfig, Named};
use serenity::all::{ApplicationId, ClientBuilder, GatewayIntents, HttpBuilder, ShardManager};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

pub use config::Shards;
pub use startup::{
    check_places, missing_permissions, needed_in_approvals, needed_in_support, permissions_in, resolve_roles,
};

/// The bot's permissions in the invite URL: View Channels, Send Messages, Send Messages
/// in Threads, Create Private Threads, Manage Threads, Manage Messages, Add Reactions,
/// Read Message History, Embed Links, Use Application Commands.
pub const INVITE_PERMISSIONS: u64 = 362_924_829_760;

/// The support channels and the approvals channel, by id; names are resolved when the
/// guild arrives.
pub struct Places {
    support: Vec<Named>,
    approvals: Named,
    resolved: RwLock<(Vec<u64>, Option<u64>)>,
}

impl Places {
    pub fn new(cfg: &DiscordConfig) -> Places {
        let ids = |v: &[Named]| {
            v.iter().filter_map(|n| if let Named::Id(i) = n { Some(*i) } else { None }).collect::<Vec<_>>()
        };
        let approvals = if let Named::Id(i) = cfg.approvals_channel { Some(i) } else { None };
        Places {
            support: cfg.support_channels.clone(),
            approvals: cfg.approvals_channel.clone(),
            resolved: RwLock::new((ids(&cfg.support_channels), approvals)),
        }
    }

    /// Resolves configured names against the guild's channels.
    pub fn resolve(&self, channels: impl Iterator<Item = (u64, String)>) {
        let channels: Vec<(u64, String)> = channels.collect();
        let find = |n: &Named| channels.iter().find(|(id, name)| n.matches(*id, Some(name))).map(|(id, _)| *id);
        let support: Vec<u64> = self
            .support
            .iter()
            .filter_map(|n| match n {
                Named::Id(i) => Some(*i),
                name => find(name),
            })
            .collect();
        let approvals = match &self.approvals {
            Named::Id(i) => Some(*i),
            name => find(name),
        };
        for n in &self.support {
            if matches!(n, Named::Name(_)) && find(n).is_none() {
                tracing::warn!(channel = ?n, "support channel not found in the guild");
            }
        }
        *self.resolved.write().unwrap_or_else(|p| p.into_inner()) = (support, approvals);
    }

    /// True when some channel is configured by name (and must be looked up).
    pub fn has_names(&self) -> bool {
        self.support.iter().chain(std::iter::once(&self.approvals)).any(|n| matches!(n, Named::Name(_)))
    }

    pub fn support_ids(&self) -> Vec<u64> {
        self.resolved.read().unwrap_or_else(|p| p.into_inner()).0.clone()
    }

    pub fn is_support(&self, id: u64) -> bool {
        self.resolved.read().unwrap_or_else(|p| p.into_inner()).0.contains(&id)
    }

    pub fn first_support(&self) -> Result<u64> {
        self.resolved
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .0
            .first()
            .copied()
            .ok_or_else(|| anyhow!("no support channel resolved yet"))
    }

    pub fn approvals(&self) -> Result<u64> {
        self.resolved
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .1
            .ok_or_else(|| anyhow!("the approvals channel is not resolved yet"))
    }
}

/// What the handler, the sink and the timers share.
pub struct Shared {
    pub engine: Arc<Engine>,
    pub map: Arc<dyn DiscordStore>,
    pub cfg: DiscordConfig,
    pub places: Arc<Places>,
    pub sink: sink::DiscordSink,
    pub metrics: Arc<Metrics>,
    /// Set on READY/RESUMED, cleared on shutdown (`/readyz`).
    pub ready: Arc<AtomicBool>,
    /// What handlers and timers read the time from (`paydesk run`: the system clock).
    pub clock: Arc<dyn Clock>,
    pub bot_id: AtomicU64,
    /// Handlers hold it shared; shutdown takes it exclusively, so in-flight events finish.
    pub inflight: tokio::sync::RwLock<()>,
    pub stopping: AtomicBool,
    /// One pump at a time in this process; claims keep processes apart.
    pump_lock: tokio::sync::Mutex<()>,
    /// Wakes the delivery task (event handlers never deliver themselves).
    pub wake_pump: tokio::sync::Notify,
    /// Set when Discord refuses the token (401): `run` stops with a clear error.
    pub fatal: AtomicBool,
    pub wake_stop: tokio::sync::Notify,
    /// Reactions are handled one at a time per message (serenity runs every event in its
    /// own task, so an add and a remove arriving back to back would race).
    pub reaction_locks: std::sync::Mutex<std::collections::HashMap<u64, Arc<tokio::sync::Mutex<()>>>>,
    /// READY seen at least once (later ones are reconnects).
    pub sessions: AtomicU64,
    /// Set by READY on the guild's shard: read reactions back when the guild arrives.
    pub catch_up_due: AtomicBool,
}

impl Shared {
    /// Asks the delivery task to deliver what is pending now.
    pub fn wake(&self) {
        self.wake_pump.notify_one();
    }

    /// The lock that serialises reaction handling on one message.
    pub fn reaction_lock(&self, message_id: u64) -> Arc<tokio::sync::Mutex<()>> {
        let mut m = self.reaction_locks.lock().unwrap_or_else(|p| p.into_inner());
        if m.len() > 10_000 {
            m.retain(|_, l| Arc::strong_count(l) > 1);
        }
        m.entry(message_id).or_default().clone()
    }

    /// Delivers what is pending. Errors are logged and retried on the next pump.
    pub async fn pump(&self) {
        let _one = self.pump_lock.lock().await;
        let worker = self.engine.config().worker.clone();
        match pump_claimed(
            self.engine.store().as_ref(),
            &self.sink,
            &worker,
            self.clock.now(),
            chrono::Duration::seconds(30),
        )
        .await
        {
            Ok(r) => {
                self.metrics.outbox_dead.fetch_add(r.dead as u64, Ordering::Relaxed);
            }
            Err(e) => {
                if let Some(crate::app::ports::ChatError::Fatal { reason }) = e.downcast_ref() {
                    tracing::error!(reason = %reason, "Discord refuses the bot's token; stopping");
                    self.fatal.store(true, Ordering::SeqCst);
                    self.wake_stop.notify_one();
                } else {
                    tracing::warn!(error = %e, "outbox delivery failed; will retry");
                }
            }
        }
    }
}

/// Connect timeout for Discord REST.
pub const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);
/// Whole-request timeout for Discord REST: a stalled connection never stops delivery.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// True when `api_base` is this machine (a fake Discord in tests, a local proxy).
fn is_loopback(api_base: &str) -> bool {
    let rest = api_base.split_once("://").map_or(api_base, |(_, r)| r);
    let host = rest.split(['/', '?']).next().unwrap_or("");
    let host = if host.starts_with('[') {
        host.split(']').next().map(|h| h.trim_start_matches('[')).unwrap_or("")
    } else {
        host.split(':').next().unwrap_or("")
    };
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// serenity's HTTP client for `api_base` (a fake Discord in tests), with connect and
/// request timeouts. The rate limiter stays on unless `api_base` is a loopback address:
/// serenity only honours a proxy base with its own rate limiter off, which is right for a
/// local fake or a local rate-limiting proxy, never for anything remote.
pub fn http_client(cfg: &DiscordConfig, token: &Secret) -> Result<serenity::http::Http> {
    let client = rest_client()?;
    let mut http = HttpBuilder::new(token.expose()).client(client);
    if cfg.api_base != config::DEFAULT_API_BASE {
        http = http.proxy(cfg.api_base.clone());
        if is_loopback(&cfg.api_base) {
            http = http.ratelimiter_disabled(true);
        }
    }
    if let Some(app) = cfg.application_id {
        http = http.application_id(ApplicationId::new(app));
    }
    Ok(http.build())
}

/// The HTTP client for Discord REST, with connect and request timeouts.
pub fn rest_client() -> Result<reqwest012::Client> {
    reqwest012::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .build()
        .context("cannot build the HTTP client for Discord")
}

/// Everything `paydesk run` needs to start the Discord surface.
pub struct RunArgs {
    pub cfg: DiscordConfig,
    pub token: Secret,
    pub store: AnyStore,
    pub engine: Arc<Engine>,
    pub metrics: Arc<Metrics>,
    pub ready: Arc<AtomicBool>,
    /// The time of events, timers and deliveries (the system clock in `paydesk run`).
    pub clock: Arc<dyn Clock>,
}

/// Connects, runs timers every second and the outbox when woken (and every second), and
/// on `shutdown` stops the shards first (nothing new arrives), lets in-flight events
/// finish, then delivers what they wrote, for at most `FINAL_PUMP`.
pub async fn run(args: RunArgs, shutdown: impl std::future::Future<Output = ()> + Send) -> Result<()> {
    let RunArgs { cfg, token, store, engine, metrics, ready, clock } = args;
    let http = http_client(&cfg, &token)?;
    let places = Arc::new(Places::new(&cfg));
    check_places(&http, &cfg, &places).await?;
    let cfg = resolve_roles(&http, cfg).await?;
    report_missing_permissions(&http, &cfg, &places, &metrics).await;
    let map = store.discord_store();
    let sink = new_sink(&engine, &cfg, map.clone(), places.clone(), metrics.clone(), clock.clone())?;
    let shards = cfg.shards;
    let shared = Arc::new(Shared {
        engine: engine.clone(),
        map,
        cfg,
        places,
        sink,
        metrics,
        ready: ready.clone(),
        clock,
        bot_id: AtomicU64::new(0),
        inflight: tokio::sync::RwLock::new(()),
        stopping: AtomicBool::new(false),
        pump_lock: tokio::sync::Mutex::new(()),
        wake_pump: tokio::sync::Notify::new(),
        fatal: AtomicBool::new(false),
        wake_stop: tokio::sync::Notify::new(),
        reaction_locks: std::sync::Mutex::new(std::collections::HashMap::new()),
        sessions: AtomicU64::new(0),
        catch_up_due: AtomicBool::new(false),
    });
    let mut client = ClientBuilder::new_with_http(http, intents())
        .event_handler(handler::Handler(shared.clone()))
        .raw_event_handler(handler::RawHandler(shared.clone()))
        .await
        .context("cannot build the Discord client")?;
    // One Http (one rate limiter) for the gateway handlers and the outbox.
    let _ = shared.sink.http.set(client.http.clone());
    let manager = client.shard_manager.clone();
    let gateway = tokio::spawn(async move { client.start_shard_range(shards.first..shards.last, shards.total).await });
    let timers = spawn_timers(shared.clone(), manager.clone());
    tokio::pin!(gateway);
    let result = tokio::select! {
        _ = shutdown => Ok(()),
        _ = shared.wake_stop.notified() => Err(anyhow!("Discord refused the bot token (401 Unauthorized): check PAYDESK_DISCORD_TOKEN")),
        r = &mut gateway => match r {
            Ok(Ok(())) => Err(anyhow!("the Discord connection ended")),
            Ok(Err(e)) => Err(anyhow!("the Discord connection failed: {e}")),
            Err(e) => Err(anyhow!("the Discord task failed: {e}")),
        },
    };
    shut_down(&shared, &manager, &ready, timers).await;
    result
}

/// The gateway events the bot reads.
fn intents() -> GatewayIntents {
    GatewayIntents::GUILDS
        | GatewayIntents::GUILD_MESSAGES
        | GatewayIntents::GUILD_MESSAGE_REACTIONS
        | GatewayIntents::DIRECT_MESSAGES
        | GatewayIntents::MESSAGE_CONTENT
        | GatewayIntents::GUILD_MEMBERS
}

/// Missing permissions do not stop the bot (it can still answer where it may), but staff
/// are told at once in the approvals channel, and it is logged at ERROR.
async fn report_missing_permissions(
    http: &serenity::http::Http,
    cfg: &DiscordConfig,
    places: &Places,
    metrics: &Metrics,
) {
    let lacking = match missing_permissions(http, cfg, places).await {
        Ok(l) => l,
        Err(e) => vec![format!("the permissions could not be checked: {e:#}")],
    };
    for l in &lacking {
        tracing::error!(problem = %l, "the bot lacks permissions on Discord");
    }
    if let (false, Ok(approvals)) = (lacking.is_empty(), places.approvals()) {
        metrics.staff_alerts.fetch_add(1, Ordering::Relaxed);
        let text = format!("⚠️ paydesk started without some permissions it needs: {}.", lacking.join("; "));
        let body = serde_json::json!({"content": sink::fit_content(&text, sink::CONTENT_LIMIT).first().cloned().unwrap_or_default(), "allowed_mentions": {"parse": []}});
        if let Err(e) = http.send_message(approvals.into(), vec![], &body).await {
            tracing::error!(error = %e, "could not tell staff about missing permissions");
        }
    }
}

/// The outbox's sink to Discord (its `Http` is set once the gateway client is built).
fn new_sink(
    engine: &Engine,
    cfg: &DiscordConfig,
    map: Arc<dyn DiscordStore>,
    places: Arc<Places>,
    metrics: Arc<Metrics>,
    clock: Arc<dyn Clock>,
) -> Result<sink::DiscordSink> {
    let ecfg = engine.config();
    Ok(sink::DiscordSink {
        http: std::sync::OnceLock::new(),
        map,
        places,
        approvals_name: ecfg.approvals_channel.clone(),
        approve_emoji: ecfg.approve_emojis[0].clone(),
        reject_emoji: ecfg.reject_emojis[0].clone(),
        dm_fallback: cfg.dm_fallback,
        metrics: Some(metrics),
        rest: rest_client()?,
        clock,
    })
}

/// The delivery task: timers every second, the outbox on every tick and whenever a handler
/// wakes it, until shutdown.
fn spawn_timers(shared: Arc<Shared>, manager: Arc<ShardManager>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
        loop {
            let timer_due = tokio::select! {
                _ = tick.tick() => true,
                _ = shared.wake_pump.notified() => false,
            };
            if shared.stopping.load(Ordering::SeqCst) {
                break;
            }
            if timer_due {
                run_tick(&shared, &manager).await;
            }
            shared.pump().await;
        }
    })
}

/// One second's work: `/readyz` from the shards' state, then the engine's timers.
async fn run_tick(shared: &Shared, manager: &ShardManager) {
    // `/readyz` follows the shards as serenity's manager has them: a shard
    // it restarts (a failed heartbeat, a dropped connection) sends no stage
    // event while it is down, so the flag set by READY would stay up.
    let up =
        manager.runners.lock().await.values().any(|r| matches!(r.stage, serenity::all::ConnectionStage::Connected));
    if !shared.stopping.load(Ordering::SeqCst) {
        shared.ready.store(up, Ordering::SeqCst);
    }
    // Lock order everywhere: `inflight` (shared) before `pump_lock`, never
    // both held at once here; shutdown takes `inflight` after this loop ends.
    let guard = shared.inflight.read().await;
    if let Err(e) = shared.engine.run_timers(shared.clock.now()).await {
        tracing::error!(error = %e, "timers failed");
    }
    drop(guard);
}

/// Stops the shards, waits for in-flight events, stops the delivery task and delivers what
/// is left, for at most `FINAL_PUMP`.
async fn shut_down(
    shared: &Shared,
    manager: &ShardManager,
    ready: &AtomicBool,
    mut timers: tokio::task::JoinHandle<()>,
) {
    tracing::info!("shutting down: stopping the shards, finishing in-flight work");
    ready.store(false, Ordering::SeqCst);
    shared.stopping.store(true, Ordering::SeqCst);
    // Shards first: no event arrives after this, so none is half-handled at exit (one not
    // yet received is backfilled after the restart, see `handler::backfill`).
    manager.shutdown_all().await;
    shared.wake();
    let _all_done = shared.inflight.write().await;
    // The delivery task may be inside a stalled call: give it a moment, then stop it.
    if tokio::time::timeout(std::time::Duration::from_secs(3), &mut timers).await.is_err() {
        timers.abort();
    }
    if tokio::time::timeout(FINAL_PUMP, shared.pump()).await.is_err() {
        tracing::warn!("the last delivery did not finish in time; what is left is delivered after the restart");
    }
}

/// How long shutdown waits for the last delivery.
pub const FINAL_PUMP: std::time::Duration = std::time::Duration::from_secs(8);
