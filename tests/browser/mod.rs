//! The report pages in a real headless Chromium (Debian's `/usr/bin/chromium`), driven over
//! its DevTools protocol: what a page logs and fetches, what it shows, and real mouse clicks.

mod chromium;
mod pages;

pub use chromium::Chromium;
