//! Applying changes over LDAP: one modify request per object (a proxy address swap is a
//! delete of the old value and an add of the new one, atomically). Right before each write
//! the object is read: it must be the object the scan saw (same objectGUID) and hold, byte
//! for byte, the values the plan expects, or it is a conflict and nothing on it is written;
//! the server-side delete of the old value stays as the atomic guard. Every change is
//! journaled, its `started` record on disk before it is sent; resume and undo work from the
//! journal, against the same domain only.

use std::collections::HashSet;
use std::path::Path;

use ldap3::Mod;

use super::journal::{Journal, JournalError, JournalState, Outcome, Record, timestamp};
use super::plan::{Change, Edit};
use super::target::{Directory, DomainIdentity, ObjectState};
use super::value_check::{ValueReview, object_of, read_holders, review};
use crate::model::DirObject;
use crate::rules::{Ruleset, needed_attributes};

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error(
        "{dn}: the connection failed while applying ({message}); the journal {journal} records how far it got: finish with `syncready apply --resume {journal}`"
    )]
    Connection { dn: String, message: String, journal: String },
    #[error("{dn}: checking the plan's objects failed ({message}); nothing was written")]
    Precheck { dn: String, message: String },
    #[error(
        "row {row}, column {column}: {problem}: {dn} ({count} such rows, checked against {directory}); nothing was written"
    )]
    WrongObjects {
        row: u64,
        column: &'static str,
        problem: String,
        dn: String,
        count: usize,
        directory: Box<DomainIdentity>,
    },
    #[error("{journal}: nothing to undo (no applied change{only})")]
    NothingToUndo { journal: String, only: String },
    #[error(
        "{journal}: written against {recorded}, but this server holds {connected}: refusing to write to another directory; nothing was written"
    )]
    OtherDirectory { journal: String, recorded: Box<DomainIdentity>, connected: Box<DomainIdentity> },
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

/// LDAP result codes that mean the object is not as the plan expects.
const PRECONDITION_CODES: [u32; 4] = [16, 19, 20, 32];

/// How many changes share one sync of their `started` records.
const BATCH: usize = 64;

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

/// Whether one edit has not happened yet: the expected value is there (or the attribute is
/// still empty, when it had to be) and the new value is not.
fn edit_pending(current: &[Vec<u8>], edit: &Edit) -> bool {
    let expected = match &edit.before {
        Some(before) => current.contains(before),
        None => !edit.requires_empty || current.is_empty(),
    };
    let new_absent = edit.after.as_ref().is_none_or(|a| Some(a) == edit.before.as_ref() || !current.contains(a));
    expected && new_absent
}

/// Whether one edit has happened: the new value is there and the old one is gone, in any
/// case (a value that differs only in case is one the server still holds: an address that
/// became `SMTP:` primary since the scan was not removed).
fn edit_done(current: &[Vec<u8>], edit: &Edit) -> bool {
    let new_present = edit.after.as_ref().is_none_or(|a| current.contains(a));
    let old_gone = edit.before.as_ref().is_none_or(|b| {
        Some(b) == edit.after.as_ref()
            || !current.iter().any(|c| Some(c) != edit.after.as_ref() && c.eq_ignore_ascii_case(b))
    });
    new_present && old_gone
}

/// What to do with a change, given the object as read now.
enum Verdict {
    Send,
    Settled(Outcome, String),
}

fn verdict(state: Option<&ObjectState>, change: &Change, started: bool) -> Verdict {
    let Some(state) = state else {
        return Verdict::Settled(
            Outcome::Conflict,
            "the object no longer exists (moved or deleted since the scan)".into(),
        );
    };
    if state.guid != Some(change.guid) {
        let now = state.guid.map_or("no readable objectGUID".to_owned(), |g| format!("objectGUID {g}"));
        return Verdict::Settled(
            Outcome::Conflict,
            format!(
                "a different object: the DN now holds {now}, the scan read {}; nothing on it is written",
                change.guid
            ),
        );
    }
    let edits = || change.edits.iter().map(|edit| (state.values_of(&edit.attribute), edit));
    if edits().all(|(current, edit)| edit_pending(current, edit)) {
        return Verdict::Send;
    }
    if edits().all(|(current, edit)| edit_done(current, edit)) {
        return if started {
            Verdict::Settled(Outcome::Applied, "applied before the interruption".into())
        } else {
            Verdict::Settled(Outcome::Skipped, "the object already holds the planned values; nothing was sent".into())
        };
    }
    let changed: Vec<&str> = edits()
        .filter(|(current, edit)| !edit_pending(current, edit))
        .map(|(_, edit)| edit.attribute.as_str())
        .collect();
    Verdict::Settled(
        Outcome::Conflict,
        format!("the object changed since the scan ({}); its current value is kept", changed.join(", ")),
    )
}

