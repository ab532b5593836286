//! `report.html`: a scan as a page to hand around. Without JavaScript it shows the summary
//! (cards, the run's parameters, the baseline and tenant counts, the engine advice, the
//! charts and each rule's explanation); with it, the findings table too, filtered and sorted
//! in the page, a hundred rows at a time. Each chart's bar links to the table filtered to it.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use super::{Bar, bar_chart, escape, filter_link, page, script_json, table};
use crate::model::parent_dn;
use crate::report::csv::{COLUMNS, FindingRow};
use crate::report::engine::{self, DirectoryShape, EngineLine, engine_lines};
use crate::report::summary::{SummaryRow, summarize};
use crate::report::{ReportError, ReportSet};
use crate::rules::{Finding, RuleId, Ruleset, Severity};
use crate::source::SourceSummary;

const SCRIPT: &str = include_str!("findings.js");

/// findings.csv's columns the page leaves out: ACTION is for the review, OBJECTGUID for tools.
const HIDDEN: [&str; 2] = ["ACTION", "OBJECTGUID"];

/// What the run was: shown at the top of the report.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub sources: Vec<SourceSummary>,
    pub ruleset: String,
    pub verified_domains: Vec<String>,
    pub anchor: &'static str,
    pub tenant: Vec<String>,
    pub version: &'static str,
    /// When the scan finished, in UTC.
    pub finished: String,
}

impl RunInfo {
    pub fn new(sources: &[SourceSummary], ruleset: &Ruleset) -> RunInfo {
        let tenant = ruleset.tenant.as_deref().map(|t| &t.tenant.files[..]).unwrap_or_default();
        RunInfo {
            sources: sources.to_vec(),
            ruleset: ruleset.name.clone(),
            verified_domains: ruleset.verified_domains().to_vec(),
            anchor: ruleset.anchor.as_str(),
            tenant: tenant.iter().map(|f| f.display().to_string()).collect(),
            version: env!("CARGO_PKG_VERSION"),
            finished: finished().format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        }
    }
}

/// Now, or the time `SOURCE_DATE_EPOCH` gives (seconds since 1970, the reproducible-builds
/// convention), so that two runs can write the same page.
fn finished() -> chrono::DateTime<chrono::Utc> {
    let fixed = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok());
    fixed.and_then(|seconds| chrono::DateTime::from_timestamp(seconds, 0)).unwrap_or_else(chrono::Utc::now)
}

/// Everything the report shows.
pub struct ReportInput<'a> {
    pub findings: &'a [Finding],
    /// summary.csv's rows (with the baseline's, the tenant's and the engine's).
    pub summary: &'a [SummaryRow],
    pub engine: &'a [EngineLine],
    pub run: &'a RunInfo,
}

/// What a report shows besides the findings, kept with a scan's findings (the app exports the
/// page later).
#[derive(Debug, Clone)]
pub struct ReportContext {
    pub summary: Vec<SummaryRow>,
    pub engine: Vec<EngineLine>,
    pub run: RunInfo,
}

impl ReportContext {
    /// The context of a finished scan of `objects`: summary.csv's rows (with `incomplete` and
    /// `not_read` as for [`summarize`], then the engine advice's), the advice and the run.
    pub fn of(
        objects: &[crate::model::DirObject],
        result: &crate::rules::ScanResult,
        sources: &[SourceSummary],
        ruleset: &Ruleset,
        incomplete: &[String],
        not_read: &[String],
    ) -> Result<ReportContext, ReportError> {
        let mut summary = summarize(&result.findings, &result.stats, incomplete, not_read)?;
        let engine = engine_lines(&DirectoryShape::of(objects));
        summary.extend(engine::summary_rows(&engine));
        Ok(ReportContext { summary, engine, run: RunInfo::new(sources, ruleset) })
    }

    pub fn input<'a>(&'a self, findings: &'a [Finding]) -> ReportInput<'a> {
        ReportInput { findings, summary: &self.summary, engine: &self.engine, run: &self.run }
    }
}

/// Writes `report.html` to `path`.
pub fn add_report(reports: &mut ReportSet, path: &Path, input: &ReportInput) -> Result<(), ReportError> {
    let html = report_html(input);
    reports.file(path, |out| std::io::Write::write_all(out, html.as_bytes()))
}

fn rows_of<'a>(summary: &'a [SummaryRow], view: &'a str) -> impl Iterator<Item = &'a SummaryRow> {
    summary.iter().filter(move |r| r.view == view)
}

fn objects_of(summary: &[SummaryRow], view: &str, key: &str) -> u64 {
    rows_of(summary, view).find(|r| r.key == key).and_then(|r| r.objects).unwrap_or(0)
}

fn card(id: &str, class: &str, count: &str, raw: u64, label: &str) -> String {
    format!(
        "<div class=\"card {class}\" id=\"{id}\" data-count=\"{raw}\"><span class=\"n\">{}</span><span class=\"k\">{}</span></div>",
        escape(count),
        escape(label)
    )
}

