//! Import statements: standalone Keras → tensorflow.keras, tf.contrib successors, renamed
//! from-imports, and the `compat` strategy's `import tensorflow.compat.v1 as tf`.

use std::fmt::Write as _;

use crate::fix::{Edit, Finding, Fix, Severity};
use crate::resolve::ImportStmt;
use crate::rules::Rule;
use crate::rules::context::{ContribImport, ContribUse, Ctx, canonical, qualified};
use crate::rules::successor::{self, Reach};
use crate::rules::symbols::{
    legacy_keras_prelude, legacy_keras_target, note_on, public_successor_missing, removed_at, removed_finding,
    removed_prefix,
};
use crate::rules::table::{Tables, tables};
use crate::rules::{Strategy, TfVersion, numpy2, stdlib};

pub(crate) fn check_import(ctx: &mut Ctx<'_>, stmt: &ImportStmt) {
    match &stmt.from {
        Some(module) if module == "keras" || module.starts_with("keras.") => keras_from(ctx, stmt, module),
        Some(module) if module == "tensorflow" || module.starts_with("tensorflow.") => tf_from(ctx, stmt, module),
        Some(module) if module == "numpy" || module.starts_with("numpy.") => numpy2::check_import(ctx, stmt, module),
        Some(module) => stdlib::check_import(ctx, stmt, module),
        None => plain_import(ctx, stmt),
    }
}

/// The edit replacing the whole import statement by `text`, keeping its comments (see
/// `Ctx::replace_statement`); `None` when they cannot be kept (the finding is then manual).
fn statement_edit(ctx: &Ctx<'_>, stmt: &ImportStmt, text: String) -> Option<Edit> {
    ctx.replace_statement(stmt.range.clone(), &[text])
}

/// `import a.b as c` spelled for a new qualified module path and local name.
fn render_import(new_qualified: &str, local: &str, alias_given: bool) -> String {
    match new_qualified.rsplit_once('.') {
        Some((parent, last)) if alias_given || local != new_qualified.split('.').next().unwrap_or_default() => {
            if last == local {
                format!("from {parent} import {last}")
            } else {
                format!("from {parent} import {last} as {local}")
            }
        }
        _ if new_qualified == local => format!("import {new_qualified}"),
        _ => format!("import {new_qualified} as {local}"),
    }
}

/// The module to write in `from M import …` for the qualified module path `module`: itself, or,
/// where `module` is reachable only as an attribute (`tensorflow_probability.distributions`), the
/// importable module object it is (`tensorflow_probability.python.distributions`); `None` where
/// there is none (`tensorflow.distribute`: `from tensorflow.distribute import X` fails).
fn from_module(module: &str) -> Option<String> {
    match tables().namespaces.get(canonical(module).as_str()) {
        None => Some(module.to_owned()),
        Some(Some(real)) => Some(qualified(real)),
        Some(None) => None,
    }
}

/// [`render_import`], importing only from modules that can be imported from: `Err(module)` names
/// the module path that cannot be.
fn render_importable(new_qualified: &str, local: &str, alias_given: bool) -> Result<String, String> {
    let text = render_import(new_qualified, local, alias_given);
    if let Some((module, names)) = text.strip_prefix("from ").and_then(|t| t.split_once(" import ")) {
        return from_module(module).map(|m| format!("from {m} import {names}")).ok_or_else(|| module.to_owned());
    }
    let module = text.strip_prefix("import ").map(|t| t.split(" as ").next().unwrap_or(t)).unwrap_or_default();
    if tables().namespaces.contains_key(canonical(module).as_str()) {
        return Err(module.to_owned());
    }
    Ok(text)
}

/// Guidance for an import whose new module cannot be imported from.
fn not_importable(module: &str, target: &str) -> String {
    format!(
        "`{module}` can only be reached as an attribute (`from {module} import …` fails): write `{target}` through an import of its package (port this import by hand)"
    )
}

/// Map a standalone Keras module path to its tf.keras home; `Err(key)` where there is none.
fn keras_target(module: &str) -> Option<Result<String, &'static str>> {
    let (key, target) = Tables::longest_prefix(&tables().keras_modules, module)?;
    if *target == "-" {
        return Some(Err(key));
    }
    Some(Ok(format!("{target}{}", &module[key.len()..])))
}

