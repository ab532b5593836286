//! `syncready scan`: read the sources, run the ruleset, write `findings.csv` and
//! `summary.csv`, print a one-screen summary.

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use anyhow::Context as _;
use clap::Args;

use super::progress::TerminalProgress;
use crate::report::csv::write_findings;
use crate::report::summary::{SummaryRow, summarize, write_summary};
use crate::rules::{Anchor, Ruleset, needed_attributes, scan};
use crate::source::domains::read_verified_domains;
use crate::source::ldap::{Bind, LdapOptions, Security, read_ldap};
use crate::source::{SourceSpec, read_sources};

#[derive(Args)]
pub struct ScanArgs {
    /// An LDIF export (ldifde -f); repeat for several.
    #[arg(long = "ldif", value_name = "FILE")]
    ldif: Vec<PathBuf>,
    /// A csvde export; repeat for several.
    #[arg(long = "csvde", value_name = "FILE")]
    csvde: Vec<PathBuf>,
    /// Ruleset: a built-in name (multi-tenant) or a .toml file that overrides it.
    #[arg(long, value_name = "NAME|PATH", default_value = "multi-tenant")]
    ruleset: String,
    /// The tenant's verified domains, comma-separated: UPN suffixes outside them (and their
    /// subdomains) are UnverifiedDomain.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    verified_domains: Vec<String>,
    /// A file of verified domains: one per line, or the CSV of the Entra admin center or
    /// `Get-MgDomain | Export-Csv` (verified ones are kept).
    #[arg(long, value_name = "FILE")]
    verified_domains_file: Option<PathBuf>,
    /// Domain proposed for unverified or non-routable UPN suffixes.
    #[arg(long, value_name = "DOMAIN")]
    target_domain: Option<String>,
    /// The source anchor: mS-DS-ConsistencyGuid (the default) or objectGUID.
    #[arg(long, value_name = "ATTRIBUTE")]
    anchor: Option<String>,
    /// The attribute Entra ID takes the sign-in name from, when not userPrincipalName (IdFix's
    /// "Alternate Login ID"), e.g. mail.
    #[arg(long, value_name = "ATTRIBUTE")]
    alternate_login_id: Option<String>,
    /// Folder for findings.csv and summary.csv.
    #[arg(long, value_name = "DIR", default_value_os_t = super::default_out_dir())]
    out: PathBuf,
    #[command(flatten)]
    ldap: LdapArgs,
}

/// Live reads over LDAP.
#[derive(Args)]
pub struct LdapArgs {
    /// A domain controller to read, as ldaps://host or ldap://host (with --starttls); repeat
    /// for several forests, read in parallel.
    #[arg(long = "ldap", value_name = "URL")]
    urls: Vec<String>,
    /// Search base (default: each server's defaultNamingContext).
    #[arg(long, value_name = "DN")]
    base: Option<String>,
    /// LDAP filter (default: users, contacts and groups).
    #[arg(long, value_name = "LDAP_FILTER")]
    filter: Option<String>,
    /// Simple-bind identity (user@domain, DOMAIN\\user or a DN); once for every server, or
    /// once per --ldap in the same order. Without it: Kerberos with the ticket cache (kinit).
    #[arg(long, value_name = "USER")]
    bind_user: Vec<String>,
    /// Name of the environment variable holding the password (otherwise it is prompted for);
    /// once, or once per --bind-user.
    #[arg(long, value_name = "VAR")]
    password_env: Vec<String>,
    /// PEM file of the CA that issued the domain controllers' certificates.
    #[arg(long, value_name = "PEM")]
    ca_file: Option<PathBuf>,
    /// Upgrade ldap:// connections with StartTLS.
    #[arg(long)]
    starttls: bool,
    /// Allow a plain-text simple bind over ldap:// (lab networks only: the password crosses
    /// the network unencrypted).
    #[arg(long)]
    insecure_plain_ldap: bool,
    /// Objects per page.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    page_size: i32,
    /// Concurrent searches per domain.
    #[arg(long, value_name = "N", default_value_t = 4)]
    parallel: usize,
    /// Read from the global catalog (port 3269 with TLS, 3268 without).
    #[arg(long)]
    global_catalog: bool,
    /// When a source fails, report on what was read and mark the summary partial (exit 2
    /// otherwise).
    #[arg(long)]
    allow_partial: bool,
}

impl LdapArgs {
    fn options(&self, attributes: Vec<String>) -> anyhow::Result<LdapOptions> {
        anyhow::ensure!(
            !(self.starttls && self.insecure_plain_ldap),
            "--starttls and --insecure-plain-ldap exclude each other"
        );
        anyhow::ensure!(self.page_size > 0, "--page-size must be at least 1");
        anyhow::ensure!(
            self.password_env.len() <= 1 || self.password_env.len() == self.bind_user.len(),
            "give --password-env once, or once per --bind-user"
        );
        let binds = if self.bind_user.is_empty() {
            vec![Bind::Kerberos]
        } else {
            let variable = |i: usize| self.password_env.get(i).or(self.password_env.first()).map(String::as_str);
            let binds = self
                .bind_user
                .iter()
                .enumerate()
                .map(|(i, user)| Ok(Bind::Simple { user: user.clone(), password: password(user, variable(i))? }));
            binds.collect::<anyhow::Result<Vec<_>>>()?
        };
        let security = if self.starttls {
            Security::StartTls
        } else if self.insecure_plain_ldap {
            eprintln!(
                "WARNING: --insecure-plain-ldap: binding over ldap:// without TLS. The password and every value \
                 read cross the network in clear text."
            );
            Security::InsecurePlain
        } else {
            Security::Default
        };
        Ok(LdapOptions {
            urls: self.urls.clone(),
            base: self.base.clone(),
            filter: self.filter.clone(),
            binds,
            security,
            ca_file: self.ca_file.clone(),
            page_size: self.page_size,
            parallel: self.parallel.max(1),
            attributes,
            range_step: None,
            global_catalog: self.global_catalog,
        })
    }
}

