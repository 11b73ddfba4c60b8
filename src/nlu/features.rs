//! Keyword / phrase features over normalised text (see `normalize.rs`).
//!
//! A leading space in a pattern means "starts a word", a trailing space "ends a word".
//! Each feature either adds weight to an intent or sets a tag used by the combination
//! rules in `mod.rs`. Intent features are negatable ("i dont want a refund") unless the
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

#[rustfmt::skip]
pub const FEATURES: &[Feature] = &[
    // ---------------- negators ----------------
    (" dont ", NEG, 0.0), (" do not ", NEG, 0.0), (" does not ", NEG, 0.0), (" doesnt ", NEG, 0.0),
    (" not ", NEG, 0.0), (" no ", NEG, 0.0), (" didnt ", NEG, 0.0), (" did not ", NEG, 0.0),
    (" wasnt ", NEG, 0.0), (" was not ", NEG, 0.0), (" isnt ", NEG, 0.0), (" is not ", NEG, 0.0),
    (" without ", NEG, 0.0), (" nao ", NEG, 0.0), (" pas ", NEG, 0.0), (" ne veux ", NEG, 0.0),
    (" kein", NEG, 0.0), (" nicht ", NEG, 0.0), (" nunca ", NEG, 0.0), (" never ", NEG, 0.0),
    (" niet ", NEG, 0.0), (" non ", NEG, 0.0), (" dnt ", NEG, 0.0), (" dont want", NEG, 0.0),
    (" rather not ", NEG, 0.0), (" instead of ", NEG, 0.0), (" en lugar de ", NEG, 0.0),
    (" em vez de ", NEG, 0.0), (" au lieu de ", NEG, 0.0), (" statt ", NEG, 0.0),

    // ---------------- refund_request ----------------
    (" refund", REFUND_REQUEST, 1.4), (" refnd", REFUND_REQUEST, 1.2), (" refud", REFUND_REQUEST, 1.2), (" reufnd", REFUND_REQUEST, 1.2), (" rufund", REFUND_REQUEST, 1.2),
    (" refound", REFUND_REQUEST, 1.2), (" refunf", REFUND_REQUEST, 1.2), (" refun ", REFUND_REQUEST, 1.2), (" rfund", REFUND_REQUEST, 1.2),
    (" money back", REFUND_REQUEST, 1.3), (" my money", REFUND_REQUEST, 0.6), (" back ", REFUND_REQUEST, 0.4), (" can i have my ", REFUND_REQUEST, 0.4),
    (" reimburs", REFUND_REQUEST, 1.4), (" reembols", REFUND_REQUEST, 1.4), (" rembours", REFUND_REQUEST, 1.4), (" erstatt", REFUND_REQUEST, 1.4),
    (" ruckerstatt", REFUND_REQUEST, 1.2), (" geld zuruck", REFUND_REQUEST, 1.3), (" zuruckbekommen", REFUND_REQUEST, 1.0), (" devolu", REFUND_REQUEST, 1.1),
    (" devolv", REFUND_REQUEST, 1.1), (" estorn", REFUND_REQUEST, 1.2), (" rimbors", REFUND_REQUEST, 1.2), (" terugbetal", REFUND_REQUEST, 1.2),
    (" terugstort", REFUND_REQUEST, 1.2), (" geld terug", REFUND_REQUEST, 1.3), (" dinero de vuelta", REFUND_REQUEST, 1.2), (" meu dinheiro", REFUND_REQUEST, 0.8),
    (" mi dinero", REFUND_REQUEST, 0.8), (" mon argent", REFUND_REQUEST, 0.8), (" by mistake", REFUND_REQUEST, 0.5), (" by accident", REFUND_REQUEST, 0.5),
    (" accidentally", REFUND_REQUEST, 0.5), (" por error", REFUND_REQUEST, 0.5), (" par erreur", REFUND_REQUEST, 0.5), (" versehentlich", REFUND_REQUEST, 0.5),
    (" por engano", REFUND_REQUEST, 0.5), (" never worked", REFUND_REQUEST, 0.6), (" didnt use", REFUND_REQUEST, 0.4), (" not what i expected", REFUND_REQUEST, 0.6),
    (" isnt what i expected", REFUND_REQUEST, 0.6), (" cancel and refund", REFUND_REQUEST, 0.2), (" chargeback", T_REFUND, 0.0),

    // refund mention tags (any polarity)
    (" refund", T_REFUND, 0.0), (" refnd", T_REFUND, 0.0), (" refud", T_REFUND, 0.0), (" reembols", T_REFUND, 0.0),
    (" rembours", T_REFUND, 0.0), (" erstatt", T_REFUND, 0.0), (" ruckerstatt", T_REFUND, 0.0), (" estorn", T_REFUND, 0.0),
    (" reimburs", T_REFUND, 0.0), (" rimbors", T_REFUND, 0.0), (" terugbetal", T_REFUND, 0.0), (" money back", T_REFUND, 0.0),
    (" devolu", T_REFUND, 0.0), (" rufund", T_REFUND, 0.0), (" refound", T_REFUND, 0.0), (" rfund", T_REFUND, 0.0),

    // ---------------- refund_status (combined with T_REFUND) ----------------
    (" where is", T_STATUS, 0.0), (" wheres", T_STATUS, 0.0), (" where s ", T_STATUS, 0.0), (" when will", T_STATUS, 0.0),
    (" when do i", T_STATUS, 0.0), (" when can i expect", T_STATUS, 0.0), (" status", T_STATUS, 0.0),
    (" still not", T_STATUS, 0.0), (" still havent", T_STATUS, 0.0), (" not yet", T_STATUS, 0.0), (" yet ", T_STATUS, 0.0),
    (" how long", T_STATUS, 0.0), (" how many days", T_STATUS, 0.0), (" how many business days", T_STATUS, 0.0),
    (" show up", T_STATUS, 0.0), (" arrive", T_STATUS, 0.0), (" land", T_STATUS, 0.0), (" processed", T_STATUS, 0.0),
    (" approved", T_STATUS, 0.0), (" already", T_STATUS, 0.0), (" issued", T_STATUS, 0.0), (" any update", T_STATUS, 0.0),
    (" any news", T_STATUS, 0.0), (" still waiting", T_STATUS, 0.0), (" waiting for", T_STATUS, 0.0),
    (" havent received", T_STATUS, 0.0), (" havent got", T_STATUS, 0.0), (" didnt receive", T_STATUS, 0.0),
    (" not received", T_STATUS, 0.0), (" not on my", T_STATUS, 0.0), (" not showing", T_STATUS, 0.0), (" see it", T_STATUS, 0.0),
    (" cuanto tarda", T_STATUS, 0.0), (" cuando", T_STATUS, 0.0), (" aprobad", T_STATUS, 0.0), (" todavia", T_STATUS, 0.0),
    (" aun no", T_STATUS, 0.0), (" ya estaba", T_STATUS, 0.0), (" combien de temps", T_STATUS, 0.0), (" quand ", T_STATUS, 0.0),
    (" toujours pas", T_STATUS, 0.0), (" pas encore", T_STATUS, 0.0), (" deja ", T_STATUS, 0.0), (" valide", T_STATUS, 0.0),
    (" wann ", T_STATUS, 0.0), (" noch nicht", T_STATUS, 0.0), (" immer noch", T_STATUS, 0.0), (" wie lange", T_STATUS, 0.0),
    (" genehmigt", T_STATUS, 0.0), (" bereits", T_STATUS, 0.0), (" quando", T_STATUS, 0.0), (" ainda nao", T_STATUS, 0.0),
    (" quanto tempo", T_STATUS, 0.0), (" aprovad", T_STATUS, 0.0), (" cade ", T_STATUS, 0.0), (" ja foi", T_STATUS, 0.0),
    (" donde esta", T_STATUS, 0.0), (" ou en est", T_STATUS, 0.0), (" wo ist", T_STATUS, 0.0), (" progress", T_STATUS, 0.0),
    (" eta ", T_STATUS, 0.0), (" been a week", T_STATUS, 0.0), (" its been", T_STATUS, 0.0), (" still ", T_STATUS, 0.0),
    (" confirmed", T_STATUS, 0.0), (" promised", T_STATUS, 0.0), (" received", T_STATUS, 0.0), (" on its way", T_STATUS, 0.0),
    (" refund status", REFUND_STATUS, 3.0), (" status of my refund", REFUND_STATUS, 3.0), (" refund still", REFUND_STATUS, 1.5), (" refund hasnt", REFUND_STATUS, 2.0),
    (" refund has not", REFUND_STATUS, 2.0), (" refund is taking", REFUND_STATUS, 2.5), (" new refund", REFUND_STATUS, 1.0), (" got approval", REFUND_STATUS, 1.0),
    (" lands on my", REFUND_STATUS, 1.0), (" show up on my", REFUND_STATUS, 1.0), (" on my statement", REFUND_STATUS, 0.2),

    // ---------------- wallet_not_applied ----------------
    (" wallet", T_WALLET, 0.0), (" credits", T_WALLET, 0.0), (" credit ", T_WALLET, 0.0), (" balance", T_WALLET, 0.0),
    (" guthaben", T_WALLET, 0.0), (" saldo", T_WALLET, 0.0), (" portefeuille", T_WALLET, 0.0), (" solde", T_WALLET, 0.0),
    (" carteira", T_WALLET, 0.0), (" monedero", T_WALLET, 0.0), (" billetera", T_WALLET, 0.0), (" cartera", T_WALLET, 0.0),
    (" creditos", T_WALLET, 0.0), (" tegoed", T_WALLET, 0.0), (" prepaid", T_WALLET, 0.0), (" creditos", T_WALLET, 0.0),
    (" chose", T_CHOSE, 0.0), (" choose", T_CHOSE, 0.0), (" selected", T_CHOSE, 0.0), (" picked", T_CHOSE, 0.0),
    (" ticked", T_CHOSE, 0.0), (" checked", T_CHOSE, 0.0), (" pay with", T_CHOSE, 0.0), (" paid with", T_CHOSE, 0.0),
    (" paid using", T_CHOSE, 0.0), (" pay using", T_CHOSE, 0.0), (" pay from", T_CHOSE, 0.0), (" paid from", T_CHOSE, 0.0),
    (" use my", T_CHOSE, 0.0), (" used my", T_CHOSE, 0.0), (" using my", T_CHOSE, 0.0), (" option", T_CHOSE, 0.0),
    (" bezahlt", T_CHOSE, 0.0), (" ausgewahlt", T_CHOSE, 0.0), (" gewahlt", T_CHOSE, 0.0), (" elegi", T_CHOSE, 0.0),
    (" seleccione", T_CHOSE, 0.0), (" pague con", T_CHOSE, 0.0), (" pagar con", T_CHOSE, 0.0), (" choisi", T_CHOSE, 0.0),
    (" selectionne", T_CHOSE, 0.0), (" paye avec", T_CHOSE, 0.0), (" payer avec", T_CHOSE, 0.0), (" escolhi", T_CHOSE, 0.0),
    (" selecionei", T_CHOSE, 0.0), (" paguei com", T_CHOSE, 0.0), (" pagar com", T_CHOSE, 0.0), (" betaald met", T_CHOSE, 0.0),
    (" gekozen", T_CHOSE, 0.0), (" via ", T_CHOSE, 0.0),
    (" wallet payment", T_WPAY, 0.0), (" pay with wallet", T_WPAY, 0.0), (" pay with my wallet", T_WPAY, 0.0),
    (" paid with my wallet", T_WPAY, 0.0), (" paid with wallet", T_WPAY, 0.0), (" use my wallet", T_WPAY, 0.0),
    (" wallet credit", T_WPAY, 0.0), (" wallet was selected", T_WPAY, 0.0), (" pay from balance", T_WPAY, 0.0),
    (" pay from my balance", T_WPAY, 0.0), (" pay from wallet", T_WPAY, 0.0), (" wallet option", T_WPAY, 0.0),
    (" mit meinem guthaben", T_WPAY, 0.0), (" mit guthaben", T_WPAY, 0.0), (" con mi saldo", T_WPAY, 0.0),
    (" con el saldo", T_WPAY, 0.0), (" con saldo", T_WPAY, 0.0), (" con mis creditos", T_WPAY, 0.0), (" com meu saldo", T_WPAY, 0.0),
    (" com o saldo", T_WPAY, 0.0), (" com saldo", T_WPAY, 0.0), (" com meus creditos", T_WPAY, 0.0), (" com a carteira", T_WPAY, 0.0),
    (" avec mon solde", T_WPAY, 0.0), (" avec mon portefeuille", T_WPAY, 0.0), (" avec mes credits", T_WPAY, 0.0),
    (" avec le portefeuille", T_WPAY, 0.0), (" met mijn tegoed", T_WPAY, 0.0), (" pay with credits", T_WPAY, 0.0),
    (" paid with credits", T_WPAY, 0.0), (" paid with my credits", T_WPAY, 0.0), (" wallet balance instead", T_WPAY, 0.0),
    (" my card", T_CARD, 0.0), (" card got", T_CARD, 0.0), (" card was", T_CARD, 0.0), (" visa got", T_CARD, 0.0),
    (" visa was", T_CARD, 0.0), (" mastercard", T_CARD, 0.0), (" from my card", T_CARD, 0.0), (" on my card", T_CARD, 0.0),
    (" billed instead", T_CARD, 0.0), (" charged instead", T_CARD, 0.0), (" took the money", T_CARD, 0.0),
    (" card instead", T_CARD, 0.0), (" charged my", T_CARD, 0.0), (" charge my card", T_CARD, 0.0), (" got hit", T_CARD, 0.0),
    (" von meiner karte", T_CARD, 0.0), (" meine karte", T_CARD, 0.0), (" kreditkarte", T_CARD, 0.0), (" abgebucht", T_CARD, 0.0),
    (" mi tarjeta", T_CARD, 0.0), (" la tarjeta", T_CARD, 0.0), (" meu cartao", T_CARD, 0.0), (" no cartao", T_CARD, 0.0),
    (" do cartao", T_CARD, 0.0), (" ma carte", T_CARD, 0.0), (" sur la carte", T_CARD, 0.0), (" mijn kaart", T_CARD, 0.0),
    (" de kaart", T_CARD, 0.0), (" debited", T_CARD, 0.0), (" debite", T_CARD, 0.0), (" bank account", T_CARD, 0.0),
    (" paypal was", T_CARD, 0.0), (" card charged", T_CARD, 0.0), (" charged to my", T_CARD, 0.0),
    (" didnt move", T_SAME, 0.0), (" did not move", T_SAME, 0.0), (" same balance", T_SAME, 0.0), (" balance is the same", T_SAME, 0.0),
    (" untouched", T_SAME, 0.0), (" unchanged", T_SAME, 0.0), (" unverandert", T_SAME, 0.0), (" still shows the same", T_SAME, 0.0),
    (" still the same", T_SAME, 0.0), (" not deducted", T_SAME, 0.0), (" wasnt deducted", T_SAME, 0.0), (" never deducted", T_SAME, 0.0),
    (" werent used", T_SAME, 0.0), (" not used", T_SAME, 0.0), (" werent deducted", T_SAME, 0.0), (" nothing was deducted", T_SAME, 0.0),
    (" didnt go down", T_SAME, 0.0), (" did not go down", T_SAME, 0.0), (" hasnt changed", T_SAME, 0.0), (" didnt change", T_SAME, 0.0),
    (" no se desconto", T_SAME, 0.0), (" sigue igual", T_SAME, 0.0), (" mismo saldo", T_SAME, 0.0), (" intacto", T_SAME, 0.0),
    (" nao foi descontado", T_SAME, 0.0), (" continua igual", T_SAME, 0.0), (" mesmo saldo", T_SAME, 0.0), (" intact", T_SAME, 0.0),
    (" inchange", T_SAME, 0.0), (" pas bouge", T_SAME, 0.0), (" meme solde", T_SAME, 0.0), (" nicht abgezogen", T_SAME, 0.0),
    (" gleich geblieben", T_SAME, 0.0), (" onveranderd", T_SAME, 0.0), (" still has", T_SAME, 0.0), (" same as yesterday", T_SAME, 0.0),
    (" still there", T_SAME, 0.0), (" wallet still", T_SAME, 0.0), (" ignored my wallet", T_SAME, 0.0), (" instead of my wallet", WALLET_NOT_APPLIED, 2.5),
    (" instead of using my", WALLET_NOT_APPLIED, 2.5), (" instead of the wallet", WALLET_NOT_APPLIED, 2.5), (" instead of my credits", WALLET_NOT_APPLIED, 2.5),
    (" wallet wasnt used", WALLET_NOT_APPLIED, 3.0), (" wallet was not used", WALLET_NOT_APPLIED, 3.0), (" credits werent used", WALLET_NOT_APPLIED, 3.0), (" credits were not used", WALLET_NOT_APPLIED, 3.0),
    (" wallet didnt", WALLET_NOT_APPLIED, 1.5), (" wallet did nothing", WALLET_NOT_APPLIED, 2.0), (" wallet not applied", WALLET_NOT_APPLIED, 3.0), (" didnt use my wallet", WALLET_NOT_APPLIED, 2.5),
    (" didnt use my credits", WALLET_NOT_APPLIED, 2.5), (" didnt use the wallet", WALLET_NOT_APPLIED, 2.5),

    // ---------------- duplicate_charge ----------------
    (" twice", DUPLICATE_CHARGE, 2.5), (" twise", DUPLICATE_CHARGE, 2.5), (" twic ", DUPLICATE_CHARGE, 2.5), (" two times", DUPLICATE_CHARGE, 2.2), (" 2 times", DUPLICATE_CHARGE, 2.2),
    (" 2x", DUPLICATE_CHARGE, 1.8), (" double charge", DUPLICATE_CHARGE, 3.0), (" double charged", DUPLICATE_CHARGE, 3.0), (" doubled", DUPLICATE_CHARGE, 1.5),
    (" double billed", DUPLICATE_CHARGE, 3.0), (" double billing", DUPLICATE_CHARGE, 3.0), (" billed double", DUPLICATE_CHARGE, 3.0), (" charged double", DUPLICATE_CHARGE, 3.0),
    (" duplicate", DUPLICATE_CHARGE, 1.2), (" duplicate charge", DUPLICATE_CHARGE, 3.0), (" duplicate payment", DUPLICATE_CHARGE, 3.0), (" duplicate transaction", DUPLICATE_CHARGE, 3.0), (" duplicated", DUPLICATE_CHARGE, 3.0), (" dupe", DUPLICATE_CHARGE, 2.0), (" two charges", DUPLICATE_CHARGE, 2.8), (" 2 charges", DUPLICATE_CHARGE, 2.8),
    (" three charges", DUPLICATE_CHARGE, 2.8), (" 3 charges", DUPLICATE_CHARGE, 2.8), (" identical charges", DUPLICATE_CHARGE, 3.0), (" identical payments", DUPLICATE_CHARGE, 3.0),
    (" two identical", DUPLICATE_CHARGE, 3.0), (" same charge", DUPLICATE_CHARGE, 1.5), (" two lines", DUPLICATE_CHARGE, 2.5), (" two payments", DUPLICATE_CHARGE, 2.5),
    (" 2 payments", DUPLICATE_CHARGE, 2.5), (" same purchase", DUPLICATE_CHARGE, 1.5), (" same order", DUPLICATE_CHARGE, 1.0), (" same invoice", DUPLICATE_CHARGE, 0.6),
    (" same amount", DUPLICATE_CHARGE, 0.8), (" charged again", DUPLICATE_CHARGE, 1.2), (" billed again", DUPLICATE_CHARGE, 1.0), (" pay once", DUPLICATE_CHARGE, 1.5),
    (" paid once", DUPLICATE_CHARGE, 1.5), (" only once", DUPLICATE_CHARGE, 1.0), (" three times", DUPLICATE_CHARGE, 0.8), (" 3 times", DUPLICATE_CHARGE, 0.8), (" multiple times", DUPLICATE_CHARGE, 1.0),
    (" deux fois", DUPLICATE_CHARGE, 3.0), (" doublon", DUPLICATE_CHARGE, 3.0), (" en double", DUPLICATE_CHARGE, 3.0), (" double prelevement", DUPLICATE_CHARGE, 3.0), (" debite 2 fois", DUPLICATE_CHARGE, 3.0),
    (" dos veces", DUPLICATE_CHARGE, 3.0), (" duplicado", DUPLICATE_CHARGE, 3.0), (" cobro doble", DUPLICATE_CHARGE, 3.0), (" doble cargo", DUPLICATE_CHARGE, 3.0), (" doble cobro", DUPLICATE_CHARGE, 3.0),
    (" cobrado doble", DUPLICATE_CHARGE, 3.0), (" duas vezes", DUPLICATE_CHARGE, 3.0), (" duplicada", DUPLICATE_CHARGE, 3.0), (" cobranca dupla", DUPLICATE_CHARGE, 3.0), (" em dobro", DUPLICATE_CHARGE, 3.0),
    (" doppelt", DUPLICATE_CHARGE, 3.0), (" zweimal", DUPLICATE_CHARGE, 3.0), (" zwei mal", DUPLICATE_CHARGE, 3.0), (" due volte", DUPLICATE_CHARGE, 3.0), (" twee keer", DUPLICATE_CHARGE, 3.0),
    (" dubbel", DUPLICATE_CHARGE, 3.0), (" both went through", DUPLICATE_CHARGE, 2.0), (" went through twice", DUPLICATE_CHARGE, 3.0),

    // ---------------- wrong_amount ----------------
    (" wrong amount", WRONG_AMOUNT, 3.0), (" incorrect amount", WRONG_AMOUNT, 3.0), (" different amount", WRONG_AMOUNT, 2.5), (" wrong price", WRONG_AMOUNT, 3.0),
    (" overcharged", WRONG_AMOUNT, 3.0), (" over charged", WRONG_AMOUNT, 3.0), (" overcharge", WRONG_AMOUNT, 3.0), (" charged more", WRONG_AMOUNT, 2.5), (" more than", WRONG_AMOUNT, 1.2),
    (" higher than", WRONG_AMOUNT, 2.0), (" way higher", WRONG_AMOUNT, 2.5), (" much higher", WRONG_AMOUNT, 2.5), (" too much", WRONG_AMOUNT, 1.8), (" cheaper", WRONG_AMOUNT, 2.0),
    (" less than", WRONG_AMOUNT, 1.0), (" way less", WRONG_AMOUNT, 2.0), (" price we agreed", WRONG_AMOUNT, 2.5), (" agreed", WRONG_AMOUNT, 1.2), (" quote said", WRONG_AMOUNT, 2.0),
    (" quoted", WRONG_AMOUNT, 1.8), (" the quote", WRONG_AMOUNT, 0.8), (" pricing page", WRONG_AMOUNT, 1.5), (" listed", WRONG_AMOUNT, 1.0), (" advertised", WRONG_AMOUNT, 1.5),
    (" should have been", WRONG_AMOUNT, 1.8), (" should be", WRONG_AMOUNT, 0.8), (" expected to pay", WRONG_AMOUNT, 1.5), (" difference", WRONG_AMOUNT, 0.8), (" the difference between", OTHER, 1.5), (" refund the difference", WRONG_AMOUNT, 2.0),
    (" checkout said", WRONG_AMOUNT, 1.5), (" checkout showed", WRONG_AMOUNT, 1.5), (" price was", WRONG_AMOUNT, 1.0), (" price is", WRONG_AMOUNT, 0.8), (" the price", WRONG_AMOUNT, 0.6),
    (" extra fee", WRONG_AMOUNT, 1.5), (" hidden fee", WRONG_AMOUNT, 2.0), (" vat ", WRONG_AMOUNT, 0.8), (" tax ", WRONG_AMOUNT, 0.6), (" discount wasnt applied", WRONG_AMOUNT, 2.5),
    (" coupon", WRONG_AMOUNT, 1.2), (" promo code", WRONG_AMOUNT, 1.2), (" not the price", WRONG_AMOUNT, 2.0), (" wrong total", WRONG_AMOUNT, 3.0), (" amount is wrong", WRONG_AMOUNT, 3.0),
    (" amount was wrong", WRONG_AMOUNT, 3.0), (" wrong charge", WRONG_AMOUNT, 2.0), (" custa menos", WRONG_AMOUNT, 2.5), (" valor errado", WRONG_AMOUNT, 3.0),
    (" valor esta errado", WRONG_AMOUNT, 3.0), (" valor incorreto", WRONG_AMOUNT, 3.0), (" cobrado a mais", WRONG_AMOUNT, 3.0), (" cobraram a mais", WRONG_AMOUNT, 3.0),
    (" mais caro", WRONG_AMOUNT, 2.0), (" monto incorrecto", WRONG_AMOUNT, 3.0), (" importe incorrecto", WRONG_AMOUNT, 3.0), (" cobraron de mas", WRONG_AMOUNT, 3.0),
    (" cobrado de mas", WRONG_AMOUNT, 3.0), (" mas caro", WRONG_AMOUNT, 2.0), (" cuesta menos", WRONG_AMOUNT, 2.5), (" precio", WRONG_AMOUNT, 0.8), (" montant incorrect", WRONG_AMOUNT, 3.0),
    (" mauvais montant", WRONG_AMOUNT, 3.0), (" trop factur", WRONG_AMOUNT, 3.0), (" trop paye", WRONG_AMOUNT, 2.5), (" plus cher", WRONG_AMOUNT, 2.0), (" coute moins", WRONG_AMOUNT, 2.5),
    (" prix", WRONG_AMOUNT, 0.8), (" falscher betrag", WRONG_AMOUNT, 3.0), (" falschen betrag", WRONG_AMOUNT, 3.0), (" zu viel", WRONG_AMOUNT, 2.5), (" teurer", WRONG_AMOUNT, 2.0),
    (" preis", WRONG_AMOUNT, 0.8), (" importo sbagliato", WRONG_AMOUNT, 3.0), (" verkeerde bedrag", WRONG_AMOUNT, 3.0), (" te veel", WRONG_AMOUNT, 2.5),

    // ---------------- payment_failed ----------------
    (" declined", PAYMENT_FAILED, 2.5), (" decline", PAYMENT_FAILED, 2.2), (" declind", PAYMENT_FAILED, 2.5), (" declinded", PAYMENT_FAILED, 2.5), (" denied", PAYMENT_FAILED, 1.8),
    (" payment failed", PAYMENT_FAILED, 3.0), (" failed", PAYMENT_FAILED, 2.0), (" fails", PAYMENT_FAILED, 2.0), (" failing", PAYMENT_FAILED, 2.0), (" fail ", PAYMENT_FAILED, 1.8),
    (" failure", PAYMENT_FAILED, 2.0), (" payment error", PAYMENT_FAILED, 2.5), (" error", PAYMENT_FAILED, 0.9), (" rejected", PAYMENT_FAILED, 2.2), (" refused", PAYMENT_FAILED, 2.2),
    (" didnt go through", PAYMENT_FAILED, 2.5), (" didnt go thru", PAYMENT_FAILED, 2.5), (" dint go thru", PAYMENT_FAILED, 2.5), (" dint go through", PAYMENT_FAILED, 2.5),
    (" did not go through", PAYMENT_FAILED, 2.5), (" doesnt go through", PAYMENT_FAILED, 2.5), (" wont go through", PAYMENT_FAILED, 2.5), (" not going through", PAYMENT_FAILED, 2.5),
    (" wont go thru", PAYMENT_FAILED, 2.5), (" not go through", PAYMENT_FAILED, 2.5), (" cant pay", PAYMENT_FAILED, 2.0), (" cannot pay", PAYMENT_FAILED, 2.0), (" couldnt pay", PAYMENT_FAILED, 2.0),
    (" unable to pay", PAYMENT_FAILED, 2.2), (" cant complete", PAYMENT_FAILED, 1.8), (" couldnt complete", PAYMENT_FAILED, 1.8), (" something went wrong", PAYMENT_FAILED, 2.0),
    (" went wrong", PAYMENT_FAILED, 1.2), (" not accepted", PAYMENT_FAILED, 2.2), (" wont accept", PAYMENT_FAILED, 2.2), (" doesnt accept", PAYMENT_FAILED, 1.5), (" insufficient", PAYMENT_FAILED, 1.5),
    (" tried again", PAYMENT_FAILED, 1.0), (" tryed again", PAYMENT_FAILED, 1.0), (" tried to pay", PAYMENT_FAILED, 1.2), (" try to pay", PAYMENT_FAILED, 1.2), (" keeps failing", PAYMENT_FAILED, 2.5),
    (" same thing", PAYMENT_FAILED, 0.4), (" spins", PAYMENT_FAILED, 1.2), (" nothing charged", PAYMENT_FAILED, 1.2), (" wasnt charged", PAYMENT_FAILED, 0.8), (" bounced", PAYMENT_FAILED, 2.0),
    (" not working", PAYMENT_FAILED, 0.6), (" doesnt work", PAYMENT_FAILED, 0.5), (" wont work", PAYMENT_FAILED, 0.5), (" 3d secure", PAYMENT_FAILED, 1.5), (" 3ds", PAYMENT_FAILED, 1.5),
    (" rechaz", PAYMENT_FAILED, 2.5), (" denegad", PAYMENT_FAILED, 2.5), (" fallo", PAYMENT_FAILED, 2.2), (" fallido", PAYMENT_FAILED, 2.2), (" no pude pagar", PAYMENT_FAILED, 2.5),
    (" no puedo pagar", PAYMENT_FAILED, 2.5), (" no se proceso", PAYMENT_FAILED, 2.0), (" error al pagar", PAYMENT_FAILED, 2.5), (" refuse", PAYMENT_FAILED, 2.2), (" echoue", PAYMENT_FAILED, 2.5),
    (" echec", PAYMENT_FAILED, 2.5), (" impossible de payer", PAYMENT_FAILED, 2.5), (" ne passe pas", PAYMENT_FAILED, 2.5), (" na pas fonctionne", PAYMENT_FAILED, 1.5),
    (" abgelehnt", PAYMENT_FAILED, 2.5), (" fehlgeschlagen", PAYMENT_FAILED, 2.5), (" zahlung geht nicht", PAYMENT_FAILED, 2.5), (" funktioniert nicht", PAYMENT_FAILED, 1.0),
    (" fehler", PAYMENT_FAILED, 0.6), (" recusad", PAYMENT_FAILED, 2.5), (" falhou", PAYMENT_FAILED, 2.5), (" nao passa", PAYMENT_FAILED, 2.0), (" nao consigo pagar", PAYMENT_FAILED, 2.5),
    (" erro ", PAYMENT_FAILED, 1.0), (" negad", PAYMENT_FAILED, 2.0), (" rifiutat", PAYMENT_FAILED, 2.5), (" mislukt", PAYMENT_FAILED, 2.5), (" geweigerd", PAYMENT_FAILED, 2.5),

    // ---------------- payment_pending ----------------
    (" pending", PAYMENT_PENDING, 2.5), (" pendng", PAYMENT_PENDING, 2.5), (" processing", PAYMENT_PENDING, 2.2), (" not confirmed", PAYMENT_PENDING, 2.5), (" unconfirmed", PAYMENT_PENDING, 2.5),
    (" awaiting confirmation", PAYMENT_PENDING, 3.0), (" awaiting payment", PAYMENT_PENDING, 2.5), (" awaiting", PAYMENT_PENDING, 1.5), (" stuck", PAYMENT_PENDING, 1.5),
    (" in progress", PAYMENT_PENDING, 1.2), (" credits not added", PAYMENT_PENDING, 2.0), (" not added", PAYMENT_PENDING, 1.5), (" not credited", PAYMENT_PENDING, 2.0),
    (" havent been added", PAYMENT_PENDING, 2.0), (" not showing up", PAYMENT_PENDING, 1.0), (" hasnt cleared", PAYMENT_PENDING, 2.0), (" not cleared", PAYMENT_PENDING, 2.0),
    (" still unpaid", PAYMENT_PENDING, 2.0), (" shows unpaid", PAYMENT_PENDING, 2.0), (" marked as unpaid", PAYMENT_PENDING, 2.0), (" invoice still open", PAYMENT_PENDING, 1.5),
    (" money left my account", PAYMENT_PENDING, 1.5), (" went through on my side", PAYMENT_PENDING, 1.5), (" on hold", PAYMENT_PENDING, 2.0),
    (" pendiente", PAYMENT_PENDING, 2.5), (" procesando", PAYMENT_PENDING, 2.5), (" en proceso", PAYMENT_PENDING, 2.0), (" sin confirmar", PAYMENT_PENDING, 2.5), (" en attente", PAYMENT_PENDING, 2.5),
    (" en cours de traitement", PAYMENT_PENDING, 2.5), (" pas confirme", PAYMENT_PENDING, 2.5), (" ausstehend", PAYMENT_PENDING, 2.5), (" in bearbeitung", PAYMENT_PENDING, 2.5),
    (" nicht bestatigt", PAYMENT_PENDING, 2.5), (" noch offen", PAYMENT_PENDING, 1.5), (" pendente", PAYMENT_PENDING, 2.5), (" processando", PAYMENT_PENDING, 2.5), (" em processamento", PAYMENT_PENDING, 2.5),
    (" nao confirmad", PAYMENT_PENDING, 2.5), (" aguardando", PAYMENT_PENDING, 2.0), (" in attesa", PAYMENT_PENDING, 2.5), (" in behandeling", PAYMENT_PENDING, 2.5), (" in afwachting", PAYMENT_PENDING, 2.5),

    // ---------------- wallet_balance ----------------
    (" balance", WALLET_BALANCE, 0.9), (" ballance", WALLET_BALANCE, 0.9), (" my balance", WALLET_BALANCE, 1.4), (" wallet balance", WALLET_BALANCE, 1.0), (" check my balance", WALLET_BALANCE, 1.5),
    (" how many credits", WALLET_BALANCE, 2.2), (" how many im credits", WALLET_BALANCE, 2.2), (" credits left", WALLET_BALANCE, 2.2), (" credits do i have", WALLET_BALANCE, 2.5),
    (" credits do we have", WALLET_BALANCE, 2.5), (" have left", WALLET_BALANCE, 1.2), (" is left", WALLET_BALANCE, 1.5), (" are left", WALLET_BALANCE, 1.5), (" left on", WALLET_BALANCE, 1.2),
    (" remaining", WALLET_BALANCE, 1.0), (" how much credit", WALLET_BALANCE, 2.0), (" how much is in", WALLET_BALANCE, 1.5), (" how much money", WALLET_BALANCE, 1.0),
    (" wallet below", WALLET_BALANCE, 2.0), (" running low", WALLET_BALANCE, 1.2), (" run out", WALLET_BALANCE, 0.8), (" remaining credits", WALLET_BALANCE, 1.5),
    (" credit balance", WALLET_BALANCE, 1.5), (" current balance", WALLET_BALANCE, 1.8), (" how much do i have", WALLET_BALANCE, 1.8), (" how much have i got", WALLET_BALANCE, 1.8),
    (" saldo", WALLET_BALANCE, 1.0), (" guthaben", WALLET_BALANCE, 0.8), (" solde", WALLET_BALANCE, 1.0), (" tegoed", WALLET_BALANCE, 0.6), (" me reste", WALLET_BALANCE, 2.0), (" il reste", WALLET_BALANCE, 1.5),
    (" reste t il", WALLET_BALANCE, 2.0), (" combien de credits", WALLET_BALANCE, 1.5), (" restant", WALLET_BALANCE, 1.2), (" cuantos creditos", WALLET_BALANCE, 2.0),
    (" me quedan", WALLET_BALANCE, 2.0), (" quedan", WALLET_BALANCE, 1.2), (" cuanto saldo", WALLET_BALANCE, 2.0), (" quantos creditos", WALLET_BALANCE, 2.0), (" me restam", WALLET_BALANCE, 2.0),
    (" restam", WALLET_BALANCE, 1.2), (" quanto saldo", WALLET_BALANCE, 2.0), (" wie viel guthaben", WALLET_BALANCE, 2.0), (" wieviel guthaben", WALLET_BALANCE, 2.0),
    (" wie viele credits", WALLET_BALANCE, 2.0), (" ubrig", WALLET_BALANCE, 1.5), (" verbleibend", WALLET_BALANCE, 1.5), (" hoeveel", WALLET_BALANCE, 1.0), (" resterend", WALLET_BALANCE, 1.2),
    (" quanti crediti", WALLET_BALANCE, 2.0),

    // ---------------- buy_credits ----------------
    (" buy", BUY_CREDITS, 1.6), (" purchase", BUY_CREDITS, 1.0), (" top up", BUY_CREDITS, 1.8), (" topup", BUY_CREDITS, 1.8), (" top off", BUY_CREDITS, 1.5),
    (" add credits", BUY_CREDITS, 2.2), (" add more credits", BUY_CREDITS, 2.5), (" add ", BUY_CREDITS, 0.5), (" more credits", BUY_CREDITS, 1.5), (" bulk", BUY_CREDITS, 1.0),
    (" recharge my", BUY_CREDITS, 1.5), (" recharge", BUY_CREDITS, 0.8), (" reload my", BUY_CREDITS, 1.2), (" refill", BUY_CREDITS, 1.2), (" order credits", BUY_CREDITS, 2.0),
    (" get more credits", BUY_CREDITS, 2.0), (" need credits", BUY_CREDITS, 1.8), (" need more credits", BUY_CREDITS, 2.2), (" credit pack", BUY_CREDITS, 1.5),
    (" load money", BUY_CREDITS, 1.5), (" add funds", BUY_CREDITS, 2.2), (" fund my wallet", BUY_CREDITS, 2.2), (" add money", BUY_CREDITS, 2.0),
    (" aufladen", BUY_CREDITS, 2.2), (" kaufen", BUY_CREDITS, 2.0), (" nachkaufen", BUY_CREDITS, 2.5), (" comprar", BUY_CREDITS, 2.0), (" recargar", BUY_CREDITS, 2.0),
    (" recarregar", BUY_CREDITS, 2.0), (" acheter", BUY_CREDITS, 2.0), (" recharger", BUY_CREDITS, 2.0), (" crediter", BUY_CREDITS, 1.5), (" kopen", BUY_CREDITS, 2.0),
    (" opwaarderen", BUY_CREDITS, 2.2), (" acquistare", BUY_CREDITS, 2.0), (" ricaricare", BUY_CREDITS, 2.0),

    // ---------------- auto_recharge ----------------
    (" auto recharge", AUTO_RECHARGE, 3.5), (" autorecharge", AUTO_RECHARGE, 3.5), (" auto top up", AUTO_RECHARGE, 3.5), (" auto topup", AUTO_RECHARGE, 3.5),
    (" automatic top up", AUTO_RECHARGE, 3.5), (" automatic topup", AUTO_RECHARGE, 3.5), (" auto reload", AUTO_RECHARGE, 3.5), (" autoreload", AUTO_RECHARGE, 3.5),
    (" automatic recharg", AUTO_RECHARGE, 3.5), (" auto recharg", AUTO_RECHARGE, 3.5), (" automatically top", AUTO_RECHARGE, 3.0), (" automatic reload", AUTO_RECHARGE, 3.5), (" auto refill", AUTO_RECHARGE, 3.5), (" autorefill", AUTO_RECHARGE, 3.5),
    (" automatic refill", AUTO_RECHARGE, 3.5), (" auto recarga", AUTO_RECHARGE, 3.5), (" automatically top", AUTO_RECHARGE, 3.0), (" automatically recharge", AUTO_RECHARGE, 3.0),
    (" automatically buy", AUTO_RECHARGE, 3.0), (" automatically add", AUTO_RECHARGE, 3.0), (" automatically reload", AUTO_RECHARGE, 3.0), (" auto purchase", AUTO_RECHARGE, 3.0),
    (" auto buy", AUTO_RECHARGE, 3.0), (" auto charge", AUTO_RECHARGE, 2.0), (" recurring top", AUTO_RECHARGE, 3.0), (" when i drop below", AUTO_RECHARGE, 2.0),
    (" drops below", AUTO_RECHARGE, 1.5), (" falls under", AUTO_RECHARGE, 1.5), (" falls below", AUTO_RECHARGE, 1.5), (" goes below", AUTO_RECHARGE, 1.5), (" threshold", AUTO_RECHARGE, 3.0),
    (" recarga automatica", AUTO_RECHARGE, 3.5), (" recargar automaticamente", AUTO_RECHARGE, 3.5), (" recharge automatique", AUTO_RECHARGE, 3.5),
    (" rechargement automatique", AUTO_RECHARGE, 3.5), (" recharger automatiquement", AUTO_RECHARGE, 3.5), (" automatische aufladung", AUTO_RECHARGE, 3.5),
    (" automatisch aufladen", AUTO_RECHARGE, 3.5), (" automatisches aufladen", AUTO_RECHARGE, 3.5), (" auto aufladung", AUTO_RECHARGE, 3.5),
    (" recarga automatica", AUTO_RECHARGE, 3.5), (" recarregamento automatico", AUTO_RECHARGE, 3.5), (" recarregar automaticamente", AUTO_RECHARGE, 3.5),
    (" ricarica automatica", AUTO_RECHARGE, 3.5), (" automatisch opwaarderen", AUTO_RECHARGE, 3.5), (" automatische opwaardering", AUTO_RECHARGE, 3.5),

    // ---------------- transfer_credits ----------------
    (" transfer", TRANSFER_CREDITS, 1.8), (" trasnfer", TRANSFER_CREDITS, 1.8), (" tranfer", TRANSFER_CREDITS, 1.8), (" move my credits", TRANSFER_CREDITS, 3.0), (" move credits", TRANSFER_CREDITS, 3.0),
    (" move the credits", TRANSFER_CREDITS, 3.0), (" move my balance", TRANSFER_CREDITS, 3.0), (" move our credits", TRANSFER_CREDITS, 3.0), (" moved to", TRANSFER_CREDITS, 1.8),
    (" move them to", TRANSFER_CREDITS, 2.0), (" move it to", TRANSFER_CREDITS, 1.5), (" to my other", TRANSFER_CREDITS, 1.5), (" other workspace", TRANSFER_CREDITS, 1.5),
    (" another workspace", TRANSFER_CREDITS, 1.5), (" another account", TRANSFER_CREDITS, 1.5), (" other account", TRANSFER_CREDITS, 1.5), (" new account", TRANSFER_CREDITS, 1.0),
    (" to my account", TRANSFER_CREDITS, 0.8), (" clients account", TRANSFER_CREDITS, 1.0), (" to our", TRANSFER_CREDITS, 0.5), (" merge", TRANSFER_CREDITS, 1.0), (" share credits", TRANSFER_CREDITS, 2.0),
    (" give credits", TRANSFER_CREDITS, 2.0), (" send credits", TRANSFER_CREDITS, 2.0), (" send my credits", TRANSFER_CREDITS, 2.0), (" overzetten", TRANSFER_CREDITS, 3.0), (" overdragen", TRANSFER_CREDITS, 3.0),
    (" overboeken", TRANSFER_CREDITS, 3.0), (" transferir", TRANSFER_CREDITS, 3.0), (" transfiera", TRANSFER_CREDITS, 3.0), (" pasar mis creditos", TRANSFER_CREDITS, 3.0), (" mover", TRANSFER_CREDITS, 1.5),
    (" otra cuenta", TRANSFER_CREDITS, 1.5), (" outra conta", TRANSFER_CREDITS, 1.5), (" transferer", TRANSFER_CREDITS, 3.0), (" transfert", TRANSFER_CREDITS, 2.5), (" autre compte", TRANSFER_CREDITS, 1.5),
    (" deplacer", TRANSFER_CREDITS, 1.5), (" ubertragen", TRANSFER_CREDITS, 3.0), (" ubertrag", TRANSFER_CREDITS, 2.5), (" anderes konto", TRANSFER_CREDITS, 1.5), (" anderen account", TRANSFER_CREDITS, 1.5),
    (" umbuchen", TRANSFER_CREDITS, 3.0), (" trasferire", TRANSFER_CREDITS, 3.0), (" ander account", TRANSFER_CREDITS, 1.5), (" bank transfer", TRANSFER_CREDITS, -1.8), (" wire transfer", TRANSFER_CREDITS, -1.8),
    (" transferencia bancaria", TRANSFER_CREDITS, -3.0), (" virement", TRANSFER_CREDITS, -1.0), (" uberweisung", TRANSFER_CREDITS, -1.0),

    // ---------------- dispute ----------------
    (" unauthori", DISPUTE, 3.0), (" unauthoti", DISPUTE, 3.0), (" not authori", DISPUTE, 3.0), (" didnt authori", DISPUTE, 3.0), (" did not authori", DISPUTE, 3.0),
    (" never authori", DISPUTE, 3.0), (" without my permission", DISPUTE, 3.0), (" without authori", DISPUTE, 3.0), (" without my consent", DISPUTE, 3.0),
    (" fraud", DISPUTE, 3.0), (" chargeback", DISPUTE, 3.0), (" charge back", DISPUTE, 2.5), (" dispute", DISPUTE, 3.0), (" disputing", DISPUTE, 3.0),
    (" stolen", DISPUTE, 2.5), (" wasnt me", DISPUTE, 2.5), (" was not me", DISPUTE, 2.5), (" not me", DISPUTE, 1.2), (" never made", DISPUTE, 2.5),
    (" i never made", DISPUTE, 1.0), (" someone used my", DISPUTE, 3.0), (" somebody used my", DISPUTE, 3.0), (" dont recogni", DISPUTE, 2.8),
    (" do not recogni", DISPUTE, 2.8), (" didnt recogni", DISPUTE, 2.8), (" unrecogni", DISPUTE, 2.8), (" dont know what this charge", DISPUTE, 2.5),
    (" unknown charge", DISPUTE, 2.5), (" with my bank", DISPUTE, 1.5), (" to my bank", DISPUTE, 1.5), (" my bank", DISPUTE, 0.4),
    (" contact my bank", DISPUTE, 1.0), (" dont even have an account", DISPUTE, 2.0), (" never signed up", DISPUTE, 2.0), (" hacked", DISPUTE, 2.5),
    (" scam", DISPUTE, 2.0), (" reverse the charge", DISPUTE, 1.5), (" nicht autoris", DISPUTE, 3.0), (" ohne meine zustimmung", DISPUTE, 3.0),
    (" betrug", DISPUTE, 3.0), (" zuruckbuch", DISPUTE, 2.5), (" ruckbuchung", DISPUTE, 2.5), (" widerspruch", DISPUTE, 2.0), (" nicht erkenne", DISPUTE, 2.5),
    (" no autoric", DISPUTE, 3.0), (" no autoriz", DISPUTE, 3.0), (" sin autoriz", DISPUTE, 3.0), (" fraude", DISPUTE, 3.0), (" no reconozco", DISPUTE, 2.8),
    (" disputa", DISPUTE, 3.0), (" contracargo", DISPUTE, 3.0), (" nao autoriz", DISPUTE, 3.0), (" sem autoriz", DISPUTE, 3.0), (" nao reconheco", DISPUTE, 2.8),
    (" contestar", DISPUTE, 2.5), (" contestacao", DISPUTE, 3.0), (" pas autorise", DISPUTE, 3.0), (" non autorise", DISPUTE, 3.0), (" jamais autorise", DISPUTE, 3.0),
    (" contester", DISPUTE, 2.5), (" contestation", DISPUTE, 3.0), (" opposition", DISPUTE, 2.0), (" litige", DISPUTE, 3.0), (" je ne reconnais pas", DISPUTE, 2.8),
    (" non autorizzat", DISPUTE, 3.0), (" frode", DISPUTE, 3.0), (" niet geautoriseerd", DISPUTE, 3.0), (" ongeautoriseerd", DISPUTE, 3.0),

    // ---------------- cancel_subscription ----------------
    (" cancel", CANCEL_SUBSCRIPTION, 2.4), (" cancle", CANCEL_SUBSCRIPTION, 2.4), (" cancl", CANCEL_SUBSCRIPTION, 2.4), (" cansel", CANCEL_SUBSCRIPTION, 2.4), (" cancell", CANCEL_SUBSCRIPTION, 0.1), (" canel", CANCEL_SUBSCRIPTION, 2.2),
    (" terminate", CANCEL_SUBSCRIPTION, 2.4), (" termination", CANCEL_SUBSCRIPTION, 2.2), (" unsubscribe", CANCEL_SUBSCRIPTION, 2.8), (" end our", CANCEL_SUBSCRIPTION, 1.6), (" end my", CANCEL_SUBSCRIPTION, 1.6),
    (" end the subscription", CANCEL_SUBSCRIPTION, 2.5), (" stop the subscription", CANCEL_SUBSCRIPTION, 2.8), (" stop my subscription", CANCEL_SUBSCRIPTION, 2.8),
    (" stop our subscription", CANCEL_SUBSCRIPTION, 2.8), (" stop my plan", CANCEL_SUBSCRIPTION, 2.5), (" stop the plan", CANCEL_SUBSCRIPTION, 2.5), (" from renewing", CANCEL_SUBSCRIPTION, 2.0),
    (" stop renewing", CANCEL_SUBSCRIPTION, 2.5), (" turn off renewal", CANCEL_SUBSCRIPTION, 2.5), (" auto renew", CANCEL_SUBSCRIPTION, 1.5), (" autorenew", CANCEL_SUBSCRIPTION, 1.5),
    (" renewal", CANCEL_SUBSCRIPTION, 0.8), (" subscription", CANCEL_SUBSCRIPTION, 1.0), (" subscrption", CANCEL_SUBSCRIPTION, 1.0), (" sub ", CANCEL_SUBSCRIPTION, 0.6), (" membership", CANCEL_SUBSCRIPTION, 0.8),
    (" plan ", CANCEL_SUBSCRIPTION, 0.3), (" another provider", CANCEL_SUBSCRIPTION, 1.5), (" close my account", CANCEL_SUBSCRIPTION, 2.0), (" close our account", CANCEL_SUBSCRIPTION, 2.0),
    (" delete my account", CANCEL_SUBSCRIPTION, 1.5), (" downgrade", CANCEL_SUBSCRIPTION, 0.5), (" dont renew", CANCEL_SUBSCRIPTION, 2.0), (" not renew", CANCEL_SUBSCRIPTION, 1.5), (" quit", CANCEL_SUBSCRIPTION, 1.0),
    (" resilier", CANCEL_SUBSCRIPTION, 2.8), (" resiliation", CANCEL_SUBSCRIPTION, 2.8), (" annuler", CANCEL_SUBSCRIPTION, 2.5), (" annulation", CANCEL_SUBSCRIPTION, 2.5), (" abonnement", CANCEL_SUBSCRIPTION, 1.0),
    (" kundigen", CANCEL_SUBSCRIPTION, 2.8), (" kundigung", CANCEL_SUBSCRIPTION, 2.8), (" kundige", CANCEL_SUBSCRIPTION, 2.8), (" beenden", CANCEL_SUBSCRIPTION, 1.5), (" stornieren", CANCEL_SUBSCRIPTION, 2.0),
    (" abo ", CANCEL_SUBSCRIPTION, 1.0), (" cancelar", CANCEL_SUBSCRIPTION, 2.8), (" cancela", CANCEL_SUBSCRIPTION, 2.5), (" darme de baja", CANCEL_SUBSCRIPTION, 2.8), (" dar de baja", CANCEL_SUBSCRIPTION, 2.8),
    (" suscripcion", CANCEL_SUBSCRIPTION, 1.0), (" assinatura", CANCEL_SUBSCRIPTION, 1.0), (" encerrar", CANCEL_SUBSCRIPTION, 1.5), (" cancellare", CANCEL_SUBSCRIPTION, 2.8), (" disdire", CANCEL_SUBSCRIPTION, 2.8),
    (" abbonamento", CANCEL_SUBSCRIPTION, 1.0), (" opzeggen", CANCEL_SUBSCRIPTION, 2.8), (" annuleren", CANCEL_SUBSCRIPTION, 2.5), (" stopzetten", CANCEL_SUBSCRIPTION, 2.0),

    // ---------------- escalate ----------------
    (" escalat", ESCALATE, 3.0), (" escelat", ESCALATE, 3.0), (" escalte", ESCALATE, 3.0), (" manager", ESCALATE, 2.6), (" supervisor", ESCALATE, 2.8),
    (" someone senior", ESCALATE, 2.8), (" somebody senior", ESCALATE, 2.8), (" senior", ESCALATE, 1.2), (" human", ESCALATE, 2.6), (" real person", ESCALATE, 2.8),
    (" a person", ESCALATE, 1.5), (" speak to someone", ESCALATE, 2.0), (" talk to someone", ESCALATE, 2.0), (" speak to a", ESCALATE, 1.5),
    (" talk to a", ESCALATE, 1.5), (" speak with a", ESCALATE, 1.5), (" nobody replied", ESCALATE, 2.8), (" nobody responded", ESCALATE, 2.8),
    (" nobody answered", ESCALATE, 2.8), (" no one replied", ESCALATE, 2.8), (" no one answered", ESCALATE, 2.8), (" no one has replied", ESCALATE, 2.8),
    (" nobody has", ESCALATE, 2.0), (" no one has", ESCALATE, 1.8), (" no reply", ESCALATE, 2.5), (" no response", ESCALATE, 2.5), (" no answer", ESCALATE, 2.5),
    (" not replied", ESCALATE, 2.0), (" not heard back", ESCALATE, 2.2), (" havent heard", ESCALATE, 2.2), (" never heard back", ESCALATE, 2.2),
    (" anyone there", ESCALATE, 2.6), (" anybody there", ESCALATE, 2.6), (" anyone here", ESCALATE, 2.0), (" been waiting", ESCALATE, 1.6),
    (" waiting since", ESCALATE, 1.6), (" waiting for days", ESCALATE, 2.0), (" still waiting", ESCALATE, 0.8), (" th time", ESCALATE, 1.6),
    (" third time", ESCALATE, 1.6), (" second time", ESCALATE, 0.8), (" times already", ESCALATE, 1.2), (" keep asking", ESCALATE, 1.5), (" asked 3 times", ESCALATE, 2.0),
    (" ignored", ESCALATE, 2.0), (" ignoring", ESCALATE, 2.5), (" ignore", ESCALATE, 1.5), (" unacceptable", ESCALATE, 1.8), (" ridiculous", ESCALATE, 1.2), (" complaint", ESCALATE, 2.0),
    (" same answer", ESCALATE, 1.8), (" useless bot", ESCALATE, 2.0), (" not a bot", ESCALATE, 2.0), (" agent", ESCALATE, 0.8), (" responsable", ESCALATE, 2.5),
    (" gerente", ESCALATE, 2.6), (" supervisor", ESCALATE, 2.8), (" humano", ESCALATE, 2.6), (" persona real", ESCALATE, 2.8), (" nadie responde", ESCALATE, 2.8),
    (" nadie me responde", ESCALATE, 2.8), (" sin respuesta", ESCALATE, 2.5), (" nadie contesta", ESCALATE, 2.8), (" escalar", ESCALATE, 3.0),
    (" humain", ESCALATE, 2.6), (" superieur", ESCALATE, 2.6), (" personne ne repond", ESCALATE, 2.8), (" aucune reponse", ESCALATE, 2.5),
    (" pas de reponse", ESCALATE, 2.5), (" vorgesetzt", ESCALATE, 2.8), (" mensch", ESCALATE, 2.4), (" keine antwort", ESCALATE, 2.5), (" niemand antwortet", ESCALATE, 2.8),
    (" eskalier", ESCALATE, 3.0), (" beschwerde", ESCALATE, 2.0), (" ninguem respond", ESCALATE, 2.8), (" sem resposta", ESCALATE, 2.5), (" escalon", ESCALATE, 2.5),
    (" nessuno risponde", ESCALATE, 2.8), (" niemand reageert", ESCALATE, 2.8), (" leidinggevende", ESCALATE, 2.8),

    // ---------------- ticket_status ----------------
    (" ticket", T_CASE, 0.0), (" case", T_CASE, 0.0), (" my request", T_CASE, 0.0), (" complaint", T_CASE, 0.0), (" fall ", T_CASE, 0.0),
    (" caso", T_CASE, 0.0), (" dossier", T_CASE, 0.0), (" chamado", T_CASE, 0.0), (" solicitud", T_CASE, 0.0), (" demande", T_CASE, 0.0),
    (" anfrage", T_CASE, 0.0), (" pedido", T_CASE, 0.0), (" rf ", T_CASE, 0.0), (" reclamo", T_CASE, 0.0),
    (" any news", T_NEWS, 0.0), (" any update", T_NEWS, 0.0), (" update on", T_NEWS, 0.0), (" status", T_NEWS, 0.0), (" still open", T_NEWS, 0.0),
    (" closed", T_NEWS, 0.0), (" resolved", T_NEWS, 0.0), (" what happened", T_NEWS, 0.0), (" where are we", T_NEWS, 0.0),
    (" progress", T_NEWS, 0.0), (" neuigkeiten", T_NEWS, 0.0), (" stand ", T_NEWS, 0.0), (" novedades", T_NEWS, 0.0), (" estado", T_NEWS, 0.0),
    (" des nouvelles", T_NEWS, 0.0), (" ou en est", T_NEWS, 0.0), (" statut", T_NEWS, 0.0), (" novidades", T_NEWS, 0.0), (" situacao", T_NEWS, 0.0),
    (" any progress", T_NEWS, 0.0), (" looked at", T_NEWS, 0.0), (" open or", T_NEWS, 0.0), (" still being", T_NEWS, 0.0),
    (" confirmation email", TICKET_STATUS, 2.6), (" confirmation mail", TICKET_STATUS, 2.6), (" never got a confirmation", TICKET_STATUS, 2.0), (" case number", TICKET_STATUS, 2.6),
    (" ticket number", TICKET_STATUS, 2.6), (" did my ticket", TICKET_STATUS, 2.8), (" my ticket", TICKET_STATUS, 1.5), (" the ticket", TICKET_STATUS, 1.0), (" ticket status", TICKET_STATUS, 2.8),
    (" status of case", TICKET_STATUS, 2.8), (" status of my case", TICKET_STATUS, 2.8), (" status of ticket", TICKET_STATUS, 2.8), (" status of my ticket", TICKET_STATUS, 2.8),
    (" case status", TICKET_STATUS, 2.8), (" my case", TICKET_STATUS, 1.2), (" still open", TICKET_STATUS, 1.2), (" opened a ticket", TICKET_STATUS, 1.2), (" reference number", TICKET_STATUS, 2.2),
    (" acknowledg", TICKET_STATUS, 1.0), (" did you get my", TICKET_STATUS, 2.0), (" did you receive my", TICKET_STATUS, 2.0), (" mi caso", TICKET_STATUS, 1.2), (" mi ticket", TICKET_STATUS, 1.5),
    (" mon dossier", TICKET_STATUS, 1.2), (" mon ticket", TICKET_STATUS, 1.5), (" meinem fall", TICKET_STATUS, 1.2), (" mein ticket", TICKET_STATUS, 1.5), (" meu chamado", TICKET_STATUS, 1.5),
    (" meu caso", TICKET_STATUS, 1.2), (" mijn ticket", TICKET_STATUS, 1.5), (" numero de caso", TICKET_STATUS, 2.6), (" numero de ticket", TICKET_STATUS, 2.6),

    // ---------------- update_payment_method ----------------
    (" payment method", UPDATE_PAYMENT_METHOD, 2.2), (" payment details", UPDATE_PAYMENT_METHOD, 2.0), (" billing details", UPDATE_PAYMENT_METHOD, 1.5), (" card on file", UPDATE_PAYMENT_METHOD, 2.6),
    (" card details", UPDATE_PAYMENT_METHOD, 1.8), (" update my card", UPDATE_PAYMENT_METHOD, 2.8), (" update the card", UPDATE_PAYMENT_METHOD, 2.8), (" update card", UPDATE_PAYMENT_METHOD, 2.8),
    (" change my card", UPDATE_PAYMENT_METHOD, 2.8), (" change the card", UPDATE_PAYMENT_METHOD, 2.8), (" change card", UPDATE_PAYMENT_METHOD, 2.8), (" replace my card", UPDATE_PAYMENT_METHOD, 2.8),
    (" replace the card", UPDATE_PAYMENT_METHOD, 2.8), (" new card", UPDATE_PAYMENT_METHOD, 2.0), (" different card", UPDATE_PAYMENT_METHOD, 1.8), (" another card", UPDATE_PAYMENT_METHOD, 1.8),
    (" expired", UPDATE_PAYMENT_METHOD, 2.0), (" expiring", UPDATE_PAYMENT_METHOD, 2.0), (" expires", UPDATE_PAYMENT_METHOD, 1.8), (" switch from", UPDATE_PAYMENT_METHOD, 1.6), (" switch to", UPDATE_PAYMENT_METHOD, 1.0),
    (" switch card", UPDATE_PAYMENT_METHOD, 2.5), (" remove my card", UPDATE_PAYMENT_METHOD, 2.5), (" delete my card", UPDATE_PAYMENT_METHOD, 2.5), (" add a card", UPDATE_PAYMENT_METHOD, 2.0),
    (" add a new card", UPDATE_PAYMENT_METHOD, 2.5), (" new one", UPDATE_PAYMENT_METHOD, 0.8), (" bank transfer", UPDATE_PAYMENT_METHOD, 2.5), (" wire transfer", UPDATE_PAYMENT_METHOD, 2.5), (" sepa", UPDATE_PAYMENT_METHOD, 2.2),
    (" direct debit", UPDATE_PAYMENT_METHOD, 2.2), (" instead of card", UPDATE_PAYMENT_METHOD, 2.0), (" pay by invoice", UPDATE_PAYMENT_METHOD, 1.8), (" company card", UPDATE_PAYMENT_METHOD, 1.2),
    (" amex", UPDATE_PAYMENT_METHOD, 0.8), (" update billing", UPDATE_PAYMENT_METHOD, 2.0), (" metodo de pago", UPDATE_PAYMENT_METHOD, 2.5), (" medio de pago", UPDATE_PAYMENT_METHOD, 2.5),
    (" forma de pago", UPDATE_PAYMENT_METHOD, 2.5), (" cambiar la tarjeta", UPDATE_PAYMENT_METHOD, 2.8), (" cambiar mi tarjeta", UPDATE_PAYMENT_METHOD, 2.8), (" nueva tarjeta", UPDATE_PAYMENT_METHOD, 2.2),
    (" tarjeta vencida", UPDATE_PAYMENT_METHOD, 2.5), (" caducad", UPDATE_PAYMENT_METHOD, 2.0), (" moyen de paiement", UPDATE_PAYMENT_METHOD, 2.5), (" mode de paiement", UPDATE_PAYMENT_METHOD, 2.5),
    (" changer de carte", UPDATE_PAYMENT_METHOD, 2.8), (" changer ma carte", UPDATE_PAYMENT_METHOD, 2.8), (" nouvelle carte", UPDATE_PAYMENT_METHOD, 2.2), (" carte expiree", UPDATE_PAYMENT_METHOD, 2.5),
    (" zahlungsmethode", UPDATE_PAYMENT_METHOD, 2.5), (" zahlungsart", UPDATE_PAYMENT_METHOD, 2.5), (" zahlungsmittel", UPDATE_PAYMENT_METHOD, 2.5), (" neue karte", UPDATE_PAYMENT_METHOD, 2.2),
    (" karte andern", UPDATE_PAYMENT_METHOD, 2.8), (" karte aktualisieren", UPDATE_PAYMENT_METHOD, 2.8), (" abgelaufen", UPDATE_PAYMENT_METHOD, 2.0), (" lastschrift", UPDATE_PAYMENT_METHOD, 2.0),
    (" metodo de pagamento", UPDATE_PAYMENT_METHOD, 2.5), (" forma de pagamento", UPDATE_PAYMENT_METHOD, 2.5), (" trocar o cartao", UPDATE_PAYMENT_METHOD, 2.8), (" trocar meu cartao", UPDATE_PAYMENT_METHOD, 2.8),
    (" cartao novo", UPDATE_PAYMENT_METHOD, 2.2), (" novo cartao", UPDATE_PAYMENT_METHOD, 2.2), (" cartao expirado", UPDATE_PAYMENT_METHOD, 2.5), (" vencido", UPDATE_PAYMENT_METHOD, 1.8),
    (" metodo di pagamento", UPDATE_PAYMENT_METHOD, 2.5), (" cambiare la carta", UPDATE_PAYMENT_METHOD, 2.8), (" betaalmethode", UPDATE_PAYMENT_METHOD, 2.5), (" nieuwe kaart", UPDATE_PAYMENT_METHOD, 2.2),

    // ---------------- other ----------------
    (" thanks", OTHER, 0.6), (" thank you", OTHER, 0.6), (" thx", OTHER, 0.6), (" merci", OTHER, 0.6), (" gracias", OTHER, 0.6), (" danke", OTHER, 0.6),
    (" obrigad", OTHER, 0.6), (" grazie", OTHER, 0.6), (" bedankt", OTHER, 0.6), (" hello", OTHER, 0.3), (" hi ", OTHER, 0.3), (" hola", OTHER, 0.3),
    (" bonjour", OTHER, 0.3), (" hallo", OTHER, 0.3), (" ola ", OTHER, 0.3), (" api", OTHER, 0.9), (" dashboard", OTHER, 0.9),
    (" discord server", OTHER, 1.0), (" teammate", OTHER, 0.9), (" support hours", OTHER, 2.0), (" opening hours", OTHER, 2.0),
    (" terms of service", OTHER, 2.0), (" privacy", OTHER, 1.5), (" nonprofit", OTHER, 1.2), (" ngo", OTHER, 1.0), (" documentation", OTHER, 1.0),
    (" integration", OTHER, 0.8), (" webhook", OTHER, 1.0), (" template", OTHER, 0.8), (" feature request", OTHER, 1.5), (" call me", OTHER, 1.0),
    (" down ", OTHER, 0.6), (" outage", OTHER, 1.0), (" 502", OTHER, 0.8), (" 404", OTHER, 0.8), (" login", OTHER, 0.8), (" password", OTHER, 1.2),
    (" got it", OTHER, 0.8), (" that worked", OTHER, 1.2), (" have a nice day", OTHER, 1.0), (" good morning", OTHER, 0.3), (" ok ", OTHER, 0.3),
    (" lol", OTHER, 0.3), (" discount", OTHER, 0.8), (" do you offer", OTHER, 0.8), (" do you have", OTHER, 0.5), (" how does", OTHER, 0.3),
    (" export", OTHER, 0.4), (" language", OTHER, 0.6), (" timezone", OTHER, 0.8), (" invoice address", OTHER, 1.0), (" vat number", OTHER, 1.2),

    // ---------------- generic helpers ----------------
    (" charged", T_CHARGED, 0.0), (" billed", T_CHARGED, 0.0), (" charge ", T_CHARGED, 0.0), (" debited", T_CHARGED, 0.0),
    (" took", T_CHARGED, 0.0), (" cobrad", T_CHARGED, 0.0), (" cobraron", T_CHARGED, 0.0), (" debite", T_CHARGED, 0.0),
    (" abgebucht", T_CHARGED, 0.0), (" belastet", T_CHARGED, 0.0), (" paid", T_CHARGED, 0.0), (" pague", T_CHARGED, 0.0),
    (" paguei", T_CHARGED, 0.0), (" how do i", T_HOWTO, 0.0), (" how can i", T_HOWTO, 0.0), (" how to", T_HOWTO, 0.0),
    (" where can i", T_HOWTO, 0.0), (" can i ", T_HOWTO, 0.0), (" como ", T_HOWTO, 0.0), (" comment ", T_HOWTO, 0.0), (" wie ", T_HOWTO, 0.0),
    (" havent received", T_RECEIVED, 0.0), (" not received", T_RECEIVED, 0.0), (" didnt receive", T_RECEIVED, 0.0),
    (" still not", T_RECEIVED, 0.0), (" not on my", T_RECEIVED, 0.0), (" dont see", T_RECEIVED, 0.0), (" cant see", T_RECEIVED, 0.0),
    (" no sign", T_RECEIVED, 0.0), (" not yet", T_RECEIVED, 0.0), (" hasnt arrived", T_RECEIVED, 0.0), (" not arrived", T_RECEIVED, 0.0),

    // ---------------- round 2 ----------------
    (" add ", T_ACQ, 0.0), (" need ", T_ACQ, 0.0), (" get more", T_ACQ, 0.0), (" want more", T_ACQ, 0.0), (" charge it", T_ACQ, 0.0),
    (" more ", T_ACQ, 0.0), (" anadir", T_ACQ, 0.0), (" ajouter", T_ACQ, 0.0), (" hinzufugen", T_ACQ, 0.0), (" adicionar", T_ACQ, 0.0),
    (" move", T_MOVE, 0.0), (" moved", T_MOVE, 0.0), (" transfer", T_MOVE, 0.0), (" send ", T_MOVE, 0.0), (" merge", T_MOVE, 0.0),
    (" combine", T_MOVE, 0.0), (" transferir", T_MOVE, 0.0), (" transferer", T_MOVE, 0.0), (" ubertragen", T_MOVE, 0.0),
    (" pasar ", T_MOVE, 0.0), (" mover", T_MOVE, 0.0), (" deplacer", T_MOVE, 0.0), (" verschieben", T_MOVE, 0.0), (" overzetten", T_MOVE, 0.0),
    (" move", TRANSFER_CREDITS, 0.8), (" old workspace", TRANSFER_CREDITS, 1.0), (" new workspace", TRANSFER_CREDITS, 1.0), (" workspace", TRANSFER_CREDITS, 0.4), (" old account", TRANSFER_CREDITS, 1.0),
    (" to my wallet", BUY_CREDITS, 0.8), (" to our wallet", BUY_CREDITS, 0.8), (" charge it for", BUY_CREDITS, 1.2),
    (" full price", WRONG_AMOUNT, 2.0), (" discount code", WRONG_AMOUNT, 1.5), (" too high", WRONG_AMOUNT, 2.0), (" single charge", WRONG_AMOUNT, 1.0), (" higher", WRONG_AMOUNT, 0.8),
    (" montant", WRONG_AMOUNT, 0.6), (" incorrect", WRONG_AMOUNT, 1.5), (" facture plus", WRONG_AMOUNT, 2.0), (" plus que prevu", WRONG_AMOUNT, 2.0), (" errado", WRONG_AMOUNT, 1.0), (" comprei errado", REFUND_REQUEST, 0.8), (" bought the wrong", REFUND_REQUEST, 0.8),
    (" paguei mais", WRONG_AMOUNT, 2.5), (" mais do que", WRONG_AMOUNT, 1.5), (" de mas", WRONG_AMOUNT, 1.5), (" more than expected", WRONG_AMOUNT, 2.0), (" charged extra", WRONG_AMOUNT, 2.0),
    (" not marked as paid", PAYMENT_PENDING, 2.8), (" still unpaid", PAYMENT_PENDING, 2.2), (" transfer sent", PAYMENT_PENDING, 1.5), (" payment sent", PAYMENT_PENDING, 1.5),
    (" whats left", WALLET_BALANCE, 1.5), (" left in my", WALLET_BALANCE, 2.0), (" still have credits", WALLET_BALANCE, 2.0), (" have credits", WALLET_BALANCE, 1.0), (" ran out", WALLET_BALANCE, 0.8),
    (" any credits left", WALLET_BALANCE, 2.0), (" any balance", WALLET_BALANCE, 1.5),
    (" new credit card", UPDATE_PAYMENT_METHOD, 2.2), (" add a new", UPDATE_PAYMENT_METHOD, 1.8), (" remove the old", UPDATE_PAYMENT_METHOD, 1.5), (" old card", UPDATE_PAYMENT_METHOD, 1.5),
    (" credit card", UPDATE_PAYMENT_METHOD, 0.4), (" pay with paypal", UPDATE_PAYMENT_METHOD, 2.2), (" pay by paypal", UPDATE_PAYMENT_METHOD, 2.2), (" via paypal", UPDATE_PAYMENT_METHOD, 1.5),
    (" paypal instead", UPDATE_PAYMENT_METHOD, 2.0), (" instead of a card", UPDATE_PAYMENT_METHOD, 2.0), (" troco o cartao", UPDATE_PAYMENT_METHOD, 2.8), (" cartao cadastrado", UPDATE_PAYMENT_METHOD, 2.5),
    (" trocar", UPDATE_PAYMENT_METHOD, 1.2), (" cambio mi tarjeta", UPDATE_PAYMENT_METHOD, 2.8), (" cambio de tarjeta", UPDATE_PAYMENT_METHOD, 2.8), (" cambiar", UPDATE_PAYMENT_METHOD, 0.5),
    (" changer", UPDATE_PAYMENT_METHOD, 0.5), (" andern", UPDATE_PAYMENT_METHOD, 0.5), (" usar paypal", UPDATE_PAYMENT_METHOD, 1.5), (" utiliser paypal", UPDATE_PAYMENT_METHOD, 1.5), (" carte bancaire", UPDATE_PAYMENT_METHOD, 0.6),
    (" whatsapp", OTHER, 1.0), (" template", OTHER, 0.5), (" meta ", OTHER, 1.0),
    (" 2 veces", DUPLICATE_CHARGE, 3.0), (" 3 veces", DUPLICATE_CHARGE, 2.5), (" mismo pedido", DUPLICATE_CHARGE, 1.5), (" misma factura", DUPLICATE_CHARGE, 1.5), (" el mismo", DUPLICATE_CHARGE, 0.6),
    (" 2 fois", DUPLICATE_CHARGE, 3.0), (" meme facture", DUPLICATE_CHARGE, 1.5), (" meme commande", DUPLICATE_CHARGE, 1.5), (" 2 mal", DUPLICATE_CHARGE, 3.0), (" 2 vezes", DUPLICATE_CHARGE, 3.0),
    (" mesmo pedido", DUPLICATE_CHARGE, 1.5), (" dieselbe", DUPLICATE_CHARGE, 1.0), (" gleiche", DUPLICATE_CHARGE, 0.6),
    (" on the card", T_CARD, 0.0), (" the card", T_CARD, 0.0), (" got charged", T_CARD, 0.0), (" still charged", T_CARD, 0.0),
    (" en la tarjeta", T_CARD, 0.0), (" a la tarjeta", T_CARD, 0.0), (" came off my", T_CARD, 0.0),

    // ---------------- round 3 ----------------
    (" de volta", REFUND_REQUEST, 1.0), (" dinheiro de volta", REFUND_REQUEST, 1.5), (" de vuelta", REFUND_REQUEST, 1.0), (" zuruck", REFUND_REQUEST, 0.6), (" terug", REFUND_REQUEST, 0.6),
    (" set to wallet", T_WPAY, 0.0), (" set to", T_CHOSE, 0.0), (" checkout", T_CHOSE, 0.0), (" covered", T_CHOSE, 0.0),
    (" left my credits alone", T_SAME, 0.0), (" credits alone", T_SAME, 0.0), (" paid instead", T_CARD, 0.0), (" card paid", T_CARD, 0.0),
    (" shouldve covered", WALLET_NOT_APPLIED, 2.5), (" should have covered", WALLET_NOT_APPLIED, 2.5), (" shouldve been used", WALLET_NOT_APPLIED, 2.0), (" should have been used", WALLET_NOT_APPLIED, 2.0),
    (" mayor", WRONG_AMOUNT, 1.2), (" acordado", WRONG_AMOUNT, 1.5), (" lo acordado", WRONG_AMOUNT, 2.0), (" combinado", WRONG_AMOUNT, 1.5), (" convenu", WRONG_AMOUNT, 1.5),
    (" vereinbart", WRONG_AMOUNT, 1.5), (" paying more", WRONG_AMOUNT, 1.8), (" charged me more", WRONG_AMOUNT, 2.5), (" berechnet", T_CHARGED, 0.0),
    (" not going thru", PAYMENT_FAILED, 2.5), (" going thru", PAYMENT_FAILED, 0.5), (" no se pudo", PAYMENT_FAILED, 2.0), (" no pude", PAYMENT_FAILED, 1.5), (" no funciona", PAYMENT_FAILED, 1.0),
    (" nao foi possivel", PAYMENT_FAILED, 1.5), (" pas pu", PAYMENT_FAILED, 1.5), (" errors out", PAYMENT_FAILED, 2.0), (" gives an error", PAYMENT_FAILED, 2.0), (" an error", PAYMENT_FAILED, 0.8),
    (" taken from my account", PAYMENT_PENDING, 1.5), (" left my account", PAYMENT_PENDING, 1.5), (" invoice is still open", PAYMENT_PENDING, 2.5), (" still open", PAYMENT_PENDING, 0.6),
    (" to be confirmed", PAYMENT_PENDING, 2.5), (" be confirmed", PAYMENT_PENDING, 2.0), (" waiting for my payment", PAYMENT_PENDING, 2.0), (" in sospeso", PAYMENT_PENDING, 2.5),
    (" processad", PAYMENT_PENDING, 1.8), (" sendo processado", PAYMENT_PENDING, 2.5), (" em andamento", PAYMENT_PENDING, 1.5), (" en curso", PAYMENT_PENDING, 1.0), (" not gone through", PAYMENT_PENDING, 1.0),
    (" prepay", BUY_CREDITS, 2.0), (" in credits", BUY_CREDITS, 0.8), (" adicion", T_ACQ, 0.0), (" agregar", T_ACQ, 0.0), (" ajout", T_ACQ, 0.0),
    (" adicion", BUY_CREDITS, 0.8), (" agregar", BUY_CREDITS, 0.8), (" ajouter", BUY_CREDITS, 0.8),
    (" shared", T_MOVE, 0.0), (" share", T_MOVE, 0.0), (" between workspaces", TRANSFER_CREDITS, 1.5), (" between accounts", TRANSFER_CREDITS, 1.5),
    (" from account", TRANSFER_CREDITS, 1.0), (" move everything", TRANSFER_CREDITS, 1.5), (" partager", T_MOVE, 0.0), (" compartir", T_MOVE, 0.0),
    (" account", T_ACCOUNT, 0.0), (" workspace", T_ACCOUNT, 0.0), (" cuenta", T_ACCOUNT, 0.0), (" compte", T_ACCOUNT, 0.0),
    (" konto", T_ACCOUNT, 0.0), (" conta ", T_ACCOUNT, 0.0), (" team", T_ACCOUNT, 0.0),
    (" jattends", ESCALATE, 1.5), (" parler a quelqu", ESCALATE, 2.5), (" parler a un", ESCALATE, 1.5), (" hablar con alguien", ESCALATE, 2.5),
    (" hablar con un", ESCALATE, 1.5), (" falar com alguem", ESCALATE, 2.5), (" falar com um", ESCALATE, 1.5), (" mit jemandem", ESCALATE, 2.0),
    (" sprechen", ESCALATE, 1.0), (" depuis une semaine", ESCALATE, 1.0), (" esperando", ESCALATE, 0.8), (" warte seit", ESCALATE, 1.5),
    (" waiting for days", ESCALATE, 2.0), (" days and no", ESCALATE, 2.0), (" call me", ESCALATE, 0.4),
    (" billing card", UPDATE_PAYMENT_METHOD, 2.0),
    (" update", T_UPDATE, 0.0), (" change", T_UPDATE, 0.0), (" replace", T_UPDATE, 0.0), (" swap", T_UPDATE, 0.0), (" switch ", T_UPDATE, 0.0), (" switching", T_UPDATE, 0.0),
    (" modify", T_UPDATE, 0.0), (" edit", T_UPDATE, 0.0), (" cambiar", T_UPDATE, 0.0), (" cambio", T_UPDATE, 0.0), (" actualizar", T_UPDATE, 0.0),
    (" changer", T_UPDATE, 0.0), (" modifier", T_UPDATE, 0.0), (" remplacer", T_UPDATE, 0.0), (" mettre a jour", T_UPDATE, 0.0),
    (" andern", T_UPDATE, 0.0), (" aktualisier", T_UPDATE, 0.0), (" ersetzen", T_UPDATE, 0.0), (" wechseln", T_UPDATE, 0.0),
    (" trocar", T_UPDATE, 0.0), (" troco", T_UPDATE, 0.0), (" alterar", T_UPDATE, 0.0), (" atualizar", T_UPDATE, 0.0), (" use a different", T_UPDATE, 0.0),
    (" card", T_CARDWORD, 0.0), (" carte", T_CARDWORD, 0.0), (" karte", T_CARDWORD, 0.0), (" tarjeta", T_CARDWORD, 0.0),
    (" cartao", T_CARDWORD, 0.0), (" kaart", T_CARDWORD, 0.0), (" visa", T_CARDWORD, 0.0), (" mastercard", T_CARDWORD, 0.0),
    (" payment method", T_CARDWORD, 0.0), (" billing info", T_CARDWORD, 0.0), (" billing details", T_CARDWORD, 0.0),

    // ---------------- round 4 ----------------
    (" cancelled", CANCEL_SUBSCRIPTION, -1.2), (" canceled", CANCEL_SUBSCRIPTION, -1.2), (" want it back", REFUND_REQUEST, 1.5), (" return my", REFUND_REQUEST, 1.2), (" return the", REFUND_REQUEST, 0.6),
    (" ruckzahlung", REFUND_REQUEST, 1.5), (" ruckzahlung", T_REFUND, 0.0),
    (" enough funds", T_CHOSE, 0.0), (" enough credits", T_CHOSE, 0.0), (" enough balance", T_CHOSE, 0.0), (" had enough", T_CHOSE, 0.0),
    (" nicht verwendet", T_SAME, 0.0), (" nicht genutzt", T_SAME, 0.0), (" stattdessen", T_CARD, 0.0), (" belastet", T_CARD, 0.0),
    (" debit card", T_CARD, 0.0), (" identical", DUPLICATE_CHARGE, 2.5), (" price says", WRONG_AMOUNT, 1.5), (" but i paid", WRONG_AMOUNT, 1.0),
    (" doesnt match", WRONG_AMOUNT, 2.0), (" does not match", WRONG_AMOUNT, 2.0), (" ne correspond pas", WRONG_AMOUNT, 2.0), (" no coincide", WRONG_AMOUNT, 2.0),
    (" nao corresponde", WRONG_AMOUNT, 2.0), (" stimmt nicht", WRONG_AMOUNT, 1.5), (" valor diferente", WRONG_AMOUNT, 2.5), (" diferente", WRONG_AMOUNT, 1.0),
    (" anunciado", WRONG_AMOUNT, 1.5), (" different", WRONG_AMOUNT, 0.8),
    (" not reflected", PAYMENT_PENDING, 2.0), (" reflected", PAYMENT_PENDING, 1.0), (" paid by wire", PAYMENT_PENDING, 1.0), (" havent shown up", PAYMENT_PENDING, 2.0),
    (" credits havent", PAYMENT_PENDING, 1.5), (" after paying", PAYMENT_PENDING, 1.5), (" pas encore regle", PAYMENT_PENDING, 2.0), (" virement est parti", PAYMENT_PENDING, 1.5),
    (" wo bleibt", T_STATUS, 0.0), (" running out", WALLET_BALANCE, 1.5), (" ainda tenho", WALLET_BALANCE, 2.0), (" quanto credito", WALLET_BALANCE, 2.0),
    (" cuanto credito", WALLET_BALANCE, 2.0), (" tengo", WALLET_BALANCE, 0.4), (" load", T_ACQ, 0.0), (" onto our wallet", BUY_CREDITS, 1.0), (" onto my wallet", BUY_CREDITS, 1.0),
    (" give ", T_MOVE, 0.0), (" did not make", DISPUTE, 2.5), (" didnt make", DISPUTE, 2.5), (" investigate", DISPUTE, 0.8),
    (" suspicious", DISPUTE, 2.5), (" alert from my bank", DISPUTE, 1.5), (" erkenne", DISPUTE, 2.0), (" nao fui eu", DISPUTE, 2.5),
    (" no fui yo", DISPUTE, 2.5), (" ce nest pas moi", DISPUTE, 2.5), (" war ich nicht", DISPUTE, 2.5), (" not mine", DISPUTE, 2.0),
    (" stop billing", CANCEL_SUBSCRIPTION, 2.5), (" want out", CANCEL_SUBSCRIPTION, 1.5), (" monthly plan", CANCEL_SUBSCRIPTION, 0.8), (" yearly plan", CANCEL_SUBSCRIPTION, 0.8), (" annual plan", CANCEL_SUBSCRIPTION, 0.5),
    (" support request", TICKET_STATUS, 1.5), (" request was received", TICKET_STATUS, 2.5), (" saved card", UPDATE_PAYMENT_METHOD, 2.2), (" remove ", T_UPDATE, 0.0), (" remove my", T_UPDATE, 0.0), (" remove the", T_UPDATE, 0.0),
    (" delete", T_UPDATE, 0.0), (" kreditkarte", T_CARDWORD, 0.0), (" credit card", T_CARDWORD, 0.0),
    // ---------------- generalisation: stems, paraphrases, cue tags ----------------
    // refund_request: "give / send / pay back", "returned", "reverse it", other languages' stems.
    (" devuelv", REFUND_REQUEST, 1.4), (" devolv", T_REFUND, 0.0), (" devuelv", T_REFUND, 0.0), (" rembourse", T_REFUND, 0.0),
    (" send back", REFUND_REQUEST, 1.3), (" paid back", REFUND_REQUEST, 1.3), (" pay back", REFUND_REQUEST, 1.2), (" pay me back", REFUND_REQUEST, 1.4), (" give back", REFUND_REQUEST, 1.2),
    (" give me back", REFUND_REQUEST, 1.4), (" get back", REFUND_REQUEST, 0.9), (" get that back", REFUND_REQUEST, 1.3), (" get it back", REFUND_REQUEST, 1.3), (" credit back", REFUND_REQUEST, 1.4),
    (" money returned", REFUND_REQUEST, 1.4), (" returned", REFUND_REQUEST, 0.6), (" return the money", REFUND_REQUEST, 1.4), (" reverse it", REFUND_REQUEST, 1.0), (" reverse the", REFUND_REQUEST, 0.6),
    (" reimbursement", T_REFUND, 0.0), (" unused", REFUND_REQUEST, 0.5), (" wrong plan", REFUND_REQUEST, 0.6),
    (" wrong package", REFUND_REQUEST, 0.6), (" wrong pack", REFUND_REQUEST, 0.6), (" forgot to cancel", CANCEL_SUBSCRIPTION, -2.4), (" forgot to cancel", REFUND_REQUEST, 1.0),
    (" terugstort", T_REFUND, 0.0), (" zuruckzahl", REFUND_REQUEST, 1.2), (" rimborso", T_REFUND, 0.0),
    // wallet_not_applied: wallet + expectation + card/charge (rule in mod.rs).
    (" instead", T_EXPECT, 0.0), (" supposed to", T_EXPECT, 0.0), (" should have", T_EXPECT, 0.0), (" shouldve", T_EXPECT, 0.0),
    (" should of", T_EXPECT, 0.0), (" thought", T_EXPECT, 0.0), (" meant to", T_EXPECT, 0.0), (" not my card", T_EXPECT, 0.0),
    (" not my visa", T_EXPECT, 0.0), (" not the card", T_EXPECT, 0.0), (" told it to", T_EXPECT, 0.0), (" opted", T_CHOSE, 0.0),
    (" opted", T_EXPECT, 0.0), (" en vez de", T_EXPECT, 0.0), (" en lugar de", T_EXPECT, 0.0), (" au lieu", T_EXPECT, 0.0),
    (" stattdessen", T_EXPECT, 0.0), (" trotzdem", T_EXPECT, 0.0), (" em vez", T_EXPECT, 0.0), (" invece", T_EXPECT, 0.0),
    (" pourtant", T_EXPECT, 0.0), (" sin embargo", T_EXPECT, 0.0), (" anyway", T_EXPECT, 0.0), (" even though", T_EXPECT, 0.0),
    (" scelto", T_CHOSE, 0.0), (" selezionato", T_CHOSE, 0.0), (" addebitat", T_CARD, 0.0), (" addebitat", T_CHARGED, 0.0),
    (" la carta", T_CARDWORD, 0.0), (" carta di credito", T_CARD, 0.0), (" abgezogen", T_CHARGED, 0.0), (" wallet funds", T_WALLET, 0.0),
    (" credit card", T_CARD, 0.0), (" paypal", T_CARDWORD, 0.0), (" amex", T_CARDWORD, 0.0), (" debit", T_CHARGED, 0.0),
    (" hit for", T_CHARGED, 0.0), (" bank shows", T_CHARGED, 0.0), (" statement shows", T_CHARGED, 0.0), (" got hit", T_CHARGED, 0.0), (" came out of", T_CHARGED, 0.0), (" taken from", T_CHARGED, 0.0),
    (" take money", T_CHARGED, 0.0), (" took money", T_CHARGED, 0.0), (" charging", T_CHARGED, 0.0), (" cobraron", T_CARD, 0.0),
    (" preleve", T_CHARGED, 0.0), (" cobrou", T_CHARGED, 0.0), (" cobraram", T_CHARGED, 0.0), (" cobro", T_CHARGED, 0.0),
    // duplicate_charge
    (" double ", DUPLICATE_CHARGE, 2.2), (" doubled", DUPLICATE_CHARGE, 1.0), (" double check", DUPLICATE_CHARGE, -2.2), (" double checked", DUPLICATE_CHARGE, -2.2), (" 3x", DUPLICATE_CHARGE, 1.5),
    (" twice for", DUPLICATE_CHARGE, 0.5), (" two debits", DUPLICATE_CHARGE, 2.8), (" two transactions", DUPLICATE_CHARGE, 2.8), (" 2 transactions", DUPLICATE_CHARGE, 2.8),
    (" two times", DUPLICATE_CHARGE, 0.3), (" again for", DUPLICATE_CHARGE, 0.6), (" already paid", DUPLICATE_CHARGE, 0.8), (" reverse one", DUPLICATE_CHARGE, 1.5), (" one of them", DUPLICATE_CHARGE, 0.8),
    (" failed twice", DUPLICATE_CHARGE, -2.5), (" faild twice", DUPLICATE_CHARGE, -2.5), (" declined twice", DUPLICATE_CHARGE, -2.5), (" tried twice", DUPLICATE_CHARGE, -2.5),
    (" failed 2", DUPLICATE_CHARGE, -2.0), (" declined 2", DUPLICATE_CHARGE, -2.0), (" faild", PAYMENT_FAILED, 2.0), (" fialed", PAYMENT_FAILED, 2.0), (" dos cargos", DUPLICATE_CHARGE, 2.8),
    (" zwei abbuchungen", DUPLICATE_CHARGE, 2.8), (" deux prelevements", DUPLICATE_CHARGE, 2.8), (" duas cobrancas", DUPLICATE_CHARGE, 2.8), (" em duplicidade", DUPLICATE_CHARGE, 3.0),
    // wrong_amount: a stated price vs what was charged (rule in mod.rs).
    (" overbill", WRONG_AMOUNT, 3.0), (" over bill", WRONG_AMOUNT, 3.0), (" overpa", WRONG_AMOUNT, 2.5), (" over pa", WRONG_AMOUNT, 1.5), (" higher total", WRONG_AMOUNT, 2.0),
    (" the extra", WRONG_AMOUNT, 0.6), (" regular rate", WRONG_AMOUNT, 1.5), (" regular price", WRONG_AMOUNT, 1.5), (" promo", WRONG_AMOUNT, 1.0), (" per message", WRONG_AMOUNT, 0.6),
    (" contract", WRONG_AMOUNT, 0.6), (" price jump", WRONG_AMOUNT, 2.0), (" price increase", WRONG_AMOUNT, 1.8), (" pay more", WRONG_AMOUNT, 1.2),
    (" pay extra", WRONG_AMOUNT, 2.0), (" paid extra", WRONG_AMOUNT, 2.0), (" total is off", WRONG_AMOUNT, 2.5), (" is off", WRONG_AMOUNT, 0.8),
    (" seats but", WRONG_AMOUNT, 1.2), (" only have", WRONG_AMOUNT, 0.6), (" only use", WRONG_AMOUNT, 0.6), (" maior do que", WRONG_AMOUNT, 2.0),
    (" hoher als", WRONG_AMOUNT, 2.0), (" mas de lo", WRONG_AMOUNT, 1.5), (" plus eleve", WRONG_AMOUNT, 2.0), (" not the correct", WRONG_AMOUNT, 2.0), (" no es el correcto", WRONG_AMOUNT, 2.5),
    (" importe", WRONG_AMOUNT, 0.6), (" betrag", WRONG_AMOUNT, 0.6), (" tarif", WRONG_AMOUNT, 0.6),
    (" plan says", T_PRICE, 0.0), (" plan is", T_PRICE, 0.0), (" when the plan", T_PRICE, 0.0), (" price", T_PRICE, 0.0), (" pricing", T_PRICE, 0.0),
    (" listed", T_PRICE, 0.0), (" quote", T_PRICE, 0.0), (" receipt says", T_PRICE, 0.0), (" advertised", T_PRICE, 0.0),
    (" agreed", T_PRICE, 0.0), (" offer", T_PRICE, 0.0), (" promo", T_PRICE, 0.0), (" contract", T_PRICE, 0.0), (" rate ", T_PRICE, 0.0),
    (" should cost", T_PRICE, 0.0), (" supposed to cost", T_PRICE, 0.0), (" costs", T_PRICE, 0.0), (" website shows", T_PRICE, 0.0),
    (" instead of the", T_PRICE, 0.0), (" plan was", T_PRICE, 0.0), (" tarif", T_PRICE, 0.0), (" preis", T_PRICE, 0.0),
    (" precio", T_PRICE, 0.0), (" prix", T_PRICE, 0.0), (" combinado", T_PRICE, 0.0), (" acordado", T_PRICE, 0.0),
    // payment_failed
    (" try another", PAYMENT_FAILED, 2.5), (" try a different", PAYMENT_FAILED, 2.0), (" unsuccessful", PAYMENT_FAILED, 2.5), (" not successful", PAYMENT_FAILED, 2.2),
    (" didnt succeed", PAYMENT_FAILED, 2.5), (" did not succeed", PAYMENT_FAILED, 2.5), (" didnt work", PAYMENT_FAILED, 1.2), (" not approved", PAYMENT_FAILED, 2.0),
    (" nao foi aprovado", PAYMENT_FAILED, 2.5), (" not go thru", PAYMENT_FAILED, 2.5), (" wont complete", PAYMENT_FAILED, 1.8), (" could not be completed", PAYMENT_FAILED, 2.0),
    (" bouncing", PAYMENT_FAILED, 2.0), (" bounce", PAYMENT_FAILED, 2.0), (" card issuer", PAYMENT_FAILED, 1.0), (" do not honor", PAYMENT_FAILED, 2.5), (" insufficient funds", PAYMENT_FAILED, 2.0),
    (" erroring", PAYMENT_FAILED, 1.5),
    (" rejeitad", PAYMENT_FAILED, 2.5), (" nao aprovad", PAYMENT_FAILED, 2.5), (" pago rechazado", PAYMENT_FAILED, 2.5),
    // payment_pending: "I paid but ... still / not yet" (rule in mod.rs).
    (" i paid", T_PAID, 0.0), (" paid ", T_PAID, 0.0), (" already paid", T_PAID, 0.0), (" payment was made", T_PAID, 0.0),
    (" paid for", T_PAID, 0.0), (" sent the money", T_PAID, 0.0), (" wired", T_PAID, 0.0), (" transfer sent", T_PAID, 0.0),
    (" money left", T_PAID, 0.0), (" money was taken", T_PAID, 0.0), (" left my bank", T_PAID, 0.0), (" went out of my", T_PAID, 0.0),
    (" paguei", T_PAID, 0.0), (" pague ", T_PAID, 0.0), (" bezahlt", T_PAID, 0.0), (" paye ", T_PAID, 0.0), (" pagato", T_PAID, 0.0),
    (" still", T_NOTYET, 0.0), (" not yet", T_NOTYET, 0.0), (" yet ", T_NOTYET, 0.0), (" havent", T_NOTYET, 0.0),
    (" hasnt", T_NOTYET, 0.0), (" not in my", T_NOTYET, 0.0), (" not complete", T_NOTYET, 0.0), (" noch nicht", T_NOTYET, 0.0),
    (" todavia", T_NOTYET, 0.0), (" aun no", T_NOTYET, 0.0), (" ainda", T_NOTYET, 0.0), (" toujours", T_NOTYET, 0.0),
    (" pas encore", T_NOTYET, 0.0), (" ancora", T_NOTYET, 0.0),
    (" come through", PAYMENT_PENDING, 1.2), (" came through", PAYMENT_PENDING, 0.8), (" not captured", PAYMENT_PENDING, 2.5), (" authorized but", PAYMENT_PENDING, 2.0),
    (" hasnt confirmed", PAYMENT_PENDING, 2.5), (" havent confirmed", PAYMENT_PENDING, 2.5), (" not been confirmed", PAYMENT_PENDING, 2.5), (" yet to confirm", PAYMENT_PENDING, 2.5),
    (" to confirm", PAYMENT_PENDING, 1.0), (" not paid yet", PAYMENT_PENDING, 2.2), (" says not paid", PAYMENT_PENDING, 2.2),
    (" marked as in progress", PAYMENT_PENDING, 2.0), (" order is stuck", PAYMENT_PENDING, 2.0), (" isnt confirmed", PAYMENT_PENDING, 2.5),
    (" pendent", PAYMENT_PENDING, 2.5), (" noch nicht bestatigt", PAYMENT_PENDING, 2.5), (" pay again", PAYMENT_PENDING, 0.8),
    (" via paypal", UPDATE_PAYMENT_METHOD, -0.7),
    // refund_status
    (" timeline", T_STATUS, 0.0), (" timeframe", T_STATUS, 0.0), (" completed", T_STATUS, 0.0), (" done", T_STATUS, 0.0),
    (" sent", T_STATUS, 0.0), (" gone out", T_STATUS, 0.0), (" hits", T_STATUS, 0.0), (" reach my", T_STATUS, 0.0), (" reach the", T_STATUS, 0.0), (" reach our", T_STATUS, 0.0), (" how soon", T_STATUS, 0.0),
    (" expect", T_STATUS, 0.0), (" did it get", T_STATUS, 0.0), (" still nothing", T_RECEIVED, 0.0), (" nothing yet", T_RECEIVED, 0.0), (" nothing on my", T_RECEIVED, 0.0), (" nothing in my", T_RECEIVED, 0.0), (" didnt get", T_RECEIVED, 0.0),
    (" havent seen", T_RECEIVED, 0.0), (" no sign", T_RECEIVED, 0.0), (" hasnt shown", T_RECEIVED, 0.0), (" hasnt arrived", T_RECEIVED, 0.0),
    (" havent got", T_RECEIVED, 0.0), (" didnt receive", T_RECEIVED, 0.0), (" nao recebi", T_RECEIVED, 0.0), (" no he recibido", T_RECEIVED, 0.0),
    (" pas recu", T_RECEIVED, 0.0), (" nicht erhalten", T_RECEIVED, 0.0), (" nicht angekommen", T_RECEIVED, 0.0), (" arrive", T_RECEIVED, 0.0),
    (" ou est", T_STATUS, 0.0), (" passe", T_STATUS, 0.0), (" wo ist", T_STATUS, 0.0), (" wann", T_STATUS, 0.0), (" dauert", T_STATUS, 0.0),
    // wallet_balance
    (" any credits", WALLET_BALANCE, 1.2), (" still have", WALLET_BALANCE, 1.0), (" enough in", WALLET_BALANCE, 1.4), (" enough credits", WALLET_BALANCE, 0.8), (" enough for", WALLET_BALANCE, 0.6),
    (" enough left", WALLET_BALANCE, 1.5), (" credits remain", WALLET_BALANCE, 2.0), (" remain", WALLET_BALANCE, 0.6), (" how much is left", WALLET_BALANCE, 2.0), (" how many are", WALLET_BALANCE, 0.8),
    (" whats my balance", WALLET_BALANCE, 1.5), (" what is my balance", WALLET_BALANCE, 1.5), (" balance right now", WALLET_BALANCE, 1.0), (" saldo da", WALLET_BALANCE, 0.6),
    // buy_credits
    (" refill", T_ACQ, 0.0), (" reload", T_ACQ, 0.0), (" top ", T_ACQ, 0.0), (" fill up", T_ACQ, 0.0), (" recharge", T_ACQ, 0.0),
    (" load up", BUY_CREDITS, 1.5), (" stock up", BUY_CREDITS, 1.5), (" sell me", BUY_CREDITS, 2.0), (" another pack", BUY_CREDITS, 1.5), (" pack of credits", BUY_CREDITS, 1.2),
    (" purchase credits", BUY_CREDITS, 2.0), (" purchase a", BUY_CREDITS, 0.6), (" worth of credits", BUY_CREDITS, 2.0), (" load more", BUY_CREDITS, 1.8),
    (" almost empty", BUY_CREDITS, 0.8), (" refill my", BUY_CREDITS, 1.0),
    // auto_recharge
    (" automatic", AUTO_RECHARGE, 1.6), (" automatisch", AUTO_RECHARGE, 1.6), (" automatica", AUTO_RECHARGE, 1.6), (" automatique", AUTO_RECHARGE, 1.6), (" automatiquement", AUTO_RECHARGE, 1.6),
    (" itself", AUTO_RECHARGE, 1.2), (" by itself", AUTO_RECHARGE, 0.6), (" on its own", AUTO_RECHARGE, 1.5), (" when it gets low", AUTO_RECHARGE, 2.0), (" gets low", AUTO_RECHARGE, 1.5),
    (" run low", AUTO_RECHARGE, 0.8), (" runs low", AUTO_RECHARGE, 1.5), (" when low", AUTO_RECHARGE, 1.5), (" when below", AUTO_RECHARGE, 1.8), (" when it drops", AUTO_RECHARGE, 1.8),
    (" whenever", AUTO_RECHARGE, 0.8), (" recurring credit", AUTO_RECHARGE, 2.5), (" recurring purchase", AUTO_RECHARGE, 2.5), (" triggers", AUTO_RECHARGE, 1.2), (" trigger", AUTO_RECHARGE, 0.8),
    (" didnt fire", AUTO_RECHARGE, 1.0), (" auto ", AUTO_RECHARGE, 0.8), (" auto renew", AUTO_RECHARGE, -1.5), (" auto renewal", AUTO_RECHARGE, -1.5), (" automated", AUTO_RECHARGE, -1.6),
    (" automatic renewal", AUTO_RECHARGE, -2.0), (" automatically renew", AUTO_RECHARGE, -2.0),
    // transfer_credits
    (" passar ", T_MOVE, 0.0), (" passer ", T_MOVE, 0.0), (" go to", T_MOVE, 0.0), (" put them", T_MOVE, 0.0), (" put the credits", T_MOVE, 0.0),
    (" reassign", T_MOVE, 0.0), (" shift", T_MOVE, 0.0), (" carry over", T_MOVE, 0.0), (" carried over", T_MOVE, 0.0),
    (" moved to", T_MOVE, 0.0), (" onto the", T_MOVE, 0.0), (" ubertragen", T_MOVE, 0.0), (" trasferi", T_MOVE, 0.0),
    (" para a conta", TRANSFER_CREDITS, 1.5), (" a la cuenta", TRANSFER_CREDITS, 1.0), (" vers le compte", TRANSFER_CREDITS, 1.5), (" auf ein anderes", TRANSFER_CREDITS, 1.5),
    (" colleague", TRANSFER_CREDITS, 0.6), (" across accounts", TRANSFER_CREDITS, 2.0), (" another user", TRANSFER_CREDITS, 1.2), (" client workspace", TRANSFER_CREDITS, 1.2),
    (" from one account", TRANSFER_CREDITS, 1.5), (" add a new user", OTHER, 1.5), (" add a user", OTHER, 1.5), (" new user", OTHER, 1.0), (" invite", OTHER, 1.0),
    // dispute
    (" wasnt made by", DISPUTE, 3.0), (" not made by", DISPUTE, 3.0), (" didnt approve", DISPUTE, 3.0), (" did not approve", DISPUTE, 3.0),
    (" never approved", DISPUTE, 3.0), (" not approved by me", DISPUTE, 3.0), (" investigat", DISPUTE, 0.8), (" someone", DISPUTE, 0.9),
    (" somebody", DISPUTE, 0.9), (" used my", DISPUTE, 0.5), (" appeared", DISPUTE, 0.8), (" nobody at", DISPUTE, 2.0), (" no one at", DISPUTE, 2.0),
    (" nicht veranlasst", DISPUTE, 3.0), (" nie veranlasst", DISPUTE, 3.0),
    (" no idea what", DISPUTE, 1.8), (" dont know you", DISPUTE, 2.5), (" never used your", DISPUTE, 1.8),
    (" didnt buy anything", DISPUTE, 2.0), (" never bought", DISPUTE, 2.0), (" rien achete", DISPUTE, 2.0), (" nao foi autorizad", DISPUTE, 3.0),
    (" without permission", DISPUTE, 3.0), (" reverse this charge", DISPUTE, 2.0), (" stole ", DISPUTE, 2.5),
    // cancel_subscription
    (" end the plan", CANCEL_SUBSCRIPTION, 2.5), (" end the sub", CANCEL_SUBSCRIPTION, 2.5), (" end it", CANCEL_SUBSCRIPTION, 1.2), (" stop paying", CANCEL_SUBSCRIPTION, 2.0), (" no longer need", CANCEL_SUBSCRIPTION, 0.6),
    (" no longer", CANCEL_SUBSCRIPTION, 0.3), (" another tool", CANCEL_SUBSCRIPTION, 1.2), (" another service", CANCEL_SUBSCRIPTION, 1.0), (" another platform", CANCEL_SUBSCRIPTION, 1.0), (" competitor", CANCEL_SUBSCRIPTION, 1.0), (" every month", CANCEL_SUBSCRIPTION, 0.5), (" leaving", CANCEL_SUBSCRIPTION, 1.0), (" de baja", CANCEL_SUBSCRIPTION, 2.0),
    (" stop being charged", CANCEL_SUBSCRIPTION, 2.0), (" close my subscription", CANCEL_SUBSCRIPTION, 2.5),
    (" at the end of the term", CANCEL_SUBSCRIPTION, 1.0), (" renew us", CANCEL_SUBSCRIPTION, 1.0),
    // escalate: nobody + reply, wait + reply (rules in mod.rs).
    (" no one", T_NOBODY, 0.0), (" noone", T_NOBODY, 0.0), (" nobody", T_NOBODY, 0.0), (" zero", T_NOBODY, 0.0), (" no ", T_NOBODY, 0.0),
    (" never", T_NOBODY, 0.0), (" nadie", T_NOBODY, 0.0), (" personne", T_NOBODY, 0.0), (" niemand", T_NOBODY, 0.0),
    (" ninguem", T_NOBODY, 0.0), (" nessuno", T_NOBODY, 0.0), (" still no", T_NOBODY, 0.0), (" keine", T_NOBODY, 0.0),
    (" repl", T_REPLY, 0.0), (" answer", T_REPLY, 0.0), (" respon", T_REPLY, 0.0), (" heard back", T_REPLY, 0.0), (" got back", T_REPLY, 0.0),
    (" get back to", T_REPLY, 0.0), (" contest", T_REPLY, 0.0), (" repond", T_REPLY, 0.0), (" antwort", T_REPLY, 0.0),
    (" reagee", T_REPLY, 0.0), (" risponde", T_REPLY, 0.0), (" helped", T_REPLY, 0.0), (" ayuda", T_REPLY, 0.0),
    (" waiting", T_WAIT, 0.0), (" waited", T_WAIT, 0.0), (" wait ", T_WAIT, 0.0), (" since", T_WAIT, 0.0), (" days and", T_WAIT, 0.0),
    (" esperando", T_WAIT, 0.0), (" jattends", T_WAIT, 0.0), (" warte", T_WAIT, 0.0), (" aguardando", T_WAIT, 0.0),
    (" in charge", ESCALATE, 2.2), (" actual person", ESCALATE, 2.6), (" person", ESCALATE, 0.8), (" useless", ESCALATE, 1.5), (" higher up", ESCALATE, 2.5),
    (" go higher", ESCALATE, 2.5), (" team lead", ESCALATE, 1.5), (" your boss", ESCALATE, 2.6), (" formal complaint", ESCALATE, 2.5), (" queja", ESCALATE, 2.0),
    (" reclamacao", ESCALATE, 2.0), (" plainte", ESCALATE, 2.0), (" connect me", ESCALATE, 1.5), (" to an agent", ESCALATE, 2.0), (" an actual", ESCALATE, 1.0),
    (" seriously", ESCALATE, 0.6), (" tired of", ESCALATE, 1.0), (" doesnt understand", ESCALATE, 1.2), (" isnt helping", ESCALATE, 1.5), (" not helping", ESCALATE, 1.5),
    // ticket_status
    (" ticket", TICKET_STATUS, 0.8), (" tickets", TICKET_STATUS, 0.6), (" checking in", T_NEWS, 0.0), (" follow up", T_NEWS, 0.0), (" pick up", T_NEWS, 0.0),
    (" picked up", T_NEWS, 0.0), (" handling", T_NEWS, 0.0), (" worked on", T_NEWS, 0.0), (" happening with", T_NEWS, 0.0),
    (" how is my", T_NEWS, 0.0), (" como va", T_NEWS, 0.0), (" stand ", T_NEWS, 0.0), (" update zu", T_NEWS, 0.0),
    (" wrote in", TICKET_STATUS, 1.2), (" get created", TICKET_STATUS, 2.0), (" got created", TICKET_STATUS, 2.0), (" open ticket", TICKET_STATUS, 1.0),
    (" status of the case", TICKET_STATUS, 2.5), (" is someone handling", TICKET_STATUS, 2.0), (" did you receive it", TICKET_STATUS, 1.5),
    // update_payment_method
    (" on file", UPDATE_PAYMENT_METHOD, 1.0), (" cards on file", UPDATE_PAYMENT_METHOD, 0.6), (" backup card", UPDATE_PAYMENT_METHOD, 2.0), (" backup", UPDATE_PAYMENT_METHOD, 0.6), (" reissued", UPDATE_PAYMENT_METHOD, 1.8),
    (" new number", UPDATE_PAYMENT_METHOD, 0.8), (" andere ich", T_UPDATE, 0.0), (" anderung", T_UPDATE, 0.0), (" atualiz", T_UPDATE, 0.0),
    (" reissu", T_UPDATE, 0.0), (" add the new", UPDATE_PAYMENT_METHOD, 1.5), (" default payment", UPDATE_PAYMENT_METHOD, 2.0),
    (" apple pay", UPDATE_PAYMENT_METHOD, 1.8), (" google pay", UPDATE_PAYMENT_METHOD, 1.8), (" credit card details", UPDATE_PAYMENT_METHOD, 2.0), (" add a new", UPDATE_PAYMENT_METHOD, -1.0),
    // payment-domain and complaint cues for the fallback (mod.rs).
    (" charge", T_MONEY, 0.0), (" payment", T_MONEY, 0.0), (" paid", T_MONEY, 0.0), (" pay ", T_MONEY, 0.0), (" money", T_MONEY, 0.0),
    (" billed", T_MONEY, 0.0), (" billing", T_MONEY, 0.0), (" debit", T_MONEY, 0.0), (" transaction", T_MONEY, 0.0), (" my card", T_MONEY, 0.0),
    (" invoice", T_MONEY, 0.0), (" statement", T_MONEY, 0.0), (" cobr", T_MONEY, 0.0), (" pago", T_MONEY, 0.0), (" pagamento", T_MONEY, 0.0),
    (" paiement", T_MONEY, 0.0), (" factur", T_MONEY, 0.0), (" zahlung", T_MONEY, 0.0), (" abbuchung", T_MONEY, 0.0), (" rechnung", T_MONEY, 0.0),
    (" why", T_PROBLEM, 0.0), (" wrong", T_PROBLEM, 0.0), (" problem", T_PROBLEM, 0.0), (" issue", T_PROBLEM, 0.0), (" fix", T_PROBLEM, 0.0),
    (" mistake", T_PROBLEM, 0.0), (" error", T_PROBLEM, 0.0), (" help", T_PROBLEM, 0.0), (" what is this", T_PROBLEM, 0.0),
    (" by accident", T_PROBLEM, 0.0), (" dont want", T_PROBLEM, 0.0), (" didnt want", T_PROBLEM, 0.0), (" please check", T_PROBLEM, 0.0),
    (" por que", T_PROBLEM, 0.0), (" pourquoi", T_PROBLEM, 0.0), (" warum", T_PROBLEM, 0.0), (" porque", T_PROBLEM, 0.0), (" erro", T_PROBLEM, 0.0),
    // round 6: more paraphrase families
    (" paid w ", T_CHOSE, 0.0), (" pay w ", T_CHOSE, 0.0), (" toggle", T_CHOSE, 0.0), (" turned on", T_CHOSE, 0.0), (" still full", T_SAME, 0.0),
    (" not touched", T_SAME, 0.0), (" you still charged", T_EXPECT, 0.0), (" and still got", T_EXPECT, 0.0), (" paid by card", T_CARD, 0.0),
    (" by card", T_CARDWORD, 0.0), (" ignored my wallet", WALLET_NOT_APPLIED, 1.5), (" ignored the wallet", WALLET_NOT_APPLIED, 1.5), (" ignored my credits", WALLET_NOT_APPLIED, 1.5),
    (" ignored my balance", WALLET_NOT_APPLIED, 1.5),
    (" three times", T_MULTI, 0.0), (" 3 times", T_MULTI, 0.0), (" four times", T_MULTI, 0.0), (" 4 times", T_MULTI, 0.0),
    (" multiple times", T_MULTI, 0.0), (" several times", T_MULTI, 0.0), (" two times", T_MULTI, 0.0), (" 2 times", T_MULTI, 0.0),
    (" two ", T_TWO, 0.0), (" 2 ", T_TWO, 0.0), (" three ", T_TWO, 0.0), (" deux ", T_TWO, 0.0), (" dos ", T_TWO, 0.0), (" zwei ", T_TWO, 0.0),
    (" duas ", T_TWO, 0.0), (" charges", T_CHARGES, 0.0), (" debits", T_CHARGES, 0.0), (" payments", T_CHARGES, 0.0),
    (" transactions", T_CHARGES, 0.0), (" cargos", T_CHARGES, 0.0), (" cobrancas", T_CHARGES, 0.0), (" abbuchungen", T_CHARGES, 0.0),
    (" prelevements", T_CHARGES, 0.0), (" paiements", T_CHARGES, 0.0), (" pagos", T_CHARGES, 0.0),
    (" charged me again", DUPLICATE_CHARGE, 1.5), (" billed me again", DUPLICATE_CHARGE, 1.5), (" same month", DUPLICATE_CHARGE, 1.2), (" already went out", DUPLICATE_CHARGE, 1.0),
    (" recuperer", REFUND_REQUEST, 1.2), (" recuperar", REFUND_REQUEST, 1.2), (" riavere", REFUND_REQUEST, 1.2),
    (" return the money", T_REFUND, 0.0), (" give back", T_REFUND, 0.0), (" give it back", T_REFUND, 0.0), (" pay back", T_REFUND, 0.0),
    (" paid back", T_REFUND, 0.0), (" send back", T_REFUND, 0.0), (" credit back", T_REFUND, 0.0), (" my money back", T_REFUND, 0.0),
    (" no account", DISPUTE, 2.2), (" dont have an account", DISPUTE, 2.2), (" never had an account", DISPUTE, 2.5), (" not a customer", DISPUTE, 2.2),
];

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
