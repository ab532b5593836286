//! Each check of the multi-tenant table in rules-spec.md, with concrete inputs and the exact
//! ERROR and UPDATE values it must produce.

use syncready::rules::{FixSafety, Ruleset};

use crate::{contact, group, r, record, rows, scan_ldif, scan_ldif_with, user};

const BASELINE: [(&str, &str); 8] = [
    ("displayName", "Test User"),
    ("givenName", "Test"),
    ("sn", "User"),
    ("mail", "t@contoso.com"),
    ("mailNickname", "t"),
    ("proxyAddresses", "SMTP:t@contoso.com"),
    ("sAMAccountName", "t"),
    ("userPrincipalName", "t@contoso.com"),
];

type Row = (String, String, String, String, String);

/// The findings of a clean user whose `attr` holds `values` instead (none: attribute absent).
fn check(attr: &str, values: &[&str]) -> Vec<Row> {
    let mut attrs: Vec<(&str, &str)> = BASELINE.iter().copied().filter(|(name, _)| *name != attr).collect();
    attrs.extend(values.iter().map(|v| (attr, *v)));
    rows(&scan_ldif(&user("T", &attrs)))
}

/// The findings for one value: (ERROR, UPDATE), or None when it passes.
fn one(attr: &str, value: &str) -> Option<(String, String)> {
    let found = check(attr, &[value]);
    assert!(found.len() <= 1, "{attr}={value:?} gave {found:?}");
    found.into_iter().next().map(|(_, a, v, e, u)| {
        assert_eq!((a.as_str(), v.as_str()), (attr, value));
        (e, u)
    })
}

fn fails(attr: &str, value: &str, error: &str, update: &str) {
    assert_eq!(one(attr, value), Some((error.to_owned(), update.to_owned())), "{attr} = {value:?}");
}

fn passes(attr: &str, value: &str) {
    assert_eq!(one(attr, value), None, "{attr} = {value:?}");
}

#[test]
fn a_clean_user_has_no_findings() {
    assert!(check("description", &[]).is_empty());
}

#[test]
fn display_name_length_whitespace_and_blank() {
    fails("displayName", &"D".repeat(257), "Length", &"D".repeat(256));
    passes("displayName", &"D".repeat(256));
    fails("displayName", " Ann Lee\u{a0}", "Character", "Ann Lee");
    fails("displayName", "   ", "Character, Blank", "T");
    assert_eq!(check("displayName", &[]), [r("T", "displayName", "", "Blank", "T")]);
    fails("displayName", "Rene\u{301}e", "Encoding", "Renée");
}

#[test]
fn given_name_and_sn_lengths_count_characters() {
    fails("givenName", &"é".repeat(65), "Length", &"é".repeat(64));
    passes("givenName", &"é".repeat(64));
    fails("sn", &"S".repeat(65), "Length", &"S".repeat(64));
}

#[test]
fn mail_checks() {
    fails("mail", "ann lee@contoso.com", "Character", "annlee@contoso.com");
    fails("mail", "ann(x)@contoso.com", "LocalPart", "annx@contoso.com");
    fails("mail", "ann.@contoso.com", "LocalPart", "ann@contoso.com");
    fails("mail", "ann@b@contoso.com", "LocalPart", "annb@contoso.com");
    fails("mail", "jürgen@contoso.com", "LocalPart", "jurgen@contoso.com");
    fails("mail", ".ann@contoso.com", "LocalPart, Format", "");
    fails("mail", "ann@con_toso.com", "DomainPart", "ann@contoso.com");
    fails("mail", "ann@contoso", "DomainPart", "");
    fails("mail", "ann@contoso.con", "TopLevelDomain", "");
    fails("mail", "ann.contoso.com", "Format", "");
    // A fix is proposed only when its value passes every error check: removing the space
    // leaves the unknown top-level domain, and truncating to 256 cuts into the domain.
    fails("mail", "ann lee@contoso.con", "Character, TopLevelDomain", "");
    let long = format!("{}@contoso.com", "a".repeat(250));
    fails("mail", &long, "Length, DomainPart", "");
    for valid in [
        "a@contoso.cloud",
        "a@contoso.swiss",
        "a@contoso.app",
        "a@contoso.africa",
        "a@uni.edu.au",
        "a@xn--mnchen-3ya.de",
        "o'neil+x@contoso.com",
    ] {
        passes("mail", valid);
    }
}

