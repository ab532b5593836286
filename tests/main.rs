//! syncready's integration tests: one binary, one module per area.

mod apply;
mod baseline;
mod beyond_idfix;
#[cfg(not(windows))]
mod browser;
mod cli;
mod demo;
mod engine;
mod generated;
#[cfg(feature = "gui")]
mod gui;
#[cfg(feature = "gui")]
mod gui_grid;
mod inputs;
mod live;
mod migrate;
mod report_csv;
mod samba;
mod spec_checks;
mod tenant;
#[cfg(windows)]
mod windows;
mod writes;

use std::path::Path;

use syncready::rules::{Finding, Ruleset, ScanResult, scan};
use syncready::source::ldif::parse_str;

/// Scans an LDIF text with the default ruleset.
pub fn scan_ldif(text: &str) -> ScanResult {
    scan_ldif_with(text, &Ruleset::multi_tenant())
}

pub fn scan_ldif_with(text: &str, ruleset: &Ruleset) -> ScanResult {
    let objects = parse_str(text.as_bytes(), Path::new("test.ldif")).expect("test LDIF parses");
    scan(&objects, ruleset)
}

/// One LDIF record: `dn`, object classes, then attributes (values base64-encoded when they
/// are not plain ASCII, as ldifde writes them).
pub fn record(dn: &str, classes: &[&str], attrs: &[(&str, &str)]) -> String {
    use base64::Engine as _;
    let mut out = format!("dn:: {}\n", base64::engine::general_purpose::STANDARD.encode(dn));
    for class in classes {
        out.push_str(&format!("objectClass: {class}\n"));
    }
    for (name, value) in attrs {
        let plain = value.bytes().all(|b| (0x20..0x7f).contains(&b))
            && !value.starts_with([' ', ':', '<'])
            && !value.ends_with(' ');
        if plain {
            out.push_str(&format!("{name}: {value}\n"));
        } else {
            out.push_str(&format!("{name}:: {}\n", base64::engine::general_purpose::STANDARD.encode(value)));
        }
    }
    let has = |name: &str| attrs.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
    if !has("objectGUID") && !has("mS-DS-ConsistencyGuid") {
        // A clean anchor: the objectGUID, distinct per DN, stamped as mS-DS-ConsistencyGuid.
        let guid = base64::engine::general_purpose::STANDARD.encode(guid_for(dn));
        out.push_str(&format!("objectGUID:: {guid}\nmS-DS-ConsistencyGuid:: {guid}\n"));
    }
    out.push('\n');
    out
}

/// A GUID derived from a DN, so that test objects get distinct, stable ones.
pub fn guid_for(dn: &str) -> [u8; 16] {
    // SipHash-1-3 with zero keys over explicit bytes: the values std's DefaultHasher gave,
    // without depending on a hasher std does not keep stable between releases.
    use std::hash::Hasher as _;
    let half = |salt: u8| {
        let mut hasher = siphasher::sip::SipHasher13::new();
        hasher.write_u8(salt);
        hasher.write(dn.as_bytes());
        hasher.write_u8(0xff);
        hasher.finish().to_le_bytes()
    };
    let mut guid = [0u8; 16];
    guid[..8].copy_from_slice(&half(1));
    guid[8..].copy_from_slice(&half(2));
    guid
}

pub fn user(cn: &str, attrs: &[(&str, &str)]) -> String {
    record(&format!("CN={cn},OU=Staff,DC=contoso,DC=com"), &["top", "person", "organizationalPerson", "user"], attrs)
}

pub fn contact(cn: &str, attrs: &[(&str, &str)]) -> String {
    record(
        &format!("CN={cn},OU=Partners,DC=contoso,DC=com"),
        &["top", "person", "organizationalPerson", "contact"],
        attrs,
    )
}

pub fn group(cn: &str, attrs: &[(&str, &str)]) -> String {
    record(&format!("CN={cn},OU=Groups,DC=contoso,DC=com"), &["top", "group"], attrs)
}

/// A finding as (DN's first RDN value, attribute, value, ERROR, UPDATE).
pub fn row(finding: &Finding) -> (String, String, String, String, String) {
    let cn = finding.dn.split(',').next().unwrap_or("").trim_start_matches("CN=").to_owned();
    (
        cn,
        finding.attribute.to_string(),
        finding.value.clone(),
        finding.error_text(),
        finding.update.clone().unwrap_or_default(),
    )
}

pub fn rows(result: &ScanResult) -> Vec<(String, String, String, String, String)> {
    result.findings.iter().map(row).collect()
}

/// Owned strings for a row literal.
pub fn r(cn: &str, attr: &str, value: &str, error: &str, update: &str) -> (String, String, String, String, String) {
    (cn.into(), attr.into(), value.into(), error.into(), update.into())
}

/// Runs the `syncready` binary.
pub fn run_syncready(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_syncready")).args(args).output().expect("syncready runs")
}

/// A fresh temporary folder for one test.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("syncready-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
