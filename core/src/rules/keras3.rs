//! Keras 3 (tf.keras from TensorFlow 2.16): removed model methods (`fit_generator`,
//! `predict_classes`...), renamed or removed keywords (`lr=`, `decay=`, `Model(input=)`, the
//! Keras 1 names `init=`/`border_mode=`/`nb_filter=`, `LeakyReLU(alpha=)`, `Embedding(input_length=)`),
//! and what Keras 3 has no form for (`batch_input_shape=`, `K.function`): a file of standalone
//! Keras that uses such a thing keeps Keras 2 through `import tf_keras as keras`.

use tree_sitter::Node;

use crate::fix::{Edit, Finding, Fix, Severity};
use crate::rules::Rule;
use crate::rules::TfVersion;
use crate::rules::call::{Call, keyword_name};
use crate::rules::context::{Ctx, quoted};
use crate::rules::table::{KerasAction, KerasKeyword, MethodChange, Tables, tables};
use crate::source;

/// `func`: the call's callee.
pub(crate) fn check_call(ctx: &mut Ctx<'_>, call: Node<'_>, func: Node<'_>, resolved: Option<&str>) {
    if resolved.is_none() && func.kind_id() == source::grammar().identifier && ctx.text(func) == "hasattr" {
        symbolic_len_probe(ctx, call);
    }
    if ctx.options.target < TfVersion::KERAS3 {
        return;
    }
    match resolved {
        Some(name) => {
            keras_keywords(ctx, call, name);
            keras1_kernel(ctx, call, name);
        }
        None if func.kind_id() == source::grammar().attribute => method(ctx, call, func),
        None => {}
    }
}

/// `hasattr(model.output, '__len__')`: Keras 2 code asking whether a model has several outputs
/// (a list) or one (a TF1 tensor, which had no `__len__`). The symbolic tensors of TensorFlow 2's
/// Keras (`tf_keras` too) raise a `TypeError` for `__len__`, which `hasattr` lets through: the
/// question becomes `isinstance(model.output, (list, tuple))`. For the `input`/`output` (and
/// plural) attributes only, in a file that uses Keras, with `hasattr` and `isinstance` the builtins.
fn symbolic_len_probe(ctx: &mut Ctx<'_>, call: Node<'_>) {
    let Some(args) = call.child_by_field_name("arguments") else { return };
    let mut cursor = args.walk();
    let args: Vec<Node<'_>> = args.named_children(&mut cursor).collect();
    let [object, name] = args.as_slice() else { return };
    if quoted(ctx.text(*name)).is_none_or(|(_, inner)| inner != "__len__") || object.kind() != "attribute" {
        return;
    }
    let Some(attr) = object.child_by_field_name("attribute") else { return };
    if !matches!(ctx.text(attr), "output" | "outputs" | "input" | "inputs") || !ctx.code_mentions("keras") {
        return;
    }
    let visible = |ctx: &Ctx<'_>, n: &str| ctx.imports.visible(ctx.src, ctx.nodes, n, &ctx.scopes);
    if !visible(ctx, "hasattr") || !visible(ctx, "isinstance") {
        return;
    }
    let text = ctx.text(*object);
    let message = format!(
        "`hasattr({text}, '__len__')` raises a TypeError on TensorFlow 2's symbolic Keras tensors (Keras 2 code asked whether the model had several inputs or outputs): `isinstance({text}, (list, tuple))`"
    );
    let edit = Edit::replacement(call.byte_range(), format!("isinstance({text}, (list, tuple))"));
    ctx.push(
        Finding::new(Rule::Keras3Api, Severity::Error, call.byte_range(), message).with_fix(Fix::review(vec![edit])),
    );
}

/// The rows for `name` (`keras.*` spelling): its own, then its modules' (a longer key wins for a
/// keyword).
fn keyword_rows(name: &str) -> Vec<&'static KerasKeyword> {
    let table = &tables().keras3_keywords;
    let mut rows: Vec<&KerasKeyword> = Vec::new();
    let mut end = name.len();
    loop {
        if let Some(found) = table.get(&name[..end]) {
            for row in found {
                if !rows.iter().any(|r| r.keyword == row.keyword) {
                    rows.push(row);
                }
            }
        }
        match name[..end].rfind('.') {
            Some(dot) => end = dot,
            None => return rows,
        }
    }
}

