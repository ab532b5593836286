//! Live reads of Active Directory over LDAP: one or more forests in parallel, and within a
//! domain its top-level subtrees as separate paged searches, merged into one snapshot with no
//! duplicates or gaps. LDAPS or StartTLS with certificate verification by default; a plain
//! simple bind only behind `insecure_plain_ldap`. Passwords are never logged or shown.

mod connect;
mod error;
mod referral;
mod search;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

pub use connect::{Bind, Security};
pub use error::LdapError;
pub use referral::{Partition, Reference};
pub(crate) use search::adapters as paged_search;

use super::{Progress, SourceSummary};
use crate::model::{DirObject, DnKey};
use search::{Query, Subtree};

/// How to read one or more directories.
#[derive(Clone)]
pub struct LdapOptions {
    /// `ldaps://host[:port]` or `ldap://host[:port]`, one per forest (or domain controller).
    pub urls: Vec<String>,
    /// Search base; default: each server's defaultNamingContext.
    pub base: Option<String>,
    /// LDAP filter; default: users, contacts and groups.
    pub filter: Option<String>,
    /// One bind for every URL, or one per URL in the same order (forests without a trust
    /// need their own credentials).
    pub binds: Vec<Bind>,
    pub security: Security,
    /// A PEM file of CA certificates to trust on top of the system's.
    pub ca_file: Option<PathBuf>,
    pub page_size: i32,
    /// Concurrent searches per domain.
    pub parallel: usize,
    /// Attributes to read (the rules' needs).
    pub attributes: Vec<String>,
    /// Ask for multi-valued attributes in ranges of this size (AD's ranged retrieval); `None`
    /// lets the server decide, as AD does above 1,500 values.
    pub range_step: Option<u32>,
    /// Use the global catalog port (3269 with TLS, 3268 without) when the URL names none.
    pub global_catalog: bool,
    /// How long one LDAP operation (a bind, a page of a search, a modify) may wait for the
    /// server before the run stops with an error naming it.
    pub timeout: std::time::Duration,
}

/// The default of [`LdapOptions::timeout`].
pub const DEFAULT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

