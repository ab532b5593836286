//! The review as the app holds it, without egui: the scan's findings and objects, a decision
//! and a write result per finding, the table's order (sorted by a column), the rows the
//! filters let through, the selected row and the picked ones, and the plan of the accepted
//! decisions. The window draws it and forwards clicks and keys to it; tests drive it directly.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use super::filters::{Choices, Filters, ObjectSet};
use super::review_files;
use crate::fix::journal::Outcome;
use crate::fix::{Action, Change, ReviewState};
use crate::model::{DirObject, DnKey};
use crate::rules::Finding;

/// What happened to one row when its change was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowResult {
    /// "applied", "conflict", "failed", "skipped", or the same with "undo" for an undo.
    pub word: &'static str,
    pub ok: bool,
    pub message: String,
}

impl RowResult {
    pub fn of(outcome: Outcome, message: &str, undo: bool) -> RowResult {
        let word = match (outcome, undo) {
            (Outcome::Applied, false) => "applied",
            (Outcome::Applied, true) => "undone",
            (Outcome::Conflict, false) => "conflict",
            (Outcome::Conflict, true) => "undo conflict",
            (Outcome::Failed, false) => "failed",
            (Outcome::Failed, true) => "undo failed",
            (Outcome::Skipped, _) => "skipped",
        };
        RowResult { word, ok: outcome == Outcome::Applied, message: message.to_owned() }
    }
}

/// A column of the findings table: IdFix's, then the rule's message and syncready's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Column {
    Dn,
    Name,
    Class,
    Attribute,
    Error,
    /// What is wrong: the failing rules' messages.
    Problem,
    Value,
    Update,
    Action,
    Rule,
    Severity,
    Fix,
    Result,
}

impl Column {
    pub const ALL: [Column; 13] = [
        Column::Dn,
        Column::Name,
        Column::Class,
        Column::Attribute,
        Column::Error,
        Column::Problem,
        Column::Value,
        Column::Update,
        Column::Action,
        Column::Rule,
        Column::Severity,
        Column::Fix,
        Column::Result,
    ];

    /// The header, which is also the column's accessible name.
    pub fn title(self) -> &'static str {
        match self {
            Column::Dn => "DN",
            Column::Name => "Name",
            Column::Class => "Class",
            Column::Attribute => "Attribute",
            Column::Error => "Error",
            Column::Problem => "Problem",
            Column::Value => "Value",
            Column::Update => "Update",
            Column::Action => "Action",
            Column::Rule => "Rule",
            Column::Severity => "Severity",
            Column::Fix => "Fix",
            Column::Result => "Result",
        }
    }

    /// Whether a new window shows it: what a review needs fits a 1024-pixel window; the DN, the
    /// class, the rule code and the fix safety are in the details and one click away.
    pub fn shown_by_default(self) -> bool {
        !matches!(self, Column::Dn | Column::Class | Column::Rule | Column::Fix)
    }

    /// The narrowest it gets: the Action drop-down keeps its words.
    pub fn min_width(self) -> f32 {
        if self == Column::Action { 100.0 } else { 40.0 }
    }

    /// Its share of the table's width.
    pub fn weight(self) -> f32 {
        match self {
            Column::Dn => 2.0,
            Column::Problem => 1.8,
            Column::Value | Column::Update => 1.4,
            Column::Action => 1.3,
            Column::Name | Column::Attribute => 1.0,
            Column::Error | Column::Rule => 0.7,
            Column::Class | Column::Severity | Column::Fix | Column::Result => 0.6,
        }
    }
}

/// What a row's drop-down or right-click menu chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowChoice {
    /// Accept the proposed value (the drop-down's "Edit": the proposed or the current value,
    /// to change in place).
    Edit,
    Remove,
    LeaveAsIs,
    Undecided,
    CopyDn,
    CopyValue,
    /// Only the rows of this object.
    ShowObject,
    /// Only the rows of this object and of the others that hold its value.
    ShowHolders,
}

