//! What each name means: import statements, aliases, and local shadowing.
//!
//! `import tensorflow as tf` binds `tf` to `tensorflow`; `from keras import backend as K` binds `K`
//! to `keras.backend`. A dotted expression such as `tf.nn.dropout` then resolves to the qualified
//! name `tensorflow.nn.dropout`, unless `tf` is shadowed where it is used.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use tree_sitter::Node;

use crate::source::SourceFile;

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
    pub fn new(src: &SourceFile) -> Self {
        let mut statements = Vec::new();
        collect_imports(src, src.tree.root_node(), &mut statements);
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
        bound_names(src, src.tree.root_node(), &mut module_shadowed);
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
    pub(crate) fn resolve_root_in(&self, src: &SourceFile, root: Node<'_>, scopes: &[Node<'_>]) -> Option<&str> {
        let name = src.node_text(root);
        let qualified = self.bindings.get(name)?;
        self.visible(src, name, scopes).then_some(qualified.as_str())
    }

    /// Whether a module-level binding of `name` is what `name` means inside `scopes` (the
    /// functions, lambdas, comprehensions and class bodies enclosing a place, innermost last):
    /// nothing at module level rebinds it and no enclosing scope binds it locally. A class body's
    /// names count only for code directly in it, as in Python.
    pub(crate) fn visible(&self, src: &SourceFile, name: &str, scopes: &[Node<'_>]) -> bool {
        if self.module_shadowed.contains(name) {
            return false;
        }
        let mut cache = self.function_locals.borrow_mut();
        let innermost = scopes.len().saturating_sub(1);
        for (i, scope) in scopes.iter().enumerate() {
            if scope.kind() == "class_definition" && i != innermost {
                continue;
            }
            if cache.entry(scope.id()).or_insert_with(|| scope_locals(src, *scope)).contains(name) {
                return false;
            }
        }
        true
    }

    /// The qualified name of a dotted expression (`tf.nn.dropout` → `tensorflow.nn.dropout`).
    pub(crate) fn resolve_in(&self, src: &SourceFile, node: Node<'_>, scopes: &[Node<'_>]) -> Option<String> {
        let parts = dotted_parts(node)?;
        let root = self.resolve_root_in(src, parts[0], scopes)?;
        let mut out = root.to_owned();
        for part in &parts[1..] {
            out.push('.');
            out.push_str(src.node_text(*part));
        }
        Some(out)
    }
}

/// The identifiers of a pure dotted expression (`a.b.c` → `[a, b, c]`); `None` for anything else.
pub(crate) fn dotted_parts(node: Node<'_>) -> Option<Vec<Node<'_>>> {
    let g = crate::source::grammar();
    let id = node.kind_id();
    if id == g.identifier {
        Some(vec![node])
    } else if id == g.attribute {
        let mut parts = dotted_parts(node.child_by_field_id(g.object_field)?)?;
        parts.push(node.child_by_field_id(g.attribute_field)?);
        Some(parts)
    } else {
        None
    }
}

fn collect_imports(src: &SourceFile, node: Node<'_>, out: &mut Vec<ImportStmt>) {
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "import_statement" | "import_from_statement" | "future_import_statement" => {
                if let Some(stmt) = import_stmt(src, child) {
                    out.push(stmt);
                }
            }
            _ if crate::source::holds_statements(child) => collect_imports(src, child, out),
            _ => {}
        }
    }
}

fn import_stmt(src: &SourceFile, node: Node<'_>) -> Option<ImportStmt> {
    let top_level = node.parent().is_some_and(|p| p.kind() == "module");
    // The module-level statement holding this import (itself, or e.g. the `try` around it).
    let mut top = node;
    let mut in_function = false;
    while let Some(p) = top.parent().filter(|p| p.kind() != "module") {
        in_function |= matches!(p.kind(), "function_definition" | "lambda");
        top = p;
    }
    let mut names = Vec::new();
    let mut wildcard = false;
    let (from, from_range) = match node.kind() {
        "import_from_statement" => {
            let module = node.child_by_field_name("module_name")?;
            (Some(src.node_text(module).split_whitespace().collect::<String>()), Some(module.byte_range()))
        }
        "future_import_statement" => (Some("__future__".to_owned()), None),
        _ => (None, None),
    };
    let mut cursor = node.walk();
    for name in node.children_by_field_name("name", &mut cursor) {
        let (dotted, alias) = match name.kind() {
            "aliased_import" => (name.child_by_field_name("name")?, name.child_by_field_name("alias")),
            _ => (name, None),
        };
        names.push(ImportedName {
            name: src.node_text(dotted).split_whitespace().collect(),
            alias: alias.map(|a| src.node_text(a).to_owned()),
            range: name.byte_range(),
        });
    }
    let mut cursor = node.walk();
    if node.children(&mut cursor).any(|c| c.kind() == "wildcard_import") {
        wildcard = true;
    }
    Some(ImportStmt {
        range: node.byte_range(),
        from,
        from_range,
        names,
        wildcard,
        top_level,
        statement: top.byte_range(),
        in_function,
    })
}

