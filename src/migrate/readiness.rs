//! The readiness assessment: each item a blocker, warning or info, with its reason and the
//! fact it rests on (a setting of the export, a rule, or counts from the scan), and whether
//! Microsoft's guided tool can do the move, with every reason it cannot.

use std::collections::{BTreeMap, HashMap};

use super::catalog::Check;
use super::config::{ConnectorKind, Direction, SyncConfig, parse_version};
use super::expressions::{RuleFate, classify, is_attribute_filter, scoping_text};
use super::scope::{ScopeChange, ScopeSimulation};
use super::waves::Wave;
pub use crate::model::Severity;
use crate::model::{AttrName, DirObject, DnKey, rdns};
use crate::report::count;
use crate::source::tenant::{CloudObject, Tenant};

/// The oldest Connect Sync that still syncs (older ones stopped on 2026-09-30).
pub const MINIMUM_VERSION: &str = "2.5.79.0";
/// Cloud Sync's limits.
pub const MAX_OBJECTS_PER_DOMAIN: usize = 150_000;
pub const MAX_GROUP_MEMBERS: usize = 50_000;
/// "You can only sync up to 59 separate OUs or Security Groups for a given configuration"
/// (Cloud Sync's known limitations).
pub const MAX_SCOPED_OUS: usize = 59;
/// Where Microsoft documents the OU limit of a Cloud Sync configuration.
const OU_LIMIT_PAGE: &str = "Microsoft Learn, Cloud Sync known limitations (cloud-sync/how-to-prerequisites): \
                             \"You can only sync up to 59 separate OUs or Security Groups for a given configuration\"";
/// Where Microsoft lists the functions of Cloud Sync's expressions.
const EXPRESSIONS_PAGE: &str = "Microsoft Learn, \"Writing expressions for attribute mappings in Microsoft Entra Cloud \
                                Sync\" (cloud-sync/reference-expressions)";
/// Where Microsoft documents the guided tool and its limits.
const GUIDED_TOOL_PAGE: &str = "Microsoft Learn, \"Migrate from Connect Sync to Cloud Sync with the guided tool\" \
                                (cloud-sync/migrate-connect-sync-cloud-sync-tool, 2026-09-16): one forest, at most 2,000 \
                                objects, at most 30 containers per domain, no custom rules, group filtering, custom UPN \
                                attribute, directory extensions, device sync or unsupported writeback (device, group)";
/// The guided tool's limits.
pub const GUIDED_MAX_OBJECTS: usize = 2_000;
pub const GUIDED_MAX_CONTAINERS: usize = 30;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadinessItem {
    pub severity: Severity,
    pub code: &'static str,
    /// What it is about: a setting, a rule, a domain, a group.
    pub subject: String,
    pub reason: String,
    /// Where it was read.
    pub fact: String,
}

/// Whether the guided tool can move this server, and why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuidedTool {
    pub eligible: bool,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub items: Vec<ReadinessItem>,
    pub guided_tool: GuidedTool,
}

impl Assessment {
    pub fn blockers(&self) -> usize {
        self.items.iter().filter(|i| i.severity == Severity::Blocker).count()
    }
}

struct Items(Vec<ReadinessItem>);

impl Items {
    /// Adds an item of `check` at its usual severity.
    fn add(&mut self, check: Check, subject: impl Into<String>, reason: impl Into<String>, fact: impl Into<String>) {
        self.add_at(check.severities()[0], check, subject, reason, fact);
    }

    /// Adds an item of `check` at one of its severities.
    fn add_at(
        &mut self,
        severity: Severity,
        check: Check,
        subject: impl Into<String>,
        reason: impl Into<String>,
        fact: impl Into<String>,
    ) {
        debug_assert!(check.severities().contains(&severity), "{} is not rated {severity:?}", check.code());
        self.0.push(ReadinessItem {
            severity,
            code: check.code(),
            subject: subject.into(),
            reason: reason.into(),
            fact: fact.into(),
        });
    }
}

