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
use super::file_dialog::{FileDialogs, FileTarget};
use super::file_jobs::{FileJob, FileJobDone};
use super::filters::{ACTIONS, Filters};
use super::migration::{MigrationView, ScanInput};
use super::review_model::{Pick, ReviewModel, RowResult};
use super::settings::{Settings, SourceKind};
use super::widgets::combo;
use super::worker::{ScanDone, ScanProgress, Scanner, answer, read_and_check, spawn_scan};
use super::{details, source_panel, table};
use crate::fix::{Action, ReviewState};
use crate::model::DirObject;
use crate::rules::{Finding, Ruleset, Severity, add_attributes, needed_attributes};
use crate::source::SourceSpec;

const SETTINGS_KEY: &str = "syncready-settings";

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
    view: View,
    migration: MigrationView,
    scroll_to: Option<usize>,
    pub(super) status: String,
    pub(super) dialog: Dialog,
    /// What the write worker runs (see [`SyncreadyApp::set_writer`]).
    pub(super) writer: super::apply::Writer,
    /// What the scan worker runs (see [`SyncreadyApp::set_scanner`]).
    scanner: Scanner,
    /// An export or import on its worker.
    file_job: Option<FileJob>,
    pub(super) files: FileDialogs,
    filter_id: egui::Id,
}

