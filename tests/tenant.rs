//! The tenant checks against a hand-made tenant export of a small directory, with the exact
//! ERROR and DETAIL each must give: soft matches by UPN and by primary SMTP address, an
//! administrator's account, a tenant that blocks soft match, an address another synced object
//! holds, orphans inside and outside the scanned domains, provisioning errors mapped by
//! immutable id and by DN. The same tenant as PowerShell JSON, as REST pages and as the
//! Export-Csv user list gives the same findings.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use syncready::rules::{Finding, RulesetOptions, ScanResult};

use crate::{guid_for, scan_ldif_with, temp_dir, user};

fn dn(cn: &str) -> String {
    format!("CN={cn},OU=Staff,DC=contoso,DC=com")
}

/// The immutable id a test user sends (its objectGUID, stamped as mS-DS-ConsistencyGuid).
fn anchor(cn: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(guid_for(&dn(cn)))
}

fn directory() -> String {
    [
        user(
            "Ann Lee",
            &[("userPrincipalName", "ann.lee@contoso.com"), ("proxyAddresses", "SMTP:ann.lee@contoso.com")],
        ),
        user("Bo Berg", &[("userPrincipalName", "bo.berg@contoso.com"), ("proxyAddresses", "SMTP:bo@contoso.com")]),
        user("Cy Admin", &[("userPrincipalName", "cy@contoso.com")]),
        user(
            "Di Dup",
            &[
                ("userPrincipalName", "di@contoso.com"),
                ("proxyAddresses", "SMTP:di@contoso.com"),
                ("proxyAddresses", "smtp:shared@contoso.com"),
            ],
        ),
        user("Ed Synced", &[("userPrincipalName", "ed@contoso.com")]),
        user("Fay Moved", &[("userPrincipalName", "fay@contoso.com"), ("proxyAddresses", "SMTP:fay@contoso.com")]),
    ]
    .concat()
}

/// One cloud user as Graph PowerShell's ConvertTo-Json writes it (PascalCase, nulls kept).
struct CloudUser {
    id: &'static str,
    upn: &'static str,
    mail: Option<&'static str>,
    proxies: Vec<&'static str>,
    immutable_id: Option<String>,
    synced: Option<bool>,
    dn: Option<String>,
    errors: Vec<(&'static str, &'static str)>,
}

fn cloud_users() -> Vec<CloudUser> {
    let user = |id, upn| CloudUser {
        id,
        upn,
        mail: None,
        proxies: Vec::new(),
        immutable_id: None,
        synced: None,
        dn: None,
        errors: Vec::new(),
    };
    vec![
        // Cloud-only accounts with the same UPN, the same primary SMTP, and an admin's.
        user("c-ann", "ann.lee@contoso.com"),
        CloudUser {
            mail: Some("bo@contoso.com"),
            proxies: vec!["SMTP:bo@contoso.com"],
            ..user("c-bo", "bo.cloud@contoso.onmicrosoft.com")
        },
        user("c-cy", "cy@contoso.com"),
        // A synced user of another anchor holding Di's secondary address.
        CloudUser {
            proxies: vec!["SMTP:other@contoso.com", "smtp:shared@contoso.com"],
            immutable_id: Some("T3RoZXJBbmNob3I=".into()),
            synced: Some(true),
            dn: Some("CN=Other,OU=Gone,DC=fabrikam,DC=com".into()),
            ..user("s-other", "other@contoso.com")
        },
        // Ed's own cloud object, with a provisioning error found by its immutable id.
        CloudUser {
            immutable_id: Some(anchor("Ed Synced")),
            synced: Some(true),
            dn: Some(dn("Ed Synced")),
            errors: vec![("UserPrincipalName", "ed@contoso.com")],
            ..user("s-ed", "ed@contoso.com")
        },
        // Fay was re-created on premises: her old cloud object names her DN, not her anchor.
        CloudUser {
            immutable_id: Some("T2xkRmF5".into()),
            synced: Some(true),
            dn: Some(dn("Fay Moved")),
            // Graph names the property ProxyAddress (the onPremisesProvisioningError resource).
            errors: vec![("ProxyAddress", "fay@contoso.com")],
            ..user("s-fay", "fay.old@contoso.onmicrosoft.com")
        },
        // Synced, in the scanned domain, anchored on nothing scanned: deleted next sync.
        CloudUser {
            immutable_id: Some("R29uZQ==".into()),
            synced: Some(true),
            dn: Some(dn("Gone Away")),
            ..user("s-gone", "gone@contoso.com")
        },
    ]
}

