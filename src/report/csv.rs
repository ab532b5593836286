//! `findings.csv`: RFC 4180 quoting, UTF-8 with a BOM (so Excel shows accents), CRLF rows,
//! and spreadsheet formulas neutralized: a cell that would start with `=`, `+`, `-`, `@`, a
//! tab or a CR gets a leading `'`, which `read_rows` takes off again, so values round-trip.

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;

use base64::Engine as _;

use super::{ReportError, ReportSet};
use crate::rules::Finding;

/// The columns, in order: IdFix's first, then syncready's.
pub const COLUMNS: [&str; 13] = [
    "DISTINGUISHEDNAME",
    "COMMONNAME",
    "OBJECTCLASS",
    "ATTRIBUTE",
    "ERROR",
    "VALUE",
    "UPDATE",
    "ACTION",
    "RULE",
    "SEVERITY",
    "FIX",
    "OBJECTGUID",
    "DETAIL",
];

/// One row of the report as text, column by column.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct FindingRow {
    pub distinguished_name: String,
    pub common_name: String,
    pub object_class: String,
    pub attribute: String,
    pub error: String,
    pub value: String,
    pub update: String,
    pub action: String,
    pub rule: String,
    pub severity: String,
    pub fix: String,
    pub object_guid: String,
    pub detail: String,
}

impl FindingRow {
    pub fn from_finding(finding: &Finding) -> FindingRow {
        FindingRow {
            distinguished_name: finding.dn.clone(),
            common_name: finding.common_name.clone(),
            object_class: finding.object_class.to_owned(),
            attribute: finding.attribute.as_str().to_owned(),
            error: finding.error_text(),
            value: finding.value.clone(),
            update: finding.update.clone().unwrap_or_default(),
            action: String::new(),
            rule: finding.rule_text(),
            severity: finding.severity.as_str().to_owned(),
            fix: finding.fix.as_str().to_owned(),
            object_guid: finding.guid.map(|g| g.to_string()).unwrap_or_default(),
            detail: finding.detail.clone(),
        }
    }

    pub(crate) fn cells(&self) -> [&str; 13] {
        [
            &self.distinguished_name,
            &self.common_name,
            &self.object_class,
            &self.attribute,
            &self.error,
            &self.value,
            &self.update,
            &self.action,
            &self.rule,
            &self.severity,
            &self.fix,
            &self.object_guid,
            &self.detail,
        ]
    }

    fn from_cells(cells: [String; 13]) -> FindingRow {
        let [
            distinguished_name,
            common_name,
            object_class,
            attribute,
            error,
            value,
            update,
            action,
            rule,
            severity,
            fix,
            object_guid,
            detail,
        ] = cells;
        FindingRow {
            distinguished_name,
            common_name,
            object_class,
            attribute,
            error,
            value,
            update,
            action,
            rule,
            severity,
            fix,
            object_guid,
            detail,
        }
    }
}

/// Binary values are shown as base64 in reports.
pub fn binary_cell(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn starts_dangerously(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// The cell as written: a `'` in front when a spreadsheet would run it as a formula (or
/// when it is such a cell's escape already, so that the reader can always undo it).
pub fn neutralize(cell: &str) -> Cow<'_, str> {
    if starts_dangerously(cell) { Cow::Owned(format!("'{cell}")) } else { Cow::Borrowed(cell) }
}

/// Undoes `neutralize`.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if starts_dangerously(rest) => rest,
        _ => cell,
    }
}

/// Writes the report rows to `path`.
pub fn write_rows(path: &Path, rows: impl IntoIterator<Item = FindingRow>) -> Result<(), ReportError> {
    ReportSet::alone(|reports| add_rows(reports, path, rows))
}

/// Adds report rows to a run's reports.
pub fn add_rows(
    reports: &mut ReportSet,
    path: &Path,
    rows: impl IntoIterator<Item = FindingRow>,
) -> Result<(), ReportError> {
    reports.csv(path, &COLUMNS, rows.into_iter().map(|row| row.cells().map(str::to_owned)))
}

/// Adds a scan's findings to a run's reports.
pub fn add_findings(reports: &mut ReportSet, path: &Path, findings: &[Finding]) -> Result<(), ReportError> {
    add_rows(reports, path, findings.iter().map(FindingRow::from_finding))
}

/// Why a reviewed report that is not UTF-8 is refused, and how to save it right. Excel's "CSV
/// (Comma delimited)" writes Windows-1252 and has already turned every character outside it
/// (Ł, Cyrillic, CJK...) into `?`: decoding it would plan writes of those `?`.
const NOT_UTF8: &str = "the file is not UTF-8: Excel's \"CSV (Comma delimited)\" saves Windows-1252 and replaces \
                        every character outside it with '?'. Save it from Excel, while the workbook is still \
                        open, with File > Save As > \"CSV UTF-8 (Comma delimited) (*.csv)\", or review the scan's \
                        findings.csv again";

/// Reads a findings report back (with or without the BOM, LF or CRLF), restoring cells.
pub fn read_rows(path: &Path, input: impl Read) -> Result<Vec<FindingRow>, ReportError> {
    Ok(read_numbered_rows(path, input)?.into_iter().map(|(_, row)| row).collect())
}

/// As `read_rows`, with each row's line number in the file.
pub fn read_numbered_rows(path: &Path, input: impl Read) -> Result<Vec<(u64, FindingRow)>, ReportError> {
    let row_error = |line: u64, message: String| ReportError::Row { path: path.to_owned(), line, message };
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(input);
    let headers = reader.headers().map_err(|e| row_error(1, e.to_string()))?.clone();
    let names: Vec<&str> = headers.iter().map(|h| h.trim_start_matches('\u{feff}').trim()).collect();
    let found: Vec<Option<usize>> =
        COLUMNS.iter().map(|column| names.iter().position(|n| n.eq_ignore_ascii_case(column))).collect();
    let missing: Vec<&str> = COLUMNS.iter().zip(&found).filter(|(_, at)| at.is_none()).map(|(c, _)| *c).collect();
    match missing.as_slice() {
        [] => {}
        [column] => return Err(row_error(1, format!("the header has no {column} column"))),
        columns => {
            let list = columns.join(", ");
            return Err(row_error(1, format!("the header lacks {} columns: {list}", columns.len())));
        }
    }
    let positions: Vec<usize> = found.into_iter().flatten().collect();
    // Rows are numbered as Excel shows them: the header is row 1, each record one row (a cell
    // with a line break inside does not add one), whatever the file's line endings.
    let excel_row = |position: Option<&csv::Position>| position.map_or(0, |p| p.record() + 1);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| match e.kind() {
            csv::ErrorKind::Utf8 { pos, .. } => row_error(excel_row(pos.as_ref()), NOT_UTF8.into()),
            _ => row_error(excel_row(e.position()), e.to_string()),
        })?;
        let cells = std::array::from_fn(|i| restore(record.get(positions[i]).unwrap_or("")).to_owned());
        let line = excel_row(record.position());
        rows.push((line, FindingRow::from_cells(cells)));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralizing_is_reversible() {
        for cell in ["=1+2", "+x", "-5", "@SUM(A1)", "\tx", "\rx", "'=x", "''=x", "'plain", "plain", ""] {
            assert_eq!(restore(&neutralize(cell)), cell, "{cell:?}");
        }
        assert_eq!(neutralize("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralize("'=x"), "''=x");
        assert_eq!(neutralize("O'Brien"), "O'Brien");
    }
}
