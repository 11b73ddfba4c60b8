//! Configuration: `bot.toml`, then `PAYDESK_*` environment variables on top. Secrets come
//! only from the environment and never print.
//!
//! - this file: [`Config`] (the validated result, `load` and `from_parts`), [`Secret`];
//! - `file.rs`: `bot.toml` as written; `env.rs`: a setting read from the environment, then
//!   the file, then the default, its origin named in errors;
//! - `policy.rs`: `[policy]`; `validate.rs`: every other setting, read and checked;
//! - `effective.rs`: the configuration in effect, as `check-config` prints it.

mod effective;
mod env;
mod file;
mod policy;
#[cfg(test)]
mod tests;
mod validate;

pub use validate::CHECKOUT_PROVIDERS;

use crate::app::engine::EngineConfig;
use anyhow::{anyhow, Context, Result};
use chrono::Duration;
use env::Loader;
use file::FileConfig;
use std::fmt;
use std::path::{Path, PathBuf};

/// A secret value: `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// The validated configuration. Its `Debug` hides the store URL's password (a `{:?}` in a log
/// line or a panic message must not leak it); secrets never live here (they come from the
/// environment, read by the adapter that needs them).
#[derive(Clone)]
pub struct Config {
    pub store_url: String,
    pub engine: EngineConfig,
    pub log_format: LogFormat,
    pub log_filter: String,
    /// Where the settings came from (for messages).
    pub source: String,
    /// The raw `[http]`, `[discord]` and `[providers]` tables, parsed by their adapters.
    pub http: Option<toml::Value>,
    pub discord: Option<toml::Value>,
    pub providers: Option<toml::Value>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("store_url", &redact_url(&self.store_url))
            .field("engine", &self.engine)
            .field("log_format", &self.log_format)
            .field("log_filter", &self.log_filter)
            .field("source", &self.source)
            .field("http", &self.http)
            .field("discord", &self.discord)
            .field("providers", &self.providers)
            .finish()
    }
}

pub const DEFAULT_STORE_URL: &str = "sqlite:paydesk.db";

impl Config {
    /// Loads `path` if given (it must exist), else `bot.toml` if present, else defaults;
    /// then applies `PAYDESK_*` variables.
    pub fn load(path: Option<&Path>) -> Result<Config> {
        let env = |k: &str| std::env::var(k).ok();
        let (text, source) = match path {
            Some(p) => (
                std::fs::read_to_string(p).with_context(|| format!("cannot read config file {}", p.display()))?,
                p.display().to_string(),
            ),
            None if Path::new("bot.toml").exists() => {
                (std::fs::read_to_string("bot.toml").context("cannot read bot.toml")?, "bot.toml".to_string())
            }
            None => (String::new(), "defaults".to_string()),
        };
        Config::from_parts(&text, &source, &env)
    }

    /// Builds a config from TOML text and an environment (tests pass their own).
    pub fn from_parts(text: &str, source: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Config> {
        let file: FileConfig = toml::from_str(text).map_err(|e| anyhow!("{source}: {}", e.to_string().trim()))?;
        let loader = Loader { file: source, env };
        let policy = policy::read_policy(&loader, source, &file.policy)?;
        policy::check_policy(source, &policy)?;
        let chat = file.chat;
        let default_currency = validate::default_currency(&loader, source, chat.default_currency)?;
        let (approve, reject) = validate::vote_emojis(&loader, source, chat.approve_emojis, chat.reject_emojis)?;
        let log_format = validate::log_format(&loader, source, file.log.format)?;
        let wallet = validate::wallet_settings(&loader, source, file.wallet, file.providers.as_ref())?;
        let question_expiry =
            Duration::hours(validate::question_expiry_hours(&loader, chat.question_expiry_hours.as_ref())?);
        let engine = EngineConfig {
            question_expiry,
            policy,
            approve_emojis: approve,
            reject_emojis: reject,
            default_currency,
            approvals_channel: loader
                .string("chat", "approvals_channel", chat.approvals_channel)
                .unwrap_or_else(|| "approvals".into()),
            worker: format!("paydesk-{}", std::process::id()),
            lease: Duration::minutes(5),
            pending_escalation: Duration::hours(validate::pending_escalation_hours(file.providers.as_ref(), source)?),
            wallet,
            daily_summary_hour: validate::daily_summary_hour(&loader, chat.daily_summary_hour.as_ref())?,
            // Set from `[discord]` by `paydesk run` (the console and replay have no limit).
            max_new_cases_per_hour: 0,
        };
        let store_url = validate::store_url(&loader, source, file.store.url)?;
        Ok(Config {
            store_url,
            engine,
            log_format,
            log_filter: loader.string("log", "filter", file.log.filter).unwrap_or_else(|| "warn".into()),
            source: source.to_string(),
            http: file.http,
            discord: file.discord,
            providers: file.providers,
        })
    }

    /// The store URL with any password hidden, for messages.
    pub fn store_url_redacted(&self) -> String {
        redact_url(&self.store_url)
    }
}

/// `postgres://user:secret@host/db` -> `postgres://user:***@host/db`.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The default database file path for a `sqlite:` URL (for messages).
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    url.strip_prefix("sqlite:").map(|p| PathBuf::from(p.trim_start_matches("//").split('?').next().unwrap_or(p)))
}
