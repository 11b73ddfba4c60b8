//! What the store remembers of a conversation with a customer (migration 0012): the
//! language they write in, and the question back waiting for their answer. Its SQL is
//! kept here, beside `sql.rs`, and expanded into each backend's `StoreTx` by
//! `conversation_methods!` (placeholders `$1…`, integers 64-bit on both, as in `sql.rs`).

use crate::app::ports::{StoreError, StoreResult};
use crate::domain::intent::Intent;
use crate::nlu::Entities;

/// The readings of a question back, stored as their names joined by commas.
pub(super) fn choices_text(choices: &[Intent]) -> String {
    choices.iter().map(|i| i.as_str()).collect::<Vec<_>>().join(",")
}

pub(super) fn choices_parse(s: &str) -> StoreResult<Vec<Intent>> {
    s.split(',').map(|name| name.parse::<Intent>().ok().ok_or_else(|| StoreError::Corrupt(format!("bad question choice `{name}`")))).collect()
}

/// The entities of the message a question is about, as a JSON object of the present ones
/// (names as in `Entities::iter`).
pub(super) fn entities_json(e: &Entities) -> String {
    let map: serde_json::Map<String, serde_json::Value> = e.iter().map(|(k, v)| (k.to_string(), serde_json::Value::from(v))).collect();
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

/// The SQL of this file as inherent methods of the transaction type `sql_store!` defines
/// (`$tx`); its `impl StoreTx` calls them (`#[async_trait]` only rewrites the methods it
/// sees written in that block, so they cannot be expanded inside it).
macro_rules! conversation_methods {
    ($tx:ident) => {
        impl $tx {
            pub(super) async fn conv_customer_language(&mut self, user: &UserId) -> StoreResult<Option<CustomerLanguage>> {
                let row = sqlx::query("SELECT lang, fallback_noted FROM customer_languages WHERE user_id = $1")
                    .bind(user.as_str())
                    .fetch_optional(&mut *self.tx)
                    .await?;
                let Some(r) = row else { return Ok(None) };
                let code: String = r.try_get("lang")?;
                let lang = crate::nlu::Lang::from_code(&code).ok_or_else(|| StoreError::Corrupt(format!("bad language `{code}`")))?;
                Ok(Some(CustomerLanguage { lang, fallback_noted: r.try_get::<i64, _>("fallback_noted")? != 0 }))
            }

            pub(super) async fn conv_set_customer_language(&mut self, user: &UserId, lang: &CustomerLanguage) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO customer_languages (user_id, lang, fallback_noted) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id) DO UPDATE SET lang = excluded.lang, fallback_noted = excluded.fallback_noted",
                )
                .bind(user.as_str())
                .bind(lang.lang.code())
                .bind(flag(lang.fallback_noted))
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }

            pub(super) async fn conv_put_question(&mut self, user: &UserId, q: &StoredQuestion) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO pending_questions (user_id, choices, entities, text, asked_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (user_id) DO UPDATE SET choices = excluded.choices, entities = excluded.entities, \
                 text = excluded.text, asked_at = excluded.asked_at",
                )
                .bind(user.as_str())
                .bind(crate::adapters::store::conversation::choices_text(&q.choices))
                .bind(crate::adapters::store::conversation::entities_json(&q.entities))
                .bind(&q.text)
                .bind(ts(q.asked_at))
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }

            pub(super) async fn conv_take_question(&mut self, user: &UserId) -> StoreResult<Option<StoredQuestion>> {
                // One statement: of two instances reading the same answer, one gets the question.
                let row = sqlx::query("DELETE FROM pending_questions WHERE user_id = $1 RETURNING choices, entities, text, asked_at")
                    .bind(user.as_str())
                    .fetch_optional(&mut *self.tx)
                    .await?;
                let Some(r) = row else { return Ok(None) };
                Ok(Some(StoredQuestion {
                    choices: crate::adapters::store::conversation::choices_parse(&r.try_get::<String, _>("choices")?)?,
                    entities: crate::adapters::store::conversation::entities_parse(&r.try_get::<String, _>("entities")?)?,
                    text: r.try_get("text")?,
                    asked_at: time(r.try_get("asked_at")?)?,
                }))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_question_reads_back_as_it_was_asked() {
        let choices = [Intent::WrongAmount, Intent::RefundRequest, Intent::DuplicateCharge];
        assert_eq!(choices_parse(&choices_text(&choices)).ok(), Some(choices.to_vec()));
        let entities =
            Entities { amount: Some("20.60".into()), card_last4: Some("0005".into()), case_id: Some("RF-000001".into()), ..Entities::default() };
        assert_eq!(entities_parse(&entities_json(&entities)).ok(), Some(entities));
        assert_eq!(entities_parse(&entities_json(&Entities::default())).ok(), Some(Entities::default()));
    }

    #[test]
    fn a_damaged_question_is_reported_not_guessed() {
        assert!(matches!(choices_parse("wrong_amount,no_such_intent"), Err(StoreError::Corrupt(_))));
        assert!(matches!(entities_parse("[1, 2]"), Err(StoreError::Corrupt(_))));
    }
}
