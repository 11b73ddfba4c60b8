//! A fake Klarna Order Management API, written from Klarna's reference. Every rule it
//! enforces cites where it comes from:
//!
//! - [refund] docs.klarna.com/payments/after-payments/order-management/manage-orders-with-the-api/
//!   refund-orders-and-manage-authorizations and the Order Management OpenAPI `refundOrder`:
//!   `POST /ordermanagement/v1/orders/{order_id}/refunds`, body `refunded_amount` (required,
//!   minor units, at most captured minus refunded), `description` (shown to the customer),
//!   `reference`; `201 Created` with `Location` and `Refund-Id` headers; `Klarna-Idempotency-Key`:
//!   "Retries of requests are safe … Input values of the operation are disregarded when
//!   evaluating the idempotency of the operation, only the key matters."
//! - [errors] docs.klarna.com/resources/developer-tools/error-handling/error-codes-and-messages-for-order-management:
//!   `{error_code, error_messages, correlation_id}`; 403 `REFUND_NOT_ALLOWED` "Over refund is
//!   not allowed. Refund not possible."; 404 `NO_SUCH_ORDER`; 429 `TOO_MANY_REQUESTS`;
//!   500 `INTERNAL_SERVER_ERROR`; 503 `TEMPORARILY_UNAVAILABLE`.
//! - [auth] docs.klarna.com/api/ordermanagement/ (Authentication): HTTP Basic, API
//!   username and password.
//! - [order] the order object (`GET /ordermanagement/v1/orders/{order_id}`): `order_id`,
//!   `captured_amount`, `refunded_amount`, `purchase_currency`, `refunds: [{refund_id,
//!   refunded_amount, description, reference, refunded_at}]`.
//! - [settlements] the Settlements API transaction: `amount` (minor units), `type` (`SALE`,
//!   `RETURN`, …), `currency_code`, `order_id`, `refund_id`, `capture_id`, `sale_date`,
//!   `merchant_refund_reference`.

use super::{request_on, t, AGENT_NOTE};
use crate::common::card_charge;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use paydesk::adapters::payments::sandbox::Sandbox;
use paydesk::adapters::payments::setup::Providers;
use paydesk::adapters::store::AnyStore;
use paydesk::adapters::surfaces::replay::ManualClock;
use paydesk::app::engine::{Engine, EngineConfig};
use paydesk::app::ports::User;
use paydesk::domain::billing::{Account, Charge};
use paydesk::domain::ids::{AccountId, UserId};
use paydesk::domain::money::Currency;
use paydesk::domain::roles::{Role, Roles};
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const USERNAME: &str = "K123456_abcdef";
pub const PASSWORD: &str = "klarna-api-password";
pub const ORDER: &str = "f3392f8b-6116-4073-ab96-e330819e2c07";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Ok,
    /// Made, but the answer never comes.
    Hang,
    /// 429 `TOO_MANY_REQUESTS` [errors]; nothing made.
    RateLimited,
    /// 503 `TEMPORARILY_UNAVAILABLE` [errors]; nothing made.
    Unavailable,
}

#[derive(Debug, Clone)]
pub struct KlarnaRefund {
    pub id: String,
    pub minor: i64,
    pub description: String,
    pub reference: String,
}

#[derive(Default)]
pub struct KlarnaState {
    pub script: VecDeque<Answer>,
    pub lookup_script: VecDeque<(u16, String)>,
    pub captured: i64,
    pub refunds: Vec<KlarnaRefund>,
    /// Refund id made under each idempotency key [refund]: a replay answers it again.
    pub by_key: HashMap<String, String>,
    pub creations: HashMap<String, u32>,
    pub problems: Vec<String>,
    pub requests: Vec<String>,
    pub next: u32,
}

#[derive(Clone)]
pub struct KlarnaFake {
    pub state: Arc<Mutex<KlarnaState>>,
    pub addr: SocketAddr,
}

impl KlarnaFake {
    pub async fn start(script: &[Answer]) -> KlarnaFake {
        let state = KlarnaState { script: script.iter().copied().collect(), captured: 4900, ..Default::default() };
        let state = Arc::new(Mutex::new(state));
        super::serve_fake(|addr| KlarnaFake { state, addr }, handle).await
    }

    pub fn config(&self) -> toml::Value {
        toml::from_str(&format!(
            "[klarna]\nbase_url = \"http://{}\"\ntimeout_ms = 400\nmax_attempts = 3\nbackoff_ms = 20\nmax_wait_ms = 2000\n",
            self.addr
        ))
        .expect("toml")
    }

    pub fn env(k: &str) -> Option<String> {
        match k {
            "PAYDESK_KLARNA_USERNAME" => Some(USERNAME.into()),
            "PAYDESK_KLARNA_PASSWORD" => Some(PASSWORD.into()),
            _ => None,
        }
    }

    pub fn creations(&self) -> u32 {
        self.state.lock().unwrap().creations.values().sum()
    }

    pub fn problems(&self) -> Vec<String> {
        self.state.lock().unwrap().problems.clone()
    }

