//! A decoded Python source file: text, encoding, line index and its tree-sitter tree.

use std::ops::Range;
use std::path::{Path, PathBuf};

use tree_sitter::{Node, Parser, Tree};

use crate::error::Error;

mod broken;
mod nodes;

pub(crate) use nodes::Nodes;

/// How the file's bytes map to text, so that writing can re-encode exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, with or without a byte order mark.
    Utf8 { bom: bool },
    /// ISO-8859-1 declared by a coding cookie: one byte per character.
    Latin1,
    /// Another encoding declared by a coding cookie, known to round-trip for this file.
    Other(&'static encoding_rs::Encoding),
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Self::Utf8 { bom: false } => "utf-8",
            Self::Utf8 { bom: true } => "utf-8 (BOM)",
            Self::Latin1 => "latin-1",
            Self::Other(enc) => enc.name(),
        }
    }

    /// Encode text back to bytes; `None` if a character has no representation.
    pub(crate) fn encode(self, text: &str) -> Option<Vec<u8>> {
        match self {
            Self::Utf8 { bom } => {
                let mut out = Vec::with_capacity(text.len() + 3);
                if bom {
                    out.extend_from_slice(b"\xEF\xBB\xBF");
                }
                out.extend_from_slice(text.as_bytes());
                Some(out)
            }
            Self::Latin1 => text.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect(),
            Self::Other(enc) => {
                let (bytes, _, unmappable) = enc.encode(text);
                (!unmappable).then(|| bytes.into_owned())
            }
        }
    }
}

/// Decode a Python file's bytes: BOM, PEP 263 coding cookie, else UTF-8.
pub(crate) fn decode(path: &Path, mut bytes: Vec<u8>) -> Result<(String, Encoding), Error> {
    let undecodable = |reason: String| Error::Undecodable { path: path.to_path_buf(), reason };
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
        let text = String::from_utf8(bytes)
            .map_err(|e| undecodable(format!("invalid UTF-8 after BOM: {}", e.utf8_error())))?;
        return Ok((text, Encoding::Utf8 { bom: true }));
    }
    let cookie = coding_cookie(&bytes);
    match cookie.as_deref() {
        None | Some("utf-8" | "utf8" | "utf_8" | "ascii" | "us-ascii") => {
            // The bytes become the text without a copy.
            let text = String::from_utf8(bytes).map_err(|e| {
                let e = e.utf8_error();
                undecodable(match &cookie {
                    None => format!("not valid UTF-8 and no coding cookie ({e})"),
                    Some(c) => format!("declares {c} but is not valid UTF-8 ({e})"),
                })
            })?;
            Ok((text, Encoding::Utf8 { bom: false }))
        }
        Some("latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "iso_8859_1" | "l1") => {
            Ok((bytes.iter().map(|&b| char::from(b)).collect(), Encoding::Latin1))
        }
        Some(other) => {
            let enc = encoding_rs::Encoding::for_label(other.as_bytes())
                .ok_or_else(|| undecodable(format!("unknown coding cookie {other:?}")))?;
            let (text, had_errors) = enc.decode_without_bom_handling(&bytes);
            if had_errors {
                return Err(undecodable(format!("not valid {other}")));
            }
            let text = text.into_owned();
            let encoding = Encoding::Other(enc);
            if encoding.encode(&text).as_deref() != Some(bytes.as_slice()) {
                return Err(undecodable(format!("{other} text does not round-trip; left alone")));
            }
            Ok((text, encoding))
        }
    }
}

