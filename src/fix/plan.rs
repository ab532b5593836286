//! The plan: a reviewed `findings.csv` (edited in Excel or by the app) turned into one change
//! per object, each edit carrying the value it expects to replace. Rows it cannot use are
//! errors naming the row and the column; nothing is planned from a file with errors.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::writable;
use crate::model::AttrName;
use crate::report::csv::{FindingRow, read_numbered_rows};

/// Rules whose findings are about a whole attribute, with no single value to edit.
const WHOLE_ATTRIBUTE_RULES: [&str; 3] = ["PRX011", "PRX012", "CRT001"];

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("{path}: row {line}, column {column}: {message}")]
    Row { path: PathBuf, line: u64, column: &'static str, message: String },
}

/// One attribute edit: `before` is the value it expects (none: the attribute is absent),
/// `after` the value it writes (none: the value is removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub attribute: String,
    pub binary: bool,
    pub before: Option<Vec<u8>>,
    pub after: Option<Vec<u8>>,
}

impl Edit {
    /// The edit that undoes this one.
    pub fn inverse(&self) -> Edit {
        Edit {
            attribute: self.attribute.clone(),
            binary: self.binary,
            before: self.after.clone(),
            after: self.before.clone(),
        }
    }
}

/// All edits to one object, sent as one modify request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub dn: String,
    pub guid: String,
    pub edits: Vec<Edit>,
    /// The plan's rows (line numbers) this change comes from.
    pub rows: Vec<u64>,
}

/// Reads a reviewed report and plans its EDIT and REMOVE rows.
pub fn import_plan(path: &Path) -> Result<Vec<Change>, PlanError> {
    let file =
        std::fs::File::open(path).map_err(|e| PlanError::File { path: path.to_owned(), message: e.to_string() })?;
    let rows = read_numbered_rows(path, std::io::BufReader::new(file)).map_err(|e| match e {
        crate::report::ReportError::Row { line, message, .. } => {
            PlanError::Row { path: path.to_owned(), line, column: "(row)", message }
        }
        other => PlanError::File { path: path.to_owned(), message: other.to_string() },
    })?;
    plan_rows(path, rows)
}

/// Plans the EDIT and REMOVE rows of a report (`path` and line numbers name them in errors).
pub fn plan_rows(path: &Path, rows: Vec<(u64, FindingRow)>) -> Result<Vec<Change>, PlanError> {
    let mut changes: Vec<Change> = Vec::new();
    let mut by_dn: HashMap<String, usize> = HashMap::new();
    for (line, row) in rows {
        let error =
            |column: &'static str, message: String| PlanError::Row { path: path.to_owned(), line, column, message };
        let action = row.action.trim().to_ascii_uppercase();
        let (before_text, after_text) = match action.as_str() {
            "" | "COMPLETE" => continue,
            "EDIT" => {
                if row.update.is_empty() {
                    return Err(error("UPDATE", "EDIT with an empty UPDATE would delete the value; use REMOVE".into()));
                }
                (row.value.as_str(), Some(row.update.as_str()))
            }
            "REMOVE" => {
                if !row.update.is_empty() {
                    return Err(error("UPDATE", "a REMOVE row has an UPDATE; clear it, or use EDIT".into()));
                }
                if row.value.is_empty() {
                    return Err(error("VALUE", "nothing to remove: the row has no value".into()));
                }
                (row.value.as_str(), None)
            }
            other => {
                return Err(error("ACTION", format!("unknown action '{other}' (EDIT, REMOVE, COMPLETE or empty)")));
            }
        };
        if row.distinguished_name.trim().is_empty() {
            return Err(error("DISTINGUISHEDNAME", "empty".into()));
        }
        let attr = AttrName::parse(row.attribute.trim());
        if row.attribute.trim().is_empty() {
            return Err(error("ATTRIBUTE", "empty".into()));
        }
        if attr == AttrName::ObjectGuid {
            return Err(error("ATTRIBUTE", "objectGUID cannot be changed; act on the other object".into()));
        }
        if let Some(refusal) = writable::refusal(row.attribute.trim(), after_text.is_none()) {
            return Err(error("ATTRIBUTE", format!("{refusal}; nothing was written")));
        }
        if row.value.is_empty() && row.rule.split(", ").any(|r| WHOLE_ATTRIBUTE_RULES.contains(&r)) {
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
        let edit = Edit { attribute: attr.as_str().to_owned(), binary, before, after };
        let key = row.distinguished_name.to_lowercase();
        let index = *by_dn.entry(key).or_insert_with(|| {
            changes.push(Change {
                dn: row.distinguished_name.clone(),
                guid: row.object_guid.clone(),
                edits: Vec::new(),
                rows: Vec::new(),
            });
            changes.len() - 1
        });
        changes[index].edits.push(edit);
        changes[index].rows.push(line);
    }
    Ok(changes)
}
