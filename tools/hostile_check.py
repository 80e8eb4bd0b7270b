#!/usr/bin/env python3
"""Run tf2-migrate over hostile-but-legal Python fixtures and say which rewrites are wrong.

    hostile_check.py BINARY FIXTURE_DIR [--only SUBSTR] [--variant LABEL] [-v]
    hostile_check.py BINARY --scale [--sizes 10000,20000,...] [--timeout 120]

Every fixture (tests/fixtures/hostile/*.py) is copied into a fresh temporary tree, next to a
TF1 neighbour file and under a folder holding another one, and migrated with `apply` on the
fixture's path alone, for each variant: the strategies upgrade, compat and native, each without
and with --unsafe. Checks on each result:

  exit      `apply` succeeded (exit 0, not a refusal or a write error)
  outside   nothing but the fixture changed (neighbours, folder listing, no temporary files left)
  compile   the output compiles under CPython (`compile(src, path, "exec")`)
  header    a shebang stays line 1, a PEP 263 coding line stays on its line (1 or 2)
  comments  every comment token of the input is in the output (tokenize, as a multiset)
  shape     the statement structure is unchanged (imports compared as the names they bind,
            consecutive imports merged, an import made optional by `try:` / `except
            ImportError:` binding its names to None counted as the import; the tool's inserted
            lines removed first)
  inserted  inserted lines (eager switch, TF_USE_LEGACY_KERAS, import tf_slim/numpy/os) are
            after the imports, after the binding of the name they use, in the module body or
            in the body of a real `if __name__ == "__main__":` block; the legacy-Keras switch
            precedes every import that loads TensorFlow (in a library module, which must not
            set it, `check` names the entry point's duty instead); nothing uses the switched
            name first
  names     every attribute chain whose root name the tool wrote resolves (Python scoping:
            parameters, locals, class bodies, comprehensions, except-as, for, global) to a
            module-level import of a module, imported once, before any import-time use (or to
            the variable of a comprehension the tool wrote)
  calls     every call keeps its arguments: for functions whose TF1 and TF2 signatures are
            known, each argument binds the same parameter (modulo the documented renames)
            and none is bound twice; for other calls, every argument value survives in order
            (modulo documented removals; a private callee replaced by an expression is not
            compared)
  idem      a second `apply` with the same options changes nothing
  patch     `diff` with the same options, applied to the input bytes by a strict patcher,
            gives exactly the bytes `apply` wrote (CR bytes, encodings, file names)

Fixtures named meta_* are transformed first: meta_crlf_* get CRLF line ends, meta_latin1_* are
encoded as latin-1, meta_name_newline / meta_name_escape / meta_name_long are copied to a file
name with a newline, with ESC[31m, or of 235 bytes. Prints one line per failing (fixture,
variant); exits 1 on any failure. Python standard library only.

--scale generates files of repeated TF1 code (many findings per line), times `apply` and `diff`
on each size and prints the growth ratio of each doubling (1.0-2.2 linear, ~4 quadratic).
"""

from __future__ import annotations

import argparse
import ast
import difflib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tokenize
from collections import Counter
from dataclasses import dataclass, field

VARIANTS = [
    ("upgrade", []),
    ("upgrade --unsafe", ["--unsafe"]),
    ("compat", ["--strategy", "compat"]),
    ("compat --unsafe", ["--strategy", "compat", "--unsafe"]),
    ("native", ["--strategy", "native"]),
    ("native --unsafe", ["--strategy", "native", "--unsafe"]),
]

NEIGHBOUR = b"import tensorflow as tf\nx = tf.log(1.0)\ny = tf.placeholder(tf.float32)\n"
RUN_TIMEOUT = 60

# --------------------------------------------------------------------------------------------
# Facts about TensorFlow used by the `calls` check: parameter lists of TF1 functions (as
# tf.compat.v1 2.21 reports them) and of the TF2 functions the documented rewrites produce.

V1SIG = {
    "tf.argmax": ["input", "axis", "name", "dimension", "output_type"],
    "tf.argmin": ["input", "axis", "name", "dimension", "output_type"],
    "tf.reduce_sum": ["input_tensor", "axis", "keepdims", "name", "reduction_indices", "keep_dims"],
    "tf.reduce_mean": ["input_tensor", "axis", "keepdims", "name", "reduction_indices", "keep_dims"],
    "tf.reduce_max": ["input_tensor", "axis", "keepdims", "name", "reduction_indices", "keep_dims"],
    "tf.nn.dropout": ["x", "keep_prob", "noise_shape", "seed", "name", "rate"],
    "tf.nn.conv2d": ["input", "filter", "strides", "padding", "use_cudnn_on_gpu", "data_format",
                     "dilations", "name", "filters"],
    "tf.nn.softmax": ["logits", "axis", "name", "dim"],
    "tf.expand_dims": ["input", "axis", "name", "dim"],
    "tf.squeeze": ["input", "axis", "name", "squeeze_dims"],
    "tf.gather": ["params", "indices", "validate_indices", "name", "axis", "batch_dims"],
    "tf.boolean_mask": ["tensor", "mask", "name", "axis"],
    "tf.nn.moments": ["x", "axes", "shift", "name", "keep_dims", "keepdims"],
    "tf.nn.max_pool": ["value", "ksize", "strides", "padding", "data_format", "name", "input"],
    "tf.nn.avg_pool": ["value", "ksize", "strides", "padding", "data_format", "name", "input"],
    "tf.to_float": ["x", "name"],
    "tf.to_int32": ["x", "name"],
    "tf.to_int64": ["x", "name"],
    "tf.to_double": ["x", "name"],
    "tf.log": ["x", "name"],
    "tf.placeholder": ["dtype", "shape", "name"],
    "tf.image.resize_bilinear": ["images", "size", "align_corners", "name", "half_pixel_centers"],
    "tf.image.resize_nearest_neighbor": ["images", "size", "align_corners", "name", "half_pixel_centers"],
    "tf.image.resize_images": ["images", "size", "method", "align_corners", "preserve_aspect_ratio", "name"],
    "tf.nn.softmax_cross_entropy_with_logits": ["labels", "logits", "dim", "name", "axis"],
    "tf.contrib.layers.l2_regularizer": ["scale", "scope"],
    "tf.contrib.layers.l1_regularizer": ["scale", "scope"],
    "tf.contrib.layers.xavier_initializer": ["uniform", "seed", "dtype"],
    "tf.layers.dense": ["inputs", "units", "activation", "use_bias", "kernel_initializer",
                        "bias_initializer", "kernel_regularizer", "bias_regularizer",
                        "activity_regularizer", "kernel_constraint", "bias_constraint",
                        "trainable", "name", "reuse"],
}

V2SIG = {
    "tf.argmax": ["input", "axis", "output_type", "name"],
    "tf.math.argmax": ["input", "axis", "output_type", "name"],
    "tf.argmin": ["input", "axis", "output_type", "name"],
    "tf.reduce_sum": ["input_tensor", "axis", "keepdims", "name"],
    "tf.math.reduce_sum": ["input_tensor", "axis", "keepdims", "name"],
    "tf.reduce_mean": ["input_tensor", "axis", "keepdims", "name"],
    "tf.reduce_max": ["input_tensor", "axis", "keepdims", "name"],
    "tf.nn.dropout": ["x", "rate", "noise_shape", "seed", "name"],
    "tf.nn.conv2d": ["input", "filters", "strides", "padding", "data_format", "dilations", "name"],
    "tf.nn.softmax": ["logits", "axis", "name"],
    "tf.math.softmax": ["logits", "axis", "name"],
    "tf.expand_dims": ["input", "axis", "name"],
    "tf.squeeze": ["input", "axis", "name"],
    "tf.gather": ["params", "indices", "validate_indices", "axis", "batch_dims", "name"],
    "tf.boolean_mask": ["tensor", "mask", "axis", "name"],
    "tf.nn.moments": ["x", "axes", "shift", "keepdims", "name"],
    "tf.nn.max_pool": ["input", "ksize", "strides", "padding", "data_format", "name"],
    "tf.nn.max_pool2d": ["input", "ksize", "strides", "padding", "data_format", "name"],
    "tf.nn.avg_pool": ["input", "ksize", "strides", "padding", "data_format", "name"],
    "tf.nn.avg_pool2d": ["input", "ksize", "strides", "padding", "data_format", "name"],
    "tf.cast": ["x", "dtype", "name"],
    "tf.math.log": ["x", "name"],
    "tf.image.resize": ["images", "size", "method", "preserve_aspect_ratio", "antialias", "name"],
    "tf.nn.softmax_cross_entropy_with_logits": ["labels", "logits", "axis", "name"],
    "tf.keras.regularizers.l2": ["l2"],
    "tf.keras.regularizers.l1": ["l1"],
    "tf.compat.v1.glorot_uniform_initializer": ["seed", "dtype"],
    "tf.compat.v1.glorot_normal_initializer": ["seed", "dtype"],
    "tf.keras.layers.Dense": ["units", "activation", "use_bias", "kernel_initializer",
                              "bias_initializer", "kernel_regularizer", "bias_regularizer",
                              "activity_regularizer", "kernel_constraint", "bias_constraint"],
}
for _name, _params in list(V1SIG.items()):
    V2SIG.setdefault("tf.compat.v1." + _name[3:], _params)