/// Whether the Keras 3 keyword rows cover keyword `kw` of the Keras callable `name` (`keras.*`
/// spelling): the TF keyword tables then leave it to them.
pub(crate) fn claims_keyword(name: &str, kw: &str) -> bool {
    keyword_rows(name).iter().any(|r| r.keyword == kw)
}

/// The changes of one call, split by who needs them: both Keras 2 and 3 (Keras 1 names, `lr=`),
/// Keras 3 only (`LeakyReLU(alpha=)`), and what has no Keras 3 form.
#[derive(Default)]
struct Changes {
    edits: [Vec<Edit>; 2],
    what: [Vec<String>; 2],
    notes: [Vec<&'static str>; 2],
    review: [bool; 2],
    keras2: Vec<(&'static str, &'static str)>,
}

fn keras_keywords(ctx: &mut Ctx<'_>, node: Node<'_>, resolved: &str) {
    let standalone = resolved.starts_with("keras.");
    let name = resolved.strip_prefix("tf.").filter(|n| n.starts_with("keras.")).unwrap_or(resolved);
    if !name.starts_with("keras.") {
        return;
    }
    let rows = keyword_rows(name);
    if rows.is_empty() {
        return;
    }
    let Some(call) = Call::new(node, &ctx.src.text) else { return };
    let mut c = Changes::default();
    let mut removed = [vec![false; call.args.len()], vec![false; call.args.len()]];
    for (i, arg) in call.args.iter().enumerate() {
        let Some(kw) = keyword_name(*arg) else { continue };
        let kw_text = ctx.text(kw);
        let Some(row) = rows.iter().find(|r| r.keyword == kw_text) else { continue };
        let k = usize::from(row.keras3_only);
        let value = arg.child_by_field_name("value");
        match row.action {
            KerasAction::Keep => continue,
            KerasAction::Keras2 => {
                c.keras2.push((row.keyword, row.note));
                continue;
            }
            KerasAction::Rename(new) => {
                if call.keyword(new).is_some() {
                    continue; // both spellings given: Python itself would have refused the call
                }
                c.edits[k].push(Edit::replacement(kw.byte_range(), new));
                c.what[k].push(format!("{kw_text}= → {new}="));
                if let Some(v) = value.filter(|_| !row.values.is_empty()) {
                    match convert_value(ctx, v, &row.values) {
                        Some(edit) => c.edits[k].push(edit),
                        None => c.review[k] = true, // a value the conversion cannot read
                    }
                }
            }
            KerasAction::Drop => {
                removed[k][i] = true;
                c.what[k].push(format!("{kw_text}= dropped"));
                c.review[k] = true;
            }
            KerasAction::Template(template) => {
                let Some(v) = value else { continue };
                let new = template.replace("{}", ctx.text(v));
                let target = template.split('=').next().unwrap_or_default();
                if call.keyword(target).is_some() {
                    removed[k][i] = true; // the new keyword is given already: the old one goes
                    c.what[k].push(format!("{kw_text}= dropped ({target}= is given)"));
                } else {
                    c.edits[k].push(Edit::replacement(arg.byte_range(), new));
                    c.what[k].push(format!("{kw_text}= → {target}="));
                }
                c.review[k] = true;
            }
        }
        if !row.note.is_empty() && !c.notes[k].contains(&row.note) {
            c.notes[k].push(row.note);
        }
    }
    let range = node.child_by_field_name("arguments").map_or(node.byte_range(), |a| a.byte_range());
    for (k, removed) in removed.iter().enumerate() {
        let mut edits = std::mem::take(&mut c.edits[k]);
        edits.extend(call.removal_edits(removed));
        if edits.is_empty() {
            continue;
        }
        let fix = if c.review[k] { Fix::review(edits) } else { Fix::safe(edits) };
        let message = format!("{} ({})", c.what[k].join(", "), c.notes[k].join("; "));
        let mut finding = Finding::new(Rule::Keras3Api, Severity::Error, range.clone(), message).with_fix(fix);
        finding.keras3_only = k == 1 && standalone;
        ctx.push(finding);
    }
    for (keyword, note) in c.keras2 {
        keras2_needed(ctx, range.clone(), standalone, &format!("`{name}({keyword}=)`"), note);
    }
}

/// The edit converting a literal keyword value per `values` (`'th'` → `'channels_first'`);
/// `None` when the value is not a literal the table knows.
fn convert_value(ctx: &Ctx<'_>, value: Node<'_>, values: &[(&str, &str)]) -> Option<Edit> {
    let (quote, inner) = quoted(ctx.text(value))?;
    let (_, new) = values.iter().find(|(old, _)| *old == inner)?;
    let new = if *new == "None" { "None".to_owned() } else { format!("{quote}{new}{quote}") };
    Some(Edit::replacement(value.byte_range(), new))
}

/// Something Keras 3 has no form for. Standalone Keras: the file keeps Keras 2 (its keras imports
/// default to `tf_keras`, `finish`); tf.keras: guidance.
fn keras2_needed(ctx: &mut Ctx<'_>, range: std::ops::Range<usize>, standalone: bool, what: &str, note: &str) {
    let message = if standalone {
        ctx.keras2_reasons.push(what.to_owned());
        format!("{what}: {note}; this file keeps Keras 2: its keras imports become `tf_keras` (pip install tf-keras)")
    } else {
        format!(
            "{what}: {note}; tf.keras is Keras 3 from TensorFlow 2.16: port this, or keep Keras 2 with pip install tf-keras and TF_USE_LEGACY_KERAS=1 set before TensorFlow is imported"
        )
    };
    let mut f = Finding::new(Rule::Keras3Api, Severity::Error, range, message);
    f.packages.push("tf-keras");
    ctx.push(f);
}

/// A standalone Keras name that Keras 3 dropped (`keras.backend.function`,
/// `keras.layers.LocallyConnected2D`): tf.keras lost it in TensorFlow 2.16 (`removed.tsv`), and
/// Keras 2 (`tf_keras`) has it.
pub(crate) fn check_name(ctx: &mut Ctx<'_>, name: &str, node: Node<'_>) {
    if ctx.options.target < TfVersion::KERAS3 || !name.starts_with("keras.") {
        return;
    }
    // A TF2 name of tf.keras that 2.16 removed is a Keras 2 name that tf_keras keeps; the
    // tf.compat.v1.keras ones (sessions, CuDNNLSTM) are not public in tf_keras.
    let removed = &tables().removed;
    let Some((key, _)) = Tables::longest_prefix(removed, &format!("tf.{name}")).filter(|(_, v)| **v == "2.16") else {
        return;
    };
    let key = key.strip_prefix("tf.").unwrap_or(key);
    if !ctx.first_note(key) {
        return;
    }
    let what = format!("`{key}`");
    keras2_needed(ctx, node.byte_range(), true, &what, "Keras 3 (TensorFlow 2.16+) has no such name");
}

/// After the walk: where standalone Keras code needs Keras 2, its keras imports default to
/// `tf_keras` (the tensorflow.keras rewrite stays the alternative), and the changes only Keras 3
/// needs are not made.
pub(crate) fn finish(ctx: &mut Ctx<'_>) {
    let mut reasons = std::mem::take(&mut ctx.keras2_reasons);
    if reasons.is_empty() {
        return;
    }
    reasons.dedup();
    keep_keras2(ctx.findings_mut(), &format!("which this file needs for {}", reasons.join(", ")));
}

/// The label of a Keras import's `tf_keras` alternative.
pub(crate) const TF_KERAS: &str = "tf-keras";

/// Make standalone Keras code keep Keras 2: every Keras import defaults to its `tf_keras` fix
/// (`why` says why, at the end of its message), and the rewrites only Keras 3 needs lose their
/// fix. Returns whether anything changed.
pub(crate) fn keep_keras2(findings: &mut [Finding], why: &str) -> bool {
    let mut changed = false;
    for f in findings {
        if f.rule == Rule::KerasImport {
            if let Some(i) = f.fixes.iter().position(|fix| fix.label == TF_KERAS).filter(|&i| i > 0) {
                f.fixes[..=i].rotate_right(1);
                f.message = format!("{} (default here: Keras 2, {why})", f.message);
                changed = true;
            }
        } else if f.keras3_only && !f.fixes.is_empty() {
            f.fixes.clear();
            f.severity = Severity::Info;
            f.message = format!("{} (only for Keras 3: this file keeps Keras 2, which takes it)", f.message);
            changed = true;
        }
    }
    changed
}

/// How a file's Keras imports go, from its findings: `Some(true)` when they default to Keras 2
/// (`tf_keras`), `Some(false)` when they default to tf.keras with Keras 2 as the alternative, `None`
/// when it has no such import.
pub(crate) fn keeps_keras2(findings: &[Finding]) -> Option<bool> {
    findings
        .iter()
        .filter(|f| f.rule == Rule::KerasImport)
        .find_map(|f| f.fixes.iter().position(|fix| fix.label == TF_KERAS))
        .map(|i| i == 0)
}

/// Keras 1 convolutions took the kernel size as separate integers (`Convolution2D(32, 3, 3)`:
/// `nb_row`, `nb_col`), which Keras 2.0-2.3 still converted (`keras/legacy/interfaces.py`); Keras 3 reads
/// the third integer as `strides`. (class, number of kernel dimensions)
const KERAS1_KERNELS: &[(&str, usize)] = &[
    ("keras.layers.Conv2D", 2),
    ("keras.layers.Conv2DTranspose", 2),
    ("keras.layers.Conv3D", 3),
    ("keras.layers.ConvLSTM2D", 2),
    ("keras.layers.Convolution2D", 2),
    ("keras.layers.Convolution2DTranspose", 2),
    ("keras.layers.Convolution3D", 3),
    ("keras.layers.SeparableConv2D", 2),
    ("keras.layers.SeparableConvolution2D", 2),
];

/// `Convolution2D(32, 3, 3)` → `Convolution2D(32, (3, 3))`.
fn keras1_kernel(ctx: &mut Ctx<'_>, node: Node<'_>, resolved: &str) {
    let name = resolved.strip_prefix("tf.").unwrap_or(resolved);
    let Some((_, dims)) = KERAS1_KERNELS.iter().find(|(n, _)| *n == name) else { return };
    let Some(call) = Call::new(node, &ctx.src.text) else { return };
    let positional = call.positional();
    // Exactly filters and one integer per kernel dimension, as Keras 1 wrote them.
    if positional.len() != 1 + dims || !positional[1..].iter().all(|a| a.kind() == "integer") {
        return;
    }
    let (first, last) = (positional[1], positional[*dims]);
    let edits = vec![Edit::insertion(first.start_byte(), "("), Edit::insertion(last.end_byte(), ")")];
    let short = name.rsplit('.').next().unwrap_or(name);
    let message = format!(
        "`{short}` with {dims} integers after the filters is the Keras 1 kernel size (nb_row, nb_col…), which Keras 2.0-2.3 converted; Keras 2.4+ and Keras 3 read the second integer as strides: passed as one kernel_size tuple (check this is what the code meant)"
    );
    ctx.push(
        Finding::new(Rule::Keras3Api, Severity::Error, first.start_byte()..last.end_byte(), message)
            .with_fix(Fix::review(edits)),
    );
}

/// A method of an object whose type is not known, by name (`.fit_generator()`, `.compile()`):
/// only in a file whose code names TensorFlow or Keras, where that object may be a Keras model (a
/// scikit-learn model's `.predict_proba()` in a file of neither is left alone).
fn method(ctx: &mut Ctx<'_>, call: Node<'_>, func: Node<'_>) {
    let Some(attr) = func.child_by_field_name("attribute") else { return };
    let method = ctx.text(attr);
    let Some(change) = tables().keras3_methods.get(method) else { return };
    if !(ctx.code_mentions("tensorflow") || ctx.code_mentions("keras")) {
        return;
    }
    let Some(c) = Call::new(call, &ctx.src.text) else { return };
    let manual: Vec<Node<'_>> = c
        .args
        .iter()
        .copied()
        .filter(|a| keyword_name(*a).is_some_and(|n| change.manual.contains(&ctx.text(n))))
        .collect();
    let classes = method == "predict_classes";
    let rewrite = if classes { None } else { method_rewrite(&c, attr, method, change) };
    // Only a call with something to report looks at what made its object (most `.fit()` and
    // `.predict()` calls have nothing).
    if (manual.is_empty() && rewrite.is_none() && !classes)
        || func.child_by_field_name("object").is_some_and(|o| made_by_another_library(ctx, o))
    {
        return;
    }
    for arg in manual {
        let name = keyword_name(arg).map_or("", |n| ctx.text(n));
        let message = format!(
            ".{method}({name}=) has no TensorFlow 2 form ({}; assumes the object is a Keras model)",
            change.note
        );
        ctx.push(Finding::new(Rule::Keras3Api, Severity::Error, arg.byte_range(), message));
    }
    if classes {
        predict_classes(ctx, call, attr, change.note);
    } else if let Some((edits, what)) = rewrite {
        let message = format!("{} ({}; assumes the object is a Keras model)", what.join(", "), change.note);
        ctx.push(
            Finding::new(Rule::Keras3Api, Severity::Error, attr.byte_range(), message).with_fix(Fix::review(edits)),
        );
    }
}

/// The rewrite of a method call by its row: keywords renamed or dropped, positional arguments
/// passed by keyword, the method renamed; what changed, for the message. `None` when there is
/// nothing to rewrite, or which argument is which is not known.
fn method_rewrite(
    c: &Call<'_>,
    attr: Node<'_>,
    method: &str,
    change: &MethodChange,
) -> Option<(Vec<Edit>, Vec<String>)> {
    let kw = |name: &str| change.keywords.iter().find(|k| k.old == name).map(|k| k.new);
    let (mut edits, mut what) = match c.keyword_edits(kw, vec![false; c.args.len()]) {
        Some(k) => (k.edits, k.what),
        None => (Vec::new(), Vec::new()),
    };
    if !change.by_keyword.is_empty() && c.positional().len() > change.keep_positional {
        if c.has_splat() || c.positional().len() > change.by_keyword.len() {
            return None; // which argument is which is not known here
        }
        // Under their Keras 3 names (`fit_generator(gen)` → `fit(x=gen)`); one Keras 3 dropped
        // (`workers`) would have to go with its value: left to a person.
        let renamed = |name: &'static str| match change.keywords.iter().find(|k| k.old == name) {
            Some(k) => k.new,
            None => Some(name),
        };
        let names =
            change.by_keyword.iter().take(c.positional().len()).map(|n| renamed(n)).collect::<Option<Vec<_>>>()?;
        edits.extend(c.pass_by_keyword(change.keep_positional, &names)?);
        what.push("positional arguments passed by keyword".to_owned());
    }
    if let Some(new) = change.rename {
        edits.push(Edit::replacement(attr.byte_range(), new));
        what.insert(0, format!(".{method}() → .{new}()"));
    }
    (!edits.is_empty()).then_some((edits, what))
}

