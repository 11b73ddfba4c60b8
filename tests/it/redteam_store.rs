//! Red-team findings on the store (issue 7, defects 3, 9 and 10), each on SQLite and on
//! PostgreSQL (with PAYDESK_TEST_PG):
//! - two processes requesting refunds on one charge at once never pass its cap, and none
//!   of them dies of a deadlock (a conflicting transaction is run again, once);
//! - the audit trail cannot be truncated, a cut-off tail or a forged-and-rehashed record is
//!   found by `paydesk audit`, which says where and how;
//! - bad input through the binary: NUL in text, sums past what the store keeps.

use crate::common::card_charge;
use crate::common::{backends, engine_on, fresh_db, t, Backend};
use paydesk::adapters::store::AnyStore;
use paydesk::app::engine::{Actor, Engine, Event};
use paydesk::app::ports::{ConnectorError, PaymentConnector, ProviderRefund, RefundCall, User};
use paydesk::domain::audit::{AuditRecord, GENESIS};
use paydesk::domain::billing::{Account, Charge};
use paydesk::domain::ids::{AccountId, ChargeId, UserId};
use paydesk::domain::money::Currency;
use paydesk::domain::roles::{Role, Roles};
use rust_decimal::Decimal;
use std::process::{Command, Output, Stdio};

const KEY: &str = "red-team test key: 32 bytes or more, never a real one";

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn msg(user: &str, text: &str) -> Event {
    Event::Message { actor: Actor::known(user), text: text.to_string(), channel: "support".into() }
}

fn charge(id: &str, amount: &str) -> Charge {
    Charge { description: "Pack".into(), ..card_charge(id, "acct-1", amount, t("2026-04-01T10:00:00Z")) }
}

async fn seed(e: &Engine, charges: &[Charge]) {
    let at = t("2026-04-01T00:00:00Z");
    e.seed_account(&Account { id: AccountId::new("acct-1"), currency: Currency::USD, auto_recharge: None }, None, at)
        .await
        .unwrap();
    let users: [(&str, Role, Option<&str>); 5] = [
        ("ana", Role::Customer, Some("acct-1")),
        ("bo", Role::Agent, None),
        ("cy", Role::Agent, None),
        ("kim", Role::Lead, None),
        ("max", Role::Lead, None),
    ];
    for (id, role, account) in users {
        let roles: Roles = [role].into_iter().collect();
        e.seed_user(&User { id: UserId::new(id), roles, account: account.map(AccountId::new) }, at).await.unwrap();
    }
    for c in charges {
        e.seed_charge(c, at).await.unwrap();
    }
}

/// Money reserved against a charge: refunds awaiting approval, approved, paying or paid.
async fn reserved(e: &Engine, charge: &str) -> Decimal {
    let s = e.store().snapshot().await.unwrap();
    s.refunds.iter().filter(|r| r.charge.as_str() == charge && r.status.reserves_money()).map(|r| r.amount).sum()
}

// ---- defect 3: the refund cap across processes ----

/// Two bot processes (two engines, each on its own connection pool, like two instances)
/// request 20.00 on the same 30.00 charge at the same moment, round after round: at most
/// one request per charge may be accepted, and neither process may fail.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_never_pass_the_refund_cap() {
    for backend in backends() {
        let db = fresh_db(&backend).await;
        let rounds = 25;
        let charges: Vec<Charge> = (0..rounds).map(|i| charge(&format!("ch_cap{i}"), "30.00")).collect();
        let (a, _, _, _) = engine_on(&db.url, "instance-a", |s| s).await;
        let (b, _, _, _) = engine_on(&db.url, "instance-b", |s| s).await;
        seed(&a, &charges).await;
        let at = t("2026-04-02T10:00:00Z");
        for i in 0..rounds {
            let c = format!("ch_cap{i}");
            let (ra, rb) = tokio::join!(
                a.handle(msg("bo", &format!("/refund {c} 20.00 customer asked")), at, None),
                b.handle(msg("cy", &format!("/refund {c} 20.00 customer asked")), at, None),
            );
            assert!(ra.is_ok() && rb.is_ok(), "round {i}: a process failed: {ra:?} / {rb:?}");
            let sum = reserved(&a, &c).await;
            assert!(sum <= dec("30.00"), "round {i}: {sum} reserved against a 30.00 charge");
            assert_eq!(sum, dec("20.00"), "round {i}: exactly one of the two requests is accepted");
        }
    }
}

