//! Scope simulation: which users, groups and contacts Connect Sync syncs today (partitions,
//! container filters, object types, the provisioning rules' scoping, attribute filtering and
//! the system objects it filters), which the proposed Cloud Sync OU scoping would sync, and
//! every object whose fate changes.

use std::collections::{BTreeSet, HashMap};

use super::config::{ConnectorKind, Direction, Partition, ScopeCondition, SyncConfig, SyncRule, is_under};
use super::expressions::is_attribute_filter;
use crate::model::{AttrName, DirObject};
use crate::model::{DnKey, parent_dn};
use crate::rules::{Ruleset, Scope, scope::classify};

/// What happens to one object when the scoping moves to Cloud Sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ScopeChange {
    /// Synced by both.
    Kept,
    /// Synced by Connect Sync, not by Cloud Sync: deleted from Entra ID.
    Deleted,
    /// Synced by Cloud Sync only: newly created in Entra ID.
    Created,
    /// Synced by neither.
    Neither,
}

impl ScopeChange {
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeChange::Kept => "kept",
            ScopeChange::Deleted => "deleted",
            ScopeChange::Created => "created",
            ScopeChange::Neither => "out of scope",
        }
    }
}

/// One user, group or contact: `None` where it syncs, the reason where it does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectScope {
    /// Index in the scanned snapshot.
    pub object: usize,
    pub class: &'static str,
    pub connect: Option<String>,
    pub cloud: Option<String>,
}

impl ObjectScope {
    pub fn change(&self) -> ScopeChange {
        match (self.connect.is_none(), self.cloud.is_none()) {
            (true, true) => ScopeChange::Kept,
            (true, false) => ScopeChange::Deleted,
            (false, true) => ScopeChange::Created,
            (false, false) => ScopeChange::Neither,
        }
    }

    /// Why the object changes: why Cloud Sync leaves out an object it deletes, why Connect
    /// Sync left out one it creates.
    pub fn why(&self) -> &str {
        let reason = if self.change() == ScopeChange::Deleted { &self.cloud } else { &self.connect };
        reason.as_deref().unwrap_or_default()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeSimulation {
    /// The OUs the Cloud Sync configuration is scoped to.
    pub cloud_ous: Vec<String>,
    pub objects: Vec<ObjectScope>,
    /// Scoping operators found in the rules that the simulation cannot evaluate (treated as
    /// matching).
    pub unevaluated: BTreeSet<String>,
}

impl ScopeSimulation {
    pub fn count(&self, change: ScopeChange) -> usize {
        self.with_change(change).count()
    }

    /// The objects whose scope changes so, in snapshot order.
    pub fn with_change(&self, change: ScopeChange) -> impl Iterator<Item = &ObjectScope> {
        self.objects.iter().filter(move |o| o.change() == change)
    }
}

/// The OUs a Cloud Sync configuration would be scoped to by default: every selected
/// container of every AD connector (Cloud Sync scopes by OU, without exclusions).
pub fn default_cloud_ous(config: &SyncConfig) -> Vec<String> {
    let mut ous: Vec<String> =
        config.ad_connectors().flat_map(|c| c.selected_partitions()).flat_map(Partition::selected_containers).collect();
    ous.sort_by_cached_key(|ou| DnKey::of(ou));
    ous.dedup_by_key(|ou| DnKey::of(ou));
    ous
}

/// The standard inbound provisioning scoping the wizard writes, for exports without the
/// standard rules (the wizard's JSON).
fn standard_scoping(class: &str) -> Vec<ScopeCondition> {
    let condition = |attribute: &str, operator: &str, value: &str| ScopeCondition {
        attribute: attribute.into(),
        operator: operator.into(),
        value: value.into(),
    };
    let critical = condition("isCriticalSystemObject", "NOTEQUAL", "TRUE");
    match class {
        "user" => vec![critical, condition("adminDescription", "NOTSTARTSWITH", "User_")],
        "group" => vec![critical, condition("adminDescription", "NOTSTARTSWITH", "Group_")],
        "inetOrgPerson" => vec![critical],
        _ => Vec::new(),
    }
}

/// Evaluates scoping conditions against objects.
struct Evaluator<'a> {
    /// Lower-case DN of each group to the lower-case DNs of its members.
    members: HashMap<DnKey, BTreeSet<DnKey>>,
    unevaluated: BTreeSet<String>,
    objects: &'a [DirObject],
}

impl Evaluator<'_> {
    fn values(&self, object: &DirObject, attribute: &str) -> Vec<String> {
        if attribute.eq_ignore_ascii_case("dn") || attribute.eq_ignore_ascii_case("distinguishedName") {
            return vec![object.dn().to_owned()];
        }
        object.texts(&AttrName::parse(attribute)).map(str::to_owned).collect()
    }

