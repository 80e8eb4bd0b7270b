//! Function-specific rewrites, where a rename alone would change behaviour.
//!
//! Each transformer makes the smallest edits it can (the callee's name, one argument), never
//! replacing a span that holds other code, so nested calls are rewritten independently.

use tree_sitter::Node;

use crate::fix::{Edit, Finding, Fix, Severity};
use crate::rules::Rule;
use crate::rules::call::{Call, Rewrite, keyword_name, rename_keyword};
use crate::rules::context::{Ctx, tf_callee};
use crate::rules::eager;

/// `tf.to_float` and friends → `tf.cast(x, dtype)`.
const CASTS: &[(&str, &str)] = &[
    ("tf.to_bfloat16", "bfloat16"),
    ("tf.to_complex128", "complex128"),
    ("tf.to_complex64", "complex64"),
    ("tf.to_double", "float64"),
    ("tf.to_float", "float32"),
    ("tf.to_int32", "int32"),
    ("tf.to_int64", "int64"),
];

/// Functions whose dropout-style `keep_prob` becomes `rate = 1 - keep_prob`.
const KEEP_PROB: &[&str] = &["tf.nn.dropout"];

/// A function-specific rewrite of one call.
type Transformer = Rewrite;

/// Every transformer by the canonical TF1 name it rewrites. Casts and dropout are listed above.
const TRANSFORMERS: &[(&str, Transformer)] = &[
    ("tf.contrib.layers.l1_regularizer", regularizer),
    ("tf.contrib.layers.l2_regularizer", regularizer),
    ("tf.contrib.layers.xavier_initializer", xavier),
    ("tf.contrib.layers.xavier_initializer_conv2d", xavier),
    ("tf.device", device),
    ("tf.image.resize", resize),
    ("tf.image.resize_area", resize),
    ("tf.image.resize_bicubic", resize),
    ("tf.image.resize_bilinear", resize),
    ("tf.image.resize_images", resize),
    ("tf.image.resize_nearest_neighbor", resize),
    ("tf.name_scope", name_scope),
    ("tf.nn.softmax_cross_entropy_with_logits", softmax_xent),
    ("keras.backend.tensorflow_backend._get_available_gpus", available_gpus),
];

/// Methods of TF1 objects that TF2 removed, rewritten as functions of the object.
const METHODS: &[(&str, &str)] = &[
    ("make_initializable_iterator", "tf.compat.v1.data.make_initializable_iterator"),
    ("make_one_shot_iterator", "tf.compat.v1.data.make_one_shot_iterator"),
];

fn transformer(name: &str) -> Option<Transformer> {
    if CASTS.iter().any(|(n, _)| *n == name) {
        return Some(cast_call);
    }
    if KEEP_PROB.contains(&name) {
        return Some(keep_prob);
    }
    TRANSFORMERS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t).or_else(|| eager::rewrite(name))
}

/// Whether a transformer rewrites calls of `name` (so the plain rename must not).
pub(crate) fn claims(name: &str) -> bool {
    transformer(name).is_some()
}

/// Whether a transformer handles keyword `kw` of `name` (so the keyword tables must not).
pub(crate) fn claims_keyword(name: &str, kw: &str) -> bool {
    (KEEP_PROB.contains(&name) && kw == "keep_prob")
        || (name == "tf.nn.softmax_cross_entropy_with_logits" && kw == "dim")
}

pub(crate) fn check_call(ctx: &mut Ctx<'_>, call: Node<'_>, resolved: Option<&str>) {
    if let Some(name @ ("tf.concat" | "tf.split")) = tf_callee(resolved)
        && let Some(call) = Call::new(call, &ctx.src.text)
    {
        // Under every strategy: tf.compat.v1 has the 1.x order too.
        tf0_order(ctx, &call, name);
    }
    // Keras names are no TF1 API that tf.compat.v1 keeps: rewritten under every strategy.
    let keras = resolved.filter(|name| name.starts_with("keras."));
    if ctx.options.strategy == crate::rules::Strategy::Compat && keras.is_none() {
        return;
    }
    // The call is taken apart only for a callee some rewrite is about (most calls are not).
    match tf_callee(resolved).or(keras) {
        Some(name) => {
            if let Some(t) = transformer(name)
                && let Some(call) = Call::new(call, &ctx.src.text)
            {
                t(ctx, &call, name);
            }
        }
        None => method_call(ctx, call),
    }
}

