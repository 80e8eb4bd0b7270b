//! The state one rule pass over one file shares: the source, its imports, the options, the
//! findings so far, and de-duplicated "needs" such as an added import line.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use tree_sitter::Node;

use crate::fix::{Edit, Finding, Fix, Severity};
use crate::resolve::{ImportStmt, Imports};
use crate::rules::{Options, Rule};
use crate::source::{Nodes, SourceFile};

mod statements;

pub struct Ctx<'a> {
    pub src: &'a SourceFile,
    /// Every node of the file's tree, in order.
    pub nodes: &'a Nodes<'a>,
    pub imports: &'a Imports,
    pub options: &'a Options,
    findings: Vec<Finding>,
    /// Inserted lines (imports, the eager switch) → index of the finding that inserts them.
    inserted: HashMap<String, usize>,
    /// Places that need graph mode (eager execution off), for the `disable-eager` rule.
    pub graph_uses: Vec<GraphUse>,
    /// The scopes (functions, lambdas, comprehensions, class bodies) enclosing the node the walk
    /// is at, innermost last.
    pub scopes: Vec<Node<'a>>,
    /// Notes already given in this file (each is given once).
    notes_given: HashSet<&'static str>,
    /// Every identifier of the file, built when a new name must be chosen.
    identifiers: OnceCell<HashSet<&'a str>>,
    /// Answers of `code_mentions`, by needle.
    mentions: HashMap<&'static str, bool>,
    /// Where things go (computed once: rules ask for every rewrite).
    places: OnceCell<Places>,
    /// Under `--strategy compat`: the alias of the rewritten `import tensorflow.compat.v1 as tf`
    /// and its finding, which gets the `tf.disable_v2_behavior()` switch.
    pub compat_import: Option<(String, usize)>,
    /// Every use of a name under tf.contrib, and the tf.contrib imports without a successor
    /// module: such an import goes once every use of it is rewritten.
    pub(crate) contrib_uses: Vec<ContribUse>,
    pub(crate) contrib_imports: Vec<ContribImport>,
    /// Findings whose default fix is a native rewrite, kept the default only where the file can
    /// use it (`native::finish`).
    pub(crate) native_defaults: Vec<NativeDefault>,
    /// What standalone Keras code here needs Keras 2 for (`keras3::finish` then makes its
    /// imports default to `tf_keras`).
    pub(crate) keras2_reasons: Vec<String>,
}

/// A finding whose default fix is a native rewrite.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NativeDefault {
    pub finding: usize,
    /// The rewrite makes a Keras optimizer.
    pub optimizer: bool,
}

/// A use of a name under tf.contrib, of a removed standard-library module, or of a Keras name
/// with no tf.keras equivalent.
#[derive(Debug, Clone)]
pub(crate) struct ContribUse {
    /// The local name the expression starts with.
    pub root: String,
    /// The dotted name it means (`tf.contrib.rnn.HighwayWrapper`, `imp.load_source`).
    pub name: String,
    /// The finding that rewrites it, if any.
    pub finding: Option<usize>,
    /// Whether it runs only when a function is called, not at import (see [`Ctx::runs_later`]).
    pub deferred: bool,
}

impl ContribUse {
    /// Whether it uses what `import` binds (any tf.contrib use, for `import tensorflow.contrib`).
    pub(crate) fn of(&self, import: &ContribImport) -> bool {
        (import.names.is_empty() && self.name.starts_with("tf.contrib")) || import.names.contains(&self.root)
    }
}

/// A tf.contrib (or removed standard-library module, or removed Keras name) import statement
/// that no rewrite replaces: it goes when every use of its names is rewritten.
#[derive(Debug, Clone)]
pub(crate) struct ContribImport {
    /// Its (manual) finding.
    pub finding: usize,
    pub range: Range<usize>,
    /// The local names it binds; empty for `import tensorflow.contrib` (which only loads the
    /// package: every tf.contrib use of the file counts).
    pub names: Vec<String>,
}

