//! The app's writes: from what the admin chose in a dialog (apply the review, stamp a wave's
//! anchors, undo a journal) to the write worker, and its results back into the review and the
//! status line.

use std::path::PathBuf;
use std::sync::Arc;

use eframe::egui;

use super::SyncreadyApp;
use super::apply::{ChangeSummary, Job, WriteProgress, spawn_write};
use super::dialogs::{Click, Dialog, WriteKind, only_filter, show};
use super::file_dialog::FileTarget;
use super::file_jobs::Direction;
use super::planning::PendingPlan;
use crate::fix::Change;
use crate::fix::apply::undo_changes;
use crate::fix::journal::{Outcome, new_journal_path};

impl SyncreadyApp {
    /// Asks for confirmation of the accepted decisions, planned and checked on a worker.
    pub(super) fn open_apply(&mut self, ctx: &egui::Context) {
        self.confirm(WriteKind::Review, self.model.planner(), "apply", ctx);
    }

    /// Asks for confirmation of the changes `plan` makes, journaled as
    /// `<journal_kind>-<time>.jsonl`.
    fn confirm(
        &mut self,
        kind: WriteKind,
        plan: impl FnOnce() -> Result<Vec<Change>, String> + Send + 'static,
        journal_kind: &str,
        ctx: &egui::Context,
    ) {
        let journal = new_journal_path(&self.journal_folder(), journal_kind).display().to_string();
        let plan = PendingPlan::start(plan, self.model.objects.clone(), self.write_ruleset(), ctx);
        self.dialog = Dialog::ConfirmApply {
            kind,
            plan,
            journal,
            large_confirmed: false,
            plain_confirmed: false,
            warnings_confirmed: false,
            error: String::new(),
        };
    }

    /// Takes the plan worker's answers into the open confirmation; a plan that cannot be made,
    /// or has nothing to write, closes it and says why.
    fn poll_plan(&mut self) {
        let Dialog::ConfirmApply { plan, .. } = &mut self.dialog else { return };
        let problem = match plan.poll() {
            Err(e) => format!("The review cannot be applied: {e}"),
            Ok(()) if plan.summary.as_ref().is_some_and(|s| s.edits == 0) => {
                self.status = "No accepted changes to apply: accept fixes, edit values or mark removals first.".into();
                self.dialog = Dialog::None;
                return;
            }
            Ok(()) => return,
        };
        self.fail(problem);
        self.dialog = Dialog::None;
    }

    /// The rules new values are checked with: the last scan's.
    fn write_ruleset(&self) -> crate::rules::Ruleset {
        self.ruleset.clone().unwrap_or_else(crate::rules::Ruleset::multi_tenant)
    }

    /// Asks to stamp the source anchors migration wave `wave` needs (its `anchors-wave-N.csv`).
    pub(super) fn open_anchor_stamp(&mut self, wave: usize, changes: Vec<Change>, ctx: &egui::Context) {
        if changes.is_empty() {
            self.status = format!("Wave {wave}: every object already has mS-DS-ConsistencyGuid.");
            return;
        }
        self.confirm(WriteKind::Anchors { wave }, move || Ok(changes), &format!("anchors-wave-{wave}"), ctx);
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

    /// Draws the open dialog and carries out what the admin chose in it.
    pub(super) fn dialogs(&mut self, ctx: &egui::Context) {
        self.poll_plan();
        if !self.dialog.is_open() {
            return;
        }
        let click = show(&mut self.dialog, &mut self.settings, ctx);
        match click {
            Click::None => {}
            Click::Close => self.dialog = Dialog::None,
            Click::Apply => self.start_apply(ctx),
            Click::Preview => self.preview_undo(),
            Click::Undo => self.start_undo(ctx),
            Click::Browse => {
                let target = match &self.dialog {
                    Dialog::Files { direction: Direction::Export, .. } => FileTarget::Export,
                    Dialog::Files { direction: Direction::Import, .. } => FileTarget::Import,
                    _ => FileTarget::Journal,
                };
                self.open_file_dialog(target, ctx);
            }
            Click::MoveFiles => {
                if let Dialog::Files { direction, path } = std::mem::replace(&mut self.dialog, Dialog::None) {
                    self.settings.export_path = path.trim().to_owned();
                    self.move_files(direction, ctx);
                }
            }
        }
    }

    fn preview_undo(&mut self) {
        let folder = self.journal_folder();
        if let Dialog::PickUndo { journal, only, preview, error, .. } = &mut self.dialog {
            if journal.trim().is_empty() {
                *preview = None;
                *error = format!(
                    "Type the path of the journal to undo, or browse for it: the app writes its journals to {}.",
                    folder.display()
                );
                return;
            }
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
        let Dialog::ConfirmApply {
            kind,
            plan: PendingPlan { checked: Some(checked), .. },
            journal,
            warnings_confirmed,
            ..
        } = std::mem::replace(&mut self.dialog, Dialog::None)
        else {
            return;
        };
        let changes = checked.changes;
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
        let Dialog::Writing { receiver, .. } = &self.dialog else { return };
        let Some(result) = super::worker::answer(receiver, "write") else { return };
        // The dialog is replaced below: its changes are taken, not copied.
        let Dialog::Writing { kind, changes, .. } = std::mem::replace(&mut self.dialog, Dialog::None) else { return };
        let title;
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
                let (applied, conflicts, failed) =
                    (report.count(Outcome::Applied), report.count(Outcome::Conflict), report.count(Outcome::Failed));
                title = match (applied, conflicts, failed) {
                    (0, 0, 0) => "Nothing was written".to_owned(),
                    (0, _, _) => "Failed".to_owned(),
                    (_, 0, 0) if undo => "Undone".to_owned(),
                    (_, 0, 0) => "Applied".to_owned(),
                    _ => {
                        let mut problems = Vec::new();
                        if conflicts > 0 {
                            problems.push(crate::report::count(conflicts, "conflict"));
                        }
                        if failed > 0 {
                            problems.push(crate::report::count(failed, "failure"));
                        }
                        format!("Finished with {}", problems.join(" and "))
                    }
                };
                let rescan = match kind {
                    WriteKind::Anchors { wave } => {
                        format!(" Wave {wave}'s anchors are stamped: scan again to plan anew.")
                    }
                    _ => String::new(),
                };
                format!(
                    "{applied} {verb}, {conflicts} conflicts, {failed} failed.{rescan} Journal: {}",
                    journal.display()
                )
            }
            Err(e) => {
                // The dialog closes; the error stays in the status line.
                self.fail(format!("Nothing more was written: {e}"));
                self.dialog = Dialog::None;
                return;
            }
        };
        self.status = message.clone();
        self.dialog = Dialog::Finished { title, message };
    }
}
