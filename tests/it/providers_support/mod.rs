//! Fake payment providers for the provider tests: one local HTTP server per test that
//! checks each request exactly as the provider documents it (method, path, auth,
//! idempotency header or field, body encoding and field types), honours idempotency
//! keys like the real provider, and answers from a script: success, pending, a
//! documented error, 429 with Retry-After, 503, or no answer at all (the refund is
//! made, then the connection hangs past the client's timeout).

pub mod amazon_pay;
pub mod chargebee;
pub mod checkout;
pub mod klarna;
pub mod schema;
pub mod shopify;
pub mod woocommerce;

use crate::common::card_charge;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine as _;
use paydesk::adapters::payments::sandbox::Sandbox;
use paydesk::adapters::payments::setup::Providers;
use paydesk::adapters::store::AnyStore;
use paydesk::adapters::surfaces::replay::ManualClock;
use paydesk::app::engine::{Actor, Engine, EngineConfig, Event};
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Stripe,
    PayPal,
    Adyen,
    Square,
    Braintree,
    Mollie,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Stripe => "stripe",
            Kind::PayPal => "paypal",
            Kind::Adyen => "adyen",
            Kind::Square => "square",
            Kind::Braintree => "braintree",
            Kind::Mollie => "mollie",
        }
    }

    /// A charge id in the provider's own form.
    pub fn charge_id(self) -> &'static str {
        match self {
            Kind::Stripe => "ch_3PqX9a2eZvKYlo2C0abc",
            Kind::PayPal => "8MC585209K746392H",
            Kind::Adyen => "QFQTPCQ8HXSKGK82",
            Kind::Square => "R2B3Z8WMVt3EAmzYWLZvz7Y69EbZY",
            Kind::Braintree => "dHJhbnNhY3Rpb25fOWtqMnhx",
            Kind::Mollie => "tr_7UhSN1zuXS",
        }
    }

    pub const ALL: [Kind; 6] = [Kind::Stripe, Kind::PayPal, Kind::Adyen, Kind::Square, Kind::Braintree, Kind::Mollie];
}

/// What the next refund-creating request gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Made, final success.
    Ok,
    /// Made, pending; later reads say it succeeded.
    Pending,
    /// A documented refusal (amount exceeded); nothing made.
    Refused,
    /// 429 with `Retry-After: 1`; nothing made.
    RateLimited,
    /// 503; nothing made.
    Unavailable,
    /// Made, but the answer never comes (hangs past the client timeout).
    Hang,
    /// 500 and nothing made. Stripe saves it under the key: "Subsequent requests with
    /// the same key return the same result, including 500 errors"
    /// (docs.stripe.com/api/idempotent_requests); the others answer the replay afresh.
    ServerError,
}

#[derive(Default)]
pub struct FakeState {
    pub script: VecDeque<Answer>,
    /// Refunds made, by idempotency key: (id, final?).
    pub made: HashMap<String, (String, bool)>,
    /// Requests that made a refund, per key (must never exceed 1).
    pub creations: HashMap<String, u32>,
    pub requests: Vec<String>,
    pub token_fetches: u32,
    pub problems: Vec<String>,
    /// Answer reads of a pending refund with success after this many reads.
    pub reads: u32,
    /// Mollie: the payment has a chargeback.
    pub chargeback: bool,
    /// The charge the fake's provider holds: (ISO code, amount in the provider's own
    /// minor units as it documents them). Refunds above what is left are refused.
    pub charge: (String, i64),
    /// Amounts refunded, by key, in the provider's minor units (what actually left).
    pub amounts: HashMap<String, i64>,
    /// Answers for lookups (reads) before the normal ones: a 4xx after a lost answer.
    pub lookup_script: VecDeque<(u16, String)>,
    /// Stripe: answers saved under a key (a 500 replays as the same 500).
    pub saved: HashMap<String, (u16, Value)>,
    /// The invoice id of the PayPal request being answered (used once a refund is made).
    pub last_invoice: Option<String>,
    /// PayPal invoice ids already used on the account.
    pub paypal_invoices: Vec<String>,
    /// PayPal webhook deliveries the fake "sent", byte for byte (what PayPal signed).
    pub paypal_sent: Vec<Vec<u8>>,
    /// The amount of the refund-creating request being answered.
    pub last_amount: Option<i64>,
    /// Hosted payment pages made (Stripe Checkout Sessions, Mollie payments).
    pub pages: Vec<checkout::Page>,
    /// The fake's clock, Unix seconds (pages' expiry).
    pub now: i64,
    /// The next page-side call that takes money (a PayPal capture, a Stripe off-session
    /// PaymentIntent) is made, and its answer never comes.
    pub hang_next_charge: bool,
    /// Set by a page-side call that must hang (see `hang_next_charge`).
    pub hang_now: bool,
    /// Requests that took money, by key (PayPal capture request id, Stripe idempotency key).
    pub charges_made: HashMap<String, u32>,
    /// Answers saved under a key (PayPal-Request-Id of a capture, Stripe Idempotency-Key
    /// of a PaymentIntent): a retry replays them.
    pub replays: HashMap<String, (u16, Value)>,
    /// Stripe: how the saved card answers an off-session charge: `ok`,
    /// `authentication_required` or `card_declined`.
    pub card: String,
    /// What the payer "really" paid, when it differs from the page (amount in the
    /// provider's own form, currency): a tampered or mis-priced payment.
    pub paid_instead: Option<(String, String)>,
}

#[derive(Clone)]
pub struct Fake {
    pub kind: Kind,
    pub state: Arc<Mutex<FakeState>>,
    pub addr: SocketAddr,
}

/// Words an agent wrote in a refund reason, which must never reach the payer.
pub const AGENT_NOTE: &str = "customer was rude; unauthorized fraud suspected";

pub const API_KEY: &str = "test-secret-key-0123456789";
pub const CLIENT_ID: &str = "client-id-abc";
pub const CLIENT_SECRET: &str = "client-secret-xyz";
pub const TOKEN: &str = "A21AA-access-token";
pub const BT_PUBLIC: &str = "bt-public";
pub const BT_PRIVATE: &str = "bt-private";

