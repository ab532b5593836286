//! The progress interface every source reports through (the CLI draws a bar, the GUI a
//! panel). Implementations must be cheap: they are called every few thousand objects.

/// Receives progress from sources while they read.
pub trait Progress: Sync {
    /// A source starts; `total_bytes` is its size when known.
    fn started(&self, _source: &str, _total_bytes: Option<u64>) {}
    /// A source has read `objects` objects and `bytes` bytes so far.
    fn advanced(&self, _source: &str, _objects: u64, _bytes: u64) {}
    /// Whether the reader should stop (asked between batches of objects).
    fn cancelled(&self) -> bool {
        false
    }
}

/// Progress that goes nowhere (tests, quiet runs).
pub struct NoProgress;

impl Progress for NoProgress {}
