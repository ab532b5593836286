//! Fixing: review decisions over findings, the reviewed-CSV plan, directory edits with
//! preconditions on the object the scan read, dry-run LDIF, and (with the journal) apply,
//! resume and undo.

pub mod apply;
pub mod journal;
pub mod ldif;
pub(crate) mod plan;
pub(crate) mod review;
pub mod target;
pub(crate) mod value_check;
pub(crate) mod writable;

pub use plan::{Change, Decision, Edit, PlanError, import_plan, plan, plan_rows};
pub use review::{Action, FindingFilter, ReviewState};