/// With a tenant export: for each wave, the objects whose cloud object (found by either of
/// their anchors, else by DN) is anchored on another value than the one Cloud Sync will send
/// (mS-DS-ConsistencyGuid when it holds 16 bytes, else objectGUID). Those would not
/// hard-match: the cut-over would create a duplicate of each.
pub fn assess_matches(tenant: &Tenant, objects: &[DirObject], waves: &[Wave]) -> Vec<ReadinessItem> {
    use base64::Engine as _;
    let encode = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut by_anchor: HashMap<&str, &CloudObject> = HashMap::new();
    let mut by_dn: HashMap<DnKey, &CloudObject> = HashMap::new();
    for cloud in tenant.objects.iter().filter(|c| c.synced) {
        if let Some(anchor) = cloud.immutable_id() {
            by_anchor.insert(anchor, cloud);
        }
        if let Some(dn) = cloud.on_premises_dn() {
            by_dn.insert(DnKey::of(dn), cloud);
        }
    }
    let mut items = Items(Vec::new());
    for wave in waves {
        let mut misses = Vec::new();
        for &index in &wave.objects {
            let object = &objects[index];
            let guid = object.guid().map(|g| encode(&g.0));
            let stamped = object
                .values(&AttrName::MsDsConsistencyGuid)
                .map(|(_, v)| v.as_bytes())
                .find(|b| b.len() == 16)
                .map(encode);
            let Some(cloud_sync_sends) = stamped.clone().or(guid.clone()) else { continue };
            let cloud = [guid.as_deref(), stamped.as_deref()]
                .into_iter()
                .flatten()
                .find_map(|a| by_anchor.get(a))
                .or_else(|| by_dn.get(&DnKey::of(object.dn())));
            if let Some(cloud) = cloud
                && cloud.immutable_id() != Some(cloud_sync_sends.as_str())
            {
                misses.push(format!(
                    "{} (its cloud object {} is anchored on {}, Cloud Sync sends {cloud_sync_sends})",
                    object.dn(),
                    cloud.describe(),
                    cloud.immutable_id().unwrap_or_default()
                ));
            }
        }
        let subject = format!("wave {}", wave.name());
        let fact = format!("the tenant export ({} objects)", tenant.objects.len());
        if misses.is_empty() {
            items.add(Check::WaveWillMatch, subject, format!("every object of wave {} will match", wave.number), fact);
        } else {
            let reason = format!(
                "{} of wave {} will not hard-match: {}; stamp mS-DS-ConsistencyGuid with the value its cloud object holds first",
                count(misses.len(), "object"),
                wave.number,
                misses.join("; ")
            );
            items.add(Check::WaveWillNotMatch, subject, reason, fact);
        }
    }
    items.0
}

