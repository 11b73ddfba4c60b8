//! `bot.toml` as written, before any value is checked: every table and key it may hold
//! (unknown keys are refused by name).

use serde::Deserialize;

/// The file as written. Money and rates are strings ("0.03"), never TOML floats.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileConfig {
    #[serde(default)]
    pub(super) store: FileStore,
    #[serde(default)]
    pub(super) policy: FilePolicy,
    #[serde(default)]
    pub(super) chat: FileChat,
    #[serde(default)]
    pub(super) log: FileLog,
    #[serde(default)]
    pub(super) wallet: FileWallet,
    /// `[http]`, `[discord]` and `[providers.*]` are read by their adapters
    /// (`adapters::http`, `adapters::surfaces::discord`, `adapters::payments`).
    pub(super) http: Option<toml::Value>,
    pub(super) discord: Option<toml::Value>,
    pub(super) providers: Option<toml::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileStore {
    pub(super) url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FilePolicy {
    pub(super) credit_value: Option<toml::Value>,
    pub(super) credit_price: Option<toml::Value>,
    pub(super) fee_rate: Option<toml::Value>,
    pub(super) conversation_charge: Option<toml::Value>,
    pub(super) full_refund_days: Option<toml::Value>,
    pub(super) duplicate_window_minutes: Option<toml::Value>,
    pub(super) max_refund_age_days: Option<toml::Value>,
    pub(super) two_lead_threshold: Option<toml::Value>,
    pub(super) approval_expiry_hours: Option<toml::Value>,
    pub(super) auto_approve_below: Option<toml::Value>,
    pub(super) auto_approve_daily_limit: Option<toml::Value>,
    pub(super) goodwill_two_lead_above: Option<toml::Value>,
    /// `[policy.currencies.JPY]`: money settings of one currency.
    pub(super) currencies: Option<std::collections::BTreeMap<String, FileMoney>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileMoney {
    pub(super) credit_value: Option<toml::Value>,
    pub(super) credit_price: Option<toml::Value>,
    pub(super) conversation_charge: Option<toml::Value>,
    pub(super) two_lead_threshold: Option<toml::Value>,
    pub(super) auto_approve_below: Option<toml::Value>,
    pub(super) auto_approve_daily_limit: Option<toml::Value>,
    pub(super) goodwill_two_lead_above: Option<toml::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileChat {
    pub(super) approve_emojis: Option<Vec<String>>,
    pub(super) reject_emojis: Option<Vec<String>>,
    pub(super) approvals_channel: Option<String>,
    pub(super) default_currency: Option<String>,
    pub(super) daily_summary_hour: Option<toml::Value>,
    pub(super) question_expiry_hours: Option<toml::Value>,
}

/// `[wallet]`: where `/wallet buy` takes payment.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileWallet {
    pub(super) provider: Option<String>,
    pub(super) return_url: Option<String>,
    pub(super) webhook_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileLog {
    pub(super) format: Option<String>,
    pub(super) filter: Option<String>,
}
