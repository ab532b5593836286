//! `syncready scan`: read the sources, run the ruleset, write `findings.csv` and
//! `summary.csv`, print a one-screen summary.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use anyhow::Context as _;
use clap::Args;

use super::connection::ConnectionArgs;
use super::interrupt::{self, Interrupted};
use super::output::outln;
use super::progress::TerminalProgress;
use crate::report::baseline;
use crate::report::csv::add_findings;
use crate::report::engine::EngineLine;
use crate::report::page::report::{ReportContext, add_report};
use crate::report::summary::{SummaryRow, add_summary};
use crate::report::{ReportSet, count};
use crate::rules::{Ruleset, RulesetOptions, add_attributes, needed_attributes, scan};
use crate::source::ldap::LdapOptions;
use crate::source::ldap::Reference;
use crate::source::ldif_write::write_objects;
use crate::source::{SourceRead, SourceSpec, read_all};

#[derive(Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(flatten)]
    pub rules: RulesetArgs,
    /// Folder for findings.csv and summary.csv.
    #[arg(long, value_name = "DIR", default_value_os_t = super::default_out_dir())]
    out: PathBuf,
    /// Also write every object read as LDIF, to scan again offline with --ldif (not when the
    /// read was partial: a saved part would scan as if it were the whole directory).
    #[arg(long, value_name = "FILE.ldif")]
    save: Option<PathBuf>,
    /// An earlier report (its findings.csv) to compare with: new, fixed and unchanged findings
    /// in the summary and diff.csv.
    #[arg(long, value_name = "FINDINGS.csv")]
    baseline: Option<PathBuf>,
    /// What makes the exit code 1: any finding (the default), or only findings new since
    /// --baseline (for scheduled runs that alert on regressions, not on the known backlog).
    #[arg(long, value_enum, default_value_t = FailOn::Any)]
    fail_on: FailOn,
}

/// What makes a scan's exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Any,
    New,
}

/// Where the objects come from: exports, live directories, or the demo when none is given.
#[derive(Args)]
pub struct SourceArgs {
    /// An LDIF export (ldifde -f); repeat for several.
    #[arg(long = "ldif", value_name = "FILE")]
    ldif: Vec<PathBuf>,
    /// A csvde export; repeat for several.
    #[arg(long = "csvde", value_name = "FILE")]
    csvde: Vec<PathBuf>,
    #[command(flatten)]
    connection: ConnectionArgs,
    #[command(flatten)]
    read: ReadArgs,
}

/// The ruleset and the options laid over it.
#[derive(Args)]
pub struct RulesetArgs {
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
    /// A tenant export to check the directory against (repeatable): a folder or files of Graph
    /// PowerShell JSON, Graph REST pages or the Export-Csv user list (the README gives the
    /// commands). Its verified domains, when exported, replace --verified-domains.
    #[arg(long, value_name = "PATH")]
    tenant: Vec<PathBuf>,
}

