//! Payment provider webhooks: `POST /webhooks/{stripe,paypal,adyen,square,braintree,mollie,woocommerce,chargebee,shopify,amazon_pay}`.
//!
//! Each delivery is verified before anything is read from it — Stripe's
//! `Stripe-Signature` (HMAC-SHA256 of `"{t}.{body}"`, any `v1`, 300 s tolerance), Adyen's
//! per-item `additionalData.hmacSignature`, Square's `x-square-hmacsha256-signature`
//! (over notification URL + body), PayPal through its verification API (and a 300 s
//! window on the signed transmission time), Braintree's `bt_signature` (`public_key|hex`
//! pairs: HMAC-SHA1 of `bt_payload` keyed with SHA-1 of the private key), Mollie by fetching the payment it names
//! from the API (its webhook carries only an id), WooCommerce's `X-WC-Webhook-Signature` (base64
//! HMAC-SHA256 of the body; each refund it names is read back), Amazon Pay's instant payment
//! notifications (signed Amazon SNS messages, `amazon_pay::sns`; the refund each names is read back). Forged or stale deliveries get a 4xx
//! and change nothing. Events then go to the engine (`provider_refund_update`,
//! `charge_disputed`), which records each (provider, event id) in the transaction of
//! the change: the same event twice changes things once.

use crate::adapters::payments::api::{percent_encode, str_field, ApiRequest, Body, ProviderKind};
use crate::adapters::payments::setup::WebhookKeys;
use crate::adapters::payments::{adyen, braintree, chargebee, mollie, paypal, shopify, square, stripe, woocommerce};
use crate::app::engine::{Engine, PurchaseUpdate, RefundUpdate, WebhookOutcome};
use crate::app::ports::Clock;
use crate::config::Secret;
use crate::domain::ids::ChargeId;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use std::sync::Arc;

/// What the webhook routes need.
#[derive(Clone)]
pub struct WebhookState {
    pub engine: Arc<Engine>,
    pub keys: WebhookKeys,
    pub clock: Arc<dyn Clock>,
}

/// The routes, to merge into the HTTP listener's router.
pub fn routes(state: WebhookState) -> Router {
    Router::new()
        .route("/webhooks/stripe", post(stripe_hook))
        .route("/webhooks/adyen", post(adyen_hook))
        .route("/webhooks/square", post(square_hook))
        .route("/webhooks/paypal", post(paypal_hook))
        .route("/webhooks/braintree", post(braintree_hook))
        .route("/webhooks/mollie", post(mollie_hook))
        .route("/webhooks/woocommerce", post(woocommerce_hook))
        .route("/webhooks/chargebee", post(chargebee_hook))
        .route("/webhooks/shopify", post(shopify_hook))
        .route("/webhooks/amazon_pay", post(amazon_pay_hook))
        .with_state(state)
}

/// One thing a verified delivery says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderEvent {
    Refund(RefundUpdate),
    /// A credit purchase's hosted page was paid, expired or failed.
    Purchase(PurchaseUpdate),
    /// A dispute on a payment, named in every id form the provider documents (Stripe:
    /// the charge and the payment intent; Braintree: the legacy and the GraphQL id): the
    /// first one that is a known charge is the one disputed.
    Dispute {
        event_id: String,
        charges: Vec<String>,
    },
}

fn dispute(event_id: String, ids: &[&str]) -> ProviderEvent {
    let mut charges: Vec<String> = Vec::new();
    for id in ids.iter().filter(|i| !i.is_empty()) {
        if !charges.iter().any(|c| c == id) {
            charges.push(id.to_string());
        }
    }
    ProviderEvent::Dispute { event_id, charges }
}

/// Why a delivery was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    #[error("signature missing or malformed")]
    Malformed,
    #[error("signature does not match")]
    Forged,
    #[error("timestamp outside the tolerance")]
    Stale,
    #[error("body is not valid")]
    BadBody,
}

type Reply = (StatusCode, String);

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().to_vec()
}

/// Constant-time comparison.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Stripe: `t=…,v1=…[,v1=…]`; valid when some v1 is the hex HMAC-SHA256 of
/// `"{t}.{body}"` and `t` is within `tolerance` seconds of `now`.
pub fn verify_stripe(header: &str, body: &[u8], secret: &str, now: i64, tolerance: i64) -> Result<(), Rejected> {
    let mut t = None;
    let mut sigs = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => sigs.push(v.to_string()),
            _ => {}
        }
    }
    let t = t.ok_or(Rejected::Malformed)?;
    if sigs.is_empty() {
        return Err(Rejected::Malformed);
    }
    let expected = hmac_sha256(secret.as_bytes(), &[t.to_string().as_bytes(), b".", body]);
    if !sigs.iter().any(|v| hex::decode(v).is_ok_and(|v| same(&v, &expected))) {
        return Err(Rejected::Forged);
    }
    // In i128: a `t` anywhere in i64 is merely stale, never an overflow.
    if (i128::from(now) - i128::from(t)).abs() > i128::from(tolerance) {
        return Err(Rejected::Stale);
    }
    Ok(())
}

/// Square: base64 HMAC-SHA256 over the notification URL followed by the raw body.
pub fn verify_square(signature: &str, url: &str, body: &[u8], key: &str) -> Result<(), Rejected> {
    let given = base64::engine::general_purpose::STANDARD.decode(signature.trim()).map_err(|_| Rejected::Malformed)?;
    if same(&given, &hmac_sha256(key.as_bytes(), &[url.as_bytes(), body])) {
        Ok(())
    } else {
        Err(Rejected::Forged)
    }
}

/// Stripe events: refund objects (`refund.*`, `charge.refund.updated`) and disputes.
pub fn stripe_events(body: &[u8]) -> Result<Vec<ProviderEvent>, Rejected> {
    let v: Value = serde_json::from_slice(body).map_err(|_| Rejected::BadBody)?;
    let id = str_field(&v, "id").to_string();
    let typ = str_field(&v, "type");
    let obj = v.get("data").and_then(|d| d.get("object")).cloned().unwrap_or(Value::Null);
    if id.is_empty() {
        return Err(Rejected::BadBody);
    }
    Ok(match (typ, str_field(&obj, "object")) {
        (_, "refund") => vec![ProviderEvent::Refund(RefundUpdate {
            provider: "stripe".into(),
            event_id: id,
            provider_ref: str_field(&obj, "id").to_string(),
            idempotency_key: obj.get("metadata").map(|m| str_field(m, "idempotency_key").to_string()).filter(|k| !k.is_empty()),
            status: stripe::map_status(str_field(&obj, "status"), str_field(&obj, "failure_reason")),
        })],
        // Checkout Sessions (docs.stripe.com/checkout/fulfillment: fulfil on
        // `checkout.session.completed` when `payment_status` is `paid`, and on
        // `checkout.session.async_payment_succeeded` for delayed methods;
        // `checkout.session.async_payment_failed` and `checkout.session.expired` end it unpaid).
        (t, "checkout.session") if t.starts_with("checkout.session.") => {
            let state = match t {
                "checkout.session.async_payment_failed" => crate::app::ports::PurchaseState::Failed("Stripe reports the payment failed".into()),
                "checkout.session.expired" => crate::app::ports::PurchaseState::Expired,
                _ => stripe::session_state(&obj),
            };
            vec![ProviderEvent::Purchase(PurchaseUpdate {
                provider: "stripe".into(),
                event_id: id,
                provider_ref: str_field(&obj, "id").to_string(),
                reference: Some(str_field(&obj, "client_reference_id").to_string()).filter(|r| !r.is_empty()),
                state,
            })]
        }
        // A credit purchase's PaymentIntent (its `metadata.purchase` is ours: set through
        // Checkout's `payment_intent_data.metadata`, or by an auto-recharge): paid, with the
        // payment method saved for off-session use; a failed off-session charge
        // (`payment_intent.payment_failed`) ends the recharge unpaid
        // (docs.stripe.com/api/events/types).
        ("payment_intent.succeeded" | "payment_intent.payment_failed", "payment_intent")
            if crate::app::ports::purchase_id(obj.get("metadata").map(|m| str_field(m, "purchase")).unwrap_or("")).is_some() =>
        {
            let state = match stripe::intent_state(&obj) {
                // Only an auto-recharge's failure is final: on a Checkout page the customer
                // may try another card.
                crate::app::ports::PurchaseState::Open
                    if typ == "payment_intent.payment_failed" && obj.get("metadata").map(|m| str_field(m, "kind")) == Some(stripe::RECHARGE_KIND) =>
                {
                    crate::app::ports::PurchaseState::Failed("Stripe reports the payment failed".into())
                }
                s => s,
            };
            vec![ProviderEvent::Purchase(PurchaseUpdate {
                provider: "stripe".into(),
                event_id: id,
                provider_ref: String::new(),
                reference: obj.get("metadata").map(|m| str_field(m, "purchase").to_string()),
                state,
            })]
        }
        // The dispute object carries `charge` (ch_…) and `payment_intent` (pi_…)
        // (docs.stripe.com/api/disputes/object); a charge may be stored under either.
        ("charge.dispute.created", "dispute") => vec![dispute(id, &[str_field(&obj, "charge"), str_field(&obj, "payment_intent")])],
        _ => vec![],
    })
}

