//! A fake Amazon Pay API v2 (and the Amazon SNS side of its instant payment
//! notifications), written from the published reference. Every rule it enforces cites
//! where it comes from:
//!
//! - [refund] developer.amazon.com/docs/amazon-pay-api-v2/refund.html: `POST /v2/refunds`
//!   with `chargeId` (required), `refundAmount {amount, currencyCode}` (required; "Refund
//!   amount can be either 15% or 75 USD/GBP/EUR and 8400 JPY (whichever is less) above
//!   the captured amount"; "Maximum value: 150,000 USD/GBP/EUR"), `softDescriptor` ("Max
//!   length: 16 characters"; "Do not store sensitive data about the buyer"), header
//!   `x-amz-pay-idempotency-key` (required); `201` with the Refund object; `GET
//!   /v2/refunds/{refundId}`. "Refunds start in a Pending state before moving to a
//!   Completed or Declined state": `statusDetails.state` `RefundInitiated`, `Refunded`,
//!   `Declined` with a `reasonCode`.
//! - [idem] developer.amazon.com/docs/amazon-pay-api-v2/idempotency.html: the saved response
//!   of the first request is returned for the same key; other values under the same key:
//!   `DuplicateIdempotencyKey`; "a maximum of 32 characters" of `a-z A-Z 0-9 - _`.
//! - [errors] developer.amazon.com/docs/amazon-pay-api-v2/error-handling.html:
//!   `{reasonCode, message}`; 400 `InvalidParameterValue`, `MissingHeader`,
//!   `DuplicateIdempotencyKey`, `TransactionAmountExceeded`; 401 `UnauthorizedAccess`
//!   (a bad signature); 404 `ResourceNotFound`; 429 `TooManyRequests` (throttling —
//!   amazon-pay-checkout/faqs.html: "Requests that are throttled will return a 429").
//! - [sign] developer.amazon.com/docs/amazon-pay-api-v2/signing-requests.html: the canonical
//!   request, `AMZN-PAY-RSASSA-PSS-V2\nhex(sha256(canonical))`, RSASSA-PSS SHA-256 with a
//!   32-byte salt, `authorization: AMZN-PAY-RSASSA-PSS-V2 PublicKeyId=…, SignedHeaders=…,
//!   Signature=…`, `x-amz-pay-date` / `-host` / `-region`. The fake rebuilds the canonical
//!   request itself and verifies with the merchant's public key.
//! - [sns] docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html: the
//!   message's string to sign, SignatureVersion 1 (SHA1withRSA) / 2 (SHA256withRSA), the
//!   certificate at `SigningCertURL`; http-notification-json.html and
//!   http-subscription-confirmation-json.html for the messages.
//! - [ipn] developer.amazon.com/docs/amazon-pay-checkout/set-up-instant-payment-notifications.html:
//!   the IPN (`ObjectType`, `ObjectId`, `ChargePermissionId`, `NotificationType`,
//!   `NotificationId`, `NotificationVersion`) as the SNS `Message`.
//! - [report] developer.amazon.com/docs/amazon-pay-reports/settlement-reports.html.

use crate::common::card_charge;
use crate::providers_support::{request_on, t, AGENT_NOTE};
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
use paydesk::app::engine::{Engine, EngineConfig};
use paydesk::app::ports::{Clock, SystemClock, User};
use paydesk::domain::billing::{Account, Charge};
use paydesk::domain::ids::{AccountId, UserId};
use paydesk::domain::money::Currency;
use paydesk::domain::roles::{Role, Roles};
use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use rsa::signature::{SignatureEncoding, Signer as _, Verifier as _};
use rsa::RsaPrivateKey;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

pub const PUBLIC_KEY_ID: &str = "AFVX7ULWSGBZ5535PCUQOY7B";
pub const CHARGE: &str = "S01-5105180-3221187-C056351";
pub const PERMISSION: &str = "S01-5105180-3221187";
pub const TOPIC: &str = "arn:aws:sns:us-east-1:291180941288:A2Z8BLB5ZJXKTQ";

