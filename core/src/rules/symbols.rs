//! Dotted names: renamed symbols, tf.contrib, standalone Keras module paths, removed APIs and notes.

use tree_sitter::Node;

use crate::fix::{Duty, Edit, Finding, Fix, Severity};
use crate::rules::Rule;
use crate::rules::context::{Ctx, GraphUse, canonical, under};
use crate::rules::successor::{self, Reach, Verdict};
use crate::rules::table::{Tables, tables};
use crate::rules::{Strategy, TfVersion, keras3, native, numpy2, stdlib, transforms};

/// Segments of a dotted name.
fn segments(name: &str) -> usize {
    name.split('.').count()
}

/// Whether `name` is under a package the TensorFlow rules follow (TensorFlow, Keras, `NumPy`).
fn followed(name: &str) -> bool {
    ["tf", "keras", "numpy"].iter().any(|p| under(name, p).is_some())
}

/// A dotted expression `parts[0].parts[1]...` whose root an import binds.
pub(crate) fn check_dotted(ctx: &mut Ctx<'_>, node: Node<'_>, parts: &[Node<'_>], call: Option<Node<'_>>) {
    let Some(root_q) = ctx.resolve_root(parts[0]) else {
        stdlib::check_self_method(ctx, parts);
        keras3::check_keras_shape(ctx, node);
        return;
    };
    let root_c = canonical(root_q);
    let root_local = ctx.text(parts[0]);
    let mut name = root_c.clone();
    for p in &parts[1..] {
        name.push('.');
        name.push_str(ctx.text(*p));
    }
    // The range covering the first `n` segments of `name`; `None` when they are no more than the
    // root binding's (then the import statement itself is what changes).
    let span = |n: usize| {
        let last = n.checked_sub(segments(&root_c)).filter(|&l| l > 0)?;
        parts.get(last).map(|p| parts[0].start_byte()..p.end_byte())
    };
    let prefix_range = |key: &str| span(segments(key));
    if !followed(&name) {
        stdlib::check_dotted(ctx, &name, (root_local, &root_c), node.start_byte(), prefix_range);
        return;
    }
    if check_family(ctx, node, &name, (root_local, &root_c), call, &span) {
        return;
    }
    let t = tables();
    let in_call = call.is_some();
    let module_level = ctx.module_level();

    if let Some(rest) = name.strip_prefix("tf.compat.v1.") {
        note_graph_use(ctx, &format!("tf.{rest}"), node, None, module_level);
        check_compat_v1(ctx, &name, rest, parts, root_local, &root_c);
        return;
    }
    if ctx.options.strategy == Strategy::Compat && kept_through_compat(ctx, &name, node, module_level) {
        return;
    }
    let mut final_name = name.clone();
    let mut finding = None;
    if !(in_call && transforms::claims(&name))
        && let Some((key, target)) = Tables::longest_prefix(&t.renames, &name)
        && let Some(range) = prefix_range(key)
    {
        let new_name = format!("{target}{}", &name[key.len()..]);
        let (rule, message) = if target.starts_with("tf.compat.v1") {
            (Rule::CompatV1, format!("`{key}` is only in tf.compat.v1 in TensorFlow 2: use `{target}`"))
        } else {
            (Rule::Tf2Rename, format!("`{key}` is `{target}` in TensorFlow 2"))
        };
        // A tf.compat.v1 target that the targeted release removed is no rewrite at all.
        let removed_in = removed_at(&new_name, ctx.options.target);
        let native_alt = if in_call && (ctx.options.strategy == Strategy::Native || removed_in.is_some()) {
            call.and_then(|call| native::alternative(ctx, call, &name, root_local, &root_c))
        } else {
            None
        };
        // Under the compat strategy (a TensorFlow 0.x name) the module's alias becomes
        // tf.compat.v1: a tf.compat.v1 target is spelled from there.
        let written = match target.strip_prefix("tf.compat.v1.") {
            Some(rest) if ctx.options.strategy == Strategy::Compat => format!("tf.{rest}"),
            _ => (*target).to_owned(),
        };
        let mut f = Finding::new(rule, Severity::Error, range.clone(), message);
        if let Some(spelled) = ctx.spell(&written, root_local, &root_c)
            && legacy_rename(ctx, &mut f, &new_name, (range.clone(), spelled))
        {
            let graph_finding = ctx.push(f);
            note_graph_use(ctx, &name, node, Some(graph_finding), module_level);
            return;
        }
        if let Some(version) = removed_in {
            f.message =
                format!("{} — but TensorFlow {version} removed that too (targeting {})", f.message, ctx.options.target);
        } else if let Some(spelled) = ctx.spell(&written, root_local, &root_c) {
            let label = if rule == Rule::CompatV1 { "compat.v1" } else { "upgrade" };
            f.fixes.push(Fix::safe(vec![Edit::replacement(range, spelled)]).labelled(label));
        } else {
            f.message.push_str(" (import tensorflow to spell it)");
        }
        if let Some((native, note)) = native_alt {
            // The idiomatic rewrite is the default under --strategy native, and the only one when
            // the compat.v1 name is gone; otherwise compat.v1 stays as the alternative.
            f.fixes.insert(0, native);
            f.message = format!("{}; native rewrite: {note}", f.message);
        } else if removed_in.is_some() {
            f.message.push_str(": port it by hand, or target an older release with --target-tf");
        }
        let native_first = f.fixes.len() > 1 && f.fixes[0].label == "native";
        let pushed = ctx.push(f);
        finding = Some(pushed);
        if native_first {
            // Stays the default only where the file can use it (`native::finish`).
            ctx.native_defaults
                .push(crate::rules::context::NativeDefault { finding: pushed, optimizer: native::is_optimizer(&name) });
        }
        if removed_in.is_some() {
            note_graph_use(ctx, &name, node, finding, module_level);
            return;
        }
        final_name = new_name;
    }
    note_graph_use(ctx, &name, node, finding, module_level);
    // Guidance is for what no rewrite handles (or, under `native`, for what the port involves).
    let handled = finding.is_some() || (in_call && transforms::claims(&name));
    check_removed(ctx, &name, &final_name, node);
    if !handled || ctx.options.strategy == Strategy::Native {
        note(ctx, &name, node);
    }
}

/// Names with rules of their own: `NumPy`, tf.contrib, private TensorFlow modules, standalone
/// Keras paths. Whether `name` was one of them.
fn check_family(
    ctx: &mut Ctx<'_>,
    node: Node<'_>,
    name: &str,
    (root_local, root_c): (&str, &str),
    call: Option<Node<'_>>,
    span: &impl Fn(usize) -> Option<std::ops::Range<usize>>,
) -> bool {
    let prefix_range = |key: &str| span(segments(key));
    if name == "numpy" || name.starts_with("numpy.") {
        numpy2::check_dotted(ctx, node, name, (root_local, root_c), call, prefix_range);
    } else if name.starts_with("tf.contrib") && call.is_some() && transforms::claims(name) {
        // A function-specific rewrite owns the call (it ran when the walk entered the call).
        let finding = ctx.findings().iter().rposition(|f| {
            f.fixes.first().is_some_and(|fix| {
                fix.edits.iter().any(|e| e.range.start < node.end_byte() && node.start_byte() < e.range.end)
            })
        });
        ctx.record_use(root_local, name, node.start_byte(), finding);
        return false;
    } else if name.starts_with("tf.contrib") {
        check_contrib(ctx, name, (root_local, root_c), node.start_byte(), call, span);
    } else if name.starts_with("tf.python.") {
        check_private(ctx, name, root_local, root_c, prefix_range);
    } else if call.is_none() && ctx.options.strategy != Strategy::Compat && tables().v1_modules.contains(name) {
        // Under compat, `tf` is tensorflow.compat.v1 already.
        let Some(range) = prefix_range(name) else { return false };
        check_module_value(ctx, name, range, root_local, root_c);
    } else if name.starts_with("keras") && call.is_some() && transforms::claims(name) {
        // A function-specific rewrite owns the call (`_get_available_gpus()`).
    } else if name.starts_with("keras") {
        check_keras_path(ctx, name, (root_local, root_c), node.start_byte(), prefix_range);
        check_keras_alias(ctx, name, prefix_range);
        keras3::check_name(ctx, name, node);
        note(ctx, name, node);
    } else {
        return false;
    }
    true
}

/// A rename to what only Keras 2 has on Keras 3 targets: gone (`tf.compat.v1.layers`), or kept
/// as stubs that raise (`tf.keras.optimizers.legacy`). tf-keras plus `TF_USE_LEGACY_KERAS=1` before
/// TensorFlow loads bring it back: the fix is a review one that requires that. Whether it was one.
fn legacy_rename(
    ctx: &mut Ctx<'_>,
    f: &mut Finding,
    new_name: &str,
    (range, spelled): (std::ops::Range<usize>, String),
) -> bool {
    if ctx.options.target < TfVersion::KERAS3 {
        return false;
    }
    let Some((_, what)) = Tables::longest_prefix(&tables().legacy_keras, new_name) else { return false };
    let prelude = legacy_keras_prelude(ctx);
    let label = if f.rule == Rule::CompatV1 { "compat.v1 + tf-keras" } else { "upgrade + tf-keras" };
    let fix = Fix::review(vec![Edit::replacement(range, spelled)]).labelled(label);
    f.fixes.push(fix.needing("tf-keras"));
    f.requires.extend(prelude);
    f.message = format!("{} ({what} need Keras 2 on TensorFlow 2.16+: pip install tf-keras)", f.message);
    true
}

/// Under the compat strategy: a name kept as written, which runs through tf.compat.v1 (and which
/// the targeted release may have lost there: `tf.compat.v1.estimator` went with 2.16). Whether
/// it is kept: TensorFlow 0.x names are not in tf.compat.v1 either, and are renamed as usual.
fn kept_through_compat(ctx: &mut Ctx<'_>, name: &str, node: Node<'_>, module_level: bool) -> bool {
    let t = tables();
    if Tables::longest_prefix(&t.renames, name).is_some_and(|(key, _)| t.tf0.contains(key)) {
        return false;
    }
    note_graph_use(ctx, name, node, None, module_level);
    let v1 = format!("tf.compat.v1{}", &name[2..]);
    needs_legacy_keras(ctx, &v1);
    // tf.compat.v1 layers and RNN cells live on with Keras 2 (the legacy-keras rule's business).
    if !legacy_keras_target(ctx, &v1)
        && let Some((key, version)) = removed_prefix(&v1, ctx.options.target)
    {
        ctx.push(removed_finding(key, version, ctx.options.target, node.byte_range()));
    }
    true
}

fn note_graph_use(ctx: &mut Ctx<'_>, name: &str, node: Node<'_>, finding: Option<usize>, module_level: bool) {
    if let Some(why) = tables().graph_mode.get(name) {
        ctx.graph_uses.push(GraphUse { range: node.byte_range(), finding, module_level, why });
    }
}

/// The finding that selects Keras 2 before TensorFlow is first imported, inserted once per file at
/// the program's entry point (right after the header, so that it precedes every import that may
/// load TensorFlow, or right after an `import os` that comes before them). A library module must
/// not set process-wide state: it gets one finding naming the entry point's duty instead, and
/// `None` (the rewrites there have nothing to require).
pub(crate) fn legacy_keras_prelude(ctx: &mut Ctx<'_>) -> Option<usize> {
    const WHY: &str = "select Keras 2 before TensorFlow loads: tf.compat.v1 layers, RNN cells and legacy optimizers need it on TensorFlow 2.16+ (pip install tf-keras)";
    if ctx.code_mentions("TF_USE_LEGACY_KERAS") {
        return None;
    }
    if !ctx.is_entry_point() {
        if ctx.first_note("legacy-keras duty") {
            let message = format!(
                "library module: {WHY}; the program's entry point must do it ({})",
                Duty::LegacyKeras.describe()
            );
            ctx.push(Finding::new(Rule::LegacyKeras, Severity::Error, 0..0, message).with_duty(Duty::LegacyKeras));
        }
        return None;
    }
    let nl = ctx.src.newline();
    let environ = "environ[\"TF_USE_LEGACY_KERAS\"] = \"1\"  # Keras 2 (pip install tf-keras) for tf.compat.v1 layers";
    let first_import = ctx.imports.statements.iter().find(|s| !s.in_function).map(|s| s.statement.start);
    // A plain `import os` on a line of its own at module level.
    let os_import = ctx.imports.statements.iter().find(|s| {
        !s.in_function
            && s.top_level
            && s.from.is_none()
            && matches!(s.names.as_slice(), [n] if n.name == "os" && n.alias.is_none())
    });
    let header = ctx.header_end();
    let mut edits = Vec::new();
    match os_import {
        // `import os` comes first among the imports: the switch goes right after it.
        Some(os) if Some(os.statement.start) == first_import && ctx.module_alias("os") == Some("os") => {
            let at = ctx.line_end(os.statement.end);
            edits.push(Edit::insertion(at, ctx.line(at, &format!("os.{environ}"))));
        }
        // It comes later: it moves up, so that the file still imports os once.
        Some(os) if ctx.module_alias("os") == Some("os") && ctx.line_start(os.range.start) == os.range.start => {
            edits.push(Edit::insertion(header, format!("import os{nl}os.{environ}{nl}")));
            edits.push(Edit::deletion(os.range.start..ctx.line_end(os.range.end)));
        }
        _ => {
            let name = ["os", "_os"].into_iter().find(|n| ctx.is_fresh(n))?;
            let import = if name == "os" { "import os".to_owned() } else { format!("import os as {name}") };
            edits.push(Edit::insertion(header, format!("{import}{nl}{name}.{environ}{nl}")));
        }
    }
    let at = edits[0].range.start;
    let key = edits.iter().map(|e| e.content.as_str()).collect::<String>();
    Some(ctx.once(&key, || {
        Finding::new(Rule::LegacyKeras, Severity::Error, at..at, WHY)
            .with_fix(Fix::review(edits).needing("tf-keras"))
            .supporting()
    }))
}

/// A name already on `tf.compat.v1` (spelled out, or through a compat.v1 alias): what still
/// breaks on TF 2.21 — `tf.compat.v1.contrib` (never existed: the `tf.contrib` successors) and
/// the Keras 2 layers and RNN cells (the legacy-Keras switch).
fn check_compat_v1(ctx: &mut Ctx<'_>, name: &str, rest: &str, parts: &[Node<'_>], root_local: &str, root_c: &str) {
    let whole = parts[0].start_byte()..parts[parts.len() - 1].end_byte();
    if check_constant(ctx, name, whole) {
        return;
    }
    let Some(rest) = under(rest, "contrib") else {
        needs_legacy_keras(ctx, name);
        return;
    };
    // The first `n` segments of `tf.contrib.x…` are `tf.compat.v1.contrib.x…` as written (through
    // a compat.v1 alias or spelled out): two segments more, the first few of them in the root's part.
    let written = |n: usize| {
        let last = (n + 2).checked_sub(segments(root_c)).filter(|&l| l > 0)?;
        parts.get(last).map(|p| parts[0].start_byte()..p.end_byte())
    };
    check_contrib(ctx, &format!("tf.contrib{rest}"), (root_local, root_c), parts[0].start_byte(), None, written);
}