/// Offsets that depend only on the file, computed on first use.
#[derive(Debug, Clone, Copy)]
struct Places {
    header_end: usize,
    after_imports: usize,
    entry_point: bool,
}

/// A module that inserted or rewritten code refers to: the local name to write, and the finding
/// that imports it when the file did not (the rewrite must require it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ModuleName {
    pub name: String,
    pub import: Option<usize>,
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

/// What follows `base` in the dotted name `name` (`""` or `.rest…`), if `name` is `base` or
/// under it (`tf.nn` is under `tf`, `tfp` is not).
pub(crate) fn under<'n>(name: &'n str, base: &str) -> Option<&'n str> {
    name.strip_prefix(base).filter(|r| r.is_empty() || r.starts_with('.'))
}

/// Spell a canonical name (`tf.x.y`) as the qualified Python name (`tensorflow.x.y`).
pub(crate) fn qualified(canonical: &str) -> String {
    under(canonical, "tf").map_or_else(|| canonical.to_owned(), |rest| format!("tensorflow{rest}"))
}

/// The canonical spelling of a qualified name (`tensorflow.x` → `tf.x`).
pub(crate) fn canonical(qualified: &str) -> String {
    under(qualified, "tensorflow").map_or_else(|| qualified.to_owned(), |rest| format!("tf{rest}"))
}

/// A string literal's quote and contents, for a literal written `'…'` or `"…"` (no prefix, not
/// triple-quoted): `None` for anything else.
pub(crate) fn quoted(text: &str) -> Option<(char, &str)> {
    let quote = text.chars().next().filter(|c| matches!(c, '\'' | '"'))?;
    Some((quote, text.strip_prefix(quote)?.strip_suffix(quote)?))
}

/// The resolved callee, if it is TensorFlow outside tf.compat (the TF1 names the tables key on).
pub(crate) fn tf_callee(resolved: Option<&str>) -> Option<&str> {
    resolved.filter(|name| name.starts_with("tf.") && !name.starts_with("tf.compat."))
}

impl<'a> Ctx<'a> {
    pub fn new(src: &'a SourceFile, nodes: &'a Nodes<'a>, imports: &'a Imports, options: &'a Options) -> Self {
        Self {
            src,
            nodes,
            imports,
            options,
            findings: Vec::new(),
            inserted: HashMap::new(),
            graph_uses: Vec::new(),
            scopes: Vec::new(),
            notes_given: HashSet::new(),
            identifiers: OnceCell::new(),
            mentions: HashMap::new(),
            places: OnceCell::new(),
            compat_import: None,
            contrib_uses: Vec::new(),
            contrib_imports: Vec::new(),
            native_defaults: Vec::new(),
            keras2_reasons: Vec::new(),
        }
    }

    /// Whether the note keyed `key` is given here for the first time in this file.
    pub(crate) fn first_note(&mut self, key: &'static str) -> bool {
        self.notes_given.insert(key)
    }

    /// The qualified name of a dotted expression at the walk's current scope.
    pub fn resolve(&self, node: Node<'_>) -> Option<String> {
        self.imports.resolve_in(self.src, self.nodes, node, &self.scopes)
    }

