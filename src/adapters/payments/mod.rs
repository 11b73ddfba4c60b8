//! Payment connectors. Each provider module builds requests and reads answers (pure,
//! `api::ProviderApi`) and its webhooks (`<provider>::webhook`, sharing `webhook`); `executor` owns HTTP for all of them; `setup` builds them from
//! `[providers.*]` and the environment. The built-in `sandbox` pays from its own books,
//! deterministically.

pub mod adyen;
pub mod amazon_pay;
pub mod api;
pub mod braintree;
pub mod chargebee;
pub mod currency;
pub mod executor;
pub mod klarna;
pub mod mollie;
pub mod paypal;
pub mod sandbox;
pub mod setup;
pub mod shopify;
pub mod square;
pub mod stripe;
pub mod webhook;
pub mod woocommerce;