/// The fixes of a Keras import rewrite: to tf.keras, and on Keras 3 targets the alternative of
/// Keras 2 as the `tf_keras` package.
fn keras_fixes(ctx: &Ctx<'_>, edits: Vec<Edit>) -> Vec<Fix> {
    let mut fixes = vec![Fix::safe(edits.clone())];
    if ctx.options.target >= TfVersion::KERAS3 {
        let legacy = edits
            .into_iter()
            .map(|mut e| {
                e.content = e
                    .content
                    .replace("from tensorflow import keras as ", "import tf_keras as ")
                    .replace("from tensorflow import keras", "import tf_keras as keras")
                    .replace("tensorflow.keras", "tf_keras");
                e
            })
            .collect();
        fixes.push(Fix::review(legacy).labelled(crate::rules::keras3::TF_KERAS).needing("tf-keras"));
    }
    fixes
}

const KERAS2_ALTERNATIVE: &str = "alternative: Keras 2 as `tf_keras` (pip install tf-keras)";

/// `from keras.x import a, b as c`: move the module, and names that are modules themselves
/// (`from keras.utils import np_utils`) to where they live in tf.keras.
fn keras_from(ctx: &mut Ctx<'_>, stmt: &ImportStmt, module: &str) {
    let Some(range) = stmt.from_range.clone() else { return };
    let target = match keras_target(module) {
        Some(Ok(target)) => target,
        Some(Err(key)) => {
            let msg = format!("`{key}` has no equivalent in tf.keras; port this by hand");
            ctx.push(Finding::new(Rule::KerasImport, Severity::Error, range, msg));
            return;
        }
        None => return,
    };
    // Names Keras no longer has (`multi_gpu_model`) are never written under tf.keras, where the
    // import would fail all the same: they stay on an import of their own, as written.
    // So are names the tf.keras module never had (`from keras.models import Input`: Keras 2
    // re-exported it there; `public_members.tsv`), unless a row moves them.
    let gone =
        |n: &crate::resolve::ImportedName| match tables().keras_modules.get(format!("{module}.{}", n.name).as_str()) {
            Some(t) => *t == "-",
            None => {
                !tables().keras_aliases.contains_key(format!("{module}.{}", n.name).as_str())
                    && successor::missing_member(&canonical(&format!("{target}.{}", n.name))).is_some()
            }
        };
    let removed: Vec<_> = if stmt.wildcard { Vec::new() } else { stmt.names.iter().filter(|n| gone(n)).collect() };
    if !removed.is_empty() && removed.len() == stmt.names.len() {
        removed_keras_import(ctx, stmt, module);
        return;
    }
    // Per imported name: (module to import it from, clause text).
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    let mut moved_names = false;
    for n in stmt.names.iter().filter(|n| stmt.wildcard || !gone(n)) {
        let local = n.local(true);
        let full = format!("{module}.{}", n.name);
        let (from, clause) = match tables().keras_modules.get(full.as_str()) {
            Some(t) if *t != "-" => {
                moved_names = true;
                let (parent, last) = t.rsplit_once('.').unwrap_or(("tensorflow", t));
                (parent.to_owned(), if last == local { last.to_owned() } else { format!("{last} as {local}") })
            }
            // A Keras 2 alias neither tf.keras nor Keras 3 has: the name it stood for, bound to
            // the same local name.
            _ => match tables().keras_aliases.get(full.as_str()) {
                Some(t) if !stmt.wildcard => {
                    moved_names = true;
                    let last = t.rsplit('.').next().unwrap_or(t);
                    (target.clone(), format!("{last} as {local}"))
                }
                _ => (target.clone(), ctx.range_text(n.range.clone()).to_owned()),
            },
        };
        match groups.iter_mut().find(|(m, _)| *m == from) {
            Some((_, clauses)) => clauses.push(clause),
            None => groups.push((from, vec![clause])),
        }
    }
    let mut message = format!("`{module}` is `{target}` since Keras moved into TensorFlow");
    let (edit_range, edits) = if (moved_names || !removed.is_empty()) && !stmt.wildcard {
        let mut lines: Vec<String> =
            groups.iter().map(|(m, clauses)| format!("from {m} import {}", clauses.join(", "))).collect();
        if !removed.is_empty() {
            let clauses: Vec<_> = removed.iter().map(|n| ctx.range_text(n.range.clone())).collect();
            lines.push(format!("from {module} import {}", clauses.join(", ")));
            let _ = write!(message, "; {}: kept on an import of its own", no_equivalent(module, &removed));
        }
        let Some(edit) = ctx.replace_statement(stmt.range.clone(), &lines) else {
            let msg = format!(
                "`{module}` moved to several tf.keras modules: {} (split this import by hand)",
                lines.join("; ")
            );
            ctx.push(Finding::new(Rule::KerasImport, Severity::Error, stmt.range.clone(), msg));
            return;
        };
        (stmt.range.clone(), vec![edit])
    } else {
        (range.clone(), vec![Edit::replacement(range, target.clone())])
    };
    let mut f = Finding::new(Rule::KerasImport, Severity::Error, edit_range, message);
    f.fixes = keras_fixes(ctx, edits);
    if f.fixes.len() > 1 {
        f.message = format!("{} ({KERAS2_ALTERNATIVE})", f.message);
    }
    ctx.push(f);
}

