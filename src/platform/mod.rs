//! What differs between Windows and the other systems: where a user's files go, a file only
//! its owner can read, and the console of the one executable that is both app and CLI.

pub(crate) mod console;
pub(crate) mod folders;
pub(crate) mod private_file;