/// Whether `object`, the object of a method call, is no Keras model by what every assignment
/// to it says: `clf` after `clf = LogisticRegression()`, `self.gbm` after `self.gbm =
/// xgboost.XGBClassifier()` in its class, where the callee is imported from a library other than
/// TensorFlow and Keras. A name assigned nowhere in its function (a parameter, a global) or
/// assigned anything else (`model = build()`, `model = Sequential()`) may be a Keras model.
fn made_by_another_library(ctx: &Ctx<'_>, object: Node<'_>) -> bool {
    let name = ctx.text(object);
    let scope = match object.kind() {
        // The function it is local to (a parameter may be anything), or the module.
        "identifier" => match ctx.scopes.iter().rev().find(|s| s.kind() == "function_definition") {
            Some(f) if f.child_by_field_name("parameters").is_some_and(|p| binds(ctx, p, name)) => return false,
            Some(f) => Some(*f),
            None => None,
        },
        // `self.x`: assigned in any method of the class.
        "attribute" if name.starts_with("self.") && !name[5..].contains('.') => {
            match ctx.scopes.iter().rev().find(|s| s.kind() == "class_definition") {
                Some(class) => Some(*class),
                None => return false,
            }
        }
        _ => return false,
    };
    let (start, end) = match scope.and_then(|s| ctx.nodes.index_of(s)) {
        Some(i) => (i + 1, ctx.nodes.end(i)),
        None => (0, ctx.nodes.len()),
    };
    let mut assigned = 0;
    let mut i = start;
    while i < end {
        let node = ctx.nodes.get(i).node;
        // A nested function has names of its own (a `self.x` is the class's in any method).
        if object.kind() == "identifier" && matches!(node.kind(), "function_definition" | "class_definition") {
            i = ctx.nodes.end(i);
            continue;
        }
        if node.kind() == "assignment" && node.child_by_field_name("left").is_some_and(|l| ctx.text(l) == name) {
            let callee = node
                .child_by_field_name("right")
                .filter(|r| r.kind() == "call")
                .and_then(|r| r.child_by_field_name("function"))
                .and_then(|f| ctx.resolve(f));
            let elsewhere = callee.is_some_and(|q| {
                !matches!(q.split('.').next(), Some("tensorflow" | "keras" | "tf_keras" | "tensorflow_probability"))
            });
            if !elsewhere {
                return false;
            }
            assigned += 1;
        }
        i += 1;
    }
    assigned > 0
}

