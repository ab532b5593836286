//! Applying changes over LDAP: one modify request per object (a proxy address swap is a
//! delete of the old value and an add of the new one, atomically), each edit asserting the
//! value it replaces, so an object changed since the scan becomes a conflict and nothing on it
//! is written. Every change is journaled before it is sent; resume and undo work from the
//! journal.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use ldap3::{LdapConn, Mod, Scope, SearchEntry};

use super::journal::{Journal, JournalError, Outcome, Record, read_journal, timestamp};
use super::plan::{Change, Edit};

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error(
        "{dn}: the connection failed while applying ({message}); the journal {journal} records how far it got: finish with `syncready apply --resume {journal}`"
    )]
    Connection { dn: String, message: String, journal: String },
    #[error("{journal}: nothing to undo (no applied change{only})")]
    NothingToUndo { journal: String, only: String },
}

/// What happened to each change.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ApplyReport {
    /// (sequence number, DN, outcome, message) in journal order.
    pub results: Vec<(usize, String, Outcome, String)>,
}

impl ApplyReport {
    pub fn count(&self, outcome: Outcome) -> usize {
        self.results.iter().filter(|r| r.2 == outcome).count()
    }
}

/// An object's values by lower-case attribute name.
type Values = HashMap<String, Vec<Vec<u8>>>;

/// LDAP result codes that mean the object is not as the plan expects.
const PRECONDITION_CODES: [u32; 4] = [16, 19, 20, 32];

fn mods(change: &Change) -> Vec<Mod<Vec<u8>>> {
    let mut mods = Vec::new();
    for edit in &change.edits {
        let name = edit.attribute.as_bytes().to_vec();
        if let Some(before) = &edit.before {
            mods.push(Mod::Delete(name.clone(), HashSet::from([before.clone()])));
        }
        if let Some(after) = &edit.after {
            mods.push(Mod::Add(name, HashSet::from([after.clone()])));
        }
    }
    mods
}

/// The object's current values of the attributes a change touches (`None`: no such object).
fn current_values(conn: &mut LdapConn, change: &Change) -> Result<Option<Values>, ldap3::LdapError> {
    let attributes: Vec<&str> = change.edits.iter().map(|e| e.attribute.as_str()).collect();
    let result = conn.search(&change.dn, Scope::Base, "(objectClass=*)", attributes)?;
    if result.1.rc == 32 {
        return Ok(None);
    }
    let (entries, _) = result.success()?;
    let Some(entry) = entries.into_iter().next().map(SearchEntry::construct) else { return Ok(None) };
    let mut values = Values::new();
    for (name, texts) in entry.attrs {
        values.entry(name.to_lowercase()).or_default().extend(texts.into_iter().map(String::into_bytes));
    }
    for (name, bytes) in entry.bin_attrs {
        values.entry(name.to_lowercase()).or_default().extend(bytes);
    }
    Ok(Some(values))
}

/// Whether one edit has not happened yet: the expected value is there (or, when the attribute
/// was absent, it still is) and the new value is not.
fn edit_pending(current: &[Vec<u8>], edit: &Edit) -> bool {
    let expected = match &edit.before {
        Some(before) => current.contains(before),
        None => current.is_empty(),
    };
    let new_absent = edit.after.as_ref().is_none_or(|a| Some(a) == edit.before.as_ref() || !current.contains(a));
    expected && new_absent
}

/// Whether one edit has happened: the new value is there and the old one is gone.
fn edit_done(current: &[Vec<u8>], edit: &Edit) -> bool {
    let new_present = edit.after.as_ref().is_none_or(|a| current.contains(a));
    let old_gone = edit.before.as_ref().is_none_or(|b| Some(b) == edit.after.as_ref() || !current.contains(b));
    new_present && old_gone
}

/// Whether every edit of `change` is pending (`before`) or done.
fn state_is(values: &Values, change: &Change, before: bool) -> bool {
    change.edits.iter().all(|edit| {
        let current = values.get(&edit.attribute.to_lowercase()).map(Vec::as_slice).unwrap_or_default();
        if before { edit_pending(current, edit) } else { edit_done(current, edit) }
    })
}

/// The changes whose object the directory does not hold (checked before anything is
/// written, so a plan with a wrong DN changes nothing).
pub fn missing_objects<'c>(conn: &mut LdapConn, changes: &'c [Change]) -> Result<Vec<&'c Change>, ldap3::LdapError> {
    let mut missing = Vec::new();
    for change in changes {
        if current_values(conn, change)?.is_none() {
            missing.push(change);
        }
    }
    Ok(missing)
}

/// Applies one change, returning its outcome and a message; `Err` for a lost connection.
fn apply_one(conn: &mut LdapConn, change: &Change) -> Result<(Outcome, String), ldap3::LdapError> {
    let result = conn.modify(&change.dn, mods(change))?;
    if result.rc == 0 {
        return Ok((Outcome::Applied, String::new()));
    }
    let text = result.text.trim_end_matches('\0').trim().to_owned();
    if PRECONDITION_CODES.contains(&result.rc) {
        let changed = match current_values(conn, change)? {
            None => {
                return Ok((Outcome::Conflict, "the object no longer exists (moved or deleted since the scan)".into()));
            }
            Some(values) => !state_is(&values, change, true),
        };
        if changed {
            return Ok((
                Outcome::Conflict,
                format!("the object changed since the scan; its current value is kept ({text})"),
            ));
        }
    }
    Ok((Outcome::Failed, format!("the server refused it: {text} (result code {})", result.rc)))
}