/// Code that stays on `tf.compat.v1` (the compat strategy, or code already written against it)
/// and uses its layers or RNN cells needs Keras 2 on TensorFlow 2.16+: the switch, inserted on
/// its own (no rewrite needs it, the code as it stands does).
fn needs_legacy_keras(ctx: &mut Ctx<'_>, v1_name: &str) {
    if !legacy_keras_target(ctx, v1_name) {
        return;
    }
    if let Some(i) = legacy_keras_prelude(ctx) {
        ctx.findings_mut()[i].support = false;
    }
}

/// The legacy-Keras switch in an entry point for the modules of the tree it imports (see
/// `Options::duties`), on its own as for code that needs it itself.
pub(crate) fn owe_legacy_keras(ctx: &mut Ctx<'_>) {
    if ctx.options.target < TfVersion::KERAS3 {
        return;
    }
    if let Some(i) = legacy_keras_prelude(ctx) {
        ctx.findings_mut()[i].support = false;
    }
}

/// A TF1 module used as a value (`getattr(tf.train, name)`, `dir(tf.train)`): what the code
/// looks up there includes names TF 2 keeps only in the v1 module (`AdamOptimizer`), so it is
/// `tf.compat.v1.train`, the module TF1 code meant.
fn check_module_value(ctx: &mut Ctx<'_>, name: &str, range: std::ops::Range<usize>, root_local: &str, root_c: &str) {
    let target = format!("tf.compat.v1{}", &name[2..]);
    let mut message =
        format!("`{name}` as a value is the TF1 module: TF 2's `{name}` lacks the members that moved to `{target}`");
    if let Some(version) = removed_at(&target, ctx.options.target) {
        message = format!("{message} — but TensorFlow {version} removed that too");
        ctx.push(Finding::new(Rule::CompatV1, Severity::Error, range, message));
        return;
    }
    let mut f = Finding::new(Rule::CompatV1, Severity::Error, range.clone(), message);
    match ctx.spell(&target, root_local, root_c) {
        Some(spelled) => f.fixes.push(Fix::safe(vec![Edit::replacement(range, spelled)]).labelled("compat.v1")),
        None => f.message.push_str(" (import tensorflow to spell it)"),
    }
    ctx.push(f);
}

