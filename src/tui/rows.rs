//! The aligned before/after rows of one file: context lines on both sides, each hunk's changed
//! lines paired (the shorter side padded), changed words marked, manual notes where they apply.
//! Text is made safe for the terminal here, at ingest.

use std::collections::BTreeMap;
use std::ops::Range;

use super::layout::Arrange;
use super::wrap::wrap;
use similar::{ChangeTag, TextDiff};

use tf2_migrate_core::plan::FilePlan;
use tf2_migrate_core::text;

/// Tab stops for display.
pub const TAB_WIDTH: usize = 4;

/// Make text safe to draw: controls, escapes and bidi overrides become a placeholder, tabs
/// become spaces (display only). `col` is the display column the text starts at.
pub fn push_display(out: &mut String, text: &str, col: &mut usize) {
    for c in text.chars() {
        match c {
            '\t' => {
                let n = TAB_WIDTH - *col % TAB_WIDTH;
                out.extend(std::iter::repeat_n(' ', n));
                *col += n;
            }
            '\r' | '\n' => {}
            c if text::is_unsafe(c) => {
                out.push(text::PLACEHOLDER);
                *col += 1;
            }
            c => {
                out.push(c);
                *col += 1;
            }
        }
    }
}

/// One line's text made safe (see `push_display`).
pub fn display(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_display(&mut out, text, &mut 0);
    out
}

/// One line of one side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number in that side's text.
    pub no: usize,
    /// Safe display text.
    pub text: String,
    /// Part of a change (removed on the before side, added on the after side).
    pub changed: bool,
    /// Byte ranges of `text` that changed (the words to emphasise).
    pub emph: Vec<Range<usize>>,
}

/// One screen row of the diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// A before line and an after line side by side (`None` pads the shorter side).
    Pair { before: Option<usize>, after: Option<usize>, hunk: Option<usize> },
    /// A manual finding's guidance, under the line it is about.
    Note { finding: usize },
    /// The line above a hunk: its state, rule and safety.
    Header { hunk: usize },
    /// In a notebook: the start of a code cell (its 1-based index among all cells).
    Cell { cell: usize },
}

/// The aligned rows of one file.
#[derive(Debug, Clone, Default)]
pub struct FileRows {
    pub before: Vec<Line>,
    pub after: Vec<Line>,
    pub rows: Vec<Row>,
    /// The rows of each hunk.
    pub hunk_rows: Vec<Range<usize>>,
    /// Digits of the largest line number.
    pub number_width: usize,
    /// The text of each manual finding's note, by finding.
    pub notes: std::collections::HashMap<usize, String>,
}

struct Builder {
    out: FileRows,
    after_no: usize,
    /// A notebook's code cells: (first line, 0-based; cell index), in order; empty for a file.
    cells: Vec<(usize, usize)>,
    /// The cells entered so far.
    entered: usize,
    /// The lines before the current cell, on each side: numbers are shown within a cell.
    base: (usize, usize),
}

impl Builder {
    /// Start the cells that begin at or before 0-based line `line` of the before side.
    fn enter(&mut self, line: usize) {
        while let Some(&(first, cell)) = self.cells.get(self.entered).filter(|(first, _)| *first <= line) {
            self.entered += 1;
            self.base = (first, self.after_no - 1);
            self.out.rows.push(Row::Cell { cell });
        }
    }

    fn context(&mut self, no: usize, raw: &str) {
        self.enter(no - 1);
        let text = display(raw);
        let (no, after_no) = (no - self.base.0, self.after_no - self.base.1);
        self.out.before.push(Line { no, text: text.clone(), changed: false, emph: Vec::new() });
        self.out.after.push(Line { no: after_no, text, changed: false, emph: Vec::new() });
        self.after_no += 1;
        self.out.rows.push(Row::Pair {
            before: Some(self.out.before.len() - 1),
            after: Some(self.out.after.len() - 1),
            hunk: None,
        });
    }
}

