//! The review grid as an IdFix user works it, driven headlessly (egui_kittest) on the demo:
//! picking rows as in Explorer, the ACTION drop-down and the right-click menu, what is wrong
//! in words with invisible characters marked, every control within reach at 1024×768 and
//! 800×600, honest dialogs, state that stays true, and the review kept across a restart.

use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable};
use syncready::fix::Action;
use syncready::gui::SyncreadyApp;

use crate::gui::{export_to, import_from, open_apply, replace_text, run_while, scan_demo, set_write_directory};
use crate::temp_dir;

/// The app at `size` with its review kept in `review` (not the user's own), demo scanned.
fn demo_app(size: egui::Vec2, review: &std::path::Path) -> Harness<'static, SyncreadyApp> {
    demo_app_stepping(size, review, 0.25)
}

/// The same, with frames `step_dt` seconds apart (the harness runs a frame per input event).
fn demo_app_stepping(size: egui::Vec2, review: &std::path::Path, step_dt: f32) -> Harness<'static, SyncreadyApp> {
    let review = review.to_owned();
    let mut harness = Harness::builder().with_size(size).with_step_dt(step_dt).build_eframe(move |cc| {
        let mut app = SyncreadyApp::new(cc);
        app.use_review_file(review.clone());
        app
    });
    harness.ctx.set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
    scan_demo(&mut harness);
    harness
}

/// Clicks the row at visible `position` (on its Name cell) with `modifiers`, `clicks` times.
fn click_row(harness: &mut Harness<'_, SyncreadyApp>, position: usize, modifiers: egui::Modifiers, clicks: usize) {
    press_row(harness, position, modifiers, clicks, egui::PointerButton::Primary);
}

/// Right-clicks the row at visible `position`, which opens its menu.
fn right_click_row(harness: &mut Harness<'_, SyncreadyApp>, position: usize) {
    press_row(harness, position, egui::Modifiers::NONE, 1, egui::PointerButton::Secondary);
}

fn press_row(
    harness: &mut Harness<'_, SyncreadyApp>,
    position: usize,
    modifiers: egui::Modifiers,
    clicks: usize,
    button: egui::PointerButton,
) {
    let x = harness.get_by_label("Name").rect().center().x;
    let y = harness.get_by_label(&format!("Action, row {}", position + 1)).rect().center().y;
    let pos = egui::pos2(x, y);
    harness.event(egui::Event::PointerMoved(pos));
    // The harness runs a frame per queued event.
    for _ in 0..clicks {
        for pressed in [true, false] {
            let event = egui::Event::PointerButton { pos, button, pressed, modifiers };
            // Modifiers are pressed and released around the event (a frame each).
            if modifiers.is_none() { harness.event(event) } else { harness.event_modifiers(event, modifiers) }
        }
    }
    harness.run();
}

/// The findings at visible `positions`.
fn findings_at(harness: &Harness<'_, SyncreadyApp>, positions: &[usize]) -> Vec<usize> {
    positions.iter().map(|&p| harness.state().visible()[p]).collect()
}

/// The visible position of the first finding on `cn`'s `attribute`.
fn position_of(harness: &Harness<'_, SyncreadyApp>, cn: &str, attribute: &str) -> usize {
    let state = harness.state();
    state
        .visible()
        .iter()
        .position(|&i| state.findings()[i].common_name == cn && state.findings()[i].attribute == attribute)
        .unwrap_or_else(|| panic!("no row for {cn} {attribute}"))
}

