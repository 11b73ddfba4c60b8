//! Chargebee (API v2): the refund is made on the invoice (or the payment) that took the
//! money, so Chargebee's invoices, credit notes and transactions stay true.
//!
//! - Invoice: `POST /api/v2/invoices/{invoice_id}/refund` with `refund_amount` (in the
//!   currency's minor unit: "in cents"), `credit_note[reason_code]`, `comment` (internal)
//!   and `customer_notes` (on the credit note the customer sees). Chargebee makes a credit
//!   note and a refund transaction and answers `{invoice, transaction, credit_note}`.
//! - Payment: `POST /api/v2/transactions/{transaction_id}/refund` with **`amount`** (not
//!   `refund_amount`: the reference differs from issue 14's table here) and `comment`;
//!   the answer is `{transaction}` (the refund transaction).
//!
//! (apidocs.chargebee.com/docs/api/invoices#refund_an_invoice and
//! apidocs.chargebee.com/docs/api/transactions#refund_a_payment; the parameter names as the
//! official client libraries send them: chargebee/chargebee-go `models/invoice` and
//! `models/transaction` `RefundRequestParams`.) Bodies are `application/x-www-form-urlencoded`
//! ("Body Parameters in the request body using application/x-www-form-urlencoded"), auth is
//! HTTP Basic with the API key as the user name and an empty password
//! (apidocs.chargebee.com/docs/api/auth).
//!
//! Idempotency: header `chargebee-idempotency-key`; a replay within the window answers the
//! stored result with `chargebee-idempotency-replayed: true`. "Chargebee has an idempotency
//! window of 30 minutes" (apidocs.chargebee.com/docs/api/idempotency): past it the same key
//! makes a **new** refund. So a lost answer is looked up by replaying only while the key is
//! surely inside the window (`REPLAY_WINDOW`, measured from this process's first send);
//! otherwise — past it, or after a restart — by reading the invoice's comments, where our
//! key is written with the refund (`comment`): no comment, nothing made (the retry is safe);
//! a comment but no transaction id, the outcome stays unknown for a lead (never paid twice).
//!
//! Outcome: the refund transaction's `status` — `success`, `in_progress` (pending: offline
//! and direct-debit gateways finish later), `failure`, `voided`, `timeout`,
//! `needs_attention` (apidocs.chargebee.com/docs/api/transactions — status). Read back with
//! `GET /api/v2/transactions/{id}`. Errors are `{message, type, api_error_code, param}` with
//! mostly 400 for client errors; 429 when the site's limit is hit ("no more requests are
//! served until the limit resets (in approximately a minute)"; no Retry-After is
//! documented) (apidocs.chargebee.com/docs/api/error-handling).

use super::api::{percent_encode, refund, status_error, str_field, ApiRequest, ApiResponse, Body, ProviderKind};
use super::currency::Exception;
use super::executor::Executor;
use crate::app::engine::RefundUpdate;
use crate::app::ports::{ConnectorError, PaymentConnector, ProviderRefund, ProviderStatus, RefundCall};
use async_trait::async_trait;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// None: amounts are "in cents" — the currency's minor unit, a whole number for
/// zero-decimal currencies (apidocs.chargebee.com/docs/api — Currencies/amounts).
pub const CURRENCY_EXCEPTIONS: &[Exception] = &[];

/// "Chargebee has an idempotency window of 30 minutes" (apidocs.chargebee.com/docs/api/idempotency).
pub const IDEMPOTENCY_WINDOW: Duration = Duration::from_secs(30 * 60);
/// How long after the first send a replay is still surely inside that window (a margin
/// for clocks and the time the first request took).
pub const REPLAY_WINDOW: Duration = Duration::from_secs(25 * 60);

/// The credit note's reason (`credit_note[reason_code]`: product_unsatisfactory,
/// service_unsatisfactory, order_change, order_cancellation, waiver, other).
pub const REASON_CODE: &str = "other";

/// What the customer reads on the credit note: fixed, customer-safe, never the agent's note.
pub const CUSTOMER_NOTES: &str = "Refund from our support team";

/// What the invoice's internal comment says; our key follows it (the lookup past the
/// idempotency window finds it there).
pub const COMMENT_PREFIX: &str = "paydesk refund";

/// What a charge names at Chargebee: an invoice, or a payment transaction (`txn_…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Invoice(String),
    Transaction(String),
}

