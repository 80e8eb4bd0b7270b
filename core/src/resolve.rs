//! What each name means: import statements, aliases, and local shadowing.
//!
//! `import tensorflow as tf` binds `tf` to `tensorflow`; `from keras import backend as K` binds `K`
//! to `keras.backend`. A dotted expression such as `tf.nn.dropout` then resolves to the qualified
//! name `tensorflow.nn.dropout`, unless `tf` is shadowed where it is used.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::cell::RefCell;
use std::ops::Range;

use tree_sitter::Node;

use crate::source::{KindSet, Nodes, SourceFile};

/// One name an import statement binds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedName {
    /// The dotted name as written (`tensorflow.compat.v1`, or `Dense` in a from-import).
    pub name: String,
    pub alias: Option<String>,
    /// Byte range of the whole `name as alias` clause.
    pub range: Range<usize>,
}

impl ImportedName {
    /// The local name this clause binds.
    pub(crate) fn local(&self, from_import: bool) -> String {
        match (&self.alias, from_import) {
            (Some(a), _) => a.clone(),
            (None, true) => self.name.clone(),
            (None, false) => self.name.split('.').next().unwrap_or_default().to_owned(),
        }
    }
}

/// An import statement, structured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportStmt {
    pub range: Range<usize>,
    /// `Some(module)` for `from module import ...` (dots kept for relative imports).
    pub from: Option<String>,
    pub from_range: Option<Range<usize>>,
    pub names: Vec<ImportedName>,
    pub wildcard: bool,
    /// Whether the statement is directly in the module body (not in a function, class or `try`).
    pub top_level: bool,
    /// The module-level statement that holds it (itself, or a `try`/`if` around it).
    pub statement: Range<usize>,
    /// Whether it runs only when a function is called (then it binds nothing at module level).
    pub in_function: bool,
}

/// The import table of one file.
pub struct Imports {
    pub statements: Vec<ImportStmt>,
    /// Local name → qualified name, for every import binding in the file.
    bindings: HashMap<String, String>,
    /// The same, for imports that run at module level (not inside a function).
    module_bindings: HashMap<String, String>,
    /// Names that the module body also binds by assignment, `def`, `class`, `for`, `with`...
    module_shadowed: HashSet<String>,
    /// Per scope node id: the names that scope binds locally.
    function_locals: RefCell<HashMap<usize, HashSet<String>>>,
}

impl Imports {
    /// The import table of `src`, whose nodes are `nodes`.
    pub fn new(src: &SourceFile, nodes: &Nodes<'_>) -> Self {
        let mut statements = Vec::new();
        collect_imports(src, nodes, 0, &mut statements);
        let mut bindings = HashMap::new();
        let mut module_bindings = HashMap::new();
        for stmt in &statements {
            for n in &stmt.names {
                let from = stmt.from.is_some();
                let qualified = match &stmt.from {
                    Some(module) if module.starts_with('.') => continue,
                    Some(module) => format!("{module}.{}", n.name),
                    None if n.alias.is_some() => n.name.clone(),
                    None => n.local(false),
                };
                if !stmt.in_function {
                    module_bindings.insert(n.local(from), qualified.clone());
                }
                bindings.insert(n.local(from), qualified);
            }
        }
        let mut module_shadowed = HashSet::new();
        bound_names(src, nodes, 0, &mut module_shadowed);
        Self { statements, bindings, module_bindings, module_shadowed, function_locals: RefCell::new(HashMap::new()) }
    }

    /// Read the names bound to `from` (a module) as bound to `to`: the rules then treat
    /// `import tensorflow.compat.v1 as tf` as `import tensorflow as tf` (the way out of the cheat).
    /// Returns the local names remapped.
    pub(crate) fn remap(&mut self, from: &str, to: &str) -> Vec<String> {
        let mut locals = Vec::new();
        for map in [&mut self.bindings, &mut self.module_bindings] {
            for (local, qualified) in map.iter_mut() {
                if qualified == from {
                    to.clone_into(qualified);
                    locals.push(local.clone());
                }
            }
        }
        locals.sort();
        locals.dedup();
        locals
    }