#[test]
fn mail_whitespace_at_the_ends_is_a_safe_fix_and_inside_is_not() {
    let fix = |value: &str| {
        scan_ldif(&user("T", &[("mail", value)])).findings.iter().find(|f| f.attribute == "mail").unwrap().fix
    };
    assert_eq!(fix(" a@contoso.com "), FixSafety::Safe);
    assert_eq!(fix("a b@contoso.com"), FixSafety::Unsafe);
    assert_eq!(fix("a@contoso.con"), FixSafety::Manual);
}

#[test]
fn mail_nickname_checks() {
    fails("mailNickname", "ann lee", "Character", "annlee");
    fails("mailNickname", "Jürgen", "Character", "Jurgen");
    fails("mailNickname", "Łukasz", "Character", "Lukasz");
    fails("mailNickname", "a@b(c)", "Character", "abc");
    fails("mailNickname", ".ann.", "Character", "ann");
    fails("mailNickname", "a..b", "Character", "a.b");
    fails("mailNickname", &"n".repeat(65), "Length", &"n".repeat(64));
    passes("mailNickname", "ann.lee-o'neil");
}

#[test]
fn proxy_address_checks_by_type() {
    fails("proxyAddresses", "ann@contoso.com", "Format", "");
    fails("proxyAddresses", "smtp:felix(ops)@x.com", "Character", "smtp:felixops@x.com");
    fails("proxyAddresses", "smtp:a b@contoso.com", "Character", "smtp:ab@contoso.com");
    fails("proxyAddresses", "smtp:a:b@contoso.com", "Character", "smtp:ab@contoso.com");
    fails("proxyAddresses", "smtp:a@contoso.con", "TopLevelDomain", "");
    fails("proxyAddresses", "smtp:a.@contoso.com", "LocalPart", "smtp:a@contoso.com");
    fails("proxyAddresses", "smtp:a.contoso.com", "Format", "");
    passes(
        "proxyAddresses",
        "X500:/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=O'Neil Ann",
    );
    fails("proxyAddresses", "x500:/o=Contoso/cn=[Ann]", "Character", "x500:/o=Contoso/cn=Ann");
    fails(
        "proxyAddresses",
        "X400:c=US;a= ;p=Contoso;o=Exchange;s=O\"Neil;",
        "Character",
        "X400:c=US;a= ;p=Contoso;o=Exchange;s=ONeil;",
    );
    fails("proxyAddresses", "sip:ann lee@contoso.com", "Character", "sip:annlee@contoso.com");
    passes("proxyAddresses", "sip:ann@contoso.com");
    let long = format!("smtp:{}@contoso.com", "a".repeat(250));
    fails("proxyAddresses", &long, "Length", "");
}

