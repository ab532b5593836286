//! Native file dialogs (rfd) that never block the window: the dialog is created on the UI
//! thread (as macOS requires), awaited on a helper thread, and its answer picked up by
//! [`FileDialogs::poll`] on a later frame. A dialog that answers "nothing" at once did not open
//! (a Linux desktop without a file-chooser portal or zenity): the app says so, and the typed
//! path keeps working.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use eframe::egui;

/// Which field a chosen path goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileTarget {
    SourceFiles,
    CaFile(usize),
    RulesetFile,
    VerifiedDomainsFile,
    Export,
    Import,
    Journal,
    MigrationConfig,
    /// The folder of a tenant export.
    TenantExport,
}

impl FileTarget {
    fn filter(self) -> (&'static str, &'static [&'static str]) {
        match self {
            FileTarget::SourceFiles => ("LDIF or csvde export", &["ldf", "ldif", "csv"]),
            FileTarget::CaFile(_) => ("PEM certificates", &["pem", "crt", "cer"]),
            FileTarget::RulesetFile => ("Ruleset", &["toml"]),
            FileTarget::VerifiedDomainsFile => ("Domain list or CSV", &["txt", "csv"]),
            FileTarget::Export => ("Review (CSV, LDIF or JSON)", &["csv", "ldif", "json"]),
            FileTarget::Import => ("Reviewed CSV", &["csv"]),
            FileTarget::Journal => ("syncready journal", &["jsonl"]),
            FileTarget::MigrationConfig => ("Connect Sync export", &["xml", "json"]),
            FileTarget::TenantExport => ("Tenant export", &["json", "csv"]),
        }
    }
}

/// Faster than a person can cancel: the dialog never showed.
const NO_DIALOG: Duration = Duration::from_millis(700);

/// What an open dialog answered.
pub enum Answer {
    Chosen(FileTarget, Vec<PathBuf>),
    Cancelled,
    /// It answered before anyone could have seen it: no native dialog on this desktop.
    NoDialog,
}

#[derive(Default)]
pub struct FileDialogs {
    pending: Option<(FileTarget, Receiver<Vec<PathBuf>>, Instant)>,
}

impl FileDialogs {
    pub fn is_open(&self) -> bool {
        self.pending.is_some()
    }

    /// Opens a dialog for `target` in `folder`: "save as" for exports, several files for
    /// sources, one file otherwise.
    pub fn open(&mut self, target: FileTarget, folder: &str, ctx: &egui::Context) {
        if self.is_open() {
            return;
        }
        let (name, extensions) = target.filter();
        let mut dialog = rfd::AsyncFileDialog::new().add_filter(name, extensions).add_filter("All files", &["*"]);
        if !folder.is_empty() {
            dialog = dialog.set_directory(folder);
        }
        let (sender, receiver) = channel();
        let ctx = ctx.clone();
        let send = move |paths: Vec<PathBuf>| {
            let _ = sender.send(paths);
            ctx.request_repaint();
        };
        match target {
            FileTarget::SourceFiles => {
                let future = dialog.pick_files();
                std::thread::spawn(move || {
                    let files = pollster::block_on(future).unwrap_or_default();
                    send(files.iter().map(|f| f.path().to_owned()).collect());
                });
            }
            FileTarget::MigrationConfig | FileTarget::TenantExport => {
                // The server export and the tenant export are folders.
                let future = dialog.pick_folder();
                std::thread::spawn(move || {
                    send(pollster::block_on(future).map(|f| f.path().to_owned()).into_iter().collect())
                });
            }
            FileTarget::Export => {
                let future = dialog.save_file();
                std::thread::spawn(move || {
                    send(pollster::block_on(future).map(|f| f.path().to_owned()).into_iter().collect())
                });
            }
            _ => {
                let future = dialog.pick_file();
                std::thread::spawn(move || {
                    send(pollster::block_on(future).map(|f| f.path().to_owned()).into_iter().collect())
                });
            }
        }
        self.pending = Some((target, receiver, Instant::now()));
    }

    /// The answer of the open dialog, once given.
    pub fn poll(&mut self) -> Option<Answer> {
        let (target, receiver, opened) = self.pending.as_ref()?;
        let paths = match receiver.try_recv() {
            Ok(paths) => paths,
            Err(std::sync::mpsc::TryRecvError::Empty) => return None,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => Vec::new(),
        };
        let answer = match (paths.is_empty(), opened.elapsed() < NO_DIALOG) {
            (false, _) => Answer::Chosen(*target, paths),
            (true, true) => Answer::NoDialog,
            (true, false) => Answer::Cancelled,
        };
        self.pending = None;
        Some(answer)
    }
}
