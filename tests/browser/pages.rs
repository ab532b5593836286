//! report.html and plan.html opened from disk in headless Chromium.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::Chromium;
use crate::temp_dir;

/// Runs `syncready scan ARGS --out DIR` and returns DIR.
fn scan_to(name: &str, args: &[&str]) -> PathBuf {
    let out = temp_dir(name);
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_syncready"))
        .arg("scan")
        .args(args)
        .args(["--out", out.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1), "the scan finds something");
    out
}

/// A report CSV's rows as (column → cell) maps.
fn csv_rows(path: &Path) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| headers.iter().zip(r.unwrap().iter()).map(|(h, c)| (h.to_owned(), c.to_owned())).collect())
        .collect()
}

fn open_report(chromium: &mut Chromium, out: &Path) -> String {
    let url = chromium.open(&out.join("report.html"));
    chromium.wait_for("document.body && document.body.dataset.ready");
    url
}

#[test]
fn the_demo_report_opens_from_disk_with_no_error_and_no_request_and_shows_the_summary_counts() {
    let out = scan_to("browser-demo", &[]);
    let mut chromium = Chromium::launch("demo");
    let url = open_report(&mut chromium, &out);
    assert_eq!(chromium.problems(), Vec::<String>::new());
    assert_eq!(chromium.requests_besides(&url), Vec::<String>::new());
    let summary = csv_rows(&out.join("summary.csv"));
    let count = |view: &str, key: &str, column: &str| -> u64 {
        let row = summary.iter().find(|r| r["VIEW"] == view && r["KEY"] == key).unwrap();
        row[column].parse().unwrap()
    };
    let mut card = |id: &str| -> u64 {
        let value = chromium.eval(&format!("document.getElementById('{id}').dataset.count"));
        value.as_str().unwrap().parse().unwrap()
    };
    let cards = [
        (card("card-objects-read"), count("objects", "read", "OBJECTS")),
        (card("card-objects-checked"), count("objects", "checked", "OBJECTS")),
        (card("card-objects-skipped"), count("objects", "skipped", "OBJECTS")),
        (card("card-objects-out-of-scope"), count("objects", "out of scope", "OBJECTS")),
        (card("card-findings"), count("findings", "all", "FINDINGS")),
        (card("card-severity-error"), count("severity", "error", "FINDINGS")),
        (card("card-severity-warning"), count("severity", "warning", "FINDINGS")),
        (card("card-severity-info"), count("severity", "info", "FINDINGS")),
    ];
    for (shown, expected) in cards {
        assert_eq!(shown, expected);
    }
    // The demo's own figures, so that a page and a summary that were both empty would fail.
    assert_eq!((cards[0].0, cards[4].0), (2000, 118));
    let findings = csv_rows(&out.join("findings.csv")).len();
    assert_eq!(
        chromium.eval("document.getElementById('findings-count').textContent"),
        json!(format!("{findings} findings"))
    );
    assert_eq!(chromium.eval("document.querySelectorAll('#findings-body tr').length"), json!(100));
    // Without JavaScript the summary is there as it was written.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<span class=\"n\">2000</span><span class=\"k\">objects read</span>"));
}

#[test]
fn clicking_an_error_name_bar_leaves_exactly_the_rows_of_that_error() {
    let out = scan_to("browser-click", &[]);
    let findings = csv_rows(&out.join("findings.csv"));
    let mut chromium = Chromium::launch("click");
    open_report(&mut chromium, &out);
    for error in ["Duplicate", "Character"] {
        let mut expected: Vec<String> = findings
            .iter()
            .filter(|r| r["ERROR"] == error)
            .map(|r| format!("{} {}", r["DISTINGUISHEDNAME"], r["VALUE"]))
            .collect();
        expected.sort();
        assert!(!expected.is_empty() && expected.len() < 100, "{error}: {}", expected.len());
        chromium.click(&format!("#chart-error a[data-label='{error}'] rect"));
        chromium.wait_for(&format!("document.getElementById('findings-count').dataset.count === '{}'", expected.len()));
        let rows = chromium.eval(
            "[...document.querySelectorAll('#findings-body tr')].map(tr => [...tr.children].map(td => td.textContent))",
        );
        let rows = rows.as_array().unwrap();
        // The table's columns: DN, class, attribute, error, value...
        assert!(rows.iter().all(|r| r[3] == json!(error)), "{error}: {rows:?}");
        let mut shown: Vec<String> =
            rows.iter().map(|r| format!("{} {}", r[0].as_str().unwrap(), r[4].as_str().unwrap())).collect();
        shown.sort();
        assert_eq!(shown, expected);
        assert_eq!(chromium.eval("document.getElementById('filter-error').value"), json!(error));
        assert_eq!(chromium.eval("location.hash"), json!(format!("#error={error}")));
    }
    assert_eq!(chromium.problems(), Vec::<String>::new());
}