impl Fake {
    pub async fn start(kind: Kind, script: &[Answer]) -> Fake {
        let charge = match kind {
            Kind::Adyen | Kind::Mollie => ("EUR".to_string(), 4900),
            _ => ("USD".to_string(), 4900),
        };
        let state =
            Arc::new(Mutex::new(FakeState { script: script.iter().copied().collect(), charge, ..Default::default() }));
        serve_fake(|addr| Fake { kind, state, addr }, handle).await
    }

    pub fn base_url(&self) -> String {
        match self.kind {
            Kind::Adyen => format!("http://{}/v72", self.addr),
            _ => format!("http://{}", self.addr),
        }
    }

    pub fn snapshot(&self) -> (HashMap<String, u32>, Vec<String>) {
        let s = self.state.lock().unwrap();
        (s.creations.clone(), s.problems.clone())
    }

    pub fn env(&self) -> impl Fn(&str) -> Option<String> {
        |k: &str| {
            Some(
                match k {
                    "PAYDESK_PAYPAL_CLIENT_ID" => CLIENT_ID,
                    "PAYDESK_PAYPAL_CLIENT_SECRET" => CLIENT_SECRET,
                    "PAYDESK_BRAINTREE_PUBLIC_KEY" => BT_PUBLIC,
                    "PAYDESK_BRAINTREE_PRIVATE_KEY" => BT_PRIVATE,
                    // Adyen's HMAC key is required (its outcomes come only by webhook).
                    "PAYDESK_ADYEN_WEBHOOK_SECRET" => {
                        "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056"
                    }
                    k if k.ends_with("_WEBHOOK_SECRET") => return None,
                    _ => API_KEY,
                }
                .to_string(),
            )
        }
    }

    /// `[providers.<name>]` pointing at this fake, with a short timeout.
    pub fn config(&self) -> toml::Value {
        let extra = match self.kind {
            Kind::Adyen => "merchant_account = \"PaydeskECOM\"\n",
            Kind::Square => "location_id = \"L8FAKELOCATION\"\n",
            _ => "",
        };
        toml::from_str(&format!(
            "[{}]\nbase_url = \"{}\"\ntimeout_ms = 400\nmax_attempts = 3\nbackoff_ms = 20\nmax_wait_ms = 2000\n{extra}",
            self.kind.name(),
            self.base_url()
        ))
        .expect("toml")
    }
}

/// Why a refund-creating request is not accepted: malformed by our own test's standard
/// (a bug in the connector: recorded as a problem), or refused as the provider's API
/// refuses it (a documented error answer).
pub enum Refusal {
    Malformed(String),
    Api(StatusCode, Value),
}

impl From<String> for Refusal {
    fn from(s: String) -> Refusal {
        Refusal::Malformed(s)
    }
}

impl From<&str> for Refusal {
    fn from(s: &str) -> Refusal {
        Refusal::Malformed(s.to_string())
    }
}

fn problem(st: &mut FakeState, p: String) -> Response {
    st.problems.push(p.clone());
    (StatusCode::BAD_REQUEST, p).into_response()
}

fn h<'a>(headers: &'a HeaderMap, n: &str) -> &'a str {
    headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("")
}

fn basic(user: &str, pass: &str) -> String {
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}")))
}

/// The provider's refund object for `id`, final or pending.
fn refund_json(kind: Kind, id: &str, key: &str, done: bool) -> (StatusCode, Value) {
    match kind {
        Kind::Stripe => (
            StatusCode::OK,
            json!({"id": id, "object": "refund", "amount": 1000, "currency": "usd", "status": if done {"succeeded"} else {"pending"}, "metadata": {"idempotency_key": key}}),
        ),
        Kind::PayPal => {
            (StatusCode::CREATED, json!({"id": id, "status": if done {"COMPLETED"} else {"PENDING"}, "custom_id": key}))
        }
        Kind::Adyen => (
            StatusCode::CREATED,
            json!({"merchantAccount": "PaydeskECOM", "paymentPspReference": kind.charge_id(), "pspReference": id, "reference": key, "status": "received", "amount": {"currency": "EUR", "value": 1000}}),
        ),
        Kind::Square => (
            StatusCode::OK,
            json!({"refund": {"id": id, "status": if done {"COMPLETED"} else {"PENDING"}, "payment_id": kind.charge_id()}}),
        ),
        Kind::Braintree => (
            StatusCode::OK,
            json!({"data": {"refundTransaction": {"clientMutationId": key, "refund": {"id": id, "legacyId": bt_legacy(id), "status": if done {"SETTLED"} else {"SUBMITTED_FOR_SETTLEMENT"}}}}}),
        ),
        Kind::Mollie => (
            StatusCode::CREATED,
            json!({"resource": "refund", "id": id, "status": if done {"refunded"} else {"pending"}, "metadata": {"idempotency_key": key}, "paymentId": kind.charge_id()}),
        ),
    }
}

fn refused(kind: Kind) -> (StatusCode, Value) {
    match kind {
        Kind::Stripe => (
            StatusCode::BAD_REQUEST,
            json!({"error": {"type": "invalid_request_error", "code": "amount_too_large", "message": "Refund amount ($10.00) is greater than unrefunded amount on charge ($0.00)"}}),
        ),
        Kind::PayPal => (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"name": "UNPROCESSABLE_ENTITY", "details": [{"issue": "REFUND_AMOUNT_EXCEEDED"}], "debug_id": "abc"}),
        ),
        Kind::Adyen => (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"status": 422, "errorCode": "137", "message": "Invalid amount specified", "errorType": "validation"}),
        ),
        Kind::Square => (
            StatusCode::BAD_REQUEST,
            json!({"errors": [{"category": "INVALID_REQUEST_ERROR", "code": "REFUND_AMOUNT_INVALID", "detail": "too much"}]}),
        ),
        Kind::Braintree => (
            StatusCode::OK,
            json!({"errors": [{"message": "Refund amount is too large.", "extensions": {"errorClass": "VALIDATION", "legacyCode": "91521"}}], "data": {"refundTransaction": null}}),
        ),
        Kind::Mollie => (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"status": 422, "title": "Unprocessable Entity", "detail": "The refund amount exceeds the amount available for refunding", "field": "amount"}),
        ),
    }
}