/// Adyen: every item must carry a valid HMAC; REFUND (success true/false),
/// REFUND_FAILED and chargebacks are read.
pub fn adyen_events(body: &[u8], hex_key: &str) -> Result<Vec<ProviderEvent>, Rejected> {
    let v: Value = serde_json::from_slice(body).map_err(|_| Rejected::BadBody)?;
    let items = v.get("notificationItems").and_then(Value::as_array).ok_or(Rejected::BadBody)?;
    let mut out = Vec::new();
    for wrapper in items {
        let item = wrapper.get("NotificationRequestItem").ok_or(Rejected::BadBody)?;
        let given = item.get("additionalData").map(|a| str_field(a, "hmacSignature")).unwrap_or("");
        if given.is_empty() {
            return Err(Rejected::Malformed);
        }
        let expected = adyen::notification_hmac(item, hex_key).ok_or(Rejected::Malformed)?;
        if !same(given.as_bytes(), expected.as_bytes()) {
            return Err(Rejected::Forged);
        }
        let code = str_field(item, "eventCode");
        let success = matches!(item.get("success"), Some(Value::String(x)) if x == "true") || item.get("success") == Some(&Value::Bool(true));
        let psp = str_field(item, "pspReference").to_string();
        let event_id = format!("{psp}:{code}:{success}");
        let refund = |status| {
            ProviderEvent::Refund(RefundUpdate {
                provider: "adyen".into(),
                event_id: event_id.clone(),
                provider_ref: psp.clone(),
                idempotency_key: Some(str_field(item, "merchantReference").to_string()).filter(|k| !k.is_empty()),
                status,
            })
        };
        let reason = str_field(item, "reason");
        let failed = || {
            crate::app::ports::ProviderStatus::Failed(format!(
                "Adyen reports the refund failed{}",
                if reason.is_empty() { String::new() } else { format!(" ({reason})") }
            ))
        };
        match code {
            // A payment link's payment (a credit purchase: `merchantReference` is our
            // purchase reference, `additionalData.paymentLinkId` the link). Only a
            // successful authorisation credits; a refused one leaves the link open for the
            // shopper to try again (a link "can be used for one successful payment").
            "AUTHORISATION" if success && crate::app::ports::purchase_id(str_field(item, "merchantReference")).is_some() => {
                out.push(ProviderEvent::Purchase(PurchaseUpdate {
                    provider: "adyen".into(),
                    event_id: event_id.clone(),
                    provider_ref: item.get("additionalData").map(|a| str_field(a, "paymentLinkId").to_string()).unwrap_or_default(),
                    reference: Some(str_field(item, "merchantReference").to_string()),
                    // `amount`: {value in Adyen's minor units for the currency, currency}.
                    state: crate::app::ports::PurchaseState::Paid {
                        payment_ref: psp.clone(),
                        taken: item.get("amount").and_then(|a| {
                            crate::adapters::payments::api::taken_units(
                                ProviderKind::Adyen,
                                a.get("value").and_then(Value::as_i64),
                                str_field(a, "currency"),
                            )
                        }),
                        saved: None,
                    },
                }))
            }
            "REFUND" if success => out.push(refund(crate::app::ports::ProviderStatus::Succeeded)),
            "REFUND" | "REFUND_FAILED" => out.push(refund(failed())),
            // The refund was paid and then came back (docs.adyen.com/online-payments/refund
            // "REFUNDED_REVERSED": the funds were returned to your account).
            "REFUNDED_REVERSED" => out.push(refund(crate::app::ports::ProviderStatus::Failed(format!(
                "Adyen reports the refund was returned after it was paid{}",
                if reason.is_empty() { String::new() } else { format!(" ({reason})") }
            )))),
            "CHARGEBACK" | "NOTIFICATION_OF_CHARGEBACK" | "SECOND_CHARGEBACK" => out.push(dispute(event_id, &[str_field(item, "originalReference")])),
            _ => {}
        }
    }
    Ok(out)
}

/// Square: `refund.created`/`refund.updated`, `payment.created`/`payment.updated` (credit
/// purchases) and `dispute.created`.
pub fn square_events(body: &[u8]) -> Result<Vec<ProviderEvent>, Rejected> {
    let v: Value = serde_json::from_slice(body).map_err(|_| Rejected::BadBody)?;
    let id = str_field(&v, "event_id").to_string();
    if id.is_empty() {
        return Err(Rejected::BadBody);
    }
    let obj = v.get("data").and_then(|d| d.get("object")).cloned().unwrap_or(Value::Null);
    let typ = str_field(&v, "type");
    Ok(if let Some(r) = obj.get("refund").filter(|_| typ.starts_with("refund.")) {
        vec![ProviderEvent::Refund(RefundUpdate {
            provider: "square".into(),
            event_id: id,
            provider_ref: str_field(r, "id").to_string(),
            idempotency_key: None,
            status: square::map_status(str_field(r, "status")),
        })]
    } else if let Some(p) = obj.get("payment").filter(|_| typ == "payment.updated" || typ == "payment.created") {
        // A payment of a credit purchase's payment link: known by its `order_id` (the
        // link's order); the engine finds no purchase for other payments and records nothing.
        vec![ProviderEvent::Purchase(PurchaseUpdate {
            provider: "square".into(),
            event_id: id,
            provider_ref: str_field(p, "order_id").to_string(),
            reference: None,
            state: square::payment_state(p),
        })]
    } else if let Some(d) = obj.get("dispute").filter(|_| typ == "dispute.created") {
        let payment = d.get("disputed_payment").map(|p| str_field(p, "payment_id")).filter(|p| !p.is_empty()).unwrap_or(str_field(d, "payment_id"));
        vec![dispute(id, &[payment])]
    } else {
        vec![]
    })
}

