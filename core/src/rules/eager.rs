//! Eager-style TF1 code (`tf.enable_eager_execution()`, `tf.contrib.eager` as `tfe`) becomes plain
//! TF2, where eager execution is the default: the switch call goes, `tfe.Iterator(ds)` is
//! `iter(ds)`, and the implicit-gradient helpers become small `tf.GradientTape` functions of the
//! same contract. Such a file never gets `disable_v2_behavior()`. Names with a plain successor
//! (`tfe.Variable` → `tf.Variable`, `tfe.defun` → `tf.function`) are in `contrib.tsv`.

use crate::fix::{Edit, Finding, Fix, Severity};
use crate::rules::Rule;
use crate::rules::call::{Call, Rewrite};
use crate::rules::context::Ctx;

/// The calls rewritten here, by canonical name.
const REWRITES: &[(&str, Rewrite)] = &[
    ("tf.contrib.eager.Iterator", iterator),
    ("tf.contrib.eager.enable_eager_execution", enable_eager),
    ("tf.contrib.eager.gradients_function", gradient_helper),
    ("tf.contrib.eager.implicit_gradients", gradient_helper),
    ("tf.contrib.eager.implicit_value_and_gradients", gradient_helper),
    ("tf.contrib.eager.num_gpus", num_gpus),
    ("tf.contrib.eager.value_and_gradients_function", gradient_helper),
    ("tf.enable_eager_execution", enable_eager),
];

/// The rewrite of calls to `name`, if this module has one.
pub(crate) fn rewrite(name: &str) -> Option<Rewrite> {
    REWRITES.iter().find(|(n, _)| *n == name).map(|(_, r)| *r)
}

/// Whether the file is written for TF1's eager mode: it imports `tf.contrib.eager` or turns
/// eager execution on. Such code must never be switched to graph mode.
pub(crate) fn is_eager_style(ctx: &mut Ctx<'_>) -> bool {
    let imports_tfe = ctx.imports.statements.iter().any(|s| match &s.from {
        Some(m) => {
            m.starts_with("tensorflow.contrib.eager")
                || (m == "tensorflow.contrib" && s.names.iter().any(|n| n.name == "eager"))
        }
        None => s.names.iter().any(|n| n.name.starts_with("tensorflow.contrib.eager")),
    });
    imports_tfe || ctx.code_mentions("enable_eager_execution") || ctx.code_mentions("contrib.eager")
}

/// `tf.enable_eager_execution()` on a line of its own is deleted (the whole line); elsewhere
/// (`if x: tf.enable_eager_execution()`) it becomes `None`, which does nothing either.
fn enable_eager(ctx: &mut Ctx<'_>, call: &Call<'_>, name: &str) {
    let node = call.node;
    let statement = node.parent().filter(|p| p.kind() == "expression_statement" && p.byte_range() == node.byte_range());
    let text = ctx.src.text.as_str();
    let edit = match statement {
        Some(stmt) => {
            let start = ctx.line_start(stmt.start_byte());
            let end = ctx.line_end(stmt.end_byte());
            let alone = text[start..stmt.start_byte()].trim().is_empty()
                && text[stmt.end_byte()..end].trim().is_empty()
                && !stmt.parent().is_some_and(|b| {
                    let mut c = b.walk();
                    b.kind() == "block" && b.named_children(&mut c).filter(|n| !n.is_extra()).count() == 1
                });
            if alone { Edit::deletion(start..end) } else { Edit::replacement(node.byte_range(), "None") }
        }
        None => Edit::replacement(node.byte_range(), "None"),
    };
    let message = format!("`{name}()`: eager execution is the default in TensorFlow 2; the call goes");
    ctx.push(
        Finding::new(Rule::EagerCode, Severity::Error, node.byte_range(), message).with_fix(Fix::safe(vec![edit])),
    );
}

/// `tfe.Iterator(dataset)` → `iter(dataset)`: TF2 datasets are Python iterables.
fn iterator(ctx: &mut Ctx<'_>, call: &Call<'_>, name: &str) {
    if call.args.len() != 1 || call.args[0].kind() == "keyword_argument" || call.has_splat() {
        return;
    }
    let edit = Edit::replacement(call.callee.byte_range(), "iter");
    let message = format!("`{name}(dataset)`: TF2 datasets are iterated directly: `iter(dataset)`");
    ctx.push(
        Finding::new(Rule::EagerCode, Severity::Error, call.node.byte_range(), message).with_fix(Fix::safe(vec![edit])),
    );
}

