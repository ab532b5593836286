//! What the commands print on standard output. A reader that stops reading (`syncready scan |
//! head -1`, a closed console) ends the printing quietly instead of a panic: the run goes on
//! to its end, so its reports are whole and its exit code is its own.

use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once standard output is gone; nothing more is printed then.
static CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `text` to standard output unless it is closed.
pub fn print(text: std::fmt::Arguments) {
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if out.write_fmt(text).and_then(|()| out.flush()).is_err() {
        // A closed pipe or console (or a full disk behind a redirect): stop printing, carry on.
        CLOSED.store(true, Ordering::Relaxed);
    }
}

/// `println!` that ends quietly on a closed standard output.
macro_rules! outln {
    ($($arg:tt)*) => { $crate::cli::output::print(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `print!` that ends quietly on a closed standard output.
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::output::print(format_args!($($arg)*)) };
}

pub(crate) use {out, outln};