/// TensorFlow 0.x argument orders that 1.0 reversed: `tf.concat(concat_dim, values)` is now
/// `tf.concat(values, axis)`, `tf.split(split_dim, num_split, value)` is `tf.split(value,
/// num_or_size_splits, axis)`. Told apart by an integer literal first, which no 1.x call has
/// there (a number is neither a list of tensors to join nor a tensor worth splitting); the two
/// arguments trade places. With a name first, the order cannot be told: nothing is said.
fn tf0_order(ctx: &mut Ctx<'_>, call: &Call<'_>, name: &str) {
    let (count, other) = if name == "tf.concat" { (2, 1) } else { (3, 2) };
    if call.args.len() != count || call.positional().len() != count || call.has_splat() {
        return;
    }
    let (first, last) = (call.args[0], call.args[other]);
    let text = call.text_of(first);
    if !(first.kind() == "integer"
        || (first.kind() == "unary_operator"
            && text.starts_with('-')
            && text[1..].trim().bytes().all(|b| b.is_ascii_digit())))
    {
        return;
    }
    let edits =
        vec![Edit::replacement(first.byte_range(), call.text_of(last)), Edit::replacement(last.byte_range(), text)];
    let message = if name == "tf.concat" {
        "`tf.concat(concat_dim, values)` is TensorFlow 0.x's order: since 1.0 it is `tf.concat(values, axis)`"
    } else {
        "`tf.split(split_dim, num_split, value)` is TensorFlow 0.x's order: since 1.0 it is `tf.split(value, num_or_size_splits, axis)`"
    };
    push(ctx, Rule::ArgumentOrder, call.node.byte_range(), message.to_owned(), Some(Fix::safe(edits)), Vec::new());
}

/// How to spell the canonical `target` where the call's callee is written: through the callee's
/// root binding, else a TensorFlow alias visible here, else a new `import tensorflow as tf` (its
/// finding goes into `needs`).
fn respell(ctx: &mut Ctx<'_>, call: &Call<'_>, target: &str, needs: &mut Vec<usize>) -> Option<String> {
    let parts = crate::resolve::dotted_parts(ctx.nodes, ctx.nodes.index_of(call.callee)?)?;
    let root = crate::rules::context::canonical(ctx.resolve_root(parts[0])?);
    let why = "import tensorflow: a rewrite of a name imported from it needs the module";
    let (spelled, requires) = ctx.spell_tf(target, (ctx.text(parts[0]), &root), Rule::FunctionRewrite, why)?;
    needs.extend(requires);
    Some(spelled)
}

/// The callee of `call` renamed to the canonical `target`, plus `more` edits.
fn renamed_call(
    ctx: &mut Ctx<'_>,
    call: &Call<'_>,
    target: &str,
    mut more: Vec<Edit>,
    needs: &mut Vec<usize>,
) -> Option<Vec<Edit>> {
    more.push(Edit::replacement(call.callee.byte_range(), respell(ctx, call, target, needs)?));
    Some(more)
}

fn is_literal(ctx: &Ctx<'_>, node: Option<Node<'_>>, value: &str) -> bool {
    node.and_then(|n| n.child_by_field_name("value").or(Some(n))).is_some_and(|v| ctx.text(v) == value)
}

fn push(
    ctx: &mut Ctx<'_>,
    rule: Rule,
    range: std::ops::Range<usize>,
    message: String,
    fix: Option<Fix>,
    needs: Vec<usize>,
) {
    let mut f = Finding::new(rule, Severity::Error, range, message);
    if fix.is_some() {
        f.requires = needs;
    }
    f.fixes.extend(fix);
    ctx.push(f);
}

fn cast_call(ctx: &mut Ctx<'_>, call: &Call<'_>, name: &str) {
    if let Some((_, dtype)) = CASTS.iter().find(|(n, _)| *n == name) {
        cast(ctx, call, name, dtype);
    }
}