fn pascal_user(u: &CloudUser) -> String {
    let opt = |v: Option<&str>| v.map_or("null".to_owned(), |v| format!("\"{v}\""));
    let errors: Vec<String> = u
        .errors
        .iter()
        .map(|(property, value)| {
            format!(
                "{{\"Category\": \"PropertyConflict\", \"OccurredDateTime\": \"2026-11-02T08:00:00Z\", \
                 \"PropertyCausingError\": \"{property}\", \"Value\": \"{value}\"}}"
            )
        })
        .collect();
    let proxies: Vec<String> = u.proxies.iter().map(|p| format!("\"{p}\"")).collect();
    format!(
        "{{\"Id\": \"{}\", \"UserPrincipalName\": \"{}\", \"Mail\": {}, \"ProxyAddresses\": [{}], \
         \"OnPremisesImmutableId\": {}, \"OnPremisesSyncEnabled\": {}, \"OnPremisesDistinguishedName\": {}, \
         \"OnPremisesProvisioningErrors\": [{}], \"UserType\": \"Member\", \"AccountEnabled\": true, \
         \"AdditionalProperties\": {{}}}}",
        u.id,
        u.upn,
        opt(u.mail),
        proxies.join(", "),
        opt(u.immutable_id.as_deref()),
        u.synced.map_or("null".to_owned(), |s| s.to_string()),
        opt(u.dn.as_deref()),
        errors.join(", ")
    )
}

const ROLES: &str = "[{\"Id\": \"r1\", \"DisplayName\": \"Global Administrator\", \
                     \"RoleTemplateId\": \"62e90394-69f5-4237-9190-012177145e10\", \
                     \"Members\": [{\"Id\": \"c-cy\"}]}]";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The tenant as Graph PowerShell JSON: users, roles, and (when given) the sync features.
fn powershell_tenant(dir: &Path, features: Option<&str>) -> PathBuf {
    let users: Vec<String> = cloud_users().iter().map(pascal_user).collect();
    write(dir, "users.json", &format!("[\n{}\n]\n", users.join(",\n")));
    write(dir, "roles.json", ROLES);
    if let Some(features) = features {
        write(dir, "sync.json", features);
    }
    dir.to_owned()
}

fn scan_with_tenant(paths: Vec<PathBuf>) -> ScanResult {
    let ruleset = RulesetOptions { tenant: paths, ..RulesetOptions::default() }.build().expect("the tenant reads");
    scan_ldif_with(&directory(), &ruleset)
}

/// The tenant findings: (CN or DN, attribute, value, RULE, DETAIL).
fn tenant_rows(result: &ScanResult) -> Vec<(String, String, String, String, String)> {
    let is_tenant = |f: &&Finding| f.rules.iter().any(|r| r.code().starts_with("TEN"));
    result
        .findings
        .iter()
        .filter(is_tenant)
        .map(|f| (f.common_name.clone(), f.attribute.to_string(), f.value.clone(), f.rule_text(), f.detail.clone()))
        .collect()
}

fn row(cn: &str, attr: &str, value: &str, rule: &str, detail: &str) -> (String, String, String, String, String) {
    (cn.into(), attr.into(), value.into(), rule.into(), detail.into())
}

