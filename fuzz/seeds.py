#!/usr/bin/env python3
"""Writes the hand-made seeds of every fuzz target into fuzz/seeds/<target>/ (input to
`-merge=1`, which keeps the ones that add coverage in fuzz/corpus/<target>/).
Run from fuzz/: python3 seeds.py"""
import base64, json, os, pathlib, glob

root = pathlib.Path(__file__).resolve().parent
repo = root.parent
out = root / "seeds"

def put(target, items):
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    for i, x in enumerate(items):
        (d / f"seed{i:03}").write_bytes(x if isinstance(x, bytes) else x.encode())

def nul(*parts):
    return b"\0".join(p if isinstance(p, bytes) else str(p).encode() for p in parts)

put("command", [
    "/refund ch_demo_dup2 duplicate charge", "!refund RF-000012 12.50 EUR override goodwill for outage",
    "/refund ch_1 $20.50 wrong plan", "/refund ch_1 20EUR", "/refund rf-12", "/refund RF12x", "/refund ch_1 1e5",
    "/refund ch_1 -3", "/refund ch_1 override x", "/approve RF-000001", "/reject RF-000002 not eligible",
    "/wallet", "/wallet acct-1", "/wallet credit acct-1 5.00 sorry", "/wallet credit acct-1 usd7 sorry", "/wallet buy 10",
    "/wallet buy 0", "/ticket RF-000003", "/ticket close RF-000003 done", "/ticket escalate rf3", "/ticket reopen RF-000003",
    "/link @ana acct-1", "/help", "/", "/unknown", "hello there", "/refund ch_1 ¥500 JPY", "/refund ch_1 12.345.6", "/link @ a",
])
put("amount", [
    "12.50", "0.0125", ".5", "007", "1000000000", "1000000000.01", "+5", "$20.50", "€5", "£7", "20¥", "20EUR", "gbp7",
    "1e5", "-3", "12.345.6", "NaN", "99999999999999999999", "12,50", "1,234.50", "1.234,50", "RF-000012", "rf12",
    "USD", "kwd", "１２３", "٣", "0.000001", "1.1234567",
])
cards = ["4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111", "５５５５５５５５５５５５４４４４",
         "378282246310005", "99 4111 1111 1111 1111", "6011.1111.1111.1117", "<@4111111111111111>"]
put("redact", [f"my card is {c} thanks" for c in cards] + [
    "4111 1111 1111 1112", "snowflake 123456789012345678901", "12 34 56", "call 555-123-4567",
    "[card number removed] 4242", "4111 1111 1111 1111 and 5555 5555 5555 4444",
])
texts = []
for f in ["tests/data/nlu_heldout.jsonl", "tests/data/nlu_extra.jsonl"]:
    for line in (repo / f).read_text().splitlines()[:20]:
        try:
            texts.append(json.loads(line)["text"])
        except Exception:
            pass
put("classify", texts + [f"refund {c} please" for c in cards[:3]] + ["$411,111,111,111.1111 charged twice", "RF-000012 any news?"])
transcripts = sorted(glob.glob(str(repo / "tests/transcripts/*.jsonl")))[:30]
put("transcript", [pathlib.Path(t).read_bytes() for t in transcripts])
put("config", [(repo / "bot.toml.example").read_bytes(),
    '[policy]\nfee_rate = "0.03"\n', '[policy]\nfee_rate = 0.03\n', '[chat]\napprove_emojis = ["✅"]\nreject_emojis = ["✅"]\n',
    '[store]\nurl = "postgres://u:p@h/db"\n', b'[policy]\nfull_refund_days = 14\n\xff20',
    '[discord]\nguild_id = "1"\nsupport_channels = ["support"]\napprovals_channel = "a"\nagent_roles = ["A"]\nlead_roles = ["L"]\nshards = "0-3/8"\n',
    '[providers.stripe]\nbase_url = "http://127.0.0.1:1"\ntimeout_ms = 100\n', '[http]\nlisten = "127.0.0.1:8080"\n', "0-3/8"])