#[test]
fn picks_behave_as_in_explorer_and_the_table_highlights_exactly_the_picked_rows() {
    let dir = temp_dir("grid-picks");
    let mut harness = demo_app(egui::vec2(1400.0, 900.0), &dir.join("review.json"));
    let ctrl = egui::Modifiers::COMMAND;
    click_row(&mut harness, 0, egui::Modifiers::NONE, 1);
    click_row(&mut harness, 2, ctrl, 1);
    click_row(&mut harness, 4, ctrl, 1);
    // The first row stays picked when Ctrl adds others.
    assert_eq!(harness.state().selection(), findings_at(&harness, &[0, 2, 4]));
    assert_eq!(harness.state().highlighted(), vec![0, 2, 4]);
    harness.get_by_label("Selected: 3");
    // Ctrl on a picked row takes it out.
    click_row(&mut harness, 2, ctrl, 1);
    assert_eq!(harness.state().highlighted(), vec![0, 4]);
    // Shift picks the range from the last clicked row in place of the picks; Ctrl+Shift adds
    // one.
    click_row(&mut harness, 7, egui::Modifiers::SHIFT, 1);
    assert_eq!(harness.state().highlighted(), vec![2, 3, 4, 5, 6, 7]);
    assert_eq!(harness.state().selection(), findings_at(&harness, &[2, 3, 4, 5, 6, 7]));
    click_row(&mut harness, 0, egui::Modifiers::NONE, 1);
    click_row(&mut harness, 9, egui::Modifiers::COMMAND, 1);
    click_row(&mut harness, 11, egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, 1);
    assert_eq!(harness.state().highlighted(), vec![0, 9, 10, 11]);
    // A plain click picks that row alone.
    click_row(&mut harness, 3, egui::Modifiers::NONE, 1);
    assert_eq!(harness.state().highlighted(), vec![3]);
    // Ctrl+A picks every filtered row, and only those.
    replace_text(&mut harness, "Filter", "mailNickname");
    harness.key_press(egui::Key::Escape);
    harness.run();
    harness.get_by_label("Name").click();
    harness.run();
    harness.key_press_modifiers(ctrl, egui::Key::A);
    harness.run();
    let visible = harness.state().visible().to_vec();
    assert!(visible.len() > 2 && visible.len() < harness.state().findings().len());
    assert_eq!(harness.state().selection(), visible);
    assert_eq!(harness.state().highlighted(), (0..visible.len()).collect::<Vec<_>>());
}

#[test]
fn the_action_drop_down_and_the_right_click_menu_set_decisions() {
    let dir = temp_dir("grid-actions");
    let mut harness = demo_app(egui::vec2(1400.0, 900.0), &dir.join("review.json"));
    let position = position_of(&harness, "Smith, John", "displayName");
    let index = harness.state().visible()[position];
    let label = format!("Action, row {}", position + 1);
    assert_eq!(harness.get_by_label(&label).value().as_deref(), Some("Undecided"));
    harness.get_by_label(&label).click();
    harness.run();
    harness.get_by_label("Leave as is").click();
    harness.run();
    assert_eq!(harness.state().review().decisions[index], Action::Complete);
    assert_eq!(harness.get_by_label(&label).value().as_deref(), Some("Leave as is"));
    // Edit takes the proposed value and hands the Update cell the keyboard.
    harness.get_by_label(&label).click();
    harness.run();
    harness.get_by_label("Edit").click();
    harness.run();
    assert_eq!(harness.state().review().decisions[index], Action::Edit("John Smith".into()));
    assert!(harness.get_by_label("Update of the selected row").is_focused());
    harness.key_press(egui::Key::Escape);
    harness.run();

    // The right-click menu acts on every picked row when the row is one of them...
    let (a, b) = (
        position_of(&harness, "Sales Desk A", "proxyAddresses"),
        position_of(&harness, "Pat Dot", "userPrincipalName"),
    );
    click_row(&mut harness, a, egui::Modifiers::NONE, 1);
    click_row(&mut harness, b, egui::Modifiers::COMMAND, 1);
    let picked = findings_at(&harness, &[a.min(b), a.max(b)]);
    right_click_row(&mut harness, b);
    harness.run();
    harness.get_by_label("Remove the value").click();
    harness.run();
    for &i in &picked {
        assert_eq!(harness.state().review().decisions[i], Action::Remove, "{}", harness.state().findings()[i].dn);
    }
    assert_eq!(harness.state().status(), "2 values to remove.");
    // ...and on that row alone when it is not.
    let other = position_of(&harness, "Con Typo", "mail");
    let other_index = harness.state().visible()[other];
    right_click_row(&mut harness, other);
    harness.run();
    harness.get_by_label("Leave the value as is").click();
    harness.run();
    assert_eq!(harness.state().review().decisions[other_index], Action::Complete);
    assert!(picked.iter().all(|&i| harness.state().review().decisions[i] == Action::Remove));
    // Copy DN puts the DN on the clipboard.
    right_click_row(&mut harness, other);
    harness.run();
    harness.get_by_label("Copy DN").click();
    harness.step();
    let copied: Vec<&egui::OutputCommand> = harness.output().platform_output.commands.iter().collect();
    let dn = harness.state().findings()[other_index].dn.clone();
    assert!(copied.iter().any(|c| matches!(c, egui::OutputCommand::CopyText(t) if *t == dn)), "{copied:?}");
    harness.run();

    // The other holders of a duplicate value, and back to every row.
    let desk = position_of(&harness, "Sales Desk A", "proxyAddresses");
    right_click_row(&mut harness, desk);
    harness.run();
    harness.get_by_label("Show the other holders").click();
    harness.run();
    let names: std::collections::BTreeSet<String> =
        harness.state().visible().iter().map(|&i| harness.state().findings()[i].common_name.clone()).collect();
    assert_eq!(names, ["Sales Desk A", "Sales Desk B", "Sales Team"].map(String::from).into_iter().collect());
    harness.get_by_label("Showing Sales Desk A and 2 other holders of its proxyAddresses");
    harness.get_by_label("Show all objects").click();
    harness.run();
    assert_eq!(harness.state().visible().len(), harness.state().findings().len());
}

