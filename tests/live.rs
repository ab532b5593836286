//! Live scans against real Samba AD domain controllers: the same findings as the offline scan,
//! several forests at once, every failure a distinct error, ranged retrieval, cancellation.

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use syncready::rules::{Finding, Ruleset, needed_attributes, scan};
use syncready::source::ldap::{Bind, LdapError, LdapOptions, Partition, Security, read_ldap};
use syncready::source::{DEMO_LDIF, NoProgress, Progress};

use crate::samba::{ADMIN_PASSWORD, SambaDc, kill_group};
use crate::{run_syncready, temp_dir};

fn options(dc: &SambaDc) -> LdapOptions {
    dc.ldap_options()
}

fn read(options: &LdapOptions) -> Result<syncready::source::ldap::LdapSnapshot, LdapError> {
    read_ldap(options, &NoProgress, &AtomicBool::new(false), false)
}

fn key(f: &Finding) -> (String, String, String, String, String) {
    (f.dn.clone(), f.attribute.to_string(), f.error_text(), f.update.clone().unwrap_or_default(), f.value.clone())
}

#[test]
#[cfg_attr(windows, ignore = "starts a Samba AD DC, which runs on Linux only")]
fn a_live_scan_of_the_demo_gives_the_offline_findings() {
    let dc = SambaDc::start_joinable("contoso.com", &[DEMO_LDIF]);
    let ruleset = Ruleset::multi_tenant();
    let offline_objects = syncready::source::ldif::parse_str(DEMO_LDIF.as_bytes(), Path::new("demo.ldif")).unwrap();
    let mut offline: Vec<_> = scan(&offline_objects, &ruleset).findings.iter().map(key).collect();
    offline.sort();
    for parallel in [1, 4] {
        let live = read(&LdapOptions { parallel, page_size: 200, ..options(&dc) }).unwrap();
        let dns: Vec<String> = live.objects.iter().map(|o| o.dn().to_lowercase()).collect();
        let unique: HashSet<&String> = dns.iter().collect();
        assert_eq!(unique.len(), dns.len(), "an object was read twice");
        // Every user, contact and group of the demo was read (the DC adds its own built-ins).
        let wanted: Vec<String> = offline_objects
            .iter()
            .filter(|o| ["user", "contact", "group"].iter().any(|c| o.has_class(c)) && !o.has_class("computer"))
            .map(|o| o.dn().to_lowercase())
            .collect();
        let missing: Vec<&String> = wanted.iter().filter(|dn| !unique.contains(dn)).collect();
        assert!(missing.is_empty(), "parallel {parallel}: not read: {missing:?}");
        let mut online: Vec<_> = scan(&live.objects, &ruleset).findings.iter().map(key).collect();
        online.sort();
        let gone: Vec<_> = offline.iter().filter(|f| !online.contains(f)).collect();
        let extra: Vec<_> = online.iter().filter(|f| !offline.contains(f)).collect();
        assert!(gone.is_empty() && extra.is_empty(), "parallel {parallel}: missing {gone:#?}\nextra {extra:#?}");
    }
    // The same directory through two URLs (its address and its name): every object once.
    let host = dc.add_host_name();
    let dir = crate::temp_dir("live-twice");
    let scan_urls_trusting = |ca_file: &Path, urls: &[String], out: &str| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_syncready"));
        command.args(["scan", "--out", dir.join(out).to_str().unwrap()]);
        for url in urls {
            command.args(["--ldap", url]);
        }
        command
            .args(["--bind-user", &dc.admin(), "--password-env", "PW", "--ca-file", ca_file.to_str().unwrap()])
            .env("PW", crate::samba::ADMIN_PASSWORD)
            .output()
            .unwrap()
    };
    let scan_urls = |urls: &[String], out: &str| scan_urls_trusting(&dc.ca_file(), urls, out);
    let once = scan_urls(&[dc.ldaps_url()], "once");
    let twice = scan_urls(&[dc.ldaps_url(), format!("ldaps://{host}")], "twice");
    assert_eq!(
        (once.status.code(), twice.status.code()),
        (Some(1), Some(1)),
        "{}",
        String::from_utf8_lossy(&twice.stderr)
    );
    let findings = |out: &str| std::fs::read_to_string(dir.join(out).join("findings.csv")).unwrap();
    assert_eq!(findings("twice"), findings("once"));

    // What a live scan read, saved with --save, scans offline to the same report.
    let snapshot = dir.join("snapshot.ldif");
    let saved = std::process::Command::new(env!("CARGO_BIN_EXE_syncready"))
        .args(["scan", "--ldap", &dc.ldaps_url(), "--bind-user", &dc.admin(), "--password-env", "PW"])
        .args(["--ca-file", dc.ca_file().to_str().unwrap(), "--out", dir.join("saved").to_str().unwrap()])
        .args(["--save", snapshot.to_str().unwrap()])
        .env("PW", crate::samba::ADMIN_PASSWORD)
        .output()
        .unwrap();
    assert_eq!(saved.status.code(), Some(1), "{}", String::from_utf8_lossy(&saved.stderr));
    assert!(String::from_utf8_lossy(&saved.stdout).contains(&format!("Saved what was read to {}", snapshot.display())));
    let offline =
        run_syncready(&["scan", "--ldif", snapshot.to_str().unwrap(), "--out", dir.join("offline").to_str().unwrap()]);
    assert_eq!(offline.status.code(), Some(1), "{}", String::from_utf8_lossy(&offline.stderr));
    assert_eq!(findings("saved"), findings("once"));
    assert_eq!(findings("offline"), findings("once"));
    let read = |output: &std::process::Output| {
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let objects =
            stdout.lines().find_map(|l| l.trim().strip_prefix(&format!("{}: ", dc.ldaps_url())).map(str::to_owned));
        (objects.unwrap(), stdout)
    };
    let (objects, _) = read(&once);
    let count = objects.split(' ').next().unwrap().to_owned();
    let (_, stdout) = read(&twice);
    assert!(
        stdout.contains(&format!("  {count} objects read more than once (the same objectGUID or DN), checked once")),
        "{stdout}"
    );

    // Two DCs of the domain (a second one joined, the directory replicated to it): the same.
    let second = dc.join_another();
    let both_cas = dir.join("both-cas.pem");
    let pem = |dc: &SambaDc| std::fs::read(dc.ca_file()).unwrap();
    std::fs::write(&both_cas, [pem(&dc), pem(&second)].concat()).unwrap();
    let two_dcs = scan_urls_trusting(&both_cas, &[dc.ldaps_url(), second.ldaps_url()], "two-dcs");
    assert_eq!(two_dcs.status.code(), Some(1), "{}", String::from_utf8_lossy(&two_dcs.stderr));
    assert_eq!(findings("two-dcs"), findings("once"));
    let (_, stdout) = read(&two_dcs);
    assert!(
        stdout.contains(&format!("  {}: {count} objects", second.ldaps_url())),
        "the second DC holds the same objects: {stdout}"
    );
    assert!(
        stdout.contains(&format!("  {count} objects read more than once (the same objectGUID or DN), checked once")),
        "{stdout}"
    );
}

