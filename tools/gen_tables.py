#!/usr/bin/env python3
"""Generate tf2-migrate's migration tables from an installed TensorFlow.

Run it with the Python interpreter of a virtualenv that has TensorFlow 2.15
(the last release with Keras 2 as tf.keras and with tf.estimator):

    PY215/bin/python tools/gen_tables.py --out core/src/rules/data --removed-from PY221/bin/python

Generated tables (see tools/README.md for the meaning of each one):
  renames.tsv   v1 symbol -> TF2 name of the same object, or tf.compat.v1.<name>
  reorders.tsv  functions kept under their name whose positional order changed
  keywords.tsv  keyword renames/removals (derived from signatures + tools/keywords_curated.tsv)
  removed.tsv   names of the 2.15 API that a later TensorFlow (--removed-from) no longer has
With --api-dir tools/api it also records the API listings it checked against
(tensorflow-<version>.txt for both TensorFlows; the other packages' listings are gen_api.py's),
which tests/tables.rs uses to check the tables without TensorFlow.

Sources of truth: the tf_export metadata that TensorFlow attaches to every exported
object (_tf_api_names / _tf_api_names_v1, _keras_api_names(_v1), _estimator_api_names(_v1),
the modules' *_api_constants(_v1) lists, _tf_deprecated_api_names), the module trees of
tf.compat.v1 and tf.compat.v2 (what is really reachable), the signatures of the exported
callables, and the `deprecation.deprecated_argument_lookup("new", .., "old", ..)` calls in
their source.  Hand-written knowledge lives in tools/*_curated.tsv and is validated here.

Helper mode: `--dump-api FILE` writes this interpreter's TensorFlow API listing as JSON
(used through --removed-from, which runs this script with the other interpreter).

Python 3 standard library only (besides tensorflow itself).
"""

import argparse
import datetime  # noqa: F401  (kept out of the output on purpose: tables must be deterministic)
import inspect
import json
import os
import re
import subprocess
import sys
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apiwalk import tf_entries, tf_header, tf_walk, unwrap, walk, write_listing  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATOR = "tools/gen_tables.py"

# Parameter renames that TensorFlow 2 applied across many functions.  A rename is only
# used when the old name is missing from the v2 signature and the new one is present.
# Most renames are derived per function from `deprecated_argument_lookup` calls in the
# v1 source; this list covers v1 functions that spell the alias differently.
GENERIC_KEYWORD_RENAMES = {
    "keep_dims": "keepdims",
    "reduction_indices": "axis",
    "dimension": "axis",
    "squeeze_dims": "axis",
    "dim": "axis",
    "filter": "filters",
    "output_dtype": "dtype",
    "split_dim": "axis",
    "concat_dim": "axis",
}

# `deprecated_argument_lookup("new", new, "old", old)`: a pure alias only when the old
# parameter is passed through unchanged (dropout's keep_prob is converted first: no alias).
LOOKUP_RE = re.compile(
    r"deprecated_argument_lookup\(\s*['\"](\w+)['\"]\s*,\s*(\w+)\s*,\s*['\"](\w+)['\"]\s*,\s*(\w+)\s*\)")

# ----------------------------------------------------------------------------------
# Loading TensorFlow and walking its public module trees
# ----------------------------------------------------------------------------------

def import_tf():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import warnings
    warnings.filterwarnings("ignore")
    import tensorflow as tf  # noqa: E402
    try:
        tf.get_logger().setLevel("ERROR")
    except Exception:  # pragma: no cover
        pass
    try:
        from tensorflow.python.util import deprecation
        deprecation._PRINT_DEPRECATION_WARNINGS = False
    except Exception:  # pragma: no cover
        pass
    return tf


# ----------------------------------------------------------------------------------
# tf_export metadata
# ----------------------------------------------------------------------------------

def _prefixed(api, name):
    """Canonical `tf.` spelling of an exported name."""
    if api == "keras":  # keras_export names already start with "keras."
        return "tf." + name
    return "tf." + name


def v2_names(obj):
    """TF2 names (canonical first, deprecated endpoints last) from tf_export metadata."""
    target = unwrap(obj)
    d = getattr(target, "__dict__", None)
    if not isinstance(d, (dict, types.MappingProxyType)):
        return []
    names = []
    for api, attr in (("tensorflow", "_tf_api_names"), ("estimator", "_estimator_api_names"),
                      ("keras", "_keras_api_names")):
        if attr in d:
            names.extend(_prefixed(api, n) for n in d[attr])
    deprecated = set()
    for n in d.get("_tf_deprecated_api_names", ()):
        for m in ([n] if isinstance(n, str) else n):  # deprecated_endpoints(*names) or ([...])
            deprecated.add(_prefixed("tensorflow", m))
    return [n for n in names if n not in deprecated] + [n for n in names if n in deprecated]


def v1_names(obj):
    target = unwrap(obj)
    d = getattr(target, "__dict__", None)
    if not isinstance(d, (dict, types.MappingProxyType)):
        return []
    names = []
    for api, attr in (("tensorflow", "_tf_api_names_v1"), ("estimator", "_estimator_api_names_v1"),
                      ("keras", "_keras_api_names_v1")):
        if attr in d:
            names.extend(_prefixed(api, n) for n in d[attr])
    return names