/// A changed line with its emphasised segments, made safe.
fn changed_line<'a>(no: usize, parts: impl Iterator<Item = (bool, &'a str)>) -> Line {
    let mut text = String::new();
    let mut col = 0;
    let mut emph: Vec<Range<usize>> = Vec::new();
    for (emphasised, part) in parts {
        let start = text.len();
        push_display(&mut text, part, &mut col);
        if emphasised && text.len() > start {
            match emph.last_mut() {
                Some(last) if last.end == start => last.end = text.len(),
                _ => emph.push(start..text.len()),
            }
        }
    }
    Line { no, text, changed: true, emph }
}

/// Build the rows of `plan`, showing each hunk with its chosen alternative.
pub fn build(plan: &FilePlan) -> FileRows {
    let lines: Vec<&str> = plan.text.split_inclusive('\n').collect();
    let mut notes: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, f) in plan.findings.iter().enumerate() {
        if f.fixes.is_empty() {
            let line = plan.lines().line_of(f.range.start.min(plan.text.len()));
            notes.entry(line).or_default().push(i);
        }
    }
    let mut b = Builder { out: FileRows::default(), after_no: 1, cells: plan.cell_lines(), entered: 0, base: (0, 0) };
    let mut next = 0;
    let flush_notes = |b: &mut Builder, upto: usize, notes: &mut BTreeMap<usize, Vec<usize>>| {
        let keys: Vec<usize> = notes.range(..upto).map(|(&k, _)| k).collect();
        for k in keys {
            for finding in notes.remove(&k).unwrap_or_default() {
                let f = &plan.findings[finding];
                b.out.notes.insert(finding, format!("  ⚠ manual [{}]: {}", f.rule, display(&f.message)));
                b.out.rows.push(Row::Note { finding });
            }
        }
    };
    for h in 0..plan.hunks.len() {
        let span = plan.hunks[h].lines.clone();
        while next < span.start.min(lines.len()) {
            b.context(next + 1, lines[next]);
            next += 1;
            flush_notes(&mut b, next, &mut notes);
        }
        b.enter(span.start);
        let start_row = b.out.rows.len();
        b.out.rows.push(Row::Header { hunk: h });
        let (before, after) = plan.hunk_texts(h);
        let diff = TextDiff::from_lines(&before, &after);
        let mut before_no = span.start + 1;
        for op in diff.ops() {
            let mut dels = Vec::new();
            let mut ins = Vec::new();
            for change in diff.iter_inline_changes(op) {
                let parts: Vec<(bool, String)> =
                    change.iter_strings_lossy().map(|(e, s)| (e, s.into_owned())).collect();
                let iter = parts.iter().map(|(e, s)| (*e, s.as_str()));
                match change.tag() {
                    ChangeTag::Equal => {
                        let raw: String = parts.iter().map(|(_, s)| s.as_str()).collect();
                        b.context(before_no, &raw);
                        *b.out.rows.last_mut().expect("just pushed") = Row::Pair {
                            before: Some(b.out.before.len() - 1),
                            after: Some(b.out.after.len() - 1),
                            hunk: Some(h),
                        };
                        before_no += 1;
                    }
                    ChangeTag::Delete => {
                        dels.push(changed_line(before_no - b.base.0, iter));
                        before_no += 1;
                    }
                    ChangeTag::Insert => {
                        ins.push(changed_line(b.after_no - b.base.1, iter));
                        b.after_no += 1;
                    }
                }
            }
            let n = dels.len().max(ins.len());
            let (mut dels, mut ins) = (dels.into_iter(), ins.into_iter());
            for _ in 0..n {
                let before = dels.next().map(|l| {
                    b.out.before.push(l);
                    b.out.before.len() - 1
                });
                let after = ins.next().map(|l| {
                    b.out.after.push(l);
                    b.out.after.len() - 1
                });
                b.out.rows.push(Row::Pair { before, after, hunk: Some(h) });
            }
        }
        b.out.hunk_rows.push(start_row..b.out.rows.len());
        next = next.max(span.end.min(lines.len()));
        flush_notes(&mut b, next, &mut notes);
    }
    while next < lines.len() {
        b.context(next + 1, lines[next]);
        next += 1;
        flush_notes(&mut b, next, &mut notes);
    }
    flush_notes(&mut b, usize::MAX, &mut notes);
    let max_no = if b.cells.is_empty() {
        lines.len().max(b.after_no)
    } else {
        b.out.before.iter().chain(&b.out.after).map(|l| l.no).max().unwrap_or(1)
    };
    b.out.number_width = max_no.to_string().len();
    b.out
}