fn unavailable(kind: Kind, code: StatusCode) -> (StatusCode, Value) {
    match kind {
        Kind::Stripe => (
            code,
            json!({"error": {"type": if code == StatusCode::TOO_MANY_REQUESTS {"rate_limit_error"} else {"api_error"}, "message": "try later"}}),
        ),
        Kind::Square => (
            code,
            json!({"errors": [{"category": "RATE_LIMIT_ERROR", "code": if code == StatusCode::TOO_MANY_REQUESTS {"RATE_LIMITED"} else {"SERVICE_UNAVAILABLE"}}]}),
        ),
        Kind::Braintree if code == StatusCode::SERVICE_UNAVAILABLE => (
            StatusCode::OK,
            json!({"errors": [{"message": "down", "extensions": {"errorClass": "SERVICE_AVAILABILITY"}}]}),
        ),
        _ => (code, json!({"message": "try later"})),
    }
}

async fn handle(State(f): State<Fake>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    match respond(&f, method, uri, headers, body) {
        Some(r) => r,
        None => hang().await,
    }
}

/// The fake's answer; `None`: hang (the refund was made, the answer never comes).
fn respond(f: &Fake, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Option<Response> {
    let kind = f.kind;
    let path = uri.path().to_string();
    let query = uri.query().unwrap_or("").to_string();
    let mut st = f.state.lock().unwrap();
    st.requests.push(format!("{method} {path}"));
    // Authentication, as documented.
    let auth = h(&headers, "authorization").to_string();
    if kind == Kind::PayPal && path == "/v1/oauth2/token" {
        if method != Method::POST
            || auth != basic(CLIENT_ID, CLIENT_SECRET)
            || body.as_ref() != b"grant_type=client_credentials"
        {
            return Some(problem(&mut st, format!("bad token request: {auth} {:?}", String::from_utf8_lossy(&body))));
        }
        st.token_fetches += 1;
        return Some(
            (StatusCode::OK, axum::Json(json!({"access_token": TOKEN, "token_type": "Bearer", "expires_in": 32400})))
                .into_response(),
        );
    }
    let auth_ok = match kind {
        Kind::Stripe | Kind::Square | Kind::Mollie => auth == format!("Bearer {API_KEY}"),
        Kind::PayPal => auth == format!("Bearer {TOKEN}"),
        Kind::Adyen => h(&headers, "x-api-key") == API_KEY && auth.is_empty(),
        Kind::Braintree => auth == basic(BT_PUBLIC, BT_PRIVATE) && h(&headers, "braintree-version") == "2019-01-01",
    };
    if !auth_ok {
        return Some(problem(&mut st, format!("bad auth for {method} {path}")));
    }
    if let Some(r) = checkout::respond(kind, &mut st, &method, &path, &query, &headers, &body) {
        if std::mem::take(&mut st.hang_now) {
            return None;
        }
        return Some(r);
    }
    // Scripted answers to whatever asks about a refund already made (a read, or the
    // replay of the creating request under its key): the 4xx a lookup can get.
    if !st.made.is_empty() {
        if let Some((code, body)) = st.lookup_script.pop_front() {
            let code = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST);
            return Some((code, [("content-type", "application/json")], body).into_response());
        }
    }
    // Is it a refund-creating request? Check its shape; find its key.
    let json_body: Option<Value> = serde_json::from_slice(&body).ok();
    let create_key: Option<Result<String, Refusal>> = match (kind, &method, path.as_str()) {
        (Kind::Stripe, &Method::POST, "/v1/refunds") => Some(check_stripe(&mut st, &headers, &body)),
        (Kind::PayPal, &Method::POST, p) if p == format!("/v2/payments/captures/{}/refund", kind.charge_id()) => {
            Some(check_paypal(&mut st, &headers, json_body.as_ref()))
        }
        (Kind::Adyen, &Method::POST, p) if p == format!("/v72/payments/{}/refunds", kind.charge_id()) => {
            Some(check_adyen(&mut st, &headers, json_body.as_ref()))
        }
        (Kind::Square, &Method::POST, "/v2/refunds") => Some(check_square(&mut st, &headers, json_body.as_ref())),
        (Kind::Braintree, &Method::POST, "/graphql")
            if json_body.as_ref().is_some_and(|b| b["query"].as_str().unwrap_or("").starts_with("mutation")) =>
        {
            Some(check_braintree(&mut st, json_body.as_ref()))
        }
        (Kind::Mollie, &Method::POST, p) if p == format!("/v2/payments/{}/refunds", kind.charge_id()) => {
            Some(check_mollie(&headers, json_body.as_ref()).map_err(Refusal::from))
        }
        _ => None,
    };
    if let Some(key) = create_key {
        let key = match key {
            Ok(k) => k,
            Err(Refusal::Malformed(p)) => return Some(problem(&mut st, p)),
            Err(Refusal::Api(code, v)) => {
                st.requests.push(format!("refused: {v}"));
                return Some((code, axum::Json(v)).into_response());
            }
        };
        // Idempotency, as the provider does it: the same key returns the stored refund.
        if let Some((code, v)) = st.saved.get(&key).cloned() {
            return Some(
                (StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), axum::Json(v))
                    .into_response(),
            );
        }
        if let Some((id, done)) = st.made.get(&key).cloned() {
            st.reads += 1;
            let done = done || st.reads >= 2;
            st.made.insert(key.clone(), (id.clone(), done));
            let (c, v) = refund_json(kind, &id, &key, done);
            return Some((c, axum::Json(v)).into_response());
        }
        let answer = st.script.pop_front().unwrap_or(Answer::Ok);
        let make = |st: &mut FakeState, done: bool| {
            let n = st.made.len() + 1;
            // Braintree answers with a global id of the Refund's own type (LegacyIdType
            // REFUND in the GraphQL schema), and its legacyId.
            let id = if kind == Kind::Braintree {
                bt_global("refund", &format!("refake{n}"))
            } else {
                format!("re_fake_{n}")
            };
            st.made.insert(key.clone(), (id.clone(), done));
            *st.creations.entry(key.clone()).or_default() += 1;
            if let Some(a) = st.last_amount.take() {
                st.amounts.insert(key.clone(), a);
            }
            if let Some(i) = st.last_invoice.take() {
                st.paypal_invoices.push(i);
            }
            id
        };
        return match answer {
            Answer::Ok => {
                let id = make(&mut st, true);
                let (c, v) = refund_json(kind, &id, &key, true);
                (c, axum::Json(v)).into_response()
            }
            Answer::Pending => {
                let id = make(&mut st, false);
                let (c, v) = refund_json(kind, &id, &key, false);
                (c, axum::Json(v)).into_response()
            }
            Answer::Refused => {
                let (c, v) = refused(kind);
                (c, axum::Json(v)).into_response()
            }
            Answer::RateLimited => {
                let (c, v) = unavailable(kind, StatusCode::TOO_MANY_REQUESTS);
                (c, [("retry-after", "1")], axum::Json(v)).into_response()
            }
            Answer::Unavailable => {
                let (c, v) = unavailable(kind, StatusCode::SERVICE_UNAVAILABLE);
                (c, axum::Json(v)).into_response()
            }
            Answer::Hang => {
                make(&mut st, true);
                // Never answer within the client's timeout.
                return None;
            }
            Answer::ServerError => {
                let v = match kind {
                    Kind::Stripe => json!({"error": {"type": "api_error", "message": "An unknown error occurred"}}),
                    _ => json!({"message": "internal error"}),
                };
                if kind == Kind::Stripe {
                    st.saved.insert(key.clone(), (500, v.clone()));
                }
                (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(v)).into_response()
            }
        }
        .into();
    }
    // Reads.
    let find_by_id = |st: &mut FakeState, id: &str| -> Option<(String, String, bool)> {
        let (key, (rid, done)) = st.made.iter().find(|(_, (rid, _))| rid == id).map(|(k, v)| (k.clone(), v.clone()))?;
        st.reads += 1;
        let done = done || st.reads >= 2;
        st.made.insert(key.clone(), (rid.clone(), done));
        Some((key, rid, done))
    };
    let read = |st: &mut FakeState, id: &str| -> Response {
        match find_by_id(st, id) {
            Some((key, rid, done)) => {
                let (_, v) = refund_json(kind, &rid, &key, done);
                (StatusCode::OK, axum::Json(v)).into_response()
            }
            None => (
                StatusCode::NOT_FOUND,
                axum::Json(json!({"error": {"type": "invalid_request_error", "code": "resource_missing"}})),
            )
                .into_response(),
        }
    };
    Some(match (kind, path.as_str()) {
        (Kind::PayPal, "/v1/notifications/verify-webhook-signature") => {
            let b = json_body.unwrap_or(Value::Null);
            // PayPal signs "transmission_id|transmission_time|webhook_id|crc32(raw body)"
            // (developer.paypal.com/api/rest/webhooks/rest: "event body … CRC32 of the raw
            // event body"); `verify-webhook-signature` checks the `webhook_event` it is
            // given as that exact string, so a re-serialised event (keys reordered) fails
            // (PayPal-Python-SDK issue 196, PayPal-NET-SDK issue 353). The fake: a
            // delivery it sent must appear byte for byte in the request.
            let verbatim = st
                .paypal_sent
                .iter()
                .any(|sent| !sent.is_empty() && body.windows(sent.len()).any(|w| w == sent.as_slice()));
            let ok = b["webhook_id"] == "WH-TEST"
                && b["transmission_sig"] == "valid-signature"
                && b["webhook_event"].is_object()
                && verbatim;
            (StatusCode::OK, axum::Json(json!({"verification_status": if ok {"SUCCESS"} else {"FAILURE"}})))
                .into_response()
        }
        (Kind::Mollie, p) if p.starts_with("/v2/payments/") && !p.contains("/refunds") && method == Method::GET => {
            let tr = &p["/v2/payments/".len()..];
            if tr != kind.charge_id() || query != "embed=refunds,chargebacks" {
                return Some(
                    (
                        StatusCode::NOT_FOUND,
                        axum::Json(
                            json!({"status": 404, "title": "Not Found", "detail": "No payment exists with token"}),
                        ),
                    )
                        .into_response(),
                );
            }
            let keys: Vec<(String, String, bool)> =
                st.made.iter().map(|(k, (id, d))| (k.clone(), id.clone(), *d)).collect();
            let data: Vec<Value> = keys.iter().map(|(k, id, _)| refund_json(kind, id, k, true).1).collect();
            let chargebacks: Vec<Value> =
                if st.chargeback { vec![json!({"resource": "chargeback", "id": "chb_n9z0tp"})] } else { vec![] };
            (
                StatusCode::OK,
                axum::Json(json!({"resource": "payment", "id": tr, "status": "paid", "_embedded": {"refunds": data, "chargebacks": chargebacks}})),
            )
                .into_response()
        }
        (Kind::Stripe, "/v1/refunds") if method == Method::GET => {
            if query != format!("charge={}&limit=100", kind.charge_id()) {
                return Some(problem(&mut st, format!("stripe list query {query}")));
            }
            let keys: Vec<(String, String, bool)> =
                st.made.iter().map(|(k, (id, d))| (k.clone(), id.clone(), *d)).collect();
            let data: Vec<Value> = keys.iter().map(|(k, id, d)| refund_json(kind, id, k, *d).1).collect();
            (StatusCode::OK, axum::Json(json!({"object": "list", "data": data, "has_more": false}))).into_response()
        }
        (Kind::Stripe, p) if p.starts_with("/v1/refunds/") => read(&mut st, &p["/v1/refunds/".len()..]),
        (Kind::PayPal, p) if p.starts_with("/v2/payments/refunds/") => {
            read(&mut st, &p["/v2/payments/refunds/".len()..])
        }
        (Kind::Square, p) if p.starts_with("/v2/refunds/") => read(&mut st, &p["/v2/refunds/".len()..]),
        (Kind::Braintree, "/graphql") => {
            let id =
                json_body.as_ref().and_then(|b| b["variables"]["id"].as_str().map(str::to_string)).unwrap_or_default();
            match find_by_id(&mut st, &id) {
                Some((_, rid, done)) => (
                    StatusCode::OK,
                    axum::Json(json!({"data": {"node": {"id": rid, "legacyId": bt_legacy(&rid), "status": if done {"SETTLED"} else {"SUBMITTED_FOR_SETTLEMENT"}}}})),
                )
                    .into_response(),
                None => (StatusCode::OK, axum::Json(json!({"data": {"node": null}}))).into_response(),
            }
        }
        (Kind::Mollie, p) if p == format!("/v2/payments/{}/refunds", kind.charge_id()) && method == Method::GET => {
            let keys: Vec<(String, String, bool)> =
                st.made.iter().map(|(k, (id, d))| (k.clone(), id.clone(), *d)).collect();
            let data: Vec<Value> = keys.iter().map(|(k, id, d)| refund_json(kind, id, k, *d).1).collect();
            (StatusCode::OK, axum::Json(json!({"count": data.len(), "_embedded": {"refunds": data}}))).into_response()
        }
        (Kind::Mollie, p) if p.starts_with(&format!("/v2/payments/{}/refunds/", kind.charge_id())) => {
            let id = p.rsplit('/').next().unwrap_or("").to_string();
            read(&mut st, &id)
        }
        _ => problem(&mut st, format!("unexpected request {method} {path}?{query}")),
    })
}

