//! Chargebee's and Shopify's own exports, rewritten as the generic rows the importer and
//! `reconcile` read (issue 14). `None`: the text is not that format (the generic reader
//! takes it).

use super::{csv_records, norm, str_of, Row, Rows};
use serde_json::Value;

/// Our key from a refund's note (`… [pd_…]`, as the Shopify connector writes it).
fn key_in_note(note: &str) -> Option<String> {
    let start = note.rfind("[pd_")? + 1;
    let end = note[start..].find(']')? + start;
    Some(note[start..end].to_string())
}

fn row(pairs: &[(&str, String)]) -> Row {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

/// Chargebee's transactions export (Reports → Export data → Transactions): CSV whose
/// columns are the transaction's attributes prefixed `transactions.` — `id`, `type`
/// (`payment`, `refund`, …), `status` (`success`, `in_progress`, `failure`, `voided`, …),
/// `amount` (a decimal in the export), `currency_code`, `date`, `customer_id`,
/// `reference_transaction_id` (the payment a refund returns money from) — the transaction
/// object of apidocs.chargebee.com/docs/api/transactions.
pub(super) fn chargebee_transactions(text: &str, refunds: bool) -> Option<Rows> {
    let recs = csv_records(text).ok()?;
    let ((_, header), body) = recs.split_first()?;
    let header: Vec<String> = header.iter().map(|h| norm(h)).collect();
    if !header.iter().any(|h| h == "transactions_id") || !header.iter().any(|h| h == "transactions_type") {
        return None;
    }
    let mut out = Vec::new();
    for (line, rec) in body {
        if rec.len() != header.len() {
            out.push((*line, Err(format!("{} fields, the header has {}", rec.len(), header.len()).into())));
            continue;
        }
        let r: Row = header.iter().cloned().zip(rec.iter().map(|f| f.trim().to_string())).collect();
        let f = |k: &str| r.get(&format!("transactions_{k}")).cloned().unwrap_or_default();
        let status = if f("status") == "success" { "paid".to_string() } else { f("status") };
        match (f("type").as_str(), refunds) {
            ("payment", false) => {
                let customer = f("customer_id");
                let made = if customer.is_empty() {
                    Err(format!("transaction {} names no customer", f("id")).into())
                } else {
                    Ok(row(&[
                        ("id", f("id")),
                        ("amount", f("amount")),
                        ("currency", f("currency_code")),
                        ("created", f("date")),
                        ("customer", format!("cb-{customer}")),
                        ("description", format!("Chargebee payment {}", f("id"))),
                        ("provider", "chargebee".to_string()),
                        ("status", status),
                    ]))
                };
                out.push((*line, made));
            }
            ("refund", true) => out.push((
                *line,
                Ok(row(&[
                    ("id", f("id")),
                    ("charge", f("reference_transaction_id")),
                    ("amount", f("amount")),
                    ("currency", f("currency_code")),
                    ("status", if f("status") == "success" { "succeeded".to_string() } else { f("status") }),
                ])),
            )),
            _ => {}
        }
    }
    Some(out)
}

/// Shopify's orders as the Admin API lists them (`GET /admin/api/{version}/orders.json?status=any`:
/// `{"orders": [{id, name, email, financial_status, currency, total_price, created_at,
/// processed_at, customer: {id}, refunds: [{id, note, created_at, transactions: [{id, kind,
/// status, amount, currency}]}]}]}` — shopify.dev/docs/api/admin-rest/latest/resources/order
/// and …/refund). Paid orders (`paid`, `partially_refunded`, `refunded`) are charges under
/// their order id and the account `shopify-<customer id>`; each `refund` transaction with
/// status `success` is a paid refund (its id is what paydesk records), our key from the note.
pub(super) fn shopify_orders(text: &str, refunds: bool) -> Option<Rows> {
    let v: Value = serde_json::from_str(text.trim_start_matches('\u{feff}').trim_start()).ok()?;
    let orders = v.get("orders")?.as_array()?;
    let is_order = |o: &Value| {
        o.get("id").is_some_and(Value::is_u64) && o.get("financial_status").is_some() && o.get("total_price").is_some()
    };
    if orders.is_empty() || !orders.iter().all(is_order) {
        return None;
    }
    let mut out = Vec::new();
    for (i, o) in orders.iter().enumerate() {
        let line = i + 1;
        if !refunds {
            let customer = o.get("customer").map(|c| str_of(c, "id")).unwrap_or_default();
            let fin = str_of(o, "financial_status");
            let paid = matches!(fin.as_str(), "paid" | "partially_refunded" | "refunded");
            let made = if customer.is_empty() {
                Err(format!(
                    "order {} has no customer (a guest checkout): no account to import it under",
                    str_of(o, "name")
                )
                .into())
            } else {
                let at = [str_of(o, "processed_at"), str_of(o, "created_at")]
                    .into_iter()
                    .find(|s| !s.is_empty())
                    .unwrap_or_default();
                Ok(row(&[
                    ("id", str_of(o, "id")),
                    ("amount", str_of(o, "total_price")),
                    ("currency", str_of(o, "currency")),
                    ("created", at),
                    ("customer", format!("shopify-{customer}")),
                    ("description", format!("Shopify order {}", str_of(o, "name"))),
                    ("provider", "shopify".to_string()),
                    ("status", if paid { "paid".to_string() } else { fin }),
                ]))
            };
            out.push((line, made));
            continue;
        }
        for r in o.get("refunds").and_then(Value::as_array).into_iter().flatten() {
            let key = key_in_note(&str_of(r, "note"));
            for t in r
                .get("transactions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|t| str_of(t, "kind") == "refund")
            {
                out.push((
                    line,
                    Ok(row(&[
                        ("id", str_of(t, "id")),
                        ("charge", str_of(o, "id")),
                        ("amount", str_of(t, "amount")),
                        (
                            "currency",
                            [str_of(t, "currency"), str_of(o, "currency")]
                                .into_iter()
                                .find(|c| !c.is_empty())
                                .unwrap_or_default(),
                        ),
                        (
                            "status",
                            if str_of(t, "status") == "success" {
                                "succeeded".to_string()
                            } else {
                                str_of(t, "status")
                            },
                        ),
                        ("idempotency_key", key.clone().unwrap_or_default()),
                    ])),
                ));
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use crate::app::reconcile::{iso_exponent, parse_charges_in, parse_refunds_in};

    #[test]
    fn chargebee_transactions_csv() {
        let csv = "transactions.id,transactions.customer_id,transactions.type,transactions.status,transactions.amount,transactions.currency_code,transactions.date,transactions.reference_transaction_id\n\
                   txn_pay1,AzZ1,payment,success,49.00,EUR,2026-04-01 10:00:00,\n\
                   txn_pay2,AzZ1,payment,failure,9.00,EUR,2026-04-01 10:00:00,\n\
                   txn_pay3,,payment,success,9.00,EUR,2026-04-01 10:00:00,\n\
                   txn_r1,AzZ1,refund,success,10.00,EUR,2026-04-01 11:00:00,txn_pay1\n\
                   txn_r2,AzZ1,refund,in_progress,5.00,EUR,2026-04-01 11:00:00,txn_pay1\n\
                   txn_r3,AzZ1,refund,success\n";
        let p = parse_charges_in(csv, "chargebee", &iso_exponent);
        assert_eq!(p.charges.len(), 1);
        assert_eq!(
            (p.charges[0].id.to_string(), p.charges[0].account.to_string()),
            ("txn_pay1".into(), "cb-AzZ1".into())
        );
        assert_eq!(p.unpaid.iter().map(|u| u.line).collect::<Vec<_>>(), [3], "the failed payment is skipped");
        assert_eq!(p.bad.iter().map(|b| b.line).collect::<Vec<_>>(), [4, 7], "{:?}", p.bad);
        let (refunds, bad) = parse_refunds_in(csv, "chargebee", &iso_exponent);
        assert_eq!(refunds.len(), 1, "only successful refunds count");
        assert_eq!((refunds[0].provider_ref.as_str(), refunds[0].charge.as_deref()), ("txn_r1", Some("txn_pay1")));
        assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), [7]);
        // Elsewhere the same text is read generically.
        assert!(parse_charges_in(csv, "stripe", &iso_exponent).charges.is_empty());
    }

    #[test]
    fn shopify_orders_listing() {
        let json = r##"{"orders":[
          {"id":1,"name":"#1001","financial_status":"partially_refunded","currency":"USD","total_price":"49.00","created_at":"2026-04-01T06:00:00-04:00",
           "customer":{"id":7},"refunds":[{"id":5,"note":"Refund from our support team (RF-000001) [pd_abc]","transactions":[
             {"id":11,"kind":"refund","status":"success","amount":"10.00","currency":"USD"},{"id":12,"kind":"refund","status":"failure","amount":"1.00"}]}]},
          {"id":2,"name":"#1002","financial_status":"pending","currency":"USD","total_price":"5.00","created_at":"2026-04-01T06:00:00Z","customer":{"id":7},"refunds":[]},
          {"id":3,"name":"#1003","financial_status":"paid","currency":"USD","total_price":"5.00","created_at":"2026-04-01T06:00:00Z","customer":null,"refunds":[]}]}"##;
        let p = parse_charges_in(json, "shopify", &iso_exponent);
        assert_eq!(p.charges.len(), 1);
        assert_eq!(p.charges[0].account.to_string(), "shopify-7");
        assert_eq!(p.charges[0].at.to_rfc3339(), "2026-04-01T10:00:00+00:00");
        assert_eq!((p.unpaid.len(), p.bad.len()), (1, 1), "{:?}", p.bad);
        assert!(p.bad[0].message.contains("guest"));
        let (refunds, bad) = parse_refunds_in(json, "shopify", &iso_exponent);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(refunds.len(), 1);
        assert_eq!((refunds[0].provider_ref.as_str(), refunds[0].idempotency_key.as_deref()), ("11", Some("pd_abc")));
    }
}
