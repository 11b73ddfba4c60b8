//! The startup checks, each refusing to start with what is wrong in words: the configured
//! channels resolve, role names resolve to ids, and what the bot lacks in permissions.

use super::config::{DiscordConfig, Named};
use super::{sink, Places};
use anyhow::{anyhow, Context as _, Result};

/// The startup check: the configured support and approvals channels exist in the guild
/// (asked of Discord's REST API, `GET /guilds/{guild.id}/channels`,
/// <https://discord.com/developers/docs/resources/guild#get-guild-channels>), each name
/// matching exactly one channel. Refuses to start otherwise, naming what is missing; a 401
/// says the token is refused.
pub async fn check_places(http: &serenity::http::Http, cfg: &DiscordConfig, places: &Places) -> Result<()> {
    let channels = match http.get_channels(serenity::all::GuildId::new(cfg.guild_id)).await {
        Ok(c) => c,
        Err(e) if sink::status_of(&e).is_some_and(|(s, _)| s == 401) => {
            return Err(anyhow!("Discord refused the bot token (401 Unauthorized): check PAYDESK_DISCORD_TOKEN"))
        }
        Err(e) => return Err(anyhow!("cannot list the channels of guild {}: {e}", cfg.guild_id)),
    };
    let list: Vec<(u64, String)> = channels.into_iter().map(|c| (c.id.get(), c.name)).collect();
    let mut missing = Vec::new();
    for (what, n) in cfg
        .support_channels
        .iter()
        .map(|n| ("support channel", n))
        .chain(std::iter::once(("approvals channel", &cfg.approvals_channel)))
    {
        let found = list.iter().filter(|(id, name)| n.matches(*id, Some(name))).count();
        match found {
            1 => {}
            0 => missing.push(format!("the {what} {n} does not exist in guild {}", cfg.guild_id)),
            k => missing.push(format!("the {what} {n} names {k} channels; configure it by id")),
        }
    }
    if !missing.is_empty() {
        return Err(anyhow!("[discord] channels do not resolve: {}", missing.join("; ")));
    }
    places.resolve(list.into_iter());
    Ok(())
}

/// What the bot needs in a support channel (with its case threads) and in the approvals
/// channel (<https://discord.com/developers/docs/topics/permissions#permissions-bitwise-permission-flags>).
pub fn needed_in_support() -> serenity::all::Permissions {
    use serenity::all::Permissions as P;
    P::VIEW_CHANNEL
        | P::SEND_MESSAGES
        | P::SEND_MESSAGES_IN_THREADS
        | P::CREATE_PRIVATE_THREADS
        | P::MANAGE_THREADS
        | P::MANAGE_MESSAGES
        | P::READ_MESSAGE_HISTORY
}

pub fn needed_in_approvals() -> serenity::all::Permissions {
    use serenity::all::Permissions as P;
    P::VIEW_CHANNEL | P::SEND_MESSAGES | P::EMBED_LINKS | P::ADD_REACTIONS | P::READ_MESSAGE_HISTORY
}

/// The bot's permissions in a channel, computed as Discord documents
/// (<https://discord.com/developers/docs/topics/permissions#permission-overwrites>): the
/// guild's @everyone role and the member's roles, Administrator grants all, then the
/// channel's @everyone overwrite, the role overwrites together, the member's overwrite.
pub fn permissions_in(
    guild_id: u64,
    roles: &[serenity::all::Role],
    member_roles: &[u64],
    user: u64,
    overwrites: &[serenity::all::PermissionOverwrite],
) -> serenity::all::Permissions {
    use serenity::all::{PermissionOverwriteType as T, Permissions as P};
    let mut base = P::empty();
    for r in roles {
        if r.id.get() == guild_id || member_roles.contains(&r.id.get()) {
            base |= r.permissions;
        }
    }
    if base.contains(P::ADMINISTRATOR) {
        return P::all();
    }
    let mut p = base;
    for o in overwrites {
        if matches!(o.kind, T::Role(r) if r.get() == guild_id) {
            p = (p & !o.deny) | o.allow;
        }
    }
    let (mut allow, mut deny) = (P::empty(), P::empty());
    for o in overwrites {
        if matches!(o.kind, T::Role(r) if r.get() != guild_id && member_roles.contains(&r.get())) {
            allow |= o.allow;
            deny |= o.deny;
        }
    }
    p = (p & !deny) | allow;
    for o in overwrites {
        if matches!(o.kind, T::Member(u) if u.get() == user) {
            p = (p & !o.deny) | o.allow;
        }
    }
    p
}

