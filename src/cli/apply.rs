//! `syncready apply` and `syncready undo`: write a reviewed plan to the directory with a
//! journal, finish an interrupted run, or reverse one; `--dry-run` prints the LDIF instead.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;

use super::connection::ConnectionArgs;
use super::interrupt;
use super::output::{out, outln};
use super::progress::WriteProgress;
use super::scan::RulesetArgs;
use crate::fix::apply::{ApplyReport, apply, precheck, resume, undo, undo_changes};
use crate::fix::journal::{Outcome, new_journal_path};
use crate::fix::ldif::changes_ldif;
use crate::fix::target::Directory;
use crate::fix::value_check::ValueProblem;
use crate::fix::{Change, import_plan};

/// Connect Sync's default accidental-delete threshold.
const DEFAULT_MAX_CHANGES: usize = 500;

#[derive(Args)]
pub struct ApplyArgs {
    /// The reviewed findings.csv (ACTION and UPDATE filled in).
    #[arg(long, value_name = "FILE", required_unless_present = "resume", conflicts_with = "resume")]
    plan: Option<PathBuf>,
    /// Finish an interrupted apply (or undo) from its journal.
    #[arg(long, value_name = "JOURNAL")]
    resume: Option<PathBuf>,
    /// Print the LDAP modifications as LDIF (for ldapmodify or ldifde -i) and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// The journal to write (default: apply-<time>.jsonl in %LOCALAPPDATA%\syncready\journals on
    /// Windows, ~/.local/share/syncready/journals elsewhere); never overwritten.
    #[arg(long, value_name = "FILE")]
    journal: Option<PathBuf>,
    #[command(flatten)]
    limits: Limits,
    /// The rules new values are checked with: give the scan's.
    #[command(flatten)]
    rules: RulesetArgs,
    #[command(flatten)]
    connection: ConnectionArgs,
}

#[derive(Args)]
pub struct UndoArgs {
    /// The journal of the apply to reverse.
    #[arg(long, value_name = "FILE")]
    journal: PathBuf,
    /// Only the changes whose DN contains this text.
    #[arg(long, value_name = "TEXT")]
    only: Option<String>,
    /// Print the LDAP modifications as LDIF and write nothing.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    limits: Limits,
    #[command(flatten)]
    connection: ConnectionArgs,
}

/// The safety limit on how much one run may change.
#[derive(Args)]
struct Limits {
    /// Go ahead without asking when there are more changes than --max-changes.
    #[arg(long)]
    yes: bool,
    /// How many attribute edits a run may make without --yes or a confirmation.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_CHANGES)]
    max_changes: usize,
}

impl Limits {
    fn check(&self, changes: &[Change]) -> anyhow::Result<()> {
        let edits: usize = changes.iter().map(|c| c.edits.len()).sum();
        if edits <= self.max_changes {
            return Ok(());
        }
        self.confirm(
            &format!("{edits} edits on {} objects (limit {}). Apply them?", changes.len(), self.max_changes),
            &format!(
                "{edits} edits on {} objects exceed the limit of {}: pass --yes to go ahead",
                changes.len(),
                self.max_changes
            ),
        )
    }

    /// Goes on with --yes, or when the admin answers `y` to `question` at a terminal;
    /// otherwise stops with `refusal` and nothing written.
    fn confirm(&self, question: &str, refusal: &str) -> anyhow::Result<()> {
        if self.yes {
            return Ok(());
        }
        anyhow::ensure!(std::io::stdin().is_terminal(), "{refusal}; nothing was written");
        eprint!("{question} [y/N] ");
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        anyhow::ensure!(answer.trim().eq_ignore_ascii_case("y"), "nothing written");
        Ok(())
    }
}

