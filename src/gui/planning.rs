//! Apply…'s plan on a worker: the changes (planned from the review, or given), their summary,
//! then the scan's rules' verdict on their new values. The dialog opens at once and fills in
//! as the answers come, so a review with hundreds of thousands of accepted rows never holds up
//! a frame; its Apply button waits for the verdict.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};

use eframe::egui;

use super::apply::ChangeSummary;
use super::worker::answer;
use crate::fix::Change;
use crate::fix::value_check::{self, ValueReview};
use crate::model::DirObject;
use crate::rules::Ruleset;

/// What the worker sends: the summary as soon as the plan is made, then the changes with the
/// rules' verdict.
enum Step {
    Planned(ChangeSummary),
    Checked(CheckedPlan),
}

/// A plan with its new values checked: what Apply changes writes.
pub struct CheckedPlan {
    pub changes: Vec<Change>,
    pub values: ValueReview,
}

/// A plan in the making, then made.
pub struct PendingPlan {
    receiver: Receiver<Result<Step, String>>,
    /// What the plan does, once planned.
    pub summary: Option<ChangeSummary>,
    /// Once checked.
    pub checked: Option<CheckedPlan>,
}

impl PendingPlan {
    /// Starts the worker: `plan` makes the changes, which are then checked with `ruleset`
    /// against the scanned `objects`.
    pub fn start(
        plan: impl FnOnce() -> Result<Vec<Change>, String> + Send + 'static,
        objects: Arc<Vec<DirObject>>,
        ruleset: Ruleset,
        ctx: &egui::Context,
    ) -> PendingPlan {
        let (sender, receiver) = channel();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let send = |step| {
                let _ = sender.send(step);
                ctx.request_repaint();
            };
            let changes = match plan() {
                Ok(changes) => changes,
                Err(e) => return send(Err(e)),
            };
            send(Ok(Step::Planned(ChangeSummary::of(&changes))));
            let values = check(&objects, &changes, &ruleset);
            send(Ok(Step::Checked(CheckedPlan { changes, values })));
        });
        PendingPlan { receiver, summary: None, checked: None }
    }

    /// Takes what the worker has sent since the last frame; a plan that cannot be made (or a
    /// worker that died) is an error.
    pub fn poll(&mut self) -> Result<(), String> {
        while self.checked.is_none() {
            match answer(&self.receiver, "plan") {
                None => break,
                Some(Ok(Step::Planned(summary))) => self.summary = Some(summary),
                Some(Ok(Step::Checked(checked))) => self.checked = Some(checked),
                Some(Err(e)) => return Err(e),
            }
        }
        Ok(())
    }

    /// Whether the worker is still planning or checking.
    pub fn is_working(&self) -> bool {
        self.checked.is_none()
    }
}

/// What the scan's rules say about the new values of `changes`, on the scanned objects (the
/// write worker checks again against the directory before it writes).
fn check(objects: &[DirObject], changes: &[Change], ruleset: &Ruleset) -> ValueReview {
    let (now, holders) = value_check::from_snapshot(objects, changes);
    let (known, objects): (Vec<Change>, Vec<_>) =
        changes.iter().cloned().zip(now).filter_map(|(c, o)| Some((c, o?))).unzip();
    value_check::review(&known, &objects, &holders, ruleset)
}
