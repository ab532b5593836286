//! The command line: subcommands and their options, parsed with clap.

mod apply;
mod connection;
mod generate;
mod interrupt;
mod migrate;
mod output;
mod progress;
mod rules;
mod scan;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "syncready", version, about = "Find and fix what Entra ID sync would reject in Active Directory")]
struct Cli {
    /// With no command, the desktop app opens.
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Scan a directory export (or, with no source, the built-in demo directory).
    Scan(Box<scan::ScanArgs>),
    /// Write a seeded, realistic dirty directory as LDIF, with its planted findings.
    Generate(generate::GenerateArgs),
    /// Print the rule catalogue.
    Rules(rules::RulesArgs),
    /// Apply a reviewed findings.csv to the directory, with a journal (or finish one).
    Apply(Box<apply::ApplyArgs>),
    /// Reverse the changes an apply made, from its journal.
    Undo(Box<apply::UndoArgs>),
    /// Plan the move from Connect Sync to Cloud Sync from a configuration export and a scan.
    Migrate(Box<migrate::MigrateArgs>),
    /// Open the desktop app (the same as no command).
    Gui {
        /// Scan the built-in demo directory right away.
        #[arg(long)]
        demo: bool,
    },
}

/// Runs the command line and returns the process exit code.
pub fn run() -> anyhow::Result<ExitCode> {
    let cli = Cli::try_parse().map_err(|e| {
        let _ = e.print();
        let code = if e.use_stderr() { 2 } else { 0 };
        std::process::exit(code);
    })?;
    let command = cli.command.unwrap_or(Command::Gui { demo: false });
    if !matches!(command, Command::Gui { .. }) {
        interrupt::install();
    }
    match command {
        Command::Gui { demo } => gui(demo),
        Command::Scan(args) => scan::run(*args),
        Command::Generate(args) => generate::run(args),
        Command::Rules(args) => rules::run(args),
        Command::Apply(args) => apply::run_apply(*args),
        Command::Undo(args) => apply::run_undo(*args),
        Command::Migrate(args) => migrate::run(*args),
    }
}

#[cfg(feature = "gui")]
fn gui(demo: bool) -> anyhow::Result<ExitCode> {
    crate::gui::run(demo)?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(feature = "gui"))]
fn gui(_demo: bool) -> anyhow::Result<ExitCode> {
    anyhow::bail!("this build has no desktop app (build with the default `gui` feature); see `syncready --help`")
}

/// Where reports go when `--out` is not given.
fn default_out_dir() -> PathBuf {
    PathBuf::from("reports")
}
