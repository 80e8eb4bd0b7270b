//! `NumPy` 2, which `pip install tensorflow` brings from TensorFlow 2.18 on: the `NumPy` 1 names it
//! removed (`np.float`, `np.asscalar`, `np.NaN`, `np.product`…), found through the file's
//! `numpy` imports (aliases, shadowing) like the TensorFlow names. The table says what replaces
//! each name and whether that is the same object (`safe`) or not (`review`); a name without a
//! replacement gets guidance.

use std::ops::Range;

use tree_sitter::Node;

use crate::fix::{Edit, Finding, Fix, Severity};
use crate::resolve::ImportStmt;
use crate::rules::call::{Call, keyword_name};
use crate::rules::context::{Ctx, under};
use crate::rules::table::{Numpy2Entry, Tables, tables};
use crate::rules::{Rule, TfVersion};

/// Standard-library modules the table names as replacements (`numpy.math` is `math`); any
/// other undotted replacement is a builtin.
const STDLIB_MODULES: &[&str] = &["math"];

/// What a replacement is, and so how it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Replacement {
    /// A `numpy.*` path.
    Numpy(&'static str),
    /// A builtin (`float`).
    Builtin(&'static str),
    /// A standard-library module (`math`).
    Module(&'static str),
    /// A method of the call's only argument (`.item()`: `np.asscalar(a)` is `a.item()`).
    Method(&'static str),
    /// A call of another shape (`np.in1d(a, b)` is `np.isin(a, b).ravel()`).
    Call(CallTemplate),
}

/// `numpy.isin(ar1>element, ar2>test_elements, assume_unique, invert, kind).ravel()`: the new
/// callee, the old function's parameters it takes (by position as by keyword; `old>new` where
/// the keyword is renamed), the keywords it adds (`axis=0`) and a method called on the result.
/// The generator checked both `NumPy`s' signatures (`tools/gen_numpy2.py`, `check_template`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct CallTemplate {
    callee: &'static str,
    carried: Vec<(&'static str, &'static str)>,
    added: Vec<&'static str>,
    tail: &'static str,
}

/// The call as a person writes it: `numpy.isin(element, test_elements, …).ravel()`.
impl std::fmt::Display for CallTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let args: Vec<&str> = self.carried.iter().map(|(_, new)| *new).chain(self.added.iter().copied()).collect();
        write!(f, "{}({}){}", self.callee, args.join(", "), self.tail)
    }
}

impl CallTemplate {
    fn parse(text: &'static str) -> Option<Self> {
        let (callee, rest) = text.split_once('(')?;
        let (inside, tail) = rest.split_once(')')?;
        let (mut carried, mut added) = (Vec::new(), Vec::new());
        for part in inside.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if part.contains('=') {
                added.push(part);
            } else {
                let (old, new) = part.split_once('>').unwrap_or((part, part));
                carried.push((old, new));
            }
        }
        Some(Self { callee, carried, added, tail })
    }
}

fn replacement(entry: &Numpy2Entry) -> Option<Replacement> {
    let r = entry.replacement?;
    Some(if let Some(m) = r.strip_prefix('.').and_then(|m| m.strip_suffix("()")) {
        Replacement::Method(m)
    } else if r.contains('(') {
        Replacement::Call(CallTemplate::parse(r)?)
    } else if r == "numpy" || r.starts_with("numpy.") {
        Replacement::Numpy(r)
    } else if STDLIB_MODULES.contains(&r) {
        Replacement::Module(r)
    } else {
        Replacement::Builtin(r)
    })
}

/// Whether the targeted TensorFlow comes with `NumPy` 2.
fn applies(ctx: &Ctx<'_>) -> bool {
    ctx.options.target >= TfVersion::NUMPY2
}

fn message(key: &str, entry: &Numpy2Entry) -> String {
    match entry.replacement {
        Some(r) => {
            // A call template as a person writes it.
            let shown = match replacement(entry) {
                Some(Replacement::Call(t)) => t.to_string(),
                _ => r.to_owned(),
            };
            format!("`{key}` is gone in NumPy 2 (TensorFlow 2.18+): use `{shown}` ({})", entry.note)
        }
        None => format!("`{key}` is gone in NumPy 2 (TensorFlow 2.18+): {}", entry.note),
    }
}

