//! The engine queries the store for due timers only when something can be due: the
//! next due time is kept in memory and trusted only while no refund row changed.
//! Both backends.

use crate::common::{backends, engine_on, fresh_db};
use paydesk::adapters::surfaces::replay::{self, JsonLines};

const FIXTURES: &str = r#"{"type":"account","id":"acct-1","currency":"USD","wallet":"10.00"}
{"type":"user","id":"ana","roles":["customer"],"account":"acct-1"}
{"type":"user","id":"bo","roles":["agent"]}
{"type":"user","id":"kim","roles":["lead"]}
{"type":"charge","id":"ch_1","account":"acct-1","amount":"49.00","currency":"USD","at":"2026-04-01T10:00:00Z","method":"card","card_last4":"4242","kind":"product","description":"Pack"}
"#;

fn chatter(from_minute: u32, n: u32, day: u32) -> String {
    (0..n)
        .map(|i| {
            format!(
                r#"{{"type":"message","at":"2026-04-{day:02}T10:{:02}:00Z","user":"ana","text":"how much credit do I have left?"}}"#,
                from_minute + i
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

async fn run(text: &str, url: &str) -> (u64, String, serde_json::Value) {
    let (engine, sandbox, clock, _store) = engine_on(url, "w1", |s| s).await;
    let out = JsonLines(std::sync::Mutex::new(Vec::new()));
    replay::run(replay::parse(text).expect("valid"), &engine, &sandbox, &clock, &out).await.expect("replay");
    let state = replay::state_line(&engine, &sandbox).await.expect("state");
    (engine.timer_passes(), String::from_utf8(out.0.into_inner().expect("lock")).expect("utf8"), state)
}

#[tokio::test]
async fn events_that_change_no_refund_run_no_timer_queries() {
    for b in backends() {
        let db = fresh_db(&b).await;
        let text = format!("{FIXTURES}{}\n", chatter(0, 30, 2));
        let (passes, _, _) = run(&text, &db.url).await;
        // Without the hint: two passes per event (60). With it: the first event's.
        assert!(passes <= 2, "{passes} timer passes for 30 events that change no refund");
    }
}

#[tokio::test]
async fn a_request_still_expires_and_an_approval_is_still_paid_at_once() {
    for b in backends() {
        let db = fresh_db(&b).await;
        // A request on day 2; chatter while it waits; chatter after its expiry (no tick).
        let text = format!(
            "{FIXTURES}{}\n{}\n{}\n",
            r#"{"type":"message","at":"2026-04-02T09:00:00Z","user":"bo","text":"/refund ch_1"}"#,
            chatter(0, 10, 2),
            chatter(0, 2, 9)
        );
        let (passes, out, state) = run(&text, &db.url).await;
        assert_eq!(state["refunds"][0]["status"], "expired", "{out}");
        assert!(passes < 10, "{passes} passes");

        // Approved: paid within the approving event, whatever the hint said before it.
        let db = fresh_db(&b).await;
        let text = format!(
            "{FIXTURES}{}\n{}\n{}\n{}\n",
            r#"{"type":"message","at":"2026-04-02T09:00:00Z","user":"bo","text":"/refund ch_1"}"#,
            chatter(0, 5, 2),
            r#"{"type":"react","at":"2026-04-02T10:30:00Z","user":"kim","emoji":"✅","on":"approval:RF-000001"}"#,
            chatter(31, 5, 2)
        );
        let (_, out, state) = run(&text, &db.url).await;
        assert_eq!(state["refunds"][0]["status"], "succeeded", "{out}");
        let paid_line = out.lines().position(|l| l.contains("Paid: refund")).expect("paid");
        let next_question = out
            .lines()
            .enumerate()
            .filter(|(_, l)| l.contains("wallet balance"))
            .map(|(i, _)| i)
            .nth(5)
            .expect("later answer");
        assert!(paid_line < next_question, "paid before the next event was answered");
    }
}
