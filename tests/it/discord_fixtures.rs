//! Every payload the fake Discord sends deserializes into serenity's model: serenity drops
//! a dispatch that does not parse with only a log line, so these tests make sure the
//! end-to-end tests exercise what they claim to.

use crate::discord_fake::fixtures::*;
use serde_json::{json, Value};
use serenity::model::event::{Event, GatewayEvent};

fn dispatch(t: &str, d: Value) -> Event {
    let frame = json!({"op": 0, "s": 1, "t": t, "d": d}).to_string();
    match serde_json::from_str::<GatewayEvent>(&frame) {
        Ok(GatewayEvent::Dispatch(_, e)) => e,
        Ok(other) => panic!("{t}: not a dispatch: {other:?}"),
        Err(e) => panic!("{t} does not deserialize: {e}"),
    }
}

#[test]
fn ready_and_guild_create() {
    assert!(matches!(dispatch("READY", ready("s", "ws://127.0.0.1:1")), Event::Ready(_)));
    match dispatch("GUILD_CREATE", guild_create()) {
        Event::GuildCreate(g) => {
            assert_eq!(g.guild.channels.len(), 3);
            assert_eq!(g.guild.roles.len(), 3);
            assert_eq!(g.guild.members.len(), 6);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(dispatch("RESUMED", json!({})), Event::Resumed(_)));
}

#[test]
fn messages_in_the_guild_and_in_dms() {
    match dispatch("MESSAGE_CREATE", message_create(1, SUPPORT, ANA, "hi", Some(&[AGENT_ROLE]))) {
        Event::MessageCreate(m) => {
            assert_eq!(m.message.guild_id.map(|g| g.get()), Some(GUILD));
            assert_eq!(m.message.member.as_ref().unwrap().roles.len(), 1);
        }
        other => panic!("{other:?}"),
    }
    match dispatch("MESSAGE_CREATE", message_create(2, 77, ANA, "hi", None)) {
        Event::MessageCreate(m) => assert!(m.message.guild_id.is_none()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn reactions_added_and_removed() {
    match dispatch("MESSAGE_REACTION_ADD", reaction(APPROVALS, 5, KIM, "✅", Some(&[LEAD_ROLE]))) {
        Event::ReactionAdd(r) => assert_eq!(r.reaction.member.as_ref().unwrap().roles.len(), 1),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        dispatch("MESSAGE_REACTION_REMOVE", reaction(APPROVALS, 5, KIM, "✅", None)),
        Event::ReactionRemove(_)
    ));
}

#[test]
fn interactions_commands_and_autocomplete() {
    let opts = json!([{"name": "target", "type": 3, "value": "ch_1"}, {"name": "override", "type": 5, "value": true}]);
    match dispatch("INTERACTION_CREATE", interaction(2, 7, BO, &[AGENT_ROLE], "refund", opts)) {
        Event::InteractionCreate(i) => assert!(i.interaction.as_command().is_some()),
        other => panic!("{other:?}"),
    }
    let sub = json!([{"name": "show", "type": 1, "options": [{"name": "case", "type": 3, "value": "RF-000001"}]}]);
    assert!(matches!(
        dispatch("INTERACTION_CREATE", interaction(2, 8, ANA, &[], "ticket", sub)),
        Event::InteractionCreate(_)
    ));
    let user = json!([{"name": "user", "type": 6, "value": ANA.to_string()}, {"name": "account", "type": 3, "value": "acct-1"}]);
    assert!(matches!(
        dispatch("INTERACTION_CREATE", interaction(2, 9, BO, &[AGENT_ROLE], "link", user)),
        Event::InteractionCreate(_)
    ));
    let auto = json!([{"name": "case", "type": 3, "value": "RF-0", "focused": true}]);
    match dispatch("INTERACTION_CREATE", interaction(4, 10, ANA, &[], "approve", auto)) {
        Event::InteractionCreate(i) => assert!(i.interaction.as_autocomplete().is_some()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn rest_replies() {
    serde_json::from_value::<serenity::model::channel::Message>(message(1, SUPPORT, BOT, "x", json!([{"title": "t"}])))
        .unwrap();
    serde_json::from_value::<serenity::model::channel::GuildChannel>(thread_channel(3, SUPPORT, "RF-000001")).unwrap();
    serde_json::from_value::<serenity::model::channel::PrivateChannel>(private_channel(4, ANA)).unwrap();
    serde_json::from_value::<serenity::model::guild::Member>(member(KIM, &[LEAD_ROLE])).unwrap();
    serde_json::from_value::<Vec<serenity::model::user::User>>(json!([user(KIM, "kim", false)])).unwrap();
    let defs = paydesk::adapters::surfaces::discord::commands::definitions();
    let cmds = serde_json::from_value::<Vec<serenity::model::application::Command>>(commands_reply(&defs)).unwrap();
    assert_eq!(cmds.len(), defs.as_array().unwrap().len());
}

#[test]
fn edits_and_reactions_cleared() {
    match dispatch("MESSAGE_UPDATE", message_update(11, SUPPORT, ANA, "card 4111 1111 1111 1111", &[])) {
        Event::MessageUpdate(m) => {
            assert_eq!(m.content.as_deref(), Some("card 4111 1111 1111 1111"));
            assert_eq!(m.author.as_ref().map(|a| a.id.get()), Some(ANA));
        }
        other => panic!("{other:?}"),
    }
    match dispatch("MESSAGE_REACTION_REMOVE_ALL", reaction_remove_all(APPROVALS, 5)) {
        Event::ReactionRemoveAll(r) => assert_eq!(r.message_id.get(), 5),
        other => panic!("{other:?}"),
    }
    // Discord documents REMOVE_EMOJI with channel_id, guild_id, message_id and emoji only;
    // serenity 0.12.5 reads it as a whole Reaction (needing `burst` and `type`), so it
    // arrives as an unknown event, which the bot's raw handler reads itself.
    match dispatch("MESSAGE_REACTION_REMOVE_EMOJI", reaction_remove_emoji(APPROVALS, 5, "✅")) {
        Event::Unknown(u) => assert_eq!(u.kind, "MESSAGE_REACTION_REMOVE_EMOJI"),
        Event::ReactionRemoveEmoji(r) => assert_eq!(r.reaction.message_id.get(), 5),
        other => panic!("{other:?}"),
    }
}
