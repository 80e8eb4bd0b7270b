//! The keyword and argument-order tables applied to TensorFlow calls: renamed and removed
//! keywords, and positional arguments whose order changed between TF1 and TF2.

use tree_sitter::Node;

use crate::fix::{Edit, Finding, Fix, Severity};
use crate::rules::Rule;
use crate::rules::call::{Call, keyword_name};
use crate::rules::context::{Ctx, tf_callee};
use crate::rules::table::{KeywordChange, tables};
use crate::rules::{Strategy, keras3, transforms};

pub(crate) fn check_call(ctx: &mut Ctx<'_>, call: Node<'_>, resolved: Option<&str>) {
    if ctx.options.strategy == Strategy::Compat {
        return;
    }
    // Standalone Keras 2 (`keras.callbacks.TensorBoard`) had tf.keras's TF1 signatures: the
    // keywords tf.keras dropped in TF2 are dropped from it too (Keras 3 refuses them as well).
    // Only removals: its renames (`lr=`) are the Keras 3 rules', and its argument orders are not
    // in the tables.
    let standalone = resolved.and_then(|r| r.strip_prefix("keras.")).map(|rest| format!("tf.keras.{rest}"));
    let Some(name) = tf_callee(resolved).or(standalone.as_deref()) else {
        return;
    };
    let shown = if standalone.is_some() { resolved.unwrap_or(name) } else { name };
    if transforms::claims(name) {
        return; // The transformer owns every argument of these calls.
    }
    let Some(call) = Call::new(call, &ctx.src.text) else { return };
    let t = tables();
    let changes: &[KeywordChange] = t.keywords.get(name).map_or(&[], Vec::as_slice);

    if standalone.is_none()
        && let Some((v1, v2)) = t.reorders.get(name)
    {
        reorder(ctx, name, &call, v1, v2, changes);
    }
    for (i, arg) in call.args.iter().enumerate() {
        let Some(kw) = keyword_name(*arg) else {
            continue;
        };
        let kw_text = ctx.text(kw);
        let Some(change) = changes.iter().find(|c| c.old == kw_text && (standalone.is_none() || c.new.is_none()))
        else {
            continue;
        };
        if transforms::claims_keyword(name, kw_text) || (standalone.is_some() && keras3::claims_keyword(shown, kw_text))
        {
            continue;
        }
        if let Some(new) = change.new {
            if call.keyword(new).is_some() {
                // `keep_dims=` beside `keepdims=`: TF1 itself refused both; no rewrite can choose.
                ctx.push(Finding::new(
                    Rule::KeywordRename,
                    Severity::Error,
                    arg.byte_range(),
                    format!("`{name}` is given both `{kw_text}=` and `{new}=`: keep one by hand"),
                ));
                continue;
            }
            let f = Finding::new(
                Rule::KeywordRename,
                Severity::Error,
                kw.byte_range(),
                format!("`{name}` takes `{new}=` instead of `{kw_text}=` in TensorFlow 2"),
            )
            .with_fix(Fix::safe(vec![Edit::replacement(kw.byte_range(), new)]));
            ctx.push(f);
        } else {
            let removed: Vec<bool> = (0..call.args.len()).map(|j| j == i).collect();
            let f = Finding::new(Rule::KeywordRemoved, Severity::Error, arg.byte_range(), format!("`{shown}` no longer accepts `{kw_text}=` in TensorFlow 2; the argument is dropped: check the default is what you want"))
                .with_fix(Fix::review(call.removal_edits(&removed)));
            ctx.push(f);
        }
    }
}

/// Positional arguments from the first position whose meaning changed on become keywords (with
/// v2 spellings). A parameter that is only renamed (`tf.ones_like(tensor)` is `input` in TF2)
/// keeps its meaning at its position: no keyword for it.
fn reorder(ctx: &mut Ctx<'_>, name: &str, call: &Call<'_>, v1: &[&str], v2: &[&str], changes: &[KeywordChange]) {
    let renamed = |p: &str| changes.iter().find(|c| c.old == p).and_then(|c| c.new).is_some_and(|new| new != p);
    let same_meaning =
        |a: &str, b: &str| a == b || changes.iter().any(|c| c.old == a && c.new == Some(b)) && renamed(a);
    let first_changed =
        v1.iter().zip(v2.iter()).position(|(a, b)| !same_meaning(a, b)).unwrap_or(v1.len().min(v2.len()));
    let positional = call.positional();
    if positional.len() <= first_changed {
        return;
    }
    if positional.iter().any(|a| a.kind() == "list_splat") {
        let range = positional[first_changed].byte_range();
        ctx.push(Finding::new(Rule::ArgumentOrder, Severity::Warning, range, format!("the parameter order of `{name}` changed in TensorFlow 2 and `*args` hides which is which: pass them by keyword")));
        return;
    }
    let mut names = Vec::with_capacity(positional.len());
    for (i, arg) in positional.iter().enumerate() {
        let Some(&param) = v1.get(i) else {
            ctx.push(Finding::new(
                Rule::ArgumentOrder,
                Severity::Error,
                arg.byte_range(),
                format!("`{name}` takes at most {} positional arguments", v1.len()),
            ));
            return;
        };
        let kw = match changes.iter().find(|c| c.old == param) {
            Some(KeywordChange { new: Some(new), .. }) => *new,
            Some(KeywordChange { new: None, .. }) if i >= first_changed => {
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
            _ => param,
        };
        if i >= first_changed && call.keyword(kw).is_some() {
            // The same parameter by position and by keyword: Python itself rejects that call.
            return;
        }
        if i >= first_changed && v1.iter().take(positional.len()).enumerate().any(|(j, p)| j != i && *p == kw) {
            // `expand_dims(x, None, "e", 1)`: `dim` (position 3) is TF2's `axis`, which position 1
            // already fills; which one TF1 used depends on the values.
            ctx.push(Finding::new(
                Rule::ArgumentOrder,
                Severity::Error,
                arg.byte_range(),
                format!("`{name}` gets `{kw}` twice once `{param}` is renamed: keep one of them by hand"),
            ));
            return;
        }
        names.push(kw);
    }
    let Some(edits) = call.pass_by_keyword(first_changed, &names) else { return };
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
