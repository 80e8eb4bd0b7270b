//! Standard-library names that Python 3.7–3.13 removed (`collections.Mapping`,
//! `inspect.getargspec`, `time.clock`, `imp`, `unittest.TestCase.assertEquals`…): TensorFlow 2.21
//! runs on Python 3.10–3.13, so TF1-era code stops at them after the TensorFlow part is migrated.
//! Found through the file's imports like every other name; the table (generated from real
//! interpreters by `tools/gen_stdlib.py`) says what replaces each name, which module to import
//! for it, and whether that is the same object (`safe`) or not (`review`).

use std::collections::BTreeMap;
use std::ops::Range;

use tree_sitter::Node;

use crate::fix::{Edit, Finding, Fix, Severity};
use crate::resolve::ImportStmt;
use crate::rules::Rule;
use crate::rules::call::Call;
use crate::rules::context::{ContribImport, Ctx, under};
use crate::rules::table::{StdlibEntry, Tables, tables};
use crate::source;

/// The test-case classes user tests subclass, by qualified name, with the name the table's
/// `kept` column gives them (the generator's `TEST_BASES`). `unittest.TestCase` keeps nothing.
const TEST_BASES: &[(&str, &str)] = &[
    ("unittest.TestCase", "unittest.TestCase"),
    ("unittest.case.TestCase", "unittest.TestCase"),
    ("tensorflow.test.TestCase", "tensorflow.test.TestCase"),
    ("tensorflow.compat.v1.test.TestCase", "tensorflow.compat.v1.test.TestCase"),
    ("tensorflow.python.platform.test.TestCase", "tensorflow.test.TestCase"),
    (
        "tensorflow.python.framework.test_util.TensorFlowTestCase",
        "tensorflow.python.framework.test_util.TensorFlowTestCase",
    ),
    ("absl.testing.absltest.TestCase", "absl.testing.absltest.TestCase"),
    ("absl.testing.parameterized.TestCase", "absl.testing.parameterized.TestCase"),
];

/// How far up a chain of classes defined in the file (`class Base(unittest.TestCase)`,
/// `class T(Base)`) the test base is looked for.
const MAX_CLASS_DEPTH: usize = 8;

fn message(key: &str, entry: &StdlibEntry) -> String {
    // A note may say when itself (`removed in Python 3.12 (PEP 632): …`).
    let note = entry.note.strip_prefix("removed ").and_then(|n| n.split_once(": ")).map_or(entry.note, |(_, n)| n);
    match entry.replacement {
        Some(r) => format!("`{key}` is gone from Python {}+: use `{r}` ({note})", entry.removed),
        None => format!("`{key}` is gone from Python {}+: {note}", entry.removed),
    }
}

/// How to write `target` (importable through `module`) here: relative to the expression's root
/// when the root is `module` or a package above it, else through an alias of `module` visible
/// here, else through a new `import module` (its finding goes into `requires`). `None` when no
/// name can be used.
fn spell(
    ctx: &mut Ctx<'_>,
    target: &str,
    module: &str,
    (root_local, root_c): (&str, &str),
    requires: &mut Vec<usize>,
) -> Option<String> {
    let why = format!("import {module}, needed by a rewrite of a removed standard-library name");
    if let Some(rest) = under(target, root_c).filter(|_| under(module, root_c).is_some()) {
        // `collections.Mapping` → `collections.abc.Mapping`: the root reaches the submodule once
        // `import collections.abc` has run.
        if module != root_c && !imports_plainly(ctx, module) {
            requires.extend(new_import(ctx, module, &why)?.1);
        }
        return Some(format!("{root_local}{rest}"));
    }
    if let Some(alias) = ctx.alias_here(module) {
        return Some(format!("{alias}{}", under(target, module)?));
    }
    if module.contains('.') && imports_plainly(ctx, module) {
        let top = module.split('.').next().unwrap_or_default();
        if ctx.alias_here(top) == Some(top) {
            return Some(target.to_owned());
        }
    }
    let (name, import) = new_import(ctx, module, &why)?;
    requires.extend(import);
    Some(format!("{name}{}", under(target, module)?))
}

