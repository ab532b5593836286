//! Small widgets the window and the dialogs share: rows of controls that wrap, and drop-down
//! menus labelled for screen readers and tests.

use eframe::egui;

/// A row of controls that wraps onto the next line when the window is too narrow: whole
/// controls move down, their text is never broken.
pub fn row<R>(ui: &mut egui::Ui, add: impl FnOnce(&mut egui::Ui) -> R) -> R {
    ui.horizontal_wrapped(|ui| {
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        add(ui)
    })
    .inner
}

/// A menu for one filter: "any" or one of `choices`; returns whether it changed.
pub fn combo(ui: &mut egui::Ui, label: &str, value: &mut Option<String>, choices: &[String]) -> bool {
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
pub fn labelled_combo(ui: &mut egui::Ui, label: &str, selected: &str, menu: impl FnOnce(&mut egui::Ui)) {
    let label_response = ui.label(label);
    egui::ComboBox::from_id_salt(label)
        .selected_text(selected)
        .show_ui(ui, menu)
        .response
        .labelled_by(label_response.id);
}
