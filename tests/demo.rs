//! The bundled demo directory: how it is made, and that a scan reproduces its reviewed report.

use std::collections::BTreeSet;
use std::path::Path;

use syncready::report::csv::{FindingRow, read_rows};
use syncready::rules::{Ruleset, scan};
use syncready::source::DEMO_LDIF;
use syncready::source::generate::{GenerateOptions, Planted, generate};
use syncready::source::ldif::parse_str;

const CORE: &str = include_str!("../fixtures/demo/core.ldif");
const EXPECTED: &[u8] = include_bytes!("../fixtures/demo/expected-findings.csv");

fn generated_part() -> (String, Vec<Planted>) {
    let mut bulk = Vec::new();
    let planted =
        generate(&GenerateOptions { objects: 1962, seed: 2026, defect_rate: 0.05, ad_storable: true }, &mut bulk)
            .unwrap();
    let bulk = String::from_utf8(bulk).unwrap();
    (bulk.strip_prefix("version: 1\n").unwrap().to_owned(), planted)
}

#[test]
fn the_demo_is_the_core_plus_the_seeded_generated_part() {
    let (bulk, _) = generated_part();
    assert!(
        DEMO_LDIF == format!("{CORE}{bulk}"),
        "fixtures/demo/demo.ldif is out of date: see fixtures/demo/README.md"
    );
}

#[test]
fn a_scan_of_the_demo_reproduces_the_reviewed_report() {
    let objects = parse_str(DEMO_LDIF.as_bytes(), Path::new("demo.ldif")).unwrap();
    assert_eq!(objects.len(), 2000);
    let result = scan(&objects, &Ruleset::multi_tenant());
    let actual: Vec<FindingRow> = result.findings.iter().map(FindingRow::from_finding).collect();
    let expected = read_rows(Path::new("expected-findings.csv"), EXPECTED).unwrap();
    assert_eq!(actual.len(), expected.len());
    for (a, e) in actual.iter().zip(&expected) {
        assert_eq!(a, e);
    }
}

#[test]
fn the_generated_part_of_the_report_is_exactly_what_was_planted() {
    let (_, planted) = generated_part();
    let expected = read_rows(Path::new("expected-findings.csv"), EXPECTED).unwrap();
    let generated: BTreeSet<Planted> = expected
        .iter()
        .filter(|row| !row.distinguished_name.contains("OU=Demo Core"))
        .map(|row| Planted {
            dn: row.distinguished_name.clone(),
            attribute: row.attribute.clone(),
            value: row.value.clone(),
            error: row.error.clone(),
        })
        .collect();
    assert_eq!(generated, planted.into_iter().collect());
}

#[test]
fn core_cases_idfix_got_wrong_have_no_findings() {
    let expected = read_rows(Path::new("expected-findings.csv"), EXPECTED).unwrap();
    for clean in [
        "Siobhán O'Neil",
        "Ana García",
        "Jörg Münch",
        "Iwamoto Kenji",
        "Guestrin Carlos",
        "Administration Office",
        "Max Sixtyfour",
        "Thandiwe Nkosi",
        "Liam Walsh",
        "HealthMailbox",
        "CNF:",
        "PC-0001",
    ] {
        assert!(!expected.iter().any(|row| row.distinguished_name.contains(clean)), "{clean} has findings");
    }
    let sales: Vec<&str> = expected
        .iter()
        .filter(|row| row.value.eq_ignore_ascii_case("smtp:sales@contoso.com"))
        .map(|row| row.common_name.as_str())
        .collect();
    assert_eq!(sales, ["Sales Desk A", "Sales Desk B", "Sales Team"]);
}
