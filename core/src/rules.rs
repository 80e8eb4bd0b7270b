//! The rule catalogue and the dispatch of one pass over a parsed file.
//!
//! Each rule family lives in its own module under `rules/`; the facts they apply live in the data
//! tables (`rules/table.rs`). This module only walks the tree once and hands nodes to them.

pub mod arguments;
pub mod context;
pub mod graph;
pub mod imports;
pub mod keras3;
pub mod native;
pub mod symbols;
pub mod table;
pub mod transforms;

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use tree_sitter::Node;

use crate::fix::{Finding, Severity};
use crate::resolve::{self, Imports};
use crate::source::{Broken, SourceFile};
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
    pub const KERAS3: Self = Self { major: 2, minor: 16 };
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
}

impl Default for Options {
    fn default() -> Self {
        Self { strategy: Strategy::Upgrade, target: TfVersion::NEWEST }
    }
}

/// Documentation of one rule, for `tf2-migrate rules`, `report` and the review UI.
#[derive(Debug, Serialize)]
pub struct RuleInfo {
    pub id: &'static str,
    pub summary: &'static str,
    pub why: &'static str,
    pub before: &'static str,
    pub after: &'static str,
    /// The usual safety level of its fixes.
    pub safety: &'static str,
}

macro_rules! rule {
    ($id:literal, $safety:literal, $summary:literal, $why:literal, $before:literal, $after:literal) => {
        RuleInfo { id: $id, safety: $safety, summary: $summary, why: $why, before: $before, after: $after }
    };
}