fn expected() -> Vec<(String, String, String, String, String)> {
    vec![
        row(
            "Ann Lee",
            "userPrincipalName",
            "ann.lee@contoso.com",
            "TEN001",
            "the first sync takes over cloud-only user ann.lee@contoso.com (id c-ann)",
        ),
        row(
            "Bo Berg",
            "proxyAddresses",
            "SMTP:bo@contoso.com",
            "TEN001",
            "the first sync takes over cloud-only user bo.cloud@contoso.onmicrosoft.com (id c-bo)",
        ),
        row(
            "Cy Admin",
            "userPrincipalName",
            "cy@contoso.com",
            "TEN003",
            "would take over cloud-only user cy@contoso.com (id c-cy), which holds Global Administrator: Entra ID \
             refuses the match (Existing Admin Role Conflict)",
        ),
        row(
            "Di Dup",
            "proxyAddresses",
            "smtp:shared@contoso.com",
            "TEN004",
            "already held by synced user other@contoso.com (id s-other), anchored on T3RoZXJBbmNob3I=: Entra ID \
             refuses it here",
        ),
        row(
            "Ed Synced",
            "userPrincipalName",
            "ed@contoso.com",
            "TEN006",
            "Entra ID: PropertyConflict on UserPrincipalName 'ed@contoso.com' since 2026-11-02T08:00:00Z (user \
             ed@contoso.com (id s-ed)); syncready finds nothing wrong with it on premises: the conflict is in the tenant",
        ),
        row(
            "Fay Moved",
            "proxyAddresses",
            "SMTP:fay@contoso.com",
            "TEN006",
            "Entra ID: PropertyConflict on ProxyAddress 'fay@contoso.com' since 2026-11-02T08:00:00Z (user \
             fay.old@contoso.onmicrosoft.com (id s-fay)); syncready finds nothing wrong with it on premises: the \
             conflict is in the tenant",
        ),
        row(
            &dn("Fay Moved"),
            "onPremisesImmutableId",
            "T2xkRmF5",
            "TEN005",
            "synced user fay.old@contoso.onmicrosoft.com (id s-fay) has no object in the scan: the next full sync \
             deletes it (Connect Sync stops an export of more than 500 deletions)",
        ),
        row(
            &dn("Gone Away"),
            "onPremisesImmutableId",
            "R29uZQ==",
            "TEN005",
            "synced user gone@contoso.com (id s-gone) has no object in the scan: the next full sync deletes it \
             (Connect Sync stops an export of more than 500 deletions)",
        ),
    ]
}

#[test]
fn every_tenant_check_reports_its_objects_with_the_exact_error_and_detail() {
    let dir = temp_dir("tenant-checks");
    let result = scan_with_tenant(vec![powershell_tenant(&dir.join("ps"), None)]);
    assert_eq!(tenant_rows(&result), expected());
    // The ERROR names as given; the orphan is on no scanned object; the synced user outside
    // the scanned domains (CN=Other,...,DC=fabrikam) is no orphan.
    let errors: Vec<String> =
        result.findings.iter().filter(|f| f.rule_text().starts_with("TEN")).map(|f| f.error_text()).collect();
    assert_eq!(
        errors,
        [
            "SoftMatch",
            "SoftMatch",
            "AdminRoleConflict",
            "InvalidSoftMatch",
            "ProvisioningError",
            "ProvisioningError",
            "CloudOrphan",
            "CloudOrphan"
        ]
    );
    assert!(result.findings.iter().filter(|f| f.rule_text() == "TEN005").all(|f| f.object.is_none()));
    let counts = result.stats.tenant.clone().unwrap();
    // Ed hard-matches; Ann and Bo are taken over; Cy and Di conflict; Fay is created anew.
    assert_eq!((counts.hard_match, counts.soft_match, counts.conflict, counts.create, counts.orphans), (1, 2, 2, 1, 2));
}

