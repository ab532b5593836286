//! The directory a write goes to: a bound connection with its operation timeout, and which
//! domain it is (the server, the naming context and the domain's objectGUID). Every journal
//! records that identity, so resume and undo never write to another directory, and every
//! object is read (with its objectGUID) right before it is written.

use std::collections::HashMap;
use std::time::Duration;

use ldap3::{LdapConn, LdapResult, Mod, Scope, SearchEntry};
use serde::{Deserialize, Serialize};

use crate::model::ObjectGuid;
use crate::source::ldap::{LdapError, LdapOptions, connect, paged_search};

/// Which directory a journal was written against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainIdentity {
    /// The URL the run connected to (another DC of the same domain may resume it).
    pub server: String,
    /// The domain's naming context (the rootDSE's defaultNamingContext).
    pub naming_context: String,
    /// The objectGUID of the domain object: what tells two forests with the same names apart.
    pub domain_guid: ObjectGuid,
}

impl DomainIdentity {
    /// Whether `other` is the same domain (any of its DCs).
    pub fn same_domain(&self, other: &DomainIdentity) -> bool {
        self.domain_guid == other.domain_guid
    }
}

impl std::fmt::Display for DomainIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} on {} (domain objectGUID {})", self.naming_context, self.server, self.domain_guid)
    }
}

/// One object as read right before a write: its objectGUID and the values of the attributes
/// the change touches, by lower-case attribute name.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ObjectState {
    pub guid: Option<ObjectGuid>,
    pub values: HashMap<String, Vec<Vec<u8>>>,
}

impl ObjectState {
    /// The values of one attribute (none when absent).
    pub fn values_of(&self, attribute: &str) -> &[Vec<u8>] {
        self.values.get(&attribute.to_ascii_lowercase()).map(Vec::as_slice).unwrap_or_default()
    }
}

/// A bound connection to the directory being written.
pub struct Directory {
    conn: LdapConn,
    timeout: Duration,
    identity: DomainIdentity,
}

impl Directory {
    /// Connects to the first URL of `options`, binds, and reads which domain it serves.
    pub fn connect(options: &LdapOptions) -> Result<Directory, LdapError> {
        let mut conn = connect(options)?;
        let server = options.urls.first().cloned().unwrap_or_default();
        let timeout = options.timeout;
        let failed = |what: &str, e: ldap3::LdapError| LdapError::Setup {
            url: server.clone(),
            message: format!("reading {what}: {}", describe(&e, timeout)),
        };
        let root =
            read_entry(&mut conn, timeout, "", vec!["defaultNamingContext"]).map_err(|e| failed("the rootDSE", e))?;
        let naming_context =
            root.and_then(|e| e.attrs.get("defaultNamingContext").and_then(|v| v.first().cloned())).ok_or_else(
                || LdapError::Setup { url: server.clone(), message: "the rootDSE has no defaultNamingContext".into() },
            )?;
        let domain = read_entry(&mut conn, timeout, &naming_context, vec!["objectGUID"])
            .map_err(|e| failed("the domain object", e))?;
        let domain_guid = domain.as_ref().and_then(entry_guid).ok_or_else(|| LdapError::Setup {
            url: server.clone(),
            message: format!("the domain object {naming_context} has no readable objectGUID"),
        })?;
        Ok(Directory { conn, timeout, identity: DomainIdentity { server, naming_context, domain_guid } })
    }

    pub fn identity(&self) -> &DomainIdentity {
        &self.identity
    }

    /// The object at `dn` with its objectGUID and `attributes` (`None`: no such object).
    pub fn read(&mut self, dn: &str, attributes: &[&str]) -> Result<Option<ObjectState>, ldap3::LdapError> {
        let mut wanted: Vec<&str> = attributes.to_vec();
        wanted.push("objectGUID");
        Ok(read_entry(&mut self.conn, self.timeout, dn, wanted)?.map(object_state))
    }

    /// The objects of this domain that match `filter`, with their objectGUIDs and
    /// `attributes` (paged, as a scan reads).
    pub fn search(
        &mut self,
        filter: &str,
        attributes: &[&str],
    ) -> Result<Vec<(String, ObjectState)>, ldap3::LdapError> {
        let mut wanted: Vec<String> = attributes.iter().map(|a| a.to_string()).collect();
        wanted.push("objectGUID".into());
        let base = self.identity.naming_context.as_str();
        let mut stream = self.conn.with_timeout(self.timeout).streaming_search_with(
            paged_search(500),
            base,
            Scope::Subtree,
            filter,
            wanted,
        )?;
        let mut found = Vec::new();
        while let Some(entry) = stream.next()? {
            let entry = SearchEntry::construct(entry);
            found.push((entry.dn.clone(), object_state(entry)));
        }
        stream.result().success()?;
        Ok(found)
    }

    /// Sends one modify request.
    pub fn modify(&mut self, dn: &str, mods: Vec<Mod<Vec<u8>>>) -> Result<LdapResult, ldap3::LdapError> {
        self.conn.with_timeout(self.timeout).modify(dn, mods)
    }

    /// An ldap3 error in words, naming the server (a timeout says how long it waited).
    pub fn describe(&self, error: &ldap3::LdapError) -> String {
        format!("{}: {}", self.identity.server, describe(error, self.timeout))
    }
}

fn describe(error: &ldap3::LdapError, timeout: Duration) -> String {
    match error {
        ldap3::LdapError::Timeout { .. } => {
            format!("the server did not answer within {} s (--timeout)", timeout.as_secs())
        }
        other => other.to_string(),
    }
}

/// One entry read with a base search (`None`: no such object).
fn read_entry(
    conn: &mut LdapConn,
    timeout: Duration,
    dn: &str,
    attributes: Vec<&str>,
) -> Result<Option<SearchEntry>, ldap3::LdapError> {
    let result = conn.with_timeout(timeout).search(dn, Scope::Base, "(objectClass=*)", attributes)?;
    if result.1.rc == 32 {
        return Ok(None);
    }
    let (entries, _) = result.success()?;
    Ok(entries.into_iter().next().map(SearchEntry::construct))
}

fn object_state(entry: SearchEntry) -> ObjectState {
    let mut state = ObjectState { guid: entry_guid(&entry), values: HashMap::new() };
    for (name, texts) in entry.attrs {
        state.values.entry(name.to_ascii_lowercase()).or_default().extend(texts.into_iter().map(String::into_bytes));
    }
    for (name, bytes) in entry.bin_attrs {
        state.values.entry(name.to_ascii_lowercase()).or_default().extend(bytes);
    }
    state.values.remove("objectguid");
    state
}

/// The entry's objectGUID (ldap3 files a value that happens to be valid UTF-8 as text).
fn entry_guid(entry: &SearchEntry) -> Option<ObjectGuid> {
    let find = |name: &str| name.eq_ignore_ascii_case("objectGUID");
    let binary = entry.bin_attrs.iter().find(|(n, _)| find(n)).and_then(|(_, v)| v.first().cloned());
    let text = || entry.attrs.iter().find(|(n, _)| find(n)).and_then(|(_, v)| v.first()).map(|t| t.as_bytes().to_vec());
    ObjectGuid::from_bytes(&binary.or_else(text)?)
}
