//! Shopify (Admin GraphQL API): the refund is made on the order, so Shopify's order, its
//! transactions and its reports stay true.
//!
//! `POST /admin/api/{version}/graphql.json` with header `X-Shopify-Access-Token`
//! (shopify.dev/docs/api/admin-graphql — Authentication). A refund is two documents:
//!
//! 1. `order(id) { suggestedRefund(refundAmount:, suggestFullRefund: false) { … } }`: the
//!    amount Shopify would refund, the most it still can (`maximumRefundableSet`), and the
//!    `suggestedTransactions` — which payment (`parentTransaction.id`) and `gateway` to
//!    refund through (shopify.dev/docs/api/admin-graphql/latest/objects/SuggestedRefund).
//!    This is a read; it moves nothing.
//! 2. `refundCreate(input: {orderId, note, notify, transactions: [{orderId, parentId,
//!    amount, gateway, kind: REFUND}]})` (shopify.dev/docs/api/admin-graphql/latest/
//!    mutations/refundCreate; `OrderTransactionInput`). Amounts are `Money` decimal strings
//!    in the shop's currency. The payload is `{refund, order, userErrors}`; a non-empty
//!    `userErrors` means nothing was made.
//!
//! Idempotency: `refundCreate` takes `@idempotent(key:)` from API version **2026-01**
//! ("Adding idempotency for inventory adjustments and refund mutations", shopify.dev
//! changelog, 2025-12-12), and it becomes mandatory in 2026-04. With an older version the
//! mutation has no key: a retry is only safe after the order's refunds were read and ours
//! (our key is in the refund's `note`) was not among them — the engine looks up before any
//! retry of an unknown outcome, and the lookup here is always that read.
//!
//! Throttling: the GraphQL Admin API limits by calculated query cost; a throttled request
//! answers `errors: [{message: "Throttled", extensions: {code: "THROTTLED"}}]` with
//! `extensions.cost {requestedQueryCost, throttleStatus {maximumAvailable,
//! currentlyAvailable, restoreRate}}` (shopify.dev/docs/api/usage/limits): nothing ran; the
//! wait is what is missing divided by the restore rate (`throttle_wait`). A 429 with
//! `Retry-After` is honoured too.

use super::api::{refund, status_error, str_field, ApiRequest, ApiResponse, Body, ProviderKind};
use super::currency::Exception;
use super::executor::Executor;
use crate::app::engine::RefundUpdate;
use crate::app::ports::{ConnectorError, PaymentConnector, ProviderRefund, ProviderStatus, RefundCall};
use async_trait::async_trait;
use serde_json::{json, Value};
use std::sync::Arc;

/// None: `Money` is a decimal string with the currency's ISO 4217 decimals
/// (shopify.dev/docs/api/admin-graphql/latest/scalars/Money).
pub const CURRENCY_EXCEPTIONS: &[Exception] = &[];

/// The API version used unless `[providers.shopify] version` says otherwise: the first
/// that takes `@idempotent` on `refundCreate`.
pub const DEFAULT_VERSION: &str = "2026-01";
/// From this version on `refundCreate` takes `@idempotent(key:)`.
pub const IDEMPOTENT_SINCE: &str = "2026-01";

/// What the refund's note says (staff see it on the order); our key follows in brackets.
pub const NOTE: &str = "Refund from our support team";

/// The mutation, with or without the idempotency directive.
pub fn mutation(idempotent: bool) -> String {
    let directive = if idempotent { " @idempotent(key: $key)" } else { "" };
    let key_var = if idempotent { ", $key: String!" } else { "" };
    format!(
        "mutation paydeskRefund($input: RefundInput!{key_var}) {{ refundCreate(input: $input){directive} {{ \
         refund {{ id note transactions(first: 5) {{ nodes {{ id kind status gateway amountSet {{ shopMoney {{ amount currencyCode }} }} }} }} }} \
         userErrors {{ field message }} }} }}"
    )
}