# TF1 parameter -> its TF2 name (None: documented removal). Per function first, then general.
PARAM_RENAMES = {
    "tf.contrib.layers.l2_regularizer": {"scale": "l2", "scope": None},
    "tf.contrib.layers.l1_regularizer": {"scale": "l1", "scope": None},
    "tf.contrib.layers.xavier_initializer": {"uniform": None},
    "tf.nn.l2_normalize": {},
}
GENERAL_RENAMES = {
    "dimension": "axis", "keep_dims": "keepdims", "reduction_indices": "axis", "dim": "axis",
    "squeeze_dims": "axis", "value": "input", "filter": "filters", "keep_prob": "rate",
    "use_cudnn_on_gpu": None, "align_corners": None, "half_pixel_centers": None,
}
# Parameters a documented rewrite adds.
ADDED_PARAMS = {"dtype", "method"}
# Keywords a documented rewrite may drop (Keras 3 and native rewrites).
DROPPABLE_KEYWORDS = {"use_cudnn_on_gpu", "align_corners", "half_pixel_centers", "workers",
                      "use_multiprocessing", "max_queue_size", "reuse", "_reuse", "use_locking",
                      "scope", "uniform", "inputs", "training"}

KNOWN_MODULE_ROOTS = ("tensorflow", "keras", "tf_keras", "numpy", "os", "tf_slim", "jax")
EXPECTED_MODULE = {"np": "numpy", "os": "os", "tf_slim": "tf_slim"}
# Private callees a documented rewrite replaces by an expression of other calls (a call of
# `tf.config.list_logical_devices` in a list comprehension): their arguments are not compared.
REPLACED_BY_EXPRESSION = {"_get_available_gpus"}
KNOWN_SUBMODULES = {
    "keras", "nn", "math", "image", "data", "train", "io", "linalg", "random", "signal", "sparse", "strings",
    "summary", "layers", "losses", "metrics", "initializers", "contrib", "estimator", "saved_model", "compat",
    "v1", "v2", "slim", "backend", "models", "optimizers", "regularizers", "utils", "callbacks", "activations",
    "preprocessing", "applications", "datasets", "engine", "constraints", "wrappers", "mixed_precision",
    "rnn_cell", "np_utils", "numpy", "path", "framework",
}


def is_module(qualified: str) -> bool:
    """Whether a qualified import target is a module (not a function or class imported by name)."""
    parts = qualified.split(".")
    return parts[0] in KNOWN_MODULE_ROOTS and all(p in KNOWN_SUBMODULES for p in parts[1:])


INSERTED_PATTERNS = [
    ("switch", re.compile(r"^[ \t]*[A-Za-z_][\w.]*\.(disable_v2_behavior|disable_eager_execution)\(\)[ \t]*(#.*)?$")),
    ("legacy-env", re.compile(r"^[ \t]*\w+\.environ\[[\"']TF_USE_LEGACY_KERAS[\"']\][ \t]*=.*$")),
    ("import", re.compile(r"^[ \t]*import (os|tf_slim|tf_keras|numpy|tensorflow|tensorflow_probability)( as \w+)?[ \t]*(#.*)?$")),
]

# Calls that fail in TF2 unless eager execution is off (when they run at import time).
GRAPH_AT_IMPORT = {"tf.compat.v1.placeholder", "tf.compat.v1.Session", "tf.compat.v1.InteractiveSession",
                   "tf.compat.v1.global_variables_initializer", "tf.compat.v1.train.Saver"}

CODING_RE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


# --------------------------------------------------------------------------------------------
# Text helpers


def excerpt(text: str, limit: int = 110) -> str:
    s = repr(text)
    return s if len(s) <= limit else s[: limit - 3] + "..."


def split_lines(text: str) -> list[str]:
    """Lines with their ends, split the way the Python tokenizer does (\\r\\n, \\r, \\n)."""
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)


class Positions:
    """(ast lineno, ast col_offset in UTF-8 bytes) <-> offsets in the text."""

    def __init__(self, text: str):
        self.text = text
        self.lines = split_lines(text)
        self.starts = []
        pos = 0
        for line in self.lines:
            self.starts.append(pos)
            pos += len(line)
        self.starts.append(pos)

    def offset(self, lineno: int, col: int) -> int:
        if lineno - 1 >= len(self.lines):
            return len(self.text)
        line = self.lines[lineno - 1]
        prefix = line.encode("utf-8")[:col].decode("utf-8", "replace")
        return self.starts[lineno - 1] + len(prefix)

    def span(self, node: ast.AST) -> tuple[int, int]:
        return (self.offset(node.lineno, node.col_offset), self.offset(node.end_lineno, node.end_col_offset))

    def line_of(self, offset: int) -> int:
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    def line_text(self, lineno: int) -> str:
        return self.lines[lineno - 1].rstrip("\r\n") if 0 < lineno <= len(self.lines) else ""


class Mapper:
    """Which parts of the output are unchanged text of the input, and where they came from."""

    def __init__(self, a: str, b: str):
        self.a, self.b = a, b
        self.segments: list[tuple[int, int, int]] = []  # (a_start, b_start, length)
        self.new_lines: set[int] = set()  # 1-based output lines not in the input (inserted/replaced)
        al, bl = split_lines(a), split_lines(b)
        astart = [0]
        for line in al:
            astart.append(astart[-1] + len(line))
        bstart = [0]
        for line in bl:
            bstart.append(bstart[-1] + len(line))
        sm = difflib.SequenceMatcher(None, al, bl, autojunk=False)
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag == "equal":
                self.segments.append((astart[i1], bstart[j1], astart[i2] - astart[i1]))
                continue
            self.new_lines.update(range(j1 + 1, j2 + 1))
            if tag == "replace":
                sa, sb = a[astart[i1]:astart[i2]], b[bstart[j1]:bstart[j2]]
                inner = difflib.SequenceMatcher(None, sa, sb, autojunk=False)
                for m in inner.get_matching_blocks():
                    if m.size:
                        self.segments.append((astart[i1] + m.a, bstart[j1] + m.b, m.size))
        self.segments.sort(key=lambda s: s[1])

    def to_input(self, b_start: int, b_end: int) -> int | None:
        """The input offset of output span [b_start, b_end) if it is unchanged input text."""
        for a0, b0, n in self.segments:
            if b0 <= b_start and b_end <= b0 + n:
                return a0 + (b_start - b0)
        return None

    def to_output(self, a_pos: int) -> int | None:
        for a0, b0, n in self.segments:
            if a0 <= a_pos < a0 + n:
                return b0 + (a_pos - a0)
        return None


def normalise_code(text: str) -> str:
    """Expression text without comments, line continuations and whitespace."""
    out = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                            tokenize.DEDENT, tokenize.ENDMARKER):
                continue
            out.append(tok.string)
        return "".join(out)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return re.sub(r"\s+|\\\n", "", re.sub(r"#[^\n]*", "", text))


def comments_of(text: str) -> Counter:
    out: Counter = Counter()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                out[tok.string.rstrip()] += 1
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return out


