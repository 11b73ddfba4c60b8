//! `paydesk import charges` and `paydesk reconcile`: provider exports against the store.

use super::usage_error;
use anyhow::{Context, Result};
use paydesk::adapters::payments::currency::exponent;
use paydesk::app::engine::Imported;
use paydesk::app::ports::{Clock, SystemClock};
use paydesk::app::reconcile;
use paydesk::config::Config;
use paydesk::wiring::{self, App};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(clap::Subcommand)]
pub enum ImportCmd {
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

#[derive(clap::Args)]
pub struct ReconcileArgs {
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
}

/// The providers a `--provider` may name: the built-in sandbox and the HTTP providers.
fn known_provider(name: &str) -> Result<()> {
    let known = paydesk::adapters::payments::setup::PROVIDERS;
    if name == "sandbox" || known.contains(&name) {
        Ok(())
    } else {
        anyhow::bail!("--provider: `{name}` is not a provider paydesk knows (known: sandbox, {})", known.join(", "))
    }
}

/// The engine on the configured store, with the sandbox only (no provider is called).
async fn offline_app(cfg: &Config, db: Option<String>) -> Result<App> {
    let store = wiring::open_store(&wiring::store_url(cfg, db)).await?;
    Ok(App::with_providers(store, Arc::new(SystemClock), cfg.engine.clone(), &Default::default()))
}

fn read(file: &Path) -> Result<String> {
    std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))
}

/// `paydesk import charges`: each paid charge of the export recorded once.
pub async fn import(what: ImportCmd) -> Result<ExitCode> {
    let ImportCmd::Charges { config, db, provider, file } = what;
    let cfg = Config::load(config.as_deref())?;
    wiring::init_logs(&cfg);
    if let Err(e) = known_provider(&provider) {
        return Ok(usage_error(e));
    }
    let text = read(&file)?;
    let reconcile::ParsedCharges { charges, unpaid, bad } = reconcile::parse_charges_in(&text, &provider, &exponent);
    let app = offline_app(&cfg, db).await?;
    let now = SystemClock.now();
    let (mut created, mut existing) = (0, 0);
    for c in &charges {
        match app.engine.import_charge(c, now).await? {
            Imported::Created => created += 1,
            Imported::Existing => existing += 1,
        }
    }
    for b in &bad {
        eprintln!("{}: {b}", file.display());
    }
    for u in &unpaid {
        eprintln!("{}: {u}", file.display());
    }
    // Rows that are merely unpaid are skipped and counted; only malformed rows fail the run.
    println!(
        "imported {created} charge(s); {existing} already known; {} unpaid row(s) skipped; {} row(s) refused",
        unpaid.len(),
        bad.len()
    );
    Ok(if bad.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) })
}

/// `paydesk reconcile`: the export compared with our refunds; a case per new mismatch.
pub async fn reconcile(args: ReconcileArgs) -> Result<ExitCode> {
    let ReconcileArgs { config, db, provider, file } = args;
    let cfg = Config::load(config.as_deref())?;
    wiring::init_logs(&cfg);
    if let Err(e) = known_provider(&provider) {
        return Ok(usage_error(e));
    }
    let text = read(&file)?;
    let (theirs, bad) = reconcile::parse_refunds_in(&text, &provider, &exponent);
    let app = offline_app(&cfg, db).await?;
    let engine = &app.engine;
    let ours = engine.store().snapshot().await?.refunds;
    let mismatches = reconcile::compare(&provider, &theirs, &ours);
    let now = SystemClock.now();
    for b in &bad {
        eprintln!("{}: {b}", file.display());
    }
    for m in &mismatches {
        let case =
            engine.reconcile_mismatch(&provider, &m.fingerprint(), m.charge().as_ref(), &m.describe(), now).await?;
        match case {
            Some(c) => println!("{c}: {}", m.describe()),
            None => println!("(already reported) {}", m.describe()),
        }
    }
    println!(
        "{} refund(s) in the export; {} mismatch(es); {} row(s) refused",
        theirs.len(),
        mismatches.len(),
        bad.len()
    );
    Ok(if bad.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) })
}
