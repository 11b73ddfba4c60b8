//! Configuration (`Config::from_parts`, then the `[providers.*]`, `[http]` and `[discord]`
//! tables and shard ranges): never panics; a refusal names the file or the environment
//! variable; an accepted config keeps the policy's own limits.
//! Input: TOML text, optionally followed by a 0xFF byte and a value every `PAYDESK_*`
//! variable then has.
#![no_main]
use libfuzzer_sys::fuzz_target;
use paydesk::adapters::http::HttpConfig;
use paydesk::adapters::payments::setup;
use paydesk::adapters::surfaces::discord::config::{DiscordConfig, Shards};
use paydesk::config::Config;
use rust_decimal::Decimal;

const SOURCE: &str = "fuzz.toml";

fuzz_target!(|data: &[u8]| {
    let (toml_part, env_part) = match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    let Ok(text) = std::str::from_utf8(toml_part) else { return };
    let env_value = match env_part.map(std::str::from_utf8) {
        Some(Ok(v)) => Some(v.to_string()),
        Some(Err(_)) => return,
        None => None,
    };
    let env = |_: &str| env_value.clone();
    match Config::from_parts(text, SOURCE, &env) {
        Ok(c) => {
            let p = &c.engine.policy;
            assert!(p.credit_value > Decimal::ZERO && p.credit_price > Decimal::ZERO);
            assert!(p.fee_rate >= Decimal::ZERO && p.fee_rate < Decimal::ONE);
            assert!(!c.engine.approve_emojis.is_empty() && !c.engine.reject_emojis.is_empty());
            assert!(c.engine.approve_emojis.iter().all(|a| !c.engine.reject_emojis.contains(a)));
            let _ = setup::parse(c.providers.as_ref(), SOURCE);
            let _ = HttpConfig::from_toml(c.http.as_ref(), SOURCE);
            if let Some(d) = &c.discord {
                let _ = DiscordConfig::from_toml(d, SOURCE);
            }
        }
        Err(e) => {
            let m = format!("{e:#}");
            assert!(m.contains(SOURCE) || m.contains("environment variable PAYDESK_"), "the refusal names neither file nor variable: {m}");
        }
    }
    let _ = Shards::parse(text);
});
