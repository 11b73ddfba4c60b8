//! `paydesk check-config`: the configuration validated (adapters' tables too) and printed.

use super::usage_error;
use anyhow::Result;
use paydesk::adapters::payments::setup::{self, Providers};
use paydesk::adapters::store::{audit_key_from_env, AUDIT_KEY_VAR};
use paydesk::config::Config;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct CheckConfigArgs {
    /// The configuration file (default: ./bot.toml if present, else built-in defaults).
    #[arg(long)]
    config: Option<PathBuf>,
}

/// The adapters' tables checked: a `[discord]`, `[http]` or `[providers.*]` mistake is found
/// here, not at start-up. Provider keys are checked as `run` would. The sections checked.
fn check_adapters(cfg: &Config) -> Result<Vec<String>> {
    let mut parts = Vec::new();
    if let Some(raw) = cfg.discord.as_ref() {
        paydesk::adapters::surfaces::discord::config::DiscordConfig::from_toml(raw, &cfg.source)?;
        parts.push("discord".to_string());
    }
    if paydesk::adapters::http::HttpConfig::from_toml(cfg.http.as_ref(), &cfg.source)?.listen.is_some() {
        parts.push("http".to_string());
    }
    let providers = setup::parse(cfg.providers.as_ref(), &cfg.source)?;
    if !providers.is_empty() {
        Providers::from_config(cfg, None)?;
        parts.extend(providers.keys().map(|p| format!("providers.{p}")));
    }
    Ok(parts)
}

/// `paydesk check-config`: exit 2 on an invalid configuration, else the effective TOML.
pub fn check_config(args: CheckConfigArgs) -> ExitCode {
    let cfg = match Config::load(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return usage_error(format_args!("invalid configuration: {e:#}")),
    };
    let adapters = match check_adapters(&cfg) {
        Ok(a) => a,
        Err(e) => return usage_error(format_args!("invalid configuration: {e:#}")),
    };
    // Notes are TOML comments, so the whole output is the effective configuration.
    println!("# configuration from {} is valid", cfg.source);
    if !adapters.is_empty() {
        println!("# sections checked: {}", adapters.join(", "));
    }
    match audit_key_from_env() {
        Ok(Some(_)) => println!("# audit: records are signed with {AUDIT_KEY_VAR} (HMAC-SHA256)"),
        Ok(None) => {
            println!("# audit: {AUDIT_KEY_VAR} is not set: records are hash-chained but NOT signed, so a database writer could rewrite the trail")
        }
        Err(e) => return usage_error(format_args!("invalid configuration: {e}")),
    }
    println!(
        "# secrets (PAYDESK_DISCORD_TOKEN, provider keys, {AUDIT_KEY_VAR}) come from the environment and are not shown"
    );
    print!("{}", cfg.effective_toml());
    ExitCode::SUCCESS
}