/// The release (at or before `target`) that removed `name`, if any.
pub(crate) fn removed_at(name: &str, target: TfVersion) -> Option<&'static str> {
    removed_prefix(name, target).map(|(_, version)| version)
}

/// The longest prefix of `name` that a release up to `target` removed, and that release.
pub(crate) fn removed_prefix(name: &str, target: TfVersion) -> Option<(&'static str, &'static str)> {
    Tables::longest_prefix(&tables().removed, name)
        .map(|(key, version)| (key, *version))
        .filter(|(_, v)| v.parse::<TfVersion>().is_ok_and(|v| v <= target))
}

/// Why the public name `target` that a private one maps to cannot be written on `target_tf`:
/// the release that removed it, or the member its public module never had
/// (`tf.keras.utils.tf_utils`, from `tf.python.keras.utils.tf_utils`).
pub(crate) fn public_successor_missing(target: &str, target_tf: TfVersion) -> Option<String> {
    if let Some(version) = removed_at(target, target_tf) {
        return Some(format!(
            "TensorFlow {version} removed its public name `{target}` (targeting {target_tf}; an older --target-tf keeps it)"
        ));
    }
    successor::missing_member(target)
}

/// The `removed-api` finding for `key`, which release `version` removed.
pub(crate) fn removed_finding(key: &str, version: &str, target: TfVersion, range: std::ops::Range<usize>) -> Finding {
    Finding::new(
        Rule::RemovedApi,
        Severity::Error,
        range,
        format!(
            "`{key}` was removed in TensorFlow {version} (targeting {target}); port it, or target an older release with --target-tf"
        ),
    )
}

