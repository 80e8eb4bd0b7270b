//! The `disable-eager` rule: graph-mode code left in TF2 needs eager execution switched off once,
//! at the program's entry point.

use crate::fix::{Duty, Finding, Fix, Severity};
use crate::rules::Rule;
use crate::rules::Strategy;
use crate::rules::context::Ctx;

pub fn check(ctx: &mut Ctx<'_>) {
    if ctx.code_mentions("disable_eager_execution") || ctx.code_mentions("disable_v2_behavior") {
        return;
    }
    // Code written for TF1's eager mode runs as it is in TF2: never graph mode.
    if crate::rules::eager::is_eager_style(ctx) {
        return;
    }
    if ctx.options.strategy == Strategy::Compat {
        compat_switch(ctx);
        return;
    }
    // An entry point whose imports (modules of the tree) build graphs: the switch is its duty.
    let owed = ctx.options.duties.has(Duty::DisableV2Behavior) && ctx.is_entry_point();
    if ctx.graph_uses.is_empty() && !owed {
        return;
    }
    let why = ctx.graph_uses.first().map_or(
        "modules of the tree this program imports use graph-mode APIs; its own code may be eager: check",
        |u| u.why,
    );
    // The switch is inserted at module level: it spells TensorFlow through a module-level alias.
    let (alias, call) = if let Some(tf) = ctx.module_alias("tensorflow") {
        (tf, format!("{tf}.compat.v1.disable_v2_behavior()"))
    } else if let Some(v1) = ctx.module_alias("tensorflow.compat.v1") {
        (v1, format!("{v1}.disable_v2_behavior()"))
    } else {
        if owed {
            owed_with_import(ctx);
        }
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
        Some(after_binding(ctx, alias))
    } else {
        main.map(|(block, stmt)| match ctx.binding_import(alias).map(|s| s.range.clone()) {
            // The `__main__` block imports TensorFlow itself: after that import.
            Some(b) if block.start_byte() <= b.start && b.end <= block.end_byte() => right_after(ctx, b.end),
            _ => Place::Line {
                at: ctx.line_start(stmt.start_byte()),
                indent: ctx.indent_at(stmt.start_byte()).to_owned(),
            },
        })
    };
    // An entry point with no `__main__` block (a script) that owes the switch: at the top.
    let at = at.or_else(|| ctx.graph_uses.is_empty().then(|| after_binding(ctx, alias)));
    let Some(at) = at else {
        let first = &ctx.graph_uses[0];
        let f = Finding::new(
            Rule::GraphModeLibrary,
            // It fails as written unless the entry point switches: an error, like the rewrites.
            Severity::Error,
            first.range.clone(),
            format!("graph-mode API in a library module ({why}): the program that imports this must call tf.compat.v1.disable_v2_behavior() first"),
        ).with_duty(Duty::DisableV2Behavior);
        ctx.push(f);
        return;
    };
    let (at, text) = at.text(ctx, &call);
    // Owed to imported modules only: the file's own TensorFlow code may be eager (TF2) code,
    // which the switch would turn to graph mode; a person decides.
    let owed_only = ctx.graph_uses.is_empty();
    let idx = ctx.insert_once(at, &text, |edit| {
        Finding::new(
            Rule::DisableEager,
            Severity::Error,
            at..at,
            format!("graph-mode code needs TF1 behaviour (eager execution off) in TensorFlow 2 ({why})"),
        )
        .with_fix(if owed_only { Fix::review(vec![edit]) } else { Fix::safe(vec![edit]) })
    });
    let users: Vec<usize> = ctx.graph_uses.iter().filter_map(|u| u.finding).collect();
    for i in users {
        if i != idx && !ctx.findings()[i].requires.contains(&idx) {
            ctx.findings_mut()[i].requires.push(idx);
        }
    }
}

/// The switch an entry point owes that does not import TensorFlow itself (it only imports modules
/// of the tree that do), with the import: at the top of a test module or script, else first in
/// its `__main__` block. For review, like every switch owed to imported modules.
fn owed_with_import(ctx: &mut Ctx<'_>) {
    let Some(name) = ["tf", "_tf"].into_iter().find(|n| ctx.is_fresh(n)) else { return };
    let (at, indent) = match ctx.main_block() {
        Some((_, stmt)) if !ctx.is_test_module() => {
            (ctx.line_start(stmt.start_byte()), ctx.indent_at(stmt.start_byte()).to_owned())
        }
        _ => (ctx.header_end(), String::new()),
    };
    let nl = ctx.src.newline();
    let text = format!("{indent}import tensorflow as {name}{nl}{indent}{name}.compat.v1.disable_v2_behavior(){nl}");
    ctx.insert_once(at, &text, |edit| {
        Finding::new(
            Rule::DisableEager,
            Severity::Error,
            at..at,
            "modules of the tree this program imports use graph-mode APIs: TF1 behaviour (eager execution off) must be switched on first in TensorFlow 2",
        )
        .with_fix(Fix::review(vec![edit]))
    });
}

/// The compat strategy's `tf.disable_v2_behavior()`, once, right after the rewritten import
/// (required by it: the compat.v1 API needs TF1 behaviour).
fn compat_switch(ctx: &mut Ctx<'_>) {
    let Some((alias, import)) = ctx.compat_import.clone() else { return };
    let (at, text) = after_binding(ctx, &alias).text(ctx, &format!("{alias}.disable_v2_behavior()"));
    let idx = ctx.insert_once(at, &text, |edit| {
        Finding::new(Rule::CompatImport, Severity::Warning, at..at, "turn TF2 behaviour off once, after the imports")
            .with_fix(Fix::safe(vec![edit]))
    });
    ctx.findings_mut()[import].requires.push(idx);
}

/// Where a module-level switch spelled through `alias` goes: after the imports and the statement
/// binding `alias`, or right after that import when code that runs at import time follows it
/// before that point (`import tensorflow as tf; x = tf.placeholder()`, a `try:` block).
fn after_binding(ctx: &Ctx<'_>, alias: &str) -> Place {
    let at = ctx.after_binding(alias);
    let binding = ctx.binding_import(alias).map(|s| s.range.clone());
    match binding {
        Some(b) if ctx.graph_uses.iter().any(|u| u.module_level && b.end <= u.range.start && u.range.start < at) => {
            right_after(ctx, b.end)
        }
        _ => Place::Line { at, indent: String::new() },
    }
}

/// Where the switch goes.
enum Place {
    /// A line of its own at `at` (a line start), indented.
    Line { at: usize, indent: String },
    /// `; switch` at `at`, the end of a statement that shares its line with others.
    Inline { at: usize },
}

impl Place {
    /// The offset and the text that put `call` there.
    fn text(self, ctx: &Ctx<'_>, call: &str) -> (usize, String) {
        match self {
            Self::Line { at, indent } => (at, ctx.line(at, &format!("{indent}{call}"))),
            Self::Inline { at } => (at, format!("; {call}")),
        }
    }
}

/// Right after the statement ending at `end`: on the next line at its indentation, or in place
/// when code follows it on the same line.
fn right_after(ctx: &Ctx<'_>, end: usize) -> Place {
    let text = &ctx.src.text;
    let rest = &text[end..text[end..].find('\n').map_or(text.len(), |i| end + i)];
    let rest = rest.trim();
    if rest.is_empty() || rest.starts_with('#') {
        Place::Line { at: ctx.line_end(end), indent: ctx.indent_at(end).to_owned() }
    } else {
        Place::Inline { at: end }
    }
}
