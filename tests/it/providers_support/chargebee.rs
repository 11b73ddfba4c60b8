//! A fake Chargebee site (API v2), written from Chargebee's reference. Every rule it
//! enforces cites where it comes from:
//!
//! - [refund] apidocs.chargebee.com/docs/api/invoices#refund_an_invoice:
//!   `POST /api/v2/invoices/{invoice_id}/refund`, form-encoded, `refund_amount` (integer, in
//!   cents, at most what is left to refund), `credit_note[reason_code]`
//!   (product_unsatisfactory, service_unsatisfactory, order_change, order_cancellation,
//!   waiver, other), `comment`, `customer_notes`; answers `{invoice, transaction,
//!   credit_note}` (parameter names as chargebee/chargebee-go `models/invoice`
//!   `RefundRequestParams` sends them).
//! - [payment] apidocs.chargebee.com/docs/api/transactions#refund_a_payment:
//!   `POST /api/v2/transactions/{transaction_id}/refund` with `amount` (in cents) and
//!   `comment`, answering `{transaction}` (chargebee/chargebee-go `models/transaction`
//!   `RefundRequestParams`: `Amount`, `Comment`).
//! - [auth] apidocs.chargebee.com/docs/api/auth: HTTP Basic, the API key as user name, an
//!   empty password.
//! - [idempotency] apidocs.chargebee.com/docs/api/idempotency: header
//!   `chargebee-idempotency-key`; a replay answers the stored response with
//!   `chargebee-idempotency-replayed: true`; "an idempotency window of 30 minutes" — after
//!   it the same key makes a new refund (`forget_keys` plays that).
//! - [errors] apidocs.chargebee.com/docs/api/error-handling: `{message, type,
//!   api_error_code, param}`, 400 for client errors, 404 `resource_not_found`, 429 when the
//!   site's limit is hit (no Retry-After is documented; the limit "resets in approximately a
//!   minute": support.chargebee.com article 250853).
//! - [transaction] apidocs.chargebee.com/docs/api/transactions: `{id, type, status,
//!   amount, currency_code, date, customer_id, reference_transaction_id}`; status
//!   success/in_progress/failure/voided; `GET /api/v2/transactions/{id}`.
//! - [comments] apidocs.chargebee.com/docs/api/comments: `GET /api/v2/comments?entity_type=
//!   invoice&entity_id=…` answers `{list: [{comment: {id, entity_type, entity_id, notes,
//!   created_at}}]}`; the refund's `comment` is added to the invoice.
//! - [events] apidocs.chargebee.com/docs/api/events and …/webhooks: `{id, occurred_at,
//!   event_type, content}`; webhooks carry the Basic auth set on them.

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
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const API_KEY: &str = "test_cb_0123456789abcdef";
pub const HOOK_USER: &str = "paydesk-hook";
pub const HOOK_PASS: &str = "cb-hook-password";
/// The invoice every test refunds: 49.00 EUR, customer `AzZ1`, paid by `txn_pay1`.
pub const INVOICE: &str = "inv_1042";
pub const CUSTOMER: &str = "AzZ1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Made, `success`.
    Ok,
    /// Made, `in_progress` (an offline gateway finishes later).
    Pending,
    /// Made, but the answer never comes.
    Hang,
    /// 429 `api_request_limit_exceeded` [errors]; nothing made.
    RateLimited,
    /// 500 before anything is made.
    ServerError,
}

#[derive(Debug, Clone)]
pub struct Txn {
    pub id: String,
    pub minor: i64,
    pub status: String,
}

#[derive(Default)]
pub struct CbState {
    pub script: VecDeque<Answer>,
    pub lookup_script: VecDeque<(u16, String)>,
    pub total: i64,
    pub refunds: Vec<Txn>,
    /// Stored answers by idempotency key [idempotency].
    pub saved: HashMap<String, Value>,
    pub comments: Vec<String>,
    pub creations: HashMap<String, u32>,
    pub problems: Vec<String>,
    pub requests: Vec<String>,
    pub next: u32,
}

