//! The journal benchmark: journals of 50,000 and 100,000 applied changes (each a header, the
//! change with its before and after values, its `started` and its `outcome` record), read
//! back as a resume reads them and turned into the changes an undo sends. Prints each time
//! and the ratio of the two sizes (2.0 is linear). `cargo bench --bench journal`.

use std::path::Path;
use std::time::Instant;

use syncready::fix::apply::undo_changes;
use syncready::fix::journal::{Journal, Outcome, Record, read_journal};
use syncready::fix::target::DomainIdentity;
use syncready::fix::{Change, Edit};
use syncready::model::ObjectGuid;

/// Writes a journal of `count` applied changes to `path`.
fn write_journal(path: &Path, count: usize) {
    let _ = std::fs::remove_file(path);
    let mut journal = Journal::create(path).unwrap();
    let directory = DomainIdentity {
        server: "ldaps://dc1.contoso.com".into(),
        naming_context: "DC=contoso,DC=com".into(),
        domain_guid: ObjectGuid([7; 16]),
    };
    let header = Record::Header {
        operation: "apply".into(),
        source: "findings.csv".into(),
        created: "20261202-000000".into(),
        directory,
    };
    journal.write(&header).unwrap();
    for seq in 1..=count {
        let mut guid = [0u8; 16];
        guid[..8].copy_from_slice(&(seq as u64).to_le_bytes());
        let change = Change {
            dn: format!("CN=User {seq},OU=Staff,OU=Paris,DC=contoso,DC=com"),
            guid: ObjectGuid(guid),
            edits: vec![Edit {
                attribute: "displayName".into(),
                binary: false,
                before: Some(format!(" User {seq} ").into_bytes()),
                after: Some(format!("User {seq}").into_bytes()),
                requires_empty: false,
            }],
            rows: Vec::new(),
            decisions: Vec::new(),
        };
        journal.write(&Record::change(seq, &change)).unwrap();
    }
    for seq in 1..=count {
        journal.write(&Record::Started { seq }).unwrap();
        journal.write(&Record::Outcome { seq, outcome: Outcome::Applied, message: String::new() }).unwrap();
    }
    journal.write(&Record::Finished { at: "20261202-000100".into() }).unwrap();
    journal.sync().unwrap();
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let mut figures = Vec::new();
    for count in [50_000, 100_000] {
        let path = dir.join(format!("journal-{count}.jsonl"));
        write_journal(&path, count);
        let size = std::fs::metadata(&path).unwrap().len() as f64 / 1e6;
        let started = Instant::now();
        let state = read_journal(&path).unwrap();
        let read = started.elapsed().as_secs_f64();
        assert_eq!(state.changes.len(), count);
        assert!(state.outcomes.iter().all(|o| *o == Some(Outcome::Applied)));
        let started = Instant::now();
        let inverse = undo_changes(&path, None).unwrap();
        let undo = started.elapsed().as_secs_f64();
        assert_eq!(inverse.len(), count);
        assert_eq!(inverse[0].edits[0].after.as_deref(), Some(format!(" User {count} ").as_bytes()));
        println!("{count} changes ({size:.1} MB): read for resume {read:.3} s, undo changes {undo:.3} s");
        figures.push((read, undo));
    }
    let (small, large) = (figures[0], figures[1]);
    println!(
        "100,000 / 50,000: read {:.2}, undo {:.2} (2.0 is linear); target under 1 s at 100,000: {}",
        large.0 / small.0,
        large.1 / small.1,
        if large.0 < 1.0 && large.1 < 1.0 { "met" } else { "NOT met" }
    );
}
