//! The "Cloud Sync migration" view: a Connect Sync configuration export planned against the
//! last scan on a worker thread; the verdict, the readiness items, the waves with a chart of
//! objects per wave, the scope differences, and the plan's files written on request.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};

use eframe::egui;
use egui_extras::{Column, TableBuilder};
use egui_plot::{Bar, BarChart, Plot};

use super::file_dialog::{FileDialogs, FileTarget};
use super::review_files::line_of;
use super::settings::Settings;
use super::widgets::row;
use crate::fix::{self, Action, Change, Decision};
use crate::migrate::plan::anchor_stamps;
use crate::migrate::scope::ScopeChange;
use crate::migrate::waves::WaveOptions;
use crate::migrate::{MigrationPlan, plan_migration, read_config, write_plan};
use crate::model::{AttrName, DirObject, DnKey, Severity};
use crate::report::count;
use crate::rules::{Finding, Ruleset};

#[derive(Default)]
pub struct MigrationView {
    running: Option<Receiver<Result<MigrationPlan, String>>>,
    plan: Option<MigrationPlan>,
    /// The objects the plan was made from (its indexes point into them).
    objects: Arc<Vec<DirObject>>,
    status: String,
    /// The wave whose anchors the admin asked to stamp.
    stamp: Option<usize>,
    /// The plan's scope differences, worked out once per plan (not every frame): the counts
    /// line, and the positions in the simulation of the objects deleted or created.
    scope_counts: String,
    scope_changes: Vec<usize>,
    /// Why nothing is in scope, when nothing is.
    empty_scope: Option<String>,
    /// The scan the plan was made against, as the status line names its sources.
    planned_against: String,
}

/// What the scan gives the planner.
pub struct ScanInput<'a> {
    /// The scan's sources, by name.
    pub sources: &'a [String],
    pub objects: &'a Arc<Vec<DirObject>>,
    pub findings: &'a Arc<Vec<Finding>>,
    pub ruleset: Option<&'a Ruleset>,
}

impl MigrationView {
    /// Forgets the plan: a new scan makes it stale.
    pub fn clear(&mut self) {
        *self = MigrationView::default();
    }

    pub fn plan(&self) -> Option<&MigrationPlan> {
        self.plan.as_ref()
    }

    pub fn is_planning(&self) -> bool {
        self.running.is_some()
    }

    pub fn status(&self) -> &str {
        &self.status
    }

    /// The changes that stamp the anchors of the wave the admin asked for, once.
    pub fn take_stamp_request(&mut self) -> Option<(usize, Result<Vec<Change>, String>)> {
        let wave = self.stamp.take()?;
        let plan = self.plan.as_ref()?;
        let stamps = plan.waves.iter().find(|w| w.number == wave).map(|w| anchor_stamps(&self.objects, w))?;
        let attribute = AttrName::MsDsConsistencyGuid;
        // Errors name the row the stamp has in the wave's anchors-wave-N.csv.
        let decisions = stamps.iter().enumerate().map(|(i, stamp)| {
            Ok(Decision {
                line: line_of(i),
                dn: self.objects[stamp.object].dn(),
                attribute: attribute.as_str(),
                value: "",
                action: Action::Edit(stamp.anchor.clone()),
                whole_attribute: false,
                guid: Ok(stamp.guid),
            })
        });
        let path = PathBuf::from(format!("anchors-wave-{wave}.csv"));
        Some((wave, fix::plan(&path, decisions).map_err(|e| e.to_string())))
    }