    pub fn script_lookups(&self, answers: &[(u16, &str)]) {
        self.state.lock().unwrap().lookup_script.extend(answers.iter().map(|(c, b)| (*c, b.to_string())));
    }

    /// A refund made in Klarna's Merchant Portal (not by paydesk).
    pub fn refund_in_portal(&self, minor: i64) -> String {
        let mut st = self.state.lock().unwrap();
        st.next += 1;
        let id = format!("portal-{}", st.next);
        st.refunds.push(KlarnaRefund { id: id.clone(), minor, description: "portal".into(), reference: String::new() });
        id
    }

    /// The Settlements API's transactions for the order [settlements].
    pub fn settlement_json(&self) -> Value {
        let st = self.state.lock().unwrap();
        let mut tx = vec![
            json!({"type": "SALE", "amount": st.captured, "currency_code": "EUR", "order_id": ORDER, "capture_id": "cap-1",
            "sale_date": "2026-04-01T10:00:00Z", "capture_date": "2026-04-01T10:00:00Z", "refund_id": "", "merchant_refund_reference": ""}),
        ];
        for r in &st.refunds {
            tx.push(json!({"type": "RETURN", "amount": -r.minor, "currency_code": "EUR", "order_id": ORDER, "capture_id": "",
                "sale_date": "2026-04-01T10:00:00Z", "capture_date": "2026-04-01T12:00:00Z", "refund_id": r.id, "merchant_refund_reference": r.reference}));
        }
        json!({"transactions": tx, "pagination": {"count": tx.len(), "total": tx.len(), "offset": 0}})
    }
}

fn k_error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, axum::Json(json!({"error_code": code, "error_messages": [message], "correlation_id": "0f7a5c4d-corr"})))
        .into_response()
}

fn problem(st: &mut KlarnaState, p: String) -> Response {
    st.problems.push(p.clone());
    k_error(StatusCode::BAD_REQUEST, "BAD_VALUE", &p)
}

fn refund_json(r: &KlarnaRefund) -> Value {
    json!({"refund_id": r.id, "refunded_amount": r.minor, "description": r.description, "reference": r.reference, "refunded_at": "2026-04-01T11:01:00Z", "order_lines": []})
}

fn created(id: &str) -> Response {
    // [refund] 201 with Location and Refund-Id, no body.
    let location = format!("https://api.klarna.com/ordermanagement/v1/orders/{ORDER}/refunds/{id}");
    (StatusCode::CREATED, [("Location", location.as_str()), ("Refund-Id", id)]).into_response()
}

async fn handle(State(f): State<KlarnaFake>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    match respond(&f, method, uri, headers, body) {
        Some(r) => r,
        None => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            (StatusCode::GATEWAY_TIMEOUT, "too late").into_response()
        }
    }
}