pub const SUGGESTED: &str = "query paydeskSuggestedRefund($id: ID!, $amount: Money!) { order(id: $id) { id currencyCode \
    suggestedRefund(refundAmount: $amount, suggestFullRefund: false) { amountSet { shopMoney { amount currencyCode } } \
    maximumRefundableSet { shopMoney { amount currencyCode } } \
    suggestedTransactions { kind gateway amountSet { shopMoney { amount currencyCode } } parentTransaction { id } } } } }";

pub const ORDER_REFUNDS: &str =
    "query paydeskOrderRefunds($id: ID!) { order(id: $id) { id refunds(first: 250) { id note createdAt \
    transactions(first: 5) { nodes { id kind status gateway amountSet { shopMoney { amount currencyCode } } } } } } }";

pub const TRANSACTION: &str =
    "query paydeskTransaction($id: ID!) { node(id: $id) { ... on OrderTransaction { id kind status gateway amountSet { shopMoney { amount currencyCode } } } } }";

/// The numeric id of an order (a charge names it as `1001234`, or as its global id).
pub fn order_id(call: &RefundCall) -> Result<String, ConnectorError> {
    let raw = call.charge.as_str();
    let id = raw.strip_prefix("gid://shopify/Order/").unwrap_or(raw);
    if id.is_empty() || id.len() > 20 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ConnectorError::Permanent(format!(
            "shopify: `{raw}` is not a Shopify order id (digits, or gid://shopify/Order/…)"
        )));
    }
    Ok(id.to_string())
}

pub fn order_gid(id: &str) -> String {
    format!("gid://shopify/Order/{id}")
}

/// The numeric tail of a global id (`gid://shopify/OrderTransaction/42` → `42`).
pub fn numeric(gid: &str) -> &str {
    gid.rsplit('/').next().unwrap_or(gid)
}

/// Whether `version` (`YYYY-MM`, or `unstable`) takes `@idempotent` on `refundCreate`.
pub fn supports_idempotent(version: &str) -> bool {
    version == "unstable" || version >= IDEMPOTENT_SINCE
}

/// The refund's note: fixed words, the case and our key (found again by the lookup).
pub fn note(call: &RefundCall) -> String {
    format!("{NOTE} ({}) [{}]", call.case, call.idempotency_key)
}

/// Our key from a refund's note (`… [pd_…]`).
pub fn key_in_note(note: &str) -> Option<&str> {
    let start = note.rfind("[pd_")? + 1;
    let end = note[start..].find(']')? + start;
    Some(&note[start..end])
}

fn graphql(path: &str, query: &str, variables: Value) -> ApiRequest {
    let mut r = ApiRequest::post(path.to_string(), Body::Json(json!({"query": query, "variables": variables})));
    r.creates = false;
    r
}

/// A refund transaction's status (`OrderTransactionStatus`: SUCCESS, PENDING, FAILURE,
/// ERROR, AWAITING_RESPONSE, UNKNOWN; the webhooks write them lower-case).
pub fn map_status(status: &str) -> ProviderStatus {
    match status.to_ascii_uppercase().as_str() {
        "SUCCESS" => ProviderStatus::Succeeded,
        "FAILURE" => ProviderStatus::Failed("Shopify's payment gateway declined the refund".into()),
        "ERROR" => ProviderStatus::Failed("Shopify's payment gateway answered the refund with an error".into()),
        _ => ProviderStatus::Pending,
    }
}

/// The seconds to wait after a `THROTTLED` answer: (requested − available) / restore rate,
/// at least 1 (shopify.dev/docs/api/usage/limits).
pub fn throttle_wait(resp: &ApiResponse) -> Option<u64> {
    let v = resp.json()?;
    let throttled = v
        .get("errors")?
        .as_array()?
        .iter()
        .any(|e| e.pointer("/extensions/code").and_then(Value::as_str) == Some("THROTTLED"));
    if !throttled {
        return None;
    }
    let cost = v.pointer("/extensions/cost");
    let requested = cost.and_then(|c| c.get("requestedQueryCost")).and_then(Value::as_f64).unwrap_or(0.0);
    let available =
        cost.and_then(|c| c.pointer("/throttleStatus/currentlyAvailable")).and_then(Value::as_f64).unwrap_or(0.0);
    let rate = cost
        .and_then(|c| c.pointer("/throttleStatus/restoreRate"))
        .and_then(Value::as_f64)
        .filter(|r| *r > 0.0)
        .unwrap_or(50.0);
    let secs = ((requested - available).max(0.0) / rate).ceil();
    Some((secs as u64).clamp(1, 60))
}

