//! The apply benchmark: 10,000 changes (one per object) written to a Samba AD domain
//! controller by `ldapmodify` from LDIF, and by syncready as `syncready apply` does it (every
//! object and the other holders of its new values read and checked by the rules first, each
//! object read again right before its write, the journal's `started` records synced before
//! the sends), in the same run. Prints both rates and the ratio. `cargo bench --bench apply`;
//! `SYNCREADY_BENCH_CHANGES=N`.

#[path = "../tests/samba.rs"]
#[allow(dead_code)]
mod samba;

use std::process::Command;
use std::time::Instant;

use base64::Engine as _;
use samba::{ADMIN_PASSWORD, SambaDc};
use std::collections::HashMap;
use std::sync::atomic::AtomicBool;

use syncready::fix::apply::{apply, precheck};
use syncready::fix::journal::Outcome;
use syncready::fix::ldif::changes_ldif;
use syncready::fix::target::Directory;
use syncready::fix::{Change, Edit};
use syncready::model::ObjectGuid;
use syncready::rules::Ruleset;
use syncready::source::NoProgress;
use syncready::source::ldap::read_ldap;

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
            requires_empty: false,
        }
    };
    let live = read_ldap(&dc.ldap_options(), &NoProgress, &AtomicBool::new(false), false).unwrap();
    let guids: HashMap<String, ObjectGuid> =
        live.objects.iter().filter_map(|o| Some((o.dn().to_owned(), o.guid()?))).collect();
    let changes = |trimmed: bool| -> Vec<Change> {
        (0..count)
            .map(|i| {
                let dn = format!("CN={},CN=Users,{base}", name(i));
                Change { guid: guids[&dn], dn, edits: vec![edit(i, trimmed)], rows: vec![], decisions: vec![] }
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

    let journal = dir.join("apply.jsonl");
    let planned = changes(false);
    let started = Instant::now();
    let mut directory = Directory::connect(&dc.ldap_options()).unwrap();
    let values = precheck(&mut directory, &planned, &Ruleset::multi_tenant()).unwrap();
    assert!(values.refused.is_empty() && values.to_confirm.is_empty(), "{values:?}");
    let checked = started.elapsed().as_secs_f64();
    let report = apply(&mut directory, &planned, &journal, "apply", "benchmark", &|_, _| {}).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    println!("  of which the checks before any write: {checked:.2} s");
    assert_eq!(report.count(Outcome::Applied), count);
    let rate = count as f64 / seconds;
    println!("syncready apply (journaled): {count} changes in {seconds:.2} s = {rate:.0} changes/s");
    println!("syncready / ldapmodify: {:.2} (target: at least 0.8)", rate / ldapmodify_rate);
    let _ = std::fs::remove_dir_all(&dir);
}
