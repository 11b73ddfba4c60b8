//! The webhook routes' handlers: each verifies its delivery (through its provider's module), reads it
//! and hands its events to the engine.

use super::*;

pub(super) async fn apply(
    state: &WebhookState,
    provider: &str,
    events: Vec<ProviderEvent>,
) -> Result<Vec<WebhookOutcome>, Reply> {
    let now = state.clock.now();
    let mut out = Vec::new();
    for e in events {
        let r = match &e {
            ProviderEvent::Refund(u) => refund_any(state, u, now).await,
            ProviderEvent::Purchase(u) => state.engine.purchase_update(u, now).await,
            ProviderEvent::Dispute { event_id, charges } => dispute_any(state, provider, event_id, charges, now).await,
        };
        match r {
            Ok(o) => out.push(o),
            Err(err) => {
                tracing::error!(provider, error = %err, "webhook event could not be recorded");
                // 5xx: the provider delivers it again later.
                return Err((StatusCode::SERVICE_UNAVAILABLE, "try again later".into()));
            }
        }
    }
    tracing::info!(provider, outcomes = ?out, "webhook applied");
    Ok(out)
}

/// A refund update; a Braintree one also under the refund's global id forms (references
/// kept before legacy ids were: type REFUND, and the transaction form).
pub(super) async fn refund_any(
    state: &WebhookState,
    u: &RefundUpdate,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::app::engine::EngineResult<WebhookOutcome> {
    let first = state.engine.provider_refund_update(u, now).await?;
    if first != WebhookOutcome::Unknown || u.provider != "braintree" {
        return Ok(first);
    }
    for typ in ["refund", "transaction"] {
        let alt = RefundUpdate { provider_ref: braintree::global_id(typ, &u.provider_ref), ..u.clone() };
        let o = state.engine.provider_refund_update(&alt, now).await?;
        if o != WebhookOutcome::Unknown {
            return Ok(o);
        }
    }
    Ok(WebhookOutcome::Unknown)
}

/// A dispute on the first of `charges` that is known here. When none is, the event is
/// recorded for the leads (a reconciliation case, once per event), never dropped.
pub(super) async fn dispute_any(
    state: &WebhookState,
    provider: &str,
    event_id: &str,
    charges: &[String],
    now: chrono::DateTime<chrono::Utc>,
) -> crate::app::engine::EngineResult<WebhookOutcome> {
    for c in charges {
        match state.engine.charge_disputed(provider, event_id, &ChargeId::new(c.clone()), now).await? {
            WebhookOutcome::Unknown => continue,
            other => return Ok(other),
        }
    }
    let what = format!(
        "a dispute (event {event_id}) on a payment not known here ({}); nothing was matched",
        charges.join(", ")
    );
    tracing::warn!(provider, event_id, "dispute on an unknown charge recorded for the leads");
    state.engine.reconcile_mismatch(provider, &format!("dispute:{event_id}"), None, &what, now).await?;
    Ok(WebhookOutcome::Applied)
}

pub(super) fn refuse(provider: &str, why: Rejected) -> Reply {
    tracing::warn!(provider, reason = %why, "webhook refused");
    let code = match why {
        Rejected::BadBody => StatusCode::BAD_REQUEST,
        _ => StatusCode::UNAUTHORIZED,
    };
    (code, format!("{why}"))
}

pub(super) fn not_configured(provider: &str) -> Reply {
    (StatusCode::NOT_FOUND, format!("{provider} webhooks are not configured"))
}

pub(super) fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

pub(super) async fn stripe_hook(State(st): State<WebhookState>, headers: HeaderMap, body: Bytes) -> Reply {
    let Some(secret) = st.keys.stripe.clone() else { return not_configured("stripe") };
    let Some(sig) = header(&headers, "stripe-signature") else { return refuse("stripe", Rejected::Malformed) };
    if let Err(e) =
        stripe::webhook::verify(sig, &body, secret.expose(), st.clock.now().timestamp(), st.keys.tolerance("stripe"))
    {
        return refuse("stripe", e);
    }
    match stripe::webhook::events(&body) {
        Ok(ev) => apply(&st, "stripe", ev).await.map(|_| (StatusCode::OK, "ok".to_string())).unwrap_or_else(|e| e),
        Err(e) => refuse("stripe", e),
    }
}

pub(super) async fn braintree_hook(State(st): State<WebhookState>, body: Bytes) -> Reply {
    let Some((public, private)) = st.keys.braintree.clone() else { return not_configured("braintree") };
    let form: Vec<(String, String)> = match serde_urlencoded::from_bytes(&body) {
        Ok(f) => f,
        Err(_) => return refuse("braintree", Rejected::BadBody),
    };
    let field = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str()).unwrap_or("");
    let (sig, payload) = (field("bt_signature"), field("bt_payload"));
    if let Err(e) = braintree::webhook::verify(sig, payload, public.expose(), private.expose()) {
        return refuse("braintree", e);
    }
    // The payload's `timestamp` is when Braintree made the notification: the same
    // tolerance as Stripe's and PayPal's signed times (issue 7 defect 11).
    match braintree::webhook::timestamp(payload) {
        Some(at) if (st.clock.now() - at).num_seconds().abs() <= st.keys.tolerance("braintree") => {}
        Some(_) => return refuse("braintree", Rejected::Stale),
        None => return refuse("braintree", Rejected::Malformed),
    }
    match braintree::webhook::events(payload) {
        Ok(ev) => apply(&st, "braintree", ev).await.map(|_| (StatusCode::OK, "ok".to_string())).unwrap_or_else(|e| e),
        Err(e) => refuse("braintree", e),
    }
}

