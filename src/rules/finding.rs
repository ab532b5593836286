//! A finding: one report row per (object, attribute, value), with every failing rule.

use super::catalog::{ErrorName, FixSafety, RuleId, Severity};
use crate::model::{AttrName, ObjectGuid};

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Index of the object in the scanned snapshot; none for a tenant object the scan has no
    /// object for (a cloud orphan).
    pub object: Option<u32>,
    pub dn: String,
    pub common_name: String,
    pub object_class: &'static str,
    pub attribute: AttrName,
    /// The value as the directory holds it (empty for whole-attribute and missing values).
    pub value: String,
    /// The value after every fix in the chain, when they propose one (never empty).
    pub update: Option<String>,
    /// The failing rules, in chain order.
    pub rules: Vec<RuleId>,
    /// The most severe of the failing rules, as the ruleset rates them.
    pub severity: Severity,
    pub fix: FixSafety,
    pub guid: Option<ObjectGuid>,
    pub detail: String,
    /// The other objects (snapshot indexes) that hold the value, the ones DETAIL's "also held
    /// by" names.
    pub holders: Vec<u32>,
}

impl Finding {
    /// The distinct error names of the failing rules, in chain order.
    pub fn errors(&self) -> Vec<ErrorName> {
        let mut names: Vec<ErrorName> = Vec::with_capacity(self.rules.len());
        for rule in &self.rules {
            let name = rule.rule().error;
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    /// The ERROR column: error names joined by `, `.
    pub fn error_text(&self) -> String {
        join(self.errors().iter().map(|e| e.as_str()))
    }

    /// The RULE column: rule codes joined by `, `.
    pub fn rule_text(&self) -> String {
        join(self.rules.iter().map(|r| r.code()))
    }
}

fn join<'a>(parts: impl Iterator<Item = &'a str>) -> String {
    parts.collect::<Vec<_>>().join(", ")
}
