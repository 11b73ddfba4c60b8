//! The serenity event handler: Discord events in, engine events out. It only translates:
//! who spoke (and their roles, read from the member on every event), what they said or
//! reacted, and the platform id that makes a redelivered event change nothing.

use super::commands::{self, Invocation, Opt};
use super::Shared;
use crate::app::action::Destination;
use crate::app::engine::{Actor, Event, ReactTarget};
use crate::domain::ids::{CaseNumber, UserId as PdUserId};
use crate::domain::roles::{Role, Roles};
use serde_json::json;
use serenity::all::{
    CommandDataOption, CommandDataOptionValue, CommandInteraction, Context, EventHandler, GuildId,
    GuildMemberUpdateEvent, Interaction, Member, Message, Reaction, ReactionType, Ready, ResumedEvent, RoleId, UserId,
};
use serenity::async_trait;
use serenity::model::guild::Guild;
use std::sync::atomic::Ordering;
use std::sync::Arc;

pub struct Handler(pub Arc<Shared>);

/// Events serenity 0.12.5 cannot read as Discord documents them, read here from the raw
/// payload: MESSAGE_REACTION_REMOVE_EMOJI carries only channel_id, guild_id, message_id
/// and emoji (<https://discord.com/developers/docs/topics/gateway-events#message-reaction-remove-emoji>),
/// serenity wants a whole reaction and passes it on as unknown.
pub struct RawHandler(pub Arc<Shared>);

#[async_trait]
impl serenity::all::RawEventHandler for RawHandler {
    async fn raw_event(&self, ctx: Context, ev: serenity::all::Event) {
        let serenity::all::Event::Unknown(u) = ev else { return };
        tracing::debug!(kind = %u.kind, "raw event");
        if u.kind != "MESSAGE_REACTION_REMOVE_EMOJI" {
            return;
        }
        let v = &u.value;
        let id = |k: &str| v[k].as_str().and_then(|s| s.parse::<u64>().ok());
        if id("guild_id").is_some_and(|g| g != self.0.cfg.guild_id) {
            return;
        }
        let Some(message) = id("message_id") else { return };
        let emoji: Option<ReactionType> = serde_json::from_value(v["emoji"].clone()).ok();
        let Some(emoji) = emoji else { return };
        self.0.on_reactions_cleared(&ctx, message, Some(&emoji)).await;
    }
}

pub fn emoji_name(e: &ReactionType) -> Option<String> {
    match e {
        ReactionType::Unicode(s) => Some(s.clone()),
        ReactionType::Custom { name, .. } => name.clone(),
        _ => None,
    }
}

/// An emoji without variation selector 16 (U+FE0F) and skin-tone modifiers
/// (U+1F3FB–U+1F3FF): "✔️" and "✔", "👍🏽" and "👍" are one vote.
pub fn bare_emoji(s: &str) -> String {
    s.chars().filter(|c| *c != '\u{FE0F}' && !('\u{1F3FB}'..='\u{1F3FF}').contains(c)).collect()
}

/// The configured emoji a reaction stands for: unicode compared bare, custom emoji by id
/// (configured as `<:name:id>`, `<a:name:id>` or the id); `None` when it is not a vote.
pub fn vote_emoji<'a>(configured: impl Iterator<Item = &'a String>, e: &ReactionType) -> Option<String> {
    let list: Vec<&String> = configured.collect();
    match e {
        ReactionType::Unicode(s) => {
            let bare = bare_emoji(s);
            list.iter().find(|c| bare_emoji(c) == bare).map(|c| (*c).clone())
        }
        ReactionType::Custom { id, .. } => {
            let id = id.get().to_string();
            list.iter().find(|c| c.trim_end_matches('>').rsplit(':').next() == Some(id.as_str())).map(|c| (*c).clone())
        }
        _ => None,
    }
}

