//! The fakes' hosted payment pages: Stripe Checkout Sessions (and off-session
//! PaymentIntents on the card a session saved), Mollie payments, Adyen payment links,
//! PayPal orders (approved by the payer, captured by the bot) and Square payment links,
//! each checked as the provider documents it, idempotent under the creation's key, and
//! paid, expired or cancelled by the test (standing in for the customer on the
//! provider's page).

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
    pub kind: Kind,
    /// Square: the order the link's payment pays (what payments name).
    pub order_id: String,
}

fn header<'a>(h: &'a HeaderMap, n: &str) -> &'a str {
    h.get(n).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// Stripe's Checkout Session object (docs.stripe.com/api/checkout/sessions/object). With
/// `customer_creation=always` a paid session names its `customer`; its PaymentIntent
/// (made with `setup_future_usage=off_session`) holds the saved `payment_method`.
pub fn stripe_session(p: &Page) -> Value {
    json!({
        "id": p.id, "object": "checkout.session", "mode": "payment",
        "url": format!("https://checkout.stripe.com/c/pay/{}", p.id),
        "client_reference_id": p.reference, "currency": p.currency, "amount_total": p.amount.parse::<i64>().unwrap_or(0),
        "status": p.status, "payment_status": if p.paid {"paid"} else {"unpaid"},
        "customer": if p.paid { Value::String(format!("cus_{}", &p.id[3..])) } else { Value::Null },
        "payment_intent": if p.paid { Value::String(format!("pi_{}", &p.id[3..])) } else { Value::Null },
        "expires_at": p.expires_at, "metadata": {"purchase": p.reference},
    })
}

