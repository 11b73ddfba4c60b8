//! `[providers.*]` settings and the environment → each provider's executor (base URL,
//! timeouts, authentication), its connector and its webhook keys.

use super::*;

/// Reads a provider's keys and secrets from the environment, naming the file that
/// configured it when one is missing.
struct EnvKeys<'a> {
    env: &'a dyn Fn(&str) -> Option<String>,
    source: &'a str,
}

impl EnvKeys<'_> {
    /// A variable as set (possibly blank).
    fn var(&self, var: &str) -> Option<String> {
        (self.env)(var)
    }

    /// A required secret: set and not blank.
    fn secret(&self, var: &str) -> Result<Secret> {
        self.opt_secret(var).ok_or_else(|| anyhow!("{var} is not set (the provider is configured in {})", self.source))
    }

    /// An optional secret: `None` when unset or blank.
    fn opt_secret(&self, var: &str) -> Option<Secret> {
        (self.env)(var).filter(|v| !v.trim().is_empty()).map(Secret::new)
    }
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
        let keys = EnvKeys { env, source };
        for (name, s) in &settings {
            let kind = ProviderKind::from_name(name)
                .filter(|k| *k != ProviderKind::Sandbox)
                .ok_or_else(|| anyhow!("{source}: providers.{name}: unknown provider"))?;
            let name = kind.name();
            let region =
                amazon_pay::Region::parse(s.region.as_deref().unwrap_or("us")).unwrap_or(amazon_pay::Region::Us);
            let ec = executor_config(kind, s, region, &keys);
            if let Some(t) = s.webhook_tolerance_secs {
                p.webhooks.tolerance_secs.insert(name.to_string(), t);
            }
            let auth = auth(kind, region, &keys)?;
            let exec = Arc::new(Executor::new(name, ec, auth, metrics.clone())?);
            webhook_keys(kind, s, &exec, &keys, &mut p.webhooks)?;
            p.connectors.push(connector(kind, s, region, exec, source)?);
        }
        Ok(p)
    }
}

