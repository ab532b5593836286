//! The user list as `Export-Csv` writes it: a header of property names (any case), an optional
//! `#TYPE` line first (Windows PowerShell without `-NoTypeInformation`), proxy addresses joined
//! with `;`, and provisioning errors as a JSON cell (the README's command). A cell PowerShell
//! filled with a type name instead of the values (`System.String[]`) is an error naming the row.

use std::path::Path;

use super::graph_json::provisioning_errors;
use super::{CloudFields, CloudKind, CloudObject, Page, Part, TenantError};

pub(super) fn parse(path: &Path, text: &str) -> Result<Page, TenantError> {
    // Excel's row numbers: the header is row 1 (after a #TYPE line, row 2).
    let (skipped, text) = match text.strip_prefix("#TYPE") {
        Some(rest) => (1, rest.split_once('\n').map_or("", |(_, after)| after)),
        None => (0, text),
    };
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let row_error = |row: u64, message: String| TenantError::Row { path: path.to_owned(), row, message };
    let headers = reader.headers().map_err(|e| row_error(1 + skipped, e.to_string()))?.clone();
    let column = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let Some(id_column) = column("Id") else {
        return Err(row_error(1 + skipped, "no Id column: not an Export-Csv of Get-MgUser".into()));
    };
    if column("UserPrincipalName").is_none() {
        return Err(row_error(1 + skipped, "no UserPrincipalName column: not an Export-Csv of Get-MgUser".into()));
    }
    let mut objects = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i as u64 + 2 + skipped;
        let record = record.map_err(|e| row_error(row, e.to_string()))?;
        let cell = |name: &str| column(name).and_then(|c| record.get(c)).map(str::trim).filter(|s| !s.is_empty());
        for name in ["ProxyAddresses", "OnPremisesProvisioningErrors"] {
            if cell(name).is_some_and(|v| v.starts_with("System.")) {
                return Err(row_error(
                    row,
                    format!(
                        "{name} holds '{}': export it joined, as the README's command does",
                        cell(name).unwrap_or_default()
                    ),
                ));
            }
        }
        let proxy_addresses = cell("ProxyAddresses")
            .map(|v| v.split(';').map(str::trim).filter(|p| !p.is_empty()).collect())
            .unwrap_or_default();
        let provisioning_errors = match cell("OnPremisesProvisioningErrors") {
            None => Vec::new(),
            Some(json) => provisioning_errors(json)
                .map_err(|e| row_error(row, format!("OnPremisesProvisioningErrors is not their JSON: {e}")))?,
        };
        let synced = match cell("OnPremisesSyncEnabled").map(str::to_ascii_lowercase).as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(row_error(row, format!("OnPremisesSyncEnabled is '{other}', not True or False")));
            }
        };
        let Some(id) = record.get(id_column).map(str::trim).filter(|s| !s.is_empty()) else {
            return Err(row_error(row, "no Id".into()));
        };
        let fields = CloudFields {
            id,
            display_name: cell("DisplayName").unwrap_or_default(),
            user_principal_name: cell("UserPrincipalName").unwrap_or_default(),
            mail: cell("Mail").unwrap_or_default(),
            immutable_id: cell("OnPremisesImmutableId").unwrap_or_default(),
            on_premises_dn: cell("OnPremisesDistinguishedName").unwrap_or_default(),
            proxy_addresses,
        };
        objects.push(CloudObject::new(fields, CloudKind::User, synced, provisioning_errors));
    }
    Ok(Page { part: Part::Objects(CloudKind::User, objects), more_follow: false })
}
