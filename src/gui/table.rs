//! The findings table: IdFix's columns plus rule, severity, fix safety and the apply result,
//! one line per row, virtualized (only the rows on screen are laid out), sortable by any
//! column.

use eframe::egui;
use egui_extras::{Column, TableBuilder};

use super::review_model::RowResult;
use crate::fix::Action;
use crate::rules::Finding;

pub const HEADERS: [&str; 12] =
    ["DN", "Name", "Class", "Attribute", "Error", "Value", "Update", "Action", "Rule", "Severity", "Fix", "Result"];
const WIDTHS: [f32; 11] = [180.0, 90.0, 50.0, 100.0, 90.0, 140.0, 140.0, 65.0, 70.0, 55.0, 50.0];

/// What the table shows; `visible` indexes `findings`.
pub struct TableView<'a> {
    pub findings: &'a [Finding],
    pub decisions: &'a [Action],
    pub outcomes: &'a [Option<RowResult>],
    pub visible: &'a [usize],
    pub selected: Option<usize>,
    /// Picked rows, by finding index: highlighted like the selected one.
    pub picked: &'a [bool],
    pub sort: Option<(usize, bool)>,
    /// Scroll so that this visible position shows.
    pub scroll_to: Option<usize>,
}

/// What was clicked this frame.
#[derive(Default)]
pub struct TableClicks {
    pub header: Option<usize>,
    pub row: Option<usize>,
    /// The value typed into the selected row's Update cell (finding index, value).
    pub edited: Option<(usize, String)>,
}

/// The Update column, editable in place on the selected row.
const UPDATE_COLUMN: usize = 6;

/// The table, scrolling sideways when its columns are wider than the window.
pub fn show(ui: &mut egui::Ui, view: &TableView<'_>) -> TableClicks {
    egui::ScrollArea::horizontal().id_salt("findings-sideways").show(ui, |ui| rows(ui, view)).inner
}

fn rows(ui: &mut egui::Ui, view: &TableView<'_>) -> TableClicks {
    let mut clicks = TableClicks::default();
    let mut table = TableBuilder::new(ui).striped(true);
    for width in WIDTHS {
        table = table.column(Column::initial(width).at_least(36.0).resizable(true).clip(true));
    }
    if let Some(position) = view.scroll_to {
        table = table.scroll_to_row(position, Some(egui::Align::Center));
    }
    table
        .column(Column::initial(90.0).at_least(60.0).resizable(true).clip(true))
        .sense(egui::Sense::click())
        .header(20.0, |mut header| {
            for (column, title) in HEADERS.iter().enumerate() {
                header.col(|ui| {
                    let arrow = match view.sort {
                        Some((c, true)) if c == column => " ⏶",
                        Some((c, false)) if c == column => " ⏷",
                        _ => "",
                    };
                    let button =
                        egui::Button::new(egui::RichText::new(format!("{title}{arrow}")).strong()).frame(false);
                    if ui.add(button).on_hover_text(format!("Sort by {title}")).clicked() {
                        clicks.header = Some(column);
                    }
                });
            }
        })
        .body(|body| {
            body.rows(18.0, view.visible.len(), |mut row| {
                let position = row.index();
                let index = view.visible[position];
                row.set_selected(view.selected == Some(position) || view.picked.get(index).copied().unwrap_or(false));
                let selected = view.selected == Some(position);
                for (column, cell) in cells(view, index).iter().enumerate() {
                    row.col(|ui| {
                        if selected && column == UPDATE_COLUMN {
                            let mut value = cell.clone();
                            let response = ui.add(egui::TextEdit::singleline(&mut value).desired_width(f32::INFINITY));
                            response.widget_info(|| {
                                let mut info = egui::WidgetInfo::text_edit(true, cell, &value, "");
                                info.label = Some("Update of the selected row".into());
                                info
                            });
                            if response.changed() {
                                clicks.edited = Some((index, value));
                            }
                            return;
                        }
                        let text = egui::RichText::new(cell.as_str());
                        let text = match (column, &view.outcomes[index]) {
                            (11, Some(result)) if result.ok => text.color(egui::Color32::from_rgb(40, 140, 60)),
                            (11, Some(_)) => text.color(egui::Color32::from_rgb(200, 60, 40)),
                            _ => text,
                        };
                        // One line per row: long values are cut, the full text in the details.
                        ui.add(egui::Label::new(text).truncate().selectable(false));
                    });
                }
                if row.response().clicked() {
                    clicks.row = Some(position);
                }
            });
        });
    clicks
}

/// A row's cells, in [`HEADERS`] order.
fn cells(view: &TableView<'_>, index: usize) -> [String; 12] {
    let finding = &view.findings[index];
    let decision = &view.decisions[index];
    let update = match decision {
        Action::Edit(value) => value.clone(),
        _ => finding.update.clone().unwrap_or_default(),
    };
    let result = view.outcomes[index].as_ref().map_or("", |r| r.word).to_owned();
    [
        finding.dn.clone(),
        finding.common_name.clone(),
        finding.object_class.to_owned(),
        finding.attribute.as_str().to_owned(),
        finding.error_text(),
        finding.value.clone(),
        update,
        decision.as_str().to_owned(),
        finding.rule_text(),
        finding.severity.as_str().to_owned(),
        finding.fix.as_str().to_owned(),
        result,
    ]
}