/// Whether `line` is a PEP 263 encoding declaration (`# -*- coding: latin-1 -*-`).
pub(crate) fn is_coding_line(line: &str) -> bool {
    let trimmed = line.trim_start_matches([' ', '\t', '\x0c']);
    trimmed.starts_with('#')
        && trimmed.find("coding").is_some_and(|pos| {
            let rest = &trimmed[pos + "coding".len()..];
            rest.strip_prefix([':', '=']).is_some_and(|r| {
                r.trim_start_matches([' ', '\t'])
                    .starts_with(|c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            })
        })
}

/// The PEP 263 cookie of the first two lines, lower-cased, if any.
fn coding_cookie(bytes: &[u8]) -> Option<String> {
    for line in bytes.split(|&b| b == b'\n').take(2) {
        let line = String::from_utf8_lossy(line);
        let trimmed = line.trim_start_matches([' ', '\t', '\x0c']);
        if !trimmed.starts_with('#') {
            if trimmed.trim().is_empty() {
                continue;
            }
            return None;
        }
        if let Some(pos) = trimmed.find("coding") {
            let rest = &trimmed[pos + "coding".len()..];
            if let Some(rest) = rest.strip_prefix([':', '=']) {
                let name: String = rest
                    .trim_start_matches([' ', '\t'])
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                    .collect();
                if !name.is_empty() {
                    return Some(name.to_ascii_lowercase().replace('_', "-"));
                }
            }
        }
    }
    None
}

/// Byte offsets of line starts, for offset → (line, column) conversion.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        // Python lines average about 35 bytes: reserved once, the list is rarely copied.
        let mut starts = Vec::with_capacity(text.len() / 24 + 2);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Self { starts }
    }

    /// 0-based line containing `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    pub(crate) fn line_start(&self, line: usize) -> usize {
        self.starts[line.min(self.starts.len() - 1)]
    }

    pub(crate) fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The newline `text` (the text this index was made from) mostly uses: see
    /// [`dominant_newline`], without another pass over the text.
    fn dominant_newline(&self, text: &str) -> &'static str {
        let crlf = self.starts[1..].iter().filter(|&&s| s >= 2 && text.as_bytes()[s - 2] == b'\r').count();
        if crlf > self.starts.len() - 1 - crlf { "\r\n" } else { "\n" }
    }

    /// 1-based line and 1-based character column of `offset`.
    pub(crate) fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.line_of(offset);
        let start = self.starts[line];
        let col = text.get(start..offset).map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }
}

/// The newline the file mostly uses, for inserted lines.
pub(crate) fn dominant_newline(text: &str) -> &'static str {
    let bytes = text.as_bytes();
    let (mut lf, mut crlf) = (0usize, 0usize);
    for i in memchr::memchr_iter(b'\n', bytes) {
        if i > 0 && bytes[i - 1] == b'\r' { crlf += 1 } else { lf += 1 }
    }
    if crlf > lf { "\r\n" } else { "\n" }
}

/// Parse Python text with tree-sitter.
pub fn parse(text: &str) -> Tree {
    thread_local! {
        // One parser a thread, kept between files: its stacks and node pool are reused.
        static PARSER: std::cell::RefCell<Parser> = std::cell::RefCell::new({
            let mut parser = Parser::new();
            parser
                .set_language(&tree_sitter_python::LANGUAGE.into())
                .expect("the bundled Python grammar matches the tree-sitter ABI");
            parser
        });
    }
    PARSER.with_borrow_mut(|parser| {
        parser.parse(text, None).expect("parsing without a timeout or cancellation always returns a tree")
    })
}

/// Why a file, or part of it, is not rewritten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Broken {
    /// Python 2 only syntax at this range (the whole file is left alone).
    Python2 { range: Range<usize>, what: &'static str },
    /// A syntax error; edits inside `region` are dropped.
    Syntax { range: Range<usize>, region: Range<usize> },
    /// Nested deeper than [`MAX_DEPTH`] at this range: the whole file is left alone (the Python
    /// rejects such nesting too, and walking it recursively could overflow the stack).
    TooDeep { range: Range<usize> },
}

/// Why no rewrite of a whole file can be verified, so `diff` and `apply` leave it alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Blocker {
    /// Python 2 only syntax at this offset.
    Python2 { at: usize },
    /// Nested deeper than [`MAX_DEPTH`] at this offset.
    TooDeep { at: usize },
    /// A syntax error (tree-sitter's, or one `CPython` would raise) at this offset, if known.
    Syntax { at: Option<usize> },
}

/// The deepest syntax tree the rules look at. Real code stays far below (the Python parser stops at
/// 200 nested brackets); the rules' recursive walks stay well inside a 2 MiB thread stack.
pub(crate) const MAX_DEPTH: usize = 1000;

/// A parsed file ready for the rules.
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    pub encoding: Encoding,
    pub lines: LineIndex,
    /// The newline the file mostly uses, for inserted lines.
    newline: &'static str,
    pub tree: Tree,
    /// What no rewrite may touch: found on the first walk over the tree ([`SourceFile::broken`]).
    broken: std::sync::OnceLock<Vec<Broken>>,
    /// For a notebook's program: each code cell's range (with the newline the program adds after
    /// a cell), in order. `None` for a Python file.
    cells: Option<Vec<Range<usize>>>,
}

