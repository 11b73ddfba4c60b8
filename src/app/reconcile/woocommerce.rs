//! WooCommerce's own export (the REST API's orders), rewritten as generic rows.

use super::rows::str_of;
use super::{Row, Rows};
use serde_json::Value;

/// WooCommerce's own export: the orders as `GET /wp-json/wc/v3/orders` lists them (a JSON
/// array of order objects: `id` and `customer_id` integers, `total` a decimal string,
/// `currency`, `status`, `date_paid_gmt`/`date_created_gmt` without a zone (GMT),
/// `refunds: [{id, reason, total}]` with negative totals —
/// developer.woocommerce.com/docs/apis/rest-api/v3/orders/), rewritten as the generic
/// rows. `None`: not that format (the generic reader takes it).
pub(super) fn orders(text: &str) -> Option<Vec<Value>> {
    let v: Value = serde_json::from_str(text.trim_start_matches('\u{feff}').trim_start()).ok()?;
    let orders = v.as_array()?;
    let is_order = |o: &Value| {
        o.get("id").is_some_and(Value::is_u64)
            && o.get("total").is_some_and(Value::is_string)
            && o.get("order_key").is_some()
    };
    if orders.is_empty() || !orders.iter().all(is_order) {
        return None;
    }
    Some(orders.clone())
}

/// A WooCommerce time (`2017-03-22T16:28:08`, GMT) in RFC 3339.
fn gmt(raw: &str) -> String {
    if raw.is_empty() || raw.ends_with('Z') || raw.contains('+') {
        raw.to_string()
    } else {
        format!("{raw}Z")
    }
}

/// Charges from WooCommerce orders: a paid order ("processing", "completed", or since
/// refunded) is a charge under its order number, an unpaid one is skipped; a guest order
/// (`customer_id` 0) has no account to keep it under and is refused with that reason.
pub(super) fn charge_rows(orders: &[Value]) -> Rows {
    orders
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let status = str_of(o, "status");
            let customer = str_of(o, "customer_id");
            // Paid orders are "processing", "completed" or since "refunded"; the others
            // ("pending", "on-hold", "failed", "cancelled", …) keep their status and are
            // skipped and counted like any unpaid row.
            let paid = matches!(status.as_str(), "processing" | "completed" | "refunded");
            let row = if customer.is_empty() || customer == "0" {
                Err(format!(
                    "order {} is a guest order (customer_id 0): no customer account to import it under",
                    str_of(o, "id")
                )
                .into())
            } else {
                let created = [str_of(o, "date_paid_gmt"), str_of(o, "date_created_gmt")]
                    .into_iter()
                    .find(|s| !s.is_empty())
                    .unwrap_or_default();
                Ok([
                    ("id", str_of(o, "id")),
                    ("amount", str_of(o, "total")),
                    ("currency", str_of(o, "currency")),
                    ("created", gmt(&created)),
                    ("customer", format!("wc-{customer}")),
                    ("description", format!("WooCommerce order #{}", str_of(o, "number"))),
                    ("provider", "woocommerce".to_string()),
                    ("status", if paid { "paid".to_string() } else { status.clone() }),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect())
            };
            (i + 1, row)
        })
        .collect()
}

/// Refunds from WooCommerce orders: every entry of each order's `refunds` (its `total` is
/// negative), in the order's currency, with the order as the charge.
pub(super) fn refund_rows(orders: &[Value]) -> Rows {
    let mut out = Vec::new();
    for (i, o) in orders.iter().enumerate() {
        for r in o.get("refunds").and_then(Value::as_array).into_iter().flatten() {
            let row: Row = [
                ("id", str_of(r, "id")),
                ("charge", str_of(o, "id")),
                ("amount", str_of(r, "total").trim_start_matches('-').to_string()),
                ("currency", str_of(o, "currency")),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            out.push((i + 1, Ok(row)));
        }
    }
    out
}
