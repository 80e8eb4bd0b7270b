//! The review UI's state and its state machine: `update(Action) -> Option<Effect>`. No drawing
//! and no terminal here; effects (journal, write, quit) are carried out by the event loop.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::action::Action;
use super::highlight::{Highlighter, SideHighlight};
use super::keymap::{Key, Keymap};
use super::rows::{self, FileRows};
use super::theme::Theme;
use super::view;
use tf2_migrate_core::error::Error;
use tf2_migrate_core::pipeline::{self, Settings};
use tf2_migrate_core::plan::{Decision, FilePlan};
use tf2_migrate_core::session::Entry;

mod decisions;

/// Rows kept above a hunk when scrolling to it.
pub const CONTEXT_ROWS: usize = 3;

/// How many files keep their rows and highlighting cached.
const CACHE_FILES: usize = 64;

/// Which pane takes the navigation keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Files,
    Diff,
}

/// What the keys currently do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Help,
    Search(String),
    ConfirmWrite,
    ConfirmQuit,
}

/// What the event loop must do after an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Append these entries to the session journal.
    Journal(Vec<Entry>),
    /// Write the accepted hunks (`App::write_accepted`).
    Write,
    Quit,
}

/// A file's rows and highlighting, built when first shown.
#[derive(Debug)]
pub struct Cached {
    pub rows: FileRows,
    pub before: SideHighlight,
    pub after: SideHighlight,
}

/// The decisions and choices of one file at one moment (for undo).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Snapshot {
    file: usize,
    decisions: Vec<Decision>,
    choices: Vec<usize>,
}

#[derive(Debug, Clone)]
struct Change {
    before: Vec<Snapshot>,
    after: Vec<Snapshot>,
    cursor: (usize, usize),
}

/// The whole review.
#[derive(Debug)]
pub struct App {
    pub plans: Vec<FilePlan>,
    /// Display names (relative, made safe).
    pub names: Vec<String>,
    /// Per file: why the last write did not happen, or that it did.
    pub outcome: Vec<Option<(bool, String)>>,
    pub file: usize,
    pub hunk: usize,
    pub focus: Focus,
    pub mode: Mode,
    /// Top row of the diff.
    pub scroll: usize,
    /// A one-off message for the status line.
    pub message: Option<String>,
    pub keymap: Keymap,
    pub theme: Theme,
    pub highlighter: Highlighter,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    pub settings: Settings,
    /// While the background analysis runs: files done and the total (`None` once complete).
    pub scanning: Option<(usize, usize)>,
    last_search: String,
    undo: Vec<Change>,
    redo: Vec<Change>,
    cache: RefCell<HashMap<usize, Cached>>,
}

impl App {
    pub fn new(
        plans: Vec<FilePlan>,
        settings: Settings,
        keymap: Keymap,
        theme: Theme,
        highlighter: Highlighter,
        size: (u16, u16),
    ) -> Self {
        let names = plans.iter().map(|p| rows::display(&p.path.to_string_lossy())).collect();
        let n = plans.len();
        let mut app = Self {
            plans,
            names,
            outcome: vec![None; n],
            file: 0,
            hunk: 0,
            focus: Focus::Diff,
            mode: Mode::Normal,
            scroll: 0,
            message: None,
            keymap,
            theme,
            highlighter,
            size,
            settings,
            scanning: None,
            last_search: String::new(),
            undo: Vec::new(),
            redo: Vec::new(),
            cache: RefCell::new(HashMap::new()),
        };
        if let Some((f, h)) = app.next_pending_from(0, 0) {
            app.goto(f, h);
        }
        app
    }

    // ----- plans arriving from the scan -----

    /// Add a plan as it arrives from the background analysis: the list stays in path order and
    /// the cursor stays on the file it was on (the first arrival gets the cursor).
    pub fn insert_plan(&mut self, plan: FilePlan) {
        let at = self.plans.partition_point(|p| p.path < plan.path);
        let first = self.plans.is_empty();
        self.names.insert(at, rows::display(&plan.path.to_string_lossy()));
        self.outcome.insert(at, None);
        self.plans.insert(at, plan);
        let shift = |f: &mut usize| {
            if *f >= at {
                *f += 1;
            }
        };
        let cache = std::mem::take(self.cache.get_mut());
        *self.cache.get_mut() = cache
            .into_iter()
            .map(|(mut f, c)| {
                shift(&mut f);
                (f, c)
            })
            .collect();
        for change in self.undo.iter_mut().chain(&mut self.redo) {
            shift(&mut change.cursor.0);
            for snap in change.before.iter_mut().chain(&mut change.after) {
                shift(&mut snap.file);
            }
        }
        if first {
            let (f, h) = self.next_pending_from(0, 0).unwrap_or((0, 0));
            self.goto(f, h);
        } else {
            shift(&mut self.file);
        }
    }

