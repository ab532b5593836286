//! The desktop app (eframe/egui, behind the default `gui` feature): a window on the same
//! library as the CLI. Work runs on a background thread that reports over a channel and asks
//! for a repaint; the UI never blocks.

mod app;
mod worker;

pub use app::SyncreadyApp;

/// Opens the app's window and runs until it is closed; with `demo`, it scans the built-in
/// demo directory right away.
pub fn run(demo: bool) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: eframe::egui::ViewportBuilder::default().with_inner_size([1280.0, 800.0]).with_title("syncready"),
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
