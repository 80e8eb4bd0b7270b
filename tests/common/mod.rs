//! Shared helpers of the reliability tests: the real binary, temp trees, a seeded PRNG, TF1
//! sources (hand-written, generated and mutated), a batch `CPython` syntax check and file snapshots.
//!
//! Every test binary uses a different subset, hence the `dead_code` allowance.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use tf2_migrate_core::fix::Safety;
use tf2_migrate_core::pipeline::{self, Policy, Settings};
use tf2_migrate_core::plan::FilePlan;
use tf2_migrate_core::rules::{Options, Strategy};
use tf2_migrate_core::source::Encoding;

// ---------------------------------------------------------------------------------------------
// The binary

/// The `tf2-migrate` binary cargo built for these tests.
pub fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_tf2-migrate"))
}

/// The outcome of one run of the binary.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The stderr lines that mention `name` (a file name).
    pub fn stderr_lines_naming(&self, name: &str) -> Vec<&str> {
        self.stderr.lines().filter(|l| l.contains(name)).collect()
    }
}

/// Run the binary with `args` in `cwd` (no colour, no progress display). Its content cache
/// goes to the system's temporary folder, not into `cwd` (which may be a fixture folder).
pub fn run_in(cwd: &Path, args: &[&str]) -> Run {
    let out = Command::new(bin())
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("TF2_MIGRATE_CACHE_DIR", std::env::temp_dir().join("tf2-migrate-test-cache"))
        .stdin(Stdio::null())
        .output()
        .expect("run tf2-migrate");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Run `tf2-migrate COMMAND [flags] PATH` from `cwd`.
pub fn run(cwd: &Path, command: &str, flags: &[&str], path: &Path) -> Run {
    let mut args = vec![command];
    args.extend_from_slice(flags);
    args.push("--quiet");
    let p = path.to_str().expect("utf-8 temp path");
    args.push(p);
    run_in(cwd, &args)
}

/// Run the checker script `tools/<script>` on the binary, with `args` (paths under the repository
/// root), under `python3` (or `$TF2_MIGRATE_CHECK_PYTHON`): its standard output, which must end
/// in a summary line containing `: 0 failing` or ` 0 failing`. Panics with the script's output
/// when it fails; `None` (the test is skipped, with a note) when there is no Python to run it.
pub fn python_check(script: &str, args: &[&str]) -> Option<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = std::env::var("TF2_MIGRATE_CHECK_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let mut command = Command::new(&python);
    command.arg(root.join("tools").join(script)).arg(bin());
    for a in args {
        command.arg(if a.starts_with('-') { PathBuf::from(a) } else { root.join(a) });
    }
    let out = match command.output() {
        Ok(out) => out,
        Err(e) => {
            eprintln!("skipped: no {python} to run tools/{script} ({e})");
            return None;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(" 0 failing"), "{stdout}");
    Some(stdout)
}

// ---------------------------------------------------------------------------------------------
// Library shortcuts

/// Settings for one strategy, everything else default.
pub fn settings(strategy: Strategy) -> Settings {
    Settings { rules: Options { strategy, ..Options::default() }, ..Settings::default() }
}

/// The plan of one UTF-8 text, as `check` would make it.
pub fn plan_of(text: &str, settings: &Settings) -> FilePlan {
    pipeline::check_text("t.py".into(), ".".into(), text.to_owned(), Encoding::Utf8 { bom: false }, settings).0
}

/// `apply --unsafe`: every fix down to review level.
pub const EVERYTHING: Policy = Policy { min_safety: Safety::Review };

pub const STRATEGIES: [Strategy; 3] = [Strategy::Upgrade, Strategy::Native, Strategy::Compat];

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

/// `SplitMix64`: tiny, seedable, good enough to pick mutations; no dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: usize, den: usize) -> bool {
        self.below(den) < num
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------------------------
// TF1 sources

/// Realistic TF1 / Keras 2 programs, touching every rule family.
pub const TF1_SNIPPETS: &[&str] = &[
    include_str!("../../examples/legacy_project/train_softmax.py"),
    include_str!("../../examples/legacy_project/keras_cnn.py"),
    include_str!("../../examples/legacy_project/models/slim_net.py"),
    r#""""MNIST-style training loop, TF 1.x."""
from __future__ import print_function
import os
import tensorflow as tf

flags = tf.app.flags
FLAGS = flags.FLAGS


def model(images, keep_prob):
    w = tf.get_variable("w", [784, 10], initializer=tf.zeros_initializer())
    logits = tf.matmul(images, w)
    logits = tf.nn.dropout(logits, keep_prob)
    return tf.log(tf.nn.softmax(logits) + 1e-8)


def main(_):
    images = tf.placeholder(tf.float32, [None, 784])
    labels = tf.placeholder(tf.int64, [None])
    keep = tf.placeholder(tf.float32)
    out = model(images, keep)
    pred = tf.argmax(out, 1, "prediction")
    acc = tf.reduce_mean(tf.to_float(tf.equal(pred, labels)))
    opt = tf.train.AdamOptimizer(1e-3)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        print("accuracy", sess.run(acc))


if __name__ == "__main__":
    tf.app.run()
"#,
    r#"import tensorflow as tflow
from tensorflow.contrib import slim


class Net(object):
    """A small net; tflow.log in a docstring is not code."""

    def __init__(self, scope="net"):
        self.scope = scope

    def __call__(self, x, is_training=True):
        with tflow.variable_scope(self.scope):
            x = slim.conv2d(x, 32, [3, 3])
            x = tflow.nn.dropout(x, keep_prob=0.5 if is_training else 1.0)
            s = tflow.reduce_sum(x, reduction_indices=[1, 2], keep_dims=True)
            return tflow.argmax(s, dimension=1)


def loss(logits, labels):
    return tflow.reduce_mean(
        tflow.nn.sparse_softmax_cross_entropy_with_logits(
            labels=labels,  # int labels
            logits=logits,
        )
    )
"#,
    "import tensorflow as tf\r\n\r\nx = tf.placeholder(tf.float32)\r\ny = tf.log(x)\r\nsess = tf.Session()\r\nprint(sess.run(y, {x: 2.0}))\r\n",
    r#"# -*- coding: utf-8 -*-
"""Keras 2 with every import spelling."""
import keras
import keras.backend as K
from keras import layers, models
from keras.layers import (
    Dense,
    Dropout,  # regularisation
)
from keras.layers.core import Activation
from keras.optimizers import Adam


def build(n):
    m = models.Sequential()
    m.add(layers.Dense(n, input_shape=(n,)))
    m.add(Activation("relu"))
    m.add(Dropout(0.5))
    m.add(Dense(1))
    m.compile(Adam(lr=0.01), "mse")
    K.clear_session()
    return keras.models.clone_model(m)
"#,
    r#"import tensorflow as tf
import numpy as np

def input_fn():
    ds = tf.data.Dataset.from_tensor_slices(np.zeros((8, 2), np.float32))
    return ds.batch(2)

est = tf.estimator.Estimator(model_fn=lambda f, l, m: None)
x = tf.to_int32(tf.round(tf.to_double(3.7)))
y = tf.to_int64(x); z = tf.log(tf.to_float(y))
msg = f"{tf.log(2.0)} and 'tf.log' in a string"
vals = [tf.log(v) for v in (1.0, 2.0) if v]
fn = lambda tf: tf.log(1)
def shadow(tf):
    return tf.log(1)
t = tf.reduce_sum(
    tf.ones([2, 2]),
    1,
    keep_dims=True,
)
u = tf.nn.dropout(t, 0.9) \
    + tf.nn.dropout(t, keep_prob=0.8)
"#,
];

/// Import headers a generated program may start with: (text, alias used for TensorFlow).
const GEN_IMPORTS: &[(&str, &str)] = &[
    ("import tensorflow as tf\n", "tf"),
    ("import tensorflow as tflow\n", "tflow"),
    ("import tensorflow\n", "tensorflow"),
    ("import numpy as np, tensorflow as tf\n", "tf"),
    ("import tensorflow as tf  # the TF1 API\n", "tf"),
];

const GEN_EXTRA_IMPORTS: &[&str] = &[
    "import keras\n",
    "from keras import backend as K\n",
    "from keras.layers.core import Dense, Dropout\n",
    "from keras.models import (\n    Sequential,\n    Model,\n)\n",
    "from tensorflow.contrib import slim\n",
    "import os, sys\n",
    "from __future__ import division\n",
];

/// Statement templates: `T` is the TensorFlow alias, `V` a fresh variable, `X` an existing one.
const GEN_STATEMENTS: &[&str] = &[
    "{V} = {T}.placeholder({T}.float32, [None, 3], name=\"{V}\")",
    "{V} = {T}.log({X} + 1e-8)",
    "{V} = {T}.nn.dropout({X}, keep_prob=0.5)",
    "{V} = {T}.nn.dropout({X}, 0.75)",
    "{V} = {T}.nn.dropout({X}, keep_prob={X})",
    "{V} = {T}.reduce_sum({X}, 1, keep_dims=True)",
    "{V} = {T}.reduce_sum({X}, reduction_indices=[0])",
    "{V} = {T}.argmax({X}, 1, \"{V}\")",
    "{V} = {T}.argmax({X}, dimension=1)",
    "{V} = {T}.to_float({X})",
    "{V} = {T}.to_int32({T}.to_float({X}))",
    "{V} = {T}.log({T}.to_float({T}.argmax({X}, 1)))",
    "{V} = {T}.Session()",
    "{V} = {T}.train.AdamOptimizer(0.01)",
    "{V} = {T}.get_variable(\"{V}\", [3, 3])",
    "{V} = {T}.app.flags.FLAGS",
    "{V} = {T}.contrib.slim.conv2d({X}, 8, 3)",
    "{V} = {T}.global_variables_initializer()",
    "{V} = [{T}.log(v) for v in {X}]",
    "{V} = lambda q: {T}.log(q)",
    "{V} = f\"{{T}.log({X})}\"",
    "{V} = \"{T}.log({X}) in a string\"",
    "{V} = {T}.log(\n    {X},  # comment inside a call\n)",
    "{V} = {T}.log({X}) \\\n    + {T}.log({X})",
    "{V} = 1; {W} = {T}.log({X})",
    "# {T}.log({X}) in a comment",
    "{V} = {T}.nn.dropout({T}.log({X}), keep_prob=1 - 0.5)",
    "{V} = {\"a\": {T}.to_float({X}), **{}}",
    "{V} = {T}.log(*{X})",
    "{V} = {T}.reduce_sum({X}, keep_dims=True, **{})",
];

/// Block headers wrapping generated statements (indented by four spaces).
const GEN_BLOCKS: &[&str] = &[
    "def fn_{V}({X}):",
    "def fn_{V}({T}):",
    "class C_{V}(object):\n    def m(self, {X}):",
    "if {X}:",
    "with {T}.Session() as {V}:",
    "for {V} in range(3):",
    "try:",
    "while False:",
    "@staticmethod\ndef fn_{V}({X}):",
    "async def fn_{V}({X}):",
];

/// A random, syntactically valid TF1-style program.
pub fn generate_program(rng: &mut Rng) -> String {
    let (header, alias) = *rng.pick(GEN_IMPORTS);
    let mut out = String::new();
    if rng.chance(1, 3) {
        out.push_str("\"\"\"Generated.\"\"\"\n");
    }
    out.push_str(header);
    for _ in 0..rng.below(3) {
        out.push_str(rng.pick::<&str>(GEN_EXTRA_IMPORTS));
    }
    // Keep `from __future__` legal: it must come first.
    if let Some(pos) = out.find("from __future__ import division\n") {
        out.replace_range(pos..pos + 32, "");
        out.insert_str(0, "from __future__ import division\n");
    }
    out.push_str("x0 = [1.0]\n");
    let mut vars = 1;
    for _ in 0..=rng.below(12) {
        let indent = if rng.chance(1, 4) {
            let header =
                rng.pick(GEN_BLOCKS).replace("{V}", &format!("v{vars}")).replace("{X}", "x0").replace("{T}", alias);
            out.push_str(&header);
            out.push('\n');
            let base = header.lines().last().map_or(0, |l| l.len() - l.trim_start().len());
            " ".repeat(base + 4)
        } else {
            String::new()
        };
        let mut body_lines = 1 + rng.below(3);
        let in_try = out.trim_end().ends_with("try:");
        while body_lines > 0 {
            body_lines -= 1;
            let stmt = rng
                .pick(GEN_STATEMENTS)
                .replace("{V}", &format!("v{vars}"))
                .replace("{W}", &format!("w{vars}"))
                .replace("{X}", &format!("x{}", rng.below(vars)))
                .replace("{T}", alias);
            vars += 1;
            for line in stmt.lines() {
                out.push_str(&indent);
                out.push_str(line);
                out.push('\n');
            }
            let last = vars - 1;
            out.push_str(&indent);
            let _ = writeln!(out, "x{last} = v{last}");
        }
        if in_try {
            out.push_str("except (ValueError, KeyError) as e:\n    pass\n");
        }
    }
    out
}

/// Fragments a mutation may insert: TF1 call fragments, Python 2 forms, brackets, quotes, odd whitespace.
const MUTATION_TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    ".",
    "=",
    "\n",
    "    ",
    "\t",
    "\r\n",
    "\r",
    "#",
    "'",
    "\"",
    "\"\"\"",
    "\\\n",
    "tf.",
    "tf.log(",
    "tf.log",
    "tf.nn.dropout(x, keep_prob=",
    "keep_prob=",
    "keep_dims=True",
    "dimension=1",
    "reduction_indices=",
    "tf.to_float(",
    "tf.Session()",
    "tf.placeholder(",
    "import tensorflow as tf\n",
    "import keras\n",
    "from keras.layers.core import Dense\n",
    "from tensorflow.contrib import slim\n",
    "lambda tf: ",
    "def f(tf):\n    ",
    "tf = 1\n",
    "global tf\n",
    "é",
    "λ",
    "\u{200b}",
    "\u{202e}",
    "async ",
    "await ",
    "yield ",
    "print ",
    "print >>f, ",
    "exec ",
    "0777",
    "10L",
    "`x`",
    "<>",
    "@",
    "*",
    "**",
    " if x else ",
    "f\"{tf.log(x)}\"",
    ";",
    "with tf.Session() as sess:\n    ",
    "tf.contrib.slim.",
    "tf.argmax(x, 1, 'n')",
    "tf.app.flags",
    "tf.estimator.Estimator",
    "tf.train.AdamOptimizer",
    "keras.layers.core",
    " as ",
    "from ",
    "import ",
    "class C:\n    ",
    "return ",
    "if __name__ == '__main__':\n    ",
    "0",
    "1e-8",
    "None",
    "\u{feff}",
];

/// Apply one to three of the shapes an adversarial round found in legal Python: backslash
/// continuations and comments inside calls, one-line compound statements, `;`, names that
/// shadow `tf`/`np`/`os`, assignments before the imports, a shebang and a coding line. A valid
/// program stays valid (each shape is legal wherever it is put).
pub fn mutate_hostile(rng: &mut Rng, text: &str) -> String {
    let mut out = text.to_owned();
    for _ in 0..=rng.below(3) {
        match rng.below(8) {
            // `f(a, b)` → `f(a, \\n    b)` or `f(a,  # c\n    b)`: inside brackets both are legal.
            0 | 1 => {
                let commas: Vec<usize> =
                    out.match_indices(", ").map(|(i, _)| i).filter(|&i| inside_brackets(&out, i)).collect();
                if !commas.is_empty() {
                    let at = *rng.pick(&commas);
                    let with = if rng.chance(1, 2) { ", \\\n        " } else { ",  # note\n        " };
                    out.replace_range(at..at + 2, with);
                }
            }
            // A module-level simple statement inside a one-line `if`, or two joined by `;`.
            2 | 3 => {
                let lines: Vec<(usize, &str)> = out
                    .split_inclusive('\n')
                    .scan(0, |pos, l| {
                        let at = *pos;
                        *pos += l.len();
                        Some((at, l))
                    })
                    .filter(|(_, l)| is_simple_module_line(l))
                    .collect();
                let lines: Vec<usize> = lines.into_iter().map(|(at, _)| at).collect();
                if !lines.is_empty() {
                    let at = *rng.pick(&lines);
                    if rng.chance(1, 2) {
                        out.insert_str(at, "if True: ");
                    } else {
                        out.insert_str(at, "_unused = 0; ");
                    }
                }
            }
            4 => out.push_str(rng.pick::<&str>(&[
                "\n\ndef helper(tf, np):\n    return tf, np\n",
                "\n\nclass Holder:\n    tf = None\n    np = 0\n",
                "\nshadow = [tf for tf in range(2)]\n",
                "\ntry:\n    pass\nexcept ValueError as np:\n    pass\n",
                "\nos = 'linux'\n",
                "\nfn = lambda np: np\n",
            ])),
            5 => out.insert_str(0, "__author__ = 'someone'\nVERSION = 2\n"),
            6 if !out.starts_with("#!") && !out.starts_with("from __future__") => {
                out.insert_str(0, "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n");
            }
            _ => {
                if let Some(at) = out.find("(x0") {
                    out.insert_str(at + 1, "  # first\n        ");
                }
            }
        }
    }
    out
}

/// Whether `at` is inside a bracket pair opened earlier on the text (no strings looked at: the
/// generated programs keep `, ` out of strings).
fn inside_brackets(text: &str, at: usize) -> bool {
    let mut depth = 0i32;
    for b in text[..at].bytes() {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b'\n' if depth <= 0 => depth = 0,
            _ => {}
        }
    }
    depth > 0
}