    /// The qualified name of the dotted expression whose identifiers are `parts`, at the walk's
    /// current scope.
    pub(crate) fn resolve_parts(&self, parts: &[Node<'_>]) -> Option<String> {
        self.imports.resolve_parts_in(self.src, self.nodes, parts, &self.scopes)
    }

    /// The qualified name an identifier is bound to at the walk's current scope.
    pub(crate) fn resolve_root(&self, root: Node<'_>) -> Option<&'a str> {
        self.imports.resolve_root_in(self.src, self.nodes, root, &self.scopes)
    }

    /// Whether the walk is outside every function body (code that runs at import time).
    pub(crate) fn module_level(&self) -> bool {
        self.scopes.iter().all(|s| !matches!(s.kind(), "function_definition" | "lambda"))
    }

    /// Whether code at `at`, a point of the walk, runs only when a function is called: inside
    /// the body of a function or lambda (not its decorators, defaults or annotations).
    pub(crate) fn runs_later(&self, at: usize) -> bool {
        self.scopes.iter().any(|s| {
            matches!(s.kind(), "function_definition" | "lambda")
                && s.child_by_field_name("body").is_some_and(|b| b.byte_range().contains(&at))
        })
    }

    /// Record a use, at `at`, of `name` through the local `root` (see [`ContribUse`]), and the
    /// finding that rewrites it, if any.
    pub(crate) fn record_use(&mut self, root: &str, name: &str, at: usize, finding: Option<usize>) {
        let deferred = self.runs_later(at);
        self.contrib_uses.push(ContribUse { root: root.to_owned(), name: name.to_owned(), finding, deferred });
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
        self.once(line, || make(Edit::insertion(at, line)))
    }

    /// The finding keyed `key` (the text it inserts), made and recorded on the first request.
    pub(crate) fn once(&mut self, key: &str, make: impl FnOnce() -> Finding) -> usize {
        if let Some(&i) = self.inserted.get(key) {
            return i;
        }
        let i = self.push(make());
        self.inserted.insert(key.to_owned(), i);
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
            let rest = if root_canonical == "tf" { self.through_tensorflow(target, rest) } else { rest.into() };
            return Some(format!("{root_local}{rest}"));
        }
        if let Some(rest) = under(target, "tf") {
            return self.alias_here("tensorflow").map(|a| format!("{a}{}", self.through_tensorflow(target, rest)));
        }
        // An external module (`tf_slim`) or a standalone Keras path: spelled in full.
        Some(target.to_owned())
    }

    /// What follows an alias of `tensorflow` to reach `target` (`rest`, its part after `tf`):
    /// under the compat strategy that alias becomes tensorflow.compat.v1, which reaches a name
    /// that only TensorFlow 2 has (`tf.experimental.numpy`) through its `compat.v2`.
    fn through_tensorflow<'r>(&self, target: &str, rest: &'r str) -> std::borrow::Cow<'r, str> {
        if self.options.strategy == crate::rules::Strategy::Compat
            && crate::rules::table::Tables::longest_prefix(&crate::rules::table::tables().v2_only, target).is_some()
        {
            format!(".compat.v2{rest}").into()
        } else {
            rest.into()
        }
    }

    /// [`Self::spell`] for a `tf.` target, else through a new `import tensorflow` (a finding of
    /// `rule` saying `why`): the spelling and the findings it requires.
    pub(crate) fn spell_tf(
        &mut self,
        target: &str,
        (root_local, root_canonical): (&str, &str),
        rule: Rule,
        why: &str,
    ) -> Option<(String, Vec<usize>)> {
        if let Some(spelled) = self.spell(target, root_local, root_canonical) {
            return Some((spelled, Vec::new()));
        }
        let rest = under(target, "tf")?;
        let tf = self.module_name("tensorflow", &["tf", "tensorflow"], false, rule, why, None)?;
        Some((format!("{}{rest}", tf.name), tf.import.into_iter().collect()))
    }

    /// The alias of `module` that code at the walk's current scope can write: a module-level import
    /// binding that nothing here shadows (the first in name order, for stable output).
    pub(crate) fn alias_here(&self, module: &str) -> Option<&'a str> {
        self.alias_in(module, &self.scopes)
    }

    /// The alias of `module` that code inserted at module level can write.
    pub(crate) fn module_alias(&self, module: &str) -> Option<&'a str> {
        self.alias_in(module, &[])
    }

    fn alias_in(&self, module: &str, scopes: &[Node<'_>]) -> Option<&'a str> {
        let imports: &'a Imports = self.imports;
        imports.aliases_of(module).filter(|a| imports.visible(self.src, self.nodes, a, scopes)).min()
    }

    /// Whether `needle` occurs in the file's code (a string or a name), not only in comments.
    /// Remembered per needle: rules ask once per use.
    pub(crate) fn code_mentions(&mut self, needle: &'static str) -> bool {
        if let Some(&known) = self.mentions.get(needle) {
            return known;
        }
        let found = self.occurrences(needle).any(|(_, n)| n.kind() != "comment");
        self.mentions.insert(needle, found);
        found
    }

    /// Whether the identifier `name` occurs outside `range` (the import that binds it), as
    /// code: one such occurrence that no use was resolved to (a name the module also assigns)
    /// keeps the import.
    pub(crate) fn name_occurs_outside(&self, name: &str, range: &Range<usize>) -> bool {
        self.occurrences(name)
            .any(|(at, n)| !range.contains(&at) && n.kind() == "identifier" && n.byte_range() == (at..at + name.len()))
    }

    /// Each place `needle` occurs in the text, with the smallest node that holds it.
    fn occurrences<'s>(&'s self, needle: &'s str) -> impl Iterator<Item = (usize, Node<'a>)> + 's {
        let root = self.src.tree.root_node();
        // memmem: SIMD, where `str::match_indices` was 1% of a cold run for these few needles.
        memchr::memmem::find_iter(self.src.text.as_bytes(), needle.as_bytes())
            .filter_map(move |at| root.descendant_for_byte_range(at, at + needle.len()).map(|n| (at, n)))
    }

    /// Whether `name` appears nowhere in the file as an identifier, so a new binding of it can
    /// shadow nothing and be shadowed by nothing.
    pub(crate) fn is_fresh(&self, name: &str) -> bool {
        !self.identifiers().contains(name)
    }

    /// Every identifier in the file: a name not among them binds nothing and shadows nothing.
    fn identifiers(&self) -> &HashSet<&'a str> {
        self.identifiers.get_or_init(|| {
            // From the node list: a walk of its own over the tree cost ~1.5% of a cold run.
            let identifier = crate::source::grammar().identifier;
            let text = self.src.text.as_str();
            self.nodes.iter().filter(|it| it.kind == identifier).map(|it| &text[it.node.byte_range()]).collect()
        })
    }

    /// The name under which code written at the current scope (or, with `module_level`, inserted
    /// at module level) reaches `module`: an alias the file already imports and nothing shadows
    /// there, else the first of `names` that the file uses nowhere, imported by a new line after
    /// the imports (a finding of `rule` saying `why`, shared by every rewrite that needs it).
    /// `None` when every candidate name is taken.
    pub(crate) fn module_name(
        &mut self,
        module: &str,
        names: &[&str],
        module_level: bool,
        rule: Rule,
        why: &str,
        package: Option<&'static str>,
    ) -> Option<ModuleName> {
        let existing = if module_level { self.module_alias(module) } else { self.alias_here(module) };
        if let Some(name) = existing {
            return Some(ModuleName { name: name.to_owned(), import: None });
        }
        let at = self.after_imports();
        let mut chosen = None;
        for &n in names {
            let statement = if n == module { format!("import {module}") } else { format!("import {module} as {n}") };
            if let Some(&i) = self.inserted.get(&self.line(at, &statement)) {
                // An earlier rewrite of this pass already imports it under this name.
                return Some(ModuleName { name: n.to_owned(), import: Some(i) });
            }
            if self.is_fresh(n) {
                chosen = Some((n, statement));
                break;
            }
        }
        let (name, statement) = chosen?;
        let line = self.line(at, &statement);
        let why = why.to_owned();
        let import = self.insert_once(at, &line, |edit| {
            let fix = Fix { packages: package.into_iter().collect(), ..Fix::safe(vec![edit]) };
            Finding::new(rule, Severity::Info, at..at, why).with_fix(fix).supporting()
        });
        Some(ModuleName { name: name.to_owned(), import: Some(import) })
    }
    /// Where nothing may be inserted before: just after the shebang line, the PEP 263 coding line,
    /// the leading comments, the module docstring and the `from __future__` imports, whichever of
    /// them the file has.
    pub(crate) fn header_end(&self) -> usize {
        self.places().header_end
    }

    fn places(&self) -> Places {
        *self.places.get_or_init(|| {
            let header_end = self.compute_header_end();
            let after_imports = self.compute_after_imports(header_end);
            Places { header_end, after_imports, entry_point: self.compute_entry_point() }
        })
    }

    fn compute_header_end(&self) -> usize {
        let text = self.src.text.as_str();
        let mut end = 0;
        for (i, line) in text.split_inclusive('\n').take(2).enumerate() {
            let start = end;
            let is_shebang = i == 0 && line.starts_with("#!");
            if is_shebang || crate::source::is_coding_line(line) {
                end = start + line.len();
            } else if !line.trim_start().starts_with('#') {
                break;
            } else {
                // A plain comment on line 1 may be followed by the coding line on line 2.
                let next = text[start + line.len()..].split_inclusive('\n').next().unwrap_or_default();
                if i == 0 && crate::source::is_coding_line(next) {
                    end = start + line.len();
                    continue;
                }
                break;
            }
        }
        let root = self.src.tree.root_node();
        let mut cursor = root.walk();
        let mut seen_docstring = false;
        for child in root.named_children(&mut cursor) {
            let docstring = !seen_docstring
                && child.kind() == "expression_statement"
                && child.named_child_count() == 1
                && child.named_child(0).is_some_and(|c| matches!(c.kind(), "string" | "concatenated_string"));
            match child.kind() {
                // A leading comment block (a licence, the tool's own markers) stays on top.
                "comment" | "future_import_statement" => end = end.max(self.line_end(child.end_byte())),
                _ if docstring => {
                    seen_docstring = true;
                    end = end.max(self.line_end(child.end_byte()));
                }
                _ => break,
            }
        }
        end
    }

    /// Where new import lines go: just after the last import of the first run of top-level
    /// imports (statements such as `__author__ = ...` before it are passed over), and never above
    /// the [header](Self::header_end).
    pub(crate) fn after_imports(&self) -> usize {
        self.places().after_imports
    }

    fn compute_after_imports(&self, header: usize) -> usize {
        let root = self.src.tree.root_node();
        let mut cursor = root.walk();
        let mut end = None;
        for child in root.named_children(&mut cursor) {
            match child.kind() {
                "import_statement" | "import_from_statement" | "future_import_statement" => {
                    end = Some(child.end_byte());
                }
                "comment" => {}
                _ if end.is_some() => break,
                _ => {}
            }
        }
        end.map_or(header, |e| self.line_end(e).max(header))
    }

    /// The first import statement that runs at module level and binds `alias`.
    pub(crate) fn binding_import(&self, alias: &str) -> Option<&'a ImportStmt> {
        let imports: &'a Imports = self.imports;
        imports
            .statements
            .iter()
            .filter(|s| !s.in_function)
            .find(|s| s.names.iter().any(|n| n.local(s.from.is_some()) == alias))
    }

    /// Where a module-level line that uses the name `alias` can go: after the imports, and after
    /// the module-level statement (maybe a `try:` block) that binds it; in a notebook, within the
    /// cell of that statement.
    pub(crate) fn after_binding(&self, alias: &str) -> usize {
        let leading = self.after_imports();
        match self.binding_import(alias) {
            Some(stmt) => leading.max(self.line_end(stmt.statement.end)).min(self.src.cell_end(stmt.statement.end)),
            None => leading,
        }
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

    /// A pytest or unittest module: named `test_*.py` / `*_test.py`, or defining unittest cases.
    pub(crate) fn is_test_module(&self) -> bool {
        let name = self.src.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        name.starts_with("test_")
            || name.ends_with("_test.py")
            || self.src.text.contains("unittest.TestCase")
            || self.src.text.contains("tf.test.TestCase")
    }

    /// The `if __name__ == "__main__":` block at module level (either operand order, `==` only) and its
    /// first statement, when the body is an indented block (a one-line body has no room for a line).
    pub(crate) fn main_block(&self) -> Option<(Node<'a>, Node<'a>)> {
        let root = self.src.tree.root_node();
        let mut cursor = root.walk();
        let found = root.named_children(&mut cursor).find(|n| {
            n.kind() == "if_statement" && n.child_by_field_name("condition").is_some_and(|c| self.is_main_test(c))
        })?;
        let body = found.child_by_field_name("consequence")?;
        let mut c = body.walk();
        let first = body.named_children(&mut c).find(|n| n.kind() != "comment")?;
        let header_line = self.src.lines.line_of(found.start_byte());
        (self.src.lines.line_of(first.start_byte()) > header_line).then_some((found, first))
    }

    /// `__name__ == "__main__"` or `"__main__" == __name__`.
    fn is_main_test(&self, condition: Node<'_>) -> bool {
        if condition.kind() != "comparison_operator" || condition.named_child_count() != 2 {
            return false;
        }
        let mut cursor = condition.walk();
        if condition.children(&mut cursor).filter(|c| !c.is_named()).map(|c| c.kind()).collect::<Vec<_>>() != ["=="] {
            return false;
        }
        let (Some(a), Some(b)) = (condition.named_child(0), condition.named_child(1)) else { return false };
        let is_name = |n: Node<'_>| n.kind() == "identifier" && self.text(n) == "__name__";
        let is_main = |n: Node<'_>| n.kind() == "string" && matches!(self.text(n), "\"__main__\"" | "'__main__'");
        (is_name(a) && is_main(b)) || (is_main(a) && is_name(b))
    }

    /// Whether this file is where a program starts (so process-wide switches belong here): it
    /// is a notebook, has a `__main__` block, is a test module, is a package's `__main__.py`, or
    /// is a plain script (no function or class definitions at module level).
    pub(crate) fn is_entry_point(&self) -> bool {
        self.places().entry_point
    }

    fn compute_entry_point(&self) -> bool {
        let root = self.src.tree.root_node();
        let mut cursor = root.walk();
        let statements: Vec<Node<'_>> = root.named_children(&mut cursor).collect();
        // A script defines nothing and runs something: a module of imports only is a package's
        // re-export shim (`from .x import y  # compatibility`, `__all__ = [...]`).
        let script = !statements
            .iter()
            .any(|n| matches!(n.kind(), "function_definition" | "class_definition" | "decorated_definition"))
            && statements.iter().any(|&n| runs_something(n, &self.src.text));
        let has_main = root.named_children(&mut root.walk()).any(|n| {
            n.kind() == "if_statement" && n.child_by_field_name("condition").is_some_and(|c| self.is_main_test(c))
        });
        self.src.is_notebook()
            || has_main
            || script
            || self.is_test_module()
            || self.src.path.file_name().is_some_and(|n| n == "__main__.py")
    }
}

/// Whether a module-level statement of `text` does something when the module runs: anything but
/// an import, `pass`, a string (a docstring) or a module dunder (`__all__ = [...]`, `__version__
/// = "1"`).
fn runs_something(stmt: Node<'_>, text: &str) -> bool {
    let dunder = |n: Node<'_>| {
        n.kind() == "identifier" && text.get(n.byte_range()).is_some_and(|t| t.starts_with("__") && t.ends_with("__"))
    };
    match stmt.kind() {
        "import_statement" | "import_from_statement" | "future_import_statement" | "pass_statement" | "comment" => {
            false
        }
        "expression_statement" => stmt.named_children(&mut stmt.walk()).any(|e| match e.kind() {
            "string" | "concatenated_string" => false,
            "assignment" => e.child_by_field_name("left").is_none_or(|left| !dunder(left)),
            _ => true,
        }),
        _ => true,
    }
}
