//! E-mail address checks shared by mail, SMTP proxy addresses and targetAddress, plus the
//! domain-part checks userPrincipalName borrows: local part, domain part, top-level domain,
//! and the final syntax check.

use super::catalog::{FixSafety, RuleId};
use super::chain::{Chain, Fix};
use super::ruleset::Ruleset;
use super::text::{remove_chars, transliterate};

/// The rules one attribute reports its address checks under.
pub struct AddressRules {
    pub local_part: RuleId,
    pub domain_part: RuleId,
    pub top_level_domain: RuleId,
    pub format: RuleId,
}

fn is_atom_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c)
}

/// Whether `local` is a sequence of dot-separated, non-empty atoms.
fn is_dot_atom(local: &str) -> bool {
    !local.is_empty() && local.split('.').all(|atom| !atom.is_empty() && atom.chars().all(is_atom_char))
}

fn is_label_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

/// Whether every label is made of letters, digits and inner hyphens (one label is enough).
pub fn is_domain_syntax(domain: &str) -> bool {
    !domain.is_empty()
        && domain.split('.').all(|label| {
            !label.is_empty() && label.chars().all(is_label_char) && !label.starts_with('-') && !label.ends_with('-')
        })
}

/// The domain-part check: at least two valid labels; the fix removes invalid characters.
pub fn check_domain_part(chain: &mut Chain, rule: RuleId, prefix_len: usize) {
    chain.check(rule, |value| {
        let (head, domain) = split_address(&value[prefix_len..])?;
        if is_domain_syntax(domain) && domain.contains('.') {
            return None;
        }
        let fixed = remove_chars(domain, |c| !(is_label_char(c) || c == '.'));
        if fixed == domain {
            return Some(Fix::manual());
        }
        Some(Fix::removal(domain, fixed.clone()).map_value(|d| format!("{}{head}@{d}", &value[..prefix_len])))
    });
}

/// The top-level-domain check: with two or more labels, the last must be a real TLD.
pub fn check_top_level_domain(chain: &mut Chain, rule: RuleId, prefix_len: usize, ruleset: &Ruleset) {
    chain.check(rule, |value| {
        let (_, domain) = split_address(&value[prefix_len..])?;
        let (_, tld) = domain.rsplit_once('.')?;
        if tld.is_empty() || !tld.chars().all(is_label_char) || ruleset.is_known_tld(tld) {
            return None;
        }
        Some(Fix::manual())
    });
}

/// All address checks, in chain order, on the part of the value after `prefix_len` bytes.
pub fn check_address(chain: &mut Chain, rules: &AddressRules, prefix_len: usize, ruleset: &Ruleset) {
    if !chain.value()[prefix_len..].contains('@') {
        chain.check(rules.format, |_| Some(Fix::manual()));
        return;
    }
    let mut emptied = false;
    chain.check(rules.local_part, |value| {
        let (local, domain) = split_address(&value[prefix_len..])?;
        if is_dot_atom(local) {
            return None;
        }
        let transliterated = transliterate(local);
        let mut fixed = remove_chars(&transliterated, |c| !(is_atom_char(c) || c == '.'));
        while fixed.ends_with('.') {
            fixed.pop();
        }
        emptied = fixed.trim_matches('.').is_empty();
        if fixed == local || emptied {
            return Some(Fix::manual());
        }
        Some(Fix::to(format!("{}{fixed}@{domain}", &value[..prefix_len]), FixSafety::Unsafe))
    });
    if emptied {
        chain.note(super::text::NOTHING_LEFT.into());
    }
    check_domain_part(chain, rules.domain_part, prefix_len);
    check_top_level_domain(chain, rules.top_level_domain, prefix_len, ruleset);
    chain.check(rules.format, |value| {
        let (local, domain) = split_address(&value[prefix_len..])?;
        if is_dot_atom(local) && is_domain_syntax(domain) {
            return None;
        }
        Some(Fix::manual())
    });
}

/// Splits at the last `@`.
pub fn split_address(address: &str) -> Option<(&str, &str)> {
    address.rsplit_once('@')
}