/// PayPal: refund resources (`PAYMENT.CAPTURE.REFUNDED`, …), credit purchases' orders
/// (`CHECKOUT.ORDER.APPROVED`) and captures (`PAYMENT.CAPTURE.COMPLETED`/`DENIED`/`PENDING`),
/// and `CUSTOMER.DISPUTE.CREATED`.
pub fn paypal_events(v: &Value) -> Result<Vec<ProviderEvent>, Rejected> {
    let id = str_field(v, "id").to_string();
    if id.is_empty() {
        return Err(Rejected::BadBody);
    }
    let r = v.get("resource").cloned().unwrap_or(Value::Null);
    let typ = str_field(v, "event_type");
    Ok(if str_field(v, "resource_type") == "refund" || typ.starts_with("PAYMENT.REFUND") || typ == "PAYMENT.CAPTURE.REFUNDED" {
        vec![ProviderEvent::Refund(RefundUpdate {
            provider: "paypal".into(),
            event_id: id,
            provider_ref: str_field(&r, "id").to_string(),
            idempotency_key: Some(str_field(&r, "custom_id").to_string()).filter(|k| !k.is_empty()),
            status: paypal::map_status(str_field(&r, "status"), ""),
        })]
    } else if typ == "CHECKOUT.ORDER.APPROVED" || typ == "CHECKOUT.ORDER.COMPLETED" {
        // The order resource (`order` of checkout_orders_v2.json): approved by the payer,
        // to be captured by us; its first purchase unit carries our reference.
        let unit = r.get("purchase_units").and_then(|u| u.get(0)).cloned().unwrap_or(Value::Null);
        let reference = [str_field(&unit, "custom_id"), str_field(&unit, "reference_id")].into_iter().find(|x| !x.is_empty()).map(str::to_string);
        vec![ProviderEvent::Purchase(PurchaseUpdate {
            provider: "paypal".into(),
            event_id: id,
            provider_ref: str_field(&r, "id").to_string(),
            reference,
            state: paypal::order_state(&r),
        })]
    } else if matches!(typ, "PAYMENT.CAPTURE.COMPLETED" | "PAYMENT.CAPTURE.DENIED" | "PAYMENT.CAPTURE.DECLINED" | "PAYMENT.CAPTURE.PENDING") {
        // The capture resource (`capture`): `custom_id` is the purchase unit's (our
        // reference) and `supplementary_data.related_ids.order_id` the order.
        let order = r.get("supplementary_data").and_then(|d| d.get("related_ids")).map(|i| str_field(i, "order_id")).unwrap_or("");
        vec![ProviderEvent::Purchase(PurchaseUpdate {
            provider: "paypal".into(),
            event_id: id,
            provider_ref: order.to_string(),
            reference: Some(str_field(&r, "custom_id").to_string()).filter(|c| !c.is_empty()),
            state: paypal::capture_state(&r),
        })]
    } else if typ == "CUSTOMER.DISPUTE.CREATED" {
        r.get("disputed_transactions")
            .and_then(Value::as_array)
            .map(|txs| {
                txs.iter()
                    .map(|t| dispute(format!("{id}:{}", str_field(t, "seller_transaction_id")), &[str_field(t, "seller_transaction_id")]))
                    .collect()
            })
            .unwrap_or_default()
    } else {
        vec![]
    })
}

/// Mollie: the payment as fetched, with its refunds and chargebacks embedded. Each
/// refund's state is one event (`re_…:status`), each chargeback one dispute.
pub fn mollie_events(payment: &Value) -> Vec<ProviderEvent> {
    let tr = str_field(payment, "id").to_string();
    let mut out = Vec::new();
    let embedded = payment.get("_embedded").cloned().unwrap_or(Value::Null);
    // An item without an id has no key to be deduplicated by: it is not an event.
    for r in embedded.get("refunds").and_then(Value::as_array).into_iter().flatten().filter(|r| !str_field(r, "id").is_empty()) {
        let (id, status) = (str_field(r, "id"), str_field(r, "status"));
        out.push(ProviderEvent::Refund(RefundUpdate {
            provider: "mollie".into(),
            event_id: format!("{id}:{status}"),
            provider_ref: id.to_string(),
            idempotency_key: r.get("metadata").map(|m| str_field(m, "idempotency_key").to_string()).filter(|k| !k.is_empty()),
            status: mollie::map_status(status),
        }));
    }
    for c in embedded.get("chargebacks").and_then(Value::as_array).into_iter().flatten().filter(|c| !str_field(c, "id").is_empty()) {
        out.push(dispute(str_field(c, "id").to_string(), &[&tr]));
    }
    // The payment itself, when it is final: a credit purchase's outcome (the engine
    // finds none for other payments and records nothing). One event per state.
    let state = mollie::payment_state(payment);
    if state != crate::app::ports::PurchaseState::Open {
        out.push(ProviderEvent::Purchase(PurchaseUpdate {
            provider: "mollie".into(),
            event_id: format!("{tr}:{}", str_field(payment, "status")),
            provider_ref: tr.clone(),
            reference: mollie::payment_reference(payment),
            state,
        }));
    }
    out
}

async fn apply(state: &WebhookState, provider: &str, events: Vec<ProviderEvent>) -> Result<Vec<WebhookOutcome>, Reply> {
    let now = state.clock.now();
    let mut out = Vec::new();
    for e in events {
        let r = match &e {
            ProviderEvent::Refund(u) => refund_any(state, u, now).await,
            ProviderEvent::Purchase(u) => state.engine.purchase_update(u, now).await,
            ProviderEvent::Dispute { event_id, charges } => dispute_any(state, provider, event_id, charges, now).await,
        };
        match r {
            Ok(o) => out.push(o),
            Err(err) => {
                tracing::error!(provider, error = %err, "webhook event could not be recorded");
                // 5xx: the provider delivers it again later.
                return Err((StatusCode::SERVICE_UNAVAILABLE, "try again later".into()));
            }
        }
    }
    tracing::info!(provider, outcomes = ?out, "webhook applied");
    Ok(out)
}

/// A refund update; a Braintree one also under the refund's global id forms (references
/// kept before legacy ids were: type REFUND, and the transaction form).
async fn refund_any(state: &WebhookState, u: &RefundUpdate, now: chrono::DateTime<chrono::Utc>) -> crate::app::engine::EngineResult<WebhookOutcome> {
    let first = state.engine.provider_refund_update(u, now).await?;
    if first != WebhookOutcome::Unknown || u.provider != "braintree" {
        return Ok(first);
    }
    for typ in ["refund", "transaction"] {
        let alt = RefundUpdate { provider_ref: braintree::global_id(typ, &u.provider_ref), ..u.clone() };
        let o = state.engine.provider_refund_update(&alt, now).await?;
        if o != WebhookOutcome::Unknown {
            return Ok(o);
        }
    }
    Ok(WebhookOutcome::Unknown)
}

