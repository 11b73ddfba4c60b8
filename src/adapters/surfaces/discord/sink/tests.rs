//! Unit tests of fitting, the 429 wait and the error table.

use super::message::units;
use super::*;

#[test]
fn content_is_split_at_line_boundaries_within_the_limit_and_nothing_is_lost() {
    let line = "x".repeat(30);
    let text = vec![line.as_str(); 200].join("\n");
    let parts = fit_content(&text, CONTENT_LIMIT);
    assert!(parts.len() >= 4);
    assert!(parts.iter().all(|p| units(p) <= CONTENT_LIMIT));
    assert!(parts[..parts.len() - 1].iter().all(|p| p.ends_with('\n')), "split after a line");
    assert_eq!(parts.concat(), text);
    let long = "é".repeat(4500);
    let parts = fit_content(&long, CONTENT_LIMIT);
    assert_eq!(parts.len(), 3);
    assert_eq!(parts.concat(), long);
    assert_eq!(fit_content("short", CONTENT_LIMIT), vec!["short"]);
}

#[test]
fn embeds_are_cut_to_their_limits() {
    let big = "y".repeat(5000);
    let fields: Vec<Value> = (0..8).map(|i| json!({"name": format!("f{i}"), "value": big})).collect();
    let e = fit_embed(json!({"title": big, "description": big, "fields": fields, "footer": {"text": "ref m1"}}));
    assert!(units(e["title"].as_str().unwrap()) <= EMBED_TITLE);
    assert!(units(e["description"].as_str().unwrap()) <= EMBED_DESCRIPTION);
    let total: usize = units(e["title"].as_str().unwrap())
        + units(e["description"].as_str().unwrap())
        + 6
        + e["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| units(f["name"].as_str().unwrap()) + units(f["value"].as_str().unwrap()))
            .sum::<usize>();
    assert!(total <= EMBED_TOTAL, "{total}");
    assert!(e["fields"].as_array().unwrap().iter().all(|f| units(f["value"].as_str().unwrap()) <= EMBED_FIELD_VALUE));
}

#[test]
fn a_429_waits_for_the_body_then_the_precise_header_then_retry_after() {
    let ms = |d: Option<std::time::Duration>| d.map(|d| d.as_millis());
    let body = br#"{"message": "You are being rate limited.", "retry_after": 1.234, "global": false}"#;
    let headers = [("Retry-After", "2"), ("X-RateLimit-Reset-After", "1.5")];
    assert_eq!(ms(retry_after_of(&headers, body)), Some(1234));
    assert_eq!(ms(retry_after_of(&headers, b"not json")), Some(1500));
    assert_eq!(ms(retry_after_of(&headers[..1], b"{}")), Some(2000));
    assert_eq!(ms(retry_after_of(&[], br#"{"retry_after": -1}"#)), None);
    assert_eq!(ms(retry_after_of(&[], b"")), None);
}

#[test]
fn the_error_table() {
    assert_eq!(action_for(None), Refusal::Retry);
    assert_eq!(action_for(Some((502, 0))), Refusal::Retry);
    assert_eq!(action_for(Some((429, 0))), Refusal::RateLimited);
    assert_eq!(action_for(Some((401, 0))), Refusal::Unauthorized);
    assert_eq!(action_for(Some((404, 10003))), Refusal::ThreadGone);
    assert_eq!(action_for(Some((400, 50083))), Refusal::ThreadGone);
    assert_eq!(action_for(Some((403, 160005))), Refusal::ThreadGone);
    assert_eq!(action_for(Some((403, 50007))), Refusal::DmClosed);
    assert_eq!(action_for(Some((403, 50013))), Refusal::NoPermission);
    assert_eq!(action_for(Some((403, 50001))), Refusal::NoPermission);
    assert_eq!(action_for(Some((400, 50035))), Refusal::Invalid);
}
