//! The checks beyond IdFix: verified and non-routable domains, source anchors, the alternate
//! login ID, the dedicated ruleset, rulesets as files, and the generated rule catalogue.

use std::collections::BTreeSet;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use syncready::rules::{Anchor, FixSafety, Ruleset, Severity, scan};
use syncready::source::DEMO_LDIF;
use syncready::source::ldif::parse_str;

use crate::{contact, group, r, record, rows, run_syncready, scan_ldif, scan_ldif_with, temp_dir, user};

fn with_domains(verified: &[&str], target: Option<&str>) -> Ruleset {
    let mut ruleset = Ruleset::multi_tenant();
    ruleset.set_verified_domains(verified.iter().map(|d| d.to_string()).collect());
    if let Some(target) = target {
        ruleset.set_target_domain(target);
    }
    ruleset
}

fn upn_user(cn: &str, upn: &str) -> String {
    user(cn, &[("displayName", cn), ("userPrincipalName", upn)])
}

#[test]
fn unverified_upn_suffixes_and_subdomains_of_verified_ones() {
    let ruleset = with_domains(&["contoso.com"], None);
    let ldif = upn_user("A", "a@sub.contoso.com")
        + &upn_user("B", "b@fabrikam.com")
        + &upn_user("C", "c@contoso.onmicrosoft.com")
        + &upn_user("D", "d@CONTOSO.COM")
        + &upn_user("E", "e@notcontoso.com");
    assert_eq!(
        rows(&scan_ldif_with(&ldif, &ruleset)),
        [
            r("B", "userPrincipalName", "b@fabrikam.com", "UnverifiedDomain", ""),
            r("E", "userPrincipalName", "e@notcontoso.com", "UnverifiedDomain", ""),
        ]
    );
    let with_target = with_domains(&["contoso.com"], Some("contoso.com"));
    let found = scan_ldif_with(&upn_user("B", "b.smith@fabrikam.com"), &with_target);
    assert_eq!(
        rows(&found),
        [r("B", "userPrincipalName", "b.smith@fabrikam.com", "UnverifiedDomain", "b.smith@contoso.com")]
    );
    assert_eq!((found.findings[0].severity, found.findings[0].fix), (Severity::Error, FixSafety::Unsafe));
    assert!(rows(&scan_ldif(&upn_user("B", "b@fabrikam.com"))).is_empty(), "no verified list, no check");
}

#[test]
fn unverified_mail_and_smtp_addresses_are_warnings_on_users_and_groups_only() {
    let ruleset = with_domains(&["contoso.com"], Some("contoso.com"));
    let addresses = [
        ("mail", "x@fabrikam.com"),
        ("proxyAddresses", "SMTP:x@fabrikam.com"),
        ("proxyAddresses", "X500:/o=Fabrikam/cn=x"),
    ];
    let mut attrs = vec![("displayName", "U"), ("userPrincipalName", "u@contoso.com")];
    attrs.extend(addresses);
    let ldif = user("U", &attrs)
        + &group("G", &[("displayName", "G"), ("mail", "g@fabrikam.com"), ("targetAddress", "SMTP:g@fabrikam.com")])
        + &contact("C", &[("displayName", "C"), ("mail", "c@fabrikam.com"), ("proxyAddresses", "SMTP:c@fabrikam.com")]);
    let found = scan_ldif_with(&ldif, &ruleset);
    assert_eq!(
        rows(&found),
        [
            r("U", "mail", "x@fabrikam.com", "UnverifiedDomain", ""),
            r("U", "proxyAddresses", "SMTP:x@fabrikam.com", "UnverifiedDomain", ""),
            r("G", "mail", "g@fabrikam.com", "UnverifiedDomain", ""),
        ]
    );
    assert!(found.findings.iter().all(|f| f.severity == Severity::Warning));
}

#[test]
fn non_routable_suffixes_with_or_without_verified_domains() {
    let ldif = upn_user("A", "user@corp") + &upn_user("B", "user@std.priv") + &upn_user("C", "user@ad.contoso.local");
    let expected = [
        r("A", "userPrincipalName", "user@corp", "DomainPart, NonRoutableDomain", ""),
        r("B", "userPrincipalName", "user@std.priv", "NonRoutableDomain, TopLevelDomain", ""),
        r("C", "userPrincipalName", "user@ad.contoso.local", "NonRoutableDomain, TopLevelDomain", ""),
    ];
    assert_eq!(rows(&scan_ldif(&ldif)), expected);
    assert_eq!(rows(&scan_ldif_with(&ldif, &with_domains(&["contoso.com"], None))), expected);
    let moved = rows(&scan_ldif_with(&ldif, &with_domains(&["contoso.com"], Some("contoso.com"))));
    assert_eq!(moved[1], r("B", "userPrincipalName", "user@std.priv", "NonRoutableDomain", "user@contoso.com"));
    assert_eq!(moved[0], r("A", "userPrincipalName", "user@corp", "DomainPart, NonRoutableDomain", "user@contoso.com"));
}