/// A user LDIF record under the given base.
fn user(base: &str, cn: &str, extra: &str) -> String {
    format!(
        "dn: CN={cn},CN=Users,{base}\nobjectClass: user\ncn: {cn}\ndisplayName: {cn}\nsAMAccountName: {sam}\n{extra}\n",
        sam = cn.to_lowercase().replace(' ', ".")
    )
}

#[test]
#[cfg_attr(windows, ignore = "starts a Samba AD DC, which runs on Linux only")]
fn a_proxy_address_shared_across_two_forests_is_reported_on_both() {
    let a = SambaDc::start(
        "forest-a.example",
        &[&user(
            "DC=forest-a,DC=example",
            "Pat Lee",
            "proxyAddresses: SMTP:pat@contoso.com\nuserPrincipalName: pat@forest-a.example\n",
        )],
    );
    let b = SambaDc::start(
        "forest-b.example",
        &[&user(
            "DC=forest-b,DC=example",
            "Pat Lee",
            "proxyAddresses: smtp:PAT@contoso.com\nuserPrincipalName: pat@forest-b.example\n",
        )],
    );
    let dir = temp_dir("two-forests");
    let ca = dir.join("cas.pem");
    let both = std::fs::read_to_string(a.ca_file()).unwrap() + &std::fs::read_to_string(b.ca_file()).unwrap();
    std::fs::write(&ca, both).unwrap();
    let mut opts = options(&a);
    opts.urls = vec![a.ldaps_url(), b.ldaps_url()];
    opts.ca_file = Some(ca.clone());
    // Two forests without a trust: one bind identity each.
    opts.binds = [&a, &b].iter().map(|dc| Bind::Simple { user: dc.admin(), password: ADMIN_PASSWORD.into() }).collect();
    let live = read(&opts).unwrap();
    let findings = scan(&live.objects, &Ruleset::multi_tenant()).findings;
    let proxies: Vec<(String, String)> =
        findings.iter().filter(|f| f.attribute == "proxyAddresses").map(|f| (f.dn.clone(), f.error_text())).collect();
    assert_eq!(
        proxies,
        [
            ("CN=Pat Lee,CN=Users,DC=forest-a,DC=example".to_owned(), "Duplicate".to_owned()),
            ("CN=Pat Lee,CN=Users,DC=forest-b,DC=example".to_owned(), "Duplicate".to_owned()),
        ]
    );
    assert!(findings[0].detail.contains("DC=forest-b") || findings.iter().any(|f| f.detail.contains("DC=forest-b")));
    // The same through the command line, with the password from the environment.
    let out = dir.join("out");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_syncready"))
        .args([
            "scan",
            "--ldap",
            &a.ldaps_url(),
            "--ldap",
            &b.ldaps_url(),
            "--bind-user",
            &a.admin(),
            "--bind-user",
            &b.admin(),
        ])
        .args([
            "--password-env",
            "SYNCREADY_TEST_PW",
            "--ca-file",
            ca.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .env("SYNCREADY_TEST_PW", ADMIN_PASSWORD)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(!stdout.contains(ADMIN_PASSWORD) && !stderr.contains(ADMIN_PASSWORD));
    let report = std::fs::read_to_string(out.join("findings.csv")).unwrap();
    assert_eq!(report.matches(",proxyAddresses,Duplicate,").count(), 2, "{report}");
    assert!(!report.contains(ADMIN_PASSWORD));
}

#[test]
#[cfg_attr(windows, ignore = "starts a Samba AD DC, which runs on Linux only")]
fn every_failure_is_a_distinct_error() {
    let dc = SambaDc::start("errors.example", &[&user("DC=errors,DC=example", "Ann", "mail: ann@contoso.con\n")]);
    let good = options(&dc);
    assert!(read(&good).unwrap().objects.iter().any(|o| o.dn().starts_with("CN=Ann,")));
    let wrong_password =
        LdapOptions { binds: vec![Bind::Simple { user: dc.admin(), password: "wrong".into() }], ..good.clone() };
    assert!(matches!(read(&wrong_password), Err(LdapError::InvalidCredentials { .. })));
    let untrusted = LdapOptions { ca_file: None, ..good.clone() };
    let error = read(&untrusted).err().unwrap();
    assert!(matches!(error, LdapError::CertificateUntrusted { .. }), "{error}");
    assert!(error.to_string().contains("--ca-file"));
    let missing_base = LdapOptions { base: Some("OU=Nowhere,DC=errors,DC=example".into()), ..good.clone() };
    assert!(matches!(read(&missing_base), Err(LdapError::BaseNotFound { .. })));
    let plain_url = format!("ldap://{}", dc.ip);
    let plain = LdapOptions { urls: vec![plain_url.clone()], ..good.clone() };
    assert!(matches!(read(&plain), Err(LdapError::PlainLdapRefused { .. })));
    let plain_allowed =
        LdapOptions { urls: vec![plain_url.clone()], security: Security::InsecurePlain, ..good.clone() };
    assert!(matches!(read(&plain_allowed), Err(LdapError::StrongAuthRequired { .. })), "Samba's default refuses it");
    let starttls = LdapOptions { urls: vec![plain_url], security: Security::StartTls, ..good.clone() };
    assert_eq!(read(&starttls).unwrap().objects.len(), read(&good).unwrap().objects.len());
    let unreachable = LdapOptions { urls: vec!["ldaps://127.0.0.1:1".into()], ..good.clone() };
    assert!(matches!(read(&unreachable), Err(LdapError::Unreachable { .. })));
    let bad_filter = LdapOptions { filter: Some("(&(objectClass=user)(mail=*)".into()), ..good.clone() };
    let error = read(&bad_filter).err().unwrap();
    assert!(matches!(error, LdapError::InvalidFilter { .. }), "{error}");
    assert_eq!(
        error.to_string(),
        format!(
            "{}: the LDAP filter is not valid (RFC 4515 syntax, e.g. (&(objectClass=user)(mail=*))): check --filter",
            dc.ldaps_url()
        )
    );
    let global_catalog = LdapOptions { global_catalog: true, ..good.clone() };
    assert!(read(&global_catalog).unwrap().objects.iter().any(|o| o.dn().starts_with("CN=Ann,")));
    // One forest down: an error, or with partial results allowed, the other forest's objects.
    let one_down = LdapOptions { urls: vec![dc.ldaps_url(), "ldaps://127.0.0.1:1".into()], ..good.clone() };
    assert!(matches!(read(&one_down), Err(LdapError::Unreachable { .. })));
    let partial = read_ldap(&one_down, &NoProgress, &AtomicBool::new(false), true).unwrap();
    assert_eq!(partial.failures.len(), 1);
    assert!(partial.objects.iter().any(|o| o.dn().starts_with("CN=Ann,")));
    // The command line: a plain bind without the flag never reaches the network; a partial
    // scan says so in its summary.
    let dir = temp_dir("errors-cli");
    let cli = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_syncready"))
            .args(["scan", "--bind-user", &dc.admin(), "--password-env", "SYNCREADY_TEST_PW"])
            .args(["--ca-file", dc.ca_file().to_str().unwrap(), "--out", dir.to_str().unwrap()])
            .args(extra)
            .env("SYNCREADY_TEST_PW", ADMIN_PASSWORD)
            .output()
            .unwrap()
    };
    let refused = cli(&["--ldap", &format!("ldap://{}", dc.ip)]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("refusing a plain-text LDAP bind"));
    assert!(!dir.join("summary.csv").exists());
    let partial = cli(&["--ldap", &dc.ldaps_url(), "--ldap", "ldaps://127.0.0.1:1", "--allow-partial"]);
    assert_eq!(partial.status.code(), Some(1));
    let summary = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
    assert!(summary.contains("\r\npartial,ldaps://127.0.0.1:1: cannot reach the server"), "{summary}");
    let failed = cli(&["--ldap", &dc.ldaps_url(), "--ldap", "ldaps://127.0.0.1:1"]);
    assert_eq!(failed.status.code(), Some(2));
}

#[test]
#[cfg_attr(windows, ignore = "starts a Samba AD DC, which runs on Linux only")]
fn many_valued_attributes_are_read_in_full_through_ranges() {
    let base = "DC=ranges,DC=example";
    let proxies: String = (0..1600).map(|i| format!("proxyAddresses: smtp:alias{i}@contoso.com\n")).collect();
    let members: String = (0..1200).map(|i| format!("member: CN=Member {i},CN=Users,{base}\n")).collect();
    let mut fixtures: Vec<String> = (0..1200).map(|i| user(base, &format!("Member {i}"), "")).collect();
    fixtures.push(user(base, "Many Proxies", &proxies));
    fixtures.push(format!("dn: CN=Large Group,CN=Users,{base}\nobjectClass: group\ncn: Large Group\nsAMAccountName: large.group\n{members}\n"));
    let dc = SambaDc::start("ranges.example", &[&fixtures.join("\n")]);
    let mut attributes = needed_attributes(&Ruleset::multi_tenant());
    attributes.push("member".into());
    for range_step in [None, Some(500)] {
        let live = read(&LdapOptions { attributes: attributes.clone(), range_step, ..options(&dc) }).unwrap();
        let object = |cn: &str| live.objects.iter().find(|o| o.dn().starts_with(&format!("CN={cn},"))).unwrap();
        let count = |cn: &str, attr: &str| object(cn).values(&syncready::model::AttrName::parse(attr)).len();
        assert_eq!(count("Many Proxies", "proxyAddresses"), 1600, "{range_step:?}");
        assert_eq!(count("Large Group", "member"), 1200, "{range_step:?}");
        let findings = scan(&live.objects, &Ruleset::multi_tenant()).findings;
        assert!(findings.iter().any(|f| f.rule_text() == "PRX012" && f.detail.starts_with("1600 values")));
    }
}

/// Progress that runs an action once, when the first objects arrive.
struct OnFirstObjects<F: Fn() + Sync>(F, AtomicBool);

impl<F: Fn() + Sync> Progress for OnFirstObjects<F> {
    fn advanced(&self, _source: &str, objects: u64, _bytes: u64) {
        if objects > 0 && !self.1.swap(true, Ordering::SeqCst) {
            (self.0)();
        }
    }
}

#[test]
#[cfg_attr(windows, ignore = "starts a Samba AD DC, which runs on Linux only")]
fn a_cancelled_scan_stops_promptly_and_a_dc_that_dies_mid_scan_is_an_error() {
    let base = "DC=drop,DC=example";
    let users: Vec<String> = (0..6000).map(|i| user(base, &format!("User {i}"), "")).collect();
    let mut dc = SambaDc::start("drop.example", &[&users.join("\n")]);
    let slow = LdapOptions { page_size: 20, parallel: 1, ..options(&dc) };
    let cancel = AtomicBool::new(false);
    let started = Instant::now();
    let cancelled = read_ldap(
        &slow,
        &OnFirstObjects(|| cancel.store(true, Ordering::SeqCst), AtomicBool::new(false)),
        &cancel,
        false,
    );
    assert!(matches!(cancelled, Err(LdapError::Cancelled)), "{:?}", cancelled.err());
    assert!(started.elapsed() < Duration::from_secs(20));
    let group = dc.process_group().unwrap();
    let dropped = read_ldap(
        &slow,
        &OnFirstObjects(move || kill_group(group), AtomicBool::new(false)),
        &AtomicBool::new(false),
        false,
    );
    match dropped {
        Err(LdapError::ConnectionDropped { objects, .. }) => assert!(objects > 0 && objects < 6000),
        other => panic!("expected a dropped connection, got {:?}", other.err()),
    }
    dc.kill();
}

#[test]
#[cfg_attr(windows, ignore = "starts a Samba AD DC, which runs on Linux only")]
fn a_live_scan_from_the_command_line_writes_the_report() {
    let dc =
        SambaDc::start("cli.example", &[&user("DC=cli,DC=example", "Zoë Ann", "userPrincipalName: zoë@cli.example\n")]);
    let out = temp_dir("live-cli");
    let output = run_syncready(&[
        "scan",
        "--ldap",
        &dc.ldaps_url(),
        "--bind-user",
        &dc.admin(),
        "--password-env",
        "HOME",
        "--out",
        out.to_str().unwrap(),
    ]);
    // HOME is not the password: the server refuses it, and says so without echoing it.
    assert_eq!(output.status.code(), Some(2));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_syncready"))
        .args(["scan", "--ldap", &dc.ldaps_url(), "--bind-user", &dc.admin(), "--password-env", "PW"])
        .args(["--ca-file", dc.ca_file().to_str().unwrap(), "--parallel", "2", "--out", out.to_str().unwrap()])
        .env("PW", ADMIN_PASSWORD)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    let report = std::fs::read_to_string(out.join("findings.csv")).unwrap();
    // The transliteration alone would leave the unknown top-level domain `.example`: no value is
    // proposed, and DETAIL says what the fixes would give.
    assert!(
        report.contains(
            ",userPrincipalName,\"Character, TopLevelDomain\",zoë@cli.example,,,\"UPN002, UPN005\",error,manual,"
        ),
        "{report}"
    );
    assert!(report.contains("\"the fixes would give 'zoe@cli.example', which still fails UPN005: enter a value\""));
}

/// A Kerberos ticket for the DC's administrator, from its own KDC, in a cache of its own.
#[cfg(unix)]
struct KerberosLogin {
    /// `dc1.<realm>`, resolving to the DC.
    host: String,
    dir: std::path::PathBuf,
    /// KRB5_CONFIG and KRB5CCNAME for whoever uses the ticket.
    config: std::path::PathBuf,
    cache: String,
}

#[cfg(unix)]
fn kinit(dc: &SambaDc, name: &str) -> KerberosLogin {
    let host = dc.add_host_name();
    let dir = temp_dir(name);
    let config = dir.join("krb5.conf");
    let realm = dc.realm.to_uppercase();
    std::fs::write(
        &config,
        format!(
            "[libdefaults]\n default_realm = {realm}\n dns_lookup_kdc = false\n dns_lookup_realm = false\n rdns = false\n\
             [realms]\n {realm} = {{\n  kdc = {ip}\n }}\n[domain_realm]\n .{domain} = {realm}\n {domain} = {realm}\n",
            ip = dc.ip,
            domain = dc.realm
        ),
    )
    .unwrap();
    let cache = format!("FILE:{}", dir.join("ccache").display());
    let mut kinit = std::process::Command::new("kinit")
        .arg(format!("Administrator@{realm}"))
        .env("KRB5_CONFIG", &config)
        .env("KRB5CCNAME", &cache)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(kinit.stdin.as_mut().unwrap(), format!("{ADMIN_PASSWORD}\n").as_bytes()).unwrap();
    assert!(kinit.wait().unwrap().success(), "kinit failed");
    KerberosLogin { host, dir, config, cache }
}

/// Kerberos (SASL GSSAPI) with the ticket cache, against Samba's own KDC: no password given to
/// syncready at all.
#[cfg(all(unix, feature = "kerberos"))]
#[test]
fn a_kerberos_bind_reads_with_the_ticket_cache() {
    let dc = SambaDc::start("krb.example", &[&user("DC=krb,DC=example", "Kim Lee", "mail: kim@contoso.con\n")]);
    let KerberosLogin { host, dir, config, cache } = kinit(&dc, "kerberos");
    let out = dir.join("out");
    let scan = |url: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_syncready"))
            .args(["scan", "--ldap", url, "--ca-file", dc.ca_file().to_str().unwrap(), "--out", out.to_str().unwrap()])
            .env("KRB5_CONFIG", &config)
            .env("KRB5CCNAME", &cache)
            .output()
            .unwrap()
    };
    // Over ldap:// Kerberos seals the connection itself (SASL privacy layer).
    let output = scan(&format!("ldap://{host}"));
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    let report = std::fs::read_to_string(out.join("findings.csv")).unwrap();
    assert!(
        report.contains("CN=Kim Lee,CN=Users,DC=krb,DC=example\",Kim Lee,user,mail,TopLevelDomain,kim@contoso.con"),
        "{report}"
    );
    // Over TLS, AD accepts Kerberos without a Kerberos layer; Samba's default (`ldap server
    // require strong auth = yes`) wants one even then, and says so.
    let output = scan(&format!("ldaps://{host}"));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Sign or Seal are required"));
    // Without a ticket: a clear error, not a hang.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_syncready"))
        .args([
            "scan",
            "--ldap",
            &format!("ldap://{host}"),
            "--ca-file",
            dc.ca_file().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .env("KRB5_CONFIG", &config)
        .env("KRB5CCNAME", format!("FILE:{}", dir.join("no-such-cache").display()))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("the Kerberos bind failed"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The Windows build, `syncready.exe` under Wine, reading a Samba DC; scripts/windows-test runs
/// it (SYNCREADY_WINDOWS_EXE names the executable, SYNCREADY_FETCH_CRL the helper that puts the
/// test CA's revocation list in Wine's URL cache, since Wine 8 refuses a certificate whose
/// revocation status is unknown where Windows ignores that). Proven here: LDAPS through
/// schannel, verified against `--ca-file` and the host name, with a full scan giving the Linux
/// build's report; an untrusted CA refused. The Windows sign-in (SSPI Kerberos, no user) gets
/// its ticket and the DC's mutual authentication, then Wine's Kerberos package cannot unwrap
/// the SASL security-layer token ("decrypt message failed"), which Windows does.
#[cfg(unix)]
#[test]
#[ignore = "needs the Windows build under Wine: scripts/windows-test runs it"]
fn the_windows_build_reads_a_dc_under_wine() {
    let exe = std::env::var("SYNCREADY_WINDOWS_EXE").expect("SYNCREADY_WINDOWS_EXE names syncready.exe");
    let fetch_crl = std::env::var("SYNCREADY_FETCH_CRL").expect("SYNCREADY_FETCH_CRL names fetch-crl.exe");
    let dc = SambaDc::start("wine.example", &[&user("DC=wine,DC=example", "Kim Lee", "mail: kim@contoso.con\n")]);
    let KerberosLogin { host, dir, config, cache } = kinit(&dc, "wine");
    dc.serve_crl();
    let run = |program: &str, args: &[&str]| {
        let mut command = if program.ends_with(".exe") {
            let mut wine = std::process::Command::new("wine64");
            wine.arg(program);
            wine
        } else {
            std::process::Command::new(program)
        };
        let output = command
            .args(args)
            .env("PW", ADMIN_PASSWORD)
            .env("KRB5_CONFIG", &config)
            .env("KRB5CCNAME", &cache)
            .output()
            .unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        (output.status.code(), text)
    };
    let ldaps = format!("ldaps://{host}");
    let ca = dc.ca_file();
    let scan = |program: &str, ca: Option<&std::path::Path>, out: &str| {
        let out = dir.join(out);
        let mut args = vec!["scan", "--ldap", &ldaps, "--bind-user", "Administrator@wine.example", "--password-env"];
        args.extend(["PW", "--parallel", "1", "--out", out.to_str().unwrap()]);
        if let Some(ca) = ca {
            args.extend(["--ca-file", ca.to_str().unwrap()]);
        }
        run(program, &args)
    };

    // The certificate verification is on: a CA the system does not trust is refused.
    let (code, text) = scan(&exe, None, "untrusted");
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("the server's TLS certificate is not trusted (CERT_E_UNTRUSTEDROOT, 0x800B0109"), "{text}");

    let (code, text) = run(&fetch_crl, &[&dc.crl_url()]);
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = scan(&exe, Some(&ca), "windows");
    assert_eq!(code, Some(1), "{text}");
    let report = std::fs::read_to_string(dir.join("windows/findings.csv")).unwrap();
    assert!(
        report.contains("CN=Kim Lee,CN=Users,DC=wine,DC=example\",Kim Lee,user,mail,TopLevelDomain,kim@contoso.con")
    );
    let (code, text) = scan(env!("CARGO_BIN_EXE_syncready"), Some(&ca), "linux");
    assert_eq!(code, Some(1), "{text}");
    for report in ["findings.csv", "summary.csv"] {
        let read = |build: &str| std::fs::read(dir.join(build).join(report)).unwrap();
        assert_eq!(read("windows"), read("linux"), "{report} of the Windows and Linux builds");
    }

    let out = dir.join("sspi");
    let (code, text) = run(&exe, &["scan", "--ldap", &format!("ldap://{host}"), "--out", out.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("the Kerberos bind failed (decrypt message failed"), "{text}");
}

#[test]
#[cfg_attr(windows, ignore = "starts a Samba AD DC, which runs on Linux only")]
fn continuation_references_are_listed_never_followed_and_only_those_to_objects_make_a_scan_partial() {
    let base = "DC=refs,DC=example";
    let dc = SambaDc::start("refs.example", &[&user(base, "Ann Lee", "mail: ann lee@contoso.com\n")]);
    // Samba refers a domain-root search to its configuration partition, as AD does (AD adds
    // its DNS partitions and child domains). The scan reads on without following it.
    let snapshot = read(&options(&dc)).unwrap();
    let referred: Vec<(Partition, &str)> = snapshot.not_read.iter().map(|r| (r.partition, r.dn.as_str())).collect();
    assert_eq!(referred, [(Partition::Configuration, "CN=Configuration,DC=refs,DC=example")]);
    assert!(snapshot.failures.is_empty());
    assert!(snapshot.objects.iter().any(|o| o.dn() == format!("CN=Ann Lee,CN=Users,{base}")));

    let dir = temp_dir("references");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_syncready"))
        .args(["scan", "--ldap", &dc.ldaps_url(), "--bind-user", &dc.admin(), "--password-env", "PW"])
        .args(["--ca-file", dc.ca_file().to_str().unwrap(), "--out", dir.to_str().unwrap()])
        .env("PW", ADMIN_PASSWORD)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(1),
        "not partial, one finding: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let listed = format!(
        "{}: ldaps://refs.example/CN=Configuration,DC=refs,DC=example??base (the configuration partition, no users, \
         contacts or groups; not followed)",
        dc.ldaps_url()
    );
    assert!(stdout.contains(&format!("\n  NOT READ: {listed}\n")), "{stdout}");
    let summary = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
    assert!(summary.contains(&format!("\r\nnot read,\"{listed}\",,,,\r\n")), "{summary}");
    assert!(!summary.contains("\r\npartial,"), "{summary}");

    // A read that is partial (a second DC unreachable, --allow-partial) is reported, never saved.
    let snapshot = dir.join("partial.ldif");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_syncready"))
        .args(["scan", "--ldap", &dc.ldaps_url(), "--ldap", "ldaps://127.0.0.1:1", "--allow-partial"])
        .args(["--bind-user", &dc.admin(), "--password-env", "PW", "--ca-file", dc.ca_file().to_str().unwrap()])
        .args(["--out", dir.to_str().unwrap(), "--save", snapshot.to_str().unwrap()])
        .env("PW", ADMIN_PASSWORD)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("WARNING: --save {}: not written, the read was partial.", snapshot.display())));
    assert!(!snapshot.exists());
}