/// The executor's base URL (`base_url`, else the provider's default; Amazon Pay's follows
/// the region and the key id) and its timeouts and retries.
fn executor_config(
    kind: ProviderKind,
    s: &ProviderSettings,
    region: amazon_pay::Region,
    keys: &EnvKeys<'_>,
) -> ExecutorConfig {
    let base = match (kind, &s.base_url) {
        (_, Some(u)) => u.clone(),
        (ProviderKind::AmazonPay, None) => {
            amazon_pay_base_url(region, &keys.var("PAYDESK_AMAZON_PAY_PUBLIC_KEY_ID").unwrap_or_default())
        }
        (_, None) => default_base_url(kind.name()).to_string(),
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
    ec
}

/// How the provider's API authenticates requests, with its keys from the environment.
fn auth(kind: ProviderKind, region: amazon_pay::Region, keys: &EnvKeys<'_>) -> Result<Auth> {
    let source = keys.source;
    Ok(match kind {
        ProviderKind::Sandbox => bail!("{source}: the sandbox is built in and takes no [providers] table"),
        ProviderKind::Stripe => Auth::Bearer(keys.secret("PAYDESK_STRIPE_API_KEY")?),
        ProviderKind::PayPal => Auth::OAuth2 {
            token_path: "/v1/oauth2/token".into(),
            client_id: keys.secret("PAYDESK_PAYPAL_CLIENT_ID")?,
            client_secret: keys.secret("PAYDESK_PAYPAL_CLIENT_SECRET")?,
        },
        ProviderKind::Adyen => Auth::Header { name: "X-API-Key", key: keys.secret("PAYDESK_ADYEN_API_KEY")? },
        ProviderKind::Square => Auth::Bearer(keys.secret("PAYDESK_SQUARE_ACCESS_TOKEN")?),
        ProviderKind::Braintree => Auth::Basic {
            user: keys.secret("PAYDESK_BRAINTREE_PUBLIC_KEY")?,
            pass: keys.secret("PAYDESK_BRAINTREE_PRIVATE_KEY")?,
        },
        ProviderKind::Mollie => Auth::Bearer(keys.secret("PAYDESK_MOLLIE_API_KEY")?),
        // Klarna: HTTP Basic with the API credentials' username and password.
        ProviderKind::Klarna => {
            Auth::Basic { user: keys.secret("PAYDESK_KLARNA_USERNAME")?, pass: keys.secret("PAYDESK_KLARNA_PASSWORD")? }
        }
        ProviderKind::WooCommerce => Auth::Basic {
            user: keys.secret("PAYDESK_WOOCOMMERCE_CONSUMER_KEY")?,
            pass: keys.secret("PAYDESK_WOOCOMMERCE_CONSUMER_SECRET")?,
        },
        // Chargebee: HTTP Basic, the API key as user name, no password (apidocs.chargebee.com/docs/api/auth).
        ProviderKind::Chargebee => {
            Auth::Basic { user: keys.secret("PAYDESK_CHARGEBEE_API_KEY")?, pass: Secret::new("") }
        }
        ProviderKind::Shopify => {
            Auth::Header { name: "X-Shopify-Access-Token", key: keys.secret("PAYDESK_SHOPIFY_ACCESS_TOKEN")? }
        }
        ProviderKind::AmazonPay => amazon_pay_auth(region, keys)?,
    })
}

/// Amazon Pay: every request signed with the merchant's private key
/// (AMZN-PAY-RSASSA-PSS-V2), read from the environment only.
fn amazon_pay_auth(region: amazon_pay::Region, keys: &EnvKeys<'_>) -> Result<Auth> {
    let source = keys.source;
    let id = keys.secret("PAYDESK_AMAZON_PAY_PUBLIC_KEY_ID")?;
    let pem = match keys.opt_secret("PAYDESK_AMAZON_PAY_PRIVATE_KEY") {
        Some(k) => k,
        None => match keys.var("PAYDESK_AMAZON_PAY_PRIVATE_KEY_PATH").filter(|p| !p.trim().is_empty()) {
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
    Ok(Auth::Signed(Arc::new(signer)))
}

/// What the provider's webhook route verifies with (and, where a delivery is read back,
/// the API it reads through), into `webhooks`.
fn webhook_keys(
    kind: ProviderKind,
    s: &ProviderSettings,
    exec: &Arc<Executor>,
    keys: &EnvKeys<'_>,
    webhooks: &mut WebhookKeys,
) -> Result<()> {
    let source = keys.source;
    match kind {
        ProviderKind::Sandbox => bail!("{source}: the sandbox is built in and takes no [providers] table"),
        ProviderKind::Stripe => webhooks.stripe = keys.opt_secret("PAYDESK_STRIPE_WEBHOOK_SECRET"),
        ProviderKind::PayPal => {
            let id = s.webhook_id.clone().or_else(|| keys.var("PAYDESK_PAYPAL_WEBHOOK_ID"));
            webhooks.paypal = id.map(|id| (id, exec.clone()));
        }
        // Adyen's outcomes only arrive by webhook: its HMAC key is required.
        ProviderKind::Adyen => webhooks.adyen = Some(keys.secret("PAYDESK_ADYEN_WEBHOOK_SECRET")?),
        ProviderKind::Square => {
            if let Some(key) = keys.opt_secret("PAYDESK_SQUARE_WEBHOOK_SECRET") {
                let url = s.webhook_url.clone().ok_or_else(|| {
                    anyhow!("{source}: providers.square.webhook_url is required with PAYDESK_SQUARE_WEBHOOK_SECRET (the signature covers it)")
                })?;
                webhooks.square = Some((key, url));
            }
        }
        ProviderKind::Braintree => {
            webhooks.braintree =
                Some((keys.secret("PAYDESK_BRAINTREE_PUBLIC_KEY")?, keys.secret("PAYDESK_BRAINTREE_PRIVATE_KEY")?));
        }
        ProviderKind::Mollie => webhooks.mollie = Some(exec.clone()),
        // Klarna sends no refund notifications: a refund is final when created.
        ProviderKind::Klarna => {}
        ProviderKind::WooCommerce => {
            webhooks.woocommerce = keys.opt_secret("PAYDESK_WOOCOMMERCE_WEBHOOK_SECRET").map(|k| (k, exec.clone()));
        }
        ProviderKind::Chargebee => {
            let user = keys.opt_secret("PAYDESK_CHARGEBEE_WEBHOOK_USERNAME");
            let pass = keys.opt_secret("PAYDESK_CHARGEBEE_WEBHOOK_PASSWORD");
            webhooks.chargebee = match (user, pass) {
                (Some(u), Some(pw)) => Some((u, pw)),
                (None, None) => None,
                _ => bail!(
                    "PAYDESK_CHARGEBEE_WEBHOOK_USERNAME and PAYDESK_CHARGEBEE_WEBHOOK_PASSWORD are set together (the webhook's Basic auth)"
                ),
            };
        }
        ProviderKind::Shopify => webhooks.shopify = keys.opt_secret("PAYDESK_SHOPIFY_WEBHOOK_SECRET"),
        // IPNs need no secret: each SNS message is verified by its signature.
        ProviderKind::AmazonPay => {
            webhooks.amazon_pay = Some(Arc::new(amazon_pay::Ipns {
                verifier: amazon_pay::sns::SnsVerifier::new(),
                topic_arn: s.ipn_topic_arn.clone(),
                exec: exec.clone(),
            }));
        }
    }
    Ok(())
}

/// The provider's connector over its executor.
fn connector(
    kind: ProviderKind,
    s: &ProviderSettings,
    region: amazon_pay::Region,
    exec: Arc<Executor>,
    source: &str,
) -> Result<Arc<dyn PaymentConnector>> {
    Ok(match kind {
        ProviderKind::Sandbox => bail!("{source}: the sandbox is built in and takes no [providers] table"),
        ProviderKind::Stripe => Arc::new(HttpConnector::new(Stripe, exec)),
        ProviderKind::PayPal => Arc::new(HttpConnector::new(PayPal, exec)),
        ProviderKind::Adyen => Arc::new(HttpConnector::new(
            Adyen { merchant_account: s.merchant_account.clone().unwrap_or_default() },
            exec,
        )),
        ProviderKind::Square => Arc::new(HttpConnector::new(
            Square {
                version: s.version.clone().unwrap_or_else(|| square::DEFAULT_VERSION.into()),
                location_id: s.location_id.clone(),
            },
            exec,
        )),
        ProviderKind::Braintree => Arc::new(HttpConnector::new(
            Braintree { version: s.version.clone().unwrap_or_else(|| braintree::DEFAULT_VERSION.into()) },
            exec,
        )),
        ProviderKind::Mollie => Arc::new(HttpConnector::new(Mollie, exec)),
        ProviderKind::Klarna => Arc::new(HttpConnector::new(Klarna, exec)),
        ProviderKind::WooCommerce => Arc::new(HttpConnector::new(WooCommerce, exec)),
        ProviderKind::Chargebee => Arc::new(ChargebeeConnector::new(exec)),
        ProviderKind::Shopify => {
            let version = s.version.clone().unwrap_or_else(|| shopify::DEFAULT_VERSION.into());
            Arc::new(ShopifyConnector::new(exec, &version))
        }
        ProviderKind::AmazonPay => Arc::new(HttpConnector::new(AmazonPay { region }, exec)),
    })
}
