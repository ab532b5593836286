//! The apply and undo dialogs: confirm what will change (and where, and the journal), watch
//! the progress, read the totals. Results go to the table's Result column row by row.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::Receiver;

use eframe::egui;

use super::SyncreadyApp;
use super::apply::{ChangeSummary, Job, WriteProgress, WriteResult, spawn_write};
use super::file_dialog::FileTarget;
use super::settings::{Settings, TlsMode};
use super::widgets::labelled_combo;
use crate::fix::Change;
use crate::fix::apply::undo_changes;
use crate::fix::journal::{Outcome, new_journal_path};
use crate::fix::value_check::{self, ValueProblem, ValueReview};

/// Connect Sync's accidental-delete threshold: above it the admin ticks a second confirmation.
const LARGE_RUN: usize = 500;

/// What a write is, for where its results go.
#[derive(Clone)]
pub enum WriteKind {
    /// The review's accepted decisions: the changes' rows name the findings.
    Review,
    /// The source anchors a migration wave needs.
    Anchors {
        wave: usize,
    },
    Undo,
}

pub enum Dialog {
    None,
    ConfirmApply {
        kind: WriteKind,
        changes: Vec<Change>,
        summary: ChangeSummary,
        journal: String,
        large_confirmed: bool,
        /// For a profile with plain LDAP: the admin agreed to send the password unencrypted,
        /// for this write only.
        plain_confirmed: bool,
        /// The rules' verdict on the new values, against the scanned objects.
        values: ValueReview,
        warnings_confirmed: bool,
        error: String,
    },
    PickUndo {
        journal: String,
        /// Only the changes whose DN contains this (empty: all).
        only: String,
        preview: Option<ChangeSummary>,
        plain_confirmed: bool,
        error: String,
    },
    Writing {
        title: &'static str,
        progress: Arc<WriteProgress>,
        receiver: Receiver<WriteResult>,
        kind: WriteKind,
        /// The changes written (none for an undo).
        changes: Vec<Change>,
    },
    Finished {
        message: String,
    },
}

impl Dialog {
    pub fn is_open(&self) -> bool {
        !matches!(self, Dialog::None)
    }

    pub fn is_writing(&self) -> bool {
        matches!(self, Dialog::Writing { .. })
    }

    /// A journal chosen in a file dialog.
    pub fn set_journal(&mut self, path: String) {
        if let Dialog::PickUndo { journal, preview, .. } = self {
            *journal = path;
            *preview = None;
        }
    }
}

/// What the admin clicked in a dialog this frame.
enum Click {
    None,
    Close,
    Apply,
    Preview,
    Undo,
    Browse,
}

impl SyncreadyApp {
    /// Plans the accepted decisions and asks for confirmation.
    pub(super) fn open_apply(&mut self) {
        match self.model.plan() {
            Ok(changes) if changes.is_empty() => {
                self.status = "No accepted changes to apply: accept fixes, edit values or mark removals first.".into();
            }
            Ok(changes) => {
                self.confirm(WriteKind::Review, changes, "apply");
            }
            Err(e) => self.status = format!("The review cannot be applied: {e}"),
        }
    }

    /// Asks for confirmation of `changes`, journaled as `<journal_kind>-<time>.jsonl`.
    fn confirm(&mut self, kind: WriteKind, changes: Vec<Change>, journal_kind: &str) {
        let journal = new_journal_path(&self.journal_folder(), journal_kind).display().to_string();
        let summary = ChangeSummary::of(&changes);
        let values = self.value_review(&changes);
        self.dialog = Dialog::ConfirmApply {
            kind,
            changes,
            summary,
            journal,
            large_confirmed: false,
            plain_confirmed: false,
            values,
            warnings_confirmed: false,
            error: String::new(),
        };
    }

    /// What the scan's rules say about the new values of `changes`, on the scanned objects (the
    /// worker checks again against the directory before it writes).
    fn value_review(&self, changes: &[Change]) -> ValueReview {
        let (now, holders) = value_check::from_snapshot(&self.model.objects, changes);
        let (known, objects): (Vec<Change>, Vec<_>) =
            changes.iter().cloned().zip(now).filter_map(|(c, o)| Some((c, o?))).unzip();
        value_check::review(&known, &objects, &holders, &self.write_ruleset())
    }

