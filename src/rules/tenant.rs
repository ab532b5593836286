//! The tenant side of a scan: a tenant export's cloud objects indexed by address (UPN and SMTP
//! addresses share one namespace in Entra ID) and by immutable id, built once per scan; the
//! immutable id each scanned object will send; what its first sync will do with it (hard
//! match, soft match, create, conflict); and the synced cloud objects the scan has no object
//! for (the next full sync deletes them).

use std::collections::{HashMap, HashSet};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::ruleset::{Anchor, Ruleset, is_same_or_subdomain};
use super::scope::ObjectKind;
use crate::model::{AttrName, DirObject, DnKey};
use crate::source::tenant::{CloudObject, Tenant};

/// Connect Sync's default accidental-delete threshold: more deletions in one run stop the export.
pub const DELETE_THRESHOLD: u64 = 500;

/// Cloud objects grouped by a key: the objects in one list, grouped by key, and where each
/// key's group starts (one hash lookup and one contiguous read per query; a binary search of a
/// million entries was a cache miss per step).
struct Groups<K> {
    objects: Vec<u32>,
    start: HashMap<K, (u32, u32)>,
}

impl<K: std::hash::Hash + Eq + Ord + Copy> Groups<K> {
    fn of(mut pairs: Vec<(K, u32)>) -> Groups<K> {
        pairs.sort_unstable();
        pairs.dedup();
        let mut start: HashMap<K, (u32, u32)> = HashMap::with_capacity(pairs.len());
        for (at, (key, _)) in pairs.iter().enumerate() {
            start.entry(*key).and_modify(|(_, len)| *len += 1).or_insert((at as u32, 1));
        }
        Groups { objects: pairs.into_iter().map(|(_, object)| object).collect(), start }
    }

    fn get(&self, key: &K) -> &[u32] {
        self.start.get(key).map_or(&[], |&(at, len)| &self.objects[at as usize..(at + len) as usize])
    }
}

/// A tenant's cloud objects by address and by immutable id, indexed once per scan.
pub struct TenantIndex<'t> {
    pub tenant: &'t Tenant,
    /// By the hash of the lower-cased UPN or SMTP address.
    by_address: Groups<u64>,
    by_anchor: Groups<&'t str>,
    /// The cloud objects with provisioning errors, by the on-premises DN they name.
    errors_by_dn: HashMap<DnKey, Vec<usize>>,
}

/// The hash an address is indexed by (any case): FNV-1a over its lower-cased UTF-8, without a
/// copy (a collision costs one comparison more; `holders` compares the addresses themselves).
fn address_hash(address: &str) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |byte: u8| hash = (hash ^ u64::from(byte)).wrapping_mul(PRIME);
    if address.is_ascii() {
        address.bytes().for_each(|b| feed(b.to_ascii_lowercase()));
    } else {
        let mut buffer = [0u8; 4];
        for c in address.chars().flat_map(char::to_lowercase) {
            c.encode_utf8(&mut buffer).bytes().for_each(&mut feed);
        }
    }
    hash
}

impl<'t> TenantIndex<'t> {
    pub fn build(tenant: &'t Tenant) -> TenantIndex<'t> {
        let mut by_address: Vec<(u64, u32)> = Vec::with_capacity(tenant.objects.len() * 2);
        let mut by_anchor: Vec<(&str, u32)> = Vec::new();
        let mut errors_by_dn: HashMap<DnKey, Vec<usize>> = HashMap::new();
        for (i, object) in tenant.objects.iter().enumerate() {
            if let Some(dn) = object.on_premises_dn.as_deref().filter(|_| !object.provisioning_errors.is_empty()) {
                errors_by_dn.entry(DnKey::of(dn)).or_default().push(i);
            }
            let addresses = object.smtp_addresses().chain(object.user_principal_name.as_deref());
            by_address.extend(addresses.map(|a| (address_hash(a), i as u32)));
            if let Some(anchor) = object.immutable_id.as_deref().filter(|a| !a.is_empty()) {
                by_anchor.push((anchor, i as u32));
            }
        }
        TenantIndex { tenant, by_address: Groups::of(by_address), by_anchor: Groups::of(by_anchor), errors_by_dn }
    }

    pub fn object(&self, index: usize) -> &'t CloudObject {
        &self.tenant.objects[index]
    }

