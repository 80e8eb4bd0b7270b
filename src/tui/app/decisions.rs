//! Decisions in the review: accept or reject a hunk, the undecided rest of a file or of a rule
//! across the tree, switch alternatives, undo and redo. Each change records, hunk by hunk (by
//! path and key, so it survives files arriving and files being written), what one key changed,
//! and returns the journal entries it makes.

use std::fmt::Write as _;
use std::path::PathBuf;
use tf2_migrate_core::report::plural;

use super::{App, Change, Effect, Mark};
use crate::tui::action::Action;
use tf2_migrate_core::plan::{Bulk, Decision};
use tf2_migrate_core::session::Entry;

/// "1 hunk", "3 hunks".
pub(crate) fn hunks(n: usize) -> String {
    format!("{n} hunk{}", if n == 1 { "" } else { "s" })
}

fn verb(d: Decision) -> &'static str {
    match d {
        Decision::Accepted => "accepted",
        Decision::Rejected => "rejected",
        Decision::Pending => "reset",
    }
}

impl App {
    /// (decision, alternative) of every hunk of `file`.
    fn states(&self, file: usize) -> Vec<(Decision, usize)> {
        let p = &self.plans[file];
        (0..p.hunks.len()).map(|h| (p.hunk_decision(h), p.hunk_choice(h))).collect()
    }

    /// Run `f` (which changes hunks of `files`), record what it changed for undo, and journal it.
    fn change(&mut self, files: &[usize], f: impl FnOnce(&mut Self)) -> Option<Effect> {
        let before: Vec<Vec<(Decision, usize)>> = files.iter().map(|&i| self.states(i)).collect();
        let cursor = self.cursor_id();
        f(self);
        let mut marks = Vec::new();
        let mut entries = Vec::new();
        for (&file, old) in files.iter().zip(before) {
            let now = self.states(file);
            let plan = &self.plans[file];
            for (h, (&b, &a)) in old.iter().zip(&now).enumerate() {
                if b != a {
                    marks.push(Mark { path: plan.path.clone(), key: plan.hunks[h].key.clone(), before: b, after: a });
                    entries.push(Entry::of(plan, h));
                }
            }
            if old.iter().map(|s| s.1).ne(now.iter().map(|s| s.1)) {
                self.invalidate(file);
            }
        }
        if marks.is_empty() {
            return None;
        }
        self.undo.push(Change { marks, cursor });
        self.redo.clear();
        Some(Effect::Journal(entries))
    }

    fn cursor_id(&self) -> Option<(PathBuf, String)> {
        let plan = self.plans.get(self.file)?;
        Some((plan.path.clone(), plan.hunks.get(self.hunk).map(|h| h.key.clone()).unwrap_or_default()))
    }

    /// The file and hunk of a path and key (the hunk may be gone: written, or replanned).
    fn locate(&self, path: &PathBuf, key: &str) -> Option<(usize, Option<usize>)> {
        let f = self.plans.binary_search_by(|p| p.path.cmp(path)).ok()?;
        Some((f, self.plans[f].hunks.iter().position(|h| h.key == key)))
    }

    pub(super) fn decide_current(&mut self, d: Decision) -> Option<Effect> {
        if self.hunk_count() == 0 {
            self.message = Some("no rewrite here: this file has manual findings only".into());
            return None;
        }
        let (file, hunk) = (self.file, self.hunk);
        let before = self.states(file);
        let mut dependants = Vec::new();
        let effect = self.change(&[file], |app| {
            let plan = &mut app.plans[file];
            if d == Decision::Rejected {
                dependants = plan.reject_with_dependants(hunk);
            } else {
                plan.decide_hunk(hunk, d);
            }
        });
        let plan = &self.plans[file];
        let numbers = |hs: &[usize]| hs.iter().map(|h| (h + 1).to_string()).collect::<Vec<_>>().join(", ");
        if !dependants.is_empty() {
            self.message = Some(format!(
                "also rejected {} that need this one (hunk {}); {} restores them",
                hunks(dependants.len()),
                numbers(&dependants),
                self.keymap.first(Action::Undo)
            ));
        } else if d == Decision::Accepted {
            let pulled: Vec<usize> =
                plan.requirements(hunk).into_iter().filter(|&r| before[r].0 != Decision::Accepted).collect();
            if !pulled.is_empty() {
                self.message = Some(format!("also accepted hunk {}, which this one needs", numbers(&pulled)));
            }
        }
        self.advance();
        effect
    }

    pub(super) fn decide_file(&mut self, d: Decision) -> Option<Effect> {
        let file = self.file;
        let all: Vec<usize> = (0..self.hunk_count()).collect();
        let mut bulk = Bulk::default();
        let effect = self.change(&[file], |app| bulk = app.plans[file].decide_undecided(&all, d));
        self.message = Some(Self::bulk_message(d, &bulk, "in this file"));
        if let Some((f, h)) = self.next_pending_from(self.file, 0)
            && f != file
        {
            self.goto(f, h);
        }
        effect
    }