impl Target {
    pub fn of(charge: &str) -> Result<Target, ConnectorError> {
        // Ids are alphanumerics with `_` and `-` (invoice numbers may be plain digits).
        if charge.is_empty()
            || charge.len() > 50
            || !charge.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err(ConnectorError::Permanent(format!(
                "chargebee: `{charge}` is not a Chargebee invoice or transaction id"
            )));
        }
        Ok(if charge.starts_with("txn_") {
            Target::Transaction(charge.to_string())
        } else {
            Target::Invoice(charge.to_string())
        })
    }
}

/// The internal comment written with the refund: names the case and our key.
pub fn comment(call: &RefundCall) -> String {
    format!("{COMMENT_PREFIX} {} key {}", call.case, call.idempotency_key)
}

/// The refund request, with the idempotency header.
pub fn refund_request(call: &RefundCall) -> Result<ApiRequest, ConnectorError> {
    let target = Target::of(call.charge.as_str())?;
    let minor = super::currency::wire_units(ProviderKind::Chargebee, call.amount, call.currency)?;
    let (path, form) = match &target {
        Target::Invoice(id) => (
            format!("/api/v2/invoices/{}/refund", percent_encode(id)),
            vec![
                ("refund_amount".to_string(), minor.to_string()),
                ("credit_note[reason_code]".to_string(), REASON_CODE.to_string()),
                ("comment".to_string(), comment(call)),
                ("customer_notes".to_string(), format!("{CUSTOMER_NOTES} ({})", call.case)),
            ],
        ),
        Target::Transaction(id) => (
            format!("/api/v2/transactions/{}/refund", percent_encode(id)),
            vec![("amount".to_string(), minor.to_string()), ("comment".to_string(), comment(call))],
        ),
    };
    Ok(ApiRequest::post(path, Body::Form(form)).header("chargebee-idempotency-key", call.idempotency_key.clone()))
}

/// A transaction's status as paydesk reads it.
pub fn map_status(status: &str, error_text: &str) -> ProviderStatus {
    match status {
        "success" => ProviderStatus::Succeeded,
        "failure" => ProviderStatus::Failed(format!("Chargebee's refund transaction failed{}", detail(error_text))),
        "voided" => ProviderStatus::Failed(format!("Chargebee voided the refund transaction{}", detail(error_text))),
        // in_progress, timeout, needs_attention, or anything new: not final.
        _ => ProviderStatus::Pending,
    }
}

fn detail(t: &str) -> String {
    if t.is_empty() {
        String::new()
    } else {
        format!(": {t}")
    }
}

/// A refund transaction object.
pub fn parse_transaction(t: &Value) -> Result<ProviderRefund, ConnectorError> {
    let id = str_field(t, "id");
    if id.is_empty() {
        return Err(ConnectorError::Ambiguous("chargebee: the transaction has no id".into()));
    }
    if t.get("type").is_some_and(|v| v != "refund") {
        return Err(ConnectorError::Ambiguous(format!("chargebee: transaction {id} is not a refund")));
    }
    Ok(refund(id, map_status(str_field(t, "status"), str_field(t, "error_text"))))
}

fn error(resp: &ApiResponse) -> ConnectorError {
    let v = resp.json().unwrap_or(Value::Null);
    let (code, param, message) = (str_field(&v, "api_error_code"), str_field(&v, "param"), str_field(&v, "message"));
    let words = if matches!(param, "refund_amount" | "amount") && resp.status == 400 {
        format!("the refund is larger than what is left to refund ({message})")
    } else if code == "resource_not_found" {
        "Chargebee does not know this invoice or transaction".to_string()
    } else if code.is_empty() {
        message.to_string()
    } else {
        format!("{code}: {message}")
    };
    match (resp.status, code) {
        // "api_request_limit_exceeded" (429): nothing made; the limit resets in about a minute.
        (429, _) => ConnectorError::Transient(format!("chargebee: rate limited (429): {words}")),
        // A request with this key is being worked on: nothing new; retry with the same key.
        (409, _) => {
            ConnectorError::Transient(format!("chargebee: a request with the same key is in progress (409): {words}"))
        }
        _ => status_error("chargebee", resp, &words),
    }
}

fn json(resp: &ApiResponse) -> Result<Value, ConnectorError> {
    resp.json().ok_or_else(|| ConnectorError::Ambiguous("chargebee: the answer is not JSON".into()))
}

/// The refund answer (or its replay): the refund transaction in it.
pub fn parse_refund(resp: &ApiResponse) -> Result<ProviderRefund, ConnectorError> {
    if !resp.is_success() {
        return Err(error(resp));
    }
    let v = json(resp)?;
    let t = v
        .get("transaction")
        .ok_or_else(|| ConnectorError::Ambiguous("chargebee: the answer names no refund transaction".into()))?;
    parse_transaction(t)
}