/// A dispute on the first of `charges` that is known here. When none is, the event is
/// recorded for the leads (a reconciliation case, once per event), never dropped.
async fn dispute_any(
    state: &WebhookState,
    provider: &str,
    event_id: &str,
    charges: &[String],
    now: chrono::DateTime<chrono::Utc>,
) -> crate::app::engine::EngineResult<WebhookOutcome> {
    for c in charges {
        match state.engine.charge_disputed(provider, event_id, &ChargeId::new(c.clone()), now).await? {
            WebhookOutcome::Unknown => continue,
            other => return Ok(other),
        }
    }
    let what = format!("a dispute (event {event_id}) on a payment not known here ({}); nothing was matched", charges.join(", "));
    tracing::warn!(provider, event_id, "dispute on an unknown charge recorded for the leads");
    state.engine.reconcile_mismatch(provider, &format!("dispute:{event_id}"), None, &what, now).await?;
    Ok(WebhookOutcome::Applied)
}

fn refuse(provider: &str, why: Rejected) -> Reply {
    tracing::warn!(provider, reason = %why, "webhook refused");
    let code = match why {
        Rejected::BadBody => StatusCode::BAD_REQUEST,
        _ => StatusCode::UNAUTHORIZED,
    };
    (code, format!("{why}"))
}

fn not_configured(provider: &str) -> Reply {
    (StatusCode::NOT_FOUND, format!("{provider} webhooks are not configured"))
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

async fn stripe_hook(State(st): State<WebhookState>, headers: HeaderMap, body: Bytes) -> Reply {
    let Some(secret) = st.keys.stripe.clone() else { return not_configured("stripe") };
    let Some(sig) = header(&headers, "stripe-signature") else { return refuse("stripe", Rejected::Malformed) };
    if let Err(e) = verify_stripe(sig, &body, secret.expose(), st.clock.now().timestamp(), st.keys.tolerance("stripe")) {
        return refuse("stripe", e);
    }
    match stripe_events(&body) {
        Ok(ev) => apply(&st, "stripe", ev).await.map(|_| (StatusCode::OK, "ok".to_string())).unwrap_or_else(|e| e),
        Err(e) => refuse("stripe", e),
    }
}

/// Braintree: `bt_signature` is one or more `public_key|hexdigest` pairs joined by `&`;
/// the digest is HMAC-SHA1 of `bt_payload`, keyed with the SHA-1 of the private key.
pub fn verify_braintree(signature: &str, payload: &str, public_key: &str, private_key: &str) -> Result<(), Rejected> {
    use sha1::{Digest, Sha1};
    if signature.is_empty() || payload.is_empty() {
        return Err(Rejected::Malformed);
    }
    let key = Sha1::digest(private_key.as_bytes());
    let digest = |p: &str| -> Result<String, Rejected> {
        let mut mac = Hmac::<Sha1>::new_from_slice(&key).map_err(|_| Rejected::Malformed)?;
        mac.update(p.as_bytes());
        Ok(hex::encode(mac.finalize().into_bytes()))
    };
    // The official SDKs accept the digest of the payload as delivered and of the payload
    // with one trailing newline (WebhookNotificationGateway in braintree_python/ruby).
    let want = [digest(payload)?, digest(&format!("{}\n", payload.trim_end()))?];
    let ok = signature
        .split('&')
        .filter_map(|pair| pair.split_once('|'))
        .any(|(pk, sig)| pk == public_key && want.iter().any(|w| same(sig.trim().as_bytes(), w.as_bytes())));
    if ok {
        Ok(())
    } else {
        Err(Rejected::Forged)
    }
}

/// The text of the first `<tag>…</tag>` in `xml` (Braintree payloads are small and flat
/// enough that the elements read here are unambiguous).
fn xml_text<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}");
    let start = xml.find(&open)?;
    let after = &xml[start + open.len()..];
    let gt = after.find('>')?;
    if after[..gt].ends_with('/') {
        return None;
    }
    let body = &after[gt + 1..];
    let end = body.find(&format!("</{tag}>"))?;
    Some(body[..end].trim())
}

/// The `<timestamp>` of a Braintree notification payload (base64 XML).
pub fn braintree_timestamp(payload_b64: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let cleaned: String = payload_b64.chars().filter(|c| !c.is_whitespace()).collect();
    let xml = String::from_utf8(base64::engine::general_purpose::STANDARD.decode(cleaned).ok()?).ok()?;
    let raw = xml_text(&xml, "timestamp")?;
    chrono::DateTime::parse_from_rfc3339(raw).ok().map(|t| t.with_timezone(&chrono::Utc))
}

/// Braintree's GraphQL id of a transaction (refunds are transactions) from its legacy id.
pub fn braintree_graphql_id(legacy_id: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("transaction_{legacy_id}"))
}

/// Braintree: `transaction_settled` / `transaction_settlement_declined` for refund
/// transactions, and `dispute_opened`. Braintree has no event id: (kind, subject,
/// timestamp) is the stable id of this state.
pub fn braintree_events(payload_b64: &str) -> Result<Vec<ProviderEvent>, Rejected> {
    let cleaned: String = payload_b64.chars().filter(|c| !c.is_whitespace()).collect();
    let xml = base64::engine::general_purpose::STANDARD.decode(cleaned).map_err(|_| Rejected::BadBody)?;
    let xml = String::from_utf8(xml).map_err(|_| Rejected::BadBody)?;
    let kind = xml_text(&xml, "kind").ok_or(Rejected::BadBody)?;
    let stamp = xml_text(&xml, "timestamp").unwrap_or("");
    Ok(match kind {
        "transaction_settled" | "transaction_settlement_declined" => {
            let Some(tx) = xml.find("<transaction").map(|i| &xml[i..]) else { return Err(Rejected::BadBody) };
            let id = xml_text(tx, "id").ok_or(Rejected::BadBody)?;
            let status = xml_text(tx, "status").unwrap_or(if kind == "transaction_settled" { "settled" } else { "settlement_declined" });
            vec![ProviderEvent::Refund(RefundUpdate {
                provider: "braintree".into(),
                event_id: format!("{kind}:{id}:{stamp}"),
                // The refund's legacy id: what the bot keeps as its reference.
                provider_ref: id.to_string(),
                idempotency_key: None,
                status: braintree::map_status(&status.to_ascii_uppercase()),
            })]
        }
        "dispute_opened" => {
            let Some(tx) = xml.find("<transaction").map(|i| &xml[i..]) else { return Err(Rejected::BadBody) };
            let charge = xml_text(tx, "id").ok_or(Rejected::BadBody)?;
            let dispute_id = xml_text(&xml, "id").unwrap_or(charge);
            // Webhooks name the transaction by its legacy id; charges may be stored in
            // either form (exports carry legacy ids, the GraphQL API global ids).
            vec![dispute(format!("{kind}:{dispute_id}:{stamp}"), &[charge, &braintree_graphql_id(charge)])]
        }
        _ => vec![],
    })
}

async fn braintree_hook(State(st): State<WebhookState>, body: Bytes) -> Reply {
    let Some((public, private)) = st.keys.braintree.clone() else { return not_configured("braintree") };
    let form: Vec<(String, String)> = match serde_urlencoded::from_bytes(&body) {
        Ok(f) => f,
        Err(_) => return refuse("braintree", Rejected::BadBody),
    };
    let field = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str()).unwrap_or("");
    let (sig, payload) = (field("bt_signature"), field("bt_payload"));
    if let Err(e) = verify_braintree(sig, payload, public.expose(), private.expose()) {
        return refuse("braintree", e);
    }
    // The payload's `timestamp` is when Braintree made the notification: the same
    // tolerance as Stripe's and PayPal's signed times (issue 7 defect 11).
    match braintree_timestamp(payload) {
        Some(at) if (st.clock.now() - at).num_seconds().abs() <= st.keys.tolerance("braintree") => {}
        Some(_) => return refuse("braintree", Rejected::Stale),
        None => return refuse("braintree", Rejected::Malformed),
    }
    match braintree_events(payload) {
        Ok(ev) => apply(&st, "braintree", ev).await.map(|_| (StatusCode::OK, "ok".to_string())).unwrap_or_else(|e| e),
        Err(e) => refuse("braintree", e),
    }
}