/// `from keras.utils import multi_gpu_model`: every name is gone from tf.keras.
/// The import stays as written (an old standalone Keras still has it) and goes once every use
/// is ported; until then it can be made optional (see [`finish_contrib_imports`]).
fn removed_keras_import(ctx: &mut Ctx<'_>, stmt: &ImportStmt, module: &str) {
    let names: Vec<_> = stmt.names.iter().collect();
    let msg = no_equivalent(module, &names);
    keep_removed_import(ctx, stmt, Finding::new(Rule::KerasImport, Severity::Error, stmt.range.clone(), msg));
}

/// "`keras.utils.multi_gpu_model` has no equivalent in tf.keras", for `names` imported from `module`.
fn no_equivalent(module: &str, names: &[&crate::resolve::ImportedName]) -> String {
    let keys: Vec<_> = names.iter().map(|n| format!("`{module}.{}`", n.name)).collect();
    let verb = if keys.len() == 1 { "has" } else { "have" };
    format!("{} {verb} no equivalent in tf.keras", keys.join(", "))
}

/// Record `finding` on a from-import of names that are all gone, and the import as one that
/// goes once every use of its names is rewritten (see [`finish_contrib_imports`]).
fn keep_removed_import(ctx: &mut Ctx<'_>, stmt: &ImportStmt, finding: Finding) {
    let finding = ctx.push(finding);
    let names = stmt.names.iter().map(|n| n.local(true)).collect();
    ctx.contrib_imports.push(ContribImport { finding, range: stmt.range.clone(), names });
}

