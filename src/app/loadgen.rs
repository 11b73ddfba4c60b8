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

/// The staff of every transcript.
const AGENTS: [&str; 3] = ["bo", "ines", "tom"];
const LEADS: [&str; 2] = ["kim", "raj"];

/// Writes a transcript of exactly `events` events (plus the fixture lines they need).
pub fn generate(events: usize, seed: u64, out: &mut dyn Write) -> std::io::Result<()> {
    let mut rng = Rng(seed ^ 0x5EED_0000_0000_0000);
    let start = DateTime::parse_from_rfc3339("2026-05-01T09:00:00Z").map(|t| t.with_timezone(&Utc)).unwrap_or_default();
    let customers = (events / 12).max(1);
    write_people(&mut rng, customers, out)?;
    let mut script = Script { lines: Vec::with_capacity(events), charges: Vec::new(), seq: 0, faults: 0 };
    let mut t = start + Duration::hours(1);
    let mut number = 0u64;
    while script.lines.len() - script.faults < events {
        number += 1;
        let c = rng.below(customers as u64);
        t += Duration::seconds(1 + rng.below(20) as i64);
        let mut episode = Episode {
            rng: &mut rng,
            script: &mut script,
            number,
            user: format!("cust-{c}"),
            account: format!("acct-{c}"),
            start: t,
            at: t,
        };
        episode.play();
    }
    keep_events(&mut script.lines, events);
    for c in &script.charges {
        writeln!(out, "{c}")?;
    }
    write_events(&script.lines, out)
}

