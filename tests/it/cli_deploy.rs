//! Deployment files: the Dockerfile's build stage copies everything the build reads and
//! runs the locked release build, the runtime stage is small and unprivileged; the systemd
//! unit is valid; the licence texts match Cargo.toml; the binary answers `--version`.
//! (Docker cannot run here: CI runs the build stage's steps with
//! deploy/docker-build-steps.sh.)

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(p: &str) -> String {
    std::fs::read_to_string(root().join(p)).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// The sources of the build stage's COPY lines (paths relative to the repository).
fn build_stage_copies(dockerfile: &str) -> Vec<String> {
    dockerfile
        .lines()
        .take_while(|l| !(l.starts_with("FROM ") && l.contains(" AS runtime")))
        .filter(|l| l.starts_with("COPY ") && !l.contains("--from"))
        .flat_map(|l| {
            let words: Vec<&str> = l.split_whitespace().skip(1).collect();
            words[..words.len() - 1].iter().map(|w| w.to_string()).collect::<Vec<_>>()
        })
        .collect()
}

/// Every file the crate reads at compile time: `include_str!`/`include_bytes!` paths
/// and the `sqlx::migrate!` directories.
fn compile_time_inputs() -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root().join("src")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            if p.ends_with("nlu/tests.rs") {
                continue; // a #[cfg(test)] module: not part of the release build
            }
            for (mac, relative_to_file) in
                [("include_str!(\"", true), ("include_bytes!(\"", true), ("sqlx::migrate!(\"", false)]
            {
                for part in text.split(mac).skip(1) {
                    let arg = part.split('"').next().unwrap();
                    let full = if relative_to_file { p.parent().unwrap().join(arg) } else { root().join(arg) };
                    let rel = normalize(&full).strip_prefix(root()).unwrap().display().to_string();
                    out.push(rel);
                }
            }
        }
    }
    out
}

fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

#[test]
fn the_dockerfile_builds_locked_in_one_stage_and_runs_small_and_unprivileged() {
    let d = read("Dockerfile");
    assert_eq!(d.lines().filter(|l| l.starts_with("FROM ")).count(), 2, "two stages");
    assert!(d.contains("cargo build --release --locked"), "the locked release build");
    assert!(d.contains("target/release/paydesk --version"), "the built binary is run once");
    let runtime = d.split(" AS runtime").nth(1).expect("a runtime stage");
    assert!(runtime.starts_with('\n') && d.contains("FROM debian:bookworm-slim AS runtime"), "a slim runtime image");
    assert!(runtime.contains("COPY --from=build /src/target/release/paydesk"), "only the binary is copied over");
    assert!(runtime.contains("USER paydesk"), "not root");
    assert!(!runtime.contains("cargo"), "no toolchain in the runtime stage");
    let copies = build_stage_copies(&d);
    for needed in ["Cargo.toml", "Cargo.lock", "src"] {
        assert!(copies.iter().any(|c| c == needed), "{needed} is not copied: {copies:?}");
    }
    for input in compile_time_inputs() {
        assert!(
            copies.iter().any(|c| input == *c || input.starts_with(&format!("{c}/"))),
            "the build reads {input}, which the Dockerfile does not copy ({copies:?})"
        );
    }
    let script = root().join("deploy/docker-build-steps.sh");
    assert!(std::fs::metadata(&script)
        .map(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o111 != 0)
        .unwrap_or(false));
    assert!(read(".ci/run").contains("deploy/docker-build-steps.sh"), "CI runs the Dockerfile's build steps");
}

#[test]
fn the_systemd_unit_runs_migrate_then_run_and_is_valid() {
    let unit = read("deploy/paydesk.service");
    assert!(unit.contains("ExecStartPre=/usr/local/bin/paydesk migrate --config /etc/paydesk/bot.toml"));
    assert!(unit.contains("ExecStart=/usr/local/bin/paydesk run --config /etc/paydesk/bot.toml"));
    assert!(unit.contains("EnvironmentFile=/etc/paydesk/paydesk.env") && unit.contains("User=paydesk"));
    if Command::new("systemd-analyze").arg("--version").output().is_ok_and(|o| o.status.success()) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("paydesk.service");
        std::fs::write(&p, unit.replace("/usr/local/bin/paydesk", env!("CARGO_BIN_EXE_paydesk"))).unwrap();
        let out = Command::new("systemd-analyze").arg("verify").arg(&p).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        let problems: Vec<&str> = err.lines().filter(|l| l.contains("paydesk.service")).collect();
        assert!(problems.is_empty(), "systemd-analyze verify: {err}");
    }
}

#[test]
fn licence_files_match_the_manifest() {
    assert!(read("Cargo.toml").contains("license = \"MIT OR Apache-2.0\""));
    assert!(read("LICENSE-MIT").contains("Permission is hereby granted, free of charge"));
    let apache = read("LICENSE-APACHE");
    assert!(
        apache.contains("Apache License")
            && apache.contains("Version 2.0, January 2004")
            && apache.contains("END OF TERMS AND CONDITIONS")
    );
    let l = read("LICENSE");
    assert!(l.contains("LICENSE-MIT") && l.contains("LICENSE-APACHE"));
}

#[test]
fn the_binary_answers_version() {
    let out = Command::new(env!("CARGO_BIN_EXE_paydesk")).arg("--version").output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), format!("paydesk {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn docs_do_not_point_outside_the_repository() {
    for f in ["README.md", "docs/policy.md", "docs/deployment.md", "ARCHITECTURE.md", "bot.toml.example"] {
        let t = read(f);
        for bad in ["shared/contracts", "../shared", "](policy.md)", "`policy.md`"] {
            assert!(!t.contains(bad), "{f} mentions {bad}");
        }
    }
}
