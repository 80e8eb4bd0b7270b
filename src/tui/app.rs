//! The review UI's state and its state machine: `update(Action) -> Option<Effect>`. No drawing
//! and no terminal here; effects (journal, write, quit) are carried out by the event loop.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};
use tf2_migrate_core::report::plural;

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;

use super::action::{Action, Context};
use super::highlight::{Highlighter, SideHighlight};
use super::keymap::{Key, Keymap};
use super::layout::{self, Areas, Arrange};
use super::rows::{self, FileRows, Visual};
use super::theme::Theme;
use super::wrap;
use tf2_migrate_core::pipeline::Settings;
use tf2_migrate_core::plan::{Decision, FilePlan};
use tf2_migrate_core::session::Entry;

mod decisions;
mod pages;
pub(crate) use pages::{alternative, hunk_mark, overlay_width};
mod search;
mod write;

/// Rows kept above and below a hunk when scrolling to it.
pub(crate) const CONTEXT_ROWS: usize = 3;

/// How many files keep their rows and highlighting cached.
const CACHE_FILES: usize = 64;

/// Which pane takes the navigation keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Focus {
    Files,
    Diff,
}

/// What the keys currently do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Mode {
    Normal,
    /// The key list and legend, scrolled this far.
    Help(usize),
    /// The full text of the current hunk's rules, scrolled this far.
    Info(usize),
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

/// A file's rows, highlighting and wrapped layouts, built when first shown.
#[derive(Debug)]
pub(crate) struct Cached {
    pub rows: FileRows,
    pub before: SideHighlight,
    pub after: SideHighlight,
    /// The last few layouts, by arrangement and text widths.
    visual: Vec<((Arrange, usize, usize), Visual)>,
}

impl Cached {
    /// The rows laid out for `arrange` at these text widths (kept for the next frame).
    pub(crate) fn visual(&mut self, arrange: Arrange, widths: (usize, usize)) -> &Visual {
        let key = (arrange, widths.0, widths.1);
        let at = match self.visual.iter().position(|(k, _)| *k == key) {
            Some(at) => at,
            None => {
                if self.visual.len() >= 4 {
                    self.visual.remove(0);
                }
                self.visual.push((key, rows::visual(&self.rows, arrange, widths)));
                self.visual.len() - 1
            }
        };
        &self.visual[at].1
    }
}

/// The geometry of the current screen: the areas, how the diff is arranged and its text widths.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Geometry {
    pub areas: Areas,
    pub arrange: Arrange,
    pub widths: (usize, usize),
    /// The diff's rows (below its header).
    pub body: Rect,
}

/// Where the diff of the current file is scrolled to, for the screen's scroll-region shortcut:
/// two frames with equal anchors but for `scroll` show the same rows shifted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Anchor {
    pub file: PathBuf,
    pub arrange: Arrange,
    pub widths: (usize, usize),
    pub body: Rect,
    pub scroll: usize,
}

/// The state of one hunk, as undo and the journal see it: where it is, its key, and
/// (decision, alternative) before and after a change.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Mark {
    path: PathBuf,
    key: String,
    before: (Decision, usize),
    after: (Decision, usize),
}

/// What one key changed, hunk by hunk, and where the cursor was.
#[derive(Debug, Clone)]
struct Change {
    marks: Vec<Mark>,
    cursor: Option<(PathBuf, String)>,
}

/// The whole review.
#[derive(Debug)]
pub struct App {
    pub(crate) plans: Vec<FilePlan>,
    /// Display names (relative, made safe).
    pub(crate) names: Vec<String>,
    /// Per file: why the last write did not happen, or that it did.
    pub(crate) outcome: Vec<Option<(bool, String)>>,
    pub(crate) file: usize,
    pub(crate) hunk: usize,
    pub(crate) focus: Focus,
    pub(crate) mode: Mode,
    /// Top row of the diff (in rows of the current arrangement).
    pub(crate) scroll: usize,
    /// A one-off message for the title row.
    pub(crate) message: Option<String>,
    pub(crate) keymap: Keymap,
    pub(crate) theme: Theme,
    pub(crate) highlighter: Highlighter,
    /// Terminal size (columns, rows).
    pub(crate) size: (u16, u16),
    pub(crate) settings: Settings,
    /// While the background analysis runs: files done and the total (`None` once complete).
    pub(crate) scanning: Option<(usize, usize)>,
    /// The arrangement chosen with the layout key (`None`: automatic, per hunk).
    pub(crate) arrange: Option<Arrange>,
    /// Files found but not analysed yet (the start waits for those before the first file).
    unseen: BTreeSet<PathBuf>,
    /// Whether the cursor has found its start (or the user moved it).
    settled: bool,
    last_search: String,
    undo: Vec<Change>,
    redo: Vec<Change>,
    cache: RefCell<HashMap<usize, Cached>>,
}

