#!/usr/bin/env python3
"""Generate numpy2.tsv: NumPy 1.x names that NumPy 2 removed or deprecated, with their
replacements, from what the installed NumPy 2 records about them.

    PY221/bin/python tools/gen_numpy2.py --out core/src/rules/data [--numpy1 PY215/bin/python]

Sources, in this order (the first one that names a key wins):
  1. numpy.__former_attrs__ (np.float, np.int, np.object, np.str, np.complex): the builtin,
     `safe` where NumPy's message says the change "is safe".
  2. numpy._expired_attrs_2_0.__expired_attributes__: the `np.X` the message names; `safe`
     when the message says the name is still available elsewhere (the same object), else
     `review`; `-` when the message names no replacement.
  3. the names that the __getattr__ of numpy and numpy.lib handle (read from their source
     with ast, then asked): removed ones (AttributeError: `numpy.array_api`, `numpy.lib.emath`,
     `numpy.lib.function_base`...) and deprecated ones (DeprecationWarning: `numpy.chararray`,
     `numpy.lib.math`), whose replacement is the public path of the object they return.
  4. numpy.core (a deprecated alias of the private numpy._core): `numpy.core.X` -> `numpy.X`
     where that is the same object; the numpy.core submodules themselves -> `-`.
With --numpy1 (an interpreter with NumPy 1.x), also:
  5. names of NumPy 1.x's main namespace (with its __deprecated_attrs__: np.bool8, np.int0) and
     of numpy.lib (np.lib.pad) that NumPy 2 lacks and records nothing about
     (np.product, np.NAN, np.RankWarning...): the NumPy 2 name of the same NumPy 1 object, else
     of the function it forwards to, else the name its deprecation text recommends (`review`),
     else a class of the same name in numpy.exceptions/lib/char/rec (`review`), else `-`;
  and a `review` row of 1./2. becomes `safe` when NumPy 1's old object is the replacement
  object (np.float_ is np.float64) or a wrapper that only forwards to it (np.alltrue).
  6. tools/numpy2_curated.tsv: names NumPy removed before 1.26 (np.asscalar, np.rank), which
     neither NumPy records any more; a replacement `.item()` is a method of the first argument.
     Also calls of another shape, for names whose row would have no replacement
     (`numpy.in1d` -> `numpy.isin(ar1>element, ar2>test_elements, assume_unique, invert,
     kind).ravel()`): checked against both NumPys' signatures (see check_template).
Every replacement is checked to resolve in NumPy 2 (a numpy.* path, a builtin, a stdlib
module, or a method of numpy.ndarray).  Output: sorted, unique keys, `# source:` provenance,
no dates.

Helper mode: `--dump-numpy1 FILE` writes this interpreter's NumPy 1 facts as JSON.
Python 3 standard library only (besides numpy).
"""

import argparse
import ast
import builtins
import importlib
import inspect
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import warnings

GENERATOR = "tools/gen_numpy2.py"
TICKED = re.compile(r"`(-?)(?:np|numpy)\.([A-Za-z_][\w.]*)`")
NAMED = re.compile(r"(?<![\w.`])(?:np|numpy)\.([A-Za-z_][\w.]*[A-Za-z0-9_])")
# Namespaces of NumPy 1 where the same object may live under another name.
NUMPY1_SPACES = ("", "exceptions.", "lib.", "char.", "rec.", "emath.", "linalg.", "ma.")


def one_line(text, stop=None):
    text = " ".join(str(text).split())
    if stop and stop in text:
        text = text[:text.index(stop)].strip()
    return text.replace("\t", " ")


def resolve(dotted):
    """The NumPy 2 object at `dotted` (numpy.x.y, a builtin or a stdlib module), or raise."""
    if dotted.startswith("numpy"):
        obj = importlib.import_module("numpy")
        for part in dotted.split(".")[1:]:
            obj = getattr(obj, part)
        return obj
    if "." not in dotted and hasattr(builtins, dotted):
        return getattr(builtins, dotted)
    return importlib.import_module(dotted)


def resolves(dotted):
    if dotted.startswith(".") and dotted.endswith("()"):
        import numpy
        return hasattr(numpy.ndarray, dotted[1:-2])
    return _resolves(dotted)


def _resolves(dotted):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            resolve(dotted)
        return True
    except Exception:
        return False


def public_path(obj, numpy):
    """A public numpy.* path (or stdlib module name) of `obj` in NumPy 2."""
    if inspect.ismodule(obj) and not obj.__name__.startswith("numpy"):
        return obj.__name__
    for space in ("", "char.", "rec.", "lib.", "exceptions.", "emath.", "linalg."):
        mod = numpy
        for part in space.strip(".").split(".") if space else []:
            mod = getattr(mod, part)
        for name in sorted(vars(mod)):
            if not name.startswith("_") and vars(mod)[name] is obj:
                return "numpy." + space + name
    return None