    // ----- queries used by the view -----

    pub fn hunk_count(&self) -> usize {
        self.plans.get(self.file).map_or(0, |p| p.hunks.len())
    }

    /// Totals over every file: (pending, accepted, rejected, manual).
    pub fn totals(&self) -> (usize, usize, usize, usize) {
        self.plans.iter().fold((0, 0, 0, 0), |(p, a, r, m), plan| {
            let (pp, aa, rr) = plan.counts();
            (p + pp, a + aa, r + rr, m + plan.manual().count())
        })
    }

    /// Accepted hunks not yet written, and the files they are in.
    pub fn unwritten(&self) -> (usize, usize) {
        self.plans.iter().filter(|p| p.has_accepted()).fold((0, 0), |(h, f), p| (h + p.counts().1, f + 1))
    }

    /// Run `f` over the cached rows and highlighting of `file` (built on first use).
    pub fn with_cached<R>(&self, file: usize, f: impl FnOnce(&mut Cached, &Highlighter) -> R) -> R {
        let mut cache = self.cache.borrow_mut();
        if !cache.contains_key(&file) {
            if cache.len() >= CACHE_FILES {
                cache.retain(|&k, _| k == self.file);
            }
            cache.insert(
                file,
                Cached {
                    rows: rows::build(&self.plans[file]),
                    before: SideHighlight::default(),
                    after: SideHighlight::default(),
                },
            );
        }
        let entry = cache.get_mut(&file).expect("inserted above");
        f(entry, &self.highlighter)
    }

    fn invalidate(&mut self, file: usize) {
        self.cache.get_mut().remove(&file);
    }

    fn hunk_rows(&self, file: usize, hunk: usize) -> Option<std::ops::Range<usize>> {
        self.with_cached(file, |c, _| c.rows.hunk_rows.get(hunk).cloned())
    }

    fn row_count(&self) -> usize {
        if self.plans.is_empty() {
            return 0;
        }
        self.with_cached(self.file, |c, _| c.rows.rows.len())
    }

    // ----- keys -----

    /// Handle a key press according to the mode.
    pub fn on_key(&mut self, ev: KeyEvent) -> Option<Effect> {
        let key = Key::from_event(ev);
        match self.mode.clone() {
            Mode::Normal => {
                self.message = None;
                let action = self.keymap.action(key)?;
                self.update(action)
            }
            Mode::Help => {
                self.mode = Mode::Normal;
                None
            }
            Mode::Search(mut query) => {
                match key.code {
                    KeyCode::Esc => self.mode = Mode::Normal,
                    KeyCode::Enter => {
                        self.mode = Mode::Normal;
                        if !query.is_empty() {
                            self.last_search = query;
                        }
                        self.search();
                    }
                    KeyCode::Backspace => {
                        query.pop();
                        self.mode = Mode::Search(query);
                    }
                    KeyCode::Char(c) if !key.ctrl && !c.is_control() => {
                        query.push(c);
                        self.mode = Mode::Search(query);
                    }
                    _ => {}
                }
                None
            }
            Mode::ConfirmWrite => {
                self.mode = Mode::Normal;
                if matches!(key.code, KeyCode::Char('y') | KeyCode::Enter) && !key.ctrl {
                    Some(Effect::Write)
                } else {
                    self.message = Some("write cancelled".into());
                    None
                }
            }
            Mode::ConfirmQuit => {
                self.mode = Mode::Normal;
                if key.code == KeyCode::Char('y') && !key.ctrl { Some(Effect::Quit) } else { None }
            }
        }
    }

