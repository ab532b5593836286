//! Distinguished-name helpers that respect RFC 4514 escaping (`CN=Smith\, John,OU=...`),
//! and [`DnKey`], the one way two DNs are compared.

/// Byte index of the first unescaped comma, if any. (A backslash escapes the byte after it; in
/// UTF-8 that byte is never a comma or a backslash unless it is one.)
fn first_separator(dn: &str) -> Option<usize> {
    let bytes = dn.as_bytes();
    let mut from = 0;
    while let Some(found) = memchr::memchr2(b',', b'\\', bytes.get(from..)?) {
        let at = from + found;
        if bytes[at] == b',' {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

/// The first RDN of `dn` as written (`CN=Ann\0ACNF:...` of `CN=Ann\0ACNF:...,OU=x`).
pub fn first_rdn(dn: &str) -> &str {
    first_separator(dn).map_or(dn, |i| &dn[..i])
}

/// A DN as it is compared: its RDNs without the spaces around them, lower-cased, joined by
/// commas (escaped commas stay inside their RDN). Two spellings of one DN (`CN=A, OU=X` and
/// `cn=a,ou=x`) have one key. Made once per DN; comparisons then allocate nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DnKey(Box<str>);

impl DnKey {
    pub fn of(dn: &str) -> DnKey {
        let mut key = String::with_capacity(dn.len());
        for (i, rdn) in rdns(dn).enumerate() {
            if i > 0 {
                key.push(',');
            }
            let rdn = rdn.trim();
            if rdn.is_ascii() {
                let start = key.len();
                key.push_str(rdn);
                key[start..].make_ascii_lowercase();
            } else {
                key.extend(rdn.chars().flat_map(char::to_lowercase));
            }
        }
        DnKey(key.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this DN is `base` or lies under it (whole RDNs only).
    pub fn is_within(&self, base: &DnKey) -> bool {
        let (dn, base) = (self.0.as_bytes(), base.0.as_bytes());
        if base.is_empty() || dn.len() < base.len() || !dn.ends_with(base) {
            return false;
        }
        let before = dn.len() - base.len();
        // What precedes the base must be a separator: a comma with an even run of backslashes
        // before it (`\\,` separates, `\,` is a comma inside an RDN).
        let backslashes = dn[..before.saturating_sub(1)].iter().rev().take_while(|&&b| b == b'\\').count();
        before == 0 || (dn[before - 1] == b',' && backslashes.is_multiple_of(2))
    }
}

impl std::fmt::Display for DnKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `dn` is `base` or lies under it, by their [`DnKey`]s.
pub fn is_within(dn: &str, base: &str) -> bool {
    DnKey::of(dn).is_within(&DnKey::of(base))
}

/// The DN of the container holding `dn` (empty for a top-level DN).
pub fn parent_dn(dn: &str) -> &str {
    first_separator(dn).map_or("", |i| dn[i + 1..].trim_start())
}

/// The RDNs of `dn`, in order, split at unescaped commas (not trimmed).
pub fn rdns(dn: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(dn);
    std::iter::from_fn(move || {
        let current = rest?;
        match first_separator(current) {
            Some(i) => {
                rest = Some(&current[i + 1..]);
                Some(&current[..i])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
    .filter(|rdn| !rdn.is_empty())
}

/// The value of the first RDN, unescaped: `CN=Smith\, John,OU=x` gives `Smith, John`.
pub fn first_rdn_value(dn: &str) -> String {
    let rdn = first_rdn(dn);
    let value = rdn.split_once('=').map_or(rdn, |(_, v)| v);
    unescape(value.trim())
}

fn unescape(value: &str) -> String {
    let mut out = Vec::with_capacity(value.len());
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && i + 1 < bytes.len() {
            // Only two hex digits are a hex escape (`from_str_radix` alone takes `+B` too).
            let hex = bytes.get(i + 1..i + 3).filter(|h| h.iter().all(u8::is_ascii_hexdigit));
            if let Some(byte) =
                hex.and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(byte);
                i += 3;
            } else {
                out.push(bytes[i + 1]);
                i += 2;
            }
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_commas_stay_inside_the_rdn() {
        let dn = r"CN=Smith\, John,OU=Sales,DC=contoso,DC=com";
        assert_eq!(first_rdn_value(dn), "Smith, John");
        assert_eq!(parent_dn(dn), "OU=Sales,DC=contoso,DC=com");
        assert_eq!(parent_dn("DC=com"), "");
        assert_eq!(rdns(dn).collect::<Vec<_>>(), [r"CN=Smith\, John", "OU=Sales", "DC=contoso", "DC=com"]);
        assert_eq!(rdns("").count(), 0);
    }

    #[test]
    fn one_dn_has_one_key_and_lies_within_its_parents_only() {
        let key = DnKey::of(r"CN=Zoë Ray, OU=Sales\, East ,DC=Contoso,DC=com");
        assert_eq!(key.as_str(), r"cn=zoë ray,ou=sales\, east,dc=contoso,dc=com");
        assert_eq!(key, DnKey::of(r"cn=ZOË RAY,ou=SALES\, EAST,dc=contoso,dc=com"));
        assert!(key.is_within(&DnKey::of("DC=contoso, DC=com")));
        assert!(key.is_within(&key));
        assert!(!key.is_within(&DnKey::of("DC=com,DC=x")));
        // Not a whole RDN: the base's first RDN must start at a separator.
        assert!(!DnKey::of("CN=A,OU=Sales,DC=x").is_within(&DnKey::of("Sales,DC=x")));
        // An escaped comma is inside an RDN, an escaped backslash before a comma is not.
        assert!(!DnKey::of(r"CN=A\,OU=X,DC=y").is_within(&DnKey::of("OU=X,DC=y")));
        assert!(DnKey::of(r"CN=A\\,OU=X,DC=y").is_within(&DnKey::of("OU=X,DC=y")));
        assert!(!key.is_within(&DnKey::of("")));
    }

    #[test]
    fn hex_escapes_decode_to_utf8() {
        assert_eq!(first_rdn_value(r"CN=J\C3\BCrgen,DC=x"), "Jürgen");
        assert_eq!(first_rdn_value(r"CN=Dup\0ACNF:1234,DC=x"), "Dup\nCNF:1234");
        // `\+` escapes a plus; the `B` after it is a letter, not a hex digit of 0x0B.
        assert_eq!(first_rdn_value(r"CN=A\+B,DC=x"), "A+B");
        assert_eq!(first_rdn_value(r"CN=A\-1,DC=x"), "A-1");
    }
}
