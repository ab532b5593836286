//! Distinguished-name helpers that respect RFC 4514 escaping (`CN=Smith\, John,OU=...`).

/// Byte index of the first unescaped comma, if any.
fn first_separator(dn: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in dn.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            ',' => return Some(i),
            _ => {}
        }
    }
    None
}

/// The first RDN of `dn` as written (`CN=Ann\0ACNF:...` of `CN=Ann\0ACNF:...,OU=x`).
pub fn first_rdn(dn: &str) -> &str {
    first_separator(dn).map_or(dn, |i| &dn[..i])
}

/// Whether `dn` is `base` or lies under it: RDNs compared from the root, ignoring spaces
/// around them and ASCII case.
pub fn is_within(dn: &str, base: &str) -> bool {
    let key = |dn: &str| -> Vec<String> { rdns(dn).map(|r| r.trim().to_ascii_lowercase()).collect() };
    let (dn, base) = (key(dn), key(base));
    !base.is_empty() && dn.len() >= base.len() && dn[dn.len() - base.len()..] == base[..]
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
    fn hex_escapes_decode_to_utf8() {
        assert_eq!(first_rdn_value(r"CN=J\C3\BCrgen,DC=x"), "Jürgen");
        assert_eq!(first_rdn_value(r"CN=Dup\0ACNF:1234,DC=x"), "Dup\nCNF:1234");
        // `\+` escapes a plus; the `B` after it is a letter, not a hex digit of 0x0B.
        assert_eq!(first_rdn_value(r"CN=A\+B,DC=x"), "A+B");
        assert_eq!(first_rdn_value(r"CN=A\-1,DC=x"), "A-1");
    }
}
