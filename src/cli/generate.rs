//! `syncready generate`: write a seeded dirty directory as LDIF and, optionally, the findings
//! planted in it.

use std::fs::File;
use std::io::BufWriter;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use clap::Args;

use super::output::outln;
use crate::source::generate::{GenerateOptions, generate, generate_with_tenant, write_truth};

#[derive(Args)]
pub struct GenerateArgs {
    /// How many objects (containers and special objects included).
    #[arg(long)]
    objects: u64,
    /// The seed: the same seed always gives the same directory.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Share of users, contacts and groups that get a planted defect (0 to 1).
    #[arg(long, default_value_t = 0.05)]
    defect_rate: f64,
    /// Plant only defects Active Directory can hold (no over-long names, reserved
    /// sAMAccountName characters, or duplicate sAMAccountName / userPrincipalName in one
    /// domain), so the file loads into a real domain controller.
    #[arg(long)]
    ad_storable: bool,
    /// The LDIF file to write.
    #[arg(long, value_name = "FILE.ldif")]
    out: PathBuf,
    /// Where to write the planted findings (CSV).
    #[arg(long, value_name = "FILE.csv")]
    truth: Option<PathBuf>,
    /// Also write a tenant export of the directory (Graph PowerShell JSON) to this folder, for
    /// `scan --tenant`; the truth then holds the tenant's planted findings too.
    #[arg(long, value_name = "DIR")]
    tenant_out: Option<PathBuf>,
}

pub fn run(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!((0.0..=1.0).contains(&args.defect_rate), "--defect-rate must be between 0 and 1");
    let started = Instant::now();
    let options = GenerateOptions {
        objects: args.objects,
        seed: args.seed,
        defect_rate: args.defect_rate,
        ad_storable: args.ad_storable,
    };
    let file = File::create(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let planted = match &args.tenant_out {
        Some(folder) => generate_with_tenant(&options, &mut out, folder)
            .with_context(|| format!("writing {} and the tenant in {}", args.out.display(), folder.display()))?,
        None => generate(&options, &mut out).with_context(|| format!("writing {}", args.out.display()))?,
    };
    out.flush().with_context(|| format!("writing {}", args.out.display()))?;
    if let Some(truth) = &args.truth {
        write_truth(truth, &planted).with_context(|| format!("writing {}", truth.display()))?;
    }
    outln!(
        "Wrote {} objects to {} ({} planted findings) in {:.1} s.",
        args.objects,
        args.out.display(),
        planted.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
