//! The `native` alternatives: idiomatic TF2 replacements (`tf.layers.dense` → a Keras `Dense`
//! layer, `tf.train.AdamOptimizer` → `tf.keras.optimizers.Adam`), offered beside the
//! tf.compat.v1 rewrite of the same call.

use tree_sitter::Node;

use crate::fix::{Edit, Fix};
use crate::rules::call::Call;
use crate::rules::context::Ctx;
use crate::rules::table::tables;

/// The native rewrite of `call` (whose callee is the canonical `name`), if the table has one and
/// the call's arguments all have a place in it: positional arguments that keep their meaning stay,
/// the others are passed by keyword, keywords the replacement lacks are dropped (the table says
/// which), and a call giving one that has no equivalent (`num_proj=`) gets no native rewrite.
pub fn alternative(
    ctx: &Ctx<'_>,
    call: Node<'_>,
    name: &str,
    root_local: &str,
    root_canonical: &str,
) -> Option<(Fix, String)> {
    let entry = tables().native.get(name)?;
    let callee = ctx.spell(entry.replacement, root_local, root_canonical)?;
    let call = Call::new(call, &ctx.src.text)?;
    if call.has_splat() {
        return None;
    }
    let args = &call.args;
    let positional = call.positional();
    if positional.len() > entry.positional.len() {
        return None; // more than TF1 accepted: not a call this table can read
    }
    let given = |param: &str| {
        call.keyword(param).is_some() || entry.positional.iter().take(positional.len()).any(|p| *p == param)
    };
    if entry.blocking.iter().any(|b| given(b)) {
        return None;
    }
    let applied = |param: &str| entry.layer && matches!(param, "inputs" | "training");
    let change = |param: &str| {
        if applied(param) { None } else { entry.keywords.iter().find(|c| c.old == param).map(|c| c.new) }
    };
    let mut removed = vec![false; args.len()];
    let mut edits = vec![Edit::replacement(call.callee.byte_range(), callee)];
    // Positional arguments past the kept ones: by keyword (under the new name), or dropped.
    for (i, arg) in positional.iter().enumerate().skip(entry.kept) {
        let param = entry.positional[i];
        if applied(param) {
            return None; // `training` given by position: rare, left to the compat.v1 rewrite
        }
        match change(param) {
            Some(None) => removed[i] = true,
            Some(Some(new)) => edits.push(Edit::insertion(arg.start_byte(), format!("{new}="))),
            None => edits.push(Edit::insertion(arg.start_byte(), format!("{param}="))),
        }
    }
    let mut tail = None;
    if entry.layer {
        // The layer is built from the other arguments and applied to the inputs (and `training`).
        let inputs = match call.keyword("inputs") {
            Some(arg) => {
                removed[args.iter().position(|a| *a == arg)?] = true;
                arg.child_by_field_name("value")?
            }
            None => {
                let first = *positional.first()?;
                removed[0] = true;
                first
            }
        };
        let mut call_args = ctx.text(inputs).to_owned();
        if let Some(training) = call.keyword("training") {
            removed[args.iter().position(|a| *a == training)?] = true;
            call_args.push_str(", ");
            call_args.push_str(ctx.text(training));
        }
        tail = Some(Edit::insertion(call.node.end_byte(), format!("({call_args})")));
    }
    let keywords = call.keyword_edits(change, removed)?;
    let dropped: Vec<&str> = entry
        .keywords
        .iter()
        .filter(|c| c.new.is_none() && given(c.old) && !c.old.starts_with('_'))
        .map(|c| c.old)
        .collect();
    edits.extend(keywords.edits);
    edits.extend(tail);
    let note = if dropped.is_empty() {
        entry.note.to_owned()
    } else {
        let list = dropped.iter().map(|d| format!("`{d}`")).collect::<Vec<_>>().join(", ");
        format!("{}; {list} dropped: the replacement has no such argument", entry.note)
    };
    Some((Fix::review(edits).labelled("native"), note))
}

/// Whether the native rewrite of the TF1 `name` is a Keras optimizer.
pub(crate) fn is_optimizer(name: &str) -> bool {
    tables().native.get(name).is_some_and(|e| e.replacement.starts_with("tf.keras.optimizers."))
}

/// After the walk: a native rewrite stays the default only where the surrounding code can use it.
/// Keras 3 layers and optimizers do not run in TF1 graph mode, and a Keras optimizer has no
/// `compute_gradients`, needs `var_list` in `minimize` and takes no `global_step`: in such a file
/// the tf.compat.v1 rewrite becomes the default and the native one the alternative.
pub(crate) fn finish(ctx: &mut Ctx<'_>) {
    let defaults = std::mem::take(&mut ctx.native_defaults);
    if defaults.is_empty() {
        return;
    }
    let graph = !ctx.graph_uses.is_empty()
        || ctx.code_mentions("disable_v2_behavior")
        || ctx.code_mentions("disable_eager_execution");
    let tf1_training = tf1_optimizer_call(ctx);
    for d in defaults {
        let why = if graph {
            "this file runs graph-mode code, where Keras 3 layers and optimizers do not work"
        } else if d.optimizer && tf1_training {
            "this file trains through the TF1 optimizer API (compute_gradients, minimize without var_list, global_step)"
        } else {
            continue;
        };
        let f = &mut ctx.findings_mut()[d.finding];
        if f.fixes.len() < 2 {
            continue; // its fixes were dropped (the statement does not parse)
        }
        f.fixes.rotate_left(1);
        f.message = format!("{} (the native rewrite is the alternative: {why})", f.message);
    }
}

/// Whether the file calls an optimizer method the TF1 way: `.compute_gradients(…)`,
/// `.minimize(…)` without `var_list`, `.apply_gradients(…, global_step=…)`.
fn tf1_optimizer_call(ctx: &Ctx<'_>) -> bool {
    let text = ctx.src.text.as_str();
    let mut cursor = ctx.src.tree.walk();
    loop {
        let node = cursor.node();
        if node.kind() == "call"
            && let Some(call) = Call::new(node, text)
            && call.callee.kind() == "attribute"
            && let Some(attr) = call.callee.child_by_field_name("attribute")
        {
            let method = &text[attr.byte_range()];
            let tf1 = match method {
                "compute_gradients" => true,
                "minimize" => call.argument("var_list", 1).is_none() && !call.has_splat(),
                "apply_gradients" => call.keyword("global_step").is_some() || call.positional().len() > 1,
                _ => false,
            };
            if tf1 {
                return true;
            }
        }
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return false;
            }
        }
    }
}
