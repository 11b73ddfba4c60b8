//! What the bot does outwardly: the lines of a replay, the messages of a chat surface.
//! Written to the outbox in the same transaction as the change that caused them.

use serde::{Deserialize, Serialize};

/// One bot action. Amounts are decimal strings in the charge's currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    Say {
        #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
        message_ref: Option<String>,
        channel: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        case: Option<String>,
        text: String,
    },
    ApprovalRequest {
        #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
        message_ref: Option<String>,
        channel: String,
        case: String,
        charge: String,
        amount: String,
        currency: String,
        rule: String,
        leads_needed: u8,
        refund_id: i64,
        requested_by: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        account: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        card_last4: Option<String>,
        reason: String,
        expires_at: String,
        is_override: bool,
    },
    Ticket {
        case: String,
        status: String,
        intent: String,
        account: Option<String>,
        charge: Option<String>,
    },
    Refund {
        case: String,
        charge: String,
        amount: String,
        currency: String,
        status: String,
        approved_by: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_ref: Option<String>,
        #[serde(default)]
        refund_id: i64,
        /// The approval request message this refund belongs to (for editing it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message_ref: Option<String>,
    },
    Wallet {
        account: String,
        balance: String,
        currency: String,
        reason: String,
    },
    Denied {
        user: String,
        reason: String,
        channel: String,
    },
}

impl Action {
    /// Messages posted to chat get a `ref` (`m1`, `m2`, …) that reactions can point at.
    pub fn is_message(&self) -> bool {
        matches!(self, Action::Say { .. } | Action::ApprovalRequest { .. })
    }

    /// Where the item goes, as far as delivery order is concerned: items with the same
    /// destination are delivered in order, one destination never waits for another
    /// (`None`: nothing is posted, no order to keep). A case's messages in one channel
    /// share it; an approval request shares it with the edits of its embed.
    pub fn destination(&self) -> Option<String> {
        match self {
            Action::Say { channel, to, case, .. } => {
                if channel.starts_with("ix:") {
                    return Some(channel.clone());
                }
                Some(format!("{channel}/{}", case.as_deref().or(to.as_deref()).unwrap_or("-")))
            }
            Action::Denied { channel, .. } if channel.starts_with("ix:") => Some(channel.clone()),
            Action::Denied { user, channel, .. } => Some(format!("{channel}/{user}")),
            Action::ApprovalRequest { message_ref: Some(r), .. } | Action::Refund { message_ref: Some(r), .. } => Some(format!("approval/{r}")),
            _ => None,
        }
    }

    /// The last line of defence: removes full card numbers from the free-text fields
    /// (`text`, `reason`) before the item is stored or sent; ids stay untouched. Returns
    /// how many were removed (0 in a healthy system: inputs are redacted first).
    pub fn redact_card_numbers(&mut self) -> usize {
        let fields: Vec<&mut String> = match self {
            Action::Say { text, .. } => vec![text],
            Action::ApprovalRequest { reason, .. } | Action::Wallet { reason, .. } | Action::Denied { reason, .. } => vec![reason],
            Action::Ticket { .. } | Action::Refund { .. } => vec![],
        };
        let mut removed = 0;
        for f in fields {
            let r = crate::nlu::redact::redact_outgoing(f);
            if r.card_numbers > 0 {
                removed += r.card_numbers;
                *f = r.text.into_owned();
            }
        }
        removed
    }

    pub fn set_ref(&mut self, r: String) {
        if let Action::Say { message_ref, .. } | Action::ApprovalRequest { message_ref, .. } = self {
            *message_ref = Some(r);
        }
    }
}

/// An action as queued in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    pub id: i64,
    pub action: Action,
    /// Failed delivery attempts so far.
    pub attempts: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_text_fields_are_redacted_ids_are_not() {
        let mut a = Action::Say {
            message_ref: None,
            channel: "support".into(),
            to: Some("175928847299117062".into()),
            case: None,
            text: "175928847299117062: your card 4111\t1111\t1111\t1111".into(),
        };
        assert_eq!(a.redact_card_numbers(), 1);
        let Action::Say { to, text, .. } = &a else { panic!() };
        assert_eq!(to.as_deref(), Some("175928847299117062"));
        assert_eq!(text, "175928847299117062: your card [card number removed]");
        let mut d = Action::Denied { user: "u".into(), reason: "bad 4111_1111_1111_1111".into(), channel: "c".into() };
        assert_eq!(d.redact_card_numbers(), 1);
    }
}