/// Assesses `config` with the scan's objects and the scope simulation.
pub fn assess(config: &SyncConfig, objects: &[DirObject], simulation: &ScopeSimulation) -> Assessment {
    let mut items = Items(Vec::new());
    let mut not_guided = Vec::new();
    let settings = &config.settings;
    let parameter = |name: &str, value: &dyn std::fmt::Display| config.origin.setting(name, value);

    match settings.version.as_deref().map(|v| (v, parse_version(v))) {
        Some((version, Some(parsed))) if parsed < parse_version(MINIMUM_VERSION).expect("a valid version") => {
            items.add(
                Check::OldVersion,
                "Connect Sync version",
                format!("version {version} is older than {MINIMUM_VERSION}: such servers stopped syncing on 2026-09-30; upgrade Connect Sync before migrating"),
                parameter("Microsoft.Synchronize.ServerConfigurationVersion", &version),
            );
            not_guided.push(format!(
                "the guided tool is part of Connect Sync {MINIMUM_VERSION} and later (this server runs {version})"
            ));
        }
        Some((_, Some(_))) => {}
        Some((version, None)) => items.add(
            Check::UnknownVersion,
            "Connect Sync version",
            format!("'{version}' is not a version: check the server runs {MINIMUM_VERSION} or later"),
            parameter("Microsoft.Synchronize.ServerConfigurationVersion", &version),
        ),
        None => items.add(
            Check::UnknownVersion,
            "Connect Sync version",
            format!("the export does not say the version: check the server runs {MINIMUM_VERSION} or later"),
            config.origin.missing("Microsoft.Synchronize.ServerConfigurationVersion"),
        ),
    }
    if settings.staging_mode {
        items.add(Check::StagingMode,  "staging mode", "this export is from a staging-mode server: Cloud Sync has no staging mode; plan from the active server's export", parameter("Microsoft.Synchronize.StagingMode", &"True"));
        not_guided.push("the guided tool runs on the active server, not a staging one".into());
    }
    let anchor = settings.anchor_attribute.as_str();
    if !anchor.eq_ignore_ascii_case("objectGUID") && !anchor.eq_ignore_ascii_case("mS-DS-ConsistencyGuid") {
        items.add(Check::SourceAnchor,  "source anchor", format!("the source anchor is {anchor}: Cloud Sync matches on mS-DS-ConsistencyGuid (or objectGUID) only, so these objects cannot move"), parameter("Microsoft.SynchronizationOption.AnchorAttribute", &anchor));
    }
    if !settings.upn_attribute.eq_ignore_ascii_case("userPrincipalName") {
        items.add(
            Check::SignInAttribute,
            "sign-in attribute",
            format!(
                "Entra ID's userPrincipalName comes from {}: map it in the Cloud Sync configuration",
                settings.upn_attribute
            ),
            parameter("Microsoft.SynchronizationOption.UPNAttribute", &settings.upn_attribute),
        );
        not_guided.push(format!("a custom UPN attribute ({})", settings.upn_attribute));
    }
    custom_rules(config, &mut items, &mut not_guided);
    features(config, &mut items, &mut not_guided);
    forests(config, objects, &mut items, &mut not_guided);
    counts(config, objects, simulation, &mut items, &mut not_guided);
    if !simulation.unevaluated.is_empty() {
        let operators: Vec<&str> = simulation.unevaluated.iter().map(String::as_str).collect();
        items.add(
            Check::UnevaluatedScoping,
            "scope simulation",
            format!("scoping operators {} are not simulated: objects are assumed to match them", operators.join(", ")),
            format!("{}: scoping conditions", config.origin.rules()),
        );
    }
    let eligible = not_guided.is_empty();
    if eligible {
        items.add(
            Check::GuidedTool,
            "guided tool",
            "Microsoft's guided tool (Connect wizard, \"Transition to Cloud Sync\") can do this move",
            GUIDED_TOOL_PAGE,
        );
    } else {
        items.add(
            Check::GuidedTool,
            "guided tool",
            format!("not eligible for Microsoft's guided tool: {}", not_guided.join("; ")),
            GUIDED_TOOL_PAGE,
        );
    }
    let mut items = items.0;
    // The most severe first, then by code and subject.
    items.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| (a.code, &a.subject).cmp(&(b.code, &b.subject))));
    Assessment { items, guided_tool: GuidedTool { eligible, reasons: not_guided } }
}

fn custom_rules(config: &SyncConfig, items: &mut Items, not_guided: &mut Vec<String>) {
    let mut custom = 0;
    for rule in config.custom_rules() {
        custom += 1;
        let fact = format!(
            "{}: '{}' ({:?}, {}, precedence {})",
            config.origin.rules(),
            rule.name,
            rule.direction,
            rule.link_type,
            rule.precedence
        );
        if rule.disabled {
            items.add(Check::DisabledRule, &rule.name, "a disabled custom rule: nothing to carry over", fact);
            continue;
        }
        match classify(config, rule) {
            RuleFate::ScopingOnly { filter } => {
                if is_attribute_filter(rule) {
                    items.add(Check::AttributeFilter,  &rule.name, format!("attribute-based filtering ({}): Cloud Sync's attribute scoping is limited; recreate it as a scoping filter: {filter}", scoping_text(rule)), fact);
                } else {
                    items.add(
                        Check::ScopingRule,
                        &rule.name,
                        format!("scoping only: recreate it as a Cloud Sync scoping filter: {filter}"),
                        fact,
                    );
                }
            }
            RuleFate::Expressible { mappings } => {
                let mappings: Vec<String> =
                    mappings.iter().map(|(dest, expression)| format!("{dest} ← {expression}")).collect();
                items.add(
                    Check::ExpressibleRule,
                    &rule.name,
                    format!("its flows can be written as Cloud Sync attribute mappings: {}", mappings.join("; ")),
                    format!("{fact}; functions: {EXPRESSIONS_PAGE}"),
                );
            }
            RuleFate::Redesign { reasons } => {
                items.add(
                    Check::RedesignRule,
                    &rule.name,
                    format!("needs a redesign: {}", reasons.join("; ")),
                    format!("{fact}; functions: {EXPRESSIONS_PAGE}"),
                );
            }
        }
    }
    if custom > 0 {
        not_guided.push(count(custom, "custom sync rule"));
    }
}

