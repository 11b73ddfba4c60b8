//! A small JSON Schema (OpenAPI 3 subset) check for the fakes: `type`, `required`,
//! `properties`, `additionalProperties: false`, `minLength`/`maxLength`, `enum`,
//! `pattern` and local `$ref`s — enough for the request schemas under
//! `tests/data/providers/`, which are trimmed copies of the providers' published
//! OpenAPI documents (each file says where it came from).

use serde_json::Value;

/// Loads `tests/data/providers/<file>`.
pub fn load(file: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/providers").join(file);
    serde_json::from_str(&std::fs::read_to_string(&path).expect("schema file")).expect("schema JSON")
}

/// Every way `value` breaks the schema named `name` in `doc` (empty: valid).
pub fn validate(doc: &Value, name: &str, value: &Value) -> Vec<String> {
    let mut errs = Vec::new();
    check(doc, &doc["components"]["schemas"][name], value, name, &mut errs);
    errs
}

fn check(doc: &Value, schema: &Value, v: &Value, at: &str, errs: &mut Vec<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or("");
        return check(doc, &doc["components"]["schemas"][name], v, at, errs);
    }
    let ty = schema.get("type").and_then(Value::as_str).unwrap_or("");
    let ok = match ty {
        "object" => v.is_object(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "array" => v.is_array(),
        _ => true,
    };
    if !ok {
        errs.push(format!("{at}: expected {ty}, got {v}"));
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(v) {
            errs.push(format!("{at}: {v} is not one of {allowed:?}"));
        }
    }
    if let Some(s) = v.as_str() {
        let n = s.chars().count() as u64;
        if schema.get("maxLength").and_then(Value::as_u64).is_some_and(|m| n > m) {
            errs.push(format!("{at}: longer than {}", schema["maxLength"]));
        }
        if schema.get("minLength").and_then(Value::as_u64).is_some_and(|m| n < m) {
            errs.push(format!("{at}: shorter than {}", schema["minLength"]));
        }
        if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
            if !regex::Regex::new(p).map(|r| r.is_match(s)).unwrap_or(false) {
                errs.push(format!("{at}: `{s}` does not match {p}"));
            }
        }
    }
    if let Some(obj) = v.as_object() {
        let props = schema.get("properties").and_then(Value::as_object);
        for req in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
            if let Some(k) = req.as_str() {
                if !obj.contains_key(k) {
                    errs.push(format!("{at}: `{k}` is required"));
                }
            }
        }
        for (k, sub) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(s) => check(doc, s, sub, &format!("{at}.{k}"), errs),
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    errs.push(format!("{at}: unknown property `{k}`"));
                }
                None => {}
            }
        }
    }
}
