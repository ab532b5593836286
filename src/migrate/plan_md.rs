//! `plan.md`: the migration plan for people: the verdict, the readiness items, the inventory,
//! the scope simulation, and each wave with its prerequisites and steps, the cloudNoFlow and
//! JoinNoFlow rules written out for review. Nothing in it depends on the clock, so the same
//! inputs give the same file.

use std::fmt::Write as _;

use super::config::{ConnectorKind, SyncConfig, is_under};
use super::expressions::{RuleFate, classify};
use super::plan::MigrationPlan;
use super::scope::ScopeChange;
use super::waves::Wave;
use crate::model::DirObject;
use crate::report::count;

/// How many objects a list of deletions or creations shows.
pub(super) const LISTED: usize = 50;
/// The changes of scope the plans list, with their titles.
pub(super) const LISTED_CHANGES: [(ScopeChange, &str); 2] =
    [(ScopeChange::Deleted, "Deleted from Entra ID"), (ScopeChange::Created, "Created in Entra ID")];
/// Where the proposed rules' precedences start: Microsoft's guide puts its cloudNoFlow rules
/// at 50; custom rules must stay below the standard rules' 100.
const FIRST_PRECEDENCE: u32 = 50;
const STANDARD_PRECEDENCE: u32 = 100;

/// The precedences the proposed rules take: numbers below 100 that no rule of the export
/// uses, from 50 up, then below 50.
struct Precedences {
    free: std::collections::VecDeque<u32>,
}

impl Precedences {
    fn of(config: &SyncConfig) -> Precedences {
        let used: std::collections::BTreeSet<u32> = config.rules.iter().map(|r| r.precedence).collect();
        let upward = FIRST_PRECEDENCE..STANDARD_PRECEDENCE;
        let downward = (1..FIRST_PRECEDENCE).rev();
        Precedences { free: upward.chain(downward).filter(|p| !used.contains(p)).collect() }
    }

    /// The next free precedence, as the table cell shows it.
    fn next(&mut self) -> String {
        match self.free.pop_front() {
            Some(precedence) => precedence.to_string(),
            None => "none free below 100: renumber or remove custom rules first".into(),
        }
    }
}

/// Markdown table cell: pipes and line breaks escaped.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\r', '\n'], " ")
}

fn yes(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

pub fn render(plan: &MigrationPlan, objects: &[DirObject]) -> String {
    let mut md = String::new();
    let config = &plan.config;
    let settings = &config.settings;
    let _ = writeln!(md, "# Connect Sync → Cloud Sync migration plan\n");
    let _ = writeln!(
        md,
        "Configuration: `{}`{}, Connect Sync {}.  ",
        config.source.display(),
        config.server.as_ref().map(|s| format!(" (server {s})")).unwrap_or_default(),
        settings.version.as_deref().unwrap_or("version unknown")
    );
    let _ = writeln!(
        md,
        "Objects scanned: {}; users, groups and contacts among them: {}.\n",
        objects.len(),
        plan.simulation.objects.len()
    );

    let _ = writeln!(md, "## Verdict\n");
    let verdict = plan.verdict();
    let _ = writeln!(md, "**{}**: {}.\n", verdict.word(), verdict.detail);
    if plan.findings_to_fix > 0 {
        let _ = writeln!(
            md,
            "The findings to fix are the error-severity findings of a scan on the objects the waves move \
             (the waves' \"Blocking findings\"): run `syncready scan` on the same sources, review and apply.\n"
        );
    }
    let guided = &plan.assessment.guided_tool;
    if guided.eligible {
        let _ = writeln!(md, "Microsoft's guided tool can do this move.\n");
    } else {
        let _ = writeln!(md, "Microsoft's guided tool cannot do this move:\n");
        for reason in &guided.reasons {
            let _ = writeln!(md, "- {reason}");
        }
        md.push('\n');
    }

    let _ = writeln!(md, "## Readiness\n\n| Severity | Code | Subject | Reason | Fact |\n|---|---|---|---|---|");
    for item in &plan.assessment.items {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} |",
            item.severity.as_str(),
            item.code,
            cell(&item.subject),
            cell(&item.reason),
            cell(&item.fact)
        );
    }
    md.push('\n');
    inventory(&mut md, config);
    scope(&mut md, plan, objects);
    waves(&mut md, plan);
    md
}

