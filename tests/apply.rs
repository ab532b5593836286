//! Review, apply and undo: CSV hand-off errors, the review rules, and applies and undos
//! against a real Samba DC (exact round trips, conflicts, dry-run LDIF, crashes).

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::atomic::AtomicBool;

use ldap3::Mod;
use syncready::fix::apply::{apply, undo};
use syncready::fix::journal::Outcome;
use syncready::fix::target::Directory;
use syncready::fix::{Action, FindingFilter, ReviewState, import_plan};
use syncready::report::csv::{FindingRow, write_rows};
use syncready::rules::{FixSafety, Ruleset, scan};
use syncready::source::NoProgress;
use syncready::source::ldap::{connect, read_ldap};

use crate::samba::{ADMIN_PASSWORD, SambaDc};
use crate::{scan_ldif, temp_dir};

fn plan_error(name: &str, csv: &str) -> String {
    let dir = temp_dir(&format!("plan-{name}"));
    let path = dir.join("reviewed.csv");
    std::fs::write(&path, csv).unwrap();
    import_plan(&path).unwrap_err().to_string().replace(dir.to_str().unwrap(), "DIR").replace("DIR\\", "DIR/")
}

const HEADER: &str = "DISTINGUISHEDNAME,COMMONNAME,OBJECTCLASS,ATTRIBUTE,ERROR,VALUE,UPDATE,ACTION,RULE,SEVERITY,FIX,OBJECTGUID,DETAIL\n";

#[test]
fn reviewed_csv_errors_name_the_row_and_column() {
    let row = |action: &str, value: &str, update: &str| {
        format!("\"CN=A,DC=x\",A,user,mail,Character,{value},{update},{action},MAIL002,error,unsafe,,\n")
    };
    assert_eq!(
        plan_error(
            "action",
            &format!("{HEADER}{}{}", row("", "a b@x.com", "ab@x.com"), row("MODIFY", "a b@x.com", "ab@x.com"))
        ),
        "DIR/reviewed.csv: row 3, column ACTION: unknown action 'MODIFY' (EDIT, REMOVE, COMPLETE or empty)"
    );
    assert_eq!(
        plan_error("remove", &format!("{HEADER}{}", row("remove", "a b@x.com", "ab@x.com"))),
        "DIR/reviewed.csv: row 2, column UPDATE: a REMOVE row has an UPDATE; clear it, or use EDIT"
    );
    assert_eq!(
        plan_error("empty-edit", &format!("{HEADER}{}", row("EDIT", "a b@x.com", ""))),
        "DIR/reviewed.csv: row 2, column UPDATE: EDIT with an empty UPDATE would delete the value; use REMOVE"
    );
    assert_eq!(
        plan_error(
            "whole",
            &format!("{HEADER}\"CN=A,DC=x\",A,user,proxyAddresses,Format,,SMTP:a@x.com,EDIT,PRX011,error,manual,,\n")
        ),
        "DIR/reviewed.csv: row 2, column ACTION: a whole-attribute finding has no single value to edit; fix the values one by one"
    );
    assert_eq!(
        plan_error(
            "binary",
            &format!(
                "{HEADER}\"CN=A,DC=x\",A,user,mS-DS-ConsistencyGuid,SourceAnchor,,not base64!,EDIT,ANC004,info,safe,,\n"
            )
        ),
        "DIR/reviewed.csv: row 2, column UPDATE: mS-DS-ConsistencyGuid takes base64 (Invalid symbol 32, offset 3.)"
    );
    let broken = plan_error(
        "quote",
        &format!(
            "{HEADER}\"CN=A,DC=x\",A,user,mail,Character,\"a b@x.com,ab@x.com,EDIT,MAIL002,error,unsafe,,\n\"CN=B,DC=x\",B\n"
        ),
    );
    assert!(broken.starts_with("DIR/reviewed.csv: row 2, column (row):"), "{broken}");
}

