//! Sources of directory objects: LDIF and csvde exports (and, later, live LDAP), all read into
//! one immutable `Snapshot`, with progress reported as they go.

pub mod csvde;
pub mod domains;
pub mod generate;
pub mod ldap;
pub mod ldif;
pub mod ldif_write;
pub mod merge;
mod progress;

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use crate::model::{AttrName, DirObject};
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
}

/// Where objects come from.
#[derive(Debug, Clone)]
pub enum SourceSpec {
    Ldif(PathBuf),
    Csvde(PathBuf),
    /// The demo directory compiled into the binary.
    Demo,
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

/// Reads every source into one snapshot, stopping at the first error.
pub fn read_sources(specs: &[SourceSpec], progress: &dyn Progress) -> Result<Snapshot, SourceError> {
    let mut snapshot = Snapshot::default();
    for spec in specs {
        let before = snapshot.objects.len();
        let (name, total, mut reader): (String, Option<u64>, Box<dyn ObjectReader>) = match spec {
            SourceSpec::Ldif(path) => {
                let (file, total) = open(path)?;
                let reader = ldif::LdifReader::new(BufReader::with_capacity(1 << 20, file), path);
                (path.display().to_string(), total, Box::new(reader))
            }
            SourceSpec::Csvde(path) => {
                let (file, total) = open(path)?;
                let reader = csvde::CsvdeReader::new(BufReader::new(file), path)?;
                (path.display().to_string(), total, Box::new(reader))
            }
            SourceSpec::Demo => {
                let reader = ldif::LdifReader::new(DEMO_LDIF.as_bytes(), Path::new("demo.ldif"));
                ("demo directory (built in)".to_owned(), Some(DEMO_LDIF.len() as u64), Box::new(reader))
            }
        };
        let bytes = collect(reader.as_mut(), &name, total, progress, &mut snapshot.objects)?;
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
            progress.advanced(name, count, reader.bytes_read());
            if progress.cancelled() {
                return Err(SourceError::Cancelled { source_name: name.to_owned() });
            }
        }
    }
    progress.advanced(name, count, reader.bytes_read());
    Ok(reader.bytes_read())
}
