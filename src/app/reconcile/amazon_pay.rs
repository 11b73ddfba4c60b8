//! Amazon Pay's own export: the settlement report (developer.amazon.com/docs/
//! amazon-pay-reports/settlement-reports.html), a CSV whose header block (`SellerId`,
//! `SettlementStartDate`, `SettlementEndDate`) comes before the body, whose columns are
//! `TransactionPostedDate`, `SettlementId`, `AmazonTransactionId`, `SellerReferenceId`,
//! `TransactionType` (`Capture`, `Refund`, `Chargeback`, `A-to-z Guarantee Claim`, …),
//! `AmazonOrderReferenceId`, `SellerOrderId`, `CurrencyCode`, `TransactionAmount`, … —
//! "AmazonTransactionId refers to the chargeId" (of a capture; of a refund, its refund id)
//! and "AmazonOrderReferenceId refers to the chargePermissionId"
//! (amazon-pay-checkout/v1-set-up-reports.html). Refunds are the `Refund` rows (negative
//! amounts, decimal strings in the currency's units). The report names no customer, so
//! charges cannot be imported from it (each `Capture` row is refused so).

use super::{csv_records, norm, LineProblem, Row, Rows};

/// The body's header row marks the format.
fn is_body_header(rec: &[String]) -> bool {
    let names: Vec<String> = rec.iter().map(|h| norm(h)).collect();
    names.first().map(String::as_str) == Some("transactionposteddate")
        && ["amazontransactionid", "transactiontype", "transactionamount", "currencycode"]
            .iter()
            .all(|c| names.iter().any(|n| n == c))
}

/// The report's rows, rewritten as the generic rows; `None`: not this format.
pub(super) fn settlement_rows(text: &str, refunds: bool) -> Option<Result<Rows, LineProblem>> {
    let recs = csv_records(text).ok()?;
    let start = recs.iter().position(|(_, r)| is_body_header(r))?;
    let header: Vec<String> = recs[start].1.iter().map(|h| norm(h)).collect();
    let mut out = Vec::new();
    for (line, rec) in &recs[start + 1..] {
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let get = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .and_then(|i| rec.get(i))
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        let typ = get("transactiontype");
        if refunds && typ.eq_ignore_ascii_case("Refund") {
            let row: Row = [
                ("id", get("amazontransactionid")),
                ("amount", get("transactionamount").trim_start_matches('-').to_string()),
                ("currency", get("currencycode")),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            out.push((*line, Ok(row)));
        } else if !refunds && typ.eq_ignore_ascii_case("Capture") {
            out.push((
                *line,
                Err(format!(
                    "Amazon Pay settlement reports name no customer: charge {} cannot be imported from them",
                    get("amazontransactionid")
                )
                .into()),
            ));
        }
    }
    Some(Ok(out))
}

#[cfg(test)]
mod tests {
    use super::super::{iso_exponent, parse_charges_in, parse_refunds_in};

    const REPORT: &str = "SellerId,SettlementStartDate,SettlementEndDate\n\
        A1XX111XXX111XXX,2026-04-01T00:00:00-0000,2026-04-02T00:00:00-0000\n\
        \n\
        TransactionPostedDate,SettlementId,AmazonTransactionId,SellerReferenceId,TransactionType,AmazonOrderReferenceId,SellerOrderId,StoreName,CurrencyCode,TransactionAmount,TotalTransactionFee,NetTransactionAmount\n\
        2026-04-01T10:00:00-0000,5044561311,S01-5105180-3221187-C056351,,Capture,S01-5105180-3221187,order-7,Shop,USD,49.00,-1.72,47.28\n\
        2026-04-01T11:01:00-0000,5044561311,S01-5105180-3221187-R000001,,Refund,S01-5105180-3221187,order-7,Shop,USD,-10.00,0.35,-9.65\n";

    #[test]
    fn settlement_report_refunds_and_no_customer_for_charges() {
        let (refunds, bad) = parse_refunds_in(REPORT, "amazon_pay", &iso_exponent);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(refunds.len(), 1);
        assert_eq!(refunds[0].provider_ref, "S01-5105180-3221187-R000001");
        assert_eq!(refunds[0].amount, "10.00".parse().unwrap());
        let parsed = parse_charges_in(REPORT, "amazon_pay", &iso_exponent);
        assert!(parsed.charges.is_empty());
        assert_eq!(parsed.bad.len(), 1);
        assert!(parsed.bad[0].message.contains("name no customer"), "{:?}", parsed.bad);
    }
}
