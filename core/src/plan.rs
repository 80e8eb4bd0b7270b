//! The plan of one file: its findings grouped into hunks, and a decision for each.
//!
//! Decisions are kept per finding, so that the review UI (which decides whole hunks) and the
//! non-interactive `apply` (which decides by rule and safety) share one model and one apply path.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use crate::apply::{self, Applied};
use crate::deps::DepsKind;
use crate::fix::{Edit, Finding, Fix, Safety};
use crate::notebook::file::NotebookFile;
use crate::source::{Blocker, Encoding, LineIndex};

/// What the user (or the policy) decided about a finding's fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    #[default]
    Pending,
    Accepted,
    Rejected,
}

/// What deciding several hunks at once did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Bulk {
    /// Undecided hunks now decided.
    pub decided: usize,
    /// Hunks already decided (by hand or before), left as they were.
    pub kept: usize,
    /// Undecided hunks left undecided: accepting one would need a rejected hunk, or rejecting
    /// one would break an accepted hunk that needs it.
    pub blocked: usize,
}

/// A group of fixes on adjacent lines, reviewed together.
#[derive(Debug, Clone, Serialize)]
pub struct Hunk {
    /// Indices of the findings (with fixes) in this hunk.
    pub findings: Vec<usize>,
    /// 0-based lines of the original the hunk covers (end exclusive).
    pub lines: Range<usize>,
    /// Byte range of those whole lines.
    pub bytes: Range<usize>,
    /// Hunks this one needs (an import line, the eager switch), by index in the file.
    pub requires: Vec<usize>,
    /// Stable across runs and line shifts: rules + normalised before/after text (+ occurrence).
    pub key: String,
}

/// One flagged file and everything decided about it.
#[derive(Debug, Clone, Serialize)]
pub struct FilePlan {
    /// The path as the user sees it.
    pub path: PathBuf,
    /// The root it was found under (writes never leave it).
    #[serde(skip)]
    pub root: PathBuf,
    #[serde(skip)]
    pub text: String,
    #[serde(skip)]
    pub encoding: Encoding,
    #[serde(skip)]
    /// Made when first asked for (a warm `check` lists positions without it: [`Self::positions`]).
    pub(crate) lines: std::sync::OnceLock<LineIndex>,
    /// Whether the original parsed without errors (then the result must too).
    pub parsed_cleanly: bool,
    /// Why `diff` and `apply` must leave the whole file alone, if they must.
    #[serde(skip)]
    pub blocker: Option<Blocker>,
    pub findings: Vec<Finding>,
    pub decisions: Vec<Decision>,
    /// Chosen alternative per finding (index into `fixes`).
    pub choices: Vec<usize>,
    pub hunks: Vec<Hunk>,
    /// For a notebook: the notebook behind `text` (which is then its code cells' code as one
    /// program) and the way back to its JSON.
    #[serde(skip)]
    pub notebook: Option<Arc<NotebookFile>>,
    /// For a dependency file (`requirements.txt`, `setup.py`…): its kind. Its findings come from
    /// [`crate::deps`], not the Python rules, and its text is not Python.
    #[serde(skip)]
    pub deps: Option<DepsKind>,
}

