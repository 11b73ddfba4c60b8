//! Unit tests of `[providers.*]` parsing and building.

use super::*;

fn env(k: &str) -> Option<String> {
    Some(format!("value-of-{k}"))
}

#[test]
fn parses_and_builds_every_provider() {
    let raw: toml::Value = toml::from_str(
        r#"
        [stripe]
        base_url = "http://127.0.0.1:9/"
        timeout_ms = 500
        [paypal]
        webhook_id = "WH-1"
        [adyen]
        merchant_account = "PaydeskECOM"
        [square]
        version = "2024-06-04"
        webhook_url = "https://bot.example.com/webhooks/square"
        [braintree]
        [mollie]
        [woocommerce]
        base_url = "https://shop.example.com"
        [klarna]
        [chargebee]
        base_url = "https://acme-test.chargebee.com"
        [shopify]
        base_url = "https://acme.myshopify.com"
        "#,
    )
    .unwrap();
    let p = Providers::build(Some(&raw), "t.toml", &env, None).unwrap();
    let names: Vec<&str> = p.connectors.iter().map(|c| c.name()).collect();
    assert_eq!(
        names,
        ["adyen", "braintree", "chargebee", "klarna", "mollie", "paypal", "shopify", "square", "stripe", "woocommerce"]
    );
    assert!(p.webhooks.chargebee.is_some() && p.webhooks.shopify.is_some());
    assert!(p.webhooks.stripe.is_some() && p.webhooks.adyen.is_some() && p.webhooks.square.is_some());
    assert_eq!(p.webhooks.paypal.as_ref().unwrap().0, "WH-1");
}

#[test]
fn refuses_secrets_unknown_names_and_missing_env() {
    let t = |s: &str| toml::from_str::<toml::Value>(s).unwrap();
    let e = parse(Some(&t("[stripe]\napi_key = \"sk_live_x\"")), "b.toml").unwrap_err().to_string();
    assert!(e.contains("only from the environment") && !e.contains("sk_live_x"), "{e}");
    assert!(parse(Some(&t("[strype]")), "b.toml").unwrap_err().to_string().contains("unknown provider"));
    assert!(parse(Some(&t("[adyen]")), "b.toml").unwrap_err().to_string().contains("merchant_account"));
    assert!(parse(Some(&t("[stripe]\ncolour = 1")), "b.toml").is_err());
    let none = |_: &str| None;
    let e = Providers::build(Some(&t("[paypal]")), "b.toml", &none, None).err().unwrap().to_string();
    assert!(e.contains("PAYDESK_PAYPAL_CLIENT_ID"), "{e}");
    let e = Providers::build(Some(&t("[klarna]")), "b.toml", &none, None).err().unwrap().to_string();
    assert!(e.contains("PAYDESK_KLARNA_USERNAME"), "{e}");
    let no_password = |k: &str| (k != "PAYDESK_KLARNA_PASSWORD").then(|| format!("value-of-{k}"));
    let e = Providers::build(Some(&t("[klarna]")), "b.toml", &no_password, None).err().unwrap().to_string();
    assert!(e.contains("PAYDESK_KLARNA_PASSWORD"), "{e}");
    assert!(parse(Some(&t("[klarna]\npassword = \"x\"")), "b.toml").is_err());
}

#[test]
fn woocommerce_needs_its_store_over_https_and_both_keys() {
    let t = |s: &str| toml::from_str::<toml::Value>(s).unwrap();
    assert!(parse(Some(&t("[woocommerce]")), "b.toml").unwrap_err().to_string().contains("base_url is required"));
    let e = parse(Some(&t("[woocommerce]\nbase_url = \"http://shop.example.com\"")), "b.toml").unwrap_err().to_string();
    assert!(e.contains("https"), "{e}");
    assert!(parse(Some(&t("[woocommerce]\nbase_url = \"http://127.0.0.1:8080\"")), "b.toml").is_ok());
    let e = parse(Some(&t("[woocommerce]\nbase_url = \"https://s\"\nconsumer_key = \"ck_live\"")), "b.toml")
        .unwrap_err()
        .to_string();
    assert!(e.contains("only from the environment") && !e.contains("ck_live"), "{e}");
    let raw = t("[woocommerce]\nbase_url = \"https://shop.example.com\"");
    let no_secret = |k: &str| (k != "PAYDESK_WOOCOMMERCE_CONSUMER_SECRET").then(|| format!("value-of-{k}"));
    let e = Providers::build(Some(&raw), "b.toml", &no_secret, None).err().unwrap().to_string();
    assert!(e.contains("PAYDESK_WOOCOMMERCE_CONSUMER_SECRET"), "{e}");
    let none = |_: &str| None;
    let e = Providers::build(Some(&raw), "b.toml", &none, None).err().unwrap().to_string();
    assert!(e.contains("PAYDESK_WOOCOMMERCE_CONSUMER_KEY"), "{e}");
    let p = Providers::build(Some(&raw), "b.toml", &env, None).unwrap();
    assert!(p.webhooks.woocommerce.is_some());
}