/// The same race between two real processes: the built binary twice, replaying at the same
/// moment against one database, each an agent requesting 20.00 on every 30.00 charge.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_binaries_never_pass_the_refund_cap() {
    let rounds = 20;
    let mut fixtures = String::from(
        r#"{"type":"account","id":"acct-1","currency":"USD"}
{"type":"user","id":"ana","roles":["customer"],"account":"acct-1"}
{"type":"user","id":"bo","roles":["agent"]}
{"type":"user","id":"cy","roles":["agent"]}
"#,
    );
    for i in 0..rounds {
        let c = serde_json::json!({"type": "charge", "id": format!("ch_bin{i}"), "account": "acct-1", "amount": "30.00", "currency": "USD",
            "at": "2026-04-01T10:00:00Z", "method": "card", "kind": "product"});
        fixtures.push_str(&format!("{c}\n"));
    }
    let transcript = |agent: &str| {
        let mut t = fixtures.clone();
        for i in 0..rounds {
            let m = serde_json::json!({"type": "message", "at": "2026-04-02T10:00:00Z", "user": agent, "text": format!("/refund ch_bin{i} 20.00 asked twice")});
            t.push_str(&format!("{m}\n"));
        }
        t
    };
    for backend in backends() {
        let db = fresh_db(&backend).await;
        let store = AnyStore::open(&db.url).await.unwrap(); // migrated before the two start
        let dir = tempfile::tempdir().unwrap();
        let mut children = Vec::new();
        for agent in ["bo", "cy"] {
            let path = dir.path().join(format!("{agent}.jsonl"));
            std::fs::write(&path, transcript(agent)).unwrap();
            children.push(
                bin()
                    .arg("replay")
                    .arg("--db")
                    .arg(&db.url)
                    .arg(&path)
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap(),
            );
        }
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert_eq!(out.status.code(), Some(0), "no process dies: {}", String::from_utf8_lossy(&out.stderr));
        }
        let snap = store.as_store().snapshot().await.unwrap();
        for i in 0..rounds {
            let c = format!("ch_bin{i}");
            let sum: Decimal = snap
                .refunds
                .iter()
                .filter(|r| r.charge.as_str() == c && r.status.reserves_money())
                .map(|r| r.amount)
                .sum();
            assert_eq!(sum, dec("20.00"), "{c}: one request of the two, never 40.00 against 30.00");
        }
    }
}