    /// The cloud objects holding `address` as UPN or SMTP address (any case).
    pub fn holders(&self, address: &str) -> Vec<usize> {
        // Lower-casing copies only where a value is not ASCII (or the address is not).
        let ascii = address.is_ascii();
        let same = |a: &str| {
            a.eq_ignore_ascii_case(address) || (!(ascii && a.is_ascii()) && a.to_lowercase() == address.to_lowercase())
        };
        let holds = |object: &CloudObject| {
            object.user_principal_name.as_deref().is_some_and(same) || object.smtp_addresses().any(same)
        };
        let found = self.by_address.get(&address_hash(address)).iter().map(|&i| i as usize);
        found.filter(|&i| holds(&self.tenant.objects[i])).collect()
    }

    /// The cloud objects whose immutable id is `anchor`.
    pub fn anchored(&self, anchor: &str) -> Vec<usize> {
        self.by_anchor.get(&anchor).iter().map(|&i| i as usize).collect()
    }

    /// The cloud objects with provisioning errors that name `dn` as their on-premises DN.
    pub fn with_errors_at(&self, dn: &DnKey) -> &[usize] {
        self.errors_by_dn.get(dn).map(Vec::as_slice).unwrap_or_default()
    }

    /// The directory roles a cloud object holds.
    pub fn roles_of(&self, object: &CloudObject) -> &'t [String] {
        self.tenant.roles.get(&object.id.to_ascii_lowercase()).map(Vec::as_slice).unwrap_or_default()
    }

    pub fn blocks_soft_match(&self) -> bool {
        self.tenant.features.is_some_and(|f| f.block_soft_match)
    }
}

/// The immutable id `object` will send: mS-DS-ConsistencyGuid for users when the ruleset
/// anchors on it and the user holds a 16-byte one, else objectGUID (what Connect Sync
/// stamps), base64.
pub fn sent_anchor(object: &DirObject, kind: ObjectKind, ruleset: &Ruleset) -> Option<String> {
    if ruleset.anchor == Anchor::ConsistencyGuid && kind.is_user() {
        let stamped = object.values(&AttrName::MsDsConsistencyGuid).map(|(_, v)| v.as_bytes()).find(|b| b.len() == 16);
        if let Some(bytes) = stamped {
            return Some(STANDARD.encode(bytes));
        }
    }
    object.guid().map(|g| STANDARD.encode(g.0))
}

/// What the first sync does with one scanned object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncOutcome {
    /// Its immutable id is already a cloud object's: it joins that object.
    HardMatch,
    /// It takes a cloud-only object over by its UPN or primary SMTP address.
    SoftMatch,
    /// Nothing in the tenant is its: a new object is created.
    Create,
    /// The sync will refuse it: an admin's cloud account, a blocked soft match, or an address
    /// another synced object holds.
    Conflict,
}

/// The tenant-side counts of a scan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TenantCounts {
    pub hard_match: u64,
    pub soft_match: u64,
    pub create: u64,
    pub conflict: u64,
    /// Synced cloud objects in the scanned scope that no scanned object anchors.
    pub orphans: u64,
}

/// The domain roots (the trailing `DC=` parts) of the scanned objects: what counts as the
/// scanned scope for orphans. A few distinct roots, found without copying a million DNs.
pub fn scanned_roots(objects: &[DirObject]) -> HashSet<DnKey> {
    let raw: HashSet<&str> = objects.iter().filter_map(|o| root_of(o.dn())).collect();
    raw.into_iter().map(DnKey::of).collect()
}

/// Where `dn`'s domain root starts: its first RDN that is a `DC=` (any case), at the start or
/// after an unescaped comma.
fn root_of(dn: &str) -> Option<&str> {
    let bytes = dn.as_bytes();
    let is_dc = |rest: &str| rest.len() >= 3 && rest.as_bytes()[..3].eq_ignore_ascii_case(b"dc=");
    if is_dc(dn) {
        return Some(dn);
    }
    (0..bytes.len())
        .filter(|&at| bytes[at] == b',' && (at == 0 || bytes[at - 1] != b'\\'))
        .map(|at| dn[at + 1..].trim_start())
        .find(|rest| is_dc(rest))
}

