//! Objects grouped by a key for lookups during a scan (the tenant's addresses and anchors, the
//! directory's anchors): one hash lookup and one contiguous read per query.

use std::collections::HashMap;

use foldhash::fast::FixedState;
use rayon::slice::ParallelSliceMut as _;

/// Objects grouped by a key: the objects in one list, grouped by key, the last of each group
/// marked, and where each key's group starts (one hash lookup and one contiguous read per
/// query; a binary search of a million entries was a cache miss per step). Where keys are
/// hashes, objects whose keys collide share a group, and the caller checks what it finds.
#[derive(Debug)]
pub(crate) struct Groups<K> {
    objects: Vec<u32>,
    start: HashMap<K, u32, FixedState>,
}

/// Marks the last object of a group in `Groups::objects` (object indexes are below 2^31).
const LAST: u32 = 1 << 31;

impl<K: std::hash::Hash + Eq + Ord + Copy + Send> Groups<K> {
    /// Groups (key, object) pairs (a pair given twice counts once), in object order within a
    /// group.
    pub(crate) fn of(mut pairs: Vec<(K, u32)>) -> Groups<K> {
        pairs.par_sort_unstable();
        pairs.dedup();
        let mut start = HashMap::with_capacity_and_hasher(pairs.len(), FixedState::default());
        let mut objects = Vec::with_capacity(pairs.len());
        for (at, &(key, object)) in pairs.iter().enumerate() {
            start.entry(key).or_insert(at as u32);
            let last = pairs.get(at + 1).is_none_or(|(next, _)| *next != key);
            objects.push(if last { object | LAST } else { object });
        }
        Groups { objects, start }
    }

    /// The objects of `key`'s group.
    pub(crate) fn get(&self, key: K) -> impl Iterator<Item = usize> {
        let group = self.start.get(&key).map_or(&[][..], |&at| &self.objects[at as usize..]);
        let end = group.iter().position(|&o| o & LAST != 0).map_or(0, |last| last + 1);
        group[..end].iter().map(|&o| (o & !LAST) as usize)
    }
}