/// How a live scan reads, on top of the connection.
#[derive(Args)]
pub struct ReadArgs {
    /// Search base (default: each server's defaultNamingContext).
    #[arg(long, value_name = "DN")]
    base: Option<String>,
    /// LDAP filter (default: users, contacts and groups).
    #[arg(long, value_name = "LDAP_FILTER")]
    filter: Option<String>,
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

impl ReadArgs {
    fn options(&self, connection: &ConnectionArgs, attributes: Vec<String>) -> anyhow::Result<LdapOptions> {
        anyhow::ensure!(self.page_size > 0, "--page-size must be at least 1");
        Ok(LdapOptions {
            base: self.base.clone(),
            filter: self.filter.clone(),
            page_size: self.page_size,
            parallel: self.parallel.max(1),
            attributes,
            global_catalog: self.global_catalog,
            ..connection.options()?
        })
    }
}

pub fn run(args: ScanArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    anyhow::ensure!(
        args.fail_on == FailOn::Any || args.baseline.is_some(),
        "--fail-on new needs --baseline: the findings are new since which report?"
    );
    // The ruleset is checked first, then the output folders and the baseline, before the
    // directory is read: a mistake fails in a second, not after the scan (a broken tenant
    // export, read beside the directory, when the read ends).
    let (ruleset, read) = args.rules.options().build_while(|ruleset| -> anyhow::Result<_> {
        check_writable("--out", &args.out)?;
        if let Some(save) = &args.save {
            let folder = save.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            check_writable("--save", folder)?;
        }
        let baseline = args.baseline.as_deref().map(baseline::read_baseline).transpose()?;
        Ok((baseline, args.source.read(ruleset, &[])?))
    })?;
    let (baseline, read) = read?;
    let incomplete: Vec<String> = read.failures.iter().map(ToString::to_string).collect();
    let not_read: Vec<String> = read.not_read.iter().map(Reference::describe).collect();
    // References to partitions that hold no objects (DNS, configuration) leave a read whole.
    let save = args.save.as_deref().filter(|_| incomplete.is_empty());
    crate::rules::tenant::check_coverage(&read.snapshot.objects, &ruleset).map_err(anyhow::Error::msg)?;
    let result = scan(&read.snapshot.objects, &ruleset);
    let snapshot = &read.snapshot;
    let mut report =
        ReportContext::of(&snapshot.objects, &result, &snapshot.sources, &ruleset, &incomplete, &not_read)?;
    let comparison = baseline.map(|rows| baseline::compare(rows, &result.findings));
    if let Some(comparison) = &comparison {
        report.summary.extend(baseline::summary_rows(comparison));
    }
    let report_path = args.out.join("report.html");
    let diff_path = args.out.join("diff.csv");
    let findings_path = args.out.join("findings.csv");
    let summary_path = args.out.join("summary.csv");
    interrupt::deferred(|interrupted| -> anyhow::Result<()> {
        let mut reports = ReportSet::default();
        add_findings(&mut reports, &findings_path, &result.findings)?;
        add_summary(&mut reports, &summary_path, &report.summary)?;
        add_report(&mut reports, &report_path, &report.input(&result.findings))?;
        match &comparison {
            Some(comparison) => baseline::add_diff(&mut reports, &diff_path, comparison)?,
            None => reports.remove_stale(&diff_path),
        }
        if let Some(path) = save {
            reports.file(path, |out| write_objects(out, &read.snapshot.objects))?;
        }
        if interrupted() {
            return Err(Interrupted.into());
        }
        Ok(reports.commit()?)
    })?;

    outln!("syncready scan, ruleset {}", ruleset.name);
    for source in &read.snapshot.sources {
        outln!("  {}: {} objects, {:.1} MB", source.name, source.objects, source.bytes as f64 / 1e6);
    }
    if read.seen_twice > 0 {
        outln!(
            "  {} read more than once (the same objectGUID or DN), checked once",
            count(read.seen_twice as usize, "object")
        );
    }
    for reason in &incomplete {
        outln!("  PARTIAL: {reason}");
    }
    for reference in &not_read {
        outln!("  NOT READ: {reference}");
    }
    print_summary(&report.summary);
    print_engine(&report.engine);
    outln!(
        "Wrote {}, {} and {} in {:.1} s.",
        findings_path.display(),
        summary_path.display(),
        report_path.display(),
        started.elapsed().as_secs_f64()
    );
    match (&args.save, save) {
        (_, Some(path)) => outln!("Saved what was read to {}.", path.display()),
        (Some(path), None) => {
            eprintln!("WARNING: --save {}: not written, the read was partial.", path.display())
        }
        (None, None) => {}
    }
    if let Some(comparison) = &comparison {
        outln!(
            "Wrote {} ({} new, {} fixed, {} unchanged).",
            diff_path.display(),
            comparison.new,
            comparison.fixed,
            comparison.unchanged
        );
    }
    let failed = match (args.fail_on, &comparison) {
        (FailOn::New, Some(comparison)) => comparison.new > 0,
        _ => !result.findings.is_empty(),
    };
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Makes sure files can be written to `folder` (given by `option`) before anything is read (a
/// scan of millions of objects should not end on a folder it cannot write).
fn check_writable(option: &str, folder: &Path) -> anyhow::Result<()> {
    let named = || format!("{option} {}", folder.display());
    std::fs::create_dir_all(folder).with_context(|| format!("{}: cannot create the folder", named()))?;
    let probe = folder.join(format!(".syncready-write-test-{}", std::process::id()));
    std::fs::File::create_new(&probe).with_context(|| format!("{}: cannot write reports there", named()))?;
    std::fs::remove_file(&probe).with_context(named)?;
    Ok(())
}

impl SourceArgs {
    /// Reads every source (the demo when none is given), with progress on the terminal, and
    /// warns of each failed one; live reads fetch the ruleset's attributes and
    /// `extra_attributes`.
    pub fn read(&self, ruleset: &Ruleset, extra_attributes: &[String]) -> anyhow::Result<SourceRead> {
        let mut specs: Vec<SourceSpec> = self.ldif.iter().cloned().map(SourceSpec::Ldif).collect();
        specs.extend(self.csvde.iter().cloned().map(SourceSpec::Csvde));
        if !self.connection.urls.is_empty() {
            let mut attributes = needed_attributes(ruleset);
            add_attributes(&mut attributes, extra_attributes);
            specs.push(SourceSpec::Ldap(self.read.options(&self.connection, attributes)?));
        }
        if specs.is_empty() {
            eprintln!("No --ldif, --csvde or --ldap given: scanning the built-in demo directory.");
            specs.push(SourceSpec::Demo);
        }
        let progress = TerminalProgress::new();
        let read = read_all(&specs, &progress, &AtomicBool::new(false), self.read.allow_partial);
        progress.finish();
        let read = read?;
        for failure in &read.failures {
            eprintln!("WARNING: partial scan: {failure}");
        }
        Ok(read)
    }
}

impl RulesetArgs {
    /// The ruleset choices the command line makes.
    pub fn options(&self) -> RulesetOptions {
        RulesetOptions {
            ruleset: self.ruleset.clone(),
            verified_domains: self.verified_domains.clone(),
            verified_domains_file: self.verified_domains_file.clone(),
            target_domain: self.target_domain.clone(),
            anchor: self.anchor.clone(),
            alternate_login_id: self.alternate_login_id.clone(),
            tenant: self.tenant.clone(),
        }
    }
}

/// The engine advice, then the pages it rests on, once each.
fn print_engine(lines: &[EngineLine]) {
    outln!("  Before installing a sync engine:");
    for line in lines {
        outln!("    {}", line.text);
    }
    let mut sources: Vec<&str> = lines.iter().map(|l| l.source).collect();
    sources.dedup();
    for source in sources {
        outln!("    see {source}");
    }
}

fn print_summary(rows: &[SummaryRow]) {
    let view = |name: &'static str| rows.iter().filter(move |r| r.view == name);
    let objects = |row: &SummaryRow| row.objects.unwrap_or_default();
    let findings = |row: &SummaryRow| row.findings.unwrap_or_default();
    let counts: Vec<String> = view("objects").map(|r| format!("{} {}", r.key, objects(r))).collect();
    outln!("  objects {}", counts.join(" · "));
    for (name, label) in [("skipped", "skipped"), ("out of scope", "out of scope")] {
        for row in view(name) {
            outln!("    {label}, {}: {}", row.key, objects(row));
        }
    }
    let since: Vec<String> = view("baseline").map(|r| format!("{} {}", r.key, findings(r))).collect();
    if !since.is_empty() {
        outln!("  since the baseline: {}", since.join(" · "));
    }
    let tenant: Vec<String> = view("tenant").map(|r| format!("{} {}", r.key, objects(r))).collect();
    if !tenant.is_empty() {
        outln!("  tenant: {}", tenant.join(" · "));
    }
    if let Some(all) = view("findings").next() {
        let by_severity: Vec<String> = view("severity").map(|r| format!("{} {}", r.key, findings(r))).collect();
        let by_severity =
            if by_severity.is_empty() { String::new() } else { format!(": {}", by_severity.join(" · ")) };
        outln!("  findings {} on {}{by_severity}", findings(all), count(objects(all) as usize, "object"));
    }
    let mut by_error: Vec<(&str, u64)> = Vec::new();
    for row in view("error name") {
        match by_error.iter_mut().find(|(name, _)| *name == row.key) {
            Some((_, count)) => *count += findings(row),
            None => by_error.push((&row.key, findings(row))),
        }
    }
    by_error.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    if !by_error.is_empty() {
        outln!("  Findings by error name:");
    }
    let width = by_error.iter().map(|(name, _)| name.chars().count()).max().unwrap_or(0);
    for (name, count) in by_error {
        outln!("    {name:<width$} {count:>9}");
    }
}
