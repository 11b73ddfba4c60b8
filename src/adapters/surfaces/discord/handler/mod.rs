//! The serenity event handler: Discord events in, engine events out. It only translates:
//! who spoke (and their roles, read from the member on every event), what they said or
//! reacted, and the platform id that makes a redelivered event change nothing.
//!
//! `mod.rs`: serenity's handlers, dispatching; `messages.rs` (messages, edits, roles, the
//! read-back after a reconnect), `reactions.rs` (votes), `interactions.rs` (slash commands).

mod interactions;
mod messages;
mod reactions;
#[cfg(test)]
mod tests;

pub use interactions::invocation;
pub use reactions::{bare_emoji, emoji_name, vote_emoji};

use super::commands;
use super::Shared;
use crate::domain::roles::Roles;
use serenity::all::{
    Context, EventHandler, GuildId, GuildMemberUpdateEvent, Interaction, Member, Message, Reaction, ReactionType,
    Ready, ResumedEvent,
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
