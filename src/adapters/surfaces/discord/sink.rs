//! Delivering outbox actions to Discord. Where each goes:
//!
//! - the engine's approvals channel name → the approvals channel; approval requests as
//!   embeds with the approve and reject reactions added by the bot; `refund` status
//!   actions edit that embed;
//! - `ix:<interaction id>` (a slash command) → the ephemeral answer of that interaction;
//! - `dm` → a direct message; closed DMs (403 / 50007) fall back to the case thread;
//! - a channel id with a case → the case's private thread (created on first use, with the
//!   customer added); without a case → a reply in that channel.
//!
//! Every post carries the outbox id as its nonce with `enforce_nonce`, and delivered ids
//! are recorded, so a crash between posting and marking delivered never posts twice.

use super::map::{DiscordMap, InteractionRow};
use super::Places;
use crate::app::action::{Action, OutboxItem};
use crate::app::ports::ChatSink;
use crate::domain::ids::CaseNumber;
use anyhow::{anyhow, Result};
use async_trait::async_trait;
use chrono::Utc;
use serde_json::{json, Value};
use serenity::http::{Http, HttpError};
use serenity::model::channel::ReactionType;
use serenity::model::id::{ChannelId, MessageId, UserId};
use std::sync::Arc;

/// Discord's "cannot send messages to this user" error code.
const CANNOT_DM: isize = 50007;
/// Interaction tokens live 15 minutes; answer in the channel after 14.
const INTERACTION_TTL_MINUTES: i64 = 14;

pub struct DiscordSink {
    pub(crate) http: Arc<Http>,
    pub(crate) map: DiscordMap,
    pub(crate) places: Arc<Places>,
    /// The engine's name for the approvals channel (`[chat] approvals_channel`).
    pub(crate) approvals_name: String,
    pub(crate) approve_emoji: String,
    pub(crate) reject_emoji: String,
    pub(crate) dm_fallback: bool,
    pub(crate) metrics: Option<Arc<crate::app::metrics::Metrics>>,
}

/// Where one message goes.
enum Dest {
    Channel(u64),
    Dm(u64),
    Interaction(String, InteractionRow),
}

/// Whether a failed call is worth retrying (network, 5xx, rate limits) or not (4xx).
fn status_of(e: &serenity::Error) -> Option<(u16, isize)> {
    match e {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(r)) => Some((r.status_code.as_u16(), r.error.code)),
        _ => None,
    }
}

fn permanent(e: &serenity::Error) -> bool {
    status_of(e).is_some_and(|(s, _)| (400..500).contains(&s) && s != 429)
}

fn case_no(case: &Option<String>) -> Option<i64> {
    case.as_deref().and_then(|c| c.parse::<CaseNumber>().ok()).map(|c| i64::from(c.get()))
}

/// `<@id>` for a Discord user id, the id itself otherwise (console users in tests).
pub fn mention(user: &str) -> String {
    match user.parse::<u64>() {
        Ok(_) => format!("<@{user}>"),
        Err(_) => user.to_string(),
    }
}

impl DiscordSink {
    fn nonce(item: &OutboxItem) -> String {
        format!("paydesk-{}", item.id)
    }

    async fn post(&self, channel: u64, body: &Value) -> serenity::Result<u64> {
        let m = self.http.send_message(ChannelId::new(channel), vec![], body).await?;
        Ok(m.id.get())
    }

