//! Posting: text split to fit, with the outbox id as nonce; to a channel, a case thread
//! (reopened or recreated when gone), a DM (falling back to a thread), privately, or as an
//! interaction's answer.

use super::*;

impl DiscordSink {
    /// Posts `content` (split to fit) or one embed body; returns the first message id.
    pub(super) async fn post_text(
        &self,
        item: &OutboxItem,
        channel: u64,
        content: &str,
        allowed: &Value,
    ) -> Result<u64, RestError> {
        let mut first = None;
        for (i, part) in fit_content(content, CONTENT_LIMIT).iter().enumerate() {
            let body = json!({"content": part, "nonce": Self::nonce(item, i), "enforce_nonce": true, "allowed_mentions": allowed});
            let id = self.post(channel, &body).await?;
            first.get_or_insert(id);
        }
        Ok(first.unwrap_or(0))
    }

    pub(super) async fn post(&self, channel: u64, body: &Value) -> Result<u64, RestError> {
        let http = self.http.get().ok_or(serenity::Error::Other("not connected to Discord yet"))?;
        let sent = if http.ratelimiter.is_some() {
            // serenity waits out 429s itself here (its rate limiter reads Retry-After).
            http.send_message(ChannelId::new(channel), vec![], body).await.map(|m| m.id.get()).map_err(RestError::from)
        } else {
            self.post_raw(http, channel, body).await
        };
        if let Err(e) = &sent {
            self.count(&e.e);
        }
        sent
    }