    /// The rules new values are checked with: the last scan's.
    fn write_ruleset(&self) -> crate::rules::Ruleset {
        self.ruleset.clone().unwrap_or_else(crate::rules::Ruleset::multi_tenant)
    }

    /// Asks to stamp the source anchors migration wave `wave` needs (its `anchors-wave-N.csv`).
    pub(super) fn open_anchor_stamp(&mut self, wave: usize, changes: Vec<Change>) {
        if changes.is_empty() {
            self.status = format!("Wave {wave}: every object already has mS-DS-ConsistencyGuid.");
            return;
        }
        self.confirm(WriteKind::Anchors { wave }, changes, &format!("anchors-wave-{wave}"));
    }

    pub(super) fn open_undo(&mut self) {
        let journal = self.settings.journal_path.clone();
        self.dialog = Dialog::PickUndo {
            journal,
            only: String::new(),
            preview: None,
            plain_confirmed: false,
            error: String::new(),
        };
    }

    pub(super) fn dialogs(&mut self, ctx: &egui::Context) {
        if !self.dialog.is_open() {
            return;
        }
        let settings = &mut self.settings;
        let modal = egui::Modal::new(egui::Id::unique("write-dialog")).show(ctx, |ui| {
            ui.set_max_width(760.0);
            match &mut self.dialog {
                Dialog::None => Click::None,
                Dialog::ConfirmApply {
                    summary,
                    journal,
                    large_confirmed,
                    plain_confirmed,
                    values,
                    warnings_confirmed,
                    error,
                    ..
                } => {
                    ui.heading("Write these changes to the directory?");
                    let secure = target(ui, settings, plain_confirmed);
                    summary.show(ui);
                    let values_ok = show_values(ui, values, warnings_confirmed);
                    ui.separator();
                    journal_field(ui, "Journal file", journal);
                    if summary.edits > LARGE_RUN {
                        ui.checkbox(
                            large_confirmed,
                            format!("I have checked these {} edits (more than {LARGE_RUN})", summary.edits),
                        );
                    }
                    show_error(ui, error);
                    let ready = (summary.edits <= LARGE_RUN || *large_confirmed) && secure && values_ok;
                    buttons(ui, ("Apply changes", ready, Click::Apply))
                }
                Dialog::PickUndo { journal, only, preview, plain_confirmed, error } => {
                    ui.heading("Undo an apply");
                    let secure = target(ui, settings, plain_confirmed);
                    let mut click = Click::None;
                    ui.horizontal(|ui| {
                        if journal_field(ui, "Journal to undo", journal) {
                            *preview = None;
                        }
                        let label = ui.label("Only DNs containing");
                        let field = egui::TextEdit::singleline(only).desired_width(160.0);
                        if ui.add(field).labelled_by(label.id).changed() {
                            *preview = None;
                        }
                        if ui.button("Browse journal…").clicked() {
                            click = Click::Browse;
                        }
                        if ui.button("Preview undo").clicked() {
                            click = Click::Preview;
                        }
                    });
                    show_error(ui, error);
                    if let Some(summary) = preview {
                        summary.show(ui);
                    }
                    match buttons(ui, ("Undo changes", preview.is_some() && secure, Click::Undo)) {
                        Click::None => click,
                        other => other,
                    }
                }
                Dialog::Writing { title, progress, .. } => {
                    ui.heading(*title);
                    let (done, total) = (progress.done.load(Ordering::Relaxed), progress.total.load(Ordering::Relaxed));
                    let fraction = if total == 0 { 0.0 } else { done as f32 / total as f32 };
                    ui.add(egui::ProgressBar::new(fraction).text(format!("{done} of {total} objects")));
                    Click::None
                }
                Dialog::Finished { message } => {
                    ui.heading("Done");
                    ui.label(message.as_str());
                    if ui.button("Close").clicked() { Click::Close } else { Click::None }
                }
            }
        });
        let click = modal.inner;
        match click {
            Click::None => {}
            Click::Close => self.dialog = Dialog::None,
            Click::Apply => self.start_apply(ctx),
            Click::Preview => self.preview_undo(),
            Click::Undo => self.start_undo(ctx),
            Click::Browse => self.files.open(FileTarget::Journal, &self.settings.last_folder, ctx),
        }
    }

