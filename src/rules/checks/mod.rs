//! The checks of a ruleset, attribute by attribute, each value run through its fix chain in the
//! order of rules-spec.md ("Checks by attribute", then "Checks beyond IdFix"). One file per
//! attribute family holds that family's checks; this one runs them and holds what they share:
//! the object's context, the duplicate and unverified-domain steps, and recording a finding.

pub(super) mod accounts;
pub(super) mod anchor;
pub(super) mod certificates;
pub(super) mod mail;
pub(super) mod names;
pub(super) mod proxy;
pub(super) mod sign_in;
pub(super) mod target;
pub(super) mod tenant;

use super::anchor::{AnchorIndex, Source, immutable_id, uses_consistency_guid};
use super::catalog::{FixSafety, RuleId, Severity, rule_family};
use super::chain::{Chain, Fix, Outcome};
use super::duplicates::{DuplicateIndex, smtp_address};
use super::email::{AddressRules, check_address, check_domain_part, check_top_level_domain, split_address};
use super::finding::Finding;
use super::ruleset::{Anchor, Ruleset};
use super::scope::{ObjectKind, common_name};
use super::tenant::{SyncOutcome, TenantIndex};
use super::text::{NOTHING_LEFT, char_len, remove_chars, transliterate, truncate_chars};
use crate::model::{AttrName, DirObject};

rule_family! {
    /// The rule of a check that failed inside syncready (INT).
    InternalRule in Internal:
    /// One of syncready's checks failed on this object (a bug in syncready, not in the
    /// directory): the object was not fully checked, and the scan went on with the others.
    /// DETAIL holds the error; please report it. Nothing can be fixed from this row.
    InternalError => "INT001", Internal, "*", Error, "a check failed inside syncready: the object was not fully checked", Manual "report the error";
}

/// What every object's checks share.
pub struct ScanContext<'a> {
    pub objects: &'a [DirObject],
    pub ruleset: &'a Ruleset,
    pub duplicates: &'a DuplicateIndex,
    pub anchors: &'a AnchorIndex,
    /// The tenant export's index, when one was given.
    pub tenant: Option<&'a TenantIndex>,
}

const SMTP_PREFIX_LEN: usize = "smtp:".len();

/// Checks one object and returns its findings in attribute order.
/// One object's findings, and with a tenant export what its first sync does with it.
pub struct Checked {
    pub findings: Vec<Finding>,
    pub sync: Option<SyncOutcome>,
}

pub fn check_object(ctx: &ScanContext, index: u32, kind: ObjectKind) -> Checked {
    let object = &ctx.objects[index as usize];
    let mut checker = ObjectChecker { ctx, index, object, kind, findings: Vec::new(), sync: None };
    checker.display_name();
    checker.person_names();
    match &ctx.ruleset.alternate_login_id {
        Some(AttrName::Mail) => {}
        _ => checker.mail(),
    }
    checker.mail_nickname();
    checker.proxy_addresses();
    checker.sam_account_name();
    checker.target_address();
    match ctx.ruleset.alternate_login_id.clone() {
        Some(login) => {
            checker.upn_for_ad_only();
            checker.sign_in_name(login);
        }
        None => checker.sign_in_name(AttrName::UserPrincipalName),
    }
    checker.certificates(AttrName::UserCertificate);
    checker.certificates(AttrName::UserSmimeCertificate);
    checker.source_anchor();
    checker.tenant();
    Checked { findings: checker.findings, sync: checker.sync }
}

/// The synced cloud objects in the scanned domains that no scanned object anchors (CloudOrphan),
/// as findings of their own (no scanned object), in tenant order.
pub fn orphans(ctx: &ScanContext, index: &TenantIndex) -> Vec<Finding> {
    if !ctx.ruleset.is_enabled(RuleId::CloudOrphan) {
        return Vec::new();
    }
    let anchored = super::tenant::anchored_by_scan(index, ctx.objects);
    let roots = super::tenant::scanned_roots(ctx.objects);
    let orphaned = index.tenant.objects.iter().zip(anchored).filter(|(cloud, anchored)| {
        let dn = cloud.on_premises_dn();
        cloud.synced
            && !anchored
            && cloud.immutable_id().is_some()
            && dn.is_some_and(|dn| super::tenant::in_roots(dn, &roots))
    });
    orphaned
        .map(|(cloud, _)| {
            let dn = cloud.on_premises_dn().unwrap_or_default().to_owned();
            Finding {
                object: None,
                common_name: if cloud.display_name().is_empty() { dn.clone() } else { cloud.display_name().to_owned() },
                object_class: cloud.kind.as_str(),
                attribute: AttrName::parse("onPremisesImmutableId"),
                value: cloud.immutable_id().unwrap_or_default().to_owned(),
                update: None,
                rules: vec![RuleId::CloudOrphan],
                severity: ctx.ruleset.severity(RuleId::CloudOrphan),
                fix: FixSafety::Manual,
                guid: None,
                detail: format!(
                    "synced {} has no object in the scan: the next full sync deletes it (Connect Sync stops an export \
                     of more than {} deletions)",
                    cloud.describe(),
                    super::tenant::DELETE_THRESHOLD
                ),
                holders: Vec::new(),
                dn,
            }
        })
        .collect()
}

