//! Keyword / phrase features over normalised text (see `normalize.rs`).
//!
//! A leading space in a pattern means "starts a word", a trailing space "ends a word".
//! Each feature either adds weight to an intent or sets a tag used by the combination
//! rules in `rules.rs`. Intent features are negatable ("i dont want a refund") unless the
//! pattern carries its own negation ("didnt go through").

// Intent slots: the index of each intent in `Intent::ALL` (scores are kept in that order).
pub const REFUND_REQUEST: u8 = 0;
pub const WALLET_NOT_APPLIED: u8 = 1;
pub const DUPLICATE_CHARGE: u8 = 2;
pub const WRONG_AMOUNT: u8 = 3;
pub const PAYMENT_FAILED: u8 = 4;
pub const PAYMENT_PENDING: u8 = 5;
pub const REFUND_STATUS: u8 = 6;
pub const WALLET_BALANCE: u8 = 7;
pub const BUY_CREDITS: u8 = 8;
pub const AUTO_RECHARGE: u8 = 9;
pub const TRANSFER_CREDITS: u8 = 10;
pub const DISPUTE: u8 = 11;
pub const CANCEL_SUBSCRIPTION: u8 = 12;
pub const ESCALATE: u8 = 13;
pub const TICKET_STATUS: u8 = 14;
pub const UPDATE_PAYMENT_METHOD: u8 = 15;
pub const OTHER: u8 = 16;

// Tags (bits in a u32 mask = 1 << (tag - 32)).
pub const NEG: u8 = 32; // a negator: "dont", "not", "no", ...
pub const T_REFUND: u8 = 33; // money back mentioned, whatever the polarity
pub const T_STATUS: u8 = 34; // where / when / how long / still not / approved ...
pub const T_WALLET: u8 = 35; // wallet / credits / balance word
pub const T_CHOSE: u8 = 36; // chose / selected / paid with ...
pub const T_CARD: u8 = 37; // the card was charged / debited
pub const T_SAME: u8 = 38; // the balance did not change
pub const T_CASE: u8 = 39; // ticket / case word
pub const T_NEWS: u8 = 40; // news / update / status words
pub const T_WPAY: u8 = 41; // explicit "paid with wallet" phrase
pub const T_CHARGED: u8 = 42; // charged / billed / debited verb
pub const T_HOWTO: u8 = 43; // how do i / how can i / where can i
pub const T_RECEIVED: u8 = 44; // havent received / not arrived / not on my statement
pub const T_ACQ: u8 = 45; // add / need / get (more)
pub const T_MOVE: u8 = 46; // move / transfer / send / merge
pub const T_ACCOUNT: u8 = 47; // account / workspace
pub const T_UPDATE: u8 = 48; // update / change / replace / swap
pub const T_CARDWORD: u8 = 49; // card / payment method
pub const T_EXPECT: u8 = 50; // instead / supposed to / should have / thought it would
pub const T_PRICE: u8 = 51; // a stated price: plan says / pricing / quote / listed / contract
pub const T_PAID: u8 = 52; // the customer says they paid / sent the money
pub const T_NOTYET: u8 = 53; // still / not yet / hasnt / still waiting
pub const T_NOBODY: u8 = 54; // nobody / no one / zero / never
pub const T_REPLY: u8 = 55; // reply / answer / respond / heard back
pub const T_WAIT: u8 = 56; // waiting / waited / since
pub const T_MONEY: u8 = 57; // a payment-domain word: charge, payment, money, billed, invoice ...
pub const T_PROBLEM: u8 = 58; // a complaint cue: why, wrong, problem, fix, issue, help
pub const T_MULTI: u8 = 59; // three times / multiple times / several times
pub const T_TWO: u8 = 60; // two / 2 / deux / dos / zwei
pub const T_CHARGES: u8 = 61; // charges / debits / payments / transactions (plural)

pub const fn tag_bit(t: u8) -> u32 {
    1u32 << (t - 32)
}

/// (pattern, target, weight)
pub type Feature = (&'static str, u8, f32);

mod intents;
mod rounds;

/// Every feature, in the order the automaton numbers them (the order matters: an intent's
/// score is an f32 sum in match order): the first table per intent, then the later rounds.
pub const FEATURES: [&[Feature]; 2] = [intents::FEATURES, rounds::FEATURES];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::intent::Intent;

    #[test]
    fn each_intent_slot_is_that_intents_position_in_intent_all() {
        let slots = [
            (REFUND_REQUEST, "refund_request"),
            (WALLET_NOT_APPLIED, "wallet_not_applied"),
            (DUPLICATE_CHARGE, "duplicate_charge"),
            (WRONG_AMOUNT, "wrong_amount"),
            (PAYMENT_FAILED, "payment_failed"),
            (PAYMENT_PENDING, "payment_pending"),
            (REFUND_STATUS, "refund_status"),
            (WALLET_BALANCE, "wallet_balance"),
            (BUY_CREDITS, "buy_credits"),
            (AUTO_RECHARGE, "auto_recharge"),
            (TRANSFER_CREDITS, "transfer_credits"),
            (DISPUTE, "dispute"),
            (CANCEL_SUBSCRIPTION, "cancel_subscription"),
            (ESCALATE, "escalate"),
            (TICKET_STATUS, "ticket_status"),
            (UPDATE_PAYMENT_METHOD, "update_payment_method"),
            (OTHER, "other"),
        ];
        assert_eq!(slots.len(), Intent::ALL.len());
        for (slot, name) in slots {
            assert_eq!(Intent::ALL[usize::from(slot)].as_str(), name);
        }
    }
}
