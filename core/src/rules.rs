//! The rule catalogue and the dispatch of one pass over a parsed file.
//!
//! Each rule family lives in its own module under `rules/`; the facts they apply live in the data
//! tables (`rules/table.rs`). This module only walks the tree once and hands nodes to them.

pub(crate) mod arguments;
pub(crate) mod call;
pub mod catalogue;
pub(crate) mod cheat;
pub(crate) mod context;
pub(crate) mod eager;
pub(crate) mod graph;
pub(crate) mod imports;
pub(crate) mod keras3;
pub(crate) mod metric_keys;
pub(crate) mod native;
pub(crate) mod numpy2;
pub(crate) mod shapes;
pub(crate) mod stdlib;
pub(crate) mod successor;
pub(crate) mod symbols;
pub(crate) mod table;
pub(crate) mod transforms;

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::fix::{Duty, Finding, Severity};
use crate::resolve::{self, Imports};
use crate::source::{Broken, KindSet, Nodes, SourceFile};
pub use catalogue::{FixAvailability, Rule, RuleInfo};
use context::Ctx;

/// How far rewrites go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Strategy {
    /// `import tensorflow.compat.v1 as tf` + `tf.disable_v2_behavior()`; Keras imports moved.
    Compat,
    /// Every TF1 symbol to its TF2 name, else `tf.compat.v1`; argument and semantic rewrites.
    #[default]
    Upgrade,
    /// Like `upgrade`, plus idiomatic TF2 alternatives (Keras layers, optimizers) to choose from.
    Native,
}

impl Strategy {
    /// Every strategy, mildest first.
    pub const ALL: [Self; 3] = [Self::Compat, Self::Upgrade, Self::Native];

    /// The name on the command line and in configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Compat => "compat",
            Self::Upgrade => "upgrade",
            Self::Native => "native",
        }
    }

    /// One line on what the strategy does, for `--help`.
    pub fn summary(self) -> &'static str {
        match self {
            Self::Compat => "`import tensorflow.compat.v1 as tf` + `tf.disable_v2_behavior()`; Keras imports moved",
            Self::Upgrade => "every TF1 symbol to its TF2 name, else `tf.compat.v1`; argument and semantic rewrites",
            Self::Native => "like `upgrade`, plus idiomatic TF2 alternatives (Keras layers, optimizers) to choose from",
        }
    }
}

impl FromStr for Strategy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown strategy {s:?} (expected compat, upgrade or native)"))
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A TensorFlow release, for `--target-tf`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct TfVersion {
    pub major: u32,
    pub minor: u32,
}

impl TfVersion {
    /// The newest release the tables know about (the default target).
    pub const NEWEST: Self = Self { major: 2, minor: 21 };
    /// The first release whose `tf.keras` is Keras 3.
    pub(crate) const KERAS3: Self = Self { major: 2, minor: 16 };
    /// The first release built for `NumPy` 2 (`pip install tensorflow` brings `NumPy` 2 from here on;
    /// 2.21 asks for numpy>=1.26.0, so pip picks the newest `NumPy` 2).
    pub(crate) const NUMPY2: Self = Self { major: 2, minor: 18 };
}

impl FromStr for TfVersion {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let mut parts = s.split('.');
        let num = |p: Option<&str>| p.and_then(|p| p.parse::<u32>().ok());
        match (num(parts.next()), num(parts.next())) {
            (Some(major @ 2), Some(minor)) => Ok(Self { major, minor }),
            _ => Err(format!("expected a TensorFlow 2 version such as 2.15 or 2.21, got {s:?}")),
        }
    }
}

impl fmt::Display for TfVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// What the rules are asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub strategy: Strategy,
    pub target: TfVersion,
    /// What the file owes, as an entry point, to the modules of the tree it imports (set per
    /// file by the pipeline, see `pipeline::program`; empty otherwise).
    pub duties: crate::fix::Duties,
}

impl Default for Options {
    fn default() -> Self {
        Self { strategy: Strategy::Upgrade, target: TfVersion::NEWEST, duties: crate::fix::Duties::default() }
    }
}