async fn hang() -> Response {
    tokio::time::sleep(Duration::from_secs(5)).await;
    (StatusCode::GATEWAY_TIMEOUT, "too late").into_response()
}

/// Ours: `pd_` and 40 hex digits, or a key derived from one after a saved error
/// (`…-r<n>`).
fn key_shape(k: &str) -> Result<String, String> {
    let base = k
        .split_once("-r")
        .filter(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .map(|(b, _)| b)
        .unwrap_or(k);
    if base.len() == 43 && base.starts_with("pd_") {
        Ok(k.to_string())
    } else {
        Err(format!("idempotency key `{k}` is not ours"))
    }
}

/// Stripe's error object (docs.stripe.com/api/errors: `{"error": {type, code, message, param}}`).
fn stripe_error(code: &str, message: &str, param: &str) -> Refusal {
    Refusal::Api(
        StatusCode::BAD_REQUEST,
        json!({"error": {"type": "invalid_request_error", "code": code, "message": message, "param": param}}),
    )
}

/// The parameters of `POST /v1/refunds` (operation PostRefunds in Stripe's OpenAPI
/// document, github stripe/openapi `openapi/spec3.json`, whose request schema is
/// `additionalProperties: false`: any other parameter is refused with
/// `parameter_unknown`). Form keys like `metadata[case]` count as `metadata`.
const STRIPE_REFUND_PARAMS: &[&str] = &[
    "amount",
    "charge",
    "currency",
    "customer",
    "expand",
    "instructions_email",
    "metadata",
    "origin",
    "payment_intent",
    "reason",
    "refund_application_fee",
    "reverse_transfer",
];

/// `POST /v1/refunds` as Stripe checks it (docs.stripe.com/api/refunds/create).
fn check_stripe(st: &mut FakeState, headers: &HeaderMap, body: &[u8]) -> Result<String, Refusal> {
    // Form-encoded (docs.stripe.com/api: "accepts form-encoded request bodies").
    if h(headers, "content-type") != "application/x-www-form-urlencoded" {
        return Err("stripe: body must be form-encoded".into());
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).map_err(|e| format!("stripe form: {e}"))?;
    for (k, _) in &pairs {
        let top = k.split('[').next().unwrap_or(k);
        if !STRIPE_REFUND_PARAMS.contains(&top) {
            return Err(stripe_error("parameter_unknown", &format!("Received unknown parameter: {k}"), k));
        }
    }
    let form: HashMap<String, String> = pairs.into_iter().collect();
    // `currency` is in the schema but the live API refuses it next to `charge` or
    // `payment_intent`: "400 parameter_unknown: Received unknown parameter: currency"
    // (stripe/stripe-node issue 1804; stripe/stripe-dotnet issue 2786, where Stripe staff
    // say it "is only allowed in specific cases" — refunds of customer balances).
    if form.contains_key("currency") && (form.contains_key("charge") || form.contains_key("payment_intent")) {
        return Err(stripe_error("parameter_unknown", "Received unknown parameter: currency", "currency"));
    }
    // Idempotency-Key: at most 255 characters (docs.stripe.com/api/idempotent_requests).
    let key = h(headers, "idempotency-key");
    if key.is_empty() || key.len() > 255 {
        return Err(format!("stripe: Idempotency-Key `{key}`").into());
    }
    let key = key_shape(key)?;
    let target = form.get("charge").or(form.get("payment_intent")).cloned().unwrap_or_default();
    if target != Kind::Stripe.charge_id() {
        return Err(stripe_error("resource_missing", &format!("No such charge: '{target}'"), "charge"));
    }
    // `amount`: a positive integer in the smallest currency unit (docs.stripe.com/currencies
    // "Minor units in API amounts").
    let amount: i64 = match form.get("amount").map(|a| a.parse::<i64>()) {
        Some(Ok(a)) if a > 0 => a,
        other => {
            return Err(stripe_error("parameter_invalid_integer", &format!("Invalid integer: {other:?}"), "amount"))
        }
    };
    let (cur, charged) = st.charge.clone();
    // Three-decimal currencies: "these API calls require the least-significant (last)
    // digit to be 0" (docs.stripe.com/currencies#three-decimal).
    if matches!(cur.as_str(), "BHD" | "JOD" | "KWD" | "OMR" | "TND") && amount % 10 != 0 {
        return Err(stripe_error(
            "invalid_amount",
            "Invalid amount: the last digit of a three-decimal currency amount must be 0",
            "amount",
        ));
    }
    // ISK stays two-decimal in the API but amounts must be divisible by 100
    // (support.stripe.com/questions/deprecation-of-fractional-isk-charges-and-refunds).
    if cur == "ISK" && amount % 100 != 0 {
        return Err(stripe_error(
            "invalid_charge_amount_no_decimal_compatible",
            "Invalid amount. Currency ISK has become effectively zero-decimal and charged amounts must be evenly divisible by 100.",
            "amount",
        ));
    }
    let refunded: i64 = st.amounts.values().sum();
    if amount > charged - refunded {
        return Err(stripe_error(
            "amount_too_large",
            "Refund amount is greater than unrefunded amount on charge",
            "amount",
        ));
    }
    // `reason`: one of three values (PostRefunds schema enum).
    if !matches!(
        form.get("reason").map(String::as_str),
        None | Some("duplicate" | "fraudulent" | "requested_by_customer")
    ) {
        return Err(stripe_error("parameter_invalid_string", "Invalid reason", "reason"));
    }
    // "fraudulent … will add the associated card and email to your block lists"
    // (docs.stripe.com/api/refunds/create, `reason`): only on an explicit fraud mark,
    // which no test request carries.
    if form.get("reason").map(String::as_str) == Some("fraudulent") {
        return Err("stripe: reason=fraudulent without an explicit fraud mark".into());
    }
    if form.get("metadata[idempotency_key]") != Some(&key) {
        return Err("stripe: metadata[idempotency_key]".into());
    }
    st.last_amount = Some(amount);
    Ok(key)
}

/// The amount field of a decimal-string API, checked against the charge the fake holds:
/// same currency, at most `digits` decimals (the provider's currency table), not more
/// than what is left. Returns the amount in units of 10^-digits.
fn decimal_amount(st: &FakeState, provider: &str, cur: &str, value: &str, digits: u32) -> Result<i64, String> {
    let (charge_cur, charged) = st.charge.clone();
    if cur != charge_cur {
        return Err(format!("{provider}: currency {cur}, the payment is in {charge_cur}"));
    }
    let (int, frac) = value.split_once('.').unwrap_or((value, ""));
    if frac.len() as u32 > digits {
        return Err(format!("{provider}: {value} {cur} has more than {digits} decimals"));
    }
    let units: i64 = format!("{int}{frac:0<width$}", width = digits as usize)
        .parse()
        .map_err(|_| format!("{provider}: value {value}"))?;
    let refunded: i64 = st.amounts.values().sum();
    if units <= 0 || units > charged - refunded {
        return Err(format!("{provider}: {value} {cur} is more than what is left"));
    }
    Ok(units)
}

/// `POST /v2/payments/captures/{id}/refund` (developer.paypal.com/docs/api/payments/v2/#captures_refund),
/// validated against `refund_request` of PayPal's OpenAPI document.
fn check_paypal(st: &mut FakeState, headers: &HeaderMap, b: Option<&Value>) -> Result<String, Refusal> {
    let b = b.ok_or("paypal: body must be JSON")?;
    let errs = schema::validate(&schema::load("paypal-refund-request.schema.json"), "refund_request", b);
    if !errs.is_empty() {
        // PayPal's 400 INVALID_REQUEST (the schema's constraints).
        return Err(Refusal::Api(
            StatusCode::BAD_REQUEST,
            json!({"name": "INVALID_REQUEST", "message": "Request is not well-formed, syntactically incorrect, or violates schema.", "details": errs.iter().map(|e| json!({"issue": "INVALID_PARAMETER_SYNTAX", "description": e})).collect::<Vec<_>>()}),
        ));
    }
    // PayPal-Request-Id: the idempotency header (developer.paypal.com/api/rest/reference/idempotency).
    let key = key_shape(h(headers, "paypal-request-id"))?;
    let cur = b["amount"]["currency_code"].as_str().unwrap_or("");
    let value = b["amount"]["value"].as_str().unwrap_or("");
    // HUF, JPY and TWD: "This currency does not support decimals. If you pass a decimal
    // amount, an error occurs." (developer.paypal.com/api/rest/reference/currency-codes).
    let digits = match cur {
        "HUF" | "JPY" | "TWD" => 0,
        "BHD" | "JOD" | "KWD" | "OMR" | "TND" => 3,
        _ => 2,
    };
    if digits == 0 && value.contains('.') {
        return Err(Refusal::Api(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"name": "UNPROCESSABLE_ENTITY", "details": [{"issue": "DECIMALS_NOT_SUPPORTED", "description": "Currency does not support decimals."}]}),
        ));
    }
    let units = decimal_amount(st, "paypal", cur, value, digits)?;
    // An invoice id used before on the account (by this installation or another) is
    // refused: DUPLICATE_INVOICE_ID ("Requested invoice_id has been previously
    // captured. Possible duplicate transaction." — Payments v2 error catalog).
    // (The same PayPal-Request-Id replays the stored refund first: not a reuse.)
    let invoice = b["invoice_id"].as_str().unwrap_or("").to_string();
    if !invoice.is_empty()
        && st.paypal_invoices.contains(&invoice)
        && !st.made.contains_key(h(headers, "paypal-request-id"))
    {
        return Err(Refusal::Api(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"name": "UNPROCESSABLE_ENTITY", "details": [{"issue": "DUPLICATE_INVOICE_ID", "description": "Requested invoice_id has been previously captured. Possible duplicate transaction."}]}),
        ));
    }
    // `note_to_payer` "Appears in both the payer's transaction history and the emails
    // that the payer receives" (refund_request schema): the agent's note never goes there.
    if b["note_to_payer"].as_str().is_some_and(|n| n.contains(AGENT_NOTE)) {
        return Err("paypal: the agent's note was sent to the payer".into());
    }
    st.last_invoice = Some(invoice);
    if b["custom_id"] != json!(key) {
        return Err("paypal: custom_id".into());
    }
    st.last_amount = Some(units);
    Ok(key)
}