/// Keras 2's private `K.tensorflow_backend._get_available_gpus()`, the names of the GPUs (the usual
/// "is there a GPU?" test of Keras 2 code): the module is gone from tf.keras and Keras 3;
/// `[d.name for d in tf.config.list_logical_devices('GPU')]` lists the same devices.
fn available_gpus(ctx: &mut Ctx<'_>, call: &Call<'_>, name: &str) {
    if !call.args.is_empty() {
        return;
    }
    let mut needs = Vec::new();
    let Some(list) = respell(ctx, call, "tf.config.list_logical_devices", &mut needs) else { return };
    let new = format!("[d.name for d in {list}('GPU')]");
    let message = format!("`{name}` is private to Keras 2.0-2.3, gone from tf.keras: list the GPUs with tf.config");
    let fix = Fix::safe(vec![Edit::replacement(call.node.byte_range(), new)]);
    push(ctx, Rule::FunctionRewrite, call.node.byte_range(), message, Some(fix), needs);
}

/// TF1's `softmax_cross_entropy_with_logits` does not backpropagate into labels; TF2's does.
fn softmax_xent(ctx: &mut Ctx<'_>, call: &Call<'_>, name: &str) {
    let mut needs = Vec::new();
    let mut edits = Vec::new();
    if let Some(dim) = call.keyword("dim") {
        if call.keyword("axis").is_some() {
            return; // `dim=` beside `axis=`: TF1 refused both.
        }
        edits.extend(rename_keyword(dim, "axis"));
    }
    let labels = call.keyword_value("labels");
    if let Some(value) = labels {
        let already = ctx.text(value).contains("stop_gradient(");
        if !already {
            let Some(stop) = respell(ctx, call, "tf.stop_gradient", &mut needs) else { return };
            edits.push(Edit::insertion(value.start_byte(), format!("{stop}(")));
            edits.push(Edit::insertion(value.end_byte(), ")"));
        }
    }
    if edits.is_empty() {
        return;
    }
    let message =
        format!("`{name}` in TF2 backpropagates into labels: tf.stop_gradient keeps TF1's behaviour; dim= is axis=");
    push(ctx, Rule::FunctionRewrite, call.node.byte_range(), message, Some(Fix::safe(edits)), needs);
}

/// `tf.image.resize_*` → `tf.image.resize(..., method=...)` unless TF1-only options are used.
fn resize(ctx: &mut Ctx<'_>, call: &Call<'_>, name: &str) {
    let mut needs = Vec::new();
    let method = match name {
        "tf.image.resize_area" => Some("AREA"),
        "tf.image.resize_bicubic" => Some("BICUBIC"),
        "tf.image.resize_bilinear" => Some("BILINEAR"),
        "tf.image.resize_nearest_neighbor" => Some("NEAREST_NEIGHBOR"),
        _ => None,
    };
    let args = &call.args;
    let positional = call.positional();
    let max_positional = if method.is_some() { 2 } else { 3 };
    let tf1_only = ["align_corners", "half_pixel_centers"].iter().any(|k| {
        let arg = call.keyword(k);
        arg.is_some() && !is_literal(ctx, arg, "False")
    });
    if tf1_only || positional.len() > max_positional || positional.iter().any(|a| a.kind() == "list_splat") {
        let target = name.replacen("tf.", "tf.compat.v1.", 1);
        let Some(edits) = renamed_call(ctx, call, &target, Vec::new(), &mut needs) else { return };
        let message = format!("`{name}` with align_corners/half_pixel_centers has no TF2 equivalent: `{target}`");
        push(ctx, Rule::FunctionRewrite, call.node.byte_range(), message, Some(Fix::safe(edits)), needs);
        return;
    }
    if call.keyword("method").is_some() && method.is_some() {
        return; // `resize_bilinear(..., method=...)` is not a TF1 call.
    }
    let removed: Vec<bool> = args
        .iter()
        .map(|a| keyword_name(*a).is_some_and(|k| matches!(ctx.text(k), "align_corners" | "half_pixel_centers")))
        .collect();
    let mut edits = call.removal_edits(&removed);
    if let Some(method) = method {
        let Some(m) = respell(ctx, call, &format!("tf.image.ResizeMethod.{method}"), &mut needs) else { return };
        let Some(last) = args.iter().zip(&removed).rev().find(|(_, r)| !**r).map(|(a, _)| a.end_byte()) else { return };
        edits.push(Edit::insertion(last, format!(", method={m}")));
    }
    if method.is_none() && edits.is_empty() && name == "tf.image.resize" {
        return; // Already the TF2 spelling with nothing TF1-only: nothing to do.
    }
    let Some(edits) = renamed_call(ctx, call, "tf.image.resize", edits, &mut needs) else { return };
    // The same function under tf.compat.v1 keeps TF1's results (a second fix, and a rename only).
    let v1 = name.replacen("tf.", "tf.compat.v1.", 1);
    let compat = renamed_call(ctx, call, &v1, Vec::new(), &mut needs).map(|e| Fix::safe(e).labelled("compat.v1"));
    let message = format!(
        "`{name}` is tf.image.resize in TF2, whose values differ: it samples at half-pixel centres (TF1 defaults to align_corners=False, half_pixel_centers=False), returns float32 for every method but nearest neighbour, and has no align_corners; `{v1}` keeps TF1's results"
    );
    let mut f = Finding::new(Rule::FunctionRewrite, Severity::Error, call.node.byte_range(), message)
        .with_fix(Fix::review(edits).labelled("tf.image.resize"));
    f.fixes.extend(compat);
    f.requires = needs;
    ctx.push(f);
}