/// Guidance for `name` (tf.keras names also match the notes on standalone Keras names).
fn note(ctx: &mut Ctx<'_>, name: &str, node: Node<'_>) {
    note_on(ctx, name, node.byte_range());
}

/// `note` for a byte range (an import statement, say) rather than a node.
pub(crate) fn note_on(ctx: &mut Ctx<'_>, name: &str, range: std::ops::Range<usize>) {
    let t = tables();
    let keras_name = name.strip_prefix("tf.").filter(|n| n.starts_with("keras."));
    let found =
        Tables::longest_prefix(&t.notes, name).or_else(|| keras_name.and_then(|n| Tables::longest_prefix(&t.notes, n)));
    // Once per file and note: the guidance is about the API, not about each use.
    if let Some((key, note)) = found
        && ctx.first_note(key)
    {
        let message = format!("`{key}`: {}", note.message);
        ctx.push(Finding::new(Rule::ApiNote, note.severity, range, message));
    }
}

fn check_removed(ctx: &mut Ctx<'_>, name: &str, final_name: &str, node: Node<'_>) {
    let target = ctx.options.target;
    if [final_name, name].into_iter().any(|n| check_constant(ctx, n, node.byte_range())) {
        return;
    }
    if let Some((key, version)) = [final_name, name].into_iter().find_map(|n| removed_prefix(n, target)) {
        ctx.push(removed_finding(key, version, target, node.byte_range()));
    }
}

