//! Messages and edits: who spoke (roles by id from the member, else asked of Discord), in which
//! of our channels; card numbers deleted; messages written while away read back.

use super::super::Shared;
use crate::app::action::Destination;
use crate::app::engine::{Actor, Event};
use crate::domain::ids::UserId as PdUserId;
use crate::domain::roles::{Role, Roles};
use serde_json::json;
use serenity::all::{Context, GuildId, Message, RoleId, UserId};
use std::sync::atomic::Ordering;

impl Shared {
    /// Roles from the member's role ids (configured names were resolved to ids at
    /// startup, `resolve_roles`); customer otherwise.
    pub(crate) fn roles_of(&self, _ctx: &Context, role_ids: &[RoleId]) -> Roles {
        let has = |list: &[super::super::config::Named]| {
            role_ids
                .iter()
                .any(|r| list.iter().any(|n| matches!(n, super::super::config::Named::Id(i) if *i == r.get())))
        };
        let mut roles = Roles::NONE;
        if has(&self.cfg.agent_roles) {
            roles = roles.with(Role::Agent);
        }
        if has(&self.cfg.lead_roles) {
            roles = roles.with(Role::Lead);
        }
        if roles == Roles::NONE {
            Roles::CUSTOMER
        } else {
            roles
        }
    }

    /// Roles of a user the event did not carry a member for: asked of Discord (a role
    /// removed is gone at once), the cache if that fails; `None` when neither knows (the
    /// caller then leaves the event to be read again rather than treat a lead as a
    /// customer).
    pub(crate) async fn roles_by_id(&self, ctx: &Context, user: u64) -> Option<Roles> {
        let guild = GuildId::new(self.cfg.guild_id);
        let ids = match ctx.http.get_member(guild, UserId::new(user)).await {
            Ok(m) => m.roles,
            Err(e) if super::super::sink::status_of(&e).is_some_and(|(_, c)| c == 10007) => Vec::new(), // Unknown Member: not in the guild
            Err(e) => {
                tracing::debug!(user, error = %e, "member lookup failed; using the cache");
                ctx.cache.guild(guild).and_then(|g| g.members.get(&UserId::new(user)).map(|m| m.roles.clone()))?
            }
        };
        Some(self.roles_of(ctx, &ids))
    }

    pub(super) async fn handle(&self, event: Event, dedupe: &str) -> bool {
        let _inflight = self.inflight.read().await;
        if self.stopping.load(Ordering::SeqCst) {
            return false;
        }
        match self.engine.handle(event, self.clock.now(), Some(dedupe)).await {
            Ok(()) => {
                self.metrics.events_handled.fetch_add(1, Ordering::Relaxed);
                true
            }
            Err(e) => {
                self.metrics.events_failed.fetch_add(1, Ordering::Relaxed);
                tracing::error!(error = %e, event = dedupe, "event failed");
                false
            }
        }
    }

    pub(super) async fn roles_changed(&self, user: u64, roles: Roles) {
        let actor = Actor { id: PdUserId::new(user.to_string()), roles: Some(roles) };
        if let Err(e) = self.engine.handle(Event::Roles { actor }, self.clock.now(), None).await {
            self.metrics.events_failed.fetch_add(1, Ordering::Relaxed);
            tracing::error!(error = %e, user, "role change not stored");
        }
    }

    /// The channel the engine sees for a message, or `None` when it is not ours to read.
    async fn channel_of(&self, msg: &Message) -> Option<String> {
        match msg.guild_id {
            None => Some(Destination::Dm.to_string()),
            Some(g) if g.get() == self.cfg.guild_id => {
                let c = msg.channel_id.get();
                if self.places.is_support(c) || self.map.is_case_thread(c).await.unwrap_or(false) {
                    Some(c.to_string())
                } else {
                    None
                }
            }
            Some(_) => None,
        }
    }

    pub(super) async fn on_message(&self, ctx: &Context, msg: &Message) {
        if msg.author.bot || msg.author.id.get() == self.bot_id.load(Ordering::SeqCst) {
            return;
        }
        let Some(channel) = self.channel_of(msg).await else {
            tracing::debug!(channel = %msg.channel_id, "message outside the support channels ignored");
            return;
        };
        tracing::debug!(message = %msg.id, channel, "message");
        let roles = match &msg.member {
            Some(m) => self.roles_of(ctx, &m.roles),
            None => self.roles_by_id(ctx, msg.author.id.get()).await.unwrap_or(Roles::CUSTOMER),
        };
        let user = msg.author.id.get();
        // A full card number: the message goes (Manage Messages); the engine redacts its
        // copy before anything is stored and warns the customer.
        self.delete_card_number(ctx, msg.channel_id.get(), msg.id.get(), &msg.content, msg.guild_id.is_some()).await;
        // The anti-spam limit on new cases is the engine's (`max_new_cases_per_hour`).
        let actor = Actor { id: PdUserId::new(user.to_string()), roles: Some(roles) };
        let text = msg.content.clone();
        if self.handle(Event::Message { actor, text, channel }, &format!("discord:message:{}", msg.id)).await
            && msg.guild_id.is_some()
        {
            if let Err(e) = self.map.advance_cursor(msg.channel_id.get(), msg.id.get()).await {
                tracing::warn!(error = %e, "could not record the last message read");
            }
        }
        self.wake();
    }

