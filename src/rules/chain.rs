//! The fix chain for one value: each check sees the value as fixed by the checks before it,
//! records its rule when it fails and hands its fixed value to the next (IdFix chains fixes
//! the same way). Encoding (NFC) always runs first.

use std::borrow::Cow;

use super::catalog::{FixSafety, RuleId, rule_family};
use super::ruleset::Ruleset;
use super::text::nfc;

rule_family! {
    /// The check every value gets first: Unicode normalization (ENC).
    EncodingRule in Unicode:
    /// Entra ID compares values after Unicode normalization, but Active Directory stores what it
    /// is given: a decomposed `e` + U+0301 looks like `é` and yet fails matching and duplicate
    /// detection against the composed form. The fix rewrites the value in NFC, which shows the
    /// same characters: safe.
    Encoding => "ENC001", Encoding, "*", Warning, "value is not in Unicode NFC form", Proposes "normalize to NFC";
}

/// What a failing check proposes: a replacement value (or none) and how safe it is.
pub struct Fix {
    pub value: Option<String>,
    pub safety: FixSafety,
}

impl Fix {
    pub fn to(value: String, safety: FixSafety) -> Fix {
        Fix { value: Some(value), safety }
    }

    /// No automatic value: an admin must decide.
    pub fn manual() -> Fix {
        Fix { value: None, safety: FixSafety::Manual }
    }

    /// A removal of characters: safe when it only trimmed surrounding whitespace.
    pub fn removal(before: &str, after: String) -> Fix {
        let safety = if after == before.trim() { FixSafety::Safe } else { FixSafety::Unsafe };
        Fix::to(after, safety)
    }

    /// The same fix with its value rewritten (to put a prefix or a domain back around it).
    pub fn map_value(self, f: impl FnOnce(String) -> String) -> Fix {
        Fix { value: self.value.map(f), safety: self.safety }
    }
}

/// The failing checks of one value, with the value after their fixes.
pub struct Outcome {
    pub rules: Vec<RuleId>,
    pub update: Option<String>,
    pub fix: FixSafety,
    pub notes: Vec<String>,
    /// The other objects holding the value, as DETAIL names them.
    pub holders: Vec<u32>,
}

pub struct Chain<'a> {
    original: &'a str,
    /// The value as fixed so far: borrowed until a fix changes it.
    current: Cow<'a, str>,
    rules: Vec<RuleId>,
    safety: FixSafety,
    notes: Vec<String>,
    holders: Vec<u32>,
    ruleset: &'a Ruleset,
}

impl<'a> Chain<'a> {
    /// Starts a chain on `original`, reporting `Encoding` when it is not NFC.
    pub fn new(original: &'a str, ruleset: &'a Ruleset) -> Chain<'a> {
        let mut chain = Chain {
            original,
            current: Cow::Borrowed(original),
            rules: Vec::new(),
            safety: FixSafety::Safe,
            notes: Vec::new(),
            holders: Vec::new(),
            ruleset,
        };
        chain.check(RuleId::Encoding, |value| match nfc(value) {
            Cow::Owned(normalized) => Some(Fix::to(normalized, FixSafety::Safe)),
            Cow::Borrowed(_) => None,
        });
        chain
    }

    /// A chain for a whole attribute or a missing value: no value, no Encoding check.
    pub fn empty(ruleset: &'a Ruleset) -> Chain<'a> {
        Chain {
            original: "",
            current: Cow::Borrowed(""),
            rules: Vec::new(),
            safety: FixSafety::Safe,
            notes: Vec::new(),
            holders: Vec::new(),
            ruleset,
        }
    }

    /// The value as fixed so far.
    pub fn value(&self) -> &str {
        &self.current
    }

    /// Runs one check (when the ruleset enables it) on the value as fixed so far, and says
    /// whether it failed.
    pub fn check(&mut self, rule: RuleId, check: impl FnOnce(&str) -> Option<Fix>) -> bool {
        if !self.ruleset.is_enabled(rule) {
            return false;
        }
        let Some(fix) = check(&self.current) else {
            return false;
        };
        self.rules.push(rule);
        self.safety = self.safety.max(fix.safety);
        if let Some(value) = fix.value {
            self.current = Cow::Owned(value);
        }
        true
    }

    /// Whether a check has failed (the chain has a finding).
    pub fn has_failed(&self) -> bool {
        !self.rules.is_empty()
    }

    /// The rules that failed, for a check of a proposed value.
    pub fn into_rules(self) -> Vec<RuleId> {
        self.rules
    }

    /// Adds a line to the finding's DETAIL.
    pub fn note(&mut self, note: String) {
        self.notes.push(note);
    }

    /// Adds a line naming other holders of the value to DETAIL, and the holders themselves.
    pub fn note_holders(&mut self, note: String, holders: &[u32]) {
        self.notes.push(note);
        self.holders.extend_from_slice(holders);
    }

    /// The outcome, or `None` when every check passed.
    pub fn finish(self) -> Option<Outcome> {
        if self.rules.is_empty() {
            return None;
        }
        let changed = self.current != self.original;
        let mut fix = if changed { self.safety } else { FixSafety::Manual };
        let mut notes = self.notes;
        if changed && self.current.is_empty() {
            fix = FixSafety::Manual;
            notes.push("the fixes leave nothing: enter a value or remove it".into());
        }
        let update = (changed && !self.current.is_empty()).then(|| self.current.into_owned());
        Some(Outcome { rules: self.rules, update, fix, notes, holders: self.holders })
    }
}