fn domain_root(dn: &str) -> Option<DnKey> {
    root_of(dn).map(DnKey::of)
}

/// Whether `dn` lies in one of `roots`.
pub fn in_roots(dn: &str, roots: &HashSet<DnKey>) -> bool {
    domain_root(dn).is_some_and(|root| roots.contains(&root))
}

/// Every 16-byte value a scanned object (in scope or not) sends or could send as its anchor:
/// its objectGUID and its 16-byte mS-DS-ConsistencyGuids.
pub fn scanned_anchors(objects: &[DirObject]) -> HashSet<[u8; 16]> {
    let mut anchors = HashSet::with_capacity(objects.len() * 2);
    for object in objects {
        if let Some(guid) = object.guid() {
            anchors.insert(guid.0);
        }
        for (_, value) in object.values(&AttrName::MsDsConsistencyGuid) {
            if let Ok(bytes) = <[u8; 16]>::try_from(value.as_bytes()) {
                anchors.insert(bytes);
            }
        }
    }
    anchors
}

/// Whether a cloud object's immutable id is one of `anchors` (an id that is not the base64 of
/// 16 bytes is no scanned object's).
pub fn anchors_hold(anchors: &HashSet<[u8; 16]>, immutable_id: &str) -> bool {
    STANDARD.decode(immutable_id).ok().and_then(|b| <[u8; 16]>::try_from(b).ok()).is_some_and(|b| anchors.contains(&b))
}

/// Checks that the ruleset's tenant export (if any) is this directory's: some domain of the
/// scanned UPNs and mail addresses (or a parent of one) must be a domain of the tenant (its
/// verified domains when exported, else those of its objects' UPNs and addresses).
pub fn check_coverage(objects: &[DirObject], ruleset: &Ruleset) -> Result<(), String> {
    let Some(tenant) = ruleset.tenant.as_deref() else { return Ok(()) };
    let domain = |address: &str| address.rsplit_once('@').map(|(_, d)| d.trim().to_lowercase());
    let mut scanned: HashMap<String, usize> = HashMap::new();
    let addresses =
        objects.iter().flat_map(|o| [o.first_text(&AttrName::UserPrincipalName), o.first_text(&AttrName::Mail)]);
    for found in addresses.flatten().filter_map(domain).filter(|d| !d.is_empty()) {
        *scanned.entry(found).or_default() += 1;
    }
    let owned: HashSet<String> = match &tenant.verified_domains {
        Some(verified) => verified.iter().cloned().collect(),
        None => tenant
            .objects
            .iter()
            .flat_map(|o| o.user_principal_name.as_deref().into_iter().chain(o.smtp_addresses()))
            .filter_map(domain)
            .collect(),
    };
    let covered = |d: &str| owned.iter().any(|o| is_same_or_subdomain(d, o));
    if scanned.is_empty() || scanned.keys().any(|d| covered(d)) {
        return Ok(());
    }
    // The commonest first.
    let mut common: Vec<(&String, &usize)> = scanned.iter().collect();
    common.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let shown: Vec<&str> = common.iter().take(3).map(|(d, _)| d.as_str()).collect();
    let files: Vec<String> = tenant.files.iter().map(|f| f.display().to_string()).collect();
    Err(format!(
        "the tenant export ({}) covers none of the scanned domains ({}, ...): is it this directory's tenant?",
        files.join(", "),
        shown.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_hashes_alike_in_any_case_and_script() {
        assert_eq!(address_hash("Ann.Lee@Contoso.com"), address_hash("ann.lee@contoso.COM"));
        assert_eq!(address_hash("ÉLODIE@contoso.com"), address_hash("élodie@contoso.com"));
        assert_ne!(address_hash("ann@contoso.com"), address_hash("anne@contoso.com"));
    }

    #[test]
    fn the_domain_root_is_the_trailing_dc_part() {
        assert_eq!(domain_root("CN=Ann,OU=Staff,DC=Contoso,DC=com").unwrap().as_str(), "dc=contoso,dc=com");
        assert_eq!(domain_root("CN=dc=x\\,y,DC=a,DC=b").map(|k| k.as_str().to_owned()), Some("dc=a,dc=b".into()));
        assert!(domain_root("CN=Ann,OU=Staff").is_none());
    }
}