# ----------------------------------------------------------------------------------
# NumPy 2 records
# ----------------------------------------------------------------------------------

def former_rows(numpy):
    rows = {}
    for name, msg in sorted(numpy.__former_attrs__.items()):
        text = one_line(msg, "The aliases was originally")
        text = re.sub(r"^module 'numpy' has no attribute '\w+'\. ", "", text)
        safety = "safe" if "is safe" in text else "review"
        rows["numpy." + name] = (name, safety, text, "former")
    return rows


def expired_rows(numpy):
    from numpy._expired_attrs_2_0 import __expired_attributes__ as expired
    rows = {}
    for name, msg in sorted(expired.items()):
        text = one_line(msg)
        repl, safety = "-", "review"
        m = TICKED.search(text)
        moved = re.search(r"still available as|available under|now available from", text)
        if m and not m.group(1):
            repl = "numpy." + m.group(2)
            if re.search(r"now available from `np\.lib`", text):
                repl = "numpy.lib." + name
            if moved:
                safety = "safe"
            elif not re.match(r"Use `(?:np|numpy)\.[\w.]+` instead\.$", text):
                repl, safety = "-", "review"  # "Use np.asarray with a proper dtype": not a rename
        elif not m:
            b = re.match(r"Use `(\w+)` builtin instead", text)
            if b and hasattr(builtins, b.group(1)):
                repl = b.group(1)
        note = "removed in NumPy 2.0: " + (text or "no replacement")
        rows["numpy." + name] = (repl, safety, note, "expired")
    return rows


def getattr_names(module):
    """String constants that `module.__getattr__` compares its argument with."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(module.__getattr__)))
    except (OSError, TypeError, AttributeError):
        return []
    fn = tree.body[0]
    arg = fn.args.args[0].arg
    names = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Name) and node.left.id == arg:
            for c in node.comparators:
                for const in ([c] if isinstance(c, ast.Constant) else getattr(c, "elts", [])):
                    if isinstance(const, ast.Constant) and isinstance(const.value, str):
                        names.add(const.value)
    return sorted(names)


def getattr_rows(numpy):
    rows = {}
    for modname in ("numpy", "numpy.lib"):
        module = importlib.import_module(modname)
        for name in getattr_names(module):
            if name in getattr(numpy, "__former_attrs__", {}) or name in vars(module):
                continue
            key = modname + "." + name
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    value = module.__getattr__(name)
                except AttributeError as e:
                    text = one_line(e)
                    named = [n for n in NAMED.findall(text) if resolves("numpy." + n)]
                    repl = "numpy." + named[-1] if named else "-"
                    if repl != "-" and "submodule" in text and not inspect.ismodule(resolve(repl)):
                        repl = "-"  # a module is not replaced by one of its classes
                    rows[key] = (repl, "safe" if repl != "-" and "alias" in text else "review",
                                 "removed in NumPy 2: " + text, "getattr")
                    continue
                except Exception:
                    continue
            deprecations = [w for w in caught if issubclass(w.category, DeprecationWarning)]
            if not deprecations:
                continue  # a lazily imported submodule (numpy.linalg...)
            path = public_path(value, numpy)
            if path:
                rows[key] = (path, "safe", "deprecated: " + one_line(deprecations[0].message), "getattr")
    return rows


def core_rows(numpy):
    import numpy._core as core
    rows = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import numpy.core
        getattr(numpy.core, "ndarray")
    why = one_line(caught[-1].message, " The numpy._core namespace").rstrip(".") if caught \
        else "numpy.core is deprecated"
    rows["numpy.core"] = ("-", "review", why + ": use the public NumPy API (numpy.X)", "core")
    for sub in sorted(numpy.core.__all__):
        if sub.startswith("_"):
            continue
        rows["numpy.core." + sub] = ("-", "review", "numpy.core.%s is deprecated (renamed to the private "
                                     "numpy._core.%s): use the public NumPy API" % (sub, sub), "core")
    for name in sorted(vars(core)):
        if name.startswith("_") or "numpy.core." + name in rows:
            continue
        if getattr(numpy, name, None) is vars(core)[name]:
            rows["numpy.core." + name] = ("numpy." + name, "safe",
                                          "numpy.core is deprecated: the same object is numpy.%s" % name, "core")
    return rows


# ----------------------------------------------------------------------------------
# NumPy 1 comparison (--numpy1)
# ----------------------------------------------------------------------------------

def forwards_to(fn):
    """The name a function only forwards its own arguments to (after docstring and warnings),
    or None."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except Exception:
        return None
    f = tree.body[0]
    if not isinstance(f, ast.FunctionDef):
        return None
    body = [s for s in f.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    body = [s for s in body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)
                                    and "warn" in ast.unparse(s.value.func))]
    if len(body) != 1 or not isinstance(body[0], ast.Return) or not isinstance(body[0].value, ast.Call):
        return None
    call = body[0].value
    params = {a.arg for a in f.args.args + f.args.kwonlyargs}
    for extra in (f.args.vararg, f.args.kwarg):
        if extra:
            params.add(extra.arg)
    ok = all(isinstance(a, ast.Name) and a.id in params
             or isinstance(a, ast.Starred) and isinstance(a.value, ast.Name) and a.value.id in params
             for a in call.args)
    ok = ok and all(isinstance(k.value, ast.Name) and k.value.id in params and (k.arg is None or k.arg == k.value.id)
                    for k in call.keywords)
    return ast.unparse(call.func) if ok and isinstance(call.func, (ast.Name, ast.Attribute)) else None


