//! Jupyter notebooks as one Python program, and edits of that program mapped back onto the JSON.
//!
//! [`parse`] scans the notebook's JSON with a position-keeping scanner of its own (`serde_json`
//! forgets byte positions) and joins the code cells' sources into one program: each cell's
//! decoded source in order, with a newline added after a non-empty cell that does not end with
//! one. `IPython` syntax that Python cannot parse (line magics, shell escapes, help, `x = !cmd`,
//! cell magics) is masked in place with the same byte length, so offsets in the program are
//! offsets in the cells' code: a line magic becomes `0#…` (`%time f()` → `0#ime f()`, an
//! expression statement and a comment, so a magic that is the only statement of a block still
//! parses), continuation lines and cell-magic lines become comments (`%%bash` → `#%bash`), and
//! [`Notebook::masked_lines`] lists them so that no edit touches them. Only lines that start a
//! statement are masked: `% n` continuing an expression in brackets, or `!x` in a string, is Python.
//! [`Notebook::map_edit`] turns an edit of the program into an edit
//! of the JSON text that leaves every other byte of the file alone, and [`verify`] checks that an
//! edited notebook differs from the original only inside code cells' sources.
//!
//! Cells are numbered from 1 among *all* cells, markdown and raw ones included: the n-th cell a
//! person counts in the notebook, not the execution count shown as `In [n]`.
//!
//! Supported: nbformat 4 (`cells[i].source`, any minor version, cell ids included) and nbformat 3
//! (`worksheets[w].cells[i].input` of code cells). Sources may be one string or a list of strings.
//!
//! [`file`] puts this to work in the pipeline: the program the rules read, the cells left
//! unchanged, each edit placed in its cell, and the verified JSON that `apply` writes.

pub mod file;
mod ipython;
mod json;
#[cfg(test)]
mod tests;
mod verify;

pub use verify::{ChangedCell, changed_cells, verify};

use std::ops::Range;

use crate::fix::Edit;

/// Why a text could not be read as a Python notebook. Every variant names the 1-based line and
/// 1-based character column in the JSON text where the problem is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotebookError {
    /// The text is not valid JSON.
    #[error("{line}:{column}: not valid JSON: {reason}")]
    NotJson { line: usize, column: usize, reason: String },
    /// A notebook format version other than 3 or 4.
    #[error("{line}:{column}: nbformat {nbformat} is not supported (only 3 and 4 are)")]
    Unsupported { nbformat: i64, line: usize, column: usize },
    /// JSON, but not shaped like a Jupyter notebook.
    #[error("{line}:{column}: not a Jupyter notebook: {reason}")]
    NotANotebook { line: usize, column: usize, reason: String },
    /// The notebook's kernel runs another language.
    #[error("{line}:{column}: the notebook's kernel language is `{language}`, not Python")]
    NotPython { language: String, line: usize, column: usize },
}

/// The kernel a notebook records in its metadata (`kernelspec`, `language_info`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Kernel {
    /// `kernelspec.name`, e.g. `python3`.
    pub name: Option<String>,
    /// `kernelspec.display_name`, e.g. `Python 2`.
    pub display_name: Option<String>,
    /// `kernelspec.language`, else `language_info.name` (nbformat 3: a code cell's `language`).
    pub language: Option<String>,
    /// `language_info.version`, e.g. `2.7.18`.
    pub version: Option<String>,
}

impl Kernel {
    /// Whether the notebook was last run with a Python 2 kernel (its code may be Python 2).
    #[must_use]
    pub fn is_python2(&self) -> bool {
        let version = self.version.as_deref().is_some_and(|v| v.starts_with("2."));
        let name = self.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case("python2"));
        let shown = self.display_name.as_deref().is_some_and(|d| d.trim().eq_ignore_ascii_case("python 2"));
        version || name || shown
    }
}

/// One code cell's place in the program and in the JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeCell {
    /// 1-based index among all cells of the notebook (markdown and raw cells count too).
    pub index: usize,
    /// The cell's code in [`Notebook::program`], without the newline added after it.
    pub range: Range<usize>,
    /// Whether a newline was added after the code (the source did not end with one).
    pub added_newline: bool,
    /// The `source` (or nbformat 3 `input`) value in the JSON text, quotes or brackets included.
    pub json_range: Range<usize>,
}