/// `POST /payments/{paymentPspReference}/refunds` (docs.adyen.com/api-explorer/Checkout/72/post/payments/(paymentPspReference)/refunds),
/// validated against `PaymentRefundRequest` of Adyen's OpenAPI document.
fn check_adyen(st: &mut FakeState, headers: &HeaderMap, b: Option<&Value>) -> Result<String, Refusal> {
    let b = b.ok_or("adyen: body must be JSON")?;
    let errs = schema::validate(&schema::load("adyen-refund-request.schema.json"), "PaymentRefundRequest", b);
    if !errs.is_empty() {
        return Err(Refusal::Api(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"status": 422, "errorCode": "14_0", "message": errs.join("; "), "errorType": "validation"}),
        ));
    }
    let key = key_shape(h(headers, "idempotency-key"))?;
    if b["merchantAccount"] != "PaydeskECOM" || b["reference"] != json!(key) {
        return Err(format!("adyen: body {b}").into());
    }
    let (cur, charged) = st.charge.clone();
    let value = b["amount"]["value"].as_i64().unwrap_or(0);
    let refunded: i64 = st.amounts.values().sum();
    // value in Adyen's minor units for the currency (its currency-codes table); the fake
    // holds the charge in the same units.
    if b["amount"]["currency"] != json!(cur) || value <= 0 || value > charged - refunded {
        return Err(Refusal::Api(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"status": 422, "errorCode": "137", "message": "Invalid amount specified", "errorType": "validation"}),
        ));
    }
    st.last_amount = Some(value);
    Ok(key)
}

