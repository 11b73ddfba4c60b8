//! The fakes' hosted payment pages: Stripe Checkout Sessions and Mollie payments, each
//! checked as the provider documents it, idempotent under the creation's key, and paid,
//! expired or cancelled by the test (standing in for the customer on the provider's page).

use super::{problem, FakeState, Kind};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// One page the fake made.
#[derive(Debug, Clone)]
pub struct Page {
    pub id: String,
    pub key: String,
    pub reference: String,
    /// Amount in the provider's form (Stripe minor units as text, Mollie decimal string).
    pub amount: String,
    pub currency: String,
    /// Stripe: open/complete/expired; Mollie: open/paid/expired/canceled/failed.
    pub status: String,
    pub paid: bool,
    pub expires_at: i64,
    /// The body the creation was made with (a reused key with another body is refused).
    pub request: String,
}

fn header<'a>(h: &'a HeaderMap, n: &str) -> &'a str {
    h.get(n).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// Stripe's Checkout Session object (docs.stripe.com/api/checkout/sessions/object).
pub fn stripe_session(p: &Page) -> Value {
    json!({
        "id": p.id, "object": "checkout.session", "mode": "payment",
        "url": format!("https://checkout.stripe.com/c/pay/{}", p.id),
        "client_reference_id": p.reference, "currency": p.currency, "amount_total": p.amount.parse::<i64>().unwrap_or(0),
        "status": p.status, "payment_status": if p.paid {"paid"} else {"unpaid"},
        "payment_intent": if p.paid { Value::String(format!("pi_{}", &p.id[3..])) } else { Value::Null },
        "expires_at": p.expires_at, "metadata": {"purchase": p.reference},
    })
}

/// Mollie's payment object (docs.mollie.com/reference/get-payment).
pub fn mollie_payment(p: &Page) -> Value {
    let expires = chrono::DateTime::from_timestamp(p.expires_at, 0).map(|t| t.to_rfc3339()).unwrap_or_default();
    json!({
        "resource": "payment", "id": p.id, "mode": "test", "status": p.status,
        "amount": {"currency": p.currency, "value": p.amount}, "expiresAt": expires,
        "metadata": {"purchase": p.reference},
        "_links": {"checkout": {"href": format!("https://www.mollie.com/checkout/select-method/{}", &p.id[3..]), "type": "text/html"}},
        "_embedded": {"refunds": [], "chargebacks": []},
    })
}

/// Answers a hosted-page request, or `None` when the request is about something else.
pub fn respond(kind: Kind, st: &mut FakeState, method: &Method, path: &str, query: &str, headers: &HeaderMap, body: &[u8]) -> Option<Response> {
    match (kind, method, path) {
        (Kind::Stripe, &Method::POST, "/v1/checkout/sessions") => Some(create_stripe(st, headers, body)),
        (Kind::Stripe, &Method::GET, p) if p.starts_with("/v1/checkout/sessions/") => {
            let id = &p["/v1/checkout/sessions/".len()..];
            Some(match st.pages.iter().find(|x| x.id == id) {
                Some(page) => (StatusCode::OK, axum::Json(stripe_session(page))).into_response(),
                // docs.stripe.com/api/errors: a missing object is `resource_missing`, 404.
                None => (StatusCode::NOT_FOUND, axum::Json(json!({"error": {"type": "invalid_request_error", "code": "resource_missing"}})))
                    .into_response(),
            })
        }
        (Kind::Adyen, &Method::POST, "/v72/paymentLinks") => Some(create_adyen(st, headers, body)),
        (Kind::Adyen, &Method::GET, p) if p.starts_with("/v72/paymentLinks/") => {
            let id = &p["/v72/paymentLinks/".len()..];
            Some(match st.pages.iter().find(|x| x.id == id) {
                Some(page) => (StatusCode::OK, axum::Json(adyen_link(page))).into_response(),
                None => {
                    (StatusCode::NOT_FOUND, axum::Json(json!({"status": 404, "errorCode": "000", "message": "Not found", "errorType": "validation"})))
                        .into_response()
                }
            })
        }
        (Kind::Mollie, &Method::POST, "/v2/payments") => Some(create_mollie(st, headers, body)),
        (Kind::Mollie, &Method::GET, p) if p.starts_with("/v2/payments/") && st.pages.iter().any(|x| x.id == p["/v2/payments/".len()..]) => {
            // `embed=refunds,chargebacks` is what the webhook route asks for; a lookup asks bare.
            if !(query.is_empty() || query == "embed=refunds,chargebacks") {
                return Some(problem(st, format!("mollie payment query {query}")));
            }
            let page = st.pages.iter().find(|x| x.id == p["/v2/payments/".len()..]).cloned()?;
            Some((StatusCode::OK, axum::Json(mollie_payment(&page))).into_response())
        }
        _ => None,
    }
}

