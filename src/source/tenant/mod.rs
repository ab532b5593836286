//! The tenant side: what an Entra ID tenant holds, read offline from the files an admin
//! exports with Microsoft's own tools (Graph PowerShell's `ConvertTo-Json` with PascalCase
//! keys, raw Graph REST pages with camelCase keys, or the `Export-Csv` user list). Users,
//! groups and org contacts with their addresses, immutable id, sync state and provisioning
//! errors; who holds a directory role; the verified domains; and whether the tenant blocks
//! soft match and cloud-object takeover by hard match.

mod graph_json;
mod user_csv;

use std::collections::BTreeMap;
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

/// A user, group or contact of the tenant, packed for a million of them: its texts end to end
/// in one allocation, found by where each ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudObject {
    /// The texts, in `Field` order, then the proxy addresses.
    text: Box<str>,
    /// Where each text ends in `text`: one per `Field`, then one per proxy address.
    ends: Box<[u32]>,
    pub kind: CloudKind,
    /// `onPremisesSyncEnabled`: true while a sync engine manages it.
    pub synced: bool,
    pub provisioning_errors: Box<[ProvisioningError]>,
}

/// The texts of a cloud object other than its proxy addresses, in the order they are packed.
#[derive(Clone, Copy)]
enum Field {
    Id,
    DisplayName,
    UserPrincipalName,
    Mail,
    ImmutableId,
    OnPremisesDn,
}

const FIELDS: usize = 6;

/// What an export says of a cloud object, borrowed from it; `CloudObject::new` packs it. Texts
/// are trimmed, and an empty one is absent.
#[derive(Debug, Default)]
pub struct CloudFields<'a> {
    pub id: &'a str,
    pub display_name: &'a str,
    pub user_principal_name: &'a str,
    pub mail: &'a str,
    /// `onPremisesImmutableId`: the source anchor, base64.
    pub immutable_id: &'a str,
    pub on_premises_dn: &'a str,
    pub proxy_addresses: Vec<&'a str>,
}

impl CloudObject {
    pub fn new(
        fields: CloudFields,
        kind: CloudKind,
        synced: bool,
        provisioning_errors: Vec<ProvisioningError>,
    ) -> CloudObject {
        let CloudFields { id, display_name, user_principal_name, mail, immutable_id, on_premises_dn, proxy_addresses } =
            fields;
        let texts = [id, display_name, user_principal_name, mail, immutable_id, on_premises_dn].map(str::trim);
        let all = texts.into_iter().chain(proxy_addresses.iter().copied());
        let mut text = String::with_capacity(all.clone().map(str::len).sum());
        let mut ends = Vec::with_capacity(FIELDS + proxy_addresses.len());
        for part in all {
            text.push_str(part);
            ends.push(u32::try_from(text.len()).expect("a cloud object's texts fit in 4 GB"));
        }
        CloudObject {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
            kind,
            synced,
            provisioning_errors: provisioning_errors.into_boxed_slice(),
        }
    }

    /// The `at`th packed text.
    fn part(&self, at: usize) -> &str {
        let start = if at == 0 { 0 } else { self.ends[at - 1] as usize };
        &self.text[start..self.ends[at] as usize]
    }

    fn field(&self, field: Field) -> Option<&str> {
        Some(self.part(field as usize)).filter(|t| !t.is_empty())
    }

    /// Its object id.
    pub fn id(&self) -> &str {
        self.part(Field::Id as usize)
    }

    pub fn display_name(&self) -> &str {
        self.part(Field::DisplayName as usize)
    }

    pub fn user_principal_name(&self) -> Option<&str> {
        self.field(Field::UserPrincipalName)
    }

    pub fn mail(&self) -> Option<&str> {
        self.field(Field::Mail)
    }

    /// `onPremisesImmutableId`: the source anchor, base64.
    pub fn immutable_id(&self) -> Option<&str> {
        self.field(Field::ImmutableId)
    }

    pub fn on_premises_dn(&self) -> Option<&str> {
        self.field(Field::OnPremisesDn)
    }

    pub fn proxy_addresses(&self) -> impl Iterator<Item = &str> {
        (FIELDS..self.ends.len()).map(|at| self.part(at))
    }

    /// Whether it was made in the cloud and never synced: the object a soft match takes over.
    pub fn is_cloud_only(&self) -> bool {
        !self.synced && self.immutable_id().is_none()
    }

