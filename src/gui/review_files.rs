//! The review as files: export as CSV (the CLI's format, for `syncready apply`), LDIF of the
//! accepted changes or JSON, by the file's ending; import the decisions of a reviewed CSV.

use std::collections::HashMap;
use std::path::Path;

use crate::fix::ldif::changes_ldif;
use crate::fix::{self, Action, Change, Decision, PlanError, plan_rows};
use crate::model::DnKey;
use crate::report::ReportSet;
use crate::report::csv::{FindingRow, read_numbered_rows, write_rows};
use crate::report::page::report::{ReportContext, add_report};
use crate::rules::Finding;

/// The findings as report rows with the review's decisions in ACTION and UPDATE (empty for a
/// REMOVE, as `syncready apply` requires), so that applying the exported file plans what the
/// app plans.
pub fn reviewed_rows<'a>(findings: &'a [Finding], decisions: &'a [Action]) -> impl Iterator<Item = FindingRow> + 'a {
    findings.iter().zip(decisions).map(|(finding, decision)| {
        let mut row = FindingRow::from_finding(finding);
        row.action = decision.as_str().to_owned();
        match decision {
            Action::Edit(value) => row.update = value.clone(),
            Action::Remove => row.update.clear(),
            Action::Undecided | Action::Complete => {}
        }
        row
    })
}

/// The line a finding has in an exported CSV (after the header), which plans name.
pub fn line_of(index: usize) -> u64 {
    index as u64 + 2
}

/// Plans the accepted decisions straight from the findings (each change's `decisions` are
/// finding indexes); errors name the finding by its line in an export to `path`.
pub fn plan(path: &Path, findings: &[Finding], decisions: &[Action]) -> Result<Vec<Change>, PlanError> {
    let decided = findings.iter().zip(decisions).enumerate();
    fix::plan(path, decided.map(|(i, (finding, action))| Ok(Decision::from_finding(line_of(i), finding, action))))
}

/// Writes the review to `path`, calling `row_done` for each row of a CSV or JSON file as it is
/// made; returns what was written.
pub fn export(
    path: &Path,
    findings: &[Finding],
    decisions: &[Action],
    report: Option<&ReportContext>,
    row_done: &dyn Fn(),
) -> Result<String, String> {
    let rows = || reviewed_rows(findings, decisions).inspect(|_| row_done());
    let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => {
            let report = report.ok_or("Scan first: the report describes a scan.")?;
            ReportSet::alone(|reports| add_report(reports, path, &report.input(findings)))
                .map_err(|e| e.to_string())?;
            Ok(format!("Exported the report of {} findings to {}.", findings.len(), path.display()))
        }
        "ldif" | "ldf" => {
            let changes = plan(path, findings, decisions).map_err(|e| e.to_string())?;
            std::fs::write(path, changes_ldif(&changes)).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(format!("Exported {} accepted changes as LDIF to {}.", changes.len(), path.display()))
        }
        "json" => {
            let json = serde_json::to_string_pretty(&rows().collect::<Vec<_>>()).map_err(|e| e.to_string())?;
            std::fs::write(path, json).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(format!("Exported {} rows as JSON to {}.", findings.len(), path.display()))
        }
        _ => {
            write_rows(path, rows()).map_err(|e| e.to_string())?;
            Ok(format!("Exported {} rows to {}.", findings.len(), path.display()))
        }
    }
}

/// What a decision is tied to across scans and files: the object's DN (normalised), the
/// attribute and the value.
pub type DecisionKey = (DnKey, String, String);

pub fn decision_key(dn: &str, attribute: &str, value: &str) -> DecisionKey {
    (DnKey::of(dn), attribute.to_owned(), value.to_owned())
}

/// Puts the `decided` actions on the findings with the same key; returns how many matched.
pub fn take_decisions(findings: &[Finding], decisions: &mut [Action], decided: &HashMap<DecisionKey, Action>) -> usize {
    let mut matched = 0;
    for (finding, decision) in findings.iter().zip(decisions) {
        if let Some(action) = decided.get(&decision_key(&finding.dn, finding.attribute.as_str(), &finding.value)) {
            *decision = action.clone();
            matched += 1;
        }
    }
    matched
}

/// Takes the decisions of a reviewed CSV for the rows it shares with `findings` (same DN,
/// attribute and value). The file is checked as `syncready apply` checks a plan first: the
/// same errors, with the same row numbers, and no decision is taken from a file with one.
pub fn import(path: &Path, findings: &[Finding], decisions: &mut [Action]) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let rows = read_numbered_rows(path, std::io::BufReader::new(file)).map_err(|e| e.to_string())?;
    plan_rows(path, &rows).map_err(|e| e.to_string())?;
    let mut decided = HashMap::new();
    for (_, row) in &rows {
        // The plan check above has parsed every ACTION cell already.
        let action = Action::parse(&row.action, &row.update).unwrap_or_default();
        decided.insert(decision_key(&row.distinguished_name, &row.attribute, &row.value), action);
    }
    let matched = take_decisions(findings, decisions, &decided);
    let unmatched = rows.len().saturating_sub(matched);
    let rest = if unmatched == 0 { String::new() } else { format!("; {unmatched} match no finding of this scan") };
    Ok(format!("Imported the decisions of {matched} of {} rows from {}{rest}.", rows.len(), path.display()))
}
