//! Search over file paths and hunk text: every match in path order, the next or previous one
//! from the cursor, and where it stands (`match 3/17`).

use super::App;
use crate::tui::action::Action;
use crate::tui::rows;

impl App {
    /// Every (file, hunk) that matches the last search: a file whose path matches counts once,
    /// at its first hunk; then each hunk whose old or new text matches.
    fn matches(&self) -> Vec<(usize, usize)> {
        let query = self.last_search.to_lowercase();
        if query.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (f, plan) in self.plans.iter().enumerate() {
            if self.names[f].to_lowercase().contains(&query) {
                out.push((f, 0));
            }
            for h in 0..plan.hunks.len() {
                let (before, after) = plan.hunk_texts(h);
                if (before.to_lowercase().contains(&query) || after.to_lowercase().contains(&query))
                    && out.last() != Some(&(f, h))
                {
                    out.push((f, h));
                }
            }
        }
        out
    }

    /// Go to the next (or previous) match after the cursor, wrapping around, and say which.
    pub(super) fn find(&mut self, forward: bool) {
        if self.last_search.is_empty() {
            self.message = Some(format!("nothing searched yet: {} searches", self.keymap.first(Action::Search)));
            return;
        }
        let matches = self.matches();
        let query = rows::display(&self.last_search);
        if matches.is_empty() {
            self.message = Some(format!("no match for {query}"));
            return;
        }
        let here = (self.file, self.hunk);
        let at = if forward {
            matches.iter().position(|&m| m > here).unwrap_or(0)
        } else {
            matches.iter().rposition(|&m| m < here).unwrap_or(matches.len() - 1)
        };
        let (f, h) = matches[at];
        self.goto(f, h);
        self.message = Some(format!(
            "match {}/{} for {query} · {} next · {} previous",
            at + 1,
            matches.len(),
            self.keymap.first(Action::NextMatch),
            self.keymap.first(Action::PrevMatch)
        ));
    }
}
