//! The Connect Sync → Cloud Sync migration planner: reads a Connect Sync configuration
//! export, assesses what blocks Cloud Sync, simulates the scope change on a scan of the same
//! forests, and plans the move in waves of OUs, with the source anchors to stamp first.

pub mod catalog;
pub mod config;
pub(crate) mod expressions;
mod output;
pub(crate) mod plan;
mod plan_html;
mod plan_md;
mod policy_json;
pub mod readiness;
pub mod scope;
mod server_export;
pub mod waves;

use std::path::{Path, PathBuf};

pub use config::SyncConfig;
pub use output::write_plan;
pub use plan::{MigrationPlan, plan_migration};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("{path}:{line}: <{element}>: {message}")]
    Element { path: PathBuf, line: u32, element: String, message: String },
}

/// Reads a configuration export: a `Get-ADSyncServerConfiguration` folder, a wizard
/// `*-SynchronizationPolicy-*.json` file, or a folder holding one such file.
pub fn read_config(path: &Path) -> Result<SyncConfig, ConfigError> {
    if path.is_dir() {
        if path.join("GlobalSettings").is_dir() || path.join("Connectors").is_dir() {
            return server_export::read_server_export(path);
        }
        let mut policies: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| ConfigError::File { path: path.to_owned(), message: e.to_string() })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let name = p.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
                name.contains("synchronizationpolicy") && name.ends_with(".json")
            })
            .collect();
        policies.sort();
        // The newest applied policy: the time stamp sorts last.
        return match policies.last() {
            Some(policy) => policy_json::read_policy_json(policy),
            None => Err(ConfigError::File {
                path: path.to_owned(),
                message: "neither a Get-ADSyncServerConfiguration export (Connectors, GlobalSettings, SynchronizationRules) nor a folder with a *-SynchronizationPolicy-*.json".into(),
            }),
        };
    }
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
        return policy_json::read_policy_json(path);
    }
    Err(ConfigError::File { path: path.to_owned(), message: "expected an export folder or a .json policy file".into() })
}

/// The attributes a live read must fetch, on top of the rules' own, for the planner: those
/// the standard scoping and the readiness checks look at, and every attribute the
/// configuration's scoping conditions name.
pub fn needed_attributes(config: &SyncConfig) -> Vec<String> {
    let mut names: Vec<String> =
        ["adminDescription", "msExchRecipientTypeDetails", "member"].iter().map(|a| a.to_string()).collect();
    let scoped: Vec<String> = config
        .rules
        .iter()
        .filter(|r| r.direction == config::Direction::Inbound)
        .filter(|r| config.connector(&r.connector).is_some_and(|c| c.kind == config::ConnectorKind::ActiveDirectory))
        .flat_map(|r| r.scoping.iter().flatten())
        .map(|c| c.attribute.clone())
        .filter(|a| !["dn", "distinguishedName"].iter().any(|d| d.eq_ignore_ascii_case(a)))
        .collect();
    crate::rules::add_attributes(&mut names, &scoped);
    names
}

/// Whether any selected partition reads computers (devices for hybrid join).
fn devices_selected(config: &SyncConfig) -> bool {
    config
        .ad_connectors()
        .flat_map(|c| c.selected_partitions())
        .any(|p| p.object_classes.iter().any(|c| c.eq_ignore_ascii_case("computer")))
}