/// How to write the `numpy.*` path `target` here: relative to the expression's root when it is
/// under it, else through a `numpy` alias visible here, else through a new `import numpy as np`
/// (its finding goes into `requires`).
fn spell_numpy(
    ctx: &mut Ctx<'_>,
    target: &str,
    root_local: &str,
    root_c: &str,
    requires: &mut Vec<usize>,
) -> Option<String> {
    if let Some(rest) = under(target, root_c) {
        return Some(format!("{root_local}{rest}"));
    }
    let rest = &target["numpy".len()..];
    let why = "import numpy, needed by a NumPy 2 rewrite";
    let np = ctx.module_name("numpy", &["np", "numpy"], false, Rule::Numpy2, why, None)?;
    requires.extend(np.import);
    Some(format!("{}{rest}", np.name))
}

/// A dotted expression under `numpy` (`np.float`, `np.lib.pad`, `np.asscalar(a)`); `call` is the
/// call whose callee it is.
pub(crate) fn check_dotted(
    ctx: &mut Ctx<'_>,
    node: Node<'_>,
    name: &str,
    (root_local, root_c): (&str, &str),
    call: Option<Node<'_>>,
    prefix_range: impl Fn(&str) -> Option<Range<usize>>,
) {
    if !applies(ctx) {
        return;
    }
    let Some((key, entry)) = Tables::longest_prefix(&tables().numpy2, name) else { return };
    let Some(range) = prefix_range(key) else { return };
    let mut f = Finding::new(Rule::Numpy2, Severity::Error, range.clone(), message(key, entry));
    let mut requires = Vec::new();
    let edits = match replacement(entry) {
        None => None,
        Some(Replacement::Numpy(target)) => spell_numpy(ctx, target, root_local, root_c, &mut requires)
            .map(|s| vec![Edit::replacement(range.clone(), s)]),
        Some(Replacement::Builtin(builtin)) => {
            if builtin_usable(ctx, builtin) {
                Some(vec![Edit::replacement(range.clone(), builtin)])
            } else {
                f.message = format!("{} (`{builtin}` means something else here: write the builtin by hand)", f.message);
                None
            }
        }
        Some(Replacement::Module(module)) => {
            let why = format!("import {module}, needed by a NumPy 2 rewrite");
            ctx.module_name(module, &[module], false, Rule::Numpy2, &why, None).map(|m| {
                requires.extend(m.import);
                vec![Edit::replacement(range.clone(), m.name)]
            })
        }
        Some(Replacement::Method(method)) => {
            let whole = range == node.byte_range();
            call.filter(|_| whole).and_then(|call| method_call(ctx, call, method))
        }
        Some(Replacement::Call(template)) => {
            let whole = range == node.byte_range();
            call.filter(|_| whole)
                .and_then(|call| Call::new(call, &ctx.src.text))
                .and_then(|call| reshaped_call(ctx, &call, &template, (root_local, root_c), &mut requires))
        }
    };
    if let Some(edits) = edits {
        f.fixes.push(Fix::safe_if(entry.safe, edits));
        f.requires = requires;
    }
    ctx.push(f);
}

/// `np.array(x, copy=False)`: `NumPy` 2 reads `copy=False` as "never copy" and raises
/// `ValueError` where `NumPy` 1 made a copy because it had to; `np.asarray(x)` copies only when it
/// must under both (in `NumPy` 1 it is that very call). `asarray` takes `dtype` and `order` but
/// not `ndmin`, `subok` or `like`: a call with those gets guidance only.
pub(crate) fn check_call(ctx: &mut Ctx<'_>, node: Node<'_>, resolved: Option<&str>) {
    if resolved != Some("numpy.array") || !applies(ctx) {
        return;
    }
    let Some(call) = Call::new(node, &ctx.src.text) else { return };
    let Some(copy) = call.keyword("copy") else { return };
    if copy.child_by_field_name("value").is_none_or(|v| call.text_of(v) != "False") {
        return;
    }
    let message = "NumPy 2 (TensorFlow 2.18+) reads `np.array(x, copy=False)` as \"never copy\" and raises \
                   ValueError where NumPy 1 copied: `np.asarray(x)` copies only when it must, on both"
        .to_owned();
    let g = crate::source::grammar();
    // `np.array` → `np.asarray`: the callee's last name, whatever the alias before it.
    let name = (call.callee.kind_id() == g.attribute)
        .then(|| call.callee.child_by_field_id(g.attribute_field))
        .flatten()
        .filter(|n| call.text_of(*n) == "array");
    let takes_the_rest = !call.has_splat()
        && call.positional().len() <= 2
        && call
            .args
            .iter()
            .all(|a| keyword_name(*a).is_none_or(|k| matches!(call.text_of(k), "copy" | "dtype" | "order")));
    let mut finding = Finding::new(Rule::Numpy2, Severity::Error, copy.byte_range(), message);
    if let (Some(name), true) = (name, takes_the_rest) {
        let removed: Vec<bool> = call.args.iter().map(|a| *a == copy).collect();
        let mut edits = call.removal_edits(&removed);
        edits.push(Edit::replacement(name.byte_range(), "asarray"));
        finding = finding.with_fix(Fix::safe(edits));
    }
    ctx.push(finding);
}

