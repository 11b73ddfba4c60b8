//! `[providers.<name>]` in bot.toml (non-secret settings) plus `PAYDESK_*` environment
//! variables (every key and secret): the connectors the engine pays through, and the
//! keys the webhook routes verify with. The sandbox is always there.
//!
//! `mod.rs`: the settings, checked; `build.rs`: settings and environment → executors,
//! connectors and webhook keys.

mod build;
#[cfg(test)]
mod tests;

use super::adyen::Adyen;
use super::amazon_pay::{self, AmazonPay};
use super::api::ProviderKind;
use super::braintree::{self, Braintree};
use super::chargebee::ChargebeeConnector;
use super::executor::{Auth, Executor, ExecutorConfig, HttpConnector};
use super::klarna::Klarna;
use super::mollie::Mollie;
use super::paypal::PayPal;
use super::sandbox::Sandbox;
use super::shopify::{self, ShopifyConnector};
use super::square::{self, Square};
use super::stripe::Stripe;
use super::woocommerce::WooCommerce;
use crate::app::engine::Connectors;
use crate::app::metrics::Metrics;
use crate::app::ports::PaymentConnector;
use crate::config::Secret;
use anyhow::{anyhow, bail, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

pub const PROVIDERS: [&str; 11] = [
    "stripe",
    "paypal",
    "adyen",
    "square",
    "braintree",
    "mollie",
    "woocommerce",
    "klarna",
    "chargebee",
    "shopify",
    "amazon_pay",
];

/// One `[providers.<name>]` table. Everything here is public information; keys and
/// secrets are refused here and read from the environment only.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ProviderSettings {
    /// Live, sandbox or a local test server.
    pub base_url: Option<String>,
    /// Per HTTP exchange (default 15000).
    pub timeout_ms: Option<u64>,
    /// HTTP exchanges per refund attempt, retries of transient failures included (default 3).
    pub max_attempts: Option<u32>,
    /// First backoff between those (default 250; doubles, with jitter).
    pub backoff_ms: Option<u64>,
    /// Longest wait honoured between two exchanges (default 5000).
    pub max_wait_ms: Option<u64>,
    /// Adyen: the merchant account refunds are made for.
    pub merchant_account: Option<String>,
    /// Square: `Square-Version`; Braintree: `Braintree-Version`; Shopify: the Admin API
    /// version in the path (default `2026-01`, the first with `@idempotent` on refunds).
    pub version: Option<String>,
    /// PayPal: the webhook id its signature verification needs.
    pub webhook_id: Option<String>,
    /// Square: the notification URL exactly as registered (it is part of the signature).
    pub webhook_url: Option<String>,
    /// Square: the seller location credit purchases' payment links are made for.
    pub location_id: Option<String>,
    /// Stripe and PayPal: how old a signed delivery may be (default 300 s).
    pub webhook_tolerance_secs: Option<i64>,
    /// Amazon Pay: the region the merchant account is registered in (`us`, `eu`, `uk`,
    /// `jp`; default `us`).
    pub region: Option<String>,
    /// Amazon Pay: the SNS topic its instant payment notifications come from; messages
    /// from any other topic are refused, and a subscription to it is confirmed.
    pub ipn_topic_arn: Option<String>,
}

pub fn default_base_url(provider: &str) -> &'static str {
    match ProviderKind::from_name(provider) {
        None | Some(ProviderKind::Sandbox) => "",
        Some(ProviderKind::Stripe) => "https://api.stripe.com",
        Some(ProviderKind::PayPal) => "https://api-m.sandbox.paypal.com",
        Some(ProviderKind::Adyen) => "https://checkout-test.adyen.com/v72",
        Some(ProviderKind::Square) => "https://connect.squareupsandbox.com",
        Some(ProviderKind::Braintree) => "https://payments.sandbox.braintree-api.com",
        Some(ProviderKind::Mollie) => "https://api.mollie.com",
        // Every store has its own: `base_url` is required.
        Some(ProviderKind::WooCommerce) => "",
        // The playground (test); live: https://api.klarna.com (Europe), https://api-na.klarna.com
        // (North America), https://api-oc.klarna.com (Oceania) — docs.klarna.com API URLs.
        Some(ProviderKind::Klarna) => "https://api.playground.klarna.com",
        // Every site and shop has its own (`https://{site}.chargebee.com`,
        // `https://{shop}.myshopify.com`): `base_url` is required.
        Some(ProviderKind::Chargebee) | Some(ProviderKind::Shopify) => "",
        // The US sandbox with a key id without environment prefix; the region and a
        // `SANDBOX-`/`LIVE-` key id choose another (`amazon_pay_base_url`).
        Some(ProviderKind::AmazonPay) => "https://pay-api.amazon.com/sandbox",
    }
}

