//! Evaluation over JSONL data: one `{"text", "intent", "entities"}` object a line.

use std::collections::BTreeMap;

use crate::domain::intent::{Intent, UnknownIntent};

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
    /// (wanted, got) for every message, in order.
    pub outcomes: Vec<(Intent, Intent)>,
    /// Language (the line's `lang`, else the detected one) -> (messages, correct).
    pub by_lang: BTreeMap<String, (usize, usize)>,
    /// (confidence, correct) for every message: calibration.
    pub calibration: Vec<(f32, bool)>,
    /// Lines with a `lang`: (count, detected right).
    pub lang_id: (usize, usize),
    /// Messages whose confidence is below the question-back threshold: (count, correct among them).
    pub unsure: (usize, usize),
}

/// Per-intent precision, recall and F1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IntentScore {
    pub intent: Intent,
    pub support: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
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
    /// Precision, recall and F1 of every intent (F1 0 where an intent was never right).
    pub fn per_intent(&self) -> Vec<IntentScore> {
        Intent::ALL
            .iter()
            .map(|&i| {
                let tp = self.outcomes.iter().filter(|&&(w, g)| w == i && g == i).count();
                let fp = self.outcomes.iter().filter(|&&(w, g)| w != i && g == i).count();
                let fnn = self.outcomes.iter().filter(|&&(w, g)| w == i && g != i).count();
                let (p, r) = (ratio(tp, tp + fp), ratio(tp, tp + fnn));
                let f1 = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
                IntentScore { intent: i, support: tp + fnn, precision: p, recall: r, f1 }
            })
            .collect()
    }

    /// Mean F1 over the intents present in the data.
    pub fn macro_f1(&self) -> f64 {
        let s: Vec<f64> = self.per_intent().iter().filter(|s| s.support > 0).map(|s| s.f1).collect();
        s.iter().sum::<f64>() / s.len().max(1) as f64
    }

    /// Expected calibration error of the confidences (15 bins).
    pub fn ece(&self) -> f64 {
        super::model::ece(&self.calibration)
    }

    /// (wanted, got, count) for every confused pair, most frequent first.
    pub fn confusion_pairs(&self) -> Vec<(Intent, Intent, usize)> {
        let mut m: BTreeMap<(Intent, Intent), usize> = BTreeMap::new();
        for &(w, g) in &self.outcomes {
            if w != g {
                *m.entry((w, g)).or_default() += 1;
            }
        }
        let mut v: Vec<_> = m.into_iter().map(|((w, g), n)| (w, g, n)).collect();
        v.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
        v
    }

    /// The full report: summary, per-intent scores, per-language accuracy, confusions, misses.
    pub fn details(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(s, "{}", self.summary());
        let _ = writeln!(
            s,
            "macro_f1={:.4} ece={:.4} language_id_accuracy={:.4} (n={}) unsure(below {:.2})={} of which right={}",
            self.macro_f1(),
            self.ece(),
            ratio(self.lang_id.1, self.lang_id.0),
            self.lang_id.0,
            super::ASK_BELOW,
            self.unsure.0,
            self.unsure.1
        );
        let _ = writeln!(s, "per intent (support precision recall f1):");
        for i in self.per_intent() {
            let _ = writeln!(
                s,
                "  {:<22} {:>4} {:.3} {:.3} {:.3}",
                i.intent.as_str(),
                i.support,
                i.precision,
                i.recall,
                i.f1
            );
        }
        let _ = writeln!(s, "per language (messages accuracy):");
        for (l, (n, ok)) in &self.by_lang {
            let _ = writeln!(s, "  {l:<3} {n:>4} {:.4}", ratio(*ok, *n));
        }
        let _ = writeln!(s, "confusions (wanted -> got: count):");
        for (w, g, n) in self.confusion_pairs() {
            let _ = writeln!(s, "  {w} -> {g}: {n}");
        }
        let _ = writeln!(s, "misses:");
        for (t, w, g) in &self.confusions {
            let _ = writeln!(s, "  want={w} got={g}: {t}");
        }
        s
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
        if line.trim().is_empty() {
            continue;
        }
        match Gold::parse(line) {
            Ok(gold) => r.record(&gold, &classifier.classify(&gold.text, default_currency)),
            Err(why) => r.bad_lines.push((idx + 1, why.to_string())),
        }
    }
    r
}