    /// Local names that module-level imports bind to exactly `qualified` (e.g. every alias of
    /// `tensorflow`): the names inserted code can use anywhere in the file.
    pub(crate) fn aliases_of<'s, 'q>(&'s self, qualified: &'q str) -> impl Iterator<Item = &'s str> + use<'s, 'q> {
        self.module_bindings.iter().filter(move |(_, q)| q.as_str() == qualified).map(|(l, _)| l.as_str())
    }

    /// Resolve the identifier `root`: its qualified name, if an import binds it and nothing
    /// shadows it. `scopes` are the functions enclosing the use, innermost last.
    pub(crate) fn resolve_root_in(
        &self,
        src: &SourceFile,
        nodes: &Nodes<'_>,
        root: Node<'_>,
        scopes: &[Node<'_>],
    ) -> Option<&str> {
        let name = src.node_text(root);
        let qualified = self.bindings.get(name)?;
        self.visible(src, nodes, name, scopes).then_some(qualified.as_str())
    }

    /// Whether a module-level binding of `name` is what `name` means inside `scopes` (the
    /// functions, lambdas, comprehensions and class bodies enclosing a place, innermost last):
    /// nothing at module level rebinds it and no enclosing scope binds it locally. A class body's
    /// names count only for code directly in it, as in Python.
    pub(crate) fn visible(&self, src: &SourceFile, nodes: &Nodes<'_>, name: &str, scopes: &[Node<'_>]) -> bool {
        if self.module_shadowed.contains(name) {
            return false;
        }
        let mut cache = self.function_locals.borrow_mut();
        let innermost = scopes.len().saturating_sub(1);
        for (i, scope) in scopes.iter().enumerate() {
            if scope.kind_id() == kinds().class_definition && i != innermost {
                continue;
            }
            let locals = match cache.entry(scope.id()) {
                std::collections::hash_map::Entry::Occupied(known) => known.into_mut(),
                std::collections::hash_map::Entry::Vacant(new) => {
                    // A scope of another tree cannot be looked into: then nothing is taken as visible.
                    let Some(index) = nodes.index_of(*scope) else {
                        debug_assert!(false, "a scope outside the file's tree");
                        return false;
                    };
                    new.insert(scope_locals(src, nodes, index))
                }
            };
            if locals.contains(name) {
                return false;
            }
        }
        true
    }

    /// The qualified name of a dotted expression (`tf.nn.dropout` → `tensorflow.nn.dropout`).
    pub(crate) fn resolve_in(
        &self,
        src: &SourceFile,
        nodes: &Nodes<'_>,
        node: Node<'_>,
        scopes: &[Node<'_>],
    ) -> Option<String> {
        let parts = dotted_parts(nodes, nodes.index_of(node)?)?;
        self.resolve_parts_in(src, nodes, &parts, scopes)
    }

    /// The qualified name of the dotted expression whose identifiers are `parts` (`dotted_parts`).
    pub(crate) fn resolve_parts_in(
        &self,
        src: &SourceFile,
        nodes: &Nodes<'_>,
        parts: &[Node<'_>],
        scopes: &[Node<'_>],
    ) -> Option<String> {
        let root = self.resolve_root_in(src, nodes, *parts.first()?, scopes)?;
        let mut out = root.to_owned();
        for part in &parts[1..] {
            out.push('.');
            out.push_str(src.node_text(*part));
        }
        Some(out)
    }
}

/// The identifiers of a pure dotted expression, node `i` of `nodes` (`a.b.c` → `[a, b, c]`); `None`
/// for anything else. An attribute's object is its first child and its name the identifier among
/// the others (the `Nodes` tests check these are the `object` and `attribute` fields).
pub(crate) fn dotted_parts<'t>(nodes: &Nodes<'t>, i: usize) -> Option<Vec<Node<'t>>> {
    let g = crate::source::grammar();
    let mut parts = Vec::new();
    let mut at = i;
    loop {
        let item = nodes.get(at);
        if item.kind == g.identifier {
            parts.push(item.node);
            parts.reverse();
            return Some(parts);
        }
        if item.kind != g.attribute {
            return None;
        }
        let name = nodes.children(at).skip(1).find(|&c| nodes.get(c).kind == g.identifier)?;
        parts.push(nodes.get(name).node);
        at += 1;
    }
}

