//! `syncready rules`: print the rule catalogue, as text or as the Markdown of `docs/rules.md`.

use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::output::out;
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
}

pub fn run(args: RulesArgs) -> anyhow::Result<ExitCode> {
    match args.format {
        Format::Text => out!("{}", docs::text()),
        Format::Md => out!("{}", docs::markdown()),
    }
    Ok(ExitCode::SUCCESS)
}
