//! `paydesk run`: the bot on Discord, with its background tasks.

use anyhow::{Context, Result};
use paydesk::adapters::http::HttpConfig;
use paydesk::adapters::payments::setup::Providers;
use paydesk::adapters::surfaces::discord::{self, config::DiscordConfig, RunArgs as DiscordArgs};
use paydesk::app::engine::EngineConfig;
use paydesk::app::metrics::Metrics;
use paydesk::app::ports::{Clock, SystemClock};
use paydesk::config::{Config, Secret};
use paydesk::wiring::{self, App, HttpParts};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

#[derive(clap::Args)]
pub struct RunArgs {
    /// The configuration file (default: ./bot.toml if present, else built-in defaults).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Database URL (default from config).
    #[arg(long)]
    db: Option<String>,
}

/// The bot token, from the environment only.
fn discord_token() -> Result<Secret> {
    std::env::var("PAYDESK_DISCORD_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .map(Secret::new)
        .context("PAYDESK_DISCORD_TOKEN is not set: the bot token is read from the environment only")
}

/// `paydesk run`: the Discord surface, the timers and outbox, the HTTP listener; stops
/// gracefully on SIGTERM/SIGINT.
pub async fn run(args: RunArgs) -> Result<ExitCode> {
    let cfg = Config::load(args.config.as_deref())?;
    wiring::init_logs(&cfg);
    let raw = cfg.discord.as_ref().with_context(|| {
        format!("{}: [discord] is missing (guild_id, support_channels, approvals_channel)", cfg.source)
    })?;
    let dcfg = DiscordConfig::from_toml(raw, &cfg.source)?;
    let token = discord_token()?;
    let http_cfg = HttpConfig::from_toml(cfg.http.as_ref(), &cfg.source)?;
    let store = wiring::open_store(&wiring::store_url(&cfg, args.db)).await?;
    let metrics = Arc::new(Metrics::default());
    let providers = Providers::from_config(&cfg, Some(metrics.clone()))?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let engine_cfg = EngineConfig { max_new_cases_per_hour: dcfg.max_cases_per_user_per_hour, ..cfg.engine.clone() };
    let App { store, engine, sandbox: _sandbox } = App::with_providers(store, clock.clone(), engine_cfg, &providers);
    let engine = Arc::new(engine);
    let ready = Arc::new(AtomicBool::new(false));
    let (stop_http, stopped) = tokio::sync::watch::channel(false);
    if let Some(listen) = &http_cfg.listen {
        let parts = HttpParts {
            engine: engine.clone(),
            providers,
            metrics: metrics.clone(),
            ready: ready.clone(),
            clock: clock.clone(),
        };
        let bound = wiring::start_http(listen, parts, stopped).await?;
        tracing::info!(%bound, "http listener up");
    }
    // Refunds left executing by a crash are due now.
    engine.run_timers(clock.now()).await?;
    let args = DiscordArgs { cfg: dcfg, token, store, engine, metrics, ready, clock };
    let result = discord::run(args, shutdown_signal()).await;
    let _ = stop_http.send(true);
    result?;
    Ok(ExitCode::SUCCESS)
}

/// SIGTERM or SIGINT (Ctrl-C).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) else {
            return std::future::pending().await;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("signal received");
}