/// The node kinds and fields the walks over statements look at, by id (`Node::kind` converts a C
/// string on every call).
struct Kinds {
    imports: KindSet,
    import_from: u16,
    future_import: u16,
    aliased_import: u16,
    wildcard_import: u16,
    module: u16,
    identifier: u16,
    function_definition: u16,
    class_definition: u16,
    lambda: u16,
    except_clause: u16,
    as_pattern: u16,
    for_in_clause: u16,
    /// Statements that bind no name here (`global`, `nonlocal`) and lambdas (a scope of their own).
    binds_nothing: KindSet,
    /// Statements and clauses whose `left` is a target: assignments and `for` loops.
    left_targets: KindSet,
    /// `x as name`, `name := x`: the `alias` or `name` is a target.
    named_targets: KindSet,
    /// Targets that hold targets: `a, b`, `(a, b)`, `[a, *b]`...
    target_lists: KindSet,
    /// Parameters whose name is their `name` field, and those whose name is their first child.
    named_parameters: KindSet,
    wrapped_parameters: KindSet,
    module_name_field: u16,
    name_field: u16,
    alias_field: u16,
    left_field: u16,
    body_field: u16,
    parameters_field: u16,
}

fn kinds() -> &'static Kinds {
    static KINDS: std::sync::OnceLock<Kinds> = std::sync::OnceLock::new();
    KINDS.get_or_init(|| {
        let (id, field) = (crate::source::kind_id, crate::source::field_id);
        Kinds {
            imports: KindSet::new(is_import),
            import_from: id("import_from_statement"),
            future_import: id("future_import_statement"),
            aliased_import: id("aliased_import"),
            wildcard_import: id("wildcard_import"),
            module: id("module"),
            identifier: id("identifier"),
            function_definition: id("function_definition"),
            class_definition: id("class_definition"),
            lambda: id("lambda"),
            except_clause: id("except_clause"),
            as_pattern: id("as_pattern"),
            for_in_clause: id("for_in_clause"),
            binds_nothing: KindSet::new(|k| matches!(k, "lambda" | "global_statement" | "nonlocal_statement")),
            left_targets: KindSet::new(|k| {
                matches!(k, "assignment" | "augmented_assignment" | "for_statement" | "for_in_clause")
            }),
            named_targets: KindSet::new(|k| matches!(k, "as_pattern" | "named_expression")),
            target_lists: KindSet::new(|k| {
                matches!(
                    k,
                    "pattern_list"
                        | "tuple_pattern"
                        | "list_pattern"
                        | "expression_list"
                        | "tuple"
                        | "list"
                        | "list_splat_pattern"
                        | "as_pattern_target"
                        | "parenthesized_expression"
                )
            }),
            named_parameters: KindSet::new(|k| matches!(k, "default_parameter" | "typed_default_parameter")),
            wrapped_parameters: KindSet::new(|k| {
                matches!(k, "typed_parameter" | "list_splat_pattern" | "dictionary_splat_pattern")
            }),
            module_name_field: field("module_name"),
            name_field: field("name"),
            alias_field: field("alias"),
            left_field: field("left"),
            body_field: field("body"),
            parameters_field: field("parameters"),
        }
    })
}

/// The import statements among the statements in node `parent` of `nodes`, at any depth.
fn collect_imports(src: &SourceFile, nodes: &Nodes<'_>, parent: usize, out: &mut Vec<ImportStmt>) {
    let k = kinds();
    for child in nodes.named_children(parent) {
        let kind = nodes.get(child).kind;
        if k.imports.contains(kind) {
            if let Some(stmt) = import_stmt(src, nodes, child) {
                out.push(stmt);
            }
        } else if crate::source::holds_statements(kind) {
            collect_imports(src, nodes, child, out);
        }
    }
}

fn import_stmt(src: &SourceFile, nodes: &Nodes<'_>, i: usize) -> Option<ImportStmt> {
    let k = kinds();
    let node = nodes.get(i).node;
    let is_module = |p: usize| nodes.get(p).kind == k.module;
    let top_level = nodes.parent(i).is_some_and(is_module);
    // The module-level statement holding this import (itself, or e.g. the `try` around it).
    let mut top = i;
    let mut in_function = false;
    while let Some(p) = nodes.parent(top).filter(|&p| !is_module(p)) {
        in_function |= nodes.get(p).kind == k.function_definition || nodes.get(p).kind == k.lambda;
        top = p;
    }
    let mut names = Vec::new();
    let kind = nodes.get(i).kind;
    let (from, from_range) = if kind == k.import_from {
        let module = node.child_by_field_id(k.module_name_field)?;
        (Some(src.node_text(module).split_whitespace().collect::<String>()), Some(module.byte_range()))
    } else if kind == k.future_import {
        (Some("__future__".to_owned()), None)
    } else {
        (None, None)
    };
    let mut cursor = node.walk();
    for name in node.children_by_field_name("name", &mut cursor) {
        let (dotted, alias) = if name.kind_id() == k.aliased_import {
            (name.child_by_field_id(k.name_field)?, name.child_by_field_id(k.alias_field))
        } else {
            (name, None)
        };
        names.push(ImportedName {
            name: src.node_text(dotted).split_whitespace().collect(),
            alias: alias.map(|a| src.node_text(a).to_owned()),
            range: name.byte_range(),
        });
    }
    let wildcard = nodes.children(i).any(|c| nodes.get(c).kind == k.wildcard_import);
    Some(ImportStmt {
        range: node.byte_range(),
        from,
        from_range,
        names,
        wildcard,
        top_level,
        statement: nodes.get(top).node.byte_range(),
        in_function,
    })
}

