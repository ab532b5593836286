//! The report page with 100,000 findings: its size, and in headless Chromium (Debian's
//! `/usr/bin/chromium`) the time from navigation until the findings table is usable, then
//! what a filter and a sort over all the rows take in the page.
//!
//! `cargo bench --bench report_page` (release, Linux).

// The browser tests' driver; the bench does not click.
#[path = "../tests/browser/chromium.rs"]
#[allow(dead_code)]
mod chromium;

use std::path::PathBuf;
use std::time::Instant;

use syncready::report::ReportSet;
use syncready::report::page::report::{ReportContext, add_report};
use syncready::rules::{Ruleset, scan};
use syncready::source::generate::{GenerateOptions, generate};
use syncready::source::ldif::parse_str;

const FINDINGS: usize = 100_000;

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/report-page");
    std::fs::create_dir_all(&dir).unwrap();
    let started = Instant::now();
    let mut ldif = Vec::new();
    let options = GenerateOptions { objects: 250_000, seed: 3, defect_rate: 0.4, ad_storable: false };
    generate(&options, &mut ldif).unwrap();
    let objects = parse_str(&ldif, &dir.join("generated.ldif")).unwrap();
    let ruleset = Ruleset::multi_tenant();
    let mut result = scan(&objects, &ruleset);
    assert!(result.findings.len() >= FINDINGS, "{} findings: raise the defect rate", result.findings.len());
    result.findings.truncate(FINDINGS);
    let sources =
        [syncready::source::SourceSummary { name: "generated".into(), objects: objects.len() as u64, bytes: 0 }];
    let report = ReportContext::of(&objects, &result, &sources, &ruleset, &[], &[]).unwrap();
    let path = dir.join("report.html");
    let written = Instant::now();
    ReportSet::alone(|reports| add_report(reports, &path, &report.input(&result.findings))).unwrap();
    let write_ms = written.elapsed().as_secs_f64() * 1e3;
    let bytes = std::fs::metadata(&path).unwrap().len();
    println!(
        "report.html: {FINDINGS} findings, {:.1} MB, written in {write_ms:.0} ms (set up in {:.1} s)",
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    let mut browser = chromium::Chromium::launch("bench");
    for run in 1..=3 {
        let opened = Instant::now();
        browser.open(&path);
        browser.wait_for("document.body && document.body.dataset.ready");
        let usable_ms = opened.elapsed().as_secs_f64() * 1e3;
        let in_page = browser.eval("Number(document.body.dataset.ready)").as_f64().unwrap_or(0.0);
        let filter_ms = browser.eval(
            "(() => { const s = document.getElementById('filter-error'); s.value = s.options[1].value; \
             const t = performance.now(); s.dispatchEvent(new Event('change')); return performance.now() - t; })()",
        );
        let sort_ms = browser.eval(
            "(() => { const s = document.getElementById('filter-error'); s.value = ''; s.dispatchEvent(new Event('change')); \
             const b = document.querySelector('#findings-head button'); const t = performance.now(); b.click(); \
             return performance.now() - t; })()",
        );
        let rows = browser.eval("document.querySelectorAll('#findings-body tr').length");
        println!(
            "run {run}: navigation to a usable table {usable_ms:.0} ms (the page's script done {in_page:.0} ms after \
             its navigation started); filter by an error name over {FINDINGS} rows {:.0} ms; sort all rows by DN {:.0} ms; \
             {rows} rows shown",
            filter_ms.as_f64().unwrap_or(-1.0),
            sort_ms.as_f64().unwrap_or(-1.0)
        );
    }
    let problems = browser.problems();
    assert!(problems.is_empty(), "{problems:?}");
}
