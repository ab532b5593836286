//! Fuzzes the LDIF reader, and the rules over whatever it accepts: any input must give objects
//! or an error, never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use syncready::rules::{Ruleset, scan};
use syncready::source::ldif::parse_str;

fuzz_target!(|data: &[u8]| {
    if let Ok(objects) = parse_str(data, Path::new("fuzz.ldif")) {
        let _ = scan(&objects, &Ruleset::multi_tenant());
    }
});