/// The merchant's key pair (the bot signs with the private half; the fake verifies with
/// the public one) and the fake SNS's, made once per test binary.
pub fn merchant_key() -> &'static RsaPrivateKey {
    static K: OnceLock<RsaPrivateKey> = OnceLock::new();
    K.get_or_init(|| RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("merchant key"))
}

pub fn sns_key() -> &'static RsaPrivateKey {
    static K: OnceLock<RsaPrivateKey> = OnceLock::new();
    K.get_or_init(|| RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("sns key"))
}

/// A self-signed certificate for `key`, as SNS's `SigningCertURL` serves (PEM).
pub fn self_signed_cert(key: &RsaPrivateKey) -> String {
    use x509_cert::builder::{Builder, CertificateBuilder, Profile};
    use x509_cert::der::EncodePem;
    let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new(key.clone());
    let spki = x509_cert::spki::SubjectPublicKeyInfoOwned::from_key(key.to_public_key()).expect("spki");
    let name = x509_cert::name::Name::from_str("CN=sns.us-east-1.amazonaws.com").expect("name");
    let validity = x509_cert::time::Validity::from_now(Duration::from_secs(86_400)).expect("validity");
    let builder = CertificateBuilder::new(
        Profile::Root,
        x509_cert::serial_number::SerialNumber::from(7u32),
        validity,
        name,
        spki,
        &signer,
    )
    .expect("builder");
    let cert = builder.build::<rsa::pkcs1v15::Signature>().expect("cert");
    cert.to_pem(LineEnding::LF).expect("pem")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Made, `RefundInitiated` [refund].
    Ok,
    /// Made, then the answer never comes.
    Hang,
    /// 429 `TooManyRequests` [errors]; nothing made.
    RateLimited,
}

#[derive(Debug, Clone)]
pub struct AmzRefund {
    pub id: String,
    pub amount: String,
    pub cents: i64,
    pub currency: String,
    pub soft_descriptor: String,
    pub state: &'static str,
    pub reason: &'static str,
}

/// One signed request as the fake saw it: its canonical request (rebuilt by the fake),
/// its `authorization`.
#[derive(Debug, Clone)]
pub struct Seen {
    pub canonical: String,
    pub authorization: String,
    pub date: String,
}

#[derive(Default)]
pub struct AmzState {
    pub script: VecDeque<Answer>,
    pub lookup_script: VecDeque<(u16, String)>,
    /// What the next refund made becomes when Amazon Pay processes it.
    pub outcome: Option<(&'static str, &'static str)>,
    pub captured_cents: i64,
    pub currency: String,
    pub refunds: Vec<AmzRefund>,
    /// [idem] key -> (the body it was first sent with, the saved answer).
    pub saved: HashMap<String, (Value, u16, Value)>,
    pub creations: u32,
    pub problems: Vec<String>,
    pub requests: Vec<String>,
    pub seen: Vec<Seen>,
    pub confirmed: Vec<String>,
    pub cert_fetches: u32,
    pub next: u32,
}

#[derive(Clone)]
pub struct AmzFake {
    pub state: Arc<Mutex<AmzState>>,
    pub addr: SocketAddr,
    pub cert_pem: Arc<String>,
}