/// A constant of a removed API (`tf.estimator.ModeKeys.TRAIN`, the whole expression at `range`)
/// becomes its value: `mode == 'train'` keeps working where the API is gone. Whether it was one.
fn check_constant(ctx: &mut Ctx<'_>, name: &str, range: std::ops::Range<usize>) -> bool {
    let Some(literal) = tables().constants.get(name) else { return false };
    let Some(version) = removed_at(name, ctx.options.target) else { return false };
    let message = format!("`{name}` was removed in TensorFlow {version}: its value is {literal}");
    let fix = Fix::safe(vec![Edit::replacement(range.clone(), *literal)]);
    ctx.push(Finding::new(Rule::RemovedConstant, Severity::Error, range, message).with_fix(fix));
    true
}

/// A tf.contrib name: its successor, or guidance; recorded as a use of its root's import.
fn check_contrib(
    ctx: &mut Ctx<'_>,
    name: &str,
    (root_local, root_c): (&str, &str),
    at: usize,
    call: Option<Node<'_>>,
    span: impl Fn(usize) -> Option<std::ops::Range<usize>>,
) {
    let finding = contrib_rewrite(ctx, name, (root_local, root_c), call, span);
    ctx.record_use(root_local, name, at, finding);
}

/// The rewrite of a tf.contrib name (`call`: the call whose callee it is): the finding when it
/// has one.
fn contrib_rewrite(
    ctx: &mut Ctx<'_>,
    name: &str,
    (root_local, root_c): (&str, &str),
    call: Option<Node<'_>>,
    span: impl Fn(usize) -> Option<std::ops::Range<usize>>,
) -> Option<usize> {
    let t = tables();
    let collapsed = successor::collapse_private(name, Reach::Attribute);
    let lookup = collapsed.as_ref().map_or(name, |(c, _, _)| c.as_str());
    let (key, entry) = Tables::longest_prefix(&t.contrib, lookup)?;
    // How many segments of the original name the key spans (the collapsed run included).
    let covered = match &collapsed {
        Some((_, p, k)) => segments(key) - p + k,
        None => segments(key),
    };
    let range = span(covered)?;
    let install = entry.package.map(|p| format!(" (pip install {p})")).unwrap_or_default();
    let private_rest = collapsed.is_none() && name[key.len()..].split('.').any(|s| s == "python");
    let derived = entry.replacement.map(|r| format!("{r}{}", &lookup[key.len()..]));
    let verdict = derived.as_deref().map_or(Verdict::Unknown, |d| successor::verdict(d, Reach::Attribute));
    let ruled_out = successor::ruled_out(verdict);
    let Some(replacement) = entry.replacement.filter(|_| !private_rest && !ruled_out) else {
        let mut message = format!("`{key}`: {}", entry.note);
        if let (Some(replacement), Some(derived)) = (entry.replacement, derived.as_deref().filter(|_| ruled_out)) {
            message = format!(
                "`{key}` → `{replacement}`{install}: {}; {}: port `{name}` by hand",
                entry.note,
                successor::why_not(derived, verdict)
            );
        } else if let Some(replacement) = entry.replacement {
            message = format!(
                "`{key}` → `{replacement}`{install}: {}; `{name}` is a private module path: write the public name under `{replacement}` by hand",
                entry.note
            );
        }
        let mut f = Finding::new(Rule::Contrib, Severity::Error, range, message);
        f.packages.extend(entry.package);
        ctx.push(f);
        return None;
    };
    // A successor that TF1 code means otherwise (`tf.summary.scalar` is the v1 summary there,
    // which the next pass would move to tf.compat.v1) is spelled `tf.compat.v2.…`: the same
    // object, and stable.
    let stable;
    let replacement = match replacement.strip_prefix("tf.") {
        Some(rest) if t.renames.contains_key(format!("{replacement}{}", &lookup[key.len()..]).as_str()) => {
            stable = format!("tf.compat.v2.{rest}");
            stable.as_str()
        }
        _ => replacement,
    };
    let message = format!("`{key}` → `{replacement}`{install}: {}", entry.note);
    let mut requires = Vec::new();
    let spelled = if replacement.starts_with("tf.") || replacement == "tf" {
        // No alias of tensorflow here (`import tensorflow.compat.v1 as tf`): import it.
        let why = "import tensorflow, needed by the tf.contrib replacements";
        ctx.spell_tf(replacement, (root_local, root_c), Rule::Contrib, why).map(|(spelled, needs)| {
            requires = needs;
            spelled
        })
    } else {
        // An external package (`tf_slim`): through an import of it visible here, else a new one
        // (under another name where the file uses its own name for something else).
        let top = replacement.split('.').next().unwrap_or(replacement);
        let alternative = format!("{top}_");
        let why = format!("import {top}{install}, needed by the tf.contrib replacements");
        let conventional = CONVENTIONAL_ALIASES.iter().find(|(m, _)| *m == top).map(|(_, a)| *a);
        let names: Vec<&str> = conventional.into_iter().chain([top, alternative.as_str()]).collect();
        ctx.module_name(top, &names, false, Rule::Contrib, &why, entry.package).map(|m| {
            requires.extend(m.import);
            format!("{}{}", m.name, &replacement[top.len()..])
        })
    };
    let mut package = entry.package;
    if legacy_keras_target(ctx, &format!("{replacement}{}", &lookup[key.len()..])) {
        // `tf.contrib.rnn` → `tf.compat.v1.nn.rnn_cell`: Keras 2 classes on TF 2.16+.
        requires.extend(legacy_keras_prelude(ctx));
        package = Some("tf-keras");
    }
    if let Some(call) = call.filter(|_| key == name && t.native.contains_key(name)) {
        // A successor whose parameters differ (`tensor=` is `data=`): the arguments go with it.
        let mut f = Finding::new(Rule::Contrib, Severity::Error, range, message);
        f.packages.extend(package);
        let Some((fix, note)) = native::alternative(ctx, call, name, root_local, root_c) else {
            f.message.push_str(" (this call's arguments have no place in it: rewrite it by hand)");
            ctx.push(f);
            return None;
        };
        f.message = format!("`{key}` → `{}`{install}: {note}", t.native[name].replacement);
        f.fixes.push(fix.labelled("upgrade"));
        return Some(ctx.push(f));
    }
    match spelled {
        Some(spelled) => Some(push_contrib(ctx, range, message, spelled, requires, package)),
        None => {
            ctx.push(Finding::new(Rule::Contrib, Severity::Error, range, message));
            None
        }
    }
}

