//! The application layer: the engine that turns chat events into decisions (through the
//! pure domain) and writes them through the ports. One code path for every surface.

pub mod action;
pub mod command;
pub mod engine;
pub mod l10n;
pub mod loadgen;
pub mod metrics;
pub mod outbox;
pub mod ports;
pub mod reconcile;
pub mod report;