/// A transaction the database kills as a deadlock victim is run again, whole, and the
/// event is applied once. Another session holds the lead's user row and then waits for
/// the event's delivery id, which the event's transaction has just written: a lock cycle
/// PostgreSQL breaks by aborting the event's transaction (SQLSTATE 40P01).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_deadlocked_event_is_retried_and_applied_once() {
    use sqlx::Connection;
    if !backends().iter().any(|b| matches!(b, Backend::Postgres)) {
        return; // SQLite has one writer at a time: no deadlock to force
    }
    let db = fresh_db(&Backend::Postgres).await;
    let (e, _, _, _) = engine_on(&db.url, "instance-a", |s| s).await;
    seed(&e, &[]).await;
    let at = t("2026-04-02T10:00:00Z");
    let mut other = sqlx::PgConnection::connect(&db.url).await.unwrap();
    sqlx::query("BEGIN").execute(&mut other).await.unwrap();
    // This session must not be the victim: it waits much longer before checking.
    sqlx::query("SET LOCAL deadlock_timeout = '30s'").execute(&mut other).await.unwrap();
    sqlx::query("SELECT id FROM users WHERE id = 'kim' FOR UPDATE").execute(&mut other).await.unwrap();
    let e = std::sync::Arc::new(e);
    let task = {
        let e = e.clone();
        tokio::spawn(async move {
            e.handle(msg("kim", "/wallet credit acct-1 5.00 sorry for the wait"), at, Some("discord:evt-1")).await
        })
    };
    // Wait until the event's transaction waits for kim's row (seen from a third session:
    // pg_stat_activity is a per-transaction snapshot).
    let mut watcher = sqlx::PgConnection::connect(&db.url).await.unwrap();
    let mut waiting = 0i64;
    for _ in 0..200 {
        waiting = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .fetch_one(&mut watcher)
        .await
        .unwrap();
        if waiting > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(waiting, 1, "the event waits for the row the other session holds");
    sqlx::query("INSERT INTO seen_events (key, at) VALUES ('discord:evt-1', 0) ON CONFLICT (key) DO NOTHING")
        .execute(&mut other)
        .await
        .unwrap();
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    let result =
        tokio::time::timeout(std::time::Duration::from_secs(30), task).await.expect("the event finishes").unwrap();
    assert!(result.is_ok(), "the deadlock victim must be retried, not fail: {result:?}");
    // It really was a deadlock (PostgreSQL counts them per database; the count is
    // published at the end of a transaction, so wait a little for it).
    let mut seen = 0i64;
    for _ in 0..40 {
        seen = sqlx::query_scalar("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
            .fetch_one(&mut watcher)
            .await
            .unwrap();
        if seen > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(seen, 1, "one deadlock was detected and broken");
    // Once, even when the platform delivers it again.
    e.handle(msg("kim", "/wallet credit acct-1 5.00 sorry for the wait"), at, Some("discord:evt-1")).await.unwrap();
    let s = e.store().snapshot().await.unwrap();
    let wallet = s.wallets.iter().find(|w| w.account.as_str() == "acct-1").unwrap();
    assert_eq!(wallet.balance, dec("5.00"));
    let credits = e.store().audit(None).await.unwrap().iter().filter(|a| a.record.action == "wallet.goodwill").count();
    assert_eq!(credits, 1);
}

/// A provider call that waits for the test's word before answering (as the sandbox).
struct Gate {
    inner: std::sync::Arc<paydesk::adapters::payments::sandbox::Sandbox>,
    called: tokio::sync::Notify,
    go: tokio::sync::Notify,
}

#[async_trait::async_trait]
impl PaymentConnector for Gate {
    fn name(&self) -> &str {
        self.inner.name()
    }
    async fn refund(&self, call: &RefundCall) -> Result<ProviderRefund, ConnectorError> {
        self.called.notify_one();
        self.go.notified().await;
        self.inner.refund(call).await
    }
    async fn lookup(&self, call: &RefundCall) -> Result<Option<ProviderRefund>, ConnectorError> {
        self.inner.lookup(call).await
    }
}

/// The refund runner records the provider's answer in a transaction that the database
/// kills as a deadlock victim: the process goes on (the event that approved the refund
/// succeeds), the refund stays executing under its lease, and when the lease lapses it is
/// resumed and paid — once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_deadlocked_refund_answer_is_resumed_not_fatal() {
    use sqlx::Connection;
    if !backends().iter().any(|b| matches!(b, Backend::Postgres)) {
        return;
    }
    let db = fresh_db(&Backend::Postgres).await;
    let gate = std::sync::OnceLock::new();
    let (e, sandbox, _, _) = engine_on(&db.url, "instance-a", |s| {
        let g =
            std::sync::Arc::new(Gate { inner: s, called: tokio::sync::Notify::new(), go: tokio::sync::Notify::new() });
        let _ = gate.set(g.clone());
        g as std::sync::Arc<dyn PaymentConnector>
    })
    .await;
    let gate = gate.get().unwrap().clone();
    seed(&e, &[charge("ch_1", "30.00")]).await;
    let at = t("2026-04-02T10:00:00Z");
    e.handle(msg("bo", "/refund ch_1 20.00 asked twice"), at, None).await.unwrap();
    let e = std::sync::Arc::new(e);
    let task = {
        let e = e.clone();
        tokio::spawn(async move { e.handle(msg("kim", "/approve RF-000001"), at, None).await })
    };
    gate.called.notified().await; // approved, committed; the runner is at the provider
    let mut other = sqlx::PgConnection::connect(&db.url).await.unwrap();
    sqlx::query("BEGIN").execute(&mut other).await.unwrap();
    sqlx::query("SET LOCAL deadlock_timeout = '30s'").execute(&mut other).await.unwrap();
    sqlx::query("SELECT id FROM refunds FOR UPDATE").execute(&mut other).await.unwrap();
    gate.go.notify_one(); // the runner's transaction takes the head, then waits for the refund row
    let mut watcher = sqlx::PgConnection::connect(&db.url).await.unwrap();
    for _ in 0..200 {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .fetch_one(&mut watcher)
        .await
        .unwrap();
        if waiting > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    sqlx::query("SELECT id FROM audit_head FOR UPDATE").execute(&mut other).await.unwrap(); // the cycle: the runner is the victim
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    let result =
        tokio::time::timeout(std::time::Duration::from_secs(30), task).await.expect("the event finishes").unwrap();
    assert!(result.is_ok(), "a collided refund answer must not end the process: {result:?}");
    let s = e.store().snapshot().await.unwrap();
    assert_eq!(s.refunds[0].status.as_str(), "executing", "not recorded yet: resumed when the lease lapses");
    // Six minutes later the lease has lapsed: the runner asks by key, finds it paid, records it.
    let later = at + chrono::Duration::minutes(6);
    let resumed = tokio::spawn({
        let e = e.clone();
        async move { e.run_timers(later).await }
    });
    gate.go.notify_one(); // in case the runner calls again rather than looking up
    resumed.await.unwrap().unwrap();
    let s = e.store().snapshot().await.unwrap();
    assert_eq!(s.refunds[0].status.as_str(), "succeeded");
    let paid = sandbox.books().all().await.unwrap();
    assert_eq!(paid.len(), 1, "paid once: {paid:?}");
}

// ---- defect 9: the audit trail ----

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_paydesk"));
    c.env_remove("PAYDESK_LOG").env_remove("PAYDESK_AUDIT_KEY");
    c
}

const TRANSCRIPT: &str = r#"{"type":"account","id":"acct-1","currency":"USD","wallet":"4.00"}
{"type":"user","id":"ana","roles":["customer"],"account":"acct-1"}
{"type":"user","id":"bo","roles":["agent"]}
{"type":"user","id":"kim","roles":["lead"]}
{"type":"charge","id":"ch_1","account":"acct-1","amount":"49.00","currency":"USD","at":"2026-04-01T10:00:00Z","method":"card","card_last4":"4242","kind":"product","description":"Pack"}
{"type":"message","at":"2026-04-02T10:00:00Z","user":"ana","text":"you charged me twice for the pack ch_1"}
{"type":"message","at":"2026-04-02T10:05:00Z","user":"bo","text":"/refund ch_1 10.00 goodwill"}
{"type":"message","at":"2026-04-02T10:06:00Z","user":"kim","text":"/wallet credit acct-1 2.00 sorry"}
"#;

fn replay_into(url: &str, key: Option<&str>) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.jsonl");
    std::fs::write(&path, TRANSCRIPT).unwrap();
    let mut c = bin();
    if let Some(k) = key {
        c.env("PAYDESK_AUDIT_KEY", k);
    }
    let out = c.arg("replay").arg("--db").arg(url).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "replay: {}", String::from_utf8_lossy(&out.stderr));
    out
}

