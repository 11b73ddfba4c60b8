//! `paydesk gen-transcript --events N --seed S`: a realistic, deterministic load for
//! `paydesk replay` and `paydesk bench`.
//!
//! Customers with accounts and charges of every kind (product on card, credits on PayPal,
//! a subscription, bank), staff (agents and leads), and interleaved episodes: chatter,
//! thanks, balance questions, usage, refund requests that an agent files and a lead
//! approves or rejects, complaints about non-refundable charges, provider faults before an
//! approval, and messages carrying a card number (which the bot must redact).
//!
//! The same `(events, seed)` always gives the same bytes: the random numbers come from a
//! fixed generator (SplitMix64), never from the clock.

use chrono::{DateTime, Duration, Utc};
use std::io::Write;

use crate::nlu::model::Rng;

/// Picks one of `items`.
fn pick<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    items[rng.below(items.len() as u64) as usize]
}

const CHATTER: &[&str] =
    &["hi there", "hello, anyone around?", "ok", "good morning", "is the service down today?", "cool"];
const THANKS: &[&str] = &["thanks!", "thank you so much", "great, thanks", "ty"];
const BALANCE: &[&str] =
    &["how much credit do I have left?", "what is my wallet balance?", "how many credits are left on my account?"];
const COMPLAINTS: &[&str] = &[
    "I want a refund for {ch}, it does not work",
    "please refund {ch}, the pack never arrived",
    "I want my money back for {ch}, it broke after a day",
    "refund {ch} please, I did not get what I paid for",
];
const CARD_COMPLAINTS: &[&str] =
    &["I want a refund for {ch}, my card 4242 4242 4242 4242 was charged and it does not work"];
const DUPLICATES: &[&str] = &["I was charged twice for {ch}, please refund", "double charge on {ch}!"];

/// One line of the event part, before case numbers are known.
struct Pending {
    at: DateTime<Utc>,
    seq: u64,
    text: String,
    /// The episode whose case this line opens (its complaint).
    opens: Option<u64>,
    /// The episode whose case this line reacts on (`{case}` in `text`).
    case_of: Option<u64>,
}