def dump_numpy1(path):
    import numpy
    warnings.simplefilter("ignore")
    spaces = {}
    for space in NUMPY1_SPACES:
        mod = numpy
        try:
            for part in space.strip(".").split(".") if space else []:
                mod = getattr(mod, part)
        except AttributeError:
            continue
        spaces[space] = mod
    facts = {}
    deprecated = getattr(numpy, "__deprecated_attrs__", {})  # np.bool8, np.int0... (1.24+)
    lib = ["lib." + n for n in dir(numpy.lib) if not n.startswith("_")]  # np.lib.pad...
    for name in sorted(set(dir(numpy)) | set(deprecated) | set(lib)):
        if name.startswith("_"):
            continue
        try:
            obj = numpy
            for part in name.split("."):
                obj = getattr(obj, part)
        except Exception:
            continue
        if inspect.ismodule(obj) and name.startswith("lib."):
            continue  # submodules of numpy.lib: the getattr rows cover those NumPy 2 made private
        same = []
        if not isinstance(obj, (int, bool, str, bytes, type(None))):
            for space, mod in spaces.items():
                for other in sorted(dir(mod)):
                    if other.startswith("_") or space + other == name:
                        continue
                    try:
                        if getattr(mod, other) is obj:
                            same.append(space + other)
                    except Exception:
                        pass
        fwd, hint = None, None
        if callable(obj) and not inspect.isclass(obj):  # functions, array_function_dispatch wrappers
            target = forwards_to(obj)
            tobj = getattr(numpy, target.split(".")[-1], None) if target else None
            if tobj is not None:
                fwd = [n for n in sorted(dir(numpy)) if not n.startswith("_") and getattr(numpy, n, None) is tobj]
            try:
                src = inspect.getsource(obj)
            except Exception:
                src = obj.__doc__ or ""
            m = re.search(r"[Uu]se `?((?:np\.|numpy\.)?[A-Za-z_][\w.]*(?:\([^)]*\))?)`? instead", src)
            hint = m.group(1) if m else None
        if name in deprecated and not hint:
            m = re.search(r"alias for `(?:np|numpy)\.(\w+)`", str(deprecated[name][1]))
            hint = "np." + m.group(1) if m else None
        module = obj.__name__ if inspect.ismodule(obj) and not obj.__name__.startswith("numpy") else None
        try:
            params = list(inspect.signature(obj).parameters) if callable(obj) else None
        except (TypeError, ValueError):
            params = None
        facts[name] = {"same": same, "forwards": fwd, "hint": hint, "module": module, "params": params}
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"numpy": numpy.__version__, "names": facts}, f, sort_keys=True)


def same_name(numpy, name):
    """A class numpy.<space>.<name> in NumPy 2 (exceptions and warnings that moved, such as
    RankWarning), for a name gone from the main namespace.  Functions of the same name in
    other namespaces (numpy.ma.in1d) are different functions: not taken."""
    for space in ("exceptions.", "lib.", "char.", "rec."):
        if resolves("numpy." + space + name) and inspect.isclass(resolve("numpy." + space + name)):
            return "numpy." + space + name
    return None


