//! The journal: an append-only JSON-lines file only its owner can read (mode 0600, or an
//! owner-only ACL on Windows: [`crate::platform::private_file`]), never overwritten. It lists every
//! planned change first, then for each one a `started` record written and flushed before the
//! directory write and an `outcome` record after it; undo and resume read it back.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use super::plan::{Change, Edit};

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}:{line}: not a syncready journal record ({message})")]
    Invalid { path: PathBuf, line: usize, message: String },
}

/// What happened to one change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Applied,
    Conflict,
    Failed,
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEdit {
    pub attribute: String,
    pub binary: bool,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "lowercase")]
pub enum Record {
    Header {
        operation: String,
        source: String,
        created: String,
    },
    Change {
        seq: usize,
        dn: String,
        guid: String,
        edits: Vec<JournalEdit>,
    },
    Started {
        seq: usize,
    },
    Outcome {
        seq: usize,
        outcome: Outcome,
        message: String,
    },
    /// The run went through every change.
    Finished {
        at: String,
    },
}

fn encode(value: &Option<Vec<u8>>, binary: bool) -> Option<String> {
    value.as_ref().map(|v| if binary { STANDARD.encode(v) } else { String::from_utf8_lossy(v).into_owned() })
}

fn decode(value: &Option<String>, binary: bool) -> Option<Vec<u8>> {
    value.as_ref().map(|v| if binary { STANDARD.decode(v).unwrap_or_default() } else { v.as_bytes().to_vec() })
}

impl From<&Edit> for JournalEdit {
    /// Values as text, binary ones in base64.
    fn from(edit: &Edit) -> JournalEdit {
        JournalEdit {
            attribute: edit.attribute.clone(),
            binary: edit.binary,
            before: encode(&edit.before, edit.binary),
            after: encode(&edit.after, edit.binary),
        }
    }
}

impl From<&JournalEdit> for Edit {
    fn from(edit: &JournalEdit) -> Edit {
        Edit {
            attribute: edit.attribute.clone(),
            binary: edit.binary,
            before: decode(&edit.before, edit.binary),
            after: decode(&edit.after, edit.binary),
        }
    }
}

impl Record {
    pub fn change(seq: usize, change: &Change) -> Record {
        let edits = change.edits.iter().map(JournalEdit::from).collect();
        Record::Change { seq, dn: change.dn.clone(), guid: change.guid.clone(), edits }
    }
}

/// An open journal being written.
pub struct Journal {
    path: PathBuf,
    file: File,
}

impl Journal {
    /// Creates a new journal; an existing file is never overwritten.
    pub fn create(path: &Path) -> Result<Journal, JournalError> {
        let io = |source| JournalError::Io { path: path.to_owned(), source };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let file = crate::platform::private_file::create_private(path).map_err(io)?;
        Ok(Journal { path: path.to_owned(), file })
    }

    /// Opens an existing journal to append to it (resume). A last record cut short by a
    /// crash is dropped first: it was never acted on (a `started` record is complete before
    /// the directory write, and an unfinished change is checked against the directory).
    pub fn append(path: &Path) -> Result<Journal, JournalError> {
        let io = |source| JournalError::Io { path: path.to_owned(), source };
        let text = std::fs::read(path).map_err(io)?;
        let complete = text.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let file = OpenOptions::new().append(true).open(path).map_err(io)?;
        if complete < text.len() {
            file.set_len(complete as u64).map_err(io)?;
        }
        Ok(Journal { path: path.to_owned(), file })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes one record and hands it to the operating system (it survives the process being
    /// killed); `sync` also waits for the disk.
    pub fn write(&mut self, record: &Record, sync: bool) -> Result<(), JournalError> {
        let io = |source| JournalError::Io { path: self.path.clone(), source };
        let mut line = serde_json::to_string(record).expect("records serialize");
        line.push('\n');
        self.file.write_all(line.as_bytes()).map_err(io)?;
        if sync {
            self.file.sync_data().map_err(io)?;
        }
        Ok(())
    }
}

impl Journal {
    /// Waits until everything written is on disk.
    pub fn sync(&mut self) -> Result<(), JournalError> {
        self.file.sync_data().map_err(|source| JournalError::Io { path: self.path.clone(), source })
    }
}

/// A journal read back: the planned changes and, per change, whether it started and how it
/// ended (the last outcome wins).
#[derive(Debug, Default)]
pub struct JournalState {
    pub operation: String,
    pub changes: Vec<(usize, Change)>,
    pub started: Vec<bool>,
    pub outcomes: Vec<Option<Outcome>>,
}

/// Reads a journal. A last line cut short by a crash is ignored.
pub fn read_journal(path: &Path) -> Result<JournalState, JournalError> {
    let file = File::open(path).map_err(|source| JournalError::Io { path: path.to_owned(), source })?;
    let lines: Vec<String> = BufReader::new(file)
        .lines()
        .collect::<Result<_, _>>()
        .map_err(|source| JournalError::Io { path: path.to_owned(), source })?;
    let mut state = JournalState::default();
    let last = lines.len();
    for (index, line) in lines.iter().enumerate() {
        let record: Record = match serde_json::from_str(line) {
            Ok(record) => record,
            Err(_) if index + 1 == last => break,
            Err(e) => {
                return Err(JournalError::Invalid { path: path.to_owned(), line: index + 1, message: e.to_string() });
            }
        };
        match record {
            Record::Header { operation, .. } => state.operation = operation,
            Record::Change { seq, dn, guid, edits } => {
                // A journal is a plan too: it may only hold what a plan may write (an undo puts
                // back removed certificates).
                for edit in &edits {
                    let removes = edit.after.is_none() || state.operation == "undo";
                    if let Some(refusal) = super::writable::refusal(&edit.attribute, removes) {
                        let message = format!("{refusal}; nothing was written");
                        return Err(JournalError::Invalid { path: path.to_owned(), line: index + 1, message });
                    }
                }
                let edits = edits.iter().map(Edit::from).collect();
                state.changes.push((seq, Change { dn, guid, edits, rows: Vec::new() }));
                state.started.push(false);
                state.outcomes.push(None);
            }
            Record::Started { seq } => {
                if let Some(i) = state.changes.iter().position(|(s, _)| *s == seq) {
                    state.started[i] = true;
                }
            }
            Record::Finished { .. } => {}
            Record::Outcome { seq, outcome, .. } => {
                if let Some(i) = state.changes.iter().position(|(s, _)| *s == seq) {
                    state.outcomes[i] = Some(outcome);
                }
            }
        }
    }
    Ok(state)
}

/// The UTC time as `YYYYMMDD-HHMMSS`, for journal names.
pub fn timestamp() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}{month:02}{day:02}-{:02}{:02}{:02}", rest / 3600, rest % 3600 / 60, rest % 60)
}

