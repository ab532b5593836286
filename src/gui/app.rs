//! The app's window: source and scan on top, counts by error name with a chart on the left,
//! the findings table (virtualized) in the middle; review with "Accept safe fixes", export of
//! the reviewed CSV.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;

use eframe::egui;
use egui_extras::{Column, TableBuilder};
use egui_plot::{Bar, BarChart, Plot};

use super::worker::{WorkerMessage, spawn_scan};
use crate::fix::ldif::changes_ldif;
use crate::fix::plan_rows;
use crate::fix::{Action, ReviewState};
use crate::model::DirObject;
use crate::report::csv::{FindingRow, read_rows, write_rows};
use crate::rules::{Finding, Ruleset};
use crate::source::SourceSpec;

/// Settings kept between runs.
#[derive(serde::Serialize, serde::Deserialize, Default)]
struct Settings {
    ldif_path: String,
    export_path: String,
}

const SETTINGS_KEY: &str = "syncready-settings";

pub struct SyncreadyApp {
    settings: Settings,
    worker: Option<Receiver<WorkerMessage>>,
    cancel: Arc<AtomicBool>,
    progress: String,
    findings: Vec<Finding>,
    review: ReviewState,
    filter_text: String,
    error_filter: Option<String>,
    visible: Vec<usize>,
    counts: Vec<(String, usize)>,
    status: String,
    /// Sort column (index into the table's columns) and direction.
    sort: Option<(usize, bool)>,
    /// The selected row, as a position in `visible`.
    selected: Option<usize>,
    filter_id: egui::Id,
    /// The scanned objects, for the details of the selected row.
    objects: Vec<DirObject>,
}

impl SyncreadyApp {
    pub fn new(cc: &eframe::CreationContext<'_>) -> SyncreadyApp {
        let settings = cc.storage.and_then(|s| eframe::get_value(s, SETTINGS_KEY)).unwrap_or_default();
        SyncreadyApp {
            settings,
            worker: None,
            cancel: Arc::new(AtomicBool::new(false)),
            progress: String::new(),
            findings: Vec::new(),
            review: ReviewState::default(),
            filter_text: String::new(),
            error_filter: None,
            visible: Vec::new(),
            counts: Vec::new(),
            status: "Choose a source and scan.".into(),
            sort: None,
            selected: None,
            filter_id: egui::Id::unique("findings-filter"),
            objects: Vec::new(),
        }
    }

    /// Whether a scan is running.
    pub fn is_scanning(&self) -> bool {
        self.worker.is_some()
    }

    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// The findings the filters let through, as indexes.
    pub fn visible(&self) -> &[usize] {
        &self.visible
    }

    pub fn review(&self) -> &ReviewState {
        &self.review
    }

    pub fn status(&self) -> &str {
        &self.status
    }

    /// Starts a scan of the built-in demo directory.
    pub fn scan_demo(&mut self, ctx: &egui::Context) {
        self.start_scan(ctx, vec![SourceSpec::Demo]);
    }

    fn start_scan(&mut self, ctx: &egui::Context, specs: Vec<SourceSpec>) {
        self.cancel = Arc::new(AtomicBool::new(false));
        self.worker = Some(spawn_scan(specs, Ruleset::multi_tenant(), ctx.clone(), self.cancel.clone()));
        self.status = "Scanning…".into();
    }

    fn poll_worker(&mut self) {
        let Some(receiver) = &self.worker else { return };
        while let Ok(message) = receiver.try_recv() {
            match message {
                WorkerMessage::Progress { source, objects } => {
                    self.progress = format!("{source}: {objects} objects read")
                }
                WorkerMessage::Done(result) => {
                    self.worker = None;
                    match result {
                        Ok(done) => {
                            let stats = &done.stats;
                            self.status = format!(
                                "{} objects read, {} checked, {} skipped: {} findings.",
                                stats.objects_read,
                                stats.checked,
                                stats.skipped,
                                done.findings.len()
                            );
                            self.review = self.carried_over(&done.findings);
                            self.findings = done.findings;
                            self.counts = count_by_error(&self.findings);
                            self.objects = done.objects;
                            self.refresh();
                        }
                        Err(error) => self.status = format!("Scan failed: {error}"),
                    }
                    return;
                }
            }
        }
    }