#[test]
fn hostile_directory_values_show_as_text_and_run_nothing() {
    let ldif = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hostile/hostile.ldif");
    let out = scan_to("browser-hostile", &["--ldif", ldif.to_str().unwrap()]);
    let mut chromium = Chromium::launch("hostile");
    let url = open_report(&mut chromium, &out);
    assert_eq!(chromium.eval("typeof window.__pwned"), json!("undefined"));
    assert_eq!(chromium.problems(), Vec::<String>::new());
    assert_eq!(chromium.requests_besides(&url), Vec::<String>::new(), "<img src=x> was not fetched");
    assert_eq!(chromium.eval("document.querySelectorAll('script').length"), json!(2), "only the page's own scripts");
    assert_eq!(chromium.eval("document.querySelectorAll('img, textarea, #findings-body svg').length"), json!(0));
    let table = chromium.eval("document.getElementById('findings-body').innerText");
    let table = table.as_str().unwrap();
    for text in [
        "CN=<script>window.__pwned=1</script>,OU=Staff,DC=contoso,DC=com",
        " <img src=x onerror=\"window.__pwned=2\"></textarea>'\"",
        "\"><svg onload=window.__pwned=3>@contoso.com",
        "CN=Quote \\\" and </textarea>,OU=Staff,DC=contoso,DC=com",
    ] {
        assert!(table.contains(text.trim()), "{text} is not shown as text in:\n{table}");
    }
    // The run's parameters and the charts hold them as text too.
    let labels = chromium.eval("[...document.querySelectorAll('#chart-ou a')].map(a => a.dataset.label)");
    assert_eq!(labels, json!(["OU=Staff,DC=contoso,DC=com"]));
}

#[test]
fn the_sample_export_plan_page_shows_its_blockers() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples/connect-sync-export/contoso-pilot");
    let out = temp_dir("browser-plan");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_syncready"))
        .args(["migrate", "--config", sample.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1), "the sample is not ready");
    let blockers: Vec<(String, String)> = csv_rows(&out.join("readiness.csv"))
        .into_iter()
        .filter(|r| r["SEVERITY"] == "blocker")
        .map(|r| (r["CODE"].clone(), r["REASON"].clone()))
        .collect();
    assert_eq!(blockers.iter().map(|(code, _)| code.as_str()).collect::<Vec<_>>(), ["MIG001", "MIG029"]);
    let mut chromium = Chromium::launch("plan");
    let url = chromium.open(&out.join("plan.html"));
    assert_eq!(chromium.problems(), Vec::<String>::new());
    assert_eq!(chromium.requests_besides(&url), Vec::<String>::new());
    assert_eq!(chromium.eval("document.querySelector('#verdict h2').textContent"), json!("Not ready"));
    let shown = chromium.eval(
        "[...document.querySelectorAll('#readiness-table tbody tr')].map(tr => [...tr.children].map(td => td.textContent))\
         .filter(cells => cells[0] === 'blocker').map(cells => [cells[1], cells[3]])",
    );
    let expected: Vec<[String; 2]> = blockers.into_iter().map(|(code, reason)| [code, reason]).collect();
    assert_eq!(shown, json!(expected));
    assert_eq!(
        chromium.eval("document.querySelector('#readiness h2').textContent"),
        json!("Readiness: 2 blockers and 2 warnings")
    );
}