/// Slash command options as the grammar mapping reads them.
pub fn invocation(name: &str, options: &[CommandDataOption]) -> Invocation {
    let mut inv = Invocation { name: name.to_string(), ..Invocation::default() };
    let flat = |opts: &[CommandDataOption], inv: &mut Invocation| {
        for o in opts {
            let v = match &o.value {
                CommandDataOptionValue::String(s) => Opt::Text(s.clone()),
                CommandDataOptionValue::Boolean(b) => Opt::Flag(*b),
                CommandDataOptionValue::User(u) => Opt::User(u.get()),
                CommandDataOptionValue::Integer(i) => Opt::Text(i.to_string()),
                CommandDataOptionValue::Autocomplete { value, .. } => Opt::Text(value.clone()),
                _ => continue,
            };
            inv.options.push((o.name.clone(), v));
        }
    };
    for o in options {
        if let CommandDataOptionValue::SubCommand(inner) = &o.value {
            inv.sub = Some(o.name.clone());
            flat(inner, &mut inv);
        }
    }
    flat(options, &mut inv);
    inv
}

impl Shared {
    /// Roles from the member's role ids (configured names were resolved to ids at
    /// startup, `resolve_roles`); customer otherwise.
    pub(crate) fn roles_of(&self, _ctx: &Context, role_ids: &[RoleId]) -> Roles {
        let has = |list: &[super::config::Named]| {
            role_ids.iter().any(|r| list.iter().any(|n| matches!(n, super::config::Named::Id(i) if *i == r.get())))
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
            Err(e) if super::sink::status_of(&e).is_some_and(|(_, c)| c == 10007) => Vec::new(), // Unknown Member: not in the guild
            Err(e) => {
                tracing::debug!(user, error = %e, "member lookup failed; using the cache");
                ctx.cache.guild(guild).and_then(|g| g.members.get(&UserId::new(user)).map(|m| m.roles.clone()))?
            }
        };
        Some(self.roles_of(ctx, &ids))
    }

