//! How bad something is, one scale for the scan's findings and the migration's readiness
//! items, ordered from least to most severe: `Error` is what sync rejects or quarantines,
//! `Blocker` (readiness only) is what stops a move from Connect Sync to Cloud Sync.

/// A severity, ordered `Info < Warning < Error < Blocker`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
    /// A migration readiness item that stops the move; never a rule's severity.
    Blocker,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
            Severity::Blocker => "blocker",
        }
    }
}
