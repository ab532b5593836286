//! The app with 1,000,000 findings loaded: how long a frame that scrolls the table takes, and
//! how long a text filter takes (the filter alone, and a keystroke's whole frame). Frames are
//! run headlessly with egui_kittest (layout, the accessibility tree) and tessellated, as a
//! renderer would need; GPU upload is not included. Run with `cargo bench --bench gui_frames`.

#[path = "support/million.rs"]
mod million;

use std::time::{Duration, Instant};

use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use syncready::gui::SyncreadyApp;
use syncready::gui::filters::Filters;

const FINDINGS: usize = 1_000_000;
const SCROLL_FRAMES: usize = 300;

/// Runs one frame and tessellates what it drew; returns the time both took.
fn frame(harness: &mut Harness<'_, SyncreadyApp>) -> Duration {
    let started = Instant::now();
    harness.step();
    let output = harness.output();
    let primitives = harness.ctx.tessellate(output.shapes.clone(), output.pixels_per_point);
    std::hint::black_box(primitives);
    started.elapsed()
}

fn percentile(times: &mut [Duration], p: f64) -> f64 {
    times.sort();
    let index = ((times.len() - 1) as f64 * p).round() as usize;
    times[index].as_secs_f64() * 1000.0
}

fn main() {
    let started = Instant::now();
    let (findings, objects) = million::million_review(FINDINGS);
    println!("{} findings built in {:.1} s", findings.len(), started.elapsed().as_secs_f64());
    let mut harness = Harness::builder().with_size(egui::vec2(1400.0, 900.0)).build_eframe(|cc| SyncreadyApp::new(cc));
    harness.ctx.set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
    let loading = Instant::now();
    harness.state_mut().load_findings(findings, objects);
    println!("loaded into the app in {:.2} s", loading.elapsed().as_secs_f64());
    for _ in 0..5 {
        frame(&mut harness);
    }
    // The Name column (the DN is not among the default columns); names are numbered apart.
    let first_row = harness.state().findings()[harness.state().visible()[0]].common_name.clone();
    assert!(harness.query_all_by_label(&first_row).next().is_some(), "the first row shows before scrolling");

    // Scroll: the pointer over the table, one wheel notch of three lines per frame.
    harness.hover_at(egui::pos2(700.0, 600.0));
    let mut scrolling = Vec::with_capacity(SCROLL_FRAMES);
    for _ in 0..SCROLL_FRAMES {
        harness.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Line,
            delta: egui::vec2(0.0, -3.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
            modifiers: egui::Modifiers::NONE,
        });
        scrolling.push(frame(&mut harness));
    }
    assert!(harness.query_all_by_label(&first_row).next().is_none(), "the table scrolled away from the first row");
    let (median, p95, worst) =
        (percentile(&mut scrolling, 0.5), percentile(&mut scrolling, 0.95), percentile(&mut scrolling, 1.0));
    println!("scrolling frame ({SCROLL_FRAMES} frames): median {median:.2} ms, p95 {p95:.2} ms, max {worst:.2} ms");
    println!("  target at most 16 ms: {}", if worst <= 16.0 { "met" } else { "NOT met" });

    // Text filters, on the million rows: an ASCII word, a DN part and a non-ASCII one.
    for text in ["smith", "ou=sales", "ø"] {
        let started = Instant::now();
        harness.state_mut().set_filters(Filters { text: text.into(), ..Filters::default() });
        let filter = started.elapsed().as_secs_f64() * 1000.0;
        let frame_after = frame(&mut harness).as_secs_f64() * 1000.0;
        let rows = harness.state().visible().len();
        println!(
            "text filter '{text}': {filter:.1} ms to filter 1,000,000 rows to {rows}, then a {frame_after:.2} ms frame; \
             target at most 200 ms: {}",
            if filter + frame_after <= 200.0 { "met" } else { "NOT met" }
        );
    }
    // The same through the keyboard: one more character typed into the filter field.
    harness.state_mut().set_filters(Filters::default());
    frame(&mut harness);
    harness.get_by_label("Filter").click();
    frame(&mut harness);
    harness.get_by_label("Filter").type_text("x");
    let keystroke = frame(&mut harness).as_secs_f64() * 1000.0;
    assert_eq!(harness.state().filters().text, "x");
    println!(
        "a keystroke in the filter field (filter and frame): {keystroke:.1} ms, {} rows; target at most 200 ms: {}",
        harness.state().visible().len(),
        if keystroke <= 200.0 { "met" } else { "NOT met" }
    );
}
