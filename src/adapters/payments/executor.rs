//! The one place that talks HTTP to payment providers: per-call timeout, short bounded
//! retries of transient failures with exponential backoff and jitter (honouring
//! `Retry-After`), authentication (including PayPal's OAuth2 client-credentials token,
//! cached until it expires), latency metrics, and secret masking: credentials live in
//! `Secret`s, are added to the request here and nowhere else, and are never logged, put
//! in errors or in tracing spans (only method, path and status are).
//!
//! `HttpConnector<P>` is the `PaymentConnector` port for any pure `ProviderApi`. The
//! engine's runner keeps the long retry schedule; the executor only smooths over blips
//! inside one attempt.

use super::api::{ApiRequest, ApiResponse, Body, Method, ProviderApi};
use crate::app::metrics::Metrics;
use crate::app::ports::{
    CheckoutLink, ConnectorError, PaymentConnector, ProviderRefund, PurchaseCall, PurchaseState, RefundCall,
};
use crate::config::Secret;
use anyhow::Context as _;
use async_trait::async_trait;
use base64::Engine as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;

/// How the executor authenticates to a provider.
#[derive(Debug, Clone)]
pub enum Auth {
    /// `Authorization: Bearer …` (Stripe, Square, Mollie).
    Bearer(Secret),
    /// `Authorization: Basic base64(user:pass)` (Braintree public:private key).
    Basic { user: Secret, pass: Secret },
    /// A key in its own header (Adyen `X-API-Key`).
    Header { name: &'static str, key: Secret },
    /// OAuth2 client credentials (PayPal): `POST token_path` with Basic client:secret
    /// and `grant_type=client_credentials`; the token is cached until it expires.
    OAuth2 { token_path: String, client_id: Secret, client_secret: Secret },
    /// Every request signed over its method, URL, headers and body (Amazon Pay's
    /// AMZN-PAY-RSASSA-PSS-V2): the signer adds its headers, `authorization` among them.
    Signed(Arc<dyn RequestSigner>),
}

/// Signs one request: given the method, the full URL, the headers it carries and its
/// body, the headers to add. Holds its own key; never prints it.
pub trait RequestSigner: Send + Sync + std::fmt::Debug {
    fn sign_request(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        payload: &[u8],
    ) -> Result<Vec<(String, String)>, SignError>;
}

/// Why a request could not be signed.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("the request URL is not valid")]
    BadUrl(#[source] Box<dyn std::error::Error + Send + Sync>),
}

#[derive(Debug, Clone)]
pub struct ExecutorConfig {
    /// Scheme, host and any path prefix, without a trailing `/`.
    pub base_url: String,
    /// Per HTTP exchange.
    pub timeout: Duration,
    /// Exchanges per operation (1 = no retry).
    pub max_attempts: u32,
    /// First backoff; doubles each retry, with jitter.
    pub backoff: Duration,
    /// The longest wait between two tries (a longer `Retry-After` ends the attempt:
    /// the engine's schedule takes over).
    pub max_wait: Duration,
}

impl ExecutorConfig {
    pub fn new(base_url: &str) -> ExecutorConfig {
        ExecutorConfig {
            base_url: base_url.trim_end_matches('/').to_string(),
            timeout: Duration::from_secs(15),
            max_attempts: 3,
            backoff: Duration::from_millis(250),
            max_wait: Duration::from_secs(5),
        }
    }
}

pub struct Executor {
    provider: &'static str,
    client: reqwest::Client,
    cfg: ExecutorConfig,
    auth: Auth,
    token: tokio::sync::Mutex<Option<(Secret, Instant)>>,
    metrics: Option<Arc<Metrics>>,
    seed: AtomicU64,
}

impl std::fmt::Debug for Executor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Executor")
            .field("provider", &self.provider)
            .field("base_url", &self.cfg.base_url)
            .field("auth", &self.auth)
            .finish()
    }
}

