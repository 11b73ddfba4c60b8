//! The `paydesk` command line: the edge of the program, where errors become messages
//! and exit codes.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use paydesk::adapters::payments::sandbox::Sandbox;
use paydesk::adapters::payments::setup::Providers;
use paydesk::adapters::store::AnyStore;
use paydesk::adapters::surfaces::{console, demo, replay};
use paydesk::app::engine::{Connectors, Engine, EngineConfig};
use paydesk::app::ports::{Clock, SystemClock};
use paydesk::config::{Config, LogFormat};
use paydesk::domain::ids::CaseNumber;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "paydesk", version, about = "A chat-ops bot for payment support: cases, refund eligibility, lead approvals, exactly-once refunds")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Chat with the bot in the terminal (SQLite with demo data by default).
    Console {
        #[arg(long)]
        config: Option<PathBuf>,
        /// Database URL (default from config: sqlite:paydesk.db).
        #[arg(long)]
        db: Option<String>,
        /// Who you are at the start (switch with /as USER).
        #[arg(long = "as", default_value = "ana")]
        user: String,
        /// Print actions as JSON lines, as `replay` does.
        #[arg(long)]
        json: bool,
        /// Do not seed the demo data into an empty database.
        #[arg(long)]
        no_demo: bool,
    },
    /// Replay a transcript (JSON Lines, `-` for stdin) and print the bot's actions.
    Replay {
        #[arg(long)]
        config: Option<PathBuf>,
        /// Use this database instead of a fresh temporary one.
        #[arg(long)]
        db: Option<String>,
        file: String,
    },
    /// Classify messages from stdin, one JSON object per line.
    Classify {
        /// Default currency for ambiguous symbols such as `$`.
        #[arg(long)]
        currency: Option<String>,
        #[arg(long)]
        config: Option<PathBuf>,
        /// Evaluate a labelled JSON Lines file instead (text, intent, entities).
        #[arg(long)]
        eval: Option<PathBuf>,
    },
    /// Apply the database migrations.
    Migrate {
        #[arg(long)]
        config: Option<PathBuf>,
        #[arg(long)]
        db: Option<String>,
    },
    /// Validate the configuration and print it (secrets hidden).
    CheckConfig {
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Print the audit trail of a case (or all), and verify its hash chain.
    Audit {
        #[arg(long)]
        config: Option<PathBuf>,
        #[arg(long)]
        db: Option<String>,
        case: Option<String>,
    },
    /// Import billing data from a provider export: `import charges FILE` (CSV or JSON).
    Import {
        #[command(subcommand)]
        what: ImportCmd,
    },
    /// Compare a provider's refund export with the refunds recorded here; open a case
    /// for each mismatch.
    Reconcile {
        #[arg(long)]
        config: Option<PathBuf>,
        #[arg(long)]
        db: Option<String>,
        /// The provider the export is from (stripe, paypal, adyen, square, braintree, mollie, sandbox).
        #[arg(long)]
        provider: String,
        file: PathBuf,
    },
    /// Run the bot on Discord (token from PAYDESK_DISCORD_TOKEN only), with the HTTP
    /// listener (`/healthz`, `/readyz`, `/metrics`, provider webhooks) if `[http] listen` is set.
    Run {
        #[arg(long)]
        config: Option<PathBuf>,
        #[arg(long)]
        db: Option<String>,
    },
    /// Measure everything in one go (a table, or `--json`), each figure next to its floor
    /// measured in the same run; or only `classify` (messages/s) or `replay` (events/s).
    Bench {
        #[command(subcommand)]
        what: Option<BenchCmd>,
        /// Events of the generated transcript replayed for throughput.
        #[arg(long, default_value_t = 2000)]
        events: usize,
        /// Bare commits per floor measurement.
        #[arg(long, default_value_t = 1000)]
        bare: usize,
        /// Events of the child replay whose peak memory is measured.
        #[arg(long, default_value_t = 10000)]
        memory_events: usize,
        /// Events sent at 100/s for latency.
        #[arg(long, default_value_t = 1000)]
        latency_events: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        json: bool,
        /// A PostgreSQL server (`postgres://…/db`) to measure on too (scratch databases).
        #[arg(long)]
        db: Option<String>,
    },
    /// Write a realistic, deterministic transcript of N events (JSON Lines) to stdout.
    GenTranscript {
        #[arg(long)]
        events: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum ImportCmd {
    /// Charges (CSV with a header, or a JSON array); see `app::reconcile` for the columns.
    Charges {
        #[arg(long)]
        config: Option<PathBuf>,
        #[arg(long)]
        db: Option<String>,
        /// The provider of rows without a `provider` column.
        #[arg(long, default_value = "stripe")]
        provider: String,
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum BenchCmd {
    /// Classify a corpus repeatedly on one thread.
    Classify {
        /// JSON Lines (`text` fields) or plain text; default: the bundled examples.
        #[arg(long)]
        file: Option<PathBuf>,
        #[arg(long, default_value_t = 200)]
        rounds: usize,
    },
    /// Replay a generated conversation of N events through a durable SQLite file.
    Replay {
        #[arg(long, default_value_t = 2000)]
        events: usize,
        #[arg(long)]
        db: Option<String>,
    },
}

fn init_logs(cfg: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("PAYDESK_LOG").unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&cfg.log_filter));
    // Every log line passes the card-number detector before it is written.
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(paydesk::logging::Redacting(std::io::stderr));
    let _ = match cfg.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("paydesk: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("paydesk: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn open(cfg: &Config, db: Option<String>) -> Result<AnyStore> {
    let url = db.unwrap_or_else(|| cfg.store_url.clone());
    AnyStore::open(&url).await.with_context(|| format!("cannot open the store {}", paydesk::config::redact_url(&url)))
}

/// The engine on `store`: the sandbox plus every provider configured in `[providers.*]`.
fn engine_with(store: &AnyStore, clock: Arc<dyn Clock>, cfg: EngineConfig, providers: &Providers) -> (Engine, Arc<Sandbox>) {
    let sandbox = Arc::new(Sandbox::new(store.sandbox_books(), clock));
    let connectors: Connectors = providers.connectors(sandbox.clone());
    (Engine::new(store.as_store(), connectors, cfg), sandbox)
}

async fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Cmd::Console { config, db, user, json, no_demo } => {
            let cfg = Config::load(config.as_deref())?;
            init_logs(&cfg);
            let url = db.clone().unwrap_or_else(|| cfg.store_url.clone());
            let store = open(&cfg, db).await?;
            let providers = Providers::from_config(&cfg, None)?;
            let (engine, _sandbox) = engine_with(&store, Arc::new(SystemClock), cfg.engine.clone(), &providers);
            let now = chrono::Utc::now();
            let fresh = engine.store().snapshot().await?.wallets.is_empty();
            if fresh && !no_demo {
                demo::seed(&engine, now).await?;
            }
            // Refunds left executing by a crash are due now: resume them before anything else.
            let resumed = engine.run_timers(now).await?;
            if !json {
                println!(
                    "paydesk console — store {}{}",
                    paydesk::config::redact_url(&url),
                    if fresh && !no_demo { " (new, with demo data)" } else { "" }
                );
                if resumed.attempts > 0 {
                    println!("resumed {} refund payment(s) left in flight", resumed.attempts);
                }
                println!("{}\nYou are {user}. Type a message, or /help.", demo::DEMO_GUIDE);
            }
            let sink = console::ConsoleSink { json };
            let interactive = std::io::IsTerminal::is_terminal(&std::io::stdin()) && !json;
            console::run(&engine, &sink, user, interactive).await?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Replay { config, db, file } => {
            let cfg = Config::load(config.as_deref())?;
            init_logs(&cfg);
            let bytes = if file == "-" {
                let mut b = Vec::new();
                std::io::Read::read_to_end(&mut std::io::stdin(), &mut b).context("cannot read stdin")?;
                b
            } else {
                match std::fs::read(&file) {
                    Ok(b) => b,
                    Err(e) => {
                        eprintln!("paydesk: cannot read {file}: {e}");
                        return Ok(ExitCode::from(2));
                    }
                }
            };
            let text = match replay::decode(bytes) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("paydesk: {file}: {e}");
                    return Ok(ExitCode::from(2));
                }
            };
            let steps = match replay::parse(&text) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("paydesk: {file}: {e}");
                    return Ok(ExitCode::from(2));
                }
            };
            let tmp = tempfile::tempdir().context("cannot create a temporary directory")?;
            let url = db.unwrap_or_else(|| format!("sqlite:{}", tmp.path().join("replay.db").display()));
            let store = AnyStore::open(&url).await.with_context(|| format!("cannot open the store {}", paydesk::config::redact_url(&url)))?;
            let clock = Arc::new(replay::ManualClock::default());
            let providers = Providers::from_config(&cfg, None)?;
            let (engine, sandbox) = engine_with(&store, clock.clone(), cfg.engine.clone(), &providers);
            let sink = replay::JsonLines(std::sync::Mutex::new(std::io::BufWriter::new(std::io::stdout())));
            replay::run(steps, &engine, &sandbox, &clock, &sink).await?;
            let state = replay::state_line(&engine, &sandbox).await?;
            let mut out = sink.0.into_inner().unwrap_or_else(|p| p.into_inner());
            serde_json::to_writer(&mut out, &state)?;
            writeln!(out)?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Classify { currency, config, eval } => {
            let cfg = Config::load(config.as_deref())?;
            let cur = match currency {
                Some(c) => paydesk::domain::money::Currency::from_code(&c).with_context(|| format!("--currency: unknown currency `{c}`"))?,
                None => cfg.engine.default_currency,
            };
            let classifier = paydesk::nlu::classifier();
            if let Some(path) = eval {
                let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
                let report = paydesk::nlu::eval::evaluate(&text, classifier, cur.code());
                println!("{}", report.summary());
                return Ok(ExitCode::SUCCESS);
            }
            let stdin = std::io::stdin();
            let mut input = stdin.lock();
            let mut out = std::io::BufWriter::new(std::io::stdout());
            let mut buf = Vec::new();
            loop {
                buf.clear();
                if input.read_until(b'\n', &mut buf)? == 0 {
                    break;
                }
                let line = buf.strip_suffix(b"\n").unwrap_or(&buf);
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                let json = match std::str::from_utf8(line) {
                    Ok(text) => classification_json(classifier.classify(text, cur.code())),
                    Err(_) => serde_json::json!({"intent": "other", "confidence": 1.0, "entities": {}}),
                };
                serde_json::to_writer(&mut out, &json)?;
                out.write_all(b"\n")?;
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Migrate { config, db } => {
            let cfg = Config::load(config.as_deref())?;
            let url = db.clone().unwrap_or_else(|| cfg.store_url.clone());
            open(&cfg, db).await?;
            println!("migrations applied to {}", paydesk::config::redact_url(&url));
            Ok(ExitCode::SUCCESS)
        }
        Cmd::CheckConfig { config } => {
            let cfg = match Config::load(config.as_deref()) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("paydesk: invalid configuration: {e:#}");
                    return Ok(ExitCode::from(2));
                }
            };
            // The adapters' tables too: a [discord], [http] or [providers.*] mistake is
            // found here, not at start-up. Provider keys are checked as `run` would.
            let adapters = (|| -> Result<Vec<String>> {
                let mut parts = Vec::new();
                if let Some(raw) = cfg.discord.as_ref() {
                    paydesk::adapters::surfaces::discord::config::DiscordConfig::from_toml(raw, &cfg.source)?;
                    parts.push("discord".to_string());
                }
                if paydesk::adapters::http::HttpConfig::from_toml(cfg.http.as_ref(), &cfg.source)?.listen.is_some() {
                    parts.push("http".to_string());
                }
                let providers = paydesk::adapters::payments::setup::parse(cfg.providers.as_ref(), &cfg.source)?;
                if !providers.is_empty() {
                    Providers::from_config(&cfg, None)?;
                    parts.extend(providers.keys().map(|p| format!("providers.{p}")));
                }
                Ok(parts)
            })();
            let adapters = match adapters {
                Ok(a) => a,
                Err(e) => {
                    eprintln!("paydesk: invalid configuration: {e:#}");
                    return Ok(ExitCode::from(2));
                }
            };
            println!("configuration from {} is valid", cfg.source);
            if !adapters.is_empty() {
                println!("sections checked: {}", adapters.join(", "));
            }
            println!("store: {}", cfg.store_url_redacted());
            match paydesk::adapters::store::audit_key_from_env() {
                Ok(Some(_)) => println!("audit: records are signed with {} (HMAC-SHA256)", paydesk::adapters::store::AUDIT_KEY_VAR),
                Ok(None) => println!(
                    "audit: {} is not set: records are hash-chained but NOT signed, so a database writer could rewrite the trail",
                    paydesk::adapters::store::AUDIT_KEY_VAR
                ),
                Err(e) => {
                    eprintln!("paydesk: invalid configuration: {e}");
                    return Ok(ExitCode::from(2));
                }
            }
            println!("{:#?}", cfg.engine.policy);
            println!(
                "approve: {:?}  reject: {:?}  approvals channel: {}",
                cfg.engine.approve_emojis, cfg.engine.reject_emojis, cfg.engine.approvals_channel
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Audit { config, db, case } => {
            let cfg = Config::load(config.as_deref())?;
            let key = match paydesk::adapters::store::audit_key_from_env() {
                Ok(k) => k,
                Err(e) => {
                    eprintln!("paydesk: {e}");
                    return Ok(ExitCode::from(2));
                }
            };
            let store = open(&cfg, db).await?;
            let case = match case {
                Some(c) => Some(c.parse::<CaseNumber>()?),
                None => None,
            };
            let all = store.as_store().audit(None).await?;
            let head = store.as_store().audit_head().await?;
            let entries: Vec<paydesk::domain::audit::Entry<'_>> = all
                .iter()
                .map(|a| paydesk::domain::audit::Entry { seq: a.seq, record: &a.record, prev_hash: a.prev_hash, hash: a.hash, mac: a.mac })
                .collect();
            let head = head.map(|h| paydesk::domain::audit::Head { count: h.count, last_hash: h.last_hash, mac: h.mac });
            let report = paydesk::domain::audit::verify(&entries, head.as_ref(), key.as_deref());
            for a in all.iter().filter(|a| case.is_none_or(|c| a.record.case.as_deref() == Some(&c.to_string()))) {
                let r = &a.record;
                let rule = r.rule.as_ref().map(|x| format!(" [{x}]")).unwrap_or_default();
                println!("{:>6} {} {:<8} {:<28} {}{rule}", a.seq, r.at.format("%Y-%m-%d %H:%M:%S"), r.actor, r.action, r.detail);
            }
            let signatures = if key.is_some() {
                format!("{} of {} records signed, HMACs checked", report.signed, report.records)
            } else {
                format!(
                    "HMACs NOT checked: {} is not set, so only the plain hash chain and head are verified (a database writer could rewrite them)",
                    paydesk::adapters::store::AUDIT_KEY_VAR
                )
            };
            if report.intact() {
                println!("hash chain intact ({} records); {signatures}", report.records);
                return Ok(ExitCode::SUCCESS);
            }
            const SHOWN: usize = 20;
            for p in report.problems.iter().take(SHOWN) {
                eprintln!("paydesk: audit trail broken: {p}");
            }
            if report.problems.len() > SHOWN {
                eprintln!("paydesk: … and {} more problem(s)", report.problems.len() - SHOWN);
            }
            eprintln!("paydesk: the audit trail is NOT intact ({} records found; {signatures})", report.records);
            Ok(ExitCode::FAILURE)
        }
        Cmd::Import { what: ImportCmd::Charges { config, db, provider, file } } => {
            let cfg = Config::load(config.as_deref())?;
            init_logs(&cfg);
            let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let (charges, bad) = paydesk::app::reconcile::parse_charges_in(&text, &provider, &paydesk::adapters::payments::currency::exponent);
            let store = open(&cfg, db).await?;
            let (engine, _) = engine_with(&store, Arc::new(SystemClock), cfg.engine.clone(), &Providers::default());
            let now = chrono::Utc::now();
            let (mut created, mut existing) = (0, 0);
            for c in &charges {
                match engine.import_charge(c, now).await? {
                    paydesk::app::engine::Imported::Created => created += 1,
                    paydesk::app::engine::Imported::Existing => existing += 1,
                }
            }
            for b in &bad {
                eprintln!("{}: {b}", file.display());
            }
            println!("imported {created} charge(s); {existing} already known; {} row(s) refused", bad.len());
            Ok(if bad.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) })
        }
        Cmd::Reconcile { config, db, provider, file } => {
            let cfg = Config::load(config.as_deref())?;
            init_logs(&cfg);
            let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let (theirs, bad) = paydesk::app::reconcile::parse_refunds_in(&text, &provider, &paydesk::adapters::payments::currency::exponent);
            let store = open(&cfg, db).await?;
            let (engine, _) = engine_with(&store, Arc::new(SystemClock), cfg.engine.clone(), &Providers::default());
            let ours = engine.store().snapshot().await?.refunds;
            let mismatches = paydesk::app::reconcile::compare(&provider, &theirs, &ours);
            let now = chrono::Utc::now();
            for b in &bad {
                eprintln!("{}: {b}", file.display());
            }
            for m in &mismatches {
                let case = engine.reconcile_mismatch(&provider, &m.fingerprint(), m.charge().as_ref(), &m.describe(), now).await?;
                match case {
                    Some(c) => println!("{c}: {}", m.describe()),
                    None => println!("(already reported) {}", m.describe()),
                }
            }
            println!("{} refund(s) in the export; {} mismatch(es); {} row(s) refused", theirs.len(), mismatches.len(), bad.len());
            Ok(if bad.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) })
        }
        Cmd::Run { config, db } => run_bot(config, db).await,
        Cmd::Bench { what: Some(what), .. } => paydesk::bench::run(what.into()).await.map(|_| ExitCode::SUCCESS),
        Cmd::Bench { what: None, events, bare, memory_events, latency_events, seed, json, db } => {
            let o = paydesk::bench::AllOptions { events, bare, memory_events, latency_events, seed, json, db };
            paydesk::bench::run(paydesk::bench::Bench::All(o)).await.map(|_| ExitCode::SUCCESS)
        }
        Cmd::GenTranscript { events, seed } => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            paydesk::app::loadgen::generate(events, seed, &mut out)?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `paydesk run`: the Discord surface, the timers and outbox, the HTTP listener; stops