#[test]
fn a_tenant_that_blocks_soft_match_turns_the_takeover_into_an_error() {
    let dir = temp_dir("tenant-blocked");
    let features = "[{\"Id\": \"s1\", \"Features\": {\"BlockSoftMatchEnabled\": true, \
                    \"BlockCloudObjectTakeoverThroughHardMatchEnabled\": true}}]";
    let result = scan_with_tenant(vec![powershell_tenant(&dir, Some(features))]);
    let ann = result.findings.iter().find(|f| f.common_name == "Ann Lee" && f.rule_text() == "TEN002").unwrap();
    assert_eq!(ann.severity, syncready::rules::Severity::Error);
    assert_eq!(ann.error_text(), "SoftMatch");
    assert_eq!(ann.detail, "cloud-only user ann.lee@contoso.com (id c-ann) holds it and the tenant blocks soft match");
    // The admin's account stays an admin role conflict.
    assert!(result.findings.iter().any(|f| f.common_name == "Cy Admin" && f.rule_text() == "TEN003"));
}

/// The same users as Graph REST returns them: camelCase, in two pages.
fn rest_tenant(dir: &Path) -> PathBuf {
    let users: Vec<String> = cloud_users()
        .iter()
        .map(pascal_user)
        .map(|json| {
            // camelCase keys, as Graph REST writes them.
            let mut out = json;
            for key in [
                "Id",
                "UserPrincipalName",
                "Mail",
                "ProxyAddresses",
                "OnPremisesImmutableId",
                "OnPremisesSyncEnabled",
                "OnPremisesDistinguishedName",
                "OnPremisesProvisioningErrors",
                "UserType",
                "AccountEnabled",
                "Category",
                "OccurredDateTime",
                "PropertyCausingError",
                "Value",
            ] {
                let camel = format!("{}{}", key[..1].to_lowercase(), &key[1..]);
                out = out.replace(&format!("\"{key}\":"), &format!("\"{camel}\":"));
            }
            out.replace(", \"AdditionalProperties\": {}", "")
        })
        .collect();
    let (first, second) = users.split_at(3);
    write(
        dir,
        "users-1.json",
        &format!(
            "{{\"@odata.context\": \"https://graph.microsoft.com/v1.0/$metadata#users\", \"value\": [{}], \
             \"@odata.nextLink\": \"https://graph.microsoft.com/v1.0/users?$skiptoken=X\"}}",
            first.join(",")
        ),
    );
    write(dir, "users-2.json", &format!("{{\"value\": [{}]}}", second.join(",")));
    write(
        dir,
        "roles.json",
        "{\"value\": [{\"id\": \"r1\", \"displayName\": \"Global Administrator\", \"roleTemplateId\": \"x\", \
         \"members\": [{\"@odata.type\": \"#microsoft.graph.user\", \"id\": \"c-cy\"}]}]}",
    );
    dir.to_owned()
}

/// The same users as `Export-Csv` (Windows PowerShell's #TYPE line, joined proxy addresses,
/// provisioning errors as JSON).
fn csv_tenant(dir: &Path) -> PathBuf {
    let mut csv = String::from(
        "#TYPE Selected.Microsoft.Graph.PowerShell.Models.MicrosoftGraphUser\n\"Id\",\"UserPrincipalName\",\"Mail\",\
         \"ProxyAddresses\",\"OnPremisesImmutableId\",\"OnPremisesSyncEnabled\",\"OnPremisesDistinguishedName\",\
         \"OnPremisesProvisioningErrors\"\n",
    );
    for u in cloud_users() {
        let errors: Vec<String> = u
            .errors
            .iter()
            .map(|(property, value)| {
                format!(
                    "{{\"\"Category\"\":\"\"PropertyConflict\"\",\"\"OccurredDateTime\"\":\"\"2026-11-02T08:00:00Z\"\",\
                     \"\"PropertyCausingError\"\":\"\"{property}\"\",\"\"Value\"\":\"\"{value}\"\"}}"
                )
            })
            .collect();
        let errors = if errors.is_empty() { String::new() } else { format!("[{}]", errors.join(",")) };
        csv.push_str(&format!(
            "\"{}\",\"{}\",\"{}\",\"{}\",\"{}\",\"{}\",\"{}\",\"{errors}\"\n",
            u.id,
            u.upn,
            u.mail.unwrap_or_default(),
            u.proxies.join(";"),
            u.immutable_id.unwrap_or_default(),
            u.synced.map_or(String::new(), |s| if s { "True".into() } else { "False".into() }),
            u.dn.unwrap_or_default(),
        ));
    }
    write(dir, "users.csv", &csv);
    write(dir, "roles.json", ROLES);
    dir.to_owned()
}

