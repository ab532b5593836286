//! Writes an admin can trust, against real Samba DCs: a plan only writes the objects the scan
//! read (a twin DC with the same DNs gets nothing, and its journal cannot be resumed or undone
//! there), exact preconditions (a case-only change is a conflict), new values checked by the
//! rules, a journal that survives losing its last records, a locked journal, and timeouts on a
//! frozen DC.

use std::process::{Command, Output};
use std::sync::atomic::AtomicBool;

use syncready::source::NoProgress;
use syncready::source::ldap::read_ldap;

use crate::apply::{directory_state, plan_of, user_ldif};
use crate::samba::{ADMIN_PASSWORD, SambaDc};
use crate::temp_dir;

/// Runs syncready with a connection to `dc` after `args`.
fn syncready(dc: &SambaDc, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_syncready"));
    command
        .args(args)
        .args(["--ldap", &dc.ldaps_url(), "--bind-user", &dc.admin(), "--password-env", "PW"])
        .args(["--ca-file", dc.ca_file().to_str().unwrap()])
        .env("PW", ADMIN_PASSWORD);
    command
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The objectGUID of `dn` on `dc`, as the report writes it.
fn guid_of(dc: &SambaDc, dn: &str) -> String {
    let live = read_ldap(&dc.ldap_options(), &NoProgress, &AtomicBool::new(false), false).unwrap();
    live.objects.iter().find(|o| o.dn() == dn).and_then(|o| o.guid()).unwrap().to_string()
}

#[test]
#[cfg_attr(windows, ignore = "starts a Samba AD DC, which runs on Linux only")]
fn a_plan_made_on_one_dc_writes_nothing_on_a_twin_holding_the_same_dns() {
    let base = "DC=twin,DC=example";
    let fixtures = [
        user_ldif(base, "Ann Lee", "displayName:: IEFubiBMZWUg\nmail: ann lee@contoso.com\n"),
        user_ldif(base, "Bo Berg", "displayName:: IEJvIEJlcmcg\n"),
    ]
    .join("\n");
    let first = SambaDc::start("twin.example", &[&fixtures]);
    let twin = SambaDc::start("twin.example", &[&fixtures]);
    let dir = temp_dir("twin");
    let ann = format!("CN=Ann Lee,CN=Users,{base}");
    let bo = format!("CN=Bo Berg,CN=Users,{base}");
    let (ann_guid, bo_guid) = (guid_of(&first, &ann), guid_of(&first, &bo));
    assert_ne!(ann_guid, guid_of(&twin, &ann), "two provisions give the same DN two objectGUIDs");
    let plan = plan_of(
        &dir.join("plan.csv"),
        &[
            (&ann, &ann_guid, "displayName", " Ann Lee ", "Ann Lee", "EDIT"),
            (&ann, &ann_guid, "mail", "ann lee@contoso.com", "ann.lee@contoso.com", "EDIT"),
            (&bo, &bo_guid, "displayName", " Bo Berg ", "Bo Berg", "EDIT"),
        ],
    );
    let twin_before = directory_state(&twin);
    let output = syncready(&twin, &["apply", "--plan", plan.to_str().unwrap()]).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let twin_guid = guid_of(&twin, &ann);
    assert!(
        stderr(&output).contains(&format!(
            "plan.csv: row 2, column OBJECTGUID: a different object (objectGUID {twin_guid} in the directory, \
             {ann_guid} in the plan): {ann} (2 such rows, checked against {base} on {}",
            twin.ldaps_url()
        )),
        "{}",
        stderr(&output)
    );
    assert_eq!(directory_state(&twin), twin_before, "nothing written on the twin");

    let first_before = directory_state(&first);
    let journal = dir.join("first.jsonl");
    let applied =
        syncready(&first, &["apply", "--plan", plan.to_str().unwrap(), "--journal", journal.to_str().unwrap()])
            .output()
            .unwrap();
    assert_eq!(applied.status.code(), Some(0), "{}", stderr(&applied));
    assert_eq!(directory_state(&first)[&ann]["mail"], [b"ann.lee@contoso.com".to_vec()]);
    for args in
        [vec!["apply", "--resume", journal.to_str().unwrap()], vec!["undo", "--journal", journal.to_str().unwrap()]]
    {
        let refused = syncready(&twin, &args).output().unwrap();
        assert_eq!(refused.status.code(), Some(2), "{args:?}: {}", stderr(&refused));
        let text = stderr(&refused);
        assert!(
            text.contains(&format!("first.jsonl: written against {base} on {}", first.ldaps_url()))
                && text.contains(&format!("but this server holds {base} on {}", twin.ldaps_url()))
                && text.contains("refusing to write to another directory; nothing was written"),
            "{args:?}: {text}"
        );
    }
    assert_eq!(directory_state(&twin), twin_before, "resume and undo wrote nothing on the twin");
    // Undo Ann first, then everything: Ann's change is reported as already undone.
    let only = syncready(&first, &["undo", "--journal", journal.to_str().unwrap(), "--only", "Ann Lee"]).output();
    assert_eq!(only.unwrap().status.code(), Some(0));
    let undone = syncready(&first, &["undo", "--journal", journal.to_str().unwrap()]).output().unwrap();
    let stdout = String::from_utf8_lossy(&undone.stdout);
    assert_eq!(undone.status.code(), Some(0), "{stdout}{}", stderr(&undone));
    assert!(stdout.starts_with("1 applied, 0 conflicts, 0 failed, 1 already undone. Journal: "), "{stdout}");
    assert_eq!(directory_state(&first), first_before);
}

#[test]
#[cfg_attr(windows, ignore = "starts a Samba AD DC, which runs on Linux only")]
fn a_primary_address_changed_only_in_case_since_the_scan_is_a_conflict() {
    let extra = "displayName: Ann\nproxyAddresses: SMTP:ann@contoso.com\nproxyAddresses: smtp:a.smith@contoso.com\n";
    let (dc, dir, ann) = crate::apply::one_user_dc("case.example", "Ann Smith", extra);
    let plan = plan_of(
        &dir.join("plan.csv"),
        &[(&ann, &guid_of(&dc, &ann), "proxyAddresses", "smtp:a.smith@contoso.com", "", "REMOVE")],
    );
    // Since the scan, the secondary address became the primary one, in other case.
    let mut conn = syncready::source::ldap::connect(&dc.ldap_options()).unwrap();
    let newer = ["smtp:ann@contoso.com", "SMTP:A.Smith@contoso.com"];
    conn.modify(&ann, vec![ldap3::Mod::Replace("proxyAddresses", newer.into_iter().collect())])
        .unwrap()
        .success()
        .unwrap();
    let before = directory_state(&dc);
    let output = syncready(&dc, &["apply", "--plan", plan.to_str().unwrap()]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}{}", stderr(&output));
    assert!(
        stdout.contains(&format!(
            "#1 {ann} (plan rows 2): Conflict: the object changed since the scan (proxyAddresses); its current value is kept"
        )),
        "{stdout}"
    );
    assert!(stdout.contains("0 applied, 1 conflicts, 0 failed."), "{stdout}");
    assert_eq!(directory_state(&dc), before, "the newer primary address is kept");
}

#[test]
#[cfg_attr(windows, ignore = "starts a Samba AD DC, which runs on Linux only")]
fn hand_typed_values_are_refused_with_their_reason() {
    let base = "DC=typed,DC=example";
    let fixtures = [
        user_ldif(
            base,
            "Ann Lee",
            "displayName: Ann\nuserPrincipalName: ann@typed.example\nmail: ann@contoso.com\nmailNickname: ann\n\
             proxyAddresses: SMTP:ann@contoso.com\n",
        ),
        user_ldif(base, "Bob Ray", "displayName: Bob\nproxyAddresses: SMTP:bob@contoso.com\n"),
    ]
    .join("\n");
    let dc = SambaDc::start("typed.example", &[&fixtures]);
    let dir = temp_dir("typed");
    let ann = format!("CN=Ann Lee,CN=Users,{base}");
    let guid = guid_of(&dc, &ann);
    let long = "n".repeat(100);
    // (attribute, value, update, the reason in the refusal)
    let cases = [
        (
            "userPrincipalName",
            "ann@typed.example",
            "@contoso.com",
            "UPN003 userPrincipalName has no '@', or misplaced periods before it",
        ),
        ("mailNickname", "ann", long.as_str(), "NICK001 mailNickname is longer than 64 characters"),
        (
            "userPrincipalName",
            "ann@typed.example",
            "ann\nlee@typed.example",
            "UPN002 userPrincipalName has characters Entra ID rejects before '@'",
        ),
        (
            "mail",
            "ann@contoso.com",
            "bob@contoso.com",
            "MAIL007 mail address is held by another object too (also held by: CN=Bob Ray,CN=Users,DC=typed,DC=example)",
        ),
        ("proxyAddresses", "SMTP:ann@contoso.com", "SMTP:Bob@contoso.com", "PRX010"),
        ("mail", "ann@contoso.com", "   ", "the new value is blank"),
    ];
    let before = directory_state(&dc);
    for (number, (attribute, value, update, reason)) in cases.iter().enumerate() {
        let plan = plan_of(&dir.join(format!("plan-{number}.csv")), &[(&ann, &guid, attribute, value, update, "EDIT")]);
        let output = syncready(&dc, &["apply", "--plan", plan.to_str().unwrap(), "--yes"]).output().unwrap();
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{attribute} {update:?}: {text}");
        assert!(
            text.contains("1 new value refused by the rules; nothing was written")
                && text.contains(&format!(
                    "plan-{number}.csv: row 2, column UPDATE: {attribute} '{update}' on {ann}: {reason}"
                )),
            "{attribute} {update:?}: {text}"
        );
    }
    let both = plan_of(
        &dir.join("edit-remove.csv"),
        &[
            (&ann, &guid, "mail", "ann@contoso.com", "ann.lee@contoso.com", "EDIT"),
            (&ann, &guid, "mail", "ann@contoso.com", "", "REMOVE"),
        ],
    );
    let output = syncready(&dc, &["apply", "--plan", both.to_str().unwrap()]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(
            "edit-remove.csv: row 3, column VALUE: row 2 already decides this value of mail on this object: keep one of the two rows"
        ),
        "{}",
        stderr(&output)
    );
    assert_eq!(directory_state(&dc), before, "nothing was written");
}

/// A journal with only its header and change records: what a run that stopped before its
/// first write leaves (resuming it applies every change).
#[cfg(unix)]
fn unstarted_copy(journal: &std::path::Path, copy: &std::path::Path) {
    let text = std::fs::read_to_string(journal).unwrap();
    let kept: String = text
        .lines()
        .filter(|l| l.contains("\"record\":\"header\"") || l.contains("\"record\":\"change\""))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(copy, kept).unwrap();
}

#[test]
#[cfg(unix)]
fn a_journal_that_lost_its_last_records_resumes_and_a_frozen_dc_times_out() {
    let base = "DC=durable,DC=example";
    let users: Vec<String> = (0..1000)
        .map(|i| {
            let name = format!("User {i:04}");
            user_ldif(base, &name, &format!("displayName:: {}\n", crate::apply::b64(&format!("{name} "))))
        })
        .collect();
    let dc = SambaDc::start("durable.example", &[&users.join("\n")]);
    let dir = temp_dir("durable");
    let plan = crate::apply::reviewed_plan(&dc, &dir);
    let before = directory_state(&dc);
    let run = |args: &[&str]| syncready(&dc, args).arg("--yes").output().unwrap();
    let journal = dir.join("apply.jsonl");
    let applied = run(&["apply", "--plan", plan.to_str().unwrap(), "--journal", journal.to_str().unwrap()]);
    assert_eq!(applied.status.code(), Some(0), "{}", stderr(&applied));
    let after = directory_state(&dc);
    assert_ne!(after, before);

    // What an OS crash could lose: records not yet synced, i.e. the last outcomes and the end.
    let text = std::fs::read_to_string(&journal).unwrap();
    let mut lines: Vec<&str> = text.lines().filter(|l| !l.contains("\"record\":\"finished\"")).collect();
    let mut dropped = 0;
    while dropped < 300 {
        let last = lines.iter().rposition(|l| l.contains("\"record\":\"outcome\"")).unwrap();
        lines.remove(last);
        dropped += 1;
    }
    std::fs::write(&journal, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    let resumed = run(&["apply", "--resume", journal.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&resumed.stdout);
    assert_eq!(resumed.status.code(), Some(0), "{stdout}{}", stderr(&resumed));
    assert!(stdout.contains("1000 applied, 0 conflicts, 0 failed."), "{stdout}");
    let settled = std::fs::read_to_string(&journal).unwrap();
    assert_eq!(settled.matches("applied before the interruption").count(), 300);
    assert_eq!(directory_state(&dc), after);
    let undone = run(&["undo", "--journal", journal.to_str().unwrap()]);
    assert_eq!(undone.status.code(), Some(0), "{}", stderr(&undone));
    assert_eq!(directory_state(&dc), before, "undo restores the directory exactly");

    // Two resumes of one journal at once: one runs, the other is refused by the lock.
    let pending = dir.join("pending.jsonl");
    unstarted_copy(&journal, &pending);
    let spawn = || {
        syncready(&dc, &["apply", "--resume", pending.to_str().unwrap(), "--yes"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (first, second) = (spawn(), spawn());
    let outputs = [first.wait_with_output().unwrap(), second.wait_with_output().unwrap()];
    let codes: Vec<Option<i32>> = outputs.iter().map(|o| o.status.code()).collect();
    assert!(codes.contains(&Some(0)) && codes.contains(&Some(2)), "{codes:?}");
    let refused = outputs.iter().find(|o| o.status.code() == Some(2)).unwrap();
    assert!(
        stderr(refused).contains(
            "pending.jsonl: the journal is locked: another syncready run (an apply, resume or undo) is using it"
        ),
        "{}",
        stderr(refused)
    );
    assert_eq!(directory_state(&dc), after);
    assert_eq!(run(&["undo", "--journal", pending.to_str().unwrap()]).status.code(), Some(0));
    assert_eq!(directory_state(&dc), before);

    // A DC frozen in the middle of an apply: a timeout naming the server, then resume and undo.
    let frozen = dir.join("frozen.jsonl");
    unstarted_copy(&journal, &frozen);
    let child = syncready(&dc, &["apply", "--resume", frozen.to_str().unwrap(), "--yes", "--timeout", "5"]);
    let timed_out = freeze_until_timeout(&dc, child, &|| {
        std::fs::read_to_string(&frozen).unwrap().contains("\"record\":\"outcome\"")
    });
    assert!(timed_out.contains("finish with `syncready apply --resume"), "{timed_out}");
    let finished = run(&["apply", "--resume", frozen.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&finished.stdout);
    assert_eq!(finished.status.code(), Some(0), "{stdout}{}", stderr(&finished));
    assert!(stdout.contains("1000 applied, 0 conflicts, 0 failed."), "{stdout}");
    assert_eq!(directory_state(&dc), after);
    assert_eq!(run(&["undo", "--journal", frozen.to_str().unwrap()]).status.code(), Some(0));
    assert_eq!(directory_state(&dc), before);

    // Frozen during a scan: the same, within the timeout and ten seconds.
    let out = dir.join("scan");
    let started = std::time::Instant::now();
    let scan = ["scan", "--out", out.to_str().unwrap(), "--page-size", "1", "--parallel", "1", "--timeout", "5"];
    freeze_until_timeout(&dc, syncready(&dc, &scan), &|| started.elapsed() > std::time::Duration::from_millis(300));
    assert!(!out.join("findings.csv").exists(), "no report from a scan that could not finish");

    // On a terminal, an apply and its undo say how far they are: done of all, rate, time left.
    let journal = dir.join("terminal.jsonl");
    let apply = ["apply", "--plan", plan.to_str().unwrap(), "--journal", journal.to_str().unwrap(), "--yes"];
    let screen = on_a_terminal(syncready(&dc, &apply));
    assert!(screen.contains("apply [") && screen.contains("/1000 changes, ") && screen.contains(" left ("), "{screen}");
    assert!(screen.contains("1000 applied, 0 conflicts, 0 failed."), "{screen}");
    let screen = on_a_terminal(syncready(&dc, &["undo", "--journal", journal.to_str().unwrap(), "--yes"]));
    assert!(screen.contains("undo [") && screen.contains("/1000 changes, ") && screen.contains(" left ("), "{screen}");
    assert_eq!(directory_state(&dc), before);
}

/// Runs `command` with a pseudo-terminal as its console (util-linux `script`) and returns what
/// it drew there.
#[cfg(unix)]
fn on_a_terminal(command: Command) -> String {
    let quote = |s: &std::ffi::OsStr| format!("'{}'", s.to_string_lossy().replace('\'', "'\\''"));
    let line: Vec<String> = std::iter::once(command.get_program()).chain(command.get_args()).map(quote).collect();
    let mut script = Command::new("script");
    script.args(["-qec", &line.join(" "), "/dev/null"]).stdin(std::process::Stdio::null());
    for (key, value) in command.get_envs() {
        if let Some(value) = value {
            script.env(key, value);
        }
    }
    let output = script.output().expect("util-linux script runs");
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stdout));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Starts `command`, freezes the DC (SIGSTOP) once `ready` holds, and checks that the run
/// stops with a timeout naming the DC within its 5 s and ten seconds more; thaws the DC and
/// returns the run's standard error.
#[cfg(unix)]
fn freeze_until_timeout(dc: &SambaDc, mut command: Command, ready: &dyn Fn() -> bool) -> String {
    let child = command.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::piped()).spawn().unwrap();
    while !ready() {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let group = dc.process_group().unwrap();
    crate::samba::signal_group(group, libc::SIGSTOP);
    let stopped = std::time::Instant::now();
    let output = child.wait_with_output().unwrap();
    let waited = stopped.elapsed();
    crate::samba::signal_group(group, libc::SIGCONT);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(waited < std::time::Duration::from_secs(15), "the timeout took {waited:?}");
    assert!(text.contains(&format!("{}: the server did not answer within 5 s (--timeout)", dc.ldaps_url())), "{text}");
    text
}
