//! The findings table, IdFix's grid and more: the columns the admin chose (what is wrong in
//! words, values with their invisible characters marked), an ACTION drop-down on every row,
//! the selected row's new value editable in place (double-click focuses it), a right-click
//! menu, picked rows highlighted. One line per row, virtualized (only the rows on screen are
//! laid out), sortable by any column, the widths shared out to fit the window.

use eframe::egui;
use egui_extras::{Column as Width, TableBuilder};

use super::marks;
use super::review_model::{Column, ReviewModel, RowChoice, problem};
use crate::fix::Action;
use crate::rules::Finding;

/// What the table shows: the review's visible rows, in the chosen columns.
pub struct TableView<'a> {
    pub model: &'a ReviewModel,
    pub columns: &'a [Column],
    /// Scroll so that this visible position shows.
    pub scroll_to: Option<usize>,
    /// Give the selected row's Update cell the keyboard (after a double-click).
    pub focus_update: bool,
}

/// What was clicked this frame.
#[derive(Default)]
pub struct TableClicks {
    pub header: Option<Column>,
    pub row: Option<usize>,
    /// A row was double-clicked (its position): edit its new value.
    pub double: Option<usize>,
    /// The value typed into the selected row's Update cell (finding index, value).
    pub edited: Option<(usize, String)>,
    /// A choice for the row at a position; `true` when it came from the right-click menu (it
    /// then acts on every picked row when that row is one of them, as in Explorer).
    pub choice: Option<(usize, RowChoice, bool)>,
}

/// The id of the selected row's Update cell.
fn update_cell_id() -> egui::Id {
    egui::Id::unique("findings-update-cell")
}

/// The table, scrolling sideways only when the window is too narrow for the columns'
/// smallest widths.
pub fn show(ui: &mut egui::Ui, view: &TableView<'_>) -> TableClicks {
    egui::ScrollArea::horizontal().id_salt("findings-sideways").show(ui, |ui| rows(ui, view)).inner
}

fn rows(ui: &mut egui::Ui, view: &TableView<'_>) -> TableClicks {
    let mut clicks = TableClicks::default();
    let model = view.model;
    let available = ui.available_width();
    let total: f32 = view.columns.iter().map(|c| c.weight()).sum();
    // Widths follow the window: a new layout when it changes by more than 50 pixels.
    let bucket = (available / 50.0) as i32;
    let mut table = TableBuilder::new(ui).id_salt(("findings", bucket, view.columns.len())).striped(true);
    for column in view.columns {
        let share = (available - 8.0 * view.columns.len() as f32) * column.weight() / total.max(1.0);
        let least = column.min_width();
        table = table.column(Width::initial(share.max(least)).at_least(least).resizable(true).clip(true));
    }
    if let Some(position) = view.scroll_to {
        table = table.scroll_to_row(position, Some(egui::Align::Center));
    }
    table
        .sense(egui::Sense::click())
        .header(20.0, |mut header| {
            for &column in view.columns {
                header.col(|ui| {
                    let title = column.title();
                    let button = egui::Button::new(egui::RichText::new(title).strong()).frame(false);
                    let response = ui.add(button);
                    if let Some((c, ascending)) = model.sort
                        && c == column
                    {
                        sort_arrow(ui, response.rect, ascending);
                    }
                    if response.on_hover_text(format!("Sort by {title}")).clicked() {
                        clicks.header = Some(column);
                    }
                });
            }
        })
        .body(|body| {
            body.rows(20.0, model.visible.len(), |mut row| {
                let position = row.index();
                let index = model.visible[position];
                let selected = model.selected == Some(position);
                row.set_selected(model.is_highlighted(position));
                for &column in view.columns {
                    row.col(|ui| cell(ui, view, position, index, column, selected, &mut clicks));
                }
                let response = row.response();
                if response.clicked() {
                    clicks.row = Some(position);
                }
                if response.double_clicked() {
                    clicks.double = Some(position);
                }
                response.context_menu(|ui| {
                    if let Some(choice) = row_menu(ui, &model.findings[index]) {
                        clicks.choice = Some((position, choice, true));
                        ui.close();
                    }
                });
            });
        });
    clicks
}

