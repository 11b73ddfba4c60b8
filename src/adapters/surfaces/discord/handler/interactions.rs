//! Slash commands: options read into the text grammar's `Invocation`, answered through the
//! outbox (deferred, then edited in); autocomplete of case numbers.

use super::super::commands::{self, Invocation, Opt};
use super::super::Shared;
use crate::app::action::Destination;
use crate::app::engine::{Actor, Event};
use crate::domain::ids::{CaseNumber, UserId as PdUserId};
use crate::domain::roles::Roles;
use serde_json::json;
use serenity::all::{CommandDataOption, CommandDataOptionValue, CommandInteraction, Context};

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
    async fn respond(&self, ctx: &Context, i: &CommandInteraction, body: serde_json::Value) {
        if let Err(e) = ctx.http.create_interaction_response(i.id, &i.token, &body, vec![]).await {
            tracing::warn!(error = %e, "interaction response failed");
        }
    }

    pub(super) async fn on_command(&self, ctx: &Context, i: &CommandInteraction) {
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

    pub(super) async fn on_autocomplete(&self, ctx: &Context, i: &CommandInteraction) {
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
