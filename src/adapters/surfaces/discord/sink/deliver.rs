//! One outbox item to Discord, by action: `say` and refusals as text, approval requests as
//! embeds with the vote reactions, refund statuses as edits of that embed.

use super::*;

impl DiscordSink {
    /// Delivers one item (nothing when it was posted before a crash).
    pub(super) async fn deliver_inner(&self, item: &OutboxItem) -> Result<()> {
        if self.map.sent(item.id).await?.is_some() {
            return Ok(()); // posted before a crash; only the "delivered" mark was lost
        }
        let now = self.clock.now();
        match &item.action {
            Action::Say { message_ref, channel, to, case, text } => {
                let case = case_no(case);
                let dest = self.route(channel, to.as_deref(), case).await?;
                if let Some((c, m)) = self.send_text(item, dest, to.as_deref(), text, case).await? {
                    if let Some(r) = message_ref {
                        self.map
                            .put_message(NewMessage {
                                message_ref: r,
                                channel_id: c,
                                message_id: m,
                                kind: "say",
                                case,
                                payload: None,
                                open: false,
                                at: now,
                            })
                            .await?;
                    }
                    self.map.record_sent(item.id, c, m, now).await?;
                }
            }
            Action::Denied { user, reason, channel } => {
                let dest = match self.route(channel, Some(user), None).await? {
                    // A refusal is said where it happened (no account data in it).
                    Dest::Private { public, .. } => Dest::Channel(public),
                    d => d,
                };
                let text = format!("⛔ {reason}");
                if let Some((c, m)) = self.send_text(item, dest, Some(user), &text, None).await? {
                    self.map.record_sent(item.id, c, m, now).await?;
                }
            }
            Action::ApprovalRequest { message_ref, case, .. } => {
                self.post_approval_request(item, message_ref.as_deref(), case, now).await?;
            }
            Action::Refund { message_ref: Some(r), status, case, amount, currency, .. } => {
                let instead = format!("Refund for {case} ({amount} {currency}): {}.", status.replace('_', " "));
                self.show_refund_status(item, r, status, &instead, now).await?;
            }
            // Case and wallet changes reach people through the `say` lines the engine
            // writes with them; the structured lines are for replay and audit.
            Action::Refund { .. } | Action::Ticket { .. } | Action::Wallet { .. } => {}
        }
        Ok(())
    }

    /// An approval request: its embed in the approvals channel, recorded, then the vote
    /// reactions added.
    async fn post_approval_request(
        &self,
        item: &OutboxItem,
        message_ref: Option<&str>,
        case: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        let channel = self.approvals()?;
        let embed = fit_embed(approval_embed(&item.action, None));
        let body = json!({"embeds": [embed], "nonce": Self::nonce(item, 0), "enforce_nonce": true, "allowed_mentions": {"parse": []}});
        let m = match self.post(channel, &body).await {
            Ok(m) => m,
            Err(e) => return Err(self.error_of(e)),
        };
        if let Some(r) = message_ref {
            let payload = serde_json::to_string(&item.action)?;
            let case = case_no(&Some(case.to_string()));
            let message = NewMessage {
                message_ref: r,
                channel_id: channel,
                message_id: m,
                kind: "approval",
                case,
                payload: Some(&payload),
                open: true,
                at: now,
            };
            self.map.put_message(message).await?;
        }
        // Recorded before the reactions: a retry after a failed reaction never
        // posts the embed twice (the record stops it).
        self.map.record_sent(item.id, channel, m, now).await?;
        let http = self.http()?;
        for e in [&self.approve_emoji, &self.reject_emoji] {
            if let Err(err) = http
                .create_reaction(ChannelId::new(channel), MessageId::new(m), &ReactionType::Unicode(e.clone()))
                .await
            {
                self.count(&err);
                tracing::warn!(message = m, error = %err, "could not add the vote reaction; leads can still add it");
            }
        }
        Ok(())
    }

    /// A refund's status: the approval request's embed edited to show it; when the request
    /// was never posted, `instead` is posted in the approvals channel.
    async fn show_refund_status(
        &self,
        item: &OutboxItem,
        message_ref: &str,
        status: &str,
        instead: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        let row = self.map.message_by_ref(message_ref).await?;
        let request: Option<Action> =
            row.as_ref().and_then(|row| row.payload.as_deref()).and_then(|p| serde_json::from_str(p).ok());
        let (Some(row), Some(request)) = (row, request) else {
            // The request was never posted (it died): post the status instead of
            // waiting for a message that will never exist.
            let channel = self.approvals()?;
            let m = match self.post_text(item, channel, instead, &json!({"parse": []})).await {
                Ok(m) => m,
                Err(e) => return Err(self.error_of(e)),
            };
            self.map.record_sent(item.id, channel, m, now).await?;
            return Ok(());
        };
        let embed = fit_embed(approval_embed(&request, Some(&item.action)));
        let http = self.http()?;
        if let Err(e) = http
            .edit_message(
                ChannelId::new(row.channel_id),
                MessageId::new(row.message_id),
                &json!({"embeds": [embed]}),
                vec![],
            )
            .await
        {
            self.count(&e);
            return Err(self.error_of(e));
        }
        if status == "approved" && row.open {
            if let Some(m) = &self.metrics {
                m.approval_latency.observe((now - row.at).to_std().unwrap_or_default());
            }
        }
        self.map.set_message_status(message_ref, status, status == "awaiting_approval").await?;
        Ok(())
    }
}