/// `GET /api/v2/transactions/{id}`: `{transaction}`.
pub fn parse_read(resp: &ApiResponse) -> Result<Option<ProviderRefund>, ConnectorError> {
    if !resp.is_success() {
        return Err(error(resp));
    }
    let v = json(resp)?;
    v.get("transaction")
        .map(parse_transaction)
        .transpose()?
        .map(Some)
        .ok_or_else(|| ConnectorError::Ambiguous("chargebee: no transaction".into()))
}

/// `GET /api/v2/comments?entity_type=…&entity_id=…`: our key among the comments? `Ok(None)`:
/// nothing was made under it. Found: made, but the comment names no transaction.
pub fn parse_comments(call: &RefundCall, resp: &ApiResponse) -> Result<Option<ProviderRefund>, ConnectorError> {
    if !resp.is_success() {
        return Err(error(resp));
    }
    let v = json(resp)?;
    let list = v
        .get("list")
        .and_then(Value::as_array)
        .ok_or_else(|| ConnectorError::Ambiguous("chargebee: the comments are not a list".into()))?;
    let ours =
        list.iter().filter_map(|e| e.get("comment")).any(|c| str_field(c, "notes").contains(&call.idempotency_key));
    if ours {
        return Err(ConnectorError::Ambiguous(format!(
            "chargebee: a refund under our key exists (the {} comment) but Chargebee's idempotency window has passed and it names no transaction: check the credit notes of {}",
            COMMENT_PREFIX, call.charge
        )));
    }
    if v.get("next_offset").and_then(Value::as_str).is_some_and(|o| !o.is_empty()) {
        return Err(ConnectorError::Ambiguous(
            "chargebee: more comments than one page; ours may be on the next".into(),
        ));
    }
    Ok(None)
}

/// The Chargebee `PaymentConnector`: one refund request; lookups by transaction id, by
/// replay inside the idempotency window, or by the invoice's comments past it.
pub struct ChargebeeConnector {
    exec: Arc<Executor>,
    replay_window: Duration,
    first_sent: Mutex<HashMap<String, Instant>>,
}

impl ChargebeeConnector {
    pub fn new(exec: Arc<Executor>) -> ChargebeeConnector {
        ChargebeeConnector::with_replay_window(exec, REPLAY_WINDOW)
    }

    /// With another replay window (tests: zero, to act as if the window had passed).
    pub fn with_replay_window(exec: Arc<Executor>, replay_window: Duration) -> ChargebeeConnector {
        ChargebeeConnector {
            exec,
            replay_window: replay_window.min(IDEMPOTENCY_WINDOW),
            first_sent: Mutex::new(HashMap::new()),
        }
    }

    fn inside_window(&self, key: &str) -> bool {
        let sent = self.first_sent.lock().unwrap_or_else(|e| e.into_inner());
        sent.get(key).is_some_and(|t| t.elapsed() < self.replay_window)
    }
}

#[async_trait]
impl PaymentConnector for ChargebeeConnector {
    fn name(&self) -> &str {
        ProviderKind::Chargebee.name()
    }

    fn representable(
        &self,
        amount: rust_decimal::Decimal,
        currency: crate::domain::money::Currency,
    ) -> Result<(), crate::app::ports::CannotSend> {
        super::currency::representable(ProviderKind::Chargebee, currency, amount)
    }

    async fn refund(&self, call: &RefundCall) -> Result<ProviderRefund, ConnectorError> {
        let req = refund_request(call)?;
        {
            let mut sent = self.first_sent.lock().unwrap_or_else(|e| e.into_inner());
            sent.retain(|_, t| t.elapsed() < IDEMPOTENCY_WINDOW);
            sent.entry(call.idempotency_key.clone()).or_insert_with(Instant::now);
        }
        tracing::info!(provider = "chargebee", request = %super::executor::loggable(&req), refund = call.refund.0, "refund call");
        self.exec.run(&req, parse_refund).await
    }

