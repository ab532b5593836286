//! The directory model: objects as read from any source, with case-insensitive attribute
//! names, multi-valued text and binary values, and the DN and GUID helpers around them.

mod attr;
mod dn;
mod guid;
mod object;
mod severity;

pub use attr::AttrName;
pub use dn::{DnKey, first_rdn, first_rdn_value, is_within, parent_dn, rdns};
pub use guid::{GuidParseError, ObjectGuid};
pub use object::{DirObject, ObjectBuilder, ValueRef};
pub use severity::Severity;
