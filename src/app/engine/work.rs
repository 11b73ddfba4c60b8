//! One unit of work: a store transaction plus the helpers every handler uses to speak,
//! record and audit. Everything pushed here commits together.

use super::{Actor, Engine, EngineResult};
use crate::app::action::{Action, Destination};
use crate::app::l10n::{self, Msg};
use crate::app::ports::{StoreTx, User};
use crate::domain::approvals::{Refund, RefundStatus};
use crate::domain::audit::{AuditAction, AuditRecord};
use crate::domain::ids::{CaseNumber, UserId};
use crate::domain::roles::{Role, Roles};
use crate::domain::tickets::{Case, CaseStatus};
use crate::nlu::Lang;
use chrono::{DateTime, Utc};

/// One unit of work. Its fields are the engine's own: handlers in `engine/` (one module per
/// use case: `customer/`, `staff/`, `approvals/`, `purchase/`, `wallet.rs`, `provider.rs`,
/// `runner.rs`) reach the store only through `tx`, inside this transaction.
pub(crate) struct Work<'e> {
    pub(super) tx: Box<dyn StoreTx>,
    pub(super) now: DateTime<Utc>,
    /// The engine this work runs in: its configuration, policy and connectors.
    pub(super) engine: &'e Engine,
    /// The language of the customer this work speaks to, once known (see `lang_of`).
    pub(super) speaker_lang: Option<(UserId, Lang)>,
}

