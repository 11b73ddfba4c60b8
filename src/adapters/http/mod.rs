//! The HTTP listener (`[http] listen`): ops routes (`/healthz`, `/readyz`, `/metrics`)
//! and the payment providers' webhook routes, on one axum server.

pub mod ops;
pub mod webhooks;

use anyhow::{Context, Result};
use axum::Router;
use serde::Deserialize;
use std::net::SocketAddr;

/// `[http]` in bot.toml.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct HttpConfig {
    /// Address to listen on, e.g. "127.0.0.1:8080"; absent means no listener.
    pub listen: Option<String>,
}

impl HttpConfig {
    /// Reads the raw `[http]` table (and `PAYDESK_HTTP_LISTEN`, which wins).
    pub fn from_toml(raw: Option<&toml::Value>, source: &str) -> Result<HttpConfig> {
        let mut cfg: HttpConfig = match raw {
            Some(v) => v.clone().try_into().map_err(|e| anyhow::anyhow!("{source}: [http]: {e}"))?,
            None => HttpConfig { listen: None },
        };
        if let Ok(v) = std::env::var("PAYDESK_HTTP_LISTEN") {
            cfg.listen = Some(v);
        }
        if let Some(l) = &cfg.listen {
            l.parse::<SocketAddr>()
                .map_err(|_| anyhow::anyhow!("{source}: http.listen: `{l}` is not an address like 127.0.0.1:8080"))?;
        }
        Ok(cfg)
    }
}

/// Binds `addr` and serves `router` until `shutdown` resolves (in-flight requests finish).
pub async fn serve(
    addr: SocketAddr,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
    let bound = listener.local_addr()?;
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).with_graceful_shutdown(shutdown).await {
            tracing::error!(error = %e, "http listener stopped");
        }
    });
    Ok(bound)
}
