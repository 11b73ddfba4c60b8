//! The SHA-256 hash chain that links each record to the one before, and the HMAC-SHA256
//! signatures of records and head under a key the database does not hold.

use super::AuditRecord;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

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

/// HMAC-SHA256 of a record's chain hash. The chain hash covers the previous hash, so one
/// valid signature vouches for every record before it as well.
pub fn record_mac(key: &[u8], hash: &[u8; 32]) -> [u8; 32] {
    keyed(key, b"paydesk audit record\0", &[hash])
}

/// HMAC-SHA256 of the head: the record count and the last hash.
pub fn head_mac(key: &[u8], count: i64, last_hash: &[u8; 32]) -> [u8; 32] {
    keyed(key, b"paydesk audit head\0", &[&count.to_be_bytes(), last_hash])
}

fn keyed(key: &[u8], domain: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes keys of any length (RFC 2104), so this cannot fail.
    let mut m = match <Hmac<Sha256> as Mac>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return [0; 32],
    };
    m.update(domain);
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().into()
}

/// Checks a chain read back in order: `Ok(n)` records, or the index of the first bad one.
pub fn verify_chain<'a>(
    records: impl IntoIterator<Item = (&'a AuditRecord, [u8; 32], [u8; 32])>,
) -> Result<usize, usize> {
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
