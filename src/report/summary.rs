//! `summary.csv`: what a scan read (objects by scope and by the reason they were skipped or
//! left out) and what it found: findings by severity and by ERROR cell (both add up to the
//! number of findings), by rule, and by OU (the 20 worst). Aggregated with polars.

use std::path::Path;

use polars::prelude::*;

use super::{ReportError, ReportSet};
use crate::model::parent_dn;
use crate::rules::tenant::DELETE_THRESHOLD;
use crate::rules::{Finding, ScanStats, Severity};

/// One row of the summary. `view` says what the row counts:
/// - `partial`: a source that could not be read in full (KEY says which and why);
/// - `not read`: a continuation reference a server returned and no source read;
/// - `objects`: objects read, checked, skipped and out of scope (OBJECTS);
/// - `skipped`, `out of scope`: objects by reason (OBJECTS);
/// - `findings`: all findings (FINDINGS: report rows; OBJECTS: objects with at least one);
/// - `severity`: findings by SEVERITY;
/// - `error name`: findings by their ERROR cell, object class and severity;
/// - `rule`: findings in which a rule failed (one finding can fail several rules);
/// - `tenant` (with a tenant export): what the first sync does with the checked objects (hard
///   match, soft match, created, conflict) and the synced cloud objects the next full sync
///   deletes, with a row when they exceed Connect Sync's accidental-delete threshold;
/// - `ou`: findings by the OU that holds the object, the 20 worst.
/// - `baseline` (with `--baseline`, added by [`super::baseline::summary_rows`]): findings new,
///   fixed and unchanged since an earlier report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryRow {
    pub view: &'static str,
    pub key: String,
    pub object_class: String,
    pub severity: Option<Severity>,
    pub findings: Option<u64>,
    pub objects: Option<u64>,
}

impl SummaryRow {
    fn objects(view: &'static str, key: &str, objects: u64) -> SummaryRow {
        SummaryRow {
            view,
            key: key.into(),
            object_class: String::new(),
            severity: None,
            findings: None,
            objects: Some(objects),
        }
    }
}

/// Severities by rank (`Severity as u32`), as the frames hold them.
const SEVERITIES: [Severity; 3] = [Severity::Info, Severity::Warning, Severity::Error];

/// How many OUs the `ou` view keeps.
pub const WORST_OUS: usize = 20;

fn polars_error(e: PolarsError) -> ReportError {
    ReportError::Summary(e.to_string())
}

/// Aggregates the findings and stats into summary rows. `incomplete` lists the sources that
/// could not be read completely (a partial scan): each becomes a `partial` row, first; each
/// of `not_read` (the parts of a directory its servers referred elsewhere) a `not read` row.
pub fn summarize(
    findings: &[Finding],
    stats: &ScanStats,
    incomplete: &[String],
    not_read: &[String],
) -> Result<Vec<SummaryRow>, ReportError> {
    let note = |view: &'static str, key: &String| SummaryRow {
        view,
        key: key.clone(),
        object_class: String::new(),
        severity: None,
        findings: None,
        objects: None,
    };
    let mut rows: Vec<SummaryRow> = incomplete.iter().map(|reason| note("partial", reason)).collect();
    rows.extend(not_read.iter().map(|reference| note("not read", reference)));
    rows.extend(object_counts(stats));
    let frame = finding_frame(findings).map_err(polars_error)?;
    let distinct_objects = frame.column("OBJECT").and_then(|c| c.n_unique()).map_err(polars_error)?;
    rows.push(SummaryRow {
        view: "findings",
        key: "all".into(),
        object_class: String::new(),
        severity: None,
        findings: Some(findings.len() as u64),
        objects: Some(distinct_objects as u64),
    });
    let by_severity = group(frame.clone(), &["SEVERITY"], None).map_err(polars_error)?;
    rows.extend(to_rows("severity", &by_severity, &["SEVERITY"]).map_err(polars_error)?);
    let keys = ["ERROR", "OBJECTCLASS", "SEVERITY"];
    let by_error = group(frame.clone(), &keys, None).map_err(polars_error)?;
    rows.extend(to_rows("error name", &by_error, &keys).map_err(polars_error)?);
    let rules = rule_frame(findings).map_err(polars_error)?;
    let by_rule = group(rules.clone(), &["RULE"], None).map_err(polars_error)?;
    rows.extend(to_rows("rule", &by_rule, &["RULE"]).map_err(polars_error)?);
    let by_ou = group(frame, &["OU"], Some(WORST_OUS)).map_err(polars_error)?;
    rows.extend(to_rows("ou", &by_ou, &["OU"]).map_err(polars_error)?);
    Ok(rows)
}

