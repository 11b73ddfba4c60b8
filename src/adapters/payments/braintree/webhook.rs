//! Braintree webhooks: the `bt_signature` check and the events of a `bt_payload` (base64
//! XML): pure functions of the delivery, fuzzed by `fuzz/`.

use crate::adapters::payments::webhook::{dispute, same, ProviderEvent, Rejected};
use crate::app::engine::RefundUpdate;
use base64::Engine as _;
use hmac::{Hmac, Mac};

/// Braintree: `bt_signature` is one or more `public_key|hexdigest` pairs joined by `&`;
/// the digest is HMAC-SHA1 of `bt_payload`, keyed with the SHA-1 of the private key.
pub fn verify(signature: &str, payload: &str, public_key: &str, private_key: &str) -> Result<(), Rejected> {
    use sha1::{Digest, Sha1};
    if signature.is_empty() || payload.is_empty() {
        return Err(Rejected::Malformed);
    }
    let key = Sha1::digest(private_key.as_bytes());
    let digest = |p: &str| -> Result<String, Rejected> {
        let mut mac = Hmac::<Sha1>::new_from_slice(&key).map_err(|_| Rejected::Malformed)?;
        mac.update(p.as_bytes());
        Ok(hex::encode(mac.finalize().into_bytes()))
    };
    // The official SDKs accept the digest of the payload as delivered and of the payload
    // with one trailing newline (WebhookNotificationGateway in braintree_python/ruby).
    let want = [digest(payload)?, digest(&format!("{}\n", payload.trim_end()))?];
    let ok = signature
        .split('&')
        .filter_map(|pair| pair.split_once('|'))
        .any(|(pk, sig)| pk == public_key && want.iter().any(|w| same(sig.trim().as_bytes(), w.as_bytes())));
    if ok {
        Ok(())
    } else {
        Err(Rejected::Forged)
    }
}

/// The text of the first `<tag>…</tag>` in `xml` (Braintree payloads are small and flat
/// enough that the elements read here are unambiguous).
fn xml_text<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}");
    let start = xml.find(&open)?;
    let after = &xml[start + open.len()..];
    let gt = after.find('>')?;
    if after[..gt].ends_with('/') {
        return None;
    }
    let body = &after[gt + 1..];
    let end = body.find(&format!("</{tag}>"))?;
    Some(body[..end].trim())
}

/// The `<timestamp>` of a Braintree notification payload (base64 XML).
pub fn timestamp(payload_b64: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let cleaned: String = payload_b64.chars().filter(|c| !c.is_whitespace()).collect();
    let xml = String::from_utf8(base64::engine::general_purpose::STANDARD.decode(cleaned).ok()?).ok()?;
    let raw = xml_text(&xml, "timestamp")?;
    chrono::DateTime::parse_from_rfc3339(raw).ok().map(|t| t.with_timezone(&chrono::Utc))
}

/// Braintree's GraphQL id of a transaction (refunds are transactions) from its legacy id.
pub fn graphql_id(legacy_id: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("transaction_{legacy_id}"))
}

