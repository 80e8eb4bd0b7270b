//! The rule catalogue: every rule declared once, with its id, what it flags, why, an example and
//! the safety of its fixes. Findings carry a [`Rule`]; the filter, `check`, `report`, `rules` and
//! the review UI read everything about a rule from here.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use crate::rules::table::{self, DataFile};
use crate::safety::Safety;

/// Whether a rule's findings come with an automatic rewrite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FixAvailability {
    /// Every finding has a rewrite.
    Always,
    /// Some findings are guidance only (manual), e.g. where no successor exists.
    Sometimes,
    /// Guidance only.
    Never,
}

/// Everything there is to say about one rule.
#[derive(Debug, Serialize)]
pub struct RuleInfo {
    pub id: &'static str,
    /// What it flags, in one line.
    pub summary: &'static str,
    /// Why the flagged code is a problem on TensorFlow 2.
    pub why: &'static str,
    pub before: &'static str,
    pub after: &'static str,
    /// The usual safety of its rewrites (`manual` when it has none).
    pub safety: Safety,
    /// Every safety its rewrites can have, the usual one first. A finding without a rewrite is
    /// `manual`, which `fix` allows unless it is `always`.
    pub safeties: &'static [Safety],
    pub fix: FixAvailability,
    /// The data tables it reads.
    #[serde(serialize_with = "table_names")]
    pub tables: &'static [&'static DataFile],
}

fn table_names<S: Serializer>(tables: &&'static [&'static DataFile], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(tables.iter().map(|t| t.name))
}

impl RuleInfo {
    /// The safety as `rules` and the UI show it: `review`, `safe or review`, or
    /// `review (sometimes manual)`.
    pub fn safety_label(&self) -> String {
        let names: Vec<&str> = self.safeties.iter().map(|s| s.as_str()).collect();
        let names = names.join(" or ");
        match self.fix {
            FixAvailability::Sometimes => format!("{names} (sometimes manual)"),
            FixAvailability::Always | FixAvailability::Never => names,
        }
    }

    /// Whether a finding of this rule may carry `safety`: one of the declared safeties, or
    /// `manual` when the rule does not always have a rewrite. (In a part of a file that does not
    /// parse, every finding is manual whatever its rule: nothing is rewritten there.)
    pub fn allows(&self, safety: Safety) -> bool {
        self.safeties.contains(&safety) || (safety == Safety::Manual && self.fix != FixAvailability::Always)
    }
}

/// Declares the `Rule` enum and its catalogue entries in one place.
macro_rules! rules {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident = $id:literal {
            safety: $safety:ident $(| $also:ident)*,
            fix: $fix:ident,
            tables: [$($table:ident),*],
            summary: $summary:literal,
            why: $why:literal,
            before: $before:literal,
            after: $after:literal $(,)?
        }
    ),* $(,)?) => {
        /// A rule: one kind of finding.
        #[allow(clippy::doc_markdown)] // The variants' docs are the user-facing summaries.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $( $(#[doc = $doc])* #[doc = $summary] $name, )*
        }

        /// The catalogue, in `Rule` order.
        static INFO: &[RuleInfo] = &[$(
            RuleInfo {
                id: $id,
                summary: $summary,
                why: $why,
                before: $before,
                after: $after,
                safety: Safety::$safety,
                safeties: &[Safety::$safety $(, Safety::$also)*],
                fix: FixAvailability::$fix,
                tables: &[$(&table::$table),*],
            },
        )*];

        impl Rule {
            /// Every rule, in the order `tf2-migrate rules` lists them.
            pub const ALL: &'static [Rule] = &[$(Rule::$name),*];
        }
    };
}