/// The GraphQL answer's data, or the error it stands for.
fn data(resp: &ApiResponse, mutation: bool) -> Result<Value, ConnectorError> {
    if resp.status == 429 {
        return Err(ConnectorError::Transient("shopify: rate limited (429)".into()));
    }
    if !resp.is_success() {
        return Err(status_error("shopify", resp, ""));
    }
    let v = resp.json().ok_or_else(|| ConnectorError::Ambiguous("shopify: the answer is not JSON".into()))?;
    if let Some(errors) = v.get("errors").and_then(Value::as_array).filter(|e| !e.is_empty()) {
        let codes: Vec<&str> =
            errors.iter().filter_map(|e| e.pointer("/extensions/code").and_then(Value::as_str)).collect();
        let words: Vec<&str> = errors.iter().filter_map(|e| e.get("message").and_then(Value::as_str)).collect();
        let words = words.join("; ");
        if codes.contains(&"THROTTLED") {
            return Err(ConnectorError::Transient(format!("shopify: throttled (query cost): {words}")));
        }
        // Another request with this key is still running: nothing new; retry with the key.
        if codes.iter().any(|c| c.contains("CONCURRENT")) {
            return Err(ConnectorError::Transient(format!(
                "shopify: a request with the same key is in progress: {words}"
            )));
        }
        if codes.contains(&"INTERNAL_SERVER_ERROR") && mutation {
            return Err(ConnectorError::Ambiguous(format!("shopify: internal error: {words}")));
        }
        if codes.contains(&"ACCESS_DENIED") {
            return Err(ConnectorError::Permanent(format!(
                "shopify: the access token may not do this (ACCESS_DENIED): {words}"
            )));
        }
        // Other top-level errors (a query Shopify cannot parse or validate) ran nothing.
        return Err(ConnectorError::Permanent(format!("shopify: the request was refused: {words}")));
    }
    v.get("data")
        .cloned()
        .filter(|d| !d.is_null())
        .ok_or_else(|| ConnectorError::Ambiguous("shopify: the answer has no data".into()))
}

/// The refund's transaction as paydesk records it (its numeric id and status).
fn refund_from(r: &Value) -> Result<ProviderRefund, ConnectorError> {
    let nodes = r.pointer("/transactions/nodes").and_then(Value::as_array).cloned().unwrap_or_default();
    let t = nodes.iter().find(|t| str_field(t, "kind").eq_ignore_ascii_case("REFUND")).ok_or_else(|| {
        ConnectorError::Ambiguous(format!("shopify: refund {} has no REFUND transaction", str_field(r, "id")))
    })?;
    Ok(refund(numeric(str_field(t, "id")), map_status(str_field(t, "status"))))
}

