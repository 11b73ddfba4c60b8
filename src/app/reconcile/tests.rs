use super::rows::{amount, time};
use super::*;
use crate::domain::approvals::{Refund, RefundStatus};
use crate::domain::ids::ChargeId;
use crate::domain::money::Currency;
use rust_decimal::Decimal;
use std::str::FromStr;

#[test]
fn a_bad_amount_keeps_what_was_wrong_with_it() {
    let minor = amount("#minor:12x", Currency::USD, "amount", 2).unwrap_err();
    assert_eq!(minor.to_string(), "amount: `12x` is not an integer");
    assert!(std::error::Error::source(&minor).is_some(), "the integer parse error is kept");
    let decimal = amount("1e5", Currency::USD, "fee", 2).unwrap_err();
    assert!(
        matches!(&decimal, RowError::Amount { what, reason: AmountError::Exponent(_) } if what == "fee"),
        "{decimal:?}"
    );
    assert!(decimal.to_string().starts_with("fee: `1e5` is not an amount"), "{decimal}");
}

#[test]
fn charges_csv_good_and_bad_rows() {
    let csv = "id,Amount,Currency,Created (UTC),Customer ID,Description,Card Last4,Status\n\
                   ch_1,49.00,usd,2026-04-01 10:00:00,acct-1,\"API credits, pack\",4242,Paid\n\
                   ch_2,12.345,USD,2026-04-01 10:00:00,acct-1,x,4242,Paid\n\
                   ch_3,10.00,USD,2026-04-01 10:00:00,acct-1,x,4242,Failed\n\
                   ch_4,10.00,USD,yesterday,acct-1,x,4242,Paid\n\
                   ch_5,10.00,USD,2026-04-01T10:00:00Z,,x,4242,Paid\n\
                   ch_6,10.00,USD,2026-04-01T10:00:00Z,acct-2,card 4242 4242 4242 4242,4242,Paid\n\
                   ch_7,1.00,EUR,2026-04-02T10:00:00Z,acct-2,,,succeeded\n";
    let ParsedCharges { charges: good, unpaid, bad } = parse_charges(csv, "stripe");
    assert_eq!(good.iter().map(|c| c.id.to_string()).collect::<Vec<_>>(), ["ch_1", "ch_7"]);
    assert_eq!(good[0].description, "API credits, pack");
    assert_eq!(good[0].amount, Decimal::from_str("49.00").unwrap());
    assert_eq!(good[0].provider, "stripe");
    // A failed charge is well formed: skipped and counted, not refused.
    assert_eq!(unpaid.iter().map(|b| b.line).collect::<Vec<_>>(), [4]);
    assert!(unpaid[0].message.contains("Failed"), "{:?}", unpaid[0]);
    assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), [3, 5, 6, 7]);
    assert!(bad[3].message.contains("full card number") && !bad[3].message.contains("4242 4242"));
}

#[test]
fn charges_json_minor_units_and_floats_refused() {
    let json = r#"[{"id":"pi_1","amount":4900,"currency":"usd","created":1775037600,"customer":"acct-1"},
                       {"id":"pi_2","amount":49.5,"currency":"usd","created":"2026-04-01T10:00:00Z","customer":"acct-1"},
                       {"id":"pi_3","amount":"1200","currency":"JPY","created":"2026-04-01T10:00:00Z","account":"acct-3","provider":"adyen"}]"#;
    let ParsedCharges { charges: good, bad, .. } = parse_charges(json, "stripe");
    assert_eq!(good.len(), 2);
    assert_eq!(good[0].amount, Decimal::from_str("49.00").unwrap());
    assert_eq!(good[1].provider, "adyen");
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].line, 2);
}

