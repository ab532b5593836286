//! The app's writes with 1,000,000 findings of which 500,000 are decided (fixes accepted, values
//! to remove): how long Apply… takes to open its dialog, to show the plan's summary and to finish
//! checking the new values with the scan's rules; how long the apply's results take to map
//! back to the table. Nothing is written to a directory: the write worker runs a writer
//! that journals the changes as the library does and reports each one applied, so the figures
//! are the app's own. Run with `cargo bench --bench gui_writes`.

#[path = "support/journal.rs"]
mod journal;
#[path = "support/million.rs"]
mod million;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable};
use syncready::fix::Action;
use syncready::fix::apply::ApplyReport;
use syncready::fix::journal::Outcome;
use syncready::gui::SyncreadyApp;
use syncready::gui::{Job, RowChoice, WriteResult};
use syncready::model::AttrName;
use syncready::source::ldap::LdapOptions;

const FINDINGS: usize = 1_000_000;
const ACCEPTED: usize = 500_000;

/// The journal the stand-in writer writes.
const JOURNAL: &str = "target/bench-data/gui-writes.jsonl";

/// Journals an apply as the library does and reports every change applied.
fn reporting_writer(_: &LdapOptions, job: Job, progress: &dyn Fn(usize, usize)) -> WriteResult {
    let Job::Apply { changes, journal, .. } = job else { return Err("this benchmark only applies".into()) };
    journal::write_applied(&journal, &changes);
    progress(changes.len(), changes.len());
    let results =
        changes.into_iter().enumerate().map(|(i, c)| (i + 1, c.dn, Outcome::Applied, String::new())).collect();
    Ok((ApplyReport { results }, PathBuf::from(JOURNAL)))
}

/// Runs one frame; returns how long it took.
fn frame(harness: &mut Harness<'_, SyncreadyApp>) -> Duration {
    let started = Instant::now();
    harness.step();
    started.elapsed()
}

