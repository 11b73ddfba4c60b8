//! Provider answers (`ProviderApi::parse_refund` / `parse_lookup` of the six HTTP
//! providers, on any status, header and body): never panic; a 500/502/504 answer — the
//! provider may have made the refund — is never read as a failed refund, a permanent
//! refusal, or (for a lookup) "no such refund"; references are bounded by the answer.
//! Input (NUL-separated): provider (first byte mod 6), HTTP status, header name, header
//! value, body.
#![no_main]
use libfuzzer_sys::fuzz_target;
use paydesk::adapters::payments::adyen::Adyen;
use paydesk::adapters::payments::api::{ApiResponse, ProviderApi};
use paydesk::adapters::payments::braintree::Braintree;
use paydesk::adapters::payments::mollie::Mollie;
use paydesk::adapters::payments::paypal::PayPal;
use paydesk::adapters::payments::square::Square;
use paydesk::adapters::payments::stripe::Stripe;
use paydesk::app::ports::{ConnectorError, ProviderRefund, ProviderStatus, RefundCall};
use paydesk::domain::ids::{CaseNumber, ChargeId, RefundId};
use paydesk::domain::money::Currency;
use paydesk_fuzz::{fields, number, text};
use rust_decimal::Decimal;

fn call(with_ref: bool) -> Option<RefundCall> {
    Some(RefundCall {
        idempotency_key: "pd_0123456789abcdef0123456789abcdef01234567".into(),
        refund: RefundId(7),
        case: CaseNumber::new(3)?,
        charge: ChargeId::new("ch_fuzz"),
        charge_amount: Decimal::new(10_000, 2),
        amount: Decimal::new(1_050, 2),
        currency: Currency::USD,
        reason: "duplicate charge".into(),
        provider_ref: with_ref.then(|| "re_known".to_string()),
    })
}

fn maybe_paid(status: u16, what: &str, r: &Result<Option<ProviderRefund>, ConnectorError>, lookup: bool) {
    if !matches!(status, 500 | 502 | 504) {
        return;
    }
    match r {
        Ok(Some(ProviderRefund { status: ProviderStatus::Failed(w), .. })) => panic!("{what}: a {status} answer read as failed: {w}"),
        Err(ConnectorError::Permanent(w)) => panic!("{what}: a {status} answer read as a permanent refusal: {w}"),
        Ok(None) if lookup => panic!("{what}: a {status} answer to a lookup read as \"no such refund\""),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let f = fields(data, 5);
    let Some(&which) = f[0].first() else { return };
    let status = u16::try_from(number(f[1]).rem_euclid(600)).unwrap_or(200);
    let mut resp = ApiResponse::new(status, text(f[4]));
    if !f[2].is_empty() {
        resp = resp.with_header(&text(f[2]), &text(f[3]));
    }
    let apis: [Box<dyn ProviderApi>; 6] = [
        Box::new(Stripe),
        Box::new(PayPal),
        Box::new(Adyen { merchant_account: "PaydeskECOM".into() }),
        Box::new(Square { version: "2024-01-18".into(), location_id: None }),
        Box::new(Braintree { version: "2019-01-01".into() }),
        Box::new(Mollie),
    ];
    let api = &apis[usize::from(which) % apis.len()];
    for with_ref in [false, true] {
        let Some(c) = call(with_ref) else { return };
        assert!(api.refund_request(&c).is_ok(), "{}: a plain refund cannot be requested", api.name());
        let _ = api.lookup_request(&c);
        let r = api.parse_refund(&c, &resp).map(Some);
        maybe_paid(status, api.name(), &r, false);
        let l = api.parse_lookup(&c, &resp);
        maybe_paid(status, api.name(), &l, true);
        for p in [r, l].into_iter().flatten().flatten() {
            assert!(p.provider_ref.len() <= resp.body.len() + 64, "{}: reference not from the answer", api.name());
        }
    }
});