def numpy1_rows(numpy, facts, version, rows):
    """Rows for NumPy 1 names gone without a NumPy 2 record; upgrades of review rows."""
    for name, fact in sorted(facts.items(), key=lambda kv: ("." in kv[0], kv[0])):  # main namespace first
        key = "numpy." + name
        present = resolves(key)
        aliases = [a for a in fact["same"] if resolves("numpy." + a)]
        forwards = [a for a in fact["forwards"] or [] if resolves("numpy." + a)]
        if key in rows:
            repl, safety, note, src = rows[key]
            if safety == "review" and repl.startswith("numpy."):
                short = repl[len("numpy."):]
                if short in fact["same"]:
                    rows[key] = (repl, "safe", note + " (numpy %s: the same object)" % version, src)
                elif short in (fact["forwards"] or []):
                    rows[key] = (repl, "safe", note + " (numpy %s: a wrapper that only calls it)" % version, src)
            continue
        if present:
            continue
        lower = sorted(aliases, key=lambda a: (a.lower() != name.lower(), "." in a, len(a), a))
        twins = [rows["numpy." + a] for a in fact["same"] if rows.get("numpy." + a, ("-",))[0] != "-"]
        if not lower and twins:
            repl, safety, note, _ = twins[0]
            twin = [a for a in fact["same"] if rows.get("numpy." + a)][0]
            rows[key] = (repl, safety, "gone in NumPy 2 (no record there); numpy %s: the same object as "
                         "numpy.%s, whose row says: %s" % (version, twin, note), "numpy1")
        elif lower:
            rows[key] = ("numpy." + lower[0], "safe", "gone in NumPy 2 (no record there); numpy %s: the "
                         "same object as numpy.%s" % (version, lower[0]), "numpy1")
        elif fact.get("module") and resolves(fact["module"]):
            rows[key] = (fact["module"], "safe", "gone in NumPy 2 (no record there); numpy %s: an alias of the "
                         "standard library module %s" % (version, fact["module"]), "numpy1")
        elif forwards:
            rows[key] = ("numpy." + forwards[0], "safe", "gone in NumPy 2 (no record there); numpy %s: a "
                         "wrapper that only calls numpy.%s" % (version, forwards[0]), "numpy1")
        elif fact["hint"]:
            hint = re.sub(r"^(?:np|numpy)\.", "", fact["hint"])
            repl = "numpy." + hint if re.match(r"[\w.]+$", hint) and resolves("numpy." + hint) else "-"
            rows[key] = (repl, "review", "gone in NumPy 2 (no record there); numpy %s says: use %s instead"
                         % (version, fact["hint"]), "numpy1")
        elif same_name(numpy, name):
            rows[key] = (same_name(numpy, name), "review", "gone from the main namespace in NumPy 2 (no "
                         "record there); NumPy 2 has a %s of this name" % same_name(numpy, name), "numpy1")
        else:
            rows[key] = ("-", "review", "gone in NumPy 2 (no record there, no NumPy 2 name of the same "
                         "object in numpy %s)" % version, "numpy1")


TEMPLATE = re.compile(r"(numpy(?:\.\w+)+)\(([^()]*)\)((?:\.\w+\(\))?)$")


def call_template(repl):
    """`numpy.isin(ar1>element, ar2>test_elements, assume_unique).ravel()`: the new callee, the
    old function's leading parameters carried over (`old>new` where the keyword is renamed), the
    keywords added (`axis=0`) and a method called on the result; None for another replacement."""
    m = TEMPLATE.match(repl)
    if not m:
        return None
    carried, added = [], []
    for part in (p.strip() for p in m.group(2).split(",") if p.strip()):
        if "=" in part:
            added.append(part.split("=", 1)[0].strip())
        else:
            old, _, new = part.partition(">")
            carried.append((old, new or old))
    return m.group(1), carried, added, m.group(3)


def check_template(key, repl, numpy, facts):
    """Why the call template `repl` for `key` is wrong, or None: the callee must exist in NumPy 2
    and in the NumPy 1 compared with (code migrated for one runs on both), the parameters carried
    must be the old function's first ones in NumPy 1 and the new one's first ones in NumPy 2 (so a
    positional argument lands on the same parameter), added keywords parameters of the new one
    that are not carried, and the method one of an ndarray."""
    callee, carried, added, tail = call_template(repl)
    if not resolves(callee):
        return "%s does not resolve in numpy %s" % (callee, numpy.__version__)
    short = callee[len("numpy."):]
    if facts is not None and short not in facts:
        return "%s is not in the numpy 1 compared with" % callee
    old_params = (facts or {}).get(key[len("numpy."):], {}).get("params")
    if facts is not None and old_params is None:
        return "no signature of %s in numpy 1" % key
    new_params = list(inspect.signature(resolve(callee)).parameters)
    olds, news = [o for o, _ in carried], [n for _, n in carried]
    if old_params is not None and old_params[: len(olds)] != olds:
        return "carries %s, but %s starts with %s" % (olds, key, old_params[: len(olds)])
    if new_params[: len(news)] != news:
        return "writes %s, but %s starts with %s" % (news, callee, new_params[: len(news)])
    if any(a not in new_params or a in news for a in added):
        return "adds %s, not all free parameters of %s" % (added, callee)
    if tail and not hasattr(numpy.ndarray, tail[1:-2]):
        return "ndarray has no method %s" % tail[1:-2]
    return None


