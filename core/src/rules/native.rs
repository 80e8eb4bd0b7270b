//! The `native` alternatives: idiomatic TF2 replacements (`tf.layers.dense` → a Keras `Dense`
//! layer, `tf.train.AdamOptimizer` → `tf.keras.optimizers.Adam`), offered beside the
//! tf.compat.v1 rewrite of the same call.

use tree_sitter::Node;

use crate::fix::{Edit, Fix};
use crate::rules::call::{Call, keyword_name};
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
    let mut edits = vec![Edit::replacement(call.callee.byte_range(), callee)];
    let mut removed = vec![false; args.len()];
    let mut applied_to = Vec::new();
    for (i, arg) in args.iter().enumerate() {
        let Some(kw) = keyword_name(*arg) else { continue };
        let kw_text = ctx.text(kw);
        if entry.layer && matches!(kw_text, "inputs" | "training") {
            removed[i] = true;
            applied_to.push((kw_text, *arg));
            continue;
        }
        match entry.keywords.iter().find(|c| c.old == kw_text).map(|c| c.new) {
            Some(Some(new)) => edits.push(Edit::replacement(kw.byte_range(), new)),
            Some(None) => removed[i] = true,
            None => {}
        }
    }
    if entry.layer {
        // The layer is built from the other arguments and applied to the inputs (and `training`).
        let inputs = match applied_to.iter().find(|(k, _)| *k == "inputs") {
            Some((_, arg)) => arg.child_by_field_name("value")?,
            None => {
                let first = *args.first().filter(|a| a.kind() != "keyword_argument")?;
                removed[0] = true;
                first
            }
        };
        let mut call_args = ctx.text(inputs).to_owned();
        if let Some((_, training)) = applied_to.iter().find(|(k, _)| *k == "training") {
            call_args.push_str(", ");
            call_args.push_str(ctx.text(*training));
        }
        edits.push(Edit::insertion(call.node.end_byte(), format!("({call_args})")));
    }
    edits.extend(call.removal_edits(&removed));
    Some((Fix::review(edits).labelled("native"), entry.note))
}
