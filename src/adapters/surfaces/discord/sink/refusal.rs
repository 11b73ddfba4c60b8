//! When Discord refuses a call: the one table from Discord error to action (`action_for`),
//! the wait a 429 asks for, and what the outbox and staff are told.

use super::message::cut;
use super::*;

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
    /// What the table says about it.
    pub(super) fn refusal(&self) -> Refusal {
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

/// What the table says about a refused call.
fn refusal(e: &serenity::Error) -> Refusal {
    action_for(status_of(e))
}

impl DiscordSink {
    /// A serenity error as the outbox acts on it (through `action_for`).
    pub(super) fn error_of(&self, e: impl Into<RestError>) -> anyhow::Error {
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
    pub(super) async fn refused(&self, item: &OutboxItem, channel: u64, e: RestError) -> anyhow::Error {
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
}
