//! The Discord surface (serenity): the third chat surface, as thin as the console and
//! replay. `handler.rs` translates gateway events into engine events; `sink.rs` delivers
//! the outbox to Discord; `commands.rs` maps slash commands onto the text grammar;
//! `map.rs` keeps our refs, case threads and interactions against Discord's ids.
//!
//! Channel names the engine sees: `dm`, a channel id (support channels and case
//! threads), `ix:<interaction id>` for slash commands, and its approvals channel name.

pub mod commands;
pub mod config;
pub mod handler;
pub mod map;
pub mod sink;

use crate::adapters::store::AnyStore;
use crate::app::engine::Engine;
use crate::app::metrics::Metrics;
use crate::app::outbox::pump_claimed;
use crate::config::Secret;
use anyhow::{anyhow, Context as _, Result};
use config::{DiscordConfig, Named};
use map::DiscordMap;
use serenity::all::{ApplicationId, ClientBuilder, GatewayIntents, HttpBuilder};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

pub use config::Shards;

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
        let ids = |v: &[Named]| v.iter().filter_map(|n| if let Named::Id(i) = n { Some(*i) } else { None }).collect::<Vec<_>>();
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

    pub fn is_support(&self, id: u64) -> bool {
        self.resolved.read().unwrap_or_else(|p| p.into_inner()).0.contains(&id)
    }

    pub fn first_support(&self) -> Result<u64> {
        self.resolved.read().unwrap_or_else(|p| p.into_inner()).0.first().copied().ok_or_else(|| anyhow!("no support channel resolved yet"))
    }

    pub fn approvals(&self) -> Result<u64> {
        self.resolved.read().unwrap_or_else(|p| p.into_inner()).1.ok_or_else(|| anyhow!("the approvals channel is not resolved yet"))
    }
}

/// What the handler, the sink and the timers share.
pub struct Shared {
    pub engine: Arc<Engine>,
    pub map: DiscordMap,
    pub cfg: DiscordConfig,
    pub places: Arc<Places>,
    pub sink: sink::DiscordSink,
    pub metrics: Arc<Metrics>,
    /// Set on READY/RESUMED, cleared on shutdown (`/readyz`).
    pub ready: Arc<AtomicBool>,
    pub bot_id: AtomicU64,
    /// Handlers hold it shared; shutdown takes it exclusively, so in-flight events finish.
    pub inflight: tokio::sync::RwLock<()>,
    pub stopping: AtomicBool,
    /// One pump at a time in this process; claims keep processes apart.
    pump_lock: tokio::sync::Mutex<()>,
}

impl Shared {
    /// Delivers what is pending. Errors are logged and retried on the next pump.
    pub async fn pump(&self) {
        let _one = self.pump_lock.lock().await;
        let worker = self.engine.config().worker.clone();
        if let Err(e) = pump_claimed(self.engine.store().as_ref(), &self.sink, &worker, chrono::Utc::now(), chrono::Duration::seconds(30)).await {
            tracing::warn!(error = %e, "outbox delivery failed; will retry");
        }
    }
}

/// serenity's HTTP client for `api_base` (a fake Discord in tests).
pub fn http_client(cfg: &DiscordConfig, token: &Secret) -> serenity::http::Http {
    let mut http = HttpBuilder::new(token.expose());
    if cfg.api_base != config::DEFAULT_API_BASE {
        // serenity only honours a proxy with its own rate limiter off.
        http = http.proxy(cfg.api_base.clone()).ratelimiter_disabled(true);
    }
    if let Some(app) = cfg.application_id {
        http = http.application_id(ApplicationId::new(app));
    }
    http.build()
}

/// Everything `paydesk run` needs to start the Discord surface.
pub struct RunArgs {
    pub cfg: DiscordConfig,
    pub token: Secret,
    pub store: AnyStore,
    pub engine: Arc<Engine>,
    pub metrics: Arc<Metrics>,
    pub ready: Arc<AtomicBool>,
}

