//! Sources of directory objects: LDIF and csvde exports, the built-in demo and live
//! directories over LDAP, all read by [`read_all`] into one immutable `Snapshot` (what more
//! than one source holds merged into one object), with progress reported as they go.

pub mod csvde;
pub(crate) mod domains;
pub mod generate;
pub mod ldap;
pub mod ldif;
pub(crate) mod ldif_write;
pub(crate) mod merge;
mod progress;
pub mod tenant;

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use crate::model::{AttrName, DirObject};
use ldap::{LdapError, LdapOptions, Reference, read_ldap};
pub use progress::{NoProgress, Progress};

/// Why a source could not be read. Every variant names the file; parse errors name the line.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The OS error is part of the message and not a source, so that it is printed once.
    #[error("{path}: {error}")]
    Io { path: PathBuf, error: std::io::Error },
    #[error("{path}:{line}: {message}")]
    Syntax { path: PathBuf, line: u64, message: String },
    #[error("{path}: {message}")]
    Content { path: PathBuf, message: String },
    #[error("{source_name}: cancelled")]
    Cancelled { source_name: String },
    #[error(transparent)]
    Ldap(#[from] LdapError),
}

/// Where objects come from.
#[derive(Clone)]
pub enum SourceSpec {
    Ldif(PathBuf),
    Csvde(PathBuf),
    /// The demo directory compiled into the binary.
    Demo,
    /// Live directories: every URL of the options, read side by side.
    Ldap(LdapOptions),
}

/// Names the source; a directory by its URLs, never its credentials.
impl std::fmt::Debug for SourceSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SourceSpec::Ldif(path) => f.debug_tuple("Ldif").field(path).finish(),
            SourceSpec::Csvde(path) => f.debug_tuple("Csvde").field(path).finish(),
            SourceSpec::Demo => f.write_str("Demo"),
            SourceSpec::Ldap(options) => f.debug_tuple("Ldap").field(&options.urls).finish(),
        }
    }
}

/// The demo directory (`fixtures/demo/demo.ldif`), embedded so the binary runs anywhere.
pub const DEMO_LDIF: &str = include_str!("../../fixtures/demo/demo.ldif");

/// What one source contributed.
#[derive(Debug, Clone)]
pub struct SourceSummary {
    pub name: String,
    pub objects: u64,
    pub bytes: u64,
}

/// Everything read from all sources, in source order.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub objects: Vec<DirObject>,
    pub sources: Vec<SourceSummary>,
}

/// What a read of every source gave: the snapshot, and what could not be read.
#[derive(Debug, Default)]
pub struct SourceRead {
    pub snapshot: Snapshot,
    /// Live sources that failed, when partial results were allowed.
    pub failures: Vec<LdapError>,
    /// The continuation references that no source read, each once.
    pub not_read: Vec<Reference>,
    /// Objects more than one source held (the same objectGUID or DN), kept once.
    pub seen_twice: u64,
}

/// Reads the files and the demo in order, then every directory side by side, and merges
/// what more than one source holds. A failed source stops the read, except a directory when
/// `allow_partial` is set: its failure is recorded and the others' objects are kept.
pub fn read_all(
    specs: &[SourceSpec],
    progress: &dyn Progress,
    cancel: &AtomicBool,
    allow_partial: bool,
) -> Result<SourceRead, SourceError> {
    let mut read = SourceRead { snapshot: read_files(specs, progress)?, ..SourceRead::default() };
    let directories: Vec<&LdapOptions> = specs
        .iter()
        .filter_map(|spec| if let SourceSpec::Ldap(options) = spec { Some(options) } else { None })
        .collect();
    let live: Vec<_> = std::thread::scope(|scope| {
        let reads: Vec<_> = directories
            .iter()
            .map(|options| scope.spawn(|| read_ldap(options, progress, cancel, allow_partial)))
            .collect();
        reads.into_iter().map(|read| read.join().unwrap_or(Err(LdapError::WorkerPanicked))).collect()
    });
    for live in live {
        let live = live?;
        read.snapshot.objects.extend(live.objects);
        read.snapshot.sources.extend(live.sources);
        read.failures.extend(live.failures);
        read.not_read.extend(live.not_read);
    }
    read.seen_twice = merge::merge_sources(&mut read.snapshot)?;
    Ok(read)
}

