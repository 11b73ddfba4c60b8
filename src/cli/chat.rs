//! `paydesk console` and `paydesk replay`: the terminal chat and transcript replay.

use super::usage_error;
use anyhow::{Context, Result};
use paydesk::adapters::payments::setup::Providers;
use paydesk::adapters::surfaces::{console, demo, replay};
use paydesk::app::engine::Engine;
use paydesk::app::ports::{Clock, User};
use paydesk::config::Config;
use paydesk::domain::ids::UserId;
use paydesk::domain::roles::{Role, Roles};
use paydesk::wiring::{self, App};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(clap::Args)]
pub struct ConsoleArgs {
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
}

#[derive(clap::Args)]
pub struct ReplayArgs {
    /// The configuration file (default: ./bot.toml if present, else built-in defaults).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Use this database instead of a fresh temporary one.
    #[arg(long)]
    db: Option<String>,
    /// The transcript (JSON Lines), or `-` for stdin.
    file: String,
}

/// Staff for a console on a store without them: `--lead`/`--agent`, or the first user as
/// a lead when the store is empty and no demo is seeded.
fn console_staff(
    leads: &[String],
    agents: &[String],
    first_user: &str,
    fresh_without_demo: bool,
) -> Vec<(String, Role)> {
    let mut staff: Vec<(String, Role)> = leads.iter().map(|n| (n.clone(), Role::Lead)).collect();
    staff.extend(agents.iter().map(|n| (n.clone(), Role::Agent)));
    if staff.is_empty() && fresh_without_demo {
        staff.push((first_user.to_string(), Role::Lead));
    }
    staff
}

/// `paydesk console`: demo data or staff seeded into an empty store, then the chat loop.
pub async fn console(args: ConsoleArgs) -> Result<ExitCode> {
    let cfg = Config::load(args.config.as_deref())?;
    wiring::init_logs(&cfg);
    let url = wiring::store_url(&cfg, args.db.clone());
    let store = wiring::open_store(&url).await?;
    let providers = Providers::from_config(&cfg, None)?;
    // The console runs on its own clock, which `/tick 73h` moves forward.
    let clock = Arc::new(console::ConsoleClock::default());
    let app = App::with_providers(store, clock.clone(), cfg.engine.clone(), &providers);
    let engine = &app.engine;
    let now = clock.now();
    let fresh = engine.store().snapshot().await?.wallets.is_empty();
    let seeded = fresh && !args.no_demo;
    if seeded {
        demo::seed(engine, now).await?;
    }
    let sink = console::ConsoleSink { json: args.json };
    seed_staff(engine, &sink, &args, fresh, now).await?;
    // Refunds left executing by a crash are due now: resume them before anything else.
    let resumed = engine.run_timers(now).await?;
    let new = if seeded { " (new, with demo data)" } else { "" };
    sink.note(&format!("paydesk console — store {}{new}", paydesk::config::redact_url(&url)));
    if resumed.attempts > 0 {
        sink.note(&format!("resumed {} refund payment(s) left in flight", resumed.attempts));
    }
    sink.note(if seeded { demo::DEMO_GUIDE } else { console::CONSOLE_HELP });
    sink.note(&format!("You are {}. Type a message, or /help.", args.user));
    let interactive = std::io::IsTerminal::is_terminal(&std::io::stdin()) && !args.json;
    console::run(engine, &sink, &clock, args.user, interactive).await?;
    Ok(ExitCode::SUCCESS)
}

/// The `--lead`/`--agent` people (or the first user on an empty store without demo data).
async fn seed_staff(
    engine: &Engine,
    sink: &console::ConsoleSink,
    args: &ConsoleArgs,
    fresh: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    for (name, role) in console_staff(&args.leads, &args.agents, &args.user, fresh && args.no_demo) {
        let roles: Roles = [role].into_iter().collect();
        engine.seed_user(&User { id: UserId::new(name.clone()), roles, account: None }, now).await?;
        sink.note(&format!("{name} is a{} {}", if role == Role::Agent { "n" } else { "" }, role.as_str()));
    }
    Ok(())
}

/// The transcript as a file: the file named, or stdin copied to `dir` (it is read twice).
fn transcript_file(file: &str, dir: &std::path::Path) -> Result<std::path::PathBuf> {
    if file != "-" {
        return Ok(file.into());
    }
    let path = dir.join("stdin.jsonl");
    let mut out = std::fs::File::create(&path).context("cannot create a temporary file for stdin")?;
    std::io::copy(&mut std::io::stdin().lock(), &mut out).context("cannot read stdin")?;
    Ok(path)
}

/// Checks the whole transcript before anything runs, so a bad line changes nothing: the
/// time fixtures are dated at (the first event's), or the exit code of a refusal.
fn check_transcript(file: &str, path: &std::path::Path) -> Result<chrono::DateTime<chrono::Utc>, ExitCode> {
    let mut reader =
        replay::StepReader::open(path).map_err(|e| usage_error(format_args!("cannot read {file}: {e}")))?;
    while reader.next_step().map_err(|e| usage_error(format_args!("{file}: {e}")))?.is_some() {}
    Ok(reader.first_event_at().unwrap_or_default())
}

/// `paydesk replay`: the transcript through the engine on a fresh (or given) store; the
/// actions as JSON lines, then the final state. The file is read twice, a line at a time
/// (checked whole first, then run), so memory does not grow with its length.
pub async fn replay(args: ReplayArgs) -> Result<ExitCode> {
    let cfg = Config::load(args.config.as_deref())?;
    wiring::init_logs(&cfg);
    let tmp = tempfile::tempdir().context("cannot create a temporary directory")?;
    let path = transcript_file(&args.file, tmp.path())?;
    let start = match check_transcript(&args.file, &path) {
        Ok(start) => start,
        Err(code) => return Ok(code),
    };
    let url = args.db.unwrap_or_else(|| format!("sqlite:{}", tmp.path().join("replay.db").display()));
    // Every event is queued in the file: commits share disk syncs, each taken before the
    // actions it covers are written out (deferred durability, see the SQLite store).
    let store = wiring::open_store(&url).await?.with_deferred_durability(true)?;
    let clock = Arc::new(replay::ManualClock::default());
    let providers = Providers::from_config(&cfg, None)?;
    let app = App::with_providers(store, clock.clone(), cfg.engine.clone(), &providers);
    let sink = replay::JsonLines(std::sync::Mutex::new(super::output::stdout()));
    clock.set(start);
    let replayer = replay::Replayer::new(&app.engine, &app.sandbox, &clock, &sink, start);
    let mut reader = replay::StepReader::open(&path).with_context(|| format!("cannot read {} again", args.file))?;
    while let Some(step) = reader.next_step().with_context(|| format!("{} changed while it was replayed", args.file))? {
        replayer.step(step).await?;
        if super::output::closed() {
            // Nobody reads the actions any more (`| head`): stop here.
            break;
        }
    }
    replayer.finish().await?;
    let mut out = sink.0.into_inner().unwrap_or_else(|p| p.into_inner());
    replay::write_state_line(&app.engine, &app.sandbox, &mut out).await?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
