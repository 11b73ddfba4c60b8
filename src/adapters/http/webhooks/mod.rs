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
//!
//! `parsers.rs`: the pure part, each provider's signature check and event parser (what the
//! fuzz targets feed); `hooks.rs`: the HTTP handlers that verify, read and hand events to
//! the engine.

mod hooks;
mod parsers;
#[cfg(test)]
mod tests;

pub use parsers::*;

use hooks::*;

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

pub(super) fn dispute(event_id: String, ids: &[&str]) -> ProviderEvent {
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

pub(super) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
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
