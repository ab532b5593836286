//! New values checked by the same rules as a scan. Before anything is written, every edit's
//! new value is put on its object as the object is now (read from the directory right before
//! the apply), and the ruleset's checks run over those objects together with every other
//! object that holds one of the new values. A new value that is blank, fails an
//! error-severity rule its old value did not fail, or collides with another object's value is
//! refused; what is left (warnings, and errors the old value had already) is listed for the
//! admin to confirm.

use std::collections::{HashMap, HashSet};

use ldap3::ldap_escape;

use super::plan::{Change, Edit};
use super::target::{Directory, ObjectState};
use crate::model::{AttrName, DirObject, DnKey, ObjectBuilder};
use crate::rules::duplicates::key_of;
use crate::rules::{ErrorName, Finding, RuleId, Ruleset, Severity, scan};

/// One new value that a rule has something to say about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueProblem {
    /// The plan's row the value comes from.
    pub row: u64,
    pub dn: String,
    pub attribute: String,
    pub value: String,
    pub reason: String,
}

impl std::fmt::Display for ValueProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "row {}, column UPDATE: {} '{}' on {}: {}",
            self.row, self.attribute, self.value, self.dn, self.reason
        )
    }
}

/// What the rules say about a plan's new values.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ValueReview {
    /// Never written.
    pub refused: Vec<ValueProblem>,
    /// Written only when the admin confirms (`--yes`, or the app's dialog).
    pub to_confirm: Vec<ValueProblem>,
}

/// Reviews the new values of `changes`. `now[i]` is the object of `changes[i]` as it is now;
/// `others` are other objects that may hold the same values (the plan's own objects among
/// them are ignored: their new state counts).
pub fn review(changes: &[Change], now: &[DirObject], others: &[DirObject], ruleset: &Ruleset) -> ValueReview {
    let planned: HashSet<DnKey> = now.iter().map(|o| DnKey::of(o.dn())).collect();
    let others: Vec<DirObject> = others.iter().filter(|o| !planned.contains(&DnKey::of(o.dn()))).cloned().collect();
    let snapshot = |objects: Vec<DirObject>| {
        let mut all = objects;
        all.extend(others.iter().cloned());
        scan(&all, ruleset).findings
    };
    let before = snapshot(now.to_vec());
    let after = snapshot(now.iter().zip(changes).map(|(object, change)| applied(object, &change.edits)).collect());
    let (before, after) = (RulesOnValues::of(&before), RulesOnValues::of(&after));
    let mut review = ValueReview::default();
    for (index, change) in changes.iter().enumerate() {
        for (edit, row) in change.edits.iter().zip(change.rows.iter().chain(std::iter::repeat(&0))) {
            let Some(value) = edit.after.as_ref().filter(|_| !edit.binary).map(|v| String::from_utf8_lossy(v)) else {
                continue;
            };
            let problem = |reason: String| ValueProblem {
                row: *row,
                dn: change.dn.clone(),
                attribute: edit.attribute.clone(),
                value: value.clone().into_owned(),
                reason,
            };
            if value.trim().is_empty() {
                review.refused.push(problem("the new value is blank".into()));
                continue;
            }
            let old = edit.before.as_ref().map(|v| String::from_utf8_lossy(v).into_owned());
            let old_rules = old.map(|old| before.on(index, &edit.attribute, &old).0).unwrap_or_default();
            let (new_rules, detail) = after.on(index, &edit.attribute, &value);
            for &rule in new_rules {
                let severity = ruleset.severity(rule);
                let description = rule.rule();
                let mut reason = format!("{} {}", description.code, description.message);
                if description.error == ErrorName::Duplicate {
                    if !detail.is_empty() {
                        reason = format!("{reason} ({detail})");
                    }
                    review.refused.push(problem(reason));
                } else if severity == Severity::Error && !old_rules.contains(&rule) {
                    review.refused.push(problem(reason));
                } else if severity >= Severity::Warning {
                    if severity == Severity::Error {
                        reason.push_str(" (as the old value did)");
                    }
                    review.to_confirm.push(problem(reason));
                }
            }
        }
    }
    review
}

/// The findings of a snapshot by the value they are on: (object, attribute in lower case,
/// value), the first finding for each. A plan's every edit looks up its old and new value, so
/// this is built once rather than searched per edit.
struct RulesOnValues<'a>(HashMap<(usize, String, &'a str), &'a Finding>);