#[test]
fn woocommerce_orders_export() {
    // Shaped as GET /wp-json/wc/v3/orders answers (developer.woocommerce.com/docs/apis/rest-api/v3/orders/).
    let json = r#"[
          {"id":727,"number":"727","order_key":"wc_order_58d2d042d1d","status":"completed","currency":"USD","total":"49.00",
           "customer_id":12,"date_created_gmt":"2026-04-01T10:00:00","date_paid_gmt":"2026-04-01T10:01:00",
           "refunds":[{"id":726,"reason":"","total":"-10.00"}]},
          {"id":728,"number":"728","order_key":"wc_order_x","status":"pending","currency":"USD","total":"5.00","customer_id":12,
           "date_created_gmt":"2026-04-01T10:00:00","refunds":[]},
          {"id":729,"number":"729","order_key":"wc_order_y","status":"processing","currency":"EUR","total":"5.00","customer_id":0,
           "date_created_gmt":"2026-04-01T10:00:00","refunds":[]}
        ]"#;
    let ParsedCharges { charges: good, unpaid, bad } = parse_charges_in(json, "woocommerce", &iso_exponent);
    assert_eq!(good.len(), 1, "{bad:?}");
    assert_eq!((good[0].id.to_string(), good[0].amount), ("727".to_string(), Decimal::from_str("49.00").unwrap()));
    assert_eq!(good[0].at, time("2026-04-01T10:01:00Z").unwrap(), "paid time, GMT");
    assert_eq!(good[0].account.to_string(), "wc-12");
    assert_eq!(good[0].provider, "woocommerce");
    assert_eq!(unpaid.iter().map(|b| b.line).collect::<Vec<_>>(), [2], "a pending order is skipped");
    assert!(unpaid[0].message.contains("pending"), "{unpaid:?}");
    assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), [3]);
    assert!(bad[0].message.contains("guest"), "{bad:?}");
    let (refunds, bad) = parse_refunds_in(json, "woocommerce", &iso_exponent);
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(refunds.len(), 1);
    assert_eq!((refunds[0].provider_ref.as_str(), refunds[0].charge.as_deref()), ("726", Some("727")));
    assert_eq!(refunds[0].amount, Decimal::from_str("10.00").unwrap());
    // Elsewhere the same text is read generically (and its integer ids are not amounts).
    assert!(!parse_charges_in(json, "stripe", &iso_exponent).bad.is_empty());
}

#[test]
fn klarna_settlement_transactions() {
    // Shaped as the Settlements API's transactions (amount in minor units, RETURN negative).
    let json = r#"{"transactions":[
          {"type":"SALE","amount":4900,"currency_code":"EUR","order_id":"o-1","capture_id":"c-1","sale_date":"2026-04-01T10:00:00Z","refund_id":""},
          {"type":"RETURN","amount":-1000,"currency_code":"EUR","order_id":"o-1","capture_id":"","refund_id":"r-1","merchant_refund_reference":"pd_k"},
          {"type":"FEE","amount":-29,"currency_code":"EUR","order_id":"o-1","capture_id":"c-1","refund_id":""}],"pagination":{"count":3}}"#;
    let (refunds, bad) = parse_refunds_in(json, "klarna", &iso_exponent);
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(refunds.len(), 1);
    assert_eq!((refunds[0].provider_ref.as_str(), refunds[0].charge.as_deref()), ("r-1", Some("o-1")));
    assert_eq!(
        (refunds[0].amount, refunds[0].idempotency_key.as_deref()),
        (Decimal::from_str("10.00").unwrap(), Some("pd_k"))
    );
    let ParsedCharges { charges, bad, .. } = parse_charges_in(json, "klarna", &iso_exponent);
    assert!(charges.is_empty());
    assert!(bad[0].message.contains("no customer"), "{bad:?}");
}

#[test]
fn compare_finds_every_kind_of_mismatch() {
    let r = |id: i64, pref: &str, amount: &str, status: RefundStatus| {
        let at = time("2026-04-01T10:00:00Z").unwrap();
        Refund {
            id: crate::domain::ids::RefundId(id),
            case: crate::domain::ids::CaseNumber::new(1).unwrap(),
            charge: ChargeId::new("ch_1".to_string()),
            amount: Decimal::from_str(amount).unwrap(),
            currency: Currency::USD,
            status,
            rule: "refund_window".into(),
            reason: String::new(),
            requested_by: crate::domain::ids::UserId::new("bo".to_string()),
            is_override: false,
            leads_needed: 1,
            requested_at: at,
            expires_at: at,
            standing_approvers: vec![],
            approved_by: vec![],
            idempotency_key: format!("pd_{id}"),
            provider: "stripe".into(),
            provider_ref: Some(pref.into()),
            message_ref: None,
            attempts: 1,
            first_attempt_at: None,
            next_attempt_at: None,
            needs_lookup: false,
            last_error: None,
        }
    };
    let ours = vec![
        r(1, "re_1", "10.00", RefundStatus::Succeeded),
        r(2, "re_2", "5.00", RefundStatus::Succeeded),
        r(3, "re_3", "7.00", RefundStatus::Succeeded),
    ];
    let csv = "id,charge,amount,currency,status\nre_1,ch_1,10.00,USD,succeeded\nre_2,ch_1,4.00,USD,succeeded\nre_9,ch_9,3.00,USD,succeeded\nre_8,ch_9,3.00,USD,failed\n";
    let (theirs, bad) = parse_refunds(csv);
    assert!(bad.is_empty());
    let m = compare("stripe", &theirs, &ours);
    assert_eq!(m.len(), 3, "{m:#?}");
    assert!(matches!(&m[0], Mismatch::AmountDiffers { ours, .. } if ours.id.0 == 2));
    assert!(matches!(&m[1], Mismatch::PaidNotRecorded(p) if p.provider_ref == "re_9"));
    assert!(matches!(&m[2], Mismatch::RecordedNotPaid(r) if r.id.0 == 3));
    assert_ne!(m[0].fingerprint(), m[1].fingerprint());
}
