//! The effective configuration as TOML (what `check-config` prints).

use super::{Config, LogFormat};
use crate::domain::policy::{MoneySettings, Policy};
use rust_decimal::Decimal;
use toml::map::Map;
use toml::Value;

impl Config {
    /// The effective configuration as TOML (what `check-config` prints): every setting
    /// with its value after defaults and `PAYDESK_*` variables; the store URL's password
    /// masked; secrets (tokens, provider keys) are never part of it.
    pub fn effective_toml(&self) -> String {
        let mut store = Map::new();
        store.insert("url".into(), Value::String(self.store_url_redacted()));
        let mut log = Map::new();
        log.insert(
            "format".into(),
            Value::String(if self.log_format == LogFormat::Json { "json" } else { "pretty" }.into()),
        );
        log.insert("filter".into(), Value::String(self.log_filter.clone()));
        let mut root = Map::new();
        root.insert("store".into(), Value::Table(store));
        root.insert("policy".into(), Value::Table(policy_table(&self.engine.policy)));
        root.insert("chat".into(), Value::Table(self.chat_table()));
        root.insert("log".into(), Value::Table(log));
        root.insert("wallet".into(), Value::Table(self.wallet_table()));
        // The adapters' tables as written (their secrets come only from the environment).
        for (name, v) in [("http", &self.http), ("discord", &self.discord), ("providers", &self.providers)] {
            if let Some(v) = v {
                root.insert(name.into(), v.clone());
            }
        }
        toml::to_string_pretty(&Value::Table(root)).unwrap_or_default()
    }

    /// `[chat]` as in effect.
    fn chat_table(&self) -> Map<String, Value> {
        let strings = |v: &[String]| Value::Array(v.iter().cloned().map(Value::String).collect());
        let mut chat = Map::new();
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
        chat
    }

    /// `[wallet]` as in effect (the URLs only when set).
    fn wallet_table(&self) -> Map<String, Value> {
        let w = &self.engine.wallet;
        let mut wallet = Map::new();
        wallet.insert("provider".into(), Value::String(w.provider.clone()));
        for (key, v) in [("return_url", &w.return_url), ("webhook_url", &w.webhook_url)] {
            if let Some(u) = v {
                wallet.insert(key.into(), Value::String(u.clone()));
            }
        }
        wallet
    }
}

/// A decimal as TOML writes it here: a string, never a float.
fn decimal(d: Decimal) -> Value {
    Value::String(d.to_string())
}

/// An optional amount: the amount, or `off`.
fn amount_or_off(d: Option<Decimal>) -> Value {
    d.map(decimal).unwrap_or_else(|| Value::String("off".into()))
}

/// `[policy]` as in effect, with its `[policy.currencies.XXX]` tables when there are any.
fn policy_table(p: &Policy) -> Map<String, Value> {
    let mut policy = Map::new();
    policy.insert("credit_value".into(), decimal(p.credit_value));
    policy.insert("credit_price".into(), decimal(p.credit_price));
    policy.insert("fee_rate".into(), decimal(p.fee_rate));
    policy.insert("conversation_charge".into(), decimal(p.conversation_charge));
    policy.insert("full_refund_days".into(), Value::Integer(p.full_refund_days));
    policy.insert("duplicate_window_minutes".into(), Value::Integer(p.duplicate_window_minutes));
    policy.insert("max_refund_age_days".into(), Value::Integer(p.max_refund_age_days));
    policy.insert("two_lead_threshold".into(), decimal(p.two_lead_threshold));
    policy.insert("approval_expiry_hours".into(), Value::Integer(p.approval_expiry_hours));
    policy.insert("auto_approve_below".into(), amount_or_off(p.auto_approve_below));
    policy.insert("auto_approve_daily_limit".into(), amount_or_off(p.auto_approve_daily_limit));
    policy.insert("goodwill_two_lead_above".into(), decimal(p.goodwill_two_lead_above));
    if !p.currencies.is_empty() {
        let mut tables = Map::new();
        for (cur, m) in &p.currencies {
            tables.insert(cur.code().to_string(), Value::Table(money_table(m)));
        }
        policy.insert("currencies".into(), Value::Table(tables));
    }
    policy
}

/// One `[policy.currencies.XXX]` table.
fn money_table(m: &MoneySettings) -> Map<String, Value> {
    let mut t = Map::new();
    t.insert("credit_value".into(), decimal(m.credit_value));
    t.insert("credit_price".into(), decimal(m.credit_price));
    t.insert("conversation_charge".into(), decimal(m.conversation_charge));
    t.insert("two_lead_threshold".into(), decimal(m.two_lead_threshold));
    t.insert("auto_approve_below".into(), amount_or_off(m.auto_approve_below));
    t.insert("auto_approve_daily_limit".into(), amount_or_off(m.auto_approve_daily_limit));
    t.insert("goodwill_two_lead_above".into(), decimal(m.goodwill_two_lead_above));
    t
}