/// Names bound by non-import statements directly in this scope. Function and class bodies are
/// scopes of their own: only their names are bound here.
fn bound_names(src: &SourceFile, node: Node<'_>, out: &mut HashSet<String>) {
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        let target = match child.kind() {
            "function_definition" | "class_definition" => {
                if let Some(name) = child.child_by_field_name("name") {
                    out.insert(src.node_text(name).to_owned());
                }
                continue;
            }
            // `except ImportError: tf = None` is a fallback for a failed import, not a shadow; the
            // `except E as name` target is a binding.
            "except_clause" => {
                let mut c = child.walk();
                if let Some(alias) = child
                    .named_children(&mut c)
                    .find(|n| n.kind() == "as_pattern")
                    .and_then(|p| p.child_by_field_name("alias"))
                {
                    target_names(src, alias, out);
                }
                continue;
            }
            "lambda" | "global_statement" | "nonlocal_statement" => continue,
            "assignment" | "augmented_assignment" | "for_statement" | "for_in_clause" => {
                child.child_by_field_name("left")
            }
            "as_pattern" | "named_expression" => {
                child.child_by_field_name("alias").or_else(|| child.child_by_field_name("name"))
            }
            _ => None,
        };
        if let Some(target) = target {
            target_names(src, target, out);
        }
        if target.is_some() || crate::source::holds_statements(child) {
            bound_names(src, child, out);
        }
    }
}

fn target_names(src: &SourceFile, node: Node<'_>, out: &mut HashSet<String>) {
    match node.kind() {
        "identifier" => {
            out.insert(src.node_text(node).to_owned());
        }
        "pattern_list"
        | "tuple_pattern"
        | "list_pattern"
        | "expression_list"
        | "tuple"
        | "list"
        | "list_splat_pattern"
        | "as_pattern_target"
        | "parenthesized_expression" => {
            let mut cursor = node.walk();
            for c in node.named_children(&mut cursor) {
                target_names(src, c, out);
            }
        }
        _ => {}
    }
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

/// The names a scope binds locally: a function's parameters and body bindings, a class body's
/// bindings, a comprehension's loop targets.
fn scope_locals(src: &SourceFile, scope: Node<'_>) -> HashSet<String> {
    let mut out = HashSet::new();
    if let Some(params) = scope.child_by_field_name("parameters") {
        let mut cursor = params.walk();
        for p in params.named_children(&mut cursor) {
            let name = match p.kind() {
                "identifier" => Some(p),
                "default_parameter" | "typed_default_parameter" => p.child_by_field_name("name"),
                "typed_parameter" | "list_splat_pattern" | "dictionary_splat_pattern" => p.named_child(0),
                _ => None,
            };
            if let Some(n) = name.filter(|n| n.kind() == "identifier") {
                out.insert(src.node_text(n).to_owned());
            }
        }
    }
    match scope.kind() {
        "function_definition" | "class_definition" => {
            // `global tf` makes later assignments rebind the module name, which counts as shadowing too.
            if let Some(body) = scope.child_by_field_name("body") {
                bound_names(src, body, &mut out);
            }
        }
        "lambda" => {}
        _ => {
            let mut cursor = scope.walk();
            for clause in scope.named_children(&mut cursor).filter(|c| c.kind() == "for_in_clause") {
                if let Some(left) = clause.child_by_field_name("left") {
                    target_names(src, left, &mut out);
                }
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
            self.resolve_in(src, node, &enclosing_functions(node))
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
        let imports = Imports::new(&f);
        let mut out = Vec::new();
        let mut stack = vec![f.tree.root_node()];
        let mut nodes = Vec::new();
        while let Some(n) = stack.pop() {
            if matches!(n.kind(), "import_statement" | "import_from_statement") {
                continue;
            }
            if matches!(n.kind(), "attribute" | "identifier") && is_maximal_dotted(n) && dotted_parts(n).is_some() {
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
