//! The planner's files: `readiness.csv`, `waves.csv` (every user, group and contact: its
//! fate under each engine and its wave), `anchors-wave-N.csv` (accepted anchor fixes for
//! `syncready apply`), `plan.md` and `plan.html`. CSVs are written like the scan's reports (BOM, CRLF,
//! formulas neutralized), and all files are put in place together; an earlier plan's anchor
//! files for waves this plan lacks are removed with them.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::plan::MigrationPlan;
use super::plan_md::render;
use crate::model::DirObject;
use crate::report::csv::add_rows;
use crate::report::{ReportError, ReportSet};

/// Writes every file into `dir`; returns their paths.
pub fn write_plan(dir: &Path, plan: &MigrationPlan, objects: &[DirObject]) -> Result<Vec<PathBuf>, ReportError> {
    std::fs::create_dir_all(dir).map_err(|source| ReportError::Io { path: dir.to_owned(), error: source })?;
    let mut written = Vec::new();
    let mut reports = ReportSet::default();

    let readiness = dir.join("readiness.csv");
    let rows = plan.assessment.items.iter().map(|item| {
        [
            item.severity.as_str().to_owned(),
            item.code.to_owned(),
            item.subject.clone(),
            item.reason.clone(),
            item.fact.clone(),
        ]
    });
    reports.csv(&readiness, &["SEVERITY", "CODE", "SUBJECT", "REASON", "FACT"], rows)?;
    written.push(readiness);

    let waves = dir.join("waves.csv");
    let wave_of = plan.wave_of();
    let fate = |reason: &Option<String>| match reason {
        None => "yes".to_owned(),
        Some(why) => format!("no: {why}"),
    };
    let rows = plan.simulation.objects.iter().map(|scoped| {
        let object = &objects[scoped.object];
        let wave = wave_of.get(&scoped.object).map(|w| w.to_string()).unwrap_or_default();
        let anchor = if object.has(&crate::model::AttrName::MsDsConsistencyGuid) { "present" } else { "missing" };
        [
            object.dn().to_owned(),
            scoped.class.to_owned(),
            crate::model::parent_dn(object.dn()).to_owned(),
            wave,
            fate(&scoped.connect),
            fate(&scoped.cloud),
            scoped.change().as_str().to_owned(),
            anchor.to_owned(),
        ]
    });
    let header =
        ["DISTINGUISHEDNAME", "OBJECTCLASS", "CONTAINER", "WAVE", "CONNECT_SYNC", "CLOUD_SYNC", "CHANGE", "ANCHOR"];
    reports.csv(&waves, &header, rows)?;
    written.push(waves);

    for wave in &plan.waves {
        let rows = plan.anchor_rows(objects, wave);
        if rows.is_empty() {
            continue;
        }
        let path = dir.join(format!("anchors-wave-{}.csv", wave.number));
        add_rows(&mut reports, &path, rows)?;
        written.push(path);
    }

    let plan_path = dir.join("plan.md");
    let text = render(plan, objects);
    reports.file(&plan_path, |out| out.write_all(text.as_bytes()))?;
    written.push(plan_path);
    let page_path = dir.join("plan.html");
    let page = super::plan_html::render_html(plan, objects);
    reports.file(&page_path, |out| out.write_all(page.as_bytes()))?;
    written.push(page_path);
    // An earlier plan's anchor files for waves this plan does not have would look current.
    for stale in earlier_anchor_files(dir)?.into_iter().filter(|path| !written.contains(path)) {
        reports.remove_stale(&stale);
    }
    reports.commit()?;
    Ok(written)
}

/// The `anchors-wave-N.csv` files in `dir`.
fn earlier_anchor_files(dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    let entries = std::fs::read_dir(dir).map_err(|error| ReportError::Io { path: dir.to_owned(), error })?;
    Ok(entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            name.strip_prefix("anchors-wave-")
                .and_then(|rest| rest.strip_suffix(".csv"))
                .is_some_and(|number| !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
        })
        .collect())
}
