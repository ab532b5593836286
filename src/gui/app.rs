//! The app's window: source, ruleset and review tools on top, counts by error name with a
//! chart on the left, the findings table (virtualized) in the middle, the selected row on the
//! right; apply and undo in dialogs. The state the tests drive lives here.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::Receiver;

use eframe::egui;
use egui_plot::{Bar, BarChart, Plot};

use super::dialogs::Dialog;
use super::file_dialog::{Answer, FileDialogs, FileTarget};
use super::file_jobs::{Direction, FileJob, FileJobDone};
use super::filters::{ACTION_LABELS, ACTIONS, Filters};
use super::migration::{MigrationView, ScanInput};
use super::review_model::{Chosen, Column, Pick, ReviewModel, RowChoice, RowResult};
use super::saved_review::SavedReview;
use super::settings::{Settings, SourceKind};
use super::widgets::{combo, row};
use super::worker::{ScanDone, ScanProgress, Scanner, answer, read_and_check, spawn_scan};
use super::{details, source_panel, table};
use crate::fix::{Action, ReviewState};
use crate::model::DirObject;
use crate::report::page::report::ReportContext;
use crate::rules::{Finding, Ruleset, RulesetOptions, Severity, add_attributes, needed_attributes};
use crate::source::SourceSpec;

const SETTINGS_KEY: &str = "syncready-settings";

/// From this width on, the window shows the counts by error name on the left.
const WIDE_WINDOW: f32 = 1200.0;

/// What the window's middle shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    Findings,
    Migration,
}

/// A scan on its worker.
struct RunningScan {
    receiver: Receiver<Result<ScanDone, String>>,
    progress: Arc<ScanProgress>,
}

pub struct SyncreadyApp {
    pub(super) settings: Settings,
    scan: Option<RunningScan>,
    /// The review: findings, decisions, results, order, filters, selection.
    pub(super) model: ReviewModel,
    /// The ruleset of the last scan (the migration planner uses it).
    pub(super) ruleset: Option<Ruleset>,
    /// What an exported report.html of the last scan shows besides the findings.
    report: Option<Arc<ReportContext>>,
    view: View,
    migration: MigrationView,
    scroll_to: Option<usize>,
    /// Give the selected row's Update cell the keyboard next frame (after a double-click).
    focus_update: bool,
    pub(super) status: String,
    /// The status line's text when it reports a failure (shown in red while it is the status).
    failure: Option<String>,
    pub(super) dialog: Dialog,
    /// What the write worker runs (see [`SyncreadyApp::set_writer`]).
    pub(super) writer: super::apply::Writer,
    /// What the scan worker runs (see [`SyncreadyApp::set_scanner`]).
    scanner: Scanner,
    /// An export or import on its worker.
    file_job: Option<FileJob>,
    pub(super) files: FileDialogs,
    filter_id: egui::Id,
    /// Where the review is kept between runs, what was saved there last (a fingerprint), and
    /// whether the review saved by an earlier run was looked at (after the first scan: a large
    /// file is not read at start-up, and this run writes it only once it has scanned).
    review_file: PathBuf,
    saved_fingerprint: u64,
    saved_review_read: bool,
    saved_review: Option<SavedReview>,
    /// The saved review offered back after a scan of its sources.
    offer: Option<SavedReview>,
    /// The last scan's sources, by name.
    sources: Vec<String>,
}

impl SyncreadyApp {
    pub fn new(cc: &eframe::CreationContext<'_>) -> SyncreadyApp {
        super::fonts::add_system_fallbacks(&cc.egui_ctx);
        super::look::apply(&cc.egui_ctx);
        let settings = cc.storage.and_then(|s| eframe::get_value(s, SETTINGS_KEY)).unwrap_or_default();
        let mut app = SyncreadyApp {
            settings,
            scan: None,
            model: ReviewModel::default(),
            ruleset: None,
            report: None,
            view: View::Findings,
            migration: MigrationView::default(),
            scroll_to: None,
            focus_update: false,
            failure: None,
            status: "Choose a source and scan.".into(),
            dialog: Dialog::None,
            writer: super::apply::write,
            scanner: read_and_check,
            file_job: None,
            files: FileDialogs::default(),
            filter_id: egui::Id::unique("findings-filter"),
            review_file: PathBuf::new(),
            saved_fingerprint: 0,
            saved_review_read: false,
            saved_review: None,
            offer: None,
            sources: Vec::new(),
        };
        app.use_review_file(super::saved_review::default_path());
        app.check_ruleset_file();
        app
    }

