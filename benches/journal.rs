//! The journal benchmark: journals of 50,000 and 100,000 applied changes (each a header, the
//! change with its before and after values, its `started` and its `outcome` record), read
//! back as a resume reads them and turned into the changes an undo sends. Prints each time
//! and the ratio of the two sizes (2.0 is linear). `cargo bench --bench journal`.

#[path = "support/journal.rs"]
mod journal;

use std::path::Path;
use std::time::Instant;

use syncready::fix::apply::undo_changes;
use syncready::fix::journal::{Outcome, read_journal};
use syncready::fix::{Change, Edit};
use syncready::model::ObjectGuid;

/// Writes a journal of `count` applied changes to `path`.
fn write_journal(path: &Path, count: usize) {
    let changes: Vec<Change> = (1..=count)
        .map(|seq| {
            let mut guid = [0u8; 16];
            guid[..8].copy_from_slice(&(seq as u64).to_le_bytes());
            Change {
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
            }
        })
        .collect();
    journal::write_applied(path, &changes);
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
