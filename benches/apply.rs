//! The apply benchmark: 10,000 changes (one per object) written to a Samba AD domain
//! controller by `ldapmodify` from LDIF, and by syncready with its journal, in the same run.
//! Prints both rates and the ratio. `cargo bench --bench apply`; `SYNCREADY_BENCH_CHANGES=N`.

#[path = "../tests/samba.rs"]
#[allow(dead_code)]
mod samba;

use std::process::Command;
use std::time::Instant;

use base64::Engine as _;
use samba::{ADMIN_PASSWORD, SambaDc};
use syncready::fix::apply::apply;
use syncready::fix::journal::Outcome;
use syncready::fix::ldif::changes_ldif;
use syncready::fix::{Change, Edit};
use syncready::source::ldap::connect;

fn main() {
    let count: usize = std::env::var("SYNCREADY_BENCH_CHANGES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let base = "DC=contoso,DC=com";
    let name = |i: usize| format!("User {i:05}");
    let fixtures: String = (0..count)
        .map(|i| {
            let padded = base64::engine::general_purpose::STANDARD.encode(format!("{} ", name(i)));
            format!(
                "dn: CN={},CN=Users,{base}\nobjectClass: user\nsAMAccountName: u{i}\ndisplayName:: {padded}\n\n",
                name(i)
            )
        })
        .collect();
    let started = Instant::now();
    let dc = SambaDc::start("contoso.com", &[&fixtures]);
    println!("domain controller with {count} users ready in {:.1} s", started.elapsed().as_secs_f64());
    let edit = |i: usize, trimmed: bool| {
        let (old, new) = (format!("{} ", name(i)), name(i));
        let (before, after) = if trimmed { (new, old) } else { (old, new) };
        Edit {
            attribute: "displayName".into(),
            binary: false,
            before: Some(before.into_bytes()),
            after: Some(after.into_bytes()),
        }
    };
    let changes = |trimmed: bool| -> Vec<Change> {
        (0..count)
            .map(|i| Change {
                dn: format!("CN={},CN=Users,{base}", name(i)),
                guid: String::new(),
                edits: vec![edit(i, trimmed)],
                rows: vec![],
            })
            .collect()
    };
    let dir = std::env::temp_dir().join(format!("syncready-apply-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    let ldapmodify = |changes: &[Change], file: &str| {
        let path = dir.join(file);
        std::fs::write(&path, changes_ldif(changes)).unwrap();
        let started = Instant::now();
        let output = Command::new("ldapmodify")
            .args(["-H", &dc.ldaps_url(), "-x", "-D", &dc.admin(), "-w", ADMIN_PASSWORD, "-f", path.to_str().unwrap()])
            .env("LDAPTLS_CACERT", dc.ca_file())
            .output()
            .expect("ldapmodify runs");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        started.elapsed().as_secs_f64()
    };
    let ldapmodify_seconds = ldapmodify(&changes(false), "forward.ldif");
    let ldapmodify_rate = count as f64 / ldapmodify_seconds;
    println!("ldapmodify: {count} changes in {ldapmodify_seconds:.2} s = {ldapmodify_rate:.0} changes/s");
    ldapmodify(&changes(true), "back.ldif");

    let mut conn = connect(&dc.ldap_options()).unwrap();
    let journal = dir.join("apply.jsonl");
    let started = Instant::now();
    let report = apply(&mut conn, &changes(false), &journal, "apply", "benchmark", &|_, _| {}).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(report.count(Outcome::Applied), count);
    let rate = count as f64 / seconds;
    println!("syncready apply (journaled): {count} changes in {seconds:.2} s = {rate:.0} changes/s");
    println!("syncready / ldapmodify: {:.2} (target: at least 0.8)", rate / ldapmodify_rate);
    let _ = std::fs::remove_dir_all(&dir);
}
