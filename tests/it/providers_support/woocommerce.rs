//! A fake WooCommerce store (REST API v3), written from WooCommerce's reference. Every
//! rule it enforces cites where it comes from:
//!
//! - [refunds] developer.woocommerce.com/docs/apis/rest-api/v3/order-refunds/ — order
//!   refund properties (`amount` string, `reason`, `refunded_payment` read-only,
//!   `meta_data` `[{id, key, value}]`, `api_refund` write-only, default true), create
//!   `POST /wp-json/wc/v3/orders/<id>/refunds`, list `GET …/refunds`, read `GET …/refunds/<id>`.
//! - [controller] woocommerce/woocommerce `includes/api/class-wc-rest-order-refunds-controller.php`:
//!   `woocommerce_rest_invalid_order_id` 404; a negative amount is
//!   `woocommerce_rest_invalid_order_refund` 400; when `wc_create_refund` fails (e.g.
//!   "Invalid refund amount." above what is left) `woocommerce_rest_cannot_create_order_refund`
//!   with status **500**. The route is `orders/(?P<order_id>[\d]+)/refunds`.
//! - [auth] developer.woocommerce.com/docs/apis/rest-api/ (Authentication): HTTP Basic
//!   with the consumer key as user and the consumer secret as password, over HTTPS.
//! - [ratelimit] developer.woocommerce.com/docs/apis/store-api/rate-limiting: a limited
//!   request gets 429 with `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`
//!   and `RateLimit-Retry-After`.
//! - [orders] developer.woocommerce.com/docs/apis/rest-api/v3/orders/ — the order object
//!   (`id`, `number`, `order_key`, `status`, `currency`, `total` string,
//!   `customer_id`, `date_created_gmt`, `date_paid_gmt`, `date_modified_gmt`,
//!   `refunds: [{id, reason, total}]` with negative totals).
//!
//! The API has **no idempotency key**: the same request twice makes two refunds (the fake
//! does exactly that, so a connector that retries blindly is caught by `creations`).

use super::{approve, request_on, t, AGENT_NOTE};
use crate::common::card_charge;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use paydesk::adapters::payments::sandbox::Sandbox;
use paydesk::adapters::payments::setup::Providers;
use paydesk::adapters::payments::woocommerce::META_KEY;
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
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const CONSUMER_KEY: &str = "ck_0123456789abcdef";
pub const CONSUMER_SECRET: &str = "cs_fedcba9876543210";
pub const WEBHOOK_SECRET: &str = "wc-webhook-secret";
/// The order every test refunds: order 727 of 49.00 USD, customer 12.
pub const ORDER: u64 = 727;

/// What the next refund-creating request gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Made (the gateway refunded it: `refunded_payment: true`).
    Ok,
    /// Made, but the answer never comes (hangs past the client's timeout).
    Hang,
    /// 429 with `RateLimit-Retry-After: 1` [ratelimit]; nothing made.
    RateLimited,
    /// A PHP fatal error page with 500 (not the REST error format); nothing made.
    ServerError,
}

#[derive(Debug, Clone)]
pub struct StoreRefund {
    pub id: u64,
    pub minor: i64,
    pub reason: String,
    pub key: Option<String>,
}

#[derive(Default)]
pub struct WooState {
    pub script: VecDeque<Answer>,
    /// Answers for the next refund listings (`GET …/refunds`) before the normal ones.
    pub lookup_script: VecDeque<(u16, String)>,
    /// The order's total in cents and its refunds (ours and the store's own).
    pub total: i64,
    pub refunds: Vec<StoreRefund>,
    /// Refunds made per key (never more than 1 for a correct connector).
    pub creations: HashMap<String, u32>,
    pub problems: Vec<String>,
    pub requests: Vec<String>,
    pub next_id: u64,
}

#[derive(Clone)]
pub struct WooFake {
    pub state: Arc<Mutex<WooState>>,
    pub addr: SocketAddr,
}

