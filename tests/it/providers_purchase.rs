//! Buying credits for real: with `[wallet] provider` set, `/wallet buy` credits nothing at
//! once; the provider's hosted page (Stripe Checkout Session, Mollie payment) is made and
//! its link sent privately; a verified webhook or a lookup saying "paid" credits the
//! wallet exactly once; forged deliveries change nothing; an expired or failed page
//! credits nothing and the customer is told; a payment after the bot closed the purchase
//! still credits. Every scenario on SQLite and PostgreSQL.
use crate::common;
use crate::providers_support;

use crate::providers_support::{currency, engine_with, outbox, seed_charge, t, Fake, Kind};
use paydesk::adapters::http::webhooks::{self, WebhookState};
use paydesk::adapters::payments::stripe::webhook::signature as stripe_signature;
use paydesk::app::engine::{Actor, EngineConfig, Event, WalletSettings};
use paydesk::config::Secret;
use paydesk::domain::ids::{AccountId, ChargeId};
use paydesk::domain::money::Currency;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::str::FromStr;
use std::sync::Arc;

const START: &str = "2026-04-01T10:00:00Z";

struct Rig {
    engine: Arc<paydesk::app::engine::Engine>,
    fake: Fake,
    clock: Arc<paydesk::adapters::surfaces::replay::ManualClock>,
    url: String,
    http: reqwest::Client,
    _db: common::TestDb,
}

async fn rig_on(backend: &common::Backend, kind: Kind, provider: &str) -> Rig {
    rig_in(backend, kind, provider, currency(kind)).await
}

/// The notification URL Square signs over (as registered).
const SQUARE_URL: &str = "https://bot.example.com/webhooks/square";

/// A rig whose account `acct-1` keeps its wallet in `cur`.
async fn rig_in(backend: &common::Backend, kind: Kind, provider: &str, cur: Currency) -> Rig {
    let fake = Fake::start(kind, &[]).await;
    let db = common::fresh_db(backend).await;
    let wallet = WalletSettings {
        provider: provider.into(),
        return_url: Some("https://paydesk.example.com/paid".into()),
        webhook_url: (kind == Kind::Mollie).then(|| "https://bot.example.com/webhooks/mollie".to_string()),
    };
    let (engine, clock, providers) =
        engine_with(&fake, &db.url, EngineConfig { wallet, ..EngineConfig::default() }).await;
    let amount = if cur.minor_digits() == 0 { "4900" } else { "49.00" };
    seed_charge(&engine, kind, START, cur, amount).await;
    clock.set(t(START));
    fake.set_now(t(START));
    let mut keys = providers.webhooks.clone();
    keys.stripe = Some(Secret::new("whsec_test"));
    keys.square = Some((Secret::new("sq-key"), SQUARE_URL.into()));
    if let Some((_, exec)) = providers.webhooks.paypal.clone() {
        keys.paypal = Some(("WH-TEST".into(), exec));
    }
    let state = WebhookState { engine: engine.clone(), keys, clock: clock.clone() };
    let addr =
        paydesk::adapters::http::serve("127.0.0.1:0".parse().unwrap(), webhooks::routes(state), std::future::pending())
            .await
            .unwrap();
    Rig { engine, fake, clock, url: format!("http://{addr}"), http: reqwest::Client::new(), _db: db }
}

impl Rig {
    async fn say(&self, text: &str, at: &str) -> Vec<String> {
        let before = outbox(&self.engine).await.len();
        self.clock.set(t(at));
        let ev = Event::Message { actor: Actor::known("ana"), text: text.into(), channel: "support".into() };
        self.engine.handle(ev, t(at), None).await.unwrap();
        outbox(&self.engine).await.split_off(before)
    }

    async fn balance(&self) -> Decimal {
        let cur = self.cur().await;
        let mut tx = self.engine.store().begin().await.unwrap();
        tx.wallet_balance(&AccountId::new("acct-1".to_string()), cur).await.unwrap()
    }

    async fn cur(&self) -> Currency {
        let mut tx = self.engine.store().begin().await.unwrap();
        tx.account(&AccountId::new("acct-1".to_string())).await.unwrap().expect("account").currency
    }

    /// A PayPal delivery, byte for byte as PayPal sends it (its own key order), recorded as
    /// sent so the fake's verification API accepts it; `sig` "valid-signature" or forged.
    async fn paypal_event(&self, event_id: &str, typ: &str, resource_type: &str, resource: &Value, sig: &str) -> u16 {
        let body = format!(
            r#"{{"id":"{event_id}","event_version":"1.0","create_time":"2026-04-01T10:10:00.000Z","resource_type":"{resource_type}","resource_version":"2.0","event_type":"{typ}","summary":"An event","resource":{resource},"links":[]}}"#
        )
        .into_bytes();
        self.fake.state.lock().unwrap().paypal_sent.push(body.clone());
        let time = self.clock_now().to_rfc3339();
        let headers = vec![
            ("paypal-transmission-id", format!("tx-{event_id}")),
            ("paypal-transmission-time", time),
            ("paypal-transmission-sig", sig.to_string()),
            ("paypal-cert-url", "https://api.paypal.com/v1/notifications/certs/CERT-360caa42".to_string()),
            ("paypal-auth-algo", "SHA256withRSA".to_string()),
        ];
        self.post("/webhooks/paypal", &headers, &body).await
    }

    /// A Square `payment.updated` about `payment`, signed with `key` over the URL and body.
    async fn square_event(&self, event_id: &str, payment: &Value, key: &str) -> u16 {
        let body = serde_json::to_vec(&json!({"merchant_id": "ML8FAKEMERCHANT", "type": "payment.updated", "event_id": event_id,
            "created_at": "2026-04-01T10:10:00Z", "data": {"type": "payment", "id": payment["id"], "object": {"payment": payment}}}))
        .unwrap();
        let sig = paydesk::adapters::payments::square::webhook::signature(&Secret::new(key), SQUARE_URL, &body);
        self.post("/webhooks/square", &[("x-square-hmacsha256-signature", sig)], &body).await
    }