    /// Apply one action.
    pub fn update(&mut self, action: Action) -> Option<Effect> {
        if action == Action::Write && self.scanning.is_some() {
            self.message = Some("still scanning: writing waits until every file is in".into());
            return None;
        }
        if self.plans.is_empty() {
            return match action {
                Action::Quit => Some(Effect::Quit),
                Action::Help => {
                    self.mode = Mode::Help;
                    None
                }
                _ => None,
            };
        }
        let in_files = self.focus == Focus::Files;
        match action {
            Action::Accept => self.decide_current(Decision::Accepted),
            Action::Reject => self.decide_current(Decision::Rejected),
            Action::AcceptFile => self.decide_file(Decision::Accepted),
            Action::RejectFile => self.decide_file(Decision::Rejected),
            Action::AcceptRule => self.decide_rule(Decision::Accepted),
            Action::RejectRule => self.decide_rule(Decision::Rejected),
            Action::NextHunk if in_files => self.step_file(1),
            Action::PrevHunk if in_files => self.step_file(-1),
            Action::NextHunk => self.step_hunk(1),
            Action::PrevHunk => self.step_hunk(-1),
            Action::NextFile => self.step_file(1),
            Action::PrevFile => self.step_file(-1),
            Action::SwitchFocus => {
                self.focus = match self.focus {
                    Focus::Files => Focus::Diff,
                    Focus::Diff => Focus::Files,
                };
                None
            }
            Action::First if in_files => self.goto_file(0),
            Action::Last if in_files => self.goto_file(self.plans.len() - 1),
            Action::First => {
                self.goto(self.file, 0);
                None
            }
            Action::Last => {
                self.goto(self.file, self.hunk_count().saturating_sub(1));
                None
            }
            Action::PageUp => {
                self.scroll = self.scroll.saturating_sub(self.page());
                None
            }
            Action::PageDown => {
                let max = self.row_count().saturating_sub(1);
                self.scroll = (self.scroll + self.page()).min(max);
                None
            }
            Action::SwitchAlternative => self.switch_alternative(),
            Action::Undo => self.undo_redo(true),
            Action::Redo => self.undo_redo(false),
            Action::Search => {
                self.mode = Mode::Search(String::new());
                None
            }
            Action::Help => {
                self.mode = Mode::Help;
                None
            }
            Action::Write => {
                if self.unwritten().0 == 0 {
                    self.message = Some("nothing accepted to write".into());
                } else {
                    self.mode = Mode::ConfirmWrite;
                }
                None
            }
            Action::Quit => {
                if self.unwritten().0 > 0 {
                    self.mode = Mode::ConfirmQuit;
                    None
                } else {
                    Some(Effect::Quit)
                }
            }
        }
    }

    fn page(&self) -> usize {
        view::diff_viewport(self.size).max(1)
    }

    // ----- navigation -----

    /// Show hunk `hunk` of `file`, scrolling only as far as needed.
    pub fn goto(&mut self, file: usize, hunk: usize) {
        if self.plans.is_empty() {
            return;
        }
        if file != self.file {
            self.scroll = 0;
        }
        self.file = file;
        self.hunk = hunk.min(self.hunk_count().saturating_sub(1));
        if let Some(rows) = self.hunk_rows(file, self.hunk) {
            let height = self.page();
            let visible = self.scroll..self.scroll + height;
            if !(visible.contains(&rows.start) && rows.end <= visible.end) {
                self.scroll = rows.start.saturating_sub(CONTEXT_ROWS);
            }
        }
    }

    fn goto_file(&mut self, file: usize) -> Option<Effect> {
        self.goto(file, 0);
        None
    }

    fn step_file(&mut self, delta: isize) -> Option<Effect> {
        let n = self.plans.len();
        let f = self.file.saturating_add_signed(delta).min(n - 1);
        if f != self.file {
            self.goto(f, 0);
        }
        None
    }

    fn step_hunk(&mut self, delta: isize) -> Option<Effect> {
        if let Some(h) = self.hunk.checked_add_signed(delta).filter(|&h| h < self.hunk_count()) {
            self.goto(self.file, h);
            return None;
        }
        // Cross into the neighbouring file that has hunks.
        let mut f = self.file.checked_add_signed(delta.signum());
        while let Some(i) = f.filter(|&i| i < self.plans.len()) {
            let n = self.plans[i].hunks.len();
            if n > 0 {
                let h = if delta > 0 { 0 } else { n - 1 };
                self.goto(i, h);
                return None;
            }
            f = i.checked_add_signed(delta.signum());
        }
        None
    }

    /// The first pending hunk at or after (file, hunk), wrapping around.
    fn next_pending_from(&self, file: usize, hunk: usize) -> Option<(usize, usize)> {
        let n = self.plans.len();
        for k in 0..=n {
            let f = (file + k) % n.max(1);
            let plan = self.plans.get(f)?;
            let start = if k == 0 { hunk } else { 0 };
            let end = if k == n { hunk } else { plan.hunks.len() };
            if let Some(h) = (start..end.min(plan.hunks.len())).find(|&h| plan.hunk_decision(h) == Decision::Pending) {
                return Some((f, h));
            }
        }
        None
    }