/// The text of every built-in data table (for the cache's key).
pub(crate) fn table_files() -> Vec<&'static str> {
    table::ALL.iter().map(|f| f.text).collect()
}

/// Whether the text names TensorFlow or Keras. A file that does not can only have findings of
/// the `numpy2` and `python-stdlib` rules (see `scan::prefilter`).
pub(crate) fn names_tensorflow_or_keras(text: &[u8]) -> bool {
    ["tensorflow", "keras"].iter().any(|n| memchr::memmem::find(text, n.as_bytes()).is_some())
}

/// Run every rule over a parsed file.
///
/// Under the compat strategy, a file whose TensorFlow code is TF2 already (no name, argument or
/// graph-mode use that the upgrade would change, say a file migrated before, or one that only
/// imports TensorFlow for a rewrite's TF2 name) does not get `import tensorflow.compat.v1` and
/// `disable_v2_behavior()`: those would only switch its TF2 code, and the Keras 3 it runs, to
/// graph mode. It gets the upgrade's findings, which then concern other things (contrib, Keras,
/// `NumPy`, the standard library).
pub fn check(src: &SourceFile, options: &Options) -> Vec<Finding> {
    let findings = check_with(src, options);
    if options.strategy != Strategy::Compat || !findings.iter().any(|f| f.rule == Rule::CompatImport) {
        return findings;
    }
    let upgrade = check_with(src, &Options { strategy: Strategy::Upgrade, ..options.clone() });
    if uses_tf1_api(&upgrade, &findings) { findings } else { upgrade }
}

/// Whether the upgrade's `findings` of a file change a TF1 use (a name, an argument, graph-mode
/// code) that the compat strategy's findings (`compat`) leave to `tf.compat.v1`, or write a
/// `tf.compat.v1` name themselves (a private path whose public name is a TF1 one): the upgrade's
/// next pass would then find TF1 code, and the compat strategy must decide the same way on both.
fn uses_tf1_api(upgrade: &[Finding], compat: &[Finding]) -> bool {
    const TF1_API: [Rule; 11] = [
        Rule::Tf2Rename,
        Rule::CompatV1,
        Rule::KeywordRename,
        Rule::KeywordRemoved,
        Rule::ArgumentOrder,
        Rule::DropoutKeepProb,
        Rule::CastShorthand,
        Rule::FunctionRewrite,
        Rule::DisableEager,
        Rule::GraphModeLibrary,
        Rule::DimensionValue,
    ];
    let writes_v1 =
        |f: &Finding| f.fixes.first().is_some_and(|fix| fix.edits.iter().any(|e| e.content.contains("compat.v1")));
    upgrade.iter().any(|f| {
        writes_v1(f) || (TF1_API.contains(&f.rule) && !compat.iter().any(|c| c.rule == f.rule && c.range == f.range))
    })
}

fn check_with(src: &SourceFile, options: &Options) -> Vec<Finding> {
    // One walk over the tree, listing every node, serves the checks for what CPython rejects and every walk below.
    let Some(nodes) = src.nodes() else {
        // Resolving imports walks the tree recursively: report without building the context.
        let range = src.broken().iter().find_map(|b| match b {
            Broken::TooDeep { range } => Some(range.clone()),
            _ => None,
        });
        return vec![Finding::new(
            Rule::SyntaxError,
            Severity::Error,
            range.unwrap_or(0..0),
            format!("nested more than {} levels deep; the file is left alone", crate::source::MAX_DEPTH),
        )];
    };
    let mut imports = Imports::new(src, &nodes);
    let cheats = cheat::remap(&mut imports, options);
    let mut ctx = Ctx::new(src, &nodes, &imports, options);
    report_broken(&mut ctx);
    if src.is_python2() {
        return ctx.into_findings();
    }
    for stmt in &imports.statements {
        imports::check_import(&mut ctx, stmt);
    }
    walk(&mut ctx, &nodes);
    imports::finish_contrib_imports(&mut ctx);
    native::finish(&mut ctx);
    keras3::finish(&mut ctx);
    if ctx.options.duties.has(Duty::LegacyKeras) && ctx.is_entry_point() {
        // A module of the tree this program imports needs Keras 2: the switch, on its own.
        symbols::owe_legacy_keras(&mut ctx);
    }
    graph::check(&mut ctx);
    cheat::link(&mut ctx, &cheats);
    ctx.into_findings()
}