/// What a row choice did, for the window to finish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chosen {
    /// Decisions changed; the status line says so.
    Decided(String),
    /// The text to put on the clipboard.
    Copy(String),
    /// The row's new value is to be typed in place.
    EditInPlace,
    /// The table now shows only some objects.
    Filtered,
}

/// How a click picks rows, as in Explorer and IdFix's grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// This row alone.
    One,
    /// This row in or out of the picked ones (Ctrl), the rows picked before kept.
    Toggle,
    /// Every row from the selected one (the last clicked) to this one (Shift), in place of the
    /// picked ones.
    Range,
    /// The same range added to the picked ones (Ctrl+Shift).
    AddRange,
}

/// The review of one scan.
#[derive(Default)]
pub struct ReviewModel {
    pub(super) findings: Arc<Vec<Finding>>,
    pub(super) review: ReviewState,
    /// The result of writing each finding's change, once applied or undone.
    pub(super) outcomes: Vec<Option<RowResult>>,
    /// The scanned objects, for the details of the selected row.
    pub(super) objects: Arc<Vec<DirObject>>,
    pub(super) choices: Choices,
    pub(super) filters: Filters,
    /// Every finding's index in sort order; `visible` is the filtered part of it.
    order: Vec<usize>,
    pub(super) visible: Vec<usize>,
    /// Sort column and direction (true: ascending).
    pub(super) sort: Option<(Column, bool)>,
    /// The row the details show, as a position in `visible`.
    pub(super) selected: Option<usize>,
    /// Rows picked with a click, Ctrl or Shift, by finding index.
    pub(super) picked: Vec<bool>,
}

impl ReviewModel {
    /// Takes a new scan's findings, keeping the decisions of the previous scan's findings
    /// where the object still holds the same value.
    pub fn load(&mut self, findings: Vec<Finding>, objects: Vec<DirObject>) {
        self.review = self.carried_over(&findings);
        self.outcomes = vec![None; findings.len()];
        self.picked = vec![false; findings.len()];
        self.choices = Choices::of(&findings);
        self.findings = Arc::new(findings);
        self.objects = Arc::new(objects);
        self.order = (0..self.findings.len()).collect();
        self.apply_sort();
        self.refresh();
    }

    /// Decisions for new findings: those of the previous scan where the object still holds the
    /// same value (a re-scan keeps the review of unchanged objects).
    fn carried_over(&self, findings: &[Finding]) -> ReviewState {
        let previous: HashMap<_, _> = self
            .findings
            .iter()
            .zip(&self.review.decisions)
            .filter(|(_, d)| **d != Action::Undecided)
            .map(|(f, d)| (review_files::decision_key(&f.dn, f.attribute.as_str(), &f.value), d.clone()))
            .collect();
        let mut review = ReviewState::new(findings);
        if !previous.is_empty() {
            review_files::take_decisions(findings, &mut review.decisions, &previous);
        }
        review
    }

    /// Sorts by `column`: ascending, or descending when it already sorts ascending by it.
    pub fn sort_by(&mut self, column: Column) {
        self.sort = match self.sort {
            Some((c, true)) if c == column => Some((column, false)),
            _ => Some((column, true)),
        };
        self.apply_sort();
        self.refresh();
    }

    fn apply_sort(&mut self) {
        let Some((column, ascending)) = self.sort else {
            self.order.sort_unstable();
            return;
        };
        let (findings, decisions, outcomes) = (&self.findings, &self.review.decisions, &self.outcomes);
        self.order.sort_by_cached_key(|&i| sort_key(&findings[i], &decisions[i], &outcomes[i], column));
        if !ascending {
            self.order.reverse();
        }
    }

    /// Replaces every filter and recomputes the visible rows.
    pub fn set_filters(&mut self, filters: Filters) {
        self.filters = filters;
        self.refresh();
    }

