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
//! The pure part, each provider's signature check and event parser (what the fuzz targets
//! feed), lives in its provider's module (`payments::<provider>::webhook`, `chargebee`,
//! `shopify`, `amazon_pay::sns`), beside its requests and currency rules; what they share (the
//! event type, `Rejected`) in `payments::webhook`. `hooks.rs`: the HTTP handlers that verify,
//! read and hand events to the engine.

mod hooks;

pub use crate::adapters::payments::webhook::{ProviderEvent, Rejected};

use hooks::*;

use crate::adapters::payments::setup::WebhookKeys;
use crate::adapters::payments::webhook::dispute;
use crate::adapters::payments::{adyen, braintree, chargebee, mollie, paypal, shopify, square, stripe, woocommerce};
use crate::app::engine::{Engine, RefundUpdate, WebhookOutcome};
use crate::app::ports::Clock;
use crate::domain::ids::ChargeId;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use serde_json::Value;
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

type Reply = (StatusCode, String);
