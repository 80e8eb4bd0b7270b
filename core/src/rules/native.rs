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
