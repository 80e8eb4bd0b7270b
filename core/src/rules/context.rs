//! The state one rule pass over one file shares: the source, its imports, the options, the
//! findings so far, and de-duplicated "needs" such as an added import line.

use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::Node;

use crate::fix::{Edit, Finding};
use crate::resolve::Imports;
use crate::rules::Options;
use crate::source::SourceFile;

pub struct Ctx<'a> {
    pub src: &'a SourceFile,
    pub imports: &'a Imports,
    pub options: &'a Options,
    findings: Vec<Finding>,
    /// Inserted lines (imports, the eager switch) → index of the finding that inserts them.
    inserted: HashMap<String, usize>,
    /// Places that need graph mode (eager execution off), for the `disable-eager` rule.
    pub graph_uses: Vec<GraphUse>,
    /// The functions enclosing the node the walk is at, innermost last.
    pub scopes: Vec<Node<'a>>,
    /// Notes already given in this file (each is given once).
    notes_given: std::collections::HashSet<&'static str>,
}

/// A use of an API that needs graph mode under TF2.
#[derive(Debug, Clone)]
pub struct GraphUse {
    pub range: Range<usize>,
    /// The finding that rewrites this use, which then needs the eager switch with it.
    pub finding: Option<usize>,
    /// Whether the use runs at import time (outside any function or class body).
    pub module_level: bool,
    pub why: &'static str,
}

/// Spell a canonical name (`tf.x.y`) as the qualified Python name (`tensorflow.x.y`).
pub(crate) fn qualified(canonical: &str) -> String {
    match canonical.strip_prefix("tf") {
        Some(rest) if rest.is_empty() || rest.starts_with('.') => format!("tensorflow{rest}"),
        _ => canonical.to_owned(),
    }
}

/// The canonical spelling of a qualified name (`tensorflow.x` → `tf.x`).
pub(crate) fn canonical(qualified: &str) -> String {
    match qualified.strip_prefix("tensorflow") {
        Some(rest) if rest.is_empty() || rest.starts_with('.') => format!("tf{rest}"),
        _ => qualified.to_owned(),
    }
}

/// The resolved callee, if it is TensorFlow outside tf.compat (the TF1 names the tables key on).
pub(crate) fn tf_callee(resolved: Option<&str>) -> Option<&str> {
    resolved.filter(|name| name.starts_with("tf.") && !name.starts_with("tf.compat."))
}

impl<'a> Ctx<'a> {
    pub fn new(src: &'a SourceFile, imports: &'a Imports, options: &'a Options) -> Self {
        Self {
            src,
            imports,
            options,
            findings: Vec::new(),
            inserted: HashMap::new(),
            graph_uses: Vec::new(),
            scopes: Vec::new(),
            notes_given: std::collections::HashSet::new(),
        }
    }

    /// Whether the note keyed `key` is given here for the first time in this file.
    pub(crate) fn first_note(&mut self, key: &'static str) -> bool {
        self.notes_given.insert(key)
    }

    /// The qualified name of a dotted expression at the walk's current scope.
    pub fn resolve(&self, node: Node<'_>) -> Option<String> {
        self.imports.resolve_in(self.src, node, &self.scopes)
    }

