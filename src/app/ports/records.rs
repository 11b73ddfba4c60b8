//! What the store hands back besides domain values: users with their roles, audit rows in
//! their chain, balances, a voter's approval, a customer's language and waiting question,
//! the outbox's health.

use crate::domain::approvals::Refund;
use crate::domain::audit::AuditRecord;
use crate::domain::billing::CreditNote;
use crate::domain::ids::{AccountId, UserId};
use crate::domain::money::Currency;
use crate::domain::roles::Roles;
use crate::domain::tickets::Case;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

/// The language a customer writes in (their last message detected with confidence).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomerLanguage {
    pub lang: crate::nlu::Lang,
    /// They were told (once) that paydesk answers this language in English.
    pub fallback_noted: bool,
}

/// A question back waiting for a customer's answer: the readings offered, in the order
/// they were numbered, the entities and redacted text of the message it is about, and when
/// it was asked (it expires after `EngineConfig::question_expiry`).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredQuestion {
    pub choices: Vec<crate::domain::intent::Intent>,
    pub entities: crate::nlu::Entities,
    pub text: String,
    pub asked_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub roles: Roles,
    pub account: Option<AccountId>,
}

/// One audit record as stored, with its place in the hash chain.
#[derive(Debug, Clone)]
pub struct StoredAudit {
    pub seq: i64,
    pub record: AuditRecord,
    pub prev_hash: [u8; 32],
    pub hash: [u8; 32],
    /// HMAC-SHA256 of `hash` under `PAYDESK_AUDIT_KEY`; `None` for records written before
    /// migration 0004 or without a key.
    pub mac: Option<[u8; 32]>,
}

/// The audit chain's head, kept outside the chain (migration 0004) and updated in the
/// transaction of every append: how many records there are and the last hash, signed
/// with the audit key when one is configured. A cut-off tail no longer matches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditHead {
    pub count: i64,
    pub last_hash: [u8; 32],
    pub mac: Option<[u8; 32]>,
}

/// A wallet balance: the sum of the account's entries in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletBalance {
    pub account: AccountId,
    pub currency: Currency,
    pub balance: Decimal,
}

/// The store's view at the end of a replay (the `state` line).
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub cases: Vec<Case>,
    pub refunds: Vec<Refund>,
    pub wallets: Vec<WalletBalance>,
    pub credit_notes: Vec<CreditNote>,
}

/// How many cases and refunds are in each status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusCounts {
    pub cases: Vec<(String, i64)>,
    pub refunds: Vec<(String, i64)>,
}

/// A voter's approval of one refund as stored: whether it stands, and the newest
/// observation applied to it (`seq`: a reaction as the chat platform had it at that
/// instant, in microseconds; a vote by command counts as seen when it was handled). An
/// observation not newer than `seq` arrived late and changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoteRow {
    pub present: bool,
    pub seq: i64,
}

/// The outbox as monitoring sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxHealth {
    pub pending: i64,
    /// When the oldest pending item was written.
    pub oldest_pending: Option<DateTime<Utc>>,
    pub dead: i64,
}