    fn start(&mut self, settings: &Settings, input: &ScanInput<'_>, ctx: &egui::Context) {
        let Some(ruleset) = input.ruleset.cloned() else {
            self.status = "Scan the forests first: the plan needs their objects.".into();
            return;
        };
        let config_path = PathBuf::from(settings.migration_config.trim());
        let cloud_ous: Vec<String> =
            settings.cloud_ous.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
        let (objects, findings) = (input.objects.clone(), input.findings.clone());
        let (sender, receiver) = channel();
        let ctx = ctx.clone();
        self.objects = objects.clone();
        self.planned_against = format!("{} ({} objects)", input.sources.join(", "), objects.len());
        std::thread::spawn(move || {
            let plan = read_config(&config_path).map_err(|e| e.to_string()).and_then(|config| {
                plan_migration(config, &objects, &findings, &ruleset, &cloud_ous, &WaveOptions::default())
            });
            let _ = sender.send(plan);
            ctx.request_repaint();
        });
        self.running = Some(receiver);
        self.status = "Planning…".into();
    }

    fn poll(&mut self) {
        let Some(receiver) = &self.running else { return };
        let Some(result) = super::worker::answer(receiver, "migration plan") else { return };
        self.running = None;
        match result {
            Ok(plan) => {
                let moving: usize = plan.waves.iter().map(|w| w.objects.len()).sum();
                self.status = format!(
                    "{}, {} for {moving} objects.",
                    count(plan.assessment.blockers(), "blocker"),
                    count(plan.waves.len(), "wave")
                );
                let simulation = &plan.simulation;
                self.scope_counts = format!(
                    "kept {}, deleted {}, created {}, out of scope {}",
                    simulation.count(ScopeChange::Kept),
                    simulation.count(ScopeChange::Deleted),
                    simulation.count(ScopeChange::Created),
                    simulation.count(ScopeChange::Neither)
                );
                self.scope_changes = (0..simulation.objects.len())
                    .filter(|&i| matches!(simulation.objects[i].change(), ScopeChange::Deleted | ScopeChange::Created))
                    .collect();
                self.empty_scope = empty_scope(&plan, &self.objects);
                self.plan = Some(plan);
            }
            Err(e) => {
                self.plan = None;
                self.status = format!("The plan failed: {e}");
            }
        }
    }

    fn write(&mut self, folder: &Path) {
        let Some(plan) = &self.plan else { return };
        self.status = match write_plan(folder, plan, &self.objects) {
            Ok(files) => format!("Wrote {} files to {}.", files.len(), folder.display()),
            Err(e) => format!("Writing the plan failed: {e}"),
        };
    }