    async fn route(&self, channel: &str, to: Option<&str>, case: Option<i64>) -> Result<Dest> {
        if channel == self.approvals_name {
            return Ok(Dest::Channel(self.places.approvals()?));
        }
        if let Some(key) = channel.strip_prefix("ix:") {
            let key = format!("ix:{key}");
            if let Some(row) = self.map.interaction(&key).await? {
                let fresh = Utc::now() - row.at < chrono::Duration::minutes(INTERACTION_TTL_MINUTES);
                if to.is_none_or(|t| t == row.user_id) && fresh {
                    return Ok(Dest::Interaction(key, row));
                }
                if let Some(c) = case {
                    return Ok(Dest::Channel(self.thread(c).await?));
                }
                return Ok(Dest::Channel(row.channel_id));
            }
            return Ok(Dest::Channel(self.places.first_support()?));
        }
        if channel == "dm" {
            if let Some(u) = to.and_then(|t| t.parse::<u64>().ok()) {
                return Ok(Dest::Dm(u));
            }
        }
        if let Some(c) = case {
            let customer = self.map.case_info(c).await?.map(|(cust, _)| cust);
            if to.is_none() || to == customer.as_deref() {
                return Ok(Dest::Channel(self.thread(c).await?));
            }
        }
        match channel.parse::<u64>() {
            Ok(id) if id > 0 => Ok(Dest::Channel(id)),
            _ => Ok(Dest::Channel(self.places.first_support()?)),
        }
    }

    /// The case's private thread, created in its support channel on first use.
    async fn thread(&self, case: i64) -> Result<u64> {
        if let Some(t) = self.map.thread(case).await? {
            return Ok(t.thread_id);
        }
        let (customer, opened_in) = self.map.case_info(case).await?.ok_or_else(|| anyhow!("no case {case}"))?;
        let parent = match opened_in.parse::<u64>() {
            Ok(id) if self.places.is_support(id) => id,
            _ => self.places.first_support()?,
        };
        let name = u32::try_from(case).ok().and_then(CaseNumber::new).map(|c| c.to_string()).unwrap_or_else(|| format!("case {case}"));
        let body = json!({"name": name, "type": 12, "invitable": false, "auto_archive_duration": 10080});
        let thread = self.http.create_thread(ChannelId::new(parent), &body, Some("paydesk case thread")).await?;
        if let Ok(uid) = customer.parse::<u64>() {
            if let Err(e) = self.http.add_thread_channel_member(thread.id, UserId::new(uid)).await {
                tracing::warn!(case, error = %e, "could not add the customer to the case thread");
            }
        }
        self.map.put_thread(case, parent, thread.id.get(), &customer, Utc::now()).await?;
        // Two deliveries racing: the first one recorded wins.
        Ok(self.map.thread(case).await?.map_or(thread.id.get(), |t| t.thread_id))
    }

    /// Sends a text message to `dest`; returns the channel and message id when a message
    /// was posted (not for interaction answers).
    async fn send_text(&self, item: &OutboxItem, dest: Dest, to: Option<&str>, text: &str, case: Option<i64>) -> Result<Option<(u64, u64)>> {
        let to_id = to.and_then(|t| t.parse::<u64>().ok());
        let body = |mention_to: bool| {
            let content = match (mention_to, to) {
                (true, Some(t)) if to_id.is_some() => format!("{} {text}", mention(t)),
                _ => text.to_string(),
            };
            json!({
                "content": content,
                "nonce": Self::nonce(item),
                "enforce_nonce": true,
                "allowed_mentions": {"parse": [], "users": to_id.map(|u| vec![u.to_string()]).unwrap_or_default()},
            })
        };
        match dest {
            Dest::Channel(c) => {
                let in_thread = case.is_some() && self.map.thread(case.unwrap_or(0)).await?.is_some_and(|t| t.thread_id == c);
                let mention_to = !in_thread && c != self.places.approvals().unwrap_or(0);
                Ok(Some((c, self.post(c, &body(mention_to)).await?)))
            }
            Dest::Dm(user) => {
                let sent = async {
                    let dm = self.http.create_private_channel(&json!({"recipient_id": user.to_string()})).await?;
                    let id = self.post(dm.id.get(), &body(false)).await?;
                    Ok::<_, serenity::Error>((dm.id.get(), id))
                }
                .await;
                match sent {
                    Ok(ids) => Ok(Some(ids)),
                    Err(e) if self.dm_fallback && status_of(&e).is_some_and(|(s, c)| s == 403 || c == CANNOT_DM) => {
                        tracing::info!(user, "DM closed; posting in the case thread instead");
                        let c = match case {
                            Some(n) => self.thread(n).await?,
                            None => self.places.first_support()?,
                        };
                        let mention_to = case.is_none();
                        Ok(Some((c, self.post(c, &body(mention_to)).await?)))
                    }
                    Err(e) => Err(e.into()),
                }
            }
            Dest::Interaction(key, row) => {
                if row.answered {
                    self.http.create_followup_message(&row.token, &json!({"content": text, "flags": 64}), vec![]).await?;
                } else {
                    self.http.edit_original_interaction_response(&row.token, &json!({"content": text}), vec![]).await?;
                    self.map.mark_answered(&key).await?;
                }
                Ok(None)
            }
        }
    }

