//! The `paydesk` command line: the edge of the program, where errors become messages
//! and exit codes.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use paydesk::adapters::payments::sandbox::Sandbox;
use paydesk::adapters::payments::setup::Providers;
use paydesk::adapters::store::AnyStore;
use paydesk::adapters::surfaces::{console, demo, replay};
use paydesk::app::engine::{Connectors, Engine, EngineConfig};
use paydesk::app::ports::User;
use paydesk::app::ports::{Clock, SystemClock};
use paydesk::config::{Config, LogFormat};
use paydesk::domain::ids::CaseNumber;
use paydesk::domain::ids::UserId;
use paydesk::domain::roles::{Role, Roles};
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
        /// The configuration file (default: ./bot.toml if present, else built-in defaults).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Database URL (default from config: sqlite:paydesk.db).
        #[arg(long)]
        db: Option<String>,
        /// Who you are at the start (switch with /as USER).
        #[arg(long = "as", default_value = "ana")]
        user: String,
        /// Print actions as JSON lines, as `replay` does; console notes become
        /// {"type":"console"} objects, so stdout holds only JSON.
        #[arg(long)]
        json: bool,
        /// Do not seed the demo data into an empty database. Without --lead/--agent, the
        /// first user (--as) is made a lead of an empty store, so someone can approve.
        #[arg(long)]
        no_demo: bool,
        /// Make NAME a lead (repeatable).
        #[arg(long = "lead", value_name = "NAME")]
        leads: Vec<String>,
        /// Make NAME an agent (repeatable).
        #[arg(long = "agent", value_name = "NAME")]
        agents: Vec<String>,
    },
    /// Replay a transcript (JSON Lines, `-` for stdin) and print the bot's actions.
    Replay {
        /// The configuration file (default: ./bot.toml if present, else built-in defaults).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Use this database instead of a fresh temporary one.
        #[arg(long)]
        db: Option<String>,
        /// The transcript (JSON Lines), or `-` for stdin.
        file: String,
    },
    /// Classify messages from stdin, one JSON object per line.
    Classify {
        /// Default currency for ambiguous symbols such as `$`.
        #[arg(long)]
        currency: Option<String>,
        /// The configuration file (for chat.default_currency).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Evaluate a labelled JSON Lines file instead (text, intent, entities).
        #[arg(long)]
        eval: Option<PathBuf>,
        /// Use these weights (written by `paydesk train`) instead of the embedded ones.
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Train the classifier's model from a labelled corpus (JSON Lines: text, intent, lang)
    /// and write its weights (embedded in the binary at the next build).
    Train {
        #[arg(long, default_value = "data/nlu/train.jsonl")]
        data: PathBuf,
        #[arg(long, default_value = "data/nlu/model.bin")]
        out: PathBuf,
        /// Folds of the cross-validation that is reported.
        #[arg(long, default_value_t = 5)]
        folds: usize,
        /// Passes over the corpus (default: the committed model's).
        #[arg(long)]
        epochs: Option<usize>,
        /// L2 penalty (default: the committed model's).
        #[arg(long)]
        l2: Option<f32>,
        /// Choose epochs and L2 by cross-validation over a small grid (`model::TrainConfig::grid`).
        #[arg(long)]
        grid: bool,
    },
    /// Apply the database migrations and say which versions were applied.
    Migrate {
        /// The configuration file (for store.url).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Database URL (default from config).
        #[arg(long)]
        db: Option<String>,
    },
    /// Validate the configuration and print the effective configuration as TOML
    /// (secrets hidden, the store URL's password masked).
    CheckConfig {
        /// The configuration file (default: ./bot.toml if present, else built-in defaults).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Print the audit trail of a case (or all), and verify its hash chain.
    Audit {
        /// The configuration file (for store.url).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Database URL of an existing store (default from config).
        #[arg(long)]
        db: Option<String>,
        /// A case number (RF-000001): print only its records (the whole chain is verified).
        case: Option<String>,
    },
    /// Print what waits for staff, oldest first: refunds waiting for a lead, open cases.
    Queue {
        /// The configuration file (for store.url).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Database URL of an existing store (default from config).
        #[arg(long)]
        db: Option<String>,
    },
    /// The leads' report: refunds by rule, provider and day, approval latency, refusals,
    /// contact reasons, open cases by age. A short text summary unless --html or --json.
    Report {
        /// The configuration file (for store.url).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Database URL of an existing store (default from config).
        #[arg(long)]
        db: Option<String>,
        /// The period: 24h, 7d, 2w (up to the present).
        #[arg(long, default_value = "7d")]
        since: String,
        /// Write the report as one HTML page (inline SVG charts) to FILE.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
        /// Print the figures as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script: `paydesk completions bash > /etc/bash_completion.d/paydesk`.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Import billing data from a provider export: `import charges FILE` (CSV or JSON).
    Import {
        #[command(subcommand)]
        what: ImportCmd,
    },
    /// Compare a provider's refund export with the refunds recorded here; open a case
    /// for each mismatch.
    Reconcile {
        /// The configuration file (for store.url).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Database URL (default from config).
        #[arg(long)]
        db: Option<String>,
        /// The provider the export is from (stripe, paypal, adyen, square, braintree, mollie, sandbox).
        #[arg(long)]
        provider: String,
        /// The export: CSV with a header row, or a JSON array.
        file: PathBuf,
    },
    /// Run the bot on Discord (token from PAYDESK_DISCORD_TOKEN only), with the HTTP
    /// listener (`/healthz`, `/readyz`, `/metrics`, provider webhooks) if `[http] listen` is set.
    Run {
        /// The configuration file (default: ./bot.toml if present, else built-in defaults).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Database URL (default from config).
        #[arg(long)]
        db: Option<String>,
    },
    /// Measure everything in one go (a table, or `--json`), each figure next to its floor
    /// measured in the same run; or only `classify` (messages/s) or `replay` (events/s).
    Bench {
        #[command(subcommand)]
        what: Option<BenchCmd>,
        /// Events replayed for throughput.
        #[arg(long, default_value_t = 2000)]
        events: usize,
        /// Bare commits per floor.
        #[arg(long, default_value_t = 1000)]
        bare: usize,
        /// Events for peak memory.
        #[arg(long, default_value_t = 10000)]
        memory_events: usize,
        /// Events sent at 100/s (latency).
        #[arg(long, default_value_t = 1000)]
        latency_events: usize,
        /// Seed of the generated load.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// PostgreSQL to measure too.
        #[arg(long)]
        db: Option<String>,
    },
    /// Write a realistic, deterministic transcript of N events (JSON Lines) to stdout.
    GenTranscript {
        /// How many events to write (fixtures come first and are not counted).
        #[arg(long)]
        events: usize,
        /// The same seed gives the same bytes.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum ImportCmd {
    /// Charges (CSV with a header, or a JSON array); see `app::reconcile` for the columns.
    Charges {
        /// The configuration file (for store.url).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Database URL (default from config).
        #[arg(long)]
        db: Option<String>,
        /// The provider of rows without a `provider` column.
        #[arg(long, default_value = "stripe")]
        provider: String,
        /// The export: CSV with a header row, or a JSON array.
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
        /// How many times the corpus is classified.
        #[arg(long, default_value_t = 200)]
        rounds: usize,
    },
    /// Replay a generated conversation of N events through a durable SQLite file.
    Replay {
        /// How many events to generate.
        #[arg(long, default_value_t = 2000)]
        events: usize,
        /// Database URL (default: a temporary SQLite file).
        #[arg(long)]
        db: Option<String>,
    },
}

fn init_logs(cfg: &Config) {
    let configured = std::env::var("PAYDESK_LOG").unwrap_or_else(|_| cfg.log_filter.clone());
    // serenity's payload warnings are filtered out unless the filter names them itself.
    let directives = paydesk::adapters::surfaces::discord::logging::filter_directives(&configured);
    let filter = tracing_subscriber::EnvFilter::try_new(directives)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(paydesk::adapters::surfaces::discord::logging::filter_directives(&cfg.log_filter)));
    // Every log line passes the card-number detector before it is written.
    // Colour codes only on a terminal: a log file or a pipe gets plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).with_writer(paydesk::logging::Redacting(std::io::stderr));
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
            eprintln!("paydesk: {}", describe(&e));
            ExitCode::FAILURE
        }
    }
}