put("import_rows", [(repo / "tests/data/providers/charges.csv").read_bytes(), (repo / "tests/data/providers/refunds.csv").read_bytes(),
    json.dumps([{"id": "ch_1", "amount": 4900, "currency": "USD", "created": 1711965600, "customer": "acct-1"}]),
    json.dumps([{"id": "ch_1", "amount": "49.00", "currency": "JPY", "created": "2026-04-01T10:00:00Z", "account": "a", "fee": "1"}]),
    json.dumps([{"id": "re_1", "amount": -500, "currency": "EUR", "status": "succeeded", "metadata[idempotency_key]": "k"}]),
    'id,amount,currency,created,customer,description\nch_9,1.00,USD,2026-04-01 10:00,acct,"card 4111 1111 1111 1111"\n',
    'id,amount,currency\n"unterminated,1,USD\n', "\ufeffid,amount,currency\r\nre_2,2.5,KWD\r\n",
    json.dumps([{"id": "ch_big", "amount": 100000000000000, "currency": "USD", "created": 1711965600, "customer": "acct-1"}])])
stripe_bodies = [
    {"id": "evt_1", "type": "refund.updated", "data": {"object": {"id": "re_1", "object": "refund", "status": "succeeded", "metadata": {"idempotency_key": "k1"}}}},
    {"id": "evt_2", "type": "charge.dispute.created", "data": {"object": {"id": "dp_1", "object": "dispute", "charge": "ch_1"}}},
    {"id": "evt_3", "type": "refund.failed", "data": {"object": {"id": "re_2", "object": "refund", "status": "failed", "failure_reason": "expired_or_canceled_card"}}},
]
put("webhook_stripe", [nul("t=1700000000,v1=00ff", "whsec_test", 1700000000, 1700000100, 300, json.dumps(b)) for b in stripe_bodies]
    + [nul("t=-9223372036854775808,v1=x", "s", -9223372036854775808, 9223372036854775807, 300, "{}"), nul("", "", 0, 0, 0, "")])
square_bodies = [
    {"merchant_id": "M1", "type": "refund.updated", "event_id": "6a8f", "data": {"object": {"refund": {"id": "r1", "status": "COMPLETED"}}}},
    {"type": "dispute.created", "event_id": "e2", "data": {"object": {"dispute": {"disputed_payment": {"payment_id": "p1"}}}}},
]
put("webhook_square", [nul("c2lnbmF0dXJl", "https://example.com/webhooks/square", "key", json.dumps(b)) for b in square_bodies])
xmls = [
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><notification><kind>transaction_settled</kind><timestamp type=\"datetime\">2026-04-01T11:29:00Z</timestamp><subject><transaction><id>refake1</id><status>settled</status><type>credit</type></transaction></subject></notification>",
    "<notification><kind>transaction_settlement_declined</kind><subject><transaction><id>r2</id></transaction></subject></notification>",
    "<notification><kind>dispute_opened</kind><subject><dispute><id>d1</id><transaction><id>t1</id></transaction></dispute></subject></notification>",
    "<notification><kind/><subject/></notification>",
]
put("webhook_braintree", [nul("pub|00", "pub", "priv", base64.b64encode(x.encode()).decode(), x) for x in xmls])
adyen_item = {"pspReference": "QFQTPCQ8HXSKGK82", "originalReference": "ABC", "merchantAccountCode": "PaydeskECOM", "merchantReference": "k1",
              "amount": {"value": 1000, "currency": "EUR"}, "eventCode": "REFUND", "success": "true", "additionalData": {"hmacSignature": "x"}}
put("webhook_adyen", [json.dumps({"live": "false", "notificationItems": [{"NotificationRequestItem": dict(adyen_item, **ch)}]}) for ch in
    [{}, {"success": "false", "reason": "declined"}, {"eventCode": "REFUND_FAILED"}, {"eventCode": "CHARGEBACK"}, {"success": True}, {"amount": {"value": "10", "currency": "EUR"}}]]
    + ['{"notificationItems":[]}', '{"notificationItems":[{}]}'])