fn features(config: &SyncConfig, items: &mut Items, not_guided: &mut Vec<String>) {
    let s = &config.settings;
    let feature = |name: &str| config.origin.feature(config, name);
    let filter_groups: Vec<&str> =
        config.ad_connectors().filter(|c| !c.filter_group.is_empty()).map(|c| c.filter_group.as_str()).collect();
    if s.group_filtering || !filter_groups.is_empty() {
        let fact = if filter_groups.is_empty() {
            feature("GroupFiltering")
        } else {
            format!("{}: Connector.GroupFilteringGroupDn = {}", config.origin.connectors(), filter_groups.join(", "))
        };
        items.add(
            Check::GroupFiltering,
            "group-based filtering",
            "Cloud Sync scopes by group only for pilots (50,000 members, no nesting): move to OU scoping",
            fact,
        );
        not_guided.push("group filtering".into());
    }
    if s.device_sync {
        items.add(Check::DeviceSync,  "device sync", "computers sync for hybrid join; Cloud Sync does devices in preview only: keep Connect Sync for devices or plan hybrid join separately", format!("{}: object type computer selected, or Microsoft.OptionalFeature.DeviceWriteUp = True", config.origin.connectors()));
        not_guided.push("device sync".into());
    }
    if s.directory_extensions {
        let attributes = if s.directory_extension_attributes.is_empty() {
            String::new()
        } else {
            format!(" ({})", s.directory_extension_attributes.join(", "))
        };
        items.add(
            Check::DirectoryExtensions,
            "directory extensions",
            format!("directory extensions{attributes} must be recreated in the Cloud Sync configuration"),
            feature("DirectoryExtension"),
        );
        not_guided.push("directory extensions".into());
    }
    let simple = [
        (
            s.device_writeback,
            Check::DeviceWriteback,
            "device writeback",
            "Cloud Sync cannot write devices back (use Cloud Kerberos Trust instead)",
            "DeviceWriteBack",
        ),
        (
            s.pass_through_auth,
            Check::PassThroughAuthentication,
            "pass-through authentication",
            "Cloud Sync does not set up pass-through authentication: keep the PTA agents, managed separately, or move to password hash sync",
            "PassThroughAuthentication",
        ),
        (
            s.federation,
            Check::Federation,
            "federation",
            "Cloud Sync does not manage AD FS: federation stays configured separately",
            "Federation",
        ),
        (
            s.hybrid_exchange,
            Check::ExchangeHybrid,
            "Exchange hybrid",
            "turn on Exchange hybrid writeback in the Cloud Sync configuration before the first wave",
            "HybridExchange",
        ),
    ];
    for (on, check, subject, reason, name) in simple {
        if on {
            items.add(check, subject, reason, feature(name));
        }
    }
    // The guided tool moves no writeback Cloud Sync lacks or does differently.
    for (on, name) in [(s.device_writeback, "device writeback"), (s.group_writeback, "group writeback")] {
        if on {
            not_guided.push(name.into());
        }
    }
    for (on, name, code) in [
        (s.password_hash_sync, "password hash sync", "PasswordHashSync"),
        (s.password_writeback, "password writeback", "PasswordWriteback"),
        (s.group_writeback, "group writeback", "GroupWriteBack"),
    ] {
        if on {
            items.add(
                Check::CarriedFeature,
                name,
                format!("{name} is on: enable it in the Cloud Sync configuration too"),
                feature(code),
            );
        }
    }
    if !s.deletion_threshold_enabled {
        items.add(
            Check::DeletionThresholdOff,
            "accidental-delete prevention",
            "it is off on this server; Cloud Sync's is on (500 per run): leave it on",
            config.origin.setting("Microsoft.OptionalFeature.ExportDeletionThreshold", &"False"),
        );
    }
}

