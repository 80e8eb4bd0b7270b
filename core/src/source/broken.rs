//! What tree-sitter-python accepts and `CPython` rejects, and where the tree has syntax errors:
//! the parts of a file no rewrite may touch ([`Broken`]).

use std::ops::Range;

use tree_sitter::{Node, Tree};

use super::nodes::Nodes;
use super::{Broken, KindSet};

/// Python 2 constructs and syntax errors in `tree` (whose nodes are `nodes`), in source order.
pub(super) fn find(tree: &Tree, nodes: &Nodes<'_>, text: &str) -> Vec<Broken> {
    let mut out = walk_all(nodes, text);
    let root = tree.root_node();
    let mut cursor = root.walk();
    if root.has_error() {
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            if node.is_error() || node.is_missing() {
                out.push(Broken::Syntax { range: node.byte_range(), region: top_level_region(node) });
                continue;
            }
            stack.extend(node.children(&mut cursor).filter(Node::has_error));
        }
    }
    out.sort_by_key(|b| match b {
        Broken::Python2 { range, .. } | Broken::Syntax { range, .. } | Broken::TooDeep { range } => range.start,
    });
    out
}

/// Whether a `try` statement has an `except`, `except*` or `finally` clause.
fn has_handler(node: Node<'_>) -> bool {
    let mut cursor = node.walk();
    node.children(&mut cursor).any(|c| matches!(c.kind(), "except_clause" | "except_group_clause" | "finally_clause"))
}

/// The first argument of a call (node `list` of `nodes`, an argument list) that `CPython` refuses to
/// compile although tree-sitter parses it: a keyword given twice, a positional argument after a
/// keyword argument or `**`, `*x` after `**`.
fn bad_argument<'t>(nodes: &Nodes<'t>, list: usize, text: &str) -> Option<Node<'t>> {
    let k = walk_kinds();
    let mut keywords: Vec<&str> = Vec::new();
    let (mut seen_keyword, mut seen_double_star) = (false, false);
    for i in nodes.named_children(list) {
        let arg = nodes.get(i);
        if arg.node.is_extra() {
            continue;
        }
        match arg.kind {
            id if id == k.keyword_argument => {
                // The name comes first.
                let name = nodes.children(i).next().map_or("", |c| &text[nodes.get(c).node.byte_range()]);
                if keywords.contains(&name) {
                    return Some(arg.node);
                }
                keywords.push(name);
                seen_keyword = true;
            }
            id if id == k.dictionary_splat => seen_double_star = true,
            id if id == k.list_splat && seen_double_star => return Some(arg.node),
            id if id == k.list_splat => {}
            // A bare generator argument (`f(x for x in y)`) takes no other argument anyway.
            _ if seen_keyword || seen_double_star => return Some(arg.node),
            _ => {}
        }
    }
    None
}

/// Whether the text may hold a Python 2 integer literal (`0777`, `10L`): conservative.
fn has_python2_number(text: &str) -> bool {
    let b = text.as_bytes();
    (0..b.len()).any(|i| {
        let starts_number = b[i].is_ascii_digit()
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_' || b[i - 1] == b'.'));
        if !starts_number {
            return false;
        }
        let end = (i..b.len()).find(|&j| !b[j].is_ascii_digit()).unwrap_or(b.len());
        let octal = b[i] == b'0' && end - i > 1;
        let long = end < b.len()
            && matches!(b[end], b'l' | b'L')
            && !b.get(end + 1).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_');
        octal || long
    })
}

/// The node kinds the walk over every node looks at, by id.
struct WalkKinds {
    argument_list: u16,
    block: u16,
    module: u16,
    comment: u16,
    try_statement: u16,
    keyword_argument: u16,
    list_splat: u16,
    dictionary_splat: u16,
    tuple_pattern: u16,
    identifier: u16,
    /// Kinds that may be Python 2 statements or clauses (`print`, `exec`, `raise E, m`, tuple
    /// parameters, `except X, e`).
    python2_statements: KindSet,
    /// Kinds that may be Python 2 expressions (`<>`, `0777`, `10L`, backticks).
    python2_expressions: KindSet,
}

