//! The review's export and import on a worker thread: writing or reading a million rows never
//! freezes the window. The window polls the job each frame, shows how many rows an export has
//! written, and takes its answer.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, channel};

use eframe::egui;

use super::review_files;
use super::worker::answer;
use crate::fix::Action;
use crate::report::page::report::ReportContext;
use crate::rules::Finding;

/// What a finished job gives the window.
pub enum FileJobDone {
    /// The status line of an export.
    Exported(String),
    /// The status line of an import and the review's decisions with the file's taken in.
    Imported { message: String, decisions: Vec<Action> },
}

/// Which way a job moves the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Export,
    Import,
}

/// An export or import on its worker, for the findings it was started on.
pub struct FileJob {
    receiver: Receiver<Result<FileJobDone, String>>,
    direction: Direction,
    findings: Arc<Vec<Finding>>,
    /// The rows an export has made so far.
    rows_done: Arc<AtomicUsize>,
}

impl FileJob {
    /// Writes the review (`decisions` of `findings`) to `path`; a `.html` path gets the scan's
    /// report page (`report` is the scan's).
    pub fn export(
        path: PathBuf,
        findings: Arc<Vec<Finding>>,
        decisions: Vec<Action>,
        report: Option<Arc<ReportContext>>,
        ctx: &egui::Context,
    ) -> FileJob {
        let (job_findings, rows_done) = (findings.clone(), Arc::new(AtomicUsize::new(0)));
        let counted = rows_done.clone();
        FileJob::spawn(Direction::Export, findings, rows_done, ctx, move || {
            let row_done = || {
                counted.fetch_add(1, Ordering::Relaxed);
            };
            review_files::export(&path, &job_findings, &decisions, report.as_deref(), &row_done)
                .map(FileJobDone::Exported)
        })
    }

    /// Takes the decisions of the reviewed CSV at `path` into a copy of `decisions`.
    pub fn import(
        path: PathBuf,
        findings: Arc<Vec<Finding>>,
        mut decisions: Vec<Action>,
        ctx: &egui::Context,
    ) -> FileJob {
        let job_findings = findings.clone();
        FileJob::spawn(Direction::Import, findings, Arc::default(), ctx, move || {
            let message = review_files::import(&path, &job_findings, &mut decisions)?;
            Ok(FileJobDone::Imported { message, decisions })
        })
    }

    fn spawn(
        direction: Direction,
        findings: Arc<Vec<Finding>>,
        rows_done: Arc<AtomicUsize>,
        ctx: &egui::Context,
        job: impl FnOnce() -> Result<FileJobDone, String> + Send + 'static,
    ) -> FileJob {
        let (sender, receiver) = channel();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let _ = sender.send(job());
            ctx.request_repaint();
        });
        FileJob { receiver, direction, findings, rows_done }
    }

    /// The rows an export has made so far, and of how many (none for an import, and for the
    /// files an export does not write row by row).
    pub fn rows_done(&self) -> Option<(usize, usize)> {
        let done = self.rows_done.load(Ordering::Relaxed);
        (done > 0).then_some((done, self.findings.len()))
    }

    /// The job's answer once it has one (a worker that died is an error).
    pub fn poll(&self) -> Option<Result<FileJobDone, String>> {
        let job = match self.direction {
            Direction::Export => "export",
            Direction::Import => "import",
        };
        answer(&self.receiver, job)
    }

    /// Whether the job ran on `findings` (a scan since then replaced them).
    pub fn is_for(&self, findings: &Arc<Vec<Finding>>) -> bool {
        Arc::ptr_eq(&self.findings, findings)
    }

    /// "Export failed" or "Import failed".
    pub fn failed(&self) -> &'static str {
        match self.direction {
            Direction::Export => "Export failed",
            Direction::Import => "Import failed",
        }
    }
}