    /// Takes settings as eframe's storage would give them at start (tests use it).
    pub fn restore_settings_json(&mut self, json: &str) -> Result<(), String> {
        self.settings = serde_json::from_str(json).map_err(|e| e.to_string())?;
        self.check_ruleset_file();
        Ok(())
    }

    /// Whether the status line reports a failure (it is shown in red).
    pub fn status_is_failure(&self) -> bool {
        self.failure.as_ref() == Some(&self.status)
    }

    /// Keeps the review in `path` (tests use their own); the review saved there is offered
    /// back after the first scan of its sources.
    pub fn use_review_file(&mut self, path: PathBuf) {
        self.saved_fingerprint = 0;
        self.saved_review_read = false;
        self.saved_review = None;
        self.review_file = path;
    }

    /// The review an earlier run saved, when it was made on this scan's sources (read at the
    /// first scan, offered once).
    fn earlier_review(&mut self) -> Option<SavedReview> {
        if !std::mem::replace(&mut self.saved_review_read, true) {
            match SavedReview::read(&self.review_file) {
                Ok(saved) => self.saved_review = saved,
                Err(e) => self.fail(format!("The saved review cannot be read: {e}")),
            }
        }
        self.saved_review.take_if(|saved| saved.sources == self.sources)
    }

    /// A remembered ruleset file that is gone: say so and use the built-in ruleset.
    fn check_ruleset_file(&mut self) {
        if let Some(problem) = self.settings.forget_missing_ruleset_file() {
            self.fail(format!("{problem}: the built-in multi-tenant ruleset is used instead."));
        }
    }

    /// Saves the review if it changed since it was last saved (eframe calls this every few
    /// seconds and on exit).
    pub fn save_review(&mut self) {
        if self.sources.is_empty() {
            return;
        }
        let fingerprint = {
            use std::hash::{Hash, Hasher};
            let mut hasher = std::hash::DefaultHasher::new();
            self.sources.hash(&mut hasher);
            self.model.review.decisions.hash(&mut hasher);
            hasher.finish()
        };
        if fingerprint == self.saved_fingerprint {
            return;
        }
        let saved = SavedReview::of(&self.sources, &self.model.findings, &self.model.review.decisions);
        match saved.write(&self.review_file) {
            Ok(()) => self.saved_fingerprint = fingerprint,
            Err(e) => self.fail(format!("The review could not be saved: {e}")),
        }
    }

    /// The saved review offered back after the scan, if any.
    pub fn offered_review(&self) -> Option<&SavedReview> {
        self.offer.as_ref()
    }

    /// Whether a scan is running.
    pub fn is_scanning(&self) -> bool {
        self.scan.is_some()
    }

    /// Whether an apply or undo is running.
    /// Replaces what the write worker runs. Tests use it to see what the app does when a
    /// worker fails in ways a real directory cannot be made to (a panic).
    pub fn set_writer(&mut self, writer: super::apply::Writer) {
        self.writer = writer;
    }

    /// Replaces what the scan worker runs, as [`SyncreadyApp::set_writer`] does for writes.
    pub fn set_scanner(&mut self, scanner: Scanner) {
        self.scanner = scanner;
    }

    pub fn is_writing(&self) -> bool {
        self.dialog.is_writing()
    }

    /// Whether the Apply… dialog is still planning its changes or checking their new values.
    pub fn is_planning(&self) -> bool {
        self.dialog.is_planning()
    }

    pub fn findings(&self) -> &[Finding] {
        &self.model.findings
    }

    /// The findings the filters let through, as indexes, in table order.
    pub fn visible(&self) -> &[usize] {
        &self.model.visible
    }

    pub fn review(&self) -> &ReviewState {
        &self.model.review
    }

    /// The result of each finding's write (apply or undo), by index.
    pub fn results(&self) -> &[Option<RowResult>] {
        &self.model.outcomes
    }

    pub fn status(&self) -> &str {
        &self.status
    }

    /// The migration view (its plan, once made).
    pub fn migration(&self) -> &MigrationView {
        &self.migration
    }

    /// The settings as they would be stored.
    pub fn settings_json(&self) -> String {
        serde_json::to_string(&self.settings).unwrap_or_default()
    }

    /// Replaces every filter and recomputes the visible rows (what the controls do).
    pub fn set_filters(&mut self, filters: Filters) {
        self.model.set_filters(filters);
    }

    pub fn filters(&self) -> &Filters {
        &self.model.filters
    }

