//! What a Connect Sync server is configured to do, as read from its configuration export:
//! the AD connectors with their partitions and container filters, the global settings and
//! optional features, and the sync rules with their scoping, joins and attribute flows.

use std::path::PathBuf;

use crate::model::DnKey;

/// The configuration of one Connect Sync server.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SyncConfig {
    /// The export read (a folder or a JSON file).
    pub source: PathBuf,
    /// Which form it has: where each part of it was read, as the readiness FACTs cite it.
    pub origin: ConfigOrigin,
    pub server: Option<String>,
    pub settings: GlobalSettings,
    /// Features a current (2.x) server keeps outside MV.xml's `Microsoft.OptionalFeature.*`
    /// (password hash sync on the AD connector, password writeback on the Entra connector,
    /// the sign-in method in `Microsoft.UserSignIn.SignOnMethod`): by feature name, where each
    /// was read, as its FACT.
    pub read_elsewhere: std::collections::BTreeMap<&'static str, String>,
    pub connectors: Vec<Connector>,
    pub rules: Vec<SyncRule>,
}

/// The form of a configuration export, and so the file each of its parts comes from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ConfigOrigin {
    /// A `Get-ADSyncServerConfiguration` folder: GlobalSettings, Connectors, SynchronizationRules.
    #[default]
    ServerExport,
    /// The wizard's `*-SynchronizationPolicy-*.json`, by its file name.
    PolicyJson { file: String },
}

impl ConfigOrigin {
    /// Where an optional feature was read as on: `read_elsewhere` when a 2.x server keeps it
    /// there, else its `Microsoft.OptionalFeature.*` setting.
    pub fn feature(&self, config: &SyncConfig, name: &str) -> String {
        match config.read_elsewhere.get(name) {
            Some(fact) => fact.clone(),
            None => self.setting(&format!("Microsoft.OptionalFeature.{name}"), &"True"),
        }
    }

    /// Where a global setting was read, by its MV.xml parameter name, with its value.
    pub fn setting(&self, mv_name: &str, value: &dyn std::fmt::Display) -> String {
        match self {
            ConfigOrigin::ServerExport => format!("GlobalSettings/MV.xml: {mv_name} = {value}"),
            ConfigOrigin::PolicyJson { file } => format!("{file}: {} = {value}", policy_json_key(mv_name)),
        }
    }

    /// That a global setting is missing, and where it was looked for.
    pub fn missing(&self, mv_name: &str) -> String {
        match self {
            ConfigOrigin::ServerExport => format!("GlobalSettings/MV.xml has no {mv_name}"),
            ConfigOrigin::PolicyJson { file } => format!("{file} has no {}", policy_json_key(mv_name)),
        }
    }

    /// Where the connectors (partitions, containers, object types) were read.
    pub fn connectors(&self) -> String {
        match self {
            ConfigOrigin::ServerExport => "Connectors/Connector_*.xml".into(),
            ConfigOrigin::PolicyJson { file } => format!("{file}: onpremisesDirectoryPolicy"),
        }
    }

    /// Where the synchronization rules were read.
    pub fn rules(&self) -> String {
        match self {
            ConfigOrigin::ServerExport => "SynchronizationRules/SynchronizationRule_*.xml".into(),
            ConfigOrigin::PolicyJson { file } => format!("{file}: customSynchronizationRules"),
        }
    }
}

/// The wizard JSON's key for an MV.xml parameter (the keys `policy_json` reads).
fn policy_json_key(mv_name: &str) -> String {
    match mv_name {
        "Microsoft.Synchronize.ServerConfigurationVersion" => "serverVersion".into(),
        "Microsoft.Synchronize.StagingMode" => "stagingMode".into(),
        "Microsoft.SynchronizationOption.AnchorAttribute" => "anchorAttribute".into(),
        "Microsoft.SynchronizationOption.UPNAttribute" => "upnAttribute".into(),
        other => match other.strip_prefix("Microsoft.OptionalFeature.") {
            Some(feature) => format!("optionalFeatures.{feature}"),
            None => other.into(),
        },
    }
}