fn inventory(md: &mut String, config: &SyncConfig) {
    let s = &config.settings;
    let _ = writeln!(md, "## Inventory\n\n### Connectors\n");
    for connector in &config.connectors {
        let kind = match &connector.kind {
            ConnectorKind::ActiveDirectory => format!("Active Directory, forest {}", connector.forest),
            ConnectorKind::EntraId => "Entra ID".to_owned(),
            ConnectorKind::Other(kind) => kind.clone(),
        };
        // Each connector type holds its own switch: password hash sync on an AD connector,
        // password writeback on the Entra connector.
        let switch = match connector.kind {
            ConnectorKind::EntraId => format!("password writeback {}", yes(connector.password_writeback)),
            _ => format!("password hash sync {}", yes(connector.password_hash_sync)),
        };
        let _ = writeln!(md, "- **{}** ({kind}; {switch})", connector.name);
        for partition in &connector.partitions {
            let list = |items: &[String]| if items.is_empty() { "none".to_owned() } else { items.join("; ") };
            let _ = writeln!(
                md,
                "  - `{}`: {}; object types: {}; included: {}; excluded: {}",
                partition.dn,
                if partition.selected { "selected" } else { "not selected" },
                list(&partition.object_classes),
                list(&partition.inclusions),
                list(&partition.exclusions)
            );
        }
    }
    let _ = writeln!(md, "\n### Global settings\n");
    let _ = writeln!(md, "- Source anchor: {}; sign-in (UPN) attribute: {}", s.anchor_attribute, s.upn_attribute);
    let _ = writeln!(md, "- Staging mode: {}", yes(s.staging_mode));
    let _ = writeln!(
        md,
        "- Accidental-delete prevention: {}, threshold {}",
        yes(s.deletion_threshold_enabled),
        s.deletion_threshold
    );
    let features = [
        ("password hash sync", s.password_hash_sync),
        ("password writeback", s.password_writeback),
        ("group writeback", s.group_writeback),
        ("device writeback", s.device_writeback),
        ("device sync", s.device_sync),
        ("Exchange hybrid", s.hybrid_exchange),
        ("directory extensions", s.directory_extensions),
        ("group filtering", s.group_filtering),
        ("pass-through authentication", s.pass_through_auth),
        ("federation", s.federation),
    ];
    let listed: Vec<String> = features.iter().map(|(name, on)| format!("{name} {}", yes(*on))).collect();
    let _ = writeln!(md, "- Features: {}", listed.join(", "));
    let custom: Vec<_> = config.custom_rules().collect();
    let _ = writeln!(md, "\n### Sync rules\n\n{} rules, {} of them custom.\n", config.rules.len(), custom.len());
    for rule in custom {
        let fate = match classify(config, rule) {
            RuleFate::ScopingOnly { filter } => format!("scoping only → Cloud Sync scoping filter: {filter}"),
            RuleFate::Expressible { mappings } => {
                let list: Vec<String> = mappings.iter().map(|(d, e)| format!("`{d}` ← `{e}`")).collect();
                format!("Cloud Sync attribute mappings: {}", list.join(", "))
            }
            RuleFate::Redesign { reasons } => format!("needs a redesign: {}", reasons.join("; ")),
        };
        let _ = writeln!(
            md,
            "- **{}** ({:?} {} → {}, {}, precedence {}): {fate}",
            rule.name, rule.direction, rule.source_type, rule.target_type, rule.link_type, rule.precedence
        );
    }
    md.push('\n');
}