/// `np.in1d(a, b, invert=True)` → `np.isin(a, b, invert=True).ravel()` by `template`; `None` (no
/// fix) for a call that passes what the template does not carry (`np.asfarray(a, dtype)`) or
/// hides it (`*args`).
fn reshaped_call(
    ctx: &mut Ctx<'_>,
    call: &Call<'_>,
    template: &CallTemplate,
    (root_local, root_c): (&str, &str),
    requires: &mut Vec<usize>,
) -> Option<Vec<Edit>> {
    if call.has_splat() || call.positional().len() > template.carried.len() {
        return None;
    }
    let mut edits = Vec::new();
    for arg in &call.args {
        let Some(kw) = keyword_name(*arg) else { continue };
        let &(old, new) = template.carried.iter().find(|(old, _)| *old == call.text_of(kw))?;
        if new != old {
            edits.push(Edit::replacement(kw.byte_range(), new));
        }
    }
    let callee = spell_numpy(ctx, template.callee, root_local, root_c, requires)?;
    edits.push(Edit::replacement(call.callee.byte_range(), callee));
    if !template.added.is_empty() {
        edits.push(call.appended(&template.added.join(", ")));
    }
    if !template.tail.is_empty() {
        edits.push(Edit::insertion(call.node.end_byte(), template.tail));
    }
    Some(edits)
}

/// Whether the builtin `builtin` is what its name means here. An import of the `NumPy` alias of
/// that very builtin (`from numpy import float`) does not count: its own rewrite drops it.
fn builtin_usable(ctx: &Ctx<'_>, builtin: &str) -> bool {
    let alias = format!("numpy.{builtin}");
    let imported = ctx.imports.statements.iter().any(|s| {
        s.names.iter().any(|n| {
            let full = s.from.as_ref().map(|m| format!("{m}.{}", n.name));
            n.local(s.from.is_some()) == builtin && full.as_deref() != Some(alias.as_str())
        })
    });
    !imported && ctx.imports.visible(ctx.src, ctx.nodes, builtin, &ctx.scopes)
}

/// `np.asscalar(a)` → `a.item()`: the call's only argument gets the method call.
fn method_call(ctx: &Ctx<'_>, call: Node<'_>, method: &str) -> Option<Vec<Edit>> {
    let call = Call::new(call, &ctx.src.text)?;
    let [arg] = call.args.as_slice() else { return None };
    if matches!(arg.kind(), "keyword_argument" | "list_splat" | "dictionary_splat") {
        return None;
    }
    let (before, after) = (call.callee.start_byte()..arg.start_byte(), arg.end_byte()..call.node.end_byte());
    if ctx.range_text(before.clone()).contains('#') || ctx.range_text(after.clone()).contains('#') {
        return None; // a comment inside the call would be lost
    }
    let atomic = matches!(
        arg.kind(),
        "identifier" | "attribute" | "call" | "subscript" | "parenthesized_expression" | "list" | "tuple"
    );
    let (open, close) = if atomic { ("", "") } else { ("(", ")") };
    Some(vec![Edit::replacement(before, open), Edit::replacement(after, format!("{close}.{method}()"))])
}