impl LdapOptions {
    /// Options for these servers with the read settings at their defaults: each server's
    /// naming context, the default filter, pages of 1,000, four searches per domain, and
    /// operations that wait at most [`DEFAULT_TIMEOUT`].
    pub fn new(urls: Vec<String>, binds: Vec<Bind>, security: Security, ca_file: Option<PathBuf>) -> LdapOptions {
        LdapOptions {
            urls,
            base: None,
            filter: None,
            binds,
            security,
            ca_file,
            page_size: 1000,
            parallel: 4,
            attributes: Vec::new(),
            range_step: None,
            global_catalog: false,
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

/// Opens one bound connection to the first URL (for writes: apply and undo).
pub fn connect(options: &LdapOptions) -> Result<ldap3::LdapConn, LdapError> {
    let url =
        options.urls.first().ok_or_else(|| LdapError::Setup { url: String::new(), message: "no --ldap URL".into() })?;
    connect::open(options, url, options.bind_for(url)?)
}

impl LdapOptions {
    /// The bind for `url`: the only one, or the one in the same position.
    fn bind_for(&self, url: &str) -> Result<&Bind, LdapError> {
        let position = self.urls.iter().position(|u| u == url).unwrap_or(0);
        match self.binds.as_slice() {
            [only] => Ok(only),
            binds => binds.get(position).ok_or_else(|| LdapError::Setup {
                url: url.to_owned(),
                message: format!(
                    "{} bind identities for {} servers: give one, or one per server",
                    binds.len(),
                    self.urls.len()
                ),
            }),
        }
    }
}

/// Users, contacts and groups (IdFix's filter).
pub const DEFAULT_FILTER: &str = "(|(objectCategory=person)(objectCategory=group))";

/// What a live read returned: the objects, and what each source contributed.
pub struct LdapSnapshot {
    pub objects: Vec<DirObject>,
    pub sources: Vec<SourceSummary>,
    /// Sources that failed, when partial results were allowed.
    pub failures: Vec<LdapError>,
    /// The continuation references that no source read, each once.
    pub not_read: Vec<Reference>,
}

/// What one server's read gave.
struct ForestRead {
    objects: Vec<DirObject>,
    /// The naming context searched.
    base: String,
    references: Vec<Reference>,
}

/// Reads every URL's directory in parallel. With `allow_partial`, a source that fails is
/// recorded in `failures` and the others' objects are kept; otherwise the first error wins.
pub fn read_ldap(
    options: &LdapOptions,
    progress: &dyn Progress,
    cancel: &AtomicBool,
    allow_partial: bool,
) -> Result<LdapSnapshot, LdapError> {
    let results: Vec<Result<ForestRead, LdapError>> = std::thread::scope(|scope| {
        let handles: Vec<_> =
            options.urls.iter().map(|url| scope.spawn(move || read_forest(options, url, progress, cancel))).collect();
        handles.into_iter().map(|h| h.join().unwrap_or(Err(LdapError::WorkerPanicked))).collect()
    });
    let mut snapshot =
        LdapSnapshot { objects: Vec::new(), sources: Vec::new(), failures: Vec::new(), not_read: Vec::new() };
    let mut bases = Vec::new();
    let mut references = Vec::new();
    for (url, result) in options.urls.iter().zip(results) {
        match result {
            Ok(read) => {
                snapshot.sources.push(SourceSummary {
                    name: url.clone(),
                    objects: read.objects.len() as u64,
                    bytes: 0,
                });
                snapshot.objects.extend(read.objects);
                bases.push(read.base);
                references.extend(read.references);
            }
            Err(error) if allow_partial && !matches!(error, LdapError::Cancelled) => snapshot.failures.push(error),
            Err(error) => return Err(error),
        }
    }
    settle_references(&mut snapshot, references, &bases, allow_partial)?;
    Ok(snapshot)
}

/// Lists the references no source read (`bases`: the naming contexts the sources searched).
/// One that can hold objects leaves them unchecked: an error, or with `allow_partial` a
/// failure of the snapshot, which makes the scan partial.
fn settle_references(
    snapshot: &mut LdapSnapshot,
    references: Vec<Reference>,
    bases: &[String],
    allow_partial: bool,
) -> Result<(), LdapError> {
    for reference in references {
        if reference.is_read_by(bases) || snapshot.not_read.iter().any(|r| r.url == reference.url) {
            continue;
        }
        if reference.partition == Partition::MayHoldObjects {
            let error = LdapError::NotRead { url: reference.source.clone(), reference: reference.url.clone() };
            if !allow_partial {
                return Err(error);
            }
            snapshot.failures.push(error);
        }
        snapshot.not_read.push(reference);
    }
    Ok(())
}

/// Reads one server's domain: with `parallel` above one, the objects directly under the base
/// and then each child's subtree as its own paged search, `parallel` at a time.
fn read_forest(
    options: &LdapOptions,
    url: &str,
    progress: &dyn Progress,
    cancel: &AtomicBool,
) -> Result<ForestRead, LdapError> {
    progress.started(url, None);
    let bind = options.bind_for(url)?;
    let mut conn = connect::open(options, url, bind)?;
    let base = match &options.base {
        Some(base) => base.clone(),
        None => search::default_naming_context(&mut conn, url, options.timeout)?,
    };
    let query = Query {
        url,
        filter: options.filter.as_deref().unwrap_or(DEFAULT_FILTER),
        attributes: &options.attributes,
        page_size: options.page_size,
        range_step: options.range_step,
        timeout: options.timeout,
    };
    // One search per top-level subtree pays only when several run at once: a server filters
    // each by scope after its index lookup, so one reader does best with one whole search.
    let work: Vec<Subtree> = if options.parallel <= 1 {
        vec![Subtree::Whole(base.clone())]
    } else {
        let children = search::children(&mut conn, &query, &base)?;
        let mut work = vec![Subtree::OneLevel(base.clone())];
        work.extend(children.into_iter().map(Subtree::Whole));
        work
    };
    let counter = Counter { url, progress, read: Mutex::new(0) };
    let queue = Mutex::new(work.into_iter().enumerate().collect::<Vec<_>>());
    let results = Mutex::new(Vec::new());
    let mut first_conn = Some(conn);
    let workers = options.parallel.max(1);
    let first_error: Mutex<Option<LdapError>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let conn = first_conn.take();
            let (queue, results, counter, first_error) = (&queue, &results, &counter, &first_error);
            let query = &query;
            scope.spawn(move || {
                let mut conn = match conn {
                    Some(conn) => conn,
                    None => match connect::open(options, url, bind) {
                        Ok(conn) => conn,
                        Err(e) => return record(first_error, e, cancel),
                    },
                };
                loop {
                    if cancel.load(Ordering::Relaxed) || first_error.lock().expect("lock").is_some() {
                        return;
                    }
                    let Some((index, subtree)) = queue.lock().expect("lock").pop() else { return };
                    match search::read_subtree(&mut conn, query, &subtree, cancel, &|n| counter.add(n)) {
                        Ok(read) => results.lock().expect("lock").push((index, read)),
                        Err(e) => return record(first_error, e, cancel),
                    }
                }
            });
        }
    });
    if cancel.load(Ordering::Relaxed) {
        return Err(LdapError::Cancelled);
    }
    if let Some(error) = first_error.into_inner().expect("lock") {
        return Err(error);
    }
    let mut results = results.into_inner().expect("lock");
    results.sort_by_key(|(index, _)| *index);
    let mut seen = HashSet::new();
    let mut references: Vec<Reference> = Vec::new();
    let mut objects = Vec::new();
    for (_, read) in results {
        objects.extend(read.objects.into_iter().filter(|o| seen.insert(DnKey::of(o.dn()))));
        for reference in read.references {
            let reference = Reference::new(url, &reference);
            if !references.contains(&reference) {
                references.push(reference);
            }
        }
    }
    progress.advanced(url, objects.len() as u64, 0);
    Ok(ForestRead { objects, base, references })
}

