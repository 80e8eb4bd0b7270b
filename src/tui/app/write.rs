//! Writing what the review accepted: each file through the core's safe writer, then checked
//! again so that the review goes on over the new text.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::App;
use crate::tui::rows;
use tf2_migrate_core::error::Error;
use tf2_migrate_core::pipeline::{self, Settings};
use tf2_migrate_core::plan::{Decision, FilePlan};
use tf2_migrate_core::report::plural;
use tf2_migrate_core::session::Entry;

impl App {
    /// Write every file with accepted hunks through the core; returns journal entries that
    /// forget the written hunks. Files changed on disk are reported, not written. Undo keeps
    /// working for what was not written.
    pub fn write_accepted(&mut self) -> Vec<Entry> {
        let mut forget = Vec::new();
        let (mut written, mut hunks, mut failed) = (0, 0, 0);
        // Each file written and checked again on the thread pool; the outcomes in file order.
        let mut outcomes = Vec::with_capacity(self.plans.len());
        let settings = &self.settings;
        pipeline::each_plan(
            &mut self.plans,
            |plan| write_one(plan, settings),
            |outcome| {
                outcomes.push(outcome);
                true
            },
        );
        for (f, outcome) in outcomes.into_iter().enumerate() {
            match outcome {
                Written::Nothing => {}
                Written::Done { accepted, forget: entries } => {
                    written += 1;
                    hunks += accepted;
                    forget.extend(entries);
                    self.invalidate(f);
                    self.outcome[f] = Some((true, format!("written ({})", plural(accepted, "hunk"))));
                }
                Written::Failed(e) => {
                    failed += 1;
                    let why = match e {
                        Error::Conflict { .. } => {
                            "not written: the file changed on disk since the scan (run review again to see the new text)"
                                .into()
                        }
                        other => format!("not written: {}", rows::display(&other.to_string())),
                    };
                    self.outcome[f] = Some((false, why));
                }
            }
        }
        let mut msg = format!("wrote {} ({})", plural(written, "file"), plural(hunks, "hunk"));
        if failed > 0 {
            let _ = write!(msg, "; {failed} not written (marked [!]; the status line says why)");
        }
        self.message = Some(msg);
        // The current file may have fewer hunks now.
        let (f, h) = (self.file, self.hunk.min(self.hunk_count().saturating_sub(1)));
        self.goto(f, h);
        forget
    }
}

/// What writing one file's accepted hunks did.
enum Written {
    /// No hunk of it was accepted.
    Nothing,
    /// Written (`accepted` hunks); `forget`: journal entries that forget them.
    Done {
        accepted: usize,
        forget: Vec<Entry>,
    },
    Failed(Error),
}

/// Write a file's accepted hunks, then replace its plan by a fresh check of the new text,
/// keeping what was decided about the hunks still there (rejections, alternatives).
fn write_one(plan: &mut FilePlan, settings: &Settings) -> Written {
    if !plan.has_accepted() {
        return Written::Nothing;
    }
    let result = pipeline::accepted_text(plan).and_then(|new| match new {
        Some(text) => pipeline::write_plan(plan, &text).map(|_| text),
        None => Ok(plan.original().to_owned()),
    });
    let text = match result {
        Ok(text) => text,
        Err(e) => return Written::Failed(e),
    };
    let accepted = plan.counts().1;
    let is_accepted = |h: &usize| plan.hunk_decision(*h) == Decision::Accepted;
    let forget = (0..plan.hunks.len())
        .filter(is_accepted)
        .map(|h| {
            let mut e = Entry::of(plan, h);
            e.decision = Decision::Pending;
            e
        })
        .collect();
    let kept: HashMap<String, (Decision, usize)> = (0..plan.hunks.len())
        .filter(|h| !is_accepted(h))
        .map(|h| (plan.hunks[h].key.clone(), (plan.hunk_decision(h), plan.hunk_choice(h))))
        .collect();
    // What is written was verified to read back, so this check does not fail; if it did, the
    // old plan would stay, and a second write of it would be refused as a change on disk.
    if let Ok((mut fresh, _)) =
        pipeline::check_file(plan.path.clone(), plan.root.clone(), text, plan.encoding, settings)
    {
        for h in 0..fresh.hunks.len() {
            if let Some(&(d, c)) = kept.get(&fresh.hunks[h].key) {
                fresh.set_hunk_choice(h, c);
                fresh.set_hunk_decision(h, d);
            }
        }
        *plan = fresh;
    }
    Written::Done { accepted, forget }
}
