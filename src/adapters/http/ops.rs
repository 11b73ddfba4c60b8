//! Ops routes: liveness, readiness (the store answers) and Prometheus metrics.

use crate::app::metrics::Metrics;
use crate::app::ports::Store;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[derive(Clone)]
pub struct OpsState {
    pub store: Arc<dyn Store>,
    pub metrics: Arc<Metrics>,
    /// Set once the chat surface is connected (Discord READY); cleared on shutdown.
    pub ready: Arc<AtomicBool>,
}

pub fn routes(state: OpsState) -> Router {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz)).route("/metrics", get(metrics)).with_state(state)
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(s): State<OpsState>) -> impl IntoResponse {
    if !s.ready.load(Ordering::SeqCst) {
        return (StatusCode::SERVICE_UNAVAILABLE, "not connected\n".to_string());
    }
    match s.store.status_counts().await {
        Ok(_) => (StatusCode::OK, "ready\n".to_string()),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, format!("store: {e}\n")),
    }
}

async fn metrics(State(s): State<OpsState>) -> impl IntoResponse {
    let counts = s.store.status_counts().await.unwrap_or_default();
    let label = |v: Vec<(String, i64)>| v.into_iter().map(|(k, n)| (format!("status=\"{k}\""), n)).collect::<Vec<_>>();
    let body = s
        .metrics
        .render(&[("paydesk_cases", "Cases by status.", label(counts.cases)), ("paydesk_refunds", "Refunds by status.", label(counts.refunds))]);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body)
}
