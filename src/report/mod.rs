//! Reports written from a scan: `findings.csv` (IdFix's columns and ours) and `summary.csv`
//! (counts by error name and object class, by rule, by OU). A run's reports are a
//! [`ReportSet`]: each written to a temporary file, then all renamed into place together, or
//! none.

pub mod baseline;
pub mod csv;
pub mod engine;
pub mod page;
pub mod summary;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The OS error is part of the message and not a source, so that it is printed once.
    #[error("{path}: {error}")]
    Io { path: PathBuf, error: std::io::Error },
    #[error("{path}:{line}: {message}")]
    Row { path: PathBuf, line: u64, message: String },
    #[error("summary: {0}")]
    Summary(String),
}

/// A count with its noun for people to read: "1 blocker", "2 blockers".
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// The reports of one run, written to temporary files that [`ReportSet::commit`] renames into
/// place one after the other; dropped before that, it removes them and leaves every earlier
/// report as it was.
#[derive(Debug, Default)]
pub struct ReportSet {
    /// (temporary file, report) in the order written.
    staged: Vec<(PathBuf, PathBuf)>,
    /// Reports of an earlier run that this one replaces with nothing, removed on commit.
    stale: Vec<PathBuf>,
}

impl ReportSet {
    /// A set of the one report `write` adds, put in place at once.
    pub fn alone(write: impl FnOnce(&mut ReportSet) -> Result<(), ReportError>) -> Result<(), ReportError> {
        let mut reports = ReportSet::default();
        write(&mut reports)?;
        reports.commit()
    }

    /// Writes a file's content to its temporary file, synced to disk.
    pub fn file(
        &mut self,
        path: &Path,
        write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
    ) -> Result<(), ReportError> {
        let io_error = |source| ReportError::Io { path: path.to_owned(), error: source };
        let (temporary, file) = create_temporary(path).map_err(io_error)?;
        self.staged.push((temporary, path.to_owned()));
        let mut writer = BufWriter::with_capacity(1 << 20, file);
        write(&mut writer).and_then(|()| writer.flush()).and_then(|()| writer.get_ref().sync_all()).map_err(io_error)
    }

    /// A CSV report: UTF-8 with a BOM (so Excel shows accents), CRLF rows, RFC 4180 quoting,
    /// every cell neutralized against formula injection.
    pub fn csv<Row, Cell>(
        &mut self,
        path: &Path,
        header: &[&str],
        rows: impl IntoIterator<Item = Row>,
    ) -> Result<(), ReportError>
    where
        Row: IntoIterator<Item = Cell>,
        Cell: AsRef<str>,
    {
        self.file(path, |out| {
            out.write_all("\u{feff}".as_bytes())?;
            let mut writer = ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(out);
            writer.write_record(header)?;
            for row in rows {
                let cells: Vec<String> = row.into_iter().map(|c| csv::neutralize(c.as_ref()).into_owned()).collect();
                writer.write_record(&cells)?;
            }
            writer.flush()?;
            Ok(())
        })
    }

    /// Removes `path`, a report of an earlier run that this run has no counterpart for, when
    /// the set is committed.
    pub fn remove_stale(&mut self, path: &Path) {
        self.stale.push(path.to_owned());
    }

    /// Puts every report in place, then removes the stale ones.
    pub fn commit(mut self) -> Result<(), ReportError> {
        for (temporary, path) in std::mem::take(&mut self.staged) {
            if let Err(source) = std::fs::rename(&temporary, &path) {
                let _ = std::fs::remove_file(&temporary);
                return Err(ReportError::Io { path, error: source });
            }
        }
        for path in std::mem::take(&mut self.stale) {
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(ReportError::Io { path, error: e });
                }
                _ => {}
            }
        }
        Ok(())
    }
}

impl Drop for ReportSet {
    fn drop(&mut self) {
        for (temporary, _) in &self.staged {
            let _ = std::fs::remove_file(temporary);
        }
    }
}

/// Creates the temporary sibling of `path` that a report is written to: a new file of this
/// process's own (`findings.csv.<pid>-<n>.partial`), never an existing one and never through a
/// link planted in a shared folder.
fn create_temporary(path: &Path) -> std::io::Result<(PathBuf, File)> {
    let mut attempt = 0;
    loop {
        let mut name = path.as_os_str().to_owned();
        name.push(format!(".{}-{attempt}.partial", std::process::id()));
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&name) {
            Ok(file) => return Ok((PathBuf::from(name), file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_link_planted_where_the_temporary_file_goes_is_never_written_through() {
        let dir = std::env::temp_dir().join(format!("syncready-planted-link-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let victim = dir.join("victim.txt");
        std::fs::write(&victim, "keep me").unwrap();
        let report = dir.join("findings.csv");
        for attempt in 0..3 {
            let planted = dir.join(format!("findings.csv.{}-{attempt}.partial", std::process::id()));
            std::os::unix::fs::symlink(&victim, planted).unwrap();
        }
        ReportSet::alone(|reports| reports.file(&report, |w| w.write_all(b"report"))).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
        assert_eq!(std::fs::read_to_string(&report).unwrap(), "report");
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left.len(), 5, "the victim, the report and the three links: {left:?}");
    }
}
