//! The desktop app (eframe/egui, behind the default `gui` feature): a window on the same
//! library as the CLI. Scans, applies and undos run on background threads that report through
//! shared counters and channels and ask for a repaint; the UI never blocks.

mod app;
mod apply;
mod details;
mod dialogs;
mod file_dialog;
mod file_jobs;
pub mod filters;
mod fonts;
mod look;
mod marks;
mod migration;
mod planning;
mod review_files;
pub(crate) mod review_model;
mod saved_review;
pub(crate) mod settings;
mod source_panel;
mod table;
mod widgets;
mod worker;
mod writes;

pub use app::SyncreadyApp;
pub use apply::{Job, WriteResult, Writer};
pub use review_model::RowChoice;
pub use worker::{ScanDone, ScanProgress, Scanner};

/// Opens the app's window and runs until it is closed; with `demo`, it scans the built-in
/// demo directory right away.
pub fn run(demo: bool) -> anyhow::Result<()> {
    crate::platform::console::release_own_console();
    let options = eframe::NativeOptions {
        viewport: eframe::egui::ViewportBuilder::default().with_inner_size([1400.0, 860.0]).with_title("syncready"),
        persistence_path: Some(crate::platform::folders::app_settings_file()),
        ..Default::default()
    };
    eframe::run_native(
        "syncready",
        options,
        Box::new(move |cc| {
            let mut app = SyncreadyApp::new(cc);
            if demo {
                app.scan_demo(&cc.egui_ctx);
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("the window could not open: {e}"))
}
