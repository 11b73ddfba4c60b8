//! Discord payloads as the fake sends them. Each one has a test (`discord_fixtures.rs`)
//! that it deserializes into serenity's model type: serenity drops a bad dispatch with
//! only a log line, so a fixture that silently fails would make a test prove nothing.

use serde_json::{json, Value};

pub const GUILD: u64 = 81_000_000_000_000_000;
pub const SUPPORT: u64 = 82_000_000_000_000_001;
pub const APPROVALS: u64 = 82_000_000_000_000_002;
pub const OTHER_CHANNEL: u64 = 82_000_000_000_000_003;
pub const BOT: u64 = 83_000_000_000_000_000;
pub const APP: u64 = 83_000_000_000_000_001;
pub const AGENT_ROLE: u64 = 84_000_000_000_000_001;
pub const LEAD_ROLE: u64 = 84_000_000_000_000_002;
pub const ANA: u64 = 85_000_000_000_000_001; // customer, acct-1
pub const BO: u64 = 85_000_000_000_000_002; // agent
pub const KIM: u64 = 85_000_000_000_000_003; // lead
pub const MAX: u64 = 85_000_000_000_000_004; // lead
pub const CUS: u64 = 85_000_000_000_000_005; // customer, acct-2

pub const TIMESTAMP: &str = "2026-05-01T10:00:00.000000+00:00";

pub fn user(id: u64, name: &str, bot: bool) -> Value {
    json!({"id": id.to_string(), "username": name, "discriminator": "0", "global_name": name, "avatar": null, "bot": bot})
}

pub fn name_of(id: u64) -> &'static str {
    match id {
        ANA => "ana",
        BO => "bo",
        KIM => "kim",
        MAX => "max",
        CUS => "cus",
        BOT => "paydesk",
        _ => "someone",
    }
}

/// A member without its user (message and reaction events carry it so).
pub fn partial_member(roles: &[u64]) -> Value {
    json!({"roles": roles.iter().map(|r| r.to_string()).collect::<Vec<_>>(), "joined_at": TIMESTAMP, "deaf": false, "mute": false, "flags": 0})
}

pub fn member(user_id: u64, roles: &[u64]) -> Value {
    let mut m = partial_member(roles);
    m["user"] = user(user_id, name_of(user_id), user_id == BOT);
    m
}

pub fn role(id: u64, name: &str, permissions: u64) -> Value {
    json!({"id": id.to_string(), "name": name, "color": 0, "colors": {"primary_color": 0}, "hoist": false, "managed": false,
        "mentionable": false, "permissions": permissions.to_string(), "position": 1, "flags": 0})
}

pub fn text_channel(id: u64, name: &str) -> Value {
    json!({"id": id.to_string(), "type": 0, "guild_id": GUILD.to_string(), "name": name, "position": 0, "permission_overwrites": [], "nsfw": false})
}

pub fn thread_channel(id: u64, parent: u64, name: &str) -> Value {
    json!({"id": id.to_string(), "type": 12, "guild_id": GUILD.to_string(), "parent_id": parent.to_string(), "name": name,
        "owner_id": BOT.to_string(), "thread_metadata": {"archived": false, "auto_archive_duration": 10080, "archive_timestamp": TIMESTAMP, "locked": false, "invitable": false},
        "member_count": 1, "message_count": 0, "permission_overwrites": [], "nsfw": false})
}

pub fn private_channel(id: u64, recipient: u64) -> Value {
    json!({"id": id.to_string(), "type": 1, "recipients": [user(recipient, name_of(recipient), false)], "last_message_id": null})
}

pub fn ready(session: &str, resume_url: &str) -> Value {
    json!({
        "v": 10,
        "user": user(BOT, "paydesk", true),
        "guilds": [{"id": GUILD.to_string(), "unavailable": true}],
        "session_id": session,
        "resume_gateway_url": resume_url,
        "application": {"id": APP.to_string(), "flags": 0},
        "private_channels": [],
    })
}

/// Every permission but Administrator (1 << 3) for @everyone: the bot may send, react,
/// manage threads and messages, and channel overwrites still apply
/// (https://discord.com/developers/docs/topics/permissions#permissions-bitwise-permission-flags).
pub fn guild_create() -> Value {
    let members: Vec<Value> = [
        (ANA, vec![]),
        (CUS, vec![]),
        (BO, vec![AGENT_ROLE]),
        (KIM, vec![LEAD_ROLE]),
        (MAX, vec![LEAD_ROLE]),
        (BOT, vec![]),
    ]
    .iter()
    .map(|(u, r)| member(*u, r))
    .collect();
    json!({
        "id": GUILD.to_string(), "name": "Test Co", "icon": null, "owner_id": KIM.to_string(), "afk_timeout": 300,
        "verification_level": 0, "default_message_notifications": 0, "explicit_content_filter": 0,
        "roles": [role(GUILD, "@everyone", 0x1FF_FFFF_FFFF & !0x8), role(AGENT_ROLE, "Support Agent", 0), role(LEAD_ROLE, "Leads", 0)],
        "emojis": [], "features": [], "mfa_level": 0, "application_id": null, "system_channel_id": null, "system_channel_flags": 0,
        "rules_channel_id": null, "premium_tier": 0, "preferred_locale": "en-US", "public_updates_channel_id": null, "nsfw_level": 0,
        "stickers": [], "premium_progress_bar_enabled": false, "joined_at": TIMESTAMP, "large": false, "member_count": members.len(),
        "members": members, "voice_states": [], "presences": [], "stage_instances": [], "guild_scheduled_events": [],
        "threads": [], "channels": [text_channel(SUPPORT, "support"), text_channel(APPROVALS, "approvals"), text_channel(OTHER_CHANNEL, "general")],
    })
}

