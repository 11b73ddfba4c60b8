use super::*;
use crate::domain::money::Currency;
use crate::domain::policy::Policy;
use rust_decimal::Decimal;

fn no_env(_: &str) -> Option<String> {
    None
}

#[test]
fn defaults_match_the_policy() {
    let c = Config::from_parts("", "defaults", &no_env).unwrap();
    assert_eq!(c.engine.policy, Policy::default());
    assert_eq!(c.store_url, DEFAULT_STORE_URL);
    assert_eq!(c.engine.approve_emojis, vec!["✅"]);
}

#[test]
fn the_example_file_is_valid_and_says_the_defaults() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/bot.toml.example")).unwrap();
    let c = Config::from_parts(&text, "bot.toml.example", &no_env).unwrap();
    assert_eq!(c.engine.policy, Policy::default());
}

#[test]
fn auto_approve_above_the_two_lead_threshold_is_refused() {
    let e =
        Config::from_parts("[policy]\nauto_approve_below = \"600.00\"\n", "bot.toml", &no_env).unwrap_err().to_string();
    assert!(e.contains("auto_approve_below") && e.contains("two_lead_threshold"), "{e}");
    let ok = Config::from_parts(
        "[policy]\nauto_approve_below = \"25\"\nauto_approve_daily_limit = \"60\"\n",
        "bot.toml",
        &no_env,
    )
    .unwrap();
    assert_eq!(ok.engine.policy.auto_approve_daily_limit(), Decimal::from(60));
}

#[test]
fn money_settings_per_currency_are_read_whole() {
    let text = "[policy.currencies.JPY]\ncredit_value = \"300\"\ncredit_price = \"300\"\nconversation_charge = \"2\"\n\
                    two_lead_threshold = \"75000\"\ngoodwill_two_lead_above = \"15000\"\nauto_approve_below = \"3000\"\n";
    let c = Config::from_parts(text, "bot.toml", &no_env).unwrap();
    let jpy = Currency::from_code("JPY").unwrap();
    assert_eq!(c.engine.policy.in_currency(jpy).unwrap().two_lead_threshold, Decimal::from(75000));
    assert!(c.engine.policy.in_currency(Currency::USD).is_err(), "USD has no table once tables are used");
    let missing = Config::from_parts("[policy.currencies.JPY]\ncredit_value = \"300\"\n", "bot.toml", &no_env)
        .unwrap_err()
        .to_string();
    assert!(missing.contains("policy.currencies.JPY.credit_price is missing"), "{missing}");
    let bad = Config::from_parts("[policy.currencies.XYZ]\n", "bot.toml", &no_env).unwrap_err().to_string();
    assert!(bad.contains("unknown currency `XYZ`"), "{bad}");
}

#[test]
fn question_expiry_is_configurable() {
    let c = Config::from_parts("", "b.toml", &no_env).unwrap();
    assert_eq!(c.engine.question_expiry, Duration::hours(24));
    let c = Config::from_parts("[chat]\nquestion_expiry_hours = 2\n", "b.toml", &no_env).unwrap();
    assert_eq!(c.engine.question_expiry, Duration::hours(2));
    let err = Config::from_parts("[chat]\nquestion_expiry_hours = 0\n", "b.toml", &no_env).unwrap_err().to_string();
    assert!(err.contains("chat.question_expiry_hours") && err.contains("1 to 720"), "{err}");
}

#[test]
fn pending_escalation_is_configurable() {
    let c = Config::from_parts("", "b.toml", &no_env).unwrap();
    assert_eq!(c.engine.pending_escalation, Duration::hours(24));
    let c = Config::from_parts("[providers]\npending_escalation_hours = 6\n", "b.toml", &no_env).unwrap();
    assert_eq!(c.engine.pending_escalation, Duration::hours(6));
    let e =
        Config::from_parts("[providers]\npending_escalation_hours = 0\n", "b.toml", &no_env).err().unwrap().to_string();
    assert!(e.contains("b.toml") && e.contains("pending_escalation_hours"), "{e}");
}