fn plain_import(ctx: &mut Ctx<'_>, stmt: &ImportStmt) {
    for (i, name) in stmt.names.iter().enumerate() {
        let full = name.name.as_str();
        let local = name.local(false);
        let is_keras = full == "keras" || full.starts_with("keras.");
        let is_contrib = full.starts_with("tensorflow.contrib");
        let is_tf = full == "tensorflow";
        if full.starts_with("numpy.") {
            numpy2::check_plain_import(ctx, stmt, full);
            continue;
        }
        if full.starts_with("tensorflow.python.") && name.alias.is_some() && stmt.names.len() == 1 {
            // `import tensorflow.python.x as y` binds `y` as `from tensorflow.python import x as y`
            // would. (Without an alias it binds `tensorflow`: its uses are the rules' business.)
            private_import(ctx, stmt, &canonical(full), &local);
            continue;
        }
        if !(is_keras || is_contrib || is_tf) {
            stdlib::check_plain_import(ctx, stmt, full);
            continue;
        }
        if stmt.names.len() > 1 && !is_tf {
            if i == 0
                || !stmt.names[..i]
                    .iter()
                    .any(|n| n.name.starts_with("keras") || n.name.starts_with("tensorflow.contrib"))
            {
                ctx.push(Finding::new(
                    if is_keras { Rule::KerasImport } else { Rule::Contrib },
                    Severity::Error,
                    stmt.range.clone(),
                    format!("`{full}` must move, but this statement imports several modules: split it into one import per line first"),
                ));
            }
            continue;
        }
        if is_keras {
            let target =
                if name.alias.is_some() { keras_target(full) } else { Some(Ok("tensorflow.keras".to_owned())) };
            match target {
                Some(Ok(target)) => {
                    let new = render_import(&target, &local, name.alias.is_some());
                    let mut f = Finding::new(
                        Rule::KerasImport,
                        Severity::Error,
                        stmt.range.clone(),
                        format!("standalone Keras is `tensorflow.keras`: {new}"),
                    );
                    f.fixes = statement_edit(ctx, stmt, new).map(|e| keras_fixes(ctx, vec![e])).unwrap_or_default();
                    if f.fixes.len() > 1 {
                        f.message = format!("{} ({KERAS2_ALTERNATIVE})", f.message);
                    }
                    ctx.push(f);
                }
                Some(Err(key)) => {
                    ctx.push(Finding::new(
                        Rule::KerasImport,
                        Severity::Error,
                        stmt.range.clone(),
                        format!("`{key}` has no equivalent in tf.keras; port this by hand"),
                    ));
                }
                None => {}
            }
        } else if is_contrib {
            if name.alias.is_some() {
                contrib_import(ctx, stmt, &canonical(full), &local);
            } else {
                let finding = ctx.push(Finding::new(
                    Rule::Contrib,
                    Severity::Error,
                    stmt.range.clone(),
                    format!("`{full}` does not exist in TensorFlow 2"),
                ));
                ctx.contrib_imports.push(ContribImport { finding, range: stmt.range.clone(), names: Vec::new() });
            }
        } else if is_tf && ctx.options.strategy == Strategy::Compat && stmt.names.len() == 1 {
            compat_import(ctx, stmt, &local);
        }
    }
}

