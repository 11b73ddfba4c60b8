//! A fake Shopify shop (Admin GraphQL API), written from Shopify's reference. Every rule it
//! enforces cites where it comes from:
//!
//! - [auth] shopify.dev/docs/api/admin-graphql (Authentication): `X-Shopify-Access-Token`;
//!   endpoint `POST /admin/api/{version}/graphql.json` with `{query, variables}`.
//! - [suggested] shopify.dev/docs/api/admin-graphql/latest/objects/SuggestedRefund and
//!   `Order.suggestedRefund(refundAmount:, suggestFullRefund:)`: `amountSet`,
//!   `maximumRefundableSet`, `suggestedTransactions {kind, gateway, amountSet,
//!   parentTransaction {id}}`.
//! - [refundCreate] shopify.dev/docs/api/admin-graphql/latest/mutations/refundCreate:
//!   `RefundInput {orderId, note, notify, transactions: [OrderTransactionInput {orderId,
//!   parentId, amount, gateway, kind}]}`; payload `{refund, order, userErrors}`; `Money` is a
//!   decimal string (…/scalars/Money).
//! - [idempotent] shopify.dev changelog "Adding idempotency for inventory adjustments and
//!   refund mutations" (2025-12-12): `refundCreate … @idempotent(key: …)` from 2026-01 (a
//!   retry with the key returns the original result), mandatory from 2026-04 ("Making
//!   idempotency mandatory …"); before 2026-01 the directive does not exist.
//! - [limits] shopify.dev/docs/api/usage/limits: a throttled call answers `errors:
//!   [{message: "Throttled", extensions: {code: "THROTTLED"}}]` with `extensions.cost
//!   {requestedQueryCost, actualQueryCost: null, throttleStatus {maximumAvailable,
//!   currentlyAvailable, restoreRate}}`; nothing runs.
//! - [webhooks] shopify.dev/docs/apps/build/webhooks (HTTPS delivery, verify the webhook):
//!   `X-Shopify-Topic`, `X-Shopify-Hmac-Sha256` (base64 HMAC-SHA256 of the raw body with the
//!   app's client secret), `X-Shopify-Webhook-Id`; payloads as the REST resources (refund:
//!   `{id, order_id, created_at, note, transactions: [{id, kind, status, amount, gateway,
//!   parent_id}]}`; dispute: `{id, order_id, type, amount, currency, reason, status,
//!   initiated_at}`).
//! - [orders] shopify.dev/docs/api/admin-rest/latest/resources/order: `{orders: [{id, name,
//!   email, financial_status, currency, total_price, created_at, processed_at, customer: {id},
//!   refunds: [...]}]}`.

use super::{request_on, t};
use crate::common::card_charge;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
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
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const TOKEN: &str = "shpat_0123456789abcdef";
pub const WEBHOOK_SECRET: &str = "shpss_client_secret";
/// Order 450789469 (#1001, 49.00 USD, customer 207119551), paid through Shopify Payments.
pub const ORDER: &str = "450789469";
pub const CUSTOMER: &str = "207119551";
pub const SALE: &str = "gid://shopify/OrderTransaction/389404469";
pub const GATEWAY: &str = "shopify_payments";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Ok,
    /// Made, transaction PENDING.
    Pending,
    /// Made, but the answer never comes.
    Hang,
    /// THROTTLED [limits]; nothing made.
    Throttled,
}

#[derive(Debug, Clone)]
pub struct ShopRefund {
    pub refund_id: u64,
    pub txn_id: u64,
    pub minor: i64,
    pub status: &'static str,
    pub note: String,
}

#[derive(Default)]
pub struct ShopState {
    pub version: String,
    pub script: VecDeque<Answer>,
    pub lookup_script: VecDeque<(u16, String)>,
    pub total: i64,
    pub refunds: Vec<ShopRefund>,
    /// Answers stored by idempotency key [idempotent].
    pub saved: HashMap<String, Value>,
    pub creations: HashMap<String, u32>,
    pub problems: Vec<String>,
    /// Operation names, in order.
    pub requests: Vec<String>,
    pub next: u64,
}

#[derive(Clone)]
pub struct ShopFake {
    pub state: Arc<Mutex<ShopState>>,
    pub addr: SocketAddr,
}

impl ShopFake {
    pub async fn start(version: &str, script: &[Answer]) -> ShopFake {
        let state = ShopState {
            version: version.into(),
            script: script.iter().copied().collect(),
            total: 4900,
            next: 900,
            ..Default::default()
        };
        let state = Arc::new(Mutex::new(state));
        super::serve_fake(|addr| ShopFake { state, addr }, handle).await
    }

