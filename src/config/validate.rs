//! The settings outside `[policy]`, each read and checked on its own: `[chat]`, `[log]`,
//! `[wallet]`, `[store] url` and `[providers] pending_escalation_hours`. Errors name the
//! key and where it came from.

use super::env::{env_key, Loader};
use super::file::FileWallet;
use super::LogFormat;
use crate::app::engine::WalletSettings;
use crate::domain::money::Currency;
use anyhow::{anyhow, bail, Result};

/// `[chat] default_currency` (default USD): an ISO 4217 code paydesk knows.
pub(super) fn default_currency(loader: &Loader<'_>, source: &str, file: Option<String>) -> Result<Currency> {
    let currency_code = loader.string("chat", "default_currency", file).unwrap_or_else(|| "USD".into());
    Currency::from_code(&currency_code)
        .ok_or_else(|| anyhow!("{source}: chat.default_currency: unknown currency `{currency_code}`"))
}

/// `[chat] approve_emojis` and `reject_emojis` (defaults ✅ and ❌; in the environment a
/// comma-separated list): at least one each, and none in both.
pub(super) fn vote_emojis(
    loader: &Loader<'_>,
    source: &str,
    approve: Option<Vec<String>>,
    reject: Option<Vec<String>>,
) -> Result<(Vec<String>, Vec<String>)> {
    let approve = emojis(loader, source, "approve_emojis", approve, "✅")?;
    let reject = emojis(loader, source, "reject_emojis", reject, "❌")?;
    if approve.iter().any(|a| reject.contains(a)) {
        bail!("{source}: an emoji cannot both approve and reject");
    }
    Ok((approve, reject))
}

/// One list of emojis: from the environment, the file or the default; never empty.
fn emojis(
    loader: &Loader<'_>,
    source: &str,
    key: &str,
    file: Option<Vec<String>>,
    default: &str,
) -> Result<Vec<String>> {
    let v: Vec<String> = match (loader.env)(&env_key("chat", key)) {
        Some(s) => s.split(',').map(|e| e.trim().to_string()).filter(|e| !e.is_empty()).collect(),
        None => file.unwrap_or_else(|| vec![default.to_string()]),
    };
    if v.is_empty() || v.iter().any(|e| e.trim().is_empty()) {
        bail!("{source}: chat.{key} needs at least one emoji");
    }
    Ok(v)
}

/// `[chat] daily_summary_hour`: the hour (UTC) of the leads' daily summary, or off (the
/// default).
pub(super) fn daily_summary_hour(loader: &Loader<'_>, file: Option<&toml::Value>) -> Result<Option<u32>> {
    Ok(match loader.raw("chat", "daily_summary_hour", file)? {
        None => None,
        Some((v, _)) if v.trim() == "off" => None,
        Some((v, origin)) => Some(
            v.trim()
                .parse::<u32>()
                .ok()
                .filter(|h| *h < 24)
                .ok_or_else(|| anyhow!("{origin}: `{v}` is not an hour from 0 to 23 (UTC) or off"))?,
        ),
    })
}

/// `[log] format`: pretty (the default) or json.
pub(super) fn log_format(loader: &Loader<'_>, source: &str, file: Option<String>) -> Result<LogFormat> {
    Ok(match loader.string("log", "format", file).as_deref() {
        None | Some("pretty") => LogFormat::Pretty,
        Some("json") => LogFormat::Json,
        Some(other) => bail!("{source}: log.format: `{other}` is not pretty or json"),
    })
}

/// `[store] url` (default [`super::DEFAULT_STORE_URL`]), refused with the store's reason
/// when it cannot be opened, naming where it came from.
pub(super) fn store_url(loader: &Loader<'_>, source: &str, file: Option<String>) -> Result<String> {
    let store_url = loader.string("store", "url", file).unwrap_or_else(|| super::DEFAULT_STORE_URL.into());
    if let Some(why) = crate::adapters::store::url_problem(&store_url) {
        let origin = if (loader.env)(&env_key("store", "url")).is_some() {
            format!("environment variable {}", env_key("store", "url"))
        } else {
            format!("{source}: store.url")
        };
        bail!("{origin}: {why}");
    }
    Ok(store_url)
}

/// The providers whose hosted payment page `/wallet buy` can use.
pub const CHECKOUT_PROVIDERS: [&str; 5] = ["stripe", "mollie", "adyen", "paypal", "square"];

/// `[wallet]`: `provider` is `sandbox` (the default: credits at once, nobody is charged)
/// or a configured provider with a hosted payment page, which then needs `return_url`
/// (where the customer's browser goes after paying); `webhook_url` is where Mollie reports
/// each payment (without it, Mollie purchases are settled by lookups only).
pub(super) fn wallet_settings(
    loader: &Loader<'_>,
    source: &str,
    file: FileWallet,
    providers: Option<&toml::Value>,
) -> Result<WalletSettings> {
    let provider = loader.string("wallet", "provider", file.provider).unwrap_or_else(|| "sandbox".into());
    let return_url = loader.string("wallet", "return_url", file.return_url).filter(|u| !u.trim().is_empty());
    let webhook_url = loader.string("wallet", "webhook_url", file.webhook_url).filter(|u| !u.trim().is_empty());
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
                .and_then(|id| id.as_str())
                .is_none_or(str::is_empty)
        {
            bail!("{source}: wallet.provider = \"square\" needs providers.square.location_id (the seller location payment links are made for)");
        }
    }
    Ok(WalletSettings { provider, return_url, webhook_url })
}

/// `[chat] question_expiry_hours` (default 24): how long a question back waits for the
/// customer's answer, from 1 hour to 30 days.
pub(super) fn question_expiry_hours(loader: &Loader<'_>, file: Option<&toml::Value>) -> Result<i64> {
    match loader.raw("chat", "question_expiry_hours", file)? {
        None => Ok(24),
        Some((v, origin)) => v
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|h| (1..=24 * 30).contains(h))
            .ok_or_else(|| anyhow!("{origin}: `{v}` is not a whole number of hours from 1 to 720")),
    }
}

/// `[providers] pending_escalation_hours` (default 24): a refund a provider keeps
/// pending this long is escalated to the leads once.
pub(super) fn pending_escalation_hours(providers: Option<&toml::Value>, source: &str) -> Result<i64> {
    match providers.and_then(|p| p.get("pending_escalation_hours")) {
        None => Ok(24),
        Some(toml::Value::Integer(h)) if *h >= 1 && *h <= 24 * 90 => Ok(*h),
        Some(v) => {
            bail!("{source}: providers.pending_escalation_hours: `{v}` is not a whole number of hours from 1 to 2160")
        }
    }
}
