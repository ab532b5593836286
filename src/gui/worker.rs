//! The scan worker: reads the chosen sources (files, the demo, or each connection profile's
//! directory in parallel, through the same `read_all` as the CLI) and runs the ruleset on its
//! own thread. Counts it shares through [`ScanProgress`] (objects per source, findings so
//! far); the result comes over a channel.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use eframe::egui;

use crate::model::DirObject;
use crate::report::page::report::ReportContext;
use crate::rules::{Finding, Ruleset, RulesetOptions, ScanStats, scan_counting};
use crate::source::{Progress, SourceSpec, SourceSummary, read_all};

/// A finished scan: the objects (for the details panel), their findings and the counts.
pub struct ScanDone {
    pub objects: Vec<DirObject>,
    pub findings: Vec<Finding>,
    pub stats: ScanStats,
    pub sources: Vec<SourceSummary>,
    pub ruleset: Ruleset,
    /// What an exported report.html shows besides the findings.
    pub report: ReportContext,
}

/// One source as it is read.
#[derive(Clone)]
pub struct SourceProgress {
    pub name: String,
    pub objects: u64,
    pub started: Instant,
}

impl SourceProgress {
    /// Objects read per second so far.
    pub fn rate(&self) -> f64 {
        self.objects as f64 / self.started.elapsed().as_secs_f64().max(0.001)
    }
}

/// What a running scan has done so far; the UI reads it every frame.
#[derive(Default)]
pub struct ScanProgress {
    sources: Mutex<Vec<SourceProgress>>,
    /// Findings reported by the checks so far.
    pub findings: AtomicUsize,
    /// Set once every source is read and the checks run.
    pub checking: AtomicBool,
    pub cancel: AtomicBool,
}

impl ScanProgress {
    pub fn sources(&self) -> Vec<SourceProgress> {
        self.sources.lock().expect("progress lock").clone()
    }
}

/// Reports to the UI through the shared counts.
struct SharedProgress<'a> {
    state: &'a ScanProgress,
    ctx: &'a egui::Context,
}

impl Progress for SharedProgress<'_> {
    fn started(&self, source: &str, _total_bytes: Option<u64>) {
        let entry = SourceProgress { name: source.to_owned(), objects: 0, started: Instant::now() };
        self.state.sources.lock().expect("progress lock").push(entry);
        self.ctx.request_repaint();
    }

    fn advanced(&self, source: &str, objects: u64, _bytes: u64) {
        let mut sources = self.state.sources.lock().expect("progress lock");
        if let Some(entry) = sources.iter_mut().rev().find(|s| s.name == source) {
            entry.objects = objects;
        }
    }

    fn cancelled(&self) -> bool {
        self.state.cancel.load(Ordering::Relaxed)
    }
}

/// A worker's answer once it has one: `None` while it runs, an error when it ended without
/// answering (it panicked), so a dead worker never looks like one still at work.
pub fn answer<T>(receiver: &Receiver<Result<T, String>>, job: &str) -> Option<Result<T, String>> {
    match receiver.try_recv() {
        Ok(result) => Some(result),
        Err(TryRecvError::Empty) => None,
        Err(TryRecvError::Disconnected) => {
            Some(Err(format!("the {job} stopped unexpectedly: its worker ended without an answer")))
        }
    }
}

/// What the scan worker runs: builds the ruleset (reading a tenant export, which can be large),
/// reads the sources and checks them.
pub type Scanner = fn(&[SourceSpec], &RulesetOptions, &ScanProgress, &egui::Context) -> Result<ScanDone, String>;

/// Starts `scanner` on `specs` (files, the demo, or one directory per connection profile,
/// read side by side).
pub fn spawn_scan(
    scanner: Scanner,
    specs: Vec<SourceSpec>,
    options: RulesetOptions,
    ctx: egui::Context,
    state: Arc<ScanProgress>,
) -> Receiver<Result<ScanDone, String>> {
    let (sender, receiver) = channel();
    std::thread::spawn(move || {
        let result = scanner(&specs, &options, &state, &ctx);
        let _ = sender.send(result);
        ctx.request_repaint();
    });
    receiver
}

/// The scanner the app runs.
pub fn read_and_check(
    specs: &[SourceSpec],
    options: &RulesetOptions,
    state: &ScanProgress,
    ctx: &egui::Context,
) -> Result<ScanDone, String> {
    let progress = SharedProgress { state, ctx };
    let (ruleset, read) = options
        .build_while(|_| read_all(specs, &progress, &state.cancel, false))
        .map_err(|e| format!("Ruleset: {e}"))?;
    let ruleset = &ruleset;
    let snapshot = read.map_err(|e| e.to_string())?.snapshot;
    if state.cancel.load(Ordering::Relaxed) {
        return Err("cancelled".to_owned());
    }
    crate::rules::tenant::check_coverage(&snapshot.objects, ruleset)?;
    state.checking.store(true, Ordering::Relaxed);
    let result = scan_counting(&snapshot.objects, ruleset, &state.findings);
    let report = ReportContext::of(&snapshot.objects, &result, &snapshot.sources, ruleset, &[], &[])
        .map_err(|e| e.to_string())?;
    Ok(ScanDone {
        objects: snapshot.objects,
        findings: result.findings,
        stats: result.stats,
        sources: snapshot.sources,
        ruleset: ruleset.clone(),
        report,
    })
}