/// The bind password: from the named environment variable, or typed at a prompt.
fn password(user: &str, variable: Option<&str>) -> anyhow::Result<String> {
    if let Some(variable) = variable {
        return std::env::var(variable)
            .map_err(|_| anyhow::anyhow!("--password-env: the variable {variable} is not set"));
    }
    anyhow::ensure!(
        std::io::stdin().is_terminal(),
        "no password for {user}: set an environment variable and pass its name with --password-env, or run in a terminal"
    );
    Ok(rpassword::prompt_password(format!("Password for {user}: "))?)
}

pub fn run(args: ScanArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let ruleset = configured_ruleset(&args)?;
    let mut specs: Vec<SourceSpec> = args.ldif.iter().cloned().map(SourceSpec::Ldif).collect();
    specs.extend(args.csvde.iter().cloned().map(SourceSpec::Csvde));
    if specs.is_empty() && args.ldap.urls.is_empty() {
        eprintln!("No --ldif, --csvde or --ldap given: scanning the built-in demo directory.");
        specs.push(SourceSpec::Demo);
    }
    let progress = TerminalProgress::new();
    let snapshot = read_sources(&specs, &progress);
    progress.finish();
    let mut snapshot = snapshot?;
    let mut incomplete = Vec::new();
    if !args.ldap.urls.is_empty() {
        let options = args.ldap.options(needed_attributes(&ruleset))?;
        let live = read_ldap(&options, &progress, &AtomicBool::new(false), args.ldap.allow_partial);
        progress.finish();
        let live = live?;
        snapshot.objects.extend(live.objects);
        snapshot.sources.extend(live.sources);
        for failure in live.failures {
            eprintln!("WARNING: partial scan: {failure}");
            incomplete.push(failure.to_string());
        }
    }
    let result = scan(&snapshot.objects, &ruleset);
    let summary = summarize(&result.findings, &result.stats, &incomplete)?;
    std::fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    let findings_path = args.out.join("findings.csv");
    let summary_path = args.out.join("summary.csv");
    write_findings(&findings_path, &result.findings)?;
    write_summary(&summary_path, &summary)?;

    println!("syncready scan, ruleset {}", ruleset.name);
    for source in &snapshot.sources {
        println!("  {}: {} objects, {:.1} MB", source.name, source.objects, source.bytes as f64 / 1e6);
    }
    for reason in &incomplete {
        println!("  PARTIAL: {reason}");
    }
    print_summary(&summary);
    println!(
        "Wrote {} and {} in {:.1} s.",
        findings_path.display(),
        summary_path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(if result.findings.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The ruleset with the command line's options applied over its own.
fn configured_ruleset(args: &ScanArgs) -> anyhow::Result<Ruleset> {
    let mut ruleset = Ruleset::load(&args.ruleset)?;
    let mut verified = args.verified_domains.clone();
    if let Some(path) = &args.verified_domains_file {
        verified.extend(read_verified_domains(path)?);
    }
    if !verified.is_empty() {
        ruleset.set_verified_domains(verified);
    }
    if let Some(target) = &args.target_domain {
        ruleset.set_target_domain(target);
    }
    if let Some(anchor) = &args.anchor {
        ruleset.anchor = Anchor::parse(anchor)
            .ok_or_else(|| anyhow::anyhow!("--anchor must be objectGUID or mS-DS-ConsistencyGuid, not '{anchor}'"))?;
    }
    if let Some(attribute) = &args.alternate_login_id {
        ruleset.set_alternate_login_id(attribute).map_err(|e| anyhow::anyhow!("--alternate-login-id: {e}"))?;
    }
    Ok(ruleset)
}

fn print_summary(rows: &[SummaryRow]) {
    let view = |name: &'static str| rows.iter().filter(move |r| r.view == name);
    let totals: Vec<String> = view("total").map(|r| format!("{} {}", r.key, r.findings)).collect();
    println!("  {}", totals.join(" · "));
    for row in view("skipped") {
        println!("    skipped, {}: {}", row.key, row.findings);
    }
    let mut by_error: Vec<(&str, u64)> = Vec::new();
    for row in view("error") {
        match by_error.iter_mut().find(|(name, _)| *name == row.key) {
            Some((_, count)) => *count += row.findings,
            None => by_error.push((&row.key, row.findings)),
        }
    }
    by_error.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    if !by_error.is_empty() {
        println!("  Findings by error name:");
    }
    for (name, count) in by_error {
        println!("    {name:<18} {count:>9}");
    }
}
