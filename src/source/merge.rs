//! One object, once: when several sources are read (the same file twice, overlapping bases,
//! two DCs of one domain), an object that more than one of them holds is kept from the first
//! and counted, so it is checked once and never its own duplicate. Objects are the same when
//! their objectGUIDs are, or, lacking one, when their DNs are; two objects with one DN and
//! different objectGUIDs are an error, since no directory holds both.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash as _, Hasher as _};

use super::{Snapshot, SourceError};
use crate::model::{DnKey, ObjectGuid};

/// Drops the objects an earlier source already gave; returns how many were dropped.
pub fn merge_sources(snapshot: &mut Snapshot) -> Result<u64, SourceError> {
    if snapshot.sources.len() < 2 {
        return Ok(0);
    }
    // The source of each object, from the counts in source order.
    let mut owners = Vec::with_capacity(snapshot.objects.len());
    for (index, source) in snapshot.sources.iter().enumerate() {
        owners.extend(std::iter::repeat_n(index, source.objects as usize));
    }
    let mut guids: HashSet<ObjectGuid> = HashSet::new();
    // The first object of each DN, by a hash of its DnKey (several when hashes collide).
    let mut dns: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut keep = Vec::with_capacity(snapshot.objects.len());
    for (index, (object, &owner)) in snapshot.objects.iter().zip(&owners).enumerate() {
        let guid = object.guid();
        if let Some(guid) = guid
            && !guids.insert(guid)
        {
            keep.push(false);
            continue;
        }
        let dn = DnKey::of(object.dn());
        let mut hasher = std::hash::DefaultHasher::new();
        dn.hash(&mut hasher);
        let firsts = dns.entry(hasher.finish()).or_default();
        let same = firsts.iter().copied().find(|&f| DnKey::of(snapshot.objects[f].dn()) == dn);
        match same {
            None => {
                firsts.push(index);
                keep.push(true);
            }
            Some(first) => {
                if let (Some(a), Some(b)) = (snapshot.objects[first].guid(), guid)
                    && a != b
                {
                    return Err(SourceError::Content {
                        path: snapshot.sources[owner].name.clone().into(),
                        message: format!(
                            "{} is also in {} with another objectGUID ({a} there, {b} here): two objects cannot \
                             have one DN; scan these sources separately",
                            object.dn(),
                            snapshot.sources[owners[first]].name
                        ),
                    });
                }
                keep.push(false);
            }
        }
    }
    let mut flags = keep.iter();
    snapshot.objects.retain(|_| *flags.next().expect("one flag per object"));
    Ok(keep.iter().filter(|k| !**k).count() as u64)
}
