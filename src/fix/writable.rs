//! What syncready may write, in one place: the attributes its rules check (the rule catalogue
//! names them), mS-DS-ConsistencyGuid for anchor stamps, and certificate values only by
//! removal. Every plan row, every journal record read for resume or undo, and so every write of
//! the app, is checked against it before anything is sent; anything else (userAccountControl,
//! member, servicePrincipalName, description...) is refused.

use crate::model::AttrName;
use crate::rules::catalog::rules;

/// How an attribute may be changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writable {
    /// Values may be replaced, added or removed.
    Values,
    /// Values may only be removed (certificates: a new one is never typed into a CSV).
    RemoveOnly,
    /// Not an attribute syncready's rules own.
    No,
}

/// How `attribute` may be changed.
pub fn writable(attribute: &AttrName) -> Writable {
    match attribute {
        AttrName::UserCertificate | AttrName::UserSmimeCertificate => Writable::RemoveOnly,
        AttrName::ObjectGuid => Writable::No,
        AttrName::MsDsConsistencyGuid => Writable::Values,
        // (The Encoding rule's `*` stands for the attributes the others check.)
        other if rules().any(|rule| rule.attribute != "*" && AttrName::parse(rule.attribute) == *other) => {
            Writable::Values
        }
        _ => Writable::No,
    }
}

/// The attributes whose values syncready may replace, for messages.
pub fn writable_names() -> String {
    let mut names: Vec<String> = rules()
        .map(|rule| AttrName::parse(rule.attribute))
        .filter(|attribute| writable(attribute) == Writable::Values)
        .map(|attribute| attribute.as_str().to_owned())
        .collect();
    names.sort_unstable_by_key(|name| name.to_ascii_lowercase());
    names.dedup();
    names.join(", ")
}

/// Whether `text` is an LDAP attribute name (RFC 4512 `keystring`: a letter, then letters,
/// digits and hyphens), with no option (`;binary`), space or line break.
pub fn is_attribute_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Why syncready will not write this edit of `attribute` (`removes`: the edit only deletes a
/// value), or `None` when it may.
pub fn refusal(attribute: &str, removes: bool) -> Option<String> {
    if !is_attribute_name(attribute) {
        return Some(format!("{attribute:?} is not an attribute name"));
    }
    let name = AttrName::parse(attribute);
    match writable(&name) {
        Writable::Values => None,
        Writable::RemoveOnly if removes => None,
        Writable::RemoveOnly => Some(format!("{name} values can only be removed (REMOVE), not written")),
        Writable::No => Some(format!(
            "syncready does not write {name}: only the attributes its rules check can be changed ({})",
            writable_names()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_attributes_the_rules_check_are_writable() {
        for name in
            ["userPrincipalName", "mail", "PROXYADDRESSES", "mailNickname", "displayName", "mS-DS-ConsistencyGuid"]
        {
            assert_eq!(refusal(name, false), None, "{name}");
        }
        for name in ["userAccountControl", "member", "msDS-KeyCredentialLink", "servicePrincipalName", "description"] {
            let refused = refusal(name, true).unwrap();
            assert!(refused.starts_with(&format!("syncready does not write {name}: only")), "{refused}");
        }
        assert_eq!(refusal("objectGUID", true).unwrap().split(':').next(), Some("syncready does not write objectGUID"));
        assert_eq!(refusal("userCertificate", true), None);
        assert_eq!(
            refusal("userCertificate", false).unwrap(),
            "userCertificate values can only be removed (REMOVE), not written"
        );
        assert_eq!(refusal("mail\ndn: CN=x", false).unwrap(), "\"mail\\ndn: CN=x\" is not an attribute name");
        assert_eq!(refusal("member;range=0-1499", true).unwrap(), "\"member;range=0-1499\" is not an attribute name");
        assert!(refusal("", true).is_some());
        assert!(
            writable_names().starts_with("displayName, givenName, mail, mailNickname, mS-DS-ConsistencyGuid,"),
            "{}",
            writable_names()
        );
    }

    #[test]
    fn the_readme_lists_the_writable_attributes() {
        let readme = include_str!("../../README.md").split_whitespace().collect::<Vec<_>>().join(" ");
        let listed = writable_names().split(", ").map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ");
        assert!(readme.contains(&format!("can be written ({listed})")), "README.md should list {listed}");
    }
}