#[test]
fn rows_are_numbered_as_excel_shows_them_and_excel_files_get_excel_advice() {
    // A cell with a line break in it is one Excel row: the bad row below is row 3, line 4.
    let two_lines = "\"CN=A,DC=x\",A,user,mail,Character,a b@x.com,ab@x.com,,MAIL002,error,unsafe,,\"first\nsecond\"\n";
    let bad = "\"CN=B,DC=x\",B,user,mail,Character,b c@x.com,bc@x.com,CHANGE,MAIL002,error,unsafe,,\n";
    assert_eq!(
        plan_error("multi-line", &format!("{HEADER}{two_lines}{bad}")),
        "DIR/reviewed.csv: row 3, column ACTION: unknown action 'CHANGE' (EDIT, REMOVE, COMPLETE or empty)"
    );
    // Columns deleted in Excel are named all at once.
    let header = HEADER.replace(",ERROR,", ",").replace(",VALUE,", ",").replace(",OBJECTGUID,", ",");
    assert_eq!(
        plan_error("columns", &header),
        "DIR/reviewed.csv: row 1, column (header): the header lacks 3 columns: ERROR, VALUE, OBJECTGUID"
    );
    // Excel's "CSV (Comma delimited)" is Windows-1252: ü is the byte 0xFC.
    let dir = temp_dir("plan-cp1252");
    let path = dir.join("reviewed.csv");
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(b"\"CN=A,DC=x\",A,user,mail,Character,a b@x.com,ab@x.com,EDIT,MAIL002,error,unsafe,,\n");
    bytes.extend_from_slice(
        b"\"CN=M\xfcller,DC=x\",M\xfcller,user,mail,Character,m @x.com,m@x.com,EDIT,MAIL002,error,unsafe,,\n",
    );
    std::fs::write(&path, bytes).unwrap();
    assert_eq!(
        import_plan(&path).unwrap_err().to_string().replace(dir.to_str().unwrap(), "DIR").replace("DIR\\", "DIR/"),
        "DIR/reviewed.csv: row 3, column (row): the file is not UTF-8: Excel's \"CSV (Comma delimited)\" saves \
         Windows-1252 and replaces every character outside it with '?'. Save it from Excel, while the workbook is \
         still open, with File > Save As > \"CSV UTF-8 (Comma delimited) (*.csv)\", or review the scan's findings.csv \
         again"
    );
}

#[test]
fn a_report_saved_again_by_excel_plans_the_same_changes() {
    let dir = temp_dir("excel");
    let path = dir.join("reviewed.csv");
    let (a, b, c) = (guid(0xa), guid(0xb), guid(0xc));
    let rows = format!(
        "{HEADER}\"CN=B,DC=x\",B,user,displayName,Character,Bob ,Bob,EDIT,DSP002,warning,safe,{b},\n\
         \"CN=A,DC=x\",A,user,proxyAddresses,Duplicate,smtp:a@x.com,,remove,PRX010,error,manual,{a},\n\
         \"CN=A,DC=x\",A,user,mail,Character,a b@x.com,ab@x.com,Edit,MAIL002,error,unsafe,{a},\n\
         \"CN=C,DC=x\",C,user,mail,TopLevelDomain,c@x.con,,COMPLETE,MAIL005,error,manual,{c},\n"
    );
    std::fs::write(&path, rows.replace('\n', "\r\n")).unwrap();
    let changes = import_plan(&path).unwrap();
    let summary: Vec<(String, usize)> = changes.iter().map(|c| (c.dn.clone(), c.edits.len())).collect();
    assert_eq!(summary, [("CN=B,DC=x".to_owned(), 1), ("CN=A,DC=x".to_owned(), 2)]);
    assert_eq!(changes[1].edits[0].after, None);
    assert_eq!(changes[1].edits[1].after.as_deref(), Some(&b"ab@x.com"[..]));
    assert_eq!(changes[1].guid.to_string(), a);
}

/// A GUID in the registry form whose bytes are all `byte`.
fn guid(byte: u8) -> String {
    syncready::model::ObjectGuid([byte; 16]).to_string()
}

