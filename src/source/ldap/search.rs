//! Paged searches (RFC 2696) and AD's ranged retrieval (`member;range=0-1499`), turning
//! entries into `DirObject`s.

use std::collections::HashSet;
use std::hash::{Hash as _, Hasher as _};
use std::sync::atomic::{AtomicBool, Ordering};

use ldap3::adapters::{Adapter, EntriesOnly, PagedResults};
use ldap3::{LdapConn, Scope, SearchEntry};

use super::error::{Context, LdapError, classify};
use crate::model::{AttrName, DirObject, ObjectBuilder};

/// One server's search parameters.
pub struct Query<'a> {
    pub url: &'a str,
    pub filter: &'a str,
    pub attributes: &'a [String],
    pub page_size: i32,
    pub range_step: Option<u32>,
    /// How long one operation (a page, a ranged read) may wait.
    pub timeout: std::time::Duration,
}

/// A unit of parallel work.
pub enum Subtree {
    /// The objects directly under a DN.
    OneLevel(String),
    /// A DN and everything below it.
    Whole(String),
}

/// Attributes that can hold more values than AD returns at once.
const RANGED: [&str; 4] = ["member", "proxyAddresses", "userCertificate", "userSMIMECertificate"];

fn fail(query: &Query, base: &str, objects: Option<u64>, error: ldap3::LdapError) -> LdapError {
    classify(&Context { url: query.url, user: "", base, objects, timeout: query.timeout }, error)
}

/// The rootDSE's defaultNamingContext.
pub fn default_naming_context(
    conn: &mut LdapConn,
    url: &str,
    timeout: std::time::Duration,
) -> Result<String, LdapError> {
    let query = Query { url, filter: "(objectClass=*)", attributes: &[], page_size: 0, range_step: None, timeout };
    let (entries, _) = conn
        .with_timeout(timeout)
        .search("", Scope::Base, "(objectClass=*)", vec!["defaultNamingContext"])
        .and_then(|r| r.success())
        .map_err(|e| fail(&query, "", None, e))?;
    entries
        .into_iter()
        .map(SearchEntry::construct)
        .find_map(|e| e.attrs.get("defaultNamingContext").and_then(|v| v.first().cloned()))
        .ok_or_else(|| LdapError::Setup {
            url: url.to_owned(),
            message: "the rootDSE has no defaultNamingContext; pass --base".into(),
        })
}

/// A paged search's adapters: entries only (continuation references are gathered into the
/// final result's `refs`), in pages of `page_size`.
pub fn adapters(page_size: i32) -> Vec<Box<dyn Adapter<'static, String, Vec<String>>>> {
    vec![Box::new(EntriesOnly::new()), Box::new(PagedResults::new(page_size))]
}

/// The DNs directly under `base` (every object class: these become the parallel subtrees).
pub fn children(conn: &mut LdapConn, query: &Query, base: &str) -> Result<Vec<String>, LdapError> {
    let mut stream = conn
        .with_timeout(query.timeout)
        .streaming_search_with(
            adapters(query.page_size),
            base,
            Scope::OneLevel,
            "(objectClass=*)",
            vec!["1.1".to_owned()],
        )
        .map_err(|e| fail(query, base, None, e))?;
    let mut dns = Vec::new();
    while let Some(entry) = stream.next().map_err(|e| fail(query, base, Some(0), e))? {
        dns.push(SearchEntry::construct(entry).dn);
    }
    stream.result().success().map_err(|e| fail(query, base, None, e))?;
    dns.sort();
    Ok(dns)
}

/// The attribute list to send: ranged forms when a range step is set.
fn requested(query: &Query) -> Vec<String> {
    query
        .attributes
        .iter()
        .map(|a| match query.range_step {
            Some(step) if RANGED.iter().any(|r| r.eq_ignore_ascii_case(a)) => format!("{a};range=0-{}", step - 1),
            _ => a.clone(),
        })
        .collect()
}

/// What one unit of work read: its objects, and the continuation references the server
/// returned in their place (never followed).
pub struct SubtreeRead {
    pub objects: Vec<DirObject>,
    pub references: Vec<String>,
}

/// Reads one unit of work, reporting each thousand objects to `read`.
pub fn read_subtree(
    conn: &mut LdapConn,
    query: &Query,
    subtree: &Subtree,
    cancel: &AtomicBool,
    read: &dyn Fn(u64),
) -> Result<SubtreeRead, LdapError> {
    let (base, scope) = match subtree {
        Subtree::OneLevel(dn) => (dn.as_str(), Scope::OneLevel),
        Subtree::Whole(dn) => (dn.as_str(), Scope::Subtree),
    };
    // Objects in the order the server sent them, built as the entries arrive. An entry with a
    // ranged attribute waits, raw, for the rest of its values (the connection is busy with the
    // search until it ends); its place is kept.
    let mut objects: Vec<Option<DirObject>> = Vec::new();
    let mut ranged: Vec<(usize, SearchEntry)> = Vec::new();
    let mut builder = ObjectBuilder::default();
    // A server whose paging cookie loops would send the same entries for ever.
    let mut seen = HashSet::new();
    let references;
    {
        let mut stream = conn
            .with_timeout(query.timeout)
            .streaming_search_with(adapters(query.page_size), base, scope, query.filter, requested(query))
            .map_err(|e| fail(query, base, None, e))?;
        loop {
            if cancel.load(Ordering::Relaxed) {
                let id = stream.last_id();
                drop(stream);
                let _ = conn.abandon(id);
                return Err(LdapError::Cancelled);
            }
            let next = stream.next().map_err(|e| fail(query, base, Some(objects.len() as u64), e))?;
            let Some(entry) = next else { break };
            let entry = SearchEntry::construct(entry);
            if !seen.insert(dn_hash(&entry.dn)) {
                return Err(LdapError::Repeating { url: query.url.into(), base: base.into(), what: entry.dn });
            }
            if ranged_attributes(&entry).is_empty() {
                objects.push(Some(build(entry, &mut builder)));
            } else {
                ranged.push((objects.len(), entry));
                objects.push(None);
            }
            if objects.len().is_multiple_of(1000) {
                read(1000);
            }
        }
        // EntriesOnly gathers the search's continuation references into the final result.
        let result = stream.result();
        references = result.refs.clone();
        result.success().map_err(|e| fail(query, base, Some(objects.len() as u64), e))?;
    }
    read(objects.len() as u64 % 1000);
    for (at, mut entry) in ranged {
        fetch_ranges(conn, query, &mut entry)?;
        objects[at] = Some(build(entry, &mut builder));
    }
    Ok(SubtreeRead { objects: objects.into_iter().flatten().collect(), references })
}

