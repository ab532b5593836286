//! A migration plan: the configuration, its readiness assessment, the scope simulation and
//! the waves, built from one configuration export and one scan of the same forests; and the
//! anchor fixes each wave needs, as rows of the review/apply pipeline.

use super::SyncConfig;
use super::readiness::{Assessment, assess};
use super::scope::{ScopeSimulation, simulate};
use super::waves::{Wave, WaveOptions, plan_waves};
use crate::model::{AttrName, DirObject, ObjectGuid, first_rdn_value};
use crate::report::count;
use crate::report::csv::{FindingRow, binary_cell};
use crate::rules::{Finding, Ruleset, Severity};

#[derive(Debug, Clone)]
pub struct MigrationPlan {
    pub config: SyncConfig,
    pub assessment: Assessment,
    pub simulation: ScopeSimulation,
    pub waves: Vec<Wave>,
    /// Error-severity findings on the objects the waves move: fix them before the move.
    pub findings_to_fix: usize,
}

/// Plans the move of `config`'s server to Cloud Sync for the scanned `objects` (with their
/// `findings`); `cloud_ous` empty: Cloud Sync scoped to the containers Connect Sync selects.
pub fn plan_migration(
    config: SyncConfig,
    objects: &[DirObject],
    findings: &[Finding],
    ruleset: &Ruleset,
    cloud_ous: &[String],
    options: &WaveOptions,
) -> Result<MigrationPlan, String> {
    let simulation = simulate(&config, objects, ruleset, cloud_ous);
    let assessment = assess(&config, objects, &simulation);
    let mut assessment = assessment;
    let waves = plan_waves(objects, findings, &simulation, options)?;
    if let Some(tenant) = ruleset.tenant.as_deref().map(|index| &index.tenant) {
        assessment.items.extend(crate::migrate::readiness::assess_matches(tenant, objects, &waves));
    }
    let moving: std::collections::HashSet<usize> = waves.iter().flat_map(|w| w.objects.iter().copied()).collect();
    let findings_to_fix = findings
        .iter()
        .filter(|f| f.severity == Severity::Error && f.object.is_some_and(|o| moving.contains(&(o as usize))))
        .count();
    Ok(MigrationPlan { config, assessment, simulation, waves, findings_to_fix })
}

impl MigrationPlan {
    /// Ready to move: no blocker, and no error-severity finding on an object that moves.
    pub fn is_ready(&self) -> bool {
        self.assessment.blockers() == 0 && self.findings_to_fix == 0
    }

    /// The verdict: ready or not, and what is left.
    pub fn verdict(&self) -> Verdict {
        let warnings = self.assessment.items.iter().filter(|i| i.severity == Severity::Warning).count();
        let detail = if self.is_ready() {
            format!("no blockers and no findings to fix, {} to handle on the way", count(warnings, "warning"))
        } else {
            format!(
                "{}, {} to fix first, and {}",
                count(self.assessment.blockers(), "blocker"),
                count(self.findings_to_fix, "finding"),
                count(warnings, "warning")
            )
        };
        Verdict { ready: self.is_ready(), detail }
    }

    /// The wave each object moves in, by snapshot index.
    pub fn wave_of(&self) -> std::collections::HashMap<usize, usize> {
        self.waves.iter().flat_map(|w| w.objects.iter().map(move |&i| (i, w.number))).collect()
    }

    /// The anchors to stamp before `wave` moves: every object of the wave without
    /// mS-DS-ConsistencyGuid gets its objectGUID, accepted (ACTION EDIT), ready for
    /// `syncready apply`. Objects the scan saw without an objectGUID are left out.
    pub fn anchor_rows(&self, objects: &[DirObject], wave: &Wave) -> Vec<FindingRow> {
        // The simulation lists objects in snapshot order.
        let class_of = |i: usize| {
            let found = self.simulation.objects.binary_search_by_key(&i, |o| o.object);
            found.map_or("user", |at| self.simulation.objects[at].class)
        };
        anchor_stamps(objects, wave)
            .into_iter()
            .map(|stamp| {
                let dn = objects[stamp.object].dn();
                FindingRow {
                    distinguished_name: dn.to_owned(),
                    common_name: first_rdn_value(dn),
                    object_class: class_of(stamp.object).to_owned(),
                    attribute: AttrName::MsDsConsistencyGuid.as_str().to_owned(),
                    error: "SourceAnchor".into(),
                    value: String::new(),
                    update: stamp.anchor,
                    action: "EDIT".into(),
                    rule: "ANC004".into(),
                    severity: "info".into(),
                    fix: "safe".into(),
                    object_guid: stamp.guid.to_string(),
                    detail: format!(
                        "wave {}: Cloud Sync hard-matches on mS-DS-ConsistencyGuid; stamped with the objectGUID, the ImmutableId stays the same",
                        wave.name()
                    ),
                }
            })
            .collect()
    }
}

/// One object of a wave whose source anchor is to be stamped: it has no mS-DS-ConsistencyGuid
/// and gets its objectGUID there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchorStamp {
    /// Its index in the snapshot.
    pub object: usize,
    pub guid: ObjectGuid,
    /// The value to write, as the reports write binary values (base64).
    pub anchor: String,
}

/// The stamps `wave` needs, in the wave's order.
pub fn anchor_stamps(objects: &[DirObject], wave: &Wave) -> Vec<AnchorStamp> {
    wave.objects
        .iter()
        .filter(|&&i| !objects[i].has(&AttrName::MsDsConsistencyGuid))
        .filter_map(|&i| {
            let guid = objects[i].guid()?;
            let (_, bytes) = objects[i].values(&AttrName::ObjectGuid).next()?;
            Some(AnchorStamp { object: i, guid, anchor: binary_cell(bytes.as_bytes()) })
        })
        .collect()
}

/// Whether a plan is ready, and what is left: "Not ready: 0 blockers, 99 findings to fix
/// first, and 2 warnings".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub ready: bool,
    pub detail: String,
}

impl Verdict {
    pub fn word(&self) -> &'static str {
        if self.ready { "Ready" } else { "Not ready" }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.word(), self.detail)
    }
}
