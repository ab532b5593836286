//! The terminal progress bars, drawn only when stderr is a terminal: bytes read per source
//! (objects and rate in the message) for a scan, changes written (rate and time left) for an
//! apply, resume or undo.

use indicatif::{ProgressBar, ProgressStyle};

use crate::source::Progress;

pub struct TerminalProgress {
    bar: ProgressBar,
}

impl TerminalProgress {
    pub fn new() -> TerminalProgress {
        TerminalProgress { bar: ProgressBar::hidden() }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for TerminalProgress {
    fn started(&self, source: &str, total_bytes: Option<u64>) {
        self.bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        self.bar.reset();
        self.bar.set_length(total_bytes.unwrap_or(0));
        self.bar.set_position(0);
        let template = "{prefix} [{bar:30}] {bytes}/{total_bytes} {msg} ({elapsed})";
        let style = ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar());
        self.bar.set_style(style.progress_chars("=> "));
        self.bar.set_prefix(source.to_owned());
    }

    fn advanced(&self, _source: &str, objects: u64, bytes: u64) {
        self.bar.set_position(bytes);
        let seconds = self.bar.elapsed().as_secs_f64().max(0.001);
        self.bar.set_message(format!("{objects} objects, {:.0}/s", objects as f64 / seconds));
    }
}

/// Changes written so far: done of total, rate and time left.
pub struct WriteProgress {
    bar: ProgressBar,
}

impl WriteProgress {
    /// A bar for `operation` (`apply`, `resume`, `undo`), drawn from the first change on.
    pub fn new(operation: &str) -> WriteProgress {
        let bar = ProgressBar::with_draw_target(Some(0), indicatif::ProgressDrawTarget::stderr());
        let template = "{prefix} [{bar:30}] {pos}/{len} changes, {per_sec}, {eta} left ({elapsed})";
        let style = ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style.progress_chars("=> "));
        bar.set_prefix(operation.to_owned());
        // A slow modify should not look like a hang: the time keeps moving.
        bar.enable_steady_tick(std::time::Duration::from_millis(500));
        WriteProgress { bar }
    }

    /// The callback the writes report to.
    pub fn update(&self, done: usize, total: usize) {
        self.bar.set_length(total as u64);
        self.bar.set_position(done as u64);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
