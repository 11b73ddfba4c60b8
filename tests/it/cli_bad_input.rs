//! Bad input through the binary: malformed transcripts, odd bytes for `classify`, bad
//! configuration files. The bot answers with an exit code and a message naming the
//! place, never with a panic.

use proptest::prelude::*;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_paydesk"));
    c.env_remove("PAYDESK_LOG");
    c
}

fn replay_file(path: &Path) -> Output {
    bin().arg("replay").arg(path).output().expect("run paydesk replay")
}

fn replay_bytes(bytes: &[u8]) -> Output {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.jsonl");
    std::fs::write(&path, bytes).expect("write transcript");
    replay_file(&path)
}

fn with_stdin(mut cmd: Command, input: &[u8]) -> Output {
    let mut child =
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn paydesk");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait for paydesk");
    writer.join().expect("stdin writer");
    out
}

const GOOD_HEAD: &str = r#"{"type":"account","id":"acct-1","currency":"USD","wallet":"4.00"}
{"type":"user","id":"ana","roles":["customer"],"account":"acct-1"}
{"type":"user","id":"bo","roles":["agent"]}
{"type":"charge","id":"ch_1","account":"acct-1","amount":"49.00","currency":"USD","at":"2026-04-01T10:00:00Z","method":"card","card_last4":"4242","kind":"product","description":"Pack"}
{"type":"message","at":"2026-04-02T10:00:00Z","user":"ana","text":"how much credit do I have left?"}
"#;

/// The good head is fine on its own (so that the failures below are the bad line's).
#[test]
fn the_good_head_replays() {
    let out = replay_bytes(GOOD_HEAD.as_bytes());
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.lines().last().is_some_and(|l| l.contains("\"type\":\"state\"")), "{stdout}");
}