fn record(slot: &Mutex<Option<LdapError>>, error: LdapError, cancel: &AtomicBool) {
    let error = if cancel.load(Ordering::Relaxed) { LdapError::Cancelled } else { error };
    slot.lock().expect("lock").get_or_insert(error);
}

/// Objects read so far for one source, reported every so often.
struct Counter<'a> {
    url: &'a str,
    progress: &'a dyn Progress,
    read: Mutex<u64>,
}

impl Counter<'_> {
    fn add(&self, objects: u64) {
        let mut read = self.read.lock().expect("lock");
        *read += objects;
        self.progress.advanced(self.url, *read, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_to_a_child_domain_makes_the_scan_partial_unless_another_source_reads_it() {
        let root = "ldaps://dc1.contoso.com";
        let references = || {
            vec![
                Reference::new(root, "ldap://contoso.com/CN=Configuration,DC=contoso,DC=com??base"),
                Reference::new(root, "ldap://emea.contoso.com/DC=emea,DC=contoso,DC=com"),
                // A second DC of the root domain refers to the same child.
                Reference::new("ldaps://dc2.contoso.com", "ldap://emea.contoso.com/DC=emea,DC=contoso,DC=com"),
            ]
        };
        let empty =
            || LdapSnapshot { objects: Vec::new(), sources: Vec::new(), failures: Vec::new(), not_read: Vec::new() };
        let root_only = ["DC=contoso,DC=com".to_owned()];

        let mut snapshot = empty();
        let error = settle_references(&mut snapshot, references(), &root_only, false).unwrap_err();
        assert_eq!(
            error.to_string(),
            "ldaps://dc1.contoso.com: the server referred part of the search to \
             ldap://emea.contoso.com/DC=emea,DC=contoso,DC=com: the objects there (a child domain?) were not read. \
             syncready does not follow referrals with your credentials: scan that domain's DC too (another --ldap), \
             or pass --allow-partial"
        );

        let mut partial = empty();
        settle_references(&mut partial, references(), &root_only, true).unwrap();
        assert_eq!(partial.failures.len(), 1);
        assert_eq!(
            partial.not_read.iter().map(Reference::describe).collect::<Vec<_>>(),
            [
                "ldaps://dc1.contoso.com: ldap://contoso.com/CN=Configuration,DC=contoso,DC=com??base (the \
                 configuration partition, no users, contacts or groups; not followed)",
                "ldaps://dc1.contoso.com: ldap://emea.contoso.com/DC=emea,DC=contoso,DC=com (another naming context \
                 (a child domain?) whose objects were not checked; not followed)",
            ]
        );

        // The child domain's own DC given too: nothing is missing, and only the configuration
        // partition is listed.
        let mut whole = empty();
        let both = ["DC=contoso,DC=com".to_owned(), "DC=emea,DC=contoso,DC=com".to_owned()];
        settle_references(&mut whole, references(), &both, false).unwrap();
        assert!(whole.failures.is_empty());
        assert_eq!(whole.not_read.iter().map(|r| r.partition).collect::<Vec<_>>(), [Partition::Configuration]);
    }
}
