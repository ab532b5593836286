//! The desktop app driven headlessly by accessible labels (egui_kittest): scan the demo,
//! filter to one error name, accept the safe fixes, export the reviewed CSV and check it;
//! scan a Samba DC through a connection profile, apply the review and undo it.

use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use syncready::fix::Action;
use syncready::gui::SyncreadyApp;
use syncready::report::csv::{read_rows, write_rows};

use crate::apply::{directory_state, user_ldif};
use crate::samba::{ADMIN_PASSWORD, SambaDc};
use crate::temp_dir;

/// Picks the demo directory as the source and scans it.
pub(crate) fn scan_demo(harness: &mut Harness<'_, SyncreadyApp>) {
    harness.get_by_label("Demo directory").click();
    harness.run();
    harness.get_by_label("Scan").click();
    harness.step();
    run_until_scanned(harness);
}

pub(crate) fn run_until_scanned(harness: &mut Harness<'_, SyncreadyApp>) {
    run_while(harness, |app| app.is_scanning() || app.findings().is_empty(), 60, "the scan did not finish");
}

/// Clicks the export or import button and waits for its worker.
pub(crate) fn click_and_wait_for_files(harness: &mut Harness<'_, SyncreadyApp>, label: &str) {
    harness.get_by_label(label).click();
    harness.run();
    run_while(harness, SyncreadyApp::is_moving_files, 60, &format!("{label} did not finish"));
}

/// Exports the review to `path` through the Export… dialog.
pub(crate) fn export_to(harness: &mut Harness<'_, SyncreadyApp>, path: &std::path::Path) {
    harness.get_by_label("Export…").click();
    harness.run();
    replace_text(harness, "File", path.to_str().unwrap());
    click_and_wait_for_files(harness, "Export");
}

/// Imports the reviewed CSV at `path` through the Import reviewed CSV… dialog.
pub(crate) fn import_from(harness: &mut Harness<'_, SyncreadyApp>, path: &std::path::Path) {
    harness.get_by_label("Import reviewed CSV…").click();
    harness.run();
    replace_text(harness, "File", path.to_str().unwrap());
    click_and_wait_for_files(harness, "Import");
}

/// Clicks the button `label` that opens the Apply… dialog, and waits while its worker plans the
/// changes and checks their new values.
pub(crate) fn open_apply(harness: &mut Harness<'_, SyncreadyApp>, label: &str) {
    harness.get_by_label(label).click();
    harness.step();
    run_while(harness, SyncreadyApp::is_planning, 60, "the plan did not finish");
}

/// Chooses the directory source and types the server Apply… and Undo… write to.
pub(crate) fn set_write_directory(harness: &mut Harness<'_, SyncreadyApp>, url: &str) {
    harness.get_by_label("Directory (LDAP)").click();
    harness.run();
    replace_text(harness, "Server URL", url);
}

/// Steps the app while `busy` says it is, failing after `seconds` with `what` and the status.
pub(crate) fn run_while(
    harness: &mut Harness<'_, SyncreadyApp>,
    busy: impl Fn(&SyncreadyApp) -> bool,
    seconds: u64,
    what: &str,
) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while busy(harness.state()) {
        assert!(std::time::Instant::now() < deadline, "{what}: {}", harness.state().status());
        std::thread::sleep(std::time::Duration::from_millis(20));
        harness.step();
    }
    harness.run();
}