fn create_stripe(st: &mut FakeState, headers: &HeaderMap, body: &[u8]) -> Response {
    let key = header(headers, "idempotency-key").to_string();
    if key.is_empty() {
        return problem(st, "checkout session without Idempotency-Key".into());
    }
    let request = String::from_utf8_lossy(body).to_string();
    // docs.stripe.com/api/idempotent_requests: the same key returns the first result; the
    // same key with other parameters is an `idempotency_error`.
    if let Some(page) = st.pages.iter().find(|p| p.key == key).cloned() {
        if page.request != request {
            return (StatusCode::BAD_REQUEST, axum::Json(json!({"error": {"type": "idempotency_error", "message": "Keys for idempotent requests can only be used with the same parameters they were first used with."}}))).into_response();
        }
        return (StatusCode::OK, axum::Json(stripe_session(&page))).into_response();
    }
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    // docs.stripe.com/api/checkout/sessions/create: `mode` is required; a one-time payment
    // is `payment`; `line_items[].price_data` needs `currency` (lowercase ISO), an integer
    // `unit_amount` and `product_data.name`; `quantity` is required on a line item.
    let currency = get("line_items[0][price_data][currency]");
    let amount = get("line_items[0][price_data][unit_amount]");
    let checks = [
        (get("mode") == "payment", "mode must be payment"),
        (currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_lowercase()), "price_data.currency must be lowercase ISO"),
        (amount.parse::<i64>().is_ok_and(|a| a > 0), "unit_amount must be a positive integer"),
        (!get("line_items[0][price_data][product_data][name]").is_empty(), "product_data.name is required"),
        (get("line_items[0][quantity]").parse::<u32>().is_ok_and(|q| q >= 1), "quantity is required"),
        (!get("client_reference_id").is_empty(), "client_reference_id: our reference is missing"),
        // Never card data: the page collects it (the bot must not send any).
        (!form.iter().any(|(k, _)| k.contains("card") || k.contains("payment_method_data")), "card data sent to Checkout"),
    ];
    for (ok, why) in checks {
        if !ok {
            return problem(st, format!("stripe checkout session: {why}: {request}"));
        }
    }
    // Hosted pages send the customer to `success_url` after paying; a value that is not a
    // URL is refused with `url_invalid` ("The URL provided is invalid",
    // docs.stripe.com/error-codes), in Stripe's error object (docs.stripe.com/api/errors).
    let success = get("success_url");
    if !(success.starts_with("https://") || success.starts_with("http://")) {
        let v = json!({"error": {"type": "invalid_request_error", "code": "url_invalid", "param": "success_url", "message": "Not a valid URL"}});
        return (StatusCode::BAD_REQUEST, axum::Json(v)).into_response();
    }
    let n = st.pages.len() + 1;
    let page = Page {
        id: format!("cs_test_{n:04}"),
        key,
        reference: get("client_reference_id"),
        amount,
        currency,
        status: "open".into(),
        paid: false,
        // "If you don't specify expires_at, the default value is 24 hours after the
        // current time" (docs.stripe.com/payments/checkout/managing-limited-inventory).
        expires_at: st.now + 24 * 3600,
        request,
    };
    st.pages.push(page.clone());
    (StatusCode::OK, axum::Json(stripe_session(&page))).into_response()
}

/// Adyen's `PaymentLinkResponse` (Checkout v72: `id`, `url`, `status`, `reference`,
/// `amount`, `merchantAccount`, `expiresAt`).
pub fn adyen_link(p: &Page) -> Value {
    let expires = chrono::DateTime::from_timestamp(p.expires_at, 0).map(|t| t.to_rfc3339()).unwrap_or_default();
    json!({
        "id": p.id, "url": format!("https://test.adyen.link/{}", p.id), "status": p.status, "reference": p.reference,
        "merchantAccount": "PaydeskECOM", "amount": {"value": p.amount.parse::<i64>().unwrap_or(0), "currency": p.currency}, "expiresAt": expires,
    })
}