/// Reads every source into one snapshot, stopping at the first error (no partial results).
pub fn read_sources(specs: &[SourceSpec], progress: &dyn Progress) -> Result<Snapshot, SourceError> {
    Ok(read_all(specs, progress, &AtomicBool::new(false), false)?.snapshot)
}

fn read_files(specs: &[SourceSpec], progress: &dyn Progress) -> Result<Snapshot, SourceError> {
    let mut snapshot = Snapshot::default();
    for spec in specs {
        let before = snapshot.objects.len();
        let (name, bytes) = match spec {
            SourceSpec::Ldap(_) => continue,
            SourceSpec::Ldif(path) => {
                let (file, total) = open(path)?;
                let name = path.display().to_string();
                progress.started(&name, total);
                let advanced = |count, bytes| advance(progress, &name, count, bytes);
                let (objects, bytes) = ldif::read_file(file, total, path, advanced)?;
                if snapshot.objects.is_empty() {
                    snapshot.objects = objects; // not copied: a million objects are 56 MB
                } else {
                    snapshot.objects.extend(objects);
                }
                (name, bytes)
            }
            SourceSpec::Csvde(path) => {
                let (file, total) = open(path)?;
                let mut reader = csvde::CsvdeReader::new(BufReader::new(file), path)?;
                let name = path.display().to_string();
                let bytes = collect(&mut reader, &name, total, progress, &mut snapshot.objects)?;
                (name, bytes)
            }
            SourceSpec::Demo => {
                let mut reader = ldif::LdifReader::new(DEMO_LDIF.as_bytes(), Path::new("demo.ldif"));
                let name = "demo directory (built in)".to_owned();
                let bytes = collect(&mut reader, &name, Some(DEMO_LDIF.len() as u64), progress, &mut snapshot.objects)?;
                (name, bytes)
            }
        };
        if !snapshot.objects[before..].iter().any(|o| o.has(&AttrName::ObjectClass)) {
            return Err(SourceError::Content {
                path: PathBuf::from(&name),
                message: "no object in it has objectClass, so none can be checked (a user cannot be told from a \
                          computer): export objectClass too (ldifde -l \"objectClass,...\")"
                    .into(),
            });
        }
        let objects = (snapshot.objects.len() - before) as u64;
        snapshot.sources.push(SourceSummary { name, objects, bytes });
    }
    Ok(snapshot)
}

/// Opens a file, with its size when known.
fn open(path: &Path) -> Result<(File, Option<u64>), SourceError> {
    let file = File::open(path).map_err(|source| SourceError::Io { path: path.to_owned(), error: source })?;
    let size = file.metadata().ok().map(|m| m.len());
    Ok((file, size))
}

/// A reader that yields objects and can say how far into its input it is.
pub trait ObjectReader: Iterator<Item = Result<DirObject, SourceError>> {
    fn bytes_read(&self) -> u64;
}

/// The next item of a reader that stops for good after its first error, so that nothing is
/// ever read past a malformation.
fn fused_next(
    failed: &mut bool,
    read: impl FnOnce() -> Result<Option<DirObject>, SourceError>,
) -> Option<Result<DirObject, SourceError>> {
    if *failed {
        return None;
    }
    let result = read().transpose();
    *failed = matches!(result, Some(Err(_)));
    result
}

fn collect(
    reader: &mut dyn ObjectReader,
    name: &str,
    total_bytes: Option<u64>,
    progress: &dyn Progress,
    into: &mut Vec<DirObject>,
) -> Result<u64, SourceError> {
    let mut count = 0u64;
    progress.started(name, total_bytes);
    while let Some(object) = reader.next() {
        into.push(object?);
        count += 1;
        if count.is_multiple_of(4096) {
            advance(progress, name, count, reader.bytes_read())?;
        }
    }
    progress.advanced(name, count, reader.bytes_read());
    Ok(reader.bytes_read())
}

/// Tells `progress` how far a source is, and stops the read when it was cancelled.
fn advance(progress: &dyn Progress, name: &str, objects: u64, bytes: u64) -> Result<(), SourceError> {
    progress.advanced(name, objects, bytes);
    if progress.cancelled() {
        return Err(SourceError::Cancelled { source_name: name.to_owned() });
    }
    Ok(())
}
