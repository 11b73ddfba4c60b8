//! What every provider's webhook module (`<provider>/webhook.rs`, `chargebee`, `shopify`,
//! `amazon_pay::sns`) shares: the event a verified delivery says, why a delivery is refused,
//! and the HMAC and constant-time comparison the signature checks use. The HTTP handlers
//! (`adapters::http::webhooks`) route deliveries here and hand the events to the engine.

use crate::app::engine::{PurchaseUpdate, RefundUpdate};
use hmac::{Hmac, Mac};
use sha2::Sha256;

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

/// A dispute on the first known of `ids` (empty ids and repeats left out).
pub(crate) fn dispute(event_id: String, ids: &[&str]) -> ProviderEvent {
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

/// HMAC-SHA256 of the concatenated `parts`.
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().to_vec()
}

/// Constant-time comparison.
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