    /// Starts a scan of the built-in demo directory.
    pub fn scan_demo(&mut self, ctx: &egui::Context) {
        self.settings.source = SourceKind::Demo;
        self.start_scan(ctx);
    }

    /// Loads the findings of a finished scan as if the worker had sent them (benchmarks).
    pub fn load_findings(&mut self, findings: Vec<Finding>, objects: Vec<DirObject>) {
        self.model.load(findings, objects);
    }

    /// Starts a scan of the chosen source with the chosen ruleset.
    fn start_scan(&mut self, ctx: &egui::Context) {
        // Checked here, without the tenant export: the worker reads that (it can be large).
        let options = self.settings.ruleset_options();
        let ruleset = match (RulesetOptions { tenant: Vec::new(), ..options.clone() }).build() {
            Ok(ruleset) => ruleset,
            Err(e) => {
                self.fail(format!("Ruleset: {e}"));
                return;
            }
        };
        let specs: Vec<SourceSpec> = match self.settings.source {
            SourceKind::Demo => vec![SourceSpec::Demo],
            SourceKind::Files => {
                let specs: Vec<SourceSpec> = self.settings.file_paths().into_iter().map(file_spec).collect();
                if specs.is_empty() {
                    self.status = "Add an LDIF or csvde export to scan.".into();
                    return;
                }
                specs
            }
            SourceKind::Directory => {
                let mut attributes = needed_attributes(&ruleset);
                // With a Connect Sync export chosen, also what the migration planner reads.
                let config = Path::new(self.settings.migration_config.trim());
                if let Ok(config) = crate::migrate::read_config(config) {
                    add_attributes(&mut attributes, &crate::migrate::needed_attributes(&config));
                }
                let profiles = self.settings.profiles.iter().filter(|p| p.enabled);
                match profiles.map(|p| p.options(attributes.clone())).collect::<Result<Vec<_>, String>>() {
                    Ok(directories) if !directories.is_empty() => {
                        directories.into_iter().map(SourceSpec::Ldap).collect()
                    }
                    Ok(_) => {
                        self.status = "Tick \"Read\" on at least one connection profile.".into();
                        return;
                    }
                    Err(e) => {
                        self.status = e;
                        return;
                    }
                }
            }
        };
        let progress = Arc::new(ScanProgress::default());
        let receiver = spawn_scan(self.scanner, specs, options, ctx.clone(), progress.clone());
        self.scan = Some(RunningScan { receiver, progress });
        self.status = "Scanning…".into();
    }

    /// Takes a finished scan's result; the window's title then says what the table holds (the
    /// taskbar shows it, and the Windows screenshot check waits for it).
    fn poll_scan(&mut self, ctx: &egui::Context) {
        let Some(running) = &self.scan else { return };
        let Some(result) = answer(&running.receiver, "scan") else { return };
        self.scan = None;
        match result {
            Ok(done) => {
                let stats = &done.stats;
                let sources: Vec<String> =
                    done.sources.iter().map(|s| format!("{} ({} objects)", s.name, s.objects)).collect();
                self.status = format!(
                    "{} objects read, {} checked, {} skipped: {} findings. Sources: {}.",
                    stats.objects_read,
                    stats.checked,
                    stats.skipped,
                    done.findings.len(),
                    sources.join(", ")
                );
                let names: Vec<&str> = done.sources.iter().map(|s| s.name.as_str()).collect();
                let title = format!("syncready: {} findings in {}", done.findings.len(), names.join(", "));
                ctx.send_viewport_cmd(egui::ViewportCommand::Title(title));
                self.ruleset = Some(done.ruleset);
                self.report = Some(Arc::new(done.report));
                self.load_findings(done.findings, done.objects);
                self.migration.clear();
                self.sources = done.sources.iter().map(|s| s.name.clone()).collect();
                self.offer = self.earlier_review();
            }
            Err(error) => {
                ctx.send_viewport_cmd(egui::ViewportCommand::Title("syncready: the scan failed".into()));
                // The old findings no longer say what the directory holds: the table empties,
                // and Apply… with it (the review was saved).
                self.save_review();
                self.model = ReviewModel::default();
                self.migration.clear();
                self.sources.clear();
                self.fail(format!("Scan failed: {error}"));
            }
        }
    }

    /// The selected finding's index.
    pub fn selected_finding(&self) -> Option<usize> {
        self.model.selected_finding()
    }

    /// Selects a row by its position in the visible list.
    pub fn select(&mut self, position: usize) {
        self.model.select(position);
    }

