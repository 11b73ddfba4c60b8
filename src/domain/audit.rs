//! The audit trail: every state change, append-only, each record chained to the one before
//! by a SHA-256 hash so that an edit or a deletion anywhere breaks the chain.
//!
//! The chain alone only catches accidents: whoever can write the table can recompute every
//! hash after a forgery, or cut the tail off. So (migration 0004) each record's hash is also
//! signed with an HMAC-SHA256 under a key the database does not hold (`PAYDESK_AUDIT_KEY`),
//! and a head outside the chain (record count and last hash, signed too) is updated with
//! every append. [`verify`] checks all three and says where and how the trail breaks.
//! Pure: the key is given as bytes.

use crate::domain::billing::EntryKind;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

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

/// Declares [`AuditAction`] from one list, so the variants, [`AuditAction::ALL`] and the
/// stored text cannot drift apart.
macro_rules! audit_actions {
    ($($(#[$doc:meta])* $variant:ident => $text:literal,)+) => {
        /// What an audit record says happened. Stored (and hashed into the chain) as the text
        /// of [`AuditAction::as_str`], which therefore never changes for a variant: a record
        /// written by an older version must still verify and still be found by its action.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum AuditAction {
            $($(#[$doc])* $variant,)+
        }

        impl AuditAction {
            /// Every action, in declaration order.
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$variant,)+];

            /// The text stored in `audit.action` (and covered by the record's hash).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(AuditAction::$variant => $text,)+
                }
            }
        }
    };
}