pub(super) async fn adyen_hook(State(st): State<WebhookState>, body: Bytes) -> Reply {
    let Some(key) = st.keys.adyen.clone() else { return not_configured("adyen") };
    match adyen::webhook::events(&body, key.expose()) {
        // Adyen expects exactly this answer.
        Ok(ev) => {
            apply(&st, "adyen", ev).await.map(|_| (StatusCode::OK, "[accepted]".to_string())).unwrap_or_else(|e| e)
        }
        Err(e) => refuse("adyen", e),
    }
}

pub(super) async fn square_hook(State(st): State<WebhookState>, headers: HeaderMap, body: Bytes) -> Reply {
    let Some((key, url)) = st.keys.square.clone() else { return not_configured("square") };
    let Some(sig) = header(&headers, "x-square-hmacsha256-signature") else {
        return refuse("square", Rejected::Malformed);
    };
    if let Err(e) = square::webhook::verify(sig, &url, &body, key.expose()) {
        return refuse("square", e);
    }
    match square::webhook::events(&body) {
        Ok(ev) => apply(&st, "square", ev).await.map(|_| (StatusCode::OK, "ok".to_string())).unwrap_or_else(|e| e),
        Err(e) => refuse("square", e),
    }
}

pub(super) async fn paypal_hook(State(st): State<WebhookState>, headers: HeaderMap, body: Bytes) -> Reply {
    let Some((webhook_id, exec)) = st.keys.paypal.clone() else { return not_configured("paypal") };
    let h = |n| header(&headers, n).unwrap_or("").to_string();
    let (id, time, sig, cert, algo) = (
        h("paypal-transmission-id"),
        h("paypal-transmission-time"),
        h("paypal-transmission-sig"),
        h("paypal-cert-url"),
        h("paypal-auth-algo"),
    );
    if id.is_empty() || sig.is_empty() || time.is_empty() {
        return refuse("paypal", Rejected::Malformed);
    }
    let Ok(sent) = chrono::DateTime::parse_from_rfc3339(&time) else { return refuse("paypal", Rejected::Malformed) };
    if (st.clock.now().timestamp() - sent.timestamp()).abs() > st.keys.tolerance("paypal") {
        return refuse("paypal", Rejected::Stale);
    }
    let Ok(event) = serde_json::from_slice::<Value>(&body) else { return refuse("paypal", Rejected::BadBody) };
    if !event.is_object() {
        return refuse("paypal", Rejected::BadBody);
    }
    let req = paypal::webhook::verification_request(
        &[
            ("auth_algo", &algo),
            ("cert_url", &cert),
            ("transmission_id", &id),
            ("transmission_sig", &sig),
            ("transmission_time", &time),
            ("webhook_id", &webhook_id),
        ],
        &body,
    );
    let verified = exec.run(&req, paypal::webhook::verified).await;
    match verified {
        Ok(true) => {}
        Ok(false) => return refuse("paypal", Rejected::Forged),
        Err(e) => {
            tracing::warn!(error = %e, "paypal: cannot verify a webhook now");
            return (StatusCode::SERVICE_UNAVAILABLE, "cannot verify now".into());
        }
    }
    match paypal::webhook::events(&event) {
        Ok(ev) => apply(&st, "paypal", ev).await.map(|_| (StatusCode::OK, "ok".to_string())).unwrap_or_else(|e| e),
        Err(e) => refuse("paypal", e),
    }
}

