//! What a message looks like on Discord: content and embeds fitted to Discord's limits,
//! mentions, the approval request embed.

use super::*;

/// Message content is at most 2000 characters
/// (<https://discord.com/developers/docs/resources/message#create-message>).
pub const CONTENT_LIMIT: usize = 2000;

/// Embed limits (<https://discord.com/developers/docs/resources/message#embed-object-embed-limits>):
/// title 256, description 4096, field name 256, field value 1024, footer 2048, all
/// together 6000.
pub const EMBED_TITLE: usize = 256;

pub const EMBED_DESCRIPTION: usize = 4096;

pub const EMBED_FIELD_NAME: usize = 256;

pub const EMBED_FIELD_VALUE: usize = 1024;

pub const EMBED_FOOTER: usize = 2048;

pub const EMBED_TOTAL: usize = 6000;

/// `<@id>` for a Discord user id, the id itself otherwise (console users in tests).
pub fn mention(user: &str) -> String {
    match user.parse::<u64>() {
        Ok(_) => format!("<@{user}>"),
        Err(_) => user.to_string(),
    }
}

/// Discord counts message length in UTF-16 code units (at least as many as characters).
pub(super) fn units(s: &str) -> usize {
    s.encode_utf16().count()
}

/// `text` as messages of at most `limit` characters, split at line boundaries (a line
/// longer than `limit` is split within itself). Nothing is dropped.
pub fn fit_content(text: &str, limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in text.split_inclusive('\n') {
        if units(&cur) + units(line) <= limit {
            cur.push_str(line);
            continue;
        }
        if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        if units(line) <= limit {
            cur.push_str(line);
            continue;
        }
        for ch in line.chars() {
            if units(&cur) + ch.len_utf16() > limit {
                out.push(std::mem::take(&mut cur));
            }
            cur.push(ch);
        }
    }
    if !cur.is_empty() || out.is_empty() {
        out.push(cur);
    }
    out
}

/// `s` cut to `limit` UTF-16 units, ending in `…` when it was cut.
pub(super) fn cut(s: &str, limit: usize) -> String {
    if units(s) <= limit {
        return s.to_string();
    }
    let mut out = String::new();
    for ch in s.chars() {
        if units(&out) + ch.len_utf16() + 1 > limit {
            break;
        }
        out.push(ch);
    }
    out.push('…');
    out
}

/// An embed cut to Discord's limits: each part to its own, then the longest field values
/// shortened until the whole is within 6000.
pub fn fit_embed(mut e: Value) -> Value {
    for (k, lim) in [("title", EMBED_TITLE), ("description", EMBED_DESCRIPTION)] {
        if let Some(t) = e[k].as_str() {
            e[k] = json!(cut(t, lim));
        }
    }
    if let Some(t) = e["footer"]["text"].as_str() {
        e["footer"]["text"] = json!(cut(t, EMBED_FOOTER));
    }
    if let Some(fields) = e["fields"].as_array_mut() {
        fields.truncate(25);
        for f in fields.iter_mut() {
            if let Some(n) = f["name"].as_str() {
                f["name"] = json!(cut(n, EMBED_FIELD_NAME));
            }
            if let Some(v) = f["value"].as_str() {
                f["value"] = json!(cut(v, EMBED_FIELD_VALUE));
            }
        }
    }
    let total = |e: &Value| {
        let s = |v: &Value| v.as_str().map_or(0, units);
        s(&e["title"])
            + s(&e["description"])
            + s(&e["footer"]["text"])
            + e["fields"].as_array().map_or(0, |f| f.iter().map(|x| s(&x["name"]) + s(&x["value"])).sum())
    };
    while total(&e) > EMBED_TOTAL {
        let Some(fields) = e["fields"].as_array_mut() else { break };
        let Some((i, len)) =
            fields.iter().enumerate().map(|(i, f)| (i, f["value"].as_str().map_or(0, units))).max_by_key(|(_, l)| *l)
        else {
            break;
        };
        if len <= 1 {
            break;
        }
        let v = fields[i]["value"].as_str().unwrap_or("").to_string();
        fields[i]["value"] = json!(cut(&v, len / 2));
    }
    e
}

/// The approval request embed; with `outcome` (a `refund` action) it shows the decision.
pub fn approval_embed(request: &Action, outcome: Option<&Action>) -> Value {
    let Action::ApprovalRequest {
        message_ref,
        case,
        charge,
        amount,
        currency,
        rule,
        leads_needed,
        requested_by,
        account,
        card_last4,
        reason,
        expires_at,
        is_override,
        ..
    } = request
    else {
        return json!({"title": "Refund request"});
    };
    let charge_text = match card_last4 {
        Some(l4) => format!("{charge} (card •••• {l4})"),
        None => charge.clone(),
    };
    let expiry = chrono::DateTime::parse_from_rfc3339(expires_at)
        .map(|t| format!("<t:{}:R> ({expires_at})", t.timestamp()))
        .unwrap_or_else(|_| expires_at.clone());
    let (status, color) = match outcome {
        Some(Action::Refund { status, approved_by, provider_ref, .. }) => {
            let by = approved_by.iter().map(|u| mention(u)).collect::<Vec<_>>().join(", ");
            match status.as_str() {
                "awaiting_approval" => (format!("Waiting for {leads_needed} lead(s)"), 0xF1C40F),
                "approved" | "executing" => (format!("✅ Approved by {by}; paying"), 0x3498DB),
                "succeeded" => (
                    format!(
                        "💸 Paid{} — approved by {by}",
                        provider_ref.as_ref().map(|p| format!(" ({p})")).unwrap_or_default()
                    ),
                    0x2ECC71,
                ),
                "failed" => (format!("⚠️ Payment failed — approved by {by}"), 0xE74C3C),
                "rejected" => ("❌ Rejected".to_string(), 0x95A5A6),
                "expired" => ("⌛ Expired: not approved in time".to_string(), 0x95A5A6),
                "reversed" => (
                    "↩️ Paid, then reversed by the provider: the money came back; a lead is looking into it"
                        .to_string(),
                    0xE74C3C,
                ),
                "on_hold" => {
                    ("⏸️ On hold: the charge is disputed, nothing was paid; a lead can reject it".to_string(), 0xE67E22)
                }
                other => (other.to_string(), 0x95A5A6),
            }
        }
        _ => (format!("Waiting for {leads_needed} lead(s)"), 0xF1C40F),
    };
    let mut fields = vec![
        json!({"name": "Case", "value": case, "inline": true}),
        json!({"name": "Customer account", "value": account.clone().unwrap_or_else(|| "—".into()), "inline": true}),
        json!({"name": "Charge", "value": charge_text, "inline": true}),
        json!({"name": "Amount", "value": format!("{amount} {currency}"), "inline": true}),
        json!({"name": "Rule", "value": rule, "inline": true}),
        json!({"name": "Leads needed", "value": leads_needed.to_string(), "inline": true}),
        json!({"name": "Requested by", "value": mention(requested_by), "inline": true}),
        json!({"name": "Expires", "value": expiry, "inline": true}),
    ];
    if !reason.is_empty() {
        fields.push(json!({"name": "Reason", "value": reason.chars().take(1000).collect::<String>()}));
    }
    fields.push(json!({"name": "Status", "value": status}));
    json!({
        "title": format!("{} · {case}", if *is_override { "Policy override request" } else { "Refund request" }),
        "description": "React to approve or reject.",
        "color": color,
        "fields": fields,
        "footer": {"text": format!("ref {}", message_ref.clone().unwrap_or_default())},
    })
}
