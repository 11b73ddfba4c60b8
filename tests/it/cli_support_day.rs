//! The command line and the console of a support team's day (issue 10, bugs 7 and 8 and
//! the CLI items), through the built binary.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_paydesk"));
    c.env_remove("PAYDESK_LOG").env_remove("PAYDESK_STORE_URL").env_remove("PAYDESK_AUDIT_KEY");
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run paydesk")
}

fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn with_stdin(mut cmd: Command, input: &str) -> Output {
    let mut child =
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn paydesk");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input.as_bytes()).expect("write stdin");
    drop(stdin);
    child.wait_with_output().expect("wait for paydesk")
}

fn config(dir: &Path, body: &str) -> String {
    let p = dir.join("bot.toml");
    std::fs::write(&p, body).unwrap();
    p.display().to_string()
}

#[test]
fn check_config_refuses_store_urls_that_cannot_work() {
    let dir = tempfile::tempdir().unwrap();
    for (url, want) in [("mysql://x", "not supported"), ("paydesk.db", "sqlite:paydesk.db")] {
        let cfg = config(dir.path(), &format!("[store]\nurl = \"{url}\"\n"));
        let out = run(&["check-config", "--config", &cfg]);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{url}: {stdout} {stderr}");
        assert!(stderr.contains("store.url") && stderr.contains(want), "{url}: {stderr}");
    }
}

#[test]
fn check_config_prints_the_effective_configuration_as_toml_with_the_password_masked() {
    let dir = tempfile::tempdir().unwrap();
    let cfg =
        config(dir.path(), "[store]\nurl = \"postgres://bot:hunter2@db/paydesk\"\n[policy]\nfee_rate = \"0.04\"\n");
    let out = run(&["check-config", "--config", &cfg]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stdout.contains("hunter2"), "{stdout}");
    let parsed: toml::Value = toml::from_str(&stdout).expect("check-config prints TOML");
    assert_eq!(parsed["store"]["url"].as_str(), Some("postgres://bot:***@db/paydesk"));
    assert_eq!(parsed["policy"]["fee_rate"].as_str(), Some("0.04"));
    assert_eq!(parsed["policy"]["two_lead_threshold"].as_str(), Some("500.00"));
}

fn replay_into(db: &str, transcript: &str) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.jsonl");
    std::fs::write(&p, transcript).unwrap();
    let out = run(&["replay", "--db", db, p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
}

const SEED: &str = r#"{"type":"account","id":"acct-1","currency":"USD"}
{"type":"user","id":"ana","roles":["customer"],"account":"acct-1"}
{"type":"user","id":"bo","roles":["agent"]}
{"type":"user","id":"kim","roles":["lead"]}
{"type":"charge","id":"ch_1","account":"acct-1","amount":"49.00","currency":"USD","at":"2026-04-01T10:00:00Z","method":"card","card_last4":"4242","kind":"product","description":"Pack"}
{"type":"message","at":"2026-04-02T10:00:00Z","user":"bo","text":"/refund ch_1 10.00 goodwill"}
{"type":"react","at":"2026-04-02T10:05:00Z","user":"kim","emoji":"✅","on":"approval:RF-000001"}
"#;

#[test]
fn reconcile_refuses_an_unknown_provider_and_a_rerun_opens_no_duplicate_case() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("p.db").display());
    replay_into(&db, SEED);
    let export = dir.path().join("refunds.csv");
    std::fs::write(&export, "id,charge,amount,currency,status\nre_x,ch_1,7.00,USD,succeeded\n").unwrap();
    let out = run(&["reconcile", "--db", &db, "--provider", "venmo", export.to_str().unwrap()]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("venmo") && stderr.contains("known: sandbox"), "{stderr}");

    let first = run(&["reconcile", "--db", &db, "--provider", "sandbox", export.to_str().unwrap()]);
    let (stdout, stderr) = text(&first);
    assert_eq!(first.status.code(), Some(0), "{stdout} {stderr}");
    let opened = stdout.lines().filter(|l| l.starts_with("RF-")).count();
    assert!(opened >= 1, "{stdout}");
    let again = run(&["reconcile", "--db", &db, "--provider", "sandbox", export.to_str().unwrap()]);
    let (stdout2, _) = text(&again);
    assert_eq!(stdout2.lines().filter(|l| l.starts_with("RF-")).count(), 0, "a rerun opened cases again: {stdout2}");
    assert_eq!(stdout2.lines().filter(|l| l.starts_with("(already reported)")).count(), opened, "{stdout2}");
    // A new mismatch on the same charge joins its open case: one open case per charge.
    let case = stdout.lines().find(|l| l.starts_with("RF-")).and_then(|l| l.split(':').next()).unwrap().to_string();
    std::fs::write(
        &export,
        "id,charge,amount,currency,status\nre_x,ch_1,7.00,USD,succeeded\nre_y,ch_1,1.00,USD,succeeded\n",
    )
    .unwrap();
    let third = run(&["reconcile", "--db", &db, "--provider", "sandbox", export.to_str().unwrap()]);
    let (stdout3, _) = text(&third);
    let new: Vec<&str> = stdout3.lines().filter(|l| l.starts_with("RF-")).collect();
    assert_eq!(new.len(), 1, "{stdout3}");
    assert!(new[0].starts_with(&format!("{case}: refund re_y")), "a second open case on ch_1: {stdout3}");
}