    /// The findings an action on "the selection" acts on: the picked rows, or the selected one.
    pub fn selection(&self) -> Vec<usize> {
        self.model.selection()
    }

    /// The visible positions the table highlights (the selected row and the picked ones).
    pub fn highlighted(&self) -> Vec<usize> {
        (0..self.model.visible.len()).filter(|&p| self.model.is_highlighted(p)).collect()
    }

    /// Accepts the selected row's proposed value, or takes the decision back.
    pub fn toggle_selected(&mut self) {
        self.model.toggle_selected();
    }

    /// Takes back every decision.
    pub fn clear_decisions(&mut self) {
        self.model.clear_decisions();
    }

    /// Ctrl+F goes to the filter; without a focused field, arrows move the selection and Space
    /// accepts the selected row's fix (or takes it back).
    fn keyboard(&mut self, ctx: &egui::Context) {
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::F)) {
            ctx.memory_mut(|m| m.request_focus(self.filter_id));
        }
        if self.dialog.is_open() {
            if !self.dialog.is_writing() && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape)) {
                self.dialog = super::dialogs::Dialog::None;
            }
            return;
        }
        if ctx.memory(|m| m.focused().is_some()) {
            return;
        }
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::A)) {
            self.model.pick_visible();
            self.status = format!("Picked the {} filtered rows.", self.model.visible.len());
        }
        let (down, up, space) = ctx.input(|i| {
            (i.key_pressed(egui::Key::ArrowDown), i.key_pressed(egui::Key::ArrowUp), i.key_pressed(egui::Key::Space))
        });
        if down || up {
            self.model.step_selection(down);
            self.scroll_to = self.model.selected;
        }
        if space {
            self.toggle_selected();
        }
    }

    /// Puts a chosen file's path where it belongs.
    fn take_file(&mut self, target: FileTarget, paths: Vec<PathBuf>) {
        let Some(first) = paths.first() else { return };
        if let Some(folder) = first.parent() {
            self.settings.last_folder = folder.display().to_string();
        }
        let text = first.display().to_string();
        match target {
            FileTarget::SourceFiles => {
                let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                self.settings.files = list.join("\n");
                self.settings.source = SourceKind::Files;
            }
            FileTarget::CaFile(i) => {
                if let Some(profile) = self.settings.profiles.get_mut(i) {
                    profile.ca_file = text;
                }
            }
            FileTarget::RulesetFile => self.settings.ruleset.ruleset = text,
            FileTarget::VerifiedDomainsFile => self.settings.ruleset.verified_domains_file = Some(first.clone()),
            FileTarget::Export | FileTarget::Import => self.dialog.set_file(text),
            FileTarget::Journal => self.dialog.set_journal(text),
            FileTarget::MigrationConfig => self.settings.migration_config = text,
            FileTarget::TenantExport => self.settings.ruleset.tenant = vec![first.clone()],
        }
    }

    /// Opens the export or import dialog, with the last file.
    fn open_files(&mut self, direction: Direction) {
        self.dialog = Dialog::Files { direction, path: self.settings.export_path.clone() };
    }

    /// Opens a native file dialog for `target`.
    pub(super) fn open_file_dialog(&mut self, target: FileTarget, ctx: &egui::Context) {
        self.files.open(target, &self.settings.last_folder, ctx);
    }

    /// Starts writing the review to, or reading decisions from, the export path on a worker.
    pub(super) fn move_files(&mut self, direction: Direction, ctx: &egui::Context) {
        let path = PathBuf::from(self.settings.export_path.trim());
        let (findings, decisions) = (self.model.findings.clone(), self.model.review.decisions.clone());
        self.file_job = Some(match direction {
            Direction::Export => {
                self.status = format!("Exporting to {}…", path.display());
                FileJob::export(path, findings, decisions, self.report.clone(), ctx)
            }
            Direction::Import => {
                self.status = format!("Importing {}…", path.display());
                FileJob::import(path, findings, decisions, ctx)
            }
        });
    }

    /// Takes a finished export's or import's answer.
    fn poll_file_job(&mut self) {
        let Some(job) = &self.file_job else { return };
        let Some(result) = job.poll() else { return };
        let current = job.is_for(&self.model.findings);
        self.status = match result {
            Ok(FileJobDone::Exported(message)) => message,
            Ok(FileJobDone::Imported { message, decisions }) if current => {
                self.model.review.decisions = decisions;
                self.model.refresh();
                message
            }
            Ok(FileJobDone::Imported { .. }) => "Import discarded: a new scan replaced the findings.".into(),
            Err(e) => {
                let message = format!("{}: {e}", job.failed());
                self.file_job = None;
                return self.fail(message);
            }
        };
        self.file_job = None;
    }

    /// Whether an export or import is running.
    pub fn is_moving_files(&self) -> bool {
        self.file_job.is_some()
    }

    fn scan_bar(&mut self, ui: &mut egui::Ui) {
        let idle = !self.is_scanning() && !self.is_writing();
        egui::CollapsingHeader::new("Source and ruleset").default_open(true).show(ui, |ui| {
            let clicks = source_panel::show(ui, &mut self.settings, idle);
            if clicks.scan {
                self.start_scan(ui.ctx());
            }
            if let Some(target) = clicks.browse {
                self.files.open(target, &self.settings.last_folder, ui.ctx());
            }
        });
        if let Some(running) = &self.scan {
            ui.horizontal(|ui| {
                ui.spinner();
                for source in running.progress.sources() {
                    ui.label(format!("{}: {} objects, {:.0}/s", source.name, source.objects, source.rate()));
                }
                let found = running.progress.findings.load(Ordering::Relaxed);
                if running.progress.checking.load(Ordering::Relaxed) {
                    ui.label(format!("Checking: {found} findings so far"));
                }
                if ui.button("Cancel scan").clicked() {
                    running.progress.cancel.store(true, Ordering::Relaxed);
                }
            });
            // The counts live in atomics: look again soon.
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    fn review_bar(&mut self, ui: &mut egui::Ui) {
        // Every row wraps: at 800 pixels nothing is cut off.
        row(ui, |ui| {
            let label = ui.label("Filter");
            let filter =
                egui::TextEdit::singleline(&mut self.model.filters.text).id(self.filter_id).desired_width(160.0);
            let mut changed = ui.add(filter).labelled_by(label.id).on_hover_text("Ctrl+F").changed();
            let errors: Vec<String> = self.model.choices.errors.iter().map(|(name, _)| name.clone()).collect();
            changed |= combo(ui, "Only error", &mut self.model.filters.error, &errors);
            changed |= combo(ui, "Only attribute", &mut self.model.filters.attribute, &self.model.choices.attributes);
            changed |= combo(ui, "Only class", &mut self.model.filters.class, &self.model.choices.classes);
            let severities: Vec<String> =
                [Severity::Error, Severity::Warning, Severity::Info].iter().map(|s| s.as_str().to_owned()).collect();
            let mut severity = self.model.filters.severity.map(|s| s.as_str().to_owned());
            if combo(ui, "Only severity", &mut severity, &severities) {
                self.model.filters.severity = [Severity::Error, Severity::Warning, Severity::Info]
                    .into_iter()
                    .find(|s| severity.as_deref() == Some(s.as_str()));
                changed = true;
            }
            let actions: Vec<String> = ACTION_LABELS.iter().map(|a| a.to_string()).collect();
            let label_of = |word: &str| ACTIONS.iter().position(|a| *a == word).map(|i| ACTION_LABELS[i].to_owned());
            let mut action = self.model.filters.action.and_then(label_of);
            if combo(ui, "Only action", &mut action, &actions) {
                let position = ACTION_LABELS.iter().position(|l| action.as_deref() == Some(*l));
                self.model.filters.action = position.map(|i| ACTIONS[i]);
                changed = true;
            }
            let label = ui.label("OU");
            changed |= ui
                .add(egui::TextEdit::singleline(&mut self.model.filters.ou).desired_width(150.0))
                .labelled_by(label.id)
                .on_hover_text("rows whose DN ends with this, e.g. OU=Sales,DC=contoso,DC=com")
                .changed();
            if let Some(set) = &self.model.filters.objects {
                ui.label(format!("Showing {}", set.description));
                if ui.button("Show all objects").clicked() {
                    self.model.filters.objects = None;
                    changed = true;
                }
            }
            if changed {
                self.model.refresh();
            }
            ui.label(format!("{} of {} rows", self.model.visible.len(), self.model.findings.len()));
        });
        self.offer_bar(ui);
        let has_findings = !self.model.findings.is_empty();
        row(ui, |ui| {
            if ui.add_enabled(has_findings, egui::Button::new("Accept safe fixes")).clicked() {
                let accepted = self.model.review.accept_safe(&self.model.findings);
                self.status = format!("Accepted {accepted} safe fixes.");
            }
            // Everything filtered, unsafe fixes included: an explicit choice.
            if ui.add_enabled(has_findings, egui::Button::new("Accept filtered fixes")).clicked() {
                let accepted = self.model.review.accept_at(&self.model.findings, &self.model.visible, true);
                self.status = format!("Accepted {accepted} fixes of the {} filtered rows.", self.model.visible.len());
            }
            if ui.add_enabled(has_findings, egui::Button::new("Leave filtered as is")).clicked() {
                self.model.review.set(&self.model.visible, &Action::Complete);
                self.status = format!("{} rows left as they are.", self.model.visible.len());
            }
            ui.separator();
            let selection = self.selection();
            ui.label(format!("Selected: {}", selection.len()));
            if ui.add_enabled(!selection.is_empty(), egui::Button::new("Accept selected fixes")).clicked() {
                let accepted = self.model.review.accept_at(&self.model.findings, &selection, true);
                self.status = format!("Accepted {accepted} fixes of the {} selected rows.", selection.len());
            }
            if ui.add_enabled(!selection.is_empty(), egui::Button::new("Leave selected as is")).clicked() {
                self.model.review.set(&selection, &Action::Complete);
            }
            if ui.add_enabled(!selection.is_empty(), egui::Button::new("Clear selected decisions")).clicked() {
                self.model.review.set(&selection, &Action::Undecided);
            }
        });
        row(ui, |ui| {
            let blocker = self.write_blocker();
            let apply_ready = blocker.is_none() && has_findings;
            let apply = ui.add_enabled(apply_ready, egui::Button::new("Apply…"));
            if apply.clicked() {
                self.open_apply(ui.ctx());
            }
            if ui.add_enabled(blocker.is_none(), egui::Button::new("Undo…")).clicked() {
                self.open_undo();
            }
            if let Some(reason) = &blocker {
                ui.label(egui::RichText::new(reason).weak());
            } else if !has_findings {
                ui.label(egui::RichText::new("Scan first: Apply… writes the review's accepted fixes.").weak());
            }
            ui.separator();
            let moving = self.is_moving_files();
            if ui.add_enabled(has_findings && !moving, egui::Button::new("Export…")).clicked() {
                self.open_files(Direction::Export);
            }
            if ui.add_enabled(has_findings && !moving, egui::Button::new("Import reviewed CSV…")).clicked() {
                self.open_files(Direction::Import);
            }
            ui.separator();
            ui.menu_button("Columns", |ui| self.column_menu(ui));
        });
        if let Some(job) = &self.file_job {
            match job.rows_done() {
                Some((done, total)) => {
                    let bar = egui::ProgressBar::new(done as f32 / total.max(1) as f32).desired_width(320.0);
                    ui.add(bar.text(format!("{done} of {total} rows")));
                }
                None => {
                    ui.spinner();
                }
            }
            // The count lives in an atomic: look again soon.
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
        }
        let status = egui::RichText::new(&self.status);
        ui.label(if self.status_is_failure() { status.color(ui.visuals().error_fg_color) } else { status });
    }

    /// The saved review of these sources, offered back.
    fn offer_bar(&mut self, ui: &mut egui::Ui) {
        let Some(offer) = &self.offer else { return };
        let mut restore = None;
        row(ui, |ui| {
            ui.label(format!(
                "A review of these sources saved {} holds {}.",
                offer.saved,
                crate::report::count(offer.decisions.len(), "decision")
            ));
            if ui.button("Restore saved review").clicked() {
                restore = Some(true);
            }
            if ui.button("Discard saved review").clicked() {
                restore = Some(false);
            }
        });
        match restore {
            Some(true) => {
                let offer = self.offer.take().unwrap_or_else(|| unreachable!("shown above"));
                let matched = offer.restore(&self.model.findings, &mut self.model.review.decisions);
                let unmatched = offer.decisions.len() - matched;
                let rest =
                    if unmatched == 0 { String::new() } else { format!("; {unmatched} match no finding of this scan") };
                self.status = format!("Restored {matched} of {} saved decisions{rest}.", offer.decisions.len());
                self.model.refresh();
            }
            Some(false) => {
                self.offer = None;
                self.status = "The saved review was discarded.".into();
            }
            None => {}
        }
    }

    /// Puts a failure in the status line, in red.
    pub(super) fn fail(&mut self, message: String) {
        self.failure = Some(message.clone());
        self.status = message;
    }

    /// Why Apply… and Undo… cannot open yet, if they cannot.
    fn write_blocker(&self) -> Option<String> {
        if self.is_scanning() || self.is_writing() {
            return Some("Wait for the scan or write to finish.".into());
        }
        let profile = self.settings.profiles.get(self.settings.write_profile);
        let url = profile.map(|p| p.url.trim()).unwrap_or_default();
        if url.is_empty() || url.ends_with("://") {
            return Some(
                "Apply… and Undo… need a directory to write to: choose \"Directory (LDAP)\" and give the server URL."
                    .into(),
            );
        }
        None
    }

    /// Which columns the table shows.
    fn column_menu(&mut self, ui: &mut egui::Ui) {
        for column in Column::ALL {
            let mut shown = self.settings.columns.contains(&column);
            if ui.checkbox(&mut shown, column.title()).changed() {
                if shown {
                    self.settings.columns.push(column);
                    self.settings.columns.sort_by_key(|c| Column::ALL.iter().position(|a| a == c));
                } else if self.settings.columns.len() > 1 {
                    self.settings.columns.retain(|c| *c != column);
                }
            }
        }
        if ui.button("Default columns").clicked() {
            self.settings.columns = Column::ALL.into_iter().filter(|c| c.shown_by_default()).collect();
        }
    }

    fn counts_panel(&mut self, ui: &mut egui::Ui) {
        ui.heading("Findings by error");
        if self.model.choices.errors.is_empty() {
            ui.label("No findings yet: scan a source.");
            return;
        }
        ui.label(egui::RichText::new("Every finding of the scan: the filters do not change these counts.").weak());
        let mut clicked = None;
        for (name, count) in &self.model.choices.errors {
            ui.horizontal(|ui| {
                let selected = self.model.filters.error.as_deref() == Some(name.as_str());
                let response = ui.selectable_label(selected, name.as_str());
                // Its accessible name says what it does (the table shows the same words).
                response.widget_info(|| {
                    egui::WidgetInfo::selected(egui::Role::Button, true, selected, format!("Only {name}"))
                });
                if response.clicked() {
                    clicked = Some(name.clone());
                }
                ui.label(count.to_string());
            });
        }
        if !self.model.choices.errors.is_empty() && ui.button("All errors").clicked() {
            self.model.filters.error = None;
            self.model.refresh();
        }
        let bars: Vec<Bar> = self
            .model
            .choices
            .errors
            .iter()
            .enumerate()
            .map(|(i, (name, count))| {
                let bar = Bar::new(i as f64, *count as f64).name(name).width(0.8);
                if self.model.filters.error.as_deref() == Some(name.as_str()) {
                    bar.fill(egui::Color32::from_rgb(230, 140, 30))
                } else {
                    bar
                }
            })
            .collect();
        // No coordinate read-out: it stacked a second tooltip over the bar's own.
        let plot = Plot::new("counts")
            .show_x(false)
            .show_y(false)
            .height(220.0)
            .show_axes([false, true])
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .allow_double_click_reset(false);
        let chart = plot.show(ui, |plot| {
            plot.bar_chart(BarChart::new("findings", bars));
            let click = plot.response().clicked().then(|| plot.pointer_coordinate()).flatten();
            click.map(|point| point.x.round()).filter(|x| *x >= 0.0).map(|x| x as usize)
        });
        chart.response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Figure, true, "Findings chart"));
        if let Some((name, _)) = chart.inner.and_then(|bar| self.model.choices.errors.get(bar)) {
            clicked = Some(name.clone());
        }
        if let Some(name) = clicked {
            self.model.filters.error = if self.model.filters.error.as_ref() == Some(&name) { None } else { Some(name) };
            self.model.refresh();
        }
    }

    fn details_panel(&mut self, ui: &mut egui::Ui) {
        let Some(index) = self.selected_finding() else {
            ui.label("Select a row to review it. Ctrl+click or Shift+click picks several.");
            return;
        };
        let finding = &self.model.findings[index];
        let jump = details::show(
            ui,
            finding,
            &mut self.model.review.decisions[index],
            self.model.outcomes[index].as_ref(),
            &self.model.objects,
        );
        if let Some(object) = jump {
            let filtered = !self.model.filters.is_empty();
            self.scroll_to = self.model.jump_to(object);
            if filtered && self.model.filters.is_empty() {
                self.status = "The filters hid that object, so they were cleared to show it.".into();
            }
        }
    }

    fn table(&mut self, ui: &mut egui::Ui) {
        let view = table::TableView {
            model: &self.model,
            columns: &self.settings.columns,
            scroll_to: self.scroll_to.take(),
            focus_update: std::mem::take(&mut self.focus_update),
        };
        let clicks = table::show(ui, &view);
        if let Some(column) = clicks.header {
            self.model.sort_by(column);
        }
        if let Some(position) = clicks.row {
            self.click_row(position, ui.input(|i| i.modifiers));
        }
        if let Some(position) = clicks.double {
            self.model.select(position);
            self.focus_update = true;
        }
        if let Some((index, value)) = clicks.edited {
            self.model.review.decisions[index] = Action::Edit(value);
        }
        if let Some((position, choice, on_picks)) = clicks.choice {
            self.choose(position, choice, on_picks, ui.ctx());
        }
    }

    /// Carries out a row's drop-down or right-click choice.
    pub fn choose(&mut self, position: usize, choice: RowChoice, on_picks: bool, ctx: &egui::Context) {
        match self.model.choose(position, choice, on_picks) {
            Some(Chosen::Decided(message)) => self.status = message,
            Some(Chosen::Copy(text)) => {
                self.status = "Copied.".into();
                ctx.copy_text(text);
            }
            Some(Chosen::EditInPlace) => self.focus_update = true,
            Some(Chosen::Filtered) => self.scroll_to = Some(0),
            None => {}
        }
    }

    /// A click picks one row; Ctrl adds or removes one, Shift picks the range from the selected row
    /// (Ctrl+Shift adds it).
    pub fn click_row(&mut self, position: usize, modifiers: egui::Modifiers) {
        let pick = match (modifiers.shift, modifiers.command) {
            (true, true) => Pick::AddRange,
            (true, false) => Pick::Range,
            (false, true) => Pick::Toggle,
            (false, false) => Pick::One,
        };
        self.model.click(position, pick);
    }

    /// The folder new journals go to.
    pub(super) fn journal_folder(&self) -> PathBuf {
        crate::platform::folders::journals_dir()
    }
}