pub fn run_apply(args: ApplyArgs) -> anyhow::Result<ExitCode> {
    if let Some(journal) = &args.resume {
        let mut directory = Directory::connect(&args.connection.options()?)?;
        interrupt::set_consequence(resume_hint(journal));
        let progress = WriteProgress::new("resume");
        let report = resume(&mut directory, journal, &|done, total| progress.update(done, total));
        progress.finish();
        let report = report?;
        return Ok(finish(&report, journal, &[], "already done"));
    }
    let plan = args.plan.as_ref().expect("clap requires --plan without --resume");
    let changes = import_plan(plan)?;
    if args.dry_run {
        out!("{}", changes_ldif(&changes));
        return Ok(ExitCode::SUCCESS);
    }
    anyhow::ensure!(!changes.is_empty(), "{}: no EDIT or REMOVE rows: nothing to apply", plan.display());
    args.limits.check(&changes)?;
    let mut directory = Directory::connect(&args.connection.options()?)?;
    let ruleset = args.rules.options().build()?;
    let values =
        precheck(&mut directory, &changes, &ruleset).map_err(|e| anyhow::anyhow!("{}: {e}", plan.display()))?;
    let listed =
        |problems: &[ValueProblem]| problems.iter().map(|p| format!("\n  {}: {p}", plan.display())).collect::<String>();
    anyhow::ensure!(
        values.refused.is_empty(),
        "{}: {} refused by the rules; nothing was written:{}",
        plan.display(),
        crate::report::count(values.refused.len(), "new value"),
        listed(&values.refused)
    );
    if !values.to_confirm.is_empty() {
        eprintln!(
            "{} still with warnings:{}",
            crate::report::count(values.to_confirm.len(), "new value"),
            listed(&values.to_confirm)
        );
        args.limits.confirm("Apply them anyway?", "pass --yes to write them")?;
    }
    let journal =
        args.journal.clone().unwrap_or_else(|| new_journal_path(&crate::platform::folders::journals_dir(), "apply"));
    interrupt::set_consequence(resume_hint(&journal));
    let progress = WriteProgress::new("apply");
    let report = apply(&mut directory, &changes, &journal, "apply", &plan.display().to_string(), &|done, total| {
        progress.update(done, total)
    });
    progress.finish();
    let report = report.with_context(|| format!("applying {}", plan.display()))?;
    Ok(finish(&report, &journal, &changes, "already done"))
}

pub fn run_undo(args: UndoArgs) -> anyhow::Result<ExitCode> {
    let changes = undo_changes(&args.journal, args.only.as_deref())?;
    if args.dry_run {
        out!("{}", changes_ldif(&changes));
        return Ok(ExitCode::SUCCESS);
    }
    args.limits.check(&changes)?;
    let mut directory = Directory::connect(&args.connection.options()?)?;
    let stem = args.journal.file_stem().map_or("journal".into(), |s| s.to_string_lossy().into_owned());
    let folder = args.journal.parent().unwrap_or(Path::new(""));
    let undo_journal = new_journal_path(folder, &format!("{stem}-undo"));
    interrupt::set_consequence(resume_hint(&undo_journal));
    let progress = WriteProgress::new("undo");
    let report = undo(&mut directory, &args.journal, args.only.as_deref(), &undo_journal, &|done, total| {
        progress.update(done, total)
    });
    progress.finish();
    let report = report?;
    Ok(finish(&report, &undo_journal, &[], "already undone"))
}

/// What an interrupted write leaves: a journal to finish from.
fn resume_hint(journal: &Path) -> String {
    format!("the journal {0} records how far it got: finish with `syncready apply --resume {0}`", journal.display())
}

/// Prints the results that need attention (with the plan's row numbers) and the totals, the
/// changes found in their planned state as `already` ("already done", "already undone"); exit
/// 1 when any change was a conflict or failed.
fn finish(report: &ApplyReport, journal: &Path, plan: &[Change], already: &str) -> ExitCode {
    for (seq, dn, outcome, message) in &report.results {
        if matches!(outcome, Outcome::Conflict | Outcome::Failed) {
            let rows = plan.get(seq - 1).map(|c| c.rows.iter().map(u64::to_string).collect::<Vec<_>>().join(", "));
            let rows = rows.map(|r| format!(" (plan rows {r})")).unwrap_or_default();
            outln!("  #{seq} {dn}{rows}: {outcome:?}: {message}");
        }
    }
    let (applied, conflicts, failed) =
        (report.count(Outcome::Applied), report.count(Outcome::Conflict), report.count(Outcome::Failed));
    let skipped = match report.count(Outcome::Skipped) {
        0 => String::new(),
        n => format!(", {n} {already}"),
    };
    outln!("{applied} applied, {conflicts} conflicts, {failed} failed{skipped}. Journal: {}", journal.display());
    if conflicts + failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
}