fn audit_cmd(url: &str, key: Option<&str>) -> (Option<i32>, String, String) {
    let mut c = bin();
    if let Some(k) = key {
        c.env("PAYDESK_AUDIT_KEY", k);
    }
    let out = c.args(["audit", "--db", url]).stdin(Stdio::null()).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs SQL as the database's owner (a writer who goes around the bot).
async fn exec(url: &str, sql: &str) -> Result<(), sqlx::Error> {
    crate::common::owner_sql(url, sql).await
}

/// Drops the append-only triggers, as a database owner can.
async fn drop_guards(url: &str) {
    let pg = !url.starts_with("sqlite:");
    for (trigger, table) in [
        ("audit_no_update", "audit"),
        ("audit_no_delete", "audit"),
        ("audit_head_forward_only", "audit_head"),
        ("audit_head_no_delete", "audit_head"),
    ] {
        let sql = if pg {
            format!("DROP TRIGGER IF EXISTS {trigger} ON {table}")
        } else {
            format!("DROP TRIGGER IF EXISTS {trigger}")
        };
        exec(url, &sql).await.unwrap();
    }
}

#[tokio::test]
async fn truncating_the_audit_trail_is_refused() {
    for backend in backends() {
        let db = fresh_db(&backend).await;
        replay_into(&db.url, None);
        let store = AnyStore::open(&db.url).await.unwrap();
        let before = store.as_store().audit(None).await.unwrap().len();
        assert!(before > 3);
        // PostgreSQL: TRUNCATE skips row triggers, so statement triggers refuse it. SQLite has
        // no TRUNCATE; its "truncate optimisation" of DELETE without WHERE still fires triggers.
        let cut = if store.is_postgres() { "TRUNCATE audit" } else { "DELETE FROM audit" };
        let err = exec(&db.url, cut).await.expect_err("the audit trail cannot be emptied");
        assert!(err.to_string().contains("append-only"), "{err}");
        if store.is_postgres() {
            let err = exec(&db.url, "TRUNCATE audit_head").await.expect_err("nor its head");
            assert!(err.to_string().contains("append-only"), "{err}");
            exec(&db.url, "TRUNCATE audit CASCADE").await.expect_err("nor with CASCADE");
        }
        assert_eq!(store.as_store().audit(None).await.unwrap().len(), before);
        let (code, stdout, stderr) = audit_cmd(&db.url, None);
        assert_eq!(code, Some(0), "{stdout}{stderr}");
        assert!(stdout.contains(&format!("hash chain intact ({before} records)")), "{stdout}");
    }
}

#[tokio::test]
async fn a_deleted_tail_is_detected() {
    for backend in backends() {
        let db = fresh_db(&backend).await;
        replay_into(&db.url, None);
        let store = AnyStore::open(&db.url).await.unwrap();
        let all = store.as_store().audit(None).await.unwrap();
        let n = all.len();
        drop_guards(&db.url).await;
        let last_kept = all[n - 3].seq;
        exec(&db.url, &format!("DELETE FROM audit WHERE seq > {last_kept}")).await.unwrap();
        let (code, stdout, stderr) = audit_cmd(&db.url, None);
        assert_eq!(code, Some(1), "a cut-off trail is not intact: {stdout}{stderr}");
        assert!(stderr.contains(&format!("head says {n} records, found {}", n - 2)), "{stderr}");
        assert!(!stdout.contains("intact ("), "{stdout}");
        // Emptied entirely (what TRUNCATE did): still caught.
        exec(&db.url, "DELETE FROM audit").await.unwrap();
        let (code, _, stderr) = audit_cmd(&db.url, None);
        assert_eq!(code, Some(1));
        assert!(stderr.contains(&format!("head says {n} records, found 0")), "{stderr}");
    }
}

/// The forger edits a record and recomputes every hash after it and the head: the plain
/// chain verifies, but the HMACs (key in PAYDESK_AUDIT_KEY, not in the database) do not.
#[tokio::test]
async fn a_forged_and_rehashed_record_is_detected_with_the_key() {
    for backend in backends() {
        let db = fresh_db(&backend).await;
        replay_into(&db.url, Some(KEY));
        let (code, stdout, stderr) = audit_cmd(&db.url, Some(KEY));
        assert_eq!(code, Some(0), "{stdout}{stderr}");
        let store = AnyStore::open(&db.url).await.unwrap();
        let all = store.as_store().audit(None).await.unwrap();
        let n = all.len();
        assert!(
            stdout.contains(&format!("{n} of {n} records signed, HMACs checked")),
            "every record is signed: {stdout}"
        );
        let target =
            all.iter().position(|a| a.record.action == "refund.requested").expect("a refund request is audited");
        drop_guards(&db.url).await;
        let mut prev = GENESIS;
        for (i, a) in all.iter().enumerate() {
            let mut rec: AuditRecord = a.record.clone();
            if i == target {
                rec.detail = rec.detail.replace("10.00", "49.00");
            }
            let h = rec.chain_hash(&prev);
            exec(
                &db.url,
                &format!(
                    "UPDATE audit SET detail = '{}', prev_hash = '{}', hash = '{}' WHERE seq = {}",
                    rec.detail.replace('\'', "''"),
                    hex::encode(prev),
                    hex::encode(h),
                    a.seq
                ),
            )
            .await
            .unwrap();
            prev = h;
        }
        exec(&db.url, &format!("UPDATE audit_head SET last_hash = '{}'", hex::encode(prev))).await.unwrap();
        let seq = all[target].seq;
        let (code, stdout, stderr) = audit_cmd(&db.url, Some(KEY));
        assert_eq!(code, Some(1), "{stdout}{stderr}");
        assert!(stderr.contains(&format!("record {seq}: HMAC does not match")), "{stderr}");
        assert!(stderr.contains("the audit head's HMAC does not match"), "{stderr}");
        // Without the key only the plain chain can be checked, and the output says so.
        let (code, stdout, _) = audit_cmd(&db.url, None);
        assert_eq!(code, Some(0));
        assert!(stdout.contains("HMACs NOT checked: PAYDESK_AUDIT_KEY is not set"), "{stdout}");
    }
}

#[tokio::test]
async fn an_edited_record_is_named_with_expected_and_found() {
    for backend in backends() {
        let db = fresh_db(&backend).await;
        replay_into(&db.url, None);
        let store = AnyStore::open(&db.url).await.unwrap();
        let all = store.as_store().audit(None).await.unwrap();
        drop_guards(&db.url).await;
        let seq = all[1].seq;
        exec(&db.url, &format!("UPDATE audit SET detail = 'nothing happened' WHERE seq = {seq}")).await.unwrap();
        let (code, _, stderr) = audit_cmd(&db.url, None);
        assert_eq!(code, Some(1));
        assert!(
            stderr.contains(&format!("record {seq}: content hashes to ")) && stderr.contains("but the stored hash is"),
            "{stderr}"
        );
    }
}

/// A trail written before migration 0004 (chain hashes, no head, no signatures) stays
/// verifiable: the migration counts it into the head, and the first signed record after it
/// vouches for it.
#[tokio::test]
async fn a_trail_from_before_migration_0004_still_verifies() {
    for backend in backends() {
        let db = fresh_db(&backend).await;
        let pg = matches!(backend, Backend::Postgres);
        // The schema as it was: migrations 0001-0003 only.
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(if pg {
            "postgres"
        } else {
            "sqlite"
        });
        let old = tempfile::tempdir().unwrap();
        for f in ["0001_init.sql", "0002_discord.sql", "0003_providers.sql"] {
            std::fs::copy(src.join(f), old.path().join(f)).unwrap();
        }
        let migrator = sqlx::migrate::Migrator::new(old.path()).await.unwrap();
        let mut prev = GENESIS;
        let mut rows = Vec::new();
        for i in 0..3 {
            let rec = AuditRecord {
                at: t("2026-03-01T00:00:00Z"),
                actor: "kim".into(),
                case: None,
                action: "wallet.goodwill".into(),
                detail: format!("old record {i}"),
                rule: None,
            };
            let h = rec.chain_hash(&prev);
            rows.push(format!(
                "INSERT INTO audit (at, actor, case_number, action, detail, rule, prev_hash, hash) VALUES ({}, 'kim', NULL, 'wallet.goodwill', '{}', NULL, '{}', '{}')",
                rec.at.timestamp_micros(),
                rec.detail,
                hex::encode(prev),
                hex::encode(h)
            ));
            prev = h;
        }
        if pg {
            use sqlx::Connection;
            let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
            migrator.run(&mut c).await.unwrap();
            for r in &rows {
                sqlx::query(r).execute(&mut c).await.unwrap();
            }
        } else {
            use sqlx::{ConnectOptions, Connection};
            let opts: sqlx::sqlite::SqliteConnectOptions = db.url.parse().unwrap();
            let mut c = opts.create_if_missing(true).connect().await.unwrap();
            migrator.run(&mut c).await.unwrap();
            for r in &rows {
                sqlx::query(r).execute(&mut c).await.unwrap();
            }
            c.close().await.unwrap();
        }
        // The bot of today, with a key, migrates and appends.
        replay_into(&db.url, Some(KEY));
        let (code, stdout, stderr) = audit_cmd(&db.url, Some(KEY));
        assert_eq!(code, Some(0), "{stdout}{stderr}");
        let store = AnyStore::open(&db.url).await.unwrap();
        let n = store.as_store().audit(None).await.unwrap().len();
        assert!(
            stdout.contains(&format!("hash chain intact ({n} records); {} of {n} records signed", n - 3)),
            "{stdout}"
        );
        // and an old record changed since is still caught
        drop_guards(&db.url).await;
        exec(&db.url, "UPDATE audit SET detail = 'old record 9' WHERE detail = 'old record 1'").await.unwrap();
        let (code, _, stderr) = audit_cmd(&db.url, Some(KEY));
        assert_eq!(code, Some(1));
        assert!(stderr.contains("record 2: content hashes to"), "{stderr}");
    }
}

#[test]
fn check_config_says_whether_the_audit_is_signed() {
    let out = bin().arg("check-config").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("PAYDESK_AUDIT_KEY is not set"), "{stdout}");
    let out = bin().arg("check-config").env("PAYDESK_AUDIT_KEY", KEY).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("records are signed with PAYDESK_AUDIT_KEY"));
    let out = bin().arg("check-config").env("PAYDESK_AUDIT_KEY", "short").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("PAYDESK_AUDIT_KEY is 5 bytes long; it must be at least 32"));
}