/// A source file by its ending: csvde for `.csv`, LDIF otherwise.
fn file_spec(path: PathBuf) -> SourceSpec {
    let csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if csv { SourceSpec::Csvde(path) } else { SourceSpec::Ldif(path) }
}

impl eframe::App for SyncreadyApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.poll_scan(ui.ctx());
        self.poll_write();
        self.poll_file_job();
        match self.files.poll() {
            Some(Answer::Chosen(target, paths)) => self.take_file(target, paths),
            Some(Answer::NoDialog) => {
                self.status = "No file dialog could open on this desktop (it has no file-chooser portal or zenity): \
                               type the path in the field instead."
                    .into();
            }
            Some(Answer::Cancelled) | None => {}
        }
        self.keyboard(ui.ctx());
        egui::Panel::top("toolbar").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.selectable_value(&mut self.view, View::Findings, "Findings");
                ui.selectable_value(&mut self.view, View::Migration, "Cloud Sync migration");
            });
            self.scan_bar(ui);
            if self.view == View::Findings {
                ui.separator();
                self.review_bar(ui);
            }
        });
        if self.view == View::Migration {
            let input = ScanInput {
                sources: &self.sources,
                objects: &self.model.objects,
                findings: &self.model.findings,
                ruleset: self.ruleset.as_ref(),
            };
            egui::CentralPanel::default().show(ui, |ui| {
                self.migration.show(ui, &mut self.settings, &input, &mut self.files);
            });
            match self.migration.take_stamp_request() {
                Some((wave, Ok(changes))) => self.open_anchor_stamp(wave, changes, ui.ctx()),
                Some((wave, Err(e))) => self.fail(format!("Wave {wave}'s anchors cannot be planned: {e}")),
                None => {}
            }
        } else {
            // The counts need room: below 1200 pixels the "Only error" menu does their job.
            let width = ui.ctx().content_rect().width();
            if width >= WIDE_WINDOW {
                egui::Panel::left("counts").default_size(200.0).show(ui, |ui| self.counts_panel(ui));
            }
            // A fixed width: the panel does not jump with the length of what it shows.
            let details = (width * 0.26).clamp(200.0, 340.0);
            egui::Panel::right("details").exact_size(details).show(ui, |ui| self.details_panel(ui));
            egui::CentralPanel::default().show(ui, |ui| {
                ui.label(egui::RichText::new(super::marks::LEGEND).small().weak());
                self.table(ui);
            });
        }
        self.dialogs(ui.ctx());
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
        self.save_review();
    }

    /// The review is saved as it changes: every few seconds when it did.
    fn auto_save_interval(&self) -> std::time::Duration {
        std::time::Duration::from_secs(5)
    }
}