    pub fn show(&mut self, ui: &mut egui::Ui, settings: &mut Settings, input: &ScanInput<'_>, files: &mut FileDialogs) {
        self.poll();
        row(ui, |ui| {
            let label = ui.label("Connect Sync export");
            ui.add(egui::TextEdit::singleline(&mut settings.migration_config).desired_width(320.0))
                .labelled_by(label.id)
                .on_hover_text(
                    "the Get-ADSyncServerConfiguration folder, or the wizard's *-SynchronizationPolicy-*.json",
                );
            if ui.button("Browse export…").clicked() {
                files.open(FileTarget::MigrationConfig, &settings.last_folder, ui.ctx());
            }
            let label = ui.label("Cloud Sync OUs");
            ui.add(egui::TextEdit::multiline(&mut settings.cloud_ous).desired_rows(1).desired_width(260.0))
                .labelled_by(label.id)
                .on_hover_text("one DN per line; empty: the containers Connect Sync selects");
            let ready = self.running.is_none() && !settings.migration_config.trim().is_empty();
            if ui.add_enabled(ready, egui::Button::new("Plan migration")).clicked() {
                self.start(settings, input, ui.ctx());
            }
            if self.running.is_some() {
                ui.spinner();
            }
        });
        let hint = |ui: &mut egui::Ui, text: &str| ui.add(egui::Label::new(egui::RichText::new(text).weak()).wrap());
        hint(
            ui,
            "Connect Sync export: the folder Get-ADSyncServerConfiguration writes on the Connect Sync server \
             (Get-ADSyncServerConfiguration -Path C:\\ADSyncExport), or the wizard's exported \
             *-SynchronizationPolicy-*.json.",
        );
        hint(
            ui,
            "Cloud Sync OUs: the OUs the Cloud Sync configuration will be scoped to, one DN per line \
             (OU=Staff,DC=contoso,DC=com); leave it empty to keep the containers Connect Sync selects.",
        );
        if input.sources.is_empty() {
            hint(ui, "The plan is made against the last scan: scan the forests the export syncs first.");
        } else {
            hint(ui, &format!("The plan will be made against the last scan: {}.", input.sources.join(", ")));
        }
        row(ui, |ui| {
            let label = ui.label("Plan folder");
            ui.add(egui::TextEdit::singleline(&mut settings.plan_folder).desired_width(320.0)).labelled_by(label.id);
            let can_write = self.plan.is_some() && !settings.plan_folder.trim().is_empty();
            if ui.add_enabled(can_write, egui::Button::new("Write plan files")).clicked() {
                self.write(Path::new(settings.plan_folder.trim()));
            }
        });
        ui.label(&self.status);
        let Some(plan) = &self.plan else { return };
        ui.separator();
        ui.heading(format!("{}.", plan.verdict()));
        ui.label(format!("Planned against the scan of {}.", self.planned_against));
        if let Some(why) = &self.empty_scope {
            ui.colored_label(ui.visuals().warn_fg_color, why);
        }
        let guided = &plan.assessment.guided_tool;
        ui.label(if guided.eligible {
            "Microsoft's guided tool can do this move.".to_owned()
        } else {
            format!("Not for Microsoft's guided tool: {}.", guided.reasons.join("; "))
        });
        let height = ui.available_height();
        ui.columns(2, |columns| {
            columns[0].strong("Readiness");
            readiness_table(&mut columns[0], plan, height * 0.55);
            columns[0].separator();
            columns[0].strong("Scope differences");
            columns[0].label(&self.scope_counts);
            scope_list(&mut columns[0], plan, &self.scope_changes, &self.objects);
            columns[1].strong("Objects per wave");
            wave_chart(&mut columns[1], plan);
            if let Some(wave) = wave_table(&mut columns[1], plan) {
                self.stamp = Some(wave);
            }
        });
    }
}

