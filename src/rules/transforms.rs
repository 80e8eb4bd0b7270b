//! Function-specific rewrites, where a rename alone would change behaviour.
//!
//! Each transformer makes the smallest edits it can (the callee's name, one argument), never
//! replacing a span that holds other code, so nested calls are rewritten independently.

use tree_sitter::Node;

use crate::fix::{Edit, Finding, Fix, Severity};
use crate::rules::arguments::{arguments, callee, keyword_name};
use crate::rules::context::Ctx;

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

/// Whether a transformer rewrites calls of `name` (so the plain rename must not).
pub fn claims(name: &str) -> bool {
    CASTS.iter().any(|(n, _)| *n == name) || KEEP_PROB.contains(&name)
}

/// Whether a transformer handles keyword `kw` of `name` (so the keyword tables must not).
pub fn claims_keyword(name: &str, kw: &str) -> bool {
    KEEP_PROB.contains(&name) && kw == "keep_prob"
}

pub fn check_call(ctx: &mut Ctx<'_>, call: Node<'_>) {
    if ctx.options.strategy == crate::rules::Strategy::Compat {
        return;
    }
    let Some(name) = callee(ctx, call) else {
        return;
    };
    if let Some((_, dtype)) = CASTS.iter().find(|(n, _)| *n == name) {
        cast(ctx, call, &name, dtype);
    } else if KEEP_PROB.contains(&name.as_str()) {
        keep_prob(ctx, call, &name);
    }
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

fn cast(ctx: &mut Ctx<'_>, call: Node<'_>, name: &str, dtype: &str) {
    let Some(func) = call.child_by_field_name("function") else {
        return;
    };
    let args = arguments(call);
    let Some(first) =
        args.first().filter(|a| !matches!(a.kind(), "keyword_argument" | "list_splat" | "dictionary_splat"))
    else {
        ctx.push(Finding::new(
            "cast-shorthand",
            Severity::Error,
            call.byte_range(),
            format!("`{name}` was removed in TensorFlow 2: use tf.cast(x, tf.{dtype})"),
        ));
        return;
    };
    let parts = crate::resolve::dotted_parts(func).unwrap_or_default();
    let root = parts.first().map_or("tf", |p| ctx.text(*p));
    let Some(cast_name) = ctx.spell("tf.cast", root, "tf") else {
        return;
    };
    let Some(dtype_name) = ctx.spell(&format!("tf.{dtype}"), root, "tf") else {
        return;
    };
    let edits = vec![
        Edit::replacement(func.byte_range(), cast_name),
        Edit::insertion(first.end_byte(), format!(", {dtype_name}")),
    ];
    let f = Finding::new(
        "cast-shorthand",
        Severity::Error,
        func.byte_range(),
        format!("`{name}(x)` was removed in TensorFlow 2: `tf.cast(x, tf.{dtype})`"),
    )
    .with_fix(Fix::safe(edits));
    ctx.push(f);
}

/// Parameters of TF1's `tf.nn.dropout` after `keep_prob`, in order (same names in TF2).
const DROPOUT_TAIL: &[&str] = &["noise_shape", "seed", "name"];

fn keep_prob(ctx: &mut Ctx<'_>, call: Node<'_>, name: &str) {
    let args = arguments(call);
    let keyword = args.iter().find(|a| keyword_name(**a).is_some_and(|k| ctx.text(k) == "keep_prob"));
    let mut edits = Vec::new();
    let range = if let Some(arg) = keyword {
        let Some(value) = arg.child_by_field_name("value") else { return };
        edits.push(Edit::replacement(arg.byte_range(), format!("rate=1 - {}", atom(ctx, value))));
        arg.byte_range()
    } else {
        // TF1's second positional argument is keep_prob. It becomes the keyword `rate=`, so a
        // second pass (which reads TF2 code) sees no positional keep_prob; later positional
        // arguments must then become keywords too.
        let positional: Vec<Node<'_>> =
            args.iter().copied().take_while(|a| !matches!(a.kind(), "keyword_argument" | "dictionary_splat")).collect();
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
        "dropout-keep-prob",
        Severity::Error,
        range,
        format!("`{name}` takes the drop rate in TensorFlow 2: keep_prob k becomes rate=1 - k"),
    )
    .with_fix(Fix::safe(edits));
    ctx.push(f);
}
