//! `syncready rules`: print the rule catalogue, as text or as the Markdown of `docs/rules.md`;
//! with `--readiness`, the migration's readiness checks (the code table of `docs/migration.md`).

use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::output::out;
use crate::migrate::catalog;
use crate::rules::docs;

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Md,
}

#[derive(Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// The migration planner's readiness checks (MIG codes) instead of the scan's rules.
    #[arg(long)]
    readiness: bool,
}

pub fn run(args: RulesArgs) -> anyhow::Result<ExitCode> {
    match (args.readiness, args.format) {
        (false, Format::Text) => out!("{}", docs::text()),
        (false, Format::Md) => out!("{}", docs::markdown()),
        (true, Format::Text) => out!("{}", catalog::text()),
        (true, Format::Md) => out!("{}", catalog::markdown_table()),
    }
    Ok(ExitCode::SUCCESS)
}