async fn adyen_hook(State(st): State<WebhookState>, body: Bytes) -> Reply {
    let Some(key) = st.keys.adyen.clone() else { return not_configured("adyen") };
    match adyen_events(&body, key.expose()) {
        // Adyen expects exactly this answer.
        Ok(ev) => apply(&st, "adyen", ev).await.map(|_| (StatusCode::OK, "[accepted]".to_string())).unwrap_or_else(|e| e),
        Err(e) => refuse("adyen", e),
    }
}

async fn square_hook(State(st): State<WebhookState>, headers: HeaderMap, body: Bytes) -> Reply {
    let Some((key, url)) = st.keys.square.clone() else { return not_configured("square") };
    let Some(sig) = header(&headers, "x-square-hmacsha256-signature") else { return refuse("square", Rejected::Malformed) };
    if let Err(e) = verify_square(sig, &url, &body, key.expose()) {
        return refuse("square", e);
    }
    match square_events(&body) {
        Ok(ev) => apply(&st, "square", ev).await.map(|_| (StatusCode::OK, "ok".to_string())).unwrap_or_else(|e| e),
        Err(e) => refuse("square", e),
    }
}

/// The body of `POST /v1/notifications/verify-webhook-signature` with the delivery's
/// bytes spliced in as `webhook_event`, untouched: PayPal checks the signature over the
/// exact original JSON, so a parsed and re-serialised event (keys reordered, numbers
/// rewritten) never verifies (PayPal-Python-SDK issue 196, PayPal-NET-SDK issue 353).
/// `raw` must be one JSON object (the caller parsed it), so the result is valid JSON.
pub fn paypal_verification_body(fields: &[(&str, &str)], raw: &[u8]) -> Vec<u8> {
    let mut out = b"{".to_vec();
    for (k, v) in fields {
        out.extend_from_slice(serde_json::to_string(k).unwrap_or_default().as_bytes());
        out.push(b':');
        out.extend_from_slice(serde_json::to_string(v).unwrap_or_default().as_bytes());
        out.push(b',');
    }
    out.extend_from_slice(b"\"webhook_event\":");
    out.extend_from_slice(raw);
    out.push(b'}');
    out
}

async fn paypal_hook(State(st): State<WebhookState>, headers: HeaderMap, body: Bytes) -> Reply {
    let Some((webhook_id, exec)) = st.keys.paypal.clone() else { return not_configured("paypal") };
    let h = |n| header(&headers, n).unwrap_or("").to_string();
    let (id, time, sig, cert, algo) =
        (h("paypal-transmission-id"), h("paypal-transmission-time"), h("paypal-transmission-sig"), h("paypal-cert-url"), h("paypal-auth-algo"));
    if id.is_empty() || sig.is_empty() || time.is_empty() {
        return refuse("paypal", Rejected::Malformed);
    }
    let Ok(sent) = chrono::DateTime::parse_from_rfc3339(&time) else { return refuse("paypal", Rejected::Malformed) };
    if (st.clock.now().timestamp() - sent.timestamp()).abs() > st.keys.tolerance("paypal") {
        return refuse("paypal", Rejected::Stale);
    }
    let Ok(event) = serde_json::from_slice::<Value>(&body) else { return refuse("paypal", Rejected::BadBody) };
    if !event.is_object() {
        return refuse("paypal", Rejected::BadBody);
    }
    let req = ApiRequest::post(
        "/v1/notifications/verify-webhook-signature",
        Body::RawJson(paypal_verification_body(
            &[
                ("auth_algo", &algo),
                ("cert_url", &cert),
                ("transmission_id", &id),
                ("transmission_sig", &sig),
                ("transmission_time", &time),
                ("webhook_id", &webhook_id),
            ],
            &body,
        )),
    );
    let verified = exec
        .run(&req, |resp| {
            if !resp.is_success() {
                return Err(crate::adapters::payments::api::status_error("paypal", resp, "signature verification"));
            }
            Ok(resp.json().map(|v| str_field(&v, "verification_status") == "SUCCESS").unwrap_or(false))
        })
        .await;
    match verified {
        Ok(true) => {}
        Ok(false) => return refuse("paypal", Rejected::Forged),
        Err(e) => {
            tracing::warn!(error = %e, "paypal: cannot verify a webhook now");
            return (StatusCode::SERVICE_UNAVAILABLE, "cannot verify now".into());
        }
    }
    match paypal_events(&event) {
        Ok(ev) => apply(&st, "paypal", ev).await.map(|_| (StatusCode::OK, "ok".to_string())).unwrap_or_else(|e| e),
        Err(e) => refuse("paypal", e),
    }
}

async fn mollie_hook(State(st): State<WebhookState>, body: Bytes) -> Reply {
    let Some(exec) = st.keys.mollie.clone() else { return not_configured("mollie") };
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let Some(id) = form.iter().find(|(k, _)| k == "id").map(|(_, v)| v.clone()).filter(|v| v.starts_with("tr_")) else {
        return refuse("mollie", Rejected::BadBody);
    };
    // The webhook proves nothing: what the API says about the payment is the event.
    let req = ApiRequest::get(format!("/v2/payments/{}?embed=refunds,chargebacks", percent_encode(&id)));
    let fetched = exec
        .run(&req, |resp| match resp.status {
            200 => resp.json().map(Some).ok_or_else(|| crate::app::ports::ConnectorError::Transient("mollie: the payment is not JSON".into())),
            404 => Ok(None),
            _ => Err(crate::adapters::payments::api::status_error("mollie", resp, "")),
        })
        .await;
    match fetched {
        // An id Mollie does not know (forged): answer 200 so nothing is revealed; nothing changes.
        Ok(None) => (StatusCode::OK, "ok".into()),
        Ok(Some(payment)) => apply(&st, "mollie", mollie_events(&payment)).await.map(|_| (StatusCode::OK, "ok".to_string())).unwrap_or_else(|e| e),
        Err(e) => {
            tracing::warn!(error = %e, "mollie: cannot fetch the payment now");
            (StatusCode::SERVICE_UNAVAILABLE, "cannot fetch now".into())
        }
    }
}

/// WooCommerce: `X-WC-Webhook-Signature` is the base64 HMAC-SHA256 of the raw body keyed
/// with the webhook's secret (WooCommerce `WC_Webhook::generate_signature`; the webhooks
/// reference: "secret: … used to generate a HMAC-SHA256 hash of the request body").
pub fn verify_woocommerce(signature: &str, body: &[u8], secret: &str) -> Result<(), Rejected> {
    let given = base64::engine::general_purpose::STANDARD.decode(signature.trim()).map_err(|_| Rejected::Malformed)?;
    if same(&given, &hmac_sha256(secret.as_bytes(), &[body])) {
        Ok(())
    } else {
        Err(Rejected::Forged)
    }
}

/// Signs a WooCommerce payload as WooCommerce does (for tests and local tooling).
pub fn woocommerce_signature(secret: &Secret, body: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(hmac_sha256(secret.expose().as_bytes(), &[body]))
}