fn respond(f: &KlarnaFake, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Option<Response> {
    let path = uri.path().to_string();
    let mut st = f.state.lock().unwrap();
    st.requests.push(format!("{method} {path}"));
    let want = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{USERNAME}:{PASSWORD}")));
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(want.as_str()) {
        st.problems.push(format!("{method} {path}: no Basic auth [auth]"));
        return Some(k_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", "Invalid credentials"));
    }
    let rest: Vec<&str> = path.strip_prefix("/ordermanagement/v1/orders/").unwrap_or("").split('/').collect();
    let Some(order) = rest.first().filter(|o| !o.is_empty()) else {
        return Some(problem(&mut st, format!("unexpected request {method} {path}")));
    };
    if *order != ORDER {
        return Some(k_error(StatusCode::NOT_FOUND, "NO_SUCH_ORDER", "Order not found"));
    }
    if method == Method::GET {
        if let Some((code, b)) = st.lookup_script.pop_front() {
            return Some((StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST), b).into_response());
        }
    }
    Some(match (method.clone(), rest.as_slice()) {
        (Method::GET, [_]) => {
            let refunded: i64 = st.refunds.iter().map(|r| r.minor).sum();
            let order = json!({"order_id": ORDER, "status": "CAPTURED", "purchase_currency": "EUR", "order_amount": 4900, "captured_amount": st.captured,
                "refunded_amount": refunded, "refunds": st.refunds.iter().map(refund_json).collect::<Vec<_>>()});
            (StatusCode::OK, axum::Json(order)).into_response()
        }
        (Method::GET, [_, "refunds", id]) => match st.refunds.iter().find(|r| r.id == *id) {
            Some(r) => (StatusCode::OK, axum::Json(refund_json(r))).into_response(),
            // [errors] 400 NOT_FOUND "Refund … cannot be found for order …".
            None => {
                k_error(StatusCode::BAD_REQUEST, "NOT_FOUND", &format!("Refund {id} cannot be found for order {ORDER}"))
            }
        },
        (Method::POST, [_, "refunds"]) => return create(&mut st, &headers, &body),
        _ => problem(&mut st, format!("unexpected request {method} {path}")),
    })
}

fn create(st: &mut KlarnaState, headers: &HeaderMap, body: &[u8]) -> Option<Response> {
    let key = headers.get("klarna-idempotency-key").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    if !key.starts_with("pd_") {
        return Some(problem(st, "no Klarna-Idempotency-Key [refund]".into()));
    }
    // [refund] only the key matters: a replay answers the refund made under it.
    if let Some(id) = st.by_key.get(&key).cloned() {
        return Some(created(&id));
    }
    let Ok(b) = serde_json::from_slice::<Value>(body) else { return Some(problem(st, "the body is not JSON".into())) };
    let Some(amount) = b["refunded_amount"].as_i64() else {
        return Some(problem(st, format!("refunded_amount must be an integer in minor units: {b}")));
    };
    let description = b["description"].as_str().unwrap_or("").to_string();
    if description.contains(AGENT_NOTE) || description.contains("duplicate charge") {
        return Some(problem(st, format!("the agent's note reached the customer: {description}")));
    }
    let reference = b["reference"].as_str().unwrap_or("").to_string();
    if reference != key {
        return Some(problem(st, format!("reference should carry our key, got `{reference}`")));
    }
    if amount <= 0 {
        return Some(k_error(StatusCode::BAD_REQUEST, "BAD_VALUE", "refunded_amount must be positive"));
    }
    let answer = st.script.pop_front().unwrap_or(Answer::Ok);
    match answer {
        Answer::RateLimited => {
            return Some(k_error(StatusCode::TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS", "Too many requests"))
        }
        Answer::Unavailable => {
            return Some(k_error(StatusCode::SERVICE_UNAVAILABLE, "TEMPORARILY_UNAVAILABLE", "Temporarily unavailable"))
        }
        Answer::Ok | Answer::Hang => {}
    }
    // [refund] at most the captured amount minus what was refunded.
    let left = st.captured - st.refunds.iter().map(|r| r.minor).sum::<i64>();
    if amount > left {
        return Some(k_error(
            StatusCode::FORBIDDEN,
            "REFUND_NOT_ALLOWED",
            "Over refund is not allowed. Refund not possible.",
        ));
    }
    st.next += 1;
    let id = format!("b2cb4f5c-{:04}", st.next);
    st.refunds.push(KlarnaRefund { id: id.clone(), minor: amount, description, reference });
    st.by_key.insert(key.clone(), id.clone());
    *st.creations.entry(key).or_default() += 1;
    match answer {
        Answer::Hang => None,
        _ => Some(created(&id)),
    }
}

pub async fn engine_on(fake: &KlarnaFake, url: &str) -> (Arc<Engine>, Arc<ManualClock>, Providers) {
    let store = AnyStore::open(url).await.expect("store");
    let clock = Arc::new(ManualClock::default());
    let sandbox = Arc::new(Sandbox::new(store.sandbox_books(), clock.clone()));
    let providers = Providers::build(Some(&fake.config()), "test.toml", &KlarnaFake::env, None).expect("providers");
    let engine = Arc::new(Engine::new(store.as_store(), providers.connectors(sandbox), EngineConfig::default()));
    (engine, clock, providers)
}

/// Customer ana (account `kl-1`, EUR), agent bo, leads kim and max.
pub async fn seed_people(engine: &Engine, start: &str) {
    let at = t(start);
    engine
        .seed_account(
            &Account {
                id: AccountId::new("kl-1".to_string()),
                currency: Currency::from_str("EUR").unwrap(),
                auto_recharge: None,
            },
            None,
            at,
        )
        .await
        .unwrap();
    for (id, roles) in [
        ("ana", Roles::CUSTOMER),
        ("bo", [Role::Agent].into_iter().collect()),
        ("kim", [Role::Lead].into_iter().collect()),
        ("max", [Role::Lead].into_iter().collect()),
    ] {
        let account = (id == "ana").then(|| AccountId::new("kl-1".to_string()));
        engine.seed_user(&User { id: UserId::new(id.to_string()), roles, account }, at).await.unwrap();
    }
}

/// The Klarna order (49.00 EUR) as a charge.
pub async fn seed_order(engine: &Engine, start: &str) {
    seed_people(engine, start).await;
    let at = t(start);
    let charge = Charge {
        currency: Currency::from_str("EUR").unwrap(),
        card_last4: None,
        description: "Klarna order".into(),
        provider: "klarna".to_string(),
        ..card_charge(ORDER, "kl-1", "49.00", at)
    };
    engine.seed_charge(&charge, at).await.unwrap();
}

/// Agent bo asks for `amount` back at `at`; leads kim and max approve the new request.
pub async fn refund_and_approve(engine: &Engine, amount: &str, at: &str) -> Vec<String> {
    let out = request_on(engine, ORDER, amount, t(at)).await;
    let case = out
        .iter()
        .find_map(|l| l.split("RF-").nth(1).map(|s| format!("RF-{}", &s[..6])))
        .unwrap_or_else(|| "RF-000001".into());
    for lead in ["kim", "max"] {
        let ev = paydesk::app::engine::Event::Message {
            actor: paydesk::app::engine::Actor::known(lead),
            text: format!("/approve {case}"),
            channel: "support".into(),
        };
        engine.handle(ev, t(at) + chrono::Duration::minutes(1), None).await.unwrap();
    }
    out
}
