//! `plan.html`: the migration plan as a page in the scan report's style: the verdict, the
//! readiness table (blockers first), the scope simulation with what would be deleted or
//! created, and the waves with a chart of their sizes. Plain HTML: it needs no script.

use std::fmt::Write as _;

use super::plan::MigrationPlan;
use super::plan_md::{LISTED, LISTED_CHANGES};
use super::readiness::ReadinessItem;
use super::scope::ScopeChange;
use crate::model::DirObject;
use crate::report::count;
use crate::report::page::{Bar, bar_chart, escape, page, table};
use crate::rules::Severity;

pub fn render_html(plan: &MigrationPlan, objects: &[DirObject]) -> String {
    let mut body = String::new();
    let verdict = plan.verdict();
    let class = if verdict.ready { "good" } else { "bad" };
    let _ = writeln!(
        body,
        "<section id=\"verdict\"><h2 class=\"{class}\">{}</h2><p>{}.</p>",
        verdict.word(),
        escape(&verdict.detail)
    );
    let guided = &plan.assessment.guided_tool;
    if guided.eligible {
        body.push_str("<p>Microsoft's guided tool can do this move.</p>");
    } else {
        body.push_str("<p>Microsoft's guided tool cannot do this move:</p><ul>");
        for reason in &guided.reasons {
            let _ = write!(body, "<li>{}</li>", escape(reason));
        }
        body.push_str("</ul>");
    }
    body.push_str("</section>\n");

    // Blockers first, then warnings, then the rest, each in the assessment's order.
    let rank = |item: &&ReadinessItem| match item.severity {
        Severity::Blocker => 0,
        Severity::Warning => 1,
        _ => 2,
    };
    let mut items: Vec<&ReadinessItem> = plan.assessment.items.iter().collect();
    items.sort_by_key(rank);
    let _ = write!(
        body,
        "<section id=\"readiness\"><h2>Readiness: {} and {}</h2>",
        count(plan.assessment.blockers(), "blocker"),
        count(items.iter().filter(|i| i.severity == Severity::Warning).count(), "warning")
    );
    let rows = items.iter().map(|i| {
        vec![i.severity.as_str().to_owned(), i.code.to_owned(), i.subject.clone(), i.reason.clone(), i.fact.clone()]
    });
    body.push_str(&table("readiness-table", &["severity", "code", "subject", "reason", "fact"], rows));
    body.push_str("</section>\n");

    let simulation = &plan.simulation;
    let ous = if simulation.cloud_ous.is_empty() { "none".to_owned() } else { simulation.cloud_ous.join("; ") };
    let _ = write!(
        body,
        "<section id=\"scope\"><h2>Scope: Connect Sync against Cloud Sync</h2><p>Cloud Sync OU scoping: {}.</p>",
        escape(&ous)
    );
    let changes = [ScopeChange::Kept, ScopeChange::Deleted, ScopeChange::Created, ScopeChange::Neither];
    let rows = changes.iter().map(|c| vec![c.as_str().to_owned(), simulation.count(*c).to_string()]);
    body.push_str(&table("scope-table", &["change", "objects"], rows));
    for (change, title) in LISTED_CHANGES {
        let listed: Vec<_> = simulation.with_change(change).collect();
        if listed.is_empty() {
            continue;
        }
        let _ = write!(body, "<h3>{title} ({})</h3><ul>", listed.len());
        for scoped in listed.iter().take(LISTED) {
            let _ = write!(
                body,
                "<li><code>{}</code> ({}): {}</li>",
                escape(objects[scoped.object].dn()),
                escape(scoped.class),
                escape(scoped.why())
            );
        }
        if listed.len() > LISTED {
            let _ = write!(body, "<li>… and {} more (waves.csv lists them all)</li>", listed.len() - LISTED);
        }
        body.push_str("</ul>");
    }
    body.push_str("</section>\n");

    body.push_str("<section id=\"waves\"><h2>Waves</h2>");
    let bars: Vec<Bar> =
        plan.waves.iter().map(|w| Bar { label: w.name(), count: w.objects.len() as u64, link: None }).collect();
    body.push_str(&bar_chart("chart-waves", "Objects per wave", &bars));
    let rows = plan.waves.iter().map(|w| {
        vec![
            w.name(),
            w.containers.join("; "),
            w.objects.len().to_string(),
            w.classes_text(),
            w.anchors_missing.to_string(),
            w.blocking_count().to_string(),
        ]
    });
    let header = ["wave", "containers", "objects", "by class", "anchors to stamp", "blocking findings"];
    body.push_str(&table("waves-table", &header, rows));
    body.push_str(
        "<p class=\"note\">plan.md gives each wave's prerequisites and steps, with the rules to add.</p></section>\n",
    );

    let subtitle = format!(
        "{} · Connect Sync {}",
        escape(&plan.config.source.display().to_string()),
        escape(plan.config.settings.version.as_deref().unwrap_or("version unknown"))
    );
    page("Connect Sync → Cloud Sync migration plan", &subtitle, &body, None, None)
}
