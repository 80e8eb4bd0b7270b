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
                out.push(syntax_error(node));
                continue;
            }
            stack.extend(node.children(&mut cursor).filter(Node::has_error));
        }
    }
    if !out.iter().any(|b| matches!(b, Broken::Syntax { .. }))
        && let Some(node) = line_breaks(nodes, text)
    {
        out.push(syntax_error(node));
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
    string: u16,
    semicolon: KindSet,
    comma: KindSet,
    as_pattern: u16,
    with_item: u16,
    assignment: u16,
    type_field: u16,
    /// What an annotation may follow: one name, attribute or subscript, maybe in parentheses.
    annotatable: KindSet,
    parenthesized_expression: u16,
    /// Where `x as y` may stand: a `with` item, an `except` clause, a `case` pattern.
    as_parents: KindSet,
    /// Nodes that begin a line of their own (a statement begins one too): decorators, definitions
    /// after their decorators, and the clauses of compound statements.
    line_starts: KindSet,
    opening: KindSet,
    closing: KindSet,
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
            string: id("string"),
            semicolon: KindSet::new(|k| k == ";"),
            comma: KindSet::new(|k| k == ","),
            as_pattern: id("as_pattern"),
            with_item: id("with_item"),
            assignment: id("assignment"),
            type_field: super::field_id("type"),
            annotatable: KindSet::new(|k| {
                matches!(k, "identifier" | "attribute" | "subscript" | "parenthesized_expression")
            }),
            parenthesized_expression: id("parenthesized_expression"),
            as_parents: KindSet::new(|k| {
                matches!(k, "with_item" | "except_clause" | "except_group_clause") || k.ends_with("_pattern")
            }),
            line_starts: KindSet::new(|k| {
                matches!(
                    k,
                    "decorator"
                        | "function_definition"
                        | "class_definition"
                        | "else_clause"
                        | "elif_clause"
                        | "except_clause"
                        | "except_group_clause"
                        | "finally_clause"
                        | "case_clause"
                )
            }),
            opening: KindSet::new(|k| matches!(k, "(" | "[" | "{")),
            closing: KindSet::new(|k| matches!(k, ")" | "]" | "}")),
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
    let reserved = memchr::memmem::find(text.as_bytes(), b"async").is_some()
        || memchr::memmem::find(text.as_bytes(), b"await").is_some();
    let mut out = Vec::new();
    for (i, item) in nodes.iter().enumerate() {
        let (node, id) = (item.node, item.kind);
        if id == kinds.argument_list {
            if let Some(bad) = bad_argument(nodes, i, text) {
                out.push(syntax_error(bad));
            }
        } else if kinds.python2_statements.contains(id)
            || (expressions && (kinds.python2_expressions.contains(id) || node.is_error()))
        {
            if let Some(what) = python2_construct(nodes, i, text) {
                out.push(Broken::Python2 { range: node.byte_range(), what });
            }
        } else if reserved && id == kinds.identifier && matches!(&text[node.byte_range()], "async" | "await") {
            // Names until Python 3.6 (`f(async=True)`), keywords since 3.7; tree-sitter-python
            // takes them as names.
            out.push(syntax_error(node));
        } else if id == kinds.as_pattern && !as_allowed(nodes, i) {
            // `x as y` where CPython takes no `as`: tree-sitter-python reads it as an expression.
            out.push(syntax_error(node));
        } else if id == kinds.assignment
            && nodes.field(i, kinds.type_field).is_some()
            && nodes.children(i).next().is_some_and(|left| !annotatable(nodes, left))
        {
            // `a, b: int = f()`: only one target can be annotated.
            out.push(syntax_error(node));
        } else if id == kinds.string && bad_escape(&text[node.byte_range()]) {
            // `"\u12"`: CPython's tokenizer refuses it ("truncated \uXXXX escape").
            out.push(syntax_error(node));
        } else if id == kinds.try_statement && !has_handler(node) {
            // `try:` with neither `except` nor `finally` (a notebook cell cut after its body):
            // CPython rejects it, tree-sitter-python accepts it.
            out.push(syntax_error(node));
        } else if id == kinds.block || id == kinds.module {
            if id == kinds.block && nodes.end(i) == i + 1 {
                // A block with no statement: a file cut off after `with x:` (CPython: "expected
                // an indented block"); tree-sitter-python accepts it.
                out.push(syntax_error(node));
            }
            if let Some(bad) = indentation_error(nodes, i, text) {
                out.push(syntax_error(bad));
            }
        }
        if kinds.line_starts.contains(id) && misaligned(nodes, i, text) {
            out.push(syntax_error(node));
        }
    }
    out
}

