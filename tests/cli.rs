//! The command line: exit codes, the demo default, reports written, rulesets refused.

use crate::{run_syncready, temp_dir, user};

#[test]
fn exit_code_is_0_clean_1_findings_2_error() {
    let dir = temp_dir("exit-codes");
    let clean = dir.join("clean.ldif");
    std::fs::write(&clean, user("Ann", &[("displayName", "Ann"), ("mail", "ann@contoso.com")])).unwrap();
    let dirty = dir.join("dirty.ldif");
    std::fs::write(&dirty, user("Ann", &[("displayName", "Ann"), ("mail", "ann@contoso.con")])).unwrap();
    let out = dir.join("out");
    let scan = |file: &std::path::Path| {
        run_syncready(&["scan", "--ldif", file.to_str().unwrap(), "--out", out.to_str().unwrap()])
    };
    assert_eq!(scan(&clean).status.code(), Some(0));
    let findings = std::fs::read_to_string(out.join("findings.csv")).unwrap();
    assert_eq!(findings.lines().count(), 1, "header only");
    assert_eq!(scan(&dirty).status.code(), Some(1));
    let findings = std::fs::read_to_string(out.join("findings.csv")).unwrap();
    assert!(
        findings.contains(
            ",mail,TopLevelDomain,ann@contoso.con,,,MAIL005,error,manual,768cc7be-1e84-92fe-b256-7c06bde85736,\r\n"
        ),
        "{findings}"
    );
    assert_eq!(scan(&dir.join("missing.ldif")).status.code(), Some(2));
}