impl SyncreadyApp {
    pub fn new(cc: &eframe::CreationContext<'_>) -> SyncreadyApp {
        super::fonts::add_system_fallbacks(&cc.egui_ctx);
        let settings = cc.storage.and_then(|s| eframe::get_value(s, SETTINGS_KEY)).unwrap_or_default();
        SyncreadyApp {
            settings,
            scan: None,
            model: ReviewModel::default(),
            ruleset: None,
            view: View::Findings,
            migration: MigrationView::default(),
            scroll_to: None,
            status: "Choose a source and scan.".into(),
            dialog: Dialog::None,
            writer: super::apply::write,
            scanner: read_and_check,
            file_job: None,
            files: FileDialogs::default(),
            filter_id: egui::Id::unique("findings-filter"),
        }
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
        let ruleset = match self.settings.ruleset_options().build() {
            Ok(ruleset) => ruleset,
            Err(e) => {
                self.status = format!("Ruleset: {e}");
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
        let receiver = spawn_scan(self.scanner, specs, ruleset, ctx.clone(), progress.clone());
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
                self.load_findings(done.findings, done.objects);
            }
            Err(error) => {
                ctx.send_viewport_cmd(egui::ViewportCommand::Title("syncready: the scan failed".into()));
                self.status = format!("Scan failed: {error}");
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
        if ctx.memory(|m| m.focused().is_some()) || self.dialog.is_open() {
            return;
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
    fn take_file(&mut self, target: FileTarget, paths: Vec<PathBuf>, ctx: &egui::Context) {
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
            FileTarget::Export => {
                self.settings.export_path = text;
                self.export(ctx);
            }
            FileTarget::Import => {
                self.settings.export_path = text;
                self.import(ctx);
            }
            FileTarget::Journal => self.dialog.set_journal(text),
            FileTarget::MigrationConfig => self.settings.migration_config = text,
        }
    }

    /// Starts writing the review to the export path on a worker.
    fn export(&mut self, ctx: &egui::Context) {
        let path = PathBuf::from(self.settings.export_path.trim());
        self.status = format!("Exporting to {}…", path.display());
        let (findings, decisions) = (self.model.findings.clone(), self.model.review.decisions.clone());
        self.file_job = Some(FileJob::export(path, findings, decisions, ctx));
    }

    /// Starts reading a reviewed CSV's decisions from the export path on a worker.
    fn import(&mut self, ctx: &egui::Context) {
        let path = PathBuf::from(self.settings.export_path.trim());
        self.status = format!("Importing {}…", path.display());
        let (findings, decisions) = (self.model.findings.clone(), self.model.review.decisions.clone());
        self.file_job = Some(FileJob::import(path, findings, decisions, ctx));
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
            Err(e) => format!("{}: {e}", job.failed()),
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
        ui.horizontal(|ui| {
            let label = ui.label("Filter");
            let filter =
                egui::TextEdit::singleline(&mut self.model.filters.text).id(self.filter_id).desired_width(180.0);
            let mut changed = ui.add(filter).labelled_by(label.id).on_hover_text("Ctrl+F").changed();
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
            let actions: Vec<String> = ACTIONS.iter().map(|a| a.to_string()).collect();
            let mut action = self.model.filters.action.map(str::to_owned);
            if combo(ui, "Only action", &mut action, &actions) {
                self.model.filters.action = ACTIONS.into_iter().find(|a| action.as_deref() == Some(*a));
                changed = true;
            }
            let label = ui.label("OU");
            changed |= ui
                .add(egui::TextEdit::singleline(&mut self.model.filters.ou).desired_width(150.0))
                .labelled_by(label.id)
                .on_hover_text("rows whose DN ends with this, e.g. OU=Sales,DC=contoso,DC=com")
                .changed();
            if changed {
                self.model.refresh();
            }
            ui.label(format!("{} of {} rows", self.model.visible.len(), self.model.findings.len()));
        });
        ui.horizontal(|ui| {
            if ui.button("Accept safe fixes").clicked() {
                let accepted = self.model.review.accept_safe(&self.model.findings);
                self.status = format!("Accepted {accepted} safe fixes.");
            }
            // Everything filtered, unsafe fixes included: an explicit choice.
            if ui.button("Accept filtered fixes").clicked() {
                let accepted = self.model.review.accept_at(&self.model.findings, &self.model.visible, true);
                self.status = format!("Accepted {accepted} fixes of the {} filtered rows.", self.model.visible.len());
            }
            if ui.button("Leave filtered as is").clicked() {
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
            ui.separator();
            let idle = !self.is_scanning() && !self.is_writing();
            if ui.add_enabled(idle && !self.model.findings.is_empty(), egui::Button::new("Apply…")).clicked() {
                self.open_apply();
            }
            if ui.add_enabled(idle, egui::Button::new("Undo…")).clicked() {
                self.open_undo();
            }
        });
        ui.horizontal(|ui| {
            let label = ui.label("Export path");
            ui.add(egui::TextEdit::singleline(&mut self.settings.export_path).desired_width(300.0))
                .labelled_by(label.id)
                .on_hover_text(".csv (for syncready apply), .ldif of the accepted changes, or .json");
            let ready = !self.settings.export_path.trim().is_empty() && !self.is_moving_files();
            if ui.add_enabled(ready, egui::Button::new("Export")).clicked() {
                self.export(ui.ctx());
            }
            if ui.add_enabled(ready, egui::Button::new("Import reviewed CSV")).clicked() {
                self.import(ui.ctx());
            }
            if ui.button("Export as…").clicked() {
                self.files.open(FileTarget::Export, &self.settings.last_folder, ui.ctx());
            }
            if ui.button("Import…").clicked() {
                self.files.open(FileTarget::Import, &self.settings.last_folder, ui.ctx());
            }
        });
        ui.label(&self.status);
    }

    fn counts_panel(&mut self, ui: &mut egui::Ui) {
        ui.heading("Findings by error");
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
        let plot = Plot::new("counts")
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
            self.scroll_to = self.model.jump_to(object);
        }
    }

    fn table(&mut self, ui: &mut egui::Ui) {
        let view = table::TableView {
            findings: &self.model.findings,
            decisions: &self.model.review.decisions,
            outcomes: &self.model.outcomes,
            visible: &self.model.visible,
            selected: self.model.selected,
            picked: &self.model.picked,
            sort: self.model.sort,
            scroll_to: self.scroll_to.take(),
        };
        let clicks = table::show(ui, &view);
        if let Some(column) = clicks.header {
            self.model.sort_by(column);
        }
        if let Some(position) = clicks.row {
            self.click_row(position, ui.input(|i| i.modifiers));
        }
        if let Some((index, value)) = clicks.edited {
            self.model.review.decisions[index] = Action::Edit(value);
        }
    }

    /// A click picks one row; Ctrl adds or removes one, Shift a range from the selected row.
    pub fn click_row(&mut self, position: usize, modifiers: egui::Modifiers) {
        let pick = match (modifiers.shift, modifiers.command) {
            (true, _) => Pick::Range,
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
        if let Some((target, paths)) = self.files.poll() {
            self.take_file(target, paths, ui.ctx());
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
                objects: &self.model.objects,
                findings: &self.model.findings,
                ruleset: self.ruleset.as_ref(),
            };
            egui::CentralPanel::default().show(ui, |ui| {
                self.migration.show(ui, &mut self.settings, &input, &mut self.files);
            });
            match self.migration.take_stamp_request() {
                Some((wave, Ok(changes))) => self.open_anchor_stamp(wave, changes),
                Some((wave, Err(e))) => self.status = format!("Wave {wave}'s anchors cannot be planned: {e}"),
                None => {}
            }
        } else {
            egui::Panel::left("counts").default_size(220.0).show(ui, |ui| self.counts_panel(ui));
            egui::Panel::right("details").default_size(280.0).show(ui, |ui| self.details_panel(ui));
            egui::CentralPanel::default().show(ui, |ui| self.table(ui));
        }
        self.dialogs(ui.ctx());
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
    }
}
