//! A scan against an earlier report (its findings.csv): which findings are new, which were
//! fixed and which remain, compared by object (its objectGUID, else its DN), attribute, value
//! and rule; and `diff.csv`, every one of them with a CHANGE column.

use std::collections::HashMap;
use std::path::Path;

use super::csv::{COLUMNS, FindingRow, read_rows};
use super::summary::SummaryRow;
use super::{ReportError, ReportSet};
use crate::model::DnKey;
use crate::rules::Finding;

/// What happened to a finding since the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    New,
    Fixed,
    Unchanged,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Fixed => "fixed",
            Change::Unchanged => "unchanged",
        }
    }
}

/// The comparison: the counts, and every row with its change (this scan's new and unchanged
/// rows in report order, then the baseline's fixed ones).
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    pub new: u64,
    pub fixed: u64,
    pub unchanged: u64,
    rows: Vec<(Change, FindingRow)>,
}

/// What a finding is compared by.
fn key(row: &FindingRow) -> (String, String, String, String) {
    let object = if row.object_guid.trim().is_empty() {
        DnKey::of(&row.distinguished_name).as_str().to_owned()
    } else {
        row.object_guid.trim().to_ascii_lowercase()
    };
    (object, row.attribute.to_ascii_lowercase(), row.value.clone(), row.rule.clone())
}

/// Reads the baseline report at `path`.
pub fn read_baseline(path: &Path) -> Result<Vec<FindingRow>, ReportError> {
    let file = std::fs::File::open(path).map_err(|error| ReportError::Io { path: path.to_owned(), error })?;
    read_rows(path, std::io::BufReader::new(file))
}

/// Compares `findings` with the `baseline` report's rows.
pub fn compare(baseline: Vec<FindingRow>, findings: &[Finding]) -> Comparison {
    let mut before: HashMap<(String, String, String, String), Vec<FindingRow>> = HashMap::new();
    for row in baseline {
        before.entry(key(&row)).or_default().push(row);
    }
    let mut comparison = Comparison::default();
    for finding in findings {
        let row = FindingRow::from_finding(finding);
        let change = match before.get_mut(&key(&row)).and_then(Vec::pop) {
            Some(_) => Change::Unchanged,
            None => Change::New,
        };
        match change {
            Change::New => comparison.new += 1,
            _ => comparison.unchanged += 1,
        }
        comparison.rows.push((change, row));
    }
    let mut fixed: Vec<FindingRow> = before.into_values().flatten().collect();
    fixed.sort_by(|a, b| {
        (&a.distinguished_name, &a.attribute, &a.value).cmp(&(&b.distinguished_name, &b.attribute, &b.value))
    });
    comparison.fixed = fixed.len() as u64;
    comparison.rows.extend(fixed.into_iter().map(|row| (Change::Fixed, row)));
    comparison
}

/// The summary's `baseline` rows: findings new, fixed and unchanged since the baseline.
pub fn summary_rows(comparison: &Comparison) -> Vec<SummaryRow> {
    [(Change::New, comparison.new), (Change::Fixed, comparison.fixed), (Change::Unchanged, comparison.unchanged)]
        .into_iter()
        .map(|(change, n)| SummaryRow {
            view: "baseline",
            key: change.as_str().to_owned(),
            object_class: String::new(),
            severity: None,
            findings: Some(n),
            objects: None,
        })
        .collect()
}

/// Adds `diff.csv` (CHANGE, then the report's columns) to a run's reports.
pub fn add_diff(reports: &mut ReportSet, path: &Path, comparison: &Comparison) -> Result<(), ReportError> {
    let header: Vec<&str> = std::iter::once("CHANGE").chain(COLUMNS).collect();
    let rows = comparison.rows.iter().map(|(change, row)| {
        let mut cells = vec![change.as_str().to_owned()];
        cells.extend(row.cells().map(str::to_owned));
        cells
    });
    reports.csv(path, &header, rows)
}