/// The suggested refund: the transactions to send, or why the refund cannot be made.
pub fn parse_suggested(call: &RefundCall, resp: &ApiResponse) -> Result<Vec<Value>, ConnectorError> {
    let d = data(resp, false)?;
    let order = d
        .get("order")
        .filter(|o| !o.is_null())
        .ok_or_else(|| ConnectorError::Permanent("shopify: Shopify does not know this order".into()))?;
    let currency = str_field(order, "currencyCode");
    if !currency.is_empty() && currency != call.currency.code() {
        return Err(ConnectorError::Permanent(format!(
            "shopify: the order is in {currency}, the refund in {}",
            call.currency.code()
        )));
    }
    let sug =
        order.get("suggestedRefund").ok_or_else(|| ConnectorError::Ambiguous("shopify: no suggestedRefund".into()))?;
    let dec = |p: &str| sug.pointer(p).and_then(Value::as_str).and_then(|a| a.parse::<rust_decimal::Decimal>().ok());
    if let Some(max) = dec("/maximumRefundableSet/shopMoney/amount") {
        if call.amount > max {
            return Err(ConnectorError::Permanent(format!(
                "shopify: the refund is larger than what is left to refund on the order ({} {})",
                call.currency.format(max),
                call.currency.code()
            )));
        }
    }
    let out: Vec<Value> = sug
        .get("suggestedTransactions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| {
            !str_field(t, "gateway").is_empty() && t.pointer("/parentTransaction/id").and_then(Value::as_str).is_some()
        })
        .map(|t| {
            json!({"parentId": t.pointer("/parentTransaction/id").and_then(Value::as_str).unwrap_or(""),
                   "gateway": str_field(t, "gateway"),
                   "amount": t.pointer("/amountSet/shopMoney/amount").and_then(Value::as_str).unwrap_or("")})
        })
        .collect();
    if out.is_empty() {
        return Err(ConnectorError::Permanent(
            "shopify: the order has no payment to refund through (no suggested transaction)".into(),
        ));
    }
    // The suggestion must add up to what was asked: never send a different amount.
    let sum: rust_decimal::Decimal =
        out.iter().filter_map(|t| t["amount"].as_str()?.parse::<rust_decimal::Decimal>().ok()).sum();
    if sum != call.amount {
        return Err(ConnectorError::Permanent(format!(
            "shopify: Shopify suggests refunding {} {}, not the {} asked",
            call.currency.format(sum),
            call.currency.code(),
            call.currency.format(call.amount)
        )));
    }
    Ok(out)
}

/// The `refundCreate` answer.
pub fn parse_create(resp: &ApiResponse) -> Result<ProviderRefund, ConnectorError> {
    let d = data(resp, true)?;
    let p =
        d.get("refundCreate").ok_or_else(|| ConnectorError::Ambiguous("shopify: no refundCreate payload".into()))?;
    let errors: Vec<String> = p
        .get("userErrors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|e| {
            let field = e
                .get("field")
                .and_then(Value::as_array)
                .map(|f| f.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("."))
                .unwrap_or_default();
            format!("{field}: {}", str_field(e, "message")).trim_start_matches(": ").to_string()
        })
        .collect();
    if !errors.is_empty() {
        let all = errors.join("; ");
        let l = all.to_ascii_lowercase();
        let words = if l.contains("exceed") || l.contains("more than") || l.contains("refundable") {
            format!("the refund is larger than what is left to refund on the order ({all})")
        } else {
            all
        };
        return Err(ConnectorError::Permanent(format!("shopify: the refund was refused: {words}")));
    }
    let r = p
        .get("refund")
        .filter(|r| !r.is_null())
        .ok_or_else(|| ConnectorError::Ambiguous("shopify: the payload has no refund".into()))?;
    refund_from(r)
}

/// The order's refunds: ours by the key in its note. `Ok(None)`: none under our key.
pub fn parse_order_refunds(call: &RefundCall, resp: &ApiResponse) -> Result<Option<ProviderRefund>, ConnectorError> {
    let d = data(resp, false)?;
    let order = d
        .get("order")
        .filter(|o| !o.is_null())
        .ok_or_else(|| ConnectorError::Permanent("shopify: Shopify does not know this order".into()))?;
    let list = order
        .get("refunds")
        .and_then(Value::as_array)
        .ok_or_else(|| ConnectorError::Ambiguous("shopify: the order's refunds are not a list".into()))?;
    if list.len() >= 250 {
        return Err(ConnectorError::Ambiguous(
            "shopify: the order has 250 refunds or more; ours may be past the first page".into(),
        ));
    }
    list.iter()
        .find(|r| key_in_note(str_field(r, "note")) == Some(call.idempotency_key.as_str()))
        .map(refund_from)
        .transpose()
}

pub fn parse_transaction(resp: &ApiResponse) -> Result<Option<ProviderRefund>, ConnectorError> {
    let d = data(resp, false)?;
    let t = d
        .get("node")
        .filter(|n| !n.is_null())
        .ok_or_else(|| ConnectorError::Ambiguous("shopify: the refund transaction is not found".into()))?;
    Ok(Some(refund(numeric(str_field(t, "id")), map_status(str_field(t, "status")))))
}

/// The Shopify `PaymentConnector`.
pub struct ShopifyConnector {
    exec: Arc<Executor>,
    version: String,
}

