//! Scans against an earlier report: the demo against its own report changes nothing; against
//! one with 5 findings removed and 3 that no longer occur, exactly 5 are new and 3 fixed, in the
//! terminal, summary.csv, report.html and diff.csv; `--fail-on new` fails only on new findings.

use std::path::Path;

use syncready::report::csv::{read_rows, write_rows};

use crate::{run_syncready, temp_dir};

fn scan_demo(out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["scan", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    run_syncready(&args)
}

fn summary_row(out: &Path, key: &str) -> String {
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    summary.lines().find(|l| l.starts_with(&format!("baseline,{key},"))).unwrap_or_default().to_owned()
}

/// The counts report.html's "since the baseline" table shows, as (change, findings).
fn report_counts(out: &Path) -> Vec<(String, u64)> {
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let table = html.split("<table id=\"baseline-table\">").nth(1).unwrap().split("</table>").next().unwrap();
    let body = table.split("<tbody>").nth(1).unwrap();
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            let cells: Vec<&str> = row.split("<td>").skip(1).map(|c| c.split("</td>").next().unwrap()).collect();
            (cells[0].to_owned(), cells[1].parse().unwrap())
        })
        .collect()
}

fn changes(out: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(out.join("diff.csv")).unwrap();
    text.lines().skip(1).map(|l| l.split(',').next().unwrap_or_default().to_owned()).collect()
}

#[test]
fn the_demo_against_its_own_report_and_against_an_edited_one() {
    let dir = temp_dir("baseline");
    let first = dir.join("first");
    assert_eq!(scan_demo(&first, &[]).status.code(), Some(1));
    let baseline = first.join("findings.csv");
    let total = read_rows(&baseline, std::fs::File::open(&baseline).unwrap()).unwrap().len();

    let same = dir.join("same");
    let output = scan_demo(&same, &["--baseline", baseline.to_str().unwrap(), "--fail-on", "new"]);
    assert_eq!(output.status.code(), Some(0), "no new finding: {}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains(&format!("since the baseline: new 0 · fixed 0 · unchanged {total}")), "{stdout}");
    assert_eq!(summary_row(&same, "new"), "baseline,new,,,0,");
    assert_eq!(summary_row(&same, "fixed"), "baseline,fixed,,,0,");
    assert_eq!(summary_row(&same, "unchanged"), format!("baseline,unchanged,,,{total},"));
    assert_eq!(changes(&same), vec!["unchanged"; total]);
    let counts =
        |new, fixed, unchanged| vec![("new".into(), new), ("fixed".into(), fixed), ("unchanged".into(), unchanged)];
    assert_eq!(report_counts(&same), counts(0, 0, total as u64));

    // Five findings the old report did not have, three it had that are gone.
    let mut rows = read_rows(&baseline, std::fs::File::open(&baseline).unwrap()).unwrap();
    rows.drain(10..15);
    for i in 0..3 {
        let mut gone = rows[i].clone();
        gone.value = format!("an old value {i}");
        rows.push(gone);
    }
    let edited = dir.join("edited.csv");
    write_rows(&edited, rows).unwrap();
    let after = dir.join("after");
    let output = scan_demo(&after, &["--baseline", edited.to_str().unwrap(), "--fail-on", "new"]);
    assert_eq!(output.status.code(), Some(1), "new findings fail the run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains(&format!("since the baseline: new 5 · fixed 3 · unchanged {}", total - 5)), "{stdout}");
    assert_eq!(summary_row(&after, "new"), "baseline,new,,,5,");
    assert_eq!(summary_row(&after, "fixed"), "baseline,fixed,,,3,");
    assert_eq!(report_counts(&after), counts(5, 3, total as u64 - 5));
    let diff = changes(&after);
    assert_eq!(diff.iter().filter(|c| *c == "new").count(), 5);
    assert_eq!(diff.iter().filter(|c| *c == "fixed").count(), 3);
    assert_eq!(diff.iter().filter(|c| *c == "unchanged").count(), total - 5);
    let text = std::fs::read_to_string(after.join("diff.csv")).unwrap();
    assert!(text.lines().filter(|l| l.starts_with("fixed,")).all(|l| l.contains("an old value")), "{text}");

    // Without --baseline, --fail-on new has nothing to compare with.
    let output = scan_demo(&dir.join("none"), &["--fail-on", "new"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--fail-on new needs --baseline"));
}
