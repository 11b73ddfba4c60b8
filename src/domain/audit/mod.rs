//! The audit trail: every state change, append-only, each record chained to the one before
//! by a SHA-256 hash so that an edit or a deletion anywhere breaks the chain.
//!
//! The chain alone only catches accidents: whoever can write the table can recompute every
//! hash after a forgery, or cut the tail off. So (migration 0004) each record's hash is also
//! signed with an HMAC-SHA256 under a key the database does not hold (`PAYDESK_AUDIT_KEY`),
//! and a head outside the chain (record count and last hash, signed too) is updated with
//! every append. [`verify`] checks all three and says where and how the trail breaks.
//! Pure: the key is given as bytes.
//!
//! - this file: [`AuditRecord`], one record as the engine writes it;
//! - `action.rs`: [`AuditAction`], every action the engine records, with its stored text;
//! - `chain.rs`: the hash chain and the HMACs of records and head;
//! - `verification.rs`: [`verify`], which reads a trail back and names each break ([`Problem`]).

mod action;
mod chain;
#[cfg(test)]
mod tests;
mod verification;

pub use action::AuditAction;
pub use chain::{head_mac, record_mac, verify_chain, GENESIS};
pub use verification::{verify, Entry, Head, Problem, Report};

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub at: DateTime<Utc>,
    /// Who: a user id, or `system`.
    pub actor: String,
    /// The case it concerns (`RF-000001`), if any.
    pub case: Option<String>,
    /// What happened: an [`AuditAction`]'s text (`case.opened`, `refund.approved`, …), kept
    /// as stored so that records of any version read back and verify.
    pub action: String,
    /// Why / details, in words (never a full card number: inputs are redacted first).
    pub detail: String,
    /// The policy rule involved, if any.
    pub rule: Option<String>,
}

impl AuditRecord {
    /// Whether this record is of `action` (records keep the stored text, which may come from
    /// another version).
    pub fn is(&self, action: AuditAction) -> bool {
        self.action == action.as_str()
    }
}