impl Executor {
    pub fn new(
        provider: &'static str,
        cfg: ExecutorConfig,
        auth: Auth,
        metrics: Option<Arc<Metrics>>,
    ) -> anyhow::Result<Executor> {
        let client = reqwest::Client::builder()
            .connect_timeout(cfg.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("paydesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .with_context(|| format!("{provider}: cannot build the HTTP client"))?;
        let seed = AtomicU64::new(u64::from(std::process::id()) ^ 0x9E37_79B9_7F4A_7C15);
        Ok(Executor { provider, client, cfg, auth, token: tokio::sync::Mutex::new(None), metrics, seed })
    }

    pub fn provider(&self) -> &'static str {
        self.provider
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.cfg.base_url)
    }

    /// A jittered exponential backoff for retry number `n` (0-based): base·2ⁿ·[0.5, 1.5).
    fn backoff(&self, n: u32) -> Duration {
        let mut x = self.seed.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
            ^ (Instant::now().elapsed().as_nanos() as u64);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let frac = 0.5 + (x % 1000) as f64 / 1000.0;
        let base = self.cfg.backoff.as_secs_f64() * f64::from(2u32.saturating_pow(n.min(16)));
        Duration::from_secs_f64(base * frac).min(self.cfg.max_wait)
    }

    async fn bearer_token(&self, force: bool) -> Result<Option<String>, ConnectorError> {
        let Auth::OAuth2 { token_path, client_id, client_secret } = &self.auth else { return Ok(None) };
        let mut cached = self.token.lock().await;
        if !force {
            if let Some((t, until)) = cached.as_ref() {
                if Instant::now() < *until {
                    return Ok(Some(t.expose().to_string()));
                }
            }
        }
        let started = Instant::now();
        let basic = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            client_id.expose(),
            client_secret.expose()
        ));
        let sent = self
            .client
            .post(self.url(token_path))
            .timeout(self.cfg.timeout)
            .header("Authorization", format!("Basic {basic}"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .body("grant_type=client_credentials")
            .send()
            .await;
        self.observe(started);
        let resp = sent.map_err(|e| self.net_error(&e, false))?;
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        if !(200..300).contains(&status) {
            tracing::warn!(provider = self.provider, status, "oauth2 token request refused");
            return Err(if status == 429 || status >= 500 {
                ConnectorError::Transient(format!("{}: the token endpoint answered {status}", self.provider))
            } else {
                ConnectorError::Permanent(format!("{}: the client credentials were refused ({status})", self.provider))
            });
        }
        let v: serde_json::Value = serde_json::from_str(&text)
            .map_err(|_| ConnectorError::Transient(format!("{}: the token answer is not JSON", self.provider)))?;
        let token = v.get("access_token").and_then(|t| t.as_str()).unwrap_or("").to_string();
        if token.is_empty() {
            return Err(ConnectorError::Transient(format!("{}: the token answer has no access_token", self.provider)));
        }
        let secs = v.get("expires_in").and_then(|t| t.as_u64()).unwrap_or(300);
        // Renew a minute early so a token never expires in flight.
        let until = Instant::now() + Duration::from_secs(secs.saturating_sub(60).max(1));
        *cached = Some((Secret::new(token.clone()), until));
        Ok(Some(token))
    }

    fn observe(&self, started: Instant) {
        if let Some(m) = &self.metrics {
            m.provider_call(self.provider, started.elapsed());
        }
    }

    fn net_error(&self, e: &reqwest::Error, creates: bool) -> ConnectorError {
        let e2 = format!("{}", DisplayNoUrl(e));
        if e.is_connect() {
            // Nothing reached the provider.
            ConnectorError::Transient(format!("{}: cannot connect: {e2}", self.provider))
        } else if e.is_timeout() {
            ConnectorError::Ambiguous(format!("{}: no answer within {:?}", self.provider, self.cfg.timeout))
        } else if creates {
            ConnectorError::Ambiguous(format!(
                "{}: the connection failed after the request was sent: {e2}",
                self.provider
            ))
        } else {
            ConnectorError::Transient(format!("{}: the connection failed: {e2}", self.provider))
        }
    }

    /// One HTTP exchange: no retry. Network failures are classed here; the answer,
    /// whatever its status, is returned for the provider module to read.
    pub async fn send(&self, req: &ApiRequest) -> Result<ApiResponse, ConnectorError> {
        let bearer = self.bearer_token(false).await?;
        let resp = self.send_with(req, bearer.as_deref()).await?;
        if resp.status == 401 && bearer.is_some() {
            // The cached token may have been revoked early: fetch a new one, once.
            let fresh = self.bearer_token(true).await?;
            return self.send_with(req, fresh.as_deref()).await;
        }
        Ok(resp)
    }

    async fn send_with(&self, req: &ApiRequest, bearer: Option<&str>) -> Result<ApiResponse, ConnectorError> {
        let mut b = match req.method {
            Method::Get => self.client.get(self.url(&req.path)),
            Method::Post => self.client.post(self.url(&req.path)),
        }
        .timeout(self.cfg.timeout)
        .header("Accept", "application/json");
        b = match (&self.auth, bearer) {
            (_, Some(t)) => b.header("Authorization", format!("Bearer {t}")),
            (Auth::Bearer(k), None) => b.header("Authorization", format!("Bearer {}", k.expose())),
            (Auth::Basic { user, pass }, None) => {
                let enc =
                    base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", user.expose(), pass.expose()));
                b.header("Authorization", format!("Basic {enc}"))
            }
            (Auth::Header { name, key }, None) => b.header(*name, key.expose()),
            (Auth::OAuth2 { .. } | Auth::Signed(_), None) => b,
        };
        for (k, v) in &req.headers {
            b = b.header(k.as_str(), v.as_str());
        }
        if let Some(body) = &req.body {
            b = b.header("Content-Type", body.content_type()).body(body.to_bytes());
        }
        if let Auth::Signed(signer) = &self.auth {
            // The headers sent, as signed: Accept, the request's own, Content-Type.
            let mut sent = vec![("accept".to_string(), "application/json".to_string())];
            sent.extend(req.headers.iter().cloned());
            let payload = req.body.as_ref().map(Body::to_bytes).unwrap_or_default();
            if let Some(body) = &req.body {
                sent.push(("content-type".to_string(), body.content_type().to_string()));
            }
            let added = signer
                .sign_request(req.method.as_str(), &self.url(&req.path), &sent, &payload)
                .map_err(|e| ConnectorError::Permanent(format!("{}: cannot sign the request: {e}", self.provider)))?;
            for (k, v) in added {
                b = b.header(k, v);
            }
        }
        let started = Instant::now();
        let span = tracing::debug_span!("provider_http", provider = self.provider, method = req.method.as_str(), path = %redact_path(&req.path));
        let result = async {
            let resp = b.send().await.map_err(|e| self.net_error(&e, req.creates))?;
            let status = resp.status().as_u16();
            let headers = resp
                .headers()
                .iter()
                .filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str().to_ascii_lowercase(), v.to_string())))
                .collect();
            let body = resp.text().await.map_err(|e| self.net_error(&e, req.creates))?;
            tracing::debug!(status, elapsed_ms = started.elapsed().as_millis() as u64, "provider answered");
            Ok(ApiResponse { status, headers, body })
        }
        .instrument(span)
        .await;
        self.observe(started);
        result
    }

    /// Sends `req` and reads the answer with `parse`, retrying transient failures
    /// (same request, same idempotency key) with backoff and jitter, at most
    /// `max_attempts` exchanges, honouring `Retry-After` up to `max_wait`.
    pub async fn run<T>(
        &self,
        req: &ApiRequest,
        parse: impl Fn(&ApiResponse) -> Result<T, ConnectorError>,
    ) -> Result<T, ConnectorError> {
        let mut n = 0;
        loop {
            n += 1;
            let (result, retry_after) = match self.send(req).await {
                Ok(resp) => (parse(&resp), retry_after(&resp)),
                Err(e) => (Err(e), None),
            };
            match result {
                Err(ConnectorError::Transient(why)) if n < self.cfg.max_attempts => {
                    let wait = match retry_after {
                        Some(s) if Duration::from_secs(s) > self.cfg.max_wait => {
                            return Err(ConnectorError::Transient(format!("{why} (retry after {s}s)")));
                        }
                        Some(s) => Duration::from_secs(s),
                        None => self.backoff(n - 1),
                    };
                    tracing::info!(provider = self.provider, attempt = n, wait_ms = wait.as_millis() as u64, reason = %why, "transient provider failure, retrying");
                    tokio::time::sleep(wait).await;
                }
                other => return other,
            }
        }
    }
}