#[test]
fn a_row_must_name_its_object_and_decide_each_value_once() {
    let row = |dn: &str, attribute: &str, value: &str, update: &str, action: &str, object_guid: &str| {
        format!("\"{dn}\",A,user,{attribute},Character,{value},{update},{action},MAIL002,error,unsafe,{object_guid},\n")
    };
    let a = guid(0xa);
    for bad in ["", "not-a-guid", "0a0a0a0a-0a0a-0a0a-0a0a-0a0a0a0a0a0"] {
        assert_eq!(
            plan_error("guid", &format!("{HEADER}{}", row("CN=A,DC=x", "mail", "a b@x.com", "ab@x.com", "EDIT", bad))),
            format!(
                "DIR/reviewed.csv: row 2, column OBJECTGUID: '{bad}' is not an objectGUID (32 hex digits as \
                 8-4-4-4-12, as Get-ADUser shows it): a row must name the object the scan read"
            )
        );
    }
    let edit = row("CN=A,DC=x", "proxyAddresses", "smtp:a b@x.com", "smtp:ab@x.com", "EDIT", &a);
    let remove = row("CN=A,DC=x", "proxyAddresses", "smtp:a b@x.com", "", "REMOVE", &a);
    assert_eq!(
        plan_error("edit-remove", &format!("{HEADER}{edit}{remove}")),
        "DIR/reviewed.csv: row 3, column VALUE: row 2 already decides this value of proxyAddresses on this object: \
         keep one of the two rows"
    );
    let other = row("cn=a,dc=x", "proxyaddresses", "smtp:a.b@x.com", "smtp:ab@x.com", "EDIT", &a);
    assert_eq!(
        plan_error("same-new", &format!("{HEADER}{edit}{other}")),
        "DIR/reviewed.csv: row 3, column UPDATE: row 2 already decides this new value of proxyAddresses on this \
         object: keep one of the two rows"
    );
    let moved = row("CN=A,DC=x", "mail", "a b@x.com", "ab@x.com", "EDIT", &guid(0xb));
    assert_eq!(
        plan_error("two-guids", &format!("{HEADER}{edit}{moved}")),
        format!(
            "DIR/reviewed.csv: row 3, column OBJECTGUID: row 2 names this DN with the objectGUID {a}: one DN is one object"
        )
    );
}

#[test]
fn review_accepts_safe_fixes_and_unsafe_only_when_asked() {
    let found = scan_ldif(&crate::user(
        "A",
        &[("displayName", " A "), ("mail", "a b@contoso.com"), ("proxyAddresses", "SMTP:a@contoso.con")],
    ))
    .findings;
    let fixes: Vec<FixSafety> = found.iter().map(|f| f.fix).collect();
    assert_eq!(fixes, [FixSafety::Safe, FixSafety::Unsafe, FixSafety::Manual]);
    let mut review = ReviewState::new(&found);
    assert_eq!(review.accept_safe(&found), 1);
    assert_eq!(review.decisions, [Action::Edit("A".into()), Action::Undecided, Action::Undecided]);
    assert_eq!(review.accept_where(&found, |f| f.attribute == "mail", false), 0);
    assert_eq!(review.accept_where(&found, |f| f.attribute == "mail", true), 1);
    assert_eq!(review.accept_where(&found, |_| true, true), 2, "manual fixes are never accepted in bulk");
    review.set(&[2], &Action::Remove);
    assert_eq!(review.decisions[2], Action::Remove);
    let by = |filter: FindingFilter| {
        found.iter().filter(|f| filter.matches(f)).map(|f| f.attribute.as_str()).collect::<Vec<_>>()
    };
    assert_eq!(by(FindingFilter { rule: Some("mail002".into()), ..Default::default() }), ["mail"]);
    assert_eq!(by(FindingFilter { error: Some("TopLevelDomain".into()), ..Default::default() }), ["proxyAddresses"]);
    assert_eq!(
        by(FindingFilter {
            ou: Some("OU=Staff,DC=contoso,DC=com".into()),
            attribute: Some("DISPLAYNAME".into()),
            ..Default::default()
        }),
        ["displayName"]
    );
    assert_eq!(by(FindingFilter { text: Some("CONTOSO.CON".into()), ..Default::default() }), ["proxyAddresses"]);
    assert!(by(FindingFilter { ou: Some("OU=Elsewhere,DC=contoso,DC=com".into()), ..Default::default() }).is_empty());
}

/// Every value of the attributes the rules read, per DN, for comparisons.
pub(crate) fn directory_state(dc: &SambaDc) -> BTreeMap<String, BTreeMap<String, Vec<Vec<u8>>>> {
    state_read_with(&dc.ldap_options())
}