put("webhook_paypal", [json.dumps(b) for b in [
    {"id": "WH-EVT-1", "event_type": "PAYMENT.CAPTURE.REFUNDED", "resource_type": "refund", "resource": {"id": "R1", "status": "COMPLETED", "custom_id": "k1"}},
    {"id": "WH-EVT-2", "event_type": "PAYMENT.REFUND.PENDING", "resource": {"id": "R2", "status": "PENDING"}},
    {"id": "WH-EVT-3", "event_type": "CUSTOMER.DISPUTE.CREATED", "resource": {"disputed_transactions": [{"seller_transaction_id": "C1"}]}},
    {"id": "", "event_type": "x"}]])
put("webhook_mollie", [json.dumps(b) for b in [
    {"id": "tr_1", "_embedded": {"refunds": [{"id": "re_1", "status": "refunded", "metadata": {"idempotency_key": "k"}}, {"id": "re_2", "status": "failed"}]}},
    {"id": "tr_2", "_embedded": {"chargebacks": [{"id": "chb_1"}]}}, {"id": "tr_3"}, {"_embedded": {"refunds": [{}]}}]])
answers = [
    (0, 200, "", "", {"id": "re_1", "object": "refund", "status": "succeeded"}),
    (0, 200, "", "", {"object": "list", "data": [{"id": "re_1", "object": "refund", "status": "pending", "metadata": {"idempotency_key": "k"}}]}),
    (0, 402, "stripe-should-retry", "false", {"error": {"code": "charge_already_refunded", "message": "x", "type": "invalid_request_error"}}),
    (0, 409, "", "", {"error": {"type": "idempotency_error", "code": "idempotency_key_in_use"}}),
    (0, 500, "stripe-should-retry", "false", {"error": {"type": "api_error"}}),
    (1, 201, "", "", {"id": "R1", "status": "COMPLETED"}),
    (1, 422, "", "", {"name": "UNPROCESSABLE_ENTITY", "details": [{"issue": "CAPTURE_FULLY_REFUNDED"}]}),
    (1, 200, "", "", {"refunds": [{"id": "R1", "status": "PENDING", "custom_id": "k"}]}),
    (2, 201, "", "", {"pspReference": "P1", "status": "received"}),
    (2, 422, "", "", {"errorCode": "167", "message": "Original pspReference required"}),
    (3, 200, "", "", {"refund": {"id": "r1", "status": "PENDING"}}),
    (3, 400, "", "", {"errors": [{"category": "INVALID_REQUEST_ERROR", "code": "REFUND_AMOUNT_INVALID"}]}),
    (3, 200, "", "", {"refunds": [{"id": "r1", "status": "COMPLETED"}]}),
    (4, 200, "", "", {"data": {"refundTransaction": {"refund": {"id": "dHJh", "status": "SUBMITTED_FOR_SETTLEMENT"}}}}),
    (4, 200, "", "", {"errors": [{"message": "in-flight", "extensions": {"errorClass": "VALIDATION", "legacyCode": "91512"}}]}),
    (4, 500, "", "", {"errors": [{"message": "boom", "extensions": {"errorClass": "NOT_FOUND"}}]}),
    (5, 201, "", "", {"resource": "refund", "id": "re_1", "status": "queued"}),
    (5, 200, "", "", {"_embedded": {"refunds": [{"id": "re_1", "status": "refunded", "metadata": {"idempotency_key": "k"}}]}}),
    (5, 422, "", "", {"status": 422, "title": "Unprocessable Entity", "detail": "x"}),
    (5, 503, "retry-after", "3", "not json"),
]
put("provider_answers", [nul(bytes([p]), st, hn, hv, b if isinstance(b, str) else json.dumps(b)) for p, st, hn, hv, b in answers])
