//! Decisions in the review: accept or reject a hunk, the rest of a file or a rule across the
//! tree, switch alternatives, undo and redo. Each change returns the journal entries it makes.

use super::{App, Change, Effect, Snapshot};
use tf2_migrate_core::plan::Decision;
use tf2_migrate_core::session::Entry;

impl App {
    pub(super) fn snapshot(&self, file: usize) -> Snapshot {
        Snapshot { file, decisions: self.plans[file].decisions.clone(), choices: self.plans[file].choices.clone() }
    }

    /// Hunk states (decision, choice) of a file, for journalling what changed.
    pub(super) fn states(&self, file: usize) -> Vec<(Decision, usize)> {
        let p = &self.plans[file];
        (0..p.hunks.len()).map(|h| (p.hunk_decision(h), p.hunk_choice(h))).collect()
    }

    /// Run `f` (which changes decisions of `files`), record it for undo, and journal it.
    pub(super) fn change(&mut self, files: &[usize], f: impl FnOnce(&mut Self)) -> Option<Effect> {
        let before: Vec<Snapshot> = files.iter().map(|&i| self.snapshot(i)).collect();
        let cursor = (self.file, self.hunk);
        f(self);
        let after: Vec<Snapshot> = files.iter().map(|&i| self.snapshot(i)).collect();
        if before == after {
            return None;
        }
        let entries = self.journal_diff(&before);
        self.undo.push(Change { before, after, cursor });
        self.redo.clear();
        Some(Effect::Journal(entries))
    }

    /// Entries for every hunk whose state differs from `old` snapshots.
    pub(super) fn journal_diff(&mut self, old: &[Snapshot]) -> Vec<Entry> {
        let mut entries = Vec::new();
        for snap in old {
            let now = self.states(snap.file);
            let current = self.snapshot(snap.file);
            self.apply_snapshot(snap);
            let then = self.states(snap.file);
            self.apply_snapshot(&current);
            for h in 0..now.len() {
                if now[h] != then[h] {
                    entries.push(Entry::of(&self.plans[snap.file], h));
                }
            }
        }
        entries
    }

    pub(super) fn apply_snapshot(&mut self, s: &Snapshot) {
        let choices_changed = self.plans[s.file].choices != s.choices;
        self.plans[s.file].decisions.clone_from(&s.decisions);
        self.plans[s.file].choices.clone_from(&s.choices);
        if choices_changed {
            self.invalidate(s.file);
        }
    }

    pub(super) fn decide_current(&mut self, d: Decision) -> Option<Effect> {
        if self.hunk_count() == 0 {
            self.message = Some("no rewrite here: this file has manual findings only".into());
            return None;
        }
        let (file, hunk) = (self.file, self.hunk);
        let effect = self.change(&[file], |app| app.plans[file].decide_hunk(hunk, d));
        self.advance();
        effect
    }

    pub(super) fn decide_file(&mut self, d: Decision) -> Option<Effect> {
        let file = self.file;
        let effect = self.change(&[file], |app| {
            let plan = &mut app.plans[file];
            for h in 0..plan.hunks.len() {
                if plan.hunk_decision(h) == Decision::Pending {
                    plan.decide_hunk(h, d);
                }
            }
        });
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
        let files: Vec<usize> =
            (0..self.plans.len()).filter(|&f| self.plans[f].findings.iter().any(|x| x.rule == rule)).collect();
        let mut count = 0;
        let effect = self.change(&files, |app| {
            for &f in &files {
                let plan = &mut app.plans[f];
                for h in 0..plan.hunks.len() {
                    if plan.hunks[h].findings.iter().any(|&i| plan.findings[i].rule == rule) {
                        plan.decide_hunk(h, d);
                        count += 1;
                    }
                }
            }
        });
        let verb = if d == Decision::Accepted { "accepted" } else { "rejected" };
        let later = if self.scanning.is_some() { " (files still arriving are not included)" } else { "" };
        self.message = Some(format!("{verb} {count} hunks of {rule} in {} files{later}", files.len()));
        effect
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
        self.invalidate(file);
        self.goto(file, hunk);
        effect
    }

    pub(super) fn undo_redo(&mut self, undo: bool) -> Option<Effect> {
        let (from, to) = if undo { (&mut self.undo, &mut self.redo) } else { (&mut self.redo, &mut self.undo) };
        let Some(change) = from.pop() else {
            self.message = Some(if undo { "nothing to undo" } else { "nothing to redo" }.into());
            return None;
        };
        to.push(change.clone());
        let (target, current) = if undo { (&change.before, &change.after) } else { (&change.after, &change.before) };
        for s in target {
            self.apply_snapshot(s);
        }
        let entries = self.journal_diff(current);
        let (f, h) = change.cursor;
        self.goto(f.min(self.plans.len() - 1), h);
        self.message = Some(if undo { "undone" } else { "redone" }.into());
        Some(Effect::Journal(entries))
    }
}