    /// `POST /channels/{id}/messages` through serenity's request builder, reading a
    /// refusal ourselves: serenity's error would drop a 429's `retry_after`.
    async fn post_raw(&self, http: &Http, channel: u64, body: &Value) -> Result<u64, RestError> {
        use serenity::http::{LightMethod, Request, Route};
        let bytes = serde_json::to_vec(body).map_err(serenity::Error::Json)?;
        let req = Request::new(Route::ChannelMessages { channel_id: ChannelId::new(channel) }, LightMethod::Post)
            .body(Some(bytes));
        let resp = req
            .build(&self.rest, http.token(), http.proxy.as_deref())?
            .send()
            .await
            .map_err(|e| serenity::Error::Http(HttpError::Request(e)))?;
        let status = resp.status();
        if status.is_success() {
            let bytes = resp.bytes().await.map_err(|e| serenity::Error::Http(HttpError::Request(e)))?;
            let m: Value = serde_json::from_slice(&bytes).map_err(serenity::Error::Json)?;
            return Ok(m["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or(0));
        }
        let headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str().to_string(), v.to_string())))
            .collect();
        let bytes = resp.bytes().await.map_err(|e| serenity::Error::Http(HttpError::Request(e)))?;
        let retry_after = (status.as_u16() == 429)
            .then(|| retry_after_of(&headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect::<Vec<_>>(), &bytes))
            .flatten();
        // The refusal as serenity reads it (status, JSON code, message).
        let again = axum::http::Response::builder()
            .status(status.as_u16())
            .body(bytes.to_vec())
            .map_err(|_| serenity::Error::Other("bad response"))?;
        let e =
            serenity::http::ErrorResponse::from_response(reqwest012::Response::from(again), reqwest012::Method::POST)
                .await;
        Err(RestError { e: serenity::Error::Http(HttpError::UnsuccessfulRequest(e)), retry_after })
    }

    /// Sends a text message to `dest`; returns the channel and message id when a message
    /// was posted (not for interaction answers).
    pub(super) async fn send_text(
        &self,
        item: &OutboxItem,
        dest: Dest,
        to: Option<&str>,
        text: &str,
        case: Option<i64>,
    ) -> Result<Option<(u64, u64)>> {
        let to_id = to.and_then(|t| t.parse::<u64>().ok());
        match dest {
            Dest::Channel(c) => self.send_to_channel(item, c, to, text).await,
            Dest::Thread(case_n, t) => self.send_to_thread(item, (case_n, t), to_id, text, case).await,
            Dest::Dm(user) => self.dm(item, user, text, case).await,
            Dest::Private { user, public } => self.send_privately(item, user, public, text, case).await,
            Dest::Interaction(key, row) => self.answer_interaction(item, &key, row, text).await,
        }
    }

    /// A message in a channel, mentioning whom it is to (except in the approvals channel).
    async fn send_to_channel(
        &self,
        item: &OutboxItem,
        c: u64,
        to: Option<&str>,
        text: &str,
    ) -> Result<Option<(u64, u64)>> {
        let to_id = to.and_then(|t| t.parse::<u64>().ok());
        let nobody = json!({"parse": []});
        let only_to = json!({"parse": [], "users": to_id.map(|u| vec![u.to_string()]).unwrap_or_default()});
        let mention_to = c != self.places.approvals().unwrap_or(0) && to_id.is_some();
        let content = if mention_to { format!("{} {text}", mention(to.unwrap_or_default())) } else { text.to_string() };
        match self.post_text(item, c, &content, if mention_to { &only_to } else { &nobody }).await {
            Ok(m) => Ok(Some((c, m))),
            Err(e) => Err(self.refused(item, c, e).await),
        }
    }

    /// A message in case `case_n`'s thread `t`; an archived or locked thread is opened
    /// again, a gone one made anew, else the customer gets a DM.
    async fn send_to_thread(
        &self,
        item: &OutboxItem,
        (case_n, t): (i64, u64),
        to_id: Option<u64>,
        text: &str,
        case: Option<i64>,
    ) -> Result<Option<(u64, u64)>> {
        let nobody = json!({"parse": []});
        let e = match self.post_text(item, t, text, &nobody).await {
            Ok(m) => return Ok(Some((t, m))),
            Err(e) if e.refusal() == Refusal::ThreadGone => e,
            Err(e) => return Err(self.refused(item, t, e).await),
        };
        // Archived or locked: open it again; gone: a new thread; else a DM.
        tracing::info!(case = case_n, thread = t, error = %e, "case thread unusable; reopening it");
        let http = self.http()?;
        let reopened = http
            .edit_thread(ChannelId::new(t), &json!({"archived": false, "locked": false}), Some("paydesk case reopened"))
            .await;
        let target = match reopened {
            Ok(_) => Some(t),
            Err(_) => {
                self.map.forget_thread(case_n).await?;
                self.thread(case_n).await.ok()
            }
        };
        if let Some(t2) = target {
            if let Ok(m) = self.post_text(item, t2, text, &nobody).await {
                return Ok(Some((t2, m)));
            }
        }
        match to_id.or(self.map.case_info(case_n).await?.and_then(|(c, _)| c.parse().ok())) {
            Some(u) => self.dm(item, u, text, case).await,
            None => Err(self.refused(item, t, e).await),
        }
    }

    /// Addressed to someone in a public channel: a DM (or its fallback), and a note in the
    /// public channel that they were answered privately.
    async fn send_privately(
        &self,
        item: &OutboxItem,
        user: u64,
        public: u64,
        text: &str,
        case: Option<i64>,
    ) -> Result<Option<(u64, u64)>> {
        let sent = self.dm(item, user, text, case).await?;
        let note = json!({"content": format!("<@{user}> I've answered you privately."), "nonce": format!("paydesk-{}-note", item.id),
            "enforce_nonce": true, "allowed_mentions": {"parse": [], "users": [user.to_string()]}});
        if let Err(e) = self.post(public, &note).await {
            tracing::warn!(error = %e, "could not post the private-answer note");
        }
        Ok(sent)
    }

    /// A slash command's answer: the deferred answer edited in, then ephemeral follow-ups.
    async fn answer_interaction(
        &self,
        item: &OutboxItem,
        key: &str,
        row: InteractionRow,
        text: &str,
    ) -> Result<Option<(u64, u64)>> {
        let http = self.http()?;
        let parts = fit_content(text, CONTENT_LIMIT);
        let mut answered = row.answered;
        for part in parts {
            let r = if answered {
                http.create_followup_message(&row.token, &json!({"content": part, "flags": 64}), vec![])
                    .await
                    .map(|_| ())
            } else {
                http.edit_original_interaction_response(&row.token, &json!({"content": part}), vec![]).await.map(|_| ())
            };
            if let Err(e) = r {
                self.count(&e);
                return Err(self.error_of(e));
            }
            if !answered {
                self.map.mark_answered(key).await?;
                answered = true;
            }
        }
        // Recorded like a post (message id 0: interaction answers have none we
        // keep), so a redelivery after a crash never sends the follow-up twice.
        self.map.record_sent(item.id, row.channel_id, 0, self.clock.now()).await?;
        Ok(None)
    }

    /// A direct message; when DMs are closed: the case thread, or a private thread made
    /// for this answer in the first support channel.
    async fn dm(&self, item: &OutboxItem, user: u64, text: &str, case: Option<i64>) -> Result<Option<(u64, u64)>> {
        let nobody = json!({"parse": []});
        let sent = async {
            let http = self.http.get().ok_or(serenity::Error::Other("not connected to Discord yet"))?;
            let dm = http.create_private_channel(&json!({"recipient_id": user.to_string()})).await?;
            let id = self.post_text(item, dm.id.get(), text, &nobody).await?;
            Ok::<_, RestError>((dm.id.get(), id))
        }
        .await;
        match sent {
            Ok(ids) => Ok(Some(ids)),
            Err(e) if self.dm_fallback && matches!(e.refusal(), Refusal::DmClosed | Refusal::NoPermission) => {
                tracing::info!(user, "DM closed; answering in a private thread instead");
                let c = match case {
                    Some(n) => self.thread(n).await?,
                    None => {
                        let parent = self.support()?;
                        self.private_thread(parent, "paydesk · your answer", Some(user))
                            .await
                            .map_err(|e| self.error_of(e))?
                    }
                };
                let content = format!("<@{user}> {text}");
                match self.post_text(item, c, &content, &json!({"parse": [], "users": [user.to_string()]})).await {
                    Ok(m) => Ok(Some((c, m))),
                    Err(e) => Err(self.refused(item, c, e).await),
                }
            }
            Err(e) => Err(self.error_of(e)),
        }
    }
}