/// Focuses the text field with accessible `label` and replaces what it holds with `text`.
pub(crate) fn replace_text(harness: &mut Harness<'_, SyncreadyApp>, label: &str, text: &str) {
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
    let attributes: Vec<String> = harness
        .state()
        .visible()
        .iter()
        .map(|&i| harness.state().findings()[i].attribute.as_str().to_lowercase())
        .collect();
    assert!(attributes.windows(2).all(|w| w[0] <= w[1]), "{attributes:?}");
    let position =
        harness.state().visible().iter().position(|&i| harness.state().findings()[i].update.is_some()).unwrap();
    let index = harness.state().visible()[position];
    let update = harness.state().findings()[index].update.clone().unwrap();
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
    // The same in place, in the table's Update cell of the selected row.
    replace_text(&mut harness, "Update of the selected row", "smtp:desk.b@contoso.com");
    assert_eq!(harness.state().review().decisions[selected], Action::Edit("smtp:desk.b@contoso.com".into()));
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
                && harness.state().findings()[i].update.is_some()
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
        .filter(|f| f.fix == syncready::rules::FixSafety::Safe && f.update.is_some())
        .count();
    assert_eq!(harness.state().status(), format!("Accepted {safe} safe fixes."));
    // Applying needs a directory: until one is given Apply… and Undo… say so and stay shut.
    {
        use egui_kittest::kittest::NodeT as _;
        assert!(harness.get_by_label("Apply…").accesskit_node().is_disabled());
        assert!(harness.get_by_label("Undo…").accesskit_node().is_disabled());
        harness.get_by_label_contains("need a directory to write to");
    }
    assert!(!harness.state().is_writing());

    let dir = temp_dir("gui-export");
    let path = dir.join("reviewed.csv");
    export_to(&mut harness, &path);
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
        export_to(&mut harness, &target);
        let text =
            std::fs::read_to_string(&target).unwrap_or_else(|e| panic!("{name}: {e}; {}", harness.state().status()));
        assert_eq!(text.matches(expected).count(), count, "{name}");
    }
    // The scan's report page, as the scan command writes it.
    let page = dir.join("report.html");
    export_to(&mut harness, &page);
    assert_eq!(harness.state().status(), format!("Exported the report of {total} findings to {}.", page.display()));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains(&format!("id=\"card-findings\" data-count=\"{total}\"")), "{html}");
    assert!(html.contains("<span class=\"n\">2000</span><span class=\"k\">objects read</span>"));
    // Decisions made elsewhere come back through the reviewed CSV.
    harness.state_mut().clear_decisions();
    import_from(&mut harness, &path);
    assert_eq!(harness.state().review().decisions.iter().filter(|d| matches!(d, Action::Edit(_))).count(), safe);

    // A reviewed CSV that `syncready apply` refuses is refused by the app with the same words
    // and Excel's row numbers, and takes no decision from it.
    let file = std::fs::File::open(&path).unwrap();
    let rows = read_rows(&path, file).unwrap();
    for (name, action, update, expected) in [
        ("unknown-action.csv", "MODIFY", None, "row 3, column ACTION: unknown action 'MODIFY'"),
        ("empty-edit.csv", "EDIT", Some(""), "row 3, column UPDATE: EDIT with an empty UPDATE would delete the value"),
    ] {
        let mut edited = rows.clone();
        edited[1].action = action.to_owned();
        if let Some(update) = update {
            edited[1].update = update.to_owned();
        }
        let broken = dir.join(name);
        write_rows(&broken, edited).unwrap();
        let cli = syncready::fix::import_plan(&broken).unwrap_err().to_string();
        assert!(cli.contains(expected), "{cli}");
        harness.state_mut().clear_decisions();
        import_from(&mut harness, &broken);
        assert_eq!(harness.state().status(), format!("Import failed: {cli}"));
        assert!(harness.state().review().decisions.iter().all(|d| *d == Action::Undecided));
    }
}

/// Waits for the apply or undo worker, stepping the app.
fn run_until_written(harness: &mut Harness<'_, SyncreadyApp>) {
    run_while(harness, SyncreadyApp::is_writing, 120, "the write did not finish");
}