/// Braintree: `transaction_settled` / `transaction_settlement_declined` for refund
/// transactions, and `dispute_opened`. Braintree has no event id: (kind, subject,
/// timestamp) is the stable id of this state.
pub fn events(payload_b64: &str) -> Result<Vec<ProviderEvent>, Rejected> {
    let cleaned: String = payload_b64.chars().filter(|c| !c.is_whitespace()).collect();
    let xml = base64::engine::general_purpose::STANDARD.decode(cleaned).map_err(|_| Rejected::BadBody)?;
    let xml = String::from_utf8(xml).map_err(|_| Rejected::BadBody)?;
    let kind = xml_text(&xml, "kind").ok_or(Rejected::BadBody)?;
    let stamp = xml_text(&xml, "timestamp").unwrap_or("");
    Ok(match kind {
        "transaction_settled" | "transaction_settlement_declined" => {
            let Some(tx) = xml.find("<transaction").map(|i| &xml[i..]) else { return Err(Rejected::BadBody) };
            let id = xml_text(tx, "id").ok_or(Rejected::BadBody)?;
            let status = xml_text(tx, "status").unwrap_or(if kind == "transaction_settled" {
                "settled"
            } else {
                "settlement_declined"
            });
            vec![ProviderEvent::Refund(RefundUpdate {
                provider: "braintree".into(),
                event_id: format!("{kind}:{id}:{stamp}"),
                // The refund's legacy id: what the bot keeps as its reference.
                provider_ref: id.to_string(),
                idempotency_key: None,
                status: super::map_status(&status.to_ascii_uppercase()),
            })]
        }
        "dispute_opened" => {
            let Some(tx) = xml.find("<transaction").map(|i| &xml[i..]) else { return Err(Rejected::BadBody) };
            let charge = xml_text(tx, "id").ok_or(Rejected::BadBody)?;
            let dispute_id = xml_text(&xml, "id").unwrap_or(charge);
            // Webhooks name the transaction by its legacy id; charges may be stored in
            // either form (exports carry legacy ids, the GraphQL API global ids).
            vec![dispute(format!("{kind}:{dispute_id}:{stamp}"), &[charge, &graphql_id(charge)])]
        }
        _ => vec![],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::ports::ProviderStatus;

    #[test]
    fn braintree_signature_and_events() {
        use sha1::{Digest, Sha1};
        let xml = "<notification><kind>transaction_settled</kind><timestamp type=\"datetime\">2026-05-02T10:00:00Z</timestamp>\
                   <subject><transaction><id>abc123</id><status>settled</status><type>credit</type></transaction></subject></notification>";
        let payload = base64::engine::general_purpose::STANDARD.encode(xml);
        // The documented scheme, computed independently: HMAC-SHA1 keyed by SHA-1(private key).
        let key = Sha1::digest(b"priv-key");
        let mut mac = Hmac::<Sha1>::new_from_slice(&key).unwrap();
        mac.update(payload.as_bytes());
        let good = hex::encode(mac.finalize().into_bytes());
        assert_eq!(verify(&format!("pub-key|{good}"), &payload, "pub-key", "priv-key"), Ok(()));
        assert_eq!(verify(&format!("other|zz&pub-key|{good}"), &payload, "pub-key", "priv-key"), Ok(()));
        assert_eq!(verify(&format!("pub-key|{good}"), &payload, "pub-key", "wrong"), Err(Rejected::Forged));
        assert_eq!(verify(&format!("intruder|{good}"), &payload, "pub-key", "priv-key"), Err(Rejected::Forged));
        let tampered = base64::engine::general_purpose::STANDARD.encode(xml.replace("abc123", "abc124"));
        assert_eq!(verify(&format!("pub-key|{good}"), &tampered, "pub-key", "priv-key"), Err(Rejected::Forged));
        assert_eq!(verify("", &payload, "pub-key", "priv-key"), Err(Rejected::Malformed));
        let ev = events(&payload).unwrap();
        let ProviderEvent::Refund(u) = &ev[0] else { panic!("{ev:?}") };
        assert_eq!(u.provider_ref, "abc123", "the refund's legacy id");
        assert_eq!(u.status, ProviderStatus::Succeeded);
        let declined = base64::engine::general_purpose::STANDARD.encode(
            xml.replace("transaction_settled", "transaction_settlement_declined")
                .replace(">settled<", ">settlement_declined<"),
        );
        let ProviderEvent::Refund(u) = &events(&declined).unwrap()[0] else { panic!() };
        assert!(matches!(u.status, ProviderStatus::Failed(_)));
        let dispute = "<notification><kind>dispute_opened</kind><timestamp>t</timestamp><subject><dispute><id>dp_1</id><transaction><id>tx_9</id></transaction></dispute></subject></notification>";
        let ev = events(&base64::engine::general_purpose::STANDARD.encode(dispute)).unwrap();
        assert_eq!(
            ev,
            vec![ProviderEvent::Dispute {
                event_id: "dispute_opened:dp_1:t".into(),
                charges: vec!["tx_9".into(), graphql_id("tx_9")]
            }]
        );
        assert_eq!(events("not base64!"), Err(Rejected::BadBody));
    }
}
