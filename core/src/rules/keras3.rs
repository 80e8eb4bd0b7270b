//! Keras 3 (tf.keras from TensorFlow 2.16): removed model methods (`fit_generator`,
//! `predict_classes`...) and renamed or removed keywords (`lr=`, `decay=`, `Model(input=)`).

use tree_sitter::Node;

use crate::fix::{Edit, Finding, Fix, Severity};
use crate::rules::Rule;
use crate::rules::TfVersion;
use crate::rules::call::Call;
use crate::rules::context::Ctx;
use crate::rules::table::{KeywordChange, Tables, tables};

pub(crate) fn check_call(ctx: &mut Ctx<'_>, call: Node<'_>, resolved: Option<&str>) {
    if ctx.options.target < TfVersion::KERAS3 {
        return;
    }
    let Some(func) = call.child_by_field_name("function") else { return };
    match resolved {
        Some(name) => keras_keywords(ctx, call, name),
        None if func.kind() == "attribute" => method(ctx, call, func),
        None => {}
    }
}

/// Rename or drop keywords per `changes`: the edits, what changed, and whether any was dropped.
fn keyword_edits(ctx: &Ctx<'_>, call: Node<'_>, changes: &[&KeywordChange]) -> (Vec<Edit>, Vec<String>, bool) {
    let Some(call) = Call::new(call, &ctx.src.text) else { return (Vec::new(), Vec::new(), false) };
    let change = |name: &str| changes.iter().find(|c| c.old == name).map(|c| c.new);
    match call.keyword_edits(change, vec![false; call.args.len()]) {
        Some(k) => (k.edits, k.what, k.removed_any),
        None => (Vec::new(), Vec::new(), false),
    }
}

fn keras_keywords(ctx: &mut Ctx<'_>, call: Node<'_>, name: &str) {
    let name = name.strip_prefix("tf.").filter(|n| n.starts_with("keras.")).unwrap_or(name);
    if !name.starts_with("keras.") {
        return;
    }
    let t = tables();
    let Some((_, rows)) = Tables::longest_prefix(&t.keras3_keywords, name) else { return };
    let changes: Vec<&KeywordChange> = rows.iter().map(|r| &r.change).collect();
    let (edits, what, any_removed) = keyword_edits(ctx, call, &changes);
    if edits.is_empty() {
        return;
    }
    let note = rows.iter().map(|r| r.note).find(|n| !n.is_empty()).unwrap_or_default();
    let fix = if any_removed { Fix::review(edits) } else { Fix::safe(edits) };
    let range = call.child_by_field_name("arguments").map_or(call.byte_range(), |a| a.byte_range());
    ctx.push(
        Finding::new(Rule::Keras3Api, Severity::Error, range, format!("{} ({note})", what.join(", "))).with_fix(fix),
    );
}

fn method(ctx: &mut Ctx<'_>, call: Node<'_>, func: Node<'_>) {
    let Some(attr) = func.child_by_field_name("attribute") else { return };
    let method = ctx.text(attr);
    let Some(change) = tables().keras3_methods.get(method) else { return };
    if method == "predict_classes" {
        predict_classes(ctx, call, attr, change.note);
        return;
    }
    let changes: Vec<&KeywordChange> = change.keywords.iter().collect();
    let (mut edits, mut what, _) = keyword_edits(ctx, call, &changes);
    if let Some(new) = change.rename {
        edits.push(Edit::replacement(attr.byte_range(), new));
        what.insert(0, format!(".{method}() → .{new}()"));
    }
    if edits.is_empty() {
        return;
    }
    let message = format!("{} ({}; assumes the object is a Keras model)", what.join(", "), change.note);
    ctx.push(Finding::new(Rule::Keras3Api, Severity::Error, attr.byte_range(), message).with_fix(Fix::review(edits)));
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