// ---- defect 10: bad input through the binary, on both backends ----

fn replay_text(url: &str, text: &str) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.jsonl");
    std::fs::write(&path, text).unwrap();
    bin().arg("replay").arg("--db").arg(url).arg(&path).output().unwrap()
}

/// NUL is removed where text enters the bot: PostgreSQL (which cannot store it) and SQLite
/// (which can) end up with the same text, and the replay does not stop.
#[tokio::test]
async fn nul_in_text_is_removed_the_same_way_on_both_backends() {
    let head = r#"{"type":"account","id":"acct-1","currency":"USD"}
{"type":"user","id":"ana","roles":["customer"],"account":"acct-1"}
{"type":"charge","id":"ch_1","account":"acct-1","amount":"49.00","currency":"USD","at":"2026-04-01T10:00:00Z","method":"card","kind":"product","description":"Pa\u0000ck"}
{"type":"message","at":"2026-04-02T10:00:00Z","user":"an\u0000a","text":"you charged me twice\u0000 for ch_1"}
"#;
    let mut outputs = Vec::new();
    for backend in backends() {
        let db = fresh_db(&backend).await;
        let out = replay_text(&db.url, head);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(!stdout.contains("\\u0000"), "{stdout}");
        assert!(stdout.contains("\"to\":\"ana\""), "the speaker is ana: {stdout}");
        let store = AnyStore::open(&db.url).await.unwrap();
        let audit = store.as_store().audit(None).await.unwrap();
        assert!(audit.iter().all(|a| !a.record.detail.contains('\0') && !a.record.actor.contains('\0')));
        outputs.push(stdout);
    }
    if outputs.len() == 2 {
        assert_eq!(outputs[0], outputs[1], "both backends answer the same");
    }
}

