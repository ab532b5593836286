//! The tenant checks (TEN), with a tenant export: what the object's first sync collides with,
//! takes over or is refused by in Entra ID, and the provisioning errors Entra ID already
//! reports on it. They join the finding of the value they are about (one row per value), and
//! run last, so a provisioning error can name syncready's own fix for the same value.

use super::*;
use crate::model::DnKey;
use crate::rules::tenant::{SyncOutcome, is_anchored_on, sent_anchor};
use crate::source::tenant::CloudObject;

rule_family! {
    /// The tenant rules (TEN): the directory against a tenant export.
    TenantRule in Tenant:
    /// The object's UPN or primary SMTP address is that of a cloud-only object (made in the
    /// cloud, never synced): the first sync soft-matches and takes that object over, with its
    /// mailbox, licences and sign-in. Right when they are the same person; a takeover of
    /// someone else's account when not. Only a person can tell.
    SoftMatch => "TEN001", SoftMatch, "*", Warning, "the first sync takes over a cloud-only object with this address", Manual "check it is the same person, or change the address";
    /// The same, in a tenant that blocks soft match (BlockSoftMatchEnabled): the object does
    /// not sync at all (InvalidSoftMatch) until the cloud object is removed or hard-matched.
    SoftMatchBlocked => "TEN002", SoftMatch, "*", Error, "a cloud-only object holds this address and the tenant blocks soft match: the object will not sync", Manual "remove the cloud object or set its immutable id";
    /// The cloud-only object a soft match would take over holds a directory role: Entra ID
    /// refuses to match an administrator ("Existing Admin Role Conflict") and the object does
    /// not sync. Remove the role first, or change the address.
    AdminRoleConflict => "TEN003", AdminRoleConflict, "*", Error, "the cloud-only object with this address holds a directory role: Entra ID refuses the match", Manual "remove the role from the cloud account, or change the address";
    /// Another synced object of the tenant (another immutable id) already holds the value:
    /// Entra ID refuses it on this one (InvalidSoftMatch, AttributeValueMustBeUnique) and the
    /// value is quarantined. Only a person can decide which object keeps it.
    InvalidSoftMatch => "TEN004", InvalidSoftMatch, "*", Error, "another synced object of the tenant already holds this value", Manual "decide which object keeps it";
    /// A synced cloud object whose immutable id matches no object of the scan, though its
    /// on-premises DN lies in the scanned domains: the next full sync deletes it (counted
    /// against the accidental-delete threshold). Restore the object on premises, or accept
    /// the deletion.
    CloudOrphan => "TEN005", CloudOrphan, "*", Warning, "a synced cloud object no scanned object anchors: the next full sync deletes it", Manual "restore the object on premises or accept the deletion";
    /// Entra ID reports a provisioning error (onPremisesProvisioningErrors) on the cloud object
    /// of this one: the property named did not sync. DETAIL gives Entra ID's words and
    /// syncready's own finding on the same value, when it has one.
    ProvisioningError => "TEN006", ProvisioningError, "*", Error, "Entra ID reports a provisioning error on this value", Manual "fix the value Entra ID names";
}

/// How a provisioning error's property is named on premises.
fn attribute_of(property: &str) -> AttrName {
    match property.to_ascii_lowercase().as_str() {
        "userprincipalname" => AttrName::UserPrincipalName,
        // Graph names it ProxyAddress (onPremisesProvisioningError's propertyCausingError).
        "proxyaddress" | "proxyaddresses" => AttrName::ProxyAddresses,
        "mail" => AttrName::Mail,
        "mailnickname" => AttrName::MailNickname,
        _ => AttrName::parse(property),
    }
}

impl<'a> ObjectChecker<'a> {
    pub(super) fn tenant(&mut self) {
        let Some(index) = self.ctx.tenant else { return };
        let anchor = sent_anchor(self.object, self.kind, self.ruleset());
        let mine: Vec<usize> = anchor.as_ref().map(|a| index.anchored(a)).unwrap_or_default();
        if mine.is_empty() {
            self.soft_match(index);
        }
        self.taken_addresses(index, anchor.as_ref(), &mine);
        self.provisioning_errors(index, &mine);
        self.sync = Some(self.sync_outcome(!mine.is_empty()));
    }