/// Whether the parameter list `params` names `name`.
fn binds(ctx: &Ctx<'_>, params: Node<'_>, name: &str) -> bool {
    let mut cursor = params.walk();
    params.named_children(&mut cursor).any(|p| {
        let id = if p.kind() == "identifier" { Some(p) } else { p.named_child(0) };
        id.is_some_and(|id| ctx.text(id).trim_start_matches('*') == name)
    })
}

/// `model.predict_classes(x)` → `np.argmax(model.predict(x), axis=-1)`.
fn predict_classes(ctx: &mut Ctx<'_>, call: Node<'_>, attr: Node<'_>, note: &str) {
    let why = "import numpy, needed by the predict_classes rewrite";
    let Some(numpy) = ctx.module_name("numpy", &["np", "numpy"], false, Rule::Keras3Api, why, None) else { return };
    let (np, requires) = (numpy.name, numpy.import.into_iter().collect());
    let edits = vec![
        Edit::insertion(call.start_byte(), format!("{np}.argmax(")),
        Edit::replacement(attr.byte_range(), "predict"),
        Edit::insertion(call.end_byte(), ", axis=-1)"),
    ];
    let mut f = Finding::new(
        Rule::Keras3Api,
        Severity::Error,
        attr.byte_range(),
        format!("predict_classes → argmax of predict ({note})"),
    )
    .with_fix(Fix::review(edits));
    f.requires = requires;
    ctx.push(f);
}