impl<'e> Work<'e> {
    pub fn new(tx: Box<dyn StoreTx>, now: DateTime<Utc>, engine: &'e Engine) -> Work<'e> {
        Work { tx, now, engine, speaker_lang: None }
    }

    pub async fn commit(self) -> EngineResult<()> {
        self.tx.commit().await?;
        Ok(())
    }

    // ---- speaking ----

    pub async fn say(
        &mut self,
        channel: &str,
        to: Option<&UserId>,
        case: Option<CaseNumber>,
        text: impl Into<String>,
    ) -> EngineResult<Option<String>> {
        let r = self
            .tx
            .push(Action::Say {
                message_ref: None,
                channel: Destination::parse(channel).resolve(&self.engine.cfg.approvals_channel),
                to: to.map(|u| u.to_string()),
                case: case.map(|c| c.to_string()),
                text: text.into(),
            })
            .await?;
        Ok(r)
    }

    pub async fn deny(&mut self, user: &UserId, channel: &str, reason: impl Into<String>) -> EngineResult<()> {
        let channel = Destination::parse(channel).resolve(&self.engine.cfg.approvals_channel);
        self.tx.push(Action::Denied { user: user.to_string(), reason: reason.into(), channel }).await?;
        Ok(())
    }

    pub async fn audit(
        &mut self,
        actor: &str,
        case: Option<CaseNumber>,
        action: AuditAction,
        detail: impl Into<String>,
        rule: Option<&str>,
    ) -> EngineResult<()> {
        self.tx
            .append_audit(&AuditRecord {
                at: self.now,
                actor: actor.to_string(),
                case: case.map(|c| c.to_string()),
                action: action.as_str().to_string(),
                detail: detail.into(),
                rule: rule.map(str::to_string),
            })
            .await?;
        Ok(())
    }

    pub async fn push_ticket(&mut self, case: &Case) -> EngineResult<()> {
        self.tx
            .push(Action::Ticket {
                case: case.number.to_string(),
                status: case.status.as_str().to_string(),
                intent: case.intent.as_str().to_string(),
                account: case.account.as_ref().map(|a| a.to_string()),
                charge: case.charge.as_ref().map(|c| c.to_string()),
            })
            .await?;
        Ok(())
    }

    pub async fn push_refund(&mut self, r: &Refund) -> EngineResult<()> {
        self.tx
            .push(Action::Refund {
                case: r.case.to_string(),
                charge: r.charge.to_string(),
                amount: r.currency.format(r.amount),
                currency: r.currency.to_string(),
                status: r.status.as_str().to_string(),
                approved_by: r.approved_by.iter().map(|u| u.to_string()).collect(),
                provider_ref: r.provider_ref.clone(),
                refund_id: r.id.0,
                message_ref: r.message_ref.clone(),
            })
            .await?;
        Ok(())
    }

    /// The language a customer is answered in: the one remembered for them (English when
    /// none is, or when paydesk has no texts for it).
    pub async fn lang_of(&mut self, user: &UserId) -> EngineResult<Lang> {
        if let Some((u, lang)) = &self.speaker_lang {
            if u == user {
                return Ok(*lang);
            }
        }
        let lang = self.tx.customer_language(user).await?.map_or(Lang::En, |l| l.lang);
        self.speaker_lang = Some((user.clone(), lang));
        Ok(lang)
    }

    /// Says a message to a customer in their language.
    pub async fn say_to(&mut self, channel: &str, to: &UserId, case: Option<CaseNumber>, msg: Msg) -> EngineResult<()> {
        let text = msg.render(self.lang_of(to).await?);
        self.say(channel, Some(to), case, text).await?;
        Ok(())
    }

    /// Answers a command where it was typed: a customer in their language, staff in
    /// English.
    pub async fn answer_command(
        &mut self,
        user: &User,
        channel: &str,
        case: Option<CaseNumber>,
        msg: Msg,
    ) -> EngineResult<()> {
        let text = self.words_for(user, &msg).await?;
        self.say(channel, Some(&user.id), case, text).await?;
        Ok(())
    }

    /// `msg` as `user` reads it: a customer in their language, staff in English.
    pub async fn words_for(&mut self, user: &User, msg: &Msg) -> EngineResult<String> {
        if user.roles.is_staff() {
            Ok(msg.english())
        } else {
            Ok(msg.render(self.lang_of(&user.id).await?))
        }
    }

    /// Tells the case's customer something about their case, where they wrote, in their
    /// language.
    pub async fn tell_customer(&mut self, case: &Case, msg: Msg) -> EngineResult<()> {
        let to = case.customer.clone();
        self.say_to(&case.channel, &to, Some(case.number), msg).await
    }

    /// Changes a case's status: stored, a `ticket` line, the customer told (Tickets 5) in
    /// their language with `why` after it, audited (in English).
    pub async fn set_status(
        &mut self,
        case: &mut Case,
        status: CaseStatus,
        actor: &str,
        why: Option<Msg>,
    ) -> EngineResult<()> {
        if case.status == status {
            return Ok(());
        }
        let from = case.status;
        case.status = status;
        case.updated_at = self.now;
        self.tx.update_case(case).await?;
        self.push_ticket(case).await?;
        let told = Msg::new("case-status").with("case", case.number.to_string()).with("status", l10n::status(status));
        let audit_why = why.as_ref().map(|w| format!(": {}", w.english())).unwrap_or_default();
        let parts = match why {
            Some(why) => vec![told, why],
            None => vec![told],
        };
        self.tell_customer(case, Msg::joined(parts, " ")).await?;
        self.audit(
            actor,
            Some(case.number),
            AuditAction::CaseStatus,
            format!("{} -> {}{audit_why}", from.as_str(), status.as_str()),
            None,
        )
        .await
    }

    /// Sets a refund's status, stores it and writes its `refund` line.
    pub async fn set_refund_status(&mut self, r: &mut Refund, status: RefundStatus) -> EngineResult<()> {
        r.status = status;
        self.tx.update_refund(r).await?;
        self.push_refund(r).await
    }

    // ---- who is speaking ----

    /// The stored user, with roles as the surface reports them (Discord reads them on
    /// every event), or a new customer without account the first time they are met.
    pub async fn user(&mut self, actor: &Actor) -> EngineResult<User> {
        let stored = self.tx.user(&actor.id).await?;
        let user = match (stored, actor.roles) {
            (Some(mut u), Some(roles)) => {
                if u.roles != roles {
                    u.roles = roles;
                    self.tx.put_user(&u).await?;
                }
                u
            }
            (Some(u), None) => u,
            (None, roles) => {
                let u = User { id: actor.id.clone(), roles: roles.unwrap_or(Roles::CUSTOMER), account: None };
                self.tx.put_user(&u).await?;
                u
            }
        };
        Ok(user)
    }

    /// Stores a member's roles as the platform reports them now; audited when they change.
    pub async fn roles_changed(&mut self, actor: &Actor) -> EngineResult<()> {
        let before = self.tx.user(&actor.id).await?.map(|u| u.roles);
        let now = self.user(actor).await?.roles;
        if before.is_some_and(|b| b != now) {
            let was = before.map(|b| b.to_string()).unwrap_or_default();
            self.audit("system", None, AuditAction::UserRoles, format!("{}: {was} -> {now}", actor.id), None).await?;
        }
        Ok(())
    }

    // ---- events ----

    pub async fn message(&mut self, actor: &Actor, raw: &str, channel: &str) -> EngineResult<()> {
        // Tickets 7: a full card number is removed before anything is stored or echoed.
        let redacted = crate::nlu::redact_card_numbers(raw);
        let text = redacted.text.into_owned();
        let user = self.user(actor).await?;
        let is_command = crate::app::command::is_command(&text);
        // A customer's message is read first, so that every reply to it (the card notice
        // too) is in their language.
        let reading = if !is_command && user.roles.has(Role::Customer) {
            let c = crate::nlu::classifier().classify(&text, self.engine.cfg.default_currency.code());
            self.settle_language(&user, &text, &c, channel).await?;
            Some(c)
        } else {
            None
        };
        if redacted.card_numbers > 0 {
            self.say_to(channel, &user.id, None, Msg::new("card-number-removed")).await?;
            self.audit(
                user.id.as_str(),
                None,
                AuditAction::MessageCardRedacted,
                format!("{} card number(s) removed from a message", redacted.card_numbers),
                None,
            )
            .await?;
        }
        if is_command {
            return self.command(&user, &text, channel).await;
        }
        if !user.roles.has(Role::Customer) {
            // Staff talking among themselves in a support channel is not a request.
            let first = text.split_whitespace().next().unwrap_or_default().to_lowercase();
            const NAMES: [&str; 9] =
                ["refund", "approve", "reject", "wallet", "ticket", "link", "reply", "queue", "help"];
            if NAMES.contains(&first.as_str()) {
                self.say(
                    channel,
                    Some(&user.id),
                    None,
                    format!("Did you mean /{first}? Commands start with / or !; type /help for the list."),
                )
                .await?;
            } else if channel == "dm" {
                self.say(
                    channel,
                    Some(&user.id),
                    None,
                    "I read customer messages and staff commands; type /help for the commands.",
                )
                .await?;
            }
            return Ok(());
        }
        let Some(reading) = reading else { return Ok(()) };
        if self.held_back_by_case_limit(&user, channel).await? {
            return Ok(());
        }
        self.customer_message(&user, &text, reading, redacted.last4.as_deref(), channel).await
    }

    /// The anti-spam limit (`EngineConfig::max_new_cases_per_hour`, Discord's
    /// `max_cases_per_user_per_hour`): true when the customer was told to wait instead.
    async fn held_back_by_case_limit(&mut self, user: &User, channel: &str) -> EngineResult<bool> {
        let limit = self.engine.cfg.max_new_cases_per_hour;
        if limit == 0 {
            return Ok(false);
        }
        let cases = self.tx.cases_of(&user.id).await?;
        let Some(opened) = crate::domain::tickets::new_case_limit(&cases, self.now, limit) else {
            return Ok(false);
        };
        self.say_to(channel, &user.id, None, Msg::new("case-limit").count("opened", u64::from(opened))).await?;
        Ok(true)
    }
}

/// "49.00 USD on ch_2" — how a refund is named in messages and the audit trail.
pub(crate) fn refund_words(r: &Refund) -> String {
    format!("refund of {} {} on {}", r.currency.format(r.amount), r.currency, r.charge)
}