    async fn handle(&self, event: Event, dedupe: &str) -> bool {
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

    async fn roles_changed(&self, user: u64, roles: Roles) {
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

    async fn on_message(&self, ctx: &Context, msg: &Message) {
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
        if let Some((s, c)) = super::sink::status_of(&e) {
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

    /// A reaction added or removed on one of our messages. The last state seen per user
    /// and emoji makes a redelivered event (or one read back after a reconnect) count once.
    /// With `stands_in: Some(channel)` (a gateway add/remove event) the direction is not
    /// taken from the event but read from Discord under the message's lock: events for
    /// one message run in tasks of their own and may be handled out of order, while
    /// Discord's list of reactors is how the reactions stand now.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn on_reaction(
        &self,
        ctx: &Context,
        message_id: u64,
        user: u64,
        emoji: &str,
        added: bool,
        roles: Option<Roles>,
        stands_in: Option<u64>,
    ) {
        if user == self.bot_id.load(Ordering::SeqCst) {
            return;
        }
        // One reaction at a time per message: the last-seen state below is read and
        // written under it, so an add and a remove arriving together both count, in order.
        let lock = self.reaction_lock(message_id);
        let _one = lock.lock().await;
        let Ok(Some(row)) = self.map.message_by_id(message_id).await else { return };
        // The instant of the observation: the engine applies a voter's observations newest
        // first, so one handled late (here after a lock wait, or by another instance)
        // never undoes a newer one.
        let seen = self.clock.now().timestamp_micros();
        let added = match stands_in {
            Some(channel) => match self.reactors(ctx, channel, message_id, emoji).await {
                Some(users) => users.contains(&user),
                None => added,
            },
            None => added,
        };
        let (present, toggles) = self.map.reaction(message_id, user, emoji).await.ok().flatten().unwrap_or((false, 0));
        // The last state seen here is only a hint (another instance may have applied a
        // newer one): a gateway event always goes to the engine, whose stored vote decides.
        if present == added && stands_in.is_none() {
            return;
        }
        let roles = match roles {
            Some(r) => r,
            None => match self.roles_by_id(ctx, user).await {
                Some(r) => r,
                None => {
                    // Never marked seen without knowing who reacted: read again later.
                    tracing::warn!(
                        user,
                        message = message_id,
                        "roles unknown; the reaction is read again after the next reconnect"
                    );
                    return;
                }
            },
        };
        let n = if present == added { toggles } else { toggles + 1 };
        let actor = Actor { id: PdUserId::new(user.to_string()), roles: Some(roles) };
        let event = Event::ReactionSeen {
            actor,
            emoji: emoji.to_string(),
            target: ReactTarget::Message(row.message_ref.clone()),
            present: added,
            seen,
        };
        // Idempotent through the stored vote (an observation not newer than the stored
        // one changes nothing); the key only names the event in logs.
        if self.handle(event, &format!("discord:reaction:{message_id}:{user}:{emoji}:@{seen}")).await {
            if let Err(e) = self.map.set_reaction(message_id, user, emoji, added, n).await {
                tracing::error!(error = %e, "could not record a reaction");
            }
        }
        self.wake();
    }

    /// Who has reacted `emoji` on a message, as Discord has it now (all pages of
    /// https://discord.com/developers/docs/resources/message#get-reactions); `None` when
    /// Discord cannot be asked.
    pub(crate) async fn reactors(&self, ctx: &Context, channel: u64, message: u64, emoji: &str) -> Option<Vec<u64>> {
        let kind = ReactionType::try_from(emoji).unwrap_or_else(|_| ReactionType::Unicode(emoji.to_string()));
        let mut users = Vec::new();
        let mut after = None;
        loop {
            let page = match ctx.http.get_reaction_users(channel.into(), message.into(), &kind, 100, after).await {
                Ok(p) => p,
                Err(e) => {
                    tracing::warn!(message, error = %e, "cannot read reactions back");
                    return None;
                }
            };
            let n = page.len();
            after = page.last().map(|u| u.id.get());
            users.extend(page.into_iter().filter(|u| !u.bot).map(|u| u.id.get()));
            if n < 100 {
                return Some(users);
            }
        }
    }

    /// MESSAGE_REACTION_REMOVE_ALL / _REMOVE_EMOJI: every vote (or every vote with that
    /// emoji) on the message as last seen is withdrawn, one by one.
    pub(crate) async fn on_reactions_cleared(&self, ctx: &Context, message_id: u64, emoji: Option<&ReactionType>) {
        let cfg = self.engine.config();
        let all: Vec<String> = cfg.approve_emojis.iter().chain(&cfg.reject_emojis).cloned().collect();
        let emojis: Vec<String> = match emoji {
            Some(e) => vote_emoji(all.iter(), e).into_iter().collect(),
            None => all,
        };
        for e in emojis {
            for u in self.map.present_reactors(message_id, &e).await.unwrap_or_default() {
                self.on_reaction(ctx, message_id, u, &e, false, None, None).await;
            }
        }
    }

    async fn on_reaction_event(&self, ctx: &Context, r: &Reaction, added: bool) {
        if r.guild_id.is_some_and(|g| g.get() != self.cfg.guild_id) {
            return;
        }
        let cfg = self.engine.config();
        let known = vote_emoji(cfg.approve_emojis.iter().chain(&cfg.reject_emojis), &r.emoji);
        let (Some(user), Some(emoji)) = (r.user_id, known.or_else(|| emoji_name(&r.emoji))) else { return };
        let roles = r.member.as_ref().map(|m| self.roles_of(ctx, &m.roles));
        self.on_reaction(ctx, r.message_id.get(), user.get(), &emoji, added, roles, Some(r.channel_id.get())).await;
    }

    /// After a restart or reconnect: the reactions on open approval messages as Discord
    /// has them now, applied once (adds and removals made while we were away).
    pub(crate) async fn catch_up(&self, ctx: &Context) {
        let rows = match self.map.open_approvals().await {
            Ok(r) => r,
            Err(e) => return tracing::error!(error = %e, "cannot read open approvals"),
        };
        let emojis: Vec<String> =
            self.engine.config().approve_emojis.iter().chain(&self.engine.config().reject_emojis).cloned().collect();
        for row in rows {
            for emoji in &emojis {
                let Some(users) = self.reactors(ctx, row.channel_id, row.message_id, emoji).await else { continue };
                for u in &users {
                    self.on_reaction(ctx, row.message_id, *u, emoji, true, None, None).await;
                }
                for u in self.map.present_reactors(row.message_id, emoji).await.unwrap_or_default() {
                    if !users.contains(&u) {
                        self.on_reaction(ctx, row.message_id, u, emoji, false, None, None).await;
                    }
                }
            }
        }
    }

    async fn respond(&self, ctx: &Context, i: &CommandInteraction, body: serde_json::Value) {
        if let Err(e) = ctx.http.create_interaction_response(i.id, &i.token, &body, vec![]).await {
            tracing::warn!(error = %e, "interaction response failed");
        }
    }

    async fn on_command(&self, ctx: &Context, i: &CommandInteraction) {
        let inv = invocation(&i.data.name, &i.data.options);
        if commands::is_instant(&inv) {
            let text = format!("Commands:\n{}", crate::app::command::usage());
            return self.respond(ctx, i, json!({"type": 4, "data": {"content": text, "flags": 64}})).await;
        }
        let text = match commands::to_text(&inv) {
            Ok(t) => t,
            Err(e) => {
                return self
                    .respond(ctx, i, json!({"type": 4, "data": {"content": format!("⛔ {e}"), "flags": 64}}))
                    .await
            }
        };
        // Anything that touches the store may outlast the 3-second deadline: defer
        // (ephemeral), then edit the answer in.
        self.respond(ctx, i, json!({"type": 5, "data": {"flags": 64}})).await;
        let key = Destination::Interaction(i.id.to_string()).to_string();
        let user = i.user.id.get();
        if let Err(e) =
            self.map.put_interaction(&key, &i.token, i.channel_id.get(), &user.to_string(), self.clock.now()).await
        {
            tracing::error!(error = %e, "cannot record an interaction");
        }
        let roles = match &i.member {
            Some(m) => self.roles_of(ctx, &m.roles),
            None => self.roles_by_id(ctx, user).await.unwrap_or(Roles::CUSTOMER),
        };
        let actor = Actor { id: PdUserId::new(user.to_string()), roles: Some(roles) };
        let ok = self
            .handle(Event::Message { actor, text, channel: key.clone() }, &format!("discord:interaction:{}", i.id))
            .await;
        // The answer goes out through the outbox: wait (bounded) for it to be delivered.
        self.wake();
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(8);
        let (answered, pending, dead) = loop {
            let answered = self.map.interaction(&key).await.ok().flatten().is_some_and(|r| r.answered);
            let (pending, dead) = self.map.outbox_for(&key).await.unwrap_or((0, 0));
            if answered || pending == 0 || tokio::time::Instant::now() > deadline {
                break (answered, pending, dead);
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        };
        if !answered {
            let content = if !ok {
                "⛔ Something went wrong on our side; nothing was changed. Try again in a moment."
            } else if dead > 0 {
                "⚠️ Your command was handled, but Discord refused the answer; staff have been told."
            } else if pending > 0 {
                "⚠️ Your command was handled, but Discord has not accepted the answer yet; it will follow, and staff are told if it cannot be delivered."
            } else {
                "Done."
            };
            if let Err(e) =
                ctx.http.edit_original_interaction_response(&i.token, &json!({"content": content}), vec![]).await
            {
                tracing::warn!(error = %e, "interaction answer failed");
            }
        }
    }

    async fn on_autocomplete(&self, ctx: &Context, i: &CommandInteraction) {
        let typed = invocation(&i.data.name, &i.data.options)
            .options
            .iter()
            .find(|(n, _)| n == "case" || n == "target")
            .and_then(|(_, v)| match v {
                Opt::Text(s) => Some(s.to_uppercase()),
                _ => None,
            })
            .unwrap_or_default();
        let roles = match &i.member {
            Some(m) => self.roles_of(ctx, &m.roles),
            None => Roles::CUSTOMER,
        };
        let me = i.user.id.get().to_string();
        let own = (!roles.is_staff()).then_some(me.as_str());
        let cases = self.map.open_cases(own, 200).await.unwrap_or_default();
        let choices: Vec<_> = cases
            .iter()
            .filter_map(|c| u32::try_from(c.number).ok().and_then(CaseNumber::new).map(|n| (n.to_string(), c)))
            .filter(|(n, _)| typed.is_empty() || n.contains(&typed))
            .take(25)
            .map(|(n, c)| json!({"name": format!("{n} · {} · {}", c.status.replace('_', " "), c.intent.replace('_', " ")), "value": n}))
            .collect();
        self.respond(ctx, i, json!({"type": 8, "data": {"choices": choices}})).await;
    }
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        let s = &self.0;
        s.bot_id.store(ready.user.id.get(), Ordering::SeqCst);
        ctx.http.set_application_id(ready.application.id);
        tracing::info!(user = %ready.user.name, shard = ?ready.shard, "connected to Discord");
        // Commands are registered by the shard that carries the guild.
        let total = ready.shard.map_or(1, |s| s.total);
        let mine = ready.shard.is_none_or(|sh| sh.id.0 == super::config::Shards::of_guild(s.cfg.guild_id, total));
        if mine {
            if let Err(e) = ctx.http.create_guild_commands(GuildId::new(s.cfg.guild_id), &commands::definitions()).await
            {
                tracing::error!(error = %e, "cannot register the slash commands");
            }
        }
        // Channel names are resolved before anything is read or sent (GUILD_CREATE may
        // arrive later than the first messages).
        if s.places.has_names() {
            match ctx.http.get_channels(GuildId::new(s.cfg.guild_id)).await {
                Ok(chs) => s.places.resolve(chs.into_iter().map(|c| (c.id.get(), c.name))),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot list the guild's channels; waiting for the guild to arrive")
                }
            }
        }
        if s.sessions.fetch_add(1, Ordering::SeqCst) > 0 {
            s.metrics.reconnects.fetch_add(1, Ordering::Relaxed);
        }
        s.ready.store(true, Ordering::SeqCst);
        // The reactions are read back once the configured guild has arrived
        // (GUILD_CREATE comes after READY: https://discord.com/developers/docs/topics/gateway#tracking-state).
        s.catch_up_due.store(mine, Ordering::SeqCst);
        s.wake();
    }

    /// `/readyz` says ready only while a shard is connected now.
    async fn shard_stage_update(&self, _ctx: Context, ev: serenity::all::ShardStageUpdateEvent) {
        let up = matches!(ev.new, serenity::all::ConnectionStage::Connected);
        if !self.0.stopping.load(Ordering::SeqCst) {
            self.0.ready.store(up, Ordering::SeqCst);
        }
        if !up {
            tracing::warn!(shard = ?ev.shard_id, stage = ?ev.new, "Discord shard not connected");
        }
    }

    async fn resume(&self, ctx: Context, _: ResumedEvent) {
        tracing::info!("session resumed; reading back reactions");
        self.0.metrics.reconnects.fetch_add(1, Ordering::Relaxed);
        self.0.ready.store(true, Ordering::SeqCst);
        self.0.catch_up(&ctx).await;
        self.0.wake();
    }

    async fn guild_create(&self, ctx: Context, guild: Guild, _is_new: Option<bool>) {
        if guild.id.get() == self.0.cfg.guild_id {
            self.0.places.resolve(guild.channels.values().map(|c| (c.id.get(), c.name.clone())));
            if self.0.catch_up_due.swap(false, Ordering::SeqCst) {
                self.0.catch_up(&ctx).await;
                self.0.backfill(&ctx).await;
                self.0.wake();
            }
        }
    }

    async fn guild_member_update(
        &self,
        ctx: Context,
        _old: Option<Member>,
        _new: Option<Member>,
        event: GuildMemberUpdateEvent,
    ) {
        if event.guild_id.get() != self.0.cfg.guild_id {
            return;
        }
        // Roles are stored as they change, so an approval from a lead who was demoted
        // meanwhile no longer counts when quorum is re-checked.
        let roles = self.0.roles_of(&ctx, &event.roles);
        self.0.roles_changed(event.user.id.get(), roles).await;
    }

    async fn guild_member_removal(
        &self,
        _ctx: Context,
        guild_id: GuildId,
        user: serenity::all::User,
        _member: Option<Member>,
    ) {
        if guild_id.get() == self.0.cfg.guild_id {
            self.0.roles_changed(user.id.get(), Roles::CUSTOMER).await;
        }
    }

    async fn message(&self, ctx: Context, msg: Message) {
        self.0.on_message(&ctx, &msg).await;
    }

    async fn reaction_add(&self, ctx: Context, r: Reaction) {
        self.0.on_reaction_event(&ctx, &r, true).await;
    }

    async fn reaction_remove(&self, ctx: Context, r: Reaction) {
        self.0.on_reaction_event(&ctx, &r, false).await;
    }

    async fn reaction_remove_all(
        &self,
        ctx: Context,
        _channel: serenity::all::ChannelId,
        message: serenity::all::MessageId,
    ) {
        self.0.on_reactions_cleared(&ctx, message.get(), None).await;
    }

    async fn reaction_remove_emoji(&self, ctx: Context, r: Reaction) {
        if r.guild_id.is_some_and(|g| g.get() != self.0.cfg.guild_id) {
            return;
        }
        self.0.on_reactions_cleared(&ctx, r.message_id.get(), Some(&r.emoji)).await;
    }

    async fn message_update(
        &self,
        ctx: Context,
        _old: Option<Message>,
        _new: Option<Message>,
        event: serenity::all::MessageUpdateEvent,
    ) {
        self.0.on_edit(&ctx, &event).await;
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        match &interaction {
            Interaction::Command(i) if i.guild_id.is_none_or(|g| g.get() == self.0.cfg.guild_id) => {
                self.0.on_command(&ctx, i).await
            }
            Interaction::Autocomplete(i) => self.0.on_autocomplete(&ctx, i).await,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serenity::all::EmojiId;

    #[test]
    fn votes_match_without_variation_selector_or_skin_tone_and_custom_emoji_by_id() {
        let cfg = ["✔️".to_string(), "👍".to_string(), "<:approve:123456789012345678>".to_string()];
        let v = |e: ReactionType| vote_emoji(cfg.iter(), &e);
        assert_eq!(v(ReactionType::Unicode("✔".into())).as_deref(), Some("✔️"));
        assert_eq!(v(ReactionType::Unicode("✔️".into())).as_deref(), Some("✔️"));
        assert_eq!(v(ReactionType::Unicode("👍🏽".into())).as_deref(), Some("👍"));
        assert_eq!(v(ReactionType::Unicode("👎".into())), None);
        let custom = |id: u64, name: &str| ReactionType::Custom {
            animated: false,
            id: EmojiId::new(id),
            name: Some(name.into()),
        };
        assert_eq!(v(custom(123456789012345678, "renamed")).as_deref(), Some("<:approve:123456789012345678>"));
        assert_eq!(v(custom(999, "approve")), None, "a custom emoji with the same name but another id is no vote");
    }
}