/// Every rule, in the order `tf2-migrate rules` lists them.
pub static RULES: &[RuleInfo] = &[
    rule!(
        "syntax-error",
        "manual",
        "The file does not parse; nothing is proposed inside the broken statement.",
        "Rewriting text that does not parse risks corrupting it.",
        "def f(:",
        "(fix the syntax first)"
    ),
    rule!(
        "python2-syntax",
        "manual",
        "Python 2 only syntax; the whole file is left alone.",
        "TensorFlow 2 runs on Python 3 only; convert the file first (2to3, pyupgrade).",
        "print 'loss', loss",
        "print('loss', loss)"
    ),
    rule!(
        "tf2-rename",
        "safe",
        "A TF1 symbol that TF2 exports under another name.",
        "The old name does not exist in TF2; the object is the same.",
        "tf.log(x)",
        "tf.math.log(x)"
    ),
    rule!(
        "compat-v1",
        "safe",
        "A TF1 symbol with no TF2 equivalent of the same behaviour, moved to tf.compat.v1.",
        "TF2 keeps the TF1 API under tf.compat.v1 unchanged.",
        "tf.Session()",
        "tf.compat.v1.Session()"
    ),
    rule!(
        "keyword-rename",
        "safe",
        "A keyword argument renamed in TF2.",
        "TF2 removed the old spelling; the meaning is the same.",
        "tf.reduce_sum(x, keep_dims=True)",
        "tf.reduce_sum(x, keepdims=True)"
    ),
    rule!(
        "keyword-removed",
        "review",
        "A keyword argument TF2 no longer accepts.",
        "Passing it raises TypeError in TF2; dropping it may change behaviour.",
        "tf.argmax(x, dimension=1)",
        "tf.argmax(x, axis=1)"
    ),
    rule!(
        "argument-order",
        "safe",
        "Positional arguments of a function whose TF2 parameter order changed become keywords.",
        "The same positions mean other parameters in TF2.",
        "tf.argmax(x, 1, 'name')",
        "tf.argmax(x, 1, name='name')"
    ),
    rule!(
        "dropout-keep-prob",
        "safe",
        "tf.nn.dropout's keep_prob becomes rate = 1 - keep_prob.",
        "TF2's dropout takes the drop rate, not the keep probability.",
        "tf.nn.dropout(x, 0.8)",
        "tf.nn.dropout(x, rate=1 - (0.8))"
    ),
    rule!(
        "cast-shorthand",
        "safe",
        "tf.to_float and friends become tf.cast.",
        "The shorthands were removed in TF2.",
        "tf.to_float(x)",
        "tf.cast(x, tf.float32)"
    ),
    rule!(
        "function-rewrite",
        "safe",
        "Calls whose TF2 form differs beyond a rename: softmax_cross_entropy_with_logits, image.resize_*, Dataset iterators.",
        "The TF2 function of the same name behaves differently, or the TF1 method is gone.",
        "tf.image.resize_bilinear(img, [64, 64])",
        "tf.image.resize(img, [64, 64], method=tf.image.ResizeMethod.BILINEAR)"
    ),
    rule!(
        "contrib",
        "manual",
        "tf.contrib was removed in TF2: moved to its successor where one exists, else guidance.",
        "`import tensorflow.contrib` fails on TF2 (No module named 'tensorflow.contrib').",
        "tf.contrib.slim.conv2d",
        "tf_slim.conv2d  (pip install tf-slim)"
    ),
    rule!(
        "keras-import",
        "safe",
        "Standalone Keras imports moved to tensorflow.keras.",
        "Keras ships inside TensorFlow; Keras 2 module paths such as keras.layers.core no longer exist.",
        "from keras.layers.core import Dense",
        "from tensorflow.keras.layers import Dense"
    ),
    rule!(
        "keras3-api",
        "review",
        "Keras 2 APIs that Keras 3 (tf.keras from TensorFlow 2.16) removed or renamed.",
        "fit_generator, predict_classes, lr= and friends raise AttributeError or TypeError on Keras 3.",
        "model.fit_generator(gen, steps_per_epoch=10, workers=4)",
        "model.fit(gen, steps_per_epoch=10)"
    ),
    rule!(
        "legacy-keras",
        "review",
        "tf.compat.v1 layers and RNN cells need Keras 2 on TensorFlow 2.16+: TF_USE_LEGACY_KERAS=1 before TensorFlow loads.",
        "Since 2.16 tf.keras is Keras 3, and tf.compat.v1.layers says \"not available with Keras 3\".",
        "import tensorflow as tf",
        "import os\nos.environ[\"TF_USE_LEGACY_KERAS\"] = \"1\"\nimport tensorflow as tf  (pip install tf-keras)"
    ),
    rule!(
        "compat-import",
        "safe",
        "The compat strategy: run the TF1 API through tf.compat.v1 with v2 behaviour off.",
        "The smallest change that makes TF1 code run on TF2.",
        "import tensorflow as tf",
        "import tensorflow.compat.v1 as tf\ntf.disable_v2_behavior()"
    ),
    rule!(
        "disable-eager",
        "safe",
        "Graph-mode code (Session, placeholder...) needs TF1 behaviour under TF2: one tf.compat.v1.disable_v2_behavior().",
        "TF2 runs eagerly (placeholders fail, Sessions see an empty graph); its shapes, variables and control flow differ too, and TF1 graph code relies on the TF1 ones (e.g. `x.shape[1].value`).",
        "sess = tf.compat.v1.Session()",
        "tf.compat.v1.disable_v2_behavior()  # once, after the imports"
    ),
    rule!(
        "graph-mode-library",
        "manual",
        "A library module uses graph-mode APIs; its callers must disable eager execution.",
        "Only the program's entry point should switch execution modes.",
        "def build(): return tf.compat.v1.placeholder(...)",
        "(call tf.compat.v1.disable_v2_behavior() in the script that imports this)"
    ),
    rule!(
        "removed-api",
        "manual",
        "An API that the targeted TensorFlow release removed.",
        "It fails with AttributeError or ImportError on that release.",
        "tf.estimator.Estimator",
        "(port to Keras, or pin TensorFlow <= 2.15)"
    ),
    rule!(
        "api-note",
        "manual",
        "An API whose TF2 behaviour differs: guidance only.",
        "Some changes cannot be rewritten mechanically.",
        "tf.app.flags",
        "from absl import flags"
    ),
];

/// The catalogue entry of a rule id.
pub fn info(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id == id)
}