impl SourceFile {
    pub fn new(path: PathBuf, text: String, encoding: Encoding) -> Self {
        let tree = parse(&text);
        let lines = LineIndex::new(&text);
        let newline = lines.dominant_newline(&text);
        Self { path, text, encoding, lines, newline, tree, broken: std::sync::OnceLock::new(), cells: None }
    }

    /// Python 2 constructs, syntax errors and nesting too deep to walk, in source order.
    pub fn broken(&self) -> &[Broken] {
        if self.broken.get().is_none() {
            let _ = self.nodes();
        }
        self.broken.get().expect("listing the nodes finds what is broken")
    }

    /// Every node of the tree in one flat list (one walk, which also finds what is
    /// [`broken`](Self::broken) if that is not known yet); `None` if the tree is nested deeper than
    /// [`MAX_DEPTH`] (the rules leave such a file alone).
    pub(crate) fn nodes(&self) -> Option<Nodes<'_>> {
        let nodes = Nodes::new(&self.tree, MAX_DEPTH);
        self.broken.get_or_init(|| match &nodes {
            Ok(nodes) => broken::find(&self.tree, nodes, &self.text),
            // The whole file is left alone: nothing else needs looking at.
            Err(range) => vec![Broken::TooDeep { range: range.clone() }],
        });
        nodes.ok()
    }

    /// A notebook's code cells as one program (`cells`: each code cell's range, in order).
    pub fn with_cells(path: PathBuf, text: String, encoding: Encoding, cells: Vec<Range<usize>>) -> Self {
        Self { cells: Some(cells), ..Self::new(path, text, encoding) }
    }

    /// Whether this is a notebook's program (always run as a program's entry point).
    pub(crate) fn is_notebook(&self) -> bool {
        self.cells.is_some()
    }

    /// The end of the notebook cell holding `offset` (a cell's end belongs to the next cell);
    /// the end of the text for a Python file.
    pub(crate) fn cell_end(&self, offset: usize) -> usize {
        let cells = self.cells.as_deref().unwrap_or_default();
        cells.iter().rev().find(|c| c.start <= offset && offset < c.end).map_or(self.text.len(), |c| c.end)
    }

    pub(crate) fn node_text(&self, node: Node<'_>) -> &str {
        &self.text[node.byte_range()]
    }

    pub(crate) fn is_python2(&self) -> bool {
        self.broken().iter().any(|b| matches!(b, Broken::Python2 { .. }))
    }

    /// Whether an edit over `range` would touch a region that does not parse.
    pub(crate) fn in_broken_region(&self, range: &Range<usize>) -> bool {
        self.broken().iter().any(|b| match b {
            Broken::Python2 { .. } | Broken::TooDeep { .. } => true,
            Broken::Syntax { region, .. } => range.start < region.end && region.start <= range.end,
        })
    }

    pub fn newline(&self) -> &'static str {
        self.newline
    }

    /// Why the whole file cannot be rewritten, if it cannot.
    pub(crate) fn blocker(&self) -> Option<Blocker> {
        let first = |pick: fn(&Broken) -> Option<usize>| self.broken().iter().find_map(pick);
        if let Some(at) = first(|b| if let Broken::Python2 { range, .. } = b { Some(range.start) } else { None }) {
            return Some(Blocker::Python2 { at });
        }
        if let Some(at) = first(|b| if let Broken::TooDeep { range } = b { Some(range.start) } else { None }) {
            return Some(Blocker::TooDeep { at });
        }
        let syntax = first(|b| if let Broken::Syntax { range, .. } = b { Some(range.start) } else { None });
        (syntax.is_some() || has_syntax_error(&self.tree)).then_some(Blocker::Syntax { at: syntax })
    }
}

/// Why `text` as a whole cannot be rewritten (it does not compile), if it cannot.
pub fn blocker_of(text: &str) -> Option<Blocker> {
    SourceFile::new(PathBuf::new(), text.to_owned(), Encoding::Utf8 { bom: false }).blocker()
}

/// Whether a tree has syntax errors (used to verify rewritten text).
pub fn has_syntax_error(tree: &Tree) -> bool {
    tree.root_node().has_error()
}

/// The grammar's id of the named node kind `kind`, for tables built once (`Node::kind` converts a C
/// string on every call, too slow for the walks over every node).
pub(crate) fn kind_id(kind: &str) -> u16 {
    let language: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
    let id = language.id_for_node_kind(kind, true);
    // 0 is the end of input: a kind missing from the grammar would match nothing, silently.
    assert_ne!(id, 0, "`{kind}` is a node kind of tree-sitter-python");
    id
}

