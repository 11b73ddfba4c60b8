//! A transcript whose charge names a real provider (`"provider":"stripe"`), replayed by
//! the built binary with `--config` pointing at a local fake Stripe: paid once, through
//! a clean answer and through an answer that never comes.

use crate::providers_support::{Answer, Fake, Kind, API_KEY};
use std::process::Command;

async fn replay_against(answer: Answer) -> (String, String, Fake) {
    let fake = Fake::start(Kind::Stripe, &[answer]).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("bot.toml");
    std::fs::write(
        &cfg,
        format!("[providers.stripe]\nbase_url = \"{}\"\ntimeout_ms = 400\nbackoff_ms = 20\n", fake.base_url()),
    )
    .unwrap();
    let transcript = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/providers/stripe.jsonl");
    let cfg2 = cfg.clone();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_paydesk"))
            .args(["replay", "--config"])
            .arg(&cfg2)
            .arg(transcript)
            .env("PAYDESK_STRIPE_API_KEY", API_KEY)
            .env("PAYDESK_LOG", "info")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    (stdout, stderr, fake)
}

fn refunds_in_state(stdout: &str) -> Vec<serde_json::Value> {
    let state: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    state["refunds"].as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stripe_transcript_pays_once() {
    for answer in [Answer::Ok, Answer::Hang, Answer::RateLimited] {
        let (stdout, stderr, fake) = replay_against(answer).await;
        let refunds = refunds_in_state(&stdout);
        assert_eq!(refunds.len(), 1, "{answer:?}: {stdout}");
        assert_eq!(refunds[0]["status"], "succeeded", "{answer:?}: {stdout}\n{stderr}");
        assert_eq!(refunds[0]["provider_ref"], "re_fake_1");
        let (creations, problems) = fake.snapshot();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(creations.values().sum::<u32>(), 1, "{answer:?}");
        assert!(stdout.contains(r#""type":"refund""#) && stdout.contains("re_fake_1"));
        // The key never shows in logs.
        assert!(!stderr.contains(API_KEY) && !stdout.contains(API_KEY), "secret leaked");
    }
}

#[test]
fn a_configured_provider_without_its_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("bot.toml");
    std::fs::write(&cfg, "[providers.stripe]\nbase_url = \"http://127.0.0.1:9\"\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_paydesk"))
        .args(["replay", "--config"])
        .arg(&cfg)
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/providers/stripe.jsonl"))
        .env_remove("PAYDESK_STRIPE_API_KEY")
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("PAYDESK_STRIPE_API_KEY"));
}