fn report_broken(ctx: &mut Ctx<'_>) {
    let mut python2_reported = false;
    for b in ctx.src.broken() {
        match b {
            Broken::Python2 { range, what } if !python2_reported => {
                python2_reported = true;
                ctx.push(Finding::new(
                    Rule::Python2Syntax,
                    Severity::Error,
                    range.clone(),
                    format!("Python 2 syntax ({what}); file left unchanged: convert it to Python 3 first"),
                ));
            }
            Broken::Syntax { range, .. } => {
                ctx.push(Finding::new(
                    Rule::SyntaxError,
                    Severity::Error,
                    range.clone(),
                    "syntax error; nothing is rewritten in this statement",
                ));
            }
            Broken::Python2 { .. } | Broken::TooDeep { .. } => {}
        }
    }
}

/// What a node is to its parent, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Other,
    /// The callee of a call.
    Callee,
    /// A name that is not a variable reference: `x.NAME`, `f(NAME=...)`, or a name assigned to
    /// (`NAME = None`, which binds it, as in an `except ImportError:` fallback), or defined
    /// (`def NAME`).
    NotAName,
}

/// The node kinds and fields the walk looks at, by id (`Node::kind` converts a C string on every
/// call, too slow for a walk over every node).
struct WalkKinds {
    imports: KindSet,
    scopes: KindSet,
    identifier: u16,
    attribute: u16,
    call: u16,
    comparison: u16,
    keyword_argument: u16,
    assignment: u16,
    definitions: [u16; 2],
}

fn walk_kinds() -> &'static WalkKinds {
    static KINDS: std::sync::OnceLock<WalkKinds> = std::sync::OnceLock::new();
    KINDS.get_or_init(|| {
        let id = crate::source::kind_id;
        let g = crate::source::grammar();
        WalkKinds {
            imports: KindSet::new(resolve::is_import),
            scopes: KindSet::new(resolve::is_scope),
            identifier: g.identifier,
            attribute: g.attribute,
            call: id("call"),
            comparison: id("comparison_operator"),
            keyword_argument: id("keyword_argument"),
            assignment: id("assignment"),
            definitions: [id("function_definition"), id("class_definition")],
        }
    })
}