/// When the order was last changed (`date_modified_gmt`, no zone: GMT), the only signed
/// time a WooCommerce delivery carries (its headers hold none).
pub fn woocommerce_modified(body: &[u8]) -> Option<chrono::DateTime<chrono::Utc>> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let raw = str_field(&v, "date_modified_gmt");
    chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S").ok().map(|t| t.and_utc())
}

/// WooCommerce `order.*` deliveries (topic in `X-WC-Webhook-Topic`): the order id and the
/// ids of its `refunds` (`[{id, reason, total}]`, developer.woocommerce.com/docs/apis/
/// rest-api/v3/orders/). Core WooCommerce has no refund or dispute topic, and the order's
/// refund entries carry neither our key nor whether the gateway refunded: each refund is
/// then read from the API (`woocommerce_event`). Other topics carry nothing for us.
pub fn woocommerce_refund_ids(topic: &str, body: &[u8]) -> Result<Option<(String, Vec<String>)>, Rejected> {
    let v: Value = serde_json::from_slice(body).map_err(|_| Rejected::BadBody)?;
    if !topic.starts_with("order.") {
        return Ok(None);
    }
    let order = match v.get("id") {
        Some(Value::Number(n)) if n.is_u64() => n.to_string(),
        _ => return Err(Rejected::BadBody),
    };
    let refunds = v.get("refunds").and_then(Value::as_array).cloned().unwrap_or_default();
    Ok(Some((order, refunds.iter().filter_map(|r| r.get("id").and_then(Value::as_u64)).map(|id| id.to_string()).collect())))
}

/// One refund as `GET /wp-json/wc/v3/orders/{order}/refunds/{id}` shows it: with our key
/// (its meta data) and its outcome. A refund exists only once made, so each is one event.
pub fn woocommerce_event(order: &str, refund: &Value) -> Result<ProviderEvent, Rejected> {
    let r = woocommerce::parse_object(refund).map_err(|_| Rejected::BadBody)?;
    Ok(ProviderEvent::Refund(RefundUpdate {
        provider: "woocommerce".into(),
        event_id: format!("order:{order}:refund:{}", r.provider_ref),
        provider_ref: r.provider_ref,
        idempotency_key: woocommerce::meta_key(refund).map(str::to_string),
        status: r.status,
    }))
}

async fn woocommerce_hook(State(st): State<WebhookState>, headers: HeaderMap, body: Bytes) -> Reply {
    let Some((secret, exec)) = st.keys.woocommerce.clone() else { return not_configured("woocommerce") };
    let Some(sig) = header(&headers, "x-wc-webhook-signature") else {
        // When a webhook is saved, WooCommerce pings the URL with `webhook_id=<id>` (a
        // form body, unsigned) and keeps the webhook only on a 2xx: it carries nothing.
        let ping = std::str::from_utf8(&body)
            .ok()
            .and_then(|b| b.strip_prefix("webhook_id="))
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|c| c.is_ascii_digit()));
        return if ping { (StatusCode::OK, "ok".into()) } else { refuse("woocommerce", Rejected::Malformed) };
    };
    if let Err(e) = verify_woocommerce(sig, &body, secret.expose()) {
        return refuse("woocommerce", e);
    }
    let topic = header(&headers, "x-wc-webhook-topic").unwrap_or("");
    let (order, ids) = match woocommerce_refund_ids(topic, &body) {
        Ok(Some(found)) => found,
        Ok(None) => return (StatusCode::OK, "ok".into()),
        Err(e) => return refuse("woocommerce", e),
    };
    // The delivery's only signed time is the order's `date_modified_gmt`: a delivery
    // replayed long after is refused like a stale Stripe signature.
    match woocommerce_modified(&body) {
        Some(at) if (st.clock.now() - at).num_seconds().abs() <= st.keys.tolerance("woocommerce") => {}
        Some(_) => return refuse("woocommerce", Rejected::Stale),
        None => return refuse("woocommerce", Rejected::BadBody),
    }
    let mut events = Vec::new();
    for id in ids {
        let req = ApiRequest::get(format!("/wp-json/wc/v3/orders/{}/refunds/{}", percent_encode(&order), percent_encode(&id)));
        let fetched = exec
            .run(&req, |resp| match resp.status {
                200 => {
                    resp.json().map(Some).ok_or_else(|| crate::app::ports::ConnectorError::Transient("woocommerce: the refund is not JSON".into()))
                }
                404 => Ok(None),
                _ => Err(crate::adapters::payments::api::status_error("woocommerce", resp, "")),
            })
            .await;
        match fetched {
            Ok(Some(r)) => match woocommerce_event(&order, &r) {
                Ok(e) => events.push(e),
                Err(e) => return refuse("woocommerce", e),
            },
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(error = %e, "woocommerce: cannot read a refund now");
                return (StatusCode::SERVICE_UNAVAILABLE, "cannot read now".into());
            }
        }
    }
    apply(&st, "woocommerce", events).await.map(|_| (StatusCode::OK, "ok".to_string())).unwrap_or_else(|e| e)
}

/// Chargebee: the delivery carries the Basic auth set on the webhook (`chargebee::verify_basic`);
/// its `occurred_at` must be within the tolerance; each refund transaction state it names is
/// one event (the event id and the transaction).
async fn chargebee_hook(State(st): State<WebhookState>, headers: HeaderMap, body: Bytes) -> Reply {
    let Some((user, pass)) = st.keys.chargebee.clone() else { return not_configured("chargebee") };
    if !chargebee::verify_basic(header(&headers, "authorization"), user.expose(), pass.expose()) {
        return refuse("chargebee", Rejected::Forged);
    }
    let Ok(v) = serde_json::from_slice::<Value>(&body) else { return refuse("chargebee", Rejected::BadBody) };
    let Ok((at, updates)) = chargebee::webhook_refunds(&v) else { return refuse("chargebee", Rejected::BadBody) };
    if (i128::from(st.clock.now().timestamp()) - i128::from(at)).abs() > i128::from(st.keys.tolerance("chargebee")) {
        return refuse("chargebee", Rejected::Stale);
    }
    let events = updates.into_iter().map(ProviderEvent::Refund).collect();
    apply(&st, "chargebee", events).await.map(|_| (StatusCode::OK, "ok".to_string())).unwrap_or_else(|e| e)
}

/// Shopify: `X-Shopify-Hmac-Sha256` over the raw body (`shopify::verify_hmac`), the body's own
/// time within the tolerance; `refunds/create` and `orders/updated` name refund
/// transactions (with our key from the refund's note), `disputes/create` a dispute.
async fn shopify_hook(State(st): State<WebhookState>, headers: HeaderMap, body: Bytes) -> Reply {
    let Some(secret) = st.keys.shopify.clone() else { return not_configured("shopify") };
    let Some(sig) = header(&headers, "x-shopify-hmac-sha256") else { return refuse("shopify", Rejected::Malformed) };
    match shopify::verify_hmac(sig, &body, secret.expose()) {
        Ok(()) => {}
        Err(true) => return refuse("shopify", Rejected::Forged),
        Err(false) => return refuse("shopify", Rejected::Malformed),
    }
    let topic = header(&headers, "x-shopify-topic").unwrap_or("");
    let Ok(v) = serde_json::from_slice::<Value>(&body) else { return refuse("shopify", Rejected::BadBody) };
    let events = match shopify::delivery(topic, &v) {
        Ok(shopify::Delivery::Nothing) => return (StatusCode::OK, "ok".into()),
        Ok(shopify::Delivery::Refunds(u)) => u.into_iter().map(ProviderEvent::Refund).collect::<Vec<_>>(),
        Ok(shopify::Delivery::Dispute { id, order }) => vec![dispute(id, &[&order])],
        Err(_) => return refuse("shopify", Rejected::BadBody),
    };
    match shopify::signed_time(topic, &v) {
        Some(at) if (st.clock.now() - at).num_seconds().abs() <= st.keys.tolerance("shopify") => {}
        Some(_) => return refuse("shopify", Rejected::Stale),
        None => return refuse("shopify", Rejected::BadBody),
    }
    apply(&st, "shopify", events).await.map(|_| (StatusCode::OK, "ok".to_string())).unwrap_or_else(|e| e)
}