#[test]
fn the_problem_is_said_in_words_and_invisible_characters_are_marked() {
    let dir = temp_dir("grid-problem");
    let mut harness = demo_app(egui::vec2(1400.0, 900.0), &dir.join("review.json"));
    let position = position_of(&harness, "Smith, John", "displayName");
    // The Problem column gives the rule's message; the trailing space shows as a marker.
    harness.get_by_label("displayName has leading or trailing whitespace");
    harness.get_by_label("John Smith·");
    harness.get_by_label_contains("· space at the start or end");
    harness.state_mut().select(position);
    harness.run();
    // The details give the rule's whole explanation and the marked value.
    harness.get_by_label("DSP002: displayName has leading or trailing whitespace");
    harness.get_by_label_contains("breaks address-book sorting");
    harness.get_by_label("Value: John Smith·");
    harness.get_by_label("Fix: trim the whitespace");
}

/// Whether the control named `label` lies inside the window.
fn within_window(harness: &Harness<'_, SyncreadyApp>, label: &str, size: egui::Vec2) -> Result<(), String> {
    let node = harness.query_by_label(label).ok_or_else(|| format!("{label}: not on screen"))?;
    let rect = node.rect();
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, size);
    if window.contains_rect(rect) { Ok(()) } else { Err(format!("{label}: at {rect:?}, outside {window:?}")) }
}

#[test]
fn every_control_is_within_reach_at_1024_by_768_and_800_by_600() {
    let dir = temp_dir("grid-sizes");
    let controls = [
        "Scan",
        "Demo directory",
        "Directory (LDAP)",
        "Ruleset",
        "Browse domains…",
        "Alternate login ID",
        "Tenant export",
        "Filter",
        "Only error",
        "Only attribute",
        "Only class",
        "Only severity",
        "Only action",
        "OU",
        "Accept safe fixes",
        "Accept filtered fixes",
        "Leave filtered as is",
        "Accept selected fixes",
        "Leave selected as is",
        "Clear selected decisions",
        "Apply…",
        "Undo…",
        "Export…",
        "Import reviewed CSV…",
        "Columns",
        "Name",
        "Problem",
        "Value",
        "Update",
        "Action",
        "Action, row 1",
        "Cloud Sync migration",
    ];
    for size in [egui::vec2(1024.0, 768.0), egui::vec2(800.0, 600.0)] {
        let mut harness = demo_app(size, &dir.join("review.json"));
        harness.state_mut().select(0);
        harness.run();
        let outside: Vec<String> =
            controls.iter().filter_map(|label| within_window(&harness, label, size).err()).collect();
        assert_eq!(outside, Vec::<String>::new(), "at {size:?}");
        // The Action drop-down keeps its words.
        assert_eq!(harness.get_by_label("Action, row 1").value().as_deref(), Some("Undecided"));
        harness.get_by_label("Cloud Sync migration").click();
        harness.run();
        let migration = ["Connect Sync export", "Browse export…", "Cloud Sync OUs", "Plan migration", "Plan folder"];
        let outside: Vec<String> =
            migration.iter().filter_map(|label| within_window(&harness, label, size).err()).collect();
        assert_eq!(outside, Vec::<String>::new(), "the migration view at {size:?}");
    }
}