fn dn_hash(dn: &str) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    dn.to_ascii_lowercase().hash(&mut hasher);
    hasher.finish()
}

/// `name;range=low-high` → (name, high), with `None` for `*`.
fn parse_range(key: &str) -> Option<(&str, Option<u32>)> {
    let (name, options) = key.split_once(';')?;
    let range = options.split(';').find_map(|o| o.strip_prefix("range="))?;
    let (_, high) = range.split_once('-')?;
    Some((name, if high == "*" { None } else { high.parse().ok() }))
}

/// The attributes of `entry` the server sent only part of (`member;range=0-1499`), with the
/// index of the last value sent.
fn ranged_attributes(entry: &SearchEntry) -> Vec<(String, u32)> {
    entry
        .attrs
        .keys()
        .chain(entry.bin_attrs.keys())
        .filter_map(|key| match parse_range(key)? {
            (name, Some(high)) => Some((name.to_owned(), high)),
            (_, None) => None,
        })
        .collect()
}

/// Adds the rest of every ranged attribute's values to `entry`.
fn fetch_ranges(conn: &mut LdapConn, query: &Query, entry: &mut SearchEntry) -> Result<(), LdapError> {
    for (name, high) in ranged_attributes(entry) {
        let (text, binary) = fetch_rest(conn, query, &entry.dn, &name, high)?;
        let key = format!("{name};range=rest");
        entry.attrs.entry(key.clone()).or_default().extend(text);
        entry.bin_attrs.entry(key).or_default().extend(binary);
    }
    Ok(())
}

/// Builds an object from a whole entry.
fn build(entry: SearchEntry, builder: &mut ObjectBuilder) -> DirObject {
    builder.set_dn(&entry.dn);
    let mut text: Vec<(String, Vec<String>)> = entry.attrs.into_iter().collect();
    text.sort_by(|a, b| a.0.cmp(&b.0));
    for (key, values) in text {
        let attr = AttrName::parse(key.split(';').next().unwrap_or(&key));
        for value in values {
            if attr.is_binary() {
                builder.add_binary(attr.clone(), value.as_bytes());
            } else {
                builder.add_text(attr.clone(), &value);
            }
        }
    }
    let mut binary: Vec<(String, Vec<Vec<u8>>)> = entry.bin_attrs.into_iter().collect();
    binary.sort_by(|a, b| a.0.cmp(&b.0));
    for (key, values) in binary {
        let attr = AttrName::parse(key.split(';').next().unwrap_or(&key));
        for value in values {
            builder.add_binary(attr.clone(), &value);
        }
    }
    builder.build()
}

/// The values of `name` after index `high`, range by range.
fn fetch_rest(
    conn: &mut LdapConn,
    query: &Query,
    dn: &str,
    name: &str,
    mut high: u32,
) -> Result<(Vec<String>, Vec<Vec<u8>>), LdapError> {
    let (mut text, mut binary) = (Vec::new(), Vec::new());
    loop {
        let low = high + 1;
        let wanted = match query.range_step {
            Some(step) => format!("{name};range={low}-{}", low + step - 1),
            None => format!("{name};range={low}-*"),
        };
        let (entries, _) = conn
            .with_timeout(query.timeout)
            .search(dn, Scope::Base, "(objectClass=*)", vec![wanted])
            .and_then(|r| r.success())
            .map_err(|e| fail(query, dn, Some(0), e))?;
        let Some(entry) = entries.into_iter().next().map(SearchEntry::construct) else { break };
        let mut next = None;
        let mut got_any = false;
        for (key, values) in entry.attrs {
            if let Some((_, end)) = parse_range(&key) {
                next = end;
                got_any = true;
                text.extend(values);
            }
        }
        for (key, values) in entry.bin_attrs {
            if let Some((_, end)) = parse_range(&key) {
                next = end;
                got_any = true;
                binary.extend(values);
            }
        }
        match next {
            Some(end) if got_any && end <= high => {
                return Err(LdapError::Repeating {
                    url: query.url.into(),
                    base: dn.into(),
                    what: format!("the range of {name} ending at {end}"),
                });
            }
            Some(end) if got_any => high = end,
            _ => break,
        }
    }
    Ok((text, binary))
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn range_keys_parse() {
        assert_eq!(parse_range("member;range=0-1499"), Some(("member", Some(1499))));
        assert_eq!(parse_range("member;range=1500-*"), Some(("member", None)));
        assert_eq!(parse_range("member"), None);
    }
}
