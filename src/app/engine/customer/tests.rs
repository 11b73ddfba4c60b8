//! Unit tests of the customer's chat: history clipping, charge picking, credits named,
//! the answer to a question back.

use super::answers::credits_mentioned;
use super::cases::clip;
use super::which_charge::{pick_charge, Pick};
use super::*;
use crate::domain::billing::{Charge, ChargeKind, PaymentMethod};
use crate::domain::ids::{AccountId, ChargeId};
use crate::domain::money::Currency;
use rust_decimal::Decimal;

#[test]
fn clipping_never_cuts_a_card_marker_in_half() {
    let text = format!("{}{}", "a".repeat(490), crate::nlu::redact::CARD_MARKER);
    let c = clip(&text);
    assert!(c.ends_with(&format!("{}…", "a".repeat(10))), "{c}");
    assert!(!c.contains("[card num"), "{c}");
    assert_eq!(clip("short"), "short");
}

fn ch(id: &str, amount: Decimal, at: &str, desc: &str) -> Charge {
    Charge {
        id: ChargeId::new(id),
        account: AccountId::new("a"),
        amount,
        currency: Currency::USD,
        at: at.parse().unwrap(),
        method: PaymentMethod::Card,
        card_last4: Some("4242".into()),
        kind: ChargeKind::Product,
        description: desc.into(),
        fee: Decimal::ZERO,
        wallet_selected: false,
        disputed: false,
        provider: "sandbox".into(),
    }
}

fn found(p: Pick) -> Option<String> {
    match p {
        Pick::Found(c) => Some(c.id.to_string()),
        _ => None,
    }
}

#[test]
fn picking_the_charge() {
    let a = ch("ch_1", dec!(49), "2026-05-02T09:00:00Z", "API credits pack");
    let b = ch("ch_2", dec!(49), "2026-05-02T09:03:00Z", "API credits pack");
    let c = ch("ch_3", dec!(15), "2026-05-01T09:00:00Z", "Report export");
    let all = vec![a, b, c];
    // explicit id, own or not
    let mut e = Entities { transaction_id: Some("ch_3".into()), ..Default::default() };
    assert_eq!(found(pick_charge(&all, &e, Intent::RefundRequest, "", 10)).as_deref(), Some("ch_3"));
    e.transaction_id = Some("ch_999".into());
    assert!(matches!(pick_charge(&all, &e, Intent::RefundRequest, "", 10), Pick::NotFound(_)));
    // amount
    let e = Entities { amount: Some("15".into()), ..Default::default() };
    assert_eq!(found(pick_charge(&all, &e, Intent::RefundRequest, "", 10)).as_deref(), Some("ch_3"));
    // the duplicate, not the first
    let e = Entities::default();
    assert_eq!(found(pick_charge(&all, &e, Intent::DuplicateCharge, "charged twice", 10)).as_deref(), Some("ch_2"));
    // description words
    assert_eq!(
        found(pick_charge(&all, &e, Intent::RefundRequest, "the report export failed", 10)).as_deref(),
        Some("ch_3")
    );
    // nothing to go on
    assert!(matches!(pick_charge(&all, &e, Intent::RefundRequest, "refund please", 10), Pick::Unclear));
    // a single charge is the one
    assert_eq!(found(pick_charge(&all[2..], &e, Intent::RefundRequest, "refund please", 10)).as_deref(), Some("ch_3"));
}

#[test]
fn credits_in_text() {
    assert_eq!(credits_mentioned("I need to add 50 credits"), Some(50));
    assert_eq!(credits_mentioned("quiero 20 créditos"), Some(20));
    assert_eq!(credits_mentioned("how do credits work"), None);
}

#[test]
fn an_answer_picks_one_of_the_readings() {
    let choices = [Intent::WrongAmount, Intent::PaymentFailed, Intent::PaymentPending];
    assert_eq!(chosen("2", &choices), Some(Intent::PaymentFailed));
    assert_eq!(chosen(" 1. ", &choices), Some(Intent::WrongAmount));
    assert_eq!(chosen("(3)", &choices), Some(Intent::PaymentPending));
    assert_eq!(chosen("4", &choices), None);
    assert_eq!(chosen("0", &choices), None);
    assert_eq!(chosen("I was charged twice", &choices), None);
}