rules! {
    SyntaxError = "syntax-error" {
        safety: Manual,
        fix: Never,
        tables: [],
        summary: "The file does not parse; nothing is proposed inside the broken statement.",
        why: "Rewriting text that does not parse risks corrupting it.",
        before: "def f(:",
        after: "(fix the syntax first)",
    },
    Python2Syntax = "python2-syntax" {
        safety: Manual,
        fix: Never,
        tables: [],
        summary: "Python 2 only syntax; the whole file is left alone.",
        why: "TensorFlow 2 runs on Python 3 only; convert the file first (2to3, pyupgrade).",
        before: "print 'loss', loss",
        after: "print('loss', loss)",
    },
    Tf2Rename = "tf2-rename" {
        safety: Safe | Review,
        fix: Sometimes,
        tables: [RENAMES, PRIVATE, PRIVATE_MOVED, REMOVED, NAMESPACES],
        summary: "A TF1 symbol that TF2 exports under another name.",
        why: "The old name does not exist in TF2; the object is the same.",
        before: "tf.log(x)",
        after: "tf.math.log(x)",
    },
    CompatV1 = "compat-v1" {
        safety: Safe | Review,
        fix: Sometimes,
        tables: [RENAMES, REMOVED, LEGACY_KERAS, NATIVE],
        summary: "A TF1 symbol with no TF2 equivalent of the same behaviour, moved to tf.compat.v1.",
        why: "TF2 keeps the TF1 API under tf.compat.v1 unchanged.",
        before: "tf.Session()",
        after: "tf.compat.v1.Session()",
    },
    KeywordRename = "keyword-rename" {
        safety: Safe,
        fix: Sometimes,
        tables: [KEYWORDS],
        summary: "A keyword argument renamed in TF2.",
        why: "TF2 removed the old spelling; the meaning is the same.",
        before: "tf.reduce_sum(x, keep_dims=True)",
        after: "tf.reduce_sum(x, keepdims=True)",
    },
    KeywordRemoved = "keyword-removed" {
        safety: Review,
        fix: Sometimes,
        tables: [KEYWORDS],
        summary: "A keyword argument TF2 no longer accepts.",
        why: "Passing it raises TypeError in TF2; dropping it may change behaviour.",
        before: "tf.argmax(x, dimension=1)",
        after: "tf.argmax(x, axis=1)",
    },
    ArgumentOrder = "argument-order" {
        safety: Safe,
        fix: Sometimes,
        tables: [REORDERS, KEYWORDS],
        summary: "Positional arguments of a function whose TF2 parameter order changed become keywords.",
        why: "The same positions mean other parameters in TF2.",
        before: "tf.argmax(x, 1, 'name')",
        after: "tf.argmax(x, 1, name='name')",
    },
    DropoutKeepProb = "dropout-keep-prob" {
        safety: Safe,
        fix: Always,
        tables: [],
        summary: "tf.nn.dropout's keep_prob becomes rate = 1 - keep_prob.",
        why: "TF2's dropout takes the drop rate, not the keep probability.",
        before: "tf.nn.dropout(x, 0.8)",
        after: "tf.nn.dropout(x, rate=1 - (0.8))",
    },
    CastShorthand = "cast-shorthand" {
        safety: Safe,
        fix: Sometimes,
        tables: [],
        summary: "tf.to_float and friends become tf.cast.",
        why: "The shorthands were removed in TF2.",
        before: "tf.to_float(x)",
        after: "tf.cast(x, tf.float32)",
    },
    FunctionRewrite = "function-rewrite" {
        safety: Review | Safe,
        fix: Always,
        tables: [],
        summary: "Calls whose TF2 form differs beyond a rename: softmax_cross_entropy_with_logits, image.resize_*, Dataset iterators.",
        why: "The TF2 function of the same name behaves differently, or the TF1 method is gone.",
        before: "tf.image.resize_bilinear(img, [64, 64])",
        after: "tf.image.resize(img, [64, 64], method=tf.image.ResizeMethod.BILINEAR)",
    },
    Contrib = "contrib" {
        safety: Review | Safe,
        fix: Sometimes,
        tables: [CONTRIB, SUCCESSORS, NAMESPACES],
        summary: "tf.contrib was removed in TF2: moved to its successor where one exists, else guidance; an import kept for uses left to port can be made optional, so that the module loads.",
        why: "`import tensorflow.contrib` fails on TF2 (No module named 'tensorflow.contrib').",
        before: "tf.contrib.slim.conv2d",
        after: "tf_slim.conv2d  (pip install tf-slim)",
    },
    KerasImport = "keras-import" {
        safety: Safe | Review,
        fix: Sometimes,
        tables: [KERAS_MODULES, KERAS_ALIASES],
        summary: "Standalone Keras imports moved to tensorflow.keras; Keras 2's compatibility aliases that tf.keras and Keras 3 lack (`keras.optimizers.rmsprop`) become the names they stood for.",
        why: "Keras ships inside TensorFlow; Keras 2 module paths such as keras.layers.core no longer exist.",
        before: "from keras.layers.core import Dense",
        after: "from tensorflow.keras.layers import Dense",
    },
    Keras3Api = "keras3-api" {
        safety: Review | Safe,
        fix: Sometimes,
        tables: [KERAS3_METHODS, KERAS3_KEYWORDS, KERAS3_REMOVED, REMOVED],
        summary: "Keras 1 and 2 APIs that Keras 3 (tf.keras from TensorFlow 2.16) removed or renamed; where nothing in Keras 3 keeps the meaning, standalone Keras code keeps Keras 2 as tf_keras.",
        why: "fit_generator, predict_classes, lr=, batch_input_shape=, init= and friends raise AttributeError or TypeError on Keras 3.",
        before: "model.fit_generator(gen, steps_per_epoch=10, workers=4)",
        after: "model.fit(gen, steps_per_epoch=10)",
    },
    KerasLogKeys = "keras-log-keys" {
        safety: Review,
        fix: Always,
        tables: [],
        summary: "`metrics=[\"accuracy\"]` in a file that reads Keras 2.2's log keys `acc` / `val_acc`: the metric is named `acc`, which keeps those keys on tf.keras and Keras 3.",
        why: "Since Keras 2.3 the keys are 'accuracy' / 'val_accuracy': ModelCheckpoint(monitor='val_acc') never saves on tf.keras and raises on Keras 3, history.history['acc'] is a KeyError.",
        before: "model.compile(loss='mse', metrics=['accuracy'])  # and monitor='val_acc'",
        after: "model.compile(loss='mse', metrics=['acc'])",
    },
    LegacyKeras = "legacy-keras" {
        safety: Review,
        fix: Sometimes,
        tables: [LEGACY_KERAS],
        summary: "tf.compat.v1 layers and RNN cells need Keras 2 on TensorFlow 2.16+: TF_USE_LEGACY_KERAS=1 before TensorFlow loads.",
        why: "Since 2.16 tf.keras is Keras 3, and tf.compat.v1.layers says \"not available with Keras 3\".",
        before: "import tensorflow as tf",
        after: "import os\nos.environ[\"TF_USE_LEGACY_KERAS\"] = \"1\"\nimport tensorflow as tf  (pip install tf-keras)",
    },
    CompatImport = "compat-import" {
        safety: Safe,
        fix: Always,
        tables: [V2_ONLY],
        summary: "The compat strategy: run the TF1 API through tf.compat.v1 with v2 behaviour off.",
        why: "The smallest change that makes TF1 code run on TF2.",
        before: "import tensorflow as tf",
        after: "import tensorflow.compat.v1 as tf\ntf.disable_v2_behavior()",
    },
    LeaveCompatV1 = "leave-compat-v1" {
        safety: Review,
        fix: Always,
        tables: [RENAMES, KEYWORDS, REORDERS],
        summary: "Code on the one-line cheat (import tensorflow.compat.v1 as tf): the way out to TF2 names.",
        why: "The cheat runs the whole TF1 API; importing tensorflow and naming each use (its TF2 name, or its explicit tf.compat.v1 name) shows what is left on compat.v1, to migrate piece by piece.",
        before: "import tensorflow.compat.v1 as tf\nx = tf.placeholder(tf.float32)\ny = tf.log(x)",
        after: "import tensorflow as tf\nx = tf.compat.v1.placeholder(tf.float32)\ny = tf.math.log(x)",
    },
    EagerCode = "eager-code" {
        safety: Safe | Review,
        fix: Sometimes,
        tables: [CONTRIB],
        summary: "TF1 eager-style code (tf.enable_eager_execution, tf.contrib.eager) becomes plain TF2.",
        why: "Eager execution is the default in TF2 and tf.contrib.eager is gone; such code must never be put into graph mode.",
        before: "tf.enable_eager_execution()\nit = tfe.Iterator(dataset)",
        after: "(the call goes)\nit = iter(dataset)",
    },
    DependencyPin = "dependency-pin" {
        safety: Review,
        fix: Sometimes,
        tables: [],
        summary: "A dependency file pins what the migrated code cannot use, or lacks a package it now imports.",
        why: "tensorflow 1.x pins keep TF1 installed; keras 2 pins clash with tf.keras; tf-slim, tf-keras and tensorflow-probability must be installed for the rewritten imports.",
        before: "tensorflow-gpu==1.15.0\nkeras==2.2.4",
        after: "tensorflow~=2.21.0\ntf-keras~=2.21.0\ntf-slim~=1.1",
    },
    DisableEager = "disable-eager" {
        safety: Safe,
        fix: Always,
        tables: [GRAPH_MODE],
        summary: "Graph-mode code (Session, placeholder...) needs TF1 behaviour under TF2: one tf.compat.v1.disable_v2_behavior().",
        why: "TF2 runs eagerly (placeholders fail, Sessions see an empty graph); its shapes, variables and control flow differ too, and TF1 graph code relies on the TF1 ones (e.g. `x.shape[1].value`).",
        before: "sess = tf.compat.v1.Session()",
        after: "tf.compat.v1.disable_v2_behavior()  # once, after the imports",
    },
    GraphModeLibrary = "graph-mode-library" {
        safety: Manual,
        fix: Never,
        tables: [GRAPH_MODE],
        summary: "A library module uses graph-mode APIs; its callers must disable eager execution.",
        why: "Only the program's entry point should switch execution modes.",
        before: "def build(): return tf.compat.v1.placeholder(...)",
        after: "(call tf.compat.v1.disable_v2_behavior() in the script that imports this)",
    },
    DimensionValue = "dimension-value" {
        safety: Safe | Review,
        fix: Sometimes,
        tables: [],
        summary: "A shape entry read with `.value` (a TF1 `Dimension`), which TF2 shapes and Keras 3 no longer have.",
        why: "TF2 shapes hold ints or None, so `x.shape[1].value` raises AttributeError unless the program turns TF2 behaviour off; `tf.compat.dimension_value` reads both kinds. Safe on `get_shape()` and `.shape`; review on a name such as `input_shape`, which may hold something else.",
        before: "n = x.get_shape()[1].value",
        after: "n = tf.compat.dimension_value(x.get_shape()[1])",
    },
    RemovedApi = "removed-api" {
        safety: Manual,
        fix: Never,
        tables: [REMOVED],
        summary: "An API that the targeted TensorFlow release removed.",
        why: "It fails with AttributeError or ImportError on that release.",
        before: "tf.estimator.Estimator",
        after: "(port to Keras, or pin TensorFlow <= 2.15)",
    },
    RemovedConstant = "removed-constant" {
        safety: Safe,
        fix: Always,
        tables: [CONSTANTS],
        summary: "A constant of an API the targeted TensorFlow removed (tf.estimator.ModeKeys.TRAIN): its value instead.",
        why: "The API is gone (AttributeError), but code that only compares against its constants keeps working with their values.",
        before: "if mode == tf.estimator.ModeKeys.TRAIN:",
        after: "if mode == 'train':",
    },
    Numpy2 = "numpy2" {
        safety: Safe | Review,
        fix: Sometimes,
        tables: [NUMPY2],
        summary: "NumPy 1 names that NumPy 2 removed (np.float, np.asscalar, np.NaN, np.product...), which TensorFlow 2.18+ installs.",
        why: "pip installs NumPy 2 with TensorFlow 2.18 and later, where these raise AttributeError; most are the same object under another name.",
        before: "np.float(x) + np.asscalar(a)",
        after: "float(x) + a.item()",
    },
    PythonStdlib = "python-stdlib" {
        safety: Safe | Review,
        fix: Sometimes,
        tables: [STDLIB],
        summary: "Standard-library names that Python 3.7-3.13 removed (collections.Mapping, inspect.getargspec, time.clock, imp, TestCase.assertEquals...).",
        why: "TensorFlow 2.21 runs on Python 3.10-3.13, where these raise AttributeError or ImportError; most are the same object under another name.",
        before: "isinstance(x, collections.Mapping); self.assertEquals(a, b)",
        after: "isinstance(x, collections.abc.Mapping); self.assertEqual(a, b)",
    },
    ApiNote = "api-note" {
        safety: Manual,
        fix: Never,
        tables: [NOTES],
        summary: "An API whose TF2 behaviour differs: guidance only.",
        why: "Some changes cannot be rewritten mechanically.",
        before: "tf.app.flags",
        after: "from absl import flags",
    },
    NotebookSetup = "notebook-setup" {
        safety: Manual,
        fix: Never,
        tables: [],
        summary: "A notebook installs or selects TensorFlow 1.x (`!pip install`, `%tensorflow_version 1.x`) or standalone Keras 2, or names a Python 2 kernel.",
        why: "The migrated code needs TensorFlow 2 on Python 3 (tf.keras comes with it); `!pip install tensorflow==1.15` brings back TensorFlow 1. IPython lines are never edited.",
        before: "!pip install tensorflow==1.15 keras==2.2.4",
        after: "!pip install tensorflow  # tf.keras comes with it",
    },
}

