//! Delivering outbox actions to Discord. Where each goes:
//!
//! - the engine's approvals channel name → the approvals channel; approval requests as
//!   embeds with the approve and reject reactions added by the bot; `refund` status
//!   actions edit that embed (or, when the request was never posted, post the status);
//! - `ix:<interaction id>` (a slash command) → the ephemeral answer of that interaction;
//! - `dm` → a direct message; closed DMs (403 / 50007) fall back to the case thread;
//! - a case's customer → the case's private thread (created on first use, with the
//!   customer added);
//! - anyone else addressed in a public support channel → privately: a DM, else a private
//!   thread made for it; the public channel gets only "I've answered you privately".
//!   Nothing addressed to someone is posted publicly (account data, refund status).
//!
//! Every post carries the outbox id as its nonce with `enforce_nonce`, and delivered ids
//! are recorded, so a crash between posting and marking delivered never posts twice.
//!
//! What happens when Discord refuses something is one table, `action_for` (codes from
//! <https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes>).
//!
//! `mod.rs`: the sink and where a message goes (`route`, case threads); `deliver.rs` (per
//! action), `send.rs` (posting), `message.rs` (limits, fitting, the approval embed),
//! `refusal.rs` (the error table).

mod deliver;
mod message;
mod refusal;
mod send;
#[cfg(test)]
mod tests;

pub use message::{
    approval_embed, fit_content, fit_embed, mention, CONTENT_LIMIT, EMBED_DESCRIPTION, EMBED_FIELD_NAME,
    EMBED_FIELD_VALUE, EMBED_FOOTER, EMBED_TITLE, EMBED_TOTAL,
};
pub use refusal::{action_for, retry_after_of, Refusal, RATE_LIMITED_WAIT};
pub(crate) use refusal::{status_of, RestError};

use super::Places;
use crate::app::action::{Action, Destination, OutboxItem};
use crate::app::ports::discord::{DiscordStore, InteractionRow, NewMessage};
use crate::app::ports::{ChatError, ChatSink, Clock};
use crate::domain::ids::CaseNumber;
use anyhow::{anyhow, Result};
use async_trait::async_trait;
use serde_json::{json, Value};
use serenity::http::{Http, HttpError};
use serenity::model::channel::ReactionType;
use serenity::model::id::{ChannelId, MessageId, UserId};
use std::sync::Arc;

/// Interaction tokens live 15 minutes; answer in the channel after 14.
const INTERACTION_TTL_MINUTES: i64 = 14;

pub struct DiscordSink {
    /// The one `Http` the gateway client also uses (set once the client is built).
    pub(crate) http: std::sync::OnceLock<Arc<Http>>,
    pub(crate) map: Arc<dyn DiscordStore>,
    pub(crate) places: Arc<Places>,
    /// The engine's name for the approvals channel (`[chat] approvals_channel`).
    pub(crate) approvals_name: String,
    pub(crate) approve_emoji: String,
    pub(crate) reject_emoji: String,
    pub(crate) dm_fallback: bool,
    pub(crate) metrics: Option<Arc<crate::app::metrics::Metrics>>,
    /// The HTTP client for the calls the sink reads itself (`post_raw`).
    pub(crate) rest: reqwest012::Client,
    /// Interaction ages and the times recorded with sent messages are read from it.
    pub(crate) clock: Arc<dyn Clock>,
}

/// Where one message goes.
enum Dest {
    Channel(u64),
    /// A case's thread (recreated, or the customer DMed, when it is gone).
    Thread(i64, u64),
    Dm(u64),
    /// Addressed to someone in a public channel: said privately.
    Private {
        user: u64,
        public: u64,
    },
    Interaction(String, InteractionRow),
}

fn case_no(case: &Option<String>) -> Option<i64> {
    case.as_deref().and_then(|c| c.parse::<CaseNumber>().ok()).map(|c| i64::from(c.get()))
}

impl DiscordSink {
    fn http(&self) -> Result<&Arc<Http>> {
        self.http
            .get()
            .ok_or_else(|| ChatError::Retry { reason: "not connected to Discord yet".into(), after: None }.into())
    }

    fn nonce(item: &OutboxItem, part: usize) -> String {
        if part == 0 {
            format!("paydesk-{}", item.id)
        } else {
            format!("paydesk-{}-{part}", item.id)
        }
    }

    fn count(&self, e: &serenity::Error) {
        if let (Some(m), Some((s, c))) = (&self.metrics, status_of(e)) {
            m.rest_error(s, c as i64);
        }
    }