/// A place in a notebook: cell, and 1-based line and character column in that cell's source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellPos {
    /// 1-based index among all cells (see [`CodeCell::index`]).
    pub cell: usize,
    pub line: usize,
    pub column: usize,
}

/// What kind of `IPython` syntax a masked span of the program holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaskKind {
    /// `%matplotlib inline`, `%load_ext …`, `%pip install …`.
    LineMagic,
    /// `!pip install …`, `  !ls`.
    Shell,
    /// `?x`, `x?`, `x??`.
    Help,
    /// `files = !ls`, `t = %time f()`.
    Assignment,
    /// The first line of a cell magic whose body is Python (`%%time`, `%%timeit`, `%%capture`,
    /// `%%prun`), with any blank lines before it.
    CellMagicHeader,
    /// A whole cell under a cell magic whose body is not Python (`%%bash`, `%%writefile`, …).
    CellMagic,
}

/// A span of the program that is `IPython` syntax, masked; edits may not touch it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaskedLine {
    /// Program range: one line with its newline, or a whole cell for [`MaskKind::CellMagic`]
    /// (a backslash-continued line is one entry per line).
    pub range: Range<usize>,
    /// 1-based cell index.
    pub cell: usize,
    pub kind: MaskKind,
}

/// One `pip install` command (`!pip install`, `%pip install`, `!python -m pip install`, or a
/// `pip install` line in a `%%bash`/`%%sh` cell).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipInstall {
    /// 1-based cell index.
    pub cell: usize,
    /// Program range of the line, without its newline.
    pub line: Range<usize>,
    pub packages: Vec<PipPackage>,
}

/// A requirement named on a `pip install` line, e.g. `tensorflow==1.15` or `keras<2.3`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipPackage {
    /// The requirement as written, without surrounding quotes.
    pub spec: String,
    /// Program range of `spec`.
    pub range: Range<usize>,
}

impl PipPackage {
    /// The project name, lower-cased, without extras or version (`Keras[tests]==2.2` → `keras`).
    #[must_use]
    pub fn name(&self) -> String {
        let end =
            self.spec.find(|c: char| !(c.is_ascii_alphanumeric() || "-_.".contains(c))).unwrap_or(self.spec.len());
        self.spec[..end].to_ascii_lowercase()
    }

    /// The version constraint after the name and extras (`==1.15`, `<2`), or `""`.
    #[must_use]
    pub fn version(&self) -> &str {
        let rest = &self.spec[self.name().len()..];
        let rest = if rest.starts_with('[') { rest.find(']').map_or("", |i| &rest[i + 1..]) } else { rest };
        rest.trim()
    }
}

/// Why an edit of the program cannot be written into the notebook.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unmappable {
    /// Past the program's end, reversed, or not on character boundaries.
    #[error("edit {range:?} is outside the program or not on character boundaries")]
    OutOfRange { range: Range<usize> },
    /// The range covers code of two cells (cells are numbered as in [`CodeCell::index`]).
    #[error("edit {range:?} spans more than one cell (from cell {from} to cell {to})")]
    CrossesCells { range: Range<usize>, from: usize, to: usize },
    /// The range covers the newline added after a cell, or the edit is an insertion after it at
    /// the end of the program.
    #[error("edit {range:?} touches the newline that only the program has after cell {cell}")]
    AddedNewline { range: Range<usize>, cell: usize },
    /// The edit changes a masked line, would join text onto its start, or goes before a cell magic.
    #[error("edit {range:?} touches IPython syntax in cell {cell}")]
    Masked { range: Range<usize>, cell: usize },
    /// Two edits overlap, or are insertions at one point (program ranges; JSON ranges if two
    /// mapped edits collide, which merging touching edits avoids).
    #[error("edits {first:?} and {second:?} overlap")]
    Overlap { first: Range<usize>, second: Range<usize> },
}

/// One JSON string holding part of a cell's source.
#[derive(Debug, Clone)]
struct Part {
    /// Byte offset of the raw text (just after the opening quote) in the JSON.
    raw_start: usize,
    /// The raw, still escaped, text between the quotes.
    raw: String,
    /// Range of the decoded text in the cell's code (cell-relative).
    code: Range<usize>,
}