/// `tfe.num_gpus()` → `len(tf.config.list_physical_devices("GPU"))`.
fn num_gpus(ctx: &mut Ctx<'_>, call: &Call<'_>, name: &str) {
    if !call.args.is_empty() {
        return;
    }
    let why = "import tensorflow, needed by the tf.contrib.eager rewrite";
    let Some(tf) = ctx.module_name("tensorflow", &["tf", "tensorflow"], false, Rule::EagerCode, why, None) else {
        return;
    };
    let new = format!("len({}.config.list_physical_devices(\"GPU\"))", tf.name);
    let message = format!("`{name}()` is gone: count the devices with tf.config.list_physical_devices");
    let mut f = Finding::new(Rule::EagerCode, Severity::Error, call.node.byte_range(), message)
        .with_fix(Fix::safe(vec![Edit::replacement(call.node.byte_range(), new)]));
    f.requires.extend(tf.import);
    ctx.push(f);
}

/// The `tf.GradientTape` function that stands in for a `tf.contrib.eager` gradient helper: its
/// name and its definition (`{tf}` is the TensorFlow alias). The `implicit_` helpers take the
/// gradients by the variables the function used, the others by its arguments (`params`: which
/// ones); the `value_and_` ones return the value too.
fn helper(name: &str) -> Option<(&'static str, String)> {
    let (short, implicit, with_value, returns) = match name {
        "tf.contrib.eager.implicit_value_and_gradients" => {
            ("implicit_value_and_gradients", true, true, "(value, [(gradient, variable)])")
        }
        "tf.contrib.eager.implicit_gradients" => ("implicit_gradients", true, false, "[(gradient, variable)]"),
        "tf.contrib.eager.value_and_gradients_function" => {
            ("value_and_gradients_function", false, true, "(value, gradients)")
        }
        "tf.contrib.eager.gradients_function" => {
            ("gradients_function", false, false, "the gradients of f by its arguments")
        }
        _ => return None,
    };
    let value = if with_value { "value, " } else { "" };
    let (params, body) = if implicit {
        (
            "(f)",
            format!(
                "
        with {{tf}}.GradientTape() as tape:
            value = f(*args, **kwargs)
        variables = tape.watched_variables()
        return {value}list(zip(tape.gradient(value, variables), variables))"
            ),
        )
    } else {
        (
            "(f, params=None)",
            format!(
                "
        args = [{{tf}}.convert_to_tensor(a) for a in args]
        watched = args if params is None else [args[i] for i in params]
        with {{tf}}.GradientTape() as tape:
            for a in watched:
                tape.watch(a)
            value = f(*args, **kwargs)
        return {value}tape.gradient(value, watched)"
            ),
        )
    };
    let definition = format!(
        "{params}:
    \"\"\"{name}, with tf.GradientTape: {returns}.\"\"\"
    def grad_fn(*args, **kwargs):{body}
    return grad_fn"
    );
    Some((short, definition))
}

/// `tfe.implicit_gradients(loss_fn)` and friends → a `tf.GradientTape` helper of the same
/// contract, defined once after the imports under a name the file does not use.
fn gradient_helper(ctx: &mut Ctx<'_>, call: &Call<'_>, name: &str) {
    let Some((short, body)) = helper(name) else { return };
    let why = "import tensorflow, needed by the tf.contrib.eager rewrite";
    let Some(tf) = ctx.module_name("tensorflow", &["tf", "tensorflow"], true, Rule::EagerCode, why, None) else {
        return;
    };
    let candidates = [format!("_tf2_{short}"), format!("_tf2_migrate_{short}")];
    let Some(helper) = candidates.iter().find(|n| ctx.is_fresh(n)).cloned() else { return };
    let at = ctx.after_imports();
    let nl = ctx.src.newline();
    let definition = format!("def {helper}{}", body.replace("{tf}", &tf.name)).replace('\n', nl);
    let text = ctx.line(at, &format!("{nl}{nl}{definition}"));
    let message = format!("a tf.GradientTape version of `{name}`, which TensorFlow 2 removed");
    let mut definition_finding = Finding::new(Rule::EagerCode, Severity::Info, at..at, message);
    definition_finding.requires.extend(tf.import);
    let defined = ctx
        .once(&text, || definition_finding.with_fix(Fix::review(vec![Edit::insertion(at, text.clone())])).supporting());
    let message = format!(
        "`{name}` was removed in TensorFlow 2: `{helper}`, defined once in this file, does it with tf.GradientTape"
    );
    let mut f = Finding::new(Rule::EagerCode, Severity::Error, call.callee.byte_range(), message)
        .with_fix(Fix::review(vec![Edit::replacement(call.callee.byte_range(), helper.clone())]));
    f.requires.push(defined);
    ctx.push(f);
}
