//! The terminal progress bar: bytes read per source (objects and rate in the message), drawn
//! only when stderr is a terminal.

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
