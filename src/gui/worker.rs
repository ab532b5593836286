//! The scan worker: reads the chosen source and runs the ruleset on its own thread, sending
//! progress and the result over a channel and waking the UI.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};

use eframe::egui;

use crate::model::DirObject;
use crate::rules::{Finding, Ruleset, ScanStats, scan};
use crate::source::{Progress, SourceSpec, read_sources};

/// A finished scan: the objects (for the details panel), their findings and the counts.
pub struct ScanDone {
    pub objects: Vec<DirObject>,
    pub findings: Vec<Finding>,
    pub stats: ScanStats,
}

/// What the worker tells the UI.
pub enum WorkerMessage {
    Progress { source: String, objects: u64 },
    Done(Result<ScanDone, String>),
}

struct ChannelProgress {
    sender: Mutex<Sender<WorkerMessage>>,
    ctx: egui::Context,
    cancel: Arc<AtomicBool>,
}

impl Progress for ChannelProgress {
    fn advanced(&self, source: &str, objects: u64, _bytes: u64) {
        let _ = self.sender.lock().expect("lock").send(WorkerMessage::Progress { source: source.to_owned(), objects });
        self.ctx.request_repaint();
    }
}

/// Starts a scan of `specs`; `cancel` stops it between sources.
pub fn spawn_scan(
    specs: Vec<SourceSpec>,
    ruleset: Ruleset,
    ctx: egui::Context,
    cancel: Arc<AtomicBool>,
) -> Receiver<WorkerMessage> {
    let (sender, receiver) = channel();
    std::thread::spawn(move || {
        let progress = ChannelProgress { sender: Mutex::new(sender.clone()), ctx: ctx.clone(), cancel: cancel.clone() };
        let result = read_sources(&specs, &progress).map_err(|e| e.to_string()).and_then(|snapshot| {
            if progress.cancel.load(Ordering::Relaxed) {
                return Err("cancelled".to_owned());
            }
            let result = scan(&snapshot.objects, &ruleset);
            Ok(ScanDone { objects: snapshot.objects, findings: result.findings, stats: result.stats })
        });
        let _ = sender.send(WorkerMessage::Done(result));
        ctx.request_repaint();
    });
    receiver
}