/// A piece of one line: the line's index on its side, the bytes shown on this row, and whether
/// it continues the row above (a soft wrap).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Seg {
    pub line: usize,
    pub range: Range<usize>,
    pub cont: bool,
}

/// Which text a stacked row shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    /// A removed line (old text).
    Old,
    /// An added line (new text).
    New,
    /// An unchanged line (the old side's copy).
    Context,
}

/// One screen row of the diff, after wrapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum VRow {
    Header {
        hunk: usize,
    },
    /// A notebook cell starts.
    Cell {
        cell: usize,
    },
    /// A piece of a manual finding's note (`FileRows::notes`).
    Note {
        finding: usize,
        range: Range<usize>,
    },
    /// Side by side: a piece of the old line and a piece of the new one.
    Pair {
        before: Option<Seg>,
        after: Option<Seg>,
        hunk: Option<usize>,
    },
    /// Stacked: a piece of one line.
    Line {
        side: Side,
        seg: Seg,
        hunk: Option<usize>,
    },
}

/// The screen rows of one file for one arrangement and width.
#[derive(Debug, Clone, Default)]
pub(crate) struct Visual {
    pub rows: Vec<VRow>,
    /// The rows of each hunk (its header first).
    pub hunk_rows: Vec<Range<usize>>,
}

fn segs(line: &Line, index: usize, cols: usize) -> impl Iterator<Item = Seg> {
    wrap(&line.text, &line.emph, cols, true).into_iter().enumerate().map(move |(k, range)| Seg {
        line: index,
        range,
        cont: k > 0,
    })
}