/// Where something is in a file: 1-based line and character column, in a notebook within the
/// code of a 1-based cell (cells counted among all cells, as a person counts them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<usize>,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Position {
    /// `line:column`, or `cell N:line:column`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(cell) = self.cell {
            write!(f, "cell {cell}:")?;
        }
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// FNV-1a, 64 bits: a stable hash for hunk keys (std's hasher may change between releases).
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl FilePlan {
    pub fn new(
        path: PathBuf,
        root: PathBuf,
        text: String,
        encoding: Encoding,
        parsed_cleanly: bool,
        findings: Vec<Finding>,
    ) -> Self {
        Self::with_hunks(path, root, text, encoding, parsed_cleanly, findings, None)
    }

    /// [`new`](Self::new), with the hunks when they are known already (`Some`: grouped from
    /// these very findings of this very text, e.g. by an earlier run).
    pub(crate) fn with_hunks(
        path: PathBuf,
        root: PathBuf,
        text: String,
        encoding: Encoding,
        parsed_cleanly: bool,
        findings: Vec<Finding>,
        hunks: Option<Vec<Hunk>>,
    ) -> Self {
        let n = findings.len();
        let mut plan = Self {
            path,
            root,
            text,
            encoding,
            lines: std::sync::OnceLock::new(),
            parsed_cleanly,
            blocker: None,
            findings,
            decisions: vec![Decision::Pending; n],
            choices: vec![0; n],
            hunks: Vec::new(),
            notebook: None,
            deps: None,
        };
        plan.hunks = match hunks {
            Some(h) => h,
            None => plan.group(),
        };
        plan
    }

    /// The plan of a notebook: `findings` are on its program (see [`NotebookFile::place`]); the
    /// plan's text is the code cells' code, and no hunk spans two cells.
    pub fn for_notebook(
        path: PathBuf,
        root: PathBuf,
        file: NotebookFile,
        encoding: Encoding,
        findings: Vec<Finding>,
    ) -> Self {
        let text = file.notebook.code().to_owned();
        let parsed_cleanly = !file.has_broken_cells();
        let mut plan = Self::new(path, root, text, encoding, parsed_cleanly, Vec::new());
        plan.decisions = vec![Decision::Pending; findings.len()];
        plan.choices = vec![0; findings.len()];
        plan.findings = findings;
        plan.notebook = Some(Arc::new(file));
        plan.hunks = plan.group();
        plan
    }

    /// Make this file's standalone Keras code keep Keras 2, as another file of the program must
    /// (see [`crate::rules::keras3::keep_keras2`]); the hunks are grouped anew if anything changed.
    pub(crate) fn keep_keras2(&mut self, why: &str) {
        if crate::rules::keras3::keep_keras2(&mut self.findings, why) {
            self.hunks = self.group();
        }
    }

    /// The file's text as read: the notebook's JSON for a notebook, else [`text`](Self::text).
    pub fn original(&self) -> &str {
        self.notebook.as_ref().map_or(&self.text, |n| &n.json)
    }

    /// The line index of [`text`](Self::text).
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// [`Self::position`] of each of `offsets`, in order. In a Python file whose line index is not
    /// made yet, with offsets in ascending order, the lines are counted from one offset to the
    /// next, and the text after the last is never read.
    pub fn positions(&self, offsets: &[usize]) -> Vec<Position> {
        if self.notebook.is_some() || self.lines.get().is_some() || !offsets.is_sorted() {
            return offsets.iter().map(|&o| self.position(o)).collect();
        }
        let bytes = self.text.as_bytes();
        // The last offset reached, its 1-based line, and that line's start.
        let (mut at, mut line, mut start) = (0, 1, 0);
        offsets
            .iter()
            .map(|&offset| {
                let offset = offset.min(bytes.len());
                let between = &bytes[at..offset];
                let newlines = memchr::memchr_iter(b'\n', between).count();
                if newlines > 0 {
                    line += newlines;
                    start = at + memchr::memrchr(b'\n', between).map_or(0, |i| i + 1);
                }
                at = offset;
                let column = self.text.get(start..offset).map_or(offset - start, |s| s.chars().count());
                Position { cell: None, line, column: column + 1 }
            })
            .collect()
    }

    /// Where an offset of [`text`](Self::text) is: in a notebook, the cell and the line and
    /// column in its code.
    pub fn position(&self, offset: usize) -> Position {
        if let Some(p) = self.notebook.as_ref().and_then(|n| n.position(offset)) {
            return Position { cell: Some(p.cell), line: p.line, column: p.column };
        }
        let (line, column) = self.lines().line_col(&self.text, offset.min(self.text.len()));
        Position { cell: None, line, column }
    }

    /// For a notebook: the first line (0-based, in [`text`](Self::text)) of each code cell that
    /// has code, with the cell's 1-based index. Empty for a Python file.
    pub fn cell_lines(&self) -> Vec<(usize, usize)> {
        let Some(nb) = &self.notebook else { return Vec::new() };
        let cells = nb.notebook.cells().iter().filter(|c| !c.range.is_empty());
        cells.map(|c| (self.lines().line_of(c.range.start), c.index)).collect()
    }

    /// The notebook cell (1-based) holding 0-based line `line` of the text; `None` for a file.
    pub fn cell_of_line(&self, line: usize) -> Option<usize> {
        let nb = self.notebook.as_ref()?;
        nb.position(self.lines().line_start(line)).map(|p| p.cell)
    }

    /// The notebook cell a hunk is in; `None` for a Python file.
    pub fn hunk_cell(&self, h: usize) -> Option<usize> {
        self.cell_of_line(self.hunks[h].lines.start)
    }

    /// The notebook cells (1-based) holding a fix: the cells the migration may change, whose
    /// saved outputs then go stale. Empty for a Python file.
    pub fn cells_with_fixes(&self) -> Vec<usize> {
        let mut cells: Vec<usize> = (0..self.hunks.len()).filter_map(|h| self.hunk_cell(h)).collect();
        cells.sort_unstable();
        cells.dedup();
        cells
    }

    /// 0-based line span of a finding's edits, over all its alternatives.
    fn line_span(&self, i: usize) -> Range<usize> {
        let f = &self.findings[i];
        let start = f.fixes.iter().map(|x| x.span().start).min().unwrap_or(f.range.start);
        let end = f.fixes.iter().map(|x| x.span().end).max().unwrap_or(f.range.end);
        self.lines().line_of(start)..self.lines().line_of(end) + 1
    }

    fn group(&self) -> Vec<Hunk> {
        let mut order: Vec<usize> = (0..self.findings.len()).filter(|&i| !self.findings[i].fixes.is_empty()).collect();
        order.sort_by_key(|&i| (self.line_span(i).start, self.line_span(i).end, i));
        let mut hunks: Vec<Hunk> = Vec::new();
        for i in order {
            let span = self.line_span(i);
            match hunks.last_mut() {
                // In a notebook, a hunk stays within one cell.
                Some(h)
                    if span.start <= h.lines.end
                        && (self.notebook.is_none()
                            || self.cell_of_line(span.start) == self.cell_of_line(h.lines.start)) =>
                {
                    h.lines.end = h.lines.end.max(span.end);
                    h.findings.push(i);
                }
                _ => hunks.push(Hunk {
                    findings: vec![i],
                    lines: span,
                    bytes: 0..0,
                    requires: Vec::new(),
                    key: String::new(),
                }),
            }
        }
        let hunk_of: HashMap<usize, usize> =
            hunks.iter().enumerate().flat_map(|(h, hunk)| hunk.findings.iter().map(move |&f| (f, h))).collect();
        let mut seen: HashMap<u64, usize> = HashMap::new();
        for (h, hunk) in hunks.iter_mut().enumerate() {
            let lines = hunk.lines.clone();
            let start = self.lines().line_start(lines.start);
            let end = if lines.end >= self.lines().line_count() {
                self.text.len()
            } else {
                self.lines().line_start(lines.end)
            };
            hunk.bytes = start..end;
            let mut requires: Vec<usize> = hunk
                .findings
                .iter()
                .flat_map(|f| &self.findings[*f].requires)
                .filter_map(|r| hunk_of.get(r).copied())
                .filter(|&r| r != h)
                .collect();
            requires.sort_unstable();
            requires.dedup();
            hunk.requires = requires;
            let mut rules: Vec<&str> = hunk.findings.iter().map(|&f| self.findings[f].rule.id()).collect();
            rules.dedup();
            let (before, after) = self.hunk_texts_with(hunk, &self.choices);
            let digest =
                fnv1a(format!("{}\0{}\0{}", rules.join(","), normalise(&before), normalise(&after)).as_bytes());
            let n = seen.entry(digest).or_insert(0);
            *n += 1;
            hunk.key = format!("{digest:016x}-{n}");
        }
        hunks
    }

    /// The chosen fix of finding `i`.
    pub fn chosen(&self, i: usize) -> Option<&Fix> {
        let f = &self.findings[i];
        f.fixes.get(self.choices[i]).or_else(|| f.fixes.first())
    }

    fn hunk_texts_with(&self, hunk: &Hunk, choices: &[usize]) -> (String, String) {
        let before = &self.text[hunk.bytes.clone()];
        let fixes: Vec<Fix> = hunk
            .findings
            .iter()
            .filter_map(|&i| {
                let f = &self.findings[i];
                f.fixes.get(choices[i]).or_else(|| f.fixes.first())
            })
            .map(|fix| shifted(fix, hunk.bytes.start, hunk.bytes.end))
            .collect();
        let refs: Vec<&Fix> = fixes.iter().collect();
        (before.to_owned(), apply::apply_fixes(before, &refs).text)
    }

    /// The original lines of a hunk and what they become with its fixes applied.
    pub fn hunk_texts(&self, h: usize) -> (String, String) {
        self.hunk_texts_with(&self.hunks[h], &self.choices)
    }

    /// The decision shown for a hunk: pending if any finding is, else accepted if any is.
    pub fn hunk_decision(&self, h: usize) -> Decision {
        let ds = self.hunks[h].findings.iter().map(|&i| self.decisions[i]);
        let mut any_accepted = false;
        for d in ds {
            match d {
                Decision::Pending => return Decision::Pending,
                Decision::Accepted => any_accepted = true,
                Decision::Rejected => {}
            }
        }
        if any_accepted { Decision::Accepted } else { Decision::Rejected }
    }

    /// The lowest safety of the hunk's chosen fixes.
    pub fn hunk_safety(&self, h: usize) -> Safety {
        self.hunks[h].findings.iter().filter_map(|&i| self.chosen(i)).map(|f| f.safety).min().unwrap_or(Safety::Manual)
    }

    /// Decide a hunk. Accepting also accepts what it requires (transitively).
    pub fn decide_hunk(&mut self, h: usize, decision: Decision) {
        let mut stack = vec![h];
        let mut done = vec![false; self.hunks.len()];
        while let Some(h) = stack.pop() {
            if std::mem::replace(&mut done[h], true) {
                continue;
            }
            for &i in &self.hunks[h].findings {
                self.decisions[i] = decision;
            }
            if decision == Decision::Accepted {
                stack.extend(self.hunks[h].requires.iter().copied());
            }
        }
    }

    /// The hunks `h` needs, directly or through others (without `h`), in index order.
    pub fn requirements(&self, h: usize) -> Vec<usize> {
        self.closure(h, |p, x| p.hunks[x].requires.clone())
    }

    /// The hunks that need `h`, directly or through others (without `h`), in index order.
    pub fn dependants(&self, h: usize) -> Vec<usize> {
        self.closure(h, |p, x| (0..p.hunks.len()).filter(|&d| p.hunks[d].requires.contains(&x)).collect())
    }

    fn closure(&self, h: usize, next: impl Fn(&Self, usize) -> Vec<usize>) -> Vec<usize> {
        let mut seen = vec![false; self.hunks.len()];
        let mut stack = vec![h];
        seen[h] = true;
        while let Some(x) = stack.pop() {
            for n in next(self, x) {
                if !std::mem::replace(&mut seen[n], true) {
                    stack.push(n);
                }
            }
        }
        seen[h] = false;
        (0..seen.len()).filter(|&i| seen[i]).collect()
    }

    /// Decide the undecided hunks among `hunks`; decided ones keep their decision. Accepting
    /// pulls in what a hunk needs, and skips a hunk that needs a rejected one; rejecting skips
    /// a hunk that an accepted hunk needs. So no accepted hunk ever lacks what it needs.
    pub fn decide_undecided(&mut self, hunks: &[usize], decision: Decision) -> Bulk {
        let mut bulk = Bulk::default();
        let mut todo = Vec::new();
        for &h in hunks {
            if self.hunk_decision(h) == Decision::Pending {
                todo.push(h);
            } else {
                bulk.kept += 1;
            }
        }
        for h in todo {
            let conflict = match decision {
                Decision::Accepted => {
                    self.requirements(h).into_iter().any(|r| self.hunk_decision(r) == Decision::Rejected)
                }
                Decision::Rejected => {
                    self.dependants(h).into_iter().any(|d| self.hunk_decision(d) == Decision::Accepted)
                }
                Decision::Pending => false,
            };
            if conflict {
                bulk.blocked += 1;
            } else {
                self.decide_hunk(h, decision);
                bulk.decided += 1;
            }
        }
        bulk
    }

    /// Reject hunk `h` and every accepted hunk that needs it (an accepted use of `tf_slim`
    /// without its import would fail); returns those dependants.
    pub fn reject_with_dependants(&mut self, h: usize) -> Vec<usize> {
        let dependants: Vec<usize> =
            self.dependants(h).into_iter().filter(|&d| self.hunk_decision(d) == Decision::Accepted).collect();
        for &d in dependants.iter().chain([&h]) {
            self.set_hunk_decision(d, Decision::Rejected);
        }
        dependants
    }

    /// Make decisions made elsewhere (a journal) hold together the way the review keeps them: an
    /// accepted hunk that needs a rejected one is rejected too (it would not run without it),
    /// and what an accepted hunk needs is accepted. Returns how many hunks changed.
    pub fn enforce_requirements(&mut self) -> usize {
        let before: Vec<Decision> = (0..self.hunks.len()).map(|h| self.hunk_decision(h)).collect();
        for h in 0..self.hunks.len() {
            if self.hunk_decision(h) == Decision::Rejected {
                self.reject_with_dependants(h);
            }
        }
        for h in 0..self.hunks.len() {
            if self.hunk_decision(h) == Decision::Accepted {
                self.decide_hunk(h, Decision::Accepted);
            }
        }
        before.iter().enumerate().filter(|&(h, d)| self.hunk_decision(h) != *d).count()
    }

    /// Decide every finding that `pick` selects; accepting pulls in what each requires. Support
    /// findings (an import line) are never picked: they come with the fixes that need them.
    pub fn decide_where(&mut self, decision: Decision, pick: impl Fn(&Finding, &Fix) -> bool) {
        let picked: Vec<usize> = (0..self.findings.len())
            .filter(|&i| !self.findings[i].support && self.chosen(i).is_some_and(|fix| pick(&self.findings[i], fix)))
            .collect();
        let mut stack = picked;
        let mut done = vec![false; self.findings.len()];
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut done[i], true) {
                continue;
            }
            self.decisions[i] = decision;
            if decision == Decision::Accepted {
                stack.extend(self.findings[i].requires.iter().copied());
            }
        }
    }

    /// The number of hunks per decision: (pending, accepted, rejected).
    pub fn counts(&self) -> (usize, usize, usize) {
        (0..self.hunks.len()).fold((0, 0, 0), |(p, a, r), h| match self.hunk_decision(h) {
            Decision::Pending => (p + 1, a, r),
            Decision::Accepted => (p, a + 1, r),
            Decision::Rejected => (p, a, r + 1),
        })
    }

    /// How many alternatives the hunk offers (the most of any of its findings; 1 or more).
    pub fn alternatives(&self, h: usize) -> usize {
        self.hunks[h].findings.iter().map(|&i| self.findings[i].fixes.len()).max().unwrap_or(1).max(1)
    }

    /// The alternative chosen for a hunk: that of its first finding with several.
    pub fn hunk_choice(&self, h: usize) -> usize {
        self.hunks[h].findings.iter().find(|&&i| self.findings[i].fixes.len() > 1).map_or(0, |&i| self.choices[i])
    }

    /// Choose alternative `c` for every finding of the hunk that has several (clamped).
    pub fn set_hunk_choice(&mut self, h: usize, c: usize) {
        for &i in &self.hunks[h].findings {
            let n = self.findings[i].fixes.len();
            if n > 1 {
                self.choices[i] = c.min(n - 1);
            }
        }
    }

    /// Set the decision of exactly this hunk's findings (no requirements pulled in).
    pub fn set_hunk_decision(&mut self, h: usize, decision: Decision) {
        for &i in &self.hunks[h].findings {
            self.decisions[i] = decision;
        }
    }

    /// Findings with no fix: guidance for the user.
    pub fn manual(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.fixes.is_empty())
    }

    pub fn has_accepted(&self) -> bool {
        self.decisions.iter().zip(&self.findings).any(|(d, f)| *d == Decision::Accepted && !f.fixes.is_empty())
    }

    /// The chosen fixes of the accepted findings.
    fn accepted_fixes(&self) -> Vec<&Fix> {
        (0..self.findings.len())
            .filter(|&i| self.decisions[i] == Decision::Accepted)
            .filter_map(|i| self.chosen(i))
            .collect()
    }

    /// Apply every accepted fix to the original text.
    pub fn apply_accepted(&self) -> Applied {
        apply::apply_fixes(&self.text, &self.accepted_fixes())
    }

    /// The edits of the accepted fixes, as [`apply_accepted`](Self::apply_accepted) makes them.
    pub fn accepted_edits(&self) -> Vec<Edit> {
        apply::applied_edits(&self.accepted_fixes())
    }
}