/// The grammar's id of the field `name` (0, no field, would match every node outside a field: a
/// name missing from the grammar is a bug).
pub(crate) fn field_id(name: &str) -> u16 {
    let language: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
    language.field_id_for_name(name).unwrap_or_else(|| panic!("`{name}` is a field of tree-sitter-python")).get()
}

/// The ids of node kinds that satisfy `pick`, as a lookup table: `Node::kind` converts a C string
/// on every call, too slow for the walks over every node.
pub(crate) struct KindSet(Vec<bool>);

impl KindSet {
    pub(crate) fn new(pick: impl Fn(&str) -> bool) -> Self {
        let language: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
        let ids = (0..language.node_kind_count())
            .map(|id| u16::try_from(id).ok().and_then(|id| language.node_kind_for_id(id)).is_some_and(&pick))
            .collect();
        Self(ids)
    }

    /// Whether kind id `kind` is in the set.
    pub(crate) fn contains(&self, kind: u16) -> bool {
        self.0.get(usize::from(kind)).copied().unwrap_or(false)
    }
}

/// The grammar's ids of the node kinds and fields that hot paths test (by id: by name costs a
/// string conversion or a string search on every call).
pub(crate) struct Grammar {
    pub identifier: u16,
    pub attribute: u16,
    pub object_field: u16,
    pub attribute_field: u16,
    pub function_field: u16,
    pub arguments_field: u16,
}

pub(crate) fn grammar() -> &'static Grammar {
    static GRAMMAR: std::sync::OnceLock<Grammar> = std::sync::OnceLock::new();
    GRAMMAR.get_or_init(|| Grammar {
        identifier: kind_id("identifier"),
        attribute: kind_id("attribute"),
        object_field: field_id("object"),
        attribute_field: field_id("attribute"),
        function_field: field_id("function"),
        arguments_field: field_id("arguments"),
    })
}

/// The object and the name of an `attribute` node, by position (its first and last children; a
/// comment can only come between them); `None` for another kind of node.
pub(crate) fn attribute_parts(node: Node<'_>) -> Option<(Node<'_>, Node<'_>)> {
    if node.kind_id() != grammar().attribute {
        return None;
    }
    Some((node.child(0)?, node.child(node.child_count().checked_sub(1)?)?))
}

/// Whether nodes of kind id `kind` hold statements ([`is_statement_container`]).
pub(crate) fn holds_statements(kind: u16) -> bool {
    static SET: std::sync::OnceLock<KindSet> = std::sync::OnceLock::new();
    SET.get_or_init(|| KindSet::new(is_statement_container)).contains(kind)
}

/// Node kinds that hold statements (as opposed to expressions): the walks that look for
/// imports, bindings and Python 2 statements descend only into these.
pub(crate) fn is_statement_container(kind: &str) -> bool {
    matches!(kind, "module" | "block" | "with_item" | "decorated_definition")
        || kind.ends_with("_statement")
        || kind.ends_with("_clause")
        || kind.ends_with("_definition")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_bom_and_cookies() {
        let p = Path::new("x.py");
        assert_eq!(decode(p, b"\xEF\xBB\xBFx=1\n".to_vec()).unwrap().1, Encoding::Utf8 { bom: true });
        let (text, enc) = decode(p, b"# -*- coding: latin-1 -*-\ns = '\xe9'\n".to_vec()).unwrap();
        assert_eq!(enc, Encoding::Latin1);
        assert!(text.contains('\u{e9}'));
        assert_eq!(enc.encode(&text).unwrap(), b"# -*- coding: latin-1 -*-\ns = '\xe9'\n");
        assert!(decode(p, b"s = '\xe9'\n".to_vec()).is_err());
        assert_eq!(Encoding::Latin1.encode("\u{20ac}"), None);
    }

    #[test]
    fn line_index() {
        let text = "ab\r\ncd\né\n";
        let li = LineIndex::new(text);
        assert_eq!(li.line_col(text, 0), (1, 1));
        assert_eq!(li.line_col(text, 5), (2, 2));
        assert_eq!(li.line_col(text, 8), (3, 2));
        assert_eq!(dominant_newline(text), "\n");
        assert_eq!(dominant_newline("a\r\nb\r\n"), "\r\n");
        for t in [text, "a\r\nb\r\n", "\r\n", "\n\r\n", "x", "", "\n\n\r\n\r\n\r\n"] {
            assert_eq!(LineIndex::new(t).dominant_newline(t), dominant_newline(t), "{t:?}");
        }
    }
}