/// Every value (sorted) of the attributes `options` reads, per DN.
fn state_read_with(options: &syncready::source::ldap::LdapOptions) -> BTreeMap<String, BTreeMap<String, Vec<Vec<u8>>>> {
    let live = read_ldap(options, &NoProgress, &AtomicBool::new(false), false).unwrap();
    live.objects
        .iter()
        .map(|o| {
            let attrs = o
                .attributes()
                .map(|(name, values)| {
                    let mut values: Vec<Vec<u8>> = values.map(|(_, v)| v.as_bytes().to_vec()).collect();
                    values.sort();
                    (name.as_str().to_lowercase(), values)
                })
                .collect();
            (o.dn().to_owned(), attrs)
        })
        .collect()
}

/// A DC for `realm` holding one user `cn` with the LDIF lines `extra`, a fresh folder, and the
/// user's DN.
pub(crate) fn one_user_dc(realm: &str, cn: &str, extra: &str) -> (SambaDc, std::path::PathBuf, String) {
    let base = realm.split('.').map(|p| format!("DC={p}")).collect::<Vec<_>>().join(",");
    let dc = SambaDc::start(realm, &[&user_ldif(&base, cn, extra)]);
    let dir = temp_dir(realm.split('.').next().unwrap());
    let dn = format!("CN={cn},CN=Users,{}", dc.base_dn);
    (dc, dir, dn)
}

pub(crate) fn user_ldif(base: &str, cn: &str, extra: &str) -> String {
    format!(
        "dn: CN={cn},CN=Users,{base}\nobjectClass: user\ncn: {cn}\nsAMAccountName: {}\n{extra}\n",
        cn.to_lowercase().replace(' ', ".")
    )
}

/// A plan of rows (DN, GUID, attribute, value, update, action), written to `path`.
pub(crate) fn plan_of(path: &Path, rows: &[(&str, &str, &str, &str, &str, &str)]) -> std::path::PathBuf {
    let rows: Vec<FindingRow> = rows
        .iter()
        .map(|(dn, guid, attribute, value, update, action)| FindingRow {
            distinguished_name: dn.to_string(),
            common_name: "x".into(),
            object_class: "user".into(),
            attribute: attribute.to_string(),
            error: "Character".into(),
            value: value.to_string(),
            update: update.to_string(),
            action: action.to_string(),
            rule: "MAIL002".into(),
            severity: "error".into(),
            fix: "unsafe".into(),
            object_guid: guid.to_string(),
            detail: String::new(),
        })
        .collect();
    write_rows(path, rows).unwrap();
    path.to_owned()
}

/// The value DETAIL says the fixes would give, when the scan proposed none.
fn value_the_fixes_would_give(detail: &str) -> Option<String> {
    let (_, rest) = detail.split_once("the fixes would give '")?;
    Some(rest.split_once("', which still fails")?.0.to_owned())
}

/// Reviews every finding of the DC: accepts proposed values (typing the one DETAIL gives
/// where none is proposed), REMOVEs duplicates of the old proxy, and writes the reviewed CSV.
pub(crate) fn reviewed_plan(dc: &SambaDc, dir: &Path) -> std::path::PathBuf {
    let live = read_ldap(&dc.ldap_options(), &NoProgress, &AtomicBool::new(false), false).unwrap();
    let findings = scan(&live.objects, &Ruleset::multi_tenant()).findings;
    let rows: Vec<FindingRow> = findings
        .iter()
        .filter(|f| f.dn.contains("CN=Users"))
        .map(|f| {
            let mut row = FindingRow::from_finding(f);
            if f.value == "smtp:stale@contoso.com" {
                row.action = "REMOVE".into();
            } else if f.attribute == "mail" {
                row.action = "EDIT".into();
                row.update = "kim.ortiz@contoso.com".into();
            } else if !row.update.is_empty() {
                row.action = "EDIT".into();
            } else if let Some(value) = value_the_fixes_would_give(&row.detail) {
                // No value is proposed when the fixes leave an error (the `.example` suffixes of
                // these DCs fail UPN005); the admin types the one DETAIL gives.
                row.action = "EDIT".into();
                row.update = value;
            }
            row
        })
        .collect();
    let path = dir.join("reviewed.csv");
    write_rows(&path, rows).unwrap();
    path
}