/// The fixture lines of the people: agents, leads, and each customer with an account and
/// a wallet of random size.
fn write_people(rng: &mut Rng, customers: usize, out: &mut dyn Write) -> std::io::Result<()> {
    for a in AGENTS {
        writeln!(out, r#"{{"type":"user","id":"{a}","roles":["agent"]}}"#)?;
    }
    for l in LEADS {
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
    Ok(())
}

/// What the episodes have written so far: their lines, the charge fixtures they need, and
/// the counters they share.
struct Script {
    lines: Vec<Pending>,
    charges: Vec<String>,
    /// The order lines were written in (ties of time keep it).
    seq: u64,
    /// Fault lines written: steps, but not events.
    faults: usize,
}

/// One episode being written: its customer, its clock, and the script it adds to. The
/// random numbers are drawn in a fixed order, so a seed always gives the same bytes.
struct Episode<'a> {
    rng: &'a mut Rng,
    script: &'a mut Script,
    number: u64,
    user: String,
    account: String,
    /// When the episode begins (its charges are dated back from it).
    start: DateTime<Utc>,
    /// The time of its latest line.
    at: DateTime<Utc>,
}

/// A chat message line (`{at}` is filled in when the lines are written).
fn message(user: &str, text: &str) -> String {
    format!(r#"{{"type":"message","at":"{{at}}","user":"{user}","text":"{text}"}}"#)
}

impl Episode<'_> {
    /// Adds a line `step` seconds after the episode's previous one.
    fn push(&mut self, step: i64, text: String, opens: Option<u64>, case_of: Option<u64>) {
        self.at += Duration::seconds(step);
        self.script.seq += 1;
        self.script.lines.push(Pending { at: self.at, seq: self.script.seq, text, opens, case_of });
    }

    /// One episode of a kind drawn by weight: chatter, thanks, a balance question, usage,
    /// a complaint about a non-refundable charge, or a refund request.
    fn play(&mut self) {
        match self.rng.below(100) {
            0..=19 => self.customer_says(CHATTER),
            20..=29 => self.customer_says(THANKS),
            30..=44 => self.customer_says(BALANCE),
            45..=59 => {
                let n = 1 + self.rng.below(20);
                let account = &self.account;
                let usage = format!(r#"{{"type":"usage","at":"{{at}}","account":"{account}","conversations":{n}}}"#);
                self.push(0, usage, None, None)
            }
            60..=67 => self.duplicate_complaint(),
            _ => self.refund_request(),
        }
    }

    /// The customer says one of `texts`.
    fn customer_says(&mut self, texts: &[&str]) {
        let text = message(&self.user, pick(self.rng, texts));
        self.push(0, text, None, None);
    }

    /// A duplicate-charge complaint about credits: a case opens, rule 3 refuses.
    fn duplicate_complaint(&mut self) {
        let ch = format!("ch_{}", self.number);
        let at = self.start - Duration::days(2);
        self.script.charges.push(charge_line(&ch, &self.account, "19.00", at, "paypal", None, "credits"));
        let complaint = message(&self.user, &pick(self.rng, DUPLICATES).replace("{ch}", &ch));
        self.push(0, complaint, Some(self.number), None);
        let step = 5 + self.rng.below(60) as i64;
        let filed = message(AGENTS[self.rng.below(3) as usize], &format!("/refund {ch} duplicate"));
        self.push(step, filed, None, None);
    }

    /// A refund request: the charge, the complaint, the agent files it, sometimes a
    /// provider fault, then a lead decides.
    fn refund_request(&mut self) {
        let ch = format!("ch_{}", self.number);
        self.refunded_charge(&ch);
        let words = if self.rng.below(10) == 0 { CARD_COMPLAINTS } else { COMPLAINTS };
        let complaint = message(&self.user, &words[self.rng.below(words.len() as u64) as usize].replace("{ch}", &ch));
        self.push(0, complaint, Some(self.number), None);
        let step = 5 + self.rng.below(120) as i64;
        let filed = message(AGENTS[self.rng.below(3) as usize], &format!("/refund {ch} customer request"));
        self.push(step, filed, None, None);
        if self.rng.below(10) == 0 {
            let f = ["timeout", "error", "decline"][self.rng.below(3) as usize];
            let fault = format!(r#"{{"type":"fault","at":"{{at}}","connector":"sandbox","next":"{f}","count":1}}"#);
            self.push(1, fault, None, None);
            self.script.faults += 1;
        }
        let emoji = if self.rng.below(8) == 0 { "❌" } else { "✅" };
        let lead = LEADS[self.rng.below(2) as usize];
        let step = 10 + self.rng.below(300) as i64;
        let reaction =
            format!(r#"{{"type":"react","at":"{{at}}","user":"{lead}","emoji":"{emoji}","on":"approval:{{case}}"}}"#);
        self.push(step, reaction, None, Some(self.number));
    }

    /// The charge a refund request is about (of a random kind), and its plan when it is a
    /// subscription.
    fn refunded_charge(&mut self, ch: &str) {
        let (amount, method, last4, kind) = match self.rng.below(4) {
            0 => ("49.00", "card", Some("4242"), "product"),
            1 => ("12.50", "card", Some("1881"), "product"),
            2 => ("29.00", "bank", None, "product"),
            _ => ("99.00", "card", Some("0005"), "subscription"),
        };
        let at = self.start - Duration::days(1 + self.rng.below(5) as i64);
        self.script.charges.push(charge_line(ch, &self.account, amount, at, method, last4, kind));
        if kind == "subscription" {
            self.script.charges.push(format!(
                r#"{{"type":"subscription","id":"sub_{}","account":"{}","charge":"{ch}","months":12,"start":"{}"}}"#,
                self.number,
                self.account,
                (self.start - Duration::days(10)).to_rfc3339()
            ));
        }
    }
}

/// Keeps exactly `events` event lines in time order (fault lines are steps but not
/// events, and come along while the count is not reached).
fn keep_events(lines: &mut Vec<Pending>, events: usize) {
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
}

/// Writes the event lines with their times and case numbers filled in.
fn write_events(lines: &[Pending], out: &mut dyn Write) -> std::io::Result<()> {
    // Case numbers follow the order in which complaints open cases.
    let mut case_of_episode = std::collections::HashMap::new();
    for l in lines {
        if let Some(e) = l.opens {
            let n = case_of_episode.len() + 1;
            case_of_episode.insert(e, n);
        }
    }
    for l in lines {
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
