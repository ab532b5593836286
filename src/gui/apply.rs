//! Apply and undo from the app: a confirmation that shows what will change (counts by action
//! and attribute, the first rows, the target and the journal), then a worker that writes with
//! the same library as `syncready apply` / `undo`, reporting progress; the results go back to
//! the table row by row.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, channel};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use eframe::egui;
use unicode_normalization::UnicodeNormalization as _;

use crate::fix::Change;
use crate::fix::apply::{ApplyReport, apply, precheck, undo};
use crate::fix::target::Directory;
use crate::report::count;
use crate::rules::Ruleset;
use crate::source::ldap::LdapOptions;

/// How many changes the dialog lists before "and N more".
const FIRST_ROWS: usize = 12;

/// What a plan (or an undo) will do, for the confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSummary {
    pub objects: usize,
    pub edits: usize,
    /// ("EDIT" | "REMOVE" | "ADD", count).
    pub by_action: Vec<(&'static str, usize)>,
    pub by_attribute: Vec<(String, usize)>,
    /// "DN: attribute: before → after" for the first changes.
    pub first: Vec<String>,
}

impl ChangeSummary {
    pub fn of(changes: &[Change]) -> ChangeSummary {
        let mut by_action: Vec<(&'static str, usize)> = Vec::new();
        let mut by_attribute: Vec<(String, usize)> = Vec::new();
        let mut first = Vec::new();
        for change in changes {
            for edit in &change.edits {
                let action = match (&edit.before, &edit.after) {
                    (Some(_), Some(_)) => "EDIT",
                    (Some(_), None) => "REMOVE",
                    _ => "ADD",
                };
                bump(&mut by_action, action);
                bump(&mut by_attribute, edit.attribute.clone());
                if first.len() < FIRST_ROWS {
                    let text = |value: &Option<Vec<u8>>| match value {
                        Some(bytes) if edit.binary => format!("base64 {}", STANDARD.encode(bytes)),
                        Some(bytes) => format!("'{}'", String::from_utf8_lossy(bytes)),
                        None => "(none)".to_owned(),
                    };
                    let (before, after) = (text(&edit.before), text(&edit.after));
                    // A change of Unicode form looks like no change at all: say what it is.
                    let note = if before != after && before.nfc().eq(after.nfc()) { " (Unicode NFC form)" } else { "" };
                    first.push(format!("{}: {}: {before} → {after}{note}", change.dn, edit.attribute));
                }
            }
        }
        by_attribute.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let edits = by_action.iter().map(|(_, n)| n).sum();
        ChangeSummary { objects: changes.len(), edits, by_action, by_attribute, first }
    }

    pub fn show(&self, ui: &mut egui::Ui) {
        ui.label(format!("{} on {}.", count(self.edits, "edit"), count(self.objects, "object")));
        let counts = |list: Vec<String>| list.join(", ");
        ui.label(format!("By action: {}", counts(self.by_action.iter().map(|(a, n)| format!("{a} {n}")).collect())));
        ui.label(format!(
            "By attribute: {}",
            counts(self.by_attribute.iter().map(|(a, n)| format!("{a} {n}")).collect())
        ));
        ui.separator();
        for line in &self.first {
            ui.add(egui::Label::new(line).truncate());
        }
        if self.edits > self.first.len() {
            ui.label(format!("… and {} more", self.edits - self.first.len()));
        }
    }
}

fn bump<K: PartialEq>(counts: &mut Vec<(K, usize)>, key: K) {
    match counts.iter_mut().find(|(k, _)| *k == key) {
        Some((_, n)) => *n += 1,
        None => counts.push((key, 1)),
    }
}

/// What the worker is asked to do.
pub enum Job {
    Apply {
        changes: Vec<Change>,
        journal: PathBuf,
        source: String,
        /// The admin ticked "write the values with warnings too".
        warnings_confirmed: bool,
        /// The rules new values are checked with (the scan's).
        ruleset: Box<Ruleset>,
    },
    /// `only`: just the changes whose DN contains this text.
    Undo { journal: PathBuf, undo_journal: PathBuf, only: Option<String> },
}

/// A write in progress: changes done and total, read by the UI each frame.
#[derive(Default)]
pub struct WriteProgress {
    pub done: AtomicUsize,
    pub total: AtomicUsize,
}

/// The worker's answer: the report and the journal it wrote.
pub type WriteResult = Result<(ApplyReport, PathBuf), String>;

/// What the write worker runs: [`write`], unless a test makes the worker fail.
pub type Writer = fn(&LdapOptions, Job, &dyn Fn(usize, usize)) -> WriteResult;

/// Runs `job` through `writer` on a worker thread. A worker that panics sends its panic's
/// message as the error; one that vanishes without an answer leaves the receiver
/// disconnected, which the dialog reports too.
pub fn spawn_write(
    writer: Writer,
    options: LdapOptions,
    job: Job,
    progress: Arc<WriteProgress>,
    ctx: egui::Context,
) -> Receiver<WriteResult> {
    let (sender, receiver) = channel();
    std::thread::spawn(move || {
        let report = |done: usize, total: usize| {
            progress.done.store(done, Ordering::Relaxed);
            progress.total.store(total, Ordering::Relaxed);
            ctx.request_repaint();
        };
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| writer(&options, job, &report)))
            .unwrap_or_else(|panic| Err(format!("the write stopped unexpectedly: {}", panic_text(panic.as_ref()))));
        let _ = sender.send(result);
        ctx.request_repaint();
    });
    receiver
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> &str {
    panic.downcast_ref::<&str>().copied().or(panic.downcast_ref::<String>().map(String::as_str)).unwrap_or("a panic")
}