#[test]
fn powershell_json_rest_pages_and_the_csv_user_list_give_the_same_findings() {
    let dir = temp_dir("tenant-forms");
    let powershell = scan_with_tenant(vec![powershell_tenant(&dir.join("ps"), None)]);
    let rest = scan_with_tenant(vec![rest_tenant(&dir.join("rest"))]);
    let csv = scan_with_tenant(vec![csv_tenant(&dir.join("csv"))]);
    assert_eq!(tenant_rows(&powershell), expected());
    assert_eq!(tenant_rows(&rest), expected());
    assert_eq!(tenant_rows(&csv), expected());
    assert_eq!(rest.stats.tenant, powershell.stats.tenant);
    assert_eq!(csv.stats.tenant, powershell.stats.tenant);
}

#[test]
fn broken_tenant_exports_are_errors_naming_the_file_and_line_or_row() {
    let dir = temp_dir("tenant-broken");
    let build = |path: PathBuf| {
        RulesetOptions { tenant: vec![path], ..RulesetOptions::default() }.build().unwrap_err().to_string()
    };
    let bad = write(&dir, "bad.json", "[\n  {\"Id\": \"1\",\n  \"UserPrincipalName\" \"x\"}\n]\n");
    assert_eq!(build(bad.clone()), format!("{}:3: not JSON: expected `:` at line 3 column 23", bad.display()));
    let other = write(&dir, "other.json", "[{\"Name\": \"x\"}]");
    assert_eq!(
        build(other.clone()),
        format!(
            "{}:1: not a Graph export of users, groups, contacts, directory roles, domains or synchronization \
             features (see the README for the commands)",
            other.display()
        )
    );
    let csv = write(
        &dir,
        "users.csv",
        "Id,UserPrincipalName,ProxyAddresses\n1,a@contoso.com,SMTP:a@contoso.com\n2,b@contoso.com,System.String[]\n",
    );
    assert_eq!(
        build(csv.clone()),
        format!(
            "{}, row 3: ProxyAddresses holds 'System.String[]': export it joined, as the README's command does",
            csv.display()
        )
    );
    let paged = dir.join("paged");
    write(
        &paged,
        "users-1.json",
        "{\"value\": [{\"id\": \"1\", \"userPrincipalName\": \"a@contoso.com\"}], \"@odata.nextLink\": \"x\"}",
    );
    assert_eq!(
        build(paged),
        "the tenant export: the user listing says more pages follow (@odata.nextLink) than the 1 page(s) given: \
         export every page"
    );
}

#[test]
fn the_demo_with_its_tenant_fixture_reports_each_planted_case_and_counts_the_first_sync() {
    let out = temp_dir("tenant-demo");
    let output = crate::run_syncready(&["scan", "--tenant", "fixtures/tenant", "--out", out.to_str().unwrap()]);
    assert!(output.status.code() == Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("tenant: hard match 1 · soft match 2 · created 1929 · conflict 3 · deleted 1"), "{stdout}");
    let rows = syncready::report::csv::read_rows(
        &out.join("findings.csv"),
        std::fs::File::open(out.join("findings.csv")).unwrap(),
    )
    .unwrap();
    let tenant: Vec<(String, String, String)> = rows
        .iter()
        .filter(|r| r.rule.contains("TEN"))
        .map(|r| (r.common_name.clone(), r.attribute.clone(), r.rule.clone()))
        .collect();
    let expected = [
        ("Ahmed Nowak 77", "userPrincipalName", "TEN001"),
        ("Kenji Al-Farsi 102", "userPrincipalName", "TEN003"),
        ("Fatima Kowalczyk 104", "proxyAddresses", "TEN001"),
        ("Anne-Marie Al-Farsi 110", "proxyAddresses", "TEN004"),
        ("Fatima Smith 153", "proxyAddresses", "TEN006"),
        ("Ahmed Nguyễn 513", "userPrincipalName", "TEN004"),
        ("Former Employee", "onPremisesImmutableId", "TEN005"),
    ];
    assert_eq!(tenant, expected.map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned())));
}

