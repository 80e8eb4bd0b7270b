//! A notebook as a file to migrate. Its code cells are one program for the rules, with `IPython`
//! syntax masked and every cell that does not parse on its own (Python 2, a syntax error) blanked
//! out, so that a broken cell blocks nothing else. It adds the findings only a notebook has (a
//! cell left unchanged, a `pip install` of TensorFlow 1, a Python 2 kernel), puts each edit in the
//! cell it belongs to, and goes back: the accepted edits of the program become edits of the JSON
//! text, verified (only code cells' sources changed, every changed cell parses).

use std::ops::Range;
use std::path::{Path, PathBuf};

use super::{CellPos, Notebook, NotebookError, Unmappable};
use crate::diff;
use crate::fix::{Edit, Finding, Fix, Severity};
use crate::rules::Rule;
use crate::source::{Broken, Encoding, SourceFile};

/// A notebook read for migration: its JSON text, the parsed notebook, and which code cells are
/// left unchanged.
#[derive(Debug, Clone)]
pub struct NotebookFile {
    /// The file's text as read (the notebook's JSON).
    pub json: String,
    pub notebook: Notebook,
    /// Per code cell (in the order of [`Notebook::cells`]): it does not parse on its own, so no
    /// edit may touch it.
    broken: Vec<bool>,
}

/// A notebook made ready for the rules.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub(crate) file: NotebookFile,
    /// The program the rules read: [`Notebook::program`] with each broken cell blanked (same
    /// offsets, same lines).
    pub(crate) rules_text: String,
    /// Each code cell's program range, with the newline the program adds after it.
    pub(crate) cells: Vec<Range<usize>>,
    /// The notebook's own findings: cells left unchanged, setup lines.
    pub(crate) findings: Vec<Finding>,
}

/// Read a notebook's JSON text for migration.
pub(crate) fn prepare(json: String) -> Result<Prepared, NotebookError> {
    let notebook = super::parse(&json)?;
    let program = notebook.program();
    let mut rules_text = program.to_owned();
    let (mut findings, mut broken, mut cells) = (Vec::new(), Vec::new(), Vec::new());
    for cell in notebook.cells() {
        let range = cell.range.start..cell.range.end + usize::from(cell.added_newline);
        cells.push(range.clone());
        // Each cell is compiled on its own when it runs: it must parse on its own.
        let src = SourceFile::new(PathBuf::new(), program[range.clone()].to_owned(), Encoding::Utf8 { bom: false });
        let is_broken = src.blocker().is_some();
        broken.push(is_broken);
        if is_broken {
            findings.push(cell_left_unchanged(range.start, &src));
            blank(&mut rules_text, range);
        }
    }
    findings.extend(setup_findings(&notebook));
    Ok(Prepared { file: NotebookFile { json, notebook, broken }, rules_text, cells, findings })
}

/// The finding of a cell that does not parse on its own; `base` is its program offset.
fn cell_left_unchanged(base: usize, src: &SourceFile) -> Finding {
    const REST: &str = "the cell is left unchanged; the other cells are migrated";
    let python2 = src.broken().iter().find_map(|b| match b {
        Broken::Python2 { range, what } => Some((range.clone(), *what)),
        _ => None,
    });
    let (rule, range, message) = if let Some((range, what)) = python2 {
        (Rule::Python2Syntax, range, format!("Python 2 syntax ({what}): {REST}; convert it to Python 3 first"))
    } else if let Some(Broken::TooDeep { range }) = src.broken().iter().find(|b| matches!(b, Broken::TooDeep { .. })) {
        let message = format!("nested more than {} levels deep: {REST}", crate::source::MAX_DEPTH);
        (Rule::SyntaxError, range.clone(), message)
    } else {
        let range = src.broken().iter().find_map(|b| match b {
            Broken::Syntax { range, .. } => Some(range.clone()),
            _ => None,
        });
        (Rule::SyntaxError, range.unwrap_or(0..0), format!("the cell does not parse (syntax error): {REST}"))
    };
    Finding::new(rule, Severity::Error, base + range.start..base + range.end, message)
}