#[derive(Clone)]
pub struct CbFake {
    pub state: Arc<Mutex<CbState>>,
    pub addr: SocketAddr,
}

impl CbFake {
    pub async fn start(script: &[Answer]) -> CbFake {
        let state = CbState { script: script.iter().copied().collect(), total: 4900, ..Default::default() };
        let state = Arc::new(Mutex::new(state));
        super::serve_fake(|addr| CbFake { state, addr }, handle).await
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn config(&self) -> toml::Value {
        toml::from_str(&format!(
            "[chargebee]\nbase_url = \"{}\"\ntimeout_ms = 400\nmax_attempts = 3\nbackoff_ms = 20\nmax_wait_ms = 2000\n",
            self.base_url()
        ))
        .expect("toml")
    }

    pub fn env(k: &str) -> Option<String> {
        match k {
            "PAYDESK_CHARGEBEE_API_KEY" => Some(API_KEY.into()),
            "PAYDESK_CHARGEBEE_WEBHOOK_USERNAME" => Some(HOOK_USER.into()),
            "PAYDESK_CHARGEBEE_WEBHOOK_PASSWORD" => Some(HOOK_PASS.into()),
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

    /// The idempotency window passed [idempotency]: stored keys are gone.
    pub fn forget_keys(&self) {
        self.state.lock().unwrap().saved.clear();
    }

    /// A refund made in Chargebee's web app (not by paydesk).
    pub fn refund_in_app(&self, minor: i64) -> String {
        let mut st = self.state.lock().unwrap();
        st.next += 1;
        let id = format!("txn_app{}", st.next);
        st.refunds.push(Txn { id: id.clone(), minor, status: "success".into() });
        id
    }

    /// Sets a refund's status (the gateway finished it).
    pub fn settle(&self, id: &str, status: &str) {
        let mut st = self.state.lock().unwrap();
        if let Some(t) = st.refunds.iter_mut().find(|t| t.id == id) {
            t.status = status.to_string();
        }
    }

    /// The transactions export [transaction]: the payment and every refund.
    pub fn export_csv(&self) -> String {
        let st = self.state.lock().unwrap();
        let mut out = String::from(
            "transactions.id,transactions.customer_id,transactions.type,transactions.status,transactions.amount,transactions.currency_code,transactions.date,transactions.reference_transaction_id\n",
        );
        out.push_str(&format!("txn_pay1,{CUSTOMER},payment,success,{},EUR,2026-04-01 10:00:00,\n", cents(st.total)));
        for r in &st.refunds {
            out.push_str(&format!(
                "{},{CUSTOMER},refund,{},{},EUR,2026-04-01 11:01:00,txn_pay1\n",
                r.id,
                r.status,
                cents(r.minor)
            ));
        }
        out
    }

    /// An event as Chargebee delivers it [events].
    pub fn event(&self, id: &str, event_type: &str, occurred_at: i64) -> Value {
        let st = self.state.lock().unwrap();
        let linked: Vec<Value> = st
            .refunds
            .iter()
            .map(|r| json!({"txn_id": r.id, "applied_amount": r.minor, "txn_status": r.status}))
            .collect();
        let content = match event_type {
            "credit_note_created" => {
                json!({"credit_note": {"id": "CN-1", "reference_invoice_id": INVOICE, "linked_refunds": linked}})
            }
            _ => {
                let r = st.refunds.last().cloned();
                json!({"transaction": r.map(|r| txn_json(&r))})
            }
        };
        json!({"id": id, "occurred_at": occurred_at, "source": "admin_console", "object": "event", "api_version": "v2",
               "event_type": event_type, "content": content})
    }
}

fn cents(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

fn txn_json(r: &Txn) -> Value {
    json!({"id": r.id, "object": "transaction", "type": "refund", "status": r.status, "amount": r.minor, "currency_code": "EUR",
           "customer_id": CUSTOMER, "reference_transaction_id": "txn_pay1", "date": 1775041260})
}

/// A Chargebee error [errors].
fn cb_error(status: StatusCode, code: &str, message: &str, param: Option<&str>) -> Response {
    let mut v = json!({"message": message, "type": "invalid_request", "api_error_code": code, "http_status_code": status.as_u16()});
    if let Some(p) = param {
        v["param"] = json!(p);
    }
    (status, axum::Json(v)).into_response()
}

fn problem(st: &mut CbState, p: String) -> Response {
    st.problems.push(p.clone());
    (StatusCode::BAD_REQUEST, p).into_response()
}

async fn handle(State(f): State<CbFake>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    match respond(&f, method, uri, headers, body) {
        Some(r) => r,
        None => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            (StatusCode::GATEWAY_TIMEOUT, "too late").into_response()
        }
    }
}

fn respond(f: &CbFake, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Option<Response> {
    let path = uri.path().to_string();
    let mut st = f.state.lock().unwrap();
    st.requests.push(format!("{method} {path}"));
    // [auth] the API key as user name, empty password.
    let want = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{API_KEY}:")));
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(want.as_str()) {
        st.problems.push(format!("{method} {path}: not Basic API key auth"));
        return Some(cb_error(
            StatusCode::UNAUTHORIZED,
            "api_authentication_failed",
            "Sorry, authentication failed.",
            None,
        ));
    }
    if method == Method::GET {
        if let Some((code, body)) = st.lookup_script.pop_front() {
            return Some((StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST), body).into_response());
        }
    }
    let parts: Vec<&str> = path.trim_start_matches("/api/v2/").split('/').collect();
    Some(match (method.clone(), parts.as_slice()) {
        (Method::POST, ["invoices", inv, "refund"]) => return create(&mut st, Target::Invoice(inv), &headers, &body),
        (Method::POST, ["transactions", id, "refund"]) => return create(&mut st, Target::Payment(id), &headers, &body),
        (Method::GET, ["transactions", id]) => match st.refunds.iter().find(|r| r.id == *id) {
            Some(r) => (StatusCode::OK, axum::Json(json!({"transaction": txn_json(r)}))).into_response(),
            None => {
                cb_error(StatusCode::NOT_FOUND, "resource_not_found", "Sorry, we couldn't find that resource", None)
            }
        },
        (Method::GET, ["comments"]) => {
            let q = uri.query().unwrap_or("");
            let invoice = q.contains("entity_type=invoice") && q.contains(&format!("entity_id={INVOICE}"));
            let payment = q.contains("entity_type=transaction") && q.contains("entity_id=txn_pay1");
            if !invoice && !payment {
                return Some(problem(&mut st, format!("comments listed for something else: {q}")));
            }
            let list: Vec<Value> = st
                .comments
                .iter()
                .enumerate()
                .map(|(i, n)| json!({"comment": {"id": format!("cmt_{i}"), "entity_type": "invoice", "entity_id": INVOICE, "notes": n, "type": "user"}}))
                .collect();
            (StatusCode::OK, axum::Json(json!({"list": list}))).into_response()
        }
        _ => problem(&mut st, format!("unexpected request {method} {path}")),
    })
}

/// What is refunded: an invoice [refund] or a payment ([payment] `POST /api/v2/transactions/
/// {id}/refund` with `amount` and `comment`, answering `{transaction}`).
#[derive(Debug, Clone, Copy)]
enum Target<'a> {
    Invoice(&'a str),
    Payment(&'a str),
}

fn create(st: &mut CbState, target: Target, headers: &HeaderMap, body: &[u8]) -> Option<Response> {
    if headers.get("content-type").and_then(|v| v.to_str().ok()) != Some("application/x-www-form-urlencoded") {
        return Some(problem(st, "the body must be form-encoded [refund]".into()));
    }
    let form: HashMap<String, String> =
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default().into_iter().collect();
    let Some(key) = headers.get("chargebee-idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_string) else {
        return Some(problem(st, "no chargebee-idempotency-key (paydesk always sends one)".into()));
    };
    if key.len() > 100 {
        return Some(problem(st, "idempotency keys are at most 100 characters [idempotency]".into()));
    }
    // [idempotency] a replay inside the window answers the stored response.
    if let Some(saved) = st.saved.get(&key).cloned() {
        return Some((StatusCode::OK, [("chargebee-idempotency-replayed", "true")], axum::Json(saved)).into_response());
    }
    let (known, amount_field) = match target {
        Target::Invoice(inv) => (inv == INVOICE, "refund_amount"),
        Target::Payment(id) => (id == "txn_pay1", "amount"),
    };
    if !known {
        return Some(cb_error(
            StatusCode::NOT_FOUND,
            "resource_not_found",
            "Sorry, we couldn't find that resource",
            None,
        ));
    }
    let Some(amount) = form.get(amount_field).and_then(|a| a.parse::<i64>().ok()) else {
        return Some(problem(st, format!("{amount_field} must be an integer in cents [refund]/[payment]: {form:?}")));
    };
    let reason = form.get("credit_note[reason_code]").map(String::as_str).unwrap_or("");
    let invoice = matches!(target, Target::Invoice(_));
    if invoice
        && ![
            "product_unsatisfactory",
            "service_unsatisfactory",
            "order_change",
            "order_cancellation",
            "waiver",
            "other",
        ]
        .contains(&reason)
    {
        return Some(problem(st, format!("credit_note[reason_code] `{reason}` is not one of Chargebee's [refund]")));
    }
    if !invoice && form.keys().any(|k| k != "amount" && k != "comment") {
        return Some(problem(st, format!("a payment refund takes amount and comment only [payment]: {form:?}")));
    }
    let notes = form.get("customer_notes").cloned().unwrap_or_default();
    // (customer_notes exists on invoice refunds only.)
    if notes.contains(AGENT_NOTE) || notes.contains("duplicate charge") {
        return Some(problem(st, format!("the agent's note reached the customer: {notes}")));
    }
    let comment = form.get("comment").cloned().unwrap_or_default();
    if !comment.contains(&key) {
        return Some(problem(st, "paydesk writes its key into the comment".into()));
    }
    if amount <= 0 {
        return Some(cb_error(
            StatusCode::BAD_REQUEST,
            "param_wrong_value",
            "refund_amount : should be greater than 0",
            Some("refund_amount"),
        ));
    }
    let left = st.total - st.refunds.iter().map(|r| r.minor).sum::<i64>();
    if amount > left {
        return Some(cb_error(
            StatusCode::BAD_REQUEST,
            "param_wrong_value",
            &format!("refund_amount : cannot be more than the refundable amount {}", cents(left)),
            Some("refund_amount"),
        ));
    }
    let answer = st.script.pop_front().unwrap_or(Answer::Ok);
    match answer {
        Answer::RateLimited => {
            return Some(cb_error(
                StatusCode::TOO_MANY_REQUESTS,
                "api_request_limit_exceeded",
                "Sorry, access has been blocked temporarily due to request count exceeding acceptable limits.",
                None,
            ))
        }
        Answer::ServerError => {
            return Some(cb_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "Sorry, something went wrong.",
                None,
            ))
        }
        _ => {}
    }
    st.next += 1;
    let status = if answer == Answer::Pending { "in_progress" } else { "success" };
    let t = Txn { id: format!("txn_r{}", st.next), minor: amount, status: status.into() };
    st.refunds.push(t.clone());
    st.comments.push(comment);
    *st.creations.entry(key.clone()).or_default() += 1;
    let resp = if !invoice {
        json!({"transaction": txn_json(&t)})
    } else {
        json!({"invoice": {"id": INVOICE, "status": "paid", "amount_paid": st.total}, "transaction": txn_json(&t),
                      "credit_note": {"id": format!("CN-{}", st.next), "reference_invoice_id": INVOICE, "type": "refundable", "reason_code": reason,
                                      "status": "refunded", "total": amount, "linked_refunds": [{"txn_id": t.id, "applied_amount": amount, "txn_status": status}]}})
    };
    st.saved.insert(key, resp.clone());
    match answer {
        Answer::Hang => None,
        _ => Some((StatusCode::OK, axum::Json(resp)).into_response()),
    }
}

pub async fn engine_on(fake: &CbFake, url: &str) -> (Arc<Engine>, Arc<ManualClock>, Providers) {
    let store = AnyStore::open(url).await.expect("store");
    let clock = Arc::new(ManualClock::default());
    let sandbox = Arc::new(Sandbox::new(store.sandbox_books(), clock.clone()));
    let providers = Providers::build(Some(&fake.config()), "test.toml", &CbFake::env, None).expect("providers");
    let engine = Arc::new(Engine::new(store.as_store(), providers.connectors(sandbox), EngineConfig::default()));
    (engine, clock, providers)
}

/// An engine whose Chargebee connector acts as if every key were past the idempotency
/// window (its replay window is zero).
pub async fn engine_past_window(fake: &CbFake, url: &str) -> Arc<Engine> {
    use paydesk::adapters::payments::chargebee::ChargebeeConnector;
    use paydesk::adapters::payments::executor::{Auth, Executor, ExecutorConfig};
    use paydesk::config::Secret;
    let store = AnyStore::open(url).await.expect("store");
    let clock = Arc::new(ManualClock::default());
    let sandbox = Arc::new(Sandbox::new(store.sandbox_books(), clock.clone()));
    let mut ec = ExecutorConfig::new(&fake.base_url());
    ec.timeout = Duration::from_millis(400);
    ec.backoff = Duration::from_millis(20);
    let exec = Arc::new(
        Executor::new("chargebee", ec, Auth::Basic { user: Secret::new(API_KEY), pass: Secret::new("") }, None)
            .unwrap(),
    );
    let connectors = paydesk::app::engine::Connectors::default()
        .with(sandbox)
        .with(Arc::new(ChargebeeConnector::with_replay_window(exec, Duration::ZERO)));
    Arc::new(Engine::new(store.as_store(), connectors, EngineConfig::default()))
}

/// Customer ana (account `cb-AzZ1`, EUR), agent bo, leads kim and max.
pub async fn seed_people(engine: &Engine, start: &str) {
    let at = t(start);
    let account = AccountId::new(format!("cb-{CUSTOMER}"));
    engine
        .seed_account(
            &Account { id: account.clone(), currency: Currency::from_code("EUR").unwrap(), auto_recharge: None },
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
        let acc = (id == "ana").then(|| account.clone());
        engine.seed_user(&User { id: UserId::new(id.to_string()), roles, account: acc }, at).await.unwrap();
    }
}

/// Invoice inv_1042 (49.00 EUR) as a charge through Chargebee.
pub async fn seed_invoice(engine: &Engine, start: &str) {
    seed_people(engine, start).await;
    let at = t(start);
    let charge = Charge {
        currency: Currency::from_code("EUR").unwrap(),
        description: "Chargebee invoice inv_1042".into(),
        provider: "chargebee".to_string(),
        ..card_charge(INVOICE, &format!("cb-{CUSTOMER}"), "49.00", at)
    };
    engine.seed_charge(&charge, at).await.unwrap();
}

/// Agent bo asks for `amount` back on the invoice at `at`; leads approve a minute later.
pub async fn refund_and_approve(engine: &Engine, amount: &str, at: &str) -> Vec<String> {
    let out = request_on(engine, INVOICE, amount, t(at)).await;
    super::approve(engine, t(at) + chrono::Duration::minutes(1)).await;
    out
}