/// `from tensorflow.x import y`: contrib successors and renamed symbols.
fn tf_from(ctx: &mut Ctx<'_>, stmt: &ImportStmt, module: &str) {
    if stmt.wildcard || stmt.names.is_empty() {
        if module.starts_with("tensorflow.contrib") {
            ctx.push(Finding::new(
                Rule::Contrib,
                Severity::Error,
                stmt.range.clone(),
                format!("`{module}` does not exist in TensorFlow 2"),
            ));
        }
        return;
    }
    if module == "tensorflow.python" || module.starts_with("tensorflow.python.") {
        private_from(ctx, stmt, module);
        return;
    }
    if stmt.names.len() > 1 && contrib_without_successors(ctx, stmt, module) {
        return;
    }
    for name in &stmt.names {
        let full = canonical(&format!("{module}.{}", name.name));
        let local = name.local(true);
        if full.starts_with("tf.contrib") {
            if stmt.names.len() == 1 {
                contrib_import(ctx, stmt, &full, &local);
            } else {
                ctx.push(Finding::new(
                    Rule::Contrib,
                    Severity::Error,
                    name.range.clone(),
                    format!("`{full}` does not exist in TensorFlow 2; split this import to get a rewrite"),
                ));
            }
        } else if !full.starts_with("tf.compat")
            && let Some((key, target)) = Tables::longest_prefix(&tables().renames, &full)
            // TensorFlow 0.x names are not in tf.compat.v1 either: renamed under every strategy.
            && (ctx.options.strategy != Strategy::Compat || tables().tf0.contains(key))
        {
            let new = qualified(&format!("{target}{}", &full[key.len()..]));
            let rule = if target.starts_with("tf.compat.v1") { Rule::CompatV1 } else { Rule::Tf2Rename };
            // A target the targeted release removed as well is no rewrite (as on the symbol path).
            if let Some(version) = removed_at(&canonical(&new), ctx.options.target) {
                let range = if stmt.names.len() == 1 { stmt.range.clone() } else { name.range.clone() };
                let message = format!(
                    "`{key}` is `{target}` in TensorFlow 2 — but TensorFlow {version} removed that too (targeting {}): port it by hand, or target an older release with --target-tf",
                    ctx.options.target
                );
                ctx.push(Finding::new(rule, Severity::Error, range, message));
                continue;
            }
            if stmt.names.len() == 1 {
                let mut message = format!("`{key}` is `{target}` in TensorFlow 2");
                let text = render_importable(&new, &local, true)
                    .map_err(|module| message = format!("{message}; {}", not_importable(&module, &canonical(&new))))
                    .ok();
                // `tf.keras.optimizers.legacy`: Keras 2's, as on the symbol path (`symbols`).
                let legacy = text.is_some() && legacy_keras_target(ctx, &canonical(&new));
                let requires = if legacy { legacy_keras_prelude(ctx).into_iter().collect() } else { Vec::new() };
                if legacy {
                    message
                        .push_str(" (Keras 2's: pip install tf-keras, and TF_USE_LEGACY_KERAS=1 on TensorFlow 2.16+)");
                }
                let fix = |e| if legacy { Fix::review(vec![e]).needing("tf-keras") } else { Fix::safe(vec![e]) };
                let mut f = Finding::new(rule, Severity::Error, stmt.range.clone(), message)
                    .with_fixes(text.and_then(|t| statement_edit(ctx, stmt, t)).map(fix));
                if !f.fixes.is_empty() {
                    f.requires = requires;
                }
                ctx.push(f);
            } else {
                ctx.push(Finding::new(
                    rule,
                    Severity::Error,
                    name.range.clone(),
                    format!("`{key}` is `{target}` in TensorFlow 2; split this import to get a rewrite"),
                ));
            }
        } else if let Some((key, version)) = removed_prefix(&full, ctx.options.target) {
            // The import itself fails on the targeted release: it is reported where it stands.
            note_on(ctx, &full, name.range.clone());
            ctx.push(removed_finding(key, version, ctx.options.target, name.range.clone()));
        } else if full.starts_with("tf.keras.") {
            // Guidance on a Keras name (`tensorflow.keras.wrappers.scikit_learn`, gone with Keras
            // 2.12) where it is imported, which may be the only place it is named.
            note_on(ctx, &full, name.range.clone());
        }
    }
}

