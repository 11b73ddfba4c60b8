//! `paydesk import charges` and `paydesk reconcile` through the built binary.

use std::process::Command;

fn paydesk(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_paydesk")).args(args).env_remove("PAYDESK_LOG").output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn import_keeps_good_rows_and_reconcile_opens_one_case_per_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("r.db").display());
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/providers/");
    let (code, out, err) = paydesk(&["import", "charges", "--db", &db, &format!("{data}charges.csv")]);
    assert_eq!(code, Some(2), "a bad row is reported: {out}{err}");
    assert!(out.contains("imported 2 charge(s)"), "{out}");
    assert!(err.contains("line 3") && err.contains("more decimals"), "{err}");
    let (_, out, _) = paydesk(&["import", "charges", "--db", &db, &format!("{data}charges.csv")]);
    assert!(out.contains("imported 0 charge(s); 2 already known"), "{out}");

    let (code, out, err) = paydesk(&["reconcile", "--db", &db, "--provider", "stripe", &format!("{data}refunds.csv")]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        out.contains(
            "RF-000001: refund re_unknown_1 of 5.00 USD paid by the provider on charge ch_imp_1 is not recorded here"
        ),
        "{out}"
    );
    assert!(out.contains("1 mismatch(es)"), "{out}");
    // Again: reported already, no new case.
    let (_, out, _) = paydesk(&["reconcile", "--db", &db, "--provider", "stripe", &format!("{data}refunds.csv")]);
    assert!(out.contains("(already reported)") && !out.contains("RF-000002"), "{out}");
    let (_, audit, _) = paydesk(&["audit", "--db", &db]);
    assert!(audit.contains("reconcile.mismatch") && audit.contains("hash chain intact"), "{audit}");
}