/// A journal path in `folder` that no run has used: the time, the process, and a number when
/// two runs start within the same second.
pub fn new_journal_path(folder: &Path, kind: &str) -> PathBuf {
    let stem = format!("{kind}-{}-{}", timestamp(), std::process::id());
    let mut path = folder.join(format!("{stem}.jsonl"));
    let mut n = 2;
    while path.exists() {
        path = folder.join(format!("{stem}-{n}.jsonl"));
        n += 1;
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journal_paths_are_never_reused_within_a_second() {
        let folder = std::env::temp_dir().join(format!("syncready-journal-names-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        let first = new_journal_path(&folder, "undo");
        std::fs::write(&first, "").unwrap();
        let second = new_journal_path(&folder, "undo");
        assert_ne!(first, second);
        // Unless the clock ticked in between, the second carries a number.
        let stem = first.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(second.file_stem().unwrap().to_string_lossy().starts_with("undo-"), "{second:?}");
        if second.to_string_lossy().contains(&stem) {
            assert!(second.to_string_lossy().ends_with(&format!("{stem}-2.jsonl")), "{second:?}");
        }
        std::fs::remove_dir_all(&folder).unwrap();
    }

    #[test]
    fn a_torn_last_record_is_ignored_and_dropped_on_resume() {
        let dir = std::env::temp_dir().join(format!("syncready-journal-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("j.jsonl");
        let mut journal = Journal::create(&path).unwrap();
        let change = Change {
            dn: "CN=a,DC=x".into(),
            guid: String::new(),
            edits: vec![Edit {
                attribute: "mail".into(),
                binary: false,
                before: Some(b"a b".to_vec()),
                after: Some(b"ab".to_vec()),
            }],
            rows: vec![],
        };
        journal.write(&Record::change(1, &change), false).unwrap();
        journal.write(&Record::Started { seq: 1 }, true).unwrap();
        drop(journal);
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str("{\"record\":\"outc");
        std::fs::write(&path, &text).unwrap();
        let state = read_journal(&path).unwrap();
        assert_eq!((state.changes.len(), state.started[0], state.outcomes[0]), (1, true, None));
        assert_eq!(state.changes[0].1.edits, change.edits);
        let mut journal = Journal::append(&path).unwrap();
        journal.write(&Record::Outcome { seq: 1, outcome: Outcome::Applied, message: String::new() }, true).unwrap();
        assert_eq!(read_journal(&path).unwrap().outcomes[0], Some(Outcome::Applied));
        assert!(Journal::create(&path).is_err(), "never overwritten");
    }

    #[test]
    fn a_journal_that_writes_what_no_rule_owns_is_refused() {
        let dir = std::env::temp_dir().join(format!("syncready-journal-refused-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("j.jsonl");
        let header = r#"{"record":"header","operation":"apply","source":"x","created":"20261201-000000"}"#;
        let change = r#"{"record":"change","seq":1,"dn":"CN=a,DC=x","guid":"","edits":[{"attribute":"userAccountControl","binary":false,"before":"544","after":"546"}]}"#;
        std::fs::write(&path, format!("{header}\n{change}\n")).unwrap();
        let error = read_journal(&path).unwrap_err().to_string();
        assert_eq!(
            error,
            format!(
                "{}:2: not a syncready journal record (syncready does not write userAccountControl: only the \
                 attributes its rules check can be changed ({}); nothing was written)",
                path.display(),
                super::super::writable::writable_names()
            )
        );
    }
}
