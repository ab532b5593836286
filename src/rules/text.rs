//! Text helpers the checks share: NFC, case folding for comparisons, transliteration,
//! character-count truncation and character removal.

use std::borrow::Cow;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// The NFC form of `value`, borrowed when it already is NFC.
pub fn nfc(value: &str) -> Cow<'_, str> {
    if value.is_ascii() || is_nfc_quick(value.chars()) == IsNormalized::Yes {
        return Cow::Borrowed(value);
    }
    let normalized: String = value.nfc().collect();
    if normalized == value { Cow::Borrowed(value) } else { Cow::Owned(normalized) }
}

/// The comparison key for duplicates: NFC, then lower case.
pub fn fold(value: &str) -> Cow<'_, str> {
    if value.is_ascii() {
        if value.bytes().any(|b| b.is_ascii_uppercase()) {
            return Cow::Owned(value.to_ascii_lowercase());
        }
        return Cow::Borrowed(value);
    }
    Cow::Owned(nfc(value).to_lowercase())
}

/// Decomposes (NFKD) and drops combining marks: `Jürgen` → `Jurgen`. Letters that do not
/// decompose (`Ł`, `ø`) stay as they are, for the caller's removal step.
pub fn transliterate(value: &str) -> Cow<'_, str> {
    if value.is_ascii() {
        return Cow::Borrowed(value);
    }
    Cow::Owned(value.nfkd().filter(|c| !is_combining_mark(*c)).collect())
}

/// Number of characters (Unicode scalar values).
pub fn char_len(value: &str) -> usize {
    if value.is_ascii() { value.len() } else { value.chars().count() }
}

/// The first `limit` characters of `value`.
pub fn truncate_chars(value: &str, limit: usize) -> &str {
    match value.char_indices().nth(limit) {
        Some((index, _)) => &value[..index],
        None => value,
    }
}

/// `value` without the characters `bad` rejects.
pub fn remove_chars(value: &str, bad: impl Fn(char) -> bool) -> String {
    value.chars().filter(|&c| !bad(c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transliteration_drops_marks_and_keeps_undecomposable_letters() {
        assert_eq!(transliterate("Jürgen Müller"), "Jurgen Muller");
        assert_eq!(transliterate("Łukasz"), "Łukasz");
        assert_eq!(transliterate("Zoë"), "Zoe");
    }

    #[test]
    fn folding_is_nfc_and_lower_case() {
        assert_eq!(fold("SMTP:A@X"), "smtp:a@x");
        assert_eq!(fold("E\u{301}mile@X.com"), "émile@x.com");
        assert_eq!(fold("émile@x.com"), fold("E\u{301}MILE@x.com"));
        assert_eq!(nfc("e\u{301}"), "é");
    }

    #[test]
    fn truncation_counts_characters_not_bytes() {
        assert_eq!(truncate_chars("ééé", 2), "éé");
        assert_eq!(char_len("ééé"), 3);
        assert_eq!(truncate_chars("ab", 5), "ab");
    }
}