/// `Retry-After`, or WooCommerce's `RateLimit-Retry-After` (seconds; its Store API rate
/// limiting sends `RateLimit-Limit`, `-Remaining`, `-Reset` and `-Retry-After`:
/// developer.woocommerce.com/docs/apis/store-api/rate-limiting), or the wait a Shopify
/// `THROTTLED` answer's query cost implies (`shopify::throttle_wait`).
pub fn retry_after(resp: &ApiResponse) -> Option<u64> {
    resp.retry_after_secs()
        .or_else(|| resp.header("ratelimit-retry-after").and_then(|v| v.trim().parse::<u64>().ok()))
        .or_else(|| super::shopify::throttle_wait(resp))
}

/// A reqwest error without its URL (which could carry query values).
struct DisplayNoUrl<'a>(&'a reqwest::Error);

impl std::fmt::Display for DisplayNoUrl<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::error::Error as _;
        let mut msg = if self.0.is_timeout() {
            "timed out".to_string()
        } else if self.0.is_connect() {
            "connection refused or unreachable".to_string()
        } else if self.0.is_body() || self.0.is_decode() {
            "the answer was cut off".to_string()
        } else {
            "request failed".to_string()
        };
        if let Some(src) = self.0.source() {
            let s = src.to_string();
            if !s.contains("http") {
                msg.push_str(&format!(" ({s})"));
            }
        }
        f.write_str(&msg)
    }
}

