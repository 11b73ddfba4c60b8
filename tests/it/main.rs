//! The integration tests: one crate (one binary to build and link), a module per area.
//! Every test that touches the store runs on SQLite and, when `PAYDESK_TEST_PG` is set, on
//! PostgreSQL too, each on its own fresh database (`common::backends`, `common::fresh_db`).
//!
//! Shared: `common` (databases, engines, the scripted bot and fixture builders),
//! `discord_fake` (a fake Discord REST + gateway), `providers_support` (fake payment
//! providers written from their published references).

mod common;
mod discord_fake;
mod providers_support;

mod architecture;
mod bench_scale;
mod cli_bad_input;
mod cli_deploy;
mod cli_support_day;
mod discord_e2e;
mod discord_fixtures;
mod discord_outbox;
mod discord_votes;
mod durability;
mod exactly_once;
mod fuzz_parsers;
mod languages;
mod properties;
mod providers_amazon_pay;
mod providers_chargebee;
mod providers_commerce;
mod providers_http;
mod providers_money;
mod providers_purchase;
mod providers_reconcile;
mod providers_shopify;
mod providers_transcript;
mod providers_webhooks;
mod redteam_approvals;
mod redteam_redaction;
mod redteam_store;
mod report;
mod support_day;
mod timer_hint;
mod transcripts;