#[test]
fn chargebee_and_shopify_need_their_site_and_keys() {
    let t = |s: &str| toml::from_str::<toml::Value>(s).unwrap();
    for name in ["chargebee", "shopify"] {
        assert!(parse(Some(&t(&format!("[{name}]"))), "b.toml")
            .unwrap_err()
            .to_string()
            .contains("base_url is required"));
        let e = parse(Some(&t(&format!("[{name}]\nbase_url = \"http://x.example.com\""))), "b.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("https"), "{e}");
    }
    let none = |_: &str| None;
    let raw = t("[chargebee]\nbase_url = \"https://acme-test.chargebee.com\"");
    let e = Providers::build(Some(&raw), "b.toml", &none, None).err().unwrap().to_string();
    assert!(e.contains("PAYDESK_CHARGEBEE_API_KEY"), "{e}");
    let half = |k: &str| (k != "PAYDESK_CHARGEBEE_WEBHOOK_PASSWORD").then(|| format!("value-of-{k}"));
    let e = Providers::build(Some(&raw), "b.toml", &half, None).err().unwrap().to_string();
    assert!(e.contains("PAYDESK_CHARGEBEE_WEBHOOK_PASSWORD"), "{e}");
    let raw = t("[shopify]\nbase_url = \"https://acme.myshopify.com\"");
    let e = Providers::build(Some(&raw), "b.toml", &none, None).err().unwrap().to_string();
    assert!(e.contains("PAYDESK_SHOPIFY_ACCESS_TOKEN"), "{e}");
    assert!(parse(Some(&t("[shopify]\nbase_url = \"https://a.myshopify.com\"\naccess_token = \"shpat_x\"")), "b.toml")
        .is_err());
}

#[test]
fn amazon_pay_needs_its_key_id_and_private_key_and_a_known_region() {
    let t = |s: &str| toml::from_str::<toml::Value>(s).unwrap();
    let none = |_: &str| None;
    let e = Providers::build(Some(&t("[amazon_pay]")), "b.toml", &none, None).err().unwrap().to_string();
    assert!(e.contains("PAYDESK_AMAZON_PAY_PUBLIC_KEY_ID"), "{e}");
    let no_key = |k: &str| (k == "PAYDESK_AMAZON_PAY_PUBLIC_KEY_ID").then(|| "AFVX7ULWSGBZ5535PCUQOY7B".to_string());
    let e = Providers::build(Some(&t("[amazon_pay]")), "b.toml", &no_key, None).err().unwrap().to_string();
    assert!(e.contains("PAYDESK_AMAZON_PAY_PRIVATE_KEY") && e.contains("_PATH"), "{e}");
    // Not a key: refused without quoting it.
    let bad_pem = |k: &str| {
        Some(if k == "PAYDESK_AMAZON_PAY_PRIVATE_KEY" { "not-a-pem-secret-123".to_string() } else { "ID".to_string() })
    };
    let e = Providers::build(Some(&t("[amazon_pay]")), "b.toml", &bad_pem, None).err().unwrap().to_string();
    assert!(e.contains("not an RSA private key") && !e.contains("not-a-pem-secret-123"), "{e}");
    assert!(parse(Some(&t("[amazon_pay]\nregion = \"mars\"")), "b.toml")
        .unwrap_err()
        .to_string()
        .contains("us, eu, uk or jp"));
    assert!(parse(Some(&t("[amazon_pay]\nprivate_key = \"x\"")), "b.toml")
        .unwrap_err()
        .to_string()
        .contains("only from the environment"));
    assert_eq!(amazon_pay_base_url(amazon_pay::Region::Eu, "AFVX7"), "https://pay-api.amazon.eu/sandbox");
    assert_eq!(amazon_pay_base_url(amazon_pay::Region::Us, "LIVE-AFVX7"), "https://pay-api.amazon.com");
}

#[test]
fn adyen_needs_its_hmac_key_and_a_listener() {
    // Adyen's outcomes only arrive by webhook: without the HMAC key or the HTTP
    // listener a refund could never finish.
    let t = |s: &str| toml::from_str::<toml::Value>(s).unwrap();
    let raw = t("[adyen]\nmerchant_account = \"M\"");
    let no_hmac = |k: &str| (k != "PAYDESK_ADYEN_WEBHOOK_SECRET").then(|| format!("value-of-{k}"));
    let e = Providers::build(Some(&raw), "b.toml", &no_hmac, None).err().unwrap().to_string();
    assert!(e.contains("PAYDESK_ADYEN_WEBHOOK_SECRET"), "{e}");
    let settings = parse(Some(&raw), "b.toml").unwrap();
    let e = require_listener(&settings, None, "b.toml").unwrap_err().to_string();
    assert!(e.contains("[http] listen") && e.contains("adyen"), "{e}");
    assert!(require_listener(&settings, Some("127.0.0.1:8080"), "b.toml").is_ok());
    assert!(require_listener(&parse(Some(&t("[stripe]")), "b.toml").unwrap(), None, "b.toml").is_ok());
}

#[test]
fn the_example_config_providers_parse() {
    // bot.toml.example documents every provider, commented out; uncommented they must parse.
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/bot.toml.example")).unwrap();
    let mut section = String::new();
    let mut on = false;
    for line in text.lines() {
        let l = line.trim_start_matches('#').trim_start();
        if l.starts_with("[providers.") && !l.starts_with("[providers.<") {
            on = true;
        } else if l.starts_with('[') {
            on = false;
        }
        if on && line.starts_with('#') && (l.starts_with('[') || l.contains(" = ")) {
            section.push_str(l.strip_prefix("providers.").unwrap_or(l));
            section.push('\n');
        }
    }
    let section = section.replace("[providers.", "[");
    let raw: toml::Value = toml::from_str(&section).unwrap_or_else(|e| panic!("{e}\n{section}"));
    let parsed = parse(Some(&raw), "bot.toml.example").unwrap();
    assert_eq!(parsed.len(), PROVIDERS.len(), "{section}");
}
