//! Bad input files: each gives a clear error naming the file and line, exit code 2, and no
//! report; and the csvde reader sees what the LDIF reader sees.

use crate::{rows, run_syncready, scan_ldif, temp_dir};

/// Scans `content` saved as `name`; returns (exit code, stderr, whether a report appeared).
fn scan_file(name: &str, content: &[u8]) -> (i32, String, bool) {
    let dir = temp_dir(&format!("bad-{name}"));
    let file = dir.join(name);
    std::fs::write(&file, content).unwrap();
    let flag = if name.ends_with(".csv") { "--csvde" } else { "--ldif" };
    let out = dir.join("out");
    let output = run_syncready(&["scan", flag, file.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr).replace(dir.to_str().unwrap(), "DIR").replace("DIR\\", "DIR/");
    (output.status.code().unwrap(), stderr, out.join("findings.csv").exists() || out.join("summary.csv").exists())
}

#[test]
fn malformed_ldif_files_fail_with_the_file_and_line() {
    let cases: [(&str, &[u8], &str); 6] = [
        (
            "truncated.ldif",
            b"dn: CN=a,DC=x\nmail: a@x.com\n\ndn: CN=b,DC=x\ndisplayName:: SsO8cmdlbiBNw7\n",
            "DIR/truncated.ldif:5: value of displayName is not valid base64",
        ),
        (
            "space.ldif",
            b" dn: CN=a,DC=x\nmail: a@x.com\n",
            "DIR/space.ldif:1: line starts with a space but there is no line before it to continue",
        ),
        (
            "nodn.ldif",
            b"version: 1\n\nmail: a@x.com\ncn: a\n",
            "DIR/nodn.ldif:3: record starts with 'mail:' instead of 'dn:'",
        ),
        (
            "latin1.ldif",
            b"dn: CN=a,DC=x\ndisplayName: J\xfcrgen\n",
            "DIR/latin1.ldif:2: value of displayName is not valid UTF-8",
        ),
        ("empty.ldif", b"", "DIR/empty.ldif: no directory objects in this file (is it empty?)"),
        ("utf16.ldif", b"\xff\xfed\x00n\x00:\x00", "DIR/utf16.ldif:1: the file is UTF-16"),
    ];
    for (name, content, message) in cases {
        let (code, stderr, report) = scan_file(name, content);
        assert_eq!(code, 2, "{name}: {stderr}");
        assert!(stderr.contains(message), "{name}: {stderr}");
        assert!(!report, "{name}: a report was written");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
}

#[test]
fn malformed_csvde_files_fail_with_the_file_and_line() {
    let cases: [(&str, &[u8], &str); 5] = [
        (
            "fields.csv",
            b"DN,objectClass,mail\n\"CN=a,DC=x\",user,a@x.com\n\"CN=b,DC=x\",user,b@x.com,extra\n",
            "DIR/fields.csv:3: row has 4 fields but the header has 3",
        ),
        ("nodn.csv", b"mail,cn\na@x.com,a\n", "DIR/nodn.csv:1: the header has no DN column"),
        ("empty.csv", b"", "DIR/empty.csv:1: the header has no DN column"),
        ("header.csv", b"DN,objectClass,mail\n", "DIR/header.csv: no directory objects in this file"),
        (
            "latin1.csv",
            b"DN,objectClass,displayName\n\"CN=a,DC=x\",user,J\xfcrgen\n",
            "DIR/latin1.csv:2: column displayName is not valid UTF-8",
        ),
    ];
    for (name, content, message) in cases {
        let (code, stderr, report) = scan_file(name, content);
        assert_eq!(code, 2, "{name}: {stderr}");
        assert!(stderr.contains(message), "{name}: {stderr}");
        assert!(!report, "{name}: a report was written");
    }
}

#[test]
fn an_error_late_in_a_big_file_still_writes_no_report() {
    let mut content = Vec::new();
    for i in 0..5000 {
        content
            .extend_from_slice(format!("dn: CN=u{i},DC=x\nobjectClass: user\nmail: bad user{i}@x.com\n\n").as_bytes());
    }
    content.extend_from_slice(b"dn: CN=last,DC=x\nmail:: ###\n");
    let (code, stderr, report) = scan_file("late.ldif", &content);
    assert_eq!(code, 2);
    assert!(stderr.contains("DIR/late.ldif:20002: value of mail is not valid base64"), "{stderr}");
    assert!(!report);
}

#[test]
fn csvde_and_ldif_exports_of_the_same_objects_give_the_same_findings() {
    let ldif = "dn: CN=Smith\\, Ann,OU=Staff,DC=contoso,DC=com\nobjectClass: top\nobjectClass: person\nobjectClass: organizationalPerson\nobjectClass: user\n\
        displayName:: IEFubiBTbWl0aA==\nmail: ann smith@contoso.com\nproxyAddresses: SMTP:ann@contoso.com\nproxyAddresses: smtp:felix(ops)@contoso.com\n\
        userPrincipalName:: asO8cmdlbkBjb250b3NvLmNvbQ==\nobjectGUID:: AAECAwQFBgcICQoLDA0ODw==\n\n\
        dn: CN=Bob,OU=Staff,DC=contoso,DC=com\nobjectClass: top\nobjectClass: group\nproxyAddresses: smtp:ANN@contoso.com\n\n";
    let csvde = "DN,objectClass,displayName,mail,proxyAddresses,userPrincipalName,objectGUID\n\
        \"CN=Smith\\, Ann,OU=Staff,DC=contoso,DC=com\",top;person;organizationalPerson;user, Ann Smith,ann smith@contoso.com,SMTP:ann@contoso.com;smtp:felix(ops)@contoso.com,jürgen@contoso.com,X'000102030405060708090a0b0c0d0e0f'\n\
        \"CN=Bob,OU=Staff,DC=contoso,DC=com\",top;group,,,smtp:ANN@contoso.com,,\n";
    let dir = temp_dir("csvde-same");
    let csv_path = dir.join("export.csv");
    std::fs::write(&csv_path, csvde).unwrap();
    let objects: Vec<_> = syncready::source::csvde::CsvdeReader::new(csvde.as_bytes(), &csv_path)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let from_csv = syncready::rules::scan(&objects, &syncready::rules::Ruleset::multi_tenant());
    let from_ldif = scan_ldif(ldif);
    assert_eq!(from_csv.findings, from_ldif.findings);
    assert_eq!(rows(&from_ldif).len(), 8, "{:#?}", rows(&from_ldif));
}

#[test]
fn exports_that_cannot_be_checked_are_errors_not_clean_reports() {
    let no_class = "no object in it has objectClass, so none can be checked (a user cannot be told from a computer): \
                    export objectClass too (ldifde -l \"objectClass,...\")";
    let cases: [(&str, &[u8], String); 5] = [
        (
            "noclass.ldif",
            b"dn: CN=a,DC=x\nmail: a b@x.com\n\ndn: CN=b,DC=x\nmail: b@x.com\n\n",
            format!("DIR/noclass.ldif: {no_class}"),
        ),
        (
            "cut.ldif",
            b"dn: CN=a,DC=x\nobjectClass: user\nmail: a@x.com\n\ndn: CN=b,DC=x\nobjectClass: user\nmail: b@x.c",
            "DIR/cut.ldif:7: the file ends in the middle of this line: it was cut off (copy or export it again)".into(),
        ),
        (
            "typo.csv",
            b"DN,objectClas,mail\n\"CN=a,DC=x\",user,a b@x.com\n",
            "DIR/typo.csv:1: the header has no objectClass column, so no object can be told apart (a user from a \
             computer): export it too (csvde -l \"objectClass,...\")"
                .into(),
        ),
        (
            "twice.csv",
            b"DN,objectClass,mail,mail\n\"CN=a,DC=x\",user,a@x.com,b@x.com\n",
            "DIR/twice.csv:1: column 4 of the header names mail again (column 3 already does)".into(),
        ),
        (
            "unnamed.csv",
            b"DN,objectClass,,mail\n\"CN=a,DC=x\",user,x,a@x.com\n",
            "DIR/unnamed.csv:1: column 3 of the header has no attribute name".into(),
        ),
    ];
    for (name, content, message) in cases {
        let (code, stderr, report) = scan_file(name, content);
        assert_eq!(code, 2, "{name}: {stderr}");
        assert_eq!(stderr.trim_end(), format!("syncready: error: {message}"), "{name}");
        assert!(!report, "{name}: a report was written");
    }
    // A file that ends its last line, even without a blank line after the last record, is whole.
    let (code, stderr, report) = scan_file("whole.ldif", b"dn: CN=a,DC=x\nobjectClass: user\nmail: a b@x.com\n");
    assert_eq!((code, report), (1, true), "{stderr}");
}

#[test]
fn an_object_read_from_two_sources_is_checked_once_and_two_objects_with_one_dn_are_an_error() {
    let dir = temp_dir("twice");
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo/demo.ldif");
    let scan = |files: &[&std::path::Path], out: &str| {
        let mut args = vec!["scan".to_owned(), "--out".to_owned(), dir.join(out).display().to_string()];
        for file in files {
            args.extend(["--ldif".to_owned(), file.display().to_string()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run_syncready(&args)
    };
    let once = scan(&[&demo], "once");
    let twice = scan(&[&demo, &demo], "twice");
    assert_eq!((once.status.code(), twice.status.code()), (Some(1), Some(1)));
    let findings = |out: &str| std::fs::read_to_string(dir.join(out).join("findings.csv")).unwrap();
    assert_eq!(findings("twice"), findings("once"), "the same 118 findings, none 'also held by' itself");
    let stdout = String::from_utf8_lossy(&twice.stdout);
    assert!(
        stdout.contains("  2000 objects read more than once (the same objectGUID or DN), checked once"),
        "{stdout}"
    );
    assert!(!String::from_utf8_lossy(&once.stdout).contains("more than once"));

    // Another object under a DN the first source holds: no directory holds both.
    let other = dir.join("other.ldif");
    let dn = "CN=Ann,OU=Staff,DC=contoso,DC=com";
    let record =
        |guid: &str| format!("dn: {dn}\nobjectClass: user\ncn: Ann\nobjectGUID:: {guid}\nmail: ann@contoso.com\n\n");
    std::fs::write(dir.join("first.ldif"), record("AAECAwQFBgcICQoLDA0ODw==")).unwrap();
    std::fs::write(&other, record("Dw4NDAsKCQgHBgUEAwIBAA==")).unwrap();
    let clash = scan(&[&dir.join("first.ldif"), &other], "clash");
    assert_eq!(clash.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&clash.stderr).replace(dir.to_str().unwrap(), "DIR").replace("DIR\\", "DIR/");
    assert_eq!(
        stderr.trim_end(),
        format!(
            "syncready: error: DIR/other.ldif: {dn} is also in DIR/first.ldif with another objectGUID \
             (03020100-0504-0706-0809-0a0b0c0d0e0f there, 0c0d0e0f-0a0b-0809-0706-050403020100 here): two objects \
             cannot have one DN; scan these sources separately"
        )
    );
}