    pub(super) fn decide_rule(&mut self, d: Decision) -> Option<Effect> {
        let plan = &self.plans[self.file];
        let hunk = plan.hunks.get(self.hunk)?;
        let rule = plan.findings[hunk.findings[0]].rule;
        let files: Vec<usize> = (0..self.plans.len())
            .filter(|&f| {
                self.plans[f].hunks.iter().any(|h| h.findings.iter().any(|&i| self.plans[f].findings[i].rule == rule))
            })
            .collect();
        let mut bulk = Bulk::default();
        let mut carried = 0;
        let effect = self.change(&files, |app| {
            for &f in &files {
                let plan = &mut app.plans[f];
                let of_rule: Vec<usize> = (0..plan.hunks.len())
                    .filter(|&h| plan.hunks[h].findings.iter().any(|&i| plan.findings[i].rule == rule))
                    .collect();
                let was: Vec<Decision> = of_rule.iter().map(|&h| plan.hunk_decision(h)).collect();
                let b = plan.decide_undecided(&of_rule, d);
                for (&h, &w) in of_rule.iter().zip(&was) {
                    if w == Decision::Pending && plan.hunk_decision(h) == d {
                        carried += plan.hunks[h].findings.iter().filter(|&&i| plan.findings[i].rule != rule).count();
                    }
                }
                bulk.decided += b.decided;
                bulk.kept += b.kept;
                bulk.blocked += b.blocked;
            }
        });
        let mut scope = format!("of {rule} in {}", plural(files.len(), "file"));
        if carried > 0 {
            let _ = write!(scope, ", carrying {carried} edits of other rules in the same hunks");
        }
        if self.scanning.is_some() {
            scope.push_str(" (files still arriving are not included)");
        }
        self.message = Some(Self::bulk_message(d, &bulk, &scope));
        effect
    }

    fn bulk_message(d: Decision, bulk: &Bulk, scope: &str) -> String {
        let mut msg = format!("{} {} {scope}", verb(d), hunks(bulk.decided));
        if bulk.kept > 0 {
            let _ = write!(msg, "; kept {} decided before", hunks(bulk.kept));
        }
        if bulk.blocked > 0 {
            let why =
                if d == Decision::Accepted { "they need a hunk you rejected" } else { "an accepted hunk needs them" };
            let _ = write!(msg, "; left {} undecided: {why}", hunks(bulk.blocked));
        }
        msg
    }

    pub(super) fn switch_alternative(&mut self) -> Option<Effect> {
        let (file, hunk) = (self.file, self.hunk);
        let n = (hunk < self.hunk_count()).then(|| self.plans[file].alternatives(hunk))?;
        if n < 2 {
            self.message = Some("this hunk has no alternative".into());
            return None;
        }
        let next = (self.plans[file].hunk_choice(hunk) + 1) % n;
        let effect = self.change(&[file], |app| app.plans[file].set_hunk_choice(hunk, next));
        self.goto(file, hunk);
        effect
    }

    /// Undo (or redo) exactly what one key changed. Hunks written since are gone from their
    /// files and stay written; the rest comes back.
    pub(super) fn undo_redo(&mut self, undo: bool) -> Option<Effect> {
        let (from, to) = if undo { (&mut self.undo, &mut self.redo) } else { (&mut self.redo, &mut self.undo) };
        let Some(change) = from.pop() else {
            self.message = Some(if undo { "nothing to undo" } else { "nothing to redo" }.into());
            return None;
        };
        to.push(change.clone());
        let mut entries = Vec::new();
        let mut gone = 0;
        for m in &change.marks {
            let (d, c) = if undo { m.before } else { m.after };
            match self.locate(&m.path, &m.key) {
                Some((f, Some(h))) => {
                    let plan = &mut self.plans[f];
                    let choice_changed = plan.hunk_choice(h) != c;
                    plan.set_hunk_choice(h, c);
                    plan.set_hunk_decision(h, d);
                    entries.push(Entry::of(plan, h));
                    if choice_changed {
                        self.invalidate(f);
                    }
                }
                _ => gone += 1,
            }
        }
        if let Some((path, key)) = &change.cursor
            && let Some((f, h)) = self.locate(path, key)
        {
            self.goto(f, h.unwrap_or(0));
        }
        let word = if undo { "undone" } else { "redone" };
        let mut msg = format!("{word}: {}", hunks(entries.len()));
        if gone > 0 {
            let _ = write!(msg, "; {} already written stay written", hunks(gone));
        }
        self.message = Some(msg);
        (!entries.is_empty()).then_some(Effect::Journal(entries))
    }
}