#[test]
fn exported_domains_replace_the_typed_ones_and_a_tenant_of_other_domains_is_refused() {
    let dir = temp_dir("tenant-domains");
    let tenant = dir.join("tenant");
    write(
        &tenant,
        "domains.json",
        "[{\"Id\": \"contoso.com\", \"IsVerified\": true, \"IsDefault\": true}, \
         {\"Id\": \"contoso.cloud\", \"IsVerified\": false}]",
    );
    let ruleset = RulesetOptions {
        tenant: vec![tenant.clone()],
        verified_domains: vec!["fabrikam.com".into()],
        ..RulesetOptions::default()
    }
    .build()
    .unwrap();
    assert!(ruleset.is_verified("contoso.com") && !ruleset.is_verified("contoso.cloud"));
    assert!(!ruleset.is_verified("fabrikam.com"), "the export's domains replace the typed ones");
    let other = dir.join("other");
    write(&other, "domains.json", "{\"value\": [{\"id\": \"fabrikam.com\", \"isVerified\": true}]}");
    let out = dir.join("out");
    let output = crate::run_syncready(&["scan", "--tenant", other.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "the tenant export ({}) covers none of the scanned domains (contoso.com, xn--mnchen-3ya.de, contoso.app, \
             ...): is it this directory's tenant?",
            other.join("domains.json").display()
        )),
        "{stderr}"
    );
    assert!(!out.join("findings.csv").exists(), "no report from a tenant that is not this directory's");
}

#[test]
fn migrate_with_the_demo_tenant_names_the_objects_that_would_not_hard_match() {
    let dir = temp_dir("tenant-migrate");
    // A wizard export that selects the whole demo domain.
    let config = write(
        &dir,
        "Exported-SynchronizationPolicy-1.json",
        "{\"serverVersion\": \"2.5.190.0\", \"onpremisesDirectoryPolicy\": [{\"name\": \"contoso.com\", \
         \"partitionFilters\": [{\"distinguishedName\": \"DC=contoso,DC=com\"}]}]}",
    );
    let out = dir.join("plan");
    let output = crate::run_syncready(&[
        "migrate",
        "--config",
        config.to_str().unwrap(),
        "--tenant",
        "fixtures/tenant",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.code() == Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    let readiness = std::fs::read_to_string(out.join("readiness.csv")).unwrap();
    let matches: Vec<&str> = readiness.lines().filter(|l| l.contains(",MIG031,") || l.contains(",MIG032,")).collect();
    assert_eq!(
        matches,
        [
            "info,MIG032,wave 1 (pilot),every object of wave 1 will match,the tenant export (7 objects)",
            "info,MIG032,wave 2,every object of wave 2 will match,the tenant export (7 objects)",
            "blocker,MIG031,wave 3,\"1 object of wave 3 will not hard-match: CN=Ahmed Nguyễn 513,OU=Operations,OU=Paris,\
             DC=contoso,DC=com (its cloud object user ahmed.nguyen513@contoso.com (id 5b1d7a3e-0c6f-4d2a-9a51-000000000007) \
             is anchored on T8tsa3v4Rud1+FmqZW2OpQ==, Cloud Sync sends CJK+nTyD/um+ae/yzZ/otA==); stamp \
             mS-DS-ConsistencyGuid with the value its cloud object holds first\",the tenant export (7 objects)",
        ]
    );
}
