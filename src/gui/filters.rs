//! The table's filters: error name, attribute, object class, OU, severity, action, free
//! text and a set of objects (one object, or the holders of a value), all of which must match. Filtering a million findings runs in parallel and without
//! allocating per row (ASCII text is compared case-insensitively in place).

use rayon::prelude::*;

use crate::fix::Action;
use crate::rules::{Finding, Severity};

/// The decision a row must carry, for the action filter.
pub const ACTIONS: [&str; 4] = ["undecided", "EDIT", "REMOVE", "COMPLETE"];

/// How the action filter's menu names [`ACTIONS`].
pub const ACTION_LABELS: [&str; 4] = ["Undecided", "Edit", "Remove", "Leave as is"];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    /// Anywhere in DN, attribute, value, update or error name, any case.
    pub text: String,
    pub error: Option<String>,
    pub attribute: Option<String>,
    pub class: Option<String>,
    /// The DN ends with this (an OU or a domain), any case.
    pub ou: String,
    pub severity: Option<Severity>,
    /// One of [`ACTIONS`].
    pub action: Option<&'static str>,
    /// Only the rows of these objects (snapshot indexes, sorted), with what they are.
    pub objects: Option<ObjectSet>,
}

/// The objects a right-click asked to see.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectSet {
    pub indexes: Vec<u32>,
    /// What the set is, for the bar that shows it ("Ann Lee and the 2 other holders").
    pub description: String,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }

    /// The positions of `order` whose findings pass, in the same order.
    pub fn apply(&self, order: &[usize], findings: &[Finding], decisions: &[Action]) -> Vec<usize> {
        if self.is_empty() {
            return order.to_vec();
        }
        let text = Needle::new(&self.text);
        let ou = self.ou.trim().to_lowercase();
        order.par_iter().copied().filter(|&i| self.matches(&findings[i], &decisions[i], &text, &ou)).collect()
    }

    fn matches(&self, finding: &Finding, decision: &Action, text: &Needle, ou: &str) -> bool {
        let error =
            || self.error.as_ref().is_none_or(|e| finding.rules.iter().any(|rule| rule.rule().error.as_str() == e));
        let attribute = || self.attribute.as_ref().is_none_or(|a| finding.attribute == a.as_str());
        let class = || self.class.as_ref().is_none_or(|c| c == finding.object_class);
        let severity = || self.severity.is_none_or(|s| s == finding.severity);
        let action = || {
            self.action.is_none_or(|a| a == decision.as_str() || (a == ACTIONS[0] && *decision == Action::Undecided))
        };
        let in_ou = || ou.is_empty() || ends_with_ignore_case(&finding.dn, ou);
        let text = || {
            text.is_empty()
                || [
                    finding.dn.as_str(),
                    finding.attribute.as_str(),
                    &finding.value,
                    finding.update.as_deref().unwrap_or_default(),
                ]
                .iter()
                .any(|f| text.found_in(f))
                || finding.rules.iter().any(|rule| text.found_in(rule.rule().error.as_str()))
        };
        let object = || {
            self.objects
                .as_ref()
                .is_none_or(|set| finding.object.is_some_and(|o| set.indexes.binary_search(&o).is_ok()))
        };
        error() && attribute() && class() && severity() && action() && in_ou() && object() && text()
    }
}

/// Lower-cased search text.
struct Needle {
    lower: String,
}

impl Needle {
    fn new(text: &str) -> Needle {
        Needle { lower: text.trim().to_lowercase() }
    }

    fn is_empty(&self) -> bool {
        self.lower.is_empty()
    }

    fn found_in(&self, haystack: &str) -> bool {
        if self.lower.is_ascii() {
            let needle = self.lower.as_bytes();
            haystack.len() >= needle.len()
                && haystack.as_bytes().windows(needle.len()).any(|window| window.eq_ignore_ascii_case(needle))
        } else {
            // A lower-cased ASCII text is ASCII: it cannot hold a needle that is not, so the
            // common ASCII value is ruled out without lower-casing a copy of it.
            !haystack.is_ascii() && haystack.to_lowercase().contains(&self.lower)
        }
    }
}

fn ends_with_ignore_case(text: &str, lower_suffix: &str) -> bool {
    if lower_suffix.is_ascii() {
        text.len() >= lower_suffix.len()
            && text.as_bytes()[text.len() - lower_suffix.len()..].eq_ignore_ascii_case(lower_suffix.as_bytes())
    } else {
        text.to_lowercase().ends_with(lower_suffix)
    }
}

/// The values the filter menus offer, taken from a scan's findings.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    /// Error names with their counts, most first.
    pub errors: Vec<(String, usize)>,
    pub attributes: Vec<String>,
    pub classes: Vec<String>,
}

impl Choices {
    pub fn of(findings: &[Finding]) -> Choices {
        let mut errors: std::collections::HashMap<&'static str, usize> = std::collections::HashMap::new();
        let mut attributes = std::collections::BTreeSet::new();
        let mut classes = std::collections::BTreeSet::new();
        for finding in findings {
            for error in finding.errors() {
                *errors.entry(error.as_str()).or_default() += 1;
            }
            if !attributes.contains(finding.attribute.as_str()) {
                attributes.insert(finding.attribute.as_str().to_owned());
            }
            classes.insert(finding.object_class);
        }
        let mut errors: Vec<(String, usize)> = errors.into_iter().map(|(name, n)| (name.to_owned(), n)).collect();
        errors.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Choices {
            errors,
            attributes: attributes.into_iter().collect(),
            classes: classes.into_iter().map(str::to_owned).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_matches_any_case_and_the_ou_is_a_dn_suffix() {
        let needle = Needle::new("SMITH");
        assert!(needle.found_in("CN=John Smith,OU=Staff,DC=contoso,DC=com"));
        assert!(!needle.found_in("CN=Smit"));
        assert!(Needle::new("ÉLODIE").found_in("cn=élodie"));
        assert!(!Needle::new("ø").found_in("CN=Oslo"));
        assert!(Needle::new("Ø").found_in("CN=Bjørn"));
        assert!(ends_with_ignore_case("CN=A,OU=Staff,DC=contoso,DC=com", "ou=staff,dc=contoso,dc=com"));
        assert!(!ends_with_ignore_case("CN=A,OU=Staff,DC=contoso,DC=com", "ou=sales,dc=contoso,dc=com"));
    }
}
