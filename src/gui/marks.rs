//! Invisible differences made visible: a value's leading and trailing spaces, tabs, line
//! breaks, no-break spaces and the characters that are not in Unicode NFC are drawn as
//! markers (in another colour), so that "Sales " and "Sales" or a decomposed "é" and a composed
//! one no longer look alike in the table and the details. The legend says what each marker
//! stands for.

use eframe::egui;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::is_nfc;

/// What a piece of a shown value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Text as it is.
    Plain,
    /// A space at the start or the end.
    OuterSpace,
    Tab,
    LineBreak,
    NoBreakSpace,
    /// A character of a value that is not in NFC (a combining mark, or the letter before it).
    NotNfc,
}

impl Mark {
    /// The character drawn in place of an invisible one.
    fn symbol(self) -> Option<char> {
        match self {
            Mark::OuterSpace => Some('·'),
            Mark::Tab => Some('»'),
            Mark::LineBreak => Some('¶'),
            Mark::NoBreakSpace => Some('°'),
            Mark::Plain | Mark::NotNfc => None,
        }
    }
}

/// The legend under the table.
pub const LEGEND: &str = "Markers: · space at the start or end   » tab   ¶ line break   ° no-break space   \
                          underlined: not in Unicode NFC";

/// Every character a marker is drawn with (the fonts must hold them).
#[cfg(test)]
const SYMBOLS: [char; 4] = ['·', '»', '¶', '°'];

/// `value` in pieces, each with its mark; markers replace the invisible characters.
pub fn pieces(value: &str) -> Vec<(String, Mark)> {
    let start = value.len() - value.trim_start_matches(' ').len();
    let end = value.trim_end_matches(' ').len().max(start);
    let decomposed = !is_nfc(value);
    let chars: Vec<(usize, char)> = value.char_indices().collect();
    let mut pieces: Vec<(String, Mark)> = Vec::new();
    for (n, &(at, c)) in chars.iter().enumerate() {
        let next_combines = chars.get(n + 1).is_some_and(|&(_, next)| is_combining_mark(next));
        let mark = match c {
            ' ' if at < start || at >= end => Mark::OuterSpace,
            '\t' => Mark::Tab,
            '\n' | '\r' => Mark::LineBreak,
            '\u{a0}' | '\u{202f}' => Mark::NoBreakSpace,
            _ if decomposed && (is_combining_mark(c) || next_combines) => Mark::NotNfc,
            _ => Mark::Plain,
        };
        let shown = mark.symbol().unwrap_or(c);
        match pieces.last_mut() {
            Some((text, last)) if *last == mark => text.push(shown),
            _ => pieces.push((shown.to_string(), mark)),
        }
    }
    pieces
}

/// `value` as it is shown, markers included (the accessible text of a cell).
pub fn shown(value: &str) -> String {
    pieces(value).into_iter().map(|(text, _)| text).collect()
}

/// `value` laid out with its markers in the warning colour and non-NFC characters underlined.
pub fn layout(ui: &egui::Ui, value: &str) -> egui::text::LayoutJob {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let plain = ui.visuals().text_color();
    let marker = ui.visuals().warn_fg_color;
    let mut job = egui::text::LayoutJob::default();
    for (text, mark) in pieces(value) {
        let mut format = egui::TextFormat::simple(font.clone(), if mark == Mark::Plain { plain } else { marker });
        if mark == Mark::NotNfc {
            format.underline = egui::Stroke::new(1.5, marker);
        }
        job.append(&text, 0.0, format);
    }
    job
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outer_spaces_tabs_and_breaks_get_markers_inner_spaces_do_not() {
        assert_eq!(shown("  Sales Desk "), "··Sales Desk·");
        assert_eq!(shown("a\tb\r\nc"), "a»b¶¶c");
        assert_eq!(shown("Ann\u{a0}Lee"), "Ann°Lee");
        assert_eq!(shown("   "), "···");
        assert_eq!(pieces("Ann"), [("Ann".to_owned(), Mark::Plain)]);
    }

    #[test]
    fn a_decomposed_letter_is_marked_and_a_composed_one_is_not() {
        assert_eq!(
            pieces("Rene\u{301} X"),
            [("Ren".to_owned(), Mark::Plain), ("e\u{301}".to_owned(), Mark::NotNfc), (" X".to_owned(), Mark::Plain)]
        );
        assert_eq!(pieces("René"), [("René".to_owned(), Mark::Plain)]);
    }

    #[test]
    fn the_bundled_fonts_draw_every_marker() {
        let ctx = egui::Context::default();
        ctx.run_ui(egui::RawInput::default(), |_| {}).textures_delta.clear();
        let font = egui::FontId::proportional(14.0);
        let missing: Vec<char> =
            SYMBOLS.into_iter().filter(|&c| !ctx.fonts_mut(|fonts| fonts.has_glyph(&font, c))).collect();
        assert_eq!(missing, Vec::<char>::new());
        // Nor arrows: the sort arrow the table had drew a box, so the table paints its own.
        assert!(!ctx.fonts_mut(|fonts| fonts.has_glyph(&font, '⏶') || fonts.has_glyph(&font, '→')));
    }
}
