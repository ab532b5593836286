//! Generated dirty directories: a scan finds exactly the planted defects (every one, and
//! nothing on objects generated clean), and generation is deterministic.

use std::collections::BTreeSet;
use std::path::Path;

use syncready::rules::{Ruleset, scan};
use syncready::source::generate::{GenerateOptions, Planted, generate};
use syncready::source::ldif::parse_str;

fn generated(objects: u64, seed: u64, defect_rate: f64) -> (Vec<u8>, Vec<Planted>) {
    let mut ldif = Vec::new();
    let planted = generate(&GenerateOptions { objects, seed, defect_rate, ad_storable: false }, &mut ldif).unwrap();
    (ldif, planted)
}

fn found(ldif: &[u8]) -> BTreeSet<Planted> {
    found_with(ldif, &Ruleset::multi_tenant())
}

/// What a scan of `ldif` with `ruleset` reports, as the truth names findings.
fn found_with(ldif: &[u8], ruleset: &Ruleset) -> BTreeSet<Planted> {
    let objects = parse_str(ldif, Path::new("generated.ldif")).unwrap();
    scan(&objects, ruleset)
        .findings
        .iter()
        .map(|f| Planted {
            dn: f.dn.clone(),
            attribute: f.attribute.to_string(),
            value: f.value.clone(),
            error: f.error_text(),
        })
        .collect()
}

#[test]
fn scans_find_exactly_the_planted_defects_for_several_seeds() {
    for seed in [1, 2, 3, 2026] {
        let (ldif, planted) = generated(4000, seed, 0.1);
        let planted: BTreeSet<Planted> = planted.into_iter().collect();
        let found = found(&ldif);
        let missing: Vec<_> = planted.difference(&found).collect();
        let extra: Vec<_> = found.difference(&planted).collect();
        assert!(missing.is_empty() && extra.is_empty(), "seed {seed}: missing {missing:#?}\nextra {extra:#?}");
        assert!(planted.len() > 300, "seed {seed}: only {} planted", planted.len());
    }
}

#[test]
fn a_directory_generated_without_defects_has_no_findings() {
    let (ldif, planted) = generated(3000, 9, 0.0);
    assert!(planted.is_empty());
    assert!(found(&ldif).is_empty());
}

#[test]
fn every_kind_of_defect_is_planted() {
    let (_, planted) = generated(20000, 5, 0.2);
    let errors: BTreeSet<&str> = planted.iter().flat_map(|p| p.error.split(", ")).collect();
    let expected = [
        "Blank",
        "Character",
        "DomainPart",
        "Duplicate",
        "Encoding",
        "Format",
        "LargeObject",
        "Length",
        "LocalPart",
        "NonRoutableDomain",
        "SourceAnchor",
        "TopLevelDomain",
    ];
    assert_eq!(errors, expected.into_iter().collect());
    let attributes: BTreeSet<&str> = planted.iter().map(|p| p.attribute.as_str()).collect();
    let expected = [
        "displayName",
        "givenName",
        "mS-DS-ConsistencyGuid",
        "mail",
        "mailNickname",
        "objectGUID",
        "proxyAddresses",
        "sAMAccountName",
        "sn",
        "targetAddress",
        "userCertificate",
        "userPrincipalName",
    ];
    assert_eq!(attributes, expected.into_iter().collect());
}

#[test]
fn generation_is_deterministic_per_seed() {
    assert_eq!(generated(500, 77, 0.1), generated(500, 77, 0.1));
    assert_ne!(generated(500, 77, 0.1).0, generated(500, 78, 0.1).0);
}

#[test]
fn generated_directories_hold_non_ascii_names_and_every_object_kind() {
    let (ldif, _) = generated(2000, 4, 0.05);
    let objects = parse_str(&ldif, Path::new("generated.ldif")).unwrap();
    assert_eq!(objects.len(), 2000);
    let names: Vec<&str> =
        objects.iter().filter_map(|o| o.first_text(&syncready::model::AttrName::DisplayName)).collect();
    assert!(names.iter().any(|n| n.contains('ü') || n.contains('é')));
    assert!(names.iter().any(|n| n.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))));
    for class in ["user", "contact", "group", "computer", "organizationalUnit"] {
        assert!(objects.iter().any(|o| o.has_class(class)), "no {class}");
    }
    assert!(objects.iter().any(|o| o.values(&syncready::model::AttrName::Member).len() > 3));
}

/// A generated directory with its tenant export, scanned with that tenant.
fn generated_with_tenant(objects: u64, seed: u64, folder: &Path) -> (Vec<u8>, Vec<Planted>, BTreeSet<Planted>) {
    let mut ldif = Vec::new();
    let options = GenerateOptions { objects, seed, defect_rate: 0.1, ad_storable: false };
    let planted = syncready::source::generate::generate_with_tenant(&options, &mut ldif, folder).unwrap();
    let ruleset =
        syncready::rules::RulesetOptions { tenant: vec![folder.to_owned()], ..Default::default() }.build().unwrap();
    let found = found_with(&ldif, &ruleset);
    (ldif, planted, found)
}

#[test]
fn generated_tenants_give_exactly_their_planted_findings_and_leave_the_directory_as_it_was() {
    for seed in [1, 2, 3] {
        let folder = crate::temp_dir(&format!("generated-tenant-{seed}"));
        let (ldif, planted, found) = generated_with_tenant(6000, seed, &folder);
        let planted: BTreeSet<Planted> = planted.into_iter().collect();
        let missing: Vec<_> = planted.difference(&found).collect();
        let extra: Vec<_> = found.difference(&planted).collect();
        assert!(missing.is_empty() && extra.is_empty(), "seed {seed}: missing {missing:#?}\nextra {extra:#?}");
        let tenant_kinds: BTreeSet<&str> = planted
            .iter()
            .map(|p| p.error.as_str())
            .filter(|e| {
                ["SoftMatch", "AdminRoleConflict", "InvalidSoftMatch", "ProvisioningError", "CloudOrphan"].contains(e)
            })
            .collect();
        assert_eq!(tenant_kinds.len(), 5, "seed {seed}: {tenant_kinds:?}");
        // The tenant does not change the directory.
        assert_eq!(ldif, generated(6000, seed, 0.1).0, "seed {seed}");
    }
}