/// Why a line of an evaluation file cannot be evaluated.
#[derive(Debug, thiserror::Error)]
enum BadLine {
    #[error("invalid JSON: {0}")]
    Json(serde_json::Error),
    #[error("missing string field `{0}`")]
    Missing(&'static str),
    #[error("{0}")]
    Intent(UnknownIntent),
    #[error("entity values must be strings")]
    EntityValue,
    #[error("`entities` must be an object")]
    Entities,
}

/// One labelled line: the text, the intent and entities wanted, the language if given.
struct Gold {
    text: String,
    intent: Intent,
    entities: BTreeMap<String, String>,
    lang: Option<String>,
}

impl Gold {
    /// Reads one JSON line (`text`, `intent`, optional `entities` and `lang`).
    fn parse(line: &str) -> Result<Gold, BadLine> {
        let v: serde_json::Value = serde_json::from_str(line).map_err(BadLine::Json)?;
        let text = v.get("text").and_then(|t| t.as_str()).ok_or(BadLine::Missing("text"))?;
        let intent_s = v.get("intent").and_then(|t| t.as_str()).ok_or(BadLine::Missing("intent"))?;
        let intent: Intent = intent_s.parse().map_err(BadLine::Intent)?;
        let entities = Gold::entities(v.get("entities"))?;
        let lang = v.get("lang").and_then(|l| l.as_str()).map(str::to_string);
        Ok(Gold { text: text.to_string(), intent, entities, lang })
    }

    /// The wanted entities: strings (numbers read as their text); null values are absent.
    fn entities(v: Option<&serde_json::Value>) -> Result<BTreeMap<String, String>, BadLine> {
        let mut expected = BTreeMap::new();
        match v {
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
                    return Err(BadLine::EntityValue);
                }
            }
            Some(_) => return Err(BadLine::Entities),
        }
        Ok(expected)
    }
}

impl EvalReport {
    /// Counts one classified message against its line.
    fn record(&mut self, gold: &Gold, c: &super::Classification) {
        let (text, want) = (gold.text.as_str(), gold.intent);
        self.messages += 1;
        let ok = c.intent == want;
        if ok {
            self.intent_correct += 1;
        } else {
            self.confusions.push((text.to_string(), want, c.intent));
        }
        self.outcomes.push((want, c.intent));
        self.calibration.push((c.confidence, ok));
        if c.confidence < super::ASK_BELOW {
            self.unsure.0 += 1;
            self.unsure.1 += usize::from(ok);
        }
        let gold_lang = gold.lang.as_deref();
        if let Some(l) = gold_lang {
            self.lang_id.0 += 1;
            self.lang_id.1 += usize::from(c.lang.code() == l);
        }
        let e = self.by_lang.entry(gold_lang.unwrap_or(c.lang.code()).to_string()).or_default();
        e.0 += 1;
        e.1 += usize::from(ok);
        self.compare_entities(text, &gold.entities, &c.entities);
        // Leak check: entity values and the redacted text.
        let redacted = super::redact_card_numbers(text);
        let leak =
            c.entities.iter().any(|(_, v)| contains_card_from(text, v)) || contains_card_from(text, &redacted.text);
        if leak {
            self.card_leaks += 1;
        }
    }

    /// Counts the entities found against those wanted (true and false positives, misses).
    fn compare_entities(&mut self, text: &str, expected: &BTreeMap<String, String>, found: &super::Entities) {
        let mut got: BTreeMap<&str, &str> = BTreeMap::new();
        for (k, val) in found.iter() {
            got.insert(k, val);
        }
        for (k, val) in &got {
            match expected.get(*k) {
                Some(w) if value_eq(k, w, val) => self.entity_tp += 1,
                w => {
                    self.entity_fp += 1;
                    self.entity_errors.push((text.to_string(), k.to_string(), w.cloned(), Some(val.to_string())));
                }
            }
        }
        for (k, w) in expected {
            let matched = got.get(k.as_str()).is_some_and(|g| value_eq(k, w, g));
            if !matched {
                self.entity_fn += 1;
                if !got.contains_key(k.as_str()) {
                    self.entity_errors.push((text.to_string(), k.clone(), Some(w.clone()), None));
                }
            }
        }
    }
}

/// A labelled line for training: text, intent and (if given) language.
#[derive(Debug, Clone)]
pub struct Labelled {
    pub text: String,
    pub intent: Intent,
    pub lang: Option<super::Lang>,
}

/// Read labelled JSON lines for training; bad lines are returned as (line number, reason).
pub fn read_labelled(jsonl: &str) -> (Vec<Labelled>, Vec<(usize, String)>) {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for (idx, line) in jsonl.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                bad.push((idx + 1, format!("invalid JSON: {e}")));
                continue;
            }
        };
        let text = v.get("text").and_then(|t| t.as_str());
        let intent = v.get("intent").and_then(|t| t.as_str()).map(str::parse::<Intent>);
        match (text, intent) {
            (Some(t), Some(Ok(i))) => {
                let lang = v.get("lang").and_then(|l| l.as_str()).and_then(super::Lang::from_code);
                out.push(Labelled { text: t.to_string(), intent: i, lang });
            }
            (_, Some(Err(e))) => bad.push((idx + 1, format!("{e}"))),
            _ => bad.push((idx + 1, "needs string fields `text` and `intent`".into())),
        }
    }
    (out, bad)
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
