//! The mechanical claims of `ARCHITECTURE.md`, checked so the document cannot drift from the
//! code: every path of the code map exists, the layers import only inward
//! (main → adapters → config → app → nlu → domain), the domain does no I/O and reads no
//! clock, non-test code has no `unwrap()`, the engine is built in one place (`wiring::App`) and
//! the entry point's functions stay short.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `src/a/{b,c}.rs` → `src/a/b.rs`, `src/a/c.rs` (one brace group, as the code map writes them).
fn expand(path: &str) -> Vec<String> {
    match (path.find('{'), path.find('}')) {
        (Some(open), Some(close)) if open < close => path[open + 1..close]
            .split(',')
            .map(|part| format!("{}{}{}", &path[..open], part.trim(), &path[close + 1..]))
            .collect(),
        _ => vec![path.to_string()],
    }
}

/// The paths named in the first column of the code map table.
fn code_map_paths(doc: &str) -> Vec<String> {
    let start = doc.find("## Code map").expect("ARCHITECTURE.md has a code map");
    let section = &doc[start..];
    let end = section[3..].find("\n## ").map_or(section.len(), |i| i + 3);
    let mut paths = Vec::new();
    for line in section[..end].lines() {
        let Some(first) = line.strip_prefix('|').and_then(|l| l.split('|').next()) else { continue };
        // A cell may name several paths: `a`, `b`.
        for (i, piece) in first.split('`').enumerate() {
            if i % 2 == 1 && !piece.is_empty() {
                paths.extend(expand(piece));
            }
        }
    }
    paths
}

#[test]
fn every_path_in_the_code_map_exists() {
    let doc = fs::read_to_string(root().join("ARCHITECTURE.md")).expect("read ARCHITECTURE.md");
    let paths = code_map_paths(&doc);
    assert!(paths.len() > 20, "the code map should name the modules, found {paths:?}");
    let missing: Vec<_> = paths.iter().filter(|p| !root().join(p.trim_end_matches('/')).exists()).collect();
    assert!(missing.is_empty(), "ARCHITECTURE.md's code map names paths that do not exist: {missing:?}");
}

#[test]
fn brace_groups_expand() {
    assert_eq!(expand("src/a/{b,c}.rs"), ["src/a/b.rs", "src/a/c.rs"]);
    assert_eq!(expand("src/a/"), ["src/a/"]);
    let doc = "## Code map\n| path | what |\n|---|---|\n| `x/{p,q}.rs`, `y/` | z |\n\n## Next\n| `not/this` | |\n";
    assert_eq!(code_map_paths(doc), ["x/p.rs", "x/q.rs", "y/"]);
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The file's code outside its test module(s) and without comment lines.
fn production_code(path: &Path) -> String {
    let text = fs::read_to_string(path).expect("read source");
    // A module file that its parent declares as `#[cfg(test)] mod tests;` is test code whole.
    if path.file_name().is_some_and(|n| n == "tests.rs") {
        let parent = path.with_file_name("mod.rs");
        if fs::read_to_string(parent).is_ok_and(|m| m.contains("#[cfg(test)]\nmod tests;")) {
            return String::new();
        }
    }
    let mut code = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            // Skip the item that follows: a `mod … {` block up to its closing brace at the
            // same indentation, or a single line.
            let Some(item) = lines.next() else { break };
            if item.trim_end().ends_with('{') {
                let indent = item.len() - item.trim_start().len();
                let close = format!("{}}}", " ".repeat(indent));
                for l in lines.by_ref() {
                    if l.trim_end() == close {
                        break;
                    }
                }
            }
            continue;
        }
        if t.starts_with("//") {
            continue;
        }
        code.push_str(line);
        code.push('\n');
    }
    code
}

fn offenders(dir: &str, forbidden: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(&root().join(dir), &mut files);
    files.sort();
    let mut found = Vec::new();
    for file in files {
        let code = production_code(&file);
        for needle in forbidden {
            if code.contains(needle) {
                found.push(format!("{} uses `{needle}`", file.strip_prefix(root()).unwrap_or(&file).display()));
            }
        }
    }
    found
}

#[test]
fn the_layers_import_only_inward() {
    let domain = offenders(
        "src/domain",
        &[
            "crate::app",
            "crate::adapters",
            "crate::nlu",
            "crate::config",
            "crate::bench",
            "crate::logging",
            "tokio",
            "sqlx",
            "reqwest",
            "serenity",
            "std::fs",
            "std::net",
            "std::env",
            "Utc::now",
            "SystemTime::now",
            "Instant::now",
        ],
    );
    assert!(domain.is_empty(), "the domain is pure (no I/O, no clock, no outer layer): {domain:?}");
    let nlu = offenders("src/nlu", &["crate::app", "crate::adapters", "crate::config", "sqlx", "serenity", "reqwest"]);
    assert!(nlu.is_empty(), "nlu depends only on the domain: {nlu:?}");
    let app = offenders("src/app", &["crate::adapters", "crate::config", "sqlx::", "serenity", "reqwest"]);
    assert!(app.is_empty(), "the application reaches adapters only through its ports: {app:?}");
}

#[test]
fn production_code_has_no_unwrap() {
    let found = offenders("src", &[".unwrap()"]);
    assert!(found.is_empty(), "non-test code says why instead of unwrap(): {found:?}");
}