#[test]
fn audit_of_a_mistyped_store_creates_nothing_and_an_unknown_case_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("paydesk-typo.db");
    let out = run(&["audit", "--db", &format!("sqlite:{}", missing.display())]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout} {stderr}");
    assert!(stderr.contains("does not exist"), "{stderr}");
    assert!(!stdout.contains("intact"), "{stdout}");
    assert!(!missing.exists(), "audit created an empty database");

    let db = format!("sqlite:{}", dir.path().join("p.db").display());
    replay_into(&db, SEED);
    let known = run(&["audit", "--db", &db, "RF-000001"]);
    assert_eq!(known.status.code(), Some(0), "{:?}", text(&known));
    let unknown = run(&["audit", "--db", &db, "RF-000042"]);
    let (_, stderr) = text(&unknown);
    assert_eq!(unknown.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no case RF-000042"), "{stderr}");
}

#[test]
fn migrate_says_which_versions_it_applied_or_that_none_were_needed() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("m.db").display());
    let first = run(&["migrate", "--db", &db]);
    let (stdout, stderr) = text(&first);
    assert_eq!(first.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("applied migration(s) 0001, 0002"), "{stdout}");
    let again = run(&["migrate", "--db", &db]);
    let (stdout, _) = text(&again);
    assert!(stdout.contains("no migration needed"), "{stdout}");
}

#[test]
fn an_unreachable_postgresql_names_the_connection_error() {
    let out = run(&["migrate", "--db", "postgres://postgres@127.0.0.1:1/nothing"]);
    let (_, stderr) = text(&out);
    assert_ne!(out.status.code(), Some(0));
    assert!(!stderr.contains("pool timed out"), "{stderr}");
    assert!(stderr.contains("cannot connect to PostgreSQL") && stderr.to_lowercase().contains("refused"), "{stderr}");
}

#[test]
fn import_skips_and_counts_unpaid_rows_and_exits_2_only_for_malformed_ones() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("i.db").display());
    let csv = dir.path().join("charges.csv");
    std::fs::write(
        &csv,
        "id,amount,currency,created,customer,status\nch_a,10.00,USD,2026-04-01T10:00:00Z,acct-1,succeeded\nch_b,5.00,USD,2026-04-01T10:00:00Z,acct-1,failed\nch_c,5.00,USD,2026-04-01T10:00:00Z,acct-1,pending\n",
    )
    .unwrap();
    let out = run(&["import", "charges", "--db", &db, csv.to_str().unwrap()]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout} {stderr}");
    assert!(
        stdout.contains("imported 1 charge(s)")
            && stdout.contains("2 unpaid row(s) skipped")
            && stdout.contains("0 row(s) refused"),
        "{stdout}"
    );
    std::fs::write(
        &csv,
        "id,amount,currency,created,customer,status\nch_d,ten,USD,2026-04-01T10:00:00Z,acct-1,succeeded\n",
    )
    .unwrap();
    let bad = run(&["import", "charges", "--db", &db, csv.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(2), "{:?}", text(&bad));
    let venmo = run(&["import", "charges", "--db", &db, "--provider", "venmo", csv.to_str().unwrap()]);
    assert_eq!(venmo.status.code(), Some(2));
}

fn console(dir: &Path, args: &[&str], input: &str) -> (String, String) {
    let db = format!("sqlite:{}", dir.join("c.db").display());
    let mut cmd = bin();
    cmd.args(["console", "--db", &db]).args(args);
    let out = with_stdin(cmd, input);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    text(&out)
}

#[test]
fn tick_moves_the_console_clock_so_an_approval_expires() {
    let dir = tempfile::tempdir().unwrap();
    let (stdout, _) = console(dir.path(), &["--as", "bo"], "/refund ch_demo_dup2 duplicate charge\n/tick 73h\n");
    assert!(stdout.contains("APPROVAL REQUEST RF-000001"), "{stdout}");
    assert!(stdout.contains("expired: not approved within 72 hours"), "{stdout}");
    assert!(stdout.contains("3d 1h ahead"), "{stdout}");
    let (stdout, _) = console(dir.path(), &["--as", "bo"], "/tick whenever\n");
    assert!(stdout.contains("not a duration"), "{stdout}");
}