/// Names bound by non-import statements directly in node `parent` of `nodes` (a scope's body).
/// Function and class bodies are scopes of their own: only their names are bound here.
fn bound_names(src: &SourceFile, nodes: &Nodes<'_>, parent: usize, out: &mut HashSet<String>) {
    let k = kinds();
    for child in nodes.named_children(parent) {
        let kind = nodes.get(child).kind;
        let target = if kind == k.function_definition || kind == k.class_definition {
            if let Some(name) = nodes.field(child, k.name_field) {
                out.insert(src.node_text(nodes.get(name).node).to_owned());
            }
            continue;
        } else if kind == k.except_clause {
            // `except ImportError: tf = None` is a fallback for a failed import, not a shadow; the
            // `except E as name` target is a binding.
            let pattern = nodes.named_children(child).find(|&n| nodes.get(n).kind == k.as_pattern);
            if let Some(alias) = pattern.and_then(|p| nodes.field(p, k.alias_field)) {
                target_names(src, nodes, alias, out);
            }
            continue;
        } else if k.binds_nothing.contains(kind) {
            continue;
        } else if k.left_targets.contains(kind) {
            nodes.field(child, k.left_field)
        } else if k.named_targets.contains(kind) {
            nodes.field(child, k.alias_field).or_else(|| nodes.field(child, k.name_field))
        } else {
            None
        };
        if let Some(target) = target {
            target_names(src, nodes, target, out);
        }
        if target.is_some() || crate::source::holds_statements(kind) {
            bound_names(src, nodes, child, out);
        }
    }
}

/// The names an assignment target (node `i` of `nodes`) binds.
fn target_names(src: &SourceFile, nodes: &Nodes<'_>, i: usize, out: &mut HashSet<String>) {
    let k = kinds();
    let kind = nodes.get(i).kind;
    if kind == k.identifier {
        out.insert(src.node_text(nodes.get(i).node).to_owned());
    } else if k.target_lists.contains(kind) {
        for c in nodes.named_children(i) {
            target_names(src, nodes, c, out);
        }
    }
}

/// Node kinds of import statements.
pub(crate) fn is_import(kind: &str) -> bool {
    matches!(kind, "import_statement" | "import_from_statement" | "future_import_statement")
}

/// Node kinds that open a scope of their own for the names bound in them.
pub(crate) fn is_scope(kind: &str) -> bool {
    matches!(
        kind,
        "function_definition"
            | "lambda"
            | "class_definition"
            | "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension"
            | "generator_expression"
    )
}