/// Amazon Pay IPNs: an Amazon SNS message whose signature (certificate fetched only from
/// `sns.<region>.amazonaws.com`, cached) is verified first; then its time (`Timestamp`,
/// within the tolerance), its topic (when `ipn_topic_arn` is set). A subscription
/// confirmation is confirmed only for the configured topic; a notification about a
/// refund is answered by reading the refund (`GET /v2/refunds/{id}`, signed), whose state
/// is the event — one per SNS `MessageId`, so a replay changes nothing.
async fn amazon_pay_hook(State(st): State<WebhookState>, body: Bytes) -> Reply {
    use crate::adapters::payments::amazon_pay::{self, sns};
    const P: &str = "amazon_pay";
    let Some(ipns) = st.keys.amazon_pay.clone() else { return not_configured(P) };
    let m = match sns::SnsMessage::parse(&body) {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(provider = P, reason = %e, "webhook refused");
            return refuse(P, Rejected::BadBody);
        }
    };
    if let Err(e) = ipns.verifier.verify(&m).await {
        tracing::warn!(provider = P, reason = %e, "sns message not verified");
        return match e {
            sns::SnsError::CertUnavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "cannot verify now".into()),
            sns::SnsError::Malformed(_) => refuse(P, Rejected::Malformed),
            _ => refuse(P, Rejected::Forged),
        };
    }
    match m.timestamp() {
        Some(at) if (st.clock.now() - at).num_seconds().abs() <= st.keys.tolerance(P) => {}
        Some(_) => return refuse(P, Rejected::Stale),
        None => return refuse(P, Rejected::BadBody),
    }
    if ipns.topic_arn.as_deref().is_some_and(|t| t != m.topic_arn) {
        tracing::warn!(provider = P, topic = %m.topic_arn, "sns message from another topic");
        return refuse(P, Rejected::Forged);
    }
    match m.kind.as_str() {
        "SubscriptionConfirmation" => {
            // Confirmed only for the topic configured, at an SNS host: never a URL a
            // stranger chose.
            if ipns.topic_arn.is_none() {
                tracing::warn!(provider = P, topic = %m.topic_arn, "sns subscription not confirmed: set providers.amazon_pay.ipn_topic_arn to confirm it");
                return (StatusCode::OK, "ok".into());
            }
            return match ipns.verifier.confirm(&m).await {
                Ok(()) => (StatusCode::OK, "confirmed".into()),
                Err(e) => {
                    tracing::warn!(provider = P, reason = %e, "sns subscription not confirmed");
                    (StatusCode::SERVICE_UNAVAILABLE, "cannot confirm now".into())
                }
            };
        }
        "UnsubscribeConfirmation" => return (StatusCode::OK, "ok".into()),
        _ => {}
    }
    let Some(ipn) = sns::parse_ipn(&m.message) else { return refuse(P, Rejected::BadBody) };
    if ipn.object_type != "REFUND" {
        return (StatusCode::OK, "ok".into());
    }
    let req = ApiRequest::get(format!("/v2/refunds/{}", percent_encode(&ipn.object_id)));
    let fetched = ipns
        .exec
        .run(&req, |resp| {
            if resp.is_success() {
                resp.json()
                    .ok_or_else(|| crate::app::ports::ConnectorError::Transient("amazon_pay: the refund is not JSON".into()))
                    .and_then(|v| amazon_pay::parse_object(&v))
            } else {
                Err(crate::adapters::payments::api::status_error(P, resp, ""))
            }
        })
        .await;
    let r = match fetched {
        Ok(r) if r.provider_ref == ipn.object_id => r,
        Ok(_) => return refuse(P, Rejected::BadBody),
        Err(e) => {
            tracing::warn!(error = %e, "amazon_pay: cannot read a refund now");
            return (StatusCode::SERVICE_UNAVAILABLE, "cannot read now".into());
        }
    };
    let event = ProviderEvent::Refund(RefundUpdate {
        provider: P.into(),
        event_id: format!("sns:{}", m.message_id),
        provider_ref: r.provider_ref,
        idempotency_key: None,
        status: r.status,
    });
    apply(&st, P, vec![event]).await.map(|_| (StatusCode::OK, "ok".to_string())).unwrap_or_else(|e| e)
}

/// Signs a Stripe payload as Stripe does (for tests and local tooling).
pub fn stripe_signature(secret: &Secret, t: i64, body: &[u8]) -> String {
    format!("t={t},v1={}", hex::encode(hmac_sha256(secret.expose().as_bytes(), &[t.to_string().as_bytes(), b".", body])))
}

