//! `summary.csv`: findings counted by error name and object class, by rule, and by OU (the
//! 20 worst), plus the scan's totals, aggregated with polars. The GUI's chart reads the same
//! table.

use std::path::Path;

use polars::prelude::*;

use super::{ReportError, ReportSet};
use crate::model::parent_dn;
use crate::rules::{Finding, ScanStats};

/// One row of the summary: a view (`partial`, `total`, `skipped`, `error`, `rule`, `ou`), its key, the
/// object class (for the `error` view), how many findings and how many distinct objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryRow {
    pub view: String,
    pub key: String,
    pub object_class: String,
    pub findings: u64,
    pub objects: u64,
}

/// How many OUs the `ou` view keeps.
pub const WORST_OUS: usize = 20;

fn polars_error(e: PolarsError) -> ReportError {
    ReportError::Summary(e.to_string())
}

/// Aggregates the findings and stats into summary rows. `incomplete` lists the sources that
/// could not be read completely (a partial scan): each becomes a `partial` row, first.
pub fn summarize(
    findings: &[Finding],
    stats: &ScanStats,
    incomplete: &[String],
) -> Result<Vec<SummaryRow>, ReportError> {
    let mut rows: Vec<SummaryRow> = incomplete
        .iter()
        .map(|reason| SummaryRow {
            view: "partial".into(),
            key: reason.clone(),
            object_class: String::new(),
            findings: 0,
            objects: 0,
        })
        .collect();
    rows.extend(totals(findings, stats));
    let frame = rule_frame(findings).map_err(polars_error)?;
    let views: [(&str, &[&str], Option<usize>); 3] =
        [("error", &["ERROR", "OBJECTCLASS"], None), ("rule", &["RULE"], None), ("ou", &["OU"], Some(WORST_OUS))];
    for (view, keys, limit) in views {
        let grouped = group(frame.clone(), keys, limit).map_err(polars_error)?;
        rows.extend(to_rows(view, &grouped, keys).map_err(polars_error)?);
    }
    Ok(rows)
}

fn totals(findings: &[Finding], stats: &ScanStats) -> Vec<SummaryRow> {
    let row = |view: &str, key: &str, count: u64| SummaryRow {
        view: view.into(),
        key: key.into(),
        object_class: String::new(),
        findings: count,
        objects: 0,
    };
    let mut rows = vec![
        row("total", "objects read", stats.objects_read),
        row("total", "objects checked", stats.checked),
        row("total", "objects skipped", stats.skipped),
        row("total", "objects out of scope", stats.out_of_scope),
        row("total", "findings", findings.len() as u64),
    ];
    rows.extend(stats.skipped_by_reason.iter().map(|(reason, n)| row("skipped", reason.as_str(), *n)));
    rows
}

/// One row per (finding, failing rule).
fn rule_frame(findings: &[Finding]) -> PolarsResult<DataFrame> {
    let mut rule = Vec::new();
    let mut error = Vec::new();
    let mut class = Vec::new();
    let mut ou = Vec::new();
    let mut finding_index = Vec::new();
    let mut object = Vec::new();
    for (i, finding) in findings.iter().enumerate() {
        for id in &finding.rules {
            rule.push(id.code());
            error.push(id.rule().error.as_str());
            class.push(finding.object_class);
            ou.push(parent_dn(&finding.dn));
            finding_index.push(i as u64);
            object.push(finding.object);
        }
    }
    DataFrame::new_infer_height(vec![
        Column::new("RULE".into(), rule),
        Column::new("ERROR".into(), error),
        Column::new("OBJECTCLASS".into(), class),
        Column::new("OU".into(), ou),
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

fn to_rows(view: &str, frame: &DataFrame, keys: &[&str]) -> PolarsResult<Vec<SummaryRow>> {
    let key = frame.column(keys[0])?.str()?;
    let class = keys.get(1).map(|k| frame.column(k)).transpose()?.map(|c| c.str()).transpose()?;
    let findings = frame.column("FINDINGS")?.u64()?;
    let objects = frame.column("OBJECTS")?.u64()?;
    Ok((0..frame.height())
        .map(|i| SummaryRow {
            view: view.into(),
            key: key.get(i).unwrap_or_default().into(),
            object_class: class.and_then(|c| c.get(i)).unwrap_or_default().into(),
            findings: findings.get(i).unwrap_or_default(),
            objects: objects.get(i).unwrap_or_default(),
        })
        .collect())
}

/// Writes the summary rows to `path` (UTF-8 with a BOM, CRLF, like the findings).
pub fn add_summary(reports: &mut ReportSet, path: &Path, rows: &[SummaryRow]) -> Result<(), ReportError> {
    let header = ["VIEW", "KEY", "OBJECTCLASS", "FINDINGS", "OBJECTS"];
    let cells = rows.iter().map(|row| {
        [row.view.clone(), row.key.clone(), row.object_class.clone(), row.findings.to_string(), row.objects.to_string()]
    });
    reports.csv(path, &header, cells)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{FixSafety, RuleId, Severity};

    fn finding(object: u32, ou: usize, rules: Vec<RuleId>) -> Finding {
        Finding {
            object,
            dn: format!("CN=o{object},OU=ou{ou:02},DC=x"),
            common_name: String::new(),
            object_class: if object.is_multiple_of(2) { "user" } else { "group" },
            attribute: "mail".into(),
            value: String::new(),
            update: String::new(),
            rules,
            severity: Severity::Error,
            fix: FixSafety::Manual,
            guid: None,
            detail: String::new(),
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
        findings.push(finding(0, 0, vec![RuleId::MailDuplicate]));
        let stats = ScanStats { objects_read: 400, checked: 390, skipped: 4, out_of_scope: 6, ..ScanStats::default() };
        let rows = summarize(&findings, &stats, &[]).unwrap();
        let view = |name: &str| rows.iter().filter(|r| r.view == name).collect::<Vec<_>>();
        let ous = view("ou");
        assert_eq!(ous.len(), WORST_OUS);
        assert_eq!((ous[0].key.as_str(), ous[0].findings, ous[0].objects), ("OU=ou24,DC=x", 25, 25));
        assert_eq!(ous[19].key, "OU=ou05,DC=x");
        let rules = view("rule");
        assert_eq!(
            rules.iter().map(|r| (r.key.as_str(), r.findings, r.objects)).collect::<Vec<_>>(),
            [("MAIL002", 325, 325), ("MAIL003", 325, 325), ("MAIL007", 1, 1)]
        );
        let errors = view("error");
        assert_eq!(
            errors.iter().map(|r| (r.key.as_str(), r.object_class.as_str(), r.findings)).collect::<Vec<_>>(),
            [
                ("Character", "user", 163),
                ("LocalPart", "user", 163),
                ("Character", "group", 162),
                ("LocalPart", "group", 162),
                ("Duplicate", "user", 1)
            ]
        );
        assert_eq!(view("total")[0].findings, 400);
        assert_eq!(view("total")[4].findings, 326);
    }
}
