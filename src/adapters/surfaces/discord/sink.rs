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
/// Message content is at most 2000 characters
/// (<https://discord.com/developers/docs/resources/message#create-message>).
pub const CONTENT_LIMIT: usize = 2000;
/// Embed limits (<https://discord.com/developers/docs/resources/message#embed-object-embed-limits>):
/// title 256, description 4096, field name 256, field value 1024, footer 2048, all
/// together 6000.
pub const EMBED_TITLE: usize = 256;
pub const EMBED_DESCRIPTION: usize = 4096;
pub const EMBED_FIELD_NAME: usize = 256;
pub const EMBED_FIELD_VALUE: usize = 1024;
pub const EMBED_FOOTER: usize = 2048;
pub const EMBED_TOTAL: usize = 6000;
/// A 429 whose wait could not be read (no `retry_after` in its body, no rate limit
/// headers) waits this long. serenity 0.12 keeps only status, code and message of a
/// refused call (`ErrorResponse`), so the sink reads a 429 itself (`post_raw`); with
/// serenity's rate limiter on (production) serenity waits a 429 out itself, for the
/// `Retry-After` it was given, before any error could reach the outbox.
pub const RATE_LIMITED_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// A refused Discord call and, for a 429, the wait Discord asked for.
pub(crate) struct RestError {
    pub(crate) e: serenity::Error,
    pub(crate) retry_after: Option<std::time::Duration>,
}

impl From<serenity::Error> for RestError {
    fn from(e: serenity::Error) -> Self {
        RestError { e, retry_after: None }
    }
}

impl RestError {
    fn refusal(&self) -> Refusal {
        refusal(&self.e)
    }
}

impl std::fmt::Display for RestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.retry_after {
            Some(w) => write!(f, "{} (retry after {:.3} s)", self.e, w.as_secs_f64()),
            None => write!(f, "{}", self.e),
        }
    }
}

/// How long a 429 asks to wait, exactly: the body's `retry_after` (seconds, with
/// fractions), else `X-RateLimit-Reset-After` (seconds, with fractions), else
/// `Retry-After` (whole seconds). Rate limit response structure and headers:
/// <https://discord.com/developers/docs/topics/rate-limits#exceeding-a-rate-limit> and
/// <https://discord.com/developers/docs/topics/rate-limits#header-format-rate-limit-header-examples>
pub fn retry_after_of(headers: &[(&str, &str)], body: &[u8]) -> Option<std::time::Duration> {
    let secs = |v: f64| (0.0..86_400.0).contains(&v).then(|| std::time::Duration::from_secs_f64(v));
    let from_body = serde_json::from_slice::<Value>(body).ok().and_then(|v| v["retry_after"].as_f64()).and_then(secs);
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.trim().parse::<f64>().ok())
            .and_then(secs)
    };
    from_body.or_else(|| header("x-ratelimit-reset-after")).or_else(|| header("retry-after"))
}

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

/// The HTTP status and Discord JSON error code of a refused call.
pub(crate) fn status_of(e: &serenity::Error) -> Option<(u16, isize)> {
    match e {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(r)) => Some((r.status_code.as_u16(), r.error.code)),
        _ => None,
    }
}

/// What the sink does about a refused call: the one table from Discord error to action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Network trouble, timeouts, 5xx: try again later with backoff.
    Retry,
    /// 429: wait exactly as long as Discord says (`RATE_LIMITED_WAIT` when it does not), then try again.
    RateLimited,
    /// 401: the token is refused; nothing can be delivered: stop with a clear error.
    Unauthorized,
    /// 10003 Unknown Channel, 50083 archived thread, 160005 locked thread: unarchive or
    /// recreate the case thread, else DM the customer.
    ThreadGone,
    /// 50007: the user does not take DMs from the bot: the case thread (or a private thread).
    DmClosed,
    /// 50001 Missing Access, 50013 Missing Permissions: tell staff in the approvals
    /// channel, count it; the item is dead.
    NoPermission,
    /// Any other 4xx (e.g. 50035 Invalid Form Body): the same request would be refused
    /// again: dead, and staff are told.
    Invalid,
}

