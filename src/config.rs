//! Configuration: `bot.toml`, then `PAYDESK_*` environment variables on top. Secrets come
//! only from the environment and never print.

use crate::app::engine::EngineConfig;
use crate::domain::money::{parse_amount, Currency};
use crate::domain::policy::Policy;
use anyhow::{anyhow, bail, Context, Result};
use chrono::Duration;
use rust_decimal::Decimal;
use serde::Deserialize;
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

/// The file as written. Money and rates are strings ("0.03"), never TOML floats.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    #[serde(default)]
    store: FileStore,
    #[serde(default)]
    policy: FilePolicy,
    #[serde(default)]
    chat: FileChat,
    #[serde(default)]
    log: FileLog,
    #[serde(default)]
    wallet: FileWallet,
    /// `[http]`, `[discord]` and `[providers.*]` are read by their adapters
    /// (`adapters::http`, `adapters::surfaces::discord`, `adapters::payments`).
    http: Option<toml::Value>,
    discord: Option<toml::Value>,
    providers: Option<toml::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileStore {
    url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FilePolicy {
    credit_value: Option<toml::Value>,
    credit_price: Option<toml::Value>,
    fee_rate: Option<toml::Value>,
    conversation_charge: Option<toml::Value>,
    full_refund_days: Option<toml::Value>,
    duplicate_window_minutes: Option<toml::Value>,
    max_refund_age_days: Option<toml::Value>,
    two_lead_threshold: Option<toml::Value>,
    approval_expiry_hours: Option<toml::Value>,
    auto_approve_below: Option<toml::Value>,
    auto_approve_daily_limit: Option<toml::Value>,
    goodwill_two_lead_above: Option<toml::Value>,
    /// `[policy.currencies.JPY]`: money settings of one currency.
    currencies: Option<std::collections::BTreeMap<String, FileMoney>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileMoney {
    credit_value: Option<toml::Value>,
    credit_price: Option<toml::Value>,
    conversation_charge: Option<toml::Value>,
    two_lead_threshold: Option<toml::Value>,
    auto_approve_below: Option<toml::Value>,
    auto_approve_daily_limit: Option<toml::Value>,
    goodwill_two_lead_above: Option<toml::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileChat {
    approve_emojis: Option<Vec<String>>,
    reject_emojis: Option<Vec<String>>,
    approvals_channel: Option<String>,
    default_currency: Option<String>,
    daily_summary_hour: Option<toml::Value>,
    question_expiry_hours: Option<toml::Value>,
}

/// `[wallet]`: where `/wallet buy` takes payment.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileWallet {
    provider: Option<String>,
    return_url: Option<String>,
    webhook_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLog {
    format: Option<String>,
    filter: Option<String>,
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

/// Reads one setting from the environment: `PAYDESK_POLICY_FEE_RATE` for `policy.fee_rate`.
fn env_key(section: &str, key: &str) -> String {
    format!("PAYDESK_{}_{}", section.to_uppercase(), key.to_uppercase())
}

struct Loader<'a> {
    file: &'a str,
    env: &'a dyn Fn(&str) -> Option<String>,
}

impl Loader<'_> {
    /// The raw text of a setting: env first, then the file's value (a string or an integer).
    fn raw(&self, section: &str, key: &str, file: Option<&toml::Value>) -> Result<Option<(String, String)>> {
        let ek = env_key(section, key);
        if let Some(v) = (self.env)(&ek) {
            return Ok(Some((v, format!("environment variable {ek}"))));
        }
        let origin = format!("{}: {section}.{key}", self.file);
        match file {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some((s.clone(), origin))),
            Some(toml::Value::Integer(i)) => Ok(Some((i.to_string(), origin))),
            Some(toml::Value::Float(_)) => {
                bail!("{origin}: write money and rates as strings, like \"0.03\" (floats are not exact)")
            }
            Some(other) => bail!("{origin}: expected a string or a number, found {}", other.type_str()),
        }
    }

    fn decimal(&self, section: &str, key: &str, file: Option<&toml::Value>, default: Decimal) -> Result<Decimal> {
        match self.raw(section, key, file)? {
            None => Ok(default),
            Some((v, origin)) => parse_amount(&v).map_err(|e| anyhow!("{origin}: {e}")),
        }
    }

    fn opt_decimal(&self, section: &str, key: &str, file: Option<&toml::Value>) -> Result<Option<Decimal>> {
        match self.raw(section, key, file)? {
            None => Ok(None),
            Some((v, _)) if v.trim().is_empty() || v.trim() == "off" => Ok(None),
            Some((v, origin)) => parse_amount(&v).map(Some).map_err(|e| anyhow!("{origin}: {e}")),
        }
    }

    fn int(
        &self,
        section: &str,
        key: &str,
        file: Option<&toml::Value>,
        default: i64,
        range: std::ops::RangeInclusive<i64>,
    ) -> Result<i64> {
        match self.raw(section, key, file)? {
            None => Ok(default),
            Some((v, origin)) => {
                let n: i64 = v.trim().parse().map_err(|_| anyhow!("{origin}: `{v}` is not a whole number"))?;
                if !range.contains(&n) {
                    bail!("{origin}: {n} is out of range ({}..={})", range.start(), range.end());
                }
                Ok(n)
            }
        }
    }

    fn string(&self, section: &str, key: &str, file: Option<String>) -> Option<String> {
        (self.env)(&env_key(section, key)).or(file)
    }
}

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

    /// `[policy.currencies.XXX]` tables: every money amount of the currency must be given
    /// (a missing one is an error naming it, never the general number in another currency).
    fn money_tables(
        l: &Loader<'_>,
        source: &str,
        tables: Option<&std::collections::BTreeMap<String, FileMoney>>,
    ) -> Result<Vec<(Currency, crate::domain::policy::MoneySettings)>> {
        let mut out = Vec::new();
        for (code, t) in tables.into_iter().flatten() {
            let cur = Currency::from_code(code)
                .ok_or_else(|| anyhow!("{source}: policy.currencies.{code}: unknown currency `{code}`"))?;
            let section = format!("policy.currencies.{code}");
            let need = |key: &str, v: &Option<toml::Value>| -> Result<Decimal> {
                match l.opt_decimal(&section, key, v.as_ref())? {
                    Some(d) => Ok(d),
                    None => bail!("{source}: {section}.{key} is missing: each currency table gives all of its amounts"),
                }
            };
            out.push((
                cur,
                crate::domain::policy::MoneySettings {
                    credit_value: need("credit_value", &t.credit_value)?,
                    credit_price: need("credit_price", &t.credit_price)?,
                    conversation_charge: need("conversation_charge", &t.conversation_charge)?,
                    two_lead_threshold: need("two_lead_threshold", &t.two_lead_threshold)?,
                    auto_approve_below: l.opt_decimal(&section, "auto_approve_below", t.auto_approve_below.as_ref())?,
                    auto_approve_daily_limit: l.opt_decimal(
                        &section,
                        "auto_approve_daily_limit",
                        t.auto_approve_daily_limit.as_ref(),
                    )?,
                    goodwill_two_lead_above: need("goodwill_two_lead_above", &t.goodwill_two_lead_above)?,
                },
            ));
        }
        Ok(out)
    }

    /// Builds a config from TOML text and an environment (tests pass their own).
    pub fn from_parts(text: &str, source: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Config> {
        let file: FileConfig = toml::from_str(text).map_err(|e| anyhow!("{source}: {}", e.to_string().trim()))?;
        let l = Loader { file: source, env };
        let p = &file.policy;
        let d = Policy::default();
        let policy = Policy {
            credit_value: l.decimal("policy", "credit_value", p.credit_value.as_ref(), d.credit_value)?,
            credit_price: l.decimal("policy", "credit_price", p.credit_price.as_ref(), d.credit_price)?,
            fee_rate: l.decimal("policy", "fee_rate", p.fee_rate.as_ref(), d.fee_rate)?,
            conversation_charge: l.decimal(
                "policy",
                "conversation_charge",
                p.conversation_charge.as_ref(),
                d.conversation_charge,
            )?,
            full_refund_days: l.int(
                "policy",
                "full_refund_days",
                p.full_refund_days.as_ref(),
                d.full_refund_days,
                0..=3650,
            )?,
            duplicate_window_minutes: l.int(
                "policy",
                "duplicate_window_minutes",
                p.duplicate_window_minutes.as_ref(),
                d.duplicate_window_minutes,
                0..=10_080,
            )?,
            max_refund_age_days: l.int(
                "policy",
                "max_refund_age_days",
                p.max_refund_age_days.as_ref(),
                d.max_refund_age_days,
                0..=3650,
            )?,
            two_lead_threshold: l.decimal(
                "policy",
                "two_lead_threshold",
                p.two_lead_threshold.as_ref(),
                d.two_lead_threshold,
            )?,
            approval_expiry_hours: l.int(
                "policy",
                "approval_expiry_hours",
                p.approval_expiry_hours.as_ref(),
                d.approval_expiry_hours,
                1..=8760,
            )?,
            auto_approve_below: l.opt_decimal("policy", "auto_approve_below", p.auto_approve_below.as_ref())?,
            auto_approve_daily_limit: l.opt_decimal(
                "policy",
                "auto_approve_daily_limit",
                p.auto_approve_daily_limit.as_ref(),
            )?,
            goodwill_two_lead_above: l.decimal(
                "policy",
                "goodwill_two_lead_above",
                p.goodwill_two_lead_above.as_ref(),
                d.goodwill_two_lead_above,
            )?,
            currencies: Self::money_tables(&l, source, p.currencies.as_ref())?,
        };
        for (cur, m) in &policy.currencies {
            if let Some(below) = m.auto_approve_below {
                if below > m.two_lead_threshold {
                    bail!(
                        "{source}: policy.currencies.{cur}.auto_approve_below ({below}) is above its two_lead_threshold ({})",
                        m.two_lead_threshold
                    );
                }
            }
        }
        if let Some(below) = policy.auto_approve_below {
            if below > policy.two_lead_threshold {
                bail!(
                    "{source}: policy.auto_approve_below ({below}) is above policy.two_lead_threshold ({}): a refund that needs two leads could be paid with none",
                    policy.two_lead_threshold
                );
            }
        }
        if policy.credit_value.is_zero() || policy.credit_price.is_zero() {
            bail!("{source}: policy.credit_value and policy.credit_price must be more than zero");
        }
        if policy.fee_rate >= Decimal::ONE {
            bail!("{source}: policy.fee_rate must be below 1 (it is a fraction: 0.03 is 3%)");
        }
        let chat = file.chat;
        let currency_code = l.string("chat", "default_currency", chat.default_currency).unwrap_or_else(|| "USD".into());
        let default_currency = Currency::from_code(&currency_code)
            .ok_or_else(|| anyhow!("{source}: chat.default_currency: unknown currency `{currency_code}`"))?;
        let emojis = |key: &str, file: Option<Vec<String>>, default: &str| -> Result<Vec<String>> {
            let v = match (l.env)(&env_key("chat", key)) {
                Some(s) => s.split(',').map(|e| e.trim().to_string()).filter(|e| !e.is_empty()).collect(),
                None => file.unwrap_or_else(|| vec![default.to_string()]),
            };
            if v.is_empty() || v.iter().any(|e| e.trim().is_empty()) {
                bail!("{source}: chat.{key} needs at least one emoji");
            }
            Ok(v)
        };
        let approve = emojis("approve_emojis", chat.approve_emojis, "✅")?;
        let reject = emojis("reject_emojis", chat.reject_emojis, "❌")?;
        if approve.iter().any(|a| reject.contains(a)) {
            bail!("{source}: an emoji cannot both approve and reject");
        }
        let log_format = match l.string("log", "format", file.log.format).as_deref() {
            None | Some("pretty") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => bail!("{source}: log.format: `{other}` is not pretty or json"),
        };
        let wallet = wallet_settings(&l, source, file.wallet, file.providers.as_ref())?;
        let question_expiry = Duration::hours(question_expiry_hours(&l, chat.question_expiry_hours.as_ref())?);
        let engine = EngineConfig {
            question_expiry,
            policy,
            approve_emojis: approve,
            reject_emojis: reject,
            default_currency,
            approvals_channel: l
                .string("chat", "approvals_channel", chat.approvals_channel)
                .unwrap_or_else(|| "approvals".into()),
            worker: format!("paydesk-{}", std::process::id()),
            lease: Duration::minutes(5),
            pending_escalation: Duration::hours(pending_escalation_hours(file.providers.as_ref(), source)?),
            wallet,
            daily_summary_hour: match l.raw("chat", "daily_summary_hour", chat.daily_summary_hour.as_ref())? {
                None => None,
                Some((v, _)) if v.trim() == "off" => None,
                Some((v, origin)) => Some(
                    v.trim()
                        .parse::<u32>()
                        .ok()
                        .filter(|h| *h < 24)
                        .ok_or_else(|| anyhow!("{origin}: `{v}` is not an hour from 0 to 23 (UTC) or off"))?,
                ),
            },
            // Set from `[discord]` by `paydesk run` (the console and replay have no limit).
            max_new_cases_per_hour: 0,
        };
        let store_url = l.string("store", "url", file.store.url).unwrap_or_else(|| DEFAULT_STORE_URL.into());
        if let Some(why) = crate::adapters::store::url_problem(&store_url) {
            let origin = if (l.env)(&env_key("store", "url")).is_some() {
                format!("environment variable {}", env_key("store", "url"))
            } else {
                format!("{source}: store.url")
            };
            bail!("{origin}: {why}");
        }
        Ok(Config {
            store_url,
            engine,
            log_format,
            log_filter: l.string("log", "filter", file.log.filter).unwrap_or_else(|| "warn".into()),
            source: source.to_string(),
            http: file.http,
            discord: file.discord,
            providers: file.providers,
        })
    }

    /// The effective configuration as TOML (what `check-config` prints): every setting
    /// with its value after defaults and `PAYDESK_*` variables; the store URL's password
    /// masked; secrets (tokens, provider keys) are never part of it.
    pub fn effective_toml(&self) -> String {
        use toml::Value;
        let p = &self.engine.policy;
        let s = |d: Decimal| Value::String(d.to_string());
        let mut store = toml::map::Map::new();
        store.insert("url".into(), Value::String(self.store_url_redacted()));
        let mut policy = toml::map::Map::new();
        policy.insert("credit_value".into(), s(p.credit_value));
        policy.insert("credit_price".into(), s(p.credit_price));
        policy.insert("fee_rate".into(), s(p.fee_rate));
        policy.insert("conversation_charge".into(), s(p.conversation_charge));
        policy.insert("full_refund_days".into(), Value::Integer(p.full_refund_days));
        policy.insert("duplicate_window_minutes".into(), Value::Integer(p.duplicate_window_minutes));
        policy.insert("max_refund_age_days".into(), Value::Integer(p.max_refund_age_days));
        policy.insert("two_lead_threshold".into(), s(p.two_lead_threshold));
        policy.insert("approval_expiry_hours".into(), Value::Integer(p.approval_expiry_hours));
        let off = |d: Option<Decimal>| d.map(s).unwrap_or_else(|| Value::String("off".into()));
        policy.insert("auto_approve_below".into(), off(p.auto_approve_below));
        policy.insert("auto_approve_daily_limit".into(), off(p.auto_approve_daily_limit));
        policy.insert("goodwill_two_lead_above".into(), s(p.goodwill_two_lead_above));
        if !p.currencies.is_empty() {
            let mut tables = toml::map::Map::new();
            for (cur, m) in &p.currencies {
                let mut t = toml::map::Map::new();
                t.insert("credit_value".into(), s(m.credit_value));
                t.insert("credit_price".into(), s(m.credit_price));
                t.insert("conversation_charge".into(), s(m.conversation_charge));
                t.insert("two_lead_threshold".into(), s(m.two_lead_threshold));
                t.insert("auto_approve_below".into(), off(m.auto_approve_below));
                t.insert("auto_approve_daily_limit".into(), off(m.auto_approve_daily_limit));
                t.insert("goodwill_two_lead_above".into(), s(m.goodwill_two_lead_above));
                tables.insert(cur.code().to_string(), Value::Table(t));
            }
            policy.insert("currencies".into(), Value::Table(tables));
        }
        let strings = |v: &[String]| Value::Array(v.iter().cloned().map(Value::String).collect());
        let mut chat = toml::map::Map::new();
        chat.insert("approve_emojis".into(), strings(&self.engine.approve_emojis));
        chat.insert("reject_emojis".into(), strings(&self.engine.reject_emojis));
        chat.insert("approvals_channel".into(), Value::String(self.engine.approvals_channel.clone()));
        chat.insert("default_currency".into(), Value::String(self.engine.default_currency.code().to_string()));
        let hour = self
            .engine
            .daily_summary_hour
            .map(|h| Value::Integer(i64::from(h)))
            .unwrap_or_else(|| Value::String("off".into()));
        chat.insert("daily_summary_hour".into(), hour);
        chat.insert("question_expiry_hours".into(), Value::Integer(self.engine.question_expiry.num_hours()));
        let mut log = toml::map::Map::new();
        log.insert(
            "format".into(),
            Value::String(if self.log_format == LogFormat::Json { "json" } else { "pretty" }.into()),
        );
        log.insert("filter".into(), Value::String(self.log_filter.clone()));
        let mut root = toml::map::Map::new();
        root.insert("store".into(), Value::Table(store));
        root.insert("policy".into(), Value::Table(policy));
        root.insert("chat".into(), Value::Table(chat));
        root.insert("log".into(), Value::Table(log));
        let w = &self.engine.wallet;
        let mut wallet = toml::map::Map::new();
        wallet.insert("provider".into(), Value::String(w.provider.clone()));
        for (key, v) in [("return_url", &w.return_url), ("webhook_url", &w.webhook_url)] {
            if let Some(u) = v {
                wallet.insert(key.into(), Value::String(u.clone()));
            }
        }
        root.insert("wallet".into(), Value::Table(wallet));
        // The adapters' tables as written (their secrets come only from the environment).
        for (name, v) in [("http", &self.http), ("discord", &self.discord), ("providers", &self.providers)] {
            if let Some(v) = v {
                root.insert(name.into(), v.clone());
            }
        }
        toml::to_string_pretty(&Value::Table(root)).unwrap_or_default()
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

/// The providers whose hosted payment page `/wallet buy` can use.
pub const CHECKOUT_PROVIDERS: [&str; 5] = ["stripe", "mollie", "adyen", "paypal", "square"];

/// `[wallet]`: `provider` is `sandbox` (the default: credits at once, nobody is charged)
/// or a configured provider with a hosted payment page, which then needs `return_url`
/// (where the customer's browser goes after paying); `webhook_url` is where Mollie reports
/// each payment (without it, Mollie purchases are settled by lookups only).
fn wallet_settings(
    l: &Loader<'_>,
    source: &str,
    file: FileWallet,
    providers: Option<&toml::Value>,
) -> Result<crate::app::engine::WalletSettings> {
    let provider = l.string("wallet", "provider", file.provider).unwrap_or_else(|| "sandbox".into());
    let return_url = l.string("wallet", "return_url", file.return_url).filter(|u| !u.trim().is_empty());
    let webhook_url = l.string("wallet", "webhook_url", file.webhook_url).filter(|u| !u.trim().is_empty());
    for (key, url) in [("return_url", &return_url), ("webhook_url", &webhook_url)] {
        if let Some(u) = url {
            if !u.starts_with("https://") && !u.starts_with("http://") {
                bail!("{source}: wallet.{key}: `{u}` is not an http(s) URL");
            }
        }
    }
    if provider != "sandbox" {
        if !CHECKOUT_PROVIDERS.contains(&provider.as_str()) {
            bail!(
                "{source}: wallet.provider: `{provider}` has no hosted payment page in paydesk (use sandbox, {})",
                CHECKOUT_PROVIDERS.join(" or ")
            );
        }
        if providers.and_then(|p| p.get(&provider)).is_none() {
            bail!("{source}: wallet.provider is `{provider}` but [providers.{provider}] is not configured");
        }
        if return_url.is_none() {
            bail!("{source}: wallet.return_url is required with wallet.provider = \"{provider}\" (where the customer returns after paying)");
        }
        // `QuickPay.location_id` is required (developer.squareup.com/docs/checkout-api/quick-pay-checkout).
        if provider == "square"
            && providers
                .and_then(|p| p.get("square"))
                .and_then(|s| s.get("location_id"))
                .and_then(|l| l.as_str())
                .is_none_or(str::is_empty)
        {
            bail!("{source}: wallet.provider = \"square\" needs providers.square.location_id (the seller location payment links are made for)");
        }
    }
    Ok(crate::app::engine::WalletSettings { provider, return_url, webhook_url })
}

/// `[providers] pending_escalation_hours` (default 24): a refund a provider keeps
/// pending this long is escalated to the leads once.
/// `[chat] question_expiry_hours` (default 24): how long a question back waits for the
/// customer's answer, from 1 hour to 30 days.
fn question_expiry_hours(l: &Loader<'_>, file: Option<&toml::Value>) -> Result<i64> {
    match l.raw("chat", "question_expiry_hours", file)? {
        None => Ok(24),
        Some((v, origin)) => v
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|h| (1..=24 * 30).contains(h))
            .ok_or_else(|| anyhow!("{origin}: `{v}` is not a whole number of hours from 1 to 720")),
    }
}

fn pending_escalation_hours(providers: Option<&toml::Value>, source: &str) -> Result<i64> {
    match providers.and_then(|p| p.get("pending_escalation_hours")) {
        None => Ok(24),
        Some(toml::Value::Integer(h)) if *h >= 1 && *h <= 24 * 90 => Ok(*h),
        Some(v) => {
            bail!("{source}: providers.pending_escalation_hours: `{v}` is not a whole number of hours from 1 to 2160")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn defaults_match_the_policy() {
        let c = Config::from_parts("", "defaults", &no_env).unwrap();
        assert_eq!(c.engine.policy, Policy::default());
        assert_eq!(c.store_url, DEFAULT_STORE_URL);
        assert_eq!(c.engine.approve_emojis, vec!["✅"]);
    }

    #[test]
    fn the_example_file_is_valid_and_says_the_defaults() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/bot.toml.example")).unwrap();
        let c = Config::from_parts(&text, "bot.toml.example", &no_env).unwrap();
        assert_eq!(c.engine.policy, Policy::default());
    }

    #[test]
    fn auto_approve_above_the_two_lead_threshold_is_refused() {
        let e = Config::from_parts("[policy]\nauto_approve_below = \"600.00\"\n", "bot.toml", &no_env)
            .unwrap_err()
            .to_string();
        assert!(e.contains("auto_approve_below") && e.contains("two_lead_threshold"), "{e}");
        let ok = Config::from_parts(
            "[policy]\nauto_approve_below = \"25\"\nauto_approve_daily_limit = \"60\"\n",
            "bot.toml",
            &no_env,
        )
        .unwrap();
        assert_eq!(ok.engine.policy.auto_approve_daily_limit(), Decimal::from(60));
    }

    #[test]
    fn money_settings_per_currency_are_read_whole() {
        let text = "[policy.currencies.JPY]\ncredit_value = \"300\"\ncredit_price = \"300\"\nconversation_charge = \"2\"\n\
                    two_lead_threshold = \"75000\"\ngoodwill_two_lead_above = \"15000\"\nauto_approve_below = \"3000\"\n";
        let c = Config::from_parts(text, "bot.toml", &no_env).unwrap();
        let jpy = Currency::from_code("JPY").unwrap();
        assert_eq!(c.engine.policy.in_currency(jpy).unwrap().two_lead_threshold, Decimal::from(75000));
        assert!(c.engine.policy.in_currency(Currency::USD).is_err(), "USD has no table once tables are used");
        let missing = Config::from_parts("[policy.currencies.JPY]\ncredit_value = \"300\"\n", "bot.toml", &no_env)
            .unwrap_err()
            .to_string();
        assert!(missing.contains("policy.currencies.JPY.credit_price is missing"), "{missing}");
        let bad = Config::from_parts("[policy.currencies.XYZ]\n", "bot.toml", &no_env).unwrap_err().to_string();
        assert!(bad.contains("unknown currency `XYZ`"), "{bad}");
    }

    #[test]
    fn question_expiry_is_configurable() {
        let c = Config::from_parts("", "b.toml", &no_env).unwrap();
        assert_eq!(c.engine.question_expiry, Duration::hours(24));
        let c = Config::from_parts("[chat]\nquestion_expiry_hours = 2\n", "b.toml", &no_env).unwrap();
        assert_eq!(c.engine.question_expiry, Duration::hours(2));
        let err = Config::from_parts("[chat]\nquestion_expiry_hours = 0\n", "b.toml", &no_env).unwrap_err().to_string();
        assert!(err.contains("chat.question_expiry_hours") && err.contains("1 to 720"), "{err}");
    }

    #[test]
    fn pending_escalation_is_configurable() {
        let c = Config::from_parts("", "b.toml", &no_env).unwrap();
        assert_eq!(c.engine.pending_escalation, Duration::hours(24));
        let c = Config::from_parts("[providers]\npending_escalation_hours = 6\n", "b.toml", &no_env).unwrap();
        assert_eq!(c.engine.pending_escalation, Duration::hours(6));
        let e = Config::from_parts("[providers]\npending_escalation_hours = 0\n", "b.toml", &no_env)
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("b.toml") && e.contains("pending_escalation_hours"), "{e}");
    }

    #[test]
    fn wallet_provider_needs_a_configured_checkout_provider_and_a_return_url() {
        let c = Config::from_parts("", "b.toml", &no_env).unwrap();
        assert_eq!(c.engine.wallet.provider, "sandbox");
        let ok = "[wallet]\nprovider = \"stripe\"\nreturn_url = \"https://example.com/paid\"\n[providers.stripe]\n";
        assert_eq!(Config::from_parts(ok, "b.toml", &no_env).unwrap().engine.wallet.provider, "stripe");
        let cases = [
            (
                "[wallet]\nprovider = \"stripe\"\nreturn_url = \"https://example.com/paid\"\n",
                "[providers.stripe] is not configured",
            ),
            ("[wallet]\nprovider = \"stripe\"\n[providers.stripe]\n", "wallet.return_url is required"),
            ("[wallet]\nprovider = \"braintree\"\n[providers.braintree]\n", "no hosted payment page"),
            ("[wallet]\nprovider = \"mollie\"\nreturn_url = \"ftp://x\"\n[providers.mollie]\n", "not an http(s) URL"),
            (
                "[wallet]\nprovider = \"square\"\nreturn_url = \"https://example.com/paid\"\n[providers.square]\n",
                "providers.square.location_id",
            ),
        ];
        for p in ["paypal", "square"] {
            let text = format!("[wallet]\nprovider = \"{p}\"\nreturn_url = \"https://example.com/paid\"\n[providers.{p}]\nlocation_id = \"L1\"\n");
            assert_eq!(Config::from_parts(&text, "b.toml", &no_env).unwrap().engine.wallet.provider, p);
        }
        for (text, want) in cases {
            let e = Config::from_parts(text, "b.toml", &no_env).unwrap_err().to_string();
            assert!(e.contains(want) && e.contains("b.toml"), "{text:?}: {e}");
        }
    }

    #[test]
    fn env_overrides_the_file() {
        let env = |k: &str| match k {
            "PAYDESK_POLICY_FEE_RATE" => Some("0.05".to_string()),
            "PAYDESK_STORE_URL" => Some("sqlite:other.db".to_string()),
            "PAYDESK_CHAT_APPROVE_EMOJIS" => Some("👍, ✅".to_string()),
            _ => None,
        };
        let c = Config::from_parts("[policy]\nfee_rate = \"0.04\"\n", "bot.toml", &env).unwrap();
        assert_eq!(c.engine.policy.fee_rate, Decimal::new(5, 2));
        assert_eq!(c.store_url, "sqlite:other.db");
        assert_eq!(c.engine.approve_emojis, vec!["👍", "✅"]);
    }

    #[test]
    fn errors_name_the_key_and_the_file() {
        let cases = [
            ("[policy]\nfee_rate = 0.03\n", "bot.toml: policy.fee_rate"),
            ("[policy]\nfee_rate = \"abc\"\n", "bot.toml: policy.fee_rate"),
            ("[policy]\nfull_refund_days = \"x\"\n", "bot.toml: policy.full_refund_days"),
            ("[policy]\nfull_refund_days = -1\n", "bot.toml: policy.full_refund_days"),
            ("[policy]\nfee_rat = \"0.03\"\n", "fee_rat"),
            ("[chat]\ndefault_currency = \"XXX\"\n", "chat.default_currency"),
            ("[chat]\napprove_emojis = []\n", "chat.approve_emojis"),
            ("[log]\nformat = \"xml\"\n", "log.format"),
            ("not toml at all [", "bot.toml"),
        ];
        for (text, want) in cases {
            let e = Config::from_parts(text, "bot.toml", &no_env).unwrap_err().to_string();
            assert!(e.contains(want), "{text:?}: {e}");
        }
    }

    #[test]
    fn store_urls_that_cannot_work_are_refused_naming_the_key() {
        for (url, want) in [
            ("mysql://x", "not supported"),
            ("paydesk.db", "sqlite:paydesk.db"),
            ("sqlite:", "sqlite:FILE"),
            ("postgres:db", "postgres://"),
        ] {
            let e = Config::from_parts(&format!("[store]\nurl = \"{url}\"\n"), "bot.toml", &no_env)
                .unwrap_err()
                .to_string();
            assert!(e.contains("bot.toml: store.url") && e.contains(want), "{url}: {e}");
        }
        let env = |k: &str| (k == "PAYDESK_STORE_URL").then(|| "mysql://x".to_string());
        let e = Config::from_parts("", "bot.toml", &env).unwrap_err().to_string();
        assert!(e.contains("PAYDESK_STORE_URL"), "{e}");
        for url in [
            "sqlite:paydesk.db",
            "sqlite::memory:",
            "sqlite:///var/lib/paydesk/paydesk.db?mode=rwc",
            "postgres://bot:pw@db/paydesk",
        ] {
            assert!(Config::from_parts(&format!("[store]\nurl = \"{url}\"\n"), "bot.toml", &no_env).is_ok(), "{url}");
        }
    }

    #[test]
    fn the_effective_configuration_is_toml_with_the_password_masked() {
        let c =
            Config::from_parts("[store]\nurl = \"postgres://bot:hunter2@db/paydesk\"\n[policy]\nfee_rate = \"0.04\"\n[policy.currencies.JPY]\ncredit_value = \"300\"\ncredit_price = \"300\"\nconversation_charge = \"2\"\ntwo_lead_threshold = \"75000\"\ngoodwill_two_lead_above = \"15000\"\n[chat]\ndaily_summary_hour = 9\n", "bot.toml", &no_env).unwrap();
        let text = c.effective_toml();
        assert!(!text.contains("hunter2"), "{text}");
        let back: toml::Value = toml::from_str(&text).unwrap();
        assert_eq!(back["store"]["url"].as_str(), Some("postgres://bot:***@db/paydesk"));
        assert_eq!(back["policy"]["fee_rate"].as_str(), Some("0.04"));
        assert_eq!(back["policy"]["auto_approve_below"].as_str(), Some("off"));
        // What it prints is itself a valid configuration with the same policy.
        let again = Config::from_parts(&text.replace("bot:***@", "bot@"), "printed", &no_env).unwrap();
        assert_eq!(again.engine.policy, c.engine.policy);
        assert_eq!(again.engine.daily_summary_hour, Some(9));
        assert_eq!(back["wallet"]["provider"].as_str(), Some("sandbox"), "{text}");
        assert_eq!(again.engine.wallet, c.engine.wallet);
        let paid = Config::from_parts(
            "[wallet]\nprovider = \"stripe\"\nreturn_url = \"https://example.com/paid\"\n[providers.stripe]\nbase_url = \"https://api.stripe.com\"\n",
            "bot.toml",
            &no_env,
        )
        .unwrap();
        let text = paid.effective_toml();
        let back: toml::Value = toml::from_str(&text).unwrap();
        assert_eq!(back["wallet"]["provider"].as_str(), Some("stripe"), "{text}");
        assert_eq!(back["wallet"]["return_url"].as_str(), Some("https://example.com/paid"), "{text}");
        assert_eq!(Config::from_parts(&text, "printed", &no_env).unwrap().engine.wallet, paid.engine.wallet);
    }

    #[test]
    fn secrets_and_passwords_never_print() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?} {s}"), "Secret(***) ***");
        assert_eq!(redact_url("postgres://bot:hunter2@db:5432/x"), "postgres://bot:***@db:5432/x");
        assert_eq!(redact_url("sqlite:paydesk.db"), "sqlite:paydesk.db");
        let mut cfg = Config::from_parts("", "bot.toml", &|_| None).expect("defaults are valid");
        cfg.store_url = "postgres://bot:hunter2@db:5432/x".into();
        let shown = format!("{cfg:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("postgres://bot:***@db:5432/x"), "{shown}");
    }
}