    /// What the first sync does with the object, from its tenant findings, for the summary's
    /// counts.
    fn sync_outcome(&self, hard_matched: bool) -> SyncOutcome {
        let failed = |rules: &[RuleId]| self.findings.iter().any(|f| f.rules.iter().any(|r| rules.contains(r)));
        if failed(&[RuleId::AdminRoleConflict, RuleId::SoftMatchBlocked, RuleId::InvalidSoftMatch]) {
            SyncOutcome::Conflict
        } else if hard_matched {
            SyncOutcome::HardMatch
        } else if failed(&[RuleId::SoftMatch]) {
            SyncOutcome::SoftMatch
        } else {
            SyncOutcome::Create
        }
    }

    /// The addresses a soft match compares: the sign-in name and the primary SMTP address.
    /// (attribute, value, address), borrowed from the object.
    fn soft_match_keys(&self) -> Vec<(AttrName, &'a str, &'a str)> {
        let mut keys = Vec::new();
        let login = self.ruleset().alternate_login_id.clone().unwrap_or(AttrName::UserPrincipalName);
        if self.kind.is_user()
            && let Some(upn) = self.object.first_text(&login)
        {
            keys.push((login, upn, upn));
        }
        let primary = self
            .object
            .values(&AttrName::ProxyAddresses)
            .filter_map(|(_, v)| v.as_text())
            .find(|p| p.starts_with("SMTP:"));
        match primary {
            Some(proxy) => keys.push((AttrName::ProxyAddresses, proxy, &proxy[5..])),
            None => {
                if let Some(mail) = self.object.first_text(&AttrName::Mail) {
                    keys.push((AttrName::Mail, mail, mail));
                }
            }
        }
        keys
    }

    /// A cloud-only object with the object's sign-in name or primary SMTP address.
    fn soft_match(&mut self, index: &TenantIndex) {
        // Each cloud object once, on the first of the object's addresses that matches it.
        let mut taken_over: Vec<usize> = Vec::new();
        for (attr, value, address) in self.soft_match_keys() {
            for i in index.holders(address) {
                if taken_over.contains(&i) {
                    continue;
                }
                let cloud = index.object(i);
                let same = |a: Option<&str>| a.is_some_and(|a| a.eq_ignore_ascii_case(address));
                if !cloud.is_cloud_only() || !(same(cloud.user_principal_name()) || same(cloud.primary_smtp())) {
                    continue;
                }
                let roles = index.roles_of(cloud);
                let (rule, note) = if !roles.is_empty() {
                    let note = format!(
                        "would take over cloud-only {}, which holds {}: Entra ID refuses the match (Existing Admin Role Conflict)",
                        cloud.describe(),
                        roles.join(", ")
                    );
                    (RuleId::AdminRoleConflict, note)
                } else if index.blocks_soft_match() {
                    let note = format!("cloud-only {} holds it and the tenant blocks soft match", cloud.describe());
                    (RuleId::SoftMatchBlocked, note)
                } else {
                    (RuleId::SoftMatch, format!("the first sync takes over cloud-only {}", cloud.describe()))
                };
                taken_over.push(i);
                self.add_rule(&attr, value, rule, note);
            }
        }
    }