/// The environment variables a provider needs (all required when it is configured).
pub fn env_keys(provider: &str) -> &'static [&'static str] {
    match ProviderKind::from_name(provider) {
        None | Some(ProviderKind::Sandbox) => &[],
        Some(ProviderKind::Stripe) => &["PAYDESK_STRIPE_API_KEY"],
        Some(ProviderKind::PayPal) => &["PAYDESK_PAYPAL_CLIENT_ID", "PAYDESK_PAYPAL_CLIENT_SECRET"],
        Some(ProviderKind::Adyen) => &["PAYDESK_ADYEN_API_KEY", "PAYDESK_ADYEN_WEBHOOK_SECRET"],
        Some(ProviderKind::Square) => &["PAYDESK_SQUARE_ACCESS_TOKEN"],
        Some(ProviderKind::Braintree) => &["PAYDESK_BRAINTREE_PUBLIC_KEY", "PAYDESK_BRAINTREE_PRIVATE_KEY"],
        Some(ProviderKind::Mollie) => &["PAYDESK_MOLLIE_API_KEY"],
        Some(ProviderKind::WooCommerce) => &["PAYDESK_WOOCOMMERCE_CONSUMER_KEY", "PAYDESK_WOOCOMMERCE_CONSUMER_SECRET"],
        Some(ProviderKind::Klarna) => &["PAYDESK_KLARNA_USERNAME", "PAYDESK_KLARNA_PASSWORD"],
        Some(ProviderKind::Chargebee) => &["PAYDESK_CHARGEBEE_API_KEY"],
        Some(ProviderKind::Shopify) => &["PAYDESK_SHOPIFY_ACCESS_TOKEN"],
        // The private key's PEM, or PAYDESK_AMAZON_PAY_PRIVATE_KEY_PATH naming its file.
        Some(ProviderKind::AmazonPay) => &["PAYDESK_AMAZON_PAY_PUBLIC_KEY_ID", "PAYDESK_AMAZON_PAY_PRIVATE_KEY"],
    }
}

/// The raw `[providers]` table, checked: known provider names, known keys, no secrets.
pub fn parse(raw: Option<&toml::Value>, source: &str) -> Result<BTreeMap<String, ProviderSettings>> {
    let mut out = BTreeMap::new();
    let Some(raw) = raw else { return Ok(out) };
    let table =
        raw.as_table().ok_or_else(|| anyhow!("{source}: [providers] must be a table of [providers.<name>] tables"))?;
    for (name, v) in table {
        if name == "pending_escalation_hours" {
            continue; // an engine setting (config.rs), not a provider
        }
        if !PROVIDERS.contains(&name.as_str()) {
            bail!("{source}: providers.{name}: unknown provider (known: {})", PROVIDERS.join(", "));
        }
        if let Some(t) = v.as_table() {
            for k in t.keys() {
                let l = k.to_ascii_lowercase();
                if l.contains("secret")
                    || l.contains("api_key")
                    || l.contains("token")
                    || l.contains("private")
                    || l.contains("consumer")
                    || l == "key"
                {
                    bail!(
                        "{source}: providers.{name}.{k}: secrets are read only from the environment ({})",
                        env_keys(name).join(", ")
                    );
                }
            }
        }
        let s: ProviderSettings = v.clone().try_into().map_err(|e| anyhow!("{source}: providers.{name}: {e}"))?;
        if let Some(u) = &s.base_url {
            if !(u.starts_with("https://") || u.starts_with("http://")) {
                bail!("{source}: providers.{name}.base_url: `{u}` is not an http(s) URL");
            }
        }
        if name == "woocommerce" {
            check_woocommerce_url(s.base_url.as_deref(), source)?;
        }
        if name == "chargebee" || name == "shopify" {
            check_site_url(name, s.base_url.as_deref(), source)?;
        }
        if name == "amazon_pay" && amazon_pay::Region::parse(s.region.as_deref().unwrap_or("us")).is_none() {
            bail!("{source}: providers.amazon_pay.region must be us, eu, uk or jp");
        }
        if name == "adyen" && s.merchant_account.as_deref().unwrap_or("").is_empty() {
            bail!("{source}: providers.adyen.merchant_account is required");
        }
        if s.timeout_ms == Some(0) || s.max_attempts == Some(0) {
            bail!("{source}: providers.{name}: timeout_ms and max_attempts must be positive");
        }
        out.insert(name.clone(), s);
    }
    Ok(out)
}

/// WooCommerce: the store's own URL is required, and Basic auth with the consumer key and
/// secret is only for HTTPS ("over HTTPS … you may use HTTP Basic Auth"; over plain HTTP
/// the API requires OAuth 1.0a: developer.woocommerce.com/docs/apis/rest-api/ —
/// Authentication). Plain HTTP is allowed only to this machine (a local test store).
fn check_woocommerce_url(url: Option<&str>, source: &str) -> Result<()> {
    let Some(u) = url.filter(|u| !u.is_empty()) else {
        bail!(
            "{source}: providers.woocommerce.base_url is required (the store's address, e.g. https://shop.example.com)"
        );
    };
    let local = ["http://127.0.0.1", "http://localhost", "http://[::1]"].iter().any(|p| u.starts_with(p));
    if !u.starts_with("https://") && !local {
        bail!("{source}: providers.woocommerce.base_url must be https:// (the consumer key and secret are sent with HTTP Basic auth)");
    }
    Ok(())
}