#[test]
fn dialogs_say_what_happened_and_escape_closes_them() {
    let dir = temp_dir("grid-dialogs");
    let mut harness = demo_app(egui::vec2(1400.0, 900.0), &dir.join("review.json"));
    // Until a directory is given, Apply… and Undo… are shut and say why.
    assert!(harness.get_by_label("Apply…").accesskit_node().is_disabled());
    assert!(harness.get_by_label("Undo…").accesskit_node().is_disabled());
    harness.get_by_label_contains("Apply… and Undo… need a directory to write to");
    set_write_directory(&mut harness, "ldaps://dc1.contoso.com");
    assert!(!harness.get_by_label("Undo…").accesskit_node().is_disabled());
    // An empty journal path, a file that is not a journal.
    harness.get_by_label("Undo…").click();
    harness.run();
    harness.get_by_label("Preview undo").click();
    harness.run();
    harness.get_by_label_contains("Type the path of the journal to undo, or browse for it");
    let review = dir.join("review-export.json");
    std::fs::write(&review, "[\n  {\"dn\": \"CN=x\"}\n]\n").unwrap();
    replace_text(&mut harness, "Journal to undo", review.to_str().unwrap());
    harness.get_by_label("Preview undo").click();
    harness.run();
    harness.get_by_label_contains("not a syncready journal");
    // Escape closes the dialog.
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert!(harness.query_by_label("Undo an apply").is_none(), "the dialog is closed");
    harness.get_by_label("Export…").click();
    harness.run();
    harness.get_by_label_contains(".ldif: the accepted changes only");
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert!(harness.query_by_label("Export the review").is_none());
}

/// A write worker whose directory refused some changes: one conflict, one failure, one applied.
fn partly_refusing_writer(
    _: &syncready::source::ldap::LdapOptions,
    _: syncready::gui::Job,
    _: &dyn Fn(usize, usize),
) -> syncready::gui::WriteResult {
    use syncready::fix::journal::Outcome;
    let results = vec![
        (1, "CN=A,DC=x".to_owned(), Outcome::Applied, String::new()),
        (2, "CN=B,DC=x".to_owned(), Outcome::Conflict, "changed since the scan".to_owned()),
        (3, "CN=C,DC=x".to_owned(), Outcome::Failed, "insufficient access".to_owned()),
    ];
    Ok((syncready::fix::apply::ApplyReport { results }, std::path::PathBuf::from("apply.jsonl")))
}

#[test]
fn the_finished_dialog_is_titled_by_what_happened() {
    let dir = temp_dir("grid-finished");
    let mut harness = demo_app(egui::vec2(1400.0, 900.0), &dir.join("review.json"));
    set_write_directory(&mut harness, "ldaps://dc1.contoso.com");
    harness.state_mut().set_writer(partly_refusing_writer);
    harness.get_by_label("Accept safe fixes").click();
    harness.run();
    open_apply(&mut harness, "Apply…");
    harness.get_by_label("Apply changes").click();
    harness.step();
    run_while(&mut harness, SyncreadyApp::is_writing, 30, "the write did not finish");
    harness.get_by_label("Finished with 1 conflict and 1 failure");
    assert_eq!(harness.state().status(), "1 applied, 1 conflicts, 1 failed. Journal: apply.jsonl");
}