#[test]
#[cfg_attr(windows, ignore = "starts a Samba AD DC, which runs on Linux only")]
fn scan_a_domain_controller_apply_the_review_and_undo_it() {
    let base = "DC=gui,DC=example";
    let fixtures = [
        user_ldif(base, "Ann Lee", "displayName:: IEFubiBMZWUg\nuserPrincipalName: ann lee@contoso.com\n"),
        user_ldif(base, "Bo Berg", "displayName:: IEJvIEJlcmcg\nmail: bo berg@contoso.com\n"),
    ]
    .join("\n");
    let dc = SambaDc::start("gui.example", &[&fixtures]);
    let before = directory_state(&dc);
    let mut harness = Harness::builder().with_size(egui::vec2(1400.0, 900.0)).build_eframe(|cc| SyncreadyApp::new(cc));
    harness.ctx.set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);

    // A connection profile: LDAPS with the DC's CA, the administrator and a masked password.
    harness.get_by_label("Directory (LDAP)").click();
    harness.run();
    replace_text(&mut harness, "Server URL", &dc.ldaps_url());
    replace_text(&mut harness, "CA file", dc.ca_file().to_str().unwrap());
    replace_text(&mut harness, "User", &dc.admin());
    replace_text(&mut harness, "Password", ADMIN_PASSWORD);
    assert!(!harness.state().settings_json().contains(ADMIN_PASSWORD), "the password is never stored");
    harness.get_by_label("Scan").click();
    harness.step();
    run_until_scanned(&mut harness);
    assert!(harness.state().status().contains(&dc.ldaps_url()), "{}", harness.state().status());

    // Everything under CN=Users of the two fixtures, unsafe fixes included, by explicit choice.
    replace_text(&mut harness, "OU", &format!("CN=Users,{base}"));
    replace_text(&mut harness, "Filter", "e");
    let rows: Vec<(String, String, String)> = harness
        .state()
        .visible()
        .iter()
        .map(|&i| {
            let f = &harness.state().findings()[i];
            (f.common_name.clone(), f.attribute.to_string(), f.update.clone().unwrap_or_default())
        })
        .collect();
    let expected = [
        ("Ann Lee", "displayName", "Ann Lee"),
        ("Ann Lee", "userPrincipalName", "annlee@contoso.com"),
        ("Bo Berg", "displayName", "Bo Berg"),
        ("Bo Berg", "mail", "boberg@contoso.com"),
    ];
    for (cn, attribute, update) in expected {
        assert!(
            rows.iter().any(|r| r.0 == cn && r.1 == attribute && r.2 == update),
            "{cn} {attribute} → {update} not in {rows:?}"
        );
    }
    harness.get_by_label("Accept filtered fixes").click();
    harness.run();
    let accepted = harness.state().review().decisions.iter().filter(|d| matches!(d, Action::Edit(_))).count();
    // Six: the four values and each object's source anchor (stamped from its objectGUID).
    assert_eq!(accepted, rows.len(), "{rows:?}");
    assert_eq!(rows.len(), 6, "{rows:?}");

    // The confirmation shows what will change before anything is written.
    open_apply(&mut harness, "Apply…");
    harness.get_by_label(&format!("{accepted} edits on 2 objects."));
    harness.get_by_label_contains("By attribute:");
    let dir = temp_dir("gui-apply");
    let journal = dir.join("apply.jsonl");
    replace_text(&mut harness, "Journal file", journal.to_str().unwrap());
    harness.get_by_label("Apply changes").click();
    harness.step();
    run_until_written(&mut harness);
    let status = harness.state().status().to_owned();
    assert_eq!(status, format!("2 applied, 0 conflicts, 0 failed. Journal: {}", journal.display()));
    let applied: Vec<&str> = harness.state().results().iter().flatten().map(|r| r.word).collect();
    assert_eq!(applied, vec!["applied"; accepted], "every accepted row shows its result");

    let after = directory_state(&dc);
    let value = |state: &std::collections::BTreeMap<String, std::collections::BTreeMap<String, Vec<Vec<u8>>>>,
                 cn: &str,
                 attribute: &str| {
        let object = state.iter().find(|(dn, _)| dn.starts_with(&format!("CN={cn},"))).unwrap().1;
        object.get(attribute).map(|v| String::from_utf8_lossy(&v[0]).into_owned()).unwrap_or_default()
    };
    assert_eq!(value(&after, "Ann Lee", "displayname"), "Ann Lee");
    assert_eq!(value(&after, "Ann Lee", "userprincipalname"), "annlee@contoso.com");
    assert_eq!(value(&after, "Bo Berg", "displayname"), "Bo Berg");
    assert_eq!(value(&after, "Bo Berg", "mail"), "boberg@contoso.com");
    assert_eq!(value(&after, "Bo Berg", "ms-ds-consistencyguid"), value(&after, "Bo Berg", "objectguid"));
    harness.get_by_label("Applied");
    harness.get_by_label("Close").click();
    harness.run();

    // Undo, one object at a time: the last journal is offered; preview, confirm. After both,
    // the DC is as it was.
    for (cn, other) in [("Ann Lee", "Bo Berg"), ("Bo Berg", "Ann Lee")] {
        harness.get_by_label("Undo…").click();
        harness.run();
        replace_text(&mut harness, "Only DNs containing", cn);
        harness.get_by_label("Preview undo").click();
        harness.run();
        harness.get_by_label(&format!("{} edits on 1 object.", accepted / 2));
        harness.get_by_label("Undo changes").click();
        harness.step();
        run_until_written(&mut harness);
        assert!(
            harness.state().status().starts_with("1 undone, 0 conflicts, 0 failed."),
            "{}",
            harness.state().status()
        );
        let now = directory_state(&dc);
        assert_eq!(value(&now, cn, "displayname"), value(&before, cn, "displayname"), "{cn} is back");
        if cn == "Ann Lee" {
            assert_eq!(value(&now, other, "mail"), "boberg@contoso.com", "{other} is not touched yet");
        }
        harness.get_by_label("Close").click();
        harness.run();
    }
    assert_eq!(directory_state(&dc), before, "undo restores every attribute");
    let undone: Vec<&str> = harness.state().results().iter().flatten().map(|r| r.word).collect();
    assert_eq!(undone, vec!["undone"; accepted]);

    // The migration view plans CN=Users of this DC and stamps the pilot's source anchors.
    let config = dir.join("Exported-SynchronizationPolicy-1.json");
    std::fs::write(
        &config,
        format!(
            "{{\"serverVersion\": \"2.5.190.0\", \"onpremisesDirectoryPolicy\": [{{\"name\": \"gui.example\", \
             \"partitionFilters\": [{{\"distinguishedName\": \"{base}\", \"containerInclusions\": [\"CN=Users,{base}\"], \
             \"containerExclusions\": [\"{base}\"]}}]}}]}}"
        ),
    )
    .unwrap();
    harness.get_by_label("Cloud Sync migration").click();
    harness.run();
    replace_text(&mut harness, "Connect Sync export", config.to_str().unwrap());
    harness.get_by_label("Plan migration").click();
    harness.step();
    while harness.state().migration().is_planning() {
        std::thread::sleep(std::time::Duration::from_millis(20));
        harness.step();
    }
    harness.run();
    let plan = harness.state().migration().plan().unwrap_or_else(|| panic!("{}", harness.state().migration().status()));
    let missing = plan.waves[0].anchors_missing;
    assert!(missing >= 2, "Ann Lee and Bo Berg at least: {missing}");
    open_apply(&mut harness, &format!("Stamp {missing} anchors of wave 1…"));
    harness.get_by_label(&format!("{missing} edits on {missing} objects."));
    replace_text(&mut harness, "Journal file", dir.join("anchors.jsonl").to_str().unwrap());
    harness.get_by_label("Apply changes").click();
    harness.step();
    run_until_written(&mut harness);
    assert!(
        harness.state().status().starts_with(&format!("{missing} applied, 0 conflicts, 0 failed.")),
        "{}",
        harness.state().status()
    );
    let stamped = directory_state(&dc);
    for cn in ["Ann Lee", "Bo Berg"] {
        let anchor = value(&stamped, cn, "ms-ds-consistencyguid");
        assert!(
            !anchor.is_empty() && anchor == value(&stamped, cn, "objectguid"),
            "{cn}: the anchor is its objectGUID"
        );
    }
}