    /// Decisions for new findings: those of the previous scan where the object still holds the
    /// same value (a re-scan keeps the review of unchanged objects).
    fn carried_over(&self, findings: &[Finding]) -> ReviewState {
        let key = |f: &Finding| (f.dn.to_lowercase(), f.attribute.clone(), f.value.clone());
        let previous: std::collections::HashMap<_, _> =
            self.findings.iter().zip(&self.review.decisions).map(|(f, d)| (key(f), d.clone())).collect();
        let mut review = ReviewState::new(findings);
        for (finding, decision) in findings.iter().zip(&mut review.decisions) {
            if let Some(kept) = previous.get(&key(finding)) {
                *decision = kept.clone();
            }
        }
        review
    }

    /// Recomputes the visible rows (filters and sort).
    fn refresh(&mut self) {
        let text = self.filter_text.to_lowercase();
        self.visible = (0..self.findings.len())
            .filter(|&i| {
                let f = &self.findings[i];
                let by_error = self.error_filter.as_ref().is_none_or(|e| f.errors().iter().any(|n| n.as_str() == e));
                let by_text = text.is_empty()
                    || [&f.dn, &f.attribute, &f.value, &f.update]
                        .iter()
                        .any(|field| field.to_lowercase().contains(&text))
                    || f.error_text().to_lowercase().contains(&text);
                by_error && by_text
            })
            .collect();
        if let Some((column, ascending)) = self.sort {
            let findings = &self.findings;
            self.visible.sort_by_cached_key(|&i| column_text(&findings[i], column));
            if !ascending {
                self.visible.reverse();
            }
        }
        self.selected = self.selected.filter(|&s| s < self.visible.len());
    }