    async fn post(&self, path: &str, headers: &[(&str, String)], body: &[u8]) -> u16 {
        let mut r = self.http.post(format!("{}{path}", self.url)).body(body.to_vec());
        for (k, v) in headers {
            r = r.header(*k, v);
        }
        r.send().await.unwrap().status().as_u16()
    }

    /// A Stripe event about `session`, signed with `secret` at the rig's clock.
    async fn stripe_event(&self, event_id: &str, typ: &str, session: &Value, secret: &str) -> u16 {
        let body =
            serde_json::to_vec(&json!({"id": event_id, "object": "event", "type": typ, "data": {"object": session}}))
                .unwrap();
        let sig = stripe_signature(&Secret::new(secret), self.clock_now().timestamp(), &body);
        self.post("/webhooks/stripe", &[("stripe-signature", sig)], &body).await
    }

    fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        use paydesk::app::ports::Clock;
        self.clock.now()
    }

    async fn mollie_hook(&self, id: &str) -> u16 {
        self.post(
            "/webhooks/mollie",
            &[("content-type", "application/x-www-form-urlencoded".to_string())],
            format!("id={id}").as_bytes(),
        )
        .await
    }
}

fn dms(lines: &[String]) -> Vec<String> {
    lines.iter().filter(|l| l.contains(r#""channel":"dm""#) && l.contains(r#""to":"ana""#)).cloned().collect()
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stripe_link_sent_privately_paid_once_forged_refused() {
    for backend in common::backends() {
        let rig = rig_on(&backend, Kind::Stripe, "stripe").await;
        let out = rig.say("/wallet buy 10", "2026-04-01T10:05:00Z").await;
        // Nothing credited; the channel answer names the total and says a DM follows; the
        // link itself goes only by DM.
        assert_eq!(rig.balance().await, Decimal::ZERO, "{out:?}");
        let public: Vec<&String> = out.iter().filter(|l| l.contains(r#""channel":"support""#)).collect();
        assert!(public.iter().any(|l| l.contains("20.60 USD") && l.contains("private message")), "{out:?}");
        assert!(
            !public.iter().any(|l| l.contains("checkout.stripe.com")),
            "the link is never posted in the channel: {out:?}"
        );
        let pages = rig.fake.pages();
        assert_eq!(pages.len(), 1, "one Checkout Session");
        assert_eq!((pages[0].amount.as_str(), pages[0].currency.as_str()), ("2060", "usd"));
        let dm = dms(&out);
        assert!(
            dm.iter().any(|l| l.contains(&format!("https://checkout.stripe.com/c/pay/{}", pages[0].id))
                && l.contains("20.60 USD")),
            "{out:?}"
        );
        assert!(rig.fake.snapshot().1.is_empty(), "{:?}", rig.fake.snapshot().1);
        // Another event (a tick) does not make the page again.
        rig.engine.run_timers(t("2026-04-01T10:06:00Z")).await.unwrap();
        assert_eq!(rig.fake.pages().len(), 1);

        // Forged: another secret; tampered: a paid session the provider never signed.
        let paid = rig.fake.pay(&pages[0].id);
        assert_eq!(rig.stripe_event("evt_forged", "checkout.session.completed", &paid, "whsec_evil").await, 401);
        assert_eq!(rig.balance().await, Decimal::ZERO);

        // Signed: credited once, the customer told privately.
        let before = outbox(&rig.engine).await.len();
        assert_eq!(rig.stripe_event("evt_paid", "checkout.session.completed", &paid, "whsec_test").await, 200);
        assert_eq!(rig.balance().await, d("20.00"));
        let told = outbox(&rig.engine).await.split_off(before);
        assert!(dms(&told).iter().any(|l| l.contains("Payment received") && l.contains("20.00 USD")), "{told:?}");
        // Redelivered, and a second event about the same payment: still once.
        assert_eq!(rig.stripe_event("evt_paid", "checkout.session.completed", &paid, "whsec_test").await, 200);
        assert_eq!(
            rig.stripe_event("evt_async", "checkout.session.async_payment_succeeded", &paid, "whsec_test").await,
            200
        );
        assert_eq!(rig.balance().await, d("20.00"));
        // The charge is the payment intent, recorded as bought through the bot (a refund
        // of it takes the credits back).
        let pi = paid["payment_intent"].as_str().unwrap().to_string();
        let mut tx = rig.engine.store().begin().await.unwrap();
        let charge = tx.charge(&ChargeId::new(pi.clone())).await.unwrap().expect("charge");
        assert_eq!((charge.amount, charge.provider.as_str()), (d("20.60"), "stripe"));
        assert_eq!(tx.credit_purchase(&ChargeId::new(pi)).await.unwrap(), Some(d("20.00")));
        drop(tx);
        // A session of no purchase of ours changes nothing.
        let stranger = json!({"id": "cs_other", "object": "checkout.session", "status": "complete", "payment_status": "paid", "payment_intent": "pi_x", "client_reference_id": "pd_pu_00000099"});
        assert_eq!(rig.stripe_event("evt_stranger", "checkout.session.completed", &stranger, "whsec_test").await, 200);
        assert_eq!(rig.balance().await, d("20.00"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stripe_expired_credits_nothing_and_says_so_but_a_late_payment_counts() {
    for backend in common::backends() {
        let rig = rig_on(&backend, Kind::Stripe, "stripe").await;
        rig.say("/wallet buy 10", "2026-04-01T10:05:00Z").await;
        rig.say("/wallet buy 5", "2026-04-01T10:06:00Z").await;
        let pages = rig.fake.pages();
        assert_eq!(pages.len(), 2);
        // Stripe says the second expired (checkout.session.expired): closed, said.
        let expired = rig.fake.end_unpaid(&pages[1].id, "expired");
        let before = outbox(&rig.engine).await.len();
        assert_eq!(rig.stripe_event("evt_exp", "checkout.session.expired", &expired, "whsec_test").await, 200);
        let told = outbox(&rig.engine).await.split_off(before);
        assert!(
            dms(&told)
                .iter()
                .any(|l| l.contains("not completed") && l.contains("expired") && l.contains("Nothing was charged")),
            "{told:?}"
        );
        // Past the first page's expiry (24 h) the timers ask Stripe (still open here:
        // its expiry is its own business) and close it: nothing credited, said once.
        let before = outbox(&rig.engine).await.len();
        rig.clock.set(t("2026-04-02T10:06:00Z"));
        rig.engine.run_timers(t("2026-04-02T10:06:00Z")).await.unwrap();
        rig.engine.run_timers(t("2026-04-02T10:07:00Z")).await.unwrap();
        let told = outbox(&rig.engine).await.split_off(before);
        assert_eq!(dms(&told).iter().filter(|l| l.contains("not completed")).count(), 1, "{told:?}");
        assert_eq!(rig.balance().await, Decimal::ZERO);
        // The money was taken after all: a late "paid" still credits, once, and says why.
        let paid = rig.fake.pay(&pages[0].id);
        let before = outbox(&rig.engine).await.len();
        assert_eq!(rig.stripe_event("evt_late", "checkout.session.completed", &paid, "whsec_test").await, 200);
        assert_eq!(rig.stripe_event("evt_late", "checkout.session.completed", &paid, "whsec_test").await, 200);
        assert_eq!(rig.balance().await, d("20.00"));
        let told = outbox(&rig.engine).await.split_off(before);
        assert!(
            dms(&told).iter().any(|l| l.contains("after the link had expired") && l.contains("Payment received")),
            "{told:?}"
        );
        let audit = rig.engine.store().audit(None).await.unwrap();
        assert!(audit.iter().any(|a| a.record.action == "wallet.purchase_paid_late"), "audited as late");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stripe_lookup_credits_a_payment_whose_webhook_never_came() {
    for backend in common::backends() {
        let rig = rig_on(&backend, Kind::Stripe, "stripe").await;
        rig.say("/wallet buy 10", "2026-04-01T10:05:00Z").await;
        let page = rig.fake.pages().remove(0);
        rig.fake.pay(&page.id);
        // No webhook. At the page's expiry the timers ask Stripe: paid — credited, once.
        rig.engine.run_timers(t("2026-04-02T10:06:00Z")).await.unwrap();
        assert_eq!(rig.balance().await, d("20.00"));
        rig.engine.run_timers(t("2026-04-02T11:06:00Z")).await.unwrap();
        assert_eq!(rig.balance().await, d("20.00"));
        assert!(rig
            .fake
            .state
            .lock()
            .unwrap()
            .requests
            .iter()
            .any(|r| r == &format!("GET /v1/checkout/sessions/{}", page.id)));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mollie_payment_link_webhook_fetch_paid_once_and_cancelled_says_so() {
    for backend in common::backends() {
        let rig = rig_on(&backend, Kind::Mollie, "mollie").await;
        let out = rig.say("/wallet buy 10", "2026-04-01T10:05:00Z").await;
        assert_eq!(rig.balance().await, Decimal::ZERO);
        let pages = rig.fake.pages();
        assert_eq!((pages.len(), pages[0].amount.as_str(), pages[0].currency.as_str()), (1, "20.60", "EUR"));
        assert!(dms(&out).iter().any(|l| l.contains("https://www.mollie.com/checkout/select-method/")), "{out:?}");
        assert!(rig.fake.snapshot().1.is_empty(), "{:?}", rig.fake.snapshot().1);
        // Mollie's webhook carries only the id: the payment is fetched. Still open: nothing.
        assert_eq!(rig.mollie_hook(&pages[0].id).await, 200);
        assert_eq!(rig.balance().await, Decimal::ZERO);
        // A forged id (no such payment): 200, nothing changes.
        assert_eq!(rig.mollie_hook("tr_forged123").await, 200);
        // Paid: credited once, however often the webhook comes.
        rig.fake.pay(&pages[0].id);
        for _ in 0..3 {
            assert_eq!(rig.mollie_hook(&pages[0].id).await, 200);
        }
        assert_eq!(rig.balance().await, d("20.00"));
        let mut tx = rig.engine.store().begin().await.unwrap();
        assert_eq!(tx.credit_purchase(&ChargeId::new(pages[0].id.clone())).await.unwrap(), Some(d("20.00")));
        drop(tx);
        // A cancelled payment credits nothing and the customer is told.
        rig.say("/wallet buy 5", "2026-04-01T10:10:00Z").await;
        let second = rig.fake.pages().remove(1);
        rig.fake.end_unpaid(&second.id, "canceled");
        let before = outbox(&rig.engine).await.len();
        assert_eq!(rig.mollie_hook(&second.id).await, 200);
        let told = outbox(&rig.engine).await.split_off(before);
        assert!(
            dms(&told)
                .iter()
                .any(|l| l.contains("not completed") && l.contains("cancelled") && l.contains("Nothing was charged")),
            "{told:?}"
        );
        assert_eq!(rig.balance().await, d("20.00"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_purchases_still_credit_at_once() {
    for backend in common::backends() {
        let rig = rig_on(&backend, Kind::Stripe, "sandbox").await;
        let out = rig.say("/wallet buy 10", "2026-04-01T10:05:00Z").await;
        assert_eq!(rig.balance().await, d("20.00"), "{out:?}");
        assert!(out.iter().any(|l| l.contains("Bought 10 credits")), "{out:?}");
        assert!(rig.fake.pages().is_empty(), "no hosted page for the sandbox");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_recharge_through_a_real_provider_charges_nothing_and_says_so() {
    use paydesk::domain::billing::{Account, AutoRecharge};
    for backend in common::backends() {
        let rig = rig_on(&backend, Kind::Stripe, "stripe").await;
        let acct = Account {
            id: AccountId::new("acct-1".to_string()),
            currency: currency(Kind::Stripe),
            auto_recharge: Some(AutoRecharge { below: d("1.00"), credits: 10 }),
        };
        rig.engine.seed_account(&acct, Some(d("0.05")), t(START)).await.unwrap();
        let before = outbox(&rig.engine).await.len();
        rig.engine
            .handle(Event::Usage { account: acct.id.clone(), conversations: 10 }, t("2026-04-01T10:10:00Z"), None)
            .await
            .unwrap();
        let out = outbox(&rig.engine).await.split_off(before);
        // No sandbox charge pretending the card was charged: nothing bought, the
        // customer told why and how to buy; only what the wallet held was used.
        assert!(!out.iter().any(|l| l.contains("your card was charged")), "{out:?}");
        assert!(dms(&out).iter().any(|l| l.contains("Auto-recharge") && l.contains("/wallet buy")), "{out:?}");
        assert_eq!(rig.balance().await, d("0.05") - d("0.05"));
        let mut tx = rig.engine.store().begin().await.unwrap();
        assert!(tx.charges_of(&acct.id).await.unwrap().iter().all(|c| c.provider != "sandbox"), "no sandbox charge");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adyen_payment_link_paid_by_hmac_authorisation_once_and_expiry_by_lookup() {
    use paydesk::adapters::payments::adyen::notification_hmac;
    const HMAC_HEX: &str = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";
    for backend in common::backends() {
        let rig = rig_on(&backend, Kind::Adyen, "adyen").await;
        let out = rig.say("/wallet buy 10", "2026-04-01T10:05:00Z").await;
        assert_eq!(rig.balance().await, Decimal::ZERO);
        let page = rig.fake.pages().remove(0);
        assert_eq!((page.amount.as_str(), page.currency.as_str()), ("2060", "EUR"));
        assert!(dms(&out).iter().any(|l| l.contains(&format!("https://test.adyen.link/{}", page.id))), "{out:?}");
        assert!(rig.fake.snapshot().1.is_empty(), "{:?}", rig.fake.snapshot().1);
        let item = |success: &str, sign: bool| {
            let mut item = json!({"pspReference": "PSP0000000000001", "originalReference": "", "merchantAccountCode": "PaydeskECOM",
                "merchantReference": page.reference, "amount": {"value": 2060, "currency": "EUR"}, "eventCode": "AUTHORISATION",
                "success": success, "additionalData": {"paymentLinkId": page.id}});
            let sig = notification_hmac(&item, HMAC_HEX).unwrap();
            item["additionalData"]["hmacSignature"] = json!(if sign { sig } else { "AAAA".to_string() + &sig[4..] });
            serde_json::to_vec(&json!({"live": "false", "notificationItems": [{"NotificationRequestItem": item}]}))
                .unwrap()
        };
        assert_eq!(rig.post("/webhooks/adyen", &[], &item("true", false)).await, 401, "forged");
        assert_eq!(rig.post("/webhooks/adyen", &[], &item("false", true)).await, 200, "refused: the link stays open");
        assert_eq!(rig.balance().await, Decimal::ZERO);
        for _ in 0..2 {
            assert_eq!(rig.post("/webhooks/adyen", &[], &item("true", true)).await, 200);
        }
        assert_eq!(rig.balance().await, d("20.00"));
        let mut tx = rig.engine.store().begin().await.unwrap();
        assert_eq!(tx.credit_purchase(&ChargeId::new("PSP0000000000001".to_string())).await.unwrap(), Some(d("20.00")));
        drop(tx);
        // A second link expires: the lookup at its expiry says so; nothing credited, said.
        rig.say("/wallet buy 5", "2026-04-01T10:10:00Z").await;
        let second = rig.fake.pages().remove(1);
        rig.fake.end_unpaid(&second.id, "expired");
        let before = outbox(&rig.engine).await.len();
        rig.engine.run_timers(t("2026-04-02T10:11:00Z")).await.unwrap();
        let told = outbox(&rig.engine).await.split_off(before);
        assert!(dms(&told).iter().any(|l| l.contains("not completed") && l.contains("expired")), "{told:?}");
        assert_eq!(rig.balance().await, d("20.00"));
        assert!(rig
            .fake
            .state
            .lock()
            .unwrap()
            .requests
            .iter()
            .any(|r| r == &format!("GET /v72/paymentLinks/{}", second.id)));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_the_provider_refuses_to_make_fails_the_purchase_and_says_so() {
    for backend in common::backends() {
        let fake = Fake::start(Kind::Stripe, &[]).await;
        let db = common::fresh_db(&backend).await;
        // A return URL Stripe's Checkout refuses (not http): the creation is answered 400.
        let wallet = WalletSettings {
            provider: "stripe".into(),
            return_url: Some("paydesk-not-a-url".into()),
            webhook_url: None,
        };
        let (engine, clock, _) = engine_with(&fake, &db.url, EngineConfig { wallet, ..EngineConfig::default() }).await;
        seed_charge(&engine, Kind::Stripe, START, Currency::USD, "49.00").await;
        clock.set(t(START));
        let before = outbox(&engine).await.len();
        let ev =
            Event::Message { actor: Actor::known("ana"), text: "/wallet buy 10".into(), channel: "support".into() };
        engine.handle(ev, t("2026-04-01T10:05:00Z"), None).await.unwrap();
        let out = outbox(&engine).await.split_off(before);
        assert!(
            dms(&out).iter().any(|l| l.contains("not completed")
                && l.contains("could not be made")
                && l.contains("Nothing was charged")),
            "{out:?}"
        );
        // Closed: not tried again.
        engine.run_timers(t("2026-04-01T10:06:00Z")).await.unwrap();
        let creations =
            fake.state.lock().unwrap().requests.iter().filter(|r| r.as_str() == "POST /v1/checkout/sessions").count();
        assert_eq!(creations, 1);
        assert!(fake.snapshot().1.is_empty(), "answered as Stripe answers, not as a malformed request");
    }
}

fn approvals_of(lines: &[String]) -> Vec<String> {
    lines.iter().filter(|l| l.contains(r#""channel":"approvals""#)).cloned().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paypal_order_approved_is_captured_and_credited_once() {
    for backend in common::backends() {
        let rig = rig_on(&backend, Kind::PayPal, "paypal").await;
        let out = rig.say("/wallet buy 10", "2026-04-01T10:05:00Z").await;
        assert_eq!(rig.balance().await, Decimal::ZERO, "{out:?}");
        let pages = rig.fake.pages();
        assert_eq!(pages.len(), 1, "one order");
        assert_eq!((pages[0].amount.as_str(), pages[0].currency.as_str()), ("20.60", "USD"));
        assert!(rig.fake.snapshot().1.is_empty(), "{:?}", rig.fake.snapshot().1);
        let link = format!("https://www.sandbox.paypal.com/checkoutnow?token={}", pages[0].id);
        assert!(dms(&out).iter().any(|l| l.contains(&link)), "the payer-action link by DM: {out:?}");
        assert!(
            !out.iter().filter(|l| l.contains(r#""channel":"support""#)).any(|l| l.contains(&link)),
            "never in the channel"
        );

        // The payer approves on PayPal; PayPal says so (CHECKOUT.ORDER.APPROVED).
        let order = rig.fake.pay(&pages[0].id);
        assert_eq!(
            rig.paypal_event("WH-APPROVED-FORGED", "CHECKOUT.ORDER.APPROVED", "checkout-order", &order, "forged").await,
            401
        );
        assert_eq!(rig.balance().await, Decimal::ZERO);
        assert!(rig.fake.state.lock().unwrap().charges_made.is_empty(), "a forged approval captures nothing");
        let before = outbox(&rig.engine).await.len();
        assert_eq!(
            rig.paypal_event("WH-APPROVED-1", "CHECKOUT.ORDER.APPROVED", "checkout-order", &order, "valid-signature")
                .await,
            200
        );
        assert_eq!(rig.balance().await, d("20.00"));
        let told = outbox(&rig.engine).await.split_off(before);
        assert!(dms(&told).iter().any(|l| l.contains("Payment received") && l.contains("20.60 USD")), "{told:?}");
        let capture_key = format!("{}-capture", pages[0].reference);
        assert_eq!(rig.fake.state.lock().unwrap().charges_made.get(&capture_key), Some(&1));
        // The capture's own event, a redelivered approval and one more approval event:
        // still once (the capture request id replays; the purchase is paid).
        let capture = rig.fake.state.lock().unwrap().replays[&capture_key].1["purchase_units"][0]["payments"]
            ["captures"][0]
            .clone();
        assert_eq!(
            rig.paypal_event("WH-CAPTURED-1", "PAYMENT.CAPTURE.COMPLETED", "capture", &capture, "valid-signature")
                .await,
            200
        );
        assert_eq!(
            rig.paypal_event("WH-APPROVED-1", "CHECKOUT.ORDER.APPROVED", "checkout-order", &order, "valid-signature")
                .await,
            200
        );
        assert_eq!(
            rig.paypal_event("WH-APPROVED-2", "CHECKOUT.ORDER.APPROVED", "checkout-order", &order, "valid-signature")
                .await,
            200
        );
        assert_eq!(rig.balance().await, d("20.00"));
        assert_eq!(rig.fake.state.lock().unwrap().charges_made.get(&capture_key), Some(&1));
        // The charge is the capture (what a refund is made against).
        let mut tx = rig.engine.store().begin().await.unwrap();
        assert_eq!(tx.credit_purchase(&ChargeId::new(format!("CAP{}", pages[0].id))).await.unwrap(), Some(d("20.00")));
        drop(tx);
        assert!(rig.fake.snapshot().1.is_empty(), "{:?}", rig.fake.snapshot().1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paypal_capture_answer_lost_is_looked_up_and_credited_once() {
    for backend in common::backends() {
        let rig = rig_on(&backend, Kind::PayPal, "paypal").await;
        rig.say("/wallet buy 10", "2026-04-01T10:05:00Z").await;
        let page = rig.fake.pages().remove(0);
        let order = rig.fake.pay(&page.id);
        // The capture is made but its answer never comes: the order is read
        // (GET /v2/checkout/orders/{id}) and says COMPLETED — credited once.
        rig.fake.state.lock().unwrap().hang_next_charge = true;
        assert_eq!(
            rig.paypal_event("WH-APPROVED-1", "CHECKOUT.ORDER.APPROVED", "checkout-order", &order, "valid-signature")
                .await,
            200
        );
        assert_eq!(rig.balance().await, d("20.00"));
        let requests = rig.fake.state.lock().unwrap().requests.clone();
        assert!(requests.iter().any(|r| r == &format!("GET /v2/checkout/orders/{}", page.id)), "{requests:?}");
        let capture_key = format!("{}-capture", page.reference);
        assert_eq!(rig.fake.state.lock().unwrap().charges_made.get(&capture_key), Some(&1), "captured once");
        // PayPal's capture event afterwards changes nothing.
        let capture = rig.fake.state.lock().unwrap().replays[&capture_key].1["purchase_units"][0]["payments"]
            ["captures"][0]
            .clone();
        assert_eq!(
            rig.paypal_event("WH-CAPTURED-1", "PAYMENT.CAPTURE.COMPLETED", "capture", &capture, "valid-signature")
                .await,
            200
        );
        assert_eq!(rig.balance().await, d("20.00"));
        // An approval whose webhook never came is captured by the lookup at expiry.
        rig.say("/wallet buy 5", "2026-04-01T10:10:00Z").await;
        let second = rig.fake.pages().remove(1);
        rig.fake.pay(&second.id);
        rig.engine.run_timers(t("2026-04-02T10:11:00Z")).await.unwrap();
        assert_eq!(rig.balance().await, d("30.00"));
        assert_eq!(rig.fake.state.lock().unwrap().charges_made.get(&format!("{}-capture", second.reference)), Some(&1));
        assert!(rig.fake.snapshot().1.is_empty(), "{:?}", rig.fake.snapshot().1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paypal_jpy_order_has_no_decimals() {
    for backend in common::backends() {
        let rig = rig_in(&backend, Kind::PayPal, "paypal", Currency::from_code("JPY").unwrap()).await;
        let out = rig.say("/wallet buy 10", "2026-04-01T10:05:00Z").await;
        let pages = rig.fake.pages();
        assert_eq!(pages.len(), 1, "{out:?} {:?}", rig.fake.snapshot().1);
        assert_eq!(pages[0].currency, "JPY");
        assert!(!pages[0].amount.contains('.'), "PayPal takes JPY without decimals: {}", pages[0].amount);
        let order = rig.fake.pay(&pages[0].id);
        assert_eq!(
            rig.paypal_event("WH-APPROVED-1", "CHECKOUT.ORDER.APPROVED", "checkout-order", &order, "valid-signature")
                .await,
            200
        );
        assert!(rig.balance().await > Decimal::ZERO);
        assert!(rig.fake.snapshot().1.is_empty(), "{:?}", rig.fake.snapshot().1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn square_payment_link_paid_by_signed_payment_updated_once_and_by_lookup() {
    for backend in common::backends() {
        let rig = rig_on(&backend, Kind::Square, "square").await;
        let out = rig.say("/wallet buy 10", "2026-04-01T10:05:00Z").await;
        assert_eq!(rig.balance().await, Decimal::ZERO);
        let page = rig.fake.pages().remove(0);
        assert_eq!((page.amount.as_str(), page.currency.as_str()), ("2060", "USD"));
        assert!(dms(&out).iter().any(|l| l.contains(&format!("https://sandbox.square.link/u/{}", page.id))), "{out:?}");
        assert!(rig.fake.snapshot().1.is_empty(), "{:?}", rig.fake.snapshot().1);
        // A payment approved but not completed: nothing.
        assert_eq!(rig.square_event("ev-approved", &rig.fake.square_payment(&page.id), "sq-key").await, 200);
        assert_eq!(rig.balance().await, Decimal::ZERO);
        rig.fake.pay(&page.id);
        let paid = rig.fake.square_payment(&page.id);
        assert_eq!(paid["status"], "COMPLETED");
        assert_eq!(rig.square_event("ev-forged", &paid, "not-the-key").await, 401);
        assert_eq!(rig.balance().await, Decimal::ZERO);
        for _ in 0..2 {
            assert_eq!(rig.square_event("ev-completed", &paid, "sq-key").await, 200);
        }
        assert_eq!(rig.square_event("ev-completed-again", &paid, "sq-key").await, 200);
        assert_eq!(rig.balance().await, d("20.00"));
        let mut tx = rig.engine.store().begin().await.unwrap();
        assert_eq!(tx.credit_purchase(&ChargeId::new(format!("PAY{}", page.id))).await.unwrap(), Some(d("20.00")));
        drop(tx);
        // A payment of another order (not a link of ours) changes nothing.
        let mut other = paid.clone();
        other["order_id"] = json!("SOMEONEELSESORDER");
        other["id"] = json!("PAYOTHER");
        assert_eq!(rig.square_event("ev-other", &other, "sq-key").await, 200);
        assert_eq!(rig.balance().await, d("20.00"));
        // Paid without a webhook: the lookup at expiry (GET /v2/orders/{id}) credits it.
        rig.say("/wallet buy 5", "2026-04-01T10:10:00Z").await;
        let second = rig.fake.pages().remove(1);
        rig.fake.pay(&second.id);
        rig.engine.run_timers(t("2026-04-02T10:11:00Z")).await.unwrap();
        assert_eq!(rig.balance().await, d("30.00"));
        assert!(rig
            .fake
            .state
            .lock()
            .unwrap()
            .requests
            .iter()
            .any(|r| r == &format!("GET /v2/orders/{}", second.order_id)));
        // A third link never paid: closed as expired at its expiry, said.
        rig.say("/wallet buy 5", "2026-04-02T10:12:00Z").await;
        let before = outbox(&rig.engine).await.len();
        rig.engine.run_timers(t("2026-04-03T10:13:00Z")).await.unwrap();
        let told = outbox(&rig.engine).await.split_off(before);
        assert!(dms(&told).iter().any(|l| l.contains("not completed") && l.contains("expired")), "{told:?}");
        assert_eq!(rig.balance().await, d("30.00"));
        assert!(rig.fake.snapshot().1.is_empty(), "{:?}", rig.fake.snapshot().1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn square_jpy_link_in_whole_yen() {
    for backend in common::backends() {
        let rig = rig_in(&backend, Kind::Square, "square", Currency::from_code("JPY").unwrap()).await;
        rig.say("/wallet buy 10", "2026-04-01T10:05:00Z").await;
        let page = rig.fake.pages().remove(0);
        assert_eq!(page.currency, "JPY");
        rig.fake.pay(&page.id);
        assert_eq!(rig.square_event("ev-completed", &rig.fake.square_payment(&page.id), "sq-key").await, 200);
        assert!(rig.balance().await > Decimal::ZERO);
        assert!(rig.fake.snapshot().1.is_empty(), "{:?}", rig.fake.snapshot().1);
    }
}

/// Asserts that a payment of another amount or currency credited nothing, escalated one
/// case to the leads and told the customer in plain words.
async fn assert_mismatch_escalated(rig: &Rig, told: &[String], said: &str) {
    assert_eq!(rig.balance().await, Decimal::ZERO, "nothing credited: {told:?}");
    let leads = approvals_of(told);
    assert_eq!(leads.len(), 1, "{told:?}");
    assert!(
        leads[0].contains(said) && leads[0].contains("asked") && leads[0].contains("nothing was credited"),
        "{leads:?}"
    );
    assert!(
        dms(told).iter().any(|l| l.contains(said)
            && l.contains("nothing was added to your wallet")
            && l.contains("do not pay again")),
        "{told:?}"
    );
    let cases = rig.engine.store().snapshot().await.unwrap().cases;
    let case =
        cases.iter().find(|c| c.intent == paydesk::domain::intent::Intent::WrongAmount).expect("a case for the leads");
    assert_eq!(case.status, paydesk::domain::tickets::CaseStatus::Escalated);
    let audit = rig.engine.store().audit(None).await.unwrap();
    assert_eq!(audit.iter().filter(|a| a.record.action == "wallet.purchase_amount_mismatch").count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_of_another_amount_or_currency_credits_nothing_and_is_escalated() {
    use paydesk::adapters::payments::adyen::notification_hmac;
    const HMAC_HEX: &str = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";
    for backend in common::backends() {
        for kind in [Kind::Stripe, Kind::Mollie, Kind::Adyen, Kind::PayPal, Kind::Square] {
            let rig = rig_on(&backend, kind, kind.name()).await;
            rig.say("/wallet buy 10", "2026-04-01T10:05:00Z").await;
            let page = rig.fake.pages().remove(0);
            let before = outbox(&rig.engine).await.len();
            let cur = currency(kind);
            // What each provider says it took instead of 20.60: its own units and format.
            let said = match kind {
                Kind::Stripe => {
                    // 20.60 but in another currency: the currency is checked too.
                    let mut paid = rig.fake.pay(&page.id);
                    paid["currency"] = json!("eur");
                    for _ in 0..2 {
                        assert_eq!(
                            rig.stripe_event("evt_paid", "checkout.session.completed", &paid, "whsec_test").await,
                            200
                        );
                    }
                    // Another event about the same payment, now of another amount: still one case.
                    paid["currency"] = json!("usd");
                    paid["amount_total"] = json!(1000);
                    assert_eq!(
                        rig.stripe_event("evt_paid_2", "checkout.session.completed", &paid, "whsec_test").await,
                        200
                    );
                    "20.6 EUR".to_string()
                }
                Kind::Mollie => {
                    rig.fake.pay(&page.id);
                    rig.fake.state.lock().unwrap().pages[0].amount = "2.06".into();
                    for _ in 0..2 {
                        assert_eq!(rig.mollie_hook(&page.id).await, 200);
                    }
                    "2.06 EUR".to_string()
                }
                Kind::Adyen => {
                    let mut item = json!({"pspReference": "PSP0000000000001", "originalReference": "", "merchantAccountCode": "PaydeskECOM",
                        "merchantReference": page.reference, "amount": {"value": 206, "currency": "EUR"}, "eventCode": "AUTHORISATION",
                        "success": "true", "additionalData": {"paymentLinkId": page.id}});
                    let sig = notification_hmac(&item, HMAC_HEX).unwrap();
                    item["additionalData"]["hmacSignature"] = json!(sig);
                    let body = serde_json::to_vec(
                        &json!({"live": "false", "notificationItems": [{"NotificationRequestItem": item}]}),
                    )
                    .unwrap();
                    assert_eq!(rig.post("/webhooks/adyen", &[], &body).await, 200);
                    "2.06 EUR".to_string()
                }
                Kind::PayPal => {
                    rig.fake.state.lock().unwrap().paid_instead = Some(("2.06".into(), "USD".into()));
                    let order = rig.fake.pay(&page.id);
                    assert_eq!(
                        rig.paypal_event(
                            "WH-APPROVED-1",
                            "CHECKOUT.ORDER.APPROVED",
                            "checkout-order",
                            &order,
                            "valid-signature"
                        )
                        .await,
                        200
                    );
                    "2.06 USD".to_string()
                }
                Kind::Square => {
                    rig.fake.pay(&page.id);
                    let mut paid = rig.fake.square_payment(&page.id);
                    paid["amount_money"] = json!({"amount": 206, "currency": "USD"});
                    assert_eq!(rig.square_event("ev-completed", &paid, "sq-key").await, 200);
                    "2.06 USD".to_string()
                }
                Kind::Braintree => unreachable!(),
            };
            let told = outbox(&rig.engine).await.split_off(before);
            assert_mismatch_escalated(&rig, &told, &said).await;
            // The purchase asked 20.60 in the account's currency; the lookup at expiry
            // does not credit it either.
            rig.engine.run_timers(t("2026-04-03T10:00:00Z")).await.unwrap();
            assert_eq!(rig.balance().await, Decimal::ZERO, "{kind:?} in {cur}");
        }
    }
}

impl Rig {
    /// A first purchase through Stripe Checkout (`/wallet buy 10`), paid: the session's
    /// webhook credits it and `payment_intent.succeeded` names the card Checkout saved
    /// (`setup_future_usage=off_session`). Returns the session's page.
    async fn buy_and_save_card(&self) -> providers_support::checkout::Page {
        self.say("/wallet buy 10", "2026-04-01T10:05:00Z").await;
        let page = self.fake.pages().remove(0);
        let paid = self.fake.pay(&page.id);
        assert_eq!(self.stripe_event("evt_paid", "checkout.session.completed", &paid, "whsec_test").await, 200);
        let page = self.fake.pages().remove(0);
        let pi = providers_support::checkout::stripe_session_intent(&page);
        assert_eq!(self.stripe_event("evt_pi", "payment_intent.succeeded", &pi, "whsec_test").await, 200);
        let audit = self.engine.store().audit(None).await.unwrap();
        assert!(
            audit.iter().any(|a| a.record.action == "wallet.payment_method_saved"),
            "the card is kept for auto-recharge"
        );
        page
    }

    /// Auto-recharge of 10 credits below `below`, then `n` conversations of usage.
    async fn use_with_recharge_below(&self, below: &str, at: &str) -> Vec<String> {
        use paydesk::domain::billing::{Account, AutoRecharge};
        let acct = Account {
            id: AccountId::new("acct-1".to_string()),
            currency: self.cur().await,
            auto_recharge: Some(AutoRecharge { below: d(below), credits: 10 }),
        };
        self.engine.seed_account(&acct, None, t(at)).await.unwrap();
        let before = outbox(&self.engine).await.len();
        self.clock.set(t(at));
        self.engine.handle(Event::Usage { account: acct.id.clone(), conversations: 1 }, t(at), None).await.unwrap();
        outbox(&self.engine).await.split_off(before)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stripe_auto_recharge_charges_the_saved_card_off_session_exactly_once() {
    for backend in common::backends() {
        let rig = rig_on(&backend, Kind::Stripe, "stripe").await;
        rig.buy_and_save_card().await;
        assert_eq!(rig.balance().await, d("20.00"));
        // Usage leaves the wallet below 25.00: the saved card is charged off-session.
        let out = rig.use_with_recharge_below("25.00", "2026-04-01T11:00:00Z").await;
        assert_eq!(rig.balance().await, d("20.00") - d("0.0125") + d("20.00"), "{out:?}");
        assert!(dms(&out).iter().any(|l| l.contains("auto-recharge is charging your saved card 20.60 USD")), "{out:?}");
        assert!(dms(&out).iter().any(|l| l.contains("Payment received") && l.contains("20.00 USD added")), "{out:?}");
        let key = "pd_pu_00000002-recharge";
        assert_eq!(rig.fake.state.lock().unwrap().charges_made.get(key), Some(&1), "{:?}", rig.fake.snapshot().1);
        // Its payment_intent.succeeded afterwards changes nothing.
        let pi = rig.fake.state.lock().unwrap().replays[key].1.clone();
        assert_eq!(rig.stripe_event("evt_pi_off", "payment_intent.succeeded", &pi, "whsec_test").await, 200);
        assert_eq!(rig.balance().await, d("39.9875"));

        // The answer is lost: the recharge stays pending, the next run asks again under
        // the same key (Stripe replays), and it is credited once.
        rig.fake.state.lock().unwrap().hang_next_charge = true;
        let out = rig.use_with_recharge_below("100.00", "2026-04-01T12:00:00Z").await;
        assert_eq!(rig.balance().await, d("39.9750"), "not credited on a lost answer: {out:?}");
        rig.engine.run_timers(t("2026-04-01T12:01:00Z")).await.unwrap();
        rig.engine.run_timers(t("2026-04-01T12:02:00Z")).await.unwrap();
        assert_eq!(rig.balance().await, d("59.9750"));
        assert_eq!(rig.fake.state.lock().unwrap().charges_made.get("pd_pu_00000003-recharge"), Some(&1));
        // One recharge at a time: more usage while none is pending starts the next.
        let mut tx = rig.engine.store().begin().await.unwrap();
        assert!(!tx.recharge_pending(&AccountId::new("acct-1".to_string())).await.unwrap());
        drop(tx);
        assert!(rig.fake.snapshot().1.is_empty(), "{:?}", rig.fake.snapshot().1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stripe_auto_recharge_needing_authentication_or_declined_credits_nothing_and_says_buy_by_link() {
    for backend in common::backends() {
        for (card, words) in
            [("authentication_required", "confirm the payment yourself"), ("card_declined", "declined")]
        {
            let rig = rig_on(&backend, Kind::Stripe, "stripe").await;
            rig.buy_and_save_card().await;
            rig.fake.state.lock().unwrap().card = card.into();
            let out = rig.use_with_recharge_below("25.00", "2026-04-01T11:00:00Z").await;
            assert_eq!(rig.balance().await, d("19.9875"), "nothing credited: {out:?}");
            assert!(
                dms(&out).iter().any(|l| l.contains("Auto-recharge could not charge your saved card")
                    && l.contains(words)
                    && l.contains("/wallet buy 10")),
                "{out:?}"
            );
            assert!(rig.fake.state.lock().unwrap().charges_made.is_empty());
            // Retries (timers, the expiry) never charge or credit it.
            rig.engine.run_timers(t("2026-04-01T11:01:00Z")).await.unwrap();
            rig.engine.run_timers(t("2026-04-02T11:01:00Z")).await.unwrap();
            assert_eq!(rig.balance().await, d("19.9875"));
            let audit = rig.engine.store().audit(None).await.unwrap();
            assert_eq!(audit.iter().filter(|a| a.record.action == "wallet.purchase_failed").count(), 1);
            assert!(rig.fake.snapshot().1.is_empty(), "{:?}", rig.fake.snapshot().1);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stripe_checkout_and_auto_recharge_in_jpy_and_three_decimal_kwd() {
    for backend in common::backends() {
        // The default policy in JPY rounds 20.60 to whole yen (21); KWD keeps three decimals (20.600).
        for (code, units) in [("JPY", 21i64), ("KWD", 20600)] {
            let cur = Currency::from_code(code).unwrap();
            let rig = rig_in(&backend, Kind::Stripe, "stripe", cur).await;
            let page = rig.buy_and_save_card().await;
            assert_eq!(
                (page.currency.as_str(), page.amount.parse::<i64>().unwrap()),
                (code.to_ascii_lowercase().as_str(), units),
                "{page:?}"
            );
            let bought = rig.balance().await;
            assert!(bought > Decimal::ZERO, "{code}");
            let out = rig.use_with_recharge_below("100000", "2026-04-01T11:00:00Z").await;
            assert!(rig.balance().await > bought, "{code}: {out:?}");
            let st = rig.fake.state.lock().unwrap();
            let pi = &st.replays["pd_pu_00000002-recharge"].1;
            assert_eq!(
                (pi["currency"].as_str(), pi["amount"].as_i64()),
                (Some(code.to_ascii_lowercase().as_str()), Some(units)),
                "{pi}"
            );
            assert!(st.problems.is_empty(), "{:?}", st.problems);
        }
    }
}
