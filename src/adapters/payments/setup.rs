//! `[providers.<name>]` in bot.toml (non-secret settings) plus `PAYDESK_*` environment
//! variables (every key and secret): the connectors the engine pays through, and the
//! keys the webhook routes verify with. The sandbox is always there.

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
    /// Builds every configured provider; `env` reads a variable (the process
    /// environment in production). A configured provider without its keys is an error
    /// naming the variable.
    pub fn build(
        raw: Option<&toml::Value>,
        source: &str,
        env: &dyn Fn(&str) -> Option<String>,
        metrics: Option<Arc<Metrics>>,
    ) -> Result<Providers> {
        let settings = parse(raw, source)?;
        let mut p = Providers::default();
        let secret = |var: &str| -> Result<Secret> {
            env(var)
                .filter(|v| !v.trim().is_empty())
                .map(Secret::new)
                .ok_or_else(|| anyhow!("{var} is not set (the provider is configured in {source})"))
        };
        let opt_secret = |var: &str| env(var).filter(|v| !v.trim().is_empty()).map(Secret::new);
        for (name, s) in &settings {
            let kind = ProviderKind::from_name(name)
                .filter(|k| *k != ProviderKind::Sandbox)
                .ok_or_else(|| anyhow!("{source}: providers.{name}: unknown provider"))?;
            let name = kind.name();
            let region =
                amazon_pay::Region::parse(s.region.as_deref().unwrap_or("us")).unwrap_or(amazon_pay::Region::Us);
            let base = match (kind, &s.base_url) {
                (_, Some(u)) => u.clone(),
                (ProviderKind::AmazonPay, None) => {
                    amazon_pay_base_url(region, &env("PAYDESK_AMAZON_PAY_PUBLIC_KEY_ID").unwrap_or_default())
                }
                (_, None) => default_base_url(name).to_string(),
            };
            let mut ec = ExecutorConfig::new(&base);
            if let Some(t) = s.timeout_ms {
                ec.timeout = Duration::from_millis(t);
            }
            if let Some(n) = s.max_attempts {
                ec.max_attempts = n;
            }
            if let Some(b) = s.backoff_ms {
                ec.backoff = Duration::from_millis(b);
            }
            if let Some(w) = s.max_wait_ms {
                ec.max_wait = Duration::from_millis(w);
            }
            if let Some(t) = s.webhook_tolerance_secs {
                p.webhooks.tolerance_secs.insert(name.to_string(), t);
            }
            let auth = match kind {
                ProviderKind::Sandbox => bail!("{source}: the sandbox is built in and takes no [providers] table"),
                ProviderKind::Stripe => Auth::Bearer(secret("PAYDESK_STRIPE_API_KEY")?),
                ProviderKind::PayPal => Auth::OAuth2 {
                    token_path: "/v1/oauth2/token".into(),
                    client_id: secret("PAYDESK_PAYPAL_CLIENT_ID")?,
                    client_secret: secret("PAYDESK_PAYPAL_CLIENT_SECRET")?,
                },
                ProviderKind::Adyen => Auth::Header { name: "X-API-Key", key: secret("PAYDESK_ADYEN_API_KEY")? },
                ProviderKind::Square => Auth::Bearer(secret("PAYDESK_SQUARE_ACCESS_TOKEN")?),
                ProviderKind::Braintree => Auth::Basic {
                    user: secret("PAYDESK_BRAINTREE_PUBLIC_KEY")?,
                    pass: secret("PAYDESK_BRAINTREE_PRIVATE_KEY")?,
                },
                ProviderKind::Mollie => Auth::Bearer(secret("PAYDESK_MOLLIE_API_KEY")?),
                // Klarna: HTTP Basic with the API credentials' username and password.
                ProviderKind::Klarna => {
                    Auth::Basic { user: secret("PAYDESK_KLARNA_USERNAME")?, pass: secret("PAYDESK_KLARNA_PASSWORD")? }
                }
                ProviderKind::WooCommerce => Auth::Basic {
                    user: secret("PAYDESK_WOOCOMMERCE_CONSUMER_KEY")?,
                    pass: secret("PAYDESK_WOOCOMMERCE_CONSUMER_SECRET")?,
                },
                // Chargebee: HTTP Basic, the API key as user name, no password (apidocs.chargebee.com/docs/api/auth).
                ProviderKind::Chargebee => {
                    Auth::Basic { user: secret("PAYDESK_CHARGEBEE_API_KEY")?, pass: Secret::new("") }
                }
                ProviderKind::Shopify => {
                    Auth::Header { name: "X-Shopify-Access-Token", key: secret("PAYDESK_SHOPIFY_ACCESS_TOKEN")? }
                }
                // Amazon Pay: every request signed with the merchant's private key
                // (AMZN-PAY-RSASSA-PSS-V2), read from the environment only.
                ProviderKind::AmazonPay => {
                    let id = secret("PAYDESK_AMAZON_PAY_PUBLIC_KEY_ID")?;
                    let pem = match opt_secret("PAYDESK_AMAZON_PAY_PRIVATE_KEY") {
                        Some(k) => k,
                        None => match env("PAYDESK_AMAZON_PAY_PRIVATE_KEY_PATH").filter(|p| !p.trim().is_empty()) {
                            Some(path) => Secret::new(
                                std::fs::read_to_string(path.trim())
                                    .map_err(|e| anyhow!("PAYDESK_AMAZON_PAY_PRIVATE_KEY_PATH: cannot read the key file: {e}"))?,
                            ),
                            None => bail!(
                                "PAYDESK_AMAZON_PAY_PRIVATE_KEY (or PAYDESK_AMAZON_PAY_PRIVATE_KEY_PATH) is not set (the provider is configured in {source})"
                            ),
                        },
                    };
                    let signer = amazon_pay::signing::Signer::from_pem(id.expose(), region.header(), pem.expose())
                        .map_err(|e| anyhow!("{source}: {e}"))?;
                    Auth::Signed(Arc::new(signer))
                }
            };
            let exec = Arc::new(Executor::new(name, ec, auth, metrics.clone())?);
            let c: Arc<dyn PaymentConnector> = match kind {
                ProviderKind::Sandbox => bail!("{source}: the sandbox is built in and takes no [providers] table"),
                ProviderKind::Stripe => {
                    p.webhooks.stripe = opt_secret("PAYDESK_STRIPE_WEBHOOK_SECRET");
                    Arc::new(HttpConnector::new(Stripe, exec))
                }
                ProviderKind::PayPal => {
                    let id = s.webhook_id.clone().or_else(|| env("PAYDESK_PAYPAL_WEBHOOK_ID"));
                    p.webhooks.paypal = id.map(|id| (id, exec.clone()));
                    Arc::new(HttpConnector::new(PayPal, exec))
                }
                ProviderKind::Adyen => {
                    // Adyen's outcomes only arrive by webhook: its HMAC key is required.
                    p.webhooks.adyen = Some(secret("PAYDESK_ADYEN_WEBHOOK_SECRET")?);
                    Arc::new(HttpConnector::new(
                        Adyen { merchant_account: s.merchant_account.clone().unwrap_or_default() },
                        exec,
                    ))
                }
                ProviderKind::Square => {
                    if let Some(key) = opt_secret("PAYDESK_SQUARE_WEBHOOK_SECRET") {
                        let url = s.webhook_url.clone().ok_or_else(|| {
                            anyhow!("{source}: providers.square.webhook_url is required with PAYDESK_SQUARE_WEBHOOK_SECRET (the signature covers it)")
                        })?;
                        p.webhooks.square = Some((key, url));
                    }
                    Arc::new(HttpConnector::new(
                        Square {
                            version: s.version.clone().unwrap_or_else(|| square::DEFAULT_VERSION.into()),
                            location_id: s.location_id.clone(),
                        },
                        exec,
                    ))
                }
                ProviderKind::Braintree => {
                    p.webhooks.braintree =
                        Some((secret("PAYDESK_BRAINTREE_PUBLIC_KEY")?, secret("PAYDESK_BRAINTREE_PRIVATE_KEY")?));
                    Arc::new(HttpConnector::new(
                        Braintree { version: s.version.clone().unwrap_or_else(|| braintree::DEFAULT_VERSION.into()) },
                        exec,
                    ))
                }
                ProviderKind::Mollie => {
                    p.webhooks.mollie = Some(exec.clone());
                    Arc::new(HttpConnector::new(Mollie, exec))
                }
                // Klarna sends no refund notifications: a refund is final when created.
                ProviderKind::Klarna => Arc::new(HttpConnector::new(Klarna, exec)),
                ProviderKind::WooCommerce => {
                    p.webhooks.woocommerce =
                        opt_secret("PAYDESK_WOOCOMMERCE_WEBHOOK_SECRET").map(|k| (k, exec.clone()));
                    Arc::new(HttpConnector::new(WooCommerce, exec))
                }
                ProviderKind::Chargebee => {
                    let user = opt_secret("PAYDESK_CHARGEBEE_WEBHOOK_USERNAME");
                    let pass = opt_secret("PAYDESK_CHARGEBEE_WEBHOOK_PASSWORD");
                    p.webhooks.chargebee = match (user, pass) {
                        (Some(u), Some(pw)) => Some((u, pw)),
                        (None, None) => None,
                        _ => bail!(
                            "PAYDESK_CHARGEBEE_WEBHOOK_USERNAME and PAYDESK_CHARGEBEE_WEBHOOK_PASSWORD are set together (the webhook's Basic auth)"
                        ),
                    };
                    Arc::new(ChargebeeConnector::new(exec))
                }
                ProviderKind::Shopify => {
                    p.webhooks.shopify = opt_secret("PAYDESK_SHOPIFY_WEBHOOK_SECRET");
                    let version = s.version.clone().unwrap_or_else(|| shopify::DEFAULT_VERSION.into());
                    Arc::new(ShopifyConnector::new(exec, &version))
                }
                // IPNs need no secret: each SNS message is verified by its signature.
                ProviderKind::AmazonPay => {
                    p.webhooks.amazon_pay = Some(Arc::new(amazon_pay::Ipns {
                        verifier: amazon_pay::sns::SnsVerifier::new(),
                        topic_arn: s.ipn_topic_arn.clone(),
                        exec: exec.clone(),
                    }));
                    Arc::new(HttpConnector::new(AmazonPay { region }, exec))
                }
            };
            p.connectors.push(c);
        }
        Ok(p)
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    fn env(k: &str) -> Option<String> {
        Some(format!("value-of-{k}"))
    }

    #[test]
    fn parses_and_builds_every_provider() {
        let raw: toml::Value = toml::from_str(
            r#"
            [stripe]
            base_url = "http://127.0.0.1:9/"
            timeout_ms = 500
            [paypal]
            webhook_id = "WH-1"
            [adyen]
            merchant_account = "PaydeskECOM"
            [square]
            version = "2024-06-04"
            webhook_url = "https://bot.example.com/webhooks/square"
            [braintree]
            [mollie]
            [woocommerce]
            base_url = "https://shop.example.com"
            [klarna]
            [chargebee]
            base_url = "https://acme-test.chargebee.com"
            [shopify]
            base_url = "https://acme.myshopify.com"
            "#,
        )
        .unwrap();
        let p = Providers::build(Some(&raw), "t.toml", &env, None).unwrap();
        let names: Vec<&str> = p.connectors.iter().map(|c| c.name()).collect();
        assert_eq!(
            names,
            [
                "adyen",
                "braintree",
                "chargebee",
                "klarna",
                "mollie",
                "paypal",
                "shopify",
                "square",
                "stripe",
                "woocommerce"
            ]
        );
        assert!(p.webhooks.chargebee.is_some() && p.webhooks.shopify.is_some());
        assert!(p.webhooks.stripe.is_some() && p.webhooks.adyen.is_some() && p.webhooks.square.is_some());
        assert_eq!(p.webhooks.paypal.as_ref().unwrap().0, "WH-1");
    }

    #[test]
    fn refuses_secrets_unknown_names_and_missing_env() {
        let t = |s: &str| toml::from_str::<toml::Value>(s).unwrap();
        let e = parse(Some(&t("[stripe]\napi_key = \"sk_live_x\"")), "b.toml").unwrap_err().to_string();
        assert!(e.contains("only from the environment") && !e.contains("sk_live_x"), "{e}");
        assert!(parse(Some(&t("[strype]")), "b.toml").unwrap_err().to_string().contains("unknown provider"));
        assert!(parse(Some(&t("[adyen]")), "b.toml").unwrap_err().to_string().contains("merchant_account"));
        assert!(parse(Some(&t("[stripe]\ncolour = 1")), "b.toml").is_err());
        let none = |_: &str| None;
        let e = Providers::build(Some(&t("[paypal]")), "b.toml", &none, None).err().unwrap().to_string();
        assert!(e.contains("PAYDESK_PAYPAL_CLIENT_ID"), "{e}");
        let e = Providers::build(Some(&t("[klarna]")), "b.toml", &none, None).err().unwrap().to_string();
        assert!(e.contains("PAYDESK_KLARNA_USERNAME"), "{e}");
        let no_password = |k: &str| (k != "PAYDESK_KLARNA_PASSWORD").then(|| format!("value-of-{k}"));
        let e = Providers::build(Some(&t("[klarna]")), "b.toml", &no_password, None).err().unwrap().to_string();
        assert!(e.contains("PAYDESK_KLARNA_PASSWORD"), "{e}");
        assert!(parse(Some(&t("[klarna]\npassword = \"x\"")), "b.toml").is_err());
    }

    #[test]
    fn woocommerce_needs_its_store_over_https_and_both_keys() {
        let t = |s: &str| toml::from_str::<toml::Value>(s).unwrap();
        assert!(parse(Some(&t("[woocommerce]")), "b.toml").unwrap_err().to_string().contains("base_url is required"));
        let e =
            parse(Some(&t("[woocommerce]\nbase_url = \"http://shop.example.com\"")), "b.toml").unwrap_err().to_string();
        assert!(e.contains("https"), "{e}");
        assert!(parse(Some(&t("[woocommerce]\nbase_url = \"http://127.0.0.1:8080\"")), "b.toml").is_ok());
        let e = parse(Some(&t("[woocommerce]\nbase_url = \"https://s\"\nconsumer_key = \"ck_live\"")), "b.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("only from the environment") && !e.contains("ck_live"), "{e}");
        let raw = t("[woocommerce]\nbase_url = \"https://shop.example.com\"");
        let no_secret = |k: &str| (k != "PAYDESK_WOOCOMMERCE_CONSUMER_SECRET").then(|| format!("value-of-{k}"));
        let e = Providers::build(Some(&raw), "b.toml", &no_secret, None).err().unwrap().to_string();
        assert!(e.contains("PAYDESK_WOOCOMMERCE_CONSUMER_SECRET"), "{e}");
        let none = |_: &str| None;
        let e = Providers::build(Some(&raw), "b.toml", &none, None).err().unwrap().to_string();
        assert!(e.contains("PAYDESK_WOOCOMMERCE_CONSUMER_KEY"), "{e}");
        let p = Providers::build(Some(&raw), "b.toml", &env, None).unwrap();
        assert!(p.webhooks.woocommerce.is_some());
    }

    #[test]
    fn chargebee_and_shopify_need_their_site_and_keys() {
        let t = |s: &str| toml::from_str::<toml::Value>(s).unwrap();
        for name in ["chargebee", "shopify"] {
            assert!(parse(Some(&t(&format!("[{name}]"))), "b.toml")
                .unwrap_err()
                .to_string()
                .contains("base_url is required"));
            let e = parse(Some(&t(&format!("[{name}]\nbase_url = \"http://x.example.com\""))), "b.toml")
                .unwrap_err()
                .to_string();
            assert!(e.contains("https"), "{e}");
        }
        let none = |_: &str| None;
        let raw = t("[chargebee]\nbase_url = \"https://acme-test.chargebee.com\"");
        let e = Providers::build(Some(&raw), "b.toml", &none, None).err().unwrap().to_string();
        assert!(e.contains("PAYDESK_CHARGEBEE_API_KEY"), "{e}");
        let half = |k: &str| (k != "PAYDESK_CHARGEBEE_WEBHOOK_PASSWORD").then(|| format!("value-of-{k}"));
        let e = Providers::build(Some(&raw), "b.toml", &half, None).err().unwrap().to_string();
        assert!(e.contains("PAYDESK_CHARGEBEE_WEBHOOK_PASSWORD"), "{e}");
        let raw = t("[shopify]\nbase_url = \"https://acme.myshopify.com\"");
        let e = Providers::build(Some(&raw), "b.toml", &none, None).err().unwrap().to_string();
        assert!(e.contains("PAYDESK_SHOPIFY_ACCESS_TOKEN"), "{e}");
        assert!(parse(
            Some(&t("[shopify]\nbase_url = \"https://a.myshopify.com\"\naccess_token = \"shpat_x\"")),
            "b.toml"
        )
        .is_err());
    }

    #[test]
    fn amazon_pay_needs_its_key_id_and_private_key_and_a_known_region() {
        let t = |s: &str| toml::from_str::<toml::Value>(s).unwrap();
        let none = |_: &str| None;
        let e = Providers::build(Some(&t("[amazon_pay]")), "b.toml", &none, None).err().unwrap().to_string();
        assert!(e.contains("PAYDESK_AMAZON_PAY_PUBLIC_KEY_ID"), "{e}");
        let no_key =
            |k: &str| (k == "PAYDESK_AMAZON_PAY_PUBLIC_KEY_ID").then(|| "AFVX7ULWSGBZ5535PCUQOY7B".to_string());
        let e = Providers::build(Some(&t("[amazon_pay]")), "b.toml", &no_key, None).err().unwrap().to_string();
        assert!(e.contains("PAYDESK_AMAZON_PAY_PRIVATE_KEY") && e.contains("_PATH"), "{e}");
        // Not a key: refused without quoting it.
        let bad_pem = |k: &str| {
            Some(if k == "PAYDESK_AMAZON_PAY_PRIVATE_KEY" {
                "not-a-pem-secret-123".to_string()
            } else {
                "ID".to_string()
            })
        };
        let e = Providers::build(Some(&t("[amazon_pay]")), "b.toml", &bad_pem, None).err().unwrap().to_string();
        assert!(e.contains("not an RSA private key") && !e.contains("not-a-pem-secret-123"), "{e}");
        assert!(parse(Some(&t("[amazon_pay]\nregion = \"mars\"")), "b.toml")
            .unwrap_err()
            .to_string()
            .contains("us, eu, uk or jp"));
        assert!(parse(Some(&t("[amazon_pay]\nprivate_key = \"x\"")), "b.toml")
            .unwrap_err()
            .to_string()
            .contains("only from the environment"));
        assert_eq!(amazon_pay_base_url(amazon_pay::Region::Eu, "AFVX7"), "https://pay-api.amazon.eu/sandbox");
        assert_eq!(amazon_pay_base_url(amazon_pay::Region::Us, "LIVE-AFVX7"), "https://pay-api.amazon.com");
    }

    #[test]
    fn adyen_needs_its_hmac_key_and_a_listener() {
        // Adyen's outcomes only arrive by webhook: without the HMAC key or the HTTP
        // listener a refund could never finish.
        let t = |s: &str| toml::from_str::<toml::Value>(s).unwrap();
        let raw = t("[adyen]\nmerchant_account = \"M\"");
        let no_hmac = |k: &str| (k != "PAYDESK_ADYEN_WEBHOOK_SECRET").then(|| format!("value-of-{k}"));
        let e = Providers::build(Some(&raw), "b.toml", &no_hmac, None).err().unwrap().to_string();
        assert!(e.contains("PAYDESK_ADYEN_WEBHOOK_SECRET"), "{e}");
        let settings = parse(Some(&raw), "b.toml").unwrap();
        let e = require_listener(&settings, None, "b.toml").unwrap_err().to_string();
        assert!(e.contains("[http] listen") && e.contains("adyen"), "{e}");
        assert!(require_listener(&settings, Some("127.0.0.1:8080"), "b.toml").is_ok());
        assert!(require_listener(&parse(Some(&t("[stripe]")), "b.toml").unwrap(), None, "b.toml").is_ok());
    }

    #[test]
    fn the_example_config_providers_parse() {
        // bot.toml.example documents every provider, commented out; uncommented they must parse.
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/bot.toml.example")).unwrap();
        let mut section = String::new();
        let mut on = false;
        for line in text.lines() {
            let l = line.trim_start_matches('#').trim_start();
            if l.starts_with("[providers.") && !l.starts_with("[providers.<") {
                on = true;
            } else if l.starts_with('[') {
                on = false;
            }
            if on && line.starts_with('#') && (l.starts_with('[') || l.contains(" = ")) {
                section.push_str(l.strip_prefix("providers.").unwrap_or(l));
                section.push('\n');
            }
        }
        let section = section.replace("[providers.", "[");
        let raw: toml::Value = toml::from_str(&section).unwrap_or_else(|e| panic!("{e}\n{section}"));
        let parsed = parse(Some(&raw), "bot.toml.example").unwrap();
        assert_eq!(parsed.len(), PROVIDERS.len(), "{section}");
    }
}
