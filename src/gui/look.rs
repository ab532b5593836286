//! The window's look: text fields that stand out from the panel they sit on. egui's themes
//! draw an empty field at about 1.15:1 against its panel, which a new admin does not see as a
//! place to type; both themes get a field colour of at least 1.5:1.

use eframe::egui;

/// Sets the field colours of both themes.
pub fn apply(ctx: &egui::Context) {
    ctx.style_mut_of(egui::Theme::Dark, |style| style.visuals.extreme_bg_color = egui::Color32::from_gray(62));
    ctx.style_mut_of(egui::Theme::Light, |style| style.visuals.extreme_bg_color = egui::Color32::from_gray(255));
    ctx.style_mut_of(egui::Theme::Light, |style| style.visuals.panel_fill = egui::Color32::from_gray(208));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The least contrast between a text field and its panel.
    const FIELD_CONTRAST: f32 = 1.5;

    /// WCAG's contrast ratio of two colours.
    fn contrast(a: egui::Color32, b: egui::Color32) -> f32 {
        let luminance = |c: egui::Color32| {
            let channel = |v: u8| {
                let v = v as f32 / 255.0;
                if v <= 0.03928 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
            };
            0.2126 * channel(c.r()) + 0.7152 * channel(c.g()) + 0.0722 * channel(c.b())
        };
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    /// Whether a theme's fields stand out from its panels enough.
    fn fields_stand_out(visuals: &egui::Visuals) -> bool {
        contrast(visuals.extreme_bg_color, visuals.panel_fill) >= FIELD_CONTRAST
    }

    #[test]
    fn fields_stand_out_from_their_panel_in_both_themes() {
        assert!(!fields_stand_out(&egui::Visuals::dark()), "egui's own dark theme does not");
        let ctx = egui::Context::default();
        apply(&ctx);
        for theme in [egui::Theme::Dark, egui::Theme::Light] {
            let visuals = ctx.style_of(theme).visuals.clone();
            let ratio = contrast(visuals.extreme_bg_color, visuals.panel_fill);
            assert!(fields_stand_out(&visuals), "{theme:?}: {ratio:.2}:1");
        }
    }
}
