//! Text helpers the checks share: NFC, case folding for comparisons, transliteration,
//! character-count truncation and character removal.

use std::borrow::Cow;

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
        return ascii_lowercase(value);
    }
    Cow::Owned(nfc(value).to_lowercase())
}

/// `value` in ASCII lower case, copied only when it holds an upper-case letter.
pub fn ascii_lowercase(value: &str) -> Cow<'_, str> {
    match value.bytes().any(|b| b.is_ascii_uppercase()) {
        true => Cow::Owned(value.to_ascii_lowercase()),
        false => Cow::Borrowed(value),
    }
}

/// Latin letters for every script, through the `deunicode` crate (a maintained port of
/// Text::Unidecode): `Jürgen` → `Jurgen`, `Łukasz` → `Lukasz`, `Søren` → `Soren`, `straße` →
/// `strasse`, `Æsa` → `AEsa`, `Đorđe` → `Dorde`, Cyrillic and Greek letter by letter, Chinese
/// in pinyin syllables. It may add spaces or punctuation (`北京` → `Bei Jing`): the caller's
/// removal step takes out what the attribute may not hold. A character it has no letters for
/// (private use, unassigned) gives nothing, never a placeholder.
pub fn transliterate(value: &str) -> Cow<'_, str> {
    if value.is_ascii() {
        return Cow::Borrowed(value);
    }
    Cow::Owned(deunicode::deunicode_with_tofu(&nfc(value), ""))
}

/// DETAIL when a rewrite of characters would leave no name (the fix is then manual).
pub const NOTHING_LEFT: &str = "transliteration leaves no name: enter one";

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
    fn transliteration_gives_latin_letters_for_every_letter() {
        assert_eq!(transliterate("Jürgen Müller"), "Jurgen Muller");
        assert_eq!(transliterate("Łukasz"), "Lukasz");
        assert_eq!(transliterate("Zoe\u{308}"), "Zoe", "decomposed marks too");
        assert_eq!(transliterate("Søren Straße Æsa Đorđe"), "Soren Strasse AEsa Dorde");
        assert_eq!(transliterate("Иван Αλέξης 王伟"), "Ivan Alexes Wang Wei");
        assert_eq!(transliterate("a\u{E000}b"), "ab", "no placeholder for what has no letters");
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