fn object_counts(stats: &ScanStats) -> Vec<SummaryRow> {
    let mut rows = vec![
        SummaryRow::objects("objects", "read", stats.objects_read),
        SummaryRow::objects("objects", "checked", stats.checked),
        SummaryRow::objects("objects", "skipped", stats.skipped),
        SummaryRow::objects("objects", "out of scope", stats.out_of_scope),
    ];
    rows.extend(stats.skipped_by_reason.iter().map(|(reason, n)| SummaryRow::objects("skipped", reason.as_str(), *n)));
    rows.extend(
        stats.out_of_scope_by_reason.iter().map(|(reason, n)| SummaryRow::objects("out of scope", reason.as_str(), *n)),
    );
    if let Some(tenant) = &stats.tenant {
        rows.extend([
            SummaryRow::objects("tenant", "hard match", tenant.hard_match),
            SummaryRow::objects("tenant", "soft match", tenant.soft_match),
            SummaryRow::objects("tenant", "created", tenant.create),
            SummaryRow::objects("tenant", "conflict", tenant.conflict),
            SummaryRow::objects("tenant", "deleted", tenant.orphans),
        ]);
        if tenant.orphans > DELETE_THRESHOLD {
            let key = format!("deletions over the threshold of {DELETE_THRESHOLD}");
            rows.push(SummaryRow::objects("tenant", &key, tenant.orphans));
        }
    }
    rows
}

/// One row per finding.
fn finding_frame(findings: &[Finding]) -> PolarsResult<DataFrame> {
    let mut error = Vec::with_capacity(findings.len());
    let mut class = Vec::with_capacity(findings.len());
    let mut severity = Vec::with_capacity(findings.len());
    let mut ou = Vec::with_capacity(findings.len());
    let mut finding_index = Vec::with_capacity(findings.len());
    let mut object = Vec::with_capacity(findings.len());
    for (i, finding) in findings.iter().enumerate() {
        error.push(finding.error_text());
        class.push(finding.object_class);
        severity.push(finding.severity as u32);
        ou.push(parent_dn(&finding.dn));
        finding_index.push(i as u64);
        object.push(object_key(i, finding));
    }
    DataFrame::new_infer_height(vec![
        Column::new("ERROR".into(), error),
        Column::new("OBJECTCLASS".into(), class),
        Column::new("SEVERITY".into(), severity),
        Column::new("OU".into(), ou),
        Column::new("FINDING".into(), finding_index),
        Column::new("OBJECT".into(), object),
    ])
}

/// The OBJECT a finding counts for: its scanned object, or, for a tenant object the scan has no
/// object for, one of its own (beyond every snapshot index).
fn object_key(index: usize, finding: &Finding) -> u64 {
    finding.object.map_or(u64::from(u32::MAX) + 1 + index as u64, u64::from)
}

/// One row per (finding, failing rule).
fn rule_frame(findings: &[Finding]) -> PolarsResult<DataFrame> {
    let mut rule = Vec::new();
    let mut finding_index = Vec::new();
    let mut object = Vec::new();
    for (i, finding) in findings.iter().enumerate() {
        for id in &finding.rules {
            rule.push(id.code());
            finding_index.push(i as u64);
            object.push(object_key(i, finding));
        }
    }
    DataFrame::new_infer_height(vec![
        Column::new("RULE".into(), rule),
        Column::new("FINDING".into(), finding_index),
        Column::new("OBJECT".into(), object),
    ])
}

/// Distinct findings and objects per key, most findings first, then by key.
fn group(frame: DataFrame, keys: &[&str], limit: Option<usize>) -> PolarsResult<DataFrame> {
    let key_exprs: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
    let mut sort_by = vec![col("FINDINGS")];
    sort_by.extend(key_exprs.iter().cloned());
    let mut descending = vec![true];
    descending.extend(keys.iter().map(|_| false));
    let sorted = frame
        .lazy()
        .group_by(key_exprs)
        .agg([
            col("FINDING").n_unique().cast(DataType::UInt64).alias("FINDINGS"),
            col("OBJECT").n_unique().cast(DataType::UInt64).alias("OBJECTS"),
        ])
        .sort_by_exprs(sort_by, SortMultipleOptions::default().with_order_descending_multi(descending));
    match limit {
        Some(n) => sorted.limit(n as IdxSize).collect(),
        None => sorted.collect(),
    }
}

