//! Keyword / phrase features over normalised text (see `normalize.rs`).
//!
//! A leading space in a pattern means "starts a word", a trailing space "ends a word".
//! Each feature either adds weight to an intent or sets a tag used by the combination
//! rules in `mod.rs`. Intent features are negatable ("i dont want a refund") unless the
//! pattern carries its own negation ("didnt go through").

// Intent slots, in `Intent::ALL` order.
pub const RR: u8 = 0; // refund_request
pub const WNA: u8 = 1; // wallet_not_applied
pub const DUP: u8 = 2; // duplicate_charge
pub const WA: u8 = 3; // wrong_amount
pub const PF: u8 = 4; // payment_failed
pub const PP: u8 = 5; // payment_pending
pub const RS: u8 = 6; // refund_status
pub const WB: u8 = 7; // wallet_balance
pub const BUY: u8 = 8; // buy_credits
pub const AR: u8 = 9; // auto_recharge
pub const TC: u8 = 10; // transfer_credits
pub const DIS: u8 = 11; // dispute
pub const CAN: u8 = 12; // cancel_subscription
pub const ESC: u8 = 13; // escalate
pub const TS: u8 = 14; // ticket_status
pub const UPM: u8 = 15; // update_payment_method
pub const OTH: u8 = 16; // other

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
    (" refund", RR, 1.4), (" refnd", RR, 1.2), (" refud", RR, 1.2), (" reufnd", RR, 1.2), (" rufund", RR, 1.2),
    (" refound", RR, 1.2), (" refunf", RR, 1.2), (" refun ", RR, 1.2), (" rfund", RR, 1.2),
    (" money back", RR, 1.3), (" my money", RR, 0.6), (" back ", RR, 0.4), (" can i have my ", RR, 0.4),
    (" reimburs", RR, 1.4), (" reembols", RR, 1.4), (" rembours", RR, 1.4), (" erstatt", RR, 1.4),
    (" ruckerstatt", RR, 1.2), (" geld zuruck", RR, 1.3), (" zuruckbekommen", RR, 1.0), (" devolu", RR, 1.1),
    (" devolv", RR, 1.1), (" estorn", RR, 1.2), (" rimbors", RR, 1.2), (" terugbetal", RR, 1.2),
    (" terugstort", RR, 1.2), (" geld terug", RR, 1.3), (" dinero de vuelta", RR, 1.2), (" meu dinheiro", RR, 0.8),
    (" mi dinero", RR, 0.8), (" mon argent", RR, 0.8), (" by mistake", RR, 0.5), (" by accident", RR, 0.5),
    (" accidentally", RR, 0.5), (" por error", RR, 0.5), (" par erreur", RR, 0.5), (" versehentlich", RR, 0.5),
    (" por engano", RR, 0.5), (" never worked", RR, 0.6), (" didnt use", RR, 0.4), (" not what i expected", RR, 0.6),
    (" isnt what i expected", RR, 0.6), (" cancel and refund", RR, 0.2), (" chargeback", T_REFUND, 0.0),

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
    (" refund status", RS, 3.0), (" status of my refund", RS, 3.0), (" refund still", RS, 1.5), (" refund hasnt", RS, 2.0),
    (" refund has not", RS, 2.0), (" refund is taking", RS, 2.5), (" new refund", RS, 1.0), (" got approval", RS, 1.0),
    (" lands on my", RS, 1.0), (" show up on my", RS, 1.0), (" on my statement", RS, 0.2),

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
    (" still there", T_SAME, 0.0), (" wallet still", T_SAME, 0.0), (" ignored my wallet", T_SAME, 0.0), (" instead of my wallet", WNA, 2.5),
    (" instead of using my", WNA, 2.5), (" instead of the wallet", WNA, 2.5), (" instead of my credits", WNA, 2.5),
    (" wallet wasnt used", WNA, 3.0), (" wallet was not used", WNA, 3.0), (" credits werent used", WNA, 3.0), (" credits were not used", WNA, 3.0),
    (" wallet didnt", WNA, 1.5), (" wallet did nothing", WNA, 2.0), (" wallet not applied", WNA, 3.0), (" didnt use my wallet", WNA, 2.5),
    (" didnt use my credits", WNA, 2.5), (" didnt use the wallet", WNA, 2.5),

    // ---------------- duplicate_charge ----------------
    (" twice", DUP, 2.5), (" twise", DUP, 2.5), (" twic ", DUP, 2.5), (" two times", DUP, 2.2), (" 2 times", DUP, 2.2),
    (" 2x", DUP, 1.8), (" double charge", DUP, 3.0), (" double charged", DUP, 3.0), (" doubled", DUP, 1.5),
    (" double billed", DUP, 3.0), (" double billing", DUP, 3.0), (" billed double", DUP, 3.0), (" charged double", DUP, 3.0),
    (" duplicate", DUP, 1.2), (" duplicate charge", DUP, 3.0), (" duplicate payment", DUP, 3.0), (" duplicate transaction", DUP, 3.0), (" duplicated", DUP, 3.0), (" dupe", DUP, 2.0), (" two charges", DUP, 2.8), (" 2 charges", DUP, 2.8),
    (" three charges", DUP, 2.8), (" 3 charges", DUP, 2.8), (" identical charges", DUP, 3.0), (" identical payments", DUP, 3.0),
    (" two identical", DUP, 3.0), (" same charge", DUP, 1.5), (" two lines", DUP, 2.5), (" two payments", DUP, 2.5),
    (" 2 payments", DUP, 2.5), (" same purchase", DUP, 1.5), (" same order", DUP, 1.0), (" same invoice", DUP, 0.6),
    (" same amount", DUP, 0.8), (" charged again", DUP, 1.2), (" billed again", DUP, 1.0), (" pay once", DUP, 1.5),
    (" paid once", DUP, 1.5), (" only once", DUP, 1.0), (" three times", DUP, 0.8), (" 3 times", DUP, 0.8), (" multiple times", DUP, 1.0),
    (" deux fois", DUP, 3.0), (" doublon", DUP, 3.0), (" en double", DUP, 3.0), (" double prelevement", DUP, 3.0), (" debite 2 fois", DUP, 3.0),
    (" dos veces", DUP, 3.0), (" duplicado", DUP, 3.0), (" cobro doble", DUP, 3.0), (" doble cargo", DUP, 3.0), (" doble cobro", DUP, 3.0),
    (" cobrado doble", DUP, 3.0), (" duas vezes", DUP, 3.0), (" duplicada", DUP, 3.0), (" cobranca dupla", DUP, 3.0), (" em dobro", DUP, 3.0),
    (" doppelt", DUP, 3.0), (" zweimal", DUP, 3.0), (" zwei mal", DUP, 3.0), (" due volte", DUP, 3.0), (" twee keer", DUP, 3.0),
    (" dubbel", DUP, 3.0), (" both went through", DUP, 2.0), (" went through twice", DUP, 3.0),

    // ---------------- wrong_amount ----------------
    (" wrong amount", WA, 3.0), (" incorrect amount", WA, 3.0), (" different amount", WA, 2.5), (" wrong price", WA, 3.0),
    (" overcharged", WA, 3.0), (" over charged", WA, 3.0), (" overcharge", WA, 3.0), (" charged more", WA, 2.5), (" more than", WA, 1.2),
    (" higher than", WA, 2.0), (" way higher", WA, 2.5), (" much higher", WA, 2.5), (" too much", WA, 1.8), (" cheaper", WA, 2.0),
    (" less than", WA, 1.0), (" way less", WA, 2.0), (" price we agreed", WA, 2.5), (" agreed", WA, 1.2), (" quote said", WA, 2.0),
    (" quoted", WA, 1.8), (" the quote", WA, 0.8), (" pricing page", WA, 1.5), (" listed", WA, 1.0), (" advertised", WA, 1.5),
    (" should have been", WA, 1.8), (" should be", WA, 0.8), (" expected to pay", WA, 1.5), (" difference", WA, 0.8), (" the difference between", OTH, 1.5), (" refund the difference", WA, 2.0),
    (" checkout said", WA, 1.5), (" checkout showed", WA, 1.5), (" price was", WA, 1.0), (" price is", WA, 0.8), (" the price", WA, 0.6),
    (" extra fee", WA, 1.5), (" hidden fee", WA, 2.0), (" vat ", WA, 0.8), (" tax ", WA, 0.6), (" discount wasnt applied", WA, 2.5),
    (" coupon", WA, 1.2), (" promo code", WA, 1.2), (" not the price", WA, 2.0), (" wrong total", WA, 3.0), (" amount is wrong", WA, 3.0),
    (" amount was wrong", WA, 3.0), (" wrong charge", WA, 2.0), (" custa menos", WA, 2.5), (" valor errado", WA, 3.0),
    (" valor esta errado", WA, 3.0), (" valor incorreto", WA, 3.0), (" cobrado a mais", WA, 3.0), (" cobraram a mais", WA, 3.0),
    (" mais caro", WA, 2.0), (" monto incorrecto", WA, 3.0), (" importe incorrecto", WA, 3.0), (" cobraron de mas", WA, 3.0),
    (" cobrado de mas", WA, 3.0), (" mas caro", WA, 2.0), (" cuesta menos", WA, 2.5), (" precio", WA, 0.8), (" montant incorrect", WA, 3.0),
    (" mauvais montant", WA, 3.0), (" trop factur", WA, 3.0), (" trop paye", WA, 2.5), (" plus cher", WA, 2.0), (" coute moins", WA, 2.5),
    (" prix", WA, 0.8), (" falscher betrag", WA, 3.0), (" falschen betrag", WA, 3.0), (" zu viel", WA, 2.5), (" teurer", WA, 2.0),
    (" preis", WA, 0.8), (" importo sbagliato", WA, 3.0), (" verkeerde bedrag", WA, 3.0), (" te veel", WA, 2.5),

    // ---------------- payment_failed ----------------
    (" declined", PF, 2.5), (" decline", PF, 2.2), (" declind", PF, 2.5), (" declinded", PF, 2.5), (" denied", PF, 1.8),
    (" payment failed", PF, 3.0), (" failed", PF, 2.0), (" fails", PF, 2.0), (" failing", PF, 2.0), (" fail ", PF, 1.8),
    (" failure", PF, 2.0), (" payment error", PF, 2.5), (" error", PF, 0.9), (" rejected", PF, 2.2), (" refused", PF, 2.2),
    (" didnt go through", PF, 2.5), (" didnt go thru", PF, 2.5), (" dint go thru", PF, 2.5), (" dint go through", PF, 2.5),
    (" did not go through", PF, 2.5), (" doesnt go through", PF, 2.5), (" wont go through", PF, 2.5), (" not going through", PF, 2.5),
    (" wont go thru", PF, 2.5), (" not go through", PF, 2.5), (" cant pay", PF, 2.0), (" cannot pay", PF, 2.0), (" couldnt pay", PF, 2.0),
    (" unable to pay", PF, 2.2), (" cant complete", PF, 1.8), (" couldnt complete", PF, 1.8), (" something went wrong", PF, 2.0),
    (" went wrong", PF, 1.2), (" not accepted", PF, 2.2), (" wont accept", PF, 2.2), (" doesnt accept", PF, 1.5), (" insufficient", PF, 1.5),
    (" tried again", PF, 1.0), (" tryed again", PF, 1.0), (" tried to pay", PF, 1.2), (" try to pay", PF, 1.2), (" keeps failing", PF, 2.5),
    (" same thing", PF, 0.4), (" spins", PF, 1.2), (" nothing charged", PF, 1.2), (" wasnt charged", PF, 0.8), (" bounced", PF, 2.0),
    (" not working", PF, 0.6), (" doesnt work", PF, 0.5), (" wont work", PF, 0.5), (" 3d secure", PF, 1.5), (" 3ds", PF, 1.5),
    (" rechaz", PF, 2.5), (" denegad", PF, 2.5), (" fallo", PF, 2.2), (" fallido", PF, 2.2), (" no pude pagar", PF, 2.5),
    (" no puedo pagar", PF, 2.5), (" no se proceso", PF, 2.0), (" error al pagar", PF, 2.5), (" refuse", PF, 2.2), (" echoue", PF, 2.5),
    (" echec", PF, 2.5), (" impossible de payer", PF, 2.5), (" ne passe pas", PF, 2.5), (" na pas fonctionne", PF, 1.5),
    (" abgelehnt", PF, 2.5), (" fehlgeschlagen", PF, 2.5), (" zahlung geht nicht", PF, 2.5), (" funktioniert nicht", PF, 1.0),
    (" fehler", PF, 0.6), (" recusad", PF, 2.5), (" falhou", PF, 2.5), (" nao passa", PF, 2.0), (" nao consigo pagar", PF, 2.5),
    (" erro ", PF, 1.0), (" negad", PF, 2.0), (" rifiutat", PF, 2.5), (" mislukt", PF, 2.5), (" geweigerd", PF, 2.5),

    // ---------------- payment_pending ----------------
    (" pending", PP, 2.5), (" pendng", PP, 2.5), (" processing", PP, 2.2), (" not confirmed", PP, 2.5), (" unconfirmed", PP, 2.5),
    (" awaiting confirmation", PP, 3.0), (" awaiting payment", PP, 2.5), (" awaiting", PP, 1.5), (" stuck", PP, 1.5),
    (" in progress", PP, 1.2), (" credits not added", PP, 2.0), (" not added", PP, 1.5), (" not credited", PP, 2.0),
    (" havent been added", PP, 2.0), (" not showing up", PP, 1.0), (" hasnt cleared", PP, 2.0), (" not cleared", PP, 2.0),
    (" still unpaid", PP, 2.0), (" shows unpaid", PP, 2.0), (" marked as unpaid", PP, 2.0), (" invoice still open", PP, 1.5),
    (" money left my account", PP, 1.5), (" went through on my side", PP, 1.5), (" on hold", PP, 2.0),
    (" pendiente", PP, 2.5), (" procesando", PP, 2.5), (" en proceso", PP, 2.0), (" sin confirmar", PP, 2.5), (" en attente", PP, 2.5),
    (" en cours de traitement", PP, 2.5), (" pas confirme", PP, 2.5), (" ausstehend", PP, 2.5), (" in bearbeitung", PP, 2.5),
    (" nicht bestatigt", PP, 2.5), (" noch offen", PP, 1.5), (" pendente", PP, 2.5), (" processando", PP, 2.5), (" em processamento", PP, 2.5),
    (" nao confirmad", PP, 2.5), (" aguardando", PP, 2.0), (" in attesa", PP, 2.5), (" in behandeling", PP, 2.5), (" in afwachting", PP, 2.5),

    // ---------------- wallet_balance ----------------
    (" balance", WB, 0.9), (" ballance", WB, 0.9), (" my balance", WB, 1.4), (" wallet balance", WB, 1.0), (" check my balance", WB, 1.5),
    (" how many credits", WB, 2.2), (" how many im credits", WB, 2.2), (" credits left", WB, 2.2), (" credits do i have", WB, 2.5),
    (" credits do we have", WB, 2.5), (" have left", WB, 1.2), (" is left", WB, 1.5), (" are left", WB, 1.5), (" left on", WB, 1.2),
    (" remaining", WB, 1.0), (" how much credit", WB, 2.0), (" how much is in", WB, 1.5), (" how much money", WB, 1.0),
    (" wallet below", WB, 2.0), (" running low", WB, 1.2), (" run out", WB, 0.8), (" remaining credits", WB, 1.5),
    (" credit balance", WB, 1.5), (" current balance", WB, 1.8), (" how much do i have", WB, 1.8), (" how much have i got", WB, 1.8),
    (" saldo", WB, 1.0), (" guthaben", WB, 0.8), (" solde", WB, 1.0), (" tegoed", WB, 0.6), (" me reste", WB, 2.0), (" il reste", WB, 1.5),
    (" reste t il", WB, 2.0), (" combien de credits", WB, 1.5), (" restant", WB, 1.2), (" cuantos creditos", WB, 2.0),
    (" me quedan", WB, 2.0), (" quedan", WB, 1.2), (" cuanto saldo", WB, 2.0), (" quantos creditos", WB, 2.0), (" me restam", WB, 2.0),
    (" restam", WB, 1.2), (" quanto saldo", WB, 2.0), (" wie viel guthaben", WB, 2.0), (" wieviel guthaben", WB, 2.0),
    (" wie viele credits", WB, 2.0), (" ubrig", WB, 1.5), (" verbleibend", WB, 1.5), (" hoeveel", WB, 1.0), (" resterend", WB, 1.2),
    (" quanti crediti", WB, 2.0),

    // ---------------- buy_credits ----------------
    (" buy", BUY, 1.6), (" purchase", BUY, 1.0), (" top up", BUY, 1.8), (" topup", BUY, 1.8), (" top off", BUY, 1.5),
    (" add credits", BUY, 2.2), (" add more credits", BUY, 2.5), (" add ", BUY, 0.5), (" more credits", BUY, 1.5), (" bulk", BUY, 1.0),
    (" recharge my", BUY, 1.5), (" recharge", BUY, 0.8), (" reload my", BUY, 1.2), (" refill", BUY, 1.2), (" order credits", BUY, 2.0),
    (" get more credits", BUY, 2.0), (" need credits", BUY, 1.8), (" need more credits", BUY, 2.2), (" credit pack", BUY, 1.5),
    (" load money", BUY, 1.5), (" add funds", BUY, 2.2), (" fund my wallet", BUY, 2.2), (" add money", BUY, 2.0),
    (" aufladen", BUY, 2.2), (" kaufen", BUY, 2.0), (" nachkaufen", BUY, 2.5), (" comprar", BUY, 2.0), (" recargar", BUY, 2.0),
    (" recarregar", BUY, 2.0), (" acheter", BUY, 2.0), (" recharger", BUY, 2.0), (" crediter", BUY, 1.5), (" kopen", BUY, 2.0),
    (" opwaarderen", BUY, 2.2), (" acquistare", BUY, 2.0), (" ricaricare", BUY, 2.0),

    // ---------------- auto_recharge ----------------
    (" auto recharge", AR, 3.5), (" autorecharge", AR, 3.5), (" auto top up", AR, 3.5), (" auto topup", AR, 3.5),
    (" automatic top up", AR, 3.5), (" automatic topup", AR, 3.5), (" auto reload", AR, 3.5), (" autoreload", AR, 3.5),
    (" automatic recharg", AR, 3.5), (" auto recharg", AR, 3.5), (" automatically top", AR, 3.0), (" automatic reload", AR, 3.5), (" auto refill", AR, 3.5), (" autorefill", AR, 3.5),
    (" automatic refill", AR, 3.5), (" auto recarga", AR, 3.5), (" automatically top", AR, 3.0), (" automatically recharge", AR, 3.0),
    (" automatically buy", AR, 3.0), (" automatically add", AR, 3.0), (" automatically reload", AR, 3.0), (" auto purchase", AR, 3.0),
    (" auto buy", AR, 3.0), (" auto charge", AR, 2.0), (" recurring top", AR, 3.0), (" when i drop below", AR, 2.0),
    (" drops below", AR, 1.5), (" falls under", AR, 1.5), (" falls below", AR, 1.5), (" goes below", AR, 1.5), (" threshold", AR, 3.0),
    (" recarga automatica", AR, 3.5), (" recargar automaticamente", AR, 3.5), (" recharge automatique", AR, 3.5),
    (" rechargement automatique", AR, 3.5), (" recharger automatiquement", AR, 3.5), (" automatische aufladung", AR, 3.5),
    (" automatisch aufladen", AR, 3.5), (" automatisches aufladen", AR, 3.5), (" auto aufladung", AR, 3.5),
    (" recarga automatica", AR, 3.5), (" recarregamento automatico", AR, 3.5), (" recarregar automaticamente", AR, 3.5),
    (" ricarica automatica", AR, 3.5), (" automatisch opwaarderen", AR, 3.5), (" automatische opwaardering", AR, 3.5),

    // ---------------- transfer_credits ----------------
    (" transfer", TC, 1.8), (" trasnfer", TC, 1.8), (" tranfer", TC, 1.8), (" move my credits", TC, 3.0), (" move credits", TC, 3.0),
    (" move the credits", TC, 3.0), (" move my balance", TC, 3.0), (" move our credits", TC, 3.0), (" moved to", TC, 1.8),
    (" move them to", TC, 2.0), (" move it to", TC, 1.5), (" to my other", TC, 1.5), (" other workspace", TC, 1.5),
    (" another workspace", TC, 1.5), (" another account", TC, 1.5), (" other account", TC, 1.5), (" new account", TC, 1.0),
    (" to my account", TC, 0.8), (" clients account", TC, 1.0), (" to our", TC, 0.5), (" merge", TC, 1.0), (" share credits", TC, 2.0),
    (" give credits", TC, 2.0), (" send credits", TC, 2.0), (" send my credits", TC, 2.0), (" overzetten", TC, 3.0), (" overdragen", TC, 3.0),
    (" overboeken", TC, 3.0), (" transferir", TC, 3.0), (" transfiera", TC, 3.0), (" pasar mis creditos", TC, 3.0), (" mover", TC, 1.5),
    (" otra cuenta", TC, 1.5), (" outra conta", TC, 1.5), (" transferer", TC, 3.0), (" transfert", TC, 2.5), (" autre compte", TC, 1.5),
    (" deplacer", TC, 1.5), (" ubertragen", TC, 3.0), (" ubertrag", TC, 2.5), (" anderes konto", TC, 1.5), (" anderen account", TC, 1.5),
    (" umbuchen", TC, 3.0), (" trasferire", TC, 3.0), (" ander account", TC, 1.5), (" bank transfer", TC, -1.8), (" wire transfer", TC, -1.8),
    (" transferencia bancaria", TC, -3.0), (" virement", TC, -1.0), (" uberweisung", TC, -1.0),

    // ---------------- dispute ----------------
    (" unauthori", DIS, 3.0), (" unauthoti", DIS, 3.0), (" not authori", DIS, 3.0), (" didnt authori", DIS, 3.0), (" did not authori", DIS, 3.0),
    (" never authori", DIS, 3.0), (" without my permission", DIS, 3.0), (" without authori", DIS, 3.0), (" without my consent", DIS, 3.0),
    (" fraud", DIS, 3.0), (" chargeback", DIS, 3.0), (" charge back", DIS, 2.5), (" dispute", DIS, 3.0), (" disputing", DIS, 3.0),
    (" stolen", DIS, 2.5), (" wasnt me", DIS, 2.5), (" was not me", DIS, 2.5), (" not me", DIS, 1.2), (" never made", DIS, 2.5),
    (" i never made", DIS, 1.0), (" someone used my", DIS, 3.0), (" somebody used my", DIS, 3.0), (" dont recogni", DIS, 2.8),
    (" do not recogni", DIS, 2.8), (" didnt recogni", DIS, 2.8), (" unrecogni", DIS, 2.8), (" dont know what this charge", DIS, 2.5),
    (" unknown charge", DIS, 2.5), (" with my bank", DIS, 1.5), (" to my bank", DIS, 1.5), (" my bank", DIS, 0.4),
    (" contact my bank", DIS, 1.0), (" dont even have an account", DIS, 2.0), (" never signed up", DIS, 2.0), (" hacked", DIS, 2.5),
    (" scam", DIS, 2.0), (" reverse the charge", DIS, 1.5), (" nicht autoris", DIS, 3.0), (" ohne meine zustimmung", DIS, 3.0),
    (" betrug", DIS, 3.0), (" zuruckbuch", DIS, 2.5), (" ruckbuchung", DIS, 2.5), (" widerspruch", DIS, 2.0), (" nicht erkenne", DIS, 2.5),
    (" no autoric", DIS, 3.0), (" no autoriz", DIS, 3.0), (" sin autoriz", DIS, 3.0), (" fraude", DIS, 3.0), (" no reconozco", DIS, 2.8),
    (" disputa", DIS, 3.0), (" contracargo", DIS, 3.0), (" nao autoriz", DIS, 3.0), (" sem autoriz", DIS, 3.0), (" nao reconheco", DIS, 2.8),
    (" contestar", DIS, 2.5), (" contestacao", DIS, 3.0), (" pas autorise", DIS, 3.0), (" non autorise", DIS, 3.0), (" jamais autorise", DIS, 3.0),
    (" contester", DIS, 2.5), (" contestation", DIS, 3.0), (" opposition", DIS, 2.0), (" litige", DIS, 3.0), (" je ne reconnais pas", DIS, 2.8),
    (" non autorizzat", DIS, 3.0), (" frode", DIS, 3.0), (" niet geautoriseerd", DIS, 3.0), (" ongeautoriseerd", DIS, 3.0),

    // ---------------- cancel_subscription ----------------
    (" cancel", CAN, 2.4), (" cancle", CAN, 2.4), (" cancl", CAN, 2.4), (" cansel", CAN, 2.4), (" cancell", CAN, 0.1), (" canel", CAN, 2.2),
    (" terminate", CAN, 2.4), (" termination", CAN, 2.2), (" unsubscribe", CAN, 2.8), (" end our", CAN, 1.6), (" end my", CAN, 1.6),
    (" end the subscription", CAN, 2.5), (" stop the subscription", CAN, 2.8), (" stop my subscription", CAN, 2.8),
    (" stop our subscription", CAN, 2.8), (" stop my plan", CAN, 2.5), (" stop the plan", CAN, 2.5), (" from renewing", CAN, 2.0),
    (" stop renewing", CAN, 2.5), (" turn off renewal", CAN, 2.5), (" auto renew", CAN, 1.5), (" autorenew", CAN, 1.5),
    (" renewal", CAN, 0.8), (" subscription", CAN, 1.0), (" subscrption", CAN, 1.0), (" sub ", CAN, 0.6), (" membership", CAN, 0.8),
    (" plan ", CAN, 0.3), (" another provider", CAN, 1.5), (" close my account", CAN, 2.0), (" close our account", CAN, 2.0),
    (" delete my account", CAN, 1.5), (" downgrade", CAN, 0.5), (" dont renew", CAN, 2.0), (" not renew", CAN, 1.5), (" quit", CAN, 1.0),
    (" resilier", CAN, 2.8), (" resiliation", CAN, 2.8), (" annuler", CAN, 2.5), (" annulation", CAN, 2.5), (" abonnement", CAN, 1.0),
    (" kundigen", CAN, 2.8), (" kundigung", CAN, 2.8), (" kundige", CAN, 2.8), (" beenden", CAN, 1.5), (" stornieren", CAN, 2.0),
    (" abo ", CAN, 1.0), (" cancelar", CAN, 2.8), (" cancela", CAN, 2.5), (" darme de baja", CAN, 2.8), (" dar de baja", CAN, 2.8),
    (" suscripcion", CAN, 1.0), (" assinatura", CAN, 1.0), (" encerrar", CAN, 1.5), (" cancellare", CAN, 2.8), (" disdire", CAN, 2.8),
    (" abbonamento", CAN, 1.0), (" opzeggen", CAN, 2.8), (" annuleren", CAN, 2.5), (" stopzetten", CAN, 2.0),

    // ---------------- escalate ----------------
    (" escalat", ESC, 3.0), (" escelat", ESC, 3.0), (" escalte", ESC, 3.0), (" manager", ESC, 2.6), (" supervisor", ESC, 2.8),
    (" someone senior", ESC, 2.8), (" somebody senior", ESC, 2.8), (" senior", ESC, 1.2), (" human", ESC, 2.6), (" real person", ESC, 2.8),
    (" a person", ESC, 1.5), (" speak to someone", ESC, 2.0), (" talk to someone", ESC, 2.0), (" speak to a", ESC, 1.5),
    (" talk to a", ESC, 1.5), (" speak with a", ESC, 1.5), (" nobody replied", ESC, 2.8), (" nobody responded", ESC, 2.8),
    (" nobody answered", ESC, 2.8), (" no one replied", ESC, 2.8), (" no one answered", ESC, 2.8), (" no one has replied", ESC, 2.8),
    (" nobody has", ESC, 2.0), (" no one has", ESC, 1.8), (" no reply", ESC, 2.5), (" no response", ESC, 2.5), (" no answer", ESC, 2.5),
    (" not replied", ESC, 2.0), (" not heard back", ESC, 2.2), (" havent heard", ESC, 2.2), (" never heard back", ESC, 2.2),
    (" anyone there", ESC, 2.6), (" anybody there", ESC, 2.6), (" anyone here", ESC, 2.0), (" been waiting", ESC, 1.6),
    (" waiting since", ESC, 1.6), (" waiting for days", ESC, 2.0), (" still waiting", ESC, 0.8), (" th time", ESC, 1.6),
    (" third time", ESC, 1.6), (" second time", ESC, 0.8), (" times already", ESC, 1.2), (" keep asking", ESC, 1.5), (" asked 3 times", ESC, 2.0),
    (" ignored", ESC, 2.0), (" ignoring", ESC, 2.5), (" ignore", ESC, 1.5), (" unacceptable", ESC, 1.8), (" ridiculous", ESC, 1.2), (" complaint", ESC, 2.0),
    (" same answer", ESC, 1.8), (" useless bot", ESC, 2.0), (" not a bot", ESC, 2.0), (" agent", ESC, 0.8), (" responsable", ESC, 2.5),
    (" gerente", ESC, 2.6), (" supervisor", ESC, 2.8), (" humano", ESC, 2.6), (" persona real", ESC, 2.8), (" nadie responde", ESC, 2.8),
    (" nadie me responde", ESC, 2.8), (" sin respuesta", ESC, 2.5), (" nadie contesta", ESC, 2.8), (" escalar", ESC, 3.0),
    (" humain", ESC, 2.6), (" superieur", ESC, 2.6), (" personne ne repond", ESC, 2.8), (" aucune reponse", ESC, 2.5),
    (" pas de reponse", ESC, 2.5), (" vorgesetzt", ESC, 2.8), (" mensch", ESC, 2.4), (" keine antwort", ESC, 2.5), (" niemand antwortet", ESC, 2.8),
    (" eskalier", ESC, 3.0), (" beschwerde", ESC, 2.0), (" ninguem respond", ESC, 2.8), (" sem resposta", ESC, 2.5), (" escalon", ESC, 2.5),
    (" nessuno risponde", ESC, 2.8), (" niemand reageert", ESC, 2.8), (" leidinggevende", ESC, 2.8),

    // ---------------- ticket_status ----------------
    (" ticket", T_CASE, 0.0), (" case", T_CASE, 0.0), (" my request", T_CASE, 0.0), (" complaint", T_CASE, 0.0), (" fall ", T_CASE, 0.0),
    (" caso", T_CASE, 0.0), (" dossier", T_CASE, 0.0), (" chamado", T_CASE, 0.0), (" solicitud", T_CASE, 0.0), (" demande", T_CASE, 0.0),
    (" anfrage", T_CASE, 0.0), (" pedido", T_CASE, 0.0), (" rf ", T_CASE, 0.0), (" reclamo", T_CASE, 0.0),
    (" any news", T_NEWS, 0.0), (" any update", T_NEWS, 0.0), (" update on", T_NEWS, 0.0), (" status", T_NEWS, 0.0), (" still open", T_NEWS, 0.0),
    (" closed", T_NEWS, 0.0), (" resolved", T_NEWS, 0.0), (" what happened", T_NEWS, 0.0), (" where are we", T_NEWS, 0.0),
    (" progress", T_NEWS, 0.0), (" neuigkeiten", T_NEWS, 0.0), (" stand ", T_NEWS, 0.0), (" novedades", T_NEWS, 0.0), (" estado", T_NEWS, 0.0),
    (" des nouvelles", T_NEWS, 0.0), (" ou en est", T_NEWS, 0.0), (" statut", T_NEWS, 0.0), (" novidades", T_NEWS, 0.0), (" situacao", T_NEWS, 0.0),
    (" any progress", T_NEWS, 0.0), (" looked at", T_NEWS, 0.0), (" open or", T_NEWS, 0.0), (" still being", T_NEWS, 0.0),
    (" confirmation email", TS, 2.6), (" confirmation mail", TS, 2.6), (" never got a confirmation", TS, 2.0), (" case number", TS, 2.6),
    (" ticket number", TS, 2.6), (" did my ticket", TS, 2.8), (" my ticket", TS, 1.5), (" the ticket", TS, 1.0), (" ticket status", TS, 2.8),
    (" status of case", TS, 2.8), (" status of my case", TS, 2.8), (" status of ticket", TS, 2.8), (" status of my ticket", TS, 2.8),
    (" case status", TS, 2.8), (" my case", TS, 1.2), (" still open", TS, 1.2), (" opened a ticket", TS, 1.2), (" reference number", TS, 2.2),
    (" acknowledg", TS, 1.0), (" did you get my", TS, 2.0), (" did you receive my", TS, 2.0), (" mi caso", TS, 1.2), (" mi ticket", TS, 1.5),
    (" mon dossier", TS, 1.2), (" mon ticket", TS, 1.5), (" meinem fall", TS, 1.2), (" mein ticket", TS, 1.5), (" meu chamado", TS, 1.5),
    (" meu caso", TS, 1.2), (" mijn ticket", TS, 1.5), (" numero de caso", TS, 2.6), (" numero de ticket", TS, 2.6),

    // ---------------- update_payment_method ----------------
    (" payment method", UPM, 2.2), (" payment details", UPM, 2.0), (" billing details", UPM, 1.5), (" card on file", UPM, 2.6),
    (" card details", UPM, 1.8), (" update my card", UPM, 2.8), (" update the card", UPM, 2.8), (" update card", UPM, 2.8),
    (" change my card", UPM, 2.8), (" change the card", UPM, 2.8), (" change card", UPM, 2.8), (" replace my card", UPM, 2.8),
    (" replace the card", UPM, 2.8), (" new card", UPM, 2.0), (" different card", UPM, 1.8), (" another card", UPM, 1.8),
    (" expired", UPM, 2.0), (" expiring", UPM, 2.0), (" expires", UPM, 1.8), (" switch from", UPM, 1.6), (" switch to", UPM, 1.0),
    (" switch card", UPM, 2.5), (" remove my card", UPM, 2.5), (" delete my card", UPM, 2.5), (" add a card", UPM, 2.0),
    (" add a new card", UPM, 2.5), (" new one", UPM, 0.8), (" bank transfer", UPM, 2.5), (" wire transfer", UPM, 2.5), (" sepa", UPM, 2.2),
    (" direct debit", UPM, 2.2), (" instead of card", UPM, 2.0), (" pay by invoice", UPM, 1.8), (" company card", UPM, 1.2),
    (" amex", UPM, 0.8), (" update billing", UPM, 2.0), (" metodo de pago", UPM, 2.5), (" medio de pago", UPM, 2.5),
    (" forma de pago", UPM, 2.5), (" cambiar la tarjeta", UPM, 2.8), (" cambiar mi tarjeta", UPM, 2.8), (" nueva tarjeta", UPM, 2.2),
    (" tarjeta vencida", UPM, 2.5), (" caducad", UPM, 2.0), (" moyen de paiement", UPM, 2.5), (" mode de paiement", UPM, 2.5),
    (" changer de carte", UPM, 2.8), (" changer ma carte", UPM, 2.8), (" nouvelle carte", UPM, 2.2), (" carte expiree", UPM, 2.5),
    (" zahlungsmethode", UPM, 2.5), (" zahlungsart", UPM, 2.5), (" zahlungsmittel", UPM, 2.5), (" neue karte", UPM, 2.2),
    (" karte andern", UPM, 2.8), (" karte aktualisieren", UPM, 2.8), (" abgelaufen", UPM, 2.0), (" lastschrift", UPM, 2.0),
    (" metodo de pagamento", UPM, 2.5), (" forma de pagamento", UPM, 2.5), (" trocar o cartao", UPM, 2.8), (" trocar meu cartao", UPM, 2.8),
    (" cartao novo", UPM, 2.2), (" novo cartao", UPM, 2.2), (" cartao expirado", UPM, 2.5), (" vencido", UPM, 1.8),
    (" metodo di pagamento", UPM, 2.5), (" cambiare la carta", UPM, 2.8), (" betaalmethode", UPM, 2.5), (" nieuwe kaart", UPM, 2.2),

    // ---------------- other ----------------
    (" thanks", OTH, 0.6), (" thank you", OTH, 0.6), (" thx", OTH, 0.6), (" merci", OTH, 0.6), (" gracias", OTH, 0.6), (" danke", OTH, 0.6),
    (" obrigad", OTH, 0.6), (" grazie", OTH, 0.6), (" bedankt", OTH, 0.6), (" hello", OTH, 0.3), (" hi ", OTH, 0.3), (" hola", OTH, 0.3),
    (" bonjour", OTH, 0.3), (" hallo", OTH, 0.3), (" ola ", OTH, 0.3), (" api", OTH, 0.9), (" dashboard", OTH, 0.9),
    (" discord server", OTH, 1.0), (" teammate", OTH, 0.9), (" support hours", OTH, 2.0), (" opening hours", OTH, 2.0),
    (" terms of service", OTH, 2.0), (" privacy", OTH, 1.5), (" nonprofit", OTH, 1.2), (" ngo", OTH, 1.0), (" documentation", OTH, 1.0),
    (" integration", OTH, 0.8), (" webhook", OTH, 1.0), (" template", OTH, 0.8), (" feature request", OTH, 1.5), (" call me", OTH, 1.0),
    (" down ", OTH, 0.6), (" outage", OTH, 1.0), (" 502", OTH, 0.8), (" 404", OTH, 0.8), (" login", OTH, 0.8), (" password", OTH, 1.2),
    (" got it", OTH, 0.8), (" that worked", OTH, 1.2), (" have a nice day", OTH, 1.0), (" good morning", OTH, 0.3), (" ok ", OTH, 0.3),
    (" lol", OTH, 0.3), (" discount", OTH, 0.8), (" do you offer", OTH, 0.8), (" do you have", OTH, 0.5), (" how does", OTH, 0.3),
    (" export", OTH, 0.4), (" language", OTH, 0.6), (" timezone", OTH, 0.8), (" invoice address", OTH, 1.0), (" vat number", OTH, 1.2),

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
    (" move", TC, 0.8), (" old workspace", TC, 1.0), (" new workspace", TC, 1.0), (" workspace", TC, 0.4), (" old account", TC, 1.0),
    (" to my wallet", BUY, 0.8), (" to our wallet", BUY, 0.8), (" charge it for", BUY, 1.2),
    (" full price", WA, 2.0), (" discount code", WA, 1.5), (" too high", WA, 2.0), (" single charge", WA, 1.0), (" higher", WA, 0.8),
    (" montant", WA, 0.6), (" incorrect", WA, 1.5), (" facture plus", WA, 2.0), (" plus que prevu", WA, 2.0), (" errado", WA, 1.0), (" comprei errado", RR, 0.8), (" bought the wrong", RR, 0.8),
    (" paguei mais", WA, 2.5), (" mais do que", WA, 1.5), (" de mas", WA, 1.5), (" more than expected", WA, 2.0), (" charged extra", WA, 2.0),
    (" not marked as paid", PP, 2.8), (" still unpaid", PP, 2.2), (" transfer sent", PP, 1.5), (" payment sent", PP, 1.5),
    (" whats left", WB, 1.5), (" left in my", WB, 2.0), (" still have credits", WB, 2.0), (" have credits", WB, 1.0), (" ran out", WB, 0.8),
    (" any credits left", WB, 2.0), (" any balance", WB, 1.5),
    (" new credit card", UPM, 2.2), (" add a new", UPM, 1.8), (" remove the old", UPM, 1.5), (" old card", UPM, 1.5),
    (" credit card", UPM, 0.4), (" pay with paypal", UPM, 2.2), (" pay by paypal", UPM, 2.2), (" via paypal", UPM, 1.5),
    (" paypal instead", UPM, 2.0), (" instead of a card", UPM, 2.0), (" troco o cartao", UPM, 2.8), (" cartao cadastrado", UPM, 2.5),
    (" trocar", UPM, 1.2), (" cambio mi tarjeta", UPM, 2.8), (" cambio de tarjeta", UPM, 2.8), (" cambiar", UPM, 0.5),
    (" changer", UPM, 0.5), (" andern", UPM, 0.5), (" usar paypal", UPM, 1.5), (" utiliser paypal", UPM, 1.5), (" carte bancaire", UPM, 0.6),
    (" whatsapp", OTH, 1.0), (" template", OTH, 0.5), (" meta ", OTH, 1.0),
    (" 2 veces", DUP, 3.0), (" 3 veces", DUP, 2.5), (" mismo pedido", DUP, 1.5), (" misma factura", DUP, 1.5), (" el mismo", DUP, 0.6),
    (" 2 fois", DUP, 3.0), (" meme facture", DUP, 1.5), (" meme commande", DUP, 1.5), (" 2 mal", DUP, 3.0), (" 2 vezes", DUP, 3.0),
    (" mesmo pedido", DUP, 1.5), (" dieselbe", DUP, 1.0), (" gleiche", DUP, 0.6),
    (" on the card", T_CARD, 0.0), (" the card", T_CARD, 0.0), (" got charged", T_CARD, 0.0), (" still charged", T_CARD, 0.0),
    (" en la tarjeta", T_CARD, 0.0), (" a la tarjeta", T_CARD, 0.0), (" came off my", T_CARD, 0.0),

    // ---------------- round 3 ----------------
    (" de volta", RR, 1.0), (" dinheiro de volta", RR, 1.5), (" de vuelta", RR, 1.0), (" zuruck", RR, 0.6), (" terug", RR, 0.6),
    (" set to wallet", T_WPAY, 0.0), (" set to", T_CHOSE, 0.0), (" checkout", T_CHOSE, 0.0), (" covered", T_CHOSE, 0.0),
    (" left my credits alone", T_SAME, 0.0), (" credits alone", T_SAME, 0.0), (" paid instead", T_CARD, 0.0), (" card paid", T_CARD, 0.0),
    (" shouldve covered", WNA, 2.5), (" should have covered", WNA, 2.5), (" shouldve been used", WNA, 2.0), (" should have been used", WNA, 2.0),
    (" mayor", WA, 1.2), (" acordado", WA, 1.5), (" lo acordado", WA, 2.0), (" combinado", WA, 1.5), (" convenu", WA, 1.5),
    (" vereinbart", WA, 1.5), (" paying more", WA, 1.8), (" charged me more", WA, 2.5), (" berechnet", T_CHARGED, 0.0),
    (" not going thru", PF, 2.5), (" going thru", PF, 0.5), (" no se pudo", PF, 2.0), (" no pude", PF, 1.5), (" no funciona", PF, 1.0),
    (" nao foi possivel", PF, 1.5), (" pas pu", PF, 1.5), (" errors out", PF, 2.0), (" gives an error", PF, 2.0), (" an error", PF, 0.8),
    (" taken from my account", PP, 1.5), (" left my account", PP, 1.5), (" invoice is still open", PP, 2.5), (" still open", PP, 0.6),
    (" to be confirmed", PP, 2.5), (" be confirmed", PP, 2.0), (" waiting for my payment", PP, 2.0), (" in sospeso", PP, 2.5),
    (" processad", PP, 1.8), (" sendo processado", PP, 2.5), (" em andamento", PP, 1.5), (" en curso", PP, 1.0), (" not gone through", PP, 1.0),
    (" prepay", BUY, 2.0), (" in credits", BUY, 0.8), (" adicion", T_ACQ, 0.0), (" agregar", T_ACQ, 0.0), (" ajout", T_ACQ, 0.0),
    (" adicion", BUY, 0.8), (" agregar", BUY, 0.8), (" ajouter", BUY, 0.8),
    (" shared", T_MOVE, 0.0), (" share", T_MOVE, 0.0), (" between workspaces", TC, 1.5), (" between accounts", TC, 1.5),
    (" from account", TC, 1.0), (" move everything", TC, 1.5), (" partager", T_MOVE, 0.0), (" compartir", T_MOVE, 0.0),
    (" account", T_ACCOUNT, 0.0), (" workspace", T_ACCOUNT, 0.0), (" cuenta", T_ACCOUNT, 0.0), (" compte", T_ACCOUNT, 0.0),
    (" konto", T_ACCOUNT, 0.0), (" conta ", T_ACCOUNT, 0.0), (" team", T_ACCOUNT, 0.0),
    (" jattends", ESC, 1.5), (" parler a quelqu", ESC, 2.5), (" parler a un", ESC, 1.5), (" hablar con alguien", ESC, 2.5),
    (" hablar con un", ESC, 1.5), (" falar com alguem", ESC, 2.5), (" falar com um", ESC, 1.5), (" mit jemandem", ESC, 2.0),
    (" sprechen", ESC, 1.0), (" depuis une semaine", ESC, 1.0), (" esperando", ESC, 0.8), (" warte seit", ESC, 1.5),
    (" waiting for days", ESC, 2.0), (" days and no", ESC, 2.0), (" call me", ESC, 0.4),
    (" billing card", UPM, 2.0),
    (" update", T_UPDATE, 0.0), (" change", T_UPDATE, 0.0), (" replace", T_UPDATE, 0.0), (" swap", T_UPDATE, 0.0), (" switch ", T_UPDATE, 0.0), (" switching", T_UPDATE, 0.0),
    (" modify", T_UPDATE, 0.0), (" edit", T_UPDATE, 0.0), (" cambiar", T_UPDATE, 0.0), (" cambio", T_UPDATE, 0.0), (" actualizar", T_UPDATE, 0.0),
    (" changer", T_UPDATE, 0.0), (" modifier", T_UPDATE, 0.0), (" remplacer", T_UPDATE, 0.0), (" mettre a jour", T_UPDATE, 0.0),
    (" andern", T_UPDATE, 0.0), (" aktualisier", T_UPDATE, 0.0), (" ersetzen", T_UPDATE, 0.0), (" wechseln", T_UPDATE, 0.0),
    (" trocar", T_UPDATE, 0.0), (" troco", T_UPDATE, 0.0), (" alterar", T_UPDATE, 0.0), (" atualizar", T_UPDATE, 0.0), (" use a different", T_UPDATE, 0.0),
    (" card", T_CARDWORD, 0.0), (" carte", T_CARDWORD, 0.0), (" karte", T_CARDWORD, 0.0), (" tarjeta", T_CARDWORD, 0.0),
    (" cartao", T_CARDWORD, 0.0), (" kaart", T_CARDWORD, 0.0), (" visa", T_CARDWORD, 0.0), (" mastercard", T_CARDWORD, 0.0),
    (" payment method", T_CARDWORD, 0.0), (" billing info", T_CARDWORD, 0.0), (" billing details", T_CARDWORD, 0.0),

    // ---------------- round 4 ----------------
    (" cancelled", CAN, -1.2), (" canceled", CAN, -1.2), (" want it back", RR, 1.5), (" return my", RR, 1.2), (" return the", RR, 0.6),
    (" ruckzahlung", RR, 1.5), (" ruckzahlung", T_REFUND, 0.0),
    (" enough funds", T_CHOSE, 0.0), (" enough credits", T_CHOSE, 0.0), (" enough balance", T_CHOSE, 0.0), (" had enough", T_CHOSE, 0.0),
    (" nicht verwendet", T_SAME, 0.0), (" nicht genutzt", T_SAME, 0.0), (" stattdessen", T_CARD, 0.0), (" belastet", T_CARD, 0.0),
    (" debit card", T_CARD, 0.0), (" identical", DUP, 2.5), (" price says", WA, 1.5), (" but i paid", WA, 1.0),
    (" doesnt match", WA, 2.0), (" does not match", WA, 2.0), (" ne correspond pas", WA, 2.0), (" no coincide", WA, 2.0),
    (" nao corresponde", WA, 2.0), (" stimmt nicht", WA, 1.5), (" valor diferente", WA, 2.5), (" diferente", WA, 1.0),
    (" anunciado", WA, 1.5), (" different", WA, 0.8),
    (" not reflected", PP, 2.0), (" reflected", PP, 1.0), (" paid by wire", PP, 1.0), (" havent shown up", PP, 2.0),
    (" credits havent", PP, 1.5), (" after paying", PP, 1.5), (" pas encore regle", PP, 2.0), (" virement est parti", PP, 1.5),
    (" wo bleibt", T_STATUS, 0.0), (" running out", WB, 1.5), (" ainda tenho", WB, 2.0), (" quanto credito", WB, 2.0),
    (" cuanto credito", WB, 2.0), (" tengo", WB, 0.4), (" load", T_ACQ, 0.0), (" onto our wallet", BUY, 1.0), (" onto my wallet", BUY, 1.0),
    (" give ", T_MOVE, 0.0), (" did not make", DIS, 2.5), (" didnt make", DIS, 2.5), (" investigate", DIS, 0.8),
    (" suspicious", DIS, 2.5), (" alert from my bank", DIS, 1.5), (" erkenne", DIS, 2.0), (" nao fui eu", DIS, 2.5),
    (" no fui yo", DIS, 2.5), (" ce nest pas moi", DIS, 2.5), (" war ich nicht", DIS, 2.5), (" not mine", DIS, 2.0),
    (" stop billing", CAN, 2.5), (" want out", CAN, 1.5), (" monthly plan", CAN, 0.8), (" yearly plan", CAN, 0.8), (" annual plan", CAN, 0.5),
    (" support request", TS, 1.5), (" request was received", TS, 2.5), (" saved card", UPM, 2.2), (" remove ", T_UPDATE, 0.0), (" remove my", T_UPDATE, 0.0), (" remove the", T_UPDATE, 0.0),
    (" delete", T_UPDATE, 0.0), (" kreditkarte", T_CARDWORD, 0.0), (" credit card", T_CARDWORD, 0.0),
    // ---------------- generalisation: stems, paraphrases, cue tags ----------------
    // refund_request: "give / send / pay back", "returned", "reverse it", other languages' stems.
    (" devuelv", RR, 1.4), (" devolv", T_REFUND, 0.0), (" devuelv", T_REFUND, 0.0), (" rembourse", T_REFUND, 0.0),
    (" send back", RR, 1.3), (" paid back", RR, 1.3), (" pay back", RR, 1.2), (" pay me back", RR, 1.4), (" give back", RR, 1.2),
    (" give me back", RR, 1.4), (" get back", RR, 0.9), (" get that back", RR, 1.3), (" get it back", RR, 1.3), (" credit back", RR, 1.4),
    (" money returned", RR, 1.4), (" returned", RR, 0.6), (" return the money", RR, 1.4), (" reverse it", RR, 1.0), (" reverse the", RR, 0.6),
    (" reimbursement", T_REFUND, 0.0), (" unused", RR, 0.5), (" wrong plan", RR, 0.6),
    (" wrong package", RR, 0.6), (" wrong pack", RR, 0.6), (" forgot to cancel", CAN, -2.4), (" forgot to cancel", RR, 1.0),
    (" terugstort", T_REFUND, 0.0), (" zuruckzahl", RR, 1.2), (" rimborso", T_REFUND, 0.0),
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
    (" double ", DUP, 2.2), (" doubled", DUP, 1.0), (" double check", DUP, -2.2), (" double checked", DUP, -2.2), (" 3x", DUP, 1.5),
    (" twice for", DUP, 0.5), (" two debits", DUP, 2.8), (" two transactions", DUP, 2.8), (" 2 transactions", DUP, 2.8),
    (" two times", DUP, 0.3), (" again for", DUP, 0.6), (" already paid", DUP, 0.8), (" reverse one", DUP, 1.5), (" one of them", DUP, 0.8),
    (" failed twice", DUP, -2.5), (" faild twice", DUP, -2.5), (" declined twice", DUP, -2.5), (" tried twice", DUP, -2.5),
    (" failed 2", DUP, -2.0), (" declined 2", DUP, -2.0), (" faild", PF, 2.0), (" fialed", PF, 2.0), (" dos cargos", DUP, 2.8),
    (" zwei abbuchungen", DUP, 2.8), (" deux prelevements", DUP, 2.8), (" duas cobrancas", DUP, 2.8), (" em duplicidade", DUP, 3.0),
    // wrong_amount: a stated price vs what was charged (rule in mod.rs).
    (" overbill", WA, 3.0), (" over bill", WA, 3.0), (" overpa", WA, 2.5), (" over pa", WA, 1.5), (" higher total", WA, 2.0),
    (" the extra", WA, 0.6), (" regular rate", WA, 1.5), (" regular price", WA, 1.5), (" promo", WA, 1.0), (" per message", WA, 0.6),
    (" contract", WA, 0.6), (" price jump", WA, 2.0), (" price increase", WA, 1.8), (" pay more", WA, 1.2),
    (" pay extra", WA, 2.0), (" paid extra", WA, 2.0), (" total is off", WA, 2.5), (" is off", WA, 0.8),
    (" seats but", WA, 1.2), (" only have", WA, 0.6), (" only use", WA, 0.6), (" maior do que", WA, 2.0),
    (" hoher als", WA, 2.0), (" mas de lo", WA, 1.5), (" plus eleve", WA, 2.0), (" not the correct", WA, 2.0), (" no es el correcto", WA, 2.5),
    (" importe", WA, 0.6), (" betrag", WA, 0.6), (" tarif", WA, 0.6),
    (" plan says", T_PRICE, 0.0), (" plan is", T_PRICE, 0.0), (" when the plan", T_PRICE, 0.0), (" price", T_PRICE, 0.0), (" pricing", T_PRICE, 0.0),
    (" listed", T_PRICE, 0.0), (" quote", T_PRICE, 0.0), (" receipt says", T_PRICE, 0.0), (" advertised", T_PRICE, 0.0),
    (" agreed", T_PRICE, 0.0), (" offer", T_PRICE, 0.0), (" promo", T_PRICE, 0.0), (" contract", T_PRICE, 0.0), (" rate ", T_PRICE, 0.0),
    (" should cost", T_PRICE, 0.0), (" supposed to cost", T_PRICE, 0.0), (" costs", T_PRICE, 0.0), (" website shows", T_PRICE, 0.0),
    (" instead of the", T_PRICE, 0.0), (" plan was", T_PRICE, 0.0), (" tarif", T_PRICE, 0.0), (" preis", T_PRICE, 0.0),
    (" precio", T_PRICE, 0.0), (" prix", T_PRICE, 0.0), (" combinado", T_PRICE, 0.0), (" acordado", T_PRICE, 0.0),
    // payment_failed
    (" try another", PF, 2.5), (" try a different", PF, 2.0), (" unsuccessful", PF, 2.5), (" not successful", PF, 2.2),
    (" didnt succeed", PF, 2.5), (" did not succeed", PF, 2.5), (" didnt work", PF, 1.2), (" not approved", PF, 2.0),
    (" nao foi aprovado", PF, 2.5), (" not go thru", PF, 2.5), (" wont complete", PF, 1.8), (" could not be completed", PF, 2.0),
    (" bouncing", PF, 2.0), (" bounce", PF, 2.0), (" card issuer", PF, 1.0), (" do not honor", PF, 2.5), (" insufficient funds", PF, 2.0),
    (" erroring", PF, 1.5),
    (" rejeitad", PF, 2.5), (" nao aprovad", PF, 2.5), (" pago rechazado", PF, 2.5),
    // payment_pending: "I paid but ... still / not yet" (rule in mod.rs).
    (" i paid", T_PAID, 0.0), (" paid ", T_PAID, 0.0), (" already paid", T_PAID, 0.0), (" payment was made", T_PAID, 0.0),
    (" paid for", T_PAID, 0.0), (" sent the money", T_PAID, 0.0), (" wired", T_PAID, 0.0), (" transfer sent", T_PAID, 0.0),
    (" money left", T_PAID, 0.0), (" money was taken", T_PAID, 0.0), (" left my bank", T_PAID, 0.0), (" went out of my", T_PAID, 0.0),
    (" paguei", T_PAID, 0.0), (" pague ", T_PAID, 0.0), (" bezahlt", T_PAID, 0.0), (" paye ", T_PAID, 0.0), (" pagato", T_PAID, 0.0),
    (" still", T_NOTYET, 0.0), (" not yet", T_NOTYET, 0.0), (" yet ", T_NOTYET, 0.0), (" havent", T_NOTYET, 0.0),
    (" hasnt", T_NOTYET, 0.0), (" not in my", T_NOTYET, 0.0), (" not complete", T_NOTYET, 0.0), (" noch nicht", T_NOTYET, 0.0),
    (" todavia", T_NOTYET, 0.0), (" aun no", T_NOTYET, 0.0), (" ainda", T_NOTYET, 0.0), (" toujours", T_NOTYET, 0.0),
    (" pas encore", T_NOTYET, 0.0), (" ancora", T_NOTYET, 0.0),
    (" come through", PP, 1.2), (" came through", PP, 0.8), (" not captured", PP, 2.5), (" authorized but", PP, 2.0),
    (" hasnt confirmed", PP, 2.5), (" havent confirmed", PP, 2.5), (" not been confirmed", PP, 2.5), (" yet to confirm", PP, 2.5),
    (" to confirm", PP, 1.0), (" not paid yet", PP, 2.2), (" says not paid", PP, 2.2),
    (" marked as in progress", PP, 2.0), (" order is stuck", PP, 2.0), (" isnt confirmed", PP, 2.5),
    (" pendent", PP, 2.5), (" noch nicht bestatigt", PP, 2.5), (" pay again", PP, 0.8),
    (" via paypal", UPM, -0.7),
    // refund_status
    (" timeline", T_STATUS, 0.0), (" timeframe", T_STATUS, 0.0), (" completed", T_STATUS, 0.0), (" done", T_STATUS, 0.0),
    (" sent", T_STATUS, 0.0), (" gone out", T_STATUS, 0.0), (" hits", T_STATUS, 0.0), (" reach my", T_STATUS, 0.0), (" reach the", T_STATUS, 0.0), (" reach our", T_STATUS, 0.0), (" how soon", T_STATUS, 0.0),
    (" expect", T_STATUS, 0.0), (" did it get", T_STATUS, 0.0), (" still nothing", T_RECEIVED, 0.0), (" nothing yet", T_RECEIVED, 0.0), (" nothing on my", T_RECEIVED, 0.0), (" nothing in my", T_RECEIVED, 0.0), (" didnt get", T_RECEIVED, 0.0),
    (" havent seen", T_RECEIVED, 0.0), (" no sign", T_RECEIVED, 0.0), (" hasnt shown", T_RECEIVED, 0.0), (" hasnt arrived", T_RECEIVED, 0.0),
    (" havent got", T_RECEIVED, 0.0), (" didnt receive", T_RECEIVED, 0.0), (" nao recebi", T_RECEIVED, 0.0), (" no he recibido", T_RECEIVED, 0.0),
    (" pas recu", T_RECEIVED, 0.0), (" nicht erhalten", T_RECEIVED, 0.0), (" nicht angekommen", T_RECEIVED, 0.0), (" arrive", T_RECEIVED, 0.0),
    (" ou est", T_STATUS, 0.0), (" passe", T_STATUS, 0.0), (" wo ist", T_STATUS, 0.0), (" wann", T_STATUS, 0.0), (" dauert", T_STATUS, 0.0),
    // wallet_balance
    (" any credits", WB, 1.2), (" still have", WB, 1.0), (" enough in", WB, 1.4), (" enough credits", WB, 0.8), (" enough for", WB, 0.6),
    (" enough left", WB, 1.5), (" credits remain", WB, 2.0), (" remain", WB, 0.6), (" how much is left", WB, 2.0), (" how many are", WB, 0.8),
    (" whats my balance", WB, 1.5), (" what is my balance", WB, 1.5), (" balance right now", WB, 1.0), (" saldo da", WB, 0.6),
    // buy_credits
    (" refill", T_ACQ, 0.0), (" reload", T_ACQ, 0.0), (" top ", T_ACQ, 0.0), (" fill up", T_ACQ, 0.0), (" recharge", T_ACQ, 0.0),
    (" load up", BUY, 1.5), (" stock up", BUY, 1.5), (" sell me", BUY, 2.0), (" another pack", BUY, 1.5), (" pack of credits", BUY, 1.2),
    (" purchase credits", BUY, 2.0), (" purchase a", BUY, 0.6), (" worth of credits", BUY, 2.0), (" load more", BUY, 1.8),
    (" almost empty", BUY, 0.8), (" refill my", BUY, 1.0),
    // auto_recharge
    (" automatic", AR, 1.6), (" automatisch", AR, 1.6), (" automatica", AR, 1.6), (" automatique", AR, 1.6), (" automatiquement", AR, 1.6),
    (" itself", AR, 1.2), (" by itself", AR, 0.6), (" on its own", AR, 1.5), (" when it gets low", AR, 2.0), (" gets low", AR, 1.5),
    (" run low", AR, 0.8), (" runs low", AR, 1.5), (" when low", AR, 1.5), (" when below", AR, 1.8), (" when it drops", AR, 1.8),
    (" whenever", AR, 0.8), (" recurring credit", AR, 2.5), (" recurring purchase", AR, 2.5), (" triggers", AR, 1.2), (" trigger", AR, 0.8),
    (" didnt fire", AR, 1.0), (" auto ", AR, 0.8), (" auto renew", AR, -1.5), (" auto renewal", AR, -1.5), (" automated", AR, -1.6),
    (" automatic renewal", AR, -2.0), (" automatically renew", AR, -2.0),
    // transfer_credits
    (" passar ", T_MOVE, 0.0), (" passer ", T_MOVE, 0.0), (" go to", T_MOVE, 0.0), (" put them", T_MOVE, 0.0), (" put the credits", T_MOVE, 0.0),
    (" reassign", T_MOVE, 0.0), (" shift", T_MOVE, 0.0), (" carry over", T_MOVE, 0.0), (" carried over", T_MOVE, 0.0),
    (" moved to", T_MOVE, 0.0), (" onto the", T_MOVE, 0.0), (" ubertragen", T_MOVE, 0.0), (" trasferi", T_MOVE, 0.0),
    (" para a conta", TC, 1.5), (" a la cuenta", TC, 1.0), (" vers le compte", TC, 1.5), (" auf ein anderes", TC, 1.5),
    (" colleague", TC, 0.6), (" across accounts", TC, 2.0), (" another user", TC, 1.2), (" client workspace", TC, 1.2),
    (" from one account", TC, 1.5), (" add a new user", OTH, 1.5), (" add a user", OTH, 1.5), (" new user", OTH, 1.0), (" invite", OTH, 1.0),
    // dispute
    (" wasnt made by", DIS, 3.0), (" not made by", DIS, 3.0), (" didnt approve", DIS, 3.0), (" did not approve", DIS, 3.0),
    (" never approved", DIS, 3.0), (" not approved by me", DIS, 3.0), (" investigat", DIS, 0.8), (" someone", DIS, 0.9),
    (" somebody", DIS, 0.9), (" used my", DIS, 0.5), (" appeared", DIS, 0.8), (" nobody at", DIS, 2.0), (" no one at", DIS, 2.0),
    (" nicht veranlasst", DIS, 3.0), (" nie veranlasst", DIS, 3.0),
    (" no idea what", DIS, 1.8), (" dont know you", DIS, 2.5), (" never used your", DIS, 1.8),
    (" didnt buy anything", DIS, 2.0), (" never bought", DIS, 2.0), (" rien achete", DIS, 2.0), (" nao foi autorizad", DIS, 3.0),
    (" without permission", DIS, 3.0), (" reverse this charge", DIS, 2.0), (" stole ", DIS, 2.5),
    // cancel_subscription
    (" end the plan", CAN, 2.5), (" end the sub", CAN, 2.5), (" end it", CAN, 1.2), (" stop paying", CAN, 2.0), (" no longer need", CAN, 0.6),
    (" no longer", CAN, 0.3), (" another tool", CAN, 1.2), (" another service", CAN, 1.0), (" another platform", CAN, 1.0), (" competitor", CAN, 1.0), (" every month", CAN, 0.5), (" leaving", CAN, 1.0), (" de baja", CAN, 2.0),
    (" stop being charged", CAN, 2.0), (" close my subscription", CAN, 2.5),
    (" at the end of the term", CAN, 1.0), (" renew us", CAN, 1.0),
    // escalate: nobody + reply, wait + reply (rules in mod.rs).
    (" no one", T_NOBODY, 0.0), (" noone", T_NOBODY, 0.0), (" nobody", T_NOBODY, 0.0), (" zero", T_NOBODY, 0.0), (" no ", T_NOBODY, 0.0),
    (" never", T_NOBODY, 0.0), (" nadie", T_NOBODY, 0.0), (" personne", T_NOBODY, 0.0), (" niemand", T_NOBODY, 0.0),
    (" ninguem", T_NOBODY, 0.0), (" nessuno", T_NOBODY, 0.0), (" still no", T_NOBODY, 0.0), (" keine", T_NOBODY, 0.0),
    (" repl", T_REPLY, 0.0), (" answer", T_REPLY, 0.0), (" respon", T_REPLY, 0.0), (" heard back", T_REPLY, 0.0), (" got back", T_REPLY, 0.0),
    (" get back to", T_REPLY, 0.0), (" contest", T_REPLY, 0.0), (" repond", T_REPLY, 0.0), (" antwort", T_REPLY, 0.0),
    (" reagee", T_REPLY, 0.0), (" risponde", T_REPLY, 0.0), (" helped", T_REPLY, 0.0), (" ayuda", T_REPLY, 0.0),
    (" waiting", T_WAIT, 0.0), (" waited", T_WAIT, 0.0), (" wait ", T_WAIT, 0.0), (" since", T_WAIT, 0.0), (" days and", T_WAIT, 0.0),
    (" esperando", T_WAIT, 0.0), (" jattends", T_WAIT, 0.0), (" warte", T_WAIT, 0.0), (" aguardando", T_WAIT, 0.0),
    (" in charge", ESC, 2.2), (" actual person", ESC, 2.6), (" person", ESC, 0.8), (" useless", ESC, 1.5), (" higher up", ESC, 2.5),
    (" go higher", ESC, 2.5), (" team lead", ESC, 1.5), (" your boss", ESC, 2.6), (" formal complaint", ESC, 2.5), (" queja", ESC, 2.0),
    (" reclamacao", ESC, 2.0), (" plainte", ESC, 2.0), (" connect me", ESC, 1.5), (" to an agent", ESC, 2.0), (" an actual", ESC, 1.0),
    (" seriously", ESC, 0.6), (" tired of", ESC, 1.0), (" doesnt understand", ESC, 1.2), (" isnt helping", ESC, 1.5), (" not helping", ESC, 1.5),
    // ticket_status
    (" ticket", TS, 0.8), (" tickets", TS, 0.6), (" checking in", T_NEWS, 0.0), (" follow up", T_NEWS, 0.0), (" pick up", T_NEWS, 0.0),
    (" picked up", T_NEWS, 0.0), (" handling", T_NEWS, 0.0), (" worked on", T_NEWS, 0.0), (" happening with", T_NEWS, 0.0),
    (" how is my", T_NEWS, 0.0), (" como va", T_NEWS, 0.0), (" stand ", T_NEWS, 0.0), (" update zu", T_NEWS, 0.0),
    (" wrote in", TS, 1.2), (" get created", TS, 2.0), (" got created", TS, 2.0), (" open ticket", TS, 1.0),
    (" status of the case", TS, 2.5), (" is someone handling", TS, 2.0), (" did you receive it", TS, 1.5),
    // update_payment_method
    (" on file", UPM, 1.0), (" cards on file", UPM, 0.6), (" backup card", UPM, 2.0), (" backup", UPM, 0.6), (" reissued", UPM, 1.8),
    (" new number", UPM, 0.8), (" andere ich", T_UPDATE, 0.0), (" anderung", T_UPDATE, 0.0), (" atualiz", T_UPDATE, 0.0),
    (" reissu", T_UPDATE, 0.0), (" add the new", UPM, 1.5), (" default payment", UPM, 2.0),
    (" apple pay", UPM, 1.8), (" google pay", UPM, 1.8), (" credit card details", UPM, 2.0), (" add a new", UPM, -1.0),
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
    (" by card", T_CARDWORD, 0.0), (" ignored my wallet", WNA, 1.5), (" ignored the wallet", WNA, 1.5), (" ignored my credits", WNA, 1.5),
    (" ignored my balance", WNA, 1.5),
    (" three times", T_MULTI, 0.0), (" 3 times", T_MULTI, 0.0), (" four times", T_MULTI, 0.0), (" 4 times", T_MULTI, 0.0),
    (" multiple times", T_MULTI, 0.0), (" several times", T_MULTI, 0.0), (" two times", T_MULTI, 0.0), (" 2 times", T_MULTI, 0.0),
    (" two ", T_TWO, 0.0), (" 2 ", T_TWO, 0.0), (" three ", T_TWO, 0.0), (" deux ", T_TWO, 0.0), (" dos ", T_TWO, 0.0), (" zwei ", T_TWO, 0.0),
    (" duas ", T_TWO, 0.0), (" charges", T_CHARGES, 0.0), (" debits", T_CHARGES, 0.0), (" payments", T_CHARGES, 0.0),
    (" transactions", T_CHARGES, 0.0), (" cargos", T_CHARGES, 0.0), (" cobrancas", T_CHARGES, 0.0), (" abbuchungen", T_CHARGES, 0.0),
    (" prelevements", T_CHARGES, 0.0), (" paiements", T_CHARGES, 0.0), (" pagos", T_CHARGES, 0.0),
    (" charged me again", DUP, 1.5), (" billed me again", DUP, 1.5), (" same month", DUP, 1.2), (" already went out", DUP, 1.0),
    (" recuperer", RR, 1.2), (" recuperar", RR, 1.2), (" riavere", RR, 1.2),
    (" return the money", T_REFUND, 0.0), (" give back", T_REFUND, 0.0), (" give it back", T_REFUND, 0.0), (" pay back", T_REFUND, 0.0),
    (" paid back", T_REFUND, 0.0), (" send back", T_REFUND, 0.0), (" credit back", T_REFUND, 0.0), (" my money back", T_REFUND, 0.0),
    (" no account", DIS, 2.2), (" dont have an account", DIS, 2.2), (" never had an account", DIS, 2.5), (" not a customer", DIS, 2.2),
];