fn cell(
    ui: &mut egui::Ui,
    view: &TableView<'_>,
    position: usize,
    index: usize,
    column: Column,
    selected: bool,
    clicks: &mut TableClicks,
) {
    let finding = &view.model.findings[index];
    let decision = &view.model.review.decisions[index];
    match column {
        Column::Update if selected => {
            let mut value = update_of(finding, decision);
            let edit = egui::TextEdit::singleline(&mut value).id(update_cell_id()).desired_width(f32::INFINITY);
            let response = ui.add(edit);
            if view.focus_update {
                response.request_focus();
            }
            let before = update_of(finding, decision);
            response.widget_info(|| {
                let mut info = egui::WidgetInfo::text_edit(true, &before, &value, "");
                info.label = Some("Update of the selected row".into());
                info
            });
            if response.changed() {
                clicks.edited = Some((index, value));
            }
        }
        Column::Action => {
            if let Some(choice) = action_menu(ui, finding, decision, position) {
                clicks.choice = Some((position, choice, false));
            }
        }
        Column::Value | Column::Update => {
            let value = if column == Column::Value { finding.value.clone() } else { update_of(finding, decision) };
            let shown = marks::shown(&value);
            let response = ui.add(egui::Label::new(marks::layout(ui, &value)).truncate().selectable(false));
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &shown));
        }
        _ => {
            let text = egui::RichText::new(text_of(view, index, column));
            let text = match (column, &view.model.outcomes[index]) {
                (Column::Result, Some(result)) if result.ok => text.color(egui::Color32::from_rgb(40, 140, 60)),
                (Column::Result, Some(_)) => text.color(ui.visuals().error_fg_color),
                _ => text,
            };
            // One line per row: long values are cut, the full text in the details.
            ui.add(egui::Label::new(text).truncate().selectable(false));
        }
    }
}

/// A small triangle after a header's title, pointing up when the column sorts ascending (the
/// bundled fonts have no arrow glyph).
fn sort_arrow(ui: &egui::Ui, title: egui::Rect, ascending: bool) {
    let (x, y, half) = (title.right() + 7.0, title.center().y, 4.0);
    let points = if ascending {
        vec![egui::pos2(x - half, y + half / 2.0), egui::pos2(x + half, y + half / 2.0), egui::pos2(x, y - half)]
    } else {
        vec![egui::pos2(x - half, y - half / 2.0), egui::pos2(x + half, y - half / 2.0), egui::pos2(x, y + half)]
    };
    let color = ui.visuals().strong_text_color();
    ui.painter().add(egui::Shape::convex_polygon(points, color, egui::Stroke::NONE));
}

/// The row's ACTION drop-down (accessible name "Action, row N").
fn action_menu(ui: &mut egui::Ui, finding: &Finding, decision: &Action, position: usize) -> Option<RowChoice> {
    let mut choice = None;
    let label = format!("Action, row {}", position + 1);
    let response = egui::ComboBox::from_id_salt(("action", position))
        .selected_text(decision.label())
        .width(ui.available_width())
        .show_ui(ui, |ui| {
            for (option, text) in [
                (RowChoice::Edit, "Edit"),
                (RowChoice::Remove, "Remove"),
                (RowChoice::LeaveAsIs, "Leave as is"),
                (RowChoice::Undecided, "Undecided"),
            ] {
                let enabled = option != RowChoice::Remove || !finding.value.is_empty();
                let current = decision.label() == text;
                if ui.add_enabled(enabled, egui::Button::selectable(current, text)).clicked() {
                    choice = Some(option);
                }
            }
        })
        .response;
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, &label));
    choice
}

/// The right-click menu of a row.
fn row_menu(ui: &mut egui::Ui, finding: &Finding) -> Option<RowChoice> {
    let mut choice = None;
    let mut item = |ui: &mut egui::Ui, enabled: bool, text: &str, option: RowChoice| {
        if ui.add_enabled(enabled, egui::Button::new(text)).clicked() {
            choice = Some(option);
        }
    };
    item(ui, finding.update.is_some(), "Accept the proposed fix", RowChoice::Edit);
    item(ui, !finding.value.is_empty(), "Remove the value", RowChoice::Remove);
    item(ui, true, "Leave the value as is", RowChoice::LeaveAsIs);
    item(ui, true, "Take the decision back", RowChoice::Undecided);
    ui.separator();
    item(ui, true, "Copy DN", RowChoice::CopyDn);
    item(ui, true, "Copy value", RowChoice::CopyValue);
    ui.separator();
    item(ui, true, "Show only this object", RowChoice::ShowObject);
    item(ui, !finding.holders.is_empty(), "Show the other holders", RowChoice::ShowHolders);
    choice
}

/// The value the Update cell shows: the decided one, else the proposed one.
fn update_of(finding: &Finding, decision: &Action) -> String {
    match decision {
        Action::Edit(value) => value.clone(),
        _ => finding.update.clone().unwrap_or_default(),
    }
}

/// A text cell.
fn text_of(view: &TableView<'_>, index: usize, column: Column) -> String {
    let (finding, decision) = (&view.model.findings[index], &view.model.review.decisions[index]);
    match column {
        Column::Dn => finding.dn.clone(),
        Column::Name => finding.common_name.clone(),
        Column::Class => finding.object_class.to_owned(),
        Column::Attribute => finding.attribute.as_str().to_owned(),
        Column::Error => finding.error_text(),
        Column::Problem => problem(finding),
        Column::Value => finding.value.clone(),
        Column::Update => update_of(finding, decision),
        Column::Action => decision.label().to_owned(),
        Column::Rule => finding.rule_text(),
        Column::Severity => finding.severity.as_str().to_owned(),
        Column::Fix => finding.fix.as_str().to_owned(),
        Column::Result => view.model.outcomes[index].as_ref().map_or("", |r| r.word).to_owned(),
    }
}