/// How a code cell's source is stored.
#[derive(Debug, Clone)]
struct Layout {
    parts: Vec<Part>,
    /// For a list source: the offset just after `[` and the separator between elements.
    list: Option<(usize, String)>,
}

/// A Jupyter notebook read for migration: its code as one program and the way back to its JSON.
#[derive(Debug, Clone)]
pub struct Notebook {
    nbformat: i64,
    nbformat_minor: Option<i64>,
    kernel: Kernel,
    program: String,
    source: String,
    cells: Vec<CodeCell>,
    layouts: Vec<Layout>,
    masked: Vec<MaskedLine>,
    pips: Vec<PipInstall>,
    ascii: bool,
}

/// Reads a notebook from its JSON text.
///
/// # Errors
/// [`NotebookError`] when the text is not JSON, not a notebook, of an unsupported nbformat, or
/// for a kernel that is not Python.
pub fn parse(json_text: &str) -> Result<Notebook, NotebookError> {
    let doc = json::parse(json_text).map_err(|e| {
        let (line, column) = json::line_col(json_text, e.offset);
        NotebookError::NotJson { line, column, reason: e.reason }
    })?;
    let r = Reader { text: json_text };
    let top = r.object(&doc.root, "the top level is not an object")?;
    let nb_node = r.field(top, "nbformat")?.ok_or_else(|| r.not_nb(&doc.root, "no `nbformat` key"))?;
    let nbformat = r.integer(nb_node)?;
    let nbformat_minor = r.field(top, "nbformat_minor")?.map(|n| r.integer(n)).transpose()?;
    let (mut kernel, mut language_node) = r.kernel(top)?;
    let cell_nodes = r.cell_nodes(&doc.root, top, nb_node, nbformat)?;
    let mut nb = Notebook {
        nbformat,
        nbformat_minor,
        kernel: Kernel::default(),
        program: String::new(),
        source: String::new(),
        cells: Vec::new(),
        layouts: Vec::new(),
        masked: Vec::new(),
        pips: Vec::new(),
        ascii: doc.escaped_non_ascii && !doc.raw_non_ascii,
    };
    let mut file_sep = None;
    for (i, cell) in cell_nodes.iter().enumerate() {
        let fields = r.object(cell, "a cell is not an object")?;
        let (cell_type, _) =
            r.string_field(fields, "cell_type")?.ok_or_else(|| r.not_nb(cell, "a cell has no `cell_type`"))?;
        if cell_type != "code" {
            continue;
        }
        if nbformat == 3
            && language_node.is_none()
            && let Some((s, n)) = r.string_field(fields, "language")?
        {
            (kernel.language, language_node) = (Some(s), Some(n));
        }
        let key = if nbformat == 3 { "input" } else { "source" };
        let source = r.field(fields, key)?.ok_or_else(|| r.not_nb(cell, format!("a code cell has no `{key}`")))?;
        let start = nb.source.len();
        let layout = r.layout(source, &mut nb.source)?;
        if file_sep.is_none()
            && let Some((_, sep)) = layout.list.as_ref().filter(|(_, sep)| sep.len() > 1)
        {
            file_sep = Some(sep.clone());
        }
        let end = nb.source.len();
        let added_newline = end > start && !nb.source.ends_with('\n');
        if added_newline {
            nb.source.push('\n');
        }
        nb.cells.push(CodeCell { index: i + 1, range: start..end, added_newline, json_range: source.span.clone() });
        nb.layouts.push(layout);
    }
    if let (Some(language), Some(node)) = (&kernel.language, language_node) {
        let l = language.to_ascii_lowercase();
        if !(l.starts_with("python") || l == "ipython") {
            let (line, column) = json::line_col(json_text, node.span.start);
            return Err(NotebookError::NotPython { language: language.clone(), line, column });
        }
    }
    nb.kernel = kernel;
    // A list with at most one element and no layout of its own gets the file's separator.
    for layout in &mut nb.layouts {
        if let Some((_, sep)) = &mut layout.list
            && layout.parts.len() < 2
            && (sep.is_empty() || sep == ",")
        {
            *sep = file_sep.clone().unwrap_or_else(|| ", ".to_owned());
        }
    }
    nb.program.clone_from(&nb.source);
    for c in 0..nb.cells.len() {
        nb.mask_cell(c);
    }
    Ok(nb)
}