impl App {
    pub(crate) fn new(
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
            arrange: None,
            unseen: BTreeSet::new(),
            settled: false,
            last_search: String::new(),
            undo: Vec::new(),
            redo: Vec::new(),
            cache: RefCell::new(HashMap::new()),
        };
        app.settle();
        app
    }

    // ----- plans arriving from the scan -----

    /// The files the scan will analyse: until those before it in path order are known, the
    /// cursor waits for the first file in path order.
    pub(crate) fn expect(&mut self, paths: impl IntoIterator<Item = PathBuf>) {
        self.unseen.extend(paths);
        if self.plans.is_empty() {
            self.settled = false;
        }
        self.settle();
    }

    /// One expected file is analysed (flagged or not, or unreadable).
    pub(crate) fn analysed(&mut self, path: &Path) {
        if self.unseen.remove(path) {
            self.settle();
        }
    }

    /// The first file in path order not analysed yet, while the cursor waits for it.
    pub(crate) fn waiting_for(&self) -> Option<&Path> {
        if self.settled { None } else { self.unseen.first().map(PathBuf::as_path) }
    }

    /// Put the cursor on its start once that is known: the first undecided hunk in path order,
    /// when no file before it is still being analysed.
    fn settle(&mut self) {
        if self.settled {
            return;
        }
        let first_unseen = self.unseen.first();
        let target = self.first_pending();
        let ready = match (target, first_unseen) {
            (Some((f, _)), Some(u)) => self.plans[f].path < *u,
            (None, Some(_)) => false,
            (_, None) => true,
        };
        if ready {
            self.settled = true;
            let (f, h) = target.unwrap_or((0, 0));
            self.goto(f, h);
        }
    }

    /// Add a plan as it arrives from the background analysis: the list stays in path order and
    /// the cursor stays on the file it is on.
    pub(crate) fn insert_plan(&mut self, plan: FilePlan) {
        let at = self.plans.partition_point(|p| p.path < plan.path);
        let path = plan.path.clone();
        self.names.insert(at, rows::display(&plan.path.to_string_lossy()));
        self.outcome.insert(at, None);
        self.plans.insert(at, plan);
        let shift = |f: usize| if f >= at { f + 1 } else { f };
        let cache = std::mem::take(self.cache.get_mut());
        *self.cache.get_mut() = cache.into_iter().map(|(f, c)| (shift(f), c)).collect();
        if self.plans.len() > 1 {
            self.file = shift(self.file);
        }
        self.unseen.remove(&path);
        self.settle();
    }

    // ----- queries used by the view -----

    /// How many flagged files are in (for the benchmark).
    pub fn file_count(&self) -> usize {
        self.plans.len()
    }

    pub(crate) fn hunk_count(&self) -> usize {
        self.plans.get(self.file).map_or(0, |p| p.hunks.len())
    }

    /// Totals over every file: (pending, accepted, rejected, manual).
    pub(crate) fn totals(&self) -> (usize, usize, usize, usize) {
        self.plans.iter().fold((0, 0, 0, 0), |(p, a, r, m), plan| {
            let (pp, aa, rr) = plan.counts();
            (p + pp, a + aa, r + rr, m + plan.manual().count())
        })
    }

    /// Accepted hunks not yet written, and the files they are in.
    pub(crate) fn unwritten(&self) -> (usize, usize) {
        self.plans.iter().filter(|p| p.has_accepted()).fold((0, 0), |(h, f), p| (h + p.counts().1, f + 1))
    }

    /// Run `f` over the cached rows and highlighting of `file` (built on first use).
    pub(crate) fn with_cached<R>(&self, file: usize, f: impl FnOnce(&mut Cached, &Highlighter) -> R) -> R {
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
                    visual: Vec::new(),
                },
            );
        }
        let entry = cache.get_mut(&file).expect("inserted above");
        f(entry, &self.highlighter)
    }

    fn invalidate(&mut self, file: usize) {
        self.cache.get_mut().remove(&file);
    }

    /// The geometry of the screen for the current file and hunk.
    pub(crate) fn geometry(&self) -> Geometry {
        let area = Rect::new(0, 0, self.size.0, self.size.1);
        let info = self.status_lines(usize::from(self.size.0).max(1)).len() as u16;
        let areas = layout::areas(area, self.focus == Focus::Files, info);
        let diff = areas.diff.unwrap_or_else(|| layout::areas(area, false, info).diff.unwrap_or_default());
        let body = layout::diff_body(diff);
        let number_width =
            if self.plans.is_empty() { 1 } else { self.with_cached(self.file, |c, _| c.rows.number_width) };
        let arrange = self.arrangement(diff.width, number_width);
        let widths = layout::text_widths(diff.width, arrange, number_width);
        Geometry { areas, arrange, widths, body }
    }

    /// How the current hunk is shown: as chosen with the layout key, else side by side when both
    /// panes are wide enough for every changed span of the hunk, else stacked.
    fn arrangement(&self, width: u16, number_width: usize) -> Arrange {
        if width < layout::MIN_SIDE_BY_SIDE {
            return Arrange::Stacked;
        }
        if let Some(a) = self.arrange {
            return a;
        }
        if self.plans.is_empty() {
            return Arrange::SideBySide;
        }
        let (wb, wa) = layout::text_widths(width, Arrange::SideBySide, number_width);
        let fits = self.with_cached(self.file, |c, _| {
            let Some(range) = c.rows.hunk_rows.get(self.hunk) else {
                return true;
            };
            c.rows.rows[range.clone()].iter().all(|row| match *row {
                rows::Row::Pair { before, after, .. } => {
                    before.is_none_or(|b| needed(&c.rows.before[b]) <= wb)
                        && after.is_none_or(|a| needed(&c.rows.after[a]) <= wa)
                }
                _ => true,
            })
        });
        if fits { Arrange::SideBySide } else { Arrange::Stacked }
    }

    /// The rows of hunk `h` of the current file in the current layout, and the row count.
    fn visual_hunk(&self, g: &Geometry, h: usize) -> (Option<Range<usize>>, usize) {
        self.with_cached(self.file, |c, _| {
            let v = c.visual(g.arrange, g.widths);
            (v.hunk_rows.get(h).cloned(), v.rows.len())
        })
    }

    /// An empty cell of the screen (the theme's base colours).
    pub(crate) fn blank(&self) -> ratatui::buffer::Cell {
        let mut cell = ratatui::buffer::Cell::default();
        cell.set_style(self.theme.base);
        cell
    }

    /// The scroll anchor of this frame (see `Anchor`).
    pub(crate) fn anchor(&self) -> Option<Anchor> {
        if self.plans.is_empty() || self.mode != Mode::Normal && !matches!(self.mode, Mode::Search(_)) {
            return None;
        }
        let g = self.geometry();
        g.areas.diff?;
        Some(Anchor {
            file: self.plans[self.file].path.clone(),
            arrange: g.arrange,
            widths: g.widths,
            body: g.body,
            scroll: self.scroll,
        })
    }

    // ----- keys -----

    /// Handle a key press according to the mode.
    pub fn on_key(&mut self, ev: KeyEvent) -> Option<Effect> {
        let key = Key::from_event(ev);
        match self.mode.clone() {
            Mode::Normal => {
                self.message = None;
                let action = self.keymap.action(key, Context::Main)?;
                self.update(action)
            }
            Mode::Help(scroll) | Mode::Info(scroll) => {
                self.scroll_page(key, scroll);
                None
            }
            Mode::Search(mut query) => {
                match self.keymap.action(key, Context::Dialog).filter(|_| !key.is_text()) {
                    Some(Action::Cancel) => self.mode = Mode::Normal,
                    Some(Action::Confirm) => {
                        self.mode = Mode::Normal;
                        if !query.is_empty() {
                            self.last_search = query;
                        }
                        self.find(true);
                    }
                    _ if key.code == KeyCode::Backspace => {
                        query.pop();
                        self.mode = Mode::Search(query);
                    }
                    _ if key.is_text() => {
                        if let KeyCode::Char(c) = key.code {
                            query.push(c);
                        }
                        self.mode = Mode::Search(query);
                    }
                    _ => {}
                }
                None
            }
            Mode::ConfirmWrite => match self.keymap.action(key, Context::Dialog)? {
                Action::Confirm => {
                    self.mode = Mode::Normal;
                    Some(Effect::Write)
                }
                _ => {
                    self.mode = Mode::Normal;
                    self.message = Some("write cancelled: nothing written".into());
                    None
                }
            },
            Mode::ConfirmQuit => match self.keymap.action(key, Context::Dialog)? {
                Action::Confirm => Some(Effect::Quit),
                _ => {
                    self.mode = Mode::Normal;
                    None
                }
            },
        }
    }

    /// In an overlay: the diff's scroll keys scroll it, any other key closes it.
    fn scroll_page(&mut self, key: Key, scroll: usize) {
        let page = usize::from(self.size.1.saturating_sub(6)).max(1);
        let max = self.overlay_lines().saturating_sub(page);
        let scroll = match self.keymap.action(key, Context::Main) {
            Some(Action::NextHunk) => scroll + 1,
            Some(Action::PrevHunk) => scroll.saturating_sub(1),
            Some(Action::PageDown) => scroll + page,
            Some(Action::PageUp) => scroll.saturating_sub(page),
            _ => {
                self.mode = Mode::Normal;
                return;
            }
        };
        let scroll = scroll.min(max);
        self.mode = match self.mode {
            Mode::Help(_) => Mode::Help(scroll),
            _ => Mode::Info(scroll),
        };
    }

    /// Apply one action.
    pub fn update(&mut self, action: Action) -> Option<Effect> {
        if action == Action::Write && self.scanning.is_some() {
            self.message = Some("still scanning: writing waits until every file is in".into());
            return None;
        }
        match action {
            Action::Help => {
                self.mode = Mode::Help(0);
                return None;
            }
            Action::Quit if self.unwritten().0 == 0 => return Some(Effect::Quit),
            Action::Search => {
                self.mode = Mode::Search(String::new());
                return None;
            }
            Action::NextMatch | Action::PrevMatch if !self.plans.is_empty() => {
                self.settled = true;
                self.find(action == Action::NextMatch);
                return None;
            }
            _ => {}
        }
        if self.plans.is_empty() || self.held(action) {
            return None;
        }
        self.update_review(action)
    }

    /// While the start waits for the first file in path order: a move shows what has
    /// arrived; anything else is refused (true) with a word on what it waits for.
    fn held(&mut self, action: Action) -> bool {
        let Some(first) = self.waiting_for() else {
            return false;
        };
        if is_navigation(action) {
            self.settled = true;
            let (f, h) = self.first_pending().unwrap_or((0, 0));
            self.goto(f, h);
        } else {
            self.message = Some(format!(
                "waiting for {}, the first file in path order, to be analysed",
                rows::display(&first.to_string_lossy())
            ));
        }
        true
    }

    /// The actions on the files and hunks (there is at least one file).
    fn update_review(&mut self, action: Action) -> Option<Effect> {
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
                let g = self.geometry();
                let rows = self.visual_hunk(&g, 0).1;
                self.scroll = (self.scroll + self.page()).min(rows.saturating_sub(1));
                None
            }
            Action::SwitchAlternative => self.switch_alternative(),
            Action::ToggleLayout => {
                self.toggle_layout();
                None
            }
            Action::RuleInfo => {
                if self.hunk_count() > 0 || self.plans[self.file].manual().next().is_some() {
                    self.mode = Mode::Info(0);
                }
                None
            }
            Action::Undo => self.undo_redo(true),
            Action::Redo => self.undo_redo(false),
            Action::Write => {
                if self.unwritten().0 == 0 {
                    self.message = Some("nothing accepted to write".into());
                } else {
                    self.mode = Mode::ConfirmWrite;
                }
                None
            }
            Action::Quit => {
                self.mode = Mode::ConfirmQuit;
                None
            }
            Action::Help
            | Action::Search
            | Action::NextMatch
            | Action::PrevMatch
            | Action::Confirm
            | Action::Cancel => None,
        }
    }

    fn page(&self) -> usize {
        usize::from(self.geometry().body.height).max(1)
    }

    /// `v`: the other arrangement than the one shown; pressed again, back to automatic.
    fn toggle_layout(&mut self) {
        let g = self.geometry();
        if g.body.width < layout::MIN_SIDE_BY_SIDE {
            self.message = Some("too narrow for side by side: the diff stays stacked".into());
            return;
        }
        self.arrange = match self.arrange {
            Some(_) => None,
            None => Some(g.arrange.other()),
        };
        let shown = self.geometry().arrange;
        let how = if self.arrange.is_some() { "" } else { " (automatic again)" };
        self.message =
            Some(format!("diff {}{how}; {} switches", shown.name(), self.keymap.first(Action::ToggleLayout)));
        let (f, h) = (self.file, self.hunk);
        self.scroll = 0;
        self.goto(f, h);
    }

    // ----- navigation -----

    /// Show hunk `hunk` of `file`, scrolling only as far as needed to show all of it (with a
    /// few rows of context when they fit).
    pub(crate) fn goto(&mut self, file: usize, hunk: usize) {
        if self.plans.is_empty() {
            return;
        }
        let before = self.plans.get(self.file).map(|p| p.path.clone());
        let old_arrange = self.geometry().arrange;
        self.file = file.min(self.plans.len() - 1);
        self.hunk = hunk.min(self.hunk_count().saturating_sub(1));
        let g = self.geometry();
        if before.as_ref() != Some(&self.plans[self.file].path) || g.arrange != old_arrange {
            self.scroll = 0;
        }
        let (rows, total) = self.visual_hunk(&g, self.hunk);
        let height = usize::from(g.body.height).max(1);
        if let Some(rows) = rows.filter(|_| self.hunk_count() > 0) {
            self.scroll = scroll_to(self.scroll, height, &rows);
        }
        self.scroll = self.scroll.min(total.saturating_sub(1));
    }

    /// After a resize: keep the current hunk in view.
    pub fn resize(&mut self, size: (u16, u16)) {
        self.size = size;
        let (f, h) = (self.file, self.hunk);
        self.goto(f, h);
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

    /// The first pending hunk in path order.
    fn first_pending(&self) -> Option<(usize, usize)> {
        self.plans.iter().enumerate().find_map(|(f, plan)| {
            (0..plan.hunks.len()).find(|&h| plan.hunk_decision(h) == Decision::Pending).map(|h| (f, h))
        })
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
                let done = if h > 0 {
                    format!(
                        "every hunk is decided: {h} accepted in {}; press {} to write",
                        plural(f, "file"),
                        self.keymap.first(Action::Write)
                    )
                } else {
                    "every hunk is decided".into()
                };
                self.message = Some(match self.message.take() {
                    Some(m) => format!("{m}; {done}"),
                    None => done,
                });
            }
        }
    }
}