impl AmzFake {
    pub async fn start(script: &[Answer]) -> AmzFake {
        let state = AmzState {
            script: script.iter().copied().collect(),
            captured_cents: 4900,
            currency: "USD".into(),
            ..Default::default()
        };
        let state = Arc::new(Mutex::new(state));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let fake = AmzFake { state, addr, cert_pem: Arc::new(self_signed_cert(sns_key())) };
        let app = Router::new().fallback(handle).with_state(fake.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        fake
    }

    pub fn config(&self) -> toml::Value {
        toml::from_str(&format!(
            "[amazon_pay]\nbase_url = \"http://{}/sandbox\"\nregion = \"us\"\nipn_topic_arn = \"{TOPIC}\"\ntimeout_ms = 400\nmax_attempts = 3\nbackoff_ms = 20\nmax_wait_ms = 2000\n",
            self.addr
        ))
        .expect("toml")
    }

    pub fn env(k: &str) -> Option<String> {
        match k {
            "PAYDESK_AMAZON_PAY_PUBLIC_KEY_ID" => Some(PUBLIC_KEY_ID.into()),
            "PAYDESK_AMAZON_PAY_PRIVATE_KEY" => {
                Some(merchant_key().to_pkcs8_pem(LineEnding::LF).expect("pem").to_string())
            }
            _ => None,
        }
    }

    pub fn creations(&self) -> u32 {
        self.state.lock().unwrap().creations
    }

    pub fn problems(&self) -> Vec<String> {
        self.state.lock().unwrap().problems.clone()
    }

    pub fn posts(&self) -> usize {
        self.state.lock().unwrap().requests.iter().filter(|r| r.starts_with("POST")).count()
    }

    pub fn script_lookups(&self, answers: &[(u16, &str)]) {
        self.state.lock().unwrap().lookup_script.extend(answers.iter().map(|(c, b)| (*c, b.to_string())));
    }

    /// Amazon Pay processes every pending refund: `Refunded`, or as `decline` says.
    pub fn process_all(&self) {
        let mut st = self.state.lock().unwrap();
        let outcome = st.outcome;
        for r in st.refunds.iter_mut().filter(|r| r.state == "RefundInitiated") {
            (r.state, r.reason) = outcome.unwrap_or(("Refunded", ""));
        }
    }

    /// The next refunds will be declined with `reason` when processed.
    pub fn decline_with(&self, reason: &'static str) {
        self.state.lock().unwrap().outcome = Some(("Declined", reason));
    }

    /// A refund made in Seller Central (not by paydesk), completed.
    pub fn refund_in_seller_central(&self, cents: i64) -> String {
        let mut st = self.state.lock().unwrap();
        st.next += 1;
        let id = format!("{PERMISSION}-R{:06}", st.next);
        let amount = format!("{}.{:02}", cents / 100, cents % 100);
        st.refunds.push(AmzRefund {
            id: id.clone(),
            amount,
            cents,
            currency: "USD".into(),
            soft_descriptor: String::new(),
            state: "Refunded",
            reason: "",
        });
        id
    }

    /// The settlement report [report] for the charge and its completed refunds.
    pub fn settlement_report(&self) -> String {
        let st = self.state.lock().unwrap();
        let mut out =
            String::from("SellerId,SettlementStartDate,SettlementEndDate\nA1XX111XXX111XXX,2026-04-01T00:00:00-0000,2026-04-02T00:00:00-0000\n\n");
        out.push_str("TransactionPostedDate,SettlementId,AmazonTransactionId,SellerReferenceId,TransactionType,AmazonOrderReferenceId,SellerOrderId,StoreName,CurrencyCode,TransactionAmount,TotalTransactionFee,NetTransactionAmount\n");
        out.push_str(&format!(
            "2026-04-01T10:00:00-0000,5044561311,{CHARGE},,Capture,{PERMISSION},order-7,Shop,USD,49.00,-1.72,47.28\n"
        ));
        for r in st.refunds.iter().filter(|r| r.state == "Refunded") {
            out.push_str(&format!(
                "2026-04-01T12:00:00-0000,5044561311,{},,Refund,{PERMISSION},order-7,Shop,USD,-{},0.00,-{}\n",
                r.id, r.amount, r.amount
            ));
        }
        out
    }

    /// The certificate URL this fake serves.
    pub fn cert_url(&self) -> String {
        format!("http://{}/sns/SimpleNotificationService-test.pem", self.addr)
    }

    /// An SNS message as Amazon SNS posts it [sns], signed with the fake SNS's key
    /// (SignatureVersion 1 or 2) — or with `forge_key`, when given.
    pub fn sns_message(
        &self,
        kind: &str,
        message: &str,
        message_id: &str,
        timestamp: &str,
        version: u8,
        forge_key: Option<&RsaPrivateKey>,
    ) -> Value {
        let mut m = json!({
            "Type": kind,
            "MessageId": message_id,
            "TopicArn": TOPIC,
            "Message": message,
            "Timestamp": timestamp,
            "SignatureVersion": version.to_string(),
            "SigningCertURL": self.cert_url(),
        });
        if kind == "Notification" {
            m["UnsubscribeURL"] = json!(format!("http://{}/sns/unsubscribe", self.addr));
        } else {
            m["Token"] = json!("2336412f37fb687f5d51e6e2425dacbba");
            m["SubscribeURL"] = json!(format!(
                "http://{}/sns/confirm?Action=ConfirmSubscription&TopicArn={TOPIC}&Token=2336412f37fb687f5d51e6e2425dacbba",
                self.addr
            ));
        }
        let sig = sns_sign(&m, forge_key.unwrap_or(sns_key()), version);
        m["Signature"] = json!(sig);
        m
    }

    /// The IPN for a refund [ipn].
    pub fn refund_ipn(refund_id: &str, notification: &str) -> String {
        json!({"MerchantID": "A1XX111XXX111XXX", "ObjectType": "REFUND", "ObjectId": refund_id, "ChargePermissionId": PERMISSION,
            "NotificationType": "STATE_CHANGE", "NotificationId": notification, "NotificationVersion": "V2"})
        .to_string()
    }
}

/// The SNS string to sign [sns], written here from the documentation (not the bot's).
pub fn sns_string_to_sign(m: &Value) -> String {
    let kind = m["Type"].as_str().unwrap_or("");
    let keys: &[&str] = if kind == "Notification" {
        &["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    } else {
        &["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
    };
    let mut out = String::new();
    for k in keys {
        if let Some(v) = m.get(*k).and_then(Value::as_str) {
            out.push_str(&format!("{k}\n{v}\n"));
        }
    }
    out
}

pub fn sns_sign(m: &Value, key: &RsaPrivateKey, version: u8) -> String {
    let text = sns_string_to_sign(m);
    let raw = if version == 1 {
        rsa::pkcs1v15::SigningKey::<sha1::Sha1>::new(key.clone()).sign(text.as_bytes()).to_vec()
    } else {
        rsa::pkcs1v15::SigningKey::<Sha256>::new(key.clone()).sign(text.as_bytes()).to_vec()
    };
    base64::engine::general_purpose::STANDARD.encode(raw)
}

fn refund_json(r: &AmzRefund) -> Value {
    json!({
        "refundId": r.id,
        "chargeId": CHARGE,
        "creationTimestamp": "20260401T110100Z",
        "refundAmount": {"amount": r.amount, "currencyCode": r.currency},
        "softDescriptor": r.soft_descriptor,
        "statusDetails": {"state": r.state, "reasonCode": if r.reason.is_empty() { Value::Null } else { json!(r.reason) }, "reasonDescription": null,
            "lastUpdatedTimestamp": "20260401T110100Z"},
        "releaseEnvironment": "Sandbox"
    })
}

fn amz_error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, axum::Json(json!({"reasonCode": code, "message": message}))).into_response()
}

fn problem(st: &mut AmzState, p: String) -> Response {
    st.problems.push(p.clone());
    amz_error(StatusCode::BAD_REQUEST, "InvalidParameterValue", &p)
}

/// The canonical request [sign], rebuilt by the fake from what it received.
pub fn canonical(method: &str, path: &str, query: &str, headers: &HeaderMap, signed: &str, body: &[u8]) -> String {
    let mut lines = String::new();
    for name in signed.split(';') {
        let v = headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").trim();
        lines.push_str(&format!("{name}:{v}\n"));
    }
    let mut q: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
    q.sort();
    format!("{method}\n{path}\n{}\n{lines}\n{signed}\n{}", q.join("&"), hex::encode(Sha256::digest(body)))
}

/// Checks the signature [sign]: `None` when good, else why not.
fn check_signature(st: &mut AmzState, method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Option<String> {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
    let Some(rest) = auth.strip_prefix("AMZN-PAY-RSASSA-PSS-V2 ") else {
        return Some(format!("authorization is not AMZN-PAY-RSASSA-PSS-V2: `{auth}`"));
    };
    let mut parts = HashMap::new();
    for p in rest.split(", ") {
        if let Some((k, v)) = p.split_once('=') {
            parts.insert(k.to_string(), v.to_string());
        }
    }
    if parts.get("PublicKeyId").map(String::as_str) != Some(PUBLIC_KEY_ID) {
        return Some("PublicKeyId".into());
    }
    let signed = parts.get("SignedHeaders").cloned().unwrap_or_default();
    for must in ["accept", "x-amz-pay-date", "x-amz-pay-host", "x-amz-pay-region"] {
        if !signed.split(';').any(|h| h == must) {
            return Some(format!("{must} is not signed: {signed}"));
        }
    }
    if *method == Method::POST && !signed.split(';').any(|h| h == "x-amz-pay-idempotency-key" || h == "content-type") {
        return Some(format!("a POST must sign content-type and its idempotency key: {signed}"));
    }
    if headers.get("x-amz-pay-host").and_then(|v| v.to_str().ok()) != Some("127.0.0.1") {
        return Some("x-amz-pay-host is not the host".into());
    }
    if headers.get("x-amz-pay-region").and_then(|v| v.to_str().ok()) != Some("us") {
        return Some("x-amz-pay-region".into());
    }
    let date = headers.get("x-amz-pay-date").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let Ok(at) = chrono::NaiveDateTime::parse_from_str(&date, "%Y%m%dT%H%M%SZ") else {
        return Some(format!("x-amz-pay-date `{date}`"));
    };
    if (SystemClock.now().naive_utc() - at).num_seconds().abs() > 900 {
        return Some("x-amz-pay-date too far from now".into());
    }
    let canonical = canonical(method.as_str(), uri.path(), uri.query().unwrap_or(""), headers, &signed, body);
    let to_sign = format!("AMZN-PAY-RSASSA-PSS-V2\n{}", hex::encode(Sha256::digest(canonical.as_bytes())));
    let sig = parts
        .get("Signature")
        .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
        .unwrap_or_default();
    let verifying = rsa::pss::VerifyingKey::<Sha256>::new_with_salt_len(merchant_key().to_public_key(), 32);
    let ok =
        rsa::pss::Signature::try_from(sig.as_slice()).is_ok_and(|s| verifying.verify(to_sign.as_bytes(), &s).is_ok());
    st.seen.push(Seen { canonical, authorization: auth.to_string(), date });
    (!ok).then(|| "the signature does not verify with the merchant's public key".to_string())
}

async fn handle(State(f): State<AmzFake>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    match respond(&f, method, uri, headers, body) {
        Some(r) => r,
        None => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            (StatusCode::GATEWAY_TIMEOUT, "too late").into_response()
        }
    }
}

fn respond(f: &AmzFake, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Option<Response> {
    let path = uri.path().to_string();
    let mut st = f.state.lock().unwrap();
    st.requests.push(format!("{method} {path}"));
    // The SNS side: the certificate, and the subscription confirmation.
    if path == "/sns/SimpleNotificationService-test.pem" {
        st.cert_fetches += 1;
        return Some((StatusCode::OK, f.cert_pem.to_string()).into_response());
    }
    if path == "/sns/confirm" {
        st.confirmed.push(uri.query().unwrap_or("").to_string());
        return Some((StatusCode::OK, "<ConfirmSubscriptionResponse/>").into_response());
    }
    if let Some(why) = check_signature(&mut st, &method, &uri, &headers, &body) {
        st.problems.push(format!("{method} {path}: {why} [sign]"));
        return Some(amz_error(StatusCode::UNAUTHORIZED, "UnauthorizedAccess", "The signature is not valid"));
    }
    let rest = path.strip_prefix("/sandbox/v2/refunds").unwrap_or("!");
    match (method.clone(), rest) {
        (Method::POST, "") => create(&mut st, &headers, &body),
        (Method::GET, id) if id.starts_with('/') => {
            if let Some((code, b)) = st.lookup_script.pop_front() {
                return Some((StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST), b).into_response());
            }
            let id = &id[1..];
            Some(match st.refunds.iter().find(|r| r.id == id) {
                Some(r) => (StatusCode::OK, axum::Json(refund_json(r))).into_response(),
                None => amz_error(StatusCode::NOT_FOUND, "ResourceNotFound", "Refund not found"),
            })
        }
        _ => Some(problem(&mut st, format!("unexpected request {method} {path}"))),
    }
}

fn create(st: &mut AmzState, headers: &HeaderMap, body: &[u8]) -> Option<Response> {
    let key = headers.get("x-amz-pay-idempotency-key").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    // [idem] required, at most 32 of a-z A-Z 0-9 - _.
    if key.is_empty() || key.len() > 32 || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Some(problem(st, format!("x-amz-pay-idempotency-key `{key}` is not a valid key [idem]")));
    }
    let Ok(b) = serde_json::from_slice::<Value>(body) else { return Some(problem(st, "the body is not JSON".into())) };
    if let Some((first, status, saved)) = st.saved.get(&key).cloned() {
        // [idem] the saved answer; other values under the same key are refused.
        if first != b {
            return Some(amz_error(
                StatusCode::BAD_REQUEST,
                "DuplicateIdempotencyKey",
                "The idempotency key was already used in a different request",
            ));
        }
        let saved = match saved["refundId"].as_str() {
            Some(id) => st.refunds.iter().find(|r| r.id == id).map(refund_json).unwrap_or(saved),
            None => saved,
        };
        return Some((StatusCode::from_u16(status).unwrap(), axum::Json(saved)).into_response());
    }
    for k in b.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()).unwrap_or_default() {
        if !matches!(k.as_str(), "chargeId" | "refundAmount" | "softDescriptor") {
            return Some(problem(st, format!("unrecognized field {k} [errors: UnrecognizedField]")));
        }
    }
    if b["chargeId"] != CHARGE {
        return Some(amz_error(StatusCode::NOT_FOUND, "ResourceNotFound", "Charge not found"));
    }
    let amount = b["refundAmount"]["amount"].as_str().unwrap_or("").to_string();
    let currency = b["refundAmount"]["currencyCode"].as_str().unwrap_or("").to_string();
    // [refund] `price.amount` is a string with the currency's decimals.
    let cents = match amount.split_once('.') {
        Some((w, f))
            if f.len() == 2 && w.bytes().all(|c| c.is_ascii_digit()) && f.bytes().all(|c| c.is_ascii_digit()) =>
        {
            w.parse::<i64>().unwrap_or(-1) * 100 + f.parse::<i64>().unwrap_or(0)
        }
        _ => {
            return Some(problem(
                st,
                format!("refundAmount.amount `{amount}` is not a decimal string with 2 decimals [refund]"),
            ))
        }
    };
    if currency != st.currency {
        return Some(amz_error(StatusCode::BAD_REQUEST, "CurrencyMismatch", "The currency does not match the charge"));
    }
    let descriptor = b["softDescriptor"].as_str().unwrap_or("").to_string();
    if descriptor.chars().count() > 16 {
        return Some(problem(st, format!("softDescriptor longer than 16 characters: `{descriptor}` [refund]")));
    }
    if descriptor.contains(AGENT_NOTE) || descriptor.contains("duplicate") {
        return Some(problem(st, format!("the agent's note reached the buyer's statement: {descriptor}")));
    }
    if cents <= 0 {
        return Some(amz_error(StatusCode::BAD_REQUEST, "InvalidParameterValue", "refundAmount must be positive"));
    }
    let answer = st.script.pop_front().unwrap_or(Answer::Ok);
    if answer == Answer::RateLimited {
        return Some(amz_error(StatusCode::TOO_MANY_REQUESTS, "TooManyRequests", "The request was throttled"));
    }
    // [refund] at most the captured amount plus min(15%, 75.00) over all refunds.
    let refunded: i64 = st.refunds.iter().filter(|r| r.state != "Declined").map(|r| r.cents).sum();
    let allowed = st.captured_cents + (st.captured_cents * 15 / 100).min(7500);
    if refunded + cents > allowed {
        let e = json!({"reasonCode": "TransactionAmountExceeded", "message": "The refund amount exceeds the amount that can be refunded"});
        st.saved.insert(key, (b, 400, e.clone()));
        return Some((StatusCode::BAD_REQUEST, axum::Json(e)).into_response());
    }
    st.next += 1;
    let r = AmzRefund {
        id: format!("{PERMISSION}-R{:06}", st.next),
        amount,
        cents,
        currency,
        soft_descriptor: descriptor,
        state: "RefundInitiated",
        reason: "",
    };
    let v = refund_json(&r);
    st.refunds.push(r);
    st.saved.insert(key, (b, 201, v.clone()));
    st.creations += 1;
    match answer {
        Answer::Hang => None,
        _ => Some((StatusCode::CREATED, axum::Json(v)).into_response()),
    }
}