/// The interactive widgets on screen that have no accessible name (role and value); panics
/// when there are hardly any widgets to look at.
fn unnamed_controls(harness: &Harness<'_, SyncreadyApp>) -> Vec<String> {
    use egui::accesskit::Role;
    use egui_kittest::kittest::NodeT;
    let interactive = [
        Role::Button,
        Role::CheckBox,
        Role::RadioButton,
        Role::ComboBox,
        Role::TextInput,
        Role::MultilineTextInput,
        Role::PasswordInput,
        Role::Link,
        Role::Slider,
        Role::SpinButton,
        Role::Tab,
        Role::MenuItem,
        Role::ListBoxOption,
    ];
    let controls: Vec<_> = harness
        .root()
        .children_recursive()
        .map(|node| node.accesskit_node())
        .filter(|node| interactive.contains(&node.role()))
        .map(|node| (node.role(), node.label(), node.value()))
        .collect();
    assert!(controls.len() >= 8, "{controls:?}");
    controls
        .into_iter()
        .filter(|(_, label, _)| label.as_ref().is_none_or(|l| l.trim().is_empty()))
        .map(|(role, _, value)| format!("{role:?} {value:?}"))
        .collect()
}

#[test]
fn every_interactive_widget_has_an_accessible_name() {
    let mut harness = Harness::builder().with_size(egui::vec2(1400.0, 900.0)).build_eframe(|cc| SyncreadyApp::new(cc));
    harness.ctx.set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
    scan_demo(&mut harness);
    harness.state_mut().select(1);
    harness.run();
    assert_eq!(unnamed_controls(&harness), Vec::<String>::new(), "the results view");
    for source in ["Export files", "Directory (LDAP)"] {
        harness.get_by_label(source).click();
        harness.run();
        if source == "Directory (LDAP)" {
            // With a user, the masked password field shows too.
            replace_text(&mut harness, "User", "admin@contoso.com");
        }
        assert_eq!(unnamed_controls(&harness), Vec::<String>::new(), "the source view {source}");
    }
    replace_text(&mut harness, "Server URL", "ldaps://dc1.contoso.com");
    harness.get_by_label("Accept safe fixes").click();
    harness.run();
    open_apply(&mut harness, "Apply…");
    assert_eq!(unnamed_controls(&harness), Vec::<String>::new(), "the apply dialog");
    harness.get_by_label("Cancel").click();
    harness.run();
    harness.get_by_label("Undo…").click();
    harness.run();
    assert_eq!(unnamed_controls(&harness), Vec::<String>::new(), "the undo dialog");
}