#[test]
fn the_demo_has_three_leads_so_an_override_can_be_approved() {
    let dir = tempfile::tempdir().unwrap();
    let input =
        "/refund ch_demo_old 15.00 override long-time customer\n/as max\n/react approval:RF-000001 ✅\n/as lee\n/react approval:RF-000001 ✅\n";
    let (stdout, _) = console(dir.path(), &["--as", "kim"], input);
    assert!(stdout.contains("OVERRIDE APPROVAL REQUEST"), "{stdout}");
    assert!(
        stdout.contains("approved by max and lee") && stdout.contains("Paid: refund of 15.00 USD on ch_demo_old"),
        "{stdout}"
    );
    assert!(!stdout.contains("not a lead"), "{stdout}");
}

#[test]
fn no_demo_prints_no_demo_banner_and_offers_staff() {
    let dir = tempfile::tempdir().unwrap();
    let (stdout, _) = console(dir.path(), &["--no-demo", "--as", "sam"], "/queue\n");
    assert!(!stdout.contains("Demo users") && !stdout.contains("demo data"), "{stdout}");
    assert!(stdout.contains("sam is a lead"), "{stdout}");
    assert!(!stdout.contains("staff only") && !stdout.to_lowercase().contains("not allowed"), "{stdout}");
    let dir = tempfile::tempdir().unwrap();
    let (stdout, _) = console(dir.path(), &["--no-demo", "--lead", "kay", "--agent", "al", "--as", "al"], "");
    assert!(stdout.contains("kay is a lead") && stdout.contains("al is an agent"), "{stdout}");
}

#[test]
fn console_json_prints_only_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let (stdout, _) = console(
        dir.path(),
        &["--json", "--as", "ana"],
        "how much credit do I have left?\n/as bo\n/tick 1h\n/tick nonsense\n",
    );
    assert!(stdout.lines().count() > 3, "{stdout}");
    for line in stdout.lines() {
        assert!(serde_json::from_str::<serde_json::Value>(line).is_ok(), "not JSON: {line}");
    }
}

#[test]
fn queue_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("q.db").display());
    replay_into(
        &db,
        &SEED.replace(
            r#"{"type":"react","at":"2026-04-02T10:05:00Z","user":"kim","emoji":"✅","on":"approval:RF-000001"}"#,
            "",
        ),
    );
    let out = run(&["queue", "--db", &db]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("RF-000001") && stdout.contains("10.00"), "{stdout}");
    let missing = run(&["queue", "--db", &format!("sqlite:{}", dir.path().join("nope.db").display())]);
    assert_ne!(missing.status.code(), Some(0));
    assert!(!dir.path().join("nope.db").exists());
}

#[test]
fn logs_to_a_file_or_pipe_carry_no_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("l.db").display());
    // Usage for an unknown account logs a warning; stderr is a pipe here.
    let out = with_stdin(
        {
            let mut c = bin();
            c.env("PAYDESK_LOG", "debug").args(["console", "--db", &db, "--as", "bo"]);
            c
        },
        "/usage acct-nobody 3\n",
    );
    let (_, stderr) = text(&out);
    assert!(!stderr.is_empty(), "no log lines to check");
    assert!(!stderr.contains('\u{1b}'), "colour codes in a piped log: {stderr:?}");
}

#[test]
fn completions_for_bash_zsh_and_fish() {
    for shell in ["bash", "zsh", "fish"] {
        let out = run(&["completions", shell]);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(0), "{shell}: {stderr}");
        assert!(stdout.contains("check-config") && stdout.contains("report"), "{shell}: {stdout}");
    }
    assert_eq!(run(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn every_command_has_help_for_every_option() {
    let out = run(&["--help"]);
    let (stdout, _) = text(&out);
    let commands: Vec<String> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() >= 12, "{commands:?}");
    for c in commands {
        let out = run(&[&c, "-h"]);
        let (help, _) = text(&out);
        // Every option line has words after its name.
        for l in
            help.lines().skip_while(|l| !l.starts_with("Options:")).skip(1).filter(|l| l.trim_start().starts_with('-'))
        {
            let t = l.trim();
            let words = t.split("  ").map(str::trim).filter(|s| !s.is_empty()).count();
            assert!(words >= 2, "`paydesk {c}`: option without help: {t}");
        }
    }
}