#[test]
#[cfg_attr(windows, ignore = "starts a Samba AD DC, which runs on Linux only")]
fn apply_then_undo_returns_every_object_to_its_exact_state() {
    let base = "DC=apply,DC=example";
    let fixtures = [
        user_ldif(base, "Ann Lee", "displayName:: IEFubiBMZWUg\nuserPrincipalName: ann lee@apply.example\n"),
        user_ldif(base, "Felix Ops", "displayName: Felix\nproxyAddresses: SMTP:felix@contoso.com\nproxyAddresses: smtp:felix(ops)@contoso.com\nproxyAddresses: smtp:stale@contoso.com\n"),
        user_ldif(base, "Stale Holder", "displayName: Stale\nproxyAddresses: SMTP:stale@contoso.com\n"),
        user_ldif(base, "Kim Ortiz", "displayName: Kim\nmail: kim ortiz@contoso.com\nuserPrincipalName: jürgen@apply.example\n"),
    ]
    .join("\n");
    let dc = SambaDc::start("apply.example", &[&fixtures]);
    let dir = temp_dir("apply-undo");
    let before = directory_state(&dc);
    let plan = reviewed_plan(&dc, &dir);
    let changes = import_plan(&plan).unwrap();
    let mut directory = Directory::connect(&dc.ldap_options()).unwrap();
    let journal = dir.join("apply.jsonl");
    let report = apply(&mut directory, &changes, &journal, "apply", "test", &|_, _| {}).unwrap();
    assert_eq!(report.count(Outcome::Applied), changes.len(), "{report:?}");
    let after = directory_state(&dc);
    let values = |state: &BTreeMap<String, BTreeMap<String, Vec<Vec<u8>>>>, cn: &str, attr: &str| {
        let object = state.iter().find(|(dn, _)| dn.starts_with(&format!("CN={cn},"))).unwrap().1;
        object
            .get(attr)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|v| String::from_utf8_lossy(&v).into_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(values(&after, "Ann Lee", "displayname"), ["Ann Lee"]);
    assert_eq!(values(&after, "Ann Lee", "userprincipalname"), ["annlee@apply.example"]);
    assert_eq!(values(&after, "Felix Ops", "proxyaddresses"), ["SMTP:felix@contoso.com", "smtp:felixops@contoso.com"]);
    assert_eq!(values(&after, "Kim Ortiz", "mail"), ["kim.ortiz@contoso.com"]);
    assert_eq!(values(&after, "Kim Ortiz", "userprincipalname"), ["jurgen@apply.example"]);
    let stamped = after.iter().find(|(dn, _)| dn.starts_with("CN=Kim Ortiz,")).unwrap().1;
    assert_eq!(
        stamped.get("ms-ds-consistencyguid"),
        stamped.get("objectguid"),
        "the anchor was stamped with the objectGUID"
    );
    #[cfg(unix)]
    {
        let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&journal).unwrap().permissions());
        assert_eq!(mode & 0o777, 0o600);
    }

    let report = undo(&mut directory, &journal, None, &dir.join("undo.jsonl"), &|_, _| {}).unwrap();
    assert_eq!(report.count(Outcome::Applied), changes.len());
    assert_eq!(directory_state(&dc), before, "undo restores every attribute");
    // A journal is never overwritten.
    assert!(apply(&mut directory, &changes, &journal, "apply", "test", &|_, _| {}).is_err());
}