fn walk_kinds() -> &'static WalkKinds {
    static KINDS: std::sync::OnceLock<WalkKinds> = std::sync::OnceLock::new();
    KINDS.get_or_init(|| {
        let id = super::kind_id;
        WalkKinds {
            argument_list: id("argument_list"),
            block: id("block"),
            module: id("module"),
            comment: id("comment"),
            try_statement: id("try_statement"),
            keyword_argument: id("keyword_argument"),
            list_splat: id("list_splat"),
            dictionary_splat: id("dictionary_splat"),
            tuple_pattern: id("tuple_pattern"),
            identifier: id("identifier"),
            python2_statements: KindSet::new(|k| {
                matches!(
                    k,
                    "print_statement"
                        | "exec_statement"
                        | "raise_statement"
                        | "parameters"
                        | "lambda_parameters"
                        | "except_clause"
                )
            }),
            python2_expressions: KindSet::new(|k| matches!(k, "<>" | "integer" | "string")),
        }
    })
}

/// One pass over every node (kinds compared by id, children from the flat list): what tree-sitter
/// accepts and `CPython` rejects: Python 2 forms (expression-level ones only where a cheap text
/// scan says they may be), `async` and `await` as names, empty blocks, a `try` without handlers,
/// bad indentation, and bad calls ([`bad_argument`]).
fn walk_all(nodes: &Nodes<'_>, text: &str) -> Vec<Broken> {
    let kinds = walk_kinds();
    let expressions = text.contains("<>") || text.contains('`') || has_python2_number(text);
    let mut out = Vec::new();
    for (i, item) in nodes.iter().enumerate() {
        let (node, id) = (item.node, item.kind);
        if id == kinds.argument_list {
            if let Some(bad) = bad_argument(nodes, i, text) {
                out.push(Broken::Syntax { range: bad.byte_range(), region: top_level_region(bad) });
            }
        } else if kinds.python2_statements.contains(id)
            || (expressions && (kinds.python2_expressions.contains(id) || node.is_error()))
        {
            if let Some(what) = python2_construct(nodes, i, text) {
                out.push(Broken::Python2 { range: node.byte_range(), what });
            }
        } else if id == kinds.identifier && matches!(&text[node.byte_range()], "async" | "await") {
            // Names until Python 3.6 (`f(async=True)`), keywords since 3.7; tree-sitter-python
            // takes them as names.
            out.push(Broken::Syntax { range: node.byte_range(), region: top_level_region(node) });
        } else if id == kinds.try_statement && !has_handler(node) {
            // `try:` with neither `except` nor `finally` (a notebook cell cut after its body):
            // CPython rejects it, tree-sitter-python accepts it.
            out.push(Broken::Syntax { range: node.byte_range(), region: top_level_region(node) });
        } else if id == kinds.block || id == kinds.module {
            if id == kinds.block && nodes.end(i) == i + 1 {
                // A block with no statement: a file cut off after `with x:` (CPython: "expected
                // an indented block"); tree-sitter-python accepts it.
                out.push(Broken::Syntax { range: node.byte_range(), region: top_level_region(node) });
            }
            if let Some(bad) = indentation_error(nodes, i, text) {
                out.push(Broken::Syntax { range: bad.byte_range(), region: top_level_region(bad) });
            }
        }
    }
    out
}

/// The whitespace before `node` on its line, if only whitespace precedes it there.
fn leading_indent<'s>(node: Node<'_>, text: &'s str) -> Option<&'s str> {
    let start = node.start_byte();
    let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let indent = &text[line_start..start];
    indent.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\x0c')).then_some(indent)
}

/// Indentation the Python parser rejects and tree-sitter-python accepts, among the statements of
/// node `parent` of `nodes`, a module or a block: an indented statement in a module ("unexpected
/// indent"), or statements of a block indented with different whitespace ("inconsistent use of
/// tabs and spaces", or an unindent matching no outer level).
fn indentation_error<'t>(nodes: &Nodes<'t>, parent: usize, text: &str) -> Option<Node<'t>> {
    let k = walk_kinds();
    let module = nodes.get(parent).kind == k.module;
    let mut first = None;
    for i in nodes.named_children(parent) {
        let child = nodes.get(i);
        if child.kind == k.comment {
            continue;
        }
        let Some(indent) = leading_indent(child.node, text) else {
            continue;
        };
        if module && !indent.is_empty() {
            return Some(child.node);
        }
        match first {
            None => first = Some(indent),
            Some(f) if f != indent => return Some(child.node),
            Some(_) => {}
        }
    }
    None
}