pub fn report_html(input: &ReportInput) -> String {
    let ReportInput { findings, summary, engine, run } = input;
    let mut body = String::new();
    let partial: Vec<&SummaryRow> = rows_of(summary, "partial").chain(rows_of(summary, "not read")).collect();
    if !partial.is_empty() {
        body.push_str("<section id=\"partial\"><h2 class=\"bad\">This scan is incomplete</h2><ul>");
        for row in &partial {
            let _ = write!(body, "<li class=\"bad\">{}: {}</li>", escape(row.view), escape(&row.key));
        }
        body.push_str(
            "</ul><p>Objects that were not read were not checked: no count below covers them.</p></section>\n",
        );
    }
    body.push_str(&cards(findings, summary));
    body.push_str(&run_section(run));
    let since: Vec<Vec<String>> =
        rows_of(summary, "baseline").map(|r| vec![r.key.clone(), r.findings.unwrap_or(0).to_string()]).collect();
    if !since.is_empty() {
        body.push_str("<section id=\"baseline\"><h2>Since the baseline</h2>");
        body.push_str(&table("baseline-table", &["change", "findings"], since));
        body.push_str("<p class=\"note\">diff.csv lists each finding with its change.</p></section>\n");
    }
    let tenant: Vec<Vec<String>> =
        rows_of(summary, "tenant").map(|r| vec![r.key.clone(), r.objects.unwrap_or(0).to_string()]).collect();
    if !tenant.is_empty() {
        body.push_str("<section id=\"tenant\"><h2>The first sync, against the tenant export</h2>");
        body.push_str(&table("tenant-table", &["outcome", "objects"], tenant));
        body.push_str("</section>\n");
    }
    if !engine.is_empty() {
        body.push_str(&engine_section(engine));
    }
    body.push_str(&charts(summary));
    body.push_str(&findings_section(findings.len()));
    body.push_str(&rules_section(findings));
    // findings.csv's columns but the hidden ones, then the OU.
    let shown = |column: &&str| !HIDDEN.contains(column);
    let data = FindingsData {
        columns: COLUMNS.iter().copied().filter(shown).chain(["OU"]).collect(),
        rows: findings
            .iter()
            .map(|f| {
                let row = FindingRow::from_finding(f);
                let cells = row.cells().into_iter().zip(&COLUMNS).filter(|(_, c)| shown(c)).map(|(cell, _)| cell);
                cells.map(str::to_owned).chain([parent_dn(&f.dn).to_owned()]).collect()
            })
            .collect(),
    };
    let sources: Vec<String> = run.sources.iter().map(|s| s.name.clone()).collect();
    let subtitle = format!("{} · {} · syncready {}", escape(&sources.join(", ")), escape(&run.finished), run.version);
    page("syncready scan report", &subtitle, &body, Some(("findings-data", &script_json(&data))), Some(SCRIPT))
}