    /// Recomputes the visible rows, keeping the selected finding selected when it still shows.
    pub fn refresh(&mut self) {
        let selected = self.selected_finding();
        self.visible = self.filters.apply(&self.order, &self.findings, &self.review.decisions);
        self.selected = selected.and_then(|index| self.visible.iter().position(|&i| i == index));
    }

    /// The selected finding's index.
    pub fn selected_finding(&self) -> Option<usize> {
        self.selected.and_then(|s| self.visible.get(s).copied())
    }

    /// Selects a row by its position in the visible list; it is then the one picked row.
    pub fn select(&mut self, position: usize) {
        self.selected = (position < self.visible.len()).then_some(position);
        self.pick_selected_alone();
    }

    /// Makes the selected row the only picked one.
    fn pick_selected_alone(&mut self) {
        self.picked.iter_mut().for_each(|p| *p = false);
        if let Some(index) = self.selected_finding() {
            self.picked[index] = true;
        }
    }

    /// Moves the selection one row down (or up), starting at the first row.
    pub fn step_selection(&mut self, down: bool) {
        let last = self.visible.len().saturating_sub(1);
        self.selected = Some(match (self.selected, down) {
            (None, _) => 0,
            (Some(s), true) => (s + 1).min(last),
            (Some(s), false) => s.saturating_sub(1),
        });
        self.pick_selected_alone();
    }

    /// A click on the row at `position`: it becomes the selected one, and picks rows as `pick`
    /// says.
    pub fn click(&mut self, position: usize, pick: Pick) {
        let Some(&index) = self.visible.get(position) else { return };
        match pick {
            Pick::Range | Pick::AddRange => {
                if pick == Pick::Range {
                    self.picked.iter_mut().for_each(|p| *p = false);
                }
                let from = self.selected.unwrap_or(position);
                for p in from.min(position)..=from.max(position) {
                    self.picked[self.visible[p]] = true;
                }
            }
            Pick::Toggle => self.picked[index] = !self.picked[index],
            Pick::One => {}
        }
        self.selected = Some(position);
        if pick == Pick::One {
            self.pick_selected_alone();
        }
    }

    /// The findings an action on "the selection" acts on: the picked rows, or the selected one.
    pub fn selection(&self) -> Vec<usize> {
        let picked: Vec<usize> = self.visible.iter().copied().filter(|&i| self.picked[i]).collect();
        if picked.is_empty() { self.selected_finding().into_iter().collect() } else { picked }
    }

    /// Accepts the selected row's proposed value, or takes the decision back.
    pub fn toggle_selected(&mut self) {
        let Some(index) = self.selected_finding() else { return };
        let finding = &self.findings[index];
        let decision = &mut self.review.decisions[index];
        *decision = match (&decision, &finding.update) {
            (Action::Undecided, Some(update)) => Action::Edit(update.clone()),
            _ => Action::Undecided,
        };
    }

    /// Whether the table highlights the row at `position`: the picked rows (a Ctrl+click that
    /// takes the selected row out of the picks leaves it selected, not highlighted, as in
    /// Explorer).
    pub fn is_highlighted(&self, position: usize) -> bool {
        self.visible.get(position).is_some_and(|&i| self.picked[i])
    }

    /// Picks every row the filters let through (Ctrl+A).
    pub fn pick_visible(&mut self) {
        for &index in &self.visible {
            self.picked[index] = true;
        }
    }