fn to_rows(view: &'static str, frame: &DataFrame, keys: &[&str]) -> PolarsResult<Vec<SummaryRow>> {
    let text = |name: &str| -> PolarsResult<Option<&StringChunked>> {
        if name != "SEVERITY" && keys.contains(&name) { frame.column(name)?.str().map(Some) } else { Ok(None) }
    };
    let severity = if keys.contains(&"SEVERITY") { Some(frame.column("SEVERITY")?.u32()?) } else { None };
    let severity_at = |i: usize| severity.and_then(|c| c.get(i)).map(|rank| SEVERITIES[rank as usize]);
    let key = text(keys[0])?;
    let class = text("OBJECTCLASS")?;
    let findings = frame.column("FINDINGS")?.u64()?;
    let objects = frame.column("OBJECTS")?.u64()?;
    Ok((0..frame.height())
        .map(|i| SummaryRow {
            view,
            key: match key {
                Some(key) => key.get(i).unwrap_or_default().into(),
                None => severity_at(i).map(|s| s.as_str()).unwrap_or_default().into(),
            },
            object_class: class.and_then(|c| c.get(i)).unwrap_or_default().into(),
            severity: severity_at(i),
            findings: findings.get(i),
            objects: objects.get(i),
        })
        .collect())
}

/// Writes the summary rows to `path` (UTF-8 with a BOM, CRLF, like the findings).
pub fn add_summary(reports: &mut ReportSet, path: &Path, rows: &[SummaryRow]) -> Result<(), ReportError> {
    let header = ["VIEW", "KEY", "OBJECTCLASS", "SEVERITY", "FINDINGS", "OBJECTS"];
    let count = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
    let cells = rows.iter().map(|row| {
        [
            row.view.to_owned(),
            row.key.clone(),
            row.object_class.clone(),
            row.severity.map(|s| s.as_str().to_owned()).unwrap_or_default(),
            count(row.findings),
            count(row.objects),
        ]
    });
    reports.csv(path, &header, cells)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{FixSafety, RuleId, Severity};

    fn finding(object: u32, ou: usize, rules: Vec<RuleId>) -> Finding {
        Finding {
            object: Some(object),
            dn: format!("CN=o{object},OU=ou{ou:02},DC=x"),
            common_name: String::new(),
            object_class: if object.is_multiple_of(2) { "user" } else { "group" },
            attribute: crate::model::AttrName::Mail,
            value: String::new(),
            update: None,
            rules,
            severity: Severity::Error,
            fix: FixSafety::Manual,
            guid: None,
            detail: String::new(),
            holders: Vec::new(),
        }
    }

    #[test]
    fn views_count_findings_and_objects_and_keep_the_20_worst_ous() {
        // OU n holds n + 1 findings, on one object each; 25 OUs in all.
        let mut findings = Vec::new();
        let mut object = 0;
        for ou in 0..25 {
            for _ in 0..=ou {
                findings.push(finding(object, ou, vec![RuleId::MailWhitespace, RuleId::MailLocalPart]));
                object += 1;
            }
        }
        findings.push(Finding { severity: Severity::Warning, ..finding(0, 0, vec![RuleId::MailDuplicate]) });
        let stats = ScanStats { objects_read: 400, checked: 390, skipped: 4, out_of_scope: 6, ..ScanStats::default() };
        let rows = summarize(&findings, &stats, &[], &[]).unwrap();
        let view = |name: &str| rows.iter().filter(|r| r.view == name).collect::<Vec<_>>();
        let ous = view("ou");
        assert_eq!(ous.len(), WORST_OUS);
        assert_eq!((ous[0].key.as_str(), ous[0].findings, ous[0].objects), ("OU=ou24,DC=x", Some(25), Some(25)));
        assert_eq!(ous[19].key, "OU=ou05,DC=x");
        let rules = view("rule");
        assert_eq!(
            rules.iter().map(|r| (r.key.as_str(), r.findings, r.objects)).collect::<Vec<_>>(),
            [("MAIL002", Some(325), Some(325)), ("MAIL003", Some(325), Some(325)), ("MAIL007", Some(1), Some(1))]
        );
        // Each finding once by its ERROR cell: the view adds up to the number of findings.
        let errors = view("error name");
        assert_eq!(
            errors
                .iter()
                .map(|r| (r.key.as_str(), r.object_class.as_str(), r.severity, r.findings))
                .collect::<Vec<_>>(),
            [
                ("Character, LocalPart", "user", Some(Severity::Error), Some(163)),
                ("Character, LocalPart", "group", Some(Severity::Error), Some(162)),
                ("Duplicate", "user", Some(Severity::Warning), Some(1)),
            ]
        );
        let severities = view("severity");
        assert_eq!(
            severities.iter().map(|r| (r.key.as_str(), r.findings, r.objects)).collect::<Vec<_>>(),
            [("error", Some(325), Some(325)), ("warning", Some(1), Some(1))]
        );
        assert_eq!(
            view("objects").iter().map(|r| (r.key.as_str(), r.findings, r.objects)).collect::<Vec<_>>(),
            [
                ("read", None, Some(400)),
                ("checked", None, Some(390)),
                ("skipped", None, Some(4)),
                ("out of scope", None, Some(6))
            ]
        );
        let all = view("findings");
        assert_eq!((all[0].findings, all[0].objects), (Some(326), Some(325)));
    }
}
