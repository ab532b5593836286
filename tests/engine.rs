//! The engine and sizing advice for the demo and for generated directories of 60,000 and
//! 400,000 objects, against the thresholds of Microsoft's decision guide (Cloud Sync: 150,000
//! objects per AD domain, 50,000 members per group; no devices) and Connect Sync's
//! prerequisites table (memory and disk by object count; SQL Server Express to about 100,000).

use std::path::Path;

use syncready::report::engine::{DECISION_GUIDE, DirectoryShape, PREREQUISITES, engine_lines};
use syncready::source::generate::{GenerateOptions, generate};
use syncready::source::ldif::parse_str;

fn generated(objects: u64) -> DirectoryShape {
    let mut ldif = Vec::new();
    generate(&GenerateOptions { objects, seed: 7, defect_rate: 0.05, ad_storable: false }, &mut ldif).unwrap();
    let read = parse_str(&ldif, Path::new("generated.ldif")).unwrap();
    assert_eq!(read.len() as u64, objects);
    DirectoryShape::of(&read)
}

/// The advice's lines, each with the page it cites.
fn advice(shape: &DirectoryShape) -> Vec<(String, &'static str)> {
    engine_lines(shape).into_iter().map(|l| (l.text, l.source)).collect()
}

#[test]
fn the_demo_fits_cloud_sync_and_the_smallest_connect_sync_server() {
    let objects = parse_str(syncready::source::DEMO_LDIF.as_bytes(), Path::new("demo.ldif")).unwrap();
    let lines = advice(&DirectoryShape::of(&objects));
    assert_eq!(
        lines[0],
        (
            "engine: Cloud Sync fits this directory, unless the devices must be hybrid-joined; Connect Sync does too"
                .into(),
            DECISION_GUIDE
        )
    );
    assert!(lines.contains(&(
        "objects per AD domain: the largest, contoso.com, holds 2,000 (Cloud Sync: at most 150,000)".into(),
        DECISION_GUIDE
    )));
    assert!(lines.contains(&(
        "Connect Sync server for 2,000 objects: 1.6 GHz CPU, 6 GB memory, 70 GB disk".into(),
        PREREQUISITES
    )));
    assert!(
        lines.contains(&(
            "SQL Server: the built-in SQL Server Express LocalDB fits (2,000 objects; its 10 GB holds about 100,000)"
                .into(),
            PREREQUISITES
        ))
    );
}

#[test]
#[cfg_attr(windows, ignore = "the same code as on Linux; a large directory under Wine only slows CI")]
fn sixty_thousand_objects_fit_cloud_sync_and_a_16_gb_server_with_sql_express() {
    let shape = generated(60_000);
    assert_eq!(shape.per_domain.get("contoso.com"), Some(&60_000));
    let lines = advice(&shape);
    assert!(lines[0].0.starts_with("engine: Cloud Sync fits this directory"), "{lines:?}");
    assert!(lines.contains(&(
        "Connect Sync server for 60,000 objects: 1.6 GHz CPU, 16 GB memory, 100 GB disk".into(),
        PREREQUISITES
    )));
    assert!(
        lines
            .iter()
            .any(|(l, _)| l.starts_with("SQL Server: the built-in SQL Server Express LocalDB fits (60,000 objects"))
    );
}

#[test]
#[cfg_attr(windows, ignore = "the same code as on Linux; a large directory under Wine only slows CI")]
fn four_hundred_thousand_objects_in_one_domain_need_connect_sync_and_a_full_sql_server() {
    let shape = generated(400_000);
    let lines = advice(&shape);
    assert_eq!(
        lines[0],
        (
            "engine: Connect Sync, not Cloud Sync: contoso.com holds 400,000 objects, more than the 150,000 per AD domain".into(),
            DECISION_GUIDE
        )
    );
    assert!(lines.contains(&(
        "Connect Sync server for 400,000 objects: 1.6 GHz CPU, 32 GB memory, 450 GB disk".into(),
        PREREQUISITES
    )));
    assert!(lines.iter().any(|(l, _)| l.starts_with("SQL Server: a full SQL Server is needed (400,000 objects;")));
}
