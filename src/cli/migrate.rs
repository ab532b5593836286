//! `syncready migrate`: read a Connect Sync configuration export and a scan of the same
//! forests, and write the Cloud Sync migration plan: readiness.csv, waves.csv, the anchor
//! fixes per wave, and plan.md. Exit 0 without blockers, 1 with, 2 on an error.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::output::outln;
use super::scan::{RulesetArgs, SourceArgs};
use crate::migrate::waves::WaveOptions;
use crate::migrate::{needed_attributes, plan_migration, read_config, write_plan};
use crate::model::Severity;
use crate::report::count;
use crate::rules::scan;

#[derive(Args)]
pub struct MigrateArgs {
    /// The Connect Sync configuration: a Get-ADSyncServerConfiguration folder, or the wizard's
    /// Exported-/Applied-SynchronizationPolicy-*.json (or a folder holding them).
    #[arg(long, value_name = "PATH")]
    config: PathBuf,
    /// An OU the Cloud Sync configuration will be scoped to; repeat for several (default: the
    /// containers Connect Sync selects).
    #[arg(long = "cloud-ou", value_name = "DN")]
    cloud_ous: Vec<String>,
    /// The pilot takes the smallest OUs up to this many objects.
    #[arg(long, value_name = "N", default_value_t = WaveOptions::default().pilot_size)]
    pilot_size: usize,
    /// The most objects one wave moves.
    #[arg(long, value_name = "N", default_value_t = WaveOptions::default().wave_size)]
    wave_size: usize,
    /// Folder for readiness.csv, waves.csv, anchors-wave-N.csv and plan.md.
    #[arg(long, value_name = "DIR", default_value_os_t = super::default_out_dir().join("migration"))]
    out: PathBuf,
    #[command(flatten)]
    source: SourceArgs,
    #[command(flatten)]
    rules: RulesetArgs,
}

pub fn run(args: MigrateArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.wave_size > 0, "--wave-size must be at least 1");
    let config = read_config(&args.config)?;
    let attributes = needed_attributes(&config);
    let (ruleset, read) = args.rules.options().build_while(|ruleset| args.source.read(ruleset, &attributes))?;
    let read = read?;
    anyhow::ensure!(read.failures.is_empty(), "a source was read only in part: a plan needs the whole directory");
    let objects = &read.snapshot.objects;
    crate::rules::tenant::check_coverage(objects, &ruleset).map_err(anyhow::Error::msg)?;
    let findings = scan(objects, &ruleset).findings;
    let options = WaveOptions { pilot_size: args.pilot_size, wave_size: args.wave_size };
    let plan = plan_migration(config, objects, &findings, &ruleset, &args.cloud_ous, &options)
        .map_err(|e| anyhow::anyhow!(e))?;
    // Ctrl-C waits for the plan's files: they are put in place together.
    let written = super::interrupt::deferred(|_| Ok(write_plan(&args.out, &plan, objects)?))?;

    outln!("syncready migrate: {}", plan.config.source.display());
    for item in plan.assessment.items.iter().filter(|i| i.severity != Severity::Info) {
        outln!("  {:<8} {} {}: {}", item.severity.as_str(), item.code, item.subject, item.reason);
    }
    let guided = &plan.assessment.guided_tool;
    outln!(
        "  Guided tool: {}",
        if guided.eligible { "eligible".to_owned() } else { format!("not eligible ({})", guided.reasons.join("; ")) }
    );
    let moving: usize = plan.waves.iter().map(|w| w.objects.len()).sum();
    outln!("  {} for {moving} objects.", count(plan.waves.len(), "wave"));
    outln!("  {}.", plan.verdict());
    for path in written {
        outln!("Wrote {}", path.display());
    }
    Ok(if plan.is_ready() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