    /// Carries out `choice` on the row at `position`: on that row alone, or with `on_picks`
    /// (the right-click menu) on every picked row when that row is one of them.
    pub fn choose(&mut self, position: usize, choice: RowChoice, on_picks: bool) -> Option<Chosen> {
        let &index = self.visible.get(position)?;
        let rows = if on_picks && self.picked[index] { self.selection() } else { vec![index] };
        let finding = &self.findings[index];
        let rows_text = crate::report::count(rows.len(), "row");
        let chosen = match choice {
            RowChoice::Edit if !on_picks => {
                let value = finding.update.clone().unwrap_or_else(|| finding.value.clone());
                self.review.decisions[index] = Action::Edit(value);
                self.selected = Some(position);
                Chosen::EditInPlace
            }
            RowChoice::Edit => {
                let accepted = self.review.accept_at(&self.findings, &rows, true);
                Chosen::Decided(format!("Accepted {accepted} proposed fixes of {rows_text}."))
            }
            RowChoice::Remove => {
                let removable: Vec<usize> =
                    rows.iter().copied().filter(|&i| !self.findings[i].value.is_empty()).collect();
                self.review.set(&removable, &Action::Remove);
                Chosen::Decided(format!("{} to remove.", crate::report::count(removable.len(), "value")))
            }
            RowChoice::LeaveAsIs => {
                self.review.set(&rows, &Action::Complete);
                Chosen::Decided(format!("{rows_text} left as they are."))
            }
            RowChoice::Undecided => {
                self.review.set(&rows, &Action::Undecided);
                Chosen::Decided(format!("{rows_text} undecided again."))
            }
            RowChoice::CopyDn => Chosen::Copy(finding.dn.clone()),
            RowChoice::CopyValue => Chosen::Copy(finding.value.clone()),
            RowChoice::ShowObject => {
                let description = format!("the rows of {}", finding.common_name);
                self.show_objects(finding.object.into_iter().collect(), description);
                Chosen::Filtered
            }
            RowChoice::ShowHolders => {
                let mut objects = finding.holders.clone();
                objects.extend(finding.object);
                let description = format!(
                    "{} and {} of its {}",
                    finding.common_name,
                    crate::report::count(finding.holders.len(), "other holder"),
                    finding.attribute
                );
                self.show_objects(objects, description);
                Chosen::Filtered
            }
        };
        Some(chosen)
    }

    /// Shows only the rows of `objects`, the other filters cleared.
    fn show_objects(&mut self, mut objects: Vec<u32>, description: String) {
        objects.sort_unstable();
        objects.dedup();
        self.filters = Filters { objects: Some(ObjectSet { indexes: objects, description }), ..Filters::default() };
        self.refresh();
    }

    /// Takes back every decision.
    pub fn clear_decisions(&mut self) {
        self.review = ReviewState::new(&self.findings);
    }

    /// Selects the first row of the object at snapshot index `object`, clearing the filters
    /// when they hide it; returns the row's position.
    pub fn jump_to(&mut self, object: u32) -> Option<usize> {
        if !self.visible.iter().any(|&i| self.findings[i].object == Some(object)) {
            self.filters = Filters::default();
            self.refresh();
        }
        self.selected = self.visible.iter().position(|&i| self.findings[i].object == Some(object));
        self.pick_selected_alone();
        self.selected
    }

    /// What plans the accepted decisions as they are now, on a worker; the plan is checked as
    /// `syncready apply` checks a CSV.
    pub fn planner(&self) -> impl FnOnce() -> Result<Vec<Change>, String> + Send + 'static {
        let (findings, decisions) = (self.findings.clone(), self.review.decisions.clone());
        move || review_files::plan(Path::new("review"), &findings, &decisions).map_err(|e| e.to_string())
    }

    /// Takes a write's results: an apply's by the findings its changes came from, an undo's
    /// on every applied row of the object it undid.
    pub fn record_results(&mut self, changes: &[Change], results: &[(usize, String, Outcome, String)], undo: bool) {
        // An undo names objects: their applied rows, found through one map (not a pass over
        // every finding per result).
        let mut applied: HashMap<DnKey, Vec<usize>> = HashMap::new();
        if undo {
            for (index, slot) in self.outcomes.iter().enumerate() {
                if slot.as_ref().is_some_and(|r| r.word == "applied") {
                    applied.entry(DnKey::of(&self.findings[index].dn)).or_default().push(index);
                }
            }
        }
        for (seq, dn, outcome, message) in results {
            let result = RowResult::of(*outcome, message, undo);
            if undo {
                // Once undone, the rows are no longer applied: a second result for the object
                // finds none.
                for index in applied.remove(&DnKey::of(dn)).unwrap_or_default() {
                    self.outcomes[index] = Some(result.clone());
                }
                continue;
            }
            let decided = seq.checked_sub(1).and_then(|i| changes.get(i)).map(|c| c.decisions.as_slice());
            for &index in decided.unwrap_or_default() {
                if let Some(slot) = self.outcomes.get_mut(index) {
                    *slot = Some(result.clone());
                }
            }
        }
    }
}