    fn matches(&mut self, object: &DirObject, condition: &ScopeCondition) -> bool {
        let values = self.values(object, &condition.attribute);
        let wanted = condition.value.to_lowercase();
        let any = |test: &dyn Fn(&str) -> bool| values.iter().any(|v| test(&v.to_lowercase()));
        let number = |text: &str| text.trim().parse::<i64>().ok();
        let bits = |v: &str| {
            let mask = number(&condition.value).unwrap_or(0);
            number(v).is_some_and(|n| n & mask == mask)
        };
        match condition.operator.as_str() {
            "EQUAL" => any(&|v| v == wanted),
            "NOTEQUAL" => !any(&|v| v == wanted),
            "STARTSWITH" => any(&|v| v.starts_with(&wanted)),
            "NOTSTARTSWITH" => !any(&|v| v.starts_with(&wanted)),
            "ENDSWITH" => any(&|v| v.ends_with(&wanted)),
            "NOTENDSWITH" => !any(&|v| v.ends_with(&wanted)),
            "CONTAINS" => any(&|v| v.contains(&wanted)),
            "NOTCONTAINS" => !any(&|v| v.contains(&wanted)),
            "ISNULL" => values.is_empty(),
            "ISNOTNULL" => !values.is_empty(),
            "ISBITSET" => values.iter().any(|v| bits(v)),
            "ISBITNOTSET" => !values.iter().any(|v| bits(v)),
            "LESSTHAN" => values.iter().any(|v| number(v).zip(number(&wanted)).is_some_and(|(a, b)| a < b)),
            "GREATERTHAN" => values.iter().any(|v| number(v).zip(number(&wanted)).is_some_and(|(a, b)| a > b)),
            "ISMEMBEROF" | "ISNOTMEMBEROF" => {
                let member =
                    self.members.get(&DnKey::of(&condition.value)).is_some_and(|m| m.contains(&DnKey::of(object.dn())));
                member == (condition.operator == "ISMEMBEROF")
            }
            other => {
                self.unevaluated.insert(other.to_owned());
                true
            }
        }
    }

    /// Whether the object passes `scoping` (any group whose conditions all match; none: all).
    fn in_scope(&mut self, object: &DirObject, scoping: &[Vec<ScopeCondition>]) -> bool {
        scoping.is_empty() || scoping.iter().any(|group| group.iter().all(|c| self.matches(object, c)))
    }
}

fn member_index(objects: &[DirObject]) -> HashMap<DnKey, BTreeSet<DnKey>> {
    objects
        .iter()
        .filter(|o| o.has_class("group"))
        .map(|g| (DnKey::of(g.dn()), g.texts(&AttrName::parse("member")).map(DnKey::of).collect()))
        .collect()
}

/// Runs the simulation over `objects` with Cloud Sync scoped to `cloud_ous` (empty: the
/// default, [`default_cloud_ous`]).
pub fn simulate(
    config: &SyncConfig,
    objects: &[DirObject],
    ruleset: &Ruleset,
    cloud_ous: &[String],
) -> ScopeSimulation {
    let cloud_ous = if cloud_ous.is_empty() { default_cloud_ous(config) } else { cloud_ous.to_vec() };
    let mut evaluator = Evaluator { members: member_index(objects), unevaluated: BTreeSet::new(), objects };
    let cloud_keys: Vec<DnKey> = cloud_ous.iter().map(|ou| DnKey::of(ou)).collect();
    let rules = RuleIndex::of(config);
    let mut scoped = Vec::new();
    for (index, object) in evaluator.objects.iter().enumerate() {
        let (class, system) = match classify(object, ruleset) {
            Scope::Checked(kind) => (kind.class_name(), None),
            Scope::Skipped(reason) => {
                (skipped_class(object), Some(format!("filtered as a system object ({})", reason.as_str())))
            }
            Scope::OutOfScope(_) => continue,
        };
        let filters = filter_reason(&rules, object, class, &mut evaluator);
        let connect = connect_reason(config, &rules, object, class, &mut evaluator)
            .or_else(|| system.clone())
            .or_else(|| filters.clone());
        let dn = DnKey::of(object.dn());
        let under_cloud_ou = cloud_keys.iter().any(|ou| dn.is_within(ou));
        let cloud = if under_cloud_ou { system.or(filters) } else { Some("not under a Cloud Sync OU".to_owned()) };
        scoped.push(ObjectScope { object: index, class, connect, cloud });
    }
    ScopeSimulation { cloud_ous, objects: scoped, unevaluated: evaluator.unevaluated }
}