impl ShopifyConnector {
    pub fn new(exec: Arc<Executor>, version: &str) -> ShopifyConnector {
        ShopifyConnector { exec, version: version.to_string() }
    }

    pub fn path(&self) -> String {
        format!("/admin/api/{}/graphql.json", self.version)
    }

    /// The `refundCreate` request for `transactions` (from the suggestion).
    pub fn create_request(&self, call: &RefundCall, transactions: &[Value]) -> Result<ApiRequest, ConnectorError> {
        let order = order_gid(&order_id(call)?);
        let txs: Vec<Value> = transactions
            .iter()
            .map(|t| json!({"orderId": order, "parentId": t["parentId"], "amount": t["amount"], "gateway": t["gateway"], "kind": "REFUND"}))
            .collect();
        let input = json!({"orderId": order, "note": note(call), "notify": true, "transactions": txs});
        let idem = supports_idempotent(&self.version);
        let vars = if idem { json!({"input": input, "key": call.idempotency_key}) } else { json!({"input": input}) };
        let mut r = graphql(&self.path(), &mutation(idem), vars);
        r.creates = true;
        Ok(r)
    }
}

#[async_trait]
impl PaymentConnector for ShopifyConnector {
    fn name(&self) -> &str {
        ProviderKind::Shopify.name()
    }

    fn representable(
        &self,
        amount: rust_decimal::Decimal,
        currency: crate::domain::money::Currency,
    ) -> Result<(), crate::app::ports::CannotSend> {
        super::currency::representable(ProviderKind::Shopify, currency, amount)
    }

    async fn refund(&self, call: &RefundCall) -> Result<ProviderRefund, ConnectorError> {
        let order = order_gid(&order_id(call)?);
        let amount = super::currency::wire_decimal(ProviderKind::Shopify, call.amount, call.currency)?;
        let ask = graphql(&self.path(), SUGGESTED, json!({"id": order, "amount": amount}));
        let txs = self.exec.run(&ask, |resp| parse_suggested(call, resp)).await?;
        let req = self.create_request(call, &txs)?;
        tracing::info!(provider = "shopify", request = %super::executor::loggable(&req), refund = call.refund.0, "refund call");
        self.exec.run(&req, parse_create).await
    }

    async fn lookup(&self, call: &RefundCall) -> Result<Option<ProviderRefund>, ConnectorError> {
        let req = match &call.provider_ref {
            Some(r) => graphql(
                &self.path(),
                TRANSACTION,
                json!({"id": format!("gid://shopify/OrderTransaction/{}", numeric(r))}),
            ),
            None => graphql(&self.path(), ORDER_REFUNDS, json!({"id": order_gid(&order_id(call)?)})),
        };
        tracing::info!(provider = "shopify", refund = call.refund.0, "refund lookup");
        match &call.provider_ref {
            Some(_) => self.exec.run(&req, parse_transaction).await,
            None => self.exec.run(&req, |resp| parse_order_refunds(call, resp)).await,
        }
    }
}

/// `X-Shopify-Hmac-Sha256`: the base64 HMAC-SHA256 of the raw body keyed with the app's
/// client secret (shopify.dev/docs/apps/build/webhooks/subscribe/https — verify the
/// webhook). Compared in constant time.
pub fn verify_hmac(header: &str, body: &[u8], secret: &str) -> Result<(), bool> {
    use base64::Engine as _;
    use hmac::{Hmac, Mac};
    let given = base64::engine::general_purpose::STANDARD.decode(header.trim()).map_err(|_| false)?;
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| false)?;
    mac.update(body);
    mac.verify_slice(&given).map_err(|_| true)
}

/// Signs a body as Shopify does (tests and local tooling).
pub fn sign(secret: &str, body: &[u8]) -> String {
    use base64::Engine as _;
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// What a verified delivery says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Refunds(Vec<RefundUpdate>),
    /// `disputes/create`: the dispute id and the order it is on.
    Dispute {
        id: String,
        order: String,
    },
    Nothing,
}

fn id_str(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => numeric(s).to_string(),
        _ => String::new(),
    }
}