/// Whether a string literal (its whole text, prefix and quotes included) has an escape `CPython`
/// refuses: `\x` without 2 hex digits; in text strings also `\u` without 4, `\U` without 8, and
/// `\N` without `{name}`. Raw strings have no escapes.
fn bad_escape(literal: &str) -> bool {
    let quote = literal.find(['"', '\'']).unwrap_or(0);
    let prefix = literal[..quote].to_ascii_lowercase();
    if prefix.contains('r') {
        return false;
    }
    let bytes = prefix.contains('b');
    let s = literal.as_bytes();
    let hex = |from: usize, n: usize| s.get(from..from + n).is_some_and(|d| d.iter().all(u8::is_ascii_hexdigit));
    let mut at = quote;
    while let Some(k) = memchr::memchr(b'\\', &s[at..]) {
        let j = at + k;
        let ok = match s.get(j + 1) {
            Some(b'x') => hex(j + 2, 2),
            Some(b'u') if !bytes => hex(j + 2, 4),
            Some(b'U') if !bytes => hex(j + 2, 8),
            Some(b'N') if !bytes => s.get(j + 2) == Some(&b'{') && s[j + 2..].contains(&b'}'),
            _ => true,
        };
        if !ok {
            return true;
        }
        at = j + 2;
    }
    false
}

/// Whether node `i` of `nodes` may be annotated (`x: int`): one name, attribute or subscript, in
/// parentheses or not (tree-sitter-python reads `(x)` there as a tuple pattern without a comma).
fn annotatable(nodes: &Nodes<'_>, i: usize) -> bool {
    let k = walk_kinds();
    let kind = nodes.get(i).kind;
    if k.annotatable.contains(kind) {
        return true;
    }
    let mut named = nodes.named_children(i);
    let comma = nodes.children(i).any(|c| k.comma.contains(nodes.get(c).kind));
    match (kind == k.tuple_pattern && !comma, named.next(), named.next()) {
        (true, Some(only), None) => annotatable(nodes, only),
        _ => false,
    }
}

/// Whether node `i` of `nodes`, a clause (`else:`, `except:`...), a decorator or a decorated
/// definition, begins a line indented otherwise than the statement it belongs to ("unexpected
/// indent" or "unindent does not match"). Statements of blocks are [`indentation_error`]'s.
fn misaligned(nodes: &Nodes<'_>, i: usize, text: &str) -> bool {
    let Some(parent) = nodes.parent(i).filter(|&p| !is_list(nodes.get(p).kind)) else { return false };
    match (leading_indent(nodes.get(i).node, text), leading_indent(nodes.get(parent).node, text)) {
        (Some(own), Some(statement)) => own != statement,
        _ => false,
    }
}

/// Whether `x as y` (node `i` of `nodes`) stands where Python takes it: directly in a `with` item,
/// an `except` clause or a `case` pattern, or in parentheses as the only item of a `with`.
fn as_allowed(nodes: &Nodes<'_>, i: usize) -> bool {
    let k = walk_kinds();
    let Some(parent) = nodes.parent(i) else { return false };
    let parent_kind = nodes.get(parent).kind;
    if k.as_parents.contains(parent_kind) {
        return true;
    }
    let item = nodes.parent(parent).filter(|&p| nodes.get(p).kind == k.with_item);
    let clause = item.and_then(|p| nodes.parent(p));
    parent_kind == k.parenthesized_expression
        && clause.is_some_and(|c| nodes.named_children(c).filter(|&x| nodes.get(x).kind == k.with_item).count() == 1)
}