fn create_adyen(st: &mut FakeState, headers: &HeaderMap, body: &[u8]) -> Response {
    let key = header(headers, "idempotency-key").to_string();
    let request = String::from_utf8_lossy(body).to_string();
    if let Some(page) = st.pages.iter().find(|p| !key.is_empty() && p.key == key).cloned() {
        return (StatusCode::CREATED, axum::Json(adyen_link(&page))).into_response();
    }
    let Ok(b) = serde_json::from_slice::<Value>(body) else { return problem(st, "adyen payment link: not JSON".into()) };
    // The request schema of the Checkout v72 document (trimmed copy in tests/data/providers):
    // required amount, merchantAccount, reference; no other properties.
    let errs = super::schema::validate(&super::schema::load("adyen-payment-link-request.schema.json"), "PaymentLinkRequest", &b);
    if !errs.is_empty() {
        return problem(st, format!("adyen payment link: {errs:?}"));
    }
    if key.is_empty() || b["merchantAccount"] != "PaydeskECOM" || b["description"].as_str().is_some_and(|d| d.len() > 280) {
        return problem(st, format!("adyen payment link: key, merchant account or description: {request}"));
    }
    let n = st.pages.len() + 1;
    let page = Page {
        id: format!("PL{n:014}"),
        key,
        reference: b["reference"].as_str().unwrap_or("").to_string(),
        amount: b["amount"]["value"].as_i64().unwrap_or(0).to_string(),
        currency: b["amount"]["currency"].as_str().unwrap_or("").to_string(),
        status: "active".into(),
        paid: false,
        // "If not provided, the payment link expires 24 hours after it was created."
        expires_at: st.now + 24 * 3600,
        request,
    };
    st.pages.push(page.clone());
    (StatusCode::CREATED, axum::Json(adyen_link(&page))).into_response()
}

fn create_mollie(st: &mut FakeState, headers: &HeaderMap, body: &[u8]) -> Response {
    let key = header(headers, "idempotency-key").to_string();
    let request = String::from_utf8_lossy(body).to_string();
    if let Some(page) = st.pages.iter().find(|p| !key.is_empty() && p.key == key).cloned() {
        // docs.mollie.com/reference/api-idempotency: the same key returns the same answer.
        return (StatusCode::CREATED, axum::Json(mollie_payment(&page))).into_response();
    }
    let Ok(b) = serde_json::from_slice::<Value>(body) else { return problem(st, "mollie payment: not JSON".into()) };
    let value = b["amount"]["value"].as_str().unwrap_or("").to_string();
    let currency = b["amount"]["currency"].as_str().unwrap_or("").to_string();
    // docs.mollie.com/reference/create-payment: `amount` {currency, value as a string with
    // the currency's decimals} and `description` are required; `redirectUrl` is required
    // for a payment the customer pays on Mollie's page; `webhookUrl` is optional.
    let checks = [
        (currency == "EUR" && value.split_once('.').is_some_and(|(_, d)| d.len() == 2), "amount must be {currency, value with 2 decimals}"),
        (b["description"].as_str().is_some_and(|d| !d.is_empty() && d.len() <= 255), "description is required"),
        (b["redirectUrl"].as_str().is_some_and(|u| u.starts_with("http")), "redirectUrl is required"),
        (b["metadata"]["purchase"].as_str().is_some_and(|r| !r.is_empty()), "metadata: our reference is missing"),
        (!key.is_empty(), "no Idempotency-Key"),
    ];
    for (ok, why) in checks {
        if !ok {
            return problem(st, format!("mollie payment: {why}: {request}"));
        }
    }
    let n = st.pages.len() + 1;
    let page = Page {
        id: format!("tr_fake{n:04}"),
        key,
        reference: b["metadata"]["purchase"].as_str().unwrap_or("").to_string(),
        amount: value,
        currency,
        status: "open".into(),
        paid: false,
        expires_at: st.now + 15 * 60,
        request,
    };
    st.pages.push(page.clone());
    (StatusCode::CREATED, axum::Json(mollie_payment(&page))).into_response()
}

impl super::Fake {
    /// The fake's clock (Unix seconds), for pages' expiry.
    pub fn set_now(&self, t: chrono::DateTime<chrono::Utc>) {
        self.state.lock().unwrap().now = t.timestamp();
    }

    /// The pages made so far.
    pub fn pages(&self) -> Vec<Page> {
        self.state.lock().unwrap().pages.clone()
    }

    /// The customer pays page `id`: the object as the provider now shows it.
    pub fn pay(&self, id: &str) -> Value {
        self.set_page(id, |p| {
            p.paid = true;
            p.status = if p.id.starts_with("cs_") {
                "complete".into()
            } else if p.id.starts_with("PL") {
                "completed".into()
            } else {
                "paid".into()
            };
        })
    }

    /// Page `id` ends unpaid with `status` (`expired`, `canceled`, `failed`).
    pub fn end_unpaid(&self, id: &str, status: &str) -> Value {
        self.set_page(id, |p| p.status = status.to_string())
    }

    fn set_page(&self, id: &str, f: impl FnOnce(&mut Page)) -> Value {
        let mut st = self.state.lock().unwrap();
        let page = st.pages.iter_mut().find(|p| p.id == id).expect("page");
        f(page);
        if page.id.starts_with("cs_") {
            stripe_session(page)
        } else if page.id.starts_with("PL") {
            adyen_link(page)
        } else {
            mollie_payment(page)
        }
    }
}