/// Helpers to read the notebook's structure out of the scanned JSON, with located errors.
struct Reader<'a> {
    text: &'a str,
}

impl<'a> Reader<'a> {
    fn not_nb(&self, node: &json::Node, reason: impl Into<String>) -> NotebookError {
        self.not_nb_at(node.span.start, reason)
    }

    fn not_nb_at(&self, offset: usize, reason: impl Into<String>) -> NotebookError {
        let (line, column) = json::line_col(self.text, offset);
        NotebookError::NotANotebook { line, column, reason: reason.into() }
    }

    fn object<'n>(&self, node: &'n json::Node, reason: &str) -> Result<&'n [json::Member], NotebookError> {
        match &node.kind {
            json::Kind::Object(members) => Ok(members),
            _ => Err(self.not_nb(node, reason)),
        }
    }

    fn array<'n>(&self, node: &'n json::Node, reason: &str) -> Result<&'n [json::Node], NotebookError> {
        match &node.kind {
            json::Kind::Array(items) => Ok(items),
            _ => Err(self.not_nb(node, reason)),
        }
    }

    /// The value of `key`; a key that occurs twice is an error (readers disagree on which wins).
    fn field<'n>(&self, members: &'n [json::Member], key: &str) -> Result<Option<&'n json::Node>, NotebookError> {
        let mut found = members.iter().filter(|m| m.key == key);
        let first = found.next();
        if let Some(again) = found.next() {
            return Err(self.not_nb_at(again.key_span.start, format!("duplicate key `{key}`")));
        }
        Ok(first.map(|m| &m.value))
    }

    fn string_field<'n>(
        &self,
        members: &'n [json::Member],
        key: &str,
    ) -> Result<Option<(String, &'n json::Node)>, NotebookError> {
        let Some(node) = self.field(members, key)? else { return Ok(None) };
        let raw = node.raw_str().ok_or_else(|| self.not_nb(node, format!("`{key}` is not a string")))?;
        Ok(Some((json::decode(&self.text[raw]), node)))
    }

    /// The kernel facts of the top-level `metadata`, and the node naming the language.
    fn kernel(&self, top: &'a [json::Member]) -> Result<(Kernel, Option<&'a json::Node>), NotebookError> {
        let mut kernel = Kernel::default();
        let mut language_node = None;
        let Some(meta) = self.field(top, "metadata")? else { return Ok((kernel, None)) };
        let meta = self.object(meta, "`metadata` is not an object")?;
        if let Some(spec) = self.field(meta, "kernelspec")? {
            let spec = self.object(spec, "`kernelspec` is not an object")?;
            kernel.name = self.string_field(spec, "name")?.map(|(s, _)| s);
            kernel.display_name = self.string_field(spec, "display_name")?.map(|(s, _)| s);
            if let Some((s, n)) = self.string_field(spec, "language")? {
                (kernel.language, language_node) = (Some(s), Some(n));
            }
        }
        if let Some(info) = self.field(meta, "language_info")? {
            let info = self.object(info, "`language_info` is not an object")?;
            if kernel.language.is_none()
                && let Some((s, n)) = self.string_field(info, "name")?
            {
                (kernel.language, language_node) = (Some(s), Some(n));
            }
            kernel.version = self.string_field(info, "version")?.map(|(s, _)| s);
        }
        Ok((kernel, language_node))
    }

    /// The cell objects: `cells` (nbformat 4) or every worksheet's `cells` (nbformat 3).
    fn cell_nodes(
        &self,
        root: &json::Node,
        top: &'a [json::Member],
        nb_node: &json::Node,
        nbformat: i64,
    ) -> Result<Vec<&'a json::Node>, NotebookError> {
        let mut cell_nodes = Vec::new();
        match nbformat {
            4 => {
                let cells = self.field(top, "cells")?.ok_or_else(|| self.not_nb(root, "no `cells` key"))?;
                cell_nodes.extend(self.array(cells, "`cells` is not a list")?);
            }
            3 => {
                let sheets = self.field(top, "worksheets")?.ok_or_else(|| self.not_nb(root, "no `worksheets` key"))?;
                for sheet in self.array(sheets, "`worksheets` is not a list")? {
                    let sheet = self.object(sheet, "a worksheet is not an object")?;
                    let cells = self
                        .field(sheet, "cells")?
                        .ok_or_else(|| self.not_nb(nb_node, "a worksheet has no `cells`"))?;
                    cell_nodes.extend(self.array(cells, "a worksheet's `cells` is not a list")?);
                }
            }
            _ => {
                let (line, column) = json::line_col(self.text, nb_node.span.start);
                return Err(NotebookError::Unsupported { nbformat, line, column });
            }
        }
        Ok(cell_nodes)
    }

    fn integer(&self, node: &json::Node) -> Result<i64, NotebookError> {
        let text = &self.text[node.span.clone()];
        match node.kind {
            json::Kind::Number => text.parse().map_err(|_| self.not_nb(node, "`nbformat` is not an integer")),
            _ => Err(self.not_nb(node, "`nbformat` is not an integer")),
        }
    }

    /// The parts of a `source` value, whose decoded text is appended to `code`.
    fn layout(&self, node: &json::Node, code: &mut String) -> Result<Layout, NotebookError> {
        let start = code.len();
        let mut part = |n: &json::Node| -> Result<Part, NotebookError> {
            let raw = n.raw_str().ok_or_else(|| self.not_nb(n, "a code cell's source is not text"))?;
            let from = code.len() - start;
            code.push_str(&json::decode(&self.text[raw.clone()]));
            Ok(Part { raw_start: raw.start, raw: self.text[raw].to_owned(), code: from..code.len() - start })
        };
        match &node.kind {
            json::Kind::Str => Ok(Layout { parts: vec![part(node)?], list: None }),
            json::Kind::Array(items) => {
                let parts = items.iter().map(&mut part).collect::<Result<Vec<_>, _>>()?;
                let after_bracket = node.span.start + 1;
                let sep = match items.as_slice() {
                    [a, b, ..] => self.text[a.span.end..b.span.start].to_owned(),
                    [a] => format!(",{}", &self.text[after_bracket..a.span.start]),
                    [] => String::new(),
                };
                Ok(Layout { parts, list: Some((after_bracket, sep)) })
            }
            _ => Err(self.not_nb(node, "a code cell's source is not a string or a list of strings")),
        }
    }
}