/// An error and its causes on one line, "what: why: why", leaving out a cause whose words the
/// message before it already says (errors that print their source in their own message).
fn describe(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

async fn open(cfg: &Config, db: Option<String>) -> Result<AnyStore> {
    let url = db.unwrap_or_else(|| cfg.store_url.clone());
    AnyStore::open(&url).await.with_context(|| format!("cannot open the store {}", paydesk::config::redact_url(&url)))
}

/// Opens a store that must exist already (`audit`, `queue`, `report`): a mistyped path is
/// an error, not a new empty database.
async fn open_existing(cfg: &Config, db: Option<String>) -> Result<AnyStore> {
    let url = db.unwrap_or_else(|| cfg.store_url.clone());
    AnyStore::open_existing(&url).await.with_context(|| format!("cannot open the store {}", paydesk::config::redact_url(&url)))
}

/// The providers a `--provider` may name: the built-in sandbox and the HTTP providers.
fn known_provider(name: &str) -> Result<(), String> {
    let known = paydesk::adapters::payments::setup::PROVIDERS;
    if name == "sandbox" || known.contains(&name) {
        Ok(())
    } else {
        Err(format!("--provider: `{name}` is not a provider paydesk knows (known: sandbox, {})", known.join(", ")))
    }
}

/// Staff for a console on a store without them: `--lead`/`--agent`, or the first user as
/// a lead when the store is empty and no demo is seeded.
fn console_staff(leads: &[String], agents: &[String], first_user: &str, fresh_without_demo: bool) -> Vec<(String, Role)> {
    let mut staff: Vec<(String, Role)> = leads.iter().map(|n| (n.clone(), Role::Lead)).collect();
    staff.extend(agents.iter().map(|n| (n.clone(), Role::Agent)));
    if staff.is_empty() && fresh_without_demo {
        staff.push((first_user.to_string(), Role::Lead));
    }
    staff
}

/// The engine on `store`: the sandbox plus every provider configured in `[providers.*]`.
fn engine_with(store: &AnyStore, clock: Arc<dyn Clock>, cfg: EngineConfig, providers: &Providers) -> (Engine, Arc<Sandbox>) {
    let sandbox = Arc::new(Sandbox::new(store.sandbox_books(), clock));
    let connectors: Connectors = providers.connectors(sandbox.clone());
    (Engine::new(store.as_store(), connectors, cfg), sandbox)
}

async fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Cmd::Console { config, db, user, json, no_demo, leads, agents } => {
            let cfg = Config::load(config.as_deref())?;
            init_logs(&cfg);
            let url = db.clone().unwrap_or_else(|| cfg.store_url.clone());
            let store = open(&cfg, db).await?;
            let providers = Providers::from_config(&cfg, None)?;
            // The console runs on its own clock, which `/tick 73h` moves forward.
            let clock = Arc::new(console::ConsoleClock::default());
            let (engine, _sandbox) = engine_with(&store, clock.clone(), cfg.engine.clone(), &providers);
            let now = clock.now();
            let fresh = engine.store().snapshot().await?.wallets.is_empty();
            let seeded = fresh && !no_demo;
            if seeded {
                demo::seed(&engine, now).await?;
            }
            let sink = console::ConsoleSink { json };
            for (name, role) in console_staff(&leads, &agents, &user, fresh && no_demo) {
                let roles: Roles = [role].into_iter().collect();
                engine.seed_user(&User { id: UserId::new(name.clone()), roles, account: None }, now).await?;
                sink.note(&format!("{name} is a{} {}", if role == Role::Agent { "n" } else { "" }, role.as_str()));
            }
            // Refunds left executing by a crash are due now: resume them before anything else.
            let resumed = engine.run_timers(now).await?;
            sink.note(&format!(
                "paydesk console — store {}{}",
                paydesk::config::redact_url(&url),
                if seeded { " (new, with demo data)" } else { "" }
            ));
            if resumed.attempts > 0 {
                sink.note(&format!("resumed {} refund payment(s) left in flight", resumed.attempts));
            }
            if seeded {
                sink.note(demo::DEMO_GUIDE);
            } else {
                sink.note(console::CONSOLE_HELP);
            }
            sink.note(&format!("You are {user}. Type a message, or /help."));
            let interactive = std::io::IsTerminal::is_terminal(&std::io::stdin()) && !json;
            console::run(&engine, &sink, &clock, user, interactive).await?;
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
        Cmd::Classify { currency, config, eval, model } => {
            let cfg = Config::load(config.as_deref())?;
            let cur = match currency {
                Some(c) => paydesk::domain::money::Currency::from_code(&c).with_context(|| format!("--currency: unknown currency `{c}`"))?,
                None => cfg.engine.default_currency,
            };
            let loaded;
            let classifier = match model {
                Some(p) => {
                    let bytes = std::fs::read(&p).with_context(|| format!("cannot read {}", p.display()))?;
                    let m = paydesk::nlu::model::Model::from_bytes(&bytes).with_context(|| format!("{} is not a paydesk model file", p.display()))?;
                    loaded = paydesk::nlu::Classifier::with_model(Some(m));
                    &loaded
                }
                None => paydesk::nlu::classifier(),
            };
            if let Some(path) = eval {
                let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
                let report = paydesk::nlu::eval::evaluate(&text, classifier, cur.code());
                print!("{}", report.details());
                if classifier.has_model() {
                    let rules = paydesk::nlu::eval::evaluate(&text, &paydesk::nlu::Classifier::rules_only(), cur.code());
                    println!("rules alone: intent_accuracy={:.4} macro_f1={:.4}", rules.intent_accuracy(), rules.macro_f1());
                }
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
        Cmd::Train { data, out, folds, epochs, l2, grid } => {
            let text = std::fs::read_to_string(&data).with_context(|| format!("cannot read {}", data.display()))?;
            let (labelled, bad) = paydesk::nlu::eval::read_labelled(&text);
            if let Some((line, why)) = bad.first() {
                anyhow::bail!("{}: line {line}: {why}", data.display());
            }
            let mut cfg = paydesk::nlu::model::TrainConfig::default();
            cfg.epochs = epochs.unwrap_or(cfg.epochs);
            cfg.l2 = l2.unwrap_or(cfg.l2);
            let configs = if grid { paydesk::nlu::model::TrainConfig::grid(&cfg) } else { vec![cfg] };
            let (model, report) = paydesk::nlu::train_model(&labelled, folds.max(2), &configs);
            let bytes = model.to_bytes();
            std::fs::write(&out, &bytes).with_context(|| format!("cannot write {}", out.display()))?;
            println!("{}", report.summary());
            println!("wrote {} ({} bytes); rebuild to embed it", out.display(), bytes.len());
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Migrate { config, db } => {
            let cfg = Config::load(config.as_deref())?;
            let url = db.unwrap_or_else(|| cfg.store_url.clone());
            let shown = paydesk::config::redact_url(&url);
            let (store, applied) = AnyStore::open_and_migrate(&url).await.with_context(|| format!("cannot migrate the store {shown}"))?;
            let all = store.applied_versions().await?;
            let words = |v: &[i64]| v.iter().map(|n| format!("{n:04}")).collect::<Vec<_>>().join(", ");
            if applied.is_empty() {
                println!("{shown} is up to date: no migration needed (versions {})", words(&all));
            } else {
                println!(
                    "applied migration(s) {} to {shown} (now at version {})",
                    words(&applied),
                    all.last().map(|n| format!("{n:04}")).unwrap_or_default()
                );
            }
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
            // Notes are TOML comments, so the whole output is the effective configuration.
            println!("# configuration from {} is valid", cfg.source);
            if !adapters.is_empty() {
                println!("# sections checked: {}", adapters.join(", "));
            }
            match paydesk::adapters::store::audit_key_from_env() {
                Ok(Some(_)) => println!("# audit: records are signed with {} (HMAC-SHA256)", paydesk::adapters::store::AUDIT_KEY_VAR),
                Ok(None) => println!(
                    "# audit: {} is not set: records are hash-chained but NOT signed, so a database writer could rewrite the trail",
                    paydesk::adapters::store::AUDIT_KEY_VAR
                ),
                Err(e) => {
                    eprintln!("paydesk: invalid configuration: {e}");
                    return Ok(ExitCode::from(2));
                }
            }
            println!(
                "# secrets (PAYDESK_DISCORD_TOKEN, provider keys, {}) come from the environment and are not shown",
                paydesk::adapters::store::AUDIT_KEY_VAR
            );
            print!("{}", cfg.effective_toml());
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
            let case = match case {
                Some(c) => match c.parse::<CaseNumber>() {
                    Ok(n) => Some(n),
                    Err(e) => {
                        eprintln!("paydesk: `{c}`: {e}");
                        return Ok(ExitCode::from(2));
                    }
                },
                None => None,
            };
            let store = match open_existing(&cfg, db).await {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("paydesk: {e:#}");
                    return Ok(ExitCode::from(2));
                }
            };
            let all = store.as_store().audit(None).await?;
            if let Some(c) = case {
                let name = c.to_string();
                if !all.iter().any(|a| a.record.case.as_deref() == Some(name.as_str())) {
                    eprintln!("paydesk: there is no case {c} in this store (no audit record names it)");
                    return Ok(ExitCode::from(2));
                }
            }
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
            if let Err(e) = known_provider(&provider) {
                eprintln!("paydesk: {e}");
                return Ok(ExitCode::from(2));
            }
            let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let paydesk::app::reconcile::ParsedCharges { charges, unpaid, bad } =
                paydesk::app::reconcile::parse_charges_in(&text, &provider, &paydesk::adapters::payments::currency::exponent);
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
            for u in &unpaid {
                eprintln!("{}: {u}", file.display());
            }
            // Rows that are merely unpaid are skipped and counted; only malformed rows fail the run.
            println!("imported {created} charge(s); {existing} already known; {} unpaid row(s) skipped; {} row(s) refused", unpaid.len(), bad.len());
            Ok(if bad.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) })
        }
        Cmd::Reconcile { config, db, provider, file } => {
            let cfg = Config::load(config.as_deref())?;
            init_logs(&cfg);
            if let Err(e) = known_provider(&provider) {
                eprintln!("paydesk: {e}");
                return Ok(ExitCode::from(2));
            }
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
        Cmd::Queue { config, db } => {
            let cfg = Config::load(config.as_deref())?;
            init_logs(&cfg);
            let store = open_existing(&cfg, db).await?;
            let (engine, _) = engine_with(&store, Arc::new(SystemClock), cfg.engine.clone(), &Providers::default());
            println!("{}", engine.queue(chrono::Utc::now()).await?);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Report { config, db, since, html, json } => {
            let cfg = Config::load(config.as_deref())?;
            init_logs(&cfg);
            let Some(period) = paydesk::app::report::parse_since(&since) else {
                eprintln!("paydesk: --since: `{since}` is not a period: write 24h, 7d or 2w (at most 3660 days)");
                return Ok(ExitCode::from(2));
            };
            let store = open_existing(&cfg, db).await?;
            let now = chrono::Utc::now();
            let input = paydesk::app::report::gather(store.as_store().as_ref(), now - period, now).await?;
            let report = paydesk::app::report::build(&input);
            if let Some(path) = &html {
                std::fs::write(path, paydesk::adapters::report_html::render(&report)).with_context(|| format!("cannot write {}", path.display()))?;
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else if html.is_none() {
                println!("{}", report.summary());
            } else if let Some(path) = &html {
                println!("report written to {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "paydesk", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
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

#[cfg(test)]
mod tests {
    use super::describe;
    use paydesk::app::ports::StoreError;

    #[test]
    fn an_error_is_described_with_each_cause_once() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
        let store = StoreError::Failed { what: "cannot connect to PostgreSQL", source: Box::new(io) };
        let e = anyhow::Error::new(store).context("cannot open the store postgres://bot:***@db/x");
        assert_eq!(describe(&e), "cannot open the store postgres://bot:***@db/x: cannot connect to PostgreSQL: connection refused");
        // The cause is kept as a source, not only as words.
        assert!(e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some()));
    }
}