#[test]
#[cfg_attr(windows, ignore = "starts a Samba AD DC, which runs on Linux only")]
fn a_value_changed_since_the_scan_is_a_conflict_and_keeps_the_newer_value() {
    let base = "DC=conflict,DC=example";
    let fixtures = [
        user_ldif(base, "Ann Lee", "displayName:: IEFubiBMZWUg\nuserPrincipalName: ann lee@conflict.example\n"),
        user_ldif(base, "Bo Berg", "displayName:: IEJvIEJlcmcg\n"),
    ]
    .join("\n");
    let dc = SambaDc::start("conflict.example", &[&fixtures]);
    let dir = temp_dir("conflict");
    let changes = import_plan(&reviewed_plan(&dc, &dir)).unwrap();
    let mut conn = connect(&dc.ldap_options()).unwrap();
    let mut directory = Directory::connect(&dc.ldap_options()).unwrap();
    let ann = format!("CN=Ann Lee,CN=Users,{base}");
    let bo = format!("CN=Bo Berg,CN=Users,{base}");
    let replace = |conn: &mut ldap3::LdapConn, dn: &str, value: &str| {
        conn.modify(dn, vec![Mod::Replace("displayName", HashSet::from([value]))]).unwrap().success().unwrap();
    };
    replace(&mut conn, &ann, "Ann Lee-Smith");
    let journal = dir.join("apply.jsonl");
    let report = apply(&mut directory, &changes, &journal, "apply", "test", &|_, _| {}).unwrap();
    let outcome =
        |dn: &str, report: &syncready::fix::apply::ApplyReport| report.results.iter().find(|r| r.1 == dn).unwrap().2;
    assert_eq!(outcome(&ann, &report), Outcome::Conflict);
    assert_eq!(outcome(&bo, &report), Outcome::Applied);
    let state = directory_state(&dc);
    let ann_state = &state[&ann];
    assert_eq!(ann_state["displayname"], [b"Ann Lee-Smith".to_vec()], "the newer value is kept");
    assert_eq!(
        ann_state["userprincipalname"],
        [b"ann lee@conflict.example".to_vec()],
        "nothing on the object is written"
    );
    // Undo: Bo's display name changed again after the apply, so undoing it is a conflict too.
    replace(&mut conn, &bo, "Bo B.");
    let report = undo(&mut directory, &journal, None, &dir.join("undo.jsonl"), &|_, _| {}).unwrap();
    assert_eq!(outcome(&bo, &report), Outcome::Conflict);
    assert_eq!(directory_state(&dc)[&bo]["displayname"], [b"Bo B.".to_vec()]);
}

#[test]
#[cfg_attr(windows, ignore = "starts a Samba AD DC, which runs on Linux only")]
fn the_dry_run_ldif_through_ldapmodify_gives_the_same_state_as_apply() {
    let base = "DC=dryrun,DC=example";
    let fixtures = [
        user_ldif(base, "Ann Lee", "displayName:: IEFubiBMZWUg\nuserPrincipalName: ann lee@dryrun.example\n"),
        user_ldif(
            base,
            "Felix Ops",
            "displayName: Felix\nproxyAddresses: SMTP:felix@contoso.com\nproxyAddresses: smtp:felix(ops)@contoso.com\n",
        ),
        user_ldif(base, "Zoë Ünal", "displayName: Zoë\nmail: zoë ünal@contoso.com\n"),
    ]
    .join("\n");
    let dc = SambaDc::start("dryrun.example", &[&fixtures]);
    let dir = temp_dir("dry-run");
    let plan = reviewed_plan(&dc, &dir);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_syncready"))
        .args(["apply", "--plan", plan.to_str().unwrap(), "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let ldif = dir.join("dry-run.ldif");
    std::fs::write(&ldif, &output.stdout).unwrap();
    let before = directory_state(&dc);
    let journal = dir.join("apply.jsonl");
    let applied = std::process::Command::new(env!("CARGO_BIN_EXE_syncready"))
        .args([
            "apply",
            "--plan",
            plan.to_str().unwrap(),
            "--journal",
            journal.to_str().unwrap(),
            "--ldap",
            &dc.ldaps_url(),
        ])
        .args(["--bind-user", &dc.admin(), "--password-env", "PW", "--ca-file", dc.ca_file().to_str().unwrap()])
        .env("PW", ADMIN_PASSWORD)
        .output()
        .unwrap();
    // The `.example` suffixes keep failing UPN005, as the old values did: a warning to confirm.
    let stderr = String::from_utf8_lossy(&applied.stderr);
    assert_eq!(applied.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("1 new value still with warnings:"), "{stderr}");
    assert!(
        stderr.contains("UPN005 userPrincipalName suffix ends in an unknown top-level domain (as the old value did)"),
        "{stderr}"
    );
    assert!(stderr.contains("syncready: error: pass --yes to write them; nothing was written"), "{stderr}");
    assert_eq!(directory_state(&dc), before);
    let applied = std::process::Command::new(env!("CARGO_BIN_EXE_syncready"))
        .args(["apply", "--plan", plan.to_str().unwrap(), "--journal", journal.to_str().unwrap(), "--yes"])
        .args(["--ldap", &dc.ldaps_url(), "--bind-user", &dc.admin(), "--password-env", "PW"])
        .args(["--ca-file", dc.ca_file().to_str().unwrap()])
        .env("PW", ADMIN_PASSWORD)
        .output()
        .unwrap();
    assert_eq!(applied.status.code(), Some(0), "{}", String::from_utf8_lossy(&applied.stdout));
    let by_syncready = directory_state(&dc);
    assert_ne!(by_syncready, before);
    let mut directory = Directory::connect(&dc.ldap_options()).unwrap();
    undo(&mut directory, &journal, None, &dir.join("undo.jsonl"), &|_, _| {}).unwrap();
    assert_eq!(directory_state(&dc), before);
    let status = std::process::Command::new("ldapmodify")
        .args(["-H", &dc.ldaps_url(), "-x", "-D", &dc.admin(), "-w", ADMIN_PASSWORD, "-f", ldif.to_str().unwrap()])
        .env("LDAPTLS_CACERT", dc.ca_file())
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    assert_eq!(directory_state(&dc), by_syncready);
    // A row naming an object the directory does not hold stops the apply before any write.
    let text = std::fs::read_to_string(&plan).unwrap();
    let bogus = text.replacen("CN=Felix Ops,CN=Users", "CN=Felix Gone,CN=Users", 1);
    let bogus_plan = dir.join("bogus.csv");
    std::fs::write(&bogus_plan, bogus).unwrap();
    undo(&mut directory, &journal, None, &dir.join("undo-2.jsonl"), &|_, _| {}).ok();
    let state = directory_state(&dc);
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_syncready"))
        .args(["apply", "--plan", bogus_plan.to_str().unwrap(), "--ldap", &dc.ldaps_url()])
        .args(["--bind-user", &dc.admin(), "--password-env", "PW", "--ca-file", dc.ca_file().to_str().unwrap()])
        .env("PW", ADMIN_PASSWORD)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("column DISTINGUISHEDNAME: no such object in the directory: CN=Felix Gone,CN=Users"),
        "{stderr}"
    );
    assert_eq!(directory_state(&dc), state, "nothing was written");
}

/// A small deterministic generator of kill delays.
pub(crate) fn delays(count: usize, max_ms: u64) -> Vec<u64> {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    (0..count)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % max_ms
        })
        .collect()
}

