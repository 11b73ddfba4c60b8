//! The pure core: money, billing ledger, policy, tickets and approvals.
//!
//! Nothing here does I/O, reads a clock, or knows of chat platforms, SQL or JSON.
//! Time is always passed in as a value.

pub mod approvals;
pub mod audit;
pub mod billing;
pub mod digits;
pub mod ids;
pub mod intent;
pub mod money;
pub mod permissions;
pub mod policy;
pub mod roles;
pub mod tickets;