/// The names a scope (node `scope` of `nodes`) binds locally: a function's parameters and body
/// bindings, a class body's bindings, a comprehension's loop targets.
fn scope_locals(src: &SourceFile, nodes: &Nodes<'_>, scope: usize) -> HashSet<String> {
    let k = kinds();
    let mut out = HashSet::new();
    if let Some(params) = nodes.field(scope, k.parameters_field) {
        for p in nodes.named_children(params) {
            let kind = nodes.get(p).kind;
            let name = if kind == k.identifier {
                Some(p)
            } else if k.named_parameters.contains(kind) {
                nodes.field(p, k.name_field)
            } else if k.wrapped_parameters.contains(kind) {
                nodes.named_children(p).next()
            } else {
                None
            };
            if let Some(n) = name.filter(|&n| nodes.get(n).kind == k.identifier) {
                out.insert(src.node_text(nodes.get(n).node).to_owned());
            }
        }
    }
    let kind = nodes.get(scope).kind;
    if kind == k.function_definition || kind == k.class_definition {
        // `global tf` makes later assignments rebind the module name, which counts as shadowing too.
        if let Some(body) = nodes.field(scope, k.body_field) {
            bound_names(src, nodes, body, &mut out);
        }
    } else if kind != k.lambda {
        for clause in nodes.named_children(scope).filter(|&c| nodes.get(c).kind == k.for_in_clause) {
            if let Some(left) = nodes.field(clause, k.left_field) {
                target_names(src, nodes, left, &mut out);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Imports {
        /// Like `resolve_in`, finding the enclosing functions by walking up the tree (slow; the
        /// rule walk tracks scopes instead).
        pub fn resolve(&self, src: &SourceFile, node: Node<'_>) -> Option<String> {
            let nodes = src.nodes().expect("a test file is not nested too deep");
            self.resolve_in(src, &nodes, node, &enclosing_functions(node))
        }
    }

    /// The functions (and lambdas) enclosing `node`, outermost first.
    fn enclosing_functions(node: Node<'_>) -> Vec<Node<'_>> {
        let mut out = Vec::new();
        let mut cur = node.parent();
        while let Some(n) = cur {
            if is_scope(n.kind()) {
                out.push(n);
            }
            cur = n.parent();
        }
        out.reverse();
        out
    }

    /// Whether `node` is the whole of a dotted expression (its parent does not extend it).
    fn is_maximal_dotted(node: Node<'_>) -> bool {
        match node.parent() {
            Some(p) if p.kind() == "attribute" => p.child_by_field_name("object").map(|o| o.id()) != Some(node.id()),
            _ => true,
        }
    }

    use crate::source::Encoding;

    fn file(src: &str) -> SourceFile {
        SourceFile::new("t.py".into(), src.into(), Encoding::Utf8 { bom: false })
    }

    /// Resolve every maximal dotted expression in the file, in order.
    fn resolved(src: &str) -> Vec<String> {
        let f = file(src);
        let list = f.nodes().unwrap();
        let imports = Imports::new(&f, &list);
        let dotted = |n: Node<'_>| list.index_of(n).and_then(|i| dotted_parts(&list, i)).is_some();
        let mut out = Vec::new();
        let mut stack = vec![f.tree.root_node()];
        let mut nodes = Vec::new();
        while let Some(n) = stack.pop() {
            if matches!(n.kind(), "import_statement" | "import_from_statement") {
                continue;
            }
            if matches!(n.kind(), "attribute" | "identifier") && is_maximal_dotted(n) && dotted(n) {
                nodes.push(n);
                continue;
            }
            let mut c = n.walk();
            stack.extend(n.children(&mut c));
        }
        nodes.sort_by_key(Node::start_byte);
        for n in nodes {
            if let Some(q) = imports.resolve(&f, n) {
                out.push(q);
            }
        }
        out
    }

    #[test]
    fn common_import_forms() {
        let cases: &[(&str, &str)] = &[
            ("import tensorflow as tf\ntf.Session()\n", "tensorflow.Session"),
            ("import tensorflow\ntensorflow.Session()\n", "tensorflow.Session"),
            ("import tensorflow as tflow\ntflow.Session()\n", "tensorflow.Session"),
            ("from tensorflow import contrib\ncontrib.layers.x()\n", "tensorflow.contrib.layers.x"),
            ("import tensorflow.compat.v1 as tf\ntf.Session()\n", "tensorflow.compat.v1.Session"),
            ("from tensorflow.compat import v1 as tf\ntf.Session()\n", "tensorflow.compat.v1.Session"),
            ("import keras\nkeras.layers.Dense\n", "keras.layers.Dense"),
            ("from keras import backend as K\nK.sum\n", "keras.backend.sum"),
            ("from keras.layers import Dense\nDense(3)\n", "keras.layers.Dense"),
            ("import keras.backend as K\nK.sum\n", "keras.backend.sum"),
        ];
        for (src, want) in cases {
            assert_eq!(resolved(src), vec![(*want).to_owned()], "{src}");
        }
    }

    #[test]
    fn shadowing_is_respected() {
        assert_eq!(resolved("import tensorflow as tf\ndef f(tf):\n    tf.Session()\n"), Vec::<String>::new());
        assert_eq!(resolved("import tensorflow as tf\ndef f():\n    tf = 1\n    tf.Session()\n"), Vec::<String>::new());
        assert_eq!(resolved("import tensorflow as tf\ntf = None\ntf.Session()\n"), Vec::<String>::new());
        assert_eq!(
            resolved("import tensorflow as tf\ndef f(x):\n    return tf.log(x)\n"),
            vec!["tensorflow.log".to_owned()]
        );
    }

    #[test]
    fn dotted_import_binds_top_package() {
        assert_eq!(
            resolved("import tensorflow.contrib.slim\ntensorflow.contrib.slim.fc\n"),
            vec!["tensorflow.contrib.slim.fc"]
        );
    }
}