/// Connects, runs timers and the outbox every second, and on `shutdown` stops taking
/// events, lets in-flight ones finish, delivers what they wrote and disconnects.
pub async fn run(args: RunArgs, shutdown: impl std::future::Future<Output = ()> + Send) -> Result<()> {
    let RunArgs { cfg, token, store, engine, metrics, ready } = args;
    let http = http_client(&cfg, &token);
    let places = Arc::new(Places::new(&cfg));
    let map = DiscordMap::new(&store);
    let ecfg = engine.config();
    let sink = sink::DiscordSink {
        http: Arc::new(http_client(&cfg, &token)),
        map: map.clone(),
        places: places.clone(),
        approvals_name: ecfg.approvals_channel.clone(),
        approve_emoji: ecfg.approve_emojis[0].clone(),
        reject_emoji: ecfg.reject_emojis[0].clone(),
        dm_fallback: cfg.dm_fallback,
        metrics: Some(metrics.clone()),
    };
    let intents = GatewayIntents::GUILDS
        | GatewayIntents::GUILD_MESSAGES
        | GatewayIntents::GUILD_MESSAGE_REACTIONS
        | GatewayIntents::DIRECT_MESSAGES
        | GatewayIntents::MESSAGE_CONTENT
        | GatewayIntents::GUILD_MEMBERS;
    let shards = cfg.shards;
    let shared = Arc::new(Shared {
        engine: engine.clone(),
        map,
        cfg,
        places,
        sink,
        metrics,
        ready: ready.clone(),
        bot_id: AtomicU64::new(0),
        inflight: tokio::sync::RwLock::new(()),
        stopping: AtomicBool::new(false),
        pump_lock: tokio::sync::Mutex::new(()),
    });
    let mut client = ClientBuilder::new_with_http(http, intents)
        .event_handler(handler::Handler(shared.clone()))
        .await
        .context("cannot build the Discord client")?;
    let manager = client.shard_manager.clone();
    let gateway = tokio::spawn(async move { client.start_shard_range(shards.first..shards.last, shards.total).await });
    let timers = {
        let shared = shared.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
            loop {
                tick.tick().await;
                if shared.stopping.load(Ordering::SeqCst) {
                    break;
                }
                let guard = shared.inflight.read().await;
                if let Err(e) = shared.engine.run_timers(chrono::Utc::now()).await {
                    tracing::error!(error = %e, "timers failed");
                }
                drop(guard);
                shared.pump().await;
            }
        })
    };
    tokio::pin!(gateway);
    let result = tokio::select! {
        _ = shutdown => Ok(()),
        r = &mut gateway => match r {
            Ok(Ok(())) => Err(anyhow!("the Discord connection ended")),
            Ok(Err(e)) => Err(anyhow!("the Discord connection failed: {e}")),
            Err(e) => Err(anyhow!("the Discord task failed: {e}")),
        },
    };
    tracing::info!("shutting down: finishing in-flight work");
    ready.store(false, Ordering::SeqCst);
    shared.stopping.store(true, Ordering::SeqCst);
    let _all_done = shared.inflight.write().await;
    let _ = timers.await;
    shared.pump().await;
    manager.shutdown_all().await;
    result
}

#[cfg(test)]
mod tests {
    use serenity::all::Permissions as P;

    #[test]
    fn the_invite_permissions_are_the_ones_the_readme_lists() {
        let p = P::VIEW_CHANNEL
            | P::SEND_MESSAGES
            | P::SEND_MESSAGES_IN_THREADS
            | P::CREATE_PRIVATE_THREADS
            | P::MANAGE_THREADS
            | P::MANAGE_MESSAGES
            | P::ADD_REACTIONS
            | P::READ_MESSAGE_HISTORY
            | P::EMBED_LINKS
            | P::USE_APPLICATION_COMMANDS;
        assert_eq!(p.bits(), super::INVITE_PERMISSIONS);
    }
}