impl Rule {
    /// The catalogue entry.
    pub fn info(self) -> &'static RuleInfo {
        &INFO[self as usize]
    }

    /// The id users type (`--select compat-v1`) and read.
    pub fn id(self) -> &'static str {
        self.info().id
    }

    /// The rules an id or a `prefix*` pattern names.
    pub fn matching(pattern: &str) -> impl Iterator<Item = Rule> + '_ {
        Self::ALL.iter().copied().filter(move |r| match pattern.strip_suffix('*') {
            Some(prefix) => r.id().starts_with(prefix),
            None => r.id() == pattern,
        })
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Rule {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL.iter().copied().find(|r| r.id() == s).ok_or_else(|| format!("unknown rule {s:?}"))
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_round_trip() {
        let mut ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), Rule::ALL.len());
        assert_eq!(INFO.len(), Rule::ALL.len());
        for &r in Rule::ALL {
            assert_eq!(r.id().parse::<Rule>(), Ok(r));
            assert_eq!(r.to_string(), r.id());
        }
    }

    #[test]
    fn manual_rules_have_no_fix_and_fixable_ones_a_safety() {
        for &r in Rule::ALL {
            let i = r.info();
            assert_eq!(i.fix == FixAvailability::Never, i.safety == Safety::Manual, "{}", i.id);
            assert_eq!(i.safeties.first(), Some(&i.safety), "{}: the usual safety comes first", i.id);
            assert!(!i.safeties[1..].contains(&Safety::Manual), "{}: manual is declared by `fix`", i.id);
        }
    }

    #[test]
    fn patterns() {
        assert_eq!(Rule::matching("compat*").collect::<Vec<_>>(), vec![Rule::CompatV1, Rule::CompatImport]);
        assert_eq!(Rule::matching("contrib").collect::<Vec<_>>(), vec![Rule::Contrib]);
        assert_eq!(Rule::matching("nope").count(), 0);
    }
}