/// Replace the code in `range` by spaces, keeping line breaks and byte offsets.
fn blank(text: &mut String, range: Range<usize>) {
    let blanked: String = text[range.clone()]
        .chars()
        .flat_map(|c| {
            let (c, n) = if matches!(c, '\n' | '\r') { (c, 1) } else { (' ', c.len_utf8()) };
            std::iter::repeat_n(c, n)
        })
        .collect();
    text.replace_range(range, &blanked);
}

/// Whether a version constraint (`==1.15`, `<2`, `>=1.14,<2.0`, `~=1.15`, `==1.*`) allows only
/// releases below `major`.
fn caps_below(constraint: &str, major: u64) -> bool {
    constraint.split(',').any(|clause| {
        let clause = clause.trim();
        let digits = clause.find(|c: char| c.is_ascii_digit()).unwrap_or(clause.len());
        let (op, version) = (clause[..digits].trim(), &clause[digits..]);
        let mut parts = version.split('.').map(|p| p.trim_end_matches('*').parse::<u64>().ok());
        let Some(Some(first)) = parts.next() else { return false };
        match op {
            "==" | "===" | "~=" | "<=" => first < major,
            "<" => first < major || (first == major && parts.all(|p| p.is_none_or(|n| n == 0))),
            _ => false,
        }
    })
}

/// The setup findings: `pip install` lines that pin TensorFlow 1 or standalone Keras 2, and a
/// Python 2 kernel. `IPython` lines are never edited: these are guidance.
fn setup_findings(notebook: &Notebook) -> Vec<Finding> {
    let mut out = Vec::new();
    for pip in notebook.pip_installs() {
        for package in &pip.packages {
            let spec = &package.spec;
            let message = match package.name().as_str() {
                "tensorflow" | "tensorflow-gpu" | "tensorflow-cpu" if caps_below(package.version(), 2) => format!(
                    "`{spec}` installs TensorFlow 1, which the migrated code is not for: install TensorFlow 2 (`pip install tensorflow`; `tensorflow[and-cuda]` for GPUs)"
                ),
                "tensorflow-gpu" => format!(
                    "`{spec}`: the `tensorflow-gpu` package stopped at TensorFlow 2.11: install `tensorflow` (`tensorflow[and-cuda]` for GPUs)"
                ),
                "keras" if caps_below(package.version(), 3) => format!(
                    "`{spec}` installs standalone Keras 2, which the migrated code does not use: tf.keras comes with TensorFlow (drop it; `pip install tf-keras` where Keras 2 behaviour is needed)"
                ),
                _ => continue,
            };
            let mut finding = Finding::new(Rule::NotebookSetup, Severity::Warning, package.range.clone(), message);
            finding.packages.push("tensorflow");
            out.push(finding);
        }
    }
    // Colab's `%tensorflow_version 1.x`.
    for m in notebook.masked_lines().iter().filter(|m| m.kind == super::MaskKind::LineMagic) {
        let text = &notebook.code()[m.range.clone()];
        let at = m.range.start + text.len() - text.trim_start().len();
        let line = text.trim();
        let Some(version) = line.strip_prefix("%tensorflow_version") else { continue };
        if version.trim_start().starts_with('1') {
            let message = format!(
                "`{}` selects TensorFlow 1, which Colab no longer has and the migrated code is not for: remove the line (TensorFlow 2 is the default)",
                crate::text::printable(line)
            );
            out.push(Finding::new(Rule::NotebookSetup, Severity::Warning, at..at + line.len(), message));
        }
    }
    let kernel = notebook.kernel();
    if kernel.is_python2() {
        let name = kernel.display_name.as_deref().or(kernel.name.as_deref()).unwrap_or("Python 2");
        let message = format!(
            "the notebook's kernel is Python 2 ({}): run the migrated notebook on a Python 3 kernel with TensorFlow 2 (its metadata is left as it is)",
            crate::text::printable(name)
        );
        out.push(Finding::new(Rule::NotebookSetup, Severity::Warning, 0..0, message));
    }
    out
}

