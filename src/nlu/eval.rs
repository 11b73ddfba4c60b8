//! Evaluation over JSONL data: one `{"text", "intent", "entities"}` object a line.

use std::collections::BTreeMap;

use crate::domain::intent::Intent;

use super::redact::contains_card_from;
use super::Classifier;

/// Counts of an evaluation run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvalReport {
    pub messages: usize,
    pub intent_correct: usize,
    pub entity_tp: usize,
    pub entity_fp: usize,
    pub entity_fn: usize,
    /// Outputs (an entity value or the redacted text) that still contain a card number of the input.
    pub card_leaks: usize,
    /// (text, wanted, got) for every wrong intent.
    pub confusions: Vec<(String, Intent, Intent)>,
    /// (1-based line number, reason) for lines that could not be evaluated.
    pub bad_lines: Vec<(usize, String)>,
    /// (text, entity name, wanted, got) for every entity mismatch (diagnostics).
    pub entity_errors: Vec<(String, String, Option<String>, Option<String>)>,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

impl EvalReport {
    pub fn intent_accuracy(&self) -> f64 {
        ratio(self.intent_correct, self.messages)
    }
    pub fn entity_precision(&self) -> f64 {
        ratio(self.entity_tp, self.entity_tp + self.entity_fp)
    }
    pub fn entity_recall(&self) -> f64 {
        ratio(self.entity_tp, self.entity_tp + self.entity_fn)
    }
    /// A short human-readable summary.
    pub fn summary(&self) -> String {
        format!(
            "messages={} intent_accuracy={:.4} entity_precision={:.4} entity_recall={:.4} (tp={} fp={} fn={}) card_leaks={} bad_lines={}",
            self.messages,
            self.intent_accuracy(),
            self.entity_precision(),
            self.entity_recall(),
            self.entity_tp,
            self.entity_fp,
            self.entity_fn,
            self.card_leaks,
            self.bad_lines.len()
        )
    }
}

/// Compare two entity values; `amount` as decimal numbers ("49" == "49.00").
fn value_eq(name: &str, want: &str, got: &str) -> bool {
    if name == "amount" {
        match (decimal_key(want), decimal_key(got)) {
            (Some(a), Some(b)) => a == b,
            _ => want == got,
        }
    } else {
        want == got
    }
}

/// Canonical form of a plain decimal: integer digits without leading zeros, fraction
/// without trailing zeros.
fn decimal_key(s: &str) -> Option<(String, String)> {
    let s = s.trim();
    let (i, f) = s.split_once('.').unwrap_or((s, ""));
    if i.is_empty() && f.is_empty() {
        return None;
    }
    if !i.bytes().all(|b| b.is_ascii_digit()) || !f.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let i = i.trim_start_matches('0');
    let f = f.trim_end_matches('0');
    Some((i.to_string(), f.to_string()))
}

/// Evaluate `classifier` on JSONL data. Bad lines are reported, never a panic.
pub fn evaluate(jsonl: &str, classifier: &Classifier, default_currency: &str) -> EvalReport {
    let mut r = EvalReport::default();
    for (idx, line) in jsonl.lines().enumerate() {
        let lineno = idx + 1;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                r.bad_lines.push((lineno, format!("invalid JSON: {e}")));
                continue;
            }
        };
        let Some(text) = v.get("text").and_then(|t| t.as_str()) else {
            r.bad_lines.push((lineno, "missing string field `text`".into()));
            continue;
        };
        let Some(intent_s) = v.get("intent").and_then(|t| t.as_str()) else {
            r.bad_lines.push((lineno, "missing string field `intent`".into()));
            continue;
        };
        let want: Intent = match intent_s.parse() {
            Ok(i) => i,
            Err(e) => {
                r.bad_lines.push((lineno, format!("{e}")));
                continue;
            }
        };
        let mut expected: BTreeMap<String, String> = BTreeMap::new();
        match v.get("entities") {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::Object(map)) => {
                let mut ok = true;
                for (k, val) in map {
                    match val {
                        serde_json::Value::String(s) => {
                            expected.insert(k.clone(), s.clone());
                        }
                        serde_json::Value::Number(n) => {
                            expected.insert(k.clone(), n.to_string());
                        }
                        serde_json::Value::Null => {}
                        _ => ok = false,
                    }
                }
                if !ok {
                    r.bad_lines.push((lineno, "entity values must be strings".into()));
                    continue;
                }
            }
            Some(_) => {
                r.bad_lines.push((lineno, "`entities` must be an object".into()));
                continue;
            }
        }

        let c = classifier.classify(text, default_currency);
        r.messages += 1;
        if c.intent == want {
            r.intent_correct += 1;
        } else {
            r.confusions.push((text.to_string(), want, c.intent));
        }
        let mut got: BTreeMap<&str, &str> = BTreeMap::new();
        for (k, val) in c.entities.iter() {
            got.insert(k, val);
        }
        for (k, val) in &got {
            match expected.get(*k) {
                Some(w) if value_eq(k, w, val) => r.entity_tp += 1,
                w => {
                    r.entity_fp += 1;
                    r.entity_errors.push((text.to_string(), k.to_string(), w.cloned(), Some(val.to_string())));
                }
            }
        }
        for (k, w) in &expected {
            let matched = got.get(k.as_str()).is_some_and(|g| value_eq(k, w, g));
            if !matched {
                r.entity_fn += 1;
                if !got.contains_key(k.as_str()) {
                    r.entity_errors.push((text.to_string(), k.clone(), Some(w.clone()), None));
                }
            }
        }
        // Leak check: entity values and the redacted text.
        let redacted = super::redact_card_numbers(text);
        let leak = c.entities.iter().any(|(_, v)| contains_card_from(text, v)) || contains_card_from(text, &redacted.text);
        if leak {
            r.card_leaks += 1;
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_compare() {
        assert!(value_eq("amount", "49", "49.00"));
        assert!(value_eq("amount", "0.50", ".5"));
        assert!(!value_eq("amount", "49", "4.9"));
        assert!(!value_eq("currency", "usd", "USD"));
    }

    #[test]
    fn bad_lines_are_reported() {
        let c = crate::nlu::classifier();
        let data = "{\"text\": \"hi\", \"intent\": \"other\", \"entities\": {}}\nnot json\n{\"text\": 1}\n{\"text\": \"x\", \"intent\": \"nope\"}\n\n{\"text\": \"x\", \"intent\": \"other\", \"entities\": []}";
        let r = evaluate(data, c, "USD");
        assert_eq!(r.messages, 1);
        assert_eq!(r.bad_lines.iter().map(|b| b.0).collect::<Vec<_>>(), vec![2, 3, 4, 6]);
    }
}
