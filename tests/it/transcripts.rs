//! End-to-end transcripts: every `tests/transcripts/NAME.jsonl` with a
//! `NAME.expect.json` beside it (and those of `../shared/transcripts` when that folder
//! exists) is replayed through the built binary and checked against its expectations,
//! with the semantics of `shared/tools/check-transcripts`:
//!
//! - `refunds`, `provider_refunds`, `credit_notes`: exact — same count, each expected
//!   item matches a different actual item of the `state` line on the keys it gives;
//! - `tickets`, `wallets`, `approval_requests`: each expected item matches some actual item;
//! - `tickets_count`, `wallets_count`, `approval_requests_count`: exact counts;
//! - `denied_min`: at least this many `denied` lines;
//! - `say`: `[{to?, case?, regex}]`, some `say` line matches all the given keys (the
//!   regex case-insensitively, searched in its text);
//! - `never_in_output`: strings that must appear nowhere in stdout or stderr.
//!
//! Amounts (keys `amount`, `balance`) compare as decimal numbers; lists compare as sorted
//! lists of their string forms. Every failing transcript is reported with all of its
//! problems before the test fails.

use regex::RegexBuilder;
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

const NUMERIC: [&str; 2] = ["amount", "balance"];
const EXACT: [&str; 3] = ["refunds", "provider_refunds", "credit_notes"];
const EACH: [&str; 3] = ["tickets", "wallets", "approval_requests"];

/// What a replay printed.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn replay(transcript: &Path) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_paydesk"))
        .arg("replay")
        .arg(transcript)
        .env_remove("PAYDESK_LOG")
        .output()
        .unwrap_or_else(|e| panic!("cannot run the paydesk binary: {e}"));
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn decimal(v: &Value) -> Option<Decimal> {
    match v {
        Value::String(s) => Decimal::from_str(s.trim()).or_else(|_| Decimal::from_scientific(s.trim())).ok(),
        Value::Number(n) => {
            let s = n.to_string();
            Decimal::from_str(&s).or_else(|_| Decimal::from_scientific(&s)).ok()
        }
        _ => None,
    }
}

/// One expected value against one actual value, under `key`.
fn same(key: &str, want: &Value, got: &Value) -> bool {
    if NUMERIC.contains(&key) {
        return match (decimal(want), decimal(got)) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        };
    }
    if let (Value::Array(w), Value::Array(g)) = (want, got) {
        let mut w: Vec<String> = w.iter().map(as_text).collect();
        let mut g: Vec<String> = g.iter().map(as_text).collect();
        w.sort();
        g.sort();
        return w == g;
    }
    want == got
}

/// An expected item matches an actual one when every key it gives is there and the same.
fn matches(want: &Value, got: &Value) -> bool {
    let (Some(w), Some(g)) = (want.as_object(), got.as_object()) else { return false };
    w.iter().all(|(k, v)| g.get(k).is_some_and(|gv| same(k, v, gv)))
}

/// Same count, and each expected item matches a different actual item.
fn exact(wants: &[Value], gots: &[Value]) -> bool {
    if wants.len() != gots.len() {
        return false;
    }
    let mut free: Vec<&Value> = gots.iter().collect();
    for w in wants {
        match free.iter().position(|g| matches(w, g)) {
            Some(i) => {
                free.remove(i);
            }
            None => return false,
        }
    }
    true
}