#[test]
fn a_malformed_line_exits_2_naming_the_line_with_no_stdout() {
    let bad_lines = [
        ("bad json", r#"{"type":"message","at":"2026-04-02T11:00:00Z","user":"ana","text":"hi""#),
        ("not an object", r#"[1, 2, 3]"#),
        ("unknown type", r#"{"type":"teleport","at":"2026-04-02T11:00:00Z"}"#),
        ("missing type", r#"{"at":"2026-04-02T11:00:00Z","user":"ana","text":"hi"}"#),
        ("bad time", r#"{"type":"message","at":"yesterday at noon","user":"ana","text":"hi"}"#),
        (
            "bad time in a charge",
            r#"{"type":"charge","id":"ch_9","account":"acct-1","amount":"1.00","currency":"USD","at":"2026-13-45T10:00:00Z","method":"card","kind":"product"}"#,
        ),
        ("unknown currency", r#"{"type":"account","id":"acct-2","currency":"XYZ"}"#),
        (
            "unknown currency in a charge",
            r#"{"type":"charge","id":"ch_9","account":"acct-1","amount":"1.00","currency":"DOGE","at":"2026-04-01T10:00:00Z","method":"card","kind":"product"}"#,
        ),
        (
            "charge for an undefined account",
            r#"{"type":"charge","id":"ch_9","account":"acct-404","amount":"1.00","currency":"USD","at":"2026-04-01T10:00:00Z","method":"card","kind":"product"}"#,
        ),
        (
            "bad amount",
            r#"{"type":"charge","id":"ch_9","account":"acct-1","amount":"1e5","currency":"USD","at":"2026-04-01T10:00:00Z","method":"card","kind":"product"}"#,
        ),
        (
            "unknown fault",
            r#"{"type":"fault","at":"2026-04-02T11:00:00Z","connector":"sandbox","next":"gremlins","count":1}"#,
        ),
        // issue 7, defect 10: limits, checked before anything runs
        (
            "a huge fault count",
            r#"{"type":"fault","at":"2026-04-02T11:00:00Z","connector":"sandbox","next":"timeout","count":4294967295}"#,
        ),
        (
            "a subscription for an undefined account",
            r#"{"type":"subscription","id":"s1","account":"acct-404","charge":"ch_1","months":12,"start":"2026-04-01T00:00:00Z"}"#,
        ),
        (
            "a subscription of a thousand years",
            r#"{"type":"subscription","id":"s1","account":"acct-1","charge":"ch_1","months":12000,"start":"2026-04-01T00:00:00Z"}"#,
        ),
        (
            "a huge auto-recharge",
            r#"{"type":"account","id":"acct-2","currency":"USD","auto_recharge":{"below":"1.00","credits":4294967295}}"#,
        ),
    ];
    // The bad line is line 6 (after the five good ones), and a good line follows it.
    let tail = r#"{"type":"message","at":"2026-04-02T12:00:00Z","user":"ana","text":"thanks"}"#;
    for (what, line) in bad_lines {
        let text = format!("{GOOD_HEAD}{line}\n{tail}\n");
        let out = replay_bytes(text.as_bytes());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{what}: exit code; stderr: {stderr}");
        assert!(stderr.contains("line 6"), "{what}: stderr must name line 6: {stderr}");
        assert!(out.stdout.is_empty(), "{what}: nothing may be replayed: {}", String::from_utf8_lossy(&out.stdout));
    }
}

#[test]
fn invalid_utf8_in_a_transcript_is_a_line_error() {
    let mut bytes = GOOD_HEAD.as_bytes().to_vec();
    bytes.extend_from_slice(
        b"{\"type\":\"message\",\"at\":\"2026-04-02T11:00:00Z\",\"user\":\"ana\",\"text\":\"\xff\xfe\"}\n",
    );
    let out = replay_bytes(&bytes);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(stderr.contains("line 6"), "{stderr}");
    assert!(out.stdout.is_empty());
}

/// The limits are named in the message, not just the line.
#[test]
fn limits_are_named() {
    let cases = [
        (
            r#"{"type":"fault","at":"2026-04-02T11:00:00Z","connector":"sandbox","next":"timeout","count":4294967295}"#,
            "count must be at most 1000",
        ),
        (
            r#"{"type":"subscription","id":"s1","account":"acct-404","charge":"ch_1","months":12,"start":"2026-04-01T00:00:00Z"}"#,
            "account `acct-404` is not defined",
        ),
    ];
    for (line, words) in cases {
        let out = replay_bytes(format!("{GOOD_HEAD}{line}\n").as_bytes());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("line 6") && stderr.contains(words), "{stderr}");
    }
    let long =
        serde_json::json!({"type": "message", "at": "2026-04-02T11:00:00Z", "user": "ana", "text": "a".repeat(20_001)});
    let out = replay_bytes(format!("{GOOD_HEAD}{long}\n").as_bytes());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 6: the message text is longer than 20000 characters"));
}

/// `replay -` reads stdin as bytes: invalid UTF-8 there is a line error too (exit 2).
#[test]
fn invalid_utf8_on_stdin_names_the_line() {
    let mut bytes = GOOD_HEAD.as_bytes().to_vec();
    bytes.extend_from_slice(
        b"{\"type\":\"message\",\"at\":\"2026-04-02T11:00:00Z\",\"user\":\"ana\",\"text\":\"\xff\xfe\"}\n",
    );
    let mut cmd = bin();
    cmd.args(["replay", "-"]);
    let out = with_stdin(cmd, &bytes);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("-: line 6: not valid UTF-8"), "{stderr}");
    assert!(out.stdout.is_empty());
}

/// One invalid UTF-8 line in the console is answered (naming it) and the console goes on.
#[test]
fn the_console_survives_an_invalid_utf8_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = format!("sqlite:{}", dir.path().join("console.db").display());
    let mut cmd = bin();
    cmd.args(["console", "--no-demo", "--json", "--db", &db]);
    let out = with_stdin(cmd, b"/help\nbad \xff\xfe bytes\n/help\n");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("line 2 is not valid UTF-8: ignored, nothing was sent"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.lines().filter(|l| l.contains("Commands:")).count(),
        2,
        "both /help lines are answered: {stdout}"
    );
}

#[test]
fn a_missing_transcript_file_exits_2() {
    let out = bin().args(["replay", "/nonexistent/dir/transcript.jsonl"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn classify_survives_invalid_utf8_with_one_answer_per_line() {
    let mut input = Vec::new();
    input.extend_from_slice(b"I was charged twice for the same invoice\n");
    input.extend_from_slice(b"bad \xff\xfe\xfd bytes here, refund please\n");
    input.extend_from_slice(b"how many IM credits do I have left?\n");
    let mut cmd = bin();
    cmd.arg("classify");
    let out = with_stdin(cmd, &input);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    let lines: Vec<serde_json::Value> =
        stdout.lines().map(|l| serde_json::from_str(l).expect("each output line is JSON")).collect();
    assert_eq!(lines.len(), 3, "one output per input line: {stdout}");
    assert_eq!(lines[0]["intent"], "duplicate_charge", "{stdout}");
    assert_eq!(lines[1]["intent"], "other", "{stdout}");
    assert_eq!(lines[2]["intent"], "wallet_balance", "{stdout}");
    for l in &lines {
        let c = l["confidence"].as_f64().expect("confidence is a number");
        assert!((0.0..=1.0).contains(&c), "{l}");
        assert!(l["entities"].is_object(), "{l}");
    }
}

#[test]
fn classify_answers_an_empty_line_with_other() {
    let mut cmd = bin();
    cmd.arg("classify");
    let out = with_stdin(cmd, b"\nthanks, have a nice day\n\n");
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    let empty = serde_json::json!({"intent": "other", "confidence": 1.0, "entities": {}});
    assert_eq!(lines[0], empty);
    assert_eq!(lines[2], empty);
}

#[test]
fn classify_handles_crlf_and_a_last_line_without_newline() {
    let mut cmd = bin();
    cmd.arg("classify");
    let out = with_stdin(cmd, b"\r\nhow many IM credits do I have left?");
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert_eq!(lines[0], serde_json::json!({"intent": "other", "confidence": 1.0, "entities": {}}));
    assert_eq!(lines[1]["intent"], "wallet_balance");
}

/// Runs `cmd` with standard output a pipe whose reading end is closed before the command
/// writes: `paydesk … | head` after `head` has gone.
fn with_closed_stdout(mut cmd: Command, input: &[u8]) -> Output {
    let mut child =
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn paydesk");
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait for paydesk");
    writer.join().expect("stdin writer");
    out
}

/// Every subcommand that prints a lot, writing to a reader that went away, ends quietly:
/// no panic ("failed printing to stdout"), exit code 141 as if SIGPIPE had ended it.
#[test]
fn a_reader_that_went_away_ends_the_output_quietly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let transcript = dir.path().join("t.jsonl");
    let generated = bin().args(["gen-transcript", "--events", "1500"]).output().expect("run gen-transcript");
    assert_eq!(generated.status.code(), Some(0));
    std::fs::write(&transcript, &generated.stdout).expect("write transcript");
    let heldout = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/nlu_heldout3.jsonl");
    let command = |args: &[&str]| {
        let mut c = bin();
        c.args(args);
        c
    };
    let mut eval = command(&["classify", "--eval"]);
    eval.arg(&heldout);
    let mut replay = command(&["replay"]);
    replay.arg(&transcript);
    let lines = "I was charged twice for the same order\n".repeat(20_000).into_bytes();
    let runs = [
        ("classify --eval", eval, Vec::new()),
        ("classify", command(&["classify"]), lines),
        ("gen-transcript", command(&["gen-transcript", "--events", "20000"]), Vec::new()),
        ("replay", replay, Vec::new()),
        ("bench classify", command(&["bench", "classify", "--rounds", "1"]), Vec::new()),
    ];
    for (name, cmd, input) in runs {
        let out = with_closed_stdout(cmd, &input);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(!stderr.contains("paydesk: "), "{name} reports an error: {stderr}");
        assert_eq!(out.status.code(), Some(141), "{name}: {stderr}");
    }
}

fn check_config(toml: &str) -> Output {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bad-bot.toml");
    std::fs::write(&path, toml).expect("write config");
    bin().arg("check-config").arg("--config").arg(&path).output().expect("run check-config")
}

#[test]
fn check_config_names_the_bad_key_and_the_file() {
    let cases = [
        ("full_refund_days", "[policy]\nfull_refund_days = \"fourteen\"\n"),
        ("two_lead_threshold", "[policy]\ntwo_lead_threshold = \"lots\"\n"),
        ("approval_expiry_hours", "[policy]\napproval_expiry_hours = -5\n"),
        ("fee_rate", "[policy]\nfee_rate = 0.03\n"),
        ("approve_emojis", "[chat]\napprove_emojis = \"yes\"\n"),
        // the adapters' tables are checked too
        ("approvals_channel", "[discord]\nguild_id = \"1\"\nsupport_channels = [\"support\"]\n"),
        ("listen", "[http]\nlisten = \"not an address\"\n"),
        ("PAYDESK_STRIPE_API_KEY", "[providers.stripe]\nbase_url = \"http://127.0.0.1:9\"\n"),
    ];
    for (key, toml) in cases {
        let out = check_config(toml);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success(),
            "{key}: a bad config must fail; stdout: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(stderr.contains(key), "{key}: stderr must name the key: {stderr}");
        assert!(stderr.contains("bad-bot.toml"), "{key}: stderr must name the file: {stderr}");
    }
}

#[test]
fn check_config_rejects_a_file_that_is_not_toml() {
    let out = check_config("this is [not toml\n");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("bad-bot.toml"), "{stderr}");
}

#[test]
fn check_config_rejects_a_missing_file() {
    let out = bin().args(["check-config", "--config", "/nonexistent/bot.toml"]).output().expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/bot.toml"));
}

fn never_crashes(bytes: &[u8]) -> Result<(), TestCaseError> {
    let out = replay_bytes(bytes);
    let code = out.status.code();
    let stderr = String::from_utf8_lossy(&out.stderr);
    prop_assert!(
        matches!(code, Some(0) | Some(2)),
        "exit {:?} (a crash?) for input {:?}; stderr: {}",
        code,
        String::from_utf8_lossy(bytes),
        stderr
    );
    prop_assert!(!stderr.contains("panicked"), "panic: {}", stderr);
    if code == Some(2) {
        prop_assert!(out.stdout.is_empty(), "a refused transcript must print nothing");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_crash_replay(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        never_crashes(&bytes)?;
    }

    /// Good lines with one line spoiled by random bytes: parsing goes deeper than for
    /// pure noise.
    #[test]
    fn a_spoiled_transcript_never_crashes_replay(
        cut in 0usize..400,
        junk in proptest::collection::vec(any::<u8>(), 0..40),
    ) {
        let mut bytes = GOOD_HEAD.as_bytes().to_vec();
        let at = cut.min(bytes.len());
        bytes.splice(at..at, junk);
        never_crashes(&bytes)?;
    }

    /// Odd but well-formed events go all the way through the engine.
    #[test]
    fn odd_messages_never_crash_replay(text in "[ -~€¥£ü\\n\\t]{0,80}", user in "(ana|bo|kim|zoe)") {
        let line = serde_json::json!({"type": "message", "at": "2026-04-02T11:00:00Z", "user": user, "text": text});
        let bytes = format!("{GOOD_HEAD}{line}\n");
        never_crashes(bytes.as_bytes())?;
    }
}