/// The rules the simulation applies, gathered once per simulation rather than per object;
/// keys are lower case.
struct RuleIndex<'c> {
    /// Enabled inbound provisioning rules by (connector, object class).
    provisioning: HashMap<(String, String), Vec<&'c SyncRule>>,
    /// Enabled attribute-filtering rules of AD connectors by object class.
    filters: HashMap<String, Vec<&'c SyncRule>>,
}

impl<'c> RuleIndex<'c> {
    fn of(config: &'c SyncConfig) -> RuleIndex<'c> {
        let mut index = RuleIndex { provisioning: HashMap::new(), filters: HashMap::new() };
        for rule in config.rules.iter().filter(|r| !r.disabled) {
            let class = rule.source_type.to_lowercase();
            if rule.direction == Direction::Inbound && rule.link_type.eq_ignore_ascii_case("Provision") {
                index.provisioning.entry((rule.connector.clone(), class.clone())).or_default().push(rule);
            }
            let ad = config.connector(&rule.connector).is_some_and(|c| c.kind == ConnectorKind::ActiveDirectory);
            if ad && is_attribute_filter(rule) {
                index.filters.entry(class).or_default().push(rule);
            }
        }
        index
    }
}

fn skipped_class(object: &DirObject) -> &'static str {
    ["inetOrgPerson", "user", "contact", "group"].into_iter().find(|c| object.has_class(c)).unwrap_or("user")
}

/// Why Connect Sync does not sync the object (partitions, containers, types, provisioning).
fn connect_reason(
    config: &SyncConfig,
    rules: &RuleIndex<'_>,
    object: &DirObject,
    class: &str,
    evaluator: &mut Evaluator<'_>,
) -> Option<String> {
    let dn = object.dn();
    let found = config
        .ad_connectors()
        .flat_map(|c| c.partitions.iter().map(move |p| (c, p)))
        .filter(|(_, p)| is_under(dn, &p.dn))
        .max_by_key(|(_, p)| p.dn.len());
    let Some((connector, partition)) = found else {
        return Some("no AD connector partition holds it".into());
    };
    if !partition.selected {
        return Some(format!("partition {} is not selected", partition.dn));
    }
    if !partition.object_classes.is_empty() && !partition.object_classes.iter().any(|c| c.eq_ignore_ascii_case(class)) {
        return Some(format!("object type {class} is not selected"));
    }
    if !partition.contains(dn) {
        let excluded = partition.exclusions.iter().filter(|e| is_under(dn, e)).max_by_key(|e| e.len());
        return Some(match excluded {
            Some(container) => format!("container {container} is excluded"),
            None => "not in a selected container".into(),
        });
    }
    let key = (connector.id.clone(), class.to_lowercase());
    let provisioning: &[&SyncRule] = rules.provisioning.get(&key).map_or(&[], Vec::as_slice);
    let provisioned = if provisioning.is_empty() {
        evaluator.in_scope(object, &[standard_scoping(class)])
    } else {
        provisioning.iter().any(|rule| evaluator.in_scope(object, &rule.scoping))
    };
    if !provisioned {
        let names: Vec<&str> = provisioning.iter().map(|r| r.name.as_str()).collect();
        let rules = if names.is_empty() { "the standard provisioning scoping".to_owned() } else { names.join(", ") };
        return Some(format!("outside the scoping of {rules}"));
    }
    if !connector.filter_group.is_empty()
        && !evaluator.members.get(&DnKey::of(&connector.filter_group)).is_some_and(|m| m.contains(&DnKey::of(dn)))
    {
        return Some(format!("not a member of the filtering group {}", connector.filter_group));
    }
    None
}

/// The attribute-filtering rule (a custom rule setting cloudFiltered) that leaves it out.
fn filter_reason(
    rules: &RuleIndex<'_>,
    object: &DirObject,
    class: &str,
    evaluator: &mut Evaluator<'_>,
) -> Option<String> {
    let filters = rules.filters.get(&class.to_lowercase()).map_or(&[][..], Vec::as_slice);
    filters
        .iter()
        .find(|r| evaluator.in_scope(object, &r.scoping))
        .map(|r| format!("filtered by the rule '{}'", r.name))
}

/// The container an object sits in.
pub fn container_of(object: &DirObject) -> &str {
    parent_dn(object.dn())
}