/// Runs the changes a journal lists and has not finished, appending their records. A change
/// that had started when a previous run stopped is checked against the directory first: done
/// already, still to do, or changed by someone else (a conflict).
fn run(
    conn: &mut LdapConn,
    journal: &mut Journal,
    changes: &[(usize, Change)],
    started: &[bool],
    outcomes: &[Option<Outcome>],
    progress: &dyn Fn(usize, usize),
) -> Result<ApplyReport, ApplyError> {
    let mut report = ApplyReport::default();
    let lost = |journal: &Journal, change: &Change, e: ldap3::LdapError| ApplyError::Connection {
        dn: change.dn.clone(),
        message: e.to_string(),
        journal: journal.path().display().to_string(),
    };
    for (index, (seq, change)) in changes.iter().enumerate() {
        progress(index, changes.len());
        if let Some(outcome) = outcomes[index] {
            report.results.push((*seq, change.dn.clone(), outcome, "recorded earlier".into()));
            continue;
        }
        if started[index] {
            let settled = match current_values(conn, change).map_err(|e| lost(journal, change, e))? {
                None => Some((Outcome::Conflict, "the object no longer exists".to_owned())),
                Some(values) if state_is(&values, change, false) => {
                    Some((Outcome::Applied, "applied before the interruption".into()))
                }
                Some(values) if state_is(&values, change, true) => None,
                Some(_) => {
                    Some((Outcome::Conflict, "the object changed since the scan; its current value is kept".into()))
                }
            };
            if let Some((outcome, message)) = settled {
                journal.write(&Record::Outcome { seq: *seq, outcome, message: message.clone() }, false)?;
                report.results.push((*seq, change.dn.clone(), outcome, message));
                continue;
            }
        }
        journal.write(&Record::Started { seq: *seq }, false)?;
        let (outcome, message) = apply_one(conn, change).map_err(|e| lost(journal, change, e))?;
        journal.write(&Record::Outcome { seq: *seq, outcome, message: message.clone() }, false)?;
        report.results.push((*seq, change.dn.clone(), outcome, message));
    }
    progress(changes.len(), changes.len());
    journal.write(&Record::Finished { at: timestamp() }, true)?;
    Ok(report)
}

/// Journals and applies `changes`; `operation` is `apply` or `undo`, `source` what they came
/// from (the plan, or the journal undone).
pub fn apply(
    conn: &mut LdapConn,
    changes: &[Change],
    journal_path: &Path,
    operation: &str,
    source: &str,
    progress: &dyn Fn(usize, usize),
) -> Result<ApplyReport, ApplyError> {
    let mut journal = Journal::create(journal_path)?;
    journal
        .write(&Record::Header { operation: operation.into(), source: source.into(), created: timestamp() }, false)?;
    let numbered: Vec<(usize, Change)> = changes.iter().cloned().enumerate().map(|(i, c)| (i + 1, c)).collect();
    for (seq, change) in &numbered {
        journal.write(&Record::change(*seq, change), false)?;
    }
    journal.sync()?;
    let none = vec![None; numbered.len()];
    run(conn, &mut journal, &numbered, &vec![false; numbered.len()], &none, progress)
}

/// Finishes an interrupted apply (or undo) from its journal.
pub fn resume(
    conn: &mut LdapConn,
    journal_path: &Path,
    progress: &dyn Fn(usize, usize),
) -> Result<ApplyReport, ApplyError> {
    let state = read_journal(journal_path)?;
    let mut journal = Journal::append(journal_path)?;
    run(conn, &mut journal, &state.changes, &state.started, &state.outcomes, progress)
}

/// The changes that undo a journal's applied ones, last first. `only` keeps the changes whose
/// DN contains it (any case).
pub fn undo_changes(journal_path: &Path, only: Option<&str>) -> Result<Vec<Change>, ApplyError> {
    let state = read_journal(journal_path)?;
    let wanted = |dn: &str| only.is_none_or(|o| dn.to_lowercase().contains(&o.to_lowercase()));
    let inverse: Vec<Change> = state
        .changes
        .iter()
        .zip(&state.outcomes)
        .filter(|((_, change), outcome)| **outcome == Some(Outcome::Applied) && wanted(&change.dn))
        .rev()
        .map(|((_, change), _)| Change {
            edits: change.edits.iter().rev().map(Edit::inverse).collect(),
            ..change.clone()
        })
        .collect();
    if inverse.is_empty() {
        return Err(ApplyError::NothingToUndo {
            journal: journal_path.display().to_string(),
            only: only.map(|o| format!(" matching '{o}'")).unwrap_or_default(),
        });
    }
    Ok(inverse)
}

/// Reverses the applied changes of a journal, journaling the undo in a new file; the same
/// preconditions hold: a value changed after the apply is a conflict, not overwritten.
pub fn undo(
    conn: &mut LdapConn,
    journal_path: &Path,
    only: Option<&str>,
    undo_journal: &Path,
    progress: &dyn Fn(usize, usize),
) -> Result<ApplyReport, ApplyError> {
    let inverse = undo_changes(journal_path, only)?;
    apply(conn, &inverse, undo_journal, "undo", &journal_path.display().to_string(), progress)
}