#[derive(serde::Serialize)]
struct FindingsData {
    columns: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

fn cards(findings: &[Finding], summary: &[SummaryRow]) -> String {
    let mut out = String::from("<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">");
    for (key, label) in
        [("read", "objects read"), ("checked", "checked"), ("skipped", "skipped"), ("out of scope", "out of scope")]
    {
        let n = objects_of(summary, "objects", key);
        out.push_str(&card(&format!("card-objects-{}", key.replace(' ', "-")), "", &n.to_string(), n, label));
    }
    let all = rows_of(summary, "findings").next();
    let total = all.and_then(|r| r.findings).unwrap_or(0);
    out.push_str(&card("card-findings", "", &total.to_string(), total, "findings"));
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        let n =
            rows_of(summary, "severity").find(|r| r.severity == Some(severity)).and_then(|r| r.findings).unwrap_or(0);
        let id = format!("card-severity-{}", severity.as_str());
        out.push_str(&card(&id, severity.as_str(), &n.to_string(), n, &format!("{}s", severity.as_str())));
    }
    let with_error: HashSet<u32> =
        findings.iter().filter(|f| f.severity == Severity::Error).filter_map(|f| f.object).collect();
    let checked = objects_of(summary, "objects", "checked");
    let share = if checked == 0 { 0.0 } else { with_error.len() as f64 * 100.0 / checked as f64 };
    out.push_str(&card(
        "card-error-share",
        "error",
        &format!("{share:.1}%"),
        with_error.len() as u64,
        &format!("of the checked objects have an error ({})", with_error.len()),
    ));
    out.push_str("</div></section>\n");
    out
}

fn run_section(run: &RunInfo) -> String {
    let sources: Vec<String> = run.sources.iter().map(|s| format!("{} ({} objects)", s.name, s.objects)).collect();
    let none = |list: &[String], empty: &str| if list.is_empty() { empty.to_owned() } else { list.join(", ") };
    let mut out = String::from("<section id=\"run\"><h2>The run</h2><dl class=\"run\">");
    for (term, value) in [
        ("sources", sources.join("; ")),
        ("ruleset", run.ruleset.clone()),
        ("verified domains", none(&run.verified_domains, "none given (UPN suffixes are checked for syntax only)")),
        ("source anchor", run.anchor.to_owned()),
        ("tenant export", none(&run.tenant, "none")),
        ("syncready", run.version.to_owned()),
        ("finished", run.finished.clone()),
    ] {
        let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", escape(term), escape(&value));
    }
    out.push_str("</dl></section>\n");
    out
}

fn engine_section(engine: &[EngineLine]) -> String {
    let mut out = String::from("<section id=\"engine\"><h2>Before installing a sync engine</h2><ul>");
    for line in engine {
        let _ = write!(
            out,
            "<li class=\"{}\">{} (<a href=\"{}\">{}</a>)</li>",
            line.view,
            escape(&line.text),
            escape(line.source),
            if line.view == "engine" { "decision guide" } else { "prerequisites" }
        );
    }
    out.push_str("</ul></section>\n");
    out
}

fn charts(summary: &[SummaryRow]) -> String {
    // The `error name` view counts each finding once, by ERROR cell and object class.
    let (mut by_error, mut by_class): (BTreeMap<&str, u64>, BTreeMap<&str, u64>) = Default::default();
    for row in rows_of(summary, "error name") {
        *by_error.entry(&row.key).or_default() += row.findings.unwrap_or(0);
        *by_class.entry(&row.object_class).or_default() += row.findings.unwrap_or(0);
    }
    let bars = |counts: BTreeMap<&str, u64>, key: &str| {
        let mut bars: Vec<Bar> = counts
            .into_iter()
            .map(|(label, count)| Bar { label: label.to_owned(), count, link: Some(filter_link(key, label)) })
            .collect();
        bars.sort_by(|a, b| b.count.cmp(&a.count).then(a.label.cmp(&b.label)));
        bars.truncate(20);
        bars
    };
    let rules: Vec<Bar> = rows_of(summary, "rule")
        .take(20)
        .map(|r| Bar { label: r.key.clone(), count: r.findings.unwrap_or(0), link: Some(filter_link("rule", &r.key)) })
        .collect();
    let ous: Vec<Bar> = rows_of(summary, "ou")
        .map(|r| Bar { label: r.key.clone(), count: r.findings.unwrap_or(0), link: Some(filter_link("ou", &r.key)) })
        .collect();
    let mut out = String::from("<section id=\"charts\"><h2>Where the findings are</h2><div class=\"charts\">");
    out.push_str(&bar_chart("chart-error", "Findings by error name", &bars(by_error, "error")));
    out.push_str(&bar_chart("chart-rule", "Findings by rule (the 20 commonest)", &rules));
    out.push_str(&bar_chart("chart-class", "Findings by object class", &bars(by_class, "class")));
    out.push_str(&bar_chart("chart-ou", "The 20 OUs with the most findings", &ous));
    out.push_str("</div></section>\n");
    out
}

fn findings_section(count: usize) -> String {
    let select = |key: &str, label: &str| {
        format!("<label>{label}<select id=\"filter-{key}\"><option value=\"\">all</option></select></label>")
    };
    let mut out = String::from("<section id=\"findings\"><h2>Findings</h2>");
    let _ = writeln!(
        out,
        "<noscript><p>The {count} findings are in findings.csv beside this page; with JavaScript on, they \
         show here with filters.</p></noscript>\
         <div class=\"controls\" id=\"findings-controls\" hidden><label>Text<input id=\"filter-text\" type=\"search\" \
         placeholder=\"DN, value, detail…\"></label>{}{}{}{}{}{}<button type=\"button\" id=\"filter-clear\">Show all</button>\
         <span id=\"findings-count\"></span></div>\
         <div class=\"scroll\"><table id=\"findings-table\" hidden><thead><tr id=\"findings-head\"></tr></thead><tbody id=\"findings-body\"></tbody></table></div>\
         <div class=\"pager\"><button type=\"button\" id=\"page-previous\">Previous</button><span id=\"page-text\"></span>\
         <button type=\"button\" id=\"page-next\">Next</button></div></section>",
        select("error", "Error"),
        select("severity", "Severity"),
        select("attribute", "Attribute"),
        select("class", "Class"),
        select("rule", "Rule"),
        select("ou", "OU"),
    );
    out
}

fn rules_section(findings: &[Finding]) -> String {
    let fired: BTreeSet<RuleId> = findings.iter().flat_map(|f| f.rules.iter().copied()).collect();
    let mut out = String::from("<section id=\"rules\"><h2>The rules that fired</h2>");
    if fired.is_empty() {
        out.push_str("<p class=\"good\">No rule fired.</p>");
    }
    for id in fired {
        let rule = id.rule();
        let _ = write!(
            out,
            "<details id=\"rule-{}\"><summary><code>{}</code> {} ({}, {}): {}</summary><p>{}</p><p>Fix: {}</p></details>",
            rule.code,
            rule.code,
            escape(rule.error.as_str()),
            rule.severity.as_str(),
            escape(rule.attribute),
            escape(rule.message),
            escape(rule.doc),
            escape(&rule.fix_text())
        );
    }
    out.push_str("</section>\n");
    out
}
