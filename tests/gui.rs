//! The desktop app driven headlessly by accessible labels (egui_kittest): scan the demo,
//! filter to one error name, accept the safe fixes, export the reviewed CSV and check it.

use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use syncready::fix::Action;
use syncready::gui::SyncreadyApp;
use syncready::report::csv::read_rows;

use crate::temp_dir;

/// Picks the demo directory as the source and scans it.
fn scan_demo(harness: &mut Harness<'_, SyncreadyApp>) {
    harness.get_by_label("Demo directory").click();
    harness.run();
    harness.get_by_label("Scan").click();
    harness.step();
    run_until_scanned(harness);
}

fn run_until_scanned(harness: &mut Harness<'_, SyncreadyApp>) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while harness.state().is_scanning() || harness.state().findings().is_empty() {
        assert!(std::time::Instant::now() < deadline, "the scan did not finish: {}", harness.state().status());
        std::thread::sleep(std::time::Duration::from_millis(20));
        harness.step();
    }
    harness.run();
}

/// Focuses the text field with accessible `label` and replaces what it holds with `text`.
fn replace_text(harness: &mut Harness<'_, SyncreadyApp>, label: &str, text: &str) {
    harness.get_by_label(label).click();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by_label(label).type_text(text);
    harness.run();
}

#[test]
fn scan_the_demo_filter_accept_safe_fixes_and_export() {
    let mut harness = Harness::builder().with_size(egui::vec2(1400.0, 900.0)).build_eframe(|cc| SyncreadyApp::new(cc));
    // The demo holds Vietnamese, Greek, Cyrillic and CJK names; egui's bundled fonts draw a box
    // for what they lack, as the app does (the test harness would panic instead).
    harness.ctx.set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
    scan_demo(&mut harness);
    let total = harness.state().findings().len();
    let expected =
        read_rows(std::path::Path::new("expected"), &include_bytes!("../fixtures/demo/expected-findings.csv")[..])
            .unwrap();
    assert_eq!(total, expected.len(), "{}", harness.state().status());
    assert!(harness.state().status().starts_with("2000 objects read"));

    harness.get_by_label("Only Duplicate").click();
    harness.run();
    let visible = harness.state().visible().to_vec();
    assert!(!visible.is_empty() && visible.len() < total);
    assert!(visible.iter().all(|&i| harness.state().findings()[i].error_text().contains("Duplicate")));

    // Sorting by a column orders the rows; Space on a selected row accepts its fix, again
    // takes it back.
    harness.get_by_label("All errors").click();
    harness.run();
    assert_eq!(harness.state().visible().len(), total);
    harness.get_by_label("Attribute").click();
    harness.run();
    let attributes: Vec<String> =
        harness.state().visible().iter().map(|&i| harness.state().findings()[i].attribute.to_lowercase()).collect();
    assert!(attributes.windows(2).all(|w| w[0] <= w[1]), "{attributes:?}");
    let position =
        harness.state().visible().iter().position(|&i| !harness.state().findings()[i].update.is_empty()).unwrap();
    let index = harness.state().visible()[position];
    let update = harness.state().findings()[index].update.clone();
    harness.state_mut().select(position);
    harness.key_press(egui::Key::Space);
    harness.run();
    assert_eq!(harness.state().review().decisions[index], Action::Edit(update));
    harness.key_press(egui::Key::Space);
    harness.run();
    assert_eq!(harness.state().review().decisions[index], Action::Undecided);

    // A duplicate's other holder is one click away; the value to write can be typed in.
    let position = harness
        .state()
        .visible()
        .iter()
        .position(|&i| harness.state().findings()[i].dn.starts_with("CN=Sales Desk A,"))
        .unwrap();
    harness.state_mut().select(position);
    harness.run();
    harness.get_by_label("CN=Sales Desk B,OU=Demo Core,DC=contoso,DC=com").click();
    harness.run();
    let selected = harness.state().selected_finding().unwrap();
    assert!(harness.state().findings()[selected].dn.starts_with("CN=Sales Desk B,"));
    harness.get_by_label("New value").click();
    harness.run();
    harness.get_by_label("New value").type_text("smtp:sales.b@contoso.com");
    harness.run();
    assert_eq!(harness.state().review().decisions[selected], Action::Edit("smtp:sales.b@contoso.com".into()));
    harness.get_by_label("Undecided").click();
    harness.run();

    // Everything filtered: unsafe fixes too, since the admin asked for them; manual never.
    replace_text(&mut harness, "Filter", "userPrincipalName");
    harness.get_by_label("Accept filtered fixes").click();
    harness.run();
    let upn: Vec<usize> = harness.state().visible().to_vec();
    assert!(upn.iter().all(|&i| harness.state().findings()[i].attribute == "userPrincipalName"));
    let fixable = upn
        .iter()
        .filter(|&&i| {
            harness.state().findings()[i].fix != syncready::rules::FixSafety::Manual
                && !harness.state().findings()[i].update.is_empty()
        })
        .count();
    assert!(fixable > 0);
    assert_eq!(harness.state().status(), format!("Accepted {fixable} fixes of the {} filtered rows.", upn.len()));
    // A re-scan keeps the decisions of unchanged objects.
    let decided = harness.state().review().decisions.iter().filter(|d| **d != Action::Undecided).count();
    scan_demo(&mut harness);
    assert_eq!(harness.state().review().decisions.iter().filter(|d| **d != Action::Undecided).count(), decided);
    harness.state_mut().clear_decisions();
    harness.run();

    harness.get_by_label("Accept safe fixes").click();
    harness.run();
    let safe = harness
        .state()
        .findings()
        .iter()
        .filter(|f| f.fix == syncready::rules::FixSafety::Safe && !f.update.is_empty())
        .count();
    assert_eq!(harness.state().status(), format!("Accepted {safe} safe fixes."));

    let dir = temp_dir("gui-export");
    let path = dir.join("reviewed.csv");
    replace_text(&mut harness, "Export path", path.to_str().unwrap());
    harness.get_by_label("Export").click();
    harness.run();
    assert!(harness.state().status().starts_with("Exported"), "{}", harness.state().status());
    let rows = read_rows(&path, std::fs::File::open(&path).unwrap()).unwrap();
    assert_eq!(rows.len(), total);
    let edits = rows.iter().filter(|r| r.action == "EDIT").count();
    assert_eq!(edits, safe);
    assert!(rows.iter().filter(|r| r.action == "EDIT").all(|r| r.fix == "safe" && !r.update.is_empty()));

    // The same review as LDIF of the accepted changes, and as JSON.
    let objects: std::collections::HashSet<&str> =
        rows.iter().filter(|r| r.action == "EDIT").map(|r| r.distinguished_name.as_str()).collect();
    for (name, expected, count) in
        [("accepted.ldif", "changetype: modify", objects.len()), ("review.json", "\"action\": \"EDIT\"", safe)]
    {
        let target = dir.join(name);
        replace_text(&mut harness, "Export path", target.to_str().unwrap());
        harness.get_by_label("Export").click();
        harness.run();
        let text =
            std::fs::read_to_string(&target).unwrap_or_else(|e| panic!("{name}: {e}; {}", harness.state().status()));
        assert_eq!(text.matches(expected).count(), count, "{name}");
    }
    // Decisions made elsewhere come back through the reviewed CSV.
    harness.state_mut().clear_decisions();
    replace_text(&mut harness, "Export path", path.to_str().unwrap());
    harness.get_by_label("Import reviewed CSV").click();
    harness.run();
    assert_eq!(harness.state().review().decisions.iter().filter(|d| matches!(d, Action::Edit(_))).count(), safe);
}
