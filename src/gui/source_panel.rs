//! Where a scan reads from and with which rules: the demo directory, export files, or one or
//! more connection profiles (URL, TLS, CA, Kerberos or user and a masked password, base DN,
//! filter); the ruleset and its options.

use eframe::egui;

use super::file_dialog::FileTarget;
use super::settings::{Profile, Settings, SourceKind, TlsMode};
use super::widgets::{labelled_combo, row};

/// What the admin asked for in the panel.
#[derive(Default)]
pub struct SourceClicks {
    pub scan: bool,
    pub browse: Option<FileTarget>,
}

/// A text field with an accessible name: the label in front of it.
fn field(ui: &mut egui::Ui, label: &str, text: &mut String, width: f32) -> egui::Response {
    let label = ui.label(label);
    ui.add(egui::TextEdit::singleline(text).desired_width(width)).labelled_by(label.id)
}

pub fn show(ui: &mut egui::Ui, settings: &mut Settings, idle: bool) -> SourceClicks {
    let mut clicks = SourceClicks::default();
    row(ui, |ui| {
        ui.label("Source");
        ui.radio_value(&mut settings.source, SourceKind::Demo, "Demo directory");
        ui.radio_value(&mut settings.source, SourceKind::Files, "Export files");
        ui.radio_value(&mut settings.source, SourceKind::Directory, "Directory (LDAP)");
        ui.separator();
        clicks.scan = ui.add_enabled(idle, egui::Button::new("Scan")).clicked();
    });
    match settings.source {
        SourceKind::Demo => {
            ui.label("The built-in demo directory: 2,000 objects of contoso.com with planted problems.");
        }
        SourceKind::Files => {
            row(ui, |ui| {
                let label = ui.label("Export files");
                ui.add(egui::TextEdit::multiline(&mut settings.files).desired_rows(2).desired_width(520.0))
                    .labelled_by(label.id)
                    .on_hover_text("LDIF (ldifde -f) or csvde exports, one path per line");
                if ui.button("Browse files…").clicked() {
                    clicks.browse = Some(FileTarget::SourceFiles);
                }
            });
        }
        SourceKind::Directory => profiles(ui, settings, &mut clicks),
    }
    ruleset(ui, settings, &mut clicks);
    clicks
}

fn profiles(ui: &mut egui::Ui, settings: &mut Settings, clicks: &mut SourceClicks) {
    let mut remove = None;
    let count = settings.profiles.len();
    for (i, profile) in settings.profiles.iter_mut().enumerate() {
        row(ui, |ui| {
            ui.checkbox(&mut profile.enabled, "Read");
            field(ui, "Profile", &mut profile.name, 90.0);
            field(ui, "Server URL", &mut profile.url, 200.0).on_hover_text("ldaps://dc1.contoso.com or ldap://…");
            ui.push_id(i, |ui| {
                labelled_combo(ui, "TLS", profile.tls.label(), |ui| {
                    for mode in TlsMode::ALL {
                        ui.selectable_value(&mut profile.tls, mode, mode.label());
                    }
                });
            });
            field(ui, "CA file", &mut profile.ca_file, 140.0)
                .on_hover_text("PEM of the CA that issued the DCs' certificates");
            if ui.button("Browse CA…").clicked() {
                clicks.browse = Some(FileTarget::CaFile(i));
            }
            if count > 1 && ui.button("Remove profile").clicked() {
                remove = Some(i);
            }
        });
        row(ui, |ui| {
            ui.add_space(24.0);
            field(ui, "User", &mut profile.user, 170.0).on_hover_text(if cfg!(windows) {
                "user@domain or DOMAIN\\user; empty: you, as signed in to Windows (no password)"
            } else {
                "user@domain or DOMAIN\\user; empty: Kerberos (kinit)"
            });
            if !profile.user.trim().is_empty() {
                let label = ui.label("Password");
                ui.add(egui::TextEdit::singleline(&mut profile.password).password(true).desired_width(120.0))
                    .labelled_by(label.id);
            }
            field(ui, "Base DN", &mut profile.base, 170.0).on_hover_text("empty: the domain's naming context");
            field(ui, "LDAP filter", &mut profile.filter, 220.0);
            let label = ui.label("Timeout (s)");
            ui.add(egui::DragValue::new(&mut profile.timeout_seconds).range(1..=86_400))
                .labelled_by(label.id)
                .on_hover_text("how long one LDAP operation may wait for the server");
        });
        if profile.tls == TlsMode::InsecurePlain {
            ui.colored_label(
                egui::Color32::from_rgb(200, 60, 40),
                "INSECURE: without TLS the password and every value cross the network in clear text.",
            );
        }
    }
    if let Some(i) = remove {
        settings.profiles.remove(i);
        settings.write_profile = settings.write_profile.min(settings.profiles.len() - 1);
    }
    if ui.button("Add forest").clicked() {
        let name = format!("Forest {}", settings.profiles.len() + 1);
        settings.profiles.push(Profile { name, ..Profile::default() });
    }
}

