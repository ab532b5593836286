//! The rule engine: classifies objects, builds the duplicate index once, then runs every
//! object's checks in parallel. Rules never touch the network: they see a snapshot.

mod anchor;
pub mod catalog;
mod chain;
mod checks;
pub mod docs;
pub(crate) mod duplicates;
mod email;
mod finding;
mod groups;
mod options;
pub(crate) mod ruleset;
pub mod scope;
pub mod tenant;
pub(crate) mod text;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use rayon::prelude::*;

pub use catalog::{ErrorName, FixOffer, FixSafety, Rule, RuleId, Severity, rules};
pub use finding::Finding;
pub use options::{RulesetOptions, RulesetOptionsError};
pub use ruleset::{Anchor, Ruleset, RulesetError};
pub use scope::{ObjectKind, OutOfScopeReason, Scope, SkipReason};

use crate::model::{AttrName, DirObject};
use anchor::AnchorIndex;
use checks::{Checked, ScanContext, check_object, internal_error};
use duplicates::DuplicateIndex;
use tenant::{SyncOutcome, TenantCounts};

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
    /// What the first sync does with the checked objects, with a tenant export.
    pub tenant: Option<tenant::TenantCounts>,
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
    let tenant = ruleset.tenant.as_deref();
    let ctx = ScanContext { objects, ruleset, duplicates: &duplicates, anchors: &anchors, tenant };
    let outcomes: [AtomicU64; 4] = Default::default();
    let mut findings: Vec<Finding> = scopes
        .par_iter()
        .enumerate()
        .flat_map_iter(|(index, scope)| match scope {
            Scope::Checked(kind) => {
                let checked = guarded(&ctx, index as u32, *kind, || check_object(&ctx, index as u32, *kind));
                if let Some(outcome) = checked.sync {
                    outcomes[outcome as usize].fetch_add(1, Ordering::Relaxed);
                }
                found.fetch_add(checked.findings.len(), Ordering::Relaxed);
                checked.findings
            }
            _ => Vec::new(),
        })
        .collect();
    let mut stats = count(&scopes);
    if let Some(index) = tenant {
        let orphans = checks::orphans(&ctx, index);
        let count_of = |outcome: SyncOutcome| outcomes[outcome as usize].load(Ordering::Relaxed);
        stats.tenant = Some(TenantCounts {
            hard_match: count_of(SyncOutcome::HardMatch),
            soft_match: count_of(SyncOutcome::SoftMatch),
            create: count_of(SyncOutcome::Create),
            conflict: count_of(SyncOutcome::Conflict),
            orphans: orphans.len() as u64,
        });
        found.fetch_add(orphans.len(), Ordering::Relaxed);
        findings.extend(orphans);
    }
    ScanResult { findings, stats }
}

/// Runs one object's checks; a check that panics (a bug in syncready) becomes an INT001
/// finding on that object instead of ending the scan.
fn guarded(ctx: &ScanContext, index: u32, kind: ObjectKind, checks: impl FnOnce() -> Checked) -> Checked {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(checks)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned());
        Checked { findings: vec![internal_error(ctx, index, kind, &message)], sync: None }
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ObjectBuilder;

    #[test]
    fn a_check_that_panics_becomes_a_finding_on_its_object_and_the_scan_goes_on() {
        let mut builder = ObjectBuilder::default();
        builder.set_dn("CN=Ann,OU=Staff,DC=contoso,DC=com");
        builder.add_text(AttrName::ObjectClass, "user");
        let objects = vec![builder.build()];
        let ruleset = Ruleset::multi_tenant();
        let scopes = vec![Scope::Checked(ObjectKind::User)];
        let login = AttrName::UserPrincipalName;
        let duplicates = DuplicateIndex::build(&objects, &scopes, &login);
        let anchors = AnchorIndex::build(&objects, &scopes);
        let ctx = ScanContext {
            objects: &objects,
            ruleset: &ruleset,
            duplicates: &duplicates,
            anchors: &anchors,
            tenant: None,
        };
        let failed = guarded(&ctx, 0, ObjectKind::User, || panic!("index out of bounds in a check")).findings;
        assert_eq!(failed.len(), 1);
        let finding = &failed[0];
        assert_eq!(
            (finding.dn.as_str(), finding.object_class, finding.attribute.as_str()),
            ("CN=Ann,OU=Staff,DC=contoso,DC=com", "user", "*")
        );
        assert_eq!(finding.rules, [RuleId::InternalError]);
        assert_eq!(
            (finding.severity, finding.fix, finding.update.as_deref()),
            (Severity::Error, FixSafety::Manual, None)
        );
        assert_eq!(finding.detail, "index out of bounds in a check");
        let fine = guarded(&ctx, 0, ObjectKind::User, || check_object(&ctx, 0, ObjectKind::User)).findings;
        assert!(fine.iter().all(|f| f.rules != [RuleId::InternalError]));
    }
    #[test]
    fn a_finding_whose_rules_all_leave_the_fix_to_the_admin_proposes_no_value() {
        let objects =
            crate::source::ldif::parse_str(crate::source::DEMO_LDIF.as_bytes(), "demo.ldif".as_ref()).unwrap();
        let findings = scan(&objects, &Ruleset::multi_tenant()).findings;
        let manual: Vec<&Finding> =
            findings.iter().filter(|f| f.rules.iter().all(|r| r.rule().fix == FixOffer::Manual)).collect();
        let proposing: Vec<&Finding> = findings.iter().filter(|f| f.update.is_some()).collect();
        assert_eq!((findings.len(), manual.len(), proposing.len()), (118, 57, 56));
        assert!(manual.iter().all(|f| f.update.is_none() && f.fix == FixSafety::Manual));
        assert!(proposing.iter().all(|f| f.rules.iter().any(|r| r.rule().fix == FixOffer::Proposes)));
    }
}
