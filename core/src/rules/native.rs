//! The `native` alternatives: idiomatic TF2 replacements (`tf.layers.dense` → a Keras `Dense`
//! layer, `tf.train.AdamOptimizer` → `tf.keras.optimizers.Adam`), offered beside the
//! tf.compat.v1 rewrite of the same call.

use tree_sitter::Node;

use crate::fix::{Edit, Fix};
use crate::rules::call::Call;
use crate::rules::context::Ctx;
use crate::rules::table::tables;

/// The native rewrite of `call` (whose callee is the canonical `name`), if the table has one.
pub fn alternative(
    ctx: &Ctx<'_>,
    call: Node<'_>,
    name: &str,
    root_local: &str,
    root_canonical: &str,
) -> Option<(Fix, &'static str)> {
    let entry = tables().native.get(name)?;
    let callee = ctx.spell(entry.replacement, root_local, root_canonical)?;
    let call = Call::new(call, &ctx.src.text)?;
    if call.has_splat() {
        return None;
    }
    let args = &call.args;
    let mut removed = vec![false; args.len()];
    let mut tail = None;
    if entry.layer {
        // The layer is built from the other arguments and applied to the inputs (and `training`).
        let inputs = match call.keyword("inputs") {
            Some(arg) => {
                removed[args.iter().position(|a| *a == arg)?] = true;
                arg.child_by_field_name("value")?
            }
            None => {
                let first = *args.first().filter(|a| a.kind() != "keyword_argument")?;
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
    let change = |name: &str| {
        let applied = entry.layer && matches!(name, "inputs" | "training");
        if applied { None } else { entry.keywords.iter().find(|c| c.old == name).map(|c| c.new) }
    };
    let mut edits = vec![Edit::replacement(call.callee.byte_range(), callee)];
    edits.extend(call.keyword_edits(change, removed)?.edits);
    edits.extend(tail);
    Some((Fix::review(edits).labelled("native"), entry.note))
}
