//! The journal: an append-only JSON-lines file only its owner can read (mode 0600, or an
//! owner-only ACL on Windows: [`crate::platform::private_file`]), never overwritten, and held
//! under an exclusive lock by the one run using it. It starts with a header naming the
//! directory it writes to, lists every planned change, then for each one a `started` record
//! that is on disk before the directory write and an `outcome` record after it; undo and
//! resume read it back. A record is complete with its newline: an unterminated last line is
//! what a crash leaves mid-write, was never acted on, and is dropped; any complete record
//! that cannot be read is an error naming its line.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read as _, Seek as _, Write};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use super::plan::{Change, Edit};
use super::target::DomainIdentity;
use crate::model::ObjectGuid;

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// The OS error is part of the message and not a source, so that it is printed once.
    #[error("{path}: {error}")]
    Io { path: PathBuf, error: std::io::Error },
    #[error("{path}:{line}: not a syncready journal record ({message})")]
    Invalid { path: PathBuf, line: usize, message: String },
    #[error("{path}: not a syncready journal (no header record)")]
    NoHeader { path: PathBuf },
    #[error(
        "{path}: the journal is locked: another syncready run (an apply, resume or undo) is using it; wait for it to finish"
    )]
    Locked { path: PathBuf },
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
    pub requires_empty: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "lowercase")]
