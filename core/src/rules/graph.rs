//! The `disable-eager` rule: graph-mode code left in TF2 needs eager execution switched off once,
//! at the program's entry point.

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
    // The switch is inserted at module level: it spells TensorFlow through a module-level alias.
    let (alias, call) = if let Some(tf) = ctx.module_alias("tensorflow") {
        (tf, format!("{tf}.compat.v1.disable_v2_behavior()"))
    } else if let Some(v1) = ctx.module_alias("tensorflow.compat.v1") {
        (v1, format!("{v1}.disable_v2_behavior()"))
    } else {
        return;
    };
    // The switch goes at the top when graph code runs at import time outside the `__main__`
    // block; else into that block, so the module stays importable by eager programs.
    let main = ctx.main_block();
    let in_main = |r: &std::ops::Range<usize>| {
        main.is_some_and(|(block, _)| block.start_byte() <= r.start && r.end <= block.end_byte())
    };
    let at_import_time = ctx.graph_uses.iter().any(|u| u.module_level && !in_main(&u.range));
    // Test runners import test modules and never run their `__main__` block.
    let at = if at_import_time || ctx.is_test_module() {
        Some((ctx.after_binding(alias), String::new()))
    } else {
        main.map(|(_, stmt)| (ctx.line_start(stmt.start_byte()), ctx.indent_at(stmt.start_byte()).to_owned()))
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