#[test]
fn plan_the_cloud_sync_migration_of_the_scanned_demo() {
    let mut harness = Harness::builder().with_size(egui::vec2(1400.0, 900.0)).build_eframe(|cc| SyncreadyApp::new(cc));
    harness.ctx.set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
    scan_demo(&mut harness);
    harness.get_by_label("Cloud Sync migration").click();
    harness.run();
    replace_text(&mut harness, "Connect Sync export", "fixtures/connect-sync/demo-two-cities");
    replace_text(&mut harness, "Cloud Sync OUs", "OU=Berlin,DC=contoso,DC=com");
    harness.get_by_label("Plan migration").click();
    harness.step();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while harness.state().migration().is_planning() {
        assert!(std::time::Instant::now() < deadline, "the plan did not finish");
        std::thread::sleep(std::time::Duration::from_millis(20));
        harness.step();
    }
    harness.run();
    let plan = harness.state().migration().plan().unwrap_or_else(|| panic!("{}", harness.state().migration().status()));
    // Dropping Paris from the Cloud Sync scoping deletes what Connect Sync syncs there: over
    // the threshold, the one blocker.
    let deleted = plan.simulation.count(syncready::migrate::scope::ScopeChange::Deleted);
    assert!(deleted > 500, "{deleted}");
    assert_eq!(plan.assessment.blockers(), 1);
    let moving: usize = plan.waves.iter().map(|w| w.objects.len()).sum();
    assert_eq!(moving, plan.simulation.count(syncready::migrate::scope::ScopeChange::Kept));
    // The verdict counts the blocker and the demo's error findings on the objects that move.
    let verdict = format!(
        "Not ready: 1 blocker, {} to fix first, and ",
        syncready::report::count(plan.findings_to_fix, "finding")
    );
    assert!(plan.findings_to_fix > 0);
    harness.get_by_label_contains(&verdict);
    harness.get_by_label("Chart of objects per wave");
    harness.get_by_label_contains(&format!("deleted {deleted},"));
    assert_eq!(unnamed_controls(&harness), Vec::<String>::new(), "the migration view");

    let dir = temp_dir("gui-migration");
    replace_text(&mut harness, "Plan folder", dir.to_str().unwrap());
    harness.get_by_label("Write plan files").click();
    harness.run();
    assert!(harness.state().migration().status().starts_with("Wrote "), "{}", harness.state().migration().status());
    let markdown = std::fs::read_to_string(dir.join("plan.md")).unwrap();
    assert!(markdown.contains(&format!("| deleted | {deleted} |")), "{markdown}");
}

