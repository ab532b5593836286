//! Ctrl-C: a run stops at once with exit code 130 and a line saying what that left behind,
//! except while it finishes its reports, when the interruption waits for them to be either
//! all in place or all discarded (no `.partial` file, no new report beside an old one).

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// The exit code of a program ended by Ctrl-C (128 + SIGINT), as shells report it.
pub const EXIT_CODE: i32 = 130;

static DEFERRING: AtomicBool = AtomicBool::new(false);
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static CONSEQUENCE: Mutex<Option<String>> = Mutex::new(None);

/// Installs the handler; what an interruption leaves is "nothing was written" until
/// [`set_consequence`] says otherwise.
pub fn install() {
    // A second handler cannot be installed (tests call `run` more than once): keep the first.
    let _ = ctrlc::set_handler(|| {
        INTERRUPTED.store(true, Ordering::SeqCst);
        if !DEFERRING.load(Ordering::SeqCst) {
            exit();
        }
    });
}

/// Says what an interruption from now on leaves behind (for an apply: a journal to resume).
pub fn set_consequence(text: String) {
    *CONSEQUENCE.lock().unwrap_or_else(|e| e.into_inner()) = Some(text);
}

fn exit() -> ! {
    let consequence = CONSEQUENCE.lock().unwrap_or_else(|e| e.into_inner()).clone();
    eprintln!("syncready: interrupted; {}", consequence.as_deref().unwrap_or("nothing was written"));
    std::process::exit(EXIT_CODE)
}

/// What a deferred step returns when it saw an interruption and undid its work.
#[derive(Debug, thiserror::Error)]
#[error("interrupted")]
pub struct Interrupted;

/// Runs `finish` with Ctrl-C held back. `finish` gets a check to call before its point of no
/// return: `true` when an interruption arrived, and it should then undo its work and return
/// [`Interrupted`], which ends the run with exit code 130. An interruption after that point
/// comes too late to matter: the run goes on.
pub fn deferred<T>(finish: impl FnOnce(&dyn Fn() -> bool) -> anyhow::Result<T>) -> anyhow::Result<T> {
    DEFERRING.store(true, Ordering::SeqCst);
    let result = finish(&|| INTERRUPTED.load(Ordering::SeqCst));
    DEFERRING.store(false, Ordering::SeqCst);
    if result.as_ref().is_err_and(|e| e.is::<Interrupted>()) {
        exit();
    }
    result
}