/// The finding of an object whose checks failed inside syncready, with the error in DETAIL.
pub fn internal_error(ctx: &ScanContext, index: u32, kind: ObjectKind, message: &str) -> Finding {
    let object = &ctx.objects[index as usize];
    Finding {
        object: Some(index),
        dn: object.dn().to_owned(),
        common_name: common_name(object),
        object_class: kind.class_name(),
        attribute: AttrName::parse("*"),
        value: String::new(),
        update: None,
        rules: vec![RuleId::InternalError],
        severity: Severity::Error,
        fix: FixSafety::Manual,
        guid: object.guid(),
        detail: message.to_owned(),
        holders: Vec::new(),
    }
}

struct ObjectChecker<'a> {
    ctx: &'a ScanContext<'a>,
    index: u32,
    object: &'a DirObject,
    kind: ObjectKind,
    findings: Vec<Finding>,
    /// Set by the tenant checks.
    sync: Option<SyncOutcome>,
}

/// The chain of an attribute with one check.
fn single_check<'v>(
    value: &'v str,
    ruleset: &'v Ruleset,
    rule: RuleId,
    check: impl FnOnce(&str) -> Option<Fix>,
) -> Chain<'v> {
    let mut chain = Chain::new(value, ruleset);
    chain.check(rule, check);
    chain
}

/// A Length check that proposes the first `limit` characters.
fn truncation(limit: usize) -> impl FnOnce(&str) -> Option<Fix> {
    move |v| (char_len(v) > limit).then(|| Fix::to(truncate_chars(v, limit).to_owned(), FixSafety::Unsafe))
}

/// A Length check with no automatic fix (addresses are not truncated).
fn too_long(limit: usize) -> impl FnOnce(&str) -> Option<Fix> {
    move |v| (char_len(v) > limit).then(Fix::manual)
}

/// A Character check that removes what `bad` rejects.
fn without(bad: impl Fn(char) -> bool) -> impl FnOnce(&str) -> Option<Fix> {
    move |v| v.chars().any(&bad).then(|| Fix::removal(v, remove_chars(v, bad)))
}

/// A Character check on what follows a `type:` prefix.
fn type_body_without(bad: impl Fn(char) -> bool) -> impl FnOnce(&str) -> Option<Fix> {
    move |v| {
        let colon = v.find(':').map_or(0, |i| i + 1);
        let (prefix, body) = v.split_at(colon);
        without(bad)(body).map(|fix| fix.map_value(|b| format!("{prefix}{b}")))
    }
}

/// The `type:` prefix of a proxy or target address (letters and digits before a colon).
fn address_type(value: &str) -> Option<&str> {
    let (kind, _) = value.split_once(':')?;
    (!kind.is_empty() && kind.chars().all(|c| c.is_ascii_alphanumeric())).then_some(kind)
}

fn has_bad_periods(value: &str) -> bool {
    value.starts_with('.') || value.ends_with('.') || value.contains("..")
}

/// `value` with the part before its last `@` (or all of it, without one) replaced.
fn with_local(value: &str, local: &str) -> String {
    match split_address(value) {
        Some((_, domain)) => format!("{local}@{domain}"),
        None => local.to_owned(),
    }
}