    fn advance(&mut self) {
        match self.next_pending_from(self.file, self.hunk + 1) {
            Some((f, h)) => self.goto(f, h),
            None => {
                let (h, f) = self.unwritten();
                self.message = Some(if h > 0 {
                    format!(
                        "every hunk is decided: {h} accepted in {f} files; press {} to write",
                        self.keymap.hint(Action::Write).unwrap_or_default()
                    )
                } else {
                    "every hunk is decided".into()
                });
            }
        }
    }

    fn search(&mut self) {
        let query = self.last_search.to_lowercase();
        if query.is_empty() {
            return;
        }
        let n = self.plans.len();
        // Positions after the current one: the rest of this file, then the others.
        for k in 0..=n {
            let f = (self.file + k) % n;
            let plan = &self.plans[f];
            let first_hunk = if k == 0 { self.hunk + 1 } else { 0 };
            if k > 0 && self.names[f].to_lowercase().contains(&query) {
                self.goto(f, 0);
                return;
            }
            let last = if k == n { self.hunk + 1 } else { plan.hunks.len() };
            for h in first_hunk..last.min(plan.hunks.len()) {
                let (before, after) = plan.hunk_texts(h);
                if before.to_lowercase().contains(&query) || after.to_lowercase().contains(&query) {
                    self.goto(f, h);
                    return;
                }
            }
        }
        self.message = Some(format!("no match for {}", rows::display(&self.last_search)));
    }

    // ----- writing -----

    /// Write every file with accepted hunks through the core; returns journal entries that
    /// forget the written hunks. Files changed on disk are reported, not written.
    pub fn write_accepted(&mut self) -> Vec<Entry> {
        let mut forget = Vec::new();
        let (mut written, mut hunks, mut failed) = (0, 0, 0);
        for f in 0..self.plans.len() {
            let plan = &self.plans[f];
            if !plan.has_accepted() {
                continue;
            }
            let result = pipeline::accepted_text(plan).and_then(|new| match new {
                Some(text) => pipeline::write_plan(plan, &text).map(|_| text),
                None => Ok(plan.text.clone()),
            });
            match result {
                Ok(text) => {
                    written += 1;
                    let accepted = plan.counts().1;
                    hunks += accepted;
                    for h in 0..plan.hunks.len() {
                        if plan.hunk_decision(h) == Decision::Accepted {
                            let mut e = Entry::of(plan, h);
                            e.decision = Decision::Pending;
                            forget.push(e);
                        }
                    }
                    self.replan(f, text);
                    self.outcome[f] = Some((true, format!("written ({accepted} hunks)")));
                }
                Err(e) => {
                    failed += 1;
                    let why = match e {
                        Error::Conflict { .. } => "changed on disk since the scan: not written".into(),
                        other => rows::display(&other.to_string()),
                    };
                    self.outcome[f] = Some((false, why));
                }
            }
        }
        self.undo.clear();
        self.redo.clear();
        let mut msg = format!("wrote {written} files ({hunks} hunks)");
        if failed > 0 {
            let _ = write!(msg, "; {failed} not written (marked ! in the file list)");
        }
        self.message = Some(msg);
        let (f, h) = (self.file, self.hunk);
        self.goto(f, h);
        forget
    }

    /// Replace a written file's plan by a fresh check of its new text, keeping what was
    /// decided about the hunks still there (rejections, alternatives).
    fn replan(&mut self, f: usize, text: String) {
        let old = &self.plans[f];
        let kept: HashMap<String, (Decision, usize)> = (0..old.hunks.len())
            .filter(|&h| old.hunk_decision(h) != Decision::Accepted)
            .map(|h| (old.hunks[h].key.clone(), (old.hunk_decision(h), old.hunk_choice(h))))
            .collect();
        let (mut plan, _) =
            pipeline::check_text(old.path.clone(), old.root.clone(), text, old.encoding, &self.settings);
        for h in 0..plan.hunks.len() {
            if let Some(&(d, c)) = kept.get(&plan.hunks[h].key) {
                plan.set_hunk_choice(h, c);
                plan.set_hunk_decision(h, d);
            }
        }
        self.plans[f] = plan;
        self.invalidate(f);
        if f == self.file {
            self.hunk = self.hunk.min(self.hunk_count().saturating_sub(1));
        }
    }
}