fn ruleset(ui: &mut egui::Ui, settings: &mut Settings, clicks: &mut SourceClicks) {
    row(ui, |ui| {
        let options = &mut settings.ruleset;
        let custom = !crate::rules::ruleset::BUILT_IN.contains(&options.ruleset.as_str());
        let shown = if custom { "custom file".to_owned() } else { options.ruleset.clone() };
        labelled_combo(ui, "Ruleset", &shown, |ui| {
            for name in crate::rules::ruleset::BUILT_IN {
                ui.selectable_value(&mut options.ruleset, name.to_owned(), name);
            }
            if ui.selectable_label(custom, "custom file").clicked() && !custom {
                options.ruleset.clear();
            }
        });
        if custom {
            field(ui, "Ruleset file", &mut options.ruleset, 160.0);
            if ui.button("Browse ruleset…").clicked() {
                clicks.browse = Some(FileTarget::RulesetFile);
            }
        }
        field(ui, "Verified domains", &mut settings.verified_domains, 160.0)
            .on_hover_text("the tenant's verified domains, comma-separated");
        let mut file = options.verified_domains_file.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
        if field(ui, "Domains file", &mut file, 120.0).changed() {
            options.verified_domains_file = (!file.trim().is_empty()).then(|| file.trim().into());
        }
        if ui.button("Browse domains…").clicked() {
            clicks.browse = Some(FileTarget::VerifiedDomainsFile);
        }
    });
    row(ui, |ui| {
        let options = &mut settings.ruleset;
        let mut target = options.target_domain.clone().unwrap_or_default();
        if field(ui, "Target domain", &mut target, 140.0).changed() {
            options.target_domain = (!target.trim().is_empty()).then_some(target);
        }
        let anchor = options.anchor.clone().unwrap_or_else(|| "mS-DS-ConsistencyGuid".into());
        labelled_combo(ui, "Source anchor", &anchor, |ui| {
            for name in ["mS-DS-ConsistencyGuid", "objectGUID"] {
                if ui.selectable_label(anchor == name, name).clicked() {
                    options.anchor = Some(name.to_owned());
                }
            }
        });
        let mut login = options.alternate_login_id.clone().unwrap_or_default();
        if field(ui, "Alternate login ID", &mut login, 120.0)
            .on_hover_text("e.g. mail; empty: userPrincipalName")
            .changed()
        {
            options.alternate_login_id = (!login.trim().is_empty()).then_some(login);
        }
        let mut tenant = options.tenant.first().map(|p| p.display().to_string()).unwrap_or_default();
        if field(ui, "Tenant export", &mut tenant, 200.0)
            .on_hover_text(
                "a folder of Graph PowerShell exports (see the README): checks what the first sync meets in Entra ID",
            )
            .changed()
        {
            options.tenant = if tenant.trim().is_empty() { Vec::new() } else { vec![tenant.trim().into()] };
        }
        if ui.button("Browse tenant…").clicked() {
            clicks.browse = Some(FileTarget::TenantExport);
        }
    });
}