impl SyncConfig {
    /// The Active Directory connectors (one per forest).
    pub fn ad_connectors(&self) -> impl Iterator<Item = &Connector> {
        self.connectors.iter().filter(|c| c.kind == ConnectorKind::ActiveDirectory)
    }

    /// The custom rules (no immutable tag: written by an admin, not by the wizard).
    pub fn custom_rules(&self) -> impl Iterator<Item = &SyncRule> {
        self.rules.iter().filter(|r| r.is_custom())
    }

    pub fn connector(&self, id: &str) -> Option<&Connector> {
        self.connectors.iter().find(|c| c.id.eq_ignore_ascii_case(id))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectorKind {
    ActiveDirectory,
    /// The Entra ID connector (`Extensible2`, Windows Azure Active Directory).
    EntraId,
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connector {
    /// The connector's GUID, lower case, without braces.
    pub id: String,
    pub name: String,
    pub kind: ConnectorKind,
    /// The forest (AD connectors).
    pub forest: String,
    pub partitions: Vec<Partition>,
    pub password_hash_sync: bool,
    /// Password writeback (the Entra connector's `aad-password-reset-config`).
    pub password_writeback: bool,
    /// The group that group-based filtering syncs the members of (empty: none).
    pub filter_group: String,
}

impl Connector {
    pub fn selected_partitions(&self) -> impl Iterator<Item = &Partition> {
        self.partitions.iter().filter(|p| p.selected)
    }
}

/// A domain partition and what of it the connector reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    pub dn: String,
    pub selected: bool,
    /// Object classes read.
    pub object_classes: Vec<String>,
    pub inclusions: Vec<String>,
    pub exclusions: Vec<String>,
}

impl Partition {
    /// Whether the container filter takes `dn`: the deepest inclusion or exclusion above it
    /// (or equal to it) decides; with no inclusions at all, the whole partition is in.
    pub fn contains(&self, dn: &str) -> bool {
        if !is_under(dn, &self.dn) {
            return false;
        }
        if self.inclusions.is_empty() && self.exclusions.is_empty() {
            return true;
        }
        let deepest = |list: &[String]| list.iter().filter(|c| is_under(dn, c)).map(String::len).max();
        match (deepest(&self.inclusions), deepest(&self.exclusions)) {
            (Some(included), Some(excluded)) => included > excluded,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => self.inclusions.is_empty(),
        }
    }

    /// The containers selected, as Cloud Sync OU scoping would list them: the inclusions (or
    /// the partition itself when it has none).
    pub fn selected_containers(&self) -> Vec<String> {
        if self.inclusions.is_empty() { vec![self.dn.clone()] } else { self.inclusions.clone() }
    }
}

/// Whether `dn` is `container` or below it, by their [`DnKey`]s.
pub fn is_under(dn: &str, container: &str) -> bool {
    DnKey::of(dn).is_within(&DnKey::of(container))
}

/// Global settings and optional features (`GlobalSettings/MV.xml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobalSettings {
    /// `Microsoft.Synchronize.ServerConfigurationVersion` (none when the export lacks it).
    pub version: Option<String>,
    pub anchor_attribute: String,
    pub upn_attribute: String,
    pub staging_mode: bool,
    pub deletion_threshold_enabled: bool,
    pub deletion_threshold: u32,
    pub password_hash_sync: bool,
    pub password_writeback: bool,
    pub group_writeback: bool,
    pub device_writeback: bool,
    /// Devices (computers) flow to Entra ID for hybrid join.
    pub device_sync: bool,
    pub hybrid_exchange: bool,
    pub directory_extensions: bool,
    pub directory_extension_attributes: Vec<String>,
    pub group_filtering: bool,
    pub pass_through_auth: bool,
    pub federation: bool,
}

impl Default for GlobalSettings {
    fn default() -> GlobalSettings {
        GlobalSettings {
            version: None,
            anchor_attribute: "mS-DS-ConsistencyGuid".into(),
            upn_attribute: "userPrincipalName".into(),
            staging_mode: false,
            deletion_threshold_enabled: true,
            deletion_threshold: 500,
            password_hash_sync: false,
            password_writeback: false,
            group_writeback: false,
            device_writeback: false,
            device_sync: false,
            hybrid_exchange: false,
            directory_extensions: false,
            directory_extension_attributes: Vec::new(),
            group_filtering: false,
            pass_through_auth: false,
            federation: false,
        }
    }
}

/// A dotted version (`2.5.79.0`), compared part by part.
pub fn parse_version(text: &str) -> Option<[u32; 4]> {
    let mut parts = [0u32; 4];
    let mut count = 0;
    for (slot, part) in parts.iter_mut().zip(text.trim().split('.')) {
        *slot = part.parse().ok()?;
        count += 1;
    }
    (count >= 2 && text.trim().split('.').count() <= 4).then_some(parts)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Inbound,
    Outbound,
}

/// One synchronization rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncRule {
    pub id: String,
    pub name: String,
    /// Set on the rules the wizard writes; empty on custom rules.
    pub immutable_tag: String,
    pub direction: Direction,
    pub disabled: bool,
    /// The connector's GUID, lower case, without braces.
    pub connector: String,
    pub source_type: String,
    pub target_type: String,
    /// `Provision`, `Join`, `StickyJoin`, `JoinNoFlow`...
    pub link_type: String,
    pub precedence: u32,
    /// Scoping: the object must match every condition of at least one group (none: all).
    pub scoping: Vec<Vec<ScopeCondition>>,
    /// Join conditions, groups tried in order.
    pub joins: Vec<Vec<JoinCondition>>,
    pub flows: Vec<AttributeFlow>,
}

