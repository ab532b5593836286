//! syncready: finds what Entra Connect Sync or Cloud Sync would reject, rewrite or quarantine
//! in an Active Directory, proposes fixes and reports them. The library the CLI, the GUI and
//! the tests share.

pub mod cli;
pub mod fix;
#[cfg(feature = "gui")]
pub mod gui;
pub mod migrate;
pub mod model;
pub mod platform;
pub mod report;
pub mod rules;
pub mod source;
