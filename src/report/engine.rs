//! Before installing a sync engine: which one fits the scanned directory, by Microsoft's
//! decision guide (Cloud Sync's limits as far as a scan can see them: objects per AD domain,
//! group sizes, devices), and for Connect Sync the server Microsoft's prerequisites page sizes
//! for its object count (CPU, memory, disk, and SQL Server Express's 10 GB limit). Each line
//! names the page it rests on.

use std::collections::BTreeMap;

use super::summary::SummaryRow;
use crate::migrate::readiness::{MAX_GROUP_MEMBERS, MAX_OBJECTS_PER_DOMAIN};
use crate::model::{AttrName, DirObject, rdns};

/// Microsoft's comparison of Connect Sync and Cloud Sync.
pub const DECISION_GUIDE: &str = "https://learn.microsoft.com/entra/identity/hybrid/cloud-sync/what-is-cloud-sync#comparison-between-microsoft-entra-connect-and-cloud-sync";
/// Connect Sync's hardware and SQL Server requirements.
pub const PREREQUISITES: &str = "https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-install-prerequisites#hardware-requirements-for-microsoft-entra-connect";

/// Cloud Sync's limits, as the migration planner checks them.
const CLOUD_SYNC_OBJECTS_PER_DOMAIN: u64 = MAX_OBJECTS_PER_DOMAIN as u64;
const CLOUD_SYNC_GROUP_MEMBERS: u64 = MAX_GROUP_MEMBERS as u64;
/// Connect Sync: members of one group.
pub const CONNECT_SYNC_GROUP_MEMBERS: u64 = 250_000;
/// SQL Server Express LocalDB's 10 GB holds about this many objects.
pub const SQL_EXPRESS_OBJECTS: u64 = 100_000;

/// What the engine choice depends on, counted from the objects read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectoryShape {
    pub objects: u64,
    /// Objects per AD domain (its DNS name, from the DN's `DC=` parts).
    pub per_domain: BTreeMap<String, u64>,
    /// The group with the most `member` values: its DN and how many.
    pub largest_group: Option<(String, u64)>,
    pub computers: u64,
}

impl DirectoryShape {
    pub fn of(objects: &[DirObject]) -> DirectoryShape {
        let mut shape = DirectoryShape { objects: objects.len() as u64, ..DirectoryShape::default() };
        for object in objects {
            *shape.per_domain.entry(domain_of(object.dn())).or_default() += 1;
            if object.has_class("computer") {
                shape.computers += 1;
            }
            if object.has_class("group") {
                let members = object.values(&AttrName::Member).count() as u64;
                if shape.largest_group.as_ref().is_none_or(|(_, most)| members > *most) {
                    shape.largest_group = Some((object.dn().to_owned(), members));
                }
            }
        }
        shape
    }
}

/// The DNS name of the domain a DN lies in: its `DC=` parts, joined with dots, lower-cased.
fn domain_of(dn: &str) -> String {
    let parts: Vec<String> = rdns(dn)
        .filter_map(|rdn| rdn.split_once('=').filter(|(t, _)| t.trim().eq_ignore_ascii_case("dc")))
        .map(|(_, name)| name.trim().to_lowercase())
        .collect();
    if parts.is_empty() { "(no domain)".into() } else { parts.join(".") }
}

/// One line of the advice: what it is about (`engine` or `sizing`), what it says, the count it
/// rests on, and the page that says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineLine {
    pub view: &'static str,
    pub text: String,
    pub objects: u64,
    pub source: &'static str,
}

