# paydesk: what customers read, in English (the reference: every id here must exist in
# every other locale, which `src/app/l10n.rs`'s tests check).
# Arguments are formatted by paydesk itself (amounts with their currency, case numbers,
# dates in UTC) and passed in as text; counts are numbers, for plural forms.

## Languages, named in the note for a language paydesk has no texts for.

fallback-note = (We can't answer in { $language } yet, so here it is in English.)
language-en = English
language-es = Spanish
language-pt = Portuguese
language-fr = French
language-de = German
language-it = Italian
language-nl = Dutch
language-zh = Chinese
language-ja = Japanese

## Case statuses, as "Your case RF-000001 is now …".

status-open = open and being looked at
status-awaiting_info = waiting for details from you
status-awaiting_approval = waiting for a lead to approve a refund
status-resolved = resolved
status-rejected = closed: the refund was rejected
status-escalated = escalated to a lead
status-closed = closed
case-status = Your case { $case } is now { $status }.

## What a case is about, as "I've opened case RF-000001 for you (duplicate charge)."

topic-refund_request = refund request
topic-wallet_not_applied = wallet not applied
topic-duplicate_charge = duplicate charge
topic-wrong_amount = wrong amount
topic-payment_failed = payment failed
topic-payment_pending = payment pending
topic-refund_status = refund status
topic-wallet_balance = wallet balance
topic-buy_credits = buy credits
topic-auto_recharge = auto recharge
topic-transfer_credits = transfer credits
topic-dispute = dispute
topic-cancel_subscription = cancel subscription
topic-escalate = escalate
topic-ticket_status = ticket status
topic-update_payment_method = update payment method
topic-other = other

## The question back when the bot is unsure what a message means.

question-intro = I want to be sure I understand. Do you mean that
question-choice = { $number }. { $reading }
question-outro = Reply with the number.
reading-refund_request = you want a refund
reading-wallet_not_applied = you chose to pay with wallet credit but your card was charged
reading-duplicate_charge = you were charged more than once for one purchase
reading-wrong_amount = you were charged a different amount than the price
reading-payment_failed = a payment was declined or did not go through
reading-payment_pending = you paid but the payment is still pending
reading-refund_status = you are asking where a refund is
reading-wallet_balance = you want to know your wallet balance
reading-buy_credits = you want to buy credits
reading-auto_recharge = you want to set up, change or stop automatic top-up
reading-transfer_credits = you want credits moved to another account
reading-dispute = you did not authorise a charge
reading-cancel_subscription = you want to cancel a subscription
reading-escalate = you want someone senior to look at this
reading-ticket_status = you are asking about an open case
reading-update_payment_method = you want to change your payment method
reading-other = something else

## Answers without a case.

card-number-removed = Please never post a full card number in chat: I removed it from your message and did not keep it. The last four digits are all we ever need.
case-limit = You have opened { $opened } { $opened ->
        [one] case
       *[other] cases
    } in the last hour; please wait a little before opening another.
thanks = You're welcome! I'm here if anything else comes up with a charge, a refund or your wallet.
greeting = I'm the payment-support bot. Tell me what happened with a charge (for example "I was charged twice for invoice INV-…") and I'll open a case, or ask about your wallet balance, credits or a refund.
credits-not-transferable = Credits are not transferable between accounts, so I can't move them. If credits were bought on the wrong account by mistake, tell me which charge and an agent will look at it.
update-payment-method = You can replace the card on file under Billing → Payment methods in your dashboard; the new card is used from the next charge on. Please never post card numbers here.
no-account = I can't see a billing account linked to you yet. Tell me the email or account id you signed up with and an agent will link it.
wallet-balance = The wallet balance of { $account } is { $balances }.
credits-not-sold = I can't sell credits in { $currency } yet: { $why }.
credits-price = { $credits } credits add { $value } to your wallet and cost { $total } ({ $cost } plus a { $fee } platform fee). To buy them, type /wallet buy { $credits }.
credits-price-each = Each credit adds { $value } to your wallet and costs { $price }, plus a { $percent }% platform fee. Type /wallet buy <credits> to buy, e.g. /wallet buy 10.
credits-bought = Bought { $credits } { $credits ->
        [one] credit
       *[other] credits
    }: { $value } added to your wallet, your card was charged { $total } ({ $cost } plus a { $fee } platform fee, charge { $charge }). Your balance is now { $balance }.
auto-recharge-on = Auto-recharge is on for { $account }: when usage leaves your balance below { $below }, { $credits } credits are bought at once ({ $total } charged, { $value } added). An agent can change or stop it for you: just say so here.
auto-recharge-unpriced = Auto-recharge is set up for { $account }, but { $why }.
auto-recharge-off = Auto-recharge is off for { $account }. It can buy credits automatically when your balance drops below a threshold you choose; tell me the threshold and how many credits, and an agent will set it up.

auto-recharge-bought = Your wallet fell below { $below }, so auto-recharge bought { $credits } credits: your card was charged { $total } ({ $cost } plus a { $fee } platform fee, charge { $charge }) and { $value } was added. Your balance is now { $balance }.
usage-refused = { $conversations } conversation(s) were not charged: the wallet of { $account } holds { $balance }, and it may not go below zero. Buy credits with /wallet buy <credits>.

## Cases.

case-added = I've added this to your case { $case }.
case-opened = I've opened case { $case } for you ({ $topic }).
case-added-unlinked = I've added this to your case { $case }. An agent still has to link your chat user to your billing account.
case-opened-unlinked = I've opened case { $case } ({ $topic }). I can't see a billing account linked to you yet: please tell me the email or account id you signed up with, and an agent will link it.
link-passed-on = Thanks: I've passed { $given } to an agent, who will check it and link your chat user to your billing account. You'll hear back here.
linked-now = Your chat user is now linked to account { $account }; an agent can now look at your charges for case { $case }.
case-about-charge = It is about charge { $charge }.
charge-summary = { $id } — { $amount } on { $date }
charge-description = { $description }
charge-card = card ending { $last4 }
charge-paid-by = paid by { $method }
charge-not-found = I couldn't find a charge { $reference } on your account.
which-charge = Which charge is this about? Please reply with its transaction id, the invoice number, or its date and amount.
no-charges-yet = I see no charges on your account yet.
recent-charges = Your recent charges:
recent-charge = • { $charge }
charge-payment-check = I found charge { $charge }. An agent will check its payment status with the provider and get back to you here.
charge-disputed = Charge { $charge }: { $explanation }.
charge-eligible = Charge { $charge }: under our policy it is { $explanation }. An agent will review it; you'll be told of every step here.
charge-refused = Charge { $charge }: under our policy it is { $explanation }. An agent will still read your case and reply here.
chargeback-explained = About a chargeback: it is a dispute you open with your bank. The bank holds the money while it investigates, which usually takes weeks, and while it is open we cannot refund that charge here. A refund from us goes straight back to your card, usually within 5–10 business days. If you have not filed a dispute yet, we can look at a refund first. A lead is taking over your case now.
no-case-found = I can't find a case { $case } on your account.
ticket-status = Your case { $case } ({ $topic }) is { $status }. Last update { $updated }.
ticket-status-charge = Your case { $case } ({ $topic }) is { $status }, about charge { $charge }. Last update { $updated }.
no-case-yet = You have no case with us yet. Tell me what happened with your payment and I'll open one.
already-with-lead = Your case { $case } is already with a lead; they will reply here.
lead-takes-it = A lead will take it from here.
nothing-to-escalate = You have no open case to escalate. Tell me what happened with your payment and I'll open one right away.
support-message = Message from our support team about { $case }: { $text }

## Why a case moved (after "Your case … is now …").

why-chargeback-open = The charge has an open chargeback, so a lead takes it over.
why-chargeback-with-bank = The charge has an open chargeback with the bank, so a lead takes the case over.
why-bank-dispute = The bank opened a dispute (chargeback) on this charge, so a lead takes the case over.
why-refund-on-hold = The charge is disputed with your bank, so the refund is on hold and a lead takes the case over.
why-approval-timed-out = The refund request was not approved in time; an agent will follow up.
why-auto-approved = A refund of { $amount } was approved automatically and is being paid.
why-agent-requested = An agent has requested a refund of { $amount } for you.
why-provider-not-confirmed = The payment provider has not confirmed the refund yet; a lead is watching it.
why-provider-not-finished = The payment provider has not finished the refund yet; a lead is following it up.
why-refund-not-sent = We could not send the refund through the payment provider; a lead is looking into it.

## Refunds.

refund-status-line = The refund of { $amount } for { $charge } ({ $case }) { $state }.
refund-state-awaiting_approval = is waiting for a lead's approval
refund-state-paying = is approved and being paid
refund-state-sent = was sent; card refunds usually show on your statement within 5–10 business days
refund-state-sent-on = was sent on { $date }; card refunds usually show on your statement within 5–10 business days
refund-state-failed = could not be paid; an agent is looking into it
refund-state-rejected = was not approved
refund-state-expired = expired before approval; an agent will follow up
refund-state-on_hold = is on hold because the charge is disputed with your bank; a lead is handling it
refund-state-reversed = was sent but then returned by the payment provider; a lead is looking into it
no-refund-yet = No refund has been requested yet on your case { $case }, which is { $status }.
no-refund-found = I can't find a refund request for you. If you'd like one, tell me which charge and why.
refund-sent = Your refund of { $amount } for charge { $charge } has been sent. A credit note was issued; card refunds usually show on your statement within 5–10 business days.
refund-sent-to-card = Your refund of { $amount } for charge { $charge } has been sent to the card ending { $last4 }. A credit note was issued; card refunds usually show on your statement within 5–10 business days.
refund-returned = Your refund of { $amount } for charge { $charge } did not go through after all: the payment provider sent it back. The credit note was cancelled and a lead is looking into it; you do not need to do anything.
request-ended = The refund request of { $amount } for charge { $charge } { $how }.
request-not-approved = was not approved
request-not-as-asked = could not go ahead as asked; an agent will follow up
nothing-refunded = Nothing has been refunded on this case.
so-far = So far on this case: { $parts }.
so-far-refunded = { $amounts } refunded
so-far-paying = { $amounts } being paid
so-far-waiting = { $amounts } waiting for approval
and = { $first } and { $second }

## The refund policy, as "under our policy it is …".

rule = rule { $number } ({ $name })
eligible = eligible for a refund of { $amount } under { $rule }: { $why }
eligible-in-window = it is inside the refund window (the platform fee is not refunded)
eligible-months-left = the whole months left of the plan are refunded; months already begun are not
eligible-wallet-not-applied = the card was charged although the wallet was selected, so it is refunded in full, fee included
eligible-duplicate = it duplicates an earlier charge, so it is refunded in full, fee included
eligible-allowed = the policy allows it
not-refundable = not refundable under { $rule }: { $why }
refusal-wrong-currency = the charge was made in { $currency }, so a refund cannot be asked in { $asked }
refusal-disputed = this charge has an open chargeback with the bank, so it cannot be refunded here; the case goes to a lead
refusal-too-old = the charge is { $age } days old and refunds to the card stop after { $limit } days; a wallet goodwill credit is the alternative
refusal-credits = credits purchases are not refundable once bought (unless the wallet was not applied or the charge was a duplicate)
refusal-outside-window = product charges are refundable only within { $days } days
refusal-no-months-left = no whole month of the plan is left to refund
refusal-nothing-left = it has already been refunded in full (or the rest is awaiting approval)
refusal-above-left = { $asked } is more than what is left to refund, { $left }
refusal-finer-than-unit = { $asked } is finer than the smallest unit of { $currency } ({ $decimals } decimals)

## A customer's own commands (staff read them in English).

help-commands = Commands:
help-view-wallet = /wallet [account]  (customers: their own)
help-buy-credits = /wallet buy <credits>
help-view-case = /ticket <case-id>  (customers: their own)
help-help = /help
wallet-no-account = No account is linked to you. Usage: { $usage }
no-such-account = There is no account { $account }.
wallet-buy-no-account = No account is linked to you, so there is no wallet to buy credits for.
credits-not-bought = No credits were bought: { $why }.
case-not-found = I can't find a case { $case }.
ticket-card = { $case } — { $intent } — { $state }
ticket-card-account = account { $account }, customer { $customer }
ticket-card-charge = charge { $charge }
ticket-card-refund = refund { $amount } ({ $rule }): { $state }
ticket-card-refund-approved = refund { $amount } ({ $rule }): { $state }, approved by { $approvers }
ticket-card-dates = opened { $opened }, updated { $updated }
ticket-card-history = history:

## Credits bought on a provider's page (sent privately, except the first answer).

purchase-pay-on-page = To buy { $credits } { $credits ->
        [one] credit
       *[other] credits
    } ({ $cost } plus a { $fee } platform fee: { $total }) you pay on { $provider }'s own payment page; I never take card numbers. I am sending you the link in a private message. Your wallet is credited { $value } once { $provider } confirms the payment.
purchase-link = Pay { $total } for { $credits } { $credits ->
        [one] credit
       *[other] credits
    } on { $provider }'s page: { $url } — the link works until { $expires } UTC. Your wallet is credited once { $provider } confirms the payment; nothing is charged if you do not pay.
purchase-paid = Payment received: { $credits } { $credits ->
        [one] credit
       *[other] credits
    } bought, { $value } added to your wallet; your card was charged { $total } (charge { $charge }). Your balance is now { $balance }.
purchase-paid-late = Your payment arrived after the link had expired, and it was taken, so it counts.
purchase-why-failed = the payment did not go through ({ $reason })
purchase-why-expired = the payment link expired before it was paid
purchase-not-completed = Your purchase of { $credits } { $credits ->
        [one] credit
       *[other] credits
    } was not completed: { $why }. Nothing was charged and nothing was added to your wallet. Buy again with /wallet buy { $credits }.
auto-recharge-not-charged = Auto-recharge could not charge your saved card for { $credits } { $credits ->
        [one] credit
       *[other] credits
    }: { $why }. Nothing was charged and nothing was added to your wallet. Buy credits with /wallet buy { $credits } and pay on { $provider }'s page.
auto-recharge-cannot-charge = Auto-recharge is on for { $account }, but paydesk cannot charge a saved card through { $provider }, so nothing was charged and no credits were bought. Buy credits with /wallet buy <credits>.
auto-recharge-no-card = Auto-recharge is on for { $account }, but there is no card saved with { $provider } to charge, so nothing was charged and no credits were bought. Buy credits once with /wallet buy <credits> and pay on { $provider }'s page: the card is then saved for auto-recharge.
auto-recharge-under-way = Your wallet is below { $below }; the auto-recharge already under way will add the credits once { $provider } confirms the payment.
auto-recharge-nobody-linked = Auto-recharge is on for { $account }, but nobody is linked to the account to tell about the charge, so nothing was charged.
auto-recharge-charging = Your wallet fell below { $below }, so auto-recharge is charging your saved card { $total } for { $credits } { $credits ->
        [one] credit
       *[other] credits
    } ({ $cost } plus a { $fee } platform fee). { $value } is added to your wallet once { $provider } confirms the payment.
purchase-amount-unreadable = no amount paydesk can read
purchase-amount-mismatch = Your payment for { $credits } { $credits ->
        [one] credit
       *[other] credits
    } came through as { $taken }, but the purchase was for { $total }, so nothing was added to your wallet. Our staff have been told and will refund the payment or add the credits ({ $case }); please do not pay again.

## Refusals a customer can meet (`src/app/l10n/refusals.rs`): each is the English text
## paydesk always sent (staff read these; the tests keep them word for word).

## A command that could not be read, then "usage: …".

command-empty = an empty command
command-unknown = unknown command /{ $name }
command-which-case = which case? give its number, like RF-000012
command-which-request = which case? give its number, like RF-000012 (or RF-000012#2 for its second request)
command-not-request-number = `#{ $given }` is not a request number (the case's first request is #1)
bad-case-number = `{ $given }` is not a case number (they look like RF-000012)
command-amount-refused = amount refused: { $why }
command-reply-needs = reply needs a case and the text for the customer
command-link-needs = link needs a user and an account
command-unlink-needs = unlink needs the user
command-refund-what = refund what? give a charge id or a case number
command-override-needs-amount = an override needs the amount: /refund <charge-id|case-id> <amount> override <reason…>
command-override-needs-reason = an override needs a reason
command-goodwill-needs-reason = a goodwill credit needs a reason
command-wallet-credit-needs = wallet credit needs an account, an amount and a reason
command-not-credits = `{ $given }` is not a number of credits (a whole number from 1 to { $max })
command-wallet-buy-needs = wallet buy needs the number of credits
command-wallet-too-many-words = too many words for /wallet
command-ticket-change-words = to change a case say close, escalate or reopen
usage-line = usage: { $usage }
usage-refund = /refund <charge-id|case-id> [amount] [reason…]  ·  /refund <charge-id|case-id> <amount> override <reason…>
usage-approve = /approve <case-id>[#n]  ·  /reject <case-id>[#n] [reason…]
usage-reply = /reply <case-id> <text…>  (say something to the case's customer; /ticket notes stay internal)
usage-wallet = /wallet [account]  ·  /wallet credit <account> <amount> <reason…>  ·  /wallet buy <credits>
usage-ticket = /ticket <case-id>  ·  /ticket close|escalate|reopen <case-id> [note…]
usage-link = /link <user> <account>  ·  /unlink <user>

## An amount as typed.

amount-empty = an amount is missing
amount-malformed = `{ $given }` is not an amount: write digits with an optional `.` and decimals, like 12.50
amount-negative = `{ $given }` is negative: amounts are written without a sign
amount-exponent = `{ $given }` is not an amount: scientific notation is not accepted, write the digits out
amount-too-many-decimals = `{ $given }` has too many decimals (at most { $decimals })
amount-too-large = `{ $given }` is too large (the most the bot accepts is { $max })
amount-zero = the amount must be more than zero
amount-unknown-currency = unknown currency `{ $given }` (use an ISO 4217 code such as USD, EUR or JPY)

## A denied command: who may do what.

denied-role = { $act } is for { $who }
denied-conflict-of-interest = { $act } is not allowed on an account you are linked to yourself: another member of staff must handle it
denied-own-account-only = { $act } is possible only for your own account
act-request_refund = requesting a refund
act-override_policy = a policy override
act-approve_refund = approving refunds
act-reject_refund = rejecting refunds
act-view_wallet = seeing a wallet
act-credit_goodwill = goodwill credit
act-buy_credits = buying credits
act-view_case = seeing a case
act-change_case = changing a case
act-link_user = linking users to accounts
act-reply_to_customer = replying to a customer
act-see_queue = the queue
act-help = help
who-everyone = everyone
who-customers-own-account = customers, on their own account
who-agents-and-leads = agents and leads
who-leads = leads
who-agents = agents
who-nobody = nobody

## A currency without money settings (after "I can't sell credits in EUR yet: …").

unconfigured-currency = this installation has no money settings for { $currency } ([policy.currencies.{ $currency }] in bot.toml), so nothing in { $currency } can be refunded, credited or bought here; a lead can add them

## Why a payment for credits was not taken ($words: the provider's own words).

failure-card-declined = the card was declined
failure-insufficient-funds = the card was declined for insufficient funds
failure-card-declined-because = the card was declined ({ $words })
failure-expired-card = the saved card has expired
failure-authentication-required = your bank asks you to confirm the payment yourself
failure-cancelled = the payment was cancelled
failure-reported-failed = { $provider } reports the payment failed
failure-reported-declined = { $provider } reports the payment declined
failure-provider-says = { $words }
failure-page-refused = the payment page could not be made: { $words }
failure-page-not-made-in-time = { $provider } could not make the payment page in time
failure-capture-refused = the payment could not be taken: { $words }
failure-no-saved-method = no saved payment method
failure-no-answer = { $provider } gave no answer about the charge ({ $error })
failure-not-confirmed-in-time = { $provider } did not confirm the charge in time

## A write the store refused ($why: the store's own words, in English).

nothing-changed = Nothing was changed: { $why }.

## A goodwill credit, told to the account's customers ($reason: staff's words).

goodwill-credited = We added { $amount } to your wallet as a goodwill credit ({ $reason }). Your balance is now { $balance }.