fn attributes(change: &Change) -> Vec<&str> {
    change.edits.iter().map(|e| e.attribute.as_str()).collect()
}

/// Checks, before anything is written, that the directory holds every object of the plan and
/// that each is the object the scan read; the first problem names the object and how many
/// more there are. Returns the objects as they are now, with `attributes` (for the rules).
fn check_objects(
    directory: &mut Directory,
    changes: &[Change],
    attributes: &[&str],
) -> Result<Vec<DirObject>, ApplyError> {
    let mut problems: Vec<(&Change, &'static str, String)> = Vec::new();
    let mut objects = Vec::new();
    for change in changes {
        let mut wanted = attributes.to_vec();
        wanted.extend(self::attributes(change));
        let state = directory
            .read(&change.dn, &wanted)
            .map_err(|e| ApplyError::Precheck { dn: change.dn.clone(), message: directory.describe(&e) })?;
        match state {
            None => problems.push((change, "DISTINGUISHEDNAME", "no such object in the directory".into())),
            Some(state) if state.guid != Some(change.guid) => {
                let found = state.guid.map_or("none".to_owned(), |g| g.to_string());
                let problem =
                    format!("a different object (objectGUID {found} in the directory, {} in the plan)", change.guid);
                problems.push((change, "OBJECTGUID", problem));
            }
            Some(state) => objects.push(object_of(&change.dn, &state)),
        }
    }
    let count = problems.len();
    match problems.into_iter().next() {
        None => Ok(objects),
        Some((change, column, problem)) => Err(ApplyError::WrongObjects {
            row: change.rows.first().copied().unwrap_or(0),
            column,
            problem,
            dn: change.dn.clone(),
            count,
            directory: Box::new(directory.identity().clone()),
        }),
    }
}

/// Everything checked before a plan is written: its objects (see [`check_objects`]), and its
/// new values by the rules of `ruleset`, against the objects as they are now and every other
/// object of the domain that holds one of the new values.
pub fn precheck(directory: &mut Directory, changes: &[Change], ruleset: &Ruleset) -> Result<ValueReview, ApplyError> {
    let attributes = needed_attributes(ruleset);
    let attributes: Vec<&str> = attributes.iter().map(String::as_str).collect();
    let now = check_objects(directory, changes, &attributes)?;
    let holders = read_holders(directory, changes, &attributes).map_err(|e| ApplyError::Precheck {
        dn: directory.identity().naming_context.clone(),
        message: format!("looking for other holders of the new values: {}", directory.describe(&e)),
    })?;
    Ok(review(changes, &now, &holders, ruleset))
}

/// Runs the changes a journal lists and has not finished, appending their records. A change
/// that had started when a previous run stopped is checked against the directory first: done
/// already, still to do, or changed by someone else (a conflict).
fn run(
    directory: &mut Directory,
    journal: &mut Journal,
    state: &JournalState,
    progress: &dyn Fn(usize, usize),
) -> Result<ApplyReport, ApplyError> {
    let mut report = ApplyReport::default();
    let total = state.changes.len();
    let indexes: Vec<usize> = (0..total).collect();
    for batch in indexes.chunks(BATCH) {
        progress(report.results.len(), total);
        let mut to_send = Vec::new();
        for &index in batch {
            let (seq, change) = &state.changes[index];
            if let Some(outcome) = state.outcomes[index] {
                report.results.push((*seq, change.dn.clone(), outcome, "recorded earlier".into()));
                continue;
            }
            let current =
                directory.read(&change.dn, &attributes(change)).map_err(|e| lost(directory, journal, change, e))?;
            match verdict(current.as_ref(), change, state.started[index]) {
                Verdict::Send => to_send.push(index),
                Verdict::Settled(outcome, message) => {
                    journal.write(&Record::Outcome { seq: *seq, outcome, message: message.clone() })?;
                    report.results.push((*seq, change.dn.clone(), outcome, message));
                    progress(report.results.len(), total);
                }
            }
        }
        for &index in &to_send {
            journal.write(&Record::Started { seq: state.changes[index].0 })?;
        }
        journal.sync()?;
        for &index in &to_send {
            let (seq, change) = &state.changes[index];
            let (outcome, message) = send(directory, change).map_err(|e| lost(directory, journal, change, e))?;
            journal.write(&Record::Outcome { seq: *seq, outcome, message: message.clone() })?;
            report.results.push((*seq, change.dn.clone(), outcome, message));
            progress(report.results.len(), total);
        }
    }
    report.results.sort_by_key(|r| r.0);
    progress(total, total);
    journal.write(&Record::Finished { at: timestamp() })?;
    journal.sync()?;
    Ok(report)
}

fn lost(directory: &Directory, journal: &Journal, change: &Change, e: ldap3::LdapError) -> ApplyError {
    ApplyError::Connection {
        dn: change.dn.clone(),
        message: directory.describe(&e),
        journal: journal.path().display().to_string(),
    }
}

/// Sends one change, returning its outcome and a message; `Err` for a lost connection.
fn send(directory: &mut Directory, change: &Change) -> Result<(Outcome, String), ldap3::LdapError> {
    let result = directory.modify(&change.dn, mods(change))?;
    if result.rc == 0 {
        return Ok((Outcome::Applied, String::new()));
    }
    let text = result.text.trim_end_matches('\0').trim().to_owned();
    if PRECONDITION_CODES.contains(&result.rc) {
        let current = directory.read(&change.dn, &attributes(change))?;
        if let Verdict::Settled(Outcome::Conflict, message) = verdict(current.as_ref(), change, false) {
            return Ok((Outcome::Conflict, format!("{message} ({text})")));
        }
    }
    Ok((Outcome::Failed, format!("the server refused it: {text} (result code {})", result.rc)))
}

/// Journals and applies `changes`; `operation` is `apply` or `undo`, `source` what they came
/// from (the plan, or the journal undone).
pub fn apply(
    directory: &mut Directory,
    changes: &[Change],
    journal_path: &Path,
    operation: &str,
    source: &str,
    progress: &dyn Fn(usize, usize),
) -> Result<ApplyReport, ApplyError> {
    let mut journal = Journal::create(journal_path)?;
    let header = Record::Header {
        operation: operation.into(),
        source: source.into(),
        created: timestamp(),
        directory: directory.identity().clone(),
    };
    journal.write(&header)?;
    let numbered: Vec<(usize, Change)> = changes.iter().cloned().enumerate().map(|(i, c)| (i + 1, c)).collect();
    for (seq, change) in &numbered {
        journal.write(&Record::change(*seq, change))?;
    }
    let count = numbered.len();
    let state = JournalState {
        directory: directory.identity().clone(),
        changes: numbered,
        started: vec![false; count],
        outcomes: vec![None; count],
    };
    run(directory, &mut journal, &state, progress)
}

fn same_directory(directory: &Directory, journal_path: &Path, state: &JournalState) -> Result<(), ApplyError> {
    if state.directory.same_domain(directory.identity()) {
        return Ok(());
    }
    Err(ApplyError::OtherDirectory {
        journal: journal_path.display().to_string(),
        recorded: Box::new(state.directory.clone()),
        connected: Box::new(directory.identity().clone()),
    })
}

/// Finishes an interrupted apply (or undo) from its journal, which stays locked meanwhile.
pub fn resume(
    directory: &mut Directory,
    journal_path: &Path,
    progress: &dyn Fn(usize, usize),
) -> Result<ApplyReport, ApplyError> {
    let (mut journal, state) = Journal::open(journal_path, true)?;
    same_directory(directory, journal_path, &state)?;
    run(directory, &mut journal, &state, progress)
}

/// The changes that undo a journal's applied ones, last first (what an undo would send).
/// `only` keeps the changes whose DN contains it (any case).
pub fn undo_changes(journal_path: &Path, only: Option<&str>) -> Result<Vec<Change>, ApplyError> {
    inverse_changes(&super::journal::read_journal(journal_path)?, journal_path, only)
}

fn inverse_changes(state: &JournalState, journal_path: &Path, only: Option<&str>) -> Result<Vec<Change>, ApplyError> {
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

/// Reverses the applied changes of a journal (locked meanwhile), journaling the undo in a new
/// file; the same preconditions hold: a value changed after the apply is a conflict, not
/// overwritten.
pub fn undo(
    directory: &mut Directory,
    journal_path: &Path,
    only: Option<&str>,
    undo_journal: &Path,
    progress: &dyn Fn(usize, usize),
) -> Result<ApplyReport, ApplyError> {
    let (_held, state) = Journal::open(journal_path, false)?;
    same_directory(directory, journal_path, &state)?;
    let inverse = inverse_changes(&state, journal_path, only)?;
    apply(directory, &inverse, undo_journal, "undo", &journal_path.display().to_string(), progress)
}
