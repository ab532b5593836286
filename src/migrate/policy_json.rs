//! Reads the JSON the Connect wizard writes ("View or export current configuration":
//! `Exported-SynchronizationPolicy-*.json`, and `Applied-SynchronizationPolicy-*.json` on
//! every change). The keys read are listed in `docs/migration.md`; unknown keys are ignored,
//! a wrong type is an error naming the key. This form holds the partition filters and the
//! custom rules but not the wizard's standard rules.

use std::path::Path;

use serde::Deserialize;

use super::ConfigError;
use super::config::{
    AttributeFlow, ConfigOrigin, Connector, ConnectorKind, Direction, GlobalSettings, JoinCondition, Partition,
    ScopeCondition, SyncConfig, SyncRule,
};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PolicyFile {
    server_name: Option<String>,
    server_version: Option<String>,
    #[serde(default)]
    staging_mode: bool,
    anchor_attribute: Option<String>,
    upn_attribute: Option<String>,
    deletion_threshold: Option<u32>,
    /// Optional features by their MV.xml name without `Microsoft.OptionalFeature.`.
    #[serde(default)]
    optional_features: std::collections::BTreeMap<String, bool>,
    /// `PasswordHashSync`, `PassThroughAuthentication` or `Federation`.
    user_sign_in_method: Option<String>,
    #[serde(rename = "onpremisesDirectoryPolicy")]
    onpremises_directory_policy: Vec<DirectoryPolicy>,
    azure_directory_policy: Option<AzurePolicy>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DirectoryPolicy {
    /// The forest's name (also the connector's name).
    name: String,
    #[serde(default = "default_object_types")]
    object_types: Vec<String>,
    #[serde(default)]
    password_hash_sync: bool,
    #[serde(default)]
    group_filtering_group_dn: String,
    partition_filters: Vec<PartitionFilter>,
    #[serde(default)]
    custom_synchronization_rules: Vec<RuleJson>,
}

fn default_object_types() -> Vec<String> {
    ["user", "inetOrgPerson", "group", "contact"].map(str::to_owned).to_vec()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PartitionFilter {
    distinguished_name: String,
    #[serde(default = "selected_by_default")]
    selected: bool,
    #[serde(default)]
    container_inclusions: Vec<String>,
    #[serde(default)]
    container_exclusions: Vec<String>,
}

fn selected_by_default() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AzurePolicy {
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RuleJson {
    name: String,
    direction: DirectionJson,
    source_object_type: String,
    target_object_type: String,
    link_type: String,
    precedence: u32,
    #[serde(default)]
    immutable_tag: String,
    #[serde(default)]
    disabled: bool,
    #[serde(default)]
    scoping_filter: Vec<Vec<ScopeJson>>,
    #[serde(default)]
    join_filter: Vec<Vec<JoinJson>>,
    #[serde(default)]
    attribute_flow_mappings: Vec<FlowJson>,
}

#[derive(Deserialize, Clone, Copy)]
enum DirectionJson {
    Inbound,
    Outbound,
}

#[derive(Deserialize)]
struct ScopeJson {
    attribute: String,
    operator: String,
    #[serde(default)]
    value: String,
}

#[derive(Deserialize)]
struct JoinJson {
    source: String,
    target: String,
}

#[derive(Deserialize)]
struct FlowJson {
    destination: String,
    #[serde(default)]
    source: Vec<String>,
    expression: Option<String>,
}

/// Reads one wizard policy file.
pub fn read_policy_json(path: &Path) -> Result<SyncConfig, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::File { path: path.to_owned(), message: e.to_string() })?;
    let file: PolicyFile =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| ConfigError::Element {
            path: path.to_owned(),
            line: u32::try_from(e.line()).unwrap_or(u32::MAX),
            element: "json".into(),
            message: e.to_string(),
        })?;
    let defaults = GlobalSettings::default();
    let feature = |name: &str| file.optional_features.get(name).copied().unwrap_or(false);
    let sign_in = file.user_sign_in_method.as_deref().unwrap_or("");
    let settings = GlobalSettings {
        version: file.server_version.clone(),
        anchor_attribute: file.anchor_attribute.clone().unwrap_or(defaults.anchor_attribute),
        upn_attribute: file.upn_attribute.clone().unwrap_or(defaults.upn_attribute),
        staging_mode: file.staging_mode,
        deletion_threshold_enabled: file.optional_features.get("ExportDeletionThreshold").copied().unwrap_or(true),
        deletion_threshold: file.deletion_threshold.unwrap_or(defaults.deletion_threshold),
        password_hash_sync: feature("PasswordHashSync") || sign_in.eq_ignore_ascii_case("PasswordHashSync"),
        password_writeback: feature("PasswordWriteback"),
        group_writeback: feature("GroupWriteBack"),
        device_writeback: feature("DeviceWriteBack"),
        device_sync: feature("DeviceWriteUp"),
        hybrid_exchange: feature("HybridExchange"),
        directory_extensions: feature("DirectoryExtension"),
        directory_extension_attributes: Vec::new(),
        group_filtering: feature("GroupFiltering"),
        pass_through_auth: feature("PassThroughAuthentication")
            || sign_in.eq_ignore_ascii_case("PassThroughAuthentication"),
        federation: feature("Federation") || sign_in.eq_ignore_ascii_case("Federation"),
    };
    let mut connectors = Vec::new();
    let mut rules = Vec::new();
    for policy in &file.onpremises_directory_policy {
        let id = policy.name.to_lowercase();
        let classes = policy.object_types.clone();
        connectors.push(Connector {
            id: id.clone(),
            name: policy.name.clone(),
            kind: ConnectorKind::ActiveDirectory,
            forest: policy.name.clone(),
            partitions: policy
                .partition_filters
                .iter()
                .map(|p| Partition {
                    dn: p.distinguished_name.clone(),
                    selected: p.selected,
                    object_classes: classes.clone(),
                    inclusions: p.container_inclusions.clone(),
                    exclusions: p.container_exclusions.clone(),
                })
                .collect(),
            password_hash_sync: policy.password_hash_sync,
            password_writeback: false,
            filter_group: policy.group_filtering_group_dn.clone(),
        });
        rules.extend(policy.custom_synchronization_rules.iter().enumerate().map(|(n, rule)| custom_rule(&id, n, rule)));
    }
    if connectors.is_empty() {
        return Err(ConfigError::Element {
            path: path.to_owned(),
            line: 1,
            element: "onpremisesDirectoryPolicy".into(),
            message: "no on-premises directory in the policy".into(),
        });
    }
    if let Some(azure) = &file.azure_directory_policy {
        let name = azure.name.clone().unwrap_or_else(|| "Entra ID".into());
        connectors.push(Connector {
            id: "entra".into(),
            name,
            kind: ConnectorKind::EntraId,
            forest: String::new(),
            partitions: Vec::new(),
            password_hash_sync: false,
            password_writeback: settings.password_writeback,
            filter_group: String::new(),
        });
    }
    connectors.sort_by(|a, b| a.name.cmp(&b.name));
    rules.sort_by(|a, b| (a.precedence, &a.name).cmp(&(b.precedence, &b.name)));
    let origin = ConfigOrigin::PolicyJson { file: path.file_name().unwrap_or_default().to_string_lossy().into_owned() };
    let mut config = SyncConfig {
        source: path.to_owned(),
        origin,
        server: file.server_name,
        settings,
        connectors,
        rules,
        ..SyncConfig::default()
    };
    config.settings.device_sync |= super::devices_selected(&config);
    Ok(config)
}