/// A member of a private TensorFlow module (`nest.is_sequence` after `from tensorflow.python.util
/// import nest`) that `private.tsv` renames: written relative to the public module the import
/// moves to (`nest.is_nested`).
fn check_private(
    ctx: &mut Ctx<'_>,
    name: &str,
    root_local: &str,
    root_c: &str,
    prefix_range: impl Fn(&str) -> Option<std::ops::Range<usize>>,
) {
    let private = &tables().private;
    let Some((key, public)) = Tables::longest_prefix(private, name) else { return };
    let missing = public_successor_missing(&format!("{public}{}", &name[key.len()..]), ctx.options.target);
    // Through an alias of a module under the key (`utils.GeneratorEnqueuer` after `from
    // tensorflow.python.keras import utils`), whose import the import rule moves, only a name the
    // public module lacks is this rule's business: on the whole expression.
    let Some(range) = prefix_range(key).or_else(|| missing.as_ref().and_then(|_| prefix_range(name))) else { return };
    let mut message = format!("`{key}` is private: the public `{public}` replaces it");
    let spelled = match missing {
        // The public name does not exist on the targeted release: nothing to write.
        Some(why) => {
            message = format!("`{name}` is private, and {why}; port it by hand");
            keep_private_import(ctx, root_local, name);
            None
        }
        None => {
            let root_new = Tables::longest_prefix(private, root_c).map(|(k, p)| format!("{p}{}", &root_c[k.len()..]));
            match root_new.as_deref().and_then(|r| under(public, r)) {
                Some(rest) => Some((format!("{root_local}{rest}"), Vec::new())),
                None => {
                    let why = "import tensorflow, needed by the public names of private TensorFlow members";
                    ctx.spell_tf(public, (root_local, root_c), Rule::Tf2Rename, why)
                }
            }
        }
    };
    let mut f = Finding::new(Rule::Tf2Rename, Severity::Error, range.clone(), message);
    if let Some((spelled, requires)) = spelled {
        let edits = vec![Edit::replacement(range, spelled)];
        let renamed = tables().private_renamed.contains(key);
        f.fixes.push(if renamed { Fix::review(edits) } else { Fix::safe(edits) });
        f.requires = requires;
    }
    ctx.push(f);
}