/// A message as Discord returns and dispatches it.
pub fn message(id: u64, channel: u64, author: u64, content: &str, embeds: Value) -> Value {
    json!({
        "id": id.to_string(), "channel_id": channel.to_string(), "author": user(author, name_of(author), author == BOT),
        "content": content, "timestamp": TIMESTAMP, "edited_timestamp": null, "tts": false, "mention_everyone": false,
        "mentions": [], "mention_roles": [], "attachments": [], "embeds": embeds, "pinned": false, "type": 0,
    })
}

/// MESSAGE_CREATE from a member in the guild (`Some(roles)`) or a DM (`None`).
pub fn message_create(id: u64, channel: u64, author: u64, content: &str, roles: Option<&[u64]>) -> Value {
    let mut m = message(id, channel, author, content, json!([]));
    if let Some(r) = roles {
        m["guild_id"] = json!(GUILD.to_string());
        m["member"] = partial_member(r);
    }
    m
}

/// MESSAGE_REACTION_ADD (with the member) or _REMOVE (without).
pub fn reaction(channel: u64, message: u64, user_id: u64, emoji: &str, roles: Option<&[u64]>) -> Value {
    let mut r = json!({
        "user_id": user_id.to_string(), "channel_id": channel.to_string(), "message_id": message.to_string(),
        "guild_id": GUILD.to_string(), "emoji": {"id": null, "name": emoji}, "burst": false, "type": 0,
    });
    if let Some(roles) = roles {
        r["member"] = member(user_id, roles);
    }
    r
}

/// INTERACTION_CREATE: a slash command (type 2) or its autocomplete (type 4).
pub fn interaction(kind: u8, id: u64, user_id: u64, roles: &[u64], name: &str, options: Value) -> Value {
    json!({
        "id": id.to_string(), "application_id": APP.to_string(), "type": kind,
        "data": {"id": "86000000000000001", "name": name, "type": 1, "options": options},
        "guild_id": GUILD.to_string(), "channel_id": SUPPORT.to_string(),
        "channel": {"id": SUPPORT.to_string(), "type": 0},
        "member": {"user": user(user_id, name_of(user_id), false), "roles": roles.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
            "joined_at": TIMESTAMP, "deaf": false, "mute": false, "flags": 0, "permissions": "2199023255551"},
        "token": format!("tok-{id}"), "version": 1, "locale": "en-US", "guild_locale": "en-US", "entitlements": [],
        "app_permissions": "2199023255551", "authorizing_integration_owners": {}, "attachment_size_limit": 8388608,
    })
}

/// The commands list Discord answers a bulk overwrite with.
pub fn commands_reply(defs: &Value) -> Value {
    let list: Vec<Value> = defs
        .as_array()
        .map(|a| {
            a.iter()
                .enumerate()
                .map(|(i, d)| {
                    let mut c = d.clone();
                    c["id"] = json!((87_000_000_000_000_000u64 + i as u64).to_string());
                    c["application_id"] = json!(APP.to_string());
                    c["guild_id"] = json!(GUILD.to_string());
                    c["version"] = json!("1");
                    c["default_member_permissions"] = json!(null);
                    c
                })
                .collect()
        })
        .unwrap_or_default();
    Value::Array(list)
}

/// MESSAGE_UPDATE: an edit, with the new content (Discord sends the full message for
/// edits: https://discord.com/developers/docs/topics/gateway-events#message-update).
pub fn message_update(id: u64, channel: u64, author: u64, content: &str, roles: &[u64]) -> Value {
    let mut m = message_create(id, channel, author, content, Some(roles));
    m["edited_timestamp"] = json!("2026-05-01T10:05:00.000000+00:00");
    m
}

/// MESSAGE_REACTION_REMOVE_ALL (https://discord.com/developers/docs/topics/gateway-events#message-reaction-remove-all).
pub fn reaction_remove_all(channel: u64, message: u64) -> Value {
    json!({"channel_id": channel.to_string(), "message_id": message.to_string(), "guild_id": GUILD.to_string()})
}

/// MESSAGE_REACTION_REMOVE_EMOJI (https://discord.com/developers/docs/topics/gateway-events#message-reaction-remove-emoji).
pub fn reaction_remove_emoji(channel: u64, message: u64, emoji: &str) -> Value {
    json!({"channel_id": channel.to_string(), "message_id": message.to_string(), "guild_id": GUILD.to_string(), "emoji": {"id": null, "name": emoji}})
}
