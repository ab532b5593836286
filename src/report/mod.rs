//! Reports written from a scan: `findings.csv` (IdFix's columns and ours) and `summary.csv`
//! (counts by error name and object class, by rule, by OU), both written atomically.

pub mod csv;
pub mod summary;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}:{line}: {message}")]
    Row { path: PathBuf, line: u64, message: String },
    #[error("summary: {0}")]
    Summary(String),
}

/// A count with its noun for people to read: "1 blocker", "2 blockers".
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// Writes a CSV report: UTF-8 with a BOM (so Excel shows accents), CRLF rows, RFC 4180
/// quoting, every cell neutralized against formula injection.
pub fn write_csv<Row, Cell>(
    path: &Path,
    header: &[&str],
    rows: impl IntoIterator<Item = Row>,
) -> Result<(), ReportError>
where
    Row: IntoIterator<Item = Cell>,
    Cell: AsRef<str>,
{
    write_atomically(path, |out| {
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

/// Writes a file through a temporary sibling renamed into place, so a failed run never leaves
/// a partial report where a complete one is expected.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> Result<(), ReportError> {
    let io_error = |source| ReportError::Io { path: path.to_owned(), source };
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".partial");
    let temporary = PathBuf::from(temporary);
    let result = File::create(&temporary).and_then(|file| {
        let mut writer = BufWriter::with_capacity(1 << 20, file);
        write(&mut writer)?;
        writer.flush()?;
        writer.get_ref().sync_all()
    });
    if let Err(source) = result {
        let _ = std::fs::remove_file(&temporary);
        return Err(io_error(source));
    }
    std::fs::rename(&temporary, path).map_err(io_error)
}