/// Provider text (webhook event ids, reconciliation rows, imported charges) enters the engine
/// without NUL too, on both backends.
#[tokio::test]
async fn nul_in_provider_text_is_removed_on_both_backends() {
    use paydesk::app::engine::{Imported, WebhookOutcome};
    for backend in backends() {
        let db = fresh_db(&backend).await;
        let (e, _, _, _) = engine_on(&db.url, "w", |s| s).await;
        seed(&e, &[charge("ch_1", "30.00")]).await;
        let at = t("2026-04-02T10:00:00Z");
        let out = e.charge_disputed("sandbox", "evt\0-1", &ChargeId::new("ch_1"), at).await.unwrap();
        assert_eq!(out, WebhookOutcome::Applied);
        assert_eq!(
            e.charge_disputed("sandbox", "evt-1", &ChargeId::new("ch_1"), at).await.unwrap(),
            WebhookOutcome::Duplicate
        );
        let case = e
            .reconcile_mismatch("sandbox", "fp\0", Some(&ChargeId::new("ch_1")), "paid\0 but not recorded", at)
            .await
            .unwrap();
        assert!(case.is_some());
        let mut imported = charge("ch_\0imp", "5.00");
        imported.description = "Pa\0ck".into();
        assert_eq!(e.import_charge(&imported, at).await.unwrap(), Imported::Created);
        assert_eq!(e.import_charge(&charge("ch_imp", "5.00"), at).await.unwrap(), Imported::Existing);
        let audit = e.store().audit(None).await.unwrap();
        assert!(audit.iter().all(|a| !a.record.detail.contains('\0')));
        assert!(audit.iter().any(|a| a.record.detail.contains("paid but not recorded")));
    }
}

