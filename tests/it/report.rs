//! `paydesk report` on a seeded store: the figures in the JSON and the HTML agree with
//! the ledger (the refunds table and the provider's own books). SQLite, and PostgreSQL
//! when PAYDESK_TEST_PG is set.

use crate::common::bot::*;
use crate::common::*;
use paydesk::app::report::{amounts_words, build, gather};
use rust_decimal::Decimal;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[tokio::test]
async fn report_figures_agree_with_the_ledger_in_json_and_html() {
    for b in backends() {
        let bot = bot(&b, |_| {}).await;
        bot.say("bo", "/refund ch_1 100.00 first part", 0).await;
        bot.react("kim", 1, true, 600).await;
        bot.say("bo", "/refund ch_1 20.00 second part", 1200).await;
        bot.say("max", "/approve RF-000002", 1200 + 1800).await;
        bot.say("bo", "/refund ch_1 50.00 waits", 4000).await;
        bot.say("bo", "/refund ch_1 99999.00 too much", 4100).await;
        bot.say("ana", "you charged my card twice", 4200).await;

        let store = bot.engine.store().clone();
        let input = gather(store.as_ref(), t("2026-05-01T00:00:00Z"), at(5000)).await.unwrap();
        let report = build(&input);

        // The ledger: every refund row, and what the provider paid.
        let ledger = store.snapshot().await.unwrap().refunds;
        let requested: Decimal = ledger.iter().map(|r| r.amount).sum();
        assert_eq!(report.totals.requests as usize, ledger.len());
        assert_eq!(report.totals.requested.get("USD").copied(), Some(requested));
        assert_eq!(
            report.totals.refunded.get("USD").copied(),
            Some(bot.paid().await),
            "refunded = what the provider paid"
        );
        assert_eq!(bot.paid().await, dec("120.00"));
        assert_eq!(report.totals.paid, 2);
        assert_eq!(report.by_provider.len(), 1);
        assert_eq!(report.by_provider[0].key, "sandbox");
        assert_eq!(report.by_day.iter().map(|g| g.requests).sum::<u32>(), report.totals.requests);
        assert_eq!(report.by_rule.iter().map(|g| g.requests).sum::<u32>(), report.totals.requests);
        // 10 and 30 minutes from request to approval.
        assert_eq!(report.approval_latency.approved, 2);
        assert_eq!(report.approval_latency.median_minutes, Some(10));
        assert_eq!(report.approval_latency.p90_minutes, Some(30));
        assert_eq!(
            report.refusals_by_rule.iter().map(|c| (c.key.as_str(), c.count)).collect::<Vec<_>>(),
            [("above_what_is_left", 1)]
        );
        let cases = store.snapshot().await.unwrap().cases;
        assert_eq!(
            report.contact_reasons.iter().map(|c| c.count as usize).sum::<usize>(),
            cases.len(),
            "{:?}",
            report.contact_reasons
        );
        let open_cases = store.snapshot().await.unwrap().cases.iter().filter(|c| c.status.is_open()).count();
        assert_eq!(report.open_cases_by_age.iter().map(|c| c.count as usize).sum::<usize>(), open_cases);

        // The same figures through the binary: JSON and HTML.
        let dir = tempfile::tempdir().unwrap();
        let html_path = dir.path().join("report.html");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_paydesk"))
            .args(["report", "--db", &bot._db.url, "--since", "3000d", "--json", "--html"])
            .arg(&html_path)
            .env_remove("PAYDESK_LOG")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("report --json is JSON");
        assert_eq!(json["totals"]["requests"], serde_json::json!(ledger.len()));
        let money = |v: &serde_json::Value| v.as_str().and_then(|s| s.parse::<Decimal>().ok());
        assert_eq!(money(&json["totals"]["requested"]["USD"]), Some(requested));
        assert_eq!(money(&json["totals"]["refunded"]["USD"]), Some(dec("120")));
        assert_eq!(
            json["totals"]["refunded"]["USD"],
            serde_json::json!("120.00"),
            "written with the currency's minor digits"
        );
        assert_eq!(json["approval_latency"]["median_minutes"], serde_json::json!(10));
        assert_eq!(json["approval_latency"]["p90_minutes"], serde_json::json!(30));
        let html = std::fs::read_to_string(&html_path).unwrap();
        assert!(html.contains(&format!("id=\"requests\"><b>{}</b>", ledger.len())), "{html}");
        assert!(html.contains(&format!("id=\"refunded\"><b>{}</b>", amounts_words(&report.totals.refunded))), "{html}");
        assert!(
            html.contains(&format!("id=\"requested\"><b>{}</b>", amounts_words(&report.totals.requested))),
            "{html}"
        );
        assert!(html.contains("<b>10 min / 30 min</b>"), "{html}");
        assert!(html.contains("<svg") && !html.contains("src=") && !html.contains("href="));
        // The short text for a scheduled post.
        let summary = report.summary();
        let daily = paydesk::app::report::daily_summary(store.as_ref(), at(5000)).await.unwrap();
        assert!(
            daily.starts_with("Support summary 2026-05-02 11:23") && daily.contains("2 paid (120.00 USD)"),
            "{daily}"
        );
        assert!(summary.contains("2 paid (120.00 USD)") && summary.contains("10 min at the median"), "{summary}");
    }
}
