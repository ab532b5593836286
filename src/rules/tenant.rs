//! The tenant side of a scan: a tenant export's cloud objects indexed by address (UPN and SMTP
//! addresses share one namespace in Entra ID) and by immutable id, built once per scan; the
//! immutable id each scanned object will send; what its first sync will do with it (hard
//! match, soft match, create, conflict); and the synced cloud objects the scan has no object
//! for (the next full sync deletes them).

use std::collections::{HashMap, HashSet};

use foldhash::fast::FixedState;

use super::groups::Groups;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::ruleset::{Anchor, Ruleset, is_same_or_subdomain};
use super::scope::ObjectKind;
use crate::model::{AttrName, DirObject, DnKey};
use crate::source::tenant::{CloudObject, Tenant};

/// Connect Sync's default accidental-delete threshold: more deletions in one run stop the export.
pub const DELETE_THRESHOLD: u64 = 500;

/// A tenant's cloud objects by address and by immutable id, indexed once when the export is
/// read (on its own thread, while the directory is read).
#[derive(Debug)]
pub struct TenantIndex {
    pub tenant: Tenant,
    /// By the hash of the lower-cased UPN or SMTP address.
    by_address: Groups<u32>,
    /// By the first 8 of the 16 bytes of the immutable id (what a scanned object can send).
    by_anchor: Groups<u64>,
    /// The cloud objects with provisioning errors, by the on-premises DN they name.
    errors_by_dn: HashMap<DnKey, Vec<usize>>,
}

/// The hash an address is indexed by (any case): FNV-1a over its lower-cased UTF-8, without a
/// copy, folded to 32 bits (a collision costs one comparison more; `holders` compares the
/// addresses themselves).
fn address_hash(address: &str) -> u32 {
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
    (hash ^ (hash >> 32)) as u32
}

/// The key an anchor is indexed by: its first 8 bytes (GUIDs are random there; `anchored`
/// compares the whole anchor).
fn anchor_key(anchor: &[u8; 16]) -> u64 {
    u64::from_le_bytes(anchor[..8].try_into().expect("8 of 16 bytes"))
}

impl TenantIndex {
    pub fn build(tenant: Tenant) -> TenantIndex {
        let mut errors_by_dn: HashMap<DnKey, Vec<usize>> = HashMap::new();
        for (i, object) in tenant.objects.iter().enumerate() {
            if let Some(dn) = object.on_premises_dn().filter(|_| !object.provisioning_errors.is_empty()) {
                errors_by_dn.entry(DnKey::of(dn)).or_default().push(i);
            }
        }
        let numbered = || tenant.objects.iter().zip(0u32..);
        let addresses = numbered().flat_map(|(o, i)| o.addresses().map(move |a| (address_hash(a), i)));
        let by_address = Groups::of(addresses.collect());
        let anchors = numbered().filter_map(|(o, i)| Some((anchor_key(&anchor_bytes(o.immutable_id()?)?), i)));
        let by_anchor = Groups::of(anchors.collect());
        TenantIndex { tenant, by_address, by_anchor, errors_by_dn }
    }

    pub fn object(&self, index: usize) -> &CloudObject {
        &self.tenant.objects[index]
    }

    /// The cloud objects holding `address` as UPN or SMTP address (any case).
    pub fn holders<'s>(&'s self, address: &'s str) -> impl Iterator<Item = usize> + 's {
        // Lower-casing copies only where a value is not ASCII (or the address is not).
        let ascii = address.is_ascii();
        let same = move |a: &str| {
            a.eq_ignore_ascii_case(address) || (!(ascii && a.is_ascii()) && a.to_lowercase() == address.to_lowercase())
        };
        let holds = move |object: &CloudObject| object.addresses().any(same);
        let found = self.by_address.get(address_hash(address));
        found.filter(move |&i| holds(&self.tenant.objects[i]))
    }

    /// The cloud objects whose immutable id is `anchor`.
    pub fn anchored(&self, anchor: &[u8; 16]) -> Vec<usize> {
        self.anchored_on(anchor).collect()
    }

    fn anchored_on<'s>(&'s self, anchor: &'s [u8; 16]) -> impl Iterator<Item = usize> + 's {
        let found = self.by_anchor.get(anchor_key(anchor));
        found.filter(move |&i| self.tenant.objects[i].immutable_id().is_some_and(|id| is_anchored_on(id, Some(anchor))))
    }

    /// The cloud objects with provisioning errors that name `dn` as their on-premises DN.
    pub fn with_errors_at(&self, dn: &DnKey) -> &[usize] {
        self.errors_by_dn.get(dn).map(Vec::as_slice).unwrap_or_default()
    }

    /// The directory roles a cloud object holds.
    pub fn roles_of(&self, object: &CloudObject) -> &[String] {
        self.tenant.roles.get(&object.id().to_ascii_lowercase()).map(Vec::as_slice).unwrap_or_default()
    }

    pub fn blocks_soft_match(&self) -> bool {
        self.tenant.features.is_some_and(|f| f.block_soft_match)
    }
}