#[test]
#[cfg_attr(windows, ignore = "starts a Samba AD DC, which runs on Linux only")]
fn an_apply_killed_at_random_points_resumes_and_undoes_without_losing_a_value() {
    let base = "DC=crash,DC=example";
    let users: Vec<String> = (0..1000)
        .map(|i| {
            user_ldif(base, &format!("User {i:04}"), &format!("displayName:: {}\n", b64(&format!("User {i:04} "))))
        })
        .collect();
    let dc = SambaDc::start("crash.example", &[&users.join("\n")]);
    let dir = temp_dir("crash");
    let plan = reviewed_plan(&dc, &dir);
    assert_eq!(import_plan(&plan).unwrap().len(), 1000);
    let before = directory_state(&dc);
    let syncready = |args: &[&str]| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_syncready"));
        command
            .args(args)
            .args(["--ldap", &dc.ldaps_url(), "--bind-user", &dc.admin(), "--password-env", "PW"])
            .args(["--ca-file", dc.ca_file().to_str().unwrap(), "--yes"])
            .env("PW", ADMIN_PASSWORD)
            .stdout(std::process::Stdio::null());
        command
    };
    // How long an uninterrupted apply takes sets the range of kill points.
    let started = std::time::Instant::now();
    let first = dir.join("first.jsonl");
    assert!(
        syncready(&["apply", "--plan", plan.to_str().unwrap(), "--journal", first.to_str().unwrap()])
            .status()
            .unwrap()
            .success()
    );
    let full_ms = started.elapsed().as_millis() as u64;
    let after = directory_state(&dc);
    assert!(after[&format!("CN=User 0999,CN=Users,{base}")]["displayname"] == [b"User 0999".to_vec()]);
    assert!(syncready(&["undo", "--journal", first.to_str().unwrap()]).status().unwrap().success());
    assert_eq!(directory_state(&dc), before);
    let mut interrupted = 0;
    for (trial, delay) in delays(60, full_ms.max(50)).into_iter().enumerate() {
        if interrupted == 20 {
            break;
        }
        let journal = dir.join(format!("trial-{trial}.jsonl"));
        let mut child = syncready(&["apply", "--plan", plan.to_str().unwrap(), "--journal", journal.to_str().unwrap()])
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        child.kill().unwrap(); // SIGKILL
        let _ = child.wait();
        let text = std::fs::read_to_string(&journal).unwrap_or_default();
        if !text.contains("\"record\":\"started\"") {
            assert_eq!(directory_state(&dc), before, "killed before any write, yet something changed");
            continue;
        }
        if !text.contains("\"record\":\"finished\"") {
            interrupted += 1;
        }
        let resumed = syncready(&["apply", "--resume", journal.to_str().unwrap()]).status().unwrap();
        assert!(resumed.success(), "trial {trial} (killed after {delay} ms): resume failed");
        assert_eq!(directory_state(&dc), after, "trial {trial}: resume did not finish the apply exactly");
        assert!(syncready(&["undo", "--journal", journal.to_str().unwrap()]).status().unwrap().success());
        assert_eq!(directory_state(&dc), before, "trial {trial}: undo did not restore the original state");
    }
    assert_eq!(interrupted, 20, "20 applies were killed part-way");
}