def decode_source(data: bytes) -> str:
    """Decode Python source like the interpreter does (BOM, PEP 263 cookie on line 1 or 2)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        encoding = "utf-8"
    text = data.decode(encoding, "replace")
    return text[1:] if text.startswith("\ufeff") else text


# --------------------------------------------------------------------------------------------
# Scopes and bindings (enough of Python's rules for the names the tool writes)


@dataclass
class Binding:
    name: str
    kind: str  # import, param, assign, for, with, except, def, class, walrus, comprehension, global-assign
    line: int
    module: str | None = None  # for imports: the qualified name bound
    fallback: bool = False  # an assignment in `except ImportError:` of a try that imports the name
    in_function: bool = False  # an import that runs only when a function is called


@dataclass
class Scope:
    kind: str  # module, function, lambda, class, comprehension
    node: ast.AST
    parent: "Scope | None"
    name: str = "<module>"
    bindings: dict = field(default_factory=dict)
    globals: set = field(default_factory=set)
    nonlocals: set = field(default_factory=set)

    def bind(self, b: Binding) -> None:
        self.bindings.setdefault(b.name, []).append(b)


class ScopeBuilder(ast.NodeVisitor):
    def __init__(self) -> None:
        self.module: Scope | None = None
        self.scope: Scope | None = None
        self.scope_of: dict[int, Scope] = {}  # id(Name node) -> scope where it is evaluated
        self.names: list[ast.Name] = []
        self.try_stack: list[tuple[ast.Try, set]] = []
        self.handler_depth = 0

    def build(self, tree: ast.Module) -> "ScopeBuilder":
        self.module = self.scope = Scope("module", tree, None)
        for stmt in tree.body:
            self.visit(stmt)
        # `global x` + assignment in a function binds the module's x.
        for scope in self._all(self.module):
            for name in scope.globals:
                for b in scope.bindings.get(name, []):
                    self.module.bind(Binding(name, "global-assign", b.line))
        return self

    def _all(self, scope: Scope):
        yield scope
        for s in getattr(self, "_children", {}).get(id(scope), []):
            yield from self._all(s)

    def _new_scope(self, kind: str, node: ast.AST, name: str) -> Scope:
        s = Scope(kind, node, self.scope, name)
        self.__dict__.setdefault("_children", {}).setdefault(id(self.scope), []).append(s)
        return s

    def _in_function(self) -> bool:
        s = self.scope
        while s is not None:
            if s.kind in ("function", "lambda"):
                return True
            s = s.parent
        return False

    def _bind(self, name: str, kind: str, line: int, module: str | None = None, target: Scope | None = None) -> None:
        scope = target or self.scope
        fallback = False
        if kind == "assign" and scope.kind == "module" and self.handler_depth and self.try_stack:
            fallback = name in self.try_stack[-1][1]
        scope.bind(Binding(name, kind, line, module, fallback, in_function=self._in_function()))

    # statements --------------------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            if a.asname:
                self._bind(a.asname, "import", node.lineno, a.name)
            else:
                top = a.name.split(".")[0]
                self._bind(top, "import", node.lineno, top)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for a in node.names:
            if a.name == "*":
                continue
            module = None if node.level else f"{node.module}.{a.name}"
            self._bind(a.asname or a.name, "import", node.lineno, module)

    def _function(self, node, kind: str, name: str) -> None:
        for d in getattr(node, "decorator_list", []):
            self.visit(d)
        args = node.args
        for d in args.defaults + [d for d in args.kw_defaults if d is not None]:
            self.visit(d)
        for a in args.posonlyargs + args.args + args.kwonlyargs:
            if a.annotation is not None:
                self.visit(a.annotation)
        if getattr(node, "returns", None) is not None:
            self.visit(node.returns)
        if kind == "function":
            self._bind(node.name, "def", node.lineno)
        outer = self.scope
        self.scope = self._new_scope(kind, node, name)
        for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
            if a is not None:
                self._bind(a.arg, "param", node.lineno)
        body = node.body if isinstance(node.body, list) else [node.body]
        saved = self.try_stack, self.handler_depth
        self.try_stack, self.handler_depth = [], 0
        for stmt in body:
            self.visit(stmt)
        self.try_stack, self.handler_depth = saved
        self.scope = outer

    def visit_FunctionDef(self, node) -> None:
        self._function(node, "function", node.name)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._function(node, "lambda", "<lambda>")

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for d in node.decorator_list + node.bases + [k.value for k in node.keywords]:
            self.visit(d)
        self._bind(node.name, "class", node.lineno)
        outer = self.scope
        self.scope = self._new_scope("class", node, node.name)
        for stmt in node.body:
            self.visit(stmt)
        self.scope = outer

    def visit_Global(self, node: ast.Global) -> None:
        self.scope.globals.update(node.names)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.scope.nonlocals.update(node.names)

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        for t in node.targets:
            self._target(t, "assign")

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)
        self.visit(node.annotation)
        self._target(node.target, "assign")

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.visit(node.value)
        self._target(node.target, "assign")

    def visit_For(self, node) -> None:
        self.visit(node.iter)
        self._target(node.target, "for")
        for stmt in node.body + node.orelse:
            self.visit(stmt)

    visit_AsyncFor = visit_For

    def visit_With(self, node) -> None:
        for item in node.items:
            self.visit(item.context_expr)
            if item.optional_vars is not None:
                self._target(item.optional_vars, "with")
        for stmt in node.body:
            self.visit(stmt)

    visit_AsyncWith = visit_With

    def visit_Try(self, node) -> None:
        imported = set()
        for stmt in node.body:
            for n in ast.walk(stmt):
                if isinstance(n, (ast.Import, ast.ImportFrom)):
                    for a in n.names:
                        imported.add(a.asname or a.name.split(".")[0])
        self.try_stack.append((node, imported))
        for stmt in node.body:
            self.visit(stmt)
        for h in node.handlers:
            if h.type is not None:
                self.visit(h.type)
            if h.name:
                self._bind(h.name, "except", h.lineno)
            self.handler_depth += 1
            for stmt in h.body:
                self.visit(stmt)
            self.handler_depth -= 1
        self.try_stack.pop()
        for stmt in node.orelse + node.finalbody:
            self.visit(stmt)

    visit_TryStar = visit_Try

    def _target(self, target: ast.AST, kind: str) -> None:
        if isinstance(target, ast.Name):
            self._bind(target.id, kind, target.lineno)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for e in target.elts:
                self._target(e, kind)
        elif isinstance(target, ast.Starred):
            self._target(target.value, kind)
        else:
            self.visit(target)

    # expressions -------------------------------------------------------------------------

    def visit_Name(self, node: ast.Name) -> None:
        self.scope_of[id(node)] = self.scope
        if isinstance(node.ctx, ast.Load):
            self.names.append(node)
        else:
            self._bind(node.id, "assign", node.lineno)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        target = self.scope
        while target.kind == "comprehension":
            target = target.parent
        self._bind(node.target.id, "walrus", node.lineno, target=target)

    def _comprehension(self, node, elts) -> None:
        gens = node.generators
        self.visit(gens[0].iter)
        outer = self.scope
        self.scope = self._new_scope("comprehension", node, "<comprehension>")
        for i, g in enumerate(gens):
            if i:
                self.visit(g.iter)
            self._target(g.target, "comprehension")
            for cond in g.ifs:
                self.visit(cond)
        for e in elts:
            self.visit(e)
        self.scope = outer

    def visit_ListComp(self, node) -> None:
        self._comprehension(node, [node.elt])

    visit_SetComp = visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node) -> None:
        self._comprehension(node, [node.key, node.value])

    # resolution --------------------------------------------------------------------------

    def resolve(self, node: ast.Name) -> tuple[Scope, list[Binding]]:
        """The scope whose binding of `node.id` a load at `node` sees, with those bindings."""
        scope = self.scope_of.get(id(node), self.module)
        name = node.id
        first = True
        while scope is not None:
            if scope.kind == "module":
                return scope, scope.bindings.get(name, [])
            if name in scope.globals:
                return self.module, self.module.bindings.get(name, [])
            if scope.kind == "class" and not first:
                scope = scope.parent
                continue
            if name in scope.bindings and name not in scope.nonlocals:
                return scope, scope.bindings[name]
            scope = scope.parent
            first = False
        return self.module, []

    def runs_at_import(self, node: ast.Name) -> bool:
        scope = self.scope_of.get(id(node), self.module)
        while scope is not None:
            if scope.kind in ("function", "lambda"):
                return False
            scope = scope.parent
        return True


# --------------------------------------------------------------------------------------------
# Import resolution (for call canonical names; ignores shadowing on purpose)


def import_map(tree: ast.Module) -> dict[str, str]:
    out = {}
    for n in ast.walk(tree):
        if isinstance(n, ast.Import):
            for a in n.names:
                out[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(n, ast.ImportFrom) and not n.level and n.module:
            for a in n.names:
                if a.name != "*":
                    out[a.asname or a.name] = f"{n.module}.{a.name}"
    return out


def dotted(node: ast.AST) -> list[str] | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return parts[::-1]
    return None


def canonical(func: ast.AST, imports: dict[str, str]) -> str | None:
    parts = dotted(func)
    if not parts or parts[0] not in imports:
        return None
    q = ".".join([imports[parts[0]]] + parts[1:])
    if q == "tensorflow" or q.startswith("tensorflow."):
        q = "tf" + q[len("tensorflow"):]
    return q


# --------------------------------------------------------------------------------------------
# The checks


@dataclass
class Failure:
    check: str
    reason: str
    excerpt: str = ""


class Checker:
    def __init__(self, src: str, out: str, path: str, out_bytes: bytes | None = None):
        self.src, self.out, self.path = src, out, path
        self.out_bytes = out_bytes
        self.failures: list[Failure] = []

    def fail(self, check: str, reason: str, excerpt_text: str = "") -> None:
        self.failures.append(Failure(check, reason, excerpt(excerpt_text) if excerpt_text else ""))

    def run(self) -> list[Failure]:
        try:
            self.tree_in = ast.parse(self.src)
        except SyntaxError as e:
            self.fail("fixture", f"the fixture itself does not parse: {e}")
            return self.failures
        self.check_header()
        self.check_comments()
        if self.src == self.out:
            return self.failures
        try:
            # The bytes as written: CPython decodes them by the cookie it finds on line 1 or 2.
            compile(self.out_bytes if self.out_bytes is not None else self.out, self.path, "exec")
            self.tree_out = ast.parse(self.out)
        except SyntaxError as e:
            line = split_lines(self.out)[e.lineno - 1] if e.lineno and e.lineno <= len(split_lines(self.out)) else ""
            self.fail("compile", f"output does not compile: {e.msg} (line {e.lineno})", line.rstrip("\r\n"))
            return self.failures
        self.pin, self.pout = Positions(self.src), Positions(self.out)
        self.map = Mapper(self.src, self.out)
        self.scopes_out = ScopeBuilder().build(self.tree_out)
        self.inserted = self.find_inserted()
        self.new_roots: set[str] = set()
        self.check_shape()
        self.check_names()
        self.check_inserted()
        self.check_calls()
        self.check_switches_present()
        return self.failures

    # header ------------------------------------------------------------------------------

    def check_header(self) -> None:
        a, b = split_lines(self.src), split_lines(self.out)
        if a and a[0].startswith("#!") and (not b or b[0].rstrip("\r\n") != a[0].rstrip("\r\n")):
            self.fail("header", "the shebang is no longer line 1", b[0] if b else "")
        for i in (0, 1):
            if i < len(a) and CODING_RE.match(a[i].encode("utf-8", "replace")):
                if i >= len(b) or b[i].rstrip("\r\n") != a[i].rstrip("\r\n"):
                    self.fail("header", f"the coding line is no longer line {i + 1} (Python only reads it on line 1 or 2)",
                              b[i] if i < len(b) else "")

    def check_comments(self) -> None:
        missing = comments_of(self.src) - comments_of(self.out)
        if missing:
            lost = ", ".join(sorted(missing))
            self.fail("comments", f"comment(s) lost: {lost}", lost)

    # inserted statements -----------------------------------------------------------------

    def find_inserted(self) -> dict[int, str]:
        """id(stmt) -> kind, for statements the tool inserted (a known pattern on a new line)."""
        out = {}
        for node in ast.walk(self.tree_out):
            if not isinstance(node, ast.stmt) or node.lineno != node.end_lineno:
                continue
            if node.lineno not in self.map.new_lines:
                continue
            text = self.out_segment(node)
            for kind, pattern in INSERTED_PATTERNS:
                if pattern.match(text):
                    out[id(node)] = kind
            # An import that binds a name the input's imports bound is the user's, rewritten.
            if out.get(id(node)) == "import" and isinstance(node, ast.Import):
                bound_in = {a.asname or a.name.split(".")[0]
                            for n in ast.walk(self.tree_in) if isinstance(n, (ast.Import, ast.ImportFrom))
                            for a in n.names}
                if any(a.asname and a.asname in bound_in for a in node.names):
                    del out[id(node)]
        # A pattern statement on a replaced line that also holds the same text in the input is the user's.
        src_stmts = Counter(self.src_segment_text(n) for n in ast.walk(self.tree_in) if isinstance(n, ast.stmt))
        out_stmts = Counter(self.out_segment(n) for n in ast.walk(self.tree_out) if id(n) in out)
        for node in list(ast.walk(self.tree_out)):
            if id(node) in out and src_stmts[self.out_segment(node)] >= out_stmts[self.out_segment(node)] > 0:
                del out[id(node)]
        return out

    def out_segment(self, node: ast.AST) -> str:
        s, e = self.pout.span(node)
        return self.out[s:e]

    def src_segment_text(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.src, node) or ""

    def check_shape(self) -> None:
        def bound(stmt) -> set:
            return {a.asname or (a.name if isinstance(stmt, ast.ImportFrom) else a.name.split(".")[0]) for a in stmt.names}

        def optional_import(s):
            """The import of `try: import ... except ImportError: names = None`, else None: the
            tool makes an import optional that way, which keeps what the module binds."""
            if not (isinstance(s, ast.Try) and len(s.body) == 1 and len(s.handlers) == 1
                    and isinstance(s.body[0], (ast.Import, ast.ImportFrom)) and not s.orelse and not s.finalbody):
                return None
            h = s.handlers[0]
            if not (isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")):
                return None
            nones = {t.id for a in h.body if isinstance(a, ast.Assign) and isinstance(a.value, ast.Constant)
                     and a.value.value is None for t in a.targets if isinstance(t, ast.Name)}
            if len(nones) != len(h.body) or nones != bound(s.body[0]):
                return None
            return s.body[0]

        def shape(stmts, inserted) -> list:
            out = []
            for s in stmts:
                if id(s) in inserted:
                    continue
                s = optional_import(s) or s
                if isinstance(s, (ast.Import, ast.ImportFrom)):
                    if out and out[-1][0] == "imports":
                        out[-1] = ("imports", out[-1][1] | bound(s))
                    else:
                        out.append(("imports", frozenset(bound(s))))
                    continue
                blocks = []
                for f in ("body", "orelse", "finalbody"):
                    v = getattr(s, f, None)
                    if isinstance(v, list) and v and isinstance(v[0], ast.stmt):
                        blocks.append((f, tuple(shape(v, inserted))))
                for h in getattr(s, "handlers", []) or []:
                    blocks.append(("except", tuple(shape(h.body, inserted))))
                for c in getattr(s, "cases", []) or []:
                    blocks.append(("case", tuple(shape(c.body, inserted))))
                out.append((type(s).__name__, tuple(blocks)))
            return out

        a, b = shape(self.tree_in.body, {}), shape(self.tree_out.body, self.inserted)
        if a != b:
            where = self.first_shape_difference(a, b)
            self.fail("shape", f"statement structure changed: {where}", self.first_changed_line())

    @staticmethod
    def first_shape_difference(a, b, path="module") -> str:
        def show(item):
            if item[0] == "imports":
                return "import of " + ", ".join(sorted(item[1]))
            return item[0]

        for i, (x, y) in enumerate(zip(a, b)):
            if x == y:
                continue
            if x[0] == y[0] and x[0] != "imports":
                for (fx, bx), (fy, by) in zip(x[1], y[1]):
                    if bx != by:
                        return Checker.first_shape_difference(bx, by, f"{path} > {x[0]}.{fx}")
            return f"in {path}, statement {i + 1} was {show(x)}, is {show(y)}"
        if len(a) != len(b):
            extra = b[len(a)] if len(b) > len(a) else a[len(b)]
            return f"in {path}, {'added' if len(b) > len(a) else 'lost'} {show(extra)}"
        return path

    def first_changed_line(self) -> str:
        for n in sorted(self.map.new_lines):
            return self.pout.line_text(n)
        return ""

    def block_of(self, target: ast.stmt):
        """(parent node, list holding target, index) for an output statement."""
        for node in ast.walk(self.tree_out):
            for f in ("body", "orelse", "finalbody"):
                v = getattr(node, f, None)
                if isinstance(v, list) and target in v:
                    return node, v, v.index(target)
            for h in getattr(node, "handlers", []) or []:
                if target in h.body:
                    return h, h.body, h.body.index(target)
        return None, [], -1

    def check_inserted(self) -> None:
        src_has_module_import = any(isinstance(s, (ast.Import, ast.ImportFrom)) for s in self.tree_in.body)
        stmts = {id(n): n for n in ast.walk(self.tree_out) if isinstance(n, ast.stmt)}
        env_lines = []
        for sid, kind in self.inserted.items():
            node = stmts[sid]
            text = self.out_segment(node)
            parent, block, i = self.block_of(node)
            prev = next((s for s in reversed(block[:i]) if id(s) not in self.inserted), None)
            if kind == "legacy-env":
                env_lines.append(node.lineno)
            if kind in ("import", "legacy-env"):
                if not isinstance(parent, ast.Module):
                    self.fail("inserted", f"`{text.strip()}` inserted inside a {type(parent).__name__}, not in the module body", text)
                elif kind == "import" and not re.match(r"import os( as \w+)?$", text.strip()) and src_has_module_import and not any(
                        isinstance(s, (ast.Import, ast.ImportFrom)) or self.contains_import(s) for s in block[:i]):
                    first = self.pout.line_text(block[i + 1].lineno) if i + 1 < len(block) else ""
                    self.fail("inserted", f"`{text.strip()}` inserted above the module's imports (line {node.lineno}, before `{first.strip()}`)", text)
            if kind == "switch":
                self.check_switch(node, parent, prev, text)
            if kind == "import" and isinstance(node, ast.Import):
                self.check_inserted_import(node, text)
        if env_lines:
            env = min(env_lines)
            for node in ast.walk(self.tree_out):
                if isinstance(node, (ast.Import, ast.ImportFrom)) and node.lineno <= env and self.loads_tensorflow(node) \
                        and not self.inside_function(node):
                    self.fail("inserted", f"TF_USE_LEGACY_KERAS is set on line {env}, after line {node.lineno} already imports TensorFlow",
                              self.pout.line_text(node.lineno))
                    break

    def check_inserted_import(self, node: ast.Import, text: str) -> None:
        alias = node.names[0]
        name = alias.asname or alias.name.split(".")[0]
        module = alias.name if alias.asname else name
        scopes_in = ScopeBuilder().build(self.tree_in)
        for b in scopes_in.module.bindings.get(name, []):
            if b.kind == "import" and b.module == module:
                continue
            what = f"import of {b.module}" if b.kind == "import" else b.kind
            self.fail("inserted", f"`{text.strip()}` rebinds the module's own `{name}` ({what}, line {b.line} of the input)", text)
            return
        if name not in self.new_roots:
            self.fail("inserted", f"`{text.strip()}` is inserted but nothing the tool wrote uses `{name}`", text)

    def contains_import(self, stmt) -> bool:
        return any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(stmt)) and not isinstance(
            stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))

    @staticmethod
    def loads_tensorflow(node) -> bool:
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        return any(n.split(".")[0] in ("tensorflow", "keras", "tf_keras") for n in names)

    def inside_function(self, target) -> bool:
        for node in ast.walk(self.tree_out):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and node is not target:
                for n in ast.walk(node):
                    if n is target:
                        return True
        return False

    @staticmethod
    def is_main_test(test) -> bool:
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
            return False
        pair = [test.left, test.comparators[0]]
        names = [p for p in pair if isinstance(p, ast.Name) and p.id == "__name__"]
        consts = [p for p in pair if isinstance(p, ast.Constant) and p.value == "__main__"]
        return len(names) == 1 and len(consts) == 1

    def check_switch(self, node, parent, prev, text) -> None:
        root = text.strip().split(".")[0]
        binds_root = isinstance(prev, (ast.Import, ast.ImportFrom)) and any(
            (a.asname or a.name.split(".")[0]) == root for a in prev.names)
        if binds_root and not isinstance(parent, ast.Module):
            # Right after the import that binds it, in the same block (`if x: import tensorflow as tf;
            # switch; x = tf.placeholder(...)`): the only place that runs before the graph code there.
            return
        if isinstance(parent, ast.If) and node in parent.body:
            if not (parent in self.tree_out.body and self.is_main_test(parent.test)):
                cond = ast.get_source_segment(self.out, parent.test) or "?"
                self.fail("inserted", f"eager switch inserted into `if {cond}:`, which is not the `__main__` block", text)
            elif parent.lineno == node.lineno:
                self.fail("inserted", "eager switch inserted on the line of a one-line `if __name__ ...:`", text)
            return
        if not isinstance(parent, ast.Module):
            self.fail("inserted", f"eager switch inserted inside a {type(parent).__name__}", text)
            return
        if prev is not None and not (isinstance(prev, (ast.Import, ast.ImportFrom)) or self.contains_import(prev)
                                     or (isinstance(prev, ast.Expr) and isinstance(prev.value, ast.Constant))):
            self.fail("inserted", f"eager switch inserted at module level after a {type(prev).__name__} "
                                  f"(line {prev.lineno}: `{self.pout.line_text(prev.lineno).strip()}`), not after the imports", text)
        # Nothing may use the switched name at import time before the switch runs.
        root = text.strip().split(".")[0]
        for stmt in self.tree_out.body:
            if stmt is node or stmt.lineno > node.lineno:
                break
            for n in self.import_time_nodes(stmt):
                if isinstance(n, ast.Name) and n.id == root and isinstance(n.ctx, ast.Load) and \
                        self.pout.offset(n.lineno, n.col_offset) < self.pout.offset(node.lineno, node.col_offset):
                    self.fail("inserted", f"`{root}` is used on line {n.lineno} before the eager switch on line {node.lineno} runs",
                              self.pout.line_text(n.lineno))
                    return

    @staticmethod
    def import_time_nodes(stmt):
        stack = [stmt]
        while stack:
            n = stack.pop()
            yield n
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            stack.extend(ast.iter_child_nodes(n))

    def check_switches_present(self) -> None:
        """Graph code at import time needs the eager switch; tf.compat.v1 layers need Keras 2."""
        imports = import_map(self.tree_out)
        switch = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                     and n.func.attr in ("disable_v2_behavior", "disable_eager_execution") for n in ast.walk(self.tree_out))
        if not switch:
            for stmt in self.tree_out.body:
                for n in self.import_time_nodes(stmt):
                    if isinstance(n, ast.Call) and canonical(n.func, imports) in GRAPH_AT_IMPORT:
                        self.fail("inserted", f"graph-mode `{ast.get_source_segment(self.out, n.func)}` runs at import time "
                                              f"(line {n.lineno}) but the output has no eager switch", self.pout.line_text(n.lineno))
                        break
                else:
                    continue
                break
        legacy_in = len(re.findall(r"compat\.v1\.(layers|nn\.rnn_cell)\b", self.src))
        legacy_out = len(re.findall(r"compat\.v1\.(layers|nn\.rnn_cell)\b", self.out))
        env = any(isinstance(n, ast.Constant) and n.value == "TF_USE_LEGACY_KERAS" and not self.is_docstring(n)
                  for n in ast.walk(self.tree_out))
        if legacy_out > legacy_in and not env and not self.is_library_module():
            line = next((l for l in split_lines(self.out) if re.search(r"compat\.v1\.(layers|nn\.rnn_cell)", l)), "")
            self.fail("inserted", "the output uses tf.compat.v1 layers/RNN cells (Keras 2 only on TF >= 2.16) "
                                  "but never sets TF_USE_LEGACY_KERAS", line.rstrip("\r\n"))

    def is_library_module(self) -> bool:
        """A module that defines functions or classes and has no `__main__` block (and is no test
        module): it must not set process-wide state such as TF_USE_LEGACY_KERAS; `check` names the
        entry point's duty instead."""
        defines = any(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) for s in self.tree_out.body)
        main = any(isinstance(s, ast.If) and "__main__" in (ast.get_source_segment(self.out, s.test) or "")
                   for s in self.tree_out.body)
        name = os.path.basename(self.path)
        test = name.startswith("test_") or name.endswith("_test.py")
        return defines and not main and not test and name != "__main__.py"

    def is_docstring(self, const: ast.Constant) -> bool:
        for node in ast.walk(self.tree_out):
            body = getattr(node, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and body[0].value is const:
                return True
        return False

    # names -------------------------------------------------------------------------------

    def check_names(self) -> None:
        in_names = {}
        for n in ast.walk(self.tree_in):
            if isinstance(n, ast.Name):
                in_names[self.pin.offset(n.lineno, n.col_offset)] = n
        in_roots = set()
        for n in ast.walk(self.tree_in):
            if isinstance(n, ast.Attribute):
                parts = dotted(n)
                if parts:
                    root = n
                    while isinstance(root, ast.Attribute):
                        root = root.value
                    in_roots.add(self.pin.offset(root.lineno, root.col_offset))
        reported = set()
        for n in ast.walk(self.tree_out):
            if not isinstance(n, ast.Attribute) or dotted(n) is None:
                continue
            root = n
            while isinstance(root, ast.Attribute):
                root = root.value
            if id(root) in reported:
                continue
            s, e = self.pout.span(root)
            a = self.map.to_input(s, e)
            if a is not None and a in in_roots and a in in_names and in_names[a].id == root.id:
                continue  # the user's own attribute chain, untouched root
            reported.add(id(root))
            self.new_roots.add(root.id)
            self.check_new_root(root, n)

    def check_new_root(self, root: ast.Name, chain: ast.Attribute) -> None:
        line = self.pout.line_text(root.lineno)
        chain_text = ast.get_source_segment(self.out, chain) or root.id
        scope, bindings = self.scopes_out.resolve(root)
        where = f"`{chain_text}` (line {root.lineno})"
        if scope.kind != "module":
            b = bindings[0]
            desc = {"param": "a parameter", "except": "an `except ... as` name", "comprehension": "a comprehension variable",
                    "for": "a loop variable", "assign": "a local variable", "with": "a `with ... as` name",
                    "walrus": "an assignment expression", "import": "a local import"}.get(b.kind, b.kind)
            if b.kind == "import" and b.module and is_module(b.module):
                return
            if b.kind == "comprehension" and b.line in self.map.new_lines:
                return  # a comprehension the tool wrote, with its own variable
            owner = {"class": f"class {scope.name}", "function": f"{scope.name}()", "lambda": "the lambda",
                     "comprehension": "the comprehension"}[scope.kind]
            self.fail("names", f"{where}: `{root.id}` there is {desc} of {owner} (line {b.line}), not the module", line)
            return
        if not bindings:
            self.fail("names", f"{where}: `{root.id}` is not bound at module level", line)
            return
        others = [b for b in bindings if b.kind != "import" and not b.fallback]
        if others:
            o = others[0]
            self.fail("names", f"{where}: `{root.id}` is also bound by the module's own {o.kind} on line {o.line}", line)
            return
        imports = [b for b in bindings if b.kind == "import" and not b.in_function]
        if not imports:
            self.fail("names", f"{where}: `{root.id}` is only imported inside a function", line)
            return
        modules = sorted({b.module or "?" for b in imports})
        if len(modules) > 1:
            self.fail("names", f"{where}: `{root.id}` is bound to several modules: {', '.join(modules)}", line)
            return
        module = modules[0]
        expected = EXPECTED_MODULE.get(root.id)
        if expected and module != expected:
            self.fail("names", f"{where}: `{root.id}` is {module}, not {expected}", line)
            return
        if not is_module(module):
            self.fail("names", f"{where}: `{root.id}` is `{module}` (imported by name), not a module", line)
            return
        if self.scopes_out.runs_at_import(root):
            first = min(b.line for b in imports)
            if first > root.lineno or (first == root.lineno and self.import_after_on_line(root)):
                self.fail("names", f"{where} runs at import time before `{root.id}` is imported (line {first})", line)

    def import_after_on_line(self, root: ast.Name) -> bool:
        pos = self.pout.offset(root.lineno, root.col_offset)
        for n in ast.walk(self.tree_out):
            if isinstance(n, (ast.Import, ast.ImportFrom)) and n.lineno == root.lineno:
                if any((a.asname or a.name.split(".")[0]) == root.id for a in n.names):
                    return self.pout.offset(n.lineno, n.col_offset) > pos
        return False

    # calls -------------------------------------------------------------------------------

    def paren_offset(self, text: str, pos: Positions, call: ast.Call) -> int | None:
        i = pos.offset(call.func.end_lineno, call.func.end_col_offset)
        while i < len(text):
            c = text[i]
            if c == "(":
                return i
            if c in " \t\r\n\\":
                i += 1
                continue
            if c == "#":
                while i < len(text) and text[i] != "\n":
                    i += 1
                continue
            return None
        return None

    def check_calls(self) -> None:
        imports_in, imports_out = import_map(self.tree_in), import_map(self.tree_out)
        out_calls, out_starts = {}, {}
        parent_of = {}

        def depth(c: ast.Call) -> int:
            d = 0
            while isinstance(c.func, ast.Call):
                c, d = c.func, d + 1
            return d

        for n in ast.walk(self.tree_out):
            for c in ast.iter_child_nodes(n):
                parent_of[id(c)] = n
            if isinstance(n, ast.Call):
                p = self.paren_offset(self.out, self.pout, n)
                if p is not None:
                    out_calls[p] = n
                out_starts.setdefault((self.pout.offset(n.lineno, n.col_offset), depth(n)), n)
        for call in ast.walk(self.tree_in):
            if not isinstance(call, ast.Call):
                continue
            p = self.paren_offset(self.src, self.pin, call)
            q = self.map.to_output(p) if p is not None else None
            out = out_calls.get(q) if q is not None else None
            name_in = canonical(call.func, imports_in)
            if out is None and name_in in V1SIG:
                # The callee and its parenthesis changed: pair a known function's call by where it starts.
                q = self.map.to_output(self.pin.offset(call.lineno, call.col_offset))
                out = out_starts.get((q, depth(call))) if q is not None else None
                if out is not None and canonical(out.func, imports_out) not in set(V1SIG) | set(V2SIG):
                    out = None
            if isinstance(call.func, ast.Attribute) and call.func.attr in REPLACED_BY_EXPRESSION:
                continue
            if out is None:
                if name_in in V1SIG:
                    self.fail("calls", f"`{ast.get_source_segment(self.src, call.func)}(...)` (line {call.lineno}): "
                                       "no corresponding call in the output", self.pin.line_text(call.lineno))
                continue
            if isinstance(call.func, ast.Attribute) and out.args and \
                    normalise_code(ast.get_source_segment(self.out, out.args[0]) or "") == \
                    normalise_code(ast.get_source_segment(self.src, call.func.value) or ""):
                continue  # obj.method() -> function(obj): the callee changed kind
            name_out = canonical(out.func, imports_out)
            outer = parent_of.get(id(out))
            native_layer = (name_in or "").startswith("tf.layers.") and (name_out or "").startswith("tf.keras.layers.")
            applied = outer if native_layer and isinstance(outer, ast.Call) and outer.func is out else None
            self.compare_call(call, out, name_in, name_out, applied)

    def args_of(self, text: str, call: ast.Call):
        """[(keyword or None, normalised value text, starred)] in source order."""
        items = []
        for a in call.args:
            items.append((a.col_offset + 10000 * a.lineno, None, a))
        for k in call.keywords:
            items.append((k.value.col_offset + 10000 * k.value.lineno, k.arg, k))
        items.sort(key=lambda t: t[0])
        out = []
        for _, kw, node in items:
            value = node.value if isinstance(node, ast.keyword) else node
            starred = isinstance(node, ast.Starred) or (isinstance(node, ast.keyword) and node.arg is None)
            out.append((kw, normalise_code(ast.get_source_segment(text, value) or ""), starred))
        return out

    @staticmethod
    def bind(sig: list[str], args) -> tuple[dict | None, str | None]:
        bound, pos = {}, 0
        for kw, value, starred in args:
            if starred:
                return None, None
            if kw is None:
                if pos >= len(sig):
                    return bound, f"more positional arguments than `{sig[-1]}`"
                kw = sig[pos]
                pos += 1
            if kw in bound:
                return bound, f"parameter `{kw}` is given twice"
            bound[kw] = value
        return bound, None

    def compare_binding(self, name_in, b_in, a_out, applied, sig_out, rename) -> str | None:
        args_out = [t for t in a_out if t[0] != "inputs"] if applied is not None else a_out
        b_out, err = self.bind(sig_out, args_out)
        if b_out is None:
            return None
        if applied is not None:
            b_out.update({"inputs": v for k, v, _ in a_out if k == "inputs"})
        if err:
            return f"{err} in the output"
        renames = PARAM_RENAMES.get(name_in, {})

        def renamed(p):
            if not rename:
                return p
            return renames[p] if p in renames else GENERAL_RENAMES.get(p, p)

        for p, v in b_in.items():
            new = renamed(p)
            if new is None:
                continue
            got = b_out.get(new)
            if got is None:
                moved = [q for q, w in b_out.items() if w == v and q != new]
                if moved:
                    return f"`{v}` was {p}, is now passed as {moved[0]}"
                return f"the argument `{v}` ({p}) is gone"
            if v not in got:
                return f"{new} was `{v}` ({p}), is `{got}`"
        # Parameters the output binds that the input did not (a keyword left for review is the input's own).
        extra = {p for p in set(b_out) - {renamed(p) for p in b_in} - ADDED_PARAMS if b_in.get(p) != b_out[p]}
        if extra:
            p = sorted(extra)[0]
            return f"the output binds `{p}={b_out[p]}`, which the input did not pass"
        return None

    def compare_call(self, call, out, name_in, name_out, applied) -> None:
        a_in, a_out = self.args_of(self.src, call), self.args_of(self.out, out)
        if applied is not None:  # native layer: the inputs move to the layer call
            a_out = a_out + [("inputs", v, s) for _, v, s in self.args_of(self.out, applied)[:1]]
        line = self.pout.line_text(out.lineno) if out.lineno == out.end_lineno else \
            " ".join(self.pout.line_text(n).strip() for n in range(out.lineno, out.end_lineno + 1))
        callee = normalise_code(ast.get_source_segment(self.src, call.func) or "?")
        if name_in in V1SIG and (name_out in V2SIG or name_out in V1SIG or applied is not None):
            b_in, err_in = self.bind(V1SIG[name_in], a_in)
            if b_in is None or err_in:
                return  # starred arguments, or already wrong in the input
            # (signature of the output callee, whether TF1 parameter names are renamed to TF2 ones)
            if applied is not None:
                candidates = [(V2SIG["tf.keras.layers.Dense"], True)]
            elif name_out == "tf.compat.v1." + name_in[3:] or name_out not in V2SIG:
                candidates = [(V1SIG.get(name_out) or V2SIG[name_out], False)]
            else:
                candidates = [(V2SIG[name_out], True)] + ([(V1SIG[name_in], False)] if name_out == name_in else [])
            problems = []
            for sig_out, rename in candidates:
                problem = self.compare_binding(name_in, b_in, a_out, applied, sig_out, rename)
                if problem is None:
                    return
                problems.append(problem)
            self.fail("calls", f"`{callee}(...)`: {problems[0]}", line)
            return
        # Generic: every argument value survives, in order, modulo documented removals.
        values_out = [v for _, v, _ in a_out]
        j = 0
        for kw, v, _ in a_in:
            if kw in DROPPABLE_KEYWORDS or kw == "keep_prob":
                continue
            while j < len(values_out) and v not in values_out[j]:
                j += 1
            if j == len(values_out):
                self.fail("calls", f"`{callee}(...)`: the argument `{v}` is gone or moved", line)
                return
            j += 1
        pos_in = sum(1 for kw, _, _ in a_in if kw is None)
        pos_out = sum(1 for kw, _, _ in a_out if kw is None)
        if pos_out > pos_in + (1 if name_in in ("tf.to_float", "tf.to_int32", "tf.to_int64", "tf.to_double") else 0):
            self.fail("calls", f"`{callee}(...)`: {pos_in} positional arguments became {pos_out}", line)


# --------------------------------------------------------------------------------------------
# Diff -> patch


def unquote_path(raw: bytes) -> bytes:
    """A path from a diff header: git-style "quoted\\n" or plain (up to a tab)."""
    raw = raw.rstrip(b"\r\n")
    if raw.startswith(b'"'):
        body = raw[1:raw.rindex(b'"')]
        out, i = bytearray(), 0
        while i < len(body):
            c = body[i]
            if c == 0x5C and i + 1 < len(body):
                nxt = body[i + 1:i + 2]
                table = {b"n": b"\n", b"t": b"\t", b"r": b"\r", b'"': b'"', b"\\": b"\\", b"a": b"\a", b"b": b"\b",
                         b"f": b"\f", b"v": b"\v"}
                if nxt in table:
                    out += table[nxt]
                    i += 2
                    continue
                if re.match(rb"[0-7]{3}", body[i + 1:i + 4]):
                    out.append(int(body[i + 1:i + 4], 8))
                    i += 4
                    continue
            out.append(c)
            i += 1
        return bytes(out)
    return raw.split(b"\t")[0]


def apply_patch(diff: bytes, files: dict[bytes, bytes]) -> tuple[dict[bytes, bytes], str | None]:
    """Apply a unified diff strictly (exact context, exact bytes) to `files` (path -> bytes)."""
    lines = diff.splitlines(keepends=True)
    result = dict(files)
    i = 0
    while i < len(lines):
        if not lines[i].startswith(b"--- "):
            i += 1
            continue
        if i + 1 >= len(lines) or not lines[i + 1].startswith(b"+++ "):
            return result, f"malformed header {excerpt(lines[i].decode('utf-8', 'replace'))}"
        old = unquote_path(lines[i][4:])
        path = old[2:] if old.startswith(b"a/") else old
        path = path[2:] if path.startswith(b"./") else path
        i += 2
        if path not in result:
            return result, f"diff header names {excerpt(path.decode('utf-8', 'replace'))}, no such file"
        orig = result[path].splitlines(keepends=True)
        new, at = [], 0
        while i < len(lines) and lines[i].startswith(b"@@"):
            m = re.match(rb"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", lines[i])
            if not m:
                return result, "malformed hunk header"
            start = int(m.group(1)) - (0 if m.group(2) == b"0" else 1)
            new.extend(orig[at:start])
            at = start
            i += 1
            while i < len(lines) and lines[i][:1] in (b" ", b"-", b"+", b"\\"):
                kind, body = lines[i][:1], lines[i][1:]
                if i + 1 < len(lines) and lines[i + 1].startswith(b"\\ No newline"):
                    body = body[:-1] if body.endswith(b"\n") else body
                if kind == b"\\":
                    i += 1
                    continue
                if kind in (b" ", b"-"):
                    if at >= len(orig) or orig[at] != body:
                        have = orig[at] if at < len(orig) else b"<end of file>"
                        if have.replace(b"\r", b"") == body.replace(b"\r", b"").replace("\ufffd".encode(), b""):
                            return result, (f"the diff lost the file's CR bytes (line {at + 1} is "
                                            f"{excerpt(have.decode('utf-8', 'replace'), 50)} in the file, "
                                            f"{excerpt(body.decode('utf-8', 'replace'), 50)} in the diff)")
                        return result, (f"hunk line {excerpt(body.decode('utf-8', 'replace'), 60)} does not match the file's "
                                        f"{excerpt(have.decode('utf-8', 'replace'), 60)}")
                    if kind == b" ":
                        new.append(body)
                    at += 1
                else:
                    new.append(body)
                i += 1
        new.extend(orig[at:])
        result[path] = b"".join(new)
    return result, None


# --------------------------------------------------------------------------------------------
# Running the binary


def transform(name: str, data: bytes) -> tuple[str, bytes]:
    """The file name and bytes a fixture is run under (meta fixtures are made hostile here)."""
    if name.startswith("meta_crlf"):
        data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if name.startswith("meta_latin1"):
        data = data.decode("utf-8").encode("latin-1")
    if name.startswith("meta_name_newline"):
        name = "meta name\nwith newline.py"
    elif name.startswith("meta_name_escape"):
        name = "meta\x1b[31mescape.py"
    elif name.startswith("meta_name_long"):
        name = "m" * 232 + ".py"
    return name, data


def snapshot(root: str) -> dict[str, tuple[bytes, int]]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for f in filenames:
            p = os.path.join(dirpath, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, root)] = (fh.read(), os.stat(p).st_mode)
    return out