impl WooFake {
    pub async fn start(script: &[Answer]) -> WooFake {
        let state =
            WooState { script: script.iter().copied().collect(), total: 4900, next_id: 800, ..Default::default() };
        let state = Arc::new(Mutex::new(state));
        super::serve_fake(|addr| WooFake { state, addr }, handle).await
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn config(&self) -> toml::Value {
        toml::from_str(&format!(
            "[woocommerce]\nbase_url = \"{}\"\ntimeout_ms = 400\nmax_attempts = 3\nbackoff_ms = 20\nmax_wait_ms = 2000\n",
            self.base_url()
        ))
        .expect("toml")
    }

    pub fn env(k: &str) -> Option<String> {
        match k {
            "PAYDESK_WOOCOMMERCE_CONSUMER_KEY" => Some(CONSUMER_KEY.into()),
            "PAYDESK_WOOCOMMERCE_CONSUMER_SECRET" => Some(CONSUMER_SECRET.into()),
            "PAYDESK_WOOCOMMERCE_WEBHOOK_SECRET" => Some(WEBHOOK_SECRET.into()),
            _ => None,
        }
    }

    pub fn creations(&self) -> u32 {
        self.state.lock().unwrap().creations.values().sum()
    }

    pub fn problems(&self) -> Vec<String> {
        self.state.lock().unwrap().problems.clone()
    }

    /// A refund made in the store directly (not by paydesk).
    pub fn refund_in_store(&self, minor: i64) -> u64 {
        let mut st = self.state.lock().unwrap();
        st.next_id += 1;
        let id = st.next_id;
        st.refunds.push(StoreRefund { id, minor, reason: "refunded at the till".into(), key: None });
        id
    }

    pub fn script_lookups(&self, answers: &[(u16, &str)]) {
        self.state.lock().unwrap().lookup_script.extend(answers.iter().map(|(c, b)| (*c, b.to_string())));
    }

    /// The order as `GET /wp-json/wc/v3/orders` lists it [orders], at `modified` (GMT).
    pub fn order_json(&self, modified: &str) -> Value {
        let st = self.state.lock().unwrap();
        json!({
            "id": ORDER, "number": ORDER.to_string(), "order_key": "wc_order_58d2d042d1d", "status": "completed",
            "currency": "USD", "total": cents(st.total), "customer_id": 12,
            "date_created_gmt": "2026-04-01T10:00:00", "date_paid_gmt": "2026-04-01T10:00:00", "date_modified_gmt": modified,
            "refunds": st.refunds.iter().map(|r| json!({"id": r.id, "reason": r.reason, "total": format!("-{}", cents(r.minor))})).collect::<Vec<_>>(),
        })
    }
}

fn cents(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

fn refund_json(r: &StoreRefund) -> Value {
    let meta: Vec<Value> = r.key.iter().map(|k| json!({"id": r.id * 10, "key": META_KEY, "value": k})).collect();
    json!({"id": r.id, "date_created_gmt": "2026-04-01T11:01:00", "amount": cents(r.minor), "reason": r.reason, "refunded_by": 1,
           "refunded_payment": r.key.is_some(), "meta_data": meta, "line_items": []})
}

/// A WordPress REST error [controller].
fn wp_error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, axum::Json(json!({"code": code, "message": message, "data": {"status": status.as_u16()}}))).into_response()
}

fn problem(st: &mut WooState, p: String) -> Response {
    st.problems.push(p.clone());
    (StatusCode::BAD_REQUEST, p).into_response()
}

/// `amount`: a decimal string with at most the store's price decimals (2) [refunds].
fn parse_amount(v: &Value) -> Result<i64, String> {
    let Some(s) = v.as_str() else { return Err(format!("amount must be a string [refunds], got {v}")) };
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(format!("amount `{s}` is not a decimal with at most 2 decimals"));
    }
    let frac = format!("{frac:0<2}");
    Ok(whole.parse::<i64>().map_err(|e| e.to_string())? * 100 + frac.parse::<i64>().map_err(|e| e.to_string())?)
}