    fn preview_undo(&mut self) {
        if let Dialog::PickUndo { journal, only, preview, error, .. } = &mut self.dialog {
            match undo_changes(&PathBuf::from(journal.trim()), only_filter(only)) {
                Ok(changes) => {
                    *preview = Some(ChangeSummary::of(&changes));
                    error.clear();
                }
                Err(e) => {
                    *preview = None;
                    *error = e.to_string();
                }
            }
        }
    }

    /// The connection of the profile chosen to write to; what is missing is shown in the dialog.
    fn write_options(&mut self) -> Option<crate::source::ldap::LdapOptions> {
        let options = match self.settings.profiles.get(self.settings.write_profile) {
            Some(profile) => profile.options(Vec::new()),
            None => Err("add a connection profile to write to".to_owned()),
        };
        let problem = options.as_ref().err().cloned().unwrap_or_default();
        if let Dialog::ConfirmApply { error, .. } | Dialog::PickUndo { error, .. } = &mut self.dialog {
            *error = problem;
        }
        options.ok()
    }

    fn start_apply(&mut self, ctx: &egui::Context) {
        let Some(options) = self.write_options() else { return };
        let Dialog::ConfirmApply { kind, changes, journal, warnings_confirmed, .. } =
            std::mem::replace(&mut self.dialog, Dialog::None)
        else {
            return;
        };
        let progress = Arc::new(WriteProgress::default());
        let journal = PathBuf::from(journal.trim());
        let source = match &kind {
            WriteKind::Anchors { wave } => format!("syncready app: source anchors of migration wave {wave}"),
            _ => "syncready app review".to_owned(),
        };
        let ruleset = Box::new(self.write_ruleset());
        let job = Job::Apply { changes: changes.clone(), journal, source, warnings_confirmed, ruleset };
        let receiver = spawn_write(self.writer, options, job, progress.clone(), ctx.clone());
        self.dialog = Dialog::Writing { title: "Applying changes", progress, receiver, kind, changes };
    }

    fn start_undo(&mut self, ctx: &egui::Context) {
        let Some(options) = self.write_options() else { return };
        let Dialog::PickUndo { journal, only, .. } = std::mem::replace(&mut self.dialog, Dialog::None) else { return };
        let only = only_filter(&only).map(str::to_owned);
        let journal = PathBuf::from(journal.trim());
        let stem = journal.file_stem().map_or("journal".into(), |s| s.to_string_lossy().into_owned());
        let folder = journal.parent().map(PathBuf::from).unwrap_or_default();
        let undo_journal = new_journal_path(&folder, &format!("{stem}-undo"));
        let progress = Arc::new(WriteProgress::default());
        let job = Job::Undo { journal, undo_journal, only };
        let receiver = spawn_write(self.writer, options, job, progress.clone(), ctx.clone());
        self.dialog = Dialog::Writing {
            title: "Undoing changes",
            progress,
            receiver,
            kind: WriteKind::Undo,
            changes: Vec::new(),
        };
    }

    /// Takes a finished write's report into the table and the status line.
    pub(super) fn poll_write(&mut self) {
        let Dialog::Writing { receiver, kind, changes, .. } = &self.dialog else { return };
        let Some(result) = super::worker::answer(receiver, "write") else { return };
        let (kind, changes) = (kind.clone(), changes.clone());
        let message = match result {
            Ok((report, journal)) => {
                let undo = matches!(kind, WriteKind::Undo);
                if !matches!(kind, WriteKind::Anchors { .. }) {
                    self.model.record_results(&changes, &report.results, undo);
                }
                if !undo {
                    self.settings.journal_path = journal.display().to_string();
                }
                let verb = if undo { "undone" } else { "applied" };
                let rescan = match kind {
                    WriteKind::Anchors { wave } => {
                        format!(" Wave {wave}'s anchors are stamped: scan again to plan anew.")
                    }
                    _ => String::new(),
                };
                format!(
                    "{} {verb}, {} conflicts, {} failed.{rescan} Journal: {}",
                    report.count(Outcome::Applied),
                    report.count(Outcome::Conflict),
                    report.count(Outcome::Failed),
                    journal.display()
                )
            }
            Err(e) => {
                // The dialog closes; the error stays in the status line.
                self.status = format!("Nothing more was written: {e}");
                self.dialog = Dialog::None;
                return;
            }
        };
        self.status = message.clone();
        self.dialog = Dialog::Finished { message };
    }
}