    async fn deliver_inner(&self, item: &OutboxItem) -> Result<()> {
        if self.map.sent(item.id).await?.is_some() {
            return Ok(()); // posted before a crash; only the "delivered" mark was lost
        }
        let now = Utc::now();
        match &item.action {
            Action::Say { message_ref, channel, to, case, text } => {
                let case = case_no(case);
                let dest = self.route(channel, to.as_deref(), case).await?;
                if let Some((c, m)) = self.send_text(item, dest, to.as_deref(), text, case).await? {
                    if let Some(r) = message_ref {
                        self.map.put_message(r, c, m, "say", case, None, false, now).await?;
                    }
                    self.map.record_sent(item.id, c, m, now).await?;
                }
            }
            Action::Denied { user, reason, channel } => {
                let dest = self.route(channel, Some(user), None).await?;
                let text = format!("⛔ {reason}");
                if let Some((c, m)) = self.send_text(item, dest, Some(user), &text, None).await? {
                    self.map.record_sent(item.id, c, m, now).await?;
                }
            }
            Action::ApprovalRequest { message_ref, case, .. } => {
                let channel = self.places.approvals()?;
                let embed = approval_embed(&item.action, None);
                let body = json!({"embeds": [embed], "nonce": Self::nonce(item), "enforce_nonce": true, "allowed_mentions": {"parse": []}});
                let m = self.post(channel, &body).await?;
                if let Some(r) = message_ref {
                    let payload = serde_json::to_string(&item.action)?;
                    self.map.put_message(r, channel, m, "approval", case_no(&Some(case.clone())), Some(&payload), true, now).await?;
                }
                for e in [&self.approve_emoji, &self.reject_emoji] {
                    self.http.create_reaction(ChannelId::new(channel), MessageId::new(m), &ReactionType::Unicode(e.clone())).await?;
                }
                self.map.record_sent(item.id, channel, m, now).await?;
            }
            Action::Refund { message_ref: Some(r), status, .. } => {
                let Some(row) = self.map.message_by_ref(r).await? else {
                    return Err(anyhow!("approval message {r} not posted yet"));
                };
                let request: Action = match row.payload.as_deref().map(serde_json::from_str) {
                    Some(Ok(a)) => a,
                    _ => return Ok(()),
                };
                let embed = approval_embed(&request, Some(&item.action));
                self.http.edit_message(ChannelId::new(row.channel_id), MessageId::new(row.message_id), &json!({"embeds": [embed]}), vec![]).await?;
                if status == "approved" && row.open {
                    if let Some(m) = &self.metrics {
                        m.approval_latency.observe((now - row.at).to_std().unwrap_or_default());
                    }
                }
                self.map.set_message_status(r, status, status == "awaiting_approval").await?;
            }
            // Case and wallet changes reach people through the `say` lines the engine
            // writes with them; the structured lines are for replay and audit.
            Action::Refund { .. } | Action::Ticket { .. } | Action::Wallet { .. } => {}
        }
        Ok(())
    }
}

