//! Unit tests of the startup checks and the HTTP client.

use serenity::all::Permissions as P;

#[test]
fn the_invite_permissions_are_the_ones_the_readme_lists() {
    let p = P::VIEW_CHANNEL
        | P::SEND_MESSAGES
        | P::SEND_MESSAGES_IN_THREADS
        | P::CREATE_PRIVATE_THREADS
        | P::MANAGE_THREADS
        | P::MANAGE_MESSAGES
        | P::ADD_REACTIONS
        | P::READ_MESSAGE_HISTORY
        | P::EMBED_LINKS
        | P::USE_APPLICATION_COMMANDS;
    assert_eq!(p.bits(), super::INVITE_PERMISSIONS);
}

fn cfg(api_base: &str) -> super::DiscordConfig {
    let text =
        format!("guild_id = \"1\"\nsupport_channels = [\"2\"]\napprovals_channel = \"3\"\nlead_roles = [\"4\"]\napi_base = \"{api_base}\"\n");
    super::DiscordConfig::from_toml(&toml::from_str(&text).unwrap(), "test").unwrap()
}

#[test]
fn permissions_follow_discords_overwrite_order() {
    use serenity::all::{PermissionOverwrite, PermissionOverwriteType as T, Permissions as P, Role, RoleId, UserId};
    let role = |id: u64, p: P| {
        let mut v = serde_json::json!({"id": id.to_string(), "name": "r", "color": 0, "colors": {"primary_color": 0}, "hoist": false,
            "managed": false, "mentionable": false, "permissions": "0", "position": 1, "flags": 0});
        v["permissions"] = serde_json::json!(p.bits().to_string());
        serde_json::from_value::<Role>(v).unwrap()
    };
    let (guild, bot_role, user) = (1u64, 2u64, 9u64);
    let roles = vec![role(guild, P::VIEW_CHANNEL | P::SEND_MESSAGES), role(bot_role, P::MANAGE_MESSAGES)];
    let all = super::permissions_in(guild, &roles, &[bot_role], user, &[]);
    assert!(all.contains(P::SEND_MESSAGES | P::MANAGE_MESSAGES));
    // @everyone denied Send in the channel, the bot's role allowed it back; the member
    // overwrite denies Manage Messages.
    let ow = vec![
        PermissionOverwrite { allow: P::empty(), deny: P::SEND_MESSAGES, kind: T::Role(RoleId::new(guild)) },
        PermissionOverwrite { allow: P::SEND_MESSAGES, deny: P::empty(), kind: T::Role(RoleId::new(bot_role)) },
        PermissionOverwrite { allow: P::empty(), deny: P::MANAGE_MESSAGES, kind: T::Member(UserId::new(user)) },
    ];
    let p = super::permissions_in(guild, &roles, &[bot_role], user, &ow);
    assert!(p.contains(P::SEND_MESSAGES));
    assert!(!p.contains(P::MANAGE_MESSAGES));
    let admin = vec![role(guild, P::empty()), role(bot_role, P::ADMINISTRATOR)];
    assert_eq!(super::permissions_in(guild, &admin, &[bot_role], user, &ow), P::all());
}

#[test]
fn the_ratelimiter_is_on_for_discord_and_any_remote_base_off_only_for_loopback() {
    let token = crate::config::Secret::new("t");
    for (base, on) in [
        (super::config::DEFAULT_API_BASE, true),
        ("https://discord-proxy.example.com", true),
        ("http://10.0.0.5:8080", true),
        ("http://127.0.0.1:3000", false),
        ("http://localhost:3000", false),
        ("http://[::1]:3000", false),
    ] {
        let http = super::http_client(&cfg(base), &token).unwrap();
        assert_eq!(http.ratelimiter.is_some(), on, "{base}");
    }
}
