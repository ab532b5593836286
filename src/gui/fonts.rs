//! Fonts for every script a directory holds: egui's bundled fonts cover Latin, Greek and
//! Cyrillic but not Vietnamese tone marks or CJK, so the system's broad fonts are added as
//! fallbacks when present (nothing is bundled; a missing one leaves a box per character).

use eframe::egui;
use egui::epaint::text::{FontData, FontInsert, FontPriority, InsertFontFamily};

/// Broad-coverage fonts on Linux, Windows and macOS, tried in order; every one found is used.
const CANDIDATES: [&str; 10] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "C:\\Windows\\Fonts\\segoeui.ttf",
    "C:\\Windows\\Fonts\\msyh.ttc",
    "C:\\Windows\\Fonts\\malgun.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
];

/// Adds the fonts found as the last fallbacks of both families; returns how many.
pub fn add_system_fallbacks(ctx: &egui::Context) -> usize {
    let mut added = 0;
    for path in CANDIDATES {
        let Ok(bytes) = std::fs::read(path) else { continue };
        let families = [egui::FontFamily::Proportional, egui::FontFamily::Monospace]
            .map(|family| InsertFontFamily { family, priority: FontPriority::Lowest });
        ctx.add_font(FontInsert::new(path, FontData::from_owned(bytes), families.to_vec()));
        added += 1;
    }
    added
}
