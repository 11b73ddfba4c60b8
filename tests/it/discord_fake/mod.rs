//! A fake Discord on 127.0.0.1 for the tests: REST routes (axum) that record every call
//! and keep just enough state (messages, reactions, members, closed DMs), and a gateway
//! websocket that does the Hello / Identify / READY (or Resume / RESUMED) exchange and
//! lets the test push dispatches, ask for a reconnect (op 7) or invalidate the session
//! (op 9). The real serenity client runs against it.

pub mod fixtures;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use fixtures::*;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message as Ws;

#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub path: String,
    pub body: Value,
    /// When the call arrived.
    pub at: std::time::Instant,
}

#[derive(Default)]
pub struct FakeState {
    pub calls: Vec<Call>,
    next_id: u64,
    /// Messages by id: (channel, json).
    pub messages: HashMap<u64, (u64, Value)>,
    /// Nonces of the bot's messages: the message made with it and when. With
    /// `enforce_nonce`, a nonce seen within `nonce_ttl` answers with that message and makes
    /// none; an older one is forgotten ("checked for uniqueness in the past few minutes. If
    /// another message was created by the same author with the same nonce, that message
    /// will be returned and no new message will be created":
    /// https://discord.com/developers/docs/resources/message#create-message-jsonform-params).
    /// Keyed by nonce alone: the bot is the only author posting through REST.
    nonces: HashMap<String, (u64, std::time::Instant)>,
    /// How long Discord remembers a nonce ("a few minutes": the docs give no number).
    pub nonce_ttl: Duration,
    /// (message, emoji) -> users, in order.
    pub reactions: HashMap<(u64, String), Vec<u64>>,
    pub members: HashMap<u64, Vec<u64>>,
    pub closed_dms: HashSet<u64>,
    dm_channels: HashMap<u64, u64>,
    pub threads: Vec<(u64, u64, String)>,
    pub deny_delete: bool,
    /// Failure modes switched on per route (checked in order, first match wins).
    pub failures: Vec<Failure>,
    /// Threads archived (posting answers 400/50083 until unarchived).
    pub archived: HashSet<u64>,
    /// Roles made besides the fixture's (role names are not unique on Discord).
    pub extra_roles: Vec<Value>,
    /// Permission overwrites per channel (`permission_overwrites` of the channel object).
    pub overwrites: HashMap<u64, Value>,
}

/// One failure mode of one route: calls whose method is `method` and whose path contains
/// `path` get `status` with the JSON error `code` (or hang), `times` times (forever when
/// `None`). Each mode is one Discord documents:
/// - 429 with `retry_after` (seconds) in the body and the `Retry-After` header:
///   https://discord.com/developers/docs/topics/rate-limits#exceeding-a-rate-limit
/// - 5xx: https://discord.com/developers/docs/topics/opcodes-and-status-codes#http-http-response-codes
/// - 403/50013 Missing Permissions, 403/50001 Missing Access, 404/10003 Unknown Channel,
///   401/0 Unauthorized:
///   https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes
/// - a hang (a stalled connection): the answer never comes.
#[derive(Debug, Clone)]
pub struct Failure {
    pub method: &'static str,
    pub path: String,
    pub status: u16,
    pub code: u64,
    pub retry_after: Option<f64>,
    pub hang: bool,
    pub times: Option<u32>,
}

impl Failure {
    pub fn new(method: &'static str, path: impl Into<String>, status: u16, code: u64) -> Failure {
        Failure { method, path: path.into(), status, code, retry_after: None, hang: false, times: None }
    }

    pub fn times(mut self, n: u32) -> Failure {
        self.times = Some(n);
        self
    }

    pub fn hang(method: &'static str, path: impl Into<String>) -> Failure {
        Failure { hang: true, ..Failure::new(method, path, 0, 0) }
    }

    pub fn rate_limited(method: &'static str, path: impl Into<String>, retry_after: f64) -> Failure {
        Failure { retry_after: Some(retry_after), ..Failure::new(method, path, 429, 0) }
    }
}

#[derive(Default)]
struct Gateway {
    seq: AtomicU64,
    /// The live, identified connection's outgoing queue.
    current: Mutex<Option<mpsc::UnboundedSender<String>>>,
    identifies: AtomicU64,
    resumes: AtomicU64,
    sessions: AtomicU64,
    /// The gateway is unreachable: connections are closed at once.
    down: std::sync::atomic::AtomicBool,
}

