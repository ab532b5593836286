//! A journal as `syncready apply` leaves it when every change was applied: the header, each
//! change with its values, then each change's `started` and `outcome`, and `finished`.

use std::path::Path;

use syncready::fix::Change;
use syncready::fix::journal::{Journal, Outcome, Record};
use syncready::fix::target::DomainIdentity;
use syncready::model::ObjectGuid;

/// Writes the journal of `changes`, all applied, to `path` (replacing what is there).
pub fn write_applied(path: &Path, changes: &[Change]) {
    let _ = std::fs::remove_file(path);
    let mut journal = Journal::create(path).expect("the benchmark's journal");
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
    journal.write(&header).expect("written");
    let numbered = || changes.iter().enumerate().map(|(i, change)| (i + 1, change));
    for (seq, change) in numbered() {
        journal.write(&Record::change(seq, change)).expect("written");
    }
    for (seq, _) in numbered() {
        journal.write(&Record::Started { seq }).expect("written");
        journal.write(&Record::Outcome { seq, outcome: Outcome::Applied, message: String::new() }).expect("written");
    }
    journal.write(&Record::Finished { at: "20261202-000100".into() }).expect("written");
    journal.sync().expect("synced");
}