impl<'a> ObjectChecker<'a> {
    fn ruleset(&self) -> &'a Ruleset {
        self.ctx.ruleset
    }

    /// The text values of `attr` with their object-wide indexes (borrowing the object, not the
    /// checker, so that findings can be recorded on the way).
    fn text_values(&self, attr: &AttrName) -> impl Iterator<Item = (u32, &'a str)> + use<'a> {
        let object: &'a DirObject = self.object;
        object.values(attr).filter_map(|(i, v)| Some((i, v.as_text()?)))
    }

    /// Unverified-domain warnings are for users and groups: contacts are external by nature.
    fn checks_own_addresses(&self) -> bool {
        self.ruleset().checks_verified_domains() && self.kind != ObjectKind::Contact
    }

    /// The Duplicate step: fails when the index holds the value elsewhere.
    fn duplicate(&self, chain: &mut Chain, rule: RuleId, value_index: u32) {
        let Some(holders) = self.ctx.duplicates.holders(self.index, value_index) else { return };
        if !chain.check(rule, |_| Some(Fix::manual())) {
            return;
        }
        if holders.twice {
            chain.note("held twice by this object".into());
        }
        if holders.other_count > 0 {
            let more = holders.other_count - holders.others.len();
            let tail = if more > 0 { format!(" and {more} more") } else { String::new() };
            chain.note_holders(format!("also held by: {}{tail}", self.dns(&holders.others)), &holders.others);
        }
    }

    fn dns(&self, objects: &[u32]) -> String {
        let dns: Vec<&str> = objects.iter().map(|&o| self.ctx.objects[o as usize].dn()).collect();
        dns.join("; ")
    }

    /// The unverified-domain step for an address whose domain follows the last `@`.
    fn unverified(&self, chain: &mut Chain, rule: RuleId) {
        let ruleset = self.ruleset();
        chain.check(rule, |v| {
            let (_, domain) = split_address(v)?;
            (!ruleset.is_verified(domain)).then(Fix::manual)
        });
    }

    /// Records the chain's finding, if it has one, as it stands (whole-attribute findings and
    /// anchors, whose proposals are not values of the attribute's text checks).
    fn emit(&mut self, attr: &AttrName, value: &str, chain: Chain) {
        if let Some(outcome) = chain.finish() {
            self.record(attr, value, outcome);
        }
    }

    /// Records the chain's finding after running `recheck` (the attribute's checks, without the
    /// duplicate step) on its proposed value: a value that still fails an error check is not
    /// proposed; UPDATE stays empty, FIX is manual and DETAIL says which check it fails.
    fn emit_checked(
        &mut self,
        attr: &AttrName,
        value: &str,
        chain: Chain,
        recheck: impl Fn(&Self, &str) -> Vec<RuleId>,
    ) {
        let Some(mut outcome) = chain.finish() else { return };
        if let Some(update) = &outcome.update {
            let ruleset = self.ruleset();
            let failing: Vec<&str> = recheck(self, update)
                .into_iter()
                .filter(|&rule| ruleset.severity(rule) == Severity::Error)
                .map(RuleId::code)
                .collect();
            if !failing.is_empty() {
                outcome.notes.push(format!(
                    "the fixes would give '{}', which still fails {}: enter a value",
                    update,
                    failing.join(", ")
                ));
                outcome.update = None;
                outcome.fix = FixSafety::Manual;
            }
        }
        self.record(attr, value, outcome);
    }

    fn record(&mut self, attr: &AttrName, value: &str, outcome: Outcome) {
        let mut notes = outcome.notes;
        if let Some(update) = &outcome.update {
            let clash = self.ctx.duplicates.holders_of(self.ctx.objects, attr, update, self.index);
            if let Some(&first) = clash.first() {
                let dn = self.ctx.objects[first as usize].dn();
                notes.push(format!("the proposed value is already held by {dn}"));
            }
        }
        let severity = outcome.rules.iter().map(|&r| self.ruleset().severity(r)).max().unwrap_or(Severity::Info);
        self.findings.push(Finding {
            object: Some(self.index),
            dn: self.object.dn().to_owned(),
            common_name: common_name(self.object),
            object_class: self.kind.class_name(),
            attribute: attr.clone(),
            value: value.to_owned(),
            update: outcome.update,
            rules: outcome.rules,
            severity,
            fix: outcome.fix,
            guid: self.object.guid(),
            detail: notes.join(" | "),
            holders: outcome.holders,
        });
    }

    fn length_only(&mut self, attr: AttrName, rule: RuleId, limit: usize) {
        for (_, value) in self.text_values(&attr) {
            let chain = single_check(value, self.ruleset(), rule, truncation(limit));
            let recheck = |checker: &Self, value: &str| {
                single_check(value, checker.ruleset(), rule, truncation(limit)).into_rules()
            };
            self.emit_checked(&attr, value, chain, recheck);
        }
    }

    fn too_many_values(&mut self, attr: &AttrName, count: usize, rule: RuleId, limit: usize) {
        if count > limit {
            let mut chain = Chain::empty(self.ruleset());
            if chain.check(rule, |_| Some(Fix::manual())) {
                chain.note(format!("{count} values (Entra ID accepts at most {limit})"));
            }
            self.emit(attr, "", chain);
        }
    }
}
