//! Reactions on our approval messages: read as they stand on Discord under a per-message lock
//! and handed to the engine as timed observations; REMOVE_ALL/REMOVE_EMOJI; the read-back of
//! open approvals after a reconnect.

use super::super::Shared;
use crate::app::engine::{Actor, Event, ReactTarget};
use crate::domain::ids::UserId as PdUserId;
use crate::domain::roles::Roles;
use serenity::all::{Context, Reaction, ReactionType};
use std::sync::atomic::Ordering;

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

impl Shared {
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

    pub(super) async fn on_reaction_event(&self, ctx: &Context, r: &Reaction, added: bool) {
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
}
