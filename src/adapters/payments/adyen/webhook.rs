//! Adyen webhooks: each notification item's `additionalData.hmacSignature` and the events the
//! items carry: a pure function of the delivery's bytes and the key, fuzzed by `fuzz/`.

use crate::adapters::payments::api::{str_field, ProviderKind};
use crate::adapters::payments::webhook::{dispute, same, ProviderEvent, Rejected};
use crate::app::engine::{PurchaseUpdate, RefundUpdate};
use serde_json::Value;

/// Adyen: every item must carry a valid HMAC; REFUND (success true/false),
/// REFUND_FAILED and chargebacks are read.
pub fn events(body: &[u8], hex_key: &str) -> Result<Vec<ProviderEvent>, Rejected> {
    let v: Value = serde_json::from_slice(body).map_err(|_| Rejected::BadBody)?;
    let items = v.get("notificationItems").and_then(Value::as_array).ok_or(Rejected::BadBody)?;
    let mut out = Vec::new();
    for wrapper in items {
        let item = wrapper.get("NotificationRequestItem").ok_or(Rejected::BadBody)?;
        verify_item(item, hex_key)?;
        out.extend(item_event(item));
    }
    Ok(out)
}

/// The item's `additionalData.hmacSignature` is the one `notification_hmac` computes.
fn verify_item(item: &Value, hex_key: &str) -> Result<(), Rejected> {
    let given = item.get("additionalData").map(|a| str_field(a, "hmacSignature")).unwrap_or("");
    if given.is_empty() {
        return Err(Rejected::Malformed);
    }
    let expected = super::notification_hmac(item, hex_key).ok_or(Rejected::Malformed)?;
    if !same(given.as_bytes(), expected.as_bytes()) {
        return Err(Rejected::Forged);
    }
    Ok(())
}

/// What one verified item says; `None` for the event codes not read here.
fn item_event(item: &Value) -> Option<ProviderEvent> {
    let code = str_field(item, "eventCode");
    let success = matches!(item.get("success"), Some(Value::String(x)) if x == "true")
        || item.get("success") == Some(&Value::Bool(true));
    let psp = str_field(item, "pspReference").to_string();
    let event_id = format!("{psp}:{code}:{success}");
    let refund = |status| {
        ProviderEvent::Refund(RefundUpdate {
            provider: "adyen".into(),
            event_id: event_id.clone(),
            provider_ref: psp.clone(),
            idempotency_key: Some(str_field(item, "merchantReference").to_string()).filter(|k| !k.is_empty()),
            status,
        })
    };
    let reason = str_field(item, "reason");
    let failed = || {
        crate::app::ports::ProviderStatus::Failed(format!(
            "Adyen reports the refund failed{}",
            if reason.is_empty() { String::new() } else { format!(" ({reason})") }
        ))
    };
    match code {
        // A payment link's payment (a credit purchase: `merchantReference` is our
        // purchase reference, `additionalData.paymentLinkId` the link). Only a
        // successful authorisation credits; a refused one leaves the link open for the
        // shopper to try again (a link "can be used for one successful payment").
        "AUTHORISATION"
            if success && crate::app::ports::purchase_id(str_field(item, "merchantReference")).is_some() =>
        {
            Some(paid_link(item, event_id.clone(), psp.clone()))
        }
        "REFUND" if success => Some(refund(crate::app::ports::ProviderStatus::Succeeded)),
        "REFUND" | "REFUND_FAILED" => Some(refund(failed())),
        // The refund was paid and then came back (docs.adyen.com/online-payments/refund
        // "REFUNDED_REVERSED": the funds were returned to your account).
        "REFUNDED_REVERSED" => Some(refund(crate::app::ports::ProviderStatus::Failed(format!(
            "Adyen reports the refund was returned after it was paid{}",
            if reason.is_empty() { String::new() } else { format!(" ({reason})") }
        )))),
        "CHARGEBACK" | "NOTIFICATION_OF_CHARGEBACK" | "SECOND_CHARGEBACK" => {
            Some(dispute(event_id, &[str_field(item, "originalReference")]))
        }
        _ => None,
    }
}

/// A payment link paid: the credit purchase `merchantReference` names, with what was taken.
fn paid_link(item: &Value, event_id: String, psp: String) -> ProviderEvent {
    ProviderEvent::Purchase(PurchaseUpdate {
        provider: "adyen".into(),
        event_id,
        provider_ref: item.get("additionalData").map(|a| str_field(a, "paymentLinkId").to_string()).unwrap_or_default(),
        reference: Some(str_field(item, "merchantReference").to_string()),
        // `amount`: {value in Adyen's minor units for the currency, currency}.
        state: crate::app::ports::PurchaseState::Paid {
            payment_ref: psp,
            taken: item.get("amount").and_then(|a| {
                crate::adapters::payments::api::taken_units(
                    ProviderKind::Adyen,
                    a.get("value").and_then(Value::as_i64),
                    str_field(a, "currency"),
                )
            }),
            saved: None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::ports::ProviderStatus;

    #[test]
    fn adyen_items_must_all_verify() {
        let key = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";
        let mut item = serde_json::json!({"pspReference":"ZC4R4RBFJGXXGN82","originalReference":"QFQTPCQ8HXSKGK82","merchantAccountCode":"PaydeskECOM",
            "merchantReference":"pd_x","amount":{"value":1000,"currency":"EUR"},"eventCode":"REFUND","success":"true","additionalData":{}});
        let sig = super::super::notification_hmac(&item, key).unwrap();
        item["additionalData"]["hmacSignature"] = Value::String(sig);
        let body = serde_json::to_vec(
            &serde_json::json!({"live":"false","notificationItems":[{"NotificationRequestItem": item.clone()}]}),
        )
        .unwrap();
        let ev = events(&body, key).unwrap();
        assert!(
            matches!(&ev[0], ProviderEvent::Refund(u) if u.status == ProviderStatus::Succeeded && u.idempotency_key.as_deref() == Some("pd_x"))
        );
        let mut forged = item.clone();
        forged["amount"]["value"] = Value::from(999_999);
        let body = serde_json::to_vec(&serde_json::json!({"notificationItems":[{"NotificationRequestItem": item}, {"NotificationRequestItem": forged}]}))
            .unwrap();
        assert_eq!(events(&body, key), Err(Rejected::Forged));
    }
}
