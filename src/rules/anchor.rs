//! Source-anchor checks (users, with anchor mS-DS-ConsistencyGuid): values that are not 16
//! bytes, shared between users, equal to another object's objectGUID, missing, or different
//! from the user's own objectGUID. One index of all anchors and GUIDs, built once per scan.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rayon::prelude::*;

use super::groups::Groups;
use super::scope::{ObjectKind, Scope};
use crate::model::{AttrName, DirObject};

/// Which attribute an indexed 16-byte value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    ConsistencyGuid,
    ObjectGuid,
}

/// Every checked object's objectGUID and every checked user's 16-byte mS-DS-ConsistencyGuid
/// that another object holds too, grouped by value and source.
pub struct AnchorIndex {
    holders: Groups<([u8; 16], Source)>,
}

impl AnchorIndex {
    pub fn build(objects: &[DirObject], scopes: &[Scope]) -> AnchorIndex {
        let mut entries: Vec<(([u8; 16], Source), u32)> = objects
            .par_iter()
            .zip(scopes.par_iter())
            .enumerate()
            .flat_map_iter(|(index, (object, scope))| {
                let mut found = Vec::new();
                let Scope::Checked(kind) = scope else { return found };
                if let Some(guid) = object.guid() {
                    found.push(((guid.0, Source::ObjectGuid), index as u32));
                }
                if kind.is_user() {
                    for (_, value) in object.values(&AttrName::MsDsConsistencyGuid) {
                        if let Ok(bytes) = value.as_bytes().try_into() {
                            found.push(((bytes, Source::ConsistencyGuid), index as u32));
                        }
                    }
                }
                found
            })
            .collect();
        // Every query comes from an object that holds the value itself, so a value only one
        // object holds answers none: only values two or more objects hold are kept (a few, where
        // a million GUIDs were a cache miss per query).
        entries.par_sort_unstable();
        let shared: Vec<_> = entries
            .chunk_by(|a, b| a.0.0 == b.0.0)
            .filter(|holders| holders.iter().any(|&(_, object)| object != holders[0].1))
            .flatten()
            .copied()
            .collect();
        AnchorIndex { holders: Groups::of(shared) }
    }

    /// Objects other than `except` holding `bytes` as `source`, in snapshot order. `except`
    /// must hold `bytes` itself (as its objectGUID or, for a checked user, its anchor).
    pub fn holders(&self, bytes: &[u8; 16], source: Source, except: u32) -> Vec<u32> {
        self.holders.get((*bytes, source)).map(|object| object as u32).filter(|&object| object != except).collect()
    }
}

/// Binary values are shown as base64, which for a 16-byte anchor is the ImmutableId.
pub fn immutable_id(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Whether `kind` is anchored on mS-DS-ConsistencyGuid (users; other kinds use objectGUID).
pub fn uses_consistency_guid(kind: ObjectKind) -> bool {
    kind.is_user()
}