/// The path for logs: the query (which may hold ids and filters) is dropped.
pub fn redact_path(path: &str) -> &str {
    path.split('?').next().unwrap_or(path)
}

/// A request as it may be logged: method, path without query, header names with
/// credential-bearing values masked, the body size.
pub fn loggable(req: &ApiRequest) -> String {
    let headers: Vec<String> = req
        .headers
        .iter()
        .map(|(k, v)| {
            let l = k.to_ascii_lowercase();
            if l == "authorization"
                || l.contains("key")
                || l.contains("secret")
                || l.contains("token")
                || l.contains("signature")
            {
                format!("{k}: ***")
            } else {
                format!("{k}: {v}")
            }
        })
        .collect();
    let size = req.body.as_ref().map(Body::to_bytes).map(|b| b.len()).unwrap_or(0);
    format!("{} {} [{}] body {size} bytes", req.method.as_str(), redact_path(&req.path), headers.join(", "))
}

/// The `PaymentConnector` of a provider module, through the executor.
pub struct HttpConnector<P: ProviderApi> {
    api: P,
    exec: Arc<Executor>,
}

impl<P: ProviderApi> HttpConnector<P> {
    pub fn new(api: P, exec: Arc<Executor>) -> HttpConnector<P> {
        HttpConnector { api, exec }
    }

    pub fn executor(&self) -> &Arc<Executor> {
        &self.exec
    }

    pub fn api(&self) -> &P {
        &self.api
    }
}

#[async_trait]
impl<P: ProviderApi> PaymentConnector for HttpConnector<P> {
    fn name(&self) -> &str {
        self.api.name()
    }

    async fn refund(&self, call: &RefundCall) -> Result<ProviderRefund, ConnectorError> {
        let req = self.api.refund_request(call)?;
        tracing::info!(provider = self.api.name(), request = %loggable(&req), refund = call.refund.0, "refund call");
        self.exec.run(&req, |resp| self.api.parse_refund(call, resp)).await
    }

    fn fresh_key(&self, key: &str, last_error: &str) -> Option<String> {
        self.api.fresh_key(key, last_error)
    }

