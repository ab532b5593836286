//! The tenant side: what an Entra ID tenant holds, read offline from the files an admin
//! exports with Microsoft's own tools (Graph PowerShell's `ConvertTo-Json` with PascalCase
//! keys, raw Graph REST pages with camelCase keys, or the `Export-Csv` user list). Users,
//! groups and org contacts with their addresses, immutable id, sync state and provisioning
//! errors; who holds a directory role; the verified domains; and whether the tenant blocks
//! soft match and cloud-object takeover by hard match.

mod graph_json;
mod user_csv;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Why a tenant export could not be read. Every variant names the file; syntax errors name
/// the line (JSON) or the row (CSV, as Excel numbers it).
#[derive(Debug, thiserror::Error)]
pub enum TenantError {
    #[error("{path}: {error}")]
    Io { path: PathBuf, error: std::io::Error },
    #[error("{path}:{line}: {message}")]
    Syntax { path: PathBuf, line: u64, message: String },
    #[error("{path}, row {row}: {message}")]
    Row { path: PathBuf, row: u64, message: String },
    #[error("{path}: {message}")]
    Content { path: PathBuf, message: String },
    #[error("the tenant export: {0}")]
    Incomplete(String),
}

/// What kind of directory object a cloud object is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CloudKind {
    User,
    Group,
    /// An orgContact (`Get-MgContact`).
    Contact,
}

impl CloudKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CloudKind::User => "user",
            CloudKind::Group => "group",
            CloudKind::Contact => "contact",
        }
    }
}

/// One `onPremisesProvisioningErrors` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvisioningError {
    /// `PropertyConflict` and the like.
    pub category: String,
    /// The property that caused it (`UserPrincipalName`, `ProxyAddresses`...).
    pub property: String,
    /// The value that conflicts.
    pub value: String,
    pub occurred: String,
}

/// A user, group or contact of the tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudObject {
    pub id: String,
    pub kind: CloudKind,
    pub display_name: String,
    pub user_principal_name: Option<String>,
    pub mail: Option<String>,
    pub proxy_addresses: Vec<String>,
    /// `onPremisesImmutableId`: the source anchor, base64.
    pub immutable_id: Option<String>,
    /// `onPremisesSyncEnabled`: true while a sync engine manages it.
    pub synced: bool,
    pub on_premises_dn: Option<String>,
    pub provisioning_errors: Vec<ProvisioningError>,
}

impl CloudObject {
    /// Whether it was made in the cloud and never synced: the object a soft match takes over.
    pub fn is_cloud_only(&self) -> bool {
        !self.synced && self.immutable_id.as_deref().is_none_or(str::is_empty)
    }

    /// Its primary SMTP address: the `SMTP:` proxy address, else mail.
    pub fn primary_smtp(&self) -> Option<&str> {
        self.proxy_addresses
            .iter()
            .find(|p| p.starts_with("SMTP:"))
            .map(|p| &p["SMTP:".len()..])
            .or(self.mail.as_deref())
    }

    /// Every SMTP address it holds (mail and the `smtp:` proxy addresses), as written.
    pub fn smtp_addresses(&self) -> impl Iterator<Item = &str> {
        let proxies = self
            .proxy_addresses
            .iter()
            .filter(|p| p.get(..5).is_some_and(|t| t.eq_ignore_ascii_case("smtp:")))
            .map(|p| &p[5..]);
        self.mail.as_deref().into_iter().chain(proxies)
    }

    /// How a finding names it: its UPN (or mail, or display name) and its object id.
    pub fn describe(&self) -> String {
        let name = self.user_principal_name.as_deref().or(self.mail.as_deref()).unwrap_or(&self.display_name);
        format!("{} {name} (id {})", self.kind.as_str(), self.id)
    }
}

/// The tenant's synchronization features (`Get-MgDirectoryOnPremiseSynchronization`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncFeatures {
    pub block_soft_match: bool,
    pub block_cloud_object_takeover: bool,
}

/// Everything read from a tenant export.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tenant {
    pub objects: Vec<CloudObject>,
    /// The directory roles each object id holds (by role name).
    pub roles: BTreeMap<String, Vec<String>>,
    /// The verified domains, when `Get-MgDomain` was exported.
    pub verified_domains: Option<Vec<String>>,
    /// The synchronization features, when exported.
    pub features: Option<SyncFeatures>,
    /// The files read.
    pub files: Vec<PathBuf>,
}