/// `x._keras_shape`: standalone Keras 2 set it on the tensors its layers made (a tuple, `None`
/// for unknown sizes); tf.keras and Keras 3 never do. `tuple(x.shape)` is the same tuple on both.
/// Only in files that name Keras: elsewhere the attribute is someone else's. `attr` is the
/// attribute node.
pub(crate) fn check_keras_shape(ctx: &mut Ctx<'_>, attr: Node<'_>) {
    // Its text first (an attribute ends with its name): every attribute passes here.
    if !ctx.text(attr).ends_with("_keras_shape") {
        return;
    }
    let Some((object, name)) = source::attribute_parts(attr) else { return };
    if ctx.text(name) != "_keras_shape" || !ctx.code_mentions("keras") {
        return;
    }
    // An assignment to it (a Keras 2 layer setting its output's shape) has no such rewrite.
    if attr.parent().is_some_and(|p| p.kind() == "assignment" && p.child_by_field_name("left") == Some(attr)) {
        let message =
            "`._keras_shape` is Keras 2's; tf.keras and Keras 3 derive a tensor's shape themselves: drop this";
        ctx.push(Finding::new(Rule::Keras3Api, Severity::Error, attr.byte_range(), message));
        return;
    }
    let fix = Fix::review(vec![Edit::replacement(attr.byte_range(), format!("tuple({}.shape)", ctx.text(object)))]);
    let message = "`._keras_shape` was set by standalone Keras 2 only: `tuple(x.shape)` is the same tuple in tf.keras and Keras 3 (assumes `x` is a Keras tensor)";
    ctx.push(Finding::new(Rule::Keras3Api, Severity::Error, attr.byte_range(), message).with_fix(fix));
}