/// The session's PaymentIntent (docs.stripe.com/api/payment_intents/object), as
/// `expand[]=payment_intent` shows it (docs.stripe.com/expand: "expanded objects … replace
/// the ID").
pub fn stripe_session_intent(p: &Page) -> Value {
    json!({
        "id": format!("pi_{}", &p.id[3..]), "object": "payment_intent", "status": "succeeded",
        "amount": p.amount.parse::<i64>().unwrap_or(0), "amount_received": p.amount.parse::<i64>().unwrap_or(0), "currency": p.currency,
        "customer": format!("cus_{}", &p.id[3..]), "payment_method": format!("pm_{}", &p.id[3..]),
        "setup_future_usage": "off_session", "metadata": {"purchase": p.reference},
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
pub fn respond(
    kind: Kind,
    st: &mut FakeState,
    method: &Method,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Option<Response> {
    match (kind, method, path) {
        (Kind::Stripe, &Method::POST, "/v1/checkout/sessions") => Some(create_stripe(st, headers, body)),
        (Kind::Stripe, &Method::POST, "/v1/payment_intents") => Some(stripe_off_session(st, headers, body)),
        (Kind::Stripe, &Method::GET, p) if p.starts_with("/v1/checkout/sessions/") => {
            let id = &p["/v1/checkout/sessions/".len()..];
            // docs.stripe.com/expand: `expand[]=payment_intent` (form-encoded brackets allowed).
            let expand = query.replace("%5B", "[").replace("%5D", "]") == "expand[]=payment_intent";
            if !(query.is_empty() || expand) {
                return Some(problem(st, format!("stripe session query {query}")));
            }
            Some(match st.pages.iter().find(|x| x.id == id) {
                Some(page) if expand && page.paid => {
                    let mut v = stripe_session(page);
                    v["payment_intent"] = stripe_session_intent(page);
                    (StatusCode::OK, axum::Json(v)).into_response()
                }
                Some(page) => (StatusCode::OK, axum::Json(stripe_session(page))).into_response(),
                // docs.stripe.com/api/errors: a missing object is `resource_missing`, 404.
                None => (
                    StatusCode::NOT_FOUND,
                    axum::Json(json!({"error": {"type": "invalid_request_error", "code": "resource_missing"}})),
                )
                    .into_response(),
            })
        }
        (Kind::Adyen, &Method::POST, "/v72/paymentLinks") => Some(create_adyen(st, headers, body)),
        (Kind::Adyen, &Method::GET, p) if p.starts_with("/v72/paymentLinks/") => {
            let id = &p["/v72/paymentLinks/".len()..];
            Some(match st.pages.iter().find(|x| x.id == id) {
                Some(page) => (StatusCode::OK, axum::Json(adyen_link(page))).into_response(),
                None => (
                    StatusCode::NOT_FOUND,
                    axum::Json(
                        json!({"status": 404, "errorCode": "000", "message": "Not found", "errorType": "validation"}),
                    ),
                )
                    .into_response(),
            })
        }
        (Kind::PayPal, &Method::POST, "/v2/checkout/orders") => Some(create_paypal(st, headers, body)),
        (Kind::PayPal, &Method::POST, p) if p.starts_with("/v2/checkout/orders/") && p.ends_with("/capture") => {
            let id = p["/v2/checkout/orders/".len()..p.len() - "/capture".len()].to_string();
            Some(capture_paypal(st, headers, body, &id))
        }
        (Kind::PayPal, &Method::GET, p) if p.starts_with("/v2/checkout/orders/") => {
            let id = &p["/v2/checkout/orders/".len()..];
            Some(match st.pages.iter().find(|x| x.id == id) {
                Some(page) => (StatusCode::OK, axum::Json(paypal_order(page))).into_response(),
                // checkout_orders_v2.json: 404 `RESOURCE_NOT_FOUND` with an `error_404` body.
                None => (StatusCode::NOT_FOUND, axum::Json(json!({"name": "RESOURCE_NOT_FOUND", "details": [{"issue": "INVALID_RESOURCE_ID"}], "message": "The specified resource does not exist."}))).into_response(),
            })
        }
        (Kind::Square, &Method::POST, "/v2/online-checkout/payment-links") => Some(create_square(st, headers, body)),
        (Kind::Square, &Method::GET, p) if p.starts_with("/v2/orders/") => {
            let id = &p["/v2/orders/".len()..];
            if header(headers, "square-version").is_empty() {
                return Some(problem(st, "square order read without Square-Version".into()));
            }
            Some(match st.pages.iter().find(|x| x.order_id == id) {
                Some(page) => (StatusCode::OK, axum::Json(json!({"order": square_order(page)}))).into_response(),
                None => (
                    StatusCode::NOT_FOUND,
                    axum::Json(json!({"errors": [{"category": "INVALID_REQUEST_ERROR", "code": "NOT_FOUND", "detail": "Order not found"}]})),
                )
                    .into_response(),
            })
        }
        (Kind::Mollie, &Method::POST, "/v2/payments") => Some(create_mollie(st, headers, body)),
        (Kind::Mollie, &Method::GET, p)
            if p.starts_with("/v2/payments/") && st.pages.iter().any(|x| x.id == p["/v2/payments/".len()..]) =>
        {
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
        (
            currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_lowercase()),
            "price_data.currency must be lowercase ISO",
        ),
        (amount.parse::<i64>().is_ok_and(|a| a > 0), "unit_amount must be a positive integer"),
        (!get("line_items[0][price_data][product_data][name]").is_empty(), "product_data.name is required"),
        (get("line_items[0][quantity]").parse::<u32>().is_ok_and(|q| q >= 1), "quantity is required"),
        (!get("client_reference_id").is_empty(), "client_reference_id: our reference is missing"),
        // Never card data: the page collects it (the bot must not send any).
        (
            !form.iter().any(|(k, _)| k.contains("card") || k.contains("payment_method_data")),
            "card data sent to Checkout",
        ),
        // Saving the card for auto-recharge (docs.stripe.com/api/checkout/sessions/create,
        // support.stripe.com "Saving card details along with the first payment":
        // setup_future_usage; docs.stripe.com/payments/checkout/save-and-reuse):
        // `payment_intent_data[setup_future_usage]` is `on_session` or `off_session`, and a
        // Customer must exist to attach it to (`customer_creation=always` in payment mode).
        (
            get("payment_intent_data[setup_future_usage]") == "off_session",
            "setup_future_usage=off_session for auto-recharge",
        ),
        (get("customer_creation") == "always", "customer_creation=always (a saved method needs a customer)"),
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
        kind: Kind::Stripe,
        order_id: String::new(),
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
    let Ok(b) = serde_json::from_slice::<Value>(body) else {
        return problem(st, "adyen payment link: not JSON".into());
    };
    // The request schema of the Checkout v72 document (trimmed copy in tests/data/providers):
    // required amount, merchantAccount, reference; no other properties.
    let errs = super::schema::validate(
        &super::schema::load("adyen-payment-link-request.schema.json"),
        "PaymentLinkRequest",
        &b,
    );
    if !errs.is_empty() {
        return problem(st, format!("adyen payment link: {errs:?}"));
    }
    if key.is_empty()
        || b["merchantAccount"] != "PaydeskECOM"
        || b["description"].as_str().is_some_and(|d| d.len() > 280)
    {
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
        kind: Kind::Adyen,
        order_id: String::new(),
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
        (
            currency == "EUR" && value.split_once('.').is_some_and(|(_, d)| d.len() == 2),
            "amount must be {currency, value with 2 decimals}",
        ),
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
        kind: Kind::Mollie,
        order_id: String::new(),
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

    /// The customer pays page `id`: the object as the provider now shows it (PayPal: the
    /// payer approves; the bot's capture takes the money).
    pub fn pay(&self, id: &str) -> Value {
        self.set_page(id, |p| {
            match p.kind {
                Kind::PayPal => p.status = "APPROVED".into(),
                Kind::Stripe => {
                    p.paid = true;
                    p.status = "complete".into()
                }
                Kind::Adyen => {
                    p.paid = true;
                    p.status = "completed".into()
                }
                Kind::Square => {
                    p.paid = true;
                    p.status = "OPEN".into()
                }
                _ => {
                    p.paid = true;
                    p.status = "paid".into()
                }
            };
        })
    }

    /// Page `id` ends unpaid with `status` (`expired`, `canceled`, `failed`).
    pub fn end_unpaid(&self, id: &str, status: &str) -> Value {
        self.set_page(id, |p| p.status = status.to_string())
    }

    /// Square: the payment of page `id` as `payment.updated` carries it.
    pub fn square_payment(&self, id: &str) -> Value {
        let st = self.state.lock().unwrap();
        self::square_payment(st.pages.iter().find(|p| p.id == id).expect("page"))
    }

    fn set_page(&self, id: &str, f: impl FnOnce(&mut Page)) -> Value {
        let mut st = self.state.lock().unwrap();
        let page = st.pages.iter_mut().find(|p| p.id == id).expect("page");
        f(page);
        match page.kind {
            Kind::Stripe => stripe_session(page),
            Kind::Adyen => adyen_link(page),
            Kind::PayPal => paypal_order(page),
            Kind::Square => square_order(page),
            _ => mollie_payment(page),
        }
    }
}

/// PayPal's currencies and their decimals (developer.paypal.com/api/rest/reference/currency-codes:
/// HUF, JPY and TWD "do not support decimals"; the others take two). No three-decimal
/// currency is in the list.
const PAYPAL_CURRENCIES: &[(&str, usize)] = &[
    ("AUD", 2),
    ("BRL", 2),
    ("CAD", 2),
    ("CNY", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("EUR", 2),
    ("HKD", 2),
    ("HUF", 0),
    ("ILS", 2),
    ("JPY", 0),
    ("MYR", 2),
    ("MXN", 2),
    ("TWD", 0),
    ("NZD", 2),
    ("NOK", 2),
    ("PHP", 2),
    ("PLN", 2),
    ("GBP", 2),
    ("SGD", 2),
    ("SEK", 2),
    ("CHF", 2),
    ("THB", 2),
    ("USD", 2),
];

/// PayPal's error body for a 422 (`error_422` of checkout_orders_v2.json: name, details[issue]).
fn paypal_422(issue: &str) -> Response {
    let v = json!({"name": "UNPROCESSABLE_ENTITY", "details": [{"issue": issue, "description": issue}], "message": "The requested action could not be performed, semantically incorrect, or failed business validation.", "debug_id": "f00d"});
    (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(v)).into_response()
}

/// An order (`order` of checkout_orders_v2.json) as the page stands: `PAYER_ACTION_REQUIRED`
/// until the payer approves (with `payment_source.paypal` the approval link's rel is
/// `payer-action`), `APPROVED`, then `COMPLETED` with its capture under
/// `purchase_units[].payments.captures[]`.
pub fn paypal_order(p: &Page) -> Value {
    let mut unit = json!({"reference_id": p.reference, "custom_id": p.reference, "amount": {"currency_code": p.currency, "value": p.amount}});
    if p.status == "COMPLETED" {
        unit["payments"] = json!({"captures": [paypal_capture(p, &p.amount, &p.currency)]});
    }
    json!({
        "id": p.id, "intent": "CAPTURE", "status": p.status, "purchase_units": [unit],
        "links": [
            {"href": format!("https://api-m.sandbox.paypal.com/v2/checkout/orders/{}", p.id), "rel": "self", "method": "GET"},
            {"href": format!("https://www.sandbox.paypal.com/checkoutnow?token={}", p.id), "rel": "payer-action", "method": "GET"},
        ],
    })
}

/// The order's capture (`capture`: id, status, amount, custom_id, and the order it belongs
/// to in `supplementary_data.related_ids.order_id`, as `PAYMENT.CAPTURE.COMPLETED` carries it).
pub fn paypal_capture(p: &Page, value: &str, currency: &str) -> Value {
    json!({
        "id": format!("CAP{}", p.id), "status": "COMPLETED", "amount": {"currency_code": currency, "value": value},
        "custom_id": p.reference, "final_capture": true,
        "supplementary_data": {"related_ids": {"order_id": p.id}},
    })
}

fn create_paypal(st: &mut FakeState, headers: &HeaderMap, body: &[u8]) -> Response {
    let key = header(headers, "paypal-request-id").to_string();
    let request = String::from_utf8_lossy(body).to_string();
    // `PayPal-Request-Id` (1–108): "The server stores keys for 6 hours": the same id
    // answers with the order it made.
    if let Some(page) = st.pages.iter().find(|p| p.kind == Kind::PayPal && !key.is_empty() && p.key == key).cloned() {
        return (StatusCode::OK, axum::Json(paypal_order(&page))).into_response();
    }
    let Ok(b) = serde_json::from_slice::<Value>(body) else { return problem(st, "paypal order: not JSON".into()) };
    // The request schema of checkout_orders_v2.json (trimmed copy in tests/data/providers).
    let errs = super::schema::validate(&super::schema::load("paypal-order-request.schema.json"), "order_request", &b);
    if !errs.is_empty() {
        return problem(st, format!("paypal order: {errs:?}"));
    }
    let unit = &b["purchase_units"][0];
    let ctx = &b["payment_source"]["paypal"]["experience_context"];
    let checks = [
        (!key.is_empty() && key.len() <= 108, "PayPal-Request-Id missing or longer than 108"),
        (b["intent"] == "CAPTURE", "intent must be CAPTURE (the bot captures after approval)"),
        (b["purchase_units"].as_array().is_some_and(|u| u.len() == 1), "one purchase unit"),
        (unit["custom_id"].as_str().is_some_and(|c| c.starts_with("pd_pu_")), "custom_id: our reference is missing"),
        // `invoice_id` must be unique on the account (DUPLICATE_INVOICE_ID); a purchase
        // reference is not.
        (unit.get("invoice_id").is_none(), "invoice_id from a reference that repeats across installations"),
        // orders.capture-422 RETURN_URL_REQUIRED / CANCEL_URL_REQUIRED: a payer sent to
        // PayPal needs both.
        (ctx["return_url"].as_str().is_some_and(|u| u.starts_with("http")), "experience_context.return_url"),
        (ctx["cancel_url"].as_str().is_some_and(|u| u.starts_with("http")), "experience_context.cancel_url"),
        // Never card data: PayPal's page collects it.
        (b["payment_source"].get("card").is_none(), "card data sent to PayPal"),
    ];
    for (ok, why) in checks {
        if !ok {
            return problem(st, format!("paypal order: {why}: {request}"));
        }
    }
    let value = unit["amount"]["value"].as_str().unwrap_or("").to_string();
    let currency = unit["amount"]["currency_code"].as_str().unwrap_or("").to_string();
    let Some((_, digits)) = PAYPAL_CURRENCIES.iter().find(|(c, _)| *c == currency) else {
        return paypal_422("INVALID_CURRENCY_CODE");
    };
    // 422 DECIMAL_PRECISION: "If the currency supports decimals, only two decimal place
    // precision is supported"; none for HUF, JPY and TWD.
    let decimals = value.split_once('.').map(|(_, d)| d.len()).unwrap_or(0);
    if decimals != *digits {
        return paypal_422("DECIMAL_PRECISION");
    }
    let n = st.pages.len() + 1;
    let page = Page {
        id: format!("5O19{n:013}"),
        key,
        reference: unit["custom_id"].as_str().unwrap_or("").to_string(),
        amount: value,
        currency,
        status: "PAYER_ACTION_REQUIRED".into(),
        paid: false,
        expires_at: st.now + 24 * 3600,
        request,
        kind: Kind::PayPal,
        order_id: String::new(),
    };
    st.pages.push(page.clone());
    (StatusCode::OK, axum::Json(paypal_order(&page))).into_response()
}

fn capture_paypal(st: &mut FakeState, headers: &HeaderMap, body: &[u8], id: &str) -> Response {
    let key = header(headers, "paypal-request-id").to_string();
    if key.is_empty() || key.len() > 108 {
        return problem(st, "paypal capture without its own PayPal-Request-Id".into());
    }
    // `order_capture_request` is optional: `{}` or nothing; never card data.
    if !(body.is_empty() || body == b"{}") {
        return problem(st, format!("paypal capture body {}", String::from_utf8_lossy(body)));
    }
    if let Some((code, v)) = st.replays.get(&key).cloned() {
        return (StatusCode::from_u16(code).unwrap_or(StatusCode::OK), axum::Json(v)).into_response();
    }
    let Some(i) = st.pages.iter().position(|p| p.id == id) else {
        return (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"name": "RESOURCE_NOT_FOUND", "details": [{"issue": "INVALID_RESOURCE_ID"}]})),
        )
            .into_response();
    };
    match st.pages[i].status.as_str() {
        "APPROVED" => {}
        // orders.capture-422 ORDER_ALREADY_CAPTURED: "Order already captured. If
        // 'intent=CAPTURE' only one capture per order is allowed."
        "COMPLETED" => return paypal_422("ORDER_ALREADY_CAPTURED"),
        _ => return paypal_422("ORDER_NOT_APPROVED"),
    }
    st.pages[i].status = "COMPLETED".into();
    st.pages[i].paid = true;
    if let Some((value, currency)) = st.paid_instead.clone() {
        st.pages[i].amount = value;
        st.pages[i].currency = currency;
    }
    *st.charges_made.entry(key.clone()).or_default() += 1;
    let order = paypal_order(&st.pages[i]);
    st.replays.insert(key, (201, order.clone()));
    if std::mem::take(&mut st.hang_next_charge) {
        st.hang_now = true;
    }
    (StatusCode::CREATED, axum::Json(order)).into_response()
}

/// Square's `Order` for a link (developer.squareup.com/docs/checkout-api/quick-pay-checkout:
/// "the state of the order created is DRAFT. After the buyer pays for the order, the
/// state changes to OPEN"), with the payment as its tender once paid.
pub fn square_order(p: &Page) -> Value {
    let money = json!({"amount": p.amount.parse::<i64>().unwrap_or(0), "currency": p.currency});
    let mut o = json!({"id": p.order_id, "location_id": "L8FAKELOCATION", "state": p.status, "total_money": money, "version": 1});
    if p.paid {
        o["tenders"] = json!([{"id": format!("T{}", p.id), "type": "CARD", "amount_money": money, "payment_id": format!("PAY{}", p.id)}]);
    }
    o
}

/// The link's payment (`Payment`: id, status, order_id, amount_money, total_money).
pub fn square_payment(p: &Page) -> Value {
    let money = json!({"amount": p.amount.parse::<i64>().unwrap_or(0), "currency": p.currency});
    json!({"id": format!("PAY{}", p.id), "status": if p.paid {"COMPLETED"} else {"APPROVED"}, "order_id": p.order_id,
        "amount_money": money, "total_money": money, "location_id": "L8FAKELOCATION", "source_type": "CARD"})
}

fn create_square(st: &mut FakeState, headers: &HeaderMap, body: &[u8]) -> Response {
    let request = String::from_utf8_lossy(body).to_string();
    let Ok(b) = serde_json::from_slice::<Value>(body) else {
        return problem(st, "square payment link: not JSON".into());
    };
    if header(headers, "square-version").is_empty() {
        return problem(st, "square payment link without Square-Version".into());
    }
    // CreatePaymentLinkRequest of api.json (trimmed copy in tests/data/providers):
    // `idempotency_key` at most 192, `quick_pay` {name 1–255, price_money, location_id} required.
    let errs = super::schema::validate(
        &super::schema::load("square-payment-link-request.schema.json"),
        "CreatePaymentLinkRequest",
        &b,
    );
    if !errs.is_empty() {
        return problem(st, format!("square payment link: {errs:?}"));
    }
    let key = b["idempotency_key"].as_str().unwrap_or("").to_string();
    // "If you do not provide a unique string (or provide an empty string as the value), the
    // endpoint treats each request as independent": the bot must send one.
    if key.is_empty() {
        return problem(st, "square payment link without idempotency_key".into());
    }
    if let Some(page) = st.pages.iter().find(|p| p.kind == Kind::Square && p.key == key).cloned() {
        // developer.squareup.com/docs/working-with-apis/idempotency: the same key with
        // another body is `IDEMPOTENCY_KEY_REUSED`.
        if page.request != request {
            let v = json!({"errors": [{"category": "INVALID_REQUEST_ERROR", "code": "IDEMPOTENCY_KEY_REUSED"}]});
            return (StatusCode::BAD_REQUEST, axum::Json(v)).into_response();
        }
        return (StatusCode::OK, axum::Json(square_link(&page))).into_response();
    }
    let qp = &b["quick_pay"];
    let amount = qp["price_money"]["amount"].as_i64().unwrap_or(0);
    let currency = qp["price_money"]["currency"].as_str().unwrap_or("").to_string();
    let checks = [
        (qp["location_id"] == "L8FAKELOCATION", "quick_pay.location_id is not the seller's location"),
        // Money.amount: "in the smallest denomination of the currency" (USD cents, JPY yen).
        (amount > 0, "price_money.amount must be a positive integer"),
        (
            matches!(currency.as_str(), "USD" | "JPY" | "CAD" | "GBP" | "AUD" | "EUR"),
            "price_money.currency of a Square seller country",
        ),
        (b["checkout_options"]["allow_tipping"] != true, "tipping would change the total"),
    ];
    for (ok, why) in checks {
        if !ok {
            return problem(st, format!("square payment link: {why}: {request}"));
        }
    }
    let n = st.pages.len() + 1;
    let page = Page {
        id: format!("FWT463MU{n:08}"),
        key,
        reference: b["description"].as_str().unwrap_or("").to_string(),
        amount: amount.to_string(),
        currency,
        status: "DRAFT".into(),
        paid: false,
        expires_at: st.now + 24 * 3600,
        request,
        kind: Kind::Square,
        order_id: format!("C0DMgui6YFmgyURVSRtx{n:09}"),
    };
    st.pages.push(page.clone());
    (StatusCode::OK, axum::Json(square_link(&page))).into_response()
}

/// `CreatePaymentLinkResponse`: `payment_link` {id, version, order_id, url, long_url, created_at}.
fn square_link(p: &Page) -> Value {
    json!({"payment_link": {"id": p.id, "version": 1, "order_id": p.order_id, "url": format!("https://sandbox.square.link/u/{}", p.id),
        "long_url": format!("https://sandbox.square.link/u/{}?src=api", p.id), "created_at": "2026-04-01T10:05:00Z"},
        "related_resources": {"orders": [square_order(p)]}})
}

/// The parameters of `POST /v1/payment_intents` the bot may send (PostPaymentIntents in
/// github stripe/openapi `openapi/spec3.json`, `additionalProperties: false`: anything
/// else is `parameter_unknown`). Form keys like `metadata[purchase]` count as `metadata`.
const STRIPE_INTENT_PARAMS: &[&str] = &[
    "amount",
    "currency",
    "customer",
    "payment_method",
    "confirm",
    "off_session",
    "description",
    "metadata",
    "statement_descriptor",
    "receipt_email",
    "setup_future_usage",
    "capture_method",
    "payment_method_types",
    "error_on_requires_action",
    "expand",
];

fn stripe_off_session(st: &mut FakeState, headers: &HeaderMap, body: &[u8]) -> Response {
    let key = header(headers, "idempotency-key").to_string();
    let request = String::from_utf8_lossy(body).to_string();
    if key.is_empty() || key.len() > 255 {
        return problem(st, "payment intent without an Idempotency-Key of at most 255 characters".into());
    }
    // docs.stripe.com/api/idempotent_requests: "the same result, including 500 errors"
    // for the same key — here the PaymentIntent or the card error saved under it.
    if let Some((code, v)) = st.replays.get(&key).cloned() {
        return (StatusCode::from_u16(code).unwrap_or(StatusCode::OK), axum::Json(v)).into_response();
    }
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    if let Some((k, _)) = form.iter().find(|(k, _)| !STRIPE_INTENT_PARAMS.contains(&k.split('[').next().unwrap_or("")))
    {
        let v = json!({"error": {"type": "invalid_request_error", "code": "parameter_unknown", "message": format!("Received unknown parameter: {k}"), "param": k}});
        return (StatusCode::BAD_REQUEST, axum::Json(v)).into_response();
    }
    // The saved card is the one a paid session left: its customer and payment method.
    let session = st
        .pages
        .iter()
        .find(|p| p.kind == Kind::Stripe && p.paid && format!("cus_{}", &p.id[3..]) == get("customer"))
        .cloned();
    let currency = get("currency");
    let amount = get("amount").parse::<i64>().unwrap_or(0);
    let checks = [
        (session.is_some(), "customer is not one a Checkout Session made"),
        (
            session.as_ref().is_some_and(|p| format!("pm_{}", &p.id[3..]) == get("payment_method")),
            "payment_method is not the customer's saved one",
        ),
        // docs.stripe.com/payments/checkout/save-and-reuse ("Charge the payment method
        // later"): customer, payment_method, off_session=true; confirm=true.
        (get("confirm") == "true" && get("off_session") == "true", "confirm=true and off_session=true"),
        (currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_lowercase()), "currency must be lowercase ISO"),
        (amount > 0, "amount must be a positive integer"),
        (get("metadata[purchase]").starts_with("pd_pu_"), "metadata[purchase]: our reference"),
    ];
    for (ok, why) in checks {
        if !ok {
            return problem(st, format!("stripe payment intent: {why}: {request}"));
        }
    }
    // docs.stripe.com/currencies#three-decimal: the last digit of KWD, BHD, JOD, OMR and
    // TND amounts must be 0.
    if matches!(currency.as_str(), "kwd" | "bhd" | "jod" | "omr" | "tnd") && amount % 10 != 0 {
        let v = json!({"error": {"type": "invalid_request_error", "code": "invalid_amount", "message": "Amount must be divisible by 10 for three-decimal currencies", "param": "amount"}});
        return (StatusCode::BAD_REQUEST, axum::Json(v)).into_response();
    }
    let n = st.replays.len() + 1;
    let pi = json!({"id": format!("pi_off_{n:04}"), "object": "payment_intent", "amount": amount, "currency": currency, "customer": get("customer"),
        "payment_method": get("payment_method"), "metadata": {"purchase": get("metadata[purchase]"), "kind": get("metadata[kind]")}});
    let (code, v) = match st.card.as_str() {
        // stripe.com/docs/payments/cards/charging-saved-cards (off-session): a card whose
        // issuer wants its holder answers 402 with a `card_error` `authentication_required`
        // (a declined one `card_declined`), its `payment_intent` left
        // `requires_payment_method` (docs.stripe.com/api/errors).
        "authentication_required" | "card_declined" => {
            let (code, decline) = if st.card == "card_declined" {
                ("card_declined", "generic_decline")
            } else {
                ("authentication_required", "authentication_required")
            };
            let mut failed = pi.clone();
            failed["status"] = json!("requires_payment_method");
            failed["last_payment_error"] = json!({"type": "card_error", "code": code, "decline_code": decline});
            (
                402,
                json!({"error": {"type": "card_error", "code": code, "decline_code": decline, "message": "Your card was declined.", "payment_intent": failed}}),
            )
        }
        _ => {
            let mut ok = pi.clone();
            ok["status"] = json!("succeeded");
            ok["amount_received"] = json!(amount);
            *st.charges_made.entry(key.clone()).or_default() += 1;
            (200, ok)
        }
    };
    st.replays.insert(key, (code, v.clone()));
    if std::mem::take(&mut st.hang_next_charge) {
        st.hang_now = true;
    }
    (StatusCode::from_u16(code).unwrap_or(StatusCode::OK), axum::Json(v)).into_response()
}
