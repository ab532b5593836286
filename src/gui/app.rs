//! The app's window: source, ruleset and review tools on top, counts by error name with a
//! chart on the left, the findings table (virtualized) in the middle, the selected row on the
//! right; apply and undo in dialogs. The state the tests drive lives here.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::Receiver;

use eframe::egui;
use egui_plot::{Bar, BarChart, Plot};

use super::apply::RowResult;
use super::dialogs::Dialog;
use super::file_dialog::{FileDialogs, FileTarget};
use super::filters::{ACTIONS, Choices, Filters};
use super::migration::{MigrationView, ScanInput};
use super::settings::{Settings, SourceKind};
use super::worker::{ScanDone, ScanProgress, spawn_scan};
use super::{details, review_files, source_panel, table};
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
    pub(super) findings: Arc<Vec<Finding>>,
    pub(super) review: ReviewState,
    /// The result of writing each finding's change, once applied or undone.
    pub(super) outcomes: Vec<Option<RowResult>>,
    /// The scanned objects, for the details of the selected row.
    pub(super) objects: Arc<Vec<DirObject>>,
    /// The ruleset of the last scan (the migration planner uses it).
    pub(super) ruleset: Option<Ruleset>,
    view: View,
    migration: MigrationView,
    choices: Choices,
    filters: Filters,
    /// Every finding's index in sort order; `visible` is the filtered part of it.
    order: Vec<usize>,
    visible: Vec<usize>,
    /// Sort column (index into the table's columns) and direction.
    sort: Option<(usize, bool)>,
    /// The row the details show, as a position in `visible`.
    selected: Option<usize>,
    /// Rows picked with Ctrl or Shift, by finding index.
    picked: Vec<bool>,
    scroll_to: Option<usize>,
    pub(super) status: String,
    pub(super) dialog: Dialog,
    /// What the write worker runs (see [`SyncreadyApp::set_writer`]).
    pub(super) writer: super::apply::Writer,
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
            findings: Arc::default(),
            review: ReviewState::default(),
            outcomes: Vec::new(),
            objects: Arc::default(),
            ruleset: None,
            view: View::Findings,
            migration: MigrationView::default(),
            choices: Choices::default(),
            filters: Filters::default(),
            order: Vec::new(),
            visible: Vec::new(),
            sort: None,
            selected: None,
            picked: Vec::new(),
            scroll_to: None,
            status: "Choose a source and scan.".into(),
            dialog: Dialog::None,
            writer: super::apply::write,
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

    pub fn is_writing(&self) -> bool {
        self.dialog.is_writing()
    }

    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// The findings the filters let through, as indexes, in table order.
    pub fn visible(&self) -> &[usize] {
        &self.visible
    }

    pub fn review(&self) -> &ReviewState {
        &self.review
    }

    /// The result of each finding's write (apply or undo), by index.
    pub fn results(&self) -> &[Option<RowResult>] {
        &self.outcomes
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
        self.filters = filters;
        self.refresh();
    }

    pub fn filters(&self) -> &Filters {
        &self.filters
    }

    /// Starts a scan of the built-in demo directory.
    pub fn scan_demo(&mut self, ctx: &egui::Context) {
        self.settings.source = SourceKind::Demo;
        self.start_scan(ctx);
    }

    /// Loads the findings of a finished scan as if the worker had sent them (benchmarks).
    pub fn load_findings(&mut self, findings: Vec<Finding>, objects: Vec<DirObject>) {
        self.review = self.carried_over(&findings);
        self.outcomes = vec![None; findings.len()];
        self.picked = vec![false; findings.len()];
        self.choices = Choices::of(&findings);
        self.findings = Arc::new(findings);
        self.objects = Arc::new(objects);
        self.order = (0..self.findings.len()).collect();
        self.apply_sort();
        self.refresh();
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
        let (specs, directories) = match self.settings.source {
            SourceKind::Demo => (vec![SourceSpec::Demo], Vec::new()),
            SourceKind::Files => {
                let specs: Vec<SourceSpec> = self.settings.file_paths().into_iter().map(file_spec).collect();
                if specs.is_empty() {
                    self.status = "Add an LDIF or csvde export to scan.".into();
                    return;
                }
                (specs, Vec::new())
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
                    Ok(directories) if !directories.is_empty() => (Vec::new(), directories),
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
        let receiver = spawn_scan(specs, directories, ruleset, ctx.clone(), progress.clone());
        self.scan = Some(RunningScan { receiver, progress });
        self.status = "Scanning…".into();
    }

    /// Takes a finished scan's result; the window's title then says what the table holds (the
    /// taskbar shows it, and the Windows screenshot check waits for it).
    fn poll_scan(&mut self, ctx: &egui::Context) {
        let Some(running) = &self.scan else { return };
        let Ok(result) = running.receiver.try_recv() else { return };
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

    /// Decisions for new findings: those of the previous scan where the object still holds the
    /// same value (a re-scan keeps the review of unchanged objects).
    fn carried_over(&self, findings: &[Finding]) -> ReviewState {
        let key = |f: &Finding| (f.dn.to_lowercase(), f.attribute.clone(), f.value.clone());
        let previous: std::collections::HashMap<_, _> = self
            .findings
            .iter()
            .zip(&self.review.decisions)
            .filter(|(_, d)| **d != Action::Undecided)
            .map(|(f, d)| (key(f), d.clone()))
            .collect();
        let mut review = ReviewState::new(findings);
        if previous.is_empty() {
            return review;
        }
        for (finding, decision) in findings.iter().zip(&mut review.decisions) {
            if let Some(kept) = previous.get(&key(finding)) {
                *decision = kept.clone();
            }
        }
        review
    }

    /// Sorts `order` by the chosen column.
    fn apply_sort(&mut self) {
        let Some((column, ascending)) = self.sort else {
            self.order.sort_unstable();
            return;
        };
        let (findings, decisions, outcomes) = (&self.findings, &self.review.decisions, &self.outcomes);
        self.order.sort_by_cached_key(|&i| table::sort_key(&findings[i], &decisions[i], &outcomes[i], column));
        if !ascending {
            self.order.reverse();
        }
    }

    /// Recomputes the visible rows, keeping the selected finding selected when it still shows.
    fn refresh(&mut self) {
        let selected = self.selected_finding();
        self.visible = self.filters.apply(&self.order, &self.findings, &self.review.decisions);
        self.selected = selected.and_then(|index| self.visible.iter().position(|&i| i == index));
    }

    /// The selected finding's index.
    pub fn selected_finding(&self) -> Option<usize> {
        self.selected.and_then(|s| self.visible.get(s).copied())
    }

    /// Selects a row by its position in the visible list.
    pub fn select(&mut self, position: usize) {
        self.selected = (position < self.visible.len()).then_some(position);
    }

    /// The findings an action on "the selection" acts on: the picked rows, or the selected one.
    pub fn selection(&self) -> Vec<usize> {
        let picked: Vec<usize> = self.visible.iter().copied().filter(|&i| self.picked[i]).collect();
        if picked.is_empty() { self.selected_finding().into_iter().collect() } else { picked }
    }

    /// Accepts the selected row's proposed value, or takes the decision back.
    pub fn toggle_selected(&mut self) {
        let Some(index) = self.selected_finding() else { return };
        let finding = &self.findings[index];
        let decision = &mut self.review.decisions[index];
        *decision = match decision {
            Action::Undecided if !finding.update.is_empty() => Action::Edit(finding.update.clone()),
            _ => Action::Undecided,
        };
    }

    /// Takes back every decision.
    pub fn clear_decisions(&mut self) {
        self.review = ReviewState::new(&self.findings);
    }

    /// Selects `dn`'s first row, clearing the filters when they hide it.
    fn jump_to(&mut self, dn: &str) {
        if !self.visible.iter().any(|&i| self.findings[i].dn == dn) {
            self.filters = Filters::default();
            self.refresh();
        }
        self.selected = self.visible.iter().position(|&i| self.findings[i].dn == dn);
        self.scroll_to = self.selected;
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
        let last = self.visible.len().saturating_sub(1);
        if down {
            self.selected = Some(self.selected.map_or(0, |s| (s + 1).min(last)));
            self.scroll_to = self.selected;
        }
        if up {
            self.selected = Some(self.selected.map_or(0, |s| s.saturating_sub(1)));
            self.scroll_to = self.selected;
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
            FileTarget::Export => {
                self.settings.export_path = text;
                self.export();
            }
            FileTarget::Import => {
                self.settings.export_path = text;
                self.import();
            }
            FileTarget::Journal => self.dialog.set_journal(text),
            FileTarget::MigrationConfig => self.settings.migration_config = text,
        }
    }

    fn export(&mut self) {
        let path = PathBuf::from(self.settings.export_path.trim());
        self.status = review_files::export(&path, &self.findings, &self.review.decisions)
            .unwrap_or_else(|e| format!("Export failed: {e}"));
    }

    fn import(&mut self) {
        let path = PathBuf::from(self.settings.export_path.trim());
        self.status = review_files::import(&path, &self.findings, &mut self.review.decisions)
            .unwrap_or_else(|e| format!("Import failed: {e}"));
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
            let filter = egui::TextEdit::singleline(&mut self.filters.text).id(self.filter_id).desired_width(180.0);
            let mut changed = ui.add(filter).labelled_by(label.id).on_hover_text("Ctrl+F").changed();
            changed |= combo(ui, "Only attribute", &mut self.filters.attribute, &self.choices.attributes);
            changed |= combo(ui, "Only class", &mut self.filters.class, &self.choices.classes);
            let severities: Vec<String> =
                [Severity::Error, Severity::Warning, Severity::Info].iter().map(|s| s.as_str().to_owned()).collect();
            let mut severity = self.filters.severity.map(|s| s.as_str().to_owned());
            if combo(ui, "Only severity", &mut severity, &severities) {
                self.filters.severity = [Severity::Error, Severity::Warning, Severity::Info]
                    .into_iter()
                    .find(|s| severity.as_deref() == Some(s.as_str()));
                changed = true;
            }
            let actions: Vec<String> = ACTIONS.iter().map(|a| a.to_string()).collect();
            let mut action = self.filters.action.map(str::to_owned);
            if combo(ui, "Only action", &mut action, &actions) {
                self.filters.action = ACTIONS.into_iter().find(|a| action.as_deref() == Some(*a));
                changed = true;
            }
            let label = ui.label("OU");
            changed |= ui
                .add(egui::TextEdit::singleline(&mut self.filters.ou).desired_width(150.0))
                .labelled_by(label.id)
                .on_hover_text("rows whose DN ends with this, e.g. OU=Sales,DC=contoso,DC=com")
                .changed();
            if changed {
                self.refresh();
            }
            ui.label(format!("{} of {} rows", self.visible.len(), self.findings.len()));
        });
        ui.horizontal(|ui| {
            if ui.button("Accept safe fixes").clicked() {
                let accepted = self.review.accept_safe(&self.findings);
                self.status = format!("Accepted {accepted} safe fixes.");
            }
            // Everything filtered, unsafe fixes included: an explicit choice.
            if ui.button("Accept filtered fixes").clicked() {
                let accepted = self.review.accept_at(&self.findings, &self.visible, true);
                self.status = format!("Accepted {accepted} fixes of the {} filtered rows.", self.visible.len());
            }
            if ui.button("Leave filtered as is").clicked() {
                self.review.set(&self.visible, &Action::Complete);
                self.status = format!("{} rows left as they are.", self.visible.len());
            }
            ui.separator();
            let selection = self.selection();
            ui.label(format!("Selected: {}", selection.len()));
            if ui.add_enabled(!selection.is_empty(), egui::Button::new("Accept selected fixes")).clicked() {
                let accepted = self.review.accept_at(&self.findings, &selection, true);
                self.status = format!("Accepted {accepted} fixes of the {} selected rows.", selection.len());
            }
            if ui.add_enabled(!selection.is_empty(), egui::Button::new("Leave selected as is")).clicked() {
                self.review.set(&selection, &Action::Complete);
            }
            if ui.add_enabled(!selection.is_empty(), egui::Button::new("Clear selected decisions")).clicked() {
                self.review.set(&selection, &Action::Undecided);
            }
            ui.separator();
            let idle = !self.is_scanning() && !self.is_writing();
            if ui.add_enabled(idle && !self.findings.is_empty(), egui::Button::new("Apply…")).clicked() {
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
            let has_path = !self.settings.export_path.trim().is_empty();
            if ui.add_enabled(has_path, egui::Button::new("Export")).clicked() {
                self.export();
            }
            if ui.add_enabled(has_path, egui::Button::new("Import reviewed CSV")).clicked() {
                self.import();
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
        for (name, count) in &self.choices.errors {
            ui.horizontal(|ui| {
                let selected = self.filters.error.as_deref() == Some(name.as_str());
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
        if !self.choices.errors.is_empty() && ui.button("All errors").clicked() {
            self.filters.error = None;
            self.refresh();
        }
        let bars: Vec<Bar> = self
            .choices
            .errors
            .iter()
            .enumerate()
            .map(|(i, (name, count))| {
                let bar = Bar::new(i as f64, *count as f64).name(name).width(0.8);
                if self.filters.error.as_deref() == Some(name.as_str()) {
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
        if let Some((name, _)) = chart.inner.and_then(|bar| self.choices.errors.get(bar)) {
            clicked = Some(name.clone());
        }
        if let Some(name) = clicked {
            self.filters.error = if self.filters.error.as_ref() == Some(&name) { None } else { Some(name) };
            self.refresh();
        }
    }

    fn details_panel(&mut self, ui: &mut egui::Ui) {
        let Some(index) = self.selected_finding() else {
            ui.label("Select a row to review it. Ctrl+click or Shift+click picks several.");
            return;
        };
        let finding = &self.findings[index];
        let jump = details::show(
            ui,
            finding,
            &mut self.review.decisions[index],
            self.outcomes[index].as_ref(),
            self.objects.get(finding.object as usize),
        );
        if let Some(dn) = jump {
            self.jump_to(&dn);
        }
    }

    fn table(&mut self, ui: &mut egui::Ui) {
        let view = table::TableView {
            findings: &self.findings,
            decisions: &self.review.decisions,
            outcomes: &self.outcomes,
            visible: &self.visible,
            selected: self.selected,
            sort: self.sort,
            scroll_to: self.scroll_to.take(),
        };
        let clicks = table::show(ui, &view);
        if let Some(column) = clicks.header {
            self.sort = match self.sort {
                Some((c, true)) if c == column => Some((column, false)),
                _ => Some((column, true)),
            };
            self.apply_sort();
            self.refresh();
        }
        if let Some(position) = clicks.row {
            self.click_row(position, ui.input(|i| i.modifiers));
        }
        if let Some((index, value)) = clicks.edited {
            self.review.decisions[index] = Action::Edit(value);
        }
    }

    /// A click picks one row; Ctrl adds or removes one, Shift a range from the selected row.
    pub fn click_row(&mut self, position: usize, modifiers: egui::Modifiers) {
        let Some(&index) = self.visible.get(position) else { return };
        if modifiers.shift {
            let from = self.selected.unwrap_or(position);
            for p in from.min(position)..=from.max(position) {
                self.picked[self.visible[p]] = true;
            }
        } else if modifiers.command {
            self.picked[index] = !self.picked[index];
        } else {
            self.picked.iter_mut().for_each(|p| *p = false);
        }
        self.selected = Some(position);
    }

    /// The folder new journals go to.
    pub(super) fn journal_folder(&self) -> PathBuf {
        crate::platform::folders::journals_dir()
    }

    /// The review's plan, checked as `syncready apply` checks a CSV.
    pub(super) fn plan(&self) -> Result<Vec<crate::fix::Change>, String> {
        review_files::plan(Path::new("review"), &self.findings, &self.review.decisions).map_err(|e| e.to_string())
    }
}

/// A menu for one filter: "any" or one of `choices`; returns whether it changed.
fn combo(ui: &mut egui::Ui, label: &str, value: &mut Option<String>, choices: &[String]) -> bool {
    let before = value.clone();
    let shown = value.clone().unwrap_or_else(|| "any".to_owned());
    labelled_combo(ui, label, &shown, |ui| {
        ui.selectable_value(value, None, "any");
        for choice in choices {
            ui.selectable_value(value, Some(choice.clone()), choice.as_str());
        }
    });
    *value != before
}

/// A drop-down menu with its label in front (the label is its accessible name).
pub(super) fn labelled_combo(ui: &mut egui::Ui, label: &str, selected: &str, menu: impl FnOnce(&mut egui::Ui)) {
    let label_response = ui.label(label);
    egui::ComboBox::from_id_salt(label)
        .selected_text(selected)
        .show_ui(ui, menu)
        .response
        .labelled_by(label_response.id);
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
        if let Some((target, paths)) = self.files.poll() {
            self.take_file(target, paths);
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
            let input = ScanInput { objects: &self.objects, findings: &self.findings, ruleset: self.ruleset.as_ref() };
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