/// `self.trainable_weights = [self.W]` in a layer's method: standalone Keras 2.0-2.2 let a layer
/// list its weights so; tf.keras (TensorFlow 2) and Keras 3 make `trainable_weights` a property
/// without a setter (`AttributeError`). Where every weight listed comes from `self.add_weight`,
/// which already tracks it as trainable, the statement goes; otherwise guidance. `left`: the
/// assignment's target.
pub(crate) fn check_assignment(ctx: &mut Ctx<'_>, node: Node<'_>, left: Node<'_>) {
    let trainable = match ctx.text(left) {
        "self.trainable_weights" => true,
        "self.non_trainable_weights" => false,
        _ => return,
    };
    let Some(statement) = node.parent().filter(|p| p.kind() == "expression_statement") else { return };
    let Some(class) = std::iter::successors(node.parent(), Node::parent).find(|n| n.kind() == "class_definition")
    else {
        return;
    };
    let listed: Option<Vec<&str>> =
        node.child_by_field_name("right").filter(|r| matches!(r.kind(), "list" | "tuple")).and_then(|r| {
            let mut cursor = r.walk();
            r.named_children(&mut cursor)
                .filter(|c| c.kind() != "comment")
                .map(|c| (c.kind() == "attribute").then(|| ctx.text(c)).filter(|t| t.starts_with("self.")))
                .collect()
        });
    let tracked = listed.is_some_and(|names| {
        let made = weights_made(ctx, class);
        !names.is_empty() && names.iter().all(|n| made.contains(n))
    });
    let subclass_of_layer = class
        .child_by_field_name("superclasses")
        .is_some_and(|s| ctx.text(s).split(|c: char| !(c.is_alphanumeric() || c == '_')).any(|w| w.ends_with("Layer")));
    if !tracked && !subclass_of_layer {
        return;
    }
    let attr = if trainable { "trainable_weights" } else { "non_trainable_weights" };
    let mut f = Finding::new(
        Rule::Keras3Api,
        Severity::Error,
        node.byte_range(),
        format!("`self.{attr}` cannot be assigned in tf.keras or Keras 3 (a property without a setter)"),
    );
    match (tracked && trainable).then(|| ctx.delete_statement(statement.byte_range())).flatten() {
        Some(edit) => {
            f.message.push_str(": the weights listed come from self.add_weight, which tracks them already");
            f.fixes.push(Fix::safe(vec![edit]));
        }
        None => f.message.push_str(
            ": create each weight with self.add_weight(..., trainable=...) instead, which tracks it, and drop this line",
        ),
    }
    ctx.push(f);
}

/// The `self.x` attributes a class assigns from `self.add_weight(…)` with no `trainable=` keyword.
fn weights_made<'a>(ctx: &Ctx<'a>, class: Node<'_>) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut cursor = class.walk();
    let mut stack = vec![class];
    while let Some(n) = stack.pop() {
        if n.kind() == "assignment"
            && let (Some(left), Some(right)) = (n.child_by_field_name("left"), n.child_by_field_name("right"))
            && right.kind() == "call"
            && right.child_by_field_name("function").is_some_and(|f| ctx.text(f) == "self.add_weight")
            && !ctx.text(right).contains("trainable")
        {
            out.push(ctx.text(left));
        }
        stack.extend(n.named_children(&mut cursor));
    }
    out
}