/// Square's error answer (developer.squareup.com/docs/build-basics/handling-errors).
fn square_error(code: &str, detail: &str) -> Refusal {
    Refusal::Api(
        StatusCode::BAD_REQUEST,
        json!({"errors": [{"category": "INVALID_REQUEST_ERROR", "code": code, "detail": detail}]}),
    )
}

/// `POST /v2/refunds` (RefundPayment), validated against `RefundPaymentRequest` of
/// Square's OpenAPI document; `idempotency_key` "limited to a max of 45 characters".
fn check_square(st: &mut FakeState, headers: &HeaderMap, b: Option<&Value>) -> Result<String, Refusal> {
    let b = b.ok_or("square: body must be JSON")?;
    if h(headers, "square-version").is_empty() {
        return Err("square: Square-Version missing".into());
    }
    let errs = schema::validate(&schema::load("square-refund-payment-request.schema.json"), "RefundPaymentRequest", b);
    if !errs.is_empty() {
        return Err(square_error("INVALID_VALUE", &errs.join("; ")));
    }
    let raw_key = b["idempotency_key"].as_str().unwrap_or("");
    if raw_key.chars().count() > 45 {
        return Err(square_error("VALUE_TOO_LONG", "idempotency_key must be at most 45 characters"));
    }
    let key = key_shape(raw_key)?;
    // `reason` is shown to the buyer (developer.squareup.com/reference/square/refunds-api/refund-payment:
    // "A description of the reason for the refund"; it appears on the buyer's receipt).
    if b["reason"].as_str().is_some_and(|r| r.contains(AGENT_NOTE)) {
        return Err("square: the agent's note was sent to the buyer".into());
    }
    if b["payment_id"] != Kind::Square.charge_id() {
        return Err(square_error("NOT_FOUND", "Payment not found"));
    }
    // `amount` "in the smallest denomination of the currency" (Money), in the payment's
    // currency, at most what is left of the payment.
    let (cur, charged) = st.charge.clone();
    let amount = b["amount_money"]["amount"].as_i64().unwrap_or(0);
    let refunded: i64 = st.amounts.values().sum();
    if b["amount_money"]["currency"] != json!(cur) || amount <= 0 || amount > charged - refunded {
        return Err(square_error(
            "REFUND_AMOUNT_INVALID",
            "The requested refund amount exceeds the amount available to refund.",
        ));
    }
    st.last_amount = Some(amount);
    Ok(key)
}