/// `tf.contrib.layers.xavier_initializer(uniform=...)` → the glorot initializer of tf.compat.v1.
fn xavier(ctx: &mut Ctx<'_>, call: &Call<'_>, name: &str) {
    let mut needs = Vec::new();
    let positional = call.positional();
    let uniform = call.keyword("uniform").or_else(|| positional.first().copied());
    let target = if uniform.is_none() || is_literal(ctx, uniform, "True") {
        "tf.compat.v1.glorot_uniform_initializer"
    } else if is_literal(ctx, uniform, "False") {
        "tf.compat.v1.glorot_normal_initializer"
    } else {
        push(
            ctx,
            Rule::Contrib,
            call.node.byte_range(),
            format!(
                "`{name}`: use tf.compat.v1.glorot_uniform_initializer (uniform=True) or glorot_normal_initializer"
            ),
            None,
            needs,
        );
        return;
    };
    if positional.len() > 1 {
        push(
            ctx,
            Rule::Contrib,
            call.node.byte_range(),
            format!("`{name}`: pass seed= and dtype= by keyword, then use {target}"),
            None,
            needs,
        );
        return;
    }
    let removed: Vec<bool> = call.args.iter().map(|a| Some(*a) == uniform).collect();
    let Some(edits) = renamed_call(ctx, call, target, call.removal_edits(&removed), &mut needs) else { return };
    push(
        ctx,
        Rule::Contrib,
        call.node.byte_range(),
        format!("`{name}` is `{target}` (the same Glorot/Xavier scheme)"),
        Some(Fix::safe(edits)),
        needs,
    );
}