/// A module-level line holding a whole simple statement (an assignment or a call, no block, no
/// bracket left open, no `from __future__`), which can sit in a one-line `if` or after a `;`.
fn is_simple_module_line(line: &str) -> bool {
    let t = line.trim_end();
    let opens = t.matches(['(', '[', '{']).count();
    let closes = t.matches([')', ']', '}']).count();
    !t.is_empty()
        && !line.starts_with([' ', '\t', '#', '@'])
        && !t.ends_with([':', '\\', ','])
        && opens == closes
        && !t.contains("\"\"\"")
        && !t.starts_with("from __future__")
        && ![
            "def ", "class ", "if ", "elif", "else", "try", "except", "finally", "for ", "while ", "with ", "async ",
            "return", "import ", "from ",
        ]
        .iter()
        .any(|k| t.starts_with(k))
}

fn char_boundary(text: &str, rng: &mut Rng) -> usize {
    let mut at = rng.below(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Apply one to four random mutations to `text`.
pub fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut out = text.to_owned();
    for _ in 0..=rng.below(4) {
        let mut lines: Vec<String> = out.split_inclusive('\n').map(str::to_owned).collect();
        match rng.below(9) {
            0 | 1 => {
                let at = char_boundary(&out, rng);
                out.insert_str(at, rng.pick::<&str>(MUTATION_TOKENS));
            }
            2 => {
                let a = char_boundary(&out, rng);
                let mut b = (a + 1 + rng.below(20)).min(out.len());
                while !out.is_char_boundary(b) {
                    b -= 1;
                }
                out.replace_range(a..b, "");
            }
            3 if !lines.is_empty() => {
                let i = rng.below(lines.len());
                let dup = lines[i].clone();
                lines.insert(i, dup);
                out = lines.concat();
            }
            4 if !lines.is_empty() => {
                lines.remove(rng.below(lines.len()));
                out = lines.concat();
            }
            5 if lines.len() > 1 => {
                let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
                lines.swap(a, b);
                out = lines.concat();
            }
            6 if !lines.is_empty() => {
                // Re-indent a line: a tab, more spaces, or none.
                let i = rng.below(lines.len());
                let trimmed = lines[i].trim_start_matches([' ', '\t']).to_owned();
                let indent = *rng.pick(&["", "\t", "  ", "        ", " \t"]);
                lines[i] = format!("{indent}{trimmed}");
                out = lines.concat();
            }
            7 => {
                // Splice in a line of another snippet.
                let other = rng.pick(TF1_SNIPPETS);
                let other_lines: Vec<&str> = other.split_inclusive('\n').collect();
                let line = rng.pick(&other_lines).to_string();
                let at = rng.below(lines.len() + 1);
                lines.insert(at, line);
                out = lines.concat();
            }
            _ if !lines.is_empty() => {
                // Change one line ending.
                let i = rng.below(lines.len());
                let body = lines[i].trim_end_matches(['\r', '\n']).to_owned();
                lines[i] = format!("{body}{}", rng.pick(&["\r\n", "\n", "\r", ""]));
                out = lines.concat();
            }
            _ => {}
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// CPython as the judge of syntax

const PY_CHECK: &str = r"
import io, json, sys, tokenize, warnings
warnings.simplefilter('ignore')
out = []
for text in json.load(sys.stdin):
    try:
        compile(text, 'f.py', 'exec', dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        out.append(None)
        continue
    try:
        comments = [t.string for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type == tokenize.COMMENT]
    except (tokenize.TokenError, SyntaxError):
        comments = []
    out.append(comments)
json.dump(out, sys.stdout)
";

/// Whether `python3` is available (checked once).
pub fn have_python() -> bool {
    static HAVE: OnceLock<bool> = OnceLock::new();
    *HAVE.get_or_init(|| {
        Command::new("python3")
            .args(["-c", "import ast, json"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// `CPython`'s verdict on each text: `None` when `compile()` rejects it (a syntax error, or what
/// only the compiler catches: a repeated keyword argument, `return` outside a function), else its
/// comments. One python process for the whole batch; `None` when python3 is missing.
pub fn python_compiles(texts: &[String]) -> Option<Vec<Option<Vec<String>>>> {
    if !have_python() {
        return None;
    }
    let mut child = Command::new("python3")
        .args(["-c", PY_CHECK])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn python3");
    let input = serde_json::to_vec(texts).expect("json");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("python3 output");
    writer.join().expect("writer").expect("write to python3");
    assert!(out.status.success(), "python3 checker failed");
    let verdicts: Vec<Option<Vec<String>>> = serde_json::from_slice(&out.stdout).expect("python3 verdicts");
    assert_eq!(verdicts.len(), texts.len());
    Some(verdicts)
}

/// Whether `CPython` compiles each text (see [`python_compiles`]).
pub fn python_parses(texts: &[String]) -> Option<Vec<bool>> {
    python_compiles(texts).map(|v| v.into_iter().map(|c| c.is_some()).collect())
}

// ---------------------------------------------------------------------------------------------
// Files

/// Write `bytes` to `dir/rel`, creating folders.
pub fn put(dir: &Path, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create folders");
    }
    fs::write(&path, bytes).expect("write fixture");
    path
}

/// What a test remembers of one directory entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub bytes: Option<Vec<u8>>,
    pub link: Option<PathBuf>,
    pub mode: u32,
    pub mtime: (i64, i64),
    pub ino: u64,
}

/// The folder of the content cache that runs in a tree create.
pub const CACHE: &str = ".tf2-migrate-cache";

/// Every entry under `dir` (not following symlinks), by relative path, but the tool's cache.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Entry> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(read) = fs::read_dir(&d) else { continue };
        for entry in read.flatten() {
            let path = entry.path();
            let meta = fs::symlink_metadata(&path).expect("lstat");
            let rel = path.strip_prefix(dir).expect("under dir").to_path_buf();
            let ft = meta.file_type();
            if ft.is_dir() && path.ends_with(CACHE) {
                // The tool's own cache (it ignores itself in git): not part of the tree.
                continue;
            }
            if ft.is_dir() {
                stack.push(path.clone());
            }
            out.insert(
                rel,
                Entry {
                    bytes: ft.is_file().then(|| fs::read(&path).unwrap_or_default()),
                    link: ft.is_symlink().then(|| fs::read_link(&path).expect("readlink")),
                    mode: meta.mode(),
                    mtime: (meta.mtime(), meta.mtime_nsec()),
                    ino: meta.ino(),
                },
            );
        }
    }
    out
}

/// Whether permission bits fail to stop this process from reading (root, `CAP_DAC_OVERRIDE`).
pub fn permissions_are_bypassed() -> bool {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = put(dir.path(), "probe", "x");
    fs::set_permissions(&p, fs::Permissions::from_mode(0o000)).expect("chmod");
    fs::read(&p).is_ok()
}

/// Copy a flat or nested tree of regular files.
pub fn copy_tree(from: &Path, to: &Path) {
    for (rel, entry) in snapshot(from) {
        if let Some(bytes) = entry.bytes {
            put(to, rel.to_str().expect("utf-8"), bytes);
        }
    }
}
