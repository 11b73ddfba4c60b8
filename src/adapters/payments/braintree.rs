//! Braintree GraphQL: `POST /graphql` with Basic auth (public:private key) and
//! `Braintree-Version`; the `refundTransaction` mutation with `transactionId`,
//! `refund { amount (decimal string), orderId }` and `apiRequestKey` (our key: the same
//! key returns the same refund in its current status for 30 days). A known refund is
//! read with `node(id:)`. GraphQL errors come with HTTP 200 and
//! `errors[].extensions.errorClass`.

pub mod webhook;

use super::api::{refund, status_error, str_field, ApiRequest, ApiResponse, Body, ProviderApi, ProviderKind};
use super::currency::Exception;
use crate::app::ports::{ConnectorError, ProviderRefund, ProviderStatus, RefundCall};
use serde_json::Value;

/// None: `MoneyInput.value` is a decimal string in the currency's ISO 4217 digits
/// (developer.paypal.com/braintree/graphql/reference, `Amount` scalar).
pub const CURRENCY_EXCEPTIONS: &[Exception] = &[];

pub const DEFAULT_VERSION: &str = "2019-01-01";

pub const REFUND_MUTATION: &str = "mutation Refund($input: RefundTransactionInput!) { refundTransaction(input: $input) { clientMutationId refund { id legacyId status amount { value currencyCode } } } }";
pub const REFUND_QUERY: &str =
    "query Refund($id: ID!) { node(id: $id) { ... on Refund { id legacyId status amount { value currencyCode } } } }";

/// A GraphQL request: `{"query": …, "variables": …}` (developer.paypal.com/braintree/graphql/guides,
/// "Making API calls": a POST whose JSON body holds `query` and `variables`).
#[derive(Debug, serde::Serialize)]
pub struct GraphQl<V: serde::Serialize> {
    pub query: &'static str,
    pub variables: V,
}

#[derive(Debug, serde::Serialize)]
pub struct RefundVariables<'a> {
    pub input: RefundTransactionInput<'a>,
}

/// `RefundTransactionInput` (Braintree GraphQL reference): `transactionId: ID!` (a global
/// id), `refund: RefundInput`, `clientMutationId`; `apiRequestKey` makes the mutation
/// idempotent (the same key returns the same refund).
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundTransactionInput<'a> {
    pub transaction_id: String,
    pub api_request_key: &'a str,
    pub client_mutation_id: &'a str,
    pub refund: RefundInput,
}

/// `RefundInput`: `amount: Amount` (a decimal string) and `orderId: String`.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundInput {
    pub amount: String,
    pub order_id: String,
}

/// `node(id: ID!)` reads a refund by its global id.
#[derive(Debug, serde::Serialize)]
pub struct NodeVariables {
    pub id: String,
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<Value, ConnectorError> {
    serde_json::to_value(v)
        .map_err(|e| ConnectorError::Permanent(format!("braintree: the request cannot be written: {e}")))
}

#[derive(Debug, Clone)]
pub struct Braintree {
    pub version: String,
}

/// `PaymentStatus` of a refund: settled ones are paid; submitted/pending ones are not
/// final yet; declined, rejected, failed and voided ones are not paid.
pub fn map_status(status: &str) -> ProviderStatus {
    match status {
        "SETTLED" | "SETTLING" | "SETTLEMENT_CONFIRMED" => ProviderStatus::Succeeded,
        "FAILED"
        | "GATEWAY_REJECTED"
        | "PROCESSOR_DECLINED"
        | "SETTLEMENT_DECLINED"
        | "VOIDED"
        | "AUTHORIZATION_EXPIRED" => ProviderStatus::Failed(format!(
            "Braintree reports the refund {}",
            status.to_ascii_lowercase().replace('_', " ")
        )),
        _ => ProviderStatus::Pending,
    }
}

fn legacy_words(code: &str) -> Option<&'static str> {
    Some(match code {
        "91521" => "the refund is larger than what is left to refund on the transaction",
        "91512" => "the transaction has already been refunded in full",
        "91506" => "the transaction is not settled yet, so it cannot be refunded (void it instead)",
        "91543" => "the refund would exceed the transaction",
        "91538" | "915200" => "Braintree does not allow this transaction to be refunded",
        _ => return None,
    })
}