/// `tf.contrib.layers.l2_regularizer(s)`: the same function is `tf_slim.l2_regularizer(s)` (the
/// default: exact, and what graph-mode code with `apply_regularization` or `get_variable(regularizer=)`
/// needs); the Keras regularizer is the native alternative: `l2_regularizer(s)` penalises s·Σw²/2,
/// Keras `l2(x)` penalises x·Σw², so it gets `0.5 * s` (and graph-mode TF1 variables reject it:
/// "Invalid dtype: `float32_ref`").
fn regularizer(ctx: &mut Ctx<'_>, call: &Call<'_>, name: &str) {
    let mut needs = Vec::new();
    let args = &call.args;
    let l2 = name.ends_with("l2_regularizer");
    let function = if l2 { "l2_regularizer" } else { "l1_regularizer" };
    let Some(scale) = call.argument("scale", 0) else { return };
    let slim = slim_call(ctx, call, function);
    let removed: Vec<bool> = args
        .iter()
        .map(|a| {
            keyword_name(*a).is_some_and(|k| ctx.text(k) == "scope")
                || (args.iter().position(|x| x == a) == Some(1) && a.kind() != "keyword_argument")
        })
        .collect();
    let value = if l2 { format!("0.5 * {}", atom(ctx, scale)) } else { ctx.text(scale).to_owned() };
    let scale_arg = args.iter().find(|a| a.byte_range().contains(&scale.start_byte())).copied().unwrap_or(scale);
    let mut edits = call.removal_edits(&removed);
    edits.push(Edit::replacement(scale_arg.byte_range(), value));
    let target = if l2 { "tf.keras.regularizers.l2" } else { "tf.keras.regularizers.l1" };
    let keras = renamed_call(ctx, call, target, edits, &mut needs).map(|e| Fix::review(e).labelled("native"));
    let why = if l2 {
        "l2_regularizer(s) penalises s·Σw²/2, Keras l2(x) penalises x·Σw²: the factor 0.5 keeps the loss; TF1 graph-mode variables reject Keras regularizers (Invalid dtype: float32_ref)"
    } else {
        "the same penalty; TF1 graph-mode variables reject Keras regularizers (Invalid dtype: float32_ref)"
    };
    let native_first = ctx.options.strategy == crate::rules::Strategy::Native && keras.is_some() && slim.is_some();
    let mut fixes: Vec<Fix> = slim.into_iter().chain(keras).collect();
    if native_first {
        fixes.rotate_left(1);
    }
    if fixes.is_empty() {
        return;
    }
    let message = format!(
        "`{name}` is `tf_slim.{function}` (the same function, pip install tf-slim); native alternative: `{target}` ({why})"
    );
    let mut f = Finding::new(Rule::Contrib, Severity::Error, call.node.byte_range(), message);
    f.fixes = fixes;
    f.requires = needs;
    let i = ctx.push(f);
    if native_first {
        ctx.native_defaults.push(crate::rules::context::NativeDefault { finding: i, optimizer: false });
    }
}

/// The callee renamed to `tf_slim.<function>`, with `import tf_slim` in the same fix where the
/// file does not import it (an identical import line of another rewrite is applied once).
fn slim_call(ctx: &Ctx<'_>, call: &Call<'_>, function: &str) -> Option<Fix> {
    let mut edits = Vec::new();
    let slim = match ctx.alias_here("tf_slim") {
        Some(alias) => alias.to_owned(),
        None if ctx.is_fresh("tf_slim") => {
            let at = ctx.after_imports();
            edits.push(Edit::insertion(at, ctx.line(at, "import tf_slim")));
            "tf_slim".to_owned()
        }
        None => return None,
    };
    edits.push(Edit::replacement(call.callee.byte_range(), format!("{slim}.{function}")));
    Some(Fix::review(edits).labelled("tf-slim").needing("tf-slim"))
}

/// TF2's `tf.name_scope` takes only a name; TF1's `default_name`/`values` need `tf.compat.v1`.
fn name_scope(ctx: &mut Ctx<'_>, call: &Call<'_>, name: &str) {
    let mut needs = Vec::new();
    let v1_only =
        call.positional().len() > 1 || call.keyword("default_name").is_some() || call.keyword("values").is_some();
    if !v1_only {
        return;
    }
    let Some(edits) = renamed_call(ctx, call, "tf.compat.v1.name_scope", Vec::new(), &mut needs) else { return };
    push(
        ctx,
        Rule::CompatV1,
        call.node.byte_range(),
        format!("`{name}` with default_name/values is tf.compat.v1.name_scope in TF2"),
        Some(Fix::safe(edits)),
        needs,
    );
}