/// tree-sitter-python accepts several Python 2 forms without an error node (node `i` of `nodes`).
fn python2_construct(nodes: &Nodes<'_>, i: usize, text: &str) -> Option<&'static str> {
    let node = nodes.get(i).node;
    match node.kind() {
        "print_statement" => Some("print statement"),
        "exec_statement" => Some("exec statement"),
        "raise_statement" if node.named_child(0).is_some_and(|c| c.kind() == "expression_list") => {
            Some("`raise E, message` statement")
        }
        "parameters" | "lambda_parameters" => {
            let tuple = nodes.named_children(i).any(|p| nodes.get(p).kind == walk_kinds().tuple_pattern);
            tuple.then_some("tuple parameter")
        }
        "<>" => Some("`<>` operator"),
        "except_clause" => {
            // `except X, e:` parses as an except clause whose value is a tuple/expression list.
            let mut cursor = node.walk();
            let has_comma = node.children(&mut cursor).take_while(|c| c.kind() != ":").any(|c| c.kind() == ",");
            has_comma.then_some("`except X, e` clause")
        }
        "integer" => {
            let t = &text[node.byte_range()];
            let long = t.ends_with(['l', 'L']);
            let octal = t.len() > 1
                && t.starts_with('0')
                && t.bytes().all(|b| b.is_ascii_digit())
                && t.bytes().any(|b| b != b'0');
            (long || octal).then_some(if long { "long integer literal" } else { "old octal literal" })
        }
        // tree-sitter-python reads a Python 2 backtick repr as a string delimited by backticks.
        "string" | "ERROR" if text[node.byte_range()].starts_with('`') => Some("backtick repr"),
        _ => None,
    }
}

/// The byte range of the top-level statement that holds `node` (the region left alone).
fn top_level_region(node: Node<'_>) -> Range<usize> {
    let mut current = node;
    while let Some(parent) = current.parent() {
        if parent.parent().is_none() {
            return current.byte_range();
        }
        current = parent;
    }
    current.byte_range()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Encoding, SourceFile};

    fn broken(src: &str) -> Vec<Broken> {
        SourceFile::new("t.py".into(), src.into(), Encoding::Utf8 { bom: false }).broken().to_vec()
    }

    #[test]
    fn python2_forms_are_detected() {
        for src in [
            "print 'hi'\n",
            "exec 'x=1'\n",
            "try:\n    pass\nexcept ValueError, e:\n    pass\n",
            "if a <> b:\n    pass\n",
            "x = 0777\n",
            "x = 10L\n",
            "x = `y`\n",
            "raise ValueError, 'bad'\n",
            "def f((a, b)):\n    return a\n",
        ] {
            let b = broken(src);
            assert!(b.iter().any(|b| matches!(b, Broken::Python2 { .. })), "{src:?}: {b:?}");
        }
    }

    #[test]
    fn python3_is_clean() {
        let src = "import tensorflow as tf\nprint('hi')\ntry:\n    x = 0o777 + 0 + 10\nexcept (ValueError, KeyError) as e:\n    pass\n";
        assert_eq!(broken(src), vec![]);
    }

    #[test]
    fn indentation_errors_tree_sitter_accepts() {
        for src in ["y = 1\n    z = 2\n", "with a as b:\n", "if x:\n        y = 1\n\tz = 2\n", "try:\n    x = 1\n"] {
            let b = broken(src);
            assert!(b.iter().any(|b| matches!(b, Broken::Syntax { .. })), "{src:?}: {b:?}");
        }
        assert_eq!(broken("if x:\n\ty = 1\n\tz = 2\nw = 3; v = 4\n  # c\n"), vec![]);
    }

    #[test]
    fn async_and_await_as_names_are_syntax_errors() {
        for src in ["opt = Kfac(lr=1, async=1)\n", "async = True\n", "x.async\n", "def f():\n    return await\n"] {
            let b = broken(src);
            assert!(b.iter().any(|b| matches!(b, Broken::Syntax { .. })), "{src:?}: {b:?}");
        }
        let keywords = "async def f():\n    await g()\n    async with a as b:\n        pass\n    async for x in y:\n        pass\n";
        assert_eq!(broken(keywords), vec![]);
        assert_eq!(broken("asynchronous = awaited = 1\nmatch = type = print = 2\n"), vec![]);
    }

    #[test]
    fn syntax_error_region_is_the_statement() {
        let src = "a = 1\ndef f(:\n    pass\nb = 2\n";
        let b = broken(src);
        assert!(matches!(b.first(), Some(Broken::Syntax { .. })), "{b:?}");
    }
}