fn scope(md: &mut String, plan: &MigrationPlan, objects: &[DirObject]) {
    let simulation = &plan.simulation;
    let _ = writeln!(
        md,
        "## Scope simulation\n\nCloud Sync OU scoping: {}.\n",
        if simulation.cloud_ous.is_empty() {
            "none".to_owned()
        } else {
            simulation.cloud_ous.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(", ")
        }
    );
    let _ = writeln!(md, "| Change | Objects |\n|---|---|");
    for change in [ScopeChange::Kept, ScopeChange::Deleted, ScopeChange::Created, ScopeChange::Neither] {
        let _ = writeln!(md, "| {} | {} |", change.as_str(), simulation.count(change));
    }
    let threshold = plan.config.settings.deletion_threshold as usize;
    let deleted = simulation.count(ScopeChange::Deleted);
    let _ = writeln!(
        md,
        "\nDeletions against the threshold of {threshold}: {deleted} ({}).\n",
        if deleted > threshold { "over: the first export would stop" } else { "within" }
    );
    for (change, title) in LISTED_CHANGES {
        let listed: Vec<_> = simulation.with_change(change).collect();
        if listed.is_empty() {
            continue;
        }
        let _ = writeln!(md, "### {title} ({})\n", listed.len());
        for scoped in listed.iter().take(LISTED) {
            let _ = writeln!(md, "- `{}` ({}): {}", objects[scoped.object].dn(), scoped.class, scoped.why());
        }
        if listed.len() > LISTED {
            let _ = writeln!(md, "- … and {} more (waves.csv lists them all)", listed.len() - LISTED);
        }
        md.push('\n');
    }
}

fn waves(md: &mut String, plan: &MigrationPlan) {
    let _ = writeln!(
        md,
        "## Waves\n\n| Wave | Containers | Objects | By class | Anchors to stamp | Blocking findings |\n|---|---|---|---|---|---|"
    );
    for wave in &plan.waves {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} |",
            wave.name(),
            wave.containers.len(),
            wave.objects.len(),
            wave.classes_text(),
            wave.anchors_missing,
            wave.blocking_count()
        );
    }
    md.push('\n');
    let entra = plan
        .config
        .connectors
        .iter()
        .find(|c| c.kind == ConnectorKind::EntraId)
        .map_or("the Entra ID connector".to_owned(), |c| c.name.clone());
    let mut precedences = Precedences::of(&plan.config);
    let join_no_flow = precedences.next();
    for wave in &plan.waves {
        wave_steps(md, plan, wave, &entra, &join_no_flow, &mut precedences);
    }
}

/// The outbound JoinNoFlow rules' (source / target) types: one per kind of object that moves.
fn outbound_types(plan: &MigrationPlan) -> String {
    let classes: std::collections::BTreeSet<&str> =
        plan.waves.iter().flat_map(|w| w.by_class.iter().map(|(c, _)| c.as_str())).collect();
    let mut types = Vec::new();
    if classes.contains("user") || classes.contains("inetOrgPerson") {
        types.push("person / user");
    }
    if classes.contains("contact") {
        types.push("person / contact");
    }
    if classes.contains("group") {
        types.push("group / group");
    }
    types.join(", ")
}