/// 1,001 goodwill credits of 1,000,000,000: the wallet would pass the largest balance the
/// store keeps exactly (10^12, scaled by 10^6 into i64) — refused with a reason before the
/// write, on both backends; the replay goes on (old code: SQLite overflowed at 9,224).
#[tokio::test]
async fn a_wallet_sum_past_the_store_range_is_refused_before_the_write() {
    let mut text = String::from(
        r#"{"type":"account","id":"acct-1","currency":"USD"}
{"type":"user","id":"kim","roles":["lead"]}
"#,
    );
    for i in 0..1001 {
        let line = serde_json::json!({"type": "message", "at": format!("2026-04-02T10:{:02}:{:02}Z", i / 60 % 60, i % 60), "user": "kim", "text": "/wallet credit acct-1 1000000000 make good"});
        text.push_str(&line.to_string());
        text.push('\n');
    }
    text.push_str(r#"{"type":"message","at":"2026-04-02T11:00:00Z","user":"kim","text":"/wallet acct-1"}"#);
    text.push('\n');
    for backend in backends() {
        let db = fresh_db(&backend).await;
        // One lead may credit any amount here: the test is about the store's range, not
        // about the second lead a large goodwill credit needs by default.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.jsonl");
        std::fs::write(&path, &text).unwrap();
        let out = bin()
            .env("PAYDESK_POLICY_GOODWILL_TWO_LEAD_ABOVE", "1000000000")
            .arg("replay")
            .arg("--db")
            .arg(&db.url)
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("Nothing was changed: the wallet of acct-1 would go past 1000000000000.00 USD, the largest balance the bot keeps."),
            "{}",
            stdout.lines().rev().take(5).collect::<Vec<_>>().join("\n")
        );
        let last = stdout.lines().last().unwrap();
        assert!(last.contains("\"balance\":\"1000000000000.00\""), "{last}");
    }
}