def constant_exports():
    """v1 constant name -> list of v2 names of the same (module, attribute)."""
    result = {}
    v1_total = 0
    for mod in list(sys.modules.values()):
        d = getattr(mod, "__dict__", None)
        if not isinstance(d, dict):
            continue
        for api, a2, a1 in (("tensorflow", "_tf_api_constants", "_tf_api_constants_v1"),
                            ("estimator", "_estimator_api_constants", "_estimator_api_constants_v1"),
                            ("keras", "_keras_api_constants", "_keras_api_constants_v1")):
            if a1 not in d:
                continue
            v2_by_attr = {}
            for names, attr in d.get(a2, []):
                v2_by_attr.setdefault(attr, []).extend(_prefixed(api, n) for n in names)
            for names, attr in d[a1]:
                for n in names:
                    v1_total += 1
                    result.setdefault(_prefixed(api, n), []).extend(v2_by_attr.get(attr, []))
    return result, v1_total


# ----------------------------------------------------------------------------------
# Signatures
# ----------------------------------------------------------------------------------

class Sig:
    def __init__(self, obj):
        target = unwrap(obj)
        self.obj = target
        P = inspect.Parameter
        if inspect.isclass(target):
            # The constructor as written (inspect.signature(cls) may report a metaclass
            # __call__(*args, **kwargs) instead).
            init = unwrap(target.__init__)
            if init is object.__init__:
                params = []
            else:
                params = list(inspect.signature(init).parameters.values())[1:]
        else:
            params = list(inspect.signature(target, follow_wrapped=True).parameters.values())
        self.positional = [p.name for p in params if p.kind in (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD)]
        self.keywords = {p.name for p in params if p.kind in (P.POSITIONAL_OR_KEYWORD, P.KEYWORD_ONLY)}
        self.required = {p.name for p in params
                         if p.default is P.empty and p.kind not in (P.VAR_POSITIONAL, P.VAR_KEYWORD)}
        self.var_pos = any(p.kind == P.VAR_POSITIONAL for p in params)
        self.var_kw = any(p.kind == P.VAR_KEYWORD for p in params)
        self.all = self.positional + sorted(self.keywords - set(self.positional))

    def lookups(self):
        """old -> new from `deprecated_argument_lookup("new", new, "old", old)` in the source."""
        found = {}
        src_objs = [self.obj.__init__] if inspect.isclass(self.obj) else [self.obj]
        for o in src_objs:
            try:
                src = inspect.getsource(o)
            except (OSError, TypeError):
                continue
            for new, new_val, old, old_val in LOOKUP_RE.findall(src):
                if new == new_val and old == old_val:
                    found.setdefault(old, new)
        return found


def signature(obj):
    try:
        return Sig(obj)
    except (TypeError, ValueError):
        return None


def lost_class_constants(c1, c2):
    """Public non-callable class attributes (enum values, constants) of v1 missing in v2."""
    c1, c2 = unwrap(c1), unwrap(c2)
    lost = []
    for k in dir(c1):
        if k.startswith("_") or hasattr(c2, k):
            continue
        try:
            v = inspect.getattr_static(c1, k)
        except AttributeError:
            continue
        if callable(v) or isinstance(v, (property, staticmethod, classmethod)):
            continue
        lost.append(k)
    return sorted(lost)


def compare(name, v1obj, v2obj, curated_kw, alias_of=None):
    """Can every v1 call of `name` be served by v2obj after keyword fixes?

    Returns (ok, keyword_rows, reorder_or_None, reasons).
    """
    s1, s2 = signature(v1obj), signature(v2obj)
    if s1 is None or s2 is None:
        return False, [], None, ["signature unavailable"]
    derived = s1.lookups()
    curated = dict(curated_kw.get(alias_of, {})) if alias_of else {}
    curated.update(curated_kw.get(name, {}))
    rows, reasons = [], []
    mapped = {}
    for k in s1.all:
        if k in ("self", "cls"):
            continue
        if k in curated:
            new = curated[k]
            if new is not None and new not in s2.keywords:
                raise SystemExit("curated keyword %s(%s -> %s): %s is not a v2 parameter" % (name, k, new, new))
            rows.append((name, k, new))
            if new:
                mapped[k] = new
            continue
        if k in s2.keywords:
            mapped[k] = k
            continue
        new = derived.get(k) or GENERIC_KEYWORD_RENAMES.get(k)
        if new and new in s2.keywords:
            rows.append((name, k, new))
            mapped[k] = new
            continue
        reasons.append("v1 parameter %r missing in v2" % k)
    if s1.var_pos and not s2.var_pos:
        reasons.append("v1 takes *args")
    if s1.var_kw and not s2.var_kw:
        reasons.append("v1 takes **kwargs")
    targets = set(mapped.values())
    for r in sorted(s2.required):
        if r not in targets and r not in ("self", "cls"):
            reasons.append("v2 requires %r" % r)
    p1 = [p for p in s1.positional if p not in ("self", "cls")]
    p2 = [p for p in s2.positional if p not in ("self", "cls")]
    # A row is needed only if some v1 positional argument would land on another v2
    # parameter; a pure rename at the same position (dimension -> axis) needs none.
    m1 = [mapped.get(p, "\0" + p) for p in p1]
    reorder = None if p2[:len(m1)] == m1 else (p1, p2)
    return not reasons, rows, reorder, reasons


# ----------------------------------------------------------------------------------
# Curated inputs
# ----------------------------------------------------------------------------------