fn forests(config: &SyncConfig, objects: &[DirObject], items: &mut Items, not_guided: &mut Vec<String>) {
    let forests: Vec<&str> = config.ad_connectors().map(|c| c.forest.as_str()).collect();
    if forests.len() > 1 {
        items.add(
            Check::SeveralForests,
            "several forests",
            format!(
                "{} forests ({}): Cloud Sync needs an agent per forest and one configuration per domain",
                forests.len(),
                forests.join(", ")
            ),
            format!("{}: AD connectors", config.origin.connectors()),
        );
        not_guided.push(format!("{} forests", forests.len()));
    }
    // Inbound joins from more than one AD connector into the same object type merge identities.
    let mut joined: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for rule in &config.rules {
        let ad = config.connector(&rule.connector).is_some_and(|c| c.kind == ConnectorKind::ActiveDirectory);
        // Not an identity merge: the standard rule that joins a foreign security principal to
        // whatever object it stands for (target `*`), and device joins while devices do not sync.
        let foreign_principal =
            rule.target_type == "*" || rule.source_type.eq_ignore_ascii_case("foreignSecurityPrincipal");
        let idle_device = rule.target_type.eq_ignore_ascii_case("device") && !config.settings.device_sync;
        if foreign_principal || idle_device {
            continue;
        }
        if ad && rule.direction == Direction::Inbound && !rule.joins.is_empty() && !rule.disabled {
            let forest = config.connector(&rule.connector).map_or("", |c| c.forest.as_str());
            let entry = joined.entry(rule.target_type.as_str()).or_default();
            if !entry.contains(&forest) {
                entry.push(forest);
            }
        }
    }
    for (target, sources) in joined.iter().filter(|(_, f)| f.len() > 1) {
        items.add(
            Check::CrossForestJoin,
            format!("cross-forest join ({target})"),
            format!(
                "{target} objects from {} are joined into one identity: Cloud Sync cannot merge objects across forests",
                sources.join(" and ")
            ),
            format!("{}: inbound join rules", config.origin.rules()),
        );
    }
    let linked: Vec<&DirObject> = objects
        .iter()
        .filter(|o| o.first_text(&AttrName::parse("msExchRecipientTypeDetails")).is_some_and(|v| v.trim() == "2"))
        .collect();
    if let Some(first) = linked.first() {
        items.add(
            Check::LinkedMailboxes,
            "resource-forest mailboxes",
            format!(
                "{} linked mailboxes (first: {}): their accounts live in another forest, which Cloud Sync cannot join",
                linked.len(),
                first.dn()
            ),
            "scan: msExchRecipientTypeDetails = 2 (linked mailbox)",
        );
    }
}