impl Notebook {
    /// The notebook format version (`nbformat`): 3 or 4.
    #[must_use]
    pub fn nbformat(&self) -> i64 {
        self.nbformat
    }

    /// `nbformat_minor`, if present.
    #[must_use]
    pub fn nbformat_minor(&self) -> Option<i64> {
        self.nbformat_minor
    }

    /// The kernel recorded in the metadata.
    #[must_use]
    pub fn kernel(&self) -> &Kernel {
        &self.kernel
    }

    /// The code cells as one Python program, `IPython` syntax masked as comments.
    #[must_use]
    pub fn program(&self) -> &str {
        &self.program
    }

    /// The code cells' code as written, `IPython` syntax unmasked (same offsets as the program):
    /// for showing code to a person.
    #[must_use]
    pub fn code(&self) -> &str {
        &self.source
    }

    /// The code cells in order; an empty cell has an empty range.
    #[must_use]
    pub fn cells(&self) -> &[CodeCell] {
        &self.cells
    }

    /// The masked spans of the program, in order.
    #[must_use]
    pub fn masked_lines(&self) -> &[MaskedLine] {
        &self.masked
    }

    /// The `pip install` lines, in order.
    #[must_use]
    pub fn pip_installs(&self) -> &[PipInstall] {
        &self.pips
    }

    /// Whether new non-ASCII text is written as `\uXXXX` escapes: the file already stores
    /// non-ASCII that way and has no raw non-ASCII character.
    #[must_use]
    pub fn escapes_non_ascii(&self) -> bool {
        self.ascii
    }