fn readiness_table(ui: &mut egui::Ui, plan: &MigrationPlan, height: f32) {
    ui.push_id("readiness", |ui| {
        TableBuilder::new(ui)
            .striped(true)
            .max_scroll_height(height)
            .column(Column::initial(60.0))
            .column(Column::initial(56.0))
            .column(Column::initial(150.0).clip(true))
            .column(Column::remainder().clip(true))
            .header(20.0, |mut header| {
                for title in ["Severity", "Code", "Subject", "Reason"] {
                    header.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|body| {
                body.rows(18.0, plan.assessment.items.len(), |mut row| {
                    let item = &plan.assessment.items[row.index()];
                    let color = match item.severity {
                        Severity::Blocker | Severity::Error => egui::Color32::from_rgb(210, 70, 50),
                        Severity::Warning => egui::Color32::from_rgb(220, 160, 40),
                        Severity::Info => ui_text_color(),
                    };
                    row.col(|ui| {
                        ui.colored_label(color, item.severity.as_str());
                    });
                    for text in [item.code, item.subject.as_str()] {
                        row.col(|ui| {
                            ui.add(egui::Label::new(text).truncate());
                        });
                    }
                    row.col(|ui| {
                        ui.add(egui::Label::new(&item.reason).truncate())
                            .on_hover_text(format!("{}\n\n{}", item.reason, item.fact));
                    });
                });
            });
    });
}

/// Why no scanned object is in scope (kept, deleted or created), if none is: the commonest
/// reasons, the partitions the export's connectors read, and what to do about it.
fn empty_scope(plan: &MigrationPlan, objects: &[DirObject]) -> Option<String> {
    let simulation = &plan.simulation;
    if simulation.objects.iter().any(|o| o.change() != ScopeChange::Neither) {
        return None;
    }
    let mut reasons: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for object in &simulation.objects {
        *reasons.entry(object.connect.as_deref().unwrap_or("in scope")).or_default() += 1;
    }
    let mut reasons: Vec<(&str, usize)> = reasons.into_iter().collect();
    reasons.sort_by_key(|r| std::cmp::Reverse(r.1));
    let reasons: Vec<String> = reasons.iter().take(3).map(|(reason, n)| format!("{n}: {reason}")).collect();
    let partitions: Vec<&str> = plan
        .config
        .connectors
        .iter()
        .flat_map(|c| &c.partitions)
        .filter(|p| p.selected)
        .map(|p| p.dn.as_str())
        .collect();
    let read = if partitions.is_empty() { "no partition".to_owned() } else { partitions.join(", ") };
    let keys: Vec<DnKey> = partitions.iter().map(|p| DnKey::of(p)).collect();
    let same_forest = simulation.objects.iter().any(|o| {
        let dn = DnKey::of(objects[o.object].dn());
        keys.iter().any(|partition| dn.is_within(partition))
    });
    let advice = if same_forest {
        "its OU filtering leaves out every scanned object: check the containers it selects, \
         or scan those containers"
    } else {
        "scan the forest that export belongs to, or choose the export of this forest's server"
    };
    Some(format!(
        "No scanned object is in scope of either engine ({}). The export's connectors read {read}: {advice}.",
        reasons.join("; ")
    ))
}

fn ui_text_color() -> egui::Color32 {
    egui::Color32::from_gray(200)
}

/// The objects deleted or created (`changes`: their positions in the simulation), as many as
/// are on screen.
fn scope_list(ui: &mut egui::Ui, plan: &MigrationPlan, changes: &[usize], objects: &[DirObject]) {
    egui::ScrollArea::vertical().id_salt("scope-changes").show_rows(ui, 18.0, changes.len(), |ui, rows| {
        for scoped in changes[rows].iter().map(|&i| &plan.simulation.objects[i]) {
            let why = scoped.cloud.as_deref().or(scoped.connect.as_deref()).unwrap_or_default();
            ui.add(
                egui::Label::new(format!("{}: {} ({why})", scoped.change().as_str(), objects[scoped.object].dn()))
                    .truncate(),
            );
        }
    });
}

fn wave_chart(ui: &mut egui::Ui, plan: &MigrationPlan) {
    if plan.waves.is_empty() {
        ui.label("No waves: no scanned object moves.");
        return;
    }
    let bars: Vec<Bar> = plan
        .waves
        .iter()
        .map(|w| Bar::new(w.number as f64, w.objects.len() as f64).name(w.name()).width(0.7))
        .collect();
    let chart = Plot::new("waves")
        .show_x(false)
        .show_y(false)
        .height(180.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("objects", bars));
        });
    chart.response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Figure, true, "Chart of objects per wave"));
}

/// Each wave's containers and counts; returns the wave whose anchors the admin asked to stamp.
fn wave_table(ui: &mut egui::Ui, plan: &MigrationPlan) -> Option<usize> {
    let mut stamp = None;
    for wave in &plan.waves {
        egui::CollapsingHeader::new(format!(
            "Wave {}: {} objects, {} to stamp, {} blocking findings",
            wave.name(),
            wave.objects.len(),
            wave.anchors_missing,
            wave.blocking_count()
        ))
        .id_salt(("wave", wave.number))
        .show(ui, |ui| {
            for container in &wave.containers {
                ui.label(container);
            }
            ui.label(wave.classes_text());
        });
        if wave.anchors_missing > 0
            && ui.button(format!("Stamp {} of wave {}…", count(wave.anchors_missing, "anchor"), wave.number)).clicked()
        {
            stamp = Some(wave.number);
        }
    }
    stamp
}
