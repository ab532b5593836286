//! Waves: the OUs Cloud Sync will take over, grouped into a pilot and following waves by
//! object counts. A wave scopes whole subtrees (Cloud Sync's OU scoping and the `dn ENDSWITH`
//! cloudNoFlow rules both take subtrees), so a container too big for one wave is split: its
//! child OUs go first, then the container itself with what sits directly in it.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::config::is_under;
use super::scope::{ScopeSimulation, container_of};
use crate::model::{AttrName, DirObject, DnKey, parent_dn};
use crate::rules::{Finding, Severity};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaveOptions {
    /// The pilot takes the smallest OUs up to this many objects (at least one OU).
    pub pilot_size: usize,
    /// The most objects a wave takes (an OU bigger than this is a wave of its own).
    pub wave_size: usize,
}

impl Default for WaveOptions {
    fn default() -> WaveOptions {
        WaveOptions { pilot_size: 50, wave_size: 1_000 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wave {
    /// 1 is the pilot.
    pub number: usize,
    /// The containers the wave scopes (each with its subtree, minus what earlier waves took).
    pub containers: Vec<String>,
    /// Indexes of the wave's objects in the snapshot, in snapshot order.
    pub objects: Vec<usize>,
    /// Objects by class (user, inetOrgPerson, group, contact).
    pub by_class: Vec<(String, usize)>,
    /// Objects without mS-DS-ConsistencyGuid (to stamp before the wave).
    pub anchors_missing: usize,
    /// Error-severity findings on the wave's objects, by error name.
    pub blocking: Vec<(String, usize)>,
    /// The most objects the wave should move: the pilot size for the pilot, else the wave
    /// size. A wave above it is one container that child OUs cannot split any further.
    pub limit: usize,
}

impl Wave {
    pub fn name(&self) -> String {
        if self.number == 1 { "1 (pilot)".into() } else { self.number.to_string() }
    }

    /// The wave's objects by class, as the plans show them: "user 713, group 104".
    pub fn classes_text(&self) -> String {
        let classes: Vec<String> = self.by_class.iter().map(|(c, n)| format!("{c} {n}")).collect();
        classes.join(", ")
    }

    /// How many error-severity findings the wave's objects hold.
    pub fn blocking_count(&self) -> usize {
        self.blocking.iter().map(|(_, n)| n).sum()
    }
}

/// A container taken by one wave.
#[derive(Debug, Clone)]
struct Unit {
    container: String,
    objects: usize,
    /// No other unit lies below it.
    leaf: bool,
}

/// The containers of the objects Cloud Sync will sync, as a tree under the Cloud Sync OUs.
struct Tree {
    /// Normalized DN to (display DN, objects directly in it).
    nodes: BTreeMap<String, (String, usize)>,
    roots: Vec<String>,
}

impl Tree {
    fn children(&self, node: &str) -> Vec<String> {
        self.nodes.keys().filter(|k| parent_dn(k) == node).cloned().collect()
    }

    fn total(&self, node: &str) -> usize {
        let suffix = format!(",{node}");
        self.nodes.iter().filter(|(k, _)| *k == node || k.ends_with(&suffix)).map(|(_, (_, n))| n).sum()
    }

    /// The units under `node`, children before their parent.
    fn units(&self, node: &str, wave_size: usize, out: &mut Vec<Unit>) {
        let total = self.total(node);
        if total == 0 {
            return;
        }
        let children: Vec<String> = self.children(node).into_iter().filter(|c| self.total(c) > 0).collect();
        let (display, direct) = self.nodes[node].clone();
        if total <= wave_size || children.is_empty() {
            out.push(Unit { container: display, objects: total, leaf: true });
            return;
        }
        for child in children {
            self.units(&child, wave_size, out);
        }
        if direct > 0 {
            out.push(Unit { container: display, objects: direct, leaf: false });
        }
    }
}

/// Objects per container, counted with polars.
fn container_counts(containers: Vec<String>) -> PolarsResult<Vec<(String, usize)>> {
    let frame = DataFrame::new_infer_height(vec![Column::new("CONTAINER".into(), containers)])?;
    let counted = frame
        .lazy()
        .group_by([col("CONTAINER")])
        .agg([len().cast(DataType::UInt64).alias("OBJECTS")])
        .sort(["CONTAINER"], SortMultipleOptions::default())
        .collect()?;
    let names = counted.column("CONTAINER")?.str()?;
    let counts = counted.column("OBJECTS")?.u64()?;
    Ok((0..counted.height())
        .map(|i| (names.get(i).unwrap_or_default().to_owned(), counts.get(i).unwrap_or_default() as usize))
        .collect())
}

/// Plans the waves for the objects the simulation puts in Cloud Sync's scope.
pub fn plan_waves(
    objects: &[DirObject],
    findings: &[Finding],
    simulation: &ScopeSimulation,
    options: &WaveOptions,
) -> Result<Vec<Wave>, String> {
    let moving: Vec<usize> = simulation.objects.iter().filter(|o| o.cloud.is_none()).map(|o| o.object).collect();
    let containers: Vec<String> = moving.iter().map(|&i| dn_key(container_of(&objects[i]))).collect();
    let counts = container_counts(containers).map_err(|e| format!("counting objects per container: {e}"))?;
    let mut display: BTreeMap<String, String> = BTreeMap::new();
    for &i in &moving {
        let container = container_of(&objects[i]);
        display.entry(dn_key(container)).or_insert_with(|| container.to_owned());
    }
    let roots: Vec<String> = simulation.cloud_ous.iter().map(|ou| dn_key(ou)).collect();
    let mut tree = Tree { nodes: BTreeMap::new(), roots: Vec::new() };
    for (container, count) in counts {
        let Some(root) = roots.iter().filter(|r| is_under(&container, r)).max_by_key(|r| r.len()) else { continue };
        // The container and every container between it and its Cloud Sync OU.
        let mut node = container.clone();
        loop {
            let shown = display.get(&node).cloned().unwrap_or_else(|| original_case(&simulation.cloud_ous, &node));
            tree.nodes.entry(node.clone()).or_insert((shown, 0));
            if node == *root || parent_dn(&node).is_empty() {
                break;
            }
            node = parent_dn(&node).to_owned();
        }
        tree.nodes.get_mut(&container).expect("just added").1 += count;
        if !tree.roots.contains(root) {
            tree.roots.push(root.clone());
        }
    }
    // The pilot's candidates are split down to the pilot size, the waves' to the wave size.
    let (mut pilot_units, mut units) = (Vec::new(), Vec::new());
    for root in tree.roots.clone() {
        tree.units(&root, options.pilot_size, &mut pilot_units);
        tree.units(&root, options.wave_size, &mut units);
    }
    let mut waves: Vec<Wave> = group_units(pilot_units, units, options)
        .into_iter()
        .enumerate()
        .map(|(i, containers)| Wave {
            number: i + 1,
            containers,
            objects: Vec::new(),
            by_class: Vec::new(),
            anchors_missing: 0,
            blocking: Vec::new(),
            limit: if i == 0 { options.pilot_size } else { options.wave_size },
        })
        .collect();
    let classes: BTreeMap<usize, &'static str> = simulation.objects.iter().map(|o| (o.object, o.class)).collect();
    assign(&mut waves, objects, findings, &moving, &classes);
    Ok(waves)
}

/// The tree's key of a container: its [`DnKey`] as text, whose parent is its parent's key.
fn dn_key(dn: &str) -> String {
    DnKey::of(dn).as_str().to_owned()
}

fn original_case(ous: &[String], normalized: &str) -> String {
    ous.iter().find(|ou| dn_key(ou) == normalized).cloned().unwrap_or_else(|| normalized.to_owned())
}

/// The pilot (the smallest leaf units split to the pilot size, up to the pilot size, at least
/// one), then the rest in order, packed up to the wave size.
fn group_units(pilot_units: Vec<Unit>, units: Vec<Unit>, options: &WaveOptions) -> Vec<Vec<String>> {
    let mut smallest: Vec<&Unit> = pilot_units.iter().filter(|u| u.leaf).collect();
    smallest.sort_by(|a, b| (a.objects, &a.container).cmp(&(b.objects, &b.container)));
    let mut pilot: Vec<String> = Vec::new();
    let mut pilot_objects = 0;
    for unit in smallest {
        if !pilot.is_empty() && pilot_objects + unit.objects > options.pilot_size {
            break;
        }
        pilot.push(unit.container.clone());
        pilot_objects += unit.objects;
    }
    let mut groups = vec![pilot.clone()];
    let mut current: Vec<String> = Vec::new();
    let mut current_objects = 0;
    for unit in units.iter().filter(|u| !pilot.contains(&u.container)) {
        if !current.is_empty() && current_objects + unit.objects > options.wave_size {
            groups.push(std::mem::take(&mut current));
            current_objects = 0;
        }
        current.push(unit.container.clone());
        current_objects += unit.objects;
    }
    if !current.is_empty() {
        groups.push(current);
    }
    groups.retain(|g| !g.is_empty());
    groups
}

/// Assigns every moving object to its wave (the deepest container of any wave that holds it)
/// and fills in the wave's counts.
fn assign(
    waves: &mut [Wave],
    objects: &[DirObject],
    findings: &[Finding],
    moving: &[usize],
    classes: &BTreeMap<usize, &'static str>,
) {
    let owner: std::collections::HashMap<String, usize> =
        waves.iter().enumerate().flat_map(|(w, wave)| wave.containers.iter().map(move |c| (dn_key(c), w))).collect();
    let mut wave_of = BTreeMap::new();
    for &i in moving {
        // Up from the object's container to the first one a wave scopes.
        let mut container = dn_key(container_of(&objects[i]));
        let found = loop {
            if let Some(&w) = owner.get(&container) {
                break Some(w);
            }
            if parent_dn(&container).is_empty() {
                break None;
            }
            container = parent_dn(&container).to_owned();
        };
        if let Some(w) = found {
            waves[w].objects.push(i);
            wave_of.insert(i, w);
        }
    }
    let mut blocking: Vec<BTreeMap<String, usize>> = vec![BTreeMap::new(); waves.len()];
    for finding in findings.iter().filter(|f| f.severity == Severity::Error) {
        if let Some(&w) = finding.object.and_then(|o| wave_of.get(&(o as usize))) {
            for error in finding.errors() {
                *blocking[w].entry(error.as_str().to_owned()).or_default() += 1;
            }
        }
    }
    for (w, wave) in waves.iter_mut().enumerate() {
        let mut by_class: BTreeMap<String, usize> = BTreeMap::new();
        for &i in &wave.objects {
            *by_class.entry(classes.get(&i).copied().unwrap_or("user").to_owned()).or_default() += 1;
        }
        wave.by_class = by_class.into_iter().collect();
        wave.anchors_missing =
            wave.objects.iter().filter(|&&i| !objects[i].has(&AttrName::MsDsConsistencyGuid)).count();
        let mut errors: Vec<(String, usize)> = std::mem::take(&mut blocking[w]).into_iter().collect();
        errors.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        wave.blocking = errors;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::scope::ObjectScope;
    use crate::model::ObjectBuilder;

    #[test]
    fn an_ou_with_an_escaped_comma_is_one_container() {
        let mut builder = ObjectBuilder::default();
        let dns = [r"CN=A,OU=Sales\, East,DC=x", r"CN=B,OU=Sales\, East,DC=x", "CN=C,OU=North,DC=x"];
        let objects: Vec<DirObject> = dns
            .iter()
            .map(|dn| {
                builder.set_dn(dn);
                builder.add_text(AttrName::ObjectClass, "user");
                builder.build()
            })
            .collect();
        let simulation = ScopeSimulation {
            cloud_ous: vec!["DC=x".into()],
            objects: (0..3).map(|object| ObjectScope { object, class: "user", connect: None, cloud: None }).collect(),
            unevaluated: Default::default(),
        };
        let options = WaveOptions { pilot_size: 1, wave_size: 2 };
        let waves = plan_waves(&objects, &[], &simulation, &options).unwrap();
        let containers: Vec<(Vec<String>, Vec<usize>)> =
            waves.iter().map(|w| (w.containers.clone(), w.objects.clone())).collect();
        assert_eq!(
            containers,
            [(vec!["OU=North,DC=x".to_owned()], vec![2]), (vec![r"OU=Sales\, East,DC=x".to_owned()], vec![0, 1])]
        );
    }
}