/// The import that binds `root` to a private module (`from tensorflow.python.util import nest`)
/// stays as it is when a use (`nest.flatten_up_to`) needs what its public module lacks: the
/// private module may still have it, the public one has not. Its rewrite, if the walk has made it
/// already (the import comes first), is withdrawn.
fn keep_private_import(ctx: &mut Ctx<'_>, root: &str, name: &str) {
    let Some(range) = ctx.binding_import(root).map(|s| s.range.clone()) else { return };
    for f in ctx.findings_mut() {
        if f.rule == Rule::Tf2Rename && f.range == range && !f.fixes.is_empty() {
            f.fixes.clear();
            f.message = format!("{} (kept: `{name}` has no public name)", f.message);
        }
    }
}

/// The names packages are conventionally imported as (`import tensorflow_probability as tfp`),
/// used for the import a tf.contrib rewrite adds when the file uses the name for nothing else.
const CONVENTIONAL_ALIASES: &[(&str, &str)] = &[("tensorflow_probability", "tfp")];

/// Whether the canonical `target` (a `tf.compat.v1` layers or RNN-cell name) needs Keras 2 on the
/// targeted release.
pub(crate) fn legacy_keras_target(ctx: &Ctx<'_>, target: &str) -> bool {
    ctx.options.target >= TfVersion::KERAS3 && Tables::longest_prefix(&tables().legacy_keras, target).is_some()
}