#[test]
fn wallet_provider_needs_a_configured_checkout_provider_and_a_return_url() {
    let c = Config::from_parts("", "b.toml", &no_env).unwrap();
    assert_eq!(c.engine.wallet.provider, "sandbox");
    let ok = "[wallet]\nprovider = \"stripe\"\nreturn_url = \"https://example.com/paid\"\n[providers.stripe]\n";
    assert_eq!(Config::from_parts(ok, "b.toml", &no_env).unwrap().engine.wallet.provider, "stripe");
    let cases = [
        (
            "[wallet]\nprovider = \"stripe\"\nreturn_url = \"https://example.com/paid\"\n",
            "[providers.stripe] is not configured",
        ),
        ("[wallet]\nprovider = \"stripe\"\n[providers.stripe]\n", "wallet.return_url is required"),
        ("[wallet]\nprovider = \"braintree\"\n[providers.braintree]\n", "no hosted payment page"),
        ("[wallet]\nprovider = \"mollie\"\nreturn_url = \"ftp://x\"\n[providers.mollie]\n", "not an http(s) URL"),
        (
            "[wallet]\nprovider = \"square\"\nreturn_url = \"https://example.com/paid\"\n[providers.square]\n",
            "providers.square.location_id",
        ),
    ];
    for p in ["paypal", "square"] {
        let text = format!("[wallet]\nprovider = \"{p}\"\nreturn_url = \"https://example.com/paid\"\n[providers.{p}]\nlocation_id = \"L1\"\n");
        assert_eq!(Config::from_parts(&text, "b.toml", &no_env).unwrap().engine.wallet.provider, p);
    }
    for (text, want) in cases {
        let e = Config::from_parts(text, "b.toml", &no_env).unwrap_err().to_string();
        assert!(e.contains(want) && e.contains("b.toml"), "{text:?}: {e}");
    }
}

#[test]
fn env_overrides_the_file() {
    let env = |k: &str| match k {
        "PAYDESK_POLICY_FEE_RATE" => Some("0.05".to_string()),
        "PAYDESK_STORE_URL" => Some("sqlite:other.db".to_string()),
        "PAYDESK_CHAT_APPROVE_EMOJIS" => Some("👍, ✅".to_string()),
        _ => None,
    };
    let c = Config::from_parts("[policy]\nfee_rate = \"0.04\"\n", "bot.toml", &env).unwrap();
    assert_eq!(c.engine.policy.fee_rate, Decimal::new(5, 2));
    assert_eq!(c.store_url, "sqlite:other.db");
    assert_eq!(c.engine.approve_emojis, vec!["👍", "✅"]);
}

#[test]
fn errors_name_the_key_and_the_file() {
    let cases = [
        ("[policy]\nfee_rate = 0.03\n", "bot.toml: policy.fee_rate"),
        ("[policy]\nfee_rate = \"abc\"\n", "bot.toml: policy.fee_rate"),
        ("[policy]\nfull_refund_days = \"x\"\n", "bot.toml: policy.full_refund_days"),
        ("[policy]\nfull_refund_days = -1\n", "bot.toml: policy.full_refund_days"),
        ("[policy]\nfee_rat = \"0.03\"\n", "fee_rat"),
        ("[chat]\ndefault_currency = \"XXX\"\n", "chat.default_currency"),
        ("[chat]\napprove_emojis = []\n", "chat.approve_emojis"),
        ("[log]\nformat = \"xml\"\n", "log.format"),
        ("not toml at all [", "bot.toml"),
    ];
    for (text, want) in cases {
        let e = Config::from_parts(text, "bot.toml", &no_env).unwrap_err().to_string();
        assert!(e.contains(want), "{text:?}: {e}");
    }
}