/// Writes a transcript of exactly `events` events (plus the fixture lines they need).
pub fn generate(events: usize, seed: u64, out: &mut dyn Write) -> std::io::Result<()> {
    let mut rng = Rng(seed ^ 0x5EED_0000_0000_0000);
    let start = DateTime::parse_from_rfc3339("2026-05-01T09:00:00Z").map(|t| t.with_timezone(&Utc)).unwrap_or_default();
    let customers = (events / 12).max(1);
    let agents = ["bo", "ines", "tom"];
    let leads = ["kim", "raj"];
    for a in agents {
        writeln!(out, r#"{{"type":"user","id":"{a}","roles":["agent"]}}"#)?;
    }
    for l in leads {
        writeln!(out, r#"{{"type":"user","id":"{l}","roles":["lead"]}}"#)?;
    }
    for c in 0..customers {
        let wallet = 5 + rng.below(40);
        writeln!(
            out,
            r#"{{"type":"account","id":"acct-{c}","currency":"USD","wallet":"{wallet}.00","auto_recharge":{{"below":"1.00","credits":10}}}}"#
        )?;
        writeln!(out, r#"{{"type":"user","id":"cust-{c}","roles":["customer"],"account":"acct-{c}"}}"#)?;
    }
    let mut lines: Vec<Pending> = Vec::with_capacity(events);
    let mut charges: Vec<String> = Vec::new();
    let mut seq = 0u64;
    let mut t = start + Duration::hours(1);
    let mut episode = 0u64;
    let mut faults = 0;
    while lines.len() - faults < events {
        episode += 1;
        let c = rng.below(customers as u64);
        let user = format!("cust-{c}");
        let account = format!("acct-{c}");
        t += Duration::seconds(1 + rng.below(20) as i64);
        let mut at = t;
        let mut push = |lines: &mut Vec<Pending>, step: i64, text: String, opens: Option<u64>, case_of: Option<u64>| {
            at += Duration::seconds(step);
            seq += 1;
            lines.push(Pending { at, seq, text, opens, case_of });
        };
        let msg = |at_user: &str, text: &str| {
            format!(r#"{{"type":"message","at":"{{at}}","user":"{at_user}","text":"{text}"}}"#)
        };
        let kind = rng.below(100);
        match kind {
            0..=19 => push(&mut lines, 0, msg(&user, pick(&mut rng, CHATTER)), None, None),
            20..=29 => push(&mut lines, 0, msg(&user, pick(&mut rng, THANKS)), None, None),
            30..=44 => push(&mut lines, 0, msg(&user, pick(&mut rng, BALANCE)), None, None),
            45..=59 => {
                let n = 1 + rng.below(20);
                push(
                    &mut lines,
                    0,
                    format!(r#"{{"type":"usage","at":"{{at}}","account":"{account}","conversations":{n}}}"#),
                    None,
                    None,
                )
            }
            60..=67 => {
                // A duplicate-charge complaint about credits: a case opens, rule 3 refuses.
                let ch = format!("ch_{episode}");
                charges.push(charge_line(&ch, &account, "19.00", t - Duration::days(2), "paypal", None, "credits"));
                push(&mut lines, 0, msg(&user, &pick(&mut rng, DUPLICATES).replace("{ch}", &ch)), Some(episode), None);
                push(
                    &mut lines,
                    5 + rng.below(60) as i64,
                    msg(agents[rng.below(3) as usize], &format!("/refund {ch} duplicate")),
                    None,
                    None,
                );
            }
            _ => {
                // A refund request: complaint, the agent files it, a lead decides.
                let ch = format!("ch_{episode}");
                let (amount, method, last4, kind) = match rng.below(4) {
                    0 => ("49.00", "card", Some("4242"), "product"),
                    1 => ("12.50", "card", Some("1881"), "product"),
                    2 => ("29.00", "bank", None, "product"),
                    _ => ("99.00", "card", Some("0005"), "subscription"),
                };
                charges.push(charge_line(
                    &ch,
                    &account,
                    amount,
                    t - Duration::days(1 + rng.below(5) as i64),
                    method,
                    last4,
                    kind,
                ));
                if kind == "subscription" {
                    charges.push(format!(
                        r#"{{"type":"subscription","id":"sub_{episode}","account":"{account}","charge":"{ch}","months":12,"start":"{}"}}"#,
                        (t - Duration::days(10)).to_rfc3339()
                    ));
                }
                let words = if rng.below(10) == 0 { CARD_COMPLAINTS } else { COMPLAINTS };
                push(
                    &mut lines,
                    0,
                    msg(&user, &words[rng.below(words.len() as u64) as usize].replace("{ch}", &ch)),
                    Some(episode),
                    None,
                );
                push(
                    &mut lines,
                    5 + rng.below(120) as i64,
                    msg(agents[rng.below(3) as usize], &format!("/refund {ch} customer request")),
                    None,
                    None,
                );
                if rng.below(10) == 0 {
                    let f = ["timeout", "error", "decline"][rng.below(3) as usize];
                    push(
                        &mut lines,
                        1,
                        format!(r#"{{"type":"fault","at":"{{at}}","connector":"sandbox","next":"{f}","count":1}}"#),
                        None,
                        None,
                    );
                    faults += 1;
                }
                let emoji = if rng.below(8) == 0 { "❌" } else { "✅" };
                let lead = leads[rng.below(2) as usize];
                push(
                    &mut lines,
                    10 + rng.below(300) as i64,
                    format!(
                        r#"{{"type":"react","at":"{{at}}","user":"{lead}","emoji":"{emoji}","on":"approval:{{case}}"}}"#
                    ),
                    None,
                    Some(episode),
                );
            }
        }
    }
    // Fault lines are steps but not events; keep exactly `events` event lines.
    let mut counted = 0;
    lines.sort_by_key(|l| (l.at, l.seq));
    lines.retain(|l| {
        let is_event = !l.text.contains(r#""type":"fault""#);
        if counted >= events {
            return false;
        }
        if is_event {
            counted += 1;
        }
        true
    });
    for c in &charges {
        writeln!(out, "{c}")?;
    }
    // Case numbers follow the order in which complaints open cases.
    let mut case_of_episode = std::collections::HashMap::new();
    for l in &lines {
        if let Some(e) = l.opens {
            let n = case_of_episode.len() + 1;
            case_of_episode.insert(e, n);
        }
    }
    for l in &lines {
        let mut text = l.text.replace("{at}", &l.at.to_rfc3339());
        if let Some(e) = l.case_of {
            // A reaction whose complaint was cut off by the event count reacts on nothing.
            let case = case_of_episode.get(&e).map(|n| format!("RF-{n:06}")).unwrap_or_else(|| "RF-999999".into());
            text = text.replace("{case}", &case);
        }
        writeln!(out, "{text}")?;
    }
    Ok(())
}

fn charge_line(
    id: &str,
    account: &str,
    amount: &str,
    at: DateTime<Utc>,
    method: &str,
    last4: Option<&str>,
    kind: &str,
) -> String {
    let card = last4.map(|l| format!(r#","card_last4":"{l}""#)).unwrap_or_default();
    format!(
        r#"{{"type":"charge","id":"{id}","account":"{account}","amount":"{amount}","currency":"USD","at":"{}","method":"{method}"{card},"kind":"{kind}","description":"Order {id}"}}"#,
        at.to_rfc3339()
    )
}

/// The transcript as a string (tests, small benches).
pub fn transcript(events: usize, seed: u64) -> String {
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = generate(events, seed, &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::surfaces::replay::{self, Step};

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        assert_eq!(transcript(500, 7), transcript(500, 7));
        assert_ne!(transcript(500, 7), transcript(500, 8));
    }

    #[test]
    fn exactly_n_events_and_every_line_parses() {
        for n in [1, 13, 500, 2000] {
            let steps = replay::parse(&transcript(n, 1)).expect("valid transcript");
            assert_eq!(steps.iter().filter(|s| matches!(s, Step::Event(..))).count(), n, "{n} events");
        }
    }

    #[test]
    fn covers_every_kind_of_line() {
        let t = transcript(2000, 3);
        for needle in [
            r#""kind":"product""#,
            r#""kind":"credits""#,
            r#""kind":"subscription""#,
            r#""type":"subscription""#,
            r#""method":"bank""#,
            r#""type":"usage""#,
            r#""type":"fault""#,
            r#""emoji":"❌""#,
            r#""emoji":"✅""#,
            "/refund ",
            "4242 4242 4242 4242",
            "thank",
        ] {
            assert!(t.contains(needle), "{needle} missing");
        }
    }

    /// The reactions land on the cases the complaints opened: most requests get paid, and
    /// a lead is told "not a request waiting for approval" only where the policy refused
    /// the request (so no approval was asked).
    #[tokio::test]
    async fn approvals_land_on_the_cases_the_complaints_opened() {
        use crate::adapters::payments::sandbox::Sandbox;
        use crate::adapters::store::AnyStore;
        use crate::adapters::surfaces::replay::{JsonLines, ManualClock};
        use crate::app::engine::{Connectors, Engine, EngineConfig};
        use std::sync::Arc;
        let dir = tempfile::tempdir().expect("tempdir");
        let store = AnyStore::open(&format!("sqlite:{}", dir.path().join("g.db").display())).await.expect("store");
        let clock = Arc::new(ManualClock::default());
        let sandbox = Arc::new(Sandbox::new(store.sandbox_books(), clock.clone()));
        let engine =
            Engine::new(store.as_store(), Connectors::default().with(sandbox.clone()), EngineConfig::default());
        let text = transcript(400, 5);
        let out = JsonLines(std::sync::Mutex::new(Vec::new()));
        replay::run(replay::parse(&text).expect("valid"), &engine, &sandbox, &clock, &out).await.expect("replay");
        let actions = String::from_utf8(out.0.into_inner().expect("lock")).expect("utf8");
        let approvals = text.matches("approval:RF-").count();
        let paid = sandbox.books().all().await.expect("books").len();
        let missed = actions.matches("is not a refund or goodwill request waiting for approval").count();
        assert!(approvals >= 20, "{approvals} approvals");
        assert!(paid * 2 >= approvals, "{paid} paid of {approvals} approvals");
        assert!(missed * 5 <= approvals, "{missed} of {approvals} reactions missed their case");
        assert!(!actions.contains("4242 4242 4242 4242"), "a card number was echoed");
    }
}