/// A write worker that panics, as a bug in it would.
fn panicking_writer(
    _: &syncready::source::ldap::LdapOptions,
    _: syncready::gui::Job,
    _: &dyn Fn(usize, usize),
) -> syncready::gui::WriteResult {
    panic!("boom in the write worker")
}

#[test]
fn a_plain_ldap_write_needs_its_own_tick_and_a_worker_panic_closes_the_dialog_with_the_error() {
    use egui_kittest::kittest::NodeT as _;
    let mut harness = Harness::builder().with_size(egui::vec2(1400.0, 900.0)).build_eframe(|cc| SyncreadyApp::new(cc));
    harness.ctx.set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
    scan_demo(&mut harness);
    harness.get_by_label("Accept safe fixes").click();
    harness.run();
    harness.get_by_label("Directory (LDAP)").click();
    harness.run();
    replace_text(&mut harness, "Server URL", "ldap://127.0.0.1:1");
    replace_text(&mut harness, "User", "admin@contoso.com");
    replace_text(&mut harness, "Password", "not-sent");
    harness.get_by_label("TLS").click();
    harness.run();
    harness.get_by_label("INSECURE plain LDAP").click();
    harness.run();
    harness.state_mut().set_writer(panicking_writer);

    open_apply(&mut harness, "Apply…");
    harness.get_by_label_contains("INSECURE: this profile uses plain LDAP.");
    let tick = "Send the password unencrypted for this write";
    assert!(harness.get_by_label("Apply changes").accesskit_node().is_disabled(), "not without the tick");
    harness.get_by_label(tick).click();
    harness.run();
    assert!(!harness.get_by_label("Apply changes").accesskit_node().is_disabled());
    harness.get_by_label("Apply changes").click();
    harness.step();
    run_while(&mut harness, SyncreadyApp::is_writing, 30, "the dialog stayed open");
    assert_eq!(
        harness.state().status(),
        "Nothing more was written: the write stopped unexpectedly: boom in the write worker"
    );
    assert!(harness.query_by_label("Applying changes").is_none(), "the dialog is closed");

    // The tick holds for one write only: the next dialog asks again, and so does Undo.
    open_apply(&mut harness, "Apply…");
    assert!(harness.get_by_label("Apply changes").accesskit_node().is_disabled());
    harness.get_by_label("Cancel").click();
    harness.run();
    harness.get_by_label("Undo…").click();
    harness.run();
    harness.get_by_label(tick);
}