async fn handle(State(f): State<WooFake>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    match respond(&f, method, uri, headers, body) {
        Some(r) => r,
        None => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            (StatusCode::GATEWAY_TIMEOUT, "too late").into_response()
        }
    }
}

fn respond(f: &WooFake, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Option<Response> {
    let path = uri.path().to_string();
    let mut st = f.state.lock().unwrap();
    st.requests.push(format!("{method} {path}"));
    // [auth] Basic consumer_key:consumer_secret.
    let want = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CONSUMER_KEY}:{CONSUMER_SECRET}"))
    );
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(want.as_str()) {
        st.problems.push(format!("{method} {path}: no Basic consumer key auth"));
        return Some(wp_error(
            StatusCode::UNAUTHORIZED,
            "woocommerce_rest_cannot_view",
            "Sorry, you cannot list resources.",
        ));
    }
    let rest: Vec<&str> = path.strip_prefix("/wp-json/wc/v3/orders/").unwrap_or("").split('/').collect();
    // [controller] the route takes digits only.
    let Some(order) = rest.first().filter(|o| !o.is_empty() && o.bytes().all(|b| b.is_ascii_digit())) else {
        return Some(problem(&mut st, format!("unexpected request {method} {path}")));
    };
    if *order != ORDER.to_string() {
        return Some(wp_error(StatusCode::NOT_FOUND, "woocommerce_rest_invalid_order_id", "Invalid order ID."));
    }
    if method == Method::GET && rest.len() == 2 {
        if let Some((code, body)) = st.lookup_script.pop_front() {
            return Some((StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST), body).into_response());
        }
    }
    Some(match (method.clone(), rest.as_slice()) {
        (Method::GET, [_, "refunds"]) => {
            // [refunds] list: per_page at most 100.
            let per_page = uri
                .query()
                .unwrap_or("")
                .split('&')
                .find_map(|p| p.strip_prefix("per_page="))
                .and_then(|v| v.parse::<u32>().ok())
                .unwrap_or(10);
            if per_page > 100 {
                return Some(wp_error(StatusCode::BAD_REQUEST, "rest_invalid_param", "Invalid parameter(s): per_page"));
            }
            let list: Vec<Value> = st.refunds.iter().rev().take(per_page as usize).map(refund_json).collect();
            (StatusCode::OK, axum::Json(Value::from(list))).into_response()
        }
        (Method::GET, [_, "refunds", id]) => match st.refunds.iter().find(|r| r.id.to_string() == *id) {
            Some(r) => (StatusCode::OK, axum::Json(refund_json(r))).into_response(),
            None => wp_error(StatusCode::NOT_FOUND, "woocommerce_rest_invalid_id", "Invalid ID."),
        },
        (Method::POST, [_, "refunds"]) => return create(&mut st, &headers, &body),
        _ => problem(&mut st, format!("unexpected request {method} {path}")),
    })
}

