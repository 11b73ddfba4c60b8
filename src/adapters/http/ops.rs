//! Ops routes: liveness, readiness (the store answers) and Prometheus metrics.

use crate::app::metrics::Metrics;
use crate::app::ports::{Clock, Store};
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
    /// Ages (of the oldest pending outbox item) are measured on it.
    pub clock: Arc<dyn Clock>,
}

pub fn routes(state: OpsState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(state)
}

async fn healthz() -> &'static str {
    "ok\n"
}

/// An outbox whose oldest pending item is older than this is stuck: the bot is mute.
pub const OUTBOX_STUCK_AFTER: chrono::Duration = chrono::Duration::minutes(5);

async fn readyz(State(s): State<OpsState>) -> impl IntoResponse {
    if !s.ready.load(Ordering::SeqCst) {
        return (StatusCode::SERVICE_UNAVAILABLE, "not connected\n".to_string());
    }
    match s.store.outbox_health().await {
        Ok(h) => match h.oldest_pending {
            Some(t) if s.clock.now() - t > OUTBOX_STUCK_AFTER => (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("outbox stuck: {} pending, the oldest since {t}\n", h.pending),
            ),
            _ => (StatusCode::OK, "ready\n".to_string()),
        },
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, format!("store: {e}\n")),
    }
}

async fn metrics(State(s): State<OpsState>) -> impl IntoResponse {
    let counts = s.store.status_counts().await.unwrap_or_default();
    let label = |v: Vec<(String, i64)>| v.into_iter().map(|(k, n)| (format!("status=\"{k}\""), n)).collect::<Vec<_>>();
    let outbox = s.store.outbox_health().await.unwrap_or_default();
    let oldest = outbox.oldest_pending.map_or(0, |t| (s.clock.now() - t).num_seconds().max(0));
    let one = |v: i64| vec![(String::new(), v)];
    let body = s.metrics.render(&[
        ("paydesk_cases", "Cases by status.", label(counts.cases)),
        ("paydesk_refunds", "Refunds by status.", label(counts.refunds)),
        ("paydesk_outbox_pending", "Outbox items waiting to be delivered.", one(outbox.pending)),
        ("paydesk_outbox_oldest_pending_seconds", "Age of the oldest pending outbox item.", one(oldest)),
        ("paydesk_outbox_dead", "Outbox items given up on (refused or out of attempts).", one(outbox.dead)),
    ]);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body)
}