/// Chargebee and Shopify: the site's or shop's own address is required
/// (`https://{site}.chargebee.com`: apidocs.chargebee.com/docs/api — "API endpoint";
/// `https://{shop}.myshopify.com/admin/api/{version}/graphql.json`: shopify.dev/docs/api/
/// admin-graphql — Endpoints), over HTTPS (the key travels in a header); plain HTTP only
/// to this machine (a local test server).
fn check_site_url(name: &str, url: Option<&str>, source: &str) -> Result<()> {
    let example =
        if name == "chargebee" { "https://your-site.chargebee.com" } else { "https://your-shop.myshopify.com" };
    let Some(u) = url.filter(|u| !u.is_empty()) else {
        bail!("{source}: providers.{name}.base_url is required (e.g. {example})");
    };
    let local = ["http://127.0.0.1", "http://localhost", "http://[::1]"].iter().any(|p| u.starts_with(p));
    if !u.starts_with("https://") && !local {
        bail!("{source}: providers.{name}.base_url must be https:// (the API key is sent with every request)");
    }
    Ok(())
}

/// Amazon Pay's API URL when `base_url` is not set: the region's host, with the
/// `/sandbox` path unless the public key id names its environment (`SANDBOX-…`, `LIVE-…`
/// keys take no environment path — developer.amazon.com/docs/amazon-pay-api-v2/refund.html:
/// "If your publicKeyId has an environment prefix …").
pub fn amazon_pay_base_url(region: amazon_pay::Region, public_key_id: &str) -> String {
    let id = public_key_id.trim().to_ascii_uppercase();
    if id.starts_with("SANDBOX") || id.starts_with("LIVE") {
        region.host().to_string()
    } else {
        format!("{}/sandbox", region.host())
    }
}

/// Providers whose outcomes arrive only by webhook (Adyen: no read API for a refund)
/// need the HTTP listener that serves `/webhooks/<name>`.
pub fn require_listener(
    settings: &BTreeMap<String, ProviderSettings>,
    listen: Option<&str>,
    source: &str,
) -> Result<()> {
    if settings.contains_key("adyen") && listen.is_none() {
        bail!("{source}: providers.adyen needs [http] listen (or PAYDESK_HTTP_LISTEN): Adyen reports refund outcomes only by webhook");
    }
    Ok(())
}

/// What the webhook routes need: verification secrets and, for PayPal and Mollie, the
/// API (PayPal verifies signatures through it; Mollie's webhook carries only an id).
#[derive(Clone, Default)]
pub struct WebhookKeys {
    pub stripe: Option<Secret>,
    /// Adyen's HMAC key (hex).
    pub adyen: Option<Secret>,
    /// Square's signature key and the notification URL as registered.
    pub square: Option<(Secret, String)>,
    /// PayPal's webhook id and its API.
    pub paypal: Option<(String, Arc<Executor>)>,
    pub mollie: Option<Arc<Executor>>,
    /// Braintree's public and private keys (its webhooks are signed with the private key).
    pub braintree: Option<(Secret, Secret)>,
    /// WooCommerce's webhook secret (`X-WC-Webhook-Signature`) and its API (the order
    /// deliveries name refunds; each is read back for our key and its outcome).
    pub woocommerce: Option<(Secret, Arc<Executor>)>,
    /// Chargebee's webhook Basic auth user name and password.
    pub chargebee: Option<(Secret, Secret)>,
    /// Shopify's app client secret (`X-Shopify-Hmac-Sha256`).
    pub shopify: Option<Secret>,
    /// Amazon Pay's instant payment notifications (signed SNS messages) and its API.
    pub amazon_pay: Option<Arc<amazon_pay::Ipns>>,
    pub tolerance_secs: BTreeMap<String, i64>,
}

impl WebhookKeys {
    pub fn tolerance(&self, provider: &str) -> i64 {
        self.tolerance_secs.get(provider).copied().unwrap_or(300)
    }
}

/// The configured real providers.
#[derive(Clone, Default)]
pub struct Providers {
    pub connectors: Vec<Arc<dyn PaymentConnector>>,
    pub webhooks: WebhookKeys,
}

impl Providers {
    /// From the process environment.
    pub fn from_config(cfg: &crate::config::Config, metrics: Option<Arc<Metrics>>) -> Result<Providers> {
        let settings = parse(cfg.providers.as_ref(), &cfg.source)?;
        let listen = crate::adapters::http::HttpConfig::from_toml(cfg.http.as_ref(), &cfg.source)?.listen;
        require_listener(&settings, listen.as_deref(), &cfg.source)?;
        Providers::build(cfg.providers.as_ref(), &cfg.source, &|k| std::env::var(k).ok(), metrics)
    }

    /// The engine's connectors: the sandbox plus every configured provider.
    pub fn connectors(&self, sandbox: Arc<Sandbox>) -> Connectors {
        let mut c = Connectors::default().with(sandbox);
        for p in &self.connectors {
            c = c.with(p.clone());
        }
        c
    }
}