impl<'a> RulesOnValues<'a> {
    fn of(findings: &'a [Finding]) -> RulesOnValues<'a> {
        let mut by_value = HashMap::with_capacity(findings.len());
        for finding in findings {
            if let Some(object) = finding.object {
                let key = (object as usize, finding.attribute.as_str().to_ascii_lowercase(), finding.value.as_str());
                by_value.entry(key).or_insert(finding);
            }
        }
        RulesOnValues(by_value)
    }

    /// The rules that fail on `value` of `attribute` of object `index`, and the finding's
    /// detail.
    fn on(&self, index: usize, attribute: &str, value: &str) -> (&'a [RuleId], &'a str) {
        self.0
            .get(&(index, attribute.to_ascii_lowercase(), value))
            .map_or((&[][..], ""), |f| (f.rules.as_slice(), f.detail.as_str()))
    }
}

/// `object` with `edits` made.
fn applied(object: &DirObject, edits: &[Edit]) -> DirObject {
    let mut builder = ObjectBuilder::default();
    builder.set_dn(object.dn());
    for (name, values) in object.attributes() {
        for (_, value) in values {
            let bytes = value.as_bytes();
            let edit = edits
                .iter()
                .find(|e| e.attribute.eq_ignore_ascii_case(name.as_str()) && e.before.as_deref() == Some(bytes));
            match edit {
                Some(Edit { after: Some(after), .. }) => add(&mut builder, name, after),
                Some(_) => {}
                None => add(&mut builder, name, bytes),
            }
        }
    }
    for edit in edits.iter().filter(|e| e.before.is_none()) {
        if let Some(after) = &edit.after {
            add(&mut builder, &AttrName::parse(&edit.attribute), after);
        }
    }
    builder.build()
}

/// Adds one value as the sources do: text when the attribute is not binary and it is UTF-8.
fn add(builder: &mut ObjectBuilder, name: &AttrName, value: &[u8]) {
    match std::str::from_utf8(value) {
        Ok(text) if !name.is_binary() => builder.add_text(name.clone(), text),
        _ => builder.add_binary(name.clone(), value),
    }
}

/// The objects of a scanned snapshot that a plan's new values concern: each change's object as
/// scanned (`None` when the snapshot lacks one) and every object holding one of the new
/// values, for [`review`].
pub fn from_snapshot(objects: &[DirObject], changes: &[Change]) -> (Vec<Option<DirObject>>, Vec<DirObject>) {
    let login = AttrName::UserPrincipalName;
    let keys: HashSet<_> = changes
        .iter()
        .flat_map(|c| &c.edits)
        .filter_map(|e| {
            let value = std::str::from_utf8(e.after.as_deref()?).ok()?;
            let (namespace, key) = key_of(&AttrName::parse(&e.attribute), value, &login)?;
            Some((namespace, key.into_owned()))
        })
        .collect();
    let holds = |object: &DirObject| {
        object.attributes().any(|(name, values)| {
            values.filter_map(|(_, v)| v.as_text()).any(|value| {
                key_of(name, value, &login)
                    .is_some_and(|(namespace, key)| keys.contains(&(namespace, key.into_owned())))
            })
        })
    };
    let by_dn: std::collections::HashMap<DnKey, &DirObject> = objects.iter().map(|o| (DnKey::of(o.dn()), o)).collect();
    let now = changes.iter().map(|c| by_dn.get(&DnKey::of(&c.dn)).map(|o| (*o).clone())).collect();
    let holders = if keys.is_empty() { Vec::new() } else { objects.iter().filter(|o| holds(o)).cloned().collect() };
    (now, holders)
}

/// An LDAP filter that finds every object holding one of the new values of `edits` where
/// Entra ID requires uniqueness (the address namespace of userPrincipalName, mail and SMTP
/// proxy addresses, other proxy addresses, mailNickname and targetAddress); `None` when no
/// edit writes such a value.
fn holders_filter<'e>(edits: impl Iterator<Item = &'e Edit>) -> Option<String> {
    let mut terms = Vec::new();
    for edit in edits {
        let Some(value) = edit.after.as_ref().and_then(|v| std::str::from_utf8(v).ok()) else { continue };
        let attr = AttrName::parse(&edit.attribute);
        let address = |a: &str| {
            let a = ldap_escape(a);
            format!("(userPrincipalName={a})(mail={a})(proxyAddresses=smtp:{a})(targetAddress=smtp:{a})")
        };
        match attr {
            AttrName::UserPrincipalName | AttrName::Mail => terms.push(address(value)),
            AttrName::ProxyAddresses => match crate::rules::duplicates::smtp_address(value) {
                Some(a) => terms.push(address(a)),
                None => terms.push(format!("(proxyAddresses={})", ldap_escape(value))),
            },
            AttrName::MailNickname => terms.push(format!("(mailNickname={})", ldap_escape(value))),
            AttrName::TargetAddress => terms.push(format!("(targetAddress={})", ldap_escape(value))),
            _ => {}
        }
    }
    (!terms.is_empty()).then(|| format!("(|{})", terms.concat()))
}

/// An object as read by [`Directory::read`], for the rules.
pub fn object_of(dn: &str, state: &ObjectState) -> DirObject {
    let mut builder = ObjectBuilder::default();
    builder.set_dn(dn);
    let mut names: Vec<&String> = state.values.keys().collect();
    names.sort();
    for name in names {
        let attr = AttrName::parse(name);
        for value in &state.values[name] {
            add(&mut builder, &attr, value);
        }
    }
    if let Some(guid) = state.guid {
        builder.add_binary(AttrName::ObjectGuid, &guid.0);
    }
    builder.build()
}

/// How many new values one holder search asks for.
const VALUES_PER_SEARCH: usize = 50;

/// The objects of the directory that hold one of the new values of `changes`, with
/// `attributes`.
pub fn read_holders(
    directory: &mut Directory,
    changes: &[Change],
    attributes: &[&str],
) -> Result<Vec<DirObject>, ldap3::LdapError> {
    let edits: Vec<&Edit> = changes.iter().flat_map(|c| &c.edits).collect();
    let mut holders = Vec::new();
    let mut seen = HashSet::new();
    for chunk in edits.chunks(VALUES_PER_SEARCH) {
        let Some(filter) = holders_filter(chunk.iter().copied()) else { continue };
        for (dn, state) in directory.search(&filter, attributes)? {
            if seen.insert(DnKey::of(&dn)) {
                holders.push(object_of(&dn, &state));
            }
        }
    }
    Ok(holders)
}