fn wave_steps(
    md: &mut String,
    plan: &MigrationPlan,
    wave: &Wave,
    entra: &str,
    join_no_flow: &str,
    precedences: &mut Precedences,
) {
    let _ = writeln!(
        md,
        "### Wave {}\n\nContainers (each with what lies below it and no earlier wave took):\n",
        wave.name()
    );
    for container in &wave.containers {
        let _ = writeln!(md, "- `{container}`");
    }
    if wave.objects.len() > wave.limit {
        let option = if wave.number == 1 { "--pilot-size" } else { "--wave-size" };
        let containers: Vec<String> = wave.containers.iter().map(|c| format!("`{c}`")).collect();
        let _ = writeln!(
            md,
            "\nThis wave moves {} objects, more than {option} {}: {} cannot be split by child OUs any further, so it \
             moves as one (split the OU in AD for smaller waves).",
            wave.objects.len(),
            wave.limit,
            containers.join(", ")
        );
    }
    let _ = writeln!(md, "\nPrerequisites:\n");
    if wave.anchors_missing > 0 {
        let _ = writeln!(
            md,
            "- Stamp {}: `syncready apply --plan anchors-wave-{}.csv --ldap ldaps://<dc>` (mS-DS-ConsistencyGuid ← objectGUID).",
            count(wave.anchors_missing, "source anchor"),
            wave.number
        );
    } else {
        let _ = writeln!(md, "- Every object already has mS-DS-ConsistencyGuid.");
    }
    if wave.blocking.is_empty() {
        let _ = writeln!(md, "- No error-severity hygiene findings on these objects.");
    } else {
        let list: Vec<String> = wave.blocking.iter().map(|(e, n)| format!("{e} {n}")).collect();
        let _ = writeln!(
            md,
            "- Fix the error-severity findings on these objects first ({}): see the scan's findings.csv.",
            list.join(", ")
        );
    }
    if wave.number > 1 {
        let _ = writeln!(md, "- Wave {} is verified and stable.", wave.number - 1);
    }
    let _ = writeln!(md, "\nSteps:\n");
    let _ = writeln!(md, "1. Stop the scheduler: `Set-ADSyncScheduler -SyncCycleEnabled $false`.");
    let _ = writeln!(
        md,
        "2. In the Synchronization Rules Editor, add these inbound rules (one per object type and AD connector), so Connect Sync stops flowing these objects:\n"
    );
    let types: Vec<&str> = wave.by_class.iter().map(|(c, _)| c.as_str()).collect();
    for connector in plan.config.ad_connectors() {
        let containers: Vec<&String> =
            wave.containers.iter().filter(|c| connector.partitions.iter().any(|p| is_under(c, &p.dn))).collect();
        if containers.is_empty() {
            continue;
        }
        for class in &types {
            let target = match *class {
                "group" => "group",
                _ => "person",
            };
            let scoping: Vec<String> = containers.iter().map(|c| format!("`dn` ENDSWITH `{c}`")).collect();
            let _ = writeln!(md, "   | In from AD - {class} CloudNoFlow wave {} | |\n   |---|---|", wave.number);
            let _ = writeln!(md, "   | Connector | {} |", connector.name);
            let _ = writeln!(md, "   | Direction | Inbound |");
            let _ = writeln!(md, "   | Precedence | {} (no rule of the export uses it) |", precedences.next());
            let _ = writeln!(md, "   | Source / target object type | {class} / {target} |");
            let _ = writeln!(md, "   | Link type | Join |");
            let _ = writeln!(md, "   | Scoping (any group) | {} |", scoping.join(" OR "));
            let _ = writeln!(md, "   | Transformation | Constant `True` → `cloudNoFlow` (merge: Update) |\n");
        }
    }
    if wave.number == 1 {
        let _ = writeln!(
            md,
            "3. Add the outbound rule that keeps those objects in Entra ID without Connect Sync writing them (once, for every wave):\n"
        );
        let _ = writeln!(md, "   | Out to AAD - cloudNoFlow JoinNoFlow | |\n   |---|---|");
        let _ = writeln!(md, "   | Connector | {entra} |");
        let _ = writeln!(md, "   | Direction | Outbound |");
        let _ = writeln!(md, "   | Precedence | {join_no_flow} (no rule of the export uses it) |");
        let _ = writeln!(md, "   | Source / target object type | {} (one rule each) |", outbound_types(plan));
        let _ = writeln!(md, "   | Link type | JoinNoFlow |");
        let _ = writeln!(md, "   | Scoping | `cloudNoFlow` EQUAL `True` |");
        let _ = writeln!(md, "   | Transformation | none |\n");
    } else {
        let _ = writeln!(md, "3. The outbound JoinNoFlow rule from wave 1 covers this wave too.");
    }
    let _ = writeln!(
        md,
        "4. Run a full synchronization and check the export preview: no deletes or updates to Entra ID for these objects."
    );
    let ous: Vec<String> = wave.containers.iter().map(|c| format!("`{c}`")).collect();
    let _ = writeln!(
        md,
        "5. Add to the Cloud Sync configuration's OU scoping: {}{}.",
        ous.join(", "),
        if wave.number == 1 {
            " (install the provisioning agent and create the configuration first, with Exchange hybrid and password hash sync set as on the Connect server)"
        } else {
            ""
        }
    );
    let created = wave
        .objects
        .iter()
        .filter(|&&i| {
            let at = plan.simulation.objects.binary_search_by_key(&i, |o| o.object);
            at.is_ok_and(|at| plan.simulation.objects[at].change() == ScopeChange::Created)
        })
        .count();
    let matched = wave.objects.len() - created;
    let created_text = match created {
        0 => String::new(),
        n => format!(" and {} created (Connect Sync does not sync them today)", count(n, "object")),
    };
    let _ = writeln!(
        md,
        "6. Verify: the provisioning logs show {} matched (not created){created_text}, and sign-ins work.",
        count(matched, "object")
    );
    let _ = writeln!(md, "7. Restart the scheduler: `Set-ADSyncScheduler -SyncCycleEnabled $true`.\n");
}