/// gracefully on SIGTERM/SIGINT.
async fn run_bot(config: Option<PathBuf>, db: Option<String>) -> Result<ExitCode> {
    use paydesk::adapters::http::{ops, webhooks, HttpConfig};
    use paydesk::adapters::surfaces::discord::{self, config::DiscordConfig, RunArgs};
    let cfg = Config::load(config.as_deref())?;
    init_logs(&cfg);
    let raw =
        cfg.discord.as_ref().with_context(|| format!("{}: [discord] is missing (guild_id, support_channels, approvals_channel)", cfg.source))?;
    let dcfg = DiscordConfig::from_toml(raw, &cfg.source)?;
    let token = std::env::var("PAYDESK_DISCORD_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .map(paydesk::config::Secret::new)
        .context("PAYDESK_DISCORD_TOKEN is not set: the bot token is read from the environment only")?;
    let http_cfg = HttpConfig::from_toml(cfg.http.as_ref(), &cfg.source)?;
    let store = open(&cfg, db).await?;
    let metrics = Arc::new(paydesk::app::metrics::Metrics::default());
    let providers = Providers::from_config(&cfg, Some(metrics.clone()))?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let (engine, _sandbox) = engine_with(&store, clock.clone(), cfg.engine.clone(), &providers);
    let engine = Arc::new(engine);
    let ready = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (stop_http, stopped) = tokio::sync::watch::channel(false);
    if let Some(listen) = &http_cfg.listen {
        let ops_state = ops::OpsState { store: engine.store().clone(), metrics: metrics.clone(), ready: ready.clone() };
        let hooks = webhooks::WebhookState { engine: engine.clone(), keys: providers.webhooks.clone(), clock: clock.clone() };
        let router = ops::routes(ops_state).merge(webhooks::routes(hooks));
        let mut stopped = stopped.clone();
        let addr = listen.parse().with_context(|| format!("http.listen: `{listen}`"))?;
        let bound = paydesk::adapters::http::serve(addr, router, async move {
            let _ = stopped.changed().await;
        })
        .await?;
        tracing::info!(%bound, "http listener up");
    }
    // Refunds left executing by a crash are due now.
    engine.run_timers(chrono::Utc::now()).await?;
    let args = RunArgs { cfg: dcfg, token, store, engine, metrics, ready };
    let result = discord::run(args, shutdown_signal()).await;
    let _ = stop_http.send(true);
    result?;
    Ok(ExitCode::SUCCESS)
}

/// SIGTERM or SIGINT (Ctrl-C).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => return std::future::pending().await,
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

impl From<BenchCmd> for paydesk::bench::Bench {
    fn from(b: BenchCmd) -> Self {
        match b {
            BenchCmd::Classify { file, rounds } => paydesk::bench::Bench::Classify { file, rounds },
            BenchCmd::Replay { events, db } => paydesk::bench::Bench::Replay { events, db },
        }
    }
}

fn classification_json(c: paydesk::nlu::Classification) -> serde_json::Value {
    let entities: serde_json::Map<String, serde_json::Value> =
        c.entities.iter().map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string()))).collect();
    let confidence = (f64::from(c.confidence.clamp(0.0, 1.0)) * 1000.0).round() / 1000.0;
    serde_json::json!({"intent": c.intent.as_str(), "confidence": confidence, "entities": entities})
}
