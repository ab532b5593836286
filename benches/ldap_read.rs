//! The live-read benchmark: a Samba AD domain controller holding a generated directory
//! (20,000 objects by default), read by `ldapsearch -E pr=1000` and by syncready with
//! `--parallel 1/2/4`, same filter, same attributes, in the same run. Prints both rates and
//! the ratio, and the memory the read took at its peak against what the objects take once read.
//! `cargo bench --bench ldap_read`; `SYNCREADY_BENCH_OBJECTS=N` for another size.

#[path = "../tests/samba.rs"]
#[allow(dead_code)]
mod samba;

use std::process::{Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use samba::{ADMIN_PASSWORD, SambaDc};
use syncready::rules::{Ruleset, needed_attributes};
use syncready::source::NoProgress;
use syncready::source::generate::{GenerateOptions, generate};
use syncready::source::ldap::{DEFAULT_FILTER, LdapOptions, read_ldap};

fn main() {
    let objects: u64 = std::env::var("SYNCREADY_BENCH_OBJECTS").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    let mut ldif = Vec::new();
    let options = GenerateOptions { objects, seed: 11, defect_rate: 0.05, ad_storable: true };
    generate(&options, &mut ldif).unwrap();
    let started = Instant::now();
    let dc = SambaDc::start("contoso.com", &[std::str::from_utf8(&ldif).unwrap()]);
    println!("domain controller with {objects} generated objects ready in {:.1} s", started.elapsed().as_secs_f64());
    let attributes = needed_attributes(&Ruleset::multi_tenant());

    // Warm the DC's caches once, so neither reader pays for a cold start.
    ldapsearch(&dc, &attributes);
    let (ldapsearch_entries, ldapsearch_seconds) = ldapsearch(&dc, &attributes);
    let ldapsearch_rate = ldapsearch_entries as f64 / ldapsearch_seconds;
    println!(
        "ldapsearch -E pr=1000: {ldapsearch_entries} entries in {ldapsearch_seconds:.2} s = {ldapsearch_rate:.0} objects/s"
    );

    let mut default_rate = 0.0f64;
    for parallel in [1, 2, 4] {
        let options = LdapOptions { parallel, attributes: attributes.clone(), ..dc.ldap_options() };
        let _ = std::fs::write("/proc/self/clear_refs", "5"); // resets the peak (VmHWM)
        let before = status_bytes("VmRSS:");
        let started = Instant::now();
        let cpu_before = cpu_seconds();
        let snapshot = read_ldap(&options, &NoProgress, &AtomicBool::new(false), false).unwrap();
        let seconds = started.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - cpu_before;
        let (peak, after) = (status_bytes("VmHWM:") - before, status_bytes("VmRSS:") - before);
        let packed: usize = snapshot.objects.iter().map(|o| o.memory_size()).sum();
        let rate = snapshot.objects.len() as f64 / seconds;
        if parallel == 4 {
            default_rate = rate;
        }
        println!(
            "syncready --parallel {parallel}: {} objects in {seconds:.2} s = {rate:.0} objects/s ({:.2} x ldapsearch), client CPU {cpu:.2} s",
            snapshot.objects.len(),
            rate / ldapsearch_rate
        );
        println!(
            "  memory: peak {:.1} MB above the start, {:.1} MB held after it with the objects, which take {:.1} MB packed: \
             peak / packed {:.2}, peak / held {:.2} (target: under 1.5)",
            peak as f64 / 1e6,
            after as f64 / 1e6,
            packed as f64 / 1e6,
            peak as f64 / packed as f64,
            peak as f64 / after.max(1) as f64
        );
        drop(snapshot);
    }
    println!(
        "syncready (default --parallel 4) / ldapsearch: {:.2} (target: at least 1.0)",
        default_rate / ldapsearch_rate
    );
}

/// A `/proc/self/status` figure (`VmRSS:`, `VmHWM:`), in bytes (Linux).
fn status_bytes(key: &str) -> i64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with(key)).unwrap_or("");
    line.split_whitespace().nth(1).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0) * 1024
}

/// CPU time (user + system) this process has used, in seconds.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// Runs ldapsearch over LDAPS with paging; returns (entries, seconds).
fn ldapsearch(dc: &SambaDc, attributes: &[String]) -> (u64, f64) {
    let started = Instant::now();
    let output = Command::new("ldapsearch")
        .args(["-LLL", "-H", &dc.ldaps_url(), "-x", "-D", &dc.admin(), "-w", ADMIN_PASSWORD, "-b", &dc.base_dn])
        .args(["-E", "pr=1000/noprompt", DEFAULT_FILTER])
        .args(attributes)
        .env("LDAPTLS_CACERT", dc.ca_file())
        .stderr(Stdio::null())
        .output()
        .expect("ldapsearch runs");
    let seconds = started.elapsed().as_secs_f64();
    let entries = output.stdout.split(|&b| b == b'\n').filter(|l| l.starts_with(b"dn:")).count() as u64;
    (entries, seconds)
}