fn graphql_error(resp: &ApiResponse, v: &Value) -> Option<ConnectorError> {
    let errs = v.get("errors").and_then(Value::as_array)?;
    let first = errs.first()?;
    let ext = first.get("extensions").cloned().unwrap_or(Value::Null);
    let class = str_field(&ext, "errorClass");
    let legacy = match ext.get("legacyCode") {
        Some(Value::String(x)) => x.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let words = legacy_words(&legacy).map(str::to_string).unwrap_or_else(|| str_field(first, "message").to_string());
    Some(match class {
        "INTERNAL" | "SERVICE_AVAILABILITY" | "RESOURCE_LIMIT" | "TIMEOUT" => {
            if class == "INTERNAL" {
                // Documented as "the ultimate state of the request is uncertain".
                ConnectorError::Ambiguous(format!("braintree: {words} ({class})"))
            } else {
                ConnectorError::Transient(format!("braintree: {words} ({class})"))
            }
        }
        // A validation refusal names its legacy code (91521, …); one without a code may be
        // the replayed apiRequestKey of a request still in flight, whatever its wording:
        // ask again later (the engine's schedule bounds it), never a refusal.
        "VALIDATION"
            if legacy.is_empty()
                || words.to_ascii_lowercase().contains("in-flight")
                || words.to_ascii_lowercase().contains("in flight") =>
        {
            ConnectorError::Transient(format!("braintree: a request with the same key is in progress: {words}"))
        }
        _ if resp.status >= 500 || resp.status == 429 => status_error("braintree", resp, &words),
        _ => ConnectorError::Permanent(format!("braintree: {words}")),
    })
}

fn is_validation(resp: &ApiResponse) -> bool {
    resp.json()
        .and_then(|v| v.get("errors").and_then(Value::as_array).and_then(|e| e.first()).cloned())
        .and_then(|e| e.get("extensions").map(|x| str_field(x, "errorClass") == "VALIDATION"))
        .unwrap_or(false)
}

fn parse(resp: &ApiResponse, field: &str) -> Result<ProviderRefund, ConnectorError> {
    let v = resp.json();
    if let Some(e) = v.as_ref().and_then(|v| graphql_error(resp, v)) {
        return Err(e);
    }
    if !resp.is_success() {
        return Err(status_error("braintree", resp, ""));
    }
    let v = v.ok_or_else(|| ConnectorError::Ambiguous("braintree: the answer is not JSON".into()))?;
    let data = v.get("data").cloned().unwrap_or(Value::Null);
    let r = match field {
        "node" => data.get("node").cloned().unwrap_or(Value::Null),
        _ => data.get("refundTransaction").and_then(|p| p.get("refund")).cloned().unwrap_or(Value::Null),
    };
    let id = str_field(&r, "id");
    if id.is_empty() {
        return Err(ConnectorError::Ambiguous("braintree: the answer has no refund".into()));
    }
    // The refund's legacyId is what Braintree's webhooks, exports and Control Panel
    // name it by; its global id (type REFUND) is derived from it for `node(id:)`.
    let legacy = str_field(&r, "legacyId");
    Ok(refund(if legacy.is_empty() { id } else { legacy }, map_status(str_field(&r, "status"))))
}

/// A Braintree global id of `typ` (`transaction`, `refund`: `LegacyIdType` in the GraphQL
/// schema) for `id`: kept when it already is one, else what `idFromLegacyId(legacyId:,
/// type:)` returns for a legacy id — base64 of `<type>_<legacy id>` — computed here so a
/// refund needs no extra round trip. Charges from exports carry legacy ids; the GraphQL
/// API takes only global ids (`transactionId: ID!`).
pub fn global_id(typ: &str, id: &str) -> String {
    use base64::Engine as _;
    let decoded = base64::engine::general_purpose::STANDARD.decode(id).ok().and_then(|b| String::from_utf8(b).ok());
    match decoded {
        Some(d) if d.strip_prefix(typ).is_some_and(|rest| rest.starts_with('_') && rest.len() > 1) => id.to_string(),
        _ => base64::engine::general_purpose::STANDARD.encode(format!("{typ}_{id}")),
    }
}

impl ProviderApi for Braintree {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Braintree
    }

    fn refund_request(&self, call: &RefundCall) -> Result<ApiRequest, ConnectorError> {
        let body = GraphQl {
            query: REFUND_MUTATION,
            variables: RefundVariables {
                input: RefundTransactionInput {
                    transaction_id: global_id("transaction", call.charge.as_str()),
                    api_request_key: &call.idempotency_key,
                    client_mutation_id: &call.idempotency_key,
                    refund: RefundInput {
                        amount: super::currency::wire_decimal(ProviderKind::Braintree, call.amount, call.currency)?,
                        order_id: format!("{}-{}", call.case, call.refund.0),
                    },
                },
            },
        };
        let body = to_json(&body)?;
        Ok(ApiRequest::post("/graphql", Body::Json(body)).header("Braintree-Version", self.version.clone()))
    }

    fn parse_refund(&self, _call: &RefundCall, resp: &ApiResponse) -> Result<ProviderRefund, ConnectorError> {
        parse(resp, "refundTransaction")
    }

    fn lookup_request(&self, call: &RefundCall) -> Result<ApiRequest, ConnectorError> {
        match &call.provider_ref {
            Some(id) => {
                let body = to_json(&GraphQl {
                    query: REFUND_QUERY,
                    variables: NodeVariables { id: global_id("refund", id) },
                })?;
                let mut r =
                    ApiRequest::post("/graphql", Body::Json(body)).header("Braintree-Version", self.version.clone());
                r.creates = false;
                Ok(r)
            }
            // The same apiRequestKey returns the refund made under it, or makes it now.
            None => self.refund_request(call),
        }
    }

    fn parse_lookup(&self, call: &RefundCall, resp: &ApiResponse) -> Result<Option<ProviderRefund>, ConnectorError> {
        match parse(resp, if call.provider_ref.is_some() { "node" } else { "refundTransaction" }) {
            // VALIDATION on a replayed apiRequestKey: the first request is still in
            // flight (RefundTransactionInput reference) — ask again later, whatever the
            // wording; never a refusal.
            Err(ConnectorError::Permanent(why)) if is_validation(resp) => {
                Err(ConnectorError::Transient(format!("{why} (the request with this key is still being processed)")))
            }
            other => other.map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::payments::api::test_call;

    #[test]
    fn ids_and_replayed_validation() {
        // Legacy ids become global ids of the right type; global ids are kept.
        assert_eq!(global_id("transaction", "9kj2xq"), "dHJhbnNhY3Rpb25fOWtqMnhx");
        assert_eq!(global_id("transaction", "dHJhbnNhY3Rpb25fOWtqMnhx"), "dHJhbnNhY3Rpb25fOWtqMnhx");
        assert_eq!(global_id("refund", "refake1"), "cmVmdW5kX3JlZmFrZTE=");
        let bt = Braintree { version: DEFAULT_VERSION.into() };
        let r = bt.refund_request(&test_call("9kj2xq", "1.00", "USD")).unwrap();
        let Some(Body::Json(b)) = r.body else { panic!() };
        assert_eq!(b["variables"]["input"]["transactionId"], "dHJhbnNhY3Rpb25fOWtqMnhx");
        // The mutation's answer: the refund's legacyId is kept.
        let ok = r#"{"data":{"refundTransaction":{"refund":{"id":"cmVmdW5kX3JlZmFrZTE=","legacyId":"refake1","status":"SETTLED"}}}}"#;
        assert_eq!(
            bt.parse_refund(&test_call("x", "1", "USD"), &ApiResponse::new(200, ok)).unwrap().provider_ref,
            "refake1"
        );
        // A VALIDATION answer to the replayed key, in any wording: ask again later.
        let v = r#"{"errors":[{"message":"Something else entirely","extensions":{"errorClass":"VALIDATION","legacyCode":"81501"}}]}"#;
        let e = bt.parse_lookup(&test_call("x", "1", "USD"), &ApiResponse::new(200, v)).unwrap_err();
        assert!(matches!(e, ConnectorError::Transient(_)), "{e:?}");
    }

    #[test]
    fn mutation_and_answers() {
        let bt = Braintree { version: DEFAULT_VERSION.into() };
        let c = test_call("dHJhbnNhY3Rpb25fYWJj", "12.5", "USD");
        let r = bt.refund_request(&c).unwrap();
        assert_eq!(r.path, "/graphql");
        assert_eq!(r.header_value("Braintree-Version"), Some("2019-01-01"));
        let Some(Body::Json(b)) = r.body else { panic!() };
        assert!(b["query"].as_str().unwrap().contains("refundTransaction(input: $input)"));
        let input = &b["variables"]["input"];
        assert_eq!(input["transactionId"], "dHJhbnNhY3Rpb25fYWJj");
        assert_eq!(input["apiRequestKey"], c.idempotency_key);
        assert_eq!(input["refund"]["amount"], "12.50");
        let ok = |st: &str| {
            bt.parse_refund(
                &c,
                &ApiResponse::new(
                    200,
                    format!(r#"{{"data":{{"refundTransaction":{{"refund":{{"id":"cmVmdW5k","status":"{st}"}}}}}}}}"#),
                ),
            )
            .unwrap()
            .status
        };
        assert_eq!(ok("SETTLED"), ProviderStatus::Succeeded);
        assert_eq!(ok("SUBMITTED_FOR_SETTLEMENT"), ProviderStatus::Pending);
        assert_eq!(ok("WHATEVER"), ProviderStatus::Pending);
        assert!(matches!(ok("PROCESSOR_DECLINED"), ProviderStatus::Failed(_)));
        let e = bt
            .parse_refund(&c, &ApiResponse::new(200, r#"{"errors":[{"message":"Refund amount is too large.","extensions":{"errorClass":"VALIDATION","legacyCode":"91521"}}],"data":{"refundTransaction":null}}"#))
            .unwrap_err();
        assert_eq!(
            e,
            ConnectorError::Permanent(
                "braintree: the refund is larger than what is left to refund on the transaction".into()
            )
        );
        let e = bt
            .parse_refund(
                &c,
                &ApiResponse::new(
                    200,
                    r#"{"errors":[{"message":"x","extensions":{"errorClass":"SERVICE_AVAILABILITY"}}]}"#,
                ),
            )
            .unwrap_err();
        assert!(matches!(e, ConnectorError::Transient(_)));
        let e = bt
            .parse_refund(
                &c,
                &ApiResponse::new(200, r#"{"errors":[{"message":"x","extensions":{"errorClass":"INTERNAL"}}]}"#),
            )
            .unwrap_err();
        assert!(matches!(e, ConnectorError::Ambiguous(_)));
        let mut c2 = c.clone();
        c2.provider_ref = Some("cmVmdW5k".into());
        let q = bt.lookup_request(&c2).unwrap();
        assert!(!q.creates);
        let found = bt
            .parse_lookup(&c2, &ApiResponse::new(200, r#"{"data":{"node":{"id":"cmVmdW5k","status":"SETTLED"}}}"#))
            .unwrap()
            .unwrap();
        assert_eq!(found.status, ProviderStatus::Succeeded);
    }
}