#[test]
fn alternate_login_id_moves_the_upn_checks_to_mail() {
    let ldif = user(
        "Jane",
        &[("displayName", "Jane"), ("userPrincipalName", "jdoe@std.priv"), ("mail", "jane.doe@contoso.com")],
    ) + &user(
        "Jürgen",
        &[("displayName", "Jürgen"), ("userPrincipalName", "jmuller@std.priv"), ("mail", "jürgen@contoso.com")],
    ) + &user(
        "Tab",
        &[("displayName", "Tab"), ("userPrincipalName", "tab\tuser@std.priv"), ("mail", "tab@contoso.com")],
    );
    let plain = rows(&scan_ldif(&ldif));
    assert_eq!(plain[0], r("Jane", "userPrincipalName", "jdoe@std.priv", "NonRoutableDomain, TopLevelDomain", ""));
    assert_eq!(plain[1], r("Jürgen", "mail", "jürgen@contoso.com", "LocalPart", "jurgen@contoso.com"));
    let mut ruleset = with_domains(&["contoso.com"], None);
    ruleset.set_alternate_login_id("mail").unwrap();
    let found = scan_ldif_with(&ldif, &ruleset);
    assert_eq!(
        rows(&found),
        [
            r("Jürgen", "mail", "jürgen@contoso.com", "Character", "jurgen@contoso.com"),
            r("Tab", "userPrincipalName", "tab\tuser@std.priv", "Character", "tabuser@std.priv"),
        ]
    );
    assert_eq!(found.findings[0].rule_text(), "UPN002");
    assert_eq!(found.findings[1].rule_text(), "UPN009");
}

/// A user with raw anchor bytes (objectGUID, mS-DS-ConsistencyGuid).
fn anchored(cn: &str, guid: &[u8], anchor: Option<&[u8]>) -> String {
    let mut text = user(cn, &[("displayName", cn), ("objectGUID", "set below")]).replace("objectGUID: set below\n", "");
    text.pop();
    text.push_str(&format!("objectGUID:: {}\n", STANDARD.encode(guid)));
    if let Some(anchor) = anchor {
        text.push_str(&format!("mS-DS-ConsistencyGuid:: {}\n", STANDARD.encode(anchor)));
    }
    text.push('\n');
    text
}

#[test]
fn source_anchor_cases_land_on_the_right_objects() {
    let (a, b, c, d, e, f) = ([1u8; 16], [2u8; 16], [3u8; 16], [4u8; 16], [5u8; 16], [6u8; 16]);
    let ldif = anchored("Short", &a, Some(&[9u8; 15]))
        + &anchored("Shared1", &b, Some(&[7u8; 16]))
        + &anchored("Shared2", &c, Some(&[7u8; 16]))
        + &anchored("Taker", &d, Some(&e))
        + &anchored("Owner", &e, Some(&e))
        + &anchored("Missing", &f, None)
        + &record("CN=Team,OU=Groups,DC=contoso,DC=com", &["group"], &[("displayName", "Team"), ("objectGUID", "x")])
            .replace("objectGUID: x\n", "");
    let found = scan_ldif(&ldif);
    let b64 = |bytes: &[u8]| STANDARD.encode(bytes);
    let got: Vec<_> = found
        .findings
        .iter()
        .map(|f| {
            (
                f.common_name.clone(),
                f.attribute.to_string(),
                f.value.clone(),
                f.rule_text(),
                f.update.clone().unwrap_or_default(),
            )
        })
        .collect();
    let row = |cn: &str, attr: &str, value: String, rules: &str, update: String| {
        (cn.to_owned(), attr.to_owned(), value, rules.to_owned(), update)
    };
    assert_eq!(
        got,
        [
            row("Short", "mS-DS-ConsistencyGuid", b64(&[9; 15]), "ANC001", b64(&a)),
            row("Shared1", "mS-DS-ConsistencyGuid", b64(&[7; 16]), "ANC002, ANC005", String::new()),
            row("Shared2", "mS-DS-ConsistencyGuid", b64(&[7; 16]), "ANC002, ANC005", String::new()),
            row("Taker", "mS-DS-ConsistencyGuid", b64(&e), "ANC002, ANC003, ANC005", String::new()),
            row("Owner", "objectGUID", b64(&e), "ANC003", String::new()),
            row("Owner", "mS-DS-ConsistencyGuid", b64(&e), "ANC002", String::new()),
            row("Missing", "mS-DS-ConsistencyGuid", String::new(), "ANC004", b64(&f)),
        ]
    );
    assert!(found.findings.iter().all(|f| f.error_text() == "SourceAnchor"));
    let missing = &found.findings[6];
    assert_eq!((missing.severity, missing.fix), (Severity::Info, FixSafety::Safe));
    assert!(found.findings[3].detail.contains("objectGUID of: CN=Owner,OU=Staff,DC=contoso,DC=com"));
    assert!(found.findings[3].detail.ends_with(&format!("ImmutableId {}", b64(&e))));
    assert_eq!(found.findings[0].detail, "15 bytes");
    let mut by_guid = Ruleset::multi_tenant();
    by_guid.anchor = Anchor::ObjectGuid;
    assert!(scan_ldif_with(&ldif, &by_guid).findings.is_empty());
}