impl NotebookFile {
    /// The cell, line and column of a program offset.
    pub(crate) fn position(&self, offset: usize) -> Option<CellPos> {
        self.notebook.cell_at(offset)
    }

    /// Whether some code cell does not parse on its own.
    pub(crate) fn has_broken_cells(&self) -> bool {
        self.broken.contains(&true)
    }

    /// Put every edit of `findings` (program offsets) where it belongs in the notebook, and drop
    /// the fixes that cannot be written into it.
    ///
    /// A line inserted where one cell ends and the next begins (an import line, the eager
    /// switch after the imports) goes at the end of the earlier cell, the one it follows, unless
    /// the same fix edits the later one. A fix that would touch `IPython` syntax, a cell left
    /// unchanged, or two cells at once is dropped; so are the fixes that need it.
    pub(crate) fn place(&self, mut findings: Vec<Finding>) -> Vec<Finding> {
        for finding in &mut findings {
            let point = finding.range.is_empty().then_some(finding.range.start);
            for fix in &mut finding.fixes {
                for i in 0..fix.edits.len() {
                    let e = &fix.edits[i];
                    let later = fix.edits.iter().enumerate().any(|(j, o)| j != i && o.range.start >= e.range.start);
                    if let Some(moved) = self.moved_to_earlier_cell(e, later) {
                        if point == Some(e.range.start) {
                            finding.range = moved.range.clone();
                        }
                        fix.edits[i] = moved;
                    }
                }
                fix.edits.sort_by_key(|e| (e.range.start, e.range.end));
            }
        }
        let had_fixes: Vec<bool> = findings.iter().map(|f| !f.fixes.is_empty()).collect();
        for finding in &mut findings {
            finding.fixes.retain(|fix| self.writable(fix));
        }
        // A fix whose requirement lost its fixes goes too (a use without its import).
        loop {
            let lost: Vec<bool> = findings.iter().zip(&had_fixes).map(|(f, had)| *had && f.fixes.is_empty()).collect();
            let mut changed = false;
            for finding in &mut findings {
                if !finding.fixes.is_empty() && finding.requires.iter().any(|&r| lost[r]) {
                    finding.fixes.clear();
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        for (finding, had) in findings.iter_mut().zip(had_fixes) {
            if had && finding.fixes.is_empty() {
                finding.message.push_str(
                    " (no rewrite offered in a notebook: it would touch IPython syntax, a cell left unchanged, or two cells)",
                );
            }
        }
        findings
    }

    /// `edit` as an insertion at the end of the cell that ends where it is inserted, when it
    /// inserts whole lines at a boundary between cells and `later` (other edits of its fix at or
    /// after it) is false: the same program, unambiguously in the earlier cell.
    fn moved_to_earlier_cell(&self, edit: &Edit, later: bool) -> Option<Edit> {
        if !edit.range.is_empty() || later {
            return None;
        }
        let nl = ["\r\n", "\n"].into_iter().find(|nl| edit.content.ends_with(nl))?;
        let p = edit.range.start;
        let cells = self.notebook.cells();
        let k = cells.iter().rposition(|c| !c.range.is_empty() && c.range.end + usize::from(c.added_newline) == p)?;
        if self.broken[k] {
            return None;
        }
        let cell = &cells[k];
        let code = &self.notebook.program()[cell.range.clone()];
        // Before the cell's last line break (or at its end, when the program adds that one).
        let at = if cell.added_newline {
            cell.range.end
        } else {
            cell.range.end - if code.ends_with("\r\n") { 2 } else { 1 }
        };
        let body = &edit.content[..edit.content.len() - nl.len()];
        let moved = Edit { range: at..at, content: format!("{nl}{body}") };
        self.notebook.map_edit(moved.range.clone(), &moved.content).ok()?;
        Some(moved)
    }

    /// Whether every edit of `fix` can be written into a code cell that is not left unchanged.
    fn writable(&self, fix: &Fix) -> bool {
        fix.edits.iter().all(|e| {
            self.notebook.map_edit(e.range.clone(), &e.content).is_ok_and(|json| {
                json.iter().all(|j| {
                    self.notebook
                        .cells()
                        .iter()
                        .position(|c| c.json_range.start <= j.range.start && j.range.end <= c.json_range.end)
                        .is_some_and(|k| !self.broken[k])
                })
            })
        })
    }

    /// The notebook's JSON text with `edits` of the program made (as `apply::applied_edits`
    /// gives them: sorted, several insertions at one point in the order they go in).
    pub(crate) fn json_with(&self, edits: &[Edit]) -> Result<String, Unmappable> {
        let mut merged: Vec<(Range<usize>, String)> = Vec::with_capacity(edits.len());
        for e in edits {
            match merged.last_mut() {
                Some((r, text)) if r.start == r.end && e.range.is_empty() && r.start == e.range.start => {
                    text.push_str(&e.content);
                }
                _ => merged.push((e.range.clone(), e.content.clone())),
            }
        }
        let json_edits = self.notebook.map_edits(&merged)?;
        Ok(crate::apply::splice(&self.json, &json_edits))
    }

    /// Check a rewrite of the notebook: valid JSON differing from the original only inside code
    /// cells' sources, no cell left unchanged touched, and every changed cell parses. Returns the
    /// changed cells (1-based indices).
    pub fn verify(&self, new_json: &str) -> Result<Vec<usize>, String> {
        let changed = super::changed_cells(&self.json, new_json)?;
        let after = super::parse(new_json).map_err(|e| format!("the result: {e}"))?;
        for c in &changed {
            let k = self.notebook.cells().iter().position(|x| x.index == c.cell).ok_or("a cell went missing")?;
            if self.broken[k] {
                return Err(format!("cell {} does not parse and would be changed", c.cell));
            }
            let cell = &after.cells()[k];
            let code = &after.program()[cell.range.start..cell.range.end + usize::from(cell.added_newline)];
            if crate::source::blocker_of(code).is_some() {
                return Err(format!("the rewrite would introduce a syntax error in cell {}", c.cell));
            }
        }
        Ok(changed.iter().map(|c| c.cell).collect())
    }

    /// The unified diff of each code cell that `new_json` changes, under a `path:cell N` header.
    pub(crate) fn diff(&self, path: &Path, new_json: &str, style: &dyn diff::Style) -> Vec<u8> {
        let Ok(changed) = super::changed_cells(&self.json, new_json) else { return Vec::new() };
        let mut out = Vec::new();
        for c in changed {
            let a = format!("{}:cell {}", diff::header_path("a/", path), c.cell);
            let b = format!("{}:cell {}", diff::header_path("b/", path), c.cell);
            out.extend(diff::unified(c.before.as_bytes(), c.after.as_bytes(), &a, &b, style));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_caps() {
        for (spec, major) in [("==1.15", 2), ("<2", 2), ("<2.0", 2), (">=1.14,<2", 2), ("~=1.13", 2), ("==2.2.4", 3)] {
            assert!(caps_below(spec, major), "{spec}");
        }
        for (spec, major) in [("", 2), (">=1.14", 2), ("<2.1", 2), ("==2.21", 2), ("!=1.15", 2), ("==3.1", 3)] {
            assert!(!caps_below(spec, major), "{spec}");
        }
    }

    #[test]
    fn blanking_keeps_offsets_and_lines() {
        let mut text = "a\nprint 'é'\r\nb\n".to_owned();
        blank(&mut text, 2..14);
        assert_eq!(text, format!("a\n{}\r\nb\n", " ".repeat(10)));
    }
}