pub async fn engine_on(fake: &AmzFake, url: &str) -> (Arc<Engine>, Arc<ManualClock>, Providers) {
    let store = AnyStore::open(url).await.expect("store");
    let clock = Arc::new(ManualClock::default());
    let sandbox = Arc::new(Sandbox::new(store.sandbox_books(), clock.clone()));
    let providers = Providers::build(Some(&fake.config()), "test.toml", &AmzFake::env, None).expect("providers");
    let engine = Arc::new(Engine::new(store.as_store(), providers.connectors(sandbox), EngineConfig::default()));
    (engine, clock, providers)
}

/// Customer ana (account `amz-1`, USD), agent bo, leads kim and max.
pub async fn seed_people(engine: &Engine, start: &str) {
    let at = t(start);
    engine
        .seed_account(
            &Account { id: AccountId::new("amz-1".to_string()), currency: Currency::USD, auto_recharge: None },
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
        let account = (id == "ana").then(|| AccountId::new("amz-1".to_string()));
        engine.seed_user(&User { id: UserId::new(id.to_string()), roles, account }, at).await.unwrap();
    }
}

/// A charge on ana's account through Amazon Pay.
pub async fn seed_charge(engine: &Engine, id: &str, amount: &str, currency: &str, at: &str) {
    let charge = Charge {
        currency: Currency::from_str(currency).unwrap(),
        card_last4: None,
        description: "Amazon Pay order".into(),
        provider: "amazon_pay".to_string(),
        ..card_charge(id, "amz-1", amount, t(at))
    };
    engine.seed_charge(&charge, t(at)).await.unwrap();
}

/// The Amazon Pay charge (49.00 USD).
pub async fn seed_order(engine: &Engine, start: &str) {
    seed_people(engine, start).await;
    seed_charge(engine, CHARGE, "49.00", "USD", start).await;
}

/// Agent bo asks for `amount` back at `at`; leads kim and max approve the new request.
pub async fn refund_and_approve(engine: &Engine, amount: &str, at: &str) -> Vec<String> {
    let out = request_on(engine, CHARGE, amount, t(at)).await;
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