/// TF2's `tf.device` takes only a device string; TF1 also took a function.
fn device(ctx: &mut Ctx<'_>, call: &Call<'_>, name: &str) {
    let mut needs = Vec::new();
    let Some(&first) = call.args.first() else { return };
    let value = first.child_by_field_name("value").unwrap_or(first);
    if matches!(value.kind(), "string" | "none" | "concatenated_string" | "binary_operator" | "call") {
        return;
    }
    let Some(edits) = renamed_call(ctx, call, "tf.compat.v1.device", Vec::new(), &mut needs) else { return };
    push(
        ctx,
        Rule::CompatV1,
        call.node.byte_range(),
        format!("`{name}` with a device function is tf.compat.v1.device in TF2 (TF2 takes only strings)"),
        Some(Fix::safe(edits)),
        needs,
    );
}

/// `ds.make_one_shot_iterator()` → `tf.compat.v1.data.make_one_shot_iterator(ds)`.
fn method_call(ctx: &mut Ctx<'_>, node: Node<'_>) {
    let g = crate::source::grammar();
    let Some(func) = node.child_by_field_id(g.function_field).filter(|f| f.kind_id() == g.attribute) else {
        return;
    };
    let (Some(object), Some(attr)) =
        (func.child_by_field_id(g.object_field), func.child_by_field_id(g.attribute_field))
    else {
        return;
    };
    let method = ctx.text(attr);
    let Some((_, target)) = METHODS.iter().find(|(m, _)| *m == method) else { return };
    let Some(call) = Call::new(node, &ctx.src.text) else { return };
    if !call.args.is_empty() || ctx.resolve(object).is_some() {
        return;
    }
    // `.make_one_shot_iterator()` is replaced from its dot: comments before the dot stay.
    let mut cursor = func.walk();
    let Some(dot) = func.children(&mut cursor).find(|c| c.kind() == ".") else { return };
    let tail = dot.start_byte()..call.node.end_byte();
    if ctx.text(call.node)[tail.start - call.node.start_byte()..].contains('#') {
        return; // A comment inside `.method(  # …` would be lost.
    }
    let Some(tf) = ctx.imports.aliases_of("tensorflow").min() else { return };
    let function = format!("{tf}{}", &target[2..]);
    let edits = vec![Edit::insertion(object.start_byte(), format!("{function}(")), Edit::replacement(tail, ")")];
    let message = format!("Dataset.{method}() was removed in TF2: `{target}(dataset)`");
    push(ctx, Rule::FunctionRewrite, attr.byte_range(), message, Some(Fix::safe(edits)), Vec::new());
}

/// Text of an expression, parenthesised unless it is atomic.
fn atom(ctx: &Ctx<'_>, node: Node<'_>) -> String {
    let text = ctx.text(node);
    match node.kind() {
        "identifier" | "attribute" | "integer" | "float" | "call" | "subscript" | "parenthesized_expression" => {
            text.to_owned()
        }
        _ => format!("({text})"),
    }
}

fn cast(ctx: &mut Ctx<'_>, call: &Call<'_>, name: &str, dtype: &str) {
    let mut needs = Vec::new();
    let func = call.callee;
    let Some(first) =
        call.args.first().filter(|a| !matches!(a.kind(), "keyword_argument" | "list_splat" | "dictionary_splat"))
    else {
        ctx.push(Finding::new(
            Rule::CastShorthand,
            Severity::Error,
            call.node.byte_range(),
            format!("`{name}` was removed in TensorFlow 2: use tf.cast(x, tf.{dtype})"),
        ));
        return;
    };
    // Spelled through the callee's own root binding (`tf`, `tflow`, or a from-imported name).
    let Some(cast_name) = respell(ctx, call, "tf.cast", &mut needs) else {
        return;
    };
    let Some(dtype_name) = respell(ctx, call, &format!("tf.{dtype}"), &mut needs) else {
        return;
    };
    let edits = vec![
        Edit::replacement(func.byte_range(), cast_name),
        Edit::insertion(first.end_byte(), format!(", {dtype_name}")),
    ];
    let mut f = Finding::new(
        Rule::CastShorthand,
        Severity::Error,
        func.byte_range(),
        format!("`{name}(x)` was removed in TensorFlow 2: `tf.cast(x, tf.{dtype})`"),
    )
    .with_fix(Fix::safe(edits));
    f.requires = needs;
    ctx.push(f);
}