/// A new `import module` line (shared by every rewrite that needs it): the name it binds and its
/// finding. A dotted module binds its top package, which must be free or already that package.
fn new_import(ctx: &mut Ctx<'_>, module: &str, why: &str) -> Option<(String, Option<usize>)> {
    if let Some((top, _)) = module.split_once('.')
        && !(ctx.imports.aliases_of(top).any(|a| a == top) && ctx.imports.visible(ctx.src, ctx.nodes, top, &[])
            || ctx.is_fresh(top))
    {
        return None;
    }
    let m = ctx.module_name(module, &[module], true, Rule::PythonStdlib, why, None)?;
    Some((m.name, m.import))
}

/// Whether a module-level `import module` (no alias) is in the file.
fn imports_plainly(ctx: &Ctx<'_>, module: &str) -> bool {
    ctx.imports
        .statements
        .iter()
        .any(|s| s.from.is_none() && !s.in_function && s.names.iter().any(|n| n.name == module && n.alias.is_none()))
}

/// A dotted expression whose root an import binds (`collections.Mapping`, `os.errno.EEXIST`,
/// `imp.reload(m)`).
pub(crate) fn check_dotted(
    ctx: &mut Ctx<'_>,
    name: &str,
    root: (&str, &str),
    at: usize,
    prefix_range: impl Fn(&str) -> Option<Range<usize>>,
) {
    let Some((key, entry)) = Tables::longest_prefix(&tables().stdlib, name) else { return };
    let Some(range) = prefix_range(key) else {
        // A use of a removed module as a whole (`imp.load_source`): its import has to stay.
        ctx.record_use(root.0, name, at, None);
        return;
    };
    let mut f = Finding::new(Rule::PythonStdlib, Severity::Error, range.clone(), message(key, entry));
    let mut rewritten = false;
    if let (Some(target), Some(module)) = (entry.replacement, entry.import) {
        let mut requires = Vec::new();
        match spell(ctx, target, module, root, &mut requires) {
            Some(spelled) => {
                f.fixes.push(Fix::safe_if(entry.safe, vec![Edit::replacement(range, spelled)]));
                f.requires = requires;
                rewritten = true;
            }
            None => f.message.push_str(" (the names it needs are taken here: write it by hand)"),
        }
    }
    let finding = ctx.push(f);
    ctx.record_use(root.0, name, at, rewritten.then_some(finding));
}

/// `import imp`, `import distutils.version`: the module is gone (guidance; its uses get
/// findings of their own where a replacement exists).
pub(crate) fn check_plain_import(ctx: &mut Ctx<'_>, stmt: &ImportStmt, full: &str) {
    let Some((key, entry)) = Tables::longest_prefix(&tables().stdlib, full) else { return };
    if entry.replacement.is_some() || in_fallback(ctx, stmt) {
        return;
    }
    let finding = Finding::new(Rule::PythonStdlib, Severity::Error, stmt.range.clone(), message(key, entry));
    let finding = ctx.push(finding);
    if let [name] = stmt.names.as_slice() {
        // It goes when every use is rewritten (`imp.reload` → `importlib.reload`).
        let names = vec![name.local(false)];
        ctx.contrib_imports.push(ContribImport { finding, range: stmt.range.clone(), names });
    }
}