pub(super) async fn mollie_hook(State(st): State<WebhookState>, body: Bytes) -> Reply {
    let Some(exec) = st.keys.mollie.clone() else { return not_configured("mollie") };
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let Some(id) = form.iter().find(|(k, _)| k == "id").map(|(_, v)| v.clone()).filter(|v| v.starts_with("tr_")) else {
        return refuse("mollie", Rejected::BadBody);
    };
    // The webhook proves nothing: what the API says about the payment is the event.
    let fetched = exec.run(&mollie::webhook::payment_request(&id), mollie::webhook::fetched_payment).await;
    match fetched {
        // An id Mollie does not know (forged): answer 200 so nothing is revealed; nothing changes.
        Ok(None) => (StatusCode::OK, "ok".into()),
        Ok(Some(payment)) => apply(&st, "mollie", mollie::webhook::events(&payment))
            .await
            .map(|_| (StatusCode::OK, "ok".to_string()))
            .unwrap_or_else(|e| e),
        Err(e) => {
            tracing::warn!(error = %e, "mollie: cannot fetch the payment now");
            (StatusCode::SERVICE_UNAVAILABLE, "cannot fetch now".into())
        }
    }
}

pub(super) async fn woocommerce_hook(State(st): State<WebhookState>, headers: HeaderMap, body: Bytes) -> Reply {
    let Some((secret, exec)) = st.keys.woocommerce.clone() else { return not_configured("woocommerce") };
    let Some(sig) = header(&headers, "x-wc-webhook-signature") else {
        // When a webhook is saved, WooCommerce pings the URL with `webhook_id=<id>` (a
        // form body, unsigned) and keeps the webhook only on a 2xx: it carries nothing.
        let ping = std::str::from_utf8(&body)
            .ok()
            .and_then(|b| b.strip_prefix("webhook_id="))
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|c| c.is_ascii_digit()));
        return if ping { (StatusCode::OK, "ok".into()) } else { refuse("woocommerce", Rejected::Malformed) };
    };
    if let Err(e) = woocommerce::webhook::verify(sig, &body, secret.expose()) {
        return refuse("woocommerce", e);
    }
    let topic = header(&headers, "x-wc-webhook-topic").unwrap_or("");
    let (order, ids) = match woocommerce::webhook::refund_ids(topic, &body) {
        Ok(Some(found)) => found,
        Ok(None) => return (StatusCode::OK, "ok".into()),
        Err(e) => return refuse("woocommerce", e),
    };
    // The delivery's only signed time is the order's `date_modified_gmt`: a delivery
    // replayed long after is refused like a stale Stripe signature.
    match woocommerce::webhook::modified(&body) {
        Some(at) if (st.clock.now() - at).num_seconds().abs() <= st.keys.tolerance("woocommerce") => {}
        Some(_) => return refuse("woocommerce", Rejected::Stale),
        None => return refuse("woocommerce", Rejected::BadBody),
    }
    let mut events = Vec::new();
    for id in ids {
        let fetched =
            exec.run(&woocommerce::webhook::refund_request(&order, &id), woocommerce::webhook::fetched_refund).await;
        match fetched {
            Ok(Some(r)) => match woocommerce::webhook::event(&order, &r) {
                Ok(e) => events.push(e),
                Err(e) => return refuse("woocommerce", e),
            },
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(error = %e, "woocommerce: cannot read a refund now");
                return (StatusCode::SERVICE_UNAVAILABLE, "cannot read now".into());
            }
        }
    }
    apply(&st, "woocommerce", events).await.map(|_| (StatusCode::OK, "ok".to_string())).unwrap_or_else(|e| e)
}