    /// After a (re)connect: what was written in the support channels and open case
    /// threads while the bot was away, read with `GET /channels/{id}/messages?after=<last
    /// read>` (https://discord.com/developers/docs/resources/message#get-channel-messages)
    /// and handled oldest first; handling is idempotent through the message-id dedupe.
    /// Channels never read before are not backfilled (no history replayed on a first run).
    pub(crate) async fn backfill(&self, ctx: &Context) {
        let mut channels: Vec<u64> = self.places.support_ids();
        channels.extend(self.map.open_case_threads().await.unwrap_or_default());
        for c in channels {
            let Ok(Some(mut after)) = self.map.cursor(c).await else { continue };
            for _ in 0..20 {
                let page = match ctx
                    .http
                    .get_messages(c.into(), Some(serenity::all::MessagePagination::After(after.into())), Some(100))
                    .await
                {
                    Ok(p) => p,
                    Err(e) => {
                        tracing::warn!(channel = c, error = %e, "cannot read back messages written while away");
                        break;
                    }
                };
                let n = page.len();
                let mut page = page;
                page.sort_by_key(|m| m.id);
                for mut m in page {
                    after = after.max(m.id.get());
                    // REST messages carry no guild id; these channels are the guild's.
                    m.guild_id = Some(GuildId::new(self.cfg.guild_id));
                    self.on_message(ctx, &m).await;
                }
                if n < 100 {
                    break;
                }
            }
        }
    }

    /// A message holding a full card number goes (Manage Messages); when Discord refuses,
    /// staff are told at once in the approvals channel. The engine redacts its own copy.
    async fn delete_card_number(&self, ctx: &Context, channel: u64, message: u64, content: &str, in_guild: bool) {
        if !crate::nlu::redact::contains_card_number(content) || !in_guild {
            return;
        }
        let Err(e) =
            ctx.http.delete_message(channel.into(), message.into(), Some("a full card number was posted")).await
        else {
            return;
        };
        tracing::warn!(error = %e, "could not delete a message holding a card number (Manage Messages?)");
        if let Some((s, c)) = super::super::sink::status_of(&e) {
            self.metrics.rest_error(s, c as i64);
        }
        self.metrics.staff_alerts.fetch_add(1, Ordering::Relaxed);
        if let Ok(approvals) = self.places.approvals() {
            let text = format!(
                "⚠️ A message with a full card number in <#{channel}> could not be deleted ({e}). Delete it by hand (https://discord.com/channels/{}/{channel}/{message}) and give the bot Manage Messages there.",
                self.cfg.guild_id
            );
            let body = json!({"content": text, "allowed_mentions": {"parse": []}});
            if let Err(e) = ctx.http.send_message(approvals.into(), vec![], &body).await {
                tracing::error!(error = %e, "could not tell staff about an undeleted card number");
            }
        }
    }

    /// MESSAGE_UPDATE: an edit is checked like a new message (a card number added by
    /// editing goes too) and, when its text changed, handled as one (deduped per edit).
    pub(crate) async fn on_edit(&self, ctx: &Context, ev: &serenity::all::MessageUpdateEvent) {
        let (Some(content), Some(author)) = (ev.content.as_ref(), ev.author.as_ref()) else { return };
        if author.bot || author.id.get() == self.bot_id.load(Ordering::SeqCst) {
            return;
        }
        if ev.guild_id.is_some_and(|g| g.get() != self.cfg.guild_id) {
            return;
        }
        let channel = match ev.guild_id {
            None => Destination::Dm.to_string(),
            Some(_) => {
                let c = ev.channel_id.get();
                if !(self.places.is_support(c) || self.map.is_case_thread(c).await.unwrap_or(false)) {
                    return;
                }
                c.to_string()
            }
        };
        self.delete_card_number(ctx, ev.channel_id.get(), ev.id.get(), content, ev.guild_id.is_some()).await;
        if !crate::nlu::redact::contains_card_number(content) {
            return; // only edits that need an answer (a card number) are handled again
        }
        let roles = match ev.member.as_ref().and_then(|m| m.as_ref()).map(|m| &m.roles) {
            Some(r) => self.roles_of(ctx, r),
            None => self.roles_by_id(ctx, author.id.get()).await.unwrap_or(Roles::CUSTOMER),
        };
        let at = ev.edited_timestamp.map(|t| t.unix_timestamp()).unwrap_or_default();
        let actor = Actor { id: PdUserId::new(author.id.get().to_string()), roles: Some(roles) };
        self.handle(Event::Message { actor, text: content.clone(), channel }, &format!("discord:edit:{}:{at}", ev.id))
            .await;
        self.wake();
    }
}