/// The table. Codes: <https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes>;
/// 429: <https://discord.com/developers/docs/topics/rate-limits#exceeding-a-rate-limit>.
pub fn action_for(status: Option<(u16, isize)>) -> Refusal {
    match status {
        None => Refusal::Retry,
        Some((401, _)) => Refusal::Unauthorized,
        Some((429, _)) => Refusal::RateLimited,
        Some((s, _)) if s >= 500 => Refusal::Retry,
        Some((_, 10003 | 50083 | 160005)) => Refusal::ThreadGone,
        Some((_, 50007)) => Refusal::DmClosed,
        Some((_, 50001 | 50013)) => Refusal::NoPermission,
        Some((403, _)) => Refusal::NoPermission,
        Some(_) => Refusal::Invalid,
    }
}

fn refusal(e: &serenity::Error) -> Refusal {
    action_for(status_of(e))
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

/// Discord counts message length in UTF-16 code units (at least as many as characters).
fn units(s: &str) -> usize {
    s.encode_utf16().count()
}

/// `text` as messages of at most `limit` characters, split at line boundaries (a line
/// longer than `limit` is split within itself). Nothing is dropped.
pub fn fit_content(text: &str, limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in text.split_inclusive('\n') {
        if units(&cur) + units(line) <= limit {
            cur.push_str(line);
            continue;
        }
        if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        if units(line) <= limit {
            cur.push_str(line);
            continue;
        }
        for ch in line.chars() {
            if units(&cur) + ch.len_utf16() > limit {
                out.push(std::mem::take(&mut cur));
            }
            cur.push(ch);
        }
    }
    if !cur.is_empty() || out.is_empty() {
        out.push(cur);
    }
    out
}

fn cut(s: &str, limit: usize) -> String {
    if units(s) <= limit {
        return s.to_string();
    }
    let mut out = String::new();
    for ch in s.chars() {
        if units(&out) + ch.len_utf16() + 1 > limit {
            break;
        }
        out.push(ch);
    }
    out.push('…');
    out
}

/// An embed cut to Discord's limits: each part to its own, then the longest field values
/// shortened until the whole is within 6000.
pub fn fit_embed(mut e: Value) -> Value {
    for (k, lim) in [("title", EMBED_TITLE), ("description", EMBED_DESCRIPTION)] {
        if let Some(t) = e[k].as_str() {
            e[k] = json!(cut(t, lim));
        }
    }
    if let Some(t) = e["footer"]["text"].as_str() {
        e["footer"]["text"] = json!(cut(t, EMBED_FOOTER));
    }
    if let Some(fields) = e["fields"].as_array_mut() {
        fields.truncate(25);
        for f in fields.iter_mut() {
            if let Some(n) = f["name"].as_str() {
                f["name"] = json!(cut(n, EMBED_FIELD_NAME));
            }
            if let Some(v) = f["value"].as_str() {
                f["value"] = json!(cut(v, EMBED_FIELD_VALUE));
            }
        }
    }
    let total = |e: &Value| {
        let s = |v: &Value| v.as_str().map_or(0, units);
        s(&e["title"])
            + s(&e["description"])
            + s(&e["footer"]["text"])
            + e["fields"].as_array().map_or(0, |f| f.iter().map(|x| s(&x["name"]) + s(&x["value"])).sum())
    };
    while total(&e) > EMBED_TOTAL {
        let Some(fields) = e["fields"].as_array_mut() else { break };
        let Some((i, len)) =
            fields.iter().enumerate().map(|(i, f)| (i, f["value"].as_str().map_or(0, units))).max_by_key(|(_, l)| *l)
        else {
            break;
        };
        if len <= 1 {
            break;
        }
        let v = fields[i]["value"].as_str().unwrap_or("").to_string();
        fields[i]["value"] = json!(cut(&v, len / 2));
    }
    e
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

    /// Posts `content` (split to fit) or one embed body; returns the first message id.
    async fn post_text(
        &self,
        item: &OutboxItem,
        channel: u64,
        content: &str,
        allowed: &Value,
    ) -> Result<u64, RestError> {
        let mut first = None;
        for (i, part) in fit_content(content, CONTENT_LIMIT).iter().enumerate() {
            let body = json!({"content": part, "nonce": Self::nonce(item, i), "enforce_nonce": true, "allowed_mentions": allowed});
            let id = self.post(channel, &body).await?;
            first.get_or_insert(id);
        }
        Ok(first.unwrap_or(0))
    }

    async fn post(&self, channel: u64, body: &Value) -> Result<u64, RestError> {
        let http = self.http.get().ok_or(serenity::Error::Other("not connected to Discord yet"))?;
        let sent = if http.ratelimiter.is_some() {
            // serenity waits out 429s itself here (its rate limiter reads Retry-After).
            http.send_message(ChannelId::new(channel), vec![], body).await.map(|m| m.id.get()).map_err(RestError::from)
        } else {
            self.post_raw(http, channel, body).await
        };
        if let Err(e) = &sent {
            self.count(&e.e);
        }
        sent
    }

    /// `POST /channels/{id}/messages` through serenity's request builder, reading a
    /// refusal ourselves: serenity's error would drop a 429's `retry_after`.
    async fn post_raw(&self, http: &Http, channel: u64, body: &Value) -> Result<u64, RestError> {
        use serenity::http::{LightMethod, Request, Route};
        let bytes = serde_json::to_vec(body).map_err(serenity::Error::Json)?;
        let req = Request::new(Route::ChannelMessages { channel_id: ChannelId::new(channel) }, LightMethod::Post)
            .body(Some(bytes));
        let resp = req
            .build(&self.rest, http.token(), http.proxy.as_deref())?
            .send()
            .await
            .map_err(|e| serenity::Error::Http(HttpError::Request(e)))?;
        let status = resp.status();
        if status.is_success() {
            let bytes = resp.bytes().await.map_err(|e| serenity::Error::Http(HttpError::Request(e)))?;
            let m: Value = serde_json::from_slice(&bytes).map_err(serenity::Error::Json)?;
            return Ok(m["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or(0));
        }
        let headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str().to_string(), v.to_string())))
            .collect();
        let bytes = resp.bytes().await.map_err(|e| serenity::Error::Http(HttpError::Request(e)))?;
        let retry_after = (status.as_u16() == 429)
            .then(|| retry_after_of(&headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect::<Vec<_>>(), &bytes))
            .flatten();
        // The refusal as serenity reads it (status, JSON code, message).
        let again = axum::http::Response::builder()
            .status(status.as_u16())
            .body(bytes.to_vec())
            .map_err(|_| serenity::Error::Other("bad response"))?;
        let e =
            serenity::http::ErrorResponse::from_response(reqwest012::Response::from(again), reqwest012::Method::POST)
                .await;
        Err(RestError { e: serenity::Error::Http(HttpError::UnsuccessfulRequest(e)), retry_after })
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

    /// A serenity error as the outbox acts on it (through `action_for`).
    fn error_of(&self, e: impl Into<RestError>) -> anyhow::Error {
        let e: RestError = e.into();
        let reason = format!("Discord: {e}");
        match e.refusal() {
            Refusal::Retry => ChatError::Retry { reason, after: None }.into(),
            Refusal::RateLimited => {
                ChatError::Retry { reason, after: Some(e.retry_after.unwrap_or(RATE_LIMITED_WAIT)) }.into()
            }
            Refusal::Unauthorized => ChatError::Fatal { reason }.into(),
            _ => ChatError::Refused { reason }.into(),
        }
    }

    /// Tells staff in the approvals channel that Discord refused something, and counts it.
    async fn tell_staff(&self, item: &OutboxItem, what: &str, e: &serenity::Error) {
        let Ok(approvals) = self.places.approvals() else { return };
        let (status, code) = status_of(e).unwrap_or((0, 0));
        let text = format!(
            "⚠️ Discord refused {what} (HTTP {status}, code {code}: {}). Outbox item {} was not delivered; check the bot's permissions there.",
            match refusal(e) {
                Refusal::NoPermission => "missing access or permissions",
                _ => "refused",
            },
            item.id
        );
        let body = json!({"content": cut(&text, CONTENT_LIMIT), "nonce": format!("paydesk-{}-staff", item.id), "enforce_nonce": true, "allowed_mentions": {"parse": []}});
        if let Some(m) = &self.metrics {
            m.staff_alerts.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        if let Err(e2) = self.post(approvals, &body).await {
            tracing::error!(outbox = item.id, error = %e2, "could not tell staff that Discord refused a message");
        }
    }

    /// After a refused post: what the table says, as the outbox's error (staff told where
    /// it says so).
    async fn refused(&self, item: &OutboxItem, channel: u64, e: RestError) -> anyhow::Error {
        match e.refusal() {
            Refusal::NoPermission | Refusal::Invalid | Refusal::ThreadGone | Refusal::DmClosed
                if self.places.approvals().is_ok_and(|a| a != channel) =>
            {
                self.tell_staff(item, &format!("a message in <#{channel}>"), &e.e).await;
            }
            _ => {}
        }
        self.error_of(e)
    }

    /// Sends a text message to `dest`; returns the channel and message id when a message
    /// was posted (not for interaction answers).
    async fn send_text(
        &self,
        item: &OutboxItem,
        dest: Dest,
        to: Option<&str>,
        text: &str,
        case: Option<i64>,
    ) -> Result<Option<(u64, u64)>> {
        let to_id = to.and_then(|t| t.parse::<u64>().ok());
        let nobody = json!({"parse": []});
        let only_to = json!({"parse": [], "users": to_id.map(|u| vec![u.to_string()]).unwrap_or_default()});
        match dest {
            Dest::Channel(c) => {
                let mention_to = c != self.places.approvals().unwrap_or(0) && to_id.is_some();
                let content =
                    if mention_to { format!("{} {text}", mention(to.unwrap_or_default())) } else { text.to_string() };
                match self.post_text(item, c, &content, if mention_to { &only_to } else { &nobody }).await {
                    Ok(m) => Ok(Some((c, m))),
                    Err(e) => Err(self.refused(item, c, e).await),
                }
            }
            Dest::Thread(case_n, t) => match self.post_text(item, t, text, &nobody).await {
                Ok(m) => Ok(Some((t, m))),
                Err(e) if e.refusal() == Refusal::ThreadGone => {
                    // Archived or locked: open it again; gone: a new thread; else a DM.
                    tracing::info!(case = case_n, thread = t, error = %e, "case thread unusable; reopening it");
                    let http = self.http()?;
                    let reopened = http
                        .edit_thread(
                            ChannelId::new(t),
                            &json!({"archived": false, "locked": false}),
                            Some("paydesk case reopened"),
                        )
                        .await;
                    let target = match reopened {
                        Ok(_) => Some(t),
                        Err(_) => {
                            self.map.forget_thread(case_n).await?;
                            self.thread(case_n).await.ok()
                        }
                    };
                    if let Some(t2) = target {
                        if let Ok(m) = self.post_text(item, t2, text, &nobody).await {
                            return Ok(Some((t2, m)));
                        }
                    }
                    match to_id.or(self.map.case_info(case_n).await?.and_then(|(c, _)| c.parse().ok())) {
                        Some(u) => self.dm(item, u, text, case).await,
                        None => Err(self.refused(item, t, e).await),
                    }
                }
                Err(e) => Err(self.refused(item, t, e).await),
            },
            Dest::Dm(user) => self.dm(item, user, text, case).await,
            Dest::Private { user, public } => {
                let sent = self.dm(item, user, text, case).await?;
                let note = json!({"content": format!("<@{user}> I've answered you privately."), "nonce": format!("paydesk-{}-note", item.id),
                    "enforce_nonce": true, "allowed_mentions": {"parse": [], "users": [user.to_string()]}});
                if let Err(e) = self.post(public, &note).await {
                    tracing::warn!(error = %e, "could not post the private-answer note");
                }
                Ok(sent)
            }
            Dest::Interaction(key, row) => {
                let http = self.http()?;
                let parts = fit_content(text, CONTENT_LIMIT);
                let mut answered = row.answered;
                for part in parts {
                    let r = if answered {
                        http.create_followup_message(&row.token, &json!({"content": part, "flags": 64}), vec![])
                            .await
                            .map(|_| ())
                    } else {
                        http.edit_original_interaction_response(&row.token, &json!({"content": part}), vec![])
                            .await
                            .map(|_| ())
                    };
                    if let Err(e) = r {
                        self.count(&e);
                        return Err(self.error_of(e));
                    }
                    if !answered {
                        self.map.mark_answered(&key).await?;
                        answered = true;
                    }
                }
                // Recorded like a post (message id 0: interaction answers have none we
                // keep), so a redelivery after a crash never sends the follow-up twice.
                self.map.record_sent(item.id, row.channel_id, 0, self.clock.now()).await?;
                Ok(None)
            }
        }
    }

    /// A direct message; when DMs are closed: the case thread, or a private thread made
    /// for this answer in the first support channel.
    async fn dm(&self, item: &OutboxItem, user: u64, text: &str, case: Option<i64>) -> Result<Option<(u64, u64)>> {
        let nobody = json!({"parse": []});
        let sent = async {
            let http = self.http.get().ok_or(serenity::Error::Other("not connected to Discord yet"))?;
            let dm = http.create_private_channel(&json!({"recipient_id": user.to_string()})).await?;
            let id = self.post_text(item, dm.id.get(), text, &nobody).await?;
            Ok::<_, RestError>((dm.id.get(), id))
        }
        .await;
        match sent {
            Ok(ids) => Ok(Some(ids)),
            Err(e) if self.dm_fallback && matches!(e.refusal(), Refusal::DmClosed | Refusal::NoPermission) => {
                tracing::info!(user, "DM closed; answering in a private thread instead");
                let c = match case {
                    Some(n) => self.thread(n).await?,
                    None => {
                        let parent = self.support()?;
                        self.private_thread(parent, "paydesk · your answer", Some(user))
                            .await
                            .map_err(|e| self.error_of(e))?
                    }
                };
                let content = format!("<@{user}> {text}");
                match self.post_text(item, c, &content, &json!({"parse": [], "users": [user.to_string()]})).await {
                    Ok(m) => Ok(Some((c, m))),
                    Err(e) => Err(self.refused(item, c, e).await),
                }
            }
            Err(e) => Err(self.error_of(e)),
        }
    }

    async fn deliver_inner(&self, item: &OutboxItem) -> Result<()> {
        if self.map.sent(item.id).await?.is_some() {
            return Ok(()); // posted before a crash; only the "delivered" mark was lost
        }
        let now = self.clock.now();
        match &item.action {
            Action::Say { message_ref, channel, to, case, text } => {
                let case = case_no(case);
                let dest = self.route(channel, to.as_deref(), case).await?;
                if let Some((c, m)) = self.send_text(item, dest, to.as_deref(), text, case).await? {
                    if let Some(r) = message_ref {
                        self.map
                            .put_message(NewMessage {
                                message_ref: r,
                                channel_id: c,
                                message_id: m,
                                kind: "say",
                                case,
                                payload: None,
                                open: false,
                                at: now,
                            })
                            .await?;
                    }
                    self.map.record_sent(item.id, c, m, now).await?;
                }
            }
            Action::Denied { user, reason, channel } => {
                let dest = match self.route(channel, Some(user), None).await? {
                    // A refusal is said where it happened (no account data in it).
                    Dest::Private { public, .. } => Dest::Channel(public),
                    d => d,
                };
                let text = format!("⛔ {reason}");
                if let Some((c, m)) = self.send_text(item, dest, Some(user), &text, None).await? {
                    self.map.record_sent(item.id, c, m, now).await?;
                }
            }
            Action::ApprovalRequest { message_ref, case, .. } => {
                let channel = self.approvals()?;
                let embed = fit_embed(approval_embed(&item.action, None));
                let body = json!({"embeds": [embed], "nonce": Self::nonce(item, 0), "enforce_nonce": true, "allowed_mentions": {"parse": []}});
                let m = match self.post(channel, &body).await {
                    Ok(m) => m,
                    Err(e) => return Err(self.error_of(e)),
                };
                if let Some(r) = message_ref {
                    let payload = serde_json::to_string(&item.action)?;
                    let case = case_no(&Some(case.clone()));
                    let message = NewMessage {
                        message_ref: r,
                        channel_id: channel,
                        message_id: m,
                        kind: "approval",
                        case,
                        payload: Some(&payload),
                        open: true,
                        at: now,
                    };
                    self.map.put_message(message).await?;
                }
                // Recorded before the reactions: a retry after a failed reaction never
                // posts the embed twice (the record stops it).
                self.map.record_sent(item.id, channel, m, now).await?;
                let http = self.http()?;
                for e in [&self.approve_emoji, &self.reject_emoji] {
                    if let Err(err) = http
                        .create_reaction(ChannelId::new(channel), MessageId::new(m), &ReactionType::Unicode(e.clone()))
                        .await
                    {
                        self.count(&err);
                        tracing::warn!(message = m, error = %err, "could not add the vote reaction; leads can still add it");
                    }
                }
            }
            Action::Refund { message_ref: Some(r), status, case, amount, currency, .. } => {
                let row = self.map.message_by_ref(r).await?;
                let request: Option<Action> =
                    row.as_ref().and_then(|row| row.payload.as_deref()).and_then(|p| serde_json::from_str(p).ok());
                let (Some(row), Some(request)) = (row, request) else {
                    // The request was never posted (it died): post the status instead of
                    // waiting for a message that will never exist.
                    let channel = self.approvals()?;
                    let text = format!("Refund for {case} ({amount} {currency}): {}.", status.replace('_', " "));
                    let m = match self.post_text(item, channel, &text, &json!({"parse": []})).await {
                        Ok(m) => m,
                        Err(e) => return Err(self.error_of(e)),
                    };
                    self.map.record_sent(item.id, channel, m, now).await?;
                    return Ok(());
                };
                let embed = fit_embed(approval_embed(&request, Some(&item.action)));
                let http = self.http()?;
                if let Err(e) = http
                    .edit_message(
                        ChannelId::new(row.channel_id),
                        MessageId::new(row.message_id),
                        &json!({"embeds": [embed]}),
                        vec![],
                    )
                    .await
                {
                    self.count(&e);
                    return Err(self.error_of(e));
                }
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
                "succeeded" => (
                    format!(
                        "💸 Paid{} — approved by {by}",
                        provider_ref.as_ref().map(|p| format!(" ({p})")).unwrap_or_default()
                    ),
                    0x2ECC71,
                ),
                "failed" => (format!("⚠️ Payment failed — approved by {by}"), 0xE74C3C),
                "rejected" => ("❌ Rejected".to_string(), 0x95A5A6),
                "expired" => ("⌛ Expired: not approved in time".to_string(), 0x95A5A6),
                "reversed" => (
                    "↩️ Paid, then reversed by the provider: the money came back; a lead is looking into it"
                        .to_string(),
                    0xE74C3C,
                ),
                "on_hold" => {
                    ("⏸️ On hold: the charge is disputed, nothing was paid; a lead can reject it".to_string(), 0xE67E22)
                }
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

#[cfg(test)]
mod tests {
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
        assert!(e["fields"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| units(f["value"].as_str().unwrap()) <= EMBED_FIELD_VALUE));
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
}