fn push_contrib(
    ctx: &mut Ctx<'_>,
    range: std::ops::Range<usize>,
    message: String,
    spelled: String,
    requires: Vec<usize>,
    package: Option<&'static str>,
) -> usize {
    let mut fix = Fix::review(vec![Edit::replacement(range.clone(), spelled)]);
    fix.packages.extend(package);
    let mut f = Finding::new(Rule::Contrib, Severity::Error, range, message).with_fix(fix);
    f.requires = requires;
    ctx.push(f)
}

/// A compatibility alias of Keras 2 that neither `tf_keras` nor Keras 3 has
/// (`keras.optimizers.rmsprop`, `keras.layers.Deconv2D`): the name it stood for, in the same
/// module. Only in a dotted use; a from-imported alias is its import's business.
fn check_keras_alias(ctx: &mut Ctx<'_>, name: &str, prefix_range: impl Fn(&str) -> Option<std::ops::Range<usize>>) {
    let Some((key, target)) = Tables::longest_prefix(&tables().keras_aliases, name) else {
        return;
    };
    let Some(range) = prefix_range(key) else {
        return;
    };
    let old = key.rsplit('.').next().unwrap_or(key);
    let new = target.rsplit('.').next().unwrap_or(target);
    let Some(at) = range.end.checked_sub(old.len()).filter(|&at| ctx.range_text(at..range.end) == old) else {
        return;
    };
    let message = format!("`{key}` was a Keras 2 alias of `{target}`: tf.keras and Keras 3 have only `{new}`");
    let fix = Fix::safe(vec![Edit::replacement(at..range.end, new)]);
    ctx.push(Finding::new(Rule::KerasImport, Severity::Error, at..range.end, message).with_fix(fix));
}

fn check_keras_path(
    ctx: &mut Ctx<'_>,
    name: &str,
    (root_local, root_c): (&str, &str),
    at: usize,
    prefix_range: impl Fn(&str) -> Option<std::ops::Range<usize>>,
) {
    let t = tables();
    let Some((key, target)) = Tables::longest_prefix(&t.keras_modules, name) else {
        return;
    };
    if *target == "-" {
        // A use of a name gone from Keras: it keeps the import of its root (see `keras_from`).
        ctx.record_use(root_local, key, at, None);
    } else if let Some(member) = name[key.len()..].strip_prefix('.').map(|rest| rest.split('.').next().unwrap_or(rest))
        && !t.keras_aliases.contains_key(format!("{key}.{member}").as_str())
        && let Some(why) = successor::missing_member(&canonical(&format!("{target}.{member}")))
    {
        // A member the tf.keras module never had (`keras.utils.generic_utils.to_list`, also
        // through an alias of the module: `generic_utils.to_list`): Keras 2 kept it in a module
        // tf.keras does not have. Not written under tf.keras, where it would fail.
        if let Some(range) = prefix_range(&format!("{key}.{member}")) {
            let message = format!("`{key}` is `{target}` in tf.keras, but {why}; port this by hand");
            ctx.push(Finding::new(Rule::KerasImport, Severity::Error, range, message));
        }
        return;
    }
    let Some(range) = prefix_range(key) else {
        return;
    };
    if *target == "-" {
        ctx.push(Finding::new(
            Rule::KerasImport,
            Severity::Error,
            range,
            format!("`{key}` has no equivalent in tf.keras; port this by hand"),
        ));
        return;
    }
    // The import rule moves the root to tf.keras; spell the new module relative to the root's new home.
    let Some((root_key, root_target)) = Tables::longest_prefix(&t.keras_modules, root_c) else {
        return;
    };
    let root_new = format!("{root_target}{}", &root_c[root_key.len()..]);
    let Some(rest) = under(target, &root_new) else {
        return;
    };
    let spelled = format!("{root_local}{rest}");
    if spelled == ctx.range_text(range.clone()) {
        return;
    }
    let f =
        Finding::new(Rule::KerasImport, Severity::Error, range.clone(), format!("`{key}` is `{target}` in tf.keras"))
            .with_fix(Fix::safe(vec![Edit::replacement(range, spelled)]));
    ctx.push(f);
}
