//! paydesk: a chat-ops bot for payment support.
//!
//! See `ARCHITECTURE.md` for the map. Dependencies point inward:
//! `adapters` -> `app` -> `domain` (and `nlu`, itself pure).

/// An exact decimal literal for tests: `dec!(0.0125)`.
#[cfg(test)]
macro_rules! dec {
    ($v:literal) => {
        rust_decimal::Decimal::from_str_exact(stringify!($v)).expect("a decimal literal")
    };
}

pub mod adapters;
pub mod app;
pub mod bench;
pub mod config;
pub mod domain;
pub mod logging;
pub mod nlu;
pub mod wiring;
