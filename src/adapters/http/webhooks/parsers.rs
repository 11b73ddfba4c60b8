//! Each provider's webhook signature check and event parser: pure functions of the
//! delivery's bytes (and a key, a time), fuzzed by `fuzz/`.

use super::*;

/// Stripe: `t=…,v1=…[,v1=…]`; valid when some v1 is the hex HMAC-SHA256 of
/// `"{t}.{body}"` and `t` is within `tolerance` seconds of `now`.
pub fn verify_stripe(header: &str, body: &[u8], secret: &str, now: i64, tolerance: i64) -> Result<(), Rejected> {
    let mut t = None;
    let mut sigs = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => sigs.push(v.to_string()),
            _ => {}
        }
    }
    let t = t.ok_or(Rejected::Malformed)?;
    if sigs.is_empty() {
        return Err(Rejected::Malformed);
    }
    let expected = hmac_sha256(secret.as_bytes(), &[t.to_string().as_bytes(), b".", body]);
    if !sigs.iter().any(|v| hex::decode(v).is_ok_and(|v| same(&v, &expected))) {
        return Err(Rejected::Forged);
    }
    // In i128: a `t` anywhere in i64 is merely stale, never an overflow.
    if (i128::from(now) - i128::from(t)).abs() > i128::from(tolerance) {
        return Err(Rejected::Stale);
    }
    Ok(())
}

/// Square: base64 HMAC-SHA256 over the notification URL followed by the raw body.
pub fn verify_square(signature: &str, url: &str, body: &[u8], key: &str) -> Result<(), Rejected> {
    let given = base64::engine::general_purpose::STANDARD.decode(signature.trim()).map_err(|_| Rejected::Malformed)?;
    if same(&given, &hmac_sha256(key.as_bytes(), &[url.as_bytes(), body])) {
        Ok(())
    } else {
        Err(Rejected::Forged)
    }
}

/// Stripe events: refund objects (`refund.*`, `charge.refund.updated`) and disputes.
pub fn stripe_events(body: &[u8]) -> Result<Vec<ProviderEvent>, Rejected> {
    let v: Value = serde_json::from_slice(body).map_err(|_| Rejected::BadBody)?;
    let id = str_field(&v, "id").to_string();
    let typ = str_field(&v, "type");
    let obj = v.get("data").and_then(|d| d.get("object")).cloned().unwrap_or(Value::Null);
    if id.is_empty() {
        return Err(Rejected::BadBody);
    }
    Ok(match (typ, str_field(&obj, "object")) {
        (_, "refund") => vec![ProviderEvent::Refund(RefundUpdate {
            provider: "stripe".into(),
            event_id: id,
            provider_ref: str_field(&obj, "id").to_string(),
            idempotency_key: obj
                .get("metadata")
                .map(|m| str_field(m, "idempotency_key").to_string())
                .filter(|k| !k.is_empty()),
            status: stripe::map_status(str_field(&obj, "status"), str_field(&obj, "failure_reason")),
        })],
        // Checkout Sessions (docs.stripe.com/checkout/fulfillment: fulfil on
        // `checkout.session.completed` when `payment_status` is `paid`, and on
        // `checkout.session.async_payment_succeeded` for delayed methods;
        // `checkout.session.async_payment_failed` and `checkout.session.expired` end it unpaid).
        (t, "checkout.session") if t.starts_with("checkout.session.") => {
            let state = match t {
                "checkout.session.async_payment_failed" => {
                    crate::app::ports::PurchaseState::Failed("Stripe reports the payment failed".into())
                }
                "checkout.session.expired" => crate::app::ports::PurchaseState::Expired,
                _ => stripe::session_state(&obj),
            };
            vec![ProviderEvent::Purchase(PurchaseUpdate {
                provider: "stripe".into(),
                event_id: id,
                provider_ref: str_field(&obj, "id").to_string(),
                reference: Some(str_field(&obj, "client_reference_id").to_string()).filter(|r| !r.is_empty()),
                state,
            })]
        }
        // A credit purchase's PaymentIntent (its `metadata.purchase` is ours: set through
        // Checkout's `payment_intent_data.metadata`, or by an auto-recharge): paid, with the
        // payment method saved for off-session use; a failed off-session charge
        // (`payment_intent.payment_failed`) ends the recharge unpaid
        // (docs.stripe.com/api/events/types).
        ("payment_intent.succeeded" | "payment_intent.payment_failed", "payment_intent")
            if crate::app::ports::purchase_id(obj.get("metadata").map(|m| str_field(m, "purchase")).unwrap_or(""))
                .is_some() =>
        {
            let state = match stripe::intent_state(&obj) {
                // Only an auto-recharge's failure is final: on a Checkout page the customer
                // may try another card.
                crate::app::ports::PurchaseState::Open
                    if typ == "payment_intent.payment_failed"
                        && obj.get("metadata").map(|m| str_field(m, "kind")) == Some(stripe::RECHARGE_KIND) =>
                {
                    crate::app::ports::PurchaseState::Failed("Stripe reports the payment failed".into())
                }
                s => s,
            };
            vec![ProviderEvent::Purchase(PurchaseUpdate {
                provider: "stripe".into(),
                event_id: id,
                provider_ref: String::new(),
                reference: obj.get("metadata").map(|m| str_field(m, "purchase").to_string()),
                state,
            })]
        }
        // The dispute object carries `charge` (ch_…) and `payment_intent` (pi_…)
        // (docs.stripe.com/api/disputes/object); a charge may be stored under either.
        ("charge.dispute.created", "dispute") => {
            vec![dispute(id, &[str_field(&obj, "charge"), str_field(&obj, "payment_intent")])]
        }
        _ => vec![],
    })
}