pub(crate) fn b64(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// The values of `attributes` on every object of the DC (users, contacts and groups).
fn values_of(dc: &SambaDc, attributes: &[&str]) -> BTreeMap<String, BTreeMap<String, Vec<Vec<u8>>>> {
    state_read_with(&syncready::source::ldap::LdapOptions {
        attributes: attributes.iter().map(|a| a.to_string()).collect(),
        ..dc.ldap_options()
    })
}

#[test]
#[cfg_attr(windows, ignore = "starts a Samba AD DC, which runs on Linux only")]
fn plans_for_attributes_no_rule_owns_are_refused_and_write_nothing() {
    let extra =
        "displayName: Ann\ndescription: Sales\nservicePrincipalName: HTTP/ann.refuse.example\nmail: ann@contoso.com\n";
    let (dc, dir, ann) = one_user_dc("refuse.example", "Ann Lee", extra);
    let base = dc.base_dn.clone();
    let admins = format!("CN=Domain Admins,CN=Users,{base}");
    let administrator = format!("CN=Administrator,CN=Users,{base}");
    let watched =
        ["userAccountControl", "member", "description", "servicePrincipalName", "msDS-KeyCredentialLink", "mail"];
    let before = values_of(&dc, &watched);
    assert!(before[&admins]["member"].contains(&administrator.as_bytes().to_vec()), "{:?}", before[&admins]);
    // (DN, attribute, value, update, action) of one plan row each.
    let plans = [
        (ann.as_str(), "userAccountControl", "544", "546", "EDIT"),
        (admins.as_str(), "member", administrator.as_str(), "", "REMOVE"),
        (ann.as_str(), "msDS-KeyCredentialLink", "", "B:828:0002000020000...", "EDIT"),
        (ann.as_str(), "servicePrincipalName", "HTTP/ann.refuse.example", "", "REMOVE"),
        (ann.as_str(), "description", "Sales", "anything", "EDIT"),
        (ann.as_str(), "mail\ndn: CN=Intruder,CN=Users,DC=refuse,DC=example\nchangetype: add", "", "x", "EDIT"),
    ];
    for (number, (dn, attribute, value, update, action)) in plans.iter().enumerate() {
        let plan = dir.join(format!("plan-{number}.csv"));
        plan_of(&plan, &[(dn, "", attribute, value, update, action)]);
        let connection = ["--ldap", &dc.ldaps_url(), "--bind-user", &dc.admin(), "--password-env", "PW", "--ca-file"];
        for dry_run in [true, false] {
            let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_syncready"));
            command.args(["apply", "--plan", plan.to_str().unwrap()]).env("PW", ADMIN_PASSWORD);
            if dry_run {
                command.arg("--dry-run");
            } else {
                command.args(connection).arg(dc.ca_file());
            }
            let output = command.output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{attribute}: {stderr}");
            assert!(
                output.stdout.is_empty(),
                "{attribute}: nothing printed, no LDIF: {}",
                String::from_utf8_lossy(&output.stdout)
            );
            let refusal = if attribute.contains('\n') {
                "is not an attribute name; nothing was written".to_owned()
            } else {
                format!("syncready does not write {attribute}: only the attributes its rules check can be changed")
            };
            assert!(
                stderr.contains(&format!("plan-{number}.csv: row 2, column ATTRIBUTE: ")) && stderr.contains(&refusal),
                "{stderr}"
            );
        }
    }
    assert_eq!(values_of(&dc, &watched), before, "the directory is unchanged, attribute by attribute");
}