    /// The place on Discord for the engine's destination, given whom the message is to
    /// and its case.
    async fn route(&self, dest: &Destination, to: Option<&str>, case: Option<i64>) -> Result<Dest> {
        let to_id = to.and_then(|t| t.parse::<u64>().ok());
        match dest.clone().resolve(&self.approvals_name) {
            Destination::Approvals(_) => Ok(Dest::Channel(self.approvals()?)),
            d @ Destination::Interaction(_) => {
                let key = d.to_string();
                if let Some(row) = self.map.interaction(&key).await? {
                    let fresh = self.clock.now() - row.at < chrono::Duration::minutes(INTERACTION_TTL_MINUTES);
                    if to.is_none_or(|t| t == row.user_id) && fresh {
                        return Ok(Dest::Interaction(key, row));
                    }
                    return self.public_or_private(row.channel_id, to, to_id, case).await;
                }
                self.public_or_private(self.support()?, to, to_id, case).await
            }
            Destination::Dm if to_id.is_some() => Ok(Dest::Dm(to_id.unwrap_or_default())),
            Destination::Channel(id) => self.public_or_private(id, to, to_id, case).await,
            // A DM to nobody, or a channel by a name Discord does not know: the support channel.
            Destination::Dm | Destination::Named(_) => self.public_or_private(self.support()?, to, to_id, case).await,
        }
    }

    /// The case thread for its customer; privately for anyone else addressed in a public
    /// channel; the channel itself otherwise (case threads are private already).
    async fn public_or_private(
        &self,
        channel: u64,
        to: Option<&str>,
        to_id: Option<u64>,
        case: Option<i64>,
    ) -> Result<Dest> {
        if let Some(c) = case {
            let customer = self.map.case_info(c).await?.map(|(cust, _)| cust);
            if to.is_none() || to == customer.as_deref() {
                return Ok(Dest::Thread(c, self.thread(c).await?));
            }
        }
        if let Some(c) = self.map.case_of_thread(channel).await? {
            return Ok(Dest::Thread(c, channel)); // private already
        }
        match to_id {
            Some(user) => Ok(Dest::Private { user, public: channel }),
            None => Ok(Dest::Channel(channel)),
        }
    }

    fn approvals(&self) -> Result<u64> {
        self.places.approvals().map_err(|e| ChatError::Retry { reason: e.to_string(), after: None }.into())
    }

    fn support(&self) -> Result<u64> {
        self.places.first_support().map_err(|e| ChatError::Retry { reason: e.to_string(), after: None }.into())
    }

    /// The case's private thread, created in its support channel on first use.
    async fn thread(&self, case: i64) -> Result<u64> {
        if let Some(t) = self.map.thread(case).await? {
            return Ok(t.thread_id);
        }
        let (customer, opened_in) = self.map.case_info(case).await?.ok_or_else(|| anyhow!("no case {case}"))?;
        let parent = match opened_in.parse::<u64>() {
            Ok(id) if self.places.is_support(id) => id,
            _ => self.support()?,
        };
        let name = u32::try_from(case)
            .ok()
            .and_then(CaseNumber::new)
            .map(|c| c.to_string())
            .unwrap_or_else(|| format!("case {case}"));
        let thread =
            self.private_thread(parent, &name, customer.parse::<u64>().ok()).await.map_err(|e| self.error_of(e))?;
        self.map.put_thread(case, parent, thread, &customer, self.clock.now()).await?;
        // Two deliveries racing: the first one recorded wins.
        Ok(self.map.thread(case).await?.map_or(thread, |t| t.thread_id))
    }

    /// A private thread (type 12) in `parent` with `user` added.
    async fn private_thread(&self, parent: u64, name: &str, user: Option<u64>) -> serenity::Result<u64> {
        let http = self.http.get().ok_or(serenity::Error::Other("not connected to Discord yet"))?;
        let body = json!({"name": name, "type": 12, "invitable": false, "auto_archive_duration": 10080});
        let thread = match http.create_thread(ChannelId::new(parent), &body, Some("paydesk")).await {
            Ok(t) => t,
            Err(e) => {
                self.count(&e);
                return Err(e);
            }
        };
        if let Some(uid) = user {
            if let Err(e) = http.add_thread_channel_member(thread.id, UserId::new(uid)).await {
                tracing::warn!(error = %e, "could not add the customer to the thread");
            }
        }
        Ok(thread.id.get())
    }
}

#[async_trait]
impl ChatSink for DiscordSink {
    async fn deliver(&self, item: &OutboxItem) -> Result<()> {
        self.deliver_inner(item).await.map_err(|e| {
            if e.downcast_ref::<ChatError>().is_some() {
                return e;
            }
            match e.downcast::<serenity::Error>() {
                Ok(se) => self.error_of(se),
                Err(e) => e,
            }
        })
    }
}