/// Run every rule over a parsed file.
pub fn check(src: &SourceFile, options: &Options) -> Vec<Finding> {
    if src.is_too_deep() {
        // Resolving imports walks the tree recursively: report without building the context.
        let range = src.broken.iter().find_map(|b| match b {
            Broken::TooDeep { range } => Some(range.clone()),
            _ => None,
        });
        return vec![Finding::new(
            "syntax-error",
            Severity::Error,
            range.unwrap_or(0..0),
            format!("nested more than {} levels deep; the file is left alone", crate::source::MAX_DEPTH),
        )];
    }
    let imports = Imports::new(src);
    let mut ctx = Ctx::new(src, &imports, options);
    report_broken(&mut ctx);
    if src.is_python2() {
        return ctx.into_findings();
    }
    for stmt in &imports.statements {
        imports::check_import(&mut ctx, stmt);
    }
    walk(&mut ctx, src.tree.root_node());
    graph::check(&mut ctx);
    ctx.into_findings()
}

fn report_broken(ctx: &mut Ctx<'_>) {
    let mut python2_reported = false;
    for b in &ctx.src.broken {
        match b {
            Broken::Python2 { range, what } if !python2_reported => {
                python2_reported = true;
                ctx.push(Finding::new(
                    "python2-syntax",
                    Severity::Error,
                    range.clone(),
                    format!("Python 2 syntax ({what}); file left unchanged: convert it to Python 3 first"),
                ));
            }
            Broken::Syntax { range, .. } => {
                ctx.push(Finding::new(
                    "syntax-error",
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
    /// A name that is not a variable reference: `x.NAME`, `f(NAME=...)`.
    NotAName,
}

enum Visit<'t> {
    Enter(Node<'t>, Role, Option<Node<'t>>),
    /// Leaving a function body: pop its scope.
    Exit,
}

/// One walk over the tree: imports are handled from the import table, dotted names and calls
/// here. The walk tracks each node's role and the enclosing functions on the way down, because
/// asking tree-sitter for a node's parent costs a walk from the root.
fn walk<'a>(ctx: &mut Ctx<'a>, root: Node<'a>) {
    let mut stack = vec![Visit::Enter(root, Role::Other, None)];
    while let Some(visit) = stack.pop() {
        let Visit::Enter(node, role, parent) = visit else {
            ctx.scopes.pop();
            continue;
        };
        match node.kind() {
            "import_statement" | "import_from_statement" | "future_import_statement" => continue,
            "identifier" | "attribute" if role != Role::NotAName => {
                if let Some(parts) = resolve::dotted_parts(node) {
                    let call = parent.filter(|_| role == Role::Callee);
                    symbols::check_dotted(ctx, node, &parts, call);
                    continue;
                }
            }
            "call" => {
                // Resolved once here: each rule below filters the same canonical callee.
                let resolved =
                    node.child_by_field_name("function").and_then(|f| ctx.resolve(f)).map(|q| context::canonical(&q));
                arguments::check_call(ctx, node, resolved.as_deref());
                transforms::check_call(ctx, node, resolved.as_deref());
                keras3::check_call(ctx, node, resolved.as_deref());
            }
            "comparison_operator" => transforms::check_comparison(ctx, node),
            "function_definition" | "lambda" => {
                ctx.scopes.push(node);
                stack.push(Visit::Exit);
            }
            _ => {}
        }
        let mut cursor = node.walk();
        if !cursor.goto_first_child() {
            continue;
        }
        let mark = stack.len();
        loop {
            let child = cursor.node();
            let role = match (node.kind(), cursor.field_name()) {
                ("call", Some("function")) => Role::Callee,
                ("attribute", Some("attribute")) | ("keyword_argument", Some("name")) => Role::NotAName,
                _ => Role::Other,
            };
            stack.push(Visit::Enter(child, role, Some(node)));
            if !cursor.goto_next_sibling() {
                break;
            }
        }
        stack[mark..].reverse();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique() {
        let mut ids: Vec<_> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
    }

    #[test]
    fn target_versions_parse() {
        assert_eq!("2.15".parse::<TfVersion>(), Ok(TfVersion { major: 2, minor: 15 }));
        assert_eq!("2.21.0".parse::<TfVersion>(), Ok(TfVersion::NEWEST));
        assert!("1.15".parse::<TfVersion>().is_err());
    }
}
