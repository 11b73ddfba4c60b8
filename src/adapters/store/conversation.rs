//! What the store remembers of a conversation with a customer (migration 0012): the
//! language they write in, and the question back waiting for their answer. One small
//! function per query on `db::Exec`, as in the other area modules; `SqlTx` (`sql.rs`)
//! calls them for its four `StoreTx` methods.

use super::codec::{flag, time, ts};
use super::db::{sql, Exec};
use crate::app::ports::{CustomerLanguage, StoreError, StoreResult, StoredQuestion};
use crate::domain::ids::UserId;
use crate::domain::intent::Intent;
use crate::nlu::{Entities, Lang};

/// The readings of a question back, stored as their names joined by commas.
pub(super) fn choices_text(choices: &[Intent]) -> String {
    choices.iter().map(|i| i.as_str()).collect::<Vec<_>>().join(",")
}

pub(super) fn choices_parse(s: &str) -> StoreResult<Vec<Intent>> {
    s.split(',')
        .map(|name| {
            name.parse::<Intent>().ok().ok_or_else(|| StoreError::Corrupt(format!("bad question choice `{name}`")))
        })
        .collect()
}

/// The entities of the message a question is about, as a JSON object of the present ones
/// (names as in `Entities::iter`).
pub(super) fn entities_json(e: &Entities) -> String {
    let map: serde_json::Map<String, serde_json::Value> =
        e.iter().map(|(k, v)| (k.to_string(), serde_json::Value::from(v))).collect();
    serde_json::Value::Object(map).to_string()
}

pub(super) fn entities_parse(s: &str) -> StoreResult<Entities> {
    let map: std::collections::HashMap<String, String> =
        serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("bad question entities: {e}")))?;
    let get = |k: &str| map.get(k).cloned();
    Ok(Entities {
        amount: get("amount"),
        currency: get("currency"),
        transaction_id: get("transaction_id"),
        invoice_id: get("invoice_id"),
        card_last4: get("card_last4"),
        case_id: get("case_id"),
    })
}

/// The language a customer writes in, as last detected.
pub async fn customer_language(on: &mut impl Exec, user: &UserId) -> StoreResult<Option<CustomerLanguage>> {
    let q = sql("SELECT lang, fallback_noted FROM customer_languages WHERE user_id = $1");
    let Some(r) = on.optional(q.bind(user.as_str())).await? else { return Ok(None) };
    let code = r.text("lang")?;
    let lang = Lang::from_code(&code).ok_or_else(|| StoreError::Corrupt(format!("bad language `{code}`")))?;
    Ok(Some(CustomerLanguage { lang, fallback_noted: r.flag("fallback_noted")? }))
}

pub async fn set_customer_language(on: &mut impl Exec, user: &UserId, lang: &CustomerLanguage) -> StoreResult<()> {
    let q = sql("INSERT INTO customer_languages (user_id, lang, fallback_noted) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE SET lang = excluded.lang, fallback_noted = excluded.fallback_noted");
    on.execute(q.bind(user.as_str()).bind(lang.lang.code()).bind(flag(lang.fallback_noted))).await?;
    Ok(())
}

/// Keeps (or replaces) the question back waiting for this customer's answer.
pub async fn put_question(on: &mut impl Exec, user: &UserId, question: &StoredQuestion) -> StoreResult<()> {
    let q =
        sql("INSERT INTO pending_questions (user_id, choices, entities, text, asked_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (user_id) DO UPDATE SET choices = excluded.choices, entities = excluded.entities, \
         text = excluded.text, asked_at = excluded.asked_at")
        .bind(user.as_str())
        .bind(choices_text(&question.choices))
        .bind(entities_json(&question.entities))
        .bind(&question.text)
        .bind(ts(question.asked_at));
    on.execute(q).await?;
    Ok(())
}

/// Takes the customer's waiting question: one statement, so of two instances reading the
/// same answer, one gets the question.
pub async fn take_question(on: &mut impl Exec, user: &UserId) -> StoreResult<Option<StoredQuestion>> {
    let q = sql("DELETE FROM pending_questions WHERE user_id = $1 RETURNING choices, entities, text, asked_at");
    let Some(r) = on.optional(q.bind(user.as_str())).await? else { return Ok(None) };
    Ok(Some(StoredQuestion {
        choices: choices_parse(&r.text("choices")?)?,
        entities: entities_parse(&r.text("entities")?)?,
        text: r.text("text")?,
        asked_at: time(r.int("asked_at")?)?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_question_reads_back_as_it_was_asked() {
        let choices = [Intent::WrongAmount, Intent::RefundRequest, Intent::DuplicateCharge];
        assert_eq!(choices_parse(&choices_text(&choices)).ok(), Some(choices.to_vec()));
        let entities = Entities {
            amount: Some("20.60".into()),
            card_last4: Some("0005".into()),
            case_id: Some("RF-000001".into()),
            ..Entities::default()
        };
        assert_eq!(entities_parse(&entities_json(&entities)).ok(), Some(entities));
        assert_eq!(entities_parse(&entities_json(&Entities::default())).ok(), Some(Entities::default()));
    }

    #[test]
    fn a_damaged_question_is_reported_not_guessed() {
        assert!(matches!(choices_parse("wrong_amount,no_such_intent"), Err(StoreError::Corrupt(_))));
        assert!(matches!(entities_parse("[1, 2]"), Err(StoreError::Corrupt(_))));
    }
}