/// Adyen: every item must carry a valid HMAC; REFUND (success true/false),
/// REFUND_FAILED and chargebacks are read.
pub fn adyen_events(body: &[u8], hex_key: &str) -> Result<Vec<ProviderEvent>, Rejected> {
    let v: Value = serde_json::from_slice(body).map_err(|_| Rejected::BadBody)?;
    let items = v.get("notificationItems").and_then(Value::as_array).ok_or(Rejected::BadBody)?;
    let mut out = Vec::new();
    for wrapper in items {
        let item = wrapper.get("NotificationRequestItem").ok_or(Rejected::BadBody)?;
        let given = item.get("additionalData").map(|a| str_field(a, "hmacSignature")).unwrap_or("");
        if given.is_empty() {
            return Err(Rejected::Malformed);
        }
        let expected = adyen::notification_hmac(item, hex_key).ok_or(Rejected::Malformed)?;
        if !same(given.as_bytes(), expected.as_bytes()) {
            return Err(Rejected::Forged);
        }
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
                out.push(ProviderEvent::Purchase(PurchaseUpdate {
                    provider: "adyen".into(),
                    event_id: event_id.clone(),
                    provider_ref: item
                        .get("additionalData")
                        .map(|a| str_field(a, "paymentLinkId").to_string())
                        .unwrap_or_default(),
                    reference: Some(str_field(item, "merchantReference").to_string()),
                    // `amount`: {value in Adyen's minor units for the currency, currency}.
                    state: crate::app::ports::PurchaseState::Paid {
                        payment_ref: psp.clone(),
                        taken: item.get("amount").and_then(|a| {
                            crate::adapters::payments::api::taken_units(
                                ProviderKind::Adyen,
                                a.get("value").and_then(Value::as_i64),
                                str_field(a, "currency"),
                            )
                        }),
                        saved: None,
                    },
                }))
            }
            "REFUND" if success => out.push(refund(crate::app::ports::ProviderStatus::Succeeded)),
            "REFUND" | "REFUND_FAILED" => out.push(refund(failed())),
            // The refund was paid and then came back (docs.adyen.com/online-payments/refund
            // "REFUNDED_REVERSED": the funds were returned to your account).
            "REFUNDED_REVERSED" => out.push(refund(crate::app::ports::ProviderStatus::Failed(format!(
                "Adyen reports the refund was returned after it was paid{}",
                if reason.is_empty() { String::new() } else { format!(" ({reason})") }
            )))),
            "CHARGEBACK" | "NOTIFICATION_OF_CHARGEBACK" | "SECOND_CHARGEBACK" => {
                out.push(dispute(event_id, &[str_field(item, "originalReference")]))
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Square: `refund.created`/`refund.updated`, `payment.created`/`payment.updated` (credit
/// purchases) and `dispute.created`.
pub fn square_events(body: &[u8]) -> Result<Vec<ProviderEvent>, Rejected> {
    let v: Value = serde_json::from_slice(body).map_err(|_| Rejected::BadBody)?;
    let id = str_field(&v, "event_id").to_string();
    if id.is_empty() {
        return Err(Rejected::BadBody);
    }
    let obj = v.get("data").and_then(|d| d.get("object")).cloned().unwrap_or(Value::Null);
    let typ = str_field(&v, "type");
    Ok(if let Some(r) = obj.get("refund").filter(|_| typ.starts_with("refund.")) {
        vec![ProviderEvent::Refund(RefundUpdate {
            provider: "square".into(),
            event_id: id,
            provider_ref: str_field(r, "id").to_string(),
            idempotency_key: None,
            status: square::map_status(str_field(r, "status")),
        })]
    } else if let Some(p) = obj.get("payment").filter(|_| typ == "payment.updated" || typ == "payment.created") {
        // A payment of a credit purchase's payment link: known by its `order_id` (the
        // link's order); the engine finds no purchase for other payments and records nothing.
        vec![ProviderEvent::Purchase(PurchaseUpdate {
            provider: "square".into(),
            event_id: id,
            provider_ref: str_field(p, "order_id").to_string(),
            reference: None,
            state: square::payment_state(p),
        })]
    } else if let Some(d) = obj.get("dispute").filter(|_| typ == "dispute.created") {
        let payment = d
            .get("disputed_payment")
            .map(|p| str_field(p, "payment_id"))
            .filter(|p| !p.is_empty())
            .unwrap_or(str_field(d, "payment_id"));
        vec![dispute(id, &[payment])]
    } else {
        vec![]
    })
}

/// PayPal: refund resources (`PAYMENT.CAPTURE.REFUNDED`, …), credit purchases' orders
/// (`CHECKOUT.ORDER.APPROVED`) and captures (`PAYMENT.CAPTURE.COMPLETED`/`DENIED`/`PENDING`),
/// and `CUSTOMER.DISPUTE.CREATED`.
pub fn paypal_events(v: &Value) -> Result<Vec<ProviderEvent>, Rejected> {
    let id = str_field(v, "id").to_string();
    if id.is_empty() {
        return Err(Rejected::BadBody);
    }
    let r = v.get("resource").cloned().unwrap_or(Value::Null);
    let typ = str_field(v, "event_type");
    Ok(
        if str_field(v, "resource_type") == "refund"
            || typ.starts_with("PAYMENT.REFUND")
            || typ == "PAYMENT.CAPTURE.REFUNDED"
        {
            vec![ProviderEvent::Refund(RefundUpdate {
                provider: "paypal".into(),
                event_id: id,
                provider_ref: str_field(&r, "id").to_string(),
                idempotency_key: Some(str_field(&r, "custom_id").to_string()).filter(|k| !k.is_empty()),
                status: paypal::map_status(str_field(&r, "status"), ""),
            })]
        } else if typ == "CHECKOUT.ORDER.APPROVED" || typ == "CHECKOUT.ORDER.COMPLETED" {
            // The order resource (`order` of checkout_orders_v2.json): approved by the payer,
            // to be captured by us; its first purchase unit carries our reference.
            let unit = r.get("purchase_units").and_then(|u| u.get(0)).cloned().unwrap_or(Value::Null);
            let reference = [str_field(&unit, "custom_id"), str_field(&unit, "reference_id")]
                .into_iter()
                .find(|x| !x.is_empty())
                .map(str::to_string);
            vec![ProviderEvent::Purchase(PurchaseUpdate {
                provider: "paypal".into(),
                event_id: id,
                provider_ref: str_field(&r, "id").to_string(),
                reference,
                state: paypal::order_state(&r),
            })]
        } else if matches!(
            typ,
            "PAYMENT.CAPTURE.COMPLETED"
                | "PAYMENT.CAPTURE.DENIED"
                | "PAYMENT.CAPTURE.DECLINED"
                | "PAYMENT.CAPTURE.PENDING"
        ) {
            // The capture resource (`capture`): `custom_id` is the purchase unit's (our
            // reference) and `supplementary_data.related_ids.order_id` the order.
            let order = r
                .get("supplementary_data")
                .and_then(|d| d.get("related_ids"))
                .map(|i| str_field(i, "order_id"))
                .unwrap_or("");
            vec![ProviderEvent::Purchase(PurchaseUpdate {
                provider: "paypal".into(),
                event_id: id,
                provider_ref: order.to_string(),
                reference: Some(str_field(&r, "custom_id").to_string()).filter(|c| !c.is_empty()),
                state: paypal::capture_state(&r),
            })]
        } else if typ == "CUSTOMER.DISPUTE.CREATED" {
            r.get("disputed_transactions")
                .and_then(Value::as_array)
                .map(|txs| {
                    txs.iter()
                        .map(|t| {
                            dispute(
                                format!("{id}:{}", str_field(t, "seller_transaction_id")),
                                &[str_field(t, "seller_transaction_id")],
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        } else {
            vec![]
        },
    )
}

/// Mollie: the payment as fetched, with its refunds and chargebacks embedded. Each
/// refund's state is one event (`re_…:status`), each chargeback one dispute.
pub fn mollie_events(payment: &Value) -> Vec<ProviderEvent> {
    let tr = str_field(payment, "id").to_string();
    let mut out = Vec::new();
    let embedded = payment.get("_embedded").cloned().unwrap_or(Value::Null);
    // An item without an id has no key to be deduplicated by: it is not an event.
    for r in embedded
        .get("refunds")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|r| !str_field(r, "id").is_empty())
    {
        let (id, status) = (str_field(r, "id"), str_field(r, "status"));
        out.push(ProviderEvent::Refund(RefundUpdate {
            provider: "mollie".into(),
            event_id: format!("{id}:{status}"),
            provider_ref: id.to_string(),
            idempotency_key: r
                .get("metadata")
                .map(|m| str_field(m, "idempotency_key").to_string())
                .filter(|k| !k.is_empty()),
            status: mollie::map_status(status),
        }));
    }
    for c in embedded
        .get("chargebacks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|c| !str_field(c, "id").is_empty())
    {
        out.push(dispute(str_field(c, "id").to_string(), &[&tr]));
    }
    // The payment itself, when it is final: a credit purchase's outcome (the engine
    // finds none for other payments and records nothing). One event per state.
    let state = mollie::payment_state(payment);
    if state != crate::app::ports::PurchaseState::Open {
        out.push(ProviderEvent::Purchase(PurchaseUpdate {
            provider: "mollie".into(),
            event_id: format!("{tr}:{}", str_field(payment, "status")),
            provider_ref: tr.clone(),
            reference: mollie::payment_reference(payment),
            state,
        }));
    }
    out
}

/// Braintree: `bt_signature` is one or more `public_key|hexdigest` pairs joined by `&`;
/// the digest is HMAC-SHA1 of `bt_payload`, keyed with the SHA-1 of the private key.
pub fn verify_braintree(signature: &str, payload: &str, public_key: &str, private_key: &str) -> Result<(), Rejected> {
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
pub(super) fn xml_text<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
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
pub fn braintree_timestamp(payload_b64: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let cleaned: String = payload_b64.chars().filter(|c| !c.is_whitespace()).collect();
    let xml = String::from_utf8(base64::engine::general_purpose::STANDARD.decode(cleaned).ok()?).ok()?;
    let raw = xml_text(&xml, "timestamp")?;
    chrono::DateTime::parse_from_rfc3339(raw).ok().map(|t| t.with_timezone(&chrono::Utc))
}

/// Braintree's GraphQL id of a transaction (refunds are transactions) from its legacy id.
pub fn braintree_graphql_id(legacy_id: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("transaction_{legacy_id}"))
}

/// Braintree: `transaction_settled` / `transaction_settlement_declined` for refund
/// transactions, and `dispute_opened`. Braintree has no event id: (kind, subject,
/// timestamp) is the stable id of this state.
pub fn braintree_events(payload_b64: &str) -> Result<Vec<ProviderEvent>, Rejected> {
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
                status: braintree::map_status(&status.to_ascii_uppercase()),
            })]
        }
        "dispute_opened" => {
            let Some(tx) = xml.find("<transaction").map(|i| &xml[i..]) else { return Err(Rejected::BadBody) };
            let charge = xml_text(tx, "id").ok_or(Rejected::BadBody)?;
            let dispute_id = xml_text(&xml, "id").unwrap_or(charge);
            // Webhooks name the transaction by its legacy id; charges may be stored in
            // either form (exports carry legacy ids, the GraphQL API global ids).
            vec![dispute(format!("{kind}:{dispute_id}:{stamp}"), &[charge, &braintree_graphql_id(charge)])]
        }
        _ => vec![],
    })
}

/// The body of `POST /v1/notifications/verify-webhook-signature` with the delivery's
/// bytes spliced in as `webhook_event`, untouched: PayPal checks the signature over the
/// exact original JSON, so a parsed and re-serialised event (keys reordered, numbers
/// rewritten) never verifies (PayPal-Python-SDK issue 196, PayPal-NET-SDK issue 353).
/// `raw` must be one JSON object (the caller parsed it), so the result is valid JSON.
pub fn paypal_verification_body(fields: &[(&str, &str)], raw: &[u8]) -> Vec<u8> {
    let mut out = b"{".to_vec();
    for (k, v) in fields {
        out.extend_from_slice(serde_json::to_string(k).unwrap_or_default().as_bytes());
        out.push(b':');
        out.extend_from_slice(serde_json::to_string(v).unwrap_or_default().as_bytes());
        out.push(b',');
    }
    out.extend_from_slice(b"\"webhook_event\":");
    out.extend_from_slice(raw);
    out.push(b'}');
    out
}

/// WooCommerce: `X-WC-Webhook-Signature` is the base64 HMAC-SHA256 of the raw body keyed
/// with the webhook's secret (WooCommerce `WC_Webhook::generate_signature`; the webhooks
/// reference: "secret: … used to generate a HMAC-SHA256 hash of the request body").
pub fn verify_woocommerce(signature: &str, body: &[u8], secret: &str) -> Result<(), Rejected> {
    let given = base64::engine::general_purpose::STANDARD.decode(signature.trim()).map_err(|_| Rejected::Malformed)?;
    if same(&given, &hmac_sha256(secret.as_bytes(), &[body])) {
        Ok(())
    } else {
        Err(Rejected::Forged)
    }
}

/// Signs a WooCommerce payload as WooCommerce does (for tests and local tooling).
pub fn woocommerce_signature(secret: &Secret, body: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(hmac_sha256(secret.expose().as_bytes(), &[body]))
}

/// When the order was last changed (`date_modified_gmt`, no zone: GMT), the only signed
/// time a WooCommerce delivery carries (its headers hold none).
pub fn woocommerce_modified(body: &[u8]) -> Option<chrono::DateTime<chrono::Utc>> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let raw = str_field(&v, "date_modified_gmt");
    chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S").ok().map(|t| t.and_utc())
}

/// WooCommerce `order.*` deliveries (topic in `X-WC-Webhook-Topic`): the order id and the
/// ids of its `refunds` (`[{id, reason, total}]`, developer.woocommerce.com/docs/apis/
/// rest-api/v3/orders/). Core WooCommerce has no refund or dispute topic, and the order's
/// refund entries carry neither our key nor whether the gateway refunded: each refund is
/// then read from the API (`woocommerce_event`). Other topics carry nothing for us.
pub fn woocommerce_refund_ids(topic: &str, body: &[u8]) -> Result<Option<(String, Vec<String>)>, Rejected> {
    let v: Value = serde_json::from_slice(body).map_err(|_| Rejected::BadBody)?;
    if !topic.starts_with("order.") {
        return Ok(None);
    }
    let order = match v.get("id") {
        Some(Value::Number(n)) if n.is_u64() => n.to_string(),
        _ => return Err(Rejected::BadBody),
    };
    let refunds = v.get("refunds").and_then(Value::as_array).cloned().unwrap_or_default();
    Ok(Some((
        order,
        refunds.iter().filter_map(|r| r.get("id").and_then(Value::as_u64)).map(|id| id.to_string()).collect(),
    )))
}

/// One refund as `GET /wp-json/wc/v3/orders/{order}/refunds/{id}` shows it: with our key
/// (its meta data) and its outcome. A refund exists only once made, so each is one event.
pub fn woocommerce_event(order: &str, refund: &Value) -> Result<ProviderEvent, Rejected> {
    let r = woocommerce::parse_object(refund).map_err(|_| Rejected::BadBody)?;
    Ok(ProviderEvent::Refund(RefundUpdate {
        provider: "woocommerce".into(),
        event_id: format!("order:{order}:refund:{}", r.provider_ref),
        provider_ref: r.provider_ref,
        idempotency_key: woocommerce::meta_key(refund).map(str::to_string),
        status: r.status,
    }))
}

/// Signs a Stripe payload as Stripe does (for tests and local tooling).
pub fn stripe_signature(secret: &Secret, t: i64, body: &[u8]) -> String {
    format!(
        "t={t},v1={}",
        hex::encode(hmac_sha256(secret.expose().as_bytes(), &[t.to_string().as_bytes(), b".", body]))
    )
}

/// Signs a Square payload as Square does (for tests and local tooling).
pub fn square_signature(key: &Secret, url: &str, body: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(hmac_sha256(key.expose().as_bytes(), &[url.as_bytes(), body]))
}
