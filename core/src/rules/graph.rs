//! The `disable-eager` rule: graph-mode code left in TF2 needs eager execution switched off once,
//! at the program's entry point.

use tree_sitter::Node;

use crate::fix::{Duty, Finding, Fix, Severity};
use crate::rules::Rule;
use crate::rules::Strategy;
use crate::rules::context::Ctx;

pub fn check(ctx: &mut Ctx<'_>) {
    if ctx.graph_uses.is_empty() || ctx.options.strategy == Strategy::Compat {
        return;
    }
    let text = &ctx.src.text;
    if text.contains("disable_eager_execution(") || text.contains("disable_v2_behavior(") {
        return;
    }
    let first = ctx.graph_uses[0].clone();
    let call = if let Some(tf) = ctx.imports.aliases_of("tensorflow").min() {
        format!("{tf}.compat.v1.disable_v2_behavior()")
    } else if let Some(v1) = ctx.imports.aliases_of("tensorflow.compat.v1").min() {
        format!("{v1}.disable_v2_behavior()")
    } else {
        return;
    };
    // The switch goes at the top when graph code runs at import time outside the `__main__`
    // block; else into that block, so the module stays importable by eager programs.
    let main = main_block(ctx);
    let in_main = |r: &std::ops::Range<usize>| {
        main.is_some_and(|(block, _)| block.start_byte() <= r.start && r.end <= block.end_byte())
    };
    let at_import_time = ctx.graph_uses.iter().any(|u| u.module_level && !in_main(&u.range));
    // Test runners import test modules and never run their `__main__` block.
    let at = if at_import_time || is_test_module(ctx) {
        Some((ctx.after_tensorflow_import(), String::new()))
    } else {
        main.map(|(_, stmt)| (line_start(ctx, stmt.start_byte()), ctx.indent_at(stmt.start_byte()).to_owned()))
    };
    let Some((at, indent)) = at else {
        ctx.push(Finding::new(
            Rule::GraphModeLibrary,
            Severity::Warning,
            first.range,
            format!("graph-mode API in a library module ({}): the program that imports this must call tf.compat.v1.disable_v2_behavior() first", first.why),
        ).with_duty(Duty::DisableV2Behavior));
        return;
    };
    let line = ctx.line(at, &format!("{indent}{call}"));
    let why = first.why;
    let idx = ctx.insert_once(at, &line, |edit| {
        Finding::new(
            Rule::DisableEager,
            Severity::Error,
            at..at,
            format!("graph-mode code needs TF1 behaviour (eager execution off) in TensorFlow 2 ({why})"),
        )
        .with_fix(Fix::safe(vec![edit]))
    });
    let users: Vec<usize> = ctx.graph_uses.iter().filter_map(|u| u.finding).collect();
    for i in users {
        if i != idx && !ctx.findings()[i].requires.contains(&idx) {
            ctx.findings_mut()[i].requires.push(idx);
        }
    }
}

/// A pytest or unittest module: named `test_*.py` / `*_test.py`, or defining unittest cases.
fn is_test_module(ctx: &Ctx<'_>) -> bool {
    let name = ctx.src.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    name.starts_with("test_")
        || name.ends_with("_test.py")
        || ctx.src.text.contains("unittest.TestCase")
        || ctx.src.text.contains("tf.test.TestCase")
}

fn line_start(ctx: &Ctx<'_>, offset: usize) -> usize {
    ctx.src.text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// An `if __name__ == "__main__":` block at module level, and its first statement.
fn main_block<'t>(ctx: &Ctx<'t>) -> Option<(Node<'t>, Node<'t>)> {
    let root = ctx.src.tree.root_node();
    let mut cursor = root.walk();
    let found = root.named_children(&mut cursor).find(|n| {
        n.kind() == "if_statement"
            && n.child_by_field_name("condition").is_some_and(|c| {
                let t: String = ctx.text(c).chars().filter(|c| !c.is_whitespace()).collect();
                t.contains("__name__") && t.contains("__main__")
            })
    })?;
    let body = found.child_by_field_name("consequence")?;
    let mut c = body.walk();
    let first = body.named_children(&mut c).find(|n| n.kind() != "comment")?;
    Some((found, first))
}
