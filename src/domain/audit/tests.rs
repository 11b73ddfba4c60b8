use super::*;
use crate::domain::billing::EntryKind;

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
    assert_eq!(r.problems, vec![Problem::MacMismatch { seq: 2 }, Problem::MacMismatch { seq: 3 }, Problem::HeadMac]);
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