/// What becomes of one name of a `from numpy… import` statement.
enum NameFix {
    /// Edits to the statement, which keep every name.
    Edit(Vec<Edit>),
    /// The name goes (a builtin: `from numpy import float`): the builtin is the same object.
    Drop,
    /// Guidance only (with a reason when the table has a replacement).
    Manual(Option<&'static str>),
}

/// `from numpy import float_, alltrue as at` → `from numpy import float64 as float_, all as at`;
/// `from numpy.lib import pad` → `from numpy import pad`; `from numpy import float` goes.
pub(crate) fn check_import(ctx: &mut Ctx<'_>, stmt: &ImportStmt, module: &str) {
    if !applies(ctx) || stmt.wildcard {
        return;
    }
    let table = &tables().numpy2;
    if let Some((key, entry)) = Tables::longest_prefix(table, module) {
        // The module itself is gone (`numpy.core.numeric`, `numpy.lib.function_base`).
        let exact = stmt.names.iter().all(|n| table.contains_key(format!("{module}.{}", n.name).as_str()));
        if !exact {
            ctx.push(Finding::new(Rule::Numpy2, Severity::Error, stmt.range.clone(), message(key, entry)));
            return;
        }
    }
    let mut decided = Vec::new();
    for (i, n) in stmt.names.iter().enumerate() {
        let full = format!("{module}.{}", n.name);
        let Some((key, entry)) = table.get_key_value(full.as_str()) else { continue };
        let local = n.local(true);
        let what = match replacement(entry) {
            Some(Replacement::Numpy(target)) => {
                let (parent, last) = target.rsplit_once('.').unwrap_or(("numpy", target));
                let clause = if last == local { last.to_owned() } else { format!("{last} as {local}") };
                if parent == module {
                    NameFix::Edit(vec![Edit::replacement(n.range.clone(), clause)])
                } else if stmt.names.len() == 1 {
                    let line = format!("from {parent} import {clause}");
                    ctx.replace_statement(stmt.range.clone(), &[line])
                        .map_or(NameFix::Manual(None), |e| NameFix::Edit(vec![e]))
                } else {
                    NameFix::Manual(Some("it moved to another module: split this import to get a rewrite"))
                }
            }
            Some(Replacement::Builtin(builtin)) if n.alias.is_none() && builtin == local => NameFix::Drop,
            Some(Replacement::Builtin(_) | Replacement::Module(_) | Replacement::Method(_) | Replacement::Call(_)) => {
                NameFix::Manual(Some("not a NumPy name any more: import it, or write it, by hand"))
            }
            None => NameFix::Manual(None),
        };
        decided.push((i, *key, entry, what));
    }
    let all_dropped = !decided.is_empty()
        && decided.len() == stmt.names.len()
        && decided.iter().all(|(_, _, _, w)| matches!(w, NameFix::Drop));
    if all_dropped {
        // Every name is a builtin: the statement goes.
        let safe = decided.iter().all(|(_, _, e, _)| e.safe);
        let keys: Vec<&str> = decided.iter().map(|(_, k, _, _)| *k).collect();
        let message = format!(
            "{} gone in NumPy 2 (TensorFlow 2.18+): the builtins of the same names are the same objects",
            keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
        );
        let mut f = Finding::new(Rule::Numpy2, Severity::Error, stmt.range.clone(), message);
        if let Some(edit) = ctx.delete_statement(stmt.range.clone()) {
            f.fixes.push(Fix::safe_if(safe, vec![edit]));
        }
        ctx.push(f);
        return;
    }
    for (i, key, entry, what) in decided {
        let range = stmt.names[i].range.clone();
        let mut f = Finding::new(Rule::Numpy2, Severity::Error, range, message(key, entry));
        match what {
            NameFix::Edit(edits) => f.fixes.push(Fix::safe_if(entry.safe, edits)),
            NameFix::Drop => match name_removal(ctx, stmt, i) {
                Some(edit) => f.fixes.push(Fix::safe_if(entry.safe, vec![edit])),
                None => f.message.push_str(" (remove it from this import by hand)"),
            },
            NameFix::Manual(Some(why)) => f.message = format!("{}; {why}", f.message),
            NameFix::Manual(None) => {}
        }
        ctx.push(f);
    }
}

/// The deletion of name `i` from a from-import of several names, with its comma; `None` when a
/// comment sits in the way.
fn name_removal(ctx: &Ctx<'_>, stmt: &ImportStmt, i: usize) -> Option<Edit> {
    let names = &stmt.names;
    let range = if i + 1 < names.len() {
        names[i].range.start..names[i + 1].range.start
    } else {
        names.get(i.checked_sub(1)?)?.range.end..names[i].range.end
    };
    (!ctx.range_text(range.clone()).contains('#')).then(|| Edit::deletion(range))
}

/// `import numpy.core.numeric as nc`: guidance where the module is gone.
pub(crate) fn check_plain_import(ctx: &mut Ctx<'_>, stmt: &ImportStmt, full: &str) {
    if !applies(ctx) {
        return;
    }
    if let Some((key, entry)) = Tables::longest_prefix(&tables().numpy2, full) {
        ctx.push(Finding::new(Rule::Numpy2, Severity::Error, stmt.range.clone(), message(key, entry)));
    }
}