/// Chargebee: the delivery carries the Basic auth set on the webhook (`chargebee::verify_basic`);
/// its `occurred_at` must be within the tolerance; each refund transaction state it names is
/// one event (the event id and the transaction).
pub(super) async fn chargebee_hook(State(st): State<WebhookState>, headers: HeaderMap, body: Bytes) -> Reply {
    let Some((user, pass)) = st.keys.chargebee.clone() else { return not_configured("chargebee") };
    if !chargebee::verify_basic(header(&headers, "authorization"), user.expose(), pass.expose()) {
        return refuse("chargebee", Rejected::Forged);
    }
    let Ok(v) = serde_json::from_slice::<Value>(&body) else { return refuse("chargebee", Rejected::BadBody) };
    let Ok((at, updates)) = chargebee::webhook_refunds(&v) else { return refuse("chargebee", Rejected::BadBody) };
    if (i128::from(st.clock.now().timestamp()) - i128::from(at)).abs() > i128::from(st.keys.tolerance("chargebee")) {
        return refuse("chargebee", Rejected::Stale);
    }
    let events = updates.into_iter().map(ProviderEvent::Refund).collect();
    apply(&st, "chargebee", events).await.map(|_| (StatusCode::OK, "ok".to_string())).unwrap_or_else(|e| e)
}

/// Shopify: `X-Shopify-Hmac-Sha256` over the raw body (`shopify::verify_hmac`), the body's own
/// time within the tolerance; `refunds/create` and `orders/updated` name refund
/// transactions (with our key from the refund's note), `disputes/create` a dispute.
pub(super) async fn shopify_hook(State(st): State<WebhookState>, headers: HeaderMap, body: Bytes) -> Reply {
    let Some(secret) = st.keys.shopify.clone() else { return not_configured("shopify") };
    let Some(sig) = header(&headers, "x-shopify-hmac-sha256") else { return refuse("shopify", Rejected::Malformed) };
    match shopify::verify_hmac(sig, &body, secret.expose()) {
        Ok(()) => {}
        Err(true) => return refuse("shopify", Rejected::Forged),
        Err(false) => return refuse("shopify", Rejected::Malformed),
    }
    let topic = header(&headers, "x-shopify-topic").unwrap_or("");
    let Ok(v) = serde_json::from_slice::<Value>(&body) else { return refuse("shopify", Rejected::BadBody) };
    let events = match shopify::delivery(topic, &v) {
        Ok(shopify::Delivery::Nothing) => return (StatusCode::OK, "ok".into()),
        Ok(shopify::Delivery::Refunds(u)) => u.into_iter().map(ProviderEvent::Refund).collect::<Vec<_>>(),
        Ok(shopify::Delivery::Dispute { id, order }) => vec![dispute(id, &[&order])],
        Err(_) => return refuse("shopify", Rejected::BadBody),
    };
    match shopify::signed_time(topic, &v) {
        Some(at) if (st.clock.now() - at).num_seconds().abs() <= st.keys.tolerance("shopify") => {}
        Some(_) => return refuse("shopify", Rejected::Stale),
        None => return refuse("shopify", Rejected::BadBody),
    }
    apply(&st, "shopify", events).await.map(|_| (StatusCode::OK, "ok".to_string())).unwrap_or_else(|e| e)
}

