//! Fonts for every script a directory holds: egui's bundled fonts cover Latin, Greek and
//! Cyrillic but not Vietnamese tone marks or CJK, so the system's broad fonts are added as
//! fallbacks when present (nothing is bundled; a missing one leaves a box per character).

use std::path::PathBuf;

use eframe::egui;
use egui::epaint::text::{FontData, FontInsert, FontPriority, InsertFontFamily};

/// Broad-coverage fonts of Linux and macOS, tried in order.
const UNIX_FONTS: [&str; 7] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
];

/// The fonts every Windows 10 and 11 installs, in `%WINDIR%\Fonts`: Segoe UI (Latin with
/// Vietnamese, Greek, Cyrillic), then Chinese (simplified and traditional), Japanese and Korean.
const WINDOWS_FONTS: [&str; 6] = ["segoeui.ttf", "msyh.ttc", "msjh.ttc", "YuGothM.ttc", "meiryo.ttc", "malgun.ttf"];

/// Every candidate path on this system, in the order they are tried.
fn candidates() -> Vec<PathBuf> {
    let windows = std::env::var_os("WINDIR").or_else(|| std::env::var_os("SystemRoot")).map(PathBuf::from);
    let windows_fonts = windows.iter().flat_map(|dir| WINDOWS_FONTS.map(|name| dir.join("Fonts").join(name)));
    UNIX_FONTS.iter().map(PathBuf::from).chain(windows_fonts).collect()
}

/// Adds the fonts found as the last fallbacks of both families; returns how many.
pub fn add_system_fallbacks(ctx: &egui::Context) -> usize {
    let mut added = 0;
    for path in candidates() {
        let Ok(bytes) = std::fs::read(&path) else { continue };
        let families = [egui::FontFamily::Proportional, egui::FontFamily::Monospace]
            .map(|family| InsertFontFamily { family, priority: FontPriority::Lowest });
        ctx.add_font(FontInsert::new(&path.to_string_lossy(), FontData::from_owned(bytes), families.to_vec()));
        added += 1;
    }
    added
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(windows)]
    #[test]
    fn windows_fonts_for_cjk_cyrillic_greek_and_vietnamese_are_tried() {
        let fonts = PathBuf::from(std::env::var_os("WINDIR").unwrap()).join("Fonts");
        let tried = candidates();
        for name in ["segoeui.ttf", "msyh.ttc", "msjh.ttc", "YuGothM.ttc", "malgun.ttf"] {
            assert!(tried.contains(&fonts.join(name)), "{name} in {tried:?}");
        }
    }

    #[cfg(not(windows))]
    #[test]
    fn no_windows_path_is_tried_elsewhere() {
        assert_eq!(candidates(), UNIX_FONTS.map(PathBuf::from).to_vec());
    }
}
