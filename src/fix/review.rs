//! Review state: a decision per finding (edit with a value, remove, leave as is, or undecided)
//! and the bulk operations an admin uses. Unsafe fixes are accepted only by explicit choice;
//! manual ones need a value from the admin, or REMOVE.

use crate::rules::{Finding, FixSafety};

/// What to do with one finding's value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Action {
    #[default]
    Undecided,
    /// Write this value in place of the current one.
    Edit(String),
    /// Delete the value.
    Remove,
    /// Leave it as it is.
    Complete,
}

impl Action {
    /// The ACTION column's word.
    pub fn as_str(&self) -> &'static str {
        match self {
            Action::Undecided => "",
            Action::Edit(_) => "EDIT",
            Action::Remove => "REMOVE",
            Action::Complete => "COMPLETE",
        }
    }

    /// The decision as the app names it.
    pub fn label(&self) -> &'static str {
        match self {
            Action::Undecided => "Undecided",
            Action::Edit(_) => "Edit",
            Action::Remove => "Remove",
            Action::Complete => "Leave as is",
        }
    }

    /// The decision an ACTION cell (any case, around spaces) stands for, with UPDATE as the
    /// value of an EDIT. The one parser of the cell, for `syncready apply` and the app's import.
    pub fn parse(action: &str, update: &str) -> Result<Action, UnknownAction> {
        match action.trim().to_ascii_uppercase().as_str() {
            "" => Ok(Action::Undecided),
            "EDIT" => Ok(Action::Edit(update.to_owned())),
            "REMOVE" => Ok(Action::Remove),
            "COMPLETE" => Ok(Action::Complete),
            other => Err(UnknownAction(other.to_owned())),
        }
    }
}

/// An ACTION cell that is none of the words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown action '{0}' (EDIT, REMOVE, COMPLETE or empty)")]
pub struct UnknownAction(String);

/// Which findings a bulk operation acts on: every field set must match (rule code, error
/// name, attribute: exact, any case; OU: the DN ends with it; text: anywhere in DN, value,
/// update or detail, any case).
#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    pub rule: Option<String>,
    pub error: Option<String>,
    pub attribute: Option<String>,
    pub ou: Option<String>,
    pub text: Option<String>,
}

impl FindingFilter {
    pub fn matches(&self, finding: &Finding) -> bool {
        let same =
            |wanted: &Option<String>, actual: &str| wanted.as_ref().is_none_or(|w| w.eq_ignore_ascii_case(actual));
        let rule = self.rule.as_ref().is_none_or(|r| finding.rules.iter().any(|id| id.code().eq_ignore_ascii_case(r)));
        let error =
            self.error.as_ref().is_none_or(|e| finding.errors().iter().any(|n| n.as_str().eq_ignore_ascii_case(e)));
        let ou = self.ou.as_ref().is_none_or(|ou| finding.dn.to_lowercase().ends_with(&ou.to_lowercase()));
        let text = self.text.as_ref().is_none_or(|t| {
            let t = t.to_lowercase();
            [&finding.dn, &finding.value, finding.update.as_deref().unwrap_or_default(), &finding.detail]
                .iter()
                .any(|field| field.to_lowercase().contains(&t))
        });
        rule && error && ou && text && same(&self.attribute, finding.attribute.as_str())
    }
}

/// Decisions for a list of findings, by index.
#[derive(Debug, Clone, Default)]
pub struct ReviewState {
    pub decisions: Vec<Action>,
}

impl ReviewState {
    pub fn new(findings: &[Finding]) -> ReviewState {
        ReviewState { decisions: vec![Action::Undecided; findings.len()] }
    }

    /// Accepts every safe fix that proposes a value; returns how many were accepted.
    pub fn accept_safe(&mut self, findings: &[Finding]) -> usize {
        self.accept_where(findings, |f| f.fix == FixSafety::Safe, false)
    }

    /// Accepts the proposed value of the findings `matches` selects. Unsafe fixes are
    /// accepted only with `include_unsafe`; manual ones never (they need a person's value).
    pub fn accept_where(
        &mut self,
        findings: &[Finding],
        matches: impl Fn(&Finding) -> bool,
        include_unsafe: bool,
    ) -> usize {
        let selection: Vec<usize> = (0..findings.len()).filter(|&i| matches(&findings[i])).collect();
        self.accept_at(findings, &selection, include_unsafe)
    }

    /// As `accept_where`, on the findings at `selection` (indexes).
    pub fn accept_at(&mut self, findings: &[Finding], selection: &[usize], include_unsafe: bool) -> usize {
        let mut accepted = 0;
        for &index in selection {
            let (Some(finding), Some(decision)) = (findings.get(index), self.decisions.get_mut(index)) else {
                continue;
            };
            let allowed = match finding.fix {
                FixSafety::Safe => true,
                FixSafety::Unsafe => include_unsafe,
                FixSafety::Manual => false,
            };
            if let Some(update) = finding.update.as_ref().filter(|_| allowed) {
                *decision = Action::Edit(update.clone());
                accepted += 1;
            }
        }
        accepted
    }

    /// Sets one action on the selected findings (indexes).
    pub fn set(&mut self, selection: &[usize], action: &Action) {
        for &index in selection {
            if let Some(decision) = self.decisions.get_mut(index) {
                *decision = action.clone();
            }
        }
    }
}
