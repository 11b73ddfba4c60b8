//! Subcommands that read or prepare a store: `migrate`, `audit`, `queue`, `report`.

use super::{usage_error, ExistingStoreArgs};
use anyhow::{Context, Result};
use paydesk::adapters::store::{AnyStore, AUDIT_KEY_VAR};
use paydesk::app::ports::{Clock, SystemClock};
use paydesk::config::Config;
use paydesk::domain::audit;
use paydesk::domain::ids::CaseNumber;
use paydesk::wiring::{self, App};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(clap::Args)]
pub struct MigrateArgs {
    /// The configuration file (for store.url).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Database URL (default from config).
    #[arg(long)]
    db: Option<String>,
}

#[derive(clap::Args)]
pub struct AuditArgs {
    /// The configuration file (for store.url).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Database URL of an existing store (default from config).
    #[arg(long)]
    db: Option<String>,
    /// A case number (RF-000001): print only its records (the whole chain is verified).
    case: Option<String>,
}

#[derive(clap::Args)]
pub struct ReportArgs {
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
}

/// `paydesk migrate`: the pending migrations applied, and which.
pub async fn migrate(args: MigrateArgs) -> Result<ExitCode> {
    let cfg = Config::load(args.config.as_deref())?;
    let url = wiring::store_url(&cfg, args.db);
    let shown = paydesk::config::redact_url(&url);
    let (store, applied) =
        AnyStore::open_and_migrate(&url).await.with_context(|| format!("cannot migrate the store {shown}"))?;
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

/// `paydesk audit [CASE]`: the records (of one case), then the verdict on the whole chain.
pub async fn audit(args: AuditArgs) -> Result<ExitCode> {
    let cfg = Config::load(args.config.as_deref())?;
    let key = match paydesk::adapters::store::audit_key_from_env() {
        Ok(k) => k,
        Err(e) => return Ok(usage_error(e)),
    };
    let case = match args.case.map(|c| c.parse::<CaseNumber>().map_err(|e| format!("`{c}`: {e}"))).transpose() {
        Ok(c) => c,
        Err(e) => return Ok(usage_error(e)),
    };
    let store = match wiring::open_existing_store(&wiring::store_url(&cfg, args.db)).await {
        Ok(s) => s,
        Err(e) => return Ok(usage_error(format_args!("{e:#}"))),
    };
    let all = store.as_store().audit(None).await?;
    let of_case =
        |a: &paydesk::app::ports::StoredAudit| case.is_none_or(|c| a.record.case.as_deref() == Some(&c.to_string()));
    if let Some(c) = case {
        if !all.iter().any(of_case) {
            return Ok(usage_error(format_args!("there is no case {c} in this store (no audit record names it)")));
        }
    }
    let head = store.as_store().audit_head().await?;
    let entries: Vec<audit::Entry<'_>> = all
        .iter()
        .map(|a| audit::Entry { seq: a.seq, record: &a.record, prev_hash: a.prev_hash, hash: a.hash, mac: a.mac })
        .collect();
    let head = head.map(|h| audit::Head { count: h.count, last_hash: h.last_hash, mac: h.mac });
    let report = audit::verify(&entries, head.as_ref(), key.as_deref());
    for a in all.iter().filter(|a| of_case(a)) {
        let r = &a.record;
        let rule = r.rule.as_ref().map(|x| format!(" [{x}]")).unwrap_or_default();
        println!(
            "{:>6} {} {:<8} {:<28} {}{rule}",
            a.seq,
            r.at.format("%Y-%m-%d %H:%M:%S"),
            r.actor,
            r.action,
            r.detail
        );
    }
    Ok(audit_verdict(&report, key.is_some()))
}

/// The last line(s) of `audit`: intact (exit 0) or each problem (exit 1).
fn audit_verdict(report: &audit::Report, keyed: bool) -> ExitCode {
    let signatures = if keyed {
        format!("{} of {} records signed, HMACs checked", report.signed, report.records)
    } else {
        format!(
            "HMACs NOT checked: {AUDIT_KEY_VAR} is not set, so only the plain hash chain and head are verified (a database writer could rewrite them)"
        )
    };
    if report.intact() {
        println!("hash chain intact ({} records); {signatures}", report.records);
        return ExitCode::SUCCESS;
    }
    const SHOWN: usize = 20;
    for p in report.problems.iter().take(SHOWN) {
        eprintln!("paydesk: audit trail broken: {p}");
    }
    if report.problems.len() > SHOWN {
        eprintln!("paydesk: … and {} more problem(s)", report.problems.len() - SHOWN);
    }
    eprintln!("paydesk: the audit trail is NOT intact ({} records found; {signatures})", report.records);
    ExitCode::FAILURE
}

/// `paydesk queue`: what waits for staff, oldest first.
pub async fn queue(args: ExistingStoreArgs) -> Result<ExitCode> {
    let cfg = Config::load(args.config.as_deref())?;
    wiring::init_logs(&cfg);
    let store = wiring::open_existing_store(&wiring::store_url(&cfg, args.db)).await?;
    let app = App::with_providers(store, Arc::new(SystemClock), cfg.engine.clone(), &Default::default());
    println!("{}", app.engine.queue(SystemClock.now()).await?);
    Ok(ExitCode::SUCCESS)
}

/// `paydesk report`: the leads' report over `--since`, as text, HTML or JSON.
pub async fn report(args: ReportArgs) -> Result<ExitCode> {
    let ReportArgs { config, db, since, html, json } = args;
    let cfg = Config::load(config.as_deref())?;
    wiring::init_logs(&cfg);
    let Some(period) = paydesk::app::report::parse_since(&since) else {
        return Ok(usage_error(format_args!(
            "--since: `{since}` is not a period: write 24h, 7d or 2w (at most 3660 days)"
        )));
    };
    let store = wiring::open_existing_store(&wiring::store_url(&cfg, db)).await?;
    let now = SystemClock.now();
    let input = paydesk::app::report::gather(store.as_store().as_ref(), now - period, now).await?;
    let report = paydesk::app::report::build(&input);
    if let Some(path) = &html {
        std::fs::write(path, paydesk::adapters::report_html::render(&report))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else if let Some(path) = &html {
        println!("report written to {}", path.display());
    } else {
        println!("{}", report.summary());
    }
    Ok(ExitCode::SUCCESS)
}