impl SyncRule {
    pub fn is_custom(&self) -> bool {
        self.immutable_tag.trim().is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeCondition {
    pub attribute: String,
    /// Upper case: EQUAL, NOTEQUAL, STARTSWITH, ISNOTNULL, ISBITSET...
    pub operator: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinCondition {
    /// The connector space attribute.
    pub source: String,
    /// The metaverse attribute.
    pub target: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeFlow {
    pub destination: String,
    pub sources: Vec<String>,
    /// None: a direct flow of the one source attribute.
    pub expression: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deepest_container_rule_decides() {
        let partition = Partition {
            dn: "DC=contoso,DC=com".into(),
            selected: true,
            object_classes: vec!["user".into()],
            inclusions: vec!["OU=CORP,DC=contoso,DC=com".into(), "OU=Keep,OU=Old,DC=contoso,DC=com".into()],
            exclusions: vec!["DC=contoso,DC=com".into(), "OU=Lab,OU=CORP,DC=contoso,DC=com".into()],
        };
        assert!(partition.contains("CN=A,OU=CORP,DC=contoso,DC=com"));
        assert!(partition.contains("CN=A, OU=Sales,OU=corp,DC=Contoso,DC=com"));
        assert!(!partition.contains("CN=A,OU=Lab,OU=CORP,DC=contoso,DC=com"));
        assert!(!partition.contains("CN=A,OU=Old,DC=contoso,DC=com"));
        assert!(partition.contains("CN=A,OU=Keep,OU=Old,DC=contoso,DC=com"));
        assert!(!partition.contains("CN=A,DC=fabrikam,DC=com"));
        assert!(!partition.contains("CN=A,OU=CORPX,DC=contoso,DC=com"));
        assert_eq!(DnKey::of(r"CN=A, OU=Sales\, East ,DC=X").as_str(), r"cn=a,ou=sales\, east,dc=x");
    }

    #[test]
    fn versions_compare_part_by_part() {
        assert!(parse_version("1.1.130.0").unwrap() < parse_version("2.5.79.0").unwrap());
        assert!(parse_version("2.5.190.0").unwrap() > parse_version("2.5.79.0").unwrap());
        assert_eq!(parse_version("2.5"), Some([2, 5, 0, 0]));
        assert_eq!(parse_version("two"), None);
        assert_eq!(parse_version("1.2.3.4.5"), None);
    }
}
