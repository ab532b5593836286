//! The plan: a reviewed `findings.csv` (edited in Excel or by the app) turned into one change
//! per object, each edit carrying the value it expects to replace. Rows it cannot use are
//! errors naming the row and the column; nothing is planned from a file with errors.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use foldhash::fast::FixedState;

use super::review::Action;
use super::writable;
use crate::model::{AttrName, DnKey, GuidParseError, ObjectGuid};
use crate::report::csv::{FindingRow, read_numbered_rows};
use crate::rules::{Finding, RuleId};

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("{path}: row {line}, column {column}: {message}")]
    Row { path: PathBuf, line: u64, column: &'static str, message: String },
}

/// One attribute edit: `before` is the value it replaces or removes (none: it only adds),
/// `after` the value it writes (none: the value is removed). Values compare byte for byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub attribute: String,
    pub binary: bool,
    pub before: Option<Vec<u8>>,
    pub after: Option<Vec<u8>>,
    /// The attribute must have no value at all before the edit (the scan saw it empty); an
    /// add without it only requires that the value itself is absent (the undo of a REMOVE).
    pub requires_empty: bool,
}

impl Edit {
    /// The edit that undoes this one.
    pub fn inverse(&self) -> Edit {
        Edit {
            attribute: self.attribute.clone(),
            binary: self.binary,
            before: self.after.clone(),
            after: self.before.clone(),
            requires_empty: false,
        }
    }
}

/// All edits to one object, sent as one modify request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub dn: String,
    /// The object the scan read: nothing is written to an object with another objectGUID.
    pub guid: ObjectGuid,
    pub edits: Vec<Edit>,
    /// The plan's rows (line numbers) this change comes from.
    pub rows: Vec<u64>,
    /// The same decisions by their place in what was planned (the app's finding indexes).
    pub decisions: Vec<usize>,
}

/// Reads a reviewed report and plans its EDIT and REMOVE rows.
pub fn import_plan(path: &Path) -> Result<Vec<Change>, PlanError> {
    let file =
        std::fs::File::open(path).map_err(|e| PlanError::File { path: path.to_owned(), message: e.to_string() })?;
    let rows = read_numbered_rows(path, std::io::BufReader::new(file)).map_err(|e| match e {
        crate::report::ReportError::Row { line, message, .. } => {
            let column = if line == 1 { "(header)" } else { "(row)" };
            PlanError::Row { path: path.to_owned(), line, column, message }
        }
        other => PlanError::File { path: path.to_owned(), message: other.to_string() },
    })?;
    plan_rows(path, &rows)
}

/// One reviewed decision on one value of one object, as the planner takes it: from a row of a
/// reviewed CSV ([`Decision::from_row`]) or from the app's finding and its decision
/// ([`Decision::from_finding`]).
#[derive(Debug, Clone)]
pub struct Decision<'a> {
    /// The line errors name: the CSV's, or the one the finding has in an exported report.
    pub line: u64,
    pub dn: &'a str,
    pub attribute: &'a str,
    /// The value as the scan saw it (base64 for a binary attribute; empty when none).
    pub value: &'a str,
    pub action: Action,
    /// The finding is about the whole attribute (a count or a size), with no single value.
    pub whole_attribute: bool,
    /// The object the scan read.
    pub guid: Result<ObjectGuid, GuidParseError>,
}