/// Selects the first visible finding on `attribute` whose object is not `except`, types `value`
/// as its new value, and returns its DN.
fn type_new_value(harness: &mut Harness<'_, SyncreadyApp>, attribute: &str, except: &str, value: &str) -> String {
    let position = harness
        .state()
        .visible()
        .iter()
        .position(|&i| {
            let finding = &harness.state().findings()[i];
            finding.attribute == attribute && finding.dn != except && !finding.value.is_empty()
        })
        .unwrap();
    harness.state_mut().select(position);
    harness.run();
    replace_text(harness, "New value", value);
    let selected = harness.state().selected_finding().unwrap();
    assert_eq!(harness.state().review().decisions[selected], Action::Edit(value.into()));
    harness.state().findings()[selected].dn.clone()
}

#[test]
fn the_apply_dialog_refuses_new_values_the_rules_refuse_and_asks_about_warnings() {
    use egui_kittest::kittest::NodeT as _;
    let mut harness = Harness::builder().with_size(egui::vec2(1400.0, 900.0)).build_eframe(|cc| SyncreadyApp::new(cc));
    harness.ctx.set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
    scan_demo(&mut harness);
    // A trailing space (a warning), and one new address typed for two objects (a collision).
    let named = type_new_value(&mut harness, "displayName", "", "Zed Example ");
    let first = type_new_value(&mut harness, "proxyAddresses", &named, "smtp:same.new@contoso.com");
    let second = type_new_value(&mut harness, "proxyAddresses", &first, "smtp:same.new@contoso.com");
    assert_ne!(first, second);
    set_write_directory(&mut harness, "ldaps://dc1.contoso.com");
    open_apply(&mut harness, "Apply…");
    harness.get_by_label("2 new values refused by the rules:");
    harness.get_by_label_contains(&format!("proxyAddresses 'smtp:same.new@contoso.com' on {first}: PRX010"));
    harness.get_by_label("1 new value still with warnings:");
    harness.get_by_label_contains(&format!("displayName 'Zed Example ' on {named}: DSP002"));
    assert!(harness.get_by_label("Apply changes").accesskit_node().is_disabled());
    harness.get_by_label("Cancel").click();
    harness.run();

    // Without the collision, the warning alone needs its tick.
    type_new_value(&mut harness, "proxyAddresses", &first, "smtp:other.new@contoso.com");
    open_apply(&mut harness, "Apply…");
    assert!(harness.query_by_label_contains("refused by the rules").is_none());
    assert!(harness.get_by_label("Apply changes").accesskit_node().is_disabled());
    harness.get_by_label("Write the values with warnings too").click();
    harness.run();
    assert!(!harness.get_by_label("Apply changes").accesskit_node().is_disabled());
}

/// A scan worker that panics, as a bug in a reader would.
fn panicking_scanner(
    _: &[syncready::source::SourceSpec],
    _: &syncready::rules::RulesetOptions,
    _: &syncready::gui::ScanProgress,
    _: &egui::Context,
) -> Result<syncready::gui::ScanDone, String> {
    panic!("boom in the scan worker")
}

#[test]
fn a_scan_worker_that_panics_ends_the_scan_with_an_error_not_a_spinner() {
    let mut harness = Harness::builder().with_size(egui::vec2(1400.0, 900.0)).build_eframe(|cc| SyncreadyApp::new(cc));
    harness.state_mut().set_scanner(panicking_scanner);
    harness.get_by_label("Demo directory").click();
    harness.run();
    harness.get_by_label("Scan").click();
    harness.step();
    run_while(&mut harness, SyncreadyApp::is_scanning, 30, "the scan still looks busy");
    assert_eq!(
        harness.state().status(),
        "Scan failed: the scan stopped unexpectedly: its worker ended without an answer"
    );
    assert!(harness.state().findings().is_empty());
    harness.get_by_label_contains("the scan stopped unexpectedly");
}