/// Signs a Square payload as Square does (for tests and local tooling).
pub fn square_signature(key: &Secret, url: &str, body: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(hmac_sha256(key.expose().as_bytes(), &[url.as_bytes(), body]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::ports::ProviderStatus;

    #[test]
    fn woocommerce_signature_and_events() {
        // Vector computed independently:
        // printf '%s' '{"id":727}' | openssl dgst -sha256 -hmac wc-secret -binary | base64
        let body = br#"{"id":727}"#;
        let sig = woocommerce_signature(&Secret::new("wc-secret"), body);
        assert_eq!(sig, "XOvG+/mKAKiNfNL5aDmmmrY8ZRtaA96JXvSO3vPAbC8=");
        assert_eq!(verify_woocommerce(&sig, body, "wc-secret"), Ok(()));
        assert_eq!(verify_woocommerce(&sig, br#"{"id":728}"#, "wc-secret"), Err(Rejected::Forged));
        assert_eq!(verify_woocommerce(&sig, body, "other"), Err(Rejected::Forged));
        assert_eq!(verify_woocommerce("not base64!", body, "wc-secret"), Err(Rejected::Malformed));
        let order =
            br#"{"id":727,"status":"processing","date_modified_gmt":"2026-04-01T11:00:00","refunds":[{"id":726,"reason":"","total":"-10.00"}]}"#;
        assert_eq!(woocommerce_refund_ids("order.updated", order).unwrap(), Some(("727".into(), vec!["726".into()])));
        assert_eq!(woocommerce_modified(order), Some("2026-04-01T11:00:00Z".parse().unwrap()));
        assert_eq!(woocommerce_refund_ids("product.updated", order).unwrap(), None);
        assert_eq!(woocommerce_refund_ids("order.updated", b"nope"), Err(Rejected::BadBody));
        let read = serde_json::json!({"id": 726, "refunded_payment": true, "meta_data": [{"id": 1, "key": woocommerce::META_KEY, "value": "pd_k"}]});
        let ProviderEvent::Refund(u) = woocommerce_event("727", &read).unwrap() else { panic!() };
        assert_eq!((u.event_id.as_str(), u.idempotency_key.as_deref(), u.status), ("order:727:refund:726", Some("pd_k"), ProviderStatus::Succeeded));
    }

    #[test]
    fn paypal_event_is_spliced_verbatim() {
        let raw = br#"{"id":"WH-1","event_version":"1.0","zeta":1.50,"alpha":"x"}"#;
        let body = paypal_verification_body(&[("webhook_id", "WH-TEST"), ("transmission_sig", "a\"b")], raw);
        let text = String::from_utf8(body.clone()).unwrap();
        assert!(text.contains(std::str::from_utf8(raw).unwrap()), "{text}");
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["webhook_id"], "WH-TEST");
        assert_eq!(v["transmission_sig"], "a\"b");
        assert_eq!(v["webhook_event"]["id"], "WH-1");
    }

    #[test]
    fn stripe_signature_vectors() {
        // Vector computed independently:
        // printf '%s' '1700000000.{"id":"evt_1"}' | openssl dgst -sha256 -hmac whsec_test -hex
        let body = br#"{"id":"evt_1"}"#;
        let sig = stripe_signature(&Secret::new("whsec_test"), 1_700_000_000, body);
        assert_eq!(sig, "t=1700000000,v1=c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925");
        assert_eq!(verify_stripe(&sig, body, "whsec_test", 1_700_000_100, 300), Ok(()));
        // Any v1 may match (secret rotation).
        let two = format!("t=1700000000,v1={},{}", "00".repeat(32), &sig[13..]);
        assert_eq!(verify_stripe(&two, body, "whsec_test", 1_700_000_000, 300), Ok(()));
        assert_eq!(verify_stripe(&sig, body, "whsec_other", 1_700_000_000, 300), Err(Rejected::Forged));
        assert_eq!(verify_stripe(&sig, br#"{"id":"evt_2"}"#, "whsec_test", 1_700_000_000, 300), Err(Rejected::Forged));
        assert_eq!(verify_stripe(&sig, body, "whsec_test", 1_700_000_301, 300), Err(Rejected::Stale));
        assert_eq!(verify_stripe("v1=abc", body, "whsec_test", 0, 300), Err(Rejected::Malformed));
    }

    #[test]
    fn square_signature_and_events() {
        let key = Secret::new("sq-signature-key");
        let url = "https://bot.example.com/webhooks/square";
        let body = br#"{"event_id":"e1","type":"refund.updated","data":{"type":"refund","id":"R1","object":{"refund":{"id":"R1","status":"COMPLETED","payment_id":"P1"}}}}"#;
        let sig = square_signature(&key, url, body);
        assert_eq!(verify_square(&sig, url, body, "sq-signature-key"), Ok(()));
        assert_eq!(verify_square(&sig, "https://evil.example.com/webhooks/square", body, "sq-signature-key"), Err(Rejected::Forged));
        assert_eq!(verify_square("not base64!", url, body, "sq-signature-key"), Err(Rejected::Malformed));
        let ev = square_events(body).unwrap();
        assert!(matches!(&ev[0], ProviderEvent::Refund(u) if u.provider_ref == "R1" && u.status == ProviderStatus::Succeeded));
    }

    #[test]
    fn braintree_signature_and_events() {
        use sha1::{Digest, Sha1};
        let xml = "<notification><kind>transaction_settled</kind><timestamp type=\"datetime\">2026-05-02T10:00:00Z</timestamp>\
                   <subject><transaction><id>abc123</id><status>settled</status><type>credit</type></transaction></subject></notification>";
        let payload = base64::engine::general_purpose::STANDARD.encode(xml);
        // The documented scheme, computed independently: HMAC-SHA1 keyed by SHA-1(private key).
        let key = Sha1::digest(b"priv-key");
        let mut mac = Hmac::<Sha1>::new_from_slice(&key).unwrap();
        mac.update(payload.as_bytes());
        let good = hex::encode(mac.finalize().into_bytes());
        assert_eq!(verify_braintree(&format!("pub-key|{good}"), &payload, "pub-key", "priv-key"), Ok(()));
        assert_eq!(verify_braintree(&format!("other|zz&pub-key|{good}"), &payload, "pub-key", "priv-key"), Ok(()));
        assert_eq!(verify_braintree(&format!("pub-key|{good}"), &payload, "pub-key", "wrong"), Err(Rejected::Forged));
        assert_eq!(verify_braintree(&format!("intruder|{good}"), &payload, "pub-key", "priv-key"), Err(Rejected::Forged));
        let tampered = base64::engine::general_purpose::STANDARD.encode(xml.replace("abc123", "abc124"));
        assert_eq!(verify_braintree(&format!("pub-key|{good}"), &tampered, "pub-key", "priv-key"), Err(Rejected::Forged));
        assert_eq!(verify_braintree("", &payload, "pub-key", "priv-key"), Err(Rejected::Malformed));
        let ev = braintree_events(&payload).unwrap();
        let ProviderEvent::Refund(u) = &ev[0] else { panic!("{ev:?}") };
        assert_eq!(u.provider_ref, "abc123", "the refund's legacy id");
        assert_eq!(u.status, ProviderStatus::Succeeded);
        let declined = base64::engine::general_purpose::STANDARD
            .encode(xml.replace("transaction_settled", "transaction_settlement_declined").replace(">settled<", ">settlement_declined<"));
        let ProviderEvent::Refund(u) = &braintree_events(&declined).unwrap()[0] else { panic!() };
        assert!(matches!(u.status, ProviderStatus::Failed(_)));
        let dispute = "<notification><kind>dispute_opened</kind><timestamp>t</timestamp><subject><dispute><id>dp_1</id><transaction><id>tx_9</id></transaction></dispute></subject></notification>";
        let ev = braintree_events(&base64::engine::general_purpose::STANDARD.encode(dispute)).unwrap();
        assert_eq!(
            ev,
            vec![ProviderEvent::Dispute { event_id: "dispute_opened:dp_1:t".into(), charges: vec!["tx_9".into(), braintree_graphql_id("tx_9")] }]
        );
        assert_eq!(braintree_events("not base64!"), Err(Rejected::BadBody));
    }

    #[test]
    fn adyen_items_must_all_verify() {
        let key = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";
        let mut item = serde_json::json!({"pspReference":"ZC4R4RBFJGXXGN82","originalReference":"QFQTPCQ8HXSKGK82","merchantAccountCode":"PaydeskECOM",
            "merchantReference":"pd_x","amount":{"value":1000,"currency":"EUR"},"eventCode":"REFUND","success":"true","additionalData":{}});
        let sig = adyen::notification_hmac(&item, key).unwrap();
        item["additionalData"]["hmacSignature"] = Value::String(sig);
        let body = serde_json::to_vec(&serde_json::json!({"live":"false","notificationItems":[{"NotificationRequestItem": item.clone()}]})).unwrap();
        let ev = adyen_events(&body, key).unwrap();
        assert!(matches!(&ev[0], ProviderEvent::Refund(u) if u.status == ProviderStatus::Succeeded && u.idempotency_key.as_deref() == Some("pd_x")));
        let mut forged = item.clone();
        forged["amount"]["value"] = Value::from(999_999);
        let body =
            serde_json::to_vec(&serde_json::json!({"notificationItems":[{"NotificationRequestItem": item}, {"NotificationRequestItem": forged}]}))
                .unwrap();
        assert_eq!(adyen_events(&body, key), Err(Rejected::Forged));
    }
}