#[test]
fn dedicated_reads_mail_enabled_objects_and_checks_its_own_list() {
    let ruleset = Ruleset::load("dedicated").unwrap();
    let ldif = user("NoMail", &[("userPrincipalName", "bad user@corp")])
        + &user(
            "Mailbox",
            &[
                ("displayName", "Mailbox"),
                ("mail", "m@contoso.com"),
                ("userPrincipalName", "bad user@corp"),
                ("sAMAccountName", "a/b"),
            ],
        )
        + &contact(
            "Partner",
            &[("givenName", "Zoë"), ("sn", "O'Neil"), ("displayName", "Zoë"), ("mail", "zoe@fabrikam.com")],
        )
        + &group("Team", &[("mail", "team@contoso.com"), ("mailNickname", "team")]);
    let found = scan_ldif_with(&ldif, &ruleset);
    assert_eq!(
        rows(&found),
        [
            r("Partner", "mailNickname", "", "Blank", "Zoe.O'Neil"),
            r("Partner", "targetAddress", "", "Blank", "SMTP:zoe@fabrikam.com"),
            r("Team", "displayName", "", "Blank", "Team"),
        ]
    );
    assert_eq!(found.stats.out_of_scope, 1);
    assert_eq!(found.findings[2].rule_text(), "DSP004");
}

#[test]
fn a_ruleset_file_that_disables_a_rule_removes_exactly_its_findings() {
    let objects = parse_str(DEMO_LDIF.as_bytes(), Path::new("demo.ldif")).unwrap();
    let key = |f: &syncready::rules::Finding| (f.dn.clone(), f.attribute.to_string(), f.value.clone());
    let all = scan(&objects, &Ruleset::multi_tenant()).findings;
    let dir = temp_dir("disable-rule");
    for code in ["PRX010", "UPN002", "DSP002"] {
        let path = dir.join(format!("no-{code}.toml"));
        std::fs::write(&path, format!("[rules]\ndisabled = [\"{code}\"]\n")).unwrap();
        let without = scan(&objects, &Ruleset::load(path.to_str().unwrap()).unwrap()).findings;
        let hit: BTreeSet<_> = all.iter().filter(|f| f.rule_text().contains(code)).map(key).collect();
        assert!(!hit.is_empty(), "{code} has no findings in the demo");
        assert!(without.iter().all(|f| !f.rule_text().contains(code)));
        // Rows where only this rule failed disappear; the others lose just this rule.
        let only: BTreeSet<_> = all.iter().filter(|f| f.rule_text() == code).map(key).collect();
        let before: BTreeSet<_> = all.iter().map(key).collect();
        let after: BTreeSet<_> = without.iter().map(key).collect();
        assert_eq!(before.difference(&after).cloned().collect::<BTreeSet<_>>(), only, "{code}");
        assert_eq!(all.len() - without.len(), only.len());
    }
}

#[test]
fn scan_options_on_the_command_line() {
    let dir = temp_dir("options");
    let ldif = dir.join("d.ldif");
    std::fs::write(&ldif, upn_user("A", "a@fabrikam.com") + &upn_user("B", "b@sub.contoso.com")).unwrap();
    let domains = dir.join("domains.csv");
    std::fs::write(&domains, "\"Id\",\"IsVerified\"\n\"contoso.com\",\"True\"\n\"fabrikam.com\",\"False\"\n").unwrap();
    let out = dir.join("out");
    let scan = |extra: &[&str]| {
        let mut args = vec!["scan", "--ldif", ldif.to_str().unwrap(), "--out", out.to_str().unwrap()];
        args.extend(extra);
        run_syncready(&args)
    };
    assert_eq!(
        scan(&["--verified-domains-file", domains.to_str().unwrap(), "--target-domain", "contoso.com"]).status.code(),
        Some(1)
    );
    let findings = std::fs::read_to_string(out.join("findings.csv")).unwrap();
    assert!(
        findings.contains(",userPrincipalName,UnverifiedDomain,a@fabrikam.com,a@contoso.com,,UPN007,error,unsafe,"),
        "{findings}"
    );
    assert_eq!(findings.lines().count(), 2);
    assert_eq!(scan(&["--verified-domains", "contoso.com,fabrikam.com"]).status.code(), Some(0));
    let bad = scan(&["--anchor", "employeeID"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("anchor: must be objectGUID or mS-DS-ConsistencyGuid, not"));
}

#[test]
fn docs_rules_md_matches_the_catalogue() {
    let on_disk = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md")).unwrap();
    assert!(
        on_disk == syncready::rules::docs::markdown(),
        "docs/rules.md is out of date: run `syncready rules --format md > docs/rules.md`"
    );
    let output = run_syncready(&["rules", "--format", "md"]);
    assert_eq!(String::from_utf8(output.stdout).unwrap(), on_disk);
}