/// Amazon Pay IPNs: an Amazon SNS message whose signature (certificate fetched only from
/// `sns.<region>.amazonaws.com`, cached) is verified first; then its time (`Timestamp`,
/// within the tolerance), its topic (when `ipn_topic_arn` is set). A subscription
/// confirmation is confirmed only for the configured topic; a notification about a
/// refund is answered by reading the refund (`GET /v2/refunds/{id}`, signed), whose state
/// is the event — one per SNS `MessageId`, so a replay changes nothing.
pub(super) async fn amazon_pay_hook(State(st): State<WebhookState>, body: Bytes) -> Reply {
    use crate::adapters::payments::amazon_pay::{self, sns};
    const P: &str = "amazon_pay";
    let Some(ipns) = st.keys.amazon_pay.clone() else { return not_configured(P) };
    let m = match sns::SnsMessage::parse(&body) {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(provider = P, reason = %e, "webhook refused");
            return refuse(P, Rejected::BadBody);
        }
    };
    if let Err(e) = ipns.verifier.verify(&m).await {
        tracing::warn!(provider = P, reason = %e, "sns message not verified");
        return match e {
            sns::SnsError::CertUnavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "cannot verify now".into()),
            sns::SnsError::Malformed(_) => refuse(P, Rejected::Malformed),
            _ => refuse(P, Rejected::Forged),
        };
    }
    match m.timestamp() {
        Some(at) if (st.clock.now() - at).num_seconds().abs() <= st.keys.tolerance(P) => {}
        Some(_) => return refuse(P, Rejected::Stale),
        None => return refuse(P, Rejected::BadBody),
    }
    if ipns.topic_arn.as_deref().is_some_and(|t| t != m.topic_arn) {
        tracing::warn!(provider = P, topic = %m.topic_arn, "sns message from another topic");
        return refuse(P, Rejected::Forged);
    }
    if let Some(reply) = sns_control(&ipns, &m).await {
        return reply;
    }
    let Some(ipn) = sns::parse_ipn(&m.message) else { return refuse(P, Rejected::BadBody) };
    if ipn.object_type != "REFUND" {
        return (StatusCode::OK, "ok".into());
    }
    let fetched = ipns.exec.run(&amazon_pay::refund_request(&ipn.object_id), amazon_pay::fetched_refund).await;
    let r = match fetched {
        Ok(r) if r.provider_ref == ipn.object_id => r,
        Ok(_) => return refuse(P, Rejected::BadBody),
        Err(e) => {
            tracing::warn!(error = %e, "amazon_pay: cannot read a refund now");
            return (StatusCode::SERVICE_UNAVAILABLE, "cannot read now".into());
        }
    };
    let event = ProviderEvent::Refund(RefundUpdate {
        provider: P.into(),
        event_id: format!("sns:{}", m.message_id),
        provider_ref: r.provider_ref,
        idempotency_key: None,
        status: r.status,
    });
    apply(&st, P, vec![event]).await.map(|_| (StatusCode::OK, "ok".to_string())).unwrap_or_else(|e| e)
}

/// An SNS control message (subscription or unsubscribe confirmation): its answer; `None`
/// for a notification.
async fn sns_control(
    ipns: &crate::adapters::payments::amazon_pay::Ipns,
    m: &crate::adapters::payments::amazon_pay::sns::SnsMessage,
) -> Option<Reply> {
    const P: &str = "amazon_pay";
    match m.kind.as_str() {
        "SubscriptionConfirmation" => {
            // Confirmed only for the topic configured, at an SNS host: never a URL a
            // stranger chose.
            if ipns.topic_arn.is_none() {
                tracing::warn!(provider = P, topic = %m.topic_arn, "sns subscription not confirmed: set providers.amazon_pay.ipn_topic_arn to confirm it");
                return Some((StatusCode::OK, "ok".into()));
            }
            Some(match ipns.verifier.confirm(m).await {
                Ok(()) => (StatusCode::OK, "confirmed".into()),
                Err(e) => {
                    tracing::warn!(provider = P, reason = %e, "sns subscription not confirmed");
                    (StatusCode::SERVICE_UNAVAILABLE, "cannot confirm now".into())
                }
            })
        }
        "UnsubscribeConfirmation" => Some((StatusCode::OK, "ok".into())),
        _ => None,
    }
}