#[async_trait]
impl ChatSink for DiscordSink {
    async fn deliver(&self, item: &OutboxItem) -> Result<()> {
        match self.deliver_inner(item).await {
            Ok(()) => Ok(()),
            Err(e) => {
                if e.downcast_ref::<serenity::Error>().is_some_and(permanent) {
                    // Discord refused it for good (a deleted channel, missing access): retrying
                    // would block every later message. Logged, and skipped.
                    tracing::warn!(outbox = item.id, error = %e, "Discord refused an outbox item; skipped");
                    return Ok(());
                }
                Err(e)
            }
        }
    }
}

/// The approval request embed; with `outcome` (a `refund` action) it shows the decision.
pub fn approval_embed(request: &Action, outcome: Option<&Action>) -> Value {
    let Action::ApprovalRequest {
        message_ref,
        case,
        charge,
        amount,
        currency,
        rule,
        leads_needed,
        requested_by,
        account,
        card_last4,
        reason,
        expires_at,
        is_override,
        ..
    } = request
    else {
        return json!({"title": "Refund request"});
    };
    let charge_text = match card_last4 {
        Some(l4) => format!("{charge} (card •••• {l4})"),
        None => charge.clone(),
    };
    let expiry = chrono::DateTime::parse_from_rfc3339(expires_at)
        .map(|t| format!("<t:{}:R> ({expires_at})", t.timestamp()))
        .unwrap_or_else(|_| expires_at.clone());
    let (status, color) = match outcome {
        Some(Action::Refund { status, approved_by, provider_ref, .. }) => {
            let by = approved_by.iter().map(|u| mention(u)).collect::<Vec<_>>().join(", ");
            match status.as_str() {
                "awaiting_approval" => (format!("Waiting for {leads_needed} lead(s)"), 0xF1C40F),
                "approved" | "executing" => (format!("✅ Approved by {by}; paying"), 0x3498DB),
                "succeeded" => {
                    (format!("💸 Paid{} — approved by {by}", provider_ref.as_ref().map(|p| format!(" ({p})")).unwrap_or_default()), 0x2ECC71)
                }
                "failed" => (format!("⚠️ Payment failed — approved by {by}"), 0xE74C3C),
                "rejected" => ("❌ Rejected".to_string(), 0x95A5A6),
                "expired" => ("⌛ Expired: not approved in time".to_string(), 0x95A5A6),
                "reversed" => ("↩️ Paid, then reversed by the provider: the money came back; a lead is looking into it".to_string(), 0xE74C3C),
                "on_hold" => ("⏸️ On hold: the charge is disputed, nothing was paid; a lead can reject it".to_string(), 0xE67E22),
                other => (other.to_string(), 0x95A5A6),
            }
        }
        _ => (format!("Waiting for {leads_needed} lead(s)"), 0xF1C40F),
    };
    let mut fields = vec![
        json!({"name": "Case", "value": case, "inline": true}),
        json!({"name": "Customer account", "value": account.clone().unwrap_or_else(|| "—".into()), "inline": true}),
        json!({"name": "Charge", "value": charge_text, "inline": true}),
        json!({"name": "Amount", "value": format!("{amount} {currency}"), "inline": true}),
        json!({"name": "Rule", "value": rule, "inline": true}),
        json!({"name": "Leads needed", "value": leads_needed.to_string(), "inline": true}),
        json!({"name": "Requested by", "value": mention(requested_by), "inline": true}),
        json!({"name": "Expires", "value": expiry, "inline": true}),
    ];
    if !reason.is_empty() {
        fields.push(json!({"name": "Reason", "value": reason.chars().take(1000).collect::<String>()}));
    }
    fields.push(json!({"name": "Status", "value": status}));
    json!({
        "title": format!("{} · {case}", if *is_override { "Policy override request" } else { "Refund request" }),
        "description": "React to approve or reject.",
        "color": color,
        "fields": fields,
        "footer": {"text": format!("ref {}", message_ref.clone().unwrap_or_default())},
    })
}
