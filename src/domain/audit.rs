//! The audit trail: every state change, append-only, each record chained to the one before
//! by a SHA-256 hash so that an edit or a deletion anywhere breaks the chain.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub at: DateTime<Utc>,
    /// Who: a user id, or `system`.
    pub actor: String,
    /// The case it concerns (`RF-000001`), if any.
    pub case: Option<String>,
    /// What happened: `case.opened`, `refund.approved`, `wallet.usage`, …
    pub action: String,
    /// Why / details, in words (never a full card number: inputs are redacted first).
    pub detail: String,
    /// The policy rule involved, if any.
    pub rule: Option<String>,
}

/// The hash of the chain's start.
pub const GENESIS: [u8; 32] = [0; 32];

impl AuditRecord {
    /// `hash = SHA-256(prev || len-prefixed fields)`: unambiguous, so no two different
    /// records hash alike by moving text between fields.
    pub fn chain_hash(&self, prev: &[u8; 32]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(prev);
        let at = self.at.timestamp_micros().to_be_bytes();
        let fields: [&[u8]; 6] = [
            &at,
            self.actor.as_bytes(),
            self.case.as_deref().unwrap_or("").as_bytes(),
            self.action.as_bytes(),
            self.detail.as_bytes(),
            self.rule.as_deref().unwrap_or("").as_bytes(),
        ];
        for f in fields {
            h.update((f.len() as u64).to_be_bytes());
            h.update(f);
        }
        h.finalize().into()
    }
}

/// Checks a chain read back in order: `Ok(n)` records, or the index of the first bad one.
pub fn verify_chain<'a>(records: impl IntoIterator<Item = (&'a AuditRecord, [u8; 32], [u8; 32])>) -> Result<usize, usize> {
    let mut prev = GENESIS;
    let mut n = 0;
    for (i, (rec, stored_prev, stored_hash)) in records.into_iter().enumerate() {
        if stored_prev != prev || rec.chain_hash(&prev) != stored_hash {
            return Err(i);
        }
        prev = stored_hash;
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(action: &str, detail: &str) -> AuditRecord {
        AuditRecord {
            at: "2026-01-01T00:00:00Z".parse().unwrap(),
            actor: "kim".into(),
            case: Some("RF-000001".into()),
            action: action.into(),
            detail: detail.into(),
            rule: None,
        }
    }

    #[test]
    fn chain_detects_edits_and_reordering() {
        let a = rec("case.opened", "x");
        let b = rec("refund.approved", "y");
        let ha = a.chain_hash(&GENESIS);
        let hb = b.chain_hash(&ha);
        assert_eq!(verify_chain([(&a, GENESIS, ha), (&b, ha, hb)]), Ok(2));
        let edited = rec("refund.approved", "z");
        assert_eq!(verify_chain([(&a, GENESIS, ha), (&edited, ha, hb)]), Err(1));
        assert_eq!(verify_chain([(&b, GENESIS, hb)]), Err(0));
        // moving text across fields changes the hash
        assert_ne!(rec("ab", "c").chain_hash(&GENESIS), rec("a", "bc").chain_hash(&GENESIS));
    }
}