/// Line ends that end a statement for `CPython`'s tokenizer and that tree-sitter-python skips as
/// blanks where its grammar expects no end of statement: a statement that goes on past the end
/// of a line outside brackets and without a backslash (`x = a +` then `b`; `Args:` then an
/// indented `x: y`, read as an annotation), and two statements on one line with no `;` between
/// them (tree-sitter-python then puts an invisible missing line end between them). Only for a
/// tree without other syntax errors.
fn line_breaks<'t>(nodes: &Nodes<'t>, text: &str) -> Option<Node<'t>> {
    let k = walk_kinds();
    let bytes = text.as_bytes();
    // The open statement lists (the module, blocks): where each ends, and whether it has had a
    // statement yet.
    let mut lists: Vec<(usize, bool)> = Vec::new();
    let mut depth = 0usize;
    // Where the last leaf ended, and whether it was a `;`, a comment.
    let mut last: Option<(usize, bool, bool)> = None;
    // The next leaf begins a statement, a clause or a decorator; `follows`: a statement that
    // comes after another one of the same block.
    let (mut starts, mut follows) = (false, false);
    let mut i = 0;
    while i < nodes.len() {
        while lists.last().is_some_and(|&(end, _)| end <= i) {
            lists.pop();
        }
        let item = nodes.get(i);
        let (node, id) = (item.node, item.kind);
        let in_list = nodes.parent(i).is_some_and(|p| is_list(nodes.get(p).kind));
        if in_list && id != k.comment && node.is_named() && !node.is_extra() {
            if let Some((_, seen)) = lists.last_mut() {
                follows = *seen;
                *seen = true;
            }
            starts = true;
        } else if k.line_starts.contains(id) {
            starts = true;
        }
        let range = node.byte_range();
        // A node on one line has no line end inside: the walk steps over it as over a leaf (its
        // brackets pair up inside it). Statement lists are looked into: two statements may share
        // a line.
        let leaf = nodes.end(i) == i + 1
            || id == k.string
            || (!is_list(id) && memchr::memchr2(b'\n', b'\r', &bytes[range.clone()]).is_none());
        if is_list(id) {
            lists.push((nodes.end(i), false));
        }
        if !leaf {
            i += 1;
            continue;
        }
        if let Some((end, semicolon, comment)) = last {
            let line_ends = ends_line(bytes, end..range.start, comment);
            if (follows && !line_ends && !semicolon) || (line_ends && depth == 0 && !starts && id != k.comment) {
                return Some(node);
            }
        }
        if k.opening.contains(id) {
            depth += 1;
        } else if k.closing.contains(id) {
            depth = depth.saturating_sub(1);
        }
        last = Some((range.end, k.semicolon.contains(id), id == k.comment));
        (starts, follows) = (false, false);
        i = nodes.end(i);
    }
    None
}

/// Whether the blanks at `gap` of `bytes` end a line: hold a line end that no backslash escapes
/// (tree-sitter-python does not always make a node of `\` and the line end after it). A comment
/// that ends in `\` escapes nothing.
fn ends_line(bytes: &[u8], gap: Range<usize>, after_comment: bool) -> bool {
    let escaped = |j: usize| j > 0 && bytes[j - 1] == b'\\' && !(after_comment && j == gap.start);
    memchr::memchr2_iter(b'\n', b'\r', &bytes[gap.clone()]).map(|at| gap.start + at).any(|j| {
        // The `\n` of `\r\n` was looked at with its `\r`, when the gap has it: a comment takes
        // the `\r` of its line end into its text (`# c\r`), and the gap after it is then `\n`.
        let crlf = bytes[j] == b'\n' && j > gap.start && bytes[j - 1] == b'\r';
        !crlf && !escaped(j)
    })
}

