//! Graph JSON, as Graph PowerShell's `ConvertTo-Json` writes it (PascalCase keys, a list, or
//! one object for a single result) and as Graph REST returns it (camelCase keys, a
//! `{"value": [...], "@odata.nextLink": ...}` page). Keys are matched in any case. A file's
//! kind (users, groups, contacts, directory roles, domains, synchronization features) is told
//! by what its objects hold.

use std::path::Path;

use serde_json::{Map, Value};

use super::{CloudKind, CloudObject, Page, Part, ProvisioningError, SyncFeatures, TenantError};

/// The value of `key` in any case.
fn get<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v)
}

fn text(object: &Map<String, Value>, key: &str) -> Option<String> {
    get(object, key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

fn has(object: &Map<String, Value>, key: &str) -> bool {
    get(object, key).is_some()
}

/// The `@odata.type` of an object, from its own key or PowerShell's AdditionalProperties.
fn odata_type(object: &Map<String, Value>) -> Option<String> {
    text(object, "@odata.type")
        .or_else(|| get(object, "AdditionalProperties").and_then(Value::as_object).and_then(|a| text(a, "@odata.type")))
}

pub(super) fn parse(path: &Path, source: &str) -> Result<Page, TenantError> {
    let value: Value = serde_json::from_str(source).map_err(|e| TenantError::Syntax {
        path: path.to_owned(),
        line: e.line() as u64,
        message: format!("not JSON: {e}"),
    })?;
    let (items, more_follow) = match value {
        Value::Object(page) if get(&page, "value").is_some_and(Value::is_array) => {
            let more = get(&page, "@odata.nextLink").is_some_and(|v| !v.is_null());
            let Some(Value::Array(items)) = get(&page, "value").cloned() else { unreachable!("checked above") };
            (items, more)
        }
        Value::Object(one) => (vec![Value::Object(one)], false),
        Value::Array(items) => (items, false),
        _ => return Err(content(path, "neither a list of objects nor a Graph page")),
    };
    let objects: Vec<&Map<String, Value>> = items
        .iter()
        .enumerate()
        .map(|(i, item)| item.as_object().ok_or_else(|| content(path, &format!("item {}: not an object", i + 1))))
        .collect::<Result<_, _>>()?;
    let part = match objects.first() {
        None => Part::Empty,
        Some(first) => part_of(path, first, &objects)?,
    };
    Ok(Page { part, more_follow })
}

fn content(path: &Path, message: &str) -> TenantError {
    TenantError::Content { path: path.to_owned(), message: message.to_owned() }
}

/// What kind of listing `first` says the file is, and the file's part.
fn part_of(path: &Path, first: &Map<String, Value>, objects: &[&Map<String, Value>]) -> Result<Part, TenantError> {
    let kind = odata_type(first).unwrap_or_default().to_ascii_lowercase();
    if has(first, "roleTemplateId") || kind.ends_with("directoryrole") {
        return Ok(Part::Roles(objects.iter().map(|o| role(o)).collect()));
    }
    if has(first, "isVerified") || kind.ends_with(".domain") {
        let domains = objects.iter().filter_map(|o| Some((text(o, "id")?, get(o, "isVerified")?.as_bool()?)));
        return Ok(Part::Domains(domains.collect()));
    }
    if let Some(features) = get(first, "features").and_then(Value::as_object) {
        let flag = |key: &str| get(features, key).and_then(Value::as_bool).unwrap_or(false);
        return Ok(Part::Features(SyncFeatures {
            block_soft_match: flag("blockSoftMatchEnabled"),
            block_cloud_object_takeover: flag("blockCloudObjectTakeoverThroughHardMatchEnabled"),
        }));
    }
    let kind = if has(first, "userPrincipalName") || kind.ends_with(".user") {
        CloudKind::User
    } else if has(first, "securityEnabled") || has(first, "groupTypes") || kind.ends_with(".group") {
        CloudKind::Group
    } else if kind.ends_with("orgcontact") || has(first, "companyName") || has(first, "phones") {
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
    let objects = objects
        .iter()
        .enumerate()
        .map(|(i, o)| cloud_object(o, kind).ok_or_else(|| content(path, &format!("item {}: no Id", i + 1))))
        .collect::<Result<_, _>>()?;
    Ok(Part::Objects(kind, objects))
}

fn role(object: &Map<String, Value>) -> (String, Vec<String>) {
    let name = text(object, "displayName").or_else(|| text(object, "id")).unwrap_or_default();
    let members = get(object, "members").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    (name, members.iter().filter_map(|m| text(m.as_object()?, "id")).collect())
}

fn cloud_object(object: &Map<String, Value>, kind: CloudKind) -> Option<CloudObject> {
    let strings = |key: &str| -> Vec<String> {
        get(object, key)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default()
    };
    let errors = get(object, "onPremisesProvisioningErrors").and_then(Value::as_array);
    let provisioning_errors = errors
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|e| provisioning_error(e.as_object()?))
        .collect();
    Some(CloudObject {
        id: text(object, "id")?,
        kind,
        display_name: text(object, "displayName").unwrap_or_default(),
        user_principal_name: text(object, "userPrincipalName"),
        mail: text(object, "mail"),
        proxy_addresses: strings("proxyAddresses"),
        immutable_id: text(object, "onPremisesImmutableId"),
        synced: get(object, "onPremisesSyncEnabled").and_then(Value::as_bool).unwrap_or(false),
        on_premises_dn: text(object, "onPremisesDistinguishedName"),
        provisioning_errors,
    })
}

/// One `onPremisesProvisioningErrors` entry (also read from the CSV's JSON cell).
pub(super) fn provisioning_error(entry: &Map<String, Value>) -> Option<ProvisioningError> {
    Some(ProvisioningError {
        category: text(entry, "category").unwrap_or_default(),
        property: text(entry, "propertyCausingError")?,
        value: text(entry, "value").unwrap_or_default(),
        occurred: text(entry, "occurredDateTime").unwrap_or_default(),
    })
}