/// One pass over every node, in source order: imports are handled from the import table, dotted
/// names and calls here. A node's role comes from its parent and its place among the parent's
/// children; the enclosing scopes are tracked on the way.
fn walk<'a>(ctx: &mut Ctx<'a>, nodes: &Nodes<'a>) {
    let k = walk_kinds();
    // The ends (in `nodes`) of the scopes the walk is in, innermost last, beside `ctx.scopes`.
    let mut scope_ends: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < nodes.len() {
        while scope_ends.last().is_some_and(|&end| end <= i) {
            scope_ends.pop();
            ctx.scopes.pop();
        }
        let item = nodes.get(i);
        let (node, id) = (item.node, item.kind);
        let parent = nodes.parent(i).map(|p| nodes.get(p));
        // By position, as cheap as the fields and the same nodes: a call's callee and a keyword
        // argument's name come first, an attribute's name after its object.
        let first = nodes.is_first_child(i);
        let role = match parent.map(|p| p.kind) {
            Some(p) if p == k.call && first => Role::Callee,
            Some(p) if (p == k.attribute && !first) || (p == k.keyword_argument && first) => Role::NotAName,
            Some(p) if p == k.assignment && first && id == k.identifier => Role::NotAName,
            // The name a `def` or `class` binds (its only identifier child).
            Some(p) if k.definitions.contains(&p) && id == k.identifier => Role::NotAName,
            _ => Role::Other,
        };
        let descend = if k.imports.contains(id) {
            false
        } else if (id == k.identifier || id == k.attribute) && role != Role::NotAName {
            match resolve::dotted_parts(nodes, i) {
                Some(parts) => {
                    let call = parent.map(|p| p.node).filter(|_| role == Role::Callee);
                    symbols::check_dotted(ctx, node, &parts, call);
                    false
                }
                None => {
                    if id == k.attribute {
                        shapes::check_attribute(ctx, node, parent.map(|p| p.node));
                        keras3::check_keras_shape(ctx, node);
                    }
                    true
                }
            }
        } else if id == k.call {
            // Resolved once here: each rule below filters the same canonical callee (the first child).
            let function = nodes.children(i).next();
            let parts = function.and_then(|function| resolve::dotted_parts(nodes, function));
            let resolved = parts.and_then(|p| ctx.resolve_parts(&p)).map(|q| context::canonical(&q));
            arguments::check_call(ctx, node, resolved.as_deref());
            transforms::check_call(ctx, node, resolved.as_deref());
            numpy2::check_call(ctx, node, resolved.as_deref());
            if let Some(callee) = function.map(|f| nodes.get(f).node) {
                keras3::check_call(ctx, node, callee, resolved.as_deref());
                metric_keys::check_call(ctx, node, callee, resolved.as_deref());
                stdlib::check_tf_test_eval(ctx, node, callee);
            }
            true
        } else {
            if id == k.comparison {
                transforms::check_comparison(ctx, node);
            } else if id == k.assignment
                && let Some(left) = nodes.children(i).next()
            {
                // Its target comes first: only `self.trainable_weights = …` goes further.
                keras3::check_assignment(ctx, node, nodes.get(left).node);
            }
            true
        };
        if !descend {
            i = nodes.end(i);
            continue;
        }
        if k.scopes.contains(id) && nodes.end(i) > i + 1 {
            ctx.scopes.push(node);
            scope_ends.push(nodes.end(i));
        }
        i += 1;
    }
    for _ in scope_ends {
        ctx.scopes.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_versions_parse() {
        assert_eq!("2.15".parse::<TfVersion>(), Ok(TfVersion { major: 2, minor: 15 }));
        assert_eq!("2.21.0".parse::<TfVersion>(), Ok(TfVersion::NEWEST));
        assert!("1.15".parse::<TfVersion>().is_err());
    }

    /// The compat strategy runs a file through `tf.compat.v1` only when it has a TF1 use: a
    /// name, a keyword, an argument order, a TF1 meaning of a call, graph-mode code.
    #[test]
    fn compat_only_where_the_file_uses_the_tf1_api() {
        let compat = Options { strategy: Strategy::Compat, ..Options::default() };
        let gets_compat = |body: &str| {
            let text = format!("import tensorflow as tf\n\n{body}\n");
            let src = SourceFile::new("t.py".into(), text, crate::source::Encoding::Utf8 { bom: false });
            check(&src, &compat).iter().any(|f| f.rule == Rule::CompatImport)
        };
        for tf1 in [
            "y = tf.log(x)",
            "y = tf.reduce_sum(x, keep_dims=True)",
            "y = tf.nn.dropout(x, 0.5)",
            "x = tf.compat.v1.placeholder(tf.float32)",
            "w = x.get_shape()[1].value",
        ] {
            assert!(gets_compat(tf1), "{tf1}");
        }
        for tf2 in [
            "y = tf.reduce_sum(x, keepdims=True)",
            "y = tf.nn.dropout(x, rate=0.5)",
            "m = tf.keras.Sequential([tf.keras.layers.Dense(1)])",
            "d = tf.config.list_logical_devices('GPU')",
            // TensorFlow 0.x's order is rewritten under every strategy (compat.v1 has 1.x's).
            "y = tf.concat(1, [a, b])",
        ] {
            assert!(!gets_compat(tf2), "{tf2}");
        }
    }
}