/// A Braintree global id: base64 of "<type>_<legacy id>".
pub fn bt_global(typ: &str, legacy: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{typ}_{legacy}"))
}

/// The legacy id inside a global id (any type).
pub fn bt_legacy(global: &str) -> String {
    let raw = base64::engine::general_purpose::STANDARD
        .decode(global)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default();
    raw.split_once('_').map(|(_, l)| l.to_string()).unwrap_or_default()
}

/// A GraphQL error as Braintree sends it: HTTP 200, `errors[].extensions.errorClass`
/// (developer.paypal.com/braintree/graphql/guides/making_api_calls#errors).
fn bt_error(class: &str, message: &str) -> Refusal {
    Refusal::Api(
        StatusCode::OK,
        json!({"errors": [{"message": message, "extensions": {"errorClass": class}}], "data": {"refundTransaction": null}}),
    )
}

/// `refundTransaction(input: RefundTransactionInput!)` as the schema
/// (braintree/graphql-api `schema.graphql`) defines it: the input's fields, a
/// `transactionId` that is a global ID (`ID!`; legacy ids must first go through
/// `idFromLegacyId`), `refund.amount` an `Amount` decimal string.
fn check_braintree(st: &mut FakeState, b: Option<&Value>) -> Result<String, Refusal> {
    const INPUT: &[&str] = &["clientMutationId", "apiRequestKey", "transactionId", "refund"];
    const REFUND_INPUT: &[&str] =
        &["amount", "orderId", "merchantAccountId", "description", "reason", "lineItems", "refundAuthorizationId"];
    let b = b.ok_or("braintree: body must be JSON")?;
    let input = &b["variables"]["input"];
    for k in input.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()).unwrap_or_default() {
        if !INPUT.contains(&k.as_str()) {
            return Err(bt_error(
                "VALIDATION",
                &format!("Variable 'input' has an invalid value: field '{k}' is not defined by RefundTransactionInput"),
            ));
        }
    }
    for k in input["refund"].as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()).unwrap_or_default() {
        if !REFUND_INPUT.contains(&k.as_str()) {
            return Err(bt_error("VALIDATION", &format!("field '{k}' is not defined by RefundInput")));
        }
    }
    let key = key_shape(input["apiRequestKey"].as_str().unwrap_or(""))?;
    let tx = input["transactionId"].as_str().unwrap_or("");
    if tx != Kind::Braintree.charge_id() {
        // A legacy id, or another type's global id, is not a transaction's ID.
        return Err(bt_error("NOT_FOUND", &format!("An object with ID '{tx}' was not found")));
    }
    let (cur, _) = st.charge.clone();
    let units = decimal_amount(st, "braintree", &cur, input["refund"]["amount"].as_str().unwrap_or(""), 2)?;
    st.last_amount = Some(units);
    Ok(key)
}

fn check_mollie(headers: &HeaderMap, b: Option<&Value>) -> Result<String, String> {
    let b = b.ok_or("mollie: body must be JSON")?;
    let key = key_shape(h(headers, "idempotency-key"))?;
    if b["amount"] != json!({"currency": "EUR", "value": "10.00"}) || b["metadata"]["idempotency_key"] != json!(key) {
        return Err(format!("mollie: body {b}"));
    }
    Ok(key)
}

