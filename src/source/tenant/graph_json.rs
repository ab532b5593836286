//! Graph JSON, as Graph PowerShell's `ConvertTo-Json` writes it (PascalCase keys, a list, or
//! one object for a single result) and as Graph REST returns it (camelCase keys, a
//! `{"value": [...], "@odata.nextLink": ...}` page). Read straight into typed items (no JSON
//! tree of a million objects in memory). A file's kind (users, groups, contacts, directory
//! roles, domains, synchronization features) is told by what its first object holds.

use std::path::Path;

use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};

use super::{CloudKind, CloudObject, Page, Part, ProvisioningError, SyncFeatures, TenantError};

/// Whether a key is there at all, whatever it holds (PowerShell writes `"CompanyName": null`).
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    IgnoredAny::deserialize(deserializer).map(|_| true)
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct OdataType {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Member {
    #[serde(alias = "Id")]
    id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Features {
    #[serde(alias = "BlockSoftMatchEnabled")]
    block_soft_match_enabled: Option<bool>,
    #[serde(alias = "BlockCloudObjectTakeoverThroughHardMatchEnabled")]
    block_cloud_object_takeover_through_hard_match_enabled: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorItem {
    #[serde(alias = "Category")]
    category: Option<String>,
    #[serde(alias = "OccurredDateTime")]
    occurred_date_time: Option<String>,
    #[serde(alias = "PropertyCausingError")]
    property_causing_error: Option<String>,
    #[serde(alias = "Value")]
    value: Option<String>,
}

/// Everything any listing's objects hold that syncready reads; a page is an item with `value`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Item {
    #[serde(alias = "Id")]
    id: Option<String>,
    #[serde(alias = "DisplayName")]
    display_name: Option<String>,
    #[serde(alias = "UserPrincipalName", default, deserialize_with = "present_text")]
    user_principal_name: (bool, Option<String>),
    #[serde(alias = "Mail")]
    mail: Option<String>,
    #[serde(alias = "ProxyAddresses")]
    proxy_addresses: Option<Vec<String>>,
    #[serde(alias = "OnPremisesImmutableId")]
    on_premises_immutable_id: Option<String>,
    #[serde(alias = "OnPremisesSyncEnabled")]
    on_premises_sync_enabled: Option<bool>,
    #[serde(alias = "OnPremisesDistinguishedName")]
    on_premises_distinguished_name: Option<String>,
    #[serde(alias = "OnPremisesProvisioningErrors")]
    on_premises_provisioning_errors: Option<Vec<ErrorItem>>,
    #[serde(alias = "RoleTemplateId", default, deserialize_with = "present")]
    role_template_id: bool,
    #[serde(alias = "Members")]
    members: Option<Vec<Member>>,
    #[serde(alias = "IsVerified")]
    is_verified: Option<bool>,
    #[serde(alias = "Features")]
    features: Option<Features>,
    #[serde(alias = "SecurityEnabled", default, deserialize_with = "present")]
    security_enabled: bool,
    #[serde(alias = "GroupTypes", default, deserialize_with = "present")]
    group_types: bool,
    #[serde(alias = "CompanyName", default, deserialize_with = "present")]
    company_name: bool,
    #[serde(alias = "Phones", default, deserialize_with = "present")]
    phones: bool,
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    #[serde(alias = "AdditionalProperties")]
    additional_properties: Option<OdataType>,
    /// A Graph REST page's objects.
    value: Option<Vec<Item>>,
    #[serde(rename = "@odata.nextLink")]
    next_link: Option<String>,
}

/// A key that is there (even as null), with its text.
fn present_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<(bool, Option<String>), D::Error> {
    Option::<String>::deserialize(deserializer).map(|text| (true, text))
}

fn text(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

impl Item {
    fn odata_type(&self) -> String {
        let nested = self.additional_properties.as_ref().and_then(|a| a.odata_type.as_deref());
        self.odata_type.as_deref().or(nested).unwrap_or_default().to_ascii_lowercase()
    }
}

pub(super) fn parse(path: &Path, source: &str) -> Result<Page, TenantError> {
    let syntax = |e: serde_json::Error| TenantError::Syntax {
        path: path.to_owned(),
        line: e.line() as u64,
        message: match e.classify() {
            serde_json::error::Category::Data => format!("not a Graph export: {e}"),
            _ => format!("not JSON: {e}"),
        },
    };
    // A list, or one object (a page when it holds `value`): told by the first character, so
    // that the file is read once, straight into items.
    let (items, more_follow) = if source.trim_start().starts_with('[') {
        (serde_json::from_str::<Vec<Item>>(source).map_err(syntax)?, false)
    } else {
        let one: Item = serde_json::from_str(source).map_err(syntax)?;
        match one.value {
            Some(items) => (items, one.next_link.is_some()),
            None => (vec![one], false),
        }
    };
    let part = if items.is_empty() { Part::Empty } else { part_of(path, items)? };
    Ok(Page { part, more_follow })
}

fn content(path: &Path, message: &str) -> TenantError {
    TenantError::Content { path: path.to_owned(), message: message.to_owned() }
}

/// What kind of listing the first item says the file is, and the file's part.
fn part_of(path: &Path, items: Vec<Item>) -> Result<Part, TenantError> {
    let first = &items[0];
    let kind = first.odata_type();
    if first.role_template_id || kind.ends_with("directoryrole") {
        return Ok(Part::Roles(items.into_iter().map(role).collect()));
    }
    if first.is_verified.is_some() || kind.ends_with(".domain") {
        let domains = items.into_iter().filter_map(|d| Some((text(&d.id)?, d.is_verified?)));
        return Ok(Part::Domains(domains.collect()));
    }
    if let Some(features) = &first.features {
        return Ok(Part::Features(SyncFeatures {
            block_soft_match: features.block_soft_match_enabled.unwrap_or(false),
            block_cloud_object_takeover: features
                .block_cloud_object_takeover_through_hard_match_enabled
                .unwrap_or(false),
        }));
    }
    let kind = if first.user_principal_name.0 || kind.ends_with(".user") {
        CloudKind::User
    } else if first.security_enabled || first.group_types || kind.ends_with(".group") {
        CloudKind::Group
    } else if kind.ends_with("orgcontact") || first.company_name || first.phones {
        CloudKind::Contact
    } else {
        return Err(TenantError::Syntax {
            path: path.to_owned(),
            line: 1,
            message: "not a Graph export of users, groups, contacts, directory roles, domains or \
                      synchronization features (see the README for the commands)"
                .into(),
        });
    };
    let objects = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| cloud_object(item, kind).ok_or_else(|| content(path, &format!("item {}: no Id", i + 1))))
        .collect::<Result<_, _>>()?;
    Ok(Part::Objects(kind, objects))
}

fn role(item: Item) -> (String, Vec<String>) {
    let name = text(&item.display_name).or_else(|| text(&item.id)).unwrap_or_default();
    let members = item.members.unwrap_or_default().into_iter().filter_map(|m| text(&m.id)).collect();
    (name, members)
}

fn cloud_object(item: Item, kind: CloudKind) -> Option<CloudObject> {
    let errors = item.on_premises_provisioning_errors.unwrap_or_default();
    Some(CloudObject {
        id: text(&item.id)?,
        kind,
        display_name: text(&item.display_name).unwrap_or_default(),
        user_principal_name: text(&item.user_principal_name.1),
        mail: text(&item.mail),
        proxy_addresses: item.proxy_addresses.unwrap_or_default(),
        immutable_id: text(&item.on_premises_immutable_id),
        synced: item.on_premises_sync_enabled.unwrap_or(false),
        on_premises_dn: text(&item.on_premises_distinguished_name),
        provisioning_errors: errors.into_iter().filter_map(provisioning_error).collect(),
    })
}

fn provisioning_error(entry: ErrorItem) -> Option<ProvisioningError> {
    Some(ProvisioningError {
        category: text(&entry.category).unwrap_or_default(),
        property: text(&entry.property_causing_error)?,
        value: text(&entry.value).unwrap_or_default(),
        occurred: text(&entry.occurred_date_time).unwrap_or_default(),
    })
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    Many(Vec<ErrorItem>),
    One(ErrorItem),
}

/// The provisioning errors of a CSV cell: the JSON of one entry or of a list of them.
pub(super) fn provisioning_errors(json: &str) -> Result<Vec<ProvisioningError>, serde_json::Error> {
    let entries = match serde_json::from_str::<OneOrMany>(json)? {
        OneOrMany::Many(entries) => entries,
        OneOrMany::One(entry) => vec![entry],
    };
    Ok(entries.into_iter().filter_map(provisioning_error).collect())
}