def read_tsv(path):
    rows = []
    if not os.path.exists(path):
        return rows
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            rows.append([c.strip() for c in line.split("\t")])
    return rows


def load_curated_keywords():
    out = {}
    for r in read_tsv(os.path.join(HERE, "keywords_curated.tsv")):
        if len(r) < 4:
            raise SystemExit("keywords_curated.tsv: need function, old, new|-, reason: %r" % r)
        out.setdefault(r[0], {})[r[1]] = None if r[2] == "-" else r[2]
    return out


def load_curated_renames():
    out = {}
    for r in read_tsv(os.path.join(HERE, "renames_curated.tsv")):
        if len(r) < 3:
            raise SystemExit("renames_curated.tsv: need v1 symbol, replacement, reason: %r" % r)
        out[r[0]] = r[0] if r[1] == "=" else r[1]
    return out


def load_tf0_renames():
    out = {}
    for r in read_tsv(os.path.join(HERE, "renames_tf0.tsv")):
        if len(r) < 3:
            raise SystemExit("renames_tf0.tsv: need TF 0.x symbol, TF 1.0 name, reason: %r" % r)
        keywords = [tuple(k.split(">")) for k in (r[3].split(",") if len(r) > 3 else []) if k]
        out[r[0]] = (r[1], keywords)
    return out


# ----------------------------------------------------------------------------------
# Table construction
# ----------------------------------------------------------------------------------

def resolve(tf, dotted):
    obj = tf
    for part in dotted.split(".")[1:]:
        obj = getattr(obj, part)
    return obj


def same(a, b):
    if a is b:
        return True
    ua, ub = unwrap(a), unwrap(b)
    if ua is ub:
        return True
    if callable(a) or isinstance(a, types.ModuleType) or callable(b) or isinstance(b, types.ModuleType):
        return False
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:
        return False


def api_family(name):
    """tf.keras / tf.estimator / core TensorFlow: successors are not sought across families."""
    for fam in ("tf.keras", "tf.estimator"):
        if name == fam or name.startswith(fam + "."):
            return fam
    return "tf"


def is_module(o):
    return isinstance(o, types.ModuleType)