    /// The cell, line and column of a program offset. An offset at the boundary between two
    /// cells belongs to the later one; the end of the program to the last cell.
    #[must_use]
    pub fn cell_at(&self, offset: usize) -> Option<CellPos> {
        let after = self.cells.partition_point(|c| c.range.start <= offset);
        let cell = self.cells[..after].iter().rev().find(|c| !c.range.is_empty())?;
        let end = cell.range.end + usize::from(cell.added_newline);
        if offset > end || (offset == end && offset < self.program.len()) || !self.program.is_char_boundary(offset) {
            return None;
        }
        let before = &self.program[cell.range.start..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Some(CellPos { cell: cell.index, line: before.matches('\n').count() + 1, column })
    }

    /// Maps one edit of [`program`](Self::program) onto the JSON text. At a boundary between
    /// cells an insertion goes at the start of the later cell, or, if it cannot go there, at the
    /// end of the earlier one.
    ///
    /// # Errors
    /// [`Unmappable`] when the edit crosses a cell boundary, touches the newline added after a
    /// cell or a masked line, or is out of range.
    pub fn map_edit(&self, range: Range<usize>, new_text: &str) -> Result<Vec<Edit>, Unmappable> {
        let ok = range.start <= range.end
            && range.end <= self.program.len()
            && self.program.is_char_boundary(range.start)
            && self.program.is_char_boundary(range.end);
        if !ok {
            return Err(Unmappable::OutOfRange { range });
        }
        if range.is_empty() && new_text.is_empty() {
            return Ok(Vec::new());
        }
        let p = range.start;
        let holds = |cell: &CodeCell| {
            let end =
                if range.is_empty() { cell.range.end + 1 } else { cell.range.end + usize::from(cell.added_newline) };
            cell.range.start <= p && p < end
        };
        let mut first_error = None;
        for (c, _) in self.cells.iter().enumerate().rev().filter(|(_, cell)| holds(cell)) {
            match self.map_in_cell(c, range.clone(), new_text) {
                Ok(edit) => return Ok(edit.into_iter().collect()),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error.unwrap_or_else(|| match self.cells.last() {
            Some(last) if last.added_newline && p == self.program.len() => {
                Unmappable::AddedNewline { range, cell: last.index }
            }
            _ => Unmappable::OutOfRange { range },
        }))
    }

    fn map_in_cell(&self, at: usize, range: Range<usize>, new_text: &str) -> Result<Option<Edit>, Unmappable> {
        let cell = &self.cells[at];
        if range.end > cell.range.end {
            let end = cell.range.end + usize::from(cell.added_newline);
            if range.end <= end {
                return Err(Unmappable::AddedNewline { range, cell: cell.index });
            }
            let to = self.cell_at(range.end - 1).map_or(cell.index, |p| p.cell);
            return Err(Unmappable::CrossesCells { range, from: cell.index, to });
        }
        // Text before a masked line must still end with a newline (or be the cell's start).
        let line_before = new_text.ends_with('\n')
            || new_text.is_empty() && (range.start == cell.range.start || self.program[..range.start].ends_with('\n'));
        for m in self.masked.iter().filter(|m| m.cell == cell.index) {
            let open_end = m.kind == MaskKind::CellMagic || !self.program[m.range.clone()].ends_with('\n');
            let from_start = matches!(m.kind, MaskKind::CellMagic | MaskKind::CellMagicHeader);
            let touches = range.start < m.range.end && m.range.start < range.end
                || range.is_empty() && m.range.start < range.start && range.start < m.range.end
                || range.start == m.range.end && open_end
                || range.end == m.range.start && (from_start || !line_before);
            if touches {
                return Err(Unmappable::Masked { range, cell: cell.index });
            }
        }
        let layout = &self.layouts[at];
        let (a, b) = (range.start - cell.range.start, range.end - cell.range.start);
        let code = &self.program[cell.range.clone()];
        let Some((after_bracket, sep)) = &layout.list else {
            // One string: every byte of it is escaped in place.
            let part = &layout.parts[0];
            let raw = |d| json::raw_offset(&part.raw, d).map(|r| part.raw_start + r);
            let (Some(ra), Some(rb)) = (raw(a), raw(b)) else { return Err(Unmappable::OutOfRange { range }) };
            let mut content = String::new();
            json::escape_into(&mut content, new_text, self.ascii);
            return Ok(Some(Edit { range: ra..rb, content }));
        };
        let split = format!("\"{sep}\"");
        if layout.parts.is_empty() {
            let mut content = String::from("\"");
            self.push_list_text(&mut content, new_text, false, &split);
            content.push('"');
            return Ok(Some(Edit { range: *after_bracket..*after_bracket, content }));
        }
        // The element holding the start (the later one at a boundary) and the end (the earlier).
        let last = layout.parts.len() - 1;
        let i = layout.parts.iter().position(|p| a < p.code.end).unwrap_or(last);
        let j = if range.is_empty() { i } else { layout.parts.iter().position(|p| b <= p.code.end).unwrap_or(last) };
        let (pi, pj) = (&layout.parts[i], &layout.parts[j]);
        let prefix = &code[pi.code.start..a];
        let suffix = &code[b..pj.code.end];
        if prefix.is_empty() && suffix.is_empty() && new_text.is_empty() && layout.parts.len() > j - i + 1 {
            // Whole elements deleted: drop them with one separator.
            let range = if j < last {
                pi.raw_start - 1..layout.parts[j + 1].raw_start - 1
            } else {
                layout.parts[i - 1].raw_start + layout.parts[i - 1].raw.len() + 1..pj.raw_start + pj.raw.len() + 1
            };
            return Ok(Some(Edit { range, content: String::new() }));
        }
        let ra = json::raw_offset(&pi.raw, a - pi.code.start).map(|r| pi.raw_start + r);
        let rb = json::raw_offset(&pj.raw, b - pj.code.start).map(|r| pj.raw_start + r);
        let (Some(ra), Some(rb)) = (ra, rb) else { return Err(Unmappable::OutOfRange { range }) };
        let mut content = String::new();
        if prefix.ends_with('\n') && !new_text.is_empty() {
            content.push_str(&split);
        }
        self.push_list_text(&mut content, new_text, !suffix.is_empty(), &split);
        Ok(Some(Edit { range: ra..rb, content }))
    }

    /// Escapes `text` into a list element, starting a new element after each newline that has
    /// text after it (in `text`, or, with `more`, after the end of `text`).
    fn push_list_text(&self, out: &mut String, text: &str, more: bool, split: &str) {
        let mut lines = text.split_inclusive('\n').peekable();
        while let Some(line) = lines.next() {
            json::escape_into(out, line, self.ascii);
            if line.ends_with('\n') && (lines.peek().is_some() || more) {
                out.push_str(split);
            }
        }
    }

    /// Maps several edits of the program at once (see [`map_edit`](Self::map_edit)).
    ///
    /// # Errors
    /// [`Unmappable`] when one of the edits is, or two of them overlap (two insertions at one
    /// point overlap: their order would be a guess).
    pub fn map_edits(&self, edits: &[(Range<usize>, String)]) -> Result<Vec<Edit>, Unmappable> {
        let mut sorted: Vec<(Range<usize>, String)> = edits.to_vec();
        sorted.sort_by_key(|(r, _)| (r.start, r.end));
        // Edits that touch inside one cell are merged: one replacement maps more simply than two.
        let mut merged: Vec<(Range<usize>, String)> = Vec::with_capacity(sorted.len());
        for (range, text) in sorted {
            if let Some((prev, prev_text)) = merged.last_mut() {
                if prev.end > range.start || (prev.start == prev.end && range.is_empty() && prev.start == range.start) {
                    return Err(Unmappable::Overlap { first: prev.clone(), second: range });
                }
                let same_cell = self.cells.iter().any(|c| c.range.start <= prev.start && range.end <= c.range.end);
                if prev.end == range.start && same_cell {
                    prev.end = range.end;
                    prev_text.push_str(&text);
                    continue;
                }
            }
            merged.push((range, text));
        }
        let mut out = Vec::new();
        for (range, text) in merged {
            out.extend(self.map_edit(range, &text)?);
        }
        out.sort_by_key(|e| (e.range.start, e.range.end));
        for w in out.windows(2) {
            if w[0].range.end > w[1].range.start || (w[0].range.is_empty() && w[0].range == w[1].range) {
                return Err(Unmappable::Overlap { first: w[0].range.clone(), second: w[1].range.clone() });
            }
        }
        Ok(out)
    }
}