fn list(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

/// Every problem of one replay against its expectations (empty: it passes).
fn check(run: &Run, expect: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(expect) = expect.as_object() else {
        return vec!["the expectation file is not a JSON object".into()];
    };
    if run.code != Some(0) {
        let tail: String = {
            let t = run.stderr.trim();
            let chars: Vec<char> = t.chars().collect();
            chars[chars.len().saturating_sub(300)..].iter().collect()
        };
        return vec![format!("exit {:?}: {tail}", run.code)];
    }
    let mut lines: Vec<Value> = Vec::new();
    for (n, raw) in run.stdout.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(raw) {
            Ok(v) => lines.push(v),
            Err(_) => problems.push(format!(
                "stdout line {} is not JSON: {}",
                n + 1,
                raw.chars().take(80).collect::<String>()
            )),
        }
    }
    let kind = |l: &Value| l.get("type").and_then(Value::as_str).map(str::to_string);
    let states: Vec<&Value> = lines.iter().filter(|l| kind(l).as_deref() == Some("state")).collect();
    if states.len() != 1 || lines.last().and_then(kind).as_deref() != Some("state") {
        problems.push("output must end with exactly one state line".into());
        return problems;
    }
    let state = states[0];
    let of = |t: &str| -> Vec<Value> { lines.iter().filter(|l| kind(l).as_deref() == Some(t)).cloned().collect() };

    for key in EXACT {
        if let Some(want) = expect.get(key) {
            let got = list(state.get(key));
            if !exact(list(Some(want)), got) {
                problems.push(format!("{key}: want exactly {want}, got {}", Value::Array(got.to_vec())));
            }
        }
    }
    for key in EACH {
        let got: Vec<Value> = match key {
            "approval_requests" => of("approval_request"),
            _ => list(state.get(key)).to_vec(),
        };
        for w in list(expect.get(key)) {
            if !got.iter().any(|g| matches(w, g)) {
                problems.push(format!("{key}: nothing matches {w}; got {}", Value::Array(got.clone())));
            }
        }
        let count_key = format!("{key}_count");
        if let Some(n) = expect.get(&count_key) {
            if n.as_u64() != Some(got.len() as u64) {
                problems.push(format!("{count_key}: want {n}, got {}", got.len()));
            }
        }
    }
    let denied = of("denied").len() as u64;
    if let Some(min) = expect.get("denied_min") {
        if min.as_u64().is_none_or(|m| denied < m) {
            problems.push(format!("denied: want at least {min}, got {denied}"));
        }
    }
    let says = of("say");
    for w in list(expect.get("say")) {
        let empty = Map::new();
        let wo = w.as_object().unwrap_or(&empty);
        let pattern = wo.get("regex").and_then(Value::as_str).unwrap_or("");
        let re = match RegexBuilder::new(pattern).case_insensitive(true).build() {
            Ok(re) => re,
            Err(e) => {
                problems.push(format!("say: bad regex {pattern:?}: {e}"));
                continue;
            }
        };
        let hit = says.iter().any(|s| {
            ["to", "case"].iter().all(|k| wo.get(*k).is_none_or(|v| s.get(*k) == Some(v)))
                && re.is_match(s.get("text").and_then(Value::as_str).unwrap_or(""))
        });
        if !hit {
            problems.push(format!("say: no message matches {w}"));
        }
    }
    for s in list(expect.get("never_in_output")) {
        let s = as_text(s);
        if run.stdout.contains(&s) || run.stderr.contains(&s) {
            problems.push(format!("output holds {s:?}"));
        }
    }
    problems
}

