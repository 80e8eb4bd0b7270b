//! Code on the one-line cheat, `import tensorflow.compat.v1 as tf` (with `tf.disable_v2_behavior()`):
//! under `upgrade` and `native`, the way out. The rules read the cheat's alias as `tensorflow`, so
//! every use gets the rewrite TF1 code gets (its TF2 name, or an explicit `tf.compat.v1.X`); one
//! review-level finding per cheat import then rewrites the import to `import tensorflow as tf` and
//! requires all of them, so accepting it takes the whole way out at once.
//!
//! Each rewrite of a use is valid on its own too (`tf.math.log` and even `tf.compat.v1.placeholder`
//! exist under `tensorflow.compat.v1`), so rejecting the way out leaves working code; the
//! `tf.compat.v1.X` spellings, which only make sense with the new import, are review-level.

use crate::fix::{Finding, Fix, Safety, Severity};
use crate::resolve::{ImportStmt, Imports};
use crate::rules::context::Ctx;
use crate::rules::{Options, Rule, Strategy};

/// The module the cheat imports.
const CHEAT: &str = "tensorflow.compat.v1";

/// One import of the cheat and the local name it binds.
#[derive(Debug, Clone)]
pub(crate) struct Cheat {
    pub statement: ImportStmt,
    pub local: String,
}

/// Under `upgrade` and `native`: the module-level imports of `tensorflow.compat.v1` in a file that
/// does not import `tensorflow` itself, whose names the rules are then told to read as
/// `tensorflow`.
pub(crate) fn remap(imports: &mut Imports, options: &Options) -> Vec<Cheat> {
    // A file that imports `tensorflow` too uses compat.v1 on purpose, for some calls: no cheat.
    if options.strategy == Strategy::Compat || imports.aliases_of("tensorflow").next().is_some() {
        return Vec::new();
    }
    let mut cheats = Vec::new();
    for stmt in imports.statements.iter().filter(|s| !s.in_function) {
        for name in &stmt.names {
            let qualified = match &stmt.from {
                Some(module) => format!("{module}.{}", name.name),
                None if name.alias.is_some() => name.name.clone(),
                None => continue,
            };
            if qualified == CHEAT {
                cheats.push(Cheat { statement: stmt.clone(), local: name.local(stmt.from.is_some()) });
            }
        }
    }
    if !cheats.is_empty() {
        imports.remap(CHEAT, "tensorflow");
    }
    cheats
}

/// After the walk: each cheat import's rewrite, requiring every rewrite of the file (the way out
/// is the whole migration); the `tf.compat.v1.X` respellings of the alias become review-level.
pub(crate) fn link(ctx: &mut Ctx<'_>, cheats: &[Cheat]) {
    if cheats.is_empty() {
        return;
    }
    let text = ctx.src.text.as_str();
    for f in ctx.findings_mut() {
        let spells_compat = f.rule == Rule::CompatV1
            && f.fixes.first().is_some_and(|fix| {
                fix.edits.iter().any(|e| {
                    cheats.iter().any(|c| {
                        text[e.range.start..].strip_prefix(c.local.as_str()).is_some_and(|rest| rest.starts_with('.'))
                    })
                })
            });
        if spells_compat {
            for fix in &mut f.fixes {
                fix.safety = fix.safety.min(Safety::Review);
            }
            f.message.push_str(" (the way out of the tensorflow.compat.v1 import)");
        }
    }
    let required: Vec<usize> = ctx
        .findings()
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.fixes.is_empty() && !f.support && f.rule != Rule::LeaveCompatV1)
        .map(|(i, _)| i)
        .collect();
    for cheat in cheats {
        let stmt = &cheat.statement;
        let range = stmt.range.clone();
        let message = format!(
            "`{}` runs the whole TF1 API (the one-line cheat): `import tensorflow as {}` and TF2 names for every use show what is left on compat.v1",
            ctx.range_text(range.clone()).split_whitespace().collect::<Vec<_>>().join(" "),
            cheat.local
        );
        let mut f = Finding::new(Rule::LeaveCompatV1, Severity::Warning, range.clone(), message);
        if stmt.names.len() == 1 {
            let new = format!("import tensorflow as {}", cheat.local);
            if let Some(edit) = ctx.replace_statement(range, &[new]) {
                f.fixes.push(Fix::review(vec![edit]));
                f.requires.clone_from(&required);
            }
        } else {
            f.message.push_str("; split this import first");
        }
        ctx.push(f);
    }
}