    async fn lookup(&self, call: &RefundCall) -> Result<Option<ProviderRefund>, ConnectorError> {
        if let Some(r) = &call.provider_ref {
            let req = ApiRequest::get(format!("/api/v2/transactions/{}", percent_encode(r)));
            return self.exec.run(&req, parse_read).await;
        }
        if self.inside_window(&call.idempotency_key) {
            // The documented key-addressed read: the same request with the same key answers
            // the stored result and never refunds twice.
            let req = refund_request(call)?;
            tracing::info!(
                provider = "chargebee",
                refund = call.refund.0,
                "lookup by replay inside the idempotency window"
            );
            return self.exec.run(&req, parse_refund).await.map(Some);
        }
        let (typ, id) = match Target::of(call.charge.as_str())? {
            Target::Invoice(id) => ("invoice", id),
            Target::Transaction(id) => ("transaction", id),
        };
        let req =
            ApiRequest::get(format!("/api/v2/comments?entity_type={typ}&entity_id={}&limit=100", percent_encode(&id)));
        tracing::info!(
            provider = "chargebee",
            refund = call.refund.0,
            "lookup through the comments (past the idempotency window)"
        );
        self.exec.run(&req, |resp| parse_comments(call, resp)).await
    }
}

/// Chargebee webhooks are protected by HTTP Basic auth with the user name and password set
/// on the webhook ("Protect webhook URL with basic authentication":
/// apidocs.chargebee.com/docs/api/webhooks). Compared in constant time.
pub fn verify_basic(authorization: Option<&str>, user: &str, pass: &str) -> bool {
    use base64::Engine as _;
    // The scheme is case-insensitive (RFC 7617 / RFC 9110 §11.1).
    let Some((scheme, given)) = authorization.and_then(|a| a.trim().split_once(' ')) else { return false };
    if !scheme.eq_ignore_ascii_case("basic") {
        return false;
    }
    let Ok(given) = base64::engine::general_purpose::STANDARD.decode(given.trim()) else { return false };
    let want = format!("{user}:{pass}").into_bytes();
    given.len() == want.len() && given.iter().zip(&want).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// The event types paydesk reads (others are answered 200 and ignored).
pub const EVENTS: [&str; 4] = ["credit_note_created", "refund_initiated", "transaction_updated", "payment_refunded"];

/// An event without a part it must have (named as in the event: `occurred_at`, `content`, …).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no {0}")]
pub struct MissingField(pub &'static str);

/// An event (`{id, occurred_at, event_type, content: {…}}`, apidocs.chargebee.com/docs/api/events):
/// its time (Unix seconds) and the refund transactions it states. `refund_initiated`,
/// `transaction_updated` and `payment_refunded` carry `content.transaction`;
/// `credit_note_created` carries `content.credit_note` with `linked_refunds [{txn_id,
/// txn_status}]`. Each state of each transaction is one event for the engine.
pub fn webhook_refunds(v: &Value) -> Result<(i64, Vec<RefundUpdate>), MissingField> {
    let id = str_field(v, "id");
    let occurred = v.get("occurred_at").and_then(Value::as_i64).ok_or(MissingField("occurred_at"))?;
    if id.is_empty() {
        return Err(MissingField("event id"));
    }
    let typ = str_field(v, "event_type");
    let content = v.get("content").ok_or(MissingField("content"))?;
    let mut out = Vec::new();
    let mut push = |txn: &str, status: ProviderStatus| {
        out.push(RefundUpdate {
            provider: "chargebee".into(),
            event_id: format!("{id}:{txn}"),
            provider_ref: txn.to_string(),
            idempotency_key: None,
            status,
        })
    };
    match typ {
        "refund_initiated" | "transaction_updated" | "payment_refunded" => {
            let t = content.get("transaction").ok_or(MissingField("transaction"))?;
            // `payment_refunded` is about the payment; the refund is its linked refund.
            if str_field(t, "type") == "refund" {
                push(str_field(t, "id"), map_status(str_field(t, "status"), str_field(t, "error_text")));
            }
            for r in t.get("linked_refunds").and_then(Value::as_array).into_iter().flatten() {
                push(str_field(r, "txn_id"), map_status(str_field(r, "txn_status"), ""));
            }
        }
        "credit_note_created" => {
            let cn = content.get("credit_note").ok_or(MissingField("credit_note"))?;
            for r in cn.get("linked_refunds").and_then(Value::as_array).into_iter().flatten() {
                push(str_field(r, "txn_id"), map_status(str_field(r, "txn_status"), ""));
            }
        }
        _ => {}
    }
    out.retain(|u| !u.provider_ref.is_empty());
    Ok((occurred, out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::payments::api::test_call;
    use serde_json::json;

    #[test]
    fn invoice_refund_in_minor_units_with_a_reason_and_the_key() {
        let c = test_call("inv_1042", "10.50", "EUR");
        let r = refund_request(&c).unwrap();
        assert_eq!(r.path, "/api/v2/invoices/inv_1042/refund");
        assert_eq!(r.header_value("chargebee-idempotency-key"), Some(c.idempotency_key.as_str()));
        let Some(Body::Form(f)) = &r.body else { panic!() };
        let get = |k: &str| f.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("refund_amount"), Some("1050"));
        assert_eq!(get("credit_note[reason_code]"), Some("other"));
        assert!(get("comment").unwrap().contains(&c.idempotency_key));
        assert!(!get("customer_notes").unwrap().contains("duplicate charge"), "the agent's note stays internal");
        let t = refund_request(&test_call("txn_AzZhUGSPAkLskJQo", "3", "JPY")).unwrap();
        assert_eq!(t.path, "/api/v2/transactions/txn_AzZhUGSPAkLskJQo/refund");
        let Some(Body::Form(f)) = &t.body else { panic!() };
        assert!(f.contains(&("amount".to_string(), "3".to_string())), "{f:?}");
        assert!(refund_request(&test_call("../x", "1", "EUR")).is_err());
        assert!(refund_request(&test_call("inv_1", "1.005", "EUR")).is_err());
    }

    #[test]
    fn answers_errors_and_lookups() {
        let c = test_call("inv_1042", "10", "EUR");
        let ok = json!({"invoice": {"id": "inv_1042"}, "transaction": {"id": "txn_r1", "type": "refund", "status": "success"}, "credit_note": {"id": "CN-1"}});
        assert_eq!(
            parse_refund(&ApiResponse::new(200, ok.to_string())).unwrap(),
            refund("txn_r1", ProviderStatus::Succeeded)
        );
        let pending = json!({"transaction": {"id": "txn_r2", "type": "refund", "status": "in_progress"}});
        assert_eq!(parse_refund(&ApiResponse::new(200, pending.to_string())).unwrap().status, ProviderStatus::Pending);
        let over = ApiResponse::new(
            400,
            r#"{"message":"refund_amount : cannot be more than 49.00","type":"invalid_request","api_error_code":"param_wrong_value","param":"refund_amount"}"#,
        );
        assert!(
            matches!(parse_refund(&over), Err(ConnectorError::Permanent(m)) if m.contains("larger than what is left"))
        );
        let limited = ApiResponse::new(
            429,
            r#"{"message":"Sorry, access has been blocked temporarily","api_error_code":"api_request_limit_exceeded"}"#,
        );
        assert!(matches!(parse_refund(&limited), Err(ConnectorError::Transient(_))));
        assert!(matches!(parse_refund(&ApiResponse::new(500, "{}")), Err(ConnectorError::Ambiguous(_))));
        let none = json!({"list": [{"comment": {"id": "cmt_1", "notes": "someone else"}}]});
        assert_eq!(parse_comments(&c, &ApiResponse::new(200, none.to_string())).unwrap(), None);
        let ours = json!({"list": [{"comment": {"id": "cmt_2", "notes": comment(&c)}}]});
        assert!(matches!(
            parse_comments(&c, &ApiResponse::new(200, ours.to_string())),
            Err(ConnectorError::Ambiguous(_))
        ));
        assert!(
            parse_comments(&c, &ApiResponse::new(401, r#"{"api_error_code":"api_authentication_failed"}"#)).is_err()
        );
    }

    #[test]
    fn webhooks() {
        use base64::Engine as _;
        let good = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode("hook:pw"));
        assert!(verify_basic(Some(&good), "hook", "pw"));
        assert!(!verify_basic(Some(&good), "hook", "other"));
        assert!(!verify_basic(None, "hook", "pw"));
        assert!(verify_basic(Some(&good.replace("Basic", "basic")), "hook", "pw"));
        assert!(!verify_basic(Some(&good.replace("Basic", "Bearer")), "hook", "pw"));
        let ev = json!({"id": "ev_1", "occurred_at": 1775037600, "event_type": "credit_note_created",
            "content": {"credit_note": {"id": "CN-1", "linked_refunds": [{"txn_id": "txn_r1", "txn_status": "success"}]}}});
        let (at, ups) = webhook_refunds(&ev).unwrap();
        assert_eq!(at, 1775037600);
        assert_eq!(
            (ups[0].provider_ref.as_str(), ups[0].event_id.as_str(), &ups[0].status),
            ("txn_r1", "ev_1:txn_r1", &ProviderStatus::Succeeded)
        );
        let upd = json!({"id": "ev_2", "occurred_at": 1, "event_type": "transaction_updated", "content": {"transaction": {"id": "txn_r1", "type": "refund", "status": "failure"}}});
        assert!(matches!(webhook_refunds(&upd).unwrap().1[0].status, ProviderStatus::Failed(_)));
        assert_eq!(webhook_refunds(&json!({"id": "ev_3"})), Err(MissingField("occurred_at")));
    }
}
