//! The dialogs: apply and undo (confirm what will change, and where, and the journal; watch
//! the progress; read the totals), and the review's export and import (a file and what its
//! format is for). They draw the dialog's state and return what the admin
//! clicked; the app carries it out (gui/writes.rs).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::Receiver;

use eframe::egui;

use super::apply::{ChangeSummary, WriteProgress, WriteResult};
use super::file_jobs::Direction;
use super::planning::PendingPlan;
use super::settings::{Settings, TlsMode};
use super::widgets::labelled_combo;
use crate::fix::Change;
use crate::fix::value_check::{ValueProblem, ValueReview};

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
        /// The changes, their summary and the rules' verdict on their new values, as the
        /// worker makes them.
        plan: PendingPlan,
        journal: String,
        large_confirmed: bool,
        /// For a profile with plain LDAP: the admin agreed to send the password unencrypted,
        /// for this write only.
        plain_confirmed: bool,
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
        /// What happened, in the title: "Applied", "Finished with 2 conflicts", "Failed".
        title: String,
        message: String,
    },
    /// Export the review to a file, or import a reviewed CSV.
    Files {
        direction: Direction,
        path: String,
    },
}

impl Dialog {
    pub fn is_open(&self) -> bool {
        !matches!(self, Dialog::None)
    }

    pub fn is_writing(&self) -> bool {
        matches!(self, Dialog::Writing { .. })
    }

    pub fn is_planning(&self) -> bool {
        matches!(self, Dialog::ConfirmApply { plan, .. } if plan.is_working())
    }

    /// A journal chosen in a file dialog.
    pub fn set_journal(&mut self, path: String) {
        if let Dialog::PickUndo { journal, preview, .. } = self {
            *journal = path;
            *preview = None;
        }
    }

    /// A file chosen in a file dialog for the export or import.
    pub fn set_file(&mut self, chosen: String) {
        if let Dialog::Files { path, .. } = self {
            *path = chosen;
        }
    }
}

/// What the admin clicked in a dialog this frame.
pub enum Click {
    None,
    Close,
    Apply,
    Preview,
    Undo,
    Browse,
    /// Export or import (as the Files dialog says) now.
    MoveFiles,
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

/// The rules' verdict on the new values: refusals in red, then warnings.
fn show_values(ui: &mut egui::Ui, values: &ValueReview) {
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
    }
}

/// A spinner and what a worker is doing.
fn working(ui: &mut egui::Ui, doing: &str) {
    ui.horizontal(|ui| {
        ui.spinner();
        ui.label(doing);
    });
}

/// The "only DNs containing" text, when one is given.
pub fn only_filter(only: &str) -> Option<&str> {
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

/// The export or import dialog: the file, what its format is for, Browse, go and Cancel.
fn files(ui: &mut egui::Ui, direction: Direction, path: &mut String) -> Click {
    let (heading, go) = match direction {
        Direction::Export => ("Export the review", "Export"),
        Direction::Import => ("Import a reviewed CSV", "Import"),
    };
    ui.heading(heading);
    match direction {
        Direction::Export => {
            ui.label("The file's ending picks what it holds:");
            ui.label("  .csv: every row with its ACTION and UPDATE, for syncready apply or Excel");
            ui.label("  .ldif: the accepted changes only, as LDIF (to read, or for ldifde)");
            ui.label("  .json: every row with its decision, for scripts");
            ui.label("  .html: the scan's report page, to open in a browser or send (the decisions are not in it)");
        }
        Direction::Import => {
            ui.label(
                "Takes ACTION and UPDATE from a CSV exported here or by syncready scan (edited in Excel, say), \
                 for this scan's rows with the same DN, attribute and value.",
            );
        }
    }
    let mut click = Click::None;
    ui.horizontal(|ui| {
        let label = ui.label("File");
        ui.add(egui::TextEdit::singleline(path).desired_width(420.0)).labelled_by(label.id);
        if ui.button("Browse…").clicked() {
            click = Click::Browse;
        }
    });
    match buttons(ui, (go, !path.trim().is_empty(), Click::MoveFiles)) {
        Click::None => click,
        other => other,
    }
}

/// Draws `dialog` (open), with the write target from `settings`; returns what the admin
/// clicked. The app carries it out (gui/writes.rs).
pub fn show(dialog: &mut Dialog, settings: &mut Settings, ctx: &egui::Context) -> Click {
    egui::Modal::new(egui::Id::unique("write-dialog"))
        .show(ctx, |ui| {
            ui.set_max_width(760.0);
            match dialog {
                Dialog::None => Click::None,
                Dialog::ConfirmApply {
                    plan,
                    journal,
                    large_confirmed,
                    plain_confirmed,
                    warnings_confirmed,
                    error,
                    ..
                } => {
                    ui.heading("Write these changes to the directory?");
                    let secure = target(ui, settings, plain_confirmed);
                    let Some(summary) = &plan.summary else {
                        working(ui, "Planning the accepted decisions…");
                        return buttons(ui, ("Apply changes", false, Click::Apply));
                    };
                    // The lists scroll, so the journal and the buttons stay in a small window.
                    let lists = egui::ScrollArea::vertical().max_height(ui.ctx().content_rect().height() * 0.45);
                    lists.show(ui, |ui| {
                        summary.show(ui);
                        match &plan.checked {
                            Some(checked) => show_values(ui, &checked.values),
                            None => working(ui, "Checking the new values with the scan's rules…"),
                        }
                    });
                    let values_ok = plan.checked.as_ref().is_some_and(|checked| {
                        let values = &checked.values;
                        if !values.to_confirm.is_empty() {
                            ui.checkbox(warnings_confirmed, "Write the values with warnings too");
                        }
                        values.refused.is_empty() && (values.to_confirm.is_empty() || *warnings_confirmed)
                    });
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
                    // Two rows: the journal's path takes most of the dialog's width.
                    ui.horizontal(|ui| {
                        if journal_field(ui, "Journal to undo", journal) {
                            *preview = None;
                        }
                    });
                    ui.horizontal(|ui| {
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
                Dialog::Finished { title, message } => {
                    ui.heading(title.as_str());
                    ui.label(message.as_str());
                    if ui.button("Close").clicked() { Click::Close } else { Click::None }
                }
                Dialog::Files { direction, path } => files(ui, *direction, path),
            }
        })
        .inner
}