    /// Space accepts the selected row's proposed value (or clears the decision), arrows move
    /// the selection, Ctrl+F goes to the filter.
    fn keyboard(&mut self, ctx: &egui::Context) {
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::F)) {
            ctx.memory_mut(|m| m.request_focus(self.filter_id));
        }
        if ctx.memory(|m| m.focused().is_some()) {
            return;
        }
        let (down, up, space) = ctx.input(|i| {
            (i.key_pressed(egui::Key::ArrowDown), i.key_pressed(egui::Key::ArrowUp), i.key_pressed(egui::Key::Space))
        });
        let last = self.visible.len().saturating_sub(1);
        if down {
            self.selected = Some(self.selected.map_or(0, |s| (s + 1).min(last)));
        }
        if up {
            self.selected = Some(self.selected.map_or(0, |s| s.saturating_sub(1)));
        }
        if space {
            self.toggle_selected();
        }
    }

    /// Accepts the selected row's proposed value, or takes the decision back.
    pub fn toggle_selected(&mut self) {
        let Some(index) = self.selected.and_then(|s| self.visible.get(s).copied()) else { return };
        let finding = &self.findings[index];
        let decision = &mut self.review.decisions[index];
        *decision = match decision {
            Action::Undecided if !finding.update.is_empty() => Action::Edit(finding.update.clone()),
            Action::Undecided => Action::Undecided,
            _ => Action::Undecided,
        };
    }

    /// Takes back every decision.
    pub fn clear_decisions(&mut self) {
        self.review = ReviewState::new(&self.findings);
    }

    /// The selected finding's index.
    pub fn selected_finding(&self) -> Option<usize> {
        self.selected.and_then(|s| self.visible.get(s).copied())
    }

    /// Selects a row by its position in the visible list.
    pub fn select(&mut self, position: usize) {
        self.selected = (position < self.visible.len()).then_some(position);
    }

    /// The findings as report rows with the review's decisions in ACTION and UPDATE.
    fn reviewed_rows(&self) -> Vec<FindingRow> {
        self.findings
            .iter()
            .zip(&self.review.decisions)
            .map(|(finding, decision)| {
                let mut row = FindingRow::from_finding(finding);
                row.action = decision.as_str().to_owned();
                if let Action::Edit(value) = decision {
                    row.update = value.clone();
                }
                row
            })
            .collect()
    }

    /// Writes the review to the export path: CSV (the CLI's format, for `syncready apply`),
    /// LDIF of the accepted changes (`.ldif`) or JSON (`.json`), by the file's ending.
    fn export(&mut self) {
        let path = PathBuf::from(self.settings.export_path.trim());
        let rows = self.reviewed_rows();
        let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
        let result: Result<String, String> = match extension.as_str() {
            "ldif" => {
                let numbered = rows.into_iter().enumerate().map(|(i, row)| (i as u64 + 2, row)).collect();
                plan_rows(&path, numbered).map_err(|e| e.to_string()).and_then(|changes| {
                    std::fs::write(&path, changes_ldif(&changes))
                        .map(|()| format!("Exported {} accepted changes as LDIF to {}.", changes.len(), path.display()))
                        .map_err(|e| e.to_string())
                })
            }
            "json" => serde_json::to_string_pretty(&rows).map_err(|e| e.to_string()).and_then(|json| {
                std::fs::write(&path, json)
                    .map(|()| format!("Exported {} rows as JSON to {}.", self.findings.len(), path.display()))
                    .map_err(|e| e.to_string())
            }),
            _ => write_rows(&path, rows)
                .map(|()| format!("Exported {} rows to {}.", self.findings.len(), path.display()))
                .map_err(|e| e.to_string()),
        };
        self.status = result.unwrap_or_else(|e| format!("Export failed: {e}"));
    }

    /// Takes the decisions of a reviewed CSV (edited elsewhere) for the rows it shares with
    /// this scan (same DN, attribute and value).
    fn import(&mut self) {
        let path = PathBuf::from(self.settings.export_path.trim());
        let rows = std::fs::File::open(&path)
            .map_err(|e| e.to_string())
            .and_then(|file| read_rows(&path, std::io::BufReader::new(file)).map_err(|e| e.to_string()));
        let rows = match rows {
            Ok(rows) => rows,
            Err(e) => {
                self.status = format!("Import failed: {e}");
                return;
            }
        };
        let key = |dn: &str, attribute: &str, value: &str| (dn.to_lowercase(), attribute.to_owned(), value.to_owned());
        let decided: std::collections::HashMap<_, _> = rows
            .iter()
            .map(|row| {
                let action = match row.action.trim().to_ascii_uppercase().as_str() {
                    "EDIT" => Action::Edit(row.update.clone()),
                    "REMOVE" => Action::Remove,
                    "COMPLETE" => Action::Complete,
                    _ => Action::Undecided,
                };
                (key(&row.distinguished_name, &row.attribute, &row.value), action)
            })
            .collect();
        let mut matched = 0;
        for (finding, decision) in self.findings.iter().zip(&mut self.review.decisions) {
            if let Some(action) = decided.get(&key(&finding.dn, &finding.attribute, &finding.value)) {
                *decision = action.clone();
                matched += 1;
            }
        }
        self.status = format!("Imported the decisions of {matched} of {} rows from {}.", rows.len(), path.display());
    }

    fn toolbar(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            let idle = !self.is_scanning();
            if ui.add_enabled(idle, egui::Button::new("Demo directory")).clicked() {
                self.scan_demo(ui.ctx());
            }
            let label = ui.label("LDIF file");
            ui.add(egui::TextEdit::singleline(&mut self.settings.ldif_path).desired_width(260.0)).labelled_by(label.id);
            if ui
                .add_enabled(idle && !self.settings.ldif_path.trim().is_empty(), egui::Button::new("Scan file"))
                .clicked()
            {
                let path = PathBuf::from(self.settings.ldif_path.trim());
                self.start_scan(ui.ctx(), vec![SourceSpec::Ldif(path)]);
            }
            if ui.add_enabled(!idle, egui::Button::new("Cancel")).clicked() {
                self.cancel.store(true, Ordering::Relaxed);
            }
            if !idle {
                ui.spinner();
                ui.label(&self.progress);
            }
        });
        ui.horizontal(|ui| {
            let label = ui.label("Filter");
            if ui
                .add(egui::TextEdit::singleline(&mut self.filter_text).desired_width(220.0))
                .labelled_by(label.id)
                .changed()
            {
                self.refresh();
            }
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
            let label = ui.label("Export path");
            ui.add(egui::TextEdit::singleline(&mut self.settings.export_path).desired_width(260.0))
                .labelled_by(label.id);
            let has_path = !self.settings.export_path.trim().is_empty();
            if ui.add_enabled(has_path, egui::Button::new("Export")).on_hover_text(".csv, .ldif or .json").clicked() {
                self.export();
            }
            if ui.add_enabled(has_path, egui::Button::new("Import reviewed CSV")).clicked() {
                self.import();
            }
        });
        ui.label(&self.status);
    }

    /// The selected row: its decision (with the value to write, editable), the actions, the
    /// object's other attributes, and the other holders of a duplicate (click to jump).
    fn details_panel(&mut self, ui: &mut egui::Ui) {
        let Some(index) = self.selected.and_then(|s| self.visible.get(s).copied()) else {
            ui.label("Select a row to review it.");
            return;
        };
        let finding = self.findings[index].clone();
        ui.heading(&finding.common_name);
        ui.label(format!("{}: {} ({})", finding.attribute, finding.error_text(), finding.rule_text()));
        if !finding.detail.is_empty() {
            ui.label(&finding.detail);
        }
        let decision = &mut self.review.decisions[index];
        let mut value = match decision {
            Action::Edit(value) => value.clone(),
            _ => finding.update.clone(),
        };
        let label = ui.label("New value");
        if ui.add(egui::TextEdit::singleline(&mut value).desired_width(f32::INFINITY)).labelled_by(label.id).changed() {
            *decision = Action::Edit(value.clone());
        }
        ui.horizontal(|ui| {
            if ui.add_enabled(!value.is_empty(), egui::Button::new("Edit")).clicked() {
                *decision = Action::Edit(value.clone());
            }
            if ui.add_enabled(!finding.value.is_empty(), egui::Button::new("Remove")).clicked() {
                *decision = Action::Remove;
            }
            if ui.button("Leave as is").clicked() {
                *decision = Action::Complete;
            }
            if ui.button("Undecided").clicked() {
                *decision = Action::Undecided;
            }
        });
        ui.label(format!(
            "Action: {}",
            match decision {
                Action::Undecided => "undecided",
                other => other.as_str(),
            }
        ));
        let holders: Vec<String> = finding
            .detail
            .split(" | ")
            .filter_map(|part| part.strip_prefix("also held by: "))
            .flat_map(|list| list.split("; ").map(|dn| without_more(dn).to_owned()))
            .collect();
        if !holders.is_empty() {
            ui.separator();
            ui.strong("Also held by");
            for dn in holders {
                if ui.link(&dn).clicked() {
                    self.jump_to(&dn);
                }
            }
        }
        ui.separator();
        ui.strong("Attributes");
        if let Some(object) = self.objects.get(finding.object as usize) {
            egui::ScrollArea::vertical().id_salt("attributes").show(ui, |ui| {
                for (name, values) in object.attributes() {
                    for (_, value) in values {
                        let shown = match value.as_text() {
                            Some(text) => text.to_owned(),
                            None => crate::report::csv::binary_cell(value.as_bytes()),
                        };
                        ui.add(egui::Label::new(format!("{name}: {shown}")).truncate());
                    }
                }
            });
        }
    }

    /// Selects the first row of `dn`, clearing the filters when they hide it.
    fn jump_to(&mut self, dn: &str) {
        if !self.visible.iter().any(|&i| self.findings[i].dn == dn) {
            self.filter_text.clear();
            self.error_filter = None;
            self.refresh();
        }
        self.selected = self.visible.iter().position(|&i| self.findings[i].dn == dn);
    }

    fn counts_panel(&mut self, ui: &mut egui::Ui) {
        ui.heading("Findings by error");
        let mut clicked = None;
        for (name, count) in &self.counts {
            ui.horizontal(|ui| {
                let selected = self.error_filter.as_deref() == Some(name.as_str());
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
        if !self.counts.is_empty() && ui.button("All errors").clicked() {
            self.error_filter = None;
            self.refresh();
        }
        if let Some(name) = clicked {
            self.error_filter = if self.error_filter.as_ref() == Some(&name) { None } else { Some(name) };
            self.refresh();
        }
        let bars: Vec<Bar> = self
            .counts
            .iter()
            .enumerate()
            .map(|(i, (name, count))| Bar::new(i as f64, *count as f64).name(name))
            .collect();
        Plot::new("counts").height(220.0).show_axes([false, true]).allow_drag(false).allow_zoom(false).show(
            ui,
            |plot| {
                plot.bar_chart(BarChart::new("findings", bars));
            },
        );
    }

    fn table(&mut self, ui: &mut egui::Ui) {
        let headers = ["DN", "Attribute", "Error", "Value", "Update", "Action", "Rule", "Fix"];
        let mut clicked_header = None;
        let mut clicked_row = None;
        let widths = [250.0, 110.0, 130.0, 170.0, 170.0, 60.0, 90.0];
        let mut table = TableBuilder::new(ui).striped(true);
        for width in widths {
            table = table.column(Column::initial(width).at_least(40.0).resizable(true).clip(true));
        }
        table
            .column(Column::remainder())
            .sense(egui::Sense::click())
            .header(20.0, |mut header| {
                for (column, title) in headers.iter().enumerate() {
                    header.col(|ui| {
                        let arrow = match self.sort {
                            Some((c, true)) if c == column => " ⏶",
                            Some((c, false)) if c == column => " ⏷",
                            _ => "",
                        };
                        let button =
                            egui::Button::new(egui::RichText::new(format!("{title}{arrow}")).strong()).frame(false);
                        if ui.add(button).on_hover_text(format!("Sort by {title}")).clicked() {
                            clicked_header = Some(column);
                        }
                    });
                }
            })
            .body(|body| {
                body.rows(18.0, self.visible.len(), |mut row| {
                    let position = row.index();
                    row.set_selected(self.selected == Some(position));
                    let index = self.visible[position];
                    let finding = &self.findings[index];
                    let action = &self.review.decisions[index];
                    let update = match action {
                        Action::Edit(value) => value.as_str(),
                        _ => finding.update.as_str(),
                    };
                    let cells = [
                        finding.dn.as_str(),
                        finding.attribute.as_str(),
                        &finding.error_text(),
                        finding.value.as_str(),
                        update,
                        action.as_str(),
                        &finding.rule_text(),
                        finding.fix.as_str(),
                    ];
                    for cell in cells {
                        row.col(|ui| {
                            // One line per row: long values are cut, the full text on hover.
                            ui.add(egui::Label::new(cell).truncate().selectable(false));
                        });
                    }
                    if row.response().clicked() {
                        clicked_row = Some(position);
                    }
                });
            });
        if let Some(column) = clicked_header {
            self.sort = match self.sort {
                Some((c, true)) if c == column => Some((column, false)),
                _ => Some((column, true)),
            };
            self.refresh();
        }
        if clicked_row.is_some() {
            self.selected = clicked_row;
        }
    }
}

/// Findings per error name, most first: the side panel's list and chart (they change with a
/// scan, not with the filters).
fn count_by_error(findings: &[Finding]) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for finding in findings {
        for error in finding.errors() {
            match counts.iter_mut().find(|(name, _)| name == error.as_str()) {
                Some((_, n)) => *n += 1,
                None => counts.push((error.as_str().to_owned(), 1)),
            }
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts
}

/// A DN from a DETAIL list without its trailing " and N more".
fn without_more(dn: &str) -> &str {
    match dn.rsplit_once(" and ") {
        Some((head, tail)) if tail.strip_suffix(" more").is_some_and(|n| n.parse::<usize>().is_ok()) => head,
        _ => dn,
    }
}

/// The text a column sorts by.
fn column_text(finding: &Finding, column: usize) -> String {
    match column {
        0 => finding.dn.to_lowercase(),
        1 => finding.attribute.to_lowercase(),
        2 => finding.error_text(),
        3 => finding.value.to_lowercase(),
        4 => finding.update.to_lowercase(),
        6 => finding.rule_text(),
        7 => finding.fix.as_str().to_owned(),
        _ => String::new(),
    }
}

impl eframe::App for SyncreadyApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.poll_worker();
        self.keyboard(ui.ctx());
        egui::Panel::top("toolbar").show(ui, |ui| self.toolbar(ui));
        egui::Panel::left("counts").default_size(260.0).show(ui, |ui| self.counts_panel(ui));
        egui::Panel::right("details").default_size(320.0).show(ui, |ui| self.details_panel(ui));
        egui::CentralPanel::default().show(ui, |ui| self.table(ui));
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
    }
}