    /// The object's addresses that another synced cloud object (another anchor) holds.
    fn taken_addresses(&mut self, index: &TenantIndex, anchor: Option<&[u8; 16]>, mine: &[usize]) {
        let mut addresses: Vec<(AttrName, &'a str, &'a str)> = Vec::new();
        if self.kind.is_user()
            && let Some(upn) = self.object.first_text(&AttrName::UserPrincipalName)
        {
            addresses.push((AttrName::UserPrincipalName, upn, upn));
        }
        if let Some(mail) = self.object.first_text(&AttrName::Mail) {
            addresses.push((AttrName::Mail, mail, mail));
        }
        for (_, proxy) in self.text_values(&AttrName::ProxyAddresses) {
            if proxy.get(..5).is_some_and(|t| t.eq_ignore_ascii_case("smtp:")) {
                addresses.push((AttrName::ProxyAddresses, proxy, &proxy[5..]));
            }
        }
        for (attr, value, address) in addresses {
            let taken: Vec<&CloudObject> = index
                .holders(address)
                .filter(|i| !mine.contains(i))
                .map(|i| index.object(i))
                .filter(|c| c.synced && c.immutable_id().is_some_and(|id| !is_anchored_on(id, anchor)))
                .collect();
            for cloud in taken {
                let note = format!(
                    "already held by synced {}, anchored on {}: Entra ID refuses it here",
                    cloud.describe(),
                    cloud.immutable_id().unwrap_or_default()
                );
                self.add_rule(&attr, value, RuleId::InvalidSoftMatch, note);
            }
        }
    }

    /// The provisioning errors of the object's cloud object: the one its anchor names, else the
    /// one that names its DN.
    fn provisioning_errors(&mut self, index: &TenantIndex, mine: &[usize]) {
        let by_dn = if mine.is_empty() { index.with_errors_at(&DnKey::of(self.object.dn())) } else { mine };
        let clouds: Vec<&CloudObject> = by_dn.iter().map(|&i| index.object(i)).collect();
        for cloud in clouds {
            for error in &cloud.provisioning_errors {
                let attr = attribute_of(&error.property);
                let own =
                    self.findings.iter().find(|f| f.attribute == attr && f.value.eq_ignore_ascii_case(&error.value));
                let ours = match own {
                    Some(f) => match &f.update {
                        Some(update) => format!("; syncready proposes '{update}' ({})", f.rule_text()),
                        None => format!("; syncready finds {} on it", f.rule_text()),
                    },
                    None => "; syncready finds nothing wrong with it on premises: the conflict is in the tenant".into(),
                };
                let since =
                    if error.occurred.is_empty() { String::new() } else { format!(" since {}", error.occurred) };
                let note = format!(
                    "Entra ID: {} on {} '{}'{since} ({}){ours}",
                    error.category,
                    error.property,
                    error.value,
                    cloud.describe()
                );
                let value = self.held_value(&attr, &error.value);
                self.add_rule(&attr, &value, RuleId::ProvisioningError, note);
            }
        }
    }

    /// The value of `attr` the object holds that is `value` (a proxy address may be named
    /// without its prefix), or `value` itself.
    fn held_value(&self, attr: &AttrName, value: &str) -> String {
        let held = self.text_values(attr).map(|(_, v)| v).find(|v| {
            v.eq_ignore_ascii_case(value) || v.split_once(':').is_some_and(|(_, a)| a.eq_ignore_ascii_case(value))
        });
        held.unwrap_or(value).to_owned()
    }

    /// Adds a failing tenant rule to the finding of (`attr`, `value`), or a finding of its own.
    fn add_rule(&mut self, attr: &AttrName, value: &str, rule: RuleId, note: String) {
        let severity = self.ruleset().severity(rule);
        if !self.ruleset().is_enabled(rule) {
            return;
        }
        if let Some(finding) = self.findings.iter_mut().find(|f| f.attribute == *attr && f.value == value) {
            if !finding.rules.contains(&rule) {
                finding.rules.push(rule);
            }
            finding.severity = finding.severity.max(severity);
            if finding.detail.is_empty() {
                finding.detail = note;
            } else {
                finding.detail = format!("{} | {note}", finding.detail);
            }
            return;
        }
        let outcome =
            Outcome { rules: vec![rule], update: None, fix: FixSafety::Manual, notes: vec![note], holders: Vec::new() };
        self.record(attr, value, outcome);
    }
}