/// A copy of `fix` whose edits are relative to `start` (edits outside `start..end` are dropped).
fn shifted(fix: &Fix, start: usize, end: usize) -> Fix {
    let mut out = fix.clone();
    out.edits.retain(|e| e.range.start >= start && e.range.end <= end);
    for e in &mut out.edits {
        e.range = e.range.start - start..e.range.end - start;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::{Edit, Severity};
    use crate::rules::Rule;

    #[test]
    fn positions_counted_forward_match_the_line_index() {
        let text = "a = 1\r\n\u{e9}t\u{e9} = tf.log(2)\n\n    x\ty\n\u{1f600}z";
        let offsets: Vec<usize> = (0..=text.len() + 2).collect();
        let swept = plan(text, Vec::new()).positions(&offsets);
        let indexed = plan(text, Vec::new());
        let _ = indexed.lines();
        assert_eq!(swept, indexed.positions(&offsets));
        let each: Vec<Position> = offsets.iter().map(|&o| indexed.position(o)).collect();
        assert_eq!(swept, each);
        assert_eq!(swept[9], Position { cell: None, line: 2, column: 2 }, "after the two-byte é");
    }

    fn plan(text: &str, findings: Vec<Finding>) -> FilePlan {
        FilePlan::new("t.py".into(), ".".into(), text.into(), Encoding::Utf8 { bom: false }, true, findings)
    }

    fn rename(range: Range<usize>, to: &str) -> Finding {
        Finding::new(Rule::Tf2Rename, Severity::Error, range.clone(), "m")
            .with_fix(Fix::safe(vec![Edit::replacement(range, to)]))
    }

    #[test]
    fn adjacent_lines_form_one_hunk() {
        let text = "a\nb\n\n\nc\n";
        let p = plan(text, vec![rename(0..1, "A"), rename(2..3, "B"), rename(6..7, "C")]);
        assert_eq!(p.hunks.len(), 2);
        assert_eq!(p.hunks[0].findings, vec![0, 1]);
        assert_eq!(p.hunks[0].lines, 0..2);
        assert_eq!(p.hunk_texts(0), ("a\nb\n".into(), "A\nB\n".into()));
        assert_eq!(p.hunk_texts(1), ("c\n".into(), "C\n".into()));
    }

    #[test]
    fn keys_do_not_depend_on_line_numbers() {
        let a = plan("x\n", vec![rename(0..1, "y")]);
        let b = plan("\n\nx\n", vec![rename(2..3, "y")]);
        assert_eq!(a.hunks[0].key, b.hunks[0].key);
        let c = plan("x\nq\n\nx\n", vec![rename(0..1, "y"), rename(5..6, "y")]);
        assert_ne!(c.hunks[0].key, c.hunks[1].key, "repeated hunks get distinct keys");
    }

    #[test]
    fn accepting_pulls_in_requirements() {
        let text = "import a\n\n\nx\n";
        let mut use_site = rename(11..12, "a.y");
        use_site.requires = vec![0];
        let import = Finding::new(Rule::Contrib, Severity::Info, 0..0, "imp")
            .with_fix(Fix::review(vec![Edit::insertion(0, "import b\n")]));
        let mut p = plan(text, vec![import, use_site]);
        assert_eq!(p.hunks.len(), 2);
        assert_eq!(p.hunks[1].requires, vec![0]);
        p.decide_hunk(1, Decision::Accepted);
        assert_eq!(p.decisions, vec![Decision::Accepted, Decision::Accepted]);
        assert_eq!(p.apply_accepted().text, "import b\nimport a\n\n\na.y\n");
        p.decide_hunk(0, Decision::Rejected);
        assert_eq!(p.hunk_decision(1), Decision::Accepted);
        assert_eq!(p.counts(), (0, 1, 1));
    }

    /// Hunks: 0 an import, 1 a use that needs it, 2 a use that needs 1, 3 unrelated.
    fn chain() -> FilePlan {
        let text = "import a\n\n\nx\n\n\ny\n\n\nz\n";
        let import = Finding::new(Rule::Contrib, Severity::Info, 0..0, "imp")
            .with_fix(Fix::review(vec![Edit::insertion(0, "import b\n")]));
        let mut x = rename(11..12, "b.x");
        x.requires = vec![0];
        let mut y = rename(15..16, "b.y");
        y.requires = vec![1];
        plan(text, vec![import, x, y, rename(19..20, "Z")])
    }

    #[test]
    fn requirements_and_dependants_are_transitive() {
        let p = chain();
        assert_eq!(p.hunks.len(), 4);
        assert_eq!(p.requirements(2), vec![0, 1]);
        assert_eq!(p.dependants(0), vec![1, 2]);
        assert!(p.dependants(3).is_empty());
    }

    #[test]
    fn bulk_decisions_keep_what_was_decided() {
        let mut p = chain();
        p.decide_hunk(3, Decision::Rejected);
        let bulk = p.decide_undecided(&[0, 1, 2, 3], Decision::Accepted);
        assert_eq!(bulk, Bulk { decided: 3, kept: 1, blocked: 0 });
        assert_eq!(p.hunk_decision(3), Decision::Rejected, "an explicit rejection stays");

        // An explicit rejection of the import blocks accepting its users in bulk.
        let mut p = chain();
        p.decide_hunk(0, Decision::Rejected);
        let bulk = p.decide_undecided(&[1, 2, 3], Decision::Accepted);
        assert_eq!(bulk, Bulk { decided: 1, kept: 0, blocked: 2 });
        assert_eq!(p.counts(), (2, 1, 1));

        // Rejecting in bulk leaves what an accepted hunk needs.
        let mut p = chain();
        p.decide_hunk(1, Decision::Accepted);
        assert_eq!(p.hunk_decision(0), Decision::Accepted);
        p.set_hunk_decision(0, Decision::Pending);
        let bulk = p.decide_undecided(&[0, 2], Decision::Rejected);
        assert_eq!(bulk, Bulk { decided: 1, kept: 0, blocked: 1 });
        assert_eq!(p.hunk_decision(0), Decision::Pending);
    }

    #[test]
    fn rejecting_a_needed_hunk_rejects_its_accepted_users() {
        let mut p = chain();
        p.decide_hunk(2, Decision::Accepted);
        assert_eq!(p.counts(), (1, 3, 0));
        assert_eq!(p.reject_with_dependants(0), vec![1, 2]);
        assert_eq!(p.counts(), (1, 0, 3));
        assert_eq!(p.apply_accepted().text, p.text, "nothing accepted is left without its import");
    }

    #[test]
    fn hunk_choices_cycle_alternatives() {
        let two = Finding::new(Rule::Tf2Rename, Severity::Error, 0..1, "m")
            .with_fix(Fix::safe(vec![Edit::replacement(0..1, "A")]))
            .with_fix(Fix::review(vec![Edit::replacement(0..1, "B")]).labelled("native"));
        let mut p = plan("a\n\n\nb\n", vec![two, rename(5..6, "C")]);
        assert_eq!(p.alternatives(0), 2);
        assert_eq!(p.alternatives(1), 1);
        assert_eq!(p.hunk_choice(0), 0);
        p.set_hunk_choice(0, 1);
        assert_eq!(p.hunk_choice(0), 1);
        assert_eq!(p.hunk_texts(0).1, "B\n");
        p.set_hunk_choice(0, 7);
        assert_eq!(p.hunk_choice(0), 1, "clamped");
        p.set_hunk_choice(1, 1);
        assert_eq!(p.choices[1], 0, "single-fix findings keep their fix");
        p.set_hunk_decision(1, Decision::Rejected);
        assert_eq!(p.decisions, vec![Decision::Pending, Decision::Rejected]);
    }

    #[test]
    fn decide_where_selects_by_safety() {
        let text = "a\n\n\nb\n";
        let review = Finding::new(Rule::Contrib, Severity::Error, 5..6, "r")
            .with_fix(Fix::review(vec![Edit::replacement(5..6, "B")]));
        let mut p = plan(text, vec![rename(0..1, "A"), review]);
        p.decide_where(Decision::Accepted, |_, fix| fix.safety >= Safety::Safe);
        assert_eq!(p.apply_accepted().text, "A\n\n\nb\n");
    }
}