#[test]
fn a_double_click_edits_the_new_value_in_place() {
    let dir = temp_dir("grid-double");
    // Four frames (press, release, press, release) within egui's 0.3 s double-click time.
    let mut harness = demo_app_stepping(egui::vec2(1400.0, 900.0), &dir.join("review.json"), 0.05);
    let position = position_of(&harness, "Con Typo", "mail");
    let index = harness.state().visible()[position];
    click_row(&mut harness, position, egui::Modifiers::NONE, 2);
    assert_eq!(harness.state().selected_finding(), Some(index));
    assert!(harness.get_by_label("Update of the selected row").is_focused(), "the cell has the keyboard");
    harness.get_by_label("Update of the selected row").type_text("con.typo@contoso.com");
    harness.run();
    assert_eq!(harness.state().review().decisions[index], Action::Edit("con.typo@contoso.com".into()));
}

#[test]
fn a_tenant_export_given_in_the_app_adds_what_the_first_sync_meets() {
    let dir = temp_dir("grid-tenant");
    let mut harness = demo_app(egui::vec2(1400.0, 900.0), &dir.join("review.json"));
    // Tests run in the package folder (under Wine too).
    let tenant = std::path::Path::new("fixtures").join("tenant");
    replace_text(&mut harness, "Tenant export", tenant.to_str().unwrap());
    scan_demo(&mut harness);
    let codes: Vec<String> = harness
        .state()
        .findings()
        .iter()
        .filter(|f| f.rule_text().starts_with("TEN"))
        .map(|f| format!("{} {}", f.common_name, f.rule_text()))
        .collect();
    assert_eq!(
        codes,
        [
            "Ahmed Nowak 77 TEN001",
            "Kenji Al-Farsi 102 TEN003",
            "Fatima Kowalczyk 104 TEN001",
            "Anne-Marie Al-Farsi 110 TEN004",
            "Fatima Smith 153 TEN006",
            "Ahmed Nguyễn 513 TEN004",
            "Former Employee TEN005"
        ]
    );
    // The orphan has no scanned object: its details say so instead of failing.
    let orphan =
        harness.state().visible().iter().position(|&i| harness.state().findings()[i].object.is_none()).unwrap();
    harness.state_mut().select(orphan);
    harness.run();
    harness.get_by_label_contains("has no object in the scan");
}

/// A scan worker that fails as an unreadable source does.
fn failing_scanner(
    _: &[syncready::source::SourceSpec],
    _: &syncready::rules::RulesetOptions,
    _: &syncready::gui::ScanProgress,
    _: &egui::Context,
) -> Result<syncready::gui::ScanDone, String> {
    Err("dc1.contoso.com: the server refused the bind".into())
}

#[test]
fn a_failed_scan_empties_the_table_and_a_new_scan_drops_the_old_plan() {
    let dir = temp_dir("grid-stale");
    let mut harness = demo_app(egui::vec2(1400.0, 900.0), &dir.join("review.json"));
    assert!(!harness.state().findings().is_empty());
    harness.state_mut().set_scanner(failing_scanner);
    harness.get_by_label("Scan").click();
    harness.step();
    run_while(&mut harness, SyncreadyApp::is_scanning, 30, "the scan still looks busy");
    assert_eq!(harness.state().status(), "Scan failed: dc1.contoso.com: the server refused the bind");
    assert!(harness.state().findings().is_empty(), "the old findings are gone");
    assert!(harness.get_by_label("Accept safe fixes").accesskit_node().is_disabled());
    assert!(harness.get_by_label("Export…").accesskit_node().is_disabled());
    assert!(harness.state().status_is_failure(), "the error is in red");
}

#[test]
fn the_review_is_kept_across_a_restart_and_offered_back_after_the_same_scan() {
    let dir = temp_dir("grid-saved");
    let file = dir.join("review.json");
    let accepted;
    {
        let mut harness = demo_app(egui::vec2(1400.0, 900.0), &file);
        harness.get_by_label("Accept safe fixes").click();
        harness.run();
        accepted = harness.state().review().decisions.clone();
        assert!(accepted.iter().any(|d| matches!(d, Action::Edit(_))));
        // What eframe does every few seconds and when the window closes.
        harness.state_mut().save_review();
    }
    let mut harness = demo_app(egui::vec2(1400.0, 900.0), &file);
    assert!(harness.state().review().decisions.iter().all(|d| *d == Action::Undecided));
    let edits = accepted.iter().filter(|d| **d != Action::Undecided).count();
    harness.get_by_label_contains(&format!("holds {edits} decisions"));
    harness.get_by_label("Restore saved review").click();
    harness.run();
    assert_eq!(harness.state().review().decisions, accepted);
    assert_eq!(harness.state().status(), format!("Restored {edits} of {edits} saved decisions."));
    assert!(harness.state().offered_review().is_none());
}

