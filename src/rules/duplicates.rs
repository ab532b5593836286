//! The duplicate index, built once per scan: every comparable value of every checked object
//! as a 64-bit hash of its namespace and folded key, sorted in parallel, so duplicates are the
//! runs of equal hashes (verified on the real keys). Nothing quadratic; 16 bytes per value.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::BuildHasher as _;

use foldhash::fast::FixedState;

use rayon::prelude::*;

use super::scope::Scope;
use super::text::fold;
use crate::model::{AttrName, DirObject};

/// Values compete for uniqueness only within a namespace. Entra ID keeps one namespace for
/// userPrincipalName, mail and SMTP proxy addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Namespace {
    Address,
    OtherProxy,
    MailNickname,
    SamAccountName,
    TargetAddress,
}

/// The attributes that take part in duplicate checks.
const INDEXED: [AttrName; 5] = [
    AttrName::UserPrincipalName,
    AttrName::Mail,
    AttrName::ProxyAddresses,
    AttrName::MailNickname,
    AttrName::TargetAddress,
];

/// The address part of an `smtp:` value (any case), if it is one.
pub fn smtp_address(value: &str) -> Option<&str> {
    let prefix = value.get(..5)?;
    prefix.eq_ignore_ascii_case("smtp:").then(|| &value[5..])
}

/// The namespace and comparison key of a value, or `None` when it takes no part. `login` is
/// the attribute Entra ID takes the sign-in name from (userPrincipalName, or the alternate
/// login ID); with an alternate one, userPrincipalName takes no part.
pub fn key_of<'v>(attr: &AttrName, value: &'v str, login: &AttrName) -> Option<(Namespace, Cow<'v, str>)> {
    if value.is_empty() {
        return None;
    }
    let (namespace, compared) = match attr {
        _ if attr == login || *attr == AttrName::Mail => (Namespace::Address, value),
        AttrName::ProxyAddresses => match smtp_address(value) {
            Some(address) => (Namespace::Address, address),
            None => (Namespace::OtherProxy, value),
        },
        AttrName::MailNickname => (Namespace::MailNickname, value),
        AttrName::SamAccountName => (Namespace::SamAccountName, value),
        AttrName::TargetAddress => (Namespace::TargetAddress, smtp_address(value).unwrap_or(value)),
        _ => return None,
    };
    Some((namespace, fold(compared)))
}

fn hash_key(namespace: Namespace, key: &str) -> u64 {
    FixedState::default().hash_one((namespace, key))
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    hash: u64,
    object: u32,
    value: u32,
}

/// Who else holds a duplicated value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holders {
    /// Other objects holding it (the first `MAX_LISTED`), in snapshot order.
    pub others: Vec<u32>,
    /// How many other objects hold it in all.
    pub other_count: usize,
    /// Whether this object holds it twice in the same attribute.
    pub twice: bool,
}

const MAX_LISTED: usize = 10;

/// Duplicated values of a snapshot's checked objects.
pub struct DuplicateIndex {
    entries: Vec<Entry>,
    holders: HashMap<(u32, u32), Holders, FixedState>,
    login: AttrName,
}

/// The values of one object that take part, with their object-wide value indexes.
fn indexed_values<'o>(
    object: &'o DirObject,
    login: &'o AttrName,
) -> impl Iterator<Item = (u32, &'o AttrName, &'o str)> {
    const SAM: [AttrName; 1] = [AttrName::SamAccountName];
    let sam: &[AttrName] = if object.has(&AttrName::UserPrincipalName) { &[] } else { &SAM };
    let extra_login = (!INDEXED.contains(login)).then_some(login);
    INDEXED.iter().chain(sam).chain(extra_login).flat_map(move |attr| {
        object.values(attr).filter_map(move |(index, value)| Some((index, attr, value.as_text()?)))
    })
}