pub enum Record {
    Header {
        operation: String,
        source: String,
        created: String,
        directory: DomainIdentity,
    },
    Change {
        seq: usize,
        dn: String,
        guid: ObjectGuid,
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

fn decode(value: &Option<String>, binary: bool, side: &str) -> Result<Option<Vec<u8>>, String> {
    let Some(text) = value else { return Ok(None) };
    if !binary {
        return Ok(Some(text.as_bytes().to_vec()));
    }
    STANDARD.decode(text).map(Some).map_err(|e| format!("the {side} value is not base64 ({e})"))
}

impl From<&Edit> for JournalEdit {
    /// Values as text, binary ones in base64.
    fn from(edit: &Edit) -> JournalEdit {
        JournalEdit {
            attribute: edit.attribute.clone(),
            binary: edit.binary,
            before: encode(&edit.before, edit.binary),
            after: encode(&edit.after, edit.binary),
            requires_empty: edit.requires_empty,
        }
    }
}

impl TryFrom<&JournalEdit> for Edit {
    type Error = String;

    fn try_from(edit: &JournalEdit) -> Result<Edit, String> {
        Ok(Edit {
            attribute: edit.attribute.clone(),
            binary: edit.binary,
            before: decode(&edit.before, edit.binary, "old")?,
            after: decode(&edit.after, edit.binary, "new")?,
            requires_empty: edit.requires_empty,
        })
    }
}

impl Record {
    pub fn change(seq: usize, change: &Change) -> Record {
        let edits = change.edits.iter().map(JournalEdit::from).collect();
        Record::Change { seq, dn: change.dn.clone(), guid: change.guid, edits }
    }
}

/// An open journal, locked exclusively until it is dropped.
pub struct Journal {
    path: PathBuf,
    file: File,
}

fn lock(path: &Path, file: &File) -> Result<(), JournalError> {
    file.try_lock().map_err(|e| match e {
        std::fs::TryLockError::WouldBlock => JournalError::Locked { path: path.to_owned() },
        std::fs::TryLockError::Error(source) => JournalError::Io { path: path.to_owned(), error: source },
    })
}

impl Journal {
    /// Creates a new journal; an existing file is never overwritten. The folder is synced so
    /// that the file itself survives a crash.
    pub fn create(path: &Path) -> Result<Journal, JournalError> {
        let io = |source| JournalError::Io { path: path.to_owned(), error: source };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let file = crate::platform::private_file::create_private(path).map_err(io)?;
        lock(path, &file)?;
        crate::platform::private_file::sync_folder_of(path).map_err(io)?;
        Ok(Journal { path: path.to_owned(), file })
    }

    /// Opens an existing journal under the lock and reads it; with `append` (resume), a last
    /// record cut short by a crash is dropped and new records go after the others.
    pub fn open(path: &Path, append: bool) -> Result<(Journal, JournalState), JournalError> {
        let io = |source| JournalError::Io { path: path.to_owned(), error: source };
        let mut file = OpenOptions::new().read(true).write(append).open(path).map_err(io)?;
        lock(path, &file)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io)?;
        let (state, complete) = parse(path, &bytes)?;
        if append {
            if complete < bytes.len() {
                file.set_len(complete as u64).map_err(io)?;
            }
            file.seek(std::io::SeekFrom::Start(complete as u64)).map_err(io)?;
        }
        Ok((Journal { path: path.to_owned(), file }, state))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes one record and hands it to the operating system (it survives the process being
    /// killed; [`Journal::sync`] makes it survive the machine stopping).
    pub fn write(&mut self, record: &Record) -> Result<(), JournalError> {
        let mut line = serde_json::to_vec(record).expect("records serialize");
        line.push(b'\n');
        self.file.write_all(&line).map_err(|source| JournalError::Io { path: self.path.clone(), error: source })
    }

    /// Waits until everything written is on disk.
    pub fn sync(&mut self) -> Result<(), JournalError> {
        self.file.sync_data().map_err(|source| JournalError::Io { path: self.path.clone(), error: source })
    }
}

/// A journal read back: the directory it writes to, the planned changes and, per change,
/// whether it started and how it ended (the last outcome wins).
#[derive(Debug)]
pub struct JournalState {
    pub directory: DomainIdentity,
    pub changes: Vec<(usize, Change)>,
    pub started: Vec<bool>,
    pub outcomes: Vec<Option<Outcome>>,
}

/// Reads a journal (under the lock, released on return).
pub fn read_journal(path: &Path) -> Result<JournalState, JournalError> {
    Journal::open(path, false).map(|(_, state)| state)
}

/// Parses a journal's bytes; also returns the length of its complete records.
fn parse(path: &Path, bytes: &[u8]) -> Result<(JournalState, usize), JournalError> {
    let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let mut header: Option<(String, DomainIdentity)> = None;
    let mut changes = Vec::new();
    let mut index_of: HashMap<usize, usize> = HashMap::new();
    let (mut started, mut outcomes) = (Vec::new(), Vec::new());
    for (number, line) in bytes[..complete].split_inclusive(|&b| b == b'\n').enumerate() {
        let invalid = |message: String| JournalError::Invalid { path: path.to_owned(), line: number + 1, message };
        let line = &line[..line.len() - 1];
        let text = std::str::from_utf8(line).map_err(|e| invalid(format!("not UTF-8 text: {e}")))?;
        let record: Record = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let position =
            |seq: usize| index_of.get(&seq).copied().ok_or_else(|| invalid(format!("change {seq} is not listed")));
        match record {
            Record::Header { operation, directory, .. } => header = Some((operation, directory)),
            Record::Change { seq, dn, guid, edits } => {
                let Some((operation, _)) = &header else {
                    return Err(JournalError::NoHeader { path: path.to_owned() });
                };
                // A journal is a plan too: it may only hold what a plan may write (an undo puts
                // back removed certificates).
                for edit in &edits {
                    let removes = edit.after.is_none() || operation == "undo";
                    if let Some(refusal) = super::writable::refusal(&edit.attribute, removes) {
                        return Err(invalid(format!("{refusal}; nothing was written")));
                    }
                }
                let edits = edits.iter().map(Edit::try_from).collect::<Result<Vec<_>, _>>().map_err(invalid)?;
                if index_of.insert(seq, changes.len()).is_some() {
                    return Err(invalid(format!("change {seq} is listed twice")));
                }
                changes.push((seq, Change { dn, guid, edits, rows: Vec::new(), decisions: Vec::new() }));
                started.push(false);
                outcomes.push(None);
            }
            Record::Started { seq } => started[position(seq)?] = true,
            Record::Outcome { seq, outcome, .. } => outcomes[position(seq)?] = Some(outcome),
            Record::Finished { .. } => {}
        }
    }
    let (_, directory) = header.ok_or_else(|| JournalError::NoHeader { path: path.to_owned() })?;
    Ok((JournalState { directory, changes, started, outcomes }, complete))
}

/// The UTC time as `YYYYMMDD-HHMMSS`, for journal names.
pub fn timestamp() -> String {
    chrono::Utc::now().format("%Y%m%d-%H%M%S").to_string()
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
    fn a_journal_time_is_the_utc_date_and_time_in_digits() {
        let time = timestamp();
        let (date, clock) = time.split_once('-').unwrap();
        assert!(date.len() == 8 && clock.len() == 6 && (date.to_owned() + clock).bytes().all(|b| b.is_ascii_digit()));
        assert!(date.starts_with("20"), "{time}");
    }

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

    fn directory() -> DomainIdentity {
        DomainIdentity {
            server: "ldaps://dc1.x".into(),
            naming_context: "DC=x".into(),
            domain_guid: ObjectGuid([1; 16]),
        }
    }

    fn header(operation: &str) -> Record {
        Record::Header { operation: operation.into(), source: "x".into(), created: timestamp(), directory: directory() }
    }

    fn fresh(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("syncready-journal-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("j.jsonl")
    }

    fn mail_change() -> Change {
        Change {
            dn: "CN=a,DC=x".into(),
            guid: ObjectGuid([2; 16]),
            edits: vec![Edit {
                attribute: "mail".into(),
                binary: false,
                before: Some(b"a b".to_vec()),
                after: Some(b"ab".to_vec()),
                requires_empty: false,
            }],
            rows: vec![],
            decisions: vec![],
        }
    }

    /// A journal file written from raw lines.
    fn journal_with(name: &str, lines: &[String]) -> PathBuf {
        let path = fresh(name);
        let header = serde_json::to_string(&header("apply")).unwrap();
        let mut text = format!("{header}\n");
        for line in lines {
            text.push_str(line);
        }
        std::fs::write(&path, text).unwrap();
        path
    }

    fn message(path: &Path, error: JournalError) -> String {
        error.to_string().replace(&path.display().to_string(), "J")
    }

    #[test]
    fn a_torn_last_record_is_ignored_and_dropped_on_resume() {
        let path = fresh("torn");
        let mut journal = Journal::create(&path).unwrap();
        journal.write(&header("apply")).unwrap();
        journal.write(&Record::change(1, &mail_change())).unwrap();
        journal.write(&Record::Started { seq: 1 }).unwrap();
        journal.sync().unwrap();
        drop(journal);
        let mut bytes = std::fs::read(&path).unwrap();
        // A crash in the middle of a record, inside a two-byte UTF-8 sequence.
        bytes.extend_from_slice(b"{\"record\":\"outcome\",\"seq\":1,\"outcome\":\"failed\",\"message\":\"caf\xc3");
        std::fs::write(&path, &bytes).unwrap();
        let state = read_journal(&path).unwrap();
        assert_eq!((state.changes.len(), state.started[0], state.outcomes[0]), (1, true, None));
        assert_eq!(state.changes[0].1, mail_change());
        assert_eq!(state.directory, directory());
        let (mut journal, _) = Journal::open(&path, true).unwrap();
        journal.write(&Record::Outcome { seq: 1, outcome: Outcome::Applied, message: String::new() }).unwrap();
        drop(journal);
        assert_eq!(read_journal(&path).unwrap().outcomes[0], Some(Outcome::Applied));
        assert!(Journal::create(&path).is_err(), "never overwritten");
    }

    #[test]
    fn a_complete_record_that_cannot_be_read_is_an_error_naming_its_line() {
        let change = |before: &str| {
            format!(
                "{{\"record\":\"change\",\"seq\":1,\"dn\":\"CN=a,DC=x\",\"guid\":\"02020202-0202-0202-0202-020202020202\",\
                 \"edits\":[{{\"attribute\":\"mS-DS-ConsistencyGuid\",\"binary\":true,\"before\":{before},\"after\":null,\
                 \"requires_empty\":false}}]}}\n"
            )
        };
        let good = journal_with("good", &[change("\"AAEC\"")]);
        assert_eq!(read_journal(&good).unwrap().changes[0].1.edits[0].before, Some(vec![0, 1, 2]));
        let bad = journal_with("base64", &[change("\"not base64!\"")]);
        assert_eq!(
            message(&bad, read_journal(&bad).unwrap_err()),
            "J:2: not a syncready journal record (the old value is not base64 (Invalid symbol 32, offset 3.))"
        );
        let started = "{\"record\":\"started\",\"seq\":1}\n".to_owned();
        let mut torn = "{\"record\":\"outcome\",\"seq\":1,\"outcome\":\"failed\",\"message\":\"caf".to_owned();
        torn.push_str("\u{FFFD}\"}\n");
        let path = journal_with("utf8", &[change("\"AAEC\""), started.clone(), torn]);
        let mut bytes = std::fs::read(&path).unwrap();
        let at = bytes.windows(3).position(|w| w == "\u{FFFD}".as_bytes()).unwrap();
        bytes.splice(at..at + 3, [0xc3]);
        std::fs::write(&path, &bytes).unwrap();
        let error = message(&path, read_journal(&path).unwrap_err());
        assert!(error.starts_with("J:4: not a syncready journal record (not UTF-8 text: "), "{error}");
        let unknown = journal_with("unknown", &[change("\"AAEC\""), "{\"record\":\"started\",\"seq\":9}\n".into()]);
        assert_eq!(
            message(&unknown, read_journal(&unknown).unwrap_err()),
            "J:3: not a syncready journal record (change 9 is not listed)"
        );
        let headless = fresh("headless");
        std::fs::write(&headless, change("\"AAEC\"")).unwrap();
        assert_eq!(
            message(&headless, read_journal(&headless).unwrap_err()),
            "J: not a syncready journal (no header record)"
        );
    }

    #[test]
    fn a_journal_in_use_is_locked_against_every_other_run() {
        let path = fresh("lock");
        let mut journal = Journal::create(&path).unwrap();
        journal.write(&header("apply")).unwrap();
        journal.write(&Record::change(1, &mail_change())).unwrap();
        let locked = "J: the journal is locked: another syncready run (an apply, resume or undo) is using it; wait for it to finish";
        assert_eq!(message(&path, Journal::open(&path, true).err().unwrap()), locked);
        assert_eq!(message(&path, read_journal(&path).unwrap_err()), locked);
        drop(journal);
        let (held, _) = Journal::open(&path, false).unwrap();
        assert_eq!(message(&path, Journal::open(&path, true).err().unwrap()), locked);
        drop(held);
        assert_eq!(read_journal(&path).unwrap().changes.len(), 1);
    }

    #[test]
    fn a_journal_that_writes_what_no_rule_owns_is_refused() {
        let change = r#"{"record":"change","seq":1,"dn":"CN=a,DC=x","guid":"02020202-0202-0202-0202-020202020202","edits":[{"attribute":"userAccountControl","binary":false,"before":"544","after":"546","requires_empty":false}]}"#;
        let path = journal_with("refused", &[format!("{change}\n")]);
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
