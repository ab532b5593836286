//! The rule engine: classifies objects, builds the duplicate index once, then runs every
//! object's checks in parallel. Rules never touch the network: they see a snapshot.

mod anchor;
pub mod catalog;
mod chain;
mod checks;
pub mod docs;
pub mod duplicates;
mod email;
mod finding;
mod options;
pub mod ruleset;
pub mod scope;
pub mod text;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

pub use catalog::{ErrorName, FixSafety, RULES, Rule, RuleId, Severity};
pub use finding::Finding;
pub use options::{RulesetOptions, RulesetOptionsError};
pub use ruleset::{Anchor, Ruleset, RulesetError};
pub use scope::{ObjectKind, OutOfScopeReason, Scope, SkipReason};

use crate::model::{AttrName, DirObject};
use anchor::AnchorIndex;
use checks::{ScanContext, check_object};
use duplicates::DuplicateIndex;

/// The attributes a live read must fetch for `ruleset`'s checks (and nothing more).
pub fn needed_attributes(ruleset: &Ruleset) -> Vec<String> {
    let mut names: Vec<String> = [
        AttrName::ObjectClass,
        AttrName::Cn,
        AttrName::DisplayName,
        AttrName::GivenName,
        AttrName::Sn,
        AttrName::Mail,
        AttrName::MailNickname,
        AttrName::ProxyAddresses,
        AttrName::SamAccountName,
        AttrName::TargetAddress,
        AttrName::UserPrincipalName,
        AttrName::IsCriticalSystemObject,
        AttrName::MsExchRecipientTypeDetails,
        AttrName::MsExchHideFromAddressLists,
        AttrName::AdminDescription,
        AttrName::ObjectGuid,
        AttrName::MsDsConsistencyGuid,
        AttrName::UserCertificate,
        AttrName::UserSmimeCertificate,
    ]
    .iter()
    .map(|a| a.as_str().to_owned())
    .collect();
    if let Some(login) = &ruleset.alternate_login_id
        && !names.iter().any(|n| n.eq_ignore_ascii_case(login.as_str()))
    {
        names.push(login.as_str().to_owned());
    }
    names
}

/// Adds the names of `extra` that `names` lacks (any case).
pub fn add_attributes(names: &mut Vec<String>, extra: &[String]) {
    for name in extra {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            names.push(name.clone());
        }
    }
}

/// Counts of what a scan looked at.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScanStats {
    pub objects_read: u64,
    pub checked: u64,
    pub skipped: u64,
    pub out_of_scope: u64,
    pub skipped_by_reason: BTreeMap<SkipReason, u64>,
    pub out_of_scope_by_reason: BTreeMap<OutOfScopeReason, u64>,
}

/// The findings of a scan, in snapshot order, and what was counted on the way.
#[derive(Debug, Clone, Default)]
pub struct ScanResult {
    pub findings: Vec<Finding>,
    pub stats: ScanStats,
}

/// Runs every enabled rule of `ruleset` over `objects`.
pub fn scan(objects: &[DirObject], ruleset: &Ruleset) -> ScanResult {
    scan_counting(objects, ruleset, &AtomicUsize::new(0))
}

/// [`scan`], adding each object's findings to `found` as they come (the app shows it).
pub fn scan_counting(objects: &[DirObject], ruleset: &Ruleset, found: &AtomicUsize) -> ScanResult {
    let scopes: Vec<Scope> = objects.par_iter().map(|o| scope::classify(o, ruleset)).collect();
    let login = ruleset.alternate_login_id.clone().unwrap_or(AttrName::UserPrincipalName);
    let (duplicates, anchors) =
        rayon::join(|| DuplicateIndex::build(objects, &scopes, &login), || AnchorIndex::build(objects, &scopes));
    let ctx = ScanContext { objects, ruleset, duplicates: &duplicates, anchors: &anchors };
    let findings = scopes
        .par_iter()
        .enumerate()
        .flat_map_iter(|(index, scope)| match scope {
            Scope::Checked(kind) => {
                let findings = check_object(&ctx, index as u32, *kind);
                found.fetch_add(findings.len(), Ordering::Relaxed);
                findings
            }
            _ => Vec::new(),
        })
        .collect();
    ScanResult { findings, stats: count(&scopes) }
}

fn count(scopes: &[Scope]) -> ScanStats {
    let mut stats = ScanStats { objects_read: scopes.len() as u64, ..ScanStats::default() };
    for scope in scopes {
        match scope {
            Scope::Checked(_) => stats.checked += 1,
            Scope::OutOfScope(reason) => {
                stats.out_of_scope += 1;
                *stats.out_of_scope_by_reason.entry(*reason).or_default() += 1;
            }
            Scope::Skipped(reason) => {
                stats.skipped += 1;
                *stats.skipped_by_reason.entry(*reason).or_default() += 1;
            }
        }
    }
    stats
}