/// Steps a frame, then more until `done`; returns the time it took and the longest frame.
fn frames_until(
    harness: &mut Harness<'_, SyncreadyApp>,
    done: impl Fn(&mut Harness<'_, SyncreadyApp>) -> bool,
    what: &str,
) -> (Duration, Duration) {
    let started = Instant::now();
    let mut longest = frame(harness);
    while !done(harness) {
        assert!(started.elapsed() < Duration::from_secs(600), "{what} did not finish: {}", harness.state().status());
        longest = longest.max(frame(harness));
    }
    (started.elapsed(), longest)
}

/// Steps the frames a dialog takes to fade in, after which it takes clicks.
fn settle(harness: &mut Harness<'_, SyncreadyApp>) {
    for _ in 0..10 {
        harness.step();
    }
}

/// After a click on a write's button: steps frames until the write starts, then until it
/// ends; returns the time and the longest frame from the click on.
fn write(harness: &mut Harness<'_, SyncreadyApp>, what: &str) -> (Duration, Duration) {
    let started = Instant::now();
    let (_, starting) = frames_until(harness, |h| h.state().is_writing(), what);
    let (_, writing) = frames_until(harness, |h| !h.state().is_writing(), what);
    (started.elapsed(), starting.max(writing))
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT met" }
}

/// The rows with a decision to write (an edit or a removal).
fn decided(harness: &Harness<'_, SyncreadyApp>) -> usize {
    harness.state().review().decisions.iter().filter(|d| matches!(d, Action::Edit(_) | Action::Remove)).count()
}

fn main() {
    let started = Instant::now();
    let (findings, objects) = million::million_review(FINDINGS);
    println!(
        "{} findings on {} objects built in {:.1} s",
        findings.len(),
        objects.len(),
        started.elapsed().as_secs_f64()
    );
    let folder = PathBuf::from("target/bench-data");
    std::fs::create_dir_all(&folder).expect("target/bench-data");
    let review = folder.join("gui-writes-review.json");
    let mut harness = Harness::builder().with_size(egui::vec2(1400.0, 900.0)).build_eframe(move |cc| {
        let mut app = SyncreadyApp::new(cc);
        app.use_review_file(review.clone());
        app
    });
    harness.ctx.set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
    harness.state_mut().load_findings(findings, objects);
    harness.state_mut().set_writer(reporting_writer);
    harness.get_by_label("Directory (LDAP)").click();
    harness.run();
    harness.get_by_label("Server URL").click();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by_label("Server URL").type_text("ldaps://dc1.contoso.com");
    harness.run();

    // Every proposed fix accepted (Accept filtered fixes, nothing filtered), then values
    // without one marked for removal (Ctrl+clicks and the row menu's Remove) until ACCEPTED
    // rows are decided.
    harness.get_by_label("Accept filtered fixes").click();
    harness.run();
    let fixes = decided(&harness);
    let removable: Vec<usize> = {
        let app = harness.state();
        let undecided = |&(_, &i): &(usize, &usize)| {
            let finding = &app.findings()[i];
            app.review().decisions[i] == Action::Undecided
                && finding.attribute == AttrName::ProxyAddresses
                && !finding.value.is_empty()
        };
        app.visible()
            .iter()
            .enumerate()
            .filter(undecided)
            .map(|(position, _)| position)
            .take(ACCEPTED - fixes)
            .collect()
    };
    for &position in &removable {
        harness.state_mut().click_row(position, egui::Modifiers::COMMAND);
    }
    let ctx = harness.ctx.clone();
    harness.state_mut().choose(removable[0], RowChoice::Remove, true, &ctx);
    harness.run();
    let decided_count = decided(&harness);
    println!(
        "{fixes} proposed fixes accepted and {} proxy addresses to remove: {decided_count} rows decided",
        removable.len()
    );

    // Apply…: the dialog at once, then the plan's summary, then the rules' check of the new values.
    let click = Instant::now();
    harness.get_by_label("Apply…").click();
    let heading = "Write these changes to the directory?";
    let (opened, _) = frames_until(&mut harness, |h| h.query_by_label(heading).is_some(), "the Apply… dialog");
    println!(
        "Apply… with {decided_count} rows decided: the dialog open after {:.0} ms; target at most 300 ms: {}",
        ms(opened),
        verdict(ms(opened) <= 300.0)
    );
    let (_, longest) = frames_until(&mut harness, |h| h.query_by_label_contains(" edits on ").is_some(), "the plan");
    println!("  its summary (the plan made) after {:.2} s", click.elapsed().as_secs_f64());
    let (_, longest_checking) = frames_until(&mut harness, |h| !h.state().is_planning(), "the check of the new values");
    println!(
        "  the new values checked after {:.2} s; the longest frame meanwhile {:.1} ms",
        click.elapsed().as_secs_f64(),
        ms(longest.max(longest_checking))
    );
    harness.get_by_label("Journal file").click();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by_label("Journal file").type_text(JOURNAL);
    harness.run();
    let large = format!("I have checked these {decided_count} edits (more than 500)");
    harness.get_by_label(&large).click();
    harness.run();
    if let Some(warnings) = harness.query_by_label("Write the values with warnings too") {
        warnings.click();
        harness.run();
    }

    // Apply changes: every change reported applied, mapped back to the rows of its decisions.
    assert!(!harness.get_by_label("Apply changes").accesskit_node().is_disabled(), "Apply changes is enabled");
    harness.get_by_label("Apply changes").click();
    let (written, longest) = write(&mut harness, "the apply");
    let applied = harness.state().results().iter().flatten().filter(|r| r.word == "applied").count();
    assert_eq!(applied, decided_count, "every decided row shows its result");
    println!(
        "apply results of {decided_count} rows mapped back: {:.0} ms until the table had them, the longest frame {:.0} ms",
        ms(written),
        ms(longest)
    );
    settle(&mut harness);
    harness.get_by_label("Close").click();
    settle(&mut harness);
}