/// `from tensorflow.contrib.x import a, b` where no name has a successor: one finding for the
/// statement, which goes once every use is rewritten (or is made optional: see
/// [`finish_contrib_imports`]). Whether it was such an import.
fn contrib_without_successors(ctx: &mut Ctx<'_>, stmt: &ImportStmt, module: &str) -> bool {
    let mut keys: Vec<(&'static str, &'static str, Option<&'static str>)> = Vec::new();
    for name in &stmt.names {
        let full = public_contrib_name(&canonical(&format!("{module}.{}", name.name)));
        match Tables::longest_prefix(&tables().contrib, &full) {
            Some((key, entry)) if full.starts_with("tf.contrib") && entry.replacement.is_none() => {
                if !keys.iter().any(|k| k.0 == key) {
                    keys.push((key, entry.note, entry.package));
                }
            }
            _ => return false,
        }
    }
    let message = keys.iter().map(|(key, note, _)| format!("`{key}`: {note}")).collect::<Vec<_>>().join("; ");
    let mut f = Finding::new(Rule::Contrib, Severity::Error, stmt.range.clone(), message);
    f.packages.extend(keys.iter().filter_map(|k| k.2));
    keep_removed_import(ctx, stmt, f);
    true
}

/// `from tensorflow.python.x import y`: the public replacement where the table knows one (for a
/// single-name import), else guidance on private modules.
fn private_from(ctx: &mut Ctx<'_>, stmt: &ImportStmt, module: &str) {
    let private = &tables().private;
    let own_rows = stmt.names.iter().any(|n| private.contains_key(canonical(&format!("{module}.{}", n.name)).as_str()));
    if stmt.names.len() > 1
        && !own_rows
        && let Some(range) = stmt.from_range.clone()
        && let Some((key, public)) = Tables::longest_prefix(private, &canonical(module))
    {
        // Several names from a private module that a public one replaces: the module path moves.
        let target = format!("{public}{}", &canonical(module)[key.len()..]);
        let message = format!("`{}` is private: the public `{target}` replaces it", canonical(module));
        let gone: Vec<String> = stmt
            .names
            .iter()
            .filter_map(|n| {
                let name = format!("{target}.{}", n.name);
                public_successor_missing(&name, ctx.options.target)
            })
            .collect();
        if !gone.is_empty() {
            // The public module lacks some of the names on the targeted release: no rewrite.
            let message =
                format!("`{}` is private, and {}; port this import by hand", canonical(module), gone.join("; "));
            ctx.push(Finding::new(Rule::Tf2Rename, Severity::Error, range, message));
            return;
        }
        let (message, fix) =
            private_fix(ctx, message, (key, &target), Edit::replacement(range.clone(), qualified(&target)));
        ctx.push(Finding::new(Rule::Tf2Rename, Severity::Error, range, message).with_fix(fix));
        return;
    }
    let name = &stmt.names[0];
    let full = canonical(&format!("{module}.{}", name.name));
    if stmt.names.len() == 1 {
        private_import(ctx, stmt, &full, &name.local(true));
    } else {
        note_on(ctx, &full, stmt.range.clone());
    }
}

/// One private module or name imported on its own (`from tensorflow.python.util import nest`,
/// `import tensorflow.python.keras.layers.core as core`; `full` canonical) and bound to `local`:
/// moved to its public name, or guidance.
fn private_import(ctx: &mut Ctx<'_>, stmt: &ImportStmt, full: &str, local: &str) {
    match Tables::longest_prefix(&tables().private, full) {
        Some((key, public)) => {
            let target = format!("{public}{}", &full[key.len()..]);
            let mut message = format!("`{full}` is private: the public `{target}` replaces it");
            if let Some(why) = public_successor_missing(&target, ctx.options.target) {
                // The public name does not exist on the targeted release: no rewrite to it.
                message = format!("`{full}` is private, and {why}; port it by hand");
                ctx.push(Finding::new(Rule::Tf2Rename, Severity::Error, stmt.range.clone(), message));
                return;
            }
            let text = render_importable(&qualified(&target), local, true)
                .map_err(|module| message = format!("{message}; {}", not_importable(&module, &target)))
                .ok();
            let edit = text.and_then(|t| statement_edit(ctx, stmt, t));
            let (message, fix) = match edit {
                Some(e) => {
                    let (m, f) = private_fix(ctx, message, (key, &target), e);
                    (m, Some(f))
                }
                None => (message, None),
            };
            let f = Finding::new(Rule::Tf2Rename, Severity::Error, stmt.range.clone(), message).with_fixes(fix);
            ctx.push(f);
        }
        None => note_on(ctx, full, stmt.range.clone()),
    }
}

/// The fix of a private → public import: the same objects, except where the public module is
/// tf.keras on Keras 3 (TensorFlow 2.16+), while the private `tensorflow.python.keras` is Keras 2.
fn private_fix(ctx: &Ctx<'_>, message: String, (key, target): (&str, &str), edit: Edit) -> (String, Fix) {
    if tables().private_renamed.contains(key) {
        (message, Fix::review(vec![edit]))
    } else if target.starts_with("tf.keras") && ctx.options.target >= TfVersion::KERAS3 {
        let message = format!(
            "{message} — on TensorFlow 2.16+ that is Keras 3, while the private module was Keras 2: check subclassed layers and models"
        );
        (message, Fix::review(vec![edit]))
    } else {
        (message, Fix::safe(vec![edit]))
    }
}

/// The public spelling of a tf.contrib import path: a private `….python.…` run collapsed (see
/// [`successor::collapse_private`]), else its last segment kept under the package
/// (`tf.contrib.rnn.python.ops.core_rnn` → `tf.contrib.rnn.core_rnn`).
fn public_contrib_name(full: &str) -> String {
    if let Some((collapsed, _, _)) = successor::collapse_private(full, Reach::Import) {
        return collapsed;
    }
    match full.find(".python.") {
        Some(i) => format!("{}.{}", &full[..i], full.rsplit('.').next().unwrap_or_default()),
        None => full.to_owned(),
    }
}

/// Replace a whole single-name import of a tf.contrib module with its successor, or explain.
fn contrib_import(ctx: &mut Ctx<'_>, stmt: &ImportStmt, full: &str, local: &str) {
    let full = &public_contrib_name(full);
    let Some((key, entry)) = Tables::longest_prefix(&tables().contrib, full) else {
        return;
    };
    let install = entry.package.map(|p| format!(" (pip install {p})")).unwrap_or_default();
    match entry.replacement {
        Some(replacement) => {
            let target = format!("{replacement}{}", &full[key.len()..]);
            let new = qualified(&target);
            let mut message = format!("`{key}` → `{replacement}`{install}: {}", entry.note);
            let verdict = successor::verdict(&target, Reach::Import);
            let text = if successor::ruled_out(verdict) {
                message = format!("{message}; {}: port this import by hand", successor::why_not(&target, verdict));
                None
            } else {
                render_importable(&new, local, true)
                    .map_err(|module| message = format!("{message}; {}", not_importable(&module, &target)))
                    .ok()
            };
            let (mut requires, mut package) = (Vec::new(), entry.package);
            if text.is_some() && legacy_keras_target(ctx, &target) {
                // `from tensorflow.contrib import rnn` → the Keras 2 RNN cells of tf.compat.v1.
                requires.extend(legacy_keras_prelude(ctx));
                package = Some("tf-keras");
            }
            let mut f = Finding::new(Rule::Contrib, Severity::Error, stmt.range.clone(), message).with_fixes(
                text.and_then(|t| statement_edit(ctx, stmt, t))
                    .map(|e| Fix { packages: package.into_iter().collect(), ..Fix::review(vec![e]) }),
            );
            if f.fixes.is_empty() {
                f.packages.extend(entry.package);
            } else {
                f.requires = requires;
            }
            ctx.push(f);
        }
        None => {
            let mut f =
                Finding::new(Rule::Contrib, Severity::Error, stmt.range.clone(), format!("`{key}`: {}", entry.note));
            f.packages.extend(entry.package);
            let finding = ctx.push(f);
            let names = vec![local.to_owned()];
            ctx.contrib_imports.push(ContribImport { finding, range: stmt.range.clone(), names });
        }
    }
}

/// After the walk: a tf.contrib import without a successor module goes once every use of what it
/// binds is rewritten (the deletion needs those rewrites); else its finding says how many uses
/// are left to port by hand.
pub(crate) fn finish_contrib_imports(ctx: &mut Ctx<'_>) {
    for import in std::mem::take(&mut ctx.contrib_imports) {
        let uses: Vec<ContribUse> = ctx.contrib_uses.iter().filter(|u| u.of(&import)).cloned().collect();
        let left: Vec<ContribUse> = uses.iter().filter(|u| u.finding.is_none()).cloned().collect();
        if !left.is_empty() {
            guard_contrib_import(ctx, &import, &left);
            continue;
        }
        let unresolved = uses.is_empty() && import.names.iter().any(|n| ctx.name_occurs_outside(n, &import.range));
        if unresolved {
            continue;
        }
        let Some(edit) = ctx.delete_statement(import.range.clone()) else { continue };
        let mut requires: Vec<usize> = uses.iter().filter_map(|u| u.finding).collect();
        requires.sort_unstable();
        requires.dedup();
        let f = &mut ctx.findings_mut()[import.finding];
        f.message.push_str(if requires.is_empty() {
            " (nothing here uses it: the import goes)"
        } else {
            " (every use here is rewritten: the import goes with them)"
        });
        f.fixes.push(Fix::review(vec![edit]).labelled("remove"));
        f.requires = requires;
    }
}

/// A removed-module import that uses left to port by hand keep: its finding says how many, and
/// offers to make the import optional (`try:` … `except ImportError:` binding its names to
/// `None`), so that the module loads and only those uses fail, when they run, where they all
/// run in functions. Without it the import stops the whole module, and every module importing
/// it, at import time.
fn guard_contrib_import(ctx: &mut Ctx<'_>, import: &ContribImport, left: &[ContribUse]) {
    let mut names: Vec<&str> = Vec::new();
    for u in left {
        if !names.contains(&u.name.as_str()) {
            names.push(&u.name);
        }
    }
    // A use left that runs at import time would stop the module all the same.
    let all_deferred = left.iter().all(|u| u.deferred);
    let left = left.len();
    let (uses, them, rest) = if left == 1 {
        ("use is", "it", "the use left is ported: the module loads, and only that use fails, when it runs")
    } else {
        ("uses are", "them", "the uses left are ported: the module loads, and only they fail, when they run")
    };
    let listed = match names.len() {
        0..=3 => names.join(", "),
        n => format!("{} and {} more", names[..3].join(", "), n - 3),
    };
    let comment = format!("removed: port {listed} by hand");
    let guard = if !all_deferred || ctx.import_is_optional(import.range.clone()) {
        None
    } else {
        ctx.guard_import(import.range.clone(), &import.names, &comment)
    };
    let f = &mut ctx.findings_mut()[import.finding];
    let _ = write!(f.message, " ({left} {uses} not rewritten here: port {them} by hand, then delete the import)");
    let rule = f.rule;
    if let Some(edit) = guard {
        let message = format!("make the import optional until {rest}");
        let fix = Fix::review(vec![edit]).labelled("optional");
        ctx.push(Finding::new(rule, Severity::Warning, import.range.clone(), message).with_fixes(Some(fix)));
    }
}

/// The compat strategy: `import tensorflow as tf` → `import tensorflow.compat.v1 as tf` and one
/// `tf.disable_v2_behavior()` after the imports.
fn compat_import(ctx: &mut Ctx<'_>, stmt: &ImportStmt, local: &str) {
    let new = format!("import tensorflow.compat.v1 as {local}");
    let finding =
        Finding::new(Rule::CompatImport, Severity::Warning, stmt.range.clone(), "run the TF1 API through tf.compat.v1")
            .with_fixes(statement_edit(ctx, stmt, new).map(|e| Fix::safe(vec![e])));
    let idx = ctx.push(finding);
    // Only an import that runs at module level binds the name where the switch goes; the switch
    // itself is placed once the uses of the module are known (`graph::check`).
    if !stmt.in_function && ctx.compat_import.is_none() {
        ctx.compat_import = Some((local.to_owned(), idx));
    }
}

#[cfg(test)]
mod tests {
    use super::{render_import, render_importable};

    #[test]
    fn private_contrib_paths_collapse_to_public_names() {
        assert_eq!(
            super::public_contrib_name("tf.contrib.layers.python.layers.initializers.xavier_initializer"),
            "tf.contrib.layers.xavier_initializer"
        );
        assert_eq!(
            super::public_contrib_name("tf.contrib.framework.python.ops.add_arg_scope"),
            "tf.contrib.framework.add_arg_scope"
        );
        assert_eq!(super::public_contrib_name("tf.contrib.slim"), "tf.contrib.slim");
    }

    #[test]
    fn import_spelling() {
        assert_eq!(render_import("tensorflow.keras", "keras", false), "from tensorflow import keras");
        assert_eq!(render_import("tensorflow.keras.backend", "K", true), "from tensorflow.keras import backend as K");
        assert_eq!(render_import("tf_slim", "slim", true), "import tf_slim as slim");
        assert_eq!(render_import("tf_slim", "tf_slim", true), "import tf_slim");
        assert_eq!(render_import("tensorflow.keras", "k", true), "from tensorflow import keras as k");
    }

    #[test]
    fn namespaces_are_imported_from_their_module() {
        let tfp = render_importable("tensorflow_probability.distributions.Normal", "Normal", true);
        assert_eq!(tfp.as_deref(), Ok("from tensorflow_probability.python.distributions import Normal"));
        let tfd = render_importable("tensorflow_probability.distributions", "tfd", true);
        assert_eq!(tfd.as_deref(), Ok("from tensorflow_probability import distributions as tfd"));
        let strategy = render_importable("tensorflow.distribute.MirroredStrategy", "MirroredStrategy", true);
        assert_eq!(strategy, Err("tensorflow.distribute".to_owned()));
        assert!(render_importable("tensorflow.distribute", "ds", true).is_ok());
    }
}