def read_curated():
    rows = []
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "numpy2_curated.tsv"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != 4 or cols[2] not in ("safe", "review"):
                raise SystemExit("gen_numpy2: numpy2_curated.tsv: want name, replacement, safe|review, note: %r" % line)
            rows.append(tuple(cols))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", help="output directory")
    ap.add_argument("--numpy1", metavar="PYTHON", help="interpreter with NumPy 1.x, to compare with")
    ap.add_argument("--dump-numpy1", metavar="FILE", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.dump_numpy1:
        dump_numpy1(args.dump_numpy1)
        return
    if not args.out:
        ap.error("--out is required")
    import numpy
    if int(numpy.__version__.split(".")[0]) < 2:
        raise SystemExit("gen_numpy2: run this with NumPy 2 (found %s)" % numpy.__version__)
    rows = {}
    for part in (core_rows(numpy), getattr_rows(numpy), expired_rows(numpy), former_rows(numpy)):
        rows.update(part)  # later sources win: former > expired > getattr > core
    sources = "numpy.__former_attrs__, numpy._expired_attrs_2_0, numpy/numpy.lib __getattr__, numpy.core"
    if args.numpy1:
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "numpy1.json")
            subprocess.run([args.numpy1, os.path.abspath(__file__), "--dump-numpy1", out],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp)
            with open(out, encoding="utf-8") as f:
                data = json.load(f)
        numpy1_rows(numpy, data["names"], data["numpy"], rows)
        sources += "; compared with numpy %s (names gone without a record, same-object checks)" % data["numpy"]
    facts = data["names"] if args.numpy1 else None
    for key, repl, safety, note in read_curated():
        if resolves(key):
            raise SystemExit("gen_numpy2: numpy2_curated.tsv: %s exists in numpy %s" % (key, numpy.__version__))
        if call_template(repl):
            # A call of another shape where NumPy records no replacement: it replaces that row.
            why = check_template(key, repl, numpy, facts)
            if why:
                raise SystemExit("gen_numpy2: numpy2_curated.tsv: %s -> %s: %s" % (key, repl, why))
            if rows.get(key, ("-",))[0] != "-":
                raise SystemExit("gen_numpy2: numpy2_curated.tsv: %s has a replacement already" % key)
            rows[key] = (repl, safety, note, "curated")
            continue
        rows.setdefault(key, (repl, safety, note, "curated"))
    sources += "; tools/numpy2_curated.tsv (removed before 1.26; calls of another shape)"
    bad = [(k, r[0]) for k, r in rows.items() if r[0] != "-" and not call_template(r[0]) and not resolves(r[0])]
    if bad:
        raise SystemExit("gen_numpy2: replacements that do not resolve in numpy %s: %s" % (numpy.__version__, bad))
    counts = {}
    for r in rows.values():
        counts[r[3]] = counts.get(r[3], 0) + 1
    lines = [
        "# table: numpy2",
        "# columns: NumPy 1 name (numpy.X), replacement (numpy.* path, builtin or stdlib module, "
        "`.method()` of the first argument, or a call of another shape: `numpy.f(old>new, kept, added=value).method()`, "
        "the old function's leading parameters carried over (renamed after >), keywords added, a method of the result; - = none), "
        "safety (safe = the same object or behaviour; review = otherwise), note (NumPy's own message where it has one)",
        "# source: generated by %s from numpy %s (%s)" % (GENERATOR, numpy.__version__, sources),
        "# counts: " + " ".join("%s=%d" % kv for kv in sorted(counts.items())),
        "# check: every replacement resolves in numpy %s" % numpy.__version__,
        "# safety: safe = the same object (tf2-migrate rewrites it without asking); review = the rewrite may"
        " change behaviour; - = guidance only",
        "# rows: %d" % len(rows),
    ]
    for key in sorted(rows):
        repl, safety, note, _ = rows[key]
        lines.append("\t".join((key, repl, safety, note)))
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "numpy2.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    sys.stderr.write("gen_numpy2: %d rows (%s)\n" % (len(rows), lines[3][2:]))


if __name__ == "__main__":
    main()
