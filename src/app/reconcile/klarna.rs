//! Klarna's own export (the Settlements API's transactions), rewritten as generic rows.

use super::rows::str_of;
use super::{Row, Rows};
use serde_json::Value;

/// Klarna's own export: the Settlements API's transactions (`{"transactions": [...]}` or
/// the bare array; `amount` in minor units, `type` SALE/RETURN/FEE/…, `currency_code`,
/// `order_id`, `refund_id`, `merchant_refund_reference`). Refunds are the `RETURN` rows
/// (their amounts are negative), our key being the refund's reference. Settlements name
/// no customer, so charges cannot be imported from them (each SALE row is refused so).
pub(super) fn transactions(text: &str) -> Option<Vec<Value>> {
    let v: Value = serde_json::from_str(text.trim_start_matches('\u{feff}').trim_start()).ok()?;
    let list = match &v {
        Value::Object(m) => m.get("transactions")?.as_array()?.clone(),
        Value::Array(a) => a.clone(),
        _ => return None,
    };
    let is_tx = |x: &Value| {
        x.get("type").is_some_and(Value::is_string) && x.get("currency_code").is_some() && x.get("order_id").is_some()
    };
    (!list.is_empty() && list.iter().all(is_tx)).then_some(list)
}

pub(super) fn rows(txs: &[Value], refunds: bool) -> Rows {
    let mut out = Vec::new();
    for (i, x) in txs.iter().enumerate() {
        let typ = str_of(x, "type");
        if refunds && typ == "RETURN" {
            let row: Row = [
                ("id", str_of(x, "refund_id")),
                ("charge", str_of(x, "order_id")),
                ("amount", format!("#minor:{}", str_of(x, "amount"))),
                ("currency", str_of(x, "currency_code")),
                ("idempotency_key", str_of(x, "merchant_refund_reference")),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            out.push((i + 1, Ok(row)));
        } else if !refunds && typ == "SALE" {
            out.push((
                i + 1,
                Err(format!(
                    "Klarna settlements name no customer: order {} cannot be imported from them",
                    str_of(x, "order_id")
                )
                .into()),
            ));
        }
    }
    out
}