/// Lay the rows of a file out for `arrange`, wrapping the old and new text at `cols` columns.
pub(crate) fn visual(file: &FileRows, arrange: Arrange, (cols_before, cols_after): (usize, usize)) -> Visual {
    let mut rows = Vec::with_capacity(file.rows.len());
    let mut starts = Vec::with_capacity(file.rows.len() + 1);
    let changed = |r: &Row| match *r {
        Row::Pair { before, after, hunk: Some(_) } => {
            before.is_some_and(|b| file.before[b].changed) || after.is_some_and(|a| file.after[a].changed)
        }
        _ => false,
    };
    let mut i = 0;
    while i < file.rows.len() {
        starts.push(rows.len());
        match (arrange, file.rows[i]) {
            (_, Row::Header { hunk }) => rows.push(VRow::Header { hunk }),
            (_, Row::Cell { cell }) => rows.push(VRow::Cell { cell }),
            (_, Row::Note { finding }) => {
                let text = file.notes.get(&finding).map_or("", String::as_str);
                let g = super::layout::gutter(file.number_width);
                let full = match arrange {
                    Arrange::Stacked => cols_before + g,
                    Arrange::SideBySide => cols_before + cols_after + 2 * g + 1,
                };
                rows.extend(wrap(text, &[], full, false).into_iter().map(|range| VRow::Note { finding, range }));
            }
            (Arrange::SideBySide, Row::Pair { before, after, hunk }) => {
                let b: Vec<Seg> = before.map(|b| segs(&file.before[b], b, cols_before).collect()).unwrap_or_default();
                let a: Vec<Seg> = after.map(|a| segs(&file.after[a], a, cols_after).collect()).unwrap_or_default();
                let (mut b, mut a) = (b.into_iter(), a.into_iter());
                loop {
                    let (before, after) = (b.next(), a.next());
                    if before.is_none() && after.is_none() {
                        break;
                    }
                    rows.push(VRow::Pair { before, after, hunk });
                }
            }
            (Arrange::Stacked, Row::Pair { before, hunk, .. }) if !changed(&file.rows[i]) => {
                if let Some(b) = before {
                    rows.extend(segs(&file.before[b], b, cols_before).map(|seg| VRow::Line {
                        side: Side::Context,
                        seg,
                        hunk,
                    }));
                }
            }
            (Arrange::Stacked, Row::Pair { hunk, .. }) => {
                // A block of changed rows: every old line, then every new line.
                let end = (i..file.rows.len())
                    .find(|&j| {
                        !changed(&file.rows[j]) || !matches!(file.rows[j], Row::Pair { hunk: h, .. } if h == hunk)
                    })
                    .unwrap_or(file.rows.len());
                let block = &file.rows[i..end];
                for (side, lines) in [(Side::Old, &file.before), (Side::New, &file.after)] {
                    for row in block {
                        let Row::Pair { before, after, .. } = *row else { continue };
                        let index = if side == Side::Old { before } else { after };
                        if let Some(x) = index {
                            rows.extend(segs(&lines[x], x, cols_before).map(|seg| VRow::Line { side, seg, hunk }));
                        }
                    }
                }
                for _ in i + 1..end {
                    starts.push(rows.len());
                }
                i = end;
                continue;
            }
        }
        i += 1;
    }
    starts.push(rows.len());
    let hunk_rows = file.hunk_rows.iter().map(|r| starts[r.start]..starts[r.end]).collect();
    Visual { rows, hunk_rows }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tf2_migrate_core::fix::{Edit, Finding, Fix, Severity};
    use tf2_migrate_core::source::Encoding;

    #[test]
    fn display_neutralises_controls() {
        assert_eq!(display("a\tb"), "a   b");
        assert_eq!(display("\x1b]0;x\x07\u{202e}\u{9b}z\r\n"), "\u{FFFD}]0;x\u{FFFD}\u{FFFD}\u{FFFD}z");
    }

    #[test]
    fn hunks_align_and_mark_words() {
        let text = "a = 1\nx = tf.log(y)\nb = 2\n";
        let at = text.find("tf.log").unwrap();
        let f = Finding::new(tf2_migrate_core::rules::Rule::Tf2Rename, Severity::Error, at..at + 6, "m")
            .with_fix(Fix::safe(vec![Edit::replacement(at..at + 6, "tf.math.log")]));
        let manual = Finding::new(tf2_migrate_core::rules::Rule::Contrib, Severity::Error, 0..1, "by hand");
        let plan =
            FilePlan::new("t.py".into(), ".".into(), text.into(), Encoding::Utf8 { bom: false }, true, vec![f, manual]);
        let rows = build(&plan);
        assert_eq!(rows.rows.len(), 5);
        assert_eq!(rows.rows[1], Row::Note { finding: 1 });
        assert_eq!(rows.rows[2], Row::Header { hunk: 0 });
        assert_eq!(rows.hunk_rows, vec![2..4]);
        let Row::Pair { before: Some(b), after: Some(a), hunk: Some(0) } = rows.rows[3] else {
            panic!("{:?}", rows.rows[3]);
        };
        assert_eq!(rows.before[b].text, "x = tf.log(y)");
        assert_eq!(rows.after[a].text, "x = tf.math.log(y)");
        assert!(rows.after[a].changed && !rows.after[a].emph.is_empty());
        assert_eq!(rows.after[a].no, 2);
    }
}
