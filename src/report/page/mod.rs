//! The HTML pages syncready writes (`report.html` from a scan, `plan.html` from `migrate`):
//! one self-contained file each, with its style, its script and its data inline and nothing
//! fetched. Every text from the directory is escaped; the page's Content-Security-Policy
//! allows only its own style and script (by their SHA-256), so even markup that slipped
//! through would run nothing and load nothing.

pub mod report;

use std::fmt::Write as _;

use base64::Engine as _;
use sha2::{Digest, Sha256};

const STYLE: &str = include_str!("style.css");

/// `text` escaped for HTML text and attribute values (double- or single-quoted).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
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

/// JSON to put inside a `<script>` element: `<`, `>` and `&` (and the JavaScript line
/// separators) written as `\u` escapes, which only occur inside JSON strings, so that no value
/// can close the element.
pub fn script_json(value: &impl serde::Serialize) -> String {
    let json = serde_json::to_string(value).expect("report data serializes");
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

fn sha256(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
}

/// A whole page: `title` (plain text), the header's line under it (markup), `body` (markup)
/// and the page's script, if any. Data for the script goes in `data` (JSON from
/// [`script_json`], in a `<script type="application/json" id="…-data">` the script reads).
pub fn page(title: &str, subtitle: &str, body: &str, data: Option<(&str, &str)>, script: Option<&str>) -> String {
    let mut policy = format!("default-src 'none'; style-src 'sha256-{}'", sha256(STYLE));
    if let Some(script) = script {
        let _ = write!(policy, "; script-src 'sha256-{}'", sha256(script));
    }
    let mut out = String::with_capacity(body.len() + STYLE.len() + 4096);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <header><h1>{}</h1><p>{subtitle}</p></header>\n<main>\n{body}</main>\n",
        escape(title),
        escape(title)
    );
    if let Some((id, json)) = data {
        let _ = writeln!(out, "<script type=\"application/json\" id=\"{id}\">{json}</script>");
    }
    if let Some(script) = script {
        let _ = writeln!(out, "<script>{script}</script>");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// One bar of a chart: its label, its count, and where it links (a fragment such as
/// `#error=Character`, or none).
pub struct Bar {
    pub label: String,
    pub count: u64,
    pub link: Option<String>,
}

/// A horizontal bar chart as inline SVG: one row per bar, longest first as given.
pub fn bar_chart(id: &str, title: &str, bars: &[Bar]) -> String {
    const ROW: usize = 22;
    const LABEL: usize = 250;
    const WIDTH: usize = 620;
    let most = bars.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let height = bars.len().max(1) * ROW;
    let mut svg = format!(
        "<div class=\"chart\" id=\"{id}\"><h3>{}</h3>\
         <svg viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-label=\"{}\">",
        escape(title),
        escape(title)
    );
    if bars.is_empty() {
        let _ = write!(svg, "<text x=\"0\" y=\"15\">none</text>");
    }
    for (i, bar) in bars.iter().enumerate() {
        let y = i * ROW;
        let length = ((WIDTH - LABEL - 60) as u64 * bar.count / most).max(1);
        let label: String = bar.label.chars().take(34).collect();
        let label = if label.len() < bar.label.len() { format!("{label}…") } else { label };
        let inner = format!(
            "<title>{}: {}</title><text x=\"0\" y=\"{}\">{}</text>\
             <rect x=\"{LABEL}\" y=\"{}\" width=\"{length}\" height=\"{}\"></rect>\
             <text class=\"count\" x=\"{}\" y=\"{}\">{}</text>",
            escape(&bar.label),
            bar.count,
            y + 15,
            escape(&label),
            y + 3,
            ROW - 6,
            LABEL as u64 + length + 6,
            y + 15,
            bar.count
        );
        match &bar.link {
            Some(link) => {
                let _ = write!(svg, "<a href=\"{}\" data-label=\"{}\">{inner}</a>", escape(link), escape(&bar.label));
            }
            None => svg.push_str(&inner),
        }
    }
    svg.push_str("</svg></div>\n");
    svg
}

/// A link fragment that sets one filter of the findings table.
pub fn filter_link(key: &str, value: &str) -> String {
    let encoded: String = percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).collect();
    format!("#{key}={encoded}")
}

/// A table of text cells (escaped), with a header row.
pub fn table(id: &str, header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = format!("<table id=\"{id}\"><thead><tr>");
    for name in header {
        let _ = write!(out, "<th>{}</th>", escape(name));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{}</td>", escape(&cell));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_values_is_text() {
        assert_eq!(
            escape("<script>a&b</script> \"q\" 'r'"),
            "&lt;script&gt;a&amp;b&lt;/script&gt; &quot;q&quot; &#39;r&#39;"
        );
        let json = script_json(&vec!["</script><b>", "a&b\u{2028}"]);
        assert_eq!(json, r#"["\u003c/script\u003e\u003cb\u003e","a\u0026b\u2028"]"#);
        assert_eq!(serde_json::from_str::<Vec<String>>(&json).unwrap(), ["</script><b>", "a&b\u{2028}"]);
    }

    #[test]
    fn the_policy_names_the_page_style_and_script_by_hash() {
        let html = page("T <1>", "sub", "<p>body</p>", None, Some("console.log(1)"));
        assert!(html.contains(&format!("script-src 'sha256-{}'", sha256("console.log(1)"))));
        assert!(html.contains("default-src 'none'"));
        assert!(html.contains("<title>T &lt;1&gt;</title>"));
        assert_eq!(filter_link("error", "Character, LocalPart"), "#error=Character%2C%20LocalPart");
    }
}