/// The 16 bytes an immutable id (base64) stands for, when it is the base64 of 16 bytes: the
/// only ids a scanned object can send (canonical base64, so equal bytes are equal ids).
pub fn anchor_bytes(immutable_id: &str) -> Option<[u8; 16]> {
    // 16 bytes are 24 characters of base64, for which the decoder wants room for 18.
    let mut room = [0u8; 18];
    let length = STANDARD.decode_slice(immutable_id, &mut room).ok()?;
    room[..length].try_into().ok()
}

/// Whether a cloud object's immutable id is `sent`, the anchor a scanned object sends.
pub fn is_anchored_on(immutable_id: &str, sent: Option<&[u8; 16]>) -> bool {
    sent.is_some_and(|sent| anchor_bytes(immutable_id).as_ref() == Some(sent))
}

/// The immutable id `object` will send (its 16 bytes): mS-DS-ConsistencyGuid for users when
/// the ruleset anchors on it and the user holds a 16-byte one, else objectGUID (what Connect
/// Sync stamps).
pub fn sent_anchor(object: &DirObject, kind: ObjectKind, ruleset: &Ruleset) -> Option<[u8; 16]> {
    if ruleset.anchor == Anchor::ConsistencyGuid && kind.is_user() {
        let stamped = object.values(&AttrName::MsDsConsistencyGuid).find_map(|(_, v)| v.as_bytes().try_into().ok());
        if stamped.is_some() {
            return stamped;
        }
    }
    object.guid().map(|g| g.0)
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

/// Which cloud objects (by index) some scanned object, in scope or not, anchors: by its
/// objectGUID or by one of its 16-byte mS-DS-ConsistencyGuids. Marked in parallel, through the
/// index (no set of the scan's anchors).
pub fn anchored_by_scan(index: &TenantIndex, objects: &[DirObject]) -> Vec<bool> {
    use rayon::prelude::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    let marks: Vec<AtomicBool> = index.tenant.objects.iter().map(|_| AtomicBool::new(false)).collect();
    objects.par_iter().for_each(|object| {
        let stamped = object.values(&AttrName::MsDsConsistencyGuid).filter_map(|(_, v)| v.as_bytes().try_into().ok());
        for anchor in object.guid().map(|g| g.0).into_iter().chain(stamped) {
            for i in index.anchored_on(&anchor) {
                marks[i].store(true, Ordering::Relaxed);
            }
        }
    });
    marks.into_iter().map(AtomicBool::into_inner).collect()
}

/// The domain of an address as written (trimmed), when it has one.
fn domain_of(address: &str) -> Option<&str> {
    address.rsplit_once('@').map(|(_, d)| d.trim()).filter(|d| !d.is_empty())
}

/// Checks that the ruleset's tenant export (if any) is this directory's: some domain of the
/// scanned UPNs and mail addresses (or a parent of one) must be a domain of the tenant (its
/// verified domains when exported, else those of its objects' UPNs and addresses).
pub fn check_coverage(objects: &[DirObject], ruleset: &Ruleset) -> Result<(), String> {
    let Some(tenant) = ruleset.tenant.as_deref().map(|index| &index.tenant) else { return Ok(()) };
    // Counted as written (a few distinct domains, no copy per address), then folded to one case.
    let mut written: HashMap<&str, usize, FixedState> = HashMap::default();
    let addresses =
        objects.iter().flat_map(|o| [o.first_text(&AttrName::UserPrincipalName), o.first_text(&AttrName::Mail)]);
    for found in addresses.flatten().filter_map(domain_of) {
        *written.entry(found).or_default() += 1;
    }
    let mut scanned: HashMap<String, usize> = HashMap::new();
    for (found, count) in written {
        *scanned.entry(found.to_lowercase()).or_default() += count;
    }
    let owned: HashSet<String> = match &tenant.verified_domains {
        Some(verified) => verified.iter().cloned().collect(),
        None => {
            let written: HashSet<&str, FixedState> =
                tenant.objects.iter().flat_map(CloudObject::addresses).filter_map(domain_of).collect();
            written.into_iter().map(str::to_lowercase).collect()
        }
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
    fn only_the_canonical_base64_of_16_bytes_is_an_anchor() {
        let bytes: [u8; 16] = *b"0123456789abcdef";
        let id = STANDARD.encode(bytes);
        assert_eq!(anchor_bytes(&id), Some(bytes));
        assert!(is_anchored_on(&id, Some(&bytes)));
        assert!(!is_anchored_on(&id, None));
        assert_eq!(anchor_bytes(&STANDARD.encode(b"0123456789abcdefg")), None);
        assert_eq!(anchor_bytes(&STANDARD.encode(b"0123456789abcde")), None);
        assert_eq!(anchor_bytes("not base64!"), None);
        // The same bytes with the unused bits of the last character set: not the id Connect Sync writes.
        let mut loose = id.clone().into_bytes();
        loose[21] = b'h';
        assert_eq!(anchor_bytes(std::str::from_utf8(&loose).unwrap()), None);
    }

    #[test]
    fn the_domain_root_is_the_trailing_dc_part() {
        assert_eq!(domain_root("CN=Ann,OU=Staff,DC=Contoso,DC=com").unwrap().as_str(), "dc=contoso,dc=com");
        assert_eq!(domain_root("CN=dc=x\\,y,DC=a,DC=b").map(|k| k.as_str().to_owned()), Some("dc=a,dc=b".into()));
        assert!(domain_root("CN=Ann,OU=Staff").is_none());
    }
}