fn refund_updates(r: &Value) -> Vec<RefundUpdate> {
    let key = key_in_note(str_field(r, "note")).map(str::to_string);
    r.get("transactions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| str_field(t, "kind") == "refund")
        .map(|t| {
            let id = id_str(t, "id");
            let status = str_field(t, "status");
            RefundUpdate {
                provider: "shopify".into(),
                event_id: format!("transaction:{id}:{status}"),
                provider_ref: id,
                idempotency_key: key.clone(),
                status: map_status(status),
            }
        })
        .filter(|u| !u.provider_ref.is_empty())
        .collect()
}

/// The signed time a delivery carries (the body is what is signed): the refund's
/// `created_at`, the order's `updated_at`, the dispute's `initiated_at`/`updated_at`.
pub fn signed_time(topic: &str, v: &Value) -> Option<chrono::DateTime<chrono::Utc>> {
    let field = match topic {
        "refunds/create" => "created_at",
        "orders/updated" => "updated_at",
        "disputes/create" => "initiated_at",
        _ => return None,
    };
    chrono::DateTime::parse_from_rfc3339(str_field(v, field)).ok().map(|t| t.with_timezone(&chrono::Utc))
}

/// A webhook body that cannot be what its topic says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadDelivery {
    #[error("a dispute without id or order_id")]
    DisputeWithoutIds,
}

