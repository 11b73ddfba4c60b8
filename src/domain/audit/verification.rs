//! Reading a trail back: the chain, the signatures and the head checked, each break named.

use super::chain::{head_mac, record_mac, GENESIS};
use super::AuditRecord;

/// One stored record as verification reads it.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub seq: i64,
    pub record: &'a AuditRecord,
    pub prev_hash: [u8; 32],
    pub hash: [u8; 32],
    pub mac: Option<[u8; 32]>,
}

/// The head as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub count: i64,
    pub last_hash: [u8; 32],
    pub mac: Option<[u8; 32]>,
}

/// One way the trail is broken, with the record's `seq` where there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The record does not point at the hash of the record before it.
    PrevMismatch {
        seq: i64,
        expected: [u8; 32],
        found: [u8; 32],
    },
    /// The record's content does not hash to its stored hash.
    HashMismatch {
        seq: i64,
        expected: [u8; 32],
        found: [u8; 32],
    },
    /// The signature does not match (forged, or signed with another key).
    MacMismatch {
        seq: i64,
    },
    /// Unsigned although an earlier record is signed.
    MacMissing {
        seq: i64,
        signed_before: i64,
    },
    HeadMissing,
    HeadCount {
        head: i64,
        found: i64,
    },
    HeadHash {
        head: [u8; 32],
        last: [u8; 32],
    },
    HeadMac,
    HeadUnsigned,
}

fn short(h: &[u8; 32]) -> String {
    let mut s = hex::encode(&h[..8]);
    s.push('…');
    s
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::PrevMismatch { seq, expected, found } => write!(
                f,
                "record {seq}: links to previous hash {} but the record before it has hash {} (a record before it was removed, inserted or changed)",
                short(found),
                short(expected)
            ),
            Problem::HashMismatch { seq, expected, found } => {
                write!(f, "record {seq}: content hashes to {} but the stored hash is {} (the record was changed)", short(expected), short(found))
            }
            Problem::MacMismatch { seq } => write!(f, "record {seq}: HMAC does not match (forged or rehashed, or signed with another key)"),
            Problem::MacMissing { seq, signed_before } => {
                write!(f, "record {seq}: no HMAC, although record {signed_before} before it is signed (signature removed?)")
            }
            Problem::HeadMissing => write!(f, "the audit head (record count and last hash) is missing: records may have been cut off"),
            Problem::HeadCount { head, found } => {
                write!(f, "head says {head} records, found {found} (records were removed or added outside the bot)")
            }
            Problem::HeadHash { head, last } => write!(f, "head's last hash is {} but the last record's hash is {}", short(head), short(last)),
            Problem::HeadMac => write!(f, "the audit head's HMAC does not match (the head was rewritten)"),
            Problem::HeadUnsigned => write!(f, "the audit head is not signed although records are (signature removed?)"),
        }
    }
}

/// What [`verify`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub records: usize,
    /// Records carrying an HMAC (checked only when a key was given).
    pub signed: usize,
    pub problems: Vec<Problem>,
}

impl Report {
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Verifies the whole trail read back in order: the hash chain, each record's HMAC and the
/// head's (when `key` is given), and that the head matches the records (count, last hash).
/// Records written before signing began (an unsigned prefix) are covered by the first
/// signed record after them, whose hash depends on theirs.
pub fn verify(entries: &[Entry<'_>], head: Option<&Head>, key: Option<&[u8]>) -> Report {
    let mut report = Report { records: entries.len(), ..Report::default() };
    let mut prev = GENESIS;
    let mut signed_before: Option<i64> = None;
    for e in entries {
        if e.prev_hash != prev {
            report.problems.push(Problem::PrevMismatch { seq: e.seq, expected: prev, found: e.prev_hash });
        }
        let content = e.record.chain_hash(&e.prev_hash);
        if content != e.hash {
            report.problems.push(Problem::HashMismatch { seq: e.seq, expected: content, found: e.hash });
        }
        match (e.mac, key) {
            (Some(m), Some(k)) => {
                report.signed += 1;
                if record_mac(k, &e.hash) != m {
                    report.problems.push(Problem::MacMismatch { seq: e.seq });
                }
                signed_before = Some(e.seq);
            }
            (Some(_), None) => report.signed += 1,
            (None, Some(_)) => {
                if let Some(s) = signed_before {
                    report.problems.push(Problem::MacMissing { seq: e.seq, signed_before: s });
                }
            }
            (None, None) => {}
        }
        // Go on from the stored hash, so one bad record is reported once.
        prev = e.hash;
    }
    match head {
        None => report.problems.push(Problem::HeadMissing),
        Some(h) => {
            let found = i64::try_from(entries.len()).unwrap_or(i64::MAX);
            if h.count != found {
                report.problems.push(Problem::HeadCount { head: h.count, found });
            }
            if h.last_hash != prev {
                report.problems.push(Problem::HeadHash { head: h.last_hash, last: prev });
            }
            if let Some(k) = key {
                match h.mac {
                    Some(m) if head_mac(k, h.count, &h.last_hash) != m => report.problems.push(Problem::HeadMac),
                    None if signed_before.is_some() => report.problems.push(Problem::HeadUnsigned),
                    _ => {}
                }
            }
        }
    }
    report
}