def run(binary: str, args: list[str], cwd: str) -> subprocess.CompletedProcess:
    # The content cache lives beside the state, outside the tree: `apply` then reads what `diff`
    # stored, so every fixture also checks that a warm run writes what a cold one would.
    state = os.path.join(cwd, "..", "state")
    env = dict(os.environ, NO_COLOR="1", XDG_STATE_HOME=state, TF2_MIGRATE_CACHE_DIR=os.path.join(state, "cache"))
    try:
        return subprocess.run([binary] + args, cwd=cwd, capture_output=True, timeout=RUN_TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess([binary] + args, 124, b"", b"timeout")


def check_variant(binary: str, fixture_path: str, label: str, flags: list[str], work: str) -> tuple[list[Failure], bool]:
    """Failures of one (fixture, variant), and whether the tool changed the file."""
    fname = os.path.basename(fixture_path)
    with open(fixture_path, "rb") as fh:
        data = fh.read()
    name, data = transform(fname, data)
    root = os.path.join(work, "root")
    pkg = os.path.join(root, "pkg")
    os.makedirs(pkg)
    os.makedirs(os.path.join(work, "state"), exist_ok=True)
    target = os.path.join(pkg, name)
    with open(target, "wb") as fh:
        fh.write(data)
    with open(os.path.join(pkg, "neighbour_tf1.py"), "wb") as fh:
        fh.write(NEIGHBOUR)
    with open(os.path.join(root, "outside_tf1.py"), "wb") as fh:
        fh.write(NEIGHBOUR)
    rel = os.path.join("pkg", name)
    before = snapshot(root)
    failures: list[Failure] = []

    diff = run(binary, ["diff", "-q", "--color", "never"] + flags + [rel], root)
    app = run(binary, ["apply", "-q"] + flags + [rel], root)
    after = snapshot(root)
    out_bytes = after.get(rel, (b"", 0))[0]
    stderr = app.stderr.decode("utf-8", "replace").strip()
    if app.returncode != 0:
        first = stderr.splitlines()[0] if stderr else f"exit {app.returncode}"
        failures.append(Failure("exit", f"apply exited {app.returncode}: {first[:160]}", ""))
    changed_others = sorted(k for k in set(before) | set(after) if k != rel and before.get(k) != after.get(k))
    if changed_others:
        failures.append(Failure("outside", f"apply touched other files: {', '.join(excerpt(c, 60) for c in changed_others)}"))
    if rel in after and before[rel][1] != after[rel][1]:
        failures.append(Failure("outside", "the file's permissions changed"))
    changed = out_bytes != data
    if not changed:
        return failures, False

    src, out = decode_source(data), decode_source(out_bytes)
    failures.extend(Checker(src, out, rel, out_bytes).run())

    # A second apply changes nothing.
    again = run(binary, ["apply", "-q"] + flags + [rel], root)
    with open(target, "rb") as fh:
        twice = fh.read()
    if twice != out_bytes:
        d = [l for l in difflib.unified_diff(decode_source(out_bytes).splitlines(), decode_source(twice).splitlines(), lineterm="", n=0)
             if l[:1] in "+-" and not l.startswith(("+++", "---"))]
        failures.append(Failure("idem", "a second apply changes the file again", excerpt(" | ".join(d[:3]))))
    elif again.returncode != 0:
        failures.append(Failure("idem", f"a second apply exits {again.returncode}", ""))

    # diff | patch == apply
    if diff.returncode not in (0, 1):
        failures.append(Failure("patch", f"diff exited {diff.returncode}: {diff.stderr.decode('utf-8', 'replace')[:120]}"))
    else:
        patched, err = apply_patch(diff.stdout, {rel.encode("utf-8", "surrogateescape"): data})
        if err:
            failures.append(Failure("patch", f"the diff does not apply: {err}"))
        elif patched[rel.encode("utf-8", "surrogateescape")] != out_bytes:
            failures.append(Failure("patch", "diff + patch differs from what apply wrote"))
    return failures, True


def check_all(binary: str, fixture_dir: str, only: str | None, variants: list[str] | None, verbose: bool) -> int:
    fixtures = sorted(f for f in os.listdir(fixture_dir) if f.endswith(".py") and (not only or only in f))
    failing: dict[str, list[str]] = {}
    unchanged: list[str] = []
    total = 0
    for fname in fixtures:
        changed_any = False
        for label, flags in VARIANTS:
            if variants and label not in variants:
                continue
            total += 1
            work = tempfile.mkdtemp(prefix="hostile-")
            try:
                failures, changed = check_variant(binary, os.path.join(fixture_dir, fname), label, flags, work)
            finally:
                shutil.rmtree(work, ignore_errors=True)
            changed_any |= changed
            if not failures:
                continue
            first = failures[0]
            more = f" (+{len(failures) - 1} more: {', '.join(sorted({f.check for f in failures[1:]}))})" if len(failures) > 1 else ""
            print(f"FAIL {fname} [{label}] {first.check}: {first.reason}{more}" + (f" | {first.excerpt}" if first.excerpt else ""))
            if verbose:
                for f in failures[1:]:
                    print(f"     {fname} [{label}] {f.check}: {f.reason}" + (f" | {f.excerpt}" if f.excerpt else ""))
            failing.setdefault(fname, []).append(label)
        if not changed_any:
            unchanged.append(fname)
        sys.stdout.flush()
    pairs = sum(len(v) for v in failing.values())
    print(f"\n{len(fixtures)} fixtures x variants = {total} runs; {pairs} failing (fixture, variant) pairs in {len(failing)} fixtures")
    if unchanged:
        print(f"not rewritten in any variant (content checks skipped): {', '.join(unchanged)}")
    return 1 if failing else 0


# --------------------------------------------------------------------------------------------
# Linear-time probe

SCALE_SNIPPET = '''def block_{i}(x, logits, keep):
    a = tf.log(x)
    b = tf.reduce_sum(x, keep_dims=True)
    c = tf.argmax(logits, 1, "n{i}")
    d = tf.placeholder(tf.float32)
    e = tf.to_float(x)
    f = tf.nn.dropout(x, keep)
    return a, b, c, d, e, f

'''

# Every line asks for an inserted line (import tf_slim, the TF_USE_LEGACY_KERAS prelude): the
# insertion is made once, but each request still does its own work.
SCALE_SNIPPET_INSERTS = '''def layer_{i}(x):
    a = tf.contrib.slim.conv2d(x, 8, 3)
    b = tf.contrib.slim.fully_connected(a, 4)
    c = tf.layers.dense(b, 3)
    d = tf.nn.rnn_cell.LSTMCell(3)
    return a, b, c, d

'''
SNIPPETS = {"calls": SCALE_SNIPPET, "inserts": SCALE_SNIPPET_INSERTS}


def scale(binary: str, sizes: list[int], timeout: int, snippet: str = "calls", flags: list[str] | None = None) -> int:
    print(f"snippet {snippet!r}, flags {' '.join(flags or []) or '(none)'}")
    work = tempfile.mkdtemp(prefix="hostile-scale-")
    print(f"{'lines':>8} {'bytes':>10} {'apply s':>9} {'ratio':>6} {'diff s':>9} {'ratio':>6}   (ratio: time / time of the size before)")
    prev = None
    try:
        for n in sizes:
            lines = ["import tensorflow as tf\n", "\n"]
            i = 0
            while len(lines) < n:
                lines.extend(SNIPPETS[snippet].format(i=i).splitlines(True))
                i += 1
            text = "".join(lines)  # whole snippets: a cut one would not parse
            path = os.path.join(work, f"big{n}.py")
            times = []
            for cmd in ("apply", "diff"):
                with open(path, "w") as fh:
                    fh.write(text)
                t0 = time.monotonic()
                try:
                    subprocess.run([binary, cmd, "-q"] + (flags or []) + [path], capture_output=True, timeout=timeout)
                    times.append(time.monotonic() - t0)
                except subprocess.TimeoutExpired:
                    times.append(None)
            def fmt(t):
                return f"{t:9.2f}" if t is not None else f"{'>' + str(timeout):>9}"
            def ratio(t, p):
                return f"{t / p:6.2f}" if t is not None and p is not None and p > 0 else f"{'-':>6}"
            r = (ratio(times[0], prev[0]), ratio(times[1], prev[1])) if prev else (f"{'-':>6}", f"{'-':>6}")
            print(f"{n:>8} {len(text):>10} {fmt(times[0])} {r[0]} {fmt(times[1])} {r[1]}", flush=True)
            prev = times
            if all(t is None for t in times):
                break
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("ratio = time(n) / time(n/2): about 2 is linear, about 4 is quadratic")
    return 0


def main() -> int:
    global RUN_TIMEOUT
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("fixture_dir", nargs="?")
    ap.add_argument("--only", help="only fixtures whose name contains this")
    ap.add_argument("--variant", action="append", help="only this variant label (repeatable), e.g. 'upgrade --unsafe'")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every failed check, not only the first")
    ap.add_argument("--scale", action="store_true", help="run the linear-time probe instead")
    ap.add_argument("--sizes", default="10000,20000,40000,80000,160000")
    ap.add_argument("--timeout", type=int, default=120, help="per run of the probe (seconds)")
    ap.add_argument("--snippet", choices=sorted(SNIPPETS), default="calls",
                    help="what the probe repeats: many call rewrites, or many requests for inserted lines")
    ap.add_argument("--unsafe", action="store_true", help="probe `apply --unsafe` / `diff --unsafe`")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    if args.scale:
        return scale(binary, [int(s) for s in args.sizes.split(",")], args.timeout, args.snippet,
                     ["--unsafe"] if args.unsafe else [])
    if not args.fixture_dir:
        ap.error("FIXTURE_DIR is required (or --scale)")
    return check_all(binary, args.fixture_dir, args.only, args.variant, args.verbose)


if __name__ == "__main__":
    sys.exit(main())
