//! One way to build the app: configuration → store → connectors → engine, and the background
//! tasks a subcommand starts (resumed timers, the HTTP listener). Every subcommand, the bench
//! and the integration tests' harness build their engine here.
//!
//! This module wires adapters to the application, so it sits above both (beside `main`):
//! `app` never imports it.

use crate::adapters::http::{self, ops, webhooks};
use crate::adapters::payments::sandbox::Sandbox;
use crate::adapters::payments::setup::Providers;
use crate::adapters::store::AnyStore;
use crate::app::engine::{Connectors, Engine, EngineConfig};
use crate::app::metrics::Metrics;
use crate::app::ports::Clock;
use crate::config::{Config, LogFormat};
use anyhow::{Context, Result};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// The engine on a store, with the built-in sandbox it pays through (replay and the tests read
/// the sandbox's books).
pub struct App {
    /// The store the engine runs on (the Discord map shares its pools).
    pub store: AnyStore,
    /// The engine: every surface feeds its events here.
    pub engine: Engine,
    /// The built-in provider, always among the engine's connectors.
    pub sandbox: Arc<Sandbox>,
}

impl App {
    /// The engine on `store`, paying through the connectors `connect` makes from the sandbox
    /// (tests wrap the sandbox to inject faults).
    pub fn build(
        store: AnyStore,
        clock: Arc<dyn Clock>,
        cfg: EngineConfig,
        connect: impl FnOnce(Arc<Sandbox>) -> Connectors,
    ) -> App {
        let sandbox = Arc::new(Sandbox::new(store.sandbox_books(), clock));
        let engine = Engine::new(store.as_store(), connect(sandbox.clone()), cfg);
        App { store, engine, sandbox }
    }

    /// The engine with the sandbox plus every provider configured in `[providers.*]`.
    pub fn with_providers(store: AnyStore, clock: Arc<dyn Clock>, cfg: EngineConfig, providers: &Providers) -> App {
        App::build(store, clock, cfg, |sandbox| providers.connectors(sandbox))
    }

    /// The engine with the sandbox as its only provider (the bench, offline subcommands).
    pub fn sandbox_only(store: AnyStore, clock: Arc<dyn Clock>, cfg: EngineConfig) -> App {
        App::build(store, clock, cfg, |sandbox| Connectors::default().with(sandbox))
    }
}

/// The store URL: `--db` if given, else the configuration's `store.url`.
pub fn store_url(cfg: &Config, db: Option<String>) -> String {
    db.unwrap_or_else(|| cfg.store_url.clone())
}

/// Opens (and migrates) the store at `url`, creating a SQLite file if there is none.
pub async fn open_store(url: &str) -> Result<AnyStore> {
    AnyStore::open(url).await.with_context(|| format!("cannot open the store {}", crate::config::redact_url(url)))
}

/// Opens a store that must exist already (`audit`, `queue`, `report`): a mistyped path is
/// an error, not a new empty database.
pub async fn open_existing_store(url: &str) -> Result<AnyStore> {
    AnyStore::open_existing(url)
        .await
        .with_context(|| format!("cannot open the store {}", crate::config::redact_url(url)))
}

/// Logs to stderr as the configuration says (`PAYDESK_LOG` overrides the filter); every line
/// passes the card-number detector before it is written.
pub fn init_logs(cfg: &Config) {
    use crate::adapters::surfaces::discord::logging::filter_directives;
    let configured = std::env::var("PAYDESK_LOG").unwrap_or_else(|_| cfg.log_filter.clone());
    // serenity's payload warnings are filtered out unless the filter names them itself.
    let filter = tracing_subscriber::EnvFilter::try_new(filter_directives(&configured))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(filter_directives(&cfg.log_filter)));
    // Colour codes only on a terminal: a log file or a pipe gets plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(crate::logging::Redacting(std::io::stderr));
    let _ = match cfg.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}

/// What the HTTP listener serves: the ops endpoints and the providers' webhooks.
pub struct HttpParts {
    pub engine: Arc<Engine>,
    pub providers: Providers,
    pub metrics: Arc<Metrics>,
    pub ready: Arc<AtomicBool>,
    pub clock: Arc<dyn Clock>,
}

/// Starts the HTTP listener on `listen` (`/healthz`, `/readyz`, `/metrics`, provider webhooks)
/// in the background; it stops when `stop` changes.
pub async fn start_http(
    listen: &str,
    parts: HttpParts,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> Result<std::net::SocketAddr> {
    let HttpParts { engine, providers, metrics, ready, clock } = parts;
    let ops_state = ops::OpsState { store: engine.store().clone(), metrics, ready, clock: clock.clone() };
    let hooks = webhooks::WebhookState { engine, keys: providers.webhooks.clone(), clock };
    let router = ops::routes(ops_state).merge(webhooks::routes(hooks));
    let addr = listen.parse().with_context(|| format!("http.listen: `{listen}`"))?;
    http::serve(addr, router, async move {
        let _ = stop.changed().await;
    })
    .await
}