impl DuplicateIndex {
    /// Indexes the objects whose scope is `Checked`; `login` as for `key_of`.
    pub fn build(objects: &[DirObject], scopes: &[Scope], login: &AttrName) -> DuplicateIndex {
        let mut entries: Vec<Entry> = objects
            .par_iter()
            .zip(scopes.par_iter())
            .enumerate()
            .filter(|(_, (_, scope))| matches!(scope, Scope::Checked(_)))
            .flat_map_iter(|(object_index, (object, _))| {
                indexed_values(object, login).filter_map(move |(value, attr, text)| {
                    let (namespace, key) = key_of(attr, text, login)?;
                    Some(Entry { hash: hash_key(namespace, &key), object: object_index as u32, value })
                })
            })
            .collect();
        entries.par_sort_unstable_by_key(|e| (e.hash, e.object, e.value));
        let holders = entries
            .par_chunk_by(|a, b| a.hash == b.hash)
            .filter(|run| run.len() > 1 && !held_once(objects, run))
            .flat_map_iter(|run| duplicates_in_run(objects, run, login))
            .collect();
        DuplicateIndex { entries, holders, login: login.clone() }
    }

    /// Who else holds value `value` of object `object`, when it is duplicated.
    pub fn holders(&self, object: u32, value: u32) -> Option<&Holders> {
        self.holders.get(&(object, value))
    }

    /// Objects other than `except` that hold `value` in `attr`'s namespace (for proposed
    /// values that would collide).
    pub fn holders_of(&self, objects: &[DirObject], attr: &AttrName, value: &str, except: u32) -> Vec<u32> {
        let Some((namespace, key)) = key_of(attr, value, &self.login) else {
            return Vec::new();
        };
        let hash = hash_key(namespace, &key);
        let start = self.entries.partition_point(|e| e.hash < hash);
        let mut found: Vec<u32> = self.entries[start..]
            .iter()
            .take_while(|e| e.hash == hash)
            .filter(|e| {
                e.object != except
                    && entry_key(objects, e, &self.login).is_some_and(|(n, k)| n == namespace && k == key)
            })
            .map(|e| e.object)
            .collect();
        found.dedup();
        found
    }
}

fn entry_key<'o>(objects: &'o [DirObject], entry: &Entry, login: &AttrName) -> Option<(Namespace, Cow<'o, str>)> {
    let object = &objects[entry.object as usize];
    let attr = object.attribute_of(entry.value);
    key_of(attr, object.value(entry.value).as_text()?, login)
}

/// Whether a run of equal hashes holds no duplicate because one object holds it, each time in
/// another attribute (most users: their mail is their primary SMTP proxy address).
fn held_once(objects: &[DirObject], run: &[Entry]) -> bool {
    let object = run[0].object;
    let holder = &objects[object as usize];
    run.iter().all(|e| e.object == object)
        && run.iter().enumerate().all(|(at, e)| {
            let attr = holder.attribute_of(e.value);
            run[..at].iter().all(|before| holder.attribute_of(before.value) != attr)
        })
}

/// The duplicated holders within one run of equal hashes.
fn duplicates_in_run(objects: &[DirObject], run: &[Entry], login: &AttrName) -> Vec<((u32, u32), Holders)> {
    let mut keyed: Vec<(Namespace, Cow<str>, &Entry)> =
        run.iter().filter_map(|e| entry_key(objects, e, login).map(|(n, k)| (n, k, e))).collect();
    keyed.sort_by(|a, b| (a.0, &a.1, a.2.object, a.2.value).cmp(&(b.0, &b.1, b.2.object, b.2.value)));
    let mut found = Vec::new();
    for group in keyed.chunk_by(|a, b| a.0 == b.0 && a.1 == b.1).filter(|g| g.len() > 1) {
        for (_, _, entry) in group {
            let mut others: Vec<u32> = group.iter().map(|g| g.2.object).filter(|&o| o != entry.object).collect();
            others.dedup();
            let attr = objects[entry.object as usize].attribute_of(entry.value);
            let twice = group.iter().any(|(_, _, other)| {
                other.object == entry.object
                    && other.value != entry.value
                    && objects[other.object as usize].attribute_of(other.value) == attr
            });
            if !others.is_empty() || twice {
                let other_count = others.len();
                others.truncate(MAX_LISTED);
                found.push(((entry.object, entry.value), Holders { others, other_count, twice }));
            }
        }
    }
    found
}