/// The key a column sorts by (the Action and Result columns sort by the review's state).
pub fn sort_key(finding: &Finding, decision: &Action, outcome: &Option<RowResult>, column: Column) -> String {
    match column {
        Column::Dn => finding.dn.to_lowercase(),
        Column::Name => finding.common_name.to_lowercase(),
        Column::Class => finding.object_class.to_owned(),
        Column::Attribute => finding.attribute.as_str().to_lowercase(),
        Column::Error => finding.error_text(),
        Column::Problem => problem(finding),
        Column::Value => finding.value.to_lowercase(),
        Column::Update => finding.update.as_deref().unwrap_or_default().to_lowercase(),
        Column::Action => decision.label().to_owned(),
        Column::Rule => finding.rule_text(),
        Column::Severity => (finding.severity as u8).to_string(),
        Column::Fix => finding.fix.as_str().to_owned(),
        Column::Result => outcome.as_ref().map_or("", |r| r.word).to_owned(),
    }
}

/// The Problem column: the failing rules' messages.
pub fn problem(finding: &Finding) -> String {
    let messages: Vec<&str> = finding.rules.iter().map(|rule| rule.rule().message).collect();
    messages.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{FixSafety, RuleId, Severity};

    fn finding(object: u32, attribute: &str, value: &str, update: &str, fix: FixSafety) -> Finding {
        Finding {
            object: Some(object),
            dn: format!("CN=u{object},OU=Staff,DC=x"),
            common_name: format!("u{object}"),
            object_class: "user",
            attribute: crate::model::AttrName::parse(attribute),
            value: value.into(),
            update: (!update.is_empty()).then(|| update.to_owned()),
            rules: vec![if attribute == "mail" { RuleId::MailDuplicate } else { RuleId::DisplayNameWhitespace }],
            severity: Severity::Error,
            fix,
            guid: Some(crate::model::ObjectGuid([object as u8; 16])),
            detail: String::new(),
            holders: Vec::new(),
        }
    }

    fn model() -> ReviewModel {
        let mut model = ReviewModel::default();
        model.load(
            vec![
                finding(0, "mail", "b @x.com", "b@x.com", FixSafety::Safe),
                finding(1, "displayName", "C ", "C", FixSafety::Safe),
                finding(2, "mail", "a @x.com", "", FixSafety::Manual),
            ],
            Vec::new(),
        );
        model
    }

    #[test]
    fn filters_and_sorting_keep_the_selected_finding() {
        let mut model = model();
        model.select(2);
        model.sort_by(Column::Value);
        assert_eq!(model.visible, [2, 0, 1], "by value: a @, b @, C");
        assert_eq!(model.selected_finding(), Some(2));
        model.sort_by(Column::Value);
        assert_eq!(model.visible, [1, 0, 2], "again: descending");
        model.set_filters(Filters { attribute: Some("MAIL".into()), ..Filters::default() });
        assert_eq!(model.visible, [0, 2]);
        assert_eq!((model.selected, model.selected_finding()), (Some(1), Some(2)));
        model.set_filters(Filters { attribute: Some("displayName".into()), ..Filters::default() });
        assert_eq!((model.visible.as_slice(), model.selected_finding()), ([1].as_slice(), None));
    }

    #[test]
    fn picks_and_decisions_act_on_the_selection() {
        let mut model = model();
        model.click(0, Pick::One);
        assert_eq!(model.selection(), [0], "nothing picked: the selected row");
        model.click(2, Pick::Range);
        assert_eq!(model.selection(), [0, 1, 2]);
        model.click(1, Pick::Toggle);
        assert_eq!(model.selection(), [0, 2]);
        model.click(1, Pick::One);
        assert_eq!(model.selection(), [1]);
        // A click, then Ctrl-clicks: the first row stays picked.
        model.click(0, Pick::One);
        model.click(1, Pick::Toggle);
        model.click(2, Pick::Toggle);
        assert_eq!(model.selection(), [0, 1, 2]);
        assert_eq!(model.picked, [true, true, true]);
        model.click(1, Pick::One);
        model.toggle_selected();
        assert_eq!(model.review.decisions[1], Action::Edit("C".into()));
        model.step_selection(true);
        model.toggle_selected();
        assert_eq!(model.review.decisions[2], Action::Undecided, "no proposed value to accept");
        model.step_selection(true);
        assert_eq!(model.selected, Some(2), "the last row stays selected");
        model.clear_decisions();
        assert!(model.review.decisions.iter().all(|d| *d == Action::Undecided));
    }

    #[test]
    fn jumping_to_a_holder_clears_filters_that_hide_it() {
        let mut model = model();
        model.set_filters(Filters { attribute: Some("displayName".into()), ..Filters::default() });
        assert_eq!(model.jump_to(2), Some(2));
        assert!(model.filters.is_empty());
        assert_eq!(model.selected_finding(), Some(2));
    }

    #[test]
    fn the_plan_and_its_results_map_back_to_the_findings() {
        let mut model = model();
        model.review.decisions[0] = Action::Edit("b@x.com".into());
        model.review.decisions[1] = Action::Remove;
        model.review.decisions[2] = Action::Edit("a@x.com".into());
        let changes = model.planner()().unwrap();
        let planned: Vec<(&str, &[usize])> = changes.iter().map(|c| (c.dn.as_str(), c.decisions.as_slice())).collect();
        assert_eq!(
            planned,
            [("CN=u0,OU=Staff,DC=x", [0].as_slice()), ("CN=u1,OU=Staff,DC=x", &[1]), ("CN=u2,OU=Staff,DC=x", &[2])]
        );
        assert_eq!(changes[1].edits[0].after, None, "a REMOVE of a value with a proposed fix removes it");
        // The exported review plans the same changes through `syncready apply`'s reader.
        let exported = review_files::reviewed_rows(&model.findings, &model.review.decisions);
        let numbered: Vec<(u64, _)> = exported.into_iter().enumerate().map(|(i, row)| (i as u64 + 2, row)).collect();
        assert_eq!(crate::fix::plan_rows(Path::new("review"), &numbered).unwrap(), changes);
        let results = vec![
            (1, changes[0].dn.clone(), Outcome::Applied, String::new()),
            (3, changes[2].dn.clone(), Outcome::Conflict, "the value changed".to_owned()),
        ];
        model.record_results(&changes, &results, false);
        let words: Vec<Option<&str>> = model.outcomes.iter().map(|o| o.as_ref().map(|r| r.word)).collect();
        assert_eq!(words, [Some("applied"), None, Some("conflict")]);
        model.record_results(&[], &[(1, "cn=U0,ou=Staff,DC=x".to_owned(), Outcome::Applied, String::new())], true);
        let words: Vec<Option<&str>> = model.outcomes.iter().map(|o| o.as_ref().map(|r| r.word)).collect();
        assert_eq!(words, [Some("undone"), None, Some("conflict")], "an undo maps to the applied rows of its object");
        model.review.decisions[2] = Action::Edit(String::new());
        assert_eq!(
            model.planner()().unwrap_err(),
            "review: row 4, column UPDATE: EDIT with an empty UPDATE would delete the value; use REMOVE"
        );
    }
}
