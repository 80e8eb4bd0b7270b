//! Call arguments: renamed and removed keywords, and positional arguments whose order changed.

use tree_sitter::Node;

use crate::fix::{Edit, Finding, Fix, Severity};
use crate::rules::Rule;
use crate::rules::context::Ctx;
use crate::rules::table::{KeywordChange, tables};
use crate::rules::{Strategy, transforms};

/// The resolved callee, if it is TensorFlow outside tf.compat (the TF1 names the tables key on).
pub fn tf_callee(resolved: Option<&str>) -> Option<&str> {
    resolved.filter(|name| name.starts_with("tf.") && !name.starts_with("tf.compat."))
}

/// Arguments of a call, in order (comments skipped).
pub fn arguments(call: Node<'_>) -> Vec<Node<'_>> {
    let Some(args) = call.child_by_field_name("arguments") else {
        return Vec::new();
    };
    if args.kind() != "argument_list" {
        return Vec::new();
    }
    let mut cursor = args.walk();
    args.named_children(&mut cursor).filter(|c| c.kind() != "comment").collect()
}

/// The keyword name of a `keyword_argument` node.
pub fn keyword_name(arg: Node<'_>) -> Option<Node<'_>> {
    (arg.kind() == "keyword_argument").then(|| arg.child_by_field_name("name")).flatten()
}

pub fn check_call(ctx: &mut Ctx<'_>, call: Node<'_>, resolved: Option<&str>) {
    if ctx.options.strategy == Strategy::Compat {
        return;
    }
    let Some(name) = tf_callee(resolved) else {
        return;
    };
    if transforms::claims(name) {
        return; // The transformer owns every argument of these calls.
    }
    let t = tables();
    let changes: &[KeywordChange] = t.keywords.get(name).map_or(&[], Vec::as_slice);
    let args = arguments(call);

    if let Some((v1, v2)) = t.reorders.get(name) {
        reorder(ctx, name, &args, v1, v2, changes);
    }
    for arg in &args {
        let Some(kw) = keyword_name(*arg) else {
            continue;
        };
        let kw_text = ctx.text(kw);
        let Some(change) = changes.iter().find(|c| c.old == kw_text) else {
            continue;
        };
        if transforms::claims_keyword(name, kw_text) {
            continue;
        }
        if let Some(new) = change.new {
            let f = Finding::new(
                Rule::KeywordRename,
                Severity::Error,
                kw.byte_range(),
                format!("`{name}` takes `{new}=` instead of `{kw_text}=` in TensorFlow 2"),
            )
            .with_fix(Fix::safe(vec![Edit::replacement(kw.byte_range(), new)]));
            ctx.push(f);
        } else {
            let removed: Vec<bool> = args.iter().map(|a| a.id() == arg.id()).collect();
            let edits = removal_ranges(ctx, call, &args, &removed).into_iter().map(Edit::deletion).collect();
            let f = Finding::new(Rule::KeywordRemoved, Severity::Error, arg.byte_range(), format!("`{name}` no longer accepts `{kw_text}=` in TensorFlow 2; the argument is dropped: check the default is what you want"))
                .with_fix(Fix::review(edits));
            ctx.push(f);
        }
    }
}

/// Positional arguments from the first changed position on become keywords (with v2 spellings).
fn reorder(ctx: &mut Ctx<'_>, name: &str, args: &[Node<'_>], v1: &[&str], v2: &[&str], changes: &[KeywordChange]) {
    let first_changed = v1.iter().zip(v2.iter()).position(|(a, b)| a != b).unwrap_or(v1.len().min(v2.len()));
    let positional: Vec<Node<'_>> =
        args.iter().copied().take_while(|a| !matches!(a.kind(), "keyword_argument" | "dictionary_splat")).collect();
    if positional.len() <= first_changed {
        return;
    }
    if positional.iter().any(|a| a.kind() == "list_splat") {
        let range = positional[first_changed].byte_range();
        ctx.push(Finding::new(Rule::ArgumentOrder, Severity::Warning, range, format!("the parameter order of `{name}` changed in TensorFlow 2 and `*args` hides which is which: pass them by keyword")));
        return;
    }
    let mut edits = Vec::new();
    for (i, arg) in positional.iter().enumerate().skip(first_changed) {
        let Some(param) = v1.get(i) else {
            ctx.push(Finding::new(
                Rule::ArgumentOrder,
                Severity::Error,
                arg.byte_range(),
                format!("`{name}` takes at most {} positional arguments", v1.len()),
            ));
            return;
        };
        let kw = match changes.iter().find(|c| c.old == *param) {
            Some(KeywordChange { new: Some(new), .. }) => *new,
            Some(KeywordChange { new: None, .. }) => {
                ctx.push(Finding::new(
                    Rule::KeywordRemoved,
                    Severity::Error,
                    arg.byte_range(),
                    format!(
                        "positional argument `{param}` of `{name}` was removed in TensorFlow 2; port this call by hand"
                    ),
                ));
                return;
            }
            None => param,
        };
        edits.push(Edit::insertion(arg.start_byte(), format!("{kw}=")));
    }
    let range = positional[first_changed].start_byte()..positional[positional.len() - 1].end_byte();
    let f = Finding::new(
        Rule::ArgumentOrder,
        Severity::Error,
        range,
        format!("the positional parameters of `{name}` changed order in TensorFlow 2: passed by keyword"),
    )
    .with_fix(Fix::safe(edits));
    ctx.push(f);
}

/// Byte ranges that remove the arguments flagged in `removed` (a parallel slice to `args`) with
/// their separators, merged so that no two ranges overlap.
pub fn removal_ranges(
    ctx: &Ctx<'_>,
    call: Node<'_>,
    args: &[Node<'_>],
    removed: &[bool],
) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        if !removed[i] {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < args.len() && removed[j + 1] {
            j += 1;
        }
        if j + 1 < args.len() {
            out.push(args[i].start_byte()..args[j + 1].start_byte());
        } else if i > 0 {
            out.push(args[i - 1].end_byte()..args[j].end_byte());
        } else {
            // Every argument goes: also drop a trailing comma, which `f(,)` would not allow.
            let close = call.child_by_field_name("arguments").map_or(args[j].end_byte(), |a| a.end_byte() - 1);
            out.push(args[i].start_byte()..close.max(args[j].end_byte()));
        }
        i = j + 1;
    }
    let _ = ctx;
    out
}