    fn hosted_checkout(&self) -> bool {
        self.api.hosted_checkout()
    }

    async fn start_purchase(&self, call: &PurchaseCall) -> Result<CheckoutLink, ConnectorError> {
        let req = self.api.checkout_request(call)?;
        tracing::info!(provider = self.api.name(), request = %loggable(&req), "hosted payment page");
        self.exec.run(&req, |resp| self.api.parse_checkout(call, resp)).await
    }

    async fn purchase_status(&self, _call: &PurchaseCall, provider_ref: &str) -> Result<PurchaseState, ConnectorError> {
        let req = self.api.purchase_status_request(provider_ref)?;
        tracing::info!(provider = self.api.name(), request = %loggable(&req), "hosted payment page lookup");
        self.exec.run(&req, |resp| self.api.parse_purchase_status(resp)).await
    }

    async fn capture_purchase(&self, call: &PurchaseCall, provider_ref: &str) -> Result<PurchaseState, ConnectorError> {
        let req = self.api.capture_request(call, provider_ref)?;
        tracing::info!(provider = self.api.name(), request = %loggable(&req), "capture of an approved payment");
        self.exec.run(&req, |resp| self.api.parse_capture(resp)).await
    }

    fn off_session(&self) -> bool {
        self.api.off_session()
    }

    async fn charge_saved(
        &self,
        call: &PurchaseCall,
        saved: &crate::app::ports::SavedMethod,
    ) -> Result<PurchaseState, ConnectorError> {
        let req = self.api.off_session_request(call, saved)?;
        tracing::info!(provider = self.api.name(), request = %loggable(&req), "off-session charge of a saved payment method");
        self.exec.run(&req, |resp| self.api.parse_off_session(resp)).await
    }

    fn representable(
        &self,
        amount: rust_decimal::Decimal,
        currency: crate::domain::money::Currency,
    ) -> Result<(), crate::app::ports::CannotSend> {
        super::currency::representable(self.api.kind(), currency, amount)?;
        self.api.rules(amount, currency)
    }

    async fn lookup(&self, call: &RefundCall) -> Result<Option<ProviderRefund>, ConnectorError> {
        if let Some(known) = self.api.lookup_known(call) {
            return Ok(Some(known));
        }
        let req = self.api.lookup_request(call)?;
        tracing::info!(provider = self.api.name(), request = %loggable(&req), refund = call.refund.0, "refund lookup");
        self.exec.run(&req, |resp| self.api.parse_lookup(call, resp)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let auth = Auth::OAuth2 {
            token_path: "/v1/oauth2/token".into(),
            client_id: Secret::new("client-abc"),
            client_secret: Secret::new("s3cr3t-value"),
        };
        let e = Executor::new("paypal", ExecutorConfig::new("http://127.0.0.1:1/"), auth, None).unwrap();
        let dbg = format!("{e:?}");
        assert!(!dbg.contains("s3cr3t-value") && !dbg.contains("client-abc"), "{dbg}");
        let req = ApiRequest::get("/v1/refunds?charge=ch_1")
            .header("Authorization", "Bearer sk_live_x")
            .header("Idempotency-Key", "pd_1")
            .header("Accept", "x");
        let l = loggable(&req);
        assert!(!l.contains("sk_live_x") && !l.contains("pd_1") && !l.contains("ch_1"), "{l}");
        assert!(l.contains("Accept: x"));
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let mut c = ExecutorConfig::new("http://x");
        c.backoff = Duration::from_millis(100);
        c.max_wait = Duration::from_millis(1000);
        let e = Executor::new("stripe", c, Auth::Bearer(Secret::new("k")), None).unwrap();
        for n in 0..3 {
            let d = e.backoff(n);
            let base = 100.0 * f64::from(2u32.pow(n));
            assert!(
                d.as_secs_f64() * 1000.0 >= base * 0.5 - 1.0 && d.as_secs_f64() * 1000.0 <= base * 1.5 + 1.0,
                "{n}: {d:?}"
            );
        }
        assert!(e.backoff(10) <= Duration::from_millis(1000));
    }
}