impl<'a> Decision<'a> {
    /// A row of a reviewed report, with the checks that only its cells need: the ACTION word,
    /// and no UPDATE on a REMOVE.
    pub fn from_row(path: &Path, line: u64, row: &'a FindingRow) -> Result<Decision<'a>, PlanError> {
        let error =
            |column: &'static str, message: String| PlanError::Row { path: path.to_owned(), line, column, message };
        let action = Action::parse(&row.action, &row.update).map_err(|e| error("ACTION", e.to_string()))?;
        if action == Action::Remove && !row.update.is_empty() {
            return Err(error("UPDATE", "a REMOVE row has an UPDATE; clear it, or use EDIT".into()));
        }
        Ok(Decision {
            line,
            dn: &row.distinguished_name,
            attribute: &row.attribute,
            value: &row.value,
            action,
            whole_attribute: row.rule.split(", ").filter_map(RuleId::from_code).any(is_whole_attribute),
            guid: row.object_guid.parse(),
        })
    }

    /// A finding of this scan with the admin's decision (`line`: its line in an export).
    pub fn from_finding(line: u64, finding: &'a Finding, action: &Action) -> Decision<'a> {
        Decision {
            line,
            dn: &finding.dn,
            attribute: finding.attribute.as_str(),
            value: &finding.value,
            action: action.clone(),
            whole_attribute: finding.rules.iter().copied().any(is_whole_attribute),
            guid: finding.guid.ok_or_else(|| GuidParseError(String::new())),
        }
    }
}

/// Rules whose findings are about a whole attribute, with no single value to edit.
fn is_whole_attribute(rule: RuleId) -> bool {
    matches!(rule, RuleId::ProxyPrimaries | RuleId::ProxyCount | RuleId::CertificateCount)
}

/// Plans the EDIT and REMOVE rows of a report (`path` and line numbers name them in errors).
pub fn plan_rows(path: &Path, rows: &[(u64, FindingRow)]) -> Result<Vec<Change>, PlanError> {
    plan(path, rows.iter().map(|(line, row)| Decision::from_row(path, *line, row)))
}

/// Plans the EDIT and REMOVE decisions, one change per object; stops at the first decision
/// that cannot be planned (`path` and the decision's line name it).
pub fn plan<'a>(
    path: &Path,
    decisions: impl IntoIterator<Item = Result<Decision<'a>, PlanError>>,
) -> Result<Vec<Change>, PlanError> {
    let mut changes: Vec<Change> = Vec::new();
    let mut by_dn: HashMap<DnKey, usize, FixedState> = HashMap::default();
    for (position, decision) in decisions.into_iter().enumerate() {
        let decision = decision?;
        let line = decision.line;
        let error =
            |column: &'static str, message: String| PlanError::Row { path: path.to_owned(), line, column, message };
        let (before_text, after_text) = match &decision.action {
            Action::Undecided | Action::Complete => continue,
            Action::Edit(update) if update.is_empty() => {
                return Err(error("UPDATE", "EDIT with an empty UPDATE would delete the value; use REMOVE".into()));
            }
            Action::Edit(update) => (decision.value, Some(update.as_str())),
            Action::Remove => {
                if decision.value.is_empty() {
                    return Err(error("VALUE", "nothing to remove: the row has no value".into()));
                }
                (decision.value, None)
            }
        };
        if decision.dn.trim().is_empty() {
            return Err(error("DISTINGUISHEDNAME", "empty".into()));
        }
        let attribute = decision.attribute.trim();
        let attr = AttrName::parse(attribute);
        if attribute.is_empty() {
            return Err(error("ATTRIBUTE", "empty".into()));
        }
        if attr == AttrName::ObjectGuid {
            return Err(error("ATTRIBUTE", "objectGUID cannot be changed; act on the other object".into()));
        }
        if let Some(refusal) = writable::refusal(attribute, after_text.is_none()) {
            return Err(error("ATTRIBUTE", format!("{refusal}; nothing was written")));
        }
        if decision.value.is_empty() && decision.whole_attribute {
            return Err(error(
                "ACTION",
                "a whole-attribute finding has no single value to edit; fix the values one by one".into(),
            ));
        }
        let binary = attr.is_binary();
        let decode = |column: &'static str, text: &str| -> Result<Vec<u8>, PlanError> {
            if binary {
                STANDARD.decode(text.trim()).map_err(|e| error(column, format!("{attr} takes base64 ({e})")))
            } else {
                Ok(text.as_bytes().to_vec())
            }
        };
        let before = if before_text.is_empty() { None } else { Some(decode("VALUE", before_text)?) };
        let after = after_text.map(|text| decode("UPDATE", text)).transpose()?;
        let guid = decision
            .guid
            .clone()
            .map_err(|e| error("OBJECTGUID", format!("{e}: a row must name the object the scan read")))?;
        let index = *by_dn.entry(DnKey::of(decision.dn)).or_insert_with(|| {
            let dn = decision.dn.to_owned();
            changes.push(Change { dn, guid, edits: Vec::new(), rows: Vec::new(), decisions: Vec::new() });
            changes.len() - 1
        });
        // One decision per (attribute, value) of an object, old values and new ones apart: an
        // object has a few edits, so its own are searched.
        let sides = [(false, before.as_ref(), "VALUE"), (true, after.as_ref(), "UPDATE")];
        for (new, value, column) in sides.into_iter().filter_map(|(n, v, c)| Some((n, v?, c))) {
            let change = &changes[index];
            let same = |edit: &Edit| {
                let decided = if new { &edit.after } else { &edit.before };
                edit.attribute.eq_ignore_ascii_case(attr.as_str()) && decided.as_ref() == Some(value)
            };
            if let Some(first) = change.edits.iter().position(same).map(|e| change.rows[e]) {
                let side = if new { "new value" } else { "value" };
                return Err(error(
                    column,
                    format!(
                        "row {first} already decides this {side} of {attr} on this object: keep one of the two rows"
                    ),
                ));
            }
        }
        let requires_empty = before.is_none();
        let edit = Edit { attribute: attr.as_str().to_owned(), binary, before, after, requires_empty };
        if changes[index].guid != guid {
            return Err(error(
                "OBJECTGUID",
                format!(
                    "row {} names this DN with the objectGUID {}: one DN is one object",
                    changes[index].rows[0], changes[index].guid
                ),
            ));
        }
        changes[index].edits.push(edit);
        changes[index].rows.push(line);
        changes[index].decisions.push(position);
    }
    Ok(changes)
}