    /// The qualified name an identifier is bound to at the walk's current scope.
    pub(crate) fn resolve_root(&self, root: Node<'_>) -> Option<&'a str> {
        self.imports.resolve_root_in(self.src, root, &self.scopes)
    }

    /// Whether the walk is outside every function body (code that runs at import time).
    pub(crate) fn module_level(&self) -> bool {
        self.scopes.is_empty()
    }

    pub fn text(&self, node: Node<'_>) -> &'a str {
        &self.src.text[node.byte_range()]
    }

    /// Record a finding; returns its index. Findings whose edits touch a broken region lose their fixes.
    pub fn push(&mut self, mut finding: Finding) -> usize {
        if finding.fixes.iter().flat_map(|f| &f.edits).any(|e| self.src.in_broken_region(&e.range)) {
            finding.fixes.clear();
            finding.message.push_str(" (not rewritten: this part of the file does not parse)");
        }
        self.findings.push(finding);
        self.findings.len() - 1
    }

    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    pub(crate) fn findings_mut(&mut self) -> &mut [Finding] {
        &mut self.findings
    }

    pub(crate) fn into_findings(self) -> Vec<Finding> {
        self.findings
    }

    /// Insert `line` once at `at`; further requests reuse the same finding. Returns its index.
    pub(crate) fn insert_once(&mut self, at: usize, line: &str, make: impl FnOnce(Edit) -> Finding) -> usize {
        if let Some(&i) = self.inserted.get(line) {
            return i;
        }
        let i = self.push(make(Edit::insertion(at, line)));
        self.inserted.insert(line.to_owned(), i);
        i
    }

    /// How to write the canonical name `target` in this file, given that the original expression's
    /// root identifier `root_local` is bound to the canonical `root_canonical`: relative to that
    /// root when possible, else through any alias of `tensorflow` the file imports.
    pub(crate) fn spell(&self, target: &str, root_local: &str, root_canonical: &str) -> Option<String> {
        if target == root_canonical {
            return Some(root_local.to_owned());
        }
        if let Some(rest) = target.strip_prefix(root_canonical).filter(|r| r.starts_with('.')) {
            return Some(format!("{root_local}{rest}"));
        }
        if let Some(rest) = target.strip_prefix("tf").filter(|r| r.is_empty() || r.starts_with('.')) {
            let mut aliases: Vec<&str> = self.imports.aliases_of("tensorflow").collect();
            aliases.sort_unstable();
            return aliases.first().map(|a| format!("{a}{rest}"));
        }
        // An external module (`tf_slim`) or a standalone Keras path: spelled in full.
        Some(target.to_owned())
    }

    /// Byte offset just after the leading block of top-level imports (where new imports and the
    /// eager switch go), and whether anything precedes it on that line.
    pub(crate) fn after_imports(&self) -> usize {
        let root = self.src.tree.root_node();
        let mut cursor = root.walk();
        let mut end = None;
        for child in root.named_children(&mut cursor) {
            match child.kind() {
                "import_statement" | "import_from_statement" | "future_import_statement" => {
                    end = Some(child.end_byte());
                }
                "comment" => {}
                "expression_statement"
                    if end.is_none() && child.named_child(0).is_some_and(|c| c.kind() == "string") =>
                {
                    end = Some(child.end_byte());
                }
                _ => break,
            }
        }
        match end {
            Some(e) => self.line_end(e),
            None => 0,
        }
    }

    /// Where a line that uses TensorFlow can go at module level: after the leading imports, and
    /// after the module-level statement (maybe a `try:` block) that first imports TensorFlow.
    pub(crate) fn after_tensorflow_import(&self) -> usize {
        let tf_import = self.imports.statements.iter().filter(|s| !s.in_function).find(|s| match &s.from {
            Some(m) => m == "tensorflow" || m.starts_with("tensorflow."),
            None => s.names.iter().any(|n| n.name == "tensorflow" || n.name.starts_with("tensorflow.")),
        });
        let leading = self.after_imports();
        match tf_import {
            Some(stmt) if stmt.statement.end > leading => self.line_end(stmt.statement.end),
            _ => leading,
        }
    }

    /// The offset of the start of the line after the one holding `offset` (or the text's end).
    pub(crate) fn line_end(&self, offset: usize) -> usize {
        self.src.text[offset..].find('\n').map_or(self.src.text.len(), |i| offset + i + 1)
    }

    /// The leading whitespace of the line holding `offset`.
    pub(crate) fn indent_at(&self, offset: usize) -> &'a str {
        let start = self.src.text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line = &self.src.text[start..];
        &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
    }

    /// A line of text ending with the file's newline, with a leading newline if `at` is the end of
    /// a file that does not end with one.
    pub fn line(&self, at: usize, content: &str) -> String {
        let nl = self.src.newline();
        let needs_leading = at == self.src.text.len() && !self.src.text.is_empty() && !self.src.text.ends_with('\n');
        format!("{}{content}{nl}", if needs_leading { nl } else { "" })
    }

    pub(crate) fn range_text(&self, range: Range<usize>) -> &'a str {
        &self.src.text[range]
    }
}