#[test]
fn proxy_addresses_whole_attribute_checks() {
    let found = check("proxyAddresses", &["SMTP:t@contoso.com", "SMTP:t2@contoso.com"]);
    assert_eq!(found, [r("T", "proxyAddresses", "", "Format", "")]);
    let many: Vec<String> = (0..301).map(|i| format!("smtp:a{i}@contoso.com")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    assert_eq!(check("proxyAddresses", &many), [r("T", "proxyAddresses", "", "LargeObject", "")]);
    assert!(check("proxyAddresses", &many[..300]).is_empty());
}

#[test]
fn sam_account_name_checks() {
    fails("sAMAccountName", &"s".repeat(21), "Length", &"s".repeat(20));
    fails("sAMAccountName", "ann/lee*", "Character", "annlee");
    let group_name = "g".repeat(21);
    let long_group = group("G", &[("sAMAccountName", group_name.as_str())]);
    assert!(rows(&scan_ldif(&long_group)).iter().all(|row| row.1 != "sAMAccountName"));
    let very_long = "g".repeat(257);
    let found = rows(&scan_ldif(&group("G", &[("displayName", "G"), ("sAMAccountName", very_long.as_str())])));
    assert_eq!(found, [r("G", "sAMAccountName", &very_long, "Length", &"g".repeat(256))]);
}

#[test]
fn target_address_checks() {
    fails("targetAddress", "SMTP:a b@contoso.com", "Character", "SMTP:ab@contoso.com");
    fails("targetAddress", "a@contoso.com", "Format", "");
    fails("targetAddress", "SMTP:a@contoso.con", "TopLevelDomain", "");
    passes("targetAddress", "SMTP:ann@contoso.mail.onmicrosoft.com");
    let long = format!("SMTP:{}@contoso.com", "a".repeat(240));
    fails("targetAddress", &long, "Length", "");
}

#[test]
fn user_principal_name_checks() {
    passes("userPrincipalName", "o'neil.ann_b-c!d#e^f~g@contoso.com");
    passes("userPrincipalName", "ann@xn--mnchen-3ya.de");
    fails("userPrincipalName", "ann lee@contoso.com", "Character", "annlee@contoso.com");
    fails("userPrincipalName", "jürgen@contoso.com", "Character", "jurgen@contoso.com");
    fails("userPrincipalName", "łukasz@contoso.com", "Character", "lukasz@contoso.com");
    fails("userPrincipalName", "a&b@c@contoso.com", "Character", "abc@contoso.com");
    fails("userPrincipalName", "ann.@contoso.com", "Format", "ann@contoso.com");
    fails("userPrincipalName", ".ann@contoso.com", "Format", "");
    fails("userPrincipalName", "a..b@contoso.com", "Format", "");
    fails("userPrincipalName", "ann", "Format", "");
    fails("userPrincipalName", "ann@contoso.con", "TopLevelDomain", "");
    fails("userPrincipalName", "ann@corp", "DomainPart, NonRoutableDomain", "");
    fails("userPrincipalName", "ann@contoso .com", "DomainPart", "ann@contoso.com");
    fails("userPrincipalName", "Jose\u{301}@contoso.com", "Encoding, Character", "Jose@contoso.com");
}

#[test]
fn user_principal_name_part_lengths_are_64_and_48() {
    let local = |n: usize| format!("{}@contoso.com", "u".repeat(n));
    passes("userPrincipalName", &local(64));
    fails("userPrincipalName", &local(65), "Length", &local(64));
    let domain = |n: usize| format!("ann@{}.com", "d".repeat(n - 4));
    passes("userPrincipalName", &domain(48));
    fails("userPrincipalName", &domain(49), "Length", "");
    // Truncating the part before '@' still leaves a suffix over 48: no value is proposed.
    let both = format!("{}@{}.com", "u".repeat(70), "d".repeat(50));
    fails("userPrincipalName", &both, "Length", "");
    let found = scan_ldif(&user("T", &[("displayName", "T"), ("userPrincipalName", both.as_str())]));
    let finding = &found.findings[0];
    assert_eq!(finding.fix, FixSafety::Manual);
    let proposed = format!("{}@{}.com", "u".repeat(64), "d".repeat(50));
    assert_eq!(
        finding.detail,
        format!(
            "125 characters: 70 before '@', 54 after (limits 113, 64, 48) | the fixes would give '{proposed}', which \
             still fails UPN001: enter a value"
        )
    );
}

#[test]
fn certificates_over_fifteen_are_a_large_object() {
    let certs = |n: usize| {
        (0..n).map(|i| format!("userCertificate:: {}\n", ["AAE=", "AAI=", "AAM="][i % 3])).collect::<String>()
    };
    let ldif = |n: usize| {
        user("T", &[("displayName", "T")]).replace("displayName: T\n", &format!("displayName: T\n{}", certs(n)))
    };
    assert!(rows(&scan_ldif(&ldif(15))).is_empty());
    assert_eq!(rows(&scan_ldif(&ldif(16))), [r("T", "userCertificate", "", "LargeObject", "")]);
}

#[test]
fn a_duplicate_names_its_other_holders_by_object_even_when_a_dn_holds_a_semicolon() {
    let holder = |dn: &str| {
        record(
            dn,
            &["top", "person", "organizationalPerson", "user"],
            &[("displayName", "x"), ("mail", "a@contoso.com")],
        )
    };
    let ldif = holder("CN=Ray; Bob,OU=Staff,DC=contoso,DC=com")
        + &holder("CN=Lee,OU=Staff,DC=contoso,DC=com")
        + &holder("CN=Kim,OU=Staff,DC=contoso,DC=com");
    let found = scan_ldif(&ldif);
    let holders: Vec<(u32, Vec<u32>)> = found.findings.iter().map(|f| (f.object.unwrap(), f.holders.clone())).collect();
    assert_eq!(holders, [(0, vec![1, 2]), (1, vec![0, 2]), (2, vec![0, 1])]);
    assert_eq!(
        found.findings[1].detail,
        "also held by: CN=Ray; Bob,OU=Staff,DC=contoso,DC=com; CN=Kim,OU=Staff,DC=contoso,DC=com"
    );
}

#[test]
fn smtp_duplicates_ignore_case_and_prefix_and_flag_every_holder() {
    let ldif = user("A", &[("displayName", "A"), ("proxyAddresses", "SMTP:a@contoso.com")])
        + &user("B", &[("displayName", "B"), ("proxyAddresses", "smtp:A@CONTOSO.com")]);
    let found = scan_ldif(&ldif);
    assert_eq!(
        rows(&found),
        [
            r("A", "proxyAddresses", "SMTP:a@contoso.com", "Duplicate", ""),
            r("B", "proxyAddresses", "smtp:A@CONTOSO.com", "Duplicate", ""),
        ]
    );
    assert_eq!(found.findings[0].detail, "also held by: CN=B,OU=Staff,DC=contoso,DC=com");
    assert_eq!(found.findings[1].detail, "also held by: CN=A,OU=Staff,DC=contoso,DC=com");
    assert_eq!(found.findings[0].fix, FixSafety::Manual);
    // The spec's own example: a single-label domain, so DomainPart comes along.
    let ldif = user("A", &[("displayName", "A"), ("proxyAddresses", "SMTP:a@x")])
        + &user("B", &[("displayName", "B"), ("proxyAddresses", "smtp:A@x")]);
    let errors: Vec<String> = scan_ldif(&ldif).findings.iter().map(|f| f.error_text()).collect();
    assert_eq!(errors, ["DomainPart, Duplicate", "DomainPart, Duplicate"]);
}

#[test]
fn duplicates_compare_after_nfc() {
    let ldif = user("A", &[("displayName", "A"), ("mailNickname", "Jose\u{301}")])
        + &user("B", &[("displayName", "B"), ("mailNickname", "josé")]);
    let found = rows(&scan_ldif(&ldif));
    assert_eq!(found[0], r("A", "mailNickname", "Jose\u{301}", "Encoding, Character, Duplicate", "Jose"));
    assert_eq!(found[1], r("B", "mailNickname", "josé", "Character, Duplicate", "jose"));
}

#[test]
fn the_same_value_twice_on_one_object_is_a_duplicate_but_mail_matching_its_own_proxy_is_not() {
    let ldif = user(
        "A",
        &[
            ("displayName", "A"),
            ("mail", "a@contoso.com"),
            ("userPrincipalName", "a@contoso.com"),
            ("proxyAddresses", "SMTP:a@contoso.com"),
            ("proxyAddresses", "smtp:A@contoso.com"),
        ],
    );
    let found = scan_ldif(&ldif);
    assert_eq!(
        rows(&found),
        [
            r("A", "proxyAddresses", "SMTP:a@contoso.com", "Duplicate", ""),
            r("A", "proxyAddresses", "smtp:A@contoso.com", "Duplicate", ""),
        ]
    );
    assert_eq!(found.findings[0].detail, "held twice by this object");
}

#[test]
fn upn_mail_and_smtp_share_one_namespace_across_objects() {
    let ldif = user("A", &[("displayName", "A"), ("userPrincipalName", "pat@contoso.com")])
        + &contact(
            "B",
            &[
                ("displayName", "B"),
                ("mail", "Pat@contoso.com"),
                ("proxyAddresses", "smtp:pat@contoso.com"),
                ("targetAddress", "SMTP:pat@contoso.com"),
            ],
        );
    assert_eq!(
        rows(&scan_ldif(&ldif)),
        [
            r("A", "userPrincipalName", "pat@contoso.com", "Duplicate", ""),
            r("B", "mail", "Pat@contoso.com", "Duplicate", ""),
            r("B", "proxyAddresses", "smtp:pat@contoso.com", "Duplicate", ""),
        ]
    );
}

#[test]
fn sam_account_name_duplicates_count_only_objects_without_a_upn() {
    let with_upn =
        user("A", &[("displayName", "A"), ("sAMAccountName", "pat"), ("userPrincipalName", "a@contoso.com")])
            + &user("B", &[("displayName", "B"), ("sAMAccountName", "PAT"), ("userPrincipalName", "b@contoso.com")]);
    assert!(rows(&scan_ldif(&with_upn)).is_empty());
    let without = user("A", &[("displayName", "A"), ("sAMAccountName", "pat")])
        + &group("G", &[("displayName", "G"), ("sAMAccountName", "PAT")]);
    assert_eq!(
        rows(&scan_ldif(&without)),
        [r("A", "sAMAccountName", "pat", "Duplicate", ""), r("G", "sAMAccountName", "PAT", "Duplicate", "")]
    );
}

#[test]
fn other_duplicate_namespaces() {
    let ldif = contact(
        "A",
        &[("displayName", "A"), ("targetAddress", "SMTP:x@fabrikam.com"), ("proxyAddresses", "X500:/o=Org/cn=Shared")],
    ) + &contact(
        "B",
        &[("displayName", "B"), ("targetAddress", "smtp:X@fabrikam.com"), ("proxyAddresses", "x500:/o=org/cn=shared")],
    );
    assert_eq!(
        rows(&scan_ldif(&ldif)),
        [
            r("A", "proxyAddresses", "X500:/o=Org/cn=Shared", "Duplicate", ""),
            r("A", "targetAddress", "SMTP:x@fabrikam.com", "Duplicate", ""),
            r("B", "proxyAddresses", "x500:/o=org/cn=shared", "Duplicate", ""),
            r("B", "targetAddress", "smtp:X@fabrikam.com", "Duplicate", ""),
        ]
    );
}

#[test]
fn a_proposed_value_that_collides_says_so() {
    let ldif = user("A", &[("displayName", "A"), ("userPrincipalName", "ann lee@contoso.com")])
        + &user("B", &[("displayName", "B"), ("userPrincipalName", "annlee@contoso.com")]);
    let found = scan_ldif(&ldif);
    assert_eq!(rows(&found), [r("A", "userPrincipalName", "ann lee@contoso.com", "Character", "annlee@contoso.com")]);
    assert_eq!(found.findings[0].detail, "the proposed value is already held by CN=B,OU=Staff,DC=contoso,DC=com");
}

#[test]
fn skipped_objects_are_counted_absent_and_take_no_part_in_duplicates() {
    let ldif = user("Ann", &[("displayName", "Ann"), ("mail", "ann@contoso.com")])
        + &user("HealthMailbox1a2b", &[("mail", "ann@contoso.com"), ("userPrincipalName", "bad user@x")])
        + &user("krbtgt", &[("userPrincipalName", "krbtgt@contoso.local")])
        + &user("Sync", &[("sAMAccountName", "AAD_1234"), ("userPrincipalName", "bad user@x")])
        + &user("Ann\\0ACNF:5a7e", &[("mail", "ann@contoso.com")])
        + &record("CN=PC1,OU=Staff,DC=contoso,DC=com", &["top", "user", "computer"], &[("displayName", " PC1 ")]);
    let found = scan_ldif(&ldif);
    assert!(found.findings.is_empty(), "{:?}", rows(&found));
    assert_eq!(
        (found.stats.objects_read, found.stats.checked, found.stats.skipped, found.stats.out_of_scope),
        (6, 1, 4, 1)
    );
}

/// Two deleted objects as `ldifde -x` exports them: a tombstone (the RDN mangled with
/// `\0ADEL:`, the cn holding a line feed) and a recycled object.
const LDIFDE_X_DELETED: &str = "dn: CN=Ann Lee\\0ADEL:5f1c9f1e-5d1b-4c61-9e3f-0d1b2c3d4e5f,CN=Deleted Objects,DC=contoso,DC=com\r\n\
changetype: add\r\n\
objectClass: top\r\n\
objectClass: person\r\n\
objectClass: organizationalPerson\r\n\
objectClass: user\r\n\
cn:: QW5uIExlZQpERUw6NWYxYzlmMWUtNWQxYi00YzYxLTllM2YtMGQxYjJjM2Q0ZTVm\r\n\
isDeleted: TRUE\r\n\
lastKnownParent: OU=Staff,DC=contoso,DC=com\r\n\
sAMAccountName: alee\r\n\
\r\n\
dn: CN=Bo Ek\\0ADEL:6a2d0e2f-6e2c-4d72-8f40-1e2c3d4e5f60,CN=Deleted Objects,DC=contoso,DC=com\r\n\
changetype: add\r\n\
objectClass: top\r\n\
objectClass: group\r\n\
isDeleted: TRUE\r\n\
isRecycled: TRUE\r\n\
sAMAccountName: bo group\r\n\
\r\n";

/// Objects that Connect Sync's standard rules keep out, each with values that would be findings
/// if it were checked, and the reason it is skipped or left out.
#[test]
fn the_scope_matches_connect_sync_and_counts_every_reason() {
    let bad = [("mail", "bad user@contoso.com"), ("displayName", " Trailing ")];
    let with = |extra: &[(&'static str, &'static str)]| [&bad[..], extra].concat();
    let ldif = LDIFDE_X_DELETED.to_owned()
        + &user("Recycled", &with(&[("isRecycled", "TRUE")]))
        + &user("Critical False", &with(&[("isCriticalSystemObject", "FALSE")]))
        + &user("Microsoft Exchange", &with(&[("mailNickname", "SystemMailbox{1f05a927-2e1c-4a4d-9e4b}")]))
        + &user("Cas Mailbox", &with(&[("mailNickname", "CAS_{3d2c1b0a}")]))
        + &user("Discovery", &with(&[("msExchRecipientTypeDetails", "536870912")]))
        + &user("Arbitration", &with(&[("msExchRecipientTypeDetails", "8388608")]))
        + &user("Written Back", &with(&[("adminDescription", "User_0b1c2d3e")]))
        + &record(
            "CN=Person Back,OU=Staff,DC=contoso,DC=com",
            &["top", "person", "organizationalPerson", "user", "inetOrgPerson"],
            &with(&[("adminDescription", "User_0b1c2d3e")]),
        )
        + &user("Mailbox User", &with(&[("msExchRecipientTypeDetails", "1")]))
        + &group("Group Back", &with(&[("adminDescription", "Group_4f5e6d")]))
        + &group("Organization Management", &with(&[("msExchRecipientTypeDetails", "1073741824")]))
        + &group("Rich", &with(&[("sAMAccountName", "MSOL_AD_Sync_RichCoexistence")]))
        + &contact("Sync Contact", &[bad[0], ("displayName", "Ann (MSOL)"), ("msExchHideFromAddressLists", "TRUE")])
        + &contact("Shown Contact", &[bad[0], ("displayName", "Bea (MSOL)")])
        + &contact("Cas Contact", &with(&[("mailNickname", "CAS_{9a8b7c}")]))
        + &record("CN=PC1,OU=Staff,DC=contoso,DC=com", &["top", "user", "computer"], &bad)
        + &record(
            "CN=gmsa1,CN=Managed Service Accounts,DC=contoso,DC=com",
            &["top", "user", "computer", "msDS-GroupManagedServiceAccount"],
            &bad,
        )
        + &record(
            "CN=msa1,CN=Managed Service Accounts,DC=contoso,DC=com",
            &["top", "user", "msDS-ManagedServiceAccount"],
            &bad,
        )
        + &record(
            "CN=S-1-5-11,CN=ForeignSecurityPrincipals,DC=contoso,DC=com",
            &["top", "foreignSecurityPrincipal"],
            &bad,
        );
    let found = scan_ldif(&ldif);
    let mut checked: Vec<String> = rows(&found).into_iter().map(|r| r.0).collect();
    checked.dedup();
    assert_eq!(checked, ["Person Back", "Mailbox User", "Shown Contact"]);
    let reasons = |map: Vec<(&'static str, u64)>| map;
    assert_eq!(
        reasons(found.stats.skipped_by_reason.iter().map(|(r, n)| (r.as_str(), *n)).collect()),
        [
            ("isCriticalSystemObject", 1),
            ("Exchange system mailbox (mailNickname or msExchRecipientTypeDetails)", 5),
            ("Exchange role group (msExchRecipientTypeDetails)", 1),
            ("written back from Entra ID (adminDescription User_ or Group_)", 2),
            ("sync service group MSOL_AD_Sync_RichCoexistence", 1),
            ("hidden (MSOL) contact", 1),
        ]
    );
    assert_eq!(
        reasons(found.stats.out_of_scope_by_reason.iter().map(|(r, n)| (r.as_str(), *n)).collect()),
        [
            ("deleted or recycled object (isDeleted, isRecycled)", 3),
            ("computer", 2),
            ("managed service account", 1),
            ("not a user, contact or group", 1),
        ]
    );
    assert_eq!(
        (found.stats.objects_read, found.stats.checked, found.stats.skipped, found.stats.out_of_scope),
        (21, 3, 11, 7)
    );

    // The same counts reach the terminal and summary.csv.
    let dir = crate::temp_dir("connect-sync-scope");
    let path = dir.join("scope.ldif");
    std::fs::write(&path, &ldif).unwrap();
    let out = dir.join("out");
    let output = crate::run_syncready(&["scan", "--ldif", path.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("\n  objects read 21 · checked 3 · skipped 11 · out of scope 7\n"), "{stdout}");
    assert!(stdout.contains("\n    skipped, hidden (MSOL) contact: 1\n"), "{stdout}");
    assert!(stdout.contains("\n    out of scope, deleted or recycled object (isDeleted, isRecycled): 3\n"), "{stdout}");
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(
        summary.contains("\r\nskipped,written back from Entra ID (adminDescription User_ or Group_),,,,2\r\n"),
        "{summary}"
    );
    assert!(summary.contains("\r\nout of scope,managed service account,,,,1\r\n"), "{summary}");
}

#[test]
fn a_ruleset_that_disables_a_rule_removes_its_findings() {
    let dir = tempdir();
    let path = dir.join("mine.toml");
    std::fs::write(&path, "[rules]\ndisabled = [\"DSP003\"]\n").unwrap();
    let ruleset = Ruleset::load(path.to_str().unwrap()).unwrap();
    let ldif = user("A", &[("mail", "a@contoso.con")]);
    assert_eq!(rows(&scan_ldif(&ldif)).len(), 2);
    assert_eq!(rows(&scan_ldif_with(&ldif, &ruleset)), [r("A", "mail", "a@contoso.con", "TopLevelDomain", "")]);
}

fn tempdir() -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("syncready-test-{}-{:?}", std::process::id(), std::thread::current().id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Names in 12 scripts: (local part, its UPN fix, its mailNickname fix). Transliteration is
/// the `deunicode` crate's; what an attribute may not hold is then removed.
const NAMES: [(&str, &str, &str); 32] = [
    ("łukasz.nowak", "lukasz.nowak", "lukasz.nowak"),
    ("søren", "soren", "soren"),
    ("straße", "strasse", "strasse"),
    ("đorđe.đurić", "dorde.duric", "dorde.duric"),
    ("æsa", "aesa", "aesa"),
    ("jürgen.müller", "jurgen.muller", "jurgen.muller"),
    ("çağrı.öztürk", "cagri.ozturk", "cagri.ozturk"),
    ("nguyễn.văn.an", "nguyen.van.an", "nguyen.van.an"),
    ("björn.ångström", "bjorn.angstrom", "bjorn.angstrom"),
    ("šárka.nováková", "sarka.novakova", "sarka.novakova"),
    ("иван.петров", "ivan.petrov", "ivan.petrov"),
    ("ольга", "ol'ga", "ol'ga"),
    ("αλέξης", "alexes", "alexes"),
    ("γιώργος.παπαδόπουλος", "giorgos.papadopoulos", "giorgos.papadopoulos"),
    ("王伟", "WangWei", "WangWei"),
    ("李娜", "LiNuo", "LiNuo"),
    ("すずき", "suzuki", "suzuki"),
    ("やまだ.たろう", "yamada.tarou", "yamada.tarou"),
    ("タナカ", "tanaka", "tanaka"),
    ("김민수", "gimminsu", "gimminsu"),
    ("이서연", "iseoyeon", "iseoyeon"),
    ("محمد", "mHmd", "mHmd"),
    ("فاطمة", "fTm", "fTm"),
    ("דוד", "dvd", "dvd"),
    ("שרה", "shrh", "shrh"),
    ("राहुल", "raahul", "raahul"),
    ("प्रिया", "priyaa", "priyaa"),
    ("გიორგი", "giorgi", "giorgi"),
    ("ნინო", "nino", "nino"),
    ("արամ", "aram", "aram"),
    ("սոնա", "sona", "sona"),
    ("สมชาย", "smchaay", "smchaay"),
];

#[test]
fn names_in_every_script_keep_their_letters_in_upn_and_alias_fixes() {
    let mut actual = Vec::new();
    for (name, _, _) in NAMES {
        let update = |attr: &str, value: &str| one(attr, value).map(|(_, update)| update).unwrap_or_default();
        let upn = update("userPrincipalName", &format!("{name}@contoso.com"));
        let nickname = update("mailNickname", name);
        actual.push((name, upn.strip_suffix("@contoso.com").unwrap_or(&upn).to_owned(), nickname));
    }
    let expected: Vec<(&str, String, String)> =
        NAMES.iter().map(|(n, u, m)| (*n, u.to_string(), m.to_string())).collect();
    assert_eq!(actual, expected);
}

#[test]
fn a_fix_that_would_leave_no_name_is_manual_and_says_why() {
    let finding = |attr: &str, value: &str| {
        let mut attrs: Vec<(&str, &str)> = BASELINE.iter().copied().filter(|(name, _)| *name != attr).collect();
        attrs.push((attr, value));
        let found = scan_ldif(&user("T", &attrs)).findings;
        assert_eq!(found.len(), 1, "{found:?}");
        let f = found.into_iter().next().unwrap();
        (f.rule_text(), f.update.unwrap_or_default(), f.fix, f.detail)
    };
    let nothing = "transliteration leaves no name: enter one".to_owned();
    // A private-use character has no Latin letters at all.
    assert_eq!(
        finding("userPrincipalName", "\u{E000}@contoso.com"),
        ("UPN002".to_owned(), String::new(), FixSafety::Manual, nothing.clone())
    );
    assert_eq!(finding("mailNickname", "\u{E000}"), ("NICK002".to_owned(), String::new(), FixSafety::Manual, nothing));
    // Nothing before '@' but periods: no UPN with an empty name is proposed.
    assert_eq!(
        finding("userPrincipalName", ".@contoso.com"),
        ("UPN003".to_owned(), String::new(), FixSafety::Manual, String::new())
    );
}