/// Connect Sync's server for `objects` objects: (memory GB, disk GB) from the prerequisites
/// table (every row asks for a 1.6 GHz CPU). A count on the edge of two rows takes the row
/// that starts there ("for 100,000 or more objects"), except 600,000, which is not "more than
/// 600,000").
fn connect_server(objects: u64) -> (u32, u32) {
    match objects {
        0..50_000 => (6, 70),
        50_000..100_000 => (16, 100),
        100_000..300_000 => (32, 300),
        300_000..=600_000 => (32, 450),
        _ => (32, 500),
    }
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The advice for a directory of this shape: the engine lines, then the sizing lines.
pub fn engine_lines(shape: &DirectoryShape) -> Vec<EngineLine> {
    let line = |view, text: String, objects, source| EngineLine { view, text, objects, source };
    let mut lines = Vec::new();
    let mut blockers = Vec::new();
    let (domain, most) = shape.per_domain.iter().max_by_key(|(_, n)| **n).map_or(("", 0), |(d, n)| (d.as_str(), *n));
    let limit = thousands(CLOUD_SYNC_OBJECTS_PER_DOMAIN);
    if most > CLOUD_SYNC_OBJECTS_PER_DOMAIN {
        blockers.push(format!("{domain} holds {} objects, more than the {limit} per AD domain", thousands(most)));
    }
    lines.push(line(
        "engine",
        format!(
            "objects per AD domain: the largest, {domain}, holds {} (Cloud Sync: at most {limit})",
            thousands(most)
        ),
        most,
        DECISION_GUIDE,
    ));
    if let Some((group, members)) = &shape.largest_group {
        let text = format!(
            "group members: the largest group, {group}, has {} (Cloud Sync: at most {}; Connect Sync: {})",
            thousands(*members),
            thousands(CLOUD_SYNC_GROUP_MEMBERS),
            thousands(CONNECT_SYNC_GROUP_MEMBERS)
        );
        lines.push(line("engine", text, *members, DECISION_GUIDE));
        if *members > CLOUD_SYNC_GROUP_MEMBERS {
            blockers.push(format!("{group} has {} members", thousands(*members)));
        }
        if *members > CONNECT_SYNC_GROUP_MEMBERS {
            let text = format!("{group} has more members than either engine syncs: split it before syncing");
            lines.push(line("engine", text, *members, DECISION_GUIDE));
        }
    }
    if shape.computers > 0 {
        let text = format!(
            "{} computer objects: Cloud Sync does not sync devices (hybrid join and device writeback need Connect Sync)",
            thousands(shape.computers)
        );
        lines.push(line("engine", text, shape.computers, DECISION_GUIDE));
    }
    let verdict = if blockers.is_empty() {
        let devices = if shape.computers > 0 { ", unless the devices must be hybrid-joined" } else { "" };
        format!("engine: Cloud Sync fits this directory{devices}; Connect Sync does too")
    } else {
        format!("engine: Connect Sync, not Cloud Sync: {}", blockers.join("; "))
    };
    lines.insert(0, line("engine", verdict, shape.objects, DECISION_GUIDE));

    let (memory, disk) = connect_server(shape.objects);
    let count = thousands(shape.objects);
    lines.push(line(
        "sizing",
        format!("Connect Sync server for {count} objects: 1.6 GHz CPU, {memory} GB memory, {disk} GB disk"),
        shape.objects,
        PREREQUISITES,
    ));
    let sql = if shape.objects < SQL_EXPRESS_OBJECTS {
        format!(
            "SQL Server: the built-in SQL Server Express LocalDB fits ({count} objects; its 10 GB holds about {})",
            thousands(SQL_EXPRESS_OBJECTS)
        )
    } else {
        format!(
            "SQL Server: a full SQL Server is needed ({count} objects; SQL Server Express's 10 GB holds about {}), \
             with more memory, disk and CPU when it runs on the same server",
            thousands(SQL_EXPRESS_OBJECTS)
        )
    };
    lines.push(line("sizing", sql, shape.objects, PREREQUISITES));
    lines
}

/// The advice as summary rows: KEY is the line and the page it rests on.
pub fn summary_rows(lines: &[EngineLine]) -> Vec<SummaryRow> {
    lines
        .iter()
        .map(|l| SummaryRow {
            view: l.view,
            key: format!("{} ({})", l.text, l.source),
            object_class: String::new(),
            severity: None,
            findings: None,
            objects: Some(l.objects),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_domain_is_named_by_its_dc_parts() {
        assert_eq!(domain_of("CN=Ann,OU=Staff,DC=Contoso,DC=com"), "contoso.com");
        assert_eq!(domain_of("CN=x"), "(no domain)");
    }

    #[test]
    fn counts_are_written_with_thousands_separators() {
        assert_eq!(
            [0, 999, 1_000, 150_000, 1_000_000].map(thousands),
            ["0", "999", "1,000", "150,000", "1,000,000"].map(String::from)
        );
    }

    #[test]
    fn the_server_follows_the_prerequisites_table_at_each_edge() {
        let sizes = [9_999, 10_000, 49_999, 50_000, 99_999, 100_000, 299_999, 300_000, 599_999, 600_000, 600_001];
        assert_eq!(
            sizes.map(connect_server),
            [
                (6, 70),
                (6, 70),
                (6, 70),
                (16, 100),
                (16, 100),
                (32, 300),
                (32, 300),
                (32, 450),
                (32, 450),
                (32, 450),
                (32, 500)
            ]
        );
    }
}