/// Connects with `options` and runs `job` against the directory.
pub fn write(options: &LdapOptions, job: Job, progress: &dyn Fn(usize, usize)) -> WriteResult {
    let mut directory = Directory::connect(options).map_err(|e| e.to_string())?;
    match job {
        Job::Apply { changes, journal, source, warnings_confirmed, ruleset } => {
            let values = precheck(&mut directory, &changes, &ruleset).map_err(|e| e.to_string())?;
            let unconfirmed = if warnings_confirmed { &[][..] } else { values.to_confirm.as_slice() };
            if let Some(problem) = values.refused.first().or(unconfirmed.first()) {
                let more = values.refused.len() + unconfirmed.len() - 1;
                return Err(format!("the rules refuse a new value: {problem} ({more} more); nothing was written"));
            }
            create_folder(&journal)?;
            let report =
                apply(&mut directory, &changes, &journal, "apply", &source, progress).map_err(|e| e.to_string())?;
            Ok((report, journal))
        }
        Job::Undo { journal, undo_journal, only } => {
            create_folder(&undo_journal)?;
            let report =
                undo(&mut directory, &journal, only.as_deref(), &undo_journal, progress).map_err(|e| e.to_string())?;
            Ok((report, undo_journal))
        }
    }
}

fn create_folder(journal: &Path) -> Result<(), String> {
    match journal.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(folder) => std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display())),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::Edit;

    #[test]
    fn the_summary_counts_by_action_and_attribute() {
        let edit = |attribute: &str, before: Option<&str>, after: Option<&str>| Edit {
            attribute: attribute.into(),
            binary: false,
            before: before.map(|b| b.as_bytes().to_vec()),
            after: after.map(|a| a.as_bytes().to_vec()),
            requires_empty: before.is_none(),
        };
        let changes = vec![
            Change {
                dn: "CN=A,DC=x".into(),
                guid: crate::model::ObjectGuid([7; 16]),
                edits: vec![
                    edit("mail", Some("a @x.com"), Some("a@x.com")),
                    edit("proxyAddresses", Some("smtp:a"), None),
                ],
                rows: vec![2, 3],
                decisions: vec![0, 1],
            },
            Change {
                dn: "CN=B,DC=x".into(),
                guid: crate::model::ObjectGuid([7; 16]),
                edits: vec![edit("mail", Some("b"), Some("c"))],
                rows: vec![4],
                decisions: vec![2],
            },
        ];
        let summary = ChangeSummary::of(&changes);
        assert_eq!((summary.objects, summary.edits), (2, 3));
        assert_eq!(summary.by_action, [("EDIT", 2), ("REMOVE", 1)]);
        assert_eq!(summary.by_attribute, [("mail".to_owned(), 2), ("proxyAddresses".to_owned(), 1)]);
        assert_eq!(summary.first[0], "CN=A,DC=x: mail: 'a @x.com' → 'a@x.com'");
        assert_eq!(summary.first[1], "CN=A,DC=x: proxyAddresses: 'smtp:a' → (none)");
        let nfd = vec![Change {
            dn: "CN=C,DC=x".into(),
            guid: crate::model::ObjectGuid([7; 16]),
            edits: vec![edit("displayName", Some("Rene\u{301}e"), Some("Ren\u{e9}e"))],
            rows: vec![5],
            decisions: vec![3],
        }];
        assert_eq!(
            ChangeSummary::of(&nfd).first[0],
            "CN=C,DC=x: displayName: 'Rene\u{301}e' → 'Ren\u{e9}e' (Unicode NFC form)"
        );
    }
}