/// The startup permissions check: what the bot lacks in each support channel and the
/// approvals channel, in words (empty when nothing is missing).
pub async fn missing_permissions(
    http: &serenity::http::Http,
    cfg: &DiscordConfig,
    places: &Places,
) -> Result<Vec<String>> {
    let guild = serenity::all::GuildId::new(cfg.guild_id);
    let me = http.get_current_user().await.context("cannot read the bot's own user")?;
    let member = http.get_member(guild, me.id).await.context("cannot read the bot's membership in the guild")?;
    let roles = http.get_guild_roles(guild).await.context("cannot list the guild's roles")?;
    let channels = http.get_channels(guild).await.context("cannot list the guild's channels")?;
    let member_roles: Vec<u64> = member.roles.iter().map(|r| r.get()).collect();
    let mut out = Vec::new();
    let approvals = places.approvals().ok();
    for c in &channels {
        let need = if places.is_support(c.id.get()) {
            needed_in_support()
        } else if Some(c.id.get()) == approvals {
            needed_in_approvals()
        } else {
            continue;
        };
        let have = permissions_in(cfg.guild_id, &roles, &member_roles, me.id.get(), &c.permission_overwrites);
        let lacking = need - have;
        if !lacking.is_empty() {
            out.push(format!("#{} ({}) lacks {}", c.name, c.id, lacking.get_permission_names().join(", ")));
        }
    }
    Ok(out)
}

/// Role names are not unique on Discord (anyone with Manage Roles can make another
/// "Support Lead"): configured names are resolved to ids once, at startup, through
/// `GET /guilds/{guild.id}/roles` (<https://discord.com/developers/docs/resources/guild#get-guild-roles>);
/// a missing or ambiguous name refuses to start. From then on roles match by id only.
pub async fn resolve_roles(http: &serenity::http::Http, mut cfg: DiscordConfig) -> Result<DiscordConfig> {
    if !cfg.agent_roles.iter().chain(&cfg.lead_roles).any(|n| matches!(n, Named::Name(_))) {
        return Ok(cfg);
    }
    let roles =
        http.get_guild_roles(serenity::all::GuildId::new(cfg.guild_id)).await.map_err(|e| {
            match sink::status_of(&e) {
                Some((401, _)) => {
                    anyhow!("Discord refused the bot token (401 Unauthorized): check PAYDESK_DISCORD_TOKEN")
                }
                _ => anyhow!("cannot list the roles of guild {}: {e}", cfg.guild_id),
            }
        })?;
    let mut problems = Vec::new();
    let mut resolve = |list: &[Named], what: &str| -> Vec<Named> {
        list.iter()
            .filter_map(|n| match n {
                Named::Id(_) => Some(n.clone()),
                Named::Name(_) => {
                    let hits: Vec<u64> =
                        roles.iter().filter(|r| n.matches(r.id.get(), Some(&r.name))).map(|r| r.id.get()).collect();
                    match hits.as_slice() {
                        [one] => Some(Named::Id(*one)),
                        [] => {
                            problems.push(format!("no role {n} in guild {} ({what})", cfg.guild_id));
                            None
                        }
                        many => {
                            let ids: Vec<String> = many.iter().map(|i| i.to_string()).collect();
                            problems.push(format!(
                                "{} roles are named {n} ({what}: ids {}); configure the role by id",
                                many.len(),
                                ids.join(", ")
                            ));
                            None
                        }
                    }
                }
            })
            .collect()
    };
    let agent = resolve(&cfg.agent_roles, "agent_roles");
    let lead = resolve(&cfg.lead_roles, "lead_roles");
    if !problems.is_empty() {
        return Err(anyhow!("[discord] roles do not resolve: {}", problems.join("; ")));
    }
    tracing::info!(?agent, ?lead, "staff roles resolved to ids");
    cfg.agent_roles = agent;
    cfg.lead_roles = lead;
    Ok(cfg)
}
