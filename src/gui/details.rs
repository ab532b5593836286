//! The details panel for the selected row: what is wrong (each failing rule's message and its
//! full explanation), the value with its invisible characters marked, its decision with the
//! value to write (editable), the actions, the apply result, the other holders of a duplicate
//! (click to jump) and the object's attributes.

use eframe::egui;

use super::marks;
use super::review_model::RowResult;
use crate::fix::Action;
use crate::model::DirObject;
use crate::report::csv::binary_cell;
use crate::rules::Finding;

/// Shows the row; returns the snapshot index of another holder the admin clicked.
pub fn show(
    ui: &mut egui::Ui,
    finding: &Finding,
    decision: &mut Action,
    outcome: Option<&RowResult>,
    objects: &[DirObject],
) -> Option<u32> {
    let object = finding.object.and_then(|o| objects.get(o as usize));
    ui.heading(&finding.common_name);
    ui.add(egui::Label::new(&finding.dn).wrap());
    ui.label(format!("{}: {} ({})", finding.attribute, finding.error_text(), finding.rule_text()));
    ui.label(format!("Severity {}, fix {}", finding.severity.as_str(), finding.fix.as_str()));
    if !finding.value.is_empty() {
        ui.horizontal_wrapped(|ui| {
            ui.label("Value:");
            let response = ui.add(egui::Label::new(marks::layout(ui, &finding.value)).wrap());
            let shown = marks::shown(&finding.value);
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, format!("Value: {shown}")));
        });
    }
    egui::CollapsingHeader::new("What is wrong").default_open(true).show(ui, |ui| {
        for rule in &finding.rules {
            let rule = rule.rule();
            ui.add(egui::Label::new(egui::RichText::new(format!("{}: {}", rule.code, rule.message)).strong()).wrap());
            let doc: Vec<&str> = rule.doc.lines().map(str::trim).collect();
            ui.add(egui::Label::new(doc.join(" ")).wrap());
            ui.add(egui::Label::new(egui::RichText::new(format!("Fix: {}", rule.fix_text())).italics()).wrap());
        }
    });
    if !finding.detail.is_empty() {
        ui.add(egui::Label::new(&finding.detail).wrap());
    }
    let mut value = match decision {
        Action::Edit(value) => value.clone(),
        _ => finding.update.clone().unwrap_or_default(),
    };
    let label = ui.label("New value");
    if ui.add(egui::TextEdit::singleline(&mut value).desired_width(f32::INFINITY)).labelled_by(label.id).changed() {
        *decision = Action::Edit(value.clone());
    }
    if marks::shown(&value) != value {
        ui.horizontal_wrapped(|ui| {
            ui.label("As written:");
            let response = ui.add(egui::Label::new(marks::layout(ui, &value)).wrap());
            let shown = marks::shown(&value);
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, format!("As written: {shown}")));
        });
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
    ui.label(format!("Action: {}", decision.label()));
    if let Some(result) = outcome {
        ui.label(format!("Result: {}{}", result.word, with_colon(&result.message)));
    }
    let mut jump = None;
    let holders: Vec<(u32, &str)> =
        finding.holders.iter().filter_map(|&i| Some((i, objects.get(i as usize)?.dn()))).collect();
    if !holders.is_empty() {
        ui.separator();
        ui.strong("Also held by");
        for (index, dn) in holders {
            if ui.link(dn).clicked() {
                jump = Some(index);
            }
        }
    }
    ui.separator();
    ui.strong("Attributes");
    if let Some(object) = object {
        egui::ScrollArea::vertical().id_salt("attributes").show(ui, |ui| {
            for (name, values) in object.attributes() {
                for (_, value) in values {
                    let shown = match value.as_text() {
                        Some(text) => marks::shown(text),
                        None => binary_cell(value.as_bytes()),
                    };
                    ui.add(egui::Label::new(format!("{name}: {shown}")).truncate());
                }
            }
        });
    }
    jump
}

fn with_colon(message: &str) -> String {
    if message.is_empty() { String::new() } else { format!(": {message}") }
}