fn create(st: &mut WooState, headers: &HeaderMap, body: &[u8]) -> Option<Response> {
    if headers.get("content-type").and_then(|v| v.to_str().ok()) != Some("application/json") {
        return Some(problem(st, "the body must be sent as application/json".into()));
    }
    let Ok(b) = serde_json::from_slice::<Value>(body) else { return Some(problem(st, "the body is not JSON".into())) };
    let amount = match parse_amount(&b["amount"]) {
        Ok(a) => a,
        Err(e) => return Some(problem(st, e)),
    };
    // [refunds] api_refund true: the store's gateway refunds the money (paydesk's rule:
    // a manual record would move no money).
    if b["api_refund"] != json!(true) {
        return Some(problem(st, format!("api_refund must be true, got {}", b["api_refund"])));
    }
    let key = b["meta_data"]
        .as_array()
        .and_then(|m| m.iter().find(|e| e["key"] == json!(META_KEY)))
        .and_then(|e| e["value"].as_str())
        .map(str::to_string);
    let Some(key) = key.filter(|k| k.starts_with("pd_")) else {
        return Some(problem(st, format!("no {META_KEY} in meta_data: {b}")));
    };
    let reason = b["reason"].as_str().unwrap_or("").to_string();
    if reason.contains(AGENT_NOTE) || reason.contains("duplicate charge") {
        return Some(problem(st, format!("the agent's note reached the customer: {reason}")));
    }
    // [controller] a zero or negative amount is refused.
    if amount <= 0 {
        return Some(wp_error(
            StatusCode::BAD_REQUEST,
            "woocommerce_rest_invalid_order_refund",
            "Refund amount must be greater than zero.",
        ));
    }
    // [controller] wc_create_refund: more than what is left → 500 "Invalid refund amount."
    let left = st.total - st.refunds.iter().map(|r| r.minor).sum::<i64>();
    if amount > left {
        return Some(wp_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "woocommerce_rest_cannot_create_order_refund",
            "Invalid refund amount.",
        ));
    }
    let answer = st.script.pop_front().unwrap_or(Answer::Ok);
    match answer {
        Answer::RateLimited => {
            return Some(
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    [("RateLimit-Limit", "25"), ("RateLimit-Remaining", "0"), ("RateLimit-Reset", "1"), ("RateLimit-Retry-After", "1")],
                    axum::Json(
                        json!({"code": "rate_limit_exceeded", "message": "Too many requests. Please wait and try again.", "data": {"status": 429}}),
                    ),
                )
                    .into_response(),
            )
        }
        Answer::ServerError => {
            return Some(
                (StatusCode::INTERNAL_SERVER_ERROR, "<html><body>There has been a critical error on this website.</body></html>").into_response(),
            )
        }
        Answer::Ok | Answer::Hang => {}
    }
    // No idempotency in the API: every accepted request makes a refund.
    st.next_id += 1;
    let r = StoreRefund { id: st.next_id, minor: amount, reason, key: Some(key.clone()) };
    *st.creations.entry(key).or_default() += 1;
    st.refunds.push(r.clone());
    match answer {
        Answer::Hang => None,
        _ => Some((StatusCode::CREATED, axum::Json(refund_json(&r))).into_response()),
    }
}

/// An engine on the store at `url` whose connectors are the sandbox and this store.
pub async fn engine_on(fake: &WooFake, url: &str) -> (Arc<Engine>, Arc<ManualClock>, Providers) {
    let store = AnyStore::open(url).await.expect("store");
    let clock = Arc::new(ManualClock::default());
    let sandbox = Arc::new(Sandbox::new(store.sandbox_books(), clock.clone()));
    let providers = Providers::build(Some(&fake.config()), "test.toml", &WooFake::env, None).expect("providers");
    let engine = Arc::new(Engine::new(store.as_store(), providers.connectors(sandbox), EngineConfig::default()));
    (engine, clock, providers)
}

/// Customer ana (account `wc-12`), agent bo, leads kim and max.
pub async fn seed_people(engine: &Engine, start: &str) {
    let at = t(start);
    engine
        .seed_account(
            &Account { id: AccountId::new("wc-12".to_string()), currency: Currency::USD, auto_recharge: None },
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
        let account = (id == "ana").then(|| AccountId::new("wc-12".to_string()));
        engine.seed_user(&User { id: UserId::new(id.to_string()), roles, account }, at).await.unwrap();
    }
}

/// Order 727 (49.00 USD) as a charge through WooCommerce.
pub async fn seed_order(engine: &Engine, start: &str) {
    seed_people(engine, start).await;
    let at = t(start);
    let charge = Charge {
        description: "WooCommerce order #727".into(),
        provider: "woocommerce".to_string(),
        ..card_charge(&ORDER.to_string(), "wc-12", "49.00", at)
    };
    engine.seed_charge(&charge, at).await.unwrap();
}

/// Agent bo asks for `amount` back on order 727 at `at`; leads approve a minute later.
pub async fn refund_and_approve(engine: &Engine, amount: &str, at: &str) -> Vec<String> {
    let out = request_on(engine, &ORDER.to_string(), amount, t(at)).await;
    approve(engine, t(at) + chrono::Duration::minutes(1)).await;
    out
}