audit_actions! {
    /// Staff were refused an action by the permission table.
    AccessDenied => "access.denied",
    /// A case was opened (by a customer's message, a staff command or a dispute).
    CaseOpened => "case.opened",
    /// A case changed status.
    CaseStatus => "case.status",
    /// A message was added to a case.
    CaseMessage => "case.message",
    /// Staff replied to a case's customer.
    CaseReply => "case.reply",
    /// Staff added a note to a case.
    CaseNote => "case.note",
    /// A customer asked for their case to be escalated.
    CaseEscalationAsked => "case.escalation_asked",
    /// A customer named the billing account they want linked.
    CaseLinkRequested => "case.link_requested",
    /// A provider reported a dispute on a charge.
    ChargeDisputed => "charge.disputed",
    /// A charge was imported from a provider export.
    ChargeImported => "charge.imported",
    /// An event was refused before it changed anything.
    EventRefused => "event.refused",
    /// Card numbers were removed from an incoming message.
    MessageCardRedacted => "message.card_redacted",
    /// A customer's message was classified.
    MessageClassified => "message.classified",
    /// A customer answered the bot's clarifying question.
    MessageClarified => "message.clarified",
    /// A reconciliation found the provider and the store disagreeing.
    ReconcileMismatch => "reconcile.mismatch",
    /// A refund was requested.
    RefundRequested => "refund.requested",
    /// A refund request was refused (with the rule).
    RefundRefused => "refund.refused",
    /// A refund was approved by auto-approve.
    RefundAutoApproved => "refund.auto_approved",
    /// A lead's approval counted toward quorum.
    RefundApprovalCounted => "refund.approval_counted",
    /// A lead withdrew their approval.
    RefundApprovalWithdrawn => "refund.approval_withdrawn",
    /// An approval stopped counting at the re-check (roles or conflicts changed).
    RefundApprovalDropped => "refund.approval_dropped",
    /// A lead's vote was refused.
    RefundVoteRefused => "refund.vote_refused",
    /// A refund reached quorum and was approved.
    RefundApproved => "refund.approved",
    /// A refund was rejected.
    RefundRejected => "refund.rejected",
    /// A refund expired without enough approvals.
    RefundExpired => "refund.expired",
    /// A refund was put on hold (dispute).
    RefundOnHold => "refund.on_hold",
    /// The provider accepted a refund whose outcome is still pending.
    RefundPending => "refund.pending",
    /// A refund has been pending at the provider too long (a lead is told).
    RefundPendingTooLong => "refund.pending_too_long",
    /// A refund's provider call failed transiently; another attempt is scheduled.
    RefundRetryScheduled => "refund.retry_scheduled",
    /// A refund's provider answer was lost; the provider is asked before any retry.
    RefundOutcomeUnknown => "refund.outcome_unknown",
    /// A refund may have been paid though no answer came (a lead is told).
    RefundMayHaveBeenPaid => "refund.may_have_been_paid",
    /// A refund was retried under a new idempotency key.
    RefundNewKey => "refund.new_key",
    /// A refund was paid.
    RefundSucceeded => "refund.succeeded",
    /// A refund failed for good.
    RefundFailed => "refund.failed",
    /// A paid refund was reversed by the provider.
    RefundReversed => "refund.reversed",
    /// A provider webhook updated a refund.
    RefundWebhook => "refund.webhook",
    /// A provider webhook about a refund changed nothing.
    RefundWebhookIgnored => "refund.webhook_ignored",
    /// A webhook said a refund recorded as failed was paid.
    RefundPaidAfterFailed => "refund.paid_after_failed",
    /// A staff member linked a chat user to a billing account.
    UserLinked => "user.linked",
    /// A staff member unlinked a chat user.
    UserUnlinked => "user.unlinked",
    /// A user's roles changed.
    UserRoles => "user.roles",
    /// A wallet's opening balance.
    WalletOpening => "wallet.opening",
    /// Credits bought (and paid) into a wallet.
    WalletPurchase => "wallet.purchase",
    /// Usage taken from a wallet.
    WalletUsage => "wallet.usage",
    /// Usage refused (balance too low, auto-recharge impossible).
    WalletUsageRefused => "wallet.usage_refused",
    /// A refund paid into the wallet.
    WalletRefundToWallet => "wallet.refund_to_wallet",
    /// Goodwill credit given.
    WalletGoodwill => "wallet.goodwill",
    /// Goodwill above the one-lead limit waiting for a second lead.
    WalletGoodwillRequested => "wallet.goodwill_requested",
    /// A goodwill request was rejected.
    WalletGoodwillRejected => "wallet.goodwill_rejected",
    /// A lead's goodwill vote was refused.
    WalletGoodwillVoteRefused => "wallet.goodwill_vote_refused",
    /// A wallet adjustment (credits taken back when their purchase is refunded).
    WalletAdjustment => "wallet.adjustment",
    /// A purchase through a provider's hosted page was started.
    WalletPurchaseStarted => "wallet.purchase_started",
    /// The hosted payment page's link was made and sent.
    WalletPurchaseLink => "wallet.purchase_link",
    /// A purchase was paid after its page had expired.
    WalletPurchasePaidLate => "wallet.purchase_paid_late",
    /// A purchase's page expired unpaid.
    WalletPurchaseExpired => "wallet.purchase_expired",
    /// A purchase's payment failed.
    WalletPurchaseFailed => "wallet.purchase_failed",
    /// A purchase was paid with an amount other than the one asked.
    WalletPurchaseAmountMismatch => "wallet.purchase_amount_mismatch",
    /// A payment method was saved for auto-recharge.
    WalletPaymentMethodSaved => "wallet.payment_method_saved",
    /// An off-session auto-recharge was charged on the saved payment method.
    WalletRechargeStarted => "wallet.recharge_started",
}

impl AuditAction {
    /// The action stored for a wallet entry of this kind (`wallet.<kind>`).
    pub fn wallet_entry(kind: EntryKind) -> AuditAction {
        match kind {
            EntryKind::Opening => AuditAction::WalletOpening,
            EntryKind::Purchase => AuditAction::WalletPurchase,
            EntryKind::Usage => AuditAction::WalletUsage,
            EntryKind::RefundToWallet => AuditAction::WalletRefundToWallet,
            EntryKind::Goodwill => AuditAction::WalletGoodwill,
            EntryKind::Adjustment => AuditAction::WalletAdjustment,
        }
    }