#[test]
fn an_import_into_another_scan_counts_the_rows_that_matched_and_those_that_did_not() {
    let dir = temp_dir("grid-import");
    let mut harness = demo_app(egui::vec2(1400.0, 900.0), &dir.join("review.json"));
    harness.get_by_label("Accept safe fixes").click();
    harness.run();
    let path = dir.join("reviewed.csv");
    export_to(&mut harness, &path);
    // Another scan: the same directory with one row fewer in the file.
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let total = lines.len() - 1;
    let extra = lines[1].replace("CN=", "CN=Gone ");
    lines.push(&extra);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    import_from(&mut harness, &path);
    assert_eq!(
        harness.state().status(),
        format!(
            "Imported the decisions of {total} of {} rows from {}; 1 match no finding of this scan.",
            total + 1,
            path.display()
        )
    );
}

#[test]
fn a_remembered_ruleset_file_that_is_gone_is_reported_and_the_built_in_one_is_used() {
    let fresh = Harness::builder().build_eframe(|cc| SyncreadyApp::new(cc));
    let mut settings: serde_json::Value = serde_json::from_str(&fresh.state().settings_json()).unwrap();
    settings["ruleset"]["ruleset"] = serde_json::Value::String("C:/gone/rules.toml".into());
    let json = settings.to_string();
    let mut harness = Harness::builder().with_size(egui::vec2(1400.0, 900.0)).build_eframe(move |cc| {
        let mut app = SyncreadyApp::new(cc);
        app.restore_settings_json(&json).unwrap();
        app
    });
    harness.run();
    assert_eq!(
        harness.state().status(),
        "The ruleset file C:/gone/rules.toml no longer exists: the built-in multi-tenant ruleset is used instead."
    );
    assert!(harness.state().settings_json().contains("\"ruleset\":\"multi-tenant\""));
}

#[test]
fn the_migration_view_explains_its_inputs_and_an_empty_scope() {
    let dir = temp_dir("grid-migration");
    let mut harness = demo_app(egui::vec2(1400.0, 900.0), &dir.join("review.json"));
    harness.get_by_label("Cloud Sync migration").click();
    harness.run();
    harness.get_by_label_contains("Get-ADSyncServerConfiguration -Path");
    harness.get_by_label_contains("one DN per line");
    harness.get_by_label("The plan will be made against the last scan: demo directory (built in).");
    // An export of another forest: nothing of the demo is in its scope, and the view says why.
    let config = dir.join("Exported-SynchronizationPolicy-1.json");
    std::fs::write(
        &config,
        "{\"serverVersion\": \"2.5.190.0\", \"onpremisesDirectoryPolicy\": [{\"name\": \"fabrikam.com\", \
         \"partitionFilters\": [{\"distinguishedName\": \"DC=fabrikam,DC=com\"}]}]}",
    )
    .unwrap();
    replace_text(&mut harness, "Connect Sync export", config.to_str().unwrap());
    harness.get_by_label("Plan migration").click();
    harness.step();
    run_while(&mut harness, |app| app.migration().is_planning(), 60, "the plan did not finish");
    assert!(harness.state().migration().plan().is_some(), "{}", harness.state().migration().status());
    harness.get_by_label_contains("Planned against the scan of demo directory (built in) (2000 objects)");
    harness.get_by_label_contains("No scanned object is in scope of either engine");
    harness.get_by_label_contains("The export's connectors read DC=fabrikam,DC=com");
    harness.get_by_label("No waves: no scanned object moves.");
    // A new scan drops the plan made against the old one.
    harness.get_by_label("Findings").click();
    harness.run();
    scan_demo(&mut harness);
    assert!(harness.state().migration().plan().is_none());
}