def build(tf, log):
    v1 = walk(tf.compat.v1, "tf")
    v2 = walk(tf.compat.v2, "tf")
    log("walked %d v1 paths, %d v2 paths" % (len(v1), len(v2)))
    consts, n_const_v1 = constant_exports()
    curated_kw = load_curated_keywords()
    curated_renames = load_curated_renames()

    # identity -> v2 paths, for objects whose metadata does not name a live v2 path
    by_id = {}
    for p, o in v2.items():
        if is_module(o) or not (callable(o) or inspect.isclass(o)):
            continue
        by_id.setdefault(id(unwrap(o)), []).append(p)

    renames = {}      # v1 name -> (replacement, kind)
    reorders = {}     # v1 name -> (v1 params, v2 params)
    keywords = {}     # (function, old) -> new or None
    decisions = {}    # v1 name kept under its name despite being a different object -> reasons
    stats = {"v1_paths": len(v1), "v2_paths": len(v2), "v1_constants": n_const_v1}

    def same_object_v2_name(path, obj):
        """The TF2 name of this very object (canonical per tf_export), if any."""
        if inspect.isclass(obj) or callable(obj):
            cands = [n for n in v2_names(obj) if n in v2 and same(v2[n], obj)]
            if not cands:
                cands = sorted(by_id.get(id(unwrap(obj)), []), key=lambda n: (n.count("."), len(n), n))
        else:
            cands = [n for n in consts.get(path, []) if n in v2 and same(v2[n], obj)]
            if not cands and not isinstance(obj, (str, bytes, int, float, bool, tuple, type(None))):
                # singletons such as DTypes exported under several names
                last = path.rsplit(".", 1)[1].lower()
                cands = sorted((n for n, o in v2.items() if o is obj),
                               key=lambda n: (n.rsplit(".", 1)[1] != last, n.count("."), len(n), n))
        cands = [c for c in cands if c != path]
        cands = [c for c in cands if not c.startswith("tf.compat.")] or cands
        return cands[0] if cands else None

    def record(path, kw_rows, reorder):
        for f, old, new in kw_rows:
            keywords[(f, old)] = new
        if reorder:
            reorders[path] = reorder

    # Pass 1: modules, and v1 names that also exist in TF2.
    gone = []
    for path in sorted(v1):
        if path == "tf" or path.startswith("tf.contrib") or path.startswith("tf.compat."):
            continue
        obj = v1[path]
        if is_module(obj):
            if not is_module(v2.get(path)):
                renames[path] = ("tf.compat.v1." + path[3:], "compat")
            continue
        if path in curated_renames:
            continue
        if path not in v2:
            gone.append(path)
            continue
        if same(obj, v2[path]):
            continue
        # Same name, different object: keep the name only if v2 accepts every v1 call.
        if callable(obj) and callable(v2[path]):
            ok, kw_rows, reorder, reasons = compare(path, obj, v2[path], curated_kw)
            if ok and inspect.isclass(unwrap(obj)):
                lost = lost_class_constants(obj, v2[path])
                if lost:
                    ok, reasons = False, ["class constants missing in v2: " + ", ".join(lost)]
        else:
            ok, kw_rows, reorder, reasons = False, [], None, ["not a callable in both"]
        if ok:
            record(path, kw_rows, reorder)
            decisions[path] = "kept"
            continue
        alt = same_object_v2_name(path, obj)
        if alt:
            renames[path] = (alt, "v2")
            decisions[path] = "v2 name of the same object (%s); same name differs: %s" % (alt, "; ".join(reasons))
        else:
            renames[path] = ("tf.compat.v1." + path[3:], "compat")
            decisions[path] = "compat: " + "; ".join(reasons)

    # Pass 2: v1 names that are gone.  Same object under a TF2 name, else another v1 name of
    # the same object that pass 1 kept (tf.count_nonzero -> tf.math.count_nonzero, whose TF2
    # function takes every v1 call after keywords.tsv), else tf.compat.v1.
    for path in gone:
        obj = v1[path]
        alt = same_object_v2_name(path, obj)
        if alt:
            renames[path] = (alt, "v2")
            continue
        kept = [n for n in v1_names(obj) if decisions.get(n) == "kept" and same(v1[n], obj)
                and api_family(n) == api_family(path)] \
            if (callable(obj) or inspect.isclass(obj)) else []
        if kept:
            target = kept[0]
            ok, kw_rows, reorder, reasons = compare(path, obj, v2[target], curated_kw, alias_of=target)
            assert ok, (path, target, reasons)
            record(path, kw_rows, reorder)
            renames[path] = (target, "v2")
            decisions[path] = "v2 successor under another v1 name (%s)" % target
            continue
        renames[path] = ("tf.compat.v1." + path[3:], "compat")

    # Curated renames to a different TF2 object: validate and derive keywords/reorders.
    for path, target in sorted(curated_renames.items()):
        if path not in v1:
            raise SystemExit("renames_curated.tsv: %s is not a v1 symbol" % path)
        if target == path:  # keep the v1 name: no row
            decisions[path] = "kept (curated)"
            continue
        try:
            tobj = resolve(tf, target)
        except AttributeError:
            raise SystemExit("renames_curated.tsv: %s -> %s does not resolve" % (path, target))
        ok, kw_rows, reorder, reasons = compare(path, v1[path], tobj, curated_kw)
        if not ok:
            raise SystemExit("renames_curated.tsv: %s -> %s cannot take every v1 call: %s"
                             % (path, target, "; ".join(reasons)))
        renames[path] = (target, "curated")
        for f, old, new in kw_rows:
            keywords[(f, old)] = new
        if reorder:
            reorders[path] = reorder

    # TensorFlow 0.x names (gone in 1.0): where their TensorFlow 1.0 name goes.
    for path, (tf1, tf0_keywords) in sorted(load_tf0_renames().items()):
        if path in v1:
            raise SystemExit("renames_tf0.tsv: %s is still a v1 symbol" % path)
        if tf1 not in v1:
            raise SystemExit("renames_tf0.tsv: %s -> %s is not a v1 symbol" % (path, tf1))
        target = renames[tf1][0] if tf1 in renames else tf1
        if target == tf1 and tf1 not in v2:
            raise SystemExit("renames_tf0.tsv: %s -> %s has no TF2 destination" % (path, tf1))
        renames[path] = (target, "tf0")
        stats["tf0"] = stats.get("tf0", 0) + 1
        for old, new in tf0_keywords:
            s = signature(resolve(tf, target))
            if s is None or new not in s.keywords:
                raise SystemExit("renames_tf0.tsv: %s has no parameter %s" % (target, new))
            keywords[(path, old)] = new
            keywords[(tf1, old)] = new

    # Functions whose TF2 object is the v1 object (same name or renamed) but which still
    # accept deprecated keyword aliases (`deprecated_argument_lookup`): modernise the keyword.
    for path in sorted(v1):
        if path.startswith(("tf.compat.", "tf.contrib")) or path in curated_renames:
            continue
        obj = v1[path]
        if is_module(obj) or not callable(obj) or inspect.isclass(unwrap(obj)):
            continue
        target = renames.get(path, (path, None))[0]
        if target.startswith("tf.compat.v1.") or target not in v2 or not same(v2[target], obj):
            continue
        s = signature(obj)
        if s is None:
            continue
        for old, new in sorted(s.lookups().items()):
            if old in s.keywords and new in s.keywords and (path, old) not in keywords:
                keywords[(path, old)] = new
                stats["deprecated_aliases"] = stats.get("deprecated_aliases", 0) + 1

    # Curated keyword rows for names that survive unchanged (same object): validate, merge.
    for fname, kws in curated_kw.items():
        for old, new in kws.items():
            if (fname, old) in keywords:
                continue
            if fname not in v1:
                raise SystemExit("keywords_curated.tsv: %s is not a v1 symbol" % fname)
            target = renames.get(fname, (fname, "same"))[0]
            if target.startswith("tf.compat.v1."):
                raise SystemExit("keywords_curated.tsv: %s maps to %s; keyword row is useless"
                                 % (fname, target))
            s = signature(resolve(tf, target))
            if s is not None and new is not None and new not in s.keywords:
                raise SystemExit("keywords_curated.tsv: %s has no parameter %s" % (target, new))
            keywords[(fname, old)] = new

    # Drop rows implied by a shorter (module) row, longest prefix first.
    def implied(name):
        parts = name.split(".")
        for i in range(len(parts) - 1, 1, -1):
            prefix = ".".join(parts[:i])
            if prefix in renames:
                return renames[prefix][0] + name[len(prefix):]
        return None

    tight = {}
    for name in sorted(renames):
        repl, kind = renames[name]
        if implied(name) == repl:
            continue
        tight[name] = (repl, kind)
    stats["dropped_implied"] = len(renames) - len(tight)

    # Fail loudly if a replacement does not resolve on this TensorFlow.
    bad = []
    for name, (repl, _) in tight.items():
        if repl.startswith("tf."):
            try:
                resolve(tf, repl)
            except AttributeError:
                bad.append((name, repl))
    if bad:
        raise SystemExit("replacements that do not resolve on tensorflow %s:\n%s"
                         % (tf.__version__, "\n".join("  %s -> %s" % b for b in bad)))
    for path in reorders:
        resolve(tf, renames.get(path, (path,))[0])
    return tight, reorders, keywords, decisions, stats