fn counts(
    config: &SyncConfig,
    objects: &[DirObject],
    simulation: &ScopeSimulation,
    items: &mut Items,
    not_guided: &mut Vec<String>,
) {
    let connect_syncs = simulation.objects.iter().filter(|o| o.connect.is_none()).count();
    if !simulation.objects.is_empty() && connect_syncs == 0 {
        items.add(
            Check::NothingSelected,
            "scope",
            format!(
                "the configuration selects none of the {} users, groups and contacts scanned: the scan and the \
                 export describe different directories, or its filters (OUs, a filtering group) leave nothing; \
                 check --config and the sources",
                simulation.objects.len()
            ),
            format!("{}: selected partitions and containers, against the scan", config.origin.connectors()),
        );
    }
    let mut per_domain: BTreeMap<String, usize> = BTreeMap::new();
    let mut synced = 0;
    for scoped in simulation.objects.iter().filter(|o| o.connect.is_none() || o.cloud.is_none()) {
        *per_domain.entry(domain_of(objects[scoped.object].dn())).or_default() += 1;
        synced += usize::from(scoped.connect.is_none());
    }
    for (domain, count) in per_domain.iter().filter(|(_, n)| **n > MAX_OBJECTS_PER_DOMAIN) {
        items.add(
            Check::BigDomain,
            domain.clone(),
            format!("{count} objects in scope: Cloud Sync takes at most {MAX_OBJECTS_PER_DOMAIN} per AD domain"),
            "scan: objects in scope per domain",
        );
    }
    for scoped in simulation.objects.iter().filter(|o| o.class == "group" && o.cloud.is_none()) {
        let members = objects[scoped.object].texts(&AttrName::parse("member")).count();
        if members > MAX_GROUP_MEMBERS {
            items.add(
                Check::BigGroup,
                objects[scoped.object].dn().to_owned(),
                format!("{members} members: Cloud Sync syncs groups of at most {MAX_GROUP_MEMBERS} members"),
                "scan: member",
            );
        }
    }
    if simulation.cloud_ous.len() > MAX_SCOPED_OUS {
        items.add(Check::ManyOus,  "Cloud Sync OU scoping", format!("{} separate OUs in scope: a Cloud Sync configuration syncs at most {MAX_SCOPED_OUS} separate OUs or security groups (nested OUs count once); scope on parent OUs", simulation.cloud_ous.len()), format!("{}: selected containers; the limit: {OU_LIMIT_PAGE}", config.origin.connectors()));
    }
    for connector in config.ad_connectors() {
        for partition in connector.selected_partitions().filter(|p| p.inclusions.len() > GUIDED_MAX_CONTAINERS) {
            not_guided.push(format!(
                "{} selected containers in {} (at most {GUIDED_MAX_CONTAINERS})",
                partition.inclusions.len(),
                partition.dn
            ));
        }
    }
    if synced > GUIDED_MAX_OBJECTS {
        not_guided.push(format!("{synced} objects in scope (at most {GUIDED_MAX_OBJECTS})"));
    }
    let deleted = simulation.count(ScopeChange::Deleted);
    let threshold = config.settings.deletion_threshold as usize;
    if deleted > 0 {
        let severity = if deleted > threshold { Severity::Blocker } else { Severity::Warning };
        items.add_at(severity, Check::ScopeDeletes, "scope change", format!("{deleted} objects Connect Sync syncs are outside the Cloud Sync scoping and would be deleted from Entra ID (threshold {threshold}); add their OUs or accept the deletions"), "scope simulation");
    }
    let created = simulation.count(ScopeChange::Created);
    if created > 0 {
        items.add(Check::ScopeCreates,  "scope change", format!("{created} objects Connect Sync leaves out would be created in Entra ID by the Cloud Sync scoping (OU scoping has no exclusions)"), "scope simulation");
    }
}

/// The domain part (`DC=...`) of a DN.
pub fn domain_of(dn: &str) -> String {
    let parts: Vec<&str> = rdns(dn).map(str::trim).collect();
    let is_dc = |rdn: &str| rdn.len() > 3 && rdn.get(..3).is_some_and(|t| t.eq_ignore_ascii_case("dc="));
    let start = parts.iter().position(|p| is_dc(p)).unwrap_or(parts.len());
    parts[start..].join(",")
}

#[cfg(test)]
mod tests {
    use super::domain_of;

    #[test]
    fn the_domain_of_a_dn_is_its_dc_part_whatever_the_letters_before_it() {
        assert_eq!(domain_of("CN=Ann,OU=Zürich,DC=contoso,DC=com"), "DC=contoso,DC=com");
        // An RDN whose third byte falls inside a letter must not be sliced there.
        assert_eq!(domain_of("åå=x,DC=contoso,DC=com"), "DC=contoso,DC=com");
        assert_eq!(domain_of("CN=Ann,OU=Staff"), "");
    }
}
