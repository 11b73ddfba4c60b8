//! What the bot does outwardly: the lines of a replay, the messages of a chat surface.
//! Written to the outbox in the same transaction as the change that caused them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Where a message goes, as the engine means it: decoded once, where the engine writes the
/// message (and where a stored item is read back), and matched on by the chat sinks. The
/// JSON form — the outbox's stored payload and a replay's output — is the string it always
/// was: `"dm"`, `"ix:<interaction id>"`, a channel id, a channel name.
///
/// The chat sink decides the exact place from it together with whom the message is to and
/// its case (Discord: a case's private thread for its customer, a DM, …).
#[derive(Debug, Clone)]
pub enum Destination {
    /// The leads' approvals channel, by the engine's name for it (`[chat] approvals_channel`).
    Approvals(String),
    /// A direct message to the person addressed (`"dm"`).
    Dm,
    /// The answer to a slash command (`"ix:<interaction id>"`): ephemeral while the
    /// interaction's token lives, else said in its channel.
    Interaction(String),
    /// A support channel, or a case's thread, by the platform's id.
    Channel(u64),
    /// A channel known by its name only (the console's and replays' `support`).
    Named(String),
}

impl Destination {
    /// The JSON form's string read back. The approvals channel is a name like any other
    /// here: [`Destination::resolve`] recognises it.
    pub fn parse(s: &str) -> Destination {
        if s == "dm" {
            return Destination::Dm;
        }
        if let Some(id) = s.strip_prefix("ix:") {
            return Destination::Interaction(id.to_string());
        }
        match s.parse::<u64>() {
            Ok(id) if id > 0 && !s.starts_with('+') => Destination::Channel(id),
            _ => Destination::Named(s.to_string()),
        }
    }

    /// The destination with the approvals channel recognised by its name.
    pub fn resolve(self, approvals: &str) -> Destination {
        match self {
            Destination::Named(n) if n == approvals => Destination::Approvals(n),
            d => d,
        }
    }

    /// Whether this is the approvals channel (`approvals`: the engine's name for it, for
    /// destinations read back from the store).
    pub fn is_approvals(&self, approvals: &str) -> bool {
        matches!(self.clone().resolve(approvals), Destination::Approvals(_))
    }
}

impl std::fmt::Display for Destination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Destination::Approvals(n) | Destination::Named(n) => f.write_str(n),
            Destination::Dm => f.write_str("dm"),
            Destination::Interaction(id) => write!(f, "ix:{id}"),
            Destination::Channel(id) => write!(f, "{id}"),
        }
    }
}

/// Two destinations are the same place when their JSON forms are (the approvals channel
/// read back from the store is a name until resolved).
impl PartialEq for Destination {
    fn eq(&self, other: &Self) -> bool {
        self.to_string() == other.to_string()
    }
}

impl Eq for Destination {}

impl std::hash::Hash for Destination {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.to_string().hash(state);
    }
}

impl From<&str> for Destination {
    fn from(s: &str) -> Self {
        Destination::parse(s)
    }
}

impl From<String> for Destination {
    fn from(s: String) -> Self {
        Destination::parse(&s)
    }
}

impl Serialize for Destination {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Destination {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Destination::parse(&String::deserialize(d)?))
    }
}

/// One bot action. Amounts are decimal strings in the charge's currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    Say {
        #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
        message_ref: Option<String>,
        channel: Destination,
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
        channel: Destination,
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
            Action::Say { channel: d @ Destination::Interaction(_), .. }
            | Action::Denied { channel: d @ Destination::Interaction(_), .. } => Some(d.to_string()),
            Action::Say { channel, to, case, .. } => {
                Some(format!("{channel}/{}", case.as_deref().or(to.as_deref()).unwrap_or("-")))
            }
            Action::Denied { user, channel, .. } => Some(format!("{channel}/{user}")),
            Action::ApprovalRequest { message_ref: Some(r), .. } | Action::Refund { message_ref: Some(r), .. } => {
                Some(format!("approval/{r}"))
            }
            _ => None,
        }
    }

    /// The last line of defence: removes full card numbers from the free-text fields
    /// (`text`, `reason`) before the item is stored or sent; ids stay untouched. Returns
    /// how many were removed (0 in a healthy system: inputs are redacted first).
    pub fn redact_card_numbers(&mut self) -> usize {
        let fields: Vec<&mut String> = match self {
            Action::Say { text, .. } => vec![text],
            Action::ApprovalRequest { reason, .. } | Action::Wallet { reason, .. } | Action::Denied { reason, .. } => {
                vec![reason]
            }
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
    fn destinations_keep_their_json_form_and_old_payloads_decode() {
        for (s, d) in [
            ("dm", Destination::Dm),
            ("ix:1234567890", Destination::Interaction("1234567890".into())),
            ("82000000000000001", Destination::Channel(82_000_000_000_000_001)),
            ("support", Destination::Named("support".into())),
            ("approvals", Destination::Named("approvals".into())),
        ] {
            assert_eq!(Destination::parse(s), d, "{s}");
            assert_eq!(d.to_string(), s);
            assert_eq!(serde_json::to_string(&d).unwrap(), format!("\"{s}\""));
        }
        assert!(matches!(Destination::parse("approvals").resolve("approvals"), Destination::Approvals(_)));
        assert!(matches!(Destination::parse("support").resolve("approvals"), Destination::Named(_)));
        assert!(matches!(Destination::parse("+15551234567"), Destination::Named(_)));
        // A payload stored before the type existed decodes, and is written back the same.
        let old = r#"{"type":"say","ref":"m3","channel":"ix:42","to":"ana","text":"hi"}"#;
        let a: Action = serde_json::from_str(old).unwrap();
        assert!(matches!(&a, Action::Say { channel: Destination::Interaction(i), .. } if i == "42"));
        assert_eq!(serde_json::to_string(&a).unwrap(), old);
        assert_eq!(a.destination().as_deref(), Some("ix:42"));
        let d: Action =
            serde_json::from_str(r#"{"type":"denied","user":"bo","reason":"no","channel":"support"}"#).unwrap();
        assert_eq!(d.destination().as_deref(), Some("support/bo"));
    }

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