pub fn currency(kind: Kind) -> Currency {
    match kind {
        Kind::Adyen | Kind::Mollie => Currency::from_str("EUR").unwrap(),
        _ => Currency::USD,
    }
}

pub fn t(s: &str) -> chrono::DateTime<chrono::Utc> {
    s.parse().expect("time")
}

/// An engine on the store at `url` (SQLite or PostgreSQL) whose connectors are the
/// sandbox and `fake`'s provider.
pub async fn engine_on(fake: &Fake, url: &str) -> (Arc<Engine>, Arc<ManualClock>, Providers) {
    engine_with(fake, url, EngineConfig::default()).await
}

/// `engine_on` with the engine's settings given.
pub async fn engine_with(fake: &Fake, url: &str, cfg: EngineConfig) -> (Arc<Engine>, Arc<ManualClock>, Providers) {
    let store = AnyStore::open(url).await.expect("store");
    let clock = Arc::new(ManualClock::default());
    let sandbox = Arc::new(Sandbox::new(store.sandbox_books(), clock.clone()));
    let env = fake.env();
    let providers = Providers::build(Some(&fake.config()), "test.toml", &env, None).expect("providers");
    let engine = Arc::new(Engine::new(store.as_store(), providers.connectors(sandbox), cfg));
    (engine, clock, providers)
}

/// Seeds a customer with one 49.00 charge through `kind`, then an agent asks for 10.00
/// back and a lead approves: the refund is paid through the fake.
pub async fn request_and_approve(engine: &Engine, kind: Kind, start: &str) {
    seed_charge(engine, kind, start, currency(kind), "49.00").await;
    let later = t(start) + chrono::Duration::hours(1);
    let out = request(engine, kind, "10.00", later).await;
    assert!(out.iter().any(|l| l.contains("approval")), "{out:?}");
    approve(engine, later + chrono::Duration::minutes(1)).await;
}

/// Seeds the account `acct-1` (customer ana, agent bo, lead kim) with one charge
/// through `kind` of `amount` in `cur`.
pub async fn seed_charge(engine: &Engine, kind: Kind, start: &str, cur: Currency, amount: &str) {
    seed_charge_as(engine, kind, kind.charge_id(), start, cur, amount).await
}

/// `seed_charge` with the charge stored under `id` (an export's form of it).
pub async fn seed_charge_as(engine: &Engine, kind: Kind, id: &str, start: &str, cur: Currency, amount: &str) {
    let at = t(start);
    engine
        .seed_account(
            &Account { id: AccountId::new("acct-1".to_string()), currency: cur, auto_recharge: None },
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
        let account = (id == "ana").then(|| AccountId::new("acct-1".to_string()));
        engine.seed_user(&User { id: UserId::new(id.to_string()), roles, account }, at).await.unwrap();
    }
    let charge = Charge {
        currency: cur,
        description: "API credits".into(),
        provider: kind.name().to_string(),
        ..card_charge(id, "acct-1", amount, at)
    };
    engine.seed_charge(&charge, at).await.unwrap();
}

/// Agent bo asks for `amount` back on the seeded charge; the new actions as JSON lines.
pub async fn request(engine: &Engine, kind: Kind, amount: &str, at: chrono::DateTime<chrono::Utc>) -> Vec<String> {
    request_on(engine, kind.charge_id(), amount, at).await
}

/// Agent bo asks for `amount` back on the charge `charge`; the new actions as JSON lines.
pub async fn request_on(engine: &Engine, charge: &str, amount: &str, at: chrono::DateTime<chrono::Utc>) -> Vec<String> {
    request_with_reason(engine, charge, amount, "duplicate charge", at).await
}

/// Agent bo asks for `amount` back on `charge` giving `reason`.
pub async fn request_with_reason(
    engine: &Engine,
    charge: &str,
    amount: &str,
    reason: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Vec<String> {
    let before = outbox(engine).await.len();
    let ev = Event::Message {
        actor: Actor::known("bo"),
        text: format!("/refund {charge} {amount} {reason}"),
        channel: "support".into(),
    };
    engine.handle(ev, at, None).await.unwrap();
    outbox(engine).await.split_off(before)
}

/// Every action queued so far (none are delivered in these tests), as JSON lines.
pub async fn outbox(engine: &Engine) -> Vec<String> {
    let items = engine.store().outbox_pending(100_000).await.unwrap();
    items.iter().map(|i| serde_json::to_string(&i.action).unwrap_or_default()).collect()
}

/// Leads kim and max approve RF-000001 (the second is needed from 500 in any currency;
/// below that it is answered as already decided).
pub async fn approve(engine: &Engine, at: chrono::DateTime<chrono::Utc>) {
    for lead in ["kim", "max"] {
        let ev =
            Event::Message { actor: Actor::known(lead), text: "/approve RF-000001".into(), channel: "support".into() };
        engine.handle(ev, at, None).await.unwrap();
    }
}

impl Fake {
    /// The charge the provider holds, in its own minor units.
    pub fn set_charge(&self, currency: &str, minor: i64) {
        self.state.lock().unwrap().charge = (currency.to_string(), minor);
    }

    /// Answers for the next requests about a refund already made (reads or replays).
    pub fn script_lookups(&self, answers: &[(u16, &str)]) {
        self.state.lock().unwrap().lookup_script.extend(answers.iter().map(|(c, b)| (*c, b.to_string())));
    }

    /// What left the provider, in its minor units, over all refunds.
    pub fn refunded(&self) -> i64 {
        self.state.lock().unwrap().amounts.values().sum()
    }
}

/// Serves a fake's `handle` on a fresh loopback port, with the fake made for that port
/// (`make(addr)`) as the router's state; every fake below starts this way.
pub async fn serve_fake<F, H, T>(make: impl FnOnce(SocketAddr) -> F, handle: H) -> F
where
    F: Clone + Send + Sync + 'static,
    H: axum::handler::Handler<T, F>,
    T: 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let fake = make(listener.local_addr().expect("addr"));
    let app = Router::new().fallback(handle).with_state(fake.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    fake
}
