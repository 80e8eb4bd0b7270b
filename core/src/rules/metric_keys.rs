//! The log keys of `metrics=['accuracy']`: standalone Keras up to 2.2 logged it as `acc` /
//! `val_acc` (its own short name); Keras 2.3, tf.keras in TensorFlow 2 and Keras 3 log the name
//! given, `accuracy` / `val_accuracy`. Code that reads the old keys (`ModelCheckpoint(monitor=
//! 'val_acc')`, `history.history['acc']`) then never sees them: tf.keras's callbacks warn and skip
//! (the best model is never saved), Keras 3's raise ("isn't able to automatically determine
//! whether that metric should be maximized"), the history lookup is a `KeyError`. Naming the
//! metric `'acc'` keeps the old keys on both (`acc` is the same accuracy metric there).

use tree_sitter::Node;

use crate::fix::{Edit, Finding, Fix, Severity};
use crate::rules::Rule;
use crate::rules::call::Call;
use crate::rules::context::{Ctx, quoted};
use crate::source;

/// The string literals that read a Keras 2.2 accuracy key.
const OLD_KEYS: [&str; 2] = ["acc", "val_acc"];
/// Those that read a new one: where the file reads both, it is left alone.
const NEW_KEYS: [&str; 2] = ["accuracy", "val_accuracy"];

/// `model.compile(..., metrics=['accuracy'])` (a method call: `resolved` is `None`) in a file that
/// imports Keras and reads `'acc'` or `'val_acc'`.
/// `callee`: the call's.
pub(crate) fn check_call(ctx: &mut Ctx<'_>, call: Node<'_>, callee: Node<'_>, resolved: Option<&str>) {
    // The callee's text first (an attribute ends with its name): every method call passes here.
    if resolved.is_some() || !ctx.text(callee).ends_with("compile") {
        return;
    }
    let Some((_, attr)) = source::attribute_parts(callee) else { return };
    if ctx.text(attr) != "compile" {
        return;
    }
    let Some(c) = Call::new(call, &ctx.src.text) else { return };
    let Some(list) = c.keyword_value("metrics").filter(|v| matches!(v.kind(), "list" | "tuple")) else {
        return;
    };
    let mut cursor = list.walk();
    let accuracy: Vec<(Node<'_>, char)> = list
        .named_children(&mut cursor)
        .filter_map(|item| literal(ctx, item).filter(|(_, s)| *s == "accuracy").map(|(q, _)| (item, q)))
        .collect();
    if accuracy.is_empty() || !imports_keras(ctx) {
        return;
    }
    let (old, new) = read_keys(ctx);
    if old.is_empty() || new > accuracy.len() {
        return;
    }
    let message = format!(
        "Keras 2.2 logged metrics=['accuracy'] as 'acc' / 'val_acc', which this file reads ({}); tf.keras and \
         Keras 3 log it as 'accuracy' / 'val_accuracy' (callbacks monitoring 'val_acc' never fire, or raise on \
         Keras 3): name the metric 'acc' to keep the old keys",
        old.join(", ")
    );
    for (item, quote) in accuracy {
        let fix = Fix::review(vec![Edit::replacement(item.byte_range(), format!("{quote}acc{quote}"))]);
        ctx.push(Finding::new(Rule::KerasLogKeys, Severity::Error, item.byte_range(), message.clone()).with_fix(fix));
    }
}

/// The quote and value of a plain string literal (`'acc'`, `"acc"`: no prefix, no escapes, no
/// interpolation), else `None`.
fn literal<'a>(ctx: &Ctx<'a>, node: Node<'_>) -> Option<(char, &'a str)> {
    if node.kind() != "string" {
        return None;
    }
    let (quote, inner) = quoted(ctx.text(node))?;
    (!inner.is_empty() && inner.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')).then_some((quote, inner))
}

/// The old keys the file reads (distinct, in order of first use), and how many string literals
/// name a new key (those in the metrics lists among them).
fn read_keys<'a>(ctx: &Ctx<'a>) -> (Vec<&'a str>, usize) {
    let string = crate::source::kind_id("string");
    let (mut old, mut new) = (Vec::new(), 0);
    for item in ctx.nodes.iter().filter(|it| it.kind == string) {
        match literal(ctx, item.node).map(|(_, s)| s) {
            Some(s) if OLD_KEYS.contains(&s) && !old.contains(&s) => old.push(s),
            Some(s) if NEW_KEYS.contains(&s) => new += 1,
            _ => {}
        }
    }
    (old, new)
}

/// Whether the file imports Keras (standalone, `tensorflow.keras`, `tf_keras`) or TensorFlow
/// (whose `tf.keras` models compile the same way).
fn imports_keras(ctx: &Ctx<'_>) -> bool {
    let keras = |m: &str| {
        let root = m.split('.').next().unwrap_or(m);
        matches!(root, "keras" | "tf_keras" | "tensorflow")
    };
    ctx.imports.statements.iter().any(|s| match &s.from {
        Some(module) => keras(module),
        None => s.names.iter().any(|n| keras(&n.name)),
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::{Options, Rule, check};
    use crate::source::{Encoding, SourceFile};

    fn log_key_fixes(text: &str) -> Vec<String> {
        let src = SourceFile::new("t.py".into(), text.to_owned(), Encoding::Utf8 { bom: false });
        check(&src, &Options::default())
            .iter()
            .filter(|f| f.rule == Rule::KerasLogKeys)
            .map(|f| f.fixes[0].edits[0].content.clone())
            .collect()
    }

    #[test]
    fn accuracy_is_named_acc_where_the_file_reads_the_old_keys() {
        let head =
            "from keras.models import Sequential\nfrom keras.callbacks import ModelCheckpoint\nm = Sequential()\n";
        let old = "cb = ModelCheckpoint('w.h5', monitor='val_acc', save_best_only=True)\n";
        assert_eq!(
            log_key_fixes(&format!("{head}m.compile('adam', 'mse', metrics=['accuracy', \"mae\"])\n{old}")),
            ["'acc'"]
        );
        assert_eq!(
            log_key_fixes(&format!(
                "{head}m.compile('adam', 'mse', metrics=(\"accuracy\",))\nh = m.fit(x, y)\nprint(h.history[\"acc\"])\n"
            )),
            ["\"acc\""]
        );
        // Nothing reads the old keys; or the file reads the new ones too; or no Keras import.
        assert!(log_key_fixes(&format!("{head}m.compile('adam', 'mse', metrics=['accuracy'])\n")).is_empty());
        assert!(
            log_key_fixes(&format!("{head}m.compile('adam', 'mse', metrics=['accuracy'])\n{old}k = 'val_accuracy'\n"))
                .is_empty()
        );
        assert!(log_key_fixes(&format!("m.compile('adam', 'mse', metrics=['accuracy'])\n{old}")).is_empty());
        // Already the short name, or a metric object.
        assert!(log_key_fixes(&format!("{head}m.compile('adam', 'mse', metrics=['acc'])\n{old}")).is_empty());
    }
}