#[test]
fn the_test_module_skipper_skips_only_tests() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("x.rs");
    fs::write(
        &file,
        "use a;\n// crate::app in a comment\n#[cfg(test)]\nmod tests {\n    use crate::app;\n}\nfn f() {}\n",
    )
    .expect("write");
    let code = production_code(&file);
    assert_eq!(code, "use a;\nfn f() {}\n");
    // A `tests.rs` its `mod.rs` declares as a test module is skipped whole; another is not.
    fs::write(dir.path().join("tests.rs"), "fn t() { x.unwrap(); }\n").expect("write");
    fs::write(dir.path().join("mod.rs"), "mod tests;\n").expect("write");
    assert_eq!(production_code(&dir.path().join("tests.rs")), "fn t() { x.unwrap(); }\n");
    fs::write(dir.path().join("mod.rs"), "#[cfg(test)]\nmod tests;\n").expect("write");
    assert_eq!(production_code(&dir.path().join("tests.rs")), "");
}

/// Files under `dir` (or the file `dir`) with their production code.
fn production_files(dir: &str) -> Vec<(String, String)> {
    let path = root().join(dir);
    let mut files = Vec::new();
    if path.is_dir() {
        rust_files(&path, &mut files);
    } else {
        files.push(path);
    }
    files.sort();
    files
        .into_iter()
        .map(|f| (f.strip_prefix(root()).unwrap_or(&f).display().to_string(), production_code(&f)))
        .collect()
}

#[test]
fn the_app_is_built_in_one_place() {
    // Every subcommand, the bench and the tests' shared harness build their engine through
    // `wiring::App`; only the engine's own module (and its unit tests) call `Engine::new`.
    let mut found = Vec::new();
    for dir in ["src", "tests/it/common"] {
        for (name, code) in production_files(dir) {
            if code.contains("Engine::new(") && !name.starts_with("src/app/") && name != "src/wiring.rs" {
                found.push(name);
            }
        }
    }
    assert!(found.is_empty(), "these build an engine by hand instead of through wiring::App: {found:?}");
}

/// Functions longer than `max` lines in `code`: from `fn` to the closing brace at its indentation.
fn long_functions(code: &str, max: usize) -> Vec<(String, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut long = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        let Some(rest) = ["fn ", "pub fn ", "async fn ", "pub async fn ", "pub(crate) fn ", "pub(crate) async fn "]
            .iter()
            .find_map(|p| t.strip_prefix(p))
        else {
            continue;
        };
        // The signature may wrap over several lines (rustfmt at 120 columns): the body
        // starts at the first line ending in `{`; a line ending in `;` first is a
        // declaration without a body (a trait method).
        let Some(open) =
            lines[i..].iter().take(30).position(|l| l.trim_end().ends_with('{') || l.trim_end().ends_with(';'))
        else {
            continue;
        };
        if lines[i + open].trim_end().ends_with(';') {
            continue;
        }
        let close = format!("{}}}", &line[..line.len() - t.len()]);
        if let Some(end) = lines[i + 1..].iter().position(|l| *l == close) {
            if end + 2 > max {
                long.push((rest.split('(').next().unwrap_or(rest).to_string(), end + 2));
            }
        }
    }
    long
}

#[test]
fn every_function_and_file_is_short() {
    // Issue 12's measure, for all production code: a function a reader takes in at once,
    // a file split by topic (tests beside the code may sit in a sibling `tests.rs`).
    let mut found = Vec::new();
    for (name, code) in production_files("src") {
        found.extend(long_functions(&code, 80).into_iter().map(|(f, n)| format!("{name}: {f} has {n} lines")));
        let lines = fs::read_to_string(root().join(&name)).map(|t| t.lines().count()).unwrap_or(0);
        if lines > 600 {
            found.push(format!("{name} has {lines} lines"));
        }
    }
    assert!(found.is_empty(), "split these by step (functions at most ~80 lines, files ~600): {found:?}");
    assert_eq!(long_functions("fn a() {\n    x;\n}\n    pub async fn b(c: u8) {\n    }\n", 2), [("a".to_string(), 3)]);
    // A wrapped signature is counted from its first line; a declaration has no body.
    assert_eq!(long_functions("fn d(\n    e: u8,\n) -> u8 {\n    e\n}\nfn f();\n", 4), [("d".to_string(), 5)]);
}

#[test]
fn adapters_meet_only_through_ports() {
    // The store implements the ports other adapters need (the sandbox's books, the Discord
    // surface's tables) and imports none of them; nothing outside the store sees SQL.
    let store = offenders("src/adapters/store", &["crate::adapters::"]);
    assert!(store.is_empty(), "the store adapter imports another adapter: {store:?}");
    let mut sql = Vec::new();
    // (The bench makes and drops scratch PostgreSQL databases itself: not the store's data.)
    for dir in
        ["src/adapters/surfaces", "src/adapters/payments", "src/adapters/http", "src/app", "src/cli", "src/wiring.rs"]
    {
        sql.extend(production_files(dir).into_iter().filter(|(_, code)| code.contains("sqlx")).map(|(name, _)| name));
    }
    assert!(sql.is_empty(), "only the store adapter runs SQL (others go through a port): {sql:?}");
}

#[test]
fn the_store_is_code_that_tools_read() {
    // No macro hides the store's SQL from rustfmt and clippy; its files and functions stay
    // short enough to read.
    let mut found = offenders("src/adapters", &["macro_rules!"]);
    for (name, code) in production_files("src/adapters/store") {
        found.extend(long_functions(&code, 80).into_iter().map(|(f, n)| format!("{name}: {f} has {n} lines")));
        let lines = fs::read_to_string(root().join(&name)).map(|t| t.lines().count()).unwrap_or(0);
        if lines > 600 {
            found.push(format!("{name} has {lines} lines"));
        }
    }
    assert!(found.is_empty(), "{found:?}");
}