# ----------------------------------------------------------------------------------
# Output
# ----------------------------------------------------------------------------------

def write_table(out_dir, name, header, rows, key_width=1):
    rows = [tuple("-" if (c is None or c == "") else str(c) for c in r) for r in rows]
    rows.sort(key=lambda r: "\t".join(r))
    keys = ["\t".join(r[:key_width]) for r in rows]
    assert len(set(keys)) == len(keys), "duplicate keys in %s" % name
    for r in rows:
        for c in r:
            assert "\t" not in c and "\n" not in c, r
    lines = ["# table: %s" % name.split(".")[0]]
    lines += ["# %s: %s" % kv for kv in header]
    lines.append("# rows: %d" % len(rows))
    lines += ["\t".join(r) for r in rows]
    with open(os.path.join(out_dir, name), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


def write_api_list(api_dir, version, entries):
    """tools/api/tensorflow-<version>.txt: the API listing the tables were checked against,
    so that `cargo test` (tests/tables.rs) can check them without TensorFlow (format: the
    docstring of tools/apiwalk.py).  `entries` maps each name to [kind, extra]."""
    write_listing(os.path.join(api_dir, "tensorflow-%s.txt" % version), tf_header([("tensorflow", version)]),
                  {k: tuple(v) for k, v in entries.items()})


def importable(path):
    """`import path` or `from parent import last` works in this interpreter."""
    import importlib
    try:
        importlib.import_module(path)
        return True
    except Exception:
        pass
    parent, _, last = path.rpartition(".")
    try:
        return hasattr(importlib.import_module(parent), last) if parent else False
    except Exception:
        return False


def keras_targets(table):
    return sorted({r[1] for r in read_tsv(table) if len(r) > 1 and r[1] != "-"})


def dump_api(path, keras_table=None):
    import contextlib
    with contextlib.redirect_stdout(sys.stderr):  # stdout carries the JSON only
        tf = import_tf()
        objects = tf_walk(tf)
        data = {"tensorflow": tf.__version__, "names": sorted(objects)}
        if keras_table:
            data["keras_importable"] = {t: importable(t) for t in keras_targets(keras_table)}
        # The full listing (kinds, signatures, private modules) for --api-dir; last, because
        # it imports every module it lists.
        data["entries"] = tf_entries(tf, objects)
    text = json.dumps(data, indent=0, sort_keys=True)
    if path == "-":
        sys.stdout.write(text)
    else:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def load_other_api(python, keras_table):
    res = subprocess.run([python, os.path.abspath(__file__), "--dump-api", "-", "--keras-table", keras_table],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True)
    return json.loads(res.stdout.decode("utf-8"))


def removed_rows(tf, mine, other, history):
    """Top-most names of this TF's API listing `mine` (tf.* and tf.compat.v1.*) missing from `other`."""
    gone = sorted(set(mine) - set(other["names"]))
    gone_set = set(gone)
    rows = []
    newer = ".".join(other["tensorflow"].split(".")[:2])
    for n in gone:
        parts = n.split(".")
        if any(".".join(parts[:i]) in gone_set for i in range(2, len(parts))):
            continue
        rows.append((n, removal_version(tf, n, newer, history)))
    return rows


WHEEL_IMPORT_RE = re.compile(r"^from\s+(\S+)\s+import\s+(\w+)(?:\s+as\s+(\w+))?", re.M)


def wheel_listing(path):
    """(version, {module: members}) read statically from a tensorflow wheel's generated
    tensorflow/_api/v2/**/__init__.py files (no install, no import).  Lazily loaded
    packages (keras, estimator) and tensorboard's tf.summary are not visible this way."""
    import zipfile
    m = re.search(r"tensorflow(?:_cpu)?-(\d+\.\d+)\.", os.path.basename(path))
    if not m:
        raise SystemExit("--history: cannot read a TensorFlow version from %s" % path)
    listing = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not (name.startswith("tensorflow/_api/v2/") and name.endswith("/__init__.py")):
                continue
            rel = name[len("tensorflow/_api/v2/"):-len("/__init__.py")]
            if rel.startswith("compat/v2") or "__internal__" in rel:
                continue
            module = "tf" + ("." + rel.replace("/", ".") if rel else "")
            text = z.read(name).decode("utf-8", "replace")
            listing[module] = {alias or member for _, member, alias in WHEEL_IMPORT_RE.findall(text)}
    return m.group(1), listing


def present(listing, name):
    parts = name.split(".")
    for i in range(1, len(parts)):
        if parts[i] not in listing.get(".".join(parts[:i]), ()):
            return False
    return True


def removal_version(tf, name, newer, history):
    """2.16 for what the 2.16 release removed wholesale (release notes: tf.keras became
    Keras 3, tf.estimator was dropped); the object's defining package tells.  Anything
    else: the first --history wheel whose API lacks it, else NEWER (gone by then)."""
    try:
        obj = resolve(tf, name)
    except AttributeError:
        obj = None
    origin = getattr(obj, "__name__", "") if is_module(obj) else getattr(unwrap(obj), "__module__", "")
    origin = origin or ""
    if origin.split(".")[0] in ("keras", "tf_keras", "tensorflow_estimator") \
            or any(name == p or name.startswith(p + ".") for p in
                   ("tf.keras", "tf.compat.v1.keras", "tf.estimator", "tf.compat.v1.estimator")):
        return "2.16"
    for version, listing in history:
        if not present(listing, name):
            return version
    return newer


def compare_upgrade_v2(renames, reorders, keywords, log):
    """Agreement with the tables of TensorFlow's own tf_upgrade_v2 (for tools/README.md).
    Reads them from the installed tensorflow; nothing of theirs is written to our tables."""
    from tensorflow.tools.compatibility import tf_upgrade_v2
    spec = tf_upgrade_v2.TFAPIChangeSpec()
    theirs = {k: v for k, v in spec.symbol_renames.items()
              if k.startswith("tf.") and not k.startswith("tf.contrib")}
    ours = {k: v[0] for k, v in renames.items()}

    def effective(name):  # what the engine's longest-prefix match does with `name`
        parts = name.split(".")
        for i in range(len(parts), 1, -1):
            p = ".".join(parts[:i])
            if p in ours:
                return ours[p] + name[len(p):]
        return name

    same = sum(1 for k, v in theirs.items() if effective(k) == v)
    kept = sorted(k for k, v in theirs.items() if effective(k) == k)
    other = sorted(k for k, v in theirs.items() if effective(k) not in (v, k))
    extra = sorted(k for k in ours if k not in theirs)
    n_compat = sum(1 for v in theirs.values() if v.startswith("tf.compat.v1."))
    log("tf_upgrade_v2 renames (tf.*, no contrib): %d (%d to compat.v1); ours resolve %d identically, "
        "%d differently, leave %d unchanged; %d of our rows are names they lack"
        % (len(theirs), n_compat, same, len(other), len(kept), len(extra)))
    for k in other:
        log("  differ: %s -> ours %s, theirs %s" % (k, effective(k), theirs[k]))
    for k in kept:
        log("  unchanged by us: %s (theirs %s)" % (k, theirs[k]))
    for k in extra:
        log("  only ours: %s -> %s" % (k, ours[k]))
    kw_theirs = {(f, o): n for f, d in spec.function_keyword_renames.items()
                 for o, n in d.items() if f.startswith("tf.") and not f.startswith("tf.contrib")}
    kw_same = sum(1 for k, n in kw_theirs.items() if k in keywords and keywords[k] == n)
    kw_missing = sorted(k for k in kw_theirs if k not in keywords)
    log("tf_upgrade_v2 keyword changes: %d over %d functions; ours: %d over %d functions; "
        "identical %d, theirs not in ours %d"
        % (len(kw_theirs), len({f for f, _ in kw_theirs}), len(keywords),
           len({f for f, _ in keywords}), kw_same, len(kw_missing)))
    for f, o in kw_missing:
        log("  keyword only theirs: %s %s -> %s (ours renames %s to %s)"
            % (f, o, kw_theirs[(f, o)], f, effective(f)))
    ro_theirs = {k: v for k, v in spec.function_reorders.items()
                 if k.startswith("tf.") and not k.startswith("tf.contrib")}
    def same_order(theirs_v1, ours_v1):  # they write None for leading, unchanged parameters
        return len(theirs_v1) == len(ours_v1) and all(a is None or a == b for a, b in zip(theirs_v1, ours_v1))

    ro_same = sum(1 for k, v in ro_theirs.items() if k in reorders and same_order(list(v), reorders[k][0]))
    ro_compat = sum(1 for k in ro_theirs if k not in reorders and effective(k).startswith("tf.compat.v1."))
    log("tf_upgrade_v2 reorders: %d; ours %d; same function with the same v1 order %d; "
        "theirs not in ours %d (of which %d because we map the name to tf.compat.v1)"
        % (len(ro_theirs), len(reorders), ro_same,
           len([k for k in ro_theirs if k not in reorders]), ro_compat))
    for k in sorted(ro_theirs):
        if k not in reorders:
            log("  reorder only theirs: %s (ours renames to %s)" % (k, effective(k)))


def verify_curated(tf, out_dir, log):
    """Check the curated tables against this TensorFlow; returns problems (fatal)."""
    import importlib
    problems = []
    v1 = tf.compat.v1

    def resolves(root, dotted):
        try:
            resolve(root, dotted)
            return True
        except AttributeError:
            return False

    skipped = set()
    for r in read_tsv(os.path.join(out_dir, "contrib.tsv")):
        repl = r[1]
        if repl == "-":
            continue
        if repl.startswith("tf."):
            if not resolves(tf, repl):
                problems.append("contrib.tsv: %s -> %s does not resolve" % (r[0], repl))
            continue
        top, _, rest = repl.partition(".")
        try:
            obj = importlib.import_module(top)
        except ImportError:
            skipped.add(top)
            continue
        try:
            for part in rest.split(".") if rest else []:
                obj = getattr(obj, part)
        except AttributeError:
            problems.append("contrib.tsv: %s -> %s does not resolve" % (r[0], repl))
    if skipped:
        log("contrib.tsv: not installed here, not checked: %s" % ", ".join(sorted(skipped)))
    for t in keras_targets(os.path.join(out_dir, "keras_modules.tsv")):
        if not importable(t):
            problems.append("keras_modules.tsv: %s is not importable on tensorflow %s" % (t, tf.__version__))
    for r in read_tsv(os.path.join(out_dir, "graph_mode.tsv")):
        if not resolves(v1, r[0]):
            problems.append("graph_mode.tsv: %s is not a TF1 symbol" % r[0])
    for r in read_tsv(os.path.join(out_dir, "notes.tsv")):
        k = r[0]
        if k == "tf.python" or k.startswith("tf.python."):  # private modules: importable?
            if not importable("tensorflow" + k[2:]):
                problems.append("notes.tsv: %s is not an importable private module" % k)
            continue
        if k.startswith("tf.") and not k.startswith("tf.contrib") \
                and not resolves(v1, k) and not resolves(tf.compat.v2, k):
            problems.append("notes.tsv: %s is neither a TF1 nor a TF2 name" % k)
    return problems


TABLE_SHAPES = {  # file: (fields, key width) -- mirrors the checks of src/rules/table.rs
    "renames.tsv": (3, 1), "reorders.tsv": (3, 1), "keywords.tsv": (3, 2), "removed.tsv": (2, 1),
    "notes.tsv": (3, 1), "contrib.tsv": (4, 1), "keras_modules.tsv": (2, 1), "graph_mode.tsv": (2, 1),
    "native.tsv": (6, 1), "namespaces.tsv": (3, 1),
}


def check_tables(out_dir):
    """Format check of every table: header provenance, field counts, sorted unique keys."""
    problems = []
    for name, (width, key_width) in sorted(TABLE_SHAPES.items()):
        path = os.path.join(out_dir, name)
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        header, body, seen_data = {}, [], False
        for i, line in enumerate(lines, 1):
            if not line.strip():
                continue
            if line.startswith("#"):
                if seen_data:
                    problems.append("%s:%d: comment after data" % (name, i))
                k, sep, v = line.lstrip("#").strip().partition(": ")
                if sep:
                    header[k] = v
                continue
            seen_data = True
            cols = line.split("\t")
            if len(cols) != width or any(not c.strip() or c != c.strip() for c in cols):
                problems.append("%s:%d: want %d non-empty trimmed fields: %r" % (name, i, width, line))
            body.append("\t".join(cols[:key_width]))
        for k in ("table", "columns", "source"):
            if k not in header:
                problems.append("%s: header lacks '# %s: '" % (name, k))
        if "rows" in header and header["rows"] != str(len(body)):
            problems.append("%s: '# rows: %s' but %d rows" % (name, header["rows"], len(body)))
        for a, b in zip(body, body[1:]):
            if not a < b:
                problems.append("%s: not sorted/unique: %r then %r" % (name, a, b))
        if not body:
            problems.append("%s: empty" % name)
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", help="output directory (core/src/rules/data)")
    ap.add_argument("--removed-from", metavar="PYTHON",
                    help="interpreter of a newer TensorFlow; writes removed.tsv")
    ap.add_argument("--history", metavar="WHEEL", nargs="*",
                    help="tensorflow(-cpu) wheels of releases in between, to date removals")
    ap.add_argument("--keras-table", metavar="TSV", help=argparse.SUPPRESS)
    ap.add_argument("--dump-api", metavar="FILE", help="write this TensorFlow's API listing as JSON and exit")
    ap.add_argument("--decisions", metavar="FILE", help="write the same-name/different-object decisions")
    ap.add_argument("--api-dir", metavar="DIR",
                    help="write the API listings (tools/api): tensorflow-<version>.txt for this "
                         "TensorFlow and --removed-from's")
    ap.add_argument("--check", action="store_true",
                    help="only check the format of every table in --out (no TensorFlow needed)")
    ap.add_argument("--compare-upgrade-v2", action="store_true",
                    help="print agreement with tf_upgrade_v2's tables (stderr)")
    args = ap.parse_args()
    if args.dump_api:
        dump_api(args.dump_api, args.keras_table)
        return
    if not args.out:
        ap.error("--out is required")
    if args.check:
        problems = check_tables(args.out)
        for p in problems:
            sys.stderr.write("gen_tables: %s\n" % p)
        sys.exit(1 if problems else 0)

    def log(msg):
        sys.stderr.write("gen_tables: %s\n" % msg)

    tf = import_tf()
    version = tf.__version__
    renames, reorders, keywords, decisions, stats = build(tf, log)
    src = "generated by %s from tensorflow %s" % (GENERATOR, version)

    other = None
    if args.removed_from:
        other = load_other_api(args.removed_from, os.path.join(args.out, "keras_modules.tsv"))
        log("other API: tensorflow %s, %d names" % (other["tensorflow"], len(other["names"])))
        bad = sorted(t for t, ok in other.get("keras_importable", {}).items() if not ok)
        log("keras_modules.tsv targets not importable on tensorflow %s: %s"
            % (other["tensorflow"], ", ".join(bad) or "none"))
    # This TensorFlow's listing, taken like the other one in a fresh interpreter: walking
    # after build() would also see attributes that lazy loading attached on the way
    # (tf.compat.v1.rnn_cell appears once tf.compat.v1.nn.rnn_cell has been loaded).
    mine = mine_entries = None
    if other or args.api_dir:
        dumped = load_other_api(sys.executable, os.path.join(args.out, "keras_modules.tsv"))
        mine, mine_entries = dumped["names"], dumped["entries"]
    missing_later = []
    n_kept_v1 = 0
    if other:
        theirs = set(other["names"])
        for name, (repl, kind) in sorted(renames.items()):
            if repl.startswith("tf.") and repl not in theirs:
                # The TF2 name is gone later (tf.estimator.SessionRunArgs) but the v1 name of
                # the same object lives on in tf.compat.v1 there: that one runs on both.
                v1_name = "tf.compat.v1." + name[3:]
                if kind == "v2" and v1_name in theirs:
                    renames[name] = (v1_name, "compat")
                    n_kept_v1 += 1
                    continue
                missing_later.append(name)

    n_v2 = sum(1 for r in renames.values() if r[1] == "v2")
    n_compat = sum(1 for r in renames.values() if r[1] == "compat")
    header = [
        ("columns", "v1 symbol, replacement, kind (v2 = same object under its TF2 name; "
                    "compat = tf.compat.v1 fallback; curated = tools/renames_curated.tsv; "
                    "tf0 = a TensorFlow 0.x name, to where its 1.0 name goes: tools/renames_tf0.tsv)"),
        ("source", src + " (tf_export metadata, module trees of tf.compat.v1 and tf.compat.v2, "
                         "signatures) + tools/renames_curated.tsv + tools/renames_tf0.tsv"),
        ("counts", "v2=%d compat=%d curated=%d tf0=%d (rows implied by a module row omitted: %d)"
         % (n_v2, n_compat, len(renames) - n_v2 - n_compat - stats.get("tf0", 0), stats.get("tf0", 0),
            stats["dropped_implied"])),
        ("check", "every tf.* replacement resolves on tensorflow %s" % version),
    ]
    if other:
        header.append(("compat-for-%s" % other["tensorflow"],
                       "%d v2 names gone in tensorflow %s whose tf.compat.v1 name remains: mapped to that"
                       % (n_kept_v1, other["tensorflow"])))
        header.append(("missing-in-%s" % other["tensorflow"],
                       "%d replacements (see removed.tsv): %s"
                       % (len(missing_later), ", ".join(sorted(missing_later)[:12])
                          + (" ..." if len(missing_later) > 12 else ""))))
    write_table(args.out, "renames.tsv", header,
                [(k, v[0], v[1]) for k, v in renames.items()])

    write_table(args.out, "reorders.tsv", [
        ("columns", "function (v1 name), v1 positional parameters, v2 positional parameters"),
        ("source", src + " (inspect.signature of v1 vs v2 object; functions kept under their "
                         "name or curated-renamed)"),
    ], [(k, ",".join(a), ",".join(b)) for k, (a, b) in reorders.items()])

    write_table(args.out, "keywords.tsv", [
        ("columns", "function (v1 name), v1 keyword, v2 keyword (- = removed)"),
        ("source", src + " (signatures + deprecated_argument_lookup calls) merged with "
                         "tools/keywords_curated.tsv"),
    ], [(f, old, new) for (f, old), new in keywords.items()], key_width=2)

    if other:
        history = sorted((wheel_listing(w) for w in args.history or []),
                         key=lambda h: tuple(int(x) for x in h[0].split(".")))
        rows = removed_rows(tf, mine, other, history)
        write_table(args.out, "removed.tsv", [
            ("columns", "symbol or module (top-most removed prefix), TF version that removed it"),
            ("source", "%s: API listing (module walk of tf.* and tf.compat.v1.*) of tensorflow "
                       "%s minus that of tensorflow %s" % (src, version, other["tensorflow"])),
            ("versions", "2.16 = defined by keras or tensorflow_estimator in %s (2.16 made Keras 3 "
                         "tf.keras and dropped tf.estimator); else the first of the tensorflow "
                         "wheels %s whose generated API lacks it, else %s (gone by then)"
             % (version, ", ".join(h[0] for h in history) or "(none given)",
                ".".join(other["tensorflow"].split(".")[:2]))),
        ], rows)

    if args.api_dir:
        write_api_list(args.api_dir, version, mine_entries)
        if other:
            write_api_list(args.api_dir, other["tensorflow"], other["entries"])

    if args.decisions:
        with open(args.decisions, "w", encoding="utf-8") as f:
            for k in sorted(decisions):
                f.write("%s\t%s\n" % (k, decisions[k]))
    log("renames %d, reorders %d, keywords %d" % (len(renames), len(reorders), len(keywords)))
    if args.compare_upgrade_v2:
        compare_upgrade_v2(renames, reorders, keywords, log)
    problems = check_tables(args.out) + verify_curated(tf, args.out, log)
    if problems:
        raise SystemExit("table check failed:\n" + "\n".join(problems))


if __name__ == "__main__":
    main()