/// Keys that move the cursor (they end the wait for the first file).
fn is_navigation(action: Action) -> bool {
    matches!(
        action,
        Action::NextHunk
            | Action::PrevHunk
            | Action::NextFile
            | Action::PrevFile
            | Action::First
            | Action::Last
            | Action::SwitchFocus
            | Action::PageUp
            | Action::PageDown
    )
}

/// The columns a changed line needs for all its changes to show: up to the end of its last
/// changed span (the whole line when nothing inside it is marked).
fn needed(line: &rows::Line) -> usize {
    if !line.changed {
        return 0;
    }
    line.emph.last().map_or_else(|| wrap::width(&line.text), |r| wrap::width(&line.text[..r.end]))
}

/// The new top row so that `rows` (a hunk) shows in a viewport of `height` rows at `scroll`: no
/// move when it already shows whole; else the least scroll that shows it with `CONTEXT_ROWS`
/// around it; a hunk taller than the viewport starts at its top.
fn scroll_to(scroll: usize, height: usize, rows: &Range<usize>) -> usize {
    let len = rows.end - rows.start;
    if rows.start >= scroll && rows.end <= scroll + height {
        return scroll;
    }
    if len + 2 * CONTEXT_ROWS > height {
        // Too tall for context on both sides: as much context above as leaves it whole.
        return rows.start.saturating_sub(height.saturating_sub(len).min(CONTEXT_ROWS));
    }
    if rows.start < scroll {
        rows.start.saturating_sub(CONTEXT_ROWS)
    } else if rows.end + CONTEXT_ROWS <= scroll + height + height / 2 {
        // Just below the viewport: scroll down only as far as needed (a short move).
        rows.end + CONTEXT_ROWS - height
    } else {
        rows.start.saturating_sub(CONTEXT_ROWS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrolling_moves_as_little_as_it_can() {
        // Visible: no move.
        assert_eq!(scroll_to(10, 20, &(12..15)), 10);
        // Just below: the least move that shows it with context after.
        assert_eq!(scroll_to(0, 20, &(18..22)), 5);
        // Far below or above: context above it.
        assert_eq!(scroll_to(0, 20, &(100..104)), 97);
        assert_eq!(scroll_to(50, 20, &(40..44)), 37);
        // Taller than the viewport: its top, with what context fits.
        assert_eq!(scroll_to(0, 10, &(30..45)), 30);
        assert_eq!(scroll_to(0, 10, &(30..38)), 28);
    }
}