    /// Its primary SMTP address: the `SMTP:` proxy address, else mail.
    pub fn primary_smtp(&self) -> Option<&str> {
        self.proxy_addresses().find_map(|p| p.strip_prefix("SMTP:")).or(self.mail())
    }

    /// Every SMTP address it holds (mail and the `smtp:` proxy addresses), as written.
    pub fn smtp_addresses(&self) -> impl Iterator<Item = &str> {
        let proxies = self
            .proxy_addresses()
            .filter(|p| p.get(..5).is_some_and(|t| t.eq_ignore_ascii_case("smtp:")))
            .map(|p| &p[5..]);
        self.mail().into_iter().chain(proxies)
    }

    /// Every address it holds in Entra ID's one namespace: its SMTP addresses, then its UPN.
    pub fn addresses(&self) -> impl Iterator<Item = &str> {
        self.smtp_addresses().chain(self.user_principal_name())
    }

    /// How a finding names it: its UPN (or mail, or display name) and its object id.
    pub fn describe(&self) -> String {
        let name = self.user_principal_name().or(self.mail()).unwrap_or(self.display_name());
        format!("{} {name} (id {})", self.kind.as_str(), self.id())
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
    for file in &files {
        let is_csv = file.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        let page = if is_csv {
            user_csv::parse(file, &read_text(file)?)?
        } else {
            match utf8_reader(file)? {
                Some(reader) => graph_json::parse_reader(file, reader)?,
                None => graph_json::parse(file, &read_text(file)?)?,
            }
        };
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
                tenant.objects.extend(objects);
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
    // The same object in two files (a JSON and a CSV of one tenant) counts once.
    drop_repeats(&mut tenant.objects);
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

/// Keeps the first of the objects with the same id (in any ASCII case, as Graph compares them).
/// Found through the ids' hashes, sorted: no set of a million ids.
fn drop_repeats(objects: &mut Vec<CloudObject>) {
    use std::hash::{BuildHasher, Hasher};
    let caseless = |id: &str| {
        let mut hasher = foldhash::fast::FixedState::default().build_hasher();
        id.bytes().for_each(|b| hasher.write_u8(b.to_ascii_lowercase()));
        hasher.finish()
    };
    let mut hashes: Vec<(u64, u32)> = objects.iter().enumerate().map(|(i, o)| (caseless(o.id()), i as u32)).collect();
    hashes.sort_unstable();
    let same = |a: u32, b: u32| objects[a as usize].id().eq_ignore_ascii_case(objects[b as usize].id());
    let mut repeats: Vec<u32> = Vec::new();
    for run in hashes.chunk_by(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
        for (at, &(_, later)) in run.iter().enumerate() {
            if run[..at].iter().any(|&(_, earlier)| same(earlier, later)) {
                repeats.push(later);
            }
        }
    }
    drop(hashes);
    repeats.sort_unstable();
    let mut at = 0;
    objects.retain(|_| {
        at += 1;
        repeats.binary_search(&(at - 1)).is_err()
    });
}

/// A UTF-8 file (with or without a byte-order mark) as a stream after the mark, or None when
/// the file is UTF-16 (its text is then converted whole).
fn utf8_reader(path: &Path) -> Result<Option<impl std::io::Read>, TenantError> {
    use std::io::{BufRead, BufReader};
    let io = |error| TenantError::Io { path: path.to_owned(), error };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let start = reader.fill_buf().map_err(io)?;
    if start.starts_with(&[0xFF, 0xFE]) || start.starts_with(&[0xFE, 0xFF]) {
        return Ok(None);
    }
    let mark = if start.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };
    reader.consume(mark);
    Ok(Some(reader))
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
    fn the_same_id_in_any_case_is_kept_once_the_first_time() {
        let user = |id: &str, upn: &str| {
            let fields = CloudFields { id, user_principal_name: upn, ..CloudFields::default() };
            CloudObject::new(fields, CloudKind::User, false, Vec::new())
        };
        let mut objects = vec![
            user("A1", "first@contoso.com"),
            user("b2", "b@contoso.com"),
            user("a1", "second@contoso.com"),
            user("B2", "b-again@contoso.com"),
            user("c3", "c@contoso.com"),
        ];
        drop_repeats(&mut objects);
        let kept: Vec<(&str, Option<&str>)> = objects.iter().map(|o| (o.id(), o.user_principal_name())).collect();
        assert_eq!(
            kept,
            [("A1", Some("first@contoso.com")), ("b2", Some("b@contoso.com")), ("c3", Some("c@contoso.com"))]
        );
    }

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