/// Parameters of TF1's `tf.nn.dropout` after `keep_prob`, in order (same names in TF2).
const DROPOUT_TAIL: &[&str] = &["noise_shape", "seed", "name"];

fn keep_prob(ctx: &mut Ctx<'_>, call: &Call<'_>, name: &str) {
    if call.keyword("rate").is_some() {
        return; // Already the TF2 form.
    }
    let keyword = call.keyword("keep_prob");
    let mut edits = Vec::new();
    let range = if let Some(arg) = keyword {
        let (Some(name), Some(value)) = (keyword_name(arg), arg.child_by_field_name("value")) else { return };
        // The name and the value change separately: a comment between them stays.
        edits.push(Edit::replacement(name.byte_range(), "rate"));
        edits.push(Edit::replacement(value.byte_range(), format!("1 - {}", atom(ctx, value))));
        arg.byte_range()
    } else {
        // TF1's second positional argument is keep_prob. It becomes the keyword `rate=`, so a
        // second pass (which reads TF2 code) sees no positional keep_prob; later positional
        // arguments must then become keywords too.
        let positional = call.positional();
        let Some(value) = positional.get(1) else { return };
        if positional.iter().any(|a| a.kind() == "list_splat") {
            return;
        }
        edits.push(Edit::replacement(value.byte_range(), format!("rate=1 - {}", atom(ctx, *value))));
        for (arg, param) in positional.iter().skip(2).zip(DROPOUT_TAIL) {
            edits.push(Edit::insertion(arg.start_byte(), format!("{param}=")));
        }
        value.byte_range()
    };
    let f = Finding::new(
        Rule::DropoutKeepProb,
        Severity::Error,
        range,
        format!("`{name}` takes the drop rate in TensorFlow 2: keep_prob k becomes rate=1 - k"),
    )
    .with_fix(Fix::safe(edits));
    ctx.push(f);
}

/// TensorFlow types whose graph-mode instances are subclasses in TF >= 2.14 (`SymbolicTensor`).
const EXACT_TYPE_CHECKS: &[&str] = &["tf.Tensor", "tf.Variable", "tf.compat.v1.Tensor", "tf.compat.v1.Variable"];

/// `type(x) is tf.Tensor` → `isinstance(x, tf.Tensor)` (and `is not` / `!=` → `not isinstance`).
/// Under every strategy: the compat.v1 names are the same classes, and just as subclassed.
pub(crate) fn check_comparison(ctx: &mut Ctx<'_>, node: Node<'_>) {
    if node.named_child_count() != 2 {
        return;
    }
    let (Some(left), Some(right)) = (node.named_child(0), node.named_child(1)) else { return };
    let operator: String = ctx.text(node)[left.end_byte() - node.start_byte()..right.start_byte() - node.start_byte()]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let negated = match operator.as_str() {
        "is" | "==" => false,
        "is not" | "!=" => true,
        _ => return,
    };
    let is_type_call = left.kind() == "call"
        && left.child_by_field_name("function").is_some_and(|f| ctx.text(f) == "type" && ctx.resolve_root(f).is_none());
    let Some(type_call) = Call::new(left, &ctx.src.text) else { return };
    let [value] = type_call.args.as_slice() else { return };
    let Some(name) = ctx.resolve(right).map(|q| crate::rules::context::canonical(&q)) else { return };
    if !is_type_call || !EXACT_TYPE_CHECKS.contains(&name.as_str()) || value.kind() == "keyword_argument" {
        return;
    }
    let new = format!("{}isinstance({}, {})", if negated { "not " } else { "" }, ctx.text(*value), ctx.text(right));
    let message = format!(
        "`type(x) is {name}` is false for graph tensors since TensorFlow 2.14 (they are SymbolicTensor, a subclass): isinstance accepts subclasses"
    );
    push(
        ctx,
        Rule::FunctionRewrite,
        node.byte_range(),
        message,
        Some(Fix::review(vec![Edit::replacement(node.byte_range(), new)])),
        Vec::new(),
    );
}