#[derive(Clone)]
pub struct Fake {
    pub base: String,
    pub gateway_url: String,
    pub state: Arc<Mutex<FakeState>>,
    gw: Arc<Gateway>,
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Bounded polling: `f` until it returns `Some`, or panic with `what` after `secs`.
pub async fn eventually<T>(secs: u64, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f() {
            return v;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("timed out waiting for: {what}");
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

impl Fake {
    pub async fn start() -> Fake {
        let state = Arc::new(Mutex::new(FakeState {
            next_id: 90_000_000_000_000_000,
            nonce_ttl: Duration::from_secs(180),
            ..FakeState::default()
        }));
        {
            let mut s = state.lock().unwrap();
            for (u, r) in [
                (ANA, vec![]),
                (CUS, vec![]),
                (BO, vec![AGENT_ROLE]),
                (KIM, vec![LEAD_ROLE]),
                (MAX, vec![LEAD_ROLE]),
                (BOT, vec![]),
            ] {
                s.members.insert(u, r);
            }
        }
        let gw = Arc::new(Gateway::default());
        let ws_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let gateway_url = format!("ws://{}", ws_listener.local_addr().unwrap());
        let rest = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", rest.local_addr().unwrap());
        let fake = Fake { base, gateway_url: gateway_url.clone(), state, gw };
        let app = Router::new().fallback(rest_handler).with_state(fake.clone());
        tokio::spawn(async move { axum::serve(rest, app).await.unwrap() });
        let f = fake.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = ws_listener.accept().await {
                let f = f.clone();
                tokio::spawn(async move { f.connection(stream).await });
            }
        });
        fake
    }

    async fn connection(&self, stream: tokio::net::TcpStream) {
        if self.gw.down.load(Ordering::SeqCst) {
            return; // the connection is dropped before the websocket handshake
        }
        let Ok(ws) = tokio_tungstenite::accept_async(stream).await else { return };
        let (mut tx, mut rx) = ws.split();
        let (out_tx, mut out_rx) = mpsc::unbounded_channel::<String>();
        let _ = tx.send(Ws::Text(json!({"op": 10, "d": {"heartbeat_interval": 2000}}).to_string())).await;
        loop {
            tokio::select! {
                frame = rx.next() => {
                    let Some(Ok(frame)) = frame else { break };
                    let text = match frame {
                        Ws::Text(t) => t,
                        Ws::Binary(b) => String::from_utf8_lossy(&b).into_owned(),
                        Ws::Close(_) => break,
                        _ => continue,
                    };
                    let Ok(v) = serde_json::from_str::<Value>(&text) else { continue };
                    match v["op"].as_u64() {
                        Some(1) => { let _ = tx.send(Ws::Text(json!({"op": 11}).to_string())).await; }
                        Some(2) => {
                            self.gw.identifies.fetch_add(1, Ordering::SeqCst);
                            let n = self.gw.sessions.fetch_add(1, Ordering::SeqCst);
                            let ready = self.frame("READY", ready(&format!("session-{n}"), &self.gateway_url));
                            let _ = tx.send(Ws::Text(ready)).await;
                            let _ = tx.send(Ws::Text(self.frame("GUILD_CREATE", guild_create()))).await;
                            *self.gw.current.lock().unwrap() = Some(out_tx.clone());
                        }
                        Some(6) => {
                            self.gw.resumes.fetch_add(1, Ordering::SeqCst);
                            let _ = tx.send(Ws::Text(self.frame("RESUMED", json!({})))).await;
                            *self.gw.current.lock().unwrap() = Some(out_tx.clone());
                        }
                        _ => {}
                    }
                }
                out = out_rx.recv() => {
                    let Some(out) = out else { break };
                    let close = out == "__close__";
                    if close {
                        let _ = tx.close().await;
                        break;
                    }
                    if tx.send(Ws::Text(out)).await.is_err() { break; }
                }
            }
        }
        let mut cur = self.gw.current.lock().unwrap();
        if cur.as_ref().is_some_and(|c| c.same_channel(&out_tx)) {
            *cur = None;
        }
    }

    fn frame(&self, t: &str, d: Value) -> String {
        let s = self.gw.seq.fetch_add(1, Ordering::SeqCst) + 1;
        json!({"op": 0, "s": s, "t": t, "d": d}).to_string()
    }

    /// Waits for a live session, then sends a dispatch on it.
    pub async fn dispatch(&self, t: &str, d: Value) {
        let tx = eventually(20, "a live gateway session", || self.gw.current.lock().unwrap().clone()).await;
        tx.send(self.frame(t, d)).expect("gateway connection open");
    }

    /// op 7: Discord asks the client to reconnect (and resume).
    pub async fn request_reconnect(&self) {
        let tx = eventually(20, "a live gateway session", || self.gw.current.lock().unwrap().take()).await;
        let _ = tx.send(json!({"op": 7, "d": null}).to_string());
    }

    /// op 9 with `d: false`: the session is gone; the client must identify again.
    pub async fn invalidate_session(&self) {
        let tx = eventually(20, "a live gateway session", || self.gw.current.lock().unwrap().take()).await;
        let _ = tx.send(json!({"op": 9, "d": false}).to_string());
    }

    /// The gateway goes away (`true`: the live connection is closed and new ones are
    /// dropped) or comes back (`false`).
    pub fn gateway_down(&self, down: bool) {
        self.gw.down.store(down, Ordering::SeqCst);
        if down {
            if let Some(tx) = self.gw.current.lock().unwrap().take() {
                let _ = tx.send("__close__".to_string());
            }
        }
    }

    pub fn identifies(&self) -> u64 {
        self.gw.identifies.load(Ordering::SeqCst)
    }

    pub fn resumes(&self) -> u64 {
        self.gw.resumes.load(Ordering::SeqCst)
    }

    pub fn connected(&self) -> bool {
        self.gw.current.lock().unwrap().is_some()
    }

    pub fn calls(&self) -> Vec<Call> {
        self.state.lock().unwrap().calls.clone()
    }

    /// Calls whose method is `method` and whose path contains `part`.
    pub fn calls_to(&self, method: &str, part: &str) -> Vec<Call> {
        self.calls().into_iter().filter(|c| c.method == method && c.path.contains(part)).collect()
    }

    /// Messages posted in a channel, oldest first.
    pub fn posted(&self, channel: u64) -> Vec<Value> {
        let s = self.state.lock().unwrap();
        let mut v: Vec<(u64, Value)> =
            s.messages.iter().filter(|(_, (c, _))| *c == channel).map(|(id, (_, m))| (*id, m.clone())).collect();
        v.sort_by_key(|(id, _)| *id);
        v.into_iter().map(|(_, m)| m).collect()
    }

    pub fn message_json(&self, id: u64) -> Option<Value> {
        self.state.lock().unwrap().messages.get(&id).map(|(_, m)| m.clone())
    }

    /// Adds a reaction to Discord's state only (as if made while the bot was away).
    pub fn add_reaction_silently(&self, message: u64, emoji: &str, user: u64) {
        self.state.lock().unwrap().reactions.entry((message, emoji.to_string())).or_default().push(user);
    }

    pub fn set_roles(&self, user: u64, roles: Vec<u64>) {
        self.state.lock().unwrap().members.insert(user, roles);
    }

    pub fn new_id(&self) -> u64 {
        let mut s = self.state.lock().unwrap();
        s.next_id += 1;
        s.next_id
    }

    /// Switches a failure mode on.
    pub fn fail(&self, f: Failure) {
        self.state.lock().unwrap().failures.push(f);
    }

    /// As if Discord's few minutes had passed: every nonce seen so far is forgotten.
    pub fn expire_nonces(&self) {
        self.state.lock().unwrap().nonces.clear();
    }

    pub fn clear_failures(&self) {
        self.state.lock().unwrap().failures.clear();
    }

    /// The DM channel the fake gives the bot for `user`.
    pub fn dm_channel(user: u64) -> u64 {
        70_000_000_000_000_000 + (user % 1_000_000)
    }

    /// A message written on Discord while no bot was connected (no dispatch).
    pub fn write_silently(&self, channel: u64, author: u64, content: &str) -> u64 {
        let id = self.new_id();
        self.state.lock().unwrap().messages.insert(id, (channel, message(id, channel, author, content, json!([]))));
        id
    }

    pub fn threads(&self) -> Vec<(u64, u64, String)> {
        self.state.lock().unwrap().threads.clone()
    }
}

fn ok(v: Value) -> Response {
    (StatusCode::OK, axum::Json(v)).into_response()
}

fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

fn error(status: StatusCode, code: u64, message: &str) -> Response {
    (status, axum::Json(json!({"code": code, "message": message}))).into_response()
}

async fn rest_handler(State(f): State<Fake>, req: Request) -> Response {
    let method = req.method().clone();
    let path = decode(req.uri().path());
    let query = req.uri().query().unwrap_or("").to_string();
    let body: Bytes = axum::body::to_bytes(req.into_body(), 1 << 22).await.unwrap_or_default();
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let p: Vec<&str> = path.trim_start_matches("/api/v10/").split('/').collect();
    let failure = {
        let mut s = f.state.lock().unwrap();
        s.calls.push(Call {
            method: method.to_string(),
            path: path.clone(),
            body: body.clone(),
            at: std::time::Instant::now(),
        });
        let hit =
            s.failures.iter().position(|x| x.method == method.as_str() && path.contains(&x.path) && x.times != Some(0));
        hit.map(|i| {
            if let Some(n) = s.failures[i].times.as_mut() {
                *n -= 1;
            }
            s.failures[i].clone()
        })
    };
    if let Some(x) = failure {
        if x.hang {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        let status = StatusCode::from_u16(x.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let Some(after) = x.retry_after {
            // https://discord.com/developers/docs/topics/rate-limits#exceeding-a-rate-limit-rate-limit-response-structure
            // The body's `retry_after` is in seconds with fractions; `Retry-After` is whole
            // seconds (rounded up here), `X-RateLimit-Reset-After` has fractions
            // (https://discord.com/developers/docs/topics/rate-limits#header-format).
            let body = json!({"message": "You are being rate limited.", "retry_after": after, "global": false});
            let headers = [
                ("retry-after", format!("{}", after.ceil())),
                ("x-ratelimit-reset-after", format!("{after:.3}")),
                ("x-ratelimit-scope", "user".into()),
            ];
            return (status, headers, axum::Json(body)).into_response();
        }
        return error(status, x.code, "failure switched on by the test");
    }
    let mut s = f.state.lock().unwrap();
    let num = |i: usize| p.get(i).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0);
    match (&method, p.as_slice()) {
        (&Method::GET, ["gateway"]) => ok(json!({"url": f.gateway_url})),
        (&Method::PUT, ["applications", _, "guilds", _, "commands"]) => ok(commands_reply(&body)),
        (&Method::POST, ["channels", _, "messages"]) => {
            let channel = num(1);
            // Content is at most 2000 characters; longer is 400 Invalid Form Body (50035):
            // https://discord.com/developers/docs/resources/message#create-message-jsonform-params
            if body["content"].as_str().is_some_and(|c| c.encode_utf16().count() > 2000) {
                return error(
                    StatusCode::BAD_REQUEST,
                    50035,
                    "Invalid Form Body (content: Must be 2000 or fewer in length.)",
                );
            }
            // Posting in an archived thread: 400/50083 "Operation is not allowed in an
            // archived thread" (opcodes-and-status-codes#json-json-error-codes).
            if s.archived.contains(&channel) {
                return error(StatusCode::BAD_REQUEST, 50083, "Thread is archived");
            }
            if let Some(&user) = s.dm_channels.get(&channel) {
                if s.closed_dms.contains(&user) {
                    return error(StatusCode::FORBIDDEN, 50007, "Cannot send messages to this user");
                }
            }
            // A nonce is at most 25 characters (create-message-jsonform-params).
            if body["nonce"].as_str().is_some_and(|n| n.chars().count() > 25) {
                return error(
                    StatusCode::BAD_REQUEST,
                    50035,
                    "Invalid Form Body (nonce: Must be 25 or fewer in length.)",
                );
            }
            if let Some(n) = body["nonce"].as_str().filter(|_| body["enforce_nonce"] == json!(true)) {
                let ttl = s.nonce_ttl;
                if let Some((id, _)) = s.nonces.get(n).filter(|(_, at)| at.elapsed() < ttl) {
                    let m = s.messages[id].1.clone();
                    return ok(m);
                }
            }
            s.next_id += 1;
            let id = s.next_id;
            let m = message(
                id,
                channel,
                BOT,
                body["content"].as_str().unwrap_or(""),
                body.get("embeds").cloned().unwrap_or(json!([])),
            );
            if let Some(n) = body["nonce"].as_str() {
                s.nonces.insert(n.to_string(), (id, std::time::Instant::now()));
            }
            s.messages.insert(id, (channel, m.clone()));
            ok(m)
        }
        // https://discord.com/developers/docs/resources/message#get-channel-messages:
        // `after` a message id, at most `limit` (default 50, max 100), newest first.
        (&Method::GET, ["channels", _, "messages"]) => {
            let param = |k: &str| {
                query.split('&').find_map(|kv| kv.strip_prefix(&format!("{k}="))).and_then(|v| v.parse::<u64>().ok())
            };
            let (after, limit) = (param("after").unwrap_or(0), param("limit").unwrap_or(50).min(100) as usize);
            let mut v: Vec<(u64, Value)> = s
                .messages
                .iter()
                .filter(|(id, (c, _))| *c == num(1) && **id > after)
                .map(|(id, (_, m))| (*id, m.clone()))
                .collect();
            v.sort_by_key(|(id, _)| *id);
            v.truncate(limit);
            v.reverse();
            ok(Value::Array(v.into_iter().map(|(_, m)| m).collect()))
        }
        (&Method::PATCH, ["channels", _, "messages", _]) => {
            let (channel, id) = (num(1), num(3));
            let Some((_, m)) = s.messages.get_mut(&id) else {
                return error(StatusCode::NOT_FOUND, 10008, "Unknown Message");
            };
            if let Some(e) = body.get("embeds") {
                m["embeds"] = e.clone();
            }
            if let Some(c) = body.get("content") {
                m["content"] = c.clone();
            }
            let _ = channel;
            ok(m.clone())
        }
        (&Method::DELETE, ["channels", _, "messages", _]) => {
            if s.deny_delete {
                return error(StatusCode::FORBIDDEN, 50013, "Missing Permissions");
            }
            no_content()
        }
        (&Method::PUT, ["channels", _, "messages", _, "reactions", emoji, "@me"]) => {
            let key = (num(3), emoji.to_string());
            let list = s.reactions.entry(key).or_default();
            if !list.contains(&BOT) {
                list.push(BOT);
            }
            no_content()
        }
        (&Method::GET, ["channels", _, "messages", _, "reactions", emoji]) => {
            let users = s.reactions.get(&(num(3), emoji.to_string())).cloned().unwrap_or_default();
            ok(Value::Array(users.iter().map(|u| user(*u, name_of(*u), *u == BOT)).collect()))
        }
        (&Method::POST, ["channels", _, "threads"]) => {
            s.next_id += 1;
            let id = s.next_id;
            let name = body["name"].as_str().unwrap_or("thread").to_string();
            s.threads.push((id, num(1), name.clone()));
            ok(thread_channel(id, num(1), &name))
        }
        (&Method::PUT, ["channels", _, "thread-members", _]) => no_content(),
        // Modify Channel on a thread (archived/locked):
        // https://discord.com/developers/docs/resources/channel#modify-channel-json-params-thread
        (&Method::PATCH, ["channels", _]) => {
            let id = num(1);
            let Some((_, parent, name)) = s.threads.iter().find(|(t, _, _)| *t == id).cloned() else {
                return error(StatusCode::NOT_FOUND, 10003, "Unknown Channel");
            };
            if body["archived"] == json!(false) {
                s.archived.remove(&id);
            }
            ok(thread_channel(id, parent, &name))
        }
        (&Method::POST, ["users", "@me", "channels"]) => {
            let user_id: u64 = body["recipient_id"].as_str().and_then(|x| x.parse().ok()).unwrap_or(0);
            let channel = 70_000_000_000_000_000 + (user_id % 1_000_000);
            s.dm_channels.insert(channel, user_id);
            ok(private_channel(channel, user_id))
        }
        (&Method::GET, ["guilds", _, "members", _]) => match s.members.get(&num(3)) {
            Some(r) => ok(member(num(3), &r.clone())),
            None => error(StatusCode::NOT_FOUND, 10007, "Unknown Member"),
        },
        (&Method::POST, ["interactions", _, _, "callback"]) => no_content(),
        (&Method::GET, ["guilds", _, "channels"]) => {
            let mut chs = guild_create()["channels"].as_array().cloned().unwrap_or_default();
            for c in chs.iter_mut() {
                let id: u64 = c["id"].as_str().and_then(|x| x.parse().ok()).unwrap_or(0);
                if let Some(o) = s.overwrites.get(&id) {
                    c["permission_overwrites"] = o.clone();
                }
            }
            ok(Value::Array(chs))
        }
        (&Method::GET, ["users", "@me"]) => ok(user(BOT, "paydesk", true)),
        // https://discord.com/developers/docs/resources/guild#get-guild-roles
        (&Method::GET, ["guilds", _, "roles"]) => {
            let mut roles = guild_create()["roles"].as_array().cloned().unwrap_or_default();
            roles.extend(s.extra_roles.iter().cloned());
            ok(Value::Array(roles))
        }
        (&Method::PATCH, ["webhooks", _, _, "messages", "@original"]) | (&Method::POST, ["webhooks", _, _]) => {
            s.next_id += 1;
            let id = s.next_id;
            let mut m = message(id, SUPPORT, BOT, body["content"].as_str().unwrap_or(""), json!([]));
            m["flags"] = json!(64);
            ok(m)
        }
        _ => error(StatusCode::NOT_FOUND, 0, &format!("the fake does not know {method} {path}")),
    }
}