/// The transcripts of a folder that have an expectation beside them, sorted.
fn transcripts_in(dir: &Path) -> Vec<(PathBuf, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut found: Vec<(PathBuf, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .filter_map(|p| {
            let expect = p.with_extension("expect.json");
            expect.is_file().then_some((p, expect))
        })
        .collect();
    found.sort();
    found
}

/// Replays every transcript of `dirs` and reports each failure with all its problems.
fn run_all(dirs: &[PathBuf]) -> (usize, Vec<String>) {
    let mut passed = 0;
    let mut failures = Vec::new();
    for dir in dirs {
        for (transcript, expect_file) in transcripts_in(dir) {
            let name = transcript.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(&transcript).display().to_string();
            let problems = match std::fs::read_to_string(&expect_file).map_err(|e| e.to_string()).and_then(|t| {
                serde_json::from_str::<Value>(&t).map_err(|e| format!("{}: not JSON: {e}", expect_file.display()))
            }) {
                Ok(expect) => check(&replay(&transcript), &expect),
                Err(e) => vec![e],
            };
            if problems.is_empty() {
                passed += 1;
                println!("ok   {name}");
            } else {
                let mut report = format!("FAIL {name}");
                for p in &problems {
                    report.push_str(&format!("\n     {p}"));
                }
                println!("{report}");
                failures.push(report);
            }
        }
    }
    (passed, failures)
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn our_transcripts() {
    let dir = manifest_dir().join("tests").join("transcripts");
    let (passed, failures) = run_all(std::slice::from_ref(&dir));
    assert!(passed + failures.len() > 0, "no transcripts with expectations found in {}", dir.display());
    assert!(failures.is_empty(), "{} passed, {} failed:\n{}", passed, failures.len(), failures.join("\n"));
}

#[test]
fn shared_transcripts() {
    let dir = manifest_dir().join("..").join("shared").join("transcripts");
    if !dir.is_dir() {
        return; // not every checkout has the shared folder
    }
    let (passed, failures) = run_all(std::slice::from_ref(&dir));
    assert!(failures.is_empty(), "{} passed, {} failed:\n{}", passed, failures.len(), failures.join("\n"));
}

// ---- the checker checks: it must catch wrong expectations, or it proves nothing ----

/// A known, real replay (the duplicate charge of the shared folder, inlined so the test
/// does not depend on it) and its right expectation.
const KNOWN: &str = r#"{"type":"account","id":"acct-1","currency":"USD","wallet":"0.00"}
{"type":"user","id":"ana","roles":["customer"],"account":"acct-1"}
{"type":"user","id":"bo","roles":["agent"]}
{"type":"user","id":"kim","roles":["lead"]}
{"type":"charge","id":"ch_1","account":"acct-1","amount":"49.00","currency":"USD","at":"2026-05-02T09:00:00Z","method":"card","card_last4":"4242","kind":"product","description":"Pack"}
{"type":"charge","id":"ch_2","account":"acct-1","amount":"49.00","currency":"USD","at":"2026-05-02T09:03:00Z","method":"card","card_last4":"4242","kind":"product","description":"Pack"}
{"type":"message","at":"2026-05-02T10:05:00Z","user":"bo","text":"/refund ch_2 duplicate charge"}
{"type":"message","at":"2026-05-02T10:06:00Z","user":"ana","text":"/refund ch_2"}
{"type":"react","at":"2026-05-02T10:07:00Z","user":"kim","emoji":"✅","on":"approval:RF-000001"}
"#;

fn known_run() -> Run {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("known.jsonl");
    std::fs::write(&path, KNOWN).expect("write transcript");
    replay(&path)
}

fn right() -> Value {
    serde_json::json!({
        "tickets_count": 1,
        "tickets": [{"case": "RF-000001", "status": "resolved", "charge": "ch_2"}],
        "wallets": [{"account": "acct-1", "balance": "0"}],
        "approval_requests_count": 1,
        "approval_requests": [{"case": "RF-000001", "amount": "49", "leads_needed": 1}],
        "refunds": [{"charge": "ch_2", "amount": "49.0", "status": "succeeded", "approved_by": ["kim"]}],
        "provider_refunds": [{"charge": "ch_2", "amount": "49.00"}],
        "credit_notes": [{"charge": "ch_2", "amount": "49.00"}],
        "denied_min": 1,
        "say": [{"to": "bo", "case": "RF-000001", "regex": "REFUND OF 49\\.00"}],
        "never_in_output": ["4242424242424242"]
    })
}

#[test]
fn the_checker_accepts_a_right_expectation() {
    let run = known_run();
    let problems = check(&run, &right());
    assert!(problems.is_empty(), "a right expectation must pass: {problems:?}\nstdout:\n{}", run.stdout);
}

#[test]
fn the_checker_catches_wrong_expectations() {
    let run = known_run();
    let wrong: Vec<(&str, Value)> = vec![
        ("refund amount", serde_json::json!({"refunds": [{"charge": "ch_2", "amount": "48.99"}]})),
        ("refund count", serde_json::json!({"refunds": []})),
        (
            "one refund expected twice",
            serde_json::json!({"provider_refunds": [{"charge": "ch_2"}, {"charge": "ch_2"}]}),
        ),
        ("approved_by", serde_json::json!({"refunds": [{"charge": "ch_2", "approved_by": ["kim", "lin"]}]})),
        ("credit note", serde_json::json!({"credit_notes": [{"charge": "ch_1", "amount": "49.00"}]})),
        ("ticket status", serde_json::json!({"tickets": [{"case": "RF-000001", "status": "open"}]})),
        ("missing key", serde_json::json!({"tickets": [{"case": "RF-000001", "no_such_key": 1}]})),
        ("ticket count", serde_json::json!({"tickets_count": 2})),
        ("wallet balance", serde_json::json!({"wallets": [{"account": "acct-1", "balance": "0.01"}]})),
        ("approval leads", serde_json::json!({"approval_requests": [{"case": "RF-000001", "leads_needed": 2}]})),
        ("approval count", serde_json::json!({"approval_requests_count": 0})),
        ("denied", serde_json::json!({"denied_min": 2})),
        ("say text", serde_json::json!({"say": [{"to": "bo", "regex": "refund of 50\\.00"}]})),
        ("say to", serde_json::json!({"say": [{"to": "kim", "regex": "requested for RF-000001"}]})),
        ("say case", serde_json::json!({"say": [{"case": "RF-000002", "regex": "."}]})),
        ("never in output", serde_json::json!({"never_in_output": ["ch_2"]})),
    ];
    for (what, expect) in wrong {
        let problems = check(&run, &expect);
        assert!(!problems.is_empty(), "the checker let a wrong expectation ({what}) pass: {expect}");
    }
}

#[test]
fn the_checker_rejects_broken_runs() {
    let crashed = Run { code: Some(101), stdout: String::new(), stderr: "thread 'main' panicked".into() };
    assert!(!check(&crashed, &serde_json::json!({})).is_empty());
    let no_state = Run { code: Some(0), stdout: "{\"type\":\"say\",\"text\":\"hi\"}\n".into(), stderr: String::new() };
    assert!(!check(&no_state, &serde_json::json!({})).is_empty());
    let two_states =
        Run { code: Some(0), stdout: "{\"type\":\"state\"}\n{\"type\":\"state\"}\n".into(), stderr: String::new() };
    assert!(!check(&two_states, &serde_json::json!({})).is_empty());
    let garbage = Run { code: Some(0), stdout: "not json\n{\"type\":\"state\"}\n".into(), stderr: String::new() };
    assert!(!check(&garbage, &serde_json::json!({})).is_empty());
    let leaky = Run { code: Some(0), stdout: "{\"type\":\"state\"}\n".into(), stderr: "4111111111111111".into() };
    assert!(!check(&leaky, &serde_json::json!({"never_in_output": ["4111111111111111"]})).is_empty());
}

#[test]
fn amounts_compare_as_decimals() {
    assert!(same("amount", &Value::from("49"), &Value::from("49.000")));
    assert!(same("balance", &Value::from("3.9875"), &Value::from("3.98750")));
    assert!(!same("amount", &Value::from("49.01"), &Value::from("49.00")));
    assert!(!same("amount", &Value::from("NaN"), &Value::from("NaN")));
    assert!(!same("charge", &Value::from("49"), &Value::from("49.00")), "other keys compare exactly");
    assert!(same("approved_by", &serde_json::json!(["lin", "kim"]), &serde_json::json!(["kim", "lin"])));
}