/// Which profile to write to, and its password when it needs one. A profile with plain LDAP
/// gets a red warning and a box to tick for this write; returns whether the write may go.
fn target(ui: &mut egui::Ui, settings: &mut Settings, plain_confirmed: &mut bool) -> bool {
    ui.horizontal(|ui| {
        let names: Vec<String> = settings.profiles.iter().map(|p| format!("{} ({})", p.name, p.url)).collect();
        let current = names.get(settings.write_profile).cloned().unwrap_or_default();
        labelled_combo(ui, "Write to", &current, |ui| {
            for (i, name) in names.iter().enumerate() {
                ui.selectable_value(&mut settings.write_profile, i, name.as_str());
            }
        });
        if let Some(profile) = settings.profiles.get_mut(settings.write_profile)
            && !profile.user.trim().is_empty()
        {
            ui.label(format!("as {}", profile.user.trim()));
            let label = ui.label("Write password");
            ui.add(egui::TextEdit::singleline(&mut profile.password).password(true).desired_width(140.0))
                .labelled_by(label.id);
        }
    });
    let plain = settings.profiles.get(settings.write_profile).is_some_and(|p| p.tls == TlsMode::InsecurePlain);
    if !plain {
        return true;
    }
    ui.colored_label(
        egui::Color32::from_rgb(200, 60, 40),
        "INSECURE: this profile uses plain LDAP. The password and every value written cross the network \
         in clear text.",
    );
    ui.checkbox(plain_confirmed, "Send the password unencrypted for this write");
    *plain_confirmed
}

/// The rules' verdict on the new values: refusals in red, warnings with a box to tick;
/// returns whether the write may go.
fn show_values(ui: &mut egui::Ui, values: &ValueReview, warnings_confirmed: &mut bool) -> bool {
    const SHOWN: usize = 8;
    let red = egui::Color32::from_rgb(200, 60, 40);
    let list = |ui: &mut egui::Ui, problems: &[ValueProblem], color: egui::Color32| {
        for problem in problems.iter().take(SHOWN) {
            ui.add(egui::Label::new(egui::RichText::new(problem.to_string()).color(color)).truncate());
        }
        if problems.len() > SHOWN {
            ui.label(format!("… and {} more", problems.len() - SHOWN));
        }
    };
    if !values.refused.is_empty() {
        ui.colored_label(
            red,
            format!("{} refused by the rules:", crate::report::count(values.refused.len(), "new value")),
        );
        list(ui, &values.refused, red);
    }
    if !values.to_confirm.is_empty() {
        ui.label(format!("{} still with warnings:", crate::report::count(values.to_confirm.len(), "new value")));
        list(ui, &values.to_confirm, ui.visuals().warn_fg_color);
        ui.checkbox(warnings_confirmed, "Write the values with warnings too");
    }
    values.refused.is_empty() && (values.to_confirm.is_empty() || *warnings_confirmed)
}

/// The "only DNs containing" text, when one is given.
fn only_filter(only: &str) -> Option<&str> {
    Some(only.trim()).filter(|o| !o.is_empty())
}

fn show_error(ui: &mut egui::Ui, error: &str) {
    if !error.is_empty() {
        ui.colored_label(egui::Color32::from_rgb(200, 60, 40), error);
    }
}

/// A journal path field; returns whether it changed.
fn journal_field(ui: &mut egui::Ui, label: &str, journal: &mut String) -> bool {
    let label = ui.label(label);
    ui.add(egui::TextEdit::singleline(journal).desired_width(420.0)).labelled_by(label.id).changed()
}

/// The dialog's go button (enabled when `ready`) and Cancel.
fn buttons(ui: &mut egui::Ui, (title, ready, go): (&str, bool, Click)) -> Click {
    let mut click = Click::None;
    ui.horizontal(|ui| {
        if ui.add_enabled(ready, egui::Button::new(title)).clicked() {
            click = go;
        }
        if ui.button("Cancel").clicked() {
            click = Click::Close;
        }
    });
    click
}