#[test]
fn scan_without_a_source_scans_the_demo_directory_and_prints_a_summary() {
    let dir = temp_dir("demo-default");
    let output = run_syncready(&["scan", "--out", dir.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("scanning the built-in demo directory"));
    assert!(stdout.contains("objects read 2000"), "{stdout}");
    assert!(stdout.contains("Findings by error name:"), "{stdout}");
    let summary = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
    assert!(summary.starts_with("\u{feff}VIEW,KEY,OBJECTCLASS,SEVERITY,FINDINGS,OBJECTS\r\n"));
    assert!(summary.contains("\r\nobjects,read,,,,2000\r\n"));
    assert!(summary.contains("\r\nerror name,Duplicate,user,error,20,15\r\n"), "{summary}");
    assert!(summary.contains("\r\nrule,UPN"));
    // Findings by severity and by ERROR cell both add up to the findings (the demo has 118).
    let findings_in = |view: &str| -> u64 {
        let rows = summary.lines().filter(|l| l.starts_with(view));
        rows.map(|l| l.rsplit(',').nth(1).unwrap().parse::<u64>().unwrap()).sum()
    };
    assert!(summary.contains("\r\nfindings,all,,,118,102\r\n"), "{summary}");
    assert_eq!((findings_in("severity,"), findings_in("error name,")), (118, 118));
    assert!(stdout.contains("\n  findings 118 on 102 objects: error 96 · warning 20 · info 2\n"), "{stdout}");
    // The demo's findings sit in 15 OUs, fewer than the 20 the view keeps.
    let ous = summary.lines().filter(|l| l.starts_with("ou,")).count();
    assert_eq!(ous, 15);
    assert!(summary.contains("\r\nou,\"OU=Demo Core,DC=contoso,DC=com\",,,30,24\r\n"), "{summary}");
}

#[test]
fn a_broken_ruleset_stops_before_scanning() {
    let dir = temp_dir("bad-ruleset");
    let ruleset = dir.join("mine.toml");
    std::fs::write(&ruleset, "[rules]\ndisabled = [\"NOPE01\"]\n").unwrap();
    let out = dir.join("out");
    let output = run_syncready(&["scan", "--ruleset", ruleset.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("mine.toml:2: rules.disabled: unknown rule code 'NOPE01'"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn generate_writes_the_directory_and_its_truth() {
    let dir = temp_dir("generate");
    let ldif = dir.join("d.ldif");
    let truth = dir.join("t.csv");
    let output = run_syncready(&[
        "generate",
        "--objects",
        "300",
        "--seed",
        "3",
        "--out",
        ldif.to_str().unwrap(),
        "--truth",
        truth.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let planted = syncready::source::generate::read_truth(&truth).unwrap();
    assert!(!planted.is_empty());
    let out = dir.join("out");
    let scan = run_syncready(&["scan", "--ldif", ldif.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(scan.status.code(), Some(1));
    let too_few = run_syncready(&["generate", "--objects", "10", "--out", ldif.to_str().unwrap()]);
    assert_eq!(too_few.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&too_few.stderr).contains("--objects must be at least 60"));
}

#[test]
fn a_closed_standard_output_ends_the_printing_quietly_and_the_run_finishes() {
    let dir = temp_dir("closed-stdout");
    let out = dir.join("out");
    // The reading end is closed before syncready starts: every write to stdout fails.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_syncready"))
        .args(["scan", "--out", out.to_str().unwrap()])
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "the demo's findings decide the exit code: {stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("failed printing"), "{stderr}");
    let findings = std::fs::read_to_string(out.join("findings.csv")).unwrap();
    assert_eq!(findings.lines().count(), 119, "the whole report, header and 118 findings");
    assert!(out.join("summary.csv").exists());
}

#[test]
fn an_empty_password_is_refused_before_any_connection() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_syncready"))
        .args(["scan", "--ldap", "ldaps://127.0.0.1:1", "--bind-user", "admin@contoso.com", "--password-env", "PW"])
        .env("PW", "")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr).trim_end(),
        "syncready: error: --password-env: the variable PW is empty: no password for admin@contoso.com"
    );
}

/// The findings count of a scan's two reports: (data rows of findings.csv, the summary's total).
#[cfg(unix)]
fn report_counts(out: &std::path::Path) -> (usize, usize) {
    let findings = std::fs::read_to_string(out.join("findings.csv")).unwrap();
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let total = summary.lines().find_map(|l| l.strip_prefix("findings,all,,,")).unwrap();
    (findings.lines().count() - 1, total.split(',').next().unwrap().parse().unwrap())
}

#[test]
#[cfg(unix)]
fn ctrl_c_at_any_point_of_a_scan_leaves_the_reports_of_one_run_and_no_partial_file() {
    let dir = temp_dir("ctrl-c");
    let ldif = dir.join("big.ldif");
    let generated = run_syncready(&["generate", "--objects", "40000", "--out", ldif.to_str().unwrap()]);
    assert!(generated.status.success());
    let out = dir.join("out");
    // Two runs whose reports differ: with verified domains, unverified ones are findings too.
    let variants: [&[&str]; 2] = [&[], &["--verified-domains", "example.org"]];
    let scan = |variant: usize| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_syncready"));
        command
            .args(["scan", "--ldif", ldif.to_str().unwrap(), "--out", out.to_str().unwrap()])
            .args(variants[variant])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        command
    };
    let mut counts = Vec::new();
    let mut full_ms = 0;
    for variant in [1, 0] {
        let started = std::time::Instant::now();
        assert_eq!(scan(variant).status().unwrap().code(), Some(1));
        full_ms = started.elapsed().as_millis() as u64;
        let (rows, total) = report_counts(&out);
        assert_eq!(rows, total);
        counts.insert(0, rows);
    }
    assert_ne!(counts[0], counts[1], "the two variants give different reports");
    let mut current = 0;
    let mut interrupted = 0;
    // Half the signals land anywhere, half in the last fifth, where the reports are written.
    let spread = crate::apply::delays(10, full_ms);
    let late = crate::apply::delays(10, full_ms / 5).into_iter().map(|d| full_ms * 4 / 5 + d);
    for (trial, delay) in spread.into_iter().chain(late).enumerate() {
        let variant = 1 - current;
        let child = scan(variant).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        // SAFETY: signals our own child process.
        unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        match output.status.code() {
            Some(130) => {
                assert!(stderr.contains("syncready: interrupted; nothing was written"), "{stderr}");
                interrupted += 1;
            }
            Some(1) => current = variant,
            other => panic!("trial {trial} ({delay} ms): exit {other:?}: {stderr}"),
        }
        let mut names: Vec<String> =
            std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        assert_eq!(names, ["findings.csv", "report.html", "summary.csv"], "trial {trial} ({delay} ms)");
        assert_eq!(
            report_counts(&out),
            (counts[current], counts[current]),
            "trial {trial} ({delay} ms): one run's reports"
        );
    }
    assert!(interrupted >= 10, "{interrupted} of 20 scans were interrupted");
}

#[test]
fn an_out_folder_that_cannot_be_written_stops_the_scan_before_anything_is_read() {
    let dir = temp_dir("out-check");
    let file = dir.join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let out = file.join("reports");
    let missing = dir.join("missing.ldif");
    let output = run_syncready(&["scan", "--ldif", missing.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.starts_with(&format!("syncready: error: --out {}: cannot create the folder: ", out.display())),
        "{stderr}"
    );
    assert!(!stderr.contains("missing.ldif"), "the folder is checked before the source is read: {stderr}");
}

#[test]
fn an_os_error_is_printed_once() {
    let dir = temp_dir("os-error-once");
    let missing = dir.join("missing.ldif");
    for args in [
        vec!["scan", "--ldif", missing.to_str().unwrap(), "--out", dir.to_str().unwrap()],
        vec!["scan", "--ruleset", dir.join("missing.toml").to_str().unwrap(), "--out", dir.to_str().unwrap()],
        vec!["undo", "--journal", dir.join("missing.jsonl").to_str().unwrap(), "--dry-run"],
    ] {
        let output = run_syncready(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert_eq!(stderr.matches("(os error 2)").count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("syncready: error: ") && stderr.contains("missing."), "{stderr}");
    }
}