    /// The action a stored text names, if it is one of ours.
    pub fn parse(text: &str) -> Option<AuditAction> {
        AuditAction::ALL.iter().copied().find(|a| a.as_str() == text)
    }
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AuditRecord {
    /// Whether this record is of `action` (records keep the stored text, which may come from
    /// another version).
    pub fn is(&self, action: AuditAction) -> bool {
        self.action == action.as_str()
    }
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
    fn every_audit_action_round_trips_through_its_stored_text() {
        for &action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action), "{action:?}");
        }
        assert_eq!(AuditAction::parse("refund.approved "), None);
        assert_eq!(AuditAction::parse("no.such_action"), None);
    }

    #[test]
    fn audit_action_texts_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for &action in AuditAction::ALL {
            assert!(seen.insert(action.as_str()), "{} is used twice", action.as_str());
        }
    }

    /// The texts are hashed into the chain and searched for by the report: a changed text
    /// breaks old trails and loses old records. This list is the texts as stored before the
    /// enum existed; it changes only by adding at the end.
    #[test]
    fn audit_action_texts_are_the_stored_ones() {
        let stored = [
            "access.denied",
            "case.opened",
            "case.status",
            "case.message",
            "case.reply",
            "case.note",
            "case.escalation_asked",
            "case.link_requested",
            "charge.disputed",
            "charge.imported",
            "event.refused",
            "message.card_redacted",
            "message.classified",
            "message.clarified",
            "reconcile.mismatch",
            "refund.requested",
            "refund.refused",
            "refund.auto_approved",
            "refund.approval_counted",
            "refund.approval_withdrawn",
            "refund.approval_dropped",
            "refund.vote_refused",
            "refund.approved",
            "refund.rejected",
            "refund.expired",
            "refund.on_hold",
            "refund.pending",
            "refund.pending_too_long",
            "refund.retry_scheduled",
            "refund.outcome_unknown",
            "refund.may_have_been_paid",
            "refund.new_key",
            "refund.succeeded",
            "refund.failed",
            "refund.reversed",
            "refund.webhook",
            "refund.webhook_ignored",
            "refund.paid_after_failed",
            "user.linked",
            "user.unlinked",
            "user.roles",
            "wallet.opening",
            "wallet.purchase",
            "wallet.usage",
            "wallet.usage_refused",
            "wallet.refund_to_wallet",
            "wallet.goodwill",
            "wallet.goodwill_requested",
            "wallet.goodwill_rejected",
            "wallet.goodwill_vote_refused",
            "wallet.adjustment",
            "wallet.purchase_started",
            "wallet.purchase_link",
            "wallet.purchase_paid_late",
            "wallet.purchase_expired",
            "wallet.purchase_failed",
            "wallet.purchase_amount_mismatch",
            "wallet.payment_method_saved",
            "wallet.recharge_started",
        ];
        let texts: Vec<&str> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(texts, stored);
        for kind in [
            EntryKind::Opening,
            EntryKind::Purchase,
            EntryKind::Usage,
            EntryKind::RefundToWallet,
            EntryKind::Goodwill,
            EntryKind::Adjustment,
        ] {
            assert_eq!(AuditAction::wallet_entry(kind).as_str(), format!("wallet.{}", kind.as_str()));
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

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    /// (prev_hash, hash, mac) of one stored record.
    type Stored = ([u8; 32], [u8; 32], Option<[u8; 32]>);

    /// A signed trail of `n` records and its head, as the store writes them.
    fn trail(recs: &[AuditRecord], key: Option<&[u8]>) -> (Vec<Stored>, Head) {
        let mut prev = GENESIS;
        let mut out = Vec::new();
        for r in recs {
            let h = r.chain_hash(&prev);
            out.push((prev, h, key.map(|k| record_mac(k, &h))));
            prev = h;
        }
        let count = recs.len() as i64;
        (out, Head { count, last_hash: prev, mac: key.map(|k| head_mac(k, count, &prev)) })
    }

    fn entries<'a>(recs: &'a [AuditRecord], t: &[Stored]) -> Vec<Entry<'a>> {
        recs.iter()
            .zip(t)
            .enumerate()
            .map(|(i, (r, (p, h, m)))| Entry { seq: i as i64 + 1, record: r, prev_hash: *p, hash: *h, mac: *m })
            .collect()
    }

    #[test]
    fn an_intact_signed_trail_verifies() {
        let recs = vec![rec("a", "1"), rec("b", "2"), rec("c", "3")];
        let (t, head) = trail(&recs, Some(KEY));
        let r = verify(&entries(&recs, &t), Some(&head), Some(KEY));
        assert!(r.intact(), "{:?}", r.problems);
        assert_eq!((r.records, r.signed), (3, 3));
        // without the key: the chain and the head still verify
        assert!(verify(&entries(&recs, &t), Some(&head), None).intact());
    }

    #[test]
    fn a_cut_tail_is_caught_by_the_head() {
        let recs = vec![rec("a", "1"), rec("b", "2"), rec("c", "3")];
        let (t, head) = trail(&recs, None);
        let r = verify(&entries(&recs[..2], &t[..2]), Some(&head), None);
        assert_eq!(r.problems[0], Problem::HeadCount { head: 3, found: 2 });
        assert!(r.problems[0].to_string().contains("head says 3 records, found 2"));
        assert!(matches!(r.problems[1], Problem::HeadHash { .. }));
        // all cut off (TRUNCATE) still leaves the head
        let r = verify(&[], Some(&head), None);
        assert_eq!(r.problems[0], Problem::HeadCount { head: 3, found: 0 });
        // and without a head it says so
        assert_eq!(verify(&entries(&recs, &t), None, None).problems, vec![Problem::HeadMissing]);
    }

    #[test]
    fn a_forged_and_rehashed_record_fails_its_hmac() {
        let recs = vec![rec("a", "1"), rec("refund.approved", "10.00 USD"), rec("c", "3")];
        let (t, _) = trail(&recs, Some(KEY));
        // the forger rewrites record 2 and recomputes every hash and the head, keeping the old MACs
        let forged = vec![recs[0].clone(), rec("refund.approved", "9000.00 USD"), recs[2].clone()];
        let (mut t2, mut head2) = trail(&forged, None);
        for (i, x) in t2.iter_mut().enumerate() {
            x.2 = t[i].2;
        }
        head2.mac = Some(head_mac(b"another key, not ours", head2.count, &head2.last_hash));
        let r = verify(&entries(&forged, &t2), Some(&head2), Some(KEY));
        assert_eq!(
            r.problems,
            vec![Problem::MacMismatch { seq: 2 }, Problem::MacMismatch { seq: 3 }, Problem::HeadMac]
        );
        assert_eq!(
            r.problems[0].to_string(),
            "record 2: HMAC does not match (forged or rehashed, or signed with another key)"
        );
        // the plain chain alone cannot see it
        assert!(verify(&entries(&forged, &t2), Some(&head2), None).intact());
        // stripping the signatures is seen too
        for x in t2.iter_mut().skip(1) {
            x.2 = None;
        }
        let r = verify(&entries(&forged, &t2), Some(&Head { mac: None, ..head2 }), Some(KEY));
        assert_eq!(
            r.problems,
            vec![
                Problem::MacMissing { seq: 2, signed_before: 1 },
                Problem::MacMissing { seq: 3, signed_before: 1 },
                Problem::HeadUnsigned
            ]
        );
    }

    #[test]
    fn an_edit_is_named_with_expected_and_found() {
        let recs = vec![rec("a", "1"), rec("b", "2")];
        let (t, head) = trail(&recs, None);
        let edited = vec![recs[0].clone(), rec("b", "20")];
        let r = verify(&entries(&edited, &t), Some(&head), None);
        assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
        let text = r.problems[0].to_string();
        assert!(text.starts_with("record 2: content hashes to ") && text.contains("but the stored hash is"), "{text}");
        // an unsigned prefix before signing began is fine
        let (mut t3, _) = trail(&recs, Some(KEY));
        t3[0].2 = None;
        let head3 = Head { count: 2, last_hash: t3[1].1, mac: Some(head_mac(KEY, 2, &t3[1].1)) };
        assert!(verify(&entries(&recs, &t3), Some(&head3), Some(KEY)).intact());
    }
}