#[test]
fn store_urls_that_cannot_work_are_refused_naming_the_key() {
    for (url, want) in [
        ("mysql://x", "not supported"),
        ("paydesk.db", "sqlite:paydesk.db"),
        ("sqlite:", "sqlite:FILE"),
        ("postgres:db", "postgres://"),
    ] {
        let e =
            Config::from_parts(&format!("[store]\nurl = \"{url}\"\n"), "bot.toml", &no_env).unwrap_err().to_string();
        assert!(e.contains("bot.toml: store.url") && e.contains(want), "{url}: {e}");
    }
    let env = |k: &str| (k == "PAYDESK_STORE_URL").then(|| "mysql://x".to_string());
    let e = Config::from_parts("", "bot.toml", &env).unwrap_err().to_string();
    assert!(e.contains("PAYDESK_STORE_URL"), "{e}");
    for url in [
        "sqlite:paydesk.db",
        "sqlite::memory:",
        "sqlite:///var/lib/paydesk/paydesk.db?mode=rwc",
        "postgres://bot:pw@db/paydesk",
    ] {
        assert!(Config::from_parts(&format!("[store]\nurl = \"{url}\"\n"), "bot.toml", &no_env).is_ok(), "{url}");
    }
}

#[test]
fn the_effective_configuration_is_toml_with_the_password_masked() {
    let c =
        Config::from_parts("[store]\nurl = \"postgres://bot:hunter2@db/paydesk\"\n[policy]\nfee_rate = \"0.04\"\n[policy.currencies.JPY]\ncredit_value = \"300\"\ncredit_price = \"300\"\nconversation_charge = \"2\"\ntwo_lead_threshold = \"75000\"\ngoodwill_two_lead_above = \"15000\"\n[chat]\ndaily_summary_hour = 9\n", "bot.toml", &no_env).unwrap();
    let text = c.effective_toml();
    assert!(!text.contains("hunter2"), "{text}");
    let back: toml::Value = toml::from_str(&text).unwrap();
    assert_eq!(back["store"]["url"].as_str(), Some("postgres://bot:***@db/paydesk"));
    assert_eq!(back["policy"]["fee_rate"].as_str(), Some("0.04"));
    assert_eq!(back["policy"]["auto_approve_below"].as_str(), Some("off"));
    // What it prints is itself a valid configuration with the same policy.
    let again = Config::from_parts(&text.replace("bot:***@", "bot@"), "printed", &no_env).unwrap();
    assert_eq!(again.engine.policy, c.engine.policy);
    assert_eq!(again.engine.daily_summary_hour, Some(9));
    assert_eq!(back["wallet"]["provider"].as_str(), Some("sandbox"), "{text}");
    assert_eq!(again.engine.wallet, c.engine.wallet);
    let paid = Config::from_parts(
        "[wallet]\nprovider = \"stripe\"\nreturn_url = \"https://example.com/paid\"\n[providers.stripe]\nbase_url = \"https://api.stripe.com\"\n",
        "bot.toml",
        &no_env,
    )
    .unwrap();
    let text = paid.effective_toml();
    let back: toml::Value = toml::from_str(&text).unwrap();
    assert_eq!(back["wallet"]["provider"].as_str(), Some("stripe"), "{text}");
    assert_eq!(back["wallet"]["return_url"].as_str(), Some("https://example.com/paid"), "{text}");
    assert_eq!(Config::from_parts(&text, "printed", &no_env).unwrap().engine.wallet, paid.engine.wallet);
}

#[test]
fn secrets_and_passwords_never_print() {
    let s = Secret::new("hunter2");
    assert_eq!(format!("{s:?} {s}"), "Secret(***) ***");
    assert_eq!(redact_url("postgres://bot:hunter2@db:5432/x"), "postgres://bot:***@db:5432/x");
    assert_eq!(redact_url("sqlite:paydesk.db"), "sqlite:paydesk.db");
    let mut cfg = Config::from_parts("", "bot.toml", &|_| None).expect("defaults are valid");
    cfg.store_url = "postgres://bot:hunter2@db:5432/x".into();
    let shown = format!("{cfg:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("postgres://bot:***@db:5432/x"), "{shown}");
}
