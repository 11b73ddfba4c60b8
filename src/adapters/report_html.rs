//! The report as one self-contained HTML page: tables with the exact figures and bar
//! charts drawn as inline SVG. No scripts, fonts, images or styles from elsewhere.

use crate::app::report::{amounts_words, Count, Group, Report};
use std::fmt::Write;

/// Escapes text for HTML element content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A horizontal bar chart of (label, value) pairs as an inline SVG.
fn bars(title: &str, rows: &[(String, u32)]) -> String {
    const ROW: usize = 24;
    const LABEL: usize = 190;
    const WIDTH: usize = 640;
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let height = ROW * rows.len().max(1) + 8;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"{}\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\">",
        esc(title)
    );
    if rows.is_empty() {
        let _ = write!(svg, "<text x=\"0\" y=\"18\" font-size=\"13\" fill=\"#666\">nothing in this period</text>");
    }
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = i * ROW + 4;
        let w = (usize::try_from(*value).unwrap_or(0) * (WIDTH - LABEL - 50)) / usize::try_from(max).unwrap_or(1);
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"13\" text-anchor=\"end\">{}</text><rect x=\"{LABEL}\" y=\"{y}\" width=\"{}\" height=\"{}\" fill=\"#3b6ea5\"><title>{}: {value}</title></rect><text x=\"{}\" y=\"{}\" font-size=\"13\">{value}</text>",
            LABEL - 8,
            y + 15,
            esc(label),
            w.max(1),
            ROW - 6,
            esc(label),
            LABEL + w + 6,
            y + 15,
        );
    }
    svg.push_str("</svg>");
    svg
}

fn group_table(title: &str, groups: &[Group]) -> String {
    let mut t = format!(
        "<h2>{}</h2>{}<table><tr><th>{}</th><th>requests</th><th>paid</th><th>requested</th><th>refunded</th></tr>",
        esc(title),
        bars(title, &groups.iter().map(|g| (g.key.clone(), g.requests)).collect::<Vec<_>>()),
        esc(title.rsplit(' ').next().unwrap_or(title))
    );
    if groups.is_empty() {
        return t.split("<table>").next().unwrap_or_default().to_string();
    }
    for g in groups {
        let _ = write!(
            t,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&g.key),
            g.requests,
            g.paid,
            esc(&amounts_words(&g.requested)),
            esc(&amounts_words(&g.refunded))
        );
    }
    t.push_str("</table>");
    t
}

fn count_table(title: &str, what: &str, counts: &[Count]) -> String {
    let mut t = format!(
        "<h2>{}</h2>{}<table><tr><th>{}</th><th>count</th></tr>",
        esc(title),
        bars(title, &counts.iter().map(|c| (c.key.clone(), c.count)).collect::<Vec<_>>()),
        esc(what)
    );
    if counts.is_empty() {
        // The chart already says there is nothing: no empty table under it.
        return t.split("<table>").next().unwrap_or_default().to_string();
    }
    for c in counts {
        let _ = write!(t, "<tr><td>{}</td><td class=\"n\">{}</td></tr>", esc(&c.key), c.count);
    }
    t.push_str("</table>");
    t
}

/// The whole page.
pub fn render(r: &Report) -> String {
    let mut h = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>paydesk report</title><style>\
         body{font-family:sans-serif;margin:2em;max-width:60em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}\
         td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}\
         .kpi{display:inline-block;margin:0 2em 1em 0}.kpi b{display:block;font-size:1.6em}</style></head><body>",
    );
    let t = &r.totals;
    let l = &r.approval_latency;
    let mins = |m: Option<i64>| m.map(|m| format!("{m} min")).unwrap_or_else(|| "–".into());
    let _ = write!(
        h,
        "<h1>paydesk report</h1><p>{} – {} UTC</p>\
         <div class=\"kpi\" id=\"requests\"><b>{}</b>refund requests</div>\
         <div class=\"kpi\" id=\"paid\"><b>{}</b>paid</div>\
         <div class=\"kpi\" id=\"requested\"><b>{}</b>requested</div>\
         <div class=\"kpi\" id=\"refunded\"><b>{}</b>refunded</div>\
         <div class=\"kpi\" id=\"latency\"><b>{} / {}</b>approval latency, median / p90 ({} approved)</div>",
        r.since.format("%Y-%m-%d %H:%M"),
        r.until.format("%Y-%m-%d %H:%M"),
        t.requests,
        t.paid,
        esc(&amounts_words(&t.requested)),
        esc(&amounts_words(&t.refunded)),
        mins(l.median_minutes),
        mins(l.p90_minutes),
        l.approved
    );
    h.push_str(&group_table("Refunds by rule", &r.by_rule));
    h.push_str(&group_table("Refunds by provider", &r.by_provider));
    h.push_str(&group_table("Refunds by day", &r.by_day));
    h.push_str(&count_table("Refusals by rule", "rule", &r.refusals_by_rule));
    h.push_str(&count_table("Top contact reasons", "intent", &r.contact_reasons));
    h.push_str(&count_table("Open cases by age", "age", &r.open_cases_by_age));
    h.push_str("</body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_nothing_is_loaded_from_elsewhere() {
        let r = Report {
            by_rule: vec![Group { key: "<script>x</script>".into(), requests: 2, ..Group::default() }],
            ..Report::default()
        };
        let html = render(&r);
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"));
        for external in ["src=", "href=", "@import", "url("] {
            assert!(!html.contains(external), "{external}");
        }
        assert!(html.contains("<svg"));
    }
}