/// `from collections import Mapping, OrderedDict` → `from collections import OrderedDict` and
/// `from collections.abc import Mapping`; `from time import clock` → `from time import
/// perf_counter as clock`; `from imp import reload` → `from importlib import reload`.
pub(crate) fn check_import(ctx: &mut Ctx<'_>, stmt: &ImportStmt, module: &str) {
    let table = &tables().stdlib;
    // The module, or one of the names imported from it, has a row (hash look-ups).
    let listed = Tables::longest_prefix(table, module).is_some()
        || stmt.names.iter().any(|n| table.contains_key(format!("{module}.{}", n.name).as_str()));
    if stmt.wildcard || module.starts_with('.') || !listed || in_fallback(ctx, stmt) {
        return;
    }
    if let Some((key, entry)) = Tables::longest_prefix(table, module) {
        // The module itself is gone, unless every imported name has a row of its own.
        let exact = stmt.names.iter().all(|n| table.contains_key(format!("{module}.{}", n.name).as_str()));
        if !exact {
            ctx.push(Finding::new(Rule::PythonStdlib, Severity::Error, stmt.range.clone(), message(key, entry)));
            return;
        }
    }
    // The clauses staying in this statement, and the new statements by module.
    let mut staying: Vec<String> = Vec::new();
    let mut moved: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut in_place: Vec<Edit> = Vec::new();
    let mut keys: Vec<(&'static str, &StdlibEntry)> = Vec::new();
    for n in &stmt.names {
        let clause_text = ctx.range_text(n.range.clone()).to_owned();
        let Some((key, entry)) = table.get_key_value(format!("{module}.{}", n.name).as_str()) else {
            staying.push(clause_text);
            continue;
        };
        let Some(target) = entry.replacement else {
            let range = n.range.clone();
            ctx.push(Finding::new(Rule::PythonStdlib, Severity::Error, range, message(key, entry)));
            staying.push(clause_text);
            continue;
        };
        keys.push((key, entry));
        let local = n.local(true);
        let Some((parent, last)) = target.rsplit_once('.') else {
            // A module now (`from os import errno` → `import errno`).
            let statement =
                if local == target { format!("import {target}") } else { format!("import {target} as {local}") };
            moved.entry(statement).or_default();
            continue;
        };
        let clause = if last == local { last.to_owned() } else { format!("{last} as {local}") };
        if parent == module {
            in_place.push(Edit::replacement(n.range.clone(), clause.clone()));
            staying.push(clause);
        } else {
            moved.entry(format!("from {parent} import ")).or_default().push(clause);
        }
    }
    if keys.is_empty() {
        return;
    }
    let safe = keys.iter().all(|(_, e)| e.safe);
    let mut f = Finding::new(Rule::PythonStdlib, Severity::Error, stmt.range.clone(), import_message(&keys));
    let edits = if moved.is_empty() {
        Some(in_place)
    } else {
        let mut lines = Vec::new();
        if !staying.is_empty() {
            lines.push(format!("from {module} import {}", staying.join(", ")));
        }
        lines.extend(moved.into_iter().map(|(head, clauses)| format!("{head}{}", clauses.join(", "))));
        ctx.replace_statement(stmt.range.clone(), &lines).map(|e| vec![e])
    };
    match edits {
        Some(edits) => f.fixes.push(Fix::safe_if(safe, edits)),
        None => f.message.push_str(" (a comment in the way: change the import by hand)"),
    }
    ctx.push(f);
}

/// Whether the import is the fallback of a compatibility import (`try: from collections.abc
/// import Mapping` / `except ImportError: from collections import Mapping`): it runs only where
/// the preferred import failed, so it is left as it is.
fn in_fallback(ctx: &Ctx<'_>, stmt: &ImportStmt) -> bool {
    let root = ctx.src.tree.root_node();
    let mut node = root.descendant_for_byte_range(stmt.range.start, stmt.range.end);
    while let Some(n) = node {
        if n.kind() == "except_clause" {
            return true;
        }
        node = n.parent();
    }
    false
}

fn import_message(keys: &[(&'static str, &StdlibEntry)]) -> String {
    match keys {
        [(key, entry)] => message(key, entry),
        _ => {
            let parts: Vec<String> =
                keys.iter().map(|(k, e)| format!("`{k}` → `{}`", e.replacement.unwrap_or("?"))).collect();
            format!("gone from Python 3.13 at the latest: {}", parts.join(", "))
        }
    }
}

/// `self.assertEquals(...)` in a subclass of `unittest.TestCase` (directly, through TensorFlow's
/// or absl's test cases, or through classes of this file): the alias Python 3.12 removed,
/// unless that test base still defines it itself.
pub(crate) fn check_self_method(ctx: &mut Ctx<'_>, parts: &[Node<'_>]) {
    let [object, method] = parts else { return };
    if ctx.text(*object) != "self" {
        return;
    }
    if check_tf_test_method(ctx, *method) {
        return;
    }
    let key = format!("unittest.TestCase.{}", ctx.text(*method));
    let Some((key, entry)) = tables().stdlib.get_key_value(key.as_str()) else { return };
    let Some(class) = ctx.scopes.iter().rev().find(|s| s.kind() == "class_definition").copied() else { return };
    let Some(base) = test_base(ctx, class, ctx.text(*method), 0) else { return };
    if entry.kept.contains(&base) {
        return;
    }
    let mut f = Finding::new(Rule::PythonStdlib, Severity::Error, method.byte_range(), message(key, entry));
    if let Some(new) = entry.replacement.and_then(|r| r.rsplit('.').next()) {
        f.fixes.push(Fix::safe_if(entry.safe, vec![Edit::replacement(method.byte_range(), new)]));
    }
    ctx.push(f);
}

/// Methods of TensorFlow's test case that behave otherwise under TensorFlow 2: (method, its
/// replacement, why). `test_session` (deprecated since 1.x) yields `None` under eager execution,
/// so `with self.test_session() as sess: sess.run(t)` fails; `cached_session` takes the same
/// arguments and yields a session in graph mode and a stand-in whose `run` evaluates under eager.
const TF_TEST_METHODS: &[(&str, &str, &str)] = &[(
    "test_session",
    "cached_session",
    "yields None under TensorFlow 2's eager execution (`sess.run` fails); `self.cached_session()` takes the same arguments and works in both modes",
)];

/// `self.test_session()` in a subclass of TensorFlow's test case: its TensorFlow 2 replacement.
/// Whether the method was one of [`TF_TEST_METHODS`] of such a class.
fn check_tf_test_method(ctx: &mut Ctx<'_>, method: Node<'_>) -> bool {
    let name = ctx.text(method);
    let Some((old, new, why)) = TF_TEST_METHODS.iter().find(|(m, _, _)| *m == name) else { return false };
    let Some(class) = ctx.scopes.iter().rev().find(|s| s.kind() == "class_definition").copied() else { return false };
    if !test_base(ctx, class, old, 0).is_some_and(|base| base.starts_with("tensorflow.")) {
        return false;
    }
    // Called, and without a graph: `test_session(graph=g)` is `self.session(g)`, a session of
    // that graph also under eager execution (the code builds in `with g.as_default()`), which
    // `cached_session(graph=g)` is not (it refuses a second graph).
    let Some(Call { args, .. }) = method.parent().and_then(|a| a.parent()).and_then(|c| Call::new(c, &ctx.src.text))
    else {
        return true;
    };
    if args.iter().any(|a| crate::rules::call::keyword_name(*a).is_none_or(|k| ctx.text(k) == "graph")) {
        return true;
    }
    let message = format!("`self.{old}()` {why}");
    let edits = vec![Edit::replacement(method.byte_range(), *new)];
    // Other arguments (`config=`): the cached session refuses a later call that differs.
    let fix = if args.is_empty() { Fix::safe(edits) } else { Fix::review(edits) };
    ctx.push(Finding::new(Rule::Tf2Rename, Severity::Error, method.byte_range(), message).with_fix(fix));
    true
}

/// `x.eval()` in a method of a subclass of TensorFlow's test case: a tensor's `eval` needs a
/// session, and under TensorFlow 2's eager execution it raises (`NotImplementedError: eval is not
/// supported when eager execution is enabled`); `self.evaluate(x)` evaluates in both modes (in
/// graph mode in the default session, as `eval` did). For review: the object may be something
/// else with an `eval` method. `eval(feed_dict=…)` and `eval(session=…)` are left alone.
pub(crate) fn check_tf_test_eval(ctx: &mut Ctx<'_>, call: Node<'_>, callee: Node<'_>) {
    // The callee's text first (an attribute ends with its name): every call passes here.
    if !ctx.text(callee).ends_with("eval") {
        return;
    }
    let Some((object, name)) = source::attribute_parts(callee) else { return };
    if ctx.text(name) != "eval" || ctx.text(object) == "self" {
        return;
    }
    let Some(args) = call.child_by_field_name("arguments") else { return };
    if args.named_child_count() > 0 {
        return;
    }
    // In a method (its first parameter `self`) of a class whose base is TensorFlow's test case.
    let Some(at) = ctx.scopes.iter().rposition(|s| s.kind() == "class_definition") else { return };
    let (class, method) = (ctx.scopes[at], ctx.scopes.get(at + 1).copied());
    let first_param = method
        .filter(|m| m.kind() == "function_definition")
        .and_then(|m| m.child_by_field_name("parameters"))
        .and_then(|p| p.named_child(0));
    if first_param.is_none_or(|p| ctx.text(p) != "self") {
        return;
    }
    if !test_base(ctx, class, "evaluate", 0).is_some_and(|base| base.starts_with("tensorflow.")) {
        return;
    }
    let message = "`.eval()` needs a TF1 session: under TensorFlow 2's eager execution it raises; `self.evaluate(…)` works in both modes";
    // `(t * 2).eval()` → `self.evaluate(t * 2)`: the call's brackets are enough.
    let inner = (object.kind() == "parenthesized_expression" && object.named_child_count() == 1)
        .then(|| object.named_child(0))
        .flatten()
        .filter(|e| e.kind() != "comment");
    let edit = Edit::replacement(call.byte_range(), format!("self.evaluate({})", ctx.text(inner.unwrap_or(object))));
    ctx.push(
        Finding::new(Rule::Tf2Rename, Severity::Error, call.byte_range(), message).with_fix(Fix::review(vec![edit])),
    );
}

/// The test base (its `kept` name) that `class` derives from, if the file shows one and no
/// class on the way defines `method` itself.
fn test_base(ctx: &Ctx<'_>, class: Node<'_>, method: &str, depth: usize) -> Option<&'static str> {
    if defines(ctx, class, method) {
        return None;
    }
    let bases = class.child_by_field_name("superclasses")?;
    let mut cursor = bases.walk();
    let named: Vec<Node<'_>> = bases.named_children(&mut cursor).collect();
    for base in named {
        if let Some(q) = ctx.resolve(base) {
            if let Some((_, kept)) = TEST_BASES.iter().find(|(name, _)| *name == q) {
                return Some(kept);
            }
        } else if base.kind() == "identifier" && depth < MAX_CLASS_DEPTH {
            let found = local_class(ctx, ctx.text(base)).and_then(|c| test_base(ctx, c, method, depth + 1));
            if found.is_some() {
                return found;
            }
        }
    }
    None
}

/// Whether the body of `class` defines (or assigns) `name`.
fn defines(ctx: &Ctx<'_>, class: Node<'_>, name: &str) -> bool {
    let Some(body) = class.child_by_field_name("body") else { return false };
    let mut cursor = body.walk();
    let statements: Vec<Node<'_>> = body.named_children(&mut cursor).collect();
    statements.into_iter().any(|st| {
        let def = if st.kind() == "decorated_definition" { st.child_by_field_name("definition") } else { Some(st) };
        let bound = match def {
            Some(d) if d.kind() == "function_definition" => d.child_by_field_name("name"),
            Some(d) if d.kind() == "expression_statement" => {
                d.named_child(0).filter(|a| a.kind() == "assignment").and_then(|a| a.child_by_field_name("left"))
            }
            _ => None,
        };
        bound.is_some_and(|n| ctx.text(n) == name)
    })
}

/// The module-level class of this name.
fn local_class<'t>(ctx: &Ctx<'t>, name: &str) -> Option<Node<'t>> {
    let root = ctx.src.tree.root_node();
    let mut cursor = root.walk();
    let children: Vec<Node<'t>> = root.named_children(&mut cursor).collect();
    children.into_iter().find_map(|c| {
        let class = if c.kind() == "decorated_definition" { c.child_by_field_name("definition")? } else { c };
        let named = class.kind() == "class_definition"
            && class.child_by_field_name("name").is_some_and(|n| ctx.text(n) == name);
        named.then_some(class)
    })
}
