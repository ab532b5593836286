//! The review kept between runs: every decided row (DN, attribute, value, decision and the
//! value to write) with the sources it was made on, written to the app's data folder while the
//! admin works (eframe saves every few seconds and on exit) and offered back after the next
//! scan of the same sources. The file is written whole to a new name and renamed over the old
//! one, so a crash leaves the previous review, never half of one.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::review_files::{decision_key, take_decisions};
use crate::fix::Action;
use crate::rules::Finding;

/// One decided row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedDecision {
    pub dn: String,
    pub attribute: String,
    pub value: String,
    /// The ACTION word (EDIT, REMOVE, COMPLETE).
    pub action: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub update: String,
}

/// A review as saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedReview {
    /// The scan's sources, as the status line names them.
    pub sources: Vec<String>,
    /// When it was saved (UTC, ISO 8601).
    pub saved: String,
    pub decisions: Vec<SavedDecision>,
}

/// The file the app keeps the review in.
pub fn default_path() -> PathBuf {
    crate::platform::folders::data_dir().join("review.json")
}

impl SavedReview {
    /// The decided rows of a review of `sources`.
    pub fn of(sources: &[String], findings: &[Finding], decisions: &[Action]) -> SavedReview {
        let decisions = findings
            .iter()
            .zip(decisions)
            .filter(|(_, decision)| **decision != Action::Undecided)
            .map(|(finding, decision)| SavedDecision {
                dn: finding.dn.clone(),
                attribute: finding.attribute.as_str().to_owned(),
                value: finding.value.clone(),
                action: decision.as_str().to_owned(),
                update: match decision {
                    Action::Edit(value) => value.clone(),
                    _ => String::new(),
                },
            })
            .collect();
        SavedReview { sources: sources.to_vec(), saved: crate::fix::journal::timestamp(), decisions }
    }

    /// Reads the saved review at `path`; none when there is no file.
    pub fn read(path: &Path) -> Result<Option<SavedReview>, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        serde_json::from_str(&text).map(Some).map_err(|e| format!("{}: not a saved review ({e})", path.display()))
    }

    /// Writes it to `path` (a new file renamed over the old one); an empty review removes the
    /// file.
    pub fn write(&self, path: &Path) -> Result<(), String> {
        let fail = |e: std::io::Error| format!("{}: {e}", path.display());
        if self.decisions.is_empty() {
            return match std::fs::remove_file(path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(fail(e)),
                _ => Ok(()),
            };
        }
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder).map_err(fail)?;
        }
        let json = serde_json::to_vec(self).map_err(|e| format!("{}: {e}", path.display()))?;
        let fresh = path.with_extension("json.new");
        let _ = std::fs::remove_file(&fresh);
        let mut file = crate::platform::private_file::create_private(&fresh).map_err(fail)?;
        std::io::Write::write_all(&mut file, &json).map_err(fail)?;
        file.sync_all().map_err(fail)?;
        drop(file);
        std::fs::rename(&fresh, path).map_err(fail)
    }

    /// Puts the saved decisions on the findings with the same DN, attribute and value; returns
    /// how many matched.
    pub fn restore(&self, findings: &[Finding], decisions: &mut [Action]) -> usize {
        let saved: HashMap<_, Action> = self
            .decisions
            .iter()
            .filter_map(|d| {
                Some((decision_key(&d.dn, &d.attribute, &d.value), Action::parse(&d.action, &d.update).ok()?))
            })
            .collect();
        take_decisions(findings, decisions, &saved)
    }
}