/// `refunds/create` (a refund: `{id, order_id, note, created_at, transactions: [{id, kind,
/// status, amount, gateway, parent_id}]}`), `orders/updated` (the order with its
/// `refunds`), `disputes/create` (`{id, order_id, type, amount, currency, reason, status,
/// initiated_at}`) — shopify.dev/docs/api/webhooks (topics and payloads).
pub fn delivery(topic: &str, v: &Value) -> Result<Delivery, BadDelivery> {
    match topic {
        "refunds/create" => Ok(Delivery::Refunds(refund_updates(v))),
        "orders/updated" => Ok(Delivery::Refunds(
            v.get("refunds").and_then(Value::as_array).into_iter().flatten().flat_map(refund_updates).collect(),
        )),
        "disputes/create" => {
            let (id, order) = (id_str(v, "id"), id_str(v, "order_id"));
            if id.is_empty() || order.is_empty() {
                return Err(BadDelivery::DisputeWithoutIds);
            }
            Ok(Delivery::Dispute { id, order })
        }
        _ => Ok(Delivery::Nothing),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::payments::api::test_call;

    #[test]
    fn ids_notes_and_versions() {
        let c = test_call("5530911359275", "10.5", "USD");
        assert_eq!(order_id(&c).unwrap(), "5530911359275");
        assert_eq!(order_id(&test_call("gid://shopify/Order/42", "1", "USD")).unwrap(), "42");
        assert!(order_id(&test_call("#1001", "1", "USD")).is_err());
        let n = note(&c);
        assert_eq!(key_in_note(&n), Some(c.idempotency_key.as_str()));
        assert!(!n.contains("duplicate charge"));
        assert!(supports_idempotent("2026-01") && supports_idempotent("2026-04") && !supports_idempotent("2025-10"));
        assert!(mutation(true).contains("@idempotent(key: $key)") && !mutation(false).contains("@idempotent"));
    }

    #[test]
    fn suggested_create_and_errors() {
        let c = test_call("42", "10.00", "USD");
        let sug = json!({"data": {"order": {"id": "gid://shopify/Order/42", "currencyCode": "USD", "suggestedRefund": {
            "amountSet": {"shopMoney": {"amount": "10.0", "currencyCode": "USD"}},
            "maximumRefundableSet": {"shopMoney": {"amount": "49.0", "currencyCode": "USD"}},
            "suggestedTransactions": [{"kind": "SUGGESTED_REFUND", "gateway": "shopify_payments",
              "amountSet": {"shopMoney": {"amount": "10.0", "currencyCode": "USD"}}, "parentTransaction": {"id": "gid://shopify/OrderTransaction/7"}}]}}}});
        let t = parse_suggested(&c, &ApiResponse::new(200, sug.to_string())).unwrap();
        assert_eq!(t[0]["parentId"], "gid://shopify/OrderTransaction/7");
        let big = test_call("42", "50", "USD");
        assert!(
            matches!(parse_suggested(&big, &ApiResponse::new(200, sug.to_string())), Err(ConnectorError::Permanent(m)) if m.contains("larger than what is left"))
        );
        let made = json!({"data": {"refundCreate": {"refund": {"id": "gid://shopify/Refund/9", "note": note(&c), "transactions": {"nodes": [
            {"id": "gid://shopify/OrderTransaction/11", "kind": "REFUND", "status": "SUCCESS", "gateway": "shopify_payments"}]}}, "userErrors": []}}});
        assert_eq!(
            parse_create(&ApiResponse::new(200, made.to_string())).unwrap(),
            refund("11", ProviderStatus::Succeeded)
        );
        let refused = json!({"data": {"refundCreate": {"refund": null, "userErrors": [{"field": ["transactions", "0", "amount"], "message": "Amount exceeds the refundable amount"}]}}});
        assert!(
            matches!(parse_create(&ApiResponse::new(200, refused.to_string())), Err(ConnectorError::Permanent(m)) if m.contains("larger than"))
        );
        let throttled = json!({"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
            "extensions": {"cost": {"requestedQueryCost": 110, "actualQueryCost": null, "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": 10, "restoreRate": 100.0}}}});
        let r = ApiResponse::new(200, throttled.to_string());
        assert!(matches!(parse_create(&r), Err(ConnectorError::Transient(_))));
        assert_eq!(throttle_wait(&r), Some(1));
        assert_eq!(throttle_wait(&ApiResponse::new(200, made.to_string())), None);
        assert!(matches!(parse_create(&ApiResponse::new(502, "")), Err(ConnectorError::Ambiguous(_))));
        let refunds = json!({"data": {"order": {"id": "x", "refunds": [{"id": "gid://shopify/Refund/9", "note": note(&c), "transactions": {"nodes": [
            {"id": "gid://shopify/OrderTransaction/11", "kind": "REFUND", "status": "PENDING"}]}}]}}});
        assert_eq!(
            parse_order_refunds(&c, &ApiResponse::new(200, refunds.to_string())).unwrap(),
            Some(refund("11", ProviderStatus::Pending))
        );
        let other = json!({"data": {"order": {"id": "x", "refunds": []}}});
        assert_eq!(parse_order_refunds(&c, &ApiResponse::new(200, other.to_string())).unwrap(), None);
        assert!(parse_order_refunds(&c, &ApiResponse::new(401, "")).is_err());
    }

    #[test]
    fn webhooks() {
        let body = br#"{"id":9,"order_id":42}"#;
        let sig = sign("shpss_secret", body);
        assert_eq!(verify_hmac(&sig, body, "shpss_secret"), Ok(()));
        assert_eq!(verify_hmac(&sig, body, "other"), Err(true));
        assert_eq!(verify_hmac("not base64!", body, "shpss_secret"), Err(false));
        let refund = json!({"id": 9, "order_id": 42, "created_at": "2026-04-01T11:01:00-04:00", "note": "x [pd_k]",
            "transactions": [{"id": 11, "kind": "refund", "status": "success", "amount": "10.00"}, {"id": 12, "kind": "sale", "status": "success"}]});
        let Delivery::Refunds(u) = delivery("refunds/create", &refund).unwrap() else { panic!() };
        assert_eq!(u.len(), 1);
        assert_eq!(
            (u[0].provider_ref.as_str(), u[0].idempotency_key.as_deref(), &u[0].status),
            ("11", Some("pd_k"), &ProviderStatus::Succeeded)
        );
        assert_eq!(signed_time("refunds/create", &refund), Some("2026-04-01T15:01:00Z".parse().unwrap()));
        let d = json!({"id": 77, "order_id": 42, "type": "chargeback", "initiated_at": "2026-04-01T11:00:00Z"});
        assert_eq!(delivery("disputes/create", &d).unwrap(), Delivery::Dispute { id: "77".into(), order: "42".into() });
        assert_eq!(delivery("products/update", &d).unwrap(), Delivery::Nothing);
    }
}