    pub fn config(&self) -> toml::Value {
        let version = self.state.lock().unwrap().version.clone();
        toml::from_str(&format!(
            "[shopify]\nbase_url = \"http://{}\"\nversion = \"{version}\"\ntimeout_ms = 400\nmax_attempts = 3\nbackoff_ms = 20\nmax_wait_ms = 2000\n",
            self.addr
        ))
        .expect("toml")
    }

    pub fn env(k: &str) -> Option<String> {
        match k {
            "PAYDESK_SHOPIFY_ACCESS_TOKEN" => Some(TOKEN.into()),
            "PAYDESK_SHOPIFY_WEBHOOK_SECRET" => Some(WEBHOOK_SECRET.into()),
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

    /// A refund made in the Shopify admin (not by paydesk); its transaction id.
    pub fn refund_in_admin(&self, minor: i64) -> u64 {
        let mut st = self.state.lock().unwrap();
        st.next += 2;
        let (refund_id, txn_id) = (st.next - 1, st.next);
        st.refunds.push(ShopRefund {
            refund_id,
            txn_id,
            minor,
            status: "SUCCESS",
            note: "Returned at the counter".into(),
        });
        txn_id
    }

    pub fn settle(&self, status: &'static str) {
        if let Some(r) = self.state.lock().unwrap().refunds.last_mut() {
            r.status = status;
        }
    }

    /// The last refund as the `refunds/create` webhook carries it [webhooks].
    pub fn refund_webhook(&self, created_at: &str) -> Value {
        let st = self.state.lock().unwrap();
        let r = st.refunds.last().expect("a refund").clone();
        rest_refund(&r, created_at)
    }

    /// The orders listing [orders].
    pub fn orders_json(&self) -> Value {
        let st = self.state.lock().unwrap();
        let refunds: Vec<Value> = st.refunds.iter().map(|r| rest_refund(r, "2026-04-01T11:01:00Z")).collect();
        let fin = if st.refunds.is_empty() { "paid" } else { "partially_refunded" };
        json!({"orders": [
            {"id": ORDER.parse::<u64>().unwrap(), "name": "#1001", "email": "ana@example.com", "financial_status": fin, "currency": "USD",
             "total_price": money(st.total), "created_at": "2026-04-01T06:00:00-04:00", "processed_at": "2026-04-01T06:00:00-04:00",
             "customer": {"id": CUSTOMER.parse::<u64>().unwrap()}, "refunds": refunds},
            {"id": 450789470u64, "name": "#1002", "email": "bo@example.com", "financial_status": "pending", "currency": "USD",
             "total_price": "5.00", "created_at": "2026-04-01T06:00:00-04:00", "customer": {"id": 207119552u64}, "refunds": []}
        ]})
    }
}

fn money(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

fn rest_refund(r: &ShopRefund, created_at: &str) -> Value {
    json!({"id": r.refund_id, "order_id": ORDER.parse::<u64>().unwrap(), "created_at": created_at, "note": r.note, "restock": false,
           "transactions": [{"id": r.txn_id, "order_id": ORDER.parse::<u64>().unwrap(), "kind": "refund", "gateway": GATEWAY,
                             "status": r.status.to_ascii_lowercase(), "amount": money(r.minor), "currency": "USD", "parent_id": 389404469u64}]})
}

fn gql_refund(r: &ShopRefund) -> Value {
    json!({"id": format!("gid://shopify/Refund/{}", r.refund_id), "note": r.note, "createdAt": "2026-04-01T15:01:00Z",
           "transactions": {"nodes": [{"id": format!("gid://shopify/OrderTransaction/{}", r.txn_id), "kind": "REFUND", "status": r.status,
                                        "gateway": GATEWAY, "amountSet": {"shopMoney": {"amount": money(r.minor), "currencyCode": "USD"}}}]}})
}

fn problem(st: &mut ShopState, p: String) -> Response {
    st.problems.push(p.clone());
    (StatusCode::BAD_REQUEST, p).into_response()
}

fn gql_error(message: &str, code: &str) -> Response {
    (StatusCode::OK, axum::Json(json!({"errors": [{"message": message, "extensions": {"code": code}}]})))
        .into_response()
}

/// `Money`: a decimal string with at most 2 decimals for USD [refundCreate].
fn parse_money(v: &Value) -> Option<i64> {
    let s = v.as_str()?;
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty() || frac.len() > 2 || !whole.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(whole.parse::<i64>().ok()? * 100 + format!("{frac:0<2}").parse::<i64>().ok()?)
}

async fn handle(State(f): State<ShopFake>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    match respond(&f, method, uri, headers, body) {
        Some(r) => r,
        None => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            (StatusCode::GATEWAY_TIMEOUT, "too late").into_response()
        }
    }
}

fn respond(f: &ShopFake, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Option<Response> {
    let mut st = f.state.lock().unwrap();
    // [auth]
    if headers.get("x-shopify-access-token").and_then(|v| v.to_str().ok()) != Some(TOKEN) {
        st.problems.push("no X-Shopify-Access-Token".into());
        return Some(
            (
                StatusCode::UNAUTHORIZED,
                axum::Json(
                    json!({"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}),
                ),
            )
                .into_response(),
        );
    }
    if method != Method::POST || uri.path() != format!("/admin/api/{}/graphql.json", st.version) {
        return Some(problem(&mut st, format!("unexpected request {method} {}", uri.path())));
    }
    let Ok(req) = serde_json::from_slice::<Value>(&body) else {
        return Some(problem(&mut st, "the body is not JSON".into()));
    };
    let query = req["query"].as_str().unwrap_or("").to_string();
    let vars = req["variables"].clone();
    let op = ["paydeskSuggestedRefund", "paydeskRefund", "paydeskOrderRefunds", "paydeskTransaction"]
        .into_iter()
        .find(|o| query.contains(&format!(" {o}(")));
    let Some(op) = op else { return Some(problem(&mut st, format!("unknown operation: {query}"))) };
    st.requests.push(op.to_string());
    if op != "paydeskRefund" {
        if let Some((code, body)) = st.lookup_script.pop_front() {
            if op != "paydeskSuggestedRefund" {
                return Some((StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST), body).into_response());
            }
            st.lookup_script.push_front((code, body));
        }
    }
    let order_gid = format!("gid://shopify/Order/{ORDER}");
    let refunded: i64 = st.refunds.iter().map(|r| r.minor).sum();
    let left = st.total - refunded;
    Some(match op {
        "paydeskSuggestedRefund" => {
            if vars["id"] != json!(order_gid) {
                return Some((StatusCode::OK, axum::Json(json!({"data": {"order": null}}))).into_response());
            }
            let Some(asked) = parse_money(&vars["amount"]) else {
                return Some(problem(&mut st, format!("refundAmount is not Money: {}", vars["amount"])));
            };
            let amount = asked.min(left);
            (StatusCode::OK, axum::Json(json!({"data": {"order": {"id": order_gid, "currencyCode": "USD", "suggestedRefund": {
                "amountSet": {"shopMoney": {"amount": money(amount), "currencyCode": "USD"}},
                "maximumRefundableSet": {"shopMoney": {"amount": money(left), "currencyCode": "USD"}},
                "suggestedTransactions": [{"kind": "SUGGESTED_REFUND", "gateway": GATEWAY,
                    "amountSet": {"shopMoney": {"amount": money(amount), "currencyCode": "USD"}}, "parentTransaction": {"id": SALE}}]}}},
                "extensions": {"cost": {"requestedQueryCost": 4, "actualQueryCost": 4, "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": 1996, "restoreRate": 100.0}}}})))
            .into_response()
        }
        "paydeskOrderRefunds" => {
            let list: Vec<Value> = st.refunds.iter().map(gql_refund).collect();
            (StatusCode::OK, axum::Json(json!({"data": {"order": {"id": order_gid, "refunds": list}}}))).into_response()
        }
        "paydeskTransaction" => {
            let id = vars["id"].as_str().unwrap_or("").rsplit('/').next().unwrap_or("").to_string();
            let node = st
                .refunds
                .iter()
                .find(|r| r.txn_id.to_string() == id)
                .map(|r| gql_refund(r)["transactions"]["nodes"][0].clone());
            (StatusCode::OK, axum::Json(json!({"data": {"node": node}}))).into_response()
        }
        _ => return create(&mut st, &query, &vars, left),
    })
}

fn create(st: &mut ShopState, query: &str, vars: &Value, left: i64) -> Option<Response> {
    let directive = query.contains("@idempotent(key:");
    // [idempotent] the directive exists from 2026-01 and is required from 2026-04.
    let idempotent_version = st.version.as_str() >= "2026-01";
    if directive && !idempotent_version {
        return Some(gql_error("Directive 'idempotent' is not defined", "undefinedDirective"));
    }
    if !directive && st.version.as_str() >= "2026-04" {
        return Some(gql_error("The @idempotent directive is required for this mutation", "BAD_REQUEST"));
    }
    let key = if directive { vars["key"].as_str().map(str::to_string) } else { None };
    if directive && key.is_none() {
        return Some(problem(st, "@idempotent without a key variable".into()));
    }
    if let Some(saved) = key.as_ref().and_then(|k| st.saved.get(k)).cloned() {
        return Some((StatusCode::OK, axum::Json(saved)).into_response());
    }
    let input = &vars["input"];
    let order_gid = format!("gid://shopify/Order/{ORDER}");
    if input["orderId"] != json!(order_gid) {
        return Some(problem(st, format!("orderId {}", input["orderId"])));
    }
    let note = input["note"].as_str().unwrap_or("").to_string();
    if note.contains(super::AGENT_NOTE) || note.contains("duplicate charge") {
        return Some(problem(st, format!("the agent's note reached the order: {note}")));
    }
    if input["notify"].as_bool().is_none() {
        return Some(problem(st, "notify must be a boolean".into()));
    }
    let Some(txs) = input["transactions"].as_array().filter(|t| t.len() == 1) else {
        return Some(problem(st, format!("one transaction expected: {input}")));
    };
    let tx = &txs[0];
    if tx["kind"] != "REFUND" || tx["parentId"] != SALE || tx["gateway"] != GATEWAY || tx["orderId"] != json!(order_gid)
    {
        return Some(problem(
            st,
            format!("the transaction must refund the sale through its gateway [refundCreate]: {tx}"),
        ));
    }
    let Some(amount) = parse_money(&tx["amount"]) else {
        return Some(problem(st, format!("amount is not Money: {}", tx["amount"])));
    };
    if amount > left {
        return Some(
            (
                StatusCode::OK,
                axum::Json(json!({"data": {"refundCreate": {"refund": null, "order": null, "userErrors": [
            {"field": ["transactions", "0", "amount"], "message": format!("Amount exceeds the maximum refundable amount of {}", money(left))}]}}})),
            )
                .into_response(),
        );
    }
    let answer = st.script.pop_front().unwrap_or(Answer::Ok);
    if answer == Answer::Throttled {
        return Some(
            (StatusCode::OK, axum::Json(json!({"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
                "extensions": {"cost": {"requestedQueryCost": 20, "actualQueryCost": null, "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": 10, "restoreRate": 10.0}}}})))
            .into_response(),
        );
    }
    st.next += 2;
    let r = ShopRefund {
        refund_id: st.next - 1,
        txn_id: st.next,
        minor: amount,
        status: if answer == Answer::Pending { "PENDING" } else { "SUCCESS" },
        note: note.clone(),
    };
    st.refunds.push(r.clone());
    let count_key = key.clone().unwrap_or_else(|| note.clone());
    *st.creations.entry(count_key).or_default() += 1;
    let resp =
        json!({"data": {"refundCreate": {"refund": gql_refund(&r), "order": {"id": order_gid}, "userErrors": []}}});
    if let Some(k) = key {
        st.saved.insert(k, resp.clone());
    }
    match answer {
        Answer::Hang => None,
        _ => Some((StatusCode::OK, axum::Json(resp)).into_response()),
    }
}

pub async fn engine_on(fake: &ShopFake, url: &str) -> (Arc<Engine>, Arc<ManualClock>, Providers) {
    let store = AnyStore::open(url).await.expect("store");
    let clock = Arc::new(ManualClock::default());
    let sandbox = Arc::new(Sandbox::new(store.sandbox_books(), clock.clone()));
    let providers = Providers::build(Some(&fake.config()), "test.toml", &ShopFake::env, None).expect("providers");
    let engine = Arc::new(Engine::new(store.as_store(), providers.connectors(sandbox), EngineConfig::default()));
    (engine, clock, providers)
}

pub async fn seed_people(engine: &Engine, start: &str) {
    let at = t(start);
    let account = AccountId::new(format!("shopify-{CUSTOMER}"));
    engine
        .seed_account(&Account { id: account.clone(), currency: Currency::USD, auto_recharge: None }, None, at)
        .await
        .unwrap();
    for (id, roles) in [
        ("ana", Roles::CUSTOMER),
        ("bo", [Role::Agent].into_iter().collect()),
        ("kim", [Role::Lead].into_iter().collect()),
        ("max", [Role::Lead].into_iter().collect()),
    ] {
        let acc = (id == "ana").then(|| account.clone());
        engine.seed_user(&User { id: UserId::new(id.to_string()), roles, account: acc }, at).await.unwrap();
    }
}

pub async fn seed_order(engine: &Engine, start: &str) {
    seed_people(engine, start).await;
    let at = t(start);
    let charge = Charge {
        description: "Shopify order #1001".into(),
        provider: "shopify".to_string(),
        ..card_charge(ORDER, &format!("shopify-{CUSTOMER}"), "49.00", at)
    };
    engine.seed_charge(&charge, at).await.unwrap();
}

pub async fn refund_and_approve(engine: &Engine, amount: &str, at: &str) -> Vec<String> {
    let out = request_on(engine, ORDER, amount, t(at)).await;
    super::approve(engine, t(at) + chrono::Duration::minutes(1)).await;
    out
}