/// What one file held (a page of one kind).
pub(crate) enum Part {
    Objects(CloudKind, Vec<CloudObject>),
    Roles(Vec<(String, Vec<String>)>),
    Domains(Vec<(String, bool)>),
    Features(SyncFeatures),
    /// An empty list: nothing to tell its kind by.
    Empty,
}

/// A page of a Graph listing: its part, and whether it says more pages follow.
pub(crate) struct Page {
    pub part: Part,
    pub more_follow: bool,
}

/// Reads the tenant export at each path: a file, or a folder of `.json` and `.csv` files.
pub fn read_tenant(paths: &[PathBuf]) -> Result<Tenant, TenantError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|error| TenantError::Io { path: path.clone(), error })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension().is_some_and(|e| e.eq_ignore_ascii_case("json") || e.eq_ignore_ascii_case("csv"))
                })
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    let mut tenant = Tenant { files: files.clone(), ..Tenant::default() };
    // Per kind of listing: how many pages, and how many of them say another follows.
    let mut pages: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    let mut ids = BTreeSet::new();
    for file in &files {
        let text = read_text(file)?;
        let is_csv = file.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        let page = if is_csv { user_csv::parse(file, &text)? } else { graph_json::parse(file, &text)? };
        let listing = match &page.part {
            Part::Objects(kind, _) => kind.as_str(),
            Part::Roles(_) => "directory roles",
            Part::Domains(_) => "domains",
            Part::Features(_) => "synchronization features",
            Part::Empty => "",
        };
        let counts = pages.entry(listing).or_default();
        counts.0 += 1;
        counts.1 += usize::from(page.more_follow);
        match page.part {
            Part::Objects(_, objects) => {
                for object in objects {
                    // The same object in two files (a JSON and a CSV of one tenant) counts once.
                    if ids.insert(object.id.to_ascii_lowercase()) {
                        tenant.objects.push(object);
                    }
                }
            }
            Part::Roles(roles) => {
                for (role, members) in roles {
                    for member in members {
                        tenant.roles.entry(member.to_ascii_lowercase()).or_default().push(role.clone());
                    }
                }
            }
            Part::Domains(domains) => {
                let verified = tenant.verified_domains.get_or_insert_with(Vec::new);
                verified.extend(domains.into_iter().filter(|(_, v)| *v).map(|(d, _)| d.to_ascii_lowercase()));
            }
            Part::Features(features) => tenant.features = Some(features),
            Part::Empty => {}
        }
    }
    for (listing, (count, more)) in pages {
        if !listing.is_empty() && more >= count {
            return Err(TenantError::Incomplete(format!(
                "the {listing} listing says more pages follow (@odata.nextLink) than the {count} page(s) given: \
                 export every page"
            )));
        }
    }
    Ok(tenant)
}

/// A file's text: UTF-8 (with or without a byte-order mark) or UTF-16, as Windows PowerShell's
/// `Out-File` writes it.
fn read_text(path: &Path) -> Result<String, TenantError> {
    let bytes = std::fs::read(path).map_err(|error| TenantError::Io { path: path.to_owned(), error })?;
    let content = |message: String| TenantError::Content { path: path.to_owned(), message };
    let utf16 = |units: Vec<u16>| String::from_utf16(&units).map_err(|e| content(format!("not UTF-16 text: {e}")));
    match bytes.as_slice() {
        [0xEF, 0xBB, 0xBF, rest @ ..] => {
            String::from_utf8(rest.to_vec()).map_err(|e| content(format!("not UTF-8: {e}")))
        }
        [0xFF, 0xFE, rest @ ..] => {
            utf16(rest.chunks(2).map(|c| u16::from_le_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect())
        }
        [0xFE, 0xFF, rest @ ..] => {
            utf16(rest.chunks(2).map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect())
        }
        _ => String::from_utf8(bytes).map_err(|e| content(format!("not UTF-8 text: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_powershell_utf16_and_utf8_with_a_mark_read_alike() {
        let dir = std::env::temp_dir().join(format!("syncready-tenant-text-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let text = "[{\"Id\": \"1\", \"UserPrincipalName\": \"ann@contoso.com\"}]";
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
        std::fs::write(dir.join("a.json"), utf16).unwrap();
        std::fs::write(dir.join("b.json"), [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat()).unwrap();
        assert_eq!(read_text(&dir.join("a.json")).unwrap(), text);
        assert_eq!(read_text(&dir.join("b.json")).unwrap(), text);
    }
}