/// Whether nodes of kind `kind` hold statements: the module and blocks.
fn is_list(kind: u16) -> bool {
    let k = walk_kinds();
    kind == k.module || kind == k.block
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

/// A syntax error at `node`: the top-level statement that holds it is left alone.
fn syntax_error(node: Node<'_>) -> Broken {
    Broken::Syntax { range: node.byte_range(), region: top_level_region(node) }
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
        let bad = ["opt = Kfac(lr=1, async=1)\n", "async = True\n", "x.async\n", "def f():\n    return await\n"];
        let good = [
            "async def f():\n    await g()\n    async with a as b:\n        pass\n    async for x in y:\n        pass\n",
            "asynchronous = awaited = 1\nmatch = type = print = 2\n",
        ];
        classify(&bad, &good);
    }

    /// Each `bad` is rejected by `CPython` (3.11's `ast.parse`) and each `good` accepted.
    fn classify(bad: &[&str], good: &[&str]) {
        for src in bad {
            let b = broken(src);
            assert!(b.iter().any(|b| matches!(b, Broken::Syntax { .. })), "{src:?}: {b:?}");
        }
        for src in good {
            assert_eq!(broken(src), vec![], "{src:?}");
        }
    }

    #[test]
    fn line_ends_tree_sitter_skips_are_syntax_errors() {
        let bad = [
            "x = 1 +\n  2\n",
            "class A:\n    def f(self):\n        self.c = c\n\n        Args:\n          x: y\n",
            "def f():\n    x = 1\n    g(x)            y = 2\n    return y\n",
            "x = \"a\"\n  \"b\"\n",
            "# Backslash in a comment continues nothing :\\\nx = 1 +\n 2\n",
            "# c\r\nx = 1 +\r\n 2\r\n",
            "x = 1  # c\r\ny = 2 z = 3\r\n",
        ];
        let good = [
            "x = 1 + \\\n  2\n",
            "x = 1 + \\\r\n  2\r\n",
            // CRLF line ends after comments (Windows-written files): the comment's text ends in
            // `\r`, the blank after it is the `\n`.
            "x = 1\r\n# c\r\ny = 2\r\n",
            "x = 1  # c\r\ny = 2\r\n",
            "if x:\r\n    y = 1\r\n\r\n# c\r\nz = 2\r\n",
            "def f(\r\n    a,  # c\r\n    b):\r\n    pass  # d\r\n# e\r\nf(1,\r\n  2)\r\n",
            "x = 1  # c \\\r\ny = 2\r\n",
            "assert a, \\\n    \"m\"\n",
            "a = 1; b = 2\nif a: b = 3; c = 4\n",
            "@d\n# c\ndef f(\n    a,  # c\n    b):\n    pass\n",
            "try:\n    pass\nexcept E:\n    pass\nelse:\n    pass\nfinally:\n    pass\n",
            "match x:\n    case 1:\n        pass\n    case _:\n        pass\n",
            "x = 1  # c :\\\ny = 2\n",
            "s = '''a\nb'''\nt = [\n  1,\n]\n",
            "if x:\n    pass\n\n\n# c\nelif y:\n    pass\n",
            "class A:  # c\n    '''d'''\n    x: int\n",
        ];
        classify(&bad, &good);
    }

    #[test]
    fn as_outside_with_except_and_case_is_a_syntax_error() {
        let bad = [
            "importtensorflow as tf\n",
            "x = (a as b)\n",
            "with a as b, (c as d):\n    pass\n",
            "with ((a as b)):\n    pass\n",
        ];
        let good = [
            "with a as b, c as d:\n    pass\n",
            "with (a as b):\n    pass\n",
            "with (a as b, c as d):\n    pass\n",
            "try:\n    pass\nexcept E as e:\n    pass\n",
            "match x:\n    case [a as b] | (c as d):\n        pass\n",
        ];
        classify(&bad, &good);
    }

    #[test]
    fn misaligned_clauses_and_tuple_annotations_are_syntax_errors() {
        let bad = [
            "class A:\n  @property\n \t def n(self):\n    return 1\n",
            "if x:\n    pass\n  else:\n    pass\n",
            "a, b: int = f()\n",
            "[a]: int\n",
            "(a, b): int\n",
        ];
        let good = [
            "class A:\n  @property\n  # c\n  def n(self):\n    return 1\n",
            "try:\n    pass\nexcept E:\n    pass\nelse:\n    pass\n",
            "if x: a = 1\nelif y: a = 2\nelse: a = 3\n",
            "(x): int = 1\nx.y: int\nx[0]: int = 2\n((y)): int\n",
        ];
        classify(&bad, &good);
    }

    #[test]
    fn escapes_cpython_refuses_are_syntax_errors() {
        let bad = ["s = '\\u12'\n", "s = \"\\x4\"\n", "s = b'\\xg0'\n", "s = '\\U0001F60'\n", "s = '\\N'\n"];
        let good = [
            "s = '\\u1234 \\x41 \\U0001F600 \\N{BULLET} \\\\u \\d'\n",
            "s = r'\\u12' + R'\\x'\n",
            "s = b'\\u12 \\U1'\n",
            "s = rb'\\x' + Br'\\x'\n",
        ];
        classify(&bad, &good);
    }

    #[test]
    fn syntax_error_region_is_the_statement() {
        let src = "a = 1\ndef f(:\n    pass\nb = 2\n";
        let b = broken(src);
        assert!(matches!(b.first(), Some(Broken::Syntax { .. })), "{b:?}");
    }
}