fn custom_rule(connector: &str, index: usize, rule: &RuleJson) -> SyncRule {
    let direction = match rule.direction {
        DirectionJson::Inbound => Direction::Inbound,
        DirectionJson::Outbound => Direction::Outbound,
    };
    SyncRule {
        id: format!("{connector}-{index}"),
        name: rule.name.clone(),
        immutable_tag: rule.immutable_tag.clone(),
        direction,
        disabled: rule.disabled,
        connector: connector.to_owned(),
        source_type: rule.source_object_type.clone(),
        target_type: rule.target_object_type.clone(),
        link_type: rule.link_type.clone(),
        precedence: rule.precedence,
        scoping: rule
            .scoping_filter
            .iter()
            .filter(|group| !group.is_empty())
            .map(|group| {
                group
                    .iter()
                    .map(|s| ScopeCondition {
                        attribute: s.attribute.clone(),
                        operator: s.operator.to_uppercase(),
                        value: s.value.clone(),
                    })
                    .collect()
            })
            .collect(),
        joins: rule
            .join_filter
            .iter()
            .filter(|group| !group.is_empty())
            .map(|group| {
                group.iter().map(|j| JoinCondition { source: j.source.clone(), target: j.target.clone() }).collect()
            })
            .collect(),
        flows: rule
            .attribute_flow_mappings
            .iter()
            .map(|f| AttributeFlow {
                destination: f.destination.clone(),
                sources: f.source.clone(),
                expression: f.expression.clone().filter(|e| !e.trim().is_empty()),
            })
            .collect(),
    }
}
